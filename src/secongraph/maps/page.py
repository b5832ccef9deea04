"""The map page: node and tie lists, legend data and vis-network options, rendered into the
project's own template with every script inlined and every data string escaped."""

from __future__ import annotations

import base64
import hashlib
import html
import json
import logging
import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import urlsplit

import networkx as nx
import pycountry
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from ..choices import COLOR_BY, SIZE_BY
from ..errors import ParameterError, SecongraphError
from ..files import atomic_output
from ..namespaces import BASE, ID
from ..reference import iso_code
from .layout import force_layout, geographic_positions, project_outlines

if TYPE_CHECKING:
    from pyvis.network import Network

logger = logging.getLogger(__name__)


COMMUNITY_WORDS = "group of closely tied organisations (community)"

ENTITY_BASE = BASE.rstrip("/")
"""Default base of the entity pages map nodes link to: ``{base}/id/X`` is then the IRI itself."""

SHAPES = {
    "organisation": "dot", "event": "square", "group": "triangle",
    "region": "hexagon", "country": "hexagon",
}  # fmt: skip
PALETTE = (
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b",
    "#e377c2", "#17becf", "#bcbd22", "#393b79", "#ad494a", "#637939",
)  # fmt: skip
OTHER_COLOR = "#9e9e9e"
SIZE_RANGE = (10.0, 42.0)
ALL_TIES_UP_TO = 3000
"""Largest number of ties a map shows in full by default."""
AUTO_TIES_PER_NODE = 5
"""Ties per node a larger map shows by default (vis-network builds about 30,000 ties a second)."""

_JSON_ESCAPES = {
    ord("<"): "\\u003c",
    ord(">"): "\\u003e",
    ord("&"): "\\u0026",
    0x2028: "\\u2028",
    0x2029: "\\u2029",
}


def render_map(
    graph: nx.Graph,
    path: Path,
    *,
    title: str,
    color_by: str = "type",
    size_by: str = "degree",
    geographic: bool = False,
    outlines: Mapping[str, Any] | None = None,
    max_ties_per_node: int | Literal["auto"] | None = "auto",
    physics_threshold: int = 150,
    seed: int = 1,
    caption: str = "",
    source_titles: Mapping[str, str] | None = None,
    entity_base: str = ENTITY_BASE,
) -> Path:
    """Write ``graph`` as an interactive map: one HTML file that works offline.

    The same graph and options give the same bytes.

    Parameters
    ----------
    graph
        A projection from :mod:`secongraph.network`: node ids are IRIs, nodes carry ``label``,
        ``kind``, ``type``, ``country``, ``region``, ``lat``/``lon``, ``sources`` and metrics;
        edges carry ``weight``, ``events``, ``event_labels``, ``projects`` and ``sources``.
    path
        The HTML file to write (replaced atomically).
    title
        The map's title, shown as text in the page.
    color_by
        The colouring shown first: ``"type"``, ``"country"`` or ``"community"`` (the reader can
        switch in the page).
    size_by
        The metric node size shows: one of :data:`SIZE_BY`.
    geographic
        Place nodes at their ``lat``/``lon`` (nodes sharing a point spread around it) instead of
        a force-directed layout; nodes without coordinates are left out and counted in the legend.
    outlines
        A GeoJSON FeatureCollection (from :func:`secongraph.reference.nuts_outlines`) drawn behind
        the nodes in the geographic view; its ``attribution`` is shown on the map.
    max_ties_per_node
        Show a tie only if it is among this many strongest ties of either end; ``None`` shows
        all; ``"auto"`` shows all up to :data:`ALL_TIES_UP_TO` ties and the
        :data:`AUTO_TIES_PER_NODE` strongest per node above. The legend states the rule and how
        many ties are shown; exports (:func:`secongraph.network.export_network`) keep all.
        A graph whose attribute ``ties`` counts more ties than it has edges (those
        :meth:`secongraph.network.Ties.with_edges` made of the strongest) counts them all.
    physics_threshold
        Up to this many nodes the page relaxes the layout with vis-network physics (except in
        the geographic view); above it the Python layout is final, physics is off and ties are
        hidden while the reader drags or zooms.
    seed
        Seed of the layout.
    caption
        Which data the map shows and as of when (:func:`secongraph.maps.data_caption`), shown
        under the title and in the saved picture.
    source_titles
        Titles of source documents by IRI: sources are shown by title, linked to the document
        when their IRI is an http(s) address (to their entity page when it is under
        ``https://w3id.org/secongraph/id/``).
    entity_base
        Where entity pages are: a node (or source) ``https://w3id.org/secongraph/id/X`` links to
        ``{entity_base}/id/X``. The default links to the IRI itself; a server or a published
        site passes its own root (an http(s) URL or a relative path such as ``..``).

    Returns
    -------
    Path
        ``path``.

    Raises
    ------
    ParameterError
        ``color_by`` or ``size_by`` is unknown, or ``entity_base`` is neither an http(s) URL
        nor a relative path.
    SecongraphError
        The nodes have no values of ``size_by`` (other than the degrees, which are computed).
    """
    html = map_html(
        graph,
        title=title,
        color_by=color_by,
        size_by=size_by,
        geographic=geographic,
        outlines=outlines,
        max_ties_per_node=max_ties_per_node,
        physics_threshold=physics_threshold,
        seed=seed,
        caption=caption,
        source_titles=source_titles,
        entity_base=entity_base,
    )
    with atomic_output(path) as tmp:
        tmp.write_text(html, encoding="utf-8")
    logger.info("wrote %s (%d nodes)", path, graph.number_of_nodes())
    return path


