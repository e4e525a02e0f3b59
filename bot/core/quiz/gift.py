"""Moodle GIFT to Lectern questions.

GIFT (https://docs.moodle.org/en/GIFT_format) writes a question as text followed by an answer
block in braces. We convert what has a Lectern equivalent: multiple choice with one right answer,
true/false, short answer, numerical (value:tolerance or min..max), and missing-word questions.
Matching, essay and partial-credit questions have no equivalent: they are reported with their line.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Any

from bot.core.content.problems import Problem
from bot.core.quiz.imported import Converted, unique_slug

_ESCAPED = {"\\~": "~", "\\=": "=", "\\#": "#", "\\{": "{", "\\}": "}", "\\:": ":", "\\n": "\n"}
_PLACEHOLDER = "\x00{}\x00"
_FORMAT = re.compile(r"^\[(html|moodle|plain|markdown)\]", re.I)
_TAG = re.compile(r"<[^>]+>")


@dataclass(frozen=True, slots=True)
class _Block:
    text: str
    line: int


def _hide_escapes(text: str) -> tuple[str, dict[str, str]]:
    """Replace escaped specials by placeholders, so that splitting on ~ = # { } is safe."""
    kept: dict[str, str] = {}
    for index, (escaped, plain) in enumerate(_ESCAPED.items()):
        token = _PLACEHOLDER.format(index)
        if escaped in text:
            kept[token] = plain
            text = text.replace(escaped, token)
    return text, kept


def _show(text: str, kept: dict[str, str]) -> str:
    for token, plain in kept.items():
        text = text.replace(token, plain)
    text = _FORMAT.sub("", text.strip())
    text = html.unescape(_TAG.sub("", text))
    return " ".join(text.split())


def _blocks(source: str) -> list[_Block]:
    """Questions are separated by blank lines; // comment lines are dropped."""
    blocks: list[_Block] = []
    current: list[str] = []
    start = 0
    for number, line in enumerate(source.splitlines(), start=1):
        stripped = line.strip()
        if stripped.startswith("//"):
            continue
        if stripped.startswith("$CATEGORY:"):
            if current:
                blocks.append(_Block("\n".join(current), start))
                current = []
            blocks.append(_Block(stripped, number))
            continue
        if not stripped:
            if current:
                blocks.append(_Block("\n".join(current), start))
                current = []
            continue
        if not current:
            start = number
        current.append(line)
    if current:
        blocks.append(_Block("\n".join(current), start))
    return blocks


def _split_feedback(part: str) -> tuple[str, str | None]:
    text, _, feedback = part.partition("#")
    return text, (feedback.strip() or None)


def _answers(body: str) -> list[tuple[str, str, str | None]]:
    """('=' or '~', text, feedback) for each answer of a choice or short-answer block."""
    found = []
    for match in re.finditer(r"([=~])([^=~]*)", body):
        text, feedback = _split_feedback(match.group(2))
        found.append((match.group(1), text, feedback))
    return found


def _numeric(body: str) -> tuple[float, float] | str:
    """(answer, tolerance) of a numerical block, or why it cannot be converted."""
    body = body.strip()
    if body.startswith("="):
        parts = [p for p in re.split(r"\s*=\s*", body) if p.strip()]
        if len(parts) != 1 or "%" in body:
            return "numerical questions with several or partial-credit answers are not supported"
        body = parts[0]
    body = _split_feedback(body)[0].strip()
    try:
        if ".." in body:
            low, high = (float(x) for x in body.split("..", 1))
            return (low + high) / 2, (high - low) / 2
        value, _, tolerance = body.partition(":")
        return float(value), float(tolerance or 0)
    except ValueError:
        return f"cannot read the number '{body}'"


def _question(block: _Block, file: str, used: set[str]) -> dict[str, Any] | Problem:
    raw, kept = _hide_escapes(block.text)
    title = None
    named = re.match(r"^\s*::(.*?)::", raw, re.S)
    if named:
        title = named.group(1)
        raw = raw[named.end() :]
    opening, closing = raw.find("{"), raw.rfind("}")
    if opening < 0 or closing < opening:
        return Problem(file, block.line, 1, "no answer block '{...}' in this question")
    before, body, after = raw[:opening], raw[opening + 1 : closing], raw[closing + 1 :]
    body, _, general = body.partition("####")
    prompt = _show(before, kept)
    if _show(after, kept):
        prompt = f"{prompt} _____ {_show(after, kept)}"  # a missing-word question
    if not prompt:
        return Problem(file, block.line, 1, "the question has no text")
    question: dict[str, Any] = {
        "id": unique_slug(_show(title, kept) if title else prompt, used, f"q{block.line}"),
        "prompt": prompt,
    }
    explanation = _show(general, kept) or None
    stripped = body.strip()
    if not stripped:
        return Problem(file, block.line, 1, "essay questions (empty answer block) cannot be marked")
    if "->" in stripped:
        return Problem(file, block.line, 1, "matching questions are not supported")
    if re.match(r"^(T|F|TRUE|FALSE)\b", stripped, re.I):
        value = stripped.split("#", 1)[0].strip().upper() in ("T", "TRUE")
        question |= {"type": "truefalse", "answer": value}
        question["explanation"] = explanation or f"The statement is {'true' if value else 'false'}."
        return question
    if stripped.startswith("#"):
        number = _numeric(stripped[1:])
        if isinstance(number, str):
            return Problem(file, block.line, 1, number)
        answer, tolerance = number
        question |= {"type": "numeric", "answer": answer, "tolerance": tolerance}
        question["explanation"] = explanation or f"The answer is {answer:g}."
        return question
    answers = _answers(stripped)
    if not answers:
        return Problem(file, block.line, 1, "no answers marked with '=' or '~'")
    if any(re.match(r"\s*%-?\d", text) for _, text, _ in answers):
        return Problem(file, block.line, 1, "partial-credit (%) answers are not supported")
    right = [(_show(t, kept), f) for sign, t, f in answers if sign == "="]
    wrong = [(_show(t, kept), f) for sign, t, f in answers if sign == "~"]
    if not wrong:
        question |= {"type": "short", "answers": [text for text, _ in right]}
        question["explanation"] = explanation or f"The answer is {right[0][0]}."
        return question
    if len(right) != 1:
        return Problem(
            file,
            block.line,
            1,
            f"a choice question needs exactly one '=' answer, found {len(right)}",
        )
    choices = [{"text": right[0][0], "correct": True}] + [{"text": text} for text, _ in wrong]
    for choice, (_, feedback) in zip(choices, [right[0], *wrong], strict=True):
        if feedback:
            choice["feedback"] = _show(feedback, kept)
    if not 2 <= len(choices) <= 5:
        return Problem(file, block.line, 1, f"{len(choices)} choices: Lectern takes 2 to 5")
    question |= {"type": "choice", "choices": choices}
    question["explanation"] = explanation or f"The answer is {right[0][0]}."
    return question


def convert_gift(source: str, file: str) -> Converted:
    converted = Converted()
    used: set[str] = set()
    for block in _blocks(source):
        if block.text.lstrip().startswith("$CATEGORY:"):
            converted.notes.append("category " + block.text.split(":", 1)[1].strip())
            continue
        result = _question(block, file, used)
        if isinstance(result, Problem):
            converted.problems.append(result)
        else:
            converted.add(result, block.line)
    return converted
