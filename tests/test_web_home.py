"""The site's front door: the home page, search, the organisations list, the ontology and the
maps under their hashed policies, the 404 page and the icon; and that every question, the
editor and the entities are within two clicks of the home page.

Expected values come from rdflib walks of data/ (``secon_graph``), never from the site's queries.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections import deque
from html.parser import HTMLParser
from typing import Any
from urllib.parse import unquote, urlsplit

import lxml.html
import pytest
import rdflib
from rdflib import RDF, RDFS, Literal, URIRef

from secongraph.maps import MAP_KINDS
from secongraph.namespaces import BASE, ID, SG, SKOS
from secongraph.web.search import MAX_HITS


def instances(graph: rdflib.Graph, klass: URIRef) -> set[URIRef]:
    """The IRIs typed with ``klass`` or one of its subclasses, by walking the triples."""
    classes = set(graph.transitive_subjects(RDFS.subClassOf, klass))
    return {s for k in classes for s in graph.subjects(RDF.type, k) if isinstance(s, URIRef)}


def path_of(iri: URIRef | str) -> str:
    return "/" + str(iri).removeprefix(BASE)


def links(html: str) -> list[str]:
    return [unquote(h) for h in lxml.html.fromstring(html).xpath("//a/@href")]


class _Blocks(HTMLParser):
    """The raw text of each inline script and style a browser applies, as it hashes it."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.blocks: list[tuple[str, str]] = []
        self._open: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        kind = dict(attrs).get("type") or ""
        if tag == "style" or (
            tag == "script" and kind in ("", "text/javascript") and not dict(attrs).get("src")
        ):
            self._open = tag
            self.blocks.append((tag, ""))

    def handle_data(self, data: str) -> None:
        if self._open:
            tag, text = self.blocks[-1]
            self.blocks[-1] = (tag, text + data)

    def handle_endtag(self, tag: str) -> None:
        self._open = None


def inline_hashes(html: str, element: str) -> set[str]:
    """The SHA-256 sources of ``html``'s inline ``element`` blocks that a browser applies."""
    parser = _Blocks()
    parser.feed(html)
    return {"'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"
            for tag, text in parser.blocks if tag == element}  # fmt: skip


def directive(policy: str, name: str) -> set[str]:
    for part in policy.split(";"):
        words = part.split()
        if words and words[0] == name:
            return set(words[1:])
    return set()


# --------------------------------------------------------------------------------------------
# The home page
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "klass"),
    [("organisations", SG.Organisation), ("events", SG.Event), ("projects", SG.Project),
     ("regions", SG.Region)],
)  # fmt: skip
def test_the_home_page_counts_each_kind(
    web: Any, secon_graph: rdflib.Graph, kind: str, klass: URIRef
) -> None:
    page = web.get("/").text
    shown = re.search(rf"<strong>([\d,]+)</strong> {kind}\b", page)
    assert shown is not None, kind
    assert int(shown.group(1).replace(",", "")) == len(instances(secon_graph, klass))


def test_the_home_page_counts_the_sources(web: Any, secon_graph: rdflib.Graph) -> None:
    documents = instances(secon_graph, SG.SourceDocument)
    documents |= {o for o in secon_graph.objects(None, URIRef("http://www.w3.org/ns/prov#wasDerivedFrom"))
                  if isinstance(o, URIRef)}  # fmt: skip
    shown = re.search(r"<strong>([\d,]+)</strong> sources\b", web.get("/").text)
    assert shown is not None and int(shown.group(1)) == len(documents)


def test_the_home_page_links_every_question_with_its_summary(web: Any, site: Any) -> None:
    tree = lxml.html.fromstring(web.get("/").text)
    for name, question in site.queries.items():
        anchors = tree.xpath("//a[@href=$h]", h=f"/questions/{name}")
        assert anchors, name
        assert anchors[0].text_content() == (question.summary or name)


def test_the_home_page_leads_everywhere(web: Any, site: Any) -> None:
    page = web.get("/").text
    hrefs = set(links(page))
    wanted = {"/editor", "/organisations", "/events", "/regions", "/sources", "/maps", "/ontology",
              "/api/openapi.json", "/questions", *(f"/maps/{k}" for k in MAP_KINDS)}  # fmt: skip
    assert wanted <= hrefs
    assert "/reconcile" in page and "OpenRefine" in page
    assert site.built is None and "Loaded in memory" in page  # an in-memory site says so
    form = lxml.html.fromstring(page).xpath("//main//form[@role='search']")[0]
    assert form.get("action") == "/search" and form.xpath(".//input/@name") == ["q"]


@pytest.mark.server
def test_the_served_home_page_says_when_the_data_was_built(served: str) -> None:
    import urllib.request

    with urllib.request.urlopen(f"{served}/", timeout=30) as answer:
        page = answer.read().decode()
    assert re.search(r"Built on <time datetime=\"\d{4}-\d\d-\d\dT\d\d:\d\dZ\">", page)


