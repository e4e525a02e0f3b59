"""/quiz start|answer|skip|stop|status|results and /leaderboard: class sessions, which need the
class engine and its store."""

from __future__ import annotations

import asyncio
import csv
import io
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime, timedelta

from bot.core.commands.quiz_browse import find_quiz, no_store
from bot.core.commands.registry import Context, Handler
from bot.core.messages import Attachment, Channel, Reply
from bot.core.parser import Parsed
from bot.core.ports import StoreUnavailable
from bot.core.quiz.charts import progress_chart, report_chart
from bot.core.quiz.class_progress import LOW_ACCURACY, Played, TopicTrend, trends
from bot.core.quiz.classroom import Classroom, load_cards
from bot.core.quiz.deck import Card, deal, topic_of
from bot.core.quiz.models import Quiz
from bot.core.quiz.records import SessionRecord
from bot.core.quiz.render import unbind
from bot.core.quiz.report import SessionReport, build, choice_letter
from bot.core.quiz.scoring import SCORING_MODES
from bot.core.quiz.store_port import Store
from bot.core.review.records import Student
from bot.core.text import shorten

PERIODS = {"week": timedelta(days=7), "month": timedelta(days=30), "all": None}
NO_CHART = "(The chart would be larger than the platform lets a bot upload: every figure is above.)"
MAX_PROGRESS_SESSIONS = 200  # the newest sessions /class progress reads at most
MIN_SECONDS, MAX_SECONDS = 2, 600
MAX_QUESTIONS = 100


def _private(text: str) -> list[Reply]:
    return [Reply(text=text, ephemeral=True)]


UNREACHABLE = "The quiz database is not reachable just now: please try again shortly."


def _number(value: str | None, low: int, high: int) -> int | str | None:
    if value is None:
        return None
    if not value.isdigit() or not low <= int(value) <= high:
        return f"must be a whole number from {low} to {high}"
    return int(value)


ClassHandler = Callable[[Context, Parsed, Classroom, Store], Awaitable[list[Reply]]]


def _class(body: ClassHandler) -> Handler:
    """A handler that needs the class engine: without a database it says so, and an outage
    gets "try again" rather than a fault."""

    async def handler(ctx: Context, args: Parsed) -> list[Reply]:
        if ctx.classroom is None or ctx.store is None:
            return no_store()
        try:
            return await body(ctx, args, ctx.classroom, ctx.store)
        except StoreUnavailable:
            return _private(UNREACHABLE)

    return handler


@_class
async def start(ctx: Context, args: Parsed, room: Classroom, store: Store) -> list[Reply]:
    return await _start(ctx, args, room, ctx.command.channel, ctx.command.at)


@_class
async def answer(ctx: Context, args: Parsed, room: Classroom, store: Store) -> list[Reply]:
    text, session, number = unbind(args.args)
    if not text:
        return [ctx.spec.usage_reply("What is your answer? /quiz answer B")]
    command = ctx.command
    return [
        await room.answer(
            command.channel, command.actor, text, command.at, session=session, number=number
        )
    ]


@_class
async def skip(ctx: Context, args: Parsed, room: Classroom, store: Store) -> list[Reply]:
    return [await room.skip(ctx.command.channel, ctx.command.at)]


@_class
async def stop(ctx: Context, args: Parsed, room: Classroom, store: Store) -> list[Reply]:
    return [await room.stop(ctx.command.channel, ctx.command.at)]


@_class
async def status(ctx: Context, args: Parsed, room: Classroom, store: Store) -> list[Reply]:
    return _private(room.status(ctx.command.channel))


@_class
async def results(ctx: Context, args: Parsed, room: Classroom, store: Store) -> list[Reply]:
    return await _results(ctx, args.words, store, ctx.command.channel)


