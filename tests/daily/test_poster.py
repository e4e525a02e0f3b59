"""The daily poster with a fake clock on every engine: posts fall due in local time, once, in a
cycle of facts; catch-up, /daily now, a deleted channel and a reload that removes a fact."""

from __future__ import annotations

import random
import shutil
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest

from bot.bootstrap import Bot, assemble
from bot.core.course.library import ContentLibrary
from bot.core.daily.cycle import pick
from bot.core.daily.records import NewSchedule
from bot.core.messages import Actor, Channel, Command, Reply
from bot.store.sql_store import SqlStore
from tests.conftest import FIXTURES
from tests.fakes import FakeClock, FakeOutbox

TEACHER = Actor("test", "t1", "Tess", frozenset({"teacher"}))
STUDENT = Actor("test", "s1", "Sam")
ROOM = Channel("test", "class-1", "school", "history")
# Sunday 22 November 2026, 12:00 UTC = 13:00 in Oslo.
START = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


@dataclass
class Run:
    bot: Bot
    clock: FakeClock
    outbox: FakeOutbox
    store: SqlStore

    async def say(self, text: str, actor: Actor = TEACHER, place: Channel = ROOM) -> Reply:
        [reply] = await self.bot.app.dispatch(Command(actor, place, text, self.clock.now()))
        return reply

    async def until(self, moment: datetime) -> None:
        """Move the clock to `moment`, ticking the timers at every deadline on the way."""
        while True:
            due = self.bot.timers.next_deadline()
            if due is None or due > moment:
                break
            self.clock.at = max(self.clock.at, due)
            await self.bot.timers.tick(self.clock.at)
            await self.settle()
        self.clock.at = moment
        await self.bot.timers.tick(moment)
        await self.settle()

    async def settle(self) -> None:
        await self.bot.daily.drain()
        await self.bot.delivery.drain()
        await self.bot.daily.drain()

    def daily_posts(self, channel: str = "class-1") -> list[Reply]:
        return [
            r
            for where, r in self.outbox.posted
            if where == channel and r.title == "Fact of the day"
        ]


def _run(
    library: ContentLibrary,
    store: SqlStore,
    at: datetime = START,
    poll: timedelta = timedelta(days=1),  # one process here: no need to look every minute
) -> Run:
    clock = FakeClock(at)
    outbox = FakeOutbox(clock=clock)
    bot = assemble(
        library,
        store,
        {"test": outbox},
        clock,
        rng=random.Random(3),
        sleep=clock.sleep,
        daily_poll=poll,
    )
    return Run(bot, clock, outbox, store)


@pytest.fixture
async def run(shipped_library: ContentLibrary, store: SqlStore) -> AsyncIterator[Run]:
    started = _run(shipped_library, store)
    yield started
    await started.bot.close()


async def test_the_fact_of_the_day_comes_at_the_local_time_once_with_its_citation_and_choices(
    run: Run,
) -> None:
    reply = await run.say("/daily set 08:00 Europe/Oslo")
    assert reply.title == "Daily fact set" and reply.ephemeral
    assert "Next post: Mon 23 Nov, 08:00 Europe/Oslo (07:00 UTC)" in reply.text
    await run.until(datetime(2026, 11, 23, 6, 59, tzinfo=UTC))
    assert run.daily_posts() == []
    await run.until(datetime(2026, 11, 23, 7, 0, tzinfo=UTC))
    [post] = run.daily_posts()
    assert post.citation is not None and post.text
    values = [c.value for c in post.choices]
    assert values[0].startswith("/fact ") and values[1].endswith(" questions:1")
    assert values[1].startswith("/practice ")
    assert run.outbox.keys[-1] == "d1-20261123", "one key per channel and day"
    await run.until(datetime(2026, 11, 23, 12, 0, tzinfo=UTC))
    assert len(run.daily_posts()) == 1, "never twice the same day"
    await run.until(datetime(2026, 11, 24, 7, 0, tzinfo=UTC))
    assert len(run.daily_posts()) == 2
    [log, *_] = await run.store.posts(1)
    assert (log.day, log.status) == (date(2026, 11, 24), "posted") and log.fact_id


async def test_the_choices_of_a_post_are_commands_that_work(run: Run) -> None:
    await run.say("/daily set 08:00 Europe/Oslo")
    await run.until(datetime(2026, 11, 23, 7, 0, tzinfo=UTC))
    [post] = run.daily_posts()
    for choice in post.choices:
        replies = await run.bot.app.dispatch(Command(STUDENT, ROOM, choice.value, run.clock.now()))
        assert replies and "Sorry" not in replies[0].text and "Usage" not in replies[0].text


