"""Networks written to files: GraphML and GEXF for Gephi (GEXF with each tie's dates, for Gephi's
timeline), CSV edge lists, and CSV tables of nodes and edges for Gephi's spreadsheet import."""

from __future__ import annotations

import csv
import json
import logging
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import networkx as nx

from ..cells import neutralise
from ..choices import NetworkFormat
from ..errors import ExportError
from ..files import atomic_output, output_error
from .facts import Facts
from .metrics import METRICS

if TYPE_CHECKING:
    from ..store import Store

logger = logging.getLogger(__name__)


Period = tuple[date, date]
"""The first and the last day of an event or project."""
LEADING_COLUMNS = (
    "kind", "type", "country", "country_code", "region", "region_label", "code", "level", *METRICS,
)  # fmt: skip
"""The attributes a node table shows first, after ``Id`` and ``Label``: what it is, where, metrics."""
EDGE_TABLE = "edges.csv"
"""The edge table of a ``csv-tables`` folder; each kind of node has its own (``organisations.csv``)."""


# --------------------------------------------------------------------------------------------
# Export
# --------------------------------------------------------------------------------------------


def export_network(
    graph: nx.Graph,
    path: Path,
    *,
    fmt: NetworkFormat | str,
    periods: Mapping[str, Period] | None = None,
) -> Path:
    """Write ``graph`` to ``path`` atomically, with every node and tie.

    GraphML and GEXF (for Gephi) cannot hold lists, dicts or None: lists and dicts become JSON
    text and None values are left out. CSV is an edge list: ``source``, ``target``, their labels,
    ``weight``, then every other edge attribute, lists joined with " | ". ``csv-tables`` makes
    ``path`` a folder of tables for Gephi's spreadsheet import (see :func:`write_tables`).

    Parameters
    ----------
    graph
        A projection, with or without metrics.
    path
        The file to write (the folder, for ``csv-tables``).
    fmt
        ``graphml``, ``gexf``, ``csv`` or ``csv-tables``.
    periods
        The dates of events and projects (:func:`unit_periods`). A GEXF file is then dynamic, for
        Gephi's timeline: each tie has one spell per period of the events and projects behind it
        (overlapping ones merged), an event node its own period, and every other node one spell
        from its first tie's first day to its last tie's last day. Ties and nodes without a
        date have no spell: they are there all the time.

    Returns
    -------
    Path
        ``path``.

    Raises
    ------
    ExportError
        If the file cannot be written, or ``csv-tables`` would replace a folder that holds
        anything but tables.

    Examples
    --------
    >>> import tempfile
    >>> g = nx.Graph()
    >>> g.add_edge("a", "b", weight=2, events=["e1", "e2"])
    >>> out = export_network(g, Path(tempfile.mkdtemp()) / "g.csv", fmt="csv")
    >>> print(out.read_text().strip())
    source,target,source_label,target_label,weight,events
    a,b,a,b,2,e1 | e2
    """
    kind = NetworkFormat(fmt)
    if kind == NetworkFormat.CSV_TABLES:
        return write_tables(graph, path)
    try:
        with atomic_output(path) as tmp:
            if kind == NetworkFormat.CSV:
                _write_csv(graph, tmp)
            elif kind == NetworkFormat.GRAPHML:
                nx.write_graphml(_flat(graph), tmp)
            else:
                nx.write_gexf(_with_spells(_flat(graph), graph, periods or {}), tmp)
    except (OSError, nx.NetworkXError) as error:
        raise ExportError(f"{path}: cannot write the {kind} file: {error}") from error
    return path


def unit_periods(store: Store, graph: nx.Graph) -> dict[str, Period]:
    """The dates of the events and projects behind ``graph``'s ties and of its event nodes.

    An event without dates takes those of the nearest event above it (as the projections do).
    """
    facts = Facts.load(store)
    units = set(graph).union(
        *(
            data.get(key, ())
            for *_, data in graph.edges(data=True)
            for key in ("events", "projects")
        )
    )
    return {unit: period for unit in sorted(units) if (period := facts.period(unit))}


# --------------------------------------------------------------------------------------------
# GEXF spells
# --------------------------------------------------------------------------------------------


def _with_spells(flat: nx.Graph, graph: nx.Graph, periods: Mapping[str, Period]) -> nx.Graph:
    """``flat`` with the spells of :func:`export_network` (dates as ISO text: ``timeformat="date"``)."""
    node_days: dict[str, list[Period]] = {n: [periods[n]] for n in graph if n in periods}
    for a, b, data in graph.edges(data=True):
        units = [*data.get("events", ()), *data.get("projects", ()), a, b]
        spells = _merged(periods[u] for u in units if u in periods)
        if spells:
            flat.edges[a, b]["spells"] = [(s.isoformat(), e.isoformat()) for s, e in spells]
            for node in (a, b):
                if node not in periods:
                    node_days.setdefault(node, []).extend(spells)
    for node, days in node_days.items():
        first, last = min(s for s, _ in days), max(e for _, e in days)
        flat.nodes[node]["spells"] = [(first.isoformat(), last.isoformat())]
    return flat


def _merged(periods: Iterable[Period]) -> list[Period]:
    """``periods`` sorted, overlapping ones merged (Gephi refuses overlapping spells).

    Examples
    --------
    >>> d = date.fromisoformat
    >>> _merged([(d("2024-03-01"), d("2024-03-02")), (d("2023-01-01"), d("2024-03-01"))])
    [(datetime.date(2023, 1, 1), datetime.date(2024, 3, 2))]
    """
    merged: list[Period] = []
    for start, end in sorted(periods):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


