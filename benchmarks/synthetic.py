"""SYNTHETIC programme-scale stakeholder graphs for the benchmarks: invented data, not SECON facts.

A seeded generator of a whole funding programme in the SECON ontology's shape, at any size from
a few thousand to tens of millions of triples:

- organisations of every organisation class of the ontology, each with an English label (and for
  half of them a label in their country's language), a country from ``data/iso3166.ttl``, a NUTS
  2021 region of that country from ``data/nuts2021.ttl`` (``sg:locatedIn``; public authorities
  also ``sg:territory``), organisational units under a parent organisation;
- projects of a few synthetic funding programmes, with partnerships (exactly one lead partner,
  project partners, sometimes advisory partners), policy instruments, good practices, and
  stakeholder groups convened by partners with their memberships (organisations and unnamed
  groups of participants);
- events of every event class (kick-off meetings, workshops, study and site visits, meetings,
  stakeholder group meetings, conferences), some lasting several days (``sg:EventDay`` parts
  with ``sg:superEvent``) or with a site visit, located in a NUTS region, about topics of the
  topic scheme, with n-ary participations whose roles come from the participation-role scheme;
  attendance is skewed (a Pareto law): few events with many participants, many with few;
- provenance like the curated data: every fact sits in a named graph per synthetic source
  document (a register of organisations, a project page, an event report), each graph an
  ``sg:SourceGraph`` described in itself (``prov:wasDerivedFrom`` its ``sg:SourceDocument``,
  ``sg:method``, ``dcterms:created``, ``prov:wasAttributedTo``), and partnerships, memberships,
  events and participations name that document with ``sg:source``.

Everything invented is named under ``https://example.org/synthetic/`` and labelled "Synthetic …";
the source documents are titled as synthetic benchmark data. Named graphs follow the loader's
convention (``https://w3id.org/secongraph/graph/{file name}``) with names that start with
``synthetic-``, so that a data folder written here builds into exactly the graphs the N-Quads
file holds. Regions and countries are the real ones of the reference files (never an invented
NUTS code); their graphs are included as they are.

The output is a stream: one named graph is made, written and dropped at a time, so ten million
triples need no more memory than the few integers kept per organisation. Same seed, same bytes.

Usage::

    python benchmarks/synthetic.py OUT.nq --triples 100000 [--seed 1]
    python benchmarks/synthetic.py --data-dir DIR --triples 100000   # one Turtle file per graph
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import time
from array import array
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parents[1]
ONTOLOGY = ROOT / "ontology"
REFERENCE = ROOT / "data"
REFERENCE_FILES = ("iso3166.ttl", "nuts2021.ttl")
"""The reference graphs of ``data/``: real countries and NUTS 2021 regions, copied unchanged."""

SYNTHETIC = "https://example.org/synthetic/"
SG = "https://w3id.org/secongraph/ontology#"
GRAPH = "https://w3id.org/secongraph/graph/"
VOCAB = "https://w3id.org/secongraph/vocab/"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCTERMS = "http://purl.org/dc/terms/"
PROV = "http://www.w3.org/ns/prov#"
SCHEMA = "https://schema.org/"

PREFIXES = {
    "sg": SG, "rdf": RDF, "rdfs": RDFS, "xsd": XSD, "skos": SKOS, "dcterms": DCTERMS,
    "prov": PROV, "schema": SCHEMA, "sggraph": GRAPH,
    "org": f"{SYNTHETIC}organisation/", "project": f"{SYNTHETIC}project/",
    "pship": f"{SYNTHETIC}partnership/", "group": f"{SYNTHETIC}stakeholder-group/",
    "member": f"{SYNTHETIC}membership/", "ev": f"{SYNTHETIC}event/",
    "part": f"{SYNTHETIC}participation/", "src": f"{SYNTHETIC}source/",
    "pgroup": f"{SYNTHETIC}group/", "region": "https://w3id.org/secongraph/id/region/",
    "country": "https://w3id.org/secongraph/id/country/", "topic": f"{VOCAB}topic/",
    "role": f"{VOCAB}participation-role/", "prole": f"{VOCAB}partner-role/",
    "otype": f"{VOCAB}organisation-type/", "method": f"{VOCAB}method/",
}  # fmt: skip
"""Prefixes of the Turtle files written with ``--data-dir``."""

CREATED = "2026-11-26"
"""The ``dcterms:created`` of every synthetic graph: a constant, so the output repeats."""

ORGANISATION_SHARE, PER_ORGANISATION = 0.2, 6.6
"""About this share of the triples describes organisations (about ``PER_ORGANISATION`` triples
each: type, one or two labels, country, region, and now and then a territory, parent,
acronym or homepage); projects and events take the rest."""
REGISTER_SIZE = 1000
"""Organisations per register graph (one register per NUTS region, split in parts of this size)."""
ATTENDANCE_MIN, ATTENDANCE_SHAPE, ATTENDANCE_MAX = 3, 1.1, 600
"""Participants of an event: ``MIN × Pareto(SHAPE)``, at most ``MAX``: median about 6, a long tail."""
CLASS_WEIGHTS = {
    "Municipality": 8, "CountyCouncil": 2, "RegionalGovernment": 2, "RegionalAssociation": 1,
    "DistrictAdministration": 1, "PublicAuthority": 1, "PublicAgency": 4, "OrganisationalUnit": 2,
    "SocialEconomyOrganisation": 3, "SocialEnterprise": 8, "SocialCooperative": 4,
    "Cooperative": 4, "NGO": 14, "Business": 18, "ResearchOrganisation": 6, "Network": 3,
    "Organisation": 1,
}  # fmt: skip
"""How common each organisation class is (a class not listed, added to the ontology later, gets 1)."""
EVENT_WEIGHTS = {
    "Workshop": 30, "Meeting": 20, "StudyVisit": 12, "SiteVisit": 8, "Conference": 6,
    "StakeholderGroupMeeting": 20, "KickOffMeeting": 0, "EventDay": 0,
}  # fmt: skip
"""How common each kind of top-level event is (a project's first event is its kick-off meeting;
days are parts of longer events)."""
LANGUAGES = {
    "be": ("nl", "Synthetische organisatie"), "bg": ("bg", "Синтетична организация"),
    "de": ("de", "Synthetische Organisation"), "es": ("es", "Organización sintética"),
    "gr": ("el", "Συνθετικός οργανισμός"), "lv": ("lv", "Sintētiska organizācija"),
    "pl": ("pl", "Organizacja syntetyczna"), "pt": ("pt", "Organização sintética"),
    "ro": ("ro", "Organizație sintetică"),
}  # fmt: skip
"""A country's language and "synthetic organisation" in it, for the second label."""
PER_PARTICIPATION = 5
"""Triples per participation: type, event, participant, role, source (a second role now and then)."""

