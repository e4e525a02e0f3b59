"""The composition root: the one place where settings, clock, content and the app are wired."""

from __future__ import annotations

import logging
import random
from datetime import UTC, datetime
from pathlib import Path

from bot.core.commands.app import Lectern
from bot.core.content.library import ContentLibrary
from bot.core.ports import Store
from bot.core.quiz.classroom import Classroom
from bot.settings import Settings
from bot.store.engine import shown
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


def build_app(
    settings: Settings,
    library: ContentLibrary | None = None,
    *,
    classroom: Classroom | None = None,
    store: Store | None = None,
) -> Lectern:
    rng = random.Random(settings.seed) if settings.seed is not None else random.Random()
    return Lectern(library or build_library(settings), rng=rng, classroom=classroom, store=store)
