"""Collaboration networks: projections of the SECON graph into networkx, their metrics, and the
metrics written back as RDF.

Each projection asks the store one SPARQL question for the bipartite pairs it needs
(organisation-event from ``sg:Participation``, organisation-project from ``sg:Partnership``), reads
the context of the nodes (labels, types, places, dates) in a few plain look-ups, and aggregates in
Python (DESIGN.md, "Networks").

How ties are counted
--------------------
Sub-events count as part of their top event. A participation in an event counts as a
participation in its *top event*: the event reached by following ``sg:superEvent`` up as far as it
goes (a workshop's days and visits count as the workshop). Two organisations share an event when
each took part in the top event or in any event below it, and the tie counts that top event once,
however many days or visits both attended. Two organisations share a project when both are
partners in it (``sg:Partnership``). A tie's ``weight`` is the number of shared top events plus
the number of shared projects.

Filters
-------
``country`` (ISO 3166-1 alpha-2), ``region`` (NUTS code: the organisation's territory or
``locatedIn`` region is that region or lies below it through ``sg:parentRegion``) and ``org_type``
(an organisation class, subclasses included) select organisations; ties are kept between selected
organisations only, and unnamed groups are dropped. ``since``/``until`` select participations
whose event overlaps the range (an event without a date takes the dates of the nearest event above
it; events with no date at all are excluded once a range is given) and projects whose period
overlaps it. ``event`` selects participations in that event or any event below it; shared projects
are then not counted.

Node attributes
---------------
Node ids are IRI strings; nodes and edges are added in sorted order, so the same data gives the
same graph. Every organisation node (and, where they apply, group and event nodes) carries:
``label`` (English, else any), ``labels`` (language → label; "" for an untagged one), ``kind``
(``"organisation"``, ``"group"`` or ``"event"``), ``type`` (English label of its most specific
class) and ``type_iri``, ``country`` (English name), ``country_iri``, ``country_code`` (ISO
alpha-2), ``region`` (the first NUTS code of ``regions``, its NUTS regions sorted by code),
``region_label``, ``nuts2`` (the NUTS 2 regions containing them; coarser regions as they are),
``lat``/``lon`` (the mean label point of its NUTS regions, else its country's NUTS level-0
point, else None), ``sources`` (IRIs of the documents stating its participations and
partnerships, and of the documents of every named graph that describes it), ``partner`` and
``lead_partner`` (a partner, or the lead partner, of a project in the graph). Any of them is
None (or empty) when the graph does not say.
"""

from __future__ import annotations

import csv
import json
import logging
import math
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from functools import cached_property
from itertools import combinations, product
from pathlib import Path
from typing import Any
from urllib.parse import quote

import networkx as nx
import pycountry
import pyoxigraph as ox
from networkx.algorithms.community import louvain_communities
from rdflib import DCTERMS, PROV, RDF, RDFS, Graph, Literal, URIRef

from .errors import ExportError, ParameterError, SecongraphError
from .files import atomic_output
from .namespaces import GRAPH, ID, SG, VOCAB, bind_prefixes, sparql_prologue
from .store import Store

logger = logging.getLogger(__name__)

METRICS_GRAPH = str(GRAPH["network-metrics"])
"""The named graph that :func:`add_metrics` writes the metrics into."""

LEAD_PARTNER = str(VOCAB["partner-role/lead-partner"])
COMPUTED = str(VOCAB["method/computed"])
PROJECT_IRI = str(ID["organisation/secongraph-project"])
METRICS = ("degree", "weighted_degree", "betweenness", "eigenvector", "community")
"""The node attributes :func:`compute_metrics` adds, in the order they are written back."""


class Projection(StrEnum):
    """The projections :func:`build_projection` knows, by their CLI names."""

    CO_PARTICIPATION = "co-participation"
    ORGANISATION_EVENT = "organisation-event"
    REGION = "region"
    PARTNERSHIP = "partnership"


class NetworkFormat(StrEnum):
    """File formats of :func:`export_network`: GraphML and GEXF for Gephi, CSV edge lists."""

    GRAPHML = "graphml"
    GEXF = "gexf"
    CSV = "csv"


# --------------------------------------------------------------------------------------------
# What the store says: one question for the pairs, a few look-ups for the context of the nodes
# --------------------------------------------------------------------------------------------

