"""Hand-written fakes shared by the engine, app and adapter tests: a clock that only moves when
told, and a strict platform outbox that records what a channel saw and refuses what a platform
would refuse."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

from bot.core.delivery import Delivery
from bot.core.fit import DISCORD
from bot.core.messages import Channel, Limits, Person, Reply
from bot.core.ports import MessageRef, PlaceGone
from bot.core.quiz.classroom import Classroom
from bot.core.quiz.store_port import Store
from tests.conftest import NOON


class FakeClock:
    """Time stands still until a test (or `sleep`) moves it: no test waits for a timer."""

    def __init__(self, at: datetime = NOON) -> None:
        self.at = at

    def now(self) -> datetime:
        return self.at

    def advance(self, seconds: float) -> datetime:
        self.at += timedelta(seconds=seconds)
        return self.at

    async def sleep(self, seconds: float) -> None:
        """What delivery sleeps on: moves the clock instead of waiting."""
        self.advance(max(seconds, 0))
        await asyncio.sleep(0)


class Refused(Exception):
    """What the platform would answer with a 400."""


def check_limits(reply: Reply, limits: Limits) -> None:
    """Refuse, as the platform would, a message beyond its limits."""
    if len(reply.text) > limits.text_chars:
        raise Refused(f"text of {len(reply.text)} characters > {limits.text_chars}")
    if reply.title is not None and len(reply.title) > limits.title_chars:
        raise Refused(f"title of {len(reply.title)} characters")
    if len(reply.fields) > limits.fields:
        raise Refused(f"{len(reply.fields)} fields")
    for f in reply.fields:
        if len(f.name) > limits.field_name_chars or len(f.value) > limits.field_value_chars:
            raise Refused(f"field {f.name[:20]!r} too long")
    if len(reply.choices) > limits.choices:
        raise Refused(f"{len(reply.choices)} choices > {limits.choices}")
    for c in reply.choices:
        if len(c.label) > limits.choice_label_chars:
            raise Refused(f"choice label {c.label[:20]!r} too long")
        if len(c.value) > limits.choice_value_chars:
            raise Refused(f"choice value {c.value[:20]!r} too long")


class FakeOutbox:
    """A platform's outbox on loopback: records posts and edits (with the fake time they were
    made), and refuses messages beyond `limits`."""

    def __init__(self, limits: Limits = DISCORD, clock: FakeClock | None = None) -> None:
        self.limits = limits
        self.clock = clock
        self.posted: list[tuple[str, Reply]] = []
        self.edits: list[tuple[str, Reply]] = []
        self.edit_times: list[tuple[str, datetime | None]] = []
        self.keys: list[str | None] = []  # the idempotency key of each post
        self.gone: set[str] = set()  # channels deleted: posting there raises PlaceGone

    async def post(
        self, to: Channel | Person, reply: Reply, *, key: str | None = None
    ) -> MessageRef:
        if isinstance(to, Channel) and to.channel_id in self.gone:
            raise PlaceGone("the channel was deleted")
        check_limits(reply, self.limits)
        where = to.channel_id if isinstance(to, Channel) else f"@{to.user_id}"
        self.posted.append((where, reply))
        self.keys.append(key)
        return MessageRef(to, str(len(self.posted)))

    async def edit(self, ref: MessageRef, reply: Reply) -> None:
        check_limits(reply, self.limits)
        self.edits.append((ref.message_id, reply))
        self.edit_times.append((ref.message_id, self.clock.now() if self.clock else None))

    def titles(self, channel: str | None = None) -> list[str]:
        return [r.title or "" for where, r in self.posted if channel in (None, where)]


class GatedOutbox(FakeOutbox):
    """A platform that hangs (for `channels`, or all) until `release()`."""

    def __init__(
        self,
        limits: Limits = DISCORD,
        clock: FakeClock | None = None,
        channels: set[str] | None = None,
    ) -> None:
        super().__init__(limits, clock)
        self.gate = asyncio.Event()
        self.channels = channels
        self.calls = 0

    def release(self) -> None:
        self.gate.set()

    async def _hold(self, to: Channel | Person) -> None:
        self.calls += 1
        if self.channels is None or (isinstance(to, Channel) and to.channel_id in self.channels):
            await self.gate.wait()

    async def post(
        self, to: Channel | Person, reply: Reply, *, key: str | None = None
    ) -> MessageRef:
        await self._hold(to)
        return await super().post(to, reply)

    async def edit(self, ref: MessageRef, reply: Reply) -> None:
        await self._hold(ref.place)
        await super().edit(ref, reply)


def build_room(
    store: Store, outbox: FakeOutbox, clock: FakeClock | None = None, platform: str = "test"
) -> tuple[Classroom, Delivery]:
    """A class engine that speaks through `outbox` in the background, as in production."""
    clock = clock or outbox.clock or FakeClock()
    delivery = Delivery({platform: outbox}, clock, sleep=clock.sleep)
    return Classroom(store, delivery, platforms={platform}), delivery
