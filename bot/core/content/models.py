"""The content model: what a YAML file under content/ may hold.

Every model forbids unknown keys, so that a misspelt key is an error with its line, not a silently
ignored value.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints

Slug = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z0-9][a-z0-9.\-]*$", max_length=80),
    Field(description="Lowercase id: letters, digits, '-' and '.'."),
]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000)]
Line = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]

_PARTIAL_DATE = re.compile(r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$")


def _partial_date(value: object) -> object:
    # YAML turns an unquoted 2002-05-28 into a date and 2002 into an int: accept both spellings.
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if isinstance(value, str) and not _PARTIAL_DATE.match(value):
        raise ValueError(f"date must be YYYY, YYYY-MM or YYYY-MM-DD, got {value!r}")
    return value


PartialDate = Annotated[
    str,
    BeforeValidator(_partial_date),
    Field(
        description='"YYYY", "YYYY-MM" or "YYYY-MM-DD"',
        json_schema_extra={"pattern": _PARTIAL_DATE.pattern},
    ),
]


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Cite(Model):
    """Where an item comes from: a source id and one of its section ids."""

    source: Slug
    section: Annotated[str, StringConstraints(min_length=1, max_length=80)]
    footnote: int | None = Field(default=None, ge=1, description="A footnote of the source.")
    page: str | None = None
    ref: int | None = Field(
        default=None, ge=1, description="A numbered reference [n] of the source's bibliography."
    )


class Cited(Model):
    """An item whose text may draw on more than one place: `cite` is where it mainly comes from,
    `also_cite` every other section (or footnote) it takes a figure, name or claim from, so that
    a student who opens the cited sections finds all of it."""

    cite: Cite
    also_cite: list[Cite] = Field(
        default=[], description="Further sections or footnotes the item draws on."
    )

    @property
    def cites(self) -> tuple[Cite, ...]:
        return (self.cite, *self.also_cite)


class Section(Model):
    id: Annotated[str, StringConstraints(min_length=1, max_length=80)]
    title: Line


class Source(Model):
    id: Slug
    title: Line
    authors: list[Line] = Field(min_length=1)
    year: int = Field(ge=1800, le=2100)
    kind: Line
    publisher: Line | None = None
    file: str | None = None
    url: str | None = None
    sections: list[Section] = Field(min_length=1)


class Topic(Model):
    id: Slug
    title: Line
    description: Text | None = None


class Person(Model):
    id: Slug
    name: Line
    aliases: list[Line] = []
    kind: Literal["person", "body"] = "person"
    role: Line | None = None
    organisation: Line | None = None
    note: Text | None = None
    cite: Cite | None = None


class Quote(Model):
    id: Slug
    text: Text
    speaker: Slug
    role: Line | None = None
    date: PartialDate | None = None
    context: Text | None = None
    cite: Cite
    tags: list[Slug] = []


class Fact(Cited):
    id: Slug
    text: Text
    topics: list[Slug] = Field(min_length=1)
    date: PartialDate | None = None


class Term(Cited):
    id: Slug
    term: Line
    expansion: Line | None = None
    aliases: list[Line] = []
    definition: Text


class Event(Cited):
    id: Slug
    date: PartialDate
    title: Line
    description: Text | None = None
    topics: list[Slug] = []


class ContentFile(Model):
    """One YAML file under content/: any of these lists, each optional."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        title="Lectern content file",
        json_schema_extra={"description": "A file of Lectern course content (docs/content.md)."},
    )

    sources: list[Source] = []
    topics: list[Topic] = []
    people: list[Person] = []
    quotes: list[Quote] = []
    facts: list[Fact] = []
    terms: list[Term] = []
    events: list[Event] = []


KINDS: tuple[str, ...] = tuple(ContentFile.model_fields)
