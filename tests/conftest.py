"""Shared fixtures: the real SECON data and the graph built from it."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import rdflib

from secongraph.network import add_collaboration_metrics
from secongraph.paths import ontology_files
from secongraph.store import Store, build_store, data_files

ROOT = Path(__file__).resolve().parents[1]


def pytest_configure(config: pytest.Config) -> None:
    """One build day for the whole run (the reproducible builds convention that ``build_day``
    reads): graphs computed before and after midnight must record the same day."""
    os.environ.setdefault("SOURCE_DATE_EPOCH", str(int(time.time())))


@pytest.fixture(scope="session")
def data_dir() -> Path:
    """The project's curated data folder."""
    return ROOT / "data"


@pytest.fixture(scope="session")
def secon_store(data_dir: Path) -> Store:
    """The SECON graph as ``secongraph build`` makes it: data/ and the collaboration metrics, in
    the embedded store (shared: do not modify it)."""
    store = build_store(data_dir)
    add_collaboration_metrics(store)
    return store


@pytest.fixture(scope="session")
def secon_rdflib_store(data_dir: Path) -> Store:
    """The same graph with the rdflib engine answering queries (shared: do not modify it)."""
    store = build_store(data_dir, engine="rdflib")
    add_collaboration_metrics(store)
    return store


@pytest.fixture(scope="session")
def secon_graph(data_dir: Path) -> rdflib.Graph:
    """Every triple of data/ and the ontology, parsed by rdflib's own Turtle parser.

    Tests derive expected answers from it by walking triples in Python, independently of the
    SPARQL queries and of the pyoxigraph parser that builds the store.
    """
    graph = rdflib.Graph()
    for path in [*ontology_files(), *data_files(data_dir)]:
        graph.parse(path, format="turtle")
    return graph


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="session")
def oxigraph_server() -> Iterator[str]:
    """A real, in-memory ``oxigraph serve`` on 127.0.0.1 (a free port); yields its base URL.

    Queries go to ``{url}/query``, Graph Store pushes to ``{url}/store``. The server queries
    the union of its named graphs, as the embedded store does. Stopped at the end of the session.
    """
    binary = Path(sys.executable).parent / "oxigraph"
    if not binary.exists():
        found = shutil.which("oxigraph")
        if found is None:
            pytest.fail("the oxigraph server is not installed: run make test (PyPI: oxigraph)")
        binary = Path(found)
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    command = [str(binary), "serve", "--bind", f"127.0.0.1:{port}", "--union-default-graph"]
    with running(command, f"{url}/query?query=ASK%7B%7D", "oxigraph serve"):
        yield url


@contextmanager
def running(command: list[str], probe: str, name: str, *, seconds: float = 30) -> Iterator[None]:
    """Run the server ``command`` until the block ends, from the moment ``probe`` (a URL)
    answers; fail the test, with the server's stderr, if it exits or does not answer first."""
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + seconds
        while True:
            if process.poll() is not None:
                error = process.stderr.read().decode() if process.stderr else ""
                pytest.fail(f"{name} exited with {process.returncode}: {error}")
            try:
                with urllib.request.urlopen(probe, timeout=1):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail(f"{name} did not answer at {probe}")
                time.sleep(0.05)
        yield
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]  # fmt: skip


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """One headless Debian Chromium for the session, driven by Playwright (never its own build).

    A missing Chromium fails the tests rather than skipping them: ``make test`` installs it.
    """
    from playwright import sync_api

    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is not installed: run make browser (make test does)")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def built_secon(tmp_path_factory: pytest.TempPathFactory, data_dir: Path) -> Path:
    """The store ``secongraph build`` writes for data/, in a session folder; yields the folder
    of the store (``…/out/store``)."""
    from secongraph.built import build_on_disk

    out = tmp_path_factory.mktemp("built") / "out"
    build = build_on_disk(data_dir, out)
    del build  # closes the store: the server opens it read-only
    return out / "store"


@contextmanager
def serving(data_dir: Path, store_dir: Path, *, timeout: float = 5) -> Iterator[str]:
    """A real ``secongraph serve`` on 127.0.0.1 (a free port) reading the store ``store_dir``
    built from ``data_dir``, with ``--timeout``; yields its base URL, stops it on exit."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    command = [sys.executable, "-m", "secongraph", "serve", "--data", str(data_dir),
               "--store", str(store_dir), "--port", str(port), "--timeout", str(timeout)]  # fmt: skip
    with running(command, f"{url}/", "secongraph serve"):
        yield url


@pytest.fixture(scope="session")
def served(built_secon: Path, data_dir: Path) -> Iterator[str]:
    """A real ``secongraph serve`` on 127.0.0.1 (a free port), reading the built SECON store;
    yields its base URL. Stopped at the end of the session."""
    with serving(data_dir, built_secon) as url:
        yield url


@pytest.fixture(scope="session")
def site(secon_store: Store, data_dir: Path) -> object:
    """The web application's :class:`~secongraph.web.site.Site` on the shared SECON store."""
    from secongraph.queries import load_queries
    from secongraph.web.site import Site

    return Site(store=secon_store, data_dir=data_dir, queries=load_queries(), timeout=10)


