"""`lectern run` itself, in its own process, against the fake Slack in both transports: it plays
a class quiz from start to podium and stops cleanly on SIGTERM without logging its tokens."""

from __future__ import annotations

import asyncio
import json
import socket
from typing import Any

import aiohttp
import pytest

from tests.conftest import FIXTURES, lectern_env, spawn_lectern, stop_lectern
from tests.slack.fake import FakeSlack


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.mark.parametrize("mode", ["http", "socket"])
async def test_lectern_run_plays_a_class_quiz_and_stops_cleanly(mode: str) -> None:
    fake = await FakeSlack().start()
    teacher, student = fake.add_user("tess", admin=True), fake.add_user("ann")
    port = _free_port()
    env = lectern_env(
        {
            "LECTERN_ADAPTERS": "slack",
            "LECTERN_SLACK_MODE": mode,
            "LECTERN_SLACK_BOT_TOKEN": "xoxb-very-secret-bot",
            "LECTERN_SLACK_APP_TOKEN": "xapp-very-secret-app",
            "LECTERN_SLACK_SIGNING_SECRET": fake.signing_secret,
            "LECTERN_SLACK_API_URL": fake.api_url,
            "LECTERN_HTTP_HOST": "127.0.0.1",
            "LECTERN_HTTP_PORT": str(port),
            "LECTERN_QUIZ_DIR": str(FIXTURES / "quizzes-good"),
            "LECTERN_LOG_LEVEL": "DEBUG",
        }
    )
    bot = await spawn_lectern("run", env=env)
    http = aiohttp.ClientSession()

    async def deliver(payload: dict[str, Any]) -> None:
        if mode == "socket":
            kind = "slash_commands" if "command" in payload else "interactive"
            await fake.push(kind, payload)
            return
        body = fake.form(payload)
        for _ in range(100):  # until the server listens
            try:
                async with http.post(
                    f"http://127.0.0.1:{port}/slack/events", data=body, headers=fake.signed(body)
                ) as response:
                    assert response.status == 200
                    return
            except aiohttp.ClientConnectorError:
                await asyncio.sleep(0.1)
        raise AssertionError("the bot never listened")

    def posts() -> list[dict[str, Any]]:
        return [c.payload for c in fake.called("chat.postMessage") if c.ok]

    try:
        if mode == "socket":
            await asyncio.wait_for(fake.ws_connected.wait(), 60)
        start = fake.slash_payload("/quiz", "start sample questions:2 seconds:60", teacher)
        await deliver(start)
        await fake.wait_call(lambda c: c.method == "chat.postMessage", within=30)
        question = posts()[-1]
        assert question["blocks"][0]["text"]["text"] == "One question of each kind · 1/2"
        [ts] = [t for t, m in fake.messages.items() if m["blocks"] == question["blocks"]]
        actions = next(b for b in question["blocks"] if b["type"] == "actions")
        click = fake.action_payload(ts, actions["elements"][0], student)
        await deliver(click)
        [answered] = await fake.wait_call(
            lambda c: c.method == "response_url" and c.payload["_id"] in click["response_url"]
        )
        assert json.dumps(answered.payload).count("Answer received.") >= 1
        await deliver(fake.slash_payload("/quiz", "stop", teacher))
        await fake.wait_call(lambda c: "was stopped" in json.dumps(c.payload), within=10)
        podium = posts()[-1]["blocks"][1]["text"]["text"]
        assert podium.startswith("🥇 ann")
    finally:
        await http.close()
        log = await stop_lectern(bot)
        await fake.stop()
    assert bot.returncode == 0, log[-2000:]
    assert "very-secret" not in log, "no token is ever logged"
