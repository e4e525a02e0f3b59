"""The slash commands: Discord's typed options in, the core's command text out.

Each command builds the line a user would type ("/quiz start timeline questions:5") and hands it
to the core, so there is one grammar and the core checks everything (teachers included) again.
Names and summaries come from the core's registry; the options are declared here because
Discord types and describes them. `CORE_NAMES` maps each to the core command it sends, and a
test checks that every core command and subcommand has one.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any, Literal, Protocol

import discord
from discord import app_commands

from bot.core.commands.registry import Registry
from bot.core.course.suggest import Kind
from bot.core.text import shorten

DESCRIPTION_CHARS = 100
Interaction = discord.Interaction[Any]
Choice = app_commands.Choice
# Commands students should not even see in the client (the core refuses them anyway).
TEACHER_PERMISSIONS = discord.Permissions(manage_channels=True)

# Discord's name of a command -> the core command (or subcommand) it sends.
CORE_NAMES = {
    "help": "help",
    "fact": "fact",
    "whosaid": "whosaid",
    "quotes": "quotes",
    "quote": "quote",
    "define": "define",
    "topics": "topics",
    "sources": "sources",
    "timeline": "timeline",
    "leaderboard": "leaderboard",
    "reload": "reload",
    "practice start": "practice",
    "practice current": "practice",
    "practice answer": "practice answer",
    "practice skip": "practice skip",
    "practice stop": "practice stop",
    "review": "review",
    "progress show": "progress",
    "progress forget": "progress forget",
    "class progress": "class progress",
    "quiz list": "quiz list",
    "quiz info": "quiz info",
    "quiz start": "quiz start",
    "quiz answer": "quiz answer",
    "quiz status": "quiz status",
    "quiz skip": "quiz skip",
    "quiz stop": "quiz stop",
    "quiz results": "quiz results",
    "quiz report": "quiz report",
    "daily status": "daily status",
    "daily set": "daily set",
    "daily off": "daily off",
    "daily now": "daily now",
    "daily timezone": "daily timezone",
}


class Runs(Protocol):
    """What a command hands its text to, and where autocomplete comes from."""

    async def handle(self, interaction: Interaction, text: str) -> None: ...

    def suggestions(self, kind: Kind, typed: str) -> list[Choice[str]]: ...


def _clean(value: str) -> str:
    """One line: an option's text goes into a command line."""
    return " ".join(value.split())


def _line(*parts: str | None, **options: object) -> str:
    words = [_clean(p) for p in parts if p]
    words += [f"{k}:{_clean(str(v))}" for k, v in options.items() if v is not None]
    return " ".join(w for w in words if w)


