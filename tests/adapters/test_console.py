"""The console adapter, in-process and as the installed `lectern console` command."""

from __future__ import annotations

import asyncio
import io
import json
import sys
import tempfile
from pathlib import Path

from bot.adapters.console import ConsoleAdapter, ConsoleOutbox, Printer
from bot.bootstrap import assemble
from bot.core.app import Lectern
from bot.store.sql_store import SqlStore
from tests.conftest import ROOT, FixedClock, lectern_env, run_lectern


def run_console(
    app: Lectern, script: str, *, as_json: bool = False, teachers: frozenset[str] = frozenset()
) -> str:
    """The console adapter in process, on the app's content and a database of its own."""

    async def run() -> str:
        out = io.StringIO()
        printer = Printer(out=out, as_json=as_json)
        database = Path(tempfile.mkdtemp(prefix="lectern-console-")) / "lectern.db"
        store = await SqlStore.open(f"sqlite+aiosqlite:///{database}")
        bot = assemble(app.library, store, {"console": ConsoleOutbox(printer)}, FixedClock())
        try:
            async with asyncio.timeout(60):  # a console that never exits fails the test
                await ConsoleAdapter(bot, printer, teachers=teachers).run_async(io.StringIO(script))
        finally:
            await bot.close()
            await store.close()
        return out.getvalue()

    return asyncio.run(run())


def test_json_lines_carry_the_required_keys(app: Lectern) -> None:
    out = run_console(app, "/whosaid csto backbone\n/define CSTO\n", as_json=True)
    rows = [json.loads(line) for line in out.splitlines()]
    assert [r["command"] for r in rows] == ["/whosaid csto backbone", "/define CSTO"]
    for row in rows:
        assert {"text", "title", "choices", "ephemeral", "citation", "command"} <= row.keys()
    assert "Nikolay Bordyuzha" in rows[0]["text"]
    assert rows[0]["citation"]["source"] == "ffi-2007-01671-nato-csto"


def test_at_name_speaks_as_another_user_and_teachers_are_named(app: Lectern) -> None:
    out = run_console(
        app, "@alice /reload\n@Tess /reload\n", as_json=True, teachers=frozenset({"tess"})
    )
    alice, tess = (json.loads(line) for line in out.splitlines())
    assert alice["user"] == "alice" and "Only a teacher" in alice["text"]
    assert tess["user"] == "Tess" and "Content reloaded" in tess["text"]


def test_a_number_picks_a_choice_of_that_users_last_reply(app: Lectern) -> None:
    out = run_console(app, "@bob /whosaid nato\n@bob 1\n@carol 1\n", as_json=True)
    first, picked, other = (json.loads(line) for line in out.splitlines())
    assert first["choices"]
    assert picked["title"] == "Quote" and picked["citation"] is not None
    assert "Commands start with '/'" in other["text"]  # carol had no choices to pick from


def test_comments_and_blank_lines_are_skipped_and_quit_stops(app: Lectern) -> None:
    out = run_console(app, "# a comment\n\n/topics\n/quit\n/sources\n", as_json=True)
    rows = [json.loads(line) for line in out.splitlines()]
    assert [r["command"] for r in rows] == ["/topics"]


def test_text_rendering_shows_title_fields_and_source(app: Lectern) -> None:
    out = run_console(app, "/whosaid csto backbone\n")
    assert "── Who said it? ──" in out
    assert "Context:" in out
    assert "Source: The unrealised case of NATO-CSTO cooperation" in out


def test_the_installed_console_answers_the_done_when_examples() -> None:
    result = run_lectern(
        "console", "--json", stdin="/whosaid csto backbone\n/quotes putn\n/define CSTO\n"
    )
    assert result.returncode == 0, result.stderr
    whosaid, quotes, define = (json.loads(line) for line in result.stdout.splitlines())
    assert "Nikolay Bordyuzha" in whosaid["text"]
    assert whosaid["citation"]["text"].startswith("The unrealised case of NATO-CSTO cooperation")
    assert quotes["title"].startswith("Quotes of Vladimir Putin")
    assert "Collective Security Treaty Organisation" in define["title"]


def test_console_refuses_to_start_on_broken_content(tmp_path: object) -> None:
    result = run_lectern("console", "--content", "tests/fixtures/broken", stdin="/help\n")
    assert result.returncode == 1
    assert "tests/fixtures/broken/people.yaml:4:5" in result.stderr


def test_interactive_prompt_in_a_terminal(tmp_path: Path) -> None:
    import pexpect

    env = lectern_env({"LECTERN_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'pty.db'}"})
    child = pexpect.spawn(
        sys.executable,
        ["-m", "bot", "console"],
        cwd=str(ROOT),
        env=env,
        encoding="utf-8",
        timeout=60,
    )
    child.expect(r"Type /help, or /quit to leave\.")
    child.expect("> ")
    child.sendline("/define CSTO")
    child.expect("Collective Security Treaty Organisation")
    child.expect("> ")
    child.sendline("/quit")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