Term = ox.NamedNode | ox.Literal


def _iri(value: str) -> ox.NamedNode:
    return ox.NamedNode(value)


A = _iri(f"{RDF}type")
LABEL = _iri(f"{RDFS}label")
ALT_LABEL = _iri(f"{SKOS}altLabel")
PREF_LABEL = _iri(f"{SKOS}prefLabel")
SUBCLASS = _iri(f"{RDFS}subClassOf")
IN_SCHEME = _iri(f"{SKOS}inScheme")
TITLE, ISSUED, LANGUAGE, DCTYPE, PUBLISHER, DESCRIPTION, CREATED_P = (
    _iri(f"{DCTERMS}{name}")
    for name in ("title", "issued", "language", "type", "publisher", "description", "created")
)
DERIVED_FROM = _iri(f"{PROV}wasDerivedFrom")
ATTRIBUTED_TO = _iri(f"{PROV}wasAttributedTo")
PROV_AGENT = _iri(f"{PROV}Agent")
GENERATOR = _iri(f"{SYNTHETIC}agent/generator")
ATTENDANCE_MODES = tuple(
    _iri(f"{SCHEMA}{m}EventAttendanceMode") for m in ("Offline", "Offline", "Online", "Mixed")
)


def sg(name: str) -> ox.NamedNode:
    return _iri(SG + name)


def _date(day: date) -> ox.Literal:
    return ox.Literal(day.isoformat(), datatype=_iri(f"{XSD}date"))


def _integer(value: int) -> ox.Literal:
    return ox.Literal(str(value), datatype=_iri(f"{XSD}integer"))


def _en(text: str) -> ox.Literal:
    return ox.Literal(text, language="en")


# --------------------------------------------------------------------------------------------
# What the generator reads: the ontology's classes, the vocabularies, the reference regions
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Region:
    iri: ox.NamedNode
    code: str
    level: int
    country: str  # the country's slug, "bg"
    parent: ox.NamedNode | None


@dataclass
class Vocabulary:
    """The terms the generator picks from, read from ontology/ and data/ once."""

    organisation_classes: dict[str, str]  # class name -> English label
    event_classes: dict[str, str]
    topics: list[ox.NamedNode]
    participation_roles: dict[str, ox.NamedNode]  # slug -> IRI
    organisation_types: list[tuple[ox.NamedNode, str]]  # concept, English label
    countries: dict[str, ox.NamedNode]  # slug -> IRI
    regions: list[Region]
    leaves: dict[str, list[Region]] = field(default_factory=dict)  # country -> its leaf regions


def _triples(path: Path) -> Iterator[ox.Triple]:
    for quad in ox.parse(path=path, format=ox.RdfFormat.TURTLE):
        yield quad.triple


