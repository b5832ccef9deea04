"""Collaboration networks on the real SECON data: projections, filters, metrics, write-back, CLI.

Expected answers are read from the data files with rdflib, independently of network.py, or are
known answers from the literature (the Florentine families, as in networkx's own tests).
"""

from __future__ import annotations

import csv
import math
import random
from itertools import combinations
from pathlib import Path

import networkx as nx
import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from rdflib import RDF, Graph, URIRef
from rdflib.namespace import PROV
from ties import assert_regions_add_up_the_ties, assert_ties_match_edges

from secongraph.cli import cli
from secongraph.errors import ExportError, ParameterError
from secongraph.namespaces import ID, SG, sparql_prologue
from secongraph.network import (
    METRICS_GRAPH,
    Filters,
    NetworkFormat,
    Projection,
    add_collaboration_metrics,
    add_metrics,
    co_participation,
    compute_metrics,
    export_network,
    metrics_graph,
    organisation_event,
    partnership_network,
    region_network,
    top_brokers,
)
from secongraph.network import metrics as network_metrics
from secongraph.network.projections import _Context, added_by_method
from secongraph.store import Store, build_store, data_files
from secongraph.validate import validate

ORG = f"{ID}organisation/"
SECON = ID["project/secon"]
WORKSHOP = ID["event/2023-11-13-haskovo-interregional-workshop"]
LATITUDE, LONGITUDE = URIRef("https://schema.org/latitude"), URIRef("https://schema.org/longitude")
LEAD_PARTNER = URIRef("https://w3id.org/secongraph/vocab/partner-role/lead-partner")
CONTRACT = {
    "label": str,
    "labels": dict,
    "kind": str,
    "type": str,
    "type_iri": str,
    "country": (str, type(None)),
    "country_code": (str, type(None)),
    "region": (str, type(None)),
    "regions": list,
    "lat": (float, type(None)),
    "lon": (float, type(None)),
    "sources": list,
    "added": dict,
    "partner": bool,
    "lead_partner": bool,
}


def parse(data_dir: Path, *names: str) -> Graph:
    """The triples of the data files ``names``, read with rdflib (a source's graph and, named
    with it, its companion graphs of translation and modelling)."""
    graph = Graph()
    for name in names:
        graph.parse(data_dir / name)
    return graph


def org(slug: str) -> str:
    return ORG + slug


# --- projections on the SECON data -----------------------------------------------------------


def test_the_nine_partners_form_the_partnership_network(secon_store: Store, data_dir: Path):
    # The report states the lead partner; the other eight partnerships are the project's reading
    # of it (its modelling graph), and the press release states all nine.
    kick_off = parse(
        data_dir, "kick-off-meeting-report.ttl", "kick-off-meeting-report--modelling.ttl"
    )
    release = parse(data_dir, "2023-11-09-haskovo-interregional-workshop.ttl")
    partnerships = [
        p
        for p in kick_off.subjects(RDF.type, SG.Partnership)
        if (p, SG.organisation, SECON) in kick_off
    ]
    partners = {str(kick_off.value(p, SG.member)) for p in partnerships}
    leads = {
        str(kick_off.value(p, SG.member))
        for p in partnerships
        if (p, SG.role, LEAD_PARTNER) in kick_off
    }

    graph = partnership_network(secon_store, str(SECON))

    assert len(partners) == 9
    assert partners == {
        str(release.value(p, SG.member)) for p in release.subjects(SG.organisation, SECON)
    }
    assert set(graph) == partners
    assert graph.number_of_edges() == 9 * 8 // 2
    assert [n for n, lead in graph.nodes(data="lead_partner") if lead] == sorted(leads)
    assert graph.nodes[org("region-of-peloponnese")]["label"] == "Region of Peloponnese"
    assert graph.graph["lead_partners"] == sorted(leads)
    assert all(data["projects"] == [str(SECON)] for _, _, data in graph.edges(data=True))


def test_partnership_network_accepts_a_slug_and_refuses_an_unknown_project(secon_store: Store):
    assert set(partnership_network(secon_store, "secon")) == set(
        partnership_network(secon_store, str(SECON))
    )
    with pytest.raises(ParameterError, match="project='nothing'"):
        partnership_network(secon_store, "nothing")


def workshop_participants(data_dir: Path) -> set[str]:
    """Named organisations at the Haskovo workshop or its days and visit, read with rdflib."""
    data = parse(data_dir, "2023-11-09-haskovo-interregional-workshop.ttl")
    events = {WORKSHOP, *data.subjects(SG.superEvent, WORKSHOP)}
    groups = set(data.subjects(RDF.type, SG.ParticipantGroup))
    return {
        str(data.value(p, SG.participant))
        for p in data.subjects(RDF.type, SG.Participation)
        if data.value(p, SG.event) in events and data.value(p, SG.participant) not in groups
    }


