"""``/sparql``: the SPARQL 1.1 Protocol against a real ``secongraph serve``, read by the clients
analysts use (``query run --endpoint``, SPARQLWrapper, rdflib's SPARQLStore), refusing writes and
remote reads, stopping hostile queries at their deadline and refusing answers over the cap.

Expected answers come from the data files parsed by rdflib (``secon_graph``) or from the
embedded store, never from the server under test.
"""

from __future__ import annotations

import csv
import io
import json
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import rdflib
import uvicorn
from click.testing import CliRunner
from rdflib import RDF, URIRef

from secongraph._sg import SG
from secongraph.cli import cli
from secongraph.endpoint import Endpoint
from secongraph.queries import load_queries, run_query
from secongraph.store import Store
from secongraph.web.app import create_app
from secongraph.web.site import Site

pytestmark = pytest.mark.server

QUERIES = sorted(load_queries())
REGIONS = "SELECT ?region WHERE { ?region a sg:NutsRegion }"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
CARTESIAN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
REGEX = (
    "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f "
    'FILTER(REGEX(CONCAT(STR(?c), STR(?f)), "^(a|aa|a?)+(b|c)*$")) }'
)
WRITES = [
    "INSERT DATA { <urn:x:s> <urn:x:p> <urn:x:o> }",
    "LOAD <http://127.0.0.1:9/data.ttl>",
    "DROP ALL",
    "DELETE WHERE { ?s ?p ?o }",
]
REMOTE = [
    "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
    "SELECT * FROM <http://127.0.0.1:9/graph> WHERE { ?s ?p ?o }",
    "SELECT * FROM NAMED <urn:x:g> WHERE { GRAPH ?g { ?s ?p ?o } }",
]


@pytest.fixture(scope="module")
def regions(secon_graph: rdflib.Graph) -> set[str]:
    """Every NUTS region of the data files, as rdflib reads them."""
    return {str(s) for s in secon_graph.subjects(RDF.type, SG.NutsRegion)}


def get(url: str, **headers: str) -> tuple[int, str, str]:
    """Status, Content-Type and body of a GET (errors included)."""
    return send(urllib.request.Request(url, headers=headers))


def send(request: urllib.request.Request) -> tuple[int, str, str]:
    try:
        with urllib.request.urlopen(request, timeout=60) as answer:
            return answer.status, answer.headers["Content-Type"], answer.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers["Content-Type"], error.read().decode()


def query_url(base: str, query: str, **parameters: str) -> str:
    return f"{base}/sparql?" + urllib.parse.urlencode({"query": query, **parameters})


FORM = "application/x-www-form-urlencoded"


def post(base: str, body: str, content_type: str) -> tuple[int, str, str]:
    request = urllib.request.Request(
        f"{base}/sparql", data=body.encode(), headers={"Content-Type": content_type}
    )
    return send(request)


def rows(body: str) -> list[dict[str, Any]]:
    return list(json.loads(body)["results"]["bindings"])


# --- the clients analysts use ---------------------------------------------------------------


@pytest.mark.parametrize("name", QUERIES)
def test_every_question_gives_the_same_rows_embedded_and_served(
    served: str, secon_store: Store, name: str
) -> None:
    embedded = run_query(secon_store, name, lang=["de", "en"])
    remote = run_query(Endpoint(f"{served}/sparql", timeout=60), name, lang=["de", "en"])
    assert remote.variables == embedded.variables
    assert remote.rows == embedded.rows


@pytest.mark.parametrize("name", ["timeline", "partners-by-country", "lead-partner"])
def test_query_run_endpoint_prints_what_the_embedded_store_prints(
    served: str, data_dir: Path, name: str
) -> None:
    runner = CliRunner()
    endpoint = f"{served}/sparql"
    remote = runner.invoke(cli, ["query", "run", name, "--endpoint", endpoint, "-f", "csv"])
    embedded = runner.invoke(cli, ["query", "run", name, "--data", str(data_dir), "-f", "csv"])
    assert remote.exit_code == 0, remote.output
    assert remote.stdout == embedded.stdout
    assert len(remote.stdout.splitlines()) > 1


@pytest.mark.parametrize("fmt", ["json", "xml", "csv"])
def test_sparqlwrapper_selects_in_each_format(served: str, regions: set[str], fmt: str) -> None:
    from SPARQLWrapper import SPARQLWrapper

    client = SPARQLWrapper(f"{served}/sparql")
    client.setQuery(REGIONS)
    client.setReturnFormat(fmt)
    answer = client.query().convert()
    if fmt == "json":
        found = {b["region"]["value"] for b in answer["results"]["bindings"]}
    elif fmt == "xml":
        found = {uri.firstChild.data for uri in answer.getElementsByTagName("uri")}
    else:
        found = {row["region"] for row in csv.DictReader(io.StringIO(answer.decode()))}
    assert found == regions


