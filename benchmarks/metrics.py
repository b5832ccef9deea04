"""Benchmark the network metrics and the co-participation projection on SYNTHETIC graphs, in one run.

Three things, each measured in the same run:

1. **Speed**: ``compute_metrics`` (igraph's C core) against the networkx calls it replaced
   (``betweenness_centrality(k=...)``, ``eigenvector_centrality`` per component,
   ``louvain_communities``), part by part; and ``co_participation`` (pairs counted in numpy)
   against the pair-by-pair counting it replaced (one Python object per pair of each event),
   both on the co-participation network of ``benchmarks/synthetic.py``.
2. **Error of sampled betweenness**: on graphs where exact betweenness is affordable, the
   estimate from k sampled sources (what ``compute_metrics`` does above its threshold, equal to
   networkx's ``k`` estimate) against the exact value, over several sampling seeds: largest and
   mean absolute error, the largest error as a share of the largest exact value, Spearman rank
   correlation over all nodes and over the 20 nodes with the highest exact betweenness, and how
   many of the exact top 10 the estimate's top 10 finds.
3. **Louvain**: the modularity of igraph's and networkx's partitions, same seed.

The graphs are SYNTHETIC: the co-participation network of ``synthetic_quads`` (uniform random
attendance) and a Barabási-Albert graph (``networkx.barabasi_albert_graph``, heavy-tailed
degrees). Not part of the test suite.

Usage: ``python benchmarks/metrics.py [--triples 100000] [--k 25 50 100 200 400] [--seeds 5]
[--networkx-exact] [--no-networkx-metrics] [--no-exact] [--no-error]``
"""

from __future__ import annotations

import argparse
import math
import platform
import random
import statistics
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from itertools import combinations
from pathlib import Path
from typing import Any

import igraph
import networkx as nx
import pyoxigraph as ox
from synthetic import synthetic_quads

from secongraph import __version__
from secongraph.network import co_participation, compute_metrics
from secongraph.network.metrics import _betweenness, _eigenvector
from secongraph.network.projections import (
    Projection,
    _co_participation,
    _Context,
    _new_graph,
    _tie,
)
from secongraph.store import build_store

SEED = 42


