"""Every namespace and prefix secongraph uses, in one place."""

from __future__ import annotations

from typing import TypeVar

from rdflib import DCAT, DCTERMS, FOAF, ORG, OWL, PROV, RDF, RDFS, SDO, SH, SKOS, VOID, XSD, Graph
from rdflib.namespace import Namespace

from ._sg import SG

BASE = "https://w3id.org/secongraph/"
ID = Namespace(f"{BASE}id/")
GRAPH = Namespace(f"{BASE}graph/")
VOCAB = Namespace(f"{BASE}vocab/")
SHAPES = Namespace(f"{BASE}shapes#")
SCHEMA = SDO
CV = Namespace("http://data.europa.eu/m8g/")
LOCN = Namespace("http://www.w3.org/ns/locn#")
NUTS = Namespace("http://data.europa.eu/nuts/code/")

_G = TypeVar("_G", bound=Graph)

_STANDARD = {
    "rdf": RDF, "rdfs": RDFS, "owl": OWL, "xsd": XSD, "skos": SKOS, "dcterms": DCTERMS,
    "dcat": DCAT, "void": VOID, "prov": PROV, "org": ORG, "foaf": FOAF, "schema": SCHEMA, "sh": SH,
}  # fmt: skip

PREFIXES: dict[str, Namespace] = {
    "sg": Namespace(str(SG)),
    "sgid": ID,
    "sggraph": GRAPH,
    "sgvocab": VOCAB,
    "sgshape": SHAPES,
    **{prefix: Namespace(str(namespace)) for prefix, namespace in _STANDARD.items()},
    "cv": CV,
    "locn": LOCN,
    "nuts": NUTS,
}
PREFIX_IRIS: dict[str, str] = {prefix: str(namespace) for prefix, namespace in PREFIXES.items()}
"""The same prefixes as text, as pyoxigraph takes them."""


def bind_prefixes(graph: _G) -> _G:
    """Bind every secongraph prefix on ``graph`` (replacing rdflib's defaults) and return it."""
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, replace=True, override=True)
    return graph


def sparql_prologue() -> str:
    """Return ``PREFIX`` lines for every secongraph prefix, for SPARQL text."""
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())
