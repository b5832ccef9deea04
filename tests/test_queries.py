"""The query library answers its questions on the SECON data.

Each expected answer is derived independently of the query: by walking the triples of the data
files in Python (``secon_graph``, parsed by rdflib's own Turtle parser) or from facts that the
source documents in ``data/sources/`` state.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path

import networkx as nx
import pytest
import rdflib
from rdflib import RDF, RDFS, Literal, URIRef
from rdflib.namespace import PROV

from secongraph.errors import ParameterError, QueryError
from secongraph.namespaces import GRAPH, ID, SG, VOCAB
from secongraph.network import METRICS_GRAPH
from secongraph.queries import (
    NamedQuery,
    Parameter,
    load_queries,
    parse_params,
    parse_query,
    resolve_query,
    run_query,
    uses_metrics,
)
from secongraph.sources import to_rdflib
from secongraph.store import Store, build_store, data_files

QUERIES = load_queries()
SECON = ID["project/secon"]
ROLE = rdflib.Namespace(f"{VOCAB}participation-role/")
ORG = rdflib.Namespace(f"{ID}organisation/")
EVENT = rdflib.Namespace(f"{ID}event/")


def instances(graph: rdflib.Graph, cls: URIRef) -> set[rdflib.term.Node]:
    """Every subject typed with ``cls`` or one of its subclasses (asserted rdfs:subClassOf)."""
    classes = set(graph.transitive_subjects(RDFS.subClassOf, cls))
    return {s for c in classes for s in graph.subjects(RDF.type, c)}


def column(result: object, name: str) -> list[object]:
    return [row[name] for row in result.rows]  # type: ignore[attr-defined]


def test_the_library_has_at_least_twelve_questions_each_with_a_summary() -> None:
    assert len(QUERIES) >= 12
    for named in QUERIES.values():
        assert named.summary, named.name
        assert named.description, named.name


def test_every_question_is_documented() -> None:
    docs = (Path(__file__).resolve().parents[1] / "docs" / "queries.md").read_text("utf-8")
    assert [name for name in QUERIES if f"| `{name}` |" not in docs] == []


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_every_question_runs_with_its_defaults_and_returns_its_declared_columns(
    secon_store: Store, name: str
) -> None:
    result = run_query(secon_store, name)
    assert result.variables == list(QUERIES[name].variables)


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_every_question_removes_duplicates(name: str) -> None:
    """Oxigraph's union default graph repeats a triple once per graph that states it."""
    text = QUERIES[name].sparql
    assert "SELECT DISTINCT" in text or "GROUP BY" in text


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_both_embedded_engines_give_the_same_rows(
    secon_store: Store, secon_rdflib_store: Store, name: str
) -> None:
    oxigraph = run_query(secon_store, name, lang=["de", "en"])
    pure_python = run_query(secon_rdflib_store, name, lang=["de", "en"])
    assert oxigraph.variables == pure_python.variables
    assert oxigraph.rows == pure_python.rows


@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("partners-by-country", {"country": "PL"}),
        ("events-in-date-range", {"from": "2024-01-01", "to": "2024-12-31"}),
        ("stakeholders-of-region", {"nuts": "PL9", "type": "sg:PublicAuthority"}),
        (
            "topics-per-event",
            {"event": "sgid:event/2023-11-13-haskovo-interregional-workshop-day-1"},
        ),
        ("public-bodies-met-social-economy", {"kind": str(SG.SocialEnterprise)}),
        ("organisations-by-type", {"country": "GR"}),
    ],
)
def test_both_engines_agree_with_parameters(
    secon_store: Store, secon_rdflib_store: Store, name: str, params: dict[str, str]
) -> None:
    assert (
        run_query(secon_store, name, params).rows
        == run_query(secon_rdflib_store, name, params).rows
    )


# --- one test per question -----------------------------------------------------------------


