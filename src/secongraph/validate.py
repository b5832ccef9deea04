"""SHACL validation (pyshacl) of RDF files against the secongraph shapes, as readable findings.

The data is validated together with the ontology and its vocabularies, so that class targets and
``sh:class`` follow ``rdfs:subClassOf`` without RDFS inference. Non-conformance is a result, not an
exception.

A literal that is not valid for its datatype (``"abc"^^xsd:date``, ``"2023-02-30"^^xsd:date``) is a
finding too, on whatever property it sits, whether or not a shape constrains it.

Each file is read twice in all, whatever the number of findings: once parsed into the one graph
that pyshacl checks, once scanned for the lines where descriptions start (:class:`_Lines`), which
locates every finding about the file. The shapes and the ontology are parsed once per process.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pyshacl
from pyshacl.errors import ReportableRuntimeError
from rdflib import RDF, RDFS, SH, SKOS, Graph, Literal, Node, URIRef

from .errors import ShapesError, printable
from .namespaces import bind_prefixes
from .paths import ontology_files, shapes_file
from .sources import load_graph, rdflib_triples

Progress = Callable[[Path], None]
"""Called with each data file's path once it is loaded."""


@dataclass(frozen=True)
class Finding:
    """One SHACL result: where it is, what it is about and what is wrong."""

    file: str
    line: int | None
    focus: str
    label: str | None
    path: str | None
    message: str
    severity: str
    node: str = ""
    """The focus node in full (an IRI, or a blank node's label), for a record of findings."""

    def __str__(self) -> str:
        """One line: ``file:line: focus (label): property: message``, control characters escaped."""
        where = f"{self.file}:{self.line}" if self.line else self.file
        focus = f"{self.focus} ({self.label})" if self.label else self.focus
        path = f" {self.path}:" if self.path else ""
        return printable(f"{where}: {focus}:{path} {self.message}")


@dataclass
class ValidationReport:
    """The outcome of :func:`validate`: whether the data conforms, and every finding."""

    conforms: bool
    findings: list[Finding] = field(default_factory=list)
    results_graph: Graph | None = None


def validate(
    files: Iterable[Path],
    *,
    shapes: Path | None = None,
    progress: Progress | None = None,
    checking: Callable[[int], None] | None = None,
) -> ValidationReport:
    """Validate the RDF ``files`` (with the ontology and vocabularies) against the SHACL shapes.

    Parameters
    ----------
    files
        Data files; each finding names the file whose triples describe its focus node. (A caller
        that knows which files changed, a store on disk, say, may pass only those and what they
        need.)
    shapes
        A SHACL shapes file; the default is secongraph's own ``ontology/shapes.ttl``.
    progress
        Called with each data file's path once it is loaded.
    checking
        Called once, with the number of triples, when the SHACL check starts: pyshacl says
        nothing until it ends, and it takes most of the time on a big graph.

    Returns
    -------
    ValidationReport
        Also with a finding for each ill-typed literal (a lexical form its XSD datatype does not
        allow), which makes the data not conform.

    Raises
    ------
    SourceError
        If a data file cannot be read or parsed.
    ShapesError
        If the shapes cannot be loaded or used.
    """
    data = with_ontology()
    origin: dict[Node, Path] = {}
    ill_typed: list[tuple[Path, Node, Node, Literal]] = []
    for path in dict.fromkeys(Path(f) for f in files):
        data.addN(noted(path, rdflib_triples(path), data, origin, ill_typed))
        if progress:
            progress(path)
    return check_noted(data, origin, ill_typed, shapes=shapes, checking=checking)


def with_ontology() -> Graph:
    """A new graph holding the ontology and its vocabularies (parsed once per process)."""
    data = bind_prefixes(Graph())
    for path in ontology_files():
        data += _cached_graph(path, _version(path))
    return data


def check_noted(
    data: Graph,
    origin: dict[Node, Path],
    ill_typed: list[tuple[Path, Node, Node, Literal]],
    *,
    shapes: Path | None = None,
    focus: Iterable[URIRef] | None = None,
    checking: Callable[[int], None] | None = None,
) -> ValidationReport:
    """Validate ``data`` (ontology included) against the shapes, all of it or the ``focus``
    nodes only, and locate each finding in the file ``origin`` names for its focus node.

    ``origin`` and ``ill_typed`` are what :func:`noted` noted while ``data`` was filled.
    """
    shapes_path = shapes or shapes_file()
    shapes_graph = _load_shapes(shapes_path, _version(shapes_path))
    if checking:
        checking(len(data))
    try:
        conforms, results, _ = pyshacl.validate(
            data, shacl_graph=shapes_graph, inference="none", allow_warnings=True,
            focus_nodes=None if focus is None else [str(node) for node in focus],
        )  # fmt: skip
    except ReportableRuntimeError as error:
        raise ShapesError(f"{shapes_path}: {error.message}") from error
    assert isinstance(results, Graph)
    reported = {(s, p) for _, s, p, _ in ill_typed}
    lines = _LineIndex()
    findings = sorted(
        [
            *(
                _finding(results, result, data, origin, lines)
                for result in results.subjects(RDF.type, SH.ValidationResult)
                if not _said_already(results, result, reported)
            ),
            *(_ill_typed_finding(data, lines, *found) for found in ill_typed),
        ],
        key=finding_order,
    )
    return ValidationReport(bool(conforms) and not ill_typed, findings, results)


