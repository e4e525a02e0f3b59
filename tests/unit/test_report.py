"""The teacher's report of a class quiz: every figure on a hand-built session, the text that
carries them, and the chart read back from its PNG."""

from __future__ import annotations

import io
import subprocess
import sys
from datetime import timedelta

import numpy as np
from PIL import Image

from bot.core.commands.class_quiz import class_progress_text, report_text
from bot.core.quiz.charts import MAX_BYTES, progress_chart, report_chart
from bot.core.quiz.class_progress import Played, trends
from bot.core.quiz.deck import Card
from bot.core.quiz.records import AnswerRow, ScoreRow
from bot.core.quiz.report import build, choice_letter
from tests.conftest import NOON

CAPITAL = Card(
    key="capital", kind="choice", prompt="Where was the NRC founded?", explanation="",
    citations=(), difficulty="easy", options=("Rome", "Paris", "Moscow"), correct=0,
    feedback=(None, "Paris saw the Founding Act in 1997.", None),
)  # fmt: skip
YEAR = Card(
    key="year", kind="truefalse", prompt="The NRC was founded in 2002.", explanation="",
    citations=(), difficulty="easy", options=("True", "False"), correct=0,
)  # fmt: skip
WHO = Card(
    key="who", kind="short", prompt="Who proposed the NRC?", explanation="", citations=(),
    difficulty="medium", answers=("Tony Blair", "Blair"),
)  # fmt: skip
STUDENTS = {"ann": "Ann", "bob": "Bob", "cy": "Cy", "dee": "Dee"}
# (question, student, typed, correct, seconds)
GIVEN = [
    (0, "ann", "A", True, 4), (0, "bob", "B", False, 9), (0, "cy", "B", False, 12),
    (0, "dee", "C", False, 6),
    (1, "ann", "A", True, 3), (1, "bob", "A", True, 5), (1, "cy", "B", False, 7),
    (2, "ann", "Blair", True, 10), (2, "bob", "Putin", False, 20), (2, "dee", "putin", False, 8),
]  # fmt: skip


def _answers() -> list[AnswerRow]:
    return [
        AnswerRow(q, who, STUDENTS[who], typed, ok, 100 if ok else 0, seconds * 1000,
                  NOON + timedelta(seconds=seconds))
        for q, who, typed, ok, seconds in GIVEN
    ]  # fmt: skip


def _scores() -> list[ScoreRow]:
    right = {w: sum(ok for _, who, _, ok, _ in GIVEN if who == w) for w in STUDENTS}
    answered = {w: sum(who == w for _, who, _, _, _ in GIVEN) for w in STUDENTS}
    return [ScoreRow(w, STUDENTS[w], 100 * right[w], right[w], answered[w]) for w in STUDENTS]


def test_every_figure_of_the_report_on_a_hand_built_session() -> None:
    report = build([CAPITAL, YEAR, WHO], _answers(), _scores(), asked=3)
    first, second, third = report.questions
    assert (first.answered, first.right, first.median_seconds) == (4, 1, 7.5)
    assert first.share_right == 0.25
    assert first.misconception is not None
    assert (first.misconception.answer, first.misconception.count) == ("B) Paris", 2)
    assert first.misconception.feedback == "Paris saw the Founding Act in 1997."
    assert (second.answered, second.right, second.median_seconds) == (3, 2, 5.0)
    assert second.misconception is not None and second.misconception.answer == "B) False"
    assert second.misconception.feedback is None
    assert (third.answered, third.right, third.median_seconds) == (3, 1, 10.0)
    assert third.misconception is not None
    assert (third.misconception.answer, third.misconception.count) == ("Putin", 2)
    assert [q.number for q in report.hardest] == [1, 3, 2]
    assert sorted(report.scores) == [0, 0, 1, 3]
    assert report.needs_help == ["Bob", "Cy", "Dee"], "under half of 3: 0 or 1 right"
    assert choice_letter(CAPITAL, "b") == "B" and choice_letter(WHO, "Blair") == ""


