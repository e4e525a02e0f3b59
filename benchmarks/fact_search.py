"""How well /fact search answers questions in a student's own words.

    python -m benchmarks.fact_search [--devset benchmarks/search_devset.yaml] [--sweep]

On the development set (paraphrased questions, each with what answers it: facts, and events,
terms or quotes under `also`): recall@1 and recall@3 of facts alone (words as typed, then stems
and the course's vocabulary), and of the whole course searched together (every kind); the same on
the held-out questions, which are never used for tuning; the share of questions answered with
confidence and rightly, and of invented questions (the course has no answer) answered with
confidence; the latency of a lookup, at the shipped course and at --synthetic facts.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from bot.core.content import course_search
from bot.core.content.catalog import Catalog
from bot.core.content.course_search import CourseSearch, Entry
from bot.core.content.search import Hit
from bot.core.course.library import ContentLibrary

ROOT = Path(__file__).resolve().parent.parent
Search = Callable[[str, int], list[Hit[Entry]]]


def answers(entry: dict[str, Any]) -> set[str]:
    """The keys of every entry that answers a dev-set question."""
    return {f"fact:{i}" for i in entry.get("facts") or []} | set(entry.get("also") or [])


def recall(search: Search, questions: list[dict[str, Any]]) -> tuple[float, float]:
    at1 = at3 = 0
    for entry in questions:
        wanted = answers(entry)
        found = [h.item.key for h in search(str(entry["q"]), 3)]
        at1 += bool(found[:1] and found[0] in wanted)
        at3 += bool(wanted & set(found))
    return at1 / len(questions), at3 / len(questions)


def confident(course: CourseSearch, questions: list[str]) -> float:
    """The share of `questions` (invented ones) answered with confidence."""
    return sum(course.confident(q, course.search(q, 3)) for q in questions) / len(questions)


def related(course: CourseSearch, questions: list[str]) -> float:
    hits = [course.search(q, 1) for q in questions]
    return sum(bool(h and h[0].score >= course_search.RELATED_SCORE) for h in hits) / len(hits)


def confident_right(course: CourseSearch, questions: list[dict[str, Any]]) -> tuple[float, float]:
    """The shares of `questions` answered with confidence, rightly and wrongly."""
    right = wrong = 0
    for entry in questions:
        hits = course.search(str(entry["q"]), 3)
        if course.confident(str(entry["q"]), hits):
            right += hits[0].item.key in answers(entry)
            wrong += hits[0].item.key not in answers(entry)
    return right / len(questions), wrong / len(questions)


def latency_ms(search: Search, questions: list[str], rounds: int = 5) -> tuple[float, float]:
    times = []
    for _ in range(rounds):
        for q in questions:
            started = time.perf_counter()
            search(q, 3)
            times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.99) - 1]


def searches(catalog: Catalog) -> dict[str, Search]:
    course = catalog.course
    return {
        "facts, words as typed": lambda q, n: course.search_as_typed(q, n, kinds=("fact",)),
        "facts, stems + vocabulary": lambda q, n: course.search(q, n, kinds=("fact",)),
        "whole course (every kind)": lambda q, n: course.search(q, n),
    }


def main(args: argparse.Namespace) -> None:
    started = time.perf_counter()
    library = ContentLibrary([ROOT / "content"], root=ROOT, quiz_paths=[ROOT / "quizzes"])
    loaded = time.perf_counter() - started
    catalog = library.catalog
    data = yaml.safe_load(Path(args.devset).read_text(encoding="utf-8"))
    questions, heldout, invented = data["questions"], data.get("heldout", []), data["invented"]
    print(f"development set: {len(questions)} questions, {len(heldout)} held out, "
          f"{len(invented)} invented; {len(catalog.course)} entries "
          f"({len(catalog.facts)} facts); content loaded in {loaded:.2f} s")  # fmt: skip
    fact_only = [q for q in heldout if q.get("facts")]
    for name, search in searches(catalog).items():
        whole = name.startswith("whole")
        r1, r3 = recall(search, questions)
        h1, h3 = recall(search, heldout if whole else fact_only)
        print(f"  {name:27} recall@1 {r1:6.1%}  recall@3 {r3:6.1%}   held out: "
              f"recall@1 {h1:6.1%}  recall@3 {h3:6.1%}")  # fmt: skip
    course = catalog.course
    print(
        f"confident: score >= {course_search.CONFIDENT_SCORE}, ahead of the next by "
        f">= {course_search.CONFIDENT_MARGIN}, and the kind of answer asked for; related: "
        f"score >= {course_search.RELATED_SCORE}"
    )
    report(course, questions, heldout, invented)
    if args.sweep:
        for score in range(60, 82, 2):
            for margin in (0, 2, 5, 8):
                course_search.CONFIDENT_SCORE, course_search.CONFIDENT_MARGIN = score, margin
                print(f"    score {score}, margin {margin}: ", end="")
                report(course, questions, heldout, invented)
    search = searches(catalog)["whole course (every kind)"]
    asked = [str(q["q"]) for q in [*questions, *heldout]] + list(invented)
    p50, p99 = latency_ms(search, asked)
    print(f"lookup latency at the shipped course: p50 {p50:.2f} ms, p99 {p99:.2f} ms")
    if args.synthetic:
        big, built = synthetic(catalog, args.synthetic)
        p50, p99 = latency_ms(searches(big)["whole course (every kind)"], asked, rounds=1)
        print(
            f"at {args.synthetic:,} synthetic facts: indexes built in {built:.1f} s; lookup p50 "
            f"{p50:.2f} ms, p99 {p99:.2f} ms"
        )


def report(
    course: CourseSearch, questions: list[Any], heldout: list[Any], invented: list[str]
) -> None:
    right, wrong = confident_right(course, questions)
    held_right, held_wrong = confident_right(course, heldout)
    print(
        f"answered with confidence: rightly {right:.1%}, wrongly {wrong:.1%} (held out "
        f"{held_right:.1%}, {held_wrong:.1%}); invented answered with confidence "
        f"{confident(course, invented):.1%}, shown as related {related(course, invented):.1%}"
    )


def synthetic(catalog: Catalog, count: int) -> tuple[Catalog, float]:
    """A catalog of `count` facts made of the course's own sentences, reshuffled: the same
    vocabulary and lengths, many more documents."""
    rng = random.Random(7)
    real = list(catalog.facts.values())
    words = [w for fact in real for w in fact.text.split()]
    facts = dict(catalog.facts)
    for n in range(count - len(real)):
        model = real[n % len(real)]
        text = " ".join(rng.choice(words) for _ in range(len(model.text.split())))
        facts[f"synthetic-{n}"] = model.model_copy(update={"id": f"synthetic-{n}", "text": text})
    started = time.perf_counter()
    big = Catalog(
        sources=catalog.sources, topics=catalog.topics, people=catalog.people,
        quotes=catalog.quotes, facts=facts, terms=catalog.terms, events=catalog.events,
    )  # fmt: skip
    return big, time.perf_counter() - started


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--devset", default=str(ROOT / "benchmarks" / "search_devset.yaml"))
    parser.add_argument("--sweep", action="store_true", help="print the thresholds' trade-off")
    parser.add_argument("--synthetic", type=int, default=100_000, help="0 to skip")
    main(parser.parse_args())
