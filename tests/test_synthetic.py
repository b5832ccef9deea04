"""The SYNTHETIC benchmark generator, ``benchmarks/synthetic.py``, on a graph of about 5,000 triples.

The generator stays a benchmark script, outside the installed package (DESIGN.md: benchmarks/
holds it); the test loads it from its file. Every expectation is read independently with plain
rdflib from the ontology and the reference files, not from the generator's own tables.
"""

from __future__ import annotations

import importlib.util
import json
import statistics
import sys
import warnings
from collections import Counter
from pathlib import Path
from types import ModuleType

import pyoxigraph as ox
import pytest
from jsonld_oracle import pyld_compacted
from rdflib import RDF, RDFS, Dataset, Graph, Namespace, URIRef
from ties import assert_regions_add_up_the_ties, assert_ties_match_edges

from secongraph.export import compacted_json_ld
from secongraph.maps.page import map_html
from secongraph.network import (
    co_participation,
    co_participation_ties,
    compute_metrics,
    compute_tie_metrics,
)
from secongraph.sources import project_context
from secongraph.store import Store, build_store
from secongraph.validate import validate

ROOT = Path(__file__).resolve().parents[1]
SG = Namespace("https://w3id.org/secongraph/ontology#")
PROV = Namespace("http://www.w3.org/ns/prov#")
SYNTHETIC = "https://example.org/synthetic/"
SIZE = 5_000


