"""/quiz list and /quiz info: what quizzes exist, and finding one by name."""

from __future__ import annotations

from collections import Counter

from bot.core.commands.registry import Context
from bot.core.content.catalog import NameIndex
from bot.core.messages import Choice, Field, Reply
from bot.core.parser import Parsed
from bot.core.quiz.models import Generated, Quiz
from bot.core.text import shorten

QUIZ_MATCH_SCORE = 75.0


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


def not_found(ctx: Context, name: str, candidates: list[Quiz], command: str) -> Reply:
    shown = candidates or sorted(ctx.library.quizzes.values(), key=lambda q: q.id)
    lead = "Did you mean one of these?" if candidates else "The quizzes are:"
    lines = [f"There is no quiz “{shorten(name, 40)}”. {lead}"]
    lines += [f"• {q.id}: {q.title}" for q in shown]
    return Reply(
        text="\n".join(lines),
        title="Quizzes",
        choices=tuple(Choice(q.title, f"{command} {q.id}") for q in shown),
        ephemeral=True,
    )


def quiz_list_reply(ctx: Context) -> list[Reply]:
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
            text="\n".join(lines),
            title=f"Quizzes ({len(quizzes)})",
            choices=tuple(Choice(q.title, f"/quiz info {q.id}") for q in quizzes),
            pager="/quiz list",
        )
    ]


def _quiz_info(ctx: Context, name: str) -> list[Reply]:
    found = find_quiz(ctx, name)
    if not isinstance(found, Quiz):
        return [not_found(ctx, name, found, "/quiz info")]
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
            text=quiz.description or quiz.title,
            title=f"{quiz.title} ({quiz.id})",
            fields=tuple(fields),
            choices=(Choice("Practise it alone", f"/practice {quiz.id}"),),
        )
    ]


async def quiz_list(ctx: Context, args: Parsed) -> list[Reply]:
    return quiz_list_reply(ctx)


async def quiz_info(ctx: Context, args: Parsed) -> list[Reply]:
    if not args.args:
        return [ctx.spec.usage_reply("Which quiz? /quiz list shows them.")]
    return _quiz_info(ctx, args.args)


async def quiz_group(ctx: Context, args: Parsed) -> list[Reply]:
    """/quiz with no subcommand, or one it does not know."""
    problem = (
        f"I don't know /quiz {shorten(args.args, 30)}." if args.args else "What about quizzes?"
    )
    return [ctx.spec.usage_reply(problem)]


def no_store() -> list[Reply]:
    """Class sessions and leaderboards need the quiz database, which this setup lacks."""
    return [
        Reply(
            text="Class quizzes and leaderboards need the quiz database, which is not set up "
            "here. /practice <quiz> works without it.",
            ephemeral=True,
        )
    ]