# --------------------------------------------------------------------------------------------
# Search and the organisations
# --------------------------------------------------------------------------------------------


def hits(web: Any, query: str, language: str = "en") -> list[str]:
    page = web.get("/search", params={"q": query}, headers={"accept-language": language})
    assert page.status_code == 200
    return [
        unquote(h)
        for h in lxml.html.fromstring(page.text).xpath(
            "//ol[contains(@class, 'hits')]/li/strong/a/@href"
        )
    ]


def test_an_exact_label_in_any_language_finds_its_entity_first(
    web: Any, secon_graph: rdflib.Graph
) -> None:
    organisations = instances(secon_graph, SG.Organisation)
    foreign = sorted(
        (str(o), s) for s in organisations for o in secon_graph.objects(s, RDFS.label)
        if isinstance(o, Literal) and o.language not in (None, "en")
    )  # fmt: skip
    assert foreign
    for label, entity in foreign[:5]:
        named = {s for s in organisations if Literal(label, lang=None) in
                 {Literal(str(o)) for o in secon_graph.objects(s, RDFS.label)}}  # fmt: skip
        found = hits(web, label)
        assert found[0] in {path_of(e) for e in named}, label
        assert path_of(entity) in found[: len(named)]


def test_part_of_a_word_finds_every_entity_whose_label_holds_it(
    web: Any, secon_graph: rdflib.Graph
) -> None:
    part = "askov"  # inside "Haskovo"
    holding = {
        s for s, p, o in secon_graph.triples((None, None, None))
        if p in (RDFS.label, SKOS.prefLabel, SKOS.altLabel) and isinstance(s, URIRef)
        and str(s).startswith(str(ID)) and part in str(o).lower()
        and any(True for _ in secon_graph.objects(s, RDF.type))
    }  # fmt: skip
    assert 1 < len(holding) < MAX_HITS
    found = set(hits(web, part))
    assert {path_of(s) for s in holding} <= found


def test_a_transliterated_query_finds_a_cyrillic_label(web: Any, secon_graph: rdflib.Graph) -> None:
    cyrillic = [(s, str(o)) for s, o in secon_graph.subject_objects(RDFS.label)
                if isinstance(o, Literal) and o.language == "bg" and "Хасково" in str(o)]  # fmt: skip
    assert cyrillic
    assert {path_of(s) for s, _ in cyrillic} <= set(hits(web, "haskov"))


def test_search_says_when_it_has_nothing(web: Any) -> None:
    empty = web.get("/search?q=").text
    assert "Type a name" in empty and "found for" not in empty
    none = web.get("/search", params={"q": "qqqzzzxxx"}).text
    assert "Nothing in the graph is named like “qqqzzzxxx”" in none


def test_search_keeps_the_query_as_text(web: Any) -> None:
    page = web.get("/search", params={"q": '<script>alert(1)</script>"'}).text
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_a_hit_shows_its_type_and_country(web: Any, secon_graph: rdflib.Graph) -> None:
    haskovo = ID["organisation/municipality-of-haskovo"]
    country = next(secon_graph.objects(haskovo, SG.country))
    page = web.get("/search", params={"q": "Municipality of Haskovo"}).text
    first = lxml.html.fromstring(page).xpath("//ol[contains(@class, 'hits')]/li")[0]
    assert first.xpath("strong/a/@href") == [path_of(haskovo)]
    assert path_of(country) in first.xpath(".//a/@href")
    types = {str(t) for t in secon_graph.objects(haskovo, RDF.type)}
    shown = set(first.xpath(".//span/@data-iri | .//a/@data-iri"))
    assert types & shown


def test_the_organisations_list_has_each_under_its_country(
    web: Any, secon_graph: rdflib.Graph
) -> None:
    tree = lxml.html.fromstring(web.get("/organisations").text)
    for organisation in instances(secon_graph, SG.Organisation):
        countries = list(secon_graph.objects(organisation, SG.country))
        sections = tree.xpath("//section[.//a/@href=$h]", h=path_of(organisation))
        assert sections, organisation
        headings = {unquote(h) for s in sections for h in s.xpath("h2/a/@href")}
        assert headings == {path_of(c) for c in countries}, organisation


# --------------------------------------------------------------------------------------------
# The ontology and the maps under their own policies
# --------------------------------------------------------------------------------------------


def test_the_ontology_page_allows_exactly_its_inline_styles(web: Any) -> None:
    answer = web.get("/ontology")
    assert answer.status_code == 200
    policy = answer.headers["content-security-policy"]
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert directive(policy, "style-src") == inline_hashes(answer.text, "style")
    assert directive(policy, "script-src") == {"'none'"}  # its one script is JSON-LD data
    assert '<html lang="en">' in answer.text


