"""The web application's frame: home page, security headers, static files, read-only, and the
real ``secongraph serve`` process."""

from __future__ import annotations

import urllib.request
from typing import Any

import pytest

from secongraph.web.pages import SECURITY_HEADERS


def test_home_page_counts_the_graph(web: Any, secon_store: Any) -> None:
    page = web.get("/")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert f"{len(secon_store):,} triples" in page.text
    assert '<html lang="en">' in page.text


def test_every_answer_carries_the_security_headers(web: Any) -> None:
    for path in ("/", "/static/site.css", "/no-such-page"):
        answer = web.get(path)
        for name, value in SECURITY_HEADERS.items():
            assert answer.headers[name] == value, (path, name)
    assert "script-src 'self'" in SECURITY_HEADERS["content-security-policy"]
    assert "unsafe-inline" not in SECURITY_HEADERS["content-security-policy"]


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH"])
def test_the_site_takes_no_writes(web: Any, method: str) -> None:
    assert web.request(method, "/").status_code == 405


@pytest.mark.server
def test_secongraph_serve_answers_from_the_built_store(served: str) -> None:
    with urllib.request.urlopen(f"{served}/", timeout=10) as answer:
        page = answer.read().decode()
        assert answer.headers["X-Content-Type-Options"] == "nosniff"
        assert "server" not in {k.lower() for k in answer.headers}
    assert "triples in" in page
    assert "built " in page  # the footer says when the store was built
