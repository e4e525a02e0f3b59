"""Search over every kind of course entry, and when its first hit may be called the answer."""

from __future__ import annotations

import pytest

from bot.core.content.answer_type import answerable
from bot.core.content.catalog import Catalog
from bot.core.content.course_search import KINDS, LABELS
from bot.core.course.library import ContentLibrary


@pytest.fixture(scope="module")
def catalog(shipped_library: ContentLibrary) -> Catalog:
    return shipped_library.catalog


def test_every_kind_is_indexed_and_a_search_can_keep_to_some(catalog: Catalog) -> None:
    course = catalog.course
    expected = len(catalog.facts) + len(catalog.events) + len(catalog.terms) + len(catalog.quotes)
    assert len(course) == expected
    assert {e.kind for e in course.entries} == set(KINDS)
    for kind in KINDS:
        hits = course.search("NATO Russia cooperation on Afghanistan", 5, kinds=(kind,))
        assert hits and {h.item.kind for h in hits} == {kind}
    mixed = course.search("NATO Russia cooperation on Afghanistan", 10, kinds=("term", "quote"))
    assert {h.item.kind for h in mixed} <= {"term", "quote"}
    assert {LABELS[h.item.kind] for h in mixed} == {h.item.label for h in mixed}


def test_a_question_naming_a_term_is_answered_by_the_term(catalog: Catalog) -> None:
    hits = catalog.course.search("what's the CSTO?", 3)
    assert hits[0].item.key == "term:csto"
    assert catalog.course.confident("what's the CSTO?", hits)


def _names(folded: str) -> set[str]:
    return {n for n in ("putin", "bordyuzha", "robertson") if n in folded.split()}


@pytest.mark.parametrize(
    ("question", "text", "expected"),
    [
        ("Who met Putin in Brussels?", "Putin met Robertson in Brussels.", True),
        ("Who met Putin in Brussels?", "Putin went to Brussels.", False),
        ("When did Putin visit Brussels?", "Putin visited Brussels in 2001.", True),
        ("When did Putin visit Brussels?", "Putin visited Brussels.", False),
        ("In what year was it founded?", "It was founded in 2002.", True),
        ("How many officers were trained?", "By 2012 some 2,000 officers were trained.", True),
        ("How many sniffer dogs were trained?", "By 2012 some 2,000 officers were trained.", False),
        ("How many helicopters?", "Thirty helicopters were serviced.", True),
        ("How much money did donors give?", "Donors gave 2 million euros to the fund.", True),
        ("How much money did donors give?", "Donors gave generously to 2 projects.", False),
        ("Why did NATO refuse?", "NATO saw no gain in it.", True),
    ],
)
def test_the_kind_of_answer_a_question_asks_for(question: str, text: str, expected: bool) -> None:
    assert answerable(question, text, _names) is expected
