"""The web application: the site's parts put together, read-only, behind the security headers."""

from __future__ import annotations

from pathlib import Path

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from . import browse, entities
from .editor import editor_routes
from .pages import SecurityHeaders, render
from .questions import question_routes
from .reconcile import reconcile_routes
from .site import Site
from .sparql import sparql_routes

STATIC = Path(__file__).parent / "static"


def create_app(site: Site) -> Starlette:
    """The ASGI application serving ``site``: run it with uvicorn (``secongraph serve``).

    Every route only reads the graph. Pages answer GET (and HEAD); the query protocols also
    answer POST, which carries a query, never an update.
    """
    return Starlette(
        routes=routes(site),
        middleware=[Middleware(SecurityHeaders)],
    )


def routes(site: Site) -> list[BaseRoute]:
    """Every route of the site, each part's from its module."""
    return [
        *home_routes(site),
        *question_routes(site),
        *sparql_routes(site),
        *editor_routes(site),
        *entities.routes(site),
        *browse.routes(site),
        *reconcile_routes(site),
        Mount("/static", app=StaticFiles(directory=STATIC), name="static"),
    ]


def home_routes(site: Site) -> list[BaseRoute]:
    """The home page: what the graph holds and where to go from here."""

    async def home(request: Request) -> Response:
        files = site.store.files
        return render(request, site, "home.html", {
            "triples": len(site.store), "graphs": len(files),
        })  # fmt: skip

    return [Route("/", home, name="home")]
