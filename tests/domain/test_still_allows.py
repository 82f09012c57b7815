"""`still_allows` and `no_longer_allowed`: whether a task as it now stands allows a visit a
plan gave before it changed (each way at its limit and one past it)."""

from __future__ import annotations

import datetime as dt

import pendulum

from mutualaid.domain.model import SkillNeed, TimeBlock
from mutualaid.domain.tasks import StoredTask, no_longer_allowed, still_allows

MONDAY = pendulum.Date(2026, 11, 30)
ONE = (SkillNeed(skill="companionship", count=1),)


def task(**fields: object) -> StoredTask:
    base: dict[str, object] = {"id": "t", "title": "t", "needs": ONE, "duration_minutes": 60}
    return StoredTask(**{**base, **fields})  # type: ignore[arg-type]


def at(day: int, hh: int, mm: int = 0) -> dt.datetime:
    return dt.datetime(2026, 11, 30, hh, mm) + dt.timedelta(days=day)


def test_a_window_allows_a_visit_inside_it_to_its_last_minute_and_not_one_past() -> None:
    t = task(windows=(TimeBlock(days=("tue",), start=9 * 60, end=11 * 60 + 30),))
    assert still_allows(t, None, at(1, 10, 30), at(1, 11, 30))
    assert not still_allows(t, None, at(1, 10, 31), at(1, 11, 31))
    assert not still_allows(t, None, at(2, 10), at(2, 11))  # Wednesday
    assert not still_allows(t, None, at(1, 9), at(1, 10, 30))  # another length


def test_a_dated_window_allows_only_its_date() -> None:
    t = task(windows=(TimeBlock(date=pendulum.Date(2026, 12, 2), start=9 * 60, end=12 * 60),))
    assert still_allows(t, None, at(2, 9), at(2, 10))
    assert not still_allows(t, None, at(3, 9), at(3, 10))


def test_a_fixed_start_allows_only_that_start() -> None:
    t = task(start=at(4, 15))
    assert still_allows(t, None, at(4, 15), at(4, 16))
    assert not still_allows(t, None, at(4, 15, 1), at(4, 16, 1))


def test_a_series_allows_its_days_inside_its_window() -> None:
    t = task(every=("mon", "wed"), window=(11 * 60, 12 * 60 + 30))
    assert still_allows(t, "wed", at(2, 11, 30), at(2, 12, 30))
    assert not still_allows(t, "wed", at(2, 11, 31), at(2, 12, 31))
    assert not still_allows(t, "mon", at(2, 11), at(2, 12))  # named Monday, given Wednesday


def test_no_longer_allowed_names_a_moved_task_and_one_short_of_people() -> None:
    moved = task(id="a", windows=(TimeBlock(days=("wed",), start=9 * 60, end=12 * 60),))
    two = task(id="b", needs=(SkillNeed(skill="companionship", count=2),))
    fine = task(id="c")
    tue = 24 * 60 + 9 * 60
    visits = [("a", tue, tue + 60, 1), ("b", tue, tue + 60, 1), ("c", tue, tue + 60, 1),
              ("gone", tue, tue + 60, 1), ("b", tue, tue + 60, 2)]  # fmt: skip
    assert no_longer_allowed(visits, [moved, two, fine], MONDAY) == ["a", "b"]
