"""``/organisations``: every organisation of the graph by country, each with its type, so any
of them is two clicks from the home page without typing.

:func:`render_organisations` needs no request, so ``publish`` can write the same page.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from ..errors import QueryError
from ..namespaces import SG
from .describe import Shown, labels, pages_of, show
from .entities import languages, page
from .site import Site

ORGANISATIONS = f"""SELECT DISTINCT ?organisation ?type ?country WHERE {{
  ?organisation a ?type . ?type rdfs:subClassOf* <{SG.Organisation}> .
  FILTER(isIRI(?organisation))
  FILTER NOT EXISTS {{ ?organisation a ?narrower . ?narrower rdfs:subClassOf+ ?type
                      FILTER(?narrower != ?type) }}
  OPTIONAL {{ ?organisation <{SG.country}> ?country }}
}}"""
"""Each organisation with its most specific types and its country."""


def organisations(site: Site, wanted: Sequence[str]) -> dict[str, Any]:
    """The organisations grouped by country (countries by name, "not given" last), each with
    its types, by name."""
    rows = site.store.select(ORGANISATIONS, origin="organisations", timeout=site.timeout).rows
    iris = {str(row[k]) for row in rows for k in ("organisation", "type", "country") if row[k]}
    names, pages = labels(site, iris, wanted), pages_of(site)
    found: dict[str, dict[str, Any]] = {}
    for row in rows:
        country = show(row["country"], names, pages) if row["country"] is not None else None
        entry = found.setdefault(str(row["organisation"]), {
            "organisation": show(row["organisation"], names, pages),
            "types": [], "countries": [],
        })  # fmt: skip
        kind = show(row["type"], names, pages)
        if kind not in entry["types"]:
            entry["types"].append(kind)
        if country is not None and country not in entry["countries"]:
            entry["countries"].append(country)
    by_country: dict[Shown | None, list[dict[str, Any]]] = {}
    for entry in found.values():
        for country in entry["countries"] or [None]:
            by_country.setdefault(country, []).append(entry)
    ordered = sorted(by_country.items(), key=lambda item: (item[0] is None, _text(item[0])))
    groups = [
        {"country": country,
         "organisations": sorted(members, key=lambda e: _text(e["organisation"]))}
        for country, members in ordered
    ]  # fmt: skip
    return {"groups": groups, "count": len(found)}


def _text(shown: Shown | None) -> str:
    return shown.text.casefold() if shown is not None else ""


def render_organisations(
    site: Site, wanted: Sequence[str] = ("en",), *, root: str = "", request: Request | None = None
) -> str:
    """The HTML of the organisations page."""
    return page(site, "organisations.html", organisations(site, wanted), root=root, request=request)


def organisation_routes(site: Site) -> list[BaseRoute]:
    """``/organisations``."""

    def endpoint(request: Request) -> Response:
        wanted = languages(request.headers.get("accept-language"))
        try:
            html = render_organisations(site, wanted, request=request)
        except QueryError as error:
            return PlainTextResponse(f"{error}\n", status_code=503)
        return HTMLResponse(html, headers={"vary": "Accept-Language"})

    return [Route("/organisations", endpoint, name="organisations")]
