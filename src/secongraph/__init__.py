"""secongraph: the SECON stakeholder knowledge graph.

An OWL ontology with SHACL shapes, curated data with provenance, a library of named SPARQL
questions, collaboration networks and maps, and exports.
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
