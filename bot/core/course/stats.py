"""Coverage of the course: what the content holds, per source, section and topic, and its gaps."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from bot.core.content.catalog import Catalog
from bot.core.content.models import Cite
from bot.core.quiz.models import Generated, Quiz


@dataclass(frozen=True, slots=True)
class SectionCoverage:
    source_id: str
    section_id: str
    title: str
    counts: dict[str, int]  # by kind: facts, quotes, terms, events, questions

    @property
    def facts(self) -> int:
        return self.counts.get("facts", 0)


@dataclass
class Coverage:
    kinds: dict[str, int]
    by_source: dict[str, dict[str, int]]
    sections: list[SectionCoverage]
    by_topic: dict[str, dict[str, int]]  # facts, events, quizzes per topic
    quizzes: dict[str, dict[str, int]] = field(default_factory=dict)
    question_types: dict[str, int] = field(default_factory=dict)
    difficulties: dict[str, int] = field(default_factory=dict)

    @property
    def uncited_sections(self) -> list[SectionCoverage]:
        """Sections that no fact cites: the gaps a content writer should fill first."""
        return [s for s in self.sections if s.facts == 0]

    @property
    def authored_questions(self) -> int:
        return sum(q["authored"] for q in self.quizzes.values())


def coverage(catalog: Catalog, quizzes: dict[str, Quiz] | None = None) -> Coverage:
    quizzes = quizzes or {}
    per_section: dict[tuple[str, str], Counter[str]] = {}
    by_source: dict[str, Counter[str]] = {s: Counter() for s in catalog.sources}
    cited: list[tuple[str, Cite]] = [
        *(("facts", c) for fact in catalog.facts.values() for c in fact.cites),
        *(("quotes", quote.cite) for quote in catalog.quotes.values()),
        *(("terms", c) for term in catalog.terms.values() for c in term.cites),
        *(("events", c) for event in catalog.events.values() for c in event.cites),
        *(("questions", c) for quiz in quizzes.values() for q in quiz.authored for c in q.cites),
    ]
    for kind, cite in cited:
        per_section.setdefault((cite.source, cite.section), Counter())[kind] += 1
        by_source[cite.source][kind] += 1
    sections = [
        SectionCoverage(
            source.id, section.id, section.title, dict(per_section.get((source.id, section.id), {}))
        )
        for source in catalog.sources.values()
        for section in source.sections
    ]
    by_topic: dict[str, Counter[str]] = {t: Counter() for t in catalog.topics}
    for fact in catalog.facts.values():
        for topic in fact.topics:
            by_topic[topic]["facts"] += 1
    for event in catalog.events.values():
        for topic in event.topics:
            by_topic[topic]["events"] += 1
    for quiz in quizzes.values():
        for topic in quiz.topics:
            by_topic[topic]["quizzes"] += 1
    kinds = {
        kind: len(getattr(catalog, kind))
        for kind in ("sources", "topics", "people", "quotes", "facts", "terms", "events")
    }
    per_quiz = {
        quiz.id: {
            "authored": len(quiz.authored),
            "generated": sum(q.count for q in quiz.questions if isinstance(q, Generated)),
        }
        for quiz in quizzes.values()
    }
    kinds["quizzes"] = len(quizzes)
    authored = [q for quiz in quizzes.values() for q in quiz.authored]
    return Coverage(
        kinds=kinds,
        by_source={s: dict(c) for s, c in by_source.items()},
        sections=sections,
        by_topic={t: dict(c) for t, c in by_topic.items()},
        quizzes=per_quiz,
        question_types=dict(Counter(q.type for q in authored)),
        difficulties=dict(Counter(q.difficulty for q in authored)),
    )
