"""The ``secongraph`` command line: thin commands that parse, call the library and print.

Exit codes: 0 success; 1 the data does not conform; 2 usage error; 3 any other secongraph error.
"""

from __future__ import annotations

import itertools
import shlex
import sys
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from . import __version__
from .choices import (
    COLOR_BY,
    DEFAULT_MAX_BYTES,
    DEFAULT_TIMEOUT,
    ENGINES,
    EXPORT_EXTENSIONS,
    GRAPH_FORMS,
    KINDS,
    MAP_KINDS,
    RESULT_FORMATS,
    SIZE_BY,
    STORE_FOLDER,
    TRIPLE_FORMATS,
    Engine,
    Kind,
    NetworkFormat,
    Projection,
)
from .errors import SecongraphError, one_line
from .tables import render_table

if TYPE_CHECKING:  # the library is imported where a command uses it: start-up stays short
    from .ingest.draft import DraftSummary
    from .network import Filters
    from .stats import Statistics
    from .store import Store
    from .web.site import Site

INTERRUPTED = 130
"""The exit code after Ctrl-C (128 + SIGINT), as a shell reports it."""


class Interrupted(click.ClickException):
    """Ctrl-C: one line and exit 130; every output is as it was or completely written."""

    exit_code = INTERRUPTED

    def __init__(self) -> None:
        super().__init__("interrupted; no output was half-written")


class SecongraphGroup(click.Group):
    """A click group whose every error is one line on stderr, with its exit code.

    A :class:`SecongraphError` exits with its own code (2 or 3), a usage error with 2, Ctrl-C with
    130. Control characters of a message are escaped (:func:`errors.one_line`), so no value taken
    from input breaks it over several lines.
    """

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except SecongraphError as error:
            click.echo(f"Error: {error}", err=True)
            ctx.exit(error.exit_code)
        except KeyboardInterrupt:
            raise Interrupted() from None

    def main(
        self, args: Any = None, prog_name: str | None = None, complete_var: str | None = None,
        standalone_mode: bool = True, **extra: Any,
    ) -> Any:  # fmt: skip
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, False, **extra)
        try:
            code = super().main(args, prog_name, complete_var, False, **extra)
        except (click.Abort, KeyboardInterrupt, EOFError):
            code = _fail(Interrupted())
        except click.ClickException as error:
            code = _fail(error)
        sys.exit(code if isinstance(code, int) else 0)


def _fail(error: click.ClickException) -> int:
    if isinstance(error, getattr(click.exceptions, "NoArgsIsHelpError", ())):
        error.show()  # a group run without a command shows its help, as click does
        return error.exit_code
    message = error.format_message()
    if isinstance(error, click.UsageError) and error.ctx is not None:
        message += f' (see "{error.ctx.command_path} --help")'
    click.echo(f"Error: {one_line(message)}", err=True)
    return error.exit_code


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


def metrics_option(*, default: bool) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """``--metrics/--no-metrics``: add the collaboration network's metrics to the graph."""
    return click.option(
        "--metrics/--no-metrics", default=default, show_default=True,
        help="Add the co-participation network's metrics (degree, betweenness, eigenvector, "
        "community) as the named graph …/graph/network-metrics, so SPARQL can query them.",
    )  # fmt: skip


def store_option(function: Callable[..., Any]) -> Callable[..., Any]:
    """``--store DIR``: the store ``build`` wrote, read when it is current."""
    return click.option(
        "--store", "store_dir", type=click.Path(file_okay=False, path_type=Path),
        default=Path("out") / STORE_FOLDER, show_default=True,
        help="The store secongraph build wrote: read when it is current, else --data is loaded "
        "in memory.",
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
@metrics_option(default=True)
def build(data_dir: Path, out_dir: Path, metrics: bool) -> None:
    """Build the SECON graph: load ontology, vocabularies and data, one named graph per file.

    Keeps the graph in a store on disk, OUT/store, that the other commands read; a rebuild
    reloads only the files that changed. Adds the collaboration metrics (unless --no-metrics),
    prints the instances by class and writes OUT/secon.ttl (every triple) and OUT/secon.trig
    (the named graphs with their provenance).

    \b
    Example:
        secongraph build --data data --out out
    """
    from .built import build_on_disk, write_dumps
    from .paths import ontology_files
    from .stats import statistics
    from .store import data_files

    total = len(ontology_files()) + len(data_files(data_dir))
    with _progress(total, "Loading") as advance:
        built = build_on_disk(data_dir, out_dir, metrics=metrics, progress=advance)
    store, folder = built.store, out_dir / STORE_FOLDER
    graphs = len(store.files)
    if built.unchanged:
        click.echo(
            f"{folder} is up to date: {graphs} named graphs ({len(store):,} triples).", err=True
        )
    else:
        click.echo(
            f"Loaded {len(built.loaded)} of {total} files into {folder}: {graphs} named graphs "
            f"({len(store):,} triples).",
            err=True,
        )
    if metrics and built.metrics_changed:
        from .network import METRICS_GRAPH

        click.echo(f"Added the collaboration metrics as <{METRICS_GRAPH}>.", err=True)
    _print_table("Instances by class", ["class", "instances"], statistics(store).classes)
    for path, written in write_dumps(built, out_dir):
        click.echo(f"Wrote {path}" if written else f"{path} is up to date", err=True)
    _describe_folder(out_dir)


@cli.command()
@click.argument("folder", metavar="DIR", type=click.Path(path_type=Path))
def init(folder: Path) -> None:
    """Start a project in DIR: write the SECON data shipped with secongraph into DIR/data.

    The curated Turtle files, the catalogue of sources with their copies and the spreadsheet
    templates become your own files, to build, query, map and extend (the data is licensed
    CC BY 4.0). DIR must be new or empty; data/ appears whole or not at all.

    \b
    Example:
        secongraph init my-project && cd my-project && secongraph build
    """
    from .scaffold import init_project

    data = init_project(folder)
    files = sum(1 for path in data.rglob("*") if path.is_file())
    click.echo(one_line(f"Wrote {files} files into {data}. Next: cd {shlex.quote(str(folder))} && "
                        "secongraph build"), err=True)  # fmt: skip


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))
@data_option
@store_option
def validate(paths: tuple[Path, ...], data_dir: Path, store_dir: Path) -> None:
    """Validate RDF files against the SHACL shapes; exit 1 if they do not conform.

    Without PATHS, validates every file of the data folder: when the store secongraph build
    wrote is current, only what changed since its last validation is checked again. With PATHS,
    validates them together with the data folder, so new files may refer to what the graph
    already holds. One line per finding: file:line, focus node (label), property, message.

    \b
    Example:
        secongraph validate
        secongraph validate new-batch.ttl
    """
    from .store import data_files

    files = list(paths) + (data_files(data_dir) if data_dir.is_dir() or not paths else [])
    with ExitStack() as bar_open:
        bar = bar_open.enter_context(
            click.progressbar(length=len(files), label="Loading", file=sys.stderr)
        )

        def checking(triples: int) -> None:
            bar_open.close()  # the bar ends before the note
            click.echo(f"Checking {triples:,} triples against the shapes…", err=True)

        report = _validation(paths, data_dir, store_dir, files, lambda _: bar.update(1), checking)
    for finding in report.findings:
        click.echo(one_line(str(finding)))  # a label or file name may hold a newline
    if not report.conforms:
        click.echo(f"{len(report.findings)} finding(s): the data does not conform.", err=True)
        raise SystemExit(1)
    click.echo(f"{len(files)} file(s) conform to the SECON shapes.", err=True)


