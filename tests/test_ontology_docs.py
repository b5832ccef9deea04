"""The ontology documentation page: every class documented, nothing loaded from elsewhere, one
language (its ``lang`` and title), and axe's WCAG 2.1 AA rules passed in Chromium."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from axe import assert_accessible
from click.testing import CliRunner
from rdflib import DCTERMS, OWL, RDF, RDFS, Graph

from secongraph.cli import cli
from secongraph.errors import ParameterError
from secongraph.ontology_docs import ontology_html, write_ontology_docs
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


def _labels(lang: str) -> dict[str, str]:
    """Each secongraph term's rdfs:label in ``lang``, read from the ontology with rdflib."""
    ontology = Graph().parse(ontology_files()[0])
    return {
        str(s): str(o)
        for s, o in ontology.subject_objects(RDFS.label)
        if str(s).startswith("https://w3id.org/secongraph/ontology#") and o.language == lang
    }


def test_labels_no_longer_run_together_and_the_page_is_in_the_readers_language() -> None:
    english, german = _labels("en"), _labels("de")
    both = english.keys() & german.keys()
    assert both  # the ontology labels terms in English and German
    for lang, labels in (("en", english), ("de", german)):
        html = ontology_html(lang)
        assert re.search(rf'<html lang="{lang}">', html)
        headings = set(re.findall(r"<h3>([^<\n]+)", html))
        for term in both:
            assert english[term] + german[term] not in html, term
            assert german[term] + english[term] not in html, term
            assert labels[term] in headings, term
    ontology = Graph().parse(ontology_files()[0])
    iri = next(ontology.subjects(RDF.type, OWL.Ontology))
    title = next(t for t in ontology.objects(iri, DCTERMS.title) if t.language == "en")
    german_label = next(t for t in ontology.objects(iri, RDFS.label) if t.language == "de")
    assert f"<title>{title}</title>" in ontology_html("en")
    assert f"<title>{german_label}</title>" in ontology_html("de")


def test_a_language_that_is_no_tag_is_refused() -> None:
    with pytest.raises(ParameterError, match='lang "en<script>"'):
        ontology_html("en<script>")


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["en", "de"])
def test_the_page_passes_axe_in_chromium(browser: Any, tmp_path: Path, lang: str) -> None:
    path = write_ontology_docs(tmp_path / "ontology.html", lang=lang)
    page = browser.new_page()
    try:
        page.goto(path.as_uri())
        assert page.evaluate("document.documentElement.lang") == lang
        assert_accessible(page)
    finally:
        page.close()
