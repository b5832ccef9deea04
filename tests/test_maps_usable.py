"""Maps a policymaker can use anywhere (issue 10, item 8), in Debian's Chromium: axe's WCAG 2.1
AA rules, the keyboard, a 375 px phone, the caption, sources by title, entity links, a legend
that follows the filters, plain metric names, labels that do not overlap, the PNG download.

Expected values come from the page's own data (its JSON) or from rdflib over data/, never from
the page's script.
"""

from __future__ import annotations

import re
import struct
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
import rdflib
from axe import assert_accessible
from rdflib import DCTERMS, RDF
from test_maps import DRAWN_PIXELS, Opened, hostile_graph, opened, payload, small_graph

from secongraph.errors import ParameterError
from secongraph.maps import MAP_KINDS, SIZE_BY, map_html, render_map
from secongraph.namespaces import SG
from secongraph.store import Store

pytestmark = pytest.mark.browser

SECON = "https://w3id.org/secongraph/id/"


def biggest(data: dict[str, Any]) -> int:
    nodes = data["nodes"]
    return max(range(len(nodes["id"])), key=lambda i: (nodes["size"][i], -i))


def show_node(page: Opened, data: dict[str, Any], node: int) -> None:
    """Pick a node as a keyboard user does: its name in the search box, then Enter."""
    page.page.fill("#search", data["nodes"]["label"][node])
    page.page.press("#search", "Enter")
    page.wait_for(
        "label => document.querySelector('#details h2')?.textContent === label",
        data["nodes"]["label"][node],
    )


# --- accessibility and the keyboard ---------------------------------------------------------


@pytest.mark.parametrize("kind", list(MAP_KINDS))
def test_every_map_passes_axe(browser: Any, secon_maps: dict[str, Path], kind: str) -> None:
    data = payload(secon_maps[kind].read_text())
    with opened(browser, secon_maps[kind]) as page:
        assert_accessible(page.page)
        show_node(page, data, biggest(data))  # the details panel, with its links
        page.page.locator("#filter-country input").first.uncheck()
        assert_accessible(page.page)
        page.page.set_viewport_size({"width": 375, "height": 740})
        assert_accessible(page.page)


def tab_to(page: Opened, selector: str) -> None:
    """Press Tab until the element ``selector`` has the focus (fail after 80 presses)."""
    for _ in range(80):
        if page.js("s => document.activeElement?.matches(s) ?? false", selector):
            return
        page.page.keyboard.press("Tab")
    pytest.fail(f"Tab never reached {selector}")


def test_the_map_works_by_keyboard(browser: Any, secon_maps: dict[str, Path]) -> None:
    path = secon_maps["co-participation"]
    data = payload(path.read_text())
    target = biggest(data)
    with opened(browser, path) as page:
        network = "window.secongraphMap.network"
        page.page.locator("body").focus()
        # find by name, Enter: the node is selected, in focus mode, its details and its link shown
        tab_to(page, "#search")
        page.page.keyboard.type(data["nodes"]["label"][target])
        page.page.keyboard.press("Enter")
        assert page.js(f"{network}.getSelectedNodes()") == [target]
        tab_to(page, "#details a")
        assert page.js("document.activeElement.closest('#details') !== null")
        # Esc leaves focus mode
        page.page.keyboard.press("Escape")
        assert page.js(f"{network}.getSelectedNodes()") == []
        # a filter: Space on its box hides that type's nodes
        tab_to(page, "#filter-type input")
        page.page.keyboard.press("Space")
        hidden = page.js("window.secongraphMap.nodes.get({filter: n => n.hidden}).length")
        assert hidden == data["categories"]["type"][0]["count"]
        # the view's buttons: Enter zooms in, moves right
        scale = page.js(f"{network}.getScale()")
        tab_to(page, "#zoom-in")
        page.page.keyboard.press("Enter")
        page.wait_for(f"s => {network}.getScale() > s * 1.2", scale)
        at = page.js(f"{network}.getViewPosition().x")
        tab_to(page, "[aria-label='Move right']")
        page.page.keyboard.press("Enter")
        page.wait_for(f"x => {network}.getViewPosition().x > x + 1", at)
        # the canvas itself: arrow keys move the view, + and - zoom
        tab_to(page, ".vis-network")
        assert page.js("document.activeElement.getAttribute('role')") == "application"
        at = page.js(f"{network}.getViewPosition().x")
        page.page.keyboard.down("ArrowLeft")
        page.page.wait_for_timeout(200)
        page.page.keyboard.up("ArrowLeft")
        assert page.js(f"{network}.getViewPosition().x") != at
        scale = page.js(f"{network}.getScale()")
        page.page.keyboard.down("-")
        page.page.wait_for_timeout(200)
        page.page.keyboard.up("-")
        assert page.js(f"{network}.getScale()") < scale
        assert page.errors == []


