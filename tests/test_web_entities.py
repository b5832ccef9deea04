"""Entity pages: content negotiation, every statement with its source (stated or added),
incoming links, the collaboration neighbourhood, labels in the reader's language, escaping; in
the app and, for behaviour, in Chromium against a real ``secongraph serve``.

Expected values come from rdflib walks of data/ (``secon_graph``, and each file parsed on its
own where it matters which file says what), never from the code under test.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import lxml.html
import pytest
import rdflib
from rdflib import RDF, RDFS, Literal, URIRef
from starlette.testclient import TestClient

from secongraph.namespaces import ID, PROV, SG, VOCAB
from secongraph.queries import load_queries
from secongraph.store import build_store, data_files
from secongraph.web.app import create_app
from secongraph.web.site import Site

ORG = str(ID["organisation/"])
BASE = "https://w3id.org/secongraph"


def path_of(iri: str) -> str:
    return iri.removeprefix(BASE)


def organisations(graph: rdflib.Graph) -> list[URIRef]:
    return sorted({s for s in graph.subjects() if isinstance(s, URIRef) and s.startswith(ORG)})


def page(web: Any, iri: str, **headers: str) -> lxml.html.HtmlElement:
    answer = web.get(path_of(iri), headers=headers)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("text/html")
    return lxml.html.fromstring(answer.text)


def listed(doc: lxml.html.HtmlElement, section: str) -> dict[tuple[str, Any], list[str]]:
    """(property IRI, value) → statuses, from the ``dl#section`` of an entity page. A value is
    an IRI (its ``data-iri``) or (text, note) for a literal."""
    found: dict[tuple[str, Any], list[str]] = {}
    (dl,) = doc.xpath(f'//dl[@id="{section}"]')
    for dt in dl.xpath("./dt"):
        (prop,) = dt.xpath(".//@data-iri")
        dd = dt.getnext()
        for li in dd.xpath("./ul/li"):
            (value,) = li.xpath('./span[@class="value"]')
            iris = value.xpath("./*[1]/@data-iri")
            notes = value.xpath('./small[@class="note"]/text()')
            key = iris[0] if iris else (value.xpath("./span[1]")[0].text_content(), *notes)
            found[(str(prop), key)] = li.xpath('.//span[contains(@class, "status ")]/text()')
    return found


def literal_key(value: Literal) -> tuple[str, ...]:
    if value.language:
        return (str(value), value.language)
    if value.datatype is None or value.datatype == URIRef(str(rdflib.XSD.string)):
        return (str(value),)
    prefixes = {"http://www.w3.org/2001/XMLSchema#": "xsd:"}
    dt = str(value.datatype)
    for ns, prefix in prefixes.items():
        dt = dt.replace(ns, prefix)
    return (str(value), dt)


def expected(value: Any) -> Any:
    return str(value) if isinstance(value, URIRef) else literal_key(value)


# --------------------------------------------------------------------------------------------
# Statements, sources, incoming links
# --------------------------------------------------------------------------------------------


def test_every_outgoing_statement_of_an_organisation_is_on_its_page(
    web: Any, secon_graph: rdflib.Graph
) -> None:
    orgs = organisations(secon_graph)
    assert len(orgs) > 10
    for org in orgs:
        shown = listed(page(web, org), "statements")
        wanted = {(str(p), expected(o)) for p, o in secon_graph.predicate_objects(org)}
        assert set(shown) == wanted, org
        assert all(shown.values()), f"a statement of {org} names no source"


def test_incoming_links_are_listed_as_mentions(web: Any, secon_graph: rdflib.Graph) -> None:
    for org in organisations(secon_graph)[:8]:
        mentions = listed(page(web, org), "mentions")
        wanted = {(str(p), str(s)) for s, p in secon_graph.subject_predicates(org)}
        assert wanted <= set(mentions), org
        extra = {p for p, _ in set(mentions) - wanted}
        assert extra <= {str(SG.metricsOf)}  # the metrics the build computes


def _files(data_dir: Path) -> dict[str, rdflib.Graph]:
    return {path.stem: rdflib.Graph().parse(path, format="turtle") for path in data_files(data_dir)}


def test_a_statement_is_marked_stated_or_added_with_its_source(
    web: Any, data_dir: Path, secon_graph: rdflib.Graph
) -> None:
    files = _files(data_dir)
    stated = {t for stem, g in files.items() if "--" not in stem for t in g}
    added: dict[str, set[Any]] = {"modelling": set(), "translation": set()}
    for stem, graph in files.items():
        for kind in added:
            if stem.endswith(f"--{kind}"):
                added[kind] |= {t for t in graph if t not in stated}
    words = {"modelling": "our modelling", "translation": "our translation"}
    for kind, triples in added.items():
        s, p, o = next(t for t in sorted(triples) if str(t[0]).startswith(ORG))
        shown = listed(page(web, s), "statements")
        assert set(shown[(str(p), expected(o))]) == {words[kind]}, (s, p, o)
    only_stated = sorted(t for t in stated if str(t[0]).startswith(ORG)
                         and all(t not in g for stem, g in files.items() if "--" in stem))  # fmt: skip
    s, p, o = only_stated[0]
    assert set(listed(page(web, s), "statements")[(str(p), expected(o))]) == {
        "stated by the source"
    }


def test_a_source_is_named_by_its_title_and_links_to_its_page(
    web: Any, data_dir: Path, secon_graph: rdflib.Graph
) -> None:
    files = _files(data_dir)
    stem = next(s for s in sorted(files) if s.endswith("--modelling"))
    graph = URIRef(f"{BASE}/graph/{stem}")
    (document,) = files[stem].objects(graph, PROV.wasDerivedFrom)
    (title,) = secon_graph.objects(document, rdflib.DCTERMS.title)
    subject = next(s for s in sorted(files[stem].subjects()) if str(s).startswith(ORG))
    doc = page(web, subject)
    links = doc.xpath(f'//dl[@id="statements"]//span[@class="source"]/a[@data-iri="{document}"]')
    assert links and {a.text_content() for a in links} == {str(title)}
    target = page(web, BASE + links[0].get("href"))
    assert target.xpath("//h1")[0].text_content() == str(title)


def test_the_neighbourhood_lists_who_shared_an_event_or_project(
    web: Any, secon_graph: rdflib.Graph
) -> None:
    g = secon_graph

    def top(event: Any) -> Any:
        parents = list(g.objects(event, SG.superEvent))
        return top(parents[0]) if parents else event

    groups = set(g.subjects(RDF.type, SG.ParticipantGroup))
    units: dict[Any, set[Any]] = {}
    for participation in g.subjects(SG.participant, None):
        for event in g.objects(participation, SG.event):
            for agent in g.objects(participation, SG.participant):
                units.setdefault(agent, set()).add(top(event))
    for partnership in g.subjects(RDF.type, SG.Partnership):
        for project in g.objects(partnership, SG.organisation):
            for member in g.objects(partnership, SG.member):
                units.setdefault(member, set()).add(project)
    org = URIRef(ID["organisation/municipality-of-haskovo"])
    wanted = {o for o, u in units.items() if o not in groups and o != org and u & units[org]}
    doc = page(web, org)
    shown = {li.xpath("./a[1]/@data-iri")[0] for li in doc.xpath('//ul[@class="neighbours"]/li')}
    assert shown == {str(o) for o in wanted}
    metrics = doc.xpath('//dl[@class="metrics"]/dt/text()')
    assert any("brokerage between others" in m for m in metrics)
    assert any("number of ties" in m for m in metrics)


# --------------------------------------------------------------------------------------------
# RDF answers and content negotiation
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("accept", "fmt"),
    [("text/turtle", "turtle"), ("application/ld+json", "json-ld"),
     ("application/n-triples", "nt")],
)  # fmt: skip
def test_the_rdf_answer_is_the_entity_s_statements(
    web: Any, secon_graph: rdflib.Graph, accept: str, fmt: str
) -> None:
    org = URIRef(ID["organisation/municipality-of-haskovo"])
    answer = web.get(path_of(org), headers={"Accept": accept})
    assert answer.status_code == 200
    assert answer.headers["content-type"].split(";")[0] == accept
    assert "Accept" in answer.headers["vary"]
    got = rdflib.Graph().parse(data=answer.content, format=fmt)
    assert set(got.triples((org, None, None))) == set(secon_graph.triples((org, None, None)))
    incoming = set(got.triples((None, None, org)))
    assert set(secon_graph.triples((None, None, org))) <= incoming
    assert {p for _, p, _ in incoming - set(secon_graph.triples((None, None, org)))} <= {
        SG.metricsOf
    }
    assert set(got) == set(got.triples((org, None, None))) | incoming


def test_json_ld_keeps_literals_exact(web: Any, secon_store: Any) -> None:
    rows = secon_store.select(
        "SELECT ?record ?value WHERE { ?record sg:betweenness ?value } LIMIT 1"
    ).rows
    record, value = rows[0]["record"], rows[0]["value"]
    answer = web.get(path_of(str(record)) + "?format=jsonld")
    assert answer.headers["content-type"] == "application/ld+json"
    (node,) = [n for n in json.loads(answer.text) if n["@id"] == str(record)]
    assert node[str(SG.betweenness)] == [{"@type": str(value.datatype), "@value": str(value)}]


BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,*/*;q=0.8"


@pytest.mark.parametrize(
    ("accept", "media_type"),
    [
        (None, "text/html"),
        ("*/*", "text/html"),
        (BROWSER, "text/html"),
        ("text/turtle", "text/turtle"),
        ("application/ld+json", "application/ld+json"),
        ("application/n-triples", "application/n-triples"),
        ("text/turtle;q=0.5, application/ld+json;q=0.9", "application/ld+json"),
        ("text/html;q=0.1, text/turtle", "text/turtle"),
        ("text/*;q=0.5, text/html;q=0.1", "text/turtle"),
        ("application/n-triples, text/turtle;q=0", "application/n-triples"),
        ("text/turtle;q=0, */*", "text/html"),
        ("application/json", "application/ld+json"),
        ("image/png", None),
        ("text/html;q=0, text/turtle;q=0, application/*;q=0", None),
    ],
)
def test_content_negotiation(web: Any, accept: str | None, media_type: str | None) -> None:
    headers = {} if accept is None else {"Accept": accept}
    answer = web.get("/id/organisation/kmop", headers=headers)
    assert answer.headers["vary"] == "Accept, Accept-Language"
    if media_type is None:
        assert answer.status_code == 406
    else:
        assert answer.status_code == 200
        assert answer.headers["content-type"].split(";")[0] == media_type


@pytest.mark.parametrize(
    ("fmt", "media_type"),
    [("ttl", "text/turtle"), ("jsonld", "application/ld+json"),
     ("nt", "application/n-triples"), ("html", "text/html")],
)  # fmt: skip
def test_format_overrides_accept(web: Any, fmt: str, media_type: str) -> None:
    answer = web.get(f"/id/organisation/kmop?format={fmt}", headers={"Accept": "image/png"})
    assert answer.status_code == 200
    assert answer.headers["content-type"].split(";")[0] == media_type


def test_an_unknown_format_names_the_parameter(web: Any) -> None:
    answer = web.get("/id/organisation/kmop?format=xml")
    assert answer.status_code == 400
    assert answer.text.startswith("format:") and answer.text.count("\n") == 1


def test_an_unknown_iri_is_a_404_page_with_a_way_on(web: Any) -> None:
    answer = web.get("/id/organisation/no-such-organisation")
    assert answer.status_code == 404
    doc = lxml.html.fromstring(answer.text)
    assert doc.xpath('//main//a[@href="/"]') and doc.xpath('//main//a[@href="/editor"]')
    assert "no-such-organisation" in doc.xpath("//main")[0].text_content()
    turtle = web.get("/id/organisation/no-such-organisation", headers={"Accept": "text/turtle"})
    assert turtle.status_code == 404


# --------------------------------------------------------------------------------------------
# Languages
# --------------------------------------------------------------------------------------------


def _bilingual(graph: rdflib.Graph) -> tuple[URIRef, Literal, Literal]:
    """An organisation with a German and an English label and none without a language."""
    for org in organisations(graph):
        found = {label.language: label for label in graph.objects(org, RDFS.label)}
        if "de" in found and "en" in found and None not in found:
            return org, found["de"], found["en"]
    raise AssertionError("no organisation with German and English labels")


@pytest.mark.parametrize(
    ("accept_language", "language"),
    [("de-DE,de;q=0.9,en;q=0.5", "de"), ("de", "de"), ("en", "en"), ("en;q=0.4, de;q=0.8", "de"),
     ("fr", "en"), (None, "en"), ("de;q=0, en", "en")],
)  # fmt: skip
def test_the_label_is_in_the_reader_s_language(
    web: Any, secon_graph: rdflib.Graph, accept_language: str | None, language: str
) -> None:
    org, german, english = _bilingual(secon_graph)
    headers = {} if accept_language is None else {"Accept-Language": accept_language}
    (h1,) = page(web, org, **headers).xpath("//h1")
    label = german if language == "de" else english
    assert (h1.text_content(), h1.get("lang")) == (str(label), language)


# --------------------------------------------------------------------------------------------
# Escaping, and an IRI only used as an object
# --------------------------------------------------------------------------------------------

PAYLOADS = ("<script>alert(1)</script>", '"><img src=x onerror=alert(2)>')


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """The app over a small store whose labels and titles carry HTML and script."""
    folder = tmp_path_factory.mktemp("hostile")
    script, img = (json.dumps(p) for p in PAYLOADS)
    (folder / "evil.ttl").write_text(f"""
