"""The co-participation ties counted in arrays against the networkx edges they stand for."""

from __future__ import annotations

from secongraph.network import (
    Filters,
    co_participation,
    co_participation_ties,
    compute_metrics,
    compute_tie_metrics,
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
