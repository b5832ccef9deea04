"""News pages and press releases become drafts: the event, its days, who took part, with evidence.

:func:`draft_text` reads a plain-text, Markdown or saved HTML file (:mod:`.read`), detects its
language among the partnership's eleven (``py3langid``, restricted to them), and drafts what the
text states, each fact with the sentence that states it (:class:`~.draft.Evidence`):

- **the event**: its kind (the event-type scheme), title, dates (:mod:`.dates`; ranges, dates
  without a year), place, status and attendance mode, topics; its days ("on the first day …") as
  ``sg:EventDay`` and a visit during it as ``sg:SiteVisit``, each with ``sg:superEvent``;
- **who is named**: known organisations, places and regions through the
  :class:`~.reconcile.Reconciler` (the note says how: ``exact 100 'Gemeinde Haskovo'``); new
  organisations as candidates, their type read from a word of their name; bodies named only by
  kind ("NGOs", "local businesses") and figures ("11 experts") as ``sg:ParticipantGroup``;
- **participations**, with a role only where a word states it ("organises"); organisations named
  in the text's standing description of the project ("About SECON") as partners of the project.

Every word it looks for comes from the vocabularies (:mod:`.lexicon`). What the text states goes
to the draft's own graph; what the importer adds goes to the companion graphs: a type read from a
name, a role or a participation read from context, an English label made from the event's type
and place (``modelling``), the English name of a group taken from the vocabulary
(``translation``). A new organisation named in another language than English gets no English
label: the review table says it "needs an English name", and the reviewer writes it.

**Status.** An event the text announces (a cue such as "will", or a page dated before the
event) is ``schema:EventScheduled``, as the ontology and the curated announcements have it; an
event the text reports as past gets no ``sg:eventStatus`` (schema.org has no status for a past
event), like the curated reports, and its review note says so. "Cancelled" and "postponed" give
``schema:EventCancelled`` and ``schema:EventPostponed``.

**Offsets.** Evidence offsets are character offsets in the source file read as UTF-8. For plain
text and Markdown the quote is exactly ``file_text[start:end]`` (Markdown markup included); for
HTML, ``start``–``end`` is the region of the file where the sentence's text lies (tags and
entities inside it included) and the quote is the sentence's text; a sentence that cannot be
placed in the file has no offsets.

A text in which nothing is found (no event, no organisation) gives a summary with no facts and
writes no draft.
"""

from __future__ import annotations

import dataclasses
import re
import weakref
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from rdflib import RDF, RDFS, XSD, Namespace, URIRef
from rdflib import Literal as RdfLiteral

from ..errors import ParameterError
from ..namespaces import ID, SCHEMA, SG, SKOS, VOCAB
from ..store import Store
from .dates import DateMention, find_dates, resolve
from .draft import (
    DraftSummary,
    Evidence,
    Fact,
    GraphKind,
    SourceRecord,
    earlier_versions,
    write_draft,
)
from .lexicon import Found, Lexicon
from .names import CONNECTORS, Mention, NameFinder, entity_kinds
from .read import SourceText, read_text
from .reconcile import DEFAULT_THRESHOLD, Reconciler, mint_iri, slugify
from .sentences import LANGUAGES, Sentence, detect_language, split_sentences

__all__ = ["LANGUAGES", "Extraction", "detect_language", "draft_text", "entity_kinds", "extract"]

ROLE = Namespace(f"{VOCAB}participation-role/")
CUE = Namespace(f"{VOCAB}text-cue/")
OTYPE = Namespace(f"{VOCAB}organisation-type/")


@dataclass
class Extraction:
    """What :func:`extract` found in a text, as drafted facts, and the names of new entities."""

    language: str
    title: str | None
    facts: list[Fact] = field(default_factory=list)
    new: dict[URIRef, str] = field(default_factory=dict)
    labels: dict[URIRef, str] = field(default_factory=dict)
    event: URIRef | None = None
    start: date | None = None
    page_date: date | None = None
    event_kinds: set[str] = field(default_factory=set)

    def kinds(self) -> dict[str, set[str]]:
        """The organisations, places, dates and event kinds drafted (for measuring)."""
        found: dict[str, set[str]] = {
            "organisations": set(), "places": set(), "dates": set(), "event kinds": set(self.event_kinds),
        }  # fmt: skip
        for fact in self.facts:
            if fact.predicate in (SG.startDate, SG.endDate):
                found["dates"].add(str(fact.value))
        for fact in self.facts:
            if fact.predicate in (SG.participant, SG.member) and "/organisation/" in str(
                fact.value
            ):
                found["organisations"].add(str(fact.value))
            if fact.predicate == SG.location:
                found["places"].add(str(fact.value))
        return found


