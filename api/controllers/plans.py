"""Plans as jobs: status and live progress, the result when done, cancel, publish."""

from __future__ import annotations

from litestar import Controller, delete, get, post
from litestar.params import FromPath

from api.controllers.common import CurrentActor, Jobs, Repairs, Uow
from api.dto import PlanDTO, PlanView
from api.errors import responses
from mutualaid.services import plans


class PlanController(Controller):
    path = "/plans"
    tags = ("plans",)
    return_dto = PlanDTO

    @get("/{plan_id:str}", sync_to_thread=True, responses=responses(404))
    def get_plan(
        self, actor: CurrentActor, reader: Uow, jobs: Jobs, plan_id: FromPath[str]
    ) -> PlanView:
        """Status (queued, running, optimal, feasible, error), progress {served, bound,
        elapsed} while it runs, and the plan in the contract's JSON when done. While it
        waits and plans cannot be solved now (the solver does not answer): why
        (`cannot_solve_now`)."""
        return PlanView.of(plans.get_plan(reader, actor, plan_id), jobs.trouble())

    @delete("/{plan_id:str}", status_code=200, sync_to_thread=True, responses=responses(404, 409))
    def cancel_plan(self, actor: CurrentActor, uow: Uow, plan_id: FromPath[str]) -> PlanView:
        """Cancel: a queued plan ends at once, a running one at its next heartbeat
        (status error, `cancelled`). 409 when it has already finished."""
        return PlanView.of(plans.cancel_plan(uow, actor, plan_id))

    @post(
        "/{plan_id:str}/publish", status_code=200, sync_to_thread=True,
        responses=responses(404, 409),
    )  # fmt: skip
    def publish_plan(
        self, actor: CurrentActor, uow: Uow, repairer: Repairs, plan_id: FromPath[str]
    ) -> PlanView:
        """Make the plan the week's published plan. 409 unless it is optimal or feasible and
        its assignments keep every rule of the week as it is now (a decline or a deleted task
        since the solve: solve again). When the week changed in ways that break no
        assignment, the plan is scored again (figures, reasons, bound) and published."""
        return PlanView.of(plans.publish_plan(uow, repairer, actor, plan_id))
