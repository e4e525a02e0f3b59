"""The command line: `lectern <command>` (same as `python -m bot <command>`)."""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

from bot import __version__
from bot.bootstrap import SystemClock, build_app, build_library
from bot.core.content.loader import content_files, load_catalog
from bot.core.content.models import ContentFile
from bot.core.content.problems import ContentErrors
from bot.core.content.yaml_source import USING_LIBYAML
from bot.core.quiz.loader import is_quiz_file, load_quizzes
from bot.core.quiz.models import Quiz
from bot.settings import Settings

SCHEMA_DIR = Path("schema")
KNOWN_ADAPTERS = ("console", "discord", "slack")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="lectern", description="Lectern: facts, quizzes and who-said-what for class channels."
    )
    parser.add_argument("--version", action="version", version=f"lectern {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="command")

    console = sub.add_parser("console", help="talk to the bot in this terminal (no token needed)")
    console.add_argument("--json", action="store_true", help="print one JSON object per reply")
    console.add_argument("--teachers", default=None, help="users who count as teachers: a,b")
    console.add_argument("--user", default="you", help="who you are when a line has no @name")
    console.add_argument("--content", type=Path, default=None, help="content folder")

    sub.add_parser("run", help="run the adapters named in LECTERN_ADAPTERS")

    validate = sub.add_parser("validate", help="check content and quiz files; exit 1 on any error")
    validate.add_argument(
        "paths", nargs="*", type=Path, help="files or folders (default: content and quizzes)"
    )

    schema = sub.add_parser("schema", help="write the JSON Schemas of content and quiz files")
    schema.add_argument(
        "--out", type=Path, default=SCHEMA_DIR, help=f"folder (default: {SCHEMA_DIR})"
    )

    sub.add_parser("health", help="exit 0 if the bot could start with the current settings")
    return parser


def _stdin_lines(interactive: bool) -> Iterator[str]:
    if not interactive:
        yield from sys.stdin
        return
    with contextlib.suppress(ImportError):
        import readline  # noqa: F401  (line editing and history at the prompt)
    while True:
        try:
            yield input()
        except EOFError:
            print()
            return


def console(args: argparse.Namespace, settings: Settings) -> int:
    from bot.adapters.console import ConsoleAdapter

    if args.content is not None:
        settings = settings.model_copy(update={"content_dir": args.content})
    if args.teachers is not None:
        settings = settings.model_copy(update={"teachers": args.teachers})
    try:
        app = build_app(settings)
    except ContentErrors as errors:
        print(errors, file=sys.stderr)
        print("The content has errors; fix them and start again.", file=sys.stderr)
        return 1
    interactive = sys.stdin.isatty() and not args.json
    adapter = ConsoleAdapter(
        app=app,
        clock=SystemClock(),
        as_json=args.json,
        teachers=settings.teacher_names,
        default_user=args.user,
    )
    if interactive:
        catalog = app.library.catalog
        print(
            f"Lectern {__version__} — {len(catalog.facts)} facts, {len(catalog.quotes)} quotes, "
            f"{len(catalog.terms)} terms. Type /help, or /quit to leave.",
        )
        print("> ", end="", flush=True)
    adapter.run(_stdin_lines(interactive), interactive=interactive)
    return 0


def run(args: argparse.Namespace, settings: Settings) -> int:
    names = settings.adapter_names
    unknown = [n for n in names if n not in KNOWN_ADAPTERS]
    if unknown or not names:
        print(
            f"LECTERN_ADAPTERS={settings.adapters!r}: choose from {', '.join(KNOWN_ADAPTERS)}.",
            file=sys.stderr,
        )
        return 2
    platform = [n for n in names if n != "console"]
    if platform:
        print(
            f"The {' and '.join(platform)} adapter(s) are not part of this version yet; "
            "run `lectern console` (or LECTERN_ADAPTERS=console) to use the bot in a terminal.",
            file=sys.stderr,
        )
        return 2
    return console(
        argparse.Namespace(json=False, teachers=None, user="you", content=None), settings
    )


def _split_paths(paths: Sequence[Path], settings: Settings) -> tuple[list[Path], list[Path]]:
    """Content and quiz files among `paths`; quizzes need content, so default to the shipped one."""
    if not paths:
        return [settings.content_dir], [settings.quiz_dir]
    files = content_files(paths)
    quizzes = [f for f in files if is_quiz_file(f)]
    content = [f for f in files if f not in quizzes]
    return content or [settings.content_dir], quizzes


def validate(args: argparse.Namespace, settings: Settings) -> int:
    content, quiz_files = _split_paths(args.paths, settings)
    try:
        catalog = load_catalog(content, root=Path.cwd())
        quizzes = load_quizzes(quiz_files, catalog, root=Path.cwd())
    except ContentErrors as errors:
        for problem in errors.problems:
            print(problem)
        files = len({p.file for p in errors.problems})
        print(f"{len(errors.problems)} error(s) in {files} file(s).", file=sys.stderr)
        return 1
    questions = sum(len(q.authored) for q in quizzes.values())
    print(
        f"OK: {len(catalog.sources)} sources, {len(catalog.topics)} topics, "
        f"{len(catalog.people)} people, {len(catalog.quotes)} quotes, {len(catalog.facts)} facts, "
        f"{len(catalog.terms)} terms, {len(catalog.events)} events; "
        f"{len(quizzes)} quizzes with {questions} authored questions"
        f"{' (libyaml)' if USING_LIBYAML else ''}."
    )
    return 0


def json_schemas() -> dict[Path, dict[str, object]]:
    """The JSON Schemas editors use to check content and quiz files as they are typed."""
    draft = {"$schema": "https://json-schema.org/draft/2020-12/schema"}
    return {
        Path("content.schema.json"): draft | ContentFile.model_json_schema(),
        Path("quiz.schema.json"): draft | Quiz.model_json_schema(),
    }


def schema(args: argparse.Namespace, settings: Settings) -> int:
    args.out.mkdir(parents=True, exist_ok=True)
    for name, document in json_schemas().items():
        (args.out / name).write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    print(
        f"Wrote {', '.join(str(args.out / n) for n in json_schemas())}. Start each file with\n"
        "# yaml-language-server: $schema=<relative path to the schema>"
    )
    return 0


def health(args: argparse.Namespace, settings: Settings) -> int:
    try:
        build_library(settings)
    except ContentErrors as errors:
        print(f"unhealthy: content has {len(errors.problems)} error(s)", file=sys.stderr)
        return 1
    print("healthy")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    settings = Settings()
    level = settings.log_level.upper() if args.command == "run" else "WARNING"
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    commands = {
        "console": console,
        "run": run,
        "validate": validate,
        "schema": schema,
        "health": health,
    }
    return commands[args.command](args, settings)


if __name__ == "__main__":
    sys.exit(main())
