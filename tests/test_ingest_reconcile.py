"""Reconciliation: names matched to the SECON graph's entities, in any language, or minted anew."""

from __future__ import annotations

import pytest
from rdflib import RDFS, SKOS, Graph, Literal, URIRef

from secongraph.errors import ParameterError
from secongraph.ingest.reconcile import Reconciler, mint_iri, normalise, slugify
from secongraph.namespaces import ID, SG
from secongraph.store import Store

HASKOVO = URIRef(ID["organisation/municipality-of-haskovo"])
PELOPONNESE = URIRef(ID["organisation/region-of-peloponnese"])
MCPS = URIRef(ID["organisation/mazovian-centre-for-social-policy"])


@pytest.fixture(scope="module")
def reconciler(secon_store: Store) -> Reconciler:
    return Reconciler.from_store(secon_store)


def _labels(graph: Graph, entity: URIRef) -> set[str]:
    return {str(o) for p in (RDFS.label, SKOS.altLabel) for o in graph.objects(entity, p)}


def test_every_label_of_an_organisation_finds_it_exactly(
    reconciler: Reconciler, secon_graph: Graph
) -> None:
    for entity in (HASKOVO, PELOPONNESE, MCPS):
        labels = _labels(secon_graph, entity)
        assert labels
        for label in labels:
            match = reconciler.match(label, classes=[SG.Organisation])
            assert match.entity == entity, (label, match)
            assert match.best is not None
            assert (match.best.method, match.best.score) == ("exact", 100.0)


def test_case_accents_and_script_do_not_matter(reconciler: Reconciler) -> None:
    match = reconciler.match("OBSHTINA HASKOVO", classes=[SG.Organisation])
    assert match.entity == HASKOVO
    assert match.best is not None and match.best.method == "normalised"
    assert match.best.label == "Община Хасково"
    greek = reconciler.match("Perifereia Peloponnisou", classes=[SG.Organisation])
    assert greek.entity == PELOPONNESE
    polish = reconciler.match("mazowieckie centrum polityki spolecznej")
    assert polish.entity == MCPS


def test_legal_forms_of_each_language_are_ignored() -> None:
    forms = {
        "Sozialwerk Heidelberg gGmbH": "sozialwerk heidelberg",
        "Tafel Rhein-Neckar e.V.": "tafel rhein neckar",
        "Cooperativa Ejemplo S.A.": "cooperativa ejemplo",
        "Przykład Sp. z o.o.": "przyklad",
        "Пример ЕООД": "primer",
        "De Kringwinkel vzw": "de kringwinkel",
        "Κοινωνική Ι.Κ.Ε.": "koinoniki",
        "Példa Nonprofit Kft.": "pelda",
        "SIA Piemērs": "piemers",
    }
    assert {name: normalise(name) for name in forms} == forms


def test_a_misspelt_name_matches_fuzzily_with_its_score_and_label(reconciler: Reconciler) -> None:
    match = reconciler.match("Municipality Haskovo", classes=[SG.Organisation])
    assert match.entity == HASKOVO
    best = match.best
    assert best is not None and best.method == "fuzzy"
    assert 88 <= best.score < 100
    assert best.label == "Municipality of Haskovo"


def test_an_unknown_name_is_new_and_a_short_one_is_never_fuzzy(reconciler: Reconciler) -> None:
    assert reconciler.match("Association of Nowhere in Particular").describe() == "new"
    assert reconciler.match("KMOQ").entity is None  # one letter from the acronym KMOP


def test_an_ambiguous_name_names_its_candidates_and_chooses_none() -> None:
    first, second = URIRef("https://example.org/a"), URIRef("https://example.org/b")
    reconciler = Reconciler()
    reconciler.add(first, ["Social Economy Centre"], [SG.NGO])
    reconciler.add(second, ["Social Economy Centre"], [SG.PublicAgency])
    match = reconciler.match("social economy centre")
    assert match.ambiguous and match.entity is None
    assert {c.entity for c in match.candidates} == {first, second}
    assert match.describe().startswith("ambiguous: ")
    reconciler.superclasses = {SG.NGO: frozenset({SG.NGO, SG.Organisation})}
    assert reconciler.match("Social Economy Centre", classes=[SG.NGO]).entity == first


def test_types_narrow_the_candidates(reconciler: Reconciler) -> None:
    assert reconciler.match("Haskovo", classes=[SG.Place]).entity == URIRef(ID["place/haskovo"])
    assert reconciler.match("BG422", classes=[SG.NutsRegion]).entity == URIRef(ID["region/bg422"])
    assert reconciler.match("BG", classes=[SG.Country]).entity == URIRef(ID["country/bg"])
    assert reconciler.match("Haskovo", classes=[SG.Country]).entity is None


def test_new_identifiers_are_stable_ascii_slugs_that_never_collide() -> None:
    assert slugify("Сдружение „Пример“ – Хасково") == "sdruzhenie-primer-haskovo"
    assert slugify("Κέντρο Κοινωνικής Ευρωπαϊκής") == "kentro-koinonikis-evropaikis"
    first = mint_iri("organisation", "Café Solidário")
    assert str(first).endswith("/organisation/cafe-solidario")
    again = mint_iri("organisation", "Café Solidário")
    assert again == first
    taken = {str(first)}
    assert str(mint_iri("organisation", "Cafe Solidario", taken=taken)).endswith("-2")
    with pytest.raises(ParameterError, match="kind"):
        mint_iri("Organisation!", "x")


def test_the_threshold_is_checked() -> None:
    with pytest.raises(ParameterError, match="threshold 120"):
        Reconciler(threshold=120)


def test_literals_keep_their_language_for_matching() -> None:
    reconciler = Reconciler()
    reconciler.add(URIRef("https://example.org/x"), [str(Literal("Gemeinde Haskovo", lang="de"))])
    assert reconciler.match("gemeinde  haskovo").entity == URIRef("https://example.org/x")
