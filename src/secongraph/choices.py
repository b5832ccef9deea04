"""The choices and defaults the command line offers, defined once, in a module that imports
nothing heavy: the CLI reads them to build its options without loading rdflib, pyoxigraph or
SPARQLWrapper, and the modules that act on them import them from here.
"""

from __future__ import annotations

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
