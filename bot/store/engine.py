"""Engines from LECTERN_DATABASE_URL: SQLite (WAL, a file under ./data/) or PostgreSQL."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

DEFAULT_URL = "sqlite+aiosqlite:///data/lectern.db"
_ASYNC_DRIVERS = {"sqlite": "sqlite+aiosqlite", "postgresql": "postgresql+asyncpg"}


def async_url(url: str) -> URL:
    """`url` with the async driver Lectern uses for its database ('postgresql://' works too)."""
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend not in _ASYNC_DRIVERS:
        raise ValueError(f"unsupported database {backend!r}: use sqlite or postgresql")
    return parsed.set(drivername=_ASYNC_DRIVERS[backend])


def sync_url(url: str) -> URL:
    """The same database for synchronous tools (the alembic command line)."""
    parsed = make_url(url)
    return parsed.set(drivername=parsed.get_backend_name())


# Query-string keys that carry credentials (libpq's and the drivers' names among them).
_SECRET_KEYS = re.compile(r"pass|pwd|secret|token|key|auth|cred", re.IGNORECASE)
# A value that looks like a credential whatever its key: long and random, or a known token form.
_TOKEN_LIKE = re.compile(r"^(xox[abpr]-|xapp-|Bearer\s)|^[A-Za-z0-9_\-.+/=]{24,}$")
MASK = "***"


def shown(url: str) -> str:
    """The URL as it may appear in logs: never a password, wherever it sits (user:password, a
    query argument such as ?password= or ?sslpassword=, or anything that looks like a token)."""
    try:
        parsed = make_url(url)
    except Exception:  # not a URL at all: say nothing of what it holds
        return "(an unreadable database URL)"
    query = {
        key: MASK
        if _SECRET_KEYS.search(key) or any(_TOKEN_LIKE.search(v) for v in _values(value))
        else value
        for key, value in parsed.query.items()
    }
    shown_url = parsed.set(query=query).render_as_string(hide_password=True)
    return shown_url.replace("%2A%2A%2A", MASK)


def _values(value: str | tuple[str, ...]) -> tuple[str, ...]:
    return (value,) if isinstance(value, str) else value


def aware(value: datetime | None) -> datetime | None:
    """A datetime read back from the database, in UTC: SQLite hands back naive ones."""
    if value is None:
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets readers run during a write; NORMAL is durable across application crashes in WAL
    # mode (a power cut may lose the last transactions, never corrupt the file).
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def create_engine(url: str) -> AsyncEngine:
    parsed = async_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        # One connection: SQLite lets one writer in at a time anyway, and writers that race for
        # its lock back off for up to 100 ms each; queued in the pool they simply take turns.
        engine = create_async_engine(parsed, pool_size=1, max_overflow=0, pool_timeout=60)
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    return create_async_engine(parsed, pool_pre_ping=True, pool_size=5, max_overflow=5)