def test_partners_by_country(secon_store: Store, secon_graph: rdflib.Graph) -> None:
    expected = []
    for partnership in secon_graph.subjects(SG.organisation, SECON):
        if (partnership, RDF.type, SG.Partnership) not in secon_graph:
            continue
        partner = secon_graph.value(partnership, SG.member)
        code = secon_graph.value(secon_graph.value(partner, SG.country), SG.isoCode)
        expected.append((str(code), partner, secon_graph.value(partnership, SG.role)))
    result = run_query(secon_store, "partners-by-country")
    rows = [(str(r["country_code"]), r["partner"], r["role"]) for r in result.rows]
    assert sorted(rows) == sorted(set(expected))
    assert rows == sorted(rows, key=lambda r: (r[0], str(r[1])))
    # The kick-off report (S3) names nine partners from nine countries.
    assert sorted(code for code, _, _ in rows) == sorted(
        ["GR", "DE", "BE", "RO", "PL", "PT", "LV", "ES", "BG"]
    )


def test_partners_by_country_of_one_country(secon_store: Store) -> None:
    result = run_query(secon_store, "partners-by-country", {"country": "GR"})
    assert column(result, "partner") == [ORG["region-of-peloponnese"]]


def test_lead_partner_is_the_region_of_peloponnese_as_the_kick_off_report_says(
    secon_store: Store, data_dir: Path
) -> None:
    report = rdflib.Graph().parse(data_dir / "kick-off-meeting-report.ttl")
    lead = VOCAB["partner-role/lead-partner"]
    sources = {
        (report.value(p, SG.member), s)
        for p in report.subjects(SG.role, lead)
        for s in report.objects(p, SG.source)
    }
    result = run_query(secon_store, "lead-partner")
    assert {(r["partner"], r["source"]) for r in result.rows} == sources
    assert column(result, "partner_label")[0] == Literal("Region of Peloponnese", lang="en")


def _stakeholders_of(graph: rdflib.Graph, code: str) -> set[tuple[object, object]]:
    region = next(graph.subjects(SG.nutsCode, Literal(code)))
    areas = set(graph.transitive_subjects(SG.parentRegion, region))
    organisations = instances(graph, SG.Organisation)
    found = set()
    for organisation in organisations:
        places = set(graph.objects(organisation, SG.locatedIn))
        places |= {q for p in set(places) for q in graph.objects(p, SG.locatedIn)}
        places |= set(graph.objects(organisation, SG.territory))
        if places & areas:
            for kind in graph.objects(organisation, RDF.type):
                found.add((kind, organisation))
    return found


@pytest.mark.parametrize("code", ["EL65", "PL9", "BG4"])
def test_stakeholders_of_region(secon_store: Store, secon_graph: rdflib.Graph, code: str) -> None:
    result = run_query(secon_store, "stakeholders-of-region", {"nuts": code})
    assert {(r["type"], r["organisation"]) for r in result.rows} == _stakeholders_of(
        secon_graph, code
    )


def test_stakeholders_of_region_by_type(secon_store: Store) -> None:
    # S7: of the organisations named in the Peloponnese, two are cooperatives.
    result = run_query(
        secon_store,
        "stakeholders-of-region",
        {"nuts": "EL65", "type": "sg:SocialEconomyOrganisation"},
    )
    assert set(column(result, "organisation")) == {
        ORG["corinthian-social-cooperative-enterprise"],
        ORG["messinian-agricultural-cooperative"],
    }


def _events(graph: rdflib.Graph) -> set[rdflib.term.Node]:
    return instances(graph, SG.Event)


def test_events_in_date_range(secon_store: Store, secon_graph: rdflib.Graph) -> None:
    expected = sorted(
        (start.toPython(), str(event))
        for event in _events(secon_graph)
        for start in secon_graph.objects(event, SG.startDate)
        if date(2023, 1, 1) <= start.toPython() <= date(2023, 12, 31)
    )
    result = run_query(secon_store, "events-in-date-range")
    assert [(r["start"].toPython(), str(r["event"])) for r in result.rows] == expected


def test_events_in_2024_are_the_two_the_sources_report(secon_store: Store) -> None:
    result = run_query(
        secon_store, "events-in-date-range", {"from": "2024-01-01", "to": "2024-12-31"}
    )
    # S6: third Mazovia meeting on 23 February 2024; S7: online meeting on 2 August 2024.
    assert [str(d) for d in column(result, "start")] == ["2024-02-23", "2024-08-02"]


