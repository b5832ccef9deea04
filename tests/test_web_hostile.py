"""``secongraph serve`` under attack: hostile queries, payloads in labels, writes and the network.

One real server (``--timeout 2``) on a copy of ``data/`` with one more file whose organisation,
event and source document carry XSS payloads in their labels, alt labels, descriptions, titles and
IRIs. Speed is measured in ``benchmarks/serve_load.py``; here only what must hold whatever the
timing: a hostile query gets the deadline's error and the queries sent meanwhile get complete,
correct answers; payloads stay inert text in Chromium under the strict CSP; nothing writes the
store or reaches the network.
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import rdflib
from conftest import serving
from rdflib.namespace import RDFS

from secongraph.namespaces import ID
from secongraph.web.pages import SECURITY_HEADERS
from secongraph.web.reconcile import PREVIEW_POLICY

CSP = SECURITY_HEADERS["content-security-policy"]
CANARY = "window.__pwned=1"
ORG = f"{ID}organisation/xss-test-organisation"
EVENT = f"{ID}event/2024-01-01-xss-test-event"
DOCUMENT = f"javascript:{CANARY}"
MET = f"{ID}organisation/municipality-of-haskovo"
PAYLOADS = {
    "script": f"<script>{CANARY};alert(1)</script> Org",
    "attribute": f'"><img src=x onerror="{CANARY};alert(2)"> Alt',
    "style": f"</style><script>{CANARY}</script> Description",
    "bidi": "Evil \u202egnp.exe Label",
    "title": f'</title><svg onload="{CANARY}"> Source',
    "event": f'<iframe srcdoc="<script>parent.{CANARY}</script>"></iframe> Event',
}
"""Each payload sets the canary (and opens a dialog) if it ever runs; every one is also text."""
PAYLOAD_TTL = f"""
@prefix sg: <https://w3id.org/secongraph/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

<https://w3id.org/secongraph/graph/xss-payloads> a sg:SourceGraph ;
    rdfs:label {json.dumps(PAYLOADS["title"])}@en ;
    prov:wasDerivedFrom <{DOCUMENT}> ;
    sg:method <https://w3id.org/secongraph/vocab/method/curated> ;
    dcterms:created "2026-12-01"^^xsd:date ;
    prov:wasAttributedTo <{ID}organisation/secongraph-project> .

<{DOCUMENT}> a sg:SourceDocument ;
    dcterms:title {json.dumps(PAYLOADS["title"])}@en ;
    dcterms:publisher <{ORG}> ;
    dcterms:language "en"^^xsd:language .

<{ORG}> a sg:NGO ;
    rdfs:label {json.dumps(PAYLOADS["script"])}@en , {json.dumps(PAYLOADS["bidi"])}@de ;
    skos:altLabel {json.dumps(PAYLOADS["attribute"])}@en ;
    dcterms:description {json.dumps(PAYLOADS["style"])}@en ;
    sg:country <{ID}country/gr> ;
    sg:locatedIn <{ID}region/el65> .

<{EVENT}> a sg:Workshop ;
    rdfs:label {json.dumps(PAYLOADS["event"])}@en ;
    sg:startDate "2024-01-01"^^xsd:date ;
    sg:endDate "2024-01-01"^^xsd:date ;
    sg:project <{ID}project/secon> ;
    sg:source <{DOCUMENT}> .

<{ID}participation/2024-01-01-xss-test-event--xss-test-organisation> a sg:Participation ;
    sg:event <{EVENT}> ;
    sg:participant <{ORG}> ;
    sg:participationRole <https://w3id.org/secongraph/vocab/participation-role/organiser> ;
    sg:source <{DOCUMENT}> .

<{ID}participation/2024-01-01-xss-test-event--municipality-of-haskovo> a sg:Participation ;
    sg:event <{EVENT}> ;
    sg:participant <{MET}> ;
    sg:participationRole <https://w3id.org/secongraph/vocab/participation-role/participant> ;
    sg:source <{DOCUMENT}> .
