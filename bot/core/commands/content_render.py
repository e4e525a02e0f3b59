"""How content items read in a reply: one place, so every command shows them alike."""

from __future__ import annotations

from bot.core.content.catalog import Catalog
from bot.core.content.models import Fact, Quote
from bot.core.messages import Field, Reply
from bot.core.text import human_date


def speaker_line(catalog: Catalog, quote: Quote) -> str:
    person = catalog.people[quote.speaker]
    role = quote.role or person.role
    line = f"— {person.name}"
    if role:
        line += f", {role}"
    if quote.date:
        line += f" ({human_date(quote.date)})"
    return line


def quote_reply(catalog: Catalog, quote: Quote, title: str = "Who said it?") -> Reply:
    fields = (Field("Context", quote.context),) if quote.context else ()
    return Reply(
        text=f"“{quote.text}”\n{speaker_line(catalog, quote)}",
        title=title,
        fields=fields,
        citations=(catalog.citation(quote.cite),),
    )


def fact_reply(catalog: Catalog, fact: Fact, title: str) -> Reply:
    topics = ", ".join(catalog.topics[t].title for t in fact.topics)
    return Reply(
        text=fact.text,
        title=title,
        fields=(Field("Topics", topics, inline=True),),
        citations=catalog.citations(fact.cites),
    )
