"""The SECON graph in an embedded store: load files into named graphs, count, dump, query.

One named graph per source file, the graph name taken from the file name
(``data/kick-off-meeting-report.ttl`` → ``…/graph/kick-off-meeting-report``). Two engines answer
SPARQL queries: Oxigraph (``pyoxigraph``, used natively, the default) and rdflib's in-memory
``Dataset`` (``engine="rdflib"``, the pure-Python path). Both query the union of the named graphs
as their default graph, and both give the same rows for the same query. Oxigraph always holds the
data; with the rdflib engine a second copy answers every read (queries, quad patterns, counts,
dumps), so the engine a store was made with is the one that answers, wherever it is read.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import warnings
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TypeAlias

import pyoxigraph as ox
import rdflib.plugins.sparql
from rdflib import BNode, Dataset, Graph, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.plugins.sparql.sparql import Query
from rdflib.query import ResultRow
from rdflib.term import Identifier

from ._sg import SG
from .choices import ENGINES, Engine
from .errors import ParameterError, QueryError, SecongraphError, SourceError, printable
from .files import atomic_output
from .namespaces import GRAPH, ID, PREFIX_IRIS, VOCAB
from .paths import ontology_files
from .results import QueryResult, from_ox_term, from_oxigraph, normalise, to_ox_term
from .sandbox import (
    QUERY_FORMS,
    ForkSafeLock,
    SandboxViolation,
    bind_values,
    check_query,
    columns,
    no_io,
    sparql_term,
    with_deadline,
)
from .sources import FORMATS, quiet_rdflib_literals, read_quads

logger = logging.getLogger(__name__)

RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
SKIPPED_FOLDERS = frozenset({"templates", "reference"})
"""Folders of ``data/`` that hold no RDF to load: CSV templates and raw reference lists."""
ONTOLOGY_GRAPH = str(GRAPH["ontology"])
VOCABULARY_GRAPHS = str(GRAPH["vocab-"])
"""The start of the names of the vocabularies' graphs (``…/graph/vocab-topics``)."""
METRICS_GRAPH = str(GRAPH["network-metrics"])
"""The graph of the computed network metrics (``network.add_collaboration_metrics``)."""
_KIND_ROOTS = (str(ID), str(VOCAB))
"""Where the individuals and the vocabularies live, one folder per kind (``…/id/organisation/``)."""
_PREFIX_NAME = re.compile(r"[A-Za-z][\w.-]*(?<!\.)", re.ASCII)  # a Turtle prefix name
_DERIVED_FROM = ox.NamedNode("http://www.w3.org/ns/prov#wasDerivedFrom")
_METHOD = ox.NamedNode(str(SG.method))
_SHARED_TRIPLES = """SELECT ?s ?p ?o ?g WHERE {
  { SELECT ?s ?p ?o WHERE { GRAPH ?h { ?s ?p ?o } } GROUP BY ?s ?p ?o HAVING (COUNT(*) > 1) }
  GRAPH ?g { ?s ?p ?o } }"""
_IRIS = "SELECT DISTINCT ?t WHERE { { ?t ?p ?o } UNION { ?s ?p ?t } FILTER(isIRI(?t)) }"
_GRAPH_NAME = re.compile(r"(?=.*[^\W_])[\w.~-]+")  # and at least one letter or digit
_BY_GRAPH = (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG, ox.RdfFormat.N_TRIPLES, ox.RdfFormat.N_QUADS)
"""The formats :meth:`Store.dumps` writes graph by graph, together in one pass over the store."""

Progress = Callable[[Path], None]
_RDFLIB_LOCK = ForkSafeLock()  # guards rdflib's global SPARQL_LOAD_GRAPHS switch

Term: TypeAlias = ox.NamedNode | ox.BlankNode | ox.Literal
"""A term the store holds or a query binds: pyoxigraph 0.5 has no common Term class, and the store
refuses RDF 1.2 triple terms, so never an ``ox.Triple``."""
GraphName: TypeAlias = ox.NamedNode | ox.BlankNode | ox.DefaultGraph

Answer = QueryResult | bool | list[ox.Triple]
"""What a query gives: the rows of a SELECT, the answer of an ASK, the triples of a CONSTRUCT or
DESCRIBE (see :meth:`Store.query`)."""


@dataclass(frozen=True)
class LoadedFile:
    """One named graph of the store: the file it came from (None when computed), its size."""

    path: Path | None
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
        return _graph_of_stem(path.stem)
    if path.parent.name == "vocab":
        return str(GRAPH[f"vocab-{path.stem}"])
    return str(GRAPH["ontology"])


def _graph_of_stem(stem: str) -> str:
    """The graph name of a data file named ``stem`` and an extension (a plain string: this is
    made for every file of a programme's data each time a built store is opened)."""
    return f"{GRAPH}{stem}"


