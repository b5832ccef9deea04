"""grlc serves the question library unchanged: every question, with its defaults and with each
parameter given, answers through grlc the rows ``secongraph query run`` answers.

grlc (``make grlc``: its own venv, ``.venv-grlc``) runs as a real server over ``queries/`` against
the real oxigraph server loaded with ``secongraph push``; grlc writes parameter values into the
query text, ``query run`` binds them as a ``VALUES`` block. Expected parameter values come from the
graph (enumerated values, instances of the default's class, values of the default's property,
values of the question's own answer), never from a list written here.
"""

from __future__ import annotations

import io
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
import rdflib
from click.testing import CliRunner
from conftest import _free_port, running
from questions import PARAMETERS, QUERIES, candidates
from rdflib.query import Result
from rdflib.term import Identifier

from secongraph.cli import cli
from secongraph.endpoint import push
from secongraph.paths import package_folder
from secongraph.queries import NamedQuery, run_query
from secongraph.store import Store

pytestmark = pytest.mark.server

ROOT = Path(__file__).resolve().parents[1]
GUNICORN = ROOT / ".venv-grlc" / "bin" / "gunicorn"
Row = tuple[Identifier | None, ...]


@pytest.fixture(scope="module")
def grlc(oxigraph_server: str, secon_store: Store, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:  # fmt: skip
    """grlc serving the query folder against the oxigraph server loaded with the SECON graph;
    yields the base URL of its local API (``…/api-local``)."""
    if not GUNICORN.exists():
        pytest.fail("grlc is not installed: run make install-test (it creates .venv-grlc)")
    push(secon_store, f"{oxigraph_server}/store", timeout=30)
    folder = tmp_path_factory.mktemp("grlc")  # grlc reads config.ini in its working folder
    (folder / "config.ini").write_text(
        f"[defaults]\nsparql_endpoint = {oxigraph_server}/query\n"
        f"[local]\nlocal_sparql_dir = {package_folder('queries')}\n",
        encoding="utf-8",
    )
    url = f"http://127.0.0.1:{_free_port()}"
    command = [str(GUNICORN), "--chdir", str(folder), "--bind", url.removeprefix("http://"),
               "--workers", "1", "--no-control-socket", "grlc.server:app"]  # fmt: skip
    with running(command, f"{url}/", "grlc"):
        yield f"{url}/api-local"


@pytest.fixture(scope="module")
def built(built_secon: Path, data_dir: Path) -> list[str]:
    """The ``query run`` options that read the store ``secongraph build`` wrote."""
    return ["--store", str(built_secon), "--data", str(data_dir)]


def via_grlc(api: str, name: str, params: dict[str, str]) -> Result:
    """The answer of grlc's API operation ``name`` with ``params``, as SPARQL JSON results."""
    query = f"?{urllib.parse.urlencode(params)}" if params else ""
    request = urllib.request.Request(f"{api}/{name}{query}", headers={"Accept": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return Result.parse(io.BytesIO(response.read()), format="json")


def via_query_run(built: list[str], name: str, params: dict[str, str]) -> Result:
    """The answer of ``secongraph query run NAME -p …`` as SPARQL JSON results."""
    options = [item for key, value in params.items() for item in ("-p", f"{key}={value}")]
    result = CliRunner().invoke(cli, ["query", "run", name, *options, *built, "--format", "json"])
    assert result.exit_code == 0, result.output
    return Result.parse(io.BytesIO(result.stdout_bytes), format="json")


def rows(result: Result, named: NamedQuery) -> set[Row]:
    """The rows without the label columns ``query run`` fills in the preferred language."""
    assert [str(v) for v in result.vars or []] == list(named.variables)
    labels = {f"{v}_label" for v in named.variables}
    kept = [rdflib.Variable(v) for v in named.variables if v not in labels]
    return {tuple(row.get(v) for v in kept) for row in result.bindings}


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_every_question_with_its_defaults_answers_the_same_through_grlc(
    grlc: str, built: list[str], name: str
) -> None:
    named = QUERIES[name]
    expected = rows(via_query_run(built, name, {}), named)
    # a data quality question finds nothing on the curated data; every other one finds rows
    assert expected or "data quality" in named.tags, f"{name} answers nothing with its defaults"
    assert rows(via_grlc(grlc, name, {}), named) == expected


@pytest.mark.parametrize(("name", "parameter"), PARAMETERS)
def test_each_parameter_given_answers_the_same_through_grlc(
    grlc: str, built: list[str], secon_store: Store, secon_graph: rdflib.Graph, name: str,
    parameter: str,
) -> None:  # fmt: skip
    """The first values tried each give the same rows through grlc; some give rows."""
    named = QUERIES[name]
    given = next(p for p in named.parameters if p.name == parameter)
    answered = 0
    for value in candidates(given, secon_graph, run_query(secon_store, named))[:12]:
        expected = rows(via_query_run(built, name, {parameter: value}), named)
        assert rows(via_grlc(grlc, name, {parameter: value}), named) == expected, value
        answered += bool(expected)
    assert answered, f"no value of {parameter} gives {name} an answer"


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_a_default_is_the_same_in_the_decorator_and_in_the_query(
    secon_store: Store, name: str
) -> None:
    """A parameter with a ``#+ defaults`` value is optional, as grlc needs: the query falls back to
    the same value itself when it is not bound (``COALESCE``), as it is through grlc."""
    named = QUERIES[name]
    assert all(p.variable.startswith("__") for p in named.parameters if p.default is not None)
    bound = secon_store.select(named.sparql, bindings=named.bind({}))
    assert secon_store.select(named.sparql).rows == bound.rows


@pytest.mark.parametrize(("name", "parameter"), PARAMETERS)
def test_each_parameter_given_answers_the_same_on_both_embedded_engines(
    secon_store: Store, secon_rdflib_store: Store, secon_graph: rdflib.Graph, name: str,
    parameter: str,
) -> None:  # fmt: skip
    """The portable forms (``COALESCE`` of a parameter) read alike in oxigraph and rdflib."""
    named = QUERIES[name]
    given = next(p for p in named.parameters if p.name == parameter)
    for value in candidates(given, secon_graph, run_query(secon_store, named))[:12]:
        oxigraph = run_query(secon_store, named, {parameter: value})
        assert run_query(secon_rdflib_store, named, {parameter: value}).rows == oxigraph.rows, value