def _subclasses(ontology: list[ox.Triple], root: str) -> dict[str, str]:
    """Every class below ``sg:{root}`` (itself included), by name, with its English label."""
    parents: dict[str, set[str]] = defaultdict(set)
    labels: dict[str, str] = {}
    for t in ontology:
        if not isinstance(t.subject, ox.NamedNode):
            continue
        if t.predicate == SUBCLASS and isinstance(t.object, ox.NamedNode):
            parents[t.subject.value].add(t.object.value)
        elif (
            t.predicate == LABEL and isinstance(t.object, ox.Literal) and t.object.language == "en"
        ):
            labels[t.subject.value] = t.object.value

    def below(cls: str, seen: frozenset[str] = frozenset()) -> bool:
        return cls == SG + root or any(
            below(p, seen | {cls}) for p in parents.get(cls, ()) if p not in seen
        )

    names = sorted(c for c in parents if c.startswith(SG) and below(c))
    return {c.removeprefix(SG): labels.get(c, c.removeprefix(SG)) for c in [SG + root, *names]}


def _concepts(path: Path) -> list[tuple[ox.NamedNode, str]]:
    """The concepts of a SKOS vocabulary file, in file order, with their English labels."""
    labels: dict[ox.NamedNode, str] = {}
    for t in _triples(path):
        if t.predicate != PREF_LABEL or not isinstance(t.subject, ox.NamedNode):
            continue
        if isinstance(t.object, ox.Literal) and t.object.language == "en":
            labels[t.subject] = t.object.value
    schemes = {t.object for t in _triples(path) if t.predicate == IN_SCHEME}
    return [(c, label) for c, label in labels.items() if c not in schemes]


def read_vocabulary(*, ontology: Path = ONTOLOGY, reference: Path = REFERENCE) -> Vocabulary:
    """Read the classes, concepts, countries and NUTS regions the generator draws from."""
    axioms = list(_triples(ontology / "secongraph.ttl"))
    countries = {
        t.subject.value.rsplit("/", 1)[1]: t.subject
        for t in _triples(reference / "iso3166.ttl")
        if t.predicate == A and t.object == sg("Country") and isinstance(t.subject, ox.NamedNode)
    }
    nuts: dict[ox.NamedNode, dict[str, Term]] = defaultdict(dict)
    for t in _triples(reference / "nuts2021.ttl"):
        if isinstance(t.subject, ox.NamedNode) and isinstance(t.object, ox.NamedNode | ox.Literal):
            nuts[t.subject][t.predicate.value] = t.object
    regions = []
    for iri, values in sorted(nuts.items(), key=lambda item: item[0].value):
        if values.get(A.value) != sg("NutsRegion"):
            continue
        parent = values.get(SG + "parentRegion")
        regions.append(
            Region(
                iri,
                values[SG + "nutsCode"].value,
                int(values[SG + "nutsLevel"].value),
                values[SG + "country"].value.rsplit("/", 1)[1],
                parent if isinstance(parent, ox.NamedNode) else None,
            )
        )
    vocabulary = Vocabulary(
        organisation_classes=_subclasses(axioms, "Organisation"),
        event_classes={k: v for k, v in _subclasses(axioms, "Event").items() if k != "Event"},
        topics=[c for c, _ in _concepts(ontology / "vocab" / "topics.ttl")],
        participation_roles={
            c.value.rsplit("/", 1)[1]: c
            for c, _ in _concepts(ontology / "vocab" / "participation-roles.ttl")
        },
        organisation_types=_concepts(ontology / "vocab" / "organisation-types.ttl"),
        countries=countries,
        regions=regions,
    )
    parents = {r.parent for r in regions}
    for region in regions:
        if region.iri not in parents and region.country in countries:
            vocabulary.leaves.setdefault(region.country, []).append(region)
    return vocabulary


# --------------------------------------------------------------------------------------------
# The generator: one named graph at a time
# --------------------------------------------------------------------------------------------


@dataclass
class NamedGraph:
    """One synthetic named graph: its file name (``slug``), IRI and triples."""

    slug: str
    triples: list[ox.Triple]

    @property
    def iri(self) -> ox.NamedNode:
        return _iri(GRAPH + self.slug)

    def quads(self) -> Iterator[ox.Quad]:
        graph = self.iri
        return (ox.Quad(t.subject, t.predicate, t.object, graph) for t in self.triples)


