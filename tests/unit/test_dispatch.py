"""The one dispatch: commands and subcommands from the registry, visibility known up front, every
reply through `fit`, and no input that makes any reply ping anyone on either platform."""

from __future__ import annotations

import asyncio
import random
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.core.app import Lectern
from bot.core.course.library import ContentLibrary
from bot.core.daily.poster import DailyPoster
from bot.core.fit import DISCORD, SLACK
from bot.core.messages import Actor, Channel, Command, Reply
from bot.store.sql_store import SqlStore
from tests.conftest import NOON, STUDENT, TEACHER, ask, one
from tests.fakes import FakeOutbox, build_room

CLASS = Channel("test", "class-1")
# What would ping on Discord (mass mentions, users, roles, channels) or Slack (<!channel>,
# <!here>, <!subteam^...>, <@U...>, <#C...>, and plain @channel/@here/@everyone).
LIVE_PING = re.compile(r"@(everyone|here|channel)|<[@!#]", re.IGNORECASE)


def shown(reply: Reply) -> list[str]:
    """Every string a person sees in a reply."""
    return [
        reply.text,
        reply.title or "",
        *(f"{f.name} {f.value}" for f in reply.fields),
        *(c.label for c in reply.choices),
    ]


def test_visibility_is_known_before_the_handler_runs(app: Lectern) -> None:
    assert app.visibility("/fact isaf") == "channel"
    assert app.visibility("/quiz list") == "channel"
    assert app.visibility("/quiz answer B #3 q1") == "private"
    assert app.visibility("/quiz start timeline") == "private"
    assert app.visibility("/practice timeline") == "private"
    assert app.visibility("/help") == "private"
    assert app.visibility("/nonsense") == "private"
    assert app.visibility("no slash") == "private"


def test_a_private_command_never_answers_in_the_channel(app: Lectern) -> None:
    for text in ("/practice", "/quiz", "/help quiz", "/quiz status"):
        assert all(r.ephemeral for r in ask(app, text)), text


def test_every_teacher_command_refuses_a_student(app: Lectern) -> None:
    specs = [s for spec in app.registry.all() for s in (spec, *spec.subcommands)]
    teacher_only = [s for s in specs if s.teacher_only]
    assert {s.name for s in teacher_only} >= {"quiz start", "quiz stop", "quiz results", "reload"}
    for spec in teacher_only:
        reply = one(app, f"/{spec.name} x")
        assert reply.text == f"Only a teacher can use /{spec.name}." and reply.ephemeral


def test_help_shows_a_group_and_its_subcommands(app: Lectern) -> None:
    text = one(app, "/help quiz").text
    assert "Subcommands:" in text and "/quiz results [#id]" in text
    assert one(app, "/help quiz start").title == "/quiz start"


def test_timeline_lists_events_in_order_with_dates_and_sources(app: Lectern) -> None:
    reply = one(app, "/timeline")
    lines = reply.text.splitlines()
    assert len(lines) == len(app.library.catalog.events)
    assert reply.title == f"Timeline: the whole course ({len(lines)} events)"
    events = sorted(app.library.catalog.events.values(), key=lambda e: (e.date, e.id))
    assert all(
        line.split(": ", 1)[1].startswith(e.title) for line, e in zip(lines, events, strict=True)
    )
    assert all(" — " in line and line.endswith(")") for line in lines), "each with its source"
    year = one(app, "/timeline 2002")
    assert year.title == "Timeline: 2002 (3 events)" and "28 May 2002" in year.text
    span = one(app, "/timeline 2001-1999")
    assert span.title is not None and span.title.startswith("Timeline: 1999–2001")
    topic = one(app, "/timeline csto history")
    assert topic.title == "Timeline: History of the CSTO (7 events)"
    person = one(app, "/timeline putin")
    assert person.title is not None and "Putin" in person.title
    assert "Putin" in person.text
    wrong = one(app, "/timeline zzzzzz")
    assert "is not a year, a topic or a person" in wrong.text and "Usage" in wrong.text


