"""The site's front door: the home page (what the graph holds and where to go from here), the
page for an address the site does not have, and the site's icon.

:func:`render_home` and :func:`render_not_found` need no request, so ``publish`` can write the
same pages.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rdflib import URIRef
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from ..errors import QueryError
from ..maps import MAP_KINDS
from ..namespaces import SG
from .describe import CATALOGUE, cached, labels, pages_of, show
from .entities import languages, page
from .site import Site

FAVICON = Path(__file__).parent / "static" / "favicon.svg"
KINDS = {
    "organisations": (SG.Organisation, "/organisations"),
    "events": (SG.Event, "/events"),
    "projects": (SG.Project, None),
    "regions": (SG.Region, "/regions"),
}
"""What the home page counts: each kind's class (its subclasses included) and its list page."""
_COUNTS = f"""SELECT ?kind ?entity WHERE {{
  VALUES ?kind {{ {" ".join(f"<{k}>" for k, _ in KINDS.values())} }}
  ?entity a/rdfs:subClassOf* ?kind FILTER(isIRI(?entity))
}}"""


def holdings(site: Site) -> dict[str, set[str]]:
    """The entities of each kind of :data:`KINDS` and the source documents (``sources``), as
    the lists show them; computed once per store."""

    def compute() -> dict[str, set[str]]:
        found: dict[str, set[str]] = {name: set() for name in KINDS}
        names = {str(kind): name for name, (kind, _) in KINDS.items()}
        for row in site.store.select(_COUNTS, origin="home", timeout=site.timeout).rows:
            found[names[str(row["kind"])]].add(str(row["entity"]))
        catalogue = site.store.select(CATALOGUE, origin="home", timeout=site.timeout).rows
        found["sources"] = {str(row["document"]) for row in catalogue}
        return found

    return cached(site.store, "holdings", compute)


def home_context(site: Site, wanted: list[str]) -> dict[str, Any]:
    """What the home page shows: the counts, the projects, the questions and the maps."""
    held = holdings(site)
    names = labels(site, held["projects"], wanted)
    pages = pages_of(site)
    counts = [(name, len(held[name]), KINDS[name][1] if name in KINDS else "/sources")
              for name in (*KINDS, "sources")]  # fmt: skip
    return {
        "triples": len(site.store),
        "graphs": len(site.store.files),
        "counts": counts,
        "projects": sorted(
            (show(URIRef(p), names, pages) for p in held["projects"]),
            key=lambda s: s.text.casefold(),
        ),
        "questions": sorted(site.queries.values(), key=lambda q: q.name),
        "maps": [(kind, spec.title) for kind, spec in MAP_KINDS.items()],
    }


def render_home(
    site: Site, wanted: list[str] | None = None, *, root: str = "", request: Request | None = None
) -> str:
    """The HTML of the home page."""
    context = home_context(site, wanted or ["en"])
    return page(site, "home.html", context, root=root, request=request)


def render_not_found(
    site: Site, path: str, *, root: str = "", request: Request | None = None
) -> str:
    """The page for an address this site does not have."""
    return page(site, "not_found.html", {"path": path}, root=root, request=request)


def home_routes(site: Site) -> list[BaseRoute]:
    """``/`` and the icon at ``/favicon.ico`` (for pages that do not name theirs)."""

    def home(request: Request) -> Response:
        try:
            html = render_home(site, languages(request.headers.get("accept-language")),
                               request=request)  # fmt: skip
        except QueryError as error:
            return PlainTextResponse(f"{error}\n", status_code=503)
        return HTMLResponse(html, headers={"vary": "Accept-Language"})

    def favicon(request: Request) -> Response:
        return FileResponse(FAVICON, media_type="image/svg+xml")

    return [Route("/", home, name="home"), Route("/favicon.ico", favicon, name="favicon")]


def not_found_handler(site: Site) -> Any:
    """The handler of a 404 anywhere: an HTML page with the way on (the status kept)."""

    async def not_found(request: Request, error: Exception) -> Response:
        assert isinstance(error, HTTPException)
        html = render_not_found(site, request.url.path, request=request)
        return HTMLResponse(html, status_code=error.status_code)

    return not_found
