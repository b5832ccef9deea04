"""Every kind of page of the real ``secongraph serve`` in Chromium at 375 × 740 px: it passes
axe-core (WCAG 2.1 A and AA), does not scroll sideways, logs no error and breaks no
Content-Security-Policy; and the pages of the site's frame are reached by keyboard: the first Tab
reaches "Skip to the content", and Enter moves the focus to the main content."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import quote, urlencode

import pytest
from axe import assert_accessible

from secongraph.namespaces import BASE, SG
from secongraph.queries import run_query
from secongraph.web.describe import pages_of

pytestmark = [pytest.mark.server, pytest.mark.browser]

CSP_WATCH = """
window.__csp = [];
document.addEventListener('securitypolicyviolation',
  e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));
"""
FIRST = """SELECT ?entity WHERE {{ ?entity a/rdfs:subClassOf* <{klass}>
  FILTER(STRSTARTS(STR(?entity), "{base}id/")) }} ORDER BY ?entity LIMIT 1"""
FRAMELESS = ("/ontology", "/maps/", "/reconcile/preview")
"""Pages that are not in the site's frame (pyLODE's, the maps', the preview card): no skip link."""


def first(store: Any, klass: str) -> str:
    rows = store.select(FIRST.format(klass=klass, base=BASE)).rows
    assert rows, klass
    return "/" + str(rows[0]["entity"]).removeprefix(BASE)


def a_question(site: Any) -> str:
    """A question without parameters that has an answer."""
    return next(
        f"/questions/{quote(name)}" for name, q in site.queries.items()
        if not q.parameters and run_query(site.store, q).rows
    )  # fmt: skip


def a_source(site: Any) -> str:
    documents = pages_of(site)
    return str(documents.path(next(iter(documents.documents.values()))))


EDITOR = "SELECT ?s ?label WHERE { ?s rdfs:label ?label } LIMIT 20"
PAGES: dict[str, Callable[[Any], str]] = {
    "home": lambda site: "/",
    "search results": lambda site: "/search?q=haskovo",
    "search without hits": lambda site: "/search?q=qqqzzz",
    "organisations": lambda site: "/organisations",
    "questions": lambda site: "/questions",
    "a question with results": a_question,
    "editor with results": lambda site: "/editor?" + urlencode({"query": EDITOR}),
    "organisation": lambda site: first(site.store, SG.Organisation),
    "event": lambda site: first(site.store, SG.Event),
    "region": lambda site: first(site.store, SG.Region),
    "project": lambda site: first(site.store, SG.Project),
    "source": a_source,
    "sources": lambda site: "/sources",
    "events": lambda site: "/events",
    "regions": lambda site: "/regions",
    "ontology": lambda site: "/ontology",
    "maps": lambda site: "/maps",
    "a map": lambda site: "/maps/co-participation",
    "the geographic map": lambda site: "/maps/geographic",
    "reconcile preview": lambda site: "/reconcile/preview?id=" + first(site.store, SG.Organisation).removeprefix("/id/"),
    "404": lambda site: "/no-such-page",
    "entity 404": lambda site: "/id/organisation/no-such-organisation",
}  # fmt: skip
"""A page of every kind, chosen from the graph."""


@pytest.fixture(scope="module")
def phone(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 375, "height": 740})
    yield context
    context.close()


@pytest.mark.parametrize("kind", list(PAGES))
def test_every_kind_of_page_is_accessible_on_a_phone(
    served: str, phone: Any, site: Any, kind: str
) -> None:
    check(phone, served, PAGES[kind](site))


def check(context: Any, served: str, path: str) -> None:
    tab = context.new_page()
    errors: list[str] = []
    url = served + path
    tab.on("console", lambda m: errors.append(f"{m.text} ({m.location.get('url')})")
           if m.type == "error" and m.location.get("url") != url else None)  # fmt: skip
    tab.on("pageerror", lambda e: errors.append(str(e)))
    tab.add_init_script(CSP_WATCH)
    try:
        answer = tab.goto(url)
        assert answer is not None
        assert answer.status == (404 if "no-such" in path else 200), answer.status
        tab.wait_for_load_state("load")
        assert tab.evaluate("window.__csp") == [], "breaks its policy"
        assert errors == [], errors
        assert tab.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), (
            "scrolls sideways"
        )
        assert_accessible(tab)  # after the policy's check: axe adds styles of its own
        if not path.startswith(FRAMELESS):
            tab.keyboard.press("Tab")
            assert tab.evaluate("document.activeElement.textContent") == "Skip to the content"
            tab.keyboard.press("Enter")
            assert tab.evaluate("document.activeElement.id") == "main", "skip link"
    finally:
        tab.close()
