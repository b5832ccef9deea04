"""Network metrics: degree, weighted degree, betweenness, eigenvector and communities.

Betweenness, eigenvector centrality and Louvain communities run in igraph's C core (imported
when the metrics are computed, so the command line starts without it); the values follow
networkx's conventions, and the tests check them against networkx on the SECON graph.
"""

from __future__ import annotations

import logging
import math
import random
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import networkx as nx

from ..errors import ParameterError, SecongraphError

if TYPE_CHECKING:
    import igraph
    import numpy as np

    from .projections import Ties

logger = logging.getLogger(__name__)

METRICS = ("degree", "weighted_degree", "betweenness", "eigenvector", "community")
"""The node attributes :func:`compute_metrics` adds, in the order they are written back."""

BETWEENNESS_SAMPLING = (
    "Brandes accumulation from k source nodes drawn without replacement with the seed, scaled "
    "as networkx's betweenness_centrality(k=...) scales it"
)
"""How betweenness is estimated above the threshold (recorded with the metrics)."""


# --------------------------------------------------------------------------------------------
# Metrics
# --------------------------------------------------------------------------------------------


def compute_metrics(
    graph: nx.Graph,
    *,
    seed: int = 42,
    betweenness_k_threshold: int = 2000,
    betweenness_k: int = 100,
) -> nx.Graph:
    """Add ``degree``, ``weighted_degree``, ``betweenness``, ``eigenvector`` and ``community``
    to every node of ``graph`` (in place) and return it.

    - ``betweenness``: normalised, unweighted (a tie's weight is a strength, not a distance), as
      networkx's ``betweenness_centrality``; exact up to ``betweenness_k_threshold`` nodes.
      Above that it is estimated from ``betweenness_k`` source nodes drawn with ``seed`` (the
      same nodes networkx would draw): shortest paths are counted from those sources only and
      scaled as networkx scales its ``k`` estimate (a sampled source by 1/((k-1)(n-2)), any other
      node by 1/(k(n-2)), times 2 for unordered pairs), so the estimate equals networkx's.
    - ``eigenvector``: weighted, computed per connected component (it is defined for connected
      graphs), each component's vector scaled by sqrt(size / n) so the values have unit norm over
      the whole graph and every node of a regular component gets 1/sqrt(n); isolated nodes get 0.
    - ``community``: Louvain (``weight="weight"``, resolution 1, igraph's multilevel method
      seeded with ``seed``), numbered from 0 by decreasing size, then by smallest member.

    The graph attribute ``metrics`` records the seed and how betweenness was computed:
    ``"exact"``, or ``"approximate, k=K"`` with ``betweenness_sample`` saying how many sources
    of how many nodes and how they were drawn (written to the run's parameters in RDF).

    Parameters
    ----------
    graph
        An undirected graph whose edge weights, if any, are in ``weight`` (default 1).
    seed
        Seed of the betweenness sampling and of Louvain.
    betweenness_k_threshold
        The largest graph (in nodes) whose betweenness is computed exactly: one breadth-first
        search per node, 0.8 to 2.5 s for 1,666 nodes and 92,328 ties here (networkx took
        104 s; benchmarks/README.md).
    betweenness_k
        How many source nodes estimate betweenness in larger graphs (each costs one
        breadth-first search over all ties); at least 2.

    Returns
    -------
    networkx.Graph
        ``graph`` itself.

    Raises
    ------
    ParameterError
        If ``betweenness_k`` is below 2 (one source cannot estimate a source's own value).
    SecongraphError
        If igraph cannot compute eigenvector centrality (its ARPACK solver fails).

    Examples
    --------
    >>> g = compute_metrics(nx.path_graph(["a", "b", "c"]))
    >>> g.nodes["b"]["degree"], g.nodes["b"]["betweenness"], g.nodes["a"]["community"]
    (2, 1.0, 0)
    """
    import numpy as np

    index = {node: i for i, node in enumerate(graph)}
    edges = list(graph.edges(data="weight", default=1))
    return _add_metrics(
        graph,
        np.array([index[a] for a, _, _ in edges], dtype=np.int64),
        np.array([index[b] for _, b, _ in edges], dtype=np.int64),
        np.array([w for _, _, w in edges]),
        seed=seed,
        betweenness_k_threshold=betweenness_k_threshold,
        betweenness_k=betweenness_k,
    )


def compute_tie_metrics(
    ties: Ties,
    *,
    seed: int = 42,
    betweenness_k_threshold: int = 2000,
    betweenness_k: int = 100,
) -> nx.Graph:
    """The metrics of :func:`compute_metrics`, computed from ties counted in arrays (see
    :func:`~secongraph.network.co_participation_ties`) and added to the nodes of ``ties.graph``,
    which is returned: a programme's network is measured without making millions of networkx
    edges. The values are those :func:`compute_metrics` gives on the same network with edges.

    Raises
    ------
    ParameterError
        If ``betweenness_k`` is below 2.
    SecongraphError
        If igraph cannot compute eigenvector centrality.
    """
    graph = ties.graph
    graph.graph["ties"] = len(ties.weight)
    return _add_metrics(
        graph,
        ties.first,
        ties.second,
        ties.weight,
        seed=seed,
        betweenness_k_threshold=betweenness_k_threshold,
        betweenness_k=betweenness_k,
    )


