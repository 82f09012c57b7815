"""ISO time <-> minute of the week: the one place the contract's times are converted.

A plan's times are ISO 8601 with their offset (`2026-11-30T09:00:00+08:00`, in the scenario's
zone when written); a task's fixed start is local wall-clock time without one
(`2026-11-30T09:00`). Inside the house a time is a whole minute of the week, 0 = Monday 00:00
local time of the scenario's week.
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any
from zoneinfo import ZoneInfo

import pendulum

from mutualaid.domain.model import MINUTES_PER_DAY, OfWeek, WeekClock, local_time


def iso(week: OfWeek, minute: int) -> str:
    """The minute of the week (a Scenario's, a WeekClock's) as ISO 8601 local time with its
    offset."""
    return _iso(week.week_start, week.timezone, minute)


@functools.lru_cache(maxsize=1 << 16)
def _iso(week_start: pendulum.Date, zone: str, minute: int) -> str:
    """Kept: a publish writes the same plan's times several times (stored, validated,
    answered), 15 us each, 2 x 1,800 of them on a district week."""
    return local_time(WeekClock(week_start, zone), minute).isoformat()


def minute_of(week: OfWeek, stamp: Any) -> int:
    """The minute of the week at an ISO 8601 time (read in the week's zone). Raises
    ValueError when the text is not ISO 8601."""
    return minute_at(week.week_start, week.timezone, stamp)


def minute_at(week_start: dt.date, zone: str, stamp: Any) -> int:
    """The minute of the week starting `week_start` at an ISO 8601 time, read in `zone`
    (negative, or past the week, when the time is outside it). Raises ValueError when the
    text is not ISO 8601."""
    there = dt.datetime.fromisoformat(str(stamp)).astimezone(ZoneInfo(zone))
    day = (there.date() - week_start).days
    return day * MINUTES_PER_DAY + there.hour * 60 + there.minute


def local_minute(week_start: pendulum.Date, when: dt.datetime) -> int:
    """The minute of the week of a local wall-clock time (its offset, if any, ignored): past
    the week's end or before its start when the time is outside the week."""
    day = (pendulum.Date(when.year, when.month, when.day) - week_start).in_days()
    return day * MINUTES_PER_DAY + when.hour * 60 + when.minute


def local_text(week_start: pendulum.Date, minute: int) -> str:
    """A fixed start as the contract writes it: `YYYY-MM-DDTHH:MM`, local time."""
    day, of_day = divmod(minute, MINUTES_PER_DAY)
    return f"{week_start.add(days=day).isoformat()}T{clock_text(of_day)}"


def local_start(value: Any) -> str:
    """A fixed start as written (text or a datetime YAML read) in the contract's form,
    `YYYY-MM-DDTHH:MM`: local wall-clock time to the minute."""
    parsed = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))
    return parsed.strftime("%Y-%m-%dT%H:%M")


def clock_text(minute_of_day: int) -> str:
    """`HH:MM` of a minute of the day (24:00 for the day's end)."""
    return f"{minute_of_day // 60:02d}:{minute_of_day % 60:02d}"


def exists(wall: dt.datetime, zone: ZoneInfo) -> bool:
    """Whether a local clock time (naive) exists in `zone`: not in the hour the clocks jump
    over when daylight saving starts."""
    there = wall.replace(tzinfo=zone).astimezone(dt.UTC).astimezone(zone)
    return there.replace(tzinfo=None) == wall


@functools.cache
def missing_minutes(week_start: dt.date, zone: str) -> tuple[tuple[int, int], ...]:
    """The minutes of the week whose local clock time does not exist, as half-open spans
    [a, b): the hour the clocks jump over when daylight saving starts (02:00-03:00 on a
    European spring Sunday). No time of a plan may be one of them: written with its offset,
    02:30 would read back as 03:30 and a visit would lose an hour."""
    tz = ZoneInfo(zone)
    gaps: list[tuple[int, int]] = []
    for day in range(7):
        date = week_start + dt.timedelta(days=day)
        first = dt.datetime.combine(date, dt.time(), tz).utcoffset()
        last = dt.datetime.combine(date + dt.timedelta(days=1), dt.time(), tz).utcoffset()
        if first is None or last is None or last <= first:
            continue  # no gap starts on a day whose offset does not grow
        for minute in range(MINUTES_PER_DAY):
            if not exists(dt.datetime.combine(date, dt.time(minute // 60, minute % 60)), tz):
                at = day * MINUTES_PER_DAY + minute
                if gaps and gaps[-1][1] == at:
                    gaps[-1] = (gaps[-1][0], at + 1)
                else:
                    gaps.append((at, at + 1))
    return tuple(gaps)


def starts_that_exist(
    ranges: list[tuple[int, int]], duration: int, gaps: tuple[tuple[int, int], ...]
) -> list[tuple[int, int]]:
    """The start ranges (inclusive) less every start whose start or end minute is missing."""
    for g0, g1 in gaps:
        for lo_cut, hi_cut in ((g0, g1 - 1), (g0 - duration, g1 - 1 - duration)):
            kept: list[tuple[int, int]] = []
            for a, b in ranges:
                if hi_cut < a or lo_cut > b:
                    kept.append((a, b))
                    continue
                if a < lo_cut:
                    kept.append((a, lo_cut - 1))
                if hi_cut < b:
                    kept.append((hi_cut + 1, b))
            ranges = kept
    return sorted(set(ranges))