class _Builder:
    """Collects the triples of one graph and describes the graph and its source document."""

    def __init__(self, slug: str, title: str, *, method: str, issued: date) -> None:
        self.slug = slug
        self.document = _iri(f"{SYNTHETIC}source/{slug.removeprefix('synthetic-')}")
        self.triples: list[ox.Triple] = []
        graph = _iri(GRAPH + slug)
        self.add(graph, A, sg("SourceGraph"))
        self.add(graph, LABEL, _en(f"Synthetic benchmark graph: {title}"))
        self.add(graph, DERIVED_FROM, self.document)
        self.add(graph, sg("method"), _iri(f"{VOCAB}method/{method}"))
        self.add(graph, CREATED_P, ox.Literal(CREATED, datatype=_iri(f"{XSD}date")))
        self.add(graph, ATTRIBUTED_TO, GENERATOR)
        self.add(self.document, A, sg("SourceDocument"))
        self.add(
            self.document, TITLE, _en(f"SYNTHETIC benchmark data, not a real document: {title}")
        )
        self.add(self.document, ISSUED, _date(issued))
        self.add(self.document, LANGUAGE, ox.Literal("en", datatype=_iri(f"{XSD}language")))
        self.add(self.document, DCTYPE, _en("synthetic benchmark record"))

    def add(self, subject: ox.NamedNode, predicate: ox.NamedNode, obj: Term) -> None:
        self.triples.append(ox.Triple(subject, predicate, obj))

    def done(self) -> NamedGraph:
        return NamedGraph(self.slug, self.triples)


