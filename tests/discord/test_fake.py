"""The fake Discord refuses what Discord refuses, with Discord's status and code: the adapter's
tests are only as strict as this."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from tests.discord.fake import FakeDiscord


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    started = await FakeDiscord(ack_deadline=0.2).start()
    yield started
    await started.stop()


async def _call(fake: FakeDiscord, method: str, path: str, body: Any) -> tuple[int, Any]:
    async with (
        aiohttp.ClientSession() as session,
        session.request(method, f"{fake.api_base}/{path}", json=body) as response,
    ):
        return response.status, await response.json()


def _embed(**parts: Any) -> dict[str, Any]:
    return {"embeds": [{"title": "t", "description": "d", **parts}]}


def _buttons(*ids: str, label: str = "x") -> dict[str, Any]:
    return {
        "content": "c",
        "components": [
            {
                "type": 1,
                "components": [
                    {"type": 2, "style": 1, "label": label, "custom_id": i} for i in ids
                ],
            }
        ],
    }


@pytest.mark.parametrize(
    ("body", "where"),
    [
        ({"content": "x" * 2001}, "content"),
        (_embed(title="x" * 257), "embeds.0.title"),
        (_embed(description="x" * 4097), "embeds.0.description"),
        (_embed(fields=[{"name": "n", "value": "v"}] * 26), "embeds.0.fields"),
        (_embed(fields=[{"name": "n", "value": "x" * 1025}]), "embeds.0.fields.0.value"),
        (_embed(fields=[{"name": "n", "value": ""}]), "embeds.0.fields.0.value"),
        (_embed(footer={"text": "x" * 2049}), "embeds.0.footer.text"),
        (
            {
                "embeds": [
                    {"description": "x" * 4000, "fields": [{"name": "n", "value": "x" * 1000}] * 3}
                ]
            },
            "embeds",
        ),
        (_buttons("x" * 101), "components.0.components.0.custom_id"),
        (_buttons("a", label="x" * 81), "components.0.components.0.label"),
        (_buttons("a", "b", "c", "d", "e", "f"), "components.0.components"),
        (_buttons("a", "a"), "components.0.components.1.custom_id"),
        ({**_buttons("a"), "components": _buttons("a")["components"] * 6}, "components"),
    ],
)
async def test_a_message_beyond_a_limit_is_refused_with_50035(
    fake: FakeDiscord, body: dict[str, Any], where: str
) -> None:
    status, answer = await _call(fake, "POST", f"channels/{fake.channel_id}/messages", body)
    assert (status, answer["code"]) == (400, 50035)
    assert where in answer["errors"], answer


async def test_an_empty_message_and_gone_places_are_refused(fake: FakeDiscord) -> None:
    path = f"channels/{fake.channel_id}/messages"
    status, answer = await _call(fake, "POST", path, {})
    assert (status, answer["code"]) == (400, 50006)
    status, answer = await _call(fake, "PATCH", f"{path}/123", {"content": "x"})
    assert (status, answer["code"]) == (404, 10008)
    fake.deny_channel(fake.channel_id)
    status, answer = await _call(fake, "POST", path, {"content": "x"})
    assert (status, answer["code"]) == (403, 50001)
    fake.delete_channel(fake.channel_id)
    status, answer = await _call(fake, "POST", path, {"content": "x"})
    assert (status, answer["code"]) == (404, 10003)


@pytest.mark.parametrize(
    ("commands", "where"),
    [
        ([{"name": "Fact", "description": "d", "type": 1}], "0.name"),
        ([{"name": "fact", "description": "", "type": 1}], "0.description"),
        ([{"name": "fact", "description": "x" * 101, "type": 1}], "0.description"),
        (
            [{"name": "f", "description": "d", "options": [
                {"name": "a", "description": "d", "type": 3},
                {"name": "b", "description": "d", "type": 3, "required": True},
            ]}],
            "0.options.1",
        ),
        (
            [{"name": "f", "description": "d", "options": [
                {"name": "a", "description": "d", "type": 3, "autocomplete": True,
                 "choices": [{"name": "x", "value": "x"}]},
            ]}],
            "0.options.0",
        ),
        ([{"name": f"c{n}", "description": "d"} for n in range(101)], "_root"),
    ],
)  # fmt: skip
async def test_a_bad_command_definition_is_refused(
    fake: FakeDiscord, commands: list[dict[str, Any]], where: str
) -> None:
    status, answer = await _call(fake, "PUT", f"applications/{fake.app_id}/commands", commands)
    assert (status, answer["code"]) == (400, 50035)
    assert where in answer["errors"]


async def test_the_deadline_and_a_second_response(fake: FakeDiscord) -> None:
    async with aiohttp.ClientSession() as session, session.ws_connect(fake.gateway_url) as ws:
        await ws.receive_str()
        await ws.send_json({"op": 2, "d": {"intents": 1}})
        late = await fake.slash("help")
        on_time = await fake.slash("help")
        path = f"interactions/{on_time['id']}/{on_time['token']}/callback"
        body = {"type": 4, "data": {"content": "hi"}}
        assert (await _call(fake, "POST", path, body))[0] == 200
        status, answer = await _call(fake, "POST", path, body)
        assert (status, answer["code"]) == (400, 40060)
        modal = {"type": 9, "data": {"title": "x" * 46, "custom_id": "m", "components": []}}
        status, answer = await _call(fake, "POST", path.replace(on_time["id"], "1"), modal)
        assert answer["code"] == 10062, "an interaction the fake never sent"
        await asyncio.sleep(0.25)  # past the 0.2 s deadline this fixture sets
        path = f"interactions/{late['id']}/{late['token']}/callback"
        status, answer = await _call(fake, "POST", path, body)
        assert (status, answer["code"]) == (404, 10062) and fake.late == [late["id"]]


async def test_a_modal_and_autocomplete_are_checked(fake: FakeDiscord) -> None:
    async with aiohttp.ClientSession() as session, session.ws_connect(fake.gateway_url) as ws:
        await ws.receive_str()
        await ws.send_json({"op": 2, "d": {"intents": 1}})
        command = await fake.slash("quiz")
        path = f"interactions/{command['id']}/{command['token']}/callback"
        modal = {"type": 9, "data": {"title": "x" * 46, "custom_id": "m", "components": []}}
        status, answer = await _call(fake, "POST", path, modal)
        assert (status, answer["code"]) == (400, 50035) and "data.title" in answer["errors"]
        typed = await fake.autocomplete("quotes", "person", "pu")
        path = f"interactions/{typed['id']}/{typed['token']}/callback"
        choices = [{"name": f"n{n}", "value": "v"} for n in range(26)]
        status, answer = await _call(fake, "POST", path, {"type": 8, "data": {"choices": choices}})
        assert (status, answer["code"]) == (400, 50035)
        status, answer = await _call(fake, "POST", path, {"type": 4, "data": {"content": "x"}})
        assert status == 400, "an autocomplete is answered with choices only"


async def test_a_rate_limit_answers_429_with_retry_after(fake: FakeDiscord) -> None:
    fake.rate_limit(lambda c: c.method == "POST", 1, 0.25)
    path = f"channels/{fake.channel_id}/messages"
    async with (
        aiohttp.ClientSession() as session,
        session.post(f"{fake.api_base}/{path}", json={"content": "x"}) as response,
    ):
        assert response.status == 429 and response.headers["Retry-After"] == "0.25"
        assert (await response.json())["retry_after"] == 0.25
    assert (await _call(fake, "POST", path, {"content": "x"}))[0] == 200
