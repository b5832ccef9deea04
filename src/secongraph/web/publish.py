"""``secongraph publish``: the pages of ``serve`` as a static folder, for the file system or any
web server.

The site is the real application crawled in this process (Starlette's test client, no network):
from the home page, every internal link of every page (``<a>``, ``<link>``, ``<script>``,
``<img>``) is fetched and written, so the folder keeps showing every page ``serve`` shows as
pages are added. Each question is also fetched with its default values, so its page holds its
answer; entity pages bring their RDF (``index.ttl``, ``index.jsonld``, ``index.nt``). File names
and the rewriting of links are :mod:`.static_site`'s.

A ``downloads/`` page offers every file of the built outputs (``--out``: the exports, maps and
ontology docs ``make demo`` wrote, not the store) with its size and SHA-256, and
``downloads/SHA256SUMS`` in the format of ``sha256sum -c``.

The site is built in a folder beside the target and put in its place when complete: a failure
leaves the previous site as it was.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl, quote, urlencode, urlsplit

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.testclient import TestClient

from ..errors import OutputError, printable
from ..files import output_error
from .app import routes
from .openapi import needed
from .pages import OWN_POLICY, SecurityHeaders, render
from .site import Site
from .static_site import (
    ORIGIN,
    add_to_nav,
    address,
    links,
    meta_policy,
    needs_server,
    parse,
    rewrite,
    site_file,
)

DOWNLOADS = "/downloads"
CHECKSUMS = "SHA256SUMS"
SITE_MARK = f"downloads/{CHECKSUMS}"
"""The file by which a folder is known as a published site, which ``publish`` may replace."""
Progress = Callable[[int, int], None]
"""Called with (pages done, pages found so far) as the crawl goes."""


@dataclass(frozen=True)
class Download:
    """A file of the built outputs, as the site offers it."""

    name: str
    size: int
    sha256: str

    @property
    def href(self) -> str:
        return f"{DOWNLOADS}/{quote(self.name)}"


@dataclass(frozen=True)
class Published:
    """What ``publish`` wrote: the folder, its pages, its files (pages included) and bytes, and
    the internal links no page answers (shown as text)."""

    folder: Path
    pages: int
    files: int
    size: int
    unanswered: tuple[str, ...]


def publish(
    site: Site, target: Path, *, outputs: Path, progress: Progress | None = None
) -> Published:
    """Write ``site`` as a static folder at ``target``, offering the files of ``outputs``.

    Raises
    ------
    OutputError
        If ``target`` is something else than a site ``publish`` wrote, or cannot be written;
        the previous site, if any, is then unchanged.
    """
    target = Path(target)
    if target.exists() and (not target.is_dir() or _foreign(target)):
        raise OutputError(
            f"{printable(target)}: not a site secongraph publish wrote (no {SITE_MARK}); "
            "it is left as it is",
            hint="Publish into a new or empty folder.",
        )
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fresh = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    except OSError as error:
        raise output_error(target, error) from error
    try:
        downloads = copy_downloads(outputs, fresh / DOWNLOADS.strip("/"))
        pages, unanswered = _Crawl(site, fresh, downloads).run(progress)
        files, size = _count(fresh)
        os.chmod(fresh, 0o755)  # mkdtemp makes it private; a site is meant to be shared
        _replace(fresh, target)
    except OSError as error:
        raise output_error(target, error) from error
    finally:
        shutil.rmtree(fresh, ignore_errors=True)
    return Published(target, pages, files, size, unanswered)


def _foreign(folder: Path) -> bool:
    """Whether ``folder`` holds files but is no published site."""
    return any(folder.iterdir()) and not (folder / SITE_MARK).is_file()


def copy_downloads(outputs: Path, folder: Path) -> list[Download]:
    """Copy each file of ``outputs`` (not its folders, such as the store, nor hidden files)
    into ``folder``, with their ``SHA256SUMS``; the files copied, by name."""
    folder.mkdir(parents=True)
    downloads = []
    for path in sorted(outputs.iterdir()):
        if path.name.startswith(".") or not path.is_file() or not _listable(path.name):
            continue
        copy = folder / path.name
        shutil.copyfile(path, copy)
        with copy.open("rb") as copied:
            digest = hashlib.file_digest(copied, "sha256").hexdigest()
        downloads.append(Download(path.name, copy.stat().st_size, digest))
    sums = "".join(f"{d.sha256}  {d.name}\n" for d in downloads)
    (folder / CHECKSUMS).write_text(sums, encoding="utf-8")
    return downloads


def _listable(name: str) -> bool:
    """Whether ``name`` can be a line of ``SHA256SUMS`` as it is (no escapes)."""
    return name.isprintable() and "\\" not in name


class _Crawl:
    """The crawl of the application into a folder, then the rewriting of its pages."""

    def __init__(self, site: Site, folder: Path, downloads: list[Download]) -> None:
        self.folder = folder
        self.client = TestClient(_application(site, downloads), base_url=ORIGIN)
        self.files: dict[str, str | None] = {d.href: d.href.strip("/") for d in downloads}
        """Each address crawled: its file, or ``None`` when it answers no page."""
        self.files[f"{DOWNLOADS}/{CHECKSUMS}"] = SITE_MARK
        self.moved: dict[str, str] = {}
        """Addresses that redirect, to where."""
        self.pages: dict[str, tuple[str, str | None]] = {}
        """The HTML pages written, by address: file and Content-Security-Policy."""
        self.defaults: dict[str, tuple[str, dict[str, str]]] = {}
        """Each question's page that is its answer for its defaults: that address, the values."""
        for named in site.queries.values():
            if named.parameters and not any(needed(p) for p in named.parameters):
                values = {p.name: p.default or "" for p in named.parameters}
                page = f"/questions/{quote(named.name)}"
                self.defaults[page] = (f"{page}?{urlencode(values)}", _given(values))

    def run(self, progress: Progress | None) -> tuple[int, tuple[str, ...]]:
        """Crawl from the home page, the downloads and the questions' default answers; write
        every file, then every page with its links made relative. Returns the number of pages
        and the addresses that answer no page."""
        found = ["/", DOWNLOADS, *(answer for answer, _ in self.defaults.values())]
        queue, seen = deque(found), set(found)
        with self.client:
            while queue:
                for target in self._fetch(queue.popleft()):
                    target = self._canonical(target)
                    if target not in seen and target not in self.files:
                        seen.add(target)
                        queue.append(target)
                if progress:
                    progress(len(seen) - len(queue), len(seen))
        for page, (file, policy) in self.pages.items():
            path = self.folder / file
            document = parse(path.read_bytes())
            add_to_nav(document, DOWNLOADS, "Downloads", current=page == DOWNLOADS)
            path.write_bytes(rewrite(document, page, file, self._resolve, policy=policy))
        unanswered = tuple(sorted(t for t, file in self.files.items() if file is None))
        return len(self.pages), unanswered

    def _fetch(self, target: str) -> list[str]:
        """Fetch ``target`` and write it; the internal addresses it links to."""
        response = self.client.get(target, follow_redirects=False)
        if response.is_redirect:
            moved = address(target, response.headers.get("location", ""))
            if moved is not None:
                self.moved[target] = moved[0]
                return [moved[0]]
        media_type = response.headers.get("content-type", "").split(";")[0].strip()
        file = site_file(self._file_address(target), media_type)
        self.files[target] = file if response.status_code == 200 else None
        if file is None or response.status_code != 200:
            return []
        path = self.folder / file
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(response.content)
        if media_type != "text/html":
            return []
        policy = response.headers.get(OWN_POLICY)
        self.pages[target] = (file, meta_policy(policy) if policy else None)
        return [
            found[0]
            for _, _, value in links(parse(response.content))
            if (found := address(target, value)) is not None and not needs_server(found[0])
        ]

    def _canonical(self, target: str) -> str:
        """A question's page with its default values as the one address crawled for it."""
        parts = urlsplit(target)
        default = self.defaults.get(parts.path)
        if default is not None and (
            not parts.query or _given(dict(parse_qsl(parts.query))) == default[1]
        ):
            return default[0]
        return target

    def _file_address(self, target: str) -> str:
        """The address whose file ``target`` is written to: a question's answer for its
        defaults is its page (``questions/NAME/index.html``)."""
        path = urlsplit(target).path
        return path if self.defaults.get(path, ("",))[0] == target else target

    def _resolve(self, target: str) -> str | None:
        target = self._canonical(target)
        for _ in range(8):  # a chain of redirects is followed this far
            if target not in self.moved:
                break
            target = self._canonical(self.moved[target])
        return self.files.get(target)


