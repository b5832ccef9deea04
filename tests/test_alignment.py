"""A researcher who knows only schema.org and W3C ORG finds SECON's partners, lead partner and events.

The queries use schema.org and ORG terms only, reaching secongraph's terms through
``rdfs:subClassOf*`` and ``rdfs:subPropertyOf*`` over the exported data plus ontology. Expected
answers come from the source documents themselves.
"""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import RDF, RDFS, Graph, Namespace

from secongraph.sources import load_graph
from secongraph.store import Store, data_files

PREFIXES = """PREFIX schema: <https://schema.org/>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
"""

PARTNERS = (
    PREFIXES
    + """
SELECT DISTINCT ?partner ?name ?countryName ?roleName WHERE {
  ?project a/rdfs:subClassOf* schema:Project .
  ?membership a/rdfs:subClassOf* org:Membership ;
      ?inProject ?project ; ?hasMember ?partner .
  ?inProject rdfs:subPropertyOf* org:organization .
  ?hasMember rdfs:subPropertyOf* org:member .
  ?partner rdfs:label ?name .
  ?partner ?located ?country .
  ?located rdfs:subPropertyOf* schema:location .
  ?country a/rdfs:subClassOf* schema:Country ; rdfs:label ?countryName .
  FILTER(langMatches(lang(?countryName), "de"))
  OPTIONAL {
    ?membership ?hasRole ?role . ?hasRole rdfs:subPropertyOf* org:role .
    ?role skos:prefLabel ?roleName FILTER(langMatches(lang(?roleName), "en"))
  }
}"""
)

EVENTS = (
    PREFIXES
    + """
SELECT ?event ?start ?end ?placeName WHERE {
  ?event a/rdfs:subClassOf* schema:Event ; ?starts ?start .
  ?starts rdfs:subPropertyOf* schema:startDate .
  OPTIONAL { ?event ?ends ?end . ?ends rdfs:subPropertyOf* schema:endDate . }
  OPTIONAL {
    ?event ?at ?place . ?at rdfs:subPropertyOf* schema:location .
    ?place a/rdfs:subClassOf* schema:Place ; rdfs:label ?placeName .
    FILTER(langMatches(lang(?placeName), "en"))
  }
}"""
)

SOURCES = Path(__file__).resolve().parents[1] / "data" / "sources"


def _rows(store: Store, query: str) -> list[dict[str, str]]:
    solutions = store.oxigraph.query(query, use_default_graph_as_union=True)
    assert isinstance(solutions, ox.QuerySolutions)
    names = [v.value for v in solutions.variables]
    return [{n: s[n].value for n in names if s[n] is not None} for s in solutions]


def _press_release_partners() -> dict[str, str]:
    """Partner name → country, as the press release lists them ("… (Griechenland), …")."""
    text = (SOURCES / "2023-11-09-haskovo-interregional-workshop.de.md").read_text(encoding="utf-8")
    listing = text.split("nehmen an diesem Unterfangen teil:", 1)[1].split(".\n", 1)[0]
    pairs = re.findall(r"(?:die|der|den|das)\s+(.+?)\s+\(([^)]+)\)", listing.replace(" und ", ", "))
    return {name.strip(): country for name, country in pairs}


def test_partners_and_their_countries_as_the_press_release_lists_them(secon_store: Store) -> None:
    expected = _press_release_partners()
    assert len(expected) == 9
    found = {(row["name"], row["countryName"]) for row in _rows(secon_store, PARTNERS)}
    assert set(expected.items()) <= found
    partners = {row["partner"] for row in _rows(secon_store, PARTNERS)}
    assert len(partners) == 9


def test_the_lead_partner_is_the_one_the_kick_off_report_names(secon_store: Store) -> None:
    record = (SOURCES / "secon-public-record.md").read_text(encoding="utf-8")
    lead = re.search(r"coordinated by the (.+?) \(the lead partner\)", record)
    assert lead is not None
    leads = {
        row["partner"]
        for row in _rows(secon_store, PARTNERS)
        if row.get("roleName") == "lead partner"
    }
    names = {row["name"] for row in _rows(secon_store, PARTNERS) if row["partner"] in leads}
    assert len(leads) == 1
    assert lead.group(1) in names


SG = Namespace("https://w3id.org/secongraph/ontology#")


def _dated_events_in_data(data_dir: Path) -> dict[str, str]:
    """Every event with a start date, read with the secongraph terms directly."""
    graph = Graph()
    for path in data_files(data_dir):
        graph += load_graph(path)
    for path in (data_dir.parent / "ontology" / "secongraph.ttl",):
        graph += load_graph(path)
    events = set(graph.transitive_subjects(RDFS.subClassOf, SG.Event))
    return {
        str(event): str(graph.value(event, SG.startDate))
        for cls in events
        for event in graph.subjects(RDF.type, cls)
        if graph.value(event, SG.startDate) is not None
    }


def test_every_event_with_its_dates_and_place(secon_store: Store, data_dir: Path) -> None:
    rows = _rows(secon_store, EVENTS)
    found = {row["event"]: row for row in rows}
    assert {e: found[e]["start"] for e in found} == _dated_events_in_data(data_dir)
    assert all("end" in row for row in rows)
    kick_off = next(row for row in rows if row.get("placeName") == "Kalamata")
    assert (kick_off["start"], kick_off["end"]) == ("2023-05-24", "2023-05-25")
    workshop = [
        r for r in rows if r["event"].endswith("/2023-11-13-haskovo-interregional-workshop")
    ]
    assert [(r["start"], r["end"], r["placeName"]) for r in workshop] == [
        ("2023-11-13", "2023-11-14", "Haskovo")
    ]


@pytest.mark.parametrize(
    "term", ["schema:Event", "org:Membership", "schema:Project", "schema:Country"]
)
def test_the_standard_classes_are_reached_only_through_the_ontology(
    term: str, secon_store: Store
) -> None:
    """Without the ontology's subclass axioms, the data alone has no instance of the standard class."""
    data_only = Store()
    for path in data_files(Path(__file__).resolve().parents[1] / "data"):
        data_only.load(path)
    query = PREFIXES + f"ASK {{ ?x a/rdfs:subClassOf* {term} }}"
    assert secon_store.oxigraph.query(query, use_default_graph_as_union=True)
    assert not data_only.oxigraph.query(query, use_default_graph_as_union=True)
