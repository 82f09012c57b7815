"""A new request against the published plan: who can take it (`POST
/weeks/{w}/recommendations`), and the chosen option applied and published (`…/{id}/apply`);
a volunteer's absences, each repairing the published plans it touches."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Annotated, Any

from litestar import Controller, Response, delete, get, post
from litestar.openapi.spec import Example
from litestar.params import Body, FromPath

from api.controllers.common import AreaParam, CurrentActor, IdempotencyKey, Recommends, Uow
from api.controllers.weeks import TASK
from api.errors import responses
from api.pages.desk import when_text
from mutualaid.contract import clock
from mutualaid.domain.model import Scenario
from mutualaid.domain.plan import Assignment
from mutualaid.domain.recommendation import Option
from mutualaid.domain.tasks import SentTask
from mutualaid.messages import locale, msg, say
from mutualaid.services import absences, recommend
from mutualaid.services.absence_ports import AbsenceRecord

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
    lang = locale()  # the sentence as the desk's page words it: names, the day and hour
    names = {v.id: v.name for v in scenario.volunteers.values()}
    people = ("、" if lang == "zh" else ", ").join(names.get(v.id, v.id) for v in visit.volunteers)
    text = msg("option_text" if moves else "option_text_alone", people=people,
               start=when_text(visit.start, None, lang), moves=len(moves),
               travel=f"{e.travel_minutes:+d}")  # fmt: skip
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
        found = recommend.recommend_task(
            reader, recommender, actor, area, week_start, SentTask(data)
        )
        options = [option_view(o, found.scenario) for o in found.options]
        reason = detail = None
        if not options:
            reason, why = found.reason or ("capacity", None)
            detail = msg("recommend_none") if why is None else say(why)
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
            uow, recommender, actor, area, week_start, option, SentTask(data), idempotency_key,
            render=lambda o, s: _as_json(option_view(o, s)),
        )  # fmt: skip
        headers = {"Idempotent-Replayed": "true"} if done.replayed else None
        view = AppliedView(done.plan_id, done.status, done.published, done.option, done.changed)
        return Response(view, headers=headers)


# --- absences ---------------------------------------------------------------------------------

AbsenceBody = Annotated[
    dict[str, Any],
    Body(
        title="absence",
        description=(
            "`week` (a Monday: that whole week) or `from` and `to` (dates, YYYY-MM-DD, both "
            "included); optional `start` and `end` (HH:MM, the same hours each day; without "
            "them whole days); optional `reason`."
        ),
        examples=[
            Example(
                summary="ill for two days",
                value={"from": "2026-12-02", "to": "2026-12-03", "reason": "flu"},
            ),
            Example(
                summary="mornings of one week",
                value={"week": "2026-11-30", "start": "08:00", "end": "12:00"},
            ),
        ],
    ),
]


@dataclass
class AbsenceView:
    id: int
    volunteer: str
    first_day: str
    last_day: str
    start: str | None
    end: str | None
    reason: str | None
    created_at: str

    @classmethod
    def of(cls, a: AbsenceRecord) -> AbsenceView:
        def hhmm(m: int | None) -> str | None:
            return None if m is None else f"{m // 60:02d}:{m % 60:02d}"

        return cls(a.id, a.volunteer, a.first_day.isoformat(), a.last_day.isoformat(),
                   hhmm(a.start), hhmm(a.end), a.reason, a.created_at.isoformat())  # fmt: skip


@dataclass
class MovedView:
    volunteer: str
    tasks: list[str]


@dataclass
class LostView:
    task: str
    reason: str
    detail: str


@dataclass
class WeekRepairView:
    week: str
    plan_id: str | None
    """The repair (None: no visit of the week needed one, or a solve will see it)."""
    status: str | None
    published: bool
    changed: int
    moved: list[MovedView]
    """Everyone whose visits changed, with those visits."""
    unserved: list[LostView]
    """The absent volunteer's visits no one else could take, each with why."""
    detail: str | None = None


@dataclass
class ReportedView:
    absence: AbsenceView
    repairs: list[WeekRepairView]
    """One per week the absence touches that has a published plan."""


def _week_view(r: absences.WeekRepair) -> WeekRepairView:
    p = r.plan
    detail = msg("absence_waiting") if r.waiting else None
    return WeekRepairView(
        r.week.isoformat(), None if p is None else p.id, None if p is None else p.status,
        p is not None and p.published_at is not None, r.changed,
        [MovedView(m.volunteer, list(m.tasks)) for m in r.moved],
        [LostView(u.task, u.reason, u.detail if isinstance(u.detail, str) else say(u.detail))
         for u in r.unserved], detail,
    )  # fmt: skip


class AbsenceController(Controller):
    path = "/volunteers/{ident:str}/absences"
    tags = ("volunteers",)

    @post("/", status_code=201, sync_to_thread=True, responses=responses(400, 404, 409))
    def report(
        self, actor: CurrentActor, uow: Uow, recommender: Recommends, ident: FromPath[str],
        data: AbsenceBody, area: AreaParam = None,
    ) -> ReportedView:  # fmt: skip
        """The volunteer is away (ill, travelling): stored, its days added to their
        `unavailable`, and every week it touches with a published plan repaired at once —
        all their visits in it re-planned in one minimal-change repair, validated and
        published. Names everyone whose visit moved and each visit left unserved, with why.
        The area's coordinators, admins, and the volunteer themself."""
        done = absences.report_absence(uow, recommender, actor, ident, area, data)
        return ReportedView(AbsenceView.of(done.absence), [_week_view(r) for r in done.repairs])

    @get("/", sync_to_thread=True, responses=responses(404))
    def list_absences(
        self, actor: CurrentActor, reader: Uow, ident: FromPath[str], area: AreaParam = None
    ) -> list[AbsenceView]:
        """The volunteer's absences, earliest first."""
        return [AbsenceView.of(a) for a in absences.list_absences(reader, actor, ident, area)]

    @delete("/{absence_id:int}", sync_to_thread=True, responses=responses(404))
    def delete_absence(
        self, actor: CurrentActor, uow: Uow, ident: FromPath[str], absence_id: FromPath[int],
        area: AreaParam = None,
    ) -> None:  # fmt: skip
        """Take the absence back (204): its days leave the volunteer's `unavailable`.
        Published plans stay as they are; the next plan may use those days again."""
        absences.delete_absence(uow, actor, ident, absence_id, area)
