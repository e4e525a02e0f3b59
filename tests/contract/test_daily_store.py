"""The DailyStore contract on every engine: schedules, claims that happen once, catch-up."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, time, timedelta

from bot.core.daily.records import NewSchedule, Outcome
from bot.core.daily.when import next_after
from bot.core.messages import Channel
from bot.store.sql_store import SqlStore

ROOM = Channel("test", "class-1", "school", "history")
OSLO = "Europe/Oslo"
GRACE = timedelta(hours=6)
# Monday 1 June 2026, 08:00 in Oslo is 06:00 UTC.
MON_8 = datetime(2026, 6, 1, 6, 0, tzinfo=UTC)


def _new(
    place: Channel = ROOM,
    at: time = time(8, 0),
    after: datetime = MON_8 - timedelta(hours=1),
    topic: str | None = None,
) -> NewSchedule:
    run = next_after(after, at, OSLO)
    return NewSchedule(place, at, OSLO, topic, "teacher-1", run.at)


async def test_a_schedule_is_set_replaced_turned_off_and_set_again_with_its_cycle(
    store: SqlStore,
) -> None:
    first = await store.set_schedule(_new())
    assert first.enabled and first.at == time(8, 0) and first.zone == OSLO
    assert first.next_run_at == MON_8 and first.place == ROOM
    await store.record_posts(
        [Outcome(first.id, date(2026, 6, 1), "posted", cycle=2, seen=("f1", "f2"))]
    )
    moved = await store.set_schedule(_new(at=time(9, 30), topic="isaf"))
    assert moved.id == first.id, "one schedule per channel"
    assert moved.at == time(9, 30) and moved.topic == "isaf"
    assert (moved.cycle, moved.seen) == (2, ("f1", "f2")), "the cycle carries on"
    off = await store.turn_off(ROOM, "the channel was deleted")
    assert off is not None and not off.enabled and off.next_run_at is None
    assert off.disabled_reason == "the channel was deleted"
    assert await store.turn_off(ROOM) is None, "already off"
    assert await store.next_due(["test"]) is None
    again = await store.set_schedule(_new())
    assert again.enabled and again.disabled_reason is None and again.seen == ("f1", "f2")
    assert await store.schedule_in(Channel("test", "elsewhere")) is None


async def test_a_due_schedule_is_claimed_once_and_moved_to_its_next_run(store: SqlStore) -> None:
    schedule = await store.set_schedule(_new())
    assert await store.next_due(["test"]) == MON_8
    assert (
        await store.claim_due(["test"], MON_8 - timedelta(seconds=1), GRACE, 10, "a")
    ).slots == []
    claimed = await store.claim_due(["test"], MON_8, GRACE, 10, "a")
    assert [(s.schedule.id, s.day, s.due_at) for s in claimed.slots] == [
        (schedule.id, date(2026, 6, 1), MON_8)
    ]
    assert (await store.claim_due(["test"], MON_8, GRACE, 10, "b")).slots == []
    assert await store.next_due(["test"]) == MON_8 + timedelta(days=1)
    [log] = await store.posts(schedule.id)
    assert (log.day, log.status) == (date(2026, 6, 1), "claimed")
    await store.record_posts([Outcome(schedule.id, log.day, "posted", "f9", "m1")])
    [log] = await store.posts(schedule.id)
    assert (log.status, log.fact_id) == ("posted", "f9")


async def test_only_the_platforms_asked_for_are_claimed(store: SqlStore) -> None:
    await store.set_schedule(_new(Channel("slack", "C1")))
    assert (await store.claim_due(["discord"], MON_8, GRACE, 10, "a")).slots == []
    assert await store.next_due(["discord"]) is None
    assert len((await store.claim_due(["slack"], MON_8, GRACE, 10, "a")).slots) == 1


async def test_a_post_missed_within_the_grace_window_goes_out_once(store: SqlStore) -> None:
    schedule = await store.set_schedule(_new())
    late = MON_8 + timedelta(hours=5, minutes=59)
    claimed = await store.claim_due(["test"], late, GRACE, 10, "a")
    assert [s.day for s in claimed.slots] == [date(2026, 6, 1)] and claimed.missed == 0
    assert (await store.claim_due(["test"], late, GRACE, 10, "a")).slots == []
    assert (await store.schedule_in(ROOM)).next_run_at == MON_8 + timedelta(days=1)  # type: ignore[union-attr]
    assert schedule.id


async def test_older_runs_are_recorded_as_missed_and_never_flood_the_channel(
    store: SqlStore,
) -> None:
    schedule = await store.set_schedule(_new())
    # Down from Monday to Thursday 10:00 Oslo: Mon, Tue, Wed are past the window, Thu is not.
    back = MON_8 + timedelta(days=3, hours=2)
    claimed = await store.claim_due(["test"], back, GRACE, 10, "a")
    assert [s.day for s in claimed.slots] == [date(2026, 6, 4)]
    assert claimed.missed == 3
    statuses = {p.day: p.status for p in await store.posts(schedule.id)}
    assert statuses == {
        date(2026, 6, 4): "claimed",
        date(2026, 6, 3): "missed",
        date(2026, 6, 2): "missed",
        date(2026, 6, 1): "missed",
    }
    assert (await store.schedule_in(ROOM)).next_run_at == MON_8 + timedelta(days=4)  # type: ignore[union-attr]


async def test_a_run_just_outside_the_grace_window_is_missed_not_posted(store: SqlStore) -> None:
    await store.set_schedule(_new())
    claimed = await store.claim_due(["test"], MON_8 + GRACE + timedelta(seconds=1), GRACE, 10, "a")
    assert claimed.slots == [] and claimed.missed == 1


async def test_months_down_record_a_bounded_number_of_missed_days(store: SqlStore) -> None:
    schedule = await store.set_schedule(_new())
    claimed = await store.claim_due(["test"], MON_8 + timedelta(days=200, hours=9), GRACE, 10, "a")
    assert claimed.slots == [] and 1 <= claimed.missed <= 33
    assert len(await store.posts(schedule.id, limit=500)) == claimed.missed


async def test_daily_now_takes_todays_post_and_the_scheduled_run_skips_today(
    store: SqlStore,
) -> None:
    schedule = await store.set_schedule(_new())
    early = MON_8 - timedelta(hours=2)
    slot = await store.claim_day(schedule.id, date(2026, 6, 1), early, "a")
    assert slot is not None and slot.day == date(2026, 6, 1)
    await store.record_posts([Outcome(schedule.id, slot.day, "posted", "f1")])
    assert await store.claim_day(schedule.id, date(2026, 6, 1), early, "b") is None
    assert await store.next_due(["test"]) == MON_8 + timedelta(days=1)
    assert (await store.claim_due(["test"], MON_8, GRACE, 10, "a")).slots == []


async def test_daily_now_after_todays_post_is_refused(store: SqlStore) -> None:
    schedule = await store.set_schedule(_new())
    await store.claim_due(["test"], MON_8, GRACE, 10, "a")
    assert await store.claim_day(schedule.id, date(2026, 6, 1), MON_8, "a") is None
    tuesday = await store.claim_day(schedule.id, date(2026, 6, 2), MON_8, "a")
    assert tuesday is not None
    assert await store.next_due(["test"]) == MON_8 + timedelta(days=2)


async def test_a_claim_takes_at_most_the_limit_oldest_first(store: SqlStore) -> None:
    for n in range(5):
        await store.set_schedule(_new(Channel("test", f"c{n}"), at=time(8, n)))
    first = await store.claim_due(["test"], MON_8 + timedelta(minutes=10), GRACE, 3, "a")
    assert [s.schedule.place.channel_id for s in first.slots] == ["c0", "c1", "c2"]
    rest = await store.claim_due(["test"], MON_8 + timedelta(minutes=10), GRACE, 3, "a")
    assert [s.schedule.place.channel_id for s in rest.slots] == ["c3", "c4"]


async def test_two_claimers_on_one_database_share_the_due_schedules_without_overlap(
    store: SqlStore,
) -> None:
    for n in range(300):
        await store.set_schedule(_new(Channel("test", f"c{n}")))
    # A second store with its own engine and connections, as a second process would have.
    other = await SqlStore.open(store.engine.url.render_as_string(hide_password=False))

    async def drain(claimer: SqlStore, name: str) -> list[int]:
        got: list[int] = []
        while True:
            claimed = await claimer.claim_due(["test"], MON_8, GRACE, 25, name)
            if not claimed.slots:
                return got
            got += [s.schedule.id for s in claimed.slots]
            await asyncio.sleep(0)

    try:
        a, b = await asyncio.gather(drain(store, "a"), drain(other, "b"))
    finally:
        await other.close()
    assert len(a) + len(b) == 300
    assert len(set(a) | set(b)) == 300, "no schedule claimed twice"


async def test_an_unsent_claim_of_a_stopped_process_is_taken_over_after_the_lease(
    store: SqlStore,
) -> None:
    schedule = await store.set_schedule(_new())
    [slot] = (await store.claim_due(["test"], MON_8, GRACE, 10, "a")).slots  # ... "a" dies
    assert (
        await store.claim_due(["test"], MON_8 + timedelta(minutes=5), GRACE, 10, "b")
    ).slots == []
    later = await store.claim_due(["test"], MON_8 + timedelta(minutes=11), GRACE, 10, "b")
    assert [(s.schedule.id, s.day) for s in later.slots] == [(schedule.id, slot.day)]
    assert await store.begin_sends([(schedule.id, slot.day)], "a") == [False], "a's is void"
    assert await store.begin_sends([(schedule.id, slot.day)], "b") == [True]
    [log] = await store.posts(schedule.id)
    assert log.status == "sending"


async def test_a_post_left_mid_send_is_interrupted_and_never_sent_again(store: SqlStore) -> None:
    schedule = await store.set_schedule(_new())
    [slot] = (await store.claim_due(["test"], MON_8, GRACE, 10, "a")).slots
    assert await store.begin_sends([(schedule.id, slot.day)], "a") == [True]  # "a" dies sending
    later = await store.claim_due(["test"], MON_8 + timedelta(minutes=11), GRACE, 10, "b")
    assert later.slots == []
    [log] = await store.posts(schedule.id)
    assert log.status == "interrupted"


async def test_an_unsent_claim_too_old_to_post_is_missed(store: SqlStore) -> None:
    schedule = await store.set_schedule(_new())
    await store.claim_due(["test"], MON_8, GRACE, 10, "a")
    later = await store.claim_due(["test"], MON_8 + GRACE + timedelta(minutes=1), GRACE, 10, "b")
    assert later.slots == [] and later.missed == 1
    [log] = await store.posts(schedule.id)
    assert log.status == "missed"


async def test_a_take_over_comes_with_the_new_claims_of_the_same_call(store: SqlStore) -> None:
    first = await store.set_schedule(_new())
    await store.claim_due(["test"], MON_8, GRACE, 10, "a")  # "a" dies with it unsent
    second = await store.set_schedule(_new(Channel("test", "class-2"), at=time(8, 11)))
    both = await store.claim_due(["test"], MON_8 + timedelta(minutes=11), GRACE, 10, "b")
    assert sorted(s.schedule.id for s in both.slots) == [first.id, second.id]
    assert both.scanned == 2


async def test_a_batch_of_checks_and_outcomes_is_one_call_each(store: SqlStore) -> None:
    for n in range(3):
        await store.set_schedule(_new(Channel("test", f"c{n}")))
    slots = (await store.claim_due(["test"], MON_8, GRACE, 10, "a")).slots
    keys = [(s.schedule.id, s.day) for s in slots]
    assert await store.begin_sends([*keys, (99, date(2026, 6, 1))], "a") == [True] * 3 + [False]
    assert await store.begin_sends(keys, "a") == [False] * 3, "already being sent"
    await store.record_posts(
        [Outcome(sid, day, "posted", f"f{sid}", cycle=0, seen=(f"f{sid}",)) for sid, day in keys]
    )
    for sid, _ in keys:
        [log] = await store.posts(sid)
        assert (log.status, log.fact_id) == ("posted", f"f{sid}")
    schedule = await store.schedule_in(Channel("test", "c0"))
    assert schedule is not None and schedule.seen == (f"f{schedule.id}",)
