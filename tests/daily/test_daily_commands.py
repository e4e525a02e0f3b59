"""/daily as teachers and students type it, mistakes included."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.core.app import Lectern
from bot.core.course.library import ContentLibrary
from bot.core.messages import Command
from bot.store.sql_store import SqlStore
from tests.conftest import NOON
from tests.daily.test_poster import ROOM, STUDENT, TEACHER, Run, _run


@pytest.fixture
async def run(shipped_library: ContentLibrary, store: SqlStore) -> AsyncIterator[Run]:
    started = _run(shipped_library, store)
    yield started
    await started.bot.close()


async def test_a_misspelt_zone_gets_the_closest_names_and_nothing_is_set(run: Run) -> None:
    reply = await run.say("/daily set 08:00 Europe/Olso")
    assert "Did you mean Europe/Oslo" in reply.text
    assert "Usage: /daily set <HH:MM> [timezone] [topic:<topic>]" in reply.text
    assert await run.store.schedule_in(ROOM) is None


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("/daily set 25:00 UTC", "hours go from 00 to 23"),
        ("/daily set 08:61", "minutes go from 00 to 59"),
        ("/daily set soon", "write it as HH:MM"),
        ("/daily set", "At what time?"),
        ("/daily set 08:00 UTC topic:nonsense-words", "There is no topic"),
        ("/daily bogus", "I don't know /daily bogus"),
        ("/daily timezone Mars/Olympus", "is not a time zone I know"),
    ],
)
async def test_a_wrong_daily_command_says_how_to_write_it(run: Run, typed: str, says: str) -> None:
    reply = await run.say(typed)
    assert says in reply.text and "Usage:" in reply.text and reply.ephemeral
    assert await run.store.schedule_in(ROOM) is None


@pytest.mark.parametrize("sub", ["set 08:00 UTC", "off", "now", "timezone Europe/Oslo"])
async def test_only_teachers_change_the_daily_fact(run: Run, sub: str) -> None:
    reply = await run.say(f"/daily {sub}", STUDENT)
    assert reply.text == f"Only a teacher can use /daily {sub.split()[0]}."


async def test_a_set_without_a_zone_uses_the_servers_or_says_it_is_utc(run: Run) -> None:
    reply = await run.say("/daily set 08:00")
    assert "Every day at 08:00 UTC" in reply.text and "the time is UTC" in reply.text
    zone = await run.say("/daily timezone oslo")
    assert "This server's time zone is now Europe/Oslo" in zone.text
    reply = await run.say("/daily set 08:00")
    assert "Every day at 08:00 Europe/Oslo" in reply.text and "the time is UTC" not in reply.text
    shown = await run.say("/daily timezone")
    assert "This server's time zone: Europe/Oslo" in shown.text


async def test_twelve_hour_times_and_city_names_are_understood(run: Run) -> None:
    reply = await run.say("/daily set 7:30 pm New York topic:isaf")
    assert "Every day at 19:30 America/New_York, a fact on ISAF" in reply.text
    schedule = await run.store.schedule_in(ROOM)
    assert schedule is not None and schedule.topic == "isaf"


async def test_status_says_when_in_local_time_and_utc_the_topic_and_what_is_left(run: Run) -> None:
    assert "No daily fact in this channel" in (await run.say("/daily", STUDENT)).text
    await run.say("/daily set 08:00 Asia/Kolkata topic:transit")
    status = await run.say("/daily status", STUDENT)
    assert "a fact on Transit of ISAF cargo through Russia" in status.text
    assert "Next post: Mon 23 Nov, 08:00 Asia/Kolkata (02:30 UTC)" in status.text
    transit = len(run.bot.app.library.catalog.facts_by_topic["transit"])
    assert f"{transit} of {transit} facts left in this cycle" in status.text
    assert status.ephemeral


async def test_off_stops_it_and_says_so_and_off_again_says_there_is_none(run: Run) -> None:
    assert "no daily fact in this channel to turn off" in (await run.say("/daily off")).text
    await run.say("/daily set 08:00 UTC")
    assert "Daily fact off" in (await run.say("/daily off")).text
    assert "off (turned off with /daily off)" in (await run.say("/daily status")).text
    assert "There is no daily fact in this channel" in (await run.say("/daily now")).text


async def test_daily_is_in_help_with_its_subcommands(run: Run) -> None:
    listing = await run.say("/help", STUDENT)
    assert "/daily" in listing.text
    detail = await run.say("/help daily", STUDENT)
    for sub in ("set", "off", "status", "now", "timezone"):
        assert f"/daily {sub}" in detail.text


async def test_without_a_database_daily_says_what_it_needs(shipped_library: ContentLibrary) -> None:
    app = Lectern(shipped_library)
    [reply] = await app.dispatch(Command(TEACHER, ROOM, "/daily set 08:00 UTC", NOON))
    assert "need the bot's database" in reply.text
