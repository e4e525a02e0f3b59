"""How a command is declared: its name, usage, help text, examples and handler."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from bot.core.content.catalog import Catalog
from bot.core.content.library import ContentLibrary
from bot.core.messages import Command, Reply
from bot.core.parser import Parsed
from bot.core.quiz.practice import PracticeBook


@dataclass(frozen=True, slots=True)
class Context:
    command: Command
    spec: CommandSpec  # the command being handled
    library: ContentLibrary
    rng: random.Random
    registry: Registry
    practices: PracticeBook

    @property
    def catalog(self) -> Catalog:
        return self.library.catalog


Handler = Callable[[Context, Parsed], list[Reply]]


@dataclass(frozen=True, slots=True)
class CommandSpec:
    name: str
    usage: str  # e.g. "/whosaid <fragment>"
    summary: str
    examples: tuple[str, ...]
    handler: Handler
    needs_args: bool = False
    teacher_only: bool = False
    options: frozenset[str] = frozenset()
    details: str = ""

    def usage_reply(self, problem: str) -> Reply:
        examples = "\n".join(f"  {e}" for e in self.examples)
        return Reply(
            text=f"{problem}\nUsage: {self.usage}\nExample:\n{examples}",
            title=f"/{self.name}",
            ephemeral=True,
        )


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
