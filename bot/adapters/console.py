"""The console adapter: an interactive prompt, or a script of commands on piped stdin.

A line may start with `@name ` to speak as another user, so that a whole class can be simulated
from a script; a bare number picks that choice of the last reply shown to that user.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, TextIO

from bot.core.commands.app import Lectern
from bot.core.messages import Actor, Channel, Choice, Command, Reply
from bot.core.ports import Clock

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

    def actor(self, name: str) -> Actor:
        roles = frozenset({"teacher"}) if name.casefold() in self.teachers else frozenset()
        return Actor(platform=PLATFORM, user_id=name.casefold(), display_name=name, roles=roles)

    def handle_line(self, line: str) -> list[Reply] | None:
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
        replies = self.app.handle(command)
        # A number picks from what is on screen now: replies without choices clear the old ones.
        choices = next((r.choices for r in reversed(replies) if r.choices), ())
        self._last_choices[user.casefold()] = choices
        self.emit(line.rstrip("\r\n"), user, replies)
        return replies

    def _pick(self, user: str, text: str) -> str | None:
        if not text.isdigit():
            return None
        choices = self._last_choices.get(user.casefold(), ())
        index = int(text) - 1
        return choices[index].value if 0 <= index < len(choices) else None

    def run(self, lines: Iterable[str], interactive: bool = False) -> None:
        for line in lines:
            if line.strip().casefold() in _QUIT:
                break
            self.handle_line(line)
            if interactive:
                self.out.write("> ")
            self.out.flush()

    def emit(self, line: str, user: str, replies: list[Reply]) -> None:
        for reply in replies:
            if self.as_json:
                self.out.write(json.dumps(to_json(line, user, reply), ensure_ascii=False) + "\n")
            else:
                self.out.write(to_text(reply) + "\n")


def to_json(line: str, user: str, reply: Reply) -> dict[str, Any]:
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
