"""``import table`` and ``accept``: partners' spreadsheets become reviewed, sourced data files.

Each test imports a small spreadsheet written in ``tmp_path`` against a copy of the real SECON
data folder, through the library or the real CLI, and reads back what was written.
"""

from __future__ import annotations

import csv
import shutil
import string
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from rdflib import RDF, RDFS, SKOS, Graph, Literal, URIRef

from secongraph.cli import cli
from secongraph.ingest.table import CHUNK_ROWS, TableError, draft_table
from secongraph.ingest.templates import KINDS, TEMPLATES, template_csv
from secongraph.namespaces import ID, SG
from secongraph.sources import load_graph
from secongraph.store import Store, build_store

ROOT = Path(__file__).resolve().parents[1]
HASKOVO = URIRef(ID["organisation/municipality-of-haskovo"])
HEADER = "name,language,english_name,type,country\n"
SOURCE = ["--source-title", "Stakeholder list", "--publisher", "Municipality of Haskovo",
          "--date", "2024-03-01"]  # fmt: skip


@pytest.fixture
def data(tmp_path: Path, data_dir: Path) -> Path:
    """A copy of the SECON data folder that a test may change."""
    return Path(shutil.copytree(data_dir, tmp_path / "data"))


@pytest.fixture(scope="module")
def store(data_dir: Path) -> Store:
    return build_store(data_dir)


