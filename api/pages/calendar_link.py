"""The calendar subscription link: made (and made again, which revokes the old one) by the
volunteer on their week page or by the area's coordinator on the volunteer's roster page,
and shown this once — only its hash is kept."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, post
from litestar.params import FromPath

from api.pages.auth import FormBody
from api.pages.common import CurrentViewer, Lang, page
from api.pages.desk import area_context, in_lang, infra_of
from mutualaid.services import calendar_feeds, roster
from mutualaid.services.ports import NotFoundError


def feed_urls(request: Request[Any, Any, Any], secret: str) -> tuple[str, str]:
    """The feed's https (or http) URL, and the same as webcal:// (which opens a calendar app)."""
    url = f"{str(request.base_url).rstrip('/')}/calendar/{secret}.ics"
    return url, "webcal://" + url.split("://", 1)[1]


@post("/my/calendar-link", sync_to_thread=True)
def my_calendar_link(
    request: Request[Any, Any, Any], viewer: CurrentViewer, lang: Lang, data: FormBody
) -> Response[Any]:  # fmt: skip
    """A new link for the signed-in volunteer (the old one stops working)."""
    mine = viewer.actor.volunteer or ""
    secret = in_lang(lang, calendar_feeds.renew_calendar_link, infra_of(request).uow(),
                     viewer.actor, mine, None)  # fmt: skip
    url, webcal = feed_urls(request, secret)
    return page(request, viewer, lang, "volunteer/calendar_link.html", url=url, webcal=webcal,
                name=viewer.name, for_someone=False)  # fmt: skip


@post("/desk/{area:str}/roster/{kind:str}/{ident:str}/calendar-link", sync_to_thread=True)
def volunteer_calendar_link(
    request: Request[Any, Any, Any], viewer: CurrentViewer, lang: Lang, area: FromPath[str],
    kind: FromPath[str], ident: FromPath[str], data: FormBody,
) -> Response[Any]:  # fmt: skip
    """The coordinator makes a volunteer a new link (a lost phone, a link passed around).
    (`kind` is `volunteers`: a path of its own there would hide the roster's routes.)"""
    if kind != "volunteers":
        raise NotFoundError("page", kind)
    infra = infra_of(request)
    person = in_lang(lang, roster.get_entity, infra.reader(), viewer.actor, "volunteers", area,
                     ident)  # fmt: skip
    secret = in_lang(lang, calendar_feeds.renew_calendar_link, infra.uow(), viewer.actor, ident,
                     area)  # fmt: skip
    url, webcal = feed_urls(request, secret)
    return page(
        request, viewer, lang, "volunteer/calendar_link.html", url=url, webcal=webcal,
        name=getattr(person, "name", None) or ident, for_someone=True,
        **area_context(request, viewer, lang, area),
    )  # fmt: skip


CALENDAR_LINK_PAGES = [my_calendar_link, volunteer_calendar_link]
