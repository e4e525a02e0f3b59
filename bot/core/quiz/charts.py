"""The report's chart as a PNG: the share of the class right on each question, and how many
students got how many right. matplotlib (Agg, no screen) is imported only when a chart is
drawn, so that starting the bot stays fast."""

from __future__ import annotations

import io
from collections import Counter

from bot.core.quiz.report import SessionReport

MAX_BYTES = 8 * 1024 * 1024  # under Discord's 10 MB for bots without boosts, and Slack's limits
_DPI = (100, 72, 50)  # tried in turn until the PNG fits


def report_chart(report: SessionReport, title: str) -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    for dpi in _DPI:
        figure, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2), width_ratios=(3, 2))
        try:
            numbers = [f"Q{q.number}" for q in report.questions]
            shares = [round(100 * q.share_right) for q in report.questions]
            bars = left.bar(numbers, shares, color="#3b7dd8")
            left.bar_label(bars, labels=[f"{s}%" for s in shares], fontsize=8)
            left.set_ylim(0, 110)
            left.set_ylabel("students right (%)")
            left.set_title("Right answers per question")
            counts = Counter(report.scores)
            right_counts = list(range(report.asked + 1))
            right.bar(right_counts, [counts.get(n, 0) for n in right_counts], color="#e07b39")
            right.set_xlabel(f"questions right (of {report.asked})")
            right.set_ylabel("students")
            right.set_title("Scores")
            right.yaxis.get_major_locator().set_params(integer=True)
            figure.suptitle(title)
            figure.tight_layout()
            buffer = io.BytesIO()
            figure.savefig(buffer, format="png", dpi=dpi)
        finally:
            plt.close(figure)
        if buffer.tell() <= MAX_BYTES:
            return buffer.getvalue()
    raise ValueError("the chart does not fit the platforms' upload limit")
