"""One exception hierarchy for every error secongraph raises on purpose.

The CLI turns each into a one-line message and an exit code (see ``cli.py``).
"""

from __future__ import annotations

import unicodedata

_NAMED_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
_BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)


def one_line(text: str) -> str:
    """Return ``text`` on one line: control, line-separating and bidi characters escaped.

    Every message secongraph prints goes through this, so a value taken from input (a parameter,
    a file name, an endpoint's answer) can neither break a message over several lines nor
    rewrite the terminal.

    Examples
    --------
    >>> one_line('"a\\nb" is not an IRI')
    '"a\\\\nb" is not an IRI'
    >>> one_line("tag en\\u2028x\\x1b[31m")
    'tag en\\\\u2028x\\\\x1b[31m'
    """
    return "".join(_escape(c) for c in text)


def _escape(char: str) -> str:
    if char in _NAMED_ESCAPES:
        return _NAMED_ESCAPES[char]
    if unicodedata.category(char) in ("Cc", "Zl", "Zp") or char in _BIDI_CONTROLS:
        code = ord(char)
        return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
    return char


class SecongraphError(Exception):
    """Base class for every error secongraph raises on purpose."""

    exit_code = 3

    def __init__(self, message: str, *, hint: str | None = None, link: str | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.link = link

    def __str__(self) -> str:
        parts = [self.message]
        if self.hint:
            parts.append(f"Hint: {self.hint}")
        if self.link:
            parts.append(f"See: {self.link}")
        return one_line(" ".join(parts))

    def __reduce__(self) -> tuple[object, ...]:
        """Pickle with hint and link (an error travels back from a query's worker process)."""
        return (_rebuild, (type(self), self.message, self.hint, self.link))


def _rebuild(
    kind: type[SecongraphError], message: str, hint: str | None, link: str | None
) -> SecongraphError:
    return kind(message, hint=hint, link=link)


class SourceError(SecongraphError):
    """An input file is unreadable, malformed or unsafe to load (names file and line)."""


class ShapesError(SecongraphError):
    """The SHACL shapes cannot be loaded."""


class QueryError(SecongraphError):
    """A stored or ad-hoc query is unknown, malformed or refused."""


class UsageError(SecongraphError):
    """A function or command was called wrongly: an unknown name, a value out of range, options
    that do not go together. The message names the function's own arguments."""

    exit_code = 2


class ParameterError(UsageError):
    """A parameter is unknown, missing, not allowed or of the wrong type: of a query, a filter,
    a projection or a map."""


class StoreError(SecongraphError):
    """The store or a remote endpoint failed: unreachable, refused, or a truncated answer."""


class ExportError(SecongraphError):
    """An export could not be written."""


class OutputError(ExportError):
    """An output file could not be written (read-only or full file system, a folder in the way,
    a link that is not followed); the previous file, if any, is unchanged."""


def printable(text: object) -> str:
    r"""``text`` (a path, say) on one printable line: control characters and bytes that are not
    UTF-8 are escaped as Python would write them.

    Examples
    --------
    >>> printable("data/a\nb.ttl")
    'data/a\\nb.ttl'
    >>> printable(b"data/a\xffb.ttl".decode("utf-8", "surrogateescape"))
    'data/a\\xffb.ttl'
    """
    value = str(text)
    try:
        raw = value.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        raw = value.encode("utf-8", "backslashreplace")
    value = raw.decode("utf-8", "backslashreplace")
    return "".join(
        char if char.isprintable() else char.encode("unicode_escape").decode("ascii")
        for char in value
    )
