"""The named questions as pages and as an API (issue 10, item 4).

Expected rows come from ``run_query`` on the store itself (the query library is tested against
independent rdflib walks); the pages and the API must show exactly them. Labels, NUTS codes and
dates the tests use are looked up in the graph, not written here.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from openapi_spec_validator import validate
from rdflib import URIRef
from starlette.testclient import TestClient

from secongraph.queries import NamedQuery, load_queries, parse_query, run_query
from secongraph.results import QueryResult
from secongraph.store import Store
from secongraph.web.app import create_app
from secongraph.web.negotiation import weighted
from secongraph.web.site import Site

QUESTIONS = load_queries()
ENTITY = "https://w3id.org/secongraph/id/"


class Page(HTMLParser):
    """What a test reads of a page: the results table, links, form fields and error lines."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: list[list[str]] = []
        self.headers: list[str] = []
        self.langs: list[list[str | None]] = []
        self.links: dict[str, str] = {}
        self.options: dict[str, list[tuple[str, str]]] = {}
        self.inputs: dict[str, str] = {}
        self.ids: dict[str, str] = {}
        self._cell: list[str] | None = None
        self._cell_title: str | None = None
        self._text: list[str] | None = None
        self._link: str | None = None
        self._select: str | None = None
        self._option: str | None = None
        self._id: str | None = None
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "tr" and self._select is None:
            self.rows.append([])
            self.langs.append([])
        elif tag in ("td", "th"):
            self._cell, self._cell_title = [], None
            self.langs[-1].append(a.get("lang"))
        elif tag in ("a", "span") and self._cell is not None and "title" in a:
            self._cell_title = a["title"]
        if tag == "a":
            self._link, self._text = a.get("href"), []
        elif tag == "select":
            self._select = a["name"]
            self.options[self._select] = []
        elif tag == "option":
            self._option, self._text = a.get("value", ""), []
        elif tag == "input":
            self.inputs[a.get("name") or a.get("id", "")] = a.get("value", "")
        if "id" in a and tag == "span":
            self._id, self._text = a["id"], []

    def handle_endtag(self, tag: str) -> None:
        text = "".join(self._text or []).strip()
        if tag in ("td", "th") and self._cell is not None:
            value = self._cell_title or "".join(self._cell).strip()
            (self.headers if tag == "th" else self.rows[-1]).append(value)
            self._cell = None
        elif tag == "a" and self._link is not None:
            self.links.setdefault(text, self._link)
            self._link = None
        elif tag == "option" and self._select is not None:
            self.options[self._select].append((self._option or "", text))
        elif tag == "select":
            self._select = None
        elif tag == "span" and self._id is not None:
            self.ids[self._id] = text
            self._id = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)
        if self._text is not None:
            self._text.append(data)

    @property
    def body(self) -> list[list[str]]:
        """The table's data rows (header row left out)."""
        return [row for row in self.rows if row]


def expected_cells(result: QueryResult) -> list[list[str]]:
    """The table a page must show: each IRI as itself (its title), each literal as its text."""
    return [
        ["" if row[v] is None else str(row[v]) for v in result.variables] for row in result.rows
    ]


def answer_of(site: Any, query: NamedQuery | str, values: dict[str, str]) -> QueryResult:
    """The rows of ``run_query`` as the site runs it: on its store, within its deadline.

    The deadline runs the query in a worker whose answer comes back pickled, and rdflib's
    pickling rewrites some lexical forms (``"0"^^xsd:double`` comes back ``"0.0"``), so the
    expected rows are taken the same way.
    """
    return run_query(site.store, query, values, timeout=site.timeout)


def default_form(named: NamedQuery) -> dict[str, str]:
    """What a browser submits for an untouched form: each field's default, else empty."""
    return {p.name: p.default or "" for p in named.parameters}


def other_values() -> list[tuple[str, dict[str, str]]]:
    """Parameter sets other than the defaults: every allowed value of an enumerated parameter."""
    cases = []
    for name, named in QUESTIONS.items():
        for parameter in named.parameters:
            for value in parameter.allowed:
                if value != parameter.default:
                    cases.append((name, {parameter.name: value}))
    return cases


def page_of(web: Any, name: str, values: dict[str, str], **headers: str) -> Any:
    return web.get(f"/questions/{name}?{urlencode(values)}", headers=headers)