class Generator:
    """A seeded synthetic programme of about ``triples`` triples, as a stream of named graphs."""

    def __init__(self, triples: int, *, seed: int = 1, vocabulary: Vocabulary | None = None):
        self.target = triples
        self.rng = random.Random(seed)
        self.v = vocabulary or read_vocabulary()
        self.emitted = 0
        classes = self.v.organisation_classes
        self.class_names = list(classes)
        self.class_weights = [CLASS_WEIGHTS.get(c, 1) for c in self.class_names]
        self.public = {
            i for i, c in enumerate(self.class_names) if c in PUBLIC_CLASSES or "Public" in c
        }
        top_level = [c for c in self.v.event_classes if c != "EventDay"]
        self.event_kinds = [c for c in top_level if EVENT_WEIGHTS.get(c, 1) > 0]
        self.event_weights = [EVENT_WEIGHTS.get(c, 1) for c in self.event_kinds]
        self.countries = sorted(c for c in self.v.leaves if c in self.v.countries)
        self.leaves = [r for c in self.countries for r in self.v.leaves[c]]
        # Per organisation: its class and region (indexes); per country and region: its members.
        self.org_class = array("H")
        self.org_region = array("H")
        self.by_country: dict[str, array[int]] = {c: array("I") for c in self.countries}
        self.by_region: list[array[int]] = [array("I") for _ in self.leaves]
        self.public_by_country: dict[str, array[int]] = {c: array("I") for c in self.countries}
        self.groups = 0  # unnamed groups of participants made so far
        self.events = 0

    # -- the stream ------------------------------------------------------------------------

    def graphs(self, *, reference: bool = True) -> Iterator[NamedGraph]:
        """Every named graph, the reference graphs first when ``reference``."""
        if reference:
            for name in REFERENCE_FILES:
                yield self._emit(NamedGraph(Path(name).stem, list(_triples(REFERENCE / name))))
        yield self._emit(self._about())
        organisations = max(
            2 * len(self.class_names), round(self.target * ORGANISATION_SHARE / PER_ORGANISATION)
        )
        self._assign_organisations(organisations)
        for region_index, members in enumerate(self.by_region):
            for part, start in enumerate(range(0, len(members), REGISTER_SIZE)):
                chunk = members[start : start + REGISTER_SIZE]
                yield self._emit(self._register(region_index, part, chunk))
        project = 0
        while project == 0 or self.emitted < self.target - 40:
            yield from (self._emit(g) for g in self._project(project))
            project += 1

    def _emit(self, graph: NamedGraph) -> NamedGraph:
        self.emitted += len(graph.triples)
        return graph

    def _about(self) -> NamedGraph:
        b = _Builder(
            "synthetic-about",
            "the synthetic programme and the generator that made it",
            method="curated",
            issued=date(2026, 11, 26),
        )
        b.add(GENERATOR, A, PROV_AGENT)
        b.add(GENERATOR, LABEL, _en("Synthetic data generator (benchmarks/synthetic.py)"))
        b.add(
            GENERATOR,
            DESCRIPTION,
            _en("Makes SYNTHETIC benchmark data for secongraph; nothing it makes is a SECON fact."),
        )
        for index in range(PROGRAMMES):
            programme = _iri(f"{SYNTHETIC}programme/{index}")
            b.add(programme, A, sg("FundingProgramme"))
            b.add(programme, LABEL, _en(f"Synthetic funding programme {index}"))
        return b.done()

    # -- organisations ---------------------------------------------------------------------

    def _assign_organisations(self, count: int) -> None:
        rng = self.rng
        names = self.class_names
        unit = names.index("OrganisationalUnit") if "OrganisationalUnit" in names else -1
        for index in range(count):
            if index < len(self.class_names):  # every class at least once, units after others
                cls = (index + 1) % len(self.class_names)
            else:
                cls = rng.choices(range(len(self.class_names)), self.class_weights)[0]
            if cls == unit and index == 0:
                cls = 0
            region = rng.randrange(len(self.leaves))
            country = self.leaves[region].country
            self.org_class.append(cls)
            self.org_region.append(region)
            self.by_region[region].append(index)
            self.by_country[country].append(index)
            if cls in self.public:
                self.public_by_country[country].append(index)

    def _register(self, region_index: int, part: int, members: Iterable[int]) -> NamedGraph:
        rng = self.rng
        region = self.leaves[region_index]
        code = region.code.lower()
        b = _Builder(
            f"synthetic-register-{code}-{part + 1}",
            f"register of organisations in NUTS region {region.code}, part {part + 1}",
            method="csv-import",
            issued=date(2024, 1, 1) + timedelta(days=region_index * 7 + part),
        )
        country = self.v.countries[region.country]
        language = LANGUAGES.get(region.country)
        for index in members:
            node = _iri(f"{SYNTHETIC}organisation/{index}")
            name = self.class_names[self.org_class[index]]
            label = self.v.organisation_classes[name]
            b.add(node, A, sg(name))
            b.add(node, LABEL, _en(f"Synthetic {label} {index}"))
            if language and rng.random() < 0.5:
                b.add(node, LABEL, ox.Literal(f"{language[1]} {index}", language=language[0]))
            b.add(node, sg("country"), country)
            b.add(node, sg("locatedIn"), region.iri)
            if self.org_class[index] in self.public:
                served = region.parent if region.parent and rng.random() < 0.3 else region.iri
                b.add(node, sg("territory"), served)
            if name == "OrganisationalUnit":
                parent = rng.randrange(index) if index else 0
                b.add(node, sg("subOrganisationOf"), _iri(f"{SYNTHETIC}organisation/{parent}"))
            if rng.random() < 0.2:
                b.add(node, ALT_LABEL, ox.Literal(f"SYN-{index}"))
            if rng.random() < 0.3:
                b.add(node, sg("homepage"), _iri(f"{SYNTHETIC}site/organisation/{index}"))
        return b.done()

    def _organisation_in(self, country: str, *, public: bool = False) -> int:
        pool = self.public_by_country[country] if public else self.by_country[country]
        if not pool:
            pool = self.by_country[country]
        if not pool:
            return self.rng.randrange(len(self.org_class))
        return pool[self.rng.randrange(len(pool))]

    # -- projects --------------------------------------------------------------------------

    def _project(self, p: int) -> Iterator[NamedGraph]:
        rng = self.rng
        start = date(2019, 1, 1) + timedelta(days=rng.randrange(6 * 365))
        end = start + timedelta(days=rng.randrange(730, 1461))
        project = _iri(f"{SYNTHETIC}project/{p}")
        b = _Builder(
            f"synthetic-project-{p}",
            f"project page of synthetic project {p}",
            method="curated",
            issued=start,
        )
        countries = rng.sample(self.countries, k=min(len(self.countries), rng.randint(4, 9)))
        partners: list[int] = []
        for country in countries:
            partner = self._organisation_in(country, public=rng.random() < 0.7)
            if partner not in partners:
                partners.append(partner)
        topics = rng.sample(self.v.topics, k=min(len(self.v.topics), rng.randint(1, 3)))
        b.add(project, A, sg("Project"))
        b.add(project, LABEL, _en(f"Synthetic project {p}"))
        b.add(project, ALT_LABEL, ox.Literal(f"SYNP{p}"))
        b.add(project, sg("startDate"), _date(start))
        b.add(project, sg("endDate"), _date(end))
        b.add(project, sg("referenceNumber"), ox.Literal(f"SYN{p:05d}"))
        b.add(project, sg("fundedBy"), _iri(f"{SYNTHETIC}programme/{p % PROGRAMMES}"))
        b.add(project, sg("contactOrganisation"), _iri(f"{SYNTHETIC}organisation/{partners[0]}"))
        b.add(project, sg("source"), b.document)
        for topic in topics:
            b.add(project, sg("topic"), topic)
        b.add(b.document, PUBLISHER, _iri(f"{SYNTHETIC}organisation/{partners[0]}"))
        advisers = min(len(partners) - 1, rng.choice((0, 0, 1, 2)))
        advisory = set(rng.sample(range(1, len(partners)), k=advisers))
        for k, partner in enumerate(partners):
            role = "advisory-partner" if k in advisory else "project-partner"
            self._partnership(b, p, k, partner, "lead-partner" if k == 0 else role)
        groups = []
        for k, partner in enumerate(partners):
            if k not in advisory and rng.random() < 0.6:
                groups.append(self._stakeholder_group(b, p, k, partner, topics))
        practices = []
        for k in range(rng.choice((0, 0, 1, 2))):
            practice = _iri(f"{SYNTHETIC}good-practice/{p}-{k}")
            b.add(practice, A, sg("GoodPractice"))
            b.add(practice, LABEL, _en(f"Synthetic good practice {p}-{k}"))
            implementer = self._organisation_in(rng.choice(countries))
            b.add(practice, sg("implementedBy"), _iri(f"{SYNTHETIC}organisation/{implementer}"))
            b.add(practice, sg("topic"), rng.choice(self.v.topics))
            practices.append(practice)
        yield b.done()

        context = _Project(p, project, start, end, partners, groups, practices, topics)
        for number in range(rng.randint(4, 14)):
            if self.emitted >= self.target - 40:
                break
            yield self._event(context, number)

    def _partnership(self, b: _Builder, p: int, k: int, partner: int, role: str) -> None:
        node = _iri(f"{SYNTHETIC}partnership/{p}-{k}")
        b.add(node, A, sg("Partnership"))
        b.add(node, sg("member"), _iri(f"{SYNTHETIC}organisation/{partner}"))
        b.add(node, sg("organisation"), _iri(f"{SYNTHETIC}project/{p}"))
        b.add(node, sg("role"), _iri(f"{VOCAB}partner-role/{role}"))
        b.add(node, sg("source"), b.document)
        if self.rng.random() < 0.3:
            instrument = _iri(f"{SYNTHETIC}policy-instrument/{p}-{k}")
            b.add(instrument, A, sg("PolicyInstrument"))
            b.add(instrument, LABEL, _en(f"Synthetic regional programme {p}-{k}"))
            b.add(node, sg("policyInstrument"), instrument)

    def _stakeholder_group(
        self, b: _Builder, p: int, k: int, partner: int, topics: list[ox.NamedNode]
    ) -> tuple[ox.NamedNode, int]:
        rng = self.rng
        group = _iri(f"{SYNTHETIC}stakeholder-group/{p}-{k}")
        b.add(group, A, sg("StakeholderGroup"))
        b.add(group, LABEL, _en(f"Synthetic stakeholder group {p}-{k}"))
        b.add(group, sg("convenedBy"), _iri(f"{SYNTHETIC}organisation/{partner}"))
        b.add(group, sg("project"), _iri(f"{SYNTHETIC}project/{p}"))
        b.add(group, sg("topic"), rng.choice(topics))
        region = self.by_region[self.org_region[partner]]
        wanted = min(len(region), rng.randint(3, 15))
        members: list[ox.NamedNode] = [
            _iri(f"{SYNTHETIC}organisation/{m}")
            for m in sorted(set(rng.sample(region, k=wanted)) - {partner})
        ]
        if rng.random() < 0.3:
            members.append(self._participant_group(b))
        for m, member in enumerate(members):
            node = _iri(f"{SYNTHETIC}membership/{p}-{k}-{m}")
            b.add(node, A, sg("StakeholderGroupMembership"))
            b.add(node, sg("member"), member)
            b.add(node, sg("organisation"), group)
            b.add(node, sg("source"), b.document)
        return group, partner

    def _participant_group(self, b: _Builder) -> ox.NamedNode:
        concept, label = self.rng.choice(self.v.organisation_types)
        node = _iri(f"{SYNTHETIC}group/{self.groups}")
        self.groups += 1
        b.add(node, A, sg("ParticipantGroup"))
        b.add(node, LABEL, _en(f"Synthetic unnamed group of {label} participants {self.groups}"))
        b.add(node, sg("organisationType"), concept)
        b.add(node, sg("headcount"), _integer(self.rng.randint(2, 60)))
        return node

    # -- events ----------------------------------------------------------------------------

    def _event(self, project: _Project, number: int) -> NamedGraph:
        rng = self.rng
        e = self.events
        self.events += 1
        if number == 0:
            kind = "KickOffMeeting"
        elif e < len(self.event_kinds):  # every kind early, so small graphs have them all
            kind = self.event_kinds[e]
        else:
            kind = rng.choices(self.event_kinds, self.event_weights)[0]
        if kind == "StakeholderGroupMeeting" and not project.groups:
            kind = "Meeting"
        span = (project.end - project.start).days
        start = project.start + timedelta(days=rng.randrange(max(1, span)))
        days = rng.choice((1, 1, 1, 2, 2, 3)) if kind in MULTI_DAY else 1
        event = _iri(f"{SYNTHETIC}event/{e}")
        label = self.v.event_classes[kind]
        b = _Builder(
            f"synthetic-event-{e}",
            f"report on synthetic {label} {e}",
            method="curated",
            issued=start + timedelta(days=days + rng.randrange(14)),
        )
        organiser = rng.choice(project.partners)
        group: ox.NamedNode | None = None
        if kind == "StakeholderGroupMeeting":  # the partner that convenes the group organises it
            group, organiser = rng.choice(project.groups)
        region = self.leaves[self.org_region[organiser]]
        b.add(event, A, sg(kind))
        b.add(event, LABEL, _en(f"Synthetic {label} {e}"))
        b.add(event, sg("startDate"), _date(start))
        b.add(event, sg("endDate"), _date(start + timedelta(days=days - 1)))
        b.add(event, sg("project"), project.iri)
        b.add(event, sg("location"), region.iri)
        b.add(event, sg("source"), b.document)
        b.add(event, sg("attendanceMode"), rng.choice(ATTENDANCE_MODES))
        for topic in rng.sample(project.topics, k=rng.randint(1, len(project.topics))):
            b.add(event, sg("topic"), topic)
        if group is not None:
            b.add(event, sg("meetingOf"), group)
            b.add(event, sg("position"), _integer(1 + project.meetings.get(group.value, 0)))
            project.meetings[group.value] = project.meetings.get(group.value, 0) + 1
        if project.practices and rng.random() < 0.2:
            b.add(event, sg("presents"), rng.choice(project.practices))
        parts = [event]
        for day in range(days if days > 1 else 0):
            node = _iri(f"{SYNTHETIC}event/{e}-day-{day + 1}")
            b.add(node, A, sg("EventDay"))
            b.add(node, LABEL, _en(f"Synthetic {label} {e}, day {day + 1}"))
            b.add(node, sg("superEvent"), event)
            b.add(node, sg("startDate"), _date(start + timedelta(days=day)))
            b.add(node, sg("endDate"), _date(start + timedelta(days=day)))
            b.add(node, sg("source"), b.document)
            parts.append(node)
        if kind in MULTI_DAY and rng.random() < 0.15:
            node = _iri(f"{SYNTHETIC}event/{e}-visit")
            b.add(node, A, sg("SiteVisit"))
            b.add(node, LABEL, _en(f"Synthetic site visit during {label} {e}"))
            b.add(node, sg("superEvent"), event)
            b.add(node, sg("source"), b.document)
            parts.append(node)
        self._participations(b, e, parts, project, organiser, region.country)
        return b.done()

    def _attendance(self, budget: int) -> int:
        wanted = int(ATTENDANCE_MIN * self.rng.paretovariate(ATTENDANCE_SHAPE))
        return max(2, min(wanted, ATTENDANCE_MAX, len(self.org_class), budget))

    def _participations(
        self,
        b: _Builder,
        e: int,
        parts: list[ox.NamedNode],
        project: _Project,
        organiser: int,
        country: str,
    ) -> None:
        rng = self.rng
        roles = self.v.participation_roles
        budget = (self.target - self.emitted - len(b.triples)) // PER_PARTICIPATION
        size = self._attendance(budget)
        chosen: dict[int, str] = {organiser: "organiser"}
        for partner in project.partners:
            if len(chosen) < size and rng.random() < 0.7:
                chosen.setdefault(partner, "partner")
        local = self.by_country[country]
        while len(chosen) < size:
            pool = local if rng.random() < 0.6 and len(local) > 2 * size else None
            who = pool[rng.randrange(len(pool))] if pool else rng.randrange(len(self.org_class))
            chosen.setdefault(who, rng.choice(STAKEHOLDER_ROLES))
        participants: list[tuple[ox.NamedNode, str]] = [
            (_iri(f"{SYNTHETIC}organisation/{index}"), role) for index, role in chosen.items()
        ]
        if rng.random() < 0.05:
            participants.append((self._participant_group(b), "stakeholder"))
        for k, (participant, role) in enumerate(participants):
            node = _iri(f"{SYNTHETIC}participation/{e}-{k}")
            part = parts[0] if k == 0 or len(parts) == 1 else rng.choice(parts)
            b.add(node, A, sg("Participation"))
            b.add(node, sg("event"), part)
            b.add(node, sg("participant"), participant)
            b.add(node, sg("participationRole"), roles[role])
            if role == "organiser" and rng.random() < 0.5:
                b.add(node, sg("participationRole"), roles["host"])
            elif role == "stakeholder" and rng.random() < 0.05:
                b.add(node, sg("participationRole"), roles["speaker"])
            b.add(node, sg("source"), b.document)


