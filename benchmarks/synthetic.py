"""SYNTHETIC stakeholder graphs for the engine benchmarks: invented organisations, not SECON data.

Every organisation, event and participation is made up by a seeded random generator, named under
``https://example.org/synthetic/`` and described as synthetic in its own named graph, so no
synthetic triple can be mistaken for a SECON fact. The shape follows the SECON ontology:
organisations of the ontology's classes with a country, events with a start date, and n-ary
participations (event, participant, role).

Usage: ``python benchmarks/synthetic.py OUT.nq [--triples 100000] [--seed 1]``
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

import pyoxigraph as ox

SYNTHETIC = "https://example.org/synthetic/"
SG = "https://w3id.org/secongraph/ontology#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
DESCRIPTION = ox.NamedNode("http://purl.org/dc/terms/description")
XSD_DATE = ox.NamedNode("http://www.w3.org/2001/XMLSchema#date")
CLASSES = (
    "Municipality", "CountyCouncil", "RegionalGovernment", "PublicAgency", "NGO",
    "SocialEnterprise", "SocialCooperative", "Business", "ResearchOrganisation", "Network",
)  # fmt: skip
COUNTRIES = ("be", "bg", "de", "es", "gr", "lv", "pl", "pt", "ro")
ROLES = ("organiser", "partner", "stakeholder", "speaker", "participant")
PER_PARTICIPATION = 4
"""Triples per participation: type, event, participant, role."""


def sg(name: str) -> ox.NamedNode:
    return ox.NamedNode(SG + name)


def synthetic_quads(triples: int, *, seed: int = 1) -> list[ox.Quad]:
    """About ``triples`` SYNTHETIC quads: 5 % organisations, 7.5 % events, the rest participations."""
    rng = random.Random(seed)
    graph = ox.NamedNode(f"{SYNTHETIC}graph/benchmark")
    quads = [
        ox.Quad(graph, RDF_TYPE, sg("SourceGraph"), graph),
        ox.Quad(
            graph,
            DESCRIPTION,
            ox.Literal(
                "SYNTHETIC benchmark data made by benchmarks/synthetic.py; not SECON facts."
            ),
            graph,
        ),
    ]
    organisations = max(10, triples // 60)
    events = max(5, triples // 40)
    participations = max(1, (triples - 3 * organisations - 3 * events) // PER_PARTICIPATION)
    for index in range(organisations):
        node = ox.NamedNode(f"{SYNTHETIC}organisation/{index}")
        country = ox.NamedNode(f"https://w3id.org/secongraph/id/country/{rng.choice(COUNTRIES)}")
        quads += [
            ox.Quad(node, RDF_TYPE, sg(rng.choice(CLASSES)), graph),
            ox.Quad(
                node, LABEL, ox.Literal(f"SYNTHETIC organisation {index}", language="en"), graph
            ),
            ox.Quad(node, sg("country"), country, graph),
        ]
    for index in range(events):
        node = ox.NamedNode(f"{SYNTHETIC}event/{index}")
        day = f"2023-{1 + index % 12:02d}-{1 + index % 28:02d}"
        quads += [
            ox.Quad(node, RDF_TYPE, sg(rng.choice(("Workshop", "Meeting", "StudyVisit"))), graph),
            ox.Quad(node, LABEL, ox.Literal(f"SYNTHETIC event {index}", language="en"), graph),
            ox.Quad(node, sg("startDate"), ox.Literal(day, datatype=XSD_DATE), graph),
        ]
    for index in range(participations):
        node = ox.NamedNode(f"{SYNTHETIC}participation/{index}")
        event = ox.NamedNode(f"{SYNTHETIC}event/{rng.randrange(events)}")
        who = ox.NamedNode(f"{SYNTHETIC}organisation/{rng.randrange(organisations)}")
        role = ox.NamedNode(
            f"https://w3id.org/secongraph/vocab/participation-role/{rng.choice(ROLES)}"
        )
        quads += [
            ox.Quad(node, RDF_TYPE, sg("Participation"), graph),
            ox.Quad(node, sg("event"), event, graph),
            ox.Quad(node, sg("participant"), who, graph),
            ox.Quad(node, sg("participationRole"), role, graph),
        ]
    return quads


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="the N-Quads file to write")
    parser.add_argument("--triples", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    quads = synthetic_quads(args.triples, seed=args.seed)
    ox.serialize(quads, args.out, ox.RdfFormat.N_QUADS)
    print(f"wrote {len(quads):,} SYNTHETIC quads to {args.out}")


if __name__ == "__main__":
    main()
