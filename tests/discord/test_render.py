"""Replies as Discord messages, checked offline: embeds within 6,000 characters, the citation in
the footer, buttons or a menu, the Answer button, files, and no mention that can ping."""

from __future__ import annotations

import base64

import discord

from bot.adapters.discord.commands import CORE_NAMES, build
from bot.adapters.discord.render import EMBED_TOTAL, AskButton, Menu, Pick, render
from bot.adapters.discord.sync import application_id, invite_text, invite_url
from bot.core.commands.menu import default_registry
from bot.core.fit import DISCORD, fit
from bot.core.messages import Ask, Attachment, Choice, Citation, Field, Reply

CITE = Citation("s1", "The NRC and Afghanistan", "2.1", "The NRC")


def test_an_embed_with_the_citation_in_its_footer() -> None:
    [message] = render(Reply(text="Body", title="Title", citations=(CITE,)))
    [embed] = message.embeds
    assert (embed.title, embed.description) == ("Title", "Body")
    assert embed.footer.text == "Source: The NRC and Afghanistan — §2.1 The NRC"
    assert message.view is None and message.file is None


def test_fields_past_6000_characters_continue_in_another_message() -> None:
    fields = tuple(Field(f"F{n}", "x" * 1000) for n in range(12))
    [reply] = fit(Reply(text="y" * 4000, title="Long", fields=fields, citations=(CITE,)), DISCORD)
    messages = render(reply)
    assert len(messages) > 1
    assert all(sum(len(e) for e in m.embeds) <= EMBED_TOTAL for m in messages)
    assert sum(len(m.embeds[0].fields) for m in messages) == 12, "no field lost"
    assert messages[-1].embeds[0].footer.text and messages[0].embeds[0].footer.text is None


def test_few_choices_are_buttons_in_rows_of_five_and_many_a_menu() -> None:
    choices = tuple(Choice(f"Option {n}", f"/quiz info q{n}") for n in range(7))
    [message] = render(Reply(text="t", choices=choices))
    assert message.view is not None
    buttons = message.view.children
    assert len(buttons) == 7 and all(isinstance(b, Pick) for b in buttons)
    assert [b.item.row for b in buttons] == [0, 0, 0, 0, 0, 1, 1]  # type: ignore[attr-defined]
    assert buttons[0].item.custom_id == "L:/quiz info q0"  # type: ignore[attr-defined]
    many = tuple(Choice(f"Option {n}", f"/quiz info q{n}") for n in range(20))
    [message] = render(Reply(text="t", choices=(*many, Choice("Next ▸", "/x page:2"))))
    assert message.view is not None
    menu, nav = message.view.children
    assert isinstance(menu, Menu) and isinstance(nav, Pick)
    assert len(menu.item.options) == 20 and menu.item.options[3].value == "/quiz info q3"


def test_a_typed_answer_gets_an_answer_button_with_its_command() -> None:
    ask = Ask("Answer", "Your answer: a number", "/quiz answer {answer} #3 q2")
    [message] = render(Reply(text="In which year?", ask=ask))
    assert message.view is not None
    [button] = message.view.children
    assert isinstance(button, AskButton)
    assert button.item.custom_id == "A:/quiz answer {answer} #3 q2"
    assert ask.filled("  2002 \n") == "/quiz answer 2002 #3 q2"


def test_an_attachment_is_a_file_and_nothing_can_ping() -> None:
    reply = Reply(text="CSV", attachment=Attachment("results.csv", b"a,b\n", "text/csv"))
    [message] = render(reply)
    assert message.file is not None and message.file.filename == "results.csv"
    kwargs = message.send_kwargs()
    mentions = kwargs["allowed_mentions"].to_dict()
    assert mentions == {"parse": []}  # no @everyone, role, user or reply ping


def test_every_core_command_and_subcommand_has_a_slash_command() -> None:
    registry = default_registry()
    declared = {s.name for spec in registry.all() for s in (spec, *spec.subcommands)}
    declared -= {"quiz", "daily", "class"}  # groups: their subcommands are the commands
    assert set(CORE_NAMES.values()) == declared

    class Runner:
        async def handle(self, interaction: object, text: str) -> None: ...

        def suggestions(self, kind: str, typed: str) -> list[object]:
            return []

    names = set()
    for command in build(Runner(), registry):  # type: ignore[arg-type]
        if isinstance(command, discord.app_commands.Group):
            names |= {f"{command.name} {c.name}" for c in command.commands}
        else:
            names.add(command.name)
    assert names == set(CORE_NAMES)


def test_the_invite_link_and_the_application_id_in_a_token() -> None:
    token = base64.b64encode(b"123456789012345678").decode().rstrip("=") + ".GhIjKl.secret"
    assert application_id(token) == 123456789012345678
    assert application_id("not a token") is None
    url = invite_url(42)
    assert "client_id=42" in url and "scope=bot+applications.commands" in url
    assert "permissions=52224" in url
    text = invite_text(42)
    assert "Send Messages" in text and "Attach Files" in text and "52224" in text
