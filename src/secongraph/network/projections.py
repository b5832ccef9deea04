"""The projections: co-participation, organisation-event, region and partnership networks.

How ties are counted, and what every node carries, is described in the package docstring."""

from __future__ import annotations

import gc
import logging
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import combinations, pairwise
from typing import TYPE_CHECKING, Any

import networkx as nx

from ..choices import Projection
from ..errors import ParameterError
from ..namespaces import ID, SG
from ..store import Store
from .facts import LEAD_PARTNER, Facts, Pair, Region
from .filters import Filters, ResolvedFilters, overlaps, resolve_filters

if TYPE_CHECKING:
    import numpy as np

logger = logging.getLogger(__name__)


# --------------------------------------------------------------------------------------------
# Projections
# --------------------------------------------------------------------------------------------


class _Context:
    """Facts, checked filters and the organisations and groups behind one projection."""

    def __init__(self, store: Store, filters: Filters | None) -> None:
        self.facts = facts = Facts.load(store)
        self.filters = resolve_filters(facts, filters)
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
        self.added: dict[str, set[tuple[str, str]]] = defaultdict(set)
        for pair in facts.pairs:
            if pair.stated_source:
                self.sources[pair.agent].add(pair.stated_source)
            self.added[pair.agent] |= pair.additions
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

    def _codes_up(self, region: Region) -> set[str]:
        codes, current, seen = {region.code}, region, {region.iri}
        while current.parent in self.facts.regions and current.parent not in seen:
            current = self.facts.regions[current.parent]
            codes.add(current.code)
            seen.add(current.iri)
        return codes

    def event_pairs(self) -> list[Pair]:
        """Participations that pass the event and date filters."""
        flt, facts = self.filters, self.facts
        return [
            p
            for p in self.facts.pairs
            if p.kind == "event"
            and (flt.event is None or flt.event in [p.unit, *facts.ancestors(p.unit)])
            and overlaps(facts.period(p.unit), flt)
        ]

    def project_pairs(self) -> list[Pair]:
        """Partnerships that pass the filters (none when an event is chosen)."""
        if self.filters.event:
            return []
        return [
            p
            for p in self.facts.pairs
            if p.kind == "project" and overlaps(self.facts.period(p.unit), self.filters)
        ]

    def node(self, iri: str) -> dict[str, Any]:
        """The attributes of an organisation or group node (the contract maps rely on)."""
        facts = self.facts
        is_group = iri in self.groups
        within = {str(SG.ParticipantGroup)} if is_group else self.org_classes
        cls = facts.most_specific(iri, within)
        stated, added = facts.node_evidence(iri)
        return {
            "label": facts.label(iri),
            "labels": dict(sorted(facts.labels.get(iri, {}).items())),
            "kind": "group" if is_group else "organisation",
            "type": facts.label(cls) if cls else None,
            "type_iri": cls,
            **facts.place_attributes(iri),
            "sources": sorted(self.sources[iri] | stated),
            "added": added_by_method(self.added[iri] | added),
            "partner": iri in self.partners,
            "lead_partner": iri in self.leads,
        }


