"""Statistics of a built SECON graph: sizes, instances by class, organisations by country, events."""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from .namespaces import GRAPH, PREFIXES, sparql_prologue
from .store import Store

_LABEL = """OPTIONAL {{ {var} rdfs:label ?en FILTER(langMatches(lang(?en), "en")) }}
OPTIONAL {{ {var} rdfs:label ?any }}
BIND(COALESCE(?en, ?any, STR({var})) AS ?label)"""

_ORGANISATIONS_BY_COUNTRY = f"""SELECT ?label (COUNT(DISTINCT ?org) AS ?n) WHERE {{
  ?org a/rdfs:subClassOf* sg:Organisation .
  OPTIONAL {{ ?org sg:country ?country }}
  BIND(COALESCE(?country, sgid:country-not-stated) AS ?c)
  {_LABEL.format(var="?c")}
}} GROUP BY ?label ORDER BY DESC(?n) ?label"""

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
    classes: list[tuple[str, int]]
    organisations_by_country: list[tuple[str, int]]
    events_by_year: list[tuple[str, int]]


def statistics(store: Store) -> Statistics:
    """Compute the statistics of ``store``: per graph, per class, per country and per year."""
    labels = _class_labels(store)
    classes = sorted(
        ((labels.get(cls) or _compact(cls), n) for cls, n in store.count_by_class().items()),
        key=lambda row: (-row[1], row[0]),
    )
    return Statistics(
        triples=len(store),
        graphs=[(f.graph.removeprefix(str(GRAPH)), f.triples) for f in store.files],
        classes=classes,
        organisations_by_country=_rows(store, _ORGANISATIONS_BY_COUNTRY),
        events_by_year=_rows(store, _EVENTS_BY_YEAR),
    )


def _rows(store: Store, query: str) -> list[tuple[str, int]]:
    solutions = store.oxigraph.query(sparql_prologue() + query, use_default_graph_as_union=True)
    assert isinstance(solutions, ox.QuerySolutions)
    rows = []
    for solution in solutions:
        label, count = solution["label"], solution["n"]
        if label is None or count is None:
            continue
        text = "(not stated)" if label.value.endswith("country-not-stated") else label.value
        rows.append((text, int(count.value)))
    return rows


def _class_labels(store: Store) -> dict[str, str]:
    query = (
        "SELECT ?c ?label WHERE { ?c a owl:Class ; rdfs:label ?label FILTER(lang(?label) = 'en') }"
    )
    solutions = store.oxigraph.query(sparql_prologue() + query, use_default_graph_as_union=True)
    assert isinstance(solutions, ox.QuerySolutions)
    return {s["c"].value: s["label"].value for s in solutions if s["c"] and s["label"]}


def _compact(iri: str) -> str:
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(str(namespace)):
            return f"{prefix}:{iri.removeprefix(str(namespace))}"
    return iri