# --- a phone ----------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["co-participation", "geographic"])
def test_at_375_px_the_panels_stack_and_the_map_stays_usable(browser: Any, secon_maps: dict[str, Path], kind: str) -> None:  # fmt: skip
    page = browser.new_page(viewport={"width": 375, "height": 740}, has_touch=True)
    try:
        page.goto(secon_maps[kind].as_uri())
        page_ = Opened(page, [], [])
        page_.wait_for("() => window.secongraphMap && window.secongraphMap.declutters > 0")
        boxes = {
            name: page.locator(name).bounding_box()
            for name in ("#sidebar", "#stage", "#details", "#network")
        }
        for name, box in boxes.items():
            assert box["x"] == pytest.approx(0, abs=1) and box["width"] == pytest.approx(375, abs=1), name  # fmt: skip
        # one column: each panel below the one before
        assert boxes["#stage"]["y"] + boxes["#stage"]["height"] <= boxes["#sidebar"]["y"] + 1
        assert boxes["#sidebar"]["y"] + boxes["#sidebar"]["height"] <= boxes["#details"]["y"] + 1
        # the network: first, in view, a reasonable height; nothing wider than the screen
        assert boxes["#network"]["height"] >= 300 and boxes["#network"]["y"] < 740 / 2
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        assert page.evaluate(DRAWN_PIXELS) > 1000
        # zoom and move by touch on the buttons
        network = "window.secongraphMap.network"
        scale = page.evaluate(f"{network}.getScale()")
        page.locator("#zoom-in").tap()
        page_.wait_for(f"s => {network}.getScale() > s * 1.2", scale)
        at = page.evaluate(f"{network}.getViewPosition().y")
        page.locator("[aria-label='Move down']").tap()
        page_.wait_for(f"y => {network}.getViewPosition().y > y + 1", at)
    finally:
        page.close()


# --- what a map says: data, sources, entity pages, plain words ---------------------------------


def test_the_caption_names_the_data_and_its_date(browser: Any, secon_maps: dict[str, Path], secon_store: Store, secon_graph: rdflib.Graph, data_dir: Path) -> None:  # fmt: skip
    newest = max(
        str(created)
        for graph in secon_graph.subjects(RDF.type, SG.SourceGraph)
        for created in secon_graph.objects(graph, DCTERMS.created)
    )
    with opened(browser, secon_maps["partnership"]) as page:
        caption = page.page.locator("#caption")
        assert caption.is_visible()
        text = caption.text_content()
        assert f"“{data_dir.name}”" in text and newest in text
        assert f"{len(secon_store):,} statements" in text


def test_sources_are_titles_linked_only_to_web_addresses(browser: Any, secon_maps: dict[str, Path], secon_graph: rdflib.Graph) -> None:  # fmt: skip
    path = secon_maps["co-participation"]
    data = payload(path.read_text())
    strings = data["strings"]
    cited = [
        i for i, refs in enumerate(data["nodes"]["sources"])
        if any(strings[r].startswith("https://") and SECON not in strings[r] for r in refs)
    ]  # fmt: skip
    assert cited
    node = cited[0]
    with opened(browser, path) as page:
        show_node(page, data, node)
        links = page.js(
            """() => [...document.querySelectorAll('#details a')].map(a =>
                 [a.getAttribute('href'), a.textContent, a.rel])"""
        )
        by_href = {href: (text, rel) for href, text, rel in links}
        for ref in data["nodes"]["sources"][node]:
            iri = strings[ref]
            title = secon_graph.value(rdflib.URIRef(iri), DCTERMS.title)
            assert by_href[iri] == (str(title) if title else iri, "noopener noreferrer")


