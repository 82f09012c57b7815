"""The API's controllers, one per resource; `ROUTES` is what the app serves."""

from __future__ import annotations

from litestar.types import ControllerRouterHandler

from api.controllers.access import AuditController, TokenController
from api.controllers.areas import AreaController
from api.controllers.books import BOOKS_CONTROLLERS
from api.controllers.imports import import_spreadsheet
from api.controllers.notices import NoticeController, VolunteerNoticeController
from api.controllers.plans import PlanController
from api.controllers.replan import AbsenceController, RecommendationController
from api.controllers.reports import ReportController
from api.controllers.roster import ROSTER_CONTROLLERS
from api.controllers.volunteers import AssignmentController, VolunteerController, calendar_feed
from api.controllers.weeks import WeekController

ROUTES: list[ControllerRouterHandler] = [
    AreaController,
    *ROSTER_CONTROLLERS,
    WeekController,
    RecommendationController,
    PlanController,
    TokenController,
    AuditController,
    VolunteerController,
    AbsenceController,
    AssignmentController,
    *BOOKS_CONTROLLERS,
    NoticeController,
    VolunteerNoticeController,
    ReportController,
    calendar_feed,
    import_spreadsheet,
]