def reserved_graph(name: str) -> str | None:
    """What the graph ``name`` is reserved for, or ``None`` if data may use it.

    The ontology (``…/graph/ontology``), its vocabularies (``…/graph/vocab-*``) and the computed
    network metrics (``…/graph/network-metrics``) have graphs that no data file may fill:
    its triples would be merged into the ontology, or silently replaced by the metrics.

    Examples
    --------
    >>> reserved_graph("https://w3id.org/secongraph/graph/vocab-topics")
    'the vocabularies'
    >>> reserved_graph("https://w3id.org/secongraph/graph/haskovo--modelling") is None
    True
    """
    if name == ONTOLOGY_GRAPH:
        return "the ontology"
    if name.startswith(VOCABULARY_GRAPHS):
        return "the vocabularies"
    if name == METRICS_GRAPH:
        return "the network metrics secongraph computes"
    return None


def data_files(data_dir: Path) -> list[Path]:
    """List the RDF files under ``data_dir`` in a stable order, after checking each one's name.

    A file's name gives its graph name (:func:`graph_name`), so it may hold only letters, digits
    and ``- _ . ~``, and may not name a reserved graph (:func:`reserved_graph`). A file that is a
    link to something outside ``data_dir`` is refused, unread: it is not data.

    Raises
    ------
    SourceError
        If ``data_dir`` is not a folder; if a file's name cannot make a graph name, names a
        reserved graph or the same graph as another file; if a file links outside the folder.
    """
    return list(data_files_by_key(data_dir).values())


def data_files_by_key(data_dir: Path) -> dict[str, Path]:
    """The files of :func:`data_files`, in the same order, by their path relative to
    ``data_dir`` (the key a build's manifest records them by).

    The folder is read with plain strings, not a :class:`~pathlib.Path` per step: a programme's
    data has tens of thousands of files, and every command that opens a built store lists them.

    Raises
    ------
    SourceError
        As :func:`data_files`.
    """
    if not data_dir.is_dir():
        raise SourceError(f"{printable(data_dir)}: no such data folder", hint="Pass --data DIR.")
    root = os.path.join(os.path.realpath(data_dir), "")  # with a trailing separator
    # in the order of their paths' parts, as paths sort: a separator sorts before any character
    found = sorted(_rdf_files(os.fspath(data_dir)), key=lambda file: file[1].replace(os.sep, "\0"))
    seen: dict[str, str] = {}
    real_folders: dict[str, str] = {}  # each folder resolved once, not each file
    for path, _, is_link in found:
        stem = _check_data_file(path, is_link, root, real_folders)
        if stem in seen:
            raise SourceError(
                f"{printable(Path(path))}: same graph name as {printable(Path(seen[stem]))}",
                hint="Rename one of the files.",
            )
        seen[stem] = path
    return {key: Path(path) for path, key, _ in found}


def _rdf_files(data_dir: str) -> Iterator[tuple[str, str, bool]]:
    """Every file under ``data_dir`` with an RDF extension (links followed, the
    :data:`SKIPPED_FOLDERS` left out): its path, its path relative to ``data_dir``, and whether
    it is a link. One directory read per folder, no further look-up per file."""
    folders = [(data_dir, "")]
    while folders:
        folder, prefix = folders.pop()
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.is_dir():
                    if entry.name not in SKIPPED_FOLDERS:
                        folders.append((entry.path, f"{prefix}{entry.name}{os.sep}"))
                elif os.path.splitext(entry.name)[1].lower() in FORMATS and entry.is_file():
                    yield entry.path, prefix + entry.name, entry.is_symlink()


def _check_data_file(path: str, is_link: bool, root: str, real_folders: dict[str, str]) -> str:
    """Refuse a data file that links outside ``root`` (the data folder's real path, ending in a
    separator) or whose name makes no graph name; its graph name's last part, if neither."""
    parent, name = os.path.split(path)
    folder = real_folders.get(parent)
    if folder is None:
        folder = real_folders[parent] = os.path.realpath(parent)
    real = os.path.realpath(path) if is_link else os.path.join(folder, name)
    if not real.startswith(root):
        raise SourceError(
            f"{printable(Path(path))}: a link to a file outside the data folder is refused "
            "(only files inside the data folder are data; it was not read)",
            hint="Copy the file into the data folder instead of linking to it.",
        )
    stem = os.path.splitext(name)[0]  # Path.stem, for a name with an RDF extension
    _check_graph_name(path, stem)
    return stem


def _check_graph_name(path: str | Path, stem: str) -> None:
    """Refuse a data file (``path``, named ``stem`` and an extension) whose name makes no graph
    name, or a reserved one."""
    name = _graph_of_stem(stem)
    if not _GRAPH_NAME.fullmatch(stem) or not _is_iri(name):
        raise SourceError(
            f"{printable(Path(path))}: the file name makes the graph name, so it may hold only "
            "letters, digits and - _ . ~",
            hint="Rename the file (for example with - instead of spaces).",
        )
    reserved = reserved_graph(name)
    if reserved:
        raise SourceError(
            f"{printable(Path(path))}: the graph name <{name}> is reserved for {reserved}",
            hint="Rename the file.",
        )


