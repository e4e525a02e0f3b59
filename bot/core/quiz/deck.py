"""Dealing a quiz: the concrete questions one session asks, generated ones drawn fresh each time.

A Card is what every front end shows and what answers are checked against; it no longer needs the
catalog, so a session keeps working while the content is reloaded underneath it.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Literal, TypeVar

from bot.core.content.catalog import Catalog
from bot.core.content.models import Event, Quote, Term
from bot.core.content.names import name_forms
from bot.core.messages import Citation
from bot.core.quiz.matching import matches_number, matches_text, normalize
from bot.core.quiz.material import eligible_events, eligible_quotes, eligible_terms, same_kind
from bot.core.quiz.models import (
    AcronymQuestion,
    ChoiceQuestion,
    Difficulty,
    NumericQuestion,
    Quiz,
    ShortQuestion,
    TrueFalseQuestion,
    WhenQuestion,
    WhoSaidQuestion,
)
from bot.core.text import human_date, shorten

LETTERS = "ABCDE"
CardKind = Literal["choice", "truefalse", "short", "numeric"]
_TRUE = frozenset({"true", "t", "yes", "y", "vrai", "right", "correct"})
_FALSE = frozenset({"false", "f", "no", "n", "faux", "wrong", "incorrect"})
QUOTE_PROMPT_CHARS = 400
_DIGITS = re.compile(r"\d+")


def _figure(value: float) -> str:
    """60,000 with a separator, but a year as 2003."""
    return f"{value:,.10g}" if abs(value) >= 10_000 else f"{value:.10g}"


@dataclass(frozen=True, slots=True)
class Verdict:
    """How a typed answer fared. `problem` is set when the text was not an answer at all
    (a letter out of range, say): the student should try again, not lose the question."""

    correct: bool = False
    picked: int | None = None
    problem: str | None = None


@dataclass(frozen=True, slots=True)
class Card:
    key: str  # the question id, or "<entry id>:<item id>" for a generated one
    kind: CardKind
    prompt: str
    explanation: str
    citations: tuple[Citation, ...]
    difficulty: Difficulty
    options: tuple[str, ...] = ()  # for choice and truefalse
    correct: int = 0  # index into options
    feedback: tuple[str | None, ...] = ()
    answers: tuple[str, ...] = ()  # for short; the first is shown
    fuzzy: int = 88
    number: float = 0.0
    tolerance: float = 0.0
    unit: str | None = None

    @property
    def answer_text(self) -> str:
        """The right answer as shown at the reveal."""
        if self.kind in ("choice", "truefalse"):
            return f"{LETTERS[self.correct]}) {self.options[self.correct]}"
        if self.kind == "short":
            return self.answers[0]
        shown = _figure(self.number)
        if self.tolerance:
            shown += f" (± {_figure(self.tolerance)})"
        return f"{shown} {self.unit}" if self.unit else shown

    def how_to_answer(self) -> str:
        if self.options:
            return f"a letter from A to {LETTERS[len(self.options) - 1]}"
        return "a number" if self.kind == "numeric" else "a word or a few words"

    def check(self, typed: str) -> Verdict:
        text = typed.strip()
        if self.options:
            return self._check_option(text)
        if self.kind == "numeric":
            result = matches_number(text, self.number, self.tolerance)
            if result is None:
                return Verdict(problem=f"'{shorten(text, 40)}' is not a number.")
            return Verdict(correct=result)
        return Verdict(correct=matches_text(text, self.answers, self.fuzzy))

    def _check_option(self, text: str) -> Verdict:
        picked = self._pick(text)
        if picked is None:
            return Verdict(problem=f"Answer with {self.how_to_answer()}.")
        if picked < 0:
            return Verdict(
                problem=f"That fits more than one choice: answer with {self.how_to_answer()}."
            )
        return Verdict(correct=picked == self.correct, picked=picked)

    def _pick(self, text: str) -> int | None:
        """The choice `text` names: a letter, a number, or the choice's words. None when it names
        none, -1 when it is as close to several, so that a student is asked again rather than
        marked on a guess."""
        upper = text.upper().rstrip(").")
        if len(upper) == 1 and upper in LETTERS[: len(self.options)]:
            return LETTERS.index(upper)
        if upper.isdigit() and 1 <= int(upper) <= len(self.options):
            return int(upper) - 1
        folded = normalize(text)
        if self.kind == "truefalse":
            if folded in _TRUE:
                return 0
            if folded in _FALSE:
                return 1
        exact = [i for i, option in enumerate(self.options) if normalize(option) == folded]
        if exact:
            return exact[0]
        # Typos are forgiven in words, never in figures: "27 May 1998" is not "27 May 1997".
        digits = _DIGITS.findall(folded)
        close = [
            i
            for i, option in enumerate(self.options)
            if _DIGITS.findall(normalize(option)) == digits
            and matches_text(text, (option,), self.fuzzy)
        ]
        if len(close) > 1:
            return -1
        return close[0] if close else None


def _choice_card(question: ChoiceQuestion, catalog: Catalog, rng: random.Random | None) -> Card:
    choices = list(question.choices)
    if rng is not None:
        rng.shuffle(choices)
    return Card(
        key=question.id,
        kind="choice",
        prompt=question.prompt,
        explanation=question.explanation,
        citations=catalog.citations(question.cites),
        difficulty=question.difficulty,
        options=tuple(choice.text for choice in choices),
        correct=next(i for i, choice in enumerate(choices) if choice.correct),
        feedback=tuple(choice.feedback for choice in choices),
    )


def _authored_card(
    question: ChoiceQuestion | TrueFalseQuestion | ShortQuestion | NumericQuestion,
    catalog: Catalog,
    rng: random.Random | None,
) -> Card:
    if isinstance(question, ChoiceQuestion):
        return _choice_card(question, catalog, rng)
    card = Card(
        key=question.id,
        kind="short",
        prompt=question.prompt,
        explanation=question.explanation,
        citations=catalog.citations(question.cites),
        difficulty=question.difficulty,
    )
    if isinstance(question, TrueFalseQuestion):
        return replace(
            card, kind="truefalse", options=("True", "False"), correct=0 if question.answer else 1
        )
    if isinstance(question, ShortQuestion):
        answers = list(question.answers)
        if question.person is not None:
            answers += name_forms(catalog.people[question.person])
        return replace(card, answers=tuple(dict.fromkeys(answers)), fuzzy=question.fuzzy)
    return replace(
        card,
        kind="numeric",
        number=question.answer,
        tolerance=question.tolerance,
        unit=question.unit,
    )


def _options(
    right: str, others: list[str], count: int, rng: random.Random
) -> tuple[list[str], int]:
    wrong = rng.sample(others, min(count - 1, len(others)))
    options = [right, *wrong]
    rng.shuffle(options)
    return options, options.index(right)


_Item = TypeVar("_Item", Quote, Event, Term)


def _dealt(items: Sequence[_Item], count: int, rng: random.Random, only: str | None) -> list[_Item]:
    """`count` of `items` at random; or, asked for `only` one (by id), that one if it is there."""
    if only is not None:
        return [item for item in items if item.id == only]
    return rng.sample(list(items), min(count, len(items)))


def _whosaid_cards(
    question: WhoSaidQuestion, catalog: Catalog, rng: random.Random, only: str | None = None
) -> list[Card]:
    cards = []
    for quote in _dealt(eligible_quotes(question, catalog), question.count, rng, only):
        speaker = catalog.people[quote.speaker]
        others = [
            catalog.people[p].name for p in same_kind(catalog, quote.speaker) if p != speaker.id
        ]
        options, correct = _options(speaker.name, others, question.choices, rng)
        when = f" ({human_date(quote.date)})" if quote.date else ""
        role = f", then {quote.role}" if quote.role else ""
        explanation = f"{speaker.name}{role}{when}."
        if quote.context:
            explanation += f" {quote.context}"
        cards.append(
            Card(
                key=f"{question.id}:{quote.id}",
                kind="choice",
                prompt=f"Who said it? “{shorten(quote.text, QUOTE_PROMPT_CHARS)}”",
                explanation=explanation,
                citations=catalog.citations([quote.cite]),
                difficulty=question.difficulty,
                options=tuple(options),
                correct=correct,
            )
        )
    return cards


def _year_options(year: int, known: set[int], count: int, rng: random.Random) -> list[int]:
    """Other years near the right one: from the course's events first, then neighbours."""
    nearby = sorted(known - {year}, key=lambda y: (abs(y - year), rng.random()))[: count * 2]
    chosen = rng.sample(nearby, min(count - 1, len(nearby)))
    step = 1
    while len(chosen) < count - 1:
        for candidate in (year - step, year + step):
            if candidate not in chosen and len(chosen) < count - 1:
                chosen.append(candidate)
        step += 1
    return sorted([year, *chosen])


