"""The co-participation ties counted in arrays against the networkx edges they stand for."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from secongraph.network import (
    Filters,
    co_participation,
    co_participation_ties,
    compute_metrics,
    compute_tie_metrics,
    region_network,
)
from secongraph.store import Store


def assert_ties_match_edges(store: Store, filters: Filters | None = None) -> None:
    """The arrays of co_participation_ties hold the edges of co_participation, and their metrics
    are the metrics of the graph with edges, to the last digit (exact and sampled betweenness)."""
    graph = co_participation(store, filters)
    ties = co_participation_ties(store, filters)
    assert list(ties.graph.nodes(data=True)) == list(graph.nodes(data=True))
    assert ties.graph.number_of_edges() == 0
    nodes = list(graph)
    listed = [
        (nodes[a], nodes[b], w)
        for a, b, w in zip(
            ties.first.tolist(), ties.second.tolist(), ties.weight.tolist(), strict=True
        )
    ]
    assert listed == list(graph.edges(data="weight"))
    for settings in ({}, {"betweenness_k_threshold": 5, "betweenness_k": 7}):
        expected = compute_metrics(graph.copy(), **settings)
        measured = compute_tie_metrics(co_participation_ties(store, filters), **settings)
        assert list(measured.nodes(data=True)) == list(expected.nodes(data=True))
        assert measured.graph["metrics"] == expected.graph["metrics"]
        assert measured.graph["ties"] == expected.number_of_edges()


def assert_regions_add_up_the_ties(
    store: Store, filters: Filters | None = None, level: int | None = None
) -> None:
    """region_network, counted unit by unit and in arrays, holds what adding up the edges of
    co_participation place by place gives: internal weights, and for two places the weight, the
    number of ties, their events, projects, sources and additions."""
    organisations = co_participation(store, filters)
    regions = region_network(store, filters, level=level)
    places: dict[str, list[str]] = defaultdict(list)
    for key, members in regions.nodes(data="organisations"):
        for org in members:
            places[org].append(key)
    internal: dict[str, int] = defaultdict(int)
    expected: dict[tuple[str, str], dict[str, Any]] = {}
    for a, b, data in organisations.edges(data=True):
        counted = set()
        for one in places[a]:
            for other in places[b]:
                if one == other:
                    internal[one] += data["weight"]
                    continue
                pair = (min(one, other), max(one, other))
                tie = expected.setdefault(
                    pair, {"weight": 0, "ties": 0, "labels": {}, "added": defaultdict(set)}
                )
                if pair not in counted:  # a tie counts once between two places
                    tie["weight"] += data["weight"]
                    tie["ties"] += 1
                    counted.add(pair)
                for units, labels in (("events", "event_labels"), ("projects", "project_labels")):
                    tie["labels"].update(zip(data[units], data[labels], strict=True))
                    tie.setdefault(units, set()).update(data[units])
                tie.setdefault("sources", set()).update(data["sources"])
                for method, documents in data["added"].items():
                    tie["added"][method].update(documents)
    assert dict(regions.nodes(data="internal_weight")) == {k: internal[k] for k in regions}
    assert sorted(regions.edges()) == sorted(expected)
    for (one, other), tie in expected.items():
        found = regions.edges[one, other]
        assert (found["weight"], found["ties"]) == (tie["weight"], tie["ties"])
        for units, labels in (("events", "event_labels"), ("projects", "project_labels")):
            assert found[units] == sorted(tie[units])
            assert found[labels] == [tie["labels"][u] for u in found[units]]
        assert found["sources"] == sorted(tie["sources"])
        assert found["added"] == {m: sorted(d) for m, d in sorted(tie["added"].items())}
