"""Reconciliation: match a name to an entity the graph already knows, or mint a new identifier.

A name is matched in three steps, and the first step that finds something decides:

1. **exact**: a label, alternative or hidden label, acronym or code, compared case-insensitively;
2. **normalised**: both sides reduced to a key: accents dropped, Greek and Cyrillic
   transliterated (``anyascii``), punctuation removed, legal-form words of the partnership's
   languages removed (gGmbH, e.V., S.A., Sp. z o.o., ЕООД, vzw, …);
3. **fuzzy**: the keys compared with ``rapidfuzz`` (token sort ratio, so word order does not
   matter) above a threshold; keys shorter than five characters (acronyms) are never fuzzy.

Every match reports its score (exact 100, normalised 95, fuzzy the ratio) and the label it
matched. When two entities match equally well the name is *ambiguous*: the match names the
candidates and chooses none. New entities get stable identifiers (:func:`mint_iri`), minted once
from the name as DESIGN.md says.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from anyascii import anyascii
from rdflib import URIRef

from ..errors import ParameterError
from ..namespaces import ID

if TYPE_CHECKING:
    from ..store import Store

__all__ = [
    "Candidate",
    "Match",
    "Reconciler",
    "mint_iri",
    "normalise",
    "slugify",
]

Method = Literal["exact", "normalised", "fuzzy"]
SCORES: dict[Method, float] = {"exact": 100.0, "normalised": 95.0, "fuzzy": 0.0}
DEFAULT_THRESHOLD = 88.0
"""The lowest fuzzy score that counts as a match (0–100)."""
AMBIGUITY_MARGIN = 2.0
"""Two entities whose best scores are this close are both candidates: the name is ambiguous."""
MIN_FUZZY_KEY = 5

# Legal-form words, as token sequences of the normalised key (dots removed before splitting, so
# "e.V." is "ev" and "Sp. z o.o." is "sp z oo"), for the partnership's eleven languages.
LEGAL_FORMS: tuple[tuple[str, ...], ...] = tuple(
    tuple(form.split())
    for form in (
        # German
        "ggmbh", "gmbh", "mbh", "ev", "ag", "kg", "gbr", "eg", "ug", "kgaa",
        # Dutch and Flemish
        "vzw", "ivzw", "bv", "nv", "cv", "cvba", "vof", "asbl", "sprl", "srl",
        # English
        "ltd", "limited", "plc", "llp", "cic", "inc", "llc",
        # Spanish and Portuguese
        "sa", "sl", "slu", "sll", "s coop", "scoop", "lda", "unipessoal lda", "crl",
        # Polish
        "sp z oo", "spzoo", "sp j", "spj", "sp k", "spk",
        # Romanian
        "sa", "srl", "srl d",
        # Bulgarian (transliterated: ЕООД, ООД, ЕАД, АД, СД, КД, ЕТ)
        "eood", "ood", "ead", "ad", "sd", "kd", "et",
        # Greek (transliterated: Α.Ε., Ε.Π.Ε., Ι.Κ.Ε., Ο.Ε., Ε.Ε., ΑΜΚΕ, ΚΟΙΝΣΕΠ)
        "ae", "epe", "ike", "oe", "ee", "amke",
        # Hungarian
        "kft", "bt", "zrt", "nyrt", "kht", "nonprofit kft",
        # Latvian
        "sia", "as",
    )
)  # fmt: skip
_MAX_FORM = max(len(form) for form in LEGAL_FORMS)
_FORMS = frozenset(LEGAL_FORMS)
_NOT_WORD = re.compile(r"[^0-9a-z]+")

# Bulgarian Cyrillic by the official Streamlined System (2009), so "Хасково" is "haskovo" as
# Bulgaria writes it, not "khaskovo"; anyascii then handles every other script.
_BULGARIAN = str.maketrans({
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ж": "zh", "з": "z", "и": "i",
    "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s",
    "т": "t", "у": "u", "ф": "f", "х": "h", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "sht", "ъ": "a",
    "ь": "y", "ю": "yu", "я": "ya",
})  # fmt: skip
_BULGARIAN_IA = re.compile(r"ия\b")
# Greek digraphs by ELOT 743, which anyascii writes letter by letter ("ου" → "oy").
_GREEK = re.compile(r"ου|αυ|ευ|ηυ")
_GREEK_DIGRAPHS = {"ου": "ou", "αυ": "av", "ευ": "ev", "ηυ": "iv"}


def _ascii(text: str) -> str:
    """Lower-case ASCII of ``text``: Bulgarian and Greek transliterated as their states do."""
    decomposed = unicodedata.normalize("NFD", text.lower()).replace("и\u0306", "й")
    lowered = "".join(c for c in decomposed if not unicodedata.combining(c))
    lowered = _GREEK.sub(lambda m: _GREEK_DIGRAPHS[m.group()], lowered)
    lowered = _BULGARIAN_IA.sub("ia", lowered).translate(_BULGARIAN)
    return anyascii(lowered).lower()


def _fold(text: str) -> str:
    """Case-fold and collapse white space: the comparison of the *exact* step."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def _tokens(text: str) -> list[str]:
    ascii_text = _ascii(unicodedata.normalize("NFKC", text)).replace(".", "")
    return [token for token in _NOT_WORD.split(ascii_text.replace("&", " and ")) if token]


