"""Collaboration maps: a networkx graph → one self-contained, offline, interactive HTML file.

pyvis builds the network (its node and edge lists and its vis-network options); the page is the
project's own template, ``templates/map.html``, with vis-network's script and style inlined from
the pyvis package, so the file opens offline and asks no other host for anything. Every
data-derived string travels in one JSON blob that the page parses and shows as DOM text.

Each map names its data and date in a caption, shows sources by title (linked only to http(s)
addresses), links its nodes to their entity pages, keeps its legend's counts to what the
filters show, draws only labels that do not overlap, and saves its view as a PNG. It works by
keyboard and on a phone: see ``templates/map.js``. In a notebook, :func:`show` draws a map
inside the output cell.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any

import networkx as nx

from ..choices import MAP_KINDS, MapKind, Projection
from ..errors import ParameterError
from ..network import (
    Filters,
    build_projection,
    co_participation_ties,
    compute_metrics,
    compute_tie_metrics,
)
from ..paths import nuts_outlines_folder
from ..reference import NUTS_TO_ISO, nuts_outlines
from ..store import Store
from .context import data_caption, source_titles
from .page import (
    ALL_TIES_UP_TO,
    AUTO_TIES_PER_NODE,
    COLOR_BY,
    ENTITY_BASE,
    SIZE_BY,
    InlineMap,
    map_html,
    render_map,
    script_json,
)


def project_map(
    store: Store,
    kind: str,
    path: Path,
    filters: Filters | None = None,
    *,
    reference_dir: Path | None = None,
    color_by: str | None = None,
    size_by: str | None = None,
    level: int | None = None,
    project: str | None = None,
    entity_base: str = ENTITY_BASE,
) -> Path:
    """Build the projection of the map ``kind``, compute its metrics and write the map.

    Parameters
    ----------
    store
        The built SECON graph.
    kind
        One of :data:`MAP_KINDS`.
    path
        The HTML file to write.
    filters
        Which organisations, participations and partnerships the map shows (a
        :class:`~secongraph.network.Filters`; None shows all).
    reference_dir
        A folder of NUTS 2021 outlines (``nutsrg_60M_{level}.json``) for a geographic map to
        draw; None, the default, draws those shipped with secongraph
        (:func:`secongraph.paths.nuts_outlines_folder`), so any data folder gets them.
    color_by, size_by
        Override the kind's colouring and size metric.
    level, project
        Passed to :func:`secongraph.network.build_projection`, with ``filters``.
    entity_base
        Where the entity pages the nodes link to are (see :func:`render_map`); the default links
        to the IRIs themselves.

    Returns
    -------
    Path
        ``path``.

    Raises
    ------
    ParameterError
        The kind, a filter or an option is unknown or does not apply.
    SourceError
        The outlines cannot be read.
    """
    graph, arguments = _map_arguments(
        store, kind, filters, reference_dir, color_by, size_by, level, project
    )
    return render_map(graph, path, entity_base=entity_base, **arguments)


def show(
    store: Store,
    kind: str,
    filters: Filters | None = None,
    *,
    height: int = 640,
    reference_dir: Path | None = None,
    color_by: str | None = None,
    size_by: str | None = None,
    level: int | None = None,
    project: str | None = None,
    entity_base: str = ENTITY_BASE,
) -> InlineMap:
    """The map ``kind`` for a notebook: the cell shows it inline, as the page of :func:`project_map`.

    ``height`` is the frame's height in pixels; the other parameters are those of
    :func:`project_map`. ``show(store, kind).page`` is the page itself.

    Raises
    ------
    ParameterError
        The kind, a filter, an option or ``height`` is unknown or does not apply.
    SourceError
        The outlines cannot be read.
    """
    graph, arguments = _map_arguments(
        store, kind, filters, reference_dir, color_by, size_by, level, project
    )
    page = map_html(graph, entity_base=entity_base, **arguments)
    return InlineMap(page, title=arguments["title"], height=height)


def _map_arguments(
    store: Store,
    kind: str,
    filters: Filters | None,
    reference_dir: Path | None,
    color_by: str | None,
    size_by: str | None,
    level: int | None,
    project: str | None,
) -> tuple[nx.Graph, dict[str, Any]]:
    """The projection of the map ``kind`` with its metrics, and the arguments of its page."""
    if kind not in MAP_KINDS:
        raise ParameterError(f'Unknown map "{kind}".', hint=f"Use one of: {', '.join(MAP_KINDS)}.")
    spec = MAP_KINDS[kind]
    if spec.projection == Projection.CO_PARTICIPATION and level is None and project is None:
        graph = _strongest_co_participation(store, filters)
    else:
        graph = build_projection(store, spec.projection, filters, level=level, project=project)
        compute_metrics(graph)
    outlines = None
    if spec.geographic:
        folder = reference_dir or nuts_outlines_folder()
        outlines = nuts_outlines(folder, _nuts_codes(graph), strict=False)
    given = asdict(filters) if filters is not None else {}
    chosen = {"NUTS level": level, "project": project, **given}
    chosen = {name: value for name, value in chosen.items() if value is not None}
    title = spec.title + (
        f" ({', '.join(f'{k} {v}' for k, v in chosen.items())})" if chosen else ""
    )
    return graph, {
        "title": title,
        "color_by": color_by or spec.color_by,
        "size_by": size_by or spec.size_by,
        "geographic": spec.geographic,
        "outlines": outlines,
        "caption": data_caption(store),
        "source_titles": source_titles(store),
    }


def _strongest_co_participation(store: Store, filters: Filters | None) -> nx.Graph:
    """The co-participation network measured whole, with edges for the ties its map draws
    only: a programme's network has millions of ties (its graph attribute ``ties`` counts
    them), of which a map shows the strongest few of each organisation."""
    ties = co_participation_ties(store, filters)
    compute_tie_metrics(ties)
    whole = len(ties.weight)
    drawn = None if whole <= ALL_TIES_UP_TO else ties.strongest(AUTO_TIES_PER_NODE)
    return ties.with_edges(drawn)


def write_maps(
    store: Store,
    out_dir: Path,
    *,
    reference_dir: Path | None = None,
    skipped: Callable[[str, str], None] | None = None,
    entity_base: str = ENTITY_BASE,
) -> list[Path]:
    """Write every map of :data:`MAP_KINDS` the data can fill as ``out_dir/map-{kind}.html``.

    A map the data cannot fill, such as the partnership map of a graph without the project
    ``secon``, is skipped: no file is written for it and ``skipped`` is called with its kind
    and the reason. (Maps are drawn here without options, so a :class:`ParameterError` of a
    projection can only mean that.)

    Parameters
    ----------
    store
        The built graph.
    out_dir
        The folder to write into.
    reference_dir
        As for :func:`project_map`: None draws the outlines shipped with secongraph.
    skipped
        Called with ``(kind, reason)`` for each map skipped.
    entity_base
        As for :func:`project_map`.

    Returns
    -------
    list[Path]
        The maps written.

    Raises
    ------
    SourceError
        The outlines cannot be read.
    """
    from ..network.facts import facts_read_once

    written = []
    with facts_read_once():  # every map projects the same store
        for kind in MAP_KINDS:
            try:
                path = project_map(
                    store, kind, out_dir / f"map-{kind}.html", reference_dir=reference_dir,
                    entity_base=entity_base,
                )  # fmt: skip
            except ParameterError as error:
                if skipped:
                    skipped(kind, f"the data cannot fill it ({error.message.rstrip('.')})")
                continue
            written.append(path)
    return written


def _nuts_codes(graph: nx.Graph) -> set[str]:
    """Return the NUTS codes of the nodes' regions (a country node's ISO code as NUTS code)."""
    iso_to_nuts = {iso: nuts for nuts, iso in NUTS_TO_ISO.items()}
    codes = set()
    for _, data in graph.nodes(data=True):
        if data.get("region"):
            codes.add(str(data["region"]))
        elif data.get("kind") in ("region", "country") and data.get("code"):
            code = str(data["code"])
            codes.add(iso_to_nuts.get(code, code) if data["kind"] == "country" else code)
    return codes


__all__ = [
    "COLOR_BY",
    "ENTITY_BASE",
    "MAP_KINDS",
    "SIZE_BY",
    "Filters",
    "InlineMap",
    "MapKind",
    "data_caption",
    "map_html",
    "project_map",
    "render_map",
    "script_json",
    "show",
    "source_titles",
    "write_maps",
]
