"""The one timer driver, on a fake clock: it ticks what is due, wakes when told, and one
component's failure does not stop the others."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import datetime, timedelta

import pytest

from bot.core.timers import Timers
from tests.conftest import NOON
from tests.fakes import FakeClock


class Alarm:
    def __init__(self, at: datetime | None, fail: bool = False) -> None:
        self.at = at
        self.fail = fail
        self.ticks: list[datetime] = []

    def next_deadline(self) -> datetime | None:
        return self.at

    async def tick(self, now: datetime) -> None:
        self.ticks.append(now)
        self.at = None
        if self.fail:
            raise RuntimeError("broken component")


async def test_tick_runs_only_what_is_due_and_survives_a_failure(
    caplog: pytest.LogCaptureFixture,
) -> None:
    due, later, broken = Alarm(NOON), Alarm(NOON + timedelta(hours=1)), Alarm(NOON, fail=True)
    timers = Timers(FakeClock(), (due, later, broken))
    assert timers.next_deadline() == NOON
    await timers.tick(NOON)
    assert due.ticks == [NOON] and later.ticks == [] and broken.ticks == [NOON]
    assert "timer of" in caplog.text and "broken component" in caplog.text
    assert timers.next_deadline() == NOON + timedelta(hours=1)


async def test_the_driver_sleeps_until_woken_by_a_deadline_that_came_due() -> None:
    clock = FakeClock()
    alarm = Alarm(NOON + timedelta(hours=1))  # an hour away: the driver must not spin
    timers = Timers(clock, (alarm,))
    driver = asyncio.create_task(timers.run())
    for _ in range(50):
        await asyncio.sleep(0)
    assert alarm.ticks == []
    clock.advance(3600)
    timers.wake()  # what a component does when its deadline moves
    await asyncio.wait_for(timers.ticked(), 5)
    assert alarm.ticks == [clock.now()]
    added = Alarm(clock.now())
    timers.add(added)  # a new component is looked at at once
    await asyncio.wait_for(timers.ticked(), 5)
    assert added.ticks == [clock.now()]
    driver.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await driver
    assert driver.cancelled()
