"""``secongraph publish``: the pages of ``serve`` as a static folder that works from the file
system and under any prefix of a web server, with every download and its checksum.

The site is published once per module by the real command (a subprocess, as ``make demo`` runs
it) from the built SECON store and real outputs of ``export``, ``maps`` and ``docs``; pages are
compared with those of a real ``secongraph serve``, and opened in Chromium.
"""

from __future__ import annotations

import hashlib
import http.server
import re
import resource
import subprocess
import sys
import threading
import urllib.request
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlencode, urlsplit

import lxml.html
import pytest
from axe import assert_accessible

from secongraph.queries import load_queries
from secongraph.web.pages import SECURITY_HEADERS

SERVER_ONLY = ("/sparql", "/editor", "/reconcile", "/search")
SUMMARY = re.compile(
    r"Wrote (?P<folder>.+): (?P<pages>[\d,]+) pages, (?P<files>[\d,]+) files, [\d.]+ MB"
)


def _secongraph(*args: str, **options: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "secongraph", *args], capture_output=True,
                          text=True, timeout=600, **options)  # fmt: skip


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory, data_dir: Path, built_secon: Path) -> Path:
    """The outputs ``make demo`` writes beside the store: exports, maps, ontology docs."""
    out = tmp_path_factory.mktemp("outputs")
    common = ("--data", str(data_dir), "--store", str(built_secon))
    for command in (
        ("export", *common, "--out", str(out), "-f", "ttl", "-f", "nt", "-f", "jsonld"),
        ("maps", *common, "--out", str(out)),
        ("docs", "--output", str(out / "ontology.html")),
    ):
        done = _secongraph(*command)
        assert done.returncode == 0, done.stderr
    return out


@pytest.fixture(scope="module")
def publishing(
    tmp_path_factory: pytest.TempPathFactory, data_dir: Path, built_secon: Path, outputs: Path
) -> tuple[Path, subprocess.CompletedProcess[str]]:
    """The site ``secongraph publish`` wrote, and the run that wrote it."""
    site = tmp_path_factory.mktemp("published") / "site"
    done = _secongraph("publish", "--data", str(data_dir), "--store", str(built_secon),
                       "--out", str(outputs), "-o", str(site))  # fmt: skip
    assert done.returncode == 0, done.stderr
    return site, done


@pytest.fixture(scope="module")
def published(publishing: tuple[Path, Any]) -> Path:
    return publishing[0]


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=60) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def _pages(site: Path) -> list[Path]:
    """The pages of the site (the downloaded files themselves left out)."""
    downloads = site / "downloads"
    return [p for p in site.rglob("*.html") if p.parent != downloads or p.name == "index.html"]


def _relative_links(page: Path) -> Iterator[str]:
    document = lxml.html.parse(str(page)).getroot()
    for element in document.iter("a", "link", "script", "img"):
        value = element.get("href") or element.get("src")
        if value and not urlsplit(value).scheme and not value.startswith("#"):
            yield value


def _target(page: Path, link: str) -> Path:
    return (page.parent / unquote(urlsplit(link).path)).resolve()


def _h1(html: bytes) -> str:
    return " ".join(lxml.html.fromstring(html).findtext(".//h1").split())


def _internal(html: bytes) -> list[str]:
    """The internal links (absolute paths) of a served page, each once."""
    hrefs = lxml.html.fromstring(html).xpath("//a/@href")
    return list(dict.fromkeys(h.split("#")[0] for h in hrefs if h.startswith("/")))


def test_the_command_prints_one_summary_that_counts_the_site(
    publishing: tuple[Path, subprocess.CompletedProcess[str]],
) -> None:
    site, done = publishing
    last = done.stderr.strip().splitlines()[-1]
    summary = SUMMARY.fullmatch(last)
    assert summary, last
    assert summary["folder"] == str(site)
    files = [p for p in site.rglob("*") if p.is_file()]
    assert int(summary["files"].replace(",", "")) == len(files)
    assert int(summary["pages"].replace(",", "")) == len(_pages(site))
    assert "Publishing pages" in done.stderr  # the progress bar


def test_every_page_the_home_page_links_is_published(served: str, published: Path) -> None:
    status, home = _get(f"{served}/")
    static_home = (published / "index.html").read_text(encoding="utf-8")
    links = _internal(home)
    assert len(links) >= 5
    for link in links:
        if link.startswith(SERVER_ONLY):
            continue
        status, page = _get(f"{served}{link}")
        file = published / unquote(link).strip("/") / "index.html"
        if status == 200:
            assert file.is_file(), link
            assert _h1(file.read_bytes()) == _h1(page), link
        else:  # an address serve does not answer is text, not a broken link
            assert not file.exists(), link
            label = lxml.html.fromstring(home).xpath("//a[@href=$h]", h=link)[0].text_content()
            assert f"<span>{label}</span>" in static_home, link


