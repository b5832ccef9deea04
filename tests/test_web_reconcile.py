"""``/reconcile``: the W3C Entity Reconciliation API (0.2) on the importers' reconciliation.

Answers are checked against the protocol's own JSON schemas (vendored in
``tests/data/reconciliation/``), the protocol's documented example batches are sent to a real
``secongraph serve``, and expected entities are taken from the graph with rdflib.
"""

from __future__ import annotations

import json
import threading
import unicodedata
import urllib.error
import urllib.parse
import urllib.request
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import rdflib
from anyascii import anyascii
from jsonschema import Draft7Validator
from rdflib import OWL, RDF, RDFS, SKOS, URIRef
from referencing import Registry
from referencing.jsonschema import DRAFT7

from secongraph._sg import SG
from secongraph.namespaces import ID, PREFIXES
from secongraph.store import Store
from secongraph.web.reconcile import PREVIEW_POLICY

SPEC = Path(__file__).parent / "data" / "reconciliation"
ORG = PREFIXES["org"]
LABELS = (RDFS.label, SKOS.prefLabel, SKOS.altLabel)


@cache
def validator(name: str) -> Draft7Validator:
    """The protocol's schema ``name``, with the schemas it refers to (as its test.sh does)."""
    schemas = [json.loads(p.read_text()) for p in sorted((SPEC / "schemas").glob("*.json"))]
    registry: Registry[Any] = Registry().with_resources(
        (schema["$id"], DRAFT7.create_resource(schema)) for schema in schemas
    )
    schema = json.loads((SPEC / "schemas" / f"{name}.json").read_text())
    return Draft7Validator(schema, registry=registry)


def examples(kind: str, validity: str) -> list[Path]:
    return sorted((SPEC / "examples" / kind / validity).glob("*.json"))


def post(served: str, batch: object) -> Any:
    """POST a batch as the protocol says: a form field ``queries`` holding JSON."""
    body = urllib.parse.urlencode({"queries": json.dumps(batch)}).encode()
    with urllib.request.urlopen(f"{served}/reconcile", data=body, timeout=30) as answer:
        assert answer.headers["Access-Control-Allow-Origin"] == "*"
        return json.load(answer)


def refused(served: str, fields: dict[str, str]) -> tuple[int, str]:
    """The status and error line of a request the service refuses."""
    body = urllib.parse.urlencode(fields).encode()
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(f"{served}/reconcile", data=body, timeout=30)
    error = json.load(caught.value)["error"]
    assert "\n" not in error
    return caught.value.code, error


def answered(served: str, batch: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """The results of a batch, checked against the result schema."""
    answers = post(served, batch)
    validator("reconciliation-result-batch").validate(answers)
    assert set(answers) == set(batch)
    return {key: answer["result"] for key, answer in answers.items()}


# --- what the graph says, read with rdflib -------------------------------------------------


def subclasses(graph: rdflib.Graph, klass: URIRef) -> set[URIRef]:
    return {k for k in graph.transitive_subjects(RDFS.subClassOf, klass) if isinstance(k, URIRef)}


def instances(graph: rdflib.Graph, klass: URIRef) -> set[URIRef]:
    kinds = subclasses(graph, klass)
    return {
        s for s, k in graph.subject_objects(RDF.type)
        if k in kinds and isinstance(s, URIRef) and s.startswith(str(ID))
    }  # fmt: skip


def labels_of(graph: rdflib.Graph, entities: set[URIRef]) -> dict[str, set[URIRef]]:
    """Each label (folded) → the entities that bear it."""
    bearers: dict[str, set[URIRef]] = defaultdict(set)
    for entity in entities:
        for prop in LABELS:
            for label in graph.objects(entity, prop):
                bearers[str(label).casefold()].add(entity)
    return bearers


def unique_labels(graph: rdflib.Graph, klass: URIRef) -> Iterator[tuple[URIRef, str]]:
    """(entity, label) for each label of an instance of ``klass`` that no other entity bears."""
    everyone = labels_of(graph, _all_entities(graph))
    for entity in sorted(instances(graph, klass)):
        for prop in LABELS:
            for label in sorted({str(o) for o in graph.objects(entity, prop)}):
                if everyone[label.casefold()] == {entity} and len(label) >= 8:
                    yield entity, label


def _all_entities(graph: rdflib.Graph) -> set[URIRef]:
    return {s for s in graph.subjects(RDF.type) if isinstance(s, URIRef) and s.startswith(str(ID))}


def ident(entity: URIRef) -> str:
    return str(entity).removeprefix(str(ID))


def without_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))


