"""How a page of the server becomes a file of a static site: its file name, and its HTML with
every internal link made relative, so the folder works from the file system and under any
prefix of any web server.

- A page (HTML) at ``/a/b`` is the file ``a/b/index.html``; a file with an extension and no
  query (``/static/site.css``, ``/api/openapi.json``) keeps its path.
- An address with a query string gets a file beside its path's page: ``format=F`` names the
  extension, the other parameters a readable slug and a short hash of the exact query, so that
  names are safe on any file system and never clash (``/id/x?format=ttl`` → ``id/x/index.ttl``;
  ``/api/q?c=GR&format=csv`` → ``api/q/index.c-GR-d8346d77.csv``).
- Links to what only a server can do (:data:`NEEDS_SERVER`, and every form) are kept as text
  with a visible note, never as links that lead nowhere.

HTML is read and written with lxml's HTML parser, never with patterns.
"""

from __future__ import annotations

import hashlib
import mimetypes
import posixpath
import re
from collections.abc import Callable, Iterator
from urllib.parse import parse_qsl, quote, unquote, urlencode, urljoin, urlsplit

import lxml.html
from lxml.html import HtmlElement

ORIGIN = "http://publish.invalid"
"""The origin the pages are crawled from: internal links are those that resolve to it."""
NEEDS_SERVER = ("/sparql", "/editor", "/reconcile", "/search")
"""Paths that answer what a reader asks at the moment (a query, a search): only a server can."""
NOTE = "needs <code>secongraph serve</code>"
LINKS = {"a": "href", "link": "href", "script": "src", "img": "src"}
"""The elements whose attribute is followed and rewritten."""
META_CANNOT = ("frame-ancestors", "report-uri", "report-to", "sandbox")
"""Directives of a Content-Security-Policy that a ``<meta>`` element cannot carry."""
EXTENSIONS = {
    "text/html": "html",
    "application/json": "json",
    "application/sparql-results+json": "json",
    "application/ld+json": "jsonld",
    "text/turtle": "ttl",
    "application/n-triples": "nt",
    "text/csv": "csv",
    "text/javascript": "js",
}
_UNSAFE = re.compile(r"[^A-Za-z0-9_-]+")

Resolve = Callable[[str], str | None]
"""Gives the site file of an internal address (path and query), or ``None`` if it has none."""


def address(page: str, link: str) -> tuple[str, str] | None:
    """The internal address (path and query) ``link`` on page ``page`` points to, and its
    fragment; ``None`` for a link elsewhere or within the page.

    Examples
    --------
    >>> address("/id/a", "../sources?x=1#top")
    ('/sources?x=1', 'top')
    >>> address("/", "https://example.org/") is None
    True
    """
    if not link or link.startswith("#"):
        return None
    parts = urlsplit(urljoin(ORIGIN + page, link))
    if f"{parts.scheme}://{parts.netloc}" != ORIGIN:
        return None
    return parts.path + (f"?{parts.query}" if parts.query else ""), parts.fragment


def needs_server(target: str) -> bool:
    """Whether ``target`` (an internal address) only works on a server."""
    path = urlsplit(target).path
    return any(path == p or path.startswith(f"{p}/") for p in NEEDS_SERVER)


def site_file(target: str, media_type: str) -> str | None:
    """The file of the static site that holds ``target`` (path and query), answered as
    ``media_type``; ``None`` when its path cannot be a file name (an empty, ``.`` or ``..``
    segment).

    Examples
    --------
    >>> site_file("/", "text/html")
    'index.html'
    >>> site_file("/id/organisation/caf%C3%A9", "text/html")
    'id/organisation/café/index.html'
    >>> site_file("/id/x?format=ttl", "text/turtle")
    'id/x/index.ttl'
    >>> site_file("/static/site.css", "text/css")
    'static/site.css'
    >>> site_file("/api/q?c=GR&format=csv", "text/csv")
    'api/q/index.c-GR-d8346d77.csv'
    """
    parts = urlsplit(target)
    segments = [unquote(s) for s in parts.path.strip("/").split("/")] if parts.path != "/" else []
    if any(s in ("", ".", "..") or "\0" in s for s in segments):
        return None
    folder = "/".join(segments)
    if not parts.query and media_type != "text/html" and "." in (segments or [""])[-1]:
        return folder
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    given = dict(pairs).get("format")
    extension = _UNSAFE.sub("", given or "") or _extension(media_type)
    rest = urlencode([(k, v) for k, v in pairs if k != "format"])
    name = "index"
    if rest:
        slug = _UNSAFE.sub("-", unquote(rest).replace("=", "-")).strip("-")[:60]
        name += f".{slug}-{hashlib.sha256(parts.query.encode()).hexdigest()[:8]}"
    return posixpath.join(folder, f"{name}.{extension}")


