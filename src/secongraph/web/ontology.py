"""``/ontology``: the ontology's documentation (pyLODE, :func:`secongraph.ontology_docs.ontology_html`)
in the reader's language, under a policy that allows exactly its inline styles
(:mod:`secongraph.web.inline`).

A page is made once per language the ontology is written in; a reader whose languages it does
not have gets English.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

from rdflib import Graph, Literal
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from ..errors import SecongraphError
from ..ontology_docs import ontology_html
from ..paths import ontology_files
from .entities import languages
from .inline import hashed_page
from .site import Site


@cache
def written_in() -> frozenset[str]:
    """The languages (primary subtags) of the ontology's tagged literals."""
    graph = Graph().parse(ontology_files()[0])
    return frozenset(
        o.language.split("-")[0].lower() for o in graph.objects()
        if isinstance(o, Literal) and o.language
    )  # fmt: skip


def language_for(wanted: Sequence[str]) -> str:
    """The first of the reader's languages the ontology is written in, else English."""
    have = written_in()
    return next((tag.split("-")[0] for tag in wanted if tag.split("-")[0] in have), "en")


@cache
def ontology_page(lang: str) -> str:
    """The documentation page in ``lang`` (one of :func:`written_in`), made once."""
    return ontology_html(lang)


def ontology_routes(site: Site) -> list[BaseRoute]:
    """``/ontology``."""

    async def endpoint(request: Request) -> Response:
        lang = language_for(languages(request.headers.get("accept-language")))
        try:
            html = await run_in_threadpool(ontology_page, lang)
        except SecongraphError as error:
            return PlainTextResponse(f"{error}\n", status_code=503)
        return hashed_page(html, headers={"vary": "Accept-Language"})

    return [Route("/ontology", endpoint, name="ontology")]
