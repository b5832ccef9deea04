"""Every notebook in notebooks/ runs from top to bottom without an error, and shows tables,
charts and maps rather than printed text."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))

SHOWS = {
    "01-the-secon-graph.ipynb": {"table", "chart"},
    "02-asking-questions.ipynb": {"table", "chart"},
    "03-collaboration-maps.ipynb": {"table", "map"},
}
"""What each notebook's outputs must include, besides its tables."""


def shown(output: dict) -> set[str]:
    """What one output shows: an HTML ``table``, a PNG ``chart``, an inline ``map``."""
    data = output.get("data", {})
    html = data.get("text/html", "")
    kinds = {"chart"} if "image/png" in data else set()
    if "<table" in html:
        kinds.add("table")
    if html.startswith("<iframe srcdoc=") and "Content-Security-Policy" in html:
        kinds.add("map")
    return kinds


def test_every_notebook_is_checked() -> None:
    assert sorted(SHOWS) == [path.name for path in NOTEBOOKS]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_runs(path: Path) -> None:
    notebook = nbformat.read(path, as_version=4)
    NotebookClient(
        notebook,
        timeout=300,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    ).execute()
    outputs = [o for cell in notebook.cells for o in cell.get("outputs", [])]
    assert [o for o in outputs if o.get("output_type") == "error"] == []
    assert [o["text"] for o in outputs if o.get("name") == "stdout"] == []
    assert set().union(*map(shown, outputs)) == SHOWS[path.name]
