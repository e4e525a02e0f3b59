"""Citations that hold (issue 13): what an item cites has the item's figures and names.

For every fact (its text), term (term, expansion and definition) and event (title and
description), each figure and each name must be in the text of at least one of its cites
(`item.cites`: `cite`, then `also_cite`). A cite's text is its section (a parent section is the
whole chapter) and, if it names them, its footnote and bibliography entry; tests/source_sections.py
says how the source files are cut.

- Figures are digit strings, read across thousands separators ('60,000' == '60000'); '9/11' is
  read as September 11. A bracketed reference ("[54]") must be found as a bracketed reference,
  and other figures must not come from one.
- Names are the item's capitalised words and acronyms, word by word ("Lord Robertson" is "Lord"
  and "Robertson"), except one-letter initials, month and day names, `GENERIC` words (titles,
  roles, compass points), and a word opening a sentence unless the course writes it with a
  capital inside sentences and never in lower case ("Russia" counts, "Since" and "Central" not).
- A name is found if it occurs in the cited texts as a word, or as a word with another ending
  ("Eurasia" in "Eurasian", "Ukrainian" as "Ukraine", "Afghan" in "Afghanistan"; see
  `_ENDINGS`), or if another name or alias of the same person (people.yaml) or term (terms.yaml)
  does. Acronyms are matched in capitals ("MAPs" as "MAP"), other words in any case; accents,
  æ/ae, "U.S."/"US", -isation/-ization and the Cyrillic letters of the converted bibliography
  ("Voенno") are ignored. The source's entry in sources.yaml (title, authors, year, publisher) is
  found with every cite of it, as a student sees it in the citation.
- `ALLOWED` lists the few names and figures that cannot be found however the item is cited.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from functools import cache

import pytest

from bot.core.content.catalog import Catalog
from bot.core.content.models import Cite, Event, Fact, Source, Term
from bot.core.course.library import ContentLibrary
from tests.conftest import SOURCES
from tests.source_sections import cited_texts, parse, source_text

needs_sources = pytest.mark.skipif(
    not SOURCES.is_dir(), reason=f"course sources not found at {SOURCES} (../shared/sources)"
)

# (item id, name or figure) -> why no section or footnote of the sources has it. Only for an item
# that says itself where its spelling or figure comes from.
ALLOWED: dict[tuple[str, str], str] = {
    ("nrc-founded-rome-2002", "Pratica"): "the right spelling; the fact quotes the article's "
    "'Practica Di Mare'",
    ("nrc-founded", "Pratica"): "the right spelling; the event quotes the article's 'Practica Di "
    "Mare'",
    ("counter-narcotics-expansion", "Krasnoyarsk"): "the right spelling; the fact quotes the "
    "article's 'Krasnovarsk'",
    ("founding-act-pjc", "27"): "27 May 1997 is computed, as the event says, from the article's "
    "'five years and one day' before 28 May 2002",
    ("founding-act-pjc", "1997"): "as for 27",
}

MONTHS = frozenset(
    {
        *("January", "February", "March", "April", "May", "June", "July", "August"),
        *("September", "October", "November", "December", "Monday", "Tuesday", "Wednesday"),
        *("Thursday", "Friday", "Saturday", "Sunday"),
    }
)

# Capitalised words that are not names: titles and roles (the name that follows them is
# checked), compass points, and IR (international relations).
GENERIC = frozenset(
    {
        *("Secretary", "General", "Minister", "Prime", "President", "Ambassador", "Deputy"),
        *("Acting", "Special", "Representative", "Director", "Chief", "Head", "Heads", "Lord"),
        *("Mr", "Dr", "Professor", "Foreign", "Defence", "Defense", "Affairs", "Chairman"),
        *("North", "South", "East", "West", "Northern", "Southern", "Eastern", "Western", "IR"),
    }
)

# Endings a name may have in the source instead of the item's: demonyms and plurals
_ENDINGS = ("ians", "ian", "ans", "an", "ese", "istan", "ns", "n", "s", "ia", "a", "e", "y")

_NUMBER = re.compile(r"\d+(?:[,\u00a0 ]\d{3})*(?:\.\d+)?")
_REFERENCES = re.compile(r"\[(\d+(?:\s*[;,]\s*\d+)*)\]")
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
_SENTENCE_END = re.compile(r"[.!?]['\"’”)]*\s+['\"‘“(]*$")
_URL = re.compile(r"\S*(?:https?://|www\.)\S*")
_CYRILLIC = str.maketrans("аеокмнтрсу", "aeokmntrsu")  # in the converted bibliography


def _numbers(text: str) -> set[str]:
    """Figures as digit strings ('60,000', '60 000' and '60000' are one), bracketed references
    and the '9' of '9/11' aside."""
    text = _REFERENCES.sub(" ", re.sub(r"\b9/11\b", "September 11", text))
    return {re.sub(r"[,\u00a0 ]", "", found) for found in _NUMBER.findall(text)}


def _references(text: str) -> set[str]:
    """The numbers of bracketed references: '[15;16]' is 15 and 16."""
    return {n for group in _REFERENCES.findall(text) for n in re.findall(r"\d+", group)}


def _fold(text: str) -> str:
    """Text compared loosely: no accents, 'æ' as 'ae', one apostrophe, "U.S." as "US",
    -isation as -ization, Cyrillic letters transliterated."""
    text = text.translate(_CYRILLIC).replace("æ", "ae").replace("Æ", "Ae").replace("ø", "o")
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).replace("’", "'")
    text = re.sub(r"\bU\.S\b\.?", "US", text)  # "U.S-led", "U.S. forces"
    return re.sub(r"isation", "ization", text)


def _is_acronym(word: str) -> bool:
    return len(word) > 1 and word.isupper()


@cache
def _pattern(form: str) -> re.Pattern[str]:
    """A name or phrase as whole words: an acronym in capitals, other words in any case and, for
    a one-word name of four letters or more, with another of `_ENDINGS`."""
    folded = _fold(form)
    if _is_acronym(folded):
        return re.compile(rf"(?<![^\W\d_]){re.escape(folded)}(?![^\W\d_])")
    words = folded.split()
    if len(words) == 1 and len(folded) >= 4:
        stems = {folded} | {folded[: -len(e)] for e in _ENDINGS if folded.endswith(e)}
        stem = "|".join(re.escape(s) for s in sorted(stems, key=len, reverse=True) if len(s) >= 4)
        ending = "|".join(_ENDINGS)
        text = rf"(?:{stem})(?:{ending})?"
    else:
        text = r"\W+".join(re.escape(w) for w in words)
    return re.compile(rf"(?<![^\W\d_]){text}(?![^\W\d_])", re.IGNORECASE)


def _occurs(form: str, folded_text: str) -> bool:
    return bool(_pattern(form).search(folded_text))


def _words(text: str) -> Iterator[tuple[str, bool]]:
    """The words of `text`, each with whether it opens a sentence; a possessive 's and the s of an
    acronym's plural ("MAPs") dropped."""
    for match in _WORD.finditer(text):
        before = text[: match.start()]
        opens = not before.strip(" '\"‘“(") or bool(_SENTENCE_END.search(before))
        word = re.sub(r"['’]s$", "", match.group())
        yield (word[:-1] if re.fullmatch(r"[A-Z]{2,}s", word) else word), opens


