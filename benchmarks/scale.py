"""Benchmark secongraph's commands as whole processes on a SYNTHETIC programme graph, in one run.

Generates a data folder once (``benchmarks/synthetic.py --data-dir``), then times each command
as a child process (``secongraph build``, ``validate``, every library question from the built
store, ``network stats``, ``maps``, ``export``): the median wall time of ``--repeat`` runs and
the child's peak resident memory. Beside them, in the same run:

- **raw pyoxigraph**, as whole child processes too: ``bulk_load`` of the same files into an
  in-memory ``pyoxigraph.Store`` (each file into its graph, as ``build`` names it), and the same
  SPARQL text of each question on the built store opened read-only (default graph = union of the
  named graphs, as the library asks; parameter defaults bound by the same ``BIND`` clauses the
  library writes, ``sandbox.bind_values``; the child also reports the query's own time, without
  start-up and opening, in brackets);
- **raw pyoxigraph with igraph** for the network: one SPARQL question for each organisation's
  top-level events and projects (``NETWORK_PAIRS``), the ties counted in numpy and igraph's
  sampled betweenness, eigenvector and Louvain with secongraph's settings. ``network stats``
  stands beside it on the built store; ``build`` with metrics beside it after ``bulk_load`` into
  memory and pyoxigraph's own Turtle and TriG dumps;
- **raw pyoxigraph's own dump** of each export format from the built store, beside ``export``
  (its JSON-LD is not compacted with a context). No raw engine draws a map: ``maps`` has none;
- **pure rdflib**, one run in one child process: ``Dataset`` parsing the same files, each into
  its named graph, then each question with ``initBindings``, the same ties measured by networkx
  and ``Dataset.serialize`` of each export format, each in a forked process stopped after
  ``--rdflib-timeout`` seconds (in-process times, no start-up).

Peak memory is the child's maximum resident set size as ``/usr/bin/time -f %M`` reports it (or,
without that program, ``ru_maxrss`` of ``RUSAGE_CHILDREN`` in a one-child Python wrapper).
Not part of the test suite.

Usage: ``python benchmarks/scale.py [--triples 100000] [--repeat 3] [--rdflib-timeout 60] [--timeout 900]``
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import date
from importlib.metadata import version
from pathlib import Path

HERE = Path(__file__).resolve().parent
TIME = Path("/usr/bin/time")

# Child that reports its only child's peak memory (KiB) when /usr/bin/time is missing.
WRAPPER = """import resource, subprocess, sys
code = subprocess.run(sys.argv[2:]).returncode
open(sys.argv[1], "w").write(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))
sys.exit(code)
"""

RAW_LOAD = """import json, sys, time
import pyoxigraph as ox
start = time.perf_counter()
store = ox.Store(sys.argv[2]) if len(sys.argv) > 2 else ox.Store()  # on disk, or in memory
for path, graph in json.load(open(sys.argv[1])):
    store.bulk_load(path=path, format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(graph))
store.flush()
print(json.dumps({"seconds": time.perf_counter() - start, "quads": len(store)}))
"""

OUR_LOAD = """import json, sys, time
from pathlib import Path
start = time.perf_counter()
from secongraph.built import build_on_disk
built = build_on_disk(Path(sys.argv[1]), Path(sys.argv[2]), metrics=False)
print(json.dumps({"seconds": time.perf_counter() - start, "quads": len(built.store)}))
"""

# The co-participation network as the raw tools count it: one SPARQL question for (unit,
# organisation), the pairs of each unit's organisations in numpy, igraph's metrics with the
# settings secongraph uses (betweenness sampled from 100 sources above 2,000 nodes, seed 42).
RAW_NETWORK = """import json, random, sys, time
import igraph, numpy as np, pyoxigraph as ox
job = json.load(open(sys.argv[1]))
start = time.perf_counter()
if "store" in job:
    store = ox.Store.read_only(job["store"])
else:
    store = ox.Store()
    for path, graph in job["files"]:
        store.bulk_load(path=path, format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(graph))
agents, members = {}, {}
answer = store.query(job["sparql"], prefixes=job["prefixes"], use_default_graph_as_union=True)
for unit, agent in answer:
    members.setdefault(unit.value, set()).add(agents.setdefault(agent.value, len(agents)))
