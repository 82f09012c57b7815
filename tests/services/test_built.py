"""The built week kept per plan and week version (`mutualaid.services.built`): found again only
for the same plan and version, with the week's declines as they are now."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pendulum

from mutualaid.contract.scenario import load_scenario
from mutualaid.domain.lifecycle import Basis
from mutualaid.domain.model import Scenario
from mutualaid.services.built import BuiltWeeks, built_week, keep
from mutualaid.services.ports import DeclineRecord

PINNED = Path(__file__).resolve().parents[2] / "scenarios" / "10-edge-pinned.yaml"
WEEK = pendulum.Date(2026, 11, 30)


class Weeks:
    """The week repository's reads that building a week needs, counting the builds."""

    def __init__(self, scenario: Scenario) -> None:
        self.scenario, self.builds, self.stamp = scenario, 0, "v1"
        self.declined: list[DeclineRecord] = []

    def version(self, area: str, week_start: pendulum.Date) -> str:
        return self.stamp

    def declines(self, area: str, week_start: pendulum.Date) -> list[DeclineRecord]:
        return list(self.declined)

    def load_scenario(self, area: str, week_start: pendulum.Date) -> Scenario:
        self.builds += 1
        return self.scenario

    def basis(self, area: str, week_start: pendulum.Date) -> Basis:
        pairs = tuple(sorted((d.task, d.volunteer) for d in self.declined))
        return Basis(f"print-{self.stamp}", pairs)


class Uow:
    def __init__(self, weeks: Weeks) -> None:
        self.weeks = weeks


def setup() -> tuple[Uow, Weeks, BuiltWeeks]:
    weeks = Weeks(load_scenario(PINNED))
    return Uow(weeks), weeks, BuiltWeeks()


def build(uow: Uow, cache: BuiltWeeks, plan: str = "p1") -> Any:
    return built_week(uow, plan, "a", WEEK, cache)  # type: ignore[arg-type]


def test_the_same_plan_at_the_same_version_is_built_once() -> None:
    uow, weeks, cache = setup()
    first, version = build(uow, cache)
    again, _ = build(uow, cache)
    assert weeks.builds == 1 and version == "v1"
    assert again.scenario == first.scenario and again.basis == first.basis


def test_a_kept_week_takes_the_declines_as_they_are_now() -> None:
    uow, weeks, cache = setup()
    build(uow, cache)
    weeks.declined = [DeclineRecord("t-door-tian", "v-he", "ill", None)]
    now, _ = build(uow, cache)
    assert weeks.builds == 1
    assert now.scenario.declined_pairs() == {("t-door-tian", "v-he")}
    assert now.basis == Basis("print-v1", (("t-door-tian", "v-he"),))


def test_any_write_to_the_week_makes_a_new_version_and_a_new_build() -> None:
    uow, weeks, cache = setup()
    build(uow, cache)
    weeks.stamp = "v2"
    _, version = build(uow, cache)
    assert (weeks.builds, version) == (2, "v2")


def test_another_plan_builds_its_own_unless_the_week_is_kept_for_it() -> None:
    uow, weeks, cache = setup()
    made, version = build(uow, cache)
    build(uow, cache, "p2")
    assert weeks.builds == 2
    keep("p3", version, made, cache)
    build(uow, cache, "p3")
    assert weeks.builds == 2


def test_a_decline_the_kept_week_cannot_take_is_left_to_a_new_build() -> None:
    """A decline of a pinned pair makes the stored week invalid: building it again says so."""
    uow, weeks, cache = setup()
    build(uow, cache)
    weeks.declined = [DeclineRecord("t-door-tian", "v-gao", None, None)]  # pinned
    build(uow, cache)
    weeks.declined = [DeclineRecord("t-gone", "v-he", None, None)]  # no such task
    build(uow, cache)
    assert weeks.builds == 3


def test_the_oldest_weeks_are_forgotten_first() -> None:
    uow, weeks, _ = setup()
    cache = BuiltWeeks(size=2)
    for plan in ("p1", "p2", "p3"):
        build(uow, cache, plan)
    build(uow, cache, "p3")
    build(uow, cache, "p1")
    assert weeks.builds == 4  # p1 was forgotten, p3 kept
