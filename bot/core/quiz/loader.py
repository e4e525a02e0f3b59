"""Loads quizzes/ against a content Catalog, or reports every problem at once as file:line:col."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from bot.core.content.catalog import Catalog
from bot.core.content.loader import (
    cite_paths,
    cite_problem,
    content_files,
    display_name,
    read_yaml,
    suggest,
    validate_item,
)
from bot.core.content.problems import ContentErrors, Problem
from bot.core.content.yaml_source import Located, YamlPath
from bot.core.quiz.material import eligible_events, eligible_quotes, eligible_terms, same_kind
from bot.core.quiz.models import (
    QUESTION_MODELS,
    AcronymQuestion,
    Authored,
    Generated,
    Quiz,
    QuizHeader,
    WhenQuestion,
    WhoSaidQuestion,
)


@dataclass(frozen=True, slots=True)
class _Where:
    file: str
    located: Located

    def problem(self, path: YamlPath, message: str) -> Problem:
        position = self.located.position(path)
        return Problem(self.file, position.line, position.column, message)


def is_quiz_file(path: Path) -> bool:
    """A quiz file is a mapping with a top-level `questions` key (content files never have one)."""
    try:
        head = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    return any(line.startswith("questions:") for line in head.splitlines())


def _unknown(what: str, name: str, known: Iterable[str]) -> str:
    return f"unknown {what} '{name}'{suggest(name, known)}"


def _check_references(
    quiz: QuizHeader,
    questions: list[tuple[int, Authored | Generated]],
    where: _Where,
    catalog: Catalog,
) -> list[Problem]:
    problems: list[Problem] = []
    for index, topic in enumerate(quiz.topics):
        if topic not in catalog.topics:
            problems.append(
                where.problem(("topics", index), _unknown("topic", topic, catalog.topics))
            )
    for index, question in questions:
        path: YamlPath = ("questions", index)
        if isinstance(question, Authored):
            for cited, cite in cite_paths(question):
                if (found := cite_problem(cite, catalog.sources)) is not None:
                    problems.append(where.problem((*path, *cited, found[1]), found[0]))
            person = getattr(question, "person", None)
            if person is not None and person not in catalog.people:
                problems.append(
                    where.problem((*path, "person"), _unknown("person", person, catalog.people))
                )
        elif isinstance(question, WhoSaidQuestion):
            problems.extend(_check_whosaid(question, path, where, catalog))
        elif isinstance(question, WhenQuestion):
            problems.extend(_check_when(question, path, where, catalog))
        else:
            problems.extend(_check_acronym(question, path, where, catalog))
    if isinstance(quiz, Quiz) and quiz.defaults.count > quiz.size:
        problems.append(
            where.problem(
                ("defaults", "count"),
                f"defaults.count is {quiz.defaults.count} but the quiz can deal only "
                f"{quiz.size} questions",
            )
        )
    return problems


def _dangling(
    ids: Sequence[str], known: Iterable[str], what: str, path: YamlPath, where: _Where
) -> list[Problem]:
    known = set(known)
    return [
        where.problem((*path, index), _unknown(what, name, known))
        for index, name in enumerate(ids)
        if name not in known
    ]


def _too_little(
    question: WhoSaidQuestion | WhenQuestion | AcronymQuestion,
    available: int,
    what: str,
    path: YamlPath,
    where: _Where,
) -> list[Problem]:
    if available >= question.count:
        return []
    return [
        where.problem(
            (*path, "count"),
            f"count is {question.count} but only {available} {what} fit this question",
        )
    ]


def _check_whosaid(
    question: WhoSaidQuestion, path: YamlPath, where: _Where, catalog: Catalog
) -> list[Problem]:
    tags = {tag for quote in catalog.quotes.values() for tag in quote.tags}
    problems = _dangling(question.quotes, catalog.quotes, "quote", (*path, "quotes"), where)
    problems += _dangling(question.tags, tags, "quote tag", (*path, "tags"), where)
    problems += _dangling(question.exclude, catalog.quotes, "quote", (*path, "exclude"), where)
    if problems:
        return problems
    quotes = eligible_quotes(question, catalog)
    problems += _too_little(question, len(quotes), "quotes", path, where)
    for quote in quotes:
        speakers = same_kind(catalog, quote.speaker)
        if len(speakers) < question.choices:
            kind = catalog.people[quote.speaker].kind
            problems.append(
                where.problem(
                    (*path, "choices"),
                    f"choices is {question.choices} but only {len(speakers)} {kind} speakers "
                    f"exist for quote '{quote.id}'",
                )
            )
            break
    return problems


def _check_when(
    question: WhenQuestion, path: YamlPath, where: _Where, catalog: Catalog
) -> list[Problem]:
    problems = _dangling(question.events, catalog.events, "event", (*path, "events"), where)
    problems += _dangling(question.topics, catalog.topics, "topic", (*path, "topics"), where)
    problems += _dangling(question.exclude, catalog.events, "event", (*path, "exclude"), where)
    if problems:
        return problems
    return _too_little(question, len(eligible_events(question, catalog)), "events", path, where)


def _check_acronym(
    question: AcronymQuestion, path: YamlPath, where: _Where, catalog: Catalog
) -> list[Problem]:
    problems = _dangling(question.terms, catalog.terms, "term", (*path, "terms"), where)
    problems += _dangling(question.exclude, catalog.terms, "term", (*path, "exclude"), where)
    for index, term_id in enumerate(question.terms):
        term = catalog.terms.get(term_id)
        if term is not None and not term.expansion:
            problems.append(
                where.problem(
                    (*path, "terms", index), f"term '{term_id}' has no expansion to ask about"
                )
            )
    if problems:
        return problems
    terms = eligible_terms(question, catalog)
    problems += _too_little(question, len(terms), "acronyms", path, where)
    expansions = {term.expansion for term in catalog.terms.values() if term.expansion}
    if len(expansions) < question.choices:
        problems.append(
            where.problem(
                (*path, "choices"),
                f"choices is {question.choices} but the content has only {len(expansions)} "
                "expansions",
            )
        )
    return problems


def _read_quiz(
    path: Path, name: str, catalog: Catalog
) -> tuple[Quiz | None, _Where | None, list[Problem]]:
    located, problems = read_yaml(path, name)
    if located is None or located.data is None:
        return None, None, problems or [Problem(name, 1, 1, "empty quiz file")]
    if not isinstance(located.data, dict):
        return None, None, [*problems, Problem(name, 1, 1, "a quiz file must be a mapping")]
    where = _Where(name, located)
    raw = located.data
    header = {key: value for key, value in raw.items() if key != "questions"}
    valid, header_problems = validate_item(
        QuizHeader, header, name, located, (), also_allowed=("questions",)
    )
    problems += header_problems
    questions = raw.get("questions")
    if not isinstance(questions, list) or not questions:
        problems.append(where.problem((), "a quiz needs a non-empty 'questions' list"))
        return None, where, problems
    problems += _duplicate_ids(questions, where)
    checked: list[tuple[int, Authored | Generated]] = []
    for index, question in enumerate(questions):
        model, question_problems = _validate_question(question, where, ("questions", index))
        problems += question_problems
        if model is not None:
            checked.append((index, model))
    if valid is None:
        return None, where, problems
    quiz: QuizHeader = valid
    if len(checked) == len(questions):
        quiz = Quiz.model_validate(raw)
    # Check the references of the valid questions too: every problem of the file at once.
    problems += _check_references(quiz, checked, where, catalog)
    return (quiz if isinstance(quiz, Quiz) and not problems else None), where, problems


def _duplicate_ids(questions: list[object], where: _Where) -> list[Problem]:
    """Across every question, valid or not, so that one typo does not hide a clash."""
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    for index, question in enumerate(questions):
        question_id = question.get("id") if isinstance(question, dict) else None
        if not isinstance(question_id, str):
            continue
        if question_id in seen:
            first = seen[question_id] + 1
            message = f"duplicate question id '{question_id}' (first used by question {first})"
            problems.append(where.problem(("questions", index, "id"), message))
        seen.setdefault(question_id, index)
    return problems


def _validate_question(
    raw: object, where: _Where, path: YamlPath
) -> tuple[Authored | Generated | None, list[Problem]]:
    if not isinstance(raw, dict):
        return None, [where.problem(path, "a question must be a mapping with a 'type'")]
    kind = raw.get("type")
    allowed = ", ".join(QUESTION_MODELS)
    if kind is None:
        return None, [where.problem(path, f"question has no 'type' (one of {allowed})")]
    if not isinstance(kind, str) or kind not in QUESTION_MODELS:
        hint = suggest(str(kind), QUESTION_MODELS)
        message = f"unknown question type '{kind}'{hint}; allowed: {allowed}"
        return None, [where.problem((*path, "type"), message)]
    model: Authored | Generated | None
    model, problems = validate_item(QUESTION_MODELS[kind], raw, where.file, where.located, path)
    return model, problems


def load_quizzes(
    paths: Sequence[Path], catalog: Catalog, root: Path | None = None
) -> dict[str, Quiz]:
    """Every quiz at or below `paths`, by id. Raises ContentErrors with all problems."""
    quizzes: dict[str, Quiz] = {}
    first_file: dict[str, str] = {}
    problems: list[Problem] = []
    for path in content_files(paths):
        if not path.exists():
            problems.append(Problem(str(path), 1, 1, "no such file or folder"))
            continue
        name = display_name(path, root)
        quiz, where, file_problems = _read_quiz(path, name, catalog)
        problems += file_problems
        if quiz is None or where is None:
            continue
        if quiz.id in quizzes:
            message = f"duplicate quiz id '{quiz.id}' (also in {first_file[quiz.id]})"
            problems.append(where.problem(("id",), message))
            continue
        quizzes[quiz.id] = quiz
        first_file[quiz.id] = name
    if problems:
        raise ContentErrors(problems)
    return quizzes
