"""/quiz start|answer|skip|stop|status|results and /leaderboard through the app's async dispatch."""

from __future__ import annotations

import csv
import io
import random
from collections.abc import AsyncIterator
from datetime import datetime, timedelta

import pytest

from bot.core.app import Lectern
from bot.core.commands.class_quiz import NO_CHART
from bot.core.course.library import ContentLibrary
from bot.core.messages import Actor, Channel, Command, Reply
from bot.core.quiz import charts
from bot.core.quiz.classroom import Classroom
from bot.store.sql_store import SqlStore
from tests.conftest import CONTENT, FIXTURES, NOON, ROOT
from tests.fakes import FakeOutbox, build_room

TESS = Actor("test", "t1", "Tess", frozenset({"teacher"}))
ANN, BOB, CY = (Actor("test", u, u.title()) for u in ("ann", "bob", "cy"))
CLASS = Channel("test", "class-1", server_id="school")


@pytest.fixture
async def setup(store: SqlStore) -> AsyncIterator[tuple[Lectern, FakeOutbox, Classroom]]:
    outbox = FakeOutbox()
    classroom, delivery = build_room(store, outbox)
    library = ContentLibrary([CONTENT], root=ROOT, quiz_paths=[FIXTURES / "quizzes-good"])
    app = Lectern(library, rng=random.Random(2), classroom=classroom, store=store)
    yield app, outbox, classroom
    await delivery.drain()


async def say(app: Lectern, who: Actor, text: str, at: datetime = NOON) -> Reply:
    replies = await app.dispatch(Command(actor=who, channel=CLASS, text=text, at=at))
    assert len(replies) == 1, replies
    return replies[0]


async def test_a_class_plays_and_the_teacher_exports(
    setup: tuple[Lectern, FakeOutbox, Classroom],
) -> None:
    app, outbox, classroom = setup
    assert (await say(app, ANN, "/quiz start sample")).text == "Only a teacher can use /quiz start."
    started = await say(app, TESS, "/quiz start sample questions:2 seconds:10 scoring:flat")
    assert started.text.startswith("Started “One question of each kind”: 2 questions, 10 s each")
    again = await say(app, TESS, "/quiz start sample")
    assert again.text.startswith("A quiz is already running in this channel.")
    running = classroom.running_in(classroom.sessions[0].place)
    assert running is not None
    first = running.card
    right = "ABCDE"[first.correct] if first.options else first.answers[0]
    assert (await say(app, ANN, f"/quiz answer {right}")).text == "Answer received."
    assert (await say(app, BOB, "/quiz answer zzz-not-it")).text in (
        "Answer received.",
        "Answer with a letter from A to C.",
        "Answer with a letter from A to B.",
    )
    assert (await say(app, CY, "/quiz answer")).text.startswith("What is your answer?")
    assert "question 1 of 2" in (await say(app, CY, "/quiz status")).text
    assert (await say(app, ANN, "/quiz skip")).text == "Only a teacher can use /quiz skip."
    assert (await say(app, TESS, "/quiz skip")).text == "Skipped."
    assert (await say(app, TESS, "/quiz stop")).text == "Stopped."
    await classroom.delivery.drain()
    assert outbox.titles()[-1] == "“One question of each kind” was stopped"
    results = await say(app, TESS, "/quiz results")
    assert results.attachment is not None and results.attachment.media_type == "text/csv"
    rows = list(csv.reader(io.StringIO(results.attachment.content.decode())))
    assert rows[0] == [
        "question",
        "prompt",
        "topic",
        "student",
        "name",
        "answer",
        "choice",
        "correct",
        "points",
        "seconds",
    ]
    assert rows[1][0] == "1" and rows[1][1] == first.prompt and rows[1][2] == "nrc"
    assert rows[1][3:5] == ["ann", "Ann"] and rows[1][7:9] == ["yes", "1000"]
    assert rows[1][6] == (right if first.options else ""), "the chosen choice's letter"
    assert ["summary", "student", "name", "points", "correct", "answered"] in rows
    board = await say(app, CY, "/leaderboard", NOON + timedelta(minutes=1))
    assert board.title == "Leaderboard: this channel, all time"
    assert board.text.startswith("1. Ann: 1000 points (1 right, 1 quiz)")
    server = await say(app, CY, "/leaderboard sample period:week scope:server")
    assert server.title == "Leaderboard: this server in sample, week"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("/quiz start", "Which quiz?"),
        ("/quiz start nothing-like-it", "There is no quiz “nothing-like-it”."),
        ("/quiz start sample seconds:1", "seconds: must be a whole number from 2 to 600."),
        ("/quiz start sample questions:x", "questions: must be a whole number from 1 to 100."),
        ("/quiz start sample scoring:fastest", "scoring: must be one of speed, first, flat."),
        ("/quiz results #99", "No session #99 in this channel."),
        ("/quiz skip", "No quiz is running in this channel."),
        ("/leaderboard period:year", "period: must be week, month or all."),
        ("/leaderboard scope:galaxy", "scope: must be channel or server."),
    ],
)
async def test_wrong_use_says_how(
    setup: tuple[Lectern, FakeOutbox, Classroom], text: str, expected: str
) -> None:
    app, _, _ = setup
    assert (await say(app, TESS, text)).text.startswith(expected)


