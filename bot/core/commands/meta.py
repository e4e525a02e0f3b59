"""/help and /reload."""

from __future__ import annotations

from bot.core.commands.registry import Context
from bot.core.messages import Reply
from bot.core.parser import Parsed

MAX_PROBLEMS_SHOWN = 15


async def help_(ctx: Context, args: Parsed) -> list[Reply]:
    if args.args:
        words = args.args.lstrip("/").casefold().split() or [""]
        name = words[0]
        spec = ctx.registry.get(name)
        sub = spec.subcommand(words[1]) if spec is not None and len(words) > 1 else None
        spec = sub or spec
        if spec is None:
            return [
                Reply(
                    text=f"There is no /{name[:32]} command. Type /help for the list.",
                    ephemeral=True,
                )
            ]
        examples = "\n".join(f"  {e}" for e in spec.examples)
        details = f"\n{spec.details}" if spec.details else ""
        who = "\n(teachers only)" if spec.teacher_only else ""
        subs = "".join(
            f"\n  {s.usage} — {s.summary}{' (teachers)' if s.teacher_only else ''}"
            for s in spec.subcommands
        )
        subs = f"\nSubcommands:{subs}" if subs else ""
        return [
            Reply(
                text=f"{spec.summary}{details}\nUsage: {spec.usage}{subs}\n"
                f"Examples:\n{examples}{who}",
                title=f"/{spec.name}",
                ephemeral=True,
            )
        ]
    lines = [f"{spec.usage} — {spec.summary}" for spec in ctx.registry.all()]
    lines.append("")
    lines.append("Type /help <command> for examples, e.g. /help whosaid.")
    return [Reply(text="\n".join(lines), title="Lectern commands", ephemeral=True)]


async def reload(ctx: Context, args: Parsed) -> list[Reply]:
    problems = ctx.library.reload()
    catalog = ctx.catalog
    if problems:
        shown = "\n".join(str(p) for p in problems[:MAX_PROBLEMS_SHOWN])
        more = len(problems) - MAX_PROBLEMS_SHOWN
        extra = f"\n… and {more} more." if more > 0 else ""
        return [
            Reply(
                text=f"The content has {len(problems)} error(s); I keep serving the last good "
                f"content until they are fixed.\n{shown}{extra}",
                title="Reload failed",
                ephemeral=True,
            )
        ]
    return [
        Reply(
            text=f"Content reloaded: {len(catalog.facts)} facts, {len(catalog.quotes)} quotes, "
            f"{len(catalog.people)} people, {len(catalog.terms)} terms, "
            f"{len(ctx.library.quizzes)} quizzes.",
            title="Reloaded",
            ephemeral=True,
        )
    ]
