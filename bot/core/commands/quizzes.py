"""/quiz list and /quiz info: what quizzes exist; /practice: work through one alone."""

from __future__ import annotations

from collections import Counter

from bot.core.commands.quiz_render import card_reply, verdict_reply
from bot.core.commands.registry import Context
from bot.core.commands.render import shorten
from bot.core.content.catalog import NameIndex
from bot.core.messages import Choice, Field, Reply
from bot.core.parser import Parsed
from bot.core.quiz.deck import deal
from bot.core.quiz.models import Generated, Quiz
from bot.core.quiz.practice import Practice
from bot.core.text import defuse_mentions

PRACTICE_ANSWER = "/practice answer"
QUIZ_MATCH_SCORE = 75.0
MAX_PRACTICE_QUESTIONS = 100


def find_quiz(ctx: Context, name: str) -> Quiz | list[Quiz]:
    """The quiz called `name` (id or title, typos allowed), or the closest ones when unsure."""
    quizzes = ctx.library.quizzes
    if name in quizzes:
        return quizzes[name]
    index = NameIndex((q.id, label) for q in quizzes.values() for label in (q.id, q.title))
    exact = index.exact(name)
    if exact is not None:
        return quizzes[exact]
    matches = index.match(name, limit=3, cutoff=QUIZ_MATCH_SCORE)
    if len(matches) == 1 or (len(matches) > 1 and matches[0].score - matches[1].score >= 8):
        return quizzes[matches[0].key]
    return [quizzes[m.key] for m in matches]


def _not_found(ctx: Context, name: str, candidates: list[Quiz], command: str) -> Reply:
    shown = candidates or sorted(ctx.library.quizzes.values(), key=lambda q: q.id)
    lead = "Did you mean one of these?" if candidates else "The quizzes are:"
    lines = [f"There is no quiz “{shorten(name, 40)}”. {lead}"]
    lines += [f"• {q.id}: {q.title}" for q in shown]
    return Reply(
        text=defuse_mentions("\n".join(lines)),
        title="Quizzes",
        choices=tuple(Choice(shorten(q.title, 75), f"{command} {q.id}") for q in shown[:25]),
        ephemeral=True,
    )


def _quiz_list(ctx: Context) -> list[Reply]:
    quizzes = sorted(ctx.library.quizzes.values(), key=lambda q: q.id)
    if not quizzes:
        return [Reply(text="The course has no quizzes yet.", ephemeral=True)]
    lines = [
        f"• {q.id}: {q.title} ({len(q.authored)} questions"
        + (
            f" + {q.size - len(q.authored)} drawn from the content"
            if q.size > len(q.authored)
            else ""
        )
        + ")"
        for q in quizzes
    ]
    lines.append("/quiz info <quiz> tells more; /practice <quiz> lets you try one alone.")
    return [
        Reply(
            text=defuse_mentions("\n".join(lines)),
            title=f"Quizzes ({len(quizzes)})",
            choices=tuple(Choice(shorten(q.title, 75), f"/quiz info {q.id}") for q in quizzes[:25]),
        )
    ]


def _quiz_info(ctx: Context, name: str) -> list[Reply]:
    found = find_quiz(ctx, name)
    if not isinstance(found, Quiz):
        return [_not_found(ctx, name, found, "/quiz info")]
    quiz = found
    kinds = Counter(q.type for q in quiz.authored)
    levels = Counter(q.difficulty for q in quiz.authored)
    generated = [q for q in quiz.questions if isinstance(q, Generated)]
    topics = ", ".join(ctx.catalog.topics[t].title for t in quiz.topics if t in ctx.catalog.topics)
    defaults = quiz.defaults
    fields = [
        Field("Questions", f"{len(quiz.authored)} written", inline=True),
        Field("Types", ", ".join(f"{k} {n}" for k, n in sorted(kinds.items())), inline=True),
        Field("Difficulty", ", ".join(f"{k} {n}" for k, n in sorted(levels.items())), inline=True),
        Field(
            "A session",
            f"{defaults.count} questions, {defaults.seconds} s each, scoring {defaults.scoring}"
            + (", shuffled" if defaults.shuffle else ""),
        ),
    ]
    if generated:
        drawn = ", ".join(f"{q.count} {q.type}" for q in generated)
        fields.append(Field("Drawn fresh each time", drawn))
    if topics:
        fields.append(Field("Topics", topics))
    return [
        Reply(
            text=defuse_mentions(quiz.description or quiz.title),
            title=defuse_mentions(f"{quiz.title} ({quiz.id})"),
            fields=tuple(fields),
            choices=(Choice("Practise it alone", f"/practice {quiz.id}"),),
        )
    ]