def build(
    runner: Runs, registry: Registry
) -> list[app_commands.Command[Any, ..., Any] | app_commands.Group]:
    """Every slash command, wired to `runner`."""

    def summary(name: str) -> str:
        spec = registry.get(name.split()[0])
        if spec is not None and " " in name:
            spec = spec.subcommand(name.split()[1])
        assert spec is not None, name
        return shorten(spec.summary, DESCRIPTION_CHARS)

    def completes(
        kind: Kind,
    ) -> Callable[[Interaction, str], Coroutine[Any, Any, list[Choice[str]]]]:
        async def complete(interaction: Interaction, current: str) -> list[Choice[str]]:
            return runner.suggestions(kind, current)

        return complete

    def command(
        name: str, callback: Callable[..., Coroutine[Any, Any, None]], group: str | None = None
    ) -> app_commands.Command[Any, ..., Any]:
        full = f"{group} {name}" if group else name
        return app_commands.Command(
            name=name,
            description=summary(CORE_NAMES[full]),
            callback=callback,
        )

    @app_commands.describe(command="A command to explain, e.g. whosaid")
    async def help_(interaction: Interaction, command: str | None = None) -> None:
        await runner.handle(interaction, _line("/help", command))

    @app_commands.describe(
        topic="Only facts on this topic (see /topics)",
        search="A question or some words: the facts that best answer it",
    )
    async def fact(
        interaction: Interaction, topic: str | None = None, search: str | None = None
    ) -> None:
        if search:
            await runner.handle(interaction, _line("/fact search", search))
        else:
            await runner.handle(interaction, _line("/fact", topic))

    @app_commands.describe(fragment="Some words of the quote; typos and any order are fine")
    async def whosaid(interaction: Interaction, fragment: app_commands.Range[str, 1, 300]) -> None:
        await runner.handle(interaction, _line("/whosaid", fragment))

    @app_commands.describe(person="A name, an alias or a misspelling")
    async def quotes(interaction: Interaction, person: app_commands.Range[str, 1, 100]) -> None:
        await runner.handle(interaction, _line("/quotes", person))

    @app_commands.describe(id="The quote's id, as /quotes shows it")
    async def quote(interaction: Interaction, id: app_commands.Range[str, 1, 100]) -> None:
        await runner.handle(interaction, _line("/quote", id))

    @app_commands.describe(term="An acronym or a term; leave empty for the list")
    async def define(interaction: Interaction, term: str | None = None) -> None:
        await runner.handle(interaction, _line("/define", term))

    async def topics(interaction: Interaction) -> None:
        await runner.handle(interaction, "/topics")

    async def sources(interaction: Interaction) -> None:
        await runner.handle(interaction, "/sources")

    @app_commands.describe(about="A year (2002), a topic or a person; empty for every event")
    async def timeline(interaction: Interaction, about: str | None = None) -> None:
        await runner.handle(interaction, _line("/timeline", about))

    @app_commands.describe(
        quiz="Only this quiz",
        period="Only sessions of the last week or month",
        scope="This channel (default) or the whole server",
    )
    async def leaderboard(
        interaction: Interaction,
        quiz: str | None = None,
        period: Literal["week", "month", "all"] | None = None,
        scope: Literal["channel", "server"] | None = None,
    ) -> None:
        await runner.handle(interaction, _line("/leaderboard", quiz, period=period, scope=scope))

    async def reload(interaction: Interaction) -> None:
        await runner.handle(interaction, "/reload")

    async def review(interaction: Interaction) -> None:
        await runner.handle(interaction, "/review")

    names = [Choice(name=n, value=n) for n in registry.names()[:25]]
    plain = [
        command("help", app_commands.choices(command=names)(help_)),
        command("fact", fact),
        command("whosaid", whosaid),
        command("quotes", quotes),
        command("quote", quote),
        command("define", define),
        command("topics", topics),
        command("sources", sources),
        command("timeline", timeline),
        command("leaderboard", leaderboard),
        command("reload", reload),
        command("review", review),
    ]
    by_name = {c.name: c for c in plain}
    by_name["fact"].autocomplete("topic")(completes("topic"))
    by_name["quotes"].autocomplete("person")(completes("person"))
    by_name["define"].autocomplete("term")(completes("term"))
    by_name["timeline"].autocomplete("about")(completes("about"))
    by_name["leaderboard"].autocomplete("quiz")(completes("quiz"))
    by_name["reload"].default_permissions = TEACHER_PERMISSIONS
    return [
        *plain,
        _quiz_group(runner, command, completes),
        _practice_group(runner, command, completes),
        _progress_group(runner, command),
        _class_group(runner, command),
        _daily_group(runner, command, completes),
    ]


def _quiz_group(runner: Runs, command: Any, completes: Any) -> app_commands.Group:
    group = app_commands.Group(
        name="quiz", description="Quizzes: browse them; a teacher runs one for the channel"
    )

    async def list_(interaction: Interaction) -> None:
        await runner.handle(interaction, "/quiz list")

    @app_commands.describe(quiz="The quiz's id (see /quiz list)")
    async def info(interaction: Interaction, quiz: str) -> None:
        await runner.handle(interaction, _line("/quiz info", quiz))

    @app_commands.describe(
        quiz="The quiz's id (see /quiz list)",
        questions="How many questions (default: the quiz's own)",
        seconds="Seconds per question (default: the quiz's own)",
        scoring="speed: faster right answers score more; first: only the first; flat: 1 each",
    )
    async def start(
        interaction: Interaction,
        quiz: str,
        questions: app_commands.Range[int, 1, 100] | None = None,
        seconds: app_commands.Range[int, 2, 600] | None = None,
        scoring: Literal["speed", "first", "flat"] | None = None,
    ) -> None:
        text = _line("/quiz start", quiz, questions=questions, seconds=seconds, scoring=scoring)
        await runner.handle(interaction, text)

    @app_commands.describe(answer="A letter (A-E), a year, a name or a few words")
    async def answer(interaction: Interaction, answer: app_commands.Range[str, 1, 200]) -> None:
        await runner.handle(interaction, _line("/quiz answer", answer))

    async def status(interaction: Interaction) -> None:
        await runner.handle(interaction, "/quiz status")

    async def skip(interaction: Interaction) -> None:
        await runner.handle(interaction, "/quiz skip")

    async def stop(interaction: Interaction) -> None:
        await runner.handle(interaction, "/quiz stop")

    @app_commands.describe(session="A session number (#12); default: the last in this channel")
    async def results(
        interaction: Interaction, session: app_commands.Range[int, 1] | None = None
    ) -> None:
        await runner.handle(interaction, _line("/quiz results", f"#{session}" if session else None))

    @app_commands.describe(session="A session number (#12); default: the last in this channel")
    async def report(
        interaction: Interaction, session: app_commands.Range[int, 1] | None = None
    ) -> None:
        await runner.handle(interaction, _line("/quiz report", f"#{session}" if session else None))

    for name, callback in (
        ("list", list_),
        ("info", info),
        ("start", start),
        ("answer", answer),
        ("status", status),
        ("skip", skip),
        ("stop", stop),
        ("results", results),
        ("report", report),
    ):
        sub = command(name, callback, "quiz")
        if "quiz" in sub._params:
            sub.autocomplete("quiz")(completes("quiz"))
        group.add_command(sub)
    return group


