from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.core.app import Lectern
from bot.core.course.library import ContentLibrary
from bot.core.messages import Actor, Channel, Command, Reply
from bot.core.quiz.deck import Card

pytest_plugins = ["tests.engines"]  # the `store` fixture: every test using it runs on each engine

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"
QUIZZES = ROOT / "quizzes"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SOURCES = ROOT.parent / "shared" / "sources"
NOON = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


class FixedClock:
    def __init__(self, at: datetime = NOON) -> None:
        self.at = at

    def now(self) -> datetime:
        return self.at


@pytest.fixture(scope="session")
def shipped_library() -> ContentLibrary:
    return ContentLibrary([CONTENT], root=ROOT, quiz_paths=[QUIZZES])


@pytest.fixture
def app(shipped_library: ContentLibrary) -> Lectern:
    import random

    return Lectern(shipped_library, rng=random.Random(7))


STUDENT = Actor(platform="test", user_id="s1", display_name="Sam")
TEACHER = Actor(platform="test", user_id="t1", display_name="Tess", roles=frozenset({"teacher"}))
CLASS = Channel(platform="test", channel_id="class-1")


def ask(app: Lectern, text: str, actor: Actor = STUDENT) -> list[Reply]:
    """One command through the app's dispatch, from a test that is not itself async."""
    return asyncio.run(app.dispatch(Command(actor=actor, channel=CLASS, text=text, at=NOON)))


def one(app: Lectern, text: str, actor: Actor = STUDENT) -> Reply:
    replies = ask(app, text, actor)
    assert len(replies) == 1, replies
    return replies[0]


def right_answer(card: Card) -> str:
    """What a student who knows the answer types for `card`."""
    if card.options:
        return "ABCDE"[card.correct]
    if card.kind == "short":
        return card.answers[0]
    return f"{card.number:,.10g}"


def lectern_env(settings: dict[str, str] | None = None) -> dict[str, str]:
    """This process's environment with only the given LECTERN_* settings, and a database of its
    own (so that no run inherits another's sessions) unless one is given."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LECTERN_")}
    database = Path(tempfile.mkdtemp(prefix="lectern-test-")) / "lectern.db"
    env["LECTERN_DATABASE_URL"] = f"sqlite+aiosqlite:///{database}"
    return env | (settings or {})


async def spawn_lectern(*args: str, env: dict[str, str]) -> asyncio.subprocess.Process:
    """`python -m bot ARGS` started in the background, its output captured (`lectern run`
    against a fake platform)."""
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", *args, cwd=ROOT, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip


async def stop_lectern(process: asyncio.subprocess.Process) -> str:
    """Stop a spawned lectern as a service manager would (SIGTERM) unless it has ended; its log."""
    if process.returncode is None:
        process.send_signal(signal.SIGTERM)
    _, stderr = await asyncio.wait_for(process.communicate(), 30)
    return stderr.decode()


def run_lectern(
    *args: str, stdin: str = "", settings: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """`python -m bot ARGS` with only the given LECTERN_* settings."""
    env = lectern_env(settings)
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=120,
        check=False,
    )
