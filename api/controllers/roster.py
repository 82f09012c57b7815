"""Sites, teams, volunteers and residents of an area, in the scenario format's structures."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Response, delete, get, post, put
from litestar.openapi.spec import Example
from litestar.params import Body, FromPath

from api.controllers.common import AreaParam, CurrentActor, Recommends, Uow, repairs_headers
from api.errors import responses
from mutualaid.contract.data import Json
from mutualaid.contract.roster import to_json
from mutualaid.domain.roster import RosterKind
from mutualaid.services import roster, volunteer_edits

EXAMPLES: dict[RosterKind, Json] = {
    "sites": {
        "id": "dahe-home",
        "name": "大河路街道敬老院",
        "kind": "nursing_home",
        "location": {"lat": 34.8702, "lon": 113.6251},
    },
    "teams": {"id": "huijiqiao-lions", "name": "惠济桥舞狮队", "skills": ["lion_dance"]},
    "volunteers": {
        "id": "v-wang",
        "name": "王师傅",
        "skills": ["home_repair", "companionship"],
        "home": {"lat": 34.7731, "lon": 113.6809},
        "mode": "walk",
        "max_hours_per_week": 8,
        "vetted": True,
        "availability": [{"days": ["mon", "wed", "fri"], "from": "09:00", "to": "12:00"}],
        "phone": "13800000001",
    },
    "residents": {
        "id": "r-zhang",
        "name": "张奶奶",
        "location": {"lat": 34.7749, "lon": 113.6832},
        "categories": ["over_70", "living_alone"],
        "preferred_volunteers": ["v-wang"],
        "address": "经八路 12 号院 3 号楼 2 单元 301",
        "phone": "0371-6000 0000",
    },
}

EntityBody = Annotated[
    dict[str, Any],
    Body(
        title="entity",
        description=(
            "A site, team, volunteer or resident in the scenario format (docs/scenarios.md), "
            "checked as the loader checks a scenario's."
        ),
        examples=[Example(summary=kind, value=value) for kind, value in EXAMPLES.items()],
    ),
]


def roster_controller(kind: RosterKind) -> type[Controller]:
    """The controller of one kind of roster entity, at /{kind}."""

    class RosterController(Controller):
        path = f"/{kind}"
        tags = (kind,)

        @get("/", sync_to_thread=True, responses=responses(404))
        def list_entities(
            self, actor: CurrentActor, reader: Uow, area: AreaParam = None
        ) -> list[Json]:
            return [to_json(e) for e in roster.list_entities(reader, actor, kind, area)]

        @post("/", sync_to_thread=True, responses=responses(404, 409))
        def create_entity(
            self, actor: CurrentActor, uow: Uow, data: EntityBody,
            area: AreaParam = None,
        ) -> Json:  # fmt: skip
            """Add one (201); 409 when its id is taken."""
            return to_json(roster.create_entity(uow, actor, kind, area, data))

        @get("/{ident:str}", sync_to_thread=True, responses=responses(404))
        def get_entity(
            self, actor: CurrentActor, reader: Uow, ident: FromPath[str], area: AreaParam = None
        ) -> Json:
            return to_json(roster.get_entity(reader, actor, kind, area, ident))

        @put("/{ident:str}", sync_to_thread=True, responses=responses(404, 409))
        def put_entity(
            self, actor: CurrentActor, uow: Uow, recommender: Recommends, ident: FromPath[str],
            data: EntityBody, area: AreaParam = None,
        ) -> Response[Json]:  # fmt: skip
            """Create (201) or replace (200) it. A volunteer whose published visits the
            change no longer allows (fewer hours, a skill or day dropped, another home) has
            them planned again at once, week by week, published and told: the repairs' ids
            are in the `Repair-Plan` header and the volunteers told in `Repair-Told`
            (comma-separated). 409, storing nothing, while a solve of such a week runs."""
            if kind != "volunteers":
                stored, new = roster.put_entity(uow, actor, kind, area, ident, data)
                return Response(to_json(stored), status_code=201 if new else 200)
            done = volunteer_edits.edit_volunteer(uow, recommender, actor, area, ident, data)
            return Response(
                to_json(done.volunteer), status_code=201 if done.new else 200,
                headers=repairs_headers(done.repairs) or None,
            )  # fmt: skip

        @delete("/{ident:str}", sync_to_thread=True, responses=responses(404, 409))
        def delete_entity(
            self, actor: CurrentActor, uow: Uow, ident: FromPath[str], area: AreaParam = None
        ) -> None:
            """Remove it (204); 409 while a task, pin, decline or plan still refers to it."""
            roster.delete_entity(uow, actor, kind, area, ident)

    RosterController.__name__ = RosterController.__qualname__ = f"{kind.title()}Controller"
    return RosterController


ROSTER_CONTROLLERS = [roster_controller(kind) for kind in roster.KINDS]
