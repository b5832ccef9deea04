"""A real ``oxigraph serve``: push the SECON graph, then every question gives the same rows.

Misbehaving endpoints (an HTTP error, a body cut short, no answer) are small real HTTP servers
on 127.0.0.1, started here.
"""

from __future__ import annotations

import http.server
import json
import socket
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from secongraph.cli import cli
from secongraph.endpoint import Endpoint, push
from secongraph.errors import QueryError, StoreError
from secongraph.queries import load_queries, parse_query, run_query
from secongraph.store import Store

pytestmark = pytest.mark.server

QUERIES = sorted(load_queries())


@pytest.fixture(scope="module")
def pushed(oxigraph_server: str, secon_store: Store) -> Endpoint:
    """The SECON graph pushed to the server; its query endpoint."""
    push(secon_store, f"{oxigraph_server}/store", timeout=30)
    return Endpoint(f"{oxigraph_server}/query", timeout=30)


@pytest.mark.parametrize("name", QUERIES)
def test_every_question_gives_the_same_rows_embedded_and_remote(
    pushed: Endpoint, secon_store: Store, name: str
) -> None:
    embedded = run_query(secon_store, name, lang=["de", "en"])
    remote = run_query(pushed, name, lang=["de", "en"])
    assert remote.variables == embedded.variables
    assert remote.rows == embedded.rows


