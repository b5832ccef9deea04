"""The notebook face of the library: results as DataFrames and HTML tables, maps inline."""

from __future__ import annotations

import math
import subprocess
import sys
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from test_maps import DRAWN_PIXELS, HOSTILE, hostile_graph

from secongraph.errors import ParameterError
from secongraph.maps import InlineMap, map_html, project_map, show
from secongraph.queries import load_queries, run_query
from secongraph.results import HTML_ROWS, QueryResult, compact
from secongraph.store import Store


class Elements(HTMLParser):
    """Every element of an HTML fragment, with its attributes and the text directly inside it."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict[str, str | None], list[str]]] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs), []))

    def handle_data(self, data: str) -> None:
        if self.elements:
            self.elements[-1][2].append(data)

    def named(self, tag: str) -> list[tuple[dict[str, str | None], str]]:
        return [(attrs, "".join(text)) for name, attrs, text in self.elements if name == tag]


def hostile_store(tmp_path: Path) -> Store:
    """A store of one organisation per hostile label (an IRI in a secongraph namespace)."""
    lines = ["@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> ."]
    for i, text in enumerate(HOSTILE):
        escaped = text.replace("\\", "\\\\").replace('"', '\\"')
        lines.append(
            f'<https://w3id.org/secongraph/id/organisation/hostile-{i}> rdfs:label "{escaped}" .'
        )
    path = tmp_path / "hostile.ttl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    store = Store()
    store.load(path)
    return store


def missing(value: Any) -> bool:
    return value is None or (not isinstance(value, str) and bool(pd.isna(value)))


@pytest.mark.parametrize("name", sorted(load_queries()))
def test_dataframe_has_the_records(secon_store: Store, name: str) -> None:
    result = run_query(secon_store, name)
    frame = result.to_dataframe()
    assert list(frame.columns) == result.variables
    assert len(frame) == len(result)
    for row, record in zip(frame.to_dict("records"), result.records(), strict=True):
        for column, expected in record.items():
            value = row[column]
            if expected is None:
                assert missing(value), (column, value)
            elif isinstance(expected, bool):
                assert value == expected, (column, value)
            elif isinstance(expected, int | float | Decimal):
                assert math.isclose(float(value), float(expected)), (column, value)
            else:  # IRIs and strings as str, dates as dates
                assert value == expected and type(value) is type(expected), (column, value)


def test_dataframe_types_numbers(secon_store: Store) -> None:
    frame = run_query(secon_store, "brokers").to_dataframe()
    for column, values in {
        name: [r[name] for r in run_query(secon_store, "brokers").records()]
        for name in frame.columns
    }.items():
        numeric = all(isinstance(v, int | float) for v in values if v is not None)
        assert pd.api.types.is_numeric_dtype(frame[column]) == numeric, column
    assert frame["betweenness"].sum() > 0  # a column pandas can compute with


def test_html_escapes_and_shortens(tmp_path: Path) -> None:
    result = hostile_store(tmp_path).select(
        "SELECT ?organisation ?label WHERE { ?organisation rdfs:label ?label } ORDER BY ?label"
    )
    html = result._repr_html_()
    parsed = Elements(html)
    assert [tag for tag, _, _ in parsed.elements if tag not in ("table", "thead", "tbody", "tr", "th", "td")] == []  # fmt: skip
    cells = parsed.named("td")
    expected = [
        (str(row[name]) if name == "organisation" else None, compact(row[name]))
        for row in result.rows
        for name in result.variables
    ]
    assert [(attrs.get("title"), text) for attrs, text in cells] == expected
    assert sorted(text for _, text in cells[1::2]) == sorted(HOSTILE)
    assert all(text.startswith("sgid:organisation/hostile-") for _, text in cells[::2])
    assert [text for _, text in parsed.named("th")] == result.variables


def test_html_shows_the_first_rows_and_counts_the_rest() -> None:
    extra = 3
    values = " ".join(str(n) for n in range(HTML_ROWS + extra))
    result = Store().select(f"SELECT ?n WHERE {{ VALUES ?n {{ {values} }} }}")
    parsed = Elements(result._repr_html_())
    assert [text for _, text in parsed.named("td")] == [compact(r["n"]) for r in result.rows[:HTML_ROWS]]  # fmt: skip
    assert [text for _, text in parsed.named("p")] == [f"… {extra} more rows"]
    assert Elements(QueryResult(["n"], result.rows[:HTML_ROWS])._repr_html_()).named("p") == []


def test_missing_pandas_names_the_extra() -> None:
    code = (
        "import sys; sys.modules['pandas'] = None\n"
        "from rdflib import Literal\n"
        "from secongraph.errors import SecongraphError\n"
        "from secongraph.results import QueryResult\n"
        "result = QueryResult(['n'], [{'n': Literal(1)}])\n"
        "assert '<td>1</td>' in result._repr_html_()\n"
        "try:\n"
        "    result.to_dataframe()\n"
        "except ImportError as error:\n"
        "    print(isinstance(error, SecongraphError))\n"
        "    print(error)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.splitlines() == [
        "True",
        "QueryResult.to_dataframe() needs pandas, which is not installed: "
        "pip install 'secongraph[notebook]'",
    ]


def test_map_shows_inline_in_an_isolated_frame(secon_store: Store, tmp_path: Path) -> None:
    shown = show(secon_store, "co-participation", height=480)
    written = project_map(secon_store, "co-participation", tmp_path / "map.html")
    assert shown.page == written.read_text(encoding="utf-8")
    html = shown._repr_html_()
    parsed = Elements(html)
    [(frame, _)] = parsed.named("iframe")
    assert [tag for tag, _, _ in parsed.elements] == ["iframe"]
    assert frame["srcdoc"] == shown.page
    assert frame["title"] == shown.title
    assert "480px" in (frame["style"] or "")
    assert (frame["sandbox"] or "").split() == ["allow-scripts", "allow-downloads"]
    assert "<script" not in html


@pytest.mark.browser
def test_inline_map_draws_in_chromium(browser: Any, secon_store: Store, tmp_path: Path) -> None:
    """The frame runs the map's own scripts under its own policy, as a notebook shows it."""
    host = tmp_path / "notebook.html"
    shown = show(secon_store, "co-participation", height=500)
    host.write_text(f"<!DOCTYPE html><title>cell</title>{shown._repr_html_()}", encoding="utf-8")
    page = browser.new_page(viewport={"width": 1200, "height": 700})
    requests: list[str] = []
    errors: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        page.goto(host.as_uri())
        [frame] = [f for f in page.frames if f is not page.main_frame]
        for _ in range(200):
            if frame.evaluate("() => (window.secongraphMap?.firstDrawn ?? 0) > 0"):
                break
            page.wait_for_timeout(50)
        assert frame.evaluate(DRAWN_PIXELS) > 1000
        assert page.evaluate("() => document.querySelector('iframe').offsetHeight") == 500 + 2
    finally:
        page.close()
    assert errors == []
    assert requests == [host.as_uri()]


def test_inline_map_escapes_a_hostile_title() -> None:
    page = map_html(hostile_graph(), title=HOSTILE[1])
    parsed = Elements(InlineMap(page, title=HOSTILE[0])._repr_html_())
    [(frame, _)] = parsed.named("iframe")
    assert [tag for tag, _, _ in parsed.elements] == ["iframe"]
    assert (frame["srcdoc"], frame["title"]) == (page, HOSTILE[0])


@pytest.mark.parametrize("height", [0, -1, 1.5, True])
def test_inline_map_refuses_a_bad_height(height: Any) -> None:
    with pytest.raises(ParameterError, match="height"):
        InlineMap("<p>map</p>", title="map", height=height)


def test_show_refuses_an_unknown_kind(secon_store: Store) -> None:
    with pytest.raises(ParameterError, match="nope"):
        show(secon_store, "nope")


def test_inline_map_repr_leaves_out_the_page() -> None:
    assert repr(InlineMap("<p>" * 1000, title="map")) == "InlineMap(title='map', height=640)"
