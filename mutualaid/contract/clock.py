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
