"""The question library's parameters, and values to try for each, taken from the graph (enumerated
values, instances of the default's class, values of the default's property or datatype, values of
the question's own answer), never from a list written in a test."""

from __future__ import annotations

import rdflib
from rdflib import RDF

from secongraph.queries import Parameter, load_queries
from secongraph.results import QueryResult

QUERIES = load_queries()
PARAMETERS = [(name, p.name) for name, q in sorted(QUERIES.items()) for p in q.parameters]
"""Every (question, parameter) pair of the library."""


def candidates(parameter: Parameter, graph: rdflib.Graph, answer: QueryResult) -> list[str]:
    """Values to try for ``parameter``: its enumerated values; else its default, then the other
    instances of its default's classes (an IRI), the other values of its default's property (a
    literal) or the values of its datatype, and the values of the question's column of the same
    name; those that occur in the question's answer first."""
    if parameter.allowed:
        return list(parameter.allowed)
    seen = {str(term) for row in answer.rows for term in row.values() if term is not None}
    found = [str(row[parameter.name]) for row in answer.rows if row.get(parameter.name)]
    if parameter.default is not None and parameter.kind == "iri":
        default = rdflib.URIRef(parameter.default)
        for cls in graph.objects(default, RDF.type):
            found += [str(s) for s in graph.subjects(RDF.type, cls)]
    elif parameter.default is not None and parameter.kind == "literal":
        for predicate in set(graph.predicates(None, rdflib.Literal(parameter.default))):
            found += [str(o) for o in graph.objects(None, predicate)]
    elif parameter.kind.startswith("xsd:"):
        datatype = rdflib.XSD[parameter.kind.removeprefix("xsd:")]
        found += [str(o) for o in graph.objects() if getattr(o, "datatype", None) == datatype]
    others = sorted(set(found) - {parameter.default}, key=lambda value: (value not in seen, value))
    return [parameter.default, *others] if parameter.default is not None else others