PROGRAMMES = 3
PUBLIC_CLASSES = frozenset(
    {"PublicAuthority", "Municipality", "CountyCouncil", "RegionalGovernment",
     "RegionalAssociation", "DistrictAdministration", "PublicAgency"}
)  # fmt: skip
MULTI_DAY = frozenset({"Workshop", "StudyVisit", "Conference", "KickOffMeeting"})
STAKEHOLDER_ROLES = ("stakeholder",) * 6 + ("participant",) * 3 + ("speaker", "chair")


@dataclass
class _Project:
    number: int
    iri: ox.NamedNode
    start: date
    end: date
    partners: list[int]
    groups: list[tuple[ox.NamedNode, int]]
    practices: list[ox.NamedNode]
    topics: list[ox.NamedNode]
    meetings: dict[str, int] = field(default_factory=dict)


# --------------------------------------------------------------------------------------------
# Writers and the compatible entry point
# --------------------------------------------------------------------------------------------


def synthetic_graphs(
    triples: int, *, seed: int = 1, reference: bool = True
) -> Iterator[NamedGraph]:
    """The named graphs of a SYNTHETIC programme of about ``triples`` triples, one at a time.

    ``reference`` puts the real NUTS and ISO reference graphs first (they count towards the
    size), so the output stands alone: regions and countries resolve and the shapes pass.
    """
    return Generator(triples, seed=seed).graphs(reference=reference)


