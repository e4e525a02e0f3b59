"""Dealing a quiz into cards, and marking answers against a card."""

from __future__ import annotations

import random
from dataclasses import replace

import pytest

from bot.core.content.catalog import Catalog
from bot.core.course.library import ContentLibrary
from bot.core.quiz.deck import Card, deal
from bot.core.quiz.models import Quiz
from tests.conftest import CONTENT, FIXTURES, ROOT


@pytest.fixture(scope="module")
def library() -> ContentLibrary:
    return ContentLibrary([CONTENT], root=ROOT, quiz_paths=[FIXTURES / "quizzes-good"])


@pytest.fixture(scope="module")
def catalog(library: ContentLibrary) -> Catalog:
    return library.catalog


@pytest.fixture(scope="module")
def sample(library: ContentLibrary) -> Quiz:
    return library.quizzes["sample"]


def _cards(sample: Quiz, catalog: Catalog, seed: int = 1, **kwargs: object) -> list[Card]:
    return deal(sample, catalog, random.Random(seed), **kwargs)  # type: ignore[arg-type]


def test_unshuffled_deal_keeps_the_authored_order(sample: Quiz, catalog: Catalog) -> None:
    cards = _cards(sample, catalog)
    assert [c.key for c in cards[:4]] == ["rome", "replaced-pjc", "plant", "containers"]
    assert [c.kind for c in cards] == [
        "choice",
        "truefalse",
        "short",
        "numeric",
        "choice",
        "choice",
        "choice",
    ]
    rome = cards[0]
    assert rome.options == ("Rome", "Brussels", "Moscow") and rome.correct == 0
    assert rome.citations[0].footnote == 7
    assert rome.answer_text == "A) Rome"


def test_generated_cards_ask_about_real_content(sample: Quiz, catalog: Catalog) -> None:
    for seed in range(20):
        who, when, acronym = _cards(sample, catalog, seed)[4:]
        quote = catalog.quotes[who.key.split(":")[1]]
        speaker = catalog.people[quote.speaker]
        assert who.options[who.correct] == speaker.name
        kinds = {p.kind for p in catalog.people.values() if p.name in who.options}
        assert kinds == {speaker.kind}, "distractors are speakers of the same kind"
        assert len(set(who.options)) == 4
        event = catalog.events[when.key.split(":")[1]]
        assert "nrc" in event.topics
        assert when.options[when.correct] == event.date[:4]
        assert list(when.options) == sorted(when.options) and len(set(when.options)) == 4
        term = catalog.terms[acronym.key.split(":")[1]]
        assert term.id in {"nrc", "pjc", "isaf"}
        assert acronym.options[acronym.correct] == term.expansion
        assert acronym.prompt == f"What does {term.term} stand for?"


def test_shuffled_deals_differ_and_count_is_respected(sample: Quiz, catalog: Catalog) -> None:
    orders = {
        tuple(c.key for c in _cards(sample, catalog, seed, shuffle=True, count=5))
        for seed in range(10)
    }
    assert len(orders) > 1
    assert all(len(order) == 5 for order in orders)


def test_marking_each_kind(sample: Quiz, catalog: Catalog) -> None:
    rome, pjc, plant, containers = _cards(sample, catalog)[:4]
    assert rome.check("A").correct and rome.check("a)").correct and rome.check("1").correct
    assert rome.check("rome").correct and rome.check("the Rome").correct
    wrong = rome.check("B")
    assert not wrong.correct and wrong.picked == 1
    assert rome.check("F").problem == "Answer with a letter from A to C."
    assert rome.check("Paris").problem is not None
    assert pjc.check("true").correct and pjc.check("yes").correct and pjc.check("A").correct
    assert not pjc.check("False").correct and pjc.check("B").picked == 1
    assert plant.check("novosibrisk").correct and not plant.check("Moscow").correct
    assert containers.check("58 000").correct and not containers.check("6000").correct
    assert containers.check("many").problem == "'many' is not a number."
    assert containers.answer_text == "60,000 (± 5000) containers"
    assert replace(containers, number=2003, tolerance=0).answer_text == "2003 containers"


def test_typed_choice_text_is_exact_first_and_never_a_guess(catalog: Catalog) -> None:
    from dataclasses import replace

    rome = _cards_for_choice(catalog)
    dates = replace(rome, options=("28 May 1997", "27 May 1997", "1 June 2002"), correct=1)
    assert dates.check("27 May 1997").correct, "an exact match wins over a close one"
    assert not dates.check("28 May 1997").correct
    assert dates.check("27 Mya 1997").picked == 1, "a typo in a word is forgiven"
    assert dates.check("27 May 1998").problem is not None, "a wrong figure is not a typo"
    assert dates.check("1 Jnue 2002").picked == 2
    names = replace(rome, options=("Lavrova", "Lavrovo", "Ivanov"), correct=0)
    assert names.check("Lavrov").problem == (
        "That fits more than one choice: answer with a letter from A to C."
    )


def _cards_for_choice(catalog: Catalog) -> Card:
    library = ContentLibrary([CONTENT], root=ROOT, quiz_paths=[FIXTURES / "quizzes-good"])
    return _cards(library.quizzes["sample"], catalog)[0]
