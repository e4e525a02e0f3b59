"""The search index on its own: ranking, typo correction and its edge cases."""

from __future__ import annotations

import itertools

import pytest

from bot.core.content.search import SearchIndex

DOCS = [
    "The CSTO's backbone is Russia",
    "In international politics, unbalanced power constitutes a danger",
    "They have simply ignored us",
    "To be or not to be, that is the question",
    "Behind good intentions, there are political interests",
    "Skorbris went to the market with Émile",
]


@pytest.fixture(scope="module")
def index() -> SearchIndex[str]:
    return SearchIndex(DOCS, lambda text: text)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("csto backbone", 0),
        ("BACKBONE of the csto", 0),  # case and order
        ("unbalnced powr danger", 1),  # typos
        ("politics danger", 1),  # missing words
        ("simply ignored", 2),
        ("ekrobris market", 5),  # a transposition and a substitution
        ("emile market", 5),  # accents folded
        ("to be or not to be", 3),  # stopwords only
    ],
)
def test_best_hit(index: SearchIndex[str], query: str, expected: int) -> None:
    hits = index.search(query, limit=3)
    assert hits, query
    assert hits[0].item == DOCS[expected]
    assert all(a.score >= b.score for a, b in itertools.pairwise(hits))
    assert 0 <= hits[-1].score <= hits[0].score <= 100


def test_nothing_for_unrelated_or_empty_queries(index: SearchIndex[str]) -> None:
    assert index.search("zzzz qqqq") == []
    assert index.search("") == []
    assert index.search("!!! ???") == []


def test_exact_fragment_scores_higher_than_a_typo(index: SearchIndex[str]) -> None:
    exact = index.search("simply ignored us")[0].score
    typo = index.search("simpyl ignord us")[0].score
    assert exact > typo > 50


def test_candidates_are_limited_and_ranked(index: SearchIndex[str]) -> None:
    assert index.candidates("political interests danger", limit=2) == [4, 1]
    assert len(index.candidates("the", limit=2)) == 2


def test_empty_index() -> None:
    empty: SearchIndex[str] = SearchIndex([], lambda t: t)
    assert len(empty) == 0
    assert empty.search("anything") == []
