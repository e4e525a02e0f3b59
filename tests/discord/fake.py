"""A strict fake of Discord (REST API v10 and the gateway) on 127.0.0.1, for the real discord.py.

It refuses what Discord refuses, with Discord's codes: an initial response after 3 s (10062), a
second one (40060), bodies beyond the limits (50035: content, embeds, components, custom_id,
modals, autocomplete, command definitions), empty messages (50006), a deleted channel (10003),
an unknown message (10008), a channel without access (50001); it rate-limits on demand (429 with
retry_after), drops the gateway on demand (the client resumes), and records every call.

Traps it respects (see ../shared/reference/platform-fakes/NOTES.md): discord.py parses JSON only
when Content-Type is exactly application/json; errors are 4xx, never 5xx (which discord.py
retries with backoff); the callback `?with_response=1` answers {interaction, resource}.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import re
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

from tests.fake_server import CallLog, serve_loopback

_ids = itertools.count(1_100_000_000_000_000_000)
TS = "2026-01-01T00:00:00.000000+00:00"
STUDENT = 0x400 | 0x800 | 0x10000  # view channel, send messages, read message history
NAME = re.compile(r"^[-_\w]{1,32}$")
EPHEMERAL = 64


def snowflake() -> str:
    return str(next(_ids))


def _json(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    return web.Response(
        body=json.dumps(body).encode(),
        status=status,
        headers={"Content-Type": "application/json", **(headers or {})},
    )


class Refusal(Exception):
    def __init__(self, status: int, code: int, message: str, errors: Any = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.errors = status, code, message, errors

    def response(self) -> web.Response:
        body: dict[str, Any] = {"message": self.message, "code": self.code}
        if self.errors is not None:
            body["errors"] = self.errors
        return _json(body, self.status)


def invalid(where: str, problem: str) -> Refusal:
    return Refusal(400, 50035, "Invalid Form Body", {where: {"_errors": [{"message": problem}]}})


@dataclass
class Call:
    method: str
    path: str
    query: dict[str, str]
    json: Any
    files: list[tuple[str, bytes]] = field(default_factory=list)
    at: float = 0.0
    status: int = 0
    response: Any = None  # what the fake answered (a message, a callback's resource...)


# ---------------------------------------------------------------------------- validation


def _length(value: Any, most: int, where: str, least: int = 0) -> None:
    if value is None:
        return
    if not isinstance(value, str) or not least <= len(value) <= most:
        raise invalid(where, f"Must be between {least} and {most} in length.")


def check_embeds(embeds: list[dict[str, Any]]) -> None:
    if len(embeds) > 10:
        raise invalid("embeds", "Must be 10 or fewer in length.")
    total = 0
    for n, embed in enumerate(embeds):
        where = f"embeds.{n}"
        _length(embed.get("title"), 256, f"{where}.title")
        _length(embed.get("description"), 4096, f"{where}.description")
        fields = embed.get("fields") or []
        if len(fields) > 25:
            raise invalid(f"{where}.fields", "Must be 25 or fewer in length.")
        for i, f in enumerate(fields):
            _length(f.get("name"), 256, f"{where}.fields.{i}.name", least=1)
            _length(f.get("value"), 1024, f"{where}.fields.{i}.value", least=1)
            if not f.get("name") or not f.get("value"):
                raise invalid(f"{where}.fields.{i}", "This field is required")
        footer = (embed.get("footer") or {}).get("text")
        _length(footer, 2048, f"{where}.footer.text")
        author = (embed.get("author") or {}).get("name")
        _length(author, 256, f"{where}.author.name")
        total += sum(len(x or "") for x in (embed.get("title"), embed.get("description")))
        total += sum(len(f.get("name", "")) + len(f.get("value", "")) for f in fields)
        total += len(footer or "") + len(author or "")
    if total > 6000:
        raise invalid("embeds", "Embed size exceeds maximum size of 6000")


def check_components(rows: list[dict[str, Any]]) -> None:
    if len(rows) > 5:
        raise invalid("components", "Must be 5 or fewer in length.")
    seen: set[str] = set()
    for r, row in enumerate(rows):
        items = row.get("components") or []
        if row.get("type") != 1 or not items:
            raise invalid(f"components.{r}", "Action rows need 1 to 5 components")
        selects = [i for i in items if i.get("type") in (3, 5, 6, 7, 8)]
        if selects and len(items) > 1:
            raise invalid(f"components.{r}", "A select menu must be alone in its row")
        if len(items) > 5:
            raise invalid(f"components.{r}.components", "Must be 5 or fewer in length.")
        for c, item in enumerate(items):
            where = f"components.{r}.components.{c}"
            custom_id = item.get("custom_id")
            if item.get("type") == 2 and item.get("style") == 5:
                continue  # a link button has a url, no custom_id
            if not custom_id:
                raise invalid(f"{where}.custom_id", "This field is required")
            _length(custom_id, 100, f"{where}.custom_id", least=1)
            if custom_id in seen:
                raise invalid(f"{where}.custom_id", "Component custom id cannot be duplicated")
            seen.add(custom_id)
            if item.get("type") == 2:
                _length(item.get("label"), 80, f"{where}.label")
            elif item.get("type") == 3:
                options = item.get("options") or []
                if not 1 <= len(options) <= 25:
                    raise invalid(f"{where}.options", "Must be between 1 and 25 in length.")
                for o, option in enumerate(options):
                    _length(option.get("label"), 100, f"{where}.options.{o}.label", least=1)
                    _length(option.get("value"), 100, f"{where}.options.{o}.value", least=1)
                _length(item.get("placeholder"), 150, f"{where}.placeholder")


def check_message(body: dict[str, Any], files: int = 0, *, edit: bool = False) -> None:
    content = body.get("content")
    _length(content, 2000, "content")
    check_embeds(body.get("embeds") or [])
    check_components(body.get("components") or [])
    empty = not (content or body.get("embeds") or body.get("components") or files)
    if empty and not edit:
        raise Refusal(400, 50006, "Cannot send an empty message")


def check_modal(data: dict[str, Any]) -> None:
    _length(data.get("title"), 45, "data.title", least=1)
    _length(data.get("custom_id"), 100, "data.custom_id", least=1)
    rows = data.get("components") or []
    if not 1 <= len(rows) <= 5:
        raise invalid("data.components", "Must be between 1 and 5 in length.")
    for r, row in enumerate(rows):
        items = row.get("components") or []
        if row.get("type") != 1 or len(items) != 1 or items[0].get("type") != 4:
            raise invalid(f"data.components.{r}", "A modal row holds one text input")
        [item] = items
        where = f"data.components.{r}.components.0"
        _length(item.get("label"), 45, f"{where}.label", least=1)
        _length(item.get("custom_id"), 100, f"{where}.custom_id", least=1)
        if item.get("style") not in (1, 2):
            raise invalid(f"{where}.style", "Must be 1 or 2")
        if int(item.get("max_length") or 4000) > 4000:
            raise invalid(f"{where}.max_length", "Must be 4000 or fewer")


def _check_options(options: list[dict[str, Any]], where: str) -> None:
    if len(options) > 25:
        raise invalid(where, "Must be 25 or fewer in length.")
    optional = False
    for n, option in enumerate(options):
        here = f"{where}.{n}"
        name = option.get("name", "")
        if not NAME.match(name) or name != name.lower():
            raise invalid(f"{here}.name", "Invalid option name")
        _length(option.get("description"), 100, f"{here}.description", least=1)
        choices = option.get("choices") or []
        if len(choices) > 25:
            raise invalid(f"{here}.choices", "Must be 25 or fewer in length.")
        for c, choice in enumerate(choices):
            _length(choice.get("name"), 100, f"{here}.choices.{c}.name", least=1)
            if isinstance(choice.get("value"), str):
                _length(choice["value"], 100, f"{here}.choices.{c}.value", least=1)
        if choices and option.get("autocomplete"):
            raise invalid(here, "Autocomplete and choices are mutually exclusive")
        if option.get("type") in (1, 2):
            _check_options(option.get("options") or [], f"{here}.options")
            continue
        if option.get("required"):
            if optional:
                raise invalid(here, "Required options must be placed before non-required options")
        else:
            optional = True


def check_commands(commands: Any) -> None:
    if not isinstance(commands, list) or len(commands) > 100:
        raise invalid("_root", "Must be 100 or fewer in length.")
    names: set[str] = set()
    for n, command in enumerate(commands):
        name = command.get("name", "")
        if not NAME.match(name) or name != name.lower():
            raise invalid(f"{n}.name", "Invalid application command name")
        if name in names:
            raise invalid(f"{n}.name", "Application command names must be unique")
        names.add(name)
        if command.get("type", 1) == 1:
            _length(command.get("description"), 100, f"{n}.description", least=1)
        permissions = command.get("default_member_permissions")
        if permissions is not None and not str(permissions).isdigit():
            raise invalid(f"{n}.default_member_permissions", "Invalid permissions")
        _check_options(command.get("options") or [], f"{n}.options")


# ---------------------------------------------------------------------------- the fake


class FakeDiscord(CallLog[Call]):
    def __init__(
        self, *, guilds: int = 1, ack_deadline: float = 3.0, token: str | None = None
    ) -> None:
        self.app_id = snowflake()
        self.token = token  # when set, bot calls must carry it ("Bot <token>")
        self.ack_deadline = ack_deadline
        self.bot_user = {
            "id": self.app_id, "username": "lectern", "discriminator": "0",
            "global_name": None, "avatar": None, "bot": True, "flags": 0,
        }  # fmt: skip
        self.guild_count = guilds
        self.guild_ids = [snowflake() for _ in range(guilds)]
        self.guild_id = self.guild_ids[0]
        self.channels: dict[str, dict[str, Any]] = {}
        self.channel_id = self.add_channel("class", announce=False)
        self.roles: dict[str, str] = {}  # role name -> id, in the first guild
        self.users: dict[str, dict[str, Any]] = {}
        self.members: dict[str, dict[str, Any]] = {}
        self.student = self.add_user("alice")
        self.calls: list[Call] = []
        self.messages: dict[str, dict[str, Any]] = {}
        self.commands: dict[str, list[dict[str, Any]]] = {}
        self.syncs = 0
        self.sent_at: dict[str, float] = {}
        self.acked: set[str] = set()
        self.ack_latency: dict[str, float] = {}
        self.late: list[str] = []
        self.kinds: dict[str, int] = {}  # interaction id -> its type
        self.tokens: dict[str, str] = {}  # interaction token -> id
        self.gone: set[str] = set()
        self.denied: set[str] = set()
        # (channel, nonce) -> message id: Discord's enforce_nonce returns the first message
        self.nonces: dict[tuple[str, str], str] = {}
        self.nonce_hits = 0  # sends refused as duplicates (the first message returned)
        self.lose: list[list[Any]] = []  # [predicate, times left]: do it, then answer 502
        self.limits: list[list[Any]] = []  # [predicate, times left, retry_after]
        self.identifies = 0
        self.resumes = 0
        self.intents_seen: list[int] = []
        self.guild_creates_sent = 0
        self.connected = asyncio.Event()  # set once READY and every GUILD_CREATE went out
        self._background: set[asyncio.Future[None]] = set()
        self.stalls: list[tuple[Callable[[Call], bool], asyncio.Event]] = []
        self.originals: dict[str, str] = {}  # interaction id -> its response's message
        self._clicked_ids: dict[str, str] = {}  # interaction id -> the message clicked
        self._interaction_channel: dict[str, str] = {}
        self.ws: web.WebSocketResponse | None = None
        self.seq = 0
        self.changed = asyncio.Condition()
        self.port = 0

    # -- set-up ---------------------------------------------------------------------------

    @property
    def api_base(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/v10"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/"

    def add_user(self, name: str, *, permissions: int = STUDENT, roles: list[str] = []) -> str:  # noqa: B006
        user_id = snowflake()
        self.users[user_id] = {
            "id": user_id, "username": name, "discriminator": "0",
            "global_name": name.title(), "avatar": None,
        }  # fmt: skip
        role_ids = [self._role(r) for r in roles]
        self.members[user_id] = {"permissions": permissions, "roles": role_ids}
        return user_id

    def _role(self, name: str) -> str:
        if name not in self.roles:
            self.roles[name] = snowflake()
            if self.ws is not None:
                role = self._role_payload(name, self.roles[name])
                self._later(
                    self.send_dispatch(
                        "GUILD_ROLE_CREATE", {"guild_id": self.guild_id, "role": role}
                    )
                )
        return self.roles[name]

    @staticmethod
    def _role_payload(name: str, role_id: str, permissions: int = 0) -> dict[str, Any]:
        return {
            "id": role_id, "name": name, "permissions": str(permissions), "position": 1,
            "color": 0, "hoist": False, "managed": False, "mentionable": False, "flags": 0,
        }  # fmt: skip

    def add_channel(self, name: str, *, announce: bool = True) -> str:
        channel_id = snowflake()
        self.channels[channel_id] = {
            "id": channel_id, "type": 0, "guild_id": self.guild_id, "name": name,
            "position": len(self.channels), "permission_overwrites": [], "nsfw": False,
            "parent_id": None,
        }  # fmt: skip
        if announce and getattr(self, "ws", None) is not None:
            self._later(self.send_dispatch("CHANNEL_CREATE", self.channels[channel_id]))
        return channel_id

    def delete_channel(self, channel_id: str) -> None:
        self.gone.add(channel_id)

    def deny_channel(self, channel_id: str) -> None:
        self.denied.add(channel_id)

    def rate_limit(self, predicate: Callable[[Call], bool], times: int, retry_after: float) -> None:
        self.limits.append([predicate, times, retry_after])

    def lose_reply(self, predicate: Callable[[Call], bool], times: int = 1) -> None:
        """Carry out matching requests but answer 502, as when Discord's proxy drops the reply:
        the client cannot know it worked and tries again."""
        self.lose.append([predicate, times])

    def stall(self, predicate: Callable[[Call], bool]) -> asyncio.Event:
        """Hold every request matching `predicate` until the returned event is set."""
        gate = asyncio.Event()
        self.stalls.append((predicate, gate))
        return gate

    def reset_calls(self) -> None:
        self.calls.clear()

    # -- payloads ---------------------------------------------------------------------------

    def _later(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.ensure_future(work)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    def _guild(self, guild_id: str) -> dict[str, Any]:
        first = guild_id == self.guild_id
        channels = list(self.channels.values()) if first else [
            {"id": snowflake(), "type": 0, "name": "general", "position": 0,
             "permission_overwrites": [], "nsfw": False, "parent_id": None}
        ]  # fmt: skip
        roles = [self._role_payload("@everyone", guild_id, STUDENT)]
        if first:
            roles += [self._role_payload(n, i) for n, i in self.roles.items()]
        me = {
            "user": self.bot_user, "roles": [], "joined_at": TS, "deaf": False, "mute": False,
            "flags": 0,
        }  # fmt: skip
        return {
            "id": guild_id, "name": f"School {guild_id[-4:]}", "owner_id": self.app_id,
            "member_count": 2, "unavailable": False, "large": False, "features": [],
            "roles": roles, "channels": channels, "members": [me], "emojis": [],
            "stickers": [], "threads": [], "voice_states": [], "presences": [],
            "joined_at": TS,
        }  # fmt: skip

    def _member(self, user_id: str) -> dict[str, Any]:
        member = self.members[user_id]
        return {
            "user": self.users[user_id], "roles": member["roles"], "joined_at": TS,
            "deaf": False, "mute": False, "flags": 0, "nick": None,
            "permissions": str(member["permissions"]),
        }  # fmt: skip

    def _interaction(
        self,
        kind: int,
        data: dict[str, Any],
        user: str | None,
        channel: str | None,
        message: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        channel_id = channel or self.channel_id
        payload: dict[str, Any] = {
            "id": snowflake(), "application_id": self.app_id, "type": kind,
            "token": "itok-" + snowflake(), "version": 1, "guild_id": self.guild_id,
            "channel_id": channel_id, "channel": self.channels.get(channel_id),
            "member": self._member(user or self.student), "data": data, "locale": "en-US",
            "guild_locale": "en-US", "app_permissions": str(STUDENT | 0x4000 | 0x8000),
            "entitlements": [], "authorizing_integration_owners": {"0": self.guild_id},
            "context": 0, "attachment_size_limit": 8388608,
        }  # fmt: skip
        if self.channels.get(channel_id, {}).get("type") == 1:  # a DM: no guild, no member
            del payload["guild_id"], payload["member"], payload["guild_locale"]
            payload |= {"user": self.users[user or self.student], "context": 1,
                        "authorizing_integration_owners": {"0": self.guild_id}}  # fmt: skip
        if message is not None:
            payload["message"] = message
        return payload

    def open_dm(self, user: str) -> str:
        """A direct-message channel between `user` and the bot."""
        dm = snowflake()
        self.channels[dm] = {"id": dm, "type": 1, "recipients": [self.users[user]]}
        return dm

    def _message(
        self, body: dict[str, Any], channel_id: str, mid: str | None = None
    ) -> dict[str, Any]:
        mid = mid or snowflake()
        message = {
            "id": mid, "channel_id": channel_id, "author": self.bot_user,
            "content": body.get("content") or "", "timestamp": TS, "edited_timestamp": None,
            "tts": False, "mention_everyone": False, "mentions": [], "mention_roles": [],
            "attachments": [], "embeds": body.get("embeds") or [], "pinned": False, "type": 0,
            "components": body.get("components") or [], "flags": body.get("flags") or 0,
        }  # fmt: skip
        self.messages[mid] = message
        return message

    # -- sending interactions ---------------------------------------------------------------

    async def _push(self, payload: dict[str, Any]) -> dict[str, Any]:
        self.kinds[payload["id"]] = payload["type"]
        self.tokens[payload["token"]] = payload["id"]
        self._interaction_channel[payload["id"]] = payload["channel_id"]
        if "message" in payload:
            self._clicked_ids[payload["id"]] = payload["message"]["id"]
        self.sent_at[payload["id"]] = time.monotonic()
        await self.send_dispatch("INTERACTION_CREATE", payload)
        return payload

    @staticmethod
    def _options(values: dict[str, Any] | None) -> list[dict[str, Any]]:
        types = {str: 3, int: 4, bool: 5, float: 10}
        return [{"name": k, "type": types[type(v)], "value": v} for k, v in (values or {}).items()]

    async def slash(
        self,
        name: str,
        options: dict[str, Any] | None = None,
        *,
        sub: str | None = None,
        user: str | None = None,
        channel: str | None = None,
    ) -> dict[str, Any]:
        listed = self._options(options)
        if sub is not None:
            listed = [{"type": 1, "name": sub, "options": listed}]
        data = {"id": snowflake(), "name": name, "type": 1, "options": listed}
        return await self._push(self._interaction(2, data, user, channel))

    async def autocomplete(
        self,
        name: str,
        focused: str,
        value: str,
        options: dict[str, Any] | None = None,
        *,
        sub: str | None = None,
        user: str | None = None,
    ) -> dict[str, Any]:
        listed = self._options(options)
        listed.append({"name": focused, "type": 3, "value": value, "focused": True})
        if sub is not None:
            listed = [{"type": 1, "name": sub, "options": listed}]
        data = {"id": snowflake(), "name": name, "type": 1, "options": listed}
        return await self._push(self._interaction(4, data, user, None))

    async def click(
        self,
        message_id: str,
        custom_id: str,
        *,
        user: str | None = None,
        values: list[str] | None = None,
    ) -> dict[str, Any]:
        message = self.messages[message_id]
        data: dict[str, Any] = {"custom_id": custom_id, "component_type": 2}
        if values is not None:
            data = {"custom_id": custom_id, "component_type": 3, "values": values}
        channel = message["channel_id"]
        return await self._push(self._interaction(3, data, user, channel, message))

    async def submit_modal(
        self,
        custom_id: str,
        fields: dict[str, str],
        *,
        message_id: str | None = None,
        user: str | None = None,
        channel: str | None = None,
    ) -> dict[str, Any]:
        rows = [
            {"type": 1, "components": [{"type": 4, "custom_id": k, "value": v}]}
            for k, v in fields.items()
        ]
        data = {"custom_id": custom_id, "components": rows}
        message = self.messages.get(message_id) if message_id else None
        return await self._push(self._interaction(5, data, user, channel, message))

    # -- reading what happened --------------------------------------------------------------

    def callback(self, interaction: dict[str, Any]) -> Call | None:
        path = f"interactions/{interaction['id']}/{interaction['token']}/callback"
        return next((c for c in self.calls if c.path == path), None)

    def followups(self, interaction: dict[str, Any]) -> list[Call]:
        prefix = f"webhooks/{self.app_id}/{interaction['token']}"
        return [c for c in self.calls if c.path.startswith(prefix)]

    async def wait_response(self, interaction: dict[str, Any], within: float = 5.0) -> Call:
        path = f"interactions/{interaction['id']}/{interaction['token']}/callback"
        [call, *_] = await self.wait_call(lambda c: c.path == path and c.status != 0, within)
        return call

    # -- gateway ----------------------------------------------------------------------------

    async def send_dispatch(self, kind: str, data: dict[str, Any]) -> None:
        assert self.ws is not None, "no gateway connection"
        self.seq += 1
        await self.ws.send_str(json.dumps({"op": 0, "t": kind, "s": self.seq, "d": data}))

    async def drop_gateway(self, code: int = 4000) -> None:
        if self.ws is not None:
            await self.ws.close(code=code)

    async def gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self.ws = ws
        await ws.send_str(json.dumps({"op": 10, "d": {"heartbeat_interval": 41250}}))
        async for frame in ws:
            if frame.type != WSMsgType.TEXT:
                continue
            op = json.loads(frame.data)
            if op["op"] == 1:
                await ws.send_str(json.dumps({"op": 11}))
            elif op["op"] == 2:
                self.identifies += 1
                self.intents_seen.append(int(op["d"].get("intents", 0)))
                await self.send_dispatch("READY", {
                    "v": 10, "user": self.bot_user, "session_id": "session-1",
                    "guilds": [{"id": g, "unavailable": True} for g in self.guild_ids],
                    "resume_gateway_url": self.gateway_url, "shard": [0, 1],
                    "application": {"id": self.app_id, "flags": 0},
                })  # fmt: skip
                for guild_id in self.guild_ids:
                    await self.send_dispatch("GUILD_CREATE", self._guild(guild_id))
                    self.guild_creates_sent += 1
                self.connected.set()
            elif op["op"] == 6:
                self.resumes += 1
                await self.send_dispatch("RESUMED", {})
        return ws

    # -- REST -------------------------------------------------------------------------------

    async def _read(self, request: web.Request) -> tuple[Any, list[tuple[str, bytes]]]:
        if not request.can_read_body:
            return None, []
        if request.content_type.startswith("multipart/"):
            body: Any = None
            files: list[tuple[str, bytes]] = []
            reader = await request.multipart()
            async for part in reader:
                data = await part.read()  # type: ignore[union-attr]
                if part.name == "payload_json":  # type: ignore[union-attr]
                    body = json.loads(data)
                else:
                    files.append((part.filename or part.name or "", bytes(data)))  # type: ignore[union-attr]
            return body, files
        text = await request.text()
        return (json.loads(text) if text else None), []

    async def rest(self, request: web.Request) -> web.Response:
        path = request.match_info["tail"]
        body, files = await self._read(request)
        call = Call(request.method, path, dict(request.query), body, files, time.monotonic())
        self.calls.append(call)
        try:
            authorization = request.headers.get("Authorization", "")
            if self.token and authorization.startswith("Bot ") and authorization[4:] != self.token:
                raise Refusal(401, 0, "401: Unauthorized")
            for predicate, gate in self.stalls:
                if predicate(call):
                    await gate.wait()  # a platform that hangs, until the test lets it go
            response = self._limited(call) or await self._serve(call)
            for lost in self.lose:
                if lost[1] > 0 and lost[0](call):
                    lost[1] -= 1
                    response = _json({"message": "502: Bad Gateway", "code": 0}, 502)
                    break
        except Refusal as refusal:
            response = refusal.response()
            call.response = {"code": refusal.code, "message": refusal.message}
        call.status = response.status
        async with self.changed:
            self.changed.notify_all()
        return response

    def _limited(self, call: Call) -> web.Response | None:
        for limit in self.limits:
            predicate, left, retry_after = limit
            if left > 0 and predicate(call):
                limit[1] -= 1
                call.response = {"retry_after": retry_after}
                return _json(
                    {"message": "You are being rate limited.", "retry_after": retry_after,
                     "global": False},
                    429,
                    {
                        "Retry-After": str(retry_after), "X-RateLimit-Limit": "5",
                        "X-RateLimit-Remaining": "0", "X-RateLimit-Reset-After": str(retry_after),
                        "X-RateLimit-Reset": str(time.time() + retry_after),
                        "X-RateLimit-Bucket": "fake-bucket", "X-RateLimit-Scope": "user",
                        # Discord's 429s come through its proxy; discord.py retries only those.
                        "Via": "1.1 google",
                    },
                )  # fmt: skip
        return None

    async def _serve(self, call: Call) -> web.Response:
        method, path, body = call.method, call.path, call.json
        parts = path.split("/")
        if path == "users/@me":
            return self._ok(call, self.bot_user)
        if path == "oauth2/applications/@me":
            return self._ok(call, {
                "id": self.app_id, "name": "Lectern", "description": "", "icon": None,
                "bot_public": True, "bot_require_code_grant": False, "verify_key": "00",
                "owner": {"id": snowflake(), "username": "owner", "discriminator": "0",
                          "avatar": None}, "flags": 0,
            })  # fmt: skip
        if path == "gateway/bot":
            return self._ok(
                call,
                {
                    "url": self.gateway_url,
                    "shards": 1,
                    "session_start_limit": {
                        "total": 1000,
                        "remaining": 1000,
                        "reset_after": 0,
                        "max_concurrency": 1,
                    },
                },
            )
        if method == "PUT" and parts[0] == "applications" and parts[-1] == "commands":
            check_commands(body)
            scope = parts[3] if len(parts) == 5 else "global"
            self.syncs += 1
            self.commands[scope] = body
            echoed = [
                {**c, "id": snowflake(), "application_id": self.app_id, "version": snowflake(),
                 "guild_id": None if scope == "global" else scope}
                for c in body
            ]  # fmt: skip
            return self._ok(call, echoed)
        if parts[0] == "interactions" and parts[-1] == "callback":
            return self._ok(call, self._callback(parts[1], body))
        if parts[0] == "webhooks":
            return self._ok(call, self._webhook(method, parts, body, len(call.files)))
        if path == "users/@me/channels" and method == "POST":
            recipient = str(body["recipient_id"])
            if recipient not in self.users:
                raise Refusal(400, 50007, "Cannot send messages to this user")
            dm = snowflake()
            self.channels[dm] = {"id": dm, "type": 1, "recipients": [self.users[recipient]]}
            return self._ok(call, {**self.channels[dm], "last_message_id": None})
        if parts[0] == "channels" and len(parts) >= 3 and parts[2] == "messages":
            return self._ok(call, self._channel_message(method, parts, body, len(call.files)))
        raise Refusal(404, 0, "404: Not Found")

    @staticmethod
    def _ok(call: Call, body: Any) -> web.Response:
        call.response = body
        return _json(body)

    def _callback(self, interaction_id: str, body: dict[str, Any]) -> dict[str, Any]:
        sent = self.sent_at.get(interaction_id)
        if sent is None:
            raise Refusal(404, 10062, "Unknown interaction")
        waited = time.monotonic() - sent
        if waited > self.ack_deadline:
            self.late.append(interaction_id)
            raise Refusal(404, 10062, "Unknown interaction")
        if interaction_id in self.acked:
            raise Refusal(400, 40060, "Interaction has already been acknowledged.")
        kind, data = body.get("type"), body.get("data") or {}
        source = self.kinds.get(interaction_id)
        allowed = {2: {4, 5, 9}, 3: {4, 5, 6, 7, 9}, 4: {8}, 5: {4, 5, 6, 7}}[source or 2]
        if kind not in allowed:
            raise invalid("type", f"Interaction response type {kind} is not allowed here")
        message = None
        if kind == 8:
            choices = data.get("choices") or []
            if len(choices) > 25:
                raise invalid("data.choices", "Must be 25 or fewer in length.")
            for n, choice in enumerate(choices):
                _length(choice.get("name"), 100, f"data.choices.{n}.name", least=1)
                _length(str(choice.get("value")), 100, f"data.choices.{n}.value", least=1)
        elif kind == 9:
            check_modal(data)
        elif kind == 4:
            check_message(data)
            message = self._message(data, self._channel_of(interaction_id))
        elif kind == 5:
            message = self._message(
                {"flags": data.get("flags", 0)}, self._channel_of(interaction_id)
            )
        elif kind == 6:  # a deferred update: the clicked message is the one edited later
            message = self.messages.get(self._clicked_ids.get(interaction_id, ""))
        elif kind == 7:
            check_message(data, edit=True)
            clicked = self.messages.get(self._clicked_ids.get(interaction_id, ""))
            if clicked is not None:
                clicked.update(
                    {k: v for k, v in data.items() if k in ("content", "embeds", "components")}
                )
                message = clicked
        self.acked.add(interaction_id)
        self.ack_latency[interaction_id] = waited
        if message is not None:
            self.originals[interaction_id] = message["id"]
        return {
            "interaction": {
                "id": interaction_id, "type": source,
                "response_message_id": message and message["id"],
                "response_message_loading": kind == 5,
                "response_message_ephemeral": bool(data.get("flags", 0) & EPHEMERAL),
            },
            "resource": {"type": kind, "message": message} if message else None,
        }  # fmt: skip

    def _channel_of(self, interaction_id: str) -> str:
        return self._interaction_channel.get(interaction_id, self.channel_id)

    def _webhook(self, method: str, parts: list[str], body: Any, files: int) -> dict[str, Any]:
        token = parts[2]
        interaction_id = self.tokens.get(token)
        if interaction_id is None or interaction_id not in self.acked:
            raise Refusal(404, 10015, "Unknown Webhook")
        body = body or {}
        channel = self._channel_of(interaction_id)
        if method == "POST":
            check_message(body, files)
            return self._message(body, channel)
        if method == "PATCH":
            check_message(body, files, edit=True)
            target = parts[-1]
            if target == "@original":
                target = self.originals.get(interaction_id, "")
            known = self.messages.get(target)
            if known is None:
                raise Refusal(404, 10008, "Unknown Message")
            known.update(
                {k: v for k, v in body.items() if k in ("content", "embeds", "components")}
            )
            return known
        if method == "DELETE":
            return {}
        raise Refusal(405, 0, "405: Method Not Allowed")

    def _channel_message(
        self, method: str, parts: list[str], body: Any, files: int
    ) -> dict[str, Any]:
        channel_id = parts[1]
        if channel_id in self.gone or channel_id not in self.channels:
            raise Refusal(404, 10003, "Unknown Channel")
        if channel_id in self.denied:
            raise Refusal(403, 50001, "Missing Access")
        body = body or {}
        if method == "POST" and len(parts) == 3:
            check_message(body, files)
            nonce = body.get("nonce")
            if nonce is not None:
                _length(str(nonce), 25, "nonce")
            elif body.get("enforce_nonce"):
                raise invalid("nonce", "enforce_nonce needs a nonce")
            if nonce is not None and body.get("enforce_nonce"):
                first = self.nonces.get((channel_id, str(nonce)))
                if first is not None and first in self.messages:
                    self.nonce_hits += 1
                    return self.messages[first]
            message = self._message(body, channel_id)
            if nonce is not None:
                self.nonces[(channel_id, str(nonce))] = message["id"]
            return message
        if method == "PATCH" and len(parts) == 4:
            known = self.messages.get(parts[3])
            if known is None or known["channel_id"] != channel_id:
                raise Refusal(404, 10008, "Unknown Message")
            check_message(body, files, edit=True)
            known.update(
                {k: v for k, v in body.items() if k in ("content", "embeds", "components")}
            )
            return known
        raise Refusal(405, 0, "405: Method Not Allowed")

    # -- server -----------------------------------------------------------------------------

    async def start(self) -> FakeDiscord:
        app = web.Application(client_max_size=32 * 1024 * 1024)
        app.router.add_get("/", self.gateway)
        app.router.add_route("*", "/api/v10/{tail:.*}", self.rest)
        self.runner, self.port = await serve_loopback(app)
        return self

    async def stop(self) -> None:
        if self.ws is not None:
            await self.ws.close()
        await self.runner.cleanup()
