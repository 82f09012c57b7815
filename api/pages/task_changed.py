"""The sentence on a plan's visits whose task was changed since the plan gave them (a batch of
tasks replaced under it: `PUT …/tasks`, a scenario or spreadsheet import) and no longer allows
them as given: on the desk's week and plan pages and the noticeboard, so the coordinator sees
what the volunteers see on their week (`VolunteerAssignment.task_changed`)."""

from __future__ import annotations

import pendulum

from api.pages.named import Names
from mutualaid.domain.tasks import StoredTask, no_longer_allowed
from mutualaid.messages import msg_in
from mutualaid.services.ports import PlanRecord


def task_changed_note(
    plan: PlanRecord | None, tasks: list[StoredTask], monday: pendulum.Date, names: Names,
    lang: str,
) -> str | None:  # fmt: skip
    """The sentence naming the plan's visits whose task, changed since (a batch of tasks
    replaced under it), no longer allows them as given; None when every visit still fits."""
    if plan is None or plan.result is None:
        return None
    visits = [(a.task, a.start, a.end, len(a.volunteers)) for a in plan.result.assignments]
    stale = no_longer_allowed(visits, tasks, monday)
    if not stale:
        return None
    shown = ", ".join(dict.fromkeys(names.task(t.split("@")[0]) for t in stale))
    return msg_in(lang, "page_plan_task_changed", tasks=shown)
