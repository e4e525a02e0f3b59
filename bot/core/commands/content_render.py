"""How content items read in a reply: one place, so every command shows them alike."""

from __future__ import annotations

from bot.core.content.catalog import Catalog
from bot.core.content.course_search import Entry
from bot.core.content.models import Event, Fact, Quote, Term
from bot.core.messages import Choice, Field, Reply
from bot.core.text import human_date, shorten


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


def entry_text(catalog: Catalog, entry: Entry) -> str:
    """An entry of any kind as the text of an answer (a fact, an event with its date, a term
    with its expansion, a quote with who said it)."""
    item = entry.item
    if isinstance(item, Event):
        return f"{human_date(item.date)}: {item.title}." + (
            f" {item.description}" if item.description else ""
        )
    if isinstance(item, Term):
        name = f"{item.term} ({item.expansion})" if item.expansion else item.term
        return f"{name}: {item.definition}"
    if isinstance(item, Quote):
        return f"“{item.text}”\n{speaker_line(catalog, item)}"
    return item.text


def entry_line(catalog: Catalog, entry: Entry, limit: int = 300) -> str:
    """One line of a list of search results, labelled with the entry's kind."""
    return f"{entry.label}: {shorten(entry_text(catalog, entry), limit)}"


def entry_choice(entry: Entry) -> Choice | None:
    """The command that shows more of an entry, where there is one."""
    item = entry.item
    if isinstance(item, Term):
        return Choice(f"/define {item.term}", f"/define {item.term}")
    if isinstance(item, Quote):
        return Choice(f"/quote {item.id}", f"/quote {item.id}")
    if isinstance(item, Event):
        return Choice(f"/timeline {item.date[:4]}", f"/timeline {item.date[:4]}")
    return None
