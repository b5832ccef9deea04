"""secongraph: the SECON stakeholder knowledge graph.

An OWL ontology with SHACL shapes, curated data with provenance, a library of named SPARQL
questions, collaboration networks and maps (``secongraph.network``, ``secongraph.maps``), and
exports. Every command of the ``secongraph`` CLI is a function here.
"""

__version__ = "0.1.0"

from .endpoint import Endpoint, push
from .errors import (
    ExportError,
    ParameterError,
    QueryError,
    SecongraphError,
    ShapesError,
    SourceError,
    StoreError,
)
from .export import ExportFormat, describe_dataset, export
from .queries import load_queries, run_query
from .stats import statistics
from .store import Store, build_store, data_files
from .validate import validate

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
