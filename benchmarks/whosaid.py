"""Benchmark of the quote search behind "who said ...": speed, accuracy and memory at scale.

Run from the repository root:

    .venv/bin/python benchmarks/whosaid.py [--sizes 1000,10000,100000] [--queries 300]
        [--baseline-queries 100] [--baseline-budget 60] [--seed 7] [--json results.json]

For each size it generates deterministic synthetic content (pronounceable pseudo-words drawn
with a Zipf-like distribution, headed by common English function words; ~300 speakers; quotes
of 8-40 words), writes it as YAML content files in a temporary folder and loads it with
`load_catalog` (the "load time", which includes building the catalog's indexes). It then times
building `SearchIndex` over the quotes on its own, measures the memory that takes with
tracemalloc, and searches for typo'd fragments of random quotes: 4-8 consecutive words with
character typos, a dropped word, two swapped words, case changes and accents.

Our search is compared with a naive baseline, difflib's SequenceMatcher ratio of the folded
fragment against every folded quote, on the first `--baseline-queries` queries. From 100k quotes
up (`BUDGETED_SIZE`) it runs fewer, so that the baseline takes about `--baseline-budget` seconds
(15 s or so a query there). This is a benchmark, not a test: it prints figures and whether the
aims are met, and exits 0 either way.
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import os
import random
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any

import numpy as np

from bot.core.content.loader import load_catalog
from bot.core.content.models import Quote
from bot.core.content.search import SearchIndex
from bot.core.text import STOPWORDS, fold

DEFAULT_SIZES = (1_000, 10_000, 100_000)
VOCABULARY_SIZE = 20_000
SPEAKERS = 300
SOURCES = 5
SECTIONS = 12
MAX_QUOTES_PER_FILE = 5_000
WARMUP_QUERIES = 10
LIMIT = 3
BUDGETED_SIZE = 100_000  # from this size up, the baseline runs only what fits its time budget
MIN_BASELINE_QUERIES = 5


def _split(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# The most common words of real quotes; most are stopwords, which the index ignores.
FUNCTION_WORDS = _split(
    "the of and to in a is that for it as with was on we be by this not are our but will all have"
)
ONSETS = (
    *_split("b c d f g h j k l m n p r s t v w z br ch dr gr kl pr sh st tr zh sk pl"),
    "",
    "",
)
VOWELS = _split("a e i o u a e i o ai ou ei ia")
CODAS = ["", "", "", "", "n", "r", "s", "l", "k", "m", "t"]
ACCENTS = {"a": "á", "e": "é", "i": "í", "o": "ö", "u": "ü", "n": "ñ", "c": "ç"}
LETTERS = "abcdefghijklmnopqrstuvwxyz"

Rng = random.Random


# --- Synthetic content -------------------------------------------------------------------------


def pseudo_word(rng: Rng) -> str:
    syllables = rng.choices((1, 2, 3, 4), weights=(2, 5, 4, 1))[0]
    parts = [rng.choice(ONSETS) + rng.choice(VOWELS) + rng.choice(CODAS) for _ in range(syllables)]
    return "".join(parts)


def make_vocabulary(rng: Rng, size: int = VOCABULARY_SIZE) -> list[str]:
    """Function words first, then pseudo-words, shorter ones tending to rank as more common."""
    seen: set[str] = set(FUNCTION_WORDS) | STOPWORDS
    words: list[str] = []
    while len(words) < size - len(FUNCTION_WORDS):
        word = pseudo_word(rng)
        if len(word) >= 2 and word not in seen:
            seen.add(word)
            words.append(word)
    words.sort(key=lambda w: len(w) + rng.random() * 4)
    return [*FUNCTION_WORDS, *words]


def zipf_sampler(rng: Rng, vocabulary: Sequence[str]) -> Callable[[int], list[str]]:
    """Draws `k` words with probability ~ 1 / (rank + 2.7) (Zipf-Mandelbrot)."""
    weights = [1.0 / (rank + 2.7) for rank in range(len(vocabulary))]
    cumulative = list(np.cumsum(weights))
    return lambda k: rng.choices(vocabulary, cum_weights=cumulative, k=k)


def quote_text(rng: Rng, draw: Callable[[int], list[str]]) -> str:
    words = draw(rng.randint(8, 40))
    for i in range(len(words) - 1):
        if rng.random() < 0.06:
            words[i] += ","
    words[0] = words[0].capitalize()
    return " ".join(words) + rng.choices((".", "?", "!"), weights=(8, 1, 1))[0]


def sources_yaml() -> str:
    lines = ["sources:"]
    for s in range(1, SOURCES + 1):
        lines += [
            f"  - id: src-{s}",
            f"    title: Synthetic source {s}",
            "    authors: [Bench Mark]",
            "    year: 2020",
            "    kind: report",
            "    sections:",
            *(f'      - {{id: "{n}", title: Section {n}}}' for n in range(1, SECTIONS + 1)),
        ]
    return "\n".join(lines) + "\n"


def make_people(rng: Rng, vocabulary: Sequence[str]) -> list[tuple[str, str]]:
    """(id, name) of SPEAKERS synthetic people."""
    tail = vocabulary[len(vocabulary) // 2 :]
    people = []
    for i in range(SPEAKERS):
        first, last = rng.choice(tail), rng.choice(tail)
        people.append((f"p{i:03d}-{first}-{last}", f"{first.capitalize()} {last.capitalize()}"))
    return people


def people_yaml(people: Sequence[tuple[str, str]]) -> str:
    lines = ["people:"]
    lines += [f"  - {{id: {pid}, name: {name}, role: Speaker}}" for pid, name in people]
    return "\n".join(lines) + "\n"


def quote_line(rng: Rng, index: int, text: str, speaker: str) -> str:
    cite = f'{{source: src-{rng.randint(1, SOURCES)}, section: "{rng.randint(1, SECTIONS)}"}}'
    return f"  - {{id: q{index:06d}, speaker: {speaker}, cite: {cite}, text: {json.dumps(text)}}}"


def write_content(folder: Path, size: int, seed: int) -> None:
    """Writes sources, people and `size` quotes (in files of at most 5k quotes) to `folder`."""
    rng = Rng(seed)
    vocabulary = make_vocabulary(rng)
    draw = zipf_sampler(rng, vocabulary)
    people = make_people(rng, vocabulary)
    (folder / "sources.yaml").write_text(sources_yaml(), encoding="utf-8")
    (folder / "people.yaml").write_text(people_yaml(people), encoding="utf-8")
    per_file = min(MAX_QUOTES_PER_FILE, max(250, math.ceil(size / 4)))
    for start in range(0, size, per_file):
        lines = ["quotes:"]
        for index in range(start, min(size, start + per_file)):
            speaker = rng.choice(people)[0]
            lines.append(quote_line(rng, index, quote_text(rng, draw), speaker))
        path = folder / f"quotes-{start // per_file:03d}.yaml"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")


# --- Noisy fragments ---------------------------------------------------------------------------


@dataclass
class Noise:
    words: int = 0  # words in the fragment, after any drop
    typo_words: int = 0
    edits: int = 0
    dropped: bool = False
    swapped: bool = False
    accent: bool = False
    case: str = "none"


@dataclass
class Fragment:
    text: str
    clean: str  # the words as they stand in the quote, before any noise
    expected: str  # the quote id
    noise: Noise = field(default_factory=Noise)


def typo(rng: Rng, word: str) -> str:
    """One insertion, deletion, substitution or transposition inside `word`."""
    kind = rng.choice(("insert", "delete", "substitute", "transpose"))
    i = rng.randrange(len(word))
    if kind == "insert":
        return word[:i] + rng.choice(LETTERS) + word[i:]
    if kind == "delete":
        return word[:i] + word[i + 1 :]
    if kind == "substitute":
        letter = rng.choice([c for c in LETTERS if c != word[i].lower()])
        return word[:i] + letter + word[i + 1 :]
    i = min(i, len(word) - 2)
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]


def add_typos(rng: Rng, words: list[str], noise: Noise) -> list[str]:
    """1-2 typos in about half of the words longer than four letters (punctuation kept aside)."""
    out = []
    for word in words:
        core = word.rstrip(",.?!")
        if len(core) > 4 and rng.random() < 0.5:
            edits = rng.choice((1, 1, 2))
            for _ in range(edits):
                core = typo(rng, core)
            noise.typo_words += 1
            noise.edits += edits
            word = core + word[len(word.rstrip(",.?!")) :]
        out.append(word)
    return out


def change_case(rng: Rng, text: str, noise: Noise) -> str:
    noise.case = rng.choice(("lower", "upper", "title", "random"))
    if noise.case == "lower":
        return text.lower()
    if noise.case == "upper":
        return text.upper()
    if noise.case == "title":
        return text.title()
    return "".join(c.swapcase() if rng.random() < 0.2 else c for c in text)


def add_accent(rng: Rng, words: list[str], noise: Noise) -> list[str]:
    choices = [i for i, w in enumerate(words) if any(c in ACCENTS for c in w)]
    if not choices:
        return words
    i = rng.choice(choices)
    j = rng.choice([k for k, c in enumerate(words[i]) if c in ACCENTS])
    words = list(words)
    words[i] = words[i][:j] + ACCENTS[words[i][j]] + words[i][j + 1 :]
    noise.accent = True
    return words


def make_fragment(rng: Rng, quote: Quote) -> Fragment:
    words = quote.text.split()
    length = min(rng.randint(4, 8), len(words))
    start = rng.randrange(len(words) - length + 1)
    picked = words[start : start + length]
    noise = Noise()
    noisy = add_typos(rng, picked, noise)
    if rng.random() < 0.3:
        del noisy[rng.randrange(len(noisy))]
        noise.dropped = True
    if rng.random() < 0.3:
        i = rng.randrange(len(noisy) - 1)
        noisy[i], noisy[i + 1] = noisy[i + 1], noisy[i]
        noise.swapped = True
    if rng.random() < 0.3:
        noisy = add_accent(rng, noisy, noise)
    text = " ".join(noisy)
    if rng.random() < 0.5:
        text = change_case(rng, text, noise)
    noise.words = len(noisy)
    return Fragment(text, " ".join(picked), quote.id, noise)


def make_fragments(quotes: Sequence[Quote], count: int, seed: str) -> list[Fragment]:
    rng = Rng(seed)
    return [make_fragment(rng, rng.choice(quotes)) for _ in range(count)]


# --- Measurements ------------------------------------------------------------------------------


def percentiles_ms(latencies_ns: Sequence[int]) -> tuple[float, float]:
    values = np.asarray(latencies_ns, dtype=np.float64) / 1e6
    return float(np.percentile(values, 50)), float(np.percentile(values, 99))


def time_ours(
    index: SearchIndex[Quote], fragments: Sequence[Fragment]
) -> tuple[list[int], list[str]]:
    """Latency (ns) and top-1 id ("" if no hit) of each search."""
    latencies, tops = [], []
    gc.collect()
    for fragment in fragments:
        start = time.perf_counter_ns()
        hits = index.search(fragment.text, limit=LIMIT)
        latencies.append(time.perf_counter_ns() - start)
        tops.append(hits[0].item.id if hits else "")
    return latencies, tops


def time_candidates(index: SearchIndex[Quote], fragments: Sequence[Fragment]) -> list[int]:
    """Latency (ns) of the candidate-generation stage alone."""
    latencies = []
    for fragment in fragments:
        start = time.perf_counter_ns()
        index.candidates(fragment.text)
        latencies.append(time.perf_counter_ns() - start)
    return latencies


def baseline_top(fragment: str, folded: Sequence[str], ids: Sequence[str]) -> str:
    """The naive way: SequenceMatcher ratio of the fragment against every quote."""
    query = fold(fragment)
    best, best_ratio = "", -1.0
    for quote_id, text in zip(ids, folded, strict=True):
        ratio = SequenceMatcher(None, query, text).ratio()
        if ratio > best_ratio:
            best, best_ratio = quote_id, ratio
    return best


def time_baseline(
    fragments: Sequence[Fragment], folded: Sequence[str], ids: Sequence[str]
) -> tuple[list[int], list[str]]:
    latencies, tops = [], []
    gc.collect()
    for fragment in fragments:
        start = time.perf_counter_ns()
        tops.append(baseline_top(fragment.text, folded, ids))
        latencies.append(time.perf_counter_ns() - start)
    return latencies, tops


def baseline_count(
    requested: int, budget_s: float, probe: Fragment, folded: Sequence[str], ids: Sequence[str]
) -> tuple[int, float]:
    """How many baseline queries to run, and the time of one probe query in seconds.

    All `requested` below BUDGETED_SIZE quotes; from there up, as many as fit in `budget_s`.
    """
    start = time.perf_counter()
    baseline_top(probe.text, folded, ids)
    per_query = time.perf_counter() - start
    if len(folded) < BUDGETED_SIZE:
        return requested, per_query
    return max(MIN_BASELINE_QUERIES, min(requested, int(budget_s / per_query))), per_query


def index_memory_mb(quotes: Sequence[Quote]) -> tuple[float, float]:
    """tracemalloc peak and retained MB while building a SearchIndex over `quotes`."""
    gc.collect()
    tracemalloc.start()
    index = SearchIndex(quotes, lambda q: q.text)
    retained, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del index
    return peak / 2**20, retained / 2**20


def timed(action: Callable[[], Any]) -> tuple[Any, float]:
    gc.collect()
    start = time.perf_counter()
    result = action()
    return result, time.perf_counter() - start


# --- Accuracy analysis -------------------------------------------------------------------------


def accuracy(fragments: Sequence[Fragment], tops: Sequence[str]) -> float:
    if not fragments:
        return float("nan")
    return sum(f.expected == t for f, t in zip(fragments, tops, strict=False)) / len(fragments)


NOISE_KINDS: dict[str, Callable[[Noise], bool]] = {
    "no typo": lambda n: n.typo_words == 0,
    "1 typo'd word": lambda n: n.typo_words == 1,
    "2+ typo'd words": lambda n: n.typo_words >= 2,
    "3+ char edits": lambda n: n.edits >= 3,
    "dropped word": lambda n: n.dropped,
    "swapped words": lambda n: n.swapped,
    "accent": lambda n: n.accent,
    "case changed": lambda n: n.case != "none",
    "3-4 words": lambda n: n.words <= 4,
    "5-8 words": lambda n: n.words >= 5,
}


def breakdown(fragments: Sequence[Fragment], tops: Sequence[str]) -> dict[str, dict[str, float]]:
    """Top-1 accuracy of the queries that have each kind of noise."""
    table = {}
    for name, has in NOISE_KINDS.items():
        chosen = [(f, t) for f, t in zip(fragments, tops, strict=True) if has(f.noise)]
        hits = sum(f.expected == t for f, t in chosen)
        table[name] = {"queries": len(chosen), "accuracy": hits / len(chosen) if chosen else 0.0}
    return table


def classify_miss(index: SearchIndex[Quote], fragment: Fragment) -> str:
    hits = index.search(fragment.text, limit=LIMIT)
    if hits and fold(fragment.clean) in fold(hits[0].item.text):
        return "ambiguous (clean fragment is also in the top hit)"
    if any(h.item.id == fragment.expected for h in hits):
        return "ranked 2nd-3rd"
    candidate_ids = {index.items[d].id for d in index.candidates(fragment.text)}
    if fragment.expected in candidate_ids:
        return "in candidates, re-ranked below 3rd"
    return "not among the candidates"


def analyse_misses(
    index: SearchIndex[Quote], fragments: Sequence[Fragment], tops: Sequence[str]
) -> tuple[dict[str, int], list[dict[str, str]]]:
    by_id = {q.id: q for q in index.items}
    causes: dict[str, int] = {}
    examples: list[dict[str, str]] = []
    for fragment, top in zip(fragments, tops, strict=True):
        if fragment.expected == top:
            continue
        cause = classify_miss(index, fragment)
        causes[cause] = causes.get(cause, 0) + 1
        if len(examples) < 4:
            got = by_id[top].text if top else "(no hit)"
            examples.append(
                {
                    "cause": cause,
                    "fragment": fragment.text,
                    "clean": fragment.clean,
                    "expected": by_id[fragment.expected].text,
                    "got": got,
                }
            )
    return causes, examples


# --- One size ----------------------------------------------------------------------------------


def load(size: int, seed: int) -> tuple[list[Quote], float]:
    with tempfile.TemporaryDirectory(prefix="whosaid-") as tmp:
        write_content(Path(tmp), size, seed)
        catalog, load_s = timed(lambda: load_catalog([Path(tmp)]))
    return list(catalog.quotes.values()), load_s


def ours_figures(
    fragments: Sequence[Fragment], ours_ns: Sequence[int], tops: Sequence[str]
) -> dict[str, Any]:
    p50, p99 = percentiles_ms(ours_ns)
    return {
        "queries": len(fragments),
        "ours_p50_ms": p50,
        "ours_p99_ms": p99,
        "ours_mean_ms": float(np.mean(ours_ns) / 1e6),
        "ours_max_ms": float(np.max(ours_ns) / 1e6),
        "ours_accuracy": accuracy(fragments, tops),
        "breakdown": breakdown(fragments, tops),
    }


def baseline_figures(
    subset: Sequence[Fragment],
    base_ns: Sequence[int],
    base_tops: Sequence[str],
    ours_ns: Sequence[int],
    ours_tops: Sequence[str],
) -> dict[str, Any]:
    """Baseline figures, and ours on the same subset of queries so that they compare."""
    b50, b99 = percentiles_ms(base_ns)
    o50, o99 = percentiles_ms(ours_ns[: len(subset)])
    return {
        "baseline_queries": len(subset),
        "baseline_p50_ms": b50,
        "baseline_p99_ms": b99,
        "baseline_accuracy": accuracy(subset, base_tops),
        "ours_accuracy_on_baseline_subset": accuracy(subset, ours_tops[: len(subset)]),
        "ours_p50_ms_on_baseline_subset": o50,
        "ours_p99_ms_on_baseline_subset": o99,
        "speedup_p50": b50 / o50,
        "speedup_p99": b99 / o99,
    }


def build_figures(quotes: Sequence[Quote]) -> tuple[SearchIndex[Quote], dict[str, Any]]:
    index, build_s = timed(lambda: SearchIndex(quotes, lambda q: q.text))
    peak_mb, retained_mb = index_memory_mb(quotes)
    figures = {"index_build_s": build_s, "index_peak_mb": peak_mb, "index_retained_mb": retained_mb}
    return index, figures


def run_baseline(
    quotes: Sequence[Quote],
    fragments: Sequence[Fragment],
    probe: Fragment,
    args: argparse.Namespace,
) -> tuple[list[Fragment], list[int], list[str]]:
    folded = [fold(q.text) for q in quotes]
    ids = [q.id for q in quotes]
    count, probe_s = baseline_count(args.baseline_queries, args.baseline_budget, probe, folded, ids)
    print(f"  baseline: {probe_s:.2f} s per query, running {count} queries ...", flush=True)
    subset = list(fragments[:count])
    base_ns, base_tops = time_baseline(subset, folded, ids)
    return subset, base_ns, base_tops


def run_size(size: int, args: argparse.Namespace) -> dict[str, Any]:
    print(f"[{size:,} quotes] generating and loading content ...", flush=True)
    quotes, load_s = load(size, args.seed)
    index, result = build_figures(quotes)
    result = {"quotes": size, "load_s": load_s} | result
    fragments = make_fragments(quotes, args.queries, f"{args.seed}-queries-{size}")
    warmup = make_fragments(quotes, WARMUP_QUERIES, f"{args.seed}-warmup-{size}")
    time_ours(index, warmup)
    print(f"  timing {len(fragments)} searches ...", flush=True)
    ours_ns, ours_tops = time_ours(index, fragments)
    c50, c99 = percentiles_ms(time_candidates(index, fragments))
    result |= ours_figures(fragments, ours_ns, ours_tops)
    result |= {"candidates_p50_ms": c50, "candidates_p99_ms": c99}
    subset, base_ns, base_tops = run_baseline(quotes, fragments, warmup[0], args)
    result |= baseline_figures(subset, base_ns, base_tops, ours_ns, ours_tops)
    causes, examples = analyse_misses(index, fragments, ours_tops)
    return result | {"miss_causes": causes, "miss_examples": examples}


# --- Output ------------------------------------------------------------------------------------


def print_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    print("  ".join(h.rjust(w) for h, w in zip(headers, widths, strict=True)))
    print("  ".join("-" * w for w in widths))
    for row in rows:
        print("  ".join(c.rjust(w) for c, w in zip(row, widths, strict=True)))


def pct(value: float) -> str:
    return f"{100 * value:.1f}%"


def print_results(results: Sequence[dict[str, Any]]) -> None:
    print("\nBuild")
    print_table(
        ("quotes", "load s", "index build s", "index peak MB", "index retained MB"),
        [
            (
                f"{r['quotes']:,}",
                f"{r['load_s']:.2f}",
                f"{r['index_build_s']:.2f}",
                f"{r['index_peak_mb']:.1f}",
                f"{r['index_retained_mb']:.1f}",
            )
            for r in results
        ],
    )
    print("\nOur search (search(fragment, limit=3); 'cand' = candidate generation alone)")
    print_table(
        ("quotes", "queries", "p50 ms", "p99 ms", "max ms", "cand p50", "cand p99", "top-1"),
        [
            (
                f"{r['quotes']:,}",
                str(r["queries"]),
                f"{r['ours_p50_ms']:.2f}",
                f"{r['ours_p99_ms']:.2f}",
                f"{r['ours_max_ms']:.2f}",
                f"{r['candidates_p50_ms']:.2f}",
                f"{r['candidates_p99_ms']:.2f}",
                pct(r["ours_accuracy"]),
            )
            for r in results
        ],
    )
    print("\nBaseline (difflib SequenceMatcher.ratio over every quote), on its query subset")
    print_table(
        ("quotes", "queries", "p50 ms", "p99 ms", "top-1", "ours top-1", "x p50", "x p99"),
        [
            (
                f"{r['quotes']:,}",
                str(r["baseline_queries"]),
                f"{r['baseline_p50_ms']:.1f}",
                f"{r['baseline_p99_ms']:.1f}",
                pct(r["baseline_accuracy"]),
                pct(r["ours_accuracy_on_baseline_subset"]),
                f"{r['speedup_p50']:.0f}x",
                f"{r['speedup_p99']:.0f}x",
            )
            for r in results
        ],
    )
    print_breakdown(results)
    print_misses(results)


def print_breakdown(results: Sequence[dict[str, Any]]) -> None:
    print("\nOur top-1 accuracy by kind of noise (queries with that noise: accuracy)")
    headers = ("noise", *(f"{r['quotes']:,}" for r in results))
    rows = [
        (
            name,
            *(
                f"{r['breakdown'][name]['queries']}: {pct(r['breakdown'][name]['accuracy'])}"
                for r in results
            ),
        )
        for name in NOISE_KINDS
    ]
    print_table(headers, rows)


def print_misses(results: Sequence[dict[str, Any]]) -> None:
    for r in results:
        misses = sum(r["miss_causes"].values())
        print(f"\nMisses at {r['quotes']:,} quotes: {misses}")
        for cause, count in sorted(r["miss_causes"].items(), key=lambda kv: -kv[1]):
            print(f"  {count:4d}  {cause}")
        for example in r["miss_examples"][:2]:
            print(f"  e.g. [{example['cause']}]")
            print(f"    query:    {example['fragment']!r}  (clean: {example['clean']!r})")
            print(f"    expected: {example['expected'][:110]!r}")
            print(f"    got:      {example['got'][:110]!r}")


def aims(results: Sequence[dict[str, Any]]) -> dict[str, bool | None]:
    """Each aim: True (met), False (not met) or None (its size was not measured)."""
    by_size = {r["quotes"]: r for r in results}
    at_100k, at_10k = by_size.get(100_000), by_size.get(10_000)
    return {
        "p99 under 5 ms at 100k quotes": None if at_100k is None else at_100k["ours_p99_ms"] < 5.0,
        "at least 50x faster than baseline at 10k": (
            None if at_10k is None else at_10k["speedup_p50"] >= 50.0
        ),
        "accuracy >= baseline": all(
            r["ours_accuracy_on_baseline_subset"] >= r["baseline_accuracy"] for r in results
        ),
    }


def print_aims(met: dict[str, bool | None]) -> None:
    print("\nAims")
    for aim, ok in met.items():
        status = "not measured" if ok is None else ("met" if ok else "NOT MET")
        print(f"  [{status}] {aim}")


# --- Main --------------------------------------------------------------------------------------


def pin_to_one_core() -> str:
    try:
        os.sched_setaffinity(0, {0})
    except (AttributeError, OSError) as exc:
        return f"not pinned to one core ({exc.__class__.__name__})"
    return "pinned to CPU 0"


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes",
        type=lambda s: [int(x) for x in s.split(",") if x],
        default=list(DEFAULT_SIZES),
        help="comma-separated numbers of quotes (default: 1000,10000,100000)",
    )
    parser.add_argument("--queries", type=int, default=300, help="queries per size (300)")
    parser.add_argument(
        "--baseline-queries", type=int, default=100, help="baseline queries per size, at most (100)"
    )
    parser.add_argument(
        "--baseline-budget",
        type=float,
        default=60.0,
        help="seconds the baseline may take at 100k quotes and up; fewer queries run to fit (60)",
    )
    parser.add_argument("--seed", type=int, default=7, help="random seed (7)")
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    pinning = pin_to_one_core()
    print(f"whosaid benchmark: sizes {args.sizes}, {args.queries} queries, seed {args.seed}")
    print(f"Python {sys.version.split()[0]}, {pinning}")
    results = [run_size(size, args) for size in args.sizes]
    print_results(results)
    met = aims(results)
    print_aims(met)
    if args.json:
        payload = {
            "config": vars(args) | {"json": str(args.json), "pinning": pinning},
            "results": results,
            "aims": met,
        }
        args.json.write_text(json.dumps(payload, indent=2), encoding="utf-8")
        print(f"\nFigures written to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
