"""Who-said-what, a speaker's quotes, one quote by id, and term definitions."""

from __future__ import annotations

from bot.core.commands.content_render import quote_reply, speaker_line
from bot.core.commands.registry import Context
from bot.core.messages import Choice, Field, Reply
from bot.core.parser import Parsed
from bot.core.text import shorten

# A single answer needs a high score and a clear lead over the runner-up; below that we offer
# candidates, because a confident wrong attribution is worse than a short list.
SURE_SCORE = 80.0
SURE_LEAD = 8.0
MAYBE_SCORE = 55.0
MAX_QUOTES_LISTED = 10
SURE_NAME = 85.0


async def whosaid(ctx: Context, args: Parsed) -> list[Reply]:
    catalog = ctx.catalog
    hits = [h for h in catalog.search_quotes(args.args, limit=3) if h.score >= MAYBE_SCORE]
    if not hits:
        return [
            Reply(
                text=(
                    f"No quote in the course matches “{shorten(args.args, 80)}”. "
                    "Try a few distinctive words from it, or /quotes <person> to browse a "
                    "speaker's quotes."
                ),
                title="Who said it?",
                ephemeral=True,
            )
        ]
    best = hits[0]
    runner_up = hits[1].score if len(hits) > 1 else 0.0
    if best.score >= SURE_SCORE and best.score - runner_up >= SURE_LEAD:
        return [quote_reply(catalog, best.item)]
    lines = []
    choices = []
    for number, hit in enumerate(hits, start=1):
        quote = hit.item
        lines.append(f"{number}. “{shorten(quote.text)}” {speaker_line(catalog, quote)}")
        person = catalog.people[quote.speaker].name
        choices.append(Choice(label=person, value=f"/quote {quote.id}"))
    return [
        Reply(
            text=("I am not sure which quote you mean. Is it one of these?\n" + "\n".join(lines)),
            title="Who said it? (possible matches)",
            choices=tuple(choices),
            citations=tuple(catalog.citation(h.item.cite) for h in hits),
        )
    ]


async def quote_by_id(ctx: Context, args: Parsed) -> list[Reply]:
    quote = ctx.catalog.quotes.get(args.args.strip().casefold())
    if quote is None:
        return [ctx.spec.usage_reply(f"There is no quote with the id '{shorten(args.args, 40)}'.")]
    return [quote_reply(ctx.catalog, quote, title="Quote")]


async def quotes_of(ctx: Context, args: Parsed) -> list[Reply]:
    catalog = ctx.catalog
    exact = catalog.people_names.exact(args.args)
    matches = catalog.people_names.match(args.args)
    if exact is None and (
        not matches
        or matches[0].score < SURE_NAME
        or (len(matches) > 1 and matches[1].score >= matches[0].score - 2)
    ):
        if not matches:
            return [
                Reply(
                    text=(
                        f"Nobody called “{shorten(args.args, 60)}” is in the course. "
                        "Try a surname, e.g. /quotes putin."
                    ),
                    title="Quotes",
                    ephemeral=True,
                )
            ]
        names = [catalog.people[m.key].name for m in matches]
        return [
            Reply(
                text="Did you mean "
                + ", ".join(names[:-1])
                + (" or " if len(names) > 1 else "")
                + names[-1]
                + "?",
                title="Quotes",
                choices=tuple(Choice(label=n, value=f"/quotes {n}") for n in names),
                ephemeral=True,
            )
        ]
    person = catalog.people[exact or matches[0].key]
    quotes = catalog.quotes_by_speaker.get(person.id, [])
    header = person.name + (f", {person.role}" if person.role else "")
    if person.organisation and person.organisation not in header:
        header += f" — {person.organisation}"
    if not quotes:
        return [
            Reply(
                text=f"{header}.\nThe course quotes nothing said by {person.name}.",
                title=person.name,
                fields=(Field("Also written", ", ".join(person.aliases)),)
                if person.aliases
                else (),
            )
        ]
    shown = sorted(quotes, key=lambda q: (q.date or "9999", q.id))[:MAX_QUOTES_LISTED]
    lines = [header, ""]
    for number, quote in enumerate(shown, start=1):
        when = f" ({quote.date})" if quote.date else ""
        lines.append(f"{number}. “{shorten(quote.text, 220)}”{when} [{quote.id}]")
    if len(quotes) > len(shown):
        lines.append(f"… and {len(quotes) - len(shown)} more.")
    return [
        Reply(
            text="\n".join(lines),
            title=f"Quotes of {person.name} ({len(quotes)})",
            citations=tuple(catalog.citation(q.cite) for q in shown),
        )
    ]


async def define(ctx: Context, args: Parsed) -> list[Reply]:
    catalog = ctx.catalog
    if not args.args:
        listed = ", ".join(sorted((t.term for t in catalog.terms.values()), key=str.casefold))
        return [
            Reply(
                text=f"Terms I can define: {listed}.",
                title="Glossary",
                ephemeral=True,
                pager="/define",
            )
        ]
    key = catalog.term_names.exact(args.args)
    matches = catalog.term_names.match(args.args, cutoff=75.0)
    if key is None and matches and matches[0].score >= SURE_NAME:
        key = matches[0].key
    if key is None:
        if matches:
            names = [catalog.terms[m.key].term for m in matches]
            return [
                Reply(
                    text=f"I have no definition of “{shorten(args.args, 40)}”. "
                    f"Did you mean: {', '.join(names)}?",
                    title="Define",
                    choices=tuple(Choice(label=n, value=f"/define {n}") for n in names),
                    ephemeral=True,
                )
            ]
        return [
            Reply(
                text=(
                    f"I have no definition of “{shorten(args.args, 40)}”. "
                    "Type /define alone for the list of terms."
                ),
                title="Define",
                ephemeral=True,
            )
        ]
    term = catalog.terms[key]
    title = f"{term.term} — {term.expansion}" if term.expansion else term.term
    return [
        Reply(
            text=term.definition,
            title=title,
            citations=catalog.citations(term.cites),
        )
    ]
