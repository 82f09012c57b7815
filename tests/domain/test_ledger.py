"""The ledger's arithmetic: minutes a done visit credits, reversals of what a visit credited,
when a redemption is refused, hours as printed (mutualaid.domain.ledger)."""

from __future__ import annotations

import pendulum

from mutualaid.domain.ledger import (
    CREDIT,
    REDEMPTION,
    REVERSAL,
    LedgerEntry,
    hours,
    month_of,
    redemption_refusal,
    reversals,
    service_minutes,
)

NINE = pendulum.datetime(2026, 11, 30, 9, 0, tz="Asia/Shanghai")


def entry(ident: int, kind: str, minutes: int, assignment: int | None = 7,
          reverses: int | None = None) -> LedgerEntry:  # fmt: skip
    return LedgerEntry(
        ident, "a", "v", kind, minutes, "2026-11", NINE, "tok", assignment, "t", None, reverses
    )


def test_a_done_visit_credits_its_planned_minutes_unless_actual_times_are_given() -> None:
    end = NINE.add(minutes=90)
    assert service_minutes(NINE, end) == 90
    assert service_minutes(NINE, end, actual_start=NINE.add(minutes=10)) == 80
    assert service_minutes(NINE, end, NINE, NINE.add(minutes=120)) == 120


def test_the_month_is_the_areas_local_month() -> None:
    late = pendulum.datetime(2026, 11, 30, 17, 0, tz="UTC")  # 01:00 on Dec 1st in Shanghai
    assert month_of(late, "Asia/Shanghai") == "2026-12"


def test_reversals_take_back_only_credits_not_yet_reversed() -> None:
    entries = [entry(1, CREDIT, 60), entry(2, REVERSAL, -60, reverses=1), entry(3, CREDIT, 45)]
    [back] = reversals(entries, 7, "tok")
    assert (back.kind, back.minutes, back.reverses) == (REVERSAL, -45, 3)
    assert reversals([*entries, entry(4, REVERSAL, -45, reverses=3)], 7, "tok") == []


def test_a_redemption_beyond_the_balance_or_of_nothing_is_refused() -> None:
    assert redemption_refusal(60, 60) is None
    assert redemption_refusal(60, 61) == "redeem_too_much"
    assert redemption_refusal(60, 0) == "redeem_not_positive"
    assert REDEMPTION == "redemption"


def test_hours_print_with_two_decimals() -> None:
    assert [hours(m) for m in (0, 90, 20, -45, 59)] == ["0.00", "1.50", "0.33", "-0.75", "0.98"]