# --------------------------------------------------------------------------------------------
# CSV tables
# --------------------------------------------------------------------------------------------


def write_tables(graph: nx.Graph, folder: Path) -> Path:
    """Write ``graph`` as CSV tables into ``folder``, for spreadsheets and Gephi's import.

    ``edges.csv`` has ``Source``, ``Target``, ``Type`` (``Undirected``) and ``Weight``, then every
    other edge attribute; each kind of node (the ``kind`` attribute: ``organisations.csv``,
    ``groups.csv``, ``events.csv``, ``regions.csv``, ``countries.csv``) has ``Id`` and ``Label``,
    then every other node attribute (type, country, region, metrics …). Lists are joined with
    " | " and text is neutralised for spreadsheets, as in the CSV edge list.

    The folder is written whole or not at all: the tables go to a new folder beside it, which
    then takes its place. A folder that holds anything but CSV files is never replaced.

    Raises
    ------
    ExportError
        If ``folder`` holds anything but CSV files, or cannot be written.
    """
    kinds: dict[str, list[Any]] = {}
    for node in graph:
        kinds.setdefault(_plural(graph.nodes[node].get("kind") or "node"), []).append(node)
    with _new_folder(folder) as tmp:
        edges = [([a, b, "Undirected", d.get("weight")], d) for a, b, d in graph.edges(data=True)]
        _write_table(tmp / EDGE_TABLE, ["Source", "Target", "Type", "Weight"], edges, {"weight"})
        for name, nodes in sorted(kinds.items()):
            rows = [([n, graph.nodes[n].get("label") or n], graph.nodes[n]) for n in nodes]
            _write_table(tmp / f"{name}.csv", ["Id", "Label"], rows, {"label"})
    return folder


def _plural(kind: str) -> str:
    return f"{kind[:-1]}ies" if kind.endswith("y") else f"{kind}s"


def _write_table(
    path: Path,
    head: list[str],
    rows: Sequence[tuple[list[Any], Mapping[str, Any]]],
    covered: set[str],
) -> None:
    """A table: ``head`` columns (their values first in each row), then every attribute of the
    rows not ``covered`` by them: those of :data:`LEADING_COLUMNS` first, the others sorted."""
    found = {k for _, data in rows for k in data} - covered
    others = [k for k in LEADING_COLUMNS if k in found] + sorted(found - set(LEADING_COLUMNS))
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([*head, *others])
        for values, data in rows:
            writer.writerow([_cell(v) for v in [*values, *(data.get(k) for k in others)]])


@contextmanager
def _new_folder(folder: Path) -> Iterator[Path]:
    """Yield a new, empty folder beside ``folder``; on success it takes ``folder``'s place."""
    if folder.exists() and (
        not folder.is_dir() or any(p.suffix != ".csv" or p.is_dir() for p in folder.iterdir())
    ):
        raise ExportError(
            f"{folder}: not replaced: it holds other things than CSV tables",
            hint="Write the tables to a new folder (-o DIR).",
        )
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(dir=folder.parent, prefix=f".{folder.name}.", suffix=".tmp"))
    except OSError as error:
        raise output_error(folder, error) from error
    try:
        yield tmp
        os.chmod(tmp, 0o755)  # mkdtemp makes it private; outputs are meant to be shared
        if folder.exists():
            old = Path(
                tempfile.mkdtemp(dir=folder.parent, prefix=f".{folder.name}.", suffix=".old")
            )
            os.replace(folder, old)  # onto the empty folder: rename(2) allows it
            os.replace(tmp, folder)
            shutil.rmtree(old)
        else:
            os.replace(tmp, folder)
    except OSError as error:
        raise output_error(folder, error) from error
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _flat_value(value: Any) -> Any:
    if isinstance(value, (list, tuple, dict, set)):
        items = sorted(value) if isinstance(value, set) else value
        return json.dumps(items, ensure_ascii=False, sort_keys=True)
    return value


def _flat_attributes(data: Mapping[str, Any]) -> dict[str, Any]:
    return {k: _flat_value(v) for k, v in data.items() if v is not None}


def _flat(graph: nx.Graph) -> nx.Graph:
    flat = nx.Graph(**_flat_attributes(graph.graph))
    flat.add_nodes_from((n, _flat_attributes(d)) for n, d in graph.nodes(data=True))
    flat.add_edges_from((a, b, _flat_attributes(d)) for a, b, d in graph.edges(data=True))
    return flat


def _write_csv(graph: nx.Graph, path: Path) -> None:
    keys = sorted({k for _, _, d in graph.edges(data=True) for k in d} - {"weight"})
    headers = ["source", "target", "source_label", "target_label", "weight", *keys]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(headers)
        for a, b, data in graph.edges(data=True):
            row = [a, b, graph.nodes[a].get("label", a), graph.nodes[b].get("label", b)]
            row += [data.get(key) for key in ["weight", *keys]]
            writer.writerow([_cell(value) for value in row])


def _cell(value: Any) -> Any:
    """A CSV cell: lists joined, numbers as they are, text neutralised for spreadsheets."""
    if isinstance(value, (list, tuple, set)):
        value = " | ".join(map(str, value))
    if isinstance(value, dict):  # added: method -> documents; labels: language -> label
        value = " | ".join(
            f"{key}: {v if isinstance(v, str) else ' '.join(map(str, v))}"
            for key, v in sorted(value.items())
        )
    if value is None:
        return ""
    if isinstance(value, (int, float)):
        return value
    return neutralise(str(value))
