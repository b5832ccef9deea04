"""Tests for ontology/shapes.ttl: they accept data/ and reject one broken example per constraint.

``tests/data/shapes/valid/minimal.ttl`` is a small synthetic graph that conforms and gives every
node shape a focus node. Each file in ``tests/data/shapes/invalid/`` is that graph with one thing
broken, and names in its first lines the one violation it must cause::

    # expect-shape: sgshape:EventShape
    # expect-focus: https://example.org/secongraph-test/event/workshop
    # expect-path: sg:startDate
    # expect-component: sh:LessThanOrEqualsConstraintComponent

``expect-shape`` is the node shape, or the named property shape (``sgshape:Sourced``) that holds
the constraint; ``expect-path`` is ``none`` for a constraint of the node shape itself (``sh:or``).
"""

from __future__ import annotations

import re
from functools import cache
from itertools import takewhile
from pathlib import Path
from typing import NamedTuple

import pytest
from rdflib import RDF, RDFS, SH, BNode, Graph, Node, URIRef

from secongraph.namespaces import bind_prefixes
from secongraph.paths import ontology_files, shapes_file
from secongraph.store import data_files
from secongraph.validate import validate

ROOT = Path(__file__).resolve().parents[1]
SHAPES_DATA = Path(__file__).parent / "data" / "shapes"
MINIMAL = SHAPES_DATA / "valid" / "minimal.ttl"
INVALID = sorted((SHAPES_DATA / "invalid").glob("*.ttl"))
NAMES = bind_prefixes(Graph()).namespace_manager
EXPECT = re.compile(r"^# expect-(shape|focus|path|component): (\S+)$")

NOT_CONSTRAINTS = frozenset(
    {
        RDF.type,
        SH.path,
        SH.targetClass,
        SH.property,
        SH.message,
        SH.name,
        SH.description,
        SH.severity,
        SH.order,
        SH.group,
        SH.deactivated,
        SH.flags,  # a parameter of sh:pattern
        SH.qualifiedValueShape,  # a parameter of sh:qualifiedMinCount and sh:qualifiedMaxCount
        SH.qualifiedValueShapesDisjoint,
    }
)
"""Predicates of a shape that are no constraint of their own: they name, target or qualify one."""


class Constraint(NamedTuple):
    """One constraint of shapes.ttl, written with the project's prefixes."""

    shape: str
    """The node shape (``sgshape:EventShape``) or named property shape (``sgshape:Sourced``)."""
    path: str | None
    """The property (``sg:startDate``); None for a constraint of the node shape itself."""
    component: str
    """The SHACL constraint component (``sh:MinCountConstraintComponent``)."""


NOT_INDEPENDENT: dict[Constraint, str] = {}
"""Constraints no example can break alone (breaking them always breaks another), with the reason.

Empty: every constraint of shapes.ttl can be violated on its own. A constraint that another implies,
such as ``sh:minCount 1`` next to ``sh:qualifiedMinCount 1``, would belong here; better, leave it
out of shapes.ttl, as it only doubles the finding.
"""


def short(node: Node) -> str:
    """``node`` as the findings write it: a prefixed name where a project prefix fits."""
    return node.n3(NAMES)


@cache
def shapes_graph() -> Graph:
    return Graph().parse(shapes_file())


def component_of(parameter: Node) -> str:
    """The constraint component of a parameter: sh:minCount → sh:MinCountConstraintComponent."""
    name = str(parameter).removeprefix(str(SH))
    try:
        return short(getattr(SH, f"{name[:1].upper()}{name[1:]}ConstraintComponent"))
    except AttributeError:
        pytest.fail(f"shapes.ttl: {short(parameter)} is no SHACL core constraint parameter")


def constraints_of(shape: Node, owner: Node, path: Node | None) -> set[Constraint]:
    graph = shapes_graph()
    return {
        Constraint(short(owner), short(path) if path is not None else None, component_of(p))
        for p in set(graph.predicates(shape))
        if p not in NOT_CONSTRAINTS
    }


def declared_constraints() -> set[Constraint]:
    """Every constraint of shapes.ttl: those of each node shape and of each of its properties."""
    graph = shapes_graph()
    found: set[Constraint] = set()
    for node_shape in set(graph.subjects(RDF.type, SH.NodeShape)):
        found |= constraints_of(node_shape, node_shape, None)
        for prop in graph.objects(node_shape, SH.property):
            owner = prop if isinstance(prop, URIRef) else node_shape
            found |= constraints_of(prop, owner, graph.value(prop, SH.path))
    return found