def test_event_participants(secon_store: Store, secon_graph: rdflib.Graph) -> None:
    workshop = EVENT["2023-11-13-haskovo-interregional-workshop"]
    events = set(secon_graph.transitive_subjects(SG.superEvent, workshop))
    expected = {
        (event, secon_graph.value(p, SG.participant), role)
        for event in events
        for p in secon_graph.subjects(SG.event, event)
        for role in secon_graph.objects(p, SG.participationRole)
    }
    result = run_query(secon_store, "event-participants")
    assert {(r["event"], r["participant"], r["role"]) for r in result.rows} == expected


def test_event_participants_of_the_kick_off_meeting(secon_store: Store) -> None:
    result = run_query(
        secon_store,
        "event-participants",
        {"event": "sgid:event/2023-05-24-kalamata-kick-off-meeting"},
    )
    # S3: the nine partners and KMOP took part; the Region of Peloponnese coordinated.
    assert len(set(column(result, "participant"))) == 10
    assert (ORG["region-of-peloponnese"], ROLE.organiser) in {
        (r["participant"], r["role"]) for r in result.rows
    }


def test_met_at_events(secon_store: Store, secon_graph: rdflib.Graph) -> None:
    haskovo = ORG["municipality-of-haskovo"]
    organisations = instances(secon_graph, SG.Organisation)
    shared: Counter[object] = Counter()
    own_events = {
        secon_graph.value(p, SG.event) for p in secon_graph.subjects(SG.participant, haskovo)
    }
    for event in own_events:
        met = {secon_graph.value(p, SG.participant) for p in secon_graph.subjects(SG.event, event)}
        shared.update(o for o in met if o != haskovo and o in organisations)
    result = run_query(secon_store, "met-at-events")
    assert {r["organisation"]: int(r["events"]) for r in result.rows} == dict(shared)
    counts = [int(n) for n in column(result, "events")]
    assert counts == sorted(counts, reverse=True)


def test_topics_per_event(secon_store: Store, secon_graph: rdflib.Graph) -> None:
    expected = {
        (event, topic)
        for event in _events(secon_graph)
        for topic in secon_graph.objects(event, SG.topic)
    }
    result = run_query(secon_store, "topics-per-event")
    assert {(r["event"], r["topic"]) for r in result.rows} == expected


def test_topics_of_the_online_meeting_match_the_report(secon_store: Store) -> None:
    event = "sgid:event/2024-08-02-peloponnese-online-stakeholder-meeting"
    result = run_query(secon_store, "topics-per-event", {"event": event})
    labels = {str(label) for label in column(result, "topic_label")}
    # S7 names rural development, cultural heritage and measuring impact among the topics.
    assert len(labels) == 9
    assert {"rural development", "cultural heritage"} <= labels


def test_timeline(secon_store: Store, secon_graph: rdflib.Graph) -> None:
    expected = []
    for event in _events(secon_graph):
        start = secon_graph.value(event, SG.startDate)
        if start is None or secon_graph.value(event, SG.superEvent) is not None:
            continue
        parts = set(secon_graph.transitive_subjects(SG.superEvent, event))
        participants = {
            secon_graph.value(p, SG.participant)
            for part in parts
            for p in secon_graph.subjects(SG.event, part)
        }
        expected.append((start.toPython(), str(event), len(participants)))
    result = run_query(secon_store, "timeline")
    rows = [(r["start"].toPython(), str(r["event"]), int(r["participants"])) for r in result.rows]
    assert rows == sorted(expected)


def _social(graph: rdflib.Graph, kind: URIRef) -> set[object]:
    kinds = set(graph.transitive_subjects(RDFS.subClassOf, kind))
    groups = {
        g
        for g in graph.subjects(RDF.type, SG.ParticipantGroup)
        for concept in graph.objects(g, SG.organisationType)
        if graph.value(concept, RDFS.seeAlso) in kinds
    }
    return instances(graph, kind) | groups


