"""Typed answers are marked the way a lenient teacher would mark them."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core.quiz.matching import matches_number, matches_text, normalize, parse_number


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("  The  Novosibirsk!  ", "novosibirsk"),
        ("Ａｎ ＡＰＰＬＥ", "apple"),  # NFKC folds full-width letters
        ("Bördyuzha", "bordyuzha"),
        ("NATO-Russia   Council", "nato russia council"),
        ("the", "the"),  # an article alone is the answer, not nothing
    ],
)
def test_normalize(typed: str, expected: str) -> None:
    assert normalize(typed) == expected


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("60000", 60000),
        ("60,000", 60000),
        ("60 000", 60000),
        ("60\u202f000", 60000),
        ("about 60,000 containers", 60000),
        ("2,5", 2.5),
        ("1.5", 1.5),
        ("-3", -3),
        ("20%", 20),
        ("1992", 1992),
    ],
)
def test_parse_number(typed: str, value: float) -> None:
    assert parse_number(typed) == value


@pytest.mark.parametrize("typed", ["", "abc", "sixty", "60000 12", "12/3", "v2"])
def test_not_a_number(typed: str) -> None:
    assert parse_number(typed) is None


def test_numbers_compare_within_tolerance() -> None:
    assert matches_number("60,000", 60000, 0)
    assert matches_number("58 000", 60000, 5000)
    assert matches_number("50000", 60000, 5000) is False
    assert matches_number("lots", 60000, 5000) is None


def test_variants_typos_and_short_answers() -> None:
    assert matches_text("bordyuzha", ["Nikolay Bordyuzha", "Bordyuzha"], 88)
    assert matches_text("Boryuzha", ["Bordyuzha"], 88)  # one letter dropped
    assert matches_text("novosibrisk", ["Novosibirsk"], 88)  # two letters swapped
    assert not matches_text("air", ["chair"], 88)
    assert not matches_text("NRC", ["PJC"], 50)  # 3 characters: exact only
    assert matches_text("nrc", ["NRC"], 88)
    assert not matches_text("Moscow", ["Novosibirsk"], 88)
    assert not matches_text("", ["x"], 88)
    assert not matches_text("!!!", ["x"], 88)


@given(st.text(max_size=60))
def test_any_text_is_safe_to_mark(typed: str) -> None:
    assert isinstance(matches_text(typed, ["Rome", "Roma"], 88), bool)
    assert matches_number(typed, 2002, 0) in (True, False, None)


@given(st.integers(min_value=0, max_value=10**9))
def test_every_grouping_of_an_integer_reads_back(value: int) -> None:
    for text in (str(value), f"{value:,}", f"{value:,}".replace(",", " ")):
        assert parse_number(text) == value
