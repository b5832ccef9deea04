"""SHACL validation (pyshacl) of RDF files against the secongraph shapes, as readable findings.

The data is validated together with the ontology and its vocabularies, so that class targets and
``sh:class`` follow ``rdfs:subClassOf`` without RDFS inference. Non-conformance is a result, not an
exception.

A literal that is not valid for its datatype (``"abc"^^xsd:date``, ``"2023-02-30"^^xsd:date``) is a
finding too, on whatever property it sits, whether or not a shape constrains it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pyshacl
from pyshacl.errors import ReportableRuntimeError
from rdflib import RDF, RDFS, SH, SKOS, Graph, Literal, Node, URIRef

from .errors import ShapesError, printable
from .namespaces import bind_prefixes
from .paths import ontology_files, shapes_file
from .sources import load_graph


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


def validate(files: Iterable[Path], *, shapes: Path | None = None) -> ValidationReport:
    """Validate the RDF ``files`` (with the ontology and vocabularies) against the SHACL shapes.

    Parameters
    ----------
    files
        Data files; each finding names the file whose triples describe its focus node.
    shapes
        A SHACL shapes file; the default is secongraph's own ``ontology/shapes.ttl``.

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
    data = bind_prefixes(Graph())
    origin: dict[Node, Path] = {}
    ill_typed: list[tuple[Path, Node, Node, Literal]] = []
    for path in ontology_files():
        data += _cached_graph(path, _version(path))
    for path in dict.fromkeys(Path(f) for f in files):
        graph = load_graph(path)
        for subject in graph.subjects(unique=True):
            origin.setdefault(subject, path)
        ill_typed += [
            (path, s, p, o)
            for s, p, o in graph
            if isinstance(o, Literal) and o.ill_typed and o.datatype is not None
        ]
        data += graph
    shapes_path = shapes or shapes_file()
    shapes_graph = _load_shapes(shapes_path, _version(shapes_path))
    try:
        conforms, results, _ = pyshacl.validate(
            data, shacl_graph=shapes_graph, inference="none", allow_warnings=True
        )
    except ReportableRuntimeError as error:
        raise ShapesError(f"{shapes or shapes_file()}: {error.message}") from error
    assert isinstance(results, Graph)
    reported = {(s, p) for _, s, p, _ in ill_typed}
    findings = sorted(
        [
            *(
                _finding(results, result, data, origin)
                for result in results.subjects(RDF.type, SH.ValidationResult)
                if not _said_already(results, result, reported)
            ),
            *(_ill_typed_finding(data, *found) for found in ill_typed),
        ],
        key=lambda f: (f.file, f.line or 0, f.focus, f.path or "", f.message),
    )
    return ValidationReport(bool(conforms) and not ill_typed, findings, results)


def _said_already(results: Graph, result: Node, reported: set[tuple[Node, Node]]) -> bool:
    """A datatype finding of SHACL about a value that is ill-typed, which is reported already."""
    component = results.value(result, SH.sourceConstraintComponent)
    key = (results.value(result, SH.focusNode), results.value(result, SH.resultPath))
    return component == SH.DatatypeConstraintComponent and key in reported


def _ill_typed_finding(
    data: Graph, path: Path, subject: Node, predicate: Node, value: Literal
) -> Finding:
    lexical = json.dumps(str(value), ensure_ascii=False)
    datatype = _short(data, value.datatype)
    return Finding(
        file=str(path),
        line=_line_of_value(path, str(value), predicate) or _line_of(path, subject),
        focus=_short(data, subject),
        label=_label(data, subject),
        path=_short(data, predicate),
        message=f"{lexical} is not a valid {datatype} (an ill-typed literal)",
        severity="sh:Violation",
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


def _finding(results: Graph, result: Node, data: Graph, origin: dict[Node, Path]) -> Finding:
    focus = results.value(result, SH.focusNode)
    path = results.value(result, SH.resultPath)
    message = results.value(result, SH.resultMessage)
    severity = results.value(result, SH.resultSeverity)
    source = origin.get(focus) if focus is not None else None
    return Finding(
        file=str(source) if source else "(ontology)",
        line=_line_of(source, focus) if source else None,
        focus=_short(data, focus),
        label=_label(data, focus),
        path=_short(data, path) if path is not None else None,
        message=str(message) if message is not None else "does not conform",
        severity=_short(data, severity) if severity is not None else "sh:Violation",
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


def _line_of_value(path: Path, lexical: str, predicate: Node) -> int | None:
    """The first line of ``path`` with ``lexical`` quoted (Turtle, JSON) or as XML text, on the
    same line as the predicate's local name if there is one."""
    needles = (f'"{lexical}"', f"'{lexical}'", f">{lexical}<")
    local = re.split(r"[/#:]", str(predicate))[-1]
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    found = [number for number, text in enumerate(lines, 1) if any(n in text for n in needles)]
    beside = [number for number in found if local and local in lines[number - 1]]
    return next(iter(beside or found), None)


def _line_of(path: Path, node: Node | None) -> int | None:
    """The first line of ``path`` that starts a description of ``node`` (its IRI or local name)."""
    if not isinstance(node, URIRef):
        return None
    local = re.split(r"[/#:]", str(node))[-1]
    if not local:
        return None
    pattern = re.compile(rf"^\s*(<{re.escape(str(node))}>|[\w-]*:{re.escape(local)})(\s|$)")
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    return next((number for number, text in enumerate(lines, 1) if pattern.match(text)), None)


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
    graph = Graph()
    for path in ontology_files():
        graph += _cached_graph(path, _version(path))
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
