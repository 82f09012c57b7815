"""Notices on the pages: the coordinator's delivery view of the area's notices (and its
webhook), the volunteer's own notices on the phone (and their email and language)."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, Response, get, post
from litestar.params import FromPath, QueryParameter
from litestar.response import Redirect

from api.pages.auth import FormBody
from api.pages.common import (
    CurrentViewer,
    Form,
    Lang,
    flash,
    page,
    problems_into,
    refuse_control_characters,
)
from api.pages.desk import area_context, in_lang, infra_of
from mutualaid.domain.notices import STATES
from mutualaid.messages import msg, using_locale
from mutualaid.services import notices, roster
from mutualaid.services.notice_ports import NoticeRecord
from mutualaid.services.ports import Forbidden, InvalidRequest

SHOWN = 200


def _rows(found: list[NoticeRecord], lang: str) -> list[dict[str, Any]]:
    out = []
    for n in found:
        subject, text = notices.notice_text(n, lang)
        out.append({"n": n, "subject": subject, "text": text,
                    "created": n.created_at.in_timezone(n.draft.timezone)})  # fmt: skip
    return out


def _area_page(
    request: Request[Any, Any, Any], viewer: CurrentViewer, lang: Lang, area: str,
    state: str | None, form: Form, status_code: int = 200,
) -> Response[Any]:  # fmt: skip
    context = area_context(request, viewer, lang, area)
    reader = infra_of(request).reader()
    only = state if state in STATES else None
    found, counts = in_lang(lang, notices.area_notices, reader, viewer.actor, area, only, SHOWN)
    hook = in_lang(lang, notices.webhook_of, infra_of(request).reader(), viewer.actor, area)
    if "webhook_url" not in form.values:
        form.values["webhook_url"] = hook or ""
    filter_form = Form(values={"state": only or ""})
    people = in_lang(lang, roster.list_entities, infra_of(request).reader(), viewer.actor,
                     "volunteers", area)  # fmt: skip
    names = {p.id: p.name or p.id for p in people}
    return page(
        request, viewer, lang, "coordinator/notices.html", status_code, nav="notices",
        rows=_rows(found, lang), counts=counts, states=STATES, form=form,
        filter_form=filter_form, webhook=hook, names=names, **context,
    )  # fmt: skip


@get("/desk/{area:str}/notices", sync_to_thread=True)
def area_notices(
    request: Request[Any, Any, Any], viewer: CurrentViewer, lang: Lang, area: FromPath[str],
    only: Annotated[str | None, QueryParameter(name="state")] = None,
) -> Response[Any]:  # fmt: skip
    """What the area's volunteers were told, and whether it arrived (`?state=` for one)."""
    return _area_page(request, viewer, lang, area, only, Form())


@post("/desk/{area:str}/notices/webhook", sync_to_thread=True)
def set_webhook(
    request: Request[Any, Any, Any], viewer: CurrentViewer, lang: Lang, area: FromPath[str],
    data: FormBody,
) -> Response[Any]:  # fmt: skip
    url = (data.get("webhook_url") or "").strip()
    secret = data.get("secret") or ""
    form = Form(values={"webhook_url": url})
    refuse_control_characters(form, {"webhook_url": url, "secret": secret}, lang)
    if form.ok:
        try:
            infra = infra_of(request)
            with using_locale(lang):
                notices.set_webhook(infra.uow(), viewer.actor, area, url or None, secret or None,
                                    allow_loopback=infra.loopback_webhooks)  # fmt: skip
        except InvalidRequest as exc:
            problems_into(form, exc.problems, {"webhook_url": "webhook_url", "secret": "secret"})
    if not form.ok:
        return _area_page(request, viewer, lang, area, None, form, 400)
    flash(request, "page_webhook_saved" if url else "page_webhook_removed")
    return Redirect(f"/desk/{area}/notices", status_code=303)


def _mine(viewer: CurrentViewer) -> tuple[str, str]:
    actor = viewer.actor
    if actor.volunteer is None or len(actor.areas) != 1:
        raise Forbidden(msg("forbidden_role", role=actor.role))
    return actor.areas[0], actor.volunteer


def _my_page(
    request: Request[Any, Any, Any], viewer: CurrentViewer, lang: Lang, form: Form | None,
    status_code: int = 200,
) -> Response[Any]:  # fmt: skip
    area, me = _mine(viewer)
    infra = infra_of(request)
    found = in_lang(lang, notices.volunteer_notices, infra.reader(), viewer.actor, area, me)
    if form is None:
        contact = in_lang(lang, notices.contact_of, infra.reader(), viewer.actor, area, me)
        form = Form(values={"email": contact.email or "", "language": contact.language or ""})
    return page(
        request, viewer, lang, "volunteer/notices.html", status_code, rows=_rows(found, lang),
        form=form,
    )  # fmt: skip


@get("/my/notices", sync_to_thread=True)
def my_notices(request: Request[Any, Any, Any], viewer: CurrentViewer, lang: Lang) -> Response[Any]:
    """What I was told about my visits, newest first; where notices reach me."""
    if not viewer.is_volunteer:
        return Redirect("/desk", status_code=303)
    return _my_page(request, viewer, lang, None)


@post("/my/contact", sync_to_thread=True)
def my_contact(
    request: Request[Any, Any, Any], viewer: CurrentViewer, lang: Lang, data: FormBody
) -> Response[Any]:
    area, me = _mine(viewer)
    email = (data.get("email") or "").strip()
    language = (data.get("language") or "").strip()
    form = Form(values={"email": email, "language": language})
    refuse_control_characters(form, {"email": email}, lang)
    if form.ok:
        try:
            in_lang(lang, notices.set_contact, infra_of(request).uow(), viewer.actor, area, me,
                    email or None, language or None)  # fmt: skip
        except InvalidRequest as exc:
            problems_into(form, exc.problems, {"email": "email", "language": "language"})
    if not form.ok:
        return _my_page(request, viewer, lang, form, 400)
    flash(request, "page_contact_saved")
    return Redirect("/my/notices", status_code=303)


NOTICE_PAGES = [area_notices, set_webhook, my_notices, my_contact]
