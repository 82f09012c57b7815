"""The port of what checks a stored plan's suggestions after it is published (a repair's), as
the job runner checks a solve's: filled by the solver's Repairer and Recommender."""

from __future__ import annotations

from collections.abc import Generator
from typing import Protocol, runtime_checkable

from mutualaid.domain.model import Scenario
from mutualaid.domain.plan import Plan


@runtime_checkable
class SuggestionChecker(Protocol):
    """A Repairer or Recommender that also checks the suggestions of the plans it made, once
    they are stored (`solver.suggest_checks`, as a solve's are)."""

    def suggestion_checks(
        self, scenario: Scenario, plan: Plan
    ) -> Generator[Plan, None, None] | None:
        """The plan again as its unserved tasks' suggestions are checked, first with what is
        known at once (tasks without candidates no longer marked), last with every check
        ended; closing it abandons the checks. None when suggestions are off or the plan has
        nothing to check."""
        ...
