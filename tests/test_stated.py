"""Stated or added: each source's graph holds what the source states, and what the project adds
(translations, its own modelling) sits in companion graphs that say so (DESIGN.md, "Stated or
added"). Expected answers come from the data files, read with rdflib."""

from __future__ import annotations

from pathlib import Path

import pytest
import rdflib
from click.testing import CliRunner
from rdflib import RDF, RDFS, Literal, URIRef
from rdflib.namespace import PROV, SKOS

from secongraph.cli import cli
from secongraph.namespaces import GRAPH, ID, SG, VOCAB
from secongraph.paths import ontology_files
from secongraph.stats import ADDED, COMPUTED, ONTOLOGY, STATED, statistics
from secongraph.store import Store, data_files

METHOD = VOCAB["method/"]
COMPANIONS = {"translation": METHOD + "translation", "modelling": METHOD + "modelling"}
REFERENCE = {"nuts2021", "iso3166"}  # generated reference data, with a method of their own
TOPIC = VOCAB["topic/"]


def org(slug: str) -> URIRef:
    return URIRef(f"{ID}organisation/{slug}")


def parse(path: Path) -> rdflib.Graph:
    return rdflib.Graph().parse(path)


def companion_files(data_dir: Path) -> list[Path]:
    return [p for p in data_files(data_dir) if "--" in p.stem]


def stated_files(data_dir: Path) -> list[Path]:
    return [
        p
        for p in data_files(data_dir)
        if "--" not in p.stem and p.stem not in REFERENCE and p.parent == data_dir
    ]


def test_there_are_companion_graphs_of_both_kinds(data_dir: Path) -> None:
    kinds = {p.stem.rsplit("--", 1)[1] for p in companion_files(data_dir)}
    assert kinds == set(COMPANIONS)


@pytest.mark.parametrize("name", ["translation", "modelling"])
def test_every_companion_graph_is_described_and_complements_its_stated_graph(
    data_dir: Path, name: str
) -> None:
    for path in companion_files(data_dir):
        stem, kind = path.stem.rsplit("--", 1)
        if kind != name:
            continue
        graph, companion = parse(path), GRAPH[path.stem]
        stated_path = data_dir / f"{stem}.ttl"
        assert stated_path.exists(), path
        stated = parse(stated_path)
        assert (companion, RDF.type, SG.SourceGraph) in graph, path
        assert graph.value(companion, RDFS.label).language == "en", path
        assert list(graph.objects(companion, SG.method)) == [COMPANIONS[kind]], path
        assert list(graph.objects(companion, SG.complements)) == [GRAPH[stem]], path
        assert graph.value(companion, rdflib.URIRef("http://purl.org/dc/terms/created")), path
        assert graph.value(companion, PROV.wasAttributedTo) == org("secongraph-project"), path
        # the same source document as the graph it complements
        assert set(graph.objects(companion, PROV.wasDerivedFrom)) <= set(
            stated.objects(GRAPH[stem], PROV.wasDerivedFrom)
        ), path
        assert set(graph.objects(companion, PROV.wasDerivedFrom)), path
        # written only when not empty: it adds something beyond describing itself
        assert set(graph.subjects()) - {companion}, path


def test_stated_graphs_are_curated_and_complement_nothing(data_dir: Path) -> None:
    for path in stated_files(data_dir):
        graph = parse(path)
        name = GRAPH[path.stem]
        assert graph.value(name, SG.method) == METHOD + "curated", path
        assert graph.value(name, SG.complements) is None, path


def test_the_kick_off_report_keeps_german_and_spanish_names_in_their_language(
    data_dir: Path,
) -> None:
    stated = parse(data_dir / "kick-off-meeting-report.ttl")
    translation = parse(data_dir / "kick-off-meeting-report--translation.ttl")
    names = {
        org("verband-region-rhein-neckar"): "de",
        org("consejeria-de-agricultura-junta-de-extremadura"): "es",
    }
    for organisation, language in names.items():
        labels = list(stated.objects(organisation, RDFS.label))
        assert [label.language for label in labels] == [language], organisation
        # the English name the shapes ask for is the project's translation
        assert [label.language for label in translation.objects(organisation, RDFS.label)] == ["en"]


def test_no_stated_graph_tags_a_name_of_another_language_as_english(data_dir: Path) -> None:
    # Names that the sources give in German or Spanish; a stated @en label never repeats them.
    foreign = {
        str(label)
        for path in stated_files(data_dir)
        for label in parse(path).objects(None, RDFS.label)
        if isinstance(label, Literal) and label.language in {"de", "es"}
    }
    for path in stated_files(data_dir):
        for subject, label in parse(path).subject_objects(RDFS.label):
            if isinstance(label, Literal) and label.language == "en":
                assert str(label) not in foreign, (path, subject, label)


def test_the_mazovian_good_practices_name_the_report_that_states_them(data_dir: Path) -> None:
    path = data_dir / "mazovia-stakeholder-group-meeting-3.ttl"
    graph = parse(path)
    (report,) = graph.objects(GRAPH[path.stem], PROV.wasDerivedFrom)
    catalogue = parse(data_dir / "sources" / "catalogue.ttl")
    assert str(catalogue.value(report, SG.localCopy)).endswith("#S6")
    practices = set(graph.subjects(RDF.type, SG.GoodPractice))
    assert len(practices) == 2
    for practice in practices:
        assert list(graph.objects(practice, SG.source)) == [report], practice


