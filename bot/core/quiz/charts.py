"""The report's chart as a PNG: the share of the class right on each question, and how many
students got how many right. matplotlib (Agg, no screen) is imported only when a chart is
drawn, so that starting the bot stays fast; a chart is drawn on a worker thread (a few hundred
milliseconds), never on the event loop."""

from __future__ import annotations

import io
from collections import Counter
from typing import Any

from bot.core.quiz.class_progress import TopicTrend
from bot.core.quiz.report import SessionReport

MAX_BYTES = 8 * 1024 * 1024  # under Discord's 10 MB for bots without boosts, and Slack's limits
_DPI = (100, 72, 50)  # tried in turn until the PNG fits


def _figure(width: float, height: float) -> Any:
    """A figure of its own, drawn by Agg: no pyplot state, so charts can be drawn on worker
    threads, two at a time if need be."""
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height))


def _png(figure: Any, dpi: int) -> bytes | None:
    """The figure as a PNG if it fits the upload limit at `dpi`."""
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue() if buffer.tell() <= MAX_BYTES else None


def progress_chart(topics: list[TopicTrend], names: dict[str | None, str], title: str) -> bytes:
    """One line per topic: the share of the class right in each session, oldest first."""
    sessions = sorted({s for t in topics for s, _ in t.by_session})
    place = {session: n for n, session in enumerate(sessions)}
    for dpi in _DPI:
        figure = _figure(10, 4.5)
        axes = figure.subplots()
        for topic in topics:
            xs = [place[s] for s, _ in topic.by_session]
            ys = [round(100 * share) for _, share in topic.by_session]
            axes.plot(xs, ys, marker="o", label=names.get(topic.topic, "Other"))
        axes.set_xticks(range(len(sessions)), [f"#{s}" for s in sessions])
        axes.set_ylim(0, 105)
        axes.set_xlabel("session")
        axes.set_ylabel("class right (%)")
        axes.legend(fontsize=8, loc="lower left")
        figure.suptitle(title)
        png = _png(figure, dpi)
        if png is not None:
            return png
    raise ValueError("the chart does not fit the platforms' upload limit")


def report_chart(report: SessionReport, title: str) -> bytes:
    """The share right per question (bars), and the number of students per score."""
    numbers = [f"Q{q.number}" for q in report.questions]
    shares = [round(100 * q.share_right) for q in report.questions]
    counts = Counter(report.scores)
    right_counts = list(range(report.asked + 1))
    for dpi in _DPI:
        figure = _figure(11, 4.2)
        left, right = figure.subplots(1, 2, width_ratios=(3, 2))
        bars = left.bar(numbers, shares, color="#3b7dd8")
        left.bar_label(bars, labels=[f"{s}%" for s in shares], fontsize=8)
        left.set_ylim(0, 110)
        left.set_ylabel("students right (%)")
        left.set_title("Right answers per question")
        right.bar(right_counts, [counts.get(n, 0) for n in right_counts], color="#e07b39")
        right.set_xlabel(f"questions right (of {report.asked})")
        right.set_ylabel("students")
        right.set_title("Scores")
        right.yaxis.get_major_locator().set_params(integer=True)
        figure.suptitle(title)
        png = _png(figure, dpi)
        if png is not None:
            return png
    raise ValueError("the chart does not fit the platforms' upload limit")
