"""Import a partner's spreadsheet as a draft: rows checked, names reconciled, facts validated.

Each kind of sheet follows its template (:mod:`.templates`). A row becomes facts about a new or a
known entity; every fact cites its row (``sg:Evidence`` with ``sg:row``). Rows are checked cell by
cell, then their facts are validated with the SHACL shapes together with what the graph already
says about the entities they touch, a chunk of rows at a time, so memory stays bounded.

Nothing is written unless every row is good, or ``skip_invalid`` is set: then the good rows are
written and the bad ones listed.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from rdflib import RDF, RDFS, SKOS, XSD, Graph, Literal, Node, URIRef
from rdflib.namespace import DCTERMS

from ..errors import SecongraphError
from ..namespaces import ID, SCHEMA, SG, bind_prefixes
from ..store import Store
from .draft import DraftSummary, Evidence, Fact, SourceRecord, earlier_versions, write_draft
from .reconcile import Match, Reconciler, mint_iri, slugify
from .sheets import Sheet, read_sheet
from .templates import TEMPLATES, Kind

__all__ = ["LANGUAGES", "TableError", "draft_table"]

LANGUAGES = frozenset({"bg", "de", "el", "en", "es", "hu", "lv", "nl", "pl", "pt", "ro"})
"""The languages of the partnership, as two-letter codes."""
CHUNK_ROWS = 250
"""Rows validated together: pyshacl's cost per focus node grows with their number, so small
chunks are fastest (measured on synthetic sheets: 250 rows about 1.5x faster than 2,000)."""
_MARKUP = re.compile(r"<\s*/?\s*[a-zA-Z!][^>]*>")
_DATE_FORMATS = (
    re.compile(r"^(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})$"),
    re.compile(r"^(?P<d>\d{1,2})[./](?P<m>\d{1,2})[./](?P<y>\d{4})$"),
)
_STATUS = {
    "scheduled": SCHEMA.EventScheduled, "cancelled": SCHEMA.EventCancelled,
    "canceled": SCHEMA.EventCancelled, "postponed": SCHEMA.EventPostponed,
    "rescheduled": SCHEMA.EventRescheduled, "moved online": SCHEMA.EventMovedOnline,
}  # fmt: skip
_MODE = {
    "in person": SCHEMA.OfflineEventAttendanceMode, "offline": SCHEMA.OfflineEventAttendanceMode,
    "online": SCHEMA.OnlineEventAttendanceMode, "mixed": SCHEMA.MixedEventAttendanceMode,
    "hybrid": SCHEMA.MixedEventAttendanceMode,
}  # fmt: skip
_COLUMN_OF: dict[URIRef, str] = {
    RDF.type: "type", SG.country: "country", SG.locatedIn: "nuts_region", SG.homepage: "website",
    SG.subOrganisationOf: "parent", SKOS.altLabel: "acronym", SG.startDate: "start_date",
    SG.endDate: "end_date", SG.location: "place", SG.project: "project",
    SG.superEvent: "part_of", SG.eventStatus: "status", SG.attendanceMode: "mode",
    SG.topic: "topics", SG.event: "event", SG.participant: "participant",
    SG.participationRole: "role", DCTERMS.description: "description",
}  # fmt: skip
"""For a SHACL finding about a property: the column the value came from."""

Progress = Callable[[int, int], None]
"""Called with the rows read so far and the rows the sheet has (about)."""


class TableError(SecongraphError):
    """Rows of a spreadsheet do not fit its template or the shapes; ``problems`` lists each one
    as ``FILE:ROW: column 'X': problem``."""

    exit_code = 1

    def __init__(self, path: Path, problems: list[str]):
        super().__init__(
            f"{path}: {len(problems)} problem(s); nothing was written",
            hint="Mend the rows, or pass skip_invalid to write the good rows only.",
        )
        self.problems = problems


@dataclass
class _Row:
    """The facts one row states, or its problems."""

    number: int
    cells: dict[str, str]
    facts: list[Fact] = field(default_factory=list)
    problems: list[tuple[str, str]] = field(default_factory=list)
    new: dict[URIRef, str] = field(default_factory=dict)
    known: dict[URIRef, str] = field(default_factory=dict)

    def problem(self, column: str, message: str) -> None:
        self.problems.append((column, message))


def draft_table(
    path: Path,
    *,
    kind: Kind,
    store: Store,
    drafts: Path,
    title: str,
    publisher: str | None = None,
    issued: date | None = None,
    lang: str | None = None,
    slug: str | None = None,
    skip_invalid: bool = False,
    progress: Progress | None = None,
) -> DraftSummary:
    """Read the spreadsheet ``path`` as a sheet of ``kind`` and write its draft into ``drafts``.

    Parameters
    ----------
    path
        A CSV or XLSX file that follows the template of ``kind``.
    kind
        ``organisations``, ``events``, ``participation`` or ``membership``.
    store
        The built graph: names are reconciled against it and facts validated with it.
    drafts
        The folder the draft is written into, as ``drafts/{slug}/``.
    title, publisher, issued
        The source document: its title, who provided it (a known organisation, by name or IRI),
        and when.
    lang
        The language of names and titles where the sheet has no ``language`` column.
    slug
        Names the draft and its graph; by default made from ``title``. What an earlier
        version of the draft (accepted into the graph) says does not count as known.
    skip_invalid
        Write the good rows and list the bad ones, instead of writing nothing.
    progress
        Called now and then with the rows read so far and the rows the sheet has.

    Returns
    -------
    DraftSummary

    Raises
    ------
    SourceError
        If the file cannot be read as a spreadsheet.
    TableError
        If a column is unknown or missing, or a row is bad (unless ``skip_invalid``): every
        problem at once, and nothing written.
    ParameterError
        If ``kind``, ``lang`` or ``publisher`` is not valid.
    """
    from ..errors import ParameterError

    if kind not in TEMPLATES:
        raise ParameterError(f"kind {kind!r}: expected one of {', '.join(TEMPLATES)}")
    if lang is not None and lang not in LANGUAGES:
        raise ParameterError(f"lang {lang!r}: expected one of {', '.join(sorted(LANGUAGES))}")
    sheet = read_sheet(path)
    _check_header(sheet, kind)
    slug = slug or slugify(title)
    store = store.without(earlier_versions(store, slug))
    reconciler = Reconciler.from_store(store)
    record = SourceRecord(
        slug=slug, title=title, file=path, method="csv-import", kind="spreadsheet",
        publisher=_publisher(reconciler, publisher), issued=issued,
    )  # fmt: skip
    rows = _Rows(sheet, kind, store, reconciler, record, lang)
    skipped: list[str] = []
    with write_draft(drafts, record) as writer:
        for chunk in rows.chunks(progress):
            rows.validate(chunk)
            for row in chunk:
                if row.problems:
                    skipped += [
                        f"{path.name}:{row.number}: column '{column}': {message}"
                        for column, message in row.problems
                    ]
                    continue
                for entity, label in row.new.items():
                    writer.mark_new(entity, label)
                for entity, label in row.known.items():
                    writer.label(entity, label)
                for fact in row.facts:
                    writer.add(fact)
        if skipped and not skip_invalid:
            raise TableError(path, skipped)
        if writer.facts == 0:
            raise TableError(path, skipped or [f"{path.name}: no rows to import"])
        return writer.summary(skipped)


def _check_header(sheet: Sheet, kind: Kind) -> None:
    names = [column.name for column in TEMPLATES[kind]]
    problems = [
        f"{sheet.path.name}:1: column '{header}': unknown column (expected {', '.join(names)})"
        for header in sheet.header
        if header and header not in names
    ]
    problems += [
        f"{sheet.path.name}:1: column '{column.name}': missing (the template needs it)"
        for column in TEMPLATES[kind]
        if column.required and column.name not in sheet.header
    ]
    duplicates = {h for h in sheet.header if h and sheet.header.count(h) > 1}
    problems += [f"{sheet.path.name}:1: column '{h}': given twice" for h in sorted(duplicates)]
    if problems:
        raise TableError(sheet.path, problems)


def _publisher(reconciler: Reconciler, publisher: str | None) -> URIRef | None:
    from ..errors import ParameterError

    if publisher is None:
        return None
    match = _reference(reconciler, publisher, (SG.Organisation, SG.Project))
    if match.entity is None:
        raise ParameterError(
            f"publisher {publisher!r}: {_unknown(match, 'organisation')}",
            hint="Name a known organisation, by name, acronym or IRI.",
        )
    return match.entity


def _reference(reconciler: Reconciler, text: str, classes: Iterable[URIRef]) -> Match:
    """Match a cell that names an entity, or gives its IRI."""
    text = text.strip()
    if text.startswith(str(ID)):
        entity = URIRef(text)
        return Match(text, entity if entity in reconciler else None)
    return reconciler.match(text, classes=classes)


def _unknown(match: Match, what: str) -> str:
    if match.ambiguous:
        return "ambiguous: " + match.describe().removeprefix("ambiguous: ")
    return f"not a known {what}"


class _Vocabulary:
    """The concepts of the SKOS schemes, found by slug or by any of their labels."""

    def __init__(self, store: Store):
        result = store.select(
            """SELECT ?concept ?scheme ?label ?class WHERE {
                 ?concept skos:inScheme ?scheme .
                 OPTIONAL { ?concept skos:prefLabel|skos:altLabel|skos:hiddenLabel ?label }
                 OPTIONAL { ?concept rdfs:seeAlso ?class }
               }"""
        )
        self.concepts: dict[tuple[str, str], URIRef] = {}
        self.classes: dict[URIRef, URIRef] = {}
        for row in result.rows:
            concept, scheme = row["concept"], row["scheme"]
            if not isinstance(concept, URIRef) or not isinstance(scheme, URIRef):
                continue
            name = str(scheme).rsplit("/", 1)[-1]
            self.concepts[(name, str(concept).rsplit("/", 1)[-1])] = concept
            if row["label"] is not None:
                self.concepts.setdefault((name, _key(str(row["label"]))), concept)
            if isinstance(row["class"], URIRef) and str(row["class"]).startswith(str(SG)):
                self.classes[concept] = row["class"]

    def find(self, scheme: str, text: str) -> URIRef | None:
        return self.concepts.get((scheme, text.strip())) or self.concepts.get((scheme, _key(text)))

    def allowed(self, scheme: str) -> str:
        slugs = sorted(slug for (name, slug), c in self.concepts.items() if name == scheme
                       and str(c).endswith(f"/{slug}"))  # fmt: skip
        return ", ".join(slugs)


def _key(text: str) -> str:
    return " ".join(text.casefold().replace("-", " ").split())


class _Rows:
    """Turns the rows of a sheet into facts, and validates them a chunk at a time."""

    def __init__(
        self, sheet: Sheet, kind: Kind, store: Store, reconciler: Reconciler,
        record: SourceRecord, lang: str | None,
    ) -> None:  # fmt: skip
        self.sheet, self.kind, self.store, self.record, self.lang = sheet, kind, store, record, lang
        self.reconciler = reconciler
        self.vocabulary = _Vocabulary(store)
        self.seen: dict[tuple[str, ...], int] = {}
        self.taken: set[str] = set()
        self.minted: set[URIRef] = set()
        self.labels: dict[URIRef, dict[str | None, set[str]]] = {}
        self.convert = {
            "organisations": self._organisation, "events": self._event,
            "participation": self._participation, "membership": self._membership,
        }[kind]  # fmt: skip

    def chunks(self, progress: Progress | None) -> Iterator[list[_Row]]:
        chunk: list[_Row] = []
        count = 0
        for number, cells in self.sheet.rows:
            row = _Row(number, self._cells(cells))
            if row.problems == [] and not row.cells.get("__overflow__"):
                self.convert(row)
            else:
                row.problems = row.problems or [("", "more cells than the header has columns")]
            chunk.append(row)
            count += 1
            if len(chunk) >= CHUNK_ROWS:
                yield chunk
                chunk = []
                if progress:
                    progress(count, max(count, self.sheet.size))
        if chunk:
            yield chunk
        if progress:
            progress(count, count)

    def _cells(self, cells: list[str]) -> dict[str, str]:
        header = self.sheet.header
        values = {
            name: " ".join(cell.split()) for name, cell in zip(header, cells, strict=False) if name
        }
        if len(cells) > len(header) and any(c.strip() for c in cells[len(header) :]):
            values["__overflow__"] = "yes"
        return values

    # --- cells ---------------------------------------------------------------------------------

    def _text(self, row: _Row, column: str, *, required: bool = False) -> str:
        value = row.cells.get(column, "")
        if not value:
            if required:
                row.problem(column, "empty (the template needs it)")
            return ""
        if _MARKUP.search(value):
            row.problem(column, "contains markup such as <b>; give the plain text")
            return ""
        return value

    def _language(self, row: _Row) -> str | None:
        value = self._text(row, "language").lower() or self.lang
        if value is None:
            row.problem("language", "empty: give the language of the name (bg, de, en, …)")
        elif value not in LANGUAGES:
            row.problem("language", f"{value!r} is not one of {', '.join(sorted(LANGUAGES))}")
            return None
        return value

    def _concept(
        self, row: _Row, column: str, scheme: str, *, required: bool = False
    ) -> list[URIRef]:
        text = self._text(row, column, required=required)
        parts = [p.strip() for p in text.split(";") if p.strip()] if text else []
        found = []
        for part in parts:
            concept = self.vocabulary.find(scheme, part)
            if concept is None:
                row.problem(
                    column,
                    f"{part!r} is not allowed (choose from: {self.vocabulary.allowed(scheme)})",
                )
            else:
                found.append(concept)
        return found

    def _date(self, row: _Row, column: str, *, required: bool = False) -> Literal | None:
        text = self._text(row, column, required=required)
        if not text:
            return None
        for pattern in _DATE_FORMATS:
            if found := pattern.match(text):
                try:
                    day = date(int(found["y"]), int(found["m"]), int(found["d"]))
                except ValueError:
                    break
                return Literal(day.isoformat(), datatype=XSD.date)
        row.problem(column, f"{text!r} is not a date such as 2023-11-13")
        return None

    def _entity(self, row: _Row, column: str, classes: tuple[URIRef, ...], what: str,
                *, required: bool = False) -> URIRef | None:  # fmt: skip
        text = self._text(row, column, required=required)
        if not text:
            return None
        match = _reference(self.reconciler, text, classes)
        if match.entity is None:
            row.problem(column, f"{text!r}: {_unknown(match, what)}")
            return None
        row.known.setdefault(match.entity, match.best.label if match.best else text)
        return match.entity

    # --- rows ----------------------------------------------------------------------------------

    def _fact(self, row: _Row, subject: URIRef, predicate: URIRef, value: URIRef | Literal,
              confidence: float = 1.0, note: str = "") -> None:  # fmt: skip
        quote = " | ".join(f"{k}: {v}" for k, v in row.cells.items() if v and k != "__overflow__")
        evidence = Evidence(quote, confidence, row=row.number)
        row.facts.append(Fact(subject, predicate, value, evidence, note=note))

    def _duplicate(self, row: _Row, key: tuple[str, ...], column: str) -> bool:
        if key in self.seen:
            row.problem(column, f"the same as row {self.seen[key]}")
            return True
        self.seen[key] = row.number
        return False

    def _name_facts(self, row: _Row, entity: URIRef, known: bool, labels: list[Literal]) -> None:
        """Labels of ``entity``: new ones as they are; for a known entity, a name in a language
        it already has a different label in becomes an alternative label (enriched, not doubled)."""
        existing = self._labels(entity) if known else {}
        for label in labels:
            if str(label) in existing.get(label.language, set()):
                continue
            predicate = SKOS.altLabel if existing.get(label.language) else RDFS.label
            self._fact(row, entity, predicate, label)

    def _labels(self, entity: URIRef) -> dict[str | None, set[str]]:
        if entity not in self.labels:
            found: dict[str | None, set[str]] = defaultdict(set)
            result = self.store.select(
                "SELECT ?label WHERE { ?entity rdfs:label ?label }", bindings={"entity": entity}
            )
            for r in result.rows:
                if isinstance(r["label"], Literal):
                    found[r["label"].language].add(str(r["label"]))
            self.labels[entity] = found
        return self.labels[entity]

    def _known(self, row: _Row, what: str, names: list[str], classes: tuple[URIRef, ...],
               column: str) -> tuple[URIRef | None, str]:  # fmt: skip
        """The known entity ``names`` mean and how it matched; None and ``new`` if there is
        none; None and a problem of the row if a name is ambiguous."""
        for name in names:
            match = self.reconciler.match(name, classes=classes)
            if match.ambiguous:
                row.problem(column, f"{name!r}: {_unknown(match, what)}")
                return None, ""
            if match.entity is not None and match.best is not None:
                row.known[match.entity] = match.best.label
                return match.entity, match.describe()
        return None, "new"

    def _mint(self, row: _Row, kind: str, name: str, labels: list[str], classes: tuple[URIRef, ...],
              shown: str) -> URIRef:  # fmt: skip
        """A new identifier for ``name``, unlike any known or minted one; made known by
        ``labels`` so a later row of the sheet finds it."""
        iri = mint_iri(kind, name, taken=self.taken)
        while iri in self.reconciler:
            self.taken.add(str(iri))
            iri = mint_iri(kind, name, taken=self.taken)
        self.taken.add(str(iri))
        self.minted.add(iri)
        self.reconciler.add(iri, labels, classes)
        row.new[iri] = shown
        return iri

    def _named(
        self, row: _Row, kind: str, name: str, english: str, language: str, klass: URIRef, *,
        columns: tuple[str, str], slug: str,
    ) -> URIRef | None:  # fmt: skip
        """The organisation or event a row names, known or new, with its type and labels.

        A known entity is found by the English name or the name; a new one needs an English name
        (the shapes ask for an English label) and gets an IRI from ``slug``. None, and a problem
        of the row, when the name is ambiguous, the English name missing or the row a duplicate.
        """
        what = "organisation" if kind == "organisation" else "event"
        entity, how = self._known(row, kind, [english, name] if english else [name],
                                  (SG.Organisation if kind == "organisation" else SG.Event,),
                                  columns[0])  # fmt: skip
        known = entity is not None
        if entity is None:
            if how != "new":
                return None
            if language != "en" and not english:
                row.problem(columns[1], f"a new {what} needs its English {columns[0]} "
                                        f"(the {columns[0]} is in {language})")  # fmt: skip
                return None
            known_by = [n for n in (name, english) if n]
            classes = (klass,) if kind == "organisation" else (SG.Event,)
            entity = self._mint(row, kind, slug, known_by, classes, english or name)
        if self._duplicate(row, (str(entity),), columns[0]):
            return None
        self._fact(row, entity, RDF.type, klass, note=f"{columns[0]} {name!r}: {how}")
        labels = [Literal(name, lang=language)]
        if english and language != "en":
            labels.append(Literal(english, lang="en"))
        self._name_facts(row, entity, known, labels)
        return entity

    def _organisation(self, row: _Row) -> None:
        name = self._text(row, "name", required=True)
        language = self._language(row)
        english = self._text(row, "english_name")
        concepts = self._concept(row, "type", "organisation-type", required=True)
        country = self._entity(row, "country", (SG.Country,), "country")
        region = self._entity(row, "nuts_region", (SG.NutsRegion,), "NUTS 2021 region")
        parent = self._entity(row, "parent", (SG.Organisation,), "organisation")
        group = self._entity(row, "stakeholder_group", (SG.StakeholderGroup,), "stakeholder group")
        website = self._text(row, "website")
        if website and not re.fullmatch(r"https?://[^\s<>\"{}|\\^`]+", website):
            row.problem("website", f"{website!r} is not a full http(s) address")
        if row.problems or not name or language is None:
            return
        klass = self.vocabulary.classes.get(concepts[0], SG.Organisation)
        entity = self._named(row, "organisation", name, english, language, klass,
                             columns=("name", "english_name"), slug=english or name)  # fmt: skip
        if entity is None:
            return
        if acronym := self._text(row, "acronym"):
            self._fact(row, entity, SKOS.altLabel, Literal(acronym))
        for predicate, value in ((SG.country, country), (SG.locatedIn, region),
                                 (SG.subOrganisationOf, parent)):  # fmt: skip
            if value is not None:
                self._fact(row, entity, predicate, value)
        if website:
            self._fact(row, entity, SG.homepage, URIRef(website))
        if group is not None:
            self._membership_facts(row, group, entity)

    def _membership_facts(self, row: _Row, group: URIRef, member: URIRef) -> None:
        membership = URIRef(ID[f"membership/{_local(group)}--{_local(member)}"])
        for predicate, value in ((RDF.type, SG.StakeholderGroupMembership), (SG.member, member),
                                 (SG.organisation, group), (SG.source, self.record.document)):  # fmt: skip
            self._fact(row, membership, predicate, value)
        name = f"{row.known.get(member) or row.new.get(member, '')} in {row.known.get(group, '')}"
        self._note(row, membership, name)

    def _note(self, row: _Row, entity: URIRef, label: str) -> None:
        """Count ``entity`` (a membership, a participation) as new or known, for the review."""
        exists = self.store.select("SELECT ?t WHERE { ?e a ?t } LIMIT 1", bindings={"e": entity})
        (row.known if len(exists) else row.new).setdefault(entity, label)

    def _event(self, row: _Row) -> None:
        title = self._text(row, "title", required=True)
        language = self._language(row)
        english = self._text(row, "english_title")
        concepts = self._concept(row, "type", "event-type", required=True)
        start = self._date(row, "start_date", required=True)
        end = self._date(row, "end_date")
        place = self._entity(
            row, "place", (SG.Place, SG.Region, SG.Country), "place, region or country"
        )
        project = self._entity(row, "project", (SG.Project,), "project")
        parent = self._entity(row, "part_of", (SG.Event,), "event")
        topics = self._concept(row, "topics", "topic")
        status = self._choice(row, "status", _STATUS)
        mode = self._choice(row, "mode", _MODE)
        description = self._text(row, "description")
        if start is not None and end is not None and end.toPython() < start.toPython():
            row.problem("end_date", f"{end} is before the start date {start}")
        if row.problems or not title or language is None or start is None:
            return
        klass = self.vocabulary.classes.get(concepts[0], SG.Event)
        entity = self._named(row, "event", title, english, language, klass,
                             columns=("title", "english_title"),
                             slug=f"{start} {english or title}")  # fmt: skip
        if entity is None:
            return
        values: list[tuple[URIRef, URIRef | Literal | None]] = [
            (SG.startDate, start), (SG.endDate, end), (SG.location, place), (SG.project, project),
            (SG.superEvent, parent), (SG.eventStatus, status), (SG.attendanceMode, mode),
            (DCTERMS.description, Literal(description, lang=language) if description else None),
            (SG.source, self.record.document),
            *((SG.topic, topic) for topic in topics),
        ]  # fmt: skip
        for predicate, value in values:
            if value is not None:
                self._fact(row, entity, predicate, value)

    def _choice(self, row: _Row, column: str, choices: dict[str, URIRef]) -> URIRef | None:
        text = self._text(row, column).lower()
        if not text:
            return None
        if text not in choices:
            row.problem(column, f"{text!r} is not allowed (choose from: {', '.join(choices)})")
            return None
        return choices[text]

    def _participation(self, row: _Row) -> None:
        event = self._entity(row, "event", (SG.Event,), "event", required=True)
        participant = self._entity(row, "participant", (SG.Organisation, SG.ParticipantGroup),
                                   "organisation", required=True)  # fmt: skip
        roles = self._concept(row, "role", "participation-role")
        if row.problems or event is None or participant is None:
            return
        if self._duplicate(row, (str(event), str(participant)), "participant"):
            return
        entity = URIRef(ID[f"participation/{_local(event)}--{_local(participant)}"])
        self._note(row, entity, f"{row.known[participant]} at {row.known[event]}")
        for predicate, value in ((RDF.type, SG.Participation), (SG.event, event),
                                 (SG.participant, participant), (SG.source, self.record.document),
                                 *((SG.participationRole, role) for role in roles)):  # fmt: skip
            self._fact(row, entity, predicate, value)

    def _membership(self, row: _Row) -> None:
        group = self._entity(row, "stakeholder_group", (SG.StakeholderGroup,), "stakeholder group",
                             required=True)  # fmt: skip
        member = self._entity(row, "member", (SG.Organisation, SG.ParticipantGroup),
                              "organisation", required=True)  # fmt: skip
        if row.problems or group is None or member is None:
            return
        if self._duplicate(row, (str(group), str(member)), "member"):
            return
        self._membership_facts(row, group, member)

    # --- validation ----------------------------------------------------------------------------

    def validate(self, chunk: list[_Row]) -> None:
        """Validate the facts of the good rows of ``chunk`` with the shapes; a finding becomes a
        problem of every row that stated something about its focus node."""
        from ..validate import check_graph

        good = [row for row in chunk if not row.problems and row.facts]
        if not good:
            return
        data = bind_prefixes(Graph())
        for triple in self.record.catalogue_record():
            data.add(triple)
        for triple in self.record.graph_description("stated"):
            data.add(triple)
        rows_of: dict[Node, list[_Row]] = defaultdict(list)
        context: set[URIRef] = set()
        for row in good:
            for fact in row.facts:
                data.add((fact.subject, fact.predicate, fact.value))
                if row not in rows_of[fact.subject]:
                    rows_of[fact.subject].append(row)
                context.add(fact.subject)
                if isinstance(fact.value, URIRef) and fact.predicate != RDF.type:
                    context.add(fact.value)
        for entity in context - self.minted:
            self._describe(entity, data)
        findings = check_graph(data, focus=[s for s in rows_of if isinstance(s, URIRef)])
        for focus, path, message in findings:
            column = _COLUMN_OF.get(path, "") if isinstance(path, URIRef) else ""
            if path in (RDFS.label, SKOS.altLabel):
                column = "english_name" if "English" in message else "name"
            for row in rows_of.get(focus, []):
                row.problem(column, message)

    def _describe(self, entity: URIRef, data: Graph) -> None:
        """Add what the graph already says about ``entity``, and the types of what it links to."""
        result = self.store.select(
            """SELECT ?p ?o ?type WHERE { ?entity ?p ?o
                 OPTIONAL { ?o a ?type FILTER(isIRI(?o)) } }""",
            bindings={"entity": entity},
        )
        for r in result.rows:
            predicate, value, klass = r["p"], r["o"], r["type"]
            if predicate is None or value is None:
                continue
            data.add((entity, predicate, value))
            if klass is not None:
                data.add((value, RDF.type, klass))


def _local(entity: URIRef) -> str:
    return str(entity).rsplit("/", 1)[-1]
