"""What every page and API of the web application reads: the graph, its questions and limits."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from ..choices import DEFAULT_MAX_BYTES, DEFAULT_TIMEOUT

if TYPE_CHECKING:
    from ..queries import NamedQuery
    from ..store import Store


@dataclass
class Site:
    """The graph a site shows and how it answers.

    Parameters
    ----------
    store
        The graph, usually the store ``build`` wrote, opened read-only.
    data_dir
        The data folder it was built from (shown on the pages).
    queries
        The named questions, by name (default: the library shipped with secongraph).
    timeout
        Seconds any one query may take before it is stopped and answered with an error.
    max_bytes
        The largest answer a query may give; a larger one is an error, never a cut result.
    built
        When the graph was built (shown on the pages); ``None`` when it was loaded in memory.
    """

    store: Store
    data_dir: Path
    queries: dict[str, NamedQuery] = field(default_factory=dict)
    timeout: float = DEFAULT_TIMEOUT
    max_bytes: int = DEFAULT_MAX_BYTES
    built: datetime | None = None
    title: str = "SECON knowledge graph"