def finding_order(finding: Finding) -> tuple[str, int, str, str, str]:
    """The order findings are reported in: by file, line, focus node, property and message."""
    return (finding.file, finding.line or 0, finding.focus, finding.path or "", finding.message)


def noted(
    path: Path,
    triples: Iterable[tuple[Node, Node, Node]],
    data: Graph,
    origin: dict[Node, Path],
    ill_typed: list[tuple[Path, Node, Node, Literal]],
) -> Iterator[tuple[Node, Node, Node, Graph]]:
    """``triples`` as quads of ``data``, noting on the way which file first describes each
    subject (unless ``origin`` knows it already) and every ill-typed literal: one pass, no graph
    per file."""
    for s, p, o in triples:
        if s not in origin:
            origin[s] = path
        if isinstance(o, Literal) and o.ill_typed and o.datatype is not None:
            ill_typed.append((path, s, p, o))
        yield s, p, o, data


def _said_already(results: Graph, result: Node, reported: set[tuple[Node, Node]]) -> bool:
    """A datatype finding of SHACL about a value that is ill-typed, which is reported already."""
    component = results.value(result, SH.sourceConstraintComponent)
    key = (results.value(result, SH.focusNode), results.value(result, SH.resultPath))
    return component == SH.DatatypeConstraintComponent and key in reported


def _ill_typed_finding(
    data: Graph, lines: _LineIndex, path: Path, subject: Node, predicate: Node, value: Literal
) -> Finding:
    lexical = json.dumps(str(value), ensure_ascii=False)
    datatype = _short(data, value.datatype)
    return Finding(
        file=str(path),
        line=lines[path].value_line(subject, str(value), predicate),
        focus=_short(data, subject),
        label=_label(data, subject),
        path=_short(data, predicate),
        message=f"{lexical} is not a valid {datatype} (an ill-typed literal)",
        severity="sh:Violation",
        node=str(subject),
    )


def _version(path: Path) -> int:
    """The file's modification time, the cache key; -1 when unreadable (loading then says why)."""
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return -1


@lru_cache(maxsize=16)
def _cached_graph(path: Path, _mtime: int) -> Graph:
    """The ontology files parsed once per version (validating many files in one process)."""
    return load_graph(path)


@lru_cache(maxsize=4)
def _load_shapes(path: Path, _mtime: int) -> Graph:
    try:
        return load_graph(path)
    except Exception as error:  # a SourceError names the file already
        raise ShapesError(str(error)) from error


def _finding(
    results: Graph, result: Node, data: Graph, origin: dict[Node, Path], lines: _LineIndex
) -> Finding:
    focus = results.value(result, SH.focusNode)
    path = results.value(result, SH.resultPath)
    message = results.value(result, SH.resultMessage)
    severity = results.value(result, SH.resultSeverity)
    source = origin.get(focus) if focus is not None else None
    return Finding(
        file=str(source) if source else "(ontology)",
        line=lines[source].subject_line(focus) if source else None,
        focus=_short(data, focus),
        label=_label(data, focus),
        path=_short(data, path) if path is not None else None,
        message=str(message) if message is not None else "does not conform",
        severity=_short(data, severity) if severity is not None else "sh:Violation",
        node=str(focus),
    )


def _short(graph: Graph, node: Node | None) -> str:
    if isinstance(node, URIRef):
        return node.n3(graph.namespace_manager)
    return str(node)


def _label(graph: Graph, node: Node | None) -> str | None:
    labels = [
        label
        for predicate in (RDFS.label, SKOS.prefLabel)
        for label in graph.objects(node, predicate)
        if isinstance(label, Literal)
    ]
    english = [label for label in labels if label.language == "en"]
    chosen = english or labels
    return str(chosen[0]) if chosen else None


_START = re.compile(r"\s*(?:<([^<>\s]*)>|([A-Za-z][\w.-]*)?:(\S*))(?:\s|$)")
"""A line that starts with an IRI (``<…>``) or a prefixed name (``org:x``), then a space or its
end: where Turtle, TriG and N-Triples start the description of a subject (or of a named graph, or
an object list's next line, all as the old per-finding scan counted them)."""

_PREFIX = re.compile(r"\s*(?:@prefix|PREFIX)\s+([A-Za-z][\w.-]*)?:\s*<([^<>\s]*)>", re.IGNORECASE)


