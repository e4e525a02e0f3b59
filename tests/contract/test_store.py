"""The Store contract: what every engine must do, including under concurrency."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from bot.core.messages import Channel
from bot.core.quiz.records import AnswerIn, NewSession
from bot.store.sql_store import SqlStore

T0 = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
ROOM = Channel("test", "class-1", "school")


def _new(place: Channel = ROOM, at: datetime = T0, quiz: str = "timeline") -> NewSession:
    return NewSession(
        place=place,
        quiz_id=quiz,
        quiz_title=quiz.title(),
        started_by="t1",
        started_at=at,
        scoring="speed",
        seconds=20,
        cards="[]",
        question_count=3,
    )


def _answer(
    session: int,
    user: str,
    question: int = 0,
    correct: bool = True,
    points: int = 100,
    first_only: bool = False,
    at: datetime = T0,
) -> AnswerIn:
    return AnswerIn(
        session_id=session,
        question=question,
        user_id=user,
        display_name=user.title(),
        text="B",
        correct=correct,
        points=points,
        latency_ms=1500,
        answered_at=at,
        first_only=first_only,
    )


async def test_one_running_session_per_channel(store: SqlStore) -> None:
    first = await store.start_session(_new())
    assert first is not None and first.status == "running" and first.current == -1
    assert first.started_at == T0
    assert await store.start_session(_new()) is None, "the database refuses a second one"
    other = await store.start_session(_new(Channel("test", "class-2")))
    assert other is not None and other.id != first.id
    assert (await store.running(ROOM)) == first
    await store.finish(first.id, "finished", T0 + timedelta(minutes=5))
    assert await store.running(ROOM) is None
    again = await store.start_session(_new())
    assert again is not None, "a finished session frees the channel"
    assert [s.id for s in await store.all_running({"test"})] == [other.id, again.id]
    slack = await store.start_session(_new(Channel("slack", "C1")))
    assert slack is not None
    assert [s.id for s in await store.all_running({"test"})] == [other.id, again.id]
    assert [s.id for s in await store.all_running({"slack"})] == [slack.id]
    assert await store.all_running(set()) == []


async def test_advance_finish_and_history(store: SqlStore) -> None:
    session = await store.start_session(_new())
    assert session is not None
    await store.advance(session.id, 1, "rome", T0)
    record = await store.get_session(session.id)
    assert record is not None and record.current == 1
    await store.finish(session.id, "stopped", T0 + timedelta(minutes=2))
    await store.advance(session.id, 2, "pjc", T0)  # a finished session no longer moves
    record = await store.get_session(session.id)
    assert record is not None
    assert (record.status, record.current, record.ended_at) == (
        "stopped",
        1,
        T0 + timedelta(minutes=2),
    )
    async with store.engine.connect() as connection:
        asked = (
            await connection.execute(sa.text("SELECT question, card_key FROM questions"))
        ).all()
    assert [tuple(row) for row in asked] == [(1, "rome")], "the question asked is recorded"
    later = await store.start_session(_new(at=T0 + timedelta(hours=1)))
    assert later is not None
    assert [s.id for s in await store.sessions_in(ROOM)] == [later.id, session.id]
    assert await store.get_session(9999) is None


async def test_one_answer_per_student_per_question(store: SqlStore) -> None:
    session = await store.start_session(_new())
    assert session is not None
    outcomes = await store.record_answers(
        [_answer(session.id, "ann"), _answer(session.id, "bob", correct=False)]
    )
    assert [(o.accepted, o.points) for o in outcomes] == [(True, 100), (True, 0)]
    again = await store.record_answers(
        [_answer(session.id, "ann", points=90), _answer(session.id, "ann", question=1, points=80)]
    )
    assert [(o.accepted, o.points) for o in again] == [(False, 0), (True, 80)]
    twice_in_batch = await store.record_answers(
        [_answer(session.id, "cy", question=1), _answer(session.id, "cy", question=1)]
    )
    assert [o.accepted for o in twice_in_batch] == [True, False]
    scores = await store.scores(session.id)
    assert [(s.user_id, s.points, s.correct, s.answered) for s in scores] == [
        ("ann", 180, 2, 2),
        ("cy", 100, 1, 1),
        ("bob", 0, 0, 1),
    ]
    rows = await store.answers(session.id)
    assert [(r.question, r.user_id, r.correct, r.points) for r in rows] == [
        (0, "ann", True, 100),
        (0, "bob", False, 0),
        (1, "ann", True, 80),
        (1, "cy", True, 100),
    ]
    assert rows[0].answered_at == T0 and rows[0].latency_ms == 1500


async def test_first_correct_answer_wins_once(store: SqlStore) -> None:
    session = await store.start_session(_new())
    assert session is not None
    s = session.id
    outcomes = await store.record_answers(
        [
            _answer(s, "late", first_only=True, at=T0 + timedelta(seconds=3)),
            _answer(s, "wrong", correct=False, first_only=True, at=T0),
            _answer(s, "early", first_only=True, at=T0 + timedelta(seconds=1)),
        ]
    )
    assert [(o.points, o.first) for o in outcomes] == [(0, False), (0, False), (100, True)]
    later = await store.record_answers([_answer(s, "slow", first_only=True)])
    assert (later[0].accepted, later[0].points, later[0].first) == (True, 0, False)
    points = {r.user_id: r.points for r in await store.answers(s)}
    assert points == {"late": 0, "wrong": 0, "early": 100, "slow": 0}


async def test_concurrent_batches_keep_the_rules(store: SqlStore) -> None:
    """Many writers at once: still one answer each and a single first correct answer."""
    session = await store.start_session(_new())
    assert session is not None
    batches = [
        [_answer(session.id, f"s{n % 25}", first_only=True, at=T0 + timedelta(milliseconds=n))]
        for n in range(100)
    ]
    results = await asyncio.gather(*(store.record_answers(b) for b in batches))
    accepted = [o for batch in results for o in batch if o.accepted]
    assert len(accepted) == 25
    assert sum(o.first for batch in results for o in batch) == 1
    assert sum(o.points for o in accepted) == 100


async def test_leaderboards_are_queries(store: SqlStore) -> None:
    week_ago = T0 - timedelta(days=8)
    old = await store.start_session(_new(at=week_ago))
    assert old is not None
    await store.record_answers([_answer(old.id, "ann", points=500)])
    await store.finish(old.id, "finished", week_ago)
    new = await store.start_session(_new(at=T0, quiz="who-said-it"))
    assert new is not None
    await store.record_answers([_answer(new.id, "bob", points=300), _answer(new.id, "ann")])
    await store.finish(new.id, "finished", T0)
    elsewhere = await store.start_session(_new(Channel("test", "class-9", "school"), at=T0))
    assert elsewhere is not None
    await store.record_answers([_answer(elsewhere.id, "cy", points=50)])
    await store.finish(elsewhere.id, "finished", T0)
    running = await store.start_session(_new(at=T0))
    assert running is not None
    await store.record_answers([_answer(running.id, "dan", points=999)])

    def table(rows: list) -> list[tuple[str, int]]:  # type: ignore[type-arg]
        return [(r.user_id, r.points) for r in rows]

    assert table(await store.leaderboard("test", channel_id="class-1")) == [
        ("ann", 600),
        ("bob", 300),
    ], "running sessions do not count yet"
    assert table(
        await store.leaderboard("test", channel_id="class-1", since=T0 - timedelta(days=7))
    ) == [
        ("bob", 300),
        ("ann", 100),
    ]
    assert table(await store.leaderboard("test", server_id="school")) == [
        ("ann", 600),
        ("bob", 300),
        ("cy", 50),
    ]
    assert table(await store.leaderboard("test", quiz_id="timeline")) == [("ann", 500), ("cy", 50)]
    top = await store.leaderboard("test", server_id="school", limit=1)
    assert table(top) == [("ann", 600)] and top[0].sessions == 2 and top[0].display_name == "Ann"
    assert await store.leaderboard("other") == []


async def test_an_empty_batch_is_a_no_op(store: SqlStore) -> None:
    assert await store.record_answers([]) == []


async def test_memos_are_kept_and_replaced(store: SqlStore) -> None:
    assert await store.recall("discord:commands") is None
    await store.remember("discord:commands", "abc")
    await store.remember("other", "x" * 5000)
    await store.remember("discord:commands", "def")
    assert await store.recall("discord:commands") == "def"
    assert await store.recall("other") == "x" * 5000


async def test_migrations_are_idempotent(store: SqlStore) -> None:
    from bot.store.migrate import upgrade

    await upgrade(store.engine)  # a second start finds the schema current
    session = await store.start_session(_new())
    assert session is not None


async def test_migrations_build_exactly_the_declared_schema(store: SqlStore) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext
    from sqlalchemy import Connection

    from bot.store.tables import metadata

    def differences(connection: Connection) -> list[object]:
        context = MigrationContext.configure(connection, opts={"compare_server_default": False})
        found: list[object] = compare_metadata(context, metadata)
        return found

    async with store.engine.connect() as connection:
        assert await connection.run_sync(differences) == []


async def test_a_thousand_answers_at_once_with_200_doubles(store: SqlStore) -> None:
    """A class of 1,000 answering together, 200 of them twice, through group commit: nobody is
    refused, one answer each is kept, one first correct answer, and every acknowledged answer
    is in the database (PostgreSQL once deadlocked here, with two flushes in flight)."""
    import random

    from bot.core.quiz.group_commit import GroupCommit

    session = await store.start_session(_new())
    assert session is not None
    answers = [
        _answer(session.id, f"s{n}", first_only=True, at=T0 + timedelta(milliseconds=n))
        for n in range(1000)
    ] + [
        _answer(session.id, f"s{n}", first_only=True, at=T0 + timedelta(seconds=5))
        for n in range(200)
    ]
    random.Random(8).shuffle(answers)
    commits = GroupCommit(store, window=0.001, max_batch=150)
    outcomes = await asyncio.gather(*(commits.submit(a) for a in answers), return_exceptions=True)
    failures = [o for o in outcomes if isinstance(o, BaseException)]
    assert failures == [], failures[:3]
    accepted = {a.user_id for a, o in zip(answers, outcomes, strict=True) if o.accepted}  # type: ignore[union-attr]
    assert len(accepted) == 1000
    assert sum(not o.accepted for o in outcomes) == 200  # type: ignore[union-attr]
    assert sum(o.first for o in outcomes) == 1  # type: ignore[union-attr]
    stored = await store.answers(session.id)
    assert {a.user_id for a in stored} == accepted and len(stored) == 1000
    assert commits.commits >= 8, "the burst was spread over several batches"
