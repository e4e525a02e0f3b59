"""The quiz model: what a YAML file under quizzes/ may hold (docs/quizzes.md).

Authored questions carry their own prompt, explanation and citation. Generated questions ("who
said it?", "when?", "what does X stand for?") name the content they draw from and are turned into
multiple-choice questions when a quiz is dealt, so that each session sees fresh ones.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import ConfigDict, Field, field_validator

from bot.core.content.models import Cited, Line, Model, Slug, Text
from bot.core.text import fold

Difficulty = Literal["easy", "medium", "hard"]
Scoring = Literal["speed", "first", "flat"]

MIN_CHOICES = 2
MAX_CHOICES = 5


class Choice(Model):
    text: Line
    correct: bool = False
    feedback: Text | None = Field(default=None, description="Shown when this choice is picked.")


class _Question(Model):
    id: Slug
    difficulty: Difficulty = "medium"


class _Authored(_Question, Cited):
    prompt: Text
    explanation: Text = Field(description="Shown with the answer, after the question closes.")


class ChoiceQuestion(_Authored):
    """Multiple choice: 2-5 distinct choices, exactly one of them correct."""

    type: Literal["choice"]
    choices: list[Choice] = Field(min_length=MIN_CHOICES, max_length=MAX_CHOICES)

    @field_validator("choices")
    @classmethod
    def _one_correct_and_distinct(cls, choices: list[Choice]) -> list[Choice]:
        correct = sum(choice.correct for choice in choices)
        if correct != 1:
            raise ValueError(f"exactly one choice must have 'correct: true' (found {correct})")
        seen: dict[str, str] = {}
        for choice in choices:
            key = fold(choice.text)
            if key in seen:
                raise ValueError(f"duplicate choice {choice.text!r} (same as {seen[key]!r})")
            seen[key] = choice.text
        return choices

    @property
    def answer(self) -> Choice:
        return next(choice for choice in self.choices if choice.correct)


class TrueFalseQuestion(_Authored):
    type: Literal["truefalse"]
    answer: bool


class ShortQuestion(_Authored):
    """A typed answer: any of `answers`, compared leniently (case, accents, articles, typos)."""

    type: Literal["short"]
    answers: list[Line] = Field(min_length=1, description="Accepted answers; the first is shown.")
    person: Slug | None = Field(
        default=None,
        description="The person (people.yaml id) the answer names: their full name, surname, "
        "initials with surname and aliases are accepted as well.",
    )
    fuzzy: int = Field(
        default=88,
        ge=50,
        le=100,
        description="How close a typed answer must be (rapidfuzz ratio, 100 = exact).",
    )


class NumericQuestion(_Authored):
    type: Literal["numeric"]
    answer: float
    tolerance: float = Field(default=0, ge=0, description="Accepted distance from the answer.")
    unit: Line | None = None


class _Generated(_Question):
    count: int = Field(default=3, ge=1, le=50, description="Questions dealt from this entry.")
    choices: int = Field(default=4, ge=MIN_CHOICES, le=MAX_CHOICES)
    exclude: list[Slug] = Field(
        default=[],
        description="Ids of quotes, events or terms to leave out, e.g. those that written "
        "questions of the quiz already ask about.",
    )


class WhoSaidQuestion(_Generated):
    """'Who said it?' from quotes; the other choices are speakers of the same kind."""

    type: Literal["whosaid"]
    quotes: list[Slug] = Field(default=[], description="Quote ids; empty means all quotes.")
    tags: list[Slug] = Field(default=[], description="Only quotes with one of these tags.")


class WhenQuestion(_Generated):
    """'When did it happen?' from events; the choices are years."""

    type: Literal["when"]
    events: list[Slug] = Field(default=[], description="Event ids; empty means all events.")
    topics: list[Slug] = Field(default=[], description="Only events with one of these topics.")


class AcronymQuestion(_Generated):
    """'What does X stand for?' from terms that have an expansion."""

    type: Literal["acronym"]
    terms: list[Slug] = Field(default=[], description="Term ids; empty means every acronym.")


Authored = ChoiceQuestion | TrueFalseQuestion | ShortQuestion | NumericQuestion
Generated = WhoSaidQuestion | WhenQuestion | AcronymQuestion
Question = Annotated[Authored | Generated, Field(discriminator="type")]


class QuizDefaults(Model):
    """How a session of this quiz runs unless the teacher says otherwise at /quiz start."""

    count: int = Field(default=10, ge=1, le=100, description="Questions per session.")
    seconds: int = Field(default=30, ge=5, le=600, description="Time per question.")
    shuffle: bool = True
    scoring: Scoring = "speed"


QUESTION_MODELS: dict[str, type[Authored | Generated]] = {
    "choice": ChoiceQuestion,
    "truefalse": TrueFalseQuestion,
    "short": ShortQuestion,
    "numeric": NumericQuestion,
    "whosaid": WhoSaidQuestion,
    "when": WhenQuestion,
    "acronym": AcronymQuestion,
}


class QuizHeader(Model):
    """Everything in a quiz file but its questions (validated one by one)."""

    id: Slug
    title: Line
    description: Text | None = None
    topics: list[Slug] = Field(default=[])
    defaults: QuizDefaults = QuizDefaults()


class Quiz(QuizHeader):
    """One quiz file under quizzes/."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        str_strip_whitespace=True,
        title="Lectern quiz file",
        json_schema_extra={"description": "A Lectern quiz (docs/quizzes.md)."},
    )

    questions: list[Question] = Field(min_length=1)

    @property
    def authored(self) -> list[Authored]:
        return [q for q in self.questions if not isinstance(q, Generated)]

    @property
    def size(self) -> int:
        """How many questions one full session can deal."""
        return sum(q.count if isinstance(q, Generated) else 1 for q in self.questions)
