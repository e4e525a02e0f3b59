"""A class's progress by topic across its quiz sessions: the accuracy over a period and its
trend from session to session. Pure figures; the chart is drawn by bot.core.quiz.charts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

LOW_ACCURACY = 0.7  # a topic the class gets less right than this is due for revision
TREND_STEP = 0.1  # a change this large between the first and last sessions is a trend


@dataclass(frozen=True, slots=True)
class Played:
    """One session's answers, as (topic, correct) pairs."""

    session_id: int
    started_at: datetime
    answers: Sequence[tuple[str | None, bool]]


@dataclass(frozen=True, slots=True)
class TopicTrend:
    topic: str | None
    answered: int
    right: int
    by_session: list[tuple[int, float]]  # (session id, share right), oldest first

    @property
    def accuracy(self) -> float:
        return self.right / self.answered if self.answered else 0.0

    @property
    def trend(self) -> str:
        if len(self.by_session) < 2:
            return "one session"
        change = self.by_session[-1][1] - self.by_session[0][1]
        if change >= TREND_STEP:
            return "rising"
        if change <= -TREND_STEP:
            return "falling"
        return "steady"


def trends(sessions: Sequence[Played]) -> list[TopicTrend]:
    """Each topic's accuracy over `sessions` and per session, the weakest topic first."""
    per_topic: dict[str | None, list[tuple[int, int, int]]] = {}
    for played in sorted(sessions, key=lambda p: (p.started_at, p.session_id)):
        counts: dict[str | None, list[int]] = {}
        for topic, correct in played.answers:
            tally = counts.setdefault(topic, [0, 0])
            tally[0] += 1
            tally[1] += correct
        for topic, (answered, right) in counts.items():
            per_topic.setdefault(topic, []).append((played.session_id, answered, right))
    found = [
        TopicTrend(
            topic,
            answered=sum(a for _, a, _ in rows),
            right=sum(r for _, _, r in rows),
            by_session=[(session, r / a) for session, a, r in rows],
        )
        for topic, rows in per_topic.items()
    ]
    return sorted(found, key=lambda t: (t.accuracy, t.topic or ""))