def write(folder: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = folder / name
    path.write_bytes(text.encode(encoding))
    return path


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def import_table(path: Path, data: Path, kind: str = "organisations", *extra: str) -> Result:
    return run("import", "table", path, "--kind", kind, *SOURCE, "--data", data,
               "--drafts", data.parent / "drafts", *extra)  # fmt: skip


def draft_graph(data: Path, slug: str = "stakeholder-list") -> Graph:
    return load_graph(data.parent / "drafts" / slug / f"{slug}.ttl")


def test_the_templates_are_current_and_import_as_they_are(store: Store, tmp_path: Path) -> None:
    for kind in KINDS:
        template = ROOT / "data" / "templates" / f"{kind}.csv"
        assert template.read_text(encoding="utf-8") == template_csv(kind)
        header = next(csv.reader(template.open(encoding="utf-8")))
        assert header == [column.name for column in TEMPLATES[kind]]
    summary = draft_table(
        ROOT / "data" / "templates" / "organisations.csv", kind="organisations", store=store,
        drafts=tmp_path, title="Template",
    )  # fmt: skip
    assert summary.new == 1


@pytest.mark.parametrize(
    ("encoding", "delimiter", "prefix"),
    [("utf-8", ",", ""), ("utf-8", ";", "\ufeff"), ("cp1252", "\t", ""), ("utf-8", "\t", "\ufeff")],
)
def test_csv_in_any_encoding_and_delimiter(
    data: Path, encoding: str, delimiter: str, prefix: str
) -> None:
    rows = [["name", "language", "english_name", "type", "country"],
            ["Café Solidário", "pt", "Solidarity Café", "social-enterprise", "PT"]]  # fmt: skip
    text = prefix + "\n".join(delimiter.join(row) for row in rows) + "\n"
    result = import_table(write(data.parent, "sheet.csv", text, encoding), data)
    assert result.exit_code == 0, result.output
    graph = draft_graph(data)
    entity = URIRef(ID["organisation/solidarity-cafe"])
    assert (entity, RDFS.label, Literal("Café Solidário", lang="pt")) in graph
    assert (entity, RDF.type, SG.SocialEnterprise) in graph


def test_xlsx_cells_are_text_and_formulas_stay_formulas(data: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["name", "language", "type", "country"])
    sheet.append(['=HYPERLINK("http://example.org","click")', "en", "business", "BG"])
    sheet.append(["+Plus Cooperative", "en", "cooperative", "BG"])
    book.save(data.parent / "sheet.xlsx")
    result = import_table(data.parent / "sheet.xlsx", data)
    assert result.exit_code == 0, result.output
    labels = {str(o) for o in draft_graph(data).objects(None, RDFS.label)}
    assert '=HYPERLINK("http://example.org","click")' in labels
    review = (data.parent / "drafts/stakeholder-list/stakeholder-list.review.csv").read_text()
    cells = [cell for row in csv.reader(review.splitlines()) for cell in row]
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@")]
    assert '\'=HYPERLINK("http://example.org","click")' in cells


def test_a_known_organisation_is_enriched_not_duplicated(data: Path) -> None:
    sheet = write(data.parent, "s.csv", HEADER + "Община Хасково,bg,Municipality of Haskovo,municipality,BG\n"
                  "Obshtina Haskovo,bg,,municipality,BG\n")  # fmt: skip
    result = import_table(sheet, data)
    assert result.exit_code == 1  # the second row is the same organisation again
    assert "s.csv:3: column 'name': the same as row 2" in result.output
    sheet = write(data.parent, "s.csv", HEADER + "Obshtina  Haskovo,bg,,municipality,BG\n")
    result = import_table(sheet, data, "organisations", "--show", "0")
    assert result.exit_code == 0, result.output
    graph = draft_graph(data)
    assert set(graph.subjects(RDF.type, SG.Organisation)) == set()
    assert (HASKOVO, RDF.type, SG.Municipality) in graph
    assert not [s for s in graph.subjects(RDF.type, SG.Municipality) if s != HASKOVO]
    assert (HASKOVO, SKOS.altLabel, Literal("Obshtina  Haskovo", lang="bg")) not in graph
    assert (HASKOVO, SKOS.altLabel, Literal("Obshtina Haskovo", lang="bg")) in graph
    assert "about 0 new and" in result.output


def test_every_bad_row_is_listed_at_once_and_nothing_is_written(data: Path) -> None:
    sheet = write(data.parent, "bad.csv", HEADER
                  + "Good Association,en,,ngo,BG\n"
                  + "Unknown Type Ltd,en,,spaceship,BG\n"
                  + "Nowhere NGO,en,,ngo,Atlantis\n"
                  + "<b>Bold</b> NGO,en,,ngo,BG\n"
                  + "Sdruzhenie Primer,bg,,ngo,BG\n"
                  + "Good Association,en,,ngo,BG\n"
                  + ",en,,ngo,BG\n")  # fmt: skip
    result = import_table(sheet, data)
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.startswith("bad.csv:")]
    assert lines == [
        "bad.csv:3: column 'type': 'spaceship' is not allowed (choose from: business, "
        "cooperative, county-council, cultural-organisation, district-administration, "
        "local-administration, municipality, network, ngo, organisational-unit, public-agency, "
        "public-authority, regional-association, regional-government, research-organisation, "
        "social-cooperative, social-economy-organisation, social-economy-support-centre, "
        "social-enterprise, stakeholder)",
        "bad.csv:4: column 'country': 'Atlantis': not a known country",
        "bad.csv:5: column 'name': contains markup such as <b>; give the plain text",
        "bad.csv:6: column 'english_name': a new organisation needs its English name (the name is in bg)",
        "bad.csv:7: column 'name': the same as row 2",
        "bad.csv:8: column 'name': empty (the template needs it)",
    ]
    assert "nothing was written" in result.output
    assert not (data.parent / "drafts").exists()


def test_skip_invalid_writes_the_good_rows_and_lists_the_rest(data: Path) -> None:
    sheet = write(data.parent, "s.csv", HEADER + "Good Association,en,,ngo,BG\nBad,en,,nope,BG\n")
    result = import_table(sheet, data, "organisations", "--skip-invalid")
    assert result.exit_code == 0, result.output
    assert "Skipped: s.csv:3: column 'type'" in result.output
    assert (URIRef(ID["organisation/good-association"]), RDF.type, SG.NGO) in draft_graph(data)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "s.csv:1: no header row"),
        ("name,colour,type\n", "s.csv:1: column 'colour': unknown column"),
        ("name,language\nX,en\n", "s.csv:1: column 'type': missing (the template needs it)"),
        (HEADER, "s.csv: no rows to import"),
    ],
)
def test_a_sheet_that_does_not_fit_its_template(data: Path, text: str, message: str) -> None:
    result = import_table(write(data.parent, "s.csv", text), data)
    assert result.exit_code in (1, 3)
    assert message in result.output
    assert not (data.parent / "drafts").exists()