@_class
async def report(ctx: Context, args: Parsed, room: Classroom, store: Store) -> list[Reply]:
    place = ctx.command.channel
    chosen = await _session(args.words, store, place)
    if isinstance(chosen, list):
        return chosen
    answers = await store.answers(chosen.id)
    if not answers:
        return _private(
            f"No one answered in #{chosen.id} “{chosen.quiz_title}”: nothing to report."
        )
    cards = load_cards(chosen.cards)
    asked = min(len(cards), max(chosen.current + 1, 1 + max(a.question for a in answers)))
    found = build(cards, answers, await store.scores(chosen.id), asked)
    day = chosen.started_at.strftime("%Y-%m-%d")
    title = f"#{chosen.id} “{chosen.quiz_title}” ({day})"
    text = report_text(found, title)
    try:
        chart = await asyncio.to_thread(report_chart, found, shorten(title, 80))
    except ValueError:  # too large for the platforms at any resolution: the text has it all
        return [Reply(text=text + f"\n{NO_CHART}", title="Quiz report", ephemeral=True)]
    return [
        Reply(
            text=text,
            title="Quiz report",
            attachment=Attachment(
                f"lectern-report-{chosen.id}-{chosen.quiz_id}.png", chart, "image/png"
            ),
            ephemeral=True,
        )
    ]


def report_text(found: SessionReport, title: str) -> str:
    """Every figure of the chart in words too (for screen readers and the console)."""
    students, asked = len(found.scores), found.asked
    lines = [
        f"Report of {title}: {students} student{'s' * (students != 1)}, "
        f"{asked} question{'s' * (asked != 1)}."
    ]
    for q in found.questions:
        median = f"; median {q.median_seconds:.1f} s" if q.median_seconds is not None else ""
        lines.append(
            f"Q{q.number}: {q.share_right:.0%} right ({q.right} of {q.answered}{median}). "
            f"{shorten(q.prompt, 90)}"
        )
        wrong = q.misconception
        if wrong is not None:
            said = f" Its feedback: “{shorten(wrong.feedback, 120)}”" if wrong.feedback else ""
            lines.append(f"   Most chosen wrong answer: {wrong.answer} ({wrong.count}).{said}")
    hardest = ", ".join(f"Q{q.number} ({q.share_right:.0%})" for q in found.hardest)
    lines.append(f"Hardest: {hardest}.")
    counts = Counter(found.scores)
    spread = "; ".join(
        f"{n} right: {counts[n]}" for n in range(found.asked, -1, -1) if counts.get(n)
    )
    lines.append(f"Scores (students per number right): {spread}.")
    if found.needs_help:
        lines.append(f"Under half right: {', '.join(found.needs_help)}.")
    else:
        lines.append("Every student got at least half right.")
    return "\n".join(lines)


async def class_group(ctx: Context, args: Parsed) -> list[Reply]:
    """/class with no subcommand, or one it does not know."""
    problem = f"I don't know /class {shorten(args.args, 30)}." if args.args else "What about it?"
    return [ctx.spec.usage_reply(problem)]


@_class
async def class_progress(ctx: Context, args: Parsed, room: Classroom, store: Store) -> list[Reply]:
    """Per topic, the class's accuracy over the period and its trend, with a line chart; and
    the topics due for revision (weak, or mostly due in the students' memories)."""
    period = args.options.get("period", "month").casefold()
    if period not in PERIODS:
        return [ctx.spec.usage_reply("period: must be week, month or all.")]
    now, place = ctx.command.at, ctx.command.channel
    span = PERIODS[period]
    sessions = [
        s for s in await store.sessions_in(place, limit=MAX_PROGRESS_SESSIONS)
        if span is None or s.started_at >= now - span
    ]  # fmt: skip
    played, students = [], set()
    for session in sessions:
        _, topics = _cards_and_topics(ctx, session)
        answers = await store.answers(session.id)
        students |= {a.user_id for a in answers}
        pairs = [(topics[a.question], a.correct) for a in answers if a.question < len(topics)]
        played.append(Played(session.id, session.started_at, pairs))
    found = [t for t in trends(played) if t.answered]
    when = "all time" if span is None else f"the last {period}"
    if not found:
        return _private(f"No class quiz was answered in this channel in {when}.")
    due = await _class_memory(ctx, place.platform, students, now)
    names = {t: ctx.catalog.topics[t].title if t in ctx.catalog.topics else "Other"
             for t in [x.topic for x in found]}  # fmt: skip
    text = class_progress_text(found, names, due, len(sessions), when)
    try:
        chart = await asyncio.to_thread(
            progress_chart, found, names, f"Class progress by topic, {when}"
        )
    except ValueError:
        return [Reply(text=text + f"\n{NO_CHART}", title="Class progress", ephemeral=True)]
    return [
        Reply(
            text=text,
            title="Class progress",
            attachment=Attachment(f"lectern-class-progress-{period}.png", chart, "image/png"),
            ephemeral=True,
        )
    ]


