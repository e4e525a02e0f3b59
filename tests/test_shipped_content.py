"""The shipped course content: valid, quoted verbatim, in our own words, and complete enough."""

from __future__ import annotations

import re
from functools import cache

import pytest

from bot.core.content.catalog import Catalog
from bot.core.course.library import ContentLibrary
from tests.conftest import SOURCES


@pytest.fixture(scope="module")
def catalog(shipped_library: ContentLibrary) -> Catalog:
    return shipped_library.catalog


def _collapse(text: str) -> str:
    return " ".join(text.split())


@cache
def _source_text(source_file: str) -> str:
    return _collapse((SOURCES / source_file).read_text(encoding="utf-8"))


needs_sources = pytest.mark.skipif(
    not SOURCES.is_dir(), reason=f"course sources not found at {SOURCES} (../shared/sources)"
)


def test_the_pack_is_complete_enough(catalog: Catalog) -> None:
    assert len(catalog.facts) >= 150
    assert len(catalog.quotes) >= 30
    assert len(catalog.events) >= 35
    theorists = {"kenneth-waltz", "robert-keohane", "robert-axelrod", "barry-buzan", "ole-waever"}
    assert theorists | {"michael-doyle", "zbigniew-brzezinski"} <= set(catalog.people)
    assert {"nikolay-bordyuzha", "vladimir-putin", "kenneth-waltz"} <= set(catalog.people)
    terms = [
        "NRC",
        "PJC",
        "ISAF",
        "ANSF",
        "AAF",
        "CSTO",
        "CST",
        "CIS",
        "EAPC",
        "PfP",
        "RRF",
        "SCO",
        "UNODC",
        "MAP",
        "CFE",
        "FSB",
    ]
    terms += ["security dilemma", "balance of power", "relative gains", "democratic peace"]
    for term in [*terms, "regional security complex"]:
        assert catalog.term_names.exact(term), term


def test_every_section_is_cited_by_a_fact(catalog: Catalog) -> None:
    cited = {(f.cite.source, f.cite.section) for f in catalog.facts.values()}
    for source in catalog.sources.values():
        for section in source.sections:
            assert (source.id, section.id) in cited, f"no fact cites {source.id} {section.id}"


def test_every_topic_has_facts(catalog: Catalog) -> None:
    for topic in catalog.topics:
        assert catalog.facts_by_topic.get(topic), f"topic {topic} has no fact"


@needs_sources
def test_every_quote_is_verbatim_in_its_source(catalog: Catalog) -> None:
    """Exact, or, for the few quotations the document splits across a page break or footnote,
    every word present and nearly every run of four words present."""
    joined = []
    for quote in catalog.quotes.values():
        source = _source_text(catalog.sources[quote.cite.source].file or "")
        text = _collapse(quote.text)
        if text in source:
            continue
        words = text.split()
        windows = [" ".join(words[i : i + 4]) for i in range(max(1, len(words) - 3))]
        found = sum(w in source for w in windows) / len(windows)
        assert found >= 0.8, (quote.id, found)
        joined.append(quote.id)
    assert len(joined) <= 5, joined


@needs_sources
def test_facts_and_definitions_are_in_our_own_words(catalog: Catalog) -> None:
    sources = {
        s.id: re.sub(r"[^a-z0-9 ]", " ", _source_text(s.file or "").casefold()).split()
        for s in catalog.sources.values()
    }
    runs = {
        sid: {" ".join(w[i : i + 12]) for i in range(len(w) - 11)} for sid, w in sources.items()
    }
    texts = [(f.id, f.text, f.cite.source) for f in catalog.facts.values()]
    texts += [(t.id, t.definition, t.cite.source) for t in catalog.terms.values()]
    for item_id, text, source_id in texts:
        words = re.sub(r"[^a-z0-9 ]", " ", text.casefold()).split()
        copied = [
            " ".join(words[i : i + 12])
            for i in range(len(words) - 11)
            if " ".join(words[i : i + 12]) in runs[source_id]
        ]
        assert not copied, (item_id, copied[0])


_NUMBER = re.compile(r"\d+(?:[,\u00a0 ]\d{3})*(?:\.\d+)?")


def _numbers(text: str) -> set[str]:
    """Figures as digit strings, so that '60,000', '60 000' and '60000' compare equal."""
    return {re.sub(r"[,\u00a0 ]", "", found) for found in _NUMBER.findall(text)}


def test_numbers_are_read_across_thousands_separators() -> None:
    assert _numbers("60,000 troops, 60 000 or 60000; 2.5 and 9/11") == {"60000", "2.5", "9", "11"}


@needs_sources
def test_every_figure_of_a_fact_is_in_its_source(catalog: Catalog) -> None:
    figures = {s.id: _numbers(_source_text(s.file or "")) for s in catalog.sources.values()}
    for fact in catalog.facts.values():
        missing = _numbers(fact.text) - figures[fact.cite.source]
        assert not missing, f"{fact.id}: {sorted(missing)} not in {fact.cite.source}"


@needs_sources
def test_every_source_file_exists(catalog: Catalog) -> None:
    for source in catalog.sources.values():
        assert source.file and (SOURCES / source.file).is_file(), source.id
