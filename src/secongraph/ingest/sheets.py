"""Read spreadsheets row by row: CSV (UTF-8 with or without BOM, or Windows-1252; comma,
semicolon or tab) and XLSX. Every cell comes back as text, as written: a cell that starts with
``=`` is the text of a formula, never its result, and nothing is ever evaluated.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path

from ..errors import SourceError

__all__ = ["SHEET_SUFFIXES", "Sheet", "read_sheet"]

SHEET_SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx")
_DELIMITERS = ",;\t"
_BOM = b"\xef\xbb\xbf"


@dataclass
class Sheet:
    """A spreadsheet's header and its rows, read lazily.

    ``rows`` yields ``(row number, cells)``, numbered as a spreadsheet program numbers them
    (the header is row 1); empty rows are skipped.
    """

    path: Path
    header: list[str]
    rows: Iterator[tuple[int, list[str]]]
    encoding: str
    delimiter: str | None
    size: int
    """About how many rows the sheet has, for a progress bar."""


def read_sheet(path: Path) -> Sheet:
    """Open the spreadsheet ``path`` (``.csv``, ``.tsv``, ``.txt`` or ``.xlsx``).

    Raises
    ------
    SourceError
        If the file cannot be read, is not a spreadsheet, or has no header row.

    Examples
    --------
    >>> import tempfile
    >>> sheet_path = Path(tempfile.mkdtemp()) / "a.csv"
    >>> _ = sheet_path.write_bytes("name;type\\nCafé Sozial;=1+1\\n".encode("cp1252"))
    >>> sheet = read_sheet(sheet_path)
    >>> sheet.header, sheet.encoding, sheet.delimiter, list(sheet.rows)
    (['name', 'type'], 'cp1252', ';', [(2, ['Café Sozial', '=1+1'])])
    """
    suffix = path.suffix.lower()
    if suffix not in SHEET_SUFFIXES:
        raise SourceError(
            f"{path}: not a spreadsheet (expected {', '.join(SHEET_SUFFIXES)})",
            hint="Save it as CSV (UTF-8) or XLSX.",
        )
    try:
        data = path.read_bytes()
    except OSError as error:
        raise SourceError(f"{path}: cannot read: {error.strerror or error}") from error
    sheet = _xlsx(path, data) if suffix == ".xlsx" else _csv(path, data)
    if not any(cell.strip() for cell in sheet.header):
        raise SourceError(f"{path}:1: no header row", hint="The first row names the columns.")
    return sheet


def _csv(path: Path, data: bytes) -> Sheet:
    text, encoding = _decode(path, data)
    first_line = text.split("\n", 1)[0]
    delimiter = max(_DELIMITERS, key=first_line.count) if first_line else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    header = [cell.strip() for cell in next(reader, [])]

    def rows() -> Iterator[tuple[int, list[str]]]:
        try:
            for row in reader:
                if any(cell.strip() for cell in row):
                    yield reader.line_num, row
        except csv.Error as error:
            raise SourceError(f"{path}:{reader.line_num}: {error}") from error

    return Sheet(path, header, rows(), encoding, delimiter, text.count("\n"))


def _decode(path: Path, data: bytes) -> tuple[str, str]:
    if data.startswith(_BOM):
        return data[len(_BOM) :].decode("utf-8", errors="strict"), "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise SourceError(
            f"{path}:{line}: neither UTF-8 nor Windows-1252 text",
            hint="Save the spreadsheet as CSV UTF-8.",
        ) from error


def _xlsx(path: Path, data: bytes) -> Sheet:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as error:  # openpyxl raises zipfile, KeyError, InvalidFileException, …
        raise SourceError(f"{path}: not a readable XLSX workbook ({error})") from error
    sheet = book.worksheets[0]
    cells = sheet.iter_rows(values_only=True)
    header = [_text(value).strip() for value in next(cells, ())]

    def rows() -> Iterator[tuple[int, list[str]]]:
        for number, values in enumerate(cells, start=2):
            row = [_text(value) for value in values]
            if any(cell.strip() for cell in row):
                yield number, row
        book.close()

    return Sheet(path, header, rows(), "xlsx", None, sheet.max_row or 0)


def _text(value: object) -> str:
    """A cell value as text: dates as ISO dates, whole numbers without ``.0``."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
