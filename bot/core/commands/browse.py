"""Facts (random, by topic, by search), the topic list and the bibliography."""

from __future__ import annotations

from bot.core.commands.content_render import fact_reply
from bot.core.commands.registry import Context
from bot.core.messages import Choice, Reply
from bot.core.parser import Parsed
from bot.core.text import shorten

FACT_MATCH_SCORE = 45.0
TOPIC_MATCH_SCORE = 80.0


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
    topic_id = catalog.topic_names.exact(args.args)
    if topic_id is None:
        matches = catalog.topic_names.match(args.args, limit=1, cutoff=TOPIC_MATCH_SCORE)
        topic_id = matches[0].key if matches else None
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
    if not query:
        return [ctx.spec.usage_reply("Tell me what to search for.")]
    catalog = ctx.catalog
    hits = [h for h in catalog.search_facts(query, limit=3) if h.score >= FACT_MATCH_SCORE]
    if not hits:
        return [
            Reply(
                text=(
                    f"No fact in the course matches “{shorten(query, 80)}”. "
                    "Try other words, or /topics to browse."
                ),
                title="Fact search",
                ephemeral=True,
            )
        ]
    lines = [f"{n}. {h.item.text}" for n, h in enumerate(hits, start=1)]
    return [
        Reply(
            text="\n".join(lines),
            title=f"Facts matching “{shorten(query, 60)}”",
            citations=tuple(catalog.citation(h.item.cite) for h in hits),
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
