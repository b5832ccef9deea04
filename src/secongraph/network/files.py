"""Networks written to files: GraphML and GEXF for Gephi, CSV edge lists."""

from __future__ import annotations

import csv
import json
import logging
from collections.abc import Mapping
from enum import StrEnum
from pathlib import Path
from typing import Any

import networkx as nx

from ..cells import neutralise
from ..errors import ExportError
from ..files import atomic_output

logger = logging.getLogger(__name__)


class NetworkFormat(StrEnum):
    """File formats of :func:`export_network`: GraphML and GEXF for Gephi, CSV edge lists."""

    GRAPHML = "graphml"
    GEXF = "gexf"
    CSV = "csv"


# --------------------------------------------------------------------------------------------
# Export
# --------------------------------------------------------------------------------------------


def export_network(graph: nx.Graph, path: Path, *, fmt: NetworkFormat | str) -> Path:
    """Write ``graph`` to ``path`` atomically, with every node and tie.

    GraphML and GEXF (for Gephi) cannot hold lists, dicts or None: lists and dicts become JSON
    text and None values are left out. CSV is an edge list: ``source``, ``target``, their labels,
    ``weight``, then every other edge attribute, lists joined with " | ".

    Parameters
    ----------
    graph
        A projection, with or without metrics.
    path
        The file to write.
    fmt
        ``graphml``, ``gexf`` or ``csv``.

    Returns
    -------
    Path
        ``path``.

    Raises
    ------
    ExportError
        If the file cannot be written.

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
    try:
        with atomic_output(path) as tmp:
            if kind == NetworkFormat.CSV:
                _write_csv(graph, tmp)
            elif kind == NetworkFormat.GRAPHML:
                nx.write_graphml(_flat(graph), tmp)
            else:
                nx.write_gexf(_flat(graph), tmp)
    except (OSError, nx.NetworkXError) as error:
        raise ExportError(f"{path}: cannot write the {kind} file: {error}") from error
    return path


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
    if isinstance(value, dict):  # added: method -> documents
        value = " | ".join(f"{key}: {' '.join(map(str, v))}" for key, v in sorted(value.items()))
    if value is None:
        return ""
    if isinstance(value, (int, float)):
        return value
    return neutralise(str(value))