def synthetic_quads(triples: int, *, seed: int = 1, reference: bool = True) -> list[ox.Quad]:
    """About ``triples`` SYNTHETIC quads in a list (small sizes; the stream is :func:`write_nquads`)."""
    return [
        q
        for graph in synthetic_graphs(triples, seed=seed, reference=reference)
        for q in graph.quads()
    ]


def write_nquads(out: Path | BinaryIO, graphs: Iterable[NamedGraph]) -> int:
    """Write ``graphs`` as N-Quads, one graph at a time; return the number of quads."""
    if isinstance(out, Path):
        with out.open("wb") as handle:
            return write_nquads(handle, graphs)
    count = 0
    for graph in graphs:
        ox.serialize(graph.quads(), out, ox.RdfFormat.N_QUADS)
        count += len(graph.triples)
    return count


def write_data_dir(folder: Path, graphs: Iterable[NamedGraph]) -> int:
    """Write one Turtle file per named graph into ``folder`` (the loader names the graph after
    the file), copy the reference files of ``data/`` and the NUTS outlines the maps read from
    ``reference/nuts2021``; return the number of triples."""
    folder.mkdir(parents=True, exist_ok=True)
    outlines = REFERENCE / "reference" / "nuts2021"
    if outlines.is_dir() and not (folder / "reference" / "nuts2021").exists():
        shutil.copytree(outlines, folder / "reference" / "nuts2021")
    count = 0
    for graph in graphs:
        path = folder / f"{graph.slug}.ttl"
        if graph.slug in {Path(n).stem for n in REFERENCE_FILES}:
            shutil.copyfile(REFERENCE / f"{graph.slug}.ttl", path)
        else:
            ox.serialize(graph.triples, path, ox.RdfFormat.TURTLE, prefixes=PREFIXES)
        count += len(graph.triples)
    return count


