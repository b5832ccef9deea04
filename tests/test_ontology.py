"""The ontology and its vocabularies: they parse, every term is documented, data uses only declared terms."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import OWL, RDF, RDFS, SKOS, Graph, URIRef

from secongraph.namespaces import SG
from secongraph.paths import ontology_files
from secongraph.sources import load_graph
from secongraph.store import data_files

ONTOLOGY_TYPES = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)


@pytest.fixture(scope="module")
def ontology() -> Graph:
    graph = Graph()
    for path in ontology_files():
        graph += load_graph(path)
    return graph


def _sg_terms(graph: Graph) -> set[URIRef]:
    return {
        term
        for kind in ONTOLOGY_TYPES
        for term in graph.subjects(RDF.type, kind)
        if isinstance(term, URIRef) and term.startswith(str(SG))
    }


def test_the_ontology_has_a_header_with_version_licence_and_creator(ontology: Graph) -> None:
    header = URIRef("https://w3id.org/secongraph/ontology")
    assert (header, RDF.type, OWL.Ontology) in ontology
    for predicate in (OWL.versionIRI, OWL.versionInfo, URIRef("http://purl.org/dc/terms/license")):
        assert ontology.value(header, predicate) is not None, predicate
    creator = ontology.value(header, URIRef("http://purl.org/dc/terms/creator"))
    assert (creator, RDF.type, URIRef("http://xmlns.com/foaf/0.1/Organization")) in ontology


def test_every_term_has_english_and_german_labels_and_an_english_definition(
    ontology: Graph,
) -> None:
    terms = _sg_terms(ontology)
    assert len(terms) > 50
    missing = []
    for term in sorted(terms):
        languages = {label.language for label in ontology.objects(term, RDFS.label)}
        definitions = {d.language for d in ontology.objects(term, SKOS.definition)}
        if not {"en", "de"} <= languages or "en" not in definitions:
            missing.append(term)
    assert missing == []


def test_every_term_is_aligned_to_a_standard_vocabulary(ontology: Graph) -> None:
    unaligned = [
        term
        for term in sorted(_sg_terms(ontology))
        if not any(
            isinstance(other, URIRef) and not other.startswith(str(SG))
            for predicate in (RDFS.subClassOf, RDFS.subPropertyOf, SKOS.closeMatch)
            for other in ontology.transitive_objects(term, predicate)
        )
        and (term, OWL.inverseOf, None) not in ontology
        and (None, OWL.inverseOf, term) not in ontology
    ]
    assert unaligned == []


def test_every_concept_has_labels_a_definition_and_a_scheme(ontology: Graph) -> None:
    concepts = set(ontology.subjects(SKOS.inScheme, None))
    assert len(concepts) > 40
    for concept in concepts:
        languages = {label.language for label in ontology.objects(concept, SKOS.prefLabel)}
        assert {"en", "de"} <= languages, concept
        assert ontology.value(concept, SKOS.definition) is not None, concept
        scheme = ontology.value(concept, SKOS.inScheme)
        assert (scheme, RDF.type, SKOS.ConceptScheme) in ontology, concept


def test_every_term_used_in_the_data_is_declared(ontology: Graph, data_dir: Path) -> None:
    declared = {term for kind in ONTOLOGY_TYPES for term in ontology.subjects(RDF.type, kind)} | {
        RDF.type
    }
    known_individuals = set(ontology.subjects(SKOS.inScheme, None))
    undeclared: set[tuple[str, str]] = set()
    for path in data_files(data_dir):
        graph = load_graph(path)
        for _, predicate, obj in graph:
            if predicate not in declared:
                undeclared.add((path.name, str(predicate)))
            if predicate == RDF.type and obj not in declared:
                undeclared.add((path.name, str(obj)))
            if str(obj).startswith("https://w3id.org/secongraph/vocab/") and (
                obj not in known_individuals
            ):
                undeclared.add((path.name, str(obj)))
    assert undeclared == set()


def test_shapes_only_use_declared_terms(ontology: Graph) -> None:
    shapes = load_graph(Path(ontology_files()[0]).parent / "shapes.ttl")
    declared = {term for kind in ONTOLOGY_TYPES for term in ontology.subjects(RDF.type, kind)}
    sh = "http://www.w3.org/ns/shacl#"
    used = {
        obj
        for predicate in (URIRef(sh + "path"), URIRef(sh + "targetClass"), URIRef(sh + "class"))
        for obj in shapes.objects(None, predicate)
        if isinstance(obj, URIRef)
    }
    assert used - declared == set()


def test_every_class_the_data_uses_has_a_node_shape(ontology: Graph, data_dir: Path) -> None:
    shapes = load_graph(Path(ontology_files()[0]).parent / "shapes.ttl")
    targets = set(shapes.objects(None, URIRef("http://www.w3.org/ns/shacl#targetClass")))
    used = {
        obj for path in data_files(data_dir) for obj in load_graph(path).objects(None, RDF.type)
    }
    unshaped = {
        cls
        for cls in used
        if not targets.intersection(ontology.transitive_objects(cls, RDFS.subClassOf))
    }
    assert unshaped == set()


def test_the_closed_namespace_lists_exactly_the_ontology_terms(ontology: Graph) -> None:
    """``SG`` refuses unknown terms; ``make namespace`` regenerates it when the ontology changes."""
    generated = {str(SG[name]) for name in SG.__annotations__}
    assert generated == {str(term) for term in _sg_terms(ontology)}
    with pytest.raises(AttributeError):
        _ = SG.noSuchTerm
