"""The shipped course content: valid, quoted verbatim, in our own words, and complete enough."""

from __future__ import annotations

import re
from functools import cache

import pytest

from bot.core.content.catalog import Catalog
from bot.core.content.library import ContentLibrary
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


def test_first_slice_is_big_enough(catalog: Catalog) -> None:
    assert len(catalog.facts) >= 20
    assert len(catalog.quotes) >= 25
    assert {"nikolay-bordyuzha", "vladimir-putin", "kenneth-waltz"} <= set(catalog.people)
    for acronym in ("NRC", "PJC", "ISAF", "CSTO", "PfP", "EAPC"):
        assert catalog.term_names.exact(acronym), acronym


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


@needs_sources
def test_every_source_file_exists(catalog: Catalog) -> None:
    for source in catalog.sources.values():
        assert source.file and (SOURCES / source.file).is_file(), source.id
