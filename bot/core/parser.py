"""The command grammar shared by every adapter: `/name [words ...] [key:value ...]`."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

MAX_INPUT_CHARS = 500
MAX_NAME_CHARS = 32

_NAME = re.compile(r"^[a-z][a-z0-9_-]*$")
_OPTION = re.compile(r"^([a-z][a-z_]*):(\S+)$")


@dataclass(frozen=True, slots=True)
class Parsed:
    name: str
    args: str  # the free text after the name, options removed, spaces collapsed
    options: dict[str, str] = field(default_factory=dict)

    @property
    def words(self) -> list[str]:
        return self.args.split()


@dataclass(frozen=True, slots=True)
class ParseError:
    message: str
    name: str | None = None  # the command name, when the fault is in its arguments


def _unprintable(text: str) -> str | None:
    for ch in text:
        if ch in "\t\n":
            continue
        category = unicodedata.category(ch)
        if category in ("Cc", "Cs", "Co", "Cn") or ch == "\ufffd":
            return f"U+{ord(ch):04X}"
    return None


def parse(text: str, *, option_names: frozenset[str] = frozenset()) -> Parsed | ParseError:
    """Split a command line into its name, free text and `key:value` options.

    Only keys in `option_names` are taken as options, so that free text such as
    "when did NATO take command of ISAF: 2003?" keeps its colons.
    """
    stripped = text.strip()
    if not stripped:
        return ParseError("That message is empty. Type /help to see what I can do.")
    if len(stripped) > MAX_INPUT_CHARS:
        return ParseError(
            f"That message is {len(stripped)} characters long; "
            f"commands are limited to {MAX_INPUT_CHARS}. Try a shorter one."
        )
    bad = _unprintable(stripped)
    if bad is not None:
        return ParseError(
            f"That message contains a control or binary character ({bad}); please type plain text."
        )
    if not stripped.startswith("/"):
        return ParseError("Commands start with '/': try /help.")
    head, _, rest = stripped[1:].partition(" ")
    name = head.casefold()
    if not name:
        return ParseError("A command needs a name after '/': try /help.")
    if len(name) > MAX_NAME_CHARS or not _NAME.match(name):
        shown = head if len(head) <= MAX_NAME_CHARS else head[:MAX_NAME_CHARS] + "…"
        return ParseError(f"'/{shown}' is not a command name.", name=name[:MAX_NAME_CHARS])
    words: list[str] = []
    options: dict[str, str] = {}
    for token in rest.split():
        match = _OPTION.match(token)
        if match and match.group(1) in option_names:
            options[match.group(1)] = match.group(2)
        else:
            words.append(token)
    return Parsed(name=name, args=" ".join(words), options=options)
