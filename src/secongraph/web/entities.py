"""Entity pages: every IRI under ``https://w3id.org/secongraph/id/`` at its path (``/id/…``),
with content negotiation.

Browsers get the HTML page (:func:`render_entity`); ``Accept`` (with q-values) or
``?format=ttl|jsonld|nt`` gives the entity's description as Turtle, JSON-LD (expanded, every
literal exact) or N-Triples (:func:`entity_rdf`). The description is every statement with the
entity as subject and every statement with it as object, from every named graph: an IRI that
the graph only uses as an object gets a page (and RDF) with the statements that mention it. An
IRI the graph does not use at all is a 404.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pyoxigraph as ox
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from ..errors import QueryError
from ..export import ExportFormat
from ..namespaces import ID, PREFIX_IRIS
from .describe import describe, statements
from .negotiation import best, languages
from .pages import environment
from .site import Site

FORMAT_NAMES = {
    ExportFormat.TURTLE: "Turtle", ExportFormat.JSONLD: "JSON-LD", ExportFormat.NTRIPLES: "N-Triples",
}  # fmt: skip
RDF_FORMATS = tuple(FORMAT_NAMES)
"""The RDF formats of an entity's description."""
HTML_TYPES = ("text/html", "application/xhtml+xml")
OFFERS: dict[str, tuple[str, ...]] = {
    "html": HTML_TYPES,
    "ttl": ("text/turtle",),
    "jsonld": ("application/ld+json", "application/json"),
    "nt": ("application/n-triples",),
}
"""What an entity's address answers, by ``?format=`` name and media types, best first on a tie."""
VARY = "Accept, Accept-Language"


# --------------------------------------------------------------------------------------------
# Content negotiation
# --------------------------------------------------------------------------------------------


def negotiate(accept: str | None) -> str | None:
    """The best answer for an ``Accept`` header: a key of :data:`OFFERS`, or ``None`` when the
    client accepts none of them. No header (or ``*/*``) means HTML.

    Examples
    --------
    >>> negotiate("text/turtle;q=0.9, application/ld+json")
    'jsonld'
    """
    return best(accept, OFFERS)


# --------------------------------------------------------------------------------------------
# The answers, usable without a request (``publish`` writes them to files)
# --------------------------------------------------------------------------------------------


def entity_rdf(site: Site, iri: str, fmt: ExportFormat) -> bytes | None:
    """The description of ``iri`` in ``fmt``: every statement with it as subject or object,
    from every graph (each once); ``None`` when the graph does not use ``iri``.

    Serialised as ``secongraph export`` writes its formats (pyoxigraph, the project's
    prefixes, triples sorted); JSON-LD is expanded, so literals keep their exact form.
    """
    found = statements(site.store, iri)
    if found is None:
        return None
    triples = sorted({quad.triple for quads in found for quad in quads}, key=str)
    return ox.serialize(triples, format=fmt.rdf_format, prefixes=PREFIX_IRIS)


def page(
    site: Site, template: str, context: dict[str, Any], *, root: str = "",
    request: Request | None = None,
) -> str:  # fmt: skip
    """The HTML of ``template`` (a page extending ``base.html``) filled with ``context``.

    ``root`` prefixes every internal link (``""`` on the server; a relative path such as
    ``"../.."`` for a static site).
    """
    return environment.get_template(template).render(
        site=site, request=request, root=root, lang="en", **context
    )


def render_entity(
    site: Site, iri: str, languages: Sequence[str] = ("en",), *, root: str = "",
    request: Request | None = None,
) -> str | None:  # fmt: skip
    """The HTML page of ``iri`` (see :func:`~secongraph.web.describe.describe`); ``None``
    when the graph does not use ``iri``."""
    described = describe(site, iri, languages)
    if described is None:
        return None
    path = described["label"].href if described["label"].internal else None
    alternates = [
        (FORMAT_NAMES[fmt], fmt.media_type, f"{path}?format={fmt.extension}") for fmt in RDF_FORMATS
    ] if path and path.startswith("/id/") else []  # fmt: skip
    return page(site, "entity.html", {**described, "alternates": alternates},
                root=root, request=request)  # fmt: skip


def render_missing(site: Site, iri: str, *, root: str = "", request: Request | None = None) -> str:
    """The page for an address the graph does not use."""
    return page(site, "entity_missing.html", {"iri": iri}, root=root, request=request)


# --------------------------------------------------------------------------------------------
# Routes
# --------------------------------------------------------------------------------------------


def routes(site: Site) -> list[BaseRoute]:
    """``/id/{path}``: the entity ``https://w3id.org/secongraph/id/{path}``."""

    def entity(request: Request) -> Response:
        iri = f"{ID}{request.path_params['path']}"
        return answer(site, request, iri)

    return [Route("/id/{path:path}", entity, name="entity")]


def answer(site: Site, request: Request, iri: str) -> Response:
    """The answer for ``iri`` in the format the request asks for (``?format=`` before
    ``Accept``), with ``Vary`` so that caches keep each format apart."""
    headers = {"vary": VARY}
    chosen = request.query_params.get("format")
    if chosen is None:
        chosen = negotiate(request.headers.get("accept"))
        if chosen is None:
            offered = ", ".join(t for types in OFFERS.values() for t in types)
            return PlainTextResponse(f"Not acceptable: this address offers {offered}.\n",
                                     status_code=406, headers=headers)  # fmt: skip
    elif chosen not in OFFERS:
        return PlainTextResponse(
            f"format: unknown format {chosen!r} (expected {', '.join(OFFERS)})\n",
            status_code=400, headers=headers,
        )  # fmt: skip
    try:
        if chosen == "html":
            wanted = languages(request.headers.get("accept-language"))
            html = render_entity(site, iri, wanted, request=request)
            if html is None:
                return HTMLResponse(render_missing(site, iri, request=request), status_code=404,
                                    headers=headers)  # fmt: skip
            return HTMLResponse(html, headers=headers)
        fmt = ExportFormat.from_name(chosen)
        body = entity_rdf(site, iri, fmt)
    except QueryError as error:
        return PlainTextResponse(f"{error}\n", status_code=503, headers=headers)
    if body is None:
        return PlainTextResponse(f"Not found: the graph says nothing about <{iri}>.\n",
                                 status_code=404, headers=headers)  # fmt: skip
    return Response(body, media_type=fmt.media_type, headers=headers)
