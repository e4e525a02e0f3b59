"""Every command against the shipped course content, through the one entry point adapters use."""

from __future__ import annotations

import pytest

from bot.core.app import Lectern
from bot.core.content.course_search import LABELS
from tests.conftest import TEACHER, ask, one


def test_help_lists_every_command_with_usage(app: Lectern) -> None:
    reply = one(app, "/help")
    for name in ("fact", "whosaid", "quotes", "define", "topics", "sources", "help"):
        assert f"/{name}" in reply.text
    assert reply.ephemeral


def test_help_for_one_command_gives_examples(app: Lectern) -> None:
    reply = one(app, "/help whosaid")
    assert "Usage: /whosaid <fragment>" in reply.text
    assert "/whosaid csto backbone" in reply.text
    assert "no /nope command" in one(app, "/help nope").text


@pytest.mark.parametrize(
    ("fragment", "quote_id"),
    [
        ("csto backbone", "bordyuzha-csto-backbone"),
        ("CSTO BACKBONE", "bordyuzha-csto-backbone"),
        ("unbalanced power constitutes a danger even when American", "waltz-unbalanced-power"),
        ("unbalnced powr is a danger american", "waltz-unbalanced-power"),  # typos, missing words
        ("american power out of balance unbalanced danger", "waltz-unbalanced-power"),  # order
        ("they have simply ignored us", "bordyuzha-simply-ignored-us"),
        ("thëy håve simply ignöred", "bordyuzha-simply-ignored-us"),  # accents
        ("nato is a military bloc", "kabulov-nato-military-bloc"),
    ],
)
def test_whosaid_finds_the_quote_and_answers_with_everything(
    app: Lectern, fragment: str, quote_id: str
) -> None:
    reply = one(app, f"/whosaid {fragment}")
    quote = app.library.catalog.quotes[quote_id]
    person = app.library.catalog.people[quote.speaker]
    assert reply.title == "Who said it?"
    assert quote.text in reply.text
    assert person.name in reply.text
    assert (quote.role or person.role or "") in reply.text
    assert reply.citation is not None
    assert reply.citation.source_id == quote.cite.source
    assert reply.citation.section_id == quote.cite.section
    if quote.context:
        assert any(f.name == "Context" and f.value == quote.context for f in reply.fields)


def test_whosaid_names_bordyuzha_with_date(app: Lectern) -> None:
    reply = one(app, "/whosaid csto backbone")
    assert "Nikolay Bordyuzha" in reply.text
    assert "(2005)" in reply.text


def test_whosaid_offers_up_to_three_candidates_when_unsure(app: Lectern) -> None:
    reply = one(app, "/whosaid nato")
    assert "not sure" in reply.text
    assert 2 <= len(reply.choices) <= 3
    assert all(c.value.startswith("/quote ") for c in reply.choices)
    assert len(reply.citations) == len(reply.choices)
    picked = one(app, reply.choices[0].value)
    assert picked.citation is not None


def test_whosaid_says_so_when_nothing_matches(app: Lectern) -> None:
    reply = one(app, "/whosaid banana pancake recipe")
    assert "No quote in the course matches" in reply.text
    assert not reply.choices


def test_whosaid_without_fragment_gives_usage(app: Lectern) -> None:
    reply = one(app, "/whosaid")
    assert "Usage: /whosaid <fragment>" in reply.text
    assert reply.ephemeral


@pytest.mark.parametrize("name", ["putn", "Putin", "vladimir putin", "PUTIN", "President Putin"])
def test_quotes_finds_person_by_name_alias_or_misspelling(app: Lectern, name: str) -> None:
    reply = one(app, f"/quotes {name}")
    assert reply.title is not None and reply.title.startswith("Quotes of Vladimir Putin")
    for quote in app.library.catalog.quotes_by_speaker["vladimir-putin"]:
        assert quote.id in reply.text
    assert reply.citations


def test_quotes_uses_spelling_variants(app: Lectern) -> None:
    for variant in ("Boryuzha", "Nikolai Bordyuzha", "bordyuza"):
        reply = one(app, f"/quotes {variant}")
        assert reply.title is not None and "Nikolay Bordyuzha" in reply.title, variant


def test_quotes_asks_when_ambiguous_and_says_when_unknown(app: Lectern) -> None:
    ambiguous = one(app, "/quotes sergey")
    assert ambiguous.text.startswith("Did you mean")
    assert {c.label for c in ambiguous.choices} >= {"Sergey Lavrov", "Sergey Ivanov"}
    assert "Nobody called" in one(app, "/quotes zzzzqqq").text


@pytest.mark.parametrize(
    ("term", "expansion"),
    [
        ("CSTO", "Collective Security Treaty Organisation"),
        ("csto", "Collective Security Treaty Organisation"),
        ("NRC", "NATO-Russia Council"),
        ("PJC", "Permanent Joint Council"),
        ("ISAF", "International Security Assistance Force"),
        ("PfP", "Partnership for Peace"),
        ("EAPC", "Euro-Atlantic Partnership Council"),
    ],
)
def test_define_expands_acronyms(app: Lectern, term: str, expansion: str) -> None:
    reply = one(app, f"/define {term}")
    assert reply.title is not None and expansion.casefold() in reply.title.casefold()
    assert reply.citation is not None
    assert reply.text