async def test_across_dst_the_post_keeps_its_wall_time_and_a_missing_time_moves_forward(
    shipped_library: ContentLibrary, store: SqlStore
) -> None:
    run = _run(shipped_library, store, datetime(2026, 3, 27, 12, 0, tzinfo=UTC))
    await run.say("/daily set 02:30 Europe/Oslo")
    await run.until(datetime(2026, 3, 31, 12, 0, tzinfo=UTC))
    log = await store.posts(1)
    assert len(run.daily_posts()) == 4
    assert {p.status for p in log} == {"posted"}
    # each was claimed at the moment it fell due:
    assert sorted(p.at for p in log) == [
        datetime(2026, 3, 28, 1, 30, tzinfo=UTC),  # 02:30 CET
        datetime(2026, 3, 29, 1, 0, tzinfo=UTC),  # 02:30 does not exist: 03:00 CEST
        datetime(2026, 3, 30, 0, 30, tzinfo=UTC),  # 02:30 CEST
        datetime(2026, 3, 31, 0, 30, tzinfo=UTC),
    ]
    await run.bot.close()


async def test_autumn_back_posts_once_on_the_repeated_hour(
    shipped_library: ContentLibrary, store: SqlStore
) -> None:
    run = _run(shipped_library, store, datetime(2026, 10, 24, 12, 0, tzinfo=UTC))
    await run.say("/daily set 02:30 Europe/Oslo")
    await run.until(datetime(2026, 10, 25, 12, 0, tzinfo=UTC))
    [log] = await store.posts(1)
    assert log.at == datetime(2026, 10, 25, 0, 30, tzinfo=UTC), "the first 02:30"
    assert len(run.daily_posts()) == 1
    await run.bot.close()


@pytest.mark.parametrize(
    ("zone", "first_utc"),
    [
        ("America/New_York", datetime(2026, 11, 22, 13, 0, tzinfo=UTC)),
        ("Asia/Kolkata", datetime(2026, 11, 23, 2, 30, tzinfo=UTC)),
        ("Asia/Kathmandu", datetime(2026, 11, 23, 2, 15, tzinfo=UTC)),
    ],
)
async def test_each_zone_posts_at_its_own_eight_oclock(
    shipped_library: ContentLibrary, store: SqlStore, zone: str, first_utc: datetime
) -> None:
    run = _run(shipped_library, store)
    await run.say(f"/daily set 08:00 {zone}")
    await run.until(first_utc - timedelta(minutes=1))
    assert run.daily_posts() == []
    await run.until(first_utc)
    assert len(run.daily_posts()) == 1
    await run.bot.close()


async def test_no_fact_repeats_until_the_topic_is_through_then_a_new_order(run: Run) -> None:
    topic = "counter-narcotics"
    facts = {f.id for f in run.bot.app.library.catalog.facts_by_topic[topic]}
    assert 2 <= len(facts) <= 40
    await run.say(f"/daily set 08:00 UTC topic:{topic}")
    moment = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
    for _ in range(2 * len(facts)):
        await run.until(moment)
        moment += timedelta(days=1)
    posted = [p.text for p in run.daily_posts()]
    texts = {f.id: f.text for f in run.bot.app.library.catalog.facts_by_topic[topic]}
    ids = [next(k for k, v in texts.items() if v == text) for text in posted]
    first, second = ids[: len(facts)], ids[len(facts) :]
    assert set(first) == facts and len(set(first)) == len(facts), "every fact once"
    assert set(second) == facts, "then every fact once again"
    assert first != second, "in a new order"
    assert first[-1] != second[0], "never the same fact two days running"
    status = await run.say("/daily status", STUDENT)
    assert f"0 of {len(facts)} facts left" in status.text


async def test_a_missed_post_within_the_grace_window_goes_out_on_start_once(
    shipped_library: ContentLibrary, store: SqlStore
) -> None:
    first = _run(shipped_library, store)
    await first.say("/daily set 08:00 UTC")
    await first.bot.close()  # the bot goes down before Monday 08:00 ...
    back = _run(shipped_library, store, datetime(2026, 11, 23, 13, 0, tzinfo=UTC))
    await back.until(back.clock.now())  # ... and is back at 13:00: within 6 hours
    assert len(back.daily_posts()) == 1
    again = _run(shipped_library, store, datetime(2026, 11, 23, 13, 5, tzinfo=UTC))
    await again.until(again.clock.now())  # a second restart: nothing more
    assert again.daily_posts() == []
    await back.bot.close()
    await again.bot.close()


async def test_a_post_missed_beyond_the_grace_window_is_recorded_not_posted(
    shipped_library: ContentLibrary, store: SqlStore
) -> None:
    first = _run(shipped_library, store)
    await first.say("/daily set 08:00 UTC")
    await first.bot.close()
    back = _run(shipped_library, store, datetime(2026, 11, 25, 15, 0, tzinfo=UTC))
    await back.until(back.clock.now())
    assert back.daily_posts() == [], "no flood of missed days"
    assert [p.status for p in await store.posts(1)] == ["missed", "missed", "missed"]
    await back.until(datetime(2026, 11, 26, 8, 0, tzinfo=UTC))
    assert len(back.daily_posts()) == 1, "the schedule carries on"
    await back.bot.close()