def test_lectern_run_with_the_console_adapter_serves_piped_commands() -> None:
    result = run_lectern("run", stdin="/define PJC\n", settings={"LECTERN_ADAPTERS": "console"})
    assert result.returncode == 0, result.stderr
    assert "Permanent Joint Council" in result.stdout


def test_a_class_plays_a_quiz_from_a_script() -> None:
    script = "\n".join(
        [
            "@tess /quiz start timeline questions:3 seconds:2 scoring:flat",
            "@ann /quiz answer 1",
            "@bob /quiz answer 1",
            "@cy /quiz answer 1",
            "@ann /quiz answer 1",
            "@tess /quiz skip",
            "@ann /quiz answer 1",
            "@tess /quiz stop",
            "@tess /quiz results",
            "@ann /leaderboard",
        ]
    )
    result = run_lectern(
        "console",
        "--json",
        "--teachers",
        "tess",
        stdin=script + "\n",
        settings={"LECTERN_SEED": "4"},
    )
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    posts = [r["title"] for r in rows if r["event"] == "post"]
    assert posts[0] == "Timeline · 1/3"
    assert "Question 1: the answer" in posts and "Timeline · 2/3" in posts
    assert posts[-1] == "“Timeline” was stopped"
    replies = {r["command"]: r for r in rows if r["event"] == "reply"}
    assert replies["@ann /quiz answer 1"]["text"] in (
        "Answer received.",
        "You have already answered this question.",
    )
    assert replies["@tess /quiz results"]["attachment"]["filename"].endswith("-timeline.csv")
    assert replies["@ann /leaderboard"]["title"] == "Leaderboard: this channel, all time"
    assert replies["@ann /leaderboard"]["text"].startswith("1. ")


def test_the_console_waits_for_a_running_quiz_when_input_ends() -> None:
    script = "@tess /quiz start timeline questions:2 seconds:2\n@ann /quiz answer 1\n"
    result = run_lectern("console", "--json", "--teachers", "tess", stdin=script)
    assert result.returncode == 0, result.stderr
    posts = [json.loads(line)["title"] for line in result.stdout.splitlines()]
    assert posts[-3:] == ["Timeline · 2/2", "Question 2: the answer", "“Timeline” finished"]
    finished = json.loads(result.stdout.splitlines()[-1])
    assert finished["text"].startswith("🥇 ann: ")


def test_the_console_refuses_a_stale_choice_and_shows_the_timeline() -> None:
    script = "\n".join(
        [
            "@tess /quiz start timeline questions:3 seconds:30 scoring:flat",
            "@ann 1",  # a number picks from the question on screen: the same input as a click
            "@tess /quiz skip",
            "@bob /quiz answer A #1 q1",  # question 1's button, clicked late
            "@bob /quiz status",
            "@tess /quiz stop",
            "/timeline 2002",
        ]
    )
    result = run_lectern(
        "console",
        "--json",
        "--teachers",
        "tess",
        stdin=script + "\n",
        settings={"LECTERN_SEED": "4"},
    )
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    replies = {r["command"]: r for r in rows if r["event"] == "reply"}
    question = next(r for r in rows if r["event"] == "post")
    assert question["title"] == "Timeline · 1/3" and question["choices"]
    assert question["choices"][0]["value"].startswith("/quiz answer A #")
    assert replies["@ann 1"]["text"] in ("Answer received.", "Answer with a letter from A to D.")
    stale = replies["@bob /quiz answer A #1 q1"]
    assert stale["text"] == "That question has closed; question 2 of 3 is open now."
    assert stale["ephemeral"]
    assert "question 2 of 3, 1 players" in replies["@bob /quiz status"]["text"]
    timeline = replies["/timeline 2002"]
    assert timeline["title"] == "Timeline: 2002 (3 events)"
    assert timeline["text"].splitlines()[-1].startswith("• 28 May 2002: The NATO-Russia Council")


def test_a_byte_order_mark_at_the_start_of_a_script_is_ignored(app: Lectern) -> None:
    out = run_console(app, "\ufeff/define CSTO\r\n/topics\r\n", as_json=True)
    rows = [json.loads(line) for line in out.splitlines()]
    assert [r["command"] for r in rows] == ["/define CSTO", "/topics"]
    assert rows[0]["title"].startswith("CSTO")


def test_the_console_always_exits_after_a_stop_and_the_end_of_input(app: Lectern) -> None:
    script = (
        "@tess /quiz start timeline questions:3 seconds:30\n@ann /quiz answer 1\n@tess /quiz stop\n"
    )
    for _ in range(50):  # a run that hung would fail on run_console's time limit
        out = run_console(app, script, as_json=True, teachers=frozenset({"tess"}))
        assert json.loads(out.splitlines()[-1])["title"] == "“Timeline” was stopped"