@pytest.mark.parametrize("name", sorted(QUESTIONS))
def test_each_question_with_its_defaults_shows_the_library_rows(
    web: Any, site: Any, name: str
) -> None:
    named = QUESTIONS[name]
    expected = answer_of(site, named, {})
    page = page_of(web, name, default_form(named))
    assert page.status_code == 200, page.text
    read = Page(page.text)
    assert read.headers == list(named.variables)
    assert read.body == expected_cells(expected)

    api = web.get(f"/api/{name}")
    assert api.status_code == 200
    assert api.headers["content-type"] == "application/sparql-results+json"
    assert api.json() == json.loads(expected.serialize("json"))
    as_csv = web.get(f"/api/{name}", headers={"accept": "text/csv"})
    assert as_csv.headers["content-type"].startswith("text/csv")
    assert as_csv.text == expected.serialize("csv")


def test_the_questions_have_rows_to_compare(secon_store: Store) -> None:
    answered = [name for name, q in QUESTIONS.items() if len(run_query(secon_store, q, {})) > 0]
    assert len(answered) >= len(QUESTIONS) - 2, answered


@pytest.mark.parametrize(("name", "values"), other_values())
def test_a_question_with_other_values_shows_the_library_rows(
    web: Any, site: Any, name: str, values: dict[str, str]
) -> None:
    expected = answer_of(site, QUESTIONS[name], values)
    read = Page(page_of(web, name, values).text)
    assert read.body == expected_cells(expected)
    api = web.get(f"/api/{name}", params={**values, "format": "csv"})
    assert api.text == expected.serialize("csv")


def test_dates_and_prefixed_names_from_the_graph(web: Any, site: Any, secon_store: Store) -> None:
    [first] = secon_store.select(
        "SELECT (MIN(?d) AS ?first) (MAX(?d) AS ?last) WHERE { ?e sg:startDate ?d }"
    ).rows
    dates = {"from": str(first["first"]), "to": str(first["last"])}
    region = {"nuts": "EL65", "type": "sg:SocialEconomyOrganisation"}
    for name, values in [("events-in-date-range", dates), ("stakeholders-of-region", region)]:
        expected = answer_of(site, name, values)
        assert len(expected) > 0
        assert Page(page_of(web, name, values).text).body == expected_cells(expected)


def test_the_list_links_every_question_with_its_parameters(web: Any) -> None:
    page = web.get("/questions")
    assert page.status_code == 200
    read = Page(page.text)
    for name, named in QUESTIONS.items():
        assert read.links[named.summary] == f"/questions/{name}"
        for parameter in named.parameters:
            assert parameter.describe() in page.text
    assert read.links["OpenAPI 3 document"] == "/api/openapi.json"
    assert web.get("/api", follow_redirects=False).headers["location"] == "/questions#api"


def test_pick_lists_offer_the_allowed_values(web: Any, secon_store: Store) -> None:
    enumerated = [(n, p) for n, q in QUESTIONS.items() for p in q.parameters if p.allowed]
    assert enumerated
    for name, parameter in enumerated:
        read = Page(web.get(f"/questions/{name}").text)
        values = [value for value, _ in read.options[parameter.name]]
        blank = [] if parameter.required else [""]
        assert values == blank + list(parameter.allowed)
        if parameter.kind != "iri":
            continue
        for value, shown in read.options[parameter.name]:  # an entity by its English label
            labels = secon_store.select(
                "SELECT ?l WHERE { ?x rdfs:label ?l FILTER(lang(?l) = 'en') }",
                bindings={"x": URIRef(value)},
            )
            assert shown in {str(row["l"]) for row in labels.rows}


def test_fields_show_defaults_and_which_are_required(web: Any) -> None:
    named = QUESTIONS["events-in-date-range"]
    page = web.get("/questions/events-in-date-range")
    read = Page(page.text)
    assert read.body == []  # not run before the form is submitted
    for parameter in named.parameters:
        assert read.inputs[parameter.name] == parameter.default
    optional = QUESTIONS["organisations-by-type"].parameters[0]
    assert not optional.required
    assert "(optional;" in web.get("/questions/organisations-by-type").text


def test_a_required_parameter_is_marked_and_asked_for(secon_store: Store) -> None:
    [region] = secon_store.select("SELECT ?code WHERE { ?r sg:nutsCode ?code } LIMIT 1").rows
    needs = parse_query("SELECT ?r WHERE { ?r sg:nutsCode ?_nuts }", name="needs")
    site = Site(store=secon_store, data_dir=Path("data"), queries={"needs": needs})
    with TestClient(create_app(site), base_url="http://127.0.0.1") as client:
        form = client.get("/questions/needs")
        assert form.status_code == 200 and "(required;" in form.text
        assert re.search(r'<input [^>]*name="nuts"[^>]* required>', form.text)
        empty = client.get("/questions/needs?nuts=")
        assert empty.status_code == 400
        assert Page(empty.text).ids["p-nuts-error"] == 'parameter "nuts" needs a value'
        assert client.get("/api/needs").status_code == 400
        given = Page(client.get("/questions/needs", params={"nuts": str(region["code"])}).text)
        assert given.body == [
            [str(row["r"])]
            for row in run_query(secon_store, needs, {"nuts": str(region["code"])}).rows
        ]