def _when_cards(
    question: WhenQuestion, catalog: Catalog, rng: random.Random, only: str | None = None
) -> list[Card]:
    known = {int(event.date[:4]) for event in catalog.events.values()}
    cards = []
    for event in _dealt(eligible_events(question, catalog), question.count, rng, only):
        year = int(event.date[:4])
        years = _year_options(year, known, question.choices, rng)
        detail = f" {event.description}" if event.description else ""
        cards.append(
            Card(
                key=f"{question.id}:{event.id}",
                kind="choice",
                prompt=f"In which year? {event.title}",
                explanation=f"{human_date(event.date)}: {event.title}.{detail}",
                citations=catalog.citations(event.cites),
                difficulty=question.difficulty,
                options=tuple(str(y) for y in years),
                correct=years.index(year),
            )
        )
    return cards


def _acronym_cards(
    question: AcronymQuestion, catalog: Catalog, rng: random.Random, only: str | None = None
) -> list[Card]:
    expansions = {t.expansion for t in catalog.terms.values() if t.expansion}
    cards = []
    for term in _dealt(eligible_terms(question, catalog), question.count, rng, only):
        assert term.expansion is not None  # eligible terms have one
        others = sorted(expansions - {term.expansion})
        options, correct = _options(term.expansion, others, question.choices, rng)
        cards.append(
            Card(
                key=f"{question.id}:{term.id}",
                kind="choice",
                prompt=f"What does {term.term} stand for?",
                explanation=f"{term.term}: {term.expansion}. {term.definition}",
                citations=catalog.citations(term.cites),
                difficulty=question.difficulty,
                options=tuple(options),
                correct=correct,
            )
        )
    return cards


