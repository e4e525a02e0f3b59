"""What the Discord tests share: the shipped content with the sample quiz, and a bot served
through `lectern run`'s wiring against a fresh fake Discord."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.core.course.library import ContentLibrary
from tests.adapters.discord_harness import DiscordHarness
from tests.conftest import CONTENT, FIXTURES, ROOT


@pytest.fixture(scope="module")
def library() -> ContentLibrary:
    return ContentLibrary([CONTENT], root=ROOT, quiz_paths=[FIXTURES / "quizzes-good"])


@pytest.fixture
async def discord_bot(library: ContentLibrary) -> AsyncIterator[DiscordHarness]:
    harness = await DiscordHarness.open(library)
    yield harness
    await harness.close()