def test_the_permalink_reproduces_the_page(web: Any) -> None:
    values = {"from": "2023-06-01", "to": "2024-06-30"}
    page = Page(page_of(web, "events-in-date-range", values).text)
    permalink = page.links["Permalink"]
    assert permalink == f"/questions/events-in-date-range?{urlencode(values)}"
    assert page.inputs["permalink"] == f"http://127.0.0.1{permalink}"
    again = Page(web.get(permalink).text)
    assert again.body == page.body and page.body
    download = web.get(page.links["CSV"])
    assert (
        download.text
        == web.get("/api/events-in-date-range", params={**values, "format": "csv"}).text
    )
    assert web.get(page.links["JSON"]).json()["results"]["bindings"]


def test_entities_link_to_their_pages_and_the_query_opens_in_the_editor(web: Any) -> None:
    page = web.get("/questions/timeline?")
    assert 'href="/id/event/' in page.text
    read = Page(page.text)
    editor = read.links["Open it in the SPARQL editor"]
    assert editor.startswith("/editor?query=")
    assert "<details>" in page.text and "SELECT" in page.text


def test_a_bad_value_is_shown_escaped_beside_its_parameter(web: Any) -> None:
    payload = "<script>alert(1)</script>"
    page = page_of(web, "events-in-date-range", {"from": payload, "to": "2023-12-31"})
    assert page.status_code == 400
    assert payload not in page.text
    read = Page(page.text)
    assert payload in read.ids["p-from-error"]
    assert "from" in read.ids["p-from-error"] and "\n" not in read.ids["p-from-error"]
    assert read.inputs["from"] == payload  # kept in its field, escaped
    assert read.body == []
    api = web.get("/api/events-in-date-range", params={"from": payload})
    assert api.status_code == 400
    assert payload in api.json()["error"]


def test_unknown_parameters_and_formats_are_refused(web: Any) -> None:
    assert web.get("/questions/timeline?colour=red").status_code == 400
    answer = web.get("/api/timeline?colour=red")
    assert answer.status_code == 400 and "colour" in answer.json()["error"]
    assert web.get("/api/timeline?format=xml").status_code == 400
    twice = web.get("/api/events-in-date-range?from=2023-01-01&from=2023-02-01")
    assert twice.status_code == 400 and "twice" in twice.json()["error"]


def test_an_unknown_question_suggests_close_names(web: Any) -> None:
    page = web.get("/questions/timelin")
    assert page.status_code == 404
    assert Page(page.text).links["timeline"] == "/questions/timeline"
    answer = web.get("/api/timelin")
    assert answer.status_code == 404
    assert "timeline" in answer.json()["error"]


def german_labels(secon_store: Store) -> dict[str, str]:
    """Entity → its German label, where the graph has one (and an English one that differs)."""
    rows = secon_store.select(
        "SELECT ?x ?de WHERE { ?x rdfs:label ?de . ?x rdfs:label ?en"
        " FILTER(lang(?de) = 'de' && lang(?en) = 'en' && str(?de) != str(?en)) }"
    ).rows
    return {str(row["x"]): str(row["de"]) for row in rows}


def test_labels_follow_accept_language(web: Any, secon_store: Store) -> None:
    german = german_labels(secon_store)
    assert german
    found = 0
    for name, named in QUESTIONS.items():
        pairs = [(named.variables.index(v[:-6]), i) for i, v in enumerate(named.variables)
                 if v.endswith("_label") and v[:-6] in named.variables]  # fmt: skip
        page = page_of(web, name, default_form(named), **{"accept-language": "fr;q=0.2, de;q=0.9"})
        read = Page(page.text)
        for row, langs in zip(read.body, read.langs[1:], strict=True):
            for iri, label in pairs:
                if row[iri] in german:
                    assert row[label] == german[row[iri]]
                    assert langs[label] == "de"
                    found += 1
    assert found > 0
    english = Page(web.get("/questions/events-in-date-range?").text)
    assert not set(german.values()) & {cell for row in english.body for cell in row}


def test_accept_headers_are_read_with_their_weights() -> None:
    assert weighted("de;q=0.5, el, en;q=0.7") == [("el", 1.0), ("en", 0.7), ("de", 0.5)]
    assert weighted("de;q=0, fr;q=x, *") == [("*", 1.0), ("de", 0.0)]
    assert weighted(None) == []


