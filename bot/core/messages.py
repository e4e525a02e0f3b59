"""What comes in from a platform and what goes back out, in platform-neutral form."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True, slots=True)
class Actor:
    """Who sent an event. `roles` are the platform roles an adapter mapped (e.g. "teacher")."""

    platform: str
    user_id: str
    display_name: str
    roles: frozenset[str] = frozenset()

    @property
    def is_teacher(self) -> bool:
        return "teacher" in self.roles


@dataclass(frozen=True, slots=True)
class Channel:
    platform: str
    channel_id: str
    server_id: str | None = None
    name: str | None = None


@dataclass(frozen=True, slots=True)
class Person:
    """One user to write to privately (a reminder, a private notice)."""

    platform: str
    user_id: str


@dataclass(frozen=True, slots=True)
class Command:
    """A typed or slash command, as the raw text the user wrote (e.g. "/whosaid csto backbone")."""

    actor: Actor
    channel: Channel
    text: str
    at: datetime


@dataclass(frozen=True, slots=True)
class Citation:
    source_id: str
    source_title: str
    section_id: str
    section_title: str
    footnote: int | None = None
    page: str | None = None
    ref: int | None = None

    def render(self) -> str:
        numbered = re.fullmatch(r"\d+(\.\d+)*", self.section_id)
        where = f"§{self.section_id} {self.section_title}" if numbered else self.section_title
        extra = ""
        if self.footnote is not None:
            extra += f", note {self.footnote}"
        if self.ref is not None:
            extra += f", ref. [{self.ref}]"
        if self.page:
            extra += f", p. {self.page}"
        return f"{self.source_title} — {where}{extra}"


@dataclass(frozen=True, slots=True)
class Field:
    name: str
    value: str
    inline: bool = False


@dataclass(frozen=True, slots=True)
class Choice:
    """A button or option the user can pick; `value` is what comes back when it is picked."""

    label: str
    value: str


FILL = "{answer}"  # where an Ask's typed text goes in its command


def fill(command: str, text: str) -> str:
    """An Ask's `command` with the typed `text` (on one line) in place of FILL."""
    return command.replace(FILL, " ".join(text.split()), 1)


KEY_CHARS = 25  # an idempotency key's length at most (Discord's nonce)


def part_key(key: str, part: int) -> str:
    """The key of part `part` (from 0) of a message sent in several: the first keeps `key`,
    the others get a suffix, each within KEY_CHARS."""
    return key if part == 0 else f"{key[: KEY_CHARS - 3]}.{part}"


@dataclass(frozen=True, slots=True)
class Ask:
    """A question answered by typing (a year, a name): platforms with forms show a button that
    opens one (Discord's modal), and the text typed there is sent as `command` with the text in
    place of FILL ("/quiz answer {answer} #12 q3"). Text-only platforms ignore it: the reply's
    text already says what to type."""

    label: str  # the button and the form's title, e.g. "Answer"
    prompt: str  # the form field's label, e.g. "Your answer: a number"
    command: str

    def filled(self, text: str) -> str:
        return fill(self.command, text)


@dataclass(frozen=True, slots=True)
class Attachment:
    filename: str
    content: bytes
    media_type: str = "text/plain"


@dataclass(frozen=True, slots=True)
class Reply:
    """A neutral reply. Adapters render it within their platform's limits."""

    text: str
    title: str | None = None
    fields: tuple[Field, ...] = ()
    choices: tuple[Choice, ...] = ()
    ephemeral: bool = False
    attachment: Attachment | None = None
    citations: tuple[Citation, ...] = field(default_factory=tuple)
    # The command that shows this reply again, for replies that are long lists: `fit` pages them
    # and its next/previous choices send this command with `page:N`.
    pager: str | None = None
    ask: Ask | None = None  # a typed answer asked for (a form on platforms that have them)

    @property
    def citation(self) -> Citation | None:
        return self.citations[0] if self.citations else None


@dataclass(frozen=True, slots=True)
class Limits:
    """How much one message may hold on a platform. `fit` keeps every reply within them."""

    text_chars: int = 4000  # the body text of one message
    title_chars: int = 256
    fields: int = 25
    field_name_chars: int = 256
    field_value_chars: int = 1024
    choices: int = 25  # buttons (or options) on one message
    choice_label_chars: int = 80
    choice_value_chars: int = 100  # what a click sends back (Discord custom_id, Slack value)
    edit_seconds: float = 1.0  # the least time between two edits of one message
