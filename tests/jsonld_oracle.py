"""The oracle of the JSON-LD export's compaction: pyld's own algorithm."""

from __future__ import annotations

import copy
import json


def pyld_compacted(expanded: list[object], context: dict[str, object]) -> str:
    """The oracle: pyld's own compaction, written as the export writes its document."""
    from pyld import jsonld

    def refuse(url: str, options: object = None) -> None:
        raise AssertionError(f"pyld tried to load {url}")

    document = jsonld.compact(
        copy.deepcopy(expanded), {"@context": copy.deepcopy(context)}, {"documentLoader": refuse}
    )
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"
