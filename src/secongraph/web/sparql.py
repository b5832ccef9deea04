"""``/sparql``: the SPARQL 1.1 Protocol on the graph, read-only, in the sandbox of ``query run``.

A query comes by GET (``?query=``) or POST (a form with ``query=``, or an
``application/sparql-query`` body). It runs as :meth:`Store.query` runs it: on the union of the
named graphs, the secongraph prefixes predeclared, with no update, ``SERVICE``, ``LOAD``,
``FROM`` or ``FROM NAMED`` (nor the protocol's ``default-graph-uri`` and ``named-graph-uri``).
It runs in a worker process that is killed at the site's deadline, in a thread so that other
clients are answered meanwhile, and its answer is written there and refused whole when it is
larger than the site's cap: a query cut short is an error, never a part of its answer. The worker
runs at a lower CPU priority than the server (:data:`NICENESS`), so that a costly query takes
only the CPU the pages' own queries leave (``benchmarks/README.md`` has the measurements).

The answer's format follows the ``Accept`` header, or ``format=``: SELECT and ASK in SPARQL JSON,
XML, CSV or TSV; CONSTRUCT and DESCRIBE in Turtle, N-Triples, JSON-LD or RDF/XML. Errors are one
line of plain text: 400 for a malformed or refused query, 406 for a format not offered, 413 for a
query over 1 MiB, 415 for a body of another type, 422 for an answer over the cap, 503 when the
deadline passes.

The endpoint sends ``Access-Control-Allow-Origin: *``: it is public, read-only and uses no
cookies or credentials, so query editors on other sites (YASGUI) may query it from a browser.
"""

from __future__ import annotations

import os
import urllib.parse
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

import pyoxigraph as ox
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from ..choices import GRAPH_FORMS, QUERY_FORMS
from ..errors import QueryError, one_line
from ..export import ExportFormat
from ..results import QueryResult, boolean, write_triples
from ..sandbox import CAN_STOP, DeadlinePassed, check_query, query_form, with_deadline
from ..store import Answer
from .negotiation import best
from .pages import Refused
from .site import Site

T = TypeVar("T")

ORIGIN = "sparql"
"""Names the endpoint's queries in messages."""
MAX_QUERY_BYTES = 2**20
"""The largest query (or form) a request may carry."""
CORS = {
    "access-control-allow-origin": "*",
    "access-control-allow-methods": "GET, POST, OPTIONS",
    "access-control-allow-headers": "Accept, Content-Type",
    "access-control-max-age": "86400",
}
_REFUSED_PARAMETERS = ("default-graph-uri", "named-graph-uri")
"""The protocol's parameters that would name the dataset: refused, as ``FROM`` is."""
NICENESS = 10
"""How much lower the CPU priority of a query's worker is than the server's (``os.nice``)."""


class AnswerTooLarge(QueryError):
    """A query's answer is larger than the site's cap (it is refused, not cut)."""


@dataclass(frozen=True)
class Format:
    """One format of answers: its names for ``format=``, the media types it is chosen by (the
    first is sent as ``Content-Type``), and for triples the pyoxigraph format."""

    names: tuple[str, ...]
    media_types: tuple[str, ...]
    rdf: ox.RdfFormat | None = None

    @property
    def content_type(self) -> str:
        media_type = self.media_types[0]
        return f"{media_type}; charset=utf-8" if media_type.startswith("text/") else media_type


RESULT_FORMATS = (
    Format(("json",), ("application/sparql-results+json", "application/json")),
    Format(("xml",), ("application/sparql-results+xml", "application/xml", "text/xml")),
    Format(("csv",), ("text/csv",)),
    Format(("tsv",), ("text/tab-separated-values",)),
)
"""The formats of a SELECT or ASK answer, the default first."""


def _graph_format(
    fmt: ExportFormat, names: tuple[str, ...], media_types: tuple[str, ...]
) -> Format:
    return Format(
        (fmt.extension, fmt.name.lower(), *names), (fmt.media_type, *media_types), fmt.rdf_format
    )


GRAPH_FORMATS = (
    _graph_format(ExportFormat.TURTLE, ("turtle",), ("application/x-turtle",)),
    _graph_format(ExportFormat.NTRIPLES, ("ntriples",), ("text/plain",)),
    _graph_format(ExportFormat.JSONLD, ("json",), ("application/json",)),
    _graph_format(ExportFormat.RDFXML, ("xml", "rdfxml"), ("application/xml", "text/xml")),
)
"""The formats of a CONSTRUCT or DESCRIBE answer, the default first."""


def negotiate(offers: Sequence[Format], accept: str | None, name: str | None) -> Format:
    """The format of ``offers`` asked for by ``format=`` (``name``), else by ``Accept``.

    Raises
    ------
    Refused
        400 for an unknown ``format=``, 406 when ``Accept`` takes none of ``offers``.
    """
    if name:
        for offer in offers:
            if name.lower() in offer.names:
                return offer
        known = ", ".join(offer.names[0] for offer in offers)
        raise Refused(400, f"format={name}: not offered for this query (expected {known})")
    chosen = best(accept, {index: offer.media_types for index, offer in enumerate(offers)})
    if chosen is not None:
        return offers[chosen]
    offered = ", ".join(offer.media_types[0] for offer in offers)
    raise Refused(406, f"none of the accepted types is offered for this query ({offered})")


