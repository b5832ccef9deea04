"""Reading news texts: plain text, Markdown and saved HTML pages, with a map back into the file.

:func:`read_text` returns a :class:`SourceText`: the text to analyse and, for every one of its
characters, the character offset in the source file read as UTF-8 where it comes from.

- **Plain text**: the text is the file; offsets are the identity.
- **Markdown**: markup is dropped (heading and list marks, ``**``/``__``, link targets,
  backslash escapes); every kept character keeps its own offset, so a span of the text maps to
  the span of the file from its first to its last character, markup inside it included.
- **HTML**: the main text is chosen by ``trafilatura`` (navigation, footers and scripts dropped);
  each of its paragraphs is then found in the page's own text (tags removed, entities decoded,
  white space collapsed), and its characters take the offsets of the characters it was found at.
  A paragraph that cannot be found (trafilatura rewrote it) keeps no offsets (``-1``).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from ..errors import SourceError

__all__ = ["SourceText", "read_text"]

Format = Literal["text", "markdown", "html"]
MARKDOWN_SUFFIXES = frozenset({".md", ".markdown"})
HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})
MAX_BYTES = 5_000_000
"""A news page is far smaller; a larger file is refused rather than read."""


@dataclass(frozen=True)
class SourceText:
    """The text of a source file, and where each of its characters lies in the file.

    ``offsets[i]`` is the offset in ``raw`` (the file decoded as UTF-8) of ``text[i]``, or -1
    when the character has no place in the file (a paragraph break the reader added).
    """

    path: Path
    raw: str
    text: str
    offsets: tuple[int, ...]
    format: Format
    title: str | None = None
    date: str | None = None
    """The page's own date (``YYYY-MM-DD``) where its metadata states one (HTML)."""

    def span(self, start: int, end: int) -> tuple[int, int] | None:
        """The file span of ``text[start:end]``: first character to just after the last."""
        inside = [o for o in self.offsets[start:end] if o >= 0]
        if not inside:
            return None
        return inside[0], inside[-1] + 1


def read_text(path: Path, *, fmt: Format | None = None) -> SourceText:
    """Read ``path`` as plain text, Markdown or HTML (by its suffix unless ``fmt`` is given).

    Raises
    ------
    SourceError
        If the file cannot be read, is not UTF-8 text or is too large.
    """
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise SourceError(f"{path}: {size:,} bytes is too large for a news text")
        data = path.read_bytes()
    except OSError as error:
        raise SourceError(f"{path}: cannot read ({error.strerror or error})") from error
    if b"\x00" in data:
        raise SourceError(f"{path}: not a text file (it holds NUL bytes)")
    try:
        raw = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise SourceError(
            f"{path}: not UTF-8 text (byte {error.start}); save it as UTF-8 and import it again"
        ) from error
    offset = 1 if data.startswith(b"\xef\xbb\xbf") else 0  # the BOM is a character of the file
    raw_full = data.decode("utf-8", errors="replace")
    kind = fmt or _format(path, raw)
    if kind == "html":
        return _read_html(path, raw_full)
    if kind == "markdown":
        text, offsets = _strip_markdown(raw, offset)
        return SourceText(path, raw_full, text, offsets, "markdown", _markdown_title(raw))
    return SourceText(
        path, raw_full, raw, tuple(range(offset, offset + len(raw))), "text", _first_line(raw)
    )


def _format(path: Path, raw: str) -> Format:
    suffix = path.suffix.lower()
    if suffix in HTML_SUFFIXES:
        return "html"
    if suffix in MARKDOWN_SUFFIXES:
        return "markdown"
    if re.match(r"\s*(<!doctype html|<html)", raw[:500], re.IGNORECASE):
        return "html"
    return "text"


def _first_line(raw: str) -> str | None:
    for line in raw.splitlines():
        if line.strip():
            line = line.strip()
            return line if len(line) <= 150 else None
    return None


_MD_LINE_START = re.compile(r"(?:#{1,6}[ \t]+|[ \t]*[-*+][ \t]+|>[ \t]?)")
_MD_TOKEN = re.compile(
    r"(?P<comment><!--.*?-->\n?)"
    r"|(?P<strong>\*\*|__)"
    r"|\[(?P<label>[^\]\n]*)\]\((?P<target>[^)\n]*)\)"
    r"|<(?P<auto>(?:https?://|mailto:)[^>\s]+)>"
    r"|\\(?P<escaped>[\\`*_{}\[\]()#+\-.!])",
    re.DOTALL,
)