def _add_metrics(
    graph: nx.Graph,
    first: np.ndarray,
    second: np.ndarray,
    weight: np.ndarray,
    *,
    seed: int,
    betweenness_k_threshold: int,
    betweenness_k: int,
) -> nx.Graph:
    """Add the metrics to the nodes of ``graph`` from its ties: ``first[i]`` and ``second[i]``
    (numbers of nodes, in the graph's node order) with weight ``weight[i]``."""
    import igraph
    import numpy as np

    if betweenness_k < 2:
        raise ParameterError(f"betweenness_k={betweenness_k}: at least 2 source nodes are needed.")
    nodes = list(graph)
    n = len(nodes)
    network = _igraph_network(n, first, second)
    weights = weight.astype(float)  # given to igraph as an array: no Python float per tie
    k = min(betweenness_k, n) if n > betweenness_k_threshold else None
    # the positions networkx's betweenness_centrality(k=..., seed=...) draws from the node list
    sources = None if k is None or k == n else random.Random(seed).sample(range(n), k)
    betweenness = _betweenness(network, sources)
    # igraph draws ARPACK's start vector and Louvain's node order from its random generator:
    # a private one seeded here, so the same graph gives the same values to the last digit
    igraph.set_random_number_generator(random.Random(seed))
    try:
        eigenvector = _eigenvector(network, first, weights)
        parts = [list(c) for c in network.community_multilevel(weights=weights)]
    finally:
        igraph.set_random_number_generator(random)
    communities = sorted(
        ([nodes[i] for i in members] for members in parts),
        key=lambda c: (-len(c), min(str(node) for node in c)),
    )
    community = {node: number for number, members in enumerate(communities) for node in members}
    ends = np.concatenate([first, second])
    degree = np.bincount(ends, minlength=n).tolist()
    weighted = np.bincount(ends, weights=np.concatenate([weight, weight]), minlength=n)
    if weight.dtype.kind in "iub" or not len(weight):  # whole weights stay whole numbers
        weighted = weighted.round().astype(np.int64)
    weighted = weighted.tolist()
    for i, node in enumerate(nodes):
        graph.nodes[node].update(
            degree=degree[i],
            weighted_degree=weighted[i],
            betweenness=betweenness[i],
            eigenvector=eigenvector[i],
            community=community[node],
        )
    record: dict[str, Any] = {"seed": seed, "betweenness": "exact"}
    if sources is not None:
        record["betweenness"] = f"approximate, k={len(sources)}"
        record["betweenness_sample"] = f"{len(sources)} of {n} source nodes; {BETWEENNESS_SAMPLING}"
    graph.graph["metrics"] = record
    return graph


def _betweenness(network: igraph.Graph, sources: list[int] | None) -> list[float]:
    """Normalised betweenness as networkx computes it: exact, or estimated from ``sources``.

    igraph counts each unordered pair once (from a subset of sources, half the dependencies
    accumulated from them); networkx's normalised value counts ordered pairs over
    (n-1)(n-2), hence the factor 2.
    """
    n = network.vcount()
    if n < 3:
        return [0.0] * n
    if sources is None:
        raw = network.betweenness(directed=False)
        return [2 * value / ((n - 1) * (n - 2)) for value in raw]
    k = len(sources)
    raw = network.betweenness(directed=False, sources=sources)
    source_scale, other_scale = 2 / ((k - 1) * (n - 2)), 2 / (k * (n - 2))
    chosen = set(sources)
    return [value * (source_scale if i in chosen else other_scale) for i, value in enumerate(raw)]


_EDGE_BLOCK = 1 << 21
"""How many ties igraph is given at a time."""


def _igraph_network(n: int, first: np.ndarray, second: np.ndarray) -> igraph.Graph:
    """igraph's graph of ``n`` nodes and the ties ``first[i]``–``second[i]``, tie ``i`` its edge
    ``i``. igraph reads edges through Python objects, so they are added a block at a time: all
    of a programme's tens of millions of ties at once would be tens of GB of them."""
    import igraph
    import numpy as np

    network = igraph.Graph(n=n)
    for start in range(0, len(first), _EDGE_BLOCK):
        block = slice(start, start + _EDGE_BLOCK)
        network.add_edges(np.column_stack([first[block], second[block]]))
    return network


def _eigenvector(network: igraph.Graph, first: np.ndarray, weights: np.ndarray) -> list[float]:
    """Weighted eigenvector centrality per connected component, unit norm over the graph; edge
    ``i`` of ``network`` starts at node ``first[i]`` and weighs ``weights[i]``."""
    import igraph
    import numpy as np

    n = network.vcount()
    values = [0.0] * n
    components = network.connected_components()
    membership = np.asarray(components.membership, dtype=np.int64)
    edge_component = membership[first]
    by_component = np.argsort(edge_component, kind="stable")  # each component's edges in order
    bounds = np.searchsorted(edge_component[by_component], np.arange(len(components) + 1))
    for number, component in enumerate(components):
        if len(component) == 1:
            continue
        if len(component) == n:
            sub, sub_weights = network, weights
        else:
            edges = by_component[bounds[number] : bounds[number + 1]]
            sub = network.subgraph_edges(edges.tolist(), delete_vertices=True)
            sub_weights = weights[edges]
        try:
            centrality = sub.eigenvector_centrality(weights=sub_weights)
        except igraph.InternalError as error:
            raise SecongraphError(
                f"Eigenvector centrality failed on a component of {len(component)} nodes: {error}"
            ) from error
        norm = math.sqrt(math.fsum(value * value for value in centrality)) or 1.0
        scale = math.sqrt(len(component) / n) / norm
        for vertex, value in zip(component, centrality, strict=True):
            values[vertex] = value * scale
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