def _load_generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("synthetic", ROOT / "benchmarks" / "synthetic.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["synthetic"] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    return module


synthetic = _load_generator()


@pytest.fixture(scope="module")
def nquads(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("synthetic") / "synthetic.nq"
    synthetic.main([str(path), "--triples", str(SIZE), "--seed", "7"])
    return path


@pytest.fixture(scope="module")
def dataset(nquads: Path) -> Dataset:
    data = Dataset()
    with warnings.catch_warnings():  # rdflib's own N-Quads parser uses a deprecated attribute
        warnings.simplefilter("ignore", DeprecationWarning)
        data.parse(nquads, format="nquads")
    return data


@pytest.fixture(scope="module")
def union(dataset: Dataset) -> Graph:
    graph = Graph()
    for s, p, o, _ in dataset.quads((None, None, None, None)):
        graph.add((s, p, o))
    return graph


def _ontology() -> Graph:
    return Graph().parse(ROOT / "ontology" / "secongraph.ttl")


def _classes_below(root: URIRef) -> set[URIRef]:
    ontology = _ontology()
    return {c for c in ontology.transitive_subjects(RDFS.subClassOf, root) if isinstance(c, URIRef)}


def test_the_shapes_pass(nquads: Path) -> None:
    report = validate([nquads])
    assert report.findings == []
    assert report.conforms


def test_size_is_close_to_the_target(dataset: Dataset) -> None:
    quads = sum(1 for _ in dataset.quads((None, None, None, None)))
    assert abs(quads - SIZE) <= 0.02 * SIZE


def test_every_organisation_and_event_class_appears(union: Graph) -> None:
    used = set(union.objects(None, RDF.type))
    assert _classes_below(SG.Organisation) - used == set()
    assert _classes_below(SG.Event) - {SG.Event} - used == set()


def test_regions_are_real_nuts_regions_of_the_organisations_country(union: Graph) -> None:
    nuts = Graph().parse(ROOT / "data" / "nuts2021.ttl")
    real = {r: nuts.value(r, SG.country) for r in nuts.subjects(RDF.type, SG.NutsRegion)}
    organisations = {
        s
        for c in _classes_below(SG.Organisation)
        for s in union.subjects(RDF.type, c)
        if str(s).startswith(SYNTHETIC)
    }
    assert organisations
    for organisation in organisations:
        country = union.value(organisation, SG.country)
        region = union.value(organisation, SG.locatedIn)
        assert region in real, organisation
        assert real[region] == country, organisation
        assert union.value(organisation, RDFS.label) is not None
    for prop in (SG.locatedIn, SG.territory, SG.location, SG.parentRegion):
        assert set(union.objects(None, prop)) <= set(real), prop


def test_attendance_is_skewed(union: Graph) -> None:
    per_event = Counter(union.objects(None, SG.event))
    sizes = sorted(per_event.values())
    assert len(sizes) >= 20
    assert sizes[-1] >= 4 * statistics.median(sizes)


def test_projects_have_exactly_one_lead_partner(union: Graph) -> None:
    lead = URIRef("https://w3id.org/secongraph/vocab/partner-role/lead-partner")
    leads = Counter(union.value(p, SG.organisation) for p in union.subjects(SG.role, lead))
    projects = set(union.subjects(RDF.type, SG.Project))
    assert projects and set(leads) == projects
    assert set(leads.values()) == {1}


def test_every_named_graph_is_described_in_itself(dataset: Dataset) -> None:
    names = {g for _, _, _, g in dataset.quads((None, None, None, None))}
    assert len(names) > 20
    for name in names:
        graph = dataset.graph(name)
        assert (name, RDF.type, SG.SourceGraph) in graph, name
        documents = set(graph.objects(name, PROV.wasDerivedFrom))
        assert documents, name
        assert all((d, RDF.type, SG.SourceDocument) in graph for d in documents), name


def test_everything_invented_is_synthetic(dataset: Dataset, union: Graph) -> None:
    reference = {URIRef(f"https://w3id.org/secongraph/graph/{n}") for n in ("nuts2021", "iso3166")}
    for s, _, _, g in dataset.quads((None, None, None, None)):
        if g in reference:
            continue
        assert str(g).startswith("https://w3id.org/secongraph/graph/synthetic-")
        assert str(s).startswith(SYNTHETIC) or s == g, s
    labels = [
        str(o)
        for s, o in union.subject_objects(RDFS.label)
        if str(s).startswith(SYNTHETIC) and getattr(o, "language", None) == "en"
    ]
    assert labels and all(label.startswith("Synthetic") for label in labels)


def test_same_seed_same_bytes(nquads: Path, tmp_path: Path) -> None:
    again, other = tmp_path / "again.nq", tmp_path / "other.nq"
    synthetic.main([str(again), "--triples", str(SIZE), "--seed", "7"])
    synthetic.main([str(other), "--triples", str(SIZE), "--seed", "8"])
    assert again.read_bytes() == nquads.read_bytes()
    assert other.read_bytes() != nquads.read_bytes()


def test_data_folder_builds_into_the_same_graphs(nquads: Path, tmp_path: Path) -> None:
    folder = tmp_path / "data"
    synthetic.main(["--data-dir", str(folder), "--triples", str(SIZE), "--seed", "7"])
    assert (folder / "nuts2021.ttl").is_file() and (folder / "iso3166.ttl").is_file()
    store = build_store(folder)
    built = {str(q) for graph in store.data_graphs() for q in store.quads(graphs=[graph])}
    expected = {str(q) for q in ox.parse(path=nquads, format=ox.RdfFormat.N_QUADS)}
    assert built == expected


@pytest.fixture(scope="module")
def programme(tmp_path_factory: pytest.TempPathFactory) -> Store:
    """A SYNTHETIC programme of about 20,000 triples, in memory."""
    folder = tmp_path_factory.mktemp("programme") / "data"
    synthetic.main(["--data-dir", str(folder), "--triples", str(SIZE * 4), "--seed", "7"])
    return build_store(folder)


def test_ties_in_arrays_match_the_edges_of_a_synthetic_programme(programme: Store) -> None:
    assert_ties_match_edges(programme)


@pytest.mark.parametrize("per_node", [1, 2, 5])
def test_a_map_drawn_from_the_strongest_ties_is_the_map_of_every_tie(
    programme: Store, per_node: int
) -> None:
    whole = compute_metrics(co_participation(programme))
    ties = co_participation_ties(programme)
    compute_tie_metrics(ties)
    drawn = ties.with_edges(ties.strongest(per_node))
    assert 0 < drawn.number_of_edges() < whole.number_of_edges() == drawn.graph["ties"]
    expected = map_html(whole, title="t", max_ties_per_node=per_node)
    assert map_html(drawn, title="t", max_ties_per_node=per_node) == expected


@pytest.mark.parametrize("level", [None, 2, 3])
def test_regions_add_up_the_ties_of_a_synthetic_programme(
    programme: Store, level: int | None
) -> None:
    assert_regions_add_up_the_ties(programme, level=level)


def test_the_json_ld_of_a_synthetic_programme_is_the_document_pyld_compacts(
    programme: Store,
) -> None:
    quads = (quad for _, graph in programme.graphs_in_order() for quad in graph)
    expanded = json.loads(ox.serialize(quads, None, ox.RdfFormat.JSON_LD))
    assert compacted_json_ld(programme) == pyld_compacted(expanded, project_context())