def _practice_group(runner: Runs, command: Any, completes: Any) -> app_commands.Group:
    group = app_commands.Group(
        name="practice", description="Work through a quiz alone, untimed; only you see it"
    )

    @app_commands.describe(quiz="The quiz's id (see /quiz list)", questions="How many questions")
    async def start(
        interaction: Interaction,
        quiz: str,
        questions: app_commands.Range[int, 1, 100] | None = None,
    ) -> None:
        await runner.handle(interaction, _line("/practice", quiz, questions=questions))

    async def current(interaction: Interaction) -> None:
        await runner.handle(interaction, "/practice")

    @app_commands.describe(answer="A letter (A-E), a year, a name or a few words")
    async def answer(interaction: Interaction, answer: app_commands.Range[str, 1, 200]) -> None:
        await runner.handle(interaction, _line("/practice answer", answer))

    async def skip(interaction: Interaction) -> None:
        await runner.handle(interaction, "/practice skip")

    async def stop(interaction: Interaction) -> None:
        await runner.handle(interaction, "/practice stop")

    for name, callback in (
        ("start", start),
        ("current", current),
        ("answer", answer),
        ("skip", skip),
        ("stop", stop),
    ):
        sub = command(name, callback, "practice")
        if name == "start":
            sub.autocomplete("quiz")(completes("quiz"))
        group.add_command(sub)
    return group


def _class_group(runner: Runs, command: Any) -> app_commands.Group:
    group = app_commands.Group(
        name="class", description="Teachers: how the class is doing, by topic"
    )

    @app_commands.describe(period="The last week, month (default) or all sessions")
    async def progress(
        interaction: Interaction, period: Literal["week", "month", "all"] | None = None
    ) -> None:
        await runner.handle(interaction, _line("/class progress", period=period))

    sub = command("progress", progress, "class")
    sub.default_permissions = TEACHER_PERMISSIONS
    group.add_command(sub)
    group.default_permissions = TEACHER_PERMISSIONS
    return group


def _progress_group(runner: Runs, command: Any) -> app_commands.Group:
    group = app_commands.Group(
        name="progress", description="How well you remember each topic; only you see it"
    )

    async def show(interaction: Interaction) -> None:
        await runner.handle(interaction, "/progress")

    async def forget(interaction: Interaction) -> None:
        # The core asks first; its "Yes" button sends the confirmation.
        await runner.handle(interaction, "/progress forget")

    for name, callback in (("show", show), ("forget", forget)):
        group.add_command(command(name, callback, "progress"))
    return group


def _daily_group(runner: Runs, command: Any, completes: Any) -> app_commands.Group:
    group = app_commands.Group(
        name="daily", description="A fact of the day in this channel, at a local time"
    )

    async def status(interaction: Interaction) -> None:
        await runner.handle(interaction, "/daily status")

    @app_commands.describe(
        time="Local time, HH:MM (e.g. 08:00 or 17:30)",
        timezone="An IANA zone, e.g. Europe/Oslo (default: the server's, else UTC)",
        topic="Only facts on this topic (default: the whole course)",
    )
    async def set_(
        interaction: Interaction,
        time: app_commands.Range[str, 1, 10],
        timezone: str | None = None,
        topic: str | None = None,
    ) -> None:
        await runner.handle(interaction, _line("/daily set", time, timezone, topic=topic))

    async def off(interaction: Interaction) -> None:
        await runner.handle(interaction, "/daily off")

    async def now(interaction: Interaction) -> None:
        await runner.handle(interaction, "/daily now")

    @app_commands.describe(zone="An IANA zone, e.g. Europe/Oslo or America/New_York")
    async def timezone(interaction: Interaction, zone: app_commands.Range[str, 1, 64]) -> None:
        await runner.handle(interaction, _line("/daily timezone", zone))

    for name, callback in (
        ("status", status),
        ("set", set_),
        ("off", off),
        ("now", now),
        ("timezone", timezone),
    ):
        sub = command(name, callback, "daily")
        for option, kind in (("timezone", "zone"), ("zone", "zone"), ("topic", "topic")):
            if option in sub._params:
                sub.autocomplete(option)(completes(kind))
        group.add_command(sub)
    return group
