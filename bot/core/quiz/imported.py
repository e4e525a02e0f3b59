"""What an importer produces, and how it becomes a Lectern quiz file."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from bot.core.content.models import Cite
from bot.core.content.problems import Problem
from bot.core.quiz.models import QUESTION_MODELS

MAX_SESSION = 10


@dataclass
class Converted:
    """Questions as plain mappings (ready for YAML), with the input line each came from."""

    questions: list[dict[str, Any]] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # categories, authors

    def add(self, question: dict[str, Any], line: int) -> None:
        self.questions.append(question)
        self.lines.append(line)


def unique_slug(text: str, used: set[str], fallback: str) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-")[:60].strip("-") or fallback
    slug, n = base, 2
    while slug in used:
        slug, n = f"{base}-{n}", n + 1
    used.add(slug)
    return slug


def quiz_document(
    converted: Converted, file: str, quiz_id: str, title: str, cite: Cite
) -> tuple[dict[str, Any], list[Problem]]:
    """The quiz file's content, keeping only questions that pass Lectern's own validation."""
    kept: list[dict[str, Any]] = []
    problems: list[Problem] = []
    citation = cite.model_dump(exclude_none=True)
    for question, line in zip(converted.questions, converted.lines, strict=True):
        head = {"id": question["id"], "type": question["type"], "difficulty": "medium"}
        full = {**head, **question, "cite": citation}
        for key in ("answer", "tolerance"):
            if isinstance(full.get(key), float) and full[key].is_integer():
                full[key] = int(full[key])  # 60000, not 60000.0, in the file
        try:
            QUESTION_MODELS[full["type"]].model_validate(full)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            message = first["msg"].removeprefix("Value error, ")
            problems.append(Problem(file, line, 1, f"{where}: {message}"))
            continue
        kept.append(full)
    description = f"Imported from {file}" + (
        f" ({'; '.join(converted.notes)})." if converted.notes else "."
    )
    document = {
        "id": quiz_id,
        "title": title,
        "description": description,
        "defaults": {"count": max(1, min(MAX_SESSION, len(kept)))},
        "questions": kept,
    }
    return document, problems
