"""Discord and Slack in one process, on one database and one class engine: each platform's quiz
runs in its own channel and a lookup works on both."""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path

import aiohttp

from bot.core.course.library import ContentLibrary
from bot.serve import start
from bot.settings import Settings
from bot.store.sql_store import SqlStore
from tests.conftest import CONTENT, FIXTURES, ROOT
from tests.discord.fake import FakeDiscord
from tests.fakes import FakeClock
from tests.slack.fake import FakeSlack


async def test_discord_and_slack_in_one_process() -> None:
    library = ContentLibrary([CONTENT], root=ROOT, quiz_paths=[FIXTURES / "quizzes-good"])
    discord, slack = await FakeDiscord().start(), await FakeSlack().start()
    database = Path(tempfile.mkdtemp(prefix="lectern-both-")) / "l.db"
    settings = Settings(
        adapters="discord,slack",
        discord_token="ODk2.both.token",
        discord_api_base=discord.api_base,
        discord_gateway_url=discord.gateway_url,
        slack_bot_token="xoxb-both",
        slack_mode="http",
        slack_signing_secret=slack.signing_secret,
        slack_api_url=slack.api_url,
        http_host="127.0.0.1",
        http_port=0,
        database_url=f"sqlite+aiosqlite:///{database}",
    )
    store = await SqlStore.open(settings.database_url.get_secret_value())
    served = await start(settings, library, store, clock=FakeClock(), run_timers=False,
                         guild_ready_timeout=0.05)  # fmt: skip
    assert served.discord is not None and served.slack is not None
    try:
        await asyncio.wait_for(served.discord.wait_until_ready(), 10)
        teacher = discord.add_user("tess", permissions=0x400 | 0x800 | 0x10)
        payload = await discord.slash("quiz", {"quiz": "sample"}, sub="start", user=teacher)
        await discord.wait_response(payload)
        slack_teacher = slack.add_user("tess", admin=True)
        command = slack.slash_payload("/quiz", "start sample", slack_teacher)
        body = slack.form(command)
        url = f"http://127.0.0.1:{served.slack.port}/slack/events"
        async with (
            aiohttp.ClientSession() as http,
            http.post(url, data=body, headers=slack.signed(body)) as response,
        ):
            assert response.status == 200
        await slack.wait_call(lambda c: c.method == "chat.postMessage")
        await served.bot.delivery.drain()
        platforms = sorted(r.place.platform for r in served.bot.classroom.sessions)
        assert platforms == ["discord", "slack"]
    finally:
        await served.close()
        await store.close()
        await discord.stop()
        await slack.stop()
