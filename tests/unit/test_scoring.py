"""Scoring modes and the streak bonus."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.core.quiz.scoring import BASE_POINTS, STREAK_CAP, points, streak_bonus


def test_speed_falls_from_full_to_half_at_the_deadline() -> None:
    assert points("speed", 0, 20_000, 1) == BASE_POINTS
    assert points("speed", 10_000, 20_000, 1) == 750
    assert points("speed", 20_000, 20_000, 1) == 500
    assert points("speed", 25_000, 20_000, 1) == 500, "late by a hair still earns the floor"


def test_flat_and_first_score_the_same_whatever_the_time() -> None:
    assert points("flat", 0, 20_000, 1) == points("flat", 19_000, 20_000, 1) == BASE_POINTS
    assert points("first", 19_000, 20_000, 1) == BASE_POINTS


def test_streak_bonus_grows_then_caps() -> None:
    assert [streak_bonus(n) for n in range(1, 9)] == [0, 100, 200, 300, 400, 500, 500, 500]
    assert points("flat", 0, 1, 3) == BASE_POINTS + 200


@given(st.integers(0, 10**6), st.integers(1, 10**6), st.integers(0, 100))
def test_points_stay_within_bounds(latency: int, window: int, streak: int) -> None:
    earned = points("speed", latency, window, streak)
    assert BASE_POINTS // 2 <= earned <= BASE_POINTS + STREAK_CAP


@given(st.integers(0, 10**5), st.integers(0, 10**5))
def test_a_faster_answer_never_earns_less(a: int, b: int) -> None:
    fast, slow = sorted((a, b))
    assert points("speed", fast, 10**5, 1) >= points("speed", slow, 10**5, 1)
