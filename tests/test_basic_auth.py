"""Basic authentication, against a real nginx that guards an oxigraph server with a password (as a
store published behind a web server is): ``push`` and ``query run --endpoint`` answer its
challenge with credentials from the environment or ``~/.netrc``, never from the command line, and
a wrong password is one line that does not show it."""

from __future__ import annotations

from pathlib import Path

import pytest
from credentials import cli_as, write_netrc

from secongraph.endpoint import Endpoint
from secongraph.queries import run_query
from secongraph.store import Store

pytestmark = pytest.mark.server

USER, PASSWORD = "analyst", "s3cret-basic"


def test_push_loads_a_basic_secured_store_with_credentials_from_the_environment(
    basic_auth_store: tuple[str, str], data_dir: Path, secon_store: Store, tmp_path: Path
) -> None:
    guarded, behind = basic_auth_store
    done = cli_as(
        ["push", "--endpoint", f"{guarded}/store", "--data", str(data_dir)],
        tmp_path, SECONGRAPH_USER=USER, SECONGRAPH_PASSWORD=PASSWORD,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert PASSWORD not in done.stderr + done.stdout
    counts = Endpoint(f"{behind}/query").select(
        "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
    )
    on_server = {str(row["g"]): int(row["n"]) for row in counts.rows}
    expected = {f.graph: f.triples for f in secon_store.files}
    assert {g: on_server.get(g) for g in expected} == expected


def test_a_question_runs_through_the_guard_with_credentials_from_netrc(
    basic_auth_store: tuple[str, str], data_dir: Path, secon_store: Store, tmp_path: Path
) -> None:
    guarded, _ = basic_auth_store
    home = write_netrc(tmp_path / "home", "127.0.0.1", PASSWORD, login=USER).parent
    loaded = cli_as(["push", "--endpoint", f"{guarded}/store", "--data", str(data_dir)], home)
    assert loaded.returncode == 0, loaded.stderr
    done = cli_as(
        ["query", "run", "lead-partner", "--endpoint", f"{guarded}/query", "--format", "csv"], home
    )
    assert done.returncode == 0, done.stderr
    expected = run_query(secon_store, "lead-partner")
    lines = done.stdout.strip().splitlines()
    assert lines[0].split(",") == expected.variables
    assert len(lines) - 1 == len(expected.rows) > 0
    assert str(expected.rows[0]["partner"]) in lines[1]


def test_a_wrong_basic_password_is_one_401_line_without_the_password(
    basic_auth_store: tuple[str, str], data_dir: Path, tmp_path: Path
) -> None:
    guarded, _ = basic_auth_store
    for args in (
        ["push", "--endpoint", f"{guarded}/store", "--data", str(data_dir)],
        ["query", "run", "timeline", "--endpoint", f"{guarded}/query"],
    ):
        done = cli_as(args, tmp_path, SECONGRAPH_USER=USER, SECONGRAPH_PASSWORD="not-the-pw2")
        assert done.returncode == 3, done.stderr
        error = [line for line in done.stderr.splitlines() if "401" in line]
        assert len(error) == 1 and "401 Unauthorized" in error[0] and guarded in error[0]
        assert "not-the-pw2" not in done.stderr
