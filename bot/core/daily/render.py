"""How a fact of the day looks: the fact, its citation, and where to go from it."""

from __future__ import annotations

from bot.core.content.catalog import Catalog
from bot.core.content.models import Fact
from bot.core.course.library import ContentLibrary
from bot.core.messages import Choice, Field, Reply

TITLE = "Fact of the day"


def practice_quiz(library: ContentLibrary, topic: str) -> str | None:
    """The quiz to practise a topic with: the most focused quiz that covers it."""
    covering = [q for q in library.quizzes.values() if topic in q.topics]
    if not covering:
        return None
    return min(covering, key=lambda q: (len(q.topics), q.id)).id


def daily_reply(library: ContentLibrary, fact: Fact, topic: str | None) -> Reply:
    """`topic` is the schedule's (None: the whole course); the fact's own first topic otherwise
    names the buttons."""
    catalog: Catalog = library.catalog
    about = topic if topic is not None and topic in fact.topics else fact.topics[0]
    titles = ", ".join(catalog.topics[t].title for t in fact.topics if t in catalog.topics)
    choices: list[Choice] = []
    if about in catalog.topics:
        choices.append(Choice(f"More on {catalog.topics[about].title}"[:80], f"/fact {about}"))
    quiz = practice_quiz(library, about)
    if quiz is not None:
        choices.append(Choice("Try a practice question", f"/practice {quiz} questions:1"))
    return Reply(
        text=fact.text,
        title=TITLE,
        fields=(Field("Topics", titles, inline=True),) if titles else (),
        citations=catalog.citations(fact.cites),
        choices=tuple(choices),
    )