def test_the_haskovo_workshop_links_its_participants(secon_store: Store, data_dir: Path):
    participants = workshop_participants(data_dir)
    graph = co_participation(secon_store)

    assert {org("agency-for-social-assistance"), org("harghita-county-council")} <= participants
    for a in participants:
        for b in participants - {a}:
            assert str(WORKSHOP) in graph.edges[a, b]["events"], (a, b)
    tie = graph.edges[org("agency-for-social-assistance"), org("harghita-county-council")]
    assert tie["event_labels"] == ["Interregional workshop in Haskovo"]
    assert tie["sources"] == [
        str(ID["source/2023-11-09-haskovo-interregional-workshop-press-release"])
    ]


def _companions(data_dir: Path) -> list[tuple[str, Graph, set[str]]]:
    """(method, triples, source documents) of each companion graph: what the project added."""
    found = []
    for path in sorted(data_dir.glob("*--*.ttl")):
        graph = parse(data_dir, path.name)
        name = URIRef(f"https://w3id.org/secongraph/graph/{path.stem}")
        method = str(graph.value(name, SG.method)).rsplit("/", 1)[-1]
        found.append((method, graph, {str(d) for d in graph.objects(name, PROV.wasDerivedFrom)}))
    return found


def test_nodes_and_ties_mark_what_the_project_added(secon_store: Store, data_dir: Path):
    companions = _companions(data_dir)
    assert {method for method, _, _ in companions} == {"modelling", "translation"}
    graph = co_participation(secon_store)
    for iri, data in graph.nodes(data=True):
        # every companion graph that says something about the organisation is listed, by method
        expected = {
            (method, document)
            for method, triples, documents in companions
            if (URIRef(iri), None, None) in triples
            for document in documents
        }
        listed = {(m, d) for m, docs in data["added"].items() for d in docs}
        assert expected <= listed, iri
    # A body the release names only in German: its English name, class and its role on the second
    # day are the project's; that it took part is stated.
    agency = graph.nodes[org("agency-for-social-assistance")]
    release = str(ID["source/2023-11-09-haskovo-interregional-workshop-press-release"])
    assert agency["added"] == {"modelling": [release], "translation": [release]}
    assert agency["sources"] == [release]
    # KMOP: every graph that describes it and its role at the kick-off are stated
    assert graph.nodes[org("kmop")]["added"] == {}
    assert not any(m for _, _, d in graph.edges(data=True) for m in d["added"] if m not in
                   {"modelling", "translation"})  # fmt: skip


def test_partnerships_the_project_reads_into_a_source_are_marked_added(
    secon_store: Store, data_dir: Path
):
    report = (
        "https://www.kmop.gr/news-secon-a-new-initiative-to-boost-social-economy-in-eu-regions/"
    )
    modelling = parse(data_dir, "kick-off-meeting-report--modelling.ttl")
    read_into = {
        str(modelling.value(p, SG.member)) for p in modelling.subjects(RDF.type, SG.Partnership)
    }
    graph = partnership_network(secon_store, str(SECON))
    lead = org("region-of-peloponnese")
    assert lead not in read_into and len(read_into) == 8
    for a, b, data in graph.edges(data=True):
        added = report in data["added"].get("modelling", [])
        assert added == bool({a, b} & read_into), (a, b)
        # the report states the lead partnership
        assert (report in data["sources"]) == (lead in (a, b)), (a, b)


def test_days_and_visits_count_once_as_their_workshop(secon_store: Store):
    graph = co_participation(secon_store)
    # both took part in day 1, day 2 and the visit, and both are SECON partners
    tie = graph.edges[org("harghita-county-council"), org("region-of-peloponnese")]
    assert tie["events"].count(str(WORKSHOP)) == 1
    assert not any("day-" in e or "visit" in e for e in tie["events"])
    assert tie["projects"] == [str(SECON)]
    for _, _, data in graph.edges(data=True):
        assert data["weight"] == len(data["events"]) + len(data["projects"])


def test_unnamed_groups_stay_out_of_the_organisation_network(secon_store: Store, data_dir: Path):
    data = parse(data_dir, "2023-11-09-haskovo-interregional-workshop.ttl")
    groups = {str(g) for g in data.subjects(RDF.type, SG.ParticipantGroup)}
    graph = co_participation(secon_store)
    assert groups and not groups & set(graph)
    assert {kind for _, kind in graph.nodes(data="kind")} == {"organisation"}


def test_every_organisation_node_keeps_the_contract(secon_store: Store):
    graph = co_participation(secon_store)
    for node, data in graph.nodes(data=True):
        for key, kind in CONTRACT.items():
            assert isinstance(data[key], kind), (node, key, data[key])
        assert node.startswith(ORG)
        assert data["region"] == (data["regions"][0] if data["regions"] else None)


