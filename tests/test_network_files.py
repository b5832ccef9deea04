"""Network files for Gephi: CSV tables of nodes and edges, and GEXF with each tie's dates
(issue 11, item 5). Every output is read back by the real reader (csv, networkx, ElementTree)."""

from __future__ import annotations

import csv
import xml.etree.ElementTree as ET
from datetime import date
from itertools import pairwise
from pathlib import Path

import networkx as nx
import pyoxigraph as ox
import pytest

from secongraph.errors import ExportError
from secongraph.network import (
    build_projection,
    co_participation,
    compute_metrics,
    export_network,
    organisation_event,
    unit_periods,
)
from secongraph.store import Store

SG = "https://w3id.org/secongraph/ontology#"
GEXF = "{http://www.gexf.net/1.2draft}"


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.parametrize("projection", ["co-participation", "organisation-event", "region"])
def test_csv_tables_hold_every_node_by_kind_and_every_tie(
    projection: str, secon_store: Store, tmp_path: Path
) -> None:
    graph = compute_metrics(build_projection(secon_store, projection))
    folder = export_network(graph, tmp_path / "tables", fmt="csv-tables")
    kinds = {data["kind"] for _, data in graph.nodes(data=True)}
    plural = {"organisation": "organisations", "event": "events", "group": "groups",
              "country": "countries", "region": "regions"}  # fmt: skip
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        ["edges.csv", *(f"{plural[k]}.csv" for k in kinds)]
    )
    ids = set()
    for kind in kinds:
        with (folder / f"{plural[kind]}.csv").open(encoding="utf-8") as handle:
            header = next(csv.reader(handle))
        assert header[:2] == ["Id", "Label"]
        rows = _read(folder / f"{plural[kind]}.csv")
        expected = {n: d for n, d in graph.nodes(data=True) if d["kind"] == kind}
        assert {r["Id"] for r in rows} == set(expected)
        for row in rows:
            assert row["Label"] == (expected[row["Id"]].get("label") or row["Id"])
            assert float(row["degree"]) == expected[row["Id"]]["degree"]
        ids |= {r["Id"] for r in rows}
    edges = _read(folder / "edges.csv")
    assert list(edges[0])[:4] == ["Source", "Target", "Type", "Weight"]
    assert {(r["Source"], r["Target"]) for r in edges} == set(graph.edges())
    for row in edges:
        assert int(row["Weight"]) == graph.edges[row["Source"], row["Target"]]["weight"]
        assert row["Type"] == "Undirected"
        assert {row["Source"], row["Target"]} <= ids


def test_csv_tables_replace_an_earlier_folder_whole(secon_store: Store, tmp_path: Path) -> None:
    folder = tmp_path / "tables"
    export_network(organisation_event(secon_store), folder, fmt="csv-tables")
    assert (folder / "events.csv").exists()
    export_network(co_participation(secon_store), folder, fmt="csv-tables")
    assert sorted(p.name for p in folder.iterdir()) == ["edges.csv", "organisations.csv"]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporaries left


def test_csv_tables_never_replace_a_folder_of_other_files(
    secon_store: Store, tmp_path: Path
) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(ExportError, match="other things than CSV tables"):
        export_network(co_participation(secon_store), tmp_path, fmt="csv-tables")
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


def _event_days(store: Store) -> dict[str, tuple[date, date]]:
    """Each event's first and last day, read from the store by hand (end = start if none)."""
    starts, ends = {}, {}
    for quad in store.quads():
        if quad.predicate.value in (f"{SG}startDate", f"{SG}endDate"):
            assert isinstance(quad.object, ox.Literal)
            day = date.fromisoformat(quad.object.value[:10])
            (starts if quad.predicate.value.endswith("startDate") else ends)[
                quad.subject.value  # type: ignore[union-attr]
            ] = day
    return {iri: (day, ends.get(iri, day)) for iri, day in starts.items()}


def test_gexf_is_dynamic_with_the_dates_of_each_ties_events(
    secon_store: Store, tmp_path: Path
) -> None:
    graph = co_participation(secon_store)
    path = export_network(
        graph, tmp_path / "g.gexf", fmt="gexf", periods=unit_periods(secon_store, graph)
    )
    root = ET.parse(path).getroot()
    element = root.find(f"{GEXF}graph")
    assert element is not None
    assert (element.get("mode"), element.get("timeformat")) == ("dynamic", "date")
    days = _event_days(secon_store)
    read = nx.read_gexf(path)
    assert read.graph["mode"] == "dynamic"
    dated = 0
    for a, b, data in graph.edges(data=True):
        units = [u for u in [*data["events"], *data["projects"]] if u in days]
        expected = sorted({days[u] for u in units})
        spells = [tuple(map(date.fromisoformat, s)) for s in read.edges[a, b].get("spells", [])]
        assert spells == sorted(spells)
        for (_, end), (start, _) in pairwise(spells):
            assert end < start  # Gephi refuses overlapping spells
        # every event's days lie in one spell, and every spell starts and ends on an event's day
        for first, last in expected:
            assert any(s <= first and last <= e for s, e in spells), (a, b)
        assert {s for s, _ in spells} <= {f for f, _ in expected}
        assert {e for _, e in spells} <= {last for _, last in expected}
        dated += bool(spells)
    assert dated > graph.number_of_edges() / 2
    for node in graph:
        spells = read.nodes[node].get("spells")
        ties = [s for nb in graph[node] for s in read.edges[node, nb].get("spells", [])]
        if ties:
            assert spells == [(min(s for s, _ in ties), max(e for _, e in ties))]


def test_gexf_event_nodes_have_their_own_days(secon_store: Store, tmp_path: Path) -> None:
    graph = organisation_event(secon_store)
    path = export_network(
        graph, tmp_path / "g.gexf", fmt="gexf", periods=unit_periods(secon_store, graph)
    )
    read = nx.read_gexf(path)
    days = _event_days(secon_store)
    events = [n for n, kind in graph.nodes(data="kind") if kind == "event" and n in days]
    assert events
    for event in events:
        first, last = days[event]
        assert read.nodes[event]["spells"] == [(first.isoformat(), last.isoformat())]


def test_gexf_without_dates_stays_static(secon_store: Store, tmp_path: Path) -> None:
    path = export_network(co_participation(secon_store), tmp_path / "g.gexf", fmt="gexf")
    element = ET.parse(path).getroot().find(f"{GEXF}graph")
    assert element is not None and element.get("mode") == "static"