def _is_iri(text: str) -> bool:
    try:
        ox.NamedNode(text)
    except ValueError:
        return False
    return True


class Store:
    """The SECON graph in an embedded store, one named graph per loaded file.

    Parameters
    ----------
    engine
        ``"oxigraph"`` (the default) or ``"rdflib"``: which engine answers every read
        (:meth:`select`, :meth:`query`, :meth:`select_terms`, :meth:`quads_for_pattern`, the
        counts and dumps). Both give the same answers, in pyoxigraph terms where terms are given.
    oxigraph
        An Oxigraph store to use, such as the store on disk that ``build`` writes (see
        :mod:`secongraph.built`); a new store in memory by default. It always holds the data;
        only :mod:`secongraph.built`, which writes it on disk, uses it directly (bulk load,
        flush): everything else reads through the store's methods.
    on_disk
        Whether ``oxigraph`` keeps its data on disk. Such a store looks up every string of every
        quad it gives, so work that reads the whole store more than once reads a copy in memory
        (see :func:`~secongraph.export.export_many`).

    Raises
    ------
    ParameterError
        If ``engine`` is not one of :data:`ENGINES`.

    Examples
    --------
    >>> store = Store()
    >>> len(store)
    0
    """

    def __init__(
        self,
        *,
        engine: Engine = "oxigraph",
        oxigraph: ox.Store | None = None,
        on_disk: bool = False,
    ) -> None:
        if engine not in ENGINES:
            raise ParameterError(f"unknown engine {engine!r} (expected {', '.join(ENGINES)})")
        self.engine: Engine = engine
        self.on_disk = on_disk
        self.oxigraph = ox.Store() if oxigraph is None else oxigraph
        self.rdflib: Dataset | None = Dataset(default_union=True) if engine == "rdflib" else None
        self.files: list[LoadedFile] = []
        if oxigraph is not None:
            self._mirror(oxigraph.named_graphs())

    def in_memory_copy(self) -> Store:
        """A copy of this store in memory, which can take graphs a read-only store cannot."""
        copy = Store(engine=self.engine)
        copy.oxigraph.extend(self.oxigraph)
        copy._mirror(copy.oxigraph.named_graphs())
        copy.files = list(self.files)
        return copy

    def __len__(self) -> int:
        """The number of quads, in every graph."""
        if self.rdflib is None:
            return len(self.oxigraph)
        return sum(len(graph) for graph in self.rdflib.graphs())

    def load(self, path: Path, *, ontology: bool = False) -> LoadedFile:
        """Parse ``path`` completely, then add it to the store as its own named graph.

        Raises
        ------
        SourceError
            If the file is unreadable, malformed or unsafe (see :func:`sources.read_quads`), or
            (unless ``ontology``) its name makes no graph name or a reserved one, or it fills a
            reserved graph (see :func:`reserved_graph` and :func:`data_files`).
        """
        graph, quads = parse_file(path, ontology=ontology)
        return self.add_file(path, graph, quads, ontology=ontology)

    def add_file(
        self, path: Path, graph: str, quads: list[ox.Quad], *, ontology: bool = False
    ) -> LoadedFile:
        """Add the quads :func:`parse_file` read from ``path`` as the named graph ``graph``."""
        self.oxigraph.extend(quads)
        self._mirror({q.graph_name for q in quads})
        loaded = LoadedFile(path, graph, len(quads), ontology)
        self.files.append(loaded)
        logger.info("loaded %s into <%s> (%d triples)", path, graph, len(quads))
        return loaded

    def select(
        self,
        sparql: str,
        *,
        bindings: Mapping[str, Identifier] | None = None,
        allow_remote: bool = False,
        origin: str = "query",
        timeout: float | None = None,
    ) -> QueryResult:
        """Run a SELECT query on the union of the named graphs, with ``bindings`` as RDF terms.

        Parameters
        ----------
        sparql
            The query; the secongraph prefixes are predeclared.
        bindings
            Variable name (without ``?``) → RDF term. rdflib gets them as ``initBindings``;
            Oxigraph as ``BIND`` clauses of checked terms (see :func:`sandbox.bind_values`).
        allow_remote
            Allow ``FROM``, ``FROM NAMED`` and ``SERVICE``; refused by default.
        origin
            Names the query in messages.
        timeout
            Seconds the query may take; it is then stopped. ``None`` (the default) runs it here,
            to its end; a number runs it in a worker process that is killed at the deadline
            (see :func:`sandbox.with_deadline`: a few milliseconds more per query).

        Raises
        ------
        QueryError
            If the query is refused (see :func:`sandbox.check_query`), fails in the engine, tries
            to reach a socket or a file while rdflib evaluates it, or passes its deadline.
        ParameterError
            If a binding cannot be written as an RDF term.

        Examples
        --------
        >>> Store().select("SELECT (1 AS ?one) WHERE {}").rows
        [{'one': rdflib.term.Literal('1', datatype=rdflib.term.URIRef('http://www.w3.org/2001/XMLSchema#integer'))}]
        >>> len(Store().select("SELECT ?x WHERE { VALUES ?x { 1 2 } }", timeout=5))
        2
        """
        result = self._answer(
            sparql, ("SELECT",), bindings or {}, allow_remote=allow_remote, origin=origin,
            timeout=timeout,
        )  # fmt: skip
        assert isinstance(result, QueryResult)
        return result

    def query(
        self,
        sparql: str,
        *,
        bindings: Mapping[str, Identifier] | None = None,
        allow_remote: bool = False,
        origin: str = "query",
        timeout: float | None = None,
    ) -> Answer:
        """Run a query of any read-only form, as :meth:`select` runs a SELECT.

        Returns
        -------
        QueryResult, bool or list of pyoxigraph.Triple
            The rows of a SELECT, the answer of an ASK, the triples of a CONSTRUCT or DESCRIBE.

        Raises
        ------
        QueryError, ParameterError
            As :meth:`select` does (an update is refused; ASK, CONSTRUCT and DESCRIBE are not).

        Examples
        --------
        >>> Store().query("ASK { FILTER(1 < 2) }")
        True
        >>> [triple] = Store().query("CONSTRUCT { sgid:x rdfs:label 'x' } WHERE {}")
        >>> triple.subject
        <NamedNode value=https://w3id.org/secongraph/id/x>
        """
        return self._answer(
            sparql, QUERY_FORMS, bindings or {}, allow_remote=allow_remote, origin=origin,
            timeout=timeout,
        )  # fmt: skip

    def select_terms(self, sparql: str, *, origin: str = "query") -> list[dict[str, Term]]:
        """Run one of the library's own SELECT queries; each row maps the variables it binds to
        pyoxigraph terms, on both engines.

        The fast path for code that reads many rows (the network facts): Oxigraph's terms are
        given as they come, with no conversion per row. The query passes the sandbox's checks
        first, as in :meth:`select` (no SERVICE, outside FROM or update).

        Raises
        ------
        QueryError
            If the query is refused, is not a SELECT or fails in the engine.

        Examples
        --------
        >>> Store(engine="rdflib").select_terms("SELECT ?x ?unbound WHERE { VALUES ?x { 1 } }")
        [{'x': <Literal value=1 datatype=<NamedNode value=http://www.w3.org/2001/XMLSchema#integer>>}]
        """
        if self.rdflib is not None:
            return [
                {name: to_ox_term(term) for name, term in row.items() if term is not None}
                for row in self.select(sparql, origin=origin).rows
            ]
        check_query(sparql, origin=origin)  # a SELECT, local and read-only
        try:
            solutions = self.oxigraph.query(
                sparql, prefixes=PREFIX_IRIS, use_default_graph_as_union=True
            )
            assert isinstance(solutions, ox.QuerySolutions)  # checked: a SELECT
            names = [v.value for v in solutions.variables]
            # a solution iterates over its values in the order of the variables: one pass
            return [
                {n: t for n, t in zip(names, s, strict=True) if t is not None} for s in solutions
            ]
        except (SyntaxError, OSError, ValueError, RuntimeError) as error:
            raise QueryError(f"{origin}: {error}") from None

    def quads_for_pattern(
        self,
        subject: ox.NamedNode | ox.BlankNode | None = None,
        predicate: ox.NamedNode | None = None,
        object: Term | None = None,
        graph_name: GraphName | None = None,
    ) -> Iterator[ox.Quad]:
        """The quads that match a pattern, as pyoxigraph's ``Store.quads_for_pattern`` gives them
        (``None`` matches anything; ``graph_name=None`` every graph, the default graph included),
        from the engine of the store.

        Examples
        --------
        >>> store = Store(engine="rdflib")
        >>> a, b = ox.NamedNode("https://example.org/a"), ox.NamedNode("https://example.org/b")
        >>> _ = store.replace_graph(str(GRAPH["g"]), [ox.Triple(a, RDF_TYPE, b)])
        >>> [quad.object for quad in store.quads_for_pattern(a)]
        [<NamedNode value=https://example.org/b>]
        """
        if self.rdflib is None:
            return self.oxigraph.quads_for_pattern(subject, predicate, object, graph_name)
        return self._rdflib_quads(subject, predicate, object, graph_name)

    def _rdflib_quads(
        self,
        subject: ox.NamedNode | ox.BlankNode | None,
        predicate: ox.NamedNode | None,
        object: Term | None,
        graph_name: GraphName | None,
    ) -> Iterator[ox.Quad]:
        assert self.rdflib is not None
        pattern = (from_ox_term(subject), from_ox_term(predicate), from_ox_term(object))
        context = None
        if graph_name is not None:
            context = Graph(store=self.rdflib.store, identifier=_rdflib_graph(graph_name))
        # the store gives each matching triple once, with every graph that holds it
        for (s, p, o), graphs in self.rdflib.store.triples(pattern, context=context):
            triple = (to_ox_term(s), to_ox_term(p), to_ox_term(o))
            for graph in graphs if context is None else (context,):
                if graph is not None:  # always: the memory store gives the graphs themselves
                    yield ox.Quad(*triple, _ox_graph(graph.identifier))  # type: ignore[arg-type]

    def named_graphs(self) -> list[ox.NamedNode | ox.BlankNode]:
        """The named graphs that hold quads, in the engine of the store."""
        if self.rdflib is None:
            return list(self.oxigraph.named_graphs())
        return [
            name
            for graph in self.rdflib.graphs()
            if len(graph) and not isinstance(name := _ox_graph(graph.identifier), ox.DefaultGraph)
        ]

    def _answer(
        self,
        sparql: str,
        forms: Collection[str],
        bindings: Mapping[str, Identifier],
        *,
        allow_remote: bool,
        origin: str,
        timeout: float | None,
    ) -> Answer:
        parsed = check_query(sparql, allow_remote=allow_remote, origin=origin, forms=forms)
        for term in bindings.values():
            sparql_term(term)  # the same terms are refused on every engine and on endpoints

        def answer() -> Answer:
            if self.rdflib is None:
                result = self._query_oxigraph(sparql, bindings, origin)
            else:
                result = self._query_rdflib(parsed, bindings, allow_remote, origin)
            if isinstance(result, QueryResult):
                return result.in_order(columns(sparql, parsed))
            return result

        if timeout is None:
            return answer()
        return with_deadline(answer, timeout=timeout, origin=origin)

    def _query_oxigraph(
        self, sparql: str, bindings: Mapping[str, Identifier], origin: str
    ) -> Answer:
        text = bind_values(sparql, bindings)
        try:
            answer = self.oxigraph.query(
                text, prefixes=PREFIX_IRIS, use_default_graph_as_union=True
            )
            # solutions and triples are computed while they are read
            if isinstance(answer, ox.QuerySolutions):
                return from_oxigraph(answer)
            if isinstance(answer, ox.QueryBoolean):
                return bool(answer)
            return list(answer)
        except (SyntaxError, OSError, ValueError, RuntimeError) as error:
            # RuntimeError: an unknown custom function, a SERVICE answer of the wrong type, …
            raise QueryError(f"{origin}: {error}") from None

    def _query_rdflib(
        self, parsed: Query, bindings: Mapping[str, Identifier], allow_remote: bool, origin: str
    ) -> Answer:
        with _RDFLIB_LOCK:
            before = rdflib.plugins.sparql.SPARQL_LOAD_GRAPHS
            rdflib.plugins.sparql.SPARQL_LOAD_GRAPHS = allow_remote
            try:
                with warnings.catch_warnings():
                    # rdflib's SPARQL engine calls its own deprecated Dataset methods per pattern
                    warnings.filterwarnings("ignore", category=DeprecationWarning, module="rdflib")
                    answer = self._evaluate_rdflib(parsed, bindings, allow_remote, origin)
            finally:
                rdflib.plugins.sparql.SPARQL_LOAD_GRAPHS = before
        if answer.type == "ASK":
            return bool(answer.askAnswer)
        if answer.graph is not None:  # CONSTRUCT and DESCRIBE
            return list(ox.parse(answer.graph.serialize(format="nt"), ox.RdfFormat.N_TRIPLES))
        variables = [str(v) for v in answer.vars or []]
        return QueryResult(
            variables,
            [
                {v: normalise(row[i]) for i, v in enumerate(variables)}
                for row in answer
                if isinstance(row, ResultRow)  # always: a SELECT yields rows
            ],
        )

    def _evaluate_rdflib(
        self, parsed: Query, bindings: Mapping[str, Identifier], allow_remote: bool, origin: str
    ) -> rdflib.query.Result:
        """The rdflib engine's answer, computed to its end (in the sandbox unless remote)."""
        assert self.rdflib is not None
        try:
            with contextlib.nullcontext() if allow_remote else no_io():
                answer = self.rdflib.query(parsed, initBindings=dict(bindings))
                if answer.type == "SELECT":
                    answer.bindings  # noqa: B018 (computes the rows, here in the sandbox)
        except SandboxViolation as error:
            raise QueryError(f"{origin}: refused: {error}") from None
        except (SecongraphError, KeyboardInterrupt):
            raise
        except Exception as error:  # rdflib's evaluation raises whatever its parts raise
            # (a SERVICE answer that is not JSON, a value it cannot convert, …)
            raise QueryError(f"{origin}: {type(error).__name__}: {error}") from None
        return answer

    def replace_graph(self, name: str, triples: Iterable[ox.Triple | ox.Quad]) -> LoadedFile:
        """Replace the named graph ``name`` with ``triples`` in every engine of the store.

        For computed graphs, such as network metrics: the graph is listed in :attr:`files` with no
        path, so exports and pushes carry it like any other. The graph names of quads are ignored.
        """
        node = ox.NamedNode(name)
        quads = [ox.Quad(t.subject, t.predicate, t.object, node) for t in triples]
        if self.oxigraph.contains_named_graph(node):
            self.oxigraph.remove_graph(node)
        self.oxigraph.extend(quads)
        self._mirror({node})
        loaded = LoadedFile(None, name, len(quads))
        self.files = [f for f in self.files if f.graph != name] + [loaded]
        return loaded

    def without(self, graphs: Iterable[str]) -> Store:
        """This store, or a copy without the named ``graphs`` if it holds any of them.

        For an importer that drafts a new version of a source: what the graph knew from the
        earlier version must not count as known.
        """
        names = {ox.NamedNode(name) for name in graphs}
        if not any(self.oxigraph.contains_named_graph(name) for name in names):
            return self
        copy = Store(engine=self.engine)
        copy.oxigraph.extend(q for q in self.oxigraph if q.graph_name not in names)
        copy._mirror(copy.oxigraph.named_graphs())
        copy.files = [f for f in self.files if ox.NamedNode(f.graph) not in names]
        return copy

    def _mirror(self, graphs: Iterable[ox.NamedNode | ox.BlankNode | ox.DefaultGraph]) -> None:
        """Copy ``graphs`` from Oxigraph to the rdflib engine, as Oxigraph stores them.

        Oxigraph keeps numbers by value (``"0.0"^^xsd:double`` reads back as ``"0"``), so the
        rdflib engine takes its copy from the store, not from the file, and both engines hold the
        very same literals. Blank nodes keep their labels, so both engines give the same terms (see
        :meth:`select_terms` and :meth:`quads_for_pattern`).
        """
        if self.rdflib is None:
            return
        for name in graphs:
            target = self.rdflib.graph(_rdflib_graph(name))
            target.remove((None, None, None))
            quads = self.oxigraph.quads_for_pattern(None, None, None, name)
            with quiet_rdflib_literals():  # from_ox_term gives None for None only
                target.addN(
                    (from_ox_term(q.subject), from_ox_term(q.predicate), from_ox_term(q.object),  # type: ignore[misc]
                     target)
                    for q in quads
                )  # fmt: skip

    def data_graphs(self) -> list[str]:
        """The named graphs that hold data (not the ontology or vocabularies)."""
        return [f.graph for f in self.files if not f.is_ontology]

    def quads(self, *, graphs: Iterable[str] | None = None) -> Iterator[ox.Quad]:
        """Every quad of the store, or of the named ``graphs`` only."""
        if graphs is None:
            yield from self.quads_for_pattern()
            return
        for graph in graphs:
            yield from self.quads_for_pattern(graph_name=ox.NamedNode(graph))

    def count_by_class(self) -> Counter[str]:
        """Count the distinct subjects of each asserted ``rdf:type`` in the data graphs."""
        typed = {
            (q.subject, q.object.value)
            for graph in self.data_graphs()
            for q in self.quads_for_pattern(None, RDF_TYPE, None, ox.NamedNode(graph))
            if not isinstance(q.object, ox.Triple)  # never: the store refuses triple terms
        }
        return Counter(cls for _, cls in typed)

    def dump(self, path: Path, *, fmt: ox.RdfFormat) -> Path:
        """Write the whole store to ``path`` atomically: TriG, N-Quads and JSON-LD keep the named
        graphs, Turtle, N-Triples and RDF/XML get their union (every triple once).

        Graphs are written one after the other, in IRI order, each sorted by subject, predicate
        and object; a union writes a triple under the first graph that holds it. Turtle and TriG
        open each graph with a comment naming it and the documents it was derived from, and give
        each kind of individual and vocabulary its prefix (:func:`dump_prefixes`). So the output
        is the same bytes for the same data (blank nodes keep the labels they got at load), and
        only one graph at a time is held in Python.

        Raises
        ------
        OutputError
            If ``path`` cannot be written (see :func:`files.atomic_output`).
        """
        return self.dumps({path: fmt})[0]

    def dumps(self, targets: Mapping[Path, ox.RdfFormat]) -> list[Path]:
        """Write the store to each path of ``targets`` in its format, as :meth:`dump` writes
        one: the Turtle, TriG, N-Triples and N-Quads files together, in one pass over the store,
        with the prefixes found once. Every file is replaced only when all are written.

        Raises
        ------
        OutputError
            If a path cannot be written (see :func:`files.atomic_output`).
        """
        with contextlib.ExitStack() as stack:
            temporary = {path: stack.enter_context(atomic_output(path)) for path in targets}
            prefixed = {ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG, ox.RdfFormat.RDF_XML}
            prefixes = dump_prefixes(self._iris()) if prefixed & set(targets.values()) else {}
            by_graph = [
                (fmt, stack.enter_context(temporary[path].open("wb")))
                for path, fmt in targets.items()
                if fmt in _BY_GRAPH
            ]
            if by_graph:
                self._write_by_graph(by_graph, prefixes)
            for path, fmt in targets.items():
                if fmt in _BY_GRAPH:
                    continue
                union = not fmt.supports_datasets
                quads = (q for _, graph in self.graphs_in_order(union=union) for q in graph)
                ox.serialize(
                    (q.triple for q in quads) if union else quads, temporary[path], fmt,
                    prefixes=prefixes if union else None,
                )  # fmt: skip
        return list(targets)

    def graphs_in_order(
        self, *, union: bool = False
    ) -> Iterator[tuple[ox.NamedNode | ox.BlankNode | ox.DefaultGraph, list[ox.Quad]]]:
        """Each graph of the store (the default graph first, then the named graphs in IRI order)
        with its quads, sorted; with ``union``, a quad whose triple an earlier graph holds is left
        out, so every triple comes once."""
        for name, quads, unique in self._graphs_in_order(union=union):
            chosen = unique if union else quads
            if chosen:
                yield name, chosen

    def _graphs_in_order(
        self, *, union: bool
    ) -> Iterator[
        tuple[ox.NamedNode | ox.BlankNode | ox.DefaultGraph, list[ox.Quad], list[ox.Quad]]
    ]:
        """Each graph in dump order with its quads sorted and, with ``union``, those of them whose
        triple no earlier graph holds (else the same list)."""
        names = sorted(self.named_graphs(), key=_graph_key)
        default = list(self.quads_for_pattern(None, None, None, ox.DefaultGraph()))
        in_default = {q.triple for q in default} if union else set()
        first = self._first_graphs_of_shared_triples() if union else {}
        for name in [ox.DefaultGraph(), *names]:
            key = _graph_key(name)
            quads = default if key == (0, "") else self.quads_for_pattern(None, None, None, name)
            ordered = sorted(quads, key=_quad_key)
            unique = ordered
            if union and key != (0, "") and (in_default or first):
                unique = [
                    q for q in ordered
                    if q.triple not in in_default and first.get(q.triple, key) == key
                ]  # fmt: skip
            yield name, ordered, unique

    def _first_graphs_of_shared_triples(self) -> dict[ox.Triple, tuple[int, str]]:
        """The first named graph (in dump order) of each triple that two or more named graphs
        hold: one engine query rather than a lookup per quad."""
        rows = self.select_terms(_SHARED_TRIPLES, origin="dump")
        first: dict[ox.Triple, tuple[int, str]] = {}
        for row in rows:
            triple = ox.Triple(row["s"], row["p"], row["o"])  # type: ignore[arg-type]
            key = _graph_key(row["g"])  # type: ignore[arg-type]
            first[triple] = min(first.get(triple, key), key)
        return first

    def _iris(self) -> Iterator[str]:
        """Every IRI the store names as a subject or an object, once."""
        for row in self.select_terms(_IRIS, origin="dump"):
            yield row["t"].value

    def _write_by_graph(
        self, handles: Sequence[tuple[ox.RdfFormat, IO[bytes]]], prefixes: dict[str, str]
    ) -> None:
        """The formats of :data:`_BY_GRAPH`, one graph after the other, each into its handle:
        Turtle and N-Triples the union, Turtle and TriG each graph under a comment that names it."""
        headed: set[int] = set()
        union = any(not fmt.supports_datasets for fmt, _ in handles)
        for name, quads, unique in self._graphs_in_order(union=union):
            comment = None
            for number, (fmt, handle) in enumerate(handles):
                chosen = quads if fmt.supports_datasets else [q.triple for q in unique]
                if not chosen:
                    continue
                if fmt in (ox.RdfFormat.N_TRIPLES, ox.RdfFormat.N_QUADS):  # a line per statement
                    handle.write(ox.serialize(chosen, None, fmt) or b"")
                    continue
                text = ox.serialize(chosen, None, fmt, prefixes=prefixes) or b""  # no output
                lines = text.splitlines(keepends=True)
                count = next(i for i, line in enumerate(lines) if not line.startswith(b"@prefix "))
                if number not in headed:
                    handle.writelines(sorted(lines[:count]))  # the serializer's order is its own
                    headed.add(number)
                comment = comment or self._graph_comment(name).encode()
                handle.write(b"\n" + comment + b"".join(lines[count:]))

    def _graph_comment(self, name: ox.NamedNode | ox.BlankNode | ox.DefaultGraph) -> str:
        """``# Graph <…>`` and what it holds: what it is reserved for, or its sources."""
        if not isinstance(name, ox.NamedNode):
            return "# The default graph\n"
        lines = [f"# Graph <{name.value}>"]
        reserved = reserved_graph(name.value)
        if reserved:
            lines.append(f"# holds {reserved}")
        for predicate, text in ((_DERIVED_FROM, "derived from"), (_METHOD, "method")):
            objects = sorted(str(q.object) for q in self.quads_for_pattern(name, predicate))
            if objects:
                lines.append(f"# {text} {', '.join(dict.fromkeys(objects))}")
        return "\n".join(lines) + "\n"


