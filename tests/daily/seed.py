"""Many due schedules at once, written straight into the tables (the tests and benchmarks of
claiming need thousands; one /daily set each would take longer than the claims)."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.store.sql_store import SqlStore
from bot.store.tables import daily_schedules


async def seed_schedules(
    store: SqlStore, count: int, due: datetime, platform: str = "test"
) -> None:
    rows = [
        {
            "platform": platform,
            "channel_id": f"c{n}",
            "server_id": "school",
            "channel_name": f"class-{n}",
            "local_time": f"{due:%H:%M}",
            "zone": "UTC",
            "topic": None,
            "enabled": True,
            "next_run_at": due,
            "set_by": "t1",
            "cycle": 0,
            "seen": "[]",
            "updated_at": datetime.now(UTC),
        }
        for n in range(count)
    ]
    async with store.engine.begin() as connection:
        for start in range(0, count, 500):
            await connection.execute(daily_schedules.insert(), rows[start : start + 500])
