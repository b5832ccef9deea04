"""The store on disk: ``build`` writes it once, the other commands read it while it is current."""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner, Result

from secongraph.built import (
    MANIFEST,
    STORE_FOLDER,
    build_on_disk,
    open_built,
    stale_files,
    write_dumps,
)
from secongraph.cli import cli
from secongraph.errors import StoreError
from secongraph.export import ExportFormat, export_many
from secongraph.queries import run_query
from secongraph.store import METRICS_GRAPH, build_store, graph_name


@pytest.fixture
def data(tmp_path: Path, data_dir: Path) -> Path:
    return Path(shutil.copytree(data_dir, tmp_path / "data"))


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def test_build_writes_a_store_with_its_manifest(data: Path, tmp_path: Path) -> None:
    built = build_on_disk(data, tmp_path / "out")
    folder = tmp_path / "out" / STORE_FOLDER
    manifest = json.loads((folder / MANIFEST).read_text())
    assert set(manifest["files"]) >= {"kmop-project-page.ttl", "ontology/secongraph.ttl"}
    assert manifest["metrics"] is True and METRICS_GRAPH in manifest["graphs"]
    in_memory = build_store(data)
    assert len(built.store) > len(in_memory)  # the metrics
    assert sum(manifest["graphs"].values()) == len(built.store)
    on_disk = open_built(data, folder)  # the store returned is the build's copy in memory
    assert set(on_disk.oxigraph) == set(built.store.oxigraph)


