"""Sentences and languages of news texts.

:func:`split_sentences` cuts a text into sentences, headings and lines, each with its words and
their offsets; a full stop after a number ("13. November") or an abbreviation ("e.V.") does not
end a sentence. :func:`detect_language` tells which of the partnership's eleven languages a text is
written in, with ``py3langid`` (its model ships in the package) restricted to them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from .lexicon import Token, tokens

__all__ = ["LANGUAGES", "Sentence", "detect_language", "split_sentences"]

LANGUAGES = ("bg", "nl", "en", "de", "el", "hu", "lv", "pl", "pt", "ro", "es")
"""The languages of the SECON partnership, as ISO 639-1 codes."""
_SENTENCE_END = re.compile(
    r"(?<=[.!?])[\"'»“”)]*\s+(?=[\"'„«“(]?[^\W_a-zà-ÿ])|\n\s*\n|\n(?=[ \t]*[-*#])|:\s*\n"
)


@cache
def _identifier() -> object:
    from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_DIR / MODEL_FILE, norm_probs=True)
    identifier.set_languages(list(LANGUAGES))
    return identifier


def detect_language(text: str) -> str | None:
    """The partnership language ``text`` is written in, or None if it holds too few letters.

    >>> detect_language("Die Gemeinde Haskovo organisiert einen interregionalen Workshop.")
    'de'
    >>> detect_language("Община Хасково организира междурегионален семинар.")
    'bg'
    >>> detect_language("1234 ---") is None
    True
    """
    if sum(c.isalpha() for c in text) < 12:
        return None
    language, _ = _identifier().classify(text)  # type: ignore[attr-defined]
    return str(language)


@dataclass
class Sentence:
    """A sentence (or heading, or line) of the text, its words and its part of the text."""

    start: int
    end: int
    text: str
    words: list[Token]
    section: str = "body"
    """``title`` (the heading), ``body`` (the news) or ``about`` (the project's description)."""


def split_sentences(text: str) -> list[Sentence]:
    """The sentences of ``text``, in order, with their offsets in it."""
    found: list[Sentence] = []
    position = 0
    for boundary in [*_SENTENCE_END.finditer(text), None]:
        end = boundary.start() if boundary is not None else len(text)
        chunk = text[position:end]
        if boundary is not None and boundary.group().startswith(":"):
            end += 1
            chunk = text[position:end]
        # a full stop after a number or an abbreviation does not end a sentence
        if (
            boundary is not None
            and "\n" not in boundary.group()
            and _not_an_end(text, position, boundary.start())
        ):
            continue
        stripped = chunk.strip()
        if stripped:
            start = position + chunk.index(stripped)
            found.append(Sentence(start, start + len(stripped), stripped, tokens(stripped, start)))
        position = boundary.end() if boundary is not None else len(text)
    return found


def _not_an_end(text: str, start: int, end: int) -> bool:
    if text[end - 1 : end] != ".":
        return False
    before = re.search(r"(\S+)\.$", text[max(start, end - 30) : end])
    if before is None:
        return False
    word = before.group(1)
    return bool(
        re.fullmatch(r"[\d.\-–/]+", word)
        or (len(word) <= 3 and (word[:1].isupper() or "." in word))
    )
