"""``secongraph query list|show|run``: output formats, languages, engines and exit codes."""

from __future__ import annotations

import csv
import inspect
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from secongraph.cli import cli
from secongraph.network.metrics import compute_metrics
from secongraph.queries import load_queries

LEAD = "https://w3id.org/secongraph/id/organisation/region-of-peloponnese"
SG = "https://w3id.org/secongraph/ontology#"


def invoke(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def run(data_dir: Path, *args: str) -> Result:
    """``query run`` on ``data_dir`` loaded in memory, whatever store the working folder holds."""
    no_store = data_dir / "no-store-here"
    return invoke("query", "run", "--data", str(data_dir), "--store", str(no_store), *args)


def test_list_shows_every_question_with_parameters_defaults_and_allowed_values() -> None:
    result = invoke("query", "list")
    assert result.exit_code == 0
    for name, named in load_queries().items():
        assert f"{name}: {named.summary}" in result.output
    assert "-p from (xsd:date, default 2023-01-01)" in result.output
    assert "-p country (literal, optional; one of: BE, BG, DE, ES, GR, LV, PL, PT, RO)" in (
        result.output
    )


def test_show_prints_the_query_with_its_decorators() -> None:
    result = invoke("query", "show", "lead-partner")
    assert result.exit_code == 0
    assert "lead-partner.rq" in result.output.splitlines()[0]
    assert "#+ summary: The lead partner of a project" in result.output
    assert "SELECT DISTINCT ?partner" in result.output


def test_run_prints_a_table(data_dir: Path) -> None:
    result = run(data_dir, "lead-partner")
    assert result.exit_code == 0
    header, _, row = result.stdout.splitlines()
    assert header.split() == ["partner", "partner_label", "country_code", "source"]
    assert "Region of Peloponnese" in row


def test_run_json_follows_the_w3c_results_format(data_dir: Path) -> None:
    result = run(data_dir, "partners-by-country", "-p", "country=GR", "--format", "json")
    document = json.loads(result.stdout)
    assert document["head"]["vars"] == [
        "country_code", "country", "country_label", "partner", "partner_label", "role", "role_label"
    ]  # fmt: skip
    [binding] = document["results"]["bindings"]
    assert binding["partner"] == {"type": "uri", "value": LEAD}
    assert binding["partner_label"] == {
        "type": "literal", "value": "Region of Peloponnese", "xml:lang": "en"
    }  # fmt: skip
    assert binding["country_code"] == {"type": "literal", "value": "GR"}


def test_run_json_keeps_datatypes(data_dir: Path) -> None:
    result = run(data_dir, "timeline", "--format", "json")
    first = json.loads(result.stdout)["results"]["bindings"][0]
    assert first["start"]["datatype"] == "http://www.w3.org/2001/XMLSchema#date"
    assert first["participants"]["datatype"] == "http://www.w3.org/2001/XMLSchema#integer"


def test_run_csv_follows_the_w3c_results_format(data_dir: Path) -> None:
    result = run(data_dir, "lead-partner", "--format", "csv")
    assert result.stdout_bytes.startswith(b"partner,partner_label,country_code,source\r\n")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert rows[0]["partner"] == LEAD
    assert rows[0]["partner_label"] == "Region of Peloponnese"


def test_run_tsv_writes_terms(data_dir: Path) -> None:
    result = run(data_dir, "lead-partner", "--format", "tsv")
    header, row = result.stdout.splitlines()
    assert header == "?partner\t?partner_label\t?country_code\t?source"
    assert row.split("\t")[:3] == [f"<{LEAD}>", '"Region of Peloponnese"@en', '"GR"']


def test_run_markdown(data_dir: Path) -> None:
    result = run(data_dir, "lead-partner", "--format", "md")
    lines = result.stdout.splitlines()
    assert lines[0] == "| partner | partner_label | country_code | source |"
    assert lines[1] == "|---|---|---|---|"
    assert "| Region of Peloponnese |" in lines[2]


def test_run_labels_in_the_requested_languages(data_dir: Path) -> None:
    result = run(data_dir, "lead-partner", "--lang", "el,de", "--format", "csv")
    assert "Περιφέρεια Πελοποννήσου" in result.stdout  # S8


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_both_engines_print_the_same(data_dir: Path, fmt: str) -> None:
    default = run(data_dir, "met-at-events", "--format", fmt)
    pure_python = run(data_dir, "met-at-events", "--format", fmt, "--engine", "rdflib")
    assert default.stdout == pure_python.stdout


def test_run_an_ad_hoc_query_from_a_file(data_dir: Path, tmp_path: Path) -> None:
    query = tmp_path / "mine.rq"
    query.write_text(
        "#+ defaults:\n#+   - code: BG\n"
        "SELECT DISTINCT ?country WHERE { ?country sg:isoCode ?_code }",
        encoding="utf-8",
    )
    result = run(data_dir, "--file", str(query), "--format", "csv")
    assert result.stdout.splitlines() == ["country", "https://w3id.org/secongraph/id/country/bg"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nope"], 'Error: unknown query "nope"'),
        (["timelin"], "Did you mean timeline?"),
        (["partners-by-country", "-p", "country=FR"], '"FR" is not allowed'),
        (["partners-by-country", "-p", "colour=red"], 'has no parameter "colour"'),
        (["events-in-date-range", "-p", "from=2023-02-30"], '"2023-02-30" is not a date'),
        (["met-at-events", "-p", "organisation=not an iri"], '"not an iri" is not an IRI'),
        (["timeline", "-p", "oops"], "write -p name=value"),
        ([], "give a query name, a file or a query text"),
    ],
)
def test_usage_errors_exit_2_with_one_line(data_dir: Path, args: list[str], message: str) -> None:
    result = run(data_dir, *args)
    assert result.exit_code == 2
    assert result.stdout == ""
    [line] = result.stderr.splitlines()
    assert line.startswith("Error: ") and message in line


