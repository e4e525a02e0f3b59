"""Text folding and tokenising shared by search, matching and the command parser."""

from __future__ import annotations

import calendar
import re
import unicodedata

_POSSESSIVE = re.compile(r"['’]s\b")
_APOSTROPHE = re.compile(r"['’`´]")
_NON_WORD = re.compile(r"[^0-9a-z]+")

# Words so common in questions and quotes that they only add noise to a ranking.
STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "for",
        "from",
        "has",
        "have",
        "he",
        "i",
        "in",
        "is",
        "it",
        "its",
        "of",
        "on",
        "or",
        "that",
        "the",
        "this",
        "to",
        "was",
        "were",
        "will",
        "with",
        "we",
        "our",
        "you",
        "your",
        "they",
        "their",
        "them",
        "what",
        "when",
        "who",
        "which",
        "how",
        "why",
        "did",
        "does",
        "do",
        "said",
        "say",
        "says",
    ]
)


def fold(text: str) -> str:
    """Lower-case, accent-free, punctuation-free form of `text`, words separated by one space.

    NFKD splits accented letters so that the combining marks can be dropped ("Bordyužha" ->
    "bordyuzha"); casefold handles the cases lower() misses ("Straße" -> "strasse").
    """
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    stripped = _POSSESSIVE.sub("", stripped)
    stripped = _APOSTROPHE.sub("", stripped)
    return _NON_WORD.sub(" ", stripped).strip()


def words(text: str) -> list[str]:
    """Folded words of `text`, stopwords included."""
    folded = fold(text)
    return folded.split() if folded else []


def terms(text: str) -> list[str]:
    """Folded words of `text` without stopwords: what a search index ranks on."""
    return [w for w in words(text) if w not in STOPWORDS]


def human_date(value: str) -> str:
    """'2002' -> '2002', '2005-10' -> 'October 2005', '2002-05-28' -> '28 May 2002'."""
    parts = value.split("-")
    if len(parts) == 2:
        return f"{calendar.month_name[int(parts[1])]} {parts[0]}"
    if len(parts) == 3:
        return f"{int(parts[2])} {calendar.month_name[int(parts[1])]} {parts[0]}"
    return value


def shorten(text: str, limit: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


# Discord pings "@everyone"/"@here" wherever they start, even inside a longer word ("@herein");
# Slack also reads "@channel". Mention markup starts "<@" (users, roles "<@&"), "<#" (channels)
# or "<!" (Slack's <!channel>, <!here>, <!subteam^...>).
_MASS_MENTIONS = re.compile(r"@(everyone|here|channel)", re.IGNORECASE)
_ANGLE_MENTIONS = re.compile(r"<(?=[@!#])")
_ZERO_WIDTH_SPACE = "\u200b"


def defuse_mentions(text: str) -> str:
    """Make mass mentions and platform mention syntax inert, whatever renders the text.

    Idempotent. Adapters also disable mentions in their API calls; this is the second lock, so
    that content or echoed user input can never ping @everyone, @here, a role (<@&id>) or
    <!channel>.
    """
    text = _MASS_MENTIONS.sub(lambda m: "@" + _ZERO_WIDTH_SPACE + m.group(1), text)
    return _ANGLE_MENTIONS.sub("<" + _ZERO_WIDTH_SPACE, text)