def names(text: str, ordinary: frozenset[str], proper: frozenset[str]) -> list[str]:
    """The names of `text` (see the module's docstring). `ordinary` holds the words the course
    writes in lower case, `proper` those it writes with a capital inside a sentence."""
    found: list[str] = []
    for word, opens in _words(text):
        if len(word) < 2 or not word[0].isupper() or word in MONTHS or word in GENERIC:
            continue
        if opens and not _is_acronym(word) and (word.lower() in ordinary or word not in proper):
            continue
        if word not in found:
            found.append(word)
    return found


def test_names_skip_sentence_openings_months_and_titles() -> None:
    ordinary = frozenset({"the", "in", "since", "they", "central"})
    proper = frozenset({"Russia", "Putin", "The", "Central"})
    text = "In May 2002 the NATO-Russia Council met Lord Robertson. The CSTO's Secretary General"
    assert names(text, ordinary, proper) == ["NATO", "Russia", "Council", "Robertson", "CSTO"]
    text = 'Putin\'s offer. Shunning it, Kant and Wæver ("Russia"). They gave MAPs. Central'
    assert names(text, ordinary, proper) == ["Putin", "Kant", "Wæver", "Russia", "MAP"]


def test_names_and_figures_are_found_across_spellings() -> None:
    assert _occurs("Wæver", _fold("B. Buzan and O. Waever"))
    assert _occurs("Organisation", _fold("Collective Security Treaty Organization"))
    assert _occurs("US", _fold("the U.S-led 'war on terror' and U.S. forces"))
    assert _occurs("Eurasia", _fold("the Eurasian continent"))
    assert _occurs("Ukrainian", _fold("Georgia and Ukraine"))
    assert _occurs("Voenno", _fold("Voенno-Promyshlenniy kur'er"))
    assert not _occurs("NATO", _fold("a nato-like body"))
    assert not _occurs("Kant", _fold("they can't"))
    assert not _occurs("Kabul", _fold("Zamir Kabulov"))
    assert _numbers("60,000 troops in 2.5 and 9/11 [33]") == {"60000", "2.5", "11"}
    assert _references("text.[15;16] and [3]") == {"15", "16", "3"}


