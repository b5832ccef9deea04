"""Validation of the built store checks again only what a change touches, and finds exactly what
a validation of every file finds."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from secongraph.built import STORE_FOLDER, build_on_disk
from secongraph.revalidate import RECORD, validate_built
from secongraph.store import data_files
from secongraph.validate import validate

TYPED = "o:verband-region-rhein-neckar a sg:RegionalAssociation .\n"
MODELLING = (
    "2023-11-09-haskovo-interregional-workshop--modelling.ttl",
    "kick-off-meeting-report--modelling.ttl",
)


@pytest.fixture
def data(tmp_path: Path, data_dir: Path) -> Path:
    copy = tmp_path / "data"
    shutil.copytree(data_dir, copy, ignore=shutil.ignore_patterns("reference"))
    return copy


def _rebuild_and_validate(data: Path, out: Path) -> tuple[list[str], tuple[str, ...], bool]:
    build_on_disk(data, out, metrics=False)  # dropped, so closed: validation opens it read-only
    done = validate_built(data, out / STORE_FOLDER)
    return [str(f) for f in done.report.findings], done.checked, done.complete


def _everything(data: Path) -> list[str]:
    return [str(f) for f in validate(data_files(data)).findings]


def test_changes_are_checked_again_and_found_as_a_full_validation_finds_them(
    data: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    findings, checked, complete = _rebuild_and_validate(data, out)
    assert complete and findings == _everything(data) == []
    assert (out / STORE_FOLDER / RECORD).is_file()

    findings, checked, complete = _rebuild_and_validate(data, out)
    assert (findings, checked, complete) == ([], (), False)

    # The organisation loses its only types: participations in unchanged files now name
    # something that is not an organisation, and a new value of the wrong class appears.
    for name in MODELLING:
        path = data / name
        assert TYPED in path.read_text(encoding="utf-8")
        path.write_text(path.read_text(encoding="utf-8").replace(TYPED, ""), encoding="utf-8")
    site = data / "haskovo-municipality-site.ttl"
    site.write_text(site.read_text(encoding="utf-8") + "\no:municipality-of-haskovo sg:country "
                    "<https://w3id.org/secongraph/id/organisation/verband-region-rhein-neckar> .\n",
                    encoding="utf-8")  # fmt: skip
    findings, checked, complete = _rebuild_and_validate(data, out)
    assert not complete and sorted(checked) == sorted([*MODELLING, site.name])
    assert findings == _everything(data)
    assert any("interregional-workshop.ttl:" in f for f in findings), "an unchanged file's node"
    assert any("municipality-of-haskovo" in f and "sg:country" in f for f in findings)

    # A new file with an ill-typed date, and a file removed.
    (data / "extra.ttl").write_text(
        "@prefix sg: <https://w3id.org/secongraph/ontology#> .\n"
        "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
        '<https://w3id.org/secongraph/id/event/extra> sg:startDate "2023-02-30"^^xsd:date .\n',
        encoding="utf-8",
    )
    (data / "harghita-county-council-site.ttl").unlink()
    findings, checked, complete = _rebuild_and_validate(data, out)
    assert sorted(checked) == ["extra.ttl", "harghita-county-council-site.ttl"]
    assert findings == _everything(data)
    assert any("extra.ttl:3:" in f and "ill-typed" in f for f in findings)

    # Mended: the recorded findings go with the change.
    for name in MODELLING:
        path = data / name
        path.write_text(path.read_text(encoding="utf-8") + TYPED, encoding="utf-8")
    findings, checked, complete = _rebuild_and_validate(data, out)
    assert findings == _everything(data)
    assert not any("interregional-workshop.ttl:" in f for f in findings)


def test_other_shapes_or_a_changed_ontology_validate_everything(data: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    _rebuild_and_validate(data, out)
    record = out / STORE_FOLDER / RECORD
    record.write_text(record.read_text(encoding="utf-8").replace('"shapes": "', '"shapes": "0'),
                      encoding="utf-8")  # fmt: skip
    findings, checked, complete = _rebuild_and_validate(data, out)
    assert complete and len(checked) == len(data_files(data))
    assert findings == _everything(data)


def test_a_node_of_an_unchanged_file_that_names_a_changed_node_is_checked_again(
    data: Path, tmp_path: Path
) -> None:
    prefixes = (
        "@prefix sg: <https://w3id.org/secongraph/ontology#> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        "@prefix o: <https://w3id.org/secongraph/id/organisation/> .\n"
    )
    organisation = data / "extra-organisation.ttl"
    organisation.write_text(prefixes + 'o:extra a sg:NGO ; rdfs:label "Extra"@en .\n',
                            encoding="utf-8")  # fmt: skip
    (data / "extra-unit.ttl").write_text(
        prefixes + 'o:extra-unit a sg:OrganisationalUnit ; rdfs:label "Unit"@en ;\n'
        "    sg:subOrganisationOf o:extra .\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    before, _, _ = _rebuild_and_validate(data, out)
    assert before == _everything(data)
    organisation.write_text(prefixes + 'o:extra rdfs:label "Extra"@en .\n', encoding="utf-8")
    findings, checked, complete = _rebuild_and_validate(data, out)
    assert checked == ("extra-organisation.ttl",) and not complete
    assert findings == _everything(data)
    new = [f for f in findings if f not in before]
    assert any("extra-unit.ttl:" in f and "subOrganisationOf" in f for f in new)
