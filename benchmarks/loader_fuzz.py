"""The content and quiz loaders against damaged and pathological files. Prints figures.

    .venv/bin/python benchmarks/loader_fuzz.py [--mutations 2000] [--seed 1] [--json]

1. Mutations: each shipped content and quiz file in turn, damaged 1 to 3 times with the
   mutations of tests/test_loader_fuzz.py (byte flips, truncation, tags, impossible dates, huge
   numbers, nesting, aliases, control characters, BOMs), then loaded as `/reload` would. Counts
   the files that load, that are refused with problems, and that raised anything else (the aim
   is none), the problems without a real position, and the time to judge one file.
2. Pathological files: 400,000 duplicate keys, 50,000 items, a billion-laughs alias bomb, deep
   nesting and a 5 MB file, each timed (the aim: any file judged in under 2 s).
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.core.content.loader import load_catalog  # noqa: E402
from bot.core.content.problems import ContentErrors  # noqa: E402
from bot.core.quiz.loader import load_quizzes  # noqa: E402
from tests.test_loader_fuzz import SNIPPETS, mutate  # noqa: E402

PATHOLOGICAL = {
    "400,000 duplicate keys": "facts:\n  - id: a\n" + "    text: x\n" * 400_000,
    "50,000 items": "facts:\n" + "".join(f"  - {n}\n" for n in range(50_000)),
    "billion laughs": "".join(
        f"{name}: &{name} [{', '.join([f'*{prev}'] * 10) if prev else '1, 1, 1, 1, 1'}]\n"
        for name, prev in zip("abcdefghi", ["", *"abcdefgh"], strict=True)
    ),
    "nesting 10,000 deep": "facts: " + "[" * 10_000 + "]" * 10_000 + "\n",
    "a 5 MB file": "facts:\n" + "  - {id: f, text: " + "x" * 5_000_000 + "}\n",
}


def _mutations(rng: random.Random) -> list[tuple[str, int, int]]:
    kinds = ["flip", "cut", "insert", "line"]
    out = []
    for _ in range(rng.randint(1, 3)):
        kind = rng.choice(kinds)
        what = rng.randint(1, 255) if kind == "flip" else rng.randrange(len(SNIPPETS))
        out.append((kind, rng.randrange(10**6), what))
    return out


def fuzz(count: int, seed: int) -> dict[str, object]:
    rng = random.Random(seed)
    work = Path(tempfile.mkdtemp(prefix="lectern-fuzz-"))
    shutil.copytree(ROOT / "content", work / "content")
    shutil.copytree(ROOT / "quizzes", work / "quizzes")
    catalog = load_catalog([ROOT / "content"])
    files = sorted((work / "content").glob("*.yaml")) + sorted((work / "quizzes").glob("*.yaml"))
    loaded = refused = escaped = unplaced = problems = 0
    times: list[float] = []
    escapes: list[str] = []
    for n in range(count):
        target = files[n % len(files)]
        original = target.read_bytes()
        damaged = mutate(original, _mutations(rng))
        target.write_bytes(damaged)
        lines = damaged.count(b"\n") + 2
        began = time.perf_counter()
        try:
            if target.parent.name == "content":
                load_catalog([work / "content"])
            else:
                load_quizzes([target], catalog)
            loaded += 1
        except ContentErrors as errors:
            refused += 1
            problems += len(errors.problems)
            unplaced += sum(
                not (1 <= p.line <= lines and p.column >= 1)
                for p in errors.problems
                if Path(p.file).name == target.name
            )
        except Exception as exc:  # what the aim says must never happen
            escaped += 1
            escapes.append(f"{target.name}: {exc.__class__.__name__}: {exc}"[:160])
        finally:
            times.append(time.perf_counter() - began)
            target.write_bytes(original)
    shutil.rmtree(work, ignore_errors=True)
    times.sort()
    return {
        "files": count,
        "loaded": loaded,
        "refused_with_problems": refused,
        "problems": problems,
        "escaped": escaped,
        "escapes": escapes[:5],
        "problems_without_a_real_position": unplaced,
        "seconds_p50": round(statistics.median(times), 4),
        "seconds_p99": round(times[int(len(times) * 0.99) - 1], 4),
        "seconds_max": round(times[-1], 4),
    }


def pathological() -> dict[str, dict[str, object]]:
    results: dict[str, dict[str, object]] = {}
    for name, text in PATHOLOGICAL.items():
        folder = Path(tempfile.mkdtemp(prefix="lectern-worst-"))
        (folder / "worst.yaml").write_text(text, encoding="utf-8")
        began = time.perf_counter()
        try:
            load_catalog([folder], root=folder)
            verdict = "loaded"
        except ContentErrors as errors:
            verdict = str(errors.problems[0])[:100]
        except Exception as exc:
            verdict = f"ESCAPED {exc.__class__.__name__}"
        results[name] = {"seconds": round(time.perf_counter() - began, 3), "verdict": verdict}
        shutil.rmtree(folder, ignore_errors=True)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mutations", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    m = fuzz(args.mutations, args.seed)
    worst = pathological()
    if args.json:
        print(json.dumps({"mutations": m, "pathological": worst}, indent=2))
        return
    print(
        f"{m['files']} damaged files: {m['loaded']} loaded, {m['refused_with_problems']} refused "
        f"with {m['problems']} problems, {m['escaped']} raised anything else; "
        f"{m['problems_without_a_real_position']} problems without a real position"
    )
    print(
        f"time to judge one: p50 {m['seconds_p50']} s, p99 {m['seconds_p99']} s, "
        f"max {m['seconds_max']} s"
    )
    for escape in m["escapes"]:  # type: ignore[attr-defined]
        print("  escaped:", escape)
    for name, row in worst.items():
        print(f"{name:24} {row['seconds']:>7} s  {row['verdict']}")


if __name__ == "__main__":
    main()