async def _class_memory(
    ctx: Context, platform: str, students: set[str], now: datetime
) -> dict[str | None, tuple[int, int]]:
    """Per topic, (due now, seen) over the class's memories (with a store; else empty)."""
    totals: dict[str | None, tuple[int, int]] = {}
    if ctx.memory is None:
        return totals
    for user_id in sorted(students):
        for row in await ctx.memory.topic_progress(Student(platform, user_id), now):
            due, seen = totals.get(row.topic, (0, 0))
            totals[row.topic] = (due + row.due, seen + row.seen)
    return totals


def class_progress_text(
    found: list[TopicTrend],
    names: dict[str | None, str],
    due: dict[str | None, tuple[int, int]],
    sessions: int,
    when: str,
) -> str:
    lines = [f"Class progress over {when}: {sessions} session{'s' * (sessions != 1)}."]
    revise = []
    for topic in found:
        path = " → ".join(f"{share:.0%}" for _, share in topic.by_session)
        line = (
            f"• {names[topic.topic]}: {topic.accuracy:.0%} right ({topic.right} of "
            f"{topic.answered} answers); by session {path} ({topic.trend})"
        )
        waiting, seen = due.get(topic.topic, (0, 0))
        if seen:
            line += f"; {waiting} of {seen} questions due for review in the students' memory"
        lines.append(line + ".")
        if topic.accuracy < LOW_ACCURACY or (seen and waiting * 3 >= seen):
            revise.append(names[topic.topic])
    if revise:
        lines.append(f"Due for revision: {', '.join(revise)}.")
    else:
        lines.append("No topic is due for revision.")
    return "\n".join(lines)


@_class
async def leaderboard(ctx: Context, args: Parsed, room: Classroom, store: Store) -> list[Reply]:
    return await _leaderboard(ctx, args, store)


async def _start(
    ctx: Context, args: Parsed, classroom: Classroom, place: Channel, now: datetime
) -> list[Reply]:
    name = args.args
    if not name:
        return [ctx.spec.usage_reply("Which quiz? /quiz list shows them.")]
    found = find_quiz(ctx, name)
    if not isinstance(found, Quiz):
        shown = ", ".join(q.id for q in found) or ", ".join(sorted(ctx.library.quizzes))
        return _private(f"There is no quiz “{shorten(name, 40)}”. Try: {shown}.")
    quiz = found
    count = _number(args.options.get("questions"), 1, MAX_QUESTIONS)
    seconds = _number(args.options.get("seconds"), MIN_SECONDS, MAX_SECONDS)
    for label, value in (("questions", count), ("seconds", seconds)):
        if isinstance(value, str):
            return [ctx.spec.usage_reply(f"{label}: {value}.")]
    scoring = args.options.get("scoring", quiz.defaults.scoring).casefold()
    if scoring not in SCORING_MODES:
        return [ctx.spec.usage_reply(f"scoring: must be one of {', '.join(SCORING_MODES)}.")]
    wanted = min(count if isinstance(count, int) else quiz.defaults.count, quiz.size)
    cards = deal(quiz, ctx.catalog, ctx.rng, count=wanted)
    per_question = seconds if isinstance(seconds, int) else quiz.defaults.seconds
    reply = await classroom.start(
        place, ctx.command.actor, quiz.id, quiz.title, cards, per_question, scoring, now
    )
    return [reply]


RESULT_COLUMNS = (
    "question", "prompt", "topic", "student", "name", "answer", "choice", "correct", "points",
    "seconds",
)  # fmt: skip