def _extension(media_type: str) -> str:
    known = EXTENSIONS.get(media_type) or mimetypes.guess_extension(media_type)
    return known.lstrip(".") if known else "bin"


def relative(page_file: str, target_file: str, fragment: str = "") -> str:
    """The link from the file ``page_file`` to ``target_file``, both paths in the site.

    Examples
    --------
    >>> relative("sources/y/index.html", "id/x/index.html")
    '../../id/x/index.html'
    >>> relative("index.html", "id/caf\u00e9/index.html", "top")
    'id/caf%C3%A9/index.html#top'
    """
    link = quote(posixpath.relpath(target_file, posixpath.dirname(page_file) or "."))
    return f"{link}#{fragment}" if fragment else link


def links(document: HtmlElement) -> Iterator[tuple[HtmlElement, str, str]]:
    """Every followed link of ``document``: element, attribute, value."""
    for element in document.iter(*LINKS):
        value = element.get(LINKS[element.tag])
        if value is not None:
            yield element, LINKS[element.tag], value.strip()


def parse(html: bytes) -> HtmlElement:
    """The document of a page."""
    return lxml.html.document_fromstring(html)


def rewrite(
    document: HtmlElement, page: str, page_file: str, resolve: Resolve, *, policy: str | None
) -> bytes:  # fmt: skip
    """The page ``page`` (its address), to be written as ``page_file``, made static: internal
    links relative (those ``resolve`` gives no file for kept as text, or left out when they
    show nothing), forms and server-only links kept as text with a note, the address of the
    server left out, and ``policy`` (the page's Content-Security-Policy) as a ``<meta>``."""
    for element, attribute, value in list(links(document)):
        found = address(page, value)
        if found is None:
            continue
        target, fragment = found
        if needs_server(target):
            _unlink(element, note=True)
        elif (file := resolve(target)) is None:
            _unlink(element, note=False)
        else:
            element.set(attribute, relative(page_file, file, fragment))
    for form in document.iter("form"):
        _disable(form)
    for element in list(document.iter("input")):
        if (element.get("value") or "").startswith(ORIGIN):  # the server's own address
            for label in document.xpath("//label[@for=$id]", id=element.get("id", "")):
                label.drop_tree()
            element.drop_tree()
    if policy is not None:
        _declare(document, policy)
    return lxml.html.tostring(document, doctype="<!doctype html>", encoding="utf-8")


def _note(html: str) -> HtmlElement:
    """An element of the server note, from ``html`` (a fixed string)."""
    return lxml.html.fragment_fromstring(html.format(NOTE))


def _unlink(element: HtmlElement, *, note: bool) -> None:
    """Keep a link's text without the link (with the server note), or drop an element that
    shows nothing (``<link>``, ``<script>``)."""
    if element.tag != "a":
        element.drop_tree()
        return
    element.tag = "span"
    for attribute in ("href", "download", "type", "rel"):
        element.attrib.pop(attribute, None)
    if note:
        marker = _note("<small class='needs-server'>({})</small>")
        marker.tail, element.tail = element.tail, " "
        element.addnext(marker)


def _disable(form: HtmlElement) -> None:
    """A form cannot be sent to a static site: its fields stay, to show the values the page
    was made with, disabled, with the server note."""
    for attribute in ("action", "method"):
        form.attrib.pop(attribute, None)
    for field in form.iter("input", "select", "textarea", "button"):
        field.set("disabled", "disabled")
    form.append(_note("<p class='needs-server'>Running it with other values {}.</p>"))


def add_to_nav(document: HtmlElement, href: str, label: str, *, current: bool) -> None:
    """Add a section only the static site has (``href``, ``label``) to the site's navigation."""
    for menu in document.xpath("//header//nav//ul[1]")[:1]:
        item = lxml.html.Element("li")
        link = lxml.html.Element("a", {"href": href})
        link.text = label
        if current:
            link.set("aria-current", "page")
        item.append(link)
        menu.append(item)


def meta_policy(header: str) -> str:
    """``header``, a Content-Security-Policy, without the directives a ``<meta>`` ignores.

    Examples
    --------
    >>> meta_policy("default-src 'self'; frame-ancestors 'none'")
    "default-src 'self'"
    """
    kept = [d.strip() for d in header.split(";") if d.strip().split(" ")[0] not in META_CANNOT]
    return "; ".join(d for d in kept if d)


def _declare(document: HtmlElement, policy: str) -> None:
    meta = lxml.html.Element("meta", {"http-equiv": "Content-Security-Policy", "content": policy})
    head = document.find("head")
    charset = head.find("meta[@charset]")
    if charset is not None:
        charset.addnext(meta)
    else:
        head.insert(0, meta)
