"""Compare layout algorithms for large maps on a SYNTHETIC graph (not part of the test suite).

Times igraph's Fruchterman-Reingold (grid), DrL and LGL, Graphviz ``sfdp`` (Debian package
``graphviz``, if installed) and networkx ``spring_layout`` (needs numpy, if installed) on the
same invented co-participation graph. secongraph's maps use igraph Fruchterman-Reingold.

Run: ``.venv/bin/python benchmarks/maps_layouts.py [--nodes 10000]``.
"""

from __future__ import annotations

import argparse
import random
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import igraph
import networkx as nx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from maps_synthetic import synthetic_graph


def timed(function: Callable[[], object]) -> float | None:
    started = time.perf_counter()
    try:
        function()
    except ImportError:
        return None
    return time.perf_counter() - started


def sfdp(graph: nx.Graph) -> None:
    index = {node: i for i, node in enumerate(graph)}
    dot = "graph G {\n" + "".join(f"{index[a]} -- {index[b]};\n" for a, b in graph.edges) + "}\n"
    subprocess.run(["sfdp", "-Tplain"], input=dot.encode(), capture_output=True, check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=10000)
    args = parser.parse_args()
    graph = synthetic_graph(args.nodes, events_per_node=0.3)
    index = {node: i for i, node in enumerate(graph)}
    network = igraph.Graph(n=len(index), edges=[(index[a], index[b]) for a, b in graph.edges])
    igraph.set_random_number_generator(random.Random(1))
    candidates: dict[str, Callable[[], object]] = {
        "igraph Fruchterman-Reingold (grid)": lambda: network.layout_fruchterman_reingold(
            niter=500, grid=True
        ),
        "igraph DrL": network.layout_drl,
        "igraph LGL": network.layout_lgl,
        "networkx spring_layout": lambda: nx.spring_layout(graph, seed=1),
    }
    if shutil.which("sfdp"):
        candidates["Graphviz sfdp"] = lambda: sfdp(graph)
    print(f"SYNTHETIC graph: {graph.number_of_nodes():,} nodes, {graph.number_of_edges():,} ties")
    for name, function in candidates.items():
        seconds = timed(function)
        print(f"| {name} | {'not installed' if seconds is None else f'{seconds:.2f}'} |")


if __name__ == "__main__":
    main()
