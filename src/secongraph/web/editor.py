"""``/editor``: a SPARQL query editor, its results as a table whose entities link to their pages.

The page is a form that sends the query to ``/editor?query=`` (so every result has a permalink)
and works without script; ``static/editor.js`` turns its text area into a CodeMirror editor with
SPARQL highlighting (Ctrl-Enter runs the query). The query runs as ``/sparql`` runs it (see
:func:`.sparql.run`: the same sandbox, deadline and cap), and the results can be downloaded
from ``/sparql`` as CSV and JSON (Turtle and JSON-LD for a CONSTRUCT or DESCRIBE).
"""

from __future__ import annotations

import urllib.parse
from dataclasses import dataclass

from rdflib import BNode, Literal, URIRef
from rdflib.term import Identifier
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from ..errors import QueryError
from ..namespaces import sparql_prologue
from ..results import XSD_STRING, QueryResult, compact, from_triples
from ..store import Answer
from .pages import entity_path, render
from .site import Site
from .sparql import GRAPH_FORMATS, RESULT_FORMATS, capped, is_graph_query, run, status_of, write

SHOWN_ROWS = 1000
"""The rows the page shows; the downloads hold them all."""
EXAMPLE = """\
# The prefixes above are predeclared: a query needs none of them.
SELECT ?organisation ?name WHERE {
  ?organisation a/rdfs:subClassOf* sg:Organisation ;
                rdfs:label ?name .
}
ORDER BY ?name
LIMIT 20
"""


@dataclass(frozen=True)
class Cell:
    """One value of the table: its text, the site page it links to, its full IRI, a note (the
    language or datatype of a literal)."""

    text: str
    href: str | None = None
    iri: str | None = None
    note: str = ""


@dataclass(frozen=True)
class Table:
    """What the page shows of an answer: its columns, its first rows, how many rows it has."""

    columns: list[str]
    rows: list[list[Cell]]
    total: int


def cell(term: Identifier | None) -> Cell:
    """The table cell of ``term``."""
    if isinstance(term, URIRef):
        return Cell(compact(term), entity_path(str(term)), str(term))
    if isinstance(term, BNode):
        return Cell(f"_:{term}")
    if isinstance(term, Literal):
        note = f"@{term.language}" if term.language else ""
        if term.datatype is not None and str(term.datatype) != XSD_STRING:
            note = compact(term.datatype)
        return Cell(str(term), note=note)
    return Cell("")


def table(answer: Answer) -> Table:
    """The table of ``answer``: its rows, its triples, or the answer of an ASK."""
    if isinstance(answer, bool):
        result = QueryResult(["answer"], [{"answer": Literal(answer)}])
    elif isinstance(answer, QueryResult):
        result = answer
    else:
        result = from_triples(answer)
    rows = [[cell(row[name]) for name in result.variables] for row in result.rows[:SHOWN_ROWS]]
    return Table(result.variables, rows, len(result))


def editor_routes(site: Site) -> list[BaseRoute]:
    """``/editor``: the query editor page, with the answer of ``?query=`` when one is given."""

    async def editor(request: Request) -> Response:
        text = request.query_params.get("query")
        context: dict[str, object] = {
            "query": text or sparql_prologue() + EXAMPLE, "shown": SHOWN_ROWS,
        }  # fmt: skip
        status = 200
        if text:
            try:
                context["table"] = await run_in_threadpool(_table, site, text)
                context["downloads"] = _downloads(text)
            except QueryError as error:
                context["error"] = error.message
                status = status_of(error)
        return render(request, site, "editor.html", context, status=status)

    return [Route("/editor", editor, name="editor")]


def _table(site: Site, text: str) -> Table:
    """The table of the answer to ``text``, refused as ``/sparql`` refuses it when it is larger
    than the site's cap in the endpoint's default format."""
    offers = GRAPH_FORMATS if is_graph_query(text) else RESULT_FORMATS

    def shown(answer: Answer) -> Table:
        capped(write(answer, offers[0]), site.max_bytes)
        return table(answer)

    return run(site, text, shown)


def _downloads(text: str) -> list[tuple[str, str, str]]:
    """(label, ``/sparql`` query string, file name) of each download of the answer."""
    formats = [("Turtle", "ttl"), ("JSON-LD", "jsonld")] if is_graph_query(text) else [
        ("CSV", "csv"), ("JSON", "json")
    ]  # fmt: skip
    return [
        (label, urllib.parse.urlencode({"query": text, "format": name}), f"results.{name}")
        for label, name in formats
    ]
