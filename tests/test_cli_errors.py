"""What the command line promises about bad input: one line, the right exit code, safe cells.

Ctrl-C is a real SIGINT sent to a real ``secongraph`` process.
"""

from __future__ import annotations

import csv
import io
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner, Result

from secongraph.cli import cli
from secongraph.errors import ParameterError, one_line
from secongraph.network import export_network
from secongraph.queries import parse_query

ROOT = Path(__file__).resolve().parents[1]


def invoke(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def error_lines(result: Result) -> list[str]:
    """What a command printed on stderr, its loading progress left out."""
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return [line for line in result.stderr.splitlines() if not line.startswith("Load")]


# --- defect 9: typed parameters take only the XSD lexical forms (ASCII digits) ----------------

TYPED = parse_query(
    "SELECT ?i ?d ?y ?n ?t WHERE { BIND(?_i_xsd_integer AS ?i) BIND(?_d_xsd_decimal AS ?d) "
    "BIND(?_y_xsd_gYear AS ?y) BIND(?_n_xsd_date AS ?n) BIND(?_t_xsd_dateTime AS ?t) }",
    name="typed",
)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("i", "١٢٣"),  # Arabic-Indic digits
        ("i", "１２"),  # full-width digits
        ("i", "१२"),  # Devanagari digits
        ("d", "٣.٥"),
        ("y", "２０２３"),
        ("n", "２０２３-１１-１３"),
        ("n", "2023-11-1٣"),
        ("t", "2023-11-13T0９:30:00"),
    ],
)
def test_typed_parameters_refuse_non_ascii_digits(name: str, value: str) -> None:
    parameter = next(p for p in TYPED.parameters if p.name == name)
    with pytest.raises(ParameterError, match=f'parameter "{name}": "{value}" is not'):
        parameter.term(value)


def test_typed_parameters_accept_the_xsd_forms() -> None:
    terms = TYPED.bind(
        {"i": "-123", "d": "+3.50", "y": "2023", "n": "2023-11-13", "t": "2023-11-13T09:30:00Z"}
    )
    assert [str(t) for t in terms.values()] == [
        "-123", "+3.50", "2023", "2023-11-13", "2023-11-13T09:30:00Z"
    ]  # fmt: skip


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_the_cli_refuses_a_non_ascii_number_with_exit_2(
    tmp_path: Path, data_dir: Path, engine: str
) -> None:
    query = tmp_path / "next.rq"
    query.write_text("SELECT ?next WHERE { BIND(?_i_xsd_integer + 1 AS ?next) }", encoding="utf-8")
    result = invoke(
        "query", "run", "--file", str(query), "-p", "i=١٢٣", "--engine", engine,
        "--data", str(data_dir),
    )  # fmt: skip
    assert result.exit_code == 2  # before, one engine said 124 and the other nothing
    assert error_lines(result) == [
        'Error: parameter "i": "١٢٣" is not a whole number (xsd:integer)'
    ]


# --- defect 11: every error is one line, its control characters escaped ----------------------


def test_an_iri_parameter_with_a_newline_is_one_line(data_dir: Path) -> None:
    result = invoke(
        "query", "run", "event-participants", "-p", "event=https://x.org/a\nError: forged",
        "--data", str(data_dir),
    )  # fmt: skip
    assert result.exit_code == 2
    [line] = error_lines(result)
    assert line.startswith(
        'Error: parameter "event": "https://x.org/a\\nError: forged" is not an IRI'
    )


def test_a_usage_error_is_one_line_with_exit_2() -> None:
    result = invoke("query", "run", "timeline", "--format", "xlsx\r\nforged")
    assert result.exit_code == 2
    [line] = error_lines(result)
    assert line.startswith("Error: Invalid value for '-f' / '--format': 'xlsx\\r\\nforged'")
    assert line.endswith(' query run --help")')  # "secongraph query run --help" in a shell


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a\nb", "a\\nb"),
        ("a\r\nb\tc", "a\\r\\nb\\tc"),
        ("\x1b[2Jclear", "\\x1b[2Jclear"),
        (
            "line\u2028separator\u2029paragraph\x85next",
            "line\\u2028separator\\u2029paragraph\\x85next",
        ),
        ("right\u202eto left", "right\\u202eto left"),
        ("Περιφέρεια Πελοποννήσου", "Περιφέρεια Πελοποννήσου"),
    ],
)
def test_one_line_escapes_what_breaks_or_rewrites_a_line(text: str, expected: str) -> None:
    assert one_line(text) == expected


def test_every_secongraph_error_is_one_line() -> None:
    error = ParameterError('"a\nb" is bad', hint="try\rthis")
    assert str(error) == '"a\\nb" is bad Hint: try\\rthis'


# --- defect 12: Ctrl-C prints one line and exits 130 --------------------------------------------


