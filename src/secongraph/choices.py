"""The choices and defaults the command line offers, defined once, in a module that imports
nothing heavy: the CLI reads them to build its options without loading rdflib, pyoxigraph or
SPARQLWrapper, and the modules that act on them import them from here.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

Engine = Literal["oxigraph", "rdflib"]
ENGINES: tuple[Engine, ...] = ("oxigraph", "rdflib")
"""The embedded engines that answer queries (see ``secongraph.store``)."""

RESULT_FORMATS = ("table", "csv", "tsv", "json", "md")
"""How ``query run`` prints its rows (see ``secongraph.results``)."""

QUERY_FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
"""Every read-only query form (what :func:`check_query` lets through with ``forms=QUERY_FORMS``)."""
GRAPH_FORMS = ("CONSTRUCT", "DESCRIBE")
"""The query forms whose answer is triples."""

TRIPLE_FORMATS = ("ttl", "nt", "jsonld")
"""How ``query run`` prints the triples of a CONSTRUCT or DESCRIBE (Turtle by default)."""

EXPORT_EXTENSIONS = ("ttl", "trig", "nt", "nq", "jsonld", "rdf")
"""The export formats by file extension (see ``secongraph.export.ExportFormat``)."""

DEFAULT_TIMEOUT = 30.0
"""Seconds a whole request may take: connecting, sending, and reading the complete answer."""

DEFAULT_MAX_BYTES = 100 * 2**20
"""The largest answer read from an endpoint (100 MiB); a larger one is an error, not a result."""

STORE_FOLDER = "store"
"""Where ``build`` keeps the store on disk, under its output folder (see ``secongraph.built``)."""

Kind = Literal["organisations", "events", "participation", "membership"]
KINDS: tuple[Kind, ...] = ("organisations", "events", "participation", "membership")
"""The kinds of spreadsheet ``import table`` reads (see ``secongraph.ingest.templates``)."""


class Projection(StrEnum):
    """The projections :func:`build_projection` knows, by their CLI names."""

    CO_PARTICIPATION = "co-participation"
    ORGANISATION_EVENT = "organisation-event"
    REGION = "region"
    PARTNERSHIP = "partnership"


class NetworkFormat(StrEnum):
    """File formats of :func:`export_network`: GraphML and GEXF for Gephi, a CSV edge list, and
    CSV tables (a folder) for Gephi's spreadsheet import."""

    GRAPHML = "graphml"
    GEXF = "gexf"
    CSV = "csv"
    CSV_TABLES = "csv-tables"


COLOR_BY = ("type", "country", "community")
"""Node attributes a map can colour by."""

SIZE_BY: dict[str, str] = {
    "degree": "number of ties (degree)",
    "weighted_degree": "shared events and projects (weighted degree)",
    "betweenness": "brokerage between others (betweenness)",
    "eigenvector": "ties to well-connected partners (eigenvector)",
}
"""Metrics a map can size nodes by, with the plain words the page uses for them."""


@dataclass(frozen=True)
class MapKind:
    """A standard map: which projection, how it is coloured, sized and placed, its title."""

    projection: str
    color_by: str
    size_by: str
    geographic: bool
    title: str


MAP_KINDS: dict[str, MapKind] = {
    "co-participation": MapKind(
        "co-participation", "type", "betweenness", False,
        "Who works with whom in SECON: organisations at the same events and projects",
    ),
    "organisation-event": MapKind(
        "organisation-event", "type", "degree", False,
        "Who took part in which SECON event",
    ),
    "region": MapKind(
        "region", "country", "weighted_degree", True,
        "Which SECON countries and regions work together: shared events and projects",
    ),
    "partnership": MapKind(
        "partnership", "country", "degree", False,
        "The partnership: the partners of the project and its lead partner",
    ),
    "geographic": MapKind(
        "co-participation", "type", "betweenness", True,
        "Where SECON's collaborators are: organisations at the same events and projects",
    ),
}  # fmt: skip
"""The maps ``secongraph map KIND`` draws; ``secongraph maps`` writes them all."""
