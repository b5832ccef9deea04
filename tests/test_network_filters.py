"""One ``Filters`` value for every projection, map and CLI command: passed as given, checked
against the graph in one place, its errors naming the field, and the CLI's options the same.

Expected values are read from the ontology and data with rdflib, or are the values given."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from click.testing import CliRunner
from rdflib import Graph

from secongraph.cli import cli
from secongraph.errors import ParameterError
from secongraph.maps import Filters as MapsFilters
from secongraph.maps import project_map, show
from secongraph.namespaces import ID, SG
from secongraph.network import (
    Filters,
    build_projection,
    co_participation,
    compute_metrics,
    export_network,
    organisation_event,
    partnership_network,
    region_network,
)
from secongraph.paths import ontology_files
from secongraph.store import Store, build_store

DAY_2 = "2023-11-13-haskovo-interregional-workshop-day-2"


def same(a: nx.Graph, b: nx.Graph) -> bool:
    """The same graph: attributes, nodes and edges with their data, in the same order."""
    return (
        a.graph == b.graph
        and list(a.nodes(data=True)) == list(b.nodes(data=True))
        and list(a.edges(data=True)) == list(b.edges(data=True))
    )


def test_filters_is_one_value_exported_where_users_need_it() -> None:
    assert MapsFilters is Filters
    assert Filters() == Filters(None, None, None, None, None, None)
    with pytest.raises(AttributeError):
        Filters().country = "BG"  # type: ignore[misc]


def test_every_projection_takes_the_filters_by_position_or_name(secon_store: Store) -> None:
    flt = Filters(country="BG", since="2023-01-01")
    by_position = co_participation(secon_store, flt)
    assert same(by_position, co_participation(secon_store, filters=flt))
    assert same(by_position, build_projection(secon_store, "co-participation", flt))
    assert same(by_position, build_projection(secon_store, "co-participation", filters=flt))
    assert same(
        organisation_event(secon_store, flt),
        build_projection(secon_store, "organisation-event", filters=flt),
    )
    assert same(
        region_network(secon_store, flt, level=2),
        build_projection(secon_store, "region", flt, level=2),
    )
    partners = Filters(country="GR")
    assert same(
        partnership_network(secon_store, "secon", partners),
        build_projection(secon_store, "partnership", partners, project="secon"),
    )


def test_no_filters_is_the_default(secon_store: Store) -> None:
    unfiltered = co_participation(secon_store)
    assert unfiltered.graph["filters"] == {}
    assert same(unfiltered, co_participation(secon_store, Filters()))
    assert same(unfiltered, co_participation(secon_store, None))


def test_the_values_given_are_resolved_against_the_graph(secon_store: Store) -> None:
    """Codes in upper case, the class and the event as IRIs (read from the ontology and data),
    dates as ISO dates whether given as text or as dates."""
    ontology = Graph()
    for path in ontology_files():
        ontology.parse(path)
    municipality = SG.Municipality
    assert (municipality, None, None) in ontology  # a class the ontology declares
    as_text = co_participation(
        secon_store,
        Filters(country="bg", org_type="municipality", since="2023-01-01", until="2024-12-31"),
    )
    assert as_text.graph["filters"] == {
        "country": "BG",
        "type": str(municipality),
        "since": "2023-01-01",
        "until": "2024-12-31",
    }
    as_dates = co_participation(
        secon_store,
        Filters(
            country="BG", org_type="sg:Municipality", since=date(2023, 1, 1), until="2024-12-31"
        ),
    )
    assert same(as_text, as_dates)
    event = organisation_event(secon_store, Filters(event=DAY_2, region="el"))
    assert event.graph["filters"] == {"region": "EL", "event": str(ID[f"event/{DAY_2}"])}


@pytest.mark.parametrize(
    ("filters", "message"),
    [
        (Filters(country="XX"), "country='XX': not an ISO 3166-1 alpha-2 country code"),
        (Filters(region="ZZ99"), "region='ZZ99': no NUTS region"),
        (Filters(org_type="Spaceship"), "org_type='Spaceship': not an organisation type"),
        (Filters(since="2023-13-01"), "since='2023-13-01': not a date"),
        (Filters(until="soon"), "until='soon': not a date"),
        (Filters(since=date(2024, 1, 1), until="2023-01-01"), "since=2024-01-01 is after until="),
        (Filters(event="no-such-event"), "event='no-such-event': no such event"),
    ],
)
@pytest.mark.parametrize("projection", ["co-participation", "organisation-event", "region"])
def test_every_entry_point_names_the_field_in_error(
    secon_store: Store, tmp_path: Path, filters: Filters, message: str, projection: str
) -> None:
    calls: list[Any] = [
        lambda: build_projection(secon_store, projection, filters),
        lambda: show(secon_store, projection, filters),
        lambda: project_map(secon_store, projection, tmp_path / "map.html", filters=filters),
    ]
    for call in calls:
        with pytest.raises(ParameterError) as error:
            call()
        assert str(error.value).startswith(message)
        assert error.value.exit_code == 2
    assert list(tmp_path.iterdir()) == []  # nothing written


@pytest.mark.parametrize("field", ["since", "until", "event"])
def test_the_partnership_takes_no_dates_or_event(secon_store: Store, field: str) -> None:
    value = DAY_2 if field == "event" else "2023-01-01"
    flt = Filters(**{field: value})
    for call in (
        lambda: partnership_network(secon_store, "secon", flt),
        lambda: build_projection(secon_store, "partnership", flt),
    ):
        with pytest.raises(ParameterError, match=f"^{field} does not apply to the partnership"):
            call()


def test_anything_but_filters_is_a_usage_error(secon_store: Store) -> None:
    with pytest.raises(ParameterError, match=r"^filters=\{'country': 'BG'\}: not a Filters"):
        co_participation(secon_store, {"country": "BG"})  # type: ignore[arg-type]


def test_a_map_names_its_filters_as_given(secon_store: Store) -> None:
    flt = Filters(country="bg", org_type="Municipality", since=date(2023, 1, 1))
    shown = show(secon_store, "co-participation", flt)
    assert shown.title.endswith(" (country bg, org_type Municipality, since 2023-01-01)")
    assert show(secon_store, "co-participation").title.endswith("projects")


# --- the CLI: one Filters from its options, the same results as the library --------------------


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.output


CLI_CASES = [
    (["--country", "BG", "--since", "2023-01-01"], Filters(country="BG", since="2023-01-01")),
    (
        ["--type", "Municipality", "--until", "2024-06-30"],
        Filters(org_type="Municipality", until="2024-06-30"),
    ),
    (["--region", "EL65"], Filters(region="EL65")),
    (["--event", DAY_2], Filters(event=DAY_2)),
]


@pytest.mark.parametrize(("options", "filters"), CLI_CASES)
def test_cli_network_export_equals_the_library_with_filters(
    data_dir: Path, tmp_path: Path, options: list[str], filters: Filters
) -> None:
    cli_file, library_file = tmp_path / "cli.graphml", tmp_path / "library.graphml"
    code, output = run(
        "network", "export", "--data", str(data_dir), "--store", str(tmp_path / "none"),
        *options, "--format", "graphml", "-o", str(cli_file),
    )  # fmt: skip
    assert code == 0, output
    store = build_store(data_dir)  # what the CLI loads without a built store
    graph = compute_metrics(build_projection(store, "co-participation", filters))
    export_network(graph, library_file, fmt="graphml")
    assert cli_file.read_bytes() == library_file.read_bytes()
    from_cli = nx.read_graphml(cli_file)
    assert sorted(from_cli) == sorted(graph) and from_cli.number_of_edges() == len(graph.edges)


def test_cli_network_stats_counts_the_filtered_network(data_dir: Path, tmp_path: Path) -> None:
    options, filters = CLI_CASES[0]
    code, output = run(
        "network", "stats", "--data", str(data_dir), "--store", str(tmp_path / "none"), *options
    )
    assert code == 0, output
    graph = co_participation(build_store(data_dir), filters)
    assert (
        f"Co-participation network: {graph.number_of_nodes()} organisations, "
        f"{graph.number_of_edges()} ties;"
    ) in output


def test_cli_map_equals_the_library_with_filters(data_dir: Path, tmp_path: Path) -> None:
    cli_file, library_file = tmp_path / "cli.html", tmp_path / "library.html"
    code, output = run(
        "map", "geographic", "--data", str(data_dir), "--store", str(tmp_path / "none"),
        "--country", "BG", "--type", "sg:PublicAuthority", "--since", "2023-01-01",
        "--color-by", "community", "-o", str(cli_file),
    )  # fmt: skip
    assert code == 0, output
    flt = Filters(country="BG", org_type="sg:PublicAuthority", since="2023-01-01")
    project_map(build_store(data_dir), "geographic", library_file, flt, color_by="community")
    assert cli_file.read_bytes() == library_file.read_bytes()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["network", "stats", "--type", "Spaceship"], "Error: org_type='Spaceship'"),
        (["network", "export", "--region", "ZZ99"], "Error: region='ZZ99'"),
        (["map", "region", "--until", "soon"], "Error: until='soon': not a date"),
        (["map", "partnership", "--until", "2024-01-01"], "Error: until does not apply"),
    ],
)
def test_cli_errors_name_the_field(
    data_dir: Path, tmp_path: Path, args: list[str], message: str
) -> None:
    code, output = run(*args, "--data", str(data_dir), "--store", str(tmp_path / "none"))
    assert code == 2
    errors = [line for line in output.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1 and errors[0].startswith(message)