def test_a_missing_required_parameter_exits_2(data_dir: Path, tmp_path: Path) -> None:
    (tmp_path / "by-code.rq").write_text(
        "SELECT ?c WHERE { ?c sg:isoCode ?_code }", encoding="utf-8"
    )
    result = run(data_dir, "by-code", "--queries", str(tmp_path))
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        'Error: query "by-code" needs parameter "code" Hint: Pass -p code=VALUE.'
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("DELETE WHERE { ?s ?p ?o }", "SPARQL Update is refused"),
        ("SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }", "SERVICE reads"),
        ("SELECT * WHERE { ?s ?p }", "SPARQL syntax error at line 1"),
    ],
)
def test_refused_or_broken_queries_exit_3(
    data_dir: Path, tmp_path: Path, text: str, message: str
) -> None:
    query = tmp_path / "bad.rq"
    query.write_text(text, encoding="utf-8")
    result = run(data_dir, "--file", str(query))
    assert result.exit_code == 3
    [line] = result.stderr.splitlines()
    assert message in line


def test_a_query_naming_a_term_the_ontology_lacks_is_warned_about(
    data_dir: Path, tmp_path: Path
) -> None:
    query = tmp_path / "codes.rq"
    query.write_text("SELECT ?code WHERE { ?c sg:countryCode ?code }", encoding="utf-8")
    result = run(data_dir, "--file", str(query))
    assert result.exit_code == 0
    assert "Warning: sg:countryCode is not a term of the ontology (nearest: sg:country" in (
        result.stderr
    )
    clean = run(data_dir, "lead-partner")
    assert "Warning" not in clean.stderr


