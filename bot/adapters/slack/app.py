"""The Slack app: one slack-bolt `AsyncApp` whose listeners acknowledge at once and then run the
command in the core; served over Socket Mode (no public URL) or signed HTTP at /slack/events.

Slash command text is the core's grammar as typed ("/quiz start timeline questions:5"); buttons
send their value; the "Answer" button opens a modal whose text is sent with its command. Public
answers go back on the request's response_url `in_channel`, private ones `ephemeral`; the
core's own posts (questions, reveals) go through `SlackOutbox`.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Literal

import aiohttp
from aiohttp import web
from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp, AsyncBoltRequest
from slack_bolt.response import BoltResponse
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.slack.render import ASK, FORM, PICK, message, modal
from bot.bootstrap import Bot
from bot.core.messages import Actor, Channel, Command, Reply, fill
from bot.core.text import shorten

log = logging.getLogger(__name__)

# The commands a workspace gets; `/lectern <anything>` carries the whole grammar.
COMMANDS = (
    "fact", "whosaid", "quotes", "quote", "define", "timeline", "topics", "sources", "quiz",
    "practice", "review", "progress", "class", "leaderboard", "daily", "help", "reload",
)  # fmt: skip
UMBRELLA = "lectern"
TEACHER_CACHE_SECONDS = 600.0
Respond = Callable[..., Awaitable[Any]]


@dataclass(frozen=True, slots=True)
class SlackSettings:
    bot_token: str
    mode: Literal["socket", "http"] = "socket"
    app_token: str = ""
    signing_secret: str = ""
    teachers: frozenset[str] = frozenset()  # user ids that count as teachers
    api_url: str | None = None
    host: str = "127.0.0.1"
    port: int = 3000
    prefix: str = ""  # "/lc" + "fact": for workspaces where short names clash


def line_of(command: str, text: str, prefix: str = "") -> str:
    """The core's command line for a Slack slash command and its text."""
    name = command.lstrip("/")
    if prefix and name.startswith(prefix):
        name = name[len(prefix) :]
    text = " ".join(text.split())
    if name == UMBRELLA:
        if not text:
            return "/help"
        return text if text.startswith("/") else f"/{text}"
    return f"/{name} {text}".strip()