@pytest.mark.parametrize("kind", [SG.SocialEconomyOrganisation, SG.SocialEnterprise])
def test_public_bodies_met_social_economy(
    secon_store: Store, secon_graph: rdflib.Graph, kind: URIRef
) -> None:
    public = instances(secon_graph, SG.PublicAuthority) | instances(secon_graph, SG.PublicAgency)
    social = _social(secon_graph, kind)
    expected = set()
    for event in _events(secon_graph):
        present = {
            secon_graph.value(p, SG.participant) for p in secon_graph.subjects(SG.event, event)
        }
        expected |= {(b, m, event) for b in present & public for m in present & social}
    result = run_query(secon_store, "public-bodies-met-social-economy", {"kind": str(kind)})
    assert {(r["public_body"], r["met"], r["event"]) for r in result.rows} == expected
    assert expected  # the SECON data has such meetings (S7 and the Haskovo visit)


def test_regions_by_engaged_stakeholders(secon_store: Store, secon_graph: rdflib.Graph) -> None:
    g = secon_graph
    engaged: dict[object, set[object]] = {}
    partners = {
        g.value(p, SG.member)
        for p in g.subjects(SG.organisation, SECON)
        if (p, RDF.type, SG.Partnership) in g
    }
    for partner in partners:
        found = set()
        for p in g.subjects(SG.participant, partner):
            if (p, SG.participationRole, ROLE.organiser) in g:
                for part in g.transitive_subjects(SG.superEvent, g.value(p, SG.event)):
                    found |= _stakeholders_at(g, part)
        for group in g.subjects(SG.convenedBy, partner):
            found |= {g.value(m, SG.member) for m in g.subjects(SG.organisation, group)}
            for meeting in g.subjects(SG.meetingOf, group):
                found |= _stakeholders_at(g, meeting)
        found.discard(partner)
        if found:
            regions = set(g.objects(partner, SG.territory)) | set(g.objects(partner, SG.locatedIn))
            engaged |= {(region, partner): found for region in regions}
    result = run_query(secon_store, "regions-by-engaged-stakeholders")
    assert {(r["region"], r["partner"]): int(r["stakeholders"]) for r in result.rows} == {
        key: len(found) for key, found in engaged.items()
    }
    counts = [int(n) for n in column(result, "stakeholders")]
    assert counts == sorted(counts, reverse=True)
    # S7: the Region of Peloponnese met four named organisations and a group of 11 experts.
    peloponnese = {r["partner"]: int(r["stakeholders"]) for r in result.rows}
    assert peloponnese[ORG["region-of-peloponnese"]] == 5


def _stakeholders_at(graph: rdflib.Graph, event: object) -> set[object]:
    return {
        graph.value(p, SG.participant)
        for p in graph.subjects(SG.event, event)
        if (p, SG.participationRole, ROLE.stakeholder) in graph
    }


def test_facts_without_source_finds_none_in_the_secon_data(
    secon_store: Store, secon_graph: rdflib.Graph, data_dir: Path
) -> None:
    kinds = {SG.Partnership, SG.StakeholderGroupMembership, SG.Participation}
    kinds |= set(secon_graph.transitive_subjects(RDFS.subClassOf, SG.Event))
    unsourced = []
    for path in data_files(data_dir):
        graph = rdflib.Graph().parse(path)
        for subject, kind in graph.subject_objects(RDF.type):
            if kind in kinds and graph.value(subject, SG.source) is None:
                unsourced.append(subject)
        for source_graph in graph.subjects(RDF.type, SG.SourceGraph):
            if graph.value(source_graph, PROV.wasDerivedFrom) is None:
                unsourced.append(source_graph)
    assert run_query(secon_store, "facts-without-source").rows == []
    assert unsourced == []


def test_facts_without_source_finds_an_unsourced_participation(tmp_path: Path) -> None:
    (tmp_path / "batch.ttl").write_text(
        """@prefix sg: <https://w3id.org/secongraph/ontology#> .
@prefix sggraph: <https://w3id.org/secongraph/graph/> .
sggraph:batch a sg:SourceGraph .
<https://w3id.org/secongraph/id/participation/x> a sg:Participation ;
    sg:event <https://w3id.org/secongraph/id/event/x> .
<https://w3id.org/secongraph/id/event/x> a sg:Workshop ;
    sg:source <https://example.org/programme> .
""",
        encoding="utf-8",
    )
    result = run_query(build_store(tmp_path), "facts-without-source")
    assert [(r["entity"], r["problem"].split()[0]) for r in result.rows] == [
        (GRAPH.batch, "the"),
        (ID["participation/x"], "no"),
    ]


