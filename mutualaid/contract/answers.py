"""A week's tasks as an idempotent batch's answer is kept for its replay (plain facts, the
contract's form of each task: what the API answered) and read back."""

from __future__ import annotations

from collections.abc import Sequence

from mutualaid.contract.export import stored_task, stored_task_json
from mutualaid.domain.facts import Fact
from mutualaid.domain.tasks import StoredTask


class TaskAnswers:
    """`mutualaid.services.weeks.TaskAnswers` in the contract's form."""

    def dump(self, tasks: Sequence[StoredTask]) -> Fact:
        return [stored_task_json(t) for t in tasks]

    def load(self, answer: Fact) -> list[StoredTask]:
        assert isinstance(answer, list)
        return [stored_task(t) for t in answer]


TASK_ANSWERS = TaskAnswers()
