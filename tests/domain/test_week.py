"""The week's lifecycle as plain rules (no database)."""

from __future__ import annotations

from mutualaid.domain.week import expanded, expect_without, history, inherits, present_ids


def test_a_series_stands_for_one_id_per_day_and_any_other_task_for_its_own() -> None:
    assert expanded("t-meals", ["mon", "wed"]) == ["t-meals@mon", "t-meals@wed"]
    assert expanded("t-visit", None) == ["t-visit"]
    assert present_ids([("t-meals", ["tue"]), ("t-visit", None)]) == {"t-meals@tue", "t-visit"}


def test_expectations_of_tasks_no_longer_in_the_week_are_dropped() -> None:
    stored = {"served": ["a", "b"], "unserved": {"b": "no_skill", "c": "capacity"}, "x": 1}
    assert expect_without(stored, {"a", "c"}) == {
        "served": ["a"], "unserved": {"c": "capacity"}, "x": 1,
    }  # fmt: skip


def test_declined_and_withdrawn_visits_make_no_history() -> None:
    assert inherits("pending") and inherits("accepted")
    assert not inherits("declined") and not inherits("withdrawn")


def test_history_is_written_pairs_then_last_weeks_visits_to_residents_still_there() -> None:
    written = [("r-zhang", "v-wang")]
    before = [("r-zhang", "v-wang"), ("r-li", "v-chen"), (None, "v-x"), ("r-gone", "v-y")]
    assert history(written, before, {"r-zhang", "r-li"}) == [
        ("r-zhang", "v-wang"), ("r-li", "v-chen"),
    ]  # fmt: skip
