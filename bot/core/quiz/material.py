"""Which content a generated question may draw on: the same rules for validation and dealing."""

from __future__ import annotations

from bot.core.content.catalog import Catalog
from bot.core.content.models import Event, Quote, Term
from bot.core.quiz.models import AcronymQuestion, WhenQuestion, WhoSaidQuestion


def eligible_quotes(question: WhoSaidQuestion, catalog: Catalog) -> list[Quote]:
    chosen = [catalog.quotes[q] for q in question.quotes] or list(catalog.quotes.values())
    if question.tags:
        chosen = [quote for quote in chosen if set(quote.tags) & set(question.tags)]
    return [quote for quote in chosen if quote.id not in question.exclude]


def same_kind(catalog: Catalog, speaker_id: str) -> list[str]:
    """Speakers with quotes of the same kind (person or body) as `speaker_id`, itself included:
    a body among people would give the answer away."""
    kind = catalog.people[speaker_id].kind
    return [
        person_id
        for person_id in catalog.quotes_by_speaker
        if catalog.people[person_id].kind == kind
    ]


def eligible_events(question: WhenQuestion, catalog: Catalog) -> list[Event]:
    chosen = [catalog.events[e] for e in question.events] or list(catalog.events.values())
    if question.topics:
        chosen = [event for event in chosen if set(event.topics) & set(question.topics)]
    return [event for event in chosen if event.id not in question.exclude]


def eligible_terms(question: AcronymQuestion, catalog: Catalog) -> list[Term]:
    chosen = [catalog.terms[t] for t in question.terms] or list(catalog.terms.values())
    return [term for term in chosen if term.expansion and term.id not in question.exclude]
