"""The declaration of every command: the single source of /help, usage lines and dispatch."""

from __future__ import annotations

from bot.core.commands import browse, lookups, meta, quizzes
from bot.core.commands.registry import CommandSpec, Registry


def default_registry() -> Registry:
    registry = Registry()
    for spec in (
        CommandSpec(
            name="help",
            usage="/help [command]",
            summary="What each command does, with examples.",
            examples=("/help", "/help whosaid"),
            handler=meta.help_,
        ),
        CommandSpec(
            name="fact",
            usage="/fact [topic] | /fact search <words>",
            summary="A random fact, optionally on one topic; or the facts that best answer "
            "a question.",
            examples=("/fact", "/fact isaf", "/fact search when did NATO take command of ISAF?"),
            handler=browse.fact,
            details="Topics are listed by /topics.",
        ),
        CommandSpec(
            name="whosaid",
            usage="/whosaid <fragment>",
            summary="Finds the quote a fragment comes from: speaker, role, date, context, source.",
            examples=("/whosaid csto backbone", "/whosaid unbalanced power danger"),
            handler=lookups.whosaid,
            needs_args=True,
            details="Typos, missing words, another word order, accents and case are fine.",
        ),
        CommandSpec(
            name="quotes",
            usage="/quotes <person>",
            summary="A person (by name, alias or a misspelling) and their quotes.",
            examples=("/quotes putin", "/quotes bordyuzha"),
            handler=lookups.quotes_of,
            needs_args=True,
        ),
        CommandSpec(
            name="quote",
            usage="/quote <id>",
            summary="One quote in full, by the id shown in /quotes.",
            examples=("/quote <id from /quotes>",),
            handler=lookups.quote_by_id,
            needs_args=True,
        ),
        CommandSpec(
            name="define",
            usage="/define <term>",
            summary="Expands an acronym or defines a term; /define alone lists them.",
            examples=("/define CSTO", "/define security dilemma"),
            handler=lookups.define,
        ),
        CommandSpec(
            name="topics",
            usage="/topics",
            summary="What the course covers, topic by topic.",
            examples=("/topics",),
            handler=browse.topics,
        ),
        CommandSpec(
            name="sources",
            usage="/sources",
            summary="The bibliography every answer cites.",
            examples=("/sources",),
            handler=browse.sources,
        ),
        CommandSpec(
            name="quiz",
            usage="/quiz list | info <quiz> | start <quiz> [questions:N] [seconds:S] "
            "[scoring:speed|first|flat] | answer <answer> | status | skip | stop | results [#id]",
            summary="Quizzes: browse them; a teacher runs one for the whole channel.",
            examples=(
                "/quiz list",
                "/quiz info timeline",
                "/quiz start timeline questions:5 seconds:20",
                "/quiz answer B",
                "/quiz results",
            ),
            handler=quizzes.quiz,
            options=frozenset({"questions", "seconds", "scoring"}),
            details="start, skip, stop and results are for teachers; everyone answers.",
        ),
        CommandSpec(
            name="leaderboard",
            usage="/leaderboard [quiz] [period:week|month|all] [scope:channel|server]",
            summary="The best players of finished quizzes, in this channel or the whole server.",
            examples=(
                "/leaderboard",
                "/leaderboard timeline period:week",
                "/leaderboard scope:server",
            ),
            handler=quizzes.no_store,
            options=frozenset({"period", "scope"}),
        ),
        CommandSpec(
            name="practice",
            usage="/practice <quiz> [questions:N] | /practice answer <answer> | /practice skip "
            "| /practice stop",
            summary="Work through a quiz alone, untimed; only you see it.",
            examples=(
                "/practice who-said-it",
                "/practice timeline questions:5",
                "/practice answer B",
            ),
            handler=quizzes.practice,
            options=frozenset({"questions"}),
            details="/practice alone shows your current question, or the quizzes.",
        ),
        CommandSpec(
            name="reload",
            usage="/reload",
            summary="Reloads the content files; on errors keeps the last good content.",
            examples=("/reload",),
            handler=meta.reload,
            teacher_only=True,
        ),
    ):
        registry.add(spec)
    return registry