def _validation(
    paths: tuple[Path, ...], data_dir: Path, store_dir: Path, files: list[Path],
    progress: Callable[[Path], None], checking: Callable[[int], None],
) -> Any:  # fmt: skip
    """Validate ``files``: from the built store, checking only what changed, when there are no
    ``paths`` and the store is current; else every file."""
    from .built import NoStoreError, StaleStoreError
    from .revalidate import validate_built
    from .validate import validate as validate_files

    if paths:
        return validate_files(files, progress=progress, checking=checking)
    try:
        done = validate_built(data_dir, store_dir, progress=progress, checking=checking)
    except (NoStoreError, StaleStoreError):
        return validate_files(files, progress=progress, checking=checking)
    if not done.complete and done.checked:
        click.echo(f"Checked again what {len(done.checked)} changed file(s) touch; the other "
                   f"findings are as {store_dir} recorded them.", err=True)  # fmt: skip
    elif not done.complete:
        click.echo(f"Nothing changed since the last validation of {store_dir}.", err=True)
    return done.report


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
    from .ontology_docs import write_ontology_docs

    click.echo(f"Wrote {write_ontology_docs(output)}", err=True)
    _describe_folder(output.parent)


@cli.command()
@data_option
@store_option
@out_option
@click.option(
    "-f", "--format", "formats", multiple=True, show_default=True,
    type=click.Choice(EXPORT_EXTENSIONS), default=list(EXPORT_EXTENSIONS),
    help="Format to write (repeatable); all of them by default.",
)  # fmt: skip
@metrics_option(default=True)
@click.option(
    "--base-url", metavar="URL",
    help="Where OUT is published (https://example.org/secon/): the description's download URLs "
    "start with it. Default: file names relative to the description.",
)  # fmt: skip
def export(
    data_dir: Path, store_dir: Path, out_dir: Path, formats: tuple[str, ...], metrics: bool,
    base_url: str | None,
) -> None:  # fmt: skip
    """Export the SECON graph for research, with a DCAT/VoID description of the dataset.

    Writes OUT/secon.EXT for each format (TriG, N-Quads and JSON-LD keep one named graph per
    source) and OUT/secon-dataset.ttl describing the dataset and every file in OUT (maps,
    network exports, documentation too; not the store): size, media type, SHA-256, download URL.

    \b
    Example:
        secongraph export --format ttl --format jsonld --out out
        secongraph export --base-url https://example.org/secon/
    """
    from .export import ExportFormat, checked_base_url, export_many, write_description

    base_url = checked_base_url(base_url)  # before anything is written
    store = _load(data_dir, store_dir=store_dir, metrics=metrics)
    chosen = [ExportFormat.from_name(name) for name in formats]
    for path in export_many(store, {out_dir / f"secon.{fmt.extension}": fmt for fmt in chosen}):
        click.echo(f"Wrote {path}", err=True)
    click.echo(f"Wrote {write_description(store, out_dir, base_url=base_url)}", err=True)


def _describe_folder(folder: Path) -> None:
    """List the files of ``folder`` again in the description ``export`` wrote there, if any."""
    from .export import refresh_description

    path = refresh_description(folder)
    if path:
        click.echo(f"Wrote {path}", err=True)


