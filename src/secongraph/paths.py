"""Where the ontology and query library live: package data when installed, the checkout otherwise."""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def package_folder(name: str) -> Path:
    """Return the folder ``name`` (``ontology`` or ``queries``) shipped with secongraph.

    A wheel carries both folders inside the package; an editable install reads them from the
    project checkout, two levels above this file.
    """
    shipped = Path(str(resources.files("secongraph") / name))
    if shipped.is_dir():
        return shipped
    return Path(__file__).resolve().parents[2] / name


def ontology_files() -> list[Path]:
    """The ontology, its SKOS vocabularies and nothing else (shapes are loaded separately)."""
    folder = package_folder("ontology")
    return [folder / "secongraph.ttl", *sorted((folder / "vocab").glob("*.ttl"))]


def shapes_file() -> Path:
    """The SHACL shapes that say what valid SECON data is."""
    return package_folder("ontology") / "shapes.ttl"
