"""The ways a person of the course may rightly be named: what answer keys accept and what
search recognises as that person."""

from __future__ import annotations

from bot.core.content.models import Person

_TITLES = frozenset(
    {
        "ambassador", "president", "general", "minister", "secretary", "mr", "mrs", "ms", "dr",
        "prof", "admiral", "colonel", "lord", "sir", "foreign", "defence", "defense", "prime",
    }
)  # fmt: skip


def name_forms(person: Person) -> list[str]:
    """Every way a student may rightly name `person`: the full name and the aliases the content
    gives, and for a person (not a body) the surname alone and with initials ("S. Ivanov",
    "S Ivanov", "S.B. Ivanov" from "Sergey Borisovich Ivanov")."""
    names = [person.name, *person.aliases]
    forms = list(names)
    if person.kind == "person":
        for name in names:
            words = [w for w in name.replace(".", ". ").split() if w]
            if len(words) < 2 or not words[-1][0].isupper() or words[-1].endswith("."):
                continue
            first, surname = words[:-1], words[-1]
            if any(not w[0].isupper() or w.casefold() in _TITLES for w in first):
                continue  # "Ambassador Rogozin" stays as given: no "A. Rogozin"
            initials = [w[0] for w in first]
            forms += [
                surname,
                f"{initials[0]}. {surname}",
                f"{initials[0]} {surname}",
                f"{'.'.join(initials)}. {surname}",
            ]
    return list(dict.fromkeys(forms))
