"""Both engines answer every read of a store: statistics, network facts, exports and entity pages
give the same results on the SECON data whether Oxigraph or rdflib answers, and a store made with
``engine="rdflib"`` reads its rdflib copy, not Oxigraph.

The rdflib engine keeps a second copy of the data in an rdflib ``Dataset`` (``Store.rdflib``, a
public attribute). To show that this copy is what answers, a test changes only it, through
rdflib's own API, and checks that every reader sees the change while Oxigraph does not hold it; a
fact added to Oxigraph only is seen by none of them. No mocks: both are the real stores.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import networkx as nx
import pyoxigraph as ox
import pytest
from rdflib import RDF, RDFS, Literal, URIRef
from rdflib.compare import isomorphic

from secongraph.errors import QueryError
from secongraph.export import ExportFormat, describe_dataset, export
from secongraph.namespaces import ID, PROV, SG
from secongraph.network import co_participation, organisation_event
from secongraph.network.facts import Facts
from secongraph.queries import load_queries
from secongraph.stats import statistics
from secongraph.store import Store
from secongraph.web.describe import describe, statements
from secongraph.web.site import Site

EVERYTHING = "SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }"


def _organisations(store: Store) -> list[str]:
    return sorted(
        {
            q.subject.value
            for q in store.quads()
            if isinstance(q.subject, ox.NamedNode)
            and q.subject.value.startswith(str(ID["organisation/"]))
        }
    )


@pytest.fixture(scope="module")
def stores(secon_store: Store, secon_rdflib_store: Store) -> tuple[Store, Store]:
    return secon_store, secon_rdflib_store


def test_the_engines_hold_the_same_quads_and_bind_the_same_terms(
    stores: tuple[Store, Store],
) -> None:
    oxigraph, rdflib = stores
    assert (oxigraph.engine, rdflib.engine) == ("oxigraph", "rdflib")
    assert len(oxigraph) == len(rdflib) > 0
    assert set(oxigraph.quads()) == set(rdflib.quads())  # blank nodes keep their labels
    assert sorted(oxigraph.named_graphs(), key=str) == sorted(rdflib.named_graphs(), key=str)
    rows = [sorted(map(repr, store.select_terms(EVERYTHING))) for store in stores]
    assert rows[0] == rows[1]
    assert len(rows[0]) == len({q for q in oxigraph.quads() if q.graph_name != ox.DefaultGraph()})
    haskovo = ox.NamedNode(str(ID["organisation/municipality-of-haskovo"]))
    for pattern in ((haskovo,), (None, None, haskovo), (None, ox.NamedNode(str(RDF.type)))):
        found = [sorted(store.quads_for_pattern(*pattern), key=str) for store in stores]
        assert found[0] == found[1] != []
    assert all(type(t) in (ox.NamedNode, ox.BlankNode, ox.Literal) for t in found[1][0])


def test_statistics_are_the_same_on_both_engines(stores: tuple[Store, Store]) -> None:
    oxigraph, rdflib = stores
    assert statistics(oxigraph) == statistics(rdflib)
    assert oxigraph.count_by_class() == rdflib.count_by_class()


def test_network_facts_and_projections_are_the_same_on_both_engines(
    stores: tuple[Store, Store],
) -> None:
    facts = [Facts.load(store) for store in stores]
    assert facts[0].pairs
    assert sorted(facts[0].pairs, key=repr) == sorted(facts[1].pairs, key=repr)
    for name in ("types", "parents", "labels", "links", "starts", "ends", "regions", "countries",
                 "graph_sources", "graph_added"):  # fmt: skip
        assert getattr(facts[0], name) == getattr(facts[1], name), name
    for project in (co_participation, organisation_event):
        graphs = [project(store) for store in stores]
        assert graphs[0].number_of_edges() > 0
        assert nx.utils.graphs_equal(graphs[0], graphs[1]), project.__name__


@pytest.mark.parametrize("fmt", list(ExportFormat), ids=lambda f: f.extension)
def test_exports_are_the_same_bytes_on_both_engines(
    stores: tuple[Store, Store], fmt: ExportFormat, tmp_path: Path
) -> None:
    written = [export(store, tmp_path / f"{n}.{fmt.extension}", fmt=fmt) for n, store in
               enumerate(stores)]  # fmt: skip
    assert written[0].read_bytes() == written[1].read_bytes()


def test_the_dataset_description_is_the_same_on_both_engines(
    stores: tuple[Store, Store], tmp_path: Path
) -> None:
    export(stores[0], tmp_path / "secon.nq", fmt=ExportFormat.NQUADS)
    descriptions = [describe_dataset(store, tmp_path) for store in stores]
    assert isomorphic(descriptions[0], descriptions[1])
    assert any(descriptions[1].triples((None, PROV.wasDerivedFrom, None)))


def test_entity_pages_are_the_same_on_both_engines(
    stores: tuple[Store, Store], data_dir: Path
) -> None:
    organisations = _organisations(stores[0])
    assert organisations == _organisations(stores[1])
    for iri in organisations:
        assert statements(stores[0], iri) == statements(stores[1], iri), iri
    sites = [Site(store=store, data_dir=data_dir, queries=load_queries(), timeout=30)
             for store in stores]  # fmt: skip
    for iri in organisations[:3]:
        pages = [describe(site, iri) for site in sites]
        assert pages[0] is not None
        assert pages[0] == pages[1], iri


def test_a_store_made_with_the_rdflib_engine_reads_its_rdflib_copy(
    secon_rdflib_store: Store, tmp_path: Path
) -> None:
    before = secon_rdflib_store
    store = before.in_memory_copy()
    assert store.rdflib is not None
    graph_iri = store.data_graphs()[0]
    event, partner = next(
        (p.unit, p.agent)
        for p in Facts.load(before).pairs
        if p.kind == "event" and p.agent.startswith(str(ID["organisation/"]))
    )
    org = ID["organisation/only-in-the-rdflib-copy"]
    participation = ID["participation/only-in-the-rdflib-copy"]
    document = URIRef("https://example.org/only-in-the-rdflib-copy")
    added = [
        (org, RDF.type, SG.Organisation),
        (org, RDFS.label, Literal("Only in the rdflib copy", lang="en")),
        (participation, RDF.type, SG.Participation),
        (participation, SG.event, URIRef(event)),
        (participation, SG.participant, org),
        (URIRef(graph_iri), PROV.wasDerivedFrom, document),
    ]
    copy = store.rdflib.graph(URIRef(graph_iri))
    for triple in added:
        copy.add(triple)
    # Oxigraph does not hold them; a fact only Oxigraph holds is read by no one
    assert len(store.oxigraph) == len(before.oxigraph)
    hidden = ox.NamedNode(str(ID["organisation/only-in-oxigraph"]))
    store.oxigraph.add(ox.Quad(hidden, ox.NamedNode(str(RDF.type)), ox.NamedNode(str(SG.Organisation)),
                               ox.NamedNode(graph_iri)))  # fmt: skip

    assert len(store) == len(before) + len(added)
    org_node = ox.NamedNode(str(org))
    assert {q.graph_name for q in store.quads_for_pattern(org_node)} == {ox.NamedNode(graph_iri)}
    assert not list(store.quads_for_pattern(hidden))
    assert statements(store, str(org)) is not None
    assert statements(store, hidden.value) is None

    assert store.count_by_class() - before.count_by_class() == Counter(
        {str(SG.Organisation): 1, str(SG.Participation): 1}
    )
    stats, earlier = statistics(store), statistics(before)
    assert stats.triples == earlier.triples + len(added)
    not_stated = [dict(s.organisations_by_country).get("(not stated)", 0) for s in (stats, earlier)]
    assert not_stated[0] == not_stated[1] + 1

    tied = co_participation(store)
    assert str(org) in tied and tied.has_edge(str(org), partner)
    assert tied.nodes[str(org)]["label"] == "Only in the rdflib copy"

    dump = export(store, tmp_path / "secon.nq", fmt=ExportFormat.NQUADS).read_text("utf-8")
    assert f"<{org}>" in dump and hidden.value not in dump
    description = describe_dataset(store, tmp_path)
    assert (URIRef(graph_iri), PROV.wasDerivedFrom, document) in description


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
@pytest.mark.parametrize(
    "query",
    [
        "ASK {}",
        "CONSTRUCT WHERE { ?s ?p ?o }",
        "SELECT ?x WHERE { ?x }",
        "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
    ],
)
def test_select_terms_refuses_what_is_not_a_local_select_on_both_engines(
    engine: str, query: str
) -> None:
    with pytest.raises(QueryError, match=r"^query: "):
        Store(engine=engine).select_terms(query)  # type: ignore[arg-type]
