"""The shipped quizzes: enough of them, valid, honest, and playable to the end."""

from __future__ import annotations

import json
import random
import re
from collections import Counter

import pytest

from bot.core.app import Lectern
from bot.core.course.library import ContentLibrary
from bot.core.quiz.deck import Card, deal
from bot.core.quiz.material import eligible_quotes
from bot.core.quiz.models import ChoiceQuestion, Quiz, ShortQuestion, WhoSaidQuestion
from bot.core.text import fold
from tests.conftest import ask, right_answer, run_lectern
from tests.test_shipped_content import _source_text, needs_sources

REQUIRED = {
    "nrc-afghanistan",
    "csto-history-structure",
    "csto-cooperation-motives",
    "nato-reluctance",
    "realism-liberalism",
    "who-said-it",
    "timeline",
}


@pytest.fixture(scope="module")
def quizzes(shipped_library: ContentLibrary) -> dict[str, Quiz]:
    return shipped_library.quizzes


def test_the_course_ships_its_quizzes(quizzes: dict[str, Quiz]) -> None:
    assert set(quizzes) >= REQUIRED
    assert sum(len(q.authored) for q in quizzes.values()) >= 120
    for quiz in quizzes.values():
        assert len(quiz.authored) >= 10, quiz.id
        kinds = Counter(q.type for q in quiz.authored)
        assert len(kinds) >= 2, f"{quiz.id} asks only {set(kinds)} questions"
        levels = {q.difficulty for q in quiz.authored}
        assert len(levels) >= 2, f"{quiz.id} has a single difficulty"
    generated = {q.type for quiz in quizzes.values() for q in quiz.questions} - {
        "choice",
        "truefalse",
        "short",
        "numeric",
    }
    assert generated == {"whosaid", "when", "acronym"}


def test_choice_questions_offer_plausible_sets(quizzes: dict[str, Quiz]) -> None:
    for quiz in quizzes.values():
        for question in quiz.authored:
            if isinstance(question, ChoiceQuestion):
                assert len(question.choices) >= 3, (quiz.id, question.id)


def test_every_quiz_scores_full_marks_for_right_answers(shipped_library: ContentLibrary) -> None:
    """Every card, generated ones included, accepts the answer it shows as right."""
    for seed in range(3):
        for quiz in shipped_library.quizzes.values():
            for card in deal(quiz, shipped_library.catalog, random.Random(seed), count=quiz.size):
                assert card.check(right_answer(card)).correct, (quiz.id, card.key)


def test_every_quiz_can_be_practised_to_the_end_in_process(shipped_library: ContentLibrary) -> None:
    app = Lectern(shipped_library, rng=random.Random(11))
    for quiz in shipped_library.quizzes.values():
        ask(app, f"/practice {quiz.id} questions:{quiz.size}")
        practice = app.practices.get(("test", "s1"))
        assert practice is not None and practice.total == quiz.size
        for card in list(practice.cards):
            replies = ask(app, f"/practice answer {right_answer(card)}")
            assert replies[0].text.startswith("✅"), (quiz.id, card.key, replies[0].text)
        assert replies[-1].text.startswith(f"You got {quiz.size} of {quiz.size} right (100%)")


def test_every_quiz_plays_to_the_end_on_the_console(quizzes: dict[str, Quiz]) -> None:
    """Through the real `lectern console`: any answer moves on, and each quiz reaches its end."""
    script = []
    for quiz in quizzes.values():
        script.append(f"/practice {quiz.id} questions:{quiz.size}")
        script += ["/practice answer 1"] * quiz.size
    result = run_lectern("console", "--json", stdin="\n".join(script) + "\n")
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    finished = [row for row in rows if (row["title"] or "").endswith(": finished")]
    assert [row["title"] for row in finished] == [f"{q.title}: finished" for q in quizzes.values()]
    for row, quiz in zip(finished, quizzes.values(), strict=True):
        assert re.match(rf"You got \d+ of {quiz.size} right", row["text"]), row["text"]


def _without_quotations(text: str) -> str:
    return re.sub(r"“[^”]*”|\"[^\"]*\"", " ", text)