def test_a_rebuild_reloads_only_what_changed(data: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = build_on_disk(data, out, metrics=False)
    assert len(first.loaded) == len(first.store.files)
    del first
    again = build_on_disk(data, out, metrics=False)
    assert again.unchanged
    del again
    page = data / "kmop-project-page.ttl"
    page.write_text(page.read_text().replace("Social Economy", "Social  Economy"), encoding="utf-8")
    (data / "harghita-county-council-site.ttl").unlink()
    changed = build_on_disk(data, out, metrics=False)
    assert changed.loaded == (page,)
    assert changed.removed == ("harghita-county-council-site.ttl",)
    gone = ox.NamedNode(graph_name(Path("harghita-county-council-site.ttl")))
    assert not changed.store.oxigraph.contains_named_graph(gone)
    fresh = build_store(data)
    assert set(changed.store.oxigraph) == set(fresh.oxigraph)


def test_questions_from_the_built_store_give_the_same_rows(data: Path, tmp_path: Path) -> None:
    build_on_disk(data, tmp_path / "out").store.oxigraph.flush()
    built = open_built(data, tmp_path / "out" / STORE_FOLDER)
    memory = build_store(data)
    for name in ("lead-partner", "timeline", "partners-by-country"):
        assert run_query(built, name).rows == run_query(memory, name).rows, name


def test_the_built_store_is_read_only(data: Path, tmp_path: Path) -> None:
    build_on_disk(data, tmp_path / "out")
    store = open_built(data, tmp_path / "out" / STORE_FOLDER)
    quad = ox.Quad(ox.NamedNode("urn:a"), ox.NamedNode("urn:b"), ox.Literal("c"), ox.DefaultGraph())
    with pytest.raises(RuntimeError, match="read-write"):
        store.oxigraph.add(quad)


def test_a_stale_store_is_reported_and_data_loaded_in_memory(data: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run("build", "--data", data, "--out", out).exit_code == 0
    folder = out / STORE_FOLDER
    assert stale_files(data, folder) == []
    result = run("stats", "--data", data, "--store", folder)
    assert result.exit_code == 0 and f"Opened {folder}" in result.output
    page = data / "kmop-project-page.ttl"
    page.write_text(page.read_text() + "\n# reviewed\n", encoding="utf-8")
    assert stale_files(data, folder) == ["kmop-project-page.ttl"]
    with pytest.raises(StoreError, match=r"out of date \(kmop-project-page.ttl changed"):
        open_built(data, folder)
    result = run("stats", "--data", data, "--store", folder)
    assert result.exit_code == 0
    assert f"Note: {folder} is out of date (kmop-project-page.ttl changed since the build)" in (
        result.output
    )
    assert "Loaded " in result.output


def test_a_store_of_another_data_folder_is_not_used(
    data: Path, tmp_path: Path, data_dir: Path
) -> None:
    out = tmp_path / "out"
    assert run("build", "--data", data, "--out", out).exit_code == 0
    assert stale_files(data_dir, out / STORE_FOLDER) is None
    result = run("stats", "--data", data_dir, "--store", out / STORE_FOLDER)
    assert "Opened" not in result.output and "Note:" not in result.output


def test_a_failed_build_leaves_the_previous_store_as_it_was(data: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    (data / "broken.ttl").write_text("<urn:a> <urn:b> .\n", encoding="utf-8")
    assert run("build", "--data", data, "--out", out).exit_code == 3
    assert not out.exists()  # a first build that fails writes nothing: it reads every file first
    (data / "broken.ttl").unlink()
    before = set(build_on_disk(data, out, metrics=False).store.oxigraph)
    manifest = (out / STORE_FOLDER / MANIFEST).read_bytes()
    page = data / "kmop-project-page.ttl"
    page.write_text(page.read_text() + "\n<urn:a> <urn:b> .\n", encoding="utf-8")
    assert run("build", "--data", data, "--out", out, "--no-metrics").exit_code == 3
    assert (out / STORE_FOLDER / MANIFEST).read_bytes() == manifest
    assert stale_files(data, out / STORE_FOLDER) == ["kmop-project-page.ttl"]
    page.write_text(page.read_text().replace("\n<urn:a> <urn:b> .\n", ""), encoding="utf-8")
    assert set(open_built(data, out / STORE_FOLDER).oxigraph) == before


def test_metrics_come_with_the_store_or_are_added_to_a_copy(data: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run("build", "--data", data, "--out", out, "--no-metrics").exit_code == 0
    folder = out / STORE_FOLDER
    result = run("query", "run", "brokers", "-p", "country=GR", "--format", "csv", "--metrics",
                 "--data", data, "--store", folder)  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Added the metrics" in result.output
    assert "region-of-peloponnese" in result.stdout
    assert json.loads((folder / MANIFEST).read_text())["metrics"] is False  # untouched


def test_the_dumps_are_written_again_only_when_the_store_or_the_file_changed(
    data: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    turtle, trig = out / "secon.ttl", out / "secon.trig"

    def dumps() -> dict[Path, bool]:
        built = build_on_disk(data, out, metrics=False)
        try:
            return dict(write_dumps(built, out))
        finally:
            del built  # the store on disk is opened by one build at a time

    assert dumps() == {turtle: True, trig: True}
    first = turtle.read_bytes(), trig.read_bytes()
    assert dumps() == {turtle: False, trig: False}  # nothing changed: nothing written
    turtle.write_bytes(first[0] + b"# edited by hand\n")
    assert dumps() == {turtle: True, trig: False}
    assert (turtle.read_bytes(), trig.read_bytes()) == first
    page = data / "kmop-project-page.ttl"
    page.write_text(page.read_text().replace("Social Economy", "Social  Economy"), encoding="utf-8")
    assert dumps() == {turtle: True, trig: True}
    assert b"Social  Economy" in turtle.read_bytes() and b"Social  Economy" in trig.read_bytes()
    assert "is up to date" in run("build", "--data", data, "--out", out, "--no-metrics").stderr


def _same_size_edit(path: Path) -> None:
    """Change one character of ``path``, keeping its size and modification time."""
    before = path.stat()
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("Social Economy", "Social economy", 1), encoding="utf-8")
    assert path.read_text(encoding="utf-8") != text and path.stat().st_size == before.st_size
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))


def test_settled_files_are_known_by_size_and_time(data: Path, tmp_path: Path) -> None:
    page = data / "kmop-project-page.ttl"
    settled = time.time_ns() - 3_600 * 10**9
    os.utime(page, ns=(settled, settled))
    build_on_disk(data, tmp_path / "out", metrics=False)
    folder = tmp_path / "out" / STORE_FOLDER
    stamps = json.loads((folder / MANIFEST).read_text())["stamps"]
    assert stamps["kmop-project-page.ttl"] == [page.stat().st_size, settled]
    # as git and make take them: the same size and time stand for the same content, unread
    _same_size_edit(page)
    assert stale_files(data, folder) == []
    page.write_text(page.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert stale_files(data, folder) == ["kmop-project-page.ttl"]


def test_a_file_written_just_before_the_build_is_read_again(data: Path, tmp_path: Path) -> None:
    page = data / "kmop-project-page.ttl"
    page.write_text(page.read_text(encoding="utf-8"), encoding="utf-8")  # changed just now
    build_on_disk(data, tmp_path / "out", metrics=False)
    folder = tmp_path / "out" / STORE_FOLDER
    stamps = json.loads((folder / MANIFEST).read_text())["stamps"]
    assert "kmop-project-page.ttl" not in stamps and "ontology/secongraph.ttl" in stamps
    # written again within the same tick of the file system's clock: only its content tells
    _same_size_edit(page)
    assert stale_files(data, folder) == ["kmop-project-page.ttl"]


def test_a_rebuild_records_the_files_that_settled_since(data: Path, tmp_path: Path) -> None:
    page = data / "kmop-project-page.ttl"
    page.write_text(page.read_text(encoding="utf-8"), encoding="utf-8")  # changed just now
    first = build_on_disk(data, tmp_path / "out", metrics=False)
    del first  # closes the store
    manifest = tmp_path / "out" / STORE_FOLDER / MANIFEST
    assert "kmop-project-page.ttl" not in json.loads(manifest.read_text())["stamps"]
    settled = time.time_ns() - 3_600 * 10**9
    os.utime(page, ns=(settled, settled))
    assert build_on_disk(data, tmp_path / "out", metrics=False).unchanged
    stamps = json.loads(manifest.read_text())["stamps"]
    assert stamps["kmop-project-page.ttl"] == [page.stat().st_size, settled]


def test_dumps_written_together_are_those_written_alone(data: Path, tmp_path: Path) -> None:
    shared = data / "shared-with-another-graph.ttl"  # a triple two graphs hold: once in Turtle
    page = (data / "kmop-project-page.ttl").read_text(encoding="utf-8")
    shared.write_text(page, encoding="utf-8")
    store = build_store(data)
    alone = {
        fmt: store.dump(tmp_path / f"alone.{fmt.file_extension}", fmt=fmt)
        for fmt in (
            ox.RdfFormat.TURTLE,
            ox.RdfFormat.TRIG,
            ox.RdfFormat.N_TRIPLES,
            ox.RdfFormat.N_QUADS,
            ox.RdfFormat.RDF_XML,
        )
    }
    together = store.dumps({tmp_path / f"together.{f.file_extension}": f for f in alone})
    for (fmt, one), other in zip(alone.items(), together, strict=True):
        assert other.read_bytes() == one.read_bytes(), fmt
    turtle = alone[ox.RdfFormat.TURTLE].read_text(encoding="utf-8")
    assert turtle.count("# Graph <") == len(store.files) - 1  # the copy adds no triple
    for fmt, union in ((ox.RdfFormat.N_TRIPLES, True), (ox.RdfFormat.N_QUADS, False)):
        quads = [q for _, graph in store.graphs_in_order(union=union) for q in graph]
        whole = ox.serialize([q.triple for q in quads] if union else quads, None, fmt)
        assert alone[fmt].read_bytes() == whole  # written a graph at a time, the same lines
    twice = store.dumps(
        {tmp_path / "a.ttl": ox.RdfFormat.TURTLE, tmp_path / "b.ttl": ox.RdfFormat.TURTLE}
    )
    assert [p.read_bytes() for p in twice] == [alone[ox.RdfFormat.TURTLE].read_bytes()] * 2


def test_formats_exported_from_the_store_on_disk_are_those_from_memory(
    data: Path, tmp_path: Path
) -> None:
    build_on_disk(data, tmp_path / "out", metrics=False).store.oxigraph.flush()
    on_disk = open_built(data, tmp_path / "out" / STORE_FOLDER)
    memory = build_store(data)
    assert on_disk.on_disk and not memory.on_disk  # the first is exported from a copy in memory
    for store, folder in ((on_disk, tmp_path / "disk"), (memory, tmp_path / "memory")):
        export_many(store, {folder / f"secon.{fmt.extension}": fmt for fmt in ExportFormat})
    for fmt in ExportFormat:
        name = f"secon.{fmt.extension}"
        assert (tmp_path / "disk" / name).read_bytes() == (tmp_path / "memory" / name).read_bytes()
