"""The words of the partnership's languages, read from the SKOS vocabularies, and a phrase finder.

Every word the text importer looks for comes from the vocabularies of the store (the schemes'
labels and the project's translations in ``ontology/vocab/lexicon.ttl``): event types,
organisation types, participation roles, topics and the text cues. Nothing is listed in code.

Words are compared folded (lower case, accents dropped); a word of five letters or more also
matches its inflected forms (``Workshops``, ``spotkania``, ``novembrī``): the text's word starts
with the label's word less its last letter and is at most three letters longer.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from rdflib import URIRef

from ..namespaces import VOCAB

if TYPE_CHECKING:
    from ..store import Store

__all__ = ["Lexicon", "Phrase", "Token", "fold", "tokens"]

SCHEMES = ("event-type", "organisation-type", "participation-role", "topic", "text-cue")
_WORD = re.compile(r"\w+(?:[-'’.]\w+)*\.?", re.UNICODE)


def fold(text: str) -> str:
    """Lower case without accents: the form words are compared in.

    >>> fold("Consejería")
    'consejeria'
    """
    decomposed = unicodedata.normalize("NFD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@dataclass(frozen=True)
class Token:
    """A word of a text: its characters, where it starts and ends, and its folded form."""

    text: str
    start: int
    end: int
    folded: str

    @property
    def capitalised(self) -> bool:
        return self.text[:1].isupper() or self.text[:1].isdigit()


def tokens(text: str, offset: int = 0) -> list[Token]:
    """The words of ``text`` (a trailing full stop is kept only inside abbreviations)."""
    found = []
    for match in _WORD.finditer(text):
        word = match.group()
        if word.endswith(".") and "." not in word[:-1]:
            word = word[:-1]
        start = offset + match.start()
        found.append(Token(word, start, start + len(word), fold(word)))
    return found


def _word_matches(text_word: str, label_word: str) -> bool:
    if text_word == label_word:
        return True
    return (
        len(label_word) >= 5
        and text_word.startswith(label_word[:-1])
        and len(text_word) - len(label_word) <= 3
    )


def _key(word: str) -> str:
    return word[:4]


@dataclass(frozen=True)
class Phrase:
    """A label of a concept: its words, the concept and its scheme, how it is used."""

    label: str
    language: str
    concept: URIRef
    scheme: str
    kind: str
    """``pref``, ``alt`` or ``hidden``."""
    words: tuple[str, ...]


@dataclass(frozen=True)
class Found:
    """A phrase found in a text: the tokens it covers and the phrase."""

    first: int
    last: int
    phrase: Phrase
    start: int
    end: int


@dataclass
class Lexicon:
    """The labels of the vocabularies' concepts, indexed to find them in a text."""

    phrases: list[Phrase] = field(default_factory=list)
    classes: dict[URIRef, URIRef] = field(default_factory=dict)
    """The class each event or organisation type points to (``rdfs:seeAlso``)."""
    matches: dict[URIRef, URIRef] = field(default_factory=dict)
    """The schema.org value a cue stands for (``skos:closeMatch``)."""
    english: dict[URIRef, str] = field(default_factory=dict)
    """The English preferred label of each concept."""
    _index: dict[str, list[Phrase]] = field(default_factory=lambda: defaultdict(list))

    @classmethod
    def from_store(cls, store: Store) -> Lexicon:
        """Every label of the concepts of the five schemes the importer reads."""
        rows = store.select(
            """SELECT ?concept ?scheme ?property ?label ?class ?match WHERE {
                 ?concept skos:inScheme ?scheme .
                 VALUES ?property { skos:prefLabel skos:altLabel skos:hiddenLabel }
                 ?concept ?property ?label .
                 OPTIONAL { ?concept rdfs:seeAlso ?class }
                 OPTIONAL { ?concept skos:closeMatch ?match }
               }"""
        ).rows
        lexicon = cls()
        schemes = {str(VOCAB[name]): name for name in SCHEMES}
        seen: set[tuple[str, str, str]] = set()
        for row in rows:
            scheme = schemes.get(str(row["scheme"]))
            concept, label = row["concept"], row["label"]
            if scheme is None or not isinstance(concept, URIRef):
                continue
            klass, match = row.get("class"), row.get("match")
            if isinstance(klass, URIRef):
                lexicon.classes[concept] = klass
            if isinstance(match, URIRef):
                lexicon.matches[concept] = match
            kind = str(row["property"]).rsplit("#", 1)[-1].removesuffix("Label")
            language = getattr(label, "language", None) or ""
            if kind == "pref" and language == "en":
                lexicon.english[concept] = str(label)
            key = (str(concept), kind, str(label) + "@" + language)
            if key not in seen:
                seen.add(key)
                lexicon.add(Phrase(str(label), language, concept, scheme, kind, ()))
        return lexicon

    def add(self, phrase: Phrase) -> None:
        words = tuple(t.folded for t in tokens(phrase.label))
        if not words:
            return
        phrase = Phrase(
            phrase.label, phrase.language, phrase.concept, phrase.scheme, phrase.kind, words
        )
        self.phrases.append(phrase)
        self._index[_key(words[0])].append(phrase)

    def find(
        self,
        words: Sequence[Token],
        *,
        schemes: Iterable[str] = SCHEMES,
        kinds: Iterable[str] = ("pref", "alt", "hidden"),
        languages: Iterable[str] | None = None,
    ) -> list[Found]:
        """The phrases of ``schemes`` found in ``words``, longest first where they overlap."""
        wanted_schemes, wanted_kinds = set(schemes), set(kinds)
        wanted_languages = set(languages) if languages is not None else None
        hits: list[Found] = []
        for index, word in enumerate(words):
            for phrase in self._index.get(_key(word.folded), ()):
                if phrase.scheme not in wanted_schemes or phrase.kind not in wanted_kinds:
                    continue
                if wanted_languages is not None and phrase.language not in wanted_languages:
                    continue
                size = len(phrase.words)
                if index + size > len(words):
                    continue
                if all(
                    _word_matches(words[index + k].folded, phrase.words[k]) for k in range(size)
                ):
                    last = words[index + size - 1]
                    hits.append(Found(index, index + size - 1, phrase, word.start, last.end))
        hits.sort(key=lambda f: (-(f.last - f.first), f.first))
        chosen: list[Found] = []
        taken: set[int] = set()
        for hit in hits:
            covered = set(range(hit.first, hit.last + 1))
            if covered & taken:
                continue
            taken |= covered
            chosen.append(hit)
        return sorted(chosen, key=lambda f: f.first)

    def labels(self, concept: URIRef, *, kind: str, language: str) -> list[str]:
        """The labels of ``concept`` of ``kind`` in ``language``, in the vocabulary's order."""
        return [
            p.label
            for p in self.phrases
            if p.concept == concept and p.kind == kind and p.language == language
        ]