def quiz(ctx: Context, args: Parsed) -> list[Reply]:
    words = args.words
    action = words[0].casefold() if words else ""
    if action == "list" and len(words) == 1:
        return _quiz_list(ctx)
    if action == "info":
        if len(words) < 2:
            return [ctx.spec.usage_reply("Which quiz? /quiz list shows them.")]
        return _quiz_info(ctx, " ".join(words[1:]))
    if action in ("start", "answer", "skip", "stop", "status", "results"):
        return no_store(ctx, args)
    problem = f"I don't know /quiz {shorten(args.args, 30)}." if words else "What about quizzes?"
    return [ctx.spec.usage_reply(problem)]


def no_store(ctx: Context, args: Parsed) -> list[Reply]:
    """Class sessions and leaderboards need the quiz database, which this setup lacks."""
    return [
        Reply(
            text="Class quizzes and leaderboards need the quiz database, which is not set up "
            "here. /practice <quiz> works without it.",
            ephemeral=True,
        )
    ]


def _key(ctx: Context) -> tuple[str, str]:
    actor = ctx.command.actor
    return actor.platform, actor.user_id


def _next_or_end(practice: Practice) -> Reply:
    card = practice.current
    if card is not None:
        return card_reply(card, practice.number, practice.total, practice.title, PRACTICE_ANSWER)
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
        text=defuse_mentions("\n".join(lines)),
        title=defuse_mentions(f"{practice.title}: finished"),
        choices=(Choice("Again", f"/practice {practice.quiz_id}"),),
        ephemeral=True,
    )


def _start(ctx: Context, name: str, count_option: str | None) -> list[Reply]:
    found = find_quiz(ctx, name)
    if not isinstance(found, Quiz):
        return [_not_found(ctx, name, found, "/practice")]
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
    practice = Practice(found.id, found.title, cards)
    replaced = ctx.practices.start(_key(ctx), practice)
    intro = f"Practising “{found.title}”: {len(cards)} questions, no timer, only you see them."
    if replaced is not None and not replaced.finished:
        intro += f" (Your practice of “{replaced.title}” was stopped.)"
    intro += (
        f" Answer with the buttons or {PRACTICE_ANSWER} <answer>; /practice skip, /practice stop."
    )
    return [Reply(text=defuse_mentions(intro), ephemeral=True), _next_or_end(practice)]


def _running(ctx: Context) -> Practice | Reply:
    practice = ctx.practices.get(_key(ctx))
    if practice is None or practice.finished:
        return Reply(
            text="You are not practising a quiz. Start one with /practice <quiz> "
            "(/quiz list shows them).",
            ephemeral=True,
        )
    return practice


def practice(ctx: Context, args: Parsed) -> list[Reply]:
    words = args.words
    action = words[0].casefold() if words else ""
    if action in ("answer", "skip", "stop"):
        running = _running(ctx)
        if isinstance(running, Reply):
            return [running]
        if action == "stop":
            ctx.practices.end(_key(ctx))
            return [_summary(running)]
        if action == "skip":
            skipped = running.skip()
            return [
                Reply(
                    text=defuse_mentions(f"Skipped. The answer was {skipped.answer_text}."),
                    ephemeral=True,
                ),
                _next_or_end(running),
            ]
        typed = args.args[len(words[0]) :].strip()
        if not typed:
            card = running.current
            assert card is not None
            return [ctx.spec.usage_reply(f"Answer with {card.how_to_answer()}: /practice answer B")]
        card, verdict = running.answer(typed)
        if verdict.problem is not None:
            again = card_reply(card, running.number, running.total, running.title, PRACTICE_ANSWER)
            return [
                Reply(text=defuse_mentions(verdict.problem), choices=again.choices, ephemeral=True)
            ]
        replies = [verdict_reply(card, verdict), _next_or_end(running)]
        if running.finished:
            ctx.practices.end(_key(ctx))
        return replies
    if not words:
        current = ctx.practices.get(_key(ctx))
        if current is not None and not current.finished:
            return [_next_or_end(current)]
        return _quiz_list(ctx)
    return _start(ctx, args.args, args.options.get("questions"))
