"""What the store says for the projections: one question for the bipartite pairs, a few
look-ups for the context of the nodes (labels, types, places, dates, sources)."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Any

import pyoxigraph as ox

from ..namespaces import SG, VOCAB
from ..store import Store, Term

logger = logging.getLogger(__name__)

LEAD_PARTNER = str(VOCAB["partner-role/lead-partner"])

# The methods of the graphs that hold what the project adds to a source (DESIGN.md, "Stated or
# added"): their facts are marked as added, by method, wherever a tie or a node lists sources.
ADDED_METHODS = {
    str(VOCAB["method/translation"]): "translation",
    str(VOCAB["method/modelling"]): "modelling",
}

# --------------------------------------------------------------------------------------------
# What the store says: one question for the pairs, a few look-ups for the context of the nodes
# --------------------------------------------------------------------------------------------

# Each role and source comes with the method of every graph that holds it, so that what the project
# added (a role read from context, a partnership it reads into a source) can be told apart.
_PAIRS = """SELECT ?x ?agent ?unit ?kind ?role ?role_method ?role_document ?source ?source_method
WHERE {
  { ?x a sg:Participation ; sg:event ?unit ; sg:participant ?agent .
    OPTIONAL { GRAPH ?role_graph { ?x sg:participationRole ?role }
               OPTIONAL { ?role_graph sg:method ?role_method }
               OPTIONAL { ?role_graph prov:wasDerivedFrom ?role_document } }
    OPTIONAL { GRAPH ?source_graph { ?x sg:source ?source }
               OPTIONAL { ?source_graph sg:method ?source_method } }
    BIND("event" AS ?kind) }
  UNION
  { ?x a sg:Partnership ; sg:member ?agent ; sg:organisation ?unit .
    OPTIONAL { GRAPH ?role_graph { ?x sg:role ?role }
               OPTIONAL { ?role_graph sg:method ?role_method }
               OPTIONAL { ?role_graph prov:wasDerivedFrom ?role_document } }
    OPTIONAL { GRAPH ?source_graph { ?x sg:source ?source }
               OPTIONAL { ?source_graph sg:method ?source_method } }
    BIND("project" AS ?kind) }
}"""

_TYPES = "SELECT ?s ?o WHERE { ?s a ?o FILTER(isIRI(?s) && isIRI(?o)) }"
_SUBCLASSES = "SELECT ?s ?o WHERE { ?s rdfs:subClassOf ?o FILTER(isIRI(?s) && isIRI(?o)) }"
_LABELS = "SELECT ?s ?o WHERE { ?s rdfs:label|skos:prefLabel ?o FILTER(isIRI(?s)) }"
_EVENT_LINKS = """SELECT ?s ?p ?o WHERE {
  VALUES ?p { sg:superEvent sg:startDate sg:endDate } ?s ?p ?o }"""
_PLACE_LINKS = """SELECT ?s ?p ?o WHERE {
  VALUES ?p { sg:territory sg:locatedIn sg:location sg:country skos:closeMatch }
  ?s ?p ?o FILTER(isIRI(?s) && isIRI(?o)) }"""
_REGIONS = """SELECT ?region ?code ?level ?parent ?lat ?lon ?country WHERE {
  ?region a sg:NutsRegion ; sg:nutsCode ?code .
  OPTIONAL { ?region sg:nutsLevel ?level } OPTIONAL { ?region sg:parentRegion ?parent }
  OPTIONAL { ?region schema:latitude ?lat ; schema:longitude ?lon }
  OPTIONAL { ?region sg:country ?country } }"""
_COUNTRIES = "SELECT ?s ?o WHERE { ?s a sg:Country ; sg:isoCode ?o }"
_GRAPH_SOURCES = """SELECT DISTINCT ?s ?o ?method WHERE {
  ?s a ?class . ?class rdfs:subClassOf* sg:Organisation .
  GRAPH ?g { ?s ?p ?value } ?g prov:wasDerivedFrom ?o OPTIONAL { ?g sg:method ?method } }"""


def _pairs(rows: list[dict[str, Term]]) -> list[Pair]:
    """One pair per participation or partnership, role and source, each role and source marked
    with the method that added it (None: some graph states it)."""
    keys: dict[tuple[str, str, str, str], tuple[set[str | None], set[str | None]]] = {}
    methods: dict[tuple[str, str, str], set[str | None]] = defaultdict(set)
    role_documents: dict[tuple[str, str], set[tuple[str, str]]] = defaultdict(set)
    for r in rows:
        x = r["x"].value
        key = (x, r["agent"].value, r["unit"].value, r["kind"].value)
        roles, sources = keys.setdefault(key, (set(), set()))
        for name in ("role", "source"):
            value = r[name].value if name in r else None
            (roles if name == "role" else sources).add(value)
            if value is not None:
                method = r[f"{name}_method"].value if f"{name}_method" in r else None
                methods[(x, name, value)].add(method)
                added = ADDED_METHODS.get(method or "")
                if name == "role" and added and "role_document" in r:
                    role_documents[(x, value)].add((added, r["role_document"].value))
    pairs = []
    for (x, agent, unit, kind), (roles, sources) in keys.items():
        for role in sorted(roles, key=str):
            role_added: frozenset[tuple[str, str]] = frozenset()
            if role and _added(methods[(x, "role", role)]):
                role_added = frozenset(role_documents[(x, role)])
            for source in sorted(sources, key=str):
                source_added = _added(methods[(x, "source", source)]) if source else None
                pairs.append(Pair(agent, unit, kind, role, source, source_added, role_added))
    return pairs


def _date(term: Term) -> date | None:
    try:
        return date.fromisoformat(term.value)
    except ValueError:
        return None


def _added(methods: set[str | None]) -> str | None:
    """The method that added a fact held only by added graphs ("modelling", "translation"), or
    None when some graph that holds it states it."""
    names = {ADDED_METHODS.get(m) if m else None for m in methods}
    return None if not names or None in names else min(n for n in names if n)


_SHARED: ContextVar[dict[int, tuple[Store, Facts]] | None] = ContextVar("facts", default=None)


@contextmanager
def facts_read_once() -> Iterator[None]:
    """Within the block, :meth:`Facts.load` reads each store once, for work that draws several
    projections of a store it does not change (``maps``): at a million triples, reading the
    facts takes tens of seconds."""
    token = _SHARED.set({})
    try:
        yield
    finally:
        _SHARED.reset(token)


@dataclass(frozen=True)
class Pair:
    agent: str
    unit: str
    kind: str  # "event" or "project"
    role: str | None
    source: str | None
    source_added: str | None = None  # the method of the graph that cites the source, if added
    # (method, document) of the graphs that added the role; empty when a graph states it
    role_added: frozenset[tuple[str, str]] = frozenset()

    @property
    def stated_source(self) -> str | None:
        """The source document, when the participation or partnership is stated by it."""
        return self.source if self.source and not self.source_added else None

    @property
    def additions(self) -> set[tuple[str, str]]:
        """(method, source document) for each fact of the pair the project added."""
        added = set(self.role_added)
        if self.source and self.source_added:
            added.add((self.source_added, self.source))
        return added


@dataclass(frozen=True)
class Region:
    iri: str
    code: str
    level: int | None
    parent: str | None
    point: tuple[float, float] | None
    country: str | None


@dataclass
class Facts:
    """The parts of the store a projection needs, read once and indexed for Python."""

    pairs: list[Pair]
    types: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    parents: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    labels: dict[str, dict[str, str]] = field(default_factory=lambda: defaultdict(dict))
    links: dict[str, dict[str, set[str]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(set))
    )
    starts: dict[str, date] = field(default_factory=dict)
    ends: dict[str, date] = field(default_factory=dict)
    regions: dict[str, Region] = field(default_factory=dict)
    countries: dict[str, str] = field(default_factory=dict)
    graph_sources: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    graph_added: dict[str, set[tuple[str, str]]] = field(default_factory=lambda: defaultdict(set))
    depths: dict[str, int] = field(default_factory=dict)
    chains: dict[str, list[str]] = field(default_factory=dict)  # ancestors, once computed

    @classmethod
    def load(cls, store: Store) -> Facts:
        """What ``store`` says for the projections; read once per store within
        :func:`facts_read_once`."""
        shared = _SHARED.get()
        if shared is not None and id(store) in shared:
            return shared[id(store)][1]
        facts = cls._read(store)
        if shared is not None:
            shared[id(store)] = (store, facts)  # the store is kept, so its id is not reused
        return facts

    @classmethod
    def _read(cls, store: Store) -> Facts:
        facts = cls(pairs=_pairs(store.select_terms(_PAIRS)))
        for r in store.select_terms(_TYPES):
            facts.types[r["s"].value].add(r["o"].value)
        for r in store.select_terms(_SUBCLASSES):
            facts.parents[r["s"].value].add(r["o"].value)
        for r in store.select_terms(_LABELS):
            label = r["o"]
            lang = label.language if isinstance(label, ox.Literal) and label.language else ""
            facts.labels[r["s"].value].setdefault(lang, label.value)
        for r in store.select_terms(_EVENT_LINKS):
            subject, prop = r["s"].value, r["p"].value
            if prop == str(SG.superEvent):
                facts.links[subject]["super"].add(r["o"].value)
            elif (day := _date(r["o"])) is not None:
                (facts.starts if prop == str(SG.startDate) else facts.ends)[subject] = day
        for r in store.select_terms(_PLACE_LINKS):
            facts.links[r["s"].value][r["p"].value.rsplit("#", 1)[-1]].add(r["o"].value)
        for r in store.select_terms(_REGIONS):
            iri = r["region"].value
            point = (float(r["lat"].value), float(r["lon"].value)) if "lat" in r else None
            facts.regions[iri] = Region(
                iri,
                r["code"].value,
                int(r["level"].value) if "level" in r else None,
                r["parent"].value if "parent" in r else None,
                point,
                r["country"].value if "country" in r else None,
            )
        countries = store.select_terms(_COUNTRIES)
        facts.countries = {r["s"].value: r["o"].value.upper() for r in countries}
        for r in store.select_terms(_GRAPH_SOURCES):
            method = ADDED_METHODS.get(r["method"].value) if "method" in r else None
            if method:
                facts.graph_added[r["s"].value].add((method, r["o"].value))
            else:
                facts.graph_sources[r["s"].value].add(r["o"].value)
        return facts

    # -- sources -----------------------------------------------------------------------------

    def node_evidence(self, iri: str) -> tuple[set[str], set[tuple[str, str]]]:
        """The documents of the graphs that state something about ``iri``, and the (method,
        document) of the graphs that add something to them."""
        return set(self.graph_sources.get(iri, set())), set(self.graph_added.get(iri, set()))

    # -- classes and labels ------------------------------------------------------------------

    def label(self, iri: str) -> str:
        """The English label, else an untagged one, else the first by language, else the IRI."""
        labels = self.labels.get(iri, {})
        for lang in ("en", ""):
            if lang in labels:
                return labels[lang]
        return labels[min(labels)] if labels else iri.rstrip("/").rsplit("/", 1)[-1]

    @cached_property
    def children(self) -> dict[str, set[str]]:
        children: dict[str, set[str]] = defaultdict(set)
        for child, parents in self.parents.items():
            for parent in parents:
                children[parent].add(child)
        return children

    def descendants(self, cls: str) -> set[str]:
        """``cls`` and every class below it through ``rdfs:subClassOf``."""
        found, todo = {cls}, [cls]
        while todo:
            for child in self.children.get(todo.pop(), set()) - found:
                found.add(child)
                todo.append(child)
        return found

    def depth(self, cls: str, seen: frozenset[str] = frozenset()) -> int:
        """The length of the longest ``rdfs:subClassOf`` chain above ``cls``."""
        if cls not in self.depths:
            parents = self.parents.get(cls, set()) - seen - {cls}
            self.depths[cls] = 1 + max((self.depth(p, seen | {cls}) for p in parents), default=0)
        return self.depths[cls]

    def most_specific(self, iri: str, within: set[str]) -> str | None:
        classes = self.types.get(iri, set()) & within
        return min(classes, key=lambda c: (-self.depth(c), c)) if classes else None

    # -- events ------------------------------------------------------------------------------

    def ancestors(self, event: str) -> list[str]:
        """The events above ``event``, nearest first (the first parent in IRI order at each step).

        Remembered per event: every participation asks for its event's chain, several times.
        """
        chain = self.chains.get(event)
        if chain is None:
            chain = []
            current = event
            while parents := sorted(
                self.links.get(current, {}).get("super", set()) - {event, *chain}
            ):
                current = parents[0]
                chain.append(current)
            self.chains[event] = chain
        return list(chain)

    def top_event(self, event: str) -> str:
        return ([event, *self.ancestors(event)])[-1]

    def period(self, unit: str) -> tuple[date, date] | None:
        """The dates of ``unit``, or of the nearest event above it that has a start date."""
        for candidate in [unit, *self.ancestors(unit)]:
            if candidate in self.starts:
                start = self.starts[candidate]
                return start, self.ends.get(candidate, start)
        return None

    # -- places ------------------------------------------------------------------------------

    def nuts_regions(self, iri: str) -> list[Region]:
        """The NUTS regions of an organisation or event, sorted by code.

        Followed: ``sg:territory``, ``sg:locatedIn`` or ``sg:location``, then any number of
        ``sg:locatedIn`` or ``skos:closeMatch`` steps (a place lies in a region; a region that is
        not a NUTS region matches some).
        """
        links = self.links.get(iri, {})
        todo = sorted(
            set().union(*(links.get(p, set()) for p in ("territory", "locatedIn", "location")))
        )
        found: set[str] = set()
        seen = set(todo)
        while todo:
            current = todo.pop()
            if current in self.regions:
                found.add(current)
                continue
            for step in ("locatedIn", "closeMatch"):
                for target in self.links.get(current, {}).get(step, set()) - seen:
                    seen.add(target)
                    todo.append(target)
        return sorted((self.regions[r] for r in found), key=lambda r: r.code)

    def country(self, iri: str, regions: list[Region]) -> str | None:
        """The country IRI: stated, else that of its place, else that of its first region."""
        links = self.links.get(iri, {})
        candidates = sorted(links.get("country", set()))
        for place in sorted(links.get("locatedIn", set()) | links.get("location", set())):
            candidates += sorted(self.links.get(place, {}).get("country", set()))
        candidates += [r.country for r in regions if r.country]
        return candidates[0] if candidates else None

    @cached_property
    def country_regions(self) -> dict[str, Region]:
        """Each country's NUTS level-0 region."""
        found: dict[str, Region] = {}
        for region in sorted(self.regions.values(), key=lambda r: r.code):
            if region.level == 0 and region.country:
                found.setdefault(region.country, region)
        return found

    def country_point(self, country: str | None) -> tuple[float, float] | None:
        region = self.country_regions.get(country) if country else None
        return region.point if region else None

    def region_at(self, region: Region, level: int) -> Region:
        """The region at NUTS ``level`` that contains ``region`` (itself if it is coarser)."""
        current = region
        while (
            current.level is not None and current.level > level and current.parent in self.regions
        ):
            current = self.regions[current.parent]
        return current

    def place_attributes(self, iri: str) -> dict[str, Any]:
        regions = self.nuts_regions(iri)
        country = self.country(iri, regions)
        points = [r.point for r in regions if r.point]
        if points:
            lat: float | None = sum(p[0] for p in points) / len(points)
            lon: float | None = sum(p[1] for p in points) / len(points)
        else:
            lat, lon = self.country_point(country) or (None, None)
        return {
            "country": self.label(country) if country else None,
            "country_iri": country,
            "country_code": self.countries.get(country) if country else None,
            "region": regions[0].code if regions else None,
            "region_label": self.label(regions[0].iri) if regions else None,
            "regions": [r.code for r in regions],
            "nuts2": sorted({self.region_at(r, 2).code for r in regions}),
            "lat": lat,
            "lon": lon,
        }
