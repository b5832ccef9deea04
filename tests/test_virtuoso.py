"""A real Virtuoso: push the SECON graph through its digest-secured Graph Store, with credentials
from a .netrc file or the environment, then every question gives the rows of the embedded store.

Virtuoso returns doubles to six significant digits, so numbers are compared as numbers; IRIs and
strings exactly.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pytest
import rdflib
from credentials import cli_as, write_netrc
from questions import PARAMETERS, QUERIES, candidates
from rdflib import Literal
from rdflib.term import Identifier

from secongraph.endpoint import Endpoint, push
from secongraph.errors import StoreError
from secongraph.queries import run_query
from secongraph.store import Store

pytestmark = pytest.mark.server

NUMBERS = {rdflib.XSD.double, rdflib.XSD.float, rdflib.XSD.decimal}


@pytest.fixture(scope="module")
def pushed(virtuoso: str, data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Endpoint:
    """The SECON graph pushed by ``secongraph push`` with the dba's credentials in ~/.netrc;
    Virtuoso's query endpoint."""
    home = tmp_path_factory.mktemp("home")
    write_netrc(home, "127.0.0.1", "dba")
    store_url = f"{virtuoso}/sparql-graph-crud-auth"
    done = cli_as(["push", "--endpoint", store_url, "--data", str(data_dir)], home)
    assert done.returncode == 0, done.stderr
    assert f"to {store_url}." in done.stderr
    return Endpoint(f"{virtuoso}/sparql", timeout=60)


def _split(row: Mapping[str, Identifier]) -> tuple[dict[str, Identifier], dict[str, float]]:
    """The terms of ``row`` compared exactly, and its numbers (decimals, floats and doubles)."""
    numbers = {
        name: float(term)
        for name, term in row.items()
        if isinstance(term, Literal) and term.datatype in NUMBERS
    }
    return {name: term for name, term in row.items() if name not in numbers}, numbers


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_every_question_gives_the_same_rows_embedded_and_on_virtuoso(
    pushed: Endpoint, secon_store: Store, name: str
) -> None:
    _assert_same_rows(pushed, secon_store, name)


@pytest.mark.parametrize(("name", "parameter"), PARAMETERS)
def test_each_parameter_given_gives_the_same_rows_on_virtuoso(
    pushed: Endpoint, secon_store: Store, secon_graph: rdflib.Graph, name: str, parameter: str
) -> None:
    """The first values tried each give the same rows on Virtuoso; some give rows."""
    named = QUERIES[name]
    given = next(p for p in named.parameters if p.name == parameter)
    answered = 0
    for value in candidates(given, secon_graph, run_query(secon_store, named))[:12]:
        answered += _assert_same_rows(pushed, secon_store, name, {parameter: value})
    assert answered, f"no value of {parameter} gives {name} an answer"


def _assert_same_rows(
    remote: Endpoint, store: Store, name: str, params: Mapping[str, str] | None = None
) -> int:
    """Assert that ``name`` gives the same rows on ``remote`` as on ``store``; return how many."""
    embedded = run_query(store, name, params, lang=["de", "en"])
    answered = run_query(remote, name, params, lang=["de", "en"])
    assert answered.variables == embedded.variables
    assert len(answered.rows) == len(embedded.rows), params
    for got, expected in zip(answered.rows, embedded.rows, strict=True):
        (terms, numbers), (expected_terms, expected_numbers) = _split(got), _split(expected)
        assert terms == expected_terms, params
        assert numbers == pytest.approx(expected_numbers, rel=1e-5)
    return len(embedded.rows)


def test_each_named_graph_is_on_virtuoso_whole(pushed: Endpoint, secon_store: Store) -> None:
    counts = pushed.select("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
    on_server = {str(r["g"]): int(r["n"]) for r in counts.rows}
    expected = {f.graph: len({q.triple for q in secon_store.quads(graphs=[f.graph])}) for f in secon_store.files}  # fmt: skip
    assert {g: on_server.get(g) for g in expected} == expected


def test_credentials_from_the_environment_push_a_graph(
    pushed: Endpoint, virtuoso: str, secon_store: Store, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:  # fmt: skip
    monkeypatch.setenv("HOME", str(tmp_path))  # no .netrc
    monkeypatch.delenv("NETRC", raising=False)
    monkeypatch.setenv("SECONGRAPH_USER", "dba")
    monkeypatch.setenv("SECONGRAPH_PASSWORD", "dba")
    pushed_graphs = push(secon_store, f"{virtuoso}/sparql-graph-crud-auth", timeout=60)
    assert sorted(g for g, _ in pushed_graphs) == sorted(f.graph for f in secon_store.files)


def test_wrong_credentials_are_one_401_line_without_the_password(
    virtuoso: str, data_dir: Path, tmp_path: Path
) -> None:
    store_url = f"{virtuoso}/sparql-graph-crud-auth"
    args = ["push", "--endpoint", store_url, "--data", str(data_dir)]
    for done in (
        cli_as(args, tmp_path / "env", SECONGRAPH_USER="dba", SECONGRAPH_PASSWORD="not-the-pw1"),
        cli_as(args, write_netrc(tmp_path / "netrc", "127.0.0.1", "not-the-pw1").parent),
    ):
        assert done.returncode == 3, done.stderr
        error = [line for line in done.stderr.splitlines() if "401" in line]
        assert len(error) == 1 and store_url in error[0] and "401 Unauthorized" in error[0]
        assert "not-the-pw1" not in done.stderr


def test_no_credentials_says_where_to_put_them(virtuoso: str, data_dir: Path, tmp_path: Path) -> None:  # fmt: skip
    store_url = f"{virtuoso}/sparql-graph-crud-auth"
    done = cli_as(["push", "--endpoint", store_url, "--data", str(data_dir)], tmp_path)
    assert done.returncode == 3
    assert f"{store_url}: 401 Unauthorized" in done.stderr
    assert ".netrc" in done.stderr and "SECONGRAPH_PASSWORD" in done.stderr


def test_credentials_in_the_url_are_refused_without_echoing_them(data_dir: Path, tmp_path: Path) -> None:  # fmt: skip
    url = "http://dba:s3cret-pw@127.0.0.1:9/sparql-graph-crud-auth"
    done = cli_as(["push", "--endpoint", url, "--data", str(data_dir)], tmp_path)
    assert done.returncode == 3
    assert "s3cret-pw" not in done.stderr and "dba" not in done.stderr
    assert "http://127.0.0.1:9/sparql-graph-crud-auth: credentials in the URL" in done.stderr
    with pytest.raises(StoreError, match=r"~/\.netrc") as refused:
        Endpoint("https://dba:s3cret-pw@example.org/sparql")
    assert "s3cret-pw" not in str(refused.value)


def test_virtuoso_queries_the_union_of_its_graphs(pushed: Endpoint) -> None:
    fresh = Endpoint(pushed.url.replace("127.0.0.1", "localhost"), timeout=60)  # checked afresh
    assert fresh.select("SELECT ?s WHERE { ?s a sg:Workshop } LIMIT 1").rows