async def test_daily_now_posts_at_once_and_counts_as_today(run: Run) -> None:
    await run.say("/daily set 14:00 UTC")
    reply = await run.say("/daily now")
    assert "Posting today's fact now" in reply.text
    assert "The next one: Mon 23 Nov, 14:00 UTC" in reply.text
    await run.settle()
    assert len(run.daily_posts()) == 1
    again = await run.say("/daily now")
    assert "already been posted" in again.text
    await run.until(datetime(2026, 11, 22, 20, 0, tzinfo=UTC))
    assert len(run.daily_posts()) == 1, "today's 14:00 post was the one sent by /daily now"


async def test_a_deleted_channel_turns_its_schedule_off_and_the_teacher_is_told(run: Run) -> None:
    await run.say("/daily set 08:00 UTC")
    run.outbox.gone.add("class-1")
    await run.until(datetime(2026, 11, 23, 8, 0, tzinfo=UTC))
    schedule = await run.store.schedule_in(ROOM)
    assert schedule is not None and not schedule.enabled
    assert schedule.disabled_reason == "the channel was deleted"
    notices = [r for where, r in run.outbox.posted if where == "@t1"]
    assert [n.title for n in notices] == ["Daily fact stopped"]
    assert "#history" in notices[0].text
    assert [p.status for p in await run.store.posts(schedule.id)] == ["failed"]
    await run.until(datetime(2026, 11, 26, 8, 0, tzinfo=UTC))
    assert len([r for where, r in run.outbox.posted if where == "@t1"]) == 1, "no retry loop"
    status = await run.say("/daily status", STUDENT)
    assert "off (the channel was deleted)" in status.text


async def test_a_reload_that_removes_the_next_fact_skips_it_and_new_facts_join(
    store: SqlStore, tmp_path: Path
) -> None:
    content = tmp_path / "content"
    content.mkdir()
    shutil.copy(FIXTURES / "good" / "course.yaml", content / "course.yaml")
    library = ContentLibrary([content], root=tmp_path, quiz_paths=[])
    run = _run(library, store)
    await run.say("/daily set 08:00 UTC")
    status = await run.say("/daily status", STUDENT)
    assert "2 of 2 facts left" in status.text
    schedule = await store.schedule_in(ROOM)
    assert schedule is not None
    chosen = pick(library.catalog, schedule)
    assert chosen is not None
    text = (content / "course.yaml").read_text()
    removed = _without_fact(text, chosen.fact_id)
    (content / "course.yaml").write_text(_with_new_fact(removed))
    assert library.reload() == []
    status = await run.say("/daily status", STUDENT)
    assert "2 of 2 facts left" in status.text, "one removed, one new"
    await run.until(datetime(2026, 11, 24, 8, 0, tzinfo=UTC))
    posted = {p.fact_id for p in await store.posts(schedule.id)}
    assert chosen.fact_id not in posted and len(posted) == 2
    await run.bot.close()


def _without_fact(text: str, fact_id: str) -> str:
    start = text.index(f"  - id: {fact_id}\n")
    end = text.find("\n  - id:", start + 1)
    section_end = text.find("\nterms:", start)
    end = section_end if end == -1 or end > section_end else end
    return text[:start] + text[end + 1 :]


def _with_new_fact(text: str) -> str:
    anchor = text.index("terms:")
    fact = text[text.index("  - id: ", text.index("facts:")) : anchor]
    new = fact.split("\n  - id:")[0].replace("  - id: ", "  - id: fact-new-", 1)
    return text[:anchor] + new.rstrip() + "\n" + text[anchor:]


async def test_schedules_of_other_platforms_are_left_to_their_process(run: Run) -> None:
    elsewhere = Channel("slack", "C1", "T1")
    await run.say(
        "/daily set 08:00 UTC", Actor("slack", "t9", "T", frozenset({"teacher"})), elsewhere
    )
    await run.until(datetime(2026, 11, 23, 9, 0, tzinfo=UTC))
    assert run.outbox.posted == []
    schedule = await run.store.schedule_in(elsewhere)
    assert schedule is not None and schedule.next_run_at == datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


async def test_set_by_another_process_is_seen_within_a_minute(
    shipped_library: ContentLibrary, store: SqlStore
) -> None:
    run = _run(shipped_library, store, poll=timedelta(seconds=60))
    await run.until(START + timedelta(seconds=1))  # the first look finds nothing
    await run.store.set_schedule(
        NewSchedule(ROOM, time(12, 1), "UTC", None, "t1", START + timedelta(minutes=1))
    )
    deadline = run.bot.timers.next_deadline()
    assert deadline is not None and deadline <= START + timedelta(seconds=61)
    await run.until(START + timedelta(seconds=62))
    assert len(run.daily_posts()) == 1
    await run.bot.close()
