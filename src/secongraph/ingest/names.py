"""Names in news texts: the organisations, places and regions the graph knows, and new ones.

:class:`NameFinder` finds, in a sentence, every stretch of words that the
:class:`~.reconcile.Reconciler` matches with a known organisation, project, place, region or
country, and new organisations: a name around a word of the vocabularies that shows its type
("Verein Neckarbrücke", "Fundacja Zielony Most", biedrība "Zaļais tilts").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from rdflib import URIRef

from ..namespaces import SG
from .lexicon import Found, Lexicon, Token
from .read import SourceText
from .reconcile import Match, Reconciler
from .sentences import Sentence

__all__ = ["CONNECTORS", "MAX_WINDOW", "Mention", "NameFinder", "entity_kinds"]

MAX_WINDOW = 12
"""The longest name, in words, matched against the known entities."""
CONNECTORS = re.compile(
    r"^(?:[a-zà-ÿ]{1,3}|für|van|von|der|des|del|della|for|και|της|του|των|на|за|и|și|din|do|da|dos|das|na|no|z|ze|w)$"
)
"""Short words that join the words of a name: "of", "für", "de", "dla", "на"."""
_QUOTED = re.compile(r"[„“\"«»”]([^„“\"«»”\n]{2,80})[“”\"»«]")
_ACRONYM = re.compile(r"\s*\((?P<acronym>[A-ZΑ-ΩА-Я][A-Za-zΑ-Ωα-ωА-Яа-я0-9&.\-]{1,11})\)")


@dataclass
class Mention:
    """A name found in a sentence: the entity (known, or to be minted), where, how sure."""

    iri: URIRef
    label: str
    kind: str
    """``organisation``, ``place``, ``region``, ``country``, ``project`` or ``group``."""
    match: Match | None = None
    concept: URIRef | None = None
    sentence: Sentence | None = None
    start: int = 0
    end: int = 0
    confidence: float = 0.6
    acronym: str | None = None


class NameFinder:
    """Finds the names of a sentence; the text importer's extractor is one."""

    source: SourceText
    lexicon: Lexicon
    reconciler: Reconciler
    languages: set[str]
    kinds: dict[URIRef, str]
    lower_heads: set[tuple[str, ...]]

    def known_in(self, sentence: Sentence) -> list[Mention]:
        """Known organisations, places, regions, countries and projects the sentence names.

        Every stretch of up to :data:`MAX_WINDOW` words that starts and ends with a capital
        and holds at most one other lower-case word is matched, once for all five kinds; a
        name that several kinds share ("Haskovo": a place and a NUTS region) is matched again
        kind by kind, in the order organisation, project, place, region, country.
        """
        words = sentence.words
        hits: list[tuple[int, int, Mention]] = []
        for first in range(len(words)):
            if not words[first].capitalised or words[first].folded in _articles():
                continue
            lower = 0
            for last in range(first, min(len(words), first + MAX_WINDOW)):
                if not words[last].capitalised:
                    lower += 0 if CONNECTORS.match(words[last].text) else 1
                    if lower > 1:
                        break
                    continue
                text = self.source.text[words[first].start : words[last].end]
                if re.search(r"[()\[\];:\n]", text):
                    break
                found = self._known(text, words[first : last + 1])
                if found is not None:
                    kind, match, confidence = found
                    assert match.entity is not None
                    entity = Mention(
                        match.entity, text, kind, match, sentence=sentence,
                        start=words[first].start, end=words[last].end, confidence=confidence,
                    )  # fmt: skip
                    hits.append((first, last, entity))
        return [entity for _, _, entity in _longest(hits)]

    def _known(self, text: str, words: list[Token]) -> tuple[str, Match, float] | None:
        match = self.reconciler.match(text, classes=list(_KINDS.values()))
        tries = [match] if not match.ambiguous else [
            self.reconciler.match(text, classes=[klass]) for klass in _KINDS.values()
        ]  # fmt: skip
        for attempt in tries:
            best = attempt.best
            if best is None:
                continue
            if best.method == "fuzzy" and (
                len(words) < 2 or "," in text or not self._name_like(words)
            ):
                continue
            kind = self.kinds.get(best.entity)
            if kind is None:
                continue
            confidence = {"exact": 0.95, "normalised": 0.9}.get(best.method, best.score / 110)
            return kind, attempt, confidence
        return None

    @staticmethod
    def _name_like(words: list[Token]) -> bool:
        return all(w.capitalised or CONNECTORS.match(w.text) for w in words)

    def candidates_in(self, sentence: Sentence, known: list[Mention]) -> list[Mention]:
        """New organisations: a name around a word that shows its type ("Verein", "Fundacja")."""
        words = sentence.words
        taken = {i for i, w in enumerate(words) for e in known if e.start <= w.start < e.end}
        heads = self.lexicon.find(
            words, schemes=["organisation-type"], kinds=["hidden"], languages=self.languages
        )
        found: list[Mention] = []
        for head in heads:
            if any(i in taken for i in range(head.first, head.last + 1)):
                continue
            if not words[head.first].capitalised and head.phrase.words not in self.lower_heads:
                continue
            span = self._name_span(sentence, head, taken)
            if span is None:
                continue
            first, last, name = span
            match = self.reconciler.match(name, classes=[SG.Organisation])
            concept = head.phrase.concept
            start, end = words[first].start, words[last].end
            if name.endswith(("“", '"', "»", "”")):
                end = words[last].end + 1
            acronym = _ACRONYM.match(self.source.text, end)
            if match.best is not None:
                found.append(
                    Mention(
                        match.best.entity,
                        name,
                        "organisation",
                        match,
                        concept,
                        sentence,
                        start,
                        end,
                        0.85,
                    )
                )
            elif not match.ambiguous:
                entity = Mention(
                    URIRef(""), name, "organisation", match, concept, sentence, start, end, 0.6
                )
                entity.acronym = acronym.group("acronym") if acronym else None
                found.append(entity)
            taken |= set(range(first, last + 1))
        return found

    def _name_span(
        self, sentence: Sentence, head: Found, taken: set[int]
    ) -> tuple[int, int, str] | None:
        words = sentence.words
        text = self.source.text
        after = text[words[head.last].end : words[head.last].end + 90]
        quoted = _QUOTED.match(after.lstrip()) if after[:3].strip()[:1] in '„“"«' else None
        if quoted:
            inner_start = words[head.last].end + (len(after) - len(after.lstrip())) + 1
            inner_end = inner_start + len(quoted.group(1))
            last = max(i for i, w in enumerate(words) if w.start < inner_end)
            return head.first, last, text[words[head.first].start : inner_end + 1]
        first, last = head.first, head.last
        while (
            first > 0 and first - 1 not in taken and self._joins(words, first - 1, backwards=True)
        ):
            first -= 1
        while last + 1 < len(words) and last + 1 not in taken and self._joins(words, last + 1):
            last += 1
        while first < head.first and words[first].folded in _articles():
            first += 1
        while last > head.last and not words[last].capitalised:
            last -= 1
        if first == head.first and last == head.last:
            return None  # the type word alone is no name
        gap = text[words[head.first].start : words[last].end]
        if re.search(r"[,;:()\n]", gap) or re.search(
            r"[,;:()\n]", text[words[first].start : words[head.first].start]
        ):
            return None
        return first, last, text[words[first].start : words[last].end]

    def _joins(self, words: list[Token], index: int, *, backwards: bool = False) -> bool:
        """Whether ``words[index]`` continues the name that lies after (or before) it."""
        word = words[index]
        inner = index + 1 if backwards else index - 1  # the neighbour already in the name
        left, right = (word, words[inner]) if backwards else (words[inner], word)
        between = self.source.text[left.end : right.start]
        if re.search(r"[,;:()\n.!?]", between) and between.strip() not in {"-", "–"}:
            return False
        if word.capitalised:
            return not (backwards and index == 0 and word.folded in _articles())
        if backwards:
            return False  # a name is not extended backwards across "of", "de", "la"
        outer = index + 1
        return bool(CONNECTORS.match(word.text)) and outer < len(words) and words[outer].capitalised


