"""How long the teacher's report takes for a 40-student session, chart included.

    python -m benchmarks.report_chart [--students 40] [--questions 10] [--rounds 20]

Prints: the first chart in a fresh process (matplotlib's import included, what the first
/quiz report after a start pays), then the median and worst of later ones; the report's figures
alone; the PNG's size against the upload limit.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from datetime import UTC, datetime, timedelta

from bot.core.quiz.deck import Card
from bot.core.quiz.records import AnswerRow, ScoreRow
from bot.core.quiz.report import build

START = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def session(
    students: int, questions: int, rng: random.Random
) -> tuple[list[Card], list[AnswerRow], list[ScoreRow]]:
    cards = [
        Card(key=f"q{n}", kind="choice", prompt=f"Question {n + 1}?", explanation="",
             citations=(), difficulty="medium", options=("A one", "B two", "C three", "D four"),
             correct=n % 4, feedback=("a", "b", "c", "d"))
        for n in range(questions)
    ]  # fmt: skip
    answers, right = [], dict.fromkeys(range(students), 0)
    for n, card in enumerate(cards):
        for s in range(students):
            picked = card.correct if rng.random() < 0.3 + 0.6 * (s / students) else rng.randrange(4)
            ok = picked == card.correct
            right[s] += ok
            answers.append(AnswerRow(n, f"s{s}", f"Student {s}", "ABCD"[picked], ok,
                                     100 * ok, rng.randrange(1000, 30000),
                                     START + timedelta(minutes=n)))  # fmt: skip
    scores = [ScoreRow(f"s{s}", f"Student {s}", 100 * r, r, questions) for s, r in right.items()]
    return cards, answers, scores


def main(args: argparse.Namespace) -> None:
    rng = random.Random(3)
    cards, answers, scores = session(args.students, args.questions, rng)
    started = time.perf_counter()
    report = build(cards, answers, scores, asked=args.questions)
    figures_ms = (time.perf_counter() - started) * 1000
    started = time.perf_counter()
    from bot.core.quiz.charts import MAX_BYTES, report_chart

    png = report_chart(report, "#1 Benchmark")
    first = time.perf_counter() - started
    times = []
    for _ in range(args.rounds):
        started = time.perf_counter()
        report_chart(report, "#1 Benchmark")
        times.append(time.perf_counter() - started)
    print(f"{args.students} students x {args.questions} questions: the report's figures in "
          f"{figures_ms:.1f} ms")  # fmt: skip
    print(f"first chart (matplotlib imported): {first * 1000:.0f} ms")
    print(f"later charts: median {statistics.median(times) * 1000:.0f} ms, worst "
          f"{max(times) * 1000:.0f} ms over {args.rounds}")  # fmt: skip
    print(f"PNG {len(png) / 1024:.0f} KiB (limit {MAX_BYTES / 1024 / 1024:.0f} MiB)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--students", type=int, default=40)
    parser.add_argument("--questions", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=20)
    main(parser.parse_args())
