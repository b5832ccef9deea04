"""Accept a reviewed draft: drop the rejected facts, validate, and move it into the data folder.

The reviewer writes ``reject`` in the ``decision`` column of the review table for each fact to
keep out (rejecting the type of a new entity keeps the whole entity out), and may edit the
draft's Turtle by hand. :func:`accept_draft` then validates the draft together with the data
folder and refuses it, with every problem listed, unless it conforms. Accepted, the draft's files
go to ``data/{slug}.ttl`` (and ``data/{slug}--modelling.ttl``, ``data/{slug}--translation.ttl``),
its catalogue record to ``data/sources/{slug}.source.ttl`` and the source file to
``data/sources/imports/``. Accepting the same draft again changes nothing; a newer draft of the
same source replaces the older one whole.
"""

from __future__ import annotations

import csv
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import DCTERMS, RDF, Graph, Node, URIRef
from rdflib.compare import isomorphic

from ..errors import SecongraphError, SourceError
from ..files import atomic_output, write_atomically
from ..namespaces import SG
from ..sources import load_graph
from ..store import data_files
from ..validate import validate
from .draft import DRAFT_PREFIXES, GRAPH_KINDS, GraphKind, draft_files, fact_key

__all__ = ["AcceptError", "Accepted", "accept_draft"]

REJECT = frozenset({"reject", "rejected", "no", "n", "x"})
KEEP = frozenset({"", "accept", "accepted", "yes", "y", "ok"})


class AcceptError(SecongraphError):
    """A draft cannot be accepted: ``problems`` lists every reason, one line each."""

    exit_code = 1

    def __init__(self, folder: Path, problems: list[str]):
        super().__init__(f"{folder}: {len(problems)} problem(s); the draft was not accepted")
        self.problems = problems


@dataclass(frozen=True)
class Accepted:
    """What :func:`accept_draft` did: the files it wrote (none when nothing changed) and the
    facts it kept and rejected."""

    written: tuple[Path, ...]
    kept: int
    rejected: int

    @property
    def unchanged(self) -> bool:
        """The data folder already held this draft: nothing was written."""
        return not self.written


def accept_draft(folder: Path, *, data_dir: Path) -> Accepted:
    """Validate the reviewed draft in ``folder`` and move it into ``data_dir``.

    Parameters
    ----------
    folder
        A draft folder written by ``import table`` or ``import text`` (``drafts/{slug}``).
    data_dir
        The data folder.

    Returns
    -------
    Accepted

    Raises
    ------
    SourceError
        If ``folder`` is not a draft, or one of its files cannot be read or parsed.
    AcceptError
        If the review table has an unknown decision, the draft would replace a file that is not
        an earlier draft of the same source, or the draft does not conform to the shapes: every
        problem at once, nothing written.
    """
    slug = folder.name
    files = draft_files(folder, slug)
    source, review = folder / f"{slug}.source.ttl", folder / f"{slug}.review.csv"
    originals = sorted(folder.glob("original.*"))
    for required in (files["stated"], source, review):
        if not required.is_file():
            raise SourceError(f"{folder}: not a draft: {required.name} is missing")
    if len(originals) != 1:
        raise SourceError(f"{folder}: not a draft: expected one original.* file")
    rejected, problems = _decisions(review)
    graphs = {kind: load_graph(path) for kind, path in files.items() if path.is_file()}
    removed = _reject(graphs, rejected)
    record = load_graph(source)
    problems += _conflicts(graphs["stated"], data_dir, slug)
    if problems:
        raise AcceptError(folder, problems)
    targets = {kind: data_dir / path.name for kind, path in files.items()}
    record_target = data_dir / "sources" / source.name
    copy_target = data_dir / _local_copy(record, source)
    _validate(folder, graphs, record, data_dir, set(targets.values()) | {record_target})
    kept = sum(len(g) for g in graphs.values())
    if _unchanged(graphs, targets, record, record_target, originals[0], copy_target):
        return Accepted((), kept, removed)
    written = [write_atomically(copy_target, originals[0].read_bytes())]
    written.append(write_atomically(record_target, source.read_bytes()))
    for kind, target in targets.items():
        if kind not in graphs or (kind != "stated" and len(_facts_only(graphs[kind])) == 0):
            target.unlink(missing_ok=True)
        elif removed:
            written.append(_write_graph(graphs[kind], target))
        else:
            written.append(write_atomically(target, files[kind].read_bytes()))
    return Accepted(tuple(written), kept, removed)


def _decisions(review: Path) -> tuple[set[str], list[str]]:
    """The keys of the rejected facts, and the rows whose decision is not understood."""
    rejected: set[str] = set()
    problems: list[str] = []
    with review.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        for row in reader:
            decision = (row.get("decision") or "").strip().lower()
            if decision in REJECT:
                rejected.add((row.get("fact") or "").strip())
            elif decision not in KEEP:
                problems.append(
                    f"{review}:{reader.line_num}: column 'decision': {decision!r} is not "
                    "understood (leave it empty to keep the fact, or write reject)"
                )
    return rejected, problems


