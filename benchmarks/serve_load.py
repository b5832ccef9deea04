"""`secongraph serve` under load, then under attack: latency per kind of request, errors, memory.

Builds the SECON graph (``data/``) into a temporary folder, starts a real ``secongraph serve`` on
127.0.0.1, and drives it with locust: ``--users`` concurrent clients (50) for ``--seconds`` (60)
mixing entity pages (every ``/id/`` IRI of the store), question pages and API calls with their
defaults, small SPARQL queries (SELECT, ASK, CONSTRUCT) and reconciliation batches. Then the same
load runs for ``--hostile-seconds`` (30) while one more client sends, one after the other, a
cartesian product and a regular expression over every pair of literals to ``/sparql``: each must
end with the deadline's error (503), never a 200.

Reported per kind of request and per phase: p50 and p99 latency, requests per second, errors; the
hostile queries' statuses and times; the server's peak memory, sampled every 0.25 s (the RSS of
the process tree, and its PSS, which counts the pages the forked query workers share with the
server once). Results go to ``benchmarks/results/serve-load-{date}.json`` and a Markdown table to
stdout.

    python benchmarks/serve_load.py [--users 50] [--seconds 60] [--hostile-seconds 30]
                                    [--timeout 5] [--think 1] [--synthetic TRIPLES]

``--synthetic 100000`` serves a SYNTHETIC graph (``synthetic.py --data-dir``) instead of SECON;
its entities are not under ``/id/``, so entity pages are then the SECON-style pages of the
reference regions and countries the synthetic data uses.
"""

from gevent import monkey

monkey.patch_all()  # before anything opens a socket (locust would do it on import, later)

import argparse  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import random  # noqa: E402
import socket  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import urllib.parse  # noqa: E402
import urllib.request  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402
from datetime import date  # noqa: E402
from importlib.metadata import version  # noqa: E402
from pathlib import Path  # noqa: E402

import gevent  # noqa: E402
import psutil  # noqa: E402
from locust import FastHttpUser, between, constant, task  # noqa: E402
from locust.env import Environment  # noqa: E402
from scale import secongraph_command  # noqa: E402

from secongraph.namespaces import ID  # noqa: E402
from secongraph.queries import load_queries  # noqa: E402

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "results"

SELECT = "SELECT ?s ?label WHERE { ?s rdfs:label ?label } LIMIT 20"
ASK = "ASK { ?event a sg:Event }"
CONSTRUCT = "CONSTRUCT { ?s rdfs:label ?label } WHERE { ?s rdfs:label ?label } LIMIT 50"
CARTESIAN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
REGEX = ('SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o . ?t ?q ?r '
         'FILTER(REGEX(CONCAT(STR(?o), STR(?r)), "^(a+)+$")) }')  # fmt: skip
"""Catastrophic for a backtracking engine; oxigraph's (Rust) regex is linear, so this one is
made slow by the number of pairs it is tried on (25 million on SECON)."""
HOSTILE = {"cartesian": CARTESIAN, "regex": REGEX}


@dataclass
class Targets:
    """What the clients ask for, read from the store and the question library before the load."""

    entities: list[str]
    questions: list[str]
    api: list[str]
    names: list[str]


@dataclass
class Memory:
    """Peak memory of a process tree, sampled."""

    pid: int
    rss_mb: float = 0.0
    pss_mb: float = 0.0
    server_rss_mb: float = 0.0
    samples: int = 0
    workers: int = 0

    def sample(self) -> None:
        try:
            root = psutil.Process(self.pid)
            tree = [root, *root.children(recursive=True)]
        except psutil.NoSuchProcess:
            return
        rss = pss = 0
        self.workers = max(self.workers, len(tree) - 1)
        for process in tree:
            try:
                info = process.memory_full_info()
            except psutil.NoSuchProcess:  # a query worker that ended meanwhile
                continue
            rss += info.rss
            pss += info.pss
            if process is root:
                self.server_rss_mb = max(self.server_rss_mb, info.rss / 2**20)
        self.rss_mb = max(self.rss_mb, rss / 2**20)
        self.pss_mb = max(self.pss_mb, pss / 2**20)
        self.samples += 1