def map_html(
    graph: nx.Graph,
    *,
    title: str,
    color_by: str = "type",
    size_by: str = "degree",
    geographic: bool = False,
    outlines: Mapping[str, Any] | None = None,
    max_ties_per_node: int | Literal["auto"] | None = "auto",
    physics_threshold: int = 150,
    seed: int = 1,
    caption: str = "",
    source_titles: Mapping[str, str] | None = None,
    entity_base: str = ENTITY_BASE,
) -> str:
    """Return the map page of ``graph`` as text; see :func:`render_map` for the parameters."""
    if urlsplit(entity_base).scheme not in ("", "http", "https"):
        raise ParameterError(f'entity_base "{entity_base}": not an http(s) URL or a relative path.')
    if color_by not in COLOR_BY:
        raise ParameterError(
            f'Unknown colouring "{color_by}".',
            hint=f"Use one of: {', '.join(COLOR_BY)}.",
        )
    sizes = _metric(graph, size_by)
    ids = sorted(graph, key=str)
    located = [n for n in ids if not geographic or _has_point(graph.nodes[n])]
    index = {node: i for i, node in enumerate(located)}
    # a network measured in arrays (network.Ties) has only the ties it draws as edges
    whole = graph.graph.get("ties", graph.number_of_edges())
    limit = max_ties_per_node
    if limit == "auto":
        limit = None if whole <= ALL_TIES_UP_TO else AUTO_TIES_PER_NODE
    shown, total = _strongest_ties(graph, index, limit)
    total = whole if "ties" in graph.graph else total
    scaled = _scaled_sizes(sizes, located)
    if geographic:
        positions, projection = geographic_positions(graph, located, scaled)
    else:
        positions, projection = force_layout(len(located), shown, seed), None
    large = len(located) > physics_threshold
    physics = not geographic and not large

    strings = _StringTable()
    categories = {key: _categories(graph, located, key) for key in COLOR_BY}
    from pyvis.network import Network  # 0.26 s to import: only when a map is drawn

    net = Network(directed=False, cdn_resources="in_line")
    net.nodes = [
        _node(graph, node, i, positions[i], scaled[node], categories, strings)
        for i, node in enumerate(located)
    ]
    net.edges = [_edge(a, b, data, strings) for a, b, data in shown]
    net.toggle_physics(physics)
    net.options.edges.smooth.enabled = False
    net.options.edges.color.inherit = False
    net.toggle_hide_edges_on_drag(large)

    titles = source_titles or {}
    payload = {
        "title": title,
        "caption": caption,
        "entityBase": entity_base.rstrip("/"),
        "idPrefix": str(ID),
        "metricWords": {**SIZE_BY, "community": COMMUNITY_WORDS},
        "sourceTitles": {s: titles[s] for s in strings.values if s in titles},
        "colorBy": color_by,
        "sizeBy": {"metric": size_by, "label": SIZE_BY[size_by]},
        "categories": {
            key: [{"value": v, "color": c, "count": n} for v, c, n in cats]
            for key, (cats, _) in categories.items()
        },
        "ties": {"shown": len(shown), "total": total, "maxPerNode": limit},
        "nodes": _columns(net.nodes),
        "edges": _columns(net.edges),
        "strings": strings.values,
        "options": _vis_options(net, large=large),
        "labelSize": 15 if geographic else 13,
        "geographic": geographic,
        "unplaced": len(ids) - len(located),
        "outlines": project_outlines(outlines, projection) if projection else [],
        "attribution": str(outlines.get("attribution", "")) if geographic and outlines else "",
    }
    return _render_page(payload)


