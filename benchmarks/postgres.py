"""A PostgreSQL database of its own for one benchmark run, created first and dropped after."""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")


async def fresh_database(url: str, work: Callable[[str], Awaitable[T]]) -> T:
    """Run `work` on a new database on the server of `url`; drop it whatever happens."""
    import asyncpg

    name = f"lectern_bench_{os.getpid()}"
    dsn = url.replace("postgresql+asyncpg://", "postgresql://", 1)
    admin = await asyncpg.connect(dsn, timeout=5)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    try:
        return await work(f"{url.rpartition('/')[0]}/{name}")
    finally:
        admin = await asyncpg.connect(dsn, timeout=5)
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await admin.close()