def test_shapes_findings_name_row_and_column(data: Path) -> None:
    """The municipality has a country already; the shapes allow one (sg:country maxCount 1)."""
    sheet = write(data.parent, "s.csv", HEADER + "Municipality of Haskovo,en,,municipality,PL\n")
    result = import_table(sheet, data)
    assert result.exit_code == 1
    assert "s.csv:2: column 'country': " in result.output


def test_events_with_dates_places_topics_and_bad_dates(data: Path) -> None:
    header = "title,language,english_title,type,start_date,end_date,place,project,topics,mode\n"
    good = "Работна среща,bg,Working meeting in Haskovo,meeting,13.11.2024,14/11/2024,BG422,SECON,education; legal-framework,in person\n"
    bad = (
        "Bad dates,en,,workshop,2024-02-30,,,,,\nBackwards,en,,workshop,2024-03-02,2024-03-01,,,,\n"
    )
    result = import_table(write(data.parent, "e.csv", header + good + bad), data, "events")
    assert result.exit_code == 1
    assert (
        "e.csv:3: column 'start_date': '2024-02-30' is not a date such as 2023-11-13"
        in result.output
    )
    assert (
        "e.csv:4: column 'end_date': 2024-03-01 is before the start date 2024-03-02"
        in result.output
    )
    result = import_table(write(data.parent, "e.csv", header + good), data, "events")
    assert result.exit_code == 0, result.output
    graph = draft_graph(data)
    event = URIRef(ID["event/2024-11-13-working-meeting-in-haskovo"])
    assert (event, RDF.type, SG.Meeting) in graph
    assert (event, SG.location, URIRef(ID["region/bg422"])) in graph
    assert (event, SG.project, URIRef(ID["project/secon"])) in graph
    assert str(graph.value(event, SG.endDate)) == "2024-11-14"
    assert len(list(graph.objects(event, SG.topic))) == 2


def test_participation_and_membership_link_known_entities_only(data: Path) -> None:
    sheet = write(data.parent, "p.csv", "event,participant,role\n"
                  "Interregional workshop in Haskovo,KMOP,speaker\n"
                  "Interregional workshop in Haskovo,Nobody Known,partner\n")  # fmt: skip
    result = import_table(sheet, data, "participation", "--skip-invalid")
    assert result.exit_code == 0, result.output
    assert (
        "p.csv:3: column 'participant': 'Nobody Known': not a known organisation" in result.output
    )
    graph = draft_graph(data)
    participation = next(iter(graph.subjects(RDF.type, SG.Participation)))
    assert graph.value(participation, SG.participant) == URIRef(ID["organisation/kmop"])
    assert graph.value(participation, SG.source) == URIRef(ID["source/stakeholder-list"])
    sheet = write(data.parent, "m.csv", "stakeholder_group,member\nRGI,KMOP\n")
    result = import_table(sheet, data, "membership")
    assert result.exit_code == 0, result.output
    membership = next(iter(draft_graph(data).subjects(RDF.type, SG.StakeholderGroupMembership)))
    assert str(membership).endswith("/membership/mazovia--kmop")


def test_an_organisation_row_can_make_it_a_member_of_a_group(data: Path) -> None:
    sheet = write(data.parent, "s.csv", "name,language,type,country,stakeholder_group\n"
                  "Good Association,en,ngo,PL,Mazovia Regional Stakeholder Group\n")  # fmt: skip
    assert import_table(sheet, data).exit_code == 0
    result = accept(data)
    assert result.exit_code == 0, result.output
    graph = load_graph(data / "stakeholder-list.ttl")
    entity = URIRef(ID["organisation/good-association"])
    membership = URIRef(ID["membership/mazovia--good-association"])
    assert (membership, SG.member, entity) in graph
    assert {graph.value(e, SG.row) for e in graph.subjects(SG.factSubject, None)} == {
        Literal("2", datatype=URIRef("http://www.w3.org/2001/XMLSchema#positiveInteger"))
    }
    assert len(set(graph.subjects(SG.factSubject, None))) == 2  # one evidence per subject