@dataclass(frozen=True)
class InlineMap:
    """A map page shown in a notebook's output cell (Jupyter calls :meth:`_repr_html_`).

    The page goes into an ``<iframe srcdoc>``, escaped, in a sandbox that runs its scripts in an
    origin of their own: the page keeps its Content-Security-Policy and its styles, and neither
    the notebook nor the map reaches into the other.

    Examples
    --------
    >>> shown = InlineMap("<p>Tom & Jerry</p>", title="A <map>", height=300)
    >>> shown._repr_html_().split(" sandbox=")[0]
    '<iframe srcdoc="&lt;p&gt;Tom &amp; Jerry&lt;/p&gt;" title="A &lt;map&gt;"'
    """

    page: str = field(repr=False)
    """The map page (:func:`map_html`)."""
    title: str
    """What the frame shows, for screen readers."""
    height: int = 640
    """The frame's height in CSS pixels; it takes the cell's full width."""

    def __post_init__(self) -> None:
        if isinstance(self.height, bool) or not isinstance(self.height, int) or self.height < 1:
            raise ParameterError(f"height {self.height!r}: not a positive number of pixels.")

    def _repr_html_(self) -> str:
        return (
            f'<iframe srcdoc="{html.escape(self.page)}" title="{html.escape(self.title)}" '
            'sandbox="allow-scripts allow-downloads" '
            f'style="width: 100%; height: {self.height}px; border: 1px solid #ccc"></iframe>'
        )


def script_json(data: Any) -> str:
    """Serialise ``data`` as JSON that is safe inside an HTML ``<script>`` element.

    ``<``, ``>``, ``&`` and the line separators U+2028/U+2029 are escaped, so no string can
    close the element or start markup; keys are sorted so the output is deterministic.

    Examples
    --------
    >>> script_json({"label": "</script><b>"})
    '{"label":"\\\\u003c/script\\\\u003e\\\\u003cb\\\\u003e"}'
    """
    text = json.dumps(
        data, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False
    )
    return text.translate(_JSON_ESCAPES)


class _StringTable:
    """Strings shared by many nodes and ties (IRIs, event names), stored once and referenced."""

    def __init__(self) -> None:
        self.values: list[str] = []
        self._index: dict[str, int] = {}

    def refs(self, values: Iterable[Any]) -> list[int]:
        refs = []
        for value in values:
            text = str(value)
            if text not in self._index:
                self._index[text] = len(self.values)
                self.values.append(text)
            refs.append(self._index[text])
        return refs


def _metric(graph: nx.Graph, name: str) -> dict[Any, float]:
    """Return the metric ``name`` of every node; degrees are computed if the graph lacks them."""
    if name not in SIZE_BY:
        raise ParameterError(
            f'Unknown metric "{name}" to size nodes by.',
            hint=f"Use one of: {', '.join(SIZE_BY)}.",
        )
    values = {node: data.get(name) for node, data in graph.nodes(data=True)}
    if all(isinstance(value, int | float) for value in values.values()):
        return {node: float(value) for node, value in values.items()}
    if name in ("degree", "weighted_degree"):
        weight = "weight" if name == "weighted_degree" else None
        return {node: float(degree) for node, degree in graph.degree(weight=weight)}
    raise SecongraphError(
        f'The nodes have no "{name}" values to size them by.',
        hint="Compute the metrics first (secongraph.network.compute_metrics) or size by degree.",
    )


def _scaled_sizes(sizes: Mapping[Any, float], nodes: list[Any]) -> dict[Any, float]:
    """Map metric values to node sizes in :data:`SIZE_RANGE`, by square root (area ∝ value)."""
    largest = max((sizes[n] for n in nodes), default=0.0) or 1.0
    low, high = SIZE_RANGE
    if len({sizes[n] for n in nodes}) == 1:
        return dict.fromkeys(nodes, round((low + high) / 3, 1))
    return {
        n: round(low + (high - low) * math.sqrt(max(sizes[n], 0.0) / largest), 1) for n in nodes
    }


def _has_point(data: Mapping[str, Any]) -> bool:
    return isinstance(data.get("lat"), int | float) and isinstance(data.get("lon"), int | float)


