"""Suggestions while a user types an option (Discord's autocomplete, and any platform that has
one): quiz ids, topics, people and terms, matched fuzzily so that "putn" offers Putin."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bot.core.content.catalog import NameIndex
from bot.core.course.library import ContentLibrary
from bot.core.zones import closest_zones

Kind = Literal["quiz", "topic", "person", "term", "about", "zone"]
KINDS: tuple[Kind, ...] = ("quiz", "topic", "person", "term", "about", "zone")
COMMON_ZONES = (
    "UTC", "Europe/London", "Europe/Oslo", "Europe/Berlin", "Europe/Moscow", "America/New_York",
    "America/Chicago", "America/Los_Angeles", "Asia/Kolkata", "Asia/Tokyo", "Australia/Sydney",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Suggestion:
    label: str  # what the user reads in the list
    value: str  # what the option is set to when picked


def _named(library: ContentLibrary, kind: Kind) -> list[tuple[Suggestion, list[str]]]:
    """Every suggestion of `kind` with the names it can be found by, in the content's order."""
    catalog = library.catalog
    if kind == "quiz":
        return [
            (Suggestion(f"{q.title} ({q.id})", q.id), [q.id, q.title])
            for q in library.quizzes.values()
        ]
    if kind == "topic":
        return [(Suggestion(t.title, t.id), [t.id, t.title]) for t in catalog.topics.values()]
    if kind == "person":
        return [(Suggestion(p.name, p.name), [p.name, *p.aliases]) for p in catalog.people.values()]
    if kind == "term":
        return [
            (
                Suggestion(f"{t.term} — {t.expansion}" if t.expansion else t.term, t.term),
                [t.term, *([t.expansion] if t.expansion else []), *t.aliases],
            )
            for t in catalog.terms.values()
        ]
    return _named(library, "topic") + _named(library, "person")


def suggest(library: ContentLibrary, kind: Kind, typed: str, limit: int = 25) -> list[Suggestion]:
    """At most `limit` suggestions for what the user has typed so far, best first; with nothing
    typed, the first ones in the content's order."""
    if kind == "zone":
        zones = closest_zones(typed, limit) if typed.strip() else list(COMMON_ZONES)
        return [Suggestion(z, z) for z in zones[:limit]]
    named = _named(library, kind)
    if not typed.strip():
        return [s for s, _ in named[:limit]]
    index = NameIndex((str(n), name) for n, (_, names) in enumerate(named) for name in names)
    found = index.match(typed, limit=limit, cutoff=55.0)
    return [named[int(m.key)][0] for m in found]
