"""Validation at scale (issue 9, item 3): many findings, each located by one pass over its file.

The files are written here, line by line, and the writer notes on which line it starts each
organisation's description and writes each ill-typed date: that record is the oracle the findings
are checked against, independent of how validate.py finds lines.
"""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from secongraph.validate import validate

ORG = "https://example.org/secongraph-test/scale/organisation/"
LABEL_MESSAGE = "needs exactly one rdfs:label in English"
ILL_TYPED = '"not-a-date" is not a valid xsd:date (an ill-typed literal)'


class Writer:
    """Lines of a Turtle file, with the line each organisation and each bad date is on."""

    def __init__(self, prefixes: list[str]) -> None:
        self.lines = list(prefixes)
        self.starts: dict[str, int] = {}
        self.dates: dict[str, int] = {}

    def add(self, text: str, *, starts: str | None = None, date: str | None = None) -> None:
        self.lines.append(text)
        if starts:
            self.starts[starts] = len(self.lines)
        if date:
            self.dates[date] = len(self.lines)


def write_files(folder: Path, count: int, seed: int = 9) -> dict[Path, Writer]:
    """``count`` organisations with no label, spread over a Turtle file with ``@prefix`` and
    one with SPARQL-style ``PREFIX``, in three styles; a third of them also with the same
    ill-typed founding date; each mentioned first on an object list's line of a hub's statement
    (a line that starts with its name but does not describe it)."""
    rng = random.Random(seed)
    writers = {
        folder / "a.ttl": Writer([
            "@prefix sg: <https://w3id.org/secongraph/ontology#> .",
            "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .",
            "@prefix schema: <https://schema.org/> .",
            "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .",
            f"@prefix o: <{ORG}> .",
        ]),
        folder / "b.ttl": Writer([
            "PREFIX sg: <https://w3id.org/secongraph/ontology#>",
            "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>",
            "prefix schema: <https://schema.org/>",
            "PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>",
            f"PREFIX o: <{ORG}>",
            "",
        ]),
    }  # fmt: skip
    files = list(writers.values())
    for i in range(count):
        name = f"o{i}"
        out = rng.choice(files)
        out.add(f"o:hub{i} a sg:Organisation ;")
        out.add(f'    rdfs:label "Hub {i}"@en ;')
        out.add("    schema:member")
        out.add(f"        o:{name} .")  # starts with the name, describes the hub
        out.add("")
        style = rng.randrange(3)
        bad = rng.random() < 1 / 3
        if style == 0 and not bad:
            out.add(f"o:{name} a sg:Organisation .", starts=ORG + name)
        elif style == 1:
            out.add(f"<{ORG}{name}>", starts=ORG + name)
            out.add("    a sg:Organisation ;")
            out.add('    schema:foundingDate "not-a-date"^^xsd:date .' if bad
                    else '    schema:foundingDate "2001-01-01"^^xsd:date .',
                    date=ORG + name if bad else None)  # fmt: skip
        else:
            out.add(f"  o:{name}", starts=ORG + name)
            out.add("    a sg:Organisation ;")
            if bad:
                out.add('    schema:foundingDate "not-a-date"^^xsd:date ;', date=ORG + name)
            out.add('    schema:description "ends with a full stop."@en .')
        out.add("# o:" + name + " a comment that starts with no name")
    for path, writer in writers.items():
        path.write_text("\n".join(writer.lines) + "\n", encoding="utf-8")
    return writers


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[Path, Writer], Any, Counter[Path]]:
    folder = tmp_path_factory.mktemp("scale")
    writers = write_files(folder, 1500)
    reads: Counter[Path] = Counter()
    original = Path.read_text

    def counted(self: Path, *args: Any, **kwargs: Any) -> str:
        reads[self] += 1
        return original(self, *args, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Path, "read_text", counted)
        report = validate(sorted(writers))
    return writers, report, reads


def test_every_finding_is_on_the_line_the_writer_noted(big: Any) -> None:
    writers, report, _ = big
    assert not report.conforms
    expected = {
        (str(path), ORG + name.removeprefix(ORG), kind): line
        for path, writer in writers.items()
        for kind, lines in (("label", writer.starts), ("date", writer.dates))
        for name, line in lines.items()
    }
    found = {}
    for finding in report.findings:
        kind = "date" if finding.message == ILL_TYPED else "label"
        if kind == "label":
            assert LABEL_MESSAGE in finding.message, finding
        found[(finding.file, finding.focus.strip("<>"), kind)] = finding.line
    assert found == expected
    assert len(report.findings) == len(expected)
    assert sum(len(w.dates) for w in writers.values()) > 400  # the date case is well covered


def test_each_file_is_read_once_for_its_lines(big: Any) -> None:
    writers, report, reads = big
    assert len(report.findings) > 1500
    assert {path: reads[path] for path in writers} == dict.fromkeys(writers, 1)


def test_progress_and_the_note_before_the_check(tmp_path: Path) -> None:
    writers = write_files(tmp_path, 3)
    loaded: list[Path] = []
    checked: list[int] = []
    report = validate(sorted(writers), progress=loaded.append, checking=checked.append)
    assert loaded == sorted(writers)
    assert len(checked) == 1 and checked[0] > 1000  # the ontology and vocabularies are in
    assert len(report.findings) == 3 + sum(len(w.dates) for w in writers.values())
