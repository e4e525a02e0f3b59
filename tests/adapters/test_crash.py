"""kill -9 in the middle of a quiz: no acknowledged answer is lost, and the quiz resumes."""

from __future__ import annotations

import json
import os
import queue
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterable
from pathlib import Path

from tests.conftest import ROOT, lectern_env, run_lectern


class Lines:
    """The JSON rows a process prints, read on a thread so that waiting can time out."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self._queue: queue.Queue[str] = queue.Queue()
        assert process.stdout is not None
        stream = process.stdout
        threading.Thread(target=self._pump, args=(stream,), daemon=True).start()

    def _pump(self, stream: Iterable[str]) -> None:
        for line in stream:
            self._queue.put(line)

    def until(self, wanted: str, timeout: float = 30) -> list[dict[str, object]]:
        rows: list[dict[str, object]] = []
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            try:
                row = json.loads(self._queue.get(timeout=left))
            except queue.Empty:
                break
            rows.append(row)
            if wanted in (row.get("text"), row.get("title")):
                return rows
        raise AssertionError(f"never saw {wanted!r}; got {rows}")


def test_kill_9_loses_no_acknowledged_answer(tmp_path: Path) -> None:
    database = tmp_path / "lectern.db"
    settings = {"LECTERN_DATABASE_URL": f"sqlite+aiosqlite:///{database}", "LECTERN_SEED": "4"}
    env = lectern_env(settings)
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "console", "--json", "--teachers", "tess"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env=env,
    )
    assert process.stdin is not None
    try:
        process.stdin.write("@tess /quiz start timeline questions:3 seconds:600 scoring:flat\n")
        process.stdin.flush()
        lines = Lines(process)
        lines.until("Timeline · 1/3")
        for student in ("ann", "bob", "cy"):
            process.stdin.write(f"@{student} /quiz answer 1\n")
            process.stdin.flush()
            lines.until("Answer received.")
    finally:
        os.kill(process.pid, signal.SIGKILL)  # no chance to flush or close anything
        process.wait(timeout=10)
    assert process.returncode == -signal.SIGKILL

    with sqlite3.connect(database) as db:
        stored = db.execute("SELECT user_id FROM answers ORDER BY user_id").fetchall()
    assert stored == [("ann",), ("bob",), ("cy",)], "every acknowledged answer is on disk"

    after = run_lectern(
        "console",
        "--json",
        "--teachers",
        "tess",
        stdin="@ann /quiz answer 1\n@tess /quiz status\n@tess /quiz stop\n",
        settings=settings,
    )
    assert after.returncode == 0, after.stderr
    rows = [json.loads(line) for line in after.stdout.splitlines()]
    assert rows[0]["title"] == "Quiz resumed"
    assert "resumes at question 1 with a fresh timer" in rows[0]["text"]
    assert rows[1]["title"] == "Timeline · 1/3"
    replies = {r["command"]: r for r in rows if r["event"] == "reply"}
    assert replies["@ann /quiz answer 1"]["text"] == "You have already answered this question."
    assert "3 players" in replies["@tess /quiz status"]["text"]
    podium = next(r for r in rows if r["title"] == "“Timeline” was stopped")
    assert all(name in podium["text"] for name in ("ann", "bob", "cy")), "scores survived"