@cli.command()
@data_option
@store_option
def stats(data_dir: Path, store_dir: Path) -> None:
    """Print statistics of the SECON graph: graphs, methods, classes, countries, years.

    Triples by method tells what the sources state from what the project added (translations,
    its own modelling) or computed.

    \b
    Example:
        secongraph stats --data data
    """
    from .stats import statistics

    _print_statistics(statistics(_load(data_dir, store_dir=store_dir)))


# --- network (issue 4): collaboration networks, their metrics and exports --------------------


def filter_options(function: Callable[..., Any]) -> Callable[..., Any]:
    """The network filters: ``--country``, ``--region``, ``--type``, ``--since``, ``--until``,
    ``--event``, handed to the command as one ``filters``, a :class:`secongraph.network.Filters`
    (checked where a projection resolves it)."""

    @wraps(function)
    def command(*args: Any, **options: Any) -> Any:
        from dataclasses import fields

        from .network import Filters

        given = {field.name: options.pop(field.name) for field in fields(Filters)}
        return function(*args, filters=Filters(**given), **options)

    options = [
        click.option("--country", help="Organisations in this country (ISO code, such as BG)."),
        click.option("--region", help="Organisations in this NUTS region or below it (BG42)."),
        click.option("--type", "org_type", help="Organisations of this class (Municipality)."),
        click.option("--since", help="Events and projects from this date on (YYYY-MM-DD)."),
        click.option("--until", help="Events and projects up to this date (YYYY-MM-DD)."),
        click.option("--event", help="This event and its days and visits (IRI or slug)."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


@cli.group()
def network() -> None:
    """Collaboration networks: who works with whom, who bridges regions and sectors."""


@network.command("stats")
@data_option
@store_option
@filter_options
@click.option("--top", default=3, show_default=True, type=click.IntRange(min=1),
              help="Brokers listed per region and per type.")  # fmt: skip
def network_stats(data_dir: Path, store_dir: Path, top: int, filters: Filters) -> None:
    """Print the top brokers (betweenness) of the co-participation network per region and type.

    \b
    Example:
        secongraph network stats --top 3
        secongraph network stats --country BG --since 2023-01-01
    """
    from .network import co_participation_ties, compute_tie_metrics

    store = _load(data_dir, store_dir=store_dir)
    graph = compute_tie_metrics(co_participation_ties(store, filters))
    communities = len({community for _, community in graph.nodes(data="community")})
    click.echo(
        f"Co-participation network: {graph.number_of_nodes()} organisations, "
        f"{graph.graph['ties']} ties; communities: {communities}"
    )
    method = graph.graph["metrics"]
    sample = f" ({method['betweenness_sample']})" if "betweenness_sample" in method else ""
    click.echo(f"Betweenness: {method['betweenness']}{sample}")
    _print_brokers(
        "Top brokers per NUTS 2 region (ISO country code where no region is known)",
        "region", graph, ("nuts2", "country_code"), top,
    )  # fmt: skip
    _print_brokers("Top brokers per organisation type", "type", graph, ("type",), top)


@network.command("export")
@data_option
@store_option
@filter_options
@click.option("--projection", type=click.Choice([p.value for p in Projection]), default=Projection.CO_PARTICIPATION.value,
              show_default=True, help="Which network to export.")  # fmt: skip
@click.option("--format", "fmt", type=click.Choice([f.value for f in NetworkFormat]), default="graphml",
              show_default=True, help="GraphML or GEXF for Gephi (GEXF with each tie's dates, for "
              "its timeline), CSV edge list for spreadsheets, or csv-tables: a folder of node "
              "tables (one per kind) and edges.csv for Gephi's spreadsheet import.")  # fmt: skip
@click.option("--level", type=click.IntRange(0, 3), help="NUTS level of --projection region (default: countries).")  # fmt: skip
@click.option("--project", help="Project of --projection partnership (IRI or slug; default: secon).")  # fmt: skip
@click.option("-o", "--output", type=click.Path(path_type=Path),
              help="File to write, folder for csv-tables (default: out/network-PROJECTION.FORMAT, "
              "out/network-PROJECTION for csv-tables).")  # fmt: skip
def network_export(
    data_dir: Path, store_dir: Path, projection: str, fmt: str, level: int | None, project: str | None,
    output: Path | None, filters: Filters,
) -> None:  # fmt: skip
    """Export a network with its metrics and every tie, for Gephi or a spreadsheet.

    If the folder written to holds an export's secon-dataset.ttl, the file is added to it.

    \b
    Example:
        secongraph network export --format gexf -o out/secon.gexf
        secongraph network export --projection region --level 2 --format csv -o out/regions.csv
        secongraph network export --format csv-tables -o out/co-participation
    """
    from .network import build_projection, compute_metrics, export_network, unit_periods

    store = _load(data_dir, store_dir=store_dir)
    graph = compute_metrics(
        build_projection(store, projection, filters, level=level, project=project)
    )
    suffix = "" if fmt == "csv-tables" else f".{fmt}"
    periods = unit_periods(store, graph) if fmt == "gexf" else None
    path = export_network(
        graph, output or Path("out") / f"network-{projection}{suffix}", fmt=fmt, periods=periods
    )
    click.echo(f"Wrote {path} ({len(graph)} nodes, {graph.number_of_edges()} ties).", err=True)
    _describe_folder(path.parent)


def _print_brokers(title: str, column: str, graph: Any, by: tuple[str, ...], top: int) -> None:
    from .network import top_brokers

    rows = [
        [b.group, str(b.rank), _clip(b.label, 60), f"{b.betweenness:.3f}", str(b.degree)]
        for b in top_brokers(graph, by=by, top=top)
    ]
    click.echo(f"\n{title}")
    click.echo(render_table([column, "rank", "organisation", "betweenness", "degree"], rows))


# --- map (issue 4): interactive collaboration maps, one offline HTML file each -----------------


@cli.command("map")
@click.argument("kind", type=click.Choice(list(MAP_KINDS)), metavar="KIND")
@data_option
@store_option
@filter_options
@click.option("--color-by", type=click.Choice(COLOR_BY), help="Colour nodes by (default: per KIND).")  # fmt: skip
@click.option(
    "--size-by", type=click.Choice(list(SIZE_BY)), help="Size nodes by (default: per KIND)."
)
@click.option("--level", type=click.IntRange(0, 3), help="NUTS level of the region map (default: countries).")  # fmt: skip
@click.option("--project", help="Project of the partnership map (IRI or slug; default: secon).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="HTML file to write (default: out/map-KIND.html).")  # fmt: skip
def map_command(
    kind: str, data_dir: Path, store_dir: Path, filters: Filters, color_by: str | None,
    size_by: str | None, level: int | None, project: str | None, output: Path | None,
) -> None:  # fmt: skip
    """Draw a collaboration map: one interactive HTML file that works offline.

    KIND is co-participation, organisation-event, region, partnership or geographic (the
    co-participation network placed on a map of NUTS regions).

    \b
    Example:
        secongraph map co-participation -o out/co-participation.html
        secongraph map geographic --country BG --color-by community
    """
    from .maps import project_map

    path = output or Path("out") / f"map-{kind}.html"
    project_map(
        _load(data_dir, store_dir=store_dir), kind, path, filters,
        color_by=color_by, size_by=size_by, level=level, project=project,
    )  # fmt: skip
    click.echo(f"Wrote {path}", err=True)
    _describe_folder(path.parent)


@cli.command("maps")
@data_option
@store_option
@out_option
def maps_command(data_dir: Path, store_dir: Path, out_dir: Path) -> None:
    """Write every standard collaboration map of SECON into OUT (map-KIND.html).

    A map the data cannot fill (the partnership map of data without the project secon) is
    skipped with a note. The geographic maps draw the NUTS 2021 outlines shipped with
    secongraph, so any data folder will do.

    \b
    Example:
        secongraph maps --out out
    """
    from .maps import write_maps

    def skipped(kind: str, reason: str) -> None:
        click.echo(one_line(f"Skipped the {kind} map: {reason}."), err=True)

    for path in write_maps(_load(data_dir, store_dir=store_dir), out_dir, skipped=skipped):
        click.echo(f"Wrote {path}", err=True)
    _describe_folder(out_dir)


@cli.group()
def query() -> None:
    """Ask the SECON graph its questions: the named SPARQL queries of queries/*.rq.

    \b
    Example:
        secongraph query list
        secongraph query run partners-by-country -p country=GR
    """


def queries_option(function: Callable[..., Any]) -> Callable[..., Any]:
    """``--queries DIR``: a folder of ``.rq`` files, default the library shipped with secongraph."""
    return click.option(
        "--queries", "queries_dir", type=click.Path(file_okay=False, exists=True, path_type=Path),
        default=None, help="Folder of .rq queries  [default: the library shipped with secongraph]",
    )(function)  # fmt: skip


def limit_options(function: Callable[..., Any]) -> Callable[..., Any]:
    """``--timeout SECONDS`` and ``--max-size MIB``: the limits of every request."""
    function = click.option(
        "--max-size", "max_mib", type=click.IntRange(min=1), default=DEFAULT_MAX_BYTES // 2**20,
        show_default=True, metavar="MIB",
        help="The largest answer accepted from an endpoint, in MiB.",
    )(function)  # fmt: skip
    return click.option(
        "--timeout", type=click.FloatRange(min=1), default=DEFAULT_TIMEOUT, show_default=True,
        help="Seconds a query, or each request to an endpoint, may take in all; then it is stopped.",
    )(function)  # fmt: skip


@query.command("list")
@queries_option
def query_list(queries_dir: Path | None) -> None:
    """List the questions: name, summary, and parameters with defaults and allowed values.

    \b
    Example:
        secongraph query list
        secongraph query list --queries my-queries/
    """
    from .queries import load_queries

    for named in load_queries(queries_dir).values():
        click.echo(f"{named.name}: {named.summary}")
        for parameter in named.parameters:
            click.echo(f"    -p {parameter.describe()}")


@query.command("show")
@click.argument("name")
@queries_option
def query_show(name: str, queries_dir: Path | None) -> None:
    """Show a question: its file, parameters and SPARQL text with the #+ decorators.

    \b
    Example:
        secongraph query show event-participants
    """
    from .queries import resolve_query

    named = resolve_query(name, folder=queries_dir)
    click.echo(f"# {named.path}")
    for parameter in named.parameters:
        click.echo(f"# -p {parameter.describe()}")
    click.echo(named.sparql, nl=not named.sparql.endswith("\n"))


@query.command("run")
@click.argument("name", required=False)
@click.option(
    "--file",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="Run the query in this .rq file instead of a named one.",
)
@click.option(
    "-q", "--query", "text", metavar="TEXT",
    help="Run this query text instead (- reads it from standard input).",
)  # fmt: skip
@click.option(
    "-p",
    "--param",
    "params",
    multiple=True,
    metavar="NAME=VALUE",
    help="A parameter value; repeat for several.",
)
@click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice(RESULT_FORMATS + TRIPLE_FORMATS),
    default="table",
    show_default=True,
    help="table, W3C SPARQL results csv/tsv/json, or Markdown; the triples of a CONSTRUCT or "
    "DESCRIBE as ttl (the default), nt or jsonld.",
)
@click.option(
    "--lang",
    default="en",
    show_default=True,
    help="Label languages, best first, comma-separated (e.g. de,en).",
)
@click.option(
    "--engine",
    type=click.Choice(ENGINES),
    default="oxigraph",
    show_default=True,
    help="The embedded engine that answers.",
)
@click.option("--endpoint", metavar="URL", help="Ask this SPARQL 1.1 endpoint instead.")
@click.option(
    "--allow-remote",
    is_flag=True,
    help="Let the embedded engines run FROM, FROM NAMED and SERVICE.",
)
@limit_options
@queries_option
@data_option
@store_option
@metrics_option(default=True)
def query_run(name: str | None, file: Path | None, text: str | None, params: tuple[str, ...], fmt: str, lang: str,
              engine: Engine, endpoint: str | None, allow_remote: bool, timeout: float,
              max_mib: int, queries_dir: Path | None, data_dir: Path, store_dir: Path, metrics: bool) -> None:  # fmt: skip
    """Run a question (or a query of --file or -q) and print its rows, answer or triples.

    A query of --file or -q may also be an ASK (prints true or false) or a CONSTRUCT or DESCRIBE
    (prints Turtle, N-Triples or JSON-LD), on the embedded store. When the graph has no metrics
    (built with --no-metrics), they are computed first in memory, only for a question that names
    them (sg:betweenness, sg:metricsOf, … or their graph).

    \b
    Example:
        secongraph query run events-in-date-range -p from=2024-01-01 -p to=2024-12-31
        secongraph query run partners-by-country --lang de,en --format csv
        secongraph query run --file my-question.rq --engine rdflib
        secongraph query run -q 'DESCRIBE <https://w3id.org/secongraph/id/organisation/kmop>'
        echo 'ASK { ?e a sg:StudyVisit }' | secongraph query run -q - --format json
        secongraph query run timeline --endpoint http://127.0.0.1:7878/query
        secongraph query run brokers --metrics
    """
    from .queries import (
        check,
        parse_params,
        resolve_query,
        run_query,
        undeclared_terms,
        uses_metrics,
    )
    from .store import Store

    if text == "-":
        text = sys.stdin.read()
    named = resolve_query(name, file=file, text=text, folder=queries_dir)
    if named.form != "SELECT" and endpoint:
        raise click.UsageError(f"--endpoint runs SELECT queries; {named.form} queries run on "
                               "the embedded store (without --endpoint)")  # fmt: skip
    if (fmt in TRIPLE_FORMATS) != (named.form in GRAPH_FORMS) and fmt != "table":
        raise click.UsageError(f"--format {fmt} does not fit a {named.form} query")
    for term, nearest in undeclared_terms(named.sparql):
        near = f" (nearest: {', '.join(nearest)})" if nearest else ""
        click.echo(f"Warning: {term} is not a term of the ontology{near}; the query may "
                   "answer nothing.", err=True)  # fmt: skip
    values = parse_params(params)
    check(named, values, allow_remote=allow_remote or endpoint is not None)  # before loading
    if endpoint:
        from .endpoint import Endpoint  # SPARQLWrapper and HTTP only when asked for

        target: Endpoint | Store = Endpoint(endpoint, timeout=timeout, max_bytes=max_mib * 2**20)
    else:
        needed = metrics and uses_metrics(named.sparql)  # computing them can take minutes
        target = _load(data_dir, store_dir=store_dir, engine=engine, metrics=needed)
    if named.form != "SELECT":
        assert isinstance(target, Store)
        _print_answer(target.query(named.sparql, bindings=named.bind(values), origin=named.name,
                                   allow_remote=allow_remote, timeout=timeout), fmt)  # fmt: skip
        return
    result = run_query(
        target, named, values, lang=lang.split(","), allow_remote=allow_remote, timeout=timeout
    )
    click.echo(result.serialize(fmt), nl=False)
    click.echo(f"{len(result)} row(s).", err=True)


def _print_answer(answer: Any, fmt: str) -> None:
    """Print the answer of an ASK (true or false) or the triples of a CONSTRUCT or DESCRIBE."""
    from .export import ExportFormat
    from .results import boolean, write_triples

    if isinstance(answer, bool):
        click.echo(boolean(answer, "csv" if fmt in ("table", "md") else fmt), nl=False)
        return
    rdf = {"ttl": ExportFormat.TURTLE, "nt": ExportFormat.NTRIPLES, "jsonld": ExportFormat.JSONLD}
    written = write_triples(answer, rdf.get(fmt, ExportFormat.TURTLE).rdf_format).decode()
    click.echo(written, nl=not written.endswith("\n"))
    click.echo(f"{len(set(answer))} triple(s).", err=True)


@cli.command()
@click.option(
    "--endpoint",
    required=True,
    metavar="URL",
    help="Graph Store Protocol endpoint, e.g. http://127.0.0.1:7878/store; without credentials "
    "(see below).",
)
@limit_options
@data_option
@store_option
@metrics_option(default=True)
def push(
    endpoint: str, timeout: float, max_mib: int, data_dir: Path, store_dir: Path, metrics: bool
) -> None:
    """Load the built graph into a triple store: one named graph per source, each replaced whole.

    Each graph is sent with one HTTP PUT (SPARQL 1.1 Graph Store Protocol), which replaces it on
    the server in one step, so a failed push never leaves half a graph.

    A secured store (HTTP digest or basic authentication) gets the credentials of
    SECONGRAPH_USER and SECONGRAPH_PASSWORD, else of the endpoint's host in ~/.netrc (or the
    file NETRC names); they are never given on the command line.

    \b
    Example:
        oxigraph serve --location store --union-default-graph &
        secongraph push --endpoint http://127.0.0.1:7878/store
        secongraph query run timeline --endpoint http://127.0.0.1:7878/query
    """
    from .endpoint import push as push_graphs

    store = _load(data_dir, store_dir=store_dir, metrics=metrics)
    pushed = push_graphs(store, endpoint, timeout=timeout, max_bytes=max_mib * 2**20)
    triples = sum(count for _, count in pushed)
    click.echo(f"Pushed {len(pushed)} named graphs ({triples:,} triples) to {endpoint}.", err=True)


# --- import and accept (issue 7): drafts with evidence from spreadsheets and news pages -------


@cli.group("import")
def import_group() -> None:
    """Draft facts from a partner's spreadsheet or news page, each with its evidence.

    A draft is a folder under --drafts (default ./drafts): Turtle files of what the source
    states and of what the importer added, the source's catalogue record, a copy of the source
    and a review table (CSV). Review it, then run `secongraph accept DRAFT`.

    \b
    Example:
        secongraph import table members.csv --kind organisations --source-title "…"
        secongraph import text press-release.html
    """


def drafts_option(function: Callable[..., Any]) -> Callable[..., Any]:
    """``--drafts DIR``: where drafts are written, default ``./drafts``."""
    return click.option(
        "--drafts", "drafts_dir", type=click.Path(file_okay=False, path_type=Path),
        default=Path("drafts"), show_default=True, help="Folder the draft is written to.",
    )(function)  # fmt: skip


def show_option(function: Callable[..., Any]) -> Callable[..., Any]:
    """``--show N``: how many facts of the review table to print."""
    return click.option(
        "--show", type=click.IntRange(min=0), default=20, show_default=True,
        help="Facts of the review table to print (all are in its CSV).",
    )(function)  # fmt: skip


@import_group.command("table")
@click.argument("file", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option(
    "--kind", required=True, type=click.Choice(KINDS), help="Which template the sheet follows."
)
@click.option("--source-title", required=True, help="The title of the source: what the sheet is.")
@click.option(
    "--publisher", required=True, help="Who provided it: a known organisation, by name or IRI."
)
@click.option(
    "--date",
    "issued",
    required=True,
    type=click.DateTime(["%Y-%m-%d"]),
    help="When it was provided (YYYY-MM-DD).",
)
@click.option("--lang", help="Language of names and titles where the sheet has no language column.")
@click.option("--slug", help="Names the draft and its graph (default: from the source title).")
@click.option("--skip-invalid", is_flag=True, help="Write the good rows and list the bad ones.")
@data_option
@store_option
@drafts_option
@show_option
def import_table(file: Path, kind: Kind, source_title: str, publisher: str, issued: Any,
                 lang: str | None, slug: str | None, skip_invalid: bool, data_dir: Path, store_dir: Path,
                 drafts_dir: Path, show: int) -> None:  # fmt: skip
    """Draft the facts of a spreadsheet (CSV or XLSX) that follows a template of data/templates/.

    Names are matched to what the graph knows; every fact cites its row. Bad rows are listed
    as FILE:ROW: column 'X': problem, and then nothing is written (exit 1) unless --skip-invalid.

    \b
    Example:
        secongraph import table members.csv --kind organisations \\
            --source-title "Haskovo stakeholder list" --publisher "Municipality of Haskovo" \\
            --date 2024-03-01 --lang bg
    """
    from .ingest.table import TableError, draft_table

    store = _load(data_dir, store_dir=store_dir)
    try:
        with _counter(f"Reading {file.name}") as advance:
            summary = draft_table(
                file, kind=kind, store=store, drafts=drafts_dir, title=source_title,
                publisher=publisher, issued=issued.date(), lang=lang, slug=slug,
                skip_invalid=skip_invalid, progress=advance,
            )  # fmt: skip
    except TableError as error:
        for problem in error.problems:
            click.echo(problem, err=True)
        click.echo(
            f"Error: {file}: {len(error.problems)} problem(s); nothing was written. Mend the "
            "rows, or pass --skip-invalid to write the good rows only.",
            err=True,
        )
        raise SystemExit(error.exit_code) from None
    _print_review(summary, limit=show)


@cli.command()
@click.argument("draft", type=click.Path(file_okay=False, exists=True, path_type=Path))
@data_option
def accept(draft: Path, data_dir: Path) -> None:
    """Accept a reviewed draft: drop rejected facts, validate, move it into the data folder.

    Facts whose decision in the review table is "reject" stay out (rejecting a new entity's
    type keeps the whole entity out). The draft is validated with the data folder; if it does
    not conform, every problem is listed and nothing is written (exit 1). Accepting the same
    draft again changes nothing.

    \b
    Example:
        secongraph accept drafts/haskovo-stakeholder-list
    """
    from .ingest.accept import AcceptError, accept_draft

    try:
        accepted = accept_draft(draft, data_dir=data_dir)
    except AcceptError as error:
        for problem in error.problems:
            click.echo(problem, err=True)
        click.echo(f"Error: {error}", err=True)
        raise SystemExit(error.exit_code) from None
    if accepted.unchanged:
        click.echo(f"{data_dir} already holds this draft: nothing changed.", err=True)
        return
    for path in accepted.written:
        click.echo(f"Wrote {path}", err=True)
    click.echo(
        f"Accepted {accepted.kept:,} triples ({accepted.rejected:,} rejected facts left out).",
        err=True,
    )


def _print_review(summary: DraftSummary, *, limit: int) -> None:
    """Print the first ``limit`` facts of a draft's review table and where the draft is."""
    import csv

    with summary.review.open(encoding="utf-8", newline="") as handle:
        rows = list(itertools.islice(csv.DictReader(handle), limit))
    shown = [
        [r["status"], r["graph"], _clip(r["label"] or r["subject"]), r["property"],
         _clip(r["value"]), r["confidence"], r["location"]]
        for r in rows
    ]  # fmt: skip
    headers = ["status", "graph", "subject", "property", "value", "confidence", "evidence"]
    click.echo(render_table(headers, shown))
    if summary.facts > len(rows):
        click.echo(f"… and {summary.facts - len(rows):,} more facts in {summary.review}")
    for line in summary.skipped:
        click.echo(f"Skipped: {line}", err=True)
    click.echo(
        f"Drafted {summary.facts:,} facts about {summary.new:,} new and {summary.known:,} known "
        "entities "
        f"in {summary.folder}. Review {summary.review.name}, then: secongraph accept "
        f"{summary.folder}",
        err=True,
    )


@import_group.command("text")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--lang", type=click.Choice(["bg", "nl", "en", "de", "el", "hu", "lv", "pl", "pt", "ro", "es"]),
    help="The text's language; detected when not given.",
)  # fmt: skip
@click.option("--title", help="The document's title; otherwise its first heading or page title.")
@click.option(
    "--publisher", metavar="IRI-OR-SLUG",
    help="Who published the document: an IRI, or the slug of an organisation (municipality-of-haskovo).",
)  # fmt: skip
@click.option(
    "--date", "issued", type=click.DateTime(formats=["%Y-%m-%d"]), metavar="YYYY-MM-DD",
    help="The page's date; otherwise the date the page states. Dates without a year take its year.",
)  # fmt: skip
@click.option("--slug", help="Names the draft and its graph; otherwise DATE-TITLE.")
@data_option
@store_option
@drafts_option
@click.option(
    "--show", default=20, show_default=True, type=click.IntRange(min=0),
    help="How many facts of the review table to print.",
)  # fmt: skip
def import_text(
    file: Path, lang: str | None, title: str | None, publisher: str | None,
    issued: Any, slug: str | None, data_dir: Path, store_dir: Path, drafts_dir: Path, show: int,
) -> None:  # fmt: skip
    """Draft the facts a press release or news page states, each with its evidence.

    Reads plain text, Markdown or a saved HTML page (its main text; navigation and footers
    dropped), in any of the partnership's eleven languages, and drafts the event (kind, title,
    dates, place, status, attendance, days, topics), the organisations and places it names
    (known ones matched against the graph in --data, new ones as candidates), groups named only
    by their kind and figures such as "11 experts". Every fact carries the sentence that states
    it, its character offsets in FILE and a confidence. A text with nothing to draft writes no
    draft and exits 0.

    \b
    Example:
        secongraph import text press-release.md --date 2023-11-09
        secongraph import text news.html --lang de --publisher municipality-of-haskovo
    """
    from .ingest.text import draft_text

    store = _load(data_dir, store_dir=store_dir)
    summary = draft_text(
        file, store=store, drafts=drafts_dir, lang=lang, title=title, publisher=publisher,
        issued=issued.date() if issued is not None else None, slug=slug,
    )  # fmt: skip
    if summary.facts == 0:
        click.echo(f"No facts found in {file}; no draft written.", err=True)
        return
    _print_review(summary, limit=show)


@cli.command()
@data_option
@store_option
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (127.0.0.1: this machine only).")  # fmt: skip
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535),
              help="Port to listen on.")  # fmt: skip
