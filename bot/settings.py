"""Settings from LECTERN_* environment variables, with defaults that need nothing set."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

_PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _shipped(folder: str) -> Path:
    """`./folder` when run from a checkout or the container, else the one beside the package."""
    here = Path.cwd() / folder
    return here if here.is_dir() else _PROJECT_ROOT / folder


def secret(value: SecretStr | None) -> str:
    """A secret setting's text, stripped; "" when it is not set."""
    return value.get_secret_value().strip() if value is not None else ""


_DURATION = re.compile(
    r"(?P<amount>\d+(?:\.\d+)?)\s*(?P<unit>s|sec|secs|seconds?|m|min|mins|minutes?|h|hrs?|hours?|d|days?)?",
    re.IGNORECASE,
)
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def duration(text: str) -> timedelta | None:
    """'6h', '90m', '1.5 hours', '3600' (seconds), '0' -> a duration; None for anything else."""
    match = _DURATION.fullmatch(text.strip())
    if match is None:
        return None
    unit = (match["unit"] or "s")[0].casefold()
    return timedelta(seconds=float(match["amount"]) * _UNIT_SECONDS[unit])


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="LECTERN_", extra="ignore")

    content_dir: Path = Field(default_factory=lambda: _shipped("content"))
    quiz_dir: Path = Field(default_factory=lambda: _shipped("quizzes"))
    adapters: str = Field(
        default="console",
        description="Comma-separated adapters for `lectern run`: console, discord, slack.",
    )
    teachers: str = Field(default="", description="Console users who count as teachers (a,b).")
    log_level: str = "INFO"
    # A SecretStr: a PostgreSQL URL carries its password.
    database_url: SecretStr = Field(
        default=SecretStr("sqlite+aiosqlite:///data/lectern.db"),
        description="sqlite+aiosqlite:///path.db (default ./data/lectern.db) or "
        "postgresql+asyncpg://user:password@host/db",
    )
    seed: int | None = Field(default=None, description="Fixes the random choices (for demos).")
    discord_token: SecretStr | None = Field(
        default=None, description="The bot token from the Discord developer portal."
    )
    discord_guild: int | None = Field(
        default=None, description="Sync slash commands to this server only (instant; for testing)."
    )
    discord_teacher_role: str | None = Field(
        default=None, description="Members with this role count as teachers (besides managers)."
    )
    discord_api_base: str | None = Field(
        default=None, description="Another REST base than https://discord.com/api/v10 (a proxy)."
    )
    discord_gateway_url: str | None = Field(
        default=None, description="Another gateway than wss://gateway.discord.gg/."
    )
    slack_bot_token: SecretStr | None = Field(
        default=None, description="xoxb-… (OAuth & Permissions)."
    )
    slack_app_token: SecretStr | None = Field(
        default=None, description="xapp-… with connections:write, for Socket Mode."
    )
    slack_mode: str = Field(default="socket", description="socket (no public URL) or http.")
    slack_signing_secret: SecretStr | None = Field(
        default=None, description="Basic Information > Signing Secret, for HTTP mode."
    )
    slack_teachers: str = Field(default="", description="User ids that count as teachers (U1,U2).")
    slack_api_url: str | None = Field(
        default=None, description="Another Web API base than https://slack.com/api/."
    )
    slack_prefix: str = Field(
        default="", description="Command prefix, as in `lectern slack manifest --prefix`."
    )
    daily_grace: str = Field(
        default="6h",
        description="A daily fact missed while the bot was down still goes out on start if it "
        "is at most this late (e.g. 6h, 90m, 0 for never); older ones are recorded as missed.",
    )
    http_host: str = Field(default="0.0.0.0", description="HTTP mode: the address to listen on.")
    http_port: int = Field(default=3000, description="HTTP mode: the port (POST /slack/events).")

    @property
    def grace(self) -> timedelta | None:
        """LECTERN_DAILY_GRACE as a duration; None when it cannot be read."""
        return duration(self.daily_grace)

    @property
    def adapter_names(self) -> list[str]:
        return [a.strip().casefold() for a in self.adapters.split(",") if a.strip()]

    @property
    def teacher_names(self) -> frozenset[str]:
        return frozenset(t.strip().casefold() for t in self.teachers.split(",") if t.strip())