# What a graph's method says of its facts: stated by the source, or added by the project.
ADDED = {"translation", "modelling", "computed"}


def _stated(method: object) -> str:
    name = str(method).rsplit("/", 1)[-1]
    return name if name in ADDED else "stated"


def test_sources_of_entity(secon_store: Store, data_dir: Path) -> None:
    haskovo = ORG["municipality-of-haskovo"]
    expected = set()
    graphs = [(GRAPH[p.stem], rdflib.Graph().parse(p)) for p in data_files(data_dir)]
    computed = to_rdflib(secon_store.quads(graphs=[METRICS_GRAPH])).graph(URIRef(METRICS_GRAPH))
    graphs.append((URIRef(METRICS_GRAPH), computed))  # the collaboration metrics
    for name, graph in graphs:
        if (haskovo, None, None) in graph or (None, None, haskovo) in graph:
            method = graph.value(name, SG.method)
            complements = graph.value(name, SG.complements)
            for document in graph.objects(name, PROV.wasDerivedFrom):
                expected.add((name, method, _stated(method), complements, document))
    result = run_query(secon_store, "sources-of-entity")
    assert {
        (r["graph"], r["method"], str(r["stated"]), r.get("complements"), r["document"])
        for r in result.rows
    } == expected
    assert GRAPH["haskovo-municipality-site"] in column(result, "graph")  # S8
    # The press release names the municipality in German; its class is the project's reading.
    by_graph = {r["graph"]: str(r["stated"]) for r in result.rows}
    release = "2023-11-09-haskovo-interregional-workshop"
    assert by_graph[GRAPH[release]] == "stated"
    assert by_graph[GRAPH[f"{release}--modelling"]] == "modelling"
    assert by_graph[URIRef(METRICS_GRAPH)] == "computed"


def test_organisations_by_type(secon_store: Store, secon_graph: rdflib.Graph) -> None:
    classes = set(secon_graph.transitive_subjects(RDFS.subClassOf, SG.Organisation))
    counts = Counter(kind for kind in classes for _ in set(secon_graph.subjects(RDF.type, kind)))
    result = run_query(secon_store, "organisations-by-type")
    assert {r["type"]: int(r["organisations"]) for r in result.rows} == +counts


def test_organisations_by_type_in_one_country(secon_store: Store) -> None:
    result = run_query(secon_store, "organisations-by-type", {"country": "BG"})
    # The Haskovo press release names the municipality, the district administration and two
    # agencies in Bulgaria.
    assert {str(r["type"]): int(r["organisations"]) for r in result.rows} == {
        str(SG.PublicAgency): 2,
        str(SG.Municipality): 1,
        str(SG.DistrictAdministration): 1,
    }


def test_stakeholder_group_members(secon_store: Store, secon_graph: rdflib.Graph) -> None:
    expected = {
        (secon_graph.value(m, SG.organisation), secon_graph.value(m, SG.member))
        for m in secon_graph.subjects(RDF.type, SG.StakeholderGroupMembership)
    }
    result = run_query(secon_store, "stakeholder-group-members")
    assert {(r["group"], r["member"]) for r in result.rows} == expected
    # S5: the Mazovian Centre for Social Policy is a member, named; the others are groups.
    kinds = {r["member"]: str(r["member_kind"]) for r in result.rows}
    assert kinds[ORG["mazovian-centre-for-social-policy"]] == "organisation"
    assert Counter(kinds.values()) == {"unnamed group": 4, "organisation": 1}


def test_good_practices(secon_store: Store, secon_graph: rdflib.Graph) -> None:
    expected = {
        (p, secon_graph.value(p, SG.implementedBy), e)
        for p in secon_graph.subjects(RDF.type, SG.GoodPractice)
        for e in secon_graph.subjects(SG.presents, p)
    }
    result = run_query(secon_store, "good-practices")
    assert {(r["practice"], r["organisation"], r["event"]) for r in result.rows} == expected
    # S6: two good practices, presented on 23 February 2024.
    assert [str(d) for d in column(result, "date")] == ["2024-02-23", "2024-02-23"]


