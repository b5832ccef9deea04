"""Exports: every format reads back to the same graph; the dataset description counts what is there."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from jsonld_oracle import pyld_compacted
from rdflib import DCAT, DCTERMS, VOID, Dataset, Graph, Literal, URIRef

from secongraph.cli import cli
from secongraph.errors import ExportError
from secongraph.export import (
    DATASET,
    DCAT_VERSION,
    SPDX,
    ExportFormat,
    compacted_json_ld,
    describe_dataset,
    export,
    refresh_description,
)
from secongraph.jsonld_compact import compact
from secongraph.sources import project_context, read_quads
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
    description = describe_dataset(secon_store, tmp_path)
    triples = {q.triple for q in secon_store.quads()}
    assert description.value(DATASET, VOID.triples) == Literal(len(triples))
    subjects, properties = {t.subject for t in triples}, {t.predicate for t in triples}
    assert description.value(DATASET, VOID.distinctSubjects) == Literal(len(subjects))
    assert description.value(DATASET, VOID.properties) == Literal(len(properties))
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


# --- Turtle and TriG: a prefix per kind, grouped by graph (issue 11, item 5) ------------------

ID = "https://w3id.org/secongraph/id/"
GRAPH_COMMENT = re.compile(r"^# Graph <([^>]+)>$", re.MULTILINE)


def _kind_namespaces(store: Store) -> set[str]:
    """The folders of the individuals the store names (``…/id/organisation/``)."""
    return {
        term.value.rsplit("/", 1)[0] + "/"
        for q in store.quads()
        for term in (q.subject, q.object)
        if isinstance(term, ox.NamedNode)
        and term.value.startswith(ID)
        and "/" in term.value[len(ID) :]
    }


@pytest.mark.parametrize("fmt", [ExportFormat.TURTLE, ExportFormat.TRIG], ids=lambda f: f.extension)
def test_turtle_and_trig_have_a_prefix_per_kind_and_no_escaped_slash(
    fmt: ExportFormat, secon_store: Store, tmp_path: Path
) -> None:
    path = export(secon_store, tmp_path / f"secon.{fmt.extension}", fmt=fmt)
    text = path.read_text(encoding="utf-8")
    assert "\\/" not in text
    declared = dict(Dataset().parse(path, format=fmt.extension).namespaces())
    kinds = _kind_namespaces(secon_store)
    assert {"organisation", "event", "participation", "partnership"} <= {
        iri.rsplit("/", 2)[-2] for iri in kinds
    }
    assert kinds <= {str(iri) for iri in declared.values()}
    assert declared["org"] == URIRef("http://www.w3.org/ns/org#")  # W3C ORG keeps its prefix
    assert declared["organisation"] == URIRef(f"{ID}organisation/")


def test_turtle_is_grouped_by_graph_each_triple_once_under_a_comment(
    secon_store: Store, tmp_path: Path
) -> None:
    text = export(secon_store, tmp_path / "secon.ttl", fmt=ExportFormat.TURTLE).read_text()
    header, *sections = re.split(r"\n(?=# Graph <)", text)
    names = [GRAPH_COMMENT.match(section)[1] for section in sections]  # type: ignore[index]
    assert names == sorted(names)
    seen: set[tuple[str, str, str]] = set()
    for name, section in zip(names, sections, strict=True):
        graph = Graph().parse(data=header + "\n" + section, format="turtle")
        triples = {(s.n3(), p.n3(), o.n3()) for s, p, o in graph}
        in_store = {
            (f"<{q.subject.value}>", f"<{q.predicate.value}>", _n3(q.object))
            for q in secon_store.quads(graphs=[name])
        }
        assert triples <= in_store, name
        assert not triples & seen, name  # each triple once
        seen |= triples
        sources = {
            q.object.value
            for q in secon_store.quads()
            if q.subject == ox.NamedNode(name) and q.predicate.value.endswith("#wasDerivedFrom")
        }
        comment = section.split("\n", 3)
        assert all(f"<{source}>" in "".join(comment[:3]) for source in sources), name
    union = {
        (f"<{q.subject.value}>", f"<{q.predicate.value}>", _n3(q.object))
        for q in secon_store.quads()
    }
    assert seen == union


def _n3(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> str:
    """A store term as rdflib writes it (the SECON data has no blank nodes)."""
    assert isinstance(term, ox.NamedNode | ox.Literal)
    if isinstance(term, ox.NamedNode):
        return f"<{term.value}>"
    if term.language:
        return Literal(term.value, lang=term.language).n3()
    if term.datatype.value.endswith("#string"):
        return Literal(term.value).n3()
    return Literal(term.value, datatype=URIRef(term.datatype.value)).n3()


def test_trig_names_each_graph_in_a_comment_before_it(secon_store: Store, tmp_path: Path) -> None:
    text = export(secon_store, tmp_path / "secon.trig", fmt=ExportFormat.TRIG).read_text()
    lines = text.splitlines()
    named = [GRAPH_COMMENT.match(line)[1] for line in lines if GRAPH_COMMENT.match(line)]  # type: ignore[index]
    graphs = sorted({str(q.graph_name.value) for q in secon_store.quads()})  # type: ignore[union-attr]
    assert named == graphs
    blocks = [line for line in lines if line.endswith(" {")]
    assert len(blocks) == len(graphs)
    reread = Dataset().parse(data=text, format="trig")
    assert {str(g.identifier) for g in reread.graphs() if len(g)} == set(graphs)


@pytest.mark.skipif(shutil.which("rapper") is None, reason="raptor2-utils: make install-test")
@pytest.mark.parametrize(
    "fmt", [ExportFormat.TURTLE, ExportFormat.TRIG, ExportFormat.NTRIPLES, ExportFormat.RDFXML],
    ids=lambda f: f.extension,
)  # fmt: skip
def test_raptor_reads_every_triple(fmt: ExportFormat, secon_store: Store, tmp_path: Path) -> None:
    path = export(secon_store, tmp_path / f"secon.{fmt.extension}", fmt=fmt)
    syntax = {"ttl": "turtle", "trig": "trig", "nt": "ntriples", "rdf": "rdfxml"}[fmt.extension]
    done = subprocess.run(
        ["rapper", "-i", syntax, "-c", str(path)], capture_output=True, text=True, check=True
    )
    count = int(re.search(r"returned (\d+) triples", done.stderr)[1])  # type: ignore[index]
    quads = list(secon_store.quads())
    assert count == (len(quads) if fmt == ExportFormat.TRIG else len({q.triple for q in quads}))


# --- JSON-LD compacted with the project's context ------------------------------------------


def test_json_ld_is_compacted_with_the_project_context_and_keeps_exact_literals(
    secon_store: Store, tmp_path: Path
) -> None:
    from pyld import jsonld

    document = json.loads(
        export(secon_store, tmp_path / "secon.jsonld", fmt=ExportFormat.JSONLD).read_text()
    )
    assert document["@context"] == project_context()
    assert any(node["@id"].startswith("sggraph:") for node in document["@graph"])
    assert not list(_native_values(document["@graph"]))  # no number or boolean: value objects
    # pyld's own to_rdf rewrites "0.5"^^xsd:double as "5.0E-1", so rdflib reads the expansion
    expanded = jsonld.expand(document)
    assert expanded and "@context" not in json.dumps(expanded)
    from_json_ld = Dataset().parse(data=json.dumps(expanded), format="json-ld")
    trig = export(secon_store, tmp_path / "secon.trig", fmt=ExportFormat.TRIG)
    from_trig = Dataset().parse(trig, format="trig")

    def quads(dataset: Dataset) -> set[tuple[str, ...]]:
        return {
            tuple(term.n3() for term in quad) for quad in dataset.quads() if quad[3] is not None
        }

    assert quads(from_json_ld) == quads(from_trig)
    doubles = {
        _n3(q.object)
        for q in secon_store.quads()
        if isinstance(q.object, ox.Literal) and q.object.datatype.value.endswith("#double")
    }
    assert doubles and doubles <= {q[2] for q in quads(from_json_ld)}  # the store's own forms


def test_json_ld_is_the_document_pyld_compacts(secon_store: Store) -> None:
    quads = (quad for _, graph in secon_store.graphs_in_order() for quad in graph)
    expanded = json.loads(ox.serialize(quads, None, ox.RdfFormat.JSON_LD))
    assert compacted_json_ld(secon_store) == pyld_compacted(expanded, project_context())


X = "http://example.org/x/"
EDGE_CONTEXT = {
    "@version": 1.1,
    "x": X,
    "xy": f"{X}y/",  # longer IRI, longer term: "x:y/a" and "xy:a" are the same length
    "z": f"{X}y/",  # the same IRI under a shorter term: "z:a" wins
    "p": "http://example.org/p",  # ends with no gen-delim: never a prefix
    "q": "http://example.org/q#",
}


def _expanded(*quads: ox.Quad) -> list[object]:
    return json.loads(ox.serialize(quads, None, ox.RdfFormat.JSON_LD) or b"[]")


@pytest.mark.parametrize(
    "quads",
    [
        [],  # nothing: the context alone
        [ox.Quad(ox.NamedNode(f"{X}a"), ox.NamedNode(f"{X}b"), ox.Literal("one"))],
        [  # one named graph holding one node: the graph object is the document
            ox.Quad(ox.NamedNode(f"{X}a"), ox.NamedNode(f"{X}b"), ox.Literal("one"),
                    ox.NamedNode(f"{X}g")),
        ],
        [  # IRIs that are a prefix's own IRI, where a property, a type and an identifier stand
            ox.Quad(ox.NamedNode(X), ox.NamedNode(X), ox.NamedNode(X), ox.NamedNode(f"{X}g")),
            ox.Quad(ox.NamedNode(X), ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                    ox.NamedNode("http://example.org/q#"), ox.NamedNode(f"{X}g")),
            ox.Quad(ox.NamedNode(f"{X}y/a"), ox.NamedNode(f"{X}y/b"),
                    ox.Literal("2", datatype=ox.NamedNode(X)), ox.NamedNode(f"{X}y/")),
        ],
        [  # prefixes that compete, one that cannot be used, blank nodes, languages, types
            ox.Quad(ox.BlankNode("b1"), ox.NamedNode("http://example.org/pa"),
                    ox.Literal("Grüße", language="de-AT")),
            ox.Quad(ox.BlankNode("b1"), ox.NamedNode("http://example.org/q#r"), ox.BlankNode("b2")),
            ox.Quad(ox.BlankNode("b1"), ox.NamedNode("http://example.org/q#r"),
                    ox.Literal("0.5", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#double"))),
            ox.Quad(ox.BlankNode("b1"), ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                    ox.NamedNode(f"{X}y/T")),
            ox.Quad(ox.BlankNode("b1"), ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                    ox.NamedNode("urn:other:T")),
            ox.Quad(ox.BlankNode("b2"), ox.NamedNode(f"{X}y/"), ox.Literal("")),
        ],
    ],
    ids=["empty", "one-default-node", "one-graph", "prefix-iris", "mixed"],
)  # fmt: skip
def test_json_ld_compaction_agrees_with_pyld_on_hard_cases(quads: list[ox.Quad]) -> None:
    expanded = _expanded(*quads)
    ours = json.dumps(compact(expanded, {"@context": EDGE_CONTEXT}), ensure_ascii=False, indent=2)
    assert ours + "\n" == pyld_compacted(expanded, EDGE_CONTEXT)


def test_json_ld_refuses_an_iri_that_reads_as_a_compact_iri() -> None:
    expanded = _expanded(ox.Quad(ox.NamedNode("x:a"), ox.NamedNode(f"{X}b"), ox.Literal("1")))
    with pytest.raises(ExportError, match="<x:a> would read as a compact IRI"):
        compact(expanded, {"@context": EDGE_CONTEXT})
    with pytest.raises(ExportError, match="'@vocab' in the context is not a prefix"):
        compact([], {"@context": {**EDGE_CONTEXT, "@vocab": X}})


def _native_values(node: object) -> Iterator[object]:
    if isinstance(node, dict):
        for value in node.values():
            yield from _native_values(value)
    elif isinstance(node, list):
        for item in node:
            yield from _native_values(item)
    elif not isinstance(node, str):
        yield node


# --- The DCAT description: every file of the folder -------------------------------------------


def _export(data_dir: Path, out: Path, *more: str) -> None:
    result = CliRunner().invoke(
        cli, ["export", "--data", str(data_dir), "--out", str(out), "-f", "ttl", *more]
    )
    assert result.exit_code == 0, result.output


def _listed_files(out: Path) -> set[str]:
    """The files of ``out`` a description lists, found by walking the folder."""
    found = set()
    for folder, folders, files in os.walk(out):
        folders[:] = [
            f for f in folders if not f.startswith(".") and Path(folder, f) != out / "store"
        ]
        found |= {
            Path(folder, f).relative_to(out).as_posix() for f in files if not f.startswith(".")
        }
    return found - {"secon-dataset.ttl"}


def test_the_description_lists_every_file_with_size_checksum_and_download_url(
    data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from secongraph import __version__

    out = tmp_path / "out"
    (out / "store").mkdir(parents=True)
    (out / "store" / "manifest.json").write_text("{}")
    (out / ".secon.ttl.abcdefgh.tmp").write_text("a temporary")
    (out / "map-co-participation.html").write_text("<!doctype html><title>a map</title>")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # 2023-11-14
    _export(data_dir, out)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1800000000")  # 2027-01-15
    network = CliRunner().invoke(cli, [
        "network", "export", "--data", str(data_dir), "--store", str(tmp_path / "none"),
        "--format", "csv-tables", "-o", str(out / "co-participation"),
    ])  # fmt: skip
    assert network.exit_code == 0, network.output
    description = Graph().parse(out / "secon-dataset.ttl")  # relative IRIs resolve to the files
    distributions = list(description.objects(DATASET, DCAT.distribution))
    names = {str(description.value(d, DCTERMS.identifier)): d for d in distributions}
    assert set(names) == _listed_files(out)
    assert {"secon.ttl", "map-co-participation.html", "co-participation/edges.csv"} <= set(names)
    for name, distribution in names.items():
        path = out / name
        assert description.value(distribution, DCAT.downloadURL) == URIRef(path.resolve().as_uri())
        assert int(description.value(distribution, DCAT.byteSize)) == path.stat().st_size
        checksum = description.value(distribution, SPDX.checksum)
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        assert str(description.value(checksum, SPDX.checksumValue)) == digest
        assert description.value(checksum, SPDX.algorithm) == SPDX.checksumAlgorithm_sha256
    media = {
        name: str(description.value(d, DCAT.mediaType)).rsplit("media-types/")[1]
        for name, d in names.items()
    }
    assert media["secon.ttl"] == "text/turtle"
    assert media["co-participation/edges.csv"] == "text/csv"
    assert media["map-co-participation.html"] == "text/html"
    assert description.value(DATASET, DCTERMS.issued) == Literal(date(2023, 11, 14))
    assert description.value(DATASET, DCTERMS.modified) == Literal(date(2027, 1, 15))
    assert str(description.value(DATASET, DCAT_VERSION)) == __version__
    assert int(description.value(DATASET, VOID.triples)) == len(Graph().parse(out / "secon.ttl"))


def test_a_base_url_prefixes_every_download_url_and_is_kept_on_refresh(
    data_dir: Path, tmp_path: Path
) -> None:
    _export(data_dir, tmp_path, "--base-url", "https://example.org/secon")
    (tmp_path / "ontology.html").write_text("<!doctype html>")
    assert refresh_description(tmp_path) == tmp_path / "secon-dataset.ttl"
    description = Graph().parse(tmp_path / "secon-dataset.ttl")
    urls = {str(u) for u in description.objects(None, DCAT.downloadURL)}
    assert urls == {f"https://example.org/secon/{name}" for name in _listed_files(tmp_path)}
    assert "https://example.org/secon/ontology.html" in urls


def test_a_bad_base_url_is_a_usage_error_before_anything_is_written(
    data_dir: Path, tmp_path: Path
) -> None:
    args = ["export", "--data", str(data_dir), "--out", str(tmp_path), "--base-url", "secon/"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2
    assert "base_url='secon/': not an absolute IRI" in result.output
    assert not list(tmp_path.iterdir())


def test_a_folder_without_a_description_gets_none(tmp_path: Path) -> None:
    (tmp_path / "network.gexf").write_text("<gexf/>")
    assert refresh_description(tmp_path) is None
    assert [p.name for p in tmp_path.iterdir()] == ["network.gexf"]
