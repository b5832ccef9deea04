"""``/search?q=``: the graph's entities by name, in any language, ranked.

Names are matched as the importers match them (:class:`~secongraph.ingest.reconcile.Reconciler`:
exact, normalised, fuzzy), on the index the reconciliation service keeps for the store
(:func:`secongraph.web.reconcile.service`); then every label that holds the query as a part of
a word, as it is written or normalised (accents dropped, Greek and Cyrillic transliterated),
so that "hasko" finds "Община Хасково".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from rdflib import Literal, URIRef
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from ..errors import QueryError
from ..ingest.reconcile import Reconciler
from ..namespaces import SG
from .describe import Shown, labels, pages_of, show
from .entities import languages, page
from .reconcile import service
from .site import Site

MAX_HITS = 50
"""The most hits a search page lists (it says how many there are)."""
MAX_QUERY = 200
"""The longest query searched (a longer one is cut)."""
HOW = {
    "exact": "the name",
    "normalised": "the name written another way",
    "fuzzy": "a similar name",
    "part": "part of a name",
}
"""How a hit matched, in words."""
_DETAILS = """SELECT ?entity ?country ?name WHERE {{
  VALUES ?entity {{ {entities} }}
  {{ ?entity (<{located}>|<{parent}>)*/<{country}> ?country }}
  UNION {{ ?entity rdfs:label|skos:prefLabel|skos:altLabel|skos:hiddenLabel ?name }}
}}"""


@dataclass(frozen=True)
class Hit:
    """An entity found: its name, types and countries as a page shows them, and the label
    the query matched (when it is another) with how it matched."""

    entity: Shown
    types: list[Shown]
    countries: list[Shown]
    matched: Shown | None
    how: str


def found(reconciler: Reconciler, text: str) -> list[tuple[URIRef, str, str]]:
    """(entity, label matched, how) for ``text``, best first: the reconciler's candidates
    (exact, normalised, fuzzy), then the labels that contain it (a word's start first, then
    the shortest)."""
    candidates = reconciler.candidates(text, limit=MAX_HITS)
    ranked = {c.entity: (c.label, HOW[c.method]) for c in candidates}
    hits = [(entity, label, method) for entity, (label, method) in ranked.items()]
    hits += [(entity, label, HOW["part"])
             for entity, label in reconciler.containing(text) if entity not in ranked]  # fmt: skip
    return hits


def search(site: Site, query: str, wanted: Sequence[str]) -> dict[str, Any]:
    """What the search page shows for ``query``: the hits (at most :data:`MAX_HITS`) and
    their number."""
    text = query.strip()[:MAX_QUERY]
    if not text:
        return {"query": "", "hits": [], "total": 0}
    reconciler = service(site).reconciler
    every = found(reconciler, text)
    chosen = every[:MAX_HITS]
    kinds = {entity: sorted(reconciler.classes(entity), key=str) for entity, _, _ in chosen}
    countries, spoken = _details(site, [entity for entity, _, _ in chosen])
    iris = {str(i) for i in (*kinds, *(k for ks in kinds.values() for k in ks))}
    iris |= {str(c) for cs in countries.values() for c in cs}
    names, pages = labels(site, iris, wanted), pages_of(site)
    hits = []
    for entity, label, how in chosen:
        shown = show(entity, names, pages)
        matched = None
        if label != shown.text:
            matched = Shown(label, lang=spoken.get((entity, label)))
        hits.append(Hit(
            entity=shown,
            types=[show(k, names, pages) for k in kinds[entity]],
            countries=[show(c, names, pages) for c in countries.get(entity, [])],
            matched=matched, how=how,
        ))  # fmt: skip
    return {"query": text, "hits": hits, "total": len(every)}


def _details(
    site: Site, entities: list[URIRef]
) -> tuple[dict[URIRef, list[URIRef]], dict[tuple[URIRef, str], str | None]]:
    """The countries of ``entities`` (theirs, or their place's) and the language of each of
    their labels."""
    if not entities:
        return {}, {}
    query = _DETAILS.format(
        entities=" ".join(f"<{e}>" for e in entities),
        located=SG.locatedIn, parent=SG.parentRegion, country=SG.country,
    )  # fmt: skip
    countries: dict[URIRef, list[URIRef]] = {}
    spoken: dict[tuple[URIRef, str], str | None] = {}
    for row in site.store.select(query, origin="search", timeout=site.timeout).rows:
        entity, country, name = row["entity"], row["country"], row["name"]
        assert isinstance(entity, URIRef)
        if isinstance(country, URIRef) and country not in countries.setdefault(entity, []):
            countries[entity].append(country)
        if isinstance(name, Literal):
            spoken.setdefault((entity, str(name)), name.language)
    return countries, spoken


def render_search(
    site: Site, query: str, wanted: Sequence[str] = ("en",), *, request: Request | None = None
) -> str:
    """The HTML of the search page for ``query`` (a page of the server only)."""
    return page(site, "search.html", search(site, query, wanted), request=request)


def search_routes(site: Site) -> list[BaseRoute]:
    """``/search?q=``."""

    async def endpoint(request: Request) -> Response:
        wanted = languages(request.headers.get("accept-language"))
        query = request.query_params.get("q", "")
        try:
            html = await run_in_threadpool(render_search, site, query, wanted, request=request)
        except QueryError as error:
            return PlainTextResponse(f"{error}\n", status_code=503)
        return HTMLResponse(html, headers={"vary": "Accept-Language"})

    return [Route("/search", endpoint, name="search")]