def test_places_come_from_the_nuts_label_points(secon_store: Store, data_dir: Path):
    nuts = parse(data_dir, "nuts2021.ttl")

    def point(code: str) -> tuple[float, float]:
        region = next(r for r, c in nuts.subject_objects(SG.nutsCode) if str(c) == code)
        return float(nuts.value(region, LATITUDE)), float(nuts.value(region, LONGITUDE))

    territories = parse(data_dir, "partner-territories-nuts2021.ttl")
    rhein_neckar = [
        str(nuts.value(r, SG.nutsCode))
        for r in territories.objects(URIRef(org("verband-region-rhein-neckar")), SG.territory)
    ]
    graph = co_participation(secon_store)

    haskovo = graph.nodes[org("municipality-of-haskovo")]
    assert (haskovo["region"], haskovo["country_code"], haskovo["country"]) == (
        "BG422",
        "BG",
        "Bulgaria",
    )
    assert (haskovo["lat"], haskovo["lon"]) == point("BG422")
    assert haskovo["labels"]["bg"] == "Община Хасково"

    vrrn = graph.nodes[org("verband-region-rhein-neckar")]
    assert len(rhein_neckar) == 15 and vrrn["regions"] == sorted(rhein_neckar)
    assert vrrn["lat"] == pytest.approx(sum(point(c)[0] for c in rhein_neckar) / 15)
    assert vrrn["lon"] == pytest.approx(sum(point(c)[1] for c in rhein_neckar) / 15)

    kmop = graph.nodes[org("kmop")]  # no region stated: its country's NUTS level-0 point
    assert kmop["region"] is None and (kmop["lat"], kmop["lon"]) == point("EL")


def test_partners_and_types(secon_store: Store):
    graph = co_participation(secon_store)
    assert graph.nodes[org("municipality-of-haskovo")]["type"] == "municipality"
    assert graph.nodes[org("municipality-of-haskovo")]["type_iri"] == str(SG.Municipality)
    assert graph.nodes[org("harghita-county-council")]["partner"] is True
    assert graph.nodes[org("harghita-county-council")]["lead_partner"] is False
    assert graph.nodes[org("agency-for-social-assistance")]["partner"] is False


# --- filters --------------------------------------------------------------------------------


def test_country_filter_keeps_only_that_country(secon_store: Store, data_dir: Path):
    workshop = parse(
        data_dir,
        "2023-11-09-haskovo-interregional-workshop.ttl",
        "2023-11-09-haskovo-interregional-workshop--modelling.ttl",  # the bodies of day 2
    )
    bulgarian = {
        str(o) for o in workshop.subjects(SG.country, ID["country/bg"]) if str(o).startswith(ORG)
    }
    graph = co_participation(secon_store, Filters(country="bg"))
    assert set(graph) == bulgarian
    assert {code for _, code in graph.nodes(data="country_code")} == {"BG"}


def test_region_filter_includes_regions_below(secon_store: Store):
    peloponnese = co_participation(secon_store, Filters(region="EL65"))
    greece = co_participation(secon_store, Filters(region="EL"))
    assert org("region-of-peloponnese") in peloponnese
    assert set(peloponnese) <= set(greece)
    assert org("kmop") not in greece  # in Greece, but no region is stated for it
    assert all("EL65" in data["regions"] for _, data in peloponnese.nodes(data=True))


def test_type_filter_includes_subclasses(secon_store: Store):
    authorities = co_participation(secon_store, Filters(org_type="sg:PublicAuthority"))
    municipalities = co_participation(secon_store, Filters(org_type="Municipality"))
    assert {t for _, t in municipalities.nodes(data="type")} == {"municipality"}
    assert set(municipalities) < set(authorities)
    assert {"county council", "regional government"} <= {
        t for _, t in authorities.nodes(data="type")
    }


def test_date_range_and_event_filters(secon_store: Store):
    later = co_participation(secon_store, Filters(since="2024-01-01"))
    events = {e for _, _, data in later.edges(data=True) for e in data["events"]}
    assert events and all(e.rsplit("/", 1)[-1] >= "2024" for e in events)
    assert org("agency-for-social-assistance") not in later

    day_2 = co_participation(
        secon_store, Filters(event="2023-11-13-haskovo-interregional-workshop-day-2")
    )
    tie = day_2.edges[org("agency-for-social-assistance"), org("harghita-county-council")]
    assert tie["events"] == [str(WORKSHOP)] and tie["projects"] == []
    assert org("arcadian-social-services-network") not in day_2


@pytest.mark.parametrize(
    ("filters", "message"),
    [
        ({"country": "XX"}, "country='XX'"),
        ({"region": "ZZ99"}, "region='ZZ99'"),
        ({"org_type": "Spaceship"}, "org_type='Spaceship'"),
        ({"since": "2023-13-01"}, "since='2023-13-01'"),
        ({"until": "soon"}, "until='soon'"),
        ({"since": "2024-01-01", "until": "2023-01-01"}, "since=2024-01-01 is after until="),
        ({"event": "no-such-event"}, "event='no-such-event'"),
    ],
)
def test_bad_filter_values_are_usage_errors(
    secon_store: Store, filters: dict[str, str], message: str
):
    with pytest.raises(ParameterError) as error:
        co_participation(secon_store, Filters(**filters))
    assert message in str(error.value)
    assert error.value.exit_code == 2


# --- other projections ------------------------------------------------------------------------


