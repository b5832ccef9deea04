"""Limits that hold whatever the other side does: deadlines, size caps, no redirects.

Endpoints that misbehave are small real HTTP servers on 127.0.0.1, started here; embedded
queries run on the real engines. Deadlines are asserted with generous bounds: ``--timeout 2``
must end well under 15 s (before these limits, the same cases hung or took 99 s).
"""

from __future__ import annotations

import contextlib
import http.server
import json
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from rdflib import URIRef

from secongraph.cli import cli
from secongraph.endpoint import Endpoint, push
from secongraph.errors import ParameterError, QueryError, StoreError
from secongraph.queries import parse_query, run_query
from secongraph.store import ENGINES, Engine, Store, build_store

GENEROUS = 15.0
"""Seconds a ``--timeout 2`` run may take at most, however loaded the machine is."""

ANSWER = json.dumps(
    {"head": {"vars": ["s"]}, "results": {"bindings": [{"s": {"type": "uri", "value": "urn:a"}}]}}
).encode()

Handler = Callable[[http.server.BaseHTTPRequestHandler], None]


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    handler: Handler
    hits: list[str]
    stop: threading.Event

    def handle_error(self, request: object, client_address: object) -> None:
        """A client that hangs up early is what these tests provoke: say nothing (the default
        prints a traceback to stderr, which the command's captured stderr would then hold)."""


class _Dispatch(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def _handle(self) -> None:
        server = self.server
        assert isinstance(server, _Server)
        server.hits.append(f"{self.command} {self.path}")
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            server.handler(self)  # or the client gave up, as it should

    do_GET = do_POST = do_PUT = _handle

    def log_message(self, format: str, *args: object) -> None:
        """Quiet."""


@pytest.fixture
def serve() -> Iterator[Callable[[Handler], str]]:
    """Start real HTTP servers on 127.0.0.1 that answer with ``handler``; yields a starter."""
    servers: list[_Server] = []

    def start(handler: Handler) -> str:
        server = _Server(("127.0.0.1", 0), _Dispatch)
        server.handler = handler
        server.hits = []
        server.stop = threading.Event()
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}"

    yield start
    for server in servers:
        server.stop.set()
        server.shutdown()
        server.server_close()


def _stop_event(handler: http.server.BaseHTTPRequestHandler) -> threading.Event:
    server = handler.server
    assert isinstance(server, _Server)
    return server.stop


def slow_body(handler: http.server.BaseHTTPRequestHandler) -> None:
    """Headers at once, then one byte of the body every half second, for ever."""
    handler.send_response(200)
    handler.send_header("Content-Type", "application/sparql-results+json")
    handler.send_header("Content-Length", "100000")
    handler.end_headers()
    while not _stop_event(handler).wait(0.5):
        handler.wfile.write(b" ")
        handler.wfile.flush()


def slow_headers(handler: http.server.BaseHTTPRequestHandler) -> None:
    """One header line every half second, for ever (each read gets something in time)."""
    handler.wfile.write(b"HTTP/1.1 200 OK\r\n")
    count = 0
    while not _stop_event(handler).wait(0.5):
        handler.wfile.write(f"X-Slow-{count}: y\r\n".encode())
        handler.wfile.flush()
        count += 1


def huge(handler: http.server.BaseHTTPRequestHandler) -> None:
    """A JSON answer of no stated length that never ends, sent as fast as it is read."""
    handler.send_response(200)
    handler.send_header("Content-Type", "application/sparql-results+json")
    handler.send_header("Connection", "close")
    handler.end_headers()
    handler.wfile.write(b'{"head": {"vars": ["s"]}, "results": {"bindings": [')
    row = b'{"s": {"type": "literal", "value": "' + b"x" * 4000 + b'"}},'
    while not _stop_event(handler).is_set():
        handler.wfile.write(row * 64)


def html(handler: http.server.BaseHTTPRequestHandler) -> None:
    body = b"<html><body>not SPARQL</body></html>"
    handler.send_response(200)
    handler.send_header("Content-Type", "text/html")
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


def json_answer(document: object) -> Handler:
    body = json.dumps(document).encode()

    def answer(handler: http.server.BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "application/sparql-results+json")
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    return answer


def redirect_to(target: str) -> Handler:
    def answer(handler: http.server.BaseHTTPRequestHandler) -> None:
        handler.send_response(307)
        handler.send_header("Location", target)
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    return answer