async def test_answers_without_a_quiz_and_the_old_commands_still_work(
    setup: tuple[Lectern, FakeOutbox, Classroom],
) -> None:
    app, _, _ = setup
    assert (await say(app, ANN, "/quiz answer B")).text == "No question is open right now."
    assert (await say(app, ANN, "/quiz results")).text == "Only a teacher can use /quiz results."
    assert (await say(app, ANN, "/define NRC")).title is not None
    assert (await say(app, TESS, "/quiz results")).text == (
        "No quiz has been played in this channel yet."
    )


async def test_the_teacher_gets_a_report_with_its_chart(
    setup: tuple[Lectern, FakeOutbox, Classroom],
) -> None:
    app, _, classroom = setup
    assert (await say(app, TESS, "/quiz report")).text == (
        "No quiz has been played in this channel yet."
    )
    await say(app, TESS, "/quiz start sample questions:1 seconds:10 scoring:flat")
    await say(app, TESS, "/quiz stop")
    empty = await say(app, TESS, "/quiz report")
    assert empty.text.startswith("No one answered in #") and "nothing to report" in empty.text
    await say(app, TESS, "/quiz start sample questions:2 seconds:10 scoring:flat")
    running = classroom.running_in(CLASS)
    assert running is not None
    card = running.card
    right = "ABCDE"[card.correct] if card.options else card.answers[0]
    await say(app, ANN, f"/quiz answer {right}")
    await say(app, TESS, "/quiz stop")
    await classroom.delivery.drain()
    assert (await say(app, ANN, "/quiz report")).text == "Only a teacher can use /quiz report."
    report = await say(app, TESS, "/quiz report")
    assert report.ephemeral and report.title == "Quiz report"
    assert report.text.splitlines()[1].startswith("Q1: 100% right (1 of 1; median 0.0 s).")
    assert "Every student got at least half right." in report.text
    assert report.attachment is not None and report.attachment.media_type == "image/png"
    assert report.attachment.content.startswith(b"\x89PNG")
    older = await say(app, TESS, "/quiz report #1")
    assert older.text.startswith("No one answered in #1")


async def test_the_teacher_sees_the_class_progress_by_topic(
    setup: tuple[Lectern, FakeOutbox, Classroom],
) -> None:
    app, _, classroom = setup
    late = NOON + timedelta(days=40)
    assert (await say(app, ANN, "/class progress", late)).text == (
        "Only a teacher can use /class progress."
    )
    assert (
        "period: must be week, month or all."
        in (await say(app, TESS, "/class progress period:year", late)).text
    )
    empty = await say(app, TESS, "/class progress", late)
    assert empty.text == "No class quiz was answered in this channel in the last month."
    for at in (NOON, late - timedelta(days=1)):
        await say(app, TESS, "/quiz start sample questions:1 seconds:10 scoring:flat", at)
        running = classroom.running_in(CLASS)
        assert running is not None
        card = running.card
        right = "ABCDE"[card.correct] if card.options else card.answers[0]
        await say(app, ANN, f"/quiz answer {right}", at)
        await say(app, BOB, "/quiz answer zzz-not-it", at)
        await say(app, TESS, "/quiz stop", at)
    await classroom.delivery.drain()
    month = await say(app, TESS, "/class progress", late)
    assert month.title == "Class progress" and month.ephemeral
    lines = month.text.splitlines()
    assert lines[0] == "Class progress over the last month: 1 session."
    assert lines[1].startswith("• ") and "(one session)" in lines[1]
    assert month.attachment is not None and month.attachment.content.startswith(b"\x89PNG")
    every = await say(app, TESS, "/class progress period:all", late)
    assert every.text.splitlines()[0] == "Class progress over all time: 2 sessions."


async def test_a_chart_over_the_upload_limit_is_left_out_and_the_figures_stay(
    setup: tuple[Lectern, FakeOutbox, Classroom], monkeypatch: pytest.MonkeyPatch
) -> None:
    app, _, classroom = setup
    await say(app, TESS, "/quiz start sample questions:1 seconds:10 scoring:flat")
    running = classroom.running_in(CLASS)
    assert running is not None
    right = "ABCDE"[running.card.correct] if running.card.options else running.card.answers[0]
    await say(app, ANN, f"/quiz answer {right}")
    await say(app, TESS, "/quiz stop")
    await classroom.delivery.drain()
    monkeypatch.setattr(charts, "MAX_BYTES", 100)  # no PNG is that small at any resolution
    report = await say(app, TESS, "/quiz report")
    assert report.attachment is None and report.text.endswith(NO_CHART)
    assert "Q1: 100% right (1 of 1" in report.text
    progress = await say(app, TESS, "/class progress")
    assert progress.attachment is None and progress.text.endswith(NO_CHART)