def timed(action: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = action()
    return time.perf_counter() - start, result


# --- the baselines: what main computed before igraph and numpy -----------------------------------


def pairwise_co_participation(context: _Context) -> nx.Graph:
    """The co-participation network counted pair by pair (main before numpy)."""
    facts = context.facts
    members: dict[tuple[str, str], dict[str, set[tuple[str | None, str]]]] = defaultdict(
        lambda: defaultdict(set)
    )
    for pair in context.event_pairs() + context.project_pairs():
        if pair.agent not in context.organisations:
            continue
        unit = facts.top_event(pair.unit) if pair.kind == "event" else pair.unit
        evidence = members[(pair.kind, unit)][pair.agent]
        if pair.stated_source:
            evidence.add((None, pair.stated_source))
        evidence |= pair.additions
    ties: dict[tuple[str, str], tuple[list[str], list[str], set[tuple[str | None, str]]]] = {}
    for (kind, unit), agents in sorted(members.items()):
        shared = 0 if kind == "event" else 1
        for a, b in combinations(sorted(agents), 2):
            tie = ties.get((a, b))
            if tie is None:
                tie = ties[(a, b)] = ([], [], set())
            tie[shared].append(unit)
            tie[2].update(agents[a], agents[b])
    graph = _new_graph(Projection.CO_PARTICIPATION, context.filters)
    for a in sorted(set().union(*members.values())):
        graph.add_node(a, **context.node(a))
    labels = {unit: facts.label(unit) for _, unit in members}
    for (a, b), (events, projects, evidence) in sorted(ties.items()):
        units = {
            "events": events,
            "projects": projects,
            "sources": {d for m, d in evidence if m is None},
            "added": {(m, d) for m, d in evidence if m is not None},
        }
        graph.add_edge(a, b, **_tie(labels, units))
    return graph


def networkx_eigenvector(graph: nx.Graph) -> dict[Any, float]:
    """Eigenvector centrality per component as main computed it (networkx power iteration)."""
    values: dict[Any, float] = {}
    for component in nx.connected_components(graph):
        if len(component) == 1:
            values.update(dict.fromkeys(component, 0.0))
            continue
        centrality = nx.eigenvector_centrality(
            graph.subgraph(component), max_iter=1000, weight="weight"
        )
        scale = math.sqrt(len(component) / len(graph))
        values.update({node: value * scale for node, value in centrality.items()})
    return values


# --- helpers --------------------------------------------------------------------------------------


def to_igraph(graph: nx.Graph) -> tuple[igraph.Graph, list[Any]]:
    nodes = list(graph)
    index = {node: i for i, node in enumerate(nodes)}
    network = igraph.Graph(n=len(nodes), edges=[(index[a], index[b]) for a, b in graph.edges()])
    network.es["weight"] = [float(w) for _, _, w in graph.edges(data="weight", default=1)]
    return network, nodes


def ranks(values: Sequence[float]) -> list[float]:
    """Ranks from 1, ties given their mean rank."""
    order = sorted(range(len(values)), key=lambda i: values[i])
    result = [0.0] * len(values)
    start = 0
    while start < len(order):
        end = start
        while end + 1 < len(order) and values[order[end + 1]] == values[order[start]]:
            end += 1
        for position in range(start, end + 1):
            result[order[position]] = (start + end) / 2 + 1
        start = end + 1
    return result


def spearman(x: Sequence[float], y: Sequence[float]) -> float:
    rx, ry = ranks(x), ranks(y)
    mx, my = statistics.fmean(rx), statistics.fmean(ry)
    cov = sum((a - mx) * (b - my) for a, b in zip(rx, ry, strict=True))
    var = math.sqrt(sum((a - mx) ** 2 for a in rx) * sum((b - my) ** 2 for b in ry))
    return cov / var if var else 1.0


def sampled_error(
    network: igraph.Graph, nodes: list[Any], exact: list[float], k: int, seeds: int
) -> dict[str, float]:
    """How far the k-source estimate lies from the exact betweenness, over ``seeds`` samples."""
    top20 = sorted(range(len(exact)), key=lambda i: -exact[i])[:20]
    top10 = set(top20[:10])
    peak = max(exact)
    found: dict[str, list[float]] = defaultdict(list)
    index = {node: i for i, node in enumerate(nodes)}
    for seed in range(seeds):
        sources = [index[s] for s in random.Random(seed).sample(nodes, k)]
        seconds, estimate = timed(lambda s=sources: _betweenness(network, s))
        errors = [abs(a - b) for a, b in zip(estimate, exact, strict=True)]
        found["seconds"].append(seconds)
        found["max_abs"].append(max(errors))
        found["mean_abs"].append(statistics.fmean(errors))
        found["max_rel_peak"].append(max(errors) / peak)
        found["spearman_all"].append(spearman(estimate, exact))
        found["spearman_top20"].append(
            spearman([estimate[i] for i in top20], [exact[i] for i in top20])
        )
        ours = set(sorted(range(len(estimate)), key=lambda i: -estimate[i])[:10])
        found["top10_found"].append(len(ours & top10))
    return {
        **{f"{key}": statistics.fmean(values) for key, values in found.items()},
        "worst_max_abs": max(found["max_abs"]),
        "worst_spearman_top20": min(found["spearman_top20"]),
        "worst_top10_found": min(found["top10_found"]),
        "peak": peak,
    }


def partition(graph: nx.Graph) -> list[set[Any]]:
    members: dict[int, set[Any]] = defaultdict(set)
    for node, number in graph.nodes(data="community"):
        members[number].add(node)
    return list(members.values())


# --- the runs -------------------------------------------------------------------------------------


def speed(
    graph: nx.Graph, *, exact: bool, networkx_exact: bool, networkx_metrics: bool
) -> list[list[str]]:
    """Rows: part, networkx seconds, igraph seconds, ratio."""
    network, nodes = to_igraph(graph)
    index = {node: i for i, node in enumerate(nodes)}
    sources = [index[s] for s in random.Random(SEED).sample(nodes, min(100, len(nodes)))]
    rows: list[list[str]] = []

    def row(name: str, nx_time: float | None, ig_time: float, note: str = "") -> None:
        ratio = f"{nx_time / ig_time:,.0f} x" if nx_time else ""
        shown = f"{nx_time:.2f}" if nx_time is not None else "not run"
        rows.append([name, shown, f"{ig_time:.3f}", ratio, note])

    ig_sampled, _ = timed(lambda: _betweenness(network, sources))
    nx_sampled = None
    if networkx_metrics:
        nx_sampled, _ = timed(lambda: nx.betweenness_centrality(graph, k=100, seed=SEED))
    row("betweenness, k=100 sampled sources", nx_sampled, ig_sampled)
    nx_exact = None
    if exact:
        ig_exact, _ = timed(lambda: _betweenness(network, None))
        nx_exact = timed(lambda: nx.betweenness_centrality(graph))[0] if networkx_exact else None
        row("betweenness, exact", nx_exact, ig_exact)
    igraph.set_random_number_generator(random.Random(SEED))
    ig_eigen, _ = timed(lambda: _eigenvector(network))
    nx_eigen = timed(lambda: networkx_eigenvector(graph))[0] if networkx_metrics else None
    row("eigenvector, per component", nx_eigen, ig_eigen)
    ig_louvain, clusters = timed(lambda: network.community_multilevel(weights="weight"))
    igraph.set_random_number_generator(random)
    ig_q = nx.community.modularity(graph, [{nodes[i] for i in c} for c in clusters], "weight")
    note = f"modularity igraph {ig_q:.4f}"
    nx_louvain = None
    if networkx_metrics:
        nx_louvain, parts = timed(
            lambda: nx.community.louvain_communities(graph, weight="weight", seed=SEED)
        )
        note += f", networkx {nx.community.modularity(graph, parts, 'weight'):.4f}"
    row("Louvain communities", nx_louvain, ig_louvain, note)
    copy = graph.copy()
    ig_total, _ = timed(lambda: compute_metrics(copy, seed=SEED))
    # main: networkx, betweenness exact up to 1,000 nodes, else k=100
    betweenness = nx_sampled if len(graph) > 1000 else nx_exact
    parts = (betweenness, nx_eigen, nx_louvain)
    nx_total = sum(p for p in parts if p) if all(parts) else None
    note = (
        f"before: networkx as main (betweenness {'k=100' if len(graph) > 1000 else 'exact'}, "
        f"sum of its parts); after: igraph, betweenness {copy.graph['metrics']['betweenness']}"
    )
    row("compute_metrics, before / after", nx_total, ig_total, note)
    return rows


def table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return "\n".join([*lines, *("| " + " | ".join(r) + " |" for r in rows)])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triples", type=int, default=100_000)
    parser.add_argument("--k", type=int, nargs="+", default=[25, 50, 100, 200, 400])
    parser.add_argument("--seeds", type=int, default=5, help="samples per k")
    parser.add_argument("--ba-nodes", type=int, default=5000, help="Barabási-Albert graph size")
    parser.add_argument("--networkx-exact", action="store_true", help="time networkx exact too")
    parser.add_argument("--no-networkx-metrics", action="store_true", help="skip networkx metrics")
    parser.add_argument("--no-error", action="store_true", help="skip the sampling error")
    parser.add_argument("--no-exact", action="store_true", help="skip exact betweenness")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="secongraph-metrics-"))
    (folder / "data").mkdir()
    quads = synthetic_quads(args.triples)
    ox.serialize(quads, folder / "data" / "synthetic.nq", ox.RdfFormat.N_QUADS)
    store = build_store(folder / "data")
    print(f"secongraph {__version__}, Python {platform.python_version()}, {platform.machine()}, ")
    print(f"networkx {nx.__version__}, igraph {igraph.__version__}")
    print(f"SYNTHETIC graph: {len(quads):,} quads (benchmarks/synthetic.py, seed 1)\n")

    context_seconds, context = timed(
        lambda: _Context(
            store, country=None, region=None, org_type=None, since=None, until=None, event=None
        )
    )
    old_seconds, old = timed(lambda: pairwise_co_participation(context))
    del old
    new_seconds, graph = timed(lambda: _co_participation(context))
    del graph
    new_total, graph = timed(lambda: co_participation(store))
    print(
        f"co-participation: {graph.number_of_nodes():,} organisations, "
        f"{graph.number_of_edges():,} ties\n"
    )
    print(
        table(
            ["co_participation", "pair by pair (s)", "numpy (s)", "ratio"],
            [
                ["reading the facts (same code)", f"{context_seconds:.2f}", "", ""],
                [
                    "counting and building the graph",
                    f"{old_seconds:.2f}",
                    f"{new_seconds:.2f}",
                    f"{old_seconds / new_seconds:.1f} x",
                ],
                [
                    "whole call (numpy: timed on its own)",
                    f"{context_seconds + old_seconds:.2f}",
                    f"{new_total:.2f}",
                    f"{(context_seconds + old_seconds) / new_total:.1f} x",
                ],
            ],
        )
    )
    print()
    rows = speed(
        graph,
        exact=not args.no_exact,
        networkx_exact=args.networkx_exact,
        networkx_metrics=not args.no_networkx_metrics,
    )
    print(table(["metric", "networkx (s)", "igraph (s)", "networkx / igraph", "note"], rows))
    if args.no_error:
        return
    graphs = {
        f"co-participation, {args.triples:,} triples": graph,
        f"Barabási-Albert, {args.ba_nodes:,} nodes, m=3": nx.barabasi_albert_graph(
            args.ba_nodes, 3, seed=1
        ),
    }
    for name, g in graphs.items():
        network, nodes = to_igraph(g)
        exact_seconds, exact = timed(lambda n=network: _betweenness(n, None))
        print(
            f"\nSampled against exact betweenness: {name} ({len(nodes):,} nodes, "
            f"{g.number_of_edges():,} ties; exact in {exact_seconds:.2f} s; "
            f"mean of {args.seeds} samples per k, worst in brackets)\n"
        )
        rows = []
        for k in args.k:
            e = sampled_error(network, nodes, exact, k, args.seeds)
            rows.append(
                [
                    str(k),
                    f"{e['seconds']:.3f}",
                    f"{e['max_abs']:.2e} ({e['worst_max_abs']:.2e})",
                    f"{e['mean_abs']:.1e}",
                    f"{e['max_rel_peak']:.1%}",
                    f"{e['spearman_all']:.3f}",
                    f"{e['spearman_top20']:.3f} ({e['worst_spearman_top20']:.3f})",
                    f"{e['top10_found']:.1f} ({e['worst_top10_found']:.0f})",
                ]
            )
        header = [
            "k",
            "seconds",
            "max abs error",
            "mean abs error",
            "max error / top value",
            "Spearman, all",
            "Spearman, exact top 20",
            "exact top 10 found",
        ]
        print(table(header, rows))
        print(f"(largest exact value {max(exact):.2e})")


if __name__ == "__main__":
    main()
