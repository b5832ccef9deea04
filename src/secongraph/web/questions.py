"""The named questions as pages and as an API, as Datasette serves its canned queries.

``/questions`` lists every question of the library; ``/questions/{name}`` is its form (pick-lists
for enumerated values, defaults filled in) and, once submitted, its results table, at a URL that
is its permalink. ``/api/{name}?param=value`` answers the same question as SPARQL JSON or CSV, on
grlc's path scheme; ``/api/openapi.json`` describes that API (see :mod:`.openapi`).

Every value is checked and bound by :class:`~secongraph.queries.NamedQuery` and the question run
by :func:`~secongraph.queries.run_query` within the site's deadline, in a worker thread; labels
follow the reader's ``Accept-Language``.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

from rdflib import Literal, URIRef
from rdflib.term import Identifier
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from ..errors import ParameterError, SecongraphError
from ..queries import NamedQuery, Parameter, relabel, run_query
from ..results import QueryResult, Row, compact
from ..sandbox import DeadlinePassed, bind_values
from . import negotiation
from .openapi import FORMATS, expects, needed, openapi_document
from .pages import Refused, entity_path, render
from .site import Site

__all__ = ["answer", "languages", "question_routes"]

_MEDIA = {
    "json": ("application/sparql-results+json", "application/json"),
    "csv": ("text/csv",),
    "tsv": ("text/tab-separated-values",),
}
"""The API's answers by ``format=`` name and the media types that ask for them."""


def languages(request: Request) -> list[str]:
    """The label languages the reader asks for (``Accept-Language``)."""
    return negotiation.languages(request.headers.get("accept-language"))


async def answer(
    site: Site, named: NamedQuery, values: dict[str, str], lang: list[str]
) -> QueryResult:
    """Run ``named`` with ``values`` on the site's store, in a worker thread, within its deadline.

    Raises
    ------
    Refused
        400 for a bad parameter, 503 when the deadline stopped the query, 500 if it failed.
    """
    try:
        return await run_in_threadpool(
            run_query, site.store, named, values, lang=lang, timeout=site.timeout
        )
    except ParameterError as error:
        raise Refused(400, str(error)) from None
    except DeadlinePassed as error:
        raise Refused(503, str(error)) from None
    except SecongraphError as error:
        raise Refused(500, str(error)) from None


def _values(request: Request, reserved: tuple[str, ...] = ()) -> dict[str, str]:
    """The parameter values of the query string; an empty value counts as not given.

    Raises
    ------
    Refused
        400 if a parameter is given twice.
    """
    values: dict[str, str] = {}
    for key, value in request.query_params.multi_items():
        if key in reserved or value == "":
            continue
        if key in values:
            raise Refused(400, f'parameter "{key}" is given twice')
        values[key] = value
    return values


def _too_large(site: Site) -> str:
    """Why an answer over the site's size limit is not given (rather than cut)."""
    return f"the answer is larger than {site.max_bytes:,} bytes; narrow the question"


def _close(site: Site, name: str) -> list[str]:
    """The names of the questions closest to ``name`` (for a did-you-mean)."""
    return difflib.get_close_matches(name, list(site.queries), n=3)


# --- the pages -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    """One value of the results table: its text, a link to its entity page, its language."""

    text: str
    href: str | None = None
    lang: str | None = None
    iri: str | None = None


def cell(term: Identifier | None) -> Cell:
    """How ``term`` is shown: an IRI as a prefixed name, linked to ``/id/…`` when it is an entity.

    Examples
    --------
    >>> cell(URIRef("https://w3id.org/secongraph/id/organisation/kmop")).href
    '/id/organisation/kmop'
    """
    if isinstance(term, URIRef):
        return Cell(compact(term), href=entity_path(str(term)), iri=str(term))
    if isinstance(term, Literal):
        return Cell(str(term), lang=term.language)
    return Cell(compact(term))


def _errors(named: NamedQuery, values: dict[str, str]) -> tuple[dict[str, str], list[str]]:
    """Each bad or missing value's one-line error by parameter, and the errors about names that
    are no parameter."""
    known = {p.name: p for p in named.parameters}
    by_parameter = {
        p.name: f'parameter "{p.name}" needs a value'
        for p in named.parameters
        if needed(p) and p.name not in values
    }
    for name, value in values.items():
        if name in known:
            try:
                known[name].term(value)
            except ParameterError as error:
                by_parameter[name] = str(error)
    others = [
        f'"{name}" is not a parameter of this question' for name in values if name not in known
    ]
    return by_parameter, others


