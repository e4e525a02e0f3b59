"""A core Reply as a Slack message: Block Kit (header, sections, fields, a context line with the
citation, an actions block) and always a plain `text` fallback.

Every string from content or users is escaped (`&`, `<`, `>`), so nothing can become
`<!channel>`, `<@U…>` or `<!subteam^…>`. A choice's value is the core's question-bound command,
so a click after a restart is judged by the core; an Ask becomes an "Answer" button whose value
is the command with its blank, opening a modal.
"""

from __future__ import annotations

import json
from typing import Any

from bot.core.fit import NEXT, PREVIOUS
from bot.core.messages import Ask, Choice, Reply
from bot.core.text import shorten

PICK = "lectern_pick"  # action_id prefix of a choice's button or menu
ASK = "lectern_ask"  # the "Answer" button
FORM = "lectern_answer"  # the modal's callback_id
MOST_BUTTONS = 10
SECTION_FIELDS = 10  # Slack's per section
FALLBACK_CHARS = 3900  # the `text` Slack shows in notifications; it reads ~4,000 at most
OPTION_CHARS = 75
OPTION_VALUE_CHARS = 150  # a menu option's value holds less than a button's
MODAL_TITLE_CHARS = 24
INPUT_LABEL_CHARS = 2000


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _plain(text: str, limit: int) -> dict[str, Any]:
    return {"type": "plain_text", "text": shorten(text, limit) if len(text) > limit else text}


def _buttons(choices: tuple[Choice, ...], ask: Ask | None) -> list[dict[str, Any]]:
    elements: list[dict[str, Any]] = []
    if len(choices) > MOST_BUTTONS and all(len(c.value) <= OPTION_VALUE_CHARS for c in choices):
        nav = [c for c in choices if c.label in (PREVIOUS, NEXT)]
        listed = [c for c in choices if c not in nav]
        elements.append(
            {
                "type": "static_select",
                "action_id": f"{PICK}_menu",
                "placeholder": _plain("Choose…", 150),
                "options": [
                    {"text": _plain(c.label, OPTION_CHARS), "value": c.value} for c in listed[:100]
                ],
            }
        )
        choices = tuple(nav)
    for n, choice in enumerate(choices):
        button: dict[str, Any] = {
            "type": "button",
            "action_id": f"{PICK}_{n}",
            "text": _plain(choice.label, 75),
            "value": choice.value,
        }
        if choice.label not in (PREVIOUS, NEXT):
            button["style"] = "primary"
        elements.append(button)
    if ask is not None:
        elements.append(
            {
                "type": "button",
                "action_id": ASK,
                "text": _plain(f"✏️ {ask.label}", 75),
                "value": json.dumps({"command": ask.command, "prompt": ask.prompt}),
                "style": "primary",
            }
        )
    return elements


def blocks(reply: Reply) -> list[dict[str, Any]]:
    """`reply` (already fitted by the core to Slack's limits) as Block Kit."""
    out: list[dict[str, Any]] = []
    if reply.title:
        out.append({"type": "header", "text": _plain(reply.title, 150)})
    if reply.text:
        out.append({"type": "section", "text": {"type": "mrkdwn", "text": escape(reply.text)}})
    fields = [f"*{escape(f.name)}*\n{escape(f.value)}" for f in reply.fields]
    for start in range(0, len(fields), SECTION_FIELDS):
        chunk = fields[start : start + SECTION_FIELDS]
        out.append({"type": "section", "fields": [{"type": "mrkdwn", "text": t} for t in chunk]})
    if reply.citations:
        cited = "; ".join(c.render() for c in reply.citations)
        out.append(
            {
                "type": "context",
                "elements": [{"type": "mrkdwn", "text": escape(shorten(f"Source: {cited}", 3000))}],
            }
        )
    if reply.choices or reply.ask:
        out.append({"type": "actions", "elements": _buttons(reply.choices, reply.ask)})
    return out or [{"type": "section", "text": {"type": "mrkdwn", "text": "…"}}]


def fallback(reply: Reply) -> str:
    """The message's plain `text`: what notifications and screen readers show."""
    parts = [p for p in (reply.title, reply.text) if p]
    return escape(shorten("\n".join(parts) or "…", FALLBACK_CHARS))


def message(reply: Reply) -> dict[str, Any]:
    return {"text": fallback(reply), "blocks": blocks(reply)}


def modal(ask_value: str, channel_id: str) -> dict[str, Any]:
    """The form an "Answer" button opens; the command and channel travel in its metadata."""
    ask = json.loads(ask_value)
    return {
        "type": "modal",
        "callback_id": FORM,
        "title": _plain("Your answer", MODAL_TITLE_CHARS),
        "submit": _plain("Answer", MODAL_TITLE_CHARS),
        "private_metadata": json.dumps({"command": ask["command"], "channel": channel_id}),
        "blocks": [
            {
                "type": "input",
                "block_id": "answer",
                "label": _plain(ask["prompt"], INPUT_LABEL_CHARS),
                "element": {"type": "plain_text_input", "action_id": "text", "max_length": 200},
            }
        ],
    }