@dataclass
class Hostile:
    """The hostile client's queries: name, status, seconds, whether the body was complete."""

    url: str
    sent: list[dict[str, object]] = field(default_factory=list)

    def run(self) -> None:
        while True:
            for name, query in HOSTILE.items():
                start = time.perf_counter()
                status, body = get(f"{self.url}/sparql?" + urllib.parse.urlencode(
                    {"query": query, "format": "json"}), timeout=600)  # fmt: skip
                self.sent.append({
                    "query": name, "status": status, "seconds": round(time.perf_counter() - start, 2),
                    "body": body[:200].decode("utf-8", "replace").strip(),
                })  # fmt: skip


def get(url: str, *, timeout: float = 30) -> tuple[int, bytes]:
    """Status and body of a GET (an error status is an answer, not an exception)."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def sparql_values(url: str, query: str) -> list[str]:
    """The first column of a SELECT on the server."""
    status, body = get(
        f"{url}/sparql?" + urllib.parse.urlencode({"query": query, "format": "json"})
    )
    if status != 200:
        sys.exit(f"serve_load: {query!r} answered {status}: {body[:200]!r}")
    rows = json.loads(body)["results"]["bindings"]
    return [next(iter(row.values()))["value"] for row in rows]


def targets(url: str) -> Targets:
    """The entity pages, questions and names the clients ask for."""
    iris = sparql_values(url, f'SELECT DISTINCT ?s WHERE {{ ?s ?p ?o FILTER(STRSTARTS(STR(?s), "{ID}")) }}')  # fmt: skip
    names = sparql_values(url, "SELECT DISTINCT ?label WHERE { ?o a/rdfs:subClassOf* sg:Organisation ; rdfs:label ?label } LIMIT 200")  # fmt: skip
    questions, api = [], []
    for named in load_queries().values():
        if any(p.required and p.default is None for p in named.parameters):
            continue  # a question that needs a value the library does not give
        query = urllib.parse.urlencode({p.name: p.default for p in named.parameters if p.default})
        name = urllib.parse.quote(named.name)
        questions.append(f"/questions/{name}" + (f"?{query}" if query else ""))
        api.append(f"/api/{name}" + (f"?{query}" if query else ""))
    paths = [urllib.parse.quote("/id/" + iri.removeprefix(ID), safe="/") for iri in iris]
    return Targets(paths, questions, api, names)


def make_user(chosen: Targets, think: float) -> type[FastHttpUser]:
    """The locust client: each task one kind of request, named by its kind in the stats."""

    class Visitor(FastHttpUser):
        wait_time = between(0, 2 * think) if think else constant(0)

        def fetch(self, kind: str, path: str, **kwargs: object) -> None:
            with self.client.get(path, name=kind, catch_response=True, **kwargs) as answer:
                if answer.status_code != 200:
                    answer.failure(f"{answer.status_code}: {(answer.text or '')[:120]}")
                elif kind.startswith(("sparql select", "sparql ask", "api", "reconcile")):
                    try:
                        json.loads(answer.content)
                    except ValueError:
                        answer.failure("not complete JSON")

        @task(4)
        def entity(self) -> None:
            self.fetch("entity page", random.choice(chosen.entities))

        @task(2)
        def question(self) -> None:
            self.fetch("question page", random.choice(chosen.questions))

        @task(2)
        def api(self) -> None:
            self.fetch("api (json)", random.choice(chosen.api))

        @task(3)
        def sparql(self) -> None:
            kind, query = random.choice(
                [("select", SELECT), ("ask", ASK), ("construct", CONSTRUCT)]
            )
            accept = "text/turtle" if kind == "construct" else "application/sparql-results+json"
            self.fetch(f"sparql {kind}", "/sparql?" + urllib.parse.urlencode({"query": query}),
                       headers={"Accept": accept})  # fmt: skip

        @task(1)
        def reconcile(self) -> None:
            batch = {f"q{i}": {"query": name, "limit": 3}
                     for i, name in enumerate(random.sample(chosen.names, min(3, len(chosen.names))))}  # fmt: skip
            self.fetch(
                "reconcile", "/reconcile?" + urllib.parse.urlencode({"queries": json.dumps(batch)})
            )

    return Visitor


def phase(env: Environment, seconds: float, memory: Memory) -> dict[str, dict]:
    """Run the load for ``seconds`` from fresh stats; the stats per kind of request, and the
    cores the server and its query workers used on average."""
    env.stats.reset_all()
    server = psutil.Process(memory.pid)
    cpu = server.cpu_times()
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        memory.sample()
        gevent.sleep(0.25)
    used = server.cpu_times()
    server_cpu = (used.user + used.system - cpu.user - cpu.system) / seconds
    workers_cpu = (
        used.children_user + used.children_system - cpu.children_user - cpu.children_system
    ) / seconds
    table: dict[str, dict] = {}
    for (name, _), entry in sorted(env.stats.entries.items()):
        table[name] = {
            "requests": entry.num_requests, "errors": entry.num_failures,
            "requests_per_s": round(entry.num_requests / seconds, 1),
            "p50_ms": entry.get_response_time_percentile(0.5),
            "p99_ms": entry.get_response_time_percentile(0.99),
            "max_ms": round(entry.max_response_time or 0),
        }  # fmt: skip
    total = env.stats.total
    table["all"] = {
        "requests": total.num_requests, "errors": total.num_failures,
        "requests_per_s": round(total.num_requests / seconds, 1),
        "p50_ms": total.get_response_time_percentile(0.5),
        "p99_ms": total.get_response_time_percentile(0.99), "max_ms": round(total.max_response_time or 0),
    }  # fmt: skip
    errors = [{"kind": e.name, "error": str(e.error), "count": e.occurrences}
              for e in env.stats.errors.values()]  # fmt: skip
    if errors:
        table["all"]["error_samples"] = errors[:10]
    cores = {"server": round(server_cpu, 2), "query workers": round(workers_cpu, 2)}
    return {"kinds": table, "cores": cores}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def build(folder: Path, synthetic: int | None) -> Path:
    """Build the graph into ``folder``; the data folder it was built from."""
    data = ROOT / "data"
    if synthetic:
        data = folder / "data"
        subprocess.run([sys.executable, str(HERE / "synthetic.py"), "--data-dir", str(data),
                        "--triples", str(synthetic)], check=True, stdout=subprocess.DEVNULL)  # fmt: skip
    subprocess.run([*secongraph_command(), "build", "--data", str(data), "--out", str(folder / "out")],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    return data


def start_server(data: Path, store: Path, timeout: float) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    process = subprocess.Popen(
        [*secongraph_command(), "serve", "--data", str(data), "--store", str(store),
         "--port", str(port), "--timeout", str(timeout)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    for _ in range(1200):
        if process.poll() is not None:
            sys.exit(f"serve_load: secongraph serve exited with {process.returncode}")
        try:
            get(f"{url}/", timeout=1)
            return process, url
        except OSError:
            time.sleep(0.05)
    sys.exit(f"serve_load: secongraph serve did not answer at {url}")


def markdown(results: dict) -> str:
    """The results as a Markdown table: one row per kind of request and phase."""
    lines = ["| phase | request | requests | req/s | errors | p50 (ms) | p99 (ms) | max (ms) |",
             "|---|---|---:|---:|---:|---:|---:|---:|"]  # fmt: skip
    for phase_name in ("load", "load + hostile"):
        for kind, row in results["phases"][phase_name]["kinds"].items():
            lines.append(f"| {phase_name} | {kind} | {row['requests']:,} | {row['requests_per_s']} | "
                         f"{row['errors']} | {row['p50_ms']:,.0f} | {row['p99_ms']:,.0f} | {row['max_ms']:,} |")  # fmt: skip
    memory = results["memory"]
    lines.append("")
    for phase_name, measured in results["phases"].items():
        cores = measured["cores"]
        lines.append(f"CPU during {phase_name}: server {cores['server']} cores, query workers "
                     f"{cores['query workers']} cores (averages).")  # fmt: skip
    lines.append(f"Peak memory: server process {memory['server_rss_mb']:.0f} MB RSS; process tree "
                 f"{memory['tree_rss_mb']:.0f} MB RSS, {memory['tree_pss_mb']:.0f} MB PSS "
                 f"({memory['samples']} samples; at most {memory['workers']} query workers at once).")  # fmt: skip
    by_query: dict[str, list[dict]] = {}
    for sent in results["hostile"]:
        by_query.setdefault(str(sent["query"]), []).append(sent)
    for name, sent in by_query.items():
        statuses = sorted({int(s["status"]) for s in sent})  # type: ignore[call-overload]
        seconds = [float(s["seconds"]) for s in sent]  # type: ignore[arg-type]
        lines.append(f"Hostile {name}: {len(sent)} sent, statuses {statuses}, "
                     f"{min(seconds):.1f}–{max(seconds):.1f} s each.")  # fmt: skip
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--hostile-seconds", type=float, default=30)
    parser.add_argument("--hostile-clients", type=int, default=1,
                        help="clients sending hostile queries, each one after the other")  # fmt: skip
    parser.add_argument("--timeout", type=float, default=5, help="serve --timeout (the deadline)")
    parser.add_argument("--think", type=float, default=1.0,
                        help="mean seconds a client waits between requests (0: none)")  # fmt: skip
    parser.add_argument("--label", default="", help="appended to the results' file name")
    parser.add_argument("--synthetic", type=int, metavar="TRIPLES",
                        help="serve a SYNTHETIC graph of this size instead of SECON")  # fmt: skip
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="secongraph-serve-load-"))
    print(f"building {'SYNTHETIC ' + format(args.synthetic, ',') if args.synthetic else 'SECON'} "
          f"graph in {folder} …", flush=True)  # fmt: skip
    data = build(folder, args.synthetic)
    server, url = start_server(data, folder / "out" / "store", args.timeout)
    try:
        chosen = targets(url)
        triples = int(
            sparql_values(url, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")[0]
        )
        print(f"serving {triples:,} quads at {url}: {len(chosen.entities)} entity pages, "
              f"{len(chosen.questions)} questions, {len(chosen.names)} names", flush=True)  # fmt: skip
        memory = Memory(server.pid)
        env = Environment(user_classes=[make_user(chosen, args.think)], host=url)
        runner = env.create_local_runner()
        runner.start(args.users, spawn_rate=args.users)
        gevent.sleep(2)  # every client started
        print(f"load: {args.users} clients for {args.seconds:g} s …", flush=True)
        load = phase(env, args.seconds, memory)
        hostile = Hostile(url)
        print(f"load + {args.hostile_clients} hostile: {args.hostile_seconds:g} s …", flush=True)
        attackers = [gevent.spawn(hostile.run) for _ in range(args.hostile_clients)]
        attacked = phase(env, args.hostile_seconds, memory)
        gevent.killall(attackers)
        runner.quit()
    finally:
        server.terminate()
        server.wait(timeout=30)
    results = {
        "date": date.today().isoformat(),
        "machine": f"{platform.machine()}, {psutil.cpu_count()} cores, "
                   f"{psutil.virtual_memory().total / 2**30:.0f} GB, {platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "versions": {name: version(name) for name in ("secongraph", "pyoxigraph", "starlette", "uvicorn", "locust")},
        "graph": "SYNTHETIC" if args.synthetic else "SECON", "quads": triples,
        "users": args.users, "hostile_clients": args.hostile_clients, "think_s": args.think, "timeout_s": args.timeout,
        "phases": {"load": load, "load + hostile": attacked},
        "hostile": hostile.sent,
        "memory": {"server_rss_mb": round(memory.server_rss_mb), "tree_rss_mb": round(memory.rss_mb),
                   "tree_pss_mb": round(memory.pss_mb), "samples": memory.samples,
                   "workers": memory.workers},
    }  # fmt: skip
    RESULTS.mkdir(exist_ok=True)
    name = "serve-load" + (f"-synthetic-{args.synthetic}" if args.synthetic else "") + args.label
    out = RESULTS / f"{name}-{results['date']}.json"
    out.write_text(json.dumps(results, indent=1) + "\n")
    print(f"\nwrote {out.relative_to(ROOT)}\n\n{markdown(results)}")


if __name__ == "__main__":
    main()
