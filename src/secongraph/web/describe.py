"""What an entity page shows, gathered from the store (no HTML here): the entity's statements
from every named graph, each with its source and whether the source states it or the project
added it; the statements that mention it; its collaboration neighbourhood and network metrics;
and, for a source document, its catalogue record.

Labels are in the reader's languages, best first, then a label without language, English, any
(:func:`secongraph.queries.relabel`). Which source says what is the library question
``sources-of-entity``; the neighbourhood is the co-participation projection of
:mod:`secongraph.network`.
"""

from __future__ import annotations

import weakref
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from typing import Any, TypeVar
from urllib.parse import urlsplit

import networkx as nx
import pyoxigraph as ox
from rdflib import Literal, URIRef
from rdflib.term import Identifier

from ..choices import SIZE_BY as METRIC_WORDS
from ..namespaces import BASE, DCTERMS, ID, PROV, RDF, RDFS, SG, SKOS
from ..network import co_participation
from ..network.facts import ADDED_METHODS
from ..network.rdf import COMPUTED, METRIC_PREDICATES
from ..queries import NamedQuery, best_label, get_query, relabel, run_query
from ..results import QueryResult, Row, compact, from_ox_term
from ..sandbox import ForkSafeLock
from ..store import Store
from .pages import entity_path
from .site import Site

STATUS_WORDS = {
    "stated": "stated by the source",
    "modelling": "our modelling",
    "translation": "our translation",
    "computed": "computed by the project",
    "unknown": "no method recorded",
}
"""How a page says whether a statement's source states it or the project added it."""

COMMUNITY_WORDS = "group of closely tied organisations (community)"
MAX_MENTIONS = 1000
"""The most incoming statements a page lists (the RDF answer has them all)."""

_FIRST = [str(RDF.type), str(RDFS.label), str(SKOS.prefLabel), str(SKOS.altLabel)]
_METRIC_NAMES = {predicate: name for name, predicate in METRIC_PREDICATES.items()}
_PLAIN = {None, URIRef("http://www.w3.org/2001/XMLSchema#string")}

CATALOGUE = f"""SELECT ?document ?title ?publisher ?issued WHERE {{
  {{ ?document a <{SG.SourceDocument}> }} UNION {{ ?graph <{PROV.wasDerivedFrom}> ?document }}
  FILTER(isIRI(?document))
  OPTIONAL {{ ?document <{DCTERMS.title}> ?title }}
  OPTIONAL {{ ?document <{DCTERMS.publisher}> ?publisher }}
  OPTIONAL {{ ?document <{DCTERMS.issued}> ?issued }}
}}"""
"""Every source document (catalogued, or named as the source of a graph) with its title,
publisher and date."""
SUPPORTED = f"""SELECT ?document ?graph ?method (COUNT(*) AS ?facts) WHERE {{
  ?graph <{PROV.wasDerivedFrom}> ?document .
  OPTIONAL {{ ?graph <{SG.method}> ?method }}
  GRAPH ?graph {{ ?s ?p ?o }}
}} GROUP BY ?document ?graph ?method ORDER BY ?document ?graph"""
"""The named graphs taken from each source document (bind ``document`` for one), their method
and their number of facts."""
SUPPORTED_ENTITIES = f"""SELECT DISTINCT ?entity WHERE {{
  ?graph <{PROV.wasDerivedFrom}> ?document .
  FILTER NOT EXISTS {{ ?graph <{SG.method}> <{COMPUTED}> }}
  GRAPH ?graph {{ ?entity ?p ?o }}
  FILTER(isIRI(?entity) && STRSTARTS(STR(?entity), "{ID}"))
}} ORDER BY ?entity"""
"""The entities a document's graphs say something about (bind ``document``)."""

Triple = tuple[Identifier, URIRef, Identifier, str]
"""A statement as rdflib terms, with the name of the graph that holds it."""