def added_by_method(additions: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    """Group (method, document) pairs into method -> sorted documents.

    Examples
    --------
    >>> added_by_method([("modelling", "b"), ("translation", "c"), ("modelling", "a")])
    {'modelling': ['a', 'b'], 'translation': ['c']}
    """
    grouped: dict[str, set[str]] = defaultdict(set)
    for method, document in additions:
        grouped[method].add(document)
    return {method: sorted(grouped[method]) for method in sorted(grouped)}


def _new_graph(name: Projection, flt: ResolvedFilters, **attributes: Any) -> nx.Graph:
    return nx.Graph(projection=str(name), filters=flt.as_dict(), **attributes)


def _add_nodes(graph: nx.Graph, nodes: Mapping[str, dict[str, Any]]) -> None:
    for iri in sorted(nodes):
        graph.add_node(iri, **nodes[iri])


def co_participation(
    store: Store,
    filters: Filters | None = None,
) -> nx.Graph:
    """Organisations linked when they took part in the same event or are partners in a project.

    Parameters
    ----------
    store
        The built SECON graph.
    filters
        Which organisations, participations and partnerships to keep (see
        :mod:`secongraph.network.filters`); None keeps all.

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
    return co_participation_ties(store, filters).with_edges()


@dataclass(frozen=True)
class Ties:
    """The co-participation network with its ties counted in arrays, not as networkx edges.

    ``graph`` holds the organisations (the nodes and graph attributes of
    :func:`co_participation`) and no edges. Tie ``i`` links the nodes numbered ``first[i]`` and
    ``second[i]`` (``first[i] < second[i]``, in the graph's node order) and has ``weight[i]``
    (shared top events plus shared projects), in order of ``(first, second)``.
    :meth:`with_edges` makes networkx edges of all of them, or of those chosen.
    """

    graph: nx.Graph
    first: np.ndarray
    second: np.ndarray
    weight: np.ndarray
    context: _Context = field(repr=False, compare=False)
    units: list[tuple[str, str]] = field(repr=False, compare=False)
    members: list[Evidence] = field(repr=False, compare=False)

    def strongest(self, per_node: int) -> np.ndarray:
        """The numbers of the ties that are among the ``per_node`` strongest of either end:
        by weight, then by the other end's number (the ties a large map draws)."""
        import numpy as np

        numbers = np.arange(len(self.weight))
        ends = np.concatenate([self.first, self.second])
        others = np.concatenate([self.second, self.first])
        weights = np.concatenate([self.weight, self.weight])
        order = np.lexsort((others, -weights, ends))
        ends = ends[order]
        starts = np.flatnonzero(np.r_[True, ends[1:] != ends[:-1]])
        rank = np.arange(len(ends)) - np.repeat(starts, np.diff(np.r_[starts, len(ends)]))
        return np.unique(np.concatenate([numbers, numbers])[order][rank < per_node])

    def with_edges(self, chosen: np.ndarray | None = None) -> nx.Graph:
        """A copy of :attr:`graph` with the ties numbered in ``chosen`` (all by default) as
        edges, with the attributes :func:`co_participation` gives them."""
        facts = self.context.facts
        graph = self.graph.copy()
        agents = list(graph)
        index = {agent: i for i, agent in enumerate(agents)}
        labels = [facts.label(unit) for _, unit in self.units]
        iris = [unit for _, unit in self.units]
        first_project = sum(1 for kind, _ in self.units if kind == "event")
        # the evidence of the organisations that have some, per unit (most have none at scale)
        known = [{index[a]: found for a, found in unit.items() if found} for unit in self.members]
        wanted = None
        if chosen is not None:
            wanted = self.first[chosen] * len(agents) + self.second[chosen]
        ties = _shared_units(self.members, index, wanted)
        with _collector_paused():
            graph.add_edges_from(
                (agents[a], agents[b], _shared(a, b, shared, iris, labels, first_project, known))
                for a, b, shared in ties
            )
        return graph


def co_participation_ties(store: Store, filters: Filters | None = None) -> Ties:
    """The network of :func:`co_participation` with its ties counted in arrays: what the metrics
    need (:func:`~secongraph.network.compute_tie_metrics`) for a programme's network, whose
    millions of ties would each be a networkx edge with its lists of events and sources.

    Raises
    ------
    ParameterError
        If a filter value is unknown or malformed.
    """
    return _ties(_Context(store, filters))


def _ties(context: _Context) -> Ties:
    import numpy as np

    units, agents, members = _unit_members(context)
    graph = _new_graph(Projection.CO_PARTICIPATION, context.filters)
    _add_nodes(graph, {a: context.node(a) for a in agents})
    index = {agent: i for i, agent in enumerate(agents)}
    codes, weight = np.unique(_pair_codes(members, index)[0], return_counts=True)
    first, second = np.divmod(codes, max(len(agents), 1))
    return Ties(graph, first, second, weight, context, units, members)


Evidence = dict[str, set[tuple[str | None, str]]]
"""Per organisation of a unit: (None, document) for a stated source, (method, document) for what
the project added."""


def _unit_members(context: _Context) -> tuple[list[tuple[str, str]], list[str], list[Evidence]]:
    """The units (kind, IRI) the selected organisations share in, events first, each kind in IRI
    order; the organisations, sorted; and each unit's organisations with their evidence."""
    facts = context.facts
    members: dict[tuple[str, str], Evidence] = defaultdict(lambda: defaultdict(set))
    for pair in context.event_pairs() + context.project_pairs():
        if pair.agent not in context.organisations:
            continue
        unit = facts.top_event(pair.unit) if pair.kind == "event" else pair.unit
        evidence = members[(pair.kind, unit)][pair.agent]
        if pair.stated_source:
            evidence.add((None, pair.stated_source))
        evidence |= pair.additions
    units = sorted(members)  # events first ("event" < "project"), each kind in IRI order
    agents = sorted(set().union(*members.values()))
    return units, agents, [members[unit] for unit in units]


def _pair_codes(members: list[Evidence], index: Mapping[str, int]) -> tuple[np.ndarray, np.ndarray]:
    """Every two organisations of each unit, as ``a * count + b`` (their numbers in ``index``,
    ``a < b``, ``count`` organisations in all), with the number of the unit: one array row per
    unit size, so no Python object is made per pair."""
    import numpy as np

    count = len(index)
    by_size: dict[int, list[tuple[int, list[int]]]] = defaultdict(list)
    for number, organisations in enumerate(members):
        if len(organisations) > 1:
            by_size[len(organisations)].append((number, sorted(index[a] for a in organisations)))
    codes, units = [np.zeros(0, dtype=np.int64)], [np.zeros(0, dtype=np.int64)]
    for size, rows in by_size.items():
        table = np.array([row for _, row in rows], dtype=np.int64)
        first, second = np.triu_indices(size, 1)
        codes.append((table[:, first] * count + table[:, second]).ravel())
        units.append(np.repeat(np.array([n for n, _ in rows], dtype=np.int64), len(first)))
    return np.concatenate(codes), np.concatenate(units)


def _shared_units(
    members: list[Evidence], index: Mapping[str, int], wanted: np.ndarray | None = None
) -> Iterator[tuple[int, int, list[int]]]:
    """Every two organisations that share a unit (or those of them whose codes, as
    :func:`_pair_codes` makes them, are ``wanted``), and the units they share, in order of
    (a, b), with a < b, their units in increasing order."""
    import numpy as np

    count = len(index)
    code, unit = _pair_codes(members, index)
    if wanted is not None:
        kept = np.isin(code, wanted)
        code, unit = code[kept], unit[kept]
    if not len(code):  # no unit has two organisations: no tie
        return
    order = np.lexsort((unit, code))
    code, unit = code[order], unit[order]
    starts = np.flatnonzero(np.diff(code)) + 1
    bounds = [0, *starts.tolist(), len(code)]
    firsts = code[np.array(bounds[:-1], dtype=np.int64)].tolist()
    shared = unit.tolist()
    for tie, (start, end) in enumerate(pairwise(bounds)):
        a, b = divmod(firsts[tie], count)
        yield a, b, shared[start:end]


def _shared(
    a: int,
    b: int,
    shared: list[int],
    iris: list[str],
    labels: list[str],
    first_project: int,
    evidence: list[dict[int, set[tuple[str | None, str]]]],
) -> dict[str, Any]:
    """The attributes of the tie between organisations ``a`` and ``b`` (as :func:`_tie` makes
    them), from the numbers of the units they share, events before projects."""
    if shared[-1] < first_project:  # events only, the common case
        split = len(shared)
    else:
        split = next(i for i, u in enumerate(shared) if u >= first_project)
    found: set[tuple[str | None, str]] = set()
    for u in shared:
        if evidence[u]:
            found.update(evidence[u].get(a, ()), evidence[u].get(b, ()))
    if not found:
        sources: list[str] = []
        added: dict[str, list[str]] = {}
    else:
        sources = sorted({d for m, d in found if m is None})
        added = added_by_method((m, d) for m, d in found if m is not None)
    return {
        "weight": len(shared),
        "events": [iris[u] for u in shared[:split]],
        "event_labels": [labels[u] for u in shared[:split]],
        "projects": [iris[u] for u in shared[split:]],
        "project_labels": [labels[u] for u in shared[split:]],
        "sources": sources,
        "added": added,
    }


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a large graph is built: a million new
    edge dictionaries would otherwise set it off again and again over objects that all live."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _tie(labels: Mapping[str, str], tie: Mapping[str, Iterable[Any]]) -> dict[str, Any]:
    """Edge attributes from the sets of shared ``events``, ``projects``, ``sources`` and
    ``added`` ((method, document) pairs)."""
    events, projects = sorted(tie.get("events", ())), sorted(tie.get("projects", ()))
    return {
        "weight": len(events) + len(projects),
        "events": events,
        "event_labels": [labels[e] for e in events],
        "projects": projects,
        "project_labels": [labels[p] for p in projects],
        "sources": sorted(tie.get("sources", ())),
        "added": added_by_method(tie.get("added", ())),
    }


def organisation_event(
    store: Store,
    filters: Filters | None = None,
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
    filters
        Which organisations, participations and partnerships to keep (see
        :mod:`secongraph.network.filters`); None keeps all.

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
    context = _Context(store, filters)
    facts = context.facts
    keep_groups = not context.filters.selects_organisations
    links: dict[tuple[str, str], dict[str, set[Any]]] = defaultdict(lambda: defaultdict(set))
    for pair in context.event_pairs():
        if pair.agent in context.organisations or (keep_groups and pair.agent in context.groups):
            link = links[(pair.agent, facts.top_event(pair.unit))]
            link["events"].add(pair.unit)
            for key, value in (("role_iris", pair.role), ("sources", pair.stated_source)):
                if value:
                    link[key].add(value)
            link["added"] |= pair.additions
    graph = _new_graph(Projection.ORGANISATION_EVENT, context.filters)
    agents = {agent for agent, _ in links}
    _add_nodes(graph, {a: {**context.node(a), "bipartite": 0} for a in agents})
    by_event: dict[str, list[tuple[str, Mapping[str, set[Any]]]]] = defaultdict(list)
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
            added=added_by_method(link["added"]),
        )
    return graph


def _event_node(
    context: _Context, event: str, mine: list[tuple[str, Mapping[str, set[Any]]]]
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
        "added": added_by_method({a for _, link in mine for a in link["added"]}),
        "partner": False,
        "lead_partner": False,
    }


def region_network(
    store: Store,
    filters: Filters | None = None,
    *,
    level: int | None = None,
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
    filters
        Filters on the organisations and ties, as for :func:`co_participation`.
    level
        NUTS level 0 to 3, or None to aggregate to countries.

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
        raise ParameterError(f"level={level!r}: NUTS levels are 0, 1, 2 and 3.")
    context = _Context(store, filters)
    ties = _ties(context)
    places = {org: _aggregate_places(context.facts, org, level) for org in ties.graph}
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
    keys = sorted(nodes)
    position = {key: i for i, key in enumerate(keys)}
    numbers = [[position[k] for k in places[o]] for o in ties.graph]
    internal, sums = _region_sums(ties, numbers, len(keys))
    for key, weight in zip(keys, internal, strict=True):
        nodes[key]["internal_weight"] = weight
    _add_nodes(graph, nodes)
    shared = _region_units(ties, places)
    for (ra, rb), tie in sorted(shared.items()):
        units = tie["events"] | tie["projects"]
        attributes = _tie({u: context.facts.label(u) for u in units}, tie)
        attributes["weight"], attributes["ties"] = sums[(position[ra], position[rb])]
        graph.add_edge(ra, rb, **attributes)
    return graph


def _region_sums(
    ties: Ties, places: list[list[int]], count: int
) -> tuple[list[int], dict[tuple[int, int], tuple[int, int]]]:
    """The weight of the ties inside each place, and for two places the summed weight and the
    number of the organisation ties between them; ``places`` are each organisation's places
    (numbers below ``count``), in the graph's node order. A tie counts once between two places however many
    of its ends' places make them, and in each place both its ends are in."""
    import numpy as np

    sizes = np.array([len(p) for p in places], dtype=np.int64)
    starts = np.cumsum(sizes) - sizes
    flat = np.array([key for p in places for key in p], dtype=np.int64)
    first, second, weight = ties.first, ties.second, ties.weight
    combinations_ = sizes[first] * sizes[second]  # the pairs of places of each tie
    tie = np.repeat(np.arange(len(weight)), combinations_)
    offset = np.arange(len(tie)) - np.repeat(
        np.cumsum(combinations_) - combinations_, combinations_
    )
    across = sizes[second][tie]
    ra = flat[starts[first][tie] + offset // np.maximum(across, 1)]
    rb = flat[starts[second][tie] + offset % np.maximum(across, 1)]
    inside = ra == rb
    internal = np.bincount(ra[inside], weights=weight[tie][inside], minlength=count)
    low, high = np.minimum(ra, rb)[~inside], np.maximum(ra, rb)[~inside]
    # each tie once per pair of places
    code = np.unique((low * count + high) * max(len(weight), 1) + tie[~inside])
    pair, which = np.divmod(code, max(len(weight), 1))
    pairs, firsts, numbers = np.unique(pair, return_index=True, return_counts=True)
    summed = np.add.reduceat(weight[which], firsts) if len(pairs) else np.zeros(0, np.int64)
    sums = {
        divmod(int(p), count): (int(s), int(n))
        for p, s, n in zip(pairs.tolist(), summed.tolist(), numbers.tolist(), strict=True)
    }
    return [round(w) for w in internal.tolist()], sums


def _region_units(
    ties: Ties, places: Mapping[str, list[str]]
) -> dict[tuple[str, str], dict[str, set[Any]]]:
    """For two places (in IRI order) linked by a tie: the events and projects of those ties, and
    the sources and additions of the organisations behind them, found unit by unit."""
    shared: dict[tuple[str, str], dict[str, set[Any]]] = defaultdict(lambda: defaultdict(set))
    for (kind, unit), members in zip(ties.units, ties.members, strict=True):
        by_place: dict[str, set[str]] = defaultdict(set)
        for org in members:
            for key in places[org]:
                by_place[key].add(org)
        keys = sorted(by_place)
        for i, one in enumerate(keys):
            for other in keys[i + 1 :]:
                ones, others = by_place[one], by_place[other]
                # the organisations with someone else in the other place: ties between the two
                linked = (ones if len(others) > 1 else ones - others) | (
                    others if len(ones) > 1 else others - ones
                )
                if not linked:
                    continue
                tie = shared[(one, other)]
                tie["events" if kind == "event" else "projects"].add(unit)
                for org in linked:
                    for method, document in members[org]:
                        tie["sources" if method is None else "added"].add(
                            document if method is None else (method, document)
                        )
    return shared


def _aggregate_places(facts: Facts, org: str, level: int | None) -> list[str]:
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


def _place_node(facts: Facts, iri: str, level: int | None) -> dict[str, Any]:
    if level is None:
        point = facts.country_point(iri)
        code, kind, node_level = facts.countries.get(iri), "country", None
    else:
        region = facts.regions[iri]
        point, code, kind, node_level = (
            region.point,
            region.code,
            "region",
            region.level,
        )
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
    filters: Filters | None = None,
) -> nx.Graph:
    """A project's partners, every two of them linked through the project.

    Parameters
    ----------
    store
        The built SECON graph.
    project_iri
        The project's IRI, or its slug (``secon`` for ``…/id/project/secon``).
    filters
        Filters on the partners, as for :func:`co_participation`: ``country``, ``region`` and
        ``org_type`` (a partnership has no dates of its own, nor events).

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
        If the project is not in the graph, a filter value is unknown or malformed, or
        ``since``, ``until`` or ``event`` is given.
    """
    for name in ("since", "until", "event"):  # before they are resolved, as they do not apply
        if getattr(filters, name, None) is not None:
            raise ParameterError(f"{name} does not apply to the partnership projection.")
    context = _Context(store, filters)
    facts = context.facts
    iri = project_iri if "://" in project_iri else str(ID[f"project/{project_iri}"])
    pairs = [p for p in facts.pairs if p.kind == "project" and p.unit == iri]
    if not pairs:
        raise ParameterError(f"project={project_iri!r}: no project with partners in the graph.")
    sources: dict[str, set[str]] = defaultdict(set)
    added: dict[str, set[tuple[str, str]]] = defaultdict(set)
    roles: dict[str, set[str]] = defaultdict(set)
    for pair in pairs:
        if pair.agent in context.organisations:
            sources[pair.agent].update([pair.stated_source] if pair.stated_source else [])
            added[pair.agent] |= pair.additions
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
        tie: dict[str, Iterable[Any]] = {
            "projects": {iri},
            "sources": sources[a] | sources[b],
            "added": added[a] | added[b],
        }
        graph.add_edge(a, b, **_tie({iri: facts.label(iri)}, tie))
    return graph


def build_projection(
    store: Store,
    projection: Projection | str,
    filters: Filters | None = None,
    *,
    level: int | None = None,
    project: str | None = None,
) -> nx.Graph:
    """Build the projection named ``projection`` (see :class:`Projection`), for the CLI.

    Parameters
    ----------
    store
        The built SECON graph.
    projection
        ``co-participation``, ``organisation-event``, ``region`` or ``partnership``.
    filters
        As for :func:`co_participation` (:func:`partnership_network` takes no dates or event).
    level
        The NUTS level of the ``region`` projection (None: countries).
    project
        The project of the ``partnership`` projection (IRI or slug; default ``secon``).

    Raises
    ------
    ParameterError
        If an option does not apply to the projection, or a value is unknown or malformed.
    """
    try:
        name = Projection(projection)
    except ValueError:
        known = ", ".join(p.value for p in Projection)
        raise ParameterError(f"projection={projection!r}: not one of {known}.") from None
    if level is not None and name != Projection.REGION:
        raise ParameterError(f"level applies to the region projection only, not {name}.")
    if project is not None and name != Projection.PARTNERSHIP:
        raise ParameterError(f"project applies to the partnership projection only, not {name}.")
    if name == Projection.PARTNERSHIP:
        return partnership_network(store, project or "secon", filters)
    if name == Projection.REGION:
        return region_network(store, filters, level=level)
    builder = co_participation if name == Projection.CO_PARTICIPATION else organisation_event
    return builder(store, filters)
