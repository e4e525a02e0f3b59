"""The console adapter: an interactive prompt, or a script of commands on piped stdin.

A line may start with `@name ` to speak as another user, so that a whole class can be simulated
from a script; a bare number picks that choice of the last reply shown to that user, and goes
through the same path as a click on a platform.
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

from bot.bootstrap import Bot
from bot.core.fit import CONSOLE
from bot.core.messages import Actor, Channel, Choice, Command, Limits, Person, Reply
from bot.core.ports import MessageRef

PLATFORM = "console"
DEFAULT_USER = "you"
_SPEAKER = re.compile(r"^@([\w.-]{1,32})\s+(.*)$", re.DOTALL)
_QUIT = frozenset({"/quit", "/exit"})


@dataclass
class Printer:
    """Where the console writes: text for a person, or one JSON object per reply."""

    out: TextIO = field(default_factory=lambda: sys.stdout)
    as_json: bool = False
    shown: int = 0  # how many replies have been printed: orders what is on screen
    posted_choices: tuple[int, tuple[Choice, ...]] = (0, ())  # of the last post with choices

    def emit(
        self,
        line: str | None,
        user: str | None,
        replies: list[Reply],
        event: str = "reply",
        message_id: str | None = None,
    ) -> None:
        for reply in replies:
            self.shown += 1
            if event == "post" and reply.choices:
                self.posted_choices = (self.shown, reply.choices)
            if self.as_json:
                row = to_json(line, user, reply) | {"event": event}
                if message_id is not None:
                    row["message_id"] = message_id
                self.out.write(json.dumps(row, ensure_ascii=False) + "\n")
            else:
                self.out.write(to_text(reply) + "\n")
        self.out.flush()


@dataclass
class ConsoleOutbox:
    """The console's Outbox: what the bot says on its own (question, reveal, podium) is printed
    as it happens; edits show in JSON only, since a terminal cannot change a line in place."""

    printer: Printer
    limits: Limits = CONSOLE
    _posted: int = 0

    async def post(
        self, to: Channel | Person, reply: Reply, *, key: str | None = None
    ) -> MessageRef:
        self._posted += 1
        user = to.user_id if isinstance(to, Person) else None
        self.printer.emit(None, user, [reply], event="post")
        return MessageRef(to, str(self._posted))

    async def edit(self, ref: MessageRef, reply: Reply) -> None:
        if self.printer.as_json:
            self.printer.emit(None, None, [reply], event="edit", message_id=ref.message_id)


@dataclass
class ConsoleAdapter:
    bot: Bot
    printer: Printer
    teachers: frozenset[str] = frozenset()
    default_user: str = DEFAULT_USER
    channel: Channel = field(default_factory=lambda: Channel(PLATFORM, "console", name="console"))
    _last_choices: dict[str, tuple[int, tuple[Choice, ...]]] = field(default_factory=dict)

    def actor(self, name: str) -> Actor:
        roles = frozenset({"teacher"}) if name.casefold() in self.teachers else frozenset()
        return Actor(platform=PLATFORM, user_id=name.casefold(), display_name=name, roles=roles)

    async def handle_line(self, line: str) -> list[Reply] | None:
        """Answer one input line; None for lines that are not meant for the bot."""
        # Windows editors start a saved script with a byte-order mark: it is not part of a command.
        line = line.removeprefix("\ufeff")
        text = line.rstrip("\r\n")
        if not text.strip() or text.lstrip().startswith("#"):
            return None
        user = self.default_user
        match = _SPEAKER.match(text.strip())
        if match:
            user, text = match.group(1), match.group(2)
        picked = self._pick(user, text.strip())
        command = Command(
            actor=self.actor(user),
            channel=self.channel,
            text=picked or text,
            at=self.bot.clock.now(),
        )
        replies = await self.bot.app.dispatch(command)
        self.printer.emit(line.rstrip("\r\n"), user, replies)
        # A number picks from what is on screen now: replies without choices clear the old ones.
        choices = next((r.choices for r in reversed(replies) if r.choices), ())
        self._last_choices[user.casefold()] = (self.printer.shown, choices)
        # What the command set off (a question, a reveal) prints before the next line is read.
        await self.bot.delivery.drain()
        return replies

    def on_screen(self, user: str) -> tuple[Choice, ...]:
        """The choices a number picks for `user`: those of the newer of their last reply and
        the channel's last post (a class question)."""
        mine = self._last_choices.get(user.casefold(), (0, ()))
        return max(mine, self.printer.posted_choices, key=lambda shown: shown[0])[1]

    def _pick(self, user: str, text: str) -> str | None:
        if not text.isdigit():
            return None
        choices = self.on_screen(user)
        index = int(text) - 1
        return choices[index].value if 0 <= index < len(choices) else None

    def run(self, lines: Iterable[str], interactive: bool = False) -> None:
        asyncio.run(self.run_async(lines, interactive))

    async def run_async(self, lines: Iterable[str], interactive: bool = False) -> None:
        """Read `lines` until they end or /quit, while the timers run; when the input ends
        during a class quiz, wait for the quiz to finish, so that a script can play one."""
        timers = asyncio.create_task(self.bot.timers.run())
        iterator = iter(lines)
        try:
            while True:
                line = await asyncio.to_thread(next, iterator, None)
                if line is None or line.strip().casefold() in _QUIT:
                    break
                await self.handle_line(line)
                if interactive:
                    self.printer.out.write("> ")
                self.printer.out.flush()
            while self.bot.classroom.sessions:
                await self.bot.timers.ticked()
            await self.bot.delivery.drain()
        finally:
            timers.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await timers
            self.printer.out.flush()


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