@limit_options
@queries_option
def serve(
    data_dir: Path, store_dir: Path, host: str, port: int, timeout: float, max_mib: int,
    queries_dir: Path | None,
) -> None:  # fmt: skip
    """Serve the graph read-only in a browser: pages, questions, SPARQL and entity pages.

    Reads the store secongraph build wrote (else loads --data in memory). Every query runs in
    the sandbox of query run, stopped at --timeout; nothing can write to the graph.

    \b
    Example:
        secongraph build && secongraph serve
        secongraph serve --port 8080
    """
    from .web.serve import serve as serve_site

    site = _site(data_dir, store_dir, timeout, max_mib, queries_dir)
    click.echo(f"Serving {data_dir} at http://{host}:{port}/ (read-only; Ctrl-C stops).", err=True)
    serve_site(site, host=host, port=port)


@cli.command()
@data_option
@store_option
@click.option("--out", "out_dir", type=click.Path(file_okay=False, exists=True, path_type=Path),
              default=Path("out"), show_default=True,
              help="Folder of the built outputs (export, maps, docs) offered as downloads.")  # fmt: skip
@click.option("-o", "--output", type=click.Path(file_okay=False, path_type=Path),
              default=Path("out/site"), show_default=True,
              help="Folder to write the site to (a site it wrote before is replaced whole).")  # fmt: skip
