"""Exports for researchers: the SECON graph in the common RDF formats, with a DCAT/VoID description."""

from __future__ import annotations

from collections.abc import Iterable
from enum import Enum
from pathlib import Path

import pyoxigraph as ox
from rdflib import DCAT, DCTERMS, PROV, RDF, RDFS, VOID, XSD, Graph, Literal, URIRef

from .namespaces import BASE, ID, bind_prefixes
from .store import Store

DATASET = URIRef(f"{BASE}dataset/secon")
LICENCE = URIRef("https://creativecommons.org/licenses/by/4.0/")
VOCABULARIES = (
    "http://www.w3.org/ns/org#",
    "https://schema.org/",
    "http://data.europa.eu/m8g/",
    "http://www.w3.org/ns/prov#",
    "http://www.w3.org/2004/02/skos/core#",
    "http://www.w3.org/ns/dcat#",
    "https://w3id.org/secongraph/ontology#",
)


class ExportFormat(Enum):
    """The export formats: file extension, media type, and whether named graphs are kept."""

    TURTLE = ("ttl", "text/turtle", ox.RdfFormat.TURTLE)
    TRIG = ("trig", "application/trig", ox.RdfFormat.TRIG)
    NTRIPLES = ("nt", "application/n-triples", ox.RdfFormat.N_TRIPLES)
    NQUADS = ("nq", "application/n-quads", ox.RdfFormat.N_QUADS)
    JSONLD = ("jsonld", "application/ld+json", ox.RdfFormat.JSON_LD)
    RDFXML = ("rdf", "application/rdf+xml", ox.RdfFormat.RDF_XML)

    def __init__(self, extension: str, media_type: str, rdf_format: ox.RdfFormat) -> None:
        self.extension = extension
        self.media_type = media_type
        self.rdf_format = rdf_format

    @classmethod
    def from_name(cls, name: str) -> ExportFormat:
        """The format whose extension or enum name is ``name`` (``ttl``, ``jsonld``, ``TRIG`` …)."""
        for fmt in cls:
            if name.lower() in (fmt.extension, fmt.name.lower()):
                return fmt
        raise ValueError(name)


def export(store: Store, path: Path, *, fmt: ExportFormat) -> Path:
    """Write the whole graph to ``path`` in ``fmt``, atomically.

    TriG, N-Quads and JSON-LD keep the named graphs (one per source); Turtle, N-Triples and RDF/XML
    hold their union. JSON-LD is written in expanded form, which keeps every literal exactly as
    the graph holds it (rdflib's compacting serializer turns typed numbers into JSON numbers, so
    ``"0"^^xsd:double`` would come back as ``0`` of type ``xsd:integer``).

    Examples
    --------
    >>> import tempfile
    >>> store = Store()
    >>> path = export(store, Path(tempfile.mkdtemp()) / "empty.nt", fmt=ExportFormat.NTRIPLES)
    >>> path.read_text()
    ''
    """
    return store.dump(path, fmt=fmt.rdf_format)


def describe_dataset(store: Store, distributions: Iterable[tuple[Path, ExportFormat]]) -> Graph:
    """A DCAT and VoID description of the graph: size, vocabularies, sources, one subset per named
    graph and one distribution per exported file.

    Each distribution is identified by its file name (``dcterms:identifier``), so the folder can
    be published anywhere.
    """
    graph = bind_prefixes(Graph())
    add = graph.add
    triples = {q.triple for q in store.quads()}
    add((DATASET, RDF.type, DCAT.Dataset))
    add((DATASET, RDF.type, VOID.Dataset))
    add((DATASET, DCTERMS.title, Literal("The SECON stakeholder graph", lang="en")))
    add((DATASET, DCTERMS.description, Literal(
        "Regions, public authorities, social enterprises, NGOs, projects, partnerships, events and "
        "participation of the SECON Interreg Europe project, each fact traced to its source.",
        lang="en",
    )))  # fmt: skip
    add((DATASET, DCTERMS.license, LICENCE))
    add((DATASET, DCTERMS.publisher, ID["organisation/secongraph-project"]))
    add((DATASET, VOID.triples, Literal(len(triples))))
    add((DATASET, VOID.distinctSubjects, Literal(len({t.subject for t in triples}))))
    add((DATASET, VOID.properties, Literal(len({t.predicate for t in triples}))))
    for vocabulary in VOCABULARIES:
        add((DATASET, VOID.vocabulary, URIRef(vocabulary)))
    for loaded in store.files:
        subset = URIRef(loaded.graph)
        add((DATASET, VOID.subset, subset))
        add((subset, RDF.type, VOID.Dataset))
        add((subset, VOID.triples, Literal(loaded.triples)))
        for source in _derived_from(store, loaded.graph):
            add((subset, PROV.wasDerivedFrom, URIRef(source)))
            add((DATASET, DCTERMS.source, URIRef(source)))
    for path, fmt in distributions:
        distribution = URIRef(f"{DATASET}/{path.name}")
        add((DATASET, DCAT.distribution, distribution))
        add((distribution, RDF.type, DCAT.Distribution))
        add((distribution, DCTERMS.title, Literal(path.name)))
        add((distribution, DCTERMS.identifier, Literal(path.name)))
        media_type = f"https://www.iana.org/assignments/media-types/{fmt.media_type}"
        add((distribution, DCAT.mediaType, URIRef(media_type)))
        add(
            (
                distribution,
                DCAT.byteSize,
                Literal(path.stat().st_size, datatype=XSD.nonNegativeInteger),
            )
        )
    add((DATASET, RDFS.seeAlso, URIRef("https://w3id.org/secongraph/ontology")))
    return graph


def _derived_from(store: Store, graph: str) -> list[str]:
    """The source documents a named graph says it was derived from."""
    pattern = (ox.NamedNode(graph), ox.NamedNode(str(PROV.wasDerivedFrom)), None, None)
    quads = store.oxigraph.quads_for_pattern(*pattern)
    # The store refuses triple terms, so every object has a value.
    return sorted({quad.object.value for quad in quads if not isinstance(quad.object, ox.Triple)})
