"""Ranked full-text search that tolerates typos, missing words, word order, accents and case.

Two stages, as search engines do it:
1. Candidate generation with BM25 over an inverted index. Query words missing from the vocabulary
   are corrected against it through a character-trigram index of the vocabulary (so "bordyuza"
   still finds "bordyuzha"), and postings are numpy arrays, so one query touches only the documents
   that share a word with it.
2. Re-ranking of the few best candidates with rapidfuzz: how much of the query each candidate
   covers (word by word, fuzzily) and how well the query aligns with a stretch of it.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

import numpy as np
import numpy.typing as npt
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from bot.core.text import STOPWORDS, fold

CONCEPT = "qq"  # starts a concept token (bot.core.content.vocabulary); no English word does

T = TypeVar("T")
Mask = npt.NDArray[np.bool_]  # one flag per indexed item, in the order the items were given

_K1 = 1.2
_B = 0.75
# Words found in more than this share of documents barely separate them; skipping them in
# candidate generation keeps a query's cost proportional to its rare words.
_COMMON_SHARE = 0.2
_CANDIDATES = 40


@dataclass(frozen=True, slots=True)
class Hit(Generic[T]):
    item: T
    score: float  # 0..100: how well the query matches this item


@dataclass(frozen=True, slots=True)
class _Query:
    folded: str
    words: list[str]
    expansions: list[list[tuple[int, float]]]  # per word: (indexed word id, similarity)
    weights: list[float]  # per word: its IDF


def _trigrams(word: str) -> set[str]:
    padded = f"^{word}$"
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


class _Vocabulary:
    """Finds the indexed words closest to a word the index has never seen."""

    def __init__(self, words: Sequence[str]) -> None:
        self.words = list(words)
        grams: dict[str, list[int]] = defaultdict(list)
        for word_id, word in enumerate(self.words):
            for gram in _trigrams(word):
                grams[gram].append(word_id)
        self._grams = {g: np.asarray(ids, dtype=np.int32) for g, ids in grams.items()}

    def near(self, word: str, limit: int = 3) -> list[tuple[int, float]]:
        """Up to `limit` (word id, similarity 0..1) within a small edit distance of `word`."""
        if len(word) < 3 or not self.words:
            return []
        postings = [self._grams[g] for g in _trigrams(word) if g in self._grams]
        if not postings:
            return []
        counts = np.bincount(np.concatenate(postings), minlength=len(self.words))
        sharing = np.flatnonzero(counts)
        shortlist = sharing[np.argsort(-counts[sharing], kind="stable")[:30]]
        found: list[tuple[int, float]] = []
        for word_id in shortlist:
            candidate = self.words[int(word_id)]
            longer = max(len(word), len(candidate))
            # A transposition ("ekrobris" ~ "skorbris") counts as one edit, as people type.
            allowed = 1 if longer <= 5 else 2 if longer <= 9 else 3
            distance = OSA.distance(word, candidate, score_cutoff=allowed)
            if distance <= allowed:
                found.append((int(word_id), 1.0 - distance / longer))
        found.sort(key=lambda pair: -pair[1])
        return found[:limit]


class SearchIndex(Generic[T]):
    """An index over items, each described by the text `describe(item)` returns."""

    def __init__(self, items: Sequence[T], describe: Callable[[T], str]) -> None:
        self.items = list(items)
        self._folded = [fold(describe(item)) for item in self.items]
        # Stopwords are indexed too, so that a fragment made only of them ("to be or not to
        # be") still finds candidates; the common-word rule keeps them cheap otherwise.
        tokenised = [text.split() for text in self._folded]
        lengths = np.asarray([len(t) for t in tokenised], dtype=np.float32)
        average = float(lengths.mean()) if len(lengths) and lengths.mean() > 0 else 1.0

        postings: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for doc_id, doc_terms in enumerate(tokenised):
            for word, freq in Counter(doc_terms).items():
                postings[word].append((doc_id, freq))

        count = len(self.items)
        self._vocabulary = _Vocabulary(list(postings))
        self._word_ids = {word: i for i, word in enumerate(self._vocabulary.words)}
        self._docs: list[npt.NDArray[np.int32]] = []
        self._weights: list[npt.NDArray[np.float32]] = []
        self._idf: list[float] = []
        for word in self._vocabulary.words:
            pairs = postings[word]
            docs = np.fromiter((d for d, _ in pairs), dtype=np.int32, count=len(pairs))
            tf = np.fromiter((f for _, f in pairs), dtype=np.float32, count=len(pairs))
            idf = math.log(1.0 + (count - len(pairs) + 0.5) / (len(pairs) + 0.5))
            norm = _K1 * (1.0 - _B + _B * lengths[docs] / average)
            self._docs.append(docs)
            self._weights.append((idf * tf * (_K1 + 1.0) / (tf + norm)).astype(np.float32))
            self._idf.append(idf)
        self._common = max(2, int(count * _COMMON_SHARE))
        self._max_idf = max(self._idf, default=1.0)

    def __len__(self) -> int:
        return len(self.items)

    def _query(self, query: str) -> _Query:
        """The query's words, each with the indexed words it stands for and its weight.

        Stopwords are left out unless the query has nothing else.
        """
        folded = fold(query)
        every = list(dict.fromkeys(folded.split()))
        chosen = [w for w in every if w not in STOPWORDS] or every
        expansions: list[list[tuple[int, float]]] = []
        weights: list[float] = []
        for word in chosen:
            word_id = self._word_ids.get(word)
            matches = [(word_id, 1.0)] if word_id is not None else self._vocabulary.near(word)
            expansions.append(matches)
            # An unknown word weighs like its best correction, or like a rare word if it has none.
            weights.append(self._idf[matches[0][0]] if matches else self._max_idf)
        return _Query(folded, chosen, expansions, weights)

    def _candidates(
        self, query: _Query, limit: int = _CANDIDATES, allowed: Mask | None = None
    ) -> list[int]:
        """Document ids ranked by BM25 over the (corrected) query words; only those `allowed`
        marks, when it is given."""
        chosen = [(w, s) for matches in query.expansions for w, s in matches]
        rare = [(w, s) for w, s in chosen if len(self._docs[w]) <= self._common]
        chosen = rare or chosen
        if not chosen:
            return []
        docs = np.concatenate([self._docs[w] for w, _ in chosen])
        weights = np.concatenate([self._weights[w] * np.float32(s) for w, s in chosen])
        if len(docs) * 8 < len(self.items):
            # Few postings: sum per touched document without touching the whole collection.
            touched, inverse = np.unique(docs, return_inverse=True)
            scores = np.bincount(inverse, weights=weights)
            if allowed is not None:
                kept = allowed[touched]
                touched, scores = touched[kept], scores[kept]
        else:
            dense = np.bincount(docs, weights=weights, minlength=len(self.items))
            if allowed is not None:
                dense[~allowed] = 0.0
            touched = np.flatnonzero(dense)
            scores = dense[touched]
        if len(touched) > limit:
            best = np.argpartition(scores, -limit)[-limit:]
            touched, scores = touched[best], scores[best]
        order = np.argsort(-scores, kind="stable")
        return [int(d) for d in touched[order]]

    def candidates(
        self, query: str, limit: int = _CANDIDATES, allowed: Mask | None = None
    ) -> list[int]:
        """The first stage alone: document ids BM25 ranks highest."""
        return self._candidates(self._query(query), limit, allowed)

    def search(
        self,
        query: str,
        limit: int = 5,
        candidates: int = _CANDIDATES,
        allowed: Mask | None = None,
    ) -> list[Hit[T]]:
        """The best `limit` items for `query`, scored 0..100, best first; the re-ranking looks
        at the first `candidates` of BM25 (among the documents `allowed` marks, if given)."""
        return self.ranked(query, limit, candidates, allowed)[0]

    def ranked(
        self,
        query: str,
        limit: int = 5,
        candidates: int = _CANDIDATES,
        allowed: Mask | None = None,
    ) -> tuple[list[Hit[T]], list[T]]:
        """Both stages from one pass: the re-ranked hits, as search() gives them, and BM25's
        own order of the candidates it re-ranked."""
        parsed = self._query(query)
        if not parsed.words:
            return [], []
        hits = []
        order = self._candidates(parsed, candidates, allowed)
        for doc_id in order:
            text = self._folded[doc_id]
            coverage = self._coverage(parsed.words, parsed.weights, set(text.split()))
            alignment = fuzz.partial_ratio(parsed.folded, text) / 100.0
            score = 100.0 * (0.65 * coverage + 0.35 * alignment)
            hits.append(Hit(self.items[doc_id], round(score, 2)))
        hits.sort(key=lambda hit: -hit.score)
        return hits[:limit], [self.items[doc_id] for doc_id in order]

    @staticmethod
    def _coverage(query_words: list[str], weights: list[float], doc_words: set[str]) -> float:
        """How much of the query the document contains, between 0 and 1.

        Half is the share of the query's IDF weight (rare words matter more), half the share of
        its words (so one rare word cannot outweigh three common ones). A typo'd word counts by
        its similarity squared, so that near-misses ("take" ~ "taken") count less than hits.
        """
        total_weight = sum(weights) or 1.0
        weighted = counted = 0.0
        for word, weight in zip(query_words, weights, strict=True):
            if word in doc_words:
                credit = 1.0
            elif word.startswith(CONCEPT) or word.isdigit():
                credit = 0.0  # a concept or a figure is there or not: no near miss counts
            else:
                best = process.extractOne(word, doc_words, scorer=fuzz.ratio, score_cutoff=75)
                credit = (best[1] / 100.0) ** 2 if best is not None else 0.0
            weighted += weight * credit
            counted += credit
        return 0.5 * weighted / total_weight + 0.5 * counted / len(query_words)