_PAIRS = """SELECT ?agent ?unit ?kind ?role ?source WHERE {
  { ?x a sg:Participation ; sg:event ?unit ; sg:participant ?agent .
    OPTIONAL { ?x sg:participationRole ?role } OPTIONAL { ?x sg:source ?source }
    BIND("event" AS ?kind) }
  UNION
  { ?x a sg:Partnership ; sg:member ?agent ; sg:organisation ?unit .
    OPTIONAL { ?x sg:role ?role } OPTIONAL { ?x sg:source ?source }
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
_GRAPH_SOURCES = """SELECT DISTINCT ?s ?o WHERE {
  ?s a ?class . ?class rdfs:subClassOf* sg:Organisation .
  GRAPH ?g { ?s ?p ?value } ?g prov:wasDerivedFrom ?o }"""


def _select(store: Store, query: str) -> list[dict[str, ox.Term]]:
    solutions = store.oxigraph.query(sparql_prologue() + query, use_default_graph_as_union=True)
    assert isinstance(solutions, ox.QuerySolutions)
    names = [v.value for v in solutions.variables]
    return [{n: s[n] for n in names if s[n] is not None} for s in solutions]


def _date(term: ox.Term) -> date | None:
    try:
        return date.fromisoformat(term.value)
    except ValueError:
        return None


@dataclass(frozen=True)
class _Pair:
    agent: str
    unit: str
    kind: str  # "event" or "project"
    role: str | None
    source: str | None


@dataclass(frozen=True)
class _Region:
    iri: str
    code: str
    level: int | None
    parent: str | None
    point: tuple[float, float] | None
    country: str | None


@dataclass
class _Facts:
    """The parts of the store a projection needs, read once and indexed for Python."""

    pairs: list[_Pair]
    types: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    parents: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    labels: dict[str, dict[str, str]] = field(default_factory=lambda: defaultdict(dict))
    links: dict[str, dict[str, set[str]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(set))
    )
    starts: dict[str, date] = field(default_factory=dict)
    ends: dict[str, date] = field(default_factory=dict)
    regions: dict[str, _Region] = field(default_factory=dict)
    countries: dict[str, str] = field(default_factory=dict)
    graph_sources: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    depths: dict[str, int] = field(default_factory=dict)

    @classmethod
    def load(cls, store: Store) -> _Facts:
        facts = cls(
            pairs=[
                _Pair(
                    r["agent"].value,
                    r["unit"].value,
                    r["kind"].value,
                    r["role"].value if "role" in r else None,
                    r["source"].value if "source" in r else None,
                )
                for r in _select(store, _PAIRS)
            ]
        )
        for r in _select(store, _TYPES):
            facts.types[r["s"].value].add(r["o"].value)
        for r in _select(store, _SUBCLASSES):
            facts.parents[r["s"].value].add(r["o"].value)
        for r in _select(store, _LABELS):
            label = r["o"]
            lang = label.language if isinstance(label, ox.Literal) and label.language else ""
            facts.labels[r["s"].value].setdefault(lang, label.value)
        for r in _select(store, _EVENT_LINKS):
            subject, prop = r["s"].value, r["p"].value
            if prop == str(SG.superEvent):
                facts.links[subject]["super"].add(r["o"].value)
            elif (day := _date(r["o"])) is not None:
                (facts.starts if prop == str(SG.startDate) else facts.ends)[subject] = day
        for r in _select(store, _PLACE_LINKS):
            facts.links[r["s"].value][r["p"].value.rsplit("#", 1)[-1]].add(r["o"].value)
        for r in _select(store, _REGIONS):
            iri = r["region"].value
            point = (float(r["lat"].value), float(r["lon"].value)) if "lat" in r else None
            facts.regions[iri] = _Region(
                iri,
                r["code"].value,
                int(r["level"].value) if "level" in r else None,
                r["parent"].value if "parent" in r else None,
                point,
                r["country"].value if "country" in r else None,
            )
        facts.countries = {r["s"].value: r["o"].value.upper() for r in _select(store, _COUNTRIES)}
        for r in _select(store, _GRAPH_SOURCES):
            facts.graph_sources[r["s"].value].add(r["o"].value)
        return facts

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
        """The events above ``event``, nearest first (the first parent in IRI order at each step)."""
        chain: list[str] = []
        current = event
        while parents := sorted(self.links.get(current, {}).get("super", set()) - {event, *chain}):
            current = parents[0]
            chain.append(current)
        return chain

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

    def nuts_regions(self, iri: str) -> list[_Region]:
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

    def country(self, iri: str, regions: list[_Region]) -> str | None:
        """The country IRI: stated, else that of its place, else that of its first region."""
        links = self.links.get(iri, {})
        candidates = sorted(links.get("country", set()))
        for place in sorted(links.get("locatedIn", set()) | links.get("location", set())):
            candidates += sorted(self.links.get(place, {}).get("country", set()))
        candidates += [r.country for r in regions if r.country]
        return candidates[0] if candidates else None

    @cached_property
    def country_regions(self) -> dict[str, _Region]:
        """Each country's NUTS level-0 region."""
        found: dict[str, _Region] = {}
        for region in sorted(self.regions.values(), key=lambda r: r.code):
            if region.level == 0 and region.country:
                found.setdefault(region.country, region)
        return found

    def country_point(self, country: str | None) -> tuple[float, float] | None:
        region = self.country_regions.get(country) if country else None
        return region.point if region else None

    def region_at(self, region: _Region, level: int) -> _Region:
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


# --------------------------------------------------------------------------------------------
# Filters
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Filters:
    """Checked filter values (see the module docstring for what each one keeps)."""

    country: str | None = None
    region: str | None = None
    org_type: str | None = None
    since: date | None = None
    until: date | None = None
    event: str | None = None

    def as_dict(self) -> dict[str, str]:
        """The filters that are set, as strings (for a run description or a file name)."""
        values = {
            "country": self.country,
            "region": self.region,
            "type": self.org_type,
            "since": self.since.isoformat() if self.since else None,
            "until": self.until.isoformat() if self.until else None,
            "event": self.event,
        }
        return {name: value for name, value in values.items() if value is not None}

    @property
    def selects_organisations(self) -> bool:
        return any((self.country, self.region, self.org_type))


def _filters(
    facts: _Facts,
    *,
    country: str | None,
    region: str | None,
    org_type: str | None,
    since: date | str | None,
    until: date | str | None,
    event: str | None,
) -> _Filters:
    if country is not None and pycountry.countries.get(alpha_2=country.upper()) is None:
        raise ParameterError(
            f"--country {country!r}: not an ISO 3166-1 alpha-2 country code, such as BG."
        )
    if region is not None and region.upper() not in {r.code for r in facts.regions.values()}:
        raise ParameterError(
            f"--region {region!r}: no NUTS region with this code in the graph, such as BG422."
        )
    start, end = _day("--since", since), _day("--until", until)
    if start and end and start > end:
        raise ParameterError(f"--since {start} is after --until {end}.")
    return _Filters(
        country=country.upper() if country else None,
        region=region.upper() if region else None,
        org_type=_organisation_class(facts, org_type) if org_type is not None else None,
        since=start,
        until=end,
        event=_event_iri(facts, event) if event is not None else None,
    )


