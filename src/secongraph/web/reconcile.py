"""``/reconcile``: the W3C Entity Reconciliation API (0.2) that OpenRefine speaks.

``GET /reconcile`` gives the service manifest; ``POST /reconcile`` (form field ``queries``) and
``GET /reconcile?queries=`` answer a batch of queries; ``/reconcile/preview?id=`` is the small
card OpenRefine shows in a frame. The protocol itself is :mod:`secongraph.reconciliation`; the
index of names is built once per store and kept while the store lives.

Every answer allows any origin (CORS, which version 0.2 requires): the service only reads public
data. JSONP is not offered (``callback`` is refused): CORS does its work without running this
server's answers as script in another site's pages.
"""

from __future__ import annotations

import weakref

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from ..errors import ParameterError
from ..reconciliation import BatchTooLarge, Service, parse_batch
from ..sandbox import ForkSafeLock
from ..store import Store
from .pages import render
from .site import Site

CORS = {"access-control-allow-origin": "*"}
PREVIEW_POLICY = (
    "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; "
    "form-action 'none'; frame-ancestors *"
)
"""The preview's Content-Security-Policy: no script at all, and (unlike every other page)
it may be framed from anywhere, because OpenRefine shows it in an ``<iframe>`` of its own page.
A card of public facts with nothing to click but links has nothing to hijack by framing."""
UNSUPPORTED = {
    "callback": "JSONP is not offered: call the service with CORS",
    "extend": "data extension is not offered by this service",
}

_services: weakref.WeakKeyDictionary[Store, Service] = weakref.WeakKeyDictionary()
_lock = ForkSafeLock()


def service(site: Site) -> Service:
    """The reconciliation service of ``site``'s store, built at its first use."""
    with _lock:
        found = _services.get(site.store)
        if found is None:
            found = _services[site.store] = Service(site.store)
        return found


def reconcile_routes(site: Site) -> list[BaseRoute]:
    """The reconciliation endpoint and the preview of its entities."""

    async def endpoint(request: Request) -> Response:
        if request.method == "OPTIONS":  # a CORS preflight
            return Response(status_code=204, headers={
                **CORS, "access-control-allow-methods": "GET, POST",
                "access-control-allow-headers": "content-type",
            })  # fmt: skip
        fields = dict(request.query_params)
        if request.method == "POST":
            form = await request.form()
            fields.update({k: v for k, v in form.items() if isinstance(v, str)})
        for name, reason in UNSUPPORTED.items():
            if name in fields:
                return _error(f"{name}: {reason}")
        if "queries" not in fields:
            base = str(request.base_url).rstrip("/")
            manifest = (await run_in_threadpool(service, site)).manifest(base, name=site.title)
            return JSONResponse(manifest, headers=CORS)
        try:
            batch = parse_batch(fields["queries"])
        except ParameterError as error:
            return _error(str(error), status=413 if isinstance(error, BatchTooLarge) else 400)
        answers = await run_in_threadpool(lambda: service(site).answer(batch))
        return JSONResponse(answers, headers=CORS)

    async def preview(request: Request) -> Response:
        identifier = request.query_params.get("id", "")
        reconciliation = await run_in_threadpool(service, site)
        entity = reconciliation.entity(identifier)
        if entity is None:
            what = f'no entity "{identifier}"' if identifier else "give the entity as ?id="
            page = render(request, site, "preview.html", {"missing": what}, status=404)
        else:
            card = await run_in_threadpool(
                reconciliation.preview, entity,
                sources=site.queries.get("sources-of-entity", "sources-of-entity"),
            )  # fmt: skip
            page = render(request, site, "preview.html", {"card": card})
        page.headers.update({**CORS, "content-security-policy": PREVIEW_POLICY})
        return page

    return [
        Route("/reconcile", endpoint, methods=["GET", "POST", "OPTIONS"], name="reconcile"),
        Route("/reconcile/preview", preview, methods=["GET"], name="reconcile-preview"),
    ]


def _error(message: str, *, status: int = 400) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status, headers=CORS)
