"""The plan's and the answers' lifecycle as plain rules (no database)."""

from __future__ import annotations

import pendulum
import pytest

from mutualaid.domain.lifecycle import (
    CANCELLED,
    Answer,
    Basis,
    answer_on_publish,
    answer_refusal,
    cancel_ends_at_once,
    claim_refusal,
    finished_status,
    holds,
    is_active,
    is_open,
    is_publishable,
    same_or_narrower,
)
from mutualaid.domain.plan import reason

NOW = pendulum.datetime(2026, 11, 30, 9, tz="UTC")
NINE, TEN = NOW, NOW.add(hours=1)


def answer(
    state: str = "pending", start: object = NINE, end: object = TEN,
    reason: str | None = None, at: pendulum.DateTime | None = None,
) -> Answer:  # fmt: skip
    return Answer(state, reason, at, start, end)


def test_queued_and_running_plans_are_active_and_open_finished_ones_are_neither() -> None:
    assert is_active("queued") and is_active("running")
    assert is_open("queued") and is_open("running")
    for status in ("optimal", "feasible", "error"):
        assert not is_active(status) and not is_open(status)


def test_only_optimal_and_feasible_plans_are_published() -> None:
    assert is_publishable("optimal") and is_publishable("feasible")
    assert not is_publishable("error") and not is_publishable("running")


def test_a_finished_plan_ends_optimal_feasible_or_error_and_nothing_else() -> None:
    assert finished_status("feasible") == "feasible"
    with pytest.raises(ValueError, match="running"):
        finished_status("running")


def test_a_queued_plan_is_claimed_to_run() -> None:
    assert claim_refusal("queued", cancel_requested=False, attempts=0, max_attempts=3) is None


def test_a_dead_run_is_taken_again_until_its_attempts_run_out() -> None:
    assert claim_refusal("running", False, 2, 3) is None
    assert claim_refusal("running", False, 3, 3) == reason("plan_gave_up", runs=3)


def test_a_plan_cancelled_while_its_worker_died_is_not_run_again() -> None:
    assert claim_refusal("running", True, 1, 3) == CANCELLED


def test_only_the_worker_holding_a_running_plan_holds_it() -> None:
    assert holds("running", "w1", "w1")
    assert not holds("running", "w1", "w2")
    assert not holds("optimal", "w1", "w1")


def test_a_cancel_ends_queued_plans_and_plans_no_live_worker_holds_at_once() -> None:
    assert cancel_ends_at_once("queued", None, NOW)
    assert cancel_ends_at_once("running", NOW.subtract(seconds=1), NOW)
    assert not cancel_ends_at_once("running", NOW.add(seconds=30), NOW)  # asked to stop


def test_publishing_carries_an_answer_over_at_the_same_times() -> None:
    old = answer("accepted", at=NOW)
    assert answer_on_publish(answer(), old, task_present=True) == answer("accepted", at=NOW)


def test_publishing_asks_again_when_the_times_moved() -> None:
    old = answer("accepted", at=NOW)
    moved = answer(start=NINE.add(minutes=30), end=TEN.add(minutes=30))
    assert answer_on_publish(moved, old, task_present=True) == moved


def test_a_withdrawn_assignment_before_carries_nothing_over() -> None:
    assert answer_on_publish(answer(), answer("withdrawn"), task_present=True) == answer()


def test_a_withdrawn_assignment_is_given_again_when_its_task_came_back() -> None:
    withdrawn = answer("withdrawn", reason="ill", at=NOW)
    assert answer_on_publish(withdrawn, None, task_present=True) == answer()
    assert answer_on_publish(withdrawn, None, task_present=False) == withdrawn


def test_a_new_plans_own_answer_is_kept() -> None:
    declined = answer("declined", reason="ill", at=NOW)
    assert answer_on_publish(declined, answer("accepted"), task_present=True) == declined


def test_a_declined_assignment_is_declined_again_but_never_accepted() -> None:
    assert answer_refusal("declined", declining=True, published=True, in_chain=True) is None
    refused = answer_refusal("declined", declining=False, published=True, in_chain=True)
    assert refused == "assignment_was_declined"


def test_a_withdrawn_assignment_cannot_be_answered() -> None:
    for declining in (True, False):
        why = answer_refusal("withdrawn", declining=declining, published=True, in_chain=True)
        assert why == "assignment_withdrawn"


def test_only_published_assignments_are_answered_but_a_no_to_a_moved_one_is_kept() -> None:
    assert answer_refusal("pending", declining=False, published=True, in_chain=False) is None
    refused = answer_refusal("pending", declining=False, published=False, in_chain=True)
    assert refused == "assignment_not_published"
    assert answer_refusal("pending", declining=True, published=False, in_chain=True) is None
    refused = answer_refusal("pending", declining=True, published=False, in_chain=False)
    assert refused == "assignment_not_published"


def test_a_week_with_more_declines_offers_no_option_the_plan_lacked() -> None:
    then = Basis("w1", (("t1", "v1"),)).to_json()
    assert same_or_narrower(then, Basis("w1", (("t1", "v1"), ("t2", "v2"))))
    assert not same_or_narrower(then, Basis("w1", ()))  # a decline taken back
    assert not same_or_narrower(then, Basis("w2", (("t1", "v1"),)))  # the week changed
    assert not same_or_narrower(None, Basis("w1", ()))  # a plan without a basis
