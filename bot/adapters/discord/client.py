"""The Discord client: interactions in, the core's replies out, within Discord's 3 seconds.

Everything comes through interactions (slash commands, buttons, menus, forms), so the bot needs
no privileged intent: only `guilds`, for the roles that make a member a teacher. Each
interaction's command runs in the core at once; if its answer is not ready within
`ACK_SECONDS` the interaction is deferred (so Discord's deadline is always met) and the answer
follows. The core's posts (questions, reveals) go out through `DiscordOutbox`, in the
background.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import aiohttp
import discord
import yarl
from discord import app_commands

from bot.adapters.discord.commands import build
from bot.adapters.discord.render import (
    ASK,
    MENU,
    NO_MENTIONS,
    PICK,
    AskButton,
    Menu,
    Pick,
    render,
)
from bot.adapters.discord.sync import sync_commands
from bot.bootstrap import Bot
from bot.core.course.suggest import Kind, suggest
from bot.core.messages import Actor, Channel, Command, Reply, fill
from bot.core.ports import Memo
from bot.core.text import shorten

log = logging.getLogger(__name__)

ACK_SECONDS = 2.0  # Discord's 3 s, less the time the response takes to reach it
AUTOCOMPLETE_CHARS = 100
# Members who manage the server or its channels are teachers, as are those with the role named.
TEACHER_FLAGS = ("administrator", "manage_guild", "manage_channels")
INTENTS = discord.Intents.none()
INTENTS.guilds = True


@dataclass(frozen=True, slots=True)
class DiscordSettings:
    token: str
    guild: int | None = None  # sync commands to this guild only (development)
    teacher_role: str | None = None
    api_base: str | None = None  # e.g. a REST proxy; the fake Discord in tests
    gateway_url: str | None = None


def point_at(api_base: str | None, gateway_url: str | None) -> None:
    """Send discord.py's REST calls and gateway connection elsewhere than discord.com."""
    if api_base:
        discord.http.Route.BASE = api_base.rstrip("/")
    if gateway_url:
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway_url)


def actor(interaction: discord.Interaction[Any], teacher_role: str | None) -> Actor:
    user = interaction.user
    teacher = False
    if interaction.guild_id is not None:
        permissions = interaction.permissions  # the member's, in this channel
        teacher = any(getattr(permissions, flag) for flag in TEACHER_FLAGS)
        if not teacher and teacher_role and isinstance(user, discord.Member):
            wanted = teacher_role.casefold()
            teacher = any(role.name.casefold() == wanted for role in user.roles)
    roles = frozenset({"teacher"}) if teacher else frozenset()
    return Actor("discord", str(user.id), user.display_name, roles)


def place(interaction: discord.Interaction[Any]) -> Channel:
    channel = interaction.channel
    return Channel(
        "discord",
        str(interaction.channel_id),
        str(interaction.guild_id) if interaction.guild_id is not None else None,
        getattr(channel, "name", None),
    )


