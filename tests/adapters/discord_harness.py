"""The shared scenarios on Discord: the real discord.py client, wired by `lectern run`'s own
`bot.serve.start`, against the strict fake Discord on loopback. A typed line becomes the slash
command a user would fill in; what the user and the channel saw is read back from the REST calls
the fake recorded."""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path
from typing import Any

from discord import AppCommandOptionType, app_commands

from bot.adapters.discord.client import LecternClient
from bot.bootstrap import Bot
from bot.core.course.library import ContentLibrary
from bot.core.fit import DISCORD
from bot.core.messages import Limits
from bot.core.parser import ParseError, parse
from bot.serve import Served, start
from bot.settings import Settings
from bot.store.sql_store import SqlStore
from tests.adapters.harness import TEACHERS, LiveHarness, Seen
from tests.discord.fake import Call, FakeDiscord
from tests.fakes import FakeClock

STUDENT = 0x400 | 0x800 | 0x10000  # view channel, send messages, read history
TEACHER = STUDENT | 0x10  # and manage channels
EPHEMERAL = 64


def seen_of(message: dict[str, Any], ref: str) -> Seen:
    """A Discord message as its reader sees it: the embed, its buttons (and menu options)."""
    embeds = message.get("embeds") or []
    embed = embeds[0] if embeds else {}
    choices: list[tuple[str, str]] = []
    for row in message.get("components") or []:
        for item in row.get("components") or []:
            if item.get("type") == 3:
                choices += [
                    (o["label"], f"{item['custom_id']}|{o['value']}") for o in item["options"]
                ]
            else:
                choices.append((item.get("label") or "", item.get("custom_id") or ""))
    return Seen(
        embed.get("title") or "",
        embed.get("description") or message.get("content") or "",
        tuple((f["name"], f["value"]) for e in embeds for f in e.get("fields") or []),
        tuple(choices),
        ref=ref,
        footer=(embed.get("footer") or {}).get("text") or "",
    )


def slash_of(client: LecternClient, text: str) -> tuple[str, str | None, dict[str, Any]] | None:
    """The slash command (name, subcommand, options) a user fills in to say `text`; None when
    Discord would not let them send it (no such command or subcommand, a wrong option)."""
    assert client.bot is not None
    parsed = parse(text, option_names=client.bot.app._options)
    if isinstance(parsed, ParseError):
        return None
    command = client.tree.get_command(parsed.name)
    if command is None:
        return None
    args, options = parsed.args, dict(parsed.options)
    sub = None
    if isinstance(command, app_commands.Group):
        word = parsed.words[0].casefold() if parsed.words else ""
        if parsed.name == "practice" and command.get_command(word) is None:
            sub = "start" if args else "current"
        elif parsed.name == "progress" and not args:
            sub = "show"  # on Discord, /progress alone is /progress show
        elif command.get_command(word) is None:
            return None
        else:
            sub, args = word, args[len(word) :].strip()
        command = command.get_command(sub)
        assert isinstance(command, app_commands.Command)
    if parsed.name == "fact" and parsed.words[:1] == ["search"]:
        options["search"], args = args[len("search") :].strip(), ""
    if sub == "results" and args:
        options["session"], args = args.lstrip("#"), ""
    params = {p.name: p for p in command.parameters}
    if args:
        free = next((p for p in command.parameters if p.name not in options), None)
        if free is None:
            return None
        options[free.name] = args
    typed: dict[str, Any] = {}
    for name, value in options.items():
        param = params.get(name)
        if param is None:
            return None
        if param.type is AppCommandOptionType.integer:
            if not value.isdigit():
                return None
            typed[name] = int(value)
        elif param.choices and value not in [c.value for c in param.choices]:
            return None
        else:
            typed[name] = value
    return parsed.name, sub, typed


