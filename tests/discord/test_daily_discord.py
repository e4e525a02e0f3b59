"""Daily posts on Discord: sent with a nonce of their own (channel and day: the same in every
process and after a restart) that Discord enforces, so a retried send never posts twice; a
deleted channel turns the schedule off."""

from __future__ import annotations

from bot.core.messages import Channel
from tests.adapters.discord_harness import DiscordHarness
from tests.discord.fake import Call


def _daily_sends(call: Call) -> bool:
    """Posts keyed by a daily slot's nonce ("d<schedule>-<day>"; discord.py's own are numbers)."""
    body = call.json if isinstance(call.json, dict) else {}
    nonce = str(body.get("nonce", ""))
    return call.method == "POST" and call.path.endswith("/messages") and nonce.startswith("d")


def _facts_of_the_day(harness: DiscordHarness) -> list[dict[str, object]]:
    return [
        m
        for m in harness.fake.messages.values()
        if m["channel_id"] == harness.place_id
        and any(e.get("title") == "Fact of the day" for e in m["embeds"])
    ]


async def test_the_post_carries_an_enforced_nonce_of_its_channel_and_day(
    discord_bot: DiscordHarness,
) -> None:
    await discord_bot.send("tess", "/daily set 12:01 UTC")
    await discord_bot.advance(60)
    [send] = [c for c in discord_bot.fake.calls if _daily_sends(c)]
    assert send.json["nonce"] == "d1-20261122" and send.json["enforce_nonce"] is True
    assert send.json["allowed_mentions"] == {"parse": []}
    assert len(_facts_of_the_day(discord_bot)) == 1


async def test_a_send_whose_reply_is_lost_is_retried_and_posts_once(
    discord_bot: DiscordHarness,
) -> None:
    """Discord creates the message but the 502 hides it; discord.py tries again by itself and
    Discord, seeing the same nonce, hands back the first message instead of a second."""
    await discord_bot.send("tess", "/daily set 12:01 UTC")
    discord_bot.fake.lose_reply(_daily_sends)
    await discord_bot.advance(60)
    sends = [c for c in discord_bot.fake.calls if _daily_sends(c)]
    assert [c.status for c in sends] == [502, 200], "tried twice"
    assert discord_bot.fake.nonce_hits == 1
    assert len(_facts_of_the_day(discord_bot)) == 1, "posted once"
    schedule = await discord_bot.bot.store.schedule_in(Channel("discord", discord_bot.place_id))
    assert schedule is not None
    [log] = await discord_bot.bot.store.posts(schedule.id)
    assert log.status == "posted"


async def test_a_deleted_channel_stops_the_daily_fact_and_dms_the_teacher(
    discord_bot: DiscordHarness,
) -> None:
    await discord_bot.send("tess", "/daily set 12:01 UTC")
    discord_bot.fake.delete_channel(discord_bot.place_id)
    await discord_bot.advance(60)
    schedule = await discord_bot.bot.store.schedule_in(Channel("discord", discord_bot.place_id))
    assert schedule is not None and not schedule.enabled
    assert schedule.disabled_reason == "the channel was deleted"
    dms = [
        m
        for m in discord_bot.fake.messages.values()
        if any(e.get("title") == "Daily fact stopped" for e in m["embeds"])
    ]
    assert len(dms) == 1
    await discord_bot.advance(86400)
    sends = [c for c in discord_bot.fake.calls if _daily_sends(c)]
    assert len(sends) == 1, [(c.path, c.status, c.json.get("nonce")) for c in sends]
