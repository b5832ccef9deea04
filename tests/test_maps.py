"""Collaboration maps (issue 4, part b): determinism, safety, and a real headless Chromium.

The browser tests open each SECON map and one built from hostile strings in Debian's Chromium
(Playwright with ``executable_path``), record every request and console message, and use the
page's vis-network the way a reader does: hover, search, filter.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from click.testing import CliRunner

from secongraph import cli as cli_module
from secongraph.errors import SecongraphError, SourceError
from secongraph.maps import MAP_KINDS, map_html, project_map, render_map, write_maps
from secongraph.network.facts import Facts, facts_read_once
from secongraph.paths import nuts_outlines_folder
from secongraph.reference import NUTS_CREDIT, NUTS_FOLDER, nuts_outlines

HOSTILE = (
    "<img src=x onerror=window.__pwned=1>",
    "</script><script>window.__pwned=1</script>",
    "line\u2028separator & <b>bold</b>",
)
DATA_OPEN = '<script type="application/json" id="map-data">'


def payload(html: str) -> dict[str, Any]:
    """The map's data, as the page parses it."""
    start = html.index(DATA_OPEN) + len(DATA_OPEN)
    data: dict[str, Any] = json.loads(html[start : html.index("</script>", start)])
    return data


def small_graph() -> nx.Graph:
    """Three organisations and two ties, with the attributes of secongraph.network's projections."""
    graph = nx.Graph()
    for i, (kind_type, country, lat, lon) in enumerate(
        [("municipality", "Bulgaria", 41.93, 25.55), ("NGO", "Greece", 37.51, 22.37),
         ("NGO", "Greece", 37.51, 22.37)]
    ):  # fmt: skip
        graph.add_node(
            f"https://example.org/org/{i}", label=f"Organisation {i}", kind="organisation",
            type=kind_type, country=country, region="BG422" if i == 0 else "EL653",
            lat=lat, lon=lon, sources=[f"https://example.org/source/{i}"],
            partner=i == 0, lead_partner=i == 0, degree=2 - (i > 0),
        )  # fmt: skip
    for a, b, weight in [(0, 1, 2), (0, 2, 1)]:
        graph.add_edge(
            f"https://example.org/org/{a}", f"https://example.org/org/{b}", weight=weight,
            events=[f"https://example.org/event/{a}{b}"], event_labels=[f"Workshop {a}{b}"],
            projects=[], sources=["https://example.org/source/0"],
        )  # fmt: skip
    return graph


def hostile_graph() -> nx.Graph:
    """Labels, types, places, sources and event names that try to become markup or script."""
    graph = nx.Graph()
    for i, text in enumerate(HOSTILE):
        graph.add_node(
            f"https://example.org/hostile/{i}", label=text, kind="organisation", type=text,
            country=text, region=text, lat=None, lon=None, sources=[text], added={text: [text]},
            partner=False, lead_partner=False,
        )  # fmt: skip
    graph.add_edge(
        "https://example.org/hostile/0", "https://example.org/hostile/1", weight=1,
        events=["https://example.org/e"], event_labels=[HOSTILE[1]], projects=[], sources=[HOSTILE[0]],
        added={HOSTILE[2]: [HOSTILE[1]]},
    )  # fmt: skip
    return graph


# --- without a browser ------------------------------------------------------------------------


def test_same_input_gives_the_same_bytes(tmp_path: Path, data_dir: Path) -> None:
    outlines = nuts_outlines(data_dir / NUTS_FOLDER, ["BG422", "EL653"])
    for geographic in (False, True):
        first = render_map(small_graph(), tmp_path / "a.html", title="T", geographic=geographic,
                           outlines=outlines)  # fmt: skip
        second = render_map(small_graph(), tmp_path / "b.html", title="T", geographic=geographic,
                            outlines=outlines)  # fmt: skip
        assert first.read_bytes() == second.read_bytes()