def extract(
    source: SourceText,
    *,
    store: Store,
    lexicon: Lexicon,
    reconciler: Reconciler,
    record: SourceRecord | None = None,
    lang: str | None = None,
    title: str | None = None,
    issued: date | None = None,
    taken: Iterable[str] = (),
    kinds: dict[URIRef, str] | None = None,
    english_names: dict[URIRef, str] | None = None,
) -> Extraction:
    """Read ``source`` and return the facts it states, with their evidence (nothing is written).

    ``kinds`` is :func:`entity_kinds` of ``store``, computed here when not given.
    """
    language = lang or detect_language(source.text) or "en"
    extractor = _Extractor(source, lexicon, reconciler, language, title, issued, record, set(taken))
    extractor.kinds = kinds if kinds is not None else entity_kinds(store)
    extractor.english_names = english_names if english_names is not None else _english(store)
    return extractor.run()


class _Extractor(NameFinder):
    def __init__(
        self, source: SourceText, lexicon: Lexicon, reconciler: Reconciler, language: str,
        title: str | None, issued: date | None, record: SourceRecord | None, taken: set[str],
    ) -> None:  # fmt: skip
        self.source = source
        self.lexicon = lexicon
        self.reconciler = reconciler
        self.language = language
        self.languages = {language}
        self.given_title = title
        self.page_date = issued
        self.record = record
        self.taken = taken
        self.known = frozenset(taken)
        self.kinds: dict[URIRef, str] = {}
        self.english_names: dict[URIRef, str] = {}
        self.out = Extraction(language, title)
        self.lower_heads = {
            p.words for p in lexicon.phrases if p.kind == "hidden" and p.label[:1].islower()
        }
        self.document = record.document if record is not None else URIRef(ID["source/draft"])

    # --- evidence ---------------------------------------------------------------------------

    def evidence(self, sentence: Sentence | None, confidence: float) -> Evidence:
        if sentence is None:
            return Evidence(quote=self.given_title or "", confidence=confidence)
        span = self.source.span(sentence.start, sentence.end)
        if span is None:
            return Evidence(quote=sentence.text, confidence=confidence)
        start, end = span
        quote = self.source.raw[start:end] if self.source.format != "html" else sentence.text
        return Evidence(quote=quote, confidence=round(confidence, 2), start=start, end=end)

    def fact(
        self, subject: URIRef, predicate: URIRef, value: URIRef | RdfLiteral,
        sentence: Sentence | None, confidence: float, graph: GraphKind = "stated", note: str = "",
    ) -> None:  # fmt: skip
        self.out.facts.append(
            Fact(subject, predicate, value, self.evidence(sentence, confidence), graph, note)
        )

    def mint(self, kind: str, name: str) -> URIRef:
        iri = mint_iri(kind, name, taken=self.taken)
        self.taken.add(str(iri))
        return iri

    def new(self, iri: URIRef, label: str) -> None:
        """Record ``iri`` as an entity the draft adds, shown by ``label`` in the review."""
        self.out.new[iri] = label
        self.out.labels[iri] = label

    # --- the text -----------------------------------------------------------------------------

    def run(self) -> Extraction:
        sentences = split_sentences(self.source.text)
        if not sentences:
            return self.out
        self.mark_sections(sentences)
        self.find_page_date(sentences)
        self.sentences = sentences
        entities = self.find_entities(sentences)
        event = self.draft_event(sentences, entities)
        self.draft_people(sentences, entities, event)
        return self.out

    def mark_sections(self, sentences: list[Sentence]) -> None:
        title = self.given_title or self.source.title
        about = False
        for sentence in sentences:
            if not about and len(sentence.text) < 80:
                cues = self.lexicon.find(sentence.words, schemes=["text-cue"], kinds=["alt"])
                if any(f.phrase.concept == CUE["about-section"] and f.first == 0 for f in cues):
                    about = True
            if about:
                sentence.section = "about"
            elif title and sentence.text.strip("#* ") == title.strip():
                sentence.section = "title"
        if title and not any(s.section == "title" for s in sentences):
            self.title_sentence: Sentence | None = None
        else:
            self.title_sentence = next((s for s in sentences if s.section == "title"), None)
        self.out.title = title

    def find_page_date(self, sentences: list[Sentence]) -> None:
        self.page_line: Sentence | None = None
        if self.page_date is None and self.source.date:
            self.page_date = date.fromisoformat(self.source.date)
        for sentence in sentences[:6]:
            mentions = find_dates(sentence.text, self.language)
            if len(mentions) == 1 and mentions[0].has_year and len(sentence.words) <= 5:
                resolved = resolve(mentions[0], None)
                if resolved is not None:
                    self.page_line = sentence
                    if self.page_date is None:
                        self.page_date = resolved[0]
                    break
        self.out.page_date = self.page_date

    # --- names -------------------------------------------------------------------------------

    def find_entities(self, sentences: list[Sentence]) -> list[Mention]:
        found: list[Mention] = []
        for sentence in sentences:
            if sentence is self.page_line:
                continue
            known = self.known_in(sentence)
            candidates = self.candidates_in(sentence, known)
            found.extend(known)
            found.extend(candidates)
        return found

    # --- the event ----------------------------------------------------------------------------

    def draft_event(self, sentences: list[Sentence], entities: list[Mention]) -> URIRef | None:
        body = [s for s in sentences if s.section != "about" and s is not self.page_line]
        kind: Found | None = None
        kind_sentence: Sentence | None = None
        for sentence in ([self.title_sentence] if self.title_sentence else []) + body:
            hits = self.lexicon.find(
                sentence.words,
                schemes=["event-type"],
                kinds=["pref", "alt"],
                languages=self.languages,
            )
            hits = [
                h
                for h in hits
                if h.phrase.concept != VOCAB["event-type/site-visit"]
                or sentence is self.title_sentence
            ]
            if hits:
                kind = max(hits, key=lambda h: (len(h.phrase.words), -h.first))
                kind_sentence = sentence
                break
        dated: tuple[Sentence, DateMention, tuple[date, date]] | None = None
        for sentence in body:
            for mention in find_dates(sentence.text, self.language):
                resolved = resolve(mention, self.page_date)
                if resolved is not None:
                    dated = (sentence, mention, resolved)
                    break
            if dated:
                break
        if kind is None or kind_sentence is None:
            return None
        concept = kind.phrase.concept
        klass = self.lexicon.classes.get(concept, SG.Event)
        title = self.out.title or kind_sentence.text[:120]
        start = dated[2][0] if dated else None
        event = self.mint("event", f"{start.isoformat()} {title}" if start else title)
        self.out.event, self.out.start = event, start
        self.out.labels[event] = title
        self.out.new[event] = title
        type_confidence = 0.9 if kind_sentence is self.title_sentence else 0.75
        self.fact(
            event,
            RDF.type,
            klass,
            kind_sentence,
            type_confidence,
            note=f"the word {kind.phrase.label!r}",
        )
        self.out.event_kinds.add(str(concept).rsplit("/", 1)[-1])
        title_sentence = self.title_sentence if self.given_title is None else None
        self.fact(
            event,
            RDFS.label,
            RdfLiteral(title, lang=self.language),
            title_sentence or kind_sentence if self.given_title is None else None,
            0.9 if self.given_title is None else 1.0,
            note=""
            if self.given_title is None
            else "the title given by the person who imported the text",
        )
        self.fact(event, SG.source, self.document, title_sentence or kind_sentence, 1.0)
        place = self.event_place(body, entities, kind_sentence)
        english = title
        if self.language != "en":
            english = self.lexicon.english.get(concept, "event").capitalize()
            place_name = self.english_name(place) if place is not None else None
            if place_name:
                english = f"{english} in {place_name}"
            elif dated:
                english = f"{english} of {dated[2][0].isoformat()}"
            self.fact(
                event,
                RDFS.label,
                RdfLiteral(english, lang="en"),
                kind_sentence,
                0.5,
                "modelling",
                "English label made from the event's type and place: replace it with a translation of the title",
            )
        if dated:
            sentence, mention, (first, last) = dated
            confidence = 0.9 if mention.has_year else 0.8
            note = "" if mention.has_year else f"year from the page's date {self.page_date}"
            for prop, day in ((SG.startDate, first), (SG.endDate, last)):
                value = RdfLiteral(day.isoformat(), datatype=XSD.date)
                self.fact(event, prop, value, sentence, confidence, note=note)
        project = next((e for e in entities if e.kind == "project"), None)
        if project is not None:
            self.fact(
                event,
                SG.project,
                project.iri,
                project.sentence,
                project.confidence,
                note=project.match.describe() if project.match else "",
            )
        self.draft_status(event, body, dated)
        self.draft_attendance(event, body, place)
        self.draft_topics(event, body)
        self.draft_parts(event, body, english, dated)
        return event

    def english_name(self, entity: Mention) -> str | None:
        """The English name of a known place or region, or its name in an English text."""
        if self.language == "en":
            return entity.label
        return self.english_names.get(entity.iri)

    def event_place(
        self, body: list[Sentence], entities: list[Mention], kind_sentence: Sentence
    ) -> Mention | None:
        """The places the event is held in: named in the title or in a sentence on the event."""
        ordered = ([self.title_sentence] if self.title_sentence else []) + body
        event = self.out.event
        assert event is not None
        first: Mention | None = None
        seen: set[URIRef] = set()
        for sentence in ordered:
            if sentence is not self.title_sentence and not self._about_event(sentence):
                continue
            for entity in entities:
                if (
                    entity.sentence is sentence
                    and entity.kind in ("place", "region")
                    and entity.iri not in seen
                ):
                    seen.add(entity.iri)
                    self.fact(
                        event,
                        SG.location,
                        entity.iri,
                        sentence,
                        entity.confidence * 0.95,
                        note=entity.match.describe() if entity.match else "",
                    )
                    first = first or entity
            new = self.new_place(sentence, entities)
            if new is not None:
                first = first or new
        self.place = first
        return first

    def _about_event(self, sentence: Sentence) -> bool:
        if self.lexicon.find(sentence.words, schemes=["event-type"], languages=self.languages):
            return True
        if find_dates(sentence.text, self.language):
            return True
        cues = self.lexicon.find(
            sentence.words, schemes=["text-cue"], kinds=["alt"], languages=self.languages
        )
        return any(c.phrase.concept == CUE["place-preposition"] and c.first == 0 for c in cues)

    def new_place(self, sentence: Sentence, entities: list[Mention]) -> Mention | None:
        """A capitalised name after a word such as "in", in a sentence that names the event."""
        cues = self.lexicon.find(
            sentence.words, schemes=["text-cue"], kinds=["alt"], languages=self.languages
        )
        for cue in cues:
            if cue.phrase.concept != CUE["place-preposition"] or cue.last + 1 >= len(
                sentence.words
            ):
                continue
            word = sentence.words[cue.last + 1]
            if not word.capitalised or word.text.isdigit() or len(word.text) < 3:
                continue
            if any(e.start <= word.start < e.end for e in entities if e.sentence is sentence):
                continue
            if self.lexicon.find([word]) or find_dates(word.text, self.language):
                continue
            last = cue.last + 1
            while (
                last + 2 < len(sentence.words)
                and CONNECTORS.match(sentence.words[last + 1].text)
                and sentence.words[last + 2].capitalised
            ):
                last += 2
            while (
                last + 1 < len(sentence.words)
                and sentence.words[last + 1].capitalised
                and not re.search(
                    r"[,;:.()]",
                    self.source.text[sentence.words[last].end : sentence.words[last + 1].start],
                )
            ):
                last += 1
            name = self.source.text[word.start : sentence.words[last].end]
            if self.reconciler.match(name, classes=[SG.Country]).best is not None:
                continue
            if name not in self.out.new.values():
                iri = self.mint("place", name)
                self.new(iri, name)
                self.fact(
                    iri,
                    RDF.type,
                    SG.Place,
                    sentence,
                    0.5,
                    note="a name after the word " + repr(cue.phrase.label),
                )
                note = "" if self.language == "en" else "needs an English name"
                self.fact(
                    iri, RDFS.label, RdfLiteral(name, lang=self.language), sentence, 0.5, note=note
                )
                self.fact(self.out.event, SG.location, iri, sentence, 0.5)  # type: ignore[arg-type]
                entity = Mention(
                    iri,
                    name,
                    "place",
                    sentence=sentence,
                    start=word.start,
                    end=sentence.words[last].end,
                )
                self.place = entity
                return entity
        return None

    def cues(self, sentences: Iterable[Sentence], concept: str) -> Sentence | None:
        for sentence in sentences:
            found = self.lexicon.find(
                sentence.words, schemes=["text-cue"], kinds=["alt"], languages=self.languages
            )
            if any(f.phrase.concept == CUE[concept] for f in found):
                return sentence
        return None

    def draft_status(
        self,
        event: URIRef,
        body: list[Sentence],
        dated: tuple[Sentence, DateMention, tuple[date, date]] | None,
    ) -> None:
        for concept in ("cancelled", "postponed"):
            sentence = self.cues(body, concept)
            if sentence is not None:
                self.fact(event, SG.eventStatus, self.lexicon.matches[CUE[concept]], sentence, 0.7)
                return
        if dated and self.page_date is not None:
            sentence, _, (first, last) = dated
            if first >= self.page_date:
                self.fact(
                    event,
                    SG.eventStatus,
                    SCHEMA.EventScheduled,
                    sentence,
                    0.85,
                    note=f"announced: the page is dated {self.page_date}, before the event",
                )
                return
            if last < self.page_date:  # reported: schema.org has no status for a past event
                self.note_dates(
                    f"reported after the event (the page is dated {self.page_date}): no sg:eventStatus"
                )
                return
        announced = self.cues(body, "announced")
        reported = self.cues(body, "reported")
        if reported is not None and announced is None:
            self.note_dates("reported as past (the text's words): no sg:eventStatus")
        if announced is not None and reported is None:
            self.fact(
                event,
                SG.eventStatus,
                SCHEMA.EventScheduled,
                announced,
                0.7,
                note="announced: the text speaks of it as to come",
            )

    def note_dates(self, note: str) -> None:
        """Add ``note`` to the event's dates in the review table (the status has no fact)."""
        for index, fact in enumerate(self.out.facts):
            if fact.subject == self.out.event and fact.predicate == SG.startDate:
                joined = f"{fact.note}; {note}" if fact.note else note
                self.out.facts[index] = dataclasses.replace(fact, note=joined)

    def draft_attendance(self, event: URIRef, body: list[Sentence], place: Mention | None) -> None:
        for concept in ("hybrid", "online", "in-person"):
            sentence = self.cues(body, concept)
            if sentence is not None:
                self.fact(
                    event, SG.attendanceMode, self.lexicon.matches[CUE[concept]], sentence, 0.8
                )
                return
        if place is not None and place.sentence is not None:
            self.fact(
                event,
                SG.attendanceMode,
                SCHEMA.OfflineEventAttendanceMode,
                place.sentence,
                0.6,
                "modelling",
                "in person: the text names a place and no online meeting",
            )

    def draft_topics(self, event: URIRef, body: list[Sentence]) -> None:
        seen: set[URIRef] = set()
        for sentence in body:
            for hit in self.lexicon.find(
                sentence.words, schemes=["topic"], languages=self.languages
            ):
                if hit.phrase.concept not in seen:
                    seen.add(hit.phrase.concept)
                    self.fact(
                        event,
                        SG.topic,
                        hit.phrase.concept,
                        sentence,
                        0.6,
                        note=f"the words {hit.phrase.label!r}",
                    )

    def draft_parts(
        self,
        event: URIRef,
        body: list[Sentence],
        title: str,
        dated: tuple[Sentence, DateMention, tuple[date, date]] | None,
    ) -> None:
        """Days ("on the first day") and a visit during the event, as events of their own."""
        self.part_of: dict[int, URIRef] = {}
        self.days: dict[int, URIRef] = {}
        self.visit: URIRef | None = None
        current = event
        event_slug = str(event).rsplit("/", 1)[-1]
        for sentence in body:
            for number, concept in enumerate(("first-day", "second-day", "third-day"), start=1):
                if self.cues([sentence], concept) is not None:
                    day = self.days.get(number) or self.mint("event", f"{event_slug} day {number}")
                    if number not in self.days:
                        self.days[number] = day
                        self.sub_event(
                            day,
                            SG.EventDay,
                            event,
                            f"{title}, day {number}",
                            sentence,
                            number,
                            dated,
                        )
                    current = day
            visits = self.lexicon.find(
                sentence.words, schemes=["event-type"], languages=self.languages
            )
            if sentence is not self.title_sentence and any(
                v.phrase.concept == VOCAB["event-type/site-visit"] for v in visits
            ):
                visit = self.visit or self.mint("event", f"{event_slug} visit")
                if self.visit is None:
                    self.visit = visit
                    self.sub_event(
                        visit, SG.SiteVisit, event, f"Visit during {title}", sentence, None, None
                    )
                    self.out.event_kinds.add("site-visit")
                self.part_of[id(sentence)] = visit
                continue
            self.part_of[id(sentence)] = current

    def sub_event(
        self,
        iri: URIRef,
        klass: URIRef,
        parent: URIRef,
        label: str,
        sentence: Sentence,
        number: int | None,
        dated: tuple[Sentence, DateMention, tuple[date, date]] | None,
    ) -> None:
        self.new(iri, label)
        self.fact(iri, RDF.type, klass, sentence, 0.8)
        self.fact(iri, SG.superEvent, parent, sentence, 0.8)
        self.fact(
            iri,
            RDFS.label,
            RdfLiteral(label, lang="en"),
            sentence,
            0.6,
            "modelling",
            "English label made from the event's title",
        )
        self.fact(iri, SG.source, self.document, sentence, 1.0)
        if number is not None and dated is not None:
            first, last = dated[2]
            day = date.fromordinal(first.toordinal() + number - 1)
            if day <= last:
                value = RdfLiteral(day.isoformat(), datatype=XSD.date)
                self.fact(
                    iri, SG.startDate, value, sentence, 0.8, note=f"day {number} of {first}–{last}"
                )
                self.fact(
                    iri, SG.endDate, value, sentence, 0.8, note=f"day {number} of {first}–{last}"
                )

    # --- who takes part ------------------------------------------------------------------------

    def draft_people(
        self, sentences: list[Sentence], entities: list[Mention], event: URIRef | None
    ) -> None:
        project = next((e for e in entities if e.kind == "project"), None)
        organisations: dict[URIRef, URIRef] = {}
        for entity in entities:
            if entity.kind != "organisation" or entity.sentence is None:
                continue
            iri = self.organisation(entity, organisations)
            sentence = entity.sentence
            if sentence.section == "about":
                if project is not None:
                    self.partnership(iri, project, entity)
                continue
            if event is None:
                continue
            target = getattr(self, "part_of", {}).get(id(sentence), event)
            roles = self.roles_for(sentence, entity, entities)
            self.participation(target, iri, entity, roles)
        if event is not None:
            self.groups(sentences, entities, event)

    def organisation(self, entity: Mention, seen: dict[URIRef, URIRef]) -> URIRef:
        if entity.iri != URIRef(""):
            self.out.labels.setdefault(entity.iri, entity.label)
            return entity.iri
        key = URIRef(slugify(entity.label))
        if key in seen:
            entity.iri = seen[key]
            return entity.iri
        iri = self.mint("organisation", entity.label)
        entity.iri = seen[key] = iri
        self.new(iri, entity.label)
        concept = entity.concept
        klass = (
            self.lexicon.classes.get(concept, SG.Organisation)
            if concept is not None
            else SG.Organisation
        )
        head = next(
            (
                p.label
                for p in self.lexicon.phrases
                if p.concept == concept
                and p.kind == "hidden"
                and p.language == self.language
                and p.label.casefold() in entity.label.casefold()
            ),
            "",
        )
        self.fact(
            iri,
            RDF.type,
            klass,
            entity.sentence,
            0.6,
            "modelling",
            f"type read from the word {head!r} of the name" if head else "type read from the name",
        )
        note = "" if self.language == "en" else "needs an English name"
        self.fact(
            iri,
            RDFS.label,
            RdfLiteral(entity.label, lang=self.language),
            entity.sentence,
            0.7,
            note=note,
        )
        if entity.acronym:
            self.fact(iri, SKOS.altLabel, RdfLiteral(entity.acronym), entity.sentence, 0.7)
        return iri

    def roles_for(
        self, sentence: Sentence, entity: Mention, entities: list[Mention]
    ) -> list[URIRef]:
        hits = self.lexicon.find(
            sentence.words,
            schemes=["participation-role"],
            kinds=["hidden"],
            languages=self.languages,
        )
        if not hits:
            return []
        named = [e for e in entities if e.sentence is sentence and e.kind == "organisation"]
        if not named or named[0] is not entity:
            first_role = hits[0]
            # the role word speaks of the name nearest before it, or of the first name after it
            before = [e for e in named if e.end <= first_role.start]
            chosen = (
                before[-1]
                if before
                else next((e for e in named if e.start >= first_role.end), None)
            )
            if chosen is not entity:
                return []
        return sorted({h.phrase.concept for h in hits})

    def participation(
        self, event: URIRef, participant: URIRef, entity: Mention, roles: list[URIRef]
    ) -> None:
        event_slug = str(event).rsplit("/", 1)[-1]
        part = URIRef(ID[f"participation/{event_slug}--{str(participant).rsplit('/', 1)[-1]}"])
        if part in self.out.labels:
            return
        self.taken.add(str(part))
        self.out.labels[part] = f"{entity.label} at {self.out.labels.get(event, event_slug)}"
        self.out.new[part] = self.out.labels[part]
        graph: GraphKind = "stated" if roles else "modelling"
        note = (
            entity.match.describe()
            if entity.match and entity.match.best
            else ("new" if entity.match else "")
        )
        sentence = entity.sentence
        confidence = entity.confidence * (0.9 if roles else 0.7)
        self.fact(
            part,
            RDF.type,
            SG.Participation,
            sentence,
            confidence,
            graph,
            "" if roles else "takes part: read from the text that names it",
        )
        self.fact(part, SG.event, event, sentence, confidence, graph)
        self.fact(part, SG.participant, participant, sentence, confidence, graph, note)
        self.fact(part, SG.source, self.document, sentence, 1.0, graph)
        for role in roles or [ROLE["participant"]]:
            self.fact(
                part,
                SG.participationRole,
                role,
                sentence,
                confidence,
                graph,
                "" if roles else "role not stated",
            )

    def partnership(self, member: URIRef, project: Mention, entity: Mention) -> None:
        ship = URIRef(
            ID[
                f"partnership/{str(project.iri).rsplit('/', 1)[-1]}--{str(member).rsplit('/', 1)[-1]}"
            ]
        )
        if ship in self.out.labels:
            return
        self.out.labels[ship] = f"{entity.label} in {project.label}"
        sentence = entity.sentence
        note = entity.match.describe() if entity.match and entity.match.best else "new"
        if str(ship) in self.known:  # the graph knows it: this text is one more source
            self.fact(ship, SG.member, member, sentence, entity.confidence * 0.8, note=note)
            self.fact(ship, SG.source, self.document, sentence, 1.0)
            return
        self.out.new[ship] = self.out.labels[ship]
        self.fact(
            ship,
            RDF.type,
            SG.Partnership,
            sentence,
            0.7,
            note="named in the text's description of the project",
        )
        self.fact(ship, SG.member, member, sentence, entity.confidence * 0.8, note=note)
        self.fact(ship, SG.organisation, project.iri, sentence, 0.8)
        self.fact(
            ship,
            SG.role,
            VOCAB["partner-role/partner"],
            sentence,
            0.7,
            note="the text states no role",
        )
        self.fact(ship, SG.source, self.document, sentence, 1.0)

    def groups(self, sentences: list[Sentence], entities: list[Mention], event: URIRef) -> None:
        """Bodies named only by their kind, and figures of people ("11 experts")."""
        seen: set[tuple[URIRef, URIRef]] = set()
        for sentence in sentences:
            if sentence.section == "about" or sentence is self.page_line:
                continue
            target = getattr(self, "part_of", {}).get(id(sentence), event)
            names = [e for e in entities if e.sentence is sentence and e.kind == "organisation"]
            kinds = [
                hit
                for hit in self.lexicon.find(
                    sentence.words,
                    schemes=["organisation-type"],
                    kinds=["alt"],
                    languages=self.languages,
                )
                if not any(e.start <= hit.start < e.end for e in names)
            ]
            counted = self.headcount(sentence, target, kinds)
            if counted:
                continue
            for hit in kinds:
                concept = hit.phrase.concept
                if (target, concept) in seen:
                    continue
                seen.add((target, concept))
                label = self.source.text[hit.start : hit.end]
                self.group(target, concept, [concept], label, sentence, None)

    def headcount(self, sentence: Sentence, target: URIRef, kinds: list[Found]) -> bool:
        words = sentence.words
        for index, word in enumerate(words[:-1]):
            if (
                not (word.text.isascii() and word.text.isdigit())
                or not 1 <= int(word.text) <= 100_000
            ):
                continue
            if words[index - 1].folded in {"am", "on", "the"} if index else False:
                continue
            for size in (1, 2, 3):
                hits = self.lexicon.find(
                    words[index + 1 : index + 1 + size],
                    schemes=["text-cue"],
                    kinds=["alt"],
                    languages=self.languages,
                )
                if any(h.phrase.concept == CUE["headcount"] and h.last == size - 1 for h in hits):
                    end = words[index + size].end
                    label = self.source.text[word.start : end]
                    types = [k.phrase.concept for k in kinds if k.start >= end]
                    self.group(target, None, types, label, sentence, int(word.text))
                    return True
        return False

    def group(
        self,
        event: URIRef,
        concept: URIRef | None,
        types: list[URIRef],
        label: str,
        sentence: Sentence,
        count: int | None,
    ) -> None:
        event_slug = str(event).rsplit("/", 1)[-1]
        english = label if self.language == "en" else None
        if english is None:
            if count is not None:
                english = f"{count} participants"
            else:
                plural = (
                    sorted(
                        self.lexicon.labels(concept, kind="alt", language="en"),
                        key=lambda s: (len(s), s),
                    )
                    if concept
                    else []
                )
                english = (
                    plural[0]
                    if plural
                    else self.lexicon.english.get(concept or OTYPE["stakeholder"], "participants")
                )
        iri = self.mint("group", f"{event_slug} {english}")
        self.new(iri, label)
        self.fact(
            iri,
            RDF.type,
            SG.ParticipantGroup,
            sentence,
            0.7,
            note="named only by its kind: no organisation is named",
        )
        self.fact(iri, RDFS.label, RdfLiteral(label, lang=self.language), sentence, 0.7)
        if self.language != "en":
            self.fact(
                iri,
                RDFS.label,
                RdfLiteral(english, lang="en"),
                sentence,
                0.6,
                "translation",
                "English name from the vocabulary",
            )
        for kind in types:
            self.fact(iri, SG.organisationType, kind, sentence, 0.7)
        if not types:
            self.fact(
                iri,
                SG.organisationType,
                OTYPE["stakeholder"],
                sentence,
                0.5,
                "modelling",
                "the text names no kind",
            )
        if count is not None:
            self.fact(
                iri, SG.headcount, RdfLiteral(str(count), datatype=XSD.integer), sentence, 0.85
            )
        entity = Mention(iri, label, "group", sentence=sentence)
        self.participation(event, iri, entity, [])