def test_long_lists_are_paged_with_next_and_previous(shipped_library: ContentLibrary) -> None:
    app = Lectern(shipped_library, rng=random.Random(1), limits={"test": SLACK})
    first = one(app, "/timeline")
    assert first.title is not None and "(page 1/" in first.title
    pages = int(first.title.split("/")[-1].rstrip(")"))
    assert [c.value for c in first.choices] == ["/timeline page:2"]
    seen = first.text.splitlines()
    for page in range(2, pages + 1):
        reply = one(app, f"/timeline page:{page}")
        assert len(reply.text) <= SLACK.text_chars
        seen += reply.text.splitlines()
    assert [c.label for c in reply.choices] == ["◂ Previous"]
    assert len(seen) == len(shipped_library.catalog.events), "no event dropped or repeated"


def test_an_over_long_reply_is_split_within_the_platform_limits(
    shipped_library: ContentLibrary,
) -> None:
    app = Lectern(shipped_library, rng=random.Random(1), limits={"test": DISCORD})
    replies = ask(app, "/define")
    assert all(len(r.text) <= DISCORD.text_chars for r in replies)
    assert all(len(c.label) <= DISCORD.choice_label_chars for r in replies for c in r.choices)


# Hostile arguments, sent to every command and subcommand, class quizzes included.
_HOSTILE = st.lists(
    st.sampled_from(
        [
            "@everyone",
            "@here",
            "@everyone1",
            "@herein",
            "@channel",
            "<@123>",
            "<@!123>",
            "<@&123>",
            "<#123>",
            "<!channel>",
            "<!here>",
            "<!subteam^S1>",
            "<@U123|bob>",
            "＠everyone",
            "@\u200beveryone",
            "csto",
            "putin",
            "2002",
            "A",
            "1",
            "sample",
            "#1",
            "q1",
        ]
    )
    | st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=12),
    max_size=5,
).map(" ".join)


@pytest.fixture(scope="module")
def class_app() -> Iterator[tuple[asyncio.Runner, Lectern, FakeOutbox]]:
    """An app with class sessions on a SQLite file, on one event loop for every example."""
    library = ContentLibrary(
        [Path(__file__).parents[2] / "content"],
        quiz_paths=[Path(__file__).parent.parent / "fixtures" / "quizzes-good"],
    )
    runner = asyncio.Runner()
    database = Path(tempfile.mkdtemp(prefix="lectern-hostile-")) / "lectern.db"
    store = runner.run(SqlStore.open(f"sqlite+aiosqlite:///{database}"))
    outbox = FakeOutbox()
    room, delivery = build_room(store, outbox)
    daily = DailyPoster(store, delivery, library, platforms={"test"})
    app = Lectern(library, rng=random.Random(5), classroom=room, store=store, daily=daily)
    yield runner, app, outbox
    runner.run(store.close())
    runner.close()


def _commands(app: Lectern) -> list[str]:
    names = [f"/{s.name}" for spec in app.registry.all() for s in (spec, *spec.subcommands)]
    return [
        *names,
        "/quiz start sample",
        "/practice sample",
        "/leaderboard period:week",
        "/daily set 08:00",
        "/daily set 08:00 UTC topic:",
    ]


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_no_reply_or_post_pings_anyone(
    class_app: tuple[asyncio.Runner, Lectern, FakeOutbox], data: st.DataObject
) -> None:
    runner, app, outbox = class_app
    command = data.draw(st.sampled_from(_commands(app)))
    payload = data.draw(_HOSTILE)
    who = data.draw(st.sampled_from([STUDENT, TEACHER, Actor("test", "<@1>", "@everyone")]))
    text = f"{command} {payload}"
    replies = runner.run(app.dispatch(Command(who, CLASS, text, NOON)))
    assert replies, text
    posted, edited = len(outbox.posted), len(outbox.edits)
    assert app.daily is not None
    runner.run(app.daily.drain())  # a fact of the day that /daily now posted
    runner.run(app.classroom.delivery.drain())  # type: ignore[union-attr]
    engine_said = [r for _, r in outbox.posted[posted:]] + [r for _, r in outbox.edits[edited:]]
    for reply in [*replies, *engine_said]:
        for shown_text in shown(reply):
            assert not LIVE_PING.search(shown_text), (text, shown_text)
        assert "something went wrong" not in reply.text, text


def test_teacher_commands_are_known_before_the_handler_runs(app: Lectern) -> None:
    assert app.teacher_only("/quiz start timeline") and app.teacher_only("/reload")
    assert app.teacher_only("/quiz results #3")
    assert not app.teacher_only("/quiz answer B") and not app.teacher_only("/fact")
    assert not app.teacher_only("/nonsense") and not app.teacher_only("no slash")
