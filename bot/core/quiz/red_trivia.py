"""Red-DiscordBot trivia lists to Lectern questions.

A Red trivia list is a YAML mapping of question text to the list of accepted answers, with an
optional AUTHOR (and, in newer lists, a CONFIG mapping). Every entry becomes a typed-answer
question: `numeric` when every answer is a number, else `short` with the answers as variants.
"""

from __future__ import annotations

from typing import Any

from bot.core.content.problems import Problem
from bot.core.content.yaml_source import parse_yaml
from bot.core.quiz.imported import Converted, unique_slug

_RESERVED = frozenset({"AUTHOR", "CONFIG", "DESCRIPTION"})


def _number(value: object) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    return None


def convert_red(source: str, file: str) -> Converted:
    converted = Converted()
    located, yaml_problems = parse_yaml(source)
    converted.problems += [
        Problem(file, p.position.line, p.position.column, p.message) for p in yaml_problems
    ]
    if located is None or located.data is None:
        return converted
    if not isinstance(located.data, dict):
        converted.problems.append(
            Problem(file, 1, 1, "a Red trivia list is a mapping of questions to answer lists")
        )
        return converted
    used: set[str] = set()
    for key, answers in located.data.items():
        where = located.position((key,))
        if str(key).upper() in _RESERVED:
            if str(key).upper() == "AUTHOR":
                converted.notes.append(f"by {answers}")
            continue
        prompt = " ".join(str(key).split())
        if not prompt:
            converted.problems.append(Problem(file, where.line, where.column, "empty question"))
            continue
        if not isinstance(answers, list) or not answers:
            converted.problems.append(
                Problem(file, where.line, where.column, "answers must be a non-empty list")
            )
            continue
        if any(isinstance(a, dict | list) or a is None for a in answers):
            converted.problems.append(
                Problem(file, where.line, where.column, "every answer must be a plain value")
            )
            continue
        question: dict[str, Any] = {
            "id": unique_slug(prompt, used, f"q{where.line}"),
            "prompt": prompt,
        }
        numbers = [_number(a) for a in answers]
        if all(n is not None for n in numbers):
            answer = numbers[0]
            assert answer is not None
            question |= {"type": "numeric", "answer": answer, "tolerance": 0}
            question["explanation"] = f"The answer is {answers[0]}."
        else:
            texts = list(dict.fromkeys(str(a).strip() for a in answers if str(a).strip()))
            question |= {"type": "short", "answers": texts}
            question["explanation"] = f"The answer is {texts[0]}."
        converted.add(question, where.line)
    return converted