def slow_site(secon_store: Store, **limits: Any) -> TestClient:
    product = parse_query(
        "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }", name="slow"
    )
    site = Site(store=secon_store, data_dir=Path("data"), queries={"slow": product}, **limits)
    return TestClient(create_app(site), base_url="http://127.0.0.1")


def test_a_question_stopped_at_its_deadline_is_an_error(secon_store: Store) -> None:
    with slow_site(secon_store, timeout=1) as client:
        answer = client.get("/api/slow")
        assert answer.status_code == 503
        assert "no answer within" in answer.json()["error"]
        assert "head" not in answer.json()
        assert client.get("/questions/slow").status_code == 503


def test_an_answer_over_the_size_limit_is_an_error(web: Any, secon_store: Store) -> None:
    site = Site(store=secon_store, data_dir=Path("data"), queries=QUESTIONS, max_bytes=200)
    with TestClient(create_app(site), base_url="http://127.0.0.1") as client:
        answer = client.get("/api/timeline")
        assert answer.status_code == 422
        assert "200 bytes" in answer.json()["error"]
    limit = len(web.get("/questions/timeline").content) - 1  # the page with its table
    site = Site(store=secon_store, data_dir=Path("data"), queries=QUESTIONS, max_bytes=limit)
    with TestClient(create_app(site), base_url="http://127.0.0.1") as client:
        page = client.get("/questions/timeline")
        assert page.status_code == 422
        assert f"{limit:,} bytes" in page.text and "<tbody>" not in page.text


def test_the_openapi_document_is_valid_and_every_path_answers(web: Any) -> None:
    document = web.get("/api/openapi.json").json()
    validate(document)
    assert set(document["paths"]) == {f"/api/{name}" for name in QUESTIONS}
    for path, item in document["paths"].items():
        named = QUESTIONS[path.removeprefix("/api/")]
        operation = item["get"]
        assert operation["summary"] == named.summary
        described = {p["name"]: p for p in operation["parameters"] if "name" in p}
        for parameter in named.parameters:
            schema = described[parameter.name]["schema"]
            assert described[parameter.name]["in"] == "query"
            assert schema.get("enum", []) == list(parameter.allowed)
            assert schema.get("default") == parameter.default
            if parameter.kind == "xsd:date":
                assert schema["format"] == "date"
        answer = web.get(path)
        assert answer.status_code == 200, (path, answer.text)
        assert set(answer.json()["head"]["vars"]) == set(named.variables)


# --- in Chromium, against the real server ------------------------------------------------


def busiest_region(secon_store: Store) -> str:
    """The NUTS code with the most organisations located in it (not the question's default)."""
    rows = secon_store.select(
        "SELECT ?code (COUNT(DISTINCT ?o) AS ?n) WHERE { ?o sg:locatedIn ?r . ?r sg:nutsCode ?code"
        " FILTER(?code != 'EL65') } GROUP BY ?code ORDER BY DESC(?n) ?code LIMIT 1"
    ).rows
    return str(rows[0]["code"])


def console_error(message: Any) -> str:
    """A console error (a CSP violation is one) with where it comes from; "" for anything else.

    The browser's own request for /favicon.ico is left out: the site's frame declares no icon.
    """
    if message.type != "error" or message.location["url"].endswith("/favicon.ico"):
        return ""
    return f"{message.text} ({message.location['url']})"


@pytest.mark.browser
@pytest.mark.server
@pytest.mark.parametrize("width", [1280, 375])
def test_a_reader_fills_a_form_by_keyboard_and_reads_the_table(
    browser: Any, served: str, secon_store: Store, width: int
) -> None:
    code = busiest_region(secon_store)
    expected = run_query(secon_store, "stakeholders-of-region", {"nuts": code})
    assert len(expected) > 0
    page = browser.new_page(viewport={"width": width, "height": 800})
    errors: list[str] = []
    page.on("console", lambda m: errors.append(console_error(m)))
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        page.goto(f"{served}/questions/stakeholders-of-region")
        for _ in range(40):
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.id") == "p-nuts":
                break
        else:
            pytest.fail("the NUTS field is not reached by Tab")
        page.keyboard.press("Control+A")
        page.keyboard.type(code)
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert f"nuts={code}" in page.url
        assert page.locator(".table-wrap tbody tr").count() == len(expected)
        assert page.locator("h2#results").inner_text().startswith(str(len(expected)))
        fits = page.evaluate(
            "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
        )
        assert fits, f"the page overflows at {width} px"
        if width == 375:
            scrolls = page.evaluate(
                "(() => { const w = document.querySelector('.table-wrap');"
                " return w.scrollWidth > w.clientWidth; })()"
            )
            assert scrolls, "the table should scroll inside its wrapper"
        assert [e for e in errors if e] == []
    finally:
        page.close()