def _day(option: str, value: date | str | None) -> date | None:
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ParameterError(f"{option} {value!r}: not a date; give YYYY-MM-DD.") from None


def _organisation_class(facts: _Facts, value: str) -> str:
    classes = facts.descendants(str(SG.Organisation))
    wanted = value.removeprefix("sg:").strip().lower()
    for cls in sorted(classes):
        names = {cls.lower(), cls.rsplit("#", 1)[-1].lower(), facts.label(cls).lower()}
        if wanted in names or value.lower() in names:
            return cls
    choices = ", ".join(sorted(c.rsplit("#", 1)[-1] for c in classes))
    raise ParameterError(f"--type {value!r}: not an organisation type; choose one of {choices}.")


def _event_iri(facts: _Facts, value: str) -> str:
    iri = value if "://" in value else str(ID[f"event/{value}"])
    if not facts.types.get(iri, set()) & facts.descendants(str(SG.Event)):
        raise ParameterError(f"--event {value!r}: no such event in the graph.")
    return iri


def _overlaps(period: tuple[date, date] | None, flt: _Filters) -> bool:
    if not (flt.since or flt.until):
        return True
    if period is None:
        return False
    return (flt.since is None or period[1] >= flt.since) and (
        flt.until is None or period[0] <= flt.until
    )


# --------------------------------------------------------------------------------------------
# Projections
# --------------------------------------------------------------------------------------------


class _Context:
    """Facts, checked filters and the organisations and groups behind one projection."""

    def __init__(self, store: Store, **filters: Any) -> None:
        self.facts = facts = _Facts.load(store)
        self.filters = _filters(facts, **filters)
        self.org_classes = facts.descendants(str(SG.Organisation))
        self.wanted_classes = (
            facts.descendants(self.filters.org_type) if self.filters.org_type else set()
        )
        agents = {p.agent for p in facts.pairs}
        self.groups = {a for a in agents if str(SG.ParticipantGroup) in facts.types.get(a, set())}
        self.organisations = {a for a in agents - self.groups if self._selected(a)}
        partners = [p for p in facts.pairs if p.kind == "project"]
        self.partners = {p.agent for p in partners}
        self.leads = {p.agent for p in partners if p.role == LEAD_PARTNER}
        self.sources: dict[str, set[str]] = defaultdict(set)
        for pair in facts.pairs:
            if pair.source:
                self.sources[pair.agent].add(pair.source)
        self.event_classes = facts.descendants(str(SG.Event))

    def _selected(self, agent: str) -> bool:
        flt, regions = self.filters, self.facts.nuts_regions(agent)
        if flt.country:
            country = self.facts.country(agent, regions)
            if not country or self.facts.countries.get(country) != flt.country:
                return False
        if flt.region and not any(flt.region in self._codes_up(r) for r in regions):
            return False
        return not flt.org_type or bool(self.facts.types.get(agent, set()) & self.wanted_classes)

    def _codes_up(self, region: _Region) -> set[str]:
        codes, current, seen = {region.code}, region, {region.iri}
        while current.parent in self.facts.regions and current.parent not in seen:
            current = self.facts.regions[current.parent]
            codes.add(current.code)
            seen.add(current.iri)
        return codes

    def event_pairs(self) -> list[_Pair]:
        """Participations that pass the event and date filters."""
        flt, facts = self.filters, self.facts
        return [
            p
            for p in self.facts.pairs
            if p.kind == "event"
            and (flt.event is None or flt.event in [p.unit, *facts.ancestors(p.unit)])
            and _overlaps(facts.period(p.unit), flt)
        ]

    def project_pairs(self) -> list[_Pair]:
        """Partnerships that pass the filters (none when an event is chosen)."""
        if self.filters.event:
            return []
        return [
            p
            for p in self.facts.pairs
            if p.kind == "project" and _overlaps(self.facts.period(p.unit), self.filters)
        ]

    def node(self, iri: str) -> dict[str, Any]:
        """The attributes of an organisation or group node (the contract maps rely on)."""
        facts = self.facts
        is_group = iri in self.groups
        within = {str(SG.ParticipantGroup)} if is_group else self.org_classes
        cls = facts.most_specific(iri, within)
        return {
            "label": facts.label(iri),
            "labels": dict(sorted(facts.labels.get(iri, {}).items())),
            "kind": "group" if is_group else "organisation",
            "type": facts.label(cls) if cls else None,
            "type_iri": cls,
            **facts.place_attributes(iri),
            "sources": sorted(self.sources[iri] | facts.graph_sources.get(iri, set())),
            "partner": iri in self.partners,
            "lead_partner": iri in self.leads,
        }


def _new_graph(name: Projection, flt: _Filters, **attributes: Any) -> nx.Graph:
    return nx.Graph(projection=str(name), filters=flt.as_dict(), **attributes)


def _add_nodes(graph: nx.Graph, nodes: Mapping[str, dict[str, Any]]) -> None:
    for iri in sorted(nodes):
        graph.add_node(iri, **nodes[iri])


def co_participation(
    store: Store,
    *,
    country: str | None = None,
    region: str | None = None,
    org_type: str | None = None,
    since: date | str | None = None,
    until: date | str | None = None,
    event: str | None = None,
) -> nx.Graph:
    """Organisations linked when they took part in the same event or are partners in a project.

    Parameters
    ----------
    store
        The built SECON graph.
    country, region, org_type, since, until, event
        Filters, described in the module docstring.

    Returns
    -------
    networkx.Graph
        Nodes are organisation IRIs with the node attributes of the contract; edges carry
        ``weight`` (shared top events + shared projects), ``events`` (sorted top-event IRIs),
        ``event_labels``, ``projects``, ``project_labels`` and ``sources`` (sorted IRIs of the
        documents that state the participations or partnerships behind the tie). Organisations
        that pass the filters but share nothing appear without edges.

    Raises
    ------
    ParameterError
        If a filter value is unknown or malformed.
    """
    context = _Context(
        store,
        country=country,
        region=region,
        org_type=org_type,
        since=since,
        until=until,
        event=event,
    )
    return _co_participation(context)