def test_only_http_addresses_become_links(browser: Any, tmp_path: Path) -> None:
    graph = hostile_graph()
    node = "https://example.org/hostile/0"
    graph.nodes[node]["sources"] = [
        "javascript:window.__pwned=1",
        "https://example.org/doc",
        "urn:x",
    ]
    path = render_map(graph, tmp_path / "h.html", title="T",
                      source_titles={"javascript:window.__pwned=1": "Click me"})  # fmt: skip
    with opened(browser, path) as page:
        page.hover_node(0)
        page.wait_for("() => document.querySelector('#details h2') !== null")
        hrefs = page.js("() => [...document.querySelectorAll('#details a')].map(a => a.href)")
        assert hrefs == ["https://example.org/doc"]
        items = page.page.locator("#details dd li").all_text_contents()
        assert "Click me" in items and "urn:x" in items


def test_nodes_link_to_their_entity_pages(browser: Any, tmp_path: Path) -> None:
    graph = small_graph()
    iri = f"{SECON}organisation/haskovo"
    graph = nx.relabel_nodes(graph, {"https://example.org/org/0": iri})
    for base, expected in (
        (None, iri),
        ("..", "../id/organisation/haskovo"),
        ("https://example.org/site/", "https://example.org/site/id/organisation/haskovo"),
    ):  # fmt: skip
        options = {} if base is None else {"entity_base": base}
        path = render_map(graph, tmp_path / "m.html", title="T", **options)
        data = payload(path.read_text())
        with opened(browser, path) as page:
            show_node(page, data, data["nodes"]["iri"].index(iri))
            link = page.page.locator("#details a").filter(has_text="All about")
            assert link.get_attribute("href") == expected
            assert link.get_attribute("rel") == "noopener noreferrer"
            show_node(page, data, data["nodes"]["iri"].index("https://example.org/org/1"))
            assert page.page.locator("#details a").filter(has_text="All about").count() == 0
    with pytest.raises(ParameterError, match='entity_base "javascript:x"'):
        map_html(graph, title="T", entity_base="javascript:x")


TECHNICAL = re.compile(r"\b(degree|betweenness|eigenvector|centrality|modularity)\b", re.I)


def plain(text: str) -> bool:
    """No technical metric name outside parentheses (a plain name comes first)."""
    return not TECHNICAL.search(re.sub(r"\([^()]*\)", "", text))


@pytest.mark.parametrize("size_by", list(SIZE_BY))
def test_metric_names_are_plain_words(browser: Any, tmp_path: Path, size_by: str) -> None:
    graph = small_graph()
    for i, node in enumerate(graph):
        graph.nodes[node].update(
            weighted_degree=i + 1, betweenness=0.5, eigenvector=0.3, community=0
        )
    path = render_map(graph, tmp_path / "m.html", title="T", size_by=size_by)
    data = payload(path.read_text())
    with opened(browser, path) as page:
        for colour in ("type", "country", "community"):
            page.page.select_option("#color-by", colour)
            assert plain(page.page.locator("body").inner_text()), colour
        show_node(page, data, 0)
        details = page.page.locator("#details").inner_text()
        assert "ties to well-connected partners" in details.lower() and plain(details)
        assert plain(page.page.locator("#color-by").inner_text())


# --- the legend follows the filters -----------------------------------------------------------


def legend_counts(page: Opened) -> dict[str, int]:
    rows = page.js(
        """() => [...document.querySelectorAll('#legend .legend-row')]
                 .filter(r => r.querySelector('.count'))
                 .map(r => [r.querySelector('.name').textContent, r.querySelector('.count').textContent])"""
    )  # fmt: skip
    return {name: int(count.replace(",", "")) for name, count in rows}


def expected_counts(data: dict[str, Any], colour: str, off: set[int]) -> dict[str, int]:
    """Per colour category, the nodes whose type is not in ``off``, from the page's JSON."""
    position = ["type", "country", "community"].index(colour)
    counts = dict.fromkeys((c["value"] for c in data["categories"][colour]), 0)
    for cats in data["nodes"]["cat"]:
        if cats[0] not in off:
            counts[data["categories"][colour][cats[position]]["value"]] += 1
    return counts