@cache
def _articles() -> frozenset[str]:
    return frozenset(
        {
            "die",
            "der",
            "das",
            "den",
            "dem",
            "the",
            "la",
            "el",
            "los",
            "las",
            "le",
            "les",
            "de",
            "het",
            "een",
            "a",
            "o",
            "os",
            "as",
            "az",
            "i",
            "un",
            "una",
            "um",
            "uma",
            "ein",
            "eine",
        }
    )


_KINDS = {
    "organisation": SG.Organisation, "project": SG.Project, "place": SG.Place,
    "region": SG.Region, "country": SG.Country,
}  # fmt: skip


def entity_kinds(store: object) -> dict[URIRef, str]:
    """The kind (organisation, project, place, region, country) of every entity of ``store``."""
    found: dict[URIRef, str] = {}
    for kind in reversed(list(_KINDS)):  # the first kind wins: an organisation before a place
        rows = store.select(  # type: ignore[attr-defined]
            f"SELECT DISTINCT ?e WHERE {{ ?e a/rdfs:subClassOf* <{_KINDS[kind]}> }}"
        ).rows
        for row in rows:
            if isinstance(row["e"], URIRef):
                found[row["e"]] = kind
    return found


def _longest(hits: list[tuple[int, int, Mention]]) -> list[tuple[int, int, Mention]]:
    order = {"organisation": 0, "project": 1, "place": 2, "region": 3, "country": 4}
    ranked = sorted(hits, key=lambda h: (-(h[1] - h[0]), order[h[2].kind], -h[2].confidence, h[0]))
    chosen: list[tuple[int, int, Mention]] = []
    used: set[int] = set()
    for first, last, entity in ranked:
        span = set(range(first, last + 1))
        if span & used:
            continue
        used |= span
        chosen.append((first, last, entity))
    return sorted(chosen, key=lambda h: h[0])
