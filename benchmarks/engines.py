"""Benchmark the two embedded engines on a SYNTHETIC stakeholder graph, in one run.

Loads the same synthetic graph (``benchmarks/synthetic.py``) into a secongraph ``Store`` with
each engine and times, through the same ``Store.select`` the query library uses: loading, a
co-participation self-join (pairs of organisations that took part in the same event), a join on
country, and the library question ``met-at-events`` for one synthetic organisation. Oxigraph is
the baseline; the ratio column is how many times longer rdflib took. A last line times the
self-join on pyoxigraph alone, reading its own terms, to show what converting result terms to
rdflib costs. Not part of the test suite.

Usage: ``python benchmarks/engines.py [--triples 100000] [--repeat 3]``
"""

from __future__ import annotations

import argparse
import platform
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox
from synthetic import SYNTHETIC, synthetic_quads

from secongraph import __version__
from secongraph.namespaces import sparql_prologue
from secongraph.queries import run_query
from secongraph.store import ENGINES, Store, build_store

CO_PARTICIPATION = """SELECT ?a ?b (COUNT(DISTINCT ?event) AS ?events) WHERE {
  ?first sg:event ?event ; sg:participant ?a .
  ?second sg:event ?event ; sg:participant ?b .
  FILTER(STR(?a) < STR(?b))
} GROUP BY ?a ?b"""

BY_COUNTRY = """SELECT ?code (COUNT(DISTINCT ?organisation) AS ?organisations) WHERE {
  ?organisation sg:country ?country .
  ?country sg:isoCode ?code .
} GROUP BY ?code"""


def timed(action: Callable[[], object], repeat: int) -> tuple[float, object]:
    """The best of ``repeat`` wall-clock times, and the last result."""
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = action()
        best = min(best, time.perf_counter() - start)
    return best, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triples", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="secongraph-bench-"))
    data = folder / "data"
    data.mkdir()
    # The generator puts the real country and NUTS reference graphs first, so the country join
    # has something to join.
    quads = synthetic_quads(args.triples)
    ox.serialize(quads, data / "synthetic.nq", ox.RdfFormat.N_QUADS)
    someone = {"organisation": f"{SYNTHETIC}organisation/1"}

    rows: list[tuple[str, dict[str, float], str]] = []
    stores: dict[str, Store] = {}
    load: dict[str, float] = {}
    for engine in ENGINES:
        load[engine], store = timed(lambda e=engine: build_store(data, engine=e), 1)
        stores[engine] = store  # type: ignore[assignment]
    rows.append(("load (ontology + synthetic graph)", load, f"{len(stores['oxigraph']):,} triples"))
    cases: dict[str, Callable[[Store], object]] = {
        "co-participation self-join": lambda s: s.select(CO_PARTICIPATION),
        "join on country": lambda s: s.select(BY_COUNTRY),
        "library: met-at-events": lambda s: run_query(s, "met-at-events", someone),
    }
    for label, case in cases.items():
        times: dict[str, float] = {}
        answers = []
        for engine in ENGINES:
            repeat = args.repeat if engine == "oxigraph" else 1
            times[engine], answer = timed(lambda c=case, e=engine: c(stores[e]), repeat)
            answers.append(answer.rows)  # type: ignore[attr-defined]
        same = "same rows" if _same(answers) else "ROWS DIFFER"
        rows.append((label, times, f"{len(answers[0]):,} rows, {same}"))

    native, count = timed(lambda: _native(stores["oxigraph"], CO_PARTICIPATION), args.repeat)
    label = "co-participation, pyoxigraph terms (no conversion)"
    rows.append((label, {"oxigraph": native}, f"{count:,} rows"))

    print(f"secongraph {__version__}, Python {platform.python_version()}, {platform.machine()}")
    print(f"SYNTHETIC graph: {len(quads):,} quads (benchmarks/synthetic.py, seed 1)\n")
    print("| case | pyoxigraph (s) | rdflib (s) | rdflib / pyoxigraph | result |")
    print("|---|---:|---:|---:|---|")
    for label, times, note in rows:
        if "rdflib" not in times:
            print(f"| {label} | {times['oxigraph']:.4f} | | | {note} |")
            continue
        ratio = times["rdflib"] / times["oxigraph"]
        print(
            f"| {label} | {times['oxigraph']:.4f} | {times['rdflib']:.4f} | {ratio:,.1f} x | {note} |"
        )


def _native(store: Store, query: str) -> int:
    """Run ``query`` on pyoxigraph directly and touch every term, without converting to rdflib."""
    solutions = store.oxigraph.query(sparql_prologue() + query, use_default_graph_as_union=True)
    count = 0
    for solution in solutions:  # type: ignore[union-attr]
        for _term in solution:
            pass
        count += 1
    return count


def _same(answers: list[list[dict[str, object]]]) -> bool:
    """Same rows, in any order (the benchmark queries have no ORDER BY)."""
    first, *others = (sorted(map(repr, (sorted(r.items()) for r in a))) for a in answers)
    return all(first == other for other in others)


if __name__ == "__main__":
    main()
