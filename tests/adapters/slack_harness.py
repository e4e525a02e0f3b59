"""The shared scenarios on Slack: the real slack-bolt AsyncApp, wired by `lectern run`'s own
`bot.serve.start`, against the strict fake Slack, over signed HTTP or the Socket Mode socket. A
typed line becomes the slash command a user would type; what the user and the channel saw is
read back from what the fake recorded (response_url posts, chat.postMessage)."""

from __future__ import annotations

import asyncio
import html
import json
import tempfile
from pathlib import Path
from typing import Any

import aiohttp

from bot.adapters.slack.app import COMMANDS, SlackAdapter
from bot.bootstrap import Bot
from bot.core.fit import SLACK
from bot.core.messages import Limits
from bot.serve import Served, start
from bot.settings import Settings
from bot.store.sql_store import SqlStore
from tests.adapters.harness import TEACHERS, LiveHarness, Seen
from tests.fakes import FakeClock
from tests.slack.fake import FakeSlack


def seen_of(message: dict[str, Any], ref: str = "") -> Seen:
    """A Slack message as its reader sees it (entities unescaped, as Slack shows them)."""
    title, texts, fields, choices, footer = "", [], [], [], ""
    for block in message.get("blocks") or []:
        kind = block["type"]
        if kind == "header":
            title = block["text"]["text"]
        elif kind == "section" and "text" in block:
            texts.append(html.unescape(block["text"]["text"]))
        elif kind == "section":
            for f in block["fields"]:
                name, _, value = f["text"].partition("\n")
                fields.append((html.unescape(name.strip("*")), html.unescape(value)))
        elif kind == "context":
            footer = html.unescape(block["elements"][0]["text"])
        elif kind == "actions":
            for element in block["elements"]:
                if element["type"] == "static_select":
                    for option in element["options"]:
                        picked = json.dumps({"element": element, "value": option["value"]})
                        choices.append((option["text"]["text"], picked))
                else:
                    choices.append((element["text"]["text"], json.dumps({"element": element})))
    text = "\n".join(texts) or html.unescape(message.get("text") or "")
    return Seen(title, text, tuple(fields), tuple(choices), ref=ref, footer=footer)


def slash_of(text: str) -> tuple[str, str]:
    """The Slack command and its text for a typed line; other commands go under /lectern."""
    name, _, rest = text.strip().partition(" ")
    if name.lstrip("/") in (*COMMANDS, "lectern"):
        return name, rest
    return "/lectern", text.strip().lstrip("/")


class SlackHarness(LiveHarness):
    platform = "slack"
    limits: Limits = SLACK
    bot: Bot
    served: Served
    adapter: SlackAdapter
    fake: FakeSlack
    clock: FakeClock

    @classmethod
    async def open(
        cls,
        library: Any,
        transport: str = "http",
        fake: FakeSlack | None = None,
        database: Path | None = None,
        **settings: Any,
    ) -> SlackHarness:
        harness = cls()
        harness.transport = transport
        harness.fake = fake or await FakeSlack().start()
        harness.users = {
            name: harness.fake.add_user(name, admin=name in TEACHERS)
            for name in ("tess", "sam", "ann", "bob", "cy", "mallory")
        }
        harness.database = database or Path(tempfile.mkdtemp(prefix="lectern-sl-")) / "l.db"
        harness.settings = Settings(
            adapters="slack",
            slack_bot_token="xoxb-fake-token",
            slack_app_token="xapp-1-fake-token",
            slack_signing_secret=harness.fake.signing_secret,
            slack_mode=transport,
            slack_api_url=harness.fake.api_url,
            http_host="127.0.0.1",
            http_port=0,
            database_url=f"sqlite+aiosqlite:///{harness.database}",
            seed=4,
            **settings,
        )
        harness.store = await SqlStore.open(harness.settings.database_url.get_secret_value())
        harness.clock = FakeClock()
        harness.served = await start(
            harness.settings, library, harness.store, clock=harness.clock, run_timers=False
        )
        assert harness.served.slack is not None
        harness.adapter = harness.served.slack
        harness.bot = harness.served.bot
        harness._listen()
        harness.adapter.after_answer = harness._answered
        if transport == "socket":
            await asyncio.wait_for(harness.fake.ws_connected.wait(), 10)
        harness.http = aiohttp.ClientSession()
        harness.log = []
        harness.synced = 0
        return harness

    transport: str
    users: dict[str, str]
    database: Path
    settings: Settings
    store: SqlStore
    http: aiohttp.ClientSession
    log: list[tuple[str, bool, Seen]]
    synced: int

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.adapter.port}/slack/events"

    async def deliver(self, payload: dict[str, Any], headers: dict[str, str] | None = None) -> int:
        """Send `payload` as Slack would; the HTTP status (or 200 for a socket ack)."""
        if self.transport == "socket":
            kind = "slash_commands" if "command" in payload else "interactive"
            await self.fake.push(kind, payload)
            return 200
        body = self.fake.form(payload)
        async with self.http.post(
            self.url, data=body, headers={**self.fake.signed(body), **(headers or {})}
        ) as response:
            return response.status

    async def until_answered(self, key: str, within: float = 10.0) -> None:
        await self._until(key, within)

    def _sync(self) -> None:
        for call in self.fake.calls[self.synced :]:
            to_class = call.payload.get("channel") == self.fake.channel_id
            if call.method == "chat.postMessage" and call.ok and to_class:
                self.log.append(("", False, seen_of(call.payload, call.response["ts"])))
        self.synced = len(self.fake.calls)

    async def _record(self, user: str, payload: dict[str, Any], key: str) -> list[Seen]:
        assert await self.deliver(payload) == 200
        await self.until_answered(key)
        got = []
        for call in self.fake.responses(payload):
            private = call.payload.get("response_type") != "in_channel"
            if call.payload.get("replace_original"):
                private = False
            seen = seen_of(call.payload, str(payload.get("container", {}).get("message_ts", "")))
            got.append(seen)
            self.log.append((user, private, seen))
        self._sync()
        return got

    async def send(self, user: str, text: str) -> list[Seen]:
        command, rest = slash_of(text)
        payload = self.fake.slash_payload(command, rest, self.users[user])
        return await self._record(user, payload, payload["trigger_id"])

    async def click(self, user: str, message: Seen, label_start: str) -> list[Seen]:
        picked = json.loads(message.value(label_start))
        payload = self.fake.action_payload(
            message.ref, picked["element"], self.users[user], picked.get("value")
        )
        if not message.ref:  # an ephemeral message: the click carries it, Slack has no ts
            payload["container"]["message_ts"] = ""
        return await self._record(user, payload, payload["actions"][0]["action_ts"])

    @property
    def place_id(self) -> str:
        return self.fake.channel_id

    async def close(self, stop_fake: bool = True) -> None:
        await self.http.close()
        await self.served.close()
        await self.store.close()
        if stop_fake:
            await self.fake.stop()