# --------------------------------------------------------------------------------------------
# Terms as a page shows them, and where an IRI's page is
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Shown:
    """An RDF term as a page shows it.

    ``href`` is a page of this site (``internal``: a path to put after the site's root) or an
    http(s) address elsewhere; other IRIs are shown without a link. ``note`` is a literal's
    language tag or datatype.
    """

    text: str
    lang: str | None = None
    href: str | None = None
    internal: bool = False
    iri: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class Said:
    """Who says a statement: a source document (or the named graph, when it names none) and
    whether the source states it or the project added it (a key of :data:`STATUS_WORDS`)."""

    source: Shown
    status: str

    @property
    def words(self) -> str:
        return STATUS_WORDS[self.status]


@dataclass
class Value:
    """One value of a property (or one subject that mentions the entity) and who says it."""

    term: Shown
    said: list[Said] = field(default_factory=list)


@dataclass(frozen=True)
class Group:
    """A property and its values, in the order a page lists them."""

    property: Shown
    values: list[Value]


@dataclass(frozen=True)
class Neighbour:
    """An organisation the entity worked with, through which events and projects."""

    organisation: Shown
    weight: int
    events: list[Shown]
    projects: list[Shown]


class Pages:
    """Where this site shows an IRI: an entity at the path of its IRI (``/id/…``), a source
    document from elsewhere at ``/sources/{key}``; every other IRI has no page here."""

    def __init__(self, documents: Iterable[str]) -> None:
        self.keys: dict[str, str] = {}
        self.documents: dict[str, str] = {}
        for iri in sorted(set(documents)):
            if iri.startswith(str(ID)):
                continue
            key = base = source_slug(iri)
            number = 1
            while key in self.documents:
                number += 1
                key = f"{base}--{number}"
            self.keys[iri], self.documents[key] = key, iri

    def path(self, iri: str) -> str | None:
        """The path of ``iri``'s page on this site, or ``None``."""
        if iri.startswith(str(ID)):
            return entity_path(iri)
        key = self.keys.get(iri)
        return None if key is None else f"/sources/{key}"


def source_slug(iri: str) -> str:
    """A readable path segment for a source document's address (lower-case ASCII and ``-``)."""
    text = iri.split("://", 1)[-1].lower()
    slug = "".join(c if c.isascii() and c.isalnum() else "-" for c in text)
    return "-".join(part for part in slug.split("-") if part)[:200] or "source"


def show(term: Identifier | None, labels: dict[str, Literal], pages: Pages) -> Shown:
    """``term`` for a page: an IRI by its label and linked to its page, a literal as it is."""
    if isinstance(term, URIRef):
        iri = str(term)
        label = labels.get(iri)
        path = pages.path(iri)
        href, internal = (path, True) if path else (external(iri), False)
        if label is None:
            return Shown(compact(term), href=href, internal=internal, iri=iri)
        return Shown(str(label), lang=label.language, href=href, internal=internal, iri=iri)
    if isinstance(term, Literal):
        if term.language:
            return Shown(str(term), lang=term.language, note=term.language)
        return Shown(str(term), note=None if term.datatype in _PLAIN else compact(term.datatype))
    return Shown(compact(term))


def external(iri: str) -> str | None:
    """``iri`` as a link elsewhere when it is an http(s) address (never ``javascript:``, …) and
    not one of the project's own identifiers (served here, or not published)."""
    if urlsplit(iri).scheme.lower() not in ("http", "https") or iri.startswith(BASE):
        return None
    return iri


# --------------------------------------------------------------------------------------------
# What does not depend on the entity, once per store; labels and languages
# --------------------------------------------------------------------------------------------

_T = TypeVar("_T")
_CACHE: weakref.WeakKeyDictionary[Store, dict[str, Any]] = weakref.WeakKeyDictionary()
_CACHE_LOCK = ForkSafeLock()


def cached(store: Store, name: str, compute: Callable[[], _T]) -> _T:
    """``compute()`` once per store (a served store is read-only)."""
    with _CACHE_LOCK:
        entry = _CACHE.setdefault(store, {})
        if name not in entry:
            entry[name] = compute()
        return entry[name]


