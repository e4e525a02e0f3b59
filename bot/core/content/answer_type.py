"""What kind of answer a question asks for, and whether a text could give it.

A question that shares most of its words with a passage is not answered by it when it asks for
something the passage does not hold: "Who commanded the force in 2007?" is not answered by a
passage that names nobody but the force, nor "How many sniffer dogs...?" by one that counts
officers. Search uses this to withhold confidence, not to rank.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from bot.core.content.vocabulary import stem
from bot.core.text import STOPWORDS, fold

_YEAR = re.compile(r"\b(?:1[89]\d\d|20\d\d)\b")
_NUMBER_WORDS = (
    r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|"
    r"fifty|sixty|seventy|eighty|ninety|dozens?|"
    r"hundreds?|thousands?|millions?|billions?|half|third|quarter|percent"
)
_AMOUNT = re.compile(rf"\b(?:\d[\d,.]*|{_NUMBER_WORDS})\b")
_MONEY = re.compile(
    r"\b(?:euros?|dollars?|usd|eur|pounds?|roubles?|rubles?|budget|fund(?:ed|s)?)\b"
)
_NEAR = 4  # how many words a count may stand from the thing it counts


def _counted(asked: list[str]) -> list[str]:
    """The words naming what 'how many ...' counts: up to two before the next stopword."""
    start = next(i for i in range(len(asked) - 1) if asked[i : i + 2] == ["how", "many"]) + 2
    things: list[str] = []
    for word in asked[start:]:
        if word in STOPWORDS or len(things) == 2:
            break
        things.append(word)
    return things


def _counts_of(things: list[str], said: list[str]) -> bool:
    """Whether `said` has a figure within a few words of one of `things` (by stem)."""
    heads = {stem(t) for t in things}
    for index, word in enumerate(said):
        if stem(word) in heads:
            window = said[max(0, index - _NEAR) : index + _NEAR + 1]
            if any(_AMOUNT.fullmatch(w) for w in window):
                return True
    return False


def answerable(question: str, text: str, names: Callable[[str], set[str]]) -> bool:
    """Whether `text` holds the kind of answer `question` asks for: a person or body (who), a
    date (when, what year), an amount (how many, how much). `names` gives the people a folded
    text names; a 'who' answer must name someone the question does not. Other questions
    (what, why, how) can be answered by any text."""
    asked = fold(question)
    said = fold(text)
    words = asked.split()
    first = words[0] if words else ""
    if first in {"who", "whom", "whose"}:
        return bool(names(said) - names(asked))
    if first == "when" or re.search(r"\b(?:what|which) year\b", asked):
        return bool(_YEAR.search(said))
    if re.search(r"\bhow much (?:money|funding|did .* (?:cost|pay|give|spend))", asked):
        return bool(_MONEY.search(said) and _AMOUNT.search(said))
    if re.search(r"\bhow many\b", asked):
        things = _counted(words)
        return _counts_of(things, said.split()) if things else bool(_AMOUNT.search(said))
    return True
