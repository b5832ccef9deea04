"""Filters of the projections: which organisations, participations and partnerships they keep.

:class:`Filters` is what a user passes (``co_participation(store, Filters(country="BG"))``); any
field left None does not filter. :func:`resolve_filters` checks it against the graph and gives
the :class:`ResolvedFilters` the projections work with. What each field keeps:

``country``
    Organisations in this country: an ISO 3166-1 alpha-2 code, in any case (``BG``, ``bg``).
``region``
    Organisations whose territory or ``locatedIn`` region is this NUTS region or lies below it
    through ``sg:parentRegion`` (``EL65``, ``EL``).
``org_type``
    Organisations of this class or a subclass: its name, ``sg:`` name, label or IRI
    (``Municipality``, ``sg:PublicAuthority``).
``since``, ``until``
    Participations whose event overlaps the range (an event without a date takes the dates of
    the nearest event above it; events with no date at all are left out once a range is given)
    and partnerships whose project's period overlaps it: a :class:`~datetime.date` or an ISO
    ``YYYY-MM-DD`` string, either end open.
``event``
    Participations in this event or any event below it (IRI, or slug such as
    ``2023-11-13-haskovo-interregional-workshop-day-2``); shared projects are then not counted.

The first three select organisations: ties are kept between selected organisations only, and
unnamed groups are dropped.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pycountry

from ..errors import ParameterError
from ..namespaces import ID, SG
from .facts import Facts


@dataclass(frozen=True)
class Filters:
    """The filters of a projection, as given (see the module docstring for each field).

    Examples
    --------
    >>> Filters(country="BG", since="2023-01-01")
    Filters(country='BG', region=None, org_type=None, since='2023-01-01', until=None, event=None)
    """

    country: str | None = None
    region: str | None = None
    org_type: str | None = None
    since: date | str | None = None
    until: date | str | None = None
    event: str | None = None


@dataclass(frozen=True)
class ResolvedFilters:
    """:class:`Filters` checked against the graph: the country and region codes in upper case,
    the organisation class and the event as IRIs, the dates as dates."""

    country: str | None = None
    region: str | None = None
    org_type: str | None = None
    since: date | None = None
    until: date | None = None
    event: str | None = None

    def as_dict(self) -> dict[str, str]:
        """The filters that are set, as strings (for a run description or a file name)."""
        values = {
            "country": self.country,
            "region": self.region,
            "type": self.org_type,
            "since": self.since.isoformat() if self.since else None,
            "until": self.until.isoformat() if self.until else None,
            "event": self.event,
        }
        return {name: value for name, value in values.items() if value is not None}

    @property
    def selects_organisations(self) -> bool:
        return any((self.country, self.region, self.org_type))


def resolve_filters(facts: Facts, filters: Filters | None) -> ResolvedFilters:
    """Check ``filters`` (None: no filters) against the graph of ``facts``.

    Raises
    ------
    ParameterError
        ``filters`` is not a :class:`Filters`, or a field is unknown or malformed (the message
        names the field, such as ``country='XX'``), or ``since`` is after ``until``.
    """
    if filters is None:
        return ResolvedFilters()
    if not isinstance(filters, Filters):
        raise ParameterError(
            f"filters={filters!r}: not a Filters; give Filters(country=..., since=..., ...)."
        )
    country, region = filters.country, filters.region
    if country is not None and pycountry.countries.get(alpha_2=country.upper()) is None:
        raise ParameterError(
            f"country={country!r}: not an ISO 3166-1 alpha-2 country code, such as BG."
        )
    if region is not None and region.upper() not in {r.code for r in facts.regions.values()}:
        raise ParameterError(
            f"region={region!r}: no NUTS region with this code in the graph, such as BG422."
        )
    start, end = _day("since", filters.since), _day("until", filters.until)
    if start and end and start > end:
        raise ParameterError(f"since={start} is after until={end}.")
    org_type, event = filters.org_type, filters.event
    return ResolvedFilters(
        country=country.upper() if country else None,
        region=region.upper() if region else None,
        org_type=_organisation_class(facts, org_type) if org_type is not None else None,
        since=start,
        until=end,
        event=_event_iri(facts, event) if event is not None else None,
    )


def _day(field: str, value: date | str | None) -> date | None:
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ParameterError(f"{field}={value!r}: not a date; give YYYY-MM-DD.") from None


def _organisation_class(facts: Facts, value: str) -> str:
    classes = facts.descendants(str(SG.Organisation))
    wanted = value.removeprefix("sg:").strip().lower()
    for cls in sorted(classes):
        names = {cls.lower(), cls.rsplit("#", 1)[-1].lower(), facts.label(cls).lower()}
        if wanted in names or value.lower() in names:
            return cls
    choices = ", ".join(sorted(c.rsplit("#", 1)[-1] for c in classes))
    raise ParameterError(f"org_type={value!r}: not an organisation type; choose one of {choices}.")


def _event_iri(facts: Facts, value: str) -> str:
    iri = value if "://" in value else str(ID[f"event/{value}"])
    if not facts.types.get(iri, set()) & facts.descendants(str(SG.Event)):
        raise ParameterError(f"event={value!r}: no such event in the graph.")
    return iri


def overlaps(period: tuple[date, date] | None, flt: ResolvedFilters) -> bool:
    if not (flt.since or flt.until):
        return True
    if period is None:
        return False
    return (flt.since is None or period[1] >= flt.since) and (
        flt.until is None or period[0] <= flt.until
    )