class LecternClient(discord.Client):
    def __init__(
        self,
        settings: DiscordSettings,
        memo: Memo,
        *,
        serve: bool = True,
        guild_ready_timeout: float = 2.0,
    ) -> None:
        super().__init__(
            intents=INTENTS,
            allowed_mentions=NO_MENTIONS,
            member_cache_flags=discord.MemberCacheFlags.none(),
            chunk_guilds_at_startup=False,
            max_messages=None,
            guild_ready_timeout=guild_ready_timeout,
        )
        self.settings = settings
        self.memo = memo
        self.serve = serve
        self.tree: app_commands.CommandTree[LecternClient] = app_commands.CommandTree(self)
        self.tree.error(self._command_failed)
        self.bot: Bot | None = None
        self.resumed = asyncio.Event()
        # Told each interaction id once it has been fully answered (for metrics and tests).
        self.after_answer: Callable[[int], None] = lambda interaction_id: None

    def attach(self, bot: Bot) -> None:
        """Serve `bot` (its outbox is this client's): declare the slash commands."""
        self.bot = bot
        for command in build(self, bot.app.registry):
            self.tree.add_command(command)

    async def setup_hook(self) -> None:
        self.add_dynamic_items(Pick, Menu, AskButton)
        if not self.serve:
            return
        try:
            await sync_commands(self, self.memo, self.settings.guild)
        except discord.HTTPException as exc:
            # The commands already registered keep working; the log says what was refused.
            log.error("Discord refused the slash commands: %s %s", exc.status, exc.text)

    async def on_interaction(self, interaction: discord.Interaction[Any]) -> None:
        """A click on a component its message no longer shows (the question closed and its
        buttons went while the click was on its way): discord.py's dispatch drops those, so it
        is answered here, and the core says the question has closed."""
        if interaction.type is not discord.InteractionType.component:
            return
        data: dict[str, Any] = dict(interaction.data or {})
        custom_id = str(data.get("custom_id", ""))
        prefix, value = custom_id[:2], custom_id[2:]
        if prefix not in (PICK, MENU, ASK) or _shows(interaction.message, custom_id):
            return
        if prefix == MENU:
            values = data.get("values") or []
            value = str(values[0]) if values else ""
        if value:
            await self.picked(interaction, fill(value, "").strip())

    async def on_resumed(self) -> None:
        log.info("gateway session resumed")
        self.resumed.set()

    # -- interactions ----------------------------------------------------------------------

    def suggestions(self, kind: Kind, typed: str) -> list[app_commands.Choice[str]]:
        assert self.bot is not None
        return [
            app_commands.Choice(name=shorten(s.label, AUTOCOMPLETE_CHARS), value=s.value)
            for s in suggest(self.bot.app.library, kind, typed)
            if len(s.value) <= AUTOCOMPLETE_CHARS
        ]

    async def handle(self, interaction: discord.Interaction[Any], text: str) -> None:
        """A slash command, as the line the core reads."""
        await self._answer(interaction, text, component=False)

    async def picked(self, interaction: discord.Interaction[Any], value: str) -> None:
        """A button or menu option: its value is the command it sends."""
        await self._answer(interaction, value, component=True)

    async def typed(self, interaction: discord.Interaction[Any], text: str) -> None:
        """A submitted answer form."""
        await self._answer(interaction, text, component=False)

    async def _answer(
        self, interaction: discord.Interaction[Any], text: str, component: bool
    ) -> None:
        assert self.bot is not None
        app = self.bot.app
        command = Command(
            actor(interaction, self.settings.teacher_role),
            place(interaction),
            text,
            self.bot.clock.now(),
        )
        # A click on "Next ▸" turns the page of the message it is on, for whoever sees it.
        in_place = component and " page:" in text
        work = asyncio.ensure_future(app.dispatch(command))
        done, _ = await asyncio.wait({work}, timeout=ACK_SECONDS)
        deferred: bool | None = None  # deferred privately? None: not deferred
        try:
            if not done:
                deferred = in_place or app.visibility(text) == "private"
                if in_place:
                    await interaction.response.defer()  # a deferred update of that message
                else:
                    await interaction.response.defer(ephemeral=deferred, thinking=True)
            replies = await work
            await self._send(interaction, replies, in_place, deferred)
        except discord.HTTPException as exc:
            # An interaction answered too late (10062) or twice, a limit refused: logged, and
            # the next interaction is served as usual.
            log.warning(
                "could not answer %r from %s: %s %s",
                shorten(text, 60),
                interaction.user.id,
                exc.status,
                exc.text,
            )
        except (aiohttp.ClientError, OSError) as exc:
            log.warning("could not answer %r: %r", shorten(text, 60), exc)
        finally:
            self.after_answer(interaction.id)

    async def _send(
        self,
        interaction: discord.Interaction[Any],
        replies: list[Reply],
        in_place: bool,
        deferred: bool | None,
    ) -> None:
        response = interaction.response
        first = True
        for reply in replies:
            for message in render(reply):
                if first and in_place:
                    if response.is_done():
                        await interaction.edit_original_response(**message.edit_kwargs())
                    else:
                        await response.edit_message(**message.edit_kwargs())
                elif not response.is_done():
                    await response.send_message(**message.send_kwargs(), ephemeral=reply.ephemeral)
                else:
                    if first and deferred is False and reply.ephemeral:
                        # The first follow-up would replace the public "thinking…" message.
                        await interaction.delete_original_response()
                    await interaction.followup.send(
                        **message.send_kwargs(), ephemeral=reply.ephemeral, wait=True
                    )
                first = False

    async def _command_failed(
        self, interaction: discord.Interaction[Any], error: app_commands.AppCommandError
    ) -> None:
        log.error("slash command failed: %s", error, exc_info=error)
        if interaction.response.is_done():
            return
        with contextlib.suppress(discord.HTTPException, aiohttp.ClientError, OSError):
            await interaction.response.send_message(
                "Sorry, something went wrong with that command. It has been logged.",
                ephemeral=True,
                allowed_mentions=NO_MENTIONS,
            )


def _shows(message: discord.Message | None, custom_id: str) -> bool:
    if message is None:
        return False
    for row in message.components:
        for item in getattr(row, "children", [row]):
            if getattr(item, "custom_id", None) == custom_id:
                return True
    return False
