"""Exports: every format reads back to the same graph; the dataset description counts what is there."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from rdflib import DCAT, VOID, Graph, Literal, URIRef

from secongraph.cli import cli
from secongraph.export import DATASET, ExportFormat, describe_dataset, export
from secongraph.sources import read_quads
from secongraph.store import Store


@pytest.mark.parametrize("fmt", list(ExportFormat), ids=lambda f: f.extension)
def test_each_format_reads_back_to_the_same_graph(
    fmt: ExportFormat, secon_store: Store, tmp_path: Path
) -> None:
    path = export(secon_store, tmp_path / f"secon.{fmt.extension}", fmt=fmt)
    read = read_quads(path)
    if fmt.rdf_format.supports_datasets:
        assert set(read) == set(secon_store.quads())
    else:
        assert {q.triple for q in read} == {q.triple for q in secon_store.quads()}


def test_json_ld_keeps_the_lexical_form_of_typed_numbers(
    secon_store: Store, tmp_path: Path
) -> None:
    text = export(secon_store, tmp_path / "secon.jsonld", fmt=ExportFormat.JSONLD).read_text()
    doubles = {
        q.object.value
        for q in secon_store.quads()
        if isinstance(q.object, ox.Literal) and q.object.datatype.value.endswith("#double")
    }
    assert doubles
    assert all(f'"{value}"' in text for value in doubles)


def test_the_description_counts_triples_and_names_every_source(
    secon_store: Store, tmp_path: Path
) -> None:
    turtle = export(secon_store, tmp_path / "secon.ttl", fmt=ExportFormat.TURTLE)
    description = describe_dataset(secon_store, [(turtle, ExportFormat.TURTLE)])
    triples = {q.triple for q in secon_store.quads()}
    assert description.value(DATASET, VOID.triples) == Literal(len(triples))
    subsets = set(description.objects(DATASET, VOID.subset))
    assert subsets == {URIRef(f.graph) for f in secon_store.files}
    distribution = description.value(DATASET, DCAT.distribution)
    assert int(description.value(distribution, DCAT.byteSize)) == turtle.stat().st_size
    sources = {
        str(s) for s in description.objects(DATASET, URIRef("http://purl.org/dc/terms/source"))
    }
    derived = {
        q.object.value
        for q in secon_store.quads()
        if q.predicate == ox.NamedNode("http://www.w3.org/ns/prov#wasDerivedFrom")
        and isinstance(q.subject, ox.NamedNode)
        and q.subject.value.startswith("https://w3id.org/secongraph/graph/")
    }
    assert sources == derived


def test_export_command_writes_the_chosen_formats_and_the_description(
    data_dir: Path, tmp_path: Path
) -> None:
    args = ["export", "--data", str(data_dir), "--out", str(tmp_path), "-f", "jsonld", "-f", "nt"]
    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "secon-dataset.ttl",
        "secon.jsonld",
        "secon.nt",
    ]
    assert len(Graph().parse(tmp_path / "secon-dataset.ttl")) > 20


@pytest.fixture
def data_with_blank_nodes(tmp_path: Path, data_dir: Path) -> Path:
    """data/ plus a file with a blank node and a TriG file with named graphs."""
    import shutil

    data = Path(shutil.copytree(data_dir, tmp_path / "data"))
    sources = Path(__file__).parent / "data" / "sources"
    shutil.copy(sources / "organisations.ttl", data / "blank-nodes.ttl")
    shutil.copy(sources / "graphs.trig", data / "graphs.trig")
    return data


def test_every_export_is_the_same_bytes_in_fresh_processes(
    tmp_path: Path, data_with_blank_nodes: Path
) -> None:
    """Issue 8, defect 7: TriG, N-Quads, JSON-LD and the description differed between runs."""
    import os
    import subprocess
    import sys

    outputs = []
    for run, seed in (("a", "1"), ("b", "2")):
        out = tmp_path / run
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run(
            [sys.executable, "-m", "secongraph", "export", "--data", str(data_with_blank_nodes),
             "--out", str(out)],
            check=True, capture_output=True, env=env,
        )  # fmt: skip
        outputs.append({p.name: p.read_bytes() for p in sorted(out.iterdir())})
    assert len(outputs[0]) == len(ExportFormat) + 1
    for name, content in outputs[0].items():
        assert content == outputs[1][name], name
    assert b"_:b" in outputs[0]["secon.nq"]  # the blank node is there, with a stable label


def test_every_export_is_the_same_bytes_from_fresh_stores(
    tmp_path: Path, data_with_blank_nodes: Path
) -> None:
    from secongraph.store import build_store

    for fmt in ExportFormat:
        first, second = (
            export(build_store(data_with_blank_nodes), tmp_path / f"{n}.{fmt.extension}", fmt=fmt)
            for n in ("first", "second")
        )
        assert first.read_bytes() == second.read_bytes(), fmt


def test_the_metrics_date_follows_source_date_epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    from datetime import date

    from secongraph.network.rdf import build_day

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert build_day() == date(2023, 11, 14)
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    assert build_day() == date.today()
