"""The application: one `handle(command) -> replies` that every adapter calls."""

from __future__ import annotations

import logging
import random

from rapidfuzz import fuzz, process

from bot.core.commands import classes
from bot.core.commands.catalogue import default_registry
from bot.core.commands.classes import CLASS_ACTIONS
from bot.core.commands.registry import CommandSpec, Context, Registry
from bot.core.content.library import ContentLibrary
from bot.core.messages import Command, Reply
from bot.core.parser import Parsed, ParseError, parse
from bot.core.ports import Store
from bot.core.quiz.classroom import Classroom
from bot.core.quiz.practice import PracticeBook

log = logging.getLogger(__name__)


def _failed(command: Command) -> list[Reply]:
    """A handler fault: logged for us, a polite reply for the user."""
    log.exception("command failed: %r from %s", command.text[:80], command.actor.user_id)
    return [
        Reply(
            text="Sorry, something went wrong with that command. It has been logged; "
            "please try again or try another command.",
            ephemeral=True,
        )
    ]


class Lectern:
    def __init__(
        self,
        library: ContentLibrary,
        *,
        rng: random.Random | None = None,
        registry: Registry | None = None,
        classroom: Classroom | None = None,
        store: Store | None = None,
    ) -> None:
        self.library = library
        self.classroom = classroom
        self.store = store
        self.rng = rng or random.Random()
        self.registry = registry or default_registry()
        self.practices = PracticeBook()
        self._options = frozenset(o for spec in self.registry.all() for o in spec.options)

    def handle(self, command: Command) -> list[Reply]:
        """Answer one command. Never raises: a fault becomes a polite reply and a log line."""
        try:
            return self._dispatch(command)
        except Exception:
            return _failed(command)

    async def dispatch(self, command: Command) -> list[Reply]:
        """Answer one command, class sessions and leaderboards included. Never raises."""
        try:
            return await self._dispatch_async(command)
        except Exception:
            return _failed(command)

    async def _dispatch_async(self, command: Command) -> list[Reply]:
        parsed = parse(command.text, option_names=self._options)
        if isinstance(parsed, Parsed) and self.classroom is not None and self.store is not None:
            spec = self.registry.get(parsed.name)
            words = parsed.words
            if spec is not None and parsed.name == "quiz" and words[:1]:
                action = words[0].casefold()
            else:
                action = ""
            if spec is not None and action in CLASS_ACTIONS:
                context = self._context(command, spec)
                return await classes.quiz_action(context, parsed, self.classroom, self.store)
            if spec is not None and parsed.name == "leaderboard":
                return await classes.leaderboard(self._context(command, spec), parsed, self.store)
        return self._dispatch(command)

    def _context(self, command: Command, spec: CommandSpec) -> Context:
        return Context(
            command=command,
            spec=spec,
            library=self.library,
            rng=self.rng,
            registry=self.registry,
            practices=self.practices,
        )

    def _dispatch(self, command: Command) -> list[Reply]:
        parsed = parse(command.text, option_names=self._options)
        if isinstance(parsed, ParseError):
            if parsed.name is not None:
                return [self._unknown(parsed.name, parsed.message)]
            return [Reply(text=parsed.message, ephemeral=True)]
        spec = self.registry.get(parsed.name)
        if spec is None:
            return [self._unknown(parsed.name, f"There is no /{parsed.name} command.")]
        if spec.teacher_only and not command.actor.is_teacher:
            return [Reply(text=f"Only a teacher can use /{spec.name}.", ephemeral=True)]
        if spec.needs_args and not parsed.args:
            return [spec.usage_reply(f"/{spec.name} needs something to work on.")]
        return spec.handler(self._context(command, spec), parsed)

    def _unknown(self, name: str, message: str) -> Reply:
        guess = process.extractOne(name, self.registry.names(), scorer=fuzz.WRatio, score_cutoff=60)
        if guess is None:
            return Reply(text=f"{message} Type /help for the list of commands.", ephemeral=True)
        spec = self.registry.get(guess[0])
        assert spec is not None
        return Reply(
            text=f"{message} Did you mean /{spec.name}?\nUsage: {spec.usage}\n"
            f"Example: {spec.examples[0]}",
            ephemeral=True,
        )
