"""A strict local fake of Discord (REST API v10 and the gateway) for the real discord.py client.

Why a fake and not mocks: the adapter's bugs live in what discord.py puts on the wire (payload
shapes, limits, the order of calls, retries) and in how it reacts to Discord's answers. So this
fake serves real HTTP and a real websocket on 127.0.0.1, and refuses what Discord refuses, with
Discord's status codes, error codes and error trees:

- an initial interaction response after `ack_deadline` seconds -> 404 code 10062, a second one
  -> 400 code 40060, a response type the interaction does not allow -> 400 code 50035;
- message bodies beyond Discord's limits (content, embeds, components, custom_ids, files),
  modals, autocomplete choices and command definitions -> 400 code 50035 with an `errors` tree,
  and empty messages -> 400 code 50006;
- a deleted channel -> 404 code 10003, a channel the bot cannot see -> 403 code 50001, an unknown
  message -> 404 code 10008, a followup before the initial response -> 404 code 10015;
- 429s on demand, shaped so that discord.py's own retry logic handles them.

Traps it respects (see /work/shared/reference/platform-fakes/NOTES.md):

- discord.py parses a body as JSON only when Content-Type is exactly `application/json`
  (aiohttp's `json_response` appends `; charset=utf-8`, and login then fails with a TypeError);
- errors are 4xx, never 5xx: discord.py retries 5xx with a backoff of seconds;
- a 429 must carry a `Via` header, or discord.py takes it for a Cloudflare ban and raises;
- the callback `?with_response=1` answers `{interaction: {...}, resource: {type, message}}`,
  and discord.py registers a View under `response_message_id`.

Behaviours a test writer should know, all as on Discord:

- without `?with_response=1` a callback answers 204, without `?wait=true` a followup too;
- the first followup after a deferred response (type 5) fills the "thinking…" message instead
  of posting a new one; `@original` is that message, or the clicked one for types 6 and 7;
- ephemeral messages are not reachable through channel routes (10008);
- each `Call` records the `status` it got; the fake's own exceptions become 400s (code 0) and
  land in `internal_errors`, so a fixture can assert it stays empty.

Point discord.py at it with `discord.http.Route.BASE = fake.api_base` and
`discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(fake.gateway_url)`.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import itertools
import json
import math
import re
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

from aiohttp import BodyPartReader, WSMsgType, web

# Permission bits (https://discord.com/developers/docs/topics/permissions).
ADMINISTRATOR = 0x8
MANAGE_CHANNELS = 0x10
MANAGE_GUILD = 0x20
VIEW_CHANNEL = 0x400
SEND_MESSAGES = 0x800
READ_MESSAGE_HISTORY = 0x10000
STUDENT = VIEW_CHANNEL | SEND_MESSAGES | READ_MESSAGE_HISTORY
BOT_PERMISSIONS = (1 << 51) - 1  # everything: the fake's bot is never short of permissions itself

# Message flags.
SUPPRESS_EMBEDS = 1 << 2
EPHEMERAL = 1 << 6
LOADING = 1 << 7
SUPPRESS_NOTIFICATIONS = 1 << 12
IS_COMPONENTS_V2 = 1 << 15

# Gateway intents that need a switch in the developer portal.
PRIVILEGED_INTENTS = (
    (1 << 1) | (1 << 8) | (1 << 15)
)  # GUILD_MEMBERS, GUILD_PRESENCES, MESSAGE_CONTENT
GUILD_MEMBERS_INTENT = 1 << 1

TIMESTAMP = "2026-01-01T00:00:00.000000+00:00"
FILE_SIZE_LIMIT = 10 * 1024 * 1024  # what `attachment_size_limit` announces, and what is enforced
TOKEN_TTL = 15 * 60.0  # an interaction token is good for followups for 15 minutes
NAME_RE = re.compile(r"^[-_\w]{1,32}$")  # chat-input command and option names
FILE_PART_RE = re.compile(r"^files\[(\d+)\]$")

_snowflakes = itertools.count(1_200_000_000_000_000_000)


def snowflake() -> str:
    """A fresh, increasing Discord-style id (ids are strings on the wire)."""
    return str(next(_snowflakes))


@dataclass
class Call:
    """One REST request as the fake received it, in arrival order in `FakeDiscord.calls`.

    `json` is the parsed JSON body, or the `payload_json` part of a multipart body; `files` are
    the `files[n]` parts as (filename, content). `status` is what the fake answered.
    """

    method: str
    path: str
    query: dict[str, str]
    json: Any
    files: list[tuple[str, bytes]]
    at: float
    status: int = 0


class Refusal(Exception):
    """An error answer, raised anywhere in a handler and turned into Discord's JSON error body."""

    def __init__(self, status: int, code: int, message: str, errors: Any = None) -> None:
        super().__init__(f"{status} {code} {message}")
        self.status, self.code, self.message, self.errors = status, code, message, errors

    def response(self) -> web.Response:
        body: dict[str, Any] = {"message": self.message, "code": self.code}
        if self.errors is not None:
            body["errors"] = self.errors
        return _json(body, self.status)


