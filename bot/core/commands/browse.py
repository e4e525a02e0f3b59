"""Facts (random, by topic, by search), the topic list and the bibliography."""

from __future__ import annotations

from bot.core.commands.content_render import fact_reply
from bot.core.commands.registry import Context
from bot.core.messages import Choice, Reply
from bot.core.parser import Parsed
from bot.core.text import shorten

# Chosen on benchmarks/search_devset.yaml (python -m benchmarks.fact_search --sweep).
CONFIDENT_SCORE = 70.0  # the top fact is shown as the answer (invented questions: 3% above)
RELATED_SCORE = 45.0  # below this, a fact is not related enough to show


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
    """The fact that answers a question, when the evidence is strong; the closest facts, when
    it is weaker; and only when nothing is related, a way on (thresholds: the dev set's)."""
    if not query:
        return [ctx.spec.usage_reply("Tell me what to search for.")]
    catalog = ctx.catalog
    hits = [h for h in catalog.search_facts_by_meaning(query, limit=3) if h.score >= RELATED_SCORE]
    asked = shorten(query, 60)
    if not hits:
        terms = catalog.term_names.match(query, limit=2, cutoff=90.0)
        choices = [
            Choice(f"/define {catalog.terms[m.key].term}", f"/define {catalog.terms[m.key].term}")
            for m in terms
        ]
        return [
            Reply(
                text=f"No fact in the course answers “{shorten(query, 80)}”. Try other words, "
                "/topics to browse, or /define for a term.",
                title="Fact search",
                ephemeral=True,
                choices=tuple(choices),
            )
        ]
    if hits[0].score >= CONFIDENT_SCORE:
        best, *rest = hits
        also = [h for h in rest if h.score >= RELATED_SCORE]
        text = best.item.text
        if also:
            text += "\n\nRelated:\n" + "\n".join(f"• {h.item.text}" for h in also)
        return [
            Reply(
                text=text,
                title=f"From the course: “{asked}”",
                citations=catalog.citations(c for h in [best, *also] for c in h.item.cites),
            )
        ]
    lines = [f"{n}. {h.item.text}" for n, h in enumerate(hits, start=1)]
    return [
        Reply(
            text="No fact answers this for sure; the closest:\n" + "\n".join(lines),
            title=f"Closest facts to “{asked}”",
            citations=catalog.citations(c for h in hits for c in h.item.cites),
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
