"""The web application: the site's parts put together, read-only, behind the security headers."""

from __future__ import annotations

from pathlib import Path

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import BaseRoute, Mount
from starlette.staticfiles import StaticFiles

from . import browse, entities
from .editor import editor_routes
from .home import home_routes, not_found_handler
from .maps import map_routes
from .ontology import ontology_routes
from .organisations import organisation_routes
from .pages import SecurityHeaders
from .questions import question_routes
from .reconcile import reconcile_routes
from .search import search_routes
from .site import Site
from .sparql import sparql_routes

STATIC = Path(__file__).parent / "static"


def create_app(site: Site) -> Starlette:
    """The ASGI application serving ``site``: run it with uvicorn (``secongraph serve``).

    Every route only reads the graph. Pages answer GET (and HEAD); the query protocols also
    answer POST, which carries a query, never an update. An address the site does not have is
    a 404 page with the way on.
    """
    return Starlette(
        routes=routes(site),
        middleware=[Middleware(SecurityHeaders)],
        exception_handlers={404: not_found_handler(site)},
    )


def routes(site: Site) -> list[BaseRoute]:
    """Every route of the site, each part's from its module."""
    return [
        *home_routes(site),
        *search_routes(site),
        *organisation_routes(site),
        *question_routes(site),
        *sparql_routes(site),
        *editor_routes(site),
        *entities.routes(site),
        *browse.routes(site),
        *map_routes(site),
        *ontology_routes(site),
        *reconcile_routes(site),
        Mount("/static", app=StaticFiles(directory=STATIC), name="static"),
    ]
