"""What the coordinator's pages share: the area's sections (tabs), the area checked for the
viewer, and running a use case in the person's language."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import pendulum
from litestar import Request

from api.pages.common import CurrentViewer, Lang
from mutualaid.messages import msg_in, using_locale
from mutualaid.services import roster

T = TypeVar("T")
PRIORITIES = ("urgent", "high", "normal", "low")
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
AREA_TABS = [
    ("weeks", "page_tab_weeks", "/desk/{area}"),
    ("requests", "page_tab_requests", "/desk/{area}/requests"),
    ("ledger", "page_tab_ledger", "/desk/{area}/ledger"),
    ("volunteers", "page_tab_volunteers", "/desk/{area}/roster/volunteers"),
    ("residents", "page_tab_residents", "/desk/{area}/roster/residents"),
    ("sites", "page_tab_sites", "/desk/{area}/roster/sites"),
    ("teams", "page_tab_teams", "/desk/{area}/roster/teams"),
    ("notices", "page_tab_notices", "/desk/{area}/notices"),
    ("reports", "page_tab_reports", "/desk/{area}/reports"),
    ("import", "page_tab_import", "/desk/{area}/import"),
    ("audit", "page_tab_audit", "/desk/{area}/audit"),
]
"""The area's sections, in the navigation (name, catalogue key, path)."""


def when_text(iso: str, zone: str | None, lang: str) -> str:
    """An ISO time as a coordinator reads it: weekday, date and hour (Wed 2 Dec 10:10,
    周三 12月2日 10:10), in `zone` (None: at the offset it was written with)."""
    at = pendulum.parse(iso)
    assert isinstance(at, pendulum.DateTime)
    if zone is not None:
        at = at.in_timezone(zone)
    day = msg_in(lang, f"page_dshort_{DAYS[at.weekday()]}")
    if lang == "zh":
        return f"{day} {at.month}月{at.day}日 {at.format('HH:mm')}"
    return f"{day} {at.day} {at.format('MMM', locale='en')} {at.format('HH:mm')}"


def infra_of(request: Request[Any, Any, Any]) -> Any:
    return request.app.state.infra


def in_lang(lang: Lang, call: Callable[..., T], *args: Any) -> T:
    """Run a use case with its messages in the person's language."""
    with using_locale(lang):
        return call(*args)


def area_context(
    request: Request[Any, Any, Any], viewer: CurrentViewer, lang: Lang, area: str
) -> Any:
    """The area (checked: the viewer may manage it) and its sections' tabs: the context of a
    template that extends coordinator/area_base.html."""
    record = in_lang(lang, roster.get_area, infra_of(request).reader(), viewer.actor, area)
    tabs = [(n, k, p.format(area=area)) for n, k, p in AREA_TABS]
    return {"area": record, "tabs": tabs}