def test_a_good_practice_without_organisation_or_event_is_one_row(tmp_path: Path) -> None:
    """Labels of an organisation or event the practice lacks must not match every label."""
    (tmp_path / "practices.ttl").write_text(
        """@prefix sg: <https://w3id.org/secongraph/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<https://w3id.org/secongraph/id/practice/alone> a sg:GoodPractice ; rdfs:label "Alone"@en .
<https://w3id.org/secongraph/id/organisation/other> a sg:NGO ; rdfs:label "Other"@en .
<https://w3id.org/secongraph/id/event/other> a sg:Workshop ; rdfs:label "Elsewhere"@en .
""",
        encoding="utf-8",
    )
    rows = run_query(build_store(tmp_path), "good-practices").records()
    assert rows == [{
        "practice": str(ID["practice/alone"]), "practice_label": "Alone", "organisation": None,
        "organisation_label": None, "event": None, "event_label": None, "date": None,
    }]  # fmt: skip


def test_a_group_without_convenor_lists_its_members_once(tmp_path: Path) -> None:
    (tmp_path / "groups.ttl").write_text(
        """@prefix sg: <https://w3id.org/secongraph/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix sgid: <https://w3id.org/secongraph/id/> .
sgid:group a sg:StakeholderGroup ; rdfs:label "Group"@en .
sgid:membership a sg:Membership ; sg:organisation sgid:group ; sg:member sgid:member .
sgid:member a sg:NGO ; rdfs:label "Member"@en .
sgid:other a sg:NGO ; rdfs:label "Other"@en .
""",
        encoding="utf-8",
    )
    rows = run_query(build_store(tmp_path), "stakeholder-group-members").records()
    assert [(r["convenor"], r["convenor_label"], r["member_label"]) for r in rows] == [
        (None, None, "Member")
    ]


# --- labels --------------------------------------------------------------------------------


def test_labels_come_in_the_requested_language_with_fallbacks(secon_store: Store) -> None:
    result = run_query(secon_store, "partners-by-country", lang=["de", "en"])
    labels = {r["partner"]: r["partner_label"] for r in result.rows}
    assert labels[ORG["municipality-of-haskovo"]] == Literal("Gemeinde Haskovo", lang="de")
    # No German name for the Junta de Extremadura's ministry: the English one follows.
    extremadura = labels[ORG["consejeria-de-agricultura-junta-de-extremadura"]]
    assert extremadura.language == "en"
    roles = {r["role"]: r["role_label"] for r in result.rows}
    assert roles[VOCAB["partner-role/lead-partner"]].language == "de"


def test_labels_in_the_partners_own_languages(secon_store: Store) -> None:
    result = run_query(secon_store, "partners-by-country", lang=["bg", "pl"])
    labels = {r["partner"]: str(r["partner_label"]) for r in result.rows}
    assert labels[ORG["municipality-of-haskovo"]] == "Община Хасково"  # S8
    assert labels[ORG["mazowieckie-voivodeship"]] == "Województwo Mazowieckie"  # S8


def test_a_bad_language_tag_is_a_parameter_error(secon_store: Store) -> None:
    with pytest.raises(ParameterError, match='"d e" is not a language tag'):
        run_query(secon_store, "timeline", lang=["d e"])


# --- decorators and parameters -------------------------------------------------------------


