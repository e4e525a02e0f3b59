from __future__ import annotations

from bot.core.course.library import ContentLibrary
from bot.core.course.suggest import KINDS, suggest
from tests.conftest import CONTENT, FIXTURES, ROOT

LIBRARY = ContentLibrary([CONTENT], root=ROOT, quiz_paths=[FIXTURES / "quizzes-good"])


def test_a_misspelt_person_is_offered() -> None:
    found = suggest(LIBRARY, "person", "putn")
    assert found and found[0].value == "Vladimir Putin"


def test_terms_show_their_expansion_and_send_the_term() -> None:
    [first, *_] = suggest(LIBRARY, "term", "csto")
    assert first.value == "CSTO" and "Collective Security Treaty Organisation" in first.label


def test_quizzes_by_id_or_title() -> None:
    assert suggest(LIBRARY, "quiz", "sample")[0].value == "sample"
    assert suggest(LIBRARY, "quiz", "one question of each")[0].value == "sample"


def test_topics_and_the_timeline_mix_topics_and_people() -> None:
    assert {"isaf", "after-2014"} <= {s.value for s in suggest(LIBRARY, "topic", "afganistan")}
    assert suggest(LIBRARY, "topic", "counter narcotic")[0].value == "counter-narcotics"
    values = {s.value for s in suggest(LIBRARY, "about", "", limit=500)}
    assert "csto-history" in values and "Vladimir Putin" in values


def test_nothing_typed_lists_the_first_and_every_list_is_bounded() -> None:
    for kind in KINDS:
        listed = suggest(LIBRARY, kind, "")
        assert 0 < len(listed) <= 25
        assert len(suggest(LIBRARY, kind, "a", limit=3)) <= 3


def test_nonsense_offers_nothing() -> None:
    assert suggest(LIBRARY, "person", "zzqxjv") == []
