"""The W3C Entity Reconciliation API (version 0.2) on the importers' reconciliation.

OpenRefine and other clients send batches of names; each name is matched by
:class:`~secongraph.ingest.reconcile.Reconciler` (exact, normalised, fuzzy), so a spreadsheet is
reconciled here exactly as ``secongraph import`` would reconcile it. This module holds the
protocol without HTTP: the service manifest, the reading of a query batch, the answers, and the
facts a preview card shows.

Scores run from 0 to 100, as the importers' (exact 100, normalised 95, fuzzy the ratio); each
property the query gives adds :data:`AGREE` when the entity has that value in the graph and
takes :data:`DISAGREE` away when it has only other values. ``match`` is true only for the entity
the importers would choose: unambiguous, above the fuzzy threshold, and contradicted by no
property. Properties can also settle an ambiguity: of several equally good candidates, the one
alone to agree with them is the match.

Specification: https://www.w3.org/community/reports/reconciliation/CG-FINAL-specs-0.2-20230410/
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from rdflib import Literal, URIRef

from ._sg import SG
from .errors import ParameterError
from .ingest.reconcile import Candidate, Reconciler, normalise
from .namespaces import ID
from .queries import NamedQuery, Parameter, relabel, run_query
from .results import QueryResult
from .store import Store

__all__ = [
    "AGREE",
    "DISAGREE",
    "IDENTIFIER_SPACE",
    "SCHEMA_SPACE",
    "BatchTooLarge",
    "Preview",
    "Query",
    "Service",
    "Source",
    "entity_id",
    "parse_batch",
]

IDENTIFIER_SPACE = str(ID)
SCHEMA_SPACE = str(SG._NS)
VERSIONS = ("0.2",)
DEFAULT_TYPES = (
    SG.Organisation, SG.PublicAuthority, SG.SocialEconomyOrganisation, SG.Project, SG.Event,
    SG.StakeholderGroup, SG.Region, SG.Country, SG.Place, SG.PolicyInstrument, SG.GoodPractice,
)  # fmt: skip
"""The classes offered to OpenRefine as the types to reconcile against."""
DEFAULT_LIMIT = 10
MAX_LIMIT = 100
MAX_BATCH = 100
"""The most queries one batch may hold (the manifest's ``batchSize``)."""
AGREE = 5.0
"""Added to the score for each query property whose value the entity has."""
DISAGREE = 25.0
"""Taken from the score for each query property the entity has, with other values only."""
PREVIEW_SIZE = (400, 200)
_IDENTIFIER = re.compile(r"[^\s<>\"{}|\\^`]+")
STRICTNESS = ("any", "should", "all")
FIELDS = ("query", "type", "limit", "properties", "type_strict")

_PROPERTY_VALUES = """SELECT DISTINCT ?value ?label WHERE {
  ?entity ?property ?direct .
  ?direct (sg:locatedIn|sg:parentRegion|sg:country)* ?value .
  OPTIONAL {
    ?value rdfs:label|skos:prefLabel|skos:altLabel|skos:hiddenLabel|sg:isoCode|sg:nutsCode ?label
  }
}"""
"""The values of a property of an entity, and every region or country that contains them."""

_NAMES = """SELECT DISTINCT ?term ?term_label WHERE {
  { ?term a ?class FILTER(STRSTARTS(STR(?term), STR(sgid:))) }
  UNION { ?entity a ?term FILTER(isIRI(?term)) }
  UNION { ?term a owl:Class FILTER(isIRI(?term)) }
}"""
"""Every entity of the identifier space and every class, to be named by :func:`relabel`."""

_PLACES = """SELECT DISTINCT ?place ?place_label WHERE {
  ?entity sg:country|sg:locatedIn|sg:territory|sg:parentRegion ?place
}
ORDER BY ?place"""


class BatchTooLarge(ParameterError):
    """A batch of more than :data:`MAX_BATCH` queries."""


@dataclass(frozen=True)
class Query:
    """One reconciliation query of a batch, checked."""

    text: str
    types: tuple[URIRef, ...] = ()
    limit: int = DEFAULT_LIMIT
    properties: tuple[tuple[str, URIRef, tuple[str, ...]], ...] = ()
    """(pid as given, property IRI, values as text)."""
    all_types: bool = False
    """``type_strict: "all"``: a candidate must have every type, not one of them."""


@dataclass(frozen=True)
class Source:
    """A source that states something about an entity, for the preview."""

    title: str
    url: str | None
    stated: str


@dataclass(frozen=True)
class Preview:
    """What the preview card of an entity shows."""

    id: str
    name: str
    types: tuple[str, ...]
    places: tuple[str, ...]
    sources: tuple[Source, ...]


def parse_batch(text: str) -> dict[str, Query]:
    """Read the ``queries`` parameter: a JSON object of query id → query.

    Raises
    ------
    ParameterError
        One line naming what is wrong: not JSON, not an object, too many queries, or a query
        field of the wrong kind.

    Examples
    --------
    >>> parse_batch('{"q0": {"query": "KMOP", "limit": 3}}')["q0"].limit
    3
    >>> parse_batch('{"q0": {"limit": 3}}')
    Traceback (most recent call last):
    ...
    secongraph.errors.ParameterError: queries: "q0" has neither "query" nor "properties"
    """
    try:
        batch = json.loads(text)
    except ValueError as error:
        raise ParameterError(f"queries: not JSON ({error})") from None
    if not isinstance(batch, dict):
        raise ParameterError("queries: expected a JSON object of query id → query")
    if len(batch) > MAX_BATCH:
        raise BatchTooLarge(f"queries: {len(batch)} queries; at most {MAX_BATCH} in one batch")
    return {str(key): _query(str(key), value) for key, value in batch.items()}


def _query(key: str, value: object) -> Query:
    where = f'queries: "{key}"'
    if not isinstance(value, dict):
        raise ParameterError(f"{where} is not an object")
    unknown = [str(field) for field in value if field not in FIELDS]
    if unknown:
        raise ParameterError(
            f'{where} has an unknown field "{unknown[0]}" (fields: {", ".join(FIELDS)})'
        )
    text = value.get("query", "")
    if not isinstance(text, str):
        raise ParameterError(f'{where}: "query" must be a string')
    properties = tuple(_property(where, p) for p in _list(where, "properties", value))
    if not text.strip() and not properties:
        raise ParameterError(f'{where} has neither "query" nor "properties"')
    types = value.get("type", [])
    types = [types] if isinstance(types, str) else types
    if not isinstance(types, list) or not all(isinstance(t, str) for t in types):
        raise ParameterError(f'{where}: "type" must be a type id or a list of them')
    limit = value.get("limit", DEFAULT_LIMIT)
    if isinstance(limit, bool) or not isinstance(limit, int | float) or limit != int(limit):
        raise ParameterError(f'{where}: "limit" must be a whole number')
    if limit < 1:
        raise ParameterError(f'{where}: "limit" must be 1 or more')
    strict = value.get("type_strict", "any")
    if strict not in STRICTNESS:
        raise ParameterError(f'{where}: "type_strict" must be one of {", ".join(STRICTNESS)}')
    return Query(
        text=text.strip(),
        types=tuple(_schema_term("type", t) for t in types),
        limit=min(int(limit), MAX_LIMIT),
        properties=properties,
        all_types=strict == "all",
    )


def _list(where: str, field: str, value: dict[str, Any]) -> list[Any]:
    items = value.get(field, [])
    if not isinstance(items, list):
        raise ParameterError(f'{where}: "{field}" must be a list')
    return items


def _property(where: str, item: object) -> tuple[str, URIRef, tuple[str, ...]]:
    if not isinstance(item, dict) or not isinstance(item.get("pid"), str) or "v" not in item:
        raise ParameterError(f'{where}: each property must be an object with "pid" and "v"')
    pid = item["pid"]
    values = item["v"] if isinstance(item["v"], list) else [item["v"]]
    return pid, _schema_term("pid", pid), tuple(_value_text(where, v) for v in values)


def _value_text(where: str, value: object) -> str:
    if isinstance(value, dict) and isinstance(value.get("id"), str):
        return str(value["id"])
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | int | float):
        return str(value)
    raise ParameterError(f"{where}: a property value must be text, a number, a boolean or {{id}}")


