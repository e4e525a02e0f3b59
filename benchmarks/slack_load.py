"""Slack under load, against the fake Slack on loopback: `lectern run` in its own process (the
real wiring, SQLite), this process playing Slack.

Prints, for HTTP mode (signed requests to /slack/events) and Socket Mode (envelopes on the
socket): p50/p99 from the request sent to its ack at 200 requests/s for 30 s (slash commands and
class-quiz clicks mixed), acks over 3 s; then the highest rate with no ack over 3 s (5 s steps).

    .venv/bin/python benchmarks/slack_load.py [--seconds 30] [--rate 200]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.slack.fake import FakeSlack  # noqa: E402

LOG = Path(tempfile.gettempdir()) / "lectern-slack-bench.log"
COMMANDS = [("/define", "CSTO"), ("/whosaid", "csto backbone"), ("/fact", "isaf"),
            ("/quotes", "putin"), ("/timeline", "2002")]  # fmt: skip


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class Run:
    def __init__(self, fake: FakeSlack, mode: str) -> None:
        self.fake, self.mode, self.port = fake, mode, _free_port()
        self.http = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0))

    def start_bot(self) -> subprocess.Popen[bytes]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("LECTERN_")}
        env |= {
            "LECTERN_ADAPTERS": "slack", "LECTERN_SLACK_MODE": self.mode,
            "LECTERN_SLACK_BOT_TOKEN": "xoxb-bench", "LECTERN_SLACK_APP_TOKEN": "xapp-bench",
            "LECTERN_SLACK_SIGNING_SECRET": self.fake.signing_secret,
            "LECTERN_SLACK_API_URL": self.fake.api_url, "LECTERN_HTTP_HOST": "127.0.0.1",
            "LECTERN_HTTP_PORT": str(self.port), "LECTERN_LOG_LEVEL": "WARNING",
            "LECTERN_DATABASE_URL": f"sqlite+aiosqlite:///{Path(tempfile.mkdtemp()) / 'l.db'}",
        }  # fmt: skip
        log = LOG.open("ab")
        return subprocess.Popen(  # runs for the whole benchmark
            [sys.executable, "-m", "bot", "run"], cwd=ROOT, env=env, stdout=log, stderr=log
        )

    async def send(self, payload: dict[str, Any]) -> float | None:
        """Seconds to the ack, or None when it took over 3 s or failed."""
        started = time.monotonic()
        try:
            if self.mode == "socket":
                kind = "slash_commands" if "command" in payload else "interactive"
                await self.fake.push(kind, payload)
            else:
                body = self.fake.form(payload)
                url = f"http://127.0.0.1:{self.port}/slack/events"
                async with self.http.post(url, data=body, headers=self.fake.signed(body)) as r:
                    if r.status != 200:
                        return None
        except (TimeoutError, aiohttp.ClientError):
            return None
        waited = time.monotonic() - started
        return waited if waited <= 3 else None

    async def ready(self) -> None:
        if self.mode == "socket":
            await asyncio.wait_for(self.fake.ws_connected.wait(), 60)
        for _ in range(600):
            if await self.send(self.fake.slash_payload("/help", "", self.users[0])) is not None:
                return
            await asyncio.sleep(0.1)
        raise RuntimeError("the bot never answered")

    users: list[str]

    async def question(self, teacher: str) -> tuple[str, dict[str, Any]]:
        start = self.fake.slash_payload("/quiz", "start timeline questions:50 seconds:600", teacher)
        await self.send(start)
        [post, *_] = await self.fake.wait_call(lambda c: c.method == "chat.postMessage", 30)
        ts = post.response["ts"]
        actions = next(b for b in post.payload["blocks"] if b["type"] == "actions")
        return ts, actions["elements"][0]

    async def burst(
        self, rate: float, seconds: float, question: tuple[str, dict[str, Any]]
    ) -> tuple[list[float], int]:
        tasks = []
        started, n = time.monotonic(), 0
        while (elapsed := time.monotonic() - started) < seconds:
            while n < int(elapsed * rate):
                user = self.users[n % len(self.users)]
                if n % 2:
                    command, text = COMMANDS[n % len(COMMANDS)]
                    payload = self.fake.slash_payload(command, text, user)
                else:
                    payload = self.fake.action_payload(question[0], question[1], user)
                tasks.append(asyncio.create_task(self.send(payload)))
                n += 1
            await asyncio.sleep(0.002)
        results = await asyncio.gather(*tasks)
        acked = [r * 1000 for r in results if r is not None]
        return acked, len(results) - len(acked)


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


async def bench(mode: str, rate: float, seconds: float, step: float) -> None:
    fake = await FakeSlack().start()
    teacher = fake.add_user("teacher", admin=True)
    run = Run(fake, mode)
    run.users = [fake.add_user(f"s{n}") for n in range(400)]
    bot = run.start_bot()
    try:
        await run.ready()
        question = await run.question(teacher)
        acked, missed = await run.burst(rate, seconds, question)
        print(
            f"{mode}: {rate:.0f} requests/s for {seconds:.0f} s: {len(acked)} acked, p50 "
            f"{statistics.median(acked):.1f} ms, p99 {_pct(acked, 0.99):.1f} ms, max "
            f"{max(acked):.1f} ms; {missed} not acked within 3 s"
        )
        best = 0
        for stepped in (200, 300, 400, 600, 800, 1200):
            acked, missed = await run.burst(stepped, step, question)
            print(f"  {stepped:>5}/s: p50 {statistics.median(acked):.1f} ms, "
                  f"p99 {_pct(acked, 0.99):.1f} ms, {missed} over 3 s")  # fmt: skip
            if missed:
                break
            best = stepped
        print(f"{mode}: highest rate with no ack over 3 s: {best}/s")
    finally:
        bot.terminate()
        bot.wait(30)
        await run.http.close()
        await fake.stop()


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--rate", type=float, default=200)
    parser.add_argument("--step-seconds", type=float, default=5)
    args = parser.parse_args()
    for mode in ("http", "socket"):
        await bench(mode, args.rate, args.seconds, args.step_seconds)
    print(f"(the bot's log: {LOG})")


if __name__ == "__main__":
    asyncio.run(main())