def test_each_question_is_published_with_its_answer_for_its_defaults(
    served: str, published: Path
) -> None:
    for named in load_queries().values():
        page = published / "questions" / named.name / "index.html"
        assert page.is_file(), named.name
        document = lxml.html.parse(str(page)).getroot()
        if any(p.required and p.default is None for p in named.parameters):
            continue  # no answer without a value: the form alone
        values = urlencode({p.name: p.default or "" for p in named.parameters})
        status, served_page = _get(f"{served}/questions/{named.name}?{values}")
        assert status == 200, named.name
        expected = lxml.html.fromstring(served_page).xpath("//h2[@id='results']/text()")
        assert document.xpath("//h2[@id='results']/text()") == expected, named.name
        rows = lxml.html.fromstring(served_page).xpath("//table//tbody/tr")
        assert len(document.xpath("//table//tbody/tr")) == len(rows), named.name
        # the form shows the values it was answered for, and says it needs a server to change
        assert all(f.get("disabled") for f in document.xpath("//form//input|//form//select"))
        assert "needs secongraph serve" in " ".join(document.text_content().split())


def test_no_link_of_any_page_is_broken(published: Path) -> None:
    checked = 0
    for page in _pages(published):
        html = page.read_text(encoding="utf-8")
        document = lxml.html.fromstring(html)
        for value in document.xpath("//a/@href|//link/@href|//script/@src|//img/@src"):
            assert not value.startswith("/"), (page, value)  # no path from a server's root
            assert "publish.invalid" not in value, (page, value)
        for link in _relative_links(page):
            assert _target(page, link).is_file(), (page.relative_to(published), link)
            checked += 1
    assert checked > 1000


def test_server_only_features_are_text_with_a_note(published: Path) -> None:
    home = lxml.html.parse(str(published / "index.html")).getroot()
    nav = home.xpath("//header//nav")[0]
    editor = nav.xpath(".//*[normalize-space(text())='SPARQL editor']")[0]
    assert editor.tag == "span"
    assert "needs secongraph serve" in " ".join(nav.text_content().split())
    assert nav.xpath(".//a[normalize-space(text())='Downloads']/@href") == ["downloads/index.html"]


def test_every_page_declares_the_servers_policy(published: Path) -> None:
    header = SECURITY_HEADERS["content-security-policy"]
    expected = "; ".join(d.strip() for d in header.split(";") if "frame-ancestors" not in d)
    for page in _pages(published):
        document = lxml.html.parse(str(page)).getroot()
        declared = document.xpath("//head/meta[@http-equiv='Content-Security-Policy']/@content")
        assert declared == [expected], page
        assert not document.xpath("//script[not(@src)]|//*[@style]"), page


def test_an_entity_page_says_what_the_served_page_says(
    served: str, published: Path, secon_store: Any
) -> None:
    rows = secon_store.select(
        "SELECT DISTINCT ?o WHERE { ?o a ?type FILTER(STRSTARTS(STR(?o), "
        '"https://w3id.org/secongraph/id/organisation/")) } ORDER BY ?o LIMIT 3'
    ).rows
    assert len(rows) == 3
    for row in rows:
        path = str(row["o"]).removeprefix("https://w3id.org/secongraph/")
        status, served_page = _get(f"{served}/{path}")
        assert status == 200
        file = published / path / "index.html"
        static = lxml.html.parse(str(file)).getroot()
        live = lxml.html.fromstring(served_page)
        for section in ("statements", "mentions"):
            want = live.xpath(f"//*[@id='{section}']")
            got = static.xpath(f"//*[@id='{section}']")
            assert [" ".join(e.text_content().split()) for e in got] == [
                " ".join(e.text_content().split()) for e in want
            ], (path, section)
            hrefs = [h for e in want for h in e.xpath(".//a/@href")]
            links = [h for e in got for h in e.xpath(".//a/@href")]
            assert len(hrefs) == len(links)
            for href, link in zip(hrefs, links, strict=True):
                if href.startswith("/"):
                    assert _target(file, link) == (published / unquote(href[1:]) / "index.html")
                else:
                    assert link == href
        for fmt in ("ttl", "jsonld", "nt"):
            status, rdf = _get(f"{served}/{path}?format={fmt}")
            assert (file.parent / f"index.{fmt}").read_bytes() == rdf
            assert static.xpath(f"//link[@rel='alternate'][@href='index.{fmt}']")