def _schema_term(field: str, text: str) -> URIRef:
    """A class or property: a full IRI, a prefixed name (``sg:country``) or a local name."""
    name = text.strip()
    iri = name if ":" in name else SCHEMA_SPACE + name
    return URIRef(str(Parameter(field, field, "iri", required=True).term(iri)))


def entity_id(entity: URIRef) -> str:
    """The protocol's identifier of ``entity``: its IRI after the identifier space."""
    return str(entity).removeprefix(IDENTIFIER_SPACE)


class Service:
    """The reconciliation service of one store: its index is built once, here.

    Parameters
    ----------
    store
        The built graph.
    reconciler
        The importers' index of the graph's entities (default: built from ``store``, the
        entities of the identifier space only).
    """

    def __init__(self, store: Store, reconciler: Reconciler | None = None) -> None:
        self.store = store
        self.reconciler = reconciler or Reconciler.from_store(store, namespace=IDENTIFIER_SPACE)
        named = relabel(store, store.select(_NAMES, origin="reconcile names"), ["en"])
        self.names: dict[URIRef, str] = {
            row["term"]: str(row["term_label"])
            for row in named.rows
            if isinstance(row["term"], URIRef) and isinstance(row["term_label"], Literal)
        }

    def name(self, term: URIRef) -> str:
        """The English (else any) label of ``term``, else the end of its IRI."""
        return self.names.get(term) or str(term).rstrip("/#").rsplit("/", 1)[-1].rsplit("#")[-1]

    def entity(self, identifier: str) -> URIRef | None:
        """The entity an identifier, a full IRI or a ``sgid:`` name stands for, if it is known."""
        text = identifier.strip()
        if not _IDENTIFIER.fullmatch(text):
            return None
        if text.startswith("sgid:"):
            text = IDENTIFIER_SPACE + text.removeprefix("sgid:")
        elif not text.startswith(IDENTIFIER_SPACE):
            text = IDENTIFIER_SPACE + text
        entity = URIRef(text)
        return entity if entity in self.reconciler else None

    def manifest(self, base: str, *, name: str) -> dict[str, Any]:
        """The service manifest, with links under ``base`` (the server's URL, no final slash)."""
        width, height = PREVIEW_SIZE
        return {
            "versions": list(VERSIONS),
            "name": name,
            "identifierSpace": IDENTIFIER_SPACE,
            "schemaSpace": SCHEMA_SPACE,
            "defaultTypes": [{"id": str(k), "name": self.name(k)} for k in DEFAULT_TYPES],
            "view": {"url": f"{base}/id/{{{{id}}}}"},
            "preview": {"url": f"{base}/reconcile/preview?id={{{{id}}}}",
                        "width": width, "height": height},
            "batchSize": MAX_BATCH,
        }  # fmt: skip

    def answer(self, batch: Mapping[str, Query]) -> dict[str, dict[str, list[dict[str, Any]]]]:
        """The result batch: for each query id, its candidates, best first."""
        return {key: {"result": self.candidates(query)} for key, query in batch.items()}

    def candidates(self, query: Query) -> list[dict[str, Any]]:
        """The candidates of one query, as the protocol writes them.

        A query with properties and no name finds nothing: candidates are found by name.
        """
        if not query.text:
            return []
        known = self.entity(query.text)
        if known is not None:  # an identifier: that entity, whatever its names
            pool = [Candidate(known, self.name(known), 100.0, "exact")]
            chosen: URIRef | None = known
            tied: Sequence[Candidate] = ()
        else:
            decided = self.reconciler.match(query.text, classes=query.types)
            chosen, tied = decided.entity, decided.candidates if decided.ambiguous else ()
            pool = self.reconciler.candidates(
                query.text, classes=query.types, limit=min(2 * query.limit, MAX_LIMIT)
            )
            listed = {c.entity for c in pool}
            pool += [c for c in tied if c.entity not in listed]
        pool = [c for c in pool if self._has_types(c.entity, query)]
        agreement = {c.entity: self._agreement(c.entity, query) for c in pool}
        chosen = _decide(chosen, tied, agreement, {c.entity for c in pool})
        scored = [(c, _score(c.score, agreement[c.entity])) for c in pool]
        scored.sort(key=lambda pair: -pair[1])  # stable: the reconciler's order breaks ties
        return [
            self._candidate(c, score, agreement[c.entity], query, c.entity == chosen)
            for c, score in scored[: query.limit]
        ]

    def _has_types(self, entity: URIRef, query: Query) -> bool:
        wanted = query.types
        if not wanted:
            return True
        fits = [self.reconciler.is_a(entity, klass) for klass in wanted]
        return all(fits) if query.all_types else any(fits)

    def _agreement(self, entity: URIRef, query: Query) -> list[bool | None]:
        """For each query property: the entity has the value (True), only others (False), none."""
        return [self._agrees(entity, prop, values) for _, prop, values in query.properties]

    def _agrees(self, entity: URIRef, prop: URIRef, values: Iterable[str]) -> bool | None:
        rows = self.store.select(
            _PROPERTY_VALUES, bindings={"entity": entity, "property": prop},
            origin="reconcile properties",
        ).rows  # fmt: skip
        if not rows:
            return None
        keys: set[str] = set()
        for row in rows:
            for term in (row["value"], row["label"]):
                if isinstance(term, URIRef):
                    keys |= {str(term), entity_id(term)}
                elif term is not None:
                    keys.add(normalise(str(term)))
        wanted = set()
        for value in values:
            wanted |= {value.strip(), IDENTIFIER_SPACE + value.strip(), normalise(value)}
        return bool(keys & wanted)

    def _candidate(
        self, found: Candidate, score: float, agreement: list[bool | None], query: Query,
        match: bool,
    ) -> dict[str, Any]:  # fmt: skip
        entity = found.entity
        features: list[dict[str, Any]] = [{"id": "name", "value": found.score}]
        features += [
            {"id": f"property:{pid}", "value": agrees}
            for (pid, _, _), agrees in zip(query.properties, agreement, strict=True)
            if agrees is not None
        ]
        name = self.name(entity)
        answer: dict[str, Any] = {
            "id": entity_id(entity),
            "name": name,
            "type": [{"id": str(k), "name": self.name(k)}
                     for k in sorted(self.reconciler.classes(entity))],
            "score": score,
            "features": features,
            "match": match,
        }  # fmt: skip
        if found.label != name:
            answer["description"] = f"{found.method} match on “{found.label}”"
        return answer

    def preview(
        self, entity: URIRef, *, sources: NamedQuery | str = "sources-of-entity"
    ) -> Preview:
        """The facts of the preview card of a known ``entity``: name, types, places, sources.

        ``sources`` is the library's question that lists an entity's sources (by name, or as
        the site loaded it).
        """
        places = relabel(
            self.store,
            self.store.select(_PLACES, bindings={"entity": entity}, origin="reconcile preview"),
            ["en"],
        )
        stated = run_query(self.store, sources, {"entity": str(entity)})
        return Preview(
            id=entity_id(entity),
            name=self.name(entity),
            types=tuple(sorted(self.name(k) for k in self.reconciler.classes(entity))),
            places=tuple(dict.fromkeys(_text(row, "place") for row in places.rows)),
            sources=_sources(stated),
        )


