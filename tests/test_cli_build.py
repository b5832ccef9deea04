"""The build, validate and stats commands on real files: outputs, exit codes and one-line errors."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Dataset, Graph

from secongraph.cli import cli
from secongraph.store import data_files

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def data_copy(tmp_path: Path, data_dir: Path) -> Path:
    """A private copy of data/ that a test may break."""
    return Path(shutil.copytree(data_dir, tmp_path / "data"))


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_build_writes_turtle_and_trig_with_every_source_graph(
    tmp_path: Path, data_dir: Path
) -> None:
    code, stdout, stderr = run("build", "--data", str(data_dir), "--out", str(tmp_path))
    assert code == 0, stderr
    assert "Instances by class" in stdout
    turtle = Graph().parse(tmp_path / "secon.ttl")
    trig = Dataset()
    trig.parse(tmp_path / "secon.trig", format="trig")
    names = {str(g.identifier) for g in trig.graphs() if len(g)}
    expected = {f"https://w3id.org/secongraph/graph/{p.stem}" for p in data_files(data_dir)}
    assert expected <= names
    assert len(turtle) == len({(s, p, o) for s, p, o, _ in trig.quads()})
    assert not list(tmp_path.glob(".*.tmp"))


def test_build_is_deterministic(tmp_path: Path, data_dir: Path) -> None:
    for name in ("a", "b"):
        assert run("build", "--data", str(data_dir), "--out", str(tmp_path / name))[0] == 0
    for file in ("secon.ttl", "secon.trig"):
        assert (tmp_path / "a" / file).read_bytes() == (tmp_path / "b" / file).read_bytes()


def test_malformed_turtle_names_file_and_line_exits_3_and_writes_nothing(
    tmp_path: Path, data_copy: Path
) -> None:
    broken = data_copy / "broken.ttl"
    broken.write_text(
        '@prefix ex: <https://example.org/> .\n\nex:a ex:b ex:c .\nex:d ex:e "unterminated .\n',
        encoding="utf-8",
    )
    out = tmp_path / "out"
    out.mkdir()
    (out / "secon.ttl").write_text("previous build\n", encoding="utf-8")
    code, _, stderr = run("build", "--data", str(data_copy), "--out", str(out))
    assert code == 3
    lines = [line for line in stderr.splitlines() if line.startswith("Error:")]
    assert len(lines) == 1
    assert lines[0].startswith(f"Error: {broken}:4:")
    assert (out / "secon.ttl").read_text(encoding="utf-8") == "previous build\n"
    assert sorted(p.name for p in out.iterdir()) == ["secon.ttl"]  # no store, no temporary


def test_validate_accepts_the_secon_data(data_dir: Path) -> None:
    code, stdout, stderr = run("validate", "--data", str(data_dir))
    assert code == 0, stdout
    assert stdout == ""
    assert "conform" in stderr


def test_validate_reports_one_line_per_finding_and_exits_1(data_copy: Path) -> None:
    extra = data_copy / "new-batch.ttl"
    extra.write_text(
        "@prefix sg: <https://w3id.org/secongraph/ontology#> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
        "<https://w3id.org/secongraph/id/event/synthetic-undated> a sg:Workshop ;\n"
        '    rdfs:label "Synthetic workshop"@en ;\n'
        '    sg:startDate "13.11.2023" .\n',
        encoding="utf-8",
    )
    code, stdout, _ = run("validate", str(extra), "--data", str(data_copy))
    assert code == 1
    lines = stdout.splitlines()
    assert len(lines) == 2
    assert all(line.startswith(f"{extra}:4: ") for line in lines)
    assert all("(Synthetic workshop)" in line for line in lines)
    assert any("sg:startDate" in line for line in lines)
    assert any("sg:source" in line for line in lines)


def test_unknown_data_folder_is_a_one_line_error(tmp_path: Path) -> None:
    code, _, stderr = run("stats", "--data", str(tmp_path / "missing"))
    assert code == 3
    assert stderr.strip().splitlines() == [
        f"Error: {tmp_path / 'missing'}: no such data folder Hint: Pass --data DIR."
    ]


def test_stats_counts_what_the_data_states(data_dir: Path) -> None:
    code, stdout, _ = run("stats", "--data", str(data_dir))
    assert code == 0
    assert "Organisations by country" in stdout
    # The press release and the kick-off report each list the nine partner regions: one partnership each.
    assert _row(stdout, "partnership") == "9"


def _row(table: str, label: str) -> str:
    for line in table.splitlines():
        cells = line.rsplit(None, 1)
        if len(cells) == 2 and cells[0].strip() == label:
            return cells[1]
    raise AssertionError(f"no row {label!r}")


def test_a_fresh_clone_builds(tmp_path: Path) -> None:
    """The committed tree alone builds the graph: nothing depends on files left outside git."""
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True)
    env = {**os.environ, "PYTHONPATH": str(clone / "src")}
    result = subprocess.run(
        [sys.executable, "-m", "secongraph", "build"],
        cwd=clone, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert (clone / "out" / "secon.ttl").stat().st_size > 0
    assert (clone / "out" / "secon.trig").stat().st_size > 0