def test_every_fact_cites_its_row_and_the_source_is_catalogued(data: Path) -> None:
    sheet = write(data.parent, "s.csv", HEADER + "Good Association,en,,ngo,BG\n")
    assert import_table(sheet, data).exit_code == 0
    graph = draft_graph(data)
    entity = URIRef(ID["organisation/good-association"])
    evidence = [e for e in graph.subjects(SG.factSubject, entity)]
    assert len(evidence) == 1
    assert str(graph.value(evidence[0], SG.row)) == "2"
    assert "Good Association" in str(graph.value(evidence[0], SG.quote))
    record = load_graph(data.parent / "drafts/stakeholder-list/stakeholder-list.source.ttl")
    source = URIRef(ID["source/stakeholder-list"])
    assert (source, RDF.type, SG.SourceDocument) in record
    assert record.value(source, URIRef("http://purl.org/dc/terms/publisher")) == HASKOVO


def accept(data: Path, slug: str = "stakeholder-list") -> Result:
    return run("accept", data.parent / "drafts" / slug, "--data", data)


def test_accept_moves_a_draft_into_data_and_the_build_shows_it(data: Path) -> None:
    sheet = write(data.parent, "s.csv", HEADER + "Good Association,en,,ngo,BG\n")
    assert import_table(sheet, data).exit_code == 0
    result = accept(data)
    assert result.exit_code == 0, result.output
    assert (data / "stakeholder-list.ttl").is_file()
    assert (data / "sources" / "stakeholder-list.source.ttl").is_file()
    assert (
        data / "sources" / "imports" / "stakeholder-list.csv"
    ).read_bytes() == sheet.read_bytes()
    store = build_store(data)
    rows = store.select('SELECT ?g WHERE { GRAPH ?g { ?o rdfs:label "Good Association"@en } }').rows
    assert [str(r["g"]) for r in rows] == ["https://w3id.org/secongraph/graph/stakeholder-list"]
    assert run("validate", "--data", data).exit_code == 0


def test_importing_and_accepting_twice_changes_nothing(data: Path) -> None:
    sheet = write(
        data.parent, "s.csv", HEADER + "Good Association,en,,ngo,BG\nКМОП,bg,KMOP,ngo,GR\n"
    )
    assert import_table(sheet, data).exit_code == 0
    first = (data.parent / "drafts/stakeholder-list/stakeholder-list.ttl").read_bytes()
    assert accept(data).exit_code == 0
    before = {p: p.read_bytes() for p in data.rglob("*") if p.is_file()}
    assert import_table(sheet, data).exit_code == 0
    assert (data.parent / "drafts/stakeholder-list/stakeholder-list.ttl").read_bytes() == first
    result = accept(data)
    assert result.exit_code == 0
    assert "nothing changed" in result.output
    assert {p: p.read_bytes() for p in data.rglob("*") if p.is_file()} == before


def test_a_changed_row_replaces_what_it_said_before(data: Path) -> None:
    sheet = write(data.parent, "s.csv", HEADER + "Good Association,en,,ngo,BG\n")
    assert import_table(sheet, data).exit_code == 0
    assert accept(data).exit_code == 0
    write(data.parent, "s.csv", HEADER + "Good Association,en,,social-enterprise,RO\n")
    assert import_table(sheet, data).exit_code == 0
    assert accept(data).exit_code == 0
    graph = load_graph(data / "stakeholder-list.ttl")
    entity = URIRef(ID["organisation/good-association"])
    assert set(graph.objects(entity, RDF.type)) == {SG.SocialEnterprise}
    assert set(graph.objects(entity, SG.country)) == {URIRef(ID["country/ro"])}


def _review(data: Path, decide: Callable[[dict[str, str]], str]) -> None:
    path = data.parent / "drafts/stakeholder-list/stakeholder-list.review.csv"
    rows = list(csv.DictReader(path.open(encoding="utf-8", newline="")))
    for row in rows:
        row["decision"] = decide(row)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def test_rejected_facts_and_entities_stay_out(data: Path) -> None:
    sheet = write(
        data.parent, "s.csv", HEADER + "Good Association,en,,ngo,BG\nSecond NGO,en,,ngo,BG\n"
    )
    assert import_table(sheet, data).exit_code == 0
    _review(data, lambda r: "reject" if (r["label"], r["property"]) in {
        ("Good Association", "sg:country"), ("Second NGO", "rdf:type")} else "")  # fmt: skip
    result = accept(data)
    assert result.exit_code == 0, result.output
    graph = load_graph(data / "stakeholder-list.ttl")
    good, second = (URIRef(ID[f"organisation/{s}"]) for s in ("good-association", "second-ngo"))
    assert (good, RDF.type, SG.NGO) in graph
    assert graph.value(good, SG.country) is None
    assert not list(graph.triples((second, None, None)))
    assert not list(graph.subjects(SG.factSubject, second))