def test_organisation_event_is_bipartite(secon_store: Store):
    graph = organisation_event(secon_store)
    events = {n for n, kind in graph.nodes(data="kind") if kind == "event"}
    assert nx.is_bipartite(graph)
    assert {graph.nodes[n]["bipartite"] for n in events} == {1}
    assert {graph.nodes[n]["bipartite"] for n in set(graph) - events} == {0}
    assert str(WORKSHOP) in events and not any("day-" in e for e in events)
    assert "NGOs" in graph.nodes[str(WORKSHOP)]["groups"]
    edge = graph.edges[org("harghita-county-council"), str(WORKSHOP)]
    assert edge["roles"] == ["partner"]
    assert len(edge["events"]) == edge["weight"] == 3  # day 1, day 2 and the visit
    assert "group" in {kind for _, kind in graph.nodes(data="kind")}
    assert "group" not in {
        kind
        for _, kind in organisation_event(secon_store, Filters(country="BG")).nodes(data="kind")
    }


def test_region_network_adds_up_the_organisation_ties(secon_store: Store):
    organisations = co_participation(secon_store)
    countries = region_network(secon_store)
    bg, ro = str(ID["country/bg"]), str(ID["country/ro"])
    expected = sum(
        data["weight"]
        for a, b, data in organisations.edges(data=True)
        if {organisations.nodes[a]["country_code"], organisations.nodes[b]["country_code"]}
        == {"BG", "RO"}
    )
    assert countries.edges[bg, ro]["weight"] == expected
    assert countries.nodes[bg]["kind"] == "country" and countries.nodes[bg]["code"] == "BG"

    regions = region_network(secon_store, level=2)
    el65 = str(ID["region/el65"])
    assert org("region-of-peloponnese") in regions.nodes[el65]["organisations"]
    assert regions.nodes[el65]["level"] == 2
    with pytest.raises(ParameterError, match="level=7"):
        region_network(secon_store, level=7)


def test_projections_are_deterministic(secon_store: Store, tmp_path: Path):
    paths = []
    for run in range(2):
        graph = compute_metrics(co_participation(secon_store))
        assert list(graph) == sorted(graph)
        paths.append(export_network(graph, tmp_path / f"run-{run}.graphml", fmt="graphml"))
    assert paths[0].read_bytes() == paths[1].read_bytes()


# --- co-participation counted in numpy, against plain-Python oracles (issue 9) ---------------


def _oracle_ties(graph: Graph) -> dict[tuple[str, str], dict[str, list[str]]]:
    """Ties read with rdflib and counted pair by pair: shared top events and projects, and the
    documents behind the participations and partnerships in them (stated ones only)."""

    def top(event: URIRef) -> URIRef:
        seen = {event}
        while parents := sorted(set(graph.objects(event, SG.superEvent)) - seen):
            event = parents[0]
            seen.add(event)
        return event

    groups = set(graph.subjects(RDF.type, SG.ParticipantGroup))
    members: dict[tuple[str, str], dict[str, set[str]]] = {}
    for kind, cls, unit_of, agent_of in (
        ("events", SG.Participation, SG.event, SG.participant),
        ("projects", SG.Partnership, SG.organisation, SG.member),
    ):
        for x in graph.subjects(RDF.type, cls):
            agent, unit = graph.value(x, agent_of), graph.value(x, unit_of)
            if agent in groups:
                continue
            key = (kind, str(top(unit) if kind == "events" else unit))
            found = members.setdefault(key, {}).setdefault(str(agent), set())
            found.update(str(s) for s in graph.objects(x, SG.source))
    ties: dict[tuple[str, str], dict[str, list[str]]] = {}
    for (kind, unit), agents in members.items():
        for a, b in combinations(sorted(agents), 2):
            tie = ties.setdefault((a, b), {"events": [], "projects": [], "sources": []})
            tie[kind].append(unit)
            tie["sources"] = sorted(set(tie["sources"]) | agents[a] | agents[b])
    return {pair: {k: sorted(v) for k, v in tie.items()} for pair, tie in ties.items()}


def _pairwise(store: Store) -> dict[tuple[str, str], dict[str, object]]:
    """The ties as the projection counted them before numpy: one Python object per pair of
    organisations of each shared unit, from the same facts."""
    context = _Context(store, None)
    members: dict[tuple[str, str], dict[str, set[tuple[str | None, str]]]] = {}
    for pair in context.event_pairs() + context.project_pairs():
        if pair.agent in context.organisations:
            unit = context.facts.top_event(pair.unit) if pair.kind == "event" else pair.unit
            found = members.setdefault((pair.kind, unit), {}).setdefault(pair.agent, set())
            found |= {(None, pair.stated_source)} if pair.stated_source else set()
            found |= pair.additions
    shared: dict[tuple[str, str], dict[str, set[object]]] = {}
    for (kind, unit), agents in members.items():
        for a, b in combinations(sorted(agents), 2):
            tie = shared.setdefault((a, b), {"events": set(), "projects": set(), "found": set()})
            tie["events" if kind == "event" else "projects"].add(unit)
            tie["found"] |= agents[a] | agents[b]
    label = context.facts.label
    return {
        pair: {
            "weight": len(tie["events"]) + len(tie["projects"]),
            "events": sorted(map(str, tie["events"])),
            "event_labels": [label(str(e)) for e in sorted(map(str, tie["events"]))],
            "projects": sorted(map(str, tie["projects"])),
            "project_labels": [label(str(p)) for p in sorted(map(str, tie["projects"]))],
            "sources": sorted({d for m, d in tie["found"] if m is None}),  # type: ignore[misc]
            "added": added_by_method((m, d) for m, d in tie["found"] if m is not None),  # type: ignore[misc]
        }
        for pair, tie in sorted(shared.items())
    }


