"""``secongraph init DIR``: the SECON data, written into a new or empty folder, whole or not at all.

(The installed wheel runs the same command in tests/test_wheel.py.)
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from secongraph.cli import cli
from secongraph.errors import UsageError
from secongraph.scaffold import DATA_FOLDER, NOT_COPIED, init_project
from secongraph.store import build_store, data_files


def invoke(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args])


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` and its bytes, by relative path."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def project_data(data_dir: Path) -> dict[str, bytes]:
    """What ``init`` writes from the data folder ``data_dir``: all of it but the reference lists."""
    return {n: c for n, c in tree(data_dir).items() if Path(n).parts[0] not in NOT_COPIED}


def test_init_copies_the_data_folder_less_the_reference_lists(tmp_path: Path, data_dir: Path) -> None:  # fmt: skip
    result = invoke("init", tmp_path / "my-project")
    assert result.exit_code == 0, result.output
    assert tree(tmp_path / "my-project" / DATA_FOLDER) == project_data(data_dir)
    assert sorted(p.name for p in (tmp_path / "my-project").iterdir()) == [DATA_FOLDER]
    assert "secongraph build" in result.stderr


def test_the_project_builds_the_same_graphs_as_the_checkout(tmp_path: Path, data_dir: Path) -> None:
    data = init_project(tmp_path / "p")
    assert [p.name for p in data_files(data)] == [p.name for p in data_files(data_dir)]
    assert len(build_store(data)) == len(build_store(data_dir))


def test_an_empty_folder_is_used(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    assert init_project(tmp_path / "empty") == tmp_path / "empty" / DATA_FOLDER
    assert sorted(p.name for p in (tmp_path / "empty").iterdir()) == [DATA_FOLDER]


@pytest.mark.parametrize("existing", ["folder", "file"])
def test_nothing_is_overwritten(tmp_path: Path, existing: str) -> None:
    target = tmp_path / "mine"
    if existing == "folder":
        target.mkdir()
        (target / "notes.txt").write_text("my notes", encoding="utf-8")
    else:
        target.write_text("my notes", encoding="utf-8")
    before = tree(tmp_path)
    result = invoke("init", target)
    assert result.exit_code == 2
    assert len(result.stderr.splitlines()) == 1 and str(target) in result.stderr
    assert tree(tmp_path) == before
    with pytest.raises(UsageError, match="nothing was written"):
        init_project(target)


def test_a_folder_that_cannot_be_made_leaves_nothing(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x", encoding="utf-8")
    result = invoke("init", tmp_path / "file" / "project")
    assert result.exit_code == 3 and len(result.stderr.splitlines()) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file"]