# --- the public function --------------------------------------------------------------------


def draft_text(
    path: Path,
    *,
    store: Store,
    drafts: Path,
    lang: str | None = None,
    title: str | None = None,
    publisher: URIRef | str | None = None,
    issued: date | None = None,
    slug: str | None = None,
    threshold: float = DEFAULT_THRESHOLD,
) -> DraftSummary:
    """Draft the facts a news text states, with their evidence, into ``drafts/{slug}/``.

    Parameters
    ----------
    path
        A plain-text, Markdown (``.md``) or saved HTML (``.html``) file, UTF-8.
    store
        The built graph: known organisations, places and regions are matched against it, and
        the vocabularies' words are read from it.
    drafts
        The folder the draft is written into.
    lang
        The text's language (one of :data:`LANGUAGES`); detected when None.
    title
        The document's title; otherwise its first heading (or the HTML page's title).
    publisher
        Who published the document: an IRI, or the slug of a known organisation.
    issued
        The page's date; otherwise the date the page states. Dates without a year take its year.
    slug
        Names the draft and its graph; otherwise ``{date}-{title}``.
    threshold
        The lowest fuzzy score of a match with a known name (0–100).

    Returns
    -------
    DraftSummary
        With ``facts == 0`` and nothing written when the text states nothing the importer
        recognises (``skipped`` then says "no facts found").

    Raises
    ------
    SourceError
        If the file cannot be read as UTF-8 text.
    ParameterError
        If ``lang`` is not a partnership language or ``slug`` is not a slug.
    """
    if lang is not None and lang not in LANGUAGES:
        raise ParameterError(f"lang {lang!r}: expected one of {', '.join(LANGUAGES)}")
    if slug is not None and not re.fullmatch(r"[a-z0-9][a-z0-9-]*", slug):
        raise ParameterError(f"slug {slug!r}: expected lower-case letters, digits and hyphens")
    source = read_text(path)
    lexicon, reconciler, taken, kinds, english = _indexes(store, threshold)
    language = lang or detect_language(source.text) or "en"
    preview = extract(
        source,
        store=store,
        lexicon=lexicon,
        reconciler=reconciler,
        lang=language,
        title=title,
        issued=issued,
        taken=taken,
        kinds=kinds,
        english_names=english,
    )
    base = f"{(issued or preview.page_date or preview.start or '')}"
    name = slug or slugify(f"{base} {preview.title or path.stem}")
    record = SourceRecord(
        slug=name, title=preview.title or path.stem, file=path, method="text-extraction",
        kind="news page" if source.format == "html" else "press release",
        title_language=language, publisher=_publisher(publisher), language=language,
        issued=issued or preview.page_date,
    )  # fmt: skip
    folder = drafts / name
    if not any(f.graph == "stated" for f in preview.facts):
        return DraftSummary(
            folder, folder / f"{name}.review.csv", 0, 0, 0, (f"{path}: no facts found",)
        )
    earlier = earlier_versions(store, name)
    if earlier:  # what an accepted earlier draft of this page said is not known: it is replaced
        store = store.without(earlier)
        lexicon, reconciler, taken, kinds, english = _indexes(store, threshold)
    extraction = extract(
        source,
        store=store,
        lexicon=lexicon,
        reconciler=reconciler,
        record=record,
        lang=language,
        title=title,
        issued=issued,
        taken=taken,
        kinds=kinds,
        english_names=english,
    )
    with write_draft(drafts, record) as writer:
        for entity, label in extraction.new.items():
            writer.mark_new(entity, label)
        for entity, label in extraction.labels.items():
            writer.label(entity, label)
        for fact in extraction.facts:
            writer.add(fact)
        summary = writer.summary()
    return summary


