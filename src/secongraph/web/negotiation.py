"""Content negotiation, read the same way by every page and API: the ``Accept`` header picks a
media type among those offered, ``Accept-Language`` the reader's languages."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import TypeVar

from ..queries import LANGUAGE_TAG

K = TypeVar("K")

MAX_LANGUAGES = 8
"""Languages taken from one ``Accept-Language`` header at most."""


def weighted(header: str | None) -> list[tuple[str, float]]:
    """The items of an ``Accept`` or ``Accept-Language`` header with their q-values, best first
    (equal q-values keep the header's order), in lower case; an item with a malformed q-value
    is dropped, one with ``q=0`` kept (it refuses what it names).

    Examples
    --------
    >>> weighted("fr;q=0.5, de-AT, en;q=x, el;q=0")
    [('de-at', 1.0), ('fr', 0.5), ('el', 0.0)]
    """
    items = []
    for part in (header or "").split(","):
        name, *params = (piece.strip() for piece in part.split(";"))
        quality = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = math.nan
        if name and 0 <= quality <= 1:
            items.append((name.lower(), quality))
    return sorted(items, key=lambda item: -item[1])


def best(accept: str | None, offers: Mapping[K, Sequence[str]]) -> K | None:
    """The offer an ``Accept`` header wants most: a key of ``offers`` (each with its media
    types), or ``None`` when it accepts none of them. No header means ``*/*``: the first offer.

    Each media type gets the q-value of the most specific range that names it (``text/turtle``
    before ``text/*`` before ``*/*``); on a tie the earlier offer wins.

    Examples
    --------
    >>> offers = {"html": ["text/html"], "ttl": ["text/turtle"], "jsonld": ["application/ld+json"]}
    >>> best("text/turtle;q=0.9, application/ld+json", offers)
    'jsonld'
    >>> best("text/*;q=0.5, text/html;q=0.1", offers)
    'ttl'
    >>> best("image/png", offers) is None
    True
    """
    ranges = weighted(accept or "*/*")
    chosen, chosen_quality = None, 0.0
    for key, media_types in offers.items():
        quality = max(_quality(media_type, ranges) for media_type in media_types)
        if quality > chosen_quality:
            chosen, chosen_quality = key, quality
    return chosen


def _quality(media_type: str, ranges: list[tuple[str, float]]) -> float:
    kind = media_type.split("/")[0]
    found: dict[int, float] = {}
    for name, quality in ranges:
        specificity = {media_type: 3, f"{kind}/*": 2, "*/*": 1}.get(name)
        if specificity is not None and specificity not in found:
            found[specificity] = quality
    return found[max(found)] if found else 0.0


def languages(accept_language: str | None) -> list[str]:
    """The reader's languages from an ``Accept-Language`` header, best first (at most
    :data:`MAX_LANGUAGES`); each regional tag is followed, at the end, by its language
    (``de-AT`` → also ``de``). English when none.

    Examples
    --------
    >>> languages("de-AT,en;q=0.5,el;q=0")
    ['de-at', 'en', 'de']
    """
    tags = [name for name, quality in weighted(accept_language)
            if quality > 0 and LANGUAGE_TAG.match(name)][:MAX_LANGUAGES]  # fmt: skip
    tags += [base for tag in tags if (base := tag.split("-")[0]) not in tags]
    return list(dict.fromkeys(tags)) or ["en"]
