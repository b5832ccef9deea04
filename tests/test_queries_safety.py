"""Untrusted queries and parameter values cannot change the question, write, or reach out."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import Literal, URIRef

from secongraph.errors import ParameterError, QueryError
from secongraph.queries import parse_query, run_query
from secongraph.sandbox import SandboxViolation, bind_values, check_query, no_io, sparql_term
from secongraph.store import ENGINES, Engine, Store, build_store

INJECTION = 'x" } UNION { ?s ?p ?o } #'


@pytest.fixture(scope="module")
def tricky_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three labelled things; one label is exactly the injection attempt."""
    folder = tmp_path_factory.mktemp("tricky")
    (folder / "tricky.ttl").write_text(
        """@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<https://example.org/a> rdfs:label "x\\" } UNION { ?s ?p ?o } #" .
<https://example.org/b> rdfs:label "x" .
<https://example.org/c> rdfs:label "line one\\nline \\\\two\\\\" .
""",
        encoding="utf-8",
    )
    return folder


@pytest.fixture(scope="module", params=ENGINES)
def tricky_store(request: pytest.FixtureRequest, tricky_data: Path) -> Store:
    engine: Engine = request.param
    return build_store(tricky_data, engine=engine)


BY_LABEL = parse_query(
    "SELECT DISTINCT ?s WHERE { ?s rdfs:label ?_label } ORDER BY ?s", name="by-label"
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (INJECTION, ["https://example.org/a"]),
        ("x", ["https://example.org/b"]),
        ("line one\nline \\two\\", ["https://example.org/c"]),
        ('x" . ?s ?p ?o . FILTER("1', []),
    ],
)
def test_a_parameter_value_is_only_a_literal(
    tricky_store: Store, value: str, expected: list[str]
) -> None:
    result = run_query(tricky_store, BY_LABEL, {"label": value})
    assert [str(row["s"]) for row in result.rows] == expected


def test_an_injection_into_a_library_query_matches_nothing(secon_store: Store) -> None:
    assert run_query(secon_store, "stakeholders-of-region", {"nuts": INJECTION}).rows == []


@pytest.mark.parametrize(
    "term",
    [
        Literal(INJECTION),
        Literal('quote " backslash \\ newline \n tab \t return \r', lang="de-AT"),
        Literal("Община Хасково", lang="bg"),
        Literal("2023-11-13", datatype=URIRef("http://www.w3.org/2001/XMLSchema#date")),
        URIRef("https://w3id.org/secongraph/id/organisation/kmop"),
    ],
)
def test_terms_round_trip_exactly(term: Literal | URIRef) -> None:
    written = sparql_term(term)
    store = Store()
    result = store.select(f"SELECT ?v WHERE {{ VALUES ?v {{ {written} }} }}")
    assert result.rows[0]["v"] == term


@pytest.mark.parametrize(
    "term",
    [
        URIRef("https://example.org/a> ?s ?p ?o . <b"),
        URIRef("no scheme"),
        Literal("x", datatype=URIRef("not a datatype> . <x")),
    ],
)
def test_terms_that_cannot_be_written_safely_are_refused(term: Literal | URIRef) -> None:
    with pytest.raises(ParameterError):
        sparql_term(term)


def test_values_go_into_the_where_clause_not_into_a_string() -> None:
    text = 'SELECT (CONCAT("{", ?l) AS ?x) WHERE { ?s rdfs:label ?_l }'
    bound = bind_values(text, {"_l": Literal("}")})
    assert bound == 'SELECT (CONCAT("{", ?l) AS ?x) WHERE { BIND("}" AS ?_l) ?s rdfs:label ?_l }'


@pytest.mark.parametrize(
    "update",
    [
        "DELETE WHERE { ?s ?p ?o }",
        "DROP ALL",
        "INSERT DATA { <https://example.org/a> <https://example.org/b> 1 }",
        "LOAD <http://127.0.0.1:9/data.ttl>",
        "CLEAR DEFAULT",
    ],
)
@pytest.mark.parametrize("engine", ENGINES)
def test_updates_are_refused(update: str, engine: Engine) -> None:
    store = Store(engine=engine)
    with pytest.raises(QueryError, match="SPARQL Update is refused"):
        store.select(update)


def test_only_select_queries_run() -> None:
    with pytest.raises(QueryError, match="only SELECT queries can be run, not CONSTRUCT"):
        check_query("CONSTRUCT WHERE { ?s ?p ?o }")


