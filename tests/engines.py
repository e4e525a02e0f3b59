"""Store engines for the tests: a SQLite file per test, and a PostgreSQL database per run.

PostgreSQL comes from LECTERN_TEST_POSTGRES_URL (default: the local server CI starts); when it
cannot be reached its tests skip and say why.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import asyncpg
import pytest
import sqlalchemy as sa

from bot.store.sql_store import SqlStore

POSTGRES = os.environ.get(
    "LECTERN_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
)


def _dsn(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://", 1)


async def _execute(sql: str) -> None:
    connection = await asyncpg.connect(_dsn(POSTGRES), timeout=5)
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


def _admin(sql: str) -> None:
    # On a thread of its own: the fixture may be first requested from inside a running loop.
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(lambda: asyncio.run(_execute(sql))).result()


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A fresh database on the PostgreSQL server, dropped at the end of the run."""
    name = f"lectern_contract_{uuid.uuid4().hex[:10]}"
    try:
        _admin(f'CREATE DATABASE "{name}"')
    except (OSError, asyncpg.PostgresError, TimeoutError) as exc:
        pytest.skip(f"PostgreSQL not reachable at {POSTGRES.split('@')[-1]}: {exc}")
    base, _, _ = POSTGRES.rpartition("/")
    yield f"{base}/{name}"
    _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def database_url(engine: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    if engine == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'lectern.db'}"
    url: str = request.getfixturevalue("postgres_url")
    return url


@pytest.fixture(params=["sqlite", "postgresql"])
async def store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[SqlStore]:
    url = database_url(request.param, tmp_path, request)
    opened = await SqlStore.open(url)
    if request.param == "postgresql":  # one database for the run: start each test empty
        async with opened.engine.begin() as connection:
            await connection.execute(
                sa.text(
                    "TRUNCATE sessions, questions, answers, scores, memos, daily_schedules, "
                    "daily_posts, review_memories, review_log, practices RESTART IDENTITY CASCADE"
                )
            )
    yield opened
    await opened.close()
