"""/timeline: the course's dated events in order, by year, topic or person."""

from __future__ import annotations

import re

from bot.core.commands.registry import Context
from bot.core.content.catalog import Catalog
from bot.core.content.models import Event, Person
from bot.core.messages import Reply
from bot.core.parser import Parsed
from bot.core.text import fold, human_date, shorten

PERSON_MATCH_SCORE = 85.0
_YEARS = re.compile(r"^(\d{4})(?:\s*[-–]\s*(\d{4}))?$")


def _mentions(person: Person, event: Event) -> bool:
    """Events do not list people: an event is about a person when it names them."""
    about = " " + fold(f"{event.title} {event.description or ''}") + " "
    names = [person.name, *person.aliases]
    surnames = {fold(name).split()[-1] for name in names if fold(name)}
    return any(f" {fold(name)} " in about for name in names) or any(
        f" {surname} " in about for surname in surnames if len(surname) > 3
    )


def _line(catalog: Catalog, event: Event) -> str:
    cited = "; ".join(c.render() for c in catalog.citations(event.cites))
    return f"• {human_date(event.date)}: {event.title} ({cited})"


def _select(catalog: Catalog, wanted: str) -> tuple[str, list[Event]] | None:
    """What `wanted` names (a year, a span of years, a topic or a person) and its events."""
    events = list(catalog.events.values())
    years = _YEARS.match(wanted)
    if years:
        first = int(years.group(1))
        last = int(years.group(2) or first)
        first, last = min(first, last), max(first, last)
        span = str(first) if first == last else f"{first}–{last}"
        return span, [e for e in events if first <= int(e.date[:4]) <= last]
    topic = catalog.find_topic(wanted)
    if topic is not None:
        return catalog.topics[topic].title, [e for e in events if topic in e.topics]
    person = catalog.people_names.exact(wanted)
    if person is None:
        matches = catalog.people_names.match(wanted, limit=1, cutoff=PERSON_MATCH_SCORE)
        person = matches[0].key if matches else None
    if person is not None:
        who = catalog.people[person]
        return who.name, [e for e in events if _mentions(who, e)]
    return None


async def timeline(ctx: Context, args: Parsed) -> list[Reply]:
    catalog = ctx.catalog
    if not catalog.events:
        return [Reply(text="The course has no dated events yet.", ephemeral=True)]
    if not args.args:
        label, events = "the whole course", list(catalog.events.values())
    else:
        selected = _select(catalog, args.args)
        if selected is None:
            return [
                ctx.spec.usage_reply(
                    f"“{shorten(args.args, 40)}” is not a year, a topic or a person of the "
                    "course. Topics are listed by /topics."
                )
            ]
        label, events = selected
    if not events:
        return [
            Reply(
                text=f"No dated event of the course is about {label}. "
                "Try /timeline alone for every event.",
                title="Timeline",
                ephemeral=True,
            )
        ]
    ordered = sorted(events, key=lambda e: (e.date, e.id))
    pager = f"/timeline {args.args}".strip()
    return [
        Reply(
            text="\n".join(_line(catalog, e) for e in ordered),
            title=f"Timeline: {label} ({len(ordered)} events)",
            pager=pager,
        )
    ]