class DiscordHarness(LiveHarness):
    platform = "discord"
    limits: Limits = DISCORD
    bot: Bot
    served: Served
    client: LecternClient
    fake: FakeDiscord
    clock: FakeClock

    @classmethod
    async def open(
        cls,
        library: ContentLibrary,
        fake: FakeDiscord | None = None,
        database: Path | None = None,
        **settings: Any,
    ) -> DiscordHarness:
        harness = cls()
        harness.fake = fake or await FakeDiscord().start()
        harness.users = {}
        for name in ("tess", "sam", "ann", "bob", "cy", "mallory"):
            permissions = TEACHER if name in TEACHERS else STUDENT
            harness.users[name] = harness.fake.add_user(name, permissions=permissions)
        harness.database = database or Path(tempfile.mkdtemp(prefix="lectern-dc-")) / "l.db"
        harness.settings = Settings(
            adapters="discord",
            discord_token="ODk2.fake.token",
            discord_api_base=harness.fake.api_base,
            discord_gateway_url=harness.fake.gateway_url,
            database_url=f"sqlite+aiosqlite:///{harness.database}",
            seed=4,
            **settings,
        )
        harness.store = await SqlStore.open(harness.settings.database_url.get_secret_value())
        harness.clock = FakeClock()
        harness.served = await start(
            harness.settings,
            library,
            harness.store,
            clock=harness.clock,
            run_timers=False,
            guild_ready_timeout=0.05,
        )
        assert harness.served.discord is not None
        harness.client = harness.served.discord
        harness.bot = harness.served.bot
        harness._listen()
        harness.client.after_answer = harness._answered
        await asyncio.wait_for(harness.client.wait_until_ready(), 10)
        harness.log = []
        harness.synced = 0
        return harness

    users: dict[str, str]
    database: Path
    settings: Settings
    store: SqlStore
    log: list[tuple[str, bool, Seen]]
    synced: int

    async def until_answered(self, payload: dict[str, Any], within: float = 10.0) -> None:
        await self._until(payload["id"], within)

    @property
    def place_id(self) -> str:
        return self.fake.channel_id

    def responses(self, payload: dict[str, Any]) -> list[tuple[bool, Seen]]:
        """(private?, message) of everything that answered `payload`, in order."""
        out: list[tuple[bool, Seen]] = []
        callback = self.fake.callback(payload)
        if callback is not None and callback.json["type"] in (4, 7):
            data = callback.json.get("data") or {}
            message = (callback.response or {}).get("resource", {}).get("message") or data
            ref = str(message.get("id", payload.get("message", {}).get("id", "")))
            merged = {**message, **data}
            out.append((bool(merged.get("flags", 0) & EPHEMERAL), seen_of(merged, ref)))
        for call in self.fake.followups(payload):
            if call.method != "POST":
                continue
            body = call.json or {}
            ref = str((call.response or {}).get("id", ""))
            out.append((bool(body.get("flags", 0) & EPHEMERAL), seen_of(body, ref)))
        return out

    def _sync(self) -> None:
        """Bring the class channel's posts into the log, in the order the fake got them."""
        calls = self.fake.calls
        for call in calls[self.synced :]:
            if call.method == "POST" and call.path == f"channels/{self.place_id}/messages":
                ref = str((call.response or {}).get("id", ""))
                self.log.append(("", False, seen_of(call.json or {}, ref)))
        self.synced = len(calls)

    async def _record(self, user: str, payload: dict[str, Any]) -> list[Seen]:
        await self.until_answered(payload)
        got = self.responses(payload)
        for private, seen in got:
            self.log.append((user, private, seen))
        self._sync()
        return [seen for _, seen in got]

    async def send(self, user: str, text: str) -> list[Seen]:
        slash = slash_of(self.client, text)
        if slash is None:
            return []  # the Discord client offers no such command: nothing reaches the bot
        name, sub, options = slash
        payload = await self.fake.slash(name, options, sub=sub, user=self.users[user])
        return await self._record(user, payload)

    async def click(self, user: str, message: Seen, label_start: str) -> list[Seen]:
        value = message.value(label_start)
        custom_id, _, option = value.partition("|")
        payload = await self.fake.click(
            message.ref, custom_id, user=self.users[user], values=[option] if option else None
        )
        return await self._record(user, payload)

    def calls(self, method: str, path_start: str) -> list[Call]:
        return [c for c in self.fake.calls if c.method == method and c.path.startswith(path_start)]

    async def close(self, stop_fake: bool = True) -> None:
        await self.served.close()
        await self.store.close()
        if stop_fake:
            await self.fake.stop()