@pytest.mark.parametrize("fmt", ["json", "xml", "csv"])
def test_sparqlwrapper_asks_in_each_format(served: str, fmt: str) -> None:
    from SPARQLWrapper import SPARQLWrapper

    answers = []
    for query in ("ASK { ?r a sg:NutsRegion }", "ASK { ?r a <urn:x:no-such-class> }"):
        client = SPARQLWrapper(f"{served}/sparql")
        client.setQuery(query)
        client.setReturnFormat(fmt)
        answer = client.query().convert()
        if fmt == "json":
            answers.append(answer["boolean"])
        elif fmt == "xml":
            answers.append(answer.getElementsByTagName("boolean")[0].firstChild.data == "true")
        else:
            answers.append(answer.decode().strip() == "true")
    assert answers == [True, False]


def test_rdflib_sparqlstore_selects_asks_and_constructs(served: str, regions: set[str]) -> None:
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    graph = rdflib.Graph(store=SPARQLStore(f"{served}/sparql"))
    assert {str(row[0]) for row in graph.query(REGIONS)} == regions  # type: ignore[index]
    assert graph.query("ASK { ?r a sg:NutsRegion }").askAnswer is True
    built = graph.query("CONSTRUCT { ?r a sg:NutsRegion } WHERE { ?r a sg:NutsRegion }").graph
    assert built is not None
    assert {str(s) for s in built.subjects(RDF.type, URIRef(str(SG.NutsRegion)))} == regions


# --- formats ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("accept", "parameter", "content_type"),
    [
        ("", "", "application/sparql-results+json"),
        ("application/sparql-results+json", "", "application/sparql-results+json"),
        ("application/json", "", "application/sparql-results+json"),
        ("application/sparql-results+xml", "", "application/sparql-results+xml"),
        ("text/csv", "", "text/csv"),
        ("text/tab-separated-values", "", "text/tab-separated-values"),
        ("text/csv;q=0.5, application/sparql-results+xml", "", "application/sparql-results+xml"),
        ("text/html,application/xml;q=0.9,*/*;q=0.8", "", "application/sparql-results+xml"),
        ("text/csv", "tsv", "text/tab-separated-values"),
        ("", "xml", "application/sparql-results+xml"),
    ],
)
def test_the_result_format_follows_accept_or_format(
    served: str, regions: set[str], accept: str, parameter: str, content_type: str
) -> None:
    parameters = {"format": parameter} if parameter else {}
    headers = {"Accept": accept} if accept else {}
    status, kind, body = get(query_url(served, REGIONS, **parameters), **headers)
    assert status == 200
    assert kind.split(";")[0] == content_type
    assert all(region in body for region in regions)


@pytest.mark.parametrize(
    ("accept", "parameter", "rdf_format"),
    [
        ("", "", "turtle"),
        ("application/n-triples", "", "nt"),
        ("application/ld+json", "", "json-ld"),
        ("application/rdf+xml", "", "xml"),
        ("", "jsonld", "json-ld"),
        ("text/csv", "ttl", "turtle"),
    ],
)
@pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")
def test_a_construct_answers_in_each_rdf_format(
    served: str, regions: set[str], accept: str, parameter: str, rdf_format: str
) -> None:
    query = "CONSTRUCT { ?r a sg:NutsRegion } WHERE { ?r a sg:NutsRegion }"
    parameters = {"format": parameter} if parameter else {}
    headers = {"Accept": accept} if accept else {}
    status, _, body = get(query_url(served, query, **parameters), **headers)
    assert status == 200
    graph = rdflib.Graph().parse(data=body, format=rdf_format)
    assert {str(s) for s in graph.subjects(RDF.type, URIRef(str(SG.NutsRegion)))} == regions


def test_describe_gives_the_statements_of_an_entity(served: str, secon_graph: rdflib.Graph) -> None:
    region = min(str(s) for s in secon_graph.subjects(RDF.type, SG.NutsRegion))
    status, _, body = get(query_url(served, f"DESCRIBE <{region}>", format="nt"))
    assert status == 200
    described = rdflib.Graph().parse(data=body, format="nt")
    assert set(secon_graph.triples((URIRef(region), None, None))) <= set(described)


def test_a_format_not_offered_is_refused(served: str) -> None:
    status, _, body = get(query_url(served, REGIONS), Accept="image/png")
    assert status == 406
    status, _, body = get(query_url(served, REGIONS, format="ttl"))
    assert (status, body.count("\n")) == (400, 1)
    assert "format=ttl" in body


# --- the protocol's requests ---------------------------------------------------------------------


def test_post_as_a_form_and_as_a_query_body(served: str, regions: set[str]) -> None:
    form = urllib.parse.urlencode({"query": REGIONS})
    for body, kind in ((form, FORM), (REGIONS, "application/sparql-query")):
        status, _, answer = post(served, body, kind)
        assert status == 200, answer
        assert {b["region"]["value"] for b in rows(answer)} == regions