@needs_sources
def test_questions_are_in_our_own_words(
    shipped_library: ContentLibrary, quizzes: dict[str, Quiz]
) -> None:
    """No prompt, choice or explanation copies 12 words running from a source, outside quotes."""
    catalog = shipped_library.catalog
    runs: set[str] = set()
    for source in catalog.sources.values():
        words = re.sub(r"[^a-z0-9 ]", " ", _source_text(source.file or "").casefold()).split()
        runs |= {" ".join(words[i : i + 12]) for i in range(len(words) - 11)}
    for quiz in quizzes.values():
        for question in quiz.authored:
            texts = [question.prompt, question.explanation]
            if isinstance(question, ChoiceQuestion):
                texts += [c.text for c in question.choices]
            for text in texts:
                words = re.sub(r"[^a-z0-9 ]", " ", _without_quotations(text).casefold()).split()
                copied = [
                    " ".join(words[i : i + 12])
                    for i in range(len(words) - 11)
                    if " ".join(words[i : i + 12]) in runs
                ]
                assert not copied, (quiz.id, question.id, copied[0])


def test_generated_questions_do_not_repeat_written_ones(
    shipped_library: ContentLibrary, quizzes: dict[str, Quiz]
) -> None:
    """A quote a written question shows (in its prompt or explanation) is not also dealt as a
    'who said it?' of that quiz."""
    catalog = shipped_library.catalog
    for quiz in quizzes.values():
        prompts = [fold(f"{q.prompt} {q.explanation}") for q in quiz.authored]
        for entry in quiz.questions:
            if isinstance(entry, WhoSaidQuestion):
                for quote in eligible_quotes(entry, catalog):
                    opening = fold(quote.text)[:40]
                    assert not any(opening in p for p in prompts), (quiz.id, quote.id)


def _card(shipped_library: ContentLibrary, quiz: str, question: str) -> Card:
    found = shipped_library.quizzes[quiz]
    cards = deal(found, shipped_library.catalog, random.Random(1), count=found.size)
    return next(c for c in cards if c.key == question)


@pytest.mark.parametrize(
    ("quiz", "question", "right", "wrong"),
    [
        (
            "nrc-afghanistan",
            "ulyanovsk-hub",
            ["Ulyanovsk", "Ulyanovsk airport", "Ulyanovsk International", "Ulyanovsk Vostochny",
             "ulyanovsk international airport"],
            ["Moscow", "Novosibirsk airport", "Vnukovo"],
        ),
        (
            "csto-cooperation-motives",
            "ivanov-drug-aggression",
            ["Ivanov", "S. Ivanov", "S Ivanov", "Sergei Ivanov", "Sergey Borisovich Ivanov",
             "S.B. Ivanov"],
            ["A. Ivanov", "Lavrov", "Igor Ivanov"],
        ),
        (
            "nrc-afghanistan",
            "rogozin-warheads",
            ["Rogozin", "D. Rogozin", "Dmitri Rogozin", "Ambassador Rogozin"],
            ["A. Rogozin", "Grushko"],
        ),
        (
            "csto-history-structure",
            "kanal-operation",
            ["Kanal", "Operation Channel", "Canal", "Channel", "Operation Kanal"],
            ["Kabul", "Operation Enduring Freedom"],
        ),
    ],
)  # fmt: skip
def test_short_answers_accept_every_right_form_and_refuse_wrong_ones(
    shipped_library: ContentLibrary, quiz: str, question: str, right: list[str], wrong: list[str]
) -> None:
    card = _card(shipped_library, quiz, question)
    for typed in right:
        assert card.check(typed).correct, typed
    for typed in wrong:
        assert not card.check(typed).correct, typed


def test_a_short_answer_naming_a_person_says_who_so_that_every_name_form_counts(
    quizzes: dict[str, Quiz], shipped_library: ContentLibrary
) -> None:
    """An answer key that lists a person's name by hand would refuse "S. Ivanov"."""
    people = shipped_library.catalog.people.values()
    names = {fold(n): p.id for p in people if p.kind == "person" for n in (p.name, *p.aliases)}
    missing = [
        f"{quiz.id}/{q.id}: person: {names[fold(a)]}"
        for quiz in quizzes.values()
        for q in quiz.authored
        if isinstance(q, ShortQuestion) and q.person is None
        for a in q.answers
        if fold(a) in names
    ]
    assert missing == []