"""
CARTESIAN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
REGEX = ('SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o . ?t ?q ?r '
         'FILTER(REGEX(CONCAT(STR(?o), STR(?r)), "^(a+)+$")) }')  # fmt: skip


# --------------------------------------------------------------------------------------------
# The server on the data with payloads
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def payload_data(tmp_path_factory: pytest.TempPathFactory, data_dir: Path) -> Path:
    """A copy of ``data/`` with ``xss-payloads.ttl``."""
    folder = tmp_path_factory.mktemp("hostile") / "data"
    shutil.copytree(data_dir, folder)
    (folder / "xss-payloads.ttl").write_text(PAYLOAD_TTL, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def payload_graph(payload_data: Path) -> rdflib.Dataset:
    """The payload data folder parsed by rdflib (the expected answers come from it)."""
    dataset = rdflib.Dataset()
    for path in sorted(payload_data.glob("*.ttl")):
        dataset.graph(rdflib.URIRef(path.name)).parse(path, format="turtle")
    return dataset


@pytest.fixture(scope="module")
def payload_store(payload_data: Path) -> Path:
    """The store ``secongraph build`` writes for the payload data (its ``out/store``)."""
    out = payload_data.parent / "out"
    subprocess.run([sys.executable, "-m", "secongraph", "build", "--data", str(payload_data),
                    "--out", str(out)], check=True, capture_output=True)  # fmt: skip
    return out / "store"


def _snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    return {str(p.relative_to(folder)): (p.stat().st_size, p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file()}  # fmt: skip


@pytest.fixture(scope="module")
def store_before(payload_store: Path) -> dict[str, tuple[int, int]]:
    """File names, sizes and mtimes of the store before the server opens it."""
    return _snapshot(payload_store)


@pytest.fixture(scope="module")
def server(payload_data: Path, payload_store: Path, store_before: object) -> Iterator[str]:
    """``secongraph serve --timeout 2`` on the payload store; yields its base URL."""
    with serving(payload_data, payload_store, timeout=2) as url:
        yield url


def _request(
    url: str, *, method: str = "GET", data: bytes | None = None, headers: dict[str, str] | None = None,
) -> tuple[int, dict[str, str], bytes]:  # fmt: skip
    """Status, headers (lower-case names) and body of a request; an error status is an answer."""
    request = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=60) as answer:
            return answer.status, {k.lower(): v for k, v in answer.headers.items()}, answer.read()
    except urllib.error.HTTPError as error:
        return error.code, {k.lower(): v for k, v in error.headers.items()}, error.read()


def _sparql(server: str, query: str, **parameters: str) -> tuple[int, dict[str, str], bytes]:
    return _request(f"{server}/sparql?" + urllib.parse.urlencode({"query": query, **parameters}))


# --------------------------------------------------------------------------------------------
# 2. Hostile queries among ordinary ones
# --------------------------------------------------------------------------------------------


def _labels_query(iri: str) -> str:
    return f"SELECT ?label WHERE {{ <{iri}> rdfs:label ?label }}"


def _labels(answer: bytes) -> set[tuple[str, str | None]]:
    rows = json.loads(answer)["results"]["bindings"]
    return {(row["label"]["value"], row["label"].get("xml:lang")) for row in rows}


@pytest.mark.parametrize("hostile", [CARTESIAN, REGEX], ids=["cartesian", "regex"])
def test_hostile_query_stops_at_deadline_while_others_are_answered(
    server: str, payload_graph: rdflib.Dataset, hostile: str
) -> None:
    subjects = sorted({s for s in payload_graph.subjects(RDFS.label, None)
                       if str(s).startswith(ID)}, key=str)[:12]  # fmt: skip
    expected = {str(s): {(str(o), o.language) for o in payload_graph.objects(s, RDFS.label)}
                for s in subjects}  # fmt: skip
    with ThreadPoolExecutor(max_workers=len(subjects) + 1) as pool:
        attack = pool.submit(_sparql, server, hostile, format="json")
        time.sleep(0.3)  # the hostile query is running before the others are sent
        answers = {iri: pool.submit(_sparql, server, _labels_query(iri), format="json")
                   for iri in expected}  # fmt: skip
        status, headers, body = attack.result()
        done = {iri: future.result() for iri, future in answers.items()}
    assert status == 503, body
    assert b"no answer within 2 s" in body
    assert headers["content-type"].startswith("text/plain")
    for iri, (status, _, body) in done.items():
        assert status == 200, (iri, body)
        assert _labels(body) == expected[iri], iri


# --------------------------------------------------------------------------------------------
# 3. Payloads in labels stay text in Chromium, under the strict CSP
# --------------------------------------------------------------------------------------------

WATCH = """
window.__violations = [];
document.addEventListener("securitypolicyviolation",
    (e) => window.__violations.push(e.violatedDirective + " " + e.blockedURI));
