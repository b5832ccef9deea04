"""The SECON graph in an embedded store: load files into named graphs, count, dump.

Oxigraph (``pyoxigraph``) is the engine: one named graph per source file, the graph name taken
from the file name (``data/kick-off-meeting-report.ttl`` → ``…/graph/kick-off-meeting-report``).
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from .errors import SourceError
from .files import atomic_output
from .namespaces import GRAPH, PREFIXES
from .paths import ontology_files
from .sources import FORMATS, read_quads

logger = logging.getLogger(__name__)

RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
SKIPPED_FOLDERS = frozenset({"templates", "reference"})
"""Folders of ``data/`` that hold no RDF to load: CSV templates and raw reference lists."""

Progress = Callable[[Path], None]


@dataclass(frozen=True)
class LoadedFile:
    """One file loaded into the store: where it came from and the named graph it went into."""

    path: Path
    graph: str
    triples: int
    is_ontology: bool = False


def graph_name(path: Path, *, ontology: bool = False) -> str:
    """Return the named-graph IRI for a source file: ``…/graph/{file name without extension}``.

    Ontology files go into ``…/graph/ontology`` and vocabularies into ``…/graph/vocab-{name}``.

    Examples
    --------
    >>> graph_name(Path("data/kick-off-meeting-report.ttl"))
    'https://w3id.org/secongraph/graph/kick-off-meeting-report'
    >>> graph_name(Path("ontology/vocab/topics.ttl"), ontology=True)
    'https://w3id.org/secongraph/graph/vocab-topics'
    """
    if not ontology:
        return str(GRAPH[path.stem])
    if path.parent.name == "vocab":
        return str(GRAPH[f"vocab-{path.stem}"])
    return str(GRAPH["ontology"])


def data_files(data_dir: Path) -> list[Path]:
    """List the RDF files under ``data_dir`` in a stable order, refusing two with the same name.

    Raises
    ------
    SourceError
        If ``data_dir`` is not a folder, or two files would go into the same named graph.
    """
    if not data_dir.is_dir():
        raise SourceError(f"{data_dir}: no such data folder", hint="Pass --data DIR.")
    files = sorted(
        path
        for path in data_dir.rglob("*")
        if path.suffix.lower() in FORMATS
        and path.is_file()
        and not SKIPPED_FOLDERS.intersection(path.relative_to(data_dir).parts[:-1])
    )
    seen: dict[str, Path] = {}
    for path in files:
        if path.stem in seen:
            raise SourceError(
                f"{path}: same graph name as {seen[path.stem]}", hint="Rename one of the files."
            )
        seen[path.stem] = path
    return files


class Store:
    """The SECON graph in an in-memory Oxigraph store, one named graph per loaded file.

    Examples
    --------
    >>> store = Store()
    >>> len(store)
    0
    """

    def __init__(self) -> None:
        self.oxigraph = ox.Store()
        self.files: list[LoadedFile] = []

    def __len__(self) -> int:
        return len(self.oxigraph)

    def load(self, path: Path, *, ontology: bool = False) -> LoadedFile:
        """Parse ``path`` completely, then add it to the store as its own named graph.

        Raises
        ------
        SourceError
            If the file is unreadable, malformed or unsafe (see :func:`sources.read_quads`).
        """
        graph = graph_name(path, ontology=ontology)
        quads = read_quads(path, graph=ox.NamedNode(graph))
        self.oxigraph.extend(quads)
        loaded = LoadedFile(path, graph, len(quads), ontology)
        self.files.append(loaded)
        logger.info("loaded %s into <%s> (%d triples)", path, graph, len(quads))
        return loaded

    def data_graphs(self) -> list[str]:
        """The named graphs that hold data (not the ontology or vocabularies)."""
        return [f.graph for f in self.files if not f.is_ontology]

    def quads(self, *, graphs: Iterable[str] | None = None) -> Iterator[ox.Quad]:
        """Every quad of the store, or of the named ``graphs`` only."""
        if graphs is None:
            yield from self.oxigraph
            return
        for graph in graphs:
            yield from self.oxigraph.quads_for_pattern(None, None, None, ox.NamedNode(graph))

    def count_by_class(self) -> Counter[str]:
        """Count the distinct subjects of each asserted ``rdf:type`` in the data graphs."""
        typed = {
            (q.subject, q.object.value)
            for graph in self.data_graphs()
            for q in self.oxigraph.quads_for_pattern(None, RDF_TYPE, None, ox.NamedNode(graph))
        }
        return Counter(cls for _, cls in typed)

    def dump(self, path: Path, *, fmt: ox.RdfFormat) -> Path:
        """Write the whole store to ``path`` atomically: TriG or N-Quads keep the named graphs,
        Turtle and N-Triples get their union (every triple once)."""
        prefixes = {prefix: str(ns) for prefix, ns in PREFIXES.items()}
        with atomic_output(path) as tmp:
            if fmt.supports_datasets:
                self.oxigraph.dump(
                    tmp, fmt, prefixes=prefixes if fmt == ox.RdfFormat.TRIG else None
                )
            else:
                triples = {q.triple for q in self.oxigraph}
                ox.serialize(sorted(triples, key=str), tmp, fmt, prefixes=prefixes)
        return path


def build_store(data_dir: Path, *, progress: Progress | None = None) -> Store:
    """Load the ontology, its vocabularies and every RDF file under ``data_dir`` into a new store.

    Parameters
    ----------
    data_dir
        The data folder (``./data``): its RDF files, ``templates/`` and ``reference/`` excepted.
    progress
        Called with each file's path after it is loaded.

    Raises
    ------
    SourceError
        If a file cannot be read or parsed, or two files would share a named graph.
    """
    store = Store()
    plan = [(path, True) for path in ontology_files()]
    plan += [(path, False) for path in data_files(data_dir)]
    for path, is_ontology in plan:
        store.load(path, ontology=is_ontology)
        if progress:
            progress(path)
    return store