@pytest.fixture
def listener() -> Iterator[tuple[str, list[bytes]]]:
    """A real TCP listener on 127.0.0.1 that records every connection it gets."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    server.settimeout(0.2)
    received: list[bytes] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                connection, _ = server.accept()
            except TimeoutError:
                continue
            received.append(connection.recv(1024))
            connection.close()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.getsockname()[1]}/sparql", received
    stop.set()
    thread.join()
    server.close()


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(
    "template",
    [
        "SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
        "SELECT * FROM <{url}> WHERE {{ ?s ?p ?o }}",
        "SELECT * FROM NAMED <{url}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
        "select * where {{ service <{url}> {{ ?s ?p ?o }} }}",
    ],
)
def test_remote_access_is_refused_and_nothing_connects(
    listener: tuple[str, list[bytes]], engine: Engine, template: str
) -> None:
    url, received = listener
    text = template.format(url=url)
    with pytest.raises(QueryError, match="is refused") as error:
        Store(engine=engine).select(text)
    assert "--allow-remote" in str(error.value)
    assert received == []


def test_unicode_escapes_outside_strings_are_refused() -> None:
    with pytest.raises(QueryError, match="escapes"):
        check_query("SELECT * WHERE { \\u0053ERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }")


def test_keywords_inside_strings_and_names_are_not_refused(secon_store: Store) -> None:
    text = 'SELECT ?from WHERE { BIND("FROM SERVICE LOAD" AS ?from) }'
    assert secon_store.select(text).rows == [{"from": Literal("FROM SERVICE LOAD")}]


def test_allow_remote_lets_from_name_a_graph_of_the_store(secon_store: Store) -> None:
    text = (
        "SELECT (COUNT(*) AS ?n) FROM <https://w3id.org/secongraph/graph/kmop-project-page> "
        "WHERE { ?s ?p ?o }"
    )
    result = secon_store.select(text, allow_remote=True)
    assert int(result.rows[0]["n"]) > 0


def test_the_audit_hook_refuses_sockets_and_files_during_evaluation(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("x", encoding="utf-8")
    with no_io():
        with pytest.raises(SandboxViolation, match="opening"):
            secret.open()
        with pytest.raises(SandboxViolation, match="socket"):
            socket.create_connection(("127.0.0.1", 9), timeout=1)
    assert secret.read_text(encoding="utf-8") == "x"  # outside the block all is as before


@pytest.mark.parametrize("engine", ENGINES)
def test_both_engines_refuse_a_binding_that_is_not_a_valid_term(engine: Engine) -> None:
    with pytest.raises(ParameterError, match="not a valid RDF term"):
        Store(engine=engine).select(
            "SELECT ?s WHERE { ?s ?p ?_o }", bindings={"_o": URIRef("https://example.org/a b")}
        )


def test_select_star_gives_the_same_columns_on_both_engines(tricky_data: Path) -> None:
    text = "SELECT * WHERE { ?s rdfs:label ?label . BIND(STRLEN(?label) AS ?length) }"
    results = [build_store(tricky_data, engine=engine).select(text) for engine in ENGINES]
    assert [r.variables for r in results] == [["s", "label", "length"]] * len(ENGINES)
    first, second = (sorted(map(repr, r.rows)) for r in results)  # no ORDER BY: any order
    assert first == second


def test_values_come_back_from_the_deadline_worker_as_the_engine_gave_them(
    secon_store: Store,
) -> None:
    text = """SELECT ?x WHERE { VALUES ?x { "0"^^xsd:double "01"^^xsd:integer "1.50"^^xsd:decimal
              "a"@en "b" <https://w3id.org/secongraph/id/x> } }"""
    here = secon_store.select(text).rows
    assert secon_store.select(text, timeout=10).rows == here
    assert str(here[0]["x"]) == "0"  # rdflib would make it "0.0"


def test_a_worker_forked_while_another_thread_holds_the_parser_does_not_wait_for_it() -> None:
    """serve forks query workers from many threads: a lock held at the fork must not follow."""
    from secongraph import sandbox

    held, release = threading.Event(), threading.Event()

    def hold() -> None:
        with sandbox._PARSING:
            held.set()
            release.wait(30)

    holder = threading.Thread(target=hold)
    holder.start()
    held.wait()
    try:
        form = sandbox.with_deadline(
            lambda: sandbox.query_form(sandbox.check_query("ASK {}", forms=("ASK",))), timeout=10
        )
    finally:
        release.set()
        holder.join()
    assert form == "ASK"
