"""Drafts: facts an importer read from a source, each with its evidence, written for review.

A draft is a folder ``{drafts}/{slug}/`` that a person reviews before ``accept`` moves it into the
data folder:

- ``{slug}.ttl``: what the source states, as the named graph ``…/graph/{slug}``, described as an
  ``sg:SourceGraph`` (source document, method, date, agent), with one ``sg:Evidence`` per fact
  (text: the sentence and its character offsets) or per row (spreadsheets: the row's cells);
- ``{slug}--modelling.ttl`` and ``{slug}--translation.ttl``: what the importer added to what the
  source states (a type read from a name, a role read from context; an English name), each a
  graph that ``sg:complements`` the source's graph, written only when not empty;
- ``{slug}.source.ttl``: the catalogue record of the source document;
- ``{slug}.review.csv``: one row per fact (fact, evidence, confidence, new or known, proposed IRI);
  write ``reject`` in its ``decision`` column to keep a fact out;
- ``original{ext}``: the source file itself, kept with the data once accepted.

Facts are written as they come, in chunks, so a draft of 100,000 rows needs little memory; each
file is written to a temporary path and renamed, so a failed import leaves no half-written draft.
"""

from __future__ import annotations

import csv
import hashlib
import shutil
from collections.abc import Iterable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import IO, Literal

import pyoxigraph as ox
from rdflib import RDF, RDFS, XSD, Graph, URIRef
from rdflib import Literal as RdfLiteral
from rdflib.term import Node

from ..cells import neutralise
from ..files import atomic_output
from ..namespaces import DCTERMS, GRAPH, ID, PREFIXES, PROV, SG, VOCAB, bind_prefixes
from ..results import compact, ntriples, to_ox_term
from ..store import Store

__all__ = [
    "REVIEW_COLUMNS",
    "DraftSummary",
    "Evidence",
    "Fact",
    "GraphKind",
    "SourceRecord",
    "draft_files",
    "earlier_versions",
    "fact_key",
    "write_draft",
]

GraphKind = Literal["stated", "modelling", "translation"]
GRAPH_KINDS: tuple[GraphKind, ...] = ("stated", "modelling", "translation")
Method = Literal["csv-import", "text-extraction"]
PROJECT_AGENT = ID["organisation/secongraph-project"]
REVIEW_COLUMNS = (
    "fact", "decision", "graph", "status", "subject", "label", "property", "value",
    "confidence", "location", "evidence", "match",
)  # fmt: skip
CHUNK = 20_000
"""Facts serialised at a time: memory stays bounded whatever the size of the source."""
_STANDARD = ("rdf", "rdfs", "xsd", "skos", "dcterms", "prov", "schema", "sg", "sggraph", "sgvocab")
DRAFT_PREFIXES: dict[str, str] = {
    **{prefix: str(PREFIXES[prefix]) for prefix in _STANDARD},
    **{
        prefix: str(ID[f"{kind}/"])
        for prefix, kind in (
            ("o", "organisation"), ("ev", "event"), ("part", "participation"), ("grp", "group"),
            ("place", "place"), ("region", "region"), ("country", "country"), ("src", "source"),
            ("project", "project"), ("pship", "partnership"), ("sgroup", "stakeholder-group"),
            ("membership", "membership"), ("evidence", "evidence"),
        )
    },
}  # fmt: skip
"""The prefixes of a draft's Turtle: the standard ones and one per kind of identifier."""
_HEADER = "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in DRAFT_PREFIXES.items()).encode()


@dataclass(frozen=True)
class Evidence:
    """Where the source states a fact: the quoted text, its place in the file, a confidence.

    ``start`` and ``end`` are character offsets in the source file read as UTF-8 (text sources);
    ``row`` is the spreadsheet row, the header being row 1 (tables).
    """

    quote: str
    confidence: float
    start: int | None = None
    end: int | None = None
    row: int | None = None

    @property
    def location(self) -> str:
        """``row 12``, ``chars 120-184`` or ``""``."""
        if self.row is not None:
            return f"row {self.row}"
        if self.start is not None and self.end is not None:
            return f"chars {self.start}-{self.end}"
        return ""


@dataclass(frozen=True)
class Fact:
    """One drafted triple with its evidence, the graph it belongs to and a note for the reviewer.

    ``graph`` is ``stated`` for what the source states, ``modelling`` or ``translation`` for what
    the importer added. ``note`` says how a name was reconciled, for the review table.
    """

    subject: URIRef
    predicate: URIRef
    value: URIRef | RdfLiteral
    evidence: Evidence
    graph: GraphKind = "stated"
    note: str = ""

    @property
    def key(self) -> str:
        """A short, stable identifier of the triple: see :func:`fact_key`."""
        return fact_key(self.subject, self.predicate, self.value)


