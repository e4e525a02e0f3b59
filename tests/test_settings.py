"""Every bad setting ends in one clear line naming it and exit 2, never a traceback; no secret
reaches a log line, wherever it sits in a URL."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.settings import Settings
from bot.store.engine import shown
from tests.conftest import run_lectern
from tests.engines import POSTGRES


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("LECTERN_DATABASE_URL", "mysql://x", "unsupported database 'mysql'"),
        ("LECTERN_DATABASE_URL", "garbage", "not a database URL"),
        ("LECTERN_DATABASE_URL", "postgresql+asyncpg://u@host:notaport/db", "not a database URL"),
        ("LECTERN_ADAPTERS", "telegram", "choose from console, discord, slack"),
        ("LECTERN_ADAPTERS", " , ", "choose from console, discord, slack"),
        ("LECTERN_CONTENT_DIR", "/no/such/folder", "LECTERN_CONTENT_DIR=/no/such/folder"),
        ("LECTERN_QUIZ_DIR", "/no/such/folder", "LECTERN_QUIZ_DIR=/no/such/folder"),
        ("LECTERN_LOG_LEVEL", "loud", "choose from DEBUG, INFO"),
        ("LECTERN_ADAPTERS", "discord", "LECTERN_DISCORD_TOKEN: the discord adapter needs"),
        ("LECTERN_DISCORD_GUILD", "my server", "LECTERN_DISCORD_GUILD: Input should be a valid"),
        ("LECTERN_SEED", "abc", "LECTERN_SEED: Input should be a valid integer"),
        ("LECTERN_DAILY_GRACE", "a while", "LECTERN_DAILY_GRACE='a while': write a duration"),
        ("LECTERN_DAILY_GRACE", "6 months", "write a duration such as 6h, 90m or 0"),
    ],
)
def test_a_bad_setting_is_one_clear_line_and_exit_2(
    variable: str, value: str, expected: str
) -> None:
    result = run_lectern("run", settings={variable: value})
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("lectern: "), result.stderr
    assert expected in lines[0]
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("typed", "seconds"),
    [("6h", 21600), ("90m", 5400), ("1.5 hours", 5400), ("45 min", 2700), ("3600", 3600),
     ("0", 0), ("2d", 172800), ("30s", 30)],
)  # fmt: skip
def test_the_grace_window_reads_as_teachers_write_durations(typed: str, seconds: int) -> None:
    grace = Settings(daily_grace=typed).grace
    assert grace is not None and grace.total_seconds() == seconds


def test_the_grace_window_defaults_to_six_hours() -> None:
    assert Settings().grace == timedelta(hours=6)


@pytest.mark.parametrize(
    ("url", "secret"),
    [
        ("postgresql+asyncpg://bob:hunter2@db:5432/lectern", "hunter2"),
        ("postgresql+asyncpg://bob@db/lectern?password=hunter2", "hunter2"),
        ("postgresql://db/lectern?sslpassword=hunter2&sslmode=require", "hunter2"),
        ("postgresql://db/lectern?PASSWORD=hunter2", "hunter2"),
        ("postgresql://db/lectern?api_key=k1&user=bob", "k1"),
        ("postgresql://db/lectern?options=xoxb-1234-5678-abcd", "xoxb-1234"),
        ("postgresql://db/lectern?x=Zm9vYmFyYmF6cXV4cXV1eHh4eHh4eA", "Zm9vYmFy"),
        ("sqlite+aiosqlite:///data/lectern.db", None),
        ("not a url at all: hunter2", "hunter2"),
    ],
)
def test_secrets_never_show_in_a_url_as_logged(url: str, secret: str | None) -> None:
    logged = shown(url)
    if secret is None:
        assert logged == url
    else:
        assert secret not in logged
    if "sslmode=require" in url:
        assert "sslmode=require" in logged, "what is not secret stays readable"


def test_no_start_up_log_line_holds_a_secret() -> None:
    secrets = {
        "LECTERN_DATABASE_URL": POSTGRES + "?password=hunter2-in-query",
        "LECTERN_DISCORD_TOKEN": "discord-token-NzkyNzE1NDU0MTk2MDg4ODQy",
        "LECTERN_SLACK_BOT_TOKEN": "xoxb-1111-2222-secretbot",
        "LECTERN_SLACK_APP_TOKEN": "xapp-1-A111-secretapp",
    }
    result = run_lectern(
        "run",
        stdin="/define CSTO\n",
        settings={**secrets, "LECTERN_ADAPTERS": "console", "LECTERN_LOG_LEVEL": "DEBUG"},
    )
    if "cannot open the database" in result.stderr:
        pytest.skip(f"PostgreSQL not reachable at {POSTGRES.split('@')[-1]}")
    assert result.returncode == 0, result.stderr
    assert "quiz database: postgresql+asyncpg://" in result.stderr, "the start-up was logged"
    logged = result.stdout + result.stderr
    for value in secrets.values():
        hidden = value.split("=")[-1] if "?" in value else value
        assert hidden not in logged