def test_the_downloads_are_every_output_with_checksums_that_verify(
    published: Path, outputs: Path
) -> None:
    downloads = published / "downloads"
    expected = sorted(p.name for p in outputs.iterdir() if p.is_file())
    assert {"secon.ttl", "secon-dataset.ttl", "ontology.html"} <= set(expected)
    assert any(name.startswith("map-") for name in expected)
    sums = (downloads / "SHA256SUMS").read_text(encoding="utf-8").splitlines()
    assert sorted(line.split("  ", 1)[1] for line in sums) == expected
    check = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=downloads,
                           capture_output=True, text=True)  # fmt: skip
    assert check.returncode == 0, check.stdout + check.stderr
    page = lxml.html.parse(str(downloads / "index.html")).getroot()
    for name in expected:
        original = (outputs / name).read_bytes()
        row = page.xpath("//tbody/tr[td/a/text()=$n]", n=name)[0]
        cells = [" ".join(td.text_content().split()) for td in row.xpath("td")]
        assert cells[1:] == [f"{len(original):,}", hashlib.sha256(original).hexdigest()]
        assert (downloads / name).read_bytes() == original


def _walk(page: Any, start: str, *, axe: bool) -> list[str]:
    """Home → a question → an entity of its answer → the downloads → a map; the addresses
    visited. Fails on any console error or failed request, and with ``axe`` on any WCAG 2.1 AA
    violation of the site's pages (axe reads the style sheets with requests that Chromium
    refuses to a page from the file system: there the pages are checked over HTTP)."""
    problems: list[str] = []

    def console(message: Any) -> None:  # the browser's own /favicon.ico, outside the site, aside
        if message.type == "error" and not message.location["url"].endswith("/favicon.ico"):
            problems.append(f"{message.location['url']}: {message.text}")

    page.on("console", console)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("requestfailed", lambda r: problems.append(f"{r.url}: {r.failure}"))
    visited = []
    page.goto(start)
    visited.append(page.url)
    if axe:
        assert_accessible(page)
    for link in (
        "header nav a:text-is('Questions')",
        "a:has-text('SECON partners by country')",
        "table tbody a[href*='organisation']",
        "header nav a:text-is('Downloads')",
        "a:text-is('map-co-participation.html')",
    ):
        page.locator(link).first.click()
        page.wait_for_load_state("load")
        visited.append(page.url)
        if axe and "map-" not in page.url:
            assert_accessible(page)
    assert page.title()
    assert not problems, problems
    return visited


@pytest.mark.browser
def test_the_site_works_from_the_file_system(browser: Any, published: Path) -> None:
    page = browser.new_page()
    try:
        visited = _walk(page, (published / "index.html").as_uri(), axe=False)
    finally:
        page.close()
    assert all(url.startswith("file://") for url in visited)
    assert "/id/organisation/" in visited[3]
    assert visited[-1].endswith("downloads/map-co-participation.html")


@pytest.fixture
def mirrored(tmp_path: Path, published: Path) -> Iterator[str]:
    """The site under a sub-path of a plain web server on 127.0.0.1; yields the site's URL."""
    root = tmp_path / "www"
    (root / "mirror").mkdir(parents=True)
    (root / "mirror" / "secon").symlink_to(published, target_is_directory=True)
    handler = partial(http.server.SimpleHTTPRequestHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/mirror/secon/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.browser
def test_the_site_works_under_a_prefix_of_a_web_server(browser: Any, mirrored: str) -> None:
    page = browser.new_page()
    try:
        visited = _walk(page, mirrored, axe=True)
    finally:
        page.close()
    assert all(url.startswith(mirrored) for url in visited)


def _snapshot(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in folder.rglob("*") if p.is_file()
    }  # fmt: skip


def test_a_failure_midway_leaves_the_previous_site(
    tmp_path: Path, data_dir: Path, built_secon: Path, outputs: Path, published: Path
) -> None:
    import shutil

    site = tmp_path / "site"
    shutil.copytree(published, site)
    before = _snapshot(site)
    largest = max(p.stat().st_size for p in outputs.iterdir() if p.is_file())

    def small_files() -> None:  # a file system that takes no file as large as the largest output
        resource.setrlimit(resource.RLIMIT_FSIZE, (largest // 2, largest // 2))

    done = _secongraph("publish", "--data", str(data_dir), "--store", str(built_secon),
                       "--out", str(outputs), "-o", str(site), preexec_fn=small_files)  # fmt: skip
    assert done.returncode != 0
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("Error: ") and str(site) in last, done.stderr
    assert "Traceback" not in done.stderr
    assert _snapshot(site) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]  # nothing left beside it


def test_a_folder_that_is_no_site_is_not_replaced(
    tmp_path: Path, data_dir: Path, built_secon: Path, outputs: Path
) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    done = _secongraph("publish", "--data", str(data_dir), "--store", str(built_secon),
                       "--out", str(outputs), "-o", str(tmp_path))  # fmt: skip
    assert done.returncode != 0
    assert "not a site secongraph publish wrote" in done.stderr.strip().splitlines()[-1]
    assert (tmp_path / "notes.txt").read_text() == "mine"