def _choices(site: Site, parameter: Parameter, lang: list[str]) -> list[tuple[str, str]]:
    """The allowed values of ``parameter`` as (value, what the pick-list shows): IRIs by label."""
    plain = [(value, value) for value in parameter.allowed]
    if parameter.kind != "iri":
        return plain
    try:
        rows: list[Row] = [
            {"value": parameter.term(v), "value_label": Literal(v)} for v in parameter.allowed
        ]
        labelled = relabel(
            site.store, QueryResult(["value", "value_label"], rows), lang, timeout=site.timeout
        )
    except SecongraphError:  # a malformed value or a label lookup past its deadline
        return plain
    return [
        (v, str(row["value_label"]))
        for v, row in zip(parameter.allowed, labelled.rows, strict=True)
    ]


def _editor_query(named: NamedQuery, values: dict[str, str]) -> str:
    """The question's SPARQL with the values bound, to open in the editor (unbound if bad)."""
    try:
        return bind_values(named.sparql, named.bind(values))
    except SecongraphError:
        return named.sparql


async def _question_page(
    site: Site, named: NamedQuery, request: Request
) -> tuple[dict[str, Any], int]:
    """The context of a question's page and its status: the form, and the answer once submitted
    (a query string, or a question without parameters)."""
    lang = languages(request)
    result: QueryResult | None = None
    status, problems = 200, list[str]()
    by_parameter: dict[str, str] = {}
    values: dict[str, str] = {}
    try:
        values = _values(request)
        if request.url.query or not named.parameters:  # the form was submitted
            by_parameter, problems = _errors(named, values)
            if not (by_parameter or problems):
                result = await answer(site, named, values, lang)
    except Refused as refused:
        status, problems = refused.status, [refused.message]
    if by_parameter or problems:
        status = max(status, 400)
    choices = {
        p.name: await run_in_threadpool(_choices, site, p, lang)
        for p in named.parameters
        if p.allowed
    }
    query = urlencode(values)
    rows = [[cell(row[v]) for v in result.variables] for row in result.rows] if result else []
    return {
        "question": named, "values": values, "choices": choices, "result": result, "rows": rows,
        "errors": by_parameter, "problems": problems, "expects": expects, "needed": needed,
        "permalink": f"/questions/{quote(named.name)}" + (f"?{query}" if query else ""),
        "api": f"/api/{quote(named.name)}?" + (f"{query}&" if query else ""),
        "editor": "/editor?" + urlencode({"query": _editor_query(named, values)}),
    }, status  # fmt: skip


def question_routes(site: Site) -> list[BaseRoute]:
    """``/questions``, ``/questions/{name}``, ``/api``, ``/api/openapi.json`` and ``/api/{name}``."""

    def index_page(request: Request, status: int = 200, **context: Any) -> Response:
        questions = sorted(site.queries.values(), key=lambda q: q.name)
        return render(request, site, "questions.html", {"questions": questions, **context},
                      status=status)  # fmt: skip

    async def index(request: Request) -> Response:
        return index_page(request)

    async def question(request: Request) -> Response:
        name = request.path_params["name"]
        named = site.queries.get(name)
        if named is None:
            return index_page(request, 404, missing=name, close=_close(site, name))
        context, status = await _question_page(site, named, request)
        page = render(request, site, "question.html", context, status=status)
        if len(page.body) <= site.max_bytes:
            return page
        context.update(result=None, rows=[], problems=[_too_large(site)])
        return render(request, site, "question.html", context, status=422)

    async def api(request: Request) -> Response:
        name = request.path_params["name"]
        try:
            named = site.queries.get(name)
            if named is None:
                close = _close(site, name)
                hint = f" (did you mean: {', '.join(close)}?)" if close else ""
                raise Refused(404, f'no question named "{name}"{hint}')
            fmt = _format(request)
            result = await answer(site, named, _values(request, ("format",)), languages(request))
            body = result.serialize(fmt).encode()
        except Refused as refused:
            return JSONResponse({"error": refused.message}, status_code=refused.status)
        if len(body) > site.max_bytes:
            return JSONResponse({"error": _too_large(site)}, status_code=422)
        return Response(body, media_type=FORMATS[fmt])

    async def api_home(request: Request) -> Response:
        return RedirectResponse("/questions#api", status_code=303)

    async def openapi(request: Request) -> Response:
        return JSONResponse(openapi_document(site))

    return [
        Route("/questions", index, name="questions"),
        Route("/questions/{name}", question, name="question"),
        Route("/api", api_home, name="api"),
        Route("/api/openapi.json", openapi, name="openapi"),
        Route("/api/{name}", api, name="api-question"),
    ]


def _format(request: Request) -> str:
    """The result format: ``format=`` if given, else the first the ``Accept`` header takes.

    Raises
    ------
    Refused
        400 for an unknown ``format=``.
    """
    given = request.query_params.get("format")
    if given is not None:
        if given not in FORMATS:
            raise Refused(400, f'format "{given}" is not one of: {", ".join(FORMATS)}')
        return given
    return negotiation.best(request.headers.get("accept"), _MEDIA) or "json"