def invoke(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def one_error_line(result: Result) -> str:
    """The one line a failed command printed (besides the loading progress and the note of the
    metrics added), never a traceback."""
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    lines = [line for line in result.stderr.splitlines()
             if not line.startswith(("Load", "Added the metrics"))]  # fmt: skip
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: ")
    return lines[0]


# --- endpoints: a deadline for the whole request (defect 2) ----------------------------------


@pytest.mark.parametrize("handler", [slow_body, slow_headers], ids=["slow-body", "slow-headers"])
def test_query_run_timeout_is_a_deadline_for_the_whole_request(
    serve: Callable[[Handler], str], handler: Handler
) -> None:
    url = f"{serve(handler)}/query"
    started = time.monotonic()
    result = invoke("query", "run", "timeline", "--endpoint", url, "--timeout", "2")
    assert time.monotonic() - started < GENEROUS
    assert result.exit_code == 3
    assert one_error_line(result) == f"Error: {url}: no complete answer within 2 s"


def test_a_push_has_the_same_deadline(serve: Callable[[Handler], str], secon_store: Store) -> None:
    url = f"{serve(slow_body)}/store"
    started = time.monotonic()
    with pytest.raises(StoreError, match=r"no complete answer within 2 s for graph <https://"):
        push(secon_store, url, timeout=2)
    assert time.monotonic() - started < GENEROUS


# --- endpoints: a size cap (defect 2) ---------------------------------------------------------


def test_an_answer_larger_than_the_cap_is_an_error_read_no_further(
    serve: Callable[[Handler], str],
) -> None:
    url = f"{serve(huge)}/query"
    result = invoke("query", "run", "timeline", "--endpoint", url, "--max-size", "1")
    assert result.exit_code == 3
    line = one_error_line(result)
    assert line.startswith(f"Error: {url}: the answer is larger than 1 MiB")
    assert "--max-size" in line


def test_an_announced_length_over_the_cap_is_refused_before_reading(
    serve: Callable[[Handler], str],
) -> None:
    url = f"{serve(json_answer({'head': {'vars': []}, 'results': {'bindings': []}}))}/query"
    endpoint = Endpoint(url, max_bytes=10)
    with pytest.raises(StoreError, match="larger than 10 bytes"):
        endpoint.select("SELECT ?s WHERE { ?s ?p ?o }")
    assert Endpoint(url, max_bytes=1000).select("SELECT * WHERE { ?s ?p ?o }").rows == []


def test_the_default_cap_is_documented_in_the_help() -> None:
    result = invoke("query", "run", "--help")
    assert "--max-size MIB" in result.stdout
    assert "[default: 100" in result.stdout


# --- endpoints: redirects are refused (defect 13) ----------------------------------------------


def test_a_redirect_to_another_port_is_refused_and_nothing_reaches_it(
    serve: Callable[[Handler], str],
) -> None:
    elsewhere = serve(json_answer(json.loads(ANSWER)))
    url = f"{serve(redirect_to(f'{elsewhere}/query'))}/query"
    result = invoke("query", "run", "timeline", "--endpoint", url)
    assert result.exit_code == 3
    line = one_error_line(result)
    assert line.startswith(f"Error: {url}: HTTP 307 redirects to {elsewhere}/query;")
    assert "does not follow redirects" in line


def test_a_push_is_not_redirected_either(
    serve: Callable[[Handler], str], secon_store: Store
) -> None:
    target = serve(json_answer({}))
    url = f"{serve(redirect_to(f'{target}/store'))}/store"
    with pytest.raises(StoreError, match=r"HTTP 307 redirects to .* for graph <"):
        push(secon_store, url, timeout=5)


def test_the_redirect_target_got_no_request(serve: Callable[[Handler], str]) -> None:
    received: list[str] = []

    def record(handler: http.server.BaseHTTPRequestHandler) -> None:
        received.append(handler.command)
        json_answer(json.loads(ANSWER))(handler)

    elsewhere = serve(record)
    url = f"{serve(redirect_to(f'{elsewhere}/query'))}/query"
    with pytest.raises(StoreError, match="redirects"):
        Endpoint(url, timeout=5).select("SELECT ?s WHERE { ?s ?p ?o }")
    assert received == []  # neither the POST nor a GET made of it


# --- endpoints: answers that are not SPARQL results (defects 4 and 11) --------------------------


def test_an_answer_that_is_not_json_is_one_line(serve: Callable[[Handler], str]) -> None:
    url = f"{serve(html)}/query"
    result = invoke("query", "run", "timeline", "--endpoint", url)
    assert result.exit_code == 3
    assert (
        one_error_line(result) == f"Error: {url}: the answer is text/html, not SPARQL JSON results"
    )


def test_a_language_tag_with_a_newline_is_escaped_in_one_line(
    serve: Callable[[Handler], str],
) -> None:
    document = {
        "head": {"vars": ["s"]},
        "results": {"bindings": [{"s": {"type": "literal", "value": "x", "xml:lang": "en\nEvil"}}]},
    }
    url = f"{serve(json_answer(document))}/query"
    result = invoke("query", "run", "timeline", "--endpoint", url)
    assert result.exit_code == 3
    line = one_error_line(result)
    assert "en\\nEvil" in line


# --- embedded queries: a deadline on both engines (defect 3) ------------------------------------

CARTESIAN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


@pytest.mark.parametrize("engine", ENGINES)
def test_an_embedded_query_is_stopped_at_its_deadline(
    tmp_path: Path, data_dir: Path, engine: Engine
) -> None:
    query = tmp_path / "cartesian.rq"
    query.write_text(CARTESIAN, encoding="utf-8")
    started = time.monotonic()
    result = invoke(
        "query", "run", "--file", str(query), "--engine", engine, "--timeout", "2",
        "--data", str(data_dir),
    )  # fmt: skip
    assert time.monotonic() - started < GENEROUS + 10  # loading the rdflib engine takes a while
    assert result.exit_code == 3
    assert one_error_line(result).startswith(
        "Error: cartesian: no answer within 2 s; the query was stopped"
    )


@pytest.mark.parametrize("engine", ENGINES)
def test_the_library_stops_a_query_and_gives_the_same_rows_otherwise(
    secon_store: Store, secon_rdflib_store: Store, engine: Engine
) -> None:
    store = secon_store if engine == "oxigraph" else secon_rdflib_store
    started = time.monotonic()
    with pytest.raises(QueryError, match="no answer within 1 s"):
        store.select(CARTESIAN, timeout=1)
    assert time.monotonic() - started < GENEROUS
    text = "SELECT ?s ?label WHERE { ?s rdfs:label ?label } ORDER BY ?s ?label"
    assert store.select(text, timeout=30).rows == store.select(text).rows


def test_errors_come_back_from_the_worker_as_they_were_raised(secon_store: Store) -> None:
    with pytest.raises(ParameterError, match="not a valid RDF term"):
        secon_store.select(
            "SELECT ?s WHERE { ?s ?p ?_o }",
            bindings={"_o": URIRef("https://example.org/a b")},
            timeout=10,
        )
    named = parse_query("SELECT ?x WHERE { BIND(<http://example.org/f>(1) AS ?x) }", name="f")
    with pytest.raises(QueryError, match="custom function"):
        run_query(secon_store, named, timeout=10)


@pytest.mark.parametrize("engine", ENGINES)
def test_an_unknown_custom_function_is_one_line(
    tmp_path: Path, data_dir: Path, engine: Engine
) -> None:
    query = tmp_path / "custom.rq"
    query.write_text("SELECT ?x WHERE { BIND(<http://example.org/f>(1) AS ?x) }", encoding="utf-8")
    result = invoke(
        "query", "run", "--file", str(query), "--engine", engine, "--data", str(data_dir)
    )
    # SPARQL leaves ?x unbound where a function fails: rdflib does so, Oxigraph refuses the query
    assert result.exit_code in (0, 3)
    if result.exit_code == 3:
        assert "custom function <http://example.org/f>" in one_error_line(result)


@pytest.mark.parametrize("engine", ENGINES)
def test_a_service_answer_of_the_wrong_type_is_one_line(
    serve: Callable[[Handler], str], tmp_path: Path, engine: Engine
) -> None:
    (tmp_path / "data").mkdir()
    query = tmp_path / "service.rq"
    query.write_text(
        f"SELECT * WHERE {{ SERVICE <{serve(html)}/sparql> {{ ?s ?p ?o }} }}", encoding="utf-8"
    )
    result = invoke(
        "query", "run", "--file", str(query), "--engine", engine, "--allow-remote",
        "--data", str(tmp_path / "data"),
    )  # fmt: skip
    assert result.exit_code == 3
    assert one_error_line(result).startswith("Error: service: ")


def test_small_queries_stay_fast_with_a_deadline(data_dir: Path) -> None:
    store = build_store(data_dir)
    text = "SELECT ?s WHERE { ?s a sg:Organisation } LIMIT 5"
    started = time.monotonic()
    for _ in range(20):
        store.select(text, timeout=30)
    assert (time.monotonic() - started) / 20 < 1.0  # a fork, not a reload: milliseconds here


def test_a_query_the_parser_chokes_on_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    query = tmp_path / "choke.rq"
    query.write_text("SELECT*WHERE{-.0", encoding="utf-8")  # rdflib's parser raised TypeError
    result = invoke("query", "run", "--file", str(query), "--data", str(tmp_path / "data"))
    assert result.exit_code == 3
    assert one_error_line(result).startswith(f"Error: {query}: SPARQL syntax error")
