"""The composition root: the one place where settings, clock, content and the app are wired."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from pathlib import Path

from bot.core.commands.app import Lectern
from bot.core.content.library import ContentLibrary
from bot.settings import Settings


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


def build_app(settings: Settings, library: ContentLibrary | None = None) -> Lectern:
    rng = random.Random(settings.seed) if settings.seed is not None else random.Random()
    return Lectern(library or build_library(settings), rng=rng)