def pages_of(site: Site) -> Pages:
    """Where the site shows each IRI (see :class:`Pages`)."""

    def documents() -> Pages:
        rows = site.store.select(CATALOGUE, origin="sources", timeout=site.timeout).rows
        return Pages(str(row["document"]) for row in rows)

    return cached(site.store, "pages", documents)


def network_of(store: Store) -> nx.Graph:
    """The co-participation network of the whole graph: organisations tied by the events and
    projects they share."""
    return cached(store, "co-participation", lambda: co_participation(store))


@cache
def question(name: str) -> NamedQuery:
    """A question of the shipped library, which pages use to gather what they show."""
    return get_query(name)


def labels(site: Site, iris: Iterable[str], languages: Sequence[str]) -> dict[str, Literal]:
    """The best label of each IRI for ``languages``; IRIs without a label are left out."""
    rows: list[dict[str, Identifier | None]] = [
        {"x": URIRef(iri), "x_label": None} for iri in sorted(set(iris))
    ]
    found = relabel(
        site.store, QueryResult(["x", "x_label"], rows), languages, timeout=site.timeout
    )
    return {str(r["x"]): r["x_label"] for r in found.rows if isinstance(r["x_label"], Literal)}


def best(literals: Iterable[Literal], languages: Sequence[str]) -> Literal | None:
    """The literal in the reader's best language (chosen as labels are), or ``None``."""
    return best_label([(1, literal) for literal in literals], languages)


def titled(shown: Shown, title: Literal | None) -> Shown:
    """A document ``shown`` by its ``title`` (if it has one), still linked to its page."""
    return shown if title is None else replace(shown, text=str(title), lang=title.language)


def status_of(method: str | None) -> str:
    """A graph's method as a key of :data:`STATUS_WORDS`."""
    if method is None:
        return "unknown"
    if method == COMPUTED:
        return "computed"
    return ADDED_METHODS.get(method, "stated")


# --------------------------------------------------------------------------------------------
# The entity
# --------------------------------------------------------------------------------------------


def statements(store: Store, iri: str) -> tuple[list[ox.Quad], list[ox.Quad]] | None:
    """The quads with ``iri`` as subject and those with it as object, from every graph;
    ``None`` when the graph does not use ``iri`` (or it is not an IRI)."""
    try:
        node = ox.NamedNode(iri)
    except ValueError:
        return None
    outgoing = sorted(store.quads_for_pattern(node), key=str)
    incoming = sorted(store.quads_for_pattern(object=node), key=str)
    if not outgoing and not incoming:
        return None
    return outgoing, incoming


def describe(site: Site, iri: str, languages: Sequence[str] = ("en",)) -> dict[str, Any] | None:
    """Everything the page of ``iri`` shows (render it with
    :func:`secongraph.web.entities.render_entity`).

    Parameters
    ----------
    site
        The site whose graph is described.
    iri
        Any IRI of the graph: an entity under ``id/``, a source document.
    languages
        The reader's languages, best first.

    Returns
    -------
    dict or None
        ``iri``, ``label`` and ``types`` (:class:`Shown`), ``statements`` and ``mentions``
        (lists of :class:`Group`), ``mentions_left`` (incoming statements not listed),
        ``neighbours`` (:class:`Neighbour`), ``metrics`` ((words, value) pairs) and ``record``
        (a source document's catalogue record, else ``None``); ``None`` when the graph does
        not use ``iri``.

    Raises
    ------
    QueryError
        If a look-up passes the site's deadline.
    """
    found = statements(site.store, iri)
    if found is None:
        return None
    outgoing, incoming = (_triples(quads) for quads in found)
    listed = incoming[:MAX_MENTIONS]
    network = network_of(site.store)
    ties = dict(network[iri]) if iri in network else {}
    record = _record(site, iri, outgoing, languages)
    provenance = _Provenance.of_entity(site, iri, languages)
    named = {iri, *provenance.documents, *(record["entities"] if record else ())}
    for triple in outgoing + listed:
        named.update(str(t) for t in triple[:3] if isinstance(t, URIRef))
        named.add(triple[3])
    for other, tie in ties.items():
        named.update([other, *tie["events"], *tie["projects"]])
    names = labels(site, named, languages)
    pages = pages_of(site)

    def shown(term: Identifier | None) -> Shown:
        return show(term, names, pages)

    said = provenance.said(shown, languages)
    neighbours = sorted(
        (
            Neighbour(shown(URIRef(other)), int(tie["weight"]),
                      [shown(URIRef(e)) for e in tie["events"]],
                      [shown(URIRef(p)) for p in tie["projects"]])
            for other, tie in ties.items()
        ),
        key=lambda n: (-n.weight, n.organisation.text.casefold()),
    )  # fmt: skip
    label = shown(URIRef(iri))
    if iri not in names and record:  # a document by its title
        label = titled(label, record["title"])
    return {
        "iri": iri,
        "label": label,
        "types": [shown(o) for o in dict.fromkeys(o for _, p, o, _ in outgoing if p == RDF.type)],
        "statements": _groups(outgoing, 2, shown, said),
        "mentions": _groups(listed, 0, shown, said),
        "mentions_left": len(incoming) - len(listed),
        "neighbours": neighbours,
        "metrics": _metrics(site.store, incoming),
        "record": _show_record(record, shown) if record else None,
    }


