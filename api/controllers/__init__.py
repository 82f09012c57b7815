"""The API's controllers, one per resource; `ROUTES` is what the app serves."""

from __future__ import annotations

from litestar.types import ControllerRouterHandler

from api.controllers.access import AuditController, TokenController
from api.controllers.areas import AreaController
from api.controllers.imports import import_spreadsheet
from api.controllers.plans import PlanController
from api.controllers.roster import ROSTER_CONTROLLERS
from api.controllers.volunteers import AssignmentController, VolunteerController, calendar_feed
from api.controllers.weeks import WeekController

ROUTES: list[ControllerRouterHandler] = [
    AreaController,
    *ROSTER_CONTROLLERS,
    WeekController,
    PlanController,
    TokenController,
    AuditController,
    VolunteerController,
    AssignmentController,
    calendar_feed,
    import_spreadsheet,
]
