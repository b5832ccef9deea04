"""The sources, events and regions pages, against rdflib walks of data/; the timeline in
Chromium at 375 px against a real ``secongraph serve``."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import lxml.html
import pytest
import rdflib
from rdflib import DCTERMS, RDF, RDFS, URIRef

from secongraph.namespaces import PROV, SG
from secongraph.store import data_files

BASE = "https://w3id.org/secongraph"


def html(web: Any, path: str) -> lxml.html.HtmlElement:
    answer = web.get(path)
    assert answer.status_code == 200, answer.text
    return lxml.html.fromstring(answer.text)


def subclasses(graph: rdflib.Graph, cls: URIRef) -> set[Any]:
    return set(graph.transitive_subjects(RDFS.subClassOf, cls))


def test_sources_lists_every_document_by_title_with_its_facts(
    web: Any, data_dir: Path, secon_graph: rdflib.Graph
) -> None:
    doc = html(web, "/sources")
    documents = set(secon_graph.subjects(RDF.type, SG.SourceDocument))
    stated: dict[Any, int] = {}
    for path in data_files(data_dir):
        graph = rdflib.Graph().parse(path, format="turtle")
        name = URIRef(f"{BASE}/graph/{path.stem}")
        method = graph.value(name, SG.method)
        for document in graph.objects(name, PROV.wasDerivedFrom):
            documents.add(document)
            if method is not None and str(method).endswith("/curated"):
                stated[document] = stated.get(document, 0) + len(graph)
    items = doc.xpath('//ul[@class="cards"]/li')
    assert len(items) == len(documents)
    for document in documents:
        (li,) = [li for li in items if li.xpath(f'./strong/a[@data-iri="{document}"]')]
        title = secon_graph.value(document, DCTERMS.title)
        link = li.xpath("./strong/a")[0]
        if title is not None:
            assert link.text_content() == str(title)
        if document in stated:
            assert f"{stated[document]} stated by the source" in li.text_content()
        target = html(web, link.get("href"))
        assert target.xpath("//h1")[0].text_content() == link.text_content()


def test_a_source_page_shows_its_catalogue_record(web: Any, secon_graph: rdflib.Graph) -> None:
    documents = sorted(d for d in secon_graph.subjects(RDF.type, SG.SourceDocument)
                       if str(d).startswith("https://www.") and secon_graph.value(d, DCTERMS.publisher))  # fmt: skip
    document = documents[0]
    doc = html(web, "/sources")
    href = doc.xpath(f'//a[@data-iri="{document}"]/@href')[0]
    record = html(web, href).xpath('//dl[@class="record"]')[0]
    assert record.xpath(f'.//a[@href="{document}"]')  # an http(s) address is a link
    publisher = secon_graph.value(document, DCTERMS.publisher)
    assert record.xpath(f'.//a[@data-iri="{publisher}"]')
    issued = secon_graph.value(document, DCTERMS.issued)
    if issued is not None:
        assert str(issued) in record.text_content()
    copies = [str(c) for c in secon_graph.objects(document, SG.localCopy)]
    assert all(c in record.text_content() for c in copies)
    assert not record.xpath(f'.//a[@href="{copies[0]}"]')  # not an http(s) link


def _top_events(graph: rdflib.Graph) -> dict[Any, tuple[str, int]]:
    """Each dated event that is not part of another: its start and number of participants."""
    kinds = subclasses(graph, SG.Event)
    found = {}
    for event, start in graph.subject_objects(SG.startDate):
        if (
            set(graph.objects(event, RDF.type)) & kinds
            and graph.value(event, SG.superEvent) is None
        ):
            parts = set(graph.transitive_subjects(SG.superEvent, event))
            who = {p for x in graph.subjects(SG.event, None) if graph.value(x, SG.event) in parts
                   for p in graph.objects(x, SG.participant)}  # fmt: skip
            found[event] = (str(start), len(who))
    return found


def test_events_is_a_timeline_by_year_and_month(web: Any, secon_graph: rdflib.Graph) -> None:
    events = _top_events(secon_graph)
    doc = html(web, "/events")
    items = doc.xpath('//div[@class="timeline"]//li')
    order = [li.xpath(".//strong/a/@data-iri")[0] for li in items]
    assert order == [str(e) for e in sorted(events, key=lambda e: (events[e][0], str(e)))]
    for li in items:
        event = URIRef(li.xpath(".//strong/a/@data-iri")[0])
        start, participants = events[event]
        month = li.getparent().getprevious()
        assert month.tag == "h3" and month.get("id") == f"m{start[:7]}"
        year = li.xpath("ancestor::section/h2")[0].text_content()
        assert year == start[:4]
        assert re.search(rf"\b{participants} participants?\b", li.text_content())
    years = doc.xpath('//div[@class="timeline"]/section/h2/text()')
    assert years == sorted(set(years))


def test_regions_lists_who_is_there_by_country(web: Any, secon_graph: rdflib.Graph) -> None:
    doc = html(web, "/regions")
    orgs = subclasses(secon_graph, SG.Organisation)
    pairs = [(o, r) for o, r in secon_graph.subject_objects(SG.territory)
             if set(secon_graph.objects(o, RDF.type)) & orgs]  # fmt: skip
    assert pairs
    for org, region in pairs:
        (li,) = doc.xpath(f'//ul[@class="cards"]/li[strong/a[@data-iri="{region}"]]')
        assert li.xpath(f'.//a[@data-iri="{org}"]')
        code = secon_graph.value(region, SG.nutsCode)
        assert (code is None) or li.xpath(f'./code[text()="{code}"]')
        country = secon_graph.value(region, SG.country)
        assert li.xpath(f'ancestor::section/h2/a[@data-iri="{country}"]')


@pytest.mark.server
@pytest.mark.browser
@pytest.mark.parametrize("path", ["/events", "/sources", "/regions"])
def test_the_lists_fit_375_px_in_chromium(served: str, browser: Any, path: str) -> None:
    context = browser.new_context(viewport={"width": 375, "height": 740})
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda e: errors.append(str(e)))
    try:
        tab.goto(f"{served}{path}")
        assert tab.locator("h1").inner_text()
        assert tab.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        assert errors == []
    finally:
        context.close()