"""


def _pages(server: str) -> dict[str, set[str]]:
    """Every page where the payloads appear, with the payloads it shows."""
    org, event = (urllib.parse.quote(iri.removeprefix(ID)) for iri in (ORG, EVENT))
    editor = f"SELECT ?s ?label WHERE {{ VALUES ?s {{ <{ORG}> <{EVENT}> }} ?s rdfs:label|skos:altLabel ?label }}"  # fmt: skip
    org_text = {"script", "attribute", "style", "bidi"}

    def question(name: str, **values: str) -> str:
        return f"{server}/questions/{name}?" + urllib.parse.urlencode(values)

    return {
        f"{server}/id/{org}": org_text | {"title"},
        f"{server}/id/{event}": {"event", "title"},
        f"{server}/sources": {"script", "title"},
        f"{server}/events": {"event"},
        f"{server}/regions": {"script"},
        question("met-at-events", organisation=MET): {"script"},
        question("event-participants", event=EVENT): {"script", "event"},
        question("sources-of-entity", entity=ORG): {"title"},
        question("stakeholders-of-region", nuts="EL65"): {"script"},
        f"{server}/questions/timeline": {"event"},
        f"{server}/editor?" + urllib.parse.urlencode({"query": editor}): org_text - {"style"}
        | {"event"},
        f"{server}/reconcile/preview?" + urllib.parse.urlencode({"id": ORG}): {"script", "title"},
    }


@pytest.mark.browser
def test_payloads_stay_inert_text_in_chromium(server: str, browser: object) -> None:
    context = browser.new_context()  # type: ignore[attr-defined]
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.add_init_script(WATCH)
    policies: dict[str, str | None] = {}
    page.on("response", lambda r: policies.setdefault(r.url, r.headers.get("content-security-policy"))
            if r.headers.get("content-type", "").startswith("text/html") else None)  # fmt: skip
    pages = _pages(server)
    for url, shown in pages.items():
        page.goto(url)
        _assert_inert(page, url, shown)
    page.goto(f"{server}/sources")
    [source] = page.eval_on_selector_all(
        "a", "(links) => links.filter((a) => a.textContent.includes('</title>'))"
        ".map((a) => a.href)")  # fmt: skip
    page.goto(source)
    _assert_inert(page, source, {"title", "script", "event"})
    assert dialogs == []
    assert len(policies) >= len(pages) + 1
    for url, policy in policies.items():
        assert policy == (PREVIEW_POLICY if "/reconcile/preview" in url else CSP), url
    context.close()


def _assert_inert(page: object, url: str, payloads: set[str]) -> None:
    """No payload ran or was blocked on the page, none is a link, each is shown as text."""
    assert page.evaluate("window.__pwned") is None, url  # type: ignore[attr-defined]
    assert page.evaluate("window.__violations") == [], url  # type: ignore[attr-defined]
    assert page.eval_on_selector_all(  # type: ignore[attr-defined]
        "[href^='javascript:' i], [src^='javascript:' i], [action^='javascript:' i]",
        "(found) => found.length") == 0, url  # fmt: skip
    text = page.inner_text("body")  # type: ignore[attr-defined]
    assert {name for name in payloads if PAYLOADS[name] in text} == payloads, url


def test_every_html_answer_carries_the_strict_policy(server: str) -> None:
    for url in [*_pages(server), f"{server}/", f"{server}/questions", f"{server}/no-such-page"]:
        status, headers, _ = _request(url)
        assert status == (404 if url.endswith("no-such-page") else 200), url
        expected = PREVIEW_POLICY if "/reconcile/preview" in url else CSP
        assert headers["content-security-policy"] == expected, url
        assert headers["x-content-type-options"] == "nosniff"


# --------------------------------------------------------------------------------------------
# 4. No writes, no network
# --------------------------------------------------------------------------------------------


def _route_paths(site: object) -> list[str]:
    """One address of every route of the application (path parameters filled in)."""
    from starlette.routing import Mount, Route

    from secongraph.web.app import routes

    fill = {
        "path": "organisation/municipality-of-haskovo",
        "name": "timeline",
        "key": "x",
        "kind": "co-participation",
    }
    paths = []
    for route in routes(site):  # type: ignore[arg-type]
        if isinstance(route, Route):
            paths.append(route.path.replace("{path:path}", "{path}").format(**fill))
        elif isinstance(route, Mount):
            paths.append(f"{route.path}/site.css")
    return paths


WRITE_METHODS = ("PUT", "DELETE", "PATCH")
POSTED = {"/sparql", "/reconcile"}
"""The only routes that take POST (a query, never an update)."""


def test_no_route_takes_a_write_method(server: str, site: object) -> None:
    paths = _route_paths(site)
    assert set(paths) >= POSTED
    for path in paths:
        for method in (*WRITE_METHODS, *(() if path in POSTED else ("POST",))):
            status, _, _ = _request(f"{server}{path}", method=method, data=b"x")
            assert status == 405, (method, path, status)


UPDATES = [
    f"INSERT DATA {{ <{ORG}> rdfs:label \"written\" }}",
    f"DELETE DATA {{ <{ORG}> a sg:NGO }}",
    f"DELETE WHERE {{ <{ORG}> ?p ?o }}",
    f"DELETE {{ <{ORG}> ?p ?o }} INSERT {{ <{ORG}> ?p 'x' }} WHERE {{ <{ORG}> ?p ?o }}",
    f"WITH <urn:g> INSERT {{ <{ORG}> rdfs:label 'x' }} WHERE {{}}",
    "LOAD <http://127.0.0.1:9/x.ttl>",
    "CLEAR ALL", "CLEAR DEFAULT", "DROP ALL", "DROP GRAPH <https://w3id.org/secongraph/graph/xss-payloads>",
    "CREATE GRAPH <urn:new>", "ADD DEFAULT TO <urn:new>", "COPY DEFAULT TO <urn:new>",
    "MOVE DEFAULT TO <urn:new>",
    f"SELECT * WHERE {{ ?s ?p ?o }} ; INSERT DATA {{ <{ORG}> rdfs:label 'x' }}",
]  # fmt: skip


@pytest.mark.parametrize("update", UPDATES)
def test_every_form_of_update_is_refused(server: str, update: str) -> None:
    form = {"content-type": "application/x-www-form-urlencoded"}
    attempts = [
        _sparql(server, update),
        _request(f"{server}/sparql?" + urllib.parse.urlencode({"update": update})),
        _request(f"{server}/sparql", method="POST", headers=form,
                 data=urllib.parse.urlencode({"update": update}).encode()),
        _request(f"{server}/sparql", method="POST", headers=form,
                 data=urllib.parse.urlencode({"query": update}).encode()),
        _request(f"{server}/sparql", method="POST", data=update.encode(),
                 headers={"content-type": "application/sparql-update"}),
        _request(f"{server}/sparql", method="POST", data=update.encode(),
                 headers={"content-type": "application/sparql-query"}),
        _request(f"{server}/editor?" + urllib.parse.urlencode({"query": update})),
    ]  # fmt: skip
    for status, _, body in attempts:
        assert status == 400, body


@pytest.fixture
def listener() -> Iterator[tuple[socket.socket, str]]:
    """A listening socket on 127.0.0.1 and its URL: nothing the server does may connect to it."""
    with socket.socket() as listening:
        listening.bind(("127.0.0.1", 0))
        listening.listen(16)
        listening.setblocking(False)
        yield listening, f"http://127.0.0.1:{listening.getsockname()[1]}/"


def test_nothing_reaches_the_network(server: str, listener: tuple[socket.socket, str]) -> None:
    listening, remote = listener
    form = {"content-type": "application/x-www-form-urlencoded"}
    refused = [
        _sparql(server, f"SELECT * WHERE {{ SERVICE <{remote}> {{ ?s ?p ?o }} }}"),
        _sparql(server, f"SELECT * WHERE {{ SERVICE SILENT <{remote}> {{ ?s ?p ?o }} }}"),
        _sparql(server, f"SELECT * FROM <{remote}> WHERE {{ ?s ?p ?o }}"),
        _sparql(server, f"SELECT * FROM NAMED <{remote}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"),
        _sparql(server, "SELECT * WHERE { ?s ?p ?o }", **{"default-graph-uri": remote}),
        _sparql(server, "SELECT * WHERE { ?s ?p ?o }", **{"named-graph-uri": remote}),
        _sparql(server, f"LOAD <{remote}>"),
        _request(f"{server}/sparql", method="POST", data=f"LOAD <{remote}>".encode(),
                 headers={"content-type": "application/sparql-update"}),
        _request(f"{server}/sparql", method="POST", headers={"content-type": "application/ld+json"},
                 data=json.dumps({"@context": remote, "@id": ORG}).encode()),
    ]  # fmt: skip
    for status, _, body in refused:
        assert 400 <= status < 500, body
    status, _, body = _request(f"{server}/reconcile", method="POST",
                               headers={"content-type": "application/ld+json"},
                               data=json.dumps({"@context": remote, "queries": {}}).encode())  # fmt: skip
    assert status == 200 and "@context" not in json.loads(body)  # the manifest: no batch read
    batch = {"q0": {"query": remote, "properties": [{"pid": remote, "v": remote}]},
             "q1": {"query": "Haskovo", "type": remote}}  # fmt: skip
    status, _, body = _request(f"{server}/reconcile", method="POST", headers=form,
                               data=urllib.parse.urlencode({"queries": json.dumps(batch)}).encode())  # fmt: skip
    assert status in (200, 400), body
    if status == 200:
        assert json.loads(body)["q0"]["result"] == []
    status, _, _ = _request(f"{server}/reconcile/preview?" + urllib.parse.urlencode({"id": remote}))
    assert status == 404
    status, _, _ = _request(f"{server}/id/{remote}")
    assert status == 404
    with pytest.raises(BlockingIOError):
        listening.accept()


def test_the_store_is_unchanged(
    server: str, payload_store: Path, store_before: dict[str, tuple[int, int]],
    payload_graph: rdflib.Dataset,
) -> None:  # fmt: skip
    """Last in this file: after everything above, the store's files and its quads are as built."""
    status, _, body = _sparql(server, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }",
                              format="json")  # fmt: skip
    assert status == 200
    [row] = json.loads(body)["results"]["bindings"]
    from secongraph.paths import ontology_files

    ontology = rdflib.Dataset()
    for path in ontology_files():
        ontology.graph(rdflib.URIRef(path.name)).parse(path, format="turtle")
    assert int(row["n"]["value"]) >= len(payload_graph) + len(ontology)
    assert _snapshot(payload_store) == store_before
