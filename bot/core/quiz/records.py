"""What a class quiz session stores: plain values that cross the Store port.

The engine decides points; the store enforces what must hold under concurrency, whatever the
engine's memory says: one running session per channel, one answer per student per question, and
a single first correct answer per question.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from bot.core.messages import Channel

SessionStatus = Literal["running", "finished", "stopped"]


@dataclass(frozen=True, slots=True)
class NewSession:
    place: Channel  # where the session runs; its server groups leaderboards
    quiz_id: str
    quiz_title: str
    started_by: str
    started_at: datetime
    scoring: str
    seconds: int
    cards: str  # the dealt cards, serialised, so that a restarted bot asks the same questions
    question_count: int


@dataclass(frozen=True, slots=True)
class SessionRecord(NewSession):
    """A session as stored: what it was started with, and how far it has gone."""

    id: int
    status: SessionStatus
    current: int  # index of the question asked last; -1 before the first
    ended_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class AnswerIn:
    session_id: int
    question: int
    user_id: str
    display_name: str
    text: str
    correct: bool
    points: int  # what the answer earns if the store accepts it (see `first_only`)
    latency_ms: int
    answered_at: datetime
    first_only: bool = False  # points only for the first correct answer of the question


@dataclass(frozen=True, slots=True)
class AnswerOutcome:
    accepted: bool  # False: this student had already answered this question
    points: int  # what was credited (0 when refused, or correct but not first in `first` mode)
    first: bool = False  # the first correct answer of the question (decided for `first_only`)


@dataclass(frozen=True, slots=True)
class ScoreRow:
    user_id: str
    display_name: str
    points: int
    correct: int
    answered: int


@dataclass(frozen=True, slots=True)
class AnswerRow:
    question: int
    user_id: str
    display_name: str
    text: str
    correct: bool
    points: int
    latency_ms: int
    answered_at: datetime


@dataclass(frozen=True, slots=True)
class LeaderRow:
    user_id: str
    display_name: str
    points: int
    correct: int
    sessions: int


@dataclass(frozen=True, slots=True)
class ClassAnswer:
    """An answer accepted in a class session, as the students' memory sees it."""

    platform: str
    user_id: str
    quiz_id: str
    card_key: str
    correct: bool
    latency_ms: int
    seconds: int  # the session's time per question
    at: datetime
