"""What the review store keeps: a student's memory of each question, and every review."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

Source = Literal["practice", "class", "review"]


@dataclass(frozen=True, slots=True, order=True)
class Student:
    """A student is theirs per platform: the same person on Discord and Slack is two students."""

    platform: str
    user_id: str


@dataclass(frozen=True, slots=True, order=True)
class ItemRef:
    """A question as memory knows it: its quiz and its card key. A generated question's key
    names what it asks ("<entry id>:<quote, event or term id>"), not its random wording."""

    quiz_id: str
    card_key: str


@dataclass(frozen=True, slots=True)
class MemoryState:
    """FSRS's card for one student and one question, with the counts progress reports."""

    student: Student
    item: ItemRef
    topic: str | None  # what /progress groups by: bot.core.quiz.deck.topic_of
    state: int  # fsrs.State: 1 learning, 2 review, 3 relearning
    step: int | None
    stability: float | None
    difficulty: float | None
    due: datetime
    last_review: datetime | None
    reviews: int = 0
    right: int = 0


@dataclass(frozen=True, slots=True)
class Review:
    """One answer as a review: the memory after it, and what happened."""

    after: MemoryState
    rating: int  # fsrs.Rating: 1 Again, 2 Hard, 3 Good, 4 Easy
    correct: bool
    source: Source
    at: datetime
    elapsed_ms: int | None = None