def misspelt(text: str) -> str:
    """``text`` with one letter of its longest word left out."""
    words = text.split()
    longest = max(range(len(words)), key=lambda i: len(words[i]))
    word = words[longest]
    words[longest] = word[: len(word) // 2] + word[len(word) // 2 + 1 :]
    return " ".join(words)


# --- the manifest --------------------------------------------------------------------------


def test_the_vendored_schemas_judge_the_documented_examples() -> None:
    for kind in ("reconciliation-query-batch", "reconciliation-result-batch"):
        for path in examples(kind, "valid"):
            validator(kind).validate(json.loads(path.read_text()))
        for path in examples(kind, "invalid"):
            assert not validator(kind).is_valid(json.loads(path.read_text())), path
    validator("manifest").validate(json.loads(examples("manifest", "valid")[0].read_text()))


def test_the_manifest_is_valid_and_names_the_graphs_classes(
    web: Any, secon_graph: rdflib.Graph
) -> None:
    answer = web.get("/reconcile")
    assert answer.status_code == 200
    assert answer.headers["access-control-allow-origin"] == "*"
    manifest = answer.json()
    validator("manifest").validate(manifest)
    assert "0.2" in manifest["versions"]
    assert manifest["identifierSpace"] == str(ID)
    assert manifest["schemaSpace"] == str(SG._NS)
    for kind in manifest["defaultTypes"]:
        klass = URIRef(kind["id"])
        assert (klass, RDF.type, OWL.Class) in secon_graph
        assert rdflib.Literal(kind["name"], lang="en") in set(
            secon_graph.objects(klass, RDFS.label)
        )
    assert manifest["view"]["url"] == "http://127.0.0.1/id/{{id}}"
    assert manifest["preview"]["url"] == "http://127.0.0.1/reconcile/preview?id={{id}}"
    assert web.post("/reconcile").json() == manifest  # POST without queries: the manifest too
    preflight = web.options("/reconcile", headers={"Origin": "http://127.0.0.1:3333"})
    assert preflight.status_code == 204
    assert preflight.headers["access-control-allow-origin"] == "*"


# --- the documented requests against the real server ---------------------------------------


@pytest.mark.server
@pytest.mark.parametrize("path", examples("reconciliation-query-batch", "valid"), ids=str)
def test_the_documented_batches_are_answered(served: str, path: Path) -> None:
    batch = json.loads(path.read_text())
    answers = answered(served, batch)
    by_get = urllib.parse.urlencode({"queries": json.dumps(batch)})
    with urllib.request.urlopen(f"{served}/reconcile?{by_get}", timeout=30) as answer:
        assert {k: v["result"] for k, v in json.load(answer).items()} == answers


@pytest.mark.server
@pytest.mark.parametrize("path", examples("reconciliation-query-batch", "invalid"), ids=str)
def test_the_documented_invalid_batches_are_refused(served: str, path: Path) -> None:
    status, error = refused(served, {"queries": path.read_text()})
    assert status == 400
    assert error.startswith("queries: ")


@pytest.mark.server
def test_names_from_the_graph_come_back_first(served: str, secon_graph: rdflib.Graph) -> None:
    """Real labels, as they are, without accents, misspelt and transliterated to Latin."""
    cases: dict[str, tuple[URIRef, str, bool]] = {}
    for entity, label in unique_labels(secon_graph, SG.Organisation):
        variants = {label: True, without_accents(label): False, misspelt(label): False}
        if not label.isascii():
            variants[anyascii(label)] = False
        for text, exact in variants.items():
            cases[f"q{len(cases)}"] = (entity, text, exact)
    assert any(not text.isascii() for _, text, _ in cases.values())  # Greek or Cyrillic names
    assert len(cases) > 30
    keys = sorted(cases)
    for start in range(0, len(keys), 50):
        chunk = keys[start : start + 50]
        batch = {k: {"query": cases[k][1], "type": str(SG.Organisation)} for k in chunk}
        for key, result in answered(served, batch).items():
            entity, text, exact = cases[key]
            assert result, text
            assert result[0]["id"] == ident(entity), (text, result[0])
            if exact:
                assert result[0]["match"] is True and result[0]["score"] == 100, text


@pytest.mark.server
def test_an_identifier_finds_its_entity(served: str, secon_graph: rdflib.Graph) -> None:
    entity = sorted(instances(secon_graph, SG.Organisation))[0]
    result = answered(served, {"q": {"query": ident(entity)}})["q"]
    assert result[0]["id"] == ident(entity) and result[0]["match"] is True


@pytest.mark.server
def test_types_filter_candidates_with_their_subclasses(
    served: str, secon_graph: rdflib.Graph
) -> None:
    organisations = instances(secon_graph, ORG.Organization)
    municipality = sorted(instances(secon_graph, SG.Municipality))[0]
    name = str(secon_graph.value(municipality, RDFS.label))
    results = answered(served, {
        "org": {"query": name, "type": str(ORG.Organization)},
        "prefixed": {"query": name, "type": "org:Organization"},
        "country": {"query": name, "type": [str(SG.Country)]},
        "all": {"query": name, "type": ["sg:Organisation", "sg:Country"], "type_strict": "all"},
    })  # fmt: skip
    assert results["org"][0]["id"] == ident(municipality)
    assert {c["id"] for c in results["org"]} <= {ident(e) for e in organisations}
    assert results["prefixed"] == results["org"]
    countries = {ident(e) for e in instances(secon_graph, SG.Country)}
    assert {c["id"] for c in results["country"]} <= countries
    assert results["all"] == []
    for candidate in results["org"]:
        kinds = {URIRef(k["id"]) for k in candidate["type"]}
        assert kinds & subclasses(secon_graph, ORG.Organization)


@pytest.mark.server
def test_limit_caps_the_candidates(served: str, secon_graph: rdflib.Graph) -> None:
    entity, label = next(unique_labels(secon_graph, SG.Organisation))
    results = answered(served, {
        "one": {"query": label, "limit": 1}, "many": {"query": label, "limit": 50},
    })  # fmt: skip
    assert len(results["one"]) == 1 and results["one"][0]["id"] == ident(entity)
    assert results["many"][0] == results["one"][0]


@pytest.mark.server
def test_properties_raise_and_lower_the_score(served: str, secon_graph: rdflib.Graph) -> None:
    country_of = {
        e: c for e, c in secon_graph.subject_objects(SG.country) if isinstance(c, URIRef)
    }  # fmt: skip
    codes = {c: str(secon_graph.value(c, SG.isoCode)) for c in set(country_of.values())}
    entity, label = next(
        (e, lab) for e, lab in unique_labels(secon_graph, SG.Organisation) if e in country_of
    )
    own = codes[country_of[entity]]
    other = sorted(code for code in codes.values() if code != own)[0]
    results = answered(served, {
        "plain": {"query": label},
        "right": {"query": label, "properties": [{"pid": "sg:country", "v": own}]},
        "entity": {"query": label,
                   "properties": [{"pid": str(SG.country), "v": {"id": ident(country_of[entity])}}]},
        "wrong": {"query": label, "properties": [{"pid": "sg:country", "v": other}]},
        "silent": {"query": label, "properties": [{"pid": "sg:headcount", "v": 12}]},
    })  # fmt: skip
    top = {key: result[0] for key, result in results.items()}
    assert {c["id"] for c in top.values()} == {ident(entity)}
    assert top["right"]["score"] > top["plain"]["score"] and top["right"]["match"] is True
    assert top["entity"]["score"] == top["right"]["score"]
    assert top["wrong"]["score"] < top["plain"]["score"] and top["wrong"]["match"] is False
    assert top["silent"]["score"] == top["plain"]["score"]  # a property it lacks says nothing


@pytest.mark.server
def test_an_ambiguous_name_is_never_a_match(served: str, secon_graph: rdflib.Graph) -> None:
    shared = {
        label: bearers
        for label, bearers in labels_of(secon_graph, _all_entities(secon_graph)).items()
        if len(bearers) > 1
    }
    assert shared, "the graph has no label borne by two entities"
    batch = {f"q{i}": {"query": label} for i, label in enumerate(sorted(shared))}
    for key, result in answered(served, batch).items():
        label = batch[key]["query"]
        assert not any(c["match"] for c in result), (label, result)
        assert {c["id"] for c in result[: len(shared[label])]} == {ident(e) for e in shared[label]}


@pytest.mark.server
def test_an_unknown_name_is_no_match(served: str) -> None:
    result = answered(served, {"q": {"query": "Qwxz Zyglotron Holding Trust"}})["q"]
    assert all(c["match"] is False and c["score"] < 88 for c in result)


@pytest.mark.server
@pytest.mark.parametrize(
    ("fields", "status", "names"),
    [
        ({"queries": "{not json"}, 400, "queries: not JSON"),
        ({"queries": "[1, 2]"}, 400, "queries: expected a JSON object"),
        ({"queries": '{"q": {"query": "x", "limit": 0}}'}, 400, '"limit"'),
        ({"queries": '{"q": {"query": "x", "type": 3}}'}, 400, '"type"'),
        ({"queries": '{"q": {"query": "x", "type": "not an iri"}}'}, 400, "type"),
        ({"queries": json.dumps({f"q{i}": {"query": "x"} for i in range(101)})}, 413, "at most"),
        ({"queries": "{}", "callback": "f"}, 400, "callback: JSONP"),
        ({"extend": "{}"}, 400, "extend:"),
    ],
)
def test_malformed_requests_get_one_line(
    served: str, fields: dict[str, str], status: int, names: str
) -> None:
    code, error = refused(served, fields)
    assert code == status
    assert names in error


# --- the preview ---------------------------------------------------------------------------


def test_the_preview_shows_the_entity_and_may_be_framed(
    web: Any, secon_graph: rdflib.Graph
) -> None:
    municipality = sorted(instances(secon_graph, SG.Municipality))[0]
    page = web.get("/reconcile/preview", params={"id": ident(municipality)})
    assert page.status_code == 200
    assert page.headers["content-security-policy"] == PREVIEW_POLICY
    assert "frame-ancestors *" in PREVIEW_POLICY and "script-src" not in PREVIEW_POLICY
    assert page.headers["x-content-type-options"] == "nosniff"
    english = [o for o in secon_graph.objects(municipality, RDFS.label) if o.language == "en"]
    assert str(english[0]) in page.text
    assert str(secon_graph.value(SG.Municipality, RDFS.label)) in page.text  # "municipality"
    country = secon_graph.value(municipality, SG.country)
    assert any(str(c) in page.text for c in secon_graph.objects(country, RDFS.label))
    assert web.get("/reconcile/preview", params={"id": "organisation/nobody"}).status_code == 404
    assert "frame-ancestors 'none'" in web.get("/").headers["content-security-policy"]


def test_the_preview_escapes_a_hostile_label(tmp_path: Path) -> None:
    from starlette.testclient import TestClient

    from secongraph.web.app import create_app
    from secongraph.web.site import Site

    hostile = '<script>alert(1)</script><img src=x onerror="alert(2)">'
    data = tmp_path / "hostile.ttl"
    data.write_text(
        "@prefix sg: <https://w3id.org/secongraph/ontology#> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        f"<{ID}organisation/evil> a sg:Organisation ; rdfs:label {json.dumps(hostile)}@en ;\n"
        f"  sg:country <{ID}country/xx> .\n"
        f"<{ID}country/xx> a sg:Country ; rdfs:label {json.dumps(hostile + ' land')}@en .\n",
        encoding="utf-8",
    )
    store = Store()
    store.load(data)
    with TestClient(create_app(Site(store=store, data_dir=tmp_path))) as client:
        page = client.get("/reconcile/preview", params={"id": "organisation/evil"})
        assert page.status_code == 200
        assert "<script>" not in page.text and "<img" not in page.text
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
        answer = client.post("/reconcile", data={"queries": json.dumps({"q": {"query": hostile}})})
        assert answer.headers["content-type"] == "application/json"
        assert answer.json()["q"]["result"][0]["name"] == hostile


@contextmanager
def host_page(html: str) -> Iterator[str]:
    """A page of another origin on 127.0.0.1 (a free port), as OpenRefine's own page is; yields
    its URL. (Chromium lets only a local page frame a local server.)"""

    class Page(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = html.encode()
            self.send_response(200)
            self.send_header("content-type", "text/html; charset=utf-8")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Page)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.mark.browser
@pytest.mark.server
def test_the_preview_renders_in_a_frame_of_another_origin(
    served: str, browser: Any, secon_graph: rdflib.Graph
) -> None:
    """As OpenRefine shows it: in an <iframe> of its own page. Other pages refuse to be framed."""
    entity = sorted(instances(secon_graph, SG.Municipality))[0]
    name = str(next(o for o in secon_graph.objects(entity, RDFS.label) if o.language == "en"))
    preview = f"{served}/reconcile/preview?id={urllib.parse.quote(ident(entity), safe='')}"
    frames = (
        f'<iframe title="card" src="{preview}"></iframe>'
        f'<iframe title="home" src="{served}/"></iframe>'
    )
    page = browser.new_page()
    try:
        with host_page(frames) as url:
            page.goto(url)
            card = page.frame_locator('iframe[title="card"]').locator("h1")
            assert card.inner_text(timeout=10_000) == name
            page.wait_for_load_state("load")
            home = page.frame_locator('iframe[title="home"]').locator("text=triples")
            assert home.count() == 0  # refused: frame-ancestors 'none'
    finally:
        page.close()
