"""Fit a platform-neutral Reply into one platform's message limits.

Every outgoing reply passes `fit` (or `fit_one` for an edit), so mentions are defused in one
place and adapters never have to truncate: whatever does not fit is split or paged, not lost.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import replace
from typing import TypeVar

from bot.core.messages import Choice, Field, Limits, Reply
from bot.core.text import defuse_mentions

# Embed description, 5x5 buttons, button label and custom_id.
DISCORD = Limits(
    text_chars=4096,
    title_chars=256,
    fields=25,
    field_name_chars=256,
    field_value_chars=1024,
    choices=25,
    choice_label_chars=80,
    # custom_id holds 100, less the adapter's two-character prefix that says what was clicked.
    choice_value_chars=98,
)
# Section text, header, section fields, elements of one actions block, button text and value.
SLACK = Limits(
    text_chars=3000,
    title_chars=150,
    fields=10,
    field_name_chars=150,
    field_value_chars=2000,
    choices=25,
    choice_label_chars=75,
    choice_value_chars=2000,
)
CONSOLE = Limits(
    text_chars=20000,
    title_chars=500,
    fields=50,
    field_name_chars=500,
    field_value_chars=5000,
    choices=50,
    choice_label_chars=200,
    choice_value_chars=500,
    edit_seconds=0.0,  # a terminal has no rate limit
)

CONT = " (cont.)"
PREVIOUS = "◂ Previous"
NEXT = "Next ▸"

_GAP = re.compile(r"\s+")
# Quote ids ("[q-putin-1]"), references ("ref. [38]") and short asides read wrongly when split.
_BRACKETED = re.compile(r"\[[^\[\]\n]*\]")
_PARENTHESISED = re.compile(r"\([^()\n]*\)")
_LONGEST_ASIDE = 199
_SENTENCE_ENDS = ".!?…"
_INSIDE_SPAN = 4  # the worst rank: used only when a span leaves no other way to stay in the limit

T = TypeVar("T")


def _gaps(text: str, limit: int) -> list[tuple[int, int, int]]:
    """(rank, start, end) of every whitespace run in `text`; a lower rank is a better break."""
    inside = bytearray(len(text))
    for pattern, longest in ((_BRACKETED, limit), (_PARENTHESISED, min(limit, _LONGEST_ASIDE))):
        for m in pattern.finditer(text):
            if len(m.group()) <= longest:
                inside[m.start() + 1 : m.end() - 1] = b"\x01" * (len(m.group()) - 2)
    gaps = []
    for m in _GAP.finditer(text):
        start, end = m.span()
        newlines = text.count("\n", start, end)
        if inside[start]:
            rank = _INSIDE_SPAN
        elif newlines:
            rank = 0 if newlines > 1 else 1
        else:
            rank = 2 if start and text[start - 1] in _SENTENCE_ENDS else 3
        gaps.append((rank, start, end))
    return gaps


def _split(text: str, limit: int) -> list[str]:
    """Consecutive chunks of `text`, each at most `limit` long, broken at the best whitespace.

    Each chunk ends at the best-ranked break within reach (paragraph, line, sentence, space) and,
    among equals, the farthest one; only a word longer than `limit` is cut hard.
    """
    if len(text) <= limit:
        return [text]
    text = text.strip()
    gaps = _gaps(text, limit)
    starts = [start for _, start, _ in gaps]
    chunks: list[str] = []
    at = 0
    while len(text) - at > limit:
        window = gaps[bisect_right(starts, at) : bisect_right(starts, at + limit)]
        if window:
            _, start, end = min(window, key=lambda gap: (gap[0], -gap[1]))
            chunks.append(text[at:start])
            at = end
        else:
            chunks.append(text[at : at + limit])
            at += limit
    chunks.append(text[at:])
    return chunks


def _cut(text: str, limit: int) -> str:
    """`text` if it fits, else its longest word-safe head that fits with "…" after it."""
    if len(text) <= limit:
        return text
    text, room = text.strip(), limit - 1
    if len(text) <= limit:
        return text
    # Unlike text.shorten this keeps newlines and the last word that still fits.
    heads = [
        (rank == _INSIDE_SPAN, -start) for rank, start, _ in _gaps(text, room) if start <= room
    ]
    end = -min(heads)[1] if heads else room
    return text[:end] + "…"


def _suffixed(text: str, suffix: str, limit: int) -> str:
    if len(suffix) >= limit:
        return _cut(text, limit)
    return _cut(text, limit - len(suffix)) + suffix


def _title(title: str | None, suffix: str, limits: Limits) -> str | None:
    return None if title is None else _suffixed(title, suffix, limits.title_chars)


def _groups(items: Sequence[T], size: int) -> list[tuple[T, ...]]:
    groups = [tuple(items[i : i + size]) for i in range(0, len(items), size)]
    return groups or [()]


def _at(groups: Sequence[tuple[T, ...]], index: int) -> tuple[T, ...]:
    return groups[index] if 0 <= index < len(groups) else ()


def _check_value(value: str, limits: Limits) -> None:
    if len(value) > limits.choice_value_chars:
        raise ValueError(
            f"choice value longer than {limits.choice_value_chars} characters: {value!r}"
        )


def _prepare(reply: Reply, limits: Limits) -> Reply:
    """`reply` defused, with labels cut and fields split to size (but not yet counted)."""
    for choice in reply.choices:
        _check_value(choice.value, limits)
    if reply.ask is not None:
        _check_value(reply.ask.command, limits)
    d = defuse_mentions
    fields: list[Field] = []
    for f in reply.fields:
        name, values = d(f.name), _split(d(f.value), limits.field_value_chars)
        fields.append(Field(_cut(name, limits.field_name_chars), values[0], f.inline))
        cont = _suffixed(name, CONT, limits.field_name_chars)
        fields += [Field(cont, value, f.inline) for value in values[1:]]
    return replace(
        reply,
        text=d(reply.text),
        title=None if reply.title is None else d(reply.title),
        fields=tuple(fields),
        # Values are left alone: they are command text that comes back to the bot, never shown.
        choices=tuple(
            Choice(_cut(d(c.label), limits.choice_label_chars), c.value) for c in reply.choices
        ),
        citations=tuple(
            replace(c, source_title=d(c.source_title), section_title=d(c.section_title))
            for c in reply.citations
        ),
    )


def fit(reply: Reply, limits: Limits, page: int = 1) -> list[Reply]:
    """`reply` as one or more messages within `limits`, with every mention made inert.

    Without a pager, long text becomes consecutive replies (titled "<title> (cont.)" after the
    first), split word-safely and never inside a short [...] or (...) span; fields, choices,
    citations and the attachment go on the last one, and fields or choices beyond the limits on
    further continuations. With `reply.pager` set the result is exactly one reply: page `page`
    (clamped) of the text and choices, with "◂ Previous"/"Next ▸" choices sending
    "<pager> page:N" and " (page k/n)" on the title. Every page repeats the fields, citations and
    attachment, so fields beyond `limits.fields` are dropped there. A choice value longer than
    `limits.choice_value_chars` is a programming error and raises ValueError.
    """
    r = _prepare(reply, limits)
    if r.pager is not None:
        return [_page(r, limits, page)]
    texts = _split(r.text, limits.text_chars)
    fields, choices = _groups(r.fields, limits.fields), _groups(r.choices, limits.choices)
    tail = max(len(fields), len(choices))
    texts += [""] * (tail - 1)
    first_tail = len(texts) - tail
    title, cont = _title(r.title, "", limits), _title(r.title, CONT, limits)
    out = []
    for i, text in enumerate(texts):
        last = i == len(texts) - 1
        out.append(
            replace(
                r,
                text=text,
                title=title if i == 0 else cont,
                fields=_at(fields, i - first_tail),
                choices=_at(choices, i - first_tail),
                attachment=r.attachment if last else None,
                citations=r.citations if last else (),
                ask=r.ask if last else None,
            )
        )
    return out


def _page(r: Reply, limits: Limits, page: int) -> Reply:
    texts = _split(r.text, limits.text_chars)
    alone = len(texts) == 1 and len(r.choices) <= limits.choices
    # Navigation needs two slots; assumes limits.choices >= 3, which every platform allows.
    pages = _groups(r.choices, limits.choices if alone else max(limits.choices - 2, 1))
    count = max(len(texts), len(pages))
    page = min(max(page, 1), count)
    nav = []
    if page > 1:
        nav.append(Choice(_cut(PREVIOUS, limits.choice_label_chars), f"{r.pager} page:{page - 1}"))
    if page < count:
        nav.append(Choice(_cut(NEXT, limits.choice_label_chars), f"{r.pager} page:{page + 1}"))
    for choice in nav:
        _check_value(choice.value, limits)
    return replace(
        r,
        text=texts[page - 1] if page <= len(texts) else "",
        title=_title(r.title, f" (page {page}/{count})" if count > 1 else "", limits),
        fields=r.fields[: limits.fields],
        choices=_at(pages, page - 1) + tuple(nav),
    )


def fit_one(reply: Reply, limits: Limits) -> Reply:
    """`reply` as a single message within `limits`, for edits that cannot add messages.

    Text is cut word-safely with "…"; fields and choices beyond the limits are dropped. A paged
    reply is already one message, so it comes back as its first page, navigation included.
    """
    if reply.pager is not None:
        return fit(reply, limits)[0]
    r = _prepare(reply, limits)
    return replace(
        r,
        text=_cut(r.text, limits.text_chars),
        title=_title(r.title, "", limits),
        fields=r.fields[: limits.fields],
        choices=r.choices[: limits.choices],
    )
