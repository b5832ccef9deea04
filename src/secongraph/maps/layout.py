"""Where nodes go: a seeded force-directed layout (igraph) packed by connected part, and the
geographic placement at NUTS label points with the region outlines projected alike."""

from __future__ import annotations

import math
import random
from collections.abc import Mapping
from typing import Any

import networkx as nx

NODE_SPACING = 110.0
"""Pixels of drawing per node along each side of the force-directed layout."""
GEO_WIDTH = 1000.0
"""Pixels the located nodes span in the geographic view (so labels read at the first zoom)."""


def force_layout(
    count: int, ties: list[tuple[int, int, dict[str, Any]]], seed: int
) -> list[tuple[float, float]]:
    """Lay out ``count`` nodes: each connected part by Fruchterman-Reingold, parts packed in rows.

    igraph's C implementation (grid variant above 1,000 nodes) is seeded through a private
    :class:`random.Random`, so the same input gives the same positions. Each part gets an area in
    proportion to its size; the largest comes first, single nodes last.
    """
    import igraph

    network = igraph.Graph(n=count, edges=[(i, j) for i, j, _ in ties])
    network.es["weight"] = [float(data.get("weight", 1)) for _, _, data in ties]
    parts = sorted(network.connected_components(), key=lambda part: (-len(part), part[0]))
    rng = random.Random(seed)
    placed: list[tuple[list[int], list[tuple[float, float]], float]] = []
    igraph.set_random_number_generator(rng)
    try:
        for part in parts:
            radius = NODE_SPACING * math.sqrt(len(part)) / 2
            if len(part) == 1:
                placed.append((part, [(0.0, 0.0)], NODE_SPACING / 2))
                continue
            sub = network.induced_subgraph(part)
            side = math.sqrt(len(part))
            start = [[rng.uniform(-side, side), rng.uniform(-side, side)] for _ in part]
            layout = sub.layout_fruchterman_reingold(
                weights="weight", seed=start, niter=500, grid=len(part) > 1000
            )
            placed.append((part, _fit_circle(layout.coords, radius), radius))
    finally:
        igraph.set_random_number_generator(random)
    return _pack(count, placed)


def _fit_circle(coords: list[list[float]], radius: float) -> list[tuple[float, float]]:
    """Centre ``coords`` and scale them to fit in a circle of ``radius``."""
    cx = sum(x for x, _ in coords) / len(coords)
    cy = sum(y for _, y in coords) / len(coords)
    reach = max(math.hypot(x - cx, y - cy) for x, y in coords) or 1.0
    return [((x - cx) * radius / reach, (y - cy) * radius / reach) for x, y in coords]


def _pack(
    count: int, placed: list[tuple[list[int], list[tuple[float, float]], float]]
) -> list[tuple[float, float]]:
    """Pack laid-out parts in rows (biggest first) into a roughly square drawing."""
    area = sum((2 * radius + NODE_SPACING) ** 2 for _, _, radius in placed)
    width = max(math.sqrt(area) * 1.1, max((2 * r for _, _, r in placed), default=0.0))
    positions = [(0.0, 0.0)] * count
    x = y = row = 0.0
    for part, coords, radius in placed:
        box = 2 * radius + NODE_SPACING
        if x > 0 and x + box > width:
            x, y, row = 0.0, y + row, 0.0
        for vertex, (px, py) in zip(part, coords, strict=True):
            positions[vertex] = (round(x + box / 2 + px, 1), round(y + box / 2 + py, 1))
        x, row = x + box, max(row, box)
    return positions


class _Projection:
    """Equirectangular projection, x scaled by cos(latitude) at the centre: (lon, lat) → px.

    The scale makes the points span :data:`GEO_WIDTH` pixels (between 30 and 600 per degree).
    """

    def __init__(self, lons: list[float], lats: list[float]) -> None:
        self.lon0 = (min(lons) + max(lons)) / 2
        self.lat0 = (min(lats) + max(lats)) / 2
        shrink = math.cos(math.radians(self.lat0))
        extent = max((max(lons) - min(lons)) * shrink, max(lats) - min(lats))
        self.ky = min(max(GEO_WIDTH / extent if extent else 600.0, 30.0), 600.0)
        self.kx = self.ky * shrink

    def __call__(self, lon: float, lat: float) -> tuple[float, float]:
        return round((lon - self.lon0) * self.kx, 1), round((self.lat0 - lat) * self.ky, 1)


def geographic_positions(
    graph: nx.Graph, nodes: list[Any], sizes: Mapping[Any, float]
) -> tuple[list[tuple[float, float]], _Projection | None]:
    """Place nodes at their point; nodes sharing a point spiral out from it, biggest first.

    ``sizes`` are the drawn sizes (radii): the spiral's spacing is the largest of its group's.
    """
    if not nodes:
        return [], None
    points = {n: (float(graph.nodes[n]["lon"]), float(graph.nodes[n]["lat"])) for n in nodes}
    projection = _Projection([p[0] for p in points.values()], [p[1] for p in points.values()])
    groups: dict[tuple[float, float], list[Any]] = {}
    for node in nodes:
        groups.setdefault(points[node], []).append(node)
    golden = math.pi * (3 - math.sqrt(5))
    placed: dict[Any, tuple[float, float]] = {}
    for point, members in groups.items():
        x0, y0 = projection(*point)
        members.sort(key=lambda n: (-sizes[n], str(n)))
        spacing = 1.6 * sizes[members[0]]
        for k, node in enumerate(members):
            radius, angle = spacing * math.sqrt(k), k * golden
            placed[node] = (
                round(x0 + radius * math.cos(angle), 1),
                round(y0 + radius * math.sin(angle), 1),
            )
    return [placed[n] for n in nodes], projection


def project_outlines(
    outlines: Mapping[str, Any] | None, projection: _Projection
) -> list[dict[str, Any]]:
    """Project the outline polygons to page coordinates: one ring list per feature."""
    projected = []
    for feature in (outlines or {}).get("features", []):
        geometry = feature["geometry"]
        polygons = geometry["coordinates"]
        if geometry["type"] == "Polygon":
            polygons = [polygons]
        rings = [
            [c for lon, lat in ring for c in projection(lon, lat)] for p in polygons for ring in p
        ]
        properties = feature["properties"]
        projected.append(
            {"id": properties["id"], "role": properties.get("role", "region"), "rings": rings}
        )  # fmt: skip
    return projected
