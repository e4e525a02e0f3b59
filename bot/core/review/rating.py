"""How an answer rates a student's memory of a question (FSRS's four grades).

- wrong, or skipped -> Again
- right after skipping it first, or after more than two thirds of the time -> Hard
- right within the first third of the time -> Easy
- right otherwise -> Good

"The time" is the question's time: the session's in a class quiz, the quiz's default time per
question in practice and review, which have no timer. Without a measured time a right answer
is Good.
"""

from __future__ import annotations

from datetime import timedelta

from fsrs import Rating


def rate(
    correct: bool,
    elapsed: timedelta | None,
    allowed: timedelta,
    *,
    skipped_first: bool = False,
) -> Rating:
    if not correct:
        return Rating.Again
    if skipped_first:
        return Rating.Hard
    if elapsed is None or allowed <= timedelta(0):
        return Rating.Good
    if elapsed > allowed * 2 / 3:
        return Rating.Hard
    if elapsed <= allowed / 3:
        return Rating.Easy
    return Rating.Good
