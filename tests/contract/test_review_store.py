"""The ReviewStore contract on every engine: memories, the review log, due order, forgetting."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone

import sqlalchemy as sa

from bot.core.review.records import ItemRef, MemoryState, Review, Source, Student
from bot.store.review_sql import due_query
from bot.store.sql_store import SqlStore
from bot.store.tables import review_log

T0 = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
ANA = Student("discord", "u1")
ROME = ItemRef("rome", "treaty:q1")


def _memory(
    item: ItemRef = ROME,
    due: datetime = T0,
    student: Student = ANA,
    reviews: int = 1,
    right: int = 1,
) -> MemoryState:
    return MemoryState(
        student=student,
        item=item,
        topic="europe",
        state=2,
        step=None,
        stability=3.173094510123456,
        difficulty=5.282434422937776,
        due=due,
        last_review=T0 - timedelta(days=1, microseconds=123457),
        reviews=reviews,
        right=right,
    )


def _review(
    after: MemoryState,
    at: datetime = T0,
    rating: int = 3,
    correct: bool = True,
    source: Source = "review",
) -> Review:
    return Review(after, rating, correct, source, at, elapsed_ms=4200)


async def _log(store: SqlStore, student: Student) -> list[tuple[str, str, int, bool, str]]:
    async with store.engine.connect() as connection:
        rows = await connection.execute(
            sa.select(review_log)
            .where(review_log.c.platform == student.platform)
            .where(review_log.c.user_id == student.user_id)
            .order_by(review_log.c.id)
        )
        return [(r.quiz_id, r.card_key, r.rating, bool(r.correct), r.source) for r in rows]


async def test_a_memory_is_saved_and_read_back_exactly(store: SqlStore) -> None:
    learning = MemoryState(
        ANA, ItemRef("isaf", "e12:event-3"), None, 1, 0, None, None, T0, None, 0, 0
    )
    await store.save_reviews([_review(_memory()), _review(learning, rating=1, correct=False)])
    found = await store.memories(ANA, [ROME, learning.item])
    assert found == {ROME: _memory(), learning.item: learning}
    stored = found[ROME]
    assert stored.stability == 3.173094510123456 and stored.difficulty == 5.282434422937776
    assert stored.due.tzinfo is not None and stored.due.utcoffset() == timedelta(0)
    assert stored.last_review is not None and stored.last_review.tzinfo is not None
    assert await store.all_memories(ANA) == [learning, _memory()]


async def test_a_datetime_in_another_zone_is_stored_as_the_same_instant(store: SqlStore) -> None:
    oslo = timezone(timedelta(hours=1))
    await store.save_reviews([_review(_memory(due=T0.astimezone(oslo)))])
    [memory] = await store.all_memories(ANA)
    assert memory.due == T0 and memory.due.utcoffset() == timedelta(0)
    assert [m.item for m in await store.due(ANA, T0, 10)] == [ROME]
    assert await store.due(ANA, T0 - timedelta(microseconds=1), 10) == []


async def test_a_second_review_replaces_the_memory_and_both_are_logged(store: SqlStore) -> None:
    await store.save_reviews([_review(_memory())])
    later = replace(_memory(due=T0 + timedelta(days=9), reviews=2, right=1), state=3, step=1)
    later = replace(later, topic="treaties", stability=0.5, difficulty=9.25)
    await store.save_reviews([_review(later, T0 + timedelta(hours=1), 1, False, "practice")])
    assert await store.memories(ANA, [ROME]) == {ROME: later}
    assert await store.all_memories(ANA) == [later]
    assert await _log(store, ANA) == [
        ("rome", "treaty:q1", 3, True, "review"),
        ("rome", "treaty:q1", 1, False, "practice"),
    ]


async def test_a_batch_with_two_reviews_of_one_item_keeps_the_last(store: SqlStore) -> None:
    other = ItemRef("rome", "treaty:q2")
    first = _memory(due=T0 + timedelta(days=1), reviews=1)
    last = _memory(due=T0 + timedelta(minutes=10), reviews=2, right=1)
    await store.save_reviews(
        [
            _review(first),
            _review(_memory(other)),
            _review(last, T0 + timedelta(seconds=30), 1, False),
        ]
    )
    assert await store.memories(ANA, [ROME, other]) == {ROME: last, other: _memory(other)}
    assert [entry[1:3] for entry in await _log(store, ANA)] == [
        ("treaty:q1", 3),
        ("treaty:q2", 3),
        ("treaty:q1", 1),
    ]


async def test_due_is_most_overdue_first_limited_and_leaves_out_the_not_yet_due(
    store: SqlStore,
) -> None:
    items = {name: ItemRef("rome", name) for name in ("a", "b", "c", "d", "e")}
    await store.save_reviews(
        [
            _review(_memory(items["a"], T0 - timedelta(hours=1))),
            _review(_memory(items["b"], T0 - timedelta(days=3))),
            _review(_memory(items["c"], T0)),  # due exactly now
            _review(_memory(items["d"], T0 + timedelta(seconds=1))),  # not yet
            _review(_memory(ItemRef("alpha", "z"), T0 - timedelta(hours=1))),  # a tie on due
            _review(_memory(items["e"], T0 - timedelta(days=30), Student("slack", "u1"))),
        ]
    )
    due = await store.due(ANA, T0, 10)
    assert [(m.item.quiz_id, m.item.card_key) for m in due] == [
        ("rome", "b"),
        ("alpha", "z"),
        ("rome", "a"),
        ("rome", "c"),
    ]
    assert all(m.student == ANA for m in due)
    assert [m.item.card_key for m in await store.due(ANA, T0, 2)] == ["b", "z"]
    assert await store.due(ANA, T0 - timedelta(days=4), 10) == []


async def test_next_due_is_the_earliest_due_or_not(store: SqlStore) -> None:
    assert await store.next_review_due(ANA) is None
    await store.save_reviews(
        [
            _review(_memory(ItemRef("rome", "a"), T0 + timedelta(days=2))),
            _review(_memory(ItemRef("rome", "b"), T0 + timedelta(hours=5))),
        ]
    )
    soonest = await store.next_review_due(ANA)
    assert soonest == T0 + timedelta(hours=5) and soonest.tzinfo is not None
    assert await store.next_review_due(Student("slack", "u1")) is None


async def test_memories_gives_only_the_items_asked_for_that_exist(store: SqlStore) -> None:
    met = [ItemRef("rome", f"q{n}") for n in range(3)]
    await store.save_reviews([_review(_memory(item)) for item in met])
    asked = [met[0], met[2], ItemRef("rome", "never"), ItemRef("isaf", "q0")]
    assert set(await store.memories(ANA, asked)) == {met[0], met[2]}
    assert await store.memories(ANA, []) == {}
    many = [ItemRef("rome", f"q{n}") for n in range(1000)]  # more than one query's worth
    assert set(await store.memories(ANA, many)) == set(met)


async def test_students_are_separate_per_platform_and_user_id(store: SqlStore) -> None:
    slack = Student("slack", "u1")  # the same user id on another platform
    bea = Student("discord", "u2")
    await store.save_reviews(
        [
            _review(_memory(student=ANA)),
            _review(_memory(student=slack, due=T0 - timedelta(days=1), reviews=7)),
            _review(_memory(ItemRef("isaf", "x"), student=bea), T0 + timedelta(days=3)),
        ]
    )
    assert [m.reviews for m in await store.all_memories(ANA)] == [1]
    assert [m.reviews for m in await store.all_memories(slack)] == [7]
    assert (await store.memories(slack, [ROME]))[ROME].student == slack
    assert await store.memories(bea, [ROME]) == {}
    assert [m.student for m in await store.due(slack, T0, 10)] == [slack]
    assert await store.study_days(ANA, date(2026, 1, 1)) == [date(2026, 11, 22)]
    assert await store.study_days(bea, date(2026, 1, 1)) == [date(2026, 11, 25)]


async def test_study_days_are_distinct_utc_days_newest_first_from_since(store: SqlStore) -> None:
    times = [
        datetime(2026, 11, 20, 23, 59, 59, tzinfo=UTC),
        datetime(2026, 11, 21, 0, 0, tzinfo=UTC),
        datetime(2026, 11, 21, 18, 0, tzinfo=UTC),
        # 00:30 on the 23rd in Oslo is still the 22nd in UTC.
        datetime(2026, 11, 23, 0, 30, tzinfo=timezone(timedelta(hours=1))),
        datetime(2026, 11, 25, 8, 0, tzinfo=UTC),
        datetime(2026, 10, 1, 8, 0, tzinfo=UTC),
    ]
    await store.save_reviews([_review(_memory(), at) for at in times])
    assert await store.study_days(ANA, date(2026, 11, 1)) == [
        date(2026, 11, 25),
        date(2026, 11, 22),
        date(2026, 11, 21),
        date(2026, 11, 20),
    ]
    assert await store.study_days(ANA, date(2026, 11, 21)) == [
        date(2026, 11, 25),
        date(2026, 11, 22),
        date(2026, 11, 21),
    ]
    assert await store.study_days(ANA, date(2026, 11, 26)) == []
    assert await store.study_days(Student("discord", "nobody"), date(2026, 1, 1)) == []


async def test_forget_deletes_only_that_students_data_and_counts_the_reviews(
    store: SqlStore,
) -> None:
    slack = Student("slack", "u1")
    other = ItemRef("rome", "treaty:q2")
    await store.save_reviews(
        [
            _review(_memory()),
            _review(_memory(other)),
            _review(_memory(), T0 + timedelta(days=1)),
            _review(_memory(student=slack)),
        ]
    )
    assert await store.forget(ANA) == 3
    assert await store.all_memories(ANA) == []
    assert await store.study_days(ANA, date(2026, 1, 1)) == []
    assert await _log(store, ANA) == []
    assert len(await store.all_memories(slack)) == 1
    assert len(await _log(store, slack)) == 1
    assert await store.forget(ANA) == 0


async def test_the_due_query_uses_its_index(store: SqlStore) -> None:
    students = [Student("discord", f"u{n}") for n in range(20)]
    await store.save_reviews(
        [
            _review(_memory(ItemRef("rome", f"q{q}"), T0 + timedelta(hours=q - 25), student))
            for student in students
            for q in range(50)
        ]
    )
    sql = str(
        due_query(ANA, T0, 20).compile(
            dialect=store.engine.dialect, compile_kwargs={"literal_binds": True}
        )
    )
    async with store.engine.begin() as connection:
        if store.engine.dialect.name == "postgresql":
            await connection.exec_driver_sql("ANALYZE review_memories")
            # A small table is read whole whatever its indexes: forbid that to see the choice.
            await connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
            explain = "EXPLAIN"
        else:
            explain = "EXPLAIN QUERY PLAN"
        rows = await connection.exec_driver_sql(f"{explain} {sql}")
        plan = "\n".join(str(row[-1]) for row in rows)
    assert "ix_review_memories_due" in plan, plan


async def test_a_running_practice_is_kept_replaced_ended_and_forgotten(store: SqlStore) -> None:
    other = Student("slack", ANA.user_id)
    assert await store.load_practice(ANA) is None
    await store.save_practice(ANA, '{"step": 1}', T0)
    await store.save_practice(other, '{"step": 9}', T0)
    await store.save_practice(ANA, '{"step": 2}', T0 + timedelta(minutes=1))
    assert await store.load_practice(ANA) == '{"step": 2}', "one practice a student"
    await store.end_practice(ANA)
    assert await store.load_practice(ANA) is None
    assert await store.load_practice(other) == '{"step": 9}', "per platform"
    await store.save_practice(ANA, '{"step": 3}', T0)
    await store.forget(ANA)
    assert await store.load_practice(ANA) is None, "forgetting drops the practice too"
    assert await store.load_practice(other) == '{"step": 9}'
