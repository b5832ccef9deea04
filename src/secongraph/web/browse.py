"""The lists to browse the graph by: sources (``/sources``, and a page per source document
whose address is elsewhere, ``/sources/{key}``), events as a timeline (``/events``) and the
regions with who is there (``/regions``, grouped by country with their NUTS codes).

Each list is a function ``(site, languages) -> dict`` (:data:`LISTS`) that
:func:`render_list` fills its template with, so ``publish`` can write the same pages.
"""

from __future__ import annotations

import calendar
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from itertools import groupby
from typing import Any

from rdflib import Literal, URIRef
from rdflib.term import Identifier
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from ..errors import QueryError
from ..namespaces import SG
from ..queries import run_query
from .describe import (
    CATALOGUE,
    SUPPORTED,
    Shown,
    best,
    labels,
    pages_of,
    question,
    show,
    supported,
    titled,
)
from .entities import page, render_entity, render_missing
from .negotiation import languages
from .site import Site

REGIONS = f"""SELECT ?region ?code ?country ?organisation ?relation WHERE {{
  {{ ?organisation <{SG.territory}> ?region BIND("governs or serves" AS ?relation) }}
  UNION {{ ?organisation <{SG.locatedIn}> ?region BIND("located in" AS ?relation) }}
  UNION {{ ?organisation <{SG.locatedIn}>/<{SG.locatedIn}> ?region
           BIND("located in a place in" AS ?relation) }}
  ?region a/rdfs:subClassOf* <{SG.Region}> .
  ?organisation a/rdfs:subClassOf* <{SG.Organisation}> .
  OPTIONAL {{ ?region <{SG.nutsCode}> ?code }}
  OPTIONAL {{ ?region <{SG.country}> ?country }}
}}"""
"""The regions organisations govern, serve or lie in (directly or through a place)."""


def _shows(
    site: Site, iris: set[str], languages: Sequence[str]
) -> Callable[[Identifier | None], Shown]:
    names = labels(site, iris, languages)
    pages = pages_of(site)
    return lambda term: show(term, names, pages)


def sources(site: Site, languages: Sequence[str]) -> dict[str, Any]:
    """Every source document: title (in the reader's language), publisher, date, and how many
    facts the graph takes from it, stated and added."""
    rows = site.store.select(CATALOGUE, origin="sources", timeout=site.timeout).rows
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    graphs = site.store.select(SUPPORTED, origin="sources", timeout=site.timeout).rows
    for document, _, status, facts in supported(graphs):
        counts[document][status] += facts
    documents: dict[str, dict[str, list[Identifier]]] = defaultdict(lambda: defaultdict(list))
    for row in rows:
        entry = documents[str(row["document"])]
        for key in ("title", "publisher", "issued"):
            if row[key] is not None and row[key] not in entry[key]:
                entry[key].append(row[key])  # type: ignore[arg-type]
    publishers = {str(p) for e in documents.values() for p in e["publisher"]}
    shown = _shows(site, {*documents, *publishers}, languages)
    listed: list[dict[str, Any]] = []
    for iri, entry in documents.items():
        title = best([t for t in entry["title"] if isinstance(t, Literal)], languages)
        linked = titled(shown(URIRef(iri)), title)
        listed.append({
            "document": linked,
            "publisher": [shown(p) for p in entry["publisher"]],
            "issued": ", ".join(sorted(str(d) for d in entry["issued"])),
            "facts": dict(counts[iri]),
        })  # fmt: skip
    listed.sort(key=lambda d: d["document"].text.casefold())
    return {"documents": listed}