def _strongest_ties(
    graph: nx.Graph, index: Mapping[Any, int], limit: int | None
) -> tuple[list[tuple[int, int, dict[str, Any]]], int]:
    """Return the ties to show (each among the ``limit`` strongest of one end) and the total.

    Ties are ranked by weight, then by the other end's id, so the choice is deterministic.
    """
    ties = {}
    for a, b, data in graph.edges(data=True):
        if a in index and b in index and a != b:
            i, j = sorted((index[a], index[b]))
            ties[i, j] = data
    keep = set(ties)
    if limit is not None:
        ranked: dict[int, list[tuple[float, int]]] = {}
        for (i, j), data in ties.items():
            weight = -float(data.get("weight", 1))
            ranked.setdefault(i, []).append((weight, j))
            ranked.setdefault(j, []).append((weight, i))
        keep = set()
        for i, others in ranked.items():
            for _, j in sorted(others)[:limit]:
                keep.add((min(i, j), max(i, j)))
    return [(i, j, ties[i, j]) for i, j in sorted(keep)], len(ties)


def _categories(
    graph: nx.Graph, nodes: list[Any], key: str
) -> tuple[list[tuple[str, str, int]], dict[Any, int]]:
    """Return the values of ``key`` (most frequent first) with colours, and each node's value.

    The eleven most frequent values get their own colour; the rest share grey as "other".
    """
    values = {n: _category_value(graph.nodes[n], key) for n in nodes}
    counts = Counter(values.values())
    ranked = sorted(counts, key=lambda v: (-counts[v], v))
    colours = len(PALETTE) if len(ranked) <= len(PALETTE) else len(PALETTE) - 1
    named = ranked[:colours]
    rows = [(value, PALETTE[k], counts[value]) for k, value in enumerate(named)]
    if len(ranked) > colours:
        rows.append(("other", OTHER_COLOR, sum(counts[v] for v in ranked[colours:])))
    position = {value: k for k, value in enumerate(named)}
    return rows, {n: position.get(value, len(named)) for n, value in values.items()}


def _category_value(data: Mapping[str, Any], key: str) -> str:
    value = _country(data) if key == "country" else data.get(key)
    if key == "community" and isinstance(value, int):
        return f"community {value + 1}"
    return str(value) if value not in (None, "") else "unknown"


def _node(
    graph: nx.Graph,
    node: Any,
    i: int,
    position: tuple[float, float],
    size: float,
    categories: Mapping[str, tuple[list[tuple[str, str, int]], dict[Any, int]]],
    strings: _StringTable,
) -> dict[str, Any]:
    """Return one vis-network node with the details the page shows on hover."""
    data = graph.nodes[node]
    metrics = {
        name: _number(data[name])
        for name in (*SIZE_BY, "community")
        if isinstance(data.get(name), int | float)
    }
    return {
        "id": i,
        "iri": str(node),
        "label": str(data.get("label") or str(node).rsplit("/", 1)[-1]),
        "x": position[0],
        "y": position[1],
        "size": size,
        "shape": SHAPES.get(str(data.get("kind")), "dot"),
        "type": str(data.get("type") or ""),
        "country": _country(data),
        "region": _region_text(data),
        "partner": bool(data.get("partner")),
        "lead": bool(data.get("lead_partner")),
        "sources": strings.refs(sorted(data.get("sources") or [])),
        "added": _added(data, strings),
        "metrics": metrics,
        "cat": [categories[key][1][node] for key in COLOR_BY],
        "members": sorted(str(label) for label in data.get("organisation_labels") or []),
    }


def _edge(a: int, b: int, data: Mapping[str, Any], strings: _StringTable) -> dict[str, Any]:
    """Return one vis-network edge with the events, projects and sources behind the tie."""
    weight = _number(data.get("weight", 1))
    return {
        "from": a,
        "to": b,
        "weight": weight,
        "events": strings.refs(sorted(_labelled(data, "events", "event_labels"))),
        "projects": strings.refs(sorted(_labelled(data, "projects", "project_labels"))),
        "roles": strings.refs(sorted(str(r) for r in data.get("roles") or [])),
        "sources": strings.refs(sorted(str(s) for s in data.get("sources") or [])),
        "added": _added(data, strings),
    }


def _added(data: Mapping[str, Any], strings: _StringTable) -> list[list[Any]]:
    """Return what the project added, as [method, [documents]] references, methods in order."""
    added = data.get("added") or {}
    return [
        [strings.refs([method])[0], strings.refs(sorted(str(d) for d in added[method]))]
        for method in sorted(added)
    ]


def _labelled(data: Mapping[str, Any], key: str, labels_key: str) -> list[str]:
    """Return the labels of the IRIs in ``data[key]``, the IRI itself where a label is missing."""
    iris = [str(iri) for iri in data.get(key) or []]
    labels = [str(label) for label in data.get(labels_key) or []]
    return labels[: len(iris)] + iris[len(labels) :]


