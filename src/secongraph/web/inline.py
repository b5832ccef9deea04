"""Pages that carry their own inline scripts and styles (the ontology's pyLODE page, the maps),
served under a Content-Security-Policy that allows exactly those blocks, by SHA-256 hash.

No ``'unsafe-inline'`` and no ``'unsafe-eval'``: a script or style injected into such a page
has another hash and does not run.
"""

from __future__ import annotations

import base64
import hashlib
import re

from starlette.responses import HTMLResponse

from .pages import OWN_POLICY

_BLOCK = re.compile(r"<(script|style)(\s[^>]*)?>(.*?)</\1\s*>", re.IGNORECASE | re.DOTALL)
_TYPE = re.compile(r"""\btype\s*=\s*["']?([^"'\s>]+)""", re.IGNORECASE)
_SCRIPT_TYPES = ("", "text/javascript", "application/javascript", "module")
"""Script types a browser runs; any other (``application/json``, ``application/ld+json``) is
a data block, which a policy does not govern."""


def sha256(text: str) -> str:
    """The CSP source of ``text``'s SHA-256 hash: ``'sha256-…'``.

    Examples
    --------
    >>> sha256("")
    "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='"
    """
    digest = base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")
    return f"'sha256-{digest}'"


def hashed_policy(html: str) -> str:
    """The Content-Security-Policy of ``html``: its inline scripts and styles by hash, images
    as ``data:`` only, nothing else from anywhere, no framing."""
    sources: dict[str, list[str]] = {"script": [], "style": []}
    for element, attributes, body in _BLOCK.findall(html):
        kind = element.lower()
        declared = _TYPE.search(attributes or "")
        if kind == "script" and declared and declared.group(1).lower() not in _SCRIPT_TYPES:
            continue
        if sha256(body) not in sources[kind]:
            sources[kind].append(sha256(body))
    scripts = " ".join(sources["script"]) or "'none'"
    styles = " ".join(sources["style"]) or "'none'"
    return (
        f"default-src 'none'; script-src {scripts}; style-src {styles}; img-src data:; "
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    )


def hashed_page(html: str, *, headers: dict[str, str] | None = None) -> HTMLResponse:
    """``html`` as an answer under its own :func:`hashed_policy`."""
    return HTMLResponse(html, headers={**(headers or {}), OWN_POLICY: hashed_policy(html)})