def test_a_source_is_cut_at_its_headings() -> None:
    source = Source(
        id="s",
        title="T",
        authors=["A"],
        year=2007,
        kind="report",
        sections=[
            {"id": "summary", "title": "Summary"},
            {"id": "1", "title": "Intro"},
            {"id": "1.1", "title": "Detail (long)"},
            {"id": "2", "title": "End"},
            {"id": "footnotes", "title": "Footnotes"},
        ],
    )
    raw = (
        "Title page\n\n## Summary\n\nIn April 2013.12 During [3] a secure environment 9\n\n"
        "## Contents\n\n1\tIntro\t7\n\n# 1 Intro\n\nOpening West-\n\n¹ A note.\n\n"
        "ern words.\n\n## **1.1 Detail**\n\nInner.\n\n^{2 &#}x27;Second&#x27; note\n\n"
        "2 End\n\nLast."
    )
    parsed = parse(source, raw)
    assert parsed.section("summary") == (
        "Title page Summary In April 2013. During [3] a secure environment"
    )
    assert parsed.own["1"] == "1 Intro (page 7) Opening Western words."
    assert parsed.section("1") == "1 Intro (page 7) Opening Western words. 1.1 Detail Inner."
    assert parsed.section("2") == "2 End Last."
    assert parsed.footnotes == {1: "A note.", 2: "'Second' note"}
    assert parsed.section("footnotes") == "A note. 'Second' note"


Item = Fact | Term | Event


def _text(item: Item) -> str:
    if isinstance(item, Fact):
        return item.text
    if isinstance(item, Term):
        return ". ".join(p for p in (item.term, item.expansion, item.definition) if p)
    return ". ".join(p for p in (item.title, item.description) if p)


def _items(catalog: Catalog) -> list[Item]:
    return [*catalog.facts.values(), *catalog.terms.values(), *catalog.events.values()]


def _cites(item: Item) -> Sequence[Cite]:
    return item.cites


def _entry(source: Source) -> str:
    """The source as its citation shows it."""
    return " ".join([source.title, *source.authors, str(source.year), source.publisher or ""])