def _co_participation(context: _Context) -> nx.Graph:
    facts = context.facts
    members: dict[tuple[str, str], dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for pair in context.event_pairs() + context.project_pairs():
        if pair.agent not in context.organisations:
            continue
        unit = facts.top_event(pair.unit) if pair.kind == "event" else pair.unit
        sources = members[(pair.kind, unit)][pair.agent]
        if pair.source:
            sources.add(pair.source)
    # per tie: shared events, shared projects (each list in IRI order), sources
    ties: dict[tuple[str, str], tuple[list[str], list[str], set[str]]] = {}
    for (kind, unit), agents in sorted(members.items()):
        shared = 0 if kind == "event" else 1
        for a, b in combinations(sorted(agents), 2):
            tie = ties.get((a, b))
            if tie is None:
                tie = ties[(a, b)] = ([], [], set())
            tie[shared].append(unit)
            tie[2].update(agents[a], agents[b])
    graph = _new_graph(Projection.CO_PARTICIPATION, context.filters)
    _add_nodes(graph, {a: context.node(a) for a in set().union(*members.values())})
    labels = {unit: facts.label(unit) for _, unit in members}
    for (a, b), (events, projects, sources) in sorted(ties.items()):
        tie = {"events": events, "projects": projects, "sources": sources}
        graph.add_edge(a, b, **_tie(labels, tie))
    return graph


def _tie(labels: Mapping[str, str], tie: Mapping[str, Iterable[str]]) -> dict[str, Any]:
    """Edge attributes from the sets of shared ``events``, ``projects`` and ``sources``."""
    events, projects = sorted(tie.get("events", ())), sorted(tie.get("projects", ()))
    return {
        "weight": len(events) + len(projects),
        "events": events,
        "event_labels": [labels[e] for e in events],
        "projects": projects,
        "project_labels": [labels[p] for p in projects],
        "sources": sorted(tie.get("sources", ())),
    }


def organisation_event(
    store: Store,
    *,
    country: str | None = None,
    region: str | None = None,
    org_type: str | None = None,
    since: date | str | None = None,
    until: date | str | None = None,
    event: str | None = None,
) -> nx.Graph:
    """The bipartite network of organisations (and unnamed groups) and the top events they attended.

    Organisations and groups have ``bipartite`` 0 and ``kind`` ``"organisation"`` or ``"group"``;
    top events have ``bipartite`` 1, ``kind`` ``"event"``, ``start_date``/``end_date`` (ISO
    strings or None), ``sub_events`` and ``groups`` (labels of the unnamed groups that took part).
    Groups are left out when a country, region or type filter is given. Projects are not nodes.

    Parameters
    ----------
    store
        The built SECON graph.
    country, region, org_type, since, until, event
        Filters, described in the module docstring.

    Returns
    -------
    networkx.Graph
        Edges carry ``roles`` (sorted English labels of the participation roles), ``role_iris``,
        ``events`` (the events within the top event the participant is recorded at), ``weight``
        (how many of them) and ``sources``.

    Raises
    ------
    ParameterError
        If a filter value is unknown or malformed.
    """
    context = _Context(
        store,
        country=country,
        region=region,
        org_type=org_type,
        since=since,
        until=until,
        event=event,
    )
    facts = context.facts
    keep_groups = not context.filters.selects_organisations
    links: dict[tuple[str, str], dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for pair in context.event_pairs():
        if pair.agent in context.organisations or (keep_groups and pair.agent in context.groups):
            link = links[(pair.agent, facts.top_event(pair.unit))]
            link["events"].add(pair.unit)
            for key, value in (("role_iris", pair.role), ("sources", pair.source)):
                if value:
                    link[key].add(value)
    graph = _new_graph(Projection.ORGANISATION_EVENT, context.filters)
    agents = {agent for agent, _ in links}
    _add_nodes(graph, {a: {**context.node(a), "bipartite": 0} for a in agents})
    by_event: dict[str, list[tuple[str, Mapping[str, set[str]]]]] = defaultdict(list)
    for (agent, event_iri), link in links.items():
        by_event[event_iri].append((agent, link))
    _add_nodes(graph, {e: _event_node(context, e, mine) for e, mine in by_event.items()})
    for (agent, event_iri), link in sorted(links.items()):
        roles = sorted(link["role_iris"])
        graph.add_edge(
            agent,
            event_iri,
            weight=len(link["events"]),
            roles=sorted(facts.label(r) for r in roles),
            role_iris=roles,
            events=sorted(link["events"]),
            sources=sorted(link["sources"]),
        )
    return graph


def _event_node(
    context: _Context, event: str, mine: list[tuple[str, Mapping[str, set[str]]]]
) -> dict[str, Any]:
    facts = context.facts
    cls = facts.most_specific(event, context.event_classes)
    period = facts.period(event)
    place = facts.place_attributes(event)
    return {
        "label": facts.label(event),
        "labels": dict(sorted(facts.labels.get(event, {}).items())),
        "kind": "event",
        "bipartite": 1,
        "type": facts.label(cls) if cls else None,
        "type_iri": cls,
        "start_date": period[0].isoformat() if period else None,
        "end_date": period[1].isoformat() if period else None,
        **place,
        "sub_events": sorted({e for _, link in mine for e in link["events"]} - {event}),
        "groups": sorted(facts.label(a) for a, _ in mine if a in context.groups),
        "sources": sorted({s for _, link in mine for s in link["sources"]}),
        "partner": False,
        "lead_partner": False,
    }


def region_network(
    store: Store,
    *,
    level: int | None = None,
    country: str | None = None,
    region: str | None = None,
    org_type: str | None = None,
    since: date | str | None = None,
    until: date | str | None = None,
    event: str | None = None,
) -> nx.Graph:
    """The co-participation network aggregated to NUTS regions at ``level``, or to countries.

    Each organisation counts in every region at ``level`` that its NUTS regions lie in (an
    organisation whose region is coarser than ``level`` counts in that coarser region; one without
    a region counts in its country's NUTS level-0 region). Ties between two organisations add to
    every pair of their (different) regions; ties inside one region are counted on the node.

    Parameters
    ----------
    store
        The built SECON graph.
    level
        NUTS level 0 to 3, or None to aggregate to countries.
    country, region, org_type, since, until, event
        Filters on the organisations and ties, as for :func:`co_participation`.

    Returns
    -------
    networkx.Graph
        Nodes are region (or country) IRIs with ``label``, ``kind`` (``"region"`` or
        ``"country"``), ``code``, ``level``, ``lat``/``lon``, ``organisations`` (sorted IRIs),
        ``organisation_labels`` and ``internal_weight``. Edges carry ``weight`` (the sum of the
        weights of the organisation ties between the two), ``ties`` (their number), ``events``,
        ``event_labels``, ``projects``, ``project_labels`` and ``sources``. Organisations with
        neither region nor country are listed in the graph attribute ``unplaced``.

    Raises
    ------
    ParameterError
        If ``level`` is not 0 to 3 or a filter value is unknown or malformed.
    """
    if level is not None and level not in range(4):
        raise ParameterError(f"--level {level!r}: NUTS levels are 0, 1, 2 and 3.")
    context = _Context(
        store,
        country=country,
        region=region,
        org_type=org_type,
        since=since,
        until=until,
        event=event,
    )
    organisations = _co_participation(context)
    places = {org: _aggregate_places(context.facts, org, level) for org in organisations}
    graph = _new_graph(
        Projection.REGION,
        context.filters,
        level=level if level is not None else "country",
        unplaced=sorted(org for org, keys in places.items() if not keys),
    )
    nodes: dict[str, dict[str, Any]] = {}
    for org, keys in places.items():
        for key in keys:
            node = nodes.setdefault(key, _place_node(context.facts, key, level))
            node["organisations"].append(org)
    for node in nodes.values():
        node["organisations"].sort()
        node["organisation_labels"] = [context.facts.label(o) for o in node["organisations"]]
    ties: dict[tuple[str, str], dict[str, set[Any]]] = defaultdict(lambda: defaultdict(set))
    for a, b, data in organisations.edges(data=True):
        for ra, rb in product(places[a], places[b]):
            if ra == rb:
                nodes[ra]["internal_weight"] += data["weight"]
                continue
            tie = ties[(min(ra, rb), max(ra, rb))]
            tie["pairs"].add((a, b))
            for key in ("events", "projects", "sources"):
                tie[key].update(data[key])
    _add_nodes(graph, nodes)
    for (ra, rb), tie in sorted(ties.items()):
        units = tie["events"] | tie["projects"]
        attributes = _tie({u: context.facts.label(u) for u in units}, tie)
        attributes["weight"] = sum(organisations.edges[a, b]["weight"] for a, b in tie["pairs"])
        attributes["ties"] = len(tie["pairs"])
        graph.add_edge(ra, rb, **attributes)
    return graph


def _aggregate_places(facts: _Facts, org: str, level: int | None) -> list[str]:
    regions = facts.nuts_regions(org)
    if level is None:
        country = facts.country(org, regions)
        return [country] if country else []
    keys = sorted({facts.region_at(r, level).iri for r in regions})
    if keys:
        return keys
    country = facts.country(org, regions)
    fallback = facts.country_regions.get(country) if country else None
    return [fallback.iri] if fallback else []


def _place_node(facts: _Facts, iri: str, level: int | None) -> dict[str, Any]:
    if level is None:
        point = facts.country_point(iri)
        code, kind, node_level = facts.countries.get(iri), "country", None
    else:
        region = facts.regions[iri]
        point, code, kind, node_level = region.point, region.code, "region", region.level
    return {
        "label": facts.label(iri),
        "kind": kind,
        "code": code,
        "level": node_level,
        "lat": point[0] if point else None,
        "lon": point[1] if point else None,
        "organisations": [],
        "internal_weight": 0,
    }


def partnership_network(
    store: Store,
    project_iri: str,
    *,
    country: str | None = None,
    region: str | None = None,
    org_type: str | None = None,
) -> nx.Graph:
    """A project's partners, every two of them linked through the project.

    Parameters
    ----------
    store
        The built SECON graph.
    project_iri
        The project's IRI, or its slug (``secon`` for ``…/id/project/secon``).
    country, region, org_type
        _Filters on the partners, as for :func:`co_participation`.

    Returns
    -------
    networkx.Graph
        A complete graph on the partners, with the organisation node attributes plus ``roles``
        (English labels of the partner roles stated); ``lead_partner`` marks the lead partner.
        Edges carry the same attributes as :func:`co_participation` (``weight`` 1, the project,
        and the sources of the two partnerships). Graph attributes ``project``,
        ``project_label`` and ``lead_partners``.

    Raises
    ------
    ParameterError
        If the project is not in the graph or a filter value is unknown or malformed.
    """
    context = _Context(
        store, country=country, region=region, org_type=org_type, since=None, until=None, event=None
    )
    facts = context.facts
    iri = project_iri if "://" in project_iri else str(ID[f"project/{project_iri}"])
    pairs = [p for p in facts.pairs if p.kind == "project" and p.unit == iri]
    if not pairs:
        raise ParameterError(f"--project {project_iri!r}: no project with partners in the graph.")
    sources: dict[str, set[str]] = defaultdict(set)
    roles: dict[str, set[str]] = defaultdict(set)
    for pair in pairs:
        if pair.agent in context.organisations:
            sources[pair.agent].update([pair.source] if pair.source else [])
            roles[pair.agent].update([pair.role] if pair.role else [])
    leads = sorted(a for a in sources if LEAD_PARTNER in roles[a])
    graph = _new_graph(
        Projection.PARTNERSHIP,
        context.filters,
        project=iri,
        project_label=facts.label(iri),
        lead_partners=leads,
    )
    _add_nodes(
        graph,
        {
            a: {**context.node(a), "roles": sorted(facts.label(r) for r in roles[a])}
            for a in sources
        },
    )
    for a, b in combinations(sorted(sources), 2):
        tie = {"projects": {iri}, "sources": sources[a] | sources[b]}
        graph.add_edge(a, b, **_tie({iri: facts.label(iri)}, tie))
    return graph


def build_projection(
    store: Store,
    projection: Projection | str,
    *,
    level: int | None = None,
    project: str | None = None,
    **filters: Any,
) -> nx.Graph:
    """Build the projection named ``projection`` (see :class:`Projection`), for the CLI.

    Parameters
    ----------
    store
        The built SECON graph.
    projection
        ``co-participation``, ``organisation-event``, ``region`` or ``partnership``.
    level
        The NUTS level of the ``region`` projection (None: countries).
    project
        The project of the ``partnership`` projection (IRI or slug; default ``secon``).
    **filters
        ``country``, ``region``, ``org_type``, ``since``, ``until``, ``event``.

    Raises
    ------
    ParameterError
        If an option does not apply to the projection, or a value is unknown or malformed.
    """
    name = Projection(projection)
    if level is not None and name != Projection.REGION:
        raise ParameterError(f"--level applies to --projection region only, not {name}.")
    if project is not None and name != Projection.PARTNERSHIP:
        raise ParameterError(f"--project applies to --projection partnership only, not {name}.")
    if name == Projection.PARTNERSHIP:
        for option in ("since", "until", "event"):
            if filters.get(option) is not None:
                raise ParameterError(f"--{option} does not apply to --projection partnership.")
        return partnership_network(
            store,
            project or "secon",
            **{k: v for k, v in filters.items() if k not in ("since", "until", "event")},
        )
    if name == Projection.REGION:
        return region_network(store, level=level, **filters)
    builder = co_participation if name == Projection.CO_PARTICIPATION else organisation_event
    return builder(store, **filters)


# --------------------------------------------------------------------------------------------
# Metrics
# --------------------------------------------------------------------------------------------


def compute_metrics(
    graph: nx.Graph,
    *,
    seed: int = 42,
    betweenness_k_threshold: int = 1000,
    betweenness_k: int = 100,
) -> nx.Graph:
    """Add ``degree``, ``weighted_degree``, ``betweenness``, ``eigenvector`` and ``community``
    to every node of ``graph`` (in place) and return it.

    - ``betweenness``: normalised, unweighted (a tie's weight is a strength, not a distance);
      exact up to ``betweenness_k_threshold`` nodes, above that estimated from
      ``betweenness_k`` source nodes sampled with ``seed``.
    - ``eigenvector``: weighted, computed per connected component (it is defined for connected
      graphs), each component's vector scaled by sqrt(size / n) so the values have unit norm over
      the whole graph and every node of a regular component gets 1/sqrt(n); isolated nodes get 0.
      If power iteration does not converge, networkx's numpy solver is used when numpy and scipy
      are installed.
    - ``community``: networkx Louvain (``weight="weight"``, ``seed``), numbered from 0 by
      decreasing size, then by smallest member.

    The graph attribute ``metrics`` records the seed and how betweenness was computed.

    Parameters
    ----------
    graph
        An undirected graph whose edge weights, if any, are in ``weight``.
    seed
        Seed of the betweenness sampling and of Louvain.
    betweenness_k_threshold
        The largest graph (in nodes) whose betweenness is computed exactly.
    betweenness_k
        How many source nodes estimate betweenness in larger graphs (each costs one
        breadth-first search over all ties).

    Returns
    -------
    networkx.Graph
        ``graph`` itself.

    Raises
    ------
    SecongraphError
        If eigenvector centrality does not converge and numpy/scipy are missing.

    Examples
    --------
    >>> g = compute_metrics(nx.path_graph(["a", "b", "c"]))
    >>> g.nodes["b"]["degree"], g.nodes["b"]["betweenness"], g.nodes["a"]["community"]
    (2, 1.0, 0)
    """
    n = graph.number_of_nodes()
    k = min(betweenness_k, n) if n > betweenness_k_threshold else None
    betweenness = nx.betweenness_centrality(graph, k=k, seed=seed if k else None)
    eigenvector = _eigenvector(graph)
    communities = sorted(
        louvain_communities(graph, weight="weight", seed=seed),
        key=lambda c: (-len(c), min(str(node) for node in c)),
    )
    community = {node: number for number, members in enumerate(communities) for node in members}
    weighted = dict(graph.degree(weight="weight"))
    for node, degree in graph.degree():
        graph.nodes[node].update(
            degree=degree,
            weighted_degree=weighted[node],
            betweenness=betweenness[node],
            eigenvector=eigenvector[node],
            community=community[node],
        )
    graph.graph["metrics"] = {
        "seed": seed,
        "betweenness": "exact" if k is None else f"approximate, k={k}",
    }
    return graph


def _eigenvector(graph: nx.Graph) -> dict[Any, float]:
    n = graph.number_of_nodes()
    values: dict[Any, float] = {}
    for component in nx.connected_components(graph):
        if len(component) == 1:
            values.update(dict.fromkeys(component, 0.0))
            continue
        sub = graph.subgraph(component)
        try:
            centrality = nx.eigenvector_centrality(sub, max_iter=1000, weight="weight")
        except nx.PowerIterationFailedConvergence as error:
            logger.warning("eigenvector centrality did not converge; trying the numpy solver")
            try:
                centrality = nx.eigenvector_centrality_numpy(sub, weight="weight")
            except ImportError:
                raise SecongraphError(
                    "Eigenvector centrality did not converge.",
                    hint="Install numpy and scipy for the exact solver.",
                ) from error
        scale = math.sqrt(len(component) / n)
        values.update({node: value * scale for node, value in centrality.items()})
    return values


@dataclass(frozen=True)
class Broker:
    """One row of :func:`top_brokers`."""

    group: str
    rank: int
    node: str
    label: str
    betweenness: float
    degree: int


def top_brokers(graph: nx.Graph, *, by: str | Sequence[str], top: int = 5) -> list[Broker]:
    """The ``top`` nodes by betweenness in each group of nodes that share a value of ``by``.

    Parameters
    ----------
    graph
        A projection after :func:`compute_metrics`.
    by
        A node attribute, or several tried in turn until one has a value (``("nuts2",
        "country_code")``: the NUTS 2 regions, else the country). A list value is one group
        named by its items joined with ", "; no value at all is the group "(not stated)".
    top
        How many nodes to list per group.

    Returns
    -------
    list of Broker
        Groups sorted by name; within a group by betweenness, then degree (both decreasing),
        then label.

    Examples
    --------
    >>> g = compute_metrics(nx.star_graph(3))
    >>> nx.set_node_attributes(g, "x", "type")
    >>> [(b.group, b.node, b.betweenness) for b in top_brokers(g, by="type", top=1)]
    [('x', 0, 1.0)]
    """
    attributes = [by] if isinstance(by, str) else list(by)
    groups: dict[str, list[Any]] = defaultdict(list)
    for node, data in graph.nodes(data=True):
        values = [data.get(a) for a in attributes if data.get(a) not in (None, "", [])]
        value = values[0] if values else "(not stated)"
        groups[", ".join(map(str, value)) if isinstance(value, list) else str(value)].append(node)
    rows = []
    for name in sorted(groups):
        ranked = sorted(
            groups[name],
            key=lambda n: (
                -graph.nodes[n]["betweenness"],
                -graph.nodes[n]["degree"],
                str(graph.nodes[n].get("label", n)),
            ),
        )
        for rank, node in enumerate(ranked[:top], start=1):
            data = graph.nodes[node]
            label = str(data.get("label", node))
            rows.append(Broker(name, rank, node, label, data["betweenness"], data["degree"]))
    return rows


# --------------------------------------------------------------------------------------------
# Write-back as RDF
# --------------------------------------------------------------------------------------------

_PREDICATES = dict(
    zip(
        METRICS,
        (SG.degree, SG.weightedDegree, SG.betweenness, SG.eigenvector, SG.community),
        strict=True,
    )
)


def metrics_graph(graph: nx.Graph, *, run: Mapping[str, Any]) -> Graph:
    """The metrics of ``graph`` as RDF, in the named graph :data:`METRICS_GRAPH`.

    Each node gets an ``sg:NodeMetrics`` record (``sg:metricsOf`` the node, ``sg:metricsRun``
    the run, one property per metric). The run is an ``sg:MetricsRun`` (a ``prov:Activity``) with
    its projection, filters and other parameters (``sg:parameter "name=value"``), seed and date;
    the graph is an ``sg:SourceGraph`` with method *computed*, generated by the run and derived
    from the source documents behind the nodes and ties.

    Parameters
    ----------
    graph
        A projection (nodes are IRIs) after :func:`compute_metrics`.
    run
        ``projection`` (default: the graph attribute), ``filters`` (a mapping; default: the graph
        attribute), ``seed`` (default: the one :func:`compute_metrics` used), ``date`` (a date
        or ISO string; default today); any other entry is recorded as a parameter.

    Returns
    -------
    rdflib.Graph
        Identified by :data:`METRICS_GRAPH`.

    Raises
    ------
    SecongraphError
        If the graph has no metrics yet.
    """
    if "metrics" not in graph.graph:
        raise SecongraphError(
            "The network has no metrics.", hint="Call compute_metrics(graph) first."
        )
    projection = str(run.get("projection", graph.graph.get("projection", "network")))
    filters = dict(run.get("filters", graph.graph.get("filters", {})))
    seed = int(run.get("seed", graph.graph["metrics"]["seed"]))
    when = run.get("date") or date.today()
    day = when if isinstance(when, date) else date.fromisoformat(str(when))
    settings = {
        **filters,
        **{k: graph.graph[k] for k in ("level", "project") if k in graph.graph},
        **{k: v for k, v in run.items() if k not in ("projection", "filters", "seed", "date")},
    }
    parameters = {**settings, "betweenness": graph.graph["metrics"]["betweenness"]}
    slug = _slug("--".join([projection, *(f"{k}-{v}" for k, v in sorted(settings.items()))]))
    run_iri = URIRef(ID[f"metrics-run/{slug}"])
    rdf = bind_prefixes(Graph(identifier=URIRef(METRICS_GRAPH)))
    me = URIRef(METRICS_GRAPH)
    rdf.add((me, RDF.type, SG.SourceGraph))
    rdf.add((me, RDFS.label, Literal(f"Network metrics of the {projection} network", lang="en")))
    rdf.add((me, SG.method, URIRef(COMPUTED)))
    rdf.add((me, PROV.wasGeneratedBy, run_iri))
    rdf.add((me, PROV.wasAttributedTo, URIRef(PROJECT_IRI)))
    rdf.add((me, DCTERMS.created, Literal(day)))
    for source in _sources(graph):
        rdf.add((me, PROV.wasDerivedFrom, URIRef(source)))
    rdf.add((run_iri, RDF.type, SG.MetricsRun))
    rdf.add((run_iri, RDFS.label, Literal(f"{projection} network metrics", lang="en")))
    rdf.add((run_iri, SG.projection, Literal(projection)))
    rdf.add((run_iri, SG.randomSeed, Literal(seed)))
    rdf.add((run_iri, DCTERMS.created, Literal(day)))
    rdf.add((run_iri, PROV.wasAssociatedWith, URIRef(PROJECT_IRI)))
    for name, value in sorted(parameters.items()):
        rdf.add((run_iri, SG.parameter, Literal(f"{name}={value}")))
    for node, data in graph.nodes(data=True):
        record = URIRef(ID[f"metrics/{slug}/{_tail(str(node))}"])
        rdf.add((record, RDF.type, SG.NodeMetrics))
        rdf.add((record, SG.metricsOf, URIRef(str(node))))
        rdf.add((record, SG.metricsRun, run_iri))
        for name, predicate in _PREDICATES.items():
            if name in data:
                rdf.add((record, predicate, Literal(data[name])))
    return rdf


def _sources(graph: nx.Graph) -> list[str]:
    found: set[str] = set()
    for _, data in graph.nodes(data=True):
        found.update(data.get("sources", ()))
    for _, _, data in graph.edges(data=True):
        found.update(data.get("sources", ()))
    return sorted(found)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _tail(iri: str) -> str:
    return iri.removeprefix(str(ID)) if iri.startswith(str(ID)) else quote(iri, safe="")


def add_metrics(store: Store, graph: nx.Graph, run: Mapping[str, Any]) -> Graph:
    """Load the metrics of ``graph`` into ``store`` as the named graph :data:`METRICS_GRAPH`.

    The named graph is replaced: the store holds the metrics of one run at a time.

    Parameters
    ----------
    store
        The store to write into.
    graph
        A projection after :func:`compute_metrics`.
    run
        The run description, as for :func:`metrics_graph`.

    Returns
    -------
    rdflib.Graph
        The metrics graph that was loaded.

    Raises
    ------
    SecongraphError
        If the graph has no metrics yet.
    """
    rdf = metrics_graph(graph, run=run)
    name = ox.NamedNode(METRICS_GRAPH)
    if store.oxigraph.contains_named_graph(name):
        store.oxigraph.remove_graph(name)
    store.oxigraph.load(
        rdf.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES, to_graph=name
    )
    mirror = getattr(store, "rdflib", None)  # the rdflib engine queries a copy of its own
    if mirror is not None:
        mirror.remove_graph(URIRef(METRICS_GRAPH))
        target = mirror.graph(URIRef(METRICS_GRAPH))
        target += rdf
    logger.info("loaded %d metric triples into <%s>", len(rdf), METRICS_GRAPH)
    return rdf


# --------------------------------------------------------------------------------------------
# Export
# --------------------------------------------------------------------------------------------


def export_network(graph: nx.Graph, path: Path, *, fmt: NetworkFormat | str) -> Path:
    """Write ``graph`` to ``path`` atomically, with every node and tie.

    GraphML and GEXF (for Gephi) cannot hold lists, dicts or None: lists and dicts become JSON
    text and None values are left out. CSV is an edge list: ``source``, ``target``, their labels,
    ``weight``, then every other edge attribute, lists joined with " | ".

    Parameters
    ----------
    graph
        A projection, with or without metrics.
    path
        The file to write.
    fmt
        ``graphml``, ``gexf`` or ``csv``.

    Returns
    -------
    Path
        ``path``.

    Raises
    ------
    ExportError
        If the file cannot be written.

    Examples
    --------
    >>> import tempfile
    >>> g = nx.Graph()
    >>> g.add_edge("a", "b", weight=2, events=["e1", "e2"])
    >>> out = export_network(g, Path(tempfile.mkdtemp()) / "g.csv", fmt="csv")
    >>> print(out.read_text().strip())
    source,target,source_label,target_label,weight,events
    a,b,a,b,2,e1 | e2
    """
    kind = NetworkFormat(fmt)
    try:
        with atomic_output(path) as tmp:
            if kind == NetworkFormat.CSV:
                _write_csv(graph, tmp)
            elif kind == NetworkFormat.GRAPHML:
                nx.write_graphml(_flat(graph), tmp)
            else:
                nx.write_gexf(_flat(graph), tmp)
    except (OSError, nx.NetworkXError) as error:
        raise ExportError(f"{path}: cannot write the {kind} file: {error}") from error
    return path


def _flat_value(value: Any) -> Any:
    if isinstance(value, (list, tuple, dict, set)):
        items = sorted(value) if isinstance(value, set) else value
        return json.dumps(items, ensure_ascii=False, sort_keys=True)
    return value


def _flat_attributes(data: Mapping[str, Any]) -> dict[str, Any]:
    return {k: _flat_value(v) for k, v in data.items() if v is not None}


def _flat(graph: nx.Graph) -> nx.Graph:
    flat = nx.Graph(**_flat_attributes(graph.graph))
    flat.add_nodes_from((n, _flat_attributes(d)) for n, d in graph.nodes(data=True))
    flat.add_edges_from((a, b, _flat_attributes(d)) for a, b, d in graph.edges(data=True))
    return flat


def _write_csv(graph: nx.Graph, path: Path) -> None:
    keys = sorted({k for _, _, d in graph.edges(data=True) for k in d} - {"weight"})
    headers = ["source", "target", "source_label", "target_label", "weight", *keys]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(headers)
        for a, b, data in graph.edges(data=True):
            row = [a, b, graph.nodes[a].get("label", a), graph.nodes[b].get("label", b)]
            row += [_cell(data.get(key)) for key in ["weight", *keys]]
            writer.writerow(row)


def _cell(value: Any) -> Any:
    if isinstance(value, (list, tuple, set)):
        return " | ".join(map(str, value))
    return "" if value is None else value
