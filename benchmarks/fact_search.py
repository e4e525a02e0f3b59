"""How well /fact search answers questions in a student's own words.

    python -m benchmarks.fact_search [--devset benchmarks/search_devset.yaml]

On the development set (paraphrased questions, each with the facts that answer it): recall@1 and
recall@3 of the plain index (words as typed) and of the meaning index (stems and the course's
vocabulary); the share of questions /fact search would answer with confidence, and of invented
questions (the course has no answer) it would answer with confidence; the latency of a lookup.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import yaml

from bot.core.commands.browse import CONFIDENT_SCORE, RELATED_SCORE
from bot.core.content.catalog import Catalog
from bot.core.content.models import Fact
from bot.core.content.search import Hit
from bot.core.course.library import ContentLibrary

ROOT = Path(__file__).resolve().parent.parent
Search = Callable[[str, int], list[Hit[Fact]]]


def recall(search: Search, questions: list[dict[str, object]]) -> tuple[float, float]:
    at1 = at3 = 0
    for entry in questions:
        wanted = set(entry["facts"])  # type: ignore[call-overload]
        found = [h.item.id for h in search(str(entry["q"]), 3)]
        at1 += bool(found[:1] and found[0] in wanted)
        at3 += bool(wanted & set(found))
    return at1 / len(questions), at3 / len(questions)


def confident(search: Search, questions: list[str], threshold: float) -> float:
    hits = [search(q, 1) for q in questions]
    return sum(bool(h and h[0].score >= threshold) for h in hits) / len(questions)


def confident_right(search: Search, questions: list[dict[str, object]], threshold: float) -> float:
    right = 0
    for entry in questions:
        hits = search(str(entry["q"]), 1)
        right += bool(hits and hits[0].score >= threshold and hits[0].item.id in entry["facts"])  # type: ignore[operator]
    return right / len(questions)


def latency_ms(search: Search, questions: list[str], rounds: int = 5) -> tuple[float, float]:
    times = []
    for _ in range(rounds):
        for q in questions:
            started = time.perf_counter()
            search(q, 3)
            times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.99) - 1]


def main(args: argparse.Namespace) -> None:
    started = time.perf_counter()
    library = ContentLibrary([ROOT / "content"], root=ROOT, quiz_paths=[ROOT / "quizzes"])
    loaded = time.perf_counter() - started
    catalog = library.catalog
    data = yaml.safe_load(Path(args.devset).read_text(encoding="utf-8"))
    questions, invented = data["questions"], data["invented"]
    print(f"development set: {len(questions)} questions, {len(invented)} invented; "
          f"{len(catalog.facts)} facts; content loaded in {loaded:.2f} s")  # fmt: skip
    searches: dict[str, Search] = {
        "words as typed": catalog.search_facts,
        "stems + course vocabulary": catalog.search_facts_by_meaning,
    }
    for name, search in searches.items():
        r1, r3 = recall(search, questions)
        print(f"  {name:27} recall@1 {r1:6.1%}  recall@3 {r3:6.1%}")
    meaning = catalog.search_facts_by_meaning
    print(f"thresholds: confident >= {CONFIDENT_SCORE}, related >= {RELATED_SCORE}")
    right = confident_right(meaning, questions, CONFIDENT_SCORE)
    print(
        f"  answered with confidence and right: {right:.1%} of questions; invented answered "
        f"with confidence: {confident(meaning, invented, CONFIDENT_SCORE):.1%}; invented shown "
        f"as related: {confident(meaning, invented, RELATED_SCORE):.1%}"
    )
    if args.sweep:
        for threshold in range(40, 85, 2):
            right = confident_right(meaning, questions, threshold)
            wrong = confident(meaning, invented, threshold)
            print(f"    {threshold}: right-confident {right:.1%}, invented-confident {wrong:.1%}")
    asked = [str(q["q"]) for q in questions] + list(invented)
    p50, p99 = latency_ms(meaning, asked)
    print(f"lookup latency at the shipped course: p50 {p50:.2f} ms, p99 {p99:.2f} ms")
    if args.synthetic:
        big, built = synthetic(catalog, args.synthetic)
        p50, p99 = latency_ms(big.search_facts_by_meaning, asked, rounds=1)
        print(
            f"at {args.synthetic:,} synthetic facts: indexes built in {built:.1f} s; lookup p50 "
            f"{p50:.2f} ms, p99 {p99:.2f} ms"
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
