"""One bot process's daily poster, for the tests and benchmarks that run several at once:

    python -m tests.daily.claim_worker DATABASE_URL OUT_FILE NOW_ISO [--post-ms N] [--batch N]
        [--wait]

It opens the database, claims and posts everything due at NOW through an outbox that appends
"<channel> <key>" to OUT_FILE (flushed per post, so that a killed process leaves an exact
record), waits for its posts, prints "posted <count> in <seconds>" and exits."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import IO

from bot.core.course.library import ContentLibrary
from bot.core.daily.poster import DailyPoster
from bot.core.delivery import Delivery
from bot.core.fit import DISCORD
from bot.core.messages import Channel, Limits, Person, Reply
from bot.core.ports import MessageRef
from bot.store.sql_store import SqlStore
from tests.conftest import CONTENT, QUIZZES, ROOT, FixedClock


class FileOutbox:
    limits: Limits = DISCORD

    def __init__(self, out: IO[str], post_seconds: float) -> None:
        self._out = out
        self._post_seconds = post_seconds
        self.count = 0

    async def post(
        self, to: Channel | Person, reply: Reply, *, key: str | None = None
    ) -> MessageRef:
        if self._post_seconds:
            await asyncio.sleep(self._post_seconds)  # a platform's round trip
        where = to.channel_id if isinstance(to, Channel) else f"@{to.user_id}"
        self._out.write(f"{where} {key}\n")
        self._out.flush()
        os.fsync(self._out.fileno())
        self.count += 1
        return MessageRef(to, str(self.count))

    async def edit(self, ref: MessageRef, reply: Reply) -> None:
        raise AssertionError("daily posts are never edited")


async def main(args: argparse.Namespace) -> None:
    logging.basicConfig(level=logging.WARNING)
    library = ContentLibrary([CONTENT], root=ROOT, quiz_paths=[QUIZZES])
    store = await SqlStore.open(args.url)
    clock = FixedClock(datetime.fromisoformat(args.now))
    with Path(args.out).open("a", encoding="utf-8") as out:  # noqa: ASYNC230  (a test tool)
        outbox = FileOutbox(out, args.post_ms / 1000)
        delivery = Delivery({"test": outbox}, clock)
        poster = DailyPoster(store, delivery, library, platforms={"test"}, batch=args.batch)
        print("ready", flush=True)
        if args.wait:  # several workers start together when told
            await asyncio.to_thread(sys.stdin.readline)
        started = time.perf_counter()
        await poster.tick(clock.now())
        await poster.drain()
        await delivery.drain()
        print(f"posted {outbox.count} in {time.perf_counter() - started:.3f}", flush=True)
    await store.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("out")
    parser.add_argument("now")
    parser.add_argument("--post-ms", type=float, default=0.0)
    parser.add_argument("--batch", type=int, default=200)
    parser.add_argument("--wait", action="store_true", help="start on a line from stdin")
    asyncio.run(main(parser.parse_args()))
