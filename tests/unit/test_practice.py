"""/quiz list, /quiz info and solo /practice, through the app as every adapter calls it."""

from __future__ import annotations

import random

import pytest

from bot.core.app import Lectern
from bot.core.course.library import ContentLibrary
from bot.core.messages import Actor
from bot.core.quiz.practice import Practice, PracticeBook
from tests.conftest import CONTENT, FIXTURES, ROOT, ask, one, right_answer

OTHER = Actor(platform="test", user_id="s2", display_name="Kim")


@pytest.fixture
def quiz_app() -> Lectern:
    library = ContentLibrary([CONTENT], root=ROOT, quiz_paths=[FIXTURES / "quizzes-good"])
    return Lectern(library, rng=random.Random(3))


def test_quiz_list_and_info(quiz_app: Lectern) -> None:
    listing = one(quiz_app, "/quiz list")
    assert "sample: One question of each kind (4 questions + 3 drawn from the content)" in (
        listing.text
    )
    assert listing.choices[0].value == "/quiz info sample"
    info = one(quiz_app, "/quiz info smaple")  # a typo still finds it
    assert info.title == "One question of each kind (sample)"
    fields = {f.name: f.value for f in info.fields}
    assert fields["Types"] == "choice 1, numeric 1, short 1, truefalse 1"
    assert fields["Difficulty"] == "easy 1, hard 1, medium 2"
    assert fields["A session"] == "7 questions, 20 s each, scoring flat"
    assert fields["Drawn fresh each time"] == "1 whosaid, 1 when, 1 acronym"
    assert info.choices[0].value == "/practice sample"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("/quiz", "What about quizzes?\nUsage: /quiz list | info <quiz> | start <quiz>"),
        ("/quiz frobnicate", "I don't know /quiz frobnicate."),
        ("/quiz start timeline", "Only a teacher can use /quiz start."),
        ("/quiz answer B", "Class quizzes and leaderboards need the quiz database"),
        ("/leaderboard", "Class quizzes and leaderboards need the quiz database"),
        ("/quiz info", "Which quiz?"),
        ("/quiz info zzzzzz", "There is no quiz “zzzzzz”. The quizzes are:\n• sample"),
        ("/practice answer B", "You are not practising a quiz."),
        ("/practice zzzzzz", "There is no quiz “zzzzzz”."),
        ("/practice sample questions:0", "questions: must be a number from 1 to 100."),
        ("/practice sample questions:many", "questions: must be a number from 1 to 100."),
    ],
)
def test_wrong_use_says_how(quiz_app: Lectern, text: str, expected: str) -> None:
    assert one(quiz_app, text).text.startswith(expected)


def _answer_right(quiz_app: Lectern, card_letter_or_text: str) -> None:
    replies = ask(quiz_app, f"/practice answer {card_letter_or_text}")
    assert replies[0].text.startswith("✅ Right"), replies[0].text


def test_a_whole_practice_right_then_wrong(quiz_app: Lectern) -> None:
    start = ask(quiz_app, "/practice sample")
    assert len(start) == 2 and all(r.ephemeral for r in start)
    first = start[1]
    assert first.title == "One question of each kind · 1/7"
    assert [c.value for c in first.choices] == [
        "/practice answer A #p1 q1",
        "/practice answer B #p1 q1",
        "/practice answer C #p1 q1",
    ]
    practice = quiz_app.practices.get(("test", "s1"))
    assert practice is not None
    for card in list(practice.cards):
        _answer_right(quiz_app, right_answer(card))
    assert quiz_app.practices.get(("test", "s1")) is None, "a finished practice is dropped"


def test_wrong_answers_explain_and_the_summary_lists_them(quiz_app: Lectern) -> None:
    ask(quiz_app, "/practice sample questions:2")
    replies = ask(quiz_app, "/practice answer B")  # Brussels
    assert replies[0].text.startswith("❌ Not quite. The answer is A) Rome.")
    assert "Brussels is NATO's headquarters." in replies[0].text
    assert replies[0].citations[0].footnote == 7
    problem = one(quiz_app, "/practice answer maybe")
    assert problem.text == "Answer with a letter from A to B."
    assert [c.value for c in problem.choices] == [
        "/practice answer A #p1 q2",
        "/practice answer B #p1 q2",
    ]
    replies = ask(quiz_app, "/practice skip")
    assert replies[0].text == "Skipped. The answer was A) True."
    summary = replies[1]
    assert summary.title == "One question of each kind: finished"
    assert summary.text.startswith("You got 0 of 2 right (0%). Keep at it.")
    assert "• Where was the NRC launched? → A) Rome" in summary.text
    assert summary.choices[0].value == "/practice sample"


def test_practices_are_per_student_and_private(quiz_app: Lectern) -> None:
    ask(quiz_app, "/practice sample")
    assert one(quiz_app, "/practice answer A", OTHER).text.startswith("You are not practising")
    again = one(quiz_app, "/practice")
    assert again.title == "One question of each kind · 1/7", "shows the current question again"
    stopped = one(quiz_app, "/practice stop")
    assert stopped.text.startswith("You got 0 of 7 right")
    assert one(quiz_app, "/practice").title == "Quizzes (1)"


def test_starting_another_practice_replaces_the_first(quiz_app: Lectern) -> None:
    ask(quiz_app, "/practice sample")
    ask(quiz_app, "/practice answer A")
    replies = ask(quiz_app, "/practice sample questions:3")
    assert "was stopped" in replies[0].text
    assert replies[1].title == "One question of each kind · 1/3"


def test_practice_book_is_bounded() -> None:
    book = PracticeBook(capacity=2)
    for user in ("a", "b", "c"):
        book.start(("t", user), Practice(book.new_id(), "q", "Q", []))
    assert len(book) == 2 and book.get(("t", "a")) is None and book.get(("t", "c")) is not None


def test_mentions_in_answers_never_ping(quiz_app: Lectern) -> None:
    ask(quiz_app, "/practice sample")
    for reply in ask(quiz_app, "/practice answer @everyone <@&123> <!channel>"):
        assert "@everyone" not in reply.text and "<!channel>" not in reply.text
        assert "<@&" not in reply.text


def test_a_click_on_a_closed_practice_question_is_refused(quiz_app: Lectern) -> None:
    first = ask(quiz_app, "/practice sample")[1]
    stale = first.choices[1].value  # question 1's B
    ask(quiz_app, first.choices[0].value)  # answers question 1
    refused = ask(quiz_app, stale)
    assert refused[0].text == "That question has closed; question 2 of 7 is open now."
    practice = quiz_app.practices.get(("test", "s1"))
    assert practice is not None and practice.number == 2, "the open question is not used up"
    assert refused[1].title == "One question of each kind · 2/7"
    again = ask(quiz_app, "/practice sample")[1]
    replaced = ask(quiz_app, first.choices[0].value.replace("q1", "q2"))
    assert replaced[0].text.startswith("That question has closed"), "another practice's button"
    assert again.choices[0].value.endswith("q1") and "#p2 " in again.choices[0].value
