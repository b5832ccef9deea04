"""The ontology documentation page: every class documented, nothing loaded from elsewhere."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner
from rdflib import OWL, RDF, RDFS, Graph

from secongraph.cli import cli
from secongraph.paths import ontology_files


def test_docs_documents_every_class_in_a_self_contained_page(tmp_path: Path) -> None:
    output = tmp_path / "ontology.html"
    result = CliRunner().invoke(cli, ["docs", "--output", str(output)], catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    html = output.read_text(encoding="utf-8")
    ontology = Graph().parse(ontology_files()[0])
    for cls in ontology.subjects(RDF.type, OWL.Class):
        if str(cls).startswith("https://w3id.org/secongraph/"):
            label = ontology.value(cls, RDFS.label)
            assert str(label) in html, cls
    assert not re.search(r"<(script|link|img)[^>]+(src|href)=\"https?://", html)