def _local_name(iri: str) -> str:
    return re.split(r"[/#:]", iri)[-1]


class _Lines:
    """The lines of one file, read once, with the first line that starts each description.

    Built in one pass. A line that starts with an IRI or a prefixed name (resolved with the
    prefixes declared above it) is noted under that IRI: first among the lines that start a
    statement (the line before ended one, with ``.``, ``{`` or ``}``), then among all lines (an
    object list's next line, a statement after a literal that spans lines), then, for a name whose
    prefix the file does not declare, under its local name.
    """

    def __init__(self, path: Path) -> None:
        try:
            self.lines = path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError):
            self.lines = []
        self.statements: dict[str, int] = {}
        self.anywhere: dict[str, int] = {}
        self.by_local: dict[str, int] = {}
        self.starts: list[int] = []
        prefixes: dict[str, str] = {}
        at_start = True
        for number, text in enumerate(self.lines, 1):
            stripped = text.strip()
            if not stripped or stripped.startswith("#"):
                continue
            match = _START.match(text)
            if match is not None:
                iri, prefix, local = match.groups()
                if iri is None:
                    namespace = prefixes.get(prefix or "")
                    iri = namespace + local if namespace is not None else None
                    self.by_local.setdefault(_local_name(local), number)
                if iri is not None:
                    self.anywhere.setdefault(iri, number)
                    if at_start:
                        self.statements.setdefault(iri, number)
                if at_start:
                    self.starts.append(number)
            elif declared := _PREFIX.match(text):
                prefixes[declared[1] or ""] = declared[2]
                at_start = True  # SPARQL-style PREFIX has no final "."
                continue
            at_start = stripped.endswith((".", "{", "}"))

    def subject_line(self, node: Node | None) -> int | None:
        """The first line that starts a description of ``node`` (an IRI); None if none does."""
        if not isinstance(node, URIRef):
            return None
        iri = str(node)
        found = self.statements.get(iri) or self.anywhere.get(iri)
        if found is None and (local := _local_name(iri)):
            found = self.by_local.get(local)
        return found

    def value_line(self, subject: Node, lexical: str, predicate: Node) -> int | None:
        """The line of ``lexical`` quoted (Turtle, JSON) or as XML text in ``subject``'s
        description, on the predicate's line if several; else anywhere in the file, else the
        subject's line."""
        start = self.subject_line(subject)
        if start is not None:
            following = bisect_right(self.starts, start)
            end = self.starts[following] if following < len(self.starts) else len(self.lines) + 1
            found = self._value_between(start, end, lexical, predicate)
            if found is not None:
                return found
        return self._value_between(1, len(self.lines) + 1, lexical, predicate) or start

    def _value_between(self, start: int, end: int, lexical: str, predicate: Node) -> int | None:
        needles = (f'"{lexical}"', f"'{lexical}'", f">{lexical}<")
        local = _local_name(str(predicate))
        found = [
            number
            for number in range(start, end)
            if any(needle in self.lines[number - 1] for needle in needles)
        ]
        beside = [number for number in found if local and local in self.lines[number - 1]]
        return next(iter(beside or found), None)


class _LineIndex(dict[Path, _Lines]):
    """Each file's :class:`_Lines`, made on first use: one read of each file with findings."""

    def __missing__(self, path: Path) -> _Lines:
        lines = self[path] = _Lines(path)
        return lines


def check_graph(
    data: Graph, *, focus: Iterable[URIRef] = (), shapes: Path | None = None
) -> list[tuple[Node, Node | None, str]]:
    """Validate the in-memory graph ``data`` (with the ontology added) against the shapes.

    For importers, which validate what they drafted before writing it. ``focus`` limits the
    validation to these nodes (``data`` then needs only what the shapes read about them).
    Returns each finding as ``(focus node, property path or None, message)``; an empty list
    when ``data`` conforms.

    Raises
    ------
    ShapesError
        If the shapes cannot be loaded or used.
    """
    graph = with_ontology()
    graph += data
    shapes_path = shapes or shapes_file()
    try:
        _, results, _ = pyshacl.validate(
            graph,
            shacl_graph=_load_shapes(shapes_path, _version(shapes_path)),
            inference="none",
            allow_warnings=True,
            focus_nodes=[str(node) for node in focus] or None,
        )
    except ReportableRuntimeError as error:
        raise ShapesError(f"{shapes_path}: {error.message}") from error
    assert isinstance(results, Graph)
    found: list[tuple[Node, Node | None, str]] = []
    for result in results.subjects(RDF.type, SH.ValidationResult):
        node = results.value(result, SH.focusNode)
        message = results.value(result, SH.resultMessage)
        if node is not None:
            found.append(
                (node, results.value(result, SH.resultPath), str(message or "does not conform"))
            )
    return found