@prefix sg: <{SG}> . @prefix rdfs: <{RDFS}> . @prefix prov: <{PROV}> .
@prefix dcterms: <http://purl.org/dc/terms/> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<{BASE}/graph/evil> a sg:SourceGraph ; rdfs:label {script}@en ;
    sg:method <{VOCAB["method/curated"]}> ; prov:wasDerivedFrom <javascript:alert(3)> .
<javascript:alert(3)> a sg:SourceDocument ; dcterms:title {img}@en .
<{ORG}evil> a sg:Organisation ; rdfs:label {script}@en , {img}@de ;
    sg:socialMedia <javascript:alert(4)> ; sg:country <{ID["country/nowhere"]}> .
<{ID["event/evil"]}> a sg:Workshop ; rdfs:label {img}@en ; sg:startDate "2024-01-02"^^xsd:date .
""")
    store = build_store(folder)
    site = Site(store=store, data_dir=folder, queries=load_queries(), timeout=10)
    with TestClient(create_app(site), base_url="http://127.0.0.1") as client:
        yield client


@pytest.mark.parametrize(
    "path", ["/id/organisation/evil", "/id/event/evil", "/sources", "/events",
             "/sources/javascript-alert-3", "/id/country/nowhere"],
)  # fmt: skip
def test_labels_with_html_stay_text(hostile: TestClient, path: str) -> None:
    answer = hostile.get(path, headers={"Accept-Language": "de, en;q=0.5"})
    assert answer.status_code == 200, answer.text
    text = answer.text
    for payload in PAYLOADS:
        assert payload not in text
    assert "<script" not in text and "<img" not in text
    assert 'href="javascript:' not in text
    doc = lxml.html.fromstring(text)
    assert not doc.xpath("//script | //img | //*[@onerror]")
    assert any(p in doc.text_content() for p in PAYLOADS) or path == "/id/country/nowhere"


def test_an_iri_used_only_as_an_object_gets_its_mentions(hostile: TestClient) -> None:
    iri = ID["country/nowhere"]
    doc = lxml.html.fromstring(hostile.get(path_of(iri)).text)
    assert doc.xpath(f'//dl[@id="mentions"]//a[@data-iri="{ORG}evil"]')
    assert not doc.xpath('//dl[@id="statements"]')
    turtle = hostile.get(path_of(iri), headers={"Accept": "text/turtle"})
    got = rdflib.Graph().parse(data=turtle.content, format="turtle")
    assert set(got) == {(URIRef(f"{ORG}evil"), SG.country, iri)}


# --------------------------------------------------------------------------------------------
# In Chromium, against the real server
# --------------------------------------------------------------------------------------------

CSP_WATCH = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', e => window.__csp.push(e.violatedDirective));
"""