def test_accept_refuses_an_invalid_draft_and_lists_every_problem(data: Path) -> None:
    sheet = write(data.parent, "s.csv", HEADER + "Good Association,en,,ngo,BG\n")
    assert import_table(sheet, data).exit_code == 0
    draft = data.parent / "drafts/stakeholder-list/stakeholder-list.ttl"
    draft.write_text(draft.read_text().replace('"Good Association"@en', '"Good Association"@de'))
    _review(data, lambda r: "maybe" if r["property"] == "sg:country" else "")
    before = sorted(p.name for p in data.rglob("*"))
    result = accept(data)
    assert result.exit_code == 1
    assert "column 'decision': 'maybe' is not understood" in result.output
    _review(data, lambda r: "")
    result = accept(data)
    assert result.exit_code == 1
    assert "o:good-association" in result.output or "good-association" in result.output
    assert "English" in result.output
    assert sorted(p.name for p in data.rglob("*")) == before


def test_accept_never_replaces_a_curated_file(data: Path) -> None:
    sheet = write(data.parent, "s.csv", HEADER + "Good Association,en,,ngo,BG\n")
    result = import_table(sheet, data, "organisations", "--slug", "kmop-project-page")
    assert result.exit_code == 0
    result = accept(data, "kmop-project-page")
    assert result.exit_code == 1
    assert "holds other facts than an earlier draft of this source" in result.output


def test_a_large_sheet_is_read_in_chunks(store: Store, tmp_path: Path) -> None:
    rows = "".join(f"Synthetic association {i},en,,ngo,BG\n" for i in range(4_500))
    sheet = write(tmp_path, "big.csv", HEADER + rows)
    seen: list[tuple[int, int]] = []
    summary = draft_table(sheet, kind="organisations", store=store, drafts=tmp_path / "d",
                          title="Synthetic", progress=lambda done, total: seen.append((done, total)))  # fmt: skip
    assert summary.new == 4_500
    done = [count for count, _ in seen]
    assert done == sorted(done) and done[-1] == 4_500
    assert sorted(set(done)) == list(range(CHUNK_ROWS, 4_501, CHUNK_ROWS))  # after each chunk
    with pytest.raises(TableError) as raised:
        draft_table(write(tmp_path, "dup.csv", HEADER + rows + rows.splitlines(keepends=True)[0]), kind="organisations",
                    store=store, drafts=tmp_path / "e", title="Synthetic")  # fmt: skip
    assert raised.value.problems[0].startswith("dup.csv:4502: column 'name': the same as row 2")


CELL = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(name=CELL, english=CELL)
def test_any_cell_text_never_crashes_and_never_lands_unescaped(
    store: Store, tmp_path_factory: pytest.TempPathFactory, name: str, english: str
) -> None:
    folder = tmp_path_factory.mktemp("fuzz")
    with (folder / "s.csv").open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([["name", "language", "english_name", "type"],
                                      [name, "bg", english, "ngo"]])  # fmt: skip
    try:
        summary = draft_table(folder / "s.csv", kind="organisations", store=store,
                              drafts=folder / "d", title="Fuzz")  # fmt: skip
    except TableError as error:
        assert all(problem.startswith("s.csv:") for problem in error.problems)
        assert all("\n" not in problem for problem in error.problems)
        return
    review = summary.review.read_text(encoding="utf-8")
    for row in csv.reader(review.splitlines()[1:]):
        assert not [cell for cell in row if cell[:1] in ("=", "+", "-", "@", "\t", "\r")]
    graph = load_graph(summary.folder / "fuzz.ttl")
    labels = {str(o) for o in graph.objects(None, RDFS.label)}
    assert " ".join(name.split()) in labels
    assert not set(string.whitespace[1:]) & set("".join(labels))
