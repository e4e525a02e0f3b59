"""Wall times in IANA zones: parsing, and the next due instant across DST changes."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from bot.core.daily.when import (
    WhenError,
    closest_zones,
    next_after,
    occurrence,
    parse_time,
    parse_zone,
    shown_local,
)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("08:00", time(8, 0)),
        ("8:05", time(8, 5)),
        ("17.30", time(17, 30)),
        ("7pm", time(19, 0)),
        ("7:30 am", time(7, 30)),
        ("12am", time(0, 0)),
        ("12:15pm", time(12, 15)),
        ("23:59", time(23, 59)),
    ],
)
def test_times_are_read_as_teachers_write_them(typed: str, expected: time) -> None:
    assert parse_time(typed) == expected


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("25:00", "hours go from 00 to 23"),
        ("08:75", "minutes go from 00 to 59"),
        ("8", "write it as HH:MM, e.g. 08:00"),
        ("noon", "is not a time"),
        ("13pm", "from 1 to 12"),
    ],
)
def test_a_wrong_time_says_how_to_write_it(typed: str, says: str) -> None:
    with pytest.raises(WhenError, match=says):
        parse_time(typed)


@pytest.mark.parametrize(
    ("typed", "zone"),
    [
        ("Europe/Oslo", "Europe/Oslo"),
        ("europe/oslo", "Europe/Oslo"),
        ("Oslo", "Europe/Oslo"),
        ("New York", "America/New_York"),
        ("america/new york", "America/New_York"),
        ("utc", "UTC"),
        ("Asia/Kolkata", "Asia/Kolkata"),
    ],
)
def test_zones_are_found_by_name_in_any_case_or_by_city(typed: str, zone: str) -> None:
    assert parse_zone(typed) == zone


def test_a_misspelt_zone_gets_the_closest_names() -> None:
    assert closest_zones("Europe/Olso")[0] == "Europe/Oslo"
    with pytest.raises(WhenError, match=r"Did you mean Europe/Oslo"):
        parse_zone("Europe/Olso")
    with pytest.raises(WhenError, match="America/New_York"):
        parse_zone("America/NewYork")


def test_nonsense_is_not_a_zone_and_says_what_zones_look_like() -> None:
    with pytest.raises(WhenError, match="IANA names such as Europe/Oslo"):
        parse_zone("qqqqqqqqqqqqqqqqqq")


# Europe/Oslo: CET (+1) / CEST (+2). 2026: forward 29 March 02:00 -> 03:00; back 25 October
# 03:00 -> 02:00.
def test_oslo_spring_forward_moves_a_missing_time_to_the_first_valid_minute() -> None:
    assert occurrence(date(2026, 3, 29), time(2, 30), "Europe/Oslo") == utc(2026, 3, 29, 1, 0)
    # the day before and after keep the wall time
    assert occurrence(date(2026, 3, 28), time(2, 30), "Europe/Oslo") == utc(2026, 3, 28, 1, 30)
    assert occurrence(date(2026, 3, 30), time(2, 30), "Europe/Oslo") == utc(2026, 3, 30, 0, 30)


def test_oslo_autumn_back_takes_the_first_of_the_two_times() -> None:
    # 02:30 happens at 00:30 UTC (CEST) and again at 01:30 UTC (CET): the first counts.
    assert occurrence(date(2026, 10, 25), time(2, 30), "Europe/Oslo") == utc(2026, 10, 25, 0, 30)
    # after the first one, the next is the next day, not the repeat an hour later
    nxt = next_after(utc(2026, 10, 25, 0, 30), time(2, 30), "Europe/Oslo")
    assert nxt.at == utc(2026, 10, 26, 1, 30)
    assert nxt.day == date(2026, 10, 26)


def test_eight_oclock_stays_eight_oclock_across_both_changes_never_plus_24_hours() -> None:
    moment = utc(2026, 3, 27, 12, 0)
    seen = []
    for _ in range(3):
        nxt = next_after(moment, time(8, 0), "Europe/Oslo")
        seen.append(nxt.at)
        moment = nxt.at
    assert seen == [utc(2026, 3, 28, 7, 0), utc(2026, 3, 29, 6, 0), utc(2026, 3, 30, 6, 0)]
    assert next_after(utc(2026, 10, 24, 12), time(8, 0), "Europe/Oslo").at == utc(2026, 10, 25, 7)


def test_new_york_spring_gap_and_autumn_repeat() -> None:
    # 2026: forward 8 March 02:00 EST -> 03:00 EDT; back 1 November 02:00 EDT -> 01:00 EST.
    assert occurrence(date(2026, 3, 8), time(2, 15), "America/New_York") == utc(2026, 3, 8, 7, 0)
    assert occurrence(date(2026, 11, 1), time(1, 30), "America/New_York") == utc(2026, 11, 1, 5, 30)
    assert occurrence(date(2026, 11, 2), time(1, 30), "America/New_York") == utc(2026, 11, 2, 6, 30)


def test_kolkata_has_no_dst_and_a_half_hour_offset() -> None:
    assert occurrence(date(2026, 3, 29), time(9, 0), "Asia/Kolkata") == utc(2026, 3, 29, 3, 30)
    assert occurrence(date(2026, 10, 25), time(9, 0), "Asia/Kolkata") == utc(2026, 10, 25, 3, 30)


def test_kathmandu_and_chatham_have_45_minute_offsets_and_chatham_changes_too() -> None:
    assert occurrence(date(2026, 6, 1), time(8, 0), "Asia/Kathmandu") == utc(2026, 6, 1, 2, 15)
    # Pacific/Chatham: +12:45 in winter, +13:45 in summer; 2026 forward 27 Sept 02:45 -> 03:45
    assert occurrence(date(2026, 6, 1), time(8, 0), "Pacific/Chatham") == utc(2026, 5, 31, 19, 15)
    assert occurrence(date(2026, 12, 1), time(8, 0), "Pacific/Chatham") == utc(2026, 11, 30, 18, 15)
    gap = occurrence(date(2026, 9, 27), time(3, 0), "Pacific/Chatham")
    assert gap == utc(2026, 9, 26, 14, 0)  # 03:45 local, the first valid minute


def test_a_whole_missing_day_moves_to_the_next_valid_minute() -> None:
    # Samoa skipped 30 December 2011 entirely.
    moved = occurrence(date(2011, 12, 30), time(9, 0), "Pacific/Apia")
    assert moved == utc(2011, 12, 30, 10, 0)  # 31 December 00:00 local (+14)


def test_next_after_is_strictly_after() -> None:
    at = utc(2026, 6, 1, 6, 0)  # 08:00 Oslo
    assert next_after(at, time(8, 0), "Europe/Oslo").at == utc(2026, 6, 2, 6, 0)
    assert next_after(at, time(8, 1), "Europe/Oslo").at == utc(2026, 6, 1, 6, 1)


def test_the_local_day_of_an_occurrence_is_the_schedules_day() -> None:
    nxt = next_after(utc(2026, 6, 1, 19, 0), time(1, 0), "Asia/Kolkata")  # 00:30 there
    assert nxt.day == date(2026, 6, 2)
    assert nxt.at == utc(2026, 6, 1, 19, 30)


def test_shown_local_gives_local_and_utc() -> None:
    assert (
        shown_local(utc(2026, 3, 3, 7, 0), "Europe/Oslo")
        == "Tue 3 Mar, 08:00 Europe/Oslo (07:00 UTC)"
    )
    assert shown_local(utc(2026, 3, 3, 7, 0), "UTC") == "Tue 3 Mar, 07:00 UTC"
