"""A core Reply as Discord messages: an embed (title, description, fields, the citation in the
footer), buttons or a select menu for its choices, an "Answer" button for a typed answer, and the
attachment as a file.

Every component is a `DynamicItem` whose custom_id carries the core's own value (the command a
click sends, bound to its question), so a click on a message posted before a restart still
reaches the right session: nothing about a message is kept in memory.
"""

from __future__ import annotations

import io
import logging
import re
from dataclasses import dataclass, field
from typing import Any, Protocol, cast

import discord

from bot.core.fit import NEXT, PREVIOUS
from bot.core.messages import Ask, Choice, Reply, fill
from bot.core.text import shorten

log = logging.getLogger(__name__)

NO_MENTIONS = discord.AllowedMentions.none()
COLOUR = discord.Colour(0x2F6FB0)
EMBED_TOTAL = 6000  # Discord's limit on all the text of a message's embeds
FOOTER_CHARS = 2048
BUTTONS_PER_ROW = 5
MOST_BUTTONS = 10  # more choices than this read better as a select menu
MENU_OPTION_CHARS = 100
MODAL_TITLE_CHARS = 45
INPUT_LABEL_CHARS = 45
ANSWER_CHARS = 200
PICK, MENU, ASK, FORM = "L:", "S:", "A:", "M:"  # what a custom_id is, by its prefix


class Handles(Protocol):
    """The client a component hands its click to (the adapter's client)."""

    async def picked(self, interaction: discord.Interaction[Any], value: str) -> None: ...

    async def typed(self, interaction: discord.Interaction[Any], text: str) -> None: ...


def _handler(interaction: discord.Interaction[Any]) -> Handles:
    return cast(Handles, interaction.client)


class Pick(discord.ui.DynamicItem[discord.ui.Button[Any]], template=re.compile(r"L:(?P<v>.+)")):
    """A button; its custom_id is "L:" + the command it sends."""

    def __init__(self, value: str, label: str = "·", row: int | None = None) -> None:
        nav = label in (PREVIOUS, NEXT)
        style = discord.ButtonStyle.secondary if nav else discord.ButtonStyle.primary
        super().__init__(
            discord.ui.Button(label=label, custom_id=PICK + value, style=style, row=row)
        )
        self.value = value

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
    ) -> Pick:
        return cls(match["v"], getattr(item, "label", None) or "·")

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await _handler(interaction).picked(interaction, self.value)


class Menu(discord.ui.DynamicItem[discord.ui.Select[Any]], template=re.compile(r"S:(?P<n>\d)")):
    """A select menu for a long list of choices; each option's value is the command it sends."""

    def __init__(self, number: int, options: list[discord.SelectOption] | None = None) -> None:
        super().__init__(
            discord.ui.Select(
                custom_id=f"{MENU}{number}",
                placeholder="Choose…",
                options=options or [discord.SelectOption(label="·")],
            )
        )

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
    ) -> Menu:
        return cls(int(match["n"]), list(getattr(item, "options", [])))

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        values = self.item.values
        if values:
            await _handler(interaction).picked(interaction, values[0])


class AskButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]], template=re.compile(r"A:(?P<v>.+)")
):
    """The "Answer" button of a typed-answer question: it opens a form (a modal)."""

    def __init__(self, command: str, label: str = "Answer", prompt: str = "Your answer") -> None:
        super().__init__(
            discord.ui.Button(
                label=label, emoji="✏️", custom_id=ASK + command, style=discord.ButtonStyle.success
            )
        )
        self.command, self.prompt = command, prompt

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
    ) -> AskButton:
        # The prompt is not in the custom_id: after a restart the form says what the embed says.
        return cls(match["v"], getattr(item, "label", None) or "Answer")

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        form = AnswerForm(self.command, self.label, self.prompt)
        try:
            await interaction.response.send_modal(form)
        except discord.HTTPException as exc:  # too late (10062): the next click is served
            log.warning("could not open the answer form: %s %s", exc.status, exc.text)

    @property
    def label(self) -> str:
        return self.item.label or "Answer"


