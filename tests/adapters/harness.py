"""What the shared scenarios drive: send a command as a user in the class channel, click a choice,
read what a user saw privately and what the channel saw, move the clock.

Each adapter gets a harness: the console (through its real line handling and JSON output) and a
fake platform (commands in, replies and posts out through a strict outbox with Discord's limits).
Discord and Slack add theirs; the scenarios stay the same.
"""

from __future__ import annotations

import asyncio
import io
import json
import random
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from bot.adapters.console import ConsoleAdapter, ConsoleOutbox, Printer
from bot.bootstrap import Bot, assemble
from bot.core.course.library import ContentLibrary
from bot.core.fit import DISCORD
from bot.core.messages import Actor, Channel, Command, Limits, Reply
from bot.core.quiz.deck import Card
from bot.store.sql_store import SqlStore
from tests.fakes import FakeClock, FakeOutbox

TEACHERS = frozenset({"tess"})


@dataclass(frozen=True)
class Seen:
    """One message as a person saw it."""

    title: str
    text: str
    fields: tuple[tuple[str, str], ...]
    choices: tuple[tuple[str, str], ...]  # (label, value)
    ref: str = field(default="", compare=False)  # the platform's message id, where it has one
    footer: str = field(default="", compare=False)  # the citation, where it is apart (Discord)

    @property
    def everything(self) -> str:
        parts = [self.title, self.text, self.footer, *(f"{n} {v}" for n, v in self.fields)]
        return "\n".join(parts + [label for label, _ in self.choices])

    def value(self, label_start: str) -> str:
        return next(v for label, v in self.choices if label.startswith(label_start))


def _seen(reply: Reply) -> Seen:
    return Seen(
        reply.title or "",
        reply.text,
        tuple((f.name, f.value) for f in reply.fields),
        tuple((c.label, c.value) for c in reply.choices),
        footer="\n".join(c.render() for c in reply.citations),
    )


class Harness(Protocol):
    limits: Limits
    bot: Bot

    async def send(self, user: str, text: str) -> list[Seen]:
        """`user` types `text` in the class channel; returns what they got back."""
        ...

    async def click(self, user: str, message: Seen, label_start: str) -> list[Seen]:
        """`user` clicks the choice of `message` whose label starts with `label_start`."""
        ...

    def private(self, user: str) -> list[Seen]: ...

    def channel(self) -> list[Seen]: ...

    async def advance(self, seconds: float) -> None:
        """Move the clock and let the timers fire and the posts go out."""
        ...

    def open_card(self) -> Card:
        """The open class question (the scenarios play it as a student who knows the answer)."""
        ...

    async def close(self) -> None: ...


async def _bot(library: ContentLibrary, outbox: Any, platform: str, clock: FakeClock) -> Bot:
    database = Path(tempfile.mkdtemp(prefix="lectern-scenario-")) / "lectern.db"
    store = await SqlStore.open(f"sqlite+aiosqlite:///{database}")
    return assemble(library, store, {platform: outbox}, clock, rng=random.Random(4))


class _Common:
    bot: Bot
    clock: FakeClock
    place: Channel

    async def advance(self, seconds: float) -> None:
        self.clock.advance(seconds)
        await self.bot.timers.tick(self.clock.now())
        await self.bot.daily.drain()  # a daily post is handed to delivery from a task
        await self.bot.delivery.drain()

    def open_card(self) -> Card:
        running = self.bot.classroom.running_in(self.place)
        assert running is not None, "no quiz is running"
        return running.card

    async def close(self) -> None:
        await self.bot.close()
        await self.bot.store.close()


class ConsoleHarness(_Common):
    """The console adapter in process: lines in, its JSON rows out."""

    @classmethod
    async def open(cls, library: ContentLibrary) -> ConsoleHarness:
        harness = cls()
        harness.clock = FakeClock()
        harness.out = io.StringIO()
        printer = Printer(out=harness.out, as_json=True)
        outbox = ConsoleOutbox(printer)
        harness.limits = outbox.limits
        harness.bot = await _bot(library, outbox, "console", harness.clock)
        harness.adapter = ConsoleAdapter(harness.bot, printer, teachers=TEACHERS)
        harness.place = harness.adapter.channel
        harness.read = 0
        return harness

    out: io.StringIO
    adapter: ConsoleAdapter
    limits: Limits
    read: int

    def _rows(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.out.getvalue().splitlines()]

    @staticmethod
    def _row_seen(row: dict[str, Any]) -> Seen:
        return Seen(
            row["title"] or "",
            row["text"],
            tuple((f["name"], f["value"]) for f in row["fields"]),
            tuple((c["label"], c["value"]) for c in row["choices"]),
            footer="\n".join(c["text"] for c in row.get("citations") or []),
        )

    async def send(self, user: str, text: str) -> list[Seen]:
        replies = await self.adapter.handle_line(f"@{user} {text}")
        return [_seen(r) for r in replies or []]

    async def click(self, user: str, message: Seen, label_start: str) -> list[Seen]:
        shown = self._on_screen(user)
        index = next(
            (n for n, (label, _) in enumerate(shown) if label.startswith(label_start)), None
        )
        if shown == message.choices and index is not None:
            return await self.send(user, str(index + 1))  # a number picks it, as a person would
        # An older message cannot be picked by number: its choice is typed, the same input.
        return await self.send(user, message.value(label_start))

    def _on_screen(self, user: str) -> tuple[tuple[str, str], ...]:
        return tuple((c.label, c.value) for c in self.adapter.on_screen(user))

    def private(self, user: str) -> list[Seen]:
        return [
            self._row_seen(r)
            for r in self._rows()
            if r["event"] == "reply" and r["ephemeral"] and (r["user"] or "").casefold() == user
        ]

    def channel(self) -> list[Seen]:
        return [
            self._row_seen(r)
            for r in self._rows()
            if r["event"] == "post" or (r["event"] == "reply" and not r["ephemeral"])
        ]


