"""Daily wall-clock times in IANA time zones: reading what a teacher typed, and the next moment
a schedule falls due, in UTC.

A local time is kept as wall time and zone, never as a UTC offset, so that a post at 08:00 stays
at 08:00 across daylight-saving changes. A time that does not exist on a day (the clocks jump
over it) moves forward to the first minute that does; a time that happens twice (the clocks go
back) takes its first occurrence. Nothing here adds 24 hours.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

from bot.core.zones import WhenError, closest_zones, parse_zone

__all__ = ["WhenError", "closest_zones", "parse_zone"]  # one module for times and zones

_TIME = re.compile(
    r"(?P<hour>\d{1,2})(?:[:.h](?P<minute>\d{2}))?\s*(?P<half>am|pm|a\.m\.|p\.m\.)?",
    re.IGNORECASE,
)
# The clocks never jump by more than a day (Samoa skipped 30 December 2011 whole).
_LONGEST_GAP_MINUTES = 24 * 60 + 1


def parse_time(text: str) -> time:
    """'08:00', '8:05', '17.30', '7pm', '7:30 am' -> a wall time (minutes, no seconds)."""
    match = _TIME.fullmatch(text.strip())
    if match is None:
        raise WhenError(f"“{text}” is not a time: write it as HH:MM, e.g. 08:00 or 17:30.")
    hour = int(match["hour"])
    minute = int(match["minute"] or 0)
    half = (match["half"] or "").replace(".", "").casefold()
    if half:
        if not 1 <= hour <= 12:
            raise WhenError(f"“{text}”: with am/pm the hour goes from 1 to 12.")
        hour = hour % 12 + (12 if half == "pm" else 0)
    elif match["minute"] is None:
        raise WhenError(f"“{text}” is not a time: write it as HH:MM, e.g. {hour:02d}:00.")
    if hour > 23:
        raise WhenError(f"“{text}”: hours go from 00 to 23.")
    if minute > 59:
        raise WhenError(f"“{text}”: minutes go from 00 to 59.")
    return time(hour, minute)


@cache
def zone_info(name: str) -> ZoneInfo:
    """ZoneInfo keeps only the 8 zones used last; a bot serving classes in many zones would
    read the zone files again and again (over half the cost of computing next runs)."""
    return ZoneInfo(name)


def _exists(local: datetime) -> bool:
    """Whether a zoned wall time really happens (round-trips through UTC unchanged)."""
    if local.utcoffset() == local.replace(fold=1).utcoffset():
        return True  # the usual case: no change of offset at this wall time
    back = local.astimezone(UTC).astimezone(local.tzinfo)
    return back.replace(tzinfo=None) == local.replace(tzinfo=None)


def occurrence(day: date, at: time, zone: str) -> datetime:
    """When wall time `at` happens on `day` in `zone`, in UTC (DST rules in the module doc)."""
    tz = zone_info(zone)
    local = datetime.combine(day, at, tzinfo=tz)  # fold=0: the first of an ambiguous pair
    if not _exists(local):
        for _ in range(_LONGEST_GAP_MINUTES):
            local += timedelta(minutes=1)  # wall-clock arithmetic: the next wall minute
            if _exists(local):
                break
    return local.astimezone(UTC)


@dataclass(frozen=True, slots=True)
class Occurrence:
    """One time a schedule falls due: the instant, and the local day it belongs to."""

    at: datetime  # UTC
    day: date  # the local date, the key of the post log


def next_after(after: datetime, at: time, zone: str) -> Occurrence:
    """The first occurrence of wall time `at` in `zone` strictly after `after` (aware)."""
    day = after.astimezone(zone_info(zone)).date() - timedelta(days=1)
    while True:
        moment = occurrence(day, at, zone)
        if moment > after:
            return Occurrence(moment, day)
        day += timedelta(days=1)


def local_day(moment: datetime, zone: str) -> date:
    return moment.astimezone(zone_info(zone)).date()


def shown_local(moment: datetime, zone: str) -> str:
    """'Tue 3 Mar, 08:00 Europe/Oslo (07:00 UTC)'."""
    local = moment.astimezone(zone_info(zone))
    utc = moment.astimezone(UTC)
    where = "" if zone == "UTC" else f" ({utc:%H:%M} UTC)"
    return f"{local:%a} {local.day} {local:%b}, {local:%H:%M} {zone}{where}"
