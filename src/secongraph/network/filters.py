"""Filters of the projections: country, region, organisation type, date range and event."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date

import pycountry

from ..errors import ParameterError
from ..namespaces import ID, SG
from .facts import Facts

logger = logging.getLogger(__name__)


# --------------------------------------------------------------------------------------------
# Filters
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    """Checked filter values (see the module docstring for what each one keeps)."""

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


def parse_filters(
    facts: Facts,
    *,
    country: str | None,
    region: str | None,
    org_type: str | None,
    since: date | str | None,
    until: date | str | None,
    event: str | None,
) -> Filters:
    if country is not None and pycountry.countries.get(alpha_2=country.upper()) is None:
        raise ParameterError(
            f"country={country!r}: not an ISO 3166-1 alpha-2 country code, such as BG."
        )
    if region is not None and region.upper() not in {r.code for r in facts.regions.values()}:
        raise ParameterError(
            f"region={region!r}: no NUTS region with this code in the graph, such as BG422."
        )
    start, end = _day("since", since), _day("until", until)
    if start and end and start > end:
        raise ParameterError(f"since={start} is after until={end}.")
    return Filters(
        country=country.upper() if country else None,
        region=region.upper() if region else None,
        org_type=_organisation_class(facts, org_type) if org_type is not None else None,
        since=start,
        until=end,
        event=_event_iri(facts, event) if event is not None else None,
    )


def _day(option: str, value: date | str | None) -> date | None:
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ParameterError(f"{option}={value!r}: not a date; give YYYY-MM-DD.") from None


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


def overlaps(period: tuple[date, date] | None, flt: Filters) -> bool:
    if not (flt.since or flt.until):
        return True
    if period is None:
        return False
    return (flt.since is None or period[1] >= flt.since) and (
        flt.until is None or period[0] <= flt.until
    )
