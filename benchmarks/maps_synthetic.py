"""SYNTHETIC collaboration graphs for the map benchmarks: invented organisations, not SECON data.

Every node, event and region here is made up by a seeded random generator. The graphs carry the
node and edge attributes of ``secongraph.network``'s projections, so the maps treat them as real.
"""

from __future__ import annotations

import random
from itertools import combinations

import networkx as nx

TYPES = (
    "municipality", "county council", "regional government", "public agency", "NGO",
    "social enterprise", "business", "research and education", "network",
)  # fmt: skip
REGIONS = {
    "BG422": ("BG", "Bulgaria", 25.55, 41.93), "EL653": ("GR", "Greece", 22.37, 37.51),
    "BE24": ("BE", "Belgium", 4.64, 50.88), "RO124": ("RO", "Romania", 25.57, 46.47),
    "PL91": ("PL", "Poland", 21.01, 52.24), "ES43": ("ES", "Spain", -6.15, 39.19),
    "PT11A": ("PT", "Portugal", -8.5, 41.2), "DE125": ("DE", "Germany", 8.68, 49.41),
    "LV006": ("LV", "Latvia", 24.1, 56.95),
}  # fmt: skip
SYNTHETIC = "https://example.org/synthetic/"


def synthetic_graph(nodes: int, *, events_per_node: float = 0.1, seed: int = 1) -> nx.Graph:
    """Return a SYNTHETIC co-participation graph of ``nodes`` invented organisations.

    Organisations join invented events, mostly within their own community and region; two
    organisations are tied by the events they share (``weight`` = how many).
    """
    rng = random.Random(seed)
    graph = nx.Graph()
    codes = sorted(REGIONS)
    for index in range(nodes):
        code = rng.choice(codes)
        country_code, country, lon, lat = REGIONS[code]
        graph.add_node(
            f"{SYNTHETIC}organisation/{index}",
            label=f"Synthetic organisation {index}",
            labels={"en": f"Synthetic organisation {index}"},
            kind="organisation",
            type=rng.choice(TYPES),
            type_iri=f"{SYNTHETIC}type/{index % len(TYPES)}",
            country=country,
            country_code=country_code,
            region=code,
            regions=[code],
            lat=lat,
            lon=lon,
            sources=[f"{SYNTHETIC}source/{index % 50}"],
            partner=index < 9,
            lead_partner=index == 0,
        )
    ids = list(graph)
    community_size = 40
    for event in range(max(1, int(nodes * events_per_node))):
        start = rng.randrange(0, max(1, nodes - community_size))
        pool = ids[start : start + community_size]
        members = rng.sample(pool, k=min(len(pool), rng.randint(2, 8)))
        members += rng.sample(ids, k=min(nodes, rng.randint(0, 2)))
        iri, label = f"{SYNTHETIC}event/{event}", f"Synthetic event {event}"
        for a, b in combinations(sorted(set(members)), 2):
            if graph.has_edge(a, b):
                data = graph.edges[a, b]
                data["weight"] += 1
                data["events"].append(iri)
                data["event_labels"].append(label)
            else:
                graph.add_edge(
                    a, b, weight=1, events=[iri], event_labels=[label], projects=[],
                    sources=[f"{SYNTHETIC}source/{event % 50}"],
                )  # fmt: skip
    return graph