_INDEXES: weakref.WeakKeyDictionary[Store, tuple[int, float, _Indexes]] = (
    weakref.WeakKeyDictionary()
)
_Indexes = tuple[Lexicon, Reconciler, set[str], dict[URIRef, str], dict[URIRef, str]]


def _indexes(store: Store, threshold: float) -> _Indexes:
    """The lexicon, reconciler, taken IRIs and entity kinds of ``store``, built once per store
    (and again when its size changes): importing many files against one graph stays fast."""
    size = len(store)
    cached = _INDEXES.get(store)
    if cached is not None and cached[0] == size and cached[1] == threshold:
        return cached[2]
    built: _Indexes = (
        Lexicon.from_store(store),
        Reconciler.from_store(store, threshold=threshold),
        _taken(store),
        entity_kinds(store),
        _english(store),
    )
    _INDEXES[store] = (size, threshold, built)
    return built


def _english(store: Store) -> dict[URIRef, str]:
    rows = store.select(
        "SELECT ?e ?label WHERE { ?e a ?c ; rdfs:label ?label FILTER(langMatches(lang(?label), 'en')) }"
    ).rows
    return {row["e"]: str(row["label"]) for row in rows if isinstance(row["e"], URIRef)}


def _taken(store: Store) -> set[str]:
    rows = store.select(
        f'SELECT DISTINCT ?s WHERE {{ ?s ?p ?o FILTER(isIRI(?s) && STRSTARTS(STR(?s), "{ID}")) }}'
    ).rows
    return {str(row["s"]) for row in rows}


def _publisher(publisher: URIRef | str | None) -> URIRef | None:
    if publisher is None:
        return None
    text = str(publisher)
    if re.match(r"^https?://", text):
        return URIRef(text)
    if re.fullmatch(r"[a-z0-9][a-z0-9-]*", text):
        return URIRef(ID[f"organisation/{text}"])
    raise ParameterError(f"publisher {text!r}: expected an IRI or the slug of an organisation")