@pytest.mark.server
@pytest.mark.browser
def test_an_organisation_page_in_chromium_at_375_px_by_keyboard(
    served: str, browser: Any, secon_graph: rdflib.Graph
) -> None:
    context = browser.new_context(viewport={"width": 375, "height": 740})
    tab = context.new_page()
    errors: list[str] = []
    tab.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    tab.on("pageerror", lambda e: errors.append(str(e)))
    failed: list[str] = []
    tab.on("response", lambda r: failed.append(r.url) if r.status >= 400 else None)
    tab.add_init_script(CSP_WATCH)
    try:
        tab.goto(f"{served}/id/organisation/municipality-of-haskovo")
        assert tab.locator("h1").inner_text()
        assert tab.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        first = tab.locator(".neighbours li a").first
        target = first.get_attribute("data-iri")
        for _ in range(300):
            tab.keyboard.press("Tab")
            if tab.evaluate("!!document.activeElement.closest('.neighbours')"):
                break
        else:
            pytest.fail("no neighbour link is reached by Tab")
        assert tab.evaluate("document.activeElement.dataset.iri") == target
        with tab.expect_navigation():
            tab.keyboard.press("Enter")
        assert tab.url == served + path_of(str(target))
        assert tab.locator("h1").inner_text()
        assert tab.evaluate("window.__csp") == []
        missing = [url for url in failed if not url.endswith("/favicon.ico")]
        assert missing == []
        assert [e for e in errors if "404" not in e] == []  # 404: the favicon, checked above
    finally:
        context.close()
    assert URIRef(str(target)) in set(secon_graph.subjects())


def test_pages_render_without_a_request_under_a_root(site: Any) -> None:
    from secongraph.web.browse import LISTS, render_list
    from secongraph.web.entities import render_entity

    pages = [render_entity(site, str(ID["organisation/kmop"]), ["en"], root="/site")]
    pages += [render_list(site, name, ["en"], root="/site") for name in LISTS]
    for text in pages:
        assert text is not None
        links = lxml.html.fromstring(text).xpath("//a/@href | //link/@href")
        internal = [h for h in links if h.startswith("/")]
        assert internal and all(h.startswith("/site/") for h in internal)