def _triples(quads: list[ox.Quad]) -> list[Triple]:
    """Quads as rdflib terms and graph names (no duplicates of a statement in a graph)."""
    triples = []
    for quad in quads:
        graph = quad.graph_name.value if isinstance(quad.graph_name, ox.NamedNode) else ""
        subject, predicate, value = (from_ox_term(t) for t in quad.triple)
        assert subject is not None and isinstance(predicate, URIRef) and value is not None
        triples.append((subject, predicate, value, graph))
    return triples


@dataclass
class _Provenance:
    """The documents (with their titles) and the status of each named graph that says
    something about an entity: the library question ``sources-of-entity``."""

    graphs: dict[str, tuple[list[str], str]] = field(default_factory=dict)
    documents: dict[str, list[Literal]] = field(default_factory=dict)

    @classmethod
    def of_entity(cls, site: Site, iri: str, languages: Sequence[str]) -> _Provenance:
        result = run_query(
            site.store, question("sources-of-entity"), {"entity": iri}, lang=languages,
            timeout=site.timeout,
        )  # fmt: skip
        provenance = cls()
        for row in result.rows:
            status = str(row["stated"]) if row["stated"] is not None else "unknown"
            documents, _ = provenance.graphs.setdefault(str(row["graph"]), ([], status))
            if row["document"] is None:
                continue
            document = str(row["document"])
            titles = provenance.documents.setdefault(document, [])
            if document not in documents:
                documents.append(document)
            if isinstance(row["title"], Literal) and row["title"] not in titles:
                titles.append(row["title"])
        return provenance

    def said(
        self, shown: Callable[[Identifier | None], Shown], languages: Sequence[str]
    ) -> Callable[[str], list[Said]]:
        """Who says what a graph holds: its documents by title, linked to their pages (a
        computed graph, derived from every document, speaks for itself)."""
        cache_: dict[str, list[Said]] = {}

        def of(graph: str) -> list[Said]:
            if graph not in cache_:
                documents, status = self.graphs.get(graph, ([], "unknown"))
                if not documents or status == "computed":  # the graph itself speaks
                    source = shown(URIRef(graph)) if graph else Shown("the default graph")
                    cache_[graph] = [Said(source, status)]
                else:
                    cache_[graph] = [
                        Said(self._title(d, shown, languages), status) for d in documents
                    ]
            return cache_[graph]

        return of

    def _title(
        self, document: str, shown: Callable[[Identifier | None], Shown], languages: Sequence[str]
    ) -> Shown:
        return titled(shown(URIRef(document)), best(self.documents[document], languages))