def results_csv(rows: Sequence[tuple[object, ...]], summary: Sequence[tuple[object, ...]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(RESULT_COLUMNS)
    writer.writerows(rows)
    writer.writerow([])
    writer.writerow(["summary", "student", "name", "points", "correct", "answered"])
    writer.writerows(summary)
    return buffer.getvalue().encode("utf-8")


async def _session(words: list[str], store: Store, place: Channel) -> SessionRecord | list[Reply]:
    """The session `words` name ("#12"), else the channel's latest; or why there is none."""
    sessions = await store.sessions_in(place, limit=10)
    if words:
        wanted = words[0].lstrip("#")
        chosen = next((s for s in sessions if str(s.id) == wanted), None)
        if chosen is None and wanted.isdigit() and len(wanted) < 12 and place.server_id:
            # Another channel of the same server (one since deleted, say) by its session id.
            other = await store.get_session(int(wanted))
            where = (place.platform, place.server_id)
            if other is not None and (other.place.platform, other.place.server_id) == where:
                chosen = other
        if chosen is None:
            listed = ", ".join(f"#{s.id} {s.quiz_title}" for s in sessions) or "none yet"
            return _private(
                f"No session #{shorten(wanted, 20)} in this channel. Sessions: {listed}."
            )
        return chosen
    if sessions:
        return sessions[0]
    return _private("No quiz has been played in this channel yet.")


def _cards_and_topics(ctx: Context, session: SessionRecord) -> tuple[list[Card], list[str | None]]:
    """A session's cards as it dealt them, and the topic each counts under."""
    cards = load_cards(session.cards)
    quiz = ctx.library.quizzes.get(session.quiz_id)
    return cards, [topic_of(quiz, card.key, ctx.catalog) for card in cards]


async def _results(ctx: Context, words: list[str], store: Store, place: Channel) -> list[Reply]:
    chosen = await _session(words, store, place)
    if isinstance(chosen, list):
        return chosen
    answers = await store.answers(chosen.id)
    scores = await store.scores(chosen.id)
    cards, topics = _cards_and_topics(ctx, chosen)
    rows = [
        (
            a.question + 1,
            cards[a.question].prompt if a.question < len(cards) else "",
            (topics[a.question] or "") if a.question < len(cards) else "",
            a.user_id,
            a.display_name,
            a.text,
            choice_letter(cards[a.question], a.text) if a.question < len(cards) else "",
            "yes" if a.correct else "no",
            a.points,
            f"{a.latency_ms / 1000:.1f}",
        )
        for a in answers
    ]
    summary = [("", s.user_id, s.display_name, s.points, s.correct, s.answered) for s in scores]
    day = chosen.started_at.strftime("%Y-%m-%d")
    return [
        Reply(
            text=(
                f"Results of #{chosen.id} “{chosen.quiz_title}” ({day}, {chosen.status}): "
                f"{len(scores)} students, {len(answers)} answers."
            ),
            title="Quiz results",
            attachment=Attachment(
                f"lectern-results-{chosen.id}-{chosen.quiz_id}.csv",
                results_csv(rows, summary),
                "text/csv",
            ),
            ephemeral=True,
        )
    ]


async def _leaderboard(ctx: Context, args: Parsed, store: Store) -> list[Reply]:
    period = args.options.get("period", "all").casefold()
    if period not in PERIODS:
        return [ctx.spec.usage_reply("period: must be week, month or all.")]
    scope = args.options.get("scope", "channel").casefold()
    if scope not in ("channel", "server"):
        return [ctx.spec.usage_reply("scope: must be channel or server.")]
    quiz_id = None
    if args.args:
        found = find_quiz(ctx, args.args)
        if not isinstance(found, Quiz):
            return _private(f"There is no quiz “{shorten(args.args, 40)}”.")
        quiz_id = found.id
    place = ctx.command.channel
    span = PERIODS[period]
    since = ctx.command.at - span if span is not None else None
    rows = await store.leaderboard(
        place.platform,
        channel_id=place.channel_id if scope == "channel" else None,
        server_id=place.server_id if scope == "server" else None,
        quiz_id=quiz_id,
        since=since,
        limit=10,
    )
    where = "this channel" if scope == "channel" else "this server"
    what = f" in {quiz_id}" if quiz_id else ""
    title = f"Leaderboard: {where}{what}, {period if period != 'all' else 'all time'}"
    if not rows:
        return [Reply(text="No finished quiz yet.", title=title)]
    lines = [
        f"{n}. {row.display_name}: {row.points} points ({row.correct} right, "
        f"{row.sessions} quiz{'zes' if row.sessions != 1 else ''})"
        for n, row in enumerate(rows, start=1)
    ]
    return [Reply(text="\n".join(lines), title=title)]
