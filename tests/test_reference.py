"""Tests for the generated reference data (NUTS 2021 regions, ISO 3166-1 countries)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from rdflib import RDF, RDFS, XSD, Graph, Literal
from rdflib.compare import isomorphic

from secongraph.errors import SourceError
from secongraph.namespaces import SCHEMA, SG
from secongraph.reference import (
    R1_CODES,
    country_iri,
    main,
    nuts_graph,
    region_iri,
    write_reference_data,
)

DATA = Path(__file__).resolve().parents[1] / "data"
OUTPUTS = ["nuts2021.ttl", "iso3166.ttl"]


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A fresh data folder holding a copy of the committed NUTS reference files."""
    shutil.copytree(DATA / "reference", tmp_path / "reference")
    return tmp_path


@pytest.fixture(scope="module")
def nuts() -> Graph:
    return Graph().parse(DATA / "nuts2021.ttl")


@pytest.fixture(scope="module")
def countries() -> Graph:
    return Graph().parse(DATA / "iso3166.ttl")


def raw_points(level: int) -> dict[str, list[str]]:
    """The label points of one level with their coordinates as written in the JSON text."""
    path = DATA / "reference" / "nuts2021" / f"nutspt_{level}.json"
    collection = json.loads(path.read_text(encoding="utf-8"), parse_float=str)
    return {f["properties"]["id"]: f["geometry"]["coordinates"] for f in collection["features"]}


def test_regeneration_is_isomorphic_to_committed_files(data_dir: Path) -> None:
    written = write_reference_data(data_dir)
    assert written == [data_dir / name for name in OUTPUTS]
    for name in OUTPUTS:
        assert isomorphic(Graph().parse(data_dir / name), Graph().parse(DATA / name)), name


def test_regeneration_is_byte_for_byte_stable(data_dir: Path) -> None:
    write_reference_data(data_dir)
    first = {name: (data_dir / name).read_bytes() for name in OUTPUTS}
    write_reference_data(data_dir)
    assert {name: (data_dir / name).read_bytes() for name in OUTPUTS} == first
    assert sorted(p.name for p in data_dir.iterdir()) == sorted([*OUTPUTS, "reference"])


@pytest.mark.parametrize("code", R1_CODES)
def test_r1_code_has_label_and_point_in_europe(nuts: Graph, code: str) -> None:
    region = region_iri(code)
    assert (region, RDF.type, SG.NutsRegion) in nuts
    assert nuts.value(region, SG.nutsCode) == Literal(code)
    assert isinstance(nuts.value(region, RDFS.label), Literal)
    latitude = nuts.value(region, SCHEMA.latitude)
    longitude = nuts.value(region, SCHEMA.longitude)
    assert isinstance(latitude, Literal) and isinstance(longitude, Literal)
    assert latitude.datatype == longitude.datatype == XSD.decimal
    assert 34 < latitude.toPython() < 72 and -25 < longitude.toPython() < 45
    # The digits are those of the JSON file, not a rounded float.
    assert [str(longitude), str(latitude)] == raw_points(len(code) - 2)[code]


def test_every_region_below_level_0_has_its_parent(nuts: Graph) -> None:
    regions = set(nuts.subjects(RDF.type, SG.NutsRegion))
    for region in regions:
        code = str(nuts.value(region, SG.nutsCode))
        level = nuts.value(region, SG.nutsLevel).toPython()
        assert level == len(code) - 2
        parent = nuts.value(region, SG.parentRegion)
        if level == 0:
            assert parent is None
        else:
            assert parent == region_iri(code[:-1]) and parent in regions


def test_ancestors_reach_level_0(nuts: Graph) -> None:
    for code in ["EL653", "EL65", "EL6", "EL", "DEB", "DE", "PL", "LV00"]:
        assert (region_iri(code), RDF.type, SG.NutsRegion) in nuts, code


def test_greek_regions_point_to_greece(nuts: Graph, countries: Graph) -> None:
    greek = [region for region, code in nuts.subject_objects(SG.nutsCode) if code[:2] == "EL"]
    assert len(greek) == 4  # EL, EL6, EL65, EL653
    assert {nuts.value(region, SG.country) for region in greek} == {country_iri("GR")}
    assert countries.value(country_iri("GR"), SG.isoCode) == Literal("GR")


def test_every_region_country_is_in_the_country_file(nuts: Graph, countries: Graph) -> None:
    linked = set(nuts.objects(None, SG.country))
    assert linked == set(countries.subjects(RDF.type, SG.Country))
    for country in linked:
        languages = {label.language for label in countries.objects(country, RDFS.label)}
        assert languages == {"en", "de"}, country
    assert Literal("Griechenland", lang="de") in countries.objects(country_iri("GR"), RDFS.label)


def test_broken_json_leaves_previous_files_untouched(data_dir: Path) -> None:
    write_reference_data(data_dir)
    before = {name: (data_dir / name).read_bytes() for name in OUTPUTS}
    broken = data_dir / "reference" / "nuts2021" / "nutspt_2.json"
    broken.write_text('{"type": "FeatureCollection", "features": [', encoding="utf-8")
    with pytest.raises(SourceError, match=r"nutspt_2\.json:1:\d+: not valid JSON"):
        write_reference_data(data_dir)
    assert {name: (data_dir / name).read_bytes() for name in OUTPUTS} == before
    assert sorted(p.name for p in data_dir.iterdir()) == sorted([*OUTPUTS, "reference"])


def test_missing_reference_file(data_dir: Path) -> None:
    reference = data_dir / "reference" / "nuts2021"
    (reference / "nutspt_3.json").unlink()
    with pytest.raises(SourceError, match=r"nutspt_3\.json: cannot read"):
        nuts_graph(reference)


@pytest.mark.parametrize(
    "content",
    [
        '{"features": [{"properties": {"na": "Elláda"}}]}',
        '{"features": [{"properties": {"id": "EL", "na": "Elláda"}, '
        '"geometry": {"coordinates": ["22.54", "39.498"]}}]}',
        "[]",
    ],
    ids=["no-code", "text-coordinates", "not-a-collection"],
)
def test_malformed_reference_file(data_dir: Path, content: str) -> None:
    reference = data_dir / "reference" / "nuts2021"
    (reference / "nutspt_0.json").write_text(content, encoding="utf-8")
    with pytest.raises(SourceError, match=r"nutspt_0\.json: not a Nuts2json label-point file"):
        nuts_graph(reference)


def test_missing_parent_region(data_dir: Path) -> None:
    path = data_dir / "reference" / "nuts2021" / "nutspt_1.json"
    collection = json.loads(path.read_text(encoding="utf-8"))
    collection["features"] = [f for f in collection["features"] if f["properties"]["id"] != "EL6"]
    path.write_text(json.dumps(collection), encoding="utf-8")
    with pytest.raises(SourceError, match=r"nutspt_1\.json: no NUTS 1 region EL6"):
        nuts_graph(path.parent)


def test_main_exit_codes(data_dir: Path) -> None:
    assert main([str(data_dir)]) == 0
    assert all((data_dir / name).is_file() for name in OUTPUTS)
    (data_dir / "reference" / "nuts2021" / "nutspt_0.json").unlink()
    assert main([str(data_dir)]) == 3
