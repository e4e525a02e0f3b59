"""Points for a correct answer, by scoring mode, plus a capped bonus for a streak.

- speed: full points for an instant answer, falling linearly to half at the deadline (Kahoot).
- first: only the first correct answer of a question scores (the store decides who was first).
- flat: every correct answer scores the same.
"""

from __future__ import annotations

from typing import get_args

from bot.core.quiz.models import Scoring

SCORING_MODES: tuple[str, ...] = get_args(Scoring)
BASE_POINTS = 1000
STREAK_STEP = 100  # per correct answer in a row after the first
STREAK_CAP = 500


def streak_bonus(streak: int) -> int:
    """Bonus for the `streak`-th correct answer in a row (1 = no bonus yet)."""
    return min(max(streak - 1, 0) * STREAK_STEP, STREAK_CAP)


def points(mode: Scoring, latency_ms: int, window_ms: int, streak: int) -> int:
    """What a correct answer earns, `latency_ms` after the question opened, in a question open
    for `window_ms`; `streak` counts this answer."""
    base = BASE_POINTS
    if mode == "speed":
        share = min(max(latency_ms / window_ms, 0.0), 1.0) if window_ms > 0 else 1.0
        base = round(BASE_POINTS * (1 - share / 2))
    return base + streak_bonus(streak)