def _groups(
    triples: list[Triple],
    side: int,
    shown: Callable[[Identifier | None], Shown],
    said: Callable[[str], list[Said]],
) -> list[Group]:
    """Statements grouped by property (types and labels first), the term at ``side`` of each
    (0: subject, 2: object) with who says it."""
    by_property: dict[URIRef, dict[Identifier, Value]] = defaultdict(dict)
    for triple in triples:
        term = triple[0] if side == 0 else triple[2]
        value = by_property[triple[1]].setdefault(term, Value(shown(term)))
        value.said.extend(s for s in said(triple[3]) if s not in value.said)
    rank = {p: i for i, p in enumerate(_FIRST)}
    groups = [
        Group(shown(p), sorted(values.values(), key=lambda v: v.term.text.casefold()))
        for p, values in by_property.items()
    ]
    return sorted(groups, key=lambda g: (rank.get(g.property.iri or "", len(rank)),
                                         g.property.text.casefold()))  # fmt: skip


def _metrics(store: Store, incoming: list[Triple]) -> list[tuple[str, str]]:
    """The entity's network metrics (from the metrics graph), in plain words."""
    values: dict[str, str] = {}
    for subject, predicate, _, _ in incoming:
        if predicate != SG.metricsOf:
            continue
        for quad in store.quads_for_pattern(ox.NamedNode(str(subject))):
            name = _METRIC_NAMES.get(URIRef(quad.predicate.value))
            if name is not None and isinstance(quad.object, ox.Literal):
                values[name] = _number(quad.object.value)
    words = {**METRIC_WORDS, "community": COMMUNITY_WORDS}
    return [(words[name], values[name]) for name in words if name in values]


def _number(text: str) -> str:
    """A metric's value for reading: counts as they are, centralities to three decimals."""
    try:
        number = float(text)
    except ValueError:
        return text
    return f"{int(number)}" if number.is_integer() else f"{number:.3f}"


def _record(
    site: Site, iri: str, outgoing: list[Triple], languages: Sequence[str]
) -> dict[str, Any] | None:
    """A source document's catalogue record: title, publisher, date, address, the graphs taken
    from it and the entities they speak of; ``None`` for anything else."""
    bindings = {"document": URIRef(iri)}
    graphs = site.store.select(SUPPORTED, bindings=bindings, origin="sources", timeout=site.timeout)
    if not graphs.rows and (URIRef(iri), RDF.type, SG.SourceDocument) not in {
        t[:3] for t in outgoing
    }:
        return None
    entities = site.store.select(
        SUPPORTED_ENTITIES, bindings=bindings, origin="sources", timeout=site.timeout
    )

    def values(predicate: URIRef) -> list[Identifier]:
        return list(dict.fromkeys(o for _, p, o, _ in outgoing if p == predicate))

    titles = [t for t in values(DCTERMS.title) if isinstance(t, Literal)]
    return {
        "title": best(titles, languages),
        "publisher": values(DCTERMS.publisher),
        "issued": values(DCTERMS.issued),
        "language": values(DCTERMS.language),
        "local_copy": values(SG.localCopy),
        "address": external(iri),
        "graphs": supported(graphs.rows),
        "entities": [str(row["entity"]) for row in entities.rows],
    }


def supported(rows: Iterable[Row]) -> list[tuple[str, str, str, int]]:
    """(document, graph, status, facts) for each row of :data:`SUPPORTED`, computed graphs left
    out (they are derived from every document but hold none of their facts)."""
    found = []
    for row in rows:
        method = None if row["method"] is None else str(row["method"])
        if method != COMPUTED:
            graph, facts = str(row["graph"]), int(row["facts"] or 0)
            found.append((str(row["document"]), graph, status_of(method), facts))
    return found


def _show_record(
    record: dict[str, Any], shown: Callable[[Identifier | None], Shown]
) -> dict[str, Any]:
    return {
        "title": None if record["title"] is None else shown(record["title"]),
        **{key: [shown(v) for v in record[key]]
           for key in ("publisher", "issued", "language", "local_copy")},
        "address": record["address"],
        "graphs": [(shown(URIRef(g)), STATUS_WORDS[s], n) for _, g, s, n in record["graphs"]],
        "entities": [shown(URIRef(e)) for e in record["entities"]],
    }  # fmt: skip