@pytest.mark.parametrize("kind", ["co-participation", "organisation-event"])
def test_the_legend_follows_the_filters(browser: Any, secon_maps: dict[str, Path], kind: str) -> None:  # fmt: skip
    path = secon_maps[kind]
    data = payload(path.read_text())
    types = [cats[0] for cats in data["nodes"]["cat"]]  # node ids are their index
    total = data["ties"]["total"]

    def ties_shown(off: set[int]) -> int:
        return sum(
            1 for a, b in zip(data["edges"]["from"], data["edges"]["to"], strict=True)
            if types[a] not in off and types[b] not in off
        )  # fmt: skip

    with opened(browser, path) as page:
        assert legend_counts(page) == expected_counts(data, data["colorBy"], set())
        assert (
            page.page.locator("#ties-shown")
            .text_content()
            .startswith(f"{ties_shown(set()):,} of {total:,} ties shown")
        )
        page.page.locator("#filter-type input").first.uncheck()
        page.page.select_option("#color-by", "country")
        assert legend_counts(page) == expected_counts(data, "country", {0})
        assert (
            page.page.locator("#ties-shown")
            .text_content()
            .startswith(f"{ties_shown({0}):,} of {total:,} ties shown")
        )
        assert ties_shown({0}) < ties_shown(set())  # the filter did change the count
        page.page.locator("#filter-type input").first.check()
        assert legend_counts(page) == expected_counts(data, "country", set())


# --- labels ------------------------------------------------------------------------------------

LABEL_BOXES = """() => {
  const m = window.secongraphMap, boxes = [];
  for (const id of m.nodes.getIds()) {
    const node = m.network.body.nodes[id], label = node.labelModule;
    if (!node.options.hidden && label.elementOptions.label && label.visible()) {
      boxes.push([id, label.size.left, label.size.top, label.size.width, label.size.height]);
    }
  }
  return boxes;
}"""
"""The labels vis-network draws, with the boxes it measured with the canvas font to draw them
(``labelModule.size``, in canvas coordinates): the proxy of what the reader sees."""


def overlapping(boxes: list[list[float]]) -> list[tuple[int, int]]:
    return [
        (a[0], b[0])
        for i, a in enumerate(boxes)
        for b in boxes[i + 1 :]
        if a[1] < b[1] + b[3] and b[1] < a[1] + a[3] and a[2] < b[2] + b[4] and b[2] < a[2] + a[4]
    ]


def dense_graph() -> nx.Graph:
    """Five tight clusters of 40 organisations with long names, a few ties between clusters."""
    graph = nx.relabel_nodes(
        nx.connected_caveman_graph(5, 40), lambda i: f"https://example.org/org/{i:03}"
    )
    for node in graph:
        graph.nodes[node].update(label=f"Social economy organisation number {node[-3:]}",
                                 type="NGO", country="Greece")  # fmt: skip
    return graph


@pytest.mark.parametrize("kind", [*MAP_KINDS, "dense"])
def test_labels_do_not_overlap(browser: Any, secon_maps: dict[str, Path], tmp_path: Path, kind: str) -> None:  # fmt: skip
    path = (
        render_map(dense_graph(), tmp_path / "dense.html", title="Dense")
        if kind == "dense"
        else secon_maps[kind]
    )
    data = payload(path.read_text())
    with opened(browser, path) as page:
        page.wait_for("() => window.secongraphMap.declutters > 0")
        boxes = page.js(LABEL_BOXES)
        assert boxes and overlapping(boxes) == []
        assert biggest(data) in [b[0] for b in boxes]  # the biggest node keeps its label
        if kind == "dense":
            assert len(boxes) < len(data["nodes"]["id"])  # some were hidden
        # zoomed in, other labels appear and still none overlap
        done = page.js("window.secongraphMap.declutters")
        page.page.click("#zoom-in")
        page.page.click("#zoom-in")
        page.wait_for("n => window.secongraphMap.declutters > n", done)
        zoomed = page.js(LABEL_BOXES)
        assert overlapping(zoomed) == []
        if kind == "dense":
            assert {b[0] for b in zoomed} - {b[0] for b in boxes}


# --- a picture for a briefing ------------------------------------------------------------------


def test_save_as_png_downloads_the_view(browser: Any, secon_maps: dict[str, Path]) -> None:
    path = secon_maps["partnership"]
    with opened(browser, path) as page:
        with page.page.expect_download() as download:
            page.page.click("#save-png")
        file = Path(download.value.path())
        assert download.value.suggested_filename == "map-partnership.png"
        png = file.read_bytes()
        assert png[:8] == b"\x89PNG\r\n\x1a\n" and png[12:16] == b"IHDR"
        width, height = struct.unpack(">II", png[16:24])
        canvas = page.js(
            "() => { const c = document.querySelector('#network canvas'); return [c.width, c.height]; }"
        )
        assert width == canvas[0] and height > canvas[1]  # the title, caption and legend added
        assert page.errors == []
