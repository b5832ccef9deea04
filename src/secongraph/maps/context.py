"""What a map tells about its data: the caption (which data, as of when) and the titles of the
source documents its nodes and ties cite, read from the store."""

from __future__ import annotations

import os

from rdflib import Literal

from ..namespaces import sparql_prologue
from ..network.rdf import COMPUTED
from ..store import Store

_TITLES = (
    sparql_prologue()
    + """
SELECT ?document ?title WHERE { ?document a sg:SourceDocument ; dcterms:title ?title }
"""
)
_NEWEST = (
    sparql_prologue()
    + """
SELECT (MAX(STR(?created)) AS ?newest) WHERE {
  ?graph a sg:SourceGraph ; dcterms:created ?created
  FILTER NOT EXISTS { ?graph sg:method <"""
    + COMPUTED
    + """> } }
"""
)  # what was computed from the data, such as the metrics, is not a fact recorded


def source_titles(store: Store) -> dict[str, str]:
    """Return the title of each source document: its English title, else any (the first by
    language tag)."""
    found: dict[str, dict[str, str]] = {}
    for row in store.select(_TITLES).rows:
        title = row["title"]
        lang = (title.language or "") if isinstance(title, Literal) else ""
        found.setdefault(str(row["document"]), {})[lang] = str(title)
    return {iri: titles.get("en") or titles[min(titles)] for iri, titles in found.items()}


def data_caption(store: Store) -> str:
    """Return the caption naming the map's data: the folder of its files (name only), how many
    files and statements, and the newest date its source graphs were recorded (``dcterms:created``;
    a computed graph, such as the metrics, records when it was computed, not a fact).

    Examples
    --------
    >>> data_caption(Store())
    'Data: 0 statements.'
    """
    files = [f.path for f in store.files if f.path is not None and not f.is_ontology]
    parts = []
    if files:
        folder = os.path.commonpath([p.resolve().parent for p in files])
        parts.append(f"folder “{os.path.basename(folder)}”, {len(files):,} files")
    parts.append(f"{len(store):,} statements")
    rows = store.select(_NEWEST).rows
    newest = rows[0].get("newest") if rows else None
    caption = "Data: " + ", ".join(parts)
    return caption + (f"; newest facts recorded {newest}." if newest else ".")