def _synthetic_folder(folder: Path) -> Path:
    """A SYNTHETIC data folder: 30 organisations, 8 events with days, 3 projects, invented
    participations and partnerships with their sources."""
    rng = random.Random(3)
    base = "https://example.org/synthetic/"
    lines = [f"@prefix sg: <{SG}> .", "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> ."]
    for o in range(30):
        lines.append(f'<{base}org/{o}> a sg:NGO ; rdfs:label "SYNTHETIC organisation {o}"@en .')
    events = [f"{base}event/{e}" for e in range(8)]
    for e, event in enumerate(events[:]):
        lines.append(f'<{event}> a sg:Workshop ; rdfs:label "SYNTHETIC event {e}"@en .')
        for day in range(e % 3):
            events.append(f"{event}/day-{day}")
            lines.append(f"<{event}/day-{day}> a sg:Meeting ; sg:superEvent <{event}> .")
    for p in range(3):
        lines.append(f'<{base}project/{p}> a sg:Project ; rdfs:label "SYNTHETIC project {p}"@en .')
    for x in range(160):
        kind = rng.random() < 0.85
        predicates = ("sg:Participation", "sg:event", "sg:participant")
        predicates = predicates if kind else ("sg:Partnership", "sg:organisation", "sg:member")
        unit = rng.choice(events) if kind else f"{base}project/{rng.randrange(3)}"
        lines.append(
            f"<{base}x/{x}> a {predicates[0]} ; {predicates[1]} <{unit}> ; "
            f"{predicates[2]} <{base}org/{rng.randrange(30)}> ; "
            f"sg:source <{base}source/{rng.randrange(5)}> ."
        )
    (folder / "synthetic.ttl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


@pytest.mark.parametrize("name", ["secon", "synthetic"])
def test_co_participation_equals_pairwise_counting(
    secon_store: Store, data_dir: Path, tmp_path: Path, name: str
):
    if name == "secon":
        store, triples = secon_store, Graph()
        for path in data_files(data_dir):
            triples.parse(path)
    else:
        folder = _synthetic_folder(tmp_path)
        store, triples = build_store(folder), parse(folder, "synthetic.ttl")
    graph = co_participation(store)
    ties = {(a, b) if a < b else (b, a): data for a, b, data in graph.edges(data=True)}
    # the same ties, weights, events, projects and attributes as counting pair by pair
    assert ties == _pairwise(store)
    assert [(a, b) for a, b in graph.edges] == sorted(ties)
    # and the same ties, units and sources as rdflib read pair by pair from the files
    expected = _oracle_ties(triples)
    assert set(ties) == set(expected)
    for pair, tie in expected.items():
        assert ties[pair]["weight"] == len(tie["events"]) + len(tie["projects"]), pair
        assert (ties[pair]["events"], ties[pair]["projects"]) == (tie["events"], tie["projects"])
        if name == "synthetic":  # every source there is stated
            assert ties[pair]["sources"] == tie["sources"], pair
    assert graph.number_of_edges() > (60 if name == "synthetic" else 80)


# --- metrics: known answers -------------------------------------------------------------------

FLORENTINE_BETWEENNESS = {  # networkx/algorithms/centrality/tests/test_betweenness_centrality.py
    "Acciaiuoli": 0.000,
    "Albizzi": 0.212,
    "Barbadori": 0.093,
    "Bischeri": 0.104,
    "Castellani": 0.055,
    "Ginori": 0.000,
    "Guadagni": 0.255,
    "Lamberteschi": 0.000,
    "Medici": 0.522,
    "Pazzi": 0.000,
    "Peruzzi": 0.022,
    "Ridolfi": 0.114,
    "Salviati": 0.143,
    "Strozzi": 0.103,
    "Tornabuoni": 0.092,
}


def test_florentine_families_betweenness_and_degree():
    graph = compute_metrics(nx.florentine_families_graph())
    for family, value in FLORENTINE_BETWEENNESS.items():
        assert graph.nodes[family]["betweenness"] == pytest.approx(value, abs=1e-3)
    assert graph.nodes["Medici"]["degree"] == graph.nodes["Medici"]["weighted_degree"] == 6
    assert graph.graph["metrics"] == {"seed": 42, "betweenness": "exact"}


def test_betweenness_is_sampled_above_the_threshold_and_repeats():
    first = compute_metrics(
        nx.florentine_families_graph(), betweenness_k_threshold=5, betweenness_k=5
    )
    second = compute_metrics(
        nx.florentine_families_graph(), betweenness_k_threshold=5, betweenness_k=5
    )
    assert first.graph["metrics"]["betweenness"] == "approximate, k=5"
    assert dict(first.nodes(data="betweenness")) == dict(second.nodes(data="betweenness"))


def test_eigenvector_known_answers_and_disconnected_graphs():
    path = compute_metrics(nx.path_graph(3))
    assert [path.nodes[n]["eigenvector"] for n in path] == pytest.approx(
        [0.5, 2**-0.5, 0.5], abs=1e-4
    )
    # a triangle, a pair and an isolated node: regular components all get 1/sqrt(n)
    parts = nx.Graph([("a", "b"), ("b", "c"), ("a", "c"), ("d", "e")])
    parts.add_node("f")
    compute_metrics(parts)
    assert [parts.nodes[n]["eigenvector"] for n in "abcde"] == pytest.approx(
        [6**-0.5] * 5, abs=1e-4
    )
    assert parts.nodes["f"]["eigenvector"] == 0.0
    assert math.fsum(v**2 for _, v in parts.nodes(data="eigenvector")) == pytest.approx(
        5 / 6, abs=1e-4
    )


def test_ties_given_to_igraph_a_block_at_a_time_give_the_same_metrics(
    secon_store: Store, monkeypatch: pytest.MonkeyPatch
):
    graph = _oracle_graphs(secon_store)["synthetic"]
    whole = compute_metrics(graph.copy())
    monkeypatch.setattr(network_metrics, "_EDGE_BLOCK", 7)  # 310 ties in 45 blocks
    in_blocks = compute_metrics(graph.copy())
    assert dict(in_blocks.nodes(data=True)) == dict(whole.nodes(data=True))


def test_communities_are_numbered_by_size_then_smallest_member():
    graph = nx.complete_graph(["w", "x", "y", "z"])
    graph.add_edges_from(nx.complete_graph(["a", "b", "c", "d"]).edges)
    graph.add_edges_from(nx.complete_graph(["p", "q", "r", "s", "t"]).edges)
    graph.add_edges_from([("d", "w"), ("z", "p")])
    compute_metrics(graph)
    community = dict(graph.nodes(data="community"))
    assert {community[n] for n in "pqrst"} == {0}
    assert {community[n] for n in "abcd"} == {1}
    assert {community[n] for n in "wxyz"} == {2}


# --- metrics in igraph, checked against networkx (issue 9) -----------------------------------


def _networkx_eigenvector(graph: nx.Graph) -> dict[str, float]:
    """The oracle: networkx's power iteration per component, to 1e-12, scaled as documented."""
    values: dict[str, float] = {}
    for component in nx.connected_components(graph):
        if len(component) == 1:
            values.update(dict.fromkeys(component, 0.0))
            continue
        centrality = nx.eigenvector_centrality(
            graph.subgraph(component), max_iter=10_000, tol=1e-12, weight="weight"
        )
        scale = math.sqrt(len(component) / len(graph))
        values.update({node: value * scale for node, value in centrality.items()})
    return values


def _partition(graph: nx.Graph) -> set[frozenset[str]]:
    members: dict[int, set[str]] = {}
    for node, number in graph.nodes(data="community"):
        members.setdefault(number, set()).add(node)
    return {frozenset(m) for m in members.values()}


def _oracle_graphs(secon_store: Store) -> dict[str, nx.Graph]:
    """The SECON co-participation network, and a SYNTHETIC weighted graph in three parts."""
    synthetic = nx.gnm_random_graph(120, 300, seed=7)
    synthetic.add_edges_from(nx.cycle_graph(range(200, 210)).edges)  # a second component
    synthetic.add_node(300)  # an isolated node
    for a, b in synthetic.edges:
        synthetic.edges[a, b]["weight"] = 1 + (a * b) % 4
    return {"secon": co_participation(secon_store), "synthetic": synthetic}


@pytest.mark.parametrize("name", ["secon", "synthetic"])
def test_metrics_equal_networkx(secon_store: Store, name: str):
    graph = _oracle_graphs(secon_store)[name]
    expected_betweenness = nx.betweenness_centrality(graph)
    expected_eigenvector = _networkx_eigenvector(graph)
    expected_communities = {
        frozenset(c) for c in nx.community.louvain_communities(graph, weight="weight", seed=42)
    }
    compute_metrics(graph)
    for node, data in graph.nodes(data=True):
        assert data["betweenness"] == pytest.approx(expected_betweenness[node], abs=1e-12)
        assert data["eigenvector"] == pytest.approx(expected_eigenvector[node], abs=1e-8)
        assert data["weighted_degree"] == graph.degree(node, weight="weight")
    if name == "secon":
        # the same partition as networkx's Louvain with the same seed (the SECON graph has one
        # best partition: 19 organisations in parts of 9, 5, 3 and 2)
        assert _partition(graph) == expected_communities
        assert sorted(map(len, expected_communities), reverse=True) == [9, 5, 3, 2]
    else:
        # Louvain is a heuristic whose result depends on the seed: on this graph igraph's
        # partitions differ from networkx's (seed 42: modularity 0.460 against 0.466) but are as
        # good over seeds (mean of seeds 0-4: igraph 0.467, networkx 0.465 when measured)
        def modularity(parts: object) -> float:
            return float(nx.community.modularity(graph, parts, weight="weight"))

        ours, theirs = [], []
        for seed in range(5):
            ours.append(modularity(_partition(compute_metrics(graph.copy(), seed=seed))))
            theirs.append(
                modularity(nx.community.louvain_communities(graph, weight="weight", seed=seed))
            )
        assert sum(ours) >= sum(theirs) * 0.99


@pytest.mark.parametrize("name", ["secon", "synthetic"])
def test_sampled_betweenness_equals_networkx_sampling(secon_store: Store, name: str):
    graph = _oracle_graphs(secon_store)[name]
    k = 7
    expected = nx.betweenness_centrality(graph, k=k, seed=42)
    compute_metrics(graph, betweenness_k_threshold=5, betweenness_k=k)
    for node, value in graph.nodes(data="betweenness"):
        assert value == pytest.approx(expected[node], abs=1e-12), node
    assert graph.graph["metrics"]["betweenness"] == f"approximate, k={k}"
    assert graph.graph["metrics"]["betweenness_sample"].startswith(
        f"{k} of {len(graph)} source nodes; Brandes accumulation from k source nodes"
    )


def test_sampled_betweenness_is_recorded_with_the_run(secon_store: Store):
    graph = compute_metrics(
        co_participation(secon_store), betweenness_k_threshold=5, betweenness_k=7
    )
    rdf = metrics_graph(graph, run={"date": "2026-01-02"})
    parameters = {str(p) for p in rdf.objects(None, SG.parameter)}
    assert "betweenness=approximate, k=7" in parameters
    assert any(p.startswith("betweenness_sample=7 of 19 source nodes;") for p in parameters)
    exact = metrics_graph(compute_metrics(co_participation(secon_store)), run={})
    assert {str(p) for p in exact.objects(None, SG.parameter)} == {"betweenness=exact"}


def test_one_betweenness_source_is_refused():
    with pytest.raises(ParameterError, match="betweenness_k=1: at least 2 source nodes"):
        compute_metrics(nx.path_graph(3), betweenness_k=1)


def test_igraph_and_numpy_are_imported_only_when_networks_are_computed():
    import subprocess
    import sys

    code = (
        "import sys; import secongraph.cli, secongraph.network; "
        "print(sorted({'igraph', 'numpy'} & set(sys.modules)))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_top_brokers_per_group(secon_store: Store):
    graph = compute_metrics(co_participation(secon_store))
    rows = top_brokers(graph, by="type", top=1)
    assert len(rows) == len({t for _, t in graph.nodes(data="type")})
    best = max(graph, key=lambda n: graph.nodes[n]["betweenness"])
    assert best in {r.node for r in rows}


# --- write-back -------------------------------------------------------------------------------


def test_metrics_written_back_are_queryable(data_dir: Path):
    store = build_store(data_dir)
    graph = compute_metrics(co_participation(store, Filters(country="BG")))
    add_metrics(store, graph, {"date": "2026-01-02"})
    add_metrics(store, graph, {"date": "2026-01-02"})  # replaces, does not add twice
    query = f"""SELECT ?org ?degree ?community WHERE {{
      GRAPH <{METRICS_GRAPH}> {{
        ?m a sg:NodeMetrics ; sg:metricsOf ?org ; sg:degree ?degree ; sg:community ?community ;
           sg:metricsRun ?run .
        ?run sg:projection "co-participation" ; sg:randomSeed 42 ; sg:parameter "country=BG" .
      }}
    }} ORDER BY ?org"""
    rows = list(store.oxigraph.query(sparql_prologue() + query, use_default_graph_as_union=True))
    assert [r["org"].value for r in rows] == list(graph)
    assert [int(r["degree"].value) for r in rows] == [graph.nodes[n]["degree"] for n in graph]
    described = (
        sparql_prologue()
        + f"""ASK {{ GRAPH <{METRICS_GRAPH}> {{
      <{METRICS_GRAPH}> a sg:SourceGraph ;
        sg:method <https://w3id.org/secongraph/vocab/method/computed> ;
        prov:wasGeneratedBy ?run ; dcterms:created "2026-01-02"^^xsd:date }} }}"""
    )
    assert store.oxigraph.query(described)
    assert ox.NamedNode(METRICS_GRAPH) in set(store.oxigraph.named_graphs())


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_metrics_are_queryable_on_both_engines(data_dir: Path, engine: str):
    store = build_store(data_dir, engine=engine)
    graph = compute_metrics(co_participation(store))
    add_metrics(store, graph, {"date": "2026-01-02"})
    add_metrics(store, graph, {"date": "2026-01-02"})
    answer = store.select(
        "SELECT ?org ?b WHERE { ?m sg:metricsOf ?org ; sg:betweenness ?b } ORDER BY DESC(?b) ?org"
    )
    assert len(answer.rows) == len(graph)
    best = min(graph, key=lambda n: (-graph.nodes[n]["betweenness"], n))
    assert str(answer.rows[0]["org"]) == best


def test_metrics_graph_conforms_to_the_shapes(secon_store: Store, data_dir: Path, tmp_path: Path):
    graph = compute_metrics(co_participation(secon_store))
    path = tmp_path / "network-metrics.ttl"
    metrics_graph(graph, run={"date": "2026-01-02"}).serialize(path, format="turtle")
    report = validate([path, *data_files(data_dir)])
    assert report.conforms, [str(f) for f in report.findings]


# --- export and CLI ---------------------------------------------------------------------------


def test_exports_keep_every_tie(secon_store: Store, tmp_path: Path):
    graph = compute_metrics(co_participation(secon_store))
    graphml = nx.read_graphml(
        export_network(graph, tmp_path / "g.graphml", fmt=NetworkFormat.GRAPHML)
    )
    gexf = nx.read_gexf(export_network(graph, tmp_path / "g.gexf", fmt="gexf"))
    with export_network(graph, tmp_path / "g.csv", fmt="csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    for exported in (graphml, gexf):
        assert exported.number_of_edges() == graph.number_of_edges()
    assert len(rows) == graph.number_of_edges()
    assert {"source", "target", "weight", "events"} <= set(rows[0])
    node = org("municipality-of-haskovo")
    assert graphml.nodes[node]["betweenness"] == pytest.approx(graph.nodes[node]["betweenness"])


def test_export_to_a_folder_is_an_export_error(secon_store: Store, tmp_path: Path):
    with pytest.raises(ExportError, match="cannot write"):
        export_network(co_participation(secon_store), tmp_path, fmt="csv")


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.output


def test_cli_network_stats(data_dir: Path):
    code, output = run("network", "stats", "--data", str(data_dir), "--top", "1")
    assert code == 0
    assert "Co-participation network: " in output
    assert "\nBetweenness: exact\n" in output
    assert (
        "Top brokers per NUTS 2 region" in output and "Top brokers per organisation type" in output
    )
    assert "Region of Peloponnese" in output


@pytest.mark.parametrize("projection", [p.value for p in Projection])
@pytest.mark.parametrize("fmt", [f.value for f in NetworkFormat])
def test_cli_network_export(data_dir: Path, tmp_path: Path, projection: str, fmt: str):
    target = tmp_path / "out" / f"{projection}.{fmt}"
    code, output = run(
        "network",
        "export",
        "--data",
        str(data_dir),
        "--projection",
        projection,
        "--format",
        fmt,
        "-o",
        str(target),
    )
    assert code == 0, output
    assert f"Wrote {target}" in output and target.stat().st_size > 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["stats", "--country", "XX"],
            "Error: country='XX': not an ISO 3166-1 alpha-2 country code",
        ),
        (["stats", "--since", "2023-02-30"], "Error: since='2023-02-30': not a date"),
        (["export", "--level", "2"], "Error: level applies to the region projection only"),
        (
            ["export", "--projection", "partnership", "--event", "x"],
            "Error: event does not apply",
        ),
    ],
)
def test_cli_bad_values_exit_2_with_one_line(
    data_dir: Path, tmp_path: Path, args: list[str], message: str
):
    code, output = run("network", *args, "--data", str(data_dir))
    assert code == 2
    errors = [line for line in output.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1 and errors[0].startswith(message)


def test_a_graph_where_no_two_organisations_meet_has_no_ties(tmp_path: Path) -> None:
    """Regression: counting ties in numpy failed on data where no event has two organisations."""
    (tmp_path / "one.ttl").write_text(
        "@prefix sg: <https://w3id.org/secongraph/ontology#> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        "<https://example.org/o> a sg:NGO ; rdfs:label 'Lone NGO'@en .\n"
        "<https://example.org/e> a sg:Workshop .\n"
        "<https://example.org/p> a sg:Participation ; sg:event <https://example.org/e> ;\n"
        "    sg:participant <https://example.org/o> .\n",
        encoding="utf-8",
    )
    graph = co_participation(build_store(tmp_path))
    assert graph.number_of_edges() == 0
    assert compute_metrics(graph).number_of_edges() == 0


def test_an_unknown_projection_is_a_usage_error_naming_the_argument(secon_store: Store) -> None:
    from secongraph.errors import QueryError, UsageError
    from secongraph.network import build_projection

    with pytest.raises(ParameterError, match="projection='nope': not one of co-participation"):
        build_projection(secon_store, "nope")
    assert issubclass(ParameterError, UsageError) and not issubclass(ParameterError, QueryError)


# --- ties counted in arrays -------------------------------------------------------------------


@pytest.mark.parametrize(
    "filters",
    [None, Filters(country="BG"), Filters(since="2024-01-01"), Filters(org_type="Municipality")],
)
def test_ties_in_arrays_give_the_metrics_of_the_edges(
    secon_store: Store, filters: Filters | None
) -> None:
    assert_ties_match_edges(secon_store, filters)


def test_collaboration_metrics_come_from_the_ties(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767312000")  # the same day for both
    store = build_store(data_dir)
    expected = metrics_graph(compute_metrics(co_participation(store)), run={})
    graph = add_collaboration_metrics(store)
    assert graph.graph["ties"] == co_participation(store).number_of_edges() > 0
    assert graph.number_of_edges() == 0
    dump = store.oxigraph.dump(
        format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(METRICS_GRAPH)
    )
    assert set(Graph().parse(data=dump, format="nt")) == set(expected)


@pytest.mark.parametrize("level", [None, 0, 1, 2, 3])
@pytest.mark.parametrize("filters", [None, Filters(country="BG"), Filters(since="2024-01-01")])
def test_regions_add_up_the_organisation_ties(
    secon_store: Store, level: int | None, filters: Filters | None
) -> None:
    assert_regions_add_up_the_ties(secon_store, filters, level)
