"""The application: one `handle(command) -> replies` that every adapter calls."""

from __future__ import annotations

import logging
import random

from rapidfuzz import fuzz, process

from bot.core.commands.catalogue import default_registry
from bot.core.commands.registry import Context, Registry
from bot.core.content.library import ContentLibrary
from bot.core.messages import Command, Reply
from bot.core.parser import ParseError, parse
from bot.core.quiz.practice import PracticeBook

log = logging.getLogger(__name__)


class Lectern:
    def __init__(
        self,
        library: ContentLibrary,
        *,
        rng: random.Random | None = None,
        registry: Registry | None = None,
    ) -> None:
        self.library = library
        self.rng = rng or random.Random()
        self.registry = registry or default_registry()
        self.practices = PracticeBook()
        self._options = frozenset(o for spec in self.registry.all() for o in spec.options)

    def handle(self, command: Command) -> list[Reply]:
        """Answer one command. Never raises: a fault becomes a polite reply and a log line."""
        try:
            return self._dispatch(command)
        except Exception:
            log.exception("command failed: %r from %s", command.text[:80], command.actor.user_id)
            return [
                Reply(
                    text="Sorry, something went wrong with that command. It has been logged; "
                    "please try again or try another command.",
                    ephemeral=True,
                )
            ]

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
        context = Context(
            command=command,
            spec=spec,
            library=self.library,
            rng=self.rng,
            registry=self.registry,
            practices=self.practices,
        )
        return spec.handler(context, parsed)

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
