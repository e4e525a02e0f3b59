"""The app manifest, the shipped copy, and how Slack's commands become the core's lines."""

from __future__ import annotations

import yaml

from bot.__main__ import main
from bot.adapters.slack.app import COMMANDS, line_of
from bot.adapters.slack.manifest import SCOPES, manifest, manifest_yaml
from bot.core.commands.menu import default_registry
from tests.conftest import ROOT


def test_the_manifest_has_a_command_for_every_core_command() -> None:
    registry = default_registry()
    assert set(COMMANDS) == set(registry.names())
    commands = manifest(registry)["features"]["slash_commands"]
    assert [c["command"] for c in commands] == [f"/{n}" for n in COMMANDS] + ["/lectern"]
    assert all(0 < len(c["description"]) <= 100 for c in commands)


def test_socket_mode_by_default_and_request_urls_for_http() -> None:
    socket = manifest(default_registry())
    assert socket["settings"]["socket_mode_enabled"] is True
    assert socket["oauth_config"]["scopes"]["bot"] == list(SCOPES)
    http = manifest(default_registry(), prefix="lc", request_url="https://x.org/slack/events")
    assert http["settings"]["socket_mode_enabled"] is False
    assert http["settings"]["interactivity"]["request_url"] == "https://x.org/slack/events"
    assert {c["url"] for c in http["features"]["slash_commands"]} == {"https://x.org/slack/events"}
    assert http["features"]["slash_commands"][0]["command"] == "/lcfact"


def test_the_shipped_manifest_is_the_printed_one(capsys: object) -> None:
    shipped = (ROOT / "slack" / "manifest.yaml").read_text(encoding="utf-8")
    assert shipped == manifest_yaml(default_registry()), "rerun: lectern slack manifest"
    assert yaml.safe_load(shipped)["display_information"]["name"] == "Lectern"
    assert main(["slack", "manifest", "--prefix", "bad prefix!"]) == 2


def test_slack_commands_become_the_core_lines() -> None:
    assert line_of("/quiz", "start  timeline questions:5") == "/quiz start timeline questions:5"
    assert line_of("/fact", "") == "/fact"
    assert line_of("/lectern", "") == "/help"
    assert line_of("/lectern", "whosaid csto") == "/whosaid csto"
    assert line_of("/lectern", "/define CSTO") == "/define CSTO"
    assert line_of("/lcdefine", "CSTO", prefix="lc") == "/define CSTO"
