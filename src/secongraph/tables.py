"""Plain-text tables for the terminal."""

from __future__ import annotations

from collections.abc import Sequence


def render_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """Render ``rows`` under ``headers`` as aligned columns; numbers are right-aligned.

    Examples
    --------
    >>> print(render_table(["class", "n"], [["event", "3"], ["organisation", "12"]]))
    class         n
    ------------  --
    event          3
    organisation  12
    """
    table = [list(headers), *([str(cell) for cell in row] for row in rows)]
    widths = [max(len(row[i]) for row in table) for i in range(len(headers))]
    numeric = [
        all(_is_number(row[i]) for row in table[1:]) and len(table) > 1 for i in range(len(headers))
    ]
    lines = [_line(table[0], widths, [False] * len(widths))]
    lines.append("  ".join("-" * w for w in widths))
    lines += [_line(row, widths, numeric) for row in table[1:]]
    return "\n".join(line.rstrip() for line in lines)


def _line(cells: Sequence[str], widths: Sequence[int], right: Sequence[bool]) -> str:
    return "  ".join(
        c.rjust(w) if r else c.ljust(w) for c, w, r in zip(cells, widths, right, strict=True)
    )


def _is_number(text: str) -> bool:
    return text.replace(",", "").replace(".", "", 1).lstrip("-").isdigit()
