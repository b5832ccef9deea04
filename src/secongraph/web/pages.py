"""The pages' templates and the headers every answer carries.

Templates are Jinja2 with autoescaping on, so every data-derived string is escaped; pages load
no script or style from anywhere but the site itself (a strict Content-Security-Policy), and
nothing may frame them.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..namespaces import BASE, ID
from .site import Site

SECURITY_HEADERS = {
    "content-security-policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
        "frame-ancestors 'none'"
    ),
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "cross-origin-opener-policy": "same-origin",
}
"""Headers on every answer of the server (and the policy a published site's pages declare)."""
OWN_POLICY = "content-security-policy"
"""The one header a route may set itself, to replace the site's policy on its own answers (the
reconciliation preview, which OpenRefine shows in a frame)."""

environment = Environment(
    loader=PackageLoader("secongraph.web", "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)
NAV = (
    ("/", "Home"),
    ("/questions", "Questions"),
    ("/editor", "SPARQL editor"),
    ("/organisations", "Organisations"),
    ("/events", "Events"),
    ("/regions", "Regions"),
    ("/sources", "Sources"),
    ("/maps", "Maps"),
    ("/ontology", "Ontology"),
)
"""The site's sections, in the header of every page."""
environment.globals["nav"] = NAV


def entity_path(iri: str) -> str | None:
    """The path of the page of an entity, an IRI under the secongraph ``id/``: the path of its
    IRI (``/id/…``); ``None`` for any other IRI.

    Examples
    --------
    >>> entity_path("https://w3id.org/secongraph/id/region/bg422")
    '/id/region/bg422'
    >>> entity_path("http://example.org/x") is None
    True
    """
    if iri.startswith(str(ID)) and len(iri) > len(ID):
        return "/" + quote(iri.removeprefix(BASE), safe="/-._~!$&'()*+,;=:@")
    return None


class Refused(Exception):
    """A request answered with an HTTP error: its status and one-line message."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def render(
    request: Request, site: Site, template: str, context: dict[str, Any], *, status: int = 200
) -> HTMLResponse:
    """The page ``template`` filled with ``context``, the site and the request."""
    page = environment.get_template(template).render(site=site, request=request, **context)
    return HTMLResponse(page, status_code=status)


class SecurityHeaders:
    """ASGI middleware that adds :data:`SECURITY_HEADERS` to every response (a response that
    sets its own :data:`OWN_POLICY` keeps it)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                own = message.get("headers", [])
                keep = {OWN_POLICY} & {k.decode().lower() for k, _ in own}
                headers = [(k, v) for k, v in own
                           if k.decode().lower() not in SECURITY_HEADERS.keys() - keep]  # fmt: skip
                headers += [(k.encode(), v.encode()) for k, v in SECURITY_HEADERS.items()
                            if k not in keep]  # fmt: skip
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)