@pytest.fixture(scope="session")
def web(site: object) -> Iterator[object]:
    """An HTTP client of the web application in this process (Starlette's TestClient, over the
    real application and store); for protocol tests against a real server use ``served``."""
    from starlette.testclient import TestClient

    from secongraph.web.app import create_app

    with TestClient(create_app(site), base_url="http://127.0.0.1") as client:  # type: ignore[arg-type]
        yield client


@pytest.fixture(scope="session")
def secon_maps(secon_store: Store, data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:  # fmt: skip
    """Every standard map of the SECON data, written once for the session (by kind)."""
    from secongraph.maps import write_maps
    from secongraph.reference import NUTS_FOLDER

    folder = tmp_path_factory.mktemp("maps")
    paths = write_maps(secon_store, folder, reference_dir=data_dir / NUTS_FOLDER)
    return {path.stem.removeprefix("map-"): path for path in paths}


NGINX_CONF = """\
{user}
worker_processes 1;
pid {dir}/nginx.pid;
error_log {dir}/error.log;
events {{ worker_connections 64; }}
http {{
    access_log off;
    client_body_temp_path {dir}/body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;
    server {{
        listen 127.0.0.1:{port};
        client_max_body_size 0;
        location = /ready {{ return 204; }}
        location / {{
            auth_basic "SPARQL";
            auth_basic_user_file {dir}/users;
            proxy_pass {upstream};
            proxy_set_header Authorization "";
        }}
    }}
}}
"""
"""nginx on 127.0.0.1 in front of an oxigraph server: everything but ``/ready`` asks for basic
authentication, as a store published behind a web server's password does."""


@pytest.fixture(scope="module")
def basic_auth_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """A fresh, in-memory ``oxigraph serve`` behind a real nginx (Debian ``nginx-light``) that
    asks for basic authentication (user ``analyst``, password ``s3cret-basic``); yields the
    nginx base URL and the oxigraph one (no password). Stopped at the end of the module."""
    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(binary).exists():
        pytest.fail("nginx is not installed: run make test (Debian: nginx-light)")
    folder = tmp_path_factory.mktemp("nginx")
    (folder / "users").write_text("analyst:{PLAIN}s3cret-basic\n")
    oxigraph = Path(sys.executable).parent / "oxigraph"
    store_port, port = _free_port(), _free_port()
    upstream = f"http://127.0.0.1:{store_port}"
    conf = folder / "nginx.conf"
    user = "user root;" if os.geteuid() == 0 else ""  # workers must read the folder
    conf.write_text(NGINX_CONF.format(user=user, dir=folder, port=port, upstream=upstream))
    serve = [str(oxigraph), "serve", "--bind", f"127.0.0.1:{store_port}", "--union-default-graph"]
    nginx = [binary, "-p", str(folder), "-c", str(conf), "-g", "daemon off;"]
    url = f"http://127.0.0.1:{port}"
    with (
        running(serve, f"{upstream}/query?query=ASK%7B%7D", "oxigraph serve"),
        running(nginx, f"{url}/ready", "nginx"),
    ):
        yield url, upstream


VIRTUOSO_INI = """\
[Database]
DatabaseFile = {dir}/virtuoso.db
ErrorLogFile = {dir}/virtuoso.log
LockFile = {dir}/virtuoso.lck
TransactionFile = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
TempStorage = TempDatabase
[TempDatabase]
DatabaseFile = {dir}/virtuoso-temp.db
TransactionFile = {dir}/virtuoso-temp.trx
[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
DirsAllowed = .
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = /var/lib/virtuoso-opensource-7/vsp
ServerThreads = 10
[SPARQL]
ResultSetMaxRows = 100000
MaxQueryExecutionTime = 60
"""
"""A Virtuoso database in a folder of its own, on 127.0.0.1 only; a new database's ``dba``
password is ``dba`` (Debian's virtuoso-opensource, /etc/virtuoso-opensource-7/virtuoso.ini)."""


@pytest.fixture(scope="session")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real Virtuoso (Debian ``virtuoso-opensource``, ``virtuoso-t``) with a new database in
    a session folder, on free ports of 127.0.0.1; yields its base URL (queries at
    ``{url}/sparql``, digest-secured Graph Store at ``{url}/sparql-graph-crud-auth``, user
    ``dba``, password ``dba``). Stopped at the end of the session."""
    binary = shutil.which("virtuoso-t")
    if binary is None:
        pytest.fail("Virtuoso is not installed: run make test (Debian: virtuoso-opensource)")
    folder = tmp_path_factory.mktemp("virtuoso")
    port = _free_port()
    ini = folder / "virtuoso.ini"
    ini.write_text(VIRTUOSO_INI.format(dir=folder, sql_port=_free_port(), http_port=port))
    url = f"http://127.0.0.1:{port}"
    command = [binary, "-f", "+configfile", str(ini)]
    with running(command, f"{url}/sparql?query=ASK%7B%7D", "virtuoso-t", seconds=90):
        yield url
