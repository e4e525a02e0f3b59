"""Quiz validation: every problem of a file at once, each as file:line:col with a clear message."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.content.catalog import Catalog
from bot.core.content.loader import load_catalog
from bot.core.content.problems import ContentErrors
from bot.core.course.library import ContentLibrary
from bot.core.quiz.loader import is_quiz_file, load_quizzes
from bot.core.quiz.models import ChoiceQuestion, Quiz, WhoSaidQuestion
from tests.conftest import FIXTURES, ROOT

BROKEN = FIXTURES / "quizzes-broken"


@pytest.fixture(scope="module")
def catalog(shipped_library: ContentLibrary) -> Catalog:
    return shipped_library.catalog


def _problems(catalog: Catalog, folder: Path) -> list[str]:
    with pytest.raises(ContentErrors) as caught:
        load_quizzes([folder], catalog, root=ROOT)
    return [str(p) for p in caught.value.problems]


def test_broken_quiz_reports_every_problem_with_its_line(catalog: Catalog) -> None:
    problems = _problems(catalog, BROKEN)
    where = "tests/fixtures/quizzes-broken/mixed.yaml"
    expected = [
        f"{where}:8:5: questions[0].choices: exactly one choice must have 'correct: true' "
        "(found 2)",
        f"{where}:16:5: questions[1].choices: duplicate choice 'rome' (same as 'Rome')",
        f"{where}:22:5: unknown question type 'choise' (did you mean 'choice'?); allowed: "
        "choice, truefalse, short, numeric, whosaid, when, acronym",
        f"{where}:24:5: duplicate question id 'same-twice' (first used by question 2)",
        f"{where}:33:5: questions[4].answers: List should have at least 1 item after "
        "validation, not 0",
        f"{where}:38:5: count is 50 but only 37 quotes fit this question",
        f"{where}:41:18: term 'realism' has no expansion to ask about",
        f"{where}:41:27: unknown term 'nrcc' (did you mean 'nrc'?)",
    ]
    for line in expected:
        assert line in problems
    assert any(
        p.startswith(
            f"{where}:29:48: source 'toktogulov-nrc-afghanistan' has no section '911-efect'"
        )
        for p in problems
    )
    assert any(
        p.startswith(f"{where}:45:5: questions[7]: unknown key 'explanation'") for p in problems
    )
    assert len(problems) == 10


def _write(tmp_path: Path, text: str) -> Path:
    (tmp_path / "q.yaml").write_text(text, encoding="utf-8")
    return tmp_path


GOOD_CHOICE = """
  - id: rome
    type: choice
    prompt: Where was the NRC launched?
    choices: [{text: Rome, correct: true}, {text: Brussels}]
    explanation: At Pratica di Mare.
    cite: {source: toktogulov-nrc-afghanistan, section: 911-effect}
