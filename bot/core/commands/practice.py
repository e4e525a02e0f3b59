"""/practice: one student works through a quiz alone, untimed, privately."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta

from fsrs import Rating
from pydantic import ValidationError

from bot.core.commands.quiz_browse import find_quiz, not_found, quiz_list_reply
from bot.core.commands.registry import Context, Handler
from bot.core.messages import Choice, Reply
from bot.core.parser import Parsed
from bot.core.ports import StoreUnavailable
from bot.core.quiz.deck import Card, deal, topic_of
from bot.core.quiz.models import Quiz
from bot.core.quiz.practice import Origin, Practice, dump_practice, load_practice
from bot.core.quiz.render import card_reply, unbind, verdict_reply
from bot.core.review.memory import Answered
from bot.core.review.rating import rate
from bot.core.review.records import ItemRef, Student
from bot.core.text import shorten

log = logging.getLogger(__name__)

PRACTICE_ANSWER = "/practice answer"
MAX_PRACTICE_QUESTIONS = 100


def book_key(ctx: Context) -> tuple[str, str]:
    """Whose practice this command is about, as the practice book keys it."""
    actor = ctx.command.actor
    return actor.platform, actor.user_id


def student_of(ctx: Context) -> Student:
    """Whose memory this command is about: the student per platform and user id."""
    return Student(*book_key(ctx))


def show(ctx: Context, practice: Practice) -> Reply:
    """The practice's current card (or its summary), timed from now."""
    practice.shown_at = ctx.command.at
    return _next_or_end(practice)


async def _remember(
    ctx: Context, practice: Practice, index: int, card: Card, correct: bool, skipped: bool
) -> None:
    """The answer as a review of the card in the student's memory (with a store only)."""
    origin = practice.origin(index)
    if ctx.memory is None or origin is None:
        return
    at = ctx.command.at
    elapsed = at - practice.shown_at if practice.shown_at is not None else None
    if skipped:
        rating = Rating.Again
    else:
        rating = rate(
            correct,
            elapsed,
            timedelta(seconds=origin.seconds),
            skipped_first=card.key in practice.skipped_first,
        )
    answered = Answered(
        student_of(ctx),
        ItemRef(origin.quiz_id, card.key),
        origin.topic,
        rating,
        correct,
        "review" if practice.review else "practice",
        at,
        int(elapsed.total_seconds() * 1000) if elapsed is not None else None,
    )
    try:
        await ctx.memory.record([answered])
    except StoreUnavailable as exc:
        # The practice goes on; only this answer's review is lost.
        log.warning("review not stored (%s): the store is unavailable", exc)


def _next_or_end(practice: Practice) -> Reply:
    card = practice.current
    if card is not None:
        return card_reply(
            card, practice.number, practice.total, practice.title, PRACTICE_ANSWER, practice.id
        )
    return _summary(practice)


def _summary(practice: Practice) -> Reply:
    answered = practice.total - practice.skipped
    share = practice.right / practice.total
    verdict = "Excellent!" if share >= 0.9 else "Well done." if share >= 0.6 else "Keep at it."
    lines = [
        f"You got {practice.right} of {practice.total} right ({share:.0%}). {verdict}",
        f"Best streak: {practice.best_streak}.",
    ]
    if practice.skipped:
        lines.append(f"Answered {answered}, skipped {practice.skipped}.")
    if practice.missed:
        lines.append("To review:")
        lines += [f"• {shorten(c.prompt, 80)} → {c.answer_text}" for c in practice.missed[:10]]
    return Reply(
        text="\n".join(lines),
        title=f"{practice.title}: finished",
        choices=(Choice("Again", f"/practice {practice.quiz_id}"),),
        ephemeral=True,
    )


async def _start(ctx: Context, name: str, count_option: str | None) -> list[Reply]:
    found = find_quiz(ctx, name)
    if not isinstance(found, Quiz):
        return [not_found(ctx, name, found, "/practice")]
    count: int | None = None
    if count_option is not None:
        if not count_option.isdigit() or not 1 <= int(count_option) <= MAX_PRACTICE_QUESTIONS:
            return [
                ctx.spec.usage_reply(
                    f"questions: must be a number from 1 to {MAX_PRACTICE_QUESTIONS}."
                )
            ]
        count = min(int(count_option), found.size)
    cards = deal(found, ctx.catalog, ctx.rng, count=count)
    origins = [Origin(found.id, topic_of(found, c.key, ctx.catalog), found.defaults.seconds)
               for c in cards]  # fmt: skip
    practice = Practice(ctx.practices.new_id(), found.id, found.title, cards, origins=origins)
    replaced = ctx.practices.start(book_key(ctx), practice)
    await keep(ctx, practice)
    intro = f"Practising “{found.title}”: {len(cards)} questions, no timer, only you see them."
    if replaced is not None and not replaced.finished:
        intro += f" (Your practice of “{replaced.title}” was stopped.)"
    intro += (
        f" Answer with the buttons or {PRACTICE_ANSWER} <answer>; /practice skip, /practice stop."
    )
    return [Reply(text=intro, ephemeral=True), show(ctx, practice)]


