"""Exports for researchers: the SECON graph in the common RDF formats, with a DCAT/VoID description."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from enum import Enum
from pathlib import Path
from urllib.parse import quote

import pyoxigraph as ox
from rdflib import DCAT, DCTERMS, PROV, RDF, RDFS, VOID, XSD, BNode, Graph, Literal, URIRef
from rdflib.namespace import Namespace
from rdflib.term import Node

from . import __version__
from .choices import STORE_FOLDER
from .errors import ParameterError
from .files import write_atomically
from .jsonld_compact import compact
from .namespaces import BASE, ID, bind_prefixes
from .network.rdf import build_day
from .sources import load_graph, project_context
from .store import Store

DATASET = URIRef(f"{BASE}dataset/secon")
DESCRIPTION = "secon-dataset.ttl"
"""The file name of the description in the output folder."""
SPDX = Namespace("http://spdx.org/rdf/terms#")  # DCAT 3's checksums
DCAT_VERSION = URIRef(f"{DCAT}version")  # DCAT 3, not in rdflib's DCAT 2 namespace
IANA = "https://www.iana.org/assignments/media-types/"
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


MEDIA_TYPES = {
    **{fmt.extension: fmt.media_type for fmt in ExportFormat},
    "html": "text/html", "csv": "text/csv", "json": "application/json", "md": "text/markdown",
    "txt": "text/plain", "png": "image/png", "svg": "image/svg+xml", "xml": "application/xml",
    "graphml": "application/xml", "gexf": "application/xml",  # neither has a registered type
}  # fmt: skip
"""The IANA media type of each kind of file in the output folder, by extension."""


def export(store: Store, path: Path, *, fmt: ExportFormat) -> Path:
    """Write the whole graph to ``path`` in ``fmt``, atomically.

    TriG, N-Quads and JSON-LD keep the named graphs (one per source); Turtle, N-Triples and RDF/XML
    hold their union. Turtle and TriG are written graph by graph, with a prefix for each kind of
    individual (see :meth:`Store.dump`). JSON-LD is compacted with the project's context
    (``ontology/context.jsonld``, put inline so that no reader has to fetch it), and every literal
    stays a value object with its lexical form and datatype: ``"0"^^xsd:double`` is
    ``{"@value": "0", "@type": "xsd:double"}``, never the JSON number 0.

    Examples
    --------
    >>> import tempfile
    >>> store = Store()
    >>> path = export(store, Path(tempfile.mkdtemp()) / "empty.nt", fmt=ExportFormat.NTRIPLES)
    >>> path.read_text()
    ''
    """
    return export_many(store, {path: fmt})[0]


def export_many(store: Store, targets: Mapping[Path, ExportFormat]) -> list[Path]:
    """Write the whole graph to each path of ``targets`` in its format, as :func:`export` writes
    one; every format but JSON-LD in one pass over the store (:meth:`Store.dumps`). Several
    formats from a store on disk are written from a copy in memory, read once (at 1M triples,
    about 15 s and 0.2 GB, where each pass over the store on disk took about 15 s)."""
    if store.on_disk and store.rdflib is None and len(targets) > 1:
        store = store.in_memory_copy()
    dumped = {path: fmt.rdf_format for path, fmt in targets.items() if fmt != ExportFormat.JSONLD}
    if dumped:
        store.dumps(dumped)
    linked = [path for path, fmt in targets.items() if fmt == ExportFormat.JSONLD]
    if linked:
        text = compacted_json_ld(store).encode()  # compacted once, however many files
        for path in linked:
            write_atomically(path, text)
    return list(targets)


def compacted_json_ld(store: Store) -> str:
    """The store as JSON-LD compacted with the project's context, one ``@graph`` per named graph.

    Oxigraph writes the quads as expanded JSON-LD, literals as value objects, and
    :func:`~secongraph.jsonld_compact.compact` compacts it as pyld would (compaction never turns
    a value object into a native JSON value). Nothing is fetched: the context is inline.
    """
    quads = (quad for _, graph in store.graphs_in_order() for quad in graph)
    expanded = json.loads(ox.serialize(quads, None, ox.RdfFormat.JSON_LD) or b"[]")
    compacted = compact(expanded, {"@context": project_context()})
    return json.dumps(compacted, ensure_ascii=False, indent=2) + "\n"


# --------------------------------------------------------------------------------------------
# The dataset's description
# --------------------------------------------------------------------------------------------


def describe_dataset(store: Store, folder: Path, *, base_url: str | None = None) -> Graph:
    """A DCAT and VoID description of the graph and of every file in ``folder``.

    The dataset: its size, vocabularies, sources, one subset per named graph, the package
    version (``dcat:version``), ``dcterms:issued`` (kept from the description already in
    ``folder``, else today) and ``dcterms:modified`` (today, or ``SOURCE_DATE_EPOCH``'s day).
    Each file of ``folder`` and its subfolders is a distribution (see :func:`list_distributions`).

    Parameters
    ----------
    store
        The graph the files were exported from.
    folder
        The output folder (``out``).
    base_url
        Where the folder is published (``https://example.org/secon/``): each download URL is
        this followed by the file's path. ``None`` (the default) gives relative URLs, which a
        reader resolves against the description's own location, wherever the folder is copied.

    Raises
    ------
    ParameterError
        If ``base_url`` is not an absolute IRI.
    """
    graph = bind_prefixes(Graph())
    graph.bind("spdx", SPDX)
    add = graph.add
    counts = store.select(_COUNTS, origin="the dataset's counts").rows[0]
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
    add((DATASET, DCAT_VERSION, Literal(__version__)))
    previous = _read_description(folder)
    issued = previous.value(DATASET, DCTERMS.issued) if previous else None
    add((DATASET, DCTERMS.issued, issued or Literal(build_day())))
    for counted, name in (
        (VOID.triples, "triples"),
        (VOID.distinctSubjects, "subjects"),
        (VOID.properties, "properties"),
    ):
        add((DATASET, counted, Literal(int(str(counts[name])))))
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
    add((DATASET, RDFS.seeAlso, URIRef("https://w3id.org/secongraph/ontology")))
    return list_distributions(graph, folder, base_url=checked_base_url(base_url))


_COUNTS = """
SELECT (COUNT(*) AS ?triples) (COUNT(DISTINCT ?s) AS ?subjects) (COUNT(DISTINCT ?p) AS ?properties)
WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }
"""
"""The triples of the union of the graphs, each once, their subjects and their properties: counted
by the engine (at 1M triples from the store on disk, 2 s against 14 s for Python sets)."""


def write_description(store: Store, folder: Path, *, base_url: str | None = None) -> Path:
    """Write :func:`describe_dataset`'s description to ``folder/secon-dataset.ttl``, atomically."""
    graph = describe_dataset(store, folder, base_url=base_url)
    return write_atomically(
        folder / DESCRIPTION, graph.serialize(format="turtle", encoding="utf-8")
    )


def refresh_description(folder: Path) -> Path | None:
    """List the files of ``folder`` again in the description an export wrote there, if any.

    For the commands that add files to an export's folder (network exports, maps, ontology
    documentation): the dataset's facts, its issue date and its base URL stay as the export
    wrote them; the distributions and ``dcterms:modified`` are made anew.

    Returns
    -------
    Path or None
        The description, or ``None`` if ``folder`` holds none.

    Raises
    ------
    SourceError
        If the description there cannot be read.
    """
    previous = _read_description(folder)
    if previous is None:
        return None
    base_url = None
    for distribution in previous.objects(DATASET, DCAT.distribution):
        access = previous.value(distribution, DCAT.accessURL)
        if access is not None and str(access) != _folder_iri(folder):
            base_url = str(access)
        _remove_distribution(previous, distribution)
    graph = list_distributions(previous, folder, base_url=base_url)
    return write_atomically(
        folder / DESCRIPTION, graph.serialize(format="turtle", encoding="utf-8")
    )


def list_distributions(graph: Graph, folder: Path, *, base_url: str | None) -> Graph:
    """Add to ``graph`` one ``dcat:Distribution`` of :data:`DATASET` per file of ``folder``.

    Every file of the folder and its subfolders is listed, except the description itself,
    hidden files (an atomic write's temporaries) and the store ``build`` keeps in ``store/``.
    Each distribution has its file name (``dcterms:title``, ``dcterms:identifier``: its path in
    the folder), ``dcat:downloadURL`` (``base_url`` + path, or the path alone, relative),
    ``dcat:accessURL`` (the folder), ``dcat:mediaType``, ``dcat:byteSize`` and its SHA-256
    (``spdx:checksum``). ``dcterms:modified`` is set to today (or ``SOURCE_DATE_EPOCH``'s day).
    """
    graph.set((DATASET, DCTERMS.modified, Literal(build_day())))
    access = URIRef(base_url or "./")
    for path in _files(folder):
        name = path.relative_to(folder).as_posix()
        distribution = URIRef(f"{DATASET}/{quote(name)}")
        add = graph.add
        add((DATASET, DCAT.distribution, distribution))
        add((distribution, RDF.type, DCAT.Distribution))
        add((distribution, DCTERMS.title, Literal(name)))
        add((distribution, DCTERMS.identifier, Literal(name)))
        add((distribution, DCAT.accessURL, access))
        add((distribution, DCAT.downloadURL, URIRef(f"{base_url or ''}{quote(name)}")))
        media_type = MEDIA_TYPES.get(path.suffix.lstrip(".").lower(), "application/octet-stream")
        add((distribution, DCAT.mediaType, URIRef(f"{IANA}{media_type}")))
        size = Literal(path.stat().st_size, datatype=XSD.nonNegativeInteger)
        add((distribution, DCAT.byteSize, size))
        checksum = BNode()  # written inline, so its label never shows
        add((distribution, SPDX.checksum, checksum))
        add((checksum, RDF.type, SPDX.Checksum))
        add((checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
        add((checksum, SPDX.checksumValue, Literal(_sha256(path), datatype=XSD.hexBinary)))
    return graph


def _files(folder: Path) -> list[Path]:
    """The files a description lists (see :func:`list_distributions`), in path order."""
    return sorted(
        path
        for path in folder.rglob("*")
        if path.is_file()
        and path.relative_to(folder).parts[0] not in (STORE_FOLDER, DESCRIPTION)
        and not any(part.startswith(".") for part in path.relative_to(folder).parts)
    )


def _sha256(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def _read_description(folder: Path) -> Graph | None:
    """The description in ``folder``, relative IRIs resolved against it; ``None`` if none."""
    path = folder / DESCRIPTION
    if not path.is_file():
        return None
    graph = load_graph(path, base_iri=_folder_iri(folder))
    graph.bind("spdx", SPDX)
    return bind_prefixes(graph)


def _folder_iri(folder: Path) -> str:
    return folder.resolve().as_uri() + "/"


def _remove_distribution(graph: Graph, distribution: Node) -> None:
    for checksum in graph.objects(distribution, SPDX.checksum):
        graph.remove((checksum, None, None))
    graph.remove((distribution, None, None))
    graph.remove((DATASET, DCAT.distribution, distribution))


def checked_base_url(base_url: str | None) -> str | None:
    """``base_url`` ending with ``/``; ``None`` stays ``None``.

    Raises
    ------
    ParameterError
        If ``base_url`` is not an absolute IRI.

    Examples
    --------
    >>> checked_base_url("https://example.org/secon")
    'https://example.org/secon/'
    """
    if base_url is None:
        return None
    base = base_url if base_url.endswith("/") else f"{base_url}/"
    try:
        ox.NamedNode(base)  # refuses a relative IRI
    except ValueError:
        raise ParameterError(
            f"base_url={base_url!r}: not an absolute IRI",
            hint="Give a URL such as https://example.org/secon/.",
        ) from None
    return base


def _derived_from(store: Store, graph: str) -> list[str]:
    """The source documents a named graph says it was derived from."""
    pattern = (ox.NamedNode(graph), ox.NamedNode(str(PROV.wasDerivedFrom)), None, None)
    quads = store.quads_for_pattern(*pattern)
    # The store refuses triple terms, so every object has a value.
    return sorted({quad.object.value for quad in quads if not isinstance(quad.object, ox.Triple)})