def _strip_markdown(raw: str, base: int) -> tuple[str, tuple[int, ...]]:
    chars: list[str] = []
    offsets: list[int] = []
    position = 0
    line_start = True
    while position < len(raw):
        if line_start:
            mark = _MD_LINE_START.match(raw, position)
            if mark and mark.end() > position:
                position = mark.end()
            line_start = False
            continue
        token = _MD_TOKEN.match(raw, position)
        if token:
            if token.group("label") is not None:
                begin = token.start("label")
                for index, char in enumerate(token.group("label")):
                    chars.append(char)
                    offsets.append(base + begin + index)
            elif token.group("auto") is not None:
                begin = token.start("auto")
                for index, char in enumerate(token.group("auto")):
                    chars.append(char)
                    offsets.append(base + begin + index)
            elif token.group("escaped") is not None:
                chars.append(token.group("escaped"))
                offsets.append(base + token.start("escaped"))
            position = token.end()
            line_start = token.group().endswith("\n")
            continue
        char = raw[position]
        chars.append(char)
        offsets.append(base + position)
        position += 1
        line_start = char == "\n"
    return "".join(chars), tuple(offsets)


def _markdown_title(raw: str) -> str | None:
    heading = re.search(r"^#{1,3}[ \t]+(.+?)[ \t#]*$", raw, re.MULTILINE)
    if heading:
        return _strip_markdown(heading.group(1), 0)[0].strip() or None
    return _first_line(raw)


# --- HTML --------------------------------------------------------------------------------------

_SKIPPED = re.compile(r"<(script|style|noscript|template)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_TAG_OR_ENTITY = re.compile(
    r"<!--.*?-->|<[^>]*>|&(?:#\d+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);?", re.DOTALL
)
_BLOCK_TAGS = re.compile(
    r"</?(p|div|h[1-6]|li|br|tr|td|section|article|header|footer|nav|ul|ol|table|title)\b",
    re.IGNORECASE,
)


def _page_view(raw: str) -> tuple[str, list[int]]:
    """The page's text (tags removed, entities decoded, white space collapsed) with offsets."""
    chars: list[str] = []
    offsets: list[int] = []
    skipped = [(m.start(), m.end()) for m in _SKIPPED.finditer(raw)]
    position = 0

    def emit(text: str, offset: int) -> None:
        for char in text:
            if char.isspace():
                if chars and chars[-1] != " ":
                    chars.append(" ")
                    offsets.append(offset)
            else:
                chars.append(char)
                offsets.append(offset)

    skip_index = 0
    for match in _TAG_OR_ENTITY.finditer(raw):
        if match.start() < position:
            continue
        while skip_index < len(skipped) and skipped[skip_index][1] <= match.start():
            skip_index += 1
        for index in range(position, match.start()):
            emit(raw[index], index)
        position = match.end()
        if (
            skip_index < len(skipped)
            and skipped[skip_index][0] <= match.start() < skipped[skip_index][1]
        ):
            position = max(position, skipped[skip_index][1])
            emit(" ", match.start())
            continue
        token = match.group()
        if token.startswith("&"):
            emit(html.unescape(token), match.start())
        elif _BLOCK_TAGS.match(token):
            emit(" ", match.start())
    for index in range(position, len(raw)):
        emit(raw[index], index)
    return "".join(chars), offsets


def _read_html(path: Path, raw: str) -> SourceText:
    import trafilatura

    extracted = trafilatura.extract(
        raw, output_format="txt", include_comments=False, include_tables=True,
        include_links=False, favor_precision=True, deduplicate=False,
    ) or ""  # fmt: skip
    metadata = trafilatura.extract_metadata(raw)
    title = getattr(metadata, "title", None) if metadata is not None else None
    page_date = getattr(metadata, "date", None) if metadata is not None else None
    view, view_offsets = _page_view(raw)
    chars: list[str] = []
    offsets: list[int] = []
    cursor = 0
    for line in extracted.splitlines():
        paragraph = " ".join(line.split())
        if not paragraph:
            continue
        if chars:
            chars.extend("\n\n")
            offsets.extend((-1, -1))
        found = view.find(paragraph, cursor)
        if found < 0:
            found = view.find(paragraph)
        if found < 0:
            chars.extend(paragraph)
            offsets.extend([-1] * len(paragraph))
            continue
        cursor = found + len(paragraph)
        chars.extend(paragraph)
        offsets.extend(view_offsets[found:cursor])
    date = (
        page_date
        if isinstance(page_date, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", page_date)
        else None
    )
    return SourceText(path, raw, "".join(chars), tuple(offsets), "html", title, date)