async def current(ctx: Context) -> Practice | None:
    """The student's running practice: in this process, or as saved before a restart."""
    key = book_key(ctx)
    practice = ctx.practices.get(key)
    if practice is None and ctx.memory is not None:
        try:
            saved = await ctx.memory.saved_practice(student_of(ctx))
            practice = load_practice(saved) if saved is not None else None
        except StoreUnavailable:
            practice = None
        except ValidationError:  # saved by a version that dealt cards otherwise
            log.warning("a saved practice could not be read; it is dropped")
            practice = None
        if practice is not None and not practice.finished:
            ctx.practices.start(key, practice)
    return practice


async def keep(ctx: Context, practice: Practice) -> None:
    """Save the student's practice as it now stands (or drop it once it is over)."""
    if ctx.memory is None:
        return
    key = book_key(ctx)
    over = practice.finished or ctx.practices.get(key) is not practice
    try:
        state = None if over else dump_practice(practice)
        await ctx.memory.save_practice(student_of(ctx), state, ctx.command.at)
    except StoreUnavailable as exc:
        log.warning("practice not saved (%s): the store is unavailable", exc)


async def _running(ctx: Context) -> Practice | Reply:
    practice = await current(ctx)
    if practice is None or practice.finished:
        return Reply(
            text="You are not practising a quiz. Start one with /practice <quiz> "
            "(/quiz list shows them).",
            ephemeral=True,
        )
    return practice


PracticeHandler = Callable[[Context, Parsed, Practice], Awaitable[list[Reply]]]


def _practising(body: PracticeHandler) -> Handler:
    """A handler for the student's running practice; without one, says how to start."""

    async def handler(ctx: Context, args: Parsed) -> list[Reply]:
        running = await _running(ctx)
        if isinstance(running, Reply):
            return [running]
        replies = await body(ctx, args, running)
        await keep(ctx, running)
        return replies

    return handler


@_practising
async def practice_answer(ctx: Context, args: Parsed, running: Practice) -> list[Reply]:
    card = running.current
    assert card is not None
    typed, owner, number = unbind(args.args)
    if owner is not None and (owner != running.id or number != running.number):
        return [
            Reply(
                text="That question has closed; question "
                f"{running.number} of {running.total} is open now.",
                ephemeral=True,
            ),
            show(ctx, running),
        ]
    if not typed:
        return [ctx.spec.usage_reply(f"Answer with {card.how_to_answer()}: /practice answer B")]
    index = running.index
    card, verdict = running.answer(typed)
    if verdict.problem is not None:
        again = _next_or_end(running)
        return [Reply(text=verdict.problem, choices=again.choices, ephemeral=True)]
    await _remember(ctx, running, index, card, verdict.correct, skipped=False)
    replies = [verdict_reply(card, verdict), show(ctx, running)]
    if running.finished:
        ctx.practices.end(book_key(ctx))
    return replies


@_practising
async def practice_skip(ctx: Context, args: Parsed, running: Practice) -> list[Reply]:
    index = running.index
    skipped, later = running.skip()
    if later:
        said = "Skipped: it comes back at the end."
    else:
        said = f"Skipped. The answer was {skipped.answer_text}."
        await _remember(ctx, running, index, skipped, correct=False, skipped=True)
    replies = [Reply(text=said, ephemeral=True), show(ctx, running)]
    if running.finished:
        ctx.practices.end(book_key(ctx))
    return replies


@_practising
async def practice_stop(ctx: Context, args: Parsed, running: Practice) -> list[Reply]:
    ctx.practices.end(book_key(ctx))
    return [_summary(running)]


async def practice(ctx: Context, args: Parsed) -> list[Reply]:
    """/practice <quiz> starts one; /practice alone shows the current question, or the quizzes."""
    if not args.args:
        running = await current(ctx)
        if running is not None and not running.finished:
            return [show(ctx, running)]
        return quiz_list_reply(ctx)
    return await _start(ctx, args.args, args.options.get("questions"))
