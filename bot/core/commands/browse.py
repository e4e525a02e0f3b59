"""Facts (random, by topic, by search), the topic list and the bibliography."""

from __future__ import annotations

from bot.core.commands.content_render import entry_choice, entry_line, entry_text, fact_reply
from bot.core.commands.registry import Context
from bot.core.content.course_search import RELATED_SCORE
from bot.core.messages import Choice, Reply
from bot.core.parser import Parsed
from bot.core.text import shorten

SHOWN = 3  # entries a search reply shows at most


async def fact(ctx: Context, args: Parsed) -> list[Reply]:
    words = args.words
    if words and words[0].casefold() == "search":
        return _search(ctx, " ".join(words[1:]))
    catalog = ctx.catalog
    if not catalog.facts:
        return [Reply(text="The course has no facts yet.", ephemeral=True)]
    if not args.args:
        chosen = ctx.rng.choice(sorted(catalog.facts))
        return [fact_reply(catalog, catalog.facts[chosen], "Did you know?")]
    topic_id = catalog.find_topic(args.args)
    if topic_id is None:
        topics = ", ".join(sorted(catalog.topics))
        return [
            Reply(
                text=(
                    f"There is no topic “{shorten(args.args, 40)}”. Topics: {topics}.\n"
                    "To look something up, use /fact search <words>."
                ),
                title="Fact",
                ephemeral=True,
                choices=tuple(Choice(t, f"/fact {t}") for t in sorted(catalog.topics)),
            )
        ]
    facts = catalog.facts_by_topic.get(topic_id, [])
    title = catalog.topics[topic_id].title
    if not facts:
        return [Reply(text=f"No facts on {title} yet.", ephemeral=True)]
    chosen_fact = facts[ctx.rng.randrange(len(facts))]
    return [fact_reply(catalog, chosen_fact, f"Did you know? ({title})")]


def _search(ctx: Context, query: str) -> list[Reply]:
    """What answers a question, from facts, events, terms and quotes alike, each labelled with
    its kind: the answer itself when the evidence is strong; the closest entries when it is
    weaker; and only when nothing is related, a way on (thresholds: the dev set's)."""
    if not query:
        return [ctx.spec.usage_reply("Tell me what to search for.")]
    catalog = ctx.catalog
    found = catalog.course.search(query, limit=SHOWN)
    hits = [h for h in found if h.score >= RELATED_SCORE]
    asked = shorten(query, 60)
    if not hits:
        terms = catalog.term_names.match(query, limit=2, cutoff=90.0)
        ways = [
            Choice(f"/define {catalog.terms[m.key].term}", f"/define {catalog.terms[m.key].term}")
            for m in terms
        ]
        return [
            Reply(
                text=f"Nothing in the course answers “{shorten(query, 80)}”. Try other words, "
                "/topics to browse, or /define for a term.",
                title="Fact search",
                ephemeral=True,
                choices=tuple(ways),
            )
        ]
    entries = [h.item for h in hits]
    choices = tuple(c for e in entries if (c := entry_choice(e)) is not None)
    citations = catalog.citations(c for e in entries for c in e.cites)
    if catalog.course.confident(query, found):
        best, *also = entries
        text = entry_text(catalog, best)
        if also:
            text += "\n\nRelated:\n" + "\n".join(f"• {entry_line(catalog, e)}" for e in also)
        return [
            Reply(
                text=text,
                title=f"{best.label} from the course: “{asked}”",
                citations=citations,
                choices=choices,
            )
        ]
    lines = [f"{n}. {entry_line(catalog, e)}" for n, e in enumerate(entries, start=1)]
    return [
        Reply(
            text="Nothing answers this for sure; the closest:\n" + "\n".join(lines),
            title=f"Closest in the course to “{asked}”",
            citations=citations,
            choices=choices,
        )
    ]


async def topics(ctx: Context, args: Parsed) -> list[Reply]:
    catalog = ctx.catalog
    lines = []
    for topic in sorted(catalog.topics.values(), key=lambda t: t.id):
        count = len(catalog.facts_by_topic.get(topic.id, []))
        about = f": {topic.description}" if topic.description else ""
        lines.append(f"• {topic.id} — {topic.title} ({count} facts){about}")
    lines.append("")
    lines.append(
        f"The course also has {len(catalog.quotes)} quotes from {len(catalog.people)} people, "
        f"{len(catalog.terms)} terms and {len(catalog.events)} dated events."
    )
    return [Reply(text="\n".join(lines), title="Topics", pager="/topics")]


async def sources(ctx: Context, args: Parsed) -> list[Reply]:
    lines = []
    for number, source in enumerate(ctx.catalog.sources.values(), start=1):
        authors = " and ".join(source.authors)
        publisher = f" {source.publisher}." if source.publisher else ""
        lines.append(
            f"[{number}] {authors} ({source.year}). {source.title}. {source.kind}.{publisher}"
        )
    return [Reply(text="\n".join(lines), title="Sources")]