class PlatformHarness(_Common):
    """A fake chat platform: commands and clicks arrive as Commands, replies come back to the
    user (private ones to them alone), and the engine's posts land in a strict outbox."""

    @classmethod
    async def open(cls, library: ContentLibrary, limits: Limits = DISCORD) -> PlatformHarness:
        harness = cls()
        harness.clock = FakeClock()
        harness.outbox = FakeOutbox(limits, harness.clock)
        harness.limits = limits
        harness.bot = await _bot(library, harness.outbox, "fake", harness.clock)
        harness.place = Channel("fake", "class", "school")
        harness.log = []
        harness.synced = 0
        return harness

    synced: int

    def _sync(self) -> None:
        """Bring the channel's posts into the log, in the order the platform got them."""
        for _, reply in self.outbox.posted[self.synced :]:
            self.log.append(("", False, _seen(reply)))
        self.synced = len(self.outbox.posted)

    async def advance(self, seconds: float) -> None:
        await super().advance(seconds)
        self._sync()

    outbox: FakeOutbox
    limits: Limits
    log: list[tuple[str, bool, Seen]]  # (user, private, message) of every reply

    async def send(self, user: str, text: str) -> list[Seen]:
        roles = frozenset({"teacher"}) if user in TEACHERS else frozenset()
        actor = Actor("fake", user, user.title(), roles)
        replies = await self.bot.app.dispatch(Command(actor, self.place, text, self.clock.now()))
        for reply in replies:
            self.log.append((user, reply.ephemeral, _seen(reply)))
        await self.bot.delivery.drain()
        self._sync()
        return [_seen(r) for r in replies]

    async def click(self, user: str, message: Seen, label_start: str) -> list[Seen]:
        return await self.send(user, message.value(label_start))  # a click sends the value

    def private(self, user: str) -> list[Seen]:
        return [seen for who, private, seen in self.log if private and who == user]

    def channel(self) -> list[Seen]:
        return [seen for _, private, seen in self.log if not private]


class LiveHarness:
    """What the harnesses of real platform clients share: the log of what each user and the
    class channel saw, and the fake clock the timers read."""

    platform: str
    bot: Bot
    clock: FakeClock
    log: list[tuple[str, bool, Seen]]  # (user, private, message), in order
    answered: set[str]  # what the adapter said it has fully answered
    answer_event: asyncio.Event

    def _listen(self) -> None:
        self.answered, self.answer_event = set(), asyncio.Event()

    def _answered(self, key: object) -> None:
        """The adapter's `after_answer`."""
        self.answered.add(str(key))
        self.answer_event.set()

    async def _until(self, key: str, within: float) -> None:
        """Until the adapter has answered `key`, and what that set off has been delivered."""

        async def wait() -> None:
            while key not in self.answered:
                self.answer_event.clear()
                await self.answer_event.wait()

        await asyncio.wait_for(wait(), within)
        await self.bot.delivery.drain()

    @property
    def place_id(self) -> str:
        raise NotImplementedError

    def _sync(self) -> None:
        """Bring the class channel's posts into the log."""
        raise NotImplementedError

    def private(self, user: str) -> list[Seen]:
        return [seen for who, private, seen in self.log if private and who == user]

    def channel(self) -> list[Seen]:
        return [seen for _, private, seen in self.log if not private]

    async def advance(self, seconds: float) -> None:
        self.clock.advance(seconds)
        await self.bot.timers.tick(self.clock.now())
        await self.bot.daily.drain()  # a daily post is handed to delivery from a task
        await self.bot.delivery.drain()
        self._sync()

    def open_card(self) -> Card:
        running = self.bot.classroom.running_in(Channel(self.platform, self.place_id))
        assert running is not None, "no quiz is running"
        return running.card
