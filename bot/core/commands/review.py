"""/review: the questions each student is due to review; /progress: how well they remember."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.core.commands.practice import (
    PRACTICE_ANSWER,
    book_key,
    current,
    keep,
    show,
    student_of,
)
from bot.core.commands.registry import Context
from bot.core.messages import Choice, Reply
from bot.core.parser import Parsed
from bot.core.ports import StoreUnavailable
from bot.core.quiz.deck import Card, card_for
from bot.core.quiz.practice import Origin, Practice
from bot.core.review.memory import Memory, Progress
from bot.core.review.records import MemoryState, Student

REVIEW_BATCH = 20  # due questions one /review deals at most
FIRST_QUIZ = "timeline"  # where a student with no history is sent first
NO_STORE = "Reviews and progress need the bot's database, which this setup does not have."
STORE_DOWN = "I cannot reach my memory of your reviews right now; try again in a minute."


def _private(text: str, *choices: Choice, title: str | None = None) -> Reply:
    return Reply(text=text, title=title, choices=choices, ephemeral=True)


def in_words(span: timedelta) -> str:
    """A span as people say it: "in 4 minutes", "in 3 hours", "in 2 days"."""
    minutes = max(1, round(span.total_seconds() / 60))
    if minutes < 60:
        return f"in {minutes} minute{'s' * (minutes != 1)}"
    hours = round(minutes / 60)
    if hours < 48:
        return f"in {hours} hour{'s' * (hours != 1)}"
    days = round(hours / 24)
    return f"in {days} days"


def _first_steps(ctx: Context) -> Reply:
    first = (
        FIRST_QUIZ if FIRST_QUIZ in ctx.library.quizzes else min(ctx.library.quizzes, default="")
    )
    return _private(
        f"No reviews yet: try /practice {first}. Every answer you give in practice or in a class "
        "quiz is remembered, and /review brings each question back when you are about to "
        "forget it.",
        *((Choice(f"/practice {first}", f"/practice {first}"),) if first else ()),
        title="Review",
    )


def _cards(ctx: Context, due: list[MemoryState]) -> tuple[list[Card], list[Origin]]:
    """The due questions dealt afresh, skipping those the content no longer has."""
    cards: list[Card] = []
    origins: list[Origin] = []
    for memory in due:
        quiz = ctx.library.quizzes.get(memory.item.quiz_id)
        card = card_for(quiz, memory.item.card_key, ctx.catalog, ctx.rng) if quiz else None
        if quiz is not None and card is not None:
            cards.append(card)
            origins.append(Origin(quiz.id, memory.topic, quiz.defaults.seconds))
    return cards, origins


async def review(ctx: Context, args: Parsed) -> list[Reply]:
    memory = ctx.memory
    if memory is None:
        return [_private(NO_STORE)]
    student, now = student_of(ctx), ctx.command.at
    try:
        due = await memory.due(student, now, REVIEW_BATCH)
        cards, origins = _cards(ctx, due)
        if not cards:
            return [await _nothing_due(ctx, memory, student, now)]
    except StoreUnavailable:
        return [_private(STORE_DOWN)]
    practice = Practice(
        ctx.practices.new_id(), "review", "Review", cards, origins=origins, review=True
    )
    await current(ctx)  # a practice saved before a restart is replaced too
    replaced = ctx.practices.start(book_key(ctx), practice)
    if replaced is not None:
        await keep(ctx, replaced)  # no longer running: its saved copy goes
    # The review is saved from its first answer on: until then, /review after a restart deals
    # the same questions, which are still due (and saves a write on every /review).
    intro = (
        f"{len(cards)} question{'s' * (len(cards) != 1)} due, the most overdue first; only you "
        f"see them. Answer with the buttons or {PRACTICE_ANSWER} <answer>; /practice skip "
        "brings a question back at the end, /practice stop ends the review."
    )
    if replaced is not None and not replaced.finished:
        intro += f" (Your practice of “{replaced.title}” was stopped.)"
    return [_private(intro), show(ctx, practice)]


async def _nothing_due(ctx: Context, memory: Memory, student: Student, now: datetime) -> Reply:
    upcoming = await memory.next_due(student)
    if upcoming is None:
        return _first_steps(ctx)
    tried = await memory.quizzes_tried(student)
    text = (
        f"Nothing is due. Your next review is {in_words(upcoming - now)} "
        f"({upcoming:%d %b %H:%M} UTC)."
    )
    untried = [q for q in sorted(ctx.library.quizzes.values(), key=lambda q: q.id)
               if q.id not in tried]  # fmt: skip
    choices: tuple[Choice, ...] = ()
    if untried:
        text += f" Meanwhile, a quiz you have not tried: {untried[0].title}."
        choices = (Choice(f"/practice {untried[0].id}", f"/practice {untried[0].id}"),)
    return _private(text, *choices, title="Review")


def _progress_text(ctx: Context, progress: Progress, now: datetime) -> str:
    lines = []
    for row in progress.topics:
        topic = ctx.catalog.topics.get(row.topic or "")
        name = topic.title if topic else "Other questions"
        lines.append(
            f"• {name}: {row.seen} seen, {row.well_remembered} well remembered, {row.due} due "
            f"now, {row.accuracy:.0%} right ({row.right} of {row.reviews} answers)"
        )
    days = progress.streak
    lines.append("")
    lines.append(f"Days in a row with study: {days}." if days else "No study today or yesterday.")
    if progress.next_due is not None:
        when = progress.next_due
        lines.append(
            "Questions are due now: /review." if when <= now
            else f"Next review {in_words(when - now)} ({when:%d %b %H:%M} UTC)."
        )  # fmt: skip
    return "\n".join(lines)


async def progress(ctx: Context, args: Parsed) -> list[Reply]:
    if ctx.memory is None:
        return [_private(NO_STORE)]
    student, now = student_of(ctx), ctx.command.at
    try:
        found = await ctx.memory.progress(student, now)
    except StoreUnavailable:
        return [_private(STORE_DOWN)]
    if found.empty:
        return [_first_steps(ctx)]
    due = sum(row.due for row in found.topics)
    choices = [Choice("/review", "/review")] if due else []
    choices.append(Choice("Forget my history", "/progress forget"))
    return [
        _private(
            _progress_text(ctx, found, now)
            + "\n\n“Well remembered”: FSRS gives you a 90% or better chance of recalling it now.",
            *choices,
            title="Your progress",
        )
    ]


async def forget(ctx: Context, args: Parsed) -> list[Reply]:
    """Asks first; "/progress forget confirm" deletes the student's review history."""
    if ctx.memory is None:
        return [_private(NO_STORE)]
    if args.args.strip().casefold() != "confirm":
        return [
            _private(
                "This deletes everything I remember of your answers: your reviews and "
                "progress on every quiz, on this platform. It cannot be undone.",
                Choice("Yes, forget it all", "/progress forget confirm"),
                Choice("Keep it", "/progress"),
                title="Forget my history?",
            )
        ]
    try:
        deleted = await ctx.memory.forget(student_of(ctx))
    except StoreUnavailable:
        return [_private(STORE_DOWN)]
    ctx.practices.end(book_key(ctx))
    return [
        _private(
            f"Done: I have forgotten your {deleted} review{'s' * (deleted != 1)}. "
            "/practice starts afresh.",
            title="History forgotten",
        )
    ]
