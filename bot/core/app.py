"""The application: one `dispatch(command) -> replies` that every adapter calls.

The text is parsed once; the registry picks the command or subcommand; its handler runs; every
reply then passes `fit`, the one way out, which makes mentions inert and fits the reply to the
platform's limits, so that no handler can forget either.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Mapping
from dataclasses import replace

from rapidfuzz import fuzz, process

from bot.core.commands.menu import default_registry
from bot.core.commands.registry import CommandSpec, Context, Registry, Visibility
from bot.core.course.library import ContentLibrary
from bot.core.daily.poster import DailyPoster
from bot.core.fit import CONSOLE, fit
from bot.core.messages import Command, Limits, Reply
from bot.core.parser import Parsed, ParseError, parse
from bot.core.quiz.classroom import Classroom
from bot.core.quiz.practice import PracticeBook
from bot.core.quiz.store_port import Store
from bot.core.review.memory import Memory

log = logging.getLogger(__name__)

PAGE_OPTION = "page"  # any command's long list: /define page:2


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
        limits: Mapping[str, Limits] | None = None,
        daily: DailyPoster | None = None,
        memory: Memory | None = None,
        practice_ids: str = "",
    ) -> None:
        self.library = library
        self.classroom = classroom
        self.daily = daily
        self.memory = memory
        self.store = store
        self.rng = rng or random.Random()
        self.registry = registry or default_registry()
        # Practices outlive a restart: `practice_ids` keeps this process's ids new.
        self.practices = PracticeBook(prefix=practice_ids)
        self._limits = dict(limits or {})
        self._options = frozenset({PAGE_OPTION}).union(
            *(spec.all_options for spec in self.registry.all())
        )

    def limits(self, platform: str) -> Limits:
        return self._limits.get(platform, CONSOLE)

    def visibility(self, text: str) -> Visibility:
        """Who will see the answer to `text`, known before it is handled (so that an adapter can
        defer with the right visibility). Mistakes are answered privately."""
        spec = self._spec(text)
        return spec.visibility if spec is not None else "private"

    def teacher_only(self, text: str) -> bool:
        """Whether `text` is a teacher's command, so that an adapter looks the user's role up
        only when it matters (Slack's users.info is a Web API call)."""
        spec = self._spec(text)
        return spec is not None and spec.teacher_only

    def _spec(self, text: str) -> CommandSpec | None:
        """The command or subcommand `text` names; None for a mistake."""
        parsed = parse(text, option_names=self._options)
        if isinstance(parsed, ParseError):
            return None
        resolved = self.registry.resolve(parsed)
        return resolved[0] if resolved is not None else None

    async def dispatch(self, command: Command) -> list[Reply]:
        """Answer one command. Never raises: a fault becomes a polite reply and a log line."""
        parsed = parse(command.text, option_names=self._options)
        try:
            replies, private = await self._run(command, parsed)
        except Exception:
            replies, private = _failed(command), True
        page = parsed.options.get(PAGE_OPTION, "1") if isinstance(parsed, Parsed) else "1"
        number = int(page) if page.isdigit() and len(page) < 6 else 1
        limits = self.limits(command.channel.platform)
        fitted: list[Reply] = []
        for reply in replies:
            if private and not reply.ephemeral:
                reply = replace(reply, ephemeral=True)
            fitted.extend(fit(reply, limits, page=number))
        return fitted

    async def _run(self, command: Command, parsed: Parsed | ParseError) -> tuple[list[Reply], bool]:
        if isinstance(parsed, ParseError):
            if parsed.name is not None:
                return [self._unknown(parsed.name, parsed.message)], True
            return [Reply(text=parsed.message, ephemeral=True)], True
        resolved = self.registry.resolve(parsed)
        if resolved is None:
            return [self._unknown(parsed.name, f"There is no /{parsed.name} command.")], True
        spec, args = resolved
        private = spec.visibility == "private"
        if spec.teacher_only and not command.actor.is_teacher:
            return [Reply(text=f"Only a teacher can use /{spec.name}.", ephemeral=True)], True
        if spec.needs_args and not args.args:
            return [spec.usage_reply(f"/{spec.name} needs something to work on.")], True
        return await spec.handler(self._context(command, spec), args), private

    def _context(self, command: Command, spec: CommandSpec) -> Context:
        return Context(
            command=command,
            spec=spec,
            library=self.library,
            rng=self.rng,
            registry=self.registry,
            practices=self.practices,
            classroom=self.classroom,
            store=self.store,
            daily=self.daily,
            memory=self.memory,
        )

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
