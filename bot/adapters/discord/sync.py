"""Registering the slash commands with Discord, and the link that invites the bot.

Discord rate-limits command creation (200 a day per guild), so a start syncs only when the
definitions changed since the last sync: their hash is kept in the store, per application and
scope (one guild while developing, else global).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import logging

import discord
from discord import app_commands

from bot.core.ports import Memo

log = logging.getLogger(__name__)

# The least the bot needs, each for a reason a teacher can check.
PERMISSIONS = {
    "view_channel": "see the channels it is asked to post in",
    "send_messages": "post questions, reveals, podiums and daily facts",
    "embed_links": "show answers as embeds, with their source in the footer",
    "attach_files": "attach the CSV of /quiz results",
}
SCOPES = ("bot", "applications.commands")


def scope_name(guild: int | None) -> str:
    return f"guild {guild}" if guild is not None else "global"


def definitions(tree: app_commands.CommandTree[discord.Client], guild: int | None) -> str:
    """The commands as Discord receives them, in a stable form."""
    target = discord.Object(guild) if guild is not None else None
    commands = [c.to_dict(tree) for c in tree.get_commands(guild=target)]
    if guild is not None:
        commands += [c.to_dict(tree) for c in tree.get_commands()]
    return json.dumps(sorted(commands, key=lambda c: str(c["name"])), sort_keys=True)


def memo_key(application_id: int | None, guild: int | None) -> str:
    return f"discord:commands:{application_id}:{scope_name(guild)}"


async def sync_commands(
    client: discord.Client,
    memo: Memo,
    guild: int | None,
    *,
    force: bool = False,
) -> bool:
    """Sync when the definitions changed (or `force`); True if a sync was sent."""
    tree: app_commands.CommandTree[discord.Client] = client.tree  # type: ignore[attr-defined]
    digest = hashlib.sha256(definitions(tree, guild).encode()).hexdigest()
    key = memo_key(client.application_id, guild)
    if not force and await memo.recall(key) == digest:
        log.info("slash commands unchanged since the last sync (%s)", scope_name(guild))
        return False
    if guild is not None:
        target = discord.Object(guild)
        tree.copy_global_to(guild=target)
        synced = await tree.sync(guild=target)
        tree.clear_commands(guild=target)  # the copies served their purpose
    else:
        synced = await tree.sync()
    await memo.remember(key, digest)
    log.info("synced %d slash commands (%s)", len(synced), scope_name(guild))
    return True


def application_id(token: str) -> int | None:
    """A bot token starts with its application's id, base64-encoded."""
    head = token.split(".", 1)[0]
    try:
        text = base64.b64decode(head + "=" * (-len(head) % 4), validate=True).decode("ascii")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    return int(text) if text.isdigit() else None


def permissions() -> discord.Permissions:
    return discord.Permissions(**dict.fromkeys(PERMISSIONS, True))


def invite_url(client_id: int, guild: int | None = None) -> str:
    target = discord.Object(guild) if guild is not None else discord.utils.MISSING
    return discord.utils.oauth_url(
        client_id, permissions=permissions(), guild=target, scopes=SCOPES
    )


def invite_text(client_id: int, guild: int | None = None) -> str:
    """The invite link, and what each permission in it is for."""
    value = permissions().value
    lines = [
        invite_url(client_id, guild),
        "",
        f"Scopes: {' '.join(SCOPES)} (the bot user, and its slash commands).",
        f"Permissions: {value}, the sum of:",
    ]
    for name, why in PERMISSIONS.items():
        flag = discord.Permissions(**{name: True}).value
        lines.append(f"  {flag:>6}  {name.replace('_', ' ').title()}: to {why}")
    lines.append("No privileged intent is needed: everything arrives as an interaction.")
    return "\n".join(lines)
