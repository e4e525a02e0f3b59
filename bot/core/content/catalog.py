"""The loaded course content, cross-referenced and indexed for the command handlers."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from bot.core.content.course_search import CourseSearch, Entry
from bot.core.content.models import Cite, Event, Fact, Person, Quote, Source, Term, Topic
from bot.core.content.names import name_forms
from bot.core.content.search import Hit, SearchIndex
from bot.core.content.vocabulary import ACTORS, SYNONYMS, Vocabulary
from bot.core.messages import Citation
from bot.core.text import fold


@dataclass(frozen=True, slots=True)
class NameMatch:
    key: str  # the id of what matched
    label: str  # the name or alias that matched, as written in the content
    score: float


class NameIndex:
    """Finds an id by any of its names, tolerating misspellings ("putn" -> Putin)."""

    def __init__(self, names: Iterable[tuple[str, str]]) -> None:
        self._labels: list[str] = []
        self._keys: list[str] = []
        self._folded: list[str] = []
        self._exact: dict[str, str] = {}
        for key, label in names:
            folded = fold(label)
            if folded:
                self._keys.append(key)
                self._labels.append(label)
                self._folded.append(folded)
                self._exact.setdefault(folded, key)

    def exact(self, query: str) -> str | None:
        return self._exact.get(fold(query))

    def match(self, query: str, limit: int = 3, cutoff: float = 70.0) -> list[NameMatch]:
        """Best distinct ids for `query`, best first; a whole-word hit beats a fuzzy one."""
        folded = fold(query)
        if not folded:
            return []
        found = process.extract(
            folded, self._folded, scorer=fuzz.WRatio, limit=limit * 4, score_cutoff=cutoff
        )
        best: dict[str, NameMatch] = {}
        for _, score, index in found:
            key = self._keys[index]
            if folded in self._folded[index].split():
                score = max(score, 99.0)  # a surname typed in full
            if key not in best or score > best[key].score:
                best[key] = NameMatch(key, self._labels[index], float(score))
        ranked = sorted(best.values(), key=lambda m: -m.score)
        return ranked[:limit]


TOPIC_MATCH_SCORE = 80.0  # how close a misspelt topic must be to count


@dataclass
class Catalog:
    sources: dict[str, Source] = field(default_factory=dict)
    topics: dict[str, Topic] = field(default_factory=dict)
    people: dict[str, Person] = field(default_factory=dict)
    quotes: dict[str, Quote] = field(default_factory=dict)
    facts: dict[str, Fact] = field(default_factory=dict)
    terms: dict[str, Term] = field(default_factory=dict)
    events: dict[str, Event] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.quote_index = SearchIndex(list(self.quotes.values()), lambda q: q.text)
        self.vocabulary = Vocabulary(self._vocabulary())
        entries: list[Entry] = [
            *(Entry("fact", f) for f in self.facts.values()),
            *(Entry("event", e) for e in self.events.values()),
            *(Entry("term", t) for t in self.terms.values()),
            *(Entry("quote", q) for q in self.quotes.values()),
        ]
        self.people_names = NameIndex(
            (p.id, name) for p in self.people.values() for name in (p.name, *p.aliases)
        )
        self.term_names = NameIndex(
            (t.id, name)
            for t in self.terms.values()
            for name in (t.term, *([t.expansion] if t.expansion else []), *t.aliases)
        )
        self.course = CourseSearch(entries, self._describe, self.vocabulary, self.term_names.exact)
        self.topic_names = NameIndex(
            (t.id, name) for t in self.topics.values() for name in (t.id, t.title)
        )
        self.quotes_by_speaker: dict[str, list[Quote]] = {}
        for quote in self.quotes.values():
            self.quotes_by_speaker.setdefault(quote.speaker, []).append(quote)
        self.facts_by_topic: dict[str, list[Fact]] = {}
        for fact in self.facts.values():
            for topic in fact.topics:
                self.facts_by_topic.setdefault(topic, []).append(fact)

    def _vocabulary(self) -> list[tuple[str, str]]:
        """The course's names for things, each with the concept it stands for."""
        phrases = list(ACTORS.items())
        phrases += [(word, f"syn:{group[0]}") for group in SYNONYMS for word in group]
        for term in self.terms.values():
            for name in (term.term, term.expansion, *term.aliases):
                if name:
                    phrases.append((name, f"term:{term.id}"))
        for person in self.people.values():
            phrases += [(name, f"person:{person.id}") for name in name_forms(person)]
        return phrases

    def find_topic(self, typed: str) -> str | None:
        """The topic id `typed` names: exactly (id or title, any case), else the close match."""
        found = self.topic_names.exact(typed)
        if found is None:
            matches = self.topic_names.match(typed, limit=1, cutoff=TOPIC_MATCH_SCORE)
            found = matches[0].key if matches else None
        return found

    def search_facts_by_meaning(self, question: str, limit: int = 3) -> list[Hit[Fact]]:
        """Facts alone for a question in a student's own words (see CourseSearch)."""
        hits = self.course.search(question, limit, kinds=("fact",))
        return [Hit(h.item.item, h.score) for h in hits if isinstance(h.item.item, Fact)]

    def _topic_titles(self, topics: Iterable[str]) -> str:
        return " ".join(self.topics[t].title for t in topics if t in self.topics)

    def _describe(self, entry: Entry) -> str:
        """The text an entry is found by: what a reply shows of it, with its date, its topics'
        titles and, for a quote, who said it."""
        item = entry.item
        if isinstance(item, Fact):
            return f"{item.text} {item.date or ''} {self._topic_titles(item.topics)}"
        if isinstance(item, Event):
            return (
                f"{item.title}. {item.description or ''} {item.date} "
                f"{self._topic_titles(item.topics)}"
            )
        if isinstance(item, Term):
            return f"{item.term} {item.expansion or ''} {' '.join(item.aliases)} {item.definition}"
        speaker = self.people.get(item.speaker)
        said = f"{speaker.name} {item.role or speaker.role or ''}" if speaker else ""
        return f"{item.text} {said} {item.context or ''} {item.date or ''}"

    def citation(self, cite: Cite) -> Citation:
        source = self.sources[cite.source]
        section = next(s for s in source.sections if s.id == cite.section)
        return Citation(
            source_id=source.id,
            source_title=source.title,
            section_id=section.id,
            section_title=section.title,
            footnote=cite.footnote,
            ref=cite.ref,
            page=cite.page,
        )

    def citations(self, cites: Iterable[Cite]) -> tuple[Citation, ...]:
        """Each distinct citation of an item (or of several), in the order given."""
        return tuple(self.citation(cite) for cite in dict.fromkeys(cites))

    def search_quotes(self, fragment: str, limit: int = 5) -> list[Hit[Quote]]:
        return self.quote_index.search(fragment, limit)

    def search_facts(self, question: str, limit: int = 3) -> list[Hit[Fact]]:
        """Facts by the words as typed alone: the baseline of benchmarks/fact_search.py."""
        hits = self.course.search_as_typed(question, limit, kinds=("fact",))
        return [Hit(h.item.item, h.score) for h in hits if isinstance(h.item.item, Fact)]
