"""The composition root: the one place where settings, clock, store, content, the class engine,
the outboxes, delivery, timers and the app are wired together."""

from __future__ import annotations

import asyncio
import gc
import logging
import random
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Protocol

from sqlalchemy.engine import make_url

from bot.core.app import Lectern
from bot.core.course.library import ContentLibrary
from bot.core.daily.poster import DEFAULT_GRACE, POLL, DailyPoster
from bot.core.daily.store_port import DailyStore
from bot.core.delivery import Delivery, Sleep
from bot.core.ports import Clock, Outbox
from bot.core.quiz.classroom import Classroom
from bot.core.quiz.group_commit import DEFAULT_WINDOW
from bot.core.quiz.store_port import Store
from bot.core.review.memory import Memory
from bot.core.review.recorder import ClassMemory
from bot.core.review.store_port import ReviewStore
from bot.core.timers import Timers
from bot.settings import Settings, secret
from bot.store.engine import async_url, shown
from bot.store.sql_store import SqlStore

log = logging.getLogger(__name__)


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


def build_library(settings: Settings) -> ContentLibrary:
    # Problems are reported relative to the working directory, as editors and CI expect.
    return ContentLibrary(
        [settings.content_dir.resolve()],
        root=Path.cwd(),
        quiz_paths=[settings.quiz_dir.resolve()],
    )


async def open_store(settings: Settings) -> SqlStore:
    """The database of LECTERN_DATABASE_URL, migrated to the newest schema."""
    url = settings.database_url.get_secret_value()
    store = await SqlStore.open(url)
    log.info("quiz database: %s", shown(url))  # never with its password
    return store


class BotStore(Store, DailyStore, ReviewStore, Protocol):
    """Everything one process keeps in its database (SqlStore is the one implementation)."""


@dataclass(frozen=True, slots=True)
class Bot:
    """Everything one process runs: an adapter gets this and only translates in and out."""

    app: Lectern
    classroom: Classroom
    delivery: Delivery
    timers: Timers
    store: BotStore
    clock: Clock
    daily: DailyPoster
    class_memory: ClassMemory

    async def close(self) -> None:
        await self.daily.drain()
        await self.class_memory.drain()
        await self.delivery.close()


def assemble(
    library: ContentLibrary,
    store: BotStore,
    outboxes: Mapping[str, Outbox],
    clock: Clock,
    *,
    rng: random.Random | None = None,
    sleep: Sleep = asyncio.sleep,
    window: float = DEFAULT_WINDOW,
    grace: timedelta = DEFAULT_GRACE,
    daily_poll: timedelta = POLL,
) -> Bot:
    """Wire one process serving the platforms of `outboxes` (platform name -> its outbox)."""
    delivery = Delivery(outboxes, clock, sleep=sleep)
    timers = Timers(clock)
    memory = Memory(store)
    class_memory = ClassMemory(memory, library, window)
    classroom = Classroom(
        store,
        delivery,
        platforms=frozenset(outboxes),
        wake=timers.wake,
        window=window,
        on_answer=class_memory,
    )
    timers.add(classroom)
    daily = DailyPoster(
        store,
        delivery,
        library,
        platforms=frozenset(outboxes),
        grace=grace,
        poll=daily_poll,
        wake=timers.wake,
    )
    timers.add(daily)
    app = Lectern(
        library,
        rng=rng,
        classroom=classroom,
        store=store,
        limits={platform: outbox.limits for platform, outbox in outboxes.items()},
        daily=daily,
        memory=memory,
        practice_ids=secrets.token_hex(2) + "x",  # ids match [0-9a-z]: see render.unbind
    )
    return Bot(app, classroom, delivery, timers, store, clock, daily, class_memory)


def seeded(settings: Settings) -> random.Random:
    return random.Random(settings.seed) if settings.seed is not None else random.Random()


def freeze_startup_objects() -> None:
    """Once code and content are loaded: leave the long-lived objects out of garbage collection.
    A full collection otherwise walks some 100k of them, a pause of 80 ms or more (300 ms under
    load) that every student waiting for a reply would feel."""
    gc.collect()
    gc.freeze()


KNOWN_ADAPTERS = ("console", "discord", "slack")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


def _slack_problems(settings: Settings) -> list[str]:
    problems = []
    if not secret(settings.slack_bot_token):
        problems.append(
            "LECTERN_SLACK_BOT_TOKEN: the slack adapter needs the bot token (xoxb-…, "
            "api.slack.com/apps > your app > OAuth & Permissions)"
        )
    mode = settings.slack_mode.strip().casefold()
    if mode not in ("socket", "http"):
        problems.append(f"LECTERN_SLACK_MODE={settings.slack_mode!r}: choose socket or http")
    elif mode == "socket" and not secret(settings.slack_app_token):
        problems.append(
            "LECTERN_SLACK_APP_TOKEN: Socket Mode needs an app-level token (xapp-…, "
            "Basic Information > App-Level Tokens, scope connections:write)"
        )
    elif mode == "http" and not secret(settings.slack_signing_secret):
        problems.append(
            "LECTERN_SLACK_SIGNING_SECRET: HTTP mode needs the signing secret "
            "(Basic Information > App Credentials)"
        )
    return problems


def setting_problems(settings: Settings, *, database: bool, adapters: bool) -> list[str]:
    """What is wrong with the settings a command needs, one line each, naming the variable."""
    problems = []
    for variable, folder in (
        ("LECTERN_CONTENT_DIR", settings.content_dir),
        ("LECTERN_QUIZ_DIR", settings.quiz_dir),
    ):
        if not folder.is_dir():
            problems.append(f"{variable}={folder}: no such folder")
    if database:
        url = settings.database_url.get_secret_value()
        try:
            parsed = make_url(url)
            parsed.port  # noqa: B018  (a port that is not a number only fails when read)
        except Exception:  # SQLAlchemy's own parse errors say nothing more useful
            problems.append(
                "LECTERN_DATABASE_URL: not a database URL; use "
                "sqlite+aiosqlite:///path/to/lectern.db or postgresql+asyncpg://user@host/db"
            )
        else:
            try:
                async_url(url)
            except ValueError as exc:
                problems.append(f"LECTERN_DATABASE_URL={shown(url)}: {exc}")
    if settings.grace is None:
        problems.append(
            f"LECTERN_DAILY_GRACE={settings.daily_grace!r}: write a duration such as 6h, 90m "
            "or 0 (never catch up)"
        )
    if adapters:
        names = settings.adapter_names
        unknown = [n for n in names if n not in KNOWN_ADAPTERS]
        if unknown or not names:
            problems.append(
                f"LECTERN_ADAPTERS={settings.adapters!r}: choose from {', '.join(KNOWN_ADAPTERS)}"
            )
        if "discord" in names and not secret(settings.discord_token):
            problems.append(
                "LECTERN_DISCORD_TOKEN: the discord adapter needs the bot's token "
                "(Discord developer portal > your application > Bot > Reset Token)"
            )
        if "slack" in names:
            problems += _slack_problems(settings)
        if "console" in names and len(names) > 1:
            problems.append(
                f"LECTERN_ADAPTERS={settings.adapters!r}: the console runs alone "
                "(`lectern console`); list the chat platforms without it"
            )
        if settings.log_level.upper() not in LOG_LEVELS:
            problems.append(
                f"LECTERN_LOG_LEVEL={settings.log_level!r}: choose from {', '.join(LOG_LEVELS)}"
            )
    return problems