def test_ctrl_c_prints_one_line_and_exits_130(tmp_path: Path, data_dir: Path) -> None:
    query = tmp_path / "slow.rq"
    query.write_text(
        "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    out.mkdir()
    (out / "secon.ttl").write_text("previous output\n", encoding="utf-8")
    process = subprocess.Popen(
        [sys.executable, "-m", "secongraph", "query", "run", "--file", str(query),
         "--data", str(data_dir), "--timeout", "600"],
        cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert process.stderr is not None
    for line in process.stderr:  # wait until the query runs: after loading (no metrics: the
        if line.startswith("Loaded "):  # query does not name them)
            break
    time.sleep(1)
    os.kill(process.pid, signal.SIGINT)
    try:
        _, stderr = process.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        process.kill()
        raise
    assert process.returncode == 130
    assert stderr.splitlines() == ["Error: interrupted; no output was half-written"]
    assert (out / "secon.ttl").read_text(encoding="utf-8") == "previous output\n"
    assert sorted(p.name for p in out.iterdir()) == ["secon.ttl"]


# --- defect 8: spreadsheet formulas are neutralised in CSV and TSV -----------------------------

FORMULAS = ['=HYPERLINK("http://evil")', "+1+1", "-2+3+cmd|' /C calc'!A0", "@SUM(A1)"]


@pytest.fixture(scope="module")
def formula_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("formulas")
    lines = ["@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> ."]
    lines += [
        f'<https://example.org/{i}> rdfs:label "{label.replace(chr(34), chr(92) + chr(34))}" ; '
        f"<https://example.org/n> -{i} ."
        for i, label in enumerate(FORMULAS, start=1)
    ]
    (folder / "formulas.ttl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


LABELS = (
    "SELECT ?s ?label ?n WHERE { ?s rdfs:label ?label ; <https://example.org/n> ?n } ORDER BY ?s"
)


def test_query_run_csv_neutralises_formulas_and_keeps_numbers(
    formula_data: Path, tmp_path: Path
) -> None:
    query = tmp_path / "labels.rq"
    query.write_text(LABELS, encoding="utf-8")
    result = invoke(
        "query", "run", "--file", str(query), "--format", "csv", "--data", str(formula_data)
    )
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["label"] for r in rows] == [f"'{label}" for label in FORMULAS]
    assert [r["n"] for r in rows] == ["-1", "-2", "-3", "-4"]  # numbers stay numbers


def test_query_run_tsv_neutralises_formulas_inside_the_terms(
    formula_data: Path, tmp_path: Path
) -> None:
    query = tmp_path / "labels.rq"
    query.write_text(LABELS, encoding="utf-8")
    result = invoke(
        "query", "run", "--file", str(query), "--format", "tsv", "--data", str(formula_data)
    )
    assert result.exit_code == 0, result.output
    cells = [line.split("\t") for line in result.stdout.splitlines()[1:]]
    assert cells[0][1] == '"\'=HYPERLINK(\\"http://evil\\")"'
    assert all(c[1].startswith("\"'") for c in cells)
    assert cells[0][2] == '"-1"^^<http://www.w3.org/2001/XMLSchema#integer>'


def test_json_keeps_every_value_exactly(formula_data: Path, tmp_path: Path) -> None:
    query = tmp_path / "labels.rq"
    query.write_text(LABELS, encoding="utf-8")
    result = invoke(
        "query", "run", "--file", str(query), "--format", "json", "--data", str(formula_data)
    )
    assert '"value": "=HYPERLINK(\\"http://evil\\")"' in result.stdout


def test_network_csv_neutralises_labels_and_keeps_weights(tmp_path: Path) -> None:
    graph = nx.Graph()
    graph.add_node("https://example.org/a", label="=1+1")
    graph.add_node("@b", label="-cmd")
    graph.add_edge("https://example.org/a", "@b", weight=2, events=["+e1", "e2"])
    path = export_network(graph, tmp_path / "ties.csv", fmt="csv")
    [row] = list(csv.DictReader(path.open(encoding="utf-8", newline="")))
    assert row == {
        "source": "https://example.org/a", "target": "'@b", "source_label": "'=1+1",
        "target_label": "'-cmd", "weight": "2", "events": "'+e1 | e2",
    }  # fmt: skip


def test_readme_says_how_csv_cells_are_neutralised() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "apostrophe" in readme


def test_a_validation_finding_with_a_newline_in_its_label_is_one_line(
    tmp_path: Path, data_dir: Path
) -> None:
    extra = tmp_path / "new-batch.ttl"
    extra.write_text(
        "@prefix sg: <https://w3id.org/secongraph/ontology#> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        "<https://w3id.org/secongraph/id/event/synthetic> a sg:Workshop ;\n"
        '    rdfs:label "Synthetic\\nnew-batch.ttl:1: forged finding"@en ;\n'
        '    sg:startDate "2023-11-13"^^<http://www.w3.org/2001/XMLSchema#date> .\n',
        encoding="utf-8",
    )
    result = invoke("validate", str(extra), "--data", str(data_dir))
    assert result.exit_code == 1
    [line] = result.stdout.splitlines()
    assert line.startswith(f"{extra}:3: ")
    assert "(Synthetic\\nnew-batch.ttl:1: forged finding)" in line
