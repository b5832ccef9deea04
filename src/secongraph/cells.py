"""Spreadsheet cells that stay text: formula injection neutralised as OWASP advises.

A spreadsheet program runs a cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return as a formula (CSV injection). Every CSV that secongraph writes passes its cells through
:func:`neutralise`, which puts an apostrophe in front of such a cell, so the program shows the text
as it is. See https://owasp.org/www-community/attacks/CSV_Injection.
"""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell: str) -> str:
    """Return ``cell`` so that a spreadsheet program shows it as text, never runs it.

    Examples
    --------
    >>> neutralise("=HYPERLINK(\\"http://x\\")")
    '\\'=HYPERLINK("http://x")'
    >>> neutralise("Municipality of Haskovo")
    'Municipality of Haskovo'
    """
    return f"'{cell}" if cell.startswith(FORMULA_STARTS) else cell