def test_a_malformed_query_is_a_400_with_the_parser_message(served: str) -> None:
    status, kind, body = get(query_url(served, "SELECT ?s WHERE { ?s ?p "))
    assert status == 400
    assert kind.startswith("text/plain")
    assert "SPARQL syntax error at line 1" in body
    assert body.count("\n") == 1


def test_without_a_query_a_browser_goes_to_the_editor(served: str) -> None:
    request = urllib.request.Request(f"{served}/sparql", headers={"Accept": "text/html"})
    with urllib.request.urlopen(request, timeout=30) as answer:  # follows the redirect
        assert answer.url == f"{served}/editor"
    status, _, body = get(f"{served}/sparql", Accept="application/sparql-results+json")
    assert status == 400
    assert "no query" in body


def test_cors_lets_other_sites_query(served: str) -> None:
    request = urllib.request.Request(f"{served}/sparql", method="OPTIONS", headers={
        "Origin": "https://example.org", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type",
    })  # fmt: skip
    with urllib.request.urlopen(request, timeout=30) as answer:
        assert answer.headers["Access-Control-Allow-Origin"] == "*"
        assert "POST" in answer.headers["Access-Control-Allow-Methods"]
    with urllib.request.urlopen(query_url(served, REGIONS), timeout=30) as answer:
        assert answer.headers["Access-Control-Allow-Origin"] == "*"


def test_a_body_of_another_type_is_refused(served: str) -> None:
    status, _, _ = post(served, REGIONS, "text/plain")
    assert status == 415


# --- nothing writes, nothing reaches out -------------------------------------------------------


def _count(base: str) -> int:
    status, _, body = get(query_url(base, COUNT))
    assert status == 200
    return int(rows(body)[0]["n"]["value"])


@pytest.mark.parametrize("update", WRITES)
def test_updates_are_refused_by_get_and_post_and_change_nothing(served: str, update: str) -> None:
    before = _count(served)
    answers = [
        get(query_url(served, update)),
        get(f"{served}/sparql?" + urllib.parse.urlencode({"update": update})),
        post(served, urllib.parse.urlencode({"query": update}), FORM),
        post(served, urllib.parse.urlencode({"update": update}), FORM),
        post(served, update, "application/sparql-query"),
        post(served, update, "application/sparql-update"),
    ]
    for status, kind, body in answers:
        assert status == 400, body
        assert kind.startswith("text/plain")
        assert "refused" in body
    assert _count(served) == before


@pytest.mark.parametrize("query", REMOTE)
def test_remote_reads_are_refused(served: str, query: str) -> None:
    for status, _, body in (get(query_url(served, query)),
                            post(served, query, "application/sparql-query")):  # fmt: skip
        assert status == 400, body
        assert "refused" in body


def test_datasets_given_as_parameters_are_refused(served: str) -> None:
    for name in ("default-graph-uri", "named-graph-uri"):
        status, _, body = get(query_url(served, REGIONS, **{name: "http://127.0.0.1:9/g"}))
        assert status == 400
        assert name in body


# --- deadline and cap, on a server of tight limits ------------------------------------------


@pytest.fixture(scope="module")
def strict(secon_store: Store, data_dir: Path) -> Iterator[str]:
    """A real uvicorn server of the web application on 127.0.0.1 with a 3 s deadline and a
    20 kB cap on answers; yields its base URL."""
    site = Site(store=secon_store, data_dir=data_dir, timeout=3, max_bytes=20_000)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(create_app(site), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        assert thread.is_alive(), "the server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join()


@pytest.mark.parametrize("hostile", [CARTESIAN, REGEX], ids=["cartesian", "regex"])
def test_a_hostile_query_is_stopped_and_others_are_answered_meanwhile(
    strict: str, regions: set[str], hostile: str
) -> None:
    outcome: list[tuple[int, str, str]] = []
    worker = threading.Thread(target=lambda: outcome.append(get(query_url(strict, hostile))))
    worker.start()
    status, _, body = get(query_url(strict, REGIONS))
    answered_while_hostile_ran = worker.is_alive()
    worker.join()
    assert status == 200
    assert {b["region"]["value"] for b in rows(body)} == regions
    assert answered_while_hostile_ran
    [(status, kind, message)] = outcome
    assert status == 503
    assert kind.startswith("text/plain")
    assert message == "sparql: no answer within 3 s; the query was stopped\n"


@pytest.mark.parametrize("fmt", ["json", "csv", "xml"])
def test_an_answer_over_the_cap_is_an_error_not_a_cut_result(strict: str, fmt: str) -> None:
    status, kind, body = get(query_url(strict, "SELECT * WHERE { ?s ?p ?o }", format=fmt))
    assert status == 422
    assert kind.startswith("text/plain")
    assert "larger than 20,000 bytes" in body
    assert body.count("\n") == 1
    status, _, body = get(query_url(strict, REGIONS, format=fmt))
    assert status == 200  # a small answer passes
