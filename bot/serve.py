"""`lectern run` for the chat platforms: the adapters of LECTERN_ADAPTERS in one process, on one
database and one class engine, until the process is told to stop."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from dataclasses import dataclass, field
from typing import Literal

from bot.adapters.discord.client import DiscordSettings, LecternClient, point_at
from bot.adapters.discord.outbox import DiscordOutbox
from bot.adapters.slack.app import SlackAdapter, SlackSettings
from bot.adapters.slack.outbox import SlackOutbox
from bot.bootstrap import Bot, SystemClock, assemble, seeded
from bot.core.course.library import ContentLibrary
from bot.core.daily.poster import DEFAULT_GRACE
from bot.core.ports import Clock, Outbox
from bot.settings import Settings, secret
from bot.store.sql_store import SqlStore

log = logging.getLogger(__name__)


def discord_settings(settings: Settings) -> DiscordSettings:
    return DiscordSettings(
        token=secret(settings.discord_token),
        guild=settings.discord_guild,
        teacher_role=settings.discord_teacher_role,
        api_base=settings.discord_api_base,
        gateway_url=settings.discord_gateway_url,
    )


def slack_settings(settings: Settings) -> SlackSettings:
    mode: Literal["socket", "http"] = (
        "http" if settings.slack_mode.strip().casefold() == "http" else "socket"
    )
    return SlackSettings(
        bot_token=secret(settings.slack_bot_token),
        mode=mode,
        app_token=secret(settings.slack_app_token),
        signing_secret=secret(settings.slack_signing_secret),
        teachers=frozenset(t.strip() for t in settings.slack_teachers.split(",") if t.strip()),
        api_url=settings.slack_api_url,
        host=settings.http_host,
        port=settings.http_port,
        prefix=settings.slack_prefix.strip().lstrip("/"),
    )


@dataclass
class Served:
    """The running adapters; `close` stops them in order."""

    bot: Bot
    discord: LecternClient | None = None
    slack: SlackAdapter | None = None
    tasks: list[asyncio.Task[None]] = field(default_factory=list)

    async def wait(self) -> None:
        """Until an adapter stops (its connection closed for good)."""
        await asyncio.wait(self.tasks, return_when=asyncio.FIRST_COMPLETED)

    async def close(self) -> None:
        if self.discord is not None:
            await self.discord.close()
        if self.slack is not None:
            await self.slack.close()
        for task in self.tasks:
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)
        await self.bot.close()


async def start(
    settings: Settings,
    library: ContentLibrary,
    store: SqlStore,
    *,
    clock: Clock | None = None,
    run_timers: bool = True,
    guild_ready_timeout: float = 2.0,
) -> Served:
    """Log in to every platform named, resume the quizzes that were running, and serve."""
    clock = clock or SystemClock()
    outboxes: dict[str, Outbox] = {}
    client: LecternClient | None = None
    if "discord" in settings.adapter_names:
        wanted = discord_settings(settings)
        point_at(wanted.api_base, wanted.gateway_url)
        client = LecternClient(wanted, store, guild_ready_timeout=guild_ready_timeout)
        outboxes["discord"] = DiscordOutbox(client)
    slack: SlackAdapter | None = None
    if "slack" in settings.adapter_names:
        slack = SlackAdapter(slack_settings(settings))
        outboxes["slack"] = SlackOutbox(slack.client)
    bot = assemble(
        library, store, outboxes, clock, rng=seeded(settings), grace=settings.grace or DEFAULT_GRACE
    )
    served = Served(bot, client, slack)
    try:
        if slack is not None:
            slack.attach(bot)
            await slack.start()
        if client is not None:
            client.attach(bot)
            await client.login(client.settings.token)  # syncs the commands if they changed
            served.tasks.append(asyncio.create_task(_connect(client)))
        # After logging in: the resumed questions are posted straight away.
        resumed = await bot.classroom.resume(clock.now())
        if resumed:
            log.info("resumed %d quiz session(s)", resumed)
        if run_timers:
            served.tasks.append(asyncio.create_task(bot.timers.run()))
    except BaseException:
        await served.close()
        raise
    return served


async def _connect(client: LecternClient) -> None:
    """The gateway connection; discord.py reconnects and resumes by itself."""
    await client.connect(reconnect=True)


async def serve_forever(served: Served) -> int:
    """Serve until SIGINT/SIGTERM or an adapter stops, then close cleanly: 0 when told to
    stop, 1 when an adapter stopped on its own (its reason logged)."""
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    stopping = asyncio.create_task(stop.wait())
    try:
        done, _ = await asyncio.wait([stopping, *served.tasks], return_when=asyncio.FIRST_COMPLETED)
    finally:
        stopping.cancel()
        log.info("stopping")
        await served.close()
    failed = [t for t in done if t is not stopping]
    for task in failed:
        if not task.cancelled() and task.exception() is not None:
            log.error("an adapter stopped: %r", task.exception())
    return 1 if failed else 0
