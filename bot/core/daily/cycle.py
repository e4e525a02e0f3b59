"""Which fact a channel gets today: every fact of its topic (or of the course) once, in an order
of its own, before any comes back; then a new cycle in a new order.

The state is the schedule's cycle number and the facts already posted in it, so the choice
survives restarts and is the same whichever process makes it. A fact removed from the content
simply is no longer a candidate; a new one is one more fact left in the cycle.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from bot.core.content.catalog import Catalog
from bot.core.daily.records import Schedule


@dataclass(frozen=True, slots=True)
class Pick:
    fact_id: str
    cycle: int
    seen: tuple[str, ...]  # the cycle's posted facts, this one included
    left: int  # facts still to come in the cycle after this one


def candidates(catalog: Catalog, topic: str | None) -> list[str]:
    """The fact ids a schedule draws from, in a stable order."""
    if topic is None:
        return sorted(catalog.facts)
    return sorted(f.id for f in catalog.facts_by_topic.get(topic, []))


def _order(ids: list[str], schedule_id: int, cycle: int) -> list[str]:
    shuffled = list(ids)
    random.Random(f"daily:{schedule_id}:{cycle}").shuffle(shuffled)
    return shuffled


def left_in_cycle(catalog: Catalog, schedule: Schedule) -> tuple[int, int]:
    """(facts not yet posted in this cycle, facts in all)."""
    ids = candidates(catalog, schedule.topic)
    seen = set(schedule.seen)
    return sum(i not in seen for i in ids), len(ids)


def pick(catalog: Catalog, schedule: Schedule) -> Pick | None:
    """Today's fact for `schedule`; None when its topic has no facts (any more)."""
    ids = candidates(catalog, schedule.topic)
    if not ids:
        return None
    present = set(ids)
    seen = [i for i in schedule.seen if i in present]
    cycle = schedule.cycle
    left = [i for i in _order(ids, schedule.id, cycle) if i not in set(seen)]
    if not left:  # every fact has been posted: start over, in a new order
        last = seen[-1] if seen else None
        cycle, seen = cycle + 1, []
        left = _order(ids, schedule.id, cycle)
        if len(left) > 1 and left[0] == last:  # never the same fact two days running
            left.append(left.pop(0))
    chosen = left[0]
    return Pick(chosen, cycle, (*seen, chosen), len(left) - 1)
