"""Statistics of a built SECON graph: sizes, triples by method (stated by the sources or added by
the project), instances by class, organisations by country, events."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from rdflib import URIRef

from .namespaces import GRAPH
from .results import compact
from .store import Store

METHOD = "https://w3id.org/secongraph/vocab/method/"

# What the facts of a graph are, by its method: stated by its source document (curated from it,
# imported, or generated from a published reference list), added by the project (a translation, the
# project's own modelling), or computed by secongraph from other facts.
STATED = "stated by the source"
ADDED = "added by the project"
COMPUTED = "computed"
ORIGINS: dict[str, str] = {
    f"{METHOD}curated": STATED,
    f"{METHOD}csv-import": STATED,
    f"{METHOD}text-extraction": STATED,
    f"{METHOD}reference-import": STATED,
    f"{METHOD}translation": ADDED,
    f"{METHOD}modelling": ADDED,
    f"{METHOD}computed": COMPUTED,
}
ONTOLOGY = "ontology and vocabularies"

_GRAPH_METHODS = """SELECT ?graph ?method ?label WHERE {
  ?graph a sg:SourceGraph ; sg:method ?method .
  OPTIONAL { ?method skos:prefLabel ?label FILTER(langMatches(lang(?label), "en")) }
}"""

_LABEL = """OPTIONAL {{ {var} rdfs:label ?en FILTER(langMatches(lang(?en), "en")) }}
OPTIONAL {{ {var} rdfs:label ?any }}
BIND(COALESCE(?en, ?any, STR({var})) AS ?label)"""

# STR(?label): engines order a language-tagged label and a plain one differently
_ORGANISATIONS_BY_COUNTRY = f"""SELECT ?label (COUNT(DISTINCT ?org) AS ?n) WHERE {{
  ?org a/rdfs:subClassOf* sg:Organisation .
  OPTIONAL {{ ?org sg:country ?country }}
  BIND(COALESCE(?country, sgid:country-not-stated) AS ?c)
  {_LABEL.format(var="?c")}
}} GROUP BY ?label ORDER BY DESC(?n) STR(?label)"""

_EVENTS_BY_YEAR = """SELECT ?label (COUNT(DISTINCT ?event) AS ?n) WHERE {
  ?event a/rdfs:subClassOf* sg:Event ; sg:startDate ?start .
  FILTER NOT EXISTS { ?event sg:superEvent ?parent }
  BIND(STR(YEAR(?start)) AS ?label)
} GROUP BY ?label ORDER BY ?label"""


@dataclass(frozen=True)
class Statistics:
    """What a SECON graph holds, as (label, count) rows."""

    triples: int
    graphs: list[tuple[str, int]]
    methods: list[tuple[str, str, int]]
    classes: list[tuple[str, int]]
    organisations_by_country: list[tuple[str, int]]
    events_by_year: list[tuple[str, int]]


def statistics(store: Store) -> Statistics:
    """Compute the statistics of ``store``: per graph, per class, per country and per year."""
    labels = _class_labels(store)
    classes = sorted(
        ((labels.get(cls) or compact(URIRef(cls)), n) for cls, n in store.count_by_class().items()),
        key=lambda row: (-row[1], row[0]),
    )
    return Statistics(
        triples=len(store),
        graphs=[(f.graph.removeprefix(str(GRAPH)), f.triples) for f in store.files],
        methods=triples_by_method(store),
        classes=classes,
        organisations_by_country=_rows(store, _ORGANISATIONS_BY_COUNTRY),
        events_by_year=_rows(store, _EVENTS_BY_YEAR),
    )


def triples_by_method(store: Store) -> list[tuple[str, str, int]]:
    """Count the triples of ``store`` by the method of their named graph.

    Each row is (method, origin, triples): the method's English label; its origin, one of
    :data:`STATED` (curated, imported or generated from a reference list), :data:`ADDED` (a
    translation or the project's modelling) or :data:`COMPUTED`; and the triples of the graphs
    with that method. The ontology and vocabularies, which name no method, are the last row.
    Stated rows come first, then added, then computed; the largest first within each.

    Examples
    --------
    >>> triples_by_method(Store())
    []
    """
    described = {
        str(row["graph"]): (str(row["method"]), str(row.get("label") or row["method"]))
        for row in store.select(_GRAPH_METHODS).rows
    }
    counts: Counter[tuple[str, str]] = Counter()
    for loaded in store.files:
        method, label = described.get(loaded.graph, ("", ONTOLOGY))
        counts[label, ORIGINS.get(method, "" if label == ONTOLOGY else STATED)] += loaded.triples
    order = {STATED: 0, ADDED: 1, COMPUTED: 2, "": 3}
    return sorted(
        ((label, origin, n) for (label, origin), n in counts.items()),
        key=lambda row: (order[row[1]], -row[2], row[0]),
    )


def _rows(store: Store, query: str) -> list[tuple[str, int]]:
    rows = []
    for row in store.select(query).rows:
        label, count = row.get("label"), row.get("n")
        if label is None or count is None:
            continue
        text = "(not stated)" if str(label).endswith("country-not-stated") else str(label)
        rows.append((text, int(str(count))))
    return rows


def _class_labels(store: Store) -> dict[str, str]:
    query = (
        "SELECT ?c ?label WHERE { ?c a owl:Class ; rdfs:label ?label FILTER(lang(?label) = 'en') }"
    )
    return {
        str(row["c"]): str(row["label"])
        for row in store.select(query).rows
        if row.get("c") is not None and row.get("label") is not None
    }