"""


def test_a_valid_quiz_loads_with_defaults(catalog: Catalog, tmp_path: Path) -> None:
    folder = _write(tmp_path, f"id: t\ntitle: T\ndefaults: {{count: 1}}\nquestions:{GOOD_CHOICE}")
    quiz = load_quizzes([folder], catalog)["t"]
    assert isinstance(quiz, Quiz)
    assert quiz.defaults.seconds == 30 and quiz.defaults.scoring == "speed"
    question = quiz.questions[0]
    assert isinstance(question, ChoiceQuestion)
    assert question.answer.text == "Rome"
    assert quiz.size == 1 and len(quiz.authored) == 1


def test_default_count_may_not_exceed_what_the_quiz_can_deal(
    catalog: Catalog, tmp_path: Path
) -> None:
    folder = _write(tmp_path, f"id: t\ntitle: T\nquestions:{GOOD_CHOICE}")
    problems = _problems(catalog, folder)
    assert problems == [
        f"{tmp_path}/q.yaml:1:1: defaults.count is 10 but the quiz can deal only 1 questions"
    ]


def test_generated_question_counts_toward_size(catalog: Catalog, tmp_path: Path) -> None:
    text = "id: t\ntitle: T\ndefaults: {count: 6}\nquestions:\n  - {id: w, type: whosaid, count: 5}"
    quiz = load_quizzes([_write(tmp_path, text + GOOD_CHOICE)], catalog)["t"]
    assert quiz.size == 6
    assert isinstance(quiz.questions[0], WhoSaidQuestion)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("- 1\n- 2\n", "a quiz file must be a mapping"),
        ("id: t\ntitle: T\n", "a quiz needs a non-empty 'questions' list"),
        ("id: t\ntitle: T\nquestions:\n  - id: x\n", "question has no 'type'"),
        ("id: t\ntitle: T\nquestions:\n  - just text\n", "a question must be a mapping"),
        (
            "id: t\ntitel: T\nquestions:" + GOOD_CHOICE,
            "unknown key 'titel' (did you mean 'title'?)",
        ),
        (
            "id: t\ntitle: T\ntopics: [nrcc]\ndefaults: {count: 1}\nquestions:" + GOOD_CHOICE,
            "unknown topic 'nrcc' (did you mean 'nrc'?)",
        ),
        (
            "id: t\ntitle: T\nquestions:\n  - {id: w, type: whosaid, quotes: [nope]}\n",
            "unknown quote 'nope'",
        ),
        (
            "id: t\ntitle: T\nquestions:\n  - {id: w, type: when, topics: [csto-histroy]}\n",
            "unknown topic 'csto-histroy' (did you mean 'csto-history'?)",
        ),
        (
            "id: t\ntitle: T\nquestions:\n  - {id: w, type: whosaid, tags: [nope]}\n",
            "unknown quote tag 'nope'",
        ),
        (
            "id: t\ntitle: T\nquestions:\n  - {id: w, type: when, choices: 9}\n",
            "less than or equal to 5",
        ),
        ("id: t\ntitle: T\nquestions: [\n", "expected"),
    ],
)
def test_each_mistake_gets_a_specific_message(
    catalog: Catalog, tmp_path: Path, text: str, message: str
) -> None:
    problems = _problems(catalog, _write(tmp_path, text))
    assert any(message in p for p in problems), problems
    assert all(p.startswith(f"{tmp_path}/q.yaml:") for p in problems)


def test_generated_questions_need_enough_material(tmp_path: Path) -> None:
    small = load_catalog([FIXTURES / "good"])  # two quotes by two speakers
    text = (
        "id: t\ntitle: T\nquestions:\n"
        "  - {id: w, type: whosaid, count: 1, choices: 3}\n"
        "  - {id: q, type: whosaid, count: 3, choices: 2}\n"
    )
    problems = _problems(small, _write(tmp_path, text))
    assert any("choices is 3 but only 2 person speakers exist for quote" in p for p in problems)
    assert any("count is 3 but only 2 quotes fit this question" in p for p in problems)


def test_duplicate_quiz_ids_across_files(catalog: Catalog, tmp_path: Path) -> None:
    body = f"id: same\ntitle: T\ndefaults: {{count: 1}}\nquestions:{GOOD_CHOICE}"
    (tmp_path / "a.yaml").write_text(body)
    (tmp_path / "b.yaml").write_text(body)
    problems = _problems(catalog, tmp_path)
    assert problems == [
        f"{tmp_path}/b.yaml:1:1: duplicate quiz id 'same' (also in {tmp_path}/a.yaml)"
    ]


def test_quiz_files_are_told_apart_from_content(tmp_path: Path) -> None:
    _write(tmp_path, f"id: t\ntitle: T\nquestions:{GOOD_CHOICE}")
    assert is_quiz_file(tmp_path / "q.yaml")
    assert not is_quiz_file(ROOT / "content" / "facts.yaml")
    assert not is_quiz_file(tmp_path / "missing.yaml")


def test_a_broken_quiz_keeps_the_last_good_library(tmp_path: Path) -> None:
    quizzes = tmp_path / "quizzes"
    quizzes.mkdir()
    (quizzes / "q.yaml").write_text(
        f"id: t\ntitle: T\ndefaults: {{count: 1}}\nquestions:{GOOD_CHOICE}"
    )
    library = ContentLibrary([ROOT / "content"], quiz_paths=[quizzes])
    assert set(library.quizzes) == {"t"}
    (quizzes / "q.yaml").write_text("id: t\ntitle: T\nquestions: []\n")
    problems = library.reload()
    assert problems and "non-empty 'questions'" in problems[0].message
    assert set(library.quizzes) == {"t"}


def test_excluded_items_are_never_dealt(catalog: Catalog, tmp_path: Path) -> None:
    import random

    from bot.core.quiz.deck import deal

    events = sorted(catalog.events)[:3]
    text = (
        f"id: t\ntitle: T\ndefaults: {{count: 2}}\nquestions:\n"
        f"  - {{id: w, type: when, count: 2, events: [{', '.join(events)}], "
        f"exclude: [{events[0]}]}}\n"
    )
    quiz = load_quizzes([_write(tmp_path, text)], catalog)["t"]
    for seed in range(10):
        keys = {card.key for card in deal(quiz, catalog, random.Random(seed))}
        assert keys == {f"w:{events[1]}", f"w:{events[2]}"}
    text = text.replace("count: 2, events", "count: 3, events")
    problems = _problems(catalog, _write(tmp_path, text.replace("{count: 2}", "{count: 3}")))
    assert any("count is 3 but only 2 events fit this question" in p for p in problems), problems
    bad = text.replace(f"exclude: [{events[0]}]", "exclude: [no-such-event]")
    assert any(
        "unknown event 'no-such-event'" in p for p in _problems(catalog, _write(tmp_path, bad))
    )


def test_an_unknown_header_key_is_named_without_an_empty_label(
    catalog: Catalog, tmp_path: Path
) -> None:
    problems = _problems(
        catalog, _write(tmp_path, f"id: t\ntitle: T\nextra: 1\nquestions:{GOOD_CHOICE}")
    )
    assert problems == [
        f"{tmp_path}/q.yaml:3:1: unknown key 'extra'; "
        "allowed: id, title, description, topics, defaults, questions"
    ]