def normalise(name: str) -> str:
    """Reduce ``name`` to its matching key: ASCII, lower case, no punctuation, no legal form.

    Legal-form words are removed wherever they stand, as long as a word of the name remains.

    Examples
    --------
    >>> normalise("Sozialwerk Heidelberg gGmbH")
    'sozialwerk heidelberg'
    >>> normalise("Община Хасково")
    'obshtina haskovo'
    >>> normalise("Περιφέρεια Πελοποννήσου")
    'perifereia peloponnisou'
    >>> normalise("Fundacja Example Sp. z o.o.")
    'fundacja example'
    >>> normalise("S.A.")
    'sa'
    """
    tokens = _tokens(name)
    kept: list[str] = []
    index = 0
    while index < len(tokens):
        for size in range(min(_MAX_FORM, len(tokens) - index), 0, -1):
            if tuple(tokens[index : index + size]) in _FORMS:
                index += size
                break
        else:
            kept.append(tokens[index])
            index += 1
    return " ".join(kept or tokens)


def slugify(name: str, *, max_length: int = 80) -> str:
    """An ASCII, lower-case slug of ``name`` (transliterated), cut at a word boundary.

    Examples
    --------
    >>> slugify("Agentur für soziale Unterstützung")
    'agentur-fur-soziale-unterstutzung'
    >>> slugify("Община Хасково")
    'obshtina-haskovo'
    """
    words = _tokens(name)
    slug = ""
    for word in words:
        candidate = f"{slug}-{word}" if slug else word
        if len(candidate) > max_length and slug:
            break
        slug = candidate[:max_length]
    return slug or "unnamed"


def mint_iri(kind: str, name: str, *, taken: Collection[str] = ()) -> URIRef:
    """A new identifier ``…/id/{kind}/{slug}`` for ``name``, unlike every IRI in ``taken``.

    The slug comes from the name alone; a name whose slug is taken by another entity gets
    ``-2``, ``-3``, … so the same inputs always mint the same identifiers.

    Raises
    ------
    ParameterError
        If ``kind`` is not a lower-case ASCII word (``organisation``, ``event``, …).

    Examples
    --------
    >>> str(mint_iri("organisation", "Sozialwerk Heidelberg gGmbH"))
    'https://w3id.org/secongraph/id/organisation/sozialwerk-heidelberg-ggmbh'
    >>> str(mint_iri("place", "Haskovo", taken={str(ID["place/haskovo"])}))
    'https://w3id.org/secongraph/id/place/haskovo-2'
    """
    if not re.fullmatch(r"[a-z][a-z-]*", kind):
        raise ParameterError(f"kind {kind!r}: expected a lower-case word such as 'organisation'")
    base = f"{kind}/{slugify(name)}"
    iri, number = ID[base], 1
    while str(iri) in taken:
        number += 1
        iri = ID[f"{base}-{number}"]
    return URIRef(str(iri))