def test_decorators_are_read_like_grlc() -> None:
    named = parse_query(
        """#+ summary: Events of a kind
#+ description: |
#+   Two lines
#+   of text.
#+ tags: [events, kinds]
#+ defaults:
#+   - kind: https://w3id.org/secongraph/ontology#Workshop
#+ enumerate:
#+   - kind:
#+     - https://w3id.org/secongraph/ontology#Workshop
#+     - https://w3id.org/secongraph/ontology#Meeting
SELECT DISTINCT ?e WHERE { ?e a ?_kind_iri ; sg:startDate ?d FILTER(?d >= ?__after_xsd_date) }
""",
        name="kinds",
    )
    assert named.summary == "Events of a kind"
    assert named.description == "Two lines\nof text."
    assert named.tags == ("events", "kinds")
    assert named.variables == ("e",)
    kind, after = named.parameters
    assert (kind.name, kind.kind, kind.required, kind.default) == (
        "kind", "iri", True, str(SG.Workshop)
    )  # fmt: skip
    assert kind.allowed == (str(SG.Workshop), str(SG.Meeting))
    assert (after.name, after.kind, after.required) == ("after", "xsd:date", False)


def test_a_decorator_for_an_unknown_parameter_is_refused() -> None:
    with pytest.raises(QueryError, match="unknown parameter 'year'"):
        parse_query("#+ defaults:\n#+   - year: 2023\nSELECT ?s WHERE { ?s ?p ?o }", name="q")


def test_an_unknown_xsd_type_is_refused() -> None:
    with pytest.raises(QueryError, match="unknown parameter type xsd_colour"):
        parse_query("SELECT ?s WHERE { ?s ?p ?_c_xsd_colour }", name="q")


@pytest.mark.parametrize(
    ("kind", "value", "term"),
    [
        ("literal", 'x" } UNION { ?s ?p ?o } #', Literal('x" } UNION { ?s ?p ?o } #')),
        ("iri", "sgid:organisation/kmop", ORG.kmop),
        ("iri", f"<{ORG.kmop}>", ORG.kmop),
        ("xsd:date", "2023-11-13", Literal("2023-11-13", datatype=rdflib.XSD.date)),
        ("xsd:integer", "-12", Literal("-12", datatype=rdflib.XSD.integer)),
        ("xsd:boolean", "true", Literal("true", datatype=rdflib.XSD.boolean)),
    ],
)
def test_values_become_rdf_terms_of_their_type(kind: str, value: str, term: object) -> None:
    assert Parameter("p", "_p", kind, True).term(value) == term


@pytest.mark.parametrize(
    ("kind", "value", "message"),
    [
        ("xsd:date", "2023-02-30", "is not a date"),
        ("xsd:date", "13/11/2023", "is not a date"),
        ("xsd:integer", "12.5", "is not a whole number"),
        ("iri", "not an iri", "is not an IRI"),
        ("iri", "https://example.org/a> ?s ?p ?o . <x", "is not an IRI"),
        ("iri", "unknownprefix:x y", "is not an IRI"),
    ],
)
def test_values_of_the_wrong_type_are_refused(kind: str, value: str, message: str) -> None:
    with pytest.raises(ParameterError, match=message):
        Parameter("p", "_p", kind, True).term(value)


def test_parameters_are_checked_against_the_query() -> None:
    named: NamedQuery = QUERIES["partners-by-country"]
    with pytest.raises(ParameterError, match='has no parameter "colour"'):
        named.bind({"colour": "red"})
    with pytest.raises(ParameterError, match='"FR" is not allowed'):
        named.bind({"country": "FR"})
    with pytest.raises(ParameterError, match='needs parameter "nuts"'):
        QUERIES["stakeholders-of-region"].__class__(
            name="q", sparql="", parameters=(Parameter("nuts", "_nuts", "literal", True),)
        ).bind({})


def test_params_from_the_command_line() -> None:
    assert parse_params(["a=1", "b=x=y", "c="]) == {"a": "1", "b": "x=y", "c": ""}
    with pytest.raises(ParameterError, match="write -p name=value"):
        parse_params(["country"])
    with pytest.raises(ParameterError, match="given twice"):
        parse_params(["a=1", "a=2"])


def test_resolve_query_needs_a_name_or_a_file(tmp_path: Path) -> None:
    with pytest.raises(ParameterError, match="one of them"):
        resolve_query()
    with pytest.raises(ParameterError, match='unknown query "nope"'):
        resolve_query("nope")
    (tmp_path / "mine.rq").write_text("SELECT ?s WHERE { ?s ?p ?o }", encoding="utf-8")
    assert resolve_query(file=tmp_path / "mine.rq").name == "mine"


