"""Search over the whole course at once: facts, events, terms and quotes in one index, each hit
labelled with its kind, so that a question answered by a dated event or a glossary entry finds it
as readily as one answered by a fact.

Three rankings are fused by reciprocal rank fusion: stems and the course's vocabulary re-ranked,
the same by BM25 alone, and the words as typed re-ranked. Each entry keeps the best re-ranked
score any of them gave it (0..100): that is what an answer's confidence is judged on.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from bot.core.content.answer_type import answerable
from bot.core.content.models import Cite, Event, Fact, Quote, Term
from bot.core.content.search import Hit, Mask, SearchIndex
from bot.core.content.vocabulary import Vocabulary
from bot.core.text import fold

Kind = Literal["fact", "event", "term", "quote"]
KINDS: tuple[Kind, ...] = ("fact", "event", "term", "quote")
LABELS: dict[Kind, str] = {"fact": "Fact", "event": "Event", "term": "Term", "quote": "Quote"}

# Chosen on benchmarks/search_devset.yaml (python -m benchmarks.fact_search --sweep).
CONFIDENT_SCORE = 70.0  # the top entry may be shown as the answer from this score
CONFIDENT_MARGIN = 5.0  # ... when it leads the next one by this much (a near tie is a guess)
RELATED_SCORE = 45.0  # below this, an entry is not related enough to show

_DEFINITION = re.compile(
    r"^(?:whats |(?:what|who) (?:(?:is|are|was|were|s|does|do|did) )?)(?:an? |the )?(?P<name>.+?)"
    r"(?: stand for| mean| stands for| means)?$|^(?:define|meaning of|definition of) "
    r"(?:an? |the )?(?P<other>.+)$"
)
_FUSED = 10  # how deep each ranking is read for the fusion
_RRF_K = 60  # the usual constant of reciprocal rank fusion
_RERANKED = 20  # BM25 candidates each re-ranking reads (the same recall as 40, half the time)


@dataclass(frozen=True, slots=True)
class Entry:
    """One searchable item of the course and what kind of item it is."""

    kind: Kind
    item: Fact | Event | Term | Quote

    @property
    def id(self) -> str:
        return self.item.id

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.item.id}"

    @property
    def label(self) -> str:
        return LABELS[self.kind]

    @property
    def cites(self) -> tuple[Cite, ...]:
        return (self.item.cite,) if isinstance(self.item, Quote) else self.item.cites


class CourseSearch:
    """Entries described by `describe`, searched as typed and by meaning (`vocabulary`)."""

    def __init__(
        self,
        entries: Sequence[Entry],
        describe: Callable[[Entry], str],
        vocabulary: Vocabulary,
        term_named: Callable[[str], str | None],
    ) -> None:
        """`term_named` gives the id of the glossary term a name (or alias) is exactly."""
        self.entries = list(entries)
        self._vocabulary = vocabulary
        self._describe = describe
        self._term_named = term_named
        self._plain = SearchIndex(self.entries, describe)
        self._meaning = SearchIndex(self.entries, lambda e: vocabulary.analyse(describe(e)))
        self._positions = {entry.key: n for n, entry in enumerate(self.entries)}
        codes = np.asarray([KINDS.index(e.kind) for e in self.entries], dtype=np.int8)
        self._masks: dict[frozenset[Kind], Mask] = {
            frozenset([kind]): codes == number for number, kind in enumerate(KINDS)
        }

    def __len__(self) -> int:
        return len(self.entries)

    def text(self, entry: Entry) -> str:
        """The text `entry` is found by."""
        return self._describe(entry)

    def _allowed(self, kinds: Iterable[Kind] | None) -> Mask | None:
        if kinds is None:
            return None
        wanted = frozenset(kinds)
        if wanted not in self._masks:
            self._masks[wanted] = np.logical_or.reduce(
                [self._masks[frozenset([kind])] for kind in wanted]
            )
        return self._masks[wanted]

    def search(
        self, question: str, limit: int = 3, kinds: Iterable[Kind] | None = None
    ) -> list[Hit[Entry]]:
        """The entries (of `kinds`, or of every kind) that best answer `question`, best first."""
        allowed = self._allowed(kinds)
        analysed = self._vocabulary.analyse(question)
        meaning = self._meaning
        reranked, by_bm25 = meaning.ranked(analysed, _FUSED, _RERANKED, allowed)
        rankings: list[list[tuple[Entry, float | None]]] = [
            [(h.item, h.score) for h in reranked],
            [(entry, None) for entry in by_bm25[:_FUSED]],
            [(h.item, h.score) for h in self._plain.search(question, _FUSED, _RERANKED, allowed)],
        ]
        fused: dict[str, float] = {}
        best: dict[str, float] = {}
        found: dict[str, Entry] = {}
        for ranking in rankings:
            for rank, (entry, score) in enumerate(ranking):
                found[entry.key] = entry
                fused[entry.key] = fused.get(entry.key, 0.0) + 1.0 / (_RRF_K + rank)
                if score is not None:
                    best[entry.key] = max(best.get(entry.key, 0.0), score)
        order = sorted(fused, key=lambda key: (-fused[key], key))
        hits = [Hit(found[key], best.get(key, 0.0)) for key in order]
        defined = self._defined(question)
        if defined is not None and (allowed is None or allowed[self._positions[defined.key]]):
            # "What is the CSTO?" asks for the glossary entry, whatever else mentions it.
            hits = [Hit(defined, 100.0), *(h for h in hits if h.item.key != defined.key)]
        return hits[:limit]

    def _defined(self, question: str) -> Entry | None:
        """The term a definition question ("what is X", "what does X stand for") asks about."""
        asked = _DEFINITION.match(fold(question))
        if asked is None:
            return None
        term_id = self._term_named(asked.group("name") or asked.group("other"))
        position = self._positions.get(f"term:{term_id}") if term_id is not None else None
        return self.entries[position] if position is not None else None

    def search_as_typed(
        self, question: str, limit: int = 3, kinds: Iterable[Kind] | None = None
    ) -> list[Hit[Entry]]:
        """The words as typed alone (no stems, no vocabulary): the baseline the benchmark
        compares with."""
        return self._plain.search(question, limit, allowed=self._allowed(kinds))

    def confident(self, question: str, hits: Sequence[Hit[Entry]]) -> bool:
        """Whether the first of `hits` (best first) may be shown as the answer to `question`:
        it scores high, clearly ahead of the next, and holds the kind of answer asked for."""
        if not hits or hits[0].score < CONFIDENT_SCORE:
            return False
        best = hits[0].item
        rivals = [h for h in hits[1:] if not _agree(best, h.item)]
        if (
            rivals
            and hits[0].score - rivals[0].score < CONFIDENT_MARGIN
            and not _names(question, best)
        ):
            return False
        return answerable(question, self._describe(best), self._people)

    def _people(self, folded: str) -> set[str]:
        return {c for c in self._vocabulary.concepts(folded) if c.startswith("person:")}


def _agree(one: Entry, other: Entry) -> bool:
    """Two entries of the same day (a fact and the event it tells of) give the same answer."""
    first, second = getattr(one.item, "date", None), getattr(other.item, "date", None)
    return first is not None and len(first) == 10 and first == second


def _names(question: str, entry: Entry) -> bool:
    """Whether the question names the glossary term `entry` defines ("what is the CSTO?")."""
    if not isinstance(entry.item, Term):
        return False
    asked = f" {fold(question)} "
    names = (entry.item.term, entry.item.expansion or "", *entry.item.aliases)
    return any(f" {fold(name)} " in asked for name in names if fold(name))
