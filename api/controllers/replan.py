"""A new request against the published plan: who can take it (`POST
/weeks/{w}/recommendations`), and the chosen option applied and published (`…/{id}/apply`);
a volunteer's absences, each repairing the published plans it touches."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Annotated, Any

from litestar import Controller, Response, post
from litestar.openapi.spec import Example
from litestar.params import Body, FromPath

from api.controllers.common import AreaParam, CurrentActor, IdempotencyKey, Recommends, Uow
from api.controllers.weeks import TASK
from api.errors import responses
from mutualaid.contract import clock
from mutualaid.domain.model import Scenario
from mutualaid.domain.plan import Assignment
from mutualaid.domain.recommendation import Option
from mutualaid.messages import msg
from mutualaid.services import recommend

NewTask = Annotated[
    dict[str, Any],
    Body(
        title="task",
        description="The new request: one task in the scenario format, with a new id.",
        examples=[Example(summary="a visit", value={**TASK, "id": "t-new-visit"})],
    ),
]


@dataclass
class CrewView:
    id: str
    role: int
    team: str | None


@dataclass
class VisitView:
    task: str
    start: str
    """ISO 8601 with the area's offset."""
    end: str
    volunteers: list[CrewView]


@dataclass
class MoveView:
    task: str
    before: VisitView | None
    """None: a visit the published plan left unserved, served now."""
    after: VisitView | None
    """None: the visit is no longer served (it gave way to the request)."""


@dataclass
class EffectView:
    served: dict[str, int]
    """Per priority, the change in tasks served (the request included)."""
    waited: int
    continuity: int
    travel_minutes: int
    """Travel the option adds (negative: saves)."""
    max_load: float


@dataclass
class OptionView:
    id: str
    """Send it to …/recommendations/{id}/apply with the same task to apply it."""
    visit: VisitView
    moves: list[MoveView]
    """The other visits that change for it."""
    effect: EffectView
    changed: int
    """Volunteer-task pairs added or removed versus the published plan."""
    text: str


@dataclass
class RecommendationsView:
    task: str
    plan_id: str
    """The published plan the options change."""
    options: list[OptionView]
    """Best first: coverage by priority, waiting, then the week's objective order."""
    reason: str | None = None
    detail: str | None = None


@dataclass
class AppliedView:
    plan_id: str
    status: str
    published: bool
    option: dict[str, Any]
    changed: int


def _visit(scenario: Scenario, a: Assignment) -> VisitView:
    crew = [CrewView(v.id, v.role, v.team) for v in a.volunteers]
    return VisitView(a.task, clock.iso(scenario, a.start), clock.iso(scenario, a.end), crew)


def option_view(o: Option, scenario: Scenario) -> OptionView:
    visit = _visit(scenario, o.assignment)
    moves = [
        MoveView(m.task, None if m.before is None else _visit(scenario, m.before),
                 None if m.after is None else _visit(scenario, m.after))
        for m in o.moves
    ]  # fmt: skip
    e = o.effect
    effect = EffectView(e.served, e.waited, e.continuity, e.travel_minutes, round(e.max_load, 4))
    people = ", ".join(v.id for v in visit.volunteers)
    text = msg("option_text", people=people, start=visit.start, moves=len(moves),
               travel=e.travel_minutes)  # fmt: skip
    return OptionView(o.id, visit, moves, effect, o.changed, text)


def _as_json(view: OptionView) -> dict[str, Any]:
    return dataclasses.asdict(view)


class RecommendationController(Controller):
    path = "/weeks/{week_start:str}/recommendations"
    tags = ("weeks",)

    @post("/", status_code=200, sync_to_thread=True, responses=responses(400, 404, 409))
    def recommend(
        self, actor: CurrentActor, reader: Uow, recommender: Recommends,
        week_start: FromPath[str], data: NewTask, area: AreaParam = None,
    ) -> RecommendationsView:  # fmt: skip
        """Who can take this new request? The best five options against the published plan:
        who goes and when, the other visits that would move for it, the effect on coverage
        per priority and the travel it adds. Nothing is stored. 409 without a published
        plan, or when the task's id is already in the week."""
        found = recommend.recommend_task(reader, recommender, actor, area, week_start, data)
        options = [option_view(o, found.scenario) for o in found.options]
        reason = detail = None
        if not options:
            reason, detail = found.reason or ("capacity", msg("recommend_none"))
        return RecommendationsView(found.task, found.plan_id, options, reason, detail)

    @post("/{option:str}/apply", status_code=200, sync_to_thread=True,
          responses=responses(400, 404, 409, 422))  # fmt: skip
    def apply(
        self, actor: CurrentActor, uow: Uow, recommender: Recommends, week_start: FromPath[str],
        option: FromPath[str], data: NewTask, area: AreaParam = None,
        idempotency_key: IdempotencyKey = None,
    ) -> Response[AppliedView]:  # fmt: skip
        """Add the request to the week and publish the published plan changed as the option
        says (validated first; audited as `recommendation.apply`). The options are made again
        on the plan published now: 409 when it no longer offers this one (ask again). With
        an Idempotency-Key, sending it again answers the same."""
        done = recommend.apply_recommendation(
            uow, recommender, actor, area, week_start, option, data, idempotency_key,
            render=lambda o, s: _as_json(option_view(o, s)),
        )  # fmt: skip
        headers = {"Idempotent-Replayed": "true"} if done.replayed else None
        view = AppliedView(done.plan_id, done.status, done.published, done.option, done.changed)
        return Response(view, headers=headers)
