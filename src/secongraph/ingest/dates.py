"""Dates in news texts of the partnership's eleven languages: single days, ranges, no year.

Month names come from ``dateparser``'s language data (full names, their inflected forms and
abbreviations), so "13.-14. November", "24 and 25 May", "2 August 2024", "23 lutego 2024",
"2024. február 23." and "13/11/2023" are all read without a model. A date without a year takes
the year of the page's own date, or the next year when that puts it more than half a year
before the page (an announcement in December of a meeting in January).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

from .lexicon import fold

__all__ = ["DateMention", "find_dates", "month_names", "resolve"]

MONTHS = (
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december",
)  # fmt: skip


@dataclass(frozen=True)
class DateMention:
    """A date or a range of dates found in a text, the year possibly unknown."""

    start: int
    """Where the mention starts in the text searched."""
    end: int
    first: tuple[int | None, int, int]
    """(year or None, month, day) of the first day."""
    last: tuple[int | None, int, int]
    """(year or None, month, day) of the last day (the first, for a single day)."""

    @property
    def has_year(self) -> bool:
        return self.first[0] is not None


@cache
def month_names(language: str) -> dict[str, int]:
    """Folded month names and abbreviations of ``language`` (and English) → month number."""
    from dateparser.languages.loader import default_loader

    names: dict[str, int] = {}
    for code in dict.fromkeys((language, "en")):
        try:
            info = default_loader.get_locale(code).info
        except Exception:  # an unknown language: English only
            continue
        for number, month in enumerate(MONTHS, start=1):
            for name in info.get(month, []):
                folded = fold(name).rstrip(".")
                if (
                    len(folded) >= 3
                    and not folded.isdigit()
                    and not re.fullmatch(r"[ivx]+", folded)
                ):
                    names.setdefault(folded, number)
    return names


def _month(word: str, names: dict[str, int]) -> int | None:
    folded = fold(word).rstrip(".")
    if folded in names:
        return names[folded]
    for name, number in names.items():
        if len(name) >= 5 and folded.startswith(name[:-1]) and len(folded) - len(name) <= 3:
            return number
    return None


_DAY = r"(?P<{}>[0-3]?\d)\.?"
_LETTERS = r"[^\W\d_]+\.?"
_MONTH_WORD = re.compile(_LETTERS, re.UNICODE)
_NUMERIC = re.compile(
    r"(?<![\d.])(?:(?P<y1>\d{4})-(?P<m1>[01]\d)-(?P<d1>[0-3]\d)"
    r"|(?P<d2>[0-3]?\d)[./](?P<m2>[01]?\d)[./](?P<y2>\d{4}))(?![\d])"
)
_BEFORE = re.compile(
    r"(?:(?<!\d)(?P<d1>[0-3]?\d)\.?\s*(?:[-–—/]|\s(?:[^\W\d_]{1,4}|&)\s)\s*)?"
    r"(?<![\d])(?P<d2>[0-3]?\d)\.?\s*(?:(?:de|of|d')\s+)?$",
    re.UNICODE,
)
_AFTER_YEAR = re.compile(r"^\.?,?\s*(?:(?:de|del|of|г\.?|gada)\s+)?(?P<y>(?:19|20)\d{2})(?!\d)")
_AFTER_DAYS = re.compile(
    r"^\s*(?P<d1>[0-3]?\d)\.?(?:\s*(?:[-–—]|\s(?:[^\W\d_]{1,4}|&)\s)\s*(?P<d2>[0-3]?\d)\.?)?(?:st|nd|rd|th)?(?!\d)"
    r"(?:,?\s*(?P<y>(?:19|20)\d{2}))?",
    re.UNICODE,
)
_YEAR_BEFORE = re.compile(r"(?P<y>(?:19|20)\d{2})\.?\s*(?:gada\s+)?$")


def find_dates(text: str, language: str) -> list[DateMention]:
    """Every date or date range stated in ``text``, in order.

    Examples
    --------
    >>> [(m.first, m.last) for m in find_dates("am 13.-14. November", "de")]
    [((None, 11, 13), (None, 11, 14))]
    >>> [(m.first, m.last) for m in find_dates("on 24 and 25 May 2023 in Kalamata", "en")]
    [((2023, 5, 24), (2023, 5, 25))]
    >>> [m.first for m in find_dates("On August 2, 2024 the Region met", "en")]
    [(2024, 8, 2)]
    >>> [m.first for m in find_dates("2024. február 23-án", "hu")]
    [(2024, 2, 23)]
    """
    names = month_names(language)
    found: list[DateMention] = []
    for match in _NUMERIC.finditer(text):
        year = int(match.group("y1") or match.group("y2"))
        month = int(match.group("m1") or match.group("m2"))
        day = int(match.group("d1") or match.group("d2"))
        if _valid(year, month, day):
            found.append(
                DateMention(match.start(), match.end(), (year, month, day), (year, month, day))
            )
    for word in _MONTH_WORD.finditer(text):
        named = _month(word.group(), names)
        if named is None:
            continue
        if any(m.start <= word.start() < m.end for m in found):
            continue
        mention = _around(text, word.start(), word.end(), named)
        if mention is not None:
            found.append(mention)
    return sorted(found, key=lambda m: m.start)


def _around(text: str, start: int, end: int, month: int) -> DateMention | None:
    before = _BEFORE.search(text[max(0, start - 24) : start])
    if before is not None:  # day first: 13.-14. November (2023), 24 and 25 May
        begin = start - (len(text[max(0, start - 24) : start]) - before.start())
        first_day = int(before.group("d1") or before.group("d2"))
        last_day = int(before.group("d2"))
        year_match = _AFTER_YEAR.match(text[end : end + 12])
        year = int(year_match.group("y")) if year_match else None
        stop = end + (year_match.end() if year_match else 0)
        if year is None:
            earlier = _YEAR_BEFORE.search(text[max(0, begin - 12) : begin])
            if earlier:
                year = int(earlier.group("y"))
                begin -= len(text[max(0, begin - 12) : begin]) - earlier.start()
        return _mention(begin, stop, year, month, first_day, last_day)
    after = _AFTER_DAYS.match(text[end : end + 20])
    if after is not None:  # month first: May 24-25, 2023; 2024. február 23.
        first_day = int(after.group("d1"))
        last_day = int(after.group("d2") or first_day)
        year = int(after.group("y")) if after.group("y") else None
        begin = start
        if year is None:
            earlier = _YEAR_BEFORE.search(text[max(0, start - 12) : start])
            if earlier:
                year = int(earlier.group("y"))
                begin = start - (len(text[max(0, start - 12) : start]) - earlier.start())
        return _mention(begin, end + after.end(), year, month, first_day, last_day)
    return None


def _mention(
    start: int, end: int, year: int | None, month: int, first_day: int, last_day: int
) -> DateMention | None:
    probe = year or 2000  # a leap year: 29 February stays possible
    if not (_valid(probe, month, first_day) and _valid(probe, month, last_day)):
        return None
    if last_day < first_day:
        return None
    return DateMention(start, end, (year, month, first_day), (year, month, last_day))


def _valid(year: int, month: int, day: int) -> bool:
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def resolve(mention: DateMention, page: date | None) -> tuple[date, date] | None:
    """The first and last day of ``mention``, its year from ``page`` if it states none.

    >>> m = find_dates("13.-14. November", "de")[0]
    >>> resolve(m, date(2023, 11, 9))
    (datetime.date(2023, 11, 13), datetime.date(2023, 11, 14))
    >>> resolve(find_dates("13 January", "en")[0], date(2023, 12, 1))
    (datetime.date(2024, 1, 13), datetime.date(2024, 1, 13))
    >>> resolve(m, None) is None
    True
    """
    year = mention.first[0]
    if year is None:
        if page is None:
            return None
        year = page.year
        month, day = mention.first[1], mention.first[2]
        if _valid(year, month, day) and date(year, month, day) < page - timedelta(days=183):
            year += 1
    (_, m1, d1), (y2, m2, d2) = mention.first, mention.last
    if not (_valid(year, m1, d1) and _valid(y2 or year, m2, d2)):
        return None
    return date(year, m1, d1), date(y2 or year, m2, d2)