def test_markup_loads_nothing_and_allows_only_its_own_scripts() -> None:
    """No element of the page names a resource; the CSP forbids every load and foreign script."""

    class Elements(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.tags: list[tuple[str, dict[str, str | None]]] = []

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            self.tags.append((tag, dict(attrs)))

    parser = Elements()
    parser.feed(map_html(hostile_graph(), title=HOSTILE[1]))
    names = [tag for tag, _ in parser.tags]
    assert "link" not in names and "img" not in names and "iframe" not in names
    for tag, attrs in parser.tags:
        assert not {"src", "href", "action", "srcset"} & attrs.keys(), tag
    assert names.count("script") == 3  # data, vis-network, the map: the hostile title made none
    csp = next(
        a["content"] for t, a in parser.tags if a.get("http-equiv") == "Content-Security-Policy"
    )
    assert (
        csp is not None
        and "default-src 'none'" in csp
        and "unsafe" not in csp.split("style-src")[0]
    )


def test_data_travels_as_escaped_json() -> None:
    html = map_html(hostile_graph(), title=HOSTILE[1])
    data = payload(html)
    assert data["title"] == HOSTILE[1]
    assert sorted(data["nodes"]["label"]) == sorted(HOSTILE)
    assert HOSTILE[1] not in html and "\u2028" not in html
    assert html.count("</script>") == 3


def test_what_the_project_added_travels_apart_from_the_sources() -> None:
    graph = small_graph()
    graph.nodes["https://example.org/org/1"]["added"] = {
        "translation": ["https://example.org/source/t"],
        "modelling": ["https://example.org/source/m", "https://example.org/source/1"],
    }
    data = payload(map_html(graph, title="T"))
    strings = data["strings"]
    index = data["nodes"]["iri"].index("https://example.org/org/1")

    def decoded(entries: list[Any]) -> list[tuple[str, list[str]]]:
        return [(strings[m], [strings[d] for d in docs]) for m, docs in entries]

    assert decoded(data["nodes"]["added"][index]) == [
        ("modelling", ["https://example.org/source/1", "https://example.org/source/m"]),
        ("translation", ["https://example.org/source/t"]),
    ]
    assert [strings[s] for s in data["nodes"]["sources"][index]] == ["https://example.org/source/1"]
    assert all(entries == [] for entries in data["edges"]["added"])  # the ties add nothing


def test_strongest_ties_are_shown_and_counted() -> None:
    graph = nx.complete_graph([f"https://example.org/{i}" for i in range(6)])
    for a, b in graph.edges:
        graph.edges[a, b]["weight"] = 1
    graph.add_edge("https://example.org/0", "https://example.org/1", weight=5)
    data = payload(map_html(graph, title="T", max_ties_per_node=1))
    assert data["ties"] == {"shown": 5, "total": 15, "maxPerNode": 1}
    assert (0, 1) in set(zip(data["edges"]["from"], data["edges"]["to"], strict=True))
    everything = payload(map_html(graph, title="T", max_ties_per_node=None))
    assert everything["ties"] == {"shown": 15, "total": 15, "maxPerNode": None}
    dense = nx.complete_graph([f"https://example.org/{i}" for i in range(80)])  # 3,160 ties
    auto = payload(map_html(dense, title="T"))["ties"]
    assert auto["maxPerNode"] == 5 and auto["total"] == 3160 and auto["shown"] < 3160


def test_geographic_view_places_nodes_by_longitude_and_latitude(data_dir: Path) -> None:
    outlines = nuts_outlines(data_dir / NUTS_FOLDER, ["BG422", "EL653"])
    graph = small_graph()
    graph.add_node("https://example.org/org/nowhere", label="Nowhere", lat=None, lon=None)
    data = payload(map_html(graph, title="T", geographic=True, outlines=outlines))
    assert data["unplaced"] == 1 and "Nowhere" not in data["nodes"]["label"]
    x, y = data["nodes"]["x"], data["nodes"]["y"]
    assert x[0] > x[1] and y[0] < y[1]  # Haskovo lies east and north of Tripoli
    assert {o["id"]: o["role"] for o in data["outlines"]}["BG422"] == "region"
    assert "EuroGeographics" in data["attribution"]


def test_unknown_metric_or_colouring_is_refused() -> None:
    with pytest.raises(SecongraphError, match='Unknown metric "closeness"'):
        map_html(small_graph(), title="T", size_by="closeness")
    with pytest.raises(SecongraphError, match='no "betweenness" values'):
        map_html(small_graph(), title="T", size_by="betweenness")
    with pytest.raises(SecongraphError, match='Unknown colouring "size"'):
        map_html(small_graph(), title="T", color_by="size")


def test_nuts_outlines_reads_regions_and_refuses_unknown_codes(data_dir: Path) -> None:
    outlines = nuts_outlines(data_dir / NUTS_FOLDER, ["EL65", "BG422"])
    roles = {f["properties"]["id"]: f["properties"]["role"] for f in outlines["features"]}
    assert roles["EL65"] == roles["BG422"] == "region" and roles["DE"] == "context"
    with pytest.raises(SourceError, match="no NUTS 2021 outline for XX9"):
        nuts_outlines(data_dir / NUTS_FOLDER, ["XX9"])


def test_cli_map_writes_the_file(tmp_path: Path, data_dir: Path) -> None:
    output = tmp_path / "bg.html"
    result = CliRunner().invoke(
        cli_module.cli,
        ["map", "geographic", "--data", str(data_dir), "--country", "BG", "-o", str(output)],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    assert {c for c in payload(output.read_text())["nodes"]["country"]} == {"Bulgaria"}


def test_cli_maps_writes_every_map(tmp_path: Path, data_dir: Path) -> None:
    args = ["maps", "--data", str(data_dir), "--out", str(tmp_path)]
    result = CliRunner().invoke(cli_module.cli, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f"map-{k}.html" for k in MAP_KINDS)


TINY = """\
@prefix sg: <https://w3id.org/secongraph/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix schema: <https://schema.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix region: <https://w3id.org/secongraph/id/region/> .
@prefix t: <https://example.org/secongraph-test/tiny/> .

region:bg422 a sg:NutsRegion ; sg:nutsCode "BG422" ; sg:nutsLevel 3 ;
    schema:latitude 41.93 ; schema:longitude 25.55 .
region:el653 a sg:NutsRegion ; sg:nutsCode "EL653" ; sg:nutsLevel 3 ;
    schema:latitude 37.51 ; schema:longitude 22.37 .
region:xx999 a sg:NutsRegion ; sg:nutsCode "XX999" ; sg:nutsLevel 3 .
t:a a sg:Municipality ; rdfs:label "Tiny municipality"@en ; sg:locatedIn region:bg422 .
t:b a sg:NGO ; rdfs:label "Tiny NGO"@en ; sg:locatedIn region:el653 .
t:c a sg:NGO ; rdfs:label "Tiny NGO of no known region"@en ; sg:locatedIn region:xx999 .
t:e a sg:Workshop ; rdfs:label "Tiny workshop"@en ; sg:startDate "2024-05-06"^^xsd:date .
t:pa a sg:Participation ; sg:event t:e ; sg:participant t:a .
t:pb a sg:Participation ; sg:event t:e ; sg:participant t:b .
t:pc a sg:Participation ; sg:event t:e ; sg:participant t:c .
"""
"""Three organisations at one workshop; no project, no ``reference/`` folder, a region (XX999)
that NUTS 2021 has no outline for."""


@pytest.fixture
def tiny_data(tmp_path: Path) -> Path:
    folder = tmp_path / "tiny"
    folder.mkdir()
    (folder / "tiny.ttl").write_text(TINY, encoding="utf-8")
    return folder


def test_maps_skip_what_the_data_cannot_fill_with_a_note(tiny_data: Path, tmp_path: Path) -> None:
    """Any data folder: no reference/ inside it, no project; the partnership map is skipped."""
    out = tmp_path / "out"
    result = CliRunner().invoke(
        cli_module.cli, ["maps", "--data", str(tiny_data), "--out", str(out)],
        catch_exceptions=False,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == sorted(
        f"map-{kind}.html" for kind in MAP_KINDS if kind != "partnership"
    )
    notes = [line for line in result.stderr.splitlines() if line.startswith("Skipped")]
    assert notes == [
        "Skipped the partnership map: the data cannot fill it "
        "(project='secon': no project with partners in the graph)."
    ]
    geographic = payload((out / "map-geographic.html").read_text(encoding="utf-8"))
    roles = {outline["id"]: outline["role"] for outline in geographic["outlines"]}
    assert roles["BG422"] == roles["EL653"] == "region" and roles["DE"] == "context"
    assert "XX999" not in roles and "EuroGeographics" in geographic["attribution"]
    network = payload((out / "map-co-participation.html").read_text(encoding="utf-8"))
    assert len(network["nodes"]["id"]) == 3


def test_the_partnership_map_alone_still_fails_in_one_line(tiny_data: Path, tmp_path: Path) -> None:
    output = tmp_path / "p.html"
    result = CliRunner().invoke(
        cli_module.cli, ["map", "partnership", "--data", str(tiny_data), "-o", str(output)],
        catch_exceptions=False,
    )  # fmt: skip
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == (
        "Error: project='secon': no project with partners in the graph."
    )
    assert not output.exists()


def test_write_maps_says_which_map_it_skipped(tiny_data: Path, tmp_path: Path) -> None:
    from secongraph.store import build_store

    skipped: list[tuple[str, str]] = []
    paths = write_maps(build_store(tiny_data), tmp_path, skipped=lambda *s: skipped.append(s))
    assert [kind for kind, _ in skipped] == ["partnership"]
    assert [p.name for p in paths] == [f"map-{k}.html" for k in MAP_KINDS if k != "partnership"]


def test_the_outlines_come_with_the_package() -> None:
    """The geographic maps read the folder paths.py names, whatever the data folder."""
    folder = nuts_outlines_folder()
    assert sorted(p.name for p in folder.glob("nutsrg_60M_*.json")) == [
        f"nutsrg_60M_{level}.json" for level in range(4)
    ]
    assert NUTS_CREDIT.split(" — ")[0] in (folder / "SOURCE.md").read_text("utf-8")


def test_partnership_map_shows_the_nine_partners(secon_maps: dict[str, Path]) -> None:
    nodes = payload(secon_maps["partnership"].read_text())["nodes"]
    assert len(nodes["id"]) == 9 and all(nodes["partner"]) and sum(nodes["lead"]) == 1


# --- in a real headless Chromium ----------------------------------------------------------------


class Opened:
    """A map open in a page, with every request and console error it caused."""

    def __init__(self, page: Any, requests: list[str], errors: list[str]) -> None:
        self.page, self.requests, self.errors = page, requests, errors

    def js(self, expression: str, arg: Any = None) -> Any:
        return self.page.evaluate(expression, arg)

    def wait_for(self, predicate: str, arg: Any = None) -> None:
        """Poll ``predicate`` until it is true (``page.wait_for_function`` evaluates strings with
        eval, which the map's Content-Security-Policy rightly refuses)."""
        for _ in range(200):
            if self.js(predicate, arg):
                return
            self.page.wait_for_timeout(50)
        pytest.fail(f"never true in the page: {predicate}")

    def hover_node(self, node_id: int) -> None:
        """Move the mouse over a node's position on the canvas, as a reader would."""
        point = self.js(
            "id => { const n = window.secongraphMap.network;"
            " return n.canvasToDOM(n.getPositions([id])[id]); }", node_id
        )  # fmt: skip
        box = self.page.locator("#network canvas").bounding_box()
        self.page.mouse.move(box["x"] + point["x"], box["y"] + point["y"])


@contextmanager
def opened(browser: Any, path: Path) -> Iterator[Opened]:
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    requests: list[str] = []
    errors: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        page.goto(path.as_uri())
        result = Opened(page, requests, errors)
        result.wait_for("() => window.secongraphMap && window.secongraphMap.firstDrawn > 0")
        yield result
    finally:
        page.close()


DRAWN_PIXELS = """() => {
  const canvas = document.querySelector('#network canvas');
  const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  let drawn = 0;
  for (let i = 0; i < pixels.length; i += 4) { if (pixels[i + 3] > 0) drawn++; }
  return drawn;
}"""


@pytest.mark.browser
@pytest.mark.parametrize("kind", list(MAP_KINDS))
def test_secon_map_works_offline_in_chromium(browser: Any, secon_maps: dict[str, Path], kind: str) -> None:  # fmt: skip
    path = secon_maps[kind]
    data = payload(path.read_text())
    count = len(data["nodes"]["id"])
    with opened(browser, path) as page:
        assert page.js("window.secongraphMap.network.body.data.nodes.length") == count
        assert page.js(DRAWN_PIXELS) > 1000

        # hover: the node's details appear as text
        biggest = max(range(count), key=lambda i: (data["nodes"]["size"][i], -i))
        page.hover_node(biggest)
        page.wait_for(
            "label => document.querySelector('#details h2')?.textContent === label",
            data["nodes"]["label"][biggest],
        )
        sources = page.page.locator("#details dt").filter(has_text="Source").count()
        assert sources == (1 if data["nodes"]["sources"][biggest] else 0)
        # what the project added is listed apart, one row per method
        added = page.page.locator("#details dt").filter(has_text="Added by the project")
        methods = [data["strings"][m] for m, _ in data["nodes"]["added"][biggest]]
        assert added.all_text_contents() == [f"Added by the project ({m})" for m in methods]

        # search: Enter selects the first match, focuses the view on it and shows its details
        target = count - 1
        page.page.fill("#search", data["nodes"]["label"][target])
        page.page.press("#search", "Enter")
        assert page.js("window.secongraphMap.network.getSelectedNodes()") == [target]
        # focus mode: everything outside the node's neighbourhood is dimmed
        outside = (
            count - 1 - len(page.js(f"window.secongraphMap.network.getConnectedNodes({target})"))
        )
        dimmed = (
            "window.secongraphMap.nodes.get({filter: n => n.color.background === '#ececec'}).length"
        )
        assert page.js(dimmed) == outside
        page.wait_for(
            """id => { const n = window.secongraphMap.network;
                       const p = n.canvasToDOM(n.getPositions([id])[id]);
                       const c = document.querySelector('#network canvas');
                       return Math.abs(p.x - c.clientWidth / 2) < 2 && Math.abs(p.y - c.clientHeight / 2) < 2; }""",
            target,
        )  # fmt: skip

        # filter: unticking a type hides exactly its nodes (where there is more than one type)
        types = data["categories"]["type"]
        if len(types) > 1:
            page.page.locator("#filter-type input").first.uncheck()
            hidden = "window.secongraphMap.nodes.get({filter: n => n.hidden}).length"
            assert page.js(hidden) == types[0]["count"]
        else:
            assert page.page.locator("#filter-type").is_hidden()

        assert page.errors == []
        assert page.requests == [path.as_uri()]


@pytest.mark.browser
def test_tie_hover_shows_the_events_behind_it(browser: Any, secon_maps: dict[str, Path]) -> None:
    path = secon_maps["partnership"]
    with opened(browser, path) as page:
        page.page.mouse.move(0, 0)
        middle = page.js(
            """() => { const n = window.secongraphMap.network;
                       const e = window.secongraphMap.data.edges[0];
                       const p = n.getPositions([e.from, e.to]);
                       return n.canvasToDOM({x: (p[e.from].x + p[e.to].x) / 2, y: (p[e.from].y + p[e.to].y) / 2}); }"""
        )  # fmt: skip
        box = page.page.locator("#network canvas").bounding_box()
        page.page.mouse.move(box["x"] + middle["x"], box["y"] + middle["y"])
        page.wait_for("document.querySelector('#details h2')?.textContent.includes(' — ')")
        terms = page.page.locator("#details dt").all_text_contents()
        assert "Shared events and projects" in terms and "Projects" in terms


@pytest.mark.browser
def test_geographic_map_draws_region_outlines_behind_nodes(browser: Any, secon_maps: dict[str, Path]) -> None:  # fmt: skip
    with opened(browser, secon_maps["geographic"]) as page:
        shaded = page.js(
            """() => { const c = document.querySelector('#network canvas');
                       const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                       let n = 0;
                       for (let i = 0; i < d.length; i += 4) { if (d[i] === 220 && d[i+1] === 232 && d[i+2] === 244) n++; }
                       return n; }"""
        )  # fmt: skip
        assert shaded > 100  # the fill of the organisations' NUTS regions (#dce8f4)
        assert "EuroGeographics" in page.page.locator("#attribution").text_content()


@pytest.mark.browser
def test_injected_strings_stay_text(browser: Any, tmp_path: Path) -> None:
    path = render_map(hostile_graph(), tmp_path / "hostile.html", title=HOSTILE[1])
    with opened(browser, path) as page:
        assert page.page.title() == HOSTILE[1]
        assert page.page.locator("#map-title").text_content() == HOSTILE[1]
        legend = page.page.locator("#legend").text_content()
        assert HOSTILE[0] in legend and HOSTILE[1] in legend
        page.hover_node(0)
        page.wait_for("() => document.querySelector('#details h2') !== null")
        assert page.page.locator("#details h2").text_content() == HOSTILE[0]
        added = page.page.locator("#details dt").filter(has_text="Added by the project")
        assert added.all_text_contents() == [f"Added by the project ({HOSTILE[0]})"]
        page.page.fill("#search", "onerror")
        assert (
            page.page.locator("#search-results button").first.text_content().startswith(HOSTILE[0])
        )
        assert page.js("typeof window.__pwned") == "undefined"
        assert page.page.locator("#details img, #legend img, #search-results img, b").count() == 0
        assert page.errors == []
        assert page.requests == [path.as_uri()]


def test_maps_drawn_together_are_the_maps_drawn_one_by_one(
    secon_store: Any, secon_maps: dict[str, Path], data_dir: Path, tmp_path: Path
) -> None:
    """write_maps reads the store's facts once for every map; each page is the one drawn alone."""
    assert set(secon_maps) == set(MAP_KINDS)
    for kind, together in secon_maps.items():
        alone = project_map(
            secon_store, kind, tmp_path / f"{kind}.html", reference_dir=data_dir / NUTS_FOLDER
        )
        assert alone.read_bytes() == together.read_bytes(), kind


def test_facts_are_read_once_per_store_only_within_the_block(secon_store: Any) -> None:
    assert Facts.load(secon_store) is not Facts.load(secon_store)
    with facts_read_once():
        first = Facts.load(secon_store)
        assert Facts.load(secon_store) is first
    assert Facts.load(secon_store) is not first