def _text(row: Mapping[str, Any], column: str) -> str:
    label = row.get(f"{column}_label")
    return str(label if label is not None else row[column])


def _sources(result: QueryResult) -> tuple[Source, ...]:
    found: dict[str, Source] = {}
    for row in result.rows:
        document, title = row.get("document"), row.get("title")
        url = str(document) if document is not None else None
        if url is not None and not url.startswith(("https://", "http://")):
            url = None
        name = str(title) if title is not None else url or str(row["graph"]).rsplit("/", 1)[-1]
        found.setdefault(name, Source(name, url, str(row.get("stated") or "stated")))
    return tuple(found.values())


def _decide(
    chosen: URIRef | None,
    tied: Sequence[Candidate],
    agreement: Mapping[URIRef, list[bool | None]],
    listed: set[URIRef],
) -> URIRef | None:
    """The match: the reconciler's choice unless a property contradicts it; of tied
    candidates, the only one whose properties agree."""
    if chosen is None and tied:
        fits = [c.entity for c in tied if _fits(agreement.get(c.entity, []))]
        chosen = fits[0] if len(fits) == 1 else None
    if chosen is None or chosen not in listed or False in agreement[chosen]:
        return None
    return chosen


def _fits(agreement: list[bool | None]) -> bool:
    return True in agreement and False not in agreement


def _score(name_score: float, agreement: list[bool | None]) -> float:
    agrees, disagrees = agreement.count(True), agreement.count(False)
    return round(max(0.0, name_score + AGREE * agrees - DISAGREE * disagrees), 1)