n, by_size, codes = len(agents), {}, [np.zeros(0, np.int64)]
for organisations in members.values():
    if len(organisations) > 1:
        by_size.setdefault(len(organisations), []).append(sorted(organisations))
for size, table in by_size.items():
    table, (a, b) = np.array(table, np.int64), np.triu_indices(size, 1)
    codes.append((table[:, a] * n + table[:, b]).ravel())
pairs, weight = np.unique(np.concatenate(codes), return_counts=True)
network = igraph.Graph(n=n, edges=np.column_stack([pairs // n, pairs % n]).tolist())
network.es["weight"] = weight.astype(float).tolist()
network.betweenness(directed=False,
                    sources=random.Random(42).sample(range(n), 100) if n > 2000 else None)
network.eigenvector_centrality(weights="weight")
network.community_multilevel(weights="weight")
for path in job.get("dumps", []):  # a triple format gets every graph's triples
    fmt = ox.RdfFormat.from_extension(path.rsplit(".", 1)[1])
    ox.serialize(store if fmt.supports_datasets else (q.triple for q in store), path, fmt)
print(json.dumps({"seconds": time.perf_counter() - start, "ties": len(pairs)}))
"""

# What secongraph counts as a tie: two organisations (not stakeholder groups) in one top-level
# event, or partners of one project.
NETWORK_PAIRS = """SELECT ?unit ?agent WHERE {
  { ?x a sg:Participation ; sg:event ?event ; sg:participant ?agent .
    ?event sg:superEvent* ?unit FILTER NOT EXISTS { ?unit sg:superEvent ?above } }
  UNION { ?x a sg:Partnership ; sg:member ?agent ; sg:organisation ?unit }
  FILTER NOT EXISTS { ?agent a sg:ParticipantGroup } }"""

# pyoxigraph's own dump of each export format (its JSON-LD is not compacted with a context).
RAW_EXPORT = """import json, sys, time
import pyoxigraph as ox
job = json.load(open(sys.argv[1]))
start = time.perf_counter()
store = ox.Store.read_only(job["store"])
for path in job["dumps"]:  # a triple format gets every graph's triples
    fmt = ox.RdfFormat.from_extension(path.rsplit(".", 1)[1])
    ox.serialize(store if fmt.supports_datasets else (q.triple for q in store), path, fmt)
print(json.dumps({"seconds": time.perf_counter() - start, "quads": len(store)}))
"""

RAW_SHACL = """import json, sys, time
import pyshacl, rdflib
job = json.load(open(sys.argv[1]))
graph = rdflib.Graph()
for path, _ in job["files"]:
    graph.parse(path, format="turtle")
shapes = rdflib.Graph().parse(job["shapes"], format="turtle")
start = time.perf_counter()
pyshacl.validate(graph, shacl_graph=shapes, inference="none", allow_warnings=True)
print(json.dumps({"seconds": time.perf_counter() - start, "quads": len(graph)}))
"""

RAW_QUERY = """import json, sys, time
import pyoxigraph as ox
job = json.load(open(sys.argv[1]))
start = time.perf_counter()
store = ox.Store.read_only(job["store"])
opened = time.perf_counter()
answer = store.query(job["sparql"], prefixes=job["prefixes"], use_default_graph_as_union=True)
rows = [[str(solution[v]) if solution[v] is not None else "" for v in answer.variables]
        for solution in answer]
print(json.dumps({"seconds": time.perf_counter() - opened, "rows": len(rows)}))
"""

RDFLIB = """import json, multiprocessing, sys, time
from rdflib import Dataset, URIRef
from rdflib.term import Literal
job = json.load(open(sys.argv[1]))
start = time.perf_counter()
dataset = Dataset(default_union=True)
for path, graph in job["files"]:
    dataset.graph(URIRef(graph)).parse(path, format="turtle")
report = {"load": time.perf_counter() - start, "triples": len(dataset), "questions": {}}

def term(kind, value, extra):
    if kind == "iri":
        return URIRef(value)
    if extra and extra.startswith("@"):
        return Literal(value, lang=extra[1:])
    return Literal(value, datatype=URIRef(extra) if extra else None)

def ask(sparql, bindings, pipe):
    start = time.perf_counter()
    rows = len(list(dataset.query(sparql, initBindings=bindings)))
    pipe.send((time.perf_counter() - start, rows))

def network(sparql, pipe):  # the same ties, counted and measured with networkx
    import networkx as nx
    start = time.perf_counter()
    members = {}
    for unit, agent in dataset.query(sparql):
        members.setdefault(unit, set()).add(agent)
    graph = nx.Graph()
    for organisations in members.values():
        ordered = sorted(organisations)
        for i, a in enumerate(ordered):
            for b in ordered[i + 1:]:
                graph.add_edge(a, b, weight=graph.get_edge_data(a, b, {"weight": 0})["weight"] + 1)
    nx.betweenness_centrality(graph, k=min(100, len(graph)), seed=42, weight=None)
    nx.eigenvector_centrality(graph, weight="weight", max_iter=1000)
    nx.community.louvain_communities(graph, weight="weight", seed=42)
    pipe.send((time.perf_counter() - start, graph.number_of_edges()))

def export(folder, pipe):
    start = time.perf_counter()
    for fmt in ("turtle", "trig", "nt", "nquads", "json-ld", "xml"):
        dataset.serialize(destination=f"{folder}/export.{fmt}", format=fmt)
    pipe.send((time.perf_counter() - start, len(dataset)))

context = multiprocessing.get_context("fork")

def timed(target, *arguments):
    # in-process (seconds, count) of target, or None when stopped at the timeout
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=target, args=(*arguments, send))
    child.start()
    found = receive.recv() if receive.poll(job["timeout"]) else None
    if found is None:
        child.kill()
    child.join()
    return found

for name, question in job["questions"].items():
    bindings = {k: term(*v) for k, v in question["bindings"].items()}
    report["questions"][name] = timed(ask, job["prologue"] + question["sparql"], bindings)
if "network" in job:
    report["network"] = timed(network, job["prologue"] + job["network"])
if "export" in job:
    report["export"] = timed(export, job["export"])
print(json.dumps(report))
"""


@dataclass
class Runs:
    """The measured runs of one piece of work: wall seconds, peak MB, and the last output."""

    seconds: list[float] = field(default_factory=list)
    peak_mb: list[float] = field(default_factory=list)
    stdout: str = ""
    failed: str = ""

    @property
    def median(self) -> float:
        return statistics.median(self.seconds) if self.seconds else float("nan")

    @property
    def peak(self) -> float:
        return max(self.peak_mb) if self.peak_mb else float("nan")


def run_child(command: list[str], *, timeout: float | None = None) -> Runs:
    """Run ``command`` once as a child process; its wall time, its peak memory, its output."""
    with tempfile.NamedTemporaryFile(suffix=".rss", delete=False) as handle:
        rss_file = handle.name
    if TIME.exists():
        full = [str(TIME), "-f", "%M", "-o", rss_file, *command]
    else:
        full = [sys.executable, "-c", WRAPPER, rss_file, *command]
    runs = Runs()
    start = time.perf_counter()
    # a session of its own, so that a timeout stops the command, not only /usr/bin/time
    with subprocess.Popen(full, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                          start_new_session=True) as child:  # fmt: skip
        try:
            stdout, stderr = child.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(child.pid, signal.SIGKILL)
            child.communicate()
            runs.failed = f"> {timeout:.0f} s"
            return runs
    done = subprocess.CompletedProcess(full, child.returncode, stdout, stderr)
    seconds = time.perf_counter() - start
    try:
        peak = int(Path(rss_file).read_text().strip().splitlines()[-1]) / 1024
    except (OSError, ValueError, IndexError):
        peak = float("nan")
    os.unlink(rss_file)
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["?"])[-1]
        runs.failed = f"exit {done.returncode}: {last[:120]}"
    runs.seconds.append(seconds)
    runs.peak_mb.append(peak)
    runs.stdout = done.stdout
    return runs


TIMEOUT: float | None = None
"""Seconds a whole-process run may take before it is stopped and reported as "> N s"
(``--timeout``): one slow question must not hold up the rest of the table."""


def measure(command: list[str], repeat: int, *, fresh: Path | None = None) -> Runs:
    """Run ``command`` ``repeat`` times (removing ``fresh`` before each run), each stopped after
    :data:`TIMEOUT`; all the runs, or none after a run that was stopped."""
    total = Runs()
    for _ in range(repeat):
        if fresh is not None:
            shutil.rmtree(fresh, ignore_errors=True)
        one = run_child(command, timeout=TIMEOUT)
        total.seconds += one.seconds
        total.peak_mb += one.peak_mb
        total.stdout = one.stdout
        total.failed = total.failed or one.failed
        if not one.seconds:  # stopped at the timeout: the next run would be too
            break
    return total


def raw_child(code: str, job: Path, repeat: int, **fields: object) -> Runs:
    """Measure the raw child ``code`` on the job ``fields`` (written to ``job`` as JSON)."""
    job.write_text(json.dumps(fields))
    return measure([sys.executable, "-c", code, str(job)], repeat)


def secongraph_command() -> list[str]:
    script = Path(sys.executable).parent / "secongraph"
    return [str(script)] if script.exists() else [sys.executable, "-m", "secongraph"]


def encode(term: object) -> tuple[str, str, str]:
    """An rdflib term as (kind, value, datatype or @language) for the children's JSON."""
    from rdflib import URIRef

    if isinstance(term, URIRef):
        return ("iri", str(term), "")
    language = getattr(term, "language", None)
    datatype = getattr(term, "datatype", None)
    return ("literal", str(term), f"@{language}" if language else str(datatype or ""))


def seconds_text(runs: Runs) -> str:
    return runs.failed if runs.failed and not runs.seconds else f"{runs.median:.2f}"


def library_rows(args: argparse.Namespace, sg: list[str], folder: Path, data: Path,
                 prefixes: dict[str, str], rows: list) -> dict[str, dict[str, object]]:  # fmt: skip
    """Time every library question from the built store and as raw text; add their rows.

    Returns the questions whose parameters bind by default, for the rdflib baseline."""
    from secongraph.queries import load_queries
    from secongraph.sandbox import bind_values

    store = folder / "out" / "store"
    library = load_queries()
    questions: dict[str, dict[str, object]] = {}
    for name, question in sorted(library.items()):
        try:
            bound = question.bind({})
        except Exception as error:  # a required parameter without a default
            print(f"  {name}: no raw or rdflib baseline ({error})")
            continue
        questions[name] = {"sparql": question.sparql,
                           "bindings": {k: encode(v) for k, v in bound.items()},
                           "bound": bind_values(question.sparql, bound)}  # fmt: skip
    # a store built without the metrics is asked as it is: query run would compute them first
    metrics = ["--no-metrics"] if "metrics" in args.skip else []
    for name in sorted(library):
        print(f"- query run {name}", flush=True)
        ours = measure([*sg, "query", "run", name, "--store", str(store), "--data", str(data),
                        "--format", "csv", *metrics], args.repeat)  # fmt: skip
        answer = list(csv.reader(io.StringIO(ours.stdout)))
        raw = None
        if name in questions:
            job = folder / f"raw-{name}.json"
            job.write_text(json.dumps({"store": str(store), "prefixes": prefixes,
                                       "sparql": questions[name]["bound"]}))  # fmt: skip
            raw = measure([sys.executable, "-c", RAW_QUERY, str(job)], args.repeat)
        rows.append((f"`query run {name}` ({max(len(answer) - 1, 0):,} rows)", ours, raw, name))
    return questions


def _inner(runs: Runs | None) -> dict:
    """What a raw child printed about itself (its in-process seconds, rows or quads)."""
    if runs is None or runs.failed or not runs.stdout.strip():
        return {}
    return json.loads(runs.stdout.splitlines()[-1])


def _within(seconds: float, limit: float) -> str:
    return "met" if seconds < limit else f"missed by {seconds / limit:.1f} ×"


def target_text(work: str, ours: Runs, raw: Runs | None, rdflib: str, memory_load: Runs) -> str:
    """Issue 9's target for the work at 1M triples, and whether this run meets it."""
    if not ours.seconds:
        return "not measured"
    if ours.failed:
        return f"not answered ({ours.failed.split(':')[0]})"
    seconds = ours.median
    if work.startswith("build's load"):
        time_ratio = seconds / memory_load.median
        memory_ratio = ours.peak / memory_load.peak
        verdict = "met" if max(time_ratio, memory_ratio) <= 1.5 else "missed"
        return (f"≤ 1.5 × raw in-memory load, time and memory: {verdict} "
                f"({time_ratio:.1f} ×, {memory_ratio:.1f} ×)")  # fmt: skip
    if work.startswith("`build` (cold, with metrics)"):
        return f"< 30 s: {_within(seconds, 30)}"
    if work.startswith("`validate"):
        own = _inner(raw).get("seconds")
        stated = f"; pyshacl alone {own:.1f} s" if own is not None else ""
        return f"< 60 s, or pyshacl's own time stated: {_within(seconds, 60)}{stated}"
    if work.startswith(("`network stats`", "`export`")):
        return f"< 60 s: {_within(seconds, 60)}"
    if not work.startswith("`query run"):
        return "—"
    parts = []
    if raw is not None and raw.seconds:
        times = seconds / raw.median
        parts.append(f"≤ 1.5 × raw: {'met' if times <= 1.5 else f'missed ({times:.1f} ×)'}")
    inner = _inner(raw)
    if inner.get("rows", 101) <= 100 and inner["seconds"] < 0.5:  # small, and quick in raw
        parts.append(f"small answer < 1 s: {_within(seconds, 1)}")
    if rdflib.startswith(">"):  # rdflib did not finish
        limit = float(rdflib.strip("> s"))
        parts.append(f"≥ 10 × faster than rdflib: {'met' if limit / seconds >= 10 else 'not shown'}"
                     f" (rdflib {rdflib})")  # fmt: skip
    elif rdflib[:1].isdigit():
        faster = float(rdflib.split()[0]) / seconds
        parts.append(f"≥ 10 × faster than rdflib: {'met' if faster >= 10 else 'missed'} "
                     f"({faster:.2f} ×)")  # fmt: skip
    return "; ".join(parts) or "—"


def raw_text(raw: Runs | None) -> str:
    """The raw pyoxigraph cell: whole-process median (in-process seconds; rows or quads)."""
    if raw is None:
        return "—"
    if raw.failed:
        return raw.failed
    inner = _inner(raw)
    if not inner:
        return f"{raw.median:.2f}"
    unit = next(u for u in ("rows", "quads", "ties") if u in inner)
    return f"{raw.median:.2f} ({inner['seconds']:.3f}; {inner[unit]:,} {unit})"


def rdflib_text(report: dict, peak: float, name: str, work: str, timeout: float) -> str:
    """The rdflib cell: in-process seconds of the load or of one question, one run."""
    if not report:
        return "not run"
    if work.startswith("`build --no-metrics`"):
        return f"{report['load']:.2f} (load, {peak:,.0f} MB)"
    if not name:
        return "—"
    if name in ("network", "export", "build-metrics"):
        key = "network" if name == "build-metrics" else name
        if key not in report:
            return "not run"
        found = report[key]
        if name == "build-metrics":  # its load, then the network
            if found is None:
                return f"> {report['load'] + timeout:.0f} s (load, then network > {timeout:.0f} s)"
            return f"{report['load'] + found[0]:.2f} (load and network, {found[1]:,} ties)"
        if found is None:
            return f"> {timeout:.0f} s"
        unit = "ties" if name == "network" else "quads"
        return f"{found[0]:.2f} ({found[1]:,} {unit})"
    if name not in report["questions"]:
        return "not run (parameter)"
    found = report["questions"][name]
    if found is None:
        return f"> {timeout:.0f} s"
    return f"{found[0]:.3f} ({found[1]:,} rows)"


def ratio(ours: Runs, raw: Runs | None) -> str:
    if raw is None or raw.failed or not raw.seconds or not ours.seconds:
        return "—"
    return f"{ours.median / raw.median:.1f} ×"


def make_table(args: argparse.Namespace, rows: list, report: dict, peak: float) -> str:
    """The Markdown table of the run, with the machine line above it."""
    machine = (f"{platform.platform()}, {platform.machine()}, {os.cpu_count()} cores, "
               f"Python {platform.python_version()}, pyoxigraph {version('pyoxigraph')}, "
               f"rdflib {version('rdflib')}, secongraph {version('secongraph')}; "
               f"{date.today().isoformat()}; load average at the end "
               f"{os.getloadavg()[0]:.1f}")  # fmt: skip
    lines = [
        f"Scale benchmark, {args.triples:,} SYNTHETIC triples (seed {args.seed}), "
        f"median of {args.repeat} whole-process runs; {machine}.",
        "",
        "| work | secongraph (s) | peak MB | raw pyoxigraph (s) | raw peak MB | rdflib (s) "
        "| secongraph / raw | issue 9's target at 1M triples |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    memory_load = rows[0][2]  # raw bulk_load into memory: the raw engine's load
    for work, ours, raw, name in rows:
        time_text = seconds_text(ours) + (f" ({ours.failed})" if ours.failed and ours.seconds
                                          else "")  # fmt: skip
        rdflib = rdflib_text(report, peak, name, work, args.rdflib_timeout)
        raw_peak = f"{raw.peak:,.0f}" if raw is not None and raw.peak_mb else "—"
        target = target_text(work, ours, raw, rdflib, memory_load)
        lines.append(f"| {work} | {time_text} | {ours.peak:,.0f} | {raw_text(raw)} | {raw_peak} | "
                     f"{rdflib} | {ratio(ours, raw)} | {target} |")  # fmt: skip
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triples", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rdflib-timeout", type=float, default=60.0,
                        help="seconds each rdflib question may take")  # fmt: skip
    parser.add_argument("--no-rdflib", action="store_true", help="skip the rdflib baseline")
    parser.add_argument("--skip", default="", type=lambda text: set(filter(None, text.split(","))),
                        help="works to leave out, comma-separated: disk-load (build's load beside raw "
                             "loading file by file on disk), metrics (the build with metrics; the "
                             "questions then read a store without them), validate, questions, "
                             "network, maps, export")  # fmt: skip
    parser.add_argument("--timeout", type=float, default=900.0,
                        help="seconds each whole-process run may take")  # fmt: skip
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args()
    global TIMEOUT
    TIMEOUT = args.timeout

    from secongraph.export import ExportFormat
    from secongraph.namespaces import PREFIXES
    from secongraph.paths import ontology_files, shapes_file
    from secongraph.store import data_files, graph_name

    sg = secongraph_command()
    folder = Path(tempfile.mkdtemp(prefix="secongraph-scale-"))
    data, out = folder / "data", folder / "out"
    store = out / "store"
    print(f"generating {args.triples:,} triples into {data} …", flush=True)
    start = time.perf_counter()
    subprocess.run([sys.executable, str(HERE / "synthetic.py"), "--data-dir", str(data),
                    "--triples", str(args.triples), "--seed", str(args.seed)],
                   check=True, stdout=subprocess.DEVNULL)  # fmt: skip
    print(f"  {time.perf_counter() - start:.1f} s", flush=True)

    files = [(str(p), graph_name(p, ontology=True)) for p in ontology_files()]
    files += [(str(p), graph_name(p)) for p in data_files(data)]
    files_json = folder / "files.json"
    files_json.write_text(json.dumps(files))
    prefixes = {p: str(ns) for p, ns in PREFIXES.items()}
    prologue = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in prefixes.items())

    rows: list[tuple[str, Runs, Runs | None, str]] = []  # work, secongraph, raw, rdflib

    def note(work: str) -> None:
        print(f"- {work}", flush=True)

    # 1. build: cold without metrics, cold with metrics, incremental.
    note("build --no-metrics (cold)")
    # without the build with metrics, the last cold build is the store the questions read
    cold = out if "metrics" in args.skip else folder / "cold"
    built = measure([*sg, "build", "--data", str(data), "--out", str(cold), "--no-metrics"],
                    args.repeat, fresh=cold)  # fmt: skip
    if cold != out:
        shutil.rmtree(cold, ignore_errors=True)
    note("raw pyoxigraph bulk_load")
    raw_load = measure([sys.executable, "-c", RAW_LOAD, str(files_json)], args.repeat)
    rows.append(("`build --no-metrics` (cold)", built, raw_load, ""))
    if "disk-load" not in args.skip:
        note(
            "build's load alone (built.build_on_disk) and raw bulk_load, both into a store on disk"
        )
        load = folder / "load"
        ours_load = measure([sys.executable, "-c", OUR_LOAD, str(data), str(load)], args.repeat,
                            fresh=load)  # fmt: skip
        raw_disk = measure([sys.executable, "-c", RAW_LOAD, str(files_json), str(folder / "raw")],
                           args.repeat, fresh=folder / "raw")  # fmt: skip
        shutil.rmtree(load, ignore_errors=True)
        shutil.rmtree(folder / "raw", ignore_errors=True)
        rows.append(("build's load (`build_on_disk`, store on disk)", ours_load, raw_disk, ""))
    build = [*sg, "build", "--data", str(data), "--out", str(out)]
    if "metrics" in args.skip:
        build.append("--no-metrics")
    else:
        note("build (cold, with metrics)")
        with_metrics = measure(build, args.repeat, fresh=out)
        note("raw: bulk_load into memory, the ties and igraph's metrics, pyoxigraph's two dumps")
        raw_build = raw_child(RAW_NETWORK, folder / "raw-build.json", args.repeat, files=files,
                              sparql=NETWORK_PAIRS, prefixes=prefixes,
                              dumps=[str(folder / "raw.ttl"), str(folder / "raw.trig")])  # fmt: skip
        rows.append(("`build` (cold, with metrics)", with_metrics, raw_build, "build-metrics"))
    note("build again (nothing changed)")
    rows.append(("`build` again, nothing changed", measure(build, args.repeat), None, ""))

    # 2. validate.
    if "validate" not in args.skip:
        note("validate")
        validate = measure([*sg, "validate", "--data", str(data)], args.repeat)
        note("raw pyshacl: rdflib parses every file, then pyshacl.validate alone is timed")
        job = folder / "shacl.json"
        job.write_text(json.dumps({"files": files, "shapes": str(shapes_file())}))
        shacl = measure([sys.executable, "-c", RAW_SHACL, str(job)], args.repeat)
        rows.append(("`validate --data DIR` (raw: pyshacl; in brackets its own time)",
                     validate, shacl, ""))  # fmt: skip

    # 3. every library question, from the built store and as raw text.
    questions = (
        {} if "questions" in args.skip else library_rows(args, sg, folder, data, prefixes, rows)
    )

    # 4. network stats, maps, export; beside them the raw tools doing the same work (no raw
    # engine draws a map: pyvis is the tool, so maps has no raw figure).
    exported = [str(folder / f"raw-export.{f.extension}") for f in ExportFormat]
    for work, command, name, raw_job in (
        ("`network stats`", ["network", "stats", "--store", str(store), "--data", str(data)],
         "network", (RAW_NETWORK, {"store": str(store), "sparql": NETWORK_PAIRS,
                                   "prefixes": prefixes})),
        ("`maps`", ["maps", "--store", str(store), "--data", str(data),
                    "--out", str(folder / "maps")], "", None),
        ("`export`", ["export", "--store", str(store), "--data", str(data),
                      "--out", str(folder / "export")],
         "export", (RAW_EXPORT, {"store": str(store), "dumps": exported})),
    ):  # fmt: skip
        if command[0] in args.skip:
            continue
        note(work)
        ours = measure([*sg, *command], args.repeat)
        raw = None
        if raw_job is not None:
            code, fields = raw_job
            raw = raw_child(code, folder / f"raw-{name}.json", args.repeat, **fields)
        rows.append((work, ours, raw, name))

    # rdflib: one run, in one child.
    rdflib_report: dict[str, object] = {}
    rdflib_peak = float("nan")
    if not args.no_rdflib:
        note("rdflib: load and questions (one run)")
        job = folder / "rdflib.json"
        extra: dict[str, str] = {}
        if "network" not in args.skip:
            extra["network"] = NETWORK_PAIRS
        if "export" not in args.skip:
            (folder / "rdflib-export").mkdir()
            extra["export"] = str(folder / "rdflib-export")
        job.write_text(json.dumps({"files": files, "questions": questions, "prologue": prologue,
                                   "timeout": args.rdflib_timeout, **extra}))  # fmt: skip
        done = run_child([sys.executable, "-c", RDFLIB, str(job)])
        rdflib_peak = done.peak
        if done.failed:
            print(f"  rdflib baseline failed: {done.failed}")
        else:
            rdflib_report = json.loads(done.stdout)

    table = make_table(args, rows, rdflib_report, rdflib_peak)
    print()
    print(table)
    results = HERE / "results"
    results.mkdir(exist_ok=True)
    (results / f"scale-{args.triples}.md").write_text(table + "\n")
    print(f"\nwritten to {results / f'scale-{args.triples}.md'}")
    if args.keep:
        print(f"kept {folder}")
    else:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