@dataclass(frozen=True)
class Candidate:
    """An entity a name may mean: its IRI, the label that matched, the score and the step."""

    entity: URIRef
    label: str
    score: float
    method: Method


@dataclass(frozen=True)
class Match:
    """The answer for one name: the entity it means (or None), and every candidate, best first.

    ``entity`` is None both for a new name (no candidate) and for an ambiguous one (several
    candidates with the same best score): :attr:`ambiguous` tells which.
    """

    name: str
    entity: URIRef | None
    candidates: tuple[Candidate, ...] = ()

    @property
    def ambiguous(self) -> bool:
        """Several entities match equally well, so none is chosen."""
        return self.entity is None and len(self.candidates) > 1

    @property
    def best(self) -> Candidate | None:
        """The chosen candidate, or None."""
        return self.candidates[0] if self.entity is not None else None

    def describe(self) -> str:
        """One line for a review table: ``fuzzy 92 'Label'``, ``new`` or ``ambiguous: …``."""
        if self.entity is not None:
            best = self.candidates[0]
            return f"{best.method} {best.score:.0f} {best.label!r}"
        if self.candidates:
            listed = "; ".join(f"{c.label!r} <{c.entity}> {c.score:.0f}" for c in self.candidates)
            return f"ambiguous: {listed}"
        return "new"


@dataclass
class _Entry:
    entity: URIRef
    label: str
    classes: frozenset[URIRef]