def description(graph: Graph, shape: Node) -> frozenset[tuple[Node, Node]]:
    """The statements about ``shape`` whose object is not a blank node."""
    return frozenset((p, o) for p, o in graph.predicate_objects(shape) if not isinstance(o, BNode))


def owners_of(results: Graph, source: Node) -> set[str]:
    """The shapes that may hold ``source``, the sh:sourceShape of a result.

    A named shape is itself. pySHACL copies an inline (blank node) property shape into the results
    graph, so it is matched by its description against the inline property shapes of shapes.ttl.
    """
    if isinstance(source, URIRef):
        return {short(source)}
    graph = shapes_graph()
    wanted = description(results, source)
    return {
        short(node_shape)
        for node_shape, prop in graph.subject_objects(SH.property)
        if isinstance(prop, BNode) and description(graph, prop) == wanted
    }


@cache
def ontology() -> Graph:
    graph = Graph()
    for path in ontology_files():
        graph.parse(path)
    return graph


def targets(shape: str, focus: URIRef, data: Graph) -> bool:
    """Whether ``shape``, or for a named property shape a node shape using it, targets ``focus``."""
    graph = shapes_graph()
    node = NAMES.expand_curie(shape)
    node_shapes = (
        {node}
        if (node, RDF.type, SH.NodeShape) in graph
        else set(graph.subjects(SH.property, node))
    )
    classes = {
        cls
        for direct in data.objects(focus, RDF.type)
        for cls in ontology().transitive_objects(direct, RDFS.subClassOf)
    }
    return any(cls in classes for ns in node_shapes for cls in graph.objects(ns, SH.targetClass))


def expectation(path: Path) -> tuple[URIRef, Constraint]:
    """The focus node and the constraint that the ``# expect-…`` comments atop ``path`` name."""
    lines = path.read_text(encoding="utf-8").splitlines()
    found = dict(
        match.groups()
        for match in map(EXPECT.match, takewhile(lambda line: line.startswith("#"), lines))
        if match
    )
    assert found.keys() == {"shape", "focus", "path", "component"}, f"{path}: expect-… comments"
    path_name = None if found["path"] == "none" else found["path"]
    return URIRef(found["focus"]), Constraint(found["shape"], path_name, found["component"])


def test_data_conforms() -> None:
    report = validate(data_files(ROOT / "data"))
    assert [str(finding) for finding in report.findings] == []
    assert report.conforms


def test_minimal_example_conforms() -> None:
    report = validate([MINIMAL])
    assert [str(finding) for finding in report.findings] == []
    assert report.conforms


@pytest.mark.parametrize("path", INVALID, ids=lambda path: path.stem)
def test_invalid_example_has_exactly_the_expected_violation(path: Path) -> None:
    focus, expected = expectation(path)
    assert expected in declared_constraints(), f"{path.name} expects no constraint of shapes.ttl"
    report = validate([path])
    assert len(report.findings) == 1, [str(finding) for finding in report.findings]
    assert not report.conforms
    (finding,) = report.findings
    assert finding.file == str(path)
    assert finding.focus == short(focus)
    assert finding.path == expected.path
    assert finding.severity == "sh:Violation"
    results = report.results_graph
    assert results is not None
    (result,) = results.subjects(RDF.type, SH.ValidationResult)
    component = results.value(result, SH.sourceConstraintComponent)
    assert component is not None and short(component) == expected.component
    assert targets(expected.shape, focus, Graph().parse(path))
    source = results.value(result, SH.sourceShape)
    assert source is not None and expected.shape in owners_of(results, source)


def test_every_constraint_has_an_invalid_example() -> None:
    covered = {expectation(path)[1] for path in INVALID}
    declared = declared_constraints()
    stale = sorted(NOT_INDEPENDENT.keys() - declared, key=str)
    assert not stale, f"NOT_INDEPENDENT names constraints shapes.ttl does not have: {stale}"
    missing = sorted(declared - covered - NOT_INDEPENDENT.keys(), key=str)
    assert not missing, "no example in tests/data/shapes/invalid/ breaks:\n" + "\n".join(
        " ".join(part or "(node)" for part in constraint) for constraint in missing
    )