def test_a_user_query_folder(tmp_path: Path, secon_store: Store) -> None:
    (tmp_path / "countries.rq").write_text(
        "#+ summary: Countries\nSELECT DISTINCT ?code WHERE { ?c sg:isoCode ?code } ORDER BY ?code",
        encoding="utf-8",
    )
    assert list(load_queries(tmp_path)) == ["countries"]
    result = run_query(secon_store, "countries", folder=tmp_path)
    assert len(result) == 9
    with pytest.raises(QueryError, match="no such query folder"):
        load_queries(tmp_path / "missing")


def test_brokers_reads_back_the_metrics_the_network_computed(data_dir: Path) -> None:
    """The metrics written into the graph are the ones networkx computed, ranked by betweenness."""
    from secongraph.network import add_collaboration_metrics

    store = build_store(data_dir)
    assert run_query(store, "brokers").rows == []  # no metrics graph, no brokers
    network = add_collaboration_metrics(store)
    records = run_query(store, "brokers").records()
    expected = sorted(network.nodes, key=lambda n: (-network.nodes[n]["betweenness"], n))
    assert [r["organisation"] for r in records] == expected
    top = network.nodes[expected[0]]
    assert (records[0]["degree"], records[0]["community"]) == (top["degree"], top["community"])
    greek = run_query(store, "brokers", {"country": "GR"}).records()
    assert greek and all(r["country_code"] == "GR" for r in greek)


@pytest.mark.parametrize("fmt", ["table", "md"])
def test_text_formats_write_ontology_iris_with_the_sg_prefix(secon_store: Store, fmt: str) -> None:
    text = run_query(secon_store, "timeline").serialize(fmt)
    assert "sg:Workshop" in text
    assert str(SG.Workshop) not in text


def _longest_shortest_step(graph: rdflib.Graph, link: URIRef, top: URIRef | None) -> int:
    """The most ``link`` steps any node needs to reach any node above it (below ``top`` when
    given), each along its shortest way: what a fixed number of steps must cover."""
    up = nx.DiGraph((s, o) for s, o in graph.subject_objects(link) if s != o)
    if top is not None:
        up = up.subgraph({top, *nx.ancestors(up, top)})
    return max((max(nx.single_source_shortest_path_length(up, n).values()) for n in up), default=0)


def test_four_subclass_steps_reach_every_organisation_class_from_each_of_its_subclasses(
    secon_graph: rdflib.Graph,
) -> None:
    """public-bodies-met-social-economy and stakeholders-of-region climb at most four
    rdfs:subClassOf steps instead of a `*` path (Virtuoso 7.2.5 loses rows with two of them)."""
    steps = _longest_shortest_step(secon_graph, RDFS.subClassOf, SG.Organisation)
    assert 2 <= steps <= 4  # SocialCooperative → Cooperative → SocialEconomyOrganisation → …


def test_three_parent_steps_reach_every_nuts_region_above_a_region(
    secon_graph: rdflib.Graph,
) -> None:
    """stakeholders-of-region climbs at most three sg:parentRegion steps: NUTS levels 0 to 3."""
    assert _longest_shortest_step(secon_graph, SG.parentRegion, None) == 3


def test_every_term_of_the_metrics_records_asks_for_the_metrics(secon_graph: rdflib.Graph) -> None:
    """A question naming any class of the metrics records, or any property of those classes in
    the ontology, needs the metrics computed; other terms of the ontology do not."""
    ontology = secon_graph  # the ontology's triples, with the data's
    records = {SG.MetricsRun, SG.NodeMetrics}
    terms = records | {p for p, _, c in ontology.triples((None, RDFS.domain, None)) if c in records}
    assert len(terms) > len(records)
    for term in terms:
        assert uses_metrics(f"SELECT ?x WHERE {{ ?x <{term}> ?y }}"), term
        assert uses_metrics(f"SELECT ?x WHERE {{ ?x sg:{term.removeprefix(str(SG))} ?y }}"), term
    others = {s for s in ontology.subjects() if str(s).startswith(str(SG))} - terms
    assert others and not any(uses_metrics(f"SELECT ?x WHERE {{ ?x <{t}> ?y }}") for t in others)
