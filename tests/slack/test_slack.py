"""Slack's own behaviour, end to end: the real slack-bolt app through `lectern run`'s wiring
(`bot.serve.start`) against the strict fake Slack, over signed HTTP and over Socket Mode."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator

import pytest

from bot.core.course.library import ContentLibrary
from bot.core.messages import Channel
from tests.adapters.slack_harness import SlackHarness, seen_of
from tests.conftest import CONTENT, FIXTURES, ROOT, right_answer


@pytest.fixture(scope="module")
def library() -> ContentLibrary:
    return ContentLibrary([CONTENT], root=ROOT, quiz_paths=[FIXTURES / "quizzes-good"])


@pytest.fixture(params=["http", "socket"])
async def slack(
    request: pytest.FixtureRequest, library: ContentLibrary
) -> AsyncIterator[SlackHarness]:
    harness = await SlackHarness.open(library, request.param)
    yield harness
    await harness.close()


@pytest.fixture
async def http(library: ContentLibrary) -> AsyncIterator[SlackHarness]:
    harness = await SlackHarness.open(library, "http")
    yield harness
    await harness.close()


async def test_forged_and_stale_requests_are_refused_and_do_nothing(http: SlackHarness) -> None:
    fake = http.fake
    payload = fake.slash_payload("/fact", "isaf", http.users["sam"])
    body = fake.form(payload)
    forged = fake.signed(body, secret="not-the-secret")
    stale = fake.signed(body, timestamp=int(time.time()) - 6 * 60)
    for headers in (forged, stale, {"Content-Type": "application/x-www-form-urlencoded"}):
        async with http.http.post(http.url, data=body, headers=headers) as response:
            assert response.status == 401
    assert fake.responses(payload) == [] and fake.called("chat.postMessage") == []


async def test_a_retried_request_is_done_once(http: SlackHarness) -> None:
    fake = http.fake
    payload = fake.slash_payload("/quiz", "start sample questions:1 seconds:30", http.users["tess"])
    body = fake.form(payload)
    for retry in ("", "1"):
        headers = fake.signed(body)
        if retry:
            headers |= {"X-Slack-Retry-Num": retry, "X-Slack-Retry-Reason": "http_timeout"}
        async with http.http.post(http.url, data=body, headers=headers) as response:
            assert response.status == 200
    await http.until_answered(payload["trigger_id"])
    assert len(fake.responses(payload)) == 1
    assert len(fake.called("chat.postMessage")) == 1, "one question posted, not two"


async def test_replies_are_block_kit_with_a_fallback_and_escaped(slack: SlackHarness) -> None:
    [found] = await slack.send("sam", "/whosaid csto backbone <!channel>")
    assert "Bordyuzha" in found.text and found.footer.startswith("Source: ")
    sent = [c for c in slack.fake.calls if c.method == "response_url"][-1].payload
    assert sent["text"] and sent["blocks"][0]["type"] == "header"
    assert sent["response_type"] == "in_channel"
    assert slack.fake.live_mentions == []
    [private] = await slack.send("sam", "/lectern help")
    assert private.title == "Lectern commands" and slack.private("sam")[-1] == private


async def test_a_typed_answer_goes_through_the_modal(slack: SlackHarness) -> None:
    fake = slack.fake
    _, seen = await slack.send("sam", "/practice sample questions:4")
    for _ in range(4):
        if any(label.endswith("Answer") for label, _ in seen.choices):
            break
        _, seen = await slack.click("sam", seen, "A)")
    button = json.loads(seen.value("✏️ Answer"))["element"]
    payload = fake.action_payload("", button, slack.users["sam"])
    await slack.deliver(payload)
    await slack.until_answered(payload["actions"][0]["action_ts"])
    [opened] = fake.called("views.open")
    view = opened.payload["view"]
    practice = slack.bot.app.practices.get(("slack", slack.users["sam"]))
    assert practice is not None and practice.current is not None
    submit = fake.view_payload(view, slack.users["sam"], right_answer(practice.current))
    await slack.deliver(submit)
    await slack.until_answered(submit["view"]["id"])
    [told, *_] = fake.called("chat.postEphemeral")
    assert told.payload["user"] == slack.users["sam"]
    assert seen_of(told.payload).text.startswith("✅ Right")


async def test_a_click_after_a_restart_reaches_its_session(library: ContentLibrary) -> None:
    first = await SlackHarness.open(library, "http")
    fake, database = first.fake, first.database
    await first.send("tess", "/quiz start sample questions:2 seconds:60")
    question, card = first.channel()[-1], first.open_card()
    await first.close(stop_fake=False)
    second = await SlackHarness.open(library, "socket", fake=fake, database=database)
    try:
        if card.options:
            [answered] = await second.click("ann", question, f"{'ABCDE'[card.correct]})")
        else:
            [answered] = await second.send("ann", f"/quiz answer {right_answer(card)}")
        assert answered.text == "Answer received."
    finally:
        await second.close()


async def test_a_channel_without_the_bot_ends_the_quiz_and_tells_the_teacher(
    slack: SlackHarness,
) -> None:
    fake = slack.fake
    fake.fail_channel(fake.channel_id, "not_in_channel")
    [started] = await slack.send("tess", "/quiz start sample questions:2 seconds:20")
    assert started.text.startswith("Started")
    await slack.bot.delivery.drain()
    assert slack.bot.classroom.sessions == []
    [notice] = [c for c in fake.called("chat.postMessage") if c.ok]
    assert notice.payload["channel"] == slack.users["tess"]
    assert "/invite" in notice.payload["text"]
    [lookup] = await slack.send("sam", "/define CSTO")
    assert lookup.title.startswith("CSTO"), "the bot keeps serving"


async def test_ratelimited_updates_are_retried_while_clicks_are_acked(slack: SlackHarness) -> None:
    fake = slack.fake
    fake.rate_limit("chat.update", 2, retry_after=1)
    await slack.send("tess", "/quiz start sample questions:1 seconds:60")
    question = slack.channel()[-1]
    card = slack.open_card()
    students = [fake.add_user(f"s{n}") for n in range(8)]
    for student in students:
        if card.options:
            picked = json.loads(question.value("A)"))
            payload = fake.action_payload(question.ref, picked["element"], student)
        else:
            payload = fake.slash_payload("/quiz", "answer x", student)
        started = time.monotonic()
        assert await slack.deliver(payload) == 200
        assert time.monotonic() - started < 3, "acknowledged while updates wait"
    await slack.bot.delivery.drain()
    updates = fake.called("chat.update")
    assert [u.error for u in updates].count("ratelimited") == 2
    assert updates[-1].ok, "the latest state arrived in the end"
    assert len(updates) - 2 < len(students), "updates were coalesced"


async def test_a_teacher_by_setting_and_the_csv_in_direct_messages(
    library: ContentLibrary,
) -> None:
    harness = await SlackHarness.open(library, "http")
    fake = harness.fake
    helper = fake.add_user("helper")  # not an admin: a teacher by LECTERN_SLACK_TEACHERS
    await harness.close(stop_fake=False)
    harness = await SlackHarness.open(library, "http", fake=fake, slack_teachers=helper)
    harness.users["helper"] = helper
    try:
        [refused] = await harness.send("sam", "/quiz results")
        assert refused.text == "Only a teacher can use /quiz results."
        await harness.send("helper", "/quiz start sample questions:1 seconds:30")
        await harness.send("helper", "/quiz stop")
        [results] = await harness.send("helper", "/quiz results")
        assert "direct messages" in results.text
        [opened] = fake.called("conversations.open")
        assert opened.payload["users"] == helper
        [upload] = [c for c in fake.calls if c.method == "upload"]
        assert fake.uploads[upload.payload["id"]].startswith(b"question")
        assert fake.called("files.completeUploadExternal")
    finally:
        await harness.close()


@pytest.mark.parametrize("error", ["channel_not_found", "is_archived"])
async def test_a_channel_gone_mid_quiz_ends_only_that_quiz(http: SlackHarness, error: str) -> None:
    fake = http.fake
    await http.send("tess", "/quiz start sample questions:3 seconds:20")
    assert len(http.bot.classroom.sessions) == 1
    fake.fail_channel(fake.channel_id, error)
    await http.advance(20)  # the reveal cannot be posted
    assert http.bot.classroom.sessions == []
    [notice] = [c for c in fake.called("chat.postMessage") if c.payload["channel"].startswith("U")]
    assert "Quiz ended" in notice.payload["text"]


async def test_a_hanging_slack_never_holds_up_an_ack(slack: SlackHarness) -> None:
    fake = slack.fake
    gate = fake.stall("chat.postMessage")
    start = fake.slash_payload("/quiz", "start sample seconds:30", slack.users["tess"])
    began = time.monotonic()
    assert await slack.deliver(start) == 200  # while the question's post hangs
    for _ in range(5):
        assert await slack.deliver(fake.slash_payload("/define", "CSTO", slack.users["sam"])) == 200
    assert time.monotonic() - began < 3, "every ack came while Slack hung"
    await fake.wait_call(lambda c: c.method == "response_url", within=5)
    assert fake.called("chat.postMessage") == [], "the question is still hanging"
    gate.set()
    await slack.until_answered(start["trigger_id"])
    assert len([c for c in fake.called("chat.postMessage") if c.ok]) == 1


async def test_a_daily_fact_in_a_channel_the_bot_was_removed_from_stops_and_tells_the_teacher(
    http: SlackHarness,
) -> None:
    fake = http.fake
    [set_] = await http.send("tess", "/daily set 12:01 UTC")
    assert set_.title == "Daily fact set"
    fake.fail_channel(fake.channel_id, "not_in_channel")
    await http.advance(60)
    schedule = await http.bot.store.schedule_in(Channel("slack", fake.channel_id))
    assert schedule is not None and not schedule.enabled
    assert "invite it with /invite @Lectern" in (schedule.disabled_reason or "")
    [notice] = [c for c in fake.called("chat.postMessage") if c.payload["channel"].startswith("U")]
    assert "Daily fact stopped" in notice.payload["text"]
    await http.advance(86400)
    tries = [c for c in fake.called("chat.postMessage") if c.payload["channel"] == fake.channel_id]
    assert len(tries) == 1, "no retry loop"