class Checker:
    """Finds the figures and names of an item's text that are not in what it cites."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        # the forms of each person and term: any of them found counts for all of them
        self.groups = [(p.name, *p.aliases) for p in catalog.people.values()]
        self.groups += [
            (t.term, *([t.expansion] if t.expansion else []), *t.aliases)
            for t in catalog.terms.values()
        ]
        texts = [_text(item) for item in _items(catalog)]
        texts += [q.text for q in catalog.quotes.values()]
        for source in catalog.sources.values():
            parsed = source_text(source)
            texts += [*parsed.chapters.values(), *parsed.footnotes.values()]
        words = [w for t in texts for w in _words(_URL.sub(" ", t))]
        self.ordinary = frozenset(w for w, _ in words if w.islower())
        self.proper = frozenset(w for w, opens in words if w[:1].isupper() and not opens)

    def names(self, text: str) -> list[str]:
        return names(text, self.ordinary, self.proper)

    def unfound(self, cites: Iterable[Cite], text: str, item_id: str) -> list[str]:
        """The figures and names of `text` that the texts of `cites` lack, allowed ones aside."""
        cites = list(cites)
        sources = self.catalog.sources
        cited = [t for c in cites for t in cited_texts(sources[c.source], c)]
        cited += [_entry(sources[s]) for s in sorted({c.source for c in cites})]
        figures = set().union(*(_numbers(t) for t in cited))
        references = set().union(*(_references(t) for t in cited))
        missing = sorted(_numbers(text) - figures) + sorted(_references(text) - references)
        missing = [m for m in missing if (item_id, m) not in ALLOWED]
        haystack = _fold(" ".join(cited))
        for name in self.names(text):
            if (item_id, name) in ALLOWED or _occurs(name, haystack):
                continue
            groups = [g for g in self.groups if any(_occurs(name, _fold(f)) for f in g)]
            if not any(_occurs(form, haystack) for group in groups for form in group):
                missing.append(name)
        return missing


@pytest.fixture(scope="module")
def catalog(shipped_library: ContentLibrary) -> Catalog:
    return shipped_library.catalog


@pytest.fixture(scope="module")
def checker(catalog: Catalog) -> Checker:
    return Checker(catalog)


@needs_sources
def test_every_section_footnote_and_reference_is_found(catalog: Catalog) -> None:
    counts = {"toktogulov-nrc-afghanistan": (25, 0), "ffi-2007-01671-nato-csto": (3, 46)}
    for source in catalog.sources.values():
        parsed = source_text(source)
        for section in source.sections:
            assert parsed.section(section.id).strip(), (source.id, section.id)
        footnotes, references = counts[source.id]
        assert sorted(parsed.footnotes) == list(range(1, footnotes + 1)), source.id
        assert sorted(parsed.references) == list(range(1, references + 1)), source.id
        assert all(parsed.footnotes.values()) and all(parsed.references.values()), source.id


@needs_sources
def test_every_cited_section_and_footnote_exists(catalog: Catalog) -> None:
    for item in _items(catalog):
        for cite in _cites(item):
            cited_texts(catalog.sources[cite.source], cite)  # KeyError if not


@needs_sources
def test_every_figure_and_name_is_in_what_the_item_cites(
    catalog: Catalog, checker: Checker
) -> None:
    failures = []
    for item in _items(catalog):
        missing = checker.unfound(_cites(item), _text(item), item.id)
        if missing:
            where = "; ".join(
                f"{c.source} {c.section}" + (f" n.{c.footnote}" if c.footnote else "")
                for c in _cites(item)
            )
            failures.append(f"{item.id}: {missing} not in {where}")
    assert not failures, "\n".join(failures)


@needs_sources
def test_the_allow_list_is_needed(catalog: Catalog, checker: Checker) -> None:
    """Each allowed name or figure is in its item, and not in what the item cites."""
    items = {item.id: item for item in _items(catalog)}
    for (item_id, name), why in list(ALLOWED.items()):
        item = items[item_id]
        assert name in [*checker.names(_text(item)), *_numbers(_text(item))], (item_id, name)
        del ALLOWED[(item_id, name)]
        try:
            assert name in checker.unfound(_cites(item), _text(item), item_id), (item_id, why)
        finally:
            ALLOWED[(item_id, name)] = why


@needs_sources
def test_the_rome_declarations_fields_cite_the_report_they_come_from(
    catalog: Catalog, checker: Checker
) -> None:
    """The issue's example: the term's list of fields comes from FFI 3.1 and its footnote 3,
    and a reply defining it shows both places."""
    term = catalog.terms["rome-declaration"]
    assert [(c.source, c.section, c.footnote) for c in term.cites] == [
        ("toktogulov-nrc-afghanistan", "911-effect", 8),
        ("ffi-2007-01671-nato-csto", "3.1", 3),
    ]
    assert not checker.unfound(term.cites, _text(term), term.id)

    def read(cite: Cite) -> str:
        return " ".join(" ".join(cited_texts(catalog.sources[cite.source], cite)).split()).lower()

    first, second = (read(cite) for cite in term.cites)
    for field in ("crisis management", "non-proliferation", "theatre missile defence"):
        assert field not in first and field in second, field
    shown = [(c.source_id, c.section_id) for c in catalog.citations(term.cites)]
    assert shown == [
        ("toktogulov-nrc-afghanistan", "911-effect"),
        ("ffi-2007-01671-nato-csto", "3.1"),
    ]
