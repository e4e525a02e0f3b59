"""The words a student uses and the words the course uses, brought together for search.

Each text (a fact, or a question) is read as stems (Snowball's English stemmer: "enlargement",
"enlarged" -> "enlarg") plus concept tokens for the course's own vocabulary: every glossary term
with its expansion and aliases ("CSTO" and "Collective Security Treaty Organisation" both give
`term:csto`), every person by any name or alias (`person:vladimir-putin`), and the usual other
names of the main actors ("Moscow", "the Kremlin" -> Russia; "the alliance" -> NATO).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache

import Stemmer

from bot.core.content.search import CONCEPT
from bot.core.text import STOPWORDS, fold

# How a student names the actors the course calls otherwise; the right side is a concept.
ACTORS: dict[str, str] = {
    "russia": "actor:russia", "russian": "actor:russia", "russians": "actor:russia",
    "moscow": "actor:russia", "kremlin": "actor:russia", "russian federation": "actor:russia",
    "nato": "actor:nato", "alliance": "actor:nato", "atlantic alliance": "actor:nato",
    "north atlantic treaty organization": "actor:nato", "brussels": "actor:nato",
    "united states": "actor:us", "us": "actor:us", "usa": "actor:us", "america": "actor:us",
    "american": "actor:us", "americans": "actor:us", "washington": "actor:us",
    "afghanistan": "actor:afghanistan", "afghan": "actor:afghanistan", "kabul": "actor:afghanistan",
    "taliban": "actor:taliban",
    "enlargement": "idea:enlargement", "expansion": "idea:enlargement",
    "eastward": "idea:enlargement", "moving east": "idea:enlargement",
    "drugs": "idea:narcotics", "drug": "idea:narcotics", "narcotics": "idea:narcotics",
    "heroin": "idea:narcotics", "opium": "idea:narcotics", "trafficking": "idea:narcotics",
    "terrorism": "idea:terrorism", "terrorist": "idea:terrorism", "terrorists": "idea:terrorism",
    "terror": "idea:terrorism",
}  # fmt: skip

# Words a student and the documents use for the same thing; each group is one concept.
SYNONYMS: tuple[tuple[str, ...], ...] = (
    ("paper", "article", "study", "report", "document"),
    ("country", "countries", "state", "states", "member", "members", "nation", "nations"),
    ("chief", "head", "leader", "secretary general", "director"),
    ("goal", "goals", "aim", "aims", "objective", "objectives", "purpose", "task", "tasks"),
    ("propose", "proposed", "proposal", "proposals", "suggest", "suggested", "offer", "offered"),
    ("reject", "rejected", "refuse", "refused", "turn down", "turned down", "decline", "declined",
     "rebuff", "rebuffed", "no answer", "ignored", "silence"),
    ("cooperate", "cooperation", "work together", "collaborate", "collaboration", "partnership",
     "ties", "links", "link"),
    ("troops", "forces", "soldiers", "military"),
    ("fight", "combat", "counter", "against", "tackle"),
    ("treaty", "agreement", "accord", "pact", "declaration", "act"),
    ("summit", "meeting", "conference", "talks"),
    ("best", "peak", "high point", "closest", "warmest"),
    ("worst", "low point", "lowest", "crisis", "freeze"),
    ("reason", "reasons", "why", "motive", "motives", "because"),
    ("body", "council", "organ", "institution", "forum"),
    ("replace", "replaced", "successor", "succeeded", "took over", "took the place",
     "take the place", "in place of", "instead of"),
    ("kind", "kinds", "type", "types", "form", "forms", "sort", "sorts"),
    ("area", "areas", "field", "fields", "strand", "strands", "domain", "domains"),
    ("journalist", "journalists", "press", "newspaper", "newspapers", "media", "reporter",
     "reporters"),
    ("conclusion", "conclusions", "concludes", "summary", "findings"),
    ("chapter", "section", "part"),
    ("supply", "supplies", "cargo", "goods", "freight", "transit"),
    ("train", "training", "trained", "teach", "courses", "instruction"),
    ("helicopter", "helicopters", "mi 17", "mi 35", "choppers"),
    ("dominate", "dominates", "backbone", "leading", "hegemon", "hegemony", "strongest"),
    ("advantage", "edge", "strength", "lever", "leverage"),
)  # fmt: skip

_STEMMER = Stemmer.Stemmer("english")


@cache
def stem(word: str) -> str:
    return str(_STEMMER.stemWord(word))


class Vocabulary:
    """Phrases (folded) -> concept tokens, found in a text as whole words."""

    def __init__(self, phrases: Iterable[tuple[str, str]]) -> None:
        self._phrases: dict[str, set[str]] = {}
        for phrase, concept in phrases:
            folded = fold(phrase)
            if folded and folded not in STOPWORDS:
                self._phrases.setdefault(folded, set()).add(concept)
        longest = sorted(self._phrases, key=len, reverse=True)
        self._pattern = (
            re.compile(r"\b(?:" + "|".join(re.escape(p) for p in longest) + r")\b")
            if longest
            else None
        )

    def concepts(self, folded: str) -> list[str]:
        if self._pattern is None:
            return []
        found: list[str] = []
        for match in self._pattern.finditer(folded):
            found.extend(sorted(self._phrases[match.group(0)]))
        return found

    def analyse(self, text: str) -> str:
        """The stems of `text` (stopwords kept: the index weighs them down) and its concepts,
        as one line of tokens."""
        folded = fold(text)
        # Stopwords stay as they are, so that the index still knows them for stopwords.
        stems = [word if word in STOPWORDS else stem(word) for word in folded.split()]
        # A concept is one token of letters and digits (the index folds everything else away).
        concepts = [CONCEPT + re.sub(r"[^0-9a-z]", "", c) for c in self.concepts(folded)]
        return " ".join([*stems, *concepts])
