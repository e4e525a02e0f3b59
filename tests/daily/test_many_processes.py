"""Exactly once across processes: two pollers on one PostgreSQL database, two processes on one
SQLite file, and a process killed in the middle of a run."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import text

from bot.core.course.library import ContentLibrary
from bot.core.daily.poster import DailyPoster
from bot.core.delivery import Delivery
from bot.store.sql_store import SqlStore
from tests.conftest import ROOT, FixedClock
from tests.daily.seed import seed_schedules
from tests.fakes import FakeOutbox

DUE = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
MANY = 2000


def _worker(url: str, out: Path, now: datetime = DUE, *extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.daily.claim_worker", url, str(out), now.isoformat(), *extra],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )


def _posted(*files: Path) -> Counter[str]:
    seen: Counter[str] = Counter()
    for file in files:
        if file.exists():
            seen.update(line.split()[0] for line in file.read_text().splitlines() if line)
    return seen


async def _statuses(store: SqlStore) -> Counter[str]:
    """How many post-log rows are in each state."""
    async with store.engine.connect() as connection:
        rows = await connection.execute(
            text("SELECT status, count(*) FROM daily_posts GROUP BY status")
        )
        return Counter(dict(rows.all()))


async def test_two_pollers_on_one_postgresql_database_post_each_of_2000_once(
    shipped_library: ContentLibrary, postgres_url: str
) -> None:
    first = await SqlStore.open(postgres_url)
    second = await SqlStore.open(postgres_url)  # its own engine and connections
    async with first.engine.begin() as connection:
        await connection.execute(
            text("TRUNCATE daily_schedules, daily_posts RESTART IDENTITY CASCADE")
        )
    await seed_schedules(first, MANY, DUE)
    clock = FixedClock(DUE)
    outboxes = [FakeOutbox(), FakeOutbox()]
    posters = []
    for store, outbox, name in ((first, outboxes[0], "a"), (second, outboxes[1], "b")):
        delivery = Delivery({"test": outbox}, clock)
        posters.append(
            (
                DailyPoster(
                    store, delivery, shipped_library, platforms={"test"}, batch=50, worker=name
                ),
                delivery,
            )
        )
    await asyncio.gather(*(poster.tick(DUE) for poster, _ in posters))
    for poster, delivery in posters:
        await poster.drain()
        await delivery.drain()
    counts = Counter(where for outbox in outboxes for where, _ in outbox.posted)
    assert len(counts) == MANY and set(counts.values()) == {1}, "each channel once"
    assert all(len(o.posted) > 0 for o in outboxes), "both processes took a share"
    assert await _statuses(first) == {"posted": MANY}
    await first.close()
    await second.close()


async def test_two_processes_on_one_sqlite_file_post_each_of_2000_once(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'lectern.db'}"
    store = await SqlStore.open(url)
    await seed_schedules(store, MANY, DUE)
    await store.close()
    outs = [tmp_path / "a.txt", tmp_path / "b.txt"]
    workers = [_worker(url, out, DUE, "--batch", "50") for out in outs]
    for worker in workers:
        _, err = worker.communicate(timeout=120)
        assert worker.returncode == 0, err[-2000:]
    counts = _posted(*outs)
    assert len(counts) == MANY and set(counts.values()) == {1}, "each channel once"
    assert all(out.exists() and out.read_text() for out in outs), "both processes took a share"
    store = await SqlStore.open(url)
    assert await _statuses(store) == {"posted": MANY}
    await store.close()


async def test_a_process_killed_mid_run_never_causes_a_second_post(tmp_path: Path) -> None:
    """Killed after some posts: what it had claimed but not begun to send is taken over by the
    next process once the claim's lease (10 minutes) is out; what it was sending when it died
    is recorded as interrupted and never sent again. No channel gets two posts."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'lectern.db'}"
    store = await SqlStore.open(url)
    await seed_schedules(store, MANY, DUE)
    await store.close()
    killed_out, after_out = tmp_path / "killed.txt", tmp_path / "after.txt"
    doomed = _worker(url, killed_out, DUE, "--post-ms", "20", "--batch", "100")
    assert doomed.stdout is not None and doomed.stdout.readline().strip() == "ready"
    while len(_posted(killed_out)) < 150:  # well into the run: into its second batch
        await asyncio.sleep(0.01)
        assert doomed.poll() is None, "it finished before it could be killed"
    doomed.send_signal(signal.SIGKILL)
    doomed.wait(timeout=30)
    before = _posted(killed_out)
    assert 150 <= len(before) < MANY
    restarted = _worker(url, after_out, DUE + timedelta(minutes=11))
    _, err = restarted.communicate(timeout=120)
    assert restarted.returncode == 0, err[-2000:]
    total = _posted(killed_out, after_out)
    assert set(total.values()) == {1}, "no channel got its fact twice"
    store = await SqlStore.open(url)
    statuses = await _statuses(store)
    await store.close()
    assert statuses["posted"] + statuses["interrupted"] == MANY, statuses
    assert statuses["interrupted"] <= 100, "at most the batch it was sending"
    # An interrupted post may or may not have reached the platform before the kill:
    assert statuses["posted"] <= len(total) <= MANY
    assert len(total) >= MANY - statuses["interrupted"]
