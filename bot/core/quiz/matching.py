"""Is a typed answer right? Lenient the way a teacher marking by hand is lenient.

Case, accents, punctuation, a leading article and extra spaces never matter; numbers compare as
numbers ("60,000" == "60 000" == "60000"); small typos pass, except in very short answers where a
single letter changes the word ("air" is not "chair").
"""

from __future__ import annotations

import re
import unicodedata

from rapidfuzz import fuzz

_ARTICLE = re.compile(r"(?:the|a|an)\s+")
_NON_WORD = re.compile(r"[^\w\s]|_")
_SPACES = re.compile(r"\s+")
FUZZY_MIN_LENGTH = 4  # answers of 3 characters or fewer must match exactly

# One number, with optional sign, thousands separators (",", ".", space, narrow or no-break space,
# apostrophe) or a decimal part; around it only a unit or a percent sign.
_GROUPED = r"\d{1,3}(?:[,\u00a0\u202f ']\d{3})+"
_NUMBER = re.compile(rf"^[~≈]?\s*(?P<sign>[-+−])?\s*(?P<int>{_GROUPED}|\d+)(?:[.,](?P<dec>\d+))?")

_HEDGE = re.compile(r"^(?:about|around|roughly|approximately|approx\.?|circa|ca\.|c\.)\s+", re.I)


def normalize(text: str) -> str:
    """NFKC, case-folded, accents and punctuation stripped, leading article dropped."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    # Before punctuation goes: "A. Ivanov" starts with an initial, not with the article "a".
    article = _ARTICLE.match(text.strip())
    if article is not None and len(text.strip()) > article.end():
        text = text.strip()[article.end() :]
    return _SPACES.sub(" ", _NON_WORD.sub(" ", text)).strip()


def parse_number(text: str) -> float | None:
    """The number in a typed answer, or None when the answer is not a number.

    A comma followed by exactly three digits groups thousands ("60,000"); otherwise it is a
    decimal comma ("2,5"), as much of Europe writes it.
    """
    text = _HEDGE.sub("", unicodedata.normalize("NFKC", text).strip())
    found = _NUMBER.match(text)
    if found is None:
        return None
    rest = text[found.end() :].strip()
    if rest and not re.fullmatch(r"%|[^\W\d_][\w\s.-]*", rest):
        return None
    digits = re.sub(r"[^\d]", "", found["int"])
    value = float(f"{digits}.{found['dec']}" if found["dec"] else digits)
    return -value if found["sign"] in ("-", "−") else value


def matches_text(typed: str, accepted: list[str] | tuple[str, ...], threshold: int) -> bool:
    """True when `typed` is one of `accepted`, allowing typos in answers longer than 3 chars."""
    answer = normalize(typed)
    if not answer:
        return False
    for option in accepted:
        wanted = normalize(option)
        if answer == wanted:
            return True
        long_enough = min(len(wanted), len(answer)) >= FUZZY_MIN_LENGTH
        if (
            long_enough
            and fuzz.ratio(answer, wanted) >= threshold
            and _same_initials(answer, wanted)
        ):
            return True
    return False


def _same_initials(answer: str, wanted: str) -> bool:
    """A typo may slip into a word, never into an initial: "A Rogozin" is not "D Rogozin"."""
    return [w for w in answer.split() if len(w) == 1] == [w for w in wanted.split() if len(w) == 1]


def matches_number(typed: str, answer: float, tolerance: float) -> bool | None:
    """Whether the typed number is within tolerance; None when nothing numeric was typed."""
    value = parse_number(typed)
    if value is None:
        return None
    return abs(value - answer) <= tolerance + 1e-9
