"""How a quiz question and its answer read in a reply, for practice and class sessions alike."""

from __future__ import annotations

from bot.core.commands.render import shorten
from bot.core.messages import Choice, Field, Reply
from bot.core.quiz.deck import LETTERS, Card, Verdict
from bot.core.text import defuse_mentions

CHOICE_LABEL_CHARS = 75  # a Discord button label holds 80 characters


def card_reply(
    card: Card,
    number: int,
    total: int,
    title: str,
    answer_command: str,
    *,
    fields: tuple[Field, ...] | None = None,
    ephemeral: bool = True,
) -> Reply:
    """The question: `answer_command` (e.g. "/practice answer") is what its buttons send.
    `fields` default to the difficulty; a private practice is `ephemeral`, a class quiz not."""
    lines = [card.prompt]
    lines += [f"{LETTERS[i]}) {option}" for i, option in enumerate(card.options)]
    if not card.options:
        unit = f" (in {card.unit})" if card.unit else ""
        lines.append(f"Type {answer_command} <{card.how_to_answer()}>{unit}.")
    choices = tuple(
        Choice(shorten(f"{LETTERS[i]}) {option}", CHOICE_LABEL_CHARS), f"{answer_command} {letter}")
        for i, (letter, option) in enumerate(zip(LETTERS, card.options, strict=False))
    )
    return Reply(
        text=defuse_mentions("\n".join(lines)),
        title=defuse_mentions(f"{title} · {number}/{total}"),
        fields=fields
        if fields is not None
        else (Field("Difficulty", card.difficulty, inline=True),),
        choices=choices,
        ephemeral=ephemeral,
    )


def verdict_reply(card: Card, verdict: Verdict) -> Reply:
    """Right or wrong, the right answer, why, and where it comes from."""
    if verdict.correct:
        head = f"✅ Right: {card.answer_text}."
    else:
        head = f"❌ Not quite. The answer is {card.answer_text}."
    lines = [head]
    if verdict.picked is not None and card.feedback and card.feedback[verdict.picked]:
        lines.append(card.feedback[verdict.picked] or "")
    lines.append(card.explanation)
    return Reply(
        text=defuse_mentions("\n".join(lines)),
        citations=(card.citation,),
        ephemeral=True,
    )
