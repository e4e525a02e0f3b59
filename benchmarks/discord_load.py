"""Discord under load, against the fake Discord on loopback: `lectern run` in its own process
(the real wiring, SQLite), this process playing Discord.

Prints: p50/p99 from INTERACTION_CREATE sent to the interaction callback received at 200
interactions/s for 30 s (lookups and class-quiz clicks mixed), deadline misses; the highest rate
with no deadline missed (steps of 5 s); and the bot process's RSS with 2,500 guilds connected.

    .venv/bin/python benchmarks/discord_load.py [--seconds 30] [--rate 200] [--guilds 2500]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.discord.fake import FakeDiscord  # noqa: E402

LOG = Path(tempfile.gettempdir()) / "lectern-discord-bench.log"
LOOKUPS = [
    ("define", {"term": "CSTO"}),
    ("whosaid", {"fragment": "csto backbone"}),
    ("fact", {"topic": "isaf"}),
    ("quotes", {"person": "putin"}),
    ("timeline", {"about": "2002"}),
]


def _rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


async def _bot(fake: FakeDiscord, database: Path) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LECTERN_")}
    env |= {
        "LECTERN_ADAPTERS": "discord",
        "LECTERN_DISCORD_TOKEN": "ODk2.bench.token",
        "LECTERN_DISCORD_API_BASE": fake.api_base,
        "LECTERN_DISCORD_GATEWAY_URL": fake.gateway_url,
        "LECTERN_DATABASE_URL": f"sqlite+aiosqlite:///{database}",
        "LECTERN_LOG_LEVEL": "WARNING",
    }
    # The bot runs for the whole benchmark: Popen returns at once. Its log (one line per late
    # answer when overloaded) goes to a file.
    log = LOG.open("ab")
    process = subprocess.Popen(  # noqa: ASYNC220
        [sys.executable, "-m", "bot", "run"], cwd=ROOT, env=env, stderr=log, stdout=log
    )
    await fake.wait_call(lambda c: c.method == "PUT" and c.path.endswith("/commands"), 60)
    await asyncio.wait_for(fake.connected.wait(), 120)
    probe = await fake.slash("help")
    await fake.wait_response(probe, within=30)
    return process


async def _question(fake: FakeDiscord, teacher: str) -> tuple[str, str]:
    """A class quiz in the channel; the (message id, custom_id) of an option of its question."""
    seen = len(fake.calls)
    start = await fake.slash(
        "quiz", {"quiz": "timeline", "questions": 50, "seconds": 600}, sub="start", user=teacher
    )
    await fake.wait_response(start)
    post = await fake.wait_call(
        lambda c: (
            c.method == "POST"
            and c.path == f"channels/{fake.channel_id}/messages"
            and fake.calls.index(c) >= seen
            and bool((c.json or {}).get("components"))
        ),
        within=30,
    )
    call = post[-1]
    buttons = [b for row in call.json["components"] for b in row["components"]]
    # An option button when the question has options, else its Answer button (opens a form).
    custom_id = next(
        (b["custom_id"] for b in buttons if b["custom_id"].startswith("L:")),
        buttons[0]["custom_id"],
    )
    return str(call.response["id"]), custom_id


async def _burst(
    fake: FakeDiscord, rate: float, seconds: float, users: list[str], question: tuple[str, str]
) -> tuple[list[float], int, int]:
    """Send `rate` interactions a second for `seconds`; latencies (ms), misses, unanswered."""
    sent: list[str] = []
    late_before = len(fake.late)
    start = time.monotonic()
    n = 0
    while (elapsed := time.monotonic() - start) < seconds:
        due = int(elapsed * rate)
        while n < due:
            user = users[n % len(users)]
            if n % 2:
                name, options = LOOKUPS[n % len(LOOKUPS)]
                payload = await fake.slash(name, options, user=user)
            else:
                payload = await fake.click(question[0], question[1], user=user)
            sent.append(payload["id"])
            n += 1
        await asyncio.sleep(0.002)
    await asyncio.sleep(3.5)  # past the deadline of the last one
    latencies = [fake.ack_latency[i] * 1000 for i in sent if i in fake.ack_latency]
    return latencies, len(fake.late) - late_before, len(sent) - len(latencies)


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--rate", type=float, default=200)
    parser.add_argument("--guilds", type=int, default=2500)
    parser.add_argument("--step-seconds", type=float, default=5)
    args = parser.parse_args()
    database = Path(tempfile.mkdtemp(prefix="lectern-bench-")) / "lectern.db"

    fake = await FakeDiscord().start()
    teacher = fake.add_user("teacher", permissions=0x400 | 0x800 | 0x10)
    users = [fake.add_user(f"student{n}") for n in range(400)]
    bot = await _bot(fake, database)
    try:
        question = await _question(fake, teacher)
        latencies, late, lost = await _burst(fake, args.rate, args.seconds, users, question)
        print(
            f"{args.rate:.0f} interactions/s for {args.seconds:.0f} s: {len(latencies)} answered, "
            f"p50 {statistics.median(latencies):.1f} ms, p99 {_pct(latencies, 0.99):.1f} ms, "
            f"max {max(latencies):.1f} ms; {late} past the 3 s deadline, {lost} unanswered"
        )
        best = 0.0
        for rate in (200, 300, 400, 600, 800, 1200, 1600):
            latencies, late, lost = await _burst(fake, rate, args.step_seconds, users, question)
            ok = late == 0 and lost == 0
            print(
                f"  {rate:>5} /s for {args.step_seconds:.0f} s: "
                f"p50 {statistics.median(latencies):.1f} ms, p99 {_pct(latencies, 0.99):.1f} ms, "
                f"{late} late, {lost} unanswered"
            )
            if not ok:
                break
            best = rate
        print(f"highest rate with no deadline missed: {best:.0f} interactions/s")
        print(f"bot RSS after the load above: {_rss_kib(bot.pid) / 1024:.1f} MiB")
    finally:
        bot.terminate()
        bot.wait(30)
        await fake.stop()

    for guilds in (1, args.guilds):  # freshly started, connected and idle
        fake = await FakeDiscord(guilds=guilds).start()
        bot = await _bot(fake, Path(tempfile.mkdtemp(prefix="lectern-bench-")) / "lectern.db")
        try:
            await asyncio.sleep(2)
            print(f"bot RSS, idle, {guilds} guild(s) connected: {_rss_kib(bot.pid) / 1024:.1f} MiB")
        finally:
            bot.terminate()
            bot.wait(30)
            await fake.stop()
    print(f"(the bot's log: {LOG})")


if __name__ == "__main__":
    asyncio.run(main())