@limit_options
@queries_option
def publish(
    data_dir: Path, store_dir: Path, out_dir: Path, output: Path, timeout: float, max_mib: int,
    queries_dir: Path | None,
) -> None:  # fmt: skip
    """Write the pages of serve as a static site, for the file system or any web server.

    Every page serve shows from its home page, the questions answered for their default
    values, entity pages with their RDF, and a downloads page: every file of --out (exports,
    maps, ontology docs) with its SHA-256 and a SHA256SUMS file. Links are relative; what only
    a server can do (SPARQL, the editor, reconciliation, other values of a question) is marked
    "needs secongraph serve". The site is built beside OUTPUT and replaces it when complete.

    \b
    Example:
        make demo   # or: secongraph build && secongraph export && secongraph maps
        secongraph publish -o out/site
    """
    from .web.publish import publish as publish_site

    site = _site(data_dir, store_dir, timeout, max_mib, queries_dir)
    with _counter("Publishing pages") as advance:
        published = publish_site(site, output, outputs=out_dir, progress=advance)
    if published.unanswered:
        click.echo(one_line(f"Note: no page answers at {_listed(list(published.unanswered))}; "
                            "links there are shown as text."), err=True)  # fmt: skip
    click.echo(f"Wrote {output}: {published.pages:,} pages, {published.files:,} files, "
               f"{published.size / 1e6:.1f} MB", err=True)  # fmt: skip


