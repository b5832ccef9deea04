"""The spreadsheet templates: for each kind of sheet, its columns, what they mean, an example.

``data/templates/{kind}.csv`` (header and example row) and ``data/templates/README.md`` are
generated from :data:`TEMPLATES` and the SKOS schemes (``make templates``; ``make test`` checks
they are current).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from rdflib import RDF, SKOS, Graph, URIRef

from ..choices import KINDS, Kind

__all__ = ["KINDS", "TEMPLATES", "Column", "Kind", "template_csv", "templates_readme"]


@dataclass(frozen=True)
class Column:
    """A column of a template: its header, whether it must be filled, its meaning, an example.

    ``scheme`` names the SKOS scheme whose concepts are the allowed values, if any; ``multiple``
    columns take several values separated by ``;``.
    """

    name: str
    meaning: str
    example: str
    required: bool = False
    scheme: str | None = None
    multiple: bool = False


_LANGUAGE = Column(
    "language",
    "The language of the name or title as written in the sheet: a two-letter code (bg, de, el, "
    "en, es, hu, lv, nl, pl, pt, ro). Needed unless --lang gives it for the whole sheet.",
    "bg",
)

TEMPLATES: dict[Kind, tuple[Column, ...]] = {
    "organisations": (
        Column("name", "The organisation's name as the sheet's source writes it.", "Сдружение Пример", True),
        _LANGUAGE,
        Column(
            "english_name",
            "Its English name, if the source gives one. A new organisation needs one (the shapes "
            "ask for an English label); a known one is matched by any of its names.",
            "Example Association",
        ),
        Column("acronym", "Its acronym or short name, if any.", "EXA"),
        Column("type", "What kind of organisation it is.", "ngo", True, scheme="organisation-type"),
        Column("country", "Its country: ISO 3166 code (BG) or English name.", "BG"),
        Column("nuts_region", "The NUTS 2021 region it is located in, by code (BG422).", "BG422"),
        Column("website", "Its website, a full http(s) address.", "https://example.org/"),
        Column(
            "parent",
            "The organisation it belongs to, by name, if it is a unit of a known organisation.",
            "",
        ),
        Column(
            "stakeholder_group",
            "A stakeholder group it is a member of, by name or IRI (the group must be known).",
            "",
        ),
    ),
    "events": (
        Column("title", "The event's title as the source writes it.", "Работна среща в Хасково", True),
        _LANGUAGE,
        Column("english_title", "Its English title. A new event needs one.", "Workshop in Haskovo"),
        Column("type", "What kind of event it is.", "workshop", True, scheme="event-type"),
        Column("start_date", "The day it starts: 2023-11-13 (also 13.11.2023 or 13/11/2023).", "2023-11-13", True),
        Column("end_date", "The day it ends, if not the start date.", "2023-11-14"),
        Column(
            "place",
            "Where it takes place: a known place, NUTS region or country, by name or code.",
            "BG422",
        ),
        Column("project", "The project it belongs to, by name or acronym.", "SECON"),
        Column("part_of", "The event it is a day or session of, by title or IRI.", ""),
        Column(
            "status",
            "scheduled, cancelled, postponed, rescheduled or moved online (schema.org event status).",
            "scheduled",
        ),
        Column("mode", "in person, online or mixed.", "in person"),
        Column("topics", "What it is about.", "legal-framework; education", scheme="topic", multiple=True),
        Column("description", "A short description, in the sheet's language.", ""),
    ),
    "participation": (
        Column("event", "The event, by title or IRI (the event must be known).", "Interregional workshop in Haskovo", True),
        Column("participant", "The organisation that took part, by name or acronym (it must be known).", "Municipality of Haskovo", True),
        Column(
            "role",
            "Its roles at the event.",
            "organiser; host",
            scheme="participation-role",
            multiple=True,
        ),
    ),
    "membership": (
        Column("stakeholder_group", "The stakeholder group, by name or IRI (it must be known).", "Mazovia Regional Stakeholder Group", True),
        Column("member", "The member organisation, by name or acronym (it must be known).", "Mazovian Centre for Social Policy", True),
    ),
}  # fmt: skip
"""The columns of each kind of sheet, in template order."""


def template_csv(kind: Kind) -> str:
    """The template of ``kind`` as CSV text: its header and one example row.

    Examples
    --------
    >>> print(template_csv("membership"), end="")
    stakeholder_group,member
    Mazovia Regional Stakeholder Group,Mazovian Centre for Social Policy
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(column.name for column in TEMPLATES[kind])
    writer.writerow(column.example for column in TEMPLATES[kind])
    return buffer.getvalue()


def templates_readme(vocabularies: Graph) -> str:
    """The Markdown documentation of every template, its columns and their allowed values.

    ``vocabularies`` holds the SKOS schemes (``ontology/vocab/*.ttl``).
    """
    lines: list[str] = []
    for kind in KINDS:
        lines += [f"### `{kind}.csv`", "", "| column | required | meaning |", "|---|---|---|"]
        for column in TEMPLATES[kind]:
            meaning = column.meaning
            if column.scheme:
                several = " Several values separated by `;`." if column.multiple else ""
                meaning += f" One of the values listed under *{column.scheme}* below.{several}"
            lines.append(f"| `{column.name}` | {'yes' if column.required else ''} | {meaning} |")
        lines.append("")
    schemes = sorted({c.scheme for cs in TEMPLATES.values() for c in cs if c.scheme})
    for scheme in schemes:
        lines += [f"### Allowed values: *{scheme}*", "", "| value | meaning |", "|---|---|"]
        lines += [f"| `{slug}` | {label} |" for slug, label in _concepts(vocabularies, scheme)]
        lines.append("")
    return "\n".join(lines)


def _concepts(vocabularies: Graph, scheme: str) -> list[tuple[str, str]]:
    base = f"https://w3id.org/secongraph/vocab/{scheme}"
    concepts = [
        c
        for c in vocabularies.subjects(SKOS.inScheme, URIRef(base))
        if (c, RDF.type, SKOS.Concept) in vocabularies
    ]
    return sorted(
        (str(c).removeprefix(f"{base}/"), _english(vocabularies, c))
        for c in concepts
        if isinstance(c, URIRef)
    )


def _english(graph: Graph, concept: URIRef) -> str:
    for label in graph.objects(concept, SKOS.prefLabel):
        if getattr(label, "language", None) == "en":
            return str(label)
    return ""