def _reject(graphs: dict[GraphKind, Graph], rejected: set[str]) -> int:
    """Remove the rejected facts, whole entities whose type was rejected, and evidence of
    removed facts. Returns how many facts were removed."""
    if not rejected:
        return 0
    gone: set[URIRef] = set()
    removed = 0
    for graph in graphs.values():
        for s, p, o in list(graph):
            if fact_key(s, p, o) in rejected:
                graph.remove((s, p, o))
                removed += 1
                if p == RDF.type and isinstance(s, URIRef):
                    gone.add(s)
    for graph in graphs.values():
        for entity in gone:
            removed += len(list(graph.triples((entity, None, None))))
            graph.remove((entity, None, None))
            graph.remove((None, None, entity))
        for evidence in list(graph.subjects(RDF.type, SG.Evidence)):
            subject = graph.value(evidence, SG.factSubject)
            prop, value = (
                graph.value(evidence, SG.factProperty),
                graph.value(evidence, SG.factValue),
            )
            stale = subject in gone or (
                prop is not None and value is not None and (subject, prop, value) not in graph
            )
            if stale or subject is None:
                graph.remove((evidence, None, None))
    return removed


def _conflicts(stated: Graph, data_dir: Path, slug: str) -> list[str]:
    """A draft may replace only an earlier draft of the same source document."""
    target = data_dir / f"{slug}.ttl"
    if not target.exists():
        return []
    old = load_graph(target)
    graph = next(iter(stated.subjects(RDF.type, SG.SourceGraph)), None)
    if graph is None or set(old.objects(graph, SG.method)) != set(stated.objects(graph, SG.method)):
        return [f"{target}: holds other facts than an earlier draft of this source; "
                "choose another slug"]  # fmt: skip
    return []


def _local_copy(record: Graph, source: Path) -> Path:
    copies = [str(c) for c in record.objects(None, SG.localCopy)]
    if len(copies) != 1 or ".." in Path(copies[0]).parts or Path(copies[0]).is_absolute():
        raise SourceError(f"{source}: needs one sg:localCopy inside the data folder")
    return Path(copies[0])


def _validate(
    folder: Path, graphs: dict[GraphKind, Graph], record: Graph, data_dir: Path,
    replaced: set[Path],
) -> None:  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="secongraph-accept-") as tmp:
        paths = []
        for kind, graph in [*graphs.items(), ("source", record)]:
            path = Path(tmp) / f"{folder.name}.{kind}.ttl"
            _write_graph(graph, path)
            paths.append(path)
        others = [
            p for p in data_files(data_dir) if p.resolve() not in {r.resolve() for r in replaced}
        ]
        report = validate([*paths, *others])
        mine = {str(p) for p in paths}
        findings = [f for f in report.findings if f.file in mine] or report.findings
        if not report.conforms:
            names = {str(p): f"{folder / p.name.split('.')[0]}" for p in paths}
            raise AcceptError(
                folder,
                [str(f).replace(f.file, names.get(f.file, f.file), 1) for f in findings],
            )


def _facts_only(graph: Graph) -> list[tuple[Node, Node, Node]]:
    """The triples of ``graph`` but its own description (a companion graph may hold only that)."""
    described = set(graph.subjects(RDF.type, SG.SourceGraph))
    return [triple for triple in graph if triple[0] not in described]


def _unchanged(
    graphs: dict[GraphKind, Graph], targets: dict[GraphKind, Path], record: Graph,
    record_target: Path, original: Path, copy_target: Path,
) -> bool:  # fmt: skip
    """The data folder holds the same facts already (the import date aside)."""
    if not (record_target.exists() and copy_target.exists()):
        return False
    if copy_target.read_bytes() != original.read_bytes():
        return False
    if not isomorphic(_undated(load_graph(record_target)), _undated(record)):
        return False
    for kind in GRAPH_KINDS:
        present = kind in graphs and (kind == "stated" or len(_facts_only(graphs[kind])) > 0)
        if present != targets[kind].exists():
            return False
        if present and not isomorphic(_undated(load_graph(targets[kind])), _undated(graphs[kind])):
            return False
    return True


def _undated(graph: Graph) -> Graph:
    copy = Graph()
    copy += graph
    for described in graph.subjects(RDF.type, SG.SourceGraph):
        copy.remove((described, DCTERMS.created, None))
    return copy


def _write_graph(graph: Graph, path: Path) -> Path:
    """Write ``graph`` as sorted Turtle with the draft prefixes, atomically."""
    triples = sorted(
        (ox.Triple(q.subject, q.predicate, q.object) for q in _to_oxigraph(graph)), key=str
    )
    with atomic_output(path) as tmp:
        ox.serialize(triples, tmp, ox.RdfFormat.TURTLE, prefixes=DRAFT_PREFIXES)
    return path


def _to_oxigraph(graph: Graph) -> list[ox.Quad]:
    return list(ox.parse(graph.serialize(format="nt", encoding="utf-8"), ox.RdfFormat.N_TRIPLES))