def dump_prefixes(iris: Iterable[str]) -> dict[str, str]:
    """The prefixes of a dump: secongraph's (:data:`namespaces.PREFIX_IRIS`) and one for each kind
    of individual and vocabulary among ``iris``, named after it (``…/id/organisation/`` is
    ``organisation:``, ``…/vocab/topic/`` is ``topic:``; ``sgvocab-region:`` when an individual's
    kind took the name), so no local name needs a ``\\/`` escape.

    Examples
    --------
    >>> iris = [f"{ID}event/a", str(RDF_TYPE.value), f"{ID}b/c/d"]
    >>> {p: iri for p, iri in dump_prefixes(iris).items() if p not in PREFIX_IRIS}
    {'b-c': 'https://w3id.org/secongraph/id/b/c/', 'event': 'https://w3id.org/secongraph/id/event/'}
    """
    namespaces = {iri.rsplit("/", 1)[0] + "/" for iri in iris if iri.startswith(_KIND_ROOTS)}
    prefixes = dict(PREFIX_IRIS)
    taken = {iri: prefix for prefix, iri in prefixes.items()}
    for namespace in sorted(namespaces):  # id/ before vocab/
        if namespace in taken:
            continue
        root = next(r for r in _KIND_ROOTS if namespace.startswith(r))
        name = namespace[len(root) :].strip("/").replace("/", "-")
        for candidate in (name, f"{taken[root]}-{name}"):
            if _PREFIX_NAME.fullmatch(candidate) and candidate not in prefixes:
                prefixes[candidate] = taken[namespace] = namespace
                break
    return prefixes


