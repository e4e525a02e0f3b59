"""The loaders against damaged files: mutations of the shipped content and quizzes (byte flips,
truncation, tags, impossible dates, huge numbers, nesting, aliases, control characters, BOMs).
Whatever the file, no exception escapes, and every problem points at a real place in it."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.core.content.catalog import Catalog
from bot.core.content.loader import load_catalog
from bot.core.content.problems import ContentErrors
from bot.core.quiz.loader import load_quizzes
from tests.conftest import CONTENT, QUIZZES

SNIPPETS = [
    "!!int abc",
    "!!float x",
    "!!bool maybe",
    "!!timestamp soon",
    "!!binary aGk=",
    "!!python/object:os.system ls",
    "!foo bar",
    "1991-02-30",
    "2003-13-01",
    "9" * 4301,
    "1e999",
    "[[[[[[[[[[[[[[[[[[[[",
    "{a: {b: {c: {d: {e: ",
    "&anchor",
    "*anchor",
    "*nowhere",
    "<<: *anchor",
    "? !!int abc\n: 1",
    "\x00",
    "\x05",
    "\x1b[31m",
    "\ufeff",
    "\t",
    ": ",
    "- ",
    "'",
    '"',
    "|",
    "%YAML 1.1",
    "---",
    "...",
    "\ud7ff",
    "🙂",
]

_mutation = st.one_of(
    st.tuples(st.just("flip"), st.integers(0, 10**6), st.integers(1, 255)),
    st.tuples(st.just("cut"), st.integers(0, 10**6), st.just(0)),
    st.tuples(st.just("insert"), st.integers(0, 10**6), st.integers(0, len(SNIPPETS) - 1)),
    st.tuples(st.just("line"), st.integers(0, 10**6), st.integers(0, len(SNIPPETS) - 1)),
)


def mutate(data: bytes, mutations: list[tuple[str, int, int]]) -> bytes:
    for kind, where, what in mutations:
        at = where % (len(data) + 1)
        if kind == "flip":
            if data:  # nothing to flip in an empty file (this once fell through to "line")
                at %= len(data)
                data = data[:at] + bytes([data[at] ^ what]) + data[at + 1 :]
        elif kind == "cut":
            data = data[:at]
        elif kind == "insert":
            data = data[:at] + SNIPPETS[what].encode("utf-8", "surrogatepass") + data[at:]
        else:  # at the start of a line, where keys and list items begin
            start = data.rfind(b"\n", 0, at) + 1
            data = data[:start] + SNIPPETS[what].encode("utf-8", "surrogatepass") + data[start:]
    return data


def check(errors: ContentErrors, damaged: Path, text: bytes) -> None:
    lines = text.count(b"\n") + 2
    for problem in errors.problems:
        assert problem.line >= 1 and problem.column >= 1, problem
        if Path(problem.file).name == damaged.name:
            assert problem.line <= lines, (problem, lines)
        assert problem.message.strip(), problem


@pytest.fixture(scope="module")
def course(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path, Catalog]]:
    root = tmp_path_factory.mktemp("fuzz")
    shutil.copytree(CONTENT, root / "content")
    shutil.copytree(QUIZZES, root / "quizzes")
    yield root / "content", root / "quizzes", load_catalog([CONTENT])


_FUZZ = settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@_FUZZ
@given(
    name=st.sampled_from(sorted(p.name for p in CONTENT.glob("*.yaml"))),
    mutations=st.lists(_mutation, min_size=1, max_size=3),
)
def test_no_damaged_content_file_escapes_the_loader(
    course: tuple[Path, Path, Catalog], name: str, mutations: list[tuple[str, int, int]]
) -> None:
    content, _, _ = course
    original = (CONTENT / name).read_bytes()
    damaged = mutate(original, mutations)
    (content / name).write_bytes(damaged)
    try:
        load_catalog([content])
    except ContentErrors as errors:
        check(errors, content / name, damaged)
    finally:
        (content / name).write_bytes(original)


@_FUZZ
@given(
    name=st.sampled_from(sorted(p.name for p in QUIZZES.glob("*.yaml"))),
    mutations=st.lists(_mutation, min_size=1, max_size=3),
)
def test_no_damaged_quiz_file_escapes_the_loader(
    course: tuple[Path, Path, Catalog], name: str, mutations: list[tuple[str, int, int]]
) -> None:
    _, quizzes, catalog = course
    original = (QUIZZES / name).read_bytes()
    damaged = mutate(original, mutations)
    (quizzes / name).write_bytes(damaged)
    try:
        load_quizzes([quizzes / name], catalog)
    except ContentErrors as errors:
        check(errors, quizzes / name, damaged)
    finally:
        (quizzes / name).write_bytes(original)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("facts:\n  - id: a\n    date: 1991-02-30\n", "3:11: '1991-02-30' is not a real date"),
        ("facts: !!int abc\n", "1:8: 'abc' cannot be read as !!int"),
        ("facts: !!bool maybe\n", "1:8: 'maybe' cannot be read as !!bool"),
        ("facts: !!timestamp soon\n", "1:8: 'soon' is not a date"),
        ("facts: " + "9" * 4301 + "\n", "1:8: a number of 4301 digits is too long"),
        ("? !!int abc\n: 1\n", "1:3: 'abc' cannot be read as !!int"),
        ("facts: []\nterms: []\nx: 1\ny: 2\nz: a\x05b\n", "5:5: character U+0005 is not allowed"),
        ("facts: !!python/object:os.system ls\n", "1:8: the tag !!python/object:os.system"),
        ("facts: !!set {a, b}\n", "1:8: the tag !!set is not allowed"),
        ("facts:\n" + "".join("  - 1\n" for _ in range(60_000)), "document too large"),
    ],
)
def test_each_damage_is_a_problem_at_its_place(tmp_path: Path, text: str, expected: str) -> None:
    (tmp_path / "bad.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(ContentErrors) as caught:
        load_catalog([tmp_path], root=tmp_path)
    assert any(expected in str(p) for p in caught.value.problems), caught.value.problems


@pytest.mark.parametrize("damage", ["!!int abc", "1991-02-30", "9" * 4301, "\x05", "*nowhere"])
def test_reload_always_answers_with_the_problems(tmp_path: Path, damage: str) -> None:
    from bot.core.app import Lectern
    from bot.core.course.library import ContentLibrary
    from tests.conftest import TEACHER, one

    shutil.copytree(CONTENT, tmp_path / "content")
    library = ContentLibrary([tmp_path / "content"], root=tmp_path)
    app = Lectern(library)
    facts = tmp_path / "content" / "facts.yaml"
    text = facts.read_text(encoding="utf-8")
    facts.write_text(text.replace("date: ", f"date: {damage} ", 1), encoding="utf-8")
    reply = one(app, "/reload", TEACHER)
    assert reply.title == "Reload failed", reply.text
    assert "facts.yaml:" in reply.text and "something went wrong" not in reply.text
    assert one(app, "/define CSTO").citation is not None, "the last good content is served"
