"""Network metrics: degree, weighted degree, betweenness, eigenvector and communities."""

from __future__ import annotations

import logging
import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import networkx as nx
from networkx.algorithms.community import louvain_communities

from ..errors import SecongraphError

logger = logging.getLogger(__name__)

METRICS = ("degree", "weighted_degree", "betweenness", "eigenvector", "community")
"""The node attributes :func:`compute_metrics` adds, in the order they are written back."""


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