def _json(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    """A JSON response whose Content-Type is exactly `application/json` (discord.py needs it)."""
    return web.Response(
        body=json.dumps(body).encode(),
        status=status,
        headers={"Content-Type": "application/json", **(headers or {})},
    )


# --------------------------------------------------------------------------------------------
# Validation: pure functions that add to an error tree shaped like Discord's 50035 `errors`.
# --------------------------------------------------------------------------------------------

Path = tuple[str | int, ...]


class FormErrors:
    """Collects every problem of a body, as Discord does, into its nested `errors` tree.

    `add(("embeds", 0, "title"), ...)` becomes `{"embeds": {"0": {"title": {"_errors": [...]}}}}`,
    which discord.py flattens into the text of its HTTPException.
    """

    def __init__(self) -> None:
        self.tree: dict[str, Any] = {}

    def add(self, path: Path, code: str, message: str) -> None:
        node = self.tree
        for key in path:
            node = node.setdefault(str(key), {})
        node.setdefault("_errors", []).append({"code": code, "message": message})

    def __bool__(self) -> bool:
        return bool(self.tree)

    def raise_if_any(self) -> None:
        if self.tree:
            raise Refusal(400, 50035, "Invalid Form Body", self.tree)


def check_length(
    errors: FormErrors, path: Path, value: Any, low: int, high: int, *, required: bool = False
) -> int:
    """Checks a string's length is in [low, high]; returns the length counted (0 if absent)."""
    if value is None:
        if required:
            errors.add(path, "BASE_TYPE_REQUIRED", "This field is required")
        return 0
    if not isinstance(value, str):
        errors.add(path, "BASE_TYPE_STRING", "Must be a string.")
        return 0
    size = len(value)
    if size > high or size < low:
        if low == 0:
            errors.add(path, "BASE_TYPE_MAX_LENGTH", f"Must be {high} or fewer in length.")
        else:
            errors.add(path, "BASE_TYPE_BAD_LENGTH", f"Must be between {low} and {high} in length.")
    return size


def check_list(errors: FormErrors, path: Path, value: Any, low: int, high: int) -> list[Any]:
    """Checks an array's size is in [low, high]; returns it (or [] when it is not an array)."""
    if not isinstance(value, list):
        errors.add(path, "BASE_TYPE_ARRAY", "Must be an array.")
        return []
    if len(value) > high or len(value) < low:
        if low == 0:
            errors.add(path, "BASE_TYPE_MAX_LENGTH", f"Must be {high} or fewer in length.")
        else:
            errors.add(path, "BASE_TYPE_BAD_LENGTH", f"Must be between {low} and {high} in length.")
    return value


def _check_int(errors: FormErrors, path: Path, value: Any, low: int, high: int) -> None:
    if value is None:
        return
    if not isinstance(value, int) or isinstance(value, bool):
        errors.add(path, "NUMBER_TYPE_COERCE", f'Value "{value}" is not int.')
    elif not low <= value <= high:
        errors.add(path, "NUMBER_TYPE_MAX", f"int value should be between {low} and {high}.")


def _is_dict(errors: FormErrors, path: Path, value: Any) -> bool:
    if isinstance(value, dict):
        return True
    errors.add(path, "DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType")
    return False


def check_embeds(errors: FormErrors, path: Path, embeds: Any) -> None:
    """Discord's embed limits; the 6000-character total spans all embeds of the message."""
    total = 0
    for i, embed in enumerate(check_list(errors, path, embeds, 0, 10)):
        at = (*path, i)
        if not _is_dict(errors, at, embed):
            continue
        total += check_length(errors, (*at, "title"), embed.get("title"), 0, 256)
        total += check_length(errors, (*at, "description"), embed.get("description"), 0, 4096)
        check_length(errors, (*at, "url"), embed.get("url"), 0, 2048)
        _check_int(errors, (*at, "color"), embed.get("color"), 0, 0xFFFFFF)
        fields = embed.get("fields")
        if fields is not None:
            for j, item in enumerate(check_list(errors, (*at, "fields"), fields, 0, 25)):
                where = (*at, "fields", j)
                if not _is_dict(errors, where, item):
                    continue
                total += check_length(
                    errors, (*where, "name"), item.get("name"), 1, 256, required=True
                )
                total += check_length(
                    errors, (*where, "value"), item.get("value"), 1, 1024, required=True
                )
        footer = embed.get("footer")
        if footer is not None and _is_dict(errors, (*at, "footer"), footer):
            total += check_length(
                errors, (*at, "footer", "text"), footer.get("text"), 1, 2048, required=True
            )
        author = embed.get("author")
        if author is not None and _is_dict(errors, (*at, "author"), author):
            total += check_length(
                errors, (*at, "author", "name"), author.get("name"), 1, 256, required=True
            )
    if total > 6000:
        errors.add(path, "MAX_EMBED_SIZE_EXCEEDED", "Embed size exceeds maximum size of 6000")


_SELECT_TYPES = {3, 5, 6, 7, 8}  # string, user, role, mentionable, channel selects
_V2_TOP_LEVEL = {
    1,
    9,
    10,
    12,
    13,
    14,
    17,
}  # row, section, text, gallery, file, separator, container


class _ComponentChecker:
    """Checks message components; remembers custom_ids, which must be unique in a message."""

    def __init__(self, errors: FormErrors) -> None:
        self.errors = errors
        self.custom_ids: set[str] = set()
        self.count = 0

    def custom_id(self, path: Path, value: Any, *, required: bool = True) -> None:
        check_length(self.errors, path, value, 1, 100, required=required)
        if isinstance(value, str):
            if value in self.custom_ids:
                self.errors.add(
                    path,
                    "COMPONENT_CUSTOM_ID_DUPLICATED",
                    "Component custom id cannot be duplicated",
                )
            self.custom_ids.add(value)

    def button(self, path: Path, button: dict[str, Any]) -> None:
        style = button.get("style")
        if style not in (1, 2, 3, 4, 5, 6):
            self.errors.add(
                (*path, "style"), "BASE_TYPE_CHOICES", "Value must be one of (1, 2, 3, 4, 5, 6)."
            )
        check_length(self.errors, (*path, "label"), button.get("label"), 0, 80)
        if style == 5:
            check_length(self.errors, (*path, "url"), button.get("url"), 1, 512, required=True)
            if button.get("custom_id") is not None:
                self.errors.add(
                    (*path, "custom_id"),
                    "BUTTON_COMPONENT_CUSTOM_ID_ON_LINK",
                    "A link button cannot have a custom_id",
                )
        elif style == 6:
            if button.get("sku_id") is None:
                self.errors.add((*path, "sku_id"), "BASE_TYPE_REQUIRED", "This field is required")
        else:
            self.custom_id((*path, "custom_id"), button.get("custom_id"))
            if button.get("url") is not None:
                self.errors.add(
                    (*path, "url"),
                    "BUTTON_COMPONENT_URL_ON_NON_LINK",
                    "Only link buttons have a url",
                )
        if style != 6 and not button.get("label") and not button.get("emoji"):
            self.errors.add(
                path,
                "BUTTON_COMPONENT_LABEL_OR_EMOJI_REQUIRED",
                "A button needs a label or an emoji",
            )

    def select(self, path: Path, select: dict[str, Any]) -> None:
        errors = self.errors
        self.custom_id((*path, "custom_id"), select.get("custom_id"))
        check_length(errors, (*path, "placeholder"), select.get("placeholder"), 0, 150)
        _check_int(errors, (*path, "min_values"), select.get("min_values"), 0, 25)
        _check_int(errors, (*path, "max_values"), select.get("max_values"), 1, 25)
        if select.get("type") != 3:
            return
        options = check_list(errors, (*path, "options"), select.get("options"), 1, 25)
        values: set[Any] = set()
        for k, option in enumerate(options):
            at = (*path, "options", k)
            if not _is_dict(errors, at, option):
                continue
            check_length(errors, (*at, "label"), option.get("label"), 1, 100, required=True)
            check_length(errors, (*at, "value"), option.get("value"), 1, 100, required=True)
            check_length(errors, (*at, "description"), option.get("description"), 0, 100)
            if option.get("value") in values:
                errors.add(
                    (*at, "value"),
                    "SELECT_COMPONENT_OPTION_VALUE_DUPLICATED",
                    "Option values must be unique",
                )
            values.add(option.get("value"))
        low, high = select.get("min_values", 1), select.get("max_values", 1)
        if isinstance(low, int) and isinstance(high, int) and options:
            if low > high:
                errors.add(
                    (*path, "min_values"), "BASE_TYPE_BAD_INT", "min_values exceeds max_values"
                )
            if high > len(options):
                errors.add(
                    (*path, "max_values"),
                    "SELECT_COMPONENT_TOO_MANY_SELECTED",
                    "max_values exceeds the number of options",
                )

    def row(self, path: Path, row: Any) -> None:
        errors = self.errors
        self.count += 1
        if not _is_dict(errors, path, row):
            return
        if row.get("type") != 1:
            errors.add(
                (*path, "type"), "COMPONENT_LAYOUT_INVALID", "Expected an action row (type 1)"
            )
            return
        children = check_list(errors, (*path, "components"), row.get("components"), 1, 5)
        kinds = [c.get("type") if isinstance(c, dict) else None for c in children]
        if any(k in _SELECT_TYPES for k in kinds) and len(children) != 1:
            errors.add(
                (*path, "components"),
                "COMPONENT_LAYOUT_WIDTH_EXCEEDED",
                "The specified component exceeds the maximum width",
            )
        for j, child in enumerate(children):
            at = (*path, "components", j)
            self.count += 1
            if not _is_dict(errors, at, child):
                continue
            kind = child.get("type")
            if kind == 2:
                self.button(at, child)
            elif kind in _SELECT_TYPES:
                self.select(at, child)
            else:
                errors.add(
                    (*at, "type"),
                    "COMPONENT_TYPE_INVALID",
                    f"Component type {kind} is not valid here",
                )

    def v2_component(self, path: Path, component: Any) -> None:
        """Components v2 (flag 32768): a lighter check of the layout components around rows."""
        errors = self.errors
        if not _is_dict(errors, path, component):
            return
        kind = component.get("type")
        if kind == 1:
            self.row(path, component)
            return
        self.count += 1
        if kind == 10:
            check_length(
                errors, (*path, "content"), component.get("content"), 1, 4000, required=True
            )
        elif kind == 9:
            for i, text in enumerate(
                check_list(errors, (*path, "components"), component.get("components"), 1, 3)
            ):
                self.v2_component((*path, "components", i), text)
            accessory = component.get("accessory")
            if isinstance(accessory, dict) and accessory.get("type") == 2:
                self.count += 1
                self.button((*path, "accessory"), accessory)
        elif kind == 17:
            for i, child in enumerate(
                check_list(errors, (*path, "components"), component.get("components"), 1, 40)
            ):
                self.v2_component((*path, "components", i), child)
        elif kind not in _V2_TOP_LEVEL:
            errors.add(
                (*path, "type"),
                "COMPONENT_TYPE_INVALID",
                f"Component type {kind} is not valid here",
            )


def check_message(errors: FormErrors, path: Path, body: Any, *, files: int = 0) -> None:
    """Checks a message body (create or edit) against Discord's limits; emptiness is separate."""
    if not _is_dict(errors, path, body):
        return
    check_length(errors, (*path, "content"), body.get("content"), 0, 2000)
    if body.get("embeds") is not None:
        check_embeds(errors, (*path, "embeds"), body["embeds"])
    flags = body.get("flags") or 0
    if not isinstance(flags, int):
        errors.add((*path, "flags"), "NUMBER_TYPE_COERCE", f'Value "{flags}" is not int.')
        flags = 0
    components = body.get("components")
    if components is not None:
        checker = _ComponentChecker(errors)
        if flags & IS_COMPONENTS_V2:
            for i, component in enumerate(
                check_list(errors, (*path, "components"), components, 0, 40)
            ):
                checker.v2_component((*path, "components", i), component)
            if checker.count > 40:
                errors.add(
                    (*path, "components"),
                    "COMPONENTS_V2_TOO_MANY",
                    "A message may contain at most 40 components",
                )
        else:
            for i, row in enumerate(check_list(errors, (*path, "components"), components, 0, 5)):
                checker.row((*path, "components", i), row)
    if flags & IS_COMPONENTS_V2:
        for key in ("content", "embeds"):
            if body.get(key):
                errors.add(
                    (*path, key),
                    "MESSAGE_CANNOT_USE_LEGACY_FIELDS_WITH_COMPONENTS_V2",
                    "The 'content' and 'embeds' fields cannot be used with components v2",
                )
    if files > 10:
        errors.add((*path, "files"), "BASE_TYPE_MAX_LENGTH", "Must be 10 or fewer in length.")
    mentions = body.get("allowed_mentions")
    if mentions is not None:
        _is_dict(errors, (*path, "allowed_mentions"), mentions)  # recorded as sent, never judged


def is_empty_message(message: dict[str, Any], files: int = 0) -> bool:
    """Discord's 50006: nothing to show (whitespace-only content counts as nothing)."""
    content = message.get("content")
    return not (
        (isinstance(content, str) and content.strip())
        or message.get("embeds")
        or message.get("components")
        or message.get("attachments")
        or message.get("sticker_ids")
        or message.get("poll")
        or files
    )


def check_choices(errors: FormErrors, path: Path, choices: Any) -> None:
    """Autocomplete results (callback type 8) and command option choices share these limits."""
    for i, choice in enumerate(check_list(errors, path, choices, 0, 25)):
        at = (*path, i)
        if not _is_dict(errors, at, choice):
            continue
        check_length(errors, (*at, "name"), choice.get("name"), 1, 100, required=True)
        value = choice.get("value")
        if value is None:
            errors.add((*at, "value"), "BASE_TYPE_REQUIRED", "This field is required")
        elif isinstance(value, str):
            check_length(errors, (*at, "value"), value, 0, 100)
        elif isinstance(value, bool) or not isinstance(value, int | float):
            errors.add((*at, "value"), "BASE_TYPE_CHOICES", "Must be a string or a number.")


def check_modal(errors: FormErrors, path: Path, modal: Any) -> None:
    """A modal (callback type 9): 1-5 action rows of one text input each, or Labels (type 18)."""
    if not _is_dict(errors, path, modal):
        return
    check_length(errors, (*path, "title"), modal.get("title"), 1, 45, required=True)
    check_length(errors, (*path, "custom_id"), modal.get("custom_id"), 1, 100, required=True)
    custom_ids: set[str] = set()
    rows = check_list(errors, (*path, "components"), modal.get("components"), 1, 5)
    for i, row in enumerate(rows):
        at = (*path, "components", i)
        if not _is_dict(errors, at, row):
            continue
        if row.get("type") == 1:
            inputs = check_list(errors, (*at, "components"), row.get("components"), 1, 1)
            for j, text_input in enumerate(inputs):
                _check_text_input(
                    errors, (*at, "components", j), text_input, custom_ids, labelled=False
                )
        elif row.get("type") == 18:  # Label: the label lives here and wraps the text input
            check_length(errors, (*at, "label"), row.get("label"), 1, 45, required=True)
            check_length(errors, (*at, "description"), row.get("description"), 0, 100)
            _check_text_input(
                errors, (*at, "component"), row.get("component"), custom_ids, labelled=True
            )
        else:
            errors.add((*at, "type"), "COMPONENT_LAYOUT_INVALID", "Expected an action row (type 1)")


def _check_text_input(
    errors: FormErrors, path: Path, text_input: Any, custom_ids: set[str], *, labelled: bool
) -> None:
    if not _is_dict(errors, path, text_input):
        return
    if text_input.get("type") != 4:
        errors.add((*path, "type"), "COMPONENT_TYPE_INVALID", "Expected a text input (type 4)")
        return
    custom_id = text_input.get("custom_id")
    check_length(errors, (*path, "custom_id"), custom_id, 1, 100, required=True)
    if isinstance(custom_id, str):
        if custom_id in custom_ids:
            errors.add(
                (*path, "custom_id"),
                "COMPONENT_CUSTOM_ID_DUPLICATED",
                "Component custom id cannot be duplicated",
            )
        custom_ids.add(custom_id)
    if labelled:
        if text_input.get("label") is not None:
            errors.add((*path, "label"), "TEXT_INPUT_LABEL_IN_LABEL", "Put the label on the Label")
    else:
        check_length(errors, (*path, "label"), text_input.get("label"), 1, 45, required=True)
    if text_input.get("style") not in (1, 2):
        errors.add((*path, "style"), "BASE_TYPE_CHOICES", "Value must be one of (1, 2).")
    _check_int(errors, (*path, "min_length"), text_input.get("min_length"), 0, 4000)
    _check_int(errors, (*path, "max_length"), text_input.get("max_length"), 1, 4000)
    check_length(errors, (*path, "value"), text_input.get("value"), 0, 4000)
    check_length(errors, (*path, "placeholder"), text_input.get("placeholder"), 0, 100)


_OPTION_TYPES = range(1, 12)  # SUB_COMMAND .. ATTACHMENT
_CHOICE_TYPES = {3, 4, 10}  # STRING, INTEGER, NUMBER


def _check_name(errors: FormErrors, path: Path, name: Any, *, chat_input: bool) -> None:
    if chat_input:
        if not isinstance(name, str) or not NAME_RE.match(name) or name != name.lower():
            errors.add(
                path,
                "APPLICATION_COMMAND_INVALID_NAME",
                f"Command name is invalid: {name!r} (1-32 lowercase letters, digits, - or _)",
            )
    else:
        check_length(errors, path, name, 1, 32, required=True)


def _check_localized(errors: FormErrors, path: Path, value: Any, name: bool) -> None:
    if value is None or not _is_dict(errors, path, value):
        return
    for locale, text in value.items():
        if name:
            _check_name(errors, (*path, locale), text, chat_input=True)
        else:
            check_length(errors, (*path, locale), text, 1, 100, required=True)


def _options_size(options: Iterable[Any]) -> int:
    size = 0
    for option in options:
        if isinstance(option, dict):
            size += len(str(option.get("name", ""))) + len(str(option.get("description", "")))
            for choice in option.get("choices") or []:
                if isinstance(choice, dict):
                    size += len(str(choice.get("name", ""))) + len(str(choice.get("value", "")))
            size += _options_size(option.get("options") or [])
    return size


def _check_options(errors: FormErrors, path: Path, options: Any, depth: int) -> None:
    """depth 0: a command's options; 1: a group's or top-level subcommand's; 2: a nested one's."""
    options = check_list(errors, path, options, 0, 25)
    kinds = [o.get("type") for o in options if isinstance(o, dict)]
    nested = [k in (1, 2) for k in kinds]
    if any(nested) and not all(nested):
        errors.add(
            path,
            "APPLICATION_COMMAND_OPTIONS_TYPE_INVALID",
            "Subcommands and groups cannot be mixed with other options",
        )
    names: set[str] = set()
    optional_seen = False
    for i, option in enumerate(options):
        at = (*path, i)
        if not _is_dict(errors, at, option):
            continue
        kind = option.get("type")
        if kind not in _OPTION_TYPES:
            errors.add((*at, "type"), "BASE_TYPE_CHOICES", "Value must be one of 1..11.")
            continue
        name = option.get("name")
        _check_name(errors, (*at, "name"), name, chat_input=True)
        if isinstance(name, str):
            if name in names:
                errors.add(
                    (*at, "name"),
                    "APPLICATION_COMMAND_OPTION_NAME_ALREADY_EXISTS",
                    "Option names must be unique",
                )
            names.add(name)
        check_length(errors, (*at, "description"), option.get("description"), 1, 100, required=True)
        _check_localized(
            errors, (*at, "name_localizations"), option.get("name_localizations"), True
        )
        _check_localized(
            errors,
            (*at, "description_localizations"),
            option.get("description_localizations"),
            False,
        )
        if kind == 2:  # SUB_COMMAND_GROUP: only at the top, holding only subcommands
            if depth != 0:
                errors.add(
                    (*at, "type"), "APPLICATION_COMMAND_OPTIONS_TYPE_INVALID", "Groups cannot nest"
                )
            inner = option.get("options")
            check_list(errors, (*at, "options"), inner, 1, 25)
            if isinstance(inner, list) and any(
                not isinstance(o, dict) or o.get("type") != 1 for o in inner
            ):
                errors.add(
                    (*at, "options"),
                    "APPLICATION_COMMAND_OPTIONS_TYPE_INVALID",
                    "A subcommand group may contain only subcommands",
                )
            _check_options(errors, (*at, "options"), inner or [], depth + 1)
            continue
        if kind == 1:  # SUB_COMMAND: at the top or in a group, holding plain options
            if depth > 1:
                errors.add(
                    (*at, "type"),
                    "APPLICATION_COMMAND_OPTIONS_TYPE_INVALID",
                    "Subcommands nest too deep",
                )
            if option.get("required"):
                errors.add(
                    (*at, "required"),
                    "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID",
                    "Subcommands cannot be required",
                )
            inner = option.get("options") or []
            if isinstance(inner, list) and any(
                isinstance(o, dict) and o.get("type") in (1, 2) for o in inner
            ):
                errors.add(
                    (*at, "options"),
                    "APPLICATION_COMMAND_OPTIONS_TYPE_INVALID",
                    "A subcommand may not contain subcommands or groups",
                )
            _check_options(errors, (*at, "options"), inner, 2)
            continue
        if option.get("options"):
            errors.add(
                (*at, "options"),
                "APPLICATION_COMMAND_OPTIONS_TYPE_INVALID",
                "Only subcommands have options",
            )
        if option.get("required"):
            if optional_seen:
                errors.add(
                    (*at, "required"),
                    "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID",
                    "Required options must be placed before non-required options",
                )
        else:
            optional_seen = True
        choices = option.get("choices")
        if choices:
            if kind not in _CHOICE_TYPES:
                errors.add(
                    (*at, "choices"),
                    "APPLICATION_COMMAND_OPTION_CHOICES_INVALID",
                    "This option type has no choices",
                )
            check_choices(errors, (*at, "choices"), choices)
            if option.get("autocomplete"):
                errors.add(
                    (*at, "autocomplete"),
                    "APPLICATION_COMMAND_AUTOCOMPLETE_AND_CHOICES",
                    "Autocomplete and choices cannot both be set",
                )
        if option.get("autocomplete") and kind not in _CHOICE_TYPES:
            errors.add(
                (*at, "autocomplete"),
                "APPLICATION_COMMAND_OPTION_AUTOCOMPLETE_INVALID",
                "Only string, integer and number options autocomplete",
            )
        if kind == 3:
            _check_int(errors, (*at, "min_length"), option.get("min_length"), 0, 6000)
            _check_int(errors, (*at, "max_length"), option.get("max_length"), 1, 6000)
        if option.get("channel_types") is not None and kind != 7:
            errors.add(
                (*at, "channel_types"),
                "APPLICATION_COMMAND_OPTIONS_TYPE_INVALID",
                "Only channel options have channel_types",
            )


def check_commands(commands: Any) -> FormErrors:
    """Validates a bulk overwrite (PUT .../commands) like Discord; returns the error tree."""
    errors = FormErrors()
    if not isinstance(commands, list):
        errors.add((), "BASE_TYPE_ARRAY", "Must be an array.")
        return errors
    per_type: collections.Counter[int] = collections.Counter()
    seen: set[tuple[int, str]] = set()
    for i, command in enumerate(commands):
        at: Path = (i,)
        if not _is_dict(errors, at, command):
            continue
        kind = command.get("type", 1)
        if kind not in (1, 2, 3, 4):
            errors.add((*at, "type"), "BASE_TYPE_CHOICES", "Value must be one of (1, 2, 3, 4).")
            continue
        per_type[kind] += 1
        chat_input = kind == 1
        name = command.get("name")
        _check_name(errors, (*at, "name"), name, chat_input=chat_input)
        if isinstance(name, str):
            if (kind, name) in seen:
                errors.add(
                    (*at, "name"),
                    "APPLICATION_COMMANDS_DUPLICATE_NAME",
                    "Application command names must be unique",
                )
            seen.add((kind, name))
        description = command.get("description")
        if chat_input:
            check_length(errors, (*at, "description"), description, 1, 100, required=True)
            _check_options(errors, (*at, "options"), command.get("options") or [], 0)
            size = len(str(name or "")) + len(str(description or ""))
            if size + _options_size(command.get("options") or []) > 4000:
                errors.add(
                    at, "APPLICATION_COMMAND_TOO_LARGE", "Command exceeds maximum size (4000)"
                )
        else:
            if description:
                errors.add(
                    (*at, "description"),
                    "APPLICATION_COMMAND_DESCRIPTION_INVALID",
                    "Context menu commands have no description",
                )
            if command.get("options"):
                errors.add(
                    (*at, "options"),
                    "APPLICATION_COMMAND_OPTIONS_TYPE_INVALID",
                    "Context menu commands have no options",
                )
        _check_localized(
            errors, (*at, "name_localizations"), command.get("name_localizations"), chat_input
        )
        _check_localized(
            errors,
            (*at, "description_localizations"),
            command.get("description_localizations"),
            False,
        )
        permissions = command.get("default_member_permissions")
        if permissions is not None and not (isinstance(permissions, str) and permissions.isdigit()):
            errors.add(
                (*at, "default_member_permissions"),
                "BASE_TYPE_STRING",
                "Must be a string of digits or null.",
            )
        for key, allowed in (("contexts", {0, 1, 2}), ("integration_types", {0, 1})):
            value = command.get(key)
            if value is not None and (
                not isinstance(value, list) or any(v not in allowed for v in value)
            ):
                errors.add(
                    (*at, key), "BASE_TYPE_CHOICES", f"Values must be among {sorted(allowed)}."
                )
    for kind, limit in ((1, 100), (2, 5), (3, 5), (4, 1)):
        if per_type[kind] > limit:
            errors.add(
                (), "APPLICATION_COMMANDS_TOO_MANY", f"At most {limit} commands of type {kind}"
            )
    return errors


# --------------------------------------------------------------------------------------------
# The fake itself.
# --------------------------------------------------------------------------------------------


@dataclass
class _User:
    id: str
    name: str
    permissions: int
    roles: list[str]  # role ids in the first guild

    def payload(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "username": self.name.lower(),
            "discriminator": "0",
            "global_name": self.name,
            "avatar": None,
            "bot": False,
            "public_flags": 0,
            "flags": 0,
        }


@dataclass
class _Guild:
    id: str
    name: str
    channels: list[str]
    roles: dict[str, dict[str, Any]]  # role name -> role object


@dataclass
class _Interaction:
    """What the fake knows of an interaction it dispatched, to judge the calls about it."""

    payload: dict[str, Any]
    sent_at: float | None = None  # monotonic time the INTERACTION_CREATE frame was written
    response_type: int | None = None
    original_id: str | None = None  # the message `@original` designates
    followup_ids: list[str] = field(default_factory=list)


@dataclass
class _RateLimit:
    predicate: Callable[[Call], bool]
    times: int
    retry_after: float


@dataclass
class _Frame:
    """A dispatch waiting for the gateway writer; `on_sent` gets the monotonic write time."""

    t: str
    d: dict[str, Any]
    sent: asyncio.Future[float] | None = None
    on_sent: Callable[[float], None] | None = None


Handler = Callable[..., tuple[int, Any]]


class FakeDiscord:
    """Discord on 127.0.0.1: REST under `api_base`, the gateway at `gateway_url`.

    Every REST request lands in `calls` (in order, with the status it got). Tests push events
    with `slash`, `autocomplete`, `click`, `submit_modal` and `send_dispatch`, and read what the
    client did with `callback`, `followups`, `wait_call` and `wait_response`.
    """

    def __init__(self, *, guilds: int = 1, ack_deadline: float = 3.0) -> None:
        if guilds < 1:
            raise ValueError("a bot needs at least one guild here")
        self.ack_deadline = ack_deadline
        self.token_ttl = TOKEN_TTL
        self.file_size_limit = FILE_SIZE_LIMIT
        self.privileged_intents_enabled = True  # False: IDENTIFY asking for them gets close 4014
        self.app_id = snowflake()
        self.bot_user: dict[str, Any] = {
            "id": self.app_id,
            "username": "lectern",
            "discriminator": "0",
            "global_name": None,
            "avatar": None,
            "bot": True,
            "flags": 0,
            "public_flags": 0,
        }
        self.owner_id = snowflake()

        self.calls: list[Call] = []
        self.messages: dict[str, dict[str, Any]] = {}
        self.commands: dict[str, list[dict[str, Any]]] = {}
        self.syncs = 0
        self.ack_latency: dict[str, float] = {}
        self.late: list[str] = []
        self.identifies = 0
        self.resumes = 0
        self.intents_seen: list[int] = []
        self.internal_errors: list[Exception] = []  # the fake's own bugs, answered with a 400

        self._channels: dict[str, dict[str, Any]] = {}  # every live channel, guild and DM
        self._deleted: set[str] = set()
        self._denied: set[str] = set()
        self._dms: dict[str, str] = {}  # recipient id -> DM channel id
        self._guilds: list[_Guild] = []
        for n in range(guilds):
            guild = _Guild(snowflake(), "Lectern class" if n == 0 else f"guild-{n}", [], {})
            guild.roles["@everyone"] = self._role_object(guild.id, "@everyone", STUDENT, 0)
            self._guilds.append(guild)
            names = ["class", "general"] if n == 0 else ["general", "random"][: 1 + n % 2]
            for name in names:
                self._new_channel(guild, name)
        self.guild_id = self._guilds[0].id
        self.channel_id = self._guilds[0].channels[0]

        self._interactions: dict[str, _Interaction] = {}
        self._by_token: dict[str, str] = {}
        self._command_ids: dict[tuple[str, str, int], str] = {}  # (scope, name, type) -> id
        self._rate_limits: list[_RateLimit] = []
        self._changed = asyncio.Condition()

        # Gateway state.
        self._ws: web.WebSocketResponse | None = None
        self._session_id: str | None = None
        self._seq = 0
        self._intents = 0
        self._state_sent = False  # the client holds guild state (a GUILD_CREATE went out)
        self._live = asyncio.Event()  # a session is up and the writer runs
        self._outbox: collections.deque[_Frame] = collections.deque()
        self._outbox_ready = asyncio.Event()
        self._writer: asyncio.Task[None] | None = None
        self._runner: web.AppRunner | None = None
        self._port = 0
        self._users: dict[str, _User] = {}
        self._members_order: list[str] = []
        self.student_id = self.add_user("alice", permissions=STUDENT)

        self._routes = self._route_table()

    # ---------------------------------------------------------------- lifecycle

    @property
    def api_base(self) -> str:
        """What `discord.http.Route.BASE` must be set to (valid after `start`)."""
        return f"http://127.0.0.1:{self._port}/api/v10"

    @property
    def gateway_url(self) -> str:
        """What `DiscordWebSocket.DEFAULT_GATEWAY` must be; READY's resume URL is the same."""
        return f"ws://127.0.0.1:{self._port}/"

    async def start(self) -> FakeDiscord:
        """Serves on 127.0.0.1 on a free port (port 0), so parallel tests never collide."""
        app = web.Application(client_max_size=64 * 1024 * 1024)  # the fake answers 413 itself
        app.router.add_get("/", self._gateway)
        app.router.add_route("*", "/api/v10/{tail:.*}", self._rest)
        self._runner = web.AppRunner(app, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self._port = self._runner.addresses[0][1]
        return self

    async def stop(self) -> None:
        """Closes the gateway (1001, going away) and the server; close the client first."""
        self._live.clear()
        await self._stop_writer()
        if self._ws is not None and not self._ws.closed:
            await self._ws.close(code=1001)
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    def reset_calls(self) -> None:
        """Forgets recorded calls (e.g. the login's), so a test reads only its own."""
        self.calls.clear()

    # ---------------------------------------------------------------- world

    def _role_object(
        self, guild_id: str, name: str, permissions: int, position: int
    ) -> dict[str, Any]:
        return {
            "id": guild_id if name == "@everyone" else snowflake(),
            "name": name,
            "permissions": str(permissions),
            "position": position,
            "color": 0,
            "colors": {"primary_color": 0, "secondary_color": None, "tertiary_color": None},
            "hoist": False,
            "managed": False,
            "mentionable": False,
            "icon": None,
            "unicode_emoji": None,
            "flags": 0,
        }

    def _new_channel(self, guild: _Guild, name: str) -> dict[str, Any]:
        channel: dict[str, Any] = {
            "id": snowflake(),
            "type": 0,
            "guild_id": guild.id,
            "name": name,
            "position": len(guild.channels),
            "permission_overwrites": [],
            "nsfw": False,
            "parent_id": None,
            "topic": None,
            "last_message_id": None,
            "rate_limit_per_user": 0,
            "flags": 0,
        }
        guild.channels.append(channel["id"])
        self._channels[channel["id"]] = channel
        return channel

    def add_user(
        self,
        name: str,
        *,
        permissions: int = VIEW_CHANNEL | SEND_MESSAGES,
        roles: Sequence[str] = (),
    ) -> str:
        """A member of the first guild; `roles` are names, created there on first use."""
        guild = self._guilds[0]
        role_ids = []
        for role_name in roles:
            role = guild.roles.get(role_name)
            if role is None:
                role = self._role_object(guild.id, role_name, 0, len(guild.roles))
                guild.roles[role_name] = role
                self._push("GUILD_ROLE_CREATE", {"guild_id": guild.id, "role": role})
            role_ids.append(role["id"])
        user = _User(snowflake(), name, permissions, role_ids)
        self._users[user.id] = user
        self._members_order.append(user.id)
        if self._intents & GUILD_MEMBERS_INTENT:  # Discord sends it only with that intent
            self._push("GUILD_MEMBER_ADD", {**self._member(user), "guild_id": guild.id})
        return user.id

    def add_channel(self, name: str) -> str:
        """A new text channel in the first guild, pushed as CHANNEL_CREATE to a connected client."""
        channel = self._new_channel(self._guilds[0], name)
        self._push("CHANNEL_CREATE", channel)
        return str(channel["id"])

    def delete_channel(self, channel_id: str) -> None:
        """From now on the channel is Unknown (10003), as after a teacher deletes it."""
        channel = self._channels.pop(channel_id)
        self._deleted.add(channel_id)
        for guild in self._guilds:
            if channel_id in guild.channels:
                guild.channels.remove(channel_id)
        if channel.get("type") == 0:
            self._push("CHANNEL_DELETE", channel)

    def deny_channel(self, channel_id: str) -> None:
        """The bot loses View Channel there (an overwrite), as when a teacher locks a channel."""
        channel = self._channels[channel_id]
        self._denied.add(channel_id)
        if channel.get("type") == 0:
            overwrite = {"id": self.app_id, "type": 1, "allow": "0", "deny": str(VIEW_CHANNEL)}
            channel["permission_overwrites"] = [*channel["permission_overwrites"], overwrite]
            self._push("CHANNEL_UPDATE", channel)

    def rate_limit(self, predicate: Callable[[Call], bool], times: int, retry_after: float) -> None:
        """The next `times` requests matching `predicate` get a 429 (see `_too_many`)."""
        self._rate_limits.append(_RateLimit(predicate, times, retry_after))

    def _member(self, user: _User, *, with_permissions: bool = False) -> dict[str, Any]:
        member: dict[str, Any] = {
            "user": user.payload(),
            "roles": list(user.roles),
            "joined_at": TIMESTAMP,
            "deaf": False,
            "mute": False,
            "flags": 0,
            "pending": False,
            "nick": None,
            "avatar": None,
            "banner": None,
            "premium_since": None,
            "communication_disabled_until": None,
        }
        if with_permissions:
            member["permissions"] = str(user.permissions)
        return member

    def _bot_member(self) -> dict[str, Any]:
        return {
            "user": self.bot_user,
            "roles": [],
            "joined_at": TIMESTAMP,
            "deaf": False,
            "mute": False,
            "flags": 0,
            "pending": False,
            "nick": None,
            "avatar": None,
            "premium_since": None,
            "communication_disabled_until": None,
        }

    def _guild_payload(self, guild: _Guild) -> dict[str, Any]:
        """A GUILD_CREATE; small on purpose, so thousands of guilds stay cheap."""
        members = [self._bot_member()]
        if guild is self._guilds[0]:
            members += [self._member(self._users[uid]) for uid in self._members_order]
        channels = [
            {k: v for k, v in self._channels[cid].items() if k != "guild_id"}
            for cid in guild.channels
        ]
        return {
            "id": guild.id,
            "name": guild.name,
            "icon": None,
            "splash": None,
            "banner": None,
            "description": None,
            "owner_id": self.owner_id,
            "member_count": len(members),
            "large": False,
            "unavailable": False,
            "features": [],
            "preferred_locale": "en-US",
            "premium_tier": 0,
            "verification_level": 0,
            "default_message_notifications": 0,
            "explicit_content_filter": 0,
            "mfa_level": 0,
            "nsfw_level": 0,
            "afk_timeout": 300,
            "system_channel_id": None,
            "joined_at": TIMESTAMP,
            "roles": list(guild.roles.values()),
            "channels": channels,
            "members": members,
            "emojis": [],
            "stickers": [],
            "threads": [],
            "voice_states": [],
            "presences": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
            "soundboard_sounds": [],
        }

    def _channel(self, channel_id: str) -> dict[str, Any]:
        """The live channel, or Discord's refusal: 10003 (unknown, deleted), 50001 (denied)."""
        channel = self._channels.get(channel_id)
        if channel is None:
            raise Refusal(404, 10003, "Unknown Channel")
        if channel_id in self._denied:
            raise Refusal(403, 50001, "Missing Access")
        return channel

    # ---------------------------------------------------------------- gateway

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(max_msg_size=0)
        await ws.prepare(request)
        if request.query.get("v") != "10" or request.query.get("encoding", "json") != "json":
            await ws.close(code=4012, message=b"Invalid API version")
            return ws
        if self._ws is not None and not self._ws.closed:
            self._live.clear()
            await self._stop_writer()
            await self._ws.close(code=4000)  # one connection at a time: the newest wins
        self._ws = ws
        await self._send_op(ws, 10, {"heartbeat_interval": 41250})
        authenticated = False
        try:
            async for frame in ws:
                if frame.type != WSMsgType.TEXT:
                    await ws.close(code=4002, message=b"Error while decoding payload.")
                    break
                try:
                    message = json.loads(frame.data)
                    op, data = message["op"], message.get("d")
                except (ValueError, KeyError, TypeError):
                    await ws.close(code=4002, message=b"Error while decoding payload.")
                    break
                if op == 1:
                    await self._send_op(ws, 11, None)
                elif op == 2:
                    if authenticated:
                        await ws.close(code=4005, message=b"Already authenticated.")
                        break
                    authenticated = await self._identify(ws, data)
                elif op == 6:
                    if authenticated:
                        await ws.close(code=4005, message=b"Already authenticated.")
                        break
                    authenticated = await self._resume(ws, data)
                elif op in (3, 4, 8):  # presence, voice state, request members: accepted, ignored
                    if not authenticated:
                        await ws.close(code=4003, message=b"Not authenticated.")
                        break
                else:
                    await ws.close(code=4001, message=b"Unknown opcode.")
                    break
        finally:
            if self._ws is ws:
                self._live.clear()
                await self._stop_writer()
        return ws

    async def _send_op(self, ws: web.WebSocketResponse, op: int, d: Any) -> None:
        await ws.send_str(json.dumps({"op": op, "d": d}))

    async def _write_dispatch(self, ws: web.WebSocketResponse, t: str, d: Any) -> None:
        self._seq += 1
        await ws.send_str(json.dumps({"op": 0, "t": t, "s": self._seq, "d": d}))

    async def _identify(self, ws: web.WebSocketResponse, data: Any) -> bool:
        if not isinstance(data, dict) or not data.get("token"):
            await ws.close(code=4004, message=b"Authentication failed.")
            return False
        intents = data.get("intents")
        if not isinstance(intents, int):
            await ws.close(code=4013, message=b"Invalid intent(s).")
            return False
        self.identifies += 1
        self.intents_seen.append(intents)
        if intents & PRIVILEGED_INTENTS and not self.privileged_intents_enabled:
            await ws.close(code=4014, message=b"Disallowed intent(s).")
            return False
        self._intents = intents
        self._session_id = "session-" + snowflake()
        self._seq = 0
        # A new session starts from the GUILD_CREATEs, which hold all state: drop queued state
        # pushes, keep the dispatches a test is waiting on.
        self._outbox = collections.deque(f for f in self._outbox if f.sent is not None)
        await self._write_dispatch(
            ws,
            "READY",
            {
                "v": 10,
                "user": self.bot_user,
                "guilds": [{"id": g.id, "unavailable": True} for g in self._guilds],
                "session_id": self._session_id,
                "resume_gateway_url": self.gateway_url,
                "shard": data.get("shard") or [0, 1],
                "application": {"id": self.app_id, "flags": 0},
                "private_channels": [],
                "relationships": [],
                "user_settings": {},
                "presences": [],
                "guild_join_requests": [],
                "geo_ordered_rtc_regions": [],
                "auth": {},
            },
        )
        for guild in self._guilds:
            await self._write_dispatch(ws, "GUILD_CREATE", self._guild_payload(guild))
        self._state_sent = True
        await self._go_live(ws)
        return True

    async def _resume(self, ws: web.WebSocketResponse, data: Any) -> bool:
        if (
            not isinstance(data, dict)
            or not data.get("token")
            or self._session_id is None
            or data.get("session_id") != self._session_id
        ):
            await self._send_op(ws, 9, False)  # invalid session, not resumable
            return False
        self.resumes += 1
        await self._write_dispatch(ws, "RESUMED", {})
        await self._go_live(ws)
        return True

    async def _go_live(self, ws: web.WebSocketResponse) -> None:
        await self._stop_writer()  # never two writers, even if an old connection lingers
        self._writer = asyncio.create_task(self._write_outbox(ws))
        self._live.set()

    async def _stop_writer(self) -> None:
        writer, self._writer = self._writer, None
        if writer is not None:
            writer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await writer

    async def _write_outbox(self, ws: web.WebSocketResponse) -> None:
        """The one writer of dispatches: keeps their order, and their `s` numbers in sequence."""
        while True:
            while not self._outbox:
                self._outbox_ready.clear()
                await self._outbox_ready.wait()
            frame = self._outbox[0]
            now = time.monotonic()
            if frame.on_sent is not None:
                frame.on_sent(now)  # before the write: the client may answer at once
            try:
                await self._write_dispatch(ws, frame.t, frame.d)
            except (ConnectionError, RuntimeError):
                self._seq -= 1
                return  # the frame stays queued for the next session (sent after RESUMED)
            self._outbox.popleft()
            if frame.sent is not None and not frame.sent.done():
                frame.sent.set_result(now)

    def _push(self, t: str, d: dict[str, Any]) -> None:
        """Queues a state update from synchronous code, if the client already holds the state."""
        if self._state_sent:
            self._outbox.append(_Frame(t, d))
            self._outbox_ready.set()

    async def send_dispatch(
        self, t: str, d: dict[str, Any], *, on_sent: Callable[[float], None] | None = None
    ) -> None:
        """Sends a dispatch, waiting (up to 5 s) for a live session, e.g. after drop_gateway."""
        try:
            await asyncio.wait_for(self._live.wait(), 5.0)
        except TimeoutError:
            raise RuntimeError("no gateway session: is the client connected?") from None
        sent: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        self._outbox.append(_Frame(t, d, sent, on_sent))
        self._outbox_ready.set()
        await asyncio.wait_for(sent, 5.0)

    async def drop_gateway(self, code: int = 4000) -> None:
        """Closes the websocket as Discord does; the client reconnects and sends RESUME.

        4000 (and most codes) keep the session, so the RESUME succeeds (RESUMED; nothing is
        replayed). 4007 (invalid seq) and 4009 (session timed out) end it, as on Discord: the
        RESUME then gets op 9 (invalid session) and the client must IDENTIFY again.
        """
        ws = self._ws
        if ws is None or ws.closed:
            raise RuntimeError("no gateway connection to drop")
        if code in (4007, 4009):
            self._session_id = None
        self._live.clear()
        await self._stop_writer()
        await ws.close(code=code)

    async def wait_live(self, timeout: float = 5.0) -> None:  # noqa: ASYNC109
        """Waits until a gateway session is up (after IDENTIFY or RESUME)."""
        await asyncio.wait_for(self._live.wait(), timeout)

    # ---------------------------------------------------------------- interactions

    def _user(self, user: str | None) -> _User:
        uid = user or self.student_id
        if uid not in self._users:
            raise KeyError(f"unknown user {uid!r}: use add_user()")
        return self._users[uid]

    def _interaction_payload(
        self, kind: int, data: dict[str, Any], user: _User, channel_id: str, message: Any = None
    ) -> dict[str, Any]:
        channel = self._channels.get(channel_id)
        if channel is None:
            raise KeyError(f"unknown channel {channel_id!r}")
        payload: dict[str, Any] = {
            "id": snowflake(),
            "application_id": self.app_id,
            "type": kind,
            "token": "aW50ZXJhY3Rpb246" + snowflake(),
            "version": 1,
            "channel_id": channel_id,
            "data": data,
            "locale": "en-US",
            "app_permissions": str(BOT_PERMISSIONS),
            "entitlements": [],
            "entitlement_sku_ids": [],
            "attachment_size_limit": self.file_size_limit,
        }
        if channel["type"] == 1:  # a DM with the bot
            payload.update(
                channel={**channel, "permissions": str(STUDENT)},
                user=user.payload(),
                context=1,
                authorizing_integration_owners={"0": "0"},
            )
        else:
            guild_id = channel["guild_id"]
            payload.update(
                guild_id=guild_id,
                guild={"id": guild_id, "locale": "en-US", "features": []},
                guild_locale="en-US",
                channel={**channel, "permissions": str(user.permissions)},
                member=self._member(user, with_permissions=True),
                context=0,
                authorizing_integration_owners={"0": guild_id},
            )
        if message is not None:
            payload["message"] = json.loads(json.dumps(message))  # as it was when clicked
        return payload

    async def _dispatch_interaction(self, payload: dict[str, Any]) -> dict[str, Any]:
        state = _Interaction(payload)
        self._interactions[payload["id"]] = state
        self._by_token[payload["token"]] = payload["id"]

        def sent(at: float) -> None:
            state.sent_at = at

        await self.send_dispatch("INTERACTION_CREATE", payload, on_sent=sent)
        return payload

    def _command_data(
        self, name: str, options: dict[str, Any] | None, sub: str | None, focused: str | None = None
    ) -> dict[str, Any]:
        built = [self._option(k, v, focused=k == focused) for k, v in (options or {}).items()]
        if sub:
            *group, leaf = sub.split()
            built = [{"type": 1, "name": leaf, "options": built}]
            if group:
                built = [{"type": 2, "name": group[0], "options": built}]
        data: dict[str, Any] = {"type": 1, "name": name}
        synced = self.commands.get(self.guild_id, [])
        if any(c["name"] == name and c["type"] == 1 for c in synced):  # a guild command wins
            data.update(id=self._command_ids[(self.guild_id, name, 1)], guild_id=self.guild_id)
        else:
            data["id"] = self._command_ids.get(("global", name, 1), snowflake())
        if built:
            data["options"] = built
        return data

    @staticmethod
    def _option(name: str, value: Any, *, focused: bool = False) -> dict[str, Any]:
        if isinstance(value, bool):
            kind = 5
        elif isinstance(value, int):
            kind = 4
        elif isinstance(value, float):
            kind = 10
        elif isinstance(value, str):
            kind = 3
        else:
            raise TypeError(f"option {name}: no Discord option type for {type(value).__name__}")
        option: dict[str, Any] = {"type": kind, "name": name, "value": value}
        if focused:
            option["focused"] = True
        return option

    async def slash(
        self,
        name: str,
        options: dict[str, Any] | None = None,
        *,
        sub: str | None = None,
        user: str | None = None,
        channel: str | None = None,
    ) -> dict[str, Any]:
        """A chat-input command (type 2); `sub` may be "group sub" for a nested subcommand."""
        data = self._command_data(name, options, sub)
        payload = self._interaction_payload(2, data, self._user(user), channel or self.channel_id)
        return await self._dispatch_interaction(payload)

    async def autocomplete(
        self,
        name: str,
        focused: str,
        value: str,
        options: dict[str, Any] | None = None,
        *,
        sub: str | None = None,
        user: str | None = None,
        channel: str | None = None,
    ) -> dict[str, Any]:
        """An autocomplete request (type 4): the user is typing `value` into option `focused`."""
        merged = {**(options or {}), focused: value}
        data = self._command_data(name, merged, sub, focused=focused)
        payload = self._interaction_payload(4, data, self._user(user), channel or self.channel_id)
        return await self._dispatch_interaction(payload)

    async def click(
        self,
        message_id: str,
        custom_id: str,
        *,
        user: str | None = None,
        values: list[str] | None = None,
    ) -> dict[str, Any]:
        """A button press, or a select choice when `values` is given, on a known message."""
        message = self.messages[message_id]
        component = _find_component(message.get("components") or [], custom_id)
        if component is None:
            raise ValueError(f"message {message_id} has no component with custom_id {custom_id!r}")
        data: dict[str, Any] = {"custom_id": custom_id, "component_type": component.get("type", 2)}
        if values is not None:
            if component.get("type") not in _SELECT_TYPES:
                raise ValueError(f"{custom_id!r} is not a select")
            data["values"] = values
        elif component.get("type") != 2:
            raise ValueError(f"{custom_id!r} is not a button: pass values=")
        payload = self._interaction_payload(
            3, data, self._user(user), message["channel_id"], message=message
        )
        return await self._dispatch_interaction(payload)

    async def submit_modal(
        self,
        custom_id: str,
        fields: dict[str, str],
        *,
        message_id: str | None = None,
        user: str | None = None,
        channel: str | None = None,
    ) -> dict[str, Any]:
        """A modal submit (type 5); with `message_id`, the modal was opened from that message."""
        rows = [
            {"type": 1, "components": [{"type": 4, "custom_id": k, "value": v}]}
            for k, v in fields.items()
        ]
        data = {"custom_id": custom_id, "components": rows}
        message = self.messages[message_id] if message_id else None
        where = channel or (message["channel_id"] if message else self.channel_id)
        payload = self._interaction_payload(5, data, self._user(user), where, message=message)
        return await self._dispatch_interaction(payload)

    def _callback_path(self, interaction: dict[str, Any]) -> str:
        return f"interactions/{interaction['id']}/{interaction['token']}/callback"

    def callback(self, interaction: dict[str, Any]) -> Call | None:
        """The initial response: the accepted callback call, else the first attempt, else None."""
        path = self._callback_path(interaction)
        attempts = [c for c in self.calls if c.method == "POST" and c.path == path]
        accepted = [c for c in attempts if 200 <= c.status < 300]
        chosen = accepted or attempts
        return chosen[0] if chosen else None

    def followups(self, interaction: dict[str, Any]) -> list[Call]:
        """Followup posts and message edits through the interaction's webhook token, in order."""
        base = f"webhooks/{self.app_id}/{interaction['token']}"
        return [
            c
            for c in self.calls
            if (c.method == "POST" and c.path == base)
            or (c.method == "PATCH" and c.path.startswith(base + "/messages/"))
        ]

    async def wait_call(
        self,
        predicate: Callable[[Call], bool],
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> list[Call]:
        """Waits until a call matching `predicate` has been answered; returns all matching."""

        async def matched() -> None:
            async with self._changed:
                await self._changed.wait_for(lambda: any(predicate(c) for c in self.calls))

        await asyncio.wait_for(matched(), timeout)
        return [c for c in self.calls if predicate(c)]

    async def wait_response(self, interaction: dict[str, Any], timeout: float = 5.0) -> Call:  # noqa: ASYNC109
        path = self._callback_path(interaction)
        await self.wait_call(lambda c: c.path == path, timeout)
        call = self.callback(interaction)
        assert call is not None
        return call

    # ---------------------------------------------------------------- REST plumbing

    def _route_table(self) -> list[tuple[re.Pattern[str], dict[str, Handler]]]:
        snow, token = r"(?P<{}>\d+)", r"(?P<token>[^/]+)"
        app, guild, cid = snow.format("app"), snow.format("guild"), snow.format("cid")
        mid = r"(?P<mid>@original|\d+)"
        table: list[tuple[str, dict[str, Handler]]] = [
            ("users/@me", {"GET": self._get_me}),
            ("users/@me/channels", {"POST": self._open_dm}),
            ("oauth2/applications/@me", {"GET": self._get_application}),
            ("applications/@me", {"GET": self._get_application}),
            ("gateway", {"GET": self._get_gateway}),
            ("gateway/bot", {"GET": self._get_gateway_bot}),
            (
                f"applications/{app}/commands",
                {"GET": self._get_commands, "PUT": self._put_commands},
            ),
            (
                f"applications/{app}/guilds/{guild}/commands",
                {"GET": self._get_commands, "PUT": self._put_commands},
            ),
            (rf"interactions/(?P<iid>\d+)/{token}/callback", {"POST": self._post_callback}),
            (f"webhooks/{app}/{token}", {"POST": self._post_followup}),
            (
                f"webhooks/{app}/{token}/messages/{mid}",
                {
                    "GET": self._get_webhook_message,
                    "PATCH": self._patch_webhook_message,
                    "DELETE": self._delete_webhook_message,
                },
            ),
            (f"channels/{cid}", {"GET": self._get_channel}),
            (f"channels/{cid}/typing", {"POST": self._post_typing}),
            (f"channels/{cid}/messages", {"POST": self._post_message}),
            (
                rf"channels/{cid}/messages/(?P<mid>\d+)",
                {
                    "GET": self._get_message,
                    "PATCH": self._patch_message,
                    "DELETE": self._delete_message,
                },
            ),
        ]
        return [(re.compile(pattern + "$"), handlers) for pattern, handlers in table]

    async def _rest(self, request: web.Request) -> web.Response:
        at = time.monotonic()
        call = Call(request.method, request.match_info["tail"], dict(request.query), None, [], at)
        try:
            call.json, call.files = await self._read_body(request)
            response = self._answer(request, call)
        except Refusal as refusal:
            response = refusal.response()
        except Exception as bug:  # a bug of the fake: 4xx, since discord.py retries 5xx for long
            self.internal_errors.append(bug)
            response = Refusal(400, 0, f"fake_discord bug: {bug!r}").response()
        call.status = response.status
        self.calls.append(call)
        async with self._changed:
            self._changed.notify_all()
        return response

    async def _read_body(self, request: web.Request) -> tuple[Any, list[tuple[str, bytes]]]:
        """JSON bodies, or multipart with a `payload_json` part and `files[n]` parts."""
        if not request.can_read_body:
            return None, []
        kind = request.content_type
        if kind == "application/json":
            raw = await request.read()
            try:
                return json.loads(raw), []
            except ValueError:
                raise Refusal(400, 50109, "The request body contains invalid JSON.") from None
        if kind == "multipart/form-data":
            payload: Any = None
            files: list[tuple[str, bytes]] = []
            reader = await request.multipart()
            async for part in reader:
                if not isinstance(part, BodyPartReader):
                    continue
                content = await part.read()
                if part.name == "payload_json":
                    try:
                        payload = json.loads(content)
                    except ValueError:
                        raise Refusal(
                            400, 50109, "The request body contains invalid JSON."
                        ) from None
                elif part.name and FILE_PART_RE.match(part.name):
                    if len(content) > self.file_size_limit:
                        raise Refusal(413, 40005, "Request entity too large")
                    files.append((part.filename or "", bytes(content)))
            return payload, files
        raw = await request.read()
        if not raw:
            return None, []
        raise Refusal(
            400,
            50035,
            "Invalid Form Body",
            {
                "_errors": [
                    {
                        "code": "CONTENT_TYPE_INVALID",
                        "message": f"Expected application/json or multipart/form-data, got {kind}",
                    }
                ]
            },
        )

    def _answer(self, request: web.Request, call: Call) -> web.Response:
        needs_auth = not call.path.startswith(("interactions/", "webhooks/"))
        if needs_auth and not request.headers.get("Authorization", "").startswith("Bot "):
            raise Refusal(401, 0, "401: Unauthorized")
        for limit in self._rate_limits:
            if limit.times > 0 and limit.predicate(call):
                limit.times -= 1
                return self._too_many(call, limit.retry_after)
        for pattern, handlers in self._routes:
            match = pattern.match(call.path)
            if match is None:
                continue
            handler = handlers.get(call.method)
            if handler is None:
                raise Refusal(405, 0, "405: Method Not Allowed")
            status, body = handler(call, **match.groupdict())
            if status == 204:
                return web.Response(status=204)
            return _json(body, status)
        raise Refusal(404, 0, "404: Not Found")

    def _too_many(self, call: Call, retry_after: float) -> web.Response:
        """A per-route 429 as Discord sends it; `Via` tells discord.py it is not Cloudflare."""
        bucket = format(abs(hash((call.method, call.path.split("/")[0]))), "x")[:16]
        headers = {
            "Retry-After": str(max(1, math.ceil(retry_after))),
            "X-RateLimit-Limit": "5",
            "X-RateLimit-Remaining": "0",
            "X-RateLimit-Reset": f"{time.time() + retry_after:.3f}",
            "X-RateLimit-Reset-After": f"{retry_after:.3f}",
            "X-RateLimit-Bucket": bucket,
            "X-RateLimit-Scope": "user",
            "Via": "1.1 google",
        }
        body = {
            "message": "You are being rate limited.",
            "retry_after": retry_after,
            "global": False,
        }
        return _json(body, 429, headers)

    # ---------------------------------------------------------------- REST: identity

    def _get_me(self, call: Call) -> tuple[int, Any]:
        return 200, self.bot_user

    def _get_application(self, call: Call) -> tuple[int, Any]:
        owner = {
            "id": self.owner_id,
            "username": "teacher",
            "discriminator": "0",
            "global_name": "Teacher",
            "avatar": None,
            "public_flags": 0,
        }
        return 200, {
            "id": self.app_id,
            "name": "Lectern",
            "description": "An educational chat bot",
            "icon": None,
            "bot_public": False,
            "bot_require_code_grant": False,
            "owner": owner,
            "team": None,
            "verify_key": "0" * 64,
            "flags": 0,
            "summary": "",
            "rpc_origins": [],
            "terms_of_service_url": None,
            "privacy_policy_url": None,
            "bot": self.bot_user,
        }

    def _get_gateway(self, call: Call) -> tuple[int, Any]:
        return 200, {"url": self.gateway_url.rstrip("/")}

    def _get_gateway_bot(self, call: Call) -> tuple[int, Any]:
        limit = {"total": 1000, "remaining": 999, "reset_after": 0, "max_concurrency": 1}
        shards = max(1, math.ceil(len(self._guilds) / 1000))
        return 200, {
            "url": self.gateway_url.rstrip("/"),
            "shards": shards,
            "session_start_limit": limit,
        }

    # ---------------------------------------------------------------- REST: commands

    def _scope(self, app: str, guild: str | None) -> str:
        if app != self.app_id:
            raise Refusal(404, 10002, "Unknown Application")
        if guild is None:
            return "global"
        if guild not in {g.id for g in self._guilds}:
            raise Refusal(404, 10004, "Unknown Guild")
        return guild

    def _get_commands(self, call: Call, app: str, guild: str | None = None) -> tuple[int, Any]:
        return 200, self.commands.get(self._scope(app, guild), [])

    def _put_commands(self, call: Call, app: str, guild: str | None = None) -> tuple[int, Any]:
        scope = self._scope(app, guild)
        check_commands(call.json).raise_if_any()
        echoed = []
        for command in call.json:
            kind = command.get("type", 1)
            key = (scope, command["name"], kind)
            command_id = self._command_ids.setdefault(key, snowflake())  # ids survive re-syncs
            item = {
                "type": kind,
                "description": "",
                "options": [],
                "default_member_permissions": None,
                "nsfw": False,
                **command,
                "id": command_id,
                "application_id": self.app_id,
                "version": snowflake(),
            }
            if guild is not None:
                item["guild_id"] = guild
            echoed.append(item)
        self.commands[scope] = echoed
        self.syncs += 1
        return 200, echoed

    # ---------------------------------------------------------------- REST: messages

    def _new_message(
        self,
        channel_id: str,
        body: dict[str, Any],
        files: list[tuple[str, bytes]],
        *,
        flags: int = 0,
        webhook: bool = False,
        interaction: _Interaction | None = None,
    ) -> dict[str, Any]:
        message: dict[str, Any] = {
            "id": snowflake(),
            "channel_id": channel_id,
            "author": self.bot_user,
            "content": "",
            "timestamp": TIMESTAMP,
            "edited_timestamp": None,
            "tts": False,
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": [],
            "embeds": [],
            "components": [],
            "pinned": False,
            "type": 0,
            "flags": flags,
        }
        if webhook:
            message.update(webhook_id=self.app_id, application_id=self.app_id)
        if interaction is not None:
            source = interaction.payload
            who = (source.get("member") or {}).get("user") or source.get("user")
            message["type"] = 20 if source["type"] == 2 else 0  # CHAT_INPUT_COMMAND or DEFAULT
            message["interaction_metadata"] = {
                "id": source["id"],
                "type": source["type"],
                "user": who,
                "authorizing_integration_owners": source["authorizing_integration_owners"],
            }
        self._apply(message, body, files)
        self.messages[message["id"]] = message
        channel = self._channels.get(channel_id)
        if channel is not None:
            channel["last_message_id"] = message["id"]
        return message

    def _apply(
        self, message: dict[str, Any], body: dict[str, Any], files: list[tuple[str, bytes]]
    ) -> None:
        """Writes a create/edit body into a stored message, as Discord would show it."""
        for key in ("content", "embeds", "components", "tts", "poll"):
            if key in body and body[key] is not None:
                message[key] = body[key]
        if "content" in body and body["content"] is None:
            message["content"] = ""
        for key in ("embeds", "components"):
            if key in body and body[key] is None:
                message[key] = []
        if "attachments" in body and body["attachments"] is not None:
            kept = {str(a.get("id")) for a in body["attachments"] if isinstance(a, dict)}
            message["attachments"] = [a for a in message["attachments"] if a["id"] in kept]
        for filename, content in files:
            attachment_id = snowflake()
            url = f"http://127.0.0.1:{self._port}/attachments/{attachment_id}/{filename}"
            message["attachments"].append(
                {
                    "id": attachment_id,
                    "filename": filename,
                    "size": len(content),
                    "url": url,
                    "proxy_url": url,
                    "content_type": "application/octet-stream",
                }
            )

    def _checked_body(self, call: Call, body: Any, path: Path = ()) -> dict[str, Any]:
        errors = FormErrors()
        check_message(errors, path, body, files=len(call.files))
        errors.raise_if_any()
        return body if isinstance(body, dict) else {}

    @staticmethod
    def _refuse_if_empty(message: dict[str, Any], files: int = 0) -> None:
        if is_empty_message(message, files):
            raise Refusal(400, 50006, "Cannot send an empty message")

    def _edit(self, message: dict[str, Any], call: Call, body: dict[str, Any]) -> dict[str, Any]:
        """An edit validated against the limits, then against emptiness of the result."""
        edited = json.loads(json.dumps(message))
        self._apply(edited, body, call.files)
        edited["edited_timestamp"] = TIMESTAMP
        self._refuse_if_empty(edited)
        if "flags" in body and isinstance(body["flags"], int):
            keep = message.get("flags", 0) & (EPHEMERAL | IS_COMPONENTS_V2)
            edited["flags"] = keep | (body["flags"] & SUPPRESS_EMBEDS)
        edited["flags"] = edited.get("flags", 0) & ~LOADING
        message.clear()
        message.update(edited)
        return message

    def _post_message(self, call: Call, cid: str) -> tuple[int, Any]:
        self._channel(cid)
        body = self._checked_body(call, call.json)
        self._refuse_if_empty(body, len(call.files))
        flags = body.get("flags") or 0
        keep = flags & (SUPPRESS_EMBEDS | SUPPRESS_NOTIFICATIONS | IS_COMPONENTS_V2)
        return 200, self._new_message(cid, body, call.files, flags=keep)

    def _channel_message(self, cid: str, mid: str) -> dict[str, Any]:
        self._channel(cid)
        message = self.messages.get(mid)
        if message is None or message["channel_id"] != cid or message.get("flags", 0) & EPHEMERAL:
            raise Refusal(404, 10008, "Unknown Message")
        return message

    def _get_message(self, call: Call, cid: str, mid: str) -> tuple[int, Any]:
        return 200, self._channel_message(cid, mid)

    def _patch_message(self, call: Call, cid: str, mid: str) -> tuple[int, Any]:
        message = self._channel_message(cid, mid)
        body = self._checked_body(call, call.json)
        if message["author"]["id"] != self.app_id:
            raise Refusal(403, 50005, "Cannot edit a message authored by another user")
        return 200, self._edit(message, call, body)

    def _delete_message(self, call: Call, cid: str, mid: str) -> tuple[int, Any]:
        self._channel_message(cid, mid)
        del self.messages[mid]
        return 204, None

    def _get_channel(self, call: Call, cid: str) -> tuple[int, Any]:
        return 200, self._channel(cid)

    def _post_typing(self, call: Call, cid: str) -> tuple[int, Any]:
        self._channel(cid)
        return 204, None

    def _open_dm(self, call: Call) -> tuple[int, Any]:
        body = call.json if isinstance(call.json, dict) else {}
        recipient = str(body.get("recipient_id", ""))
        if not recipient:
            errors = FormErrors()
            errors.add(("recipient_id",), "BASE_TYPE_REQUIRED", "This field is required")
            errors.raise_if_any()
        user = self._users.get(recipient)
        if user is None:
            raise Refusal(404, 10013, "Unknown User")
        channel_id = self._dms.get(recipient)
        if channel_id is None or channel_id not in self._channels:
            channel_id = snowflake()
            self._dms[recipient] = channel_id
            self._channels[channel_id] = {
                "id": channel_id,
                "type": 1,
                "last_message_id": None,
                "flags": 0,
                "recipients": [user.payload()],
            }
        return 200, self._channels[channel_id]

    # ---------------------------------------------------------------- REST: interactions

    # interaction type -> the response types Discord accepts for it
    _ALLOWED_RESPONSES: ClassVar[dict[int, set[int]]] = {
        2: {4, 5, 9},
        3: {4, 5, 6, 7, 9},
        4: {8},
        5: {4, 5, 6, 7},
    }

    def _post_callback(self, call: Call, iid: str, token: str) -> tuple[int, Any]:
        state = self._interactions.get(iid)
        if state is None or state.payload["token"] != token:
            raise Refusal(404, 10062, "Unknown interaction")
        elapsed = call.at - (state.sent_at if state.sent_at is not None else call.at)
        self.ack_latency.setdefault(iid, elapsed)
        if state.response_type is not None:
            raise Refusal(400, 40060, "Interaction has already been acknowledged.")
        if elapsed > self.ack_deadline:
            if iid not in self.late:
                self.late.append(iid)
            raise Refusal(404, 10062, "Unknown interaction")
        body = call.json if isinstance(call.json, dict) else {}
        kind = state.payload["type"]
        rtype = body.get("type")
        allowed = self._ALLOWED_RESPONSES[kind]
        if kind == 5 and "message" not in state.payload:
            allowed = {4, 5}  # a modal opened by a command has no message to update
        if rtype not in allowed:
            errors = FormErrors()
            errors.add(
                ("type",),
                "INTERACTION_RESPONSE_TYPE_INVALID",
                f"Response type {rtype!r} is not valid for interaction type {kind}",
            )
            errors.raise_if_any()
        assert isinstance(rtype, int)  # it is one of `allowed`
        data = body.get("data") or {}
        message = self._respond(state, call, rtype, data)
        state.response_type = rtype
        if "with_response" not in call.query or call.query["with_response"] in ("0", "false"):
            return 204, None
        answer: dict[str, Any] = {
            "interaction": {
                "id": iid,
                "type": kind,
                "activity_instance_id": None,
                "response_message_id": state.original_id,
                "response_message_loading": rtype == 5,
                "response_message_ephemeral": bool(message and message.get("flags", 0) & EPHEMERAL),
            },
        }
        if message is not None and rtype in (4, 5, 7):
            answer["resource"] = {"type": rtype, "message": message}
        return 200, answer

    def _respond(
        self, state: _Interaction, call: Call, rtype: int, data: Any
    ) -> dict[str, Any] | None:
        """Checks an accepted response type's data and applies it; returns the message shown."""
        channel_id = state.payload["channel_id"]
        clicked = state.payload.get("message")
        if rtype == 4:
            body = self._checked_body(call, data, ("data",))
            self._refuse_if_empty(body, len(call.files))
            flags = (body.get("flags") or 0) & (
                EPHEMERAL | SUPPRESS_EMBEDS | SUPPRESS_NOTIFICATIONS | IS_COMPONENTS_V2
            )
            message = self._new_message(
                channel_id, body, call.files, flags=flags, webhook=True, interaction=state
            )
            state.original_id = message["id"]
            return message
        if rtype == 5:
            flags = LOADING | (
                (data.get("flags") or 0) & EPHEMERAL if isinstance(data, dict) else 0
            )
            message = self._new_message(
                channel_id, {}, [], flags=flags, webhook=True, interaction=state
            )
            state.original_id = message["id"]
            return message
        if rtype in (6, 7):
            target = self.messages.get(clicked["id"]) if clicked else None
            if target is None and clicked is not None:
                target = self.messages.setdefault(clicked["id"], json.loads(json.dumps(clicked)))
            assert target is not None  # allowed only with a message
            state.original_id = target["id"]
            if rtype == 6:
                return target
            return self._edit(target, call, self._checked_body(call, data, ("data",)))
        errors = FormErrors()
        if rtype == 8:
            if not isinstance(data, dict) or "choices" not in data:
                errors.add(("data", "choices"), "BASE_TYPE_REQUIRED", "This field is required")
            else:
                check_choices(errors, ("data", "choices"), data["choices"])
        else:
            check_modal(errors, ("data",), data)
        errors.raise_if_any()
        return None

    def _webhook_interaction(self, app: str, token: str) -> _Interaction:
        """The interaction behind a followup token, if the token is usable for followups."""
        iid = self._by_token.get(token)
        if app != self.app_id or iid is None:
            raise Refusal(404, 10015, "Unknown Webhook")
        state = self._interactions[iid]
        if state.response_type is None:
            raise Refusal(404, 10015, "Unknown Webhook")  # no followups before the response
        if state.sent_at is not None and time.monotonic() - state.sent_at > self.token_ttl:
            raise Refusal(401, 50027, "Invalid Webhook Token")
        return state

    def _post_followup(self, call: Call, app: str, token: str) -> tuple[int, Any]:
        state = self._webhook_interaction(app, token)
        body = self._checked_body(call, call.json)
        self._refuse_if_empty(body, len(call.files))
        original = self.messages.get(state.original_id or "")
        if state.response_type == 5 and original is not None and original["flags"] & LOADING:
            message = self._edit(original, call, body)  # the first followup fills the "thinking…"
        else:
            flags = (body.get("flags") or 0) & (
                EPHEMERAL | SUPPRESS_EMBEDS | SUPPRESS_NOTIFICATIONS | IS_COMPONENTS_V2
            )
            message = self._new_message(
                state.payload["channel_id"],
                body,
                call.files,
                flags=flags,
                webhook=True,
                interaction=state,
            )
            state.followup_ids.append(message["id"])
        if call.query.get("wait") in ("1", "true", "True"):
            return 200, message
        return 204, None

    def _webhook_message(self, app: str, token: str, mid: str) -> dict[str, Any]:
        state = self._webhook_interaction(app, token)
        wanted = state.original_id if mid == "@original" else mid
        if wanted is None or (wanted != state.original_id and wanted not in state.followup_ids):
            raise Refusal(404, 10008, "Unknown Message")
        message = self.messages.get(wanted)
        if message is None:
            raise Refusal(404, 10008, "Unknown Message")
        return message

    def _get_webhook_message(self, call: Call, app: str, token: str, mid: str) -> tuple[int, Any]:
        return 200, self._webhook_message(app, token, mid)

    def _patch_webhook_message(self, call: Call, app: str, token: str, mid: str) -> tuple[int, Any]:
        message = self._webhook_message(app, token, mid)
        return 200, self._edit(message, call, self._checked_body(call, call.json))

    def _delete_webhook_message(
        self, call: Call, app: str, token: str, mid: str
    ) -> tuple[int, Any]:
        message = self._webhook_message(app, token, mid)
        del self.messages[message["id"]]
        return 204, None


def _find_component(components: Iterable[Any], custom_id: str) -> dict[str, Any] | None:
    """The component with that custom_id anywhere in a message's component tree."""
    for component in components:
        if not isinstance(component, dict):
            continue
        if component.get("custom_id") == custom_id:
            return component
        nested = [
            *component.get("components", []),
            component.get("accessory"),
            component.get("component"),
        ]
        found = _find_component(nested, custom_id)
        if found is not None:
            return found
    return None