def _given(values: dict[str, str]) -> dict[str, str]:
    """The values of a question that are given (an empty value is not)."""
    return {name: value for name, value in values.items() if value}


def _application(site: Site, downloads: list[Download]) -> Starlette:
    """The application of ``serve`` (its routes and headers), with the downloads page."""

    async def downloads_page(request: Request) -> Response:
        return render(request, site, "downloads.html", {
            "downloads": downloads, "checksums": f"{DOWNLOADS}/{CHECKSUMS}",
        })  # fmt: skip

    return Starlette(
        routes=[Route(DOWNLOADS, downloads_page), *routes(site)],
        middleware=[Middleware(SecurityHeaders)],
    )


def _count(folder: Path) -> tuple[int, int]:
    """The files and bytes of ``folder``."""
    files = [path for path in folder.rglob("*") if path.is_file()]
    return len(files), sum(path.stat().st_size for path in files)


def _replace(fresh: Path, target: Path) -> None:
    """Put the folder ``fresh`` in the place of ``target`` (a site, or nothing)."""
    if not target.exists():
        fresh.rename(target)
        return
    old = target.with_name(f".{target.name}.{uuid.uuid4().hex[:8]}.old")
    target.rename(old)
    try:
        fresh.rename(target)
    except OSError:
        old.rename(target)
        raise
    shutil.rmtree(old, ignore_errors=True)