def events(site: Site, languages: Sequence[str]) -> dict[str, Any]:
    """The events that are not part of another, by year and month in date order, with kind,
    place and number of participants: the library question ``timeline``."""
    result = run_query(site.store, question("timeline"), lang=languages, timeout=site.timeout)
    names: dict[str, Literal] = {}
    for row in result.rows:
        for column in ("event", "type", "place"):
            if isinstance(row[f"{column}_label"], Literal):
                names[str(row[column])] = row[f"{column}_label"]  # type: ignore[assignment]
    pages = pages_of(site)
    items: list[dict[str, Any]] = [
        {
            "start": str(row["start"]),
            "end": None if row["end"] is None or row["end"] == row["start"] else str(row["end"]),
            "event": show(row["event"], names, pages),
            "kind": None if row["type"] is None else show(row["type"], names, pages),
            "place": None if row["place"] is None else show(row["place"], names, pages),
            "participants": int(row["participants"] or 0),
        }
        for row in result.rows
    ]
    years = []
    for year, in_year in groupby(items, key=lambda e: e["start"][:4]):
        months = []
        for month, in_month in groupby(in_year, key=lambda e: e["start"][5:7]):
            name = calendar.month_name[int(month)] if month.isdigit() else "Month not given"
            months.append({"name": name, "id": f"m{year}-{month}", "events": list(in_month)})
        years.append({"year": year, "months": months})
    return {"years": years, "count": len(items)}


def regions(site: Site, languages: Sequence[str]) -> dict[str, Any]:
    """The regions where organisations are (that they govern or serve, or lie in), grouped by
    country, each with its NUTS code and who is there."""
    rows = site.store.select(REGIONS, origin="regions", timeout=site.timeout).rows
    iris = {str(row[k]) for row in rows for k in ("region", "country", "organisation") if row[k]}
    shown = _shows(site, iris, languages)
    by_region: dict[str, dict[str, Any]] = {}
    for row in rows:
        region = by_region.setdefault(str(row["region"]), {
            "region": shown(row["region"]),
            "code": None if row["code"] is None else str(row["code"]),
            "country": shown(row["country"]) if row["country"] is not None else None,
            "who": {},
        })  # fmt: skip
        who = region["who"].setdefault(str(row["organisation"]), (shown(row["organisation"]), []))
        if str(row["relation"]) not in who[1]:
            who[1].append(str(row["relation"]))
    countries: dict[str, dict[str, Any]] = {}
    for region in by_region.values():
        country = region["country"]
        key = country.iri if country is not None else ""
        entry = countries.setdefault(key, {"country": country, "regions": []})
        region["who"] = sorted(region["who"].values(), key=lambda w: w[0].text.casefold())
        entry["regions"].append(region)
    for entry in countries.values():
        entry["regions"].sort(key=lambda r: (r["code"] or "~", r["region"].text.casefold()))
    ordered = sorted(countries.values(),
                     key=lambda c: (c["country"] is None, c["country"].text.casefold() if c["country"] else ""))  # fmt: skip
    return {"countries": ordered, "count": len(by_region)}


LISTS: dict[str, Callable[[Site, Sequence[str]], dict[str, Any]]] = {
    "sources": sources,
    "events": events,
    "regions": regions,
}
"""Each list page: its name (and template ``{name}.html``, path ``/{name}``) and its data."""


def render_list(
    site: Site, name: str, languages: Sequence[str] = ("en",), *, root: str = "",
    request: Request | None = None,
) -> str:  # fmt: skip
    """The HTML of the list page ``name`` (a key of :data:`LISTS`)."""
    return page(site, f"{name}.html", LISTS[name](site, languages), root=root, request=request)


def routes(site: Site) -> list[BaseRoute]:
    """``/sources``, ``/sources/{key}``, ``/events`` and ``/regions``."""

    def listing(name: str) -> Callable[[Request], Response]:
        def endpoint(request: Request) -> Response:
            wanted = languages(request.headers.get("accept-language"))
            try:
                html = render_list(site, name, wanted, request=request)
            except QueryError as error:
                return PlainTextResponse(f"{error}\n", status_code=503)
            return HTMLResponse(html, headers={"vary": "Accept-Language"})

        return endpoint

    def source(request: Request) -> Response:
        key = request.path_params["key"]
        iri = pages_of(site).documents.get(key)
        wanted = languages(request.headers.get("accept-language"))
        html = None if iri is None else render_entity(site, iri, wanted, request=request)
        if html is None:
            missing = render_missing(site, f"/sources/{key}", request=request)
            return HTMLResponse(missing, status_code=404)
        return HTMLResponse(html, headers={"vary": "Accept-Language"})

    return [
        *(Route(f"/{name}", listing(name), name=name) for name in LISTS),
        Route("/sources/{key}", source, name="source"),
    ]
