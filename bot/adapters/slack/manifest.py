"""The Slack app manifest: the commands, the least scopes, interactivity, and Socket Mode or the
request URLs. `lectern slack manifest` prints it; `slack/manifest.yaml` is the shipped copy."""

from __future__ import annotations

from typing import Any

import yaml

from bot.adapters.slack.app import COMMANDS, UMBRELLA
from bot.core.commands.registry import Registry
from bot.core.text import shorten

# Each scope, and why the bot needs it.
SCOPES = {
    "commands": "the slash commands",
    "chat:write": "post questions, reveals, podiums and answers",
    "users:read": "tell workspace admins and owners (teachers) from students",
    "files:write": "send the CSV of /quiz results",
    "im:write": "write to a teacher directly (the CSV, a quiz that had to end)",
}


def manifest(
    registry: Registry, *, prefix: str = "", request_url: str | None = None
) -> dict[str, Any]:
    """With `request_url` (https://host/slack/events) for HTTP mode; else Socket Mode."""
    commands = []
    for name in COMMANDS:
        spec = registry.get(name)
        assert spec is not None, name
        command: dict[str, Any] = {
            "command": f"/{prefix}{name}",
            "description": shorten(spec.summary, 100),
            "usage_hint": shorten(spec.usage.split(" ", 1)[1] if " " in spec.usage else "", 100),
            "should_escape": False,
        }
        if request_url:
            command["url"] = request_url
        commands.append({k: v for k, v in command.items() if v != ""})
    umbrella: dict[str, Any] = {
        "command": f"/{UMBRELLA}",
        "description": "Any Lectern command, e.g. /lectern quiz start timeline",
        "usage_hint": "<command> [arguments]",
        "should_escape": False,
    }
    if request_url:
        umbrella["url"] = request_url
    commands.append(umbrella)
    interactivity: dict[str, Any] = {"is_enabled": True}
    if request_url:
        interactivity["request_url"] = request_url
    return {
        "display_information": {
            "name": "Lectern",
            "description": "Facts, quizzes and who-said-what for class channels, every answer "
            "cited.",
        },
        "features": {
            "bot_user": {"display_name": "Lectern", "always_online": True},
            "slash_commands": commands,
        },
        "oauth_config": {"scopes": {"bot": list(SCOPES)}},
        "settings": {
            "interactivity": interactivity,
            "org_deploy_enabled": False,
            "socket_mode_enabled": request_url is None,
            "token_rotation_enabled": False,
        },
    }


def manifest_yaml(registry: Registry, **options: Any) -> str:
    scopes = "\n".join(f"#   {scope}: {why}" for scope, why in SCOPES.items())
    head = (
        "# The Slack app manifest of Lectern (`lectern slack manifest` prints it).\n"
        "# api.slack.com/apps > Create New App > From an app manifest > paste this.\n"
        f"# Bot scopes:\n{scopes}\n"
    )
    body = yaml.safe_dump(manifest(registry, **options), sort_keys=False, allow_unicode=True)
    return head + body
