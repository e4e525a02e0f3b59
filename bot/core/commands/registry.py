"""How a command is declared: name, usage, help, options, who may use it, who sees the answer,
its handler, and its subcommands. The single source of /help, usage lines, dispatch and (next)
the platforms' slash-command menus."""

from __future__ import annotations

import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from typing import Literal

from bot.core.content.catalog import Catalog
from bot.core.course.library import ContentLibrary
from bot.core.daily.poster import DailyPoster
from bot.core.messages import Command, Reply
from bot.core.parser import Parsed
from bot.core.quiz.classroom import Classroom
from bot.core.quiz.practice import PracticeBook
from bot.core.quiz.store_port import Store
from bot.core.review.memory import Memory

# "private": only the user sees the answer (an adapter defers ephemerally); "channel": everyone.
Visibility = Literal["private", "channel"]


@dataclass(frozen=True, slots=True)
class Context:
    command: Command
    spec: CommandSpec  # the command (or subcommand) being handled
    library: ContentLibrary
    rng: random.Random
    registry: Registry
    practices: PracticeBook
    classroom: Classroom | None = None  # class sessions need the store; None without one
    store: Store | None = None
    daily: DailyPoster | None = None  # daily posts need the store too
    memory: Memory | None = None  # so do reviews and progress

    @property
    def catalog(self) -> Catalog:
        return self.library.catalog


Handler = Callable[[Context, Parsed], Awaitable[list[Reply]]]


@dataclass(frozen=True, slots=True)
class CommandSpec:
    name: str  # "fact", or "quiz start" for a subcommand
    usage: str  # e.g. "/whosaid <fragment>"
    summary: str
    examples: tuple[str, ...]
    handler: Handler
    needs_args: bool = False
    teacher_only: bool = False
    options: frozenset[str] = frozenset()
    details: str = ""
    visibility: Visibility = "channel"
    # A group's subcommands, picked by the first word; the group's own handler takes the rest.
    subcommands: tuple[CommandSpec, ...] = ()

    def usage_reply(self, problem: str) -> Reply:
        examples = "\n".join(f"  {e}" for e in self.examples)
        return Reply(
            text=f"{problem}\nUsage: {self.usage}\nExample:\n{examples}",
            title=f"/{self.name}",
            ephemeral=True,
        )

    def subcommand(self, word: str) -> CommandSpec | None:
        wanted = f"{self.name} {word.casefold()}"
        return next((s for s in self.subcommands if s.name == wanted), None)

    @property
    def all_options(self) -> frozenset[str]:
        return self.options.union(*(s.options for s in self.subcommands))


class Registry:
    def __init__(self) -> None:
        self._commands: dict[str, CommandSpec] = {}

    def add(self, spec: CommandSpec) -> None:
        if spec.name in self._commands:
            raise ValueError(f"command /{spec.name} declared twice")
        self._commands[spec.name] = spec

    def get(self, name: str) -> CommandSpec | None:
        return self._commands.get(name)

    def all(self) -> list[CommandSpec]:
        return list(self._commands.values())

    def names(self) -> list[str]:
        return list(self._commands)

    def resolve(self, parsed: Parsed) -> tuple[CommandSpec, Parsed] | None:
        """The spec that handles `parsed` (a subcommand when its first word names one), and the
        arguments left for it; None for an unknown command."""
        spec = self._commands.get(parsed.name)
        if spec is None:
            return None
        words = parsed.words
        sub = spec.subcommand(words[0]) if words else None
        if sub is None:
            return spec, parsed
        rest = parsed.args[len(words[0]) :].strip()
        return sub, replace(parsed, args=rest)