def test_social_inclusion_is_only_a_noted_reading(data_dir: Path) -> None:
    inclusion = TOPIC + "social-inclusion"
    for path in data_files(data_dir):
        graph = parse(path)
        subjects = set(graph.subjects(SG.topic, inclusion))
        if path.stem.endswith("--modelling"):
            for subject in subjects:
                assert graph.value(subject, SKOS.note) is not None, (path, subject)
        else:
            assert not subjects, path
    zbijow = ID["good-practice/centre-for-social-integration-zbijow-maly"]
    modelling = parse(data_dir / "mazovia-stakeholder-group-meeting-3--modelling.ttl")
    assert set(modelling.subjects(SG.topic, inclusion)) == {zbijow}


def test_no_home_page_that_no_source_states(data_dir: Path) -> None:
    for path in data_files(data_dir):
        assert not list(parse(path).subject_objects(SG.homepage)), path


def test_partner_territories_come_from_the_public_record_section_that_states_them(
    data_dir: Path,
) -> None:
    path = data_dir / "partner-territories-nuts2021.ttl"
    graph = parse(path)
    (document,) = graph.objects(GRAPH[path.stem], PROV.wasDerivedFrom)
    catalogue = parse(data_dir / "sources" / "catalogue.ttl")
    assert str(catalogue.value(document, SG.localCopy)) == "sources/secon-public-record.md#R1"
    assert document != ID["source/eurostat-nuts-2021-classification"]
    assert catalogue.value(document, SG.localCopy) != catalogue.value(
        ID["source/eurostat-nuts-2021-classification"], SG.localCopy
    )
    # R1 states the codes; the links to the Publications Office NUTS IRIs are the project's.
    nuts = "http://data.europa.eu/nuts/code/"
    assert not [o for o in graph.objects() if str(o).startswith(nuts)]
    modelling = parse(data_dir / "partner-territories-nuts2021--modelling.ttl")
    assert [o for o in modelling.objects() if str(o).startswith(nuts)]


def test_the_union_keeps_what_the_shapes_need(secon_graph: rdflib.Graph) -> None:
    # The classes moved to the modelling graphs, the English names to the translation graphs:
    # together with the stated graphs, every organisation still has a class and an English name.
    organisations = set(secon_graph.transitive_subjects(RDFS.subClassOf, SG.Organisation))
    for organisation in {o for c in organisations for o in secon_graph.subjects(RDF.type, c)}:
        languages = {label.language for label in secon_graph.objects(organisation, RDFS.label)}
        assert "en" in languages, organisation


# --- stats: triples by method --------------------------------------------------------------


def _expected_methods(data_dir: Path) -> dict[str, int]:
    """Triples per method IRI, each file's method read from its own description."""
    expected: dict[str, int] = {}
    for path in data_files(data_dir):
        graph = parse(path)
        method = str(graph.value(GRAPH[path.stem], SG.method))
        expected[method] = expected.get(method, 0) + len(graph)
    expected[ONTOLOGY] = sum(len(parse(p)) for p in ontology_files())
    return expected


def test_stats_counts_triples_by_method(secon_store: Store, data_dir: Path) -> None:
    rows = statistics(secon_store).methods
    labels = rdflib.Graph()
    for path in ontology_files():
        labels.parse(path)
    label_of = {
        str(m): next(
            str(x) for x in labels.objects(URIRef(m), SKOS.prefLabel) if x.language == "en"
        )
        for m in _expected_methods(data_dir)
        if m != ONTOLOGY
    }
    expected = {label_of.get(m, m): n for m, n in _expected_methods(data_dir).items()}
    computed = {label: n for label, origin, n in rows if origin == COMPUTED}
    assert {label: n for label, _, n in rows if label not in computed} == expected
    origins = {label: origin for label, origin, _ in rows}
    assert origins[label_of[str(METHOD) + "curated"]] == STATED
    assert origins[label_of[str(METHOD) + "reference-import"]] == STATED
    assert origins[label_of[str(METHOD) + "translation"]] == ADDED
    assert origins[label_of[str(METHOD) + "modelling"]] == ADDED
    assert computed  # the collaboration metrics of the shared store
    assert [origin for _, origin, _ in rows] == sorted(
        (origin for _, origin, _ in rows), key=[STATED, ADDED, COMPUTED, ""].index
    )
    assert sum(n for _, _, n in rows) == len(secon_store)


def test_cli_stats_prints_triples_by_method(data_dir: Path) -> None:
    result = CliRunner().invoke(cli, ["stats", "--data", str(data_dir)], catch_exceptions=False)
    assert result.exit_code == 0
    table = result.stdout.split("Triples by method\n", 1)[1].split("\n\n", 1)[0]
    lines = table.splitlines()
    assert lines[0].split() == ["method", "origin", "triples"]
    expected = _expected_methods(data_dir)
    modelling = next(line for line in lines if line.startswith("modelling by the project"))
    assert modelling.split("  ")[-1].strip() == f"{expected[str(METHOD) + 'modelling']:,}"
    assert "added by the project" in modelling
    curated = next(line for line in lines if line.startswith("curated"))
    assert "stated by the source" in curated