def test_the_ontology_page_is_in_the_reader_s_language(web: Any, secon_graph: rdflib.Graph) -> None:
    ontology = next(
        secon_graph.subjects(RDF.type, URIRef("http://www.w3.org/2002/07/owl#Ontology"))
    )
    german = [
        o
        for o in secon_graph.objects(ontology, None)
        if isinstance(o, Literal) and o.language == "de"
    ]
    answer = web.get("/ontology", headers={"accept-language": "de-AT, en;q=0.5"})
    assert answer.headers["vary"] == "Accept-Language"
    assert ('<html lang="de">' in answer.text) == bool(german)
    klingon = web.get("/ontology", headers={"accept-language": "tlh"})
    assert '<html lang="en">' in klingon.text  # a language it is not written in: English


def test_the_maps_index_lists_every_map(web: Any) -> None:
    hrefs = links(web.get("/maps").text)
    assert [h for h in hrefs if h.startswith("/maps/")] == [f"/maps/{k}" for k in MAP_KINDS]
    assert "/maps/geographic" in links(web.get("/regions").text)


@pytest.mark.parametrize("kind", list(MAP_KINDS))
def test_a_map_allows_exactly_its_inline_scripts_and_links_here(web: Any, kind: str) -> None:
    answer = web.get(f"/maps/{kind}")
    assert answer.status_code == 200
    policy = answer.headers["content-security-policy"]
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert directive(policy, "script-src") == inline_hashes(answer.text, "script")
    assert directive(policy, "style-src") == inline_hashes(answer.text, "style")
    assert '"entityBase":".."' in answer.text  # /maps/kind → ../id/… is this site's entity page


def test_an_unknown_map_is_a_404_page(web: Any) -> None:
    answer = web.get("/maps/no-such-map")
    assert answer.status_code == 404 and "/" in links(answer.text)


# --------------------------------------------------------------------------------------------
# The 404 page and the icon
# --------------------------------------------------------------------------------------------


def test_an_unknown_address_is_a_404_page_with_the_way_on(web: Any) -> None:
    answer = web.get("/no/such/<page>")
    assert answer.status_code == 404
    assert answer.headers["content-type"].startswith("text/html")
    assert "&lt;page&gt;" in answer.text or "%3Cpage%3E" in answer.text
    assert {"/", "/questions", "/organisations"} <= set(links(answer.text))


def test_the_icon_is_served_and_named_by_every_page(web: Any) -> None:
    for path in ("/favicon.ico", "/static/favicon.svg"):
        icon = web.get(path)
        assert icon.status_code == 200 and icon.headers["content-type"].startswith("image/svg+xml")
        assert icon.text.lstrip().startswith("<svg") and "href" not in icon.text
    for path in ("/", "/organisations", "/no-such-page"):
        tree = lxml.html.fromstring(web.get(path).text)
        assert tree.xpath("//link[@rel='icon']/@href") == ["/static/favicon.svg"]


# --------------------------------------------------------------------------------------------
# Two clicks
# --------------------------------------------------------------------------------------------


def reachable(web: Any, clicks: int) -> set[str]:
    """The internal paths (query strings kept) that ``clicks`` clicks from ``/`` reach."""
    seen = {"/": 0}
    queue = deque(["/"])
    while queue:
        here = queue.popleft()
        if seen[here] == clicks:
            continue
        answer = web.get(here)
        if not answer.headers.get("content-type", "").startswith("text/html"):
            continue
        for href in links(answer.text):
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or not parts.path.startswith("/"):
                continue
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            if target not in seen:
                seen[target] = seen[here] + 1
                queue.append(target)
    return set(seen)


def test_every_question_the_editor_and_the_entities_are_within_two_clicks(
    web: Any, site: Any, secon_graph: rdflib.Graph
) -> None:
    near = reachable(web, 2)
    assert {f"/questions/{name}" for name in site.queries} <= near
    assert "/editor" in near
    for klass in (SG.Organisation, SG.Project, SG.Region, SG.Event, SG.SourceDocument):
        every = {path_of(e) for e in instances(secon_graph, klass) if str(e).startswith(str(ID))}
        assert every & near, klass
    for klass in (SG.Organisation, SG.Project):  # every one of them, not only some
        every = {path_of(e) for e in instances(secon_graph, klass)}
        assert every <= near, every - near
    timeline = {path_of(e) for e in instances(secon_graph, SG.Event)
                if not any(secon_graph.objects(e, SG.superEvent))}  # fmt: skip
    assert timeline <= near


def test_the_pages_render_without_a_request_under_a_root(site: Any) -> None:
    from secongraph.web.home import render_home, render_not_found
    from secongraph.web.maps import render_maps
    from secongraph.web.organisations import render_organisations

    pages = [render_home(site, root="/site"), render_organisations(site, root="/site"),
             render_maps(site, root="/site"), render_not_found(site, "/x", root="/site")]  # fmt: skip
    for text in pages:
        tree = lxml.html.fromstring(text)
        internal = [h for h in tree.xpath("//a/@href | //link/@href") if h.startswith("/")]
        assert internal and all(h.startswith("/site/") for h in internal)
        assert not tree.xpath("//form[@role='search']")  # no server to search with
