"""The DailyStore port in SQL, part of `SqlStore`: schedules, claims and the post log.

A claim is one transaction that finds the due schedules, writes their post-log rows and moves
them to their next run. PostgreSQL locks the rows it takes with FOR UPDATE SKIP LOCKED, so two
processes claim different schedules side by side; SQLite lets one writer in at a time, so the
claim takes the write lock before it reads. Either way the post log's key (schedule, local day)
is the last word: a row already there means somebody owns that day's post.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.core.daily.catchup import after_posting, due_runs, still_postable
from bot.core.daily.records import (
    Claimed,
    NewSchedule,
    Outcome,
    PostRecord,
    PostStatus,
    Schedule,
    Slot,
)
from bot.core.daily.when import Occurrence
from bot.core.messages import Channel
from bot.store.engine import aware
from bot.store.tables import daily_posts, daily_schedules

# A claim still unresolved after this long belongs to a process that stopped mid-send (a live
# one gives up on a platform call after 30 s).
CLAIM_LEASE = timedelta(minutes=10)


def _schedule(row: Any) -> Schedule:
    hour, minute = (int(part) for part in row.local_time.split(":"))
    return Schedule(
        id=row.id,
        place=Channel(row.platform, row.channel_id, row.server_id, row.channel_name),
        at=time(hour, minute),
        zone=row.zone,
        topic=row.topic,
        enabled=bool(row.enabled),
        next_run_at=aware(row.next_run_at),
        set_by=row.set_by,
        cycle=row.cycle,
        seen=tuple(json.loads(row.seen)),
        disabled_reason=row.disabled_reason,
    )


class DailySql:
    """Mixed into SqlStore, which provides `_run` (one transaction) and `_insert` (the
    dialect's INSERT with ON CONFLICT)."""

    _run: Any
    _insert: Any

    async def _lock_for_write(self, connection: AsyncConnection) -> None:
        """SQLite: take the database's write lock now, before reading what to claim, so that a
        second process waits here instead of claiming the same rows from a stale snapshot."""
        if connection.dialect.name == "sqlite":
            await connection.execute(
                sa.update(daily_schedules)
                .where(sa.false())
                .values(enabled=daily_schedules.c.enabled)
            )

    async def set_schedule(self, new: NewSchedule) -> Schedule:
        async def work(connection: AsyncConnection) -> Schedule:
            values = {
                "platform": new.place.platform,
                "channel_id": new.place.channel_id,
                "server_id": new.place.server_id,
                "channel_name": (new.place.name or None) and new.place.name[:200],
                "local_time": f"{new.at:%H:%M}",
                "zone": new.zone,
                "topic": new.topic,
                "enabled": True,
                "next_run_at": new.next_run_at,
                "set_by": new.set_by,
                "disabled_reason": None,
                "updated_at": datetime.now(UTC),
            }
            statement = self._insert(daily_schedules).values(values)
            kept = {"platform", "channel_id"}
            statement = statement.on_conflict_do_update(
                index_elements=[daily_schedules.c.platform, daily_schedules.c.channel_id],
                set_={k: statement.excluded[k] for k in values if k not in kept},
            ).returning(*daily_schedules.c)
            return _schedule((await connection.execute(statement)).one())

        result: Schedule = await self._run(work)
        return result

    async def schedule_in(self, place: Channel) -> Schedule | None:
        async def work(connection: AsyncConnection) -> Schedule | None:
            row = (
                await connection.execute(
                    sa.select(daily_schedules).where(
                        daily_schedules.c.platform == place.platform,
                        daily_schedules.c.channel_id == place.channel_id,
                    )
                )
            ).first()
            return _schedule(row) if row is not None else None

        result: Schedule | None = await self._run(work)
        return result

    async def turn_off(self, place: Channel, reason: str | None = None) -> Schedule | None:
        async def work(connection: AsyncConnection) -> Schedule | None:
            row = (
                await connection.execute(
                    sa.update(daily_schedules)
                    .where(
                        daily_schedules.c.platform == place.platform,
                        daily_schedules.c.channel_id == place.channel_id,
                        daily_schedules.c.enabled,
                    )
                    .values(
                        enabled=False,
                        next_run_at=None,
                        disabled_reason=reason and reason[:300],
                        updated_at=datetime.now(UTC),
                    )
                    .returning(*daily_schedules.c)
                )
            ).first()
            return _schedule(row) if row is not None else None

        result: Schedule | None = await self._run(work)
        return result

    async def claim_due(
        self,
        platforms: Collection[str],
        now: datetime,
        grace: timedelta,
        limit: int,
        worker: str,
    ) -> Claimed:
        async def work(connection: AsyncConnection) -> Claimed:
            await self._lock_for_write(connection)
            query = (
                sa.select(daily_schedules)
                .where(
                    daily_schedules.c.enabled,
                    daily_schedules.c.next_run_at <= now,
                    daily_schedules.c.platform.in_(sorted(platforms)),
                )
                .order_by(daily_schedules.c.next_run_at, daily_schedules.c.id)
                .limit(limit)
                .with_for_update(skip_locked=True)  # PostgreSQL; SQLite holds the write lock
            )
            schedules = [_schedule(row) for row in await connection.execute(query)]
            await connection.execute(
                sa.update(daily_posts)
                .where(
                    daily_posts.c.status == "sending",
                    daily_posts.c.claimed_at < now - CLAIM_LEASE,
                )
                .values(status="interrupted")
            )
            taken_over, lapsed = await self._take_over(connection, now, grace, limit, worker)
            if not schedules:
                return Claimed(taken_over, lapsed, len(taken_over))
            log_rows: list[dict[str, Any]] = []
            wanted: dict[tuple[int, date], Slot] = {}
            moves: list[dict[str, Any]] = []
            for schedule in schedules:
                assert schedule.next_run_at is not None  # an enabled schedule has one
                runs = due_runs(schedule.next_run_at, schedule.at, schedule.zone, now, grace)
                missed, post, upcoming = runs.missed, runs.post, runs.upcoming
                for run in missed:
                    log_rows.append(_log_row(schedule.id, run, "missed", now, worker))
                if post is not None:
                    log_rows.append(_log_row(schedule.id, post, "claimed", now, worker))
                    wanted[(schedule.id, post.day)] = Slot(schedule, post.day, post.at)
                moves.append({"b_id": schedule.id, "b_next": upcoming.at})
            inserted = await connection.execute(
                self._insert(daily_posts)
                .on_conflict_do_nothing()
                .returning(
                    daily_posts.c.schedule_id, daily_posts.c.local_date, daily_posts.c.status
                ),
                log_rows,
            )
            taken = [(r.schedule_id, r.local_date, r.status) for r in inserted]
            await connection.execute(
                sa.update(daily_schedules)
                .where(daily_schedules.c.id == sa.bindparam("b_id"))
                .values(next_run_at=sa.bindparam("b_next")),
                moves,
            )
            slots = [wanted[(sid, day)] for sid, day, status in taken if status == "claimed"]
            slots.sort(key=lambda s: (s.due_at, s.schedule.id))
            missed = sum(status == "missed" for _, _, status in taken) + lapsed
            return Claimed(taken_over + slots, missed, len(schedules) + len(taken_over))

        result: Claimed = await self._run(work)
        return result

    async def _take_over(
        self, connection: AsyncConnection, now: datetime, grace: timedelta, limit: int, worker: str
    ) -> tuple[list[Slot], int]:
        """The claims whose process stopped before sending them: ours now, or missed if they
        have become too old to post."""
        query = (
            sa.select(daily_posts, daily_schedules)
            .join(daily_schedules, daily_schedules.c.id == daily_posts.c.schedule_id)
            .where(
                daily_posts.c.status == "claimed",
                daily_posts.c.claimed_at < now - CLAIM_LEASE,
            )
            .order_by(daily_posts.c.claimed_at)
            .limit(limit)
            .with_for_update(skip_locked=True, of=daily_posts)
        )
        rows = list(await connection.execute(query))
        slots: list[Slot] = []
        lapsed = 0
        for row in rows:
            due = aware(row.due_at)
            assert due is not None
            keep = bool(row.enabled) and still_postable(due, now, grace)
            where = (daily_posts.c.schedule_id == row.schedule_id) & (
                daily_posts.c.local_date == row.local_date
            )
            if keep:
                await connection.execute(
                    sa.update(daily_posts)
                    .where(where)
                    .values(claimed_by=worker[:64], claimed_at=now)
                )
                slots.append(Slot(_schedule(row), row.local_date, due))  # no column names clash
            else:
                await connection.execute(
                    sa.update(daily_posts).where(where).values(status="missed")
                )
                lapsed += 1
        return slots, lapsed

    async def begin_sends(self, posts: Sequence[tuple[int, date]], worker: str) -> list[bool]:
        async def work(connection: AsyncConnection) -> list[bool]:
            key = sa.tuple_(daily_posts.c.schedule_id, daily_posts.c.local_date)
            moved = await connection.execute(
                sa.update(daily_posts)
                .where(
                    key.in_(list(posts)),
                    daily_posts.c.status == "claimed",
                    daily_posts.c.claimed_by == worker[:64],
                )
                .values(status="sending")
                .returning(daily_posts.c.schedule_id, daily_posts.c.local_date)
            )
            ours = {(r.schedule_id, r.local_date) for r in moved}
            return [post in ours for post in posts]

        result: list[bool] = await self._run(work)
        return result

    async def claim_day(
        self, schedule_id: int, day: date, now: datetime, worker: str
    ) -> Slot | None:
        async def work(connection: AsyncConnection) -> Slot | None:
            await self._lock_for_write(connection)
            row = (
                await connection.execute(
                    sa.select(daily_schedules)
                    .where(daily_schedules.c.id == schedule_id)
                    .with_for_update()
                )
            ).first()
            if row is None:
                return None
            schedule = _schedule(row)
            claimed = (
                await connection.execute(
                    self._insert(daily_posts)
                    .values(_log_row(schedule_id, Occurrence(now, day), "claimed", now, worker))
                    .on_conflict_do_nothing()
                    .returning(daily_posts.c.schedule_id)
                )
            ).first()
            if claimed is None:
                return None
            if schedule.next_run_at is not None:
                later = after_posting(schedule.next_run_at, schedule.at, schedule.zone, day)
                if later is not None:  # that day's run had not come yet: it has gone out now
                    await connection.execute(
                        sa.update(daily_schedules)
                        .where(daily_schedules.c.id == schedule_id)
                        .values(next_run_at=later)
                    )
            return Slot(schedule, day, now)

        result: Slot | None = await self._run(work)
        return result

    async def record_posts(self, outcomes: Sequence[Outcome]) -> list[None]:
        async def work(connection: AsyncConnection) -> None:
            await connection.execute(
                sa.update(daily_posts)
                .where(
                    daily_posts.c.schedule_id == sa.bindparam("b_id"),
                    daily_posts.c.local_date == sa.bindparam("b_day"),
                )
                .values(
                    status=sa.bindparam("b_status"),
                    fact_id=sa.bindparam("b_fact"),
                    message_id=sa.bindparam("b_message"),
                ),
                [
                    {
                        "b_id": o.schedule_id,
                        "b_day": o.day,
                        "b_status": o.status,
                        "b_fact": o.fact_id,
                        "b_message": o.message_id and o.message_id[:200],
                    }
                    for o in outcomes
                ],
            )
            cycles = [
                {"b_id": o.schedule_id, "b_cycle": o.cycle, "b_seen": json.dumps(list(o.seen))}
                for o in outcomes
                if o.cycle is not None and o.seen is not None
            ]
            if cycles:
                await connection.execute(
                    sa.update(daily_schedules)
                    .where(daily_schedules.c.id == sa.bindparam("b_id"))
                    .values(cycle=sa.bindparam("b_cycle"), seen=sa.bindparam("b_seen")),
                    cycles,
                )

        if outcomes:
            await self._run(work)
        return [None] * len(outcomes)

    async def next_due(self, platforms: Collection[str]) -> datetime | None:
        async def work(connection: AsyncConnection) -> datetime | None:
            found = await connection.scalar(
                sa.select(sa.func.min(daily_schedules.c.next_run_at)).where(
                    daily_schedules.c.enabled,
                    daily_schedules.c.platform.in_(sorted(platforms)),
                )
            )
            return aware(found)

        result: datetime | None = await self._run(work)
        return result

    async def posts(self, schedule_id: int, limit: int = 10) -> list[PostRecord]:
        async def work(connection: AsyncConnection) -> list[PostRecord]:
            rows = await connection.execute(
                sa.select(daily_posts)
                .where(daily_posts.c.schedule_id == schedule_id)
                .order_by(daily_posts.c.local_date.desc())
                .limit(limit)
            )
            return [
                PostRecord(
                    r.schedule_id,
                    r.local_date,
                    r.status,
                    r.fact_id,
                    aware(r.claimed_at) or r.claimed_at,
                )
                for r in rows
            ]

        result: list[PostRecord] = await self._run(work)
        return result


def _log_row(
    schedule_id: int, run: Occurrence, status: PostStatus, now: datetime, worker: str
) -> dict[str, Any]:
    return {
        "schedule_id": schedule_id,
        "local_date": run.day,
        "status": status,
        "fact_id": None,
        "due_at": run.at,
        "claimed_at": now,
        "claimed_by": worker[:64],
        "message_id": None,
    }
