"""The console adapter: an interactive prompt, or a script of commands on piped stdin.

A line may start with `@name ` to speak as another user, so that a whole class can be simulated
from a script; a bare number picks that choice of the last reply shown to that user.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, TextIO

from bot.core.commands.app import Lectern
from bot.core.messages import Actor, Channel, Choice, Command, Reply
from bot.core.ports import Clock, MessageRef

PLATFORM = "console"
DEFAULT_USER = "you"
_SPEAKER = re.compile(r"^@([\w.-]{1,32})\s+(.*)$", re.DOTALL)
_QUIT = frozenset({"/quit", "/exit"})


@dataclass
class ConsoleAdapter:
    app: Lectern
    clock: Clock
    out: TextIO = field(default_factory=lambda: sys.stdout)
    as_json: bool = False
    teachers: frozenset[str] = frozenset()
    default_user: str = DEFAULT_USER
    channel: Channel = field(default_factory=lambda: Channel(PLATFORM, "console", name="console"))
    _last_choices: dict[str, tuple[Choice, ...]] = field(default_factory=dict)
    _changed: asyncio.Event = field(default_factory=asyncio.Event)
    _posted: int = 0

    def actor(self, name: str) -> Actor:
        roles = frozenset({"teacher"}) if name.casefold() in self.teachers else frozenset()
        return Actor(platform=PLATFORM, user_id=name.casefold(), display_name=name, roles=roles)

    async def handle_line(self, line: str) -> list[Reply] | None:
        """Answer one input line; None for lines that are not meant for the bot."""
        text = line.rstrip("\r\n")
        if not text.strip() or text.lstrip().startswith("#"):
            return None
        user = self.default_user
        match = _SPEAKER.match(text.strip())
        if match:
            user, text = match.group(1), match.group(2)
        picked = self._pick(user, text.strip())
        command = Command(
            actor=self.actor(user), channel=self.channel, text=picked or text, at=self.clock.now()
        )
        replies = await self.app.dispatch(command)
        # A number picks from what is on screen now: replies without choices clear the old ones.
        choices = next((r.choices for r in reversed(replies) if r.choices), ())
        self._last_choices[user.casefold()] = choices
        self.emit(line.rstrip("\r\n"), user, replies)
        self._changed.set()
        return replies

    def _pick(self, user: str, text: str) -> str | None:
        if not text.isdigit():
            return None
        choices = self._last_choices.get(user.casefold(), ())
        index = int(text) - 1
        return choices[index].value if 0 <= index < len(choices) else None

    def run(self, lines: Iterable[str], interactive: bool = False) -> None:
        asyncio.run(self.run_async(lines, interactive))

    async def run_async(self, lines: Iterable[str], interactive: bool = False) -> None:
        """Read `lines` until they end or /quit, while quiz timers fire; when the input ends
        during a class quiz, wait for the quiz to finish, so that a script can play one."""
        self._changed = asyncio.Event()
        driver = asyncio.create_task(self._drive())
        iterator = iter(lines)
        try:
            while True:
                line = await asyncio.to_thread(next, iterator, None)
                if line is None or line.strip().casefold() in _QUIT:
                    break
                await self.handle_line(line)
                if interactive:
                    self.out.write("> ")
                self.out.flush()
            classroom = self.app.classroom
            while classroom is not None and classroom.sessions:
                self._changed.clear()
                await self._changed.wait()
        finally:
            driver.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await driver
            self.out.flush()

    async def _drive(self) -> None:
        """Fire quiz timers at their deadlines: the console's event loop is the real clock."""
        classroom = self.app.classroom
        if classroom is None:
            return
        while True:
            deadline = classroom.next_deadline()
            if deadline is None:
                self._changed.clear()
                await self._changed.wait()
                continue
            delay = (deadline - self.clock.now()).total_seconds()
            if delay > 0:
                self._changed.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._changed.wait(), timeout=delay)
                continue
            await classroom.tick(self.clock.now())
            self.out.flush()
            self._changed.set()

    async def post(self, place: Channel, reply: Reply) -> MessageRef:
        """The Outbox: what the bot says on its own (question, reveal, podium) is printed."""
        self._posted += 1
        self.emit(None, None, [reply], event="post")
        self.out.flush()
        return MessageRef(place, str(self._posted))

    async def edit(self, ref: MessageRef, reply: Reply) -> None:
        # In a terminal nothing can be changed in place: JSON shows the edit, text skips it.
        if self.as_json:
            self.emit(None, None, [reply], event="edit", message_id=ref.message_id)

    def emit(
        self,
        line: str | None,
        user: str | None,
        replies: list[Reply],
        event: str = "reply",
        message_id: str | None = None,
    ) -> None:
        for reply in replies:
            if self.as_json:
                row = to_json(line, user, reply) | {"event": event}
                if message_id is not None:
                    row["message_id"] = message_id
                self.out.write(json.dumps(row, ensure_ascii=False) + "\n")
            else:
                self.out.write(to_text(reply) + "\n")


def to_json(line: str | None, user: str | None, reply: Reply) -> dict[str, Any]:
    def citation(c: Any) -> dict[str, Any]:
        return {
            "source": c.source_id,
            "section": c.section_id,
            "footnote": c.footnote,
            "ref": c.ref,
            "text": c.render(),
        }

    return {
        "command": line,
        "user": user,
        "title": reply.title,
        "text": reply.text,
        "fields": [{"name": f.name, "value": f.value} for f in reply.fields],
        "choices": [{"label": c.label, "value": c.value} for c in reply.choices],
        "ephemeral": reply.ephemeral,
        "citation": citation(reply.citation) if reply.citation else None,
        "citations": [citation(c) for c in reply.citations],
        "attachment": (
            {
                "filename": reply.attachment.filename,
                "media_type": reply.attachment.media_type,
                "bytes": len(reply.attachment.content),
            }
            if reply.attachment
            else None
        ),
    }


def to_text(reply: Reply) -> str:
    parts = []
    if reply.title:
        parts.append(f"── {reply.title} ──")
    parts.append(reply.text)
    parts.extend(f"  {f.name}: {f.value}" for f in reply.fields)
    if len(reply.citations) == 1:
        parts.append(f"  Source: {reply.citations[0].render()}")
    elif reply.citations:
        parts.append("  Sources:")
        parts.extend(f"   {n}. {c.render()}" for n, c in enumerate(reply.citations, start=1))
    if reply.choices:
        parts.append(
            "  " + "   ".join(f"[{n}] {c.label}" for n, c in enumerate(reply.choices, start=1))
        )
        parts.append("  (type a number to pick)")
    if reply.attachment:
        parts.append(f"  (attachment: {reply.attachment.filename})")
    if reply.ephemeral:
        parts.append("  (only you can see this)")
    return "\n".join(parts) + "\n"
