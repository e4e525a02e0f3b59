"""Importing Moodle GIFT and Red-DiscordBot trivia: what converts, and file:line for the rest."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.__main__ import main
from bot.core.content.models import Cite
from bot.core.course.library import ContentLibrary
from bot.core.quiz.gift import convert_gift
from bot.core.quiz.imported import quiz_document
from bot.core.quiz.loader import load_quizzes
from bot.core.quiz.red_trivia import convert_red
from tests.conftest import FIXTURES

IMPORTS = FIXTURES / "import"
CITE = Cite(source="toktogulov-nrc-afghanistan", section="911-effect")


def test_gift_converts_every_supported_kind() -> None:
    file = str(IMPORTS / "nrc.gift")
    converted = convert_gift((IMPORTS / "nrc.gift").read_text(), file)
    by_id = {q["id"]: q for q in converted.questions}
    assert list(by_id) == [
        "rome",
        "the-nrc-replaced-the-pjc",
        "plant",
        "how-many-containers",
        "years-range",
        "the-nrc-was-created-in-after-9-11",
    ]
    rome = by_id["rome"]
    assert rome["type"] == "choice"
    assert rome["choices"][0] == {
        "text": "Rome",
        "correct": True,
        "feedback": "Yes, at Pratica di Mare.",
    }
    assert rome["explanation"] == "The NRC was launched in Rome on 28 May 2002."
    assert by_id["the-nrc-replaced-the-pjc"]["answer"] is True
    assert by_id["plant"]["answers"] == ["Novosibirsk", "Novosibirsk plant"]
    assert (by_id["how-many-containers"]["answer"], by_id["how-many-containers"]["tolerance"]) == (
        60000,
        5000,
    )
    assert (by_id["years-range"]["answer"], by_id["years-range"]["tolerance"]) == (2002, 1)
    assert by_id["the-nrc-was-created-in-after-9-11"]["prompt"] == (
        "The NRC was created in _____ , after 9/11."
    )
    assert converted.notes == ["category NATO-Russia"]
    assert [str(p) for p in converted.problems] == [
        f"{file}:21:1: matching questions are not supported",
        f"{file}:23:1: essay questions (empty answer block) cannot be marked",
        f"{file}:25:1: partial-credit (%) answers are not supported",
        f"{file}:27:1: a choice question needs exactly one '=' answer, found 2",
        f"{file}:29:1: no answer block '{{...}}' in this question",
    ]


def test_gift_escapes_and_html() -> None:
    source = "[html]<b>2 \\= 2</b>? \\{yes\\} {=a \\~ b ~c}\n"
    question = convert_gift(source, "x.gift").questions[0]
    assert question["prompt"] == "2 = 2? {yes}"
    assert question["choices"][0]["text"] == "a ~ b"


def test_red_trivia_converts_and_reports_lines() -> None:
    file = str(IMPORTS / "red-trivia.yaml")
    converted = convert_red((IMPORTS / "red-trivia.yaml").read_text(), file)
    assert [q["type"] for q in converted.questions] == ["numeric", "short"]
    assert converted.questions[1]["answers"] == [
        "Bordyuzha",
        "Nikolay Bordyuzha",
        "Nikolai Bordyuzha",
    ]
    assert converted.notes == ["by A teacher"]
    assert [str(p) for p in converted.problems] == [
        f"{file}:8:1: answers must be a non-empty list",
        f"{file}:9:1: answers must be a non-empty list",
        f"{file}:10:1: every answer must be a plain value",
    ]
    assert convert_red("- a list\n", "l.yaml").problems[0].message.startswith("a Red trivia list")
    broken = convert_red("a: [\n", "bad.yaml").problems
    assert broken and broken[0].file == "bad.yaml" and broken[0].line == 2


def test_questions_lectern_would_reject_are_reported_not_written() -> None:
    converted = convert_gift("Pick one {=Rome ~rome}\n\nFine {=a ~b}\n", "dup.gift")
    document, problems = quiz_document(converted, "dup.gift", "dup", "Dup", CITE)
    assert [q["id"] for q in document["questions"]] == ["fine"]
    assert [str(p) for p in problems] == [
        "dup.gift:1:1: choices: duplicate choice 'rome' (same as 'Rome')"
    ]


@pytest.mark.parametrize("name", ["nrc.gift", "red-trivia.yaml"])
def test_import_command_writes_a_valid_quiz(
    name: str,
    tmp_path: Path,
    shipped_library: ContentLibrary,
    capsys: pytest.CaptureFixture[str],
) -> None:
    out = tmp_path / "quiz.yaml"
    code = main(
        [
            "import",
            str(IMPORTS / name),
            "--source",
            "toktogulov-nrc-afghanistan",
            "--section",
            "911-effect",
            "--out",
            str(out),
            "--title",
            "Imported",
        ]
    )
    captured = capsys.readouterr()
    assert code == 1, "some questions could not be converted"
    assert f"{IMPORTS / name}:" in captured.err
    assert captured.out.startswith("Wrote ")
    assert out.read_text().startswith("# yaml-language-server: $schema=")
    assert "&id" not in out.read_text(), "citations written out, not as YAML aliases"
    quizzes = load_quizzes([out], shipped_library.catalog)
    quiz = next(iter(quizzes.values()))
    assert quiz.title == "Imported" and quiz.authored
    assert (
        main(
            [
                "import",
                str(IMPORTS / name),
                "--source",
                "toktogulov-nrc-afghanistan",
                "--section",
                "911-effect",
                "--out",
                str(out),
            ]
        )
        == 2
    )
    assert "exists" in capsys.readouterr().err


def test_import_refuses_an_unknown_citation(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["import", str(IMPORTS / "nrc.gift"), "--source", "ffi", "--section", "1"]
    assert main([*args, "--out", str(tmp_path / "q.yaml")]) == 2
    assert (
        "unknown source 'ffi' (did you mean 'ffi-2007-01671-nato-csto'?)" in capsys.readouterr().err
    )
    assert not (tmp_path / "q.yaml").exists()


def test_import_of_nothing_convertible_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "essay.gift"
    source.write_text("Write an essay. {}\n")
    args = [
        "import",
        str(source),
        "--source",
        "toktogulov-nrc-afghanistan",
        "--section",
        "abstract",
    ]
    assert main([*args, "--out", str(tmp_path / "q.yaml")]) == 1
    assert "Nothing in" in capsys.readouterr().err


@given(st.text(alphabet=st.sampled_from("ab =~#{}:.\\-%>\n/T$"), max_size=80))
def test_any_gift_text_converts_or_reports(source: str) -> None:
    converted = convert_gift(source, "fuzz.gift")
    assert len(converted.questions) == len(converted.lines)
    for problem in converted.problems:
        assert problem.file == "fuzz.gift" and problem.line >= 1


@given(st.text(max_size=120))
def test_any_text_as_a_red_list_converts_or_reports(source: str) -> None:
    converted = convert_red(source, "fuzz.yaml")
    assert all(q["type"] in ("short", "numeric") for q in converted.questions)
