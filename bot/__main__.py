"""The command line: `lectern <command>` (same as `python -m bot <command>`)."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import json
import logging
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

import yaml
from pydantic import ValidationError

from bot import __version__
from bot.bootstrap import (
    SystemClock,
    assemble,
    build_library,
    freeze_startup_objects,
    open_store,
    seeded,
    setting_problems,
)
from bot.core.content.loader import cite_problem, content_files, load_catalog
from bot.core.content.models import Cite, ContentFile
from bot.core.content.problems import ContentErrors
from bot.core.content.yaml_source import USING_LIBYAML
from bot.core.course.library import ContentLibrary
from bot.core.course.stats import coverage
from bot.core.daily.poster import DEFAULT_GRACE
from bot.core.ports import StoreUnavailable
from bot.core.quiz.gift import convert_gift
from bot.core.quiz.imported import quiz_document, unique_slug
from bot.core.quiz.loader import is_quiz_file, load_quizzes
from bot.core.quiz.models import Quiz
from bot.core.quiz.red_trivia import convert_red
from bot.settings import Settings, secret

SCHEMA_DIR = Path("schema")


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

    importer = sub.add_parser(
        "import", help="convert a Moodle GIFT file or a Red-DiscordBot trivia list to a quiz"
    )
    importer.add_argument("file", type=Path, help="a .gift/.txt (GIFT) or .yaml/.yml (Red) file")
    importer.add_argument("--source", required=True, help="source id every question cites")
    importer.add_argument("--section", required=True, help="section id of that source")
    importer.add_argument("--format", choices=("gift", "red"), help="default: from the suffix")
    importer.add_argument("--out", type=Path, help="default: <quiz folder>/<file name>.yaml")
    importer.add_argument("--id", dest="quiz_id", help="quiz id (default: from the file name)")
    importer.add_argument("--title", help="quiz title (default: from the file name)")
    importer.add_argument("--force", action="store_true", help="overwrite an existing --out")

    stats = sub.add_parser("stats", help="coverage report: counts per kind, source, section, topic")
    stats.add_argument("--json", action="store_true", help="print the report as JSON")

    sub.add_parser("health", help="exit 0 if the bot could start with the current settings")

    slack = sub.add_parser("slack", help="Slack set-up: the app manifest")
    slack_actions = slack.add_subparsers(dest="action", required=True, metavar="action")
    shown = slack_actions.add_parser("manifest", help="print the app manifest to create the app")
    shown.add_argument("--prefix", default="", help="command name prefix, e.g. lc for /lcfact")
    shown.add_argument(
        "--request-url", help="HTTP mode: https://your.host/slack/events (default: Socket Mode)"
    )

    discord_ = sub.add_parser("discord", help="Discord set-up: the invite link, command sync")
    actions = discord_.add_subparsers(dest="action", required=True, metavar="action")
    invite = actions.add_parser("invite-url", help="print the link that adds the bot to a server")
    invite.add_argument("--client-id", type=int, help="application id (default: from the token)")
    invite.add_argument("--guild", type=int, help="preselect this server in the link")
    sync = actions.add_parser("sync", help="register the slash commands with Discord now")
    sync.add_argument(
        "--guild", type=int, help="this server only (instant) instead of LECTERN_DISCORD_GUILD"
    )
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
    if args.content is not None:
        settings = settings.model_copy(update={"content_dir": args.content})
    if args.teachers is not None:
        settings = settings.model_copy(update={"teachers": args.teachers})
    library = _library(settings)
    return 1 if library is None else asyncio.run(_console(args, settings, library))


def _library(settings: Settings) -> ContentLibrary | None:
    """The content, or None after printing its errors."""
    try:
        return build_library(settings)
    except ContentErrors as errors:
        print(errors, file=sys.stderr)
        print("The content has errors; fix them and start again.", file=sys.stderr)
        return None


async def _console(args: argparse.Namespace, settings: Settings, library: ContentLibrary) -> int:
    from bot.adapters.console import ConsoleAdapter, ConsoleOutbox, Printer

    try:
        store = await open_store(settings)
    except StoreUnavailable as exc:
        print(f"{exc}. Check LECTERN_DATABASE_URL.", file=sys.stderr)
        return 1
    printer = Printer(as_json=args.json)
    bot = assemble(
        library,
        store,
        {"console": ConsoleOutbox(printer)},
        SystemClock(),
        rng=seeded(settings),
        grace=settings.grace or DEFAULT_GRACE,
    )
    freeze_startup_objects()
    interactive = sys.stdin.isatty() and not args.json
    adapter = ConsoleAdapter(
        bot=bot, printer=printer, teachers=settings.teacher_names, default_user=args.user
    )
    try:
        if interactive:
            catalog = library.catalog
            print(
                f"Lectern {__version__} — {len(catalog.facts)} facts, {len(catalog.quotes)} "
                f"quotes, {len(library.quizzes)} quizzes. Type /help, or /quit to leave.",
            )
        await bot.classroom.resume(bot.clock.now())
        await bot.delivery.drain()
        if interactive:
            print("> ", end="", flush=True)
        await adapter.run_async(_stdin_lines(interactive), interactive=interactive)
    finally:
        await bot.close()
        await store.close()
    return 0


def run(args: argparse.Namespace, settings: Settings) -> int:
    if settings.adapter_names == ["console"]:
        return console(
            argparse.Namespace(json=False, teachers=None, user="you", content=None), settings
        )
    library = _library(settings)
    return 1 if library is None else asyncio.run(_serve(settings, library))


async def _serve(settings: Settings, library: ContentLibrary) -> int:
    import discord

    from bot.serve import serve_forever, start

    try:
        store = await open_store(settings)
    except StoreUnavailable as exc:
        print(f"{exc}. Check LECTERN_DATABASE_URL.", file=sys.stderr)
        return 1
    try:
        served = await start(settings, library, store)
    except discord.LoginFailure:
        print("lectern: LECTERN_DISCORD_TOKEN: Discord refused this token.", file=sys.stderr)
        return 2
    except (discord.HTTPException, OSError) as exc:
        print(f"lectern: cannot reach Discord: {exc}", file=sys.stderr)
        return 1
    finally:
        freeze_startup_objects()
    try:
        code = await serve_forever(served)
    finally:
        await store.close()
    if code:
        print("lectern: the Discord connection ended; see the log above.", file=sys.stderr)
    return code


def slack_command(args: argparse.Namespace, settings: Settings) -> int:
    from bot.adapters.slack.manifest import manifest_yaml
    from bot.core.commands.menu import default_registry

    prefix = args.prefix.strip().lstrip("/")
    if prefix and not prefix.replace("-", "").replace("_", "").isalnum():
        print("lectern: --prefix: letters, digits, - and _ only", file=sys.stderr)
        return 2
    print(manifest_yaml(default_registry(), prefix=prefix, request_url=args.request_url), end="")
    return 0


def discord_command(args: argparse.Namespace, settings: Settings) -> int:
    from bot.adapters.discord.sync import application_id, invite_text

    if args.action == "invite-url":
        client_id = args.client_id or application_id(secret(settings.discord_token))
        if client_id is None:
            print(
                "lectern: give --client-id (Discord developer portal > your application > "
                "General Information > Application ID) or set LECTERN_DISCORD_TOKEN",
                file=sys.stderr,
            )
            return 2
        print(invite_text(client_id, args.guild))
        return 0
    return asyncio.run(_sync(settings, args.guild))


async def _sync(settings: Settings, guild: int | None) -> int:
    import discord

    from bot.adapters.discord.client import LecternClient, point_at
    from bot.adapters.discord.sync import scope_name, sync_commands
    from bot.serve import discord_settings

    wanted = discord_settings(settings)
    if not wanted.token:
        print("lectern: LECTERN_DISCORD_TOKEN: needed to sync the commands", file=sys.stderr)
        return 2
    point_at(wanted.api_base, wanted.gateway_url)
    library = _library(settings)
    if library is None:
        return 1
    try:
        store = await open_store(settings)
    except StoreUnavailable as exc:
        print(f"{exc}. Check LECTERN_DATABASE_URL.", file=sys.stderr)
        return 1
    client = LecternClient(wanted, store, serve=False)
    bot = assemble(library, store, {}, SystemClock())
    client.attach(bot)
    scope = guild if guild is not None else wanted.guild
    try:
        await client.login(wanted.token)
        await sync_commands(client, store, scope, force=True)
    except discord.LoginFailure:
        print("lectern: LECTERN_DISCORD_TOKEN: Discord refused this token.", file=sys.stderr)
        return 2
    except discord.HTTPException as exc:
        print(f"lectern: Discord refused the commands: {exc}", file=sys.stderr)
        return 1
    finally:
        await client.close()
        await bot.close()
        await store.close()
    count = len(client.tree.get_commands())
    print(f"Synced {count} slash commands ({scope_name(scope)}).")
    if scope is None:
        print("Global commands can take up to an hour to show in every server.")
    return 0


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


class _NoAliases(yaml.SafeDumper):
    """Writes every citation out in full: a teacher edits them one by one."""

    def ignore_aliases(self, data: object) -> bool:
        return True


def import_quiz(args: argparse.Namespace, settings: Settings) -> int:
    file: Path = args.file
    kind = args.format or ("red" if file.suffix.casefold() in (".yaml", ".yml") else "gift")
    try:
        text = file.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        print(f"{file}: cannot read: {exc.strerror}", file=sys.stderr)
        return 2
    except UnicodeDecodeError:
        print(f"{file}:1:1: file is not UTF-8 text", file=sys.stderr)
        return 1
    stem = unique_slug(file.stem, set(), "imported")
    out: Path = args.out or settings.quiz_dir / f"{stem}.yaml"
    if out.exists() and not args.force:
        print(f"{out} exists; choose another --out or add --force.", file=sys.stderr)
        return 2
    try:
        catalog = build_library(settings).catalog
    except ContentErrors as errors:
        print(errors, file=sys.stderr)
        return 1
    cite = Cite(source=args.source, section=args.section)
    wrong = cite_problem(cite, catalog.sources)
    if wrong is not None:
        print(f"--{wrong[1]}: {wrong[0]}", file=sys.stderr)
        return 2
    converted = (convert_red if kind == "red" else convert_gift)(text, str(file))
    title = args.title or file.stem.replace("_", " ").replace("-", " ").strip().capitalize()
    document, rejected = quiz_document(converted, str(file), args.quiz_id or stem, title, cite)
    problems = sorted(converted.problems + rejected)
    for problem in problems:
        print(problem, file=sys.stderr)
    questions = document["questions"]
    if not questions:
        print(f"Nothing in {file} could be converted.", file=sys.stderr)
        return 1
    header = "# yaml-language-server: $schema=../schema/quiz.schema.json\n"
    body = yaml.dump(document, Dumper=_NoAliases, sort_keys=False, allow_unicode=True, width=100)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(header + body, encoding="utf-8")
    skipped = f"; {len(problems)} could not be (listed above)" if problems else ""
    print(
        f"Wrote {len(questions)} questions to {out}{skipped}. Check it with: lectern validate {out}"
    )
    return 1 if problems else 0


def _table(rows: list[list[str]]) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = [
        "  ".join(
            c.ljust(w) if i == 0 else c.rjust(w)
            for i, (c, w) in enumerate(zip(row, widths, strict=True))
        ).rstrip()
        for row in rows
    ]
    return "\n".join(lines)


def stats(args: argparse.Namespace, settings: Settings) -> int:
    try:
        library = build_library(settings)
    except ContentErrors as errors:
        print(errors, file=sys.stderr)
        return 1
    report = coverage(library.catalog, library.quizzes)
    gaps = report.uncited_sections
    if args.json:
        document = dataclasses.asdict(report) | {
            "uncited_sections": [f"{s.source_id} {s.section_id}" for s in gaps],
            "authored_questions": report.authored_questions,
        }
        print(json.dumps(document, indent=2))
        return 0
    kinds = ", ".join(f"{n} {k}" for k, n in report.kinds.items())
    print(f"Content: {kinds}; {report.authored_questions} authored questions.\n")
    columns = ["facts", "quotes", "terms", "events", "questions"]
    rows = [["source", *columns]]
    rows += [[s, *(str(c.get(k, 0)) for k in columns)] for s, c in report.by_source.items()]
    print(_table(rows) + "\n")
    rows = [["section", *columns]]
    rows += [
        [f"{s.source_id} {s.section_id}", *(str(s.counts.get(k, 0)) for k in columns)]
        for s in report.sections
    ]
    print(_table(rows) + "\n")
    topic_columns = ["facts", "events", "quizzes"]
    rows = [["topic", *topic_columns]]
    rows += [[t, *(str(c.get(k, 0)) for k in topic_columns)] for t, c in report.by_topic.items()]
    print(_table(rows) + "\n")
    rows = [["quiz", "authored", "generated"]]
    rows += [[q, str(c["authored"]), str(c["generated"])] for q, c in report.quizzes.items()]
    print(_table(rows) + "\n")
    print(
        "Question types: "
        + (", ".join(f"{k} {n}" for k, n in sorted(report.question_types.items())) or "none")
    )
    print(
        "Difficulty: "
        + (", ".join(f"{k} {n}" for k, n in sorted(report.difficulties.items())) or "none")
    )
    if gaps:
        print("Sections no fact cites: " + ", ".join(f"{s.source_id} {s.section_id}" for s in gaps))
    else:
        print("Every section is cited by at least one fact.")
    return 0


def health(args: argparse.Namespace, settings: Settings) -> int:
    try:
        build_library(settings)
    except ContentErrors as errors:
        print(f"unhealthy: content has {len(errors.problems)} error(s)", file=sys.stderr)
        return 1
    try:
        asyncio.run(_check_store(settings))
    except StoreUnavailable as exc:
        print(f"unhealthy: {exc}", file=sys.stderr)
        return 1
    print("healthy")
    return 0


async def _check_store(settings: Settings) -> None:
    store = await open_store(settings)
    await store.close()


# What each command needs of the settings: (the database, the adapters and log level).
_NEEDS = {
    "console": (True, False),
    "run": (True, True),
    "health": (True, True),
    "discord": (True, False),
}


def _settings(command: str) -> Settings | None:
    """The settings, or None after one clear line per mistake (never a traceback)."""
    try:
        settings = Settings()
    except ValidationError as exc:
        for error in exc.errors():
            name = "LECTERN_" + "_".join(str(part) for part in error["loc"]).upper()
            print(f"lectern: {name}: {error['msg']}", file=sys.stderr)
        return None
    if command == "schema":
        return settings
    database, adapters = _NEEDS.get(command, (False, False))
    problems = setting_problems(settings, database=database, adapters=adapters)
    for problem in problems:
        print(f"lectern: {problem}", file=sys.stderr)
    return None if problems else settings


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    settings = _settings(args.command)
    if settings is None:
        return 2
    level = settings.log_level.upper() if args.command == "run" else "WARNING"
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    commands = {
        "console": console,
        "run": run,
        "validate": validate,
        "schema": schema,
        "import": import_quiz,
        "stats": stats,
        "health": health,
        "discord": discord_command,
        "slack": slack_command,
    }
    return commands[args.command](args, settings)


if __name__ == "__main__":
    sys.exit(main())