def fact_key(subject: Node, predicate: Node, value: Node) -> str:
    """A short, stable identifier of a triple: its N-Triples text, hashed.

    The review table names facts by it, and ``accept`` finds the rejected ones by it.
    """
    if not isinstance(subject, URIRef | RdfLiteral) or not isinstance(predicate, URIRef):
        return ""
    if not isinstance(value, URIRef | RdfLiteral):
        return ""
    text = f"{ntriples(subject)} {ntriples(predicate)} {ntriples(value)}"
    return hashlib.sha256(text.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class SourceRecord:
    """The source document a draft comes from, as the catalogue describes it.

    Parameters
    ----------
    slug
        Names the draft, its graph (``…/graph/{slug}``) and its files.
    title
        The document's title, in ``title_language`` where known.
    file
        The source file itself: it is kept with the data as ``sources/imports/{slug}{ext}``.
    method
        ``csv-import`` or ``text-extraction``.
    kind
        What the document is, in English: ``spreadsheet``, ``press release``, ``news page``.
    iri
        The document's address, if it has one; otherwise ``…/id/source/{slug}``.
    """

    slug: str
    title: str
    file: Path
    method: Method
    kind: str
    iri: URIRef | None = None
    title_language: str | None = None
    publisher: URIRef | None = None
    issued: date | None = None
    language: str | None = None
    created: date = field(default_factory=date.today)

    @property
    def document(self) -> URIRef:
        """The source document's IRI."""
        return self.iri or URIRef(ID[f"source/{self.slug}"])

    @property
    def local_copy(self) -> str:
        """Where the source file lies, relative to the data folder, once accepted."""
        return f"sources/imports/{self.slug}{self.file.suffix.lower()}"

    def graph_iri(self, kind: GraphKind = "stated") -> URIRef:
        """The named graph of the stated facts, or of a companion graph."""
        suffix = "" if kind == "stated" else f"--{kind}"
        return URIRef(GRAPH[f"{self.slug}{suffix}"])

    def catalogue_record(self) -> Graph:
        """The ``sg:SourceDocument`` description for the catalogue, in a graph of its own
        (``…/graph/{slug}.source``) that is described too."""
        graph = bind_prefixes(Graph())
        doc = self.document
        name = URIRef(GRAPH[f"{self.slug}.source"])
        for triple in self.graph_description("stated"):
            graph.add((name, *triple[1:]))
        graph.set((name, RDFS.label, RdfLiteral(f"Catalogue record of {self.title}", lang="en")))
        graph.add((doc, RDF.type, SG.SourceDocument))
        graph.add((doc, DCTERMS.title, RdfLiteral(self.title, lang=self.title_language)))
        graph.add((doc, DCTERMS.type, RdfLiteral(self.kind, lang="en")))
        graph.add((doc, SG.localCopy, RdfLiteral(self.local_copy)))
        if self.publisher is not None:
            graph.add((doc, DCTERMS.publisher, self.publisher))
        if self.issued is not None:
            graph.add((doc, DCTERMS.issued, RdfLiteral(self.issued.isoformat(), datatype=XSD.date)))
        if self.language:
            graph.add((doc, DCTERMS.language, RdfLiteral(self.language, datatype=XSD.language)))
        return graph

    def graph_description(
        self, kind: GraphKind
    ) -> list[tuple[URIRef, URIRef, URIRef | RdfLiteral]]:
        """The triples that describe the named graph of ``kind`` as an ``sg:SourceGraph``."""
        name = self.graph_iri(kind)
        method = {"stated": self.method, "modelling": "modelling", "translation": "translation"}
        what = {
            "stated": f"Facts from {self.title}",
            "modelling": f"What the project added to the facts from {self.title}",
            "translation": f"The project's translations of the facts from {self.title}",
        }
        triples: list[tuple[URIRef, URIRef, URIRef | RdfLiteral]] = [
            (name, RDF.type, SG.SourceGraph),
            (name, RDFS.label, RdfLiteral(what[kind], lang="en")),
            (name, PROV.wasDerivedFrom, self.document),
            (name, SG.method, URIRef(VOCAB[f"method/{method[kind]}"])),
            (name, DCTERMS.created, RdfLiteral(self.created.isoformat(), datatype=XSD.date)),
            (name, PROV.wasAttributedTo, URIRef(PROJECT_AGENT)),
        ]
        if kind != "stated":
            triples.append((name, SG.complements, self.graph_iri("stated")))
        return triples


@dataclass(frozen=True)
class DraftSummary:
    """What an importer drafted: where the draft is, and how many facts and entities it holds.

    ``skipped`` lists the inputs left out (bad rows with ``skip_invalid``, ambiguous names), each
    as one line that names its place in the source.
    """

    folder: Path
    review: Path
    facts: int
    new: int
    known: int
    skipped: tuple[str, ...] = ()


def draft_files(folder: Path, slug: str) -> dict[GraphKind, Path]:
    """The graph files of the draft ``slug`` in ``folder``, by kind (they may not all exist)."""
    return {
        kind: folder / (f"{slug}.ttl" if kind == "stated" else f"{slug}--{kind}.ttl")
        for kind in GRAPH_KINDS
    }


def earlier_versions(store: Store, slug: str) -> list[str]:
    """The named graphs of ``store`` that an accepted draft ``slug`` wrote: the source's
    graph, its companions and its catalogue record. A new draft of the slug replaces them."""
    names = {str(GRAPH[slug]), str(GRAPH[f"{slug}.source"])}
    names |= {str(GRAPH[f"{slug}--{kind}"]) for kind in GRAPH_KINDS}
    return sorted(name for name in names if name in {f.graph for f in store.files})


class _GraphFile:
    """One graph file of a draft, written in chunks of Turtle as facts arrive."""

    def __init__(self, path: Path, record: SourceRecord, kind: GraphKind, stack: ExitStack):
        self.path = path
        self.tmp = stack.enter_context(atomic_output(path))
        self.handle: IO[bytes] = stack.enter_context(self.tmp.open("wb"))
        self.record = record
        self.kind = kind
        self.pending: list[ox.Triple] = []
        self.facts = 0
        self.evidence_written: set[URIRef] = set()
        self.handle.write(_HEADER)
        self._write(record.graph_description(kind))

    def add(self, fact: Fact) -> None:
        self.facts += 1
        self.pending.append(_triple(fact.subject, fact.predicate, fact.value))
        evidence = _evidence_iri(self.record, fact)
        if evidence not in self.evidence_written:
            self.evidence_written.add(evidence)
            self.pending.extend(
                _triple(*t) for t in _evidence_triples(evidence, fact, self.record.document)
            )
        if len(self.pending) >= CHUNK:
            self.flush()

    def flush(self) -> None:
        if self.pending:
            ordered = sorted(self.pending, key=lambda t: (str(t.subject), str(t.predicate)))
            turtle = ox.serialize(ordered, format=ox.RdfFormat.TURTLE, prefixes=DRAFT_PREFIXES)
            assert turtle is not None
            body = b"".join(
                line for line in turtle.splitlines(keepends=True) if not line.startswith(b"@prefix")
            )
            self.handle.write(b"\n" + body)
            self.pending = []
        if len(self.evidence_written) > 4 * CHUNK:  # rows already written: forget them
            self.evidence_written.clear()

    def _write(self, triples: list[tuple[URIRef, URIRef, URIRef | RdfLiteral]]) -> None:
        self.pending.extend(_triple(*t) for t in triples)
        self.flush()


@contextmanager
def write_draft(folder: Path, record: SourceRecord) -> Iterator[_DraftWriter]:
    """Write the draft of ``record`` into ``folder/{slug}/``, fact by fact.

    Use as ``with write_draft(drafts, record) as draft: draft.add(fact)``. The files appear
    only when the block ends without an error; empty companion graphs are not written.

    Raises
    ------
    OSError
        If the folder cannot be written (the caller turns it into its own error).
    """
    target = folder / record.slug
    created = [f for f in (target, *target.parents) if not f.exists()]
    try:
        with ExitStack() as stack:
            writer = _DraftWriter(target, record, stack)
            yield writer
            writer.finish()
    except BaseException:
        for made in created:  # innermost first: only the folders this call made, if empty
            if made.is_dir() and not any(made.iterdir()):
                made.rmdir()
        raise
    for kind, path in draft_files(target, record.slug).items():
        if kind != "stated" and writer.graphs[kind].facts == 0:
            path.unlink(missing_ok=True)


class _DraftWriter:
    """Receives the facts of a draft; see :func:`write_draft`."""

    def __init__(self, folder: Path, record: SourceRecord, stack: ExitStack):
        self.record = record
        self.folder = folder
        self.graphs = {
            kind: _GraphFile(path, record, kind, stack)
            for kind, path in draft_files(folder, record.slug).items()
        }
        self.review_path = folder / f"{record.slug}.review.csv"
        review_tmp = stack.enter_context(atomic_output(self.review_path))
        self._review_handle = stack.enter_context(
            review_tmp.open("w", encoding="utf-8", newline="")
        )
        self.review = csv.writer(self._review_handle, lineterminator="\r\n")
        self.review.writerow(REVIEW_COLUMNS)
        self.source_path = folder / f"{record.slug}.source.ttl"
        self._source_tmp = stack.enter_context(atomic_output(self.source_path))
        self.original = folder / f"original{record.file.suffix.lower()}"
        self._original_tmp = stack.enter_context(atomic_output(self.original))
        self.new: set[URIRef] = set()
        self.labels: dict[URIRef, str] = {}
        self.facts = 0

    def mark_new(self, entity: URIRef, label: str) -> None:
        """Note that ``entity`` is minted by this draft (the review says ``new``)."""
        self.new.add(entity)
        self.labels.setdefault(entity, label)

    def summary(self, skipped: Iterable[str] = ()) -> DraftSummary:
        """The :class:`DraftSummary` of what was added so far."""
        known = {s for s in self.labels if s not in self.new}
        return DraftSummary(
            self.folder, self.review_path, self.facts, len(self.new), len(known), tuple(skipped)
        )

    def label(self, entity: URIRef, label: str) -> None:
        """The label the review table shows for ``entity``."""
        self.labels.setdefault(entity, label)

    def add(self, fact: Fact) -> None:
        """Add ``fact`` to its graph and to the review table."""
        self.facts += 1
        self.graphs[fact.graph].add(fact)
        status = "new" if fact.subject in self.new else "known"
        value = fact.value
        self.review.writerow(
            neutralise(cell)
            for cell in (
                fact.key, "", fact.graph, status, str(fact.subject),
                self.labels.get(fact.subject, ""), compact(fact.predicate),
                self.labels.get(value, compact(value)) if isinstance(value, URIRef) else str(value),
                f"{fact.evidence.confidence:.2f}", fact.evidence.location,
                _one_line(fact.evidence.quote), fact.note,
            )
        )  # fmt: skip

    def finish(self) -> None:
        for graph in self.graphs.values():
            graph.flush()
        self._source_tmp.write_bytes(
            self.record.catalogue_record().serialize(format="turtle", encoding="utf-8")
        )
        shutil.copyfile(self.record.file, self._original_tmp)


def _evidence_iri(record: SourceRecord, fact: Fact) -> URIRef:
    """One evidence per row and subject (tables), or per fact and place in the text."""
    evidence = fact.evidence
    if evidence.row is not None:
        subject = hashlib.sha256(str(fact.subject).encode()).hexdigest()[:8]
        return URIRef(ID[f"evidence/{record.slug}--row-{evidence.row}-{subject}"])
    place = f"-{evidence.start}" if evidence.start is not None else ""
    return URIRef(ID[f"evidence/{record.slug}--{fact.key}{place}"])


def _evidence_triples(
    node: URIRef, fact: Fact, document: URIRef
) -> list[tuple[URIRef, URIRef, URIRef | RdfLiteral]]:
    evidence = fact.evidence
    triples: list[tuple[URIRef, URIRef, URIRef | RdfLiteral]] = [
        (node, RDF.type, SG.Evidence),
        (node, SG.source, document),
        (node, SG.factSubject, fact.subject),
        (node, SG.quote, RdfLiteral(evidence.quote)),
        (node, SG.confidence, RdfLiteral(f"{evidence.confidence:.2f}", datatype=XSD.decimal)),
    ]
    if evidence.row is not None:
        triples.append((node, SG.row, RdfLiteral(str(evidence.row), datatype=XSD.positiveInteger)))
    else:
        triples += [(node, SG.factProperty, fact.predicate), (node, SG.factValue, fact.value)]
    if evidence.start is not None and evidence.end is not None:
        for prop, offset in ((SG.startOffset, evidence.start), (SG.endOffset, evidence.end)):
            triples.append((node, prop, RdfLiteral(str(offset), datatype=XSD.nonNegativeInteger)))
    return triples


def _triple(subject: URIRef, predicate: URIRef, value: URIRef | RdfLiteral) -> ox.Triple:
    return ox.Triple(ox.NamedNode(subject), ox.NamedNode(predicate), to_ox_term(value))


def _one_line(text: str) -> str:
    return " ".join(text.split())