def _site(
    data_dir: Path, store_dir: Path, timeout: float, max_mib: int, queries_dir: Path | None
) -> Site:
    """The site of serve and publish: the graph with its metrics, the questions, the limits."""
    from .built import built_at
    from .queries import load_queries
    from .web.site import Site

    return Site(
        store=_load(data_dir, store_dir=store_dir, metrics=True), data_dir=data_dir,
        queries=load_queries(queries_dir), timeout=timeout, max_bytes=max_mib * 2**20,
        built=built_at(store_dir),
    )  # fmt: skip


def _clip(text: str, width: int = 48) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _load(
    data_dir: Path, *, store_dir: Path | None = None, engine: Engine = "oxigraph",
    metrics: bool = False,
) -> Store:  # fmt: skip
    """The graph: the store ``build`` wrote into ``store_dir`` if it is current, else ``data_dir``
    loaded in memory. With ``metrics``, the collaboration metrics are in it."""
    from .built import NoStoreError, StaleStoreError, open_built
    from .paths import ontology_files
    from .store import build_store, data_files

    store, from_disk = None, False
    if store_dir is not None:
        try:
            store = open_built(data_dir, store_dir, engine=engine)
            from_disk = True
            triples = sum(f.triples for f in store.files)  # as the manifest counted them
            click.echo(f"Opened {store_dir}: {len(store.files)} named graphs "
                       f"({triples:,} triples).", err=True)  # fmt: skip
        except NoStoreError:
            pass
        except StaleStoreError as stale:
            click.echo(f"Note: {store_dir} is out of date ({_listed(list(stale.changed))} changed "
                       f"since the build): loading {data_dir} in memory. Run secongraph build to "
                       "update it.", err=True)  # fmt: skip
    if store is None:
        total = len(ontology_files()) + len(data_files(data_dir))
        with _progress(total, "Loading") as advance:
            store = build_store(data_dir, progress=advance, engine=engine)
        loaded = len(store.files)
        click.echo(
            f"Loaded {loaded} files into {loaded} named graphs ({len(store):,} triples).", err=True
        )
    if metrics:
        from .store import METRICS_GRAPH

        if METRICS_GRAPH not in {f.graph for f in store.files}:
            from .network import add_collaboration_metrics  # networkx and igraph only then

            if from_disk:  # built with --no-metrics: read-only, so add them to a copy
                store = store.in_memory_copy()
            graph = add_collaboration_metrics(store)
            click.echo(
                f"Added the metrics of {len(graph)} organisations as <{METRICS_GRAPH}>.", err=True
            )
    return store