def test_brokers_answers_without_asking_for_the_metrics(data_dir: Path) -> None:
    """build and push add the metrics by default; query run does too (--no-metrics skips)."""
    result = run(data_dir, "brokers", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert rows and all(row["betweenness"] for row in rows)
    assert run(data_dir, "brokers", "--no-metrics").stderr.endswith("0 row(s).\n")


def test_the_metrics_are_computed_only_for_a_question_that_names_them(data_dir: Path) -> None:
    added = "Added the metrics of"
    assert added in run(data_dir, "brokers").stderr
    assert added not in run(data_dir, "lead-partner").stderr
    ask = (
        "SELECT ?o WHERE { GRAPH <https://w3id.org/secongraph/graph/network-metrics> { ?r ?p ?o } }"
    )
    assert added in run(data_dir, "-q", ask).stderr
    assert added not in run(data_dir, "-q", "SELECT ?o WHERE { ?o a sg:Municipality }").stderr
    seed = run(data_dir, "-q", "SELECT ?seed WHERE { ?run sg:randomSeed ?seed }", "--format", "csv")
    default = inspect.signature(compute_metrics).parameters["seed"].default
    assert added in seed.stderr and seed.stdout.splitlines()[1:] == [str(default)], seed.stdout


def test_an_inline_query_from_the_option_or_standard_input(data_dir: Path) -> None:
    text = "SELECT ?code WHERE { ?c a sg:Country ; sg:isoCode ?code } ORDER BY ?code"
    inline = run(data_dir, "-q", text, "--format", "csv")
    piped = CliRunner().invoke(cli, ["query", "run", "--data", str(data_dir), "-q", "-",
                                     "--format", "csv"], input=text)  # fmt: skip
    assert inline.exit_code == piped.exit_code == 0
    assert inline.stdout == piped.stdout
    assert inline.stdout.splitlines()[0] == "code" and "BG" in inline.stdout.splitlines()


def test_ask_prints_the_answer(data_dir: Path) -> None:
    assert run(data_dir, "-q", "ASK { ?o a sg:Municipality }").stdout == "true\n"
    answer = json.loads(run(data_dir, "-q", "ASK { ?o a sg:NoSuchClassAtAll }", "--format",
                            "json").stdout)  # fmt: skip
    assert answer["boolean"] is False


def test_construct_and_describe_print_the_triples(data_dir: Path, secon_graph: object) -> None:
    import rdflib

    text = "CONSTRUCT { ?o sg:country ?c } WHERE { ?o a sg:Municipality ; sg:country ?c }"
    graph = rdflib.Graph()
    for fmt, parse_as in (("nt", "nt"), ("ttl", "turtle"), ("jsonld", "json-ld")):
        result = run(data_dir, "-q", text, "--format", fmt)
        assert result.exit_code == 0, result.stderr
        graph = rdflib.Graph().parse(data=result.stdout, format=parse_as)
        assert len(graph) > 0
    assert isinstance(secon_graph, rdflib.Graph)
    expected = {
        (o, c) for o in secon_graph.subjects(rdflib.RDF.type, rdflib.URIRef(SG + "Municipality"))
        for c in secon_graph.objects(o, rdflib.URIRef(SG + "country"))
    }  # fmt: skip
    assert set(graph.subject_objects()) == expected
    described = run(data_dir, "-q", f"DESCRIBE <{LEAD}>")
    assert "Region of Peloponnese" in described.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-q", "ASK {}", "--endpoint", "http://127.0.0.1:9/query"], "--endpoint runs SELECT"),
        (["-q", "SELECT * { ?s ?p ?o } LIMIT 1", "--format", "ttl"], "does not fit a SELECT"),
        (["-q", "CONSTRUCT WHERE { ?s ?p ?o }", "--format", "csv"], "does not fit a CONSTRUCT"),
        (["timeline", "-q", "ASK {}"], "one of them"),
        (["-q", "INSERT DATA { <x:a> <x:b> <x:c> }"], "Update"),
    ],
)
def test_inline_query_errors(data_dir: Path, args: list[str], message: str) -> None:
    result = run(data_dir, *args)
    assert result.exit_code in (2, 3) and result.stdout == ""
    [line] = result.stderr.splitlines()[-1:]
    assert message in line
