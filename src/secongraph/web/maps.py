"""``/maps``: the collaboration maps of the served graph (:data:`secongraph.maps.MAP_KINDS`),
an index and one page per map, whose nodes link to this site's entity pages.

Each map is drawn once per store, as ``secongraph maps`` draws it, and served under a policy
that allows exactly its inline scripts and styles by hash (:mod:`secongraph.web.inline`):
vis-network needs neither ``'unsafe-inline'`` nor ``'unsafe-eval'``.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import BaseRoute, Route

from ..errors import ParameterError
from ..maps import MAP_KINDS, project_map
from ..sandbox import ForkSafeLock
from .describe import cached
from .entities import page
from .inline import hashed_page
from .site import Site

ENTITY_BASE = "../.."
"""Where a map's nodes link: ``../../id/…``, this site's entity pages both from ``/maps/{kind}``
on the server (a URL path cannot climb above its root) and from ``maps/{kind}/index.html`` in
the published site."""
_LOCK = ForkSafeLock()


def map_page(site: Site, kind: str) -> str | None:
    """The HTML of the map ``kind`` (a key of :data:`MAP_KINDS`); ``None`` when the data
    cannot fill it. Drawn once per store."""
    maps: dict[str, str | None] = cached(site.store, "maps", dict)
    with _LOCK:
        if kind not in maps:
            with tempfile.TemporaryDirectory(prefix="secongraph-map-") as folder:
                try:
                    path = project_map(site.store, kind, Path(folder) / "map.html",
                                       entity_base=ENTITY_BASE)  # fmt: skip
                    maps[kind] = path.read_text(encoding="utf-8")
                except ParameterError:
                    maps[kind] = None
        return maps[kind]


def maps_context() -> dict[str, Any]:
    """What the index of maps shows: each map's kind and title."""
    return {"maps": [(kind, spec.title, spec.geographic) for kind, spec in MAP_KINDS.items()]}


def render_maps(site: Site, *, root: str = "", request: Request | None = None) -> str:
    """The HTML of the index of maps."""
    return page(site, "maps.html", maps_context(), root=root, request=request)


def map_routes(site: Site) -> list[BaseRoute]:
    """``/maps`` and ``/maps/{kind}``."""

    def index(request: Request) -> Response:
        return HTMLResponse(render_maps(site, request=request))

    async def one(request: Request) -> Response:
        kind = request.path_params["kind"]
        html = await run_in_threadpool(map_page, site, kind) if kind in MAP_KINDS else None
        if html is None:
            raise HTTPException(404)
        return hashed_page(html)

    return [
        Route("/maps", index, name="maps"),
        Route("/maps/{kind}", one, name="map"),
    ]
