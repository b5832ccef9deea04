"""The ``secongraph`` command line: thin commands that parse, call the library and print.

Exit codes: 0 success; 1 the data does not conform; 2 usage error; 3 any other secongraph error.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click
import pyoxigraph as ox

from . import __version__
from .errors import SecongraphError
from .export import ExportFormat, describe_dataset
from .export import export as export_graph
from .files import write_atomically
from .ontology_docs import write_ontology_docs
from .paths import ontology_files
from .stats import Statistics, statistics
from .store import Store, build_store, data_files
from .tables import render_table
from .validate import validate as validate_files


class SecongraphGroup(click.Group):
    """A click group that turns every :class:`SecongraphError` into one line and its exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except SecongraphError as error:
            click.echo(f"Error: {error}", err=True)
            ctx.exit(error.exit_code)


def data_option(function: Callable[..., Any]) -> Callable[..., Any]:
    """``-d/--data DIR``: the data folder, default ``./data``."""
    return click.option(
        "-d", "--data", "data_dir", type=click.Path(file_okay=False, path_type=Path),
        default=Path("data"), show_default=True, help="Folder of the SECON data files.",
    )(function)  # fmt: skip


def out_option(function: Callable[..., Any]) -> Callable[..., Any]:
    """``-o/--out DIR``: the output folder, default ``./out``."""
    return click.option(
        "-o", "--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
        default=Path("out"), show_default=True, help="Folder the outputs are written to.",
    )(function)  # fmt: skip


@click.group(cls=SecongraphGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="secongraph")
def cli() -> None:
    """secongraph: the SECON stakeholder knowledge graph.

    Build the graph from data/, validate it, ask it questions, map who works with whom and
    export it for research.
    """


@cli.command()
@data_option
@out_option
def build(data_dir: Path, out_dir: Path) -> None:
    """Build the SECON graph: load ontology, vocabularies and data, one named graph per file.

    Prints the instances by class and writes OUT/secon.ttl (every triple) and OUT/secon.trig
    (the named graphs with their provenance).

    \b
    Example:
        secongraph build --data data --out out
    """
    store = _load(data_dir)
    _print_table("Instances by class", ["class", "instances"], statistics(store).classes)
    for name, fmt in (("secon.ttl", ox.RdfFormat.TURTLE), ("secon.trig", ox.RdfFormat.TRIG)):
        path = store.dump(out_dir / name, fmt=fmt)
        click.echo(f"Wrote {path}", err=True)


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))
@data_option
def validate(paths: tuple[Path, ...], data_dir: Path) -> None:
    """Validate RDF files against the SHACL shapes; exit 1 if they do not conform.

    Without PATHS, validates every file of the data folder. With PATHS, validates them together
    with the data folder, so new files may refer to what the graph already holds. One line per
    finding: file:line, focus node (label), property, message.

    \b
    Example:
        secongraph validate
        secongraph validate new-batch.ttl
    """
    files = list(paths) + (data_files(data_dir) if data_dir.is_dir() or not paths else [])
    report = validate_files(files)
    for finding in report.findings:
        click.echo(str(finding))
    if not report.conforms:
        click.echo(f"{len(report.findings)} finding(s): the data does not conform.", err=True)
        raise SystemExit(1)
    click.echo(f"{len(files)} file(s) conform to the SECON shapes.", err=True)


@cli.command()
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
    default=Path("out/ontology.html"), show_default=True, help="The HTML file to write.",
)  # fmt: skip
def docs(output: Path) -> None:
    """Write the ontology's HTML documentation (pyLODE), a self-contained page.

    \b
    Example:
        secongraph docs -o out/ontology.html
    """
    click.echo(f"Wrote {write_ontology_docs(output)}", err=True)


@cli.command()
@data_option
@out_option
@click.option(
    "-f", "--format", "formats", multiple=True, show_default=True,
    type=click.Choice([f.extension for f in ExportFormat]), default=[f.extension for f in ExportFormat],
    help="Format to write (repeatable); all of them by default.",
)  # fmt: skip
def export(data_dir: Path, out_dir: Path, formats: tuple[str, ...]) -> None:
    """Export the SECON graph for research, with a DCAT/VoID description of the dataset.

    Writes OUT/secon.EXT for each format (TriG, N-Quads and JSON-LD keep one named graph per
    source) and OUT/secon-dataset.ttl describing the dataset and its files.

    \b
    Example:
        secongraph export --format ttl --format jsonld --out out
    """
    store = _load(data_dir)
    written = []
    for fmt in map(ExportFormat.from_name, formats):
        written.append((export_graph(store, out_dir / f"secon.{fmt.extension}", fmt=fmt), fmt))
        click.echo(f"Wrote {written[-1][0]}", err=True)
    description = describe_dataset(store, written).serialize(format="turtle", encoding="utf-8")
    click.echo(f"Wrote {write_atomically(out_dir / 'secon-dataset.ttl', description)}", err=True)


@cli.command()
@data_option
def stats(data_dir: Path) -> None:
    """Print statistics of the SECON graph: graphs, classes, countries, years.

    \b
    Example:
        secongraph stats --data data
    """
    _print_statistics(statistics(_load(data_dir)))


def _load(data_dir: Path) -> Store:
    total = len(ontology_files()) + len(data_files(data_dir))
    with _progress(total, "Loading") as advance:
        store = build_store(data_dir, progress=advance)
    loaded = len(store.files)
    click.echo(
        f"Loaded {loaded} files into {loaded} named graphs ({len(store):,} triples).", err=True
    )
    return store


@contextmanager
def _progress(total: int, label: str) -> Iterator[Callable[[Path], None]]:
    with click.progressbar(length=total, label=label, file=sys.stderr) as bar:
        yield lambda _path: bar.update(1)


def _print_statistics(stats: Statistics) -> None:
    click.echo(f"Triples: {stats.triples:,}")
    _print_table("Named graphs", ["graph", "triples"], stats.graphs)
    _print_table("Instances by class", ["class", "instances"], stats.classes)
    _print_table(
        "Organisations by country", ["country", "organisations"], stats.organisations_by_country
    )
    _print_table("Events by year", ["year", "events"], stats.events_by_year)


def _print_table(title: str, headers: list[str], rows: list[tuple[str, int]]) -> None:
    click.echo(f"\n{title}")
    click.echo(render_table(headers, [[label, f"{n:,}"] for label, n in rows]))
