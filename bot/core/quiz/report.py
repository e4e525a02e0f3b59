"""What a teacher reads after a class quiz: how each question went, the misconceptions (the wrong
answer most chosen, with the feedback the quiz gives for it), the hardest questions, and who
needs help. Pure figures from the stored answers; the chart is drawn elsewhere (bot.core.charts).
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from bot.core.quiz.deck import LETTERS, Card
from bot.core.quiz.matching import normalize
from bot.core.quiz.records import AnswerRow, ScoreRow

HARDEST = 3
NEEDS_HELP = 0.5  # a student who got under this share of the questions right


@dataclass(frozen=True, slots=True)
class Misconception:
    answer: str  # "B) Moscow", or the typed answer
    count: int
    feedback: str | None  # what the quiz says to a student who picks it


@dataclass(frozen=True, slots=True)
class QuestionReport:
    number: int  # 1-based
    prompt: str
    answered: int
    right: int
    median_seconds: float | None
    misconception: Misconception | None

    @property
    def share_right(self) -> float:
        return self.right / self.answered if self.answered else 0.0


@dataclass(frozen=True, slots=True)
class SessionReport:
    questions: list[QuestionReport]
    hardest: list[QuestionReport]
    scores: list[int]  # right answers per student
    needs_help: list[str]  # display names, for the teacher alone
    asked: int  # questions the class was asked

    @property
    def empty(self) -> bool:
        return not any(q.answered for q in self.questions)


def chosen(card: Card, text: str) -> int | None:
    """The choice a stored answer picked (its index), for a choice or true/false card."""
    if not card.options:
        return None
    return card.check(text).picked


def choice_letter(card: Card, text: str) -> str:
    picked = chosen(card, text)
    return LETTERS[picked] if picked is not None else ""


def _misconception(card: Card, wrong: Sequence[AnswerRow]) -> Misconception | None:
    if not wrong:
        return None
    if card.options:
        picks = Counter(p for a in wrong if (p := chosen(card, a.text)) is not None)
        if not picks:
            return None
        index, count = picks.most_common(1)[0]
        feedback = card.feedback[index] if index < len(card.feedback) else None
        return Misconception(f"{LETTERS[index]}) {card.options[index]}", count, feedback)
    typed = Counter(normalize(a.text) for a in wrong if normalize(a.text))
    if not typed:
        return None
    answer, count = typed.most_common(1)[0]
    shown = next(a.text.strip() for a in wrong if normalize(a.text) == answer)
    return Misconception(shown, count, None)


def build(
    cards: Sequence[Card], answers: Sequence[AnswerRow], scores: Sequence[ScoreRow], asked: int
) -> SessionReport:
    """The report of a session whose first `asked` questions were put to the class."""
    by_question: dict[int, list[AnswerRow]] = {}
    for answer in answers:
        by_question.setdefault(answer.question, []).append(answer)
    questions = []
    for index, card in enumerate(cards[:asked]):
        given = by_question.get(index, [])
        times = [a.latency_ms / 1000 for a in given]
        questions.append(
            QuestionReport(
                number=index + 1,
                prompt=card.prompt,
                answered=len(given),
                right=sum(a.correct for a in given),
                median_seconds=statistics.median(times) if times else None,
                misconception=_misconception(card, [a for a in given if not a.correct]),
            )
        )
    answered = [q for q in questions if q.answered]
    hardest = sorted(answered, key=lambda q: (q.share_right, q.number))[:HARDEST]
    needs_help = sorted(
        (s.display_name for s in scores if asked and s.correct / asked < NEEDS_HELP),
        key=str.casefold,
    )
    return SessionReport(questions, hardest, [s.correct for s in scores], needs_help, asked)