class AnswerForm(discord.ui.Modal):
    """The typed answer; on submit, the question's command with the text in it."""

    def __init__(self, command: str, title: str, prompt: str) -> None:
        super().__init__(title=shorten(title, MODAL_TITLE_CHARS), custom_id=FORM + command)
        self.command = command
        self.answer: discord.ui.TextInput[AnswerForm] = discord.ui.TextInput(
            label=shorten(prompt, INPUT_LABEL_CHARS), max_length=ANSWER_CHARS
        )
        self.add_item(self.answer)

    async def on_submit(self, interaction: discord.Interaction[Any]) -> None:
        await _handler(interaction).typed(interaction, fill(self.command, self.answer.value))


@dataclass
class Message:
    """One Discord message's parts, ready for `send`, a response or an edit."""

    embeds: list[discord.Embed] = field(default_factory=list)
    view: discord.ui.View | None = None
    file: discord.File | None = None

    def send_kwargs(self) -> dict[str, Any]:
        kwargs: dict[str, Any] = {"embeds": self.embeds, "allowed_mentions": NO_MENTIONS}
        if self.view is not None:
            kwargs["view"] = self.view
        if self.file is not None:
            kwargs["file"] = self.file
        return kwargs

    def edit_kwargs(self) -> dict[str, Any]:
        """An edit replaces the components too: no view means no buttons any more."""
        return {
            "embeds": self.embeds,
            "view": self.view,
            "allowed_mentions": NO_MENTIONS,
        }


def _footer(reply: Reply) -> str | None:
    if not reply.citations:
        return None
    if len(reply.citations) == 1:
        text = "Source: " + reply.citations[0].render()
    else:
        lines = [f"{n}. {c.render()}" for n, c in enumerate(reply.citations, start=1)]
        text = "Sources:\n" + "\n".join(lines)
    return shorten(text, FOOTER_CHARS) if len(text) > FOOTER_CHARS else text


def _view(choices: tuple[Choice, ...], ask: Ask | None) -> discord.ui.View | None:
    if not choices and ask is None:
        return None
    view = discord.ui.View(timeout=None)
    if len(choices) > MOST_BUTTONS:
        # A long list becomes a menu; the pager's buttons stay buttons below it.
        nav = [c for c in choices if c.label in (PREVIOUS, NEXT)]
        listed = [c for c in choices if c not in nav]
        options = [
            discord.SelectOption(label=shorten(c.label, MENU_OPTION_CHARS), value=c.value)
            for c in listed
        ]
        view.add_item(Menu(0, options))
        for choice in nav:
            view.add_item(Pick(choice.value, choice.label, row=1))
    else:
        for n, choice in enumerate(choices):
            view.add_item(Pick(choice.value, choice.label, row=n // BUTTONS_PER_ROW))
    if ask is not None:
        view.add_item(AskButton(ask.command, ask.label, ask.prompt))
    return view


def _embed(title: str | None, text: str) -> discord.Embed:
    return discord.Embed(title=title, description=text or None, colour=COLOUR)


def render(reply: Reply) -> list[Message]:
    """`reply` (already fitted by the core) as Discord messages: one, unless its fields would
    take the embed past Discord's 6,000 characters, when they continue in further messages."""
    embed = _embed(reply.title, reply.text)
    footer = _footer(reply)
    messages = [Message([embed])]
    for f in reply.fields:
        embed.add_field(name=f.name, value=f.value or "—", inline=f.inline)
        if len(embed) + len(footer or "") > EMBED_TOTAL and len(embed.fields) > 1:
            embed.remove_field(-1)
            embed = _embed(f"{reply.title or ''} (cont.)".strip(), "")
            embed.add_field(name=f.name, value=f.value or "—", inline=f.inline)
            messages.append(Message([embed]))
    last = messages[-1]
    if footer:
        room = EMBED_TOTAL - len(embed)
        embed.set_footer(text=footer if len(footer) <= room else shorten(footer, room))
    if not (embed.title or embed.description or embed.fields or embed.footer.text):
        embed.description = "…"
    last.view = _view(reply.choices, reply.ask)
    if reply.attachment is not None:
        data = io.BytesIO(reply.attachment.content)
        last.file = discord.File(data, filename=reply.attachment.filename)
    return messages
