"""A week of an area: its tasks (a batch, idempotent under Idempotency-Key, or one by one),
the whole scenario in and out (YAML or JSON), and its plans."""

from __future__ import annotations

from typing import Annotated, Any

import yaml
from litestar import Controller, Request, Response, delete, get, post, put
from litestar.openapi.spec import Example
from litestar.params import Body, FromPath, QueryParameter, RawBody

from api.controllers.common import (
    AreaParam,
    CurrentActor,
    IdempotencyKey,
    Jobs,
    Recommends,
    Uow,
    repair_headers,
)
from api.dto import PlanDTO, PlanView, WeekDTO, WeekView
from api.errors import responses
from mutualaid.contract.answers import TASK_ANSWERS
from mutualaid.contract.data import Json
from mutualaid.contract.export import stored_task_json
from mutualaid.contract.written import written_json
from mutualaid.domain.tasks import SentTask
from mutualaid.services import plans, task_edits, weeks
from mutualaid.services.access import Actor

YAML = "application/yaml"
ReplaceParam = Annotated[
    bool,
    QueryParameter(
        description=(
            "Withdraw the published plan's assignments of tasks the request leaves out "
            "(without it: 409 naming them, and nothing stored)."
        ),
    ),
]
TASK = {
    "id": "t-visit-zhang",
    "title": "Weekly companionship visit",
    "resident": "r-zhang",
    "needs": [{"skill": "companionship", "count": 1}],
    "duration_minutes": 60,
    "windows": [{"days": ["tue", "thu"], "from": "09:00", "to": "11:30"}],
    "priority": "high",
}
TasksBody = Annotated[
    list[Any],
    Body(
        title="tasks",
        description="The week's tasks in the scenario format; they replace those stored.",
        examples=[Example(summary="one task", value=[TASK])],
    ),
]
TaskBody = Annotated[
    dict[str, Any],
    Body(
        title="task",
        description="One task in the scenario format.",
        examples=[Example(summary="a visit", value=TASK)],
    ),
]
ScenarioBody = Annotated[
    RawBody,
    Body(
        title="scenario",
        description=(
            "A whole scenario in the contract's format: YAML (application/yaml, or any type "
            "but JSON) or JSON (application/json). Its week_start must be the path's."
        ),
        media_type=YAML,
    ),
]


