"""How a quiz question and its answer read in a reply, for practice and class sessions alike."""

from __future__ import annotations

import re

from bot.core.messages import FILL, Ask, Choice, Field, Reply
from bot.core.quiz.deck import LETTERS, Card, Verdict

# A choice names the question it belongs to ("/quiz answer B #12 q3": session 12, question 3), so
# that a late click on an old message, or one after a restart, is judged against that question.
_BOUND = re.compile(r"^(?P<answer>.*?)\s+#(?P<owner>[0-9a-z]{1,20})\s+q(?P<number>\d{1,4})$")


def bind(owner: str, number: int) -> str:
    """The suffix that ties an answer to question `number` (1-based) of `owner`."""
    return f"#{owner} q{number}"


def unbind(text: str) -> tuple[str, str | None, int | None]:
    """`("B", "12", 3)` for "B #12 q3"; `(text, None, None)` for a typed answer."""
    match = _BOUND.match(text.strip())
    if match is None:
        return text.strip(), None, None
    return match.group("answer"), match.group("owner"), int(match.group("number"))


def card_reply(
    card: Card,
    number: int,
    total: int,
    title: str,
    answer_command: str,
    owner: str,
    *,
    fields: tuple[Field, ...] | None = None,
    ephemeral: bool = True,
) -> Reply:
    """The question: its buttons send `answer_command <letter> #owner qN` (e.g. "/practice answer
    B #p3 q2"). `fields` default to the difficulty; a private practice is `ephemeral`, a class
    quiz not."""
    lines = [card.prompt]
    lines += [f"{LETTERS[i]}) {option}" for i, option in enumerate(card.options)]
    suffix = bind(owner, number)
    ask = None
    if not card.options:
        unit = f" (in {card.unit})" if card.unit else ""
        lines.append(f"Type {answer_command} <{card.how_to_answer()}>{unit}.")
        ask = Ask(
            "Answer",
            f"Your answer: {card.how_to_answer()}{unit}",
            f"{answer_command} {FILL} {suffix}",
        )
    choices = tuple(
        Choice(f"{letter}) {option}", f"{answer_command} {letter} {suffix}")
        for letter, option in zip(LETTERS, card.options, strict=False)
    )
    return Reply(
        text="\n".join(lines),
        title=f"{title} · {number}/{total}",
        fields=fields
        if fields is not None
        else (Field("Difficulty", card.difficulty, inline=True),),
        choices=choices,
        ephemeral=ephemeral,
        ask=ask,
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
    return Reply(text="\n".join(lines), citations=card.citations, ephemeral=True)