@dataclass
class Reconciler:
    """An index of the labels of known entities, to match names against.

    Build it with :meth:`from_store` (every labelled entity of a built graph) or add entities
    with :meth:`add`. Entities added after the fuzzy index was first used are matched exactly
    and by key only (an import of 100,000 rows stays fast).

    Parameters
    ----------
    threshold
        The lowest fuzzy score that counts as a match, from 0 to 100.
    superclasses
        For each class, every class it is a subclass of (itself included), so a match can ask
        for ``sg:Organisation`` and find a ``sg:Municipality``.
    """

    threshold: float = DEFAULT_THRESHOLD
    superclasses: dict[URIRef, frozenset[URIRef]] = field(default_factory=dict)
    _exact: dict[str, list[_Entry]] = field(default_factory=lambda: defaultdict(list))
    _keys: dict[str, list[_Entry]] = field(default_factory=lambda: defaultdict(list))
    _fuzzy_keys: list[str] | None = None
    _entities: dict[URIRef, frozenset[URIRef]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not 0 <= self.threshold <= 100:
            raise ParameterError(f"threshold {self.threshold}: expected a score from 0 to 100")

    @classmethod
    def from_store(
        cls, store: Store, *, threshold: float = DEFAULT_THRESHOLD, namespace: str = ""
    ) -> Reconciler:
        """Index every entity of ``store`` that has a type and a label, code or acronym.

        Labels are ``rdfs:label``, ``skos:prefLabel``, ``skos:altLabel`` (acronyms, other
        names) and ``skos:hiddenLabel``; NUTS and ISO codes count as labels too. With
        ``namespace``, only the entities whose IRI starts with it are indexed.
        """
        hierarchy = store.select(
            "SELECT ?class ?super WHERE { ?class rdfs:subClassOf+ ?super FILTER(isIRI(?super)) }"
        )
        supers: dict[URIRef, set[URIRef]] = defaultdict(set)
        for row in hierarchy.rows:
            sub, sup = row["class"], row["super"]
            if isinstance(sub, URIRef) and isinstance(sup, URIRef):
                supers[sub].add(sup)
        reconciler = cls(threshold=threshold)
        labelled = store.select(
            """SELECT ?entity ?class ?label WHERE {
                 ?entity a ?class ;
                   rdfs:label|skos:prefLabel|skos:altLabel|skos:hiddenLabel|sg:nutsCode|sg:isoCode
                   ?label .
                 FILTER(isIRI(?entity) && isIRI(?class) && isLiteral(?label))
                 FILTER(!STRSTARTS(STR(?class), STR(owl:)) && !STRSTARTS(STR(?class), STR(rdfs:)))
               }"""
        )
        classes: dict[URIRef, set[URIRef]] = defaultdict(set)
        labels: dict[URIRef, set[str]] = defaultdict(set)
        for row in labelled.rows:
            entity, klass, label = row["entity"], row["class"], row["label"]
            if (
                isinstance(entity, URIRef)
                and isinstance(klass, URIRef)
                and entity.startswith(namespace)
            ):
                classes[entity].add(klass)
                labels[entity].add(str(label))
        for entity in sorted(labels):
            reconciler.add(entity, sorted(labels[entity]), classes[entity])
        every = set(supers) | {k for entity_classes in classes.values() for k in entity_classes}
        reconciler.superclasses = {k: frozenset({k, *supers.get(k, ())}) for k in every}
        return reconciler

    def add(self, entity: URIRef, labels: Iterable[str], classes: Iterable[URIRef] = ()) -> None:
        """Make ``entity`` known by ``labels``, as an instance of ``classes``."""
        kinds = frozenset(classes)
        self._entities[entity] = self._entities.get(entity, frozenset()) | kinds
        for label in labels:
            if not label.strip():
                continue
            entry = _Entry(entity, label, kinds)
            self._exact[_fold(label)].append(entry)
            self._keys[normalise(label)].append(entry)

    def __contains__(self, entity: object) -> bool:
        return entity in self._entities

    def containing(self, text: str) -> list[tuple[URIRef, str]]:
        """The entities with a label that contains ``text``, as typed or by its normalised key,
        each with that label: where a word starts first, then the shortest label."""
        best: dict[URIRef, tuple[tuple[int, int, str], str]] = {}
        for wanted, index in ((_fold(text), self._exact), (normalise(text), self._keys)):
            if not wanted:
                continue
            for label_key, entries in index.items():
                at = label_key.find(wanted)
                if at < 0:
                    continue
                starts_word = at == 0 or not label_key[at - 1].isalnum()
                for entry in entries:
                    rank = (0 if starts_word else 1, len(entry.label), entry.label.casefold())
                    if entry.entity not in best or rank < best[entry.entity][0]:
                        best[entry.entity] = (rank, entry.label)
        return [
            (entity, label) for entity, (_, label) in sorted(best.items(), key=lambda i: i[1][0])
        ]

    def match(self, name: str, *, classes: Iterable[URIRef] = ()) -> Match:
        """Match ``name`` to a known entity, among instances of ``classes`` (any class if empty).

        Returns
        -------
        Match
            With the chosen entity and its candidates; no entity when nothing matches above
            the threshold, or when the name is ambiguous.

        Examples
        --------
        >>> r = Reconciler()
        >>> r.add(URIRef("https://example.org/haskovo"), ["Municipality of Haskovo", "Община Хасково"])
        >>> r.match("община хасково").describe()
        "exact 100 'Община Хасково'"
        >>> r.match("Obshtina Haskovo").describe()
        "normalised 95 'Община Хасково'"
        >>> r.match("Municipality Haskovo").describe()
        "fuzzy 93 'Municipality of Haskovo'"
        >>> r.match("Region of Peloponnese").describe()
        'new'
        """
        wanted = frozenset(classes)
        for found in self._steps(name, wanted, cutoff=self.threshold, limit=10):
            if found:
                return self._decide(name, found)
        return Match(name, None)

    def candidates(
        self,
        name: str,
        *,
        classes: Iterable[URIRef] = (),
        limit: int = 10,
        cutoff: float = 60.0,
    ) -> list[Candidate]:
        """Every entity ``name`` may mean, in the order :meth:`match` weighs them, at most ``limit``.

        Each entity comes once, from the first step that finds it: exact matches first, then
        normalised ones, then fuzzy ones down to the score ``cutoff`` (below the threshold, so a
        near miss is listed; only :meth:`match` decides).

        Examples
        --------
        >>> r = Reconciler()
        >>> r.add(URIRef("https://example.org/a"), ["Agency for Social Assistance"])
        >>> r.add(URIRef("https://example.org/b"), ["Agency for Social Services"])
        >>> [(str(c.entity)[-1], c.method) for c in r.candidates("Agency for Social Assistance")]
        [('a', 'exact'), ('b', 'fuzzy')]
        """
        wanted = frozenset(classes)
        found: dict[URIRef, Candidate] = {}
        for step in self._steps(name, wanted, cutoff=cutoff, limit=None):
            for candidate in self._ranked(step):
                found.setdefault(candidate.entity, candidate)
        return list(found.values())[:limit]

    def classes(self, entity: URIRef) -> frozenset[URIRef]:
        """The classes ``entity`` was added with (empty for an unknown entity)."""
        return self._entities.get(entity, frozenset())

    def is_a(self, entity: URIRef, klass: URIRef) -> bool:
        """Whether ``entity`` is an instance of ``klass`` or of one of its subclasses."""
        return any(klass in self.superclasses.get(k, frozenset({k})) for k in self.classes(entity))

    def _steps(
        self, name: str, wanted: frozenset[URIRef], *, cutoff: float, limit: int | None
    ) -> Iterator[list[tuple[_Entry, float, Method]]]:
        """The entries each step finds for ``name``, step by step (fuzzy only when asked for)."""
        steps: tuple[tuple[Method, list[_Entry]], ...] = (
            ("exact", self._exact.get(_fold(name), [])),
            ("normalised", self._keys.get(normalise(name), [])),
        )
        for method, entries in steps:
            yield [(e, SCORES[method], method) for e in entries if self._is_a(e, wanted)]
        yield self._fuzzy(name, wanted, cutoff=cutoff, limit=limit)

    def _is_a(self, entry: _Entry, wanted: frozenset[URIRef]) -> bool:
        if not wanted:
            return True
        return any(wanted & self.superclasses.get(k, frozenset({k})) for k in entry.classes)

    def _fuzzy(
        self, name: str, wanted: frozenset[URIRef], *, cutoff: float, limit: int | None
    ) -> list[tuple[_Entry, float, Method]]:
        from rapidfuzz import fuzz, process

        key = normalise(name)
        if len(key) < MIN_FUZZY_KEY:
            return []
        if self._fuzzy_keys is None:
            self._fuzzy_keys = [k for k in self._keys if len(k) >= MIN_FUZZY_KEY]
        hits = process.extract(
            key, self._fuzzy_keys, scorer=fuzz.token_sort_ratio,
            score_cutoff=cutoff, limit=limit,
        )  # fmt: skip
        return [
            (entry, round(float(score), 1), "fuzzy")
            for matched, score, _ in hits
            for entry in self._keys[matched]
            if self._is_a(entry, wanted)
        ]

    @staticmethod
    def _ranked(scored: list[tuple[_Entry, float, Method]]) -> list[Candidate]:
        """Each entity once, with its best score, best first."""
        best: dict[URIRef, Candidate] = {}
        for entry, score, method in scored:
            known = best.get(entry.entity)
            if known is None or score > known.score:
                best[entry.entity] = Candidate(entry.entity, entry.label, score, method)
        return sorted(best.values(), key=lambda c: (-c.score, str(c.entity)))

    @classmethod
    def _decide(cls, name: str, scored: list[tuple[_Entry, float, Method]]) -> Match:
        ranked = cls._ranked(scored)
        if not ranked:
            return Match(name, None)
        close = [c for c in ranked if ranked[0].score - c.score < AMBIGUITY_MARGIN]
        if len(close) > 1:
            return Match(name, None, tuple(close))
        return Match(name, ranked[0].entity, tuple(ranked))
