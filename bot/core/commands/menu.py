"""The declaration of every command: the single source of /help, usage lines and dispatch."""

from __future__ import annotations

from bot.core.commands import (
    browse,
    class_quiz,
    daily,
    lookups,
    meta,
    practice,
    quiz_browse,
    review,
    timeline,
)
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
            visibility="private",
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
            name="timeline",
            usage="/timeline [year | topic | person]",
            summary="The course's dated events in order, each with its date and source.",
            examples=("/timeline", "/timeline 2002", "/timeline csto", "/timeline putin"),
            handler=timeline.timeline,
            details="A year shows that year; a topic or a person shows the events about them.",
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
            handler=quiz_browse.quiz_group,
            details="start, skip, stop, results and report are for teachers; everyone answers.",
            visibility="private",
            subcommands=(
                CommandSpec(
                    name="quiz list",
                    usage="/quiz list",
                    summary="The quizzes of the course.",
                    examples=("/quiz list",),
                    handler=quiz_browse.quiz_list,
                ),
                CommandSpec(
                    name="quiz info",
                    usage="/quiz info <quiz>",
                    summary="What a quiz asks: types, difficulty, session defaults, topics.",
                    examples=("/quiz info timeline",),
                    handler=quiz_browse.quiz_info,
                ),
                CommandSpec(
                    name="quiz start",
                    usage="/quiz start <quiz> [questions:N] [seconds:S] [scoring:speed|first|flat]",
                    summary="Runs a quiz for the whole channel.",
                    examples=("/quiz start timeline questions:5 seconds:20",),
                    handler=class_quiz.start,
                    teacher_only=True,
                    options=frozenset({"questions", "seconds", "scoring"}),
                    visibility="private",
                ),
                CommandSpec(
                    name="quiz answer",
                    usage="/quiz answer <answer>",
                    summary="Answers the open question (or click a button).",
                    examples=("/quiz answer B", "/quiz answer 1999"),
                    handler=class_quiz.answer,
                    visibility="private",
                ),
                CommandSpec(
                    name="quiz status",
                    usage="/quiz status",
                    summary="Which question is open and how many play.",
                    examples=("/quiz status",),
                    handler=class_quiz.status,
                    visibility="private",
                ),
                CommandSpec(
                    name="quiz skip",
                    usage="/quiz skip",
                    summary="Closes the open question, or moves on after a reveal.",
                    examples=("/quiz skip",),
                    handler=class_quiz.skip,
                    teacher_only=True,
                    visibility="private",
                ),
                CommandSpec(
                    name="quiz stop",
                    usage="/quiz stop",
                    summary="Ends the quiz now, with the podium.",
                    examples=("/quiz stop",),
                    handler=class_quiz.stop,
                    teacher_only=True,
                    visibility="private",
                ),
                CommandSpec(
                    name="quiz report",
                    usage="/quiz report [#id]",
                    summary="How each question went, the misconceptions, who needs help, a chart.",
                    examples=("/quiz report", "/quiz report #12"),
                    handler=class_quiz.report,
                    details="Per question: the share right, the wrong answer most chosen (with "
                    "the quiz's feedback for it), the median time; the three hardest questions; "
                    "the students under half right (only you see them); a PNG chart.",
                    teacher_only=True,
                    visibility="private",
                ),
                CommandSpec(
                    name="quiz results",
                    usage="/quiz results [#id]",
                    summary="A CSV of every answer, and a summary per student.",
                    examples=("/quiz results", "/quiz results #12"),
                    handler=class_quiz.results,
                    teacher_only=True,
                    visibility="private",
                ),
            ),
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
            handler=class_quiz.leaderboard,
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
            handler=practice.practice,
            options=frozenset({"questions"}),
            details="/practice alone shows your current question, or the quizzes.",
            visibility="private",
            subcommands=(
                CommandSpec(
                    name="practice answer",
                    usage="/practice answer <answer>",
                    summary="Answers your practice question (or click a button).",
                    examples=("/practice answer B",),
                    handler=practice.practice_answer,
                    visibility="private",
                ),
                CommandSpec(
                    name="practice skip",
                    usage="/practice skip",
                    summary="Shows the answer and moves on.",
                    examples=("/practice skip",),
                    handler=practice.practice_skip,
                    visibility="private",
                ),
                CommandSpec(
                    name="practice stop",
                    usage="/practice stop",
                    summary="Ends your practice with a summary.",
                    examples=("/practice stop",),
                    handler=practice.practice_stop,
                    visibility="private",
                ),
            ),
        ),
        CommandSpec(
            name="class",
            usage="/class progress [period:week|month|all]",
            summary="Teachers: how the class is doing by topic across its quiz sessions.",
            examples=("/class progress", "/class progress period:week"),
            handler=class_quiz.class_group,
            visibility="private",
            subcommands=(
                CommandSpec(
                    name="class progress",
                    usage="/class progress [period:week|month|all]",
                    summary="Per topic: the class's accuracy, its trend, a chart, what to revise.",
                    examples=("/class progress", "/class progress period:all"),
                    handler=class_quiz.class_progress,
                    teacher_only=True,
                    options=frozenset({"period"}),
                    details="Over the last month unless a period is given. A topic is due for "
                    "revision when the class gets under 70% of it right, or when a third of its "
                    "questions are due for review in the students' memory.",
                    visibility="private",
                ),
            ),
        ),
        CommandSpec(
            name="review",
            usage="/review",
            summary="The questions you are due to review, most overdue first; only you see it.",
            examples=("/review",),
            handler=review.review,
            details="Every answer you give in practice or in a class quiz is remembered (FSRS "
            "spaced repetition): a question comes back soon when you miss it and later and "
            "later as you keep getting it right. /practice skip brings a question back at "
            "the end.",
            visibility="private",
        ),
        CommandSpec(
            name="progress",
            usage="/progress | /progress forget",
            summary="How well you remember each topic, and your days in a row; only you see it.",
            examples=("/progress", "/progress forget"),
            handler=review.progress,
            details="Per topic: questions seen, well remembered (90% or better chance of "
            "recall now), due now, and your share of right answers. /progress forget deletes "
            "your review history after you confirm.",
            visibility="private",
            subcommands=(
                CommandSpec(
                    name="progress forget",
                    usage="/progress forget",
                    summary="Deletes everything the bot remembers of your answers (asks first).",
                    examples=("/progress forget",),
                    handler=review.forget,
                    visibility="private",
                ),
            ),
        ),
        CommandSpec(
            name="daily",
            usage="/daily set <HH:MM> [timezone] [topic:<topic>] | off | status | now "
            "| timezone <zone>",
            summary="A fact of the day in this channel, at a local time a teacher picks.",
            examples=(
                "/daily status",
                "/daily set 08:00 Europe/Oslo",
                "/daily set 13:30 America/New_York topic:isaf",
                "/daily timezone Asia/Kolkata",
            ),
            handler=daily.daily_group,
            details="set, off, now and timezone are for teachers. Time zones are IANA names "
            "(Europe/Oslo, America/New_York, Asia/Kolkata). No fact repeats until every one "
            "has been posted.",
            visibility="private",
            subcommands=(
                CommandSpec(
                    name="daily set",
                    usage="/daily set <HH:MM> [timezone] [topic:<topic>]",
                    summary="Posts a fact here every day at that local time.",
                    examples=(
                        "/daily set 08:00 Europe/Oslo",
                        "/daily set 7:30am America/New_York topic:isaf",
                    ),
                    handler=daily.set_,
                    teacher_only=True,
                    options=frozenset({"topic"}),
                    visibility="private",
                ),
                CommandSpec(
                    name="daily off",
                    usage="/daily off",
                    summary="Stops the daily fact in this channel.",
                    examples=("/daily off",),
                    handler=daily.off,
                    teacher_only=True,
                    visibility="private",
                ),
                CommandSpec(
                    name="daily status",
                    usage="/daily status",
                    summary="When the next fact comes, its topic, and how many are left.",
                    examples=("/daily status",),
                    handler=daily.status,
                    visibility="private",
                ),
                CommandSpec(
                    name="daily now",
                    usage="/daily now",
                    summary="Posts today's fact now; it counts as today's.",
                    examples=("/daily now",),
                    handler=daily.now,
                    teacher_only=True,
                    visibility="private",
                ),
                CommandSpec(
                    name="daily timezone",
                    usage="/daily timezone <zone>",
                    summary="This server's time zone, used by /daily set without one.",
                    examples=("/daily timezone Europe/Oslo", "/daily timezone America/New_York"),
                    handler=daily.timezone,
                    teacher_only=True,
                    visibility="private",
                ),
            ),
        ),
        CommandSpec(
            name="reload",
            usage="/reload",
            summary="Reloads the content files; on errors keeps the last good content.",
            examples=("/reload",),
            handler=meta.reload,
            teacher_only=True,
            visibility="private",
        ),
    ):
        registry.add(spec)
    return registry
