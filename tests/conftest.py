"""Shared fixtures: the real SECON data and the graph built from it."""

from __future__ import annotations

from pathlib import Path

import pytest

from secongraph.store import Store, build_store

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def data_dir() -> Path:
    """The project's curated data folder."""
    return ROOT / "data"


@pytest.fixture(scope="session")
def secon_store(data_dir: Path) -> Store:
    """The SECON graph built from data/ in the embedded store (shared: do not modify it)."""
    return build_store(data_dir)
