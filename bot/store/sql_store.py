"""The Store port on SQLAlchemy Core (async): the same SQL on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from bot.core.messages import Channel
from bot.core.ports import StoreUnavailable
from bot.core.quiz.records import (
    AnswerIn,
    AnswerOutcome,
    AnswerRow,
    LeaderRow,
    NewSession,
    ScoreRow,
    SessionRecord,
    SessionStatus,
)
from bot.store.daily_sql import DailySql
from bot.store.engine import aware, create_engine
from bot.store.migrate import upgrade
from bot.store.review_sql import ReviewSql
from bot.store.tables import answers, memos, questions, scores, sessions


def _session(row: Any) -> SessionRecord:
    started = aware(row.started_at)
    assert started is not None
    return SessionRecord(
        id=row.id,
        place=Channel(row.platform, row.channel_id, row.server_id),
        quiz_id=row.quiz_id,
        quiz_title=row.quiz_title,
        started_by=row.started_by,
        started_at=started,
        scoring=row.scoring,
        seconds=row.seconds,
        cards=row.cards,
        question_count=row.question_count,
        status=row.status,
        current=row.current,
        ended_at=aware(row.ended_at),
    )


def _key(answer: AnswerIn) -> tuple[int, int, str]:
    return answer.session_id, answer.question, answer.user_id


def _answer_row(answer: AnswerIn) -> dict[str, Any]:
    provisional = answer.points if answer.correct and not answer.first_only else 0
    return {
        "session_id": answer.session_id,
        "question": answer.question,
        "user_id": answer.user_id,
        "display_name": answer.display_name,
        "text": answer.text[:500],
        "correct": answer.correct,
        "points": provisional,
        "latency_ms": answer.latency_ms,
        "answered_at": answer.answered_at,
    }


class SqlStore(DailySql, ReviewSql):
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        dialect = engine.dialect.name
        self._insert = postgresql.insert if dialect == "postgresql" else sqlite.insert

    @classmethod
    async def open(cls, url: str) -> SqlStore:
        """Connect and migrate to the newest schema."""
        engine = create_engine(url)
        try:
            await upgrade(engine)
        except (OperationalError, DBAPIError, OSError) as exc:
            await engine.dispose()
            raise StoreUnavailable(f"cannot open the database: {exc.__class__.__name__}") from exc
        return cls(engine)

    @property
    def engine(self) -> AsyncEngine:
        return self._engine

    async def close(self) -> None:
        await self._engine.dispose()

    async def _run(self, work: Any) -> Any:
        """Run `work(connection)` in one transaction; connection faults become StoreUnavailable."""
        try:
            async with self._engine.begin() as connection:
                return await work(connection)
        except IntegrityError:
            raise
        except (OperationalError, DBAPIError, OSError, ConnectionError) as exc:
            raise StoreUnavailable(exc.__class__.__name__) from exc

    async def start_session(self, new: NewSession) -> SessionRecord | None:
        async def work(connection: AsyncConnection) -> SessionRecord | None:
            statement = (
                self._insert(sessions)
                .values(
                    platform=new.place.platform,
                    channel_id=new.place.channel_id,
                    server_id=new.place.server_id,
                    quiz_id=new.quiz_id,
                    quiz_title=new.quiz_title,
                    started_by=new.started_by,
                    started_at=new.started_at,
                    status="running",
                    scoring=new.scoring,
                    seconds=new.seconds,
                    question_count=new.question_count,
                    current=-1,
                    cards=new.cards,
                )
                .on_conflict_do_nothing()
                .returning(*sessions.c)
            )
            row = (await connection.execute(statement)).first()
            return _session(row) if row is not None else None

        result: SessionRecord | None = await self._run(work)
        return result

    async def _sessions(self, query: sa.Select[Any]) -> list[SessionRecord]:
        async def work(connection: AsyncConnection) -> list[SessionRecord]:
            return [_session(row) for row in await connection.execute(query)]

        found: list[SessionRecord] = await self._run(work)
        return found

    async def running(self, place: Channel) -> SessionRecord | None:
        found = await self._sessions(
            sa.select(sessions).where(
                sessions.c.platform == place.platform,
                sessions.c.channel_id == place.channel_id,
                sessions.c.status == "running",
            )
        )
        return found[0] if found else None

    async def all_running(self, platforms: Collection[str]) -> list[SessionRecord]:
        return await self._sessions(
            sa.select(sessions)
            .where(sessions.c.status == "running", sessions.c.platform.in_(sorted(platforms)))
            .order_by(sessions.c.id)
        )

    async def get_session(self, session_id: int) -> SessionRecord | None:
        found = await self._sessions(sa.select(sessions).where(sessions.c.id == session_id))
        return found[0] if found else None

    async def sessions_in(self, place: Channel, limit: int = 10) -> list[SessionRecord]:
        return await self._sessions(
            sa.select(sessions)
            .where(sessions.c.platform == place.platform, sessions.c.channel_id == place.channel_id)
            .order_by(sessions.c.started_at.desc(), sessions.c.id.desc())
            .limit(limit)
        )

    async def advance(self, session_id: int, question: int, key: str, at: datetime) -> None:
        async def work(connection: AsyncConnection) -> None:
            moved = await connection.execute(
                sa.update(sessions)
                .where(sessions.c.id == session_id, sessions.c.status == "running")
                .values(current=question)
            )
            if moved.rowcount != 1:
                return
            statement = self._insert(questions).values(
                session_id=session_id, question=question, card_key=key[:200], asked_at=at
            )
            await connection.execute(
                statement.on_conflict_do_update(
                    index_elements=[questions.c.session_id, questions.c.question],
                    set_={
                        "card_key": statement.excluded.card_key,
                        "asked_at": statement.excluded.asked_at,
                    },
                )
            )

        await self._run(work)

    async def finish(self, session_id: int, status: SessionStatus, at: datetime) -> None:
        async def work(connection: AsyncConnection) -> None:
            await connection.execute(
                sa.update(sessions)
                .where(sessions.c.id == session_id, sessions.c.status == "running")
                .values(status=status, ended_at=at)
            )

        await self._run(work)

    async def record_answers(self, batch: Sequence[AnswerIn]) -> list[AnswerOutcome]:
        if not batch:
            return []

        async def work(connection: AsyncConnection) -> list[AnswerOutcome]:
            return await self._record(connection, batch)

        outcomes: list[AnswerOutcome] = await self._run(work)
        return outcomes

    async def _record(
        self, connection: AsyncConnection, batch: Sequence[AnswerIn]
    ) -> list[AnswerOutcome]:
        # A student's second answer to a question within one batch is refused like a stored one.
        first_index: dict[tuple[int, int, str], int] = {}
        for index, answer in enumerate(batch):
            first_index.setdefault(_key(answer), index)
        unique = [batch[index] for index in first_index.values()]
        # executemany with RETURNING ("insertmanyvalues"): one compiled statement, sent in pages.
        inserted = await connection.execute(
            self._insert(answers)
            .on_conflict_do_nothing()
            .returning(answers.c.session_id, answers.c.question, answers.c.user_id),
            [_answer_row(a) for a in unique],
        )
        accepted = {(r.session_id, r.question, r.user_id) for r in inserted}
        # Only `first` scoring pays the first correct answer; the others skip the conditional
        # updates, one per question in the batch, that deciding it costs.
        claims = [a for a in unique if a.correct and a.first_only]
        firsts = await self._claim_firsts(connection, claims, accepted)
        credited: dict[tuple[int, int, str], int] = {}
        for answer in unique:
            key = _key(answer)
            if key in accepted and answer.correct and (not answer.first_only or key in firsts):
                credited[key] = answer.points
        for answer in unique:
            key = _key(answer)
            if answer.first_only and key in credited:  # stored with 0 until it proved first
                await connection.execute(
                    sa.update(answers)
                    .where(
                        answers.c.session_id == answer.session_id,
                        answers.c.question == answer.question,
                        answers.c.user_id == answer.user_id,
                    )
                    .values(points=answer.points)
                )
        await self._add_scores(connection, unique, accepted, credited)
        return [
            AnswerOutcome(True, credited.get(_key(a), 0), _key(a) in firsts)
            if first_index[_key(a)] == index and _key(a) in accepted
            else AnswerOutcome(False, 0)
            for index, a in enumerate(batch)
        ]

    async def _claim_firsts(
        self,
        connection: AsyncConnection,
        correct: list[AnswerIn],
        accepted: set[tuple[int, int, str]],
    ) -> set[tuple[int, int, str]]:
        """The first correct answer of each question, decided by a conditional update."""
        earliest: dict[tuple[int, int], AnswerIn] = {}
        for answer in sorted(correct, key=lambda a: (a.answered_at, a.latency_ms)):
            if (answer.session_id, answer.question, answer.user_id) in accepted:
                earliest.setdefault((answer.session_id, answer.question), answer)
        if not earliest:
            return set()
        await connection.execute(
            self._insert(questions)
            .values([{"session_id": s, "question": q} for s, q in earliest])
            .on_conflict_do_nothing()
        )
        firsts = set()
        for (session_id, question), answer in earliest.items():
            claimed = await connection.execute(
                sa.update(questions)
                .where(
                    questions.c.session_id == session_id,
                    questions.c.question == question,
                    questions.c.first_correct_user.is_(None),
                )
                .values(first_correct_user=answer.user_id)
            )
            if claimed.rowcount == 1:
                firsts.add((session_id, question, answer.user_id))
        return firsts

    async def _add_scores(
        self,
        connection: AsyncConnection,
        batch: list[AnswerIn],
        accepted: set[tuple[int, int, str]],
        credited: dict[tuple[int, int, str], int],
    ) -> None:
        totals: dict[tuple[int, str], dict[str, Any]] = {}
        for answer in batch:
            key = (answer.session_id, answer.question, answer.user_id)
            if key not in accepted:
                continue
            row = totals.setdefault(
                (answer.session_id, answer.user_id),
                {
                    "session_id": answer.session_id,
                    "user_id": answer.user_id,
                    "display_name": answer.display_name,
                    "points": 0,
                    "correct": 0,
                    "answered": 0,
                },
            )
            row["points"] += credited.get(key, 0)
            row["correct"] += int(answer.correct)
            row["answered"] += 1
        if not totals:
            return
        statement = self._insert(scores)
        excluded = statement.excluded
        await connection.execute(
            statement.on_conflict_do_update(
                index_elements=[scores.c.session_id, scores.c.user_id],
                set_={
                    "display_name": excluded.display_name,
                    "points": scores.c.points + excluded.points,
                    "correct": scores.c.correct + excluded.correct,
                    "answered": scores.c.answered + excluded.answered,
                },
            ),
            list(totals.values()),
        )

    async def scores(self, session_id: int) -> list[ScoreRow]:
        async def work(connection: AsyncConnection) -> list[ScoreRow]:
            rows = await connection.execute(
                sa.select(scores)
                .where(scores.c.session_id == session_id)
                .order_by(scores.c.points.desc(), scores.c.correct.desc(), scores.c.user_id)
            )
            return [
                ScoreRow(r.user_id, r.display_name, r.points, r.correct, r.answered) for r in rows
            ]

        found: list[ScoreRow] = await self._run(work)
        return found

    async def answers(self, session_id: int) -> list[AnswerRow]:
        async def work(connection: AsyncConnection) -> list[AnswerRow]:
            rows = await connection.execute(
                sa.select(answers)
                .where(answers.c.session_id == session_id)
                .order_by(answers.c.question, answers.c.answered_at, answers.c.user_id)
            )
            return [
                AnswerRow(
                    r.question,
                    r.user_id,
                    r.display_name,
                    r.text,
                    bool(r.correct),
                    r.points,
                    r.latency_ms,
                    aware(r.answered_at) or datetime.min.replace(tzinfo=UTC),
                )
                for r in rows
            ]

        found: list[AnswerRow] = await self._run(work)
        return found

    async def leaderboard(
        self,
        platform: str,
        *,
        channel_id: str | None = None,
        server_id: str | None = None,
        quiz_id: str | None = None,
        since: datetime | None = None,
        limit: int = 10,
    ) -> list[LeaderRow]:
        conditions = [sessions.c.platform == platform, sessions.c.status != "running"]
        if channel_id is not None:
            conditions.append(sessions.c.channel_id == channel_id)
        if server_id is not None:
            conditions.append(sessions.c.server_id == server_id)
        if quiz_id is not None:
            conditions.append(sessions.c.quiz_id == quiz_id)
        if since is not None:
            conditions.append(sessions.c.started_at >= since)
        points = sa.func.sum(scores.c.points).label("points")
        query = (
            sa.select(
                scores.c.user_id,
                sa.func.max(scores.c.display_name).label("display_name"),
                points,
                sa.func.sum(scores.c.correct).label("correct"),
                sa.func.count(sa.distinct(scores.c.session_id)).label("sessions"),
            )
            .join(sessions, sessions.c.id == scores.c.session_id)
            .where(*conditions)
            .group_by(scores.c.user_id)
            .order_by(points.desc(), scores.c.user_id)
            .limit(limit)
        )

        async def work(connection: AsyncConnection) -> list[LeaderRow]:
            return [
                LeaderRow(r.user_id, r.display_name, int(r.points), int(r.correct), r.sessions)
                for r in await connection.execute(query)
            ]

        found: list[LeaderRow] = await self._run(work)
        return found

    async def recall(self, key: str) -> str | None:
        async def work(connection: AsyncConnection) -> str | None:
            found = await connection.scalar(sa.select(memos.c.value).where(memos.c.key == key))
            return str(found) if found is not None else None

        value: str | None = await self._run(work)
        return value

    async def remember(self, key: str, value: str) -> None:
        async def work(connection: AsyncConnection) -> None:
            row = {"key": key, "value": value, "updated_at": datetime.now(UTC)}
            statement = self._insert(memos).values(row)
            await connection.execute(
                statement.on_conflict_do_update(
                    index_elements=[memos.c.key],
                    set_={"value": statement.excluded.value, "updated_at": row["updated_at"]},
                )
            )

        await self._run(work)
