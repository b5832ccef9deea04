"""Precision and recall of ``secongraph import text`` on the gold set, per language and kind of fact.

The gold set is ``tests/data/extraction/``: each text beside a hand-made annotation (YAML) of every
organisation, place where the event is held, date and event kind it states (see its README). The
extractor runs on each text against the graph built from ``data/``; what it drafted is compared
with the annotation:

- **organisations**: the participants and partners the draft names. A known one counts when its
  IRI is the annotated one; a new one when its name, normalised (case, accents, punctuation,
  legal forms), is the annotated name or one of its aliases (or a fuzzy match of 90 or more);
- **places**: the event's ``sg:location``, by IRI or, for a new place, by name as above;
- **dates**: the ISO dates of ``sg:startDate`` and ``sg:endDate`` of the event and its days;
- **event kinds**: the event-type concepts of the event and its visits.

Not part of the test suite (tests/test_ingest_text.py checks a floor). Usage:
``python benchmarks/extraction.py [--gold tests/data/extraction] [--data data]``
"""

from __future__ import annotations

import argparse
import time
from collections import defaultdict
from pathlib import Path

import yaml
from rapidfuzz import fuzz
from rdflib import URIRef

from secongraph.ingest.lexicon import Lexicon
from secongraph.ingest.read import read_text
from secongraph.ingest.reconcile import Reconciler, normalise
from secongraph.ingest.text import Extraction, extract
from secongraph.store import build_store

ROOT = Path(__file__).resolve().parents[1]
KINDS = ("organisations", "places", "dates", "event kinds")
NAME_SCORE = 90


def gold_files(folder: Path) -> list[tuple[Path, Path]]:
    """Each text of the gold set with its annotation."""
    pairs = []
    for annotation in sorted(folder.glob("*.yaml")):
        texts = [p for p in folder.glob(f"{annotation.stem}.*") if p.suffix not in {".yaml"}]
        if texts:
            pairs.append((texts[0], annotation))
    return pairs


def _same_name(label: str, names: list[str]) -> bool:
    key = normalise(label)
    return any(
        key == normalise(name) or fuzz.ratio(key, normalise(name)) >= NAME_SCORE for name in names
    )


def score(extraction: Extraction, gold: dict) -> dict[str, tuple[int, int, int]]:
    """(true positives, drafted, annotated) per kind of fact."""
    found = extraction.kinds()
    result: dict[str, tuple[int, int, int]] = {}
    for kind in ("organisations", "places"):
        annotated = list(gold.get(kind) or [])
        unmatched = list(annotated)
        hits = 0
        for iri in sorted(found[kind]):
            label = extraction.labels.get(URIRef(iri), "")
            for entry in unmatched:
                names = [entry["name"], *entry.get("aliases", [])]
                if entry.get("iri") == iri or (
                    "iri" not in entry
                    and URIRef(iri) in extraction.new
                    and _same_name(label, names)
                ):
                    unmatched.remove(entry)
                    hits += 1
                    break
        result[kind] = (hits, len(found[kind]), len(annotated))
    for kind in ("dates", "event kinds"):
        annotated_set = {str(value) for value in gold.get(kind) or []}
        result[kind] = (len(found[kind] & annotated_set), len(found[kind]), len(annotated_set))
    return result


def _ratio(numerator: int, denominator: int) -> str:
    return f"{numerator / denominator:.2f}" if denominator else "–"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--gold", type=Path, default=ROOT / "tests" / "data" / "extraction")
    parser.add_argument("--data", type=Path, default=ROOT / "data")
    args = parser.parse_args()
    store = build_store(args.data)
    lexicon = Lexicon.from_store(store)
    reconciler = Reconciler.from_store(store)
    by_language: dict[str, dict[str, list[int]]] = defaultdict(
        lambda: defaultdict(lambda: [0, 0, 0])
    )
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    started = time.perf_counter()
    pairs = gold_files(args.gold)
    for text, annotation in pairs:
        gold = yaml.safe_load(annotation.read_text(encoding="utf-8"))
        extraction = extract(read_text(text), store=store, lexicon=lexicon, reconciler=reconciler)
        detected = (
            "" if extraction.language == gold["language"] else f" (detected {extraction.language})"
        )
        for kind, counts in score(extraction, gold).items():
            for index, value in enumerate(counts):
                by_language[gold["language"] + detected][kind][index] += value
                totals[kind][index] += value
    elapsed = time.perf_counter() - started
    header = "| language | " + " | ".join(f"{k} P | {k} R" for k in KINDS) + " |"
    print(header)
    print("|" + "---|" * (1 + 2 * len(KINDS)))
    for language in sorted(by_language):
        cells = []
        for kind in KINDS:
            tp, drafted, annotated = by_language[language][kind]
            cells += [_ratio(tp, drafted), _ratio(tp, annotated)]
        print(f"| {language} | " + " | ".join(cells) + " |")
    cells = []
    for kind in KINDS:
        tp, drafted, annotated = totals[kind]
        cells += [_ratio(tp, drafted), _ratio(tp, annotated)]
    print("| **all** | " + " | ".join(cells) + " |")
    print()
    for kind in KINDS:
        tp, drafted, annotated = totals[kind]
        print(f"{kind}: {tp} right of {drafted} drafted, {annotated} annotated")
    print(f"{len(pairs)} texts in {elapsed:.1f} s")


if __name__ == "__main__":
    main()