def test_the_text_carries_every_figure_of_the_chart() -> None:
    report = build([CAPITAL, YEAR, WHO], _answers(), _scores(), asked=3)
    text = report_text(report, "#7 “NRC” (2026-11-22)")
    lines = text.splitlines()
    assert lines[0] == "Report of #7 “NRC” (2026-11-22): 4 students, 3 questions."
    assert lines[1] == "Q1: 25% right (1 of 4; median 7.5 s). Where was the NRC founded?"
    assert lines[2] == (
        "   Most chosen wrong answer: B) Paris (2). Its feedback: “Paris saw the Founding Act "
        "in 1997.”"
    )
    assert "Q2: 67% right (2 of 3; median 5.0 s)." in text
    assert "Q3: 33% right (1 of 3; median 10.0 s)." in text
    assert "Most chosen wrong answer: Putin (2)." in text
    assert "Hardest: Q1 (25%), Q3 (33%), Q2 (67%)." in text
    assert "Scores (students per number right): 3 right: 1; 1 right: 1; 0 right: 2." in text
    assert lines[-1] == "Under half right: Bob, Cy, Dee."


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """Runs of True in a 1-D mask, as (start, end)."""
    runs, start = [], None
    for index, value in enumerate([*mask.tolist(), False]):
        if value and start is None:
            start = index
        elif not value and start is not None:
            runs.append((start, index))
            start = None
    return runs


def test_the_chart_is_a_png_with_a_bar_per_question_as_tall_as_its_share() -> None:
    report = build([CAPITAL, YEAR, WHO], _answers(), _scores(), asked=3)
    png = report_chart(report, "#7 NRC")
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) < MAX_BYTES
    image = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)
    blue = np.abs(image - np.array([0x3B, 0x7D, 0xD8])).sum(axis=2) < 30
    columns = blue.any(axis=0)
    bars = _runs(columns)
    assert len(bars) == 3, bars
    heights = [int(blue[:, (a + b) // 2].sum()) for a, b in bars]
    shares = [q.share_right for q in report.questions]
    assert heights[0] < heights[2] < heights[1]
    assert abs(heights[1] / heights[0] - shares[1] / shares[0]) < 0.1
    orange = np.abs(image - np.array([0xE0, 0x7B, 0x39])).sum(axis=2) < 30
    assert len(_runs(orange.any(axis=0))) == 3, "scores 0, 1 and 3: three bars"


def test_the_class_progress_by_topic_and_its_trend() -> None:
    day = timedelta(days=1)
    played = [
        Played(2, NOON + day, [("nrc", True), ("nrc", True), ("isaf", False), ("isaf", True)]),
        Played(1, NOON, [("nrc", False), ("nrc", True), ("isaf", True), ("isaf", True)]),
        Played(3, NOON + 2 * day, [("isaf", False), ("isaf", False)]),
    ]
    isaf, nrc = trends(played)  # the weakest first
    assert (isaf.topic, isaf.answered, isaf.right) == ("isaf", 6, 3)
    assert isaf.by_session == [(1, 1.0), (2, 0.5), (3, 0.0)] and isaf.trend == "falling"
    assert (nrc.topic, nrc.answered, nrc.right, nrc.trend) == ("nrc", 4, 3, "rising")
    assert nrc.by_session == [(1, 0.5), (2, 1.0)]
    names: dict[str | None, str] = {"isaf": "ISAF", "nrc": "The NRC"}
    text = class_progress_text([isaf, nrc], names, {"nrc": (1, 6)}, 3, "the last month")
    assert text.splitlines() == [
        "Class progress over the last month: 3 sessions.",
        "• ISAF: 50% right (3 of 6 answers); by session 100% → 50% → 0% (falling).",
        "• The NRC: 75% right (3 of 4 answers); by session 50% → 100% (rising); 1 of 6 "
        "questions due for review in the students' memory.",
        "Due for revision: ISAF.",
    ]
    png = progress_chart([isaf, nrc], names, "Class progress")
    image = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))
    assert png.startswith(b"\x89PNG") and image.shape[1] > 500


def test_matplotlib_is_imported_only_to_draw_a_chart() -> None:
    code = (
        "import sys, bot.bootstrap, bot.adapters.console\n"
        "assert 'matplotlib' not in sys.modules, 'imported at start-up'\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
