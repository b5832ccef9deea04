"""One exception hierarchy for every error secongraph raises on purpose.

The CLI turns each into a one-line message and an exit code (see ``cli.py``).
"""

from __future__ import annotations


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
        return " ".join(parts)


class SourceError(SecongraphError):
    """An input file is unreadable, malformed or unsafe to load (names file and line)."""


class ShapesError(SecongraphError):
    """The SHACL shapes cannot be loaded."""


class QueryError(SecongraphError):
    """A stored or ad-hoc query is unknown, malformed or refused."""


class ParameterError(QueryError):
    """A query parameter is unknown, missing, not allowed or of the wrong type (a usage error)."""

    exit_code = 2


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