def _listed(items: list[str], shown: int = 3) -> str:
    more = f" and {len(items) - shown} more" if len(items) > shown else ""
    return ", ".join(items[:shown]) + more


@contextmanager
def _progress(total: int, label: str) -> Iterator[Callable[[Path], None]]:
    with click.progressbar(length=total, label=label, file=sys.stderr) as bar:
        yield lambda _path: bar.update(1)


@contextmanager
def _counter(label: str) -> Iterator[Callable[[int, int], None]]:
    """A progress bar on stderr fed with (done, total) counts, drawn from the first call on."""
    with ExitStack() as stack:
        bars: list[Any] = []

        def advance(done: int, total: int) -> None:
            if not bars:
                bar = click.progressbar(length=max(total, 1), label=label, file=sys.stderr)
                bars.append(stack.enter_context(bar))
            bars[0].length = max(total, 1)  # a total that grows (a crawl) widens the bar
            bars[0].update(done - bars[0].pos)

        yield advance


def _print_statistics(stats: Statistics) -> None:
    click.echo(f"Triples: {stats.triples:,}")
    _print_table("Named graphs", ["graph", "triples"], stats.graphs)
    click.echo("\nTriples by method")
    click.echo(
        render_table(
            ["method", "origin", "triples"],
            [[method, origin or "-", f"{n:,}"] for method, origin, n in stats.methods],
        )
    )
    _print_table("Instances by class", ["class", "instances"], stats.classes)
    _print_table(
        "Organisations by country", ["country", "organisations"], stats.organisations_by_country
    )
    _print_table("Events by year", ["year", "events"], stats.events_by_year)


def _print_table(title: str, headers: list[str], rows: list[tuple[str, int]]) -> None:
    click.echo(f"\n{title}")
    click.echo(render_table(headers, [[label, f"{n:,}"] for label, n in rows]))