def _country(data: Mapping[str, Any]) -> str:
    """Return the node's country; a region network's country is itself, a region's its code's."""
    if data.get("kind") == "country":
        return str(data.get("label") or data.get("code") or "")
    if data.get("kind") == "region" and not data.get("country") and data.get("code"):
        iso = iso_code(str(data["code"]))
        country = pycountry.countries.get(alpha_2=iso)
        return str(country.name) if country else iso
    return str(data.get("country") or "")


def _region_text(data: Mapping[str, Any]) -> str:
    """Return ``"Extremadura (ES43)"``, the code alone, or ``""`` (for a country node too)."""
    if data.get("kind") == "country":
        return ""
    if data.get("kind") == "region":
        code, label = data.get("code"), data.get("label")
    else:
        code, label = data.get("region"), data.get("region_label")
    if code and label:
        return f"{label} ({code})"
    return str(code or label or "")


def _columns(records: list[dict[str, Any]]) -> dict[str, list[Any]]:
    """Turn records sharing their keys into one list per key (the page rebuilds the records).

    Examples
    --------
    >>> _columns([{"id": 0, "label": "a"}, {"id": 1, "label": "b"}])
    {'id': [0, 1], 'label': ['a', 'b']}
    """
    keys = list(records[0]) if records else []
    return {key: [record[key] for record in records] for key in keys}


def _number(value: Any) -> float | int | None:
    """Return ``value`` as a JSON-safe number (floats to four decimals), or None."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if isinstance(value, int):
        return value
    return round(value, 4) if math.isfinite(value) else None


def _vis_options(net: Network, *, large: bool) -> dict[str, Any]:
    """Return pyvis's options, completed with what the map needs from vis-network.

    A large map hides its ties while it is dragged or zoomed, so panning does not stall. The
    view moves and zooms by keyboard once the map has focus. The page sets the labels' size at
    each zoom (``labelSize`` pixels on screen) and which labels are drawn.
    """
    physics = bool(net.options.physics.enabled)
    options: dict[str, Any] = json.loads(net.options.to_json())
    options["physics"].update(
        {
            "solver": "barnesHut",
            "barnesHut": {
                "gravitationalConstant": -9000,
                "springLength": 200,
                "avoidOverlap": 0.5,
            },
            "stabilization": {"enabled": physics, "iterations": 200},
        }
    )
    options["interaction"].update(
        {
            "hover": True,
            "tooltipDelay": 3600000,
            "hideEdgesOnZoom": large,
            "multiselect": False,
            "keyboard": {"enabled": True, "bindToWindow": False, "autoFocus": False},
        }
    )
    options["layout"] = {"improvedLayout": False, "randomSeed": 1}
    options["nodes"] = {
        "borderWidth": 1,
        "font": {
            "face": "sans-serif",
            "strokeWidth": 3,
            "strokeColor": "#ffffff",
        },
        "scaling": {"label": {"drawThreshold": 5}},
    }
    options["edges"]["color"] = {
        "color": "#8a8a8a",
        "highlight": "#333333",
        "hover": "#333333",
        "opacity": 0.55,
    }
    return options


def _asset(name: str) -> str:
    """Return a vis-network file bundled with pyvis (the project ships no copy of its own)."""
    path = resources.files("pyvis") / "lib" / "vis-9.1.2" / name
    return path.read_text(encoding="utf-8")


def _render_page(payload: Mapping[str, Any]) -> str:
    """Fill the template: vis-network and the map's script inlined, the data as one JSON blob.

    The Content-Security-Policy allows only these two scripts (by hash), inline styles and
    ``data:`` images, so the page can load nothing from anywhere and run no injected script.
    """
    templates = resources.files("secongraph") / "templates"
    scripts = [
        _asset("vis-network.min.js"),
        (templates / "map.js").read_text(encoding="utf-8"),
    ]
    styles = [
        _asset("vis-network.css"),
        (templates / "map.css").read_text(encoding="utf-8"),
    ]
    for text in scripts + styles:
        if "</script" in text.lower() or "</style" in text.lower():
            raise SecongraphError("A bundled script or style would end its own element early.")
    hashes = " ".join(
        f"'sha256-{base64.b64encode(hashlib.sha256(s.encode()).digest()).decode()}'"
        for s in scripts
    )
    environment = Environment(
        loader=PackageLoader("secongraph", "templates"),
        autoescape=select_autoescape(["html"]),
        keep_trailing_newline=True,
    )
    return environment.get_template("map.html").render(
        csp=f"default-src 'none'; script-src {hashes}; style-src 'unsafe-inline'; "
        "img-src data:; base-uri 'none'; form-action 'none'",
        styles=[Markup(s) for s in styles],
        vis_js=Markup(scripts[0]),
        map_js=Markup(scripts[1]),
        data=Markup(script_json(payload)),
    )
