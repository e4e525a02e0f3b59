"""The fake Slack refuses what Slack refuses: the adapter's tests are only as strict as this."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from tests.slack.fake import FakeSlack


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    started = await FakeSlack().start()
    yield started
    await started.stop()


async def _post(fake: FakeSlack, method: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    async with (
        aiohttp.ClientSession() as session,
        session.post(f"{fake.api_url}{method}", json=body) as response,
    ):
        return response.status, await response.json()


def _button(**overrides: Any) -> dict[str, Any]:
    return {"type": "button", "action_id": "a", "text": {"type": "plain_text", "text": "x"},
            "value": "v", **overrides}  # fmt: skip


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ({}, "no_text"),
        ({"text": "x" * 40001}, "msg_too_long"),
        ({"text": "t", "blocks": [_section("x")] * 51}, "invalid_blocks"),
        ({"text": "t", "blocks": [_section("x" * 3001)]}, "invalid_blocks"),
        ({"text": "t", "blocks": [{"type": "header",
                                   "text": {"type": "plain_text", "text": "x" * 151}}]},
         "invalid_blocks"),
        ({"text": "t", "blocks": [{"type": "actions",
                                   "elements": [_button(text={"type": "plain_text",
                                                              "text": "x" * 76})]}]},
         "invalid_blocks"),
        ({"text": "t", "blocks": [{"type": "actions", "elements": [_button(value="x" * 2001)]}]},
         "invalid_blocks"),
        ({"text": "t", "blocks": [{"type": "actions",
                                   "elements": [_button(action_id=f"a{n}") for n in range(26)]}]},
         "invalid_blocks"),
        ({"text": "t", "blocks": [{"type": "actions", "elements": [_button(), _button()]}]},
         "invalid_blocks"),
    ],
)  # fmt: skip
async def test_a_message_beyond_a_limit_is_refused(
    fake: FakeSlack, body: dict[str, Any], error: str
) -> None:
    status, answer = await _post(fake, "chat.postMessage", {"channel": fake.channel_id, **body})
    assert status == 200 and answer["ok"] is False and answer["error"].startswith(error)


async def test_channel_errors_rate_limits_and_live_mentions(fake: FakeSlack) -> None:
    fake.fail_channel("C0GONE", "channel_not_found")
    assert (await _post(fake, "chat.postMessage", {"channel": "C0GONE", "text": "x"}))[1][
        "error"
    ] == "channel_not_found"
    fake.rate_limit("chat.update", 1, retry_after=2)
    async with (
        aiohttp.ClientSession() as session,
        session.post(f"{fake.api_url}chat.update", json={"channel": "C", "ts": "1"}) as response,
    ):
        assert response.status == 429 and response.headers["Retry-After"] == "2"
    await _post(fake, "chat.postMessage", {"channel": fake.channel_id, "text": "hi <!channel>"})
    assert fake.live_mentions == ["hi <!channel>"], "a live mention is flagged"


async def test_a_response_url_takes_five_messages_at_most(fake: FakeSlack) -> None:
    payload = fake.slash_payload("/fact", "", fake.add_user("sam"))
    async with aiohttp.ClientSession() as session:
        statuses = []
        for _ in range(6):
            async with session.post(payload["response_url"], json={"text": "x"}) as response:
                statuses.append(response.status)
    assert statuses == [200] * 5 + [404]
