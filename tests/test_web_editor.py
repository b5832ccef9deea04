"""``/editor``: the query editor page on the real application and store, and in Debian's Chromium
against a real ``secongraph serve``: highlighting, the prefixes filled in, results whose entities
link to their pages, downloads, errors, no inline script or style, usable by keyboard at 375 px.

Expected answers come from the data files parsed by rdflib (``secon_graph``).
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
from html.parser import HTMLParser
from typing import Any

import pytest
import rdflib
from rdflib import RDF

from secongraph._sg import SG
from secongraph.namespaces import ID, PREFIXES

REGIONS = (
    "SELECT ?region ?label WHERE { ?region a sg:NutsRegion ; rdfs:label ?label } ORDER BY ?region"
)


IN_EDITOR = "document.activeElement.shadowRoot?.activeElement?.classList.contains('cm-content')"
"""Whether the editor (in its shadow root) has the keyboard's focus."""


class Page(HTMLParser):
    """The links, scripts, styles and text area of a page."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.links: dict[str, str] = {}
        self.scripts: list[str | None] = []
        self.inline_styles = 0
        self.textarea = ""
        self._in: str | None = None
        self._href: str | None = None
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        self.inline_styles += "style" in attributes or tag == "style"
        if tag == "script":
            self.scripts.append(attributes.get("src"))
        if tag == "a":
            self._href = attributes.get("href")
            self._in = "a"
        if tag == "textarea":
            self._in = "textarea"

    def handle_endtag(self, tag: str) -> None:
        self._in = None if tag in ("a", "textarea") else self._in

    def handle_data(self, data: str) -> None:
        if self._in == "textarea":
            self.textarea += data
        elif self._in == "a" and self._href is not None:
            self.links[self._href] = self.links.get(self._href, "") + data


@pytest.fixture(scope="module")
def regions(secon_graph: rdflib.Graph) -> dict[str, str]:
    """Every NUTS region of the data files (IRI → its page's path), as rdflib reads them."""
    return {
        str(s): "/id/" + str(s)[len(ID) :]
        for s in secon_graph.subjects(RDF.type, SG.NutsRegion)
        if (s, rdflib.RDFS.label, None) in secon_graph
    }


def test_the_editor_has_every_prefix_filled_in(web: Any) -> None:
    page = web.get("/editor")
    assert page.status_code == 200
    text = Page(page.text).textarea
    for prefix, namespace in PREFIXES.items():
        assert f"PREFIX {prefix}: <{namespace}>" in text


def test_the_editor_loads_only_its_own_scripts_and_no_inline_code(web: Any) -> None:
    page = Page(web.get("/editor", params={"query": REGIONS}).text)
    assert page.scripts == ["/static/vendor/codemirror/codemirror.js", "/static/editor.js"]
    assert page.inline_styles == 0
    for path in page.scripts:
        assert path is not None
        asset = web.get(path)
        assert asset.status_code == 200
        assert "javascript" in asset.headers["content-type"]
        assert not re.search(r"\beval\(|new Function\(|https?://cdn", asset.text)
    licences = web.get("/static/vendor/codemirror/LICENSES.txt").text
    assert licences.count("MIT License") >= 10
    assert "@codemirror/view" in licences


def test_results_link_every_entity_to_its_page(web: Any, regions: dict[str, str]) -> None:
    answer = web.get("/editor", params={"query": REGIONS})
    assert answer.status_code == 200
    page = Page(answer.text)
    linked = {href for href in page.links if href.startswith("/id/")}
    assert linked == set(regions.values())
    assert f"{len(regions)} rows" in answer.text


def test_downloads_give_the_same_answer_as_csv_and_json(web: Any, regions: dict[str, str]) -> None:
    page = Page(web.get("/editor", params={"query": REGIONS}).text)
    downloads = {text.strip(): href for href, text in page.links.items() if "format=" in href}
    assert set(downloads) == {"CSV", "JSON"}
    as_csv = web.get(html.unescape(downloads["CSV"]))
    assert as_csv.headers["content-type"].startswith("text/csv")
    assert {row["region"] for row in csv.DictReader(io.StringIO(as_csv.text))} == set(regions)
    as_json = json.loads(web.get(html.unescape(downloads["JSON"])).text)
    assert {b["region"]["value"] for b in as_json["results"]["bindings"]} == set(regions)


def test_ask_and_construct_show_their_answers(web: Any, regions: dict[str, str]) -> None:
    ask = web.get("/editor", params={"query": "ASK { ?r a sg:NutsRegion }"})
    assert "<td>true" in ask.text
    query = "CONSTRUCT { ?r a sg:NutsRegion } WHERE { ?r a sg:NutsRegion }"
    page = Page(web.get("/editor", params={"query": query}).text)
    assert {href for href in page.links if href.startswith("/id/")} >= set(regions.values())
    assert {text.strip() for href, text in page.links.items() if "format=" in href} == {
        "Turtle",
        "JSON-LD",
    }


@pytest.mark.parametrize(
    ("query", "status", "message"),
    [
        ("SELECT ?s WHERE { ?s ?p", 400, "SPARQL syntax error at line 1"),
        ("INSERT DATA { <urn:x:s> <urn:x:p> <urn:x:o> }", 400, "SPARQL Update is refused"),
        ("SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }", 400, "is refused"),
    ],
)
def test_a_refused_query_says_why_and_keeps_the_text(
    web: Any, query: str, status: int, message: str
) -> None:
    answer = web.get("/editor", params={"query": query})
    assert answer.status_code == status
    assert re.search(r'role="alert">[^<]*' + re.escape(html.escape(message)), answer.text)
    assert Page(answer.text).textarea == query


def test_values_from_the_graph_stay_text(web: Any) -> None:
    payload = '<script>alert(1)</script><img src=x onerror="alert(2)">'
    literal = json.dumps(payload)
    answer = web.get("/editor", params={"query": f"SELECT ?x WHERE {{ BIND({literal} AS ?x) }}"})
    assert "<script>alert" not in answer.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in answer.text


@pytest.mark.browser
def test_typing_and_running_a_query_in_chromium(
    browser: Any, served: str, regions: dict[str, str]
) -> None:
    page = browser.new_page(viewport={"width": 375, "height": 800})
    errors: list[str] = []
    requests: list[str] = []
    page.on("console", lambda m: errors.append(f"{m.text} ({m.location.get('url')})")
            if m.type in ("error", "warning") else None)  # fmt: skip
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("request", lambda request: requests.append(request.url))
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation',"
        " e => console.error('CSP: ' + e.violatedDirective));"
    )
    try:
        page.goto(f"{served}/editor")
        editor = page.locator(".cm-editor .cm-content")
        editor.wait_for()
        assert page.locator("textarea#query").is_hidden()
        assert page.locator(".cm-content span").count() > 0  # highlighted tokens
        page.keyboard.press("Tab")  # the skip link, then through the page by keyboard to the editor
        for _ in range(30):
            if page.evaluate(IN_EDITOR):
                break
            page.keyboard.press("Tab")
        else:
            pytest.fail("the editor cannot be reached by keyboard")
        page.keyboard.press("Control+A")
        page.keyboard.press("Delete")
        page.keyboard.type(REGIONS.replace(" ORDER BY ?region", "") + " ORDER BY ?region LIMIT 5")
        page.keyboard.press("Tab")  # Tab leaves the editor for the button
        assert page.evaluate("document.activeElement.textContent") == "Run query"
        editor.click()
        page.keyboard.press("Control+Enter")
        page.locator("table.results").wait_for()
        assert "query=" in page.url  # a permalink
        links = page.locator("table.results a[href^='/id/']")
        assert links.count() == 5
        first = links.first.get_attribute("href")
        assert first in regions.values()
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        assert "LIMIT 5" in page.locator(".cm-content").inner_text()
    finally:
        page.close()
    # Chromium asks for /favicon.ico by itself; the site has none (not this page's concern)
    assert [e for e in errors if not e.endswith("/favicon.ico)")] == []
    assert all(url.startswith(served) for url in requests)