def topic_of(quiz: Quiz | None, key: str, catalog: Catalog) -> str | None:
    """The topic a card counts under in progress reports: its event's, for a "when?" card
    (the timeline spans every topic), else its quiz's first; none for a quiz since removed."""
    if quiz is None:
        return None
    _, _, item = key.partition(":")
    event = catalog.events.get(item) if item else None
    if event is not None and event.topics:
        return event.topics[0]
    return quiz.topics[0] if quiz.topics else None


def card_for(quiz: Quiz, key: str, catalog: Catalog, rng: random.Random) -> Card | None:
    """The card `key` names in `quiz` (a question id, or "<question id>:<item id>" for a
    generated one), dealt afresh; None when the quiz no longer has it."""
    question_id, _, item = key.partition(":")
    question = next((q for q in quiz.questions if q.id == question_id), None)
    if question is None:
        return None
    if isinstance(question, WhoSaidQuestion):
        cards = _whosaid_cards(question, catalog, rng, only=item)
    elif isinstance(question, WhenQuestion):
        cards = _when_cards(question, catalog, rng, only=item)
    elif isinstance(question, AcronymQuestion):
        cards = _acronym_cards(question, catalog, rng, only=item)
    else:
        return _authored_card(question, catalog, rng) if not item else None
    return cards[0] if cards else None


def deal(
    quiz: Quiz,
    catalog: Catalog,
    rng: random.Random,
    count: int | None = None,
    shuffle: bool | None = None,
) -> list[Card]:
    """The cards of one session: `count` of them (the quiz's default), shuffled if asked."""
    shuffle = quiz.defaults.shuffle if shuffle is None else shuffle
    wanted = quiz.defaults.count if count is None else count
    cards: list[Card] = []
    for question in quiz.questions:
        if isinstance(question, WhoSaidQuestion):
            cards += _whosaid_cards(question, catalog, rng)
        elif isinstance(question, WhenQuestion):
            cards += _when_cards(question, catalog, rng)
        elif isinstance(question, AcronymQuestion):
            cards += _acronym_cards(question, catalog, rng)
        else:
            cards.append(_authored_card(question, catalog, rng if shuffle else None))
    if shuffle:
        rng.shuffle(cards)
    return cards[: max(1, wanted)]