class WeekController(Controller):
    path = "/weeks"
    tags = ("weeks",)

    @get("/", sync_to_thread=True, return_dto=WeekDTO, responses=responses(404))
    def list_weeks(
        self, actor: CurrentActor, reader: Uow, area: AreaParam = None
    ) -> list[WeekView]:
        return [WeekView.of(w) for w in weeks.list_weeks(reader, actor, area)]

    # --- tasks ------------------------------------------------------------------------------

    @get("/{week_start:str}/tasks", sync_to_thread=True, responses=responses(404))
    def list_tasks(
        self, actor: CurrentActor, reader: Uow, week_start: FromPath[str], area: AreaParam = None
    ) -> list[Json]:
        return [stored_task_json(t) for t in weeks.list_tasks(reader, actor, area, week_start)]

    @put("/{week_start:str}/tasks", sync_to_thread=True, responses=responses(404, 409, 422))
    def submit_tasks(
        self, actor: CurrentActor, uow: Uow, recommender: Recommends, week_start: FromPath[str],
        data: TasksBody, area: AreaParam = None, idempotency_key: IdempotencyKey = None,
        replace: ReplaceParam = False,
    ) -> Response[list[Json]]:  # fmt: skip
        """Replace the week's tasks in one batch (the week is created when missing). 409,
        storing nothing, when tasks the published plan gives are left out (their assignments
        would be withdrawn) unless `?replace=true`; a left-out task with a visit marked done
        or missed is refused (409) even then, as its delete is. Visits of the published plan
        the batch no longer allows are planned again at once, as `PUT .../tasks/{task}` does
        (`Repair-Plan`, `Repair-Told` headers; 409 while a solve of the week runs)."""
        run = task_edits.Repairing(recommender, actor)
        done = weeks.submit_tasks(
            uow, actor, area, week_start, [SentTask(t) for t in data], idempotency_key,
            replace, TASK_ANSWERS, run,
        )  # fmt: skip
        headers = repair_headers(run.repair)
        if done.replayed:
            headers["Idempotent-Replayed"] = "true"
        return Response([stored_task_json(t) for t in done.tasks], headers=headers or None)

    @get("/{week_start:str}/tasks/{task:str}", sync_to_thread=True, responses=responses(404))
    def get_task(
        self, actor: CurrentActor, reader: Uow, week_start: FromPath[str], task: FromPath[str],
        area: AreaParam = None,
    ) -> Json:  # fmt: skip
        return stored_task_json(weeks.get_task(reader, actor, area, week_start, task))

    @put(
        "/{week_start:str}/tasks/{task:str}", sync_to_thread=True, responses=responses(404, 409)
    )  # fmt: skip
    def put_task(
        self, actor: CurrentActor, uow: Uow, recommender: Recommends, week_start: FromPath[str],
        task: FromPath[str], data: TaskBody, area: AreaParam = None,
    ) -> Response[Json]:  # fmt: skip
        """Create (201) or replace (200) one task. When the published plan gives it visits the
        change no longer allows (a window moved, more people, another skill), they are planned
        again at once in a repair, published and told to their volunteers: its id is in the
        `Repair-Plan` header (`GET /plans/{id}`). 409 while a solve of the week runs (change
        it once that plan is done)."""
        done = task_edits.edit_task(uow, recommender, actor, area, week_start, task, SentTask(data))
        return Response(
            stored_task_json(done.task), status_code=201 if done.new else 200,
            headers=repair_headers(done.repair) or None,
        )  # fmt: skip

    @delete("/{week_start:str}/tasks/{task:str}", sync_to_thread=True, responses=responses(404))
    def delete_task(
        self, actor: CurrentActor, uow: Uow, week_start: FromPath[str], task: FromPath[str],
        area: AreaParam = None,
    ) -> None:  # fmt: skip
        """Remove one task (204); its pins and declines go with it, and its assignments in
        the published plan are withdrawn: their volunteers no longer see them, and answering
        them is refused (409). A task added again under the same id is a new request: the
        next solve plans it."""
        weeks.delete_task(uow, actor, area, week_start, task)

    # --- whole scenarios ----------------------------------------------------------------------

    @post(
        "/{week_start:str}/scenario", status_code=200, sync_to_thread=True, return_dto=WeekDTO,
        responses=responses(404, 409),
    )  # fmt: skip
    def import_scenario(
        self, request: Request[Actor, str, Any], actor: CurrentActor, uow: Uow,
        recommender: Recommends, week_start: FromPath[str], body: ScenarioBody,
        area: AreaParam = None, replace: ReplaceParam = False,
    ) -> Response[WeekView]:  # fmt: skip
        """Store a whole scenario: its roster into the area (added to or replacing what is
        there), its tasks, pins, declines and history as the week's. 409, storing nothing,
        when tasks the published plan gives are left out (their assignments would be
        withdrawn) unless `?replace=true`; a left-out task with a visit marked done or
        missed is refused (409) even then, as its delete is. Visits of the published plan the
        week as imported no longer allows are planned again at once, as `PUT
        .../tasks/{task}` does (`Repair-Plan`, `Repair-Told` headers; 409 while a solve of the
        week runs)."""
        data = weeks.read_scenario(body, request.headers.get("content-type"))
        run = task_edits.Repairing(recommender, actor)
        week = weeks.import_scenario(uow, actor, area, week_start, data, replace, run)
        return Response(WeekView.of(week), headers=repair_headers(run.repair) or None)

    @get(
        "/{week_start:str}/scenario", sync_to_thread=True, responses=responses(404),
        media_type="application/json",
    )  # fmt: skip
    def export_scenario(
        self, request: Request[Actor, str, Any], actor: CurrentActor, reader: Uow,
        week_start: FromPath[str], area: AreaParam = None,
    ) -> Response[Any]:  # fmt: skip
        """The week as a scenario: JSON, or YAML with `Accept: application/yaml`. Sent back
        to POST, it stores the same week."""
        data = written_json(weeks.export_scenario(reader, actor, area, week_start))
        best = request.accept.best_match(["application/json", YAML], default="application/json")
        if best == YAML:
            text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
            return Response(text, media_type=YAML)
        return Response(data, media_type="application/json")

    # --- plans --------------------------------------------------------------------------------

    @post(
        "/{week_start:str}/plans", status_code=202, sync_to_thread=True, return_dto=PlanDTO,
        responses=responses(404, 409),
    )  # fmt: skip
    def request_plan(
        self, actor: CurrentActor, uow: Uow, jobs: Jobs, week_start: FromPath[str],
        area: AreaParam = None,
    ) -> Response[PlanView]:  # fmt: skip
        """Queue a solve of the week (202); follow it at /plans/{id}. 409 while another
        plan of the week is queued or running. `cannot_solve_now` says when it cannot be
        solved now (the solver does not answer)."""
        plan = plans.request_plan(uow, jobs, actor, area, week_start)
        return Response(
            PlanView.of(plan, jobs.trouble()), status_code=202,
            headers={"Location": f"/plans/{plan.id}"},
        )  # fmt: skip

    @get(
        "/{week_start:str}/plans", sync_to_thread=True, return_dto=PlanDTO,
        responses=responses(404),
    )  # fmt: skip
    def list_plans(
        self, actor: CurrentActor, reader: Uow, week_start: FromPath[str], area: AreaParam = None
    ) -> list[PlanView]:
        """The week's plans, oldest first."""
        return [PlanView.of(p) for p in plans.list_plans(reader, actor, area, week_start)]
