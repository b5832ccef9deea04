"""secongraph: the SECON stakeholder knowledge graph.

An OWL ontology with SHACL shapes, curated data with provenance, a library of named SPARQL
questions, collaboration networks and maps (``secongraph.network``, ``secongraph.maps``), and
exports. Every command of the ``secongraph`` CLI is a function here.
"""

__version__ = "0.1.0"

from importlib import import_module
from typing import TYPE_CHECKING, Any

from .errors import (
    ExportError,
    ParameterError,
    QueryError,
    SecongraphError,
    ShapesError,
    SourceError,
    StoreError,
)

if TYPE_CHECKING:
    from .endpoint import Endpoint, push
    from .export import ExportFormat, describe_dataset, export
    from .queries import load_queries, run_query
    from .stats import statistics
    from .store import Store, build_store, data_files
    from .validate import validate

_LAZY = {
    "Endpoint": "endpoint", "push": "endpoint", "ExportFormat": "export",
    "describe_dataset": "export", "export": "export", "load_queries": "queries",
    "run_query": "queries", "statistics": "stats", "Store": "store", "build_store": "store",
    "data_files": "store", "validate": "validate",
}  # fmt: skip
"""The public API, imported on first use (PEP 562), so ``import secongraph`` and the CLI's
start-up stay short."""


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'secongraph' has no attribute {name!r}")
    return getattr(import_module(f".{module}", __name__), name)


__all__ = [
    "Endpoint",
    "ExportError",
    "ExportFormat",
    "ParameterError",
    "QueryError",
    "SecongraphError",
    "ShapesError",
    "SourceError",
    "Store",
    "StoreError",
    "__version__",
    "build_store",
    "data_files",
    "describe_dataset",
    "export",
    "load_queries",
    "push",
    "run_query",
    "statistics",
    "validate",
]
