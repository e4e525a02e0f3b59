"""Discord's own behaviour, end to end: the real discord.py client through `lectern run`'s
wiring (`bot.serve.start`) against the strict fake Discord on loopback."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from bot.adapters.discord import client as client_module
from bot.core.course.library import ContentLibrary
from tests.adapters.discord_harness import EPHEMERAL, DiscordHarness, seen_of
from tests.conftest import right_answer
from tests.discord.fake import Call, FakeDiscord


def _slow(harness: DiscordHarness, monkeypatch: pytest.MonkeyPatch) -> asyncio.Event:
    """Answers that take longer than the acknowledgement wait, until the event is set."""
    monkeypatch.setattr(client_module, "ACK_SECONDS", 0.05)
    gate = asyncio.Event()
    real = harness.bot.app.dispatch

    async def slow(command: Any) -> Any:
        await gate.wait()
        return await real(command)

    monkeypatch.setattr(harness.bot.app, "dispatch", slow)
    return gate


def _syncs(fake: FakeDiscord) -> list[Call]:
    return [c for c in fake.calls if c.method == "PUT" and c.path.endswith("/commands")]


def _by_name(commands: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {c["name"]: c for c in commands}


async def test_commands_are_synced_once_with_options_and_permissions(
    library: ContentLibrary,
) -> None:
    harness = await DiscordHarness.open(library)
    fake, database = harness.fake, harness.database
    [sync] = _syncs(fake)
    assert sync.path == f"applications/{fake.app_id}/commands", "global without a guild"
    commands = _by_name(sync.json)
    assert set(commands) == {
        "help", "fact", "whosaid", "quotes", "quote", "define", "topics", "sources",
        "timeline", "leaderboard", "reload", "quiz", "practice", "daily", "review", "progress",
        "class",
    }  # fmt: skip
    assert int(commands["reload"]["default_member_permissions"]) == 16  # Manage Channels
    assert commands["fact"]["default_member_permissions"] is None
    quiz = {o["name"]: o for o in commands["quiz"]["options"]}
    assert set(quiz) == {
        "list", "info", "start", "answer", "status", "skip", "stop", "results", "report",
    }  # fmt: skip
    progress = {o["name"] for o in commands["progress"]["options"]}
    assert progress == {"show", "forget"}
    start = {o["name"]: o for o in quiz["start"]["options"]}
    assert start["quiz"]["type"] == 3 and start["quiz"]["required"]
    assert start["quiz"]["autocomplete"]
    assert start["questions"]["type"] == 4 and start["seconds"]["type"] == 4
    assert [c["value"] for c in start["scoring"]["choices"]] == ["speed", "first", "flat"]
    every = [o for c in commands.values() for o in c.get("options", [])]
    assert all(o["description"] for o in every), "every option is described"
    [whosaid] = commands["whosaid"]["options"]
    assert whosaid["name"] == "fragment" and whosaid["required"]
    daily = {o["name"]: o for o in commands["daily"]["options"]}
    assert set(daily) == {"status", "set", "off", "now", "timezone"}
    when = {o["name"]: o for o in daily["set"]["options"]}
    assert when["time"]["required"] and not when["timezone"]["required"]
    assert when["timezone"]["autocomplete"] and when["topic"]["autocomplete"]
    await harness.close(stop_fake=False)

    again = await DiscordHarness.open(library, fake=fake, database=database)
    assert len(_syncs(fake)) == 1, "unchanged definitions are not synced again"
    await again.close(stop_fake=False)

    guild = await DiscordHarness.open(
        library, fake=fake, database=database, discord_guild=int(fake.guild_id)
    )
    assert _syncs(fake)[-1].path == f"applications/{fake.app_id}/guilds/{fake.guild_id}/commands"
    assert len(_by_name(_syncs(fake)[-1].json)) == 17
    await guild.close()


async def test_autocomplete_is_fuzzy(discord_bot: DiscordHarness) -> None:
    fake = discord_bot.fake
    payload = await fake.autocomplete("quotes", "person", "putn")
    callback = await fake.wait_response(payload)
    assert callback.json["type"] == 8
    names = [c["value"] for c in callback.json["data"]["choices"]]
    assert names[0] == "Vladimir Putin" and len(names) <= 25
    payload = await fake.autocomplete("quiz", "quiz", "samp", sub="start")
    callback = await fake.wait_response(payload)
    assert callback.json["data"]["choices"][0]["value"] == "sample"


async def test_a_lookup_is_an_embed_citing_its_source_and_pings_nobody(
    discord_bot: DiscordHarness,
) -> None:
    fake = discord_bot.fake
    payload = await fake.slash("whosaid", {"fragment": "@everyone csto backbone"})
    await discord_bot.until_answered(payload)
    callback = fake.callback(payload)
    assert callback is not None and callback.json["type"] == 4
    [embed] = callback.json["data"]["embeds"]
    assert "Bordyuzha" in embed["description"]
    assert embed["footer"]["text"].startswith("Source: ")
    assert callback.json["data"]["allowed_mentions"] == {"parse": []}
    assert not callback.json["data"].get("flags", 0) & EPHEMERAL, "a lookup is for everyone"


async def test_a_mistake_is_answered_privately(discord_bot: DiscordHarness) -> None:
    [reply] = await discord_bot.send("sam", "/quiz info nosuchquiz")
    assert discord_bot.private("sam") == [reply]


async def test_a_typed_answer_goes_through_the_answer_form(discord_bot: DiscordHarness) -> None:
    fake = discord_bot.fake
    _, question = await discord_bot.send("sam", "/practice sample questions:4")
    seen = question
    for _ in range(4):  # practise until a question asks for typed text
        if any(label == "Answer" for label, _ in seen.choices):
            break
        _, seen = await discord_bot.click("sam", seen, "A)")
    custom_id = seen.value("Answer")
    assert custom_id.startswith("A:/practice answer {answer} #")
    click = await fake.click(seen.ref, custom_id, user=discord_bot.users["sam"])
    modal = await fake.wait_response(click)
    assert modal.json["type"] == 9, "the button opens a form"
    form = modal.json["data"]
    [row] = form["components"]
    [field] = row["components"]
    assert field["type"] == 4 and len(field["label"]) <= 45
    practice = discord_bot.bot.app.practices.get(("discord", discord_bot.users["sam"]))
    assert practice is not None and practice.current is not None
    card = practice.current
    submit = await fake.submit_modal(
        form["custom_id"], {field["custom_id"]: right_answer(card)}, user=discord_bot.users["sam"]
    )
    await discord_bot.until_answered(submit)
    [(private, told), *_] = discord_bot.responses(submit)
    assert private and told.text.startswith("✅ Right")


async def test_a_click_after_a_restart_reaches_its_session(library: ContentLibrary) -> None:
    first = await DiscordHarness.open(library)
    fake, database = first.fake, first.database
    await first.send("tess", "/quiz start sample questions:2 seconds:60")
    question = first.channel()[-1]
    card = first.open_card()
    await first.close(stop_fake=False)

    second = await DiscordHarness.open(library, fake=fake, database=database)
    letter = "ABCDE"[card.correct] if card.options else None
    if letter is None:
        [answered] = await second.send("ann", f"/quiz answer {right_answer(card)}")
    else:
        [answered] = await second.click("ann", question, f"{letter})")
    assert answered.text == "Answer received."
    stale = await second.click("bob", question, "A)") if letter else None
    if stale:
        assert stale[0].text in ("Answer received.", "You have already answered this question.")
    await second.close()


async def test_a_channel_the_bot_cannot_post_in_ends_the_quiz_and_tells_the_teacher(
    discord_bot: DiscordHarness,
) -> None:
    fake = discord_bot.fake
    fake.deny_channel(fake.channel_id)
    [started] = await discord_bot.send("tess", "/quiz start sample questions:2 seconds:20")
    assert started.text.startswith("Started")
    await discord_bot.bot.delivery.drain()
    assert discord_bot.bot.classroom.sessions == [], "the quiz ended"
    dm = [c for c in fake.calls if c.path == "users/@me/channels"]
    assert dm and str(dm[0].json["recipient_id"]) == discord_bot.users["tess"]
    notice = [
        c for c in fake.calls if c.method == "POST" and c.path.endswith("/messages")
        and "Quiz ended" in json.dumps(c.json)
    ]  # fmt: skip
    assert notice, "the teacher was told privately"
    [lookup] = await discord_bot.send("sam", "/define CSTO")
    assert lookup.title.startswith("CSTO"), "the bot keeps serving"


async def test_a_channel_deleted_mid_quiz_ends_only_that_quiz(discord_bot: DiscordHarness) -> None:
    fake = discord_bot.fake
    other = fake.add_channel("other-class")
    await discord_bot.send("tess", "/quiz start sample questions:3 seconds:20")
    payload = await fake.slash(
        "quiz", {"quiz": "sample", "seconds": 20}, sub="start", user=discord_bot.users["tess"],
        channel=other,
    )  # fmt: skip
    await discord_bot.until_answered(payload)
    assert len(discord_bot.bot.classroom.sessions) == 2
    fake.delete_channel(fake.channel_id)
    await discord_bot.advance(20)  # the reveal cannot be posted: the channel is gone
    running = discord_bot.bot.classroom.sessions
    assert [r.place.channel_id for r in running] == [other]
    sessions = await discord_bot.store.sessions_in(running[0].place)
    assert sessions[0].status == "running"


async def test_rate_limited_edits_never_hold_up_answers(discord_bot: DiscordHarness) -> None:
    fake = discord_bot.fake
    fake.rate_limit(lambda c: c.method == "PATCH" and c.path.startswith("channels/"), 3, 0.3)
    await discord_bot.send("tess", "/quiz start sample questions:1 seconds:60")
    question = discord_bot.channel()[-1]
    card = discord_bot.open_card()
    students = [fake.add_user(f"s{n}") for n in range(15)]
    payloads = []
    for user in students:
        if card.options:
            custom_id = question.value("A)")
            payloads.append(await fake.click(question.ref, custom_id, user=user))
        else:
            payloads.append(await fake.slash("quiz", {"answer": "x"}, sub="answer", user=user))
    for payload in payloads:
        await discord_bot.until_answered(payload)
    assert fake.late == [], "every answer was acknowledged in time"
    assert all(fake.ack_latency[p["id"]] < 3 for p in payloads)
    await discord_bot.bot.delivery.drain()  # the edits, 429s waited out
    edits = [c for c in fake.calls if c.method == "PATCH" and c.path.startswith("channels/")]
    assert [c.status for c in edits].count(429) == 3
    assert edits[-1].status == 200, "the latest state arrived in the end"
    assert len(edits) - 3 < len(students), "edits were coalesced"
    shown = json.dumps(edits[-1].json)
    assert f"{len(students)}" in shown, shown


async def test_a_slow_answer_is_deferred_then_followed_up(
    discord_bot: DiscordHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    gate = _slow(discord_bot, monkeypatch)
    payload = await discord_bot.fake.slash("help")
    callback = await discord_bot.fake.wait_response(payload)
    assert callback.json == {"type": 5, "data": {"flags": EPHEMERAL}}, "deferred, privately"
    gate.set()
    await discord_bot.until_answered(payload)
    [followup] = discord_bot.fake.followups(payload)
    assert seen_of(followup.json, "").title == "Lectern commands"


async def test_the_gateway_resumes_after_a_disconnect(discord_bot: DiscordHarness) -> None:
    fake = discord_bot.fake
    await fake.drop_gateway()
    await asyncio.wait_for(discord_bot.client.resumed.wait(), 15)
    assert fake.resumes == 1 and fake.identifies == 1
    [reply] = await discord_bot.send("sam", "/define CSTO")
    assert reply.title.startswith("CSTO")


async def test_no_privileged_intent_is_asked_for(discord_bot: DiscordHarness) -> None:
    members, presences, message_content = 1 << 1, 1 << 8, 1 << 15
    [intents] = discord_bot.fake.intents_seen
    assert intents & (members | presences | message_content) == 0


async def test_the_teacher_role_and_the_results_as_a_file(library: ContentLibrary) -> None:
    harness = await DiscordHarness.open(library, discord_teacher_role="Teacher")
    fake = harness.fake
    helper = fake.add_user("helper", roles=["Teacher"])  # no managing permission, the role
    harness.users["helper"] = helper
    try:
        [refused] = await harness.send("sam", "/quiz start sample questions:1")
        assert refused.text == "Only a teacher can use /quiz start."
        [started] = await harness.send("helper", "/quiz start sample questions:1 seconds:30")
        assert started.text.startswith("Started")
        await harness.send("helper", "/quiz stop")
        payload = await fake.slash("quiz", {}, sub="results", user=helper)
        await harness.until_answered(payload)
        callback = fake.callback(payload)
        assert callback is not None and callback.json["data"]["flags"] & EPHEMERAL
        [(name, data)] = callback.files
        assert name.endswith(".csv") and data.startswith(b"question")
    finally:
        await harness.close()


async def test_a_long_list_of_choices_is_a_menu_that_works(discord_bot: DiscordHarness) -> None:
    [refused] = await discord_bot.send("sam", "/fact nosuchtopic")
    values = dict(refused.choices)
    assert len(values) > 10 and all(v.startswith("S:0|/fact ") for v in values.values())
    [fact] = await discord_bot.click("sam", refused, "isaf")
    assert fact.title.startswith("Did you know?")


async def test_a_slow_click_is_a_deferred_update_of_its_message(
    discord_bot: DiscordHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    [page_1] = await discord_bot.send("sam", "/timeline")
    gate = _slow(discord_bot, monkeypatch)
    fake = discord_bot.fake
    click = await fake.click(page_1.ref, page_1.value("Next"), user=discord_bot.users["sam"])
    deferred = await fake.wait_response(click)
    assert deferred.json == {"type": 6}, "a deferred update: no new message"
    gate.set()
    await discord_bot.until_answered(click)
    [edit] = fake.followups(click)
    assert edit.method == "PATCH" and edit.path.endswith("/messages/@original")
    assert "(page 2/" in edit.json["embeds"][0]["title"]
    assert "(page 2/" in fake.messages[page_1.ref]["embeds"][0]["title"], "edited in place"


async def test_a_public_deferral_with_a_private_answer_stays_private(
    discord_bot: DiscordHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    gate = _slow(discord_bot, monkeypatch)
    payload = await discord_bot.fake.slash("fact", {"topic": "nosuchtopic"})
    await discord_bot.fake.wait_response(payload)
    gate.set()
    await discord_bot.until_answered(payload)
    callback = discord_bot.fake.callback(payload)
    assert callback is not None and callback.json == {"type": 5}, "deferred for the channel"
    delete, followup = discord_bot.fake.followups(payload)
    assert delete.method == "DELETE" and delete.path.endswith("/messages/@original")
    assert followup.method == "POST" and followup.json["flags"] & EPHEMERAL


async def test_every_message_the_bot_sends_or_edits_pings_nobody(
    discord_bot: DiscordHarness,
) -> None:
    await discord_bot.send("tess", "/quiz start sample questions:2 seconds:20")
    await discord_bot.send("ann", "/quiz answer <@&1> @everyone")
    await discord_bot.advance(20)
    await discord_bot.send("sam", "/whosaid @here csto backbone")
    await discord_bot.send("tess", "/quiz stop")
    fake = discord_bot.fake
    sent = [
        c for c in fake.calls
        if c.status == 200 and c.method in ("POST", "PATCH")
        and (c.path.startswith(("channels/", "webhooks/")) or c.path.endswith("/callback"))
        and (c.json or {}).get("type", 4) in (4, 7)
    ]  # fmt: skip
    assert len(sent) >= 8
    for call in sent:
        body = call.json.get("data", call.json) if call.path.endswith("/callback") else call.json
        assert body["allowed_mentions"] == {"parse": []}, (call.method, call.path)


async def test_direct_messages_serve_lookups_and_practice_but_no_class_quiz(
    discord_bot: DiscordHarness,
) -> None:
    fake = discord_bot.fake
    tess = discord_bot.users["tess"]  # a teacher in the server, but a DM has no server
    dm = fake.open_dm(tess)
    for name, options, sub in (
        ("define", {"term": "CSTO"}, None),
        ("practice", {"quiz": "sample", "questions": 1}, "start"),
        ("quiz", {"quiz": "sample"}, "start"),
    ):
        payload = await fake.slash(name, options, sub=sub, user=tess, channel=dm)
        await discord_bot.until_answered(payload)
    replies = [
        seen for call in fake.calls if call.path.endswith("/callback") and call.status == 200
        for seen in [seen_of(call.json["data"], "")]
    ]  # fmt: skip
    assert replies[0].title.startswith("CSTO")
    assert replies[1].text.startswith("Practising")
    assert replies[2].text == "Only a teacher can use /quiz start."
    assert discord_bot.bot.classroom.sessions == []


async def test_a_hanging_discord_never_holds_up_an_acknowledgement(
    discord_bot: DiscordHarness,
) -> None:
    fake = discord_bot.fake
    gate = fake.stall(lambda c: c.method == "POST" and c.path.startswith("channels/"))
    start = await fake.slash(
        "quiz", {"quiz": "sample", "seconds": 30}, sub="start", user=discord_bot.users["tess"]
    )
    answered = await fake.wait_response(start)  # while the question's post hangs
    assert answered.status == 200 and fake.ack_latency[start["id"]] < 3
    lookups = [await fake.slash("define", {"term": "CSTO"}) for _ in range(5)]
    for payload in lookups:
        assert (await fake.wait_response(payload)).status == 200
    assert max(fake.ack_latency[p["id"]] for p in [start, *lookups]) < 3 and fake.late == []
    posts = [c for c in fake.calls if c.method == "POST" and c.path.startswith("channels/")]
    assert posts and all(c.status == 0 for c in posts), "the question is still hanging"
    gate.set()
    await discord_bot.bot.delivery.drain()
    assert [c.status for c in posts] == [200] * len(posts), "and arrives once let go"