@dataclass
class SlackAdapter:
    settings: SlackSettings
    client: AsyncWebClient = field(init=False)
    app: AsyncApp = field(init=False)
    bot: Bot | None = None
    # Told the id of each request once fully answered (for metrics and tests).
    after_answer: Callable[[str], None] = lambda key: None
    _teachers: dict[str, tuple[bool, float]] = field(default_factory=dict)
    _socket: AsyncSocketModeHandler | None = None
    _runner: web.AppRunner | None = None
    port: int = 0

    def __post_init__(self) -> None:
        wanted = self.settings
        self.client = AsyncWebClient(
            token=wanted.bot_token, base_url=wanted.api_url or AsyncWebClient.BASE_URL
        )
        self.client.retry_handlers.append(AsyncRateLimitErrorRetryHandler(max_retry_count=3))
        http = wanted.mode == "http"
        self.app = AsyncApp(
            client=self.client,
            signing_secret=wanted.signing_secret if http else "unused-in-socket-mode",
            request_verification_enabled=http,
        )
        self.app.middleware(self._skip_retries)
        names = [f"/{wanted.prefix}{n}" for n in COMMANDS] + [f"/{UMBRELLA}"]
        pattern = re.compile("^(" + "|".join(re.escape(n) for n in names) + ")$")
        self.app.command(pattern)(self._on_command)
        self.app.action(re.compile(f"^{PICK}"))(self._on_pick)
        self.app.action(ASK)(self._on_ask)
        self.app.view(FORM)(self._on_form)

    def attach(self, bot: Bot) -> None:
        self.bot = bot

    # -- transports ------------------------------------------------------------------------

    async def start(self) -> None:
        if self.settings.mode == "socket":
            self._socket = AsyncSocketModeHandler(self.app, app_token=self.settings.app_token)
            await self._socket.connect_async()  # type: ignore[no-untyped-call]
            return
        self._runner = web.AppRunner(self.app.web_app(path="/slack/events"), access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.settings.host, self.settings.port)
        await site.start()
        server = site._server  # the port actually bound (0 in tests)
        if server is not None and getattr(server, "sockets", None):
            self.port = server.sockets[0].getsockname()[1]  # type: ignore[attr-defined]
        log.info("Slack requests at http://%s:%s/slack/events", self.settings.host, self.port)

    async def close(self) -> None:
        if self._socket is not None:
            await self._socket.close_async()  # type: ignore[no-untyped-call]
        if self._runner is not None:
            await self._runner.cleanup()

    # -- listeners -------------------------------------------------------------------------

    async def _skip_retries(
        self, req: AsyncBoltRequest, resp: BoltResponse, next: Callable[[], Awaitable[Any]]
    ) -> Any:
        # Slack retries what it thinks went unanswered; the first delivery is already handled.
        if req.headers.get("x-slack-retry-num"):
            log.info(
                "ignored a retried Slack request (%s)", req.headers.get("x-slack-retry-reason")
            )
            return BoltResponse(status=200, body="")
        return await next()

    async def _on_command(self, ack: Any, body: dict[str, Any], respond: Respond) -> None:
        await ack()  # first: Slack's 3 s
        text = line_of(str(body["command"]), str(body.get("text", "")), self.settings.prefix)
        place = Channel(
            "slack", str(body["channel_id"]), body.get("team_id"), body.get("channel_name")
        )
        key = str(body.get("trigger_id", ""))
        await self._answer(key, str(body["user_id"]), body.get("user_name"), place, text, respond)

    async def _on_pick(self, ack: Any, body: dict[str, Any], respond: Respond) -> None:
        await ack()
        action = body["actions"][0]
        value = action.get("value") or (action.get("selected_option") or {}).get("value", "")
        user, place = body["user"], self._place(body)
        await self._answer(
            str(action.get("action_ts", "")),
            str(user["id"]),
            user.get("username") or user.get("name"),
            place,
            str(value),
            respond,
            in_place=" page:" in str(value),
        )

    async def _on_ask(self, ack: Any, body: dict[str, Any]) -> None:
        await ack()
        action = body["actions"][0]
        try:
            await self.client.views_open(
                trigger_id=body["trigger_id"],
                view=modal(action["value"], self._place(body).channel_id),
            )
        except (SlackApiError, aiohttp.ClientError, OSError) as exc:
            log.warning("could not open the answer form: %r", exc)
        self.after_answer(str(action.get("action_ts", "")))

    async def _on_form(self, ack: Any, body: dict[str, Any], view: dict[str, Any]) -> None:
        await ack()  # closes the modal
        meta = json.loads(view.get("private_metadata") or "{}")
        typed = view["state"]["values"]["answer"]["text"]["value"] or ""
        text = fill(str(meta.get("command", "")), typed)
        user = body["user"]
        place = Channel("slack", str(meta.get("channel", "")), (body.get("team") or {}).get("id"))

        async def ephemeral(**kwargs: Any) -> None:  # no response_url for a modal
            kwargs.pop("response_type", None)
            kwargs.pop("replace_original", None)
            await self.client.chat_postEphemeral(
                channel=place.channel_id, user=str(user["id"]), **kwargs
            )

        await self._answer(
            str(view.get("id", "")), str(user["id"]), user.get("username"), place, text, ephemeral
        )

    @staticmethod
    def _place(body: dict[str, Any]) -> Channel:
        channel = body.get("channel") or {}
        channel_id = channel.get("id") or (body.get("container") or {}).get("channel_id", "")
        return Channel(
            "slack", str(channel_id), (body.get("team") or {}).get("id"), channel.get("name")
        )

    # -- answering -------------------------------------------------------------------------

    async def _is_teacher(self, user_id: str) -> bool:
        if user_id in self.settings.teachers:
            return True
        known = self._teachers.get(user_id)
        if known is not None and known[1] > time.monotonic():
            return known[0]
        try:
            info = await self.client.users_info(user=user_id)
            user = info["user"] or {}
            teacher = bool(user.get("is_admin") or user.get("is_owner"))
        except (SlackApiError, aiohttp.ClientError, OSError) as exc:
            log.warning("users.info failed for %s: %r", user_id, exc)
            return False  # not cached: asked again next time
        self._teachers[user_id] = (teacher, time.monotonic() + TEACHER_CACHE_SECONDS)
        return teacher

    async def _answer(
        self,
        key: str,
        user_id: str,
        name: str | None,
        place: Channel,
        text: str,
        respond: Respond,
        in_place: bool = False,
    ) -> None:
        assert self.bot is not None
        app = self.bot.app
        try:
            teacher = app.teacher_only(text) and await self._is_teacher(user_id)
            roles = frozenset({"teacher"}) if teacher else frozenset()
            actor = Actor("slack", user_id, name or user_id, roles)
            replies = await app.dispatch(Command(actor, place, text, self.bot.clock.now()))
            for n, reply in enumerate(replies):
                await self._send(reply, user_id, respond, replace=in_place and n == 0)
        except (SlackApiError, aiohttp.ClientError, OSError, TimeoutError) as exc:
            log.warning("could not answer %r from %s: %r", shorten(text, 60), user_id, exc)
        finally:
            self.after_answer(key)

    async def _send(self, reply: Reply, user_id: str, respond: Respond, replace: bool) -> None:
        if reply.attachment is not None:
            # Files cannot be ephemeral: the CSV goes to the teacher's direct messages.
            dm = await self.client.conversations_open(users=user_id)
            await self.client.files_upload_v2(
                channel=dm["channel"]["id"],
                content=reply.attachment.content,
                filename=reply.attachment.filename,
                title=reply.attachment.filename,
            )
            note = f"📎 {reply.attachment.filename} is in your direct messages with the bot."
            reply = dataclasses.replace(reply, text=f"{reply.text}\n{note}".strip())
        body = message(reply)
        await respond(
            **body,
            response_type="ephemeral" if reply.ephemeral else "in_channel",
            replace_original=replace,
        )