class _Tee:
    """Pass the graphs on, also writing each into a data folder."""

    def __init__(self, graphs: Iterable[NamedGraph], folder: Path) -> None:
        self.graphs, self.folder = graphs, folder

    def __iter__(self) -> Iterator[NamedGraph]:
        for graph in self.graphs:
            write_data_dir(self.folder, [graph])
            yield graph


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, nargs="?", help="the N-Quads file to write")
    parser.add_argument("--triples", type=int, default=100_000, help="about how many triples")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--data-dir", type=Path, help="also write one Turtle file per named graph into this folder"
    )
    args = parser.parse_args(argv)
    if args.out is None and args.data_dir is None:
        parser.error("give OUT.nq, --data-dir DIR or both")
    started = time.perf_counter()
    generator = Generator(args.triples, seed=args.seed)
    graphs: Iterable[NamedGraph] = generator.graphs()
    count = 0
    graph_count = 0

    def counted(graphs: Iterable[NamedGraph]) -> Iterator[NamedGraph]:
        nonlocal graph_count
        for graph in graphs:
            graph_count += 1
            yield graph

    graphs = counted(graphs)
    if args.data_dir is not None and args.out is not None:
        graphs = _Tee(graphs, args.data_dir)
    if args.out is not None:
        count = write_nquads(args.out, graphs)
    else:
        count = write_data_dir(args.data_dir, graphs)
    seconds = time.perf_counter() - started
    where = " and ".join(str(p) for p in (args.out, args.data_dir) if p is not None)
    print(
        f"wrote {count:,} SYNTHETIC triples (target {args.triples:,}, "
        f"{100 * (count - args.triples) / args.triples:+.2f} %) in {graph_count:,} named graphs "
        f"to {where} in {seconds:.1f} s",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
