"""The course's source documents cut into the sections, footnotes and references that items cite.

Each source of content/sources.yaml names a text file under ../shared/sources (``SOURCES``) and
lists its section ids and titles. `source_text(source)` reads that file once and returns a
`SourceText`, whose `section(id)`, `footnote(n)` and `reference(n)` give the text a student finds
when opening what a `Cite` points to; `cited_texts(source, cite)` gives all of them for one cite.

How the files are read (both are conversions of a PDF, in blocks separated by blank lines):

- A heading is a block of one line that, without its Markdown decoration (``#``, ``**``), reads as
  a section's title or its id and title ("2.1 The CSTO – a brief history"), the title perhaps
  without a trailing parenthesis ("Sammendrag" for "Sammendrag (Norwegian summary)"); dashes and
  quotes are compared loosely. Headings are looked for in the order of sources.yaml, each after
  the last.
- A section without a heading in the file starts at an explicit anchor (`ANCHORS`): the article's
  introduction has no "Introduction" line. A section titled "Footnotes" without a heading is the
  text of all the footnotes, the author's unnumbered note (``^{*}``) first.
- A section is its heading, with the page the table of contents gives for it ("2.1 The CSTO – a
  brief history (page 8)"), and the text up to the next heading. A parent section is the whole
  chapter: its own introductory text and all its subsections, as a reader who opens chapter 3
  sees 3.1 and 3.2. Subsections are the dotted ids under it ("3.1" under "3") and, where the ids
  do not say so, those in `SUBSECTIONS` (the article's "NRC and Cooperation on Afghanistan" has
  three sub-headings).
- The title page, everything before the first section (title, authors, date, report number,
  "Keywords", "Approved by"), opens the first section, as a reader sees it before the summary.
  The table of contents (a "Contents" heading and the blocks after it) is in no section.
- Footnotes are blocks that start with a footnote number: ``<sup>3</sup>`` (FFI), a superscript
  (``²``) or ``^{13`` (Toktogulov). They are left out of the section text they interrupt (a cite
  names its footnote), as are the ``---`` rules above them.
- Bibliography entries are the lines ``[n] ...`` (or ``- [n] ...``) under the "Bibliography"
  heading; ``reference(n)`` is None for a number the list does not have.
- Footnote markers are removed from the text, so that they are not read as figures:
  ``<sup>n</sup>``, superscript digits, and in a file without HTML markup (Toktogulov) one- or
  two-digit numbers glued to the end of a sentence ("in April 2013.12 During", "freedoms.'17")
  or closing a paragraph ("secure environment 9"). Bracketed references ("[15;16]") are kept:
  they are what an item's "[54]" is checked against. HTML entities are decoded (also the broken
  ``&#}x27;`` of the article's footnotes 13-25), tags, links and Markdown emphasis dropped,
  whitespace collapsed, and a word hyphenated across a page break ("West-" "ern-backed") joined
  again; footnote texts are cleaned the same way.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from bot.core.content.models import Cite, Source
from tests.conftest import SOURCES

# (source id, section id) -> how the first paragraph of a section without a heading starts
ANCHORS: dict[tuple[str, str], str] = {
    # The converted article lost its "Introduction" heading (and garbled the first words): the
    # introduction is the paragraph after the author's note, before "9/11 and its Effect ...".
    ("toktogulov-nrc-afghanistan", "introduction"): "I Jack the NRC",
}

# (source id, section id) -> the sections nested under it, where the ids do not show it
SUBSECTIONS: dict[tuple[str, str], tuple[str, ...]] = {
    ("toktogulov-nrc-afghanistan", "nrc-afghanistan"): (
        "support-for-isaf",
        "helicopter-trust-fund",
        "counter-narcotics",
    ),
}

CONTENTS = "contents"  # the heading of a table of contents

_SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_FOOTNOTE = re.compile(rf"^(?:<sup>(\d+)</sup>|\^\{{(\d+)\}}?|([{_SUPERSCRIPTS}]+))\s*")
_AUTHOR_NOTE = re.compile(r"^\^\{\*\}")
_RULE = re.compile(r"^-{3,}$")
_REFERENCE = re.compile(r"^(?:-\s+)?\[(\d+)\]\s*(.+)$", re.DOTALL)
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_TAG = re.compile(r"</?[a-zA-Z][^>]*>")
# "dimensional.15", "April 2013.12 During", "freedoms.'17 One", "even better '25" (not "1.1 Detail")
_GLUED_MARK = re.compile(
    r"(?:(?<=[^\W\d_]\.)|(?<=\d\d\.)|(?<=[.!?]['’”])|(?<=\s['’]))\d{1,2}(?=\s|$)"
)
_CLOSING_MARK = re.compile(r"(?<=[a-z])\s+\d{1,2}$")  # "in a secure environment 9"


def collapse(text: str) -> str:
    return " ".join(text.split())


def _loose(text: str) -> str:
    """A heading or title compared loosely: no Markdown, one kind of dash and quote, casefolded."""
    text = _TAG.sub(" ", text).replace("*", " ").lstrip("#")
    text = text.translate(str.maketrans("–—’‘", "--''"))
    return collapse(text).casefold()


def _footnote_number(block: str) -> int | None:
    found = _FOOTNOTE.match(block)
    if not found:
        return None
    sup, caret, superscript = found.groups()
    if superscript:
        return int(superscript.translate(str.maketrans(_SUPERSCRIPTS, "0123456789")))
    return int(sup or caret)


def _clean(block: str, *, plain: bool) -> str:
    """A block of text without markup and footnote markers (`plain`: those of a plain-text file)."""
    text = re.sub(r"<sup>\d+</sup>", "", block)
    text = _TAG.sub("", text)
    text = _LINK.sub(r"\1", text)
    text = re.sub(rf"[{_SUPERSCRIPTS}]+", "", text)
    text = re.sub(r"^#+\s*", "", text, flags=re.MULTILINE).replace("*", "")
    if plain:
        text = _CLOSING_MARK.sub("", _GLUED_MARK.sub("", text.rstrip()))
    return collapse(text)


@dataclass(frozen=True)
class _Boundary:
    """Where a section starts (its heading, or empty at an anchor), or the contents start (None)."""

    section: str | None
    heading: str = ""


@dataclass
class SourceText:
    """One source file cut into sections, footnotes and bibliography references."""

    source_id: str
    own: dict[str, str] = field(default_factory=dict)  # section id -> text up to the next heading
    chapters: dict[str, str] = field(default_factory=dict)  # section id -> with its subsections
    footnotes: dict[int, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # unnumbered notes (the author's)
    references: dict[int, str] = field(default_factory=dict)
    pages: dict[str, str] = field(default_factory=dict)  # section id -> page, from the contents

    def section(self, section_id: str) -> str:
        """The text of a section; of a parent section, the whole chapter. KeyError if unknown."""
        return self.chapters[section_id]

    def footnote(self, number: int) -> str:
        return self.footnotes[number]

    def reference(self, number: int) -> str | None:
        return self.references.get(number)

    def block(self, item: str | _Boundary) -> str:
        """A block of body text as it is, a heading with its page (if the contents give one)."""
        if isinstance(item, str):
            return item
        page = self.pages.get(item.section or "")
        return f"{item.heading} (page {page})" if item.heading and page else item.heading


def _is_heading(block: str, section_id: str, title: str) -> bool:
    if "\n" in block.strip():
        return False
    line = _loose(block)
    short = re.sub(r"\s*\([^)]*\)\s*$", "", title)
    return line in {
        _loose(t) for t in (title, short, f"{section_id} {title}", f"{section_id} {short}")
    }


def _descends(section_id: str, parent: str, source_id: str) -> bool:
    return section_id.startswith(parent + ".") or section_id in SUBSECTIONS.get(
        (source_id, parent), ()
    )


def _contents(block: str, source: Source) -> dict[str, str]:
    """Section id -> page, from the lines of a table of contents ("2.1<tab>The CSTO ...<tab>8")."""
    pages = {}
    for line in _TAG.sub("", block).splitlines():
        number, _, rest = line.strip().partition("\t")
        title, _, page = rest.rpartition("\t")
        if not page.strip().isdigit():
            continue
        for section in source.sections:
            if section.id == number.strip() or _loose(section.title) == _loose(title or number):
                pages[section.id] = page.strip()
    return pages


def parse(source: Source, raw: str) -> SourceText:
    """Cut the text of `source`'s file into the sections of `source`. ValueError if a section
    has neither a heading nor an anchor in the file."""
    plain = "<sup>" not in raw  # no HTML markup: plain-text footnote markers
    raw = html.unescape(re.sub(r"&#\}(x?[0-9a-fA-F]+;)", r"&#\1", raw))  # "^{13 &#}x27;NATO"
    blocks = [b.strip() for b in re.split(r"\n[ \t]*\n", raw) if b.strip()]
    result = SourceText(source.id)
    title_page: list[str] = []
    body: list[str | _Boundary] = []  # blocks of body text, and where sections start and end
    pending = list(source.sections)  # the sections not found yet, in order
    for block in blocks:
        number = _footnote_number(block)
        if number is not None:
            result.footnotes[number] = _clean(_FOOTNOTE.sub("", block, count=1), plain=False)
        elif _AUTHOR_NOTE.match(block):
            result.notes.append(_clean(_AUTHOR_NOTE.sub("", block), plain=False))
        elif _RULE.match(block):
            continue
        elif "\n" not in block and _loose(block) == CONTENTS:
            body.append(_Boundary(None))
        elif found := next((s for s in pending if _is_heading(block, s.id, s.title)), None):
            pending = pending[pending.index(found) + 1 :]
            body.append(_Boundary(found.id, block))
        elif found := next(
            (s for s in pending if block.startswith(ANCHORS.get((source.id, s.id), "\0"))), None
        ):
            pending = pending[pending.index(found) + 1 :]
            body += [_Boundary(found.id), block]
        elif body and body[-1] == _Boundary(None):
            result.pages.update(_contents(block, source))
        elif pending == list(source.sections):
            title_page.append(block)
        else:
            body.append(block)

    starts = {b.section: i for i, b in enumerate(body) if isinstance(b, _Boundary) and b.section}
    first = min(starts.values(), default=0)
    for section in source.sections:
        if section.id not in starts:
            if section.title.casefold() == "footnotes":
                notes = [*result.notes, *(result.footnotes[n] for n in sorted(result.footnotes))]
                result.own[section.id] = result.chapters[section.id] = " ".join(notes)
                continue
            raise ValueError(f"{source.id}: no heading or anchor for section {section.id!r}")
        start = starts[section.id]
        own_end = next(
            (i for i in range(start + 1, len(body)) if isinstance(body[i], _Boundary)), len(body)
        )
        chapter_end = next(
            (
                i
                for i in range(start + 1, len(body))
                if isinstance(b := body[i], _Boundary)
                and not (b.section and _descends(b.section, section.id, source.id))
            ),
            len(body),
        )
        before = title_page if start == first else []
        own = [*before, *(result.block(b) for b in body[start:own_end])]
        chapter = [*before, *(result.block(b) for b in body[start:chapter_end])]
        result.own[section.id] = _join([_clean(b, plain=plain) for b in own if b])
        result.chapters[section.id] = _join([_clean(b, plain=plain) for b in chapter if b])
        if section.title.casefold() == "bibliography":
            for block in own:
                for line in block.splitlines():
                    if entry := _REFERENCE.match(line.strip()):
                        result.references[int(entry[1])] = _clean(entry[2], plain=plain)
    return result


def _join(blocks: list[str]) -> str:
    """Blocks as one text, a word hyphenated across a page break joined ("West-" "ern-backed")."""
    text = ""
    for block in blocks:
        if re.search(r"[a-z]-$", text) and block[:1].islower():
            text = text[:-1] + block
        else:
            text = f"{text} {block}" if text else block
    return text


@cache
def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


_parsed: dict[str, SourceText] = {}


def source_text(source: Source) -> SourceText:
    """The sections, footnotes and references of `source` (read from SOURCES, once)."""
    if source.id not in _parsed:
        _parsed[source.id] = parse(source, _read(SOURCES / (source.file or "")))
    return _parsed[source.id]


def cited_texts(source: Source, cite: Cite) -> list[str]:
    """What a student finds on opening `cite`: its section, and its footnote and bibliography
    entry if it names them. KeyError for a section or footnote the source does not have."""
    text = source_text(source)
    texts = [text.section(cite.section)]
    if cite.footnote is not None:
        texts.append(text.footnote(cite.footnote))
    if cite.ref is not None and (reference := text.reference(cite.ref)) is not None:
        texts.append(reference)
    return texts