def run(site: Site, text: str, write: Callable[[Answer], T]) -> T:
    """Run ``text`` on ``site``'s graph and return ``write(answer)``, both in a worker process
    stopped at the site's deadline (the query is checked here first, so a refusal costs no fork).

    Raises
    ------
    QueryError
        If the query is malformed or refused (see :func:`sandbox.check_query`) or fails.
    DeadlinePassed
        If the deadline passes.
    AnswerTooLarge
        If ``write`` raises it (see :func:`capped`).
    """
    check_query(text, origin=ORIGIN, forms=QUERY_FORMS)

    def in_worker() -> T:
        if CAN_STOP:  # in the forked worker, never in the server itself
            os.nice(NICENESS)
        return write(site.store.query(text, origin=ORIGIN))

    return with_deadline(in_worker, timeout=site.timeout, origin=ORIGIN)


def capped(body: bytes, max_bytes: int) -> bytes:
    """``body``, if it is at most ``max_bytes`` long.

    Raises
    ------
    AnswerTooLarge
        If it is longer.
    """
    if len(body) > max_bytes:
        raise AnswerTooLarge(
            f"{ORIGIN}: the answer is larger than {max_bytes:,} bytes, this server's limit; "
            "ask for fewer rows (LIMIT) or fewer columns"
        )
    return body


def write(answer: Answer, fmt: Format) -> bytes:
    """``answer`` written in ``fmt``, one of :data:`RESULT_FORMATS` or :data:`GRAPH_FORMATS`."""
    if isinstance(answer, bool):
        return boolean(answer, fmt.names[0]).encode()
    if isinstance(answer, QueryResult):
        return answer.serialize(fmt.names[0]).encode()
    assert fmt.rdf is not None  # negotiated among GRAPH_FORMATS
    return write_triples(answer, fmt.rdf)


def status_of(error: QueryError) -> int:
    """The HTTP status that answers a query's error."""
    if isinstance(error, DeadlinePassed):
        return 503
    if isinstance(error, AnswerTooLarge):
        return 422
    return 400


def is_graph_query(text: str) -> bool:
    """Whether ``text`` (a checked query) is a CONSTRUCT or DESCRIBE, which gives triples."""
    return query_form(check_query(text, origin=ORIGIN, forms=QUERY_FORMS)) in GRAPH_FORMS


def sparql_routes(site: Site) -> list[BaseRoute]:
    """``/sparql``: the SPARQL 1.1 Protocol (GET and POST; OPTIONS for CORS preflights)."""

    async def endpoint(request: Request) -> Response:
        if request.method == "OPTIONS":
            return Response(status_code=204, headers=CORS)
        try:
            parameters = await _parameters(request)
            queries = parameters.get("query", [])
            if not queries:
                if request.method == "GET" and "text/html" in request.headers.get("accept", ""):
                    return RedirectResponse(request.url_for("editor").path, status_code=303)
                raise Refused(400, "no query: send one as query= (GET or a POST form), or as "
                                   "an application/sparql-query body")  # fmt: skip
            if len(queries) > 1:
                raise Refused(400, "more than one query= in the request")
            format_names = parameters.get("format", [])
            accept = request.headers.get("accept")
            body, fmt = await run_in_threadpool(_answer, site, queries[0], accept, format_names)
        except Refused as refused:
            return _error(refused.status, refused.message)
        except QueryError as error:
            return _error(status_of(error), error.message)
        headers = {**CORS, "vary": "Accept"}
        return Response(body, media_type=fmt.content_type, headers=headers)

    return [Route("/sparql", endpoint, methods=["GET", "POST", "OPTIONS"], name="sparql")]


def _answer(
    site: Site, text: str, accept: str | None, format_names: Sequence[str]
) -> tuple[bytes, Format]:
    offers = GRAPH_FORMATS if is_graph_query(text) else RESULT_FORMATS
    fmt = negotiate(offers, accept, format_names[-1] if format_names else None)
    body = run(site, text, lambda answer: capped(write(answer, fmt), site.max_bytes))
    return body, fmt


async def _parameters(request: Request) -> Mapping[str, list[str]]:
    """The protocol's parameters of a GET or POST request, with the query as ``query``.

    Raises
    ------
    Refused
        For an update, a dataset given as parameters, a body too large, of another type or not
        UTF-8.
    """
    parameters = urllib.parse.parse_qs(request.url.query, keep_blank_values=True)
    if request.method == "POST":
        media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        body = await _body(request)
        if media_type == "application/x-www-form-urlencoded":
            for key, values in urllib.parse.parse_qs(_utf8(body), keep_blank_values=True).items():
                parameters.setdefault(key, []).extend(values)
        elif media_type == "application/sparql-query":
            parameters["query"] = [*parameters.get("query", []), _utf8(body)]
        elif media_type == "application/sparql-update":
            raise Refused(400, "SPARQL Update is refused: this endpoint only reads the graph")
        else:
            raise Refused(415, f"a query is sent as a form or as application/sparql-query, "
                               f"not as {one_line(media_type) or 'a body of no type'}")  # fmt: skip
    if "update" in parameters:
        raise Refused(400, "SPARQL Update is refused: this endpoint only reads the graph")
    for name in _REFUSED_PARAMETERS:
        if name in parameters:
            raise Refused(400, f"{name} reads other graphs and is refused; every query reads "
                               "the union of this graph's named graphs")  # fmt: skip
    return parameters


async def _body(request: Request) -> bytes:
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_QUERY_BYTES:
            raise Refused(413, f"the request is larger than {MAX_QUERY_BYTES:,} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def _utf8(body: bytes) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        raise Refused(400, "the request's body is not UTF-8") from None


def _error(status: int, message: str) -> Response:
    return PlainTextResponse(one_line(message) + "\n", status_code=status, headers=CORS)
