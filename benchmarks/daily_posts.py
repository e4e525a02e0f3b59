"""Daily posts: how fast schedules are claimed and posted, and how fast next runs are computed.

    python -m benchmarks.daily_posts [--schedules 5000] [--postgres URL] [--next-runs 100000]

Claim-and-post: SCHEDULES channels all due at once, posted through a fake platform that only
writes a line per post (so the figure is Lectern's and the database's cost, not a platform's).
One process, then two processes started together on the same database, on SQLite and on
PostgreSQL; every run checks that each channel got exactly one post. Next runs: the first
occurrence after a moment for N schedules spread over 40 time zones and every minute of the
day, DST rules included.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from datetime import time as wall
from pathlib import Path

from bot.core.daily.when import next_after
from bot.store.sql_store import SqlStore
from tests.daily.seed import seed_schedules

ROOT = Path(__file__).resolve().parent.parent
DUE = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
ZONES = [
    "UTC", "Europe/Oslo", "Europe/London", "Europe/Moscow", "Europe/Kyiv", "Europe/Berlin",
    "America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles",
    "America/Sao_Paulo", "America/St_Johns", "Asia/Kolkata", "Asia/Kathmandu", "Asia/Tokyo",
    "Asia/Shanghai", "Asia/Dubai", "Asia/Tehran", "Asia/Kabul", "Asia/Almaty", "Asia/Tashkent",
    "Asia/Bishkek", "Asia/Dushanbe", "Asia/Yerevan", "Asia/Baku", "Asia/Tbilisi",
    "Australia/Sydney", "Australia/Adelaide", "Australia/Eucla", "Australia/Lord_Howe",
    "Pacific/Auckland", "Pacific/Chatham", "Pacific/Apia", "Pacific/Kiritimati",
    "Africa/Cairo", "Africa/Lagos", "Africa/Johannesburg", "Atlantic/Azores",
    "America/Havana", "Asia/Gaza",
]  # fmt: skip


def _worker(url: str, out: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.daily.claim_worker", url, str(out), DUE.isoformat(),
         "--wait"],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip


async def claim_and_post(url: str, schedules: int, processes: int) -> dict[str, float]:
    store = await SqlStore.open(url)
    await seed_schedules(store, schedules, DUE)
    await store.close()
    folder = Path(tempfile.mkdtemp(prefix="lectern-daily-bench-"))
    outs = [folder / f"p{n}.txt" for n in range(processes)]
    workers = [_worker(url, out) for out in outs]
    for worker in workers:
        assert worker.stdout is not None and worker.stdout.readline().strip() == "ready"
    started = time.perf_counter()
    for worker in workers:
        assert worker.stdin is not None
        worker.stdin.write("go\n")
        worker.stdin.flush()
    for worker in workers:
        _, err = worker.communicate(timeout=600)
        if worker.returncode != 0:
            raise SystemExit(err[-3000:])
    seconds = time.perf_counter() - started
    posts: Counter[str] = Counter()
    for out in outs:
        posts.update(line.split()[0] for line in out.read_text().splitlines())
    assert len(posts) == schedules and set(posts.values()) == {1}, "each channel exactly once"
    return {"seconds": seconds, "per_second": schedules / seconds}


def next_runs(count: int) -> dict[str, float]:
    rng = random.Random(1)
    work = [(wall(rng.randrange(24), rng.randrange(60)), rng.choice(ZONES)) for _ in range(count)]
    after = datetime(2026, 3, 28, 23, 30, tzinfo=UTC)  # the night Europe moves its clocks
    started = time.perf_counter()
    for at, zone in work:
        next_after(after, at, zone)
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "per_second": count / seconds}


async def main(args: argparse.Namespace) -> None:
    print(f"claim and post {args.schedules} due schedules (fake platform, no delay):")
    engines: list[tuple[str, str | None]] = [("SQLite", None), ("PostgreSQL", args.postgres)]
    for name, server in engines:
        for processes in (1, 2):
            if server is None:
                folder = Path(tempfile.mkdtemp(prefix="lectern-daily-db-"))
                result = await claim_and_post(
                    f"sqlite+aiosqlite:///{folder / 'l.db'}", args.schedules, processes
                )
            else:
                from benchmarks.postgres import fresh_database

                async def run(url: str, processes: int = processes) -> dict[str, float]:
                    return await claim_and_post(url, args.schedules, processes)

                try:
                    result = await fresh_database(server, run)
                except OSError as exc:
                    print(f"  {name}: not reachable ({exc})")
                    break
            print(
                f"  {name:10} {processes} process{'es' if processes > 1 else '  '}: "
                f"{result['per_second']:7.0f} posts/s ({result['seconds']:.2f} s)"
            )
    figures = next_runs(args.next_runs)
    print(
        f"next runs of {args.next_runs} schedules in 40 zones: {figures['seconds']:.2f} s "
        f"({figures['per_second']:,.0f}/s)"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--schedules", type=int, default=5000)
    parser.add_argument("--next-runs", type=int, default=100_000)
    parser.add_argument(
        "--postgres",
        default=os.environ.get(
            "LECTERN_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
        ),
    )
    asyncio.run(main(parser.parse_args()))
