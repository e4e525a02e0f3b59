"""IANA time-zone names: finding the one a teacher meant, and the closest ones to a misspelling
(for a "did you mean" and for autocomplete)."""

from __future__ import annotations

from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from rapidfuzz import fuzz, process


class WhenError(ValueError):
    """What is wrong with a time or a zone, in words a teacher can act on."""


@cache
def _zones() -> dict[str, str]:
    """Every IANA zone name, by its casefolded form."""
    return {name.casefold(): name for name in available_timezones() if "/" in name or name == "UTC"}


@cache
def _cities() -> dict[str, list[str]]:
    """Zones by their last part ('oslo' -> ['Europe/Oslo'], 'new york' -> ['America/New_York'])."""
    found: dict[str, list[str]] = {}
    for name in _zones().values():
        city = name.rsplit("/", 1)[-1].replace("_", " ").casefold()
        found.setdefault(city, []).append(name)
    return found


def closest_zones(text: str, limit: int = 3) -> list[str]:
    """The zone names nearest to a misspelt one, best first."""
    wanted = text.strip().replace(" ", "_").casefold()
    names = _zones()
    found = process.extract(wanted, list(names), scorer=fuzz.WRatio, limit=limit * 3)
    # Ties are frequent (every "Europe/..." shares a prefix): plain similarity breaks them.
    ranked = sorted(found, key=lambda m: (-m[1], -fuzz.ratio(wanted, m[0]), m[0]))
    return [names[m[0]] for m in ranked[:limit] if m[1] >= 60]


def parse_zone(text: str) -> str:
    """The IANA name a teacher meant: exact in any case ('europe/oslo'), or a city alone
    ('Oslo', 'New York'); anything else is refused with the closest names."""
    wanted = text.strip()
    if not wanted:
        raise WhenError("Name a time zone, e.g. Europe/Oslo.")
    names = _zones()
    exact = names.get(wanted.replace(" ", "_").casefold())
    if exact is None and wanted.casefold() in {"utc", "gmt", "z"}:
        exact = "UTC"
    if exact is None:
        cities = _cities().get(wanted.replace("_", " ").casefold(), [])
        if len(cities) == 1:
            exact = cities[0]
    if exact is not None:
        try:
            ZoneInfo(exact)
        except ZoneInfoNotFoundError:  # listed but not loadable: treat as unknown
            exact = None
    if exact is not None:
        return exact
    guesses = closest_zones(wanted)
    hint = f" Did you mean {' or '.join(guesses)}?" if guesses else ""
    raise WhenError(
        f"“{wanted}” is not a time zone I know.{hint} Time zones are IANA names such as "
        "Europe/Oslo, America/New_York or Asia/Kolkata."
    )
