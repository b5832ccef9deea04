"""``pip install secongraph`` is a working tool: the built wheel, installed into a fresh virtual
environment, starts a project, builds, queries and maps SECON from a folder outside the checkout.

The wheel is built from this checkout as pip builds it (isolated, by the build backend of
pyproject.toml) and installed with its dependencies, resolved by pip from the wheel's metadata.
The dependencies are kept in a wheelhouse in pytest's cache, so a later run installs offline; it
is filled again from the package index whenever the wheel needs what it lacks.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import rdflib
from packaging.requirements import Requirement
from test_init import project_data, tree
from test_maps import payload

from secongraph.maps import MAP_KINDS
from secongraph.scaffold import DATA_FOLDER
from secongraph.store import data_files, graph_name

ROOT = Path(__file__).resolve().parents[1]
SG = rdflib.Namespace("https://w3id.org/secongraph/ontology#")
LEAD_PARTNER = rdflib.URIRef("https://w3id.org/secongraph/vocab/partner-role/lead-partner")
TIMEOUT = 600  # seconds, a bound on each step: a hung install fails instead of blocking the suite


def _pip(*args: str | Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "pip", "--disable-pip-version-check", *map(str, args)]
    return subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT)


def _checked(result: subprocess.CompletedProcess[str]) -> subprocess.CompletedProcess[str]:
    assert result.returncode == 0, f"{' '.join(result.args)}\n{result.stdout}\n{result.stderr}"
    return result


@pytest.fixture(scope="module")
def venv(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtual environment with the wheel of this checkout installed, nothing else."""
    dist = tmp_path_factory.mktemp("dist")
    _checked(_pip("wheel", ROOT, "--no-deps", "--wheel-dir", dist))
    (wheel,) = dist.glob("secongraph-*.whl")
    env = tmp_path_factory.mktemp("venv") / "env"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", env], check=True)
    cache = getattr(request.config, "cache", None)  # absent under -p no:cacheprovider
    wheelhouse = cache.mkdir("wheelhouse") if cache else tmp_path_factory.mktemp("wheelhouse")
    offline = ("--python", env / "bin" / "python", "install", "--no-compile", "--no-index",
               "--find-links", wheelhouse, wheel)  # fmt: skip
    if _pip(*offline).returncode != 0:  # first run, or the wheel needs what the wheelhouse lacks
        _checked(_pip("wheel", "--prefer-binary", "--wheel-dir", wheelhouse, wheel))
        for built in wheelhouse.glob("secongraph-*.whl"):
            built.unlink()
        _checked(_pip(*offline))
    return env


def installed(
    venv: Path, program: str, *args: str, cwd: Path, check: bool = True
) -> subprocess.CompletedProcess[str]:
    """Run ``program`` of the venv in ``cwd``, with nothing of the checkout on its path."""
    hidden = ("PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "VIRTUAL_ENV")
    env = {k: v for k, v in os.environ.items() if k not in hidden}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    result = subprocess.run(
        [venv / "bin" / program, *args], cwd=cwd, env=env, capture_output=True, text=True,
        timeout=TIMEOUT,
    )  # fmt: skip
    return _checked(result) if check else result


def secongraph(venv: Path, *args: str, cwd: Path, check: bool = True) -> subprocess.CompletedProcess[str]:  # fmt: skip
    """Run the installed ``secongraph`` in ``cwd``."""
    return installed(venv, "secongraph", *args, cwd=cwd, check=check)


@pytest.fixture(scope="module")
def project(venv: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``secongraph init my-project`` then ``secongraph build`` in it, from outside the checkout."""
    work = tmp_path_factory.mktemp("work")
    secongraph(venv, "init", "my-project", cwd=work)
    folder = work / "my-project"
    secongraph(venv, "build", cwd=folder)
    return folder


def test_the_installed_package_is_the_wheel_not_the_checkout(venv: Path, tmp_path: Path) -> None:
    code = (
        "import secongraph\nfrom secongraph.paths import package_folder, nuts_outlines_folder\n"
        "print(secongraph.__file__, package_folder('data'), package_folder('ontology'),"
        " package_folder('queries'), nuts_outlines_folder(), sep='\\n')"
    )
    result = installed(venv, "python", "-c", code, cwd=tmp_path)
    site = (venv / "lib").resolve()
    for path in map(Path, result.stdout.splitlines()):
        assert path.resolve().is_relative_to(site), path
        assert not path.resolve().is_relative_to(ROOT), path


def test_init_writes_the_data_folder_of_the_checkout(project: Path, data_dir: Path) -> None:
    """The wheel ships the checkout's data folder, less the raw reference lists."""
    expected = project_data(data_dir)
    assert tree(project / DATA_FOLDER) == expected
    assert {"sources/catalogue.ttl", "templates/README.md"} <= expected.keys()


@pytest.mark.filterwarnings("ignore:.* is deprecated:DeprecationWarning")  # rdflib's TriG parser
def test_build_writes_a_named_graph_per_data_file(project: Path) -> None:
    dataset = rdflib.Dataset()
    dataset.parse(project / "out" / "secon.trig", format="trig")
    named = {str(graph.identifier) for graph in dataset.graphs()}
    assert {graph_name(path) for path in data_files(project / DATA_FOLDER)} <= named
    assert (project / "out" / "store").is_dir()


def test_lead_partner_is_the_one_the_data_names(venv: Path, project: Path) -> None:
    data = rdflib.Graph()
    for path in (project / DATA_FOLDER).glob("*.ttl"):
        data.parse(path, format="turtle")
    leads = {
        (str(member), str(label))
        for partnership in data.subjects(SG.role, LEAD_PARTNER)
        for member in data.objects(partnership, SG.member)
        for label in data.objects(member, rdflib.RDFS.label)
        if isinstance(label, rdflib.Literal) and label.language == "en"
    }
    assert len(leads) == 1
    result = secongraph(venv, "query", "run", "lead-partner", "--format", "json", cwd=project)
    rows = json.loads(result.stdout)["results"]["bindings"]
    assert rows and {(r["partner"]["value"], r["partner_label"]["value"]) for r in rows} == leads


def test_maps_draw_the_network(venv: Path, project: Path) -> None:
    secongraph(venv, "maps", cwd=project)
    for kind in MAP_KINDS:
        page = project / "out" / f"map-{kind}.html"
        assert page.is_file(), kind
        assert payload(page.read_text(encoding="utf-8"))["nodes"]["id"], kind


def test_docs_without_pylode_says_which_extra_to_install(venv: Path, project: Path) -> None:
    result = secongraph(venv, "docs", "-o", "ontology.html", cwd=project, check=False)
    assert result.returncode != 0 and not (project / "ontology.html").exists()
    assert len(result.stderr.strip().splitlines()) == 1
    assert "secongraph[docs]" in result.stderr


def test_the_docs_extra_installs_pylode(venv: Path, tmp_path: Path) -> None:
    """``pip install "secongraph[docs]"`` reads the wheel's extras: ``docs`` brings pyLODE."""
    code = "from importlib.metadata import requires\nprint(*requires('secongraph'), sep='\\n')"
    result = installed(venv, "python", "-c", code, cwd=tmp_path)
    wanted = [Requirement(line) for line in result.stdout.splitlines()]
    docs = [
        r.name for r in wanted
        if r.marker and r.marker.evaluate({"extra": "docs"}) and not r.marker.evaluate({"extra": ""})
    ]  # fmt: skip
    assert docs == ["pylode"]
    assert "pylode" not in {r.name for r in wanted if not r.marker}
