"""Areas (sub-districts): admins create and rename them; coordinators read their own."""

from __future__ import annotations

from dataclasses import dataclass

from litestar import Controller, Response, get, post, put
from litestar.params import FromPath, JSONBody

from api.controllers.common import CurrentActor, Uow
from api.dto import AreaDTO, AreaUpdate, AreaUpdateDTO, AreaView, AreaWrite, AreaWriteDTO
from api.errors import responses
from mutualaid.services import fairness, roster


@dataclass
class FairnessWrite:
    across_weeks: bool


class AreaController(Controller):
    path = "/areas"
    tags = ("areas",)
    return_dto = AreaDTO

    @get("/", sync_to_thread=True, responses=responses())
    def list_areas(self, actor: CurrentActor, reader: Uow) -> list[AreaView]:
        """The areas the token may act in."""
        return [AreaView.of(a) for a in roster.list_areas(reader, actor)]

    @post("/", dto=AreaWriteDTO, sync_to_thread=True, responses=responses(409))
    def create_area(self, actor: CurrentActor, uow: Uow, data: JSONBody[AreaWrite]) -> AreaView:
        """Create an area (admin)."""
        return AreaView.of(roster.create_area(uow, actor, data.id, data.name, data.timezone))

    @get("/{area:str}", sync_to_thread=True, responses=responses(404))
    def get_area(self, actor: CurrentActor, reader: Uow, area: FromPath[str]) -> AreaView:
        return AreaView.of(roster.get_area(reader, actor, area))

    @put("/{area:str}", dto=AreaUpdateDTO, sync_to_thread=True, responses=responses(409))
    def put_area(
        self, actor: CurrentActor, uow: Uow, area: FromPath[str], data: JSONBody[AreaUpdate]
    ) -> Response[AreaView]:
        """Create or rename an area (admin); 201 when new. Its time zone never changes."""
        record, new = roster.put_area(uow, actor, area, data.name, data.timezone)
        return Response(AreaView.of(record), status_code=201 if new else 200)

    @put("/{area:str}/fairness", sync_to_thread=True, responses=responses(404))
    def put_fairness(
        self, actor: CurrentActor, uow: Uow, area: FromPath[str], data: JSONBody[FairnessWrite]
    ) -> AreaView:
        """Whether the fairness goal counts each volunteer's load of the three weeks before
        (`{"across_weeks": true}`), so no one is always the busiest; off by default. Admin or
        the area's coordinator; the next solve uses it."""
        return AreaView.of(fairness.set_fairness(uow, actor, area, data.across_weeks))