def test_define_tolerates_typos_and_lists_terms(app: Lectern) -> None:
    assert one(app, "/define secruity dilema").title == "security dilemma"
    glossary = one(app, "/define")
    assert "CSTO" in glossary.text and "NRC" in glossary.text
    assert "no definition" in one(app, "/define xyzzy").text


def test_fact_random_and_by_topic_carry_citations(app: Lectern) -> None:
    reply = one(app, "/fact")
    assert reply.citation is not None
    assert reply.text in {f.text for f in app.library.catalog.facts.values()}
    isaf = one(app, "/fact isaf")
    fact = next(f for f in app.library.catalog.facts.values() if f.text == isaf.text)
    assert "isaf" in fact.topics
    assert isaf.citation is not None


def test_fact_unknown_topic_lists_topics(app: Lectern) -> None:
    reply = one(app, "/fact nonsense-topic")
    assert "There is no topic" in reply.text
    assert "csto-history" in reply.text


def test_fact_search_answers_natural_questions(app: Lectern) -> None:
    reply = one(app, "/fact search when did NATO take command of ISAF?")
    assert reply.title is not None and "from the course" in reply.title
    first = reply.text.splitlines()[0]
    assert "2003" in first and "ISAF" in first
    assert 1 <= len(reply.citations) <= 3
    assert "Usage" in one(app, "/fact search").text


def test_fact_search_bridges_the_students_words_and_the_courses(app: Lectern) -> None:
    """ "The Kremlin", "the alliance" and "moving east" are not the fact's words."""
    question = "How did the Kremlin react to the alliance moving east?"
    facts = app.library.catalog.search_facts_by_meaning(question, 1)
    assert "moved east" in facts[0].item.text and "enlargement" in facts[0].item.text
    reply = one(app, f"/fact search {question}")
    assert "Russia fiercely opposed NATO's move east" in reply.text


def test_fact_search_covers_every_kind_and_labels_each_result(app: Lectern) -> None:
    term = one(app, "/fact search what is the security dilemma")
    assert term.title is not None and term.title.startswith("Term from the course")
    assert term.text.startswith("security dilemma: ")
    assert "/define security dilemma" in [c.value for c in term.choices]
    event = one(app, "/fact search when did NATO take command of ISAF?")
    assert event.title is not None and event.title.startswith("Event from the course")
    assert event.text.startswith("11 August 2003: NATO takes command of ISAF.")
    assert "• Fact: NATO assumed command of ISAF on 11 August 2003" in event.text
    assert "/timeline 2003" in [c.value for c in event.choices]
    closest = one(app, "/fact search When did Putin first go to NATO headquarters in Brussels?")
    lines = closest.text.splitlines()
    assert lines[0] == "Nothing answers this for sure; the closest:"
    assert lines[1].startswith("1. Event: October 2001: Putin's first visit to Brussels.")
    assert all(line.split(". ", 1)[1].split(":")[0] in LABELS.values() for line in lines[1:])


def test_fact_search_does_not_answer_a_who_question_with_nobody(app: Lectern) -> None:
    """Every word of the question is in the course, but not who commanded ISAF in 2002."""
    reply = one(app, "/fact search Who was the first commander of ISAF in 2002?")
    assert reply.text.startswith("Nothing answers this for sure; the closest:")


def test_fact_search_without_a_related_fact_says_so_and_where_to_look(app: Lectern) -> None:
    reply = one(app, "/fact search recipe for a chocolate cake with strawberries")
    assert reply.text.startswith("Nothing in the course answers") and "/topics" in reply.text


def test_topics_and_sources(app: Lectern) -> None:
    topics = one(app, "/topics")
    for topic_id in app.library.catalog.topics:
        assert topic_id in topics.text
    sources = one(app, "/sources")
    assert "Toktogulov" in sources.text and "Bruusgaard" in sources.text


def test_reload_is_for_teachers_only(app: Lectern) -> None:
    assert "Only a teacher" in one(app, "/reload").text
    assert "Content reloaded" in one(app, "/reload", TEACHER).text


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("/whosiad csto", "Did you mean /whosaid?\nUsage: /whosaid <fragment>"),
        ("/qoutes putin", "Did you mean /quotes?"),
        ("/defin csto", "Did you mean /define?"),
        ("/zzzzzz", "Type /help for the list of commands."),
        ("hello bot", "Commands start with '/'"),
        ("", "That message is empty"),
        ("/", "needs a name"),
        ("/whosaid " + "a" * 600, "limited to 500"),
        ("/whosaid \x00\x01binary", "control or binary character (U+0000)"),
    ],
)
def test_bad_input_gets_a_clear_message(app: Lectern, line: str, expected: str) -> None:
    replies = ask(app, line)
    assert len(replies) == 1
    assert expected in replies[0].text
    assert replies[0].ephemeral


def test_a_failing_handler_is_logged_and_the_bot_keeps_serving(
    app: Lectern, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(*_: object) -> list[object]:
        raise RuntimeError("boom")

    monkeypatch.setattr(app.library.catalog, "search_quotes", broken)
    reply = one(app, "/whosaid anything")
    assert "something went wrong" in reply.text
    assert "command failed" in caplog.text
    assert one(app, "/define CSTO").citation is not None


def test_user_input_cannot_ping_everyone(app: Lectern) -> None:
    for line in ("/whosaid @everyone banana", "/define @here", "/fact <!channel>"):
        for reply in ask(app, line):
            assert "@everyone" not in reply.text
            assert "@here" not in reply.text
            assert "<!channel>" not in reply.text