def parse_file(path: Path, *, ontology: bool = False) -> tuple[str, list[ox.Quad]]:
    """Parse ``path`` completely, as :meth:`Store.load` loads it: its graph name and its quads.

    Raises
    ------
    SourceError
        As :meth:`Store.load` does.
    """
    if not ontology:
        _check_graph_name(path, path.stem)
    graph = graph_name(path, ontology=ontology)
    quads = read_quads(
        path, graph=ox.NamedNode(graph), forbidden_graphs=None if ontology else reserved_graph
    )
    return graph, quads


def _ox_graph(identifier: Identifier) -> GraphName:
    """An rdflib graph identifier as a pyoxigraph graph name."""
    if identifier == DATASET_DEFAULT_GRAPH_ID:
        return ox.DefaultGraph()
    return ox.BlankNode(identifier) if isinstance(identifier, BNode) else ox.NamedNode(identifier)


def _rdflib_graph(name: GraphName) -> URIRef | BNode:
    """A pyoxigraph graph name as an rdflib graph identifier."""
    if isinstance(name, ox.DefaultGraph):
        return DATASET_DEFAULT_GRAPH_ID
    return URIRef(name.value) if isinstance(name, ox.NamedNode) else BNode(name.value)


def _quad_key(quad: ox.Quad) -> tuple[str, str, str]:
    return str(quad.subject), str(quad.predicate), str(quad.object)


def _graph_key(name: ox.NamedNode | ox.BlankNode | ox.DefaultGraph) -> tuple[int, str]:
    """Graphs in dump order: the default graph first, then by name."""
    return (0, "") if isinstance(name, ox.DefaultGraph) else (1, name.value)


def build_store(
    data_dir: Path, *, progress: Progress | None = None, engine: Engine = "oxigraph"
) -> Store:
    """Load the ontology, its vocabularies and every RDF file under ``data_dir`` into a new store.

    Parameters
    ----------
    data_dir
        The data folder (``./data``): its RDF files, ``templates/`` and ``reference/`` excepted.
    progress
        Called with each file's path after it is loaded.
    engine
        The engine that answers queries: ``"oxigraph"`` (default) or ``"rdflib"``.

    Raises
    ------
    SourceError
        If a file cannot be read or parsed, or two files would share a named graph.
    ParameterError
        If ``engine`` is unknown.
    """
    store = Store(engine=engine)
    plan = [(path, True) for path in ontology_files()]
    plan += [(path, False) for path in data_files(data_dir)]
    for path, is_ontology in plan:
        store.load(path, ontology=is_ontology)
        if progress:
            progress(path)
    return store
