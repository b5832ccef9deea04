"""Where the ontology, the query library, the SECON data and the NUTS outlines live: package data
when installed, the checkout otherwise."""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def package_folder(name: str) -> Path:
    """Return the folder ``name`` (``ontology``, ``queries`` or ``data``) shipped with secongraph.

    A wheel carries these folders inside the package (``data`` without ``reference/``, see
    ``pyproject.toml``); an editable install reads them from the project checkout, two levels
    above this file.
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


NUTS_OUTLINES = "nuts2021"
"""The folder of the package that holds the NUTS 2021 outlines (wheel: ``secongraph/nuts2021``)."""


def nuts_outlines_folder() -> Path:
    """Return the folder of the NUTS 2021 outlines that geographic maps draw, shipped with secongraph.

    It holds ``nutsrg_60M_0.json`` … ``nutsrg_60M_3.json`` (eurostat/Nuts2json, 1:60 million)
    and ``SOURCE.md``, their provenance and attribution. A wheel carries them inside the package
    (``pyproject.toml`` copies them from ``data/reference/nuts2021``); an editable install reads
    that folder of the project checkout. Never a folder of the data passed to a command.

    Examples
    --------
    >>> sorted(p.name for p in nuts_outlines_folder().glob("nutsrg_60M_*.json"))
    ['nutsrg_60M_0.json', 'nutsrg_60M_1.json', 'nutsrg_60M_2.json', 'nutsrg_60M_3.json']
    """
    shipped = Path(str(resources.files("secongraph") / NUTS_OUTLINES))
    if shipped.is_dir():
        return shipped
    return Path(__file__).resolve().parents[2] / "data" / "reference" / "nuts2021"
