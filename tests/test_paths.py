"""Package data: what a wheel carries is where ``secongraph.paths`` looks for it.

A wheel is laid out here as hatchling lays it out (the package, plus each ``force-include`` of
pyproject.toml at its place), without building one, and a fresh interpreter imports secongraph
from it alone.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def wheel_layout(site: Path) -> dict[str, str]:
    """Copy the package and its force-included files into ``site``; return the mapping."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    included: dict[str, str] = config["tool"]["hatch"]["build"]["targets"]["wheel"]["force-include"]
    ignore = shutil.ignore_patterns("__pycache__")
    shutil.copytree(ROOT / "src" / "secongraph", site / "secongraph", ignore=ignore)
    for source, target in included.items():
        if (ROOT / source).is_dir():
            shutil.copytree(ROOT / source, site / target, ignore=ignore)
        else:
            (site / target).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / source, site / target)
    return included


def test_an_installed_package_finds_its_outlines_ontology_and_queries(tmp_path: Path) -> None:
    site = tmp_path / "site"
    wheel_layout(site)
    code = (
        "import json, secongraph\n"
        "from secongraph.paths import nuts_outlines_folder, package_folder\n"
        "print(json.dumps([secongraph.__file__, str(nuts_outlines_folder()),"
        " str(package_folder('ontology')), str(package_folder('queries'))]))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=True,
        env={**os.environ, "PYTHONPATH": str(site)},
    )  # fmt: skip
    module, outlines, ontology, queries = map(Path, json.loads(result.stdout))
    package = site / "secongraph"
    assert module == package / "__init__.py"
    assert (outlines, ontology, queries) == (
        package / "nuts2021",
        package / "ontology",
        package / "queries",
    )
    assert sorted(p.name for p in outlines.iterdir()) == [
        "SOURCE.md", *(f"nutsrg_60M_{level}.json" for level in range(4))
    ]  # fmt: skip


def test_only_the_outlines_and_their_source_are_shipped() -> None:
    """The maps read the region files (nutsrg); the label points (nutspt) stay in the checkout."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    included = config["tool"]["hatch"]["build"]["targets"]["wheel"]["force-include"]
    shipped = {Path(target).name for target in included.values() if "nuts2021" in target}
    assert shipped == {"SOURCE.md", *(f"nutsrg_60M_{level}.json" for level in range(4))}
    size = sum((ROOT / s).stat().st_size for s, t in included.items() if "nuts2021" in t)
    assert size < 1_000_000
