"""Which runs of a schedule are due at a moment: the rules of catch-up, kept apart from the
storage that applies them. A run missed by more than the grace window is recorded as missed;
of several runs within it only the latest goes out, so a channel never gets a flood; a bot down
for months records at most `MAX_MISSED_DAYS` of them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from bot.core.daily.when import Occurrence, next_after

MAX_MISSED_DAYS = 31
_TICK = timedelta(microseconds=1)


def run_from(moment: datetime, at: time, zone: str) -> Occurrence:
    """The first run at or after `moment` (a stored `next_run_at`, with its local day)."""
    return next_after(moment - _TICK, at, zone)


@dataclass(frozen=True, slots=True)
class DueRuns:
    missed: list[Occurrence]
    post: Occurrence | None  # the one to post now, if any
    upcoming: Occurrence  # the next run after now


def due_runs(
    next_run_at: datetime, at: time, zone: str, now: datetime, grace: timedelta
) -> DueRuns:
    oldest = now - grace - timedelta(days=MAX_MISSED_DAYS)
    run = run_from(max(next_run_at, oldest), at, zone)
    missed: list[Occurrence] = []
    post: Occurrence | None = None
    while run.at <= now:
        if not still_postable(run.at, now, grace):
            missed.append(run)
        else:
            if post is not None:  # several runs within the window: only the latest goes out
                missed.append(post)
            post = run
        run = next_after(run.at, at, zone)
    return DueRuns(missed, post, run)


def after_posting(next_run_at: datetime, at: time, zone: str, day: date) -> datetime | None:
    """When a schedule runs next once local day `day`'s post has gone out ahead of time
    (/daily now); None when its next run already belongs to a later day."""
    run = run_from(next_run_at, at, zone)
    if run.day > day:
        return None
    while run.day <= day:
        run = next_after(run.at, at, zone)
    return run.at


def still_postable(due_at: datetime, now: datetime, grace: timedelta) -> bool:
    """Whether a run that fell due at `due_at` may still go out at `now`."""
    return now - due_at <= grace