def test_push_puts_one_named_graph_per_source_each_whole(
    oxigraph_server: str, pushed: Endpoint, secon_store: Store
) -> None:
    pushed_again = push(secon_store, f"{oxigraph_server}/store")  # a second push replaces
    counts = pushed.select("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
    on_server = {str(r["g"]): int(r["n"]) for r in counts.rows}
    assert on_server == dict(pushed_again)
    assert sorted(on_server) == sorted(f.graph for f in secon_store.files)


def test_an_injection_is_only_a_literal_remotely(pushed: Endpoint) -> None:
    by_label = parse_query("SELECT DISTINCT ?s WHERE { ?s rdfs:label ?_label }", name="by-label")
    assert [str(r["s"]) for r in run_query(pushed, by_label, {"label": "Haskovo"}).rows] == [
        "https://w3id.org/secongraph/id/region/bg422"
    ]
    assert run_query(pushed, by_label, {"label": 'x" } UNION { ?s ?p ?o } #'}).rows == []


def test_the_cli_pushes_and_queries_an_endpoint(
    oxigraph_server: str, pushed: Endpoint, data_dir: Path
) -> None:
    runner = CliRunner()
    result = runner.invoke(
        cli, ["push", "--endpoint", f"{oxigraph_server}/store", "--data", str(data_dir)]
    )
    assert result.exit_code == 0, result.output
    assert f"to {oxigraph_server}/store." in result.stderr
    remote = runner.invoke(
        cli, ["query", "run", "timeline", "--endpoint", pushed.url, "--format", "csv"]
    )
    embedded = runner.invoke(
        cli, ["query", "run", "timeline", "--data", str(data_dir), "--format", "csv"]
    )
    assert remote.exit_code == 0
    assert remote.stdout == embedded.stdout


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_an_unreachable_endpoint_exits_3_naming_it() -> None:
    url = f"http://127.0.0.1:{_free_port()}/query"
    result = CliRunner().invoke(cli, ["query", "run", "timeline", "--endpoint", url])
    assert result.exit_code == 3
    [line] = result.stderr.splitlines()
    assert line.startswith(f"Error: {url}: unreachable")


def test_an_http_error_names_the_status(oxigraph_server: str) -> None:
    with pytest.raises(StoreError, match=r"/nowhere: HTTP 404"):
        run_query(Endpoint(f"{oxigraph_server}/nowhere"), "timeline")


def test_a_failed_push_names_the_graph_and_the_status(
    oxigraph_server: str, secon_store: Store
) -> None:
    with pytest.raises(StoreError, match=r"HTTP 4\d\d .* for graph <https://w3id.org/secongraph/"):
        push(secon_store, f"{oxigraph_server}/nowhere")


class _Misbehaving(http.server.BaseHTTPRequestHandler):
    """Answers every query with 200 and the body the server was given (or not at all)."""

    def do_POST(self) -> None:
        received = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.server.requests.append(received)  # type: ignore[attr-defined]
        body, length = self.server.answer  # type: ignore[attr-defined]
        if body is None:
            self.server.release.wait()  # type: ignore[attr-defined]
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.send_header("Content-Length", str(length))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet."""


@pytest.fixture
def misbehaving() -> Iterator[http.server.ThreadingHTTPServer]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Misbehaving)
    server.release = threading.Event()  # type: ignore[attr-defined]
    server.requests = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.release.set()  # type: ignore[attr-defined]
    server.shutdown()
    server.server_close()


FULL = json.dumps(
    {"head": {"vars": ["s"]}, "results": {"bindings": [{"s": {"type": "uri", "value": "urn:a"}}]}}
).encode()


@pytest.mark.parametrize(
    ("body", "length"),
    [
        (FULL[:40], 40),  # a cut body, with its own (honest) length: not JSON
        (FULL[:40], len(FULL)),  # a body shorter than it announced
    ],
)
def test_a_truncated_result_is_an_error_not_a_short_answer(
    misbehaving: http.server.ThreadingHTTPServer, body: bytes, length: int
) -> None:
    misbehaving.answer = (body, length)  # type: ignore[attr-defined]
    url = f"http://127.0.0.1:{misbehaving.server_address[1]}/query"
    with pytest.raises(StoreError, match="cut short"):
        Endpoint(url, timeout=5).select("SELECT ?s WHERE { ?s ?p ?o }")


def test_a_complete_result_from_the_same_server_is_read(
    misbehaving: http.server.ThreadingHTTPServer,
) -> None:
    misbehaving.answer = (FULL, len(FULL))  # type: ignore[attr-defined]
    url = f"http://127.0.0.1:{misbehaving.server_address[1]}/query"
    assert [str(r["s"]) for r in Endpoint(url, timeout=5).select("SELECT ?s {}").rows] == ["urn:a"]


def test_an_endpoint_that_does_not_answer_times_out(
    misbehaving: http.server.ThreadingHTTPServer,
) -> None:
    misbehaving.answer = (None, 0)  # type: ignore[attr-defined]
    url = f"http://127.0.0.1:{misbehaving.server_address[1]}/query"
    with pytest.raises(StoreError, match="no complete answer within 1 s"):
        Endpoint(url, timeout=1).select("SELECT ?s WHERE { ?s ?p ?o }")


def test_updates_are_never_sent(misbehaving: http.server.ThreadingHTTPServer) -> None:
    misbehaving.answer = (FULL, len(FULL))  # type: ignore[attr-defined]
    url = f"http://127.0.0.1:{misbehaving.server_address[1]}/query"
    for update in (
        "DROP ALL",
        "DELETE WHERE { ?s ?p ?o }",
        "# note\nDELETE DATA { <a:b> <a:c> 1 }",
    ):
        with pytest.raises(QueryError, match="SPARQL Update is refused"):
            Endpoint(url).select(update)
    assert misbehaving.requests == []  # type: ignore[attr-defined]


def test_an_endpoint_must_be_http() -> None:
    with pytest.raises(StoreError, match="http:// or https://"):
        Endpoint("file:///etc/passwd")


@pytest.mark.server
def test_an_endpoint_whose_default_graph_is_not_the_union_is_refused_before_any_answer(
    tmp_path: Path, secon_store: Store
) -> None:
    """oxigraph without --union-default-graph (and Fuseki's default) query an empty default
    graph: every question would answer nothing, so the endpoint is refused in one line."""
    from conftest import _free_port, running

    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    binary = str(Path(sys.executable).parent / "oxigraph")
    with running([binary, "serve", "--bind", f"127.0.0.1:{port}"],
                 f"{url}/query?query=ASK%7B%7D", "oxigraph serve"):  # fmt: skip
        push(secon_store, f"{url}/store", timeout=30)
        with pytest.raises(StoreError, match="default graph is not the union") as error:
            run_query(Endpoint(f"{url}/query"), "lead-partner")
        assert "--union-default-graph" in str(error.value)
