"""Validation of the built store: after the first, only what changed is checked again.

``secongraph validate`` on a current store (see :mod:`secongraph.built`) keeps a record beside
it, ``validation.json``: the digest of every file it validated, the subjects each data file
described and every finding. The next validation checks again only the focus nodes a change can
have touched:

- every subject of a changed, added or removed file, before and after the change;
- every node that links to one of them, since the shapes' ``sh:class`` reads the type of the
  node a value names.

The shapes use no property path longer than one step, no SPARQL constraint and no target other
than classes, so nothing else can change its findings. Each node is checked with its whole
description and the types of the nodes it names, read from the store; the findings of the other
nodes stand as recorded. A new version, other shapes or a changed ontology validates everything.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import Literal, Node, URIRef

from .built import file_digest, inputs_of, open_built, read_manifest, versions
from .files import read_json_object, write_atomically
from .paths import shapes_file
from .sources import to_rdflib
from .store import RDF_TYPE, Store, graph_name
from .validate import (
    Finding,
    Progress,
    ValidationReport,
    check_noted,
    finding_order,
    noted,
    validate,
    with_ontology,
)

__all__ = ["RECORD", "Revalidation", "validate_built"]

RECORD = "validation.json"
"""Nodes per VALUES block when reading descriptions from the store."""


@dataclass(frozen=True)
class Revalidation:
    """What :func:`validate_built` did: the report, and the files it checked again."""

    report: ValidationReport
    checked: tuple[str, ...]
    complete: bool
    """Every file was checked (no usable record of an earlier validation)."""


def validate_built(
    data_dir: Path,
    folder: Path,
    *,
    progress: Progress | None = None,
    checking: Callable[[int], None] | None = None,
) -> Revalidation:
    """Validate the data of the store ``build`` wrote into ``folder`` from ``data_dir``.

    Parameters
    ----------
    data_dir
        The data folder the store was built from.
    folder
        The store's folder; the record of the validation is written there.
    progress, checking
        As for :func:`validate.validate`.

    Raises
    ------
    StoreError
        If the store is not current (see :func:`built.open_built`).
    SourceError, ShapesError
        As :func:`validate.validate` raises them.
    """
    inputs = inputs_of(data_dir)
    store = open_built(data_dir, folder, inputs=inputs)
    manifest = read_manifest(folder)
    assert manifest is not None
    digests = manifest["files"]
    assert isinstance(digests, dict)
    shapes = file_digest(shapes_file())
    record = read_json_object(folder / RECORD)
    data_keys = [key for key, (_, ontology) in inputs.items() if not ontology]
    before: dict[str, str] = record["files"] if record else {}
    changed = [key for key in data_keys if before.get(key) != digests[key]]
    removed = [key for key in before if key not in digests]
    now = _subjects(store, inputs, changed)
    if record is None or now is None or not _same_basis(record, digests, shapes, inputs):
        files = [inputs[key][0] for key in data_keys]
        report = validate(files, progress=progress, checking=checking)
        every = _subjects(store, inputs, data_keys)
        _write_record(folder, digests, shapes, every or {}, report)
        return Revalidation(report, tuple(data_keys), complete=True)
    findings = [Finding(**found) for found in record["findings"]]
    subjects: dict[str, list[str]] = record["subjects"]
    if not (changed or removed):
        return Revalidation(ValidationReport(not findings, findings), (), complete=False)
    touched = {s for key in changed + removed for s in subjects.get(key, [])}
    touched |= {s for key in changed for s in now[key]}
    focus = _existing(store, touched | _linking_to(store, touched))
    report = _check(store, inputs, data_keys, changed, focus, progress, checking)
    rechecked = {str(data_dir / key) for key in changed + removed}  # as validate names files
    kept = [f for f in findings if f.node not in focus and f.file not in rechecked]
    merged = sorted(kept + report.findings, key=finding_order)
    subjects = {key: subjects[key] for key in data_keys if key in subjects} | now
    _write_record(folder, digests, shapes, subjects, ValidationReport(not merged, merged))
    return Revalidation(ValidationReport(not merged, merged, report.results_graph),
                        tuple(changed + removed), complete=False)  # fmt: skip


def _same_basis(
    record: dict, digests: dict, shapes: str, inputs: dict[str, tuple[Path, bool]]
) -> bool:
    """The record was made by these versions, with these shapes and this ontology."""
    ontology = {key: digests[key] for key, (_, is_ontology) in inputs.items() if is_ontology}
    return (
        record.get("versions") == versions()
        and record.get("shapes") == shapes
        and all(record["files"].get(key) == digest for key, digest in ontology.items())
    )


def _check(
    store: Store, inputs: dict[str, tuple[Path, bool]], data_keys: list[str], changed: list[str],
    focus: set[str], progress: Progress | None, checking: Callable[[int], None] | None,
) -> ValidationReport:  # fmt: skip
    """Check ``focus`` against the shapes, with each node's description and the types of what
    it names; ill-typed literals of the changed files too."""
    data = with_ontology()
    origin: dict[Node, Path] = {}
    ill_typed: list[tuple[Path, Node, Node, Literal]] = []
    order = {graph_name(inputs[key][0]): index for index, key in enumerate(data_keys)}
    path_of = {graph_name(inputs[key][0]): inputs[key][0] for key in data_keys}
    for node, graph in _first_graphs(store, focus, order):
        origin[URIRef(node)] = path_of[graph]
    for key in changed:
        path = inputs[key][0]
        quads = store.quads(graphs=[graph_name(path)])
        data.addN(noted(path, _triples(quads), data, origin, ill_typed))
        if progress:
            progress(path)
    data.addN((s, p, o, data) for s, p, o in _triples(_descriptions(store, focus)))
    return check_noted(data, origin, ill_typed, focus=[URIRef(s) for s in sorted(focus)],
                       checking=checking)  # fmt: skip


def _triples(quads: Iterable[ox.Quad | ox.Triple]) -> Iterable[tuple[Node, Node, Node]]:
    for graph in to_rdflib(quads).graphs():
        yield from graph


def _descriptions(store: Store, nodes: set[str]) -> Iterable[ox.Triple]:
    """The statements about ``nodes``, and the types of the IRIs they name, from every graph."""
    typed: set[ox.NamedNode] = set()
    for node in sorted(nodes):
        for quad in store.quads_for_pattern(ox.NamedNode(node)):
            yield quad.triple
            if isinstance(quad.object, ox.NamedNode) and quad.object not in typed:
                typed.add(quad.object)
                yield from (q.triple for q in store.quads_for_pattern(quad.object, RDF_TYPE))


def _subjects(
    store: Store, inputs: dict[str, tuple[Path, bool]], keys: list[str]
) -> dict[str, list[str]] | None:
    """The IRIs each of the files ``keys`` describes, as the store holds them; ``None`` if one
    describes a blank node (which cannot be a focus node of its own: validate everything)."""
    found: dict[str, list[str]] = {}
    for key in keys:
        graph = ox.NamedNode(graph_name(inputs[key][0]))
        subjects = {q.subject for q in store.quads_for_pattern(graph_name=graph)}
        named = sorted(s.value for s in subjects if isinstance(s, ox.NamedNode))
        if len(named) < len(subjects):
            return None
        found[key] = named
    return found


def _linking_to(store: Store, nodes: set[str]) -> set[str]:
    """The IRIs that name one of ``nodes`` as a value."""
    linking: set[str] = set()
    for node in nodes:
        for quad in store.quads_for_pattern(object=ox.NamedNode(node)):
            if isinstance(quad.subject, ox.NamedNode):
                linking.add(quad.subject.value)
    return linking


def _existing(store: Store, nodes: set[str]) -> set[str]:
    """Those of ``nodes`` the store still describes."""
    return {
        node for node in nodes
        if next(store.quads_for_pattern(ox.NamedNode(node)), None)
    }  # fmt: skip


def _first_graphs(store: Store, nodes: set[str], order: dict[str, int]) -> list[tuple[str, str]]:
    """Each node with the first data file (in build order) that describes it."""
    first = []
    for node in nodes:
        graphs = {q.graph_name.value for q in store.quads_for_pattern(ox.NamedNode(node))
                  if isinstance(q.graph_name, ox.NamedNode)}  # fmt: skip
        known = [g for g in graphs if g in order]
        if known:
            first.append((node, min(known, key=order.__getitem__)))
    return first


def _write_record(
    folder: Path, digests: dict, shapes: str, subjects: dict[str, list[str]],
    report: ValidationReport,
) -> None:  # fmt: skip
    record = {
        "versions": versions(),
        "shapes": shapes,
        "files": digests,
        "subjects": subjects,
        "findings": [asdict(finding) for finding in report.findings],
    }
    write_atomically(folder / RECORD, json.dumps(record, ensure_ascii=False).encode())
