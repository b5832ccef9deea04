"""The inline blocks of a page that a browser hashes for its Content-Security-Policy, read
independently of the code that writes the policy (Python's own HTML parser)."""

from __future__ import annotations

import base64
import hashlib
from html.parser import HTMLParser


class _Blocks(HTMLParser):
    """The raw text of each inline script and style a browser applies, as it hashes it."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.blocks: list[tuple[str, str]] = []
        self._open: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        kind = dict(attrs).get("type") or ""
        if tag == "style" or (
            tag == "script" and kind in ("", "text/javascript") and not dict(attrs).get("src")
        ):
            self._open = tag
            self.blocks.append((tag, ""))

    def handle_data(self, data: str) -> None:
        if self._open:
            tag, text = self.blocks[-1]
            self.blocks[-1] = (tag, text + data)

    def handle_endtag(self, tag: str) -> None:
        self._open = None


def inline_hashes(html: str, element: str) -> set[str]:
    """The SHA-256 sources of ``html``'s inline ``element`` blocks that a browser applies."""
    parser = _Blocks()
    parser.feed(html)
    return {"'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"
            for tag, text in parser.blocks if tag == element}  # fmt: skip
