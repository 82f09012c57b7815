"""Signing in with a token (a server-side session remembers its id), signing out, and the
language switch."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, Response, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromQuery
from litestar.response import Redirect

from api.pages.common import (
    LANG_COOKIE,
    SESSION_TOKEN,
    Form,
    Lang,
    SignInRequired,
    Viewer,
    local_path,
    page,
    provide_viewer,
)
from api.pages.sessions import RENEW_SESSION
from mutualaid.messages import LOCALES, msg_in
from mutualaid.services.access import authenticate

FormBody = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]
ONE_YEAR = 365 * 24 * 3600


def _signed_in(request: Request[Any, Any, Any]) -> Viewer | None:
    try:
        return provide_viewer(request)
    except SignInRequired:
        return None


@get("/", sync_to_thread=True, name="sign_in")
def sign_in_form(
    request: Request[Any, Any, Any], lang: Lang, next: FromQuery[str | None] = None
) -> Response[Any]:
    """The front door: a signed-in person goes on to their pages, anyone else signs in."""
    viewer = _signed_in(request)
    if viewer is not None:
        return Redirect(local_path(next, viewer.home), status_code=303)
    return page(request, None, lang, "auth/sign_in.html", form=Form(), next=next or "")


@post("/", sync_to_thread=True)
def sign_in(request: Request[Any, Any, Any], lang: Lang, data: FormBody) -> Response[Any]:
    secret = (data.get("token") or "").strip()
    target = data.get("next") or ""
    form = Form(values={})
    actor = authenticate(request.app.state.infra.reader(), secret) if secret else None
    if actor is None:
        form.add("token", msg_in(lang, "page_token_unknown" if secret else "page_token_missing"))
        return page(request, None, lang, "auth/sign_in.html", 400, form=form, next=target)
    request.clear_session()
    request.set_session({SESSION_TOKEN: actor.id})
    request.scope[RENEW_SESSION] = True  # type: ignore[literal-required]
    home = "/my" if actor.role == "volunteer" else "/desk"
    return Redirect(local_path(target, home) if target else home, status_code=303)


@post("/sign-out", sync_to_thread=False)
def sign_out(request: Request[Any, Any, Any]) -> Redirect:
    request.clear_session()
    return Redirect("/", status_code=303)


@post("/lang", sync_to_thread=False)
def choose_language(data: FormBody) -> Redirect:
    """Remember the language (a cookie, so it holds before and after signing in)."""
    code = data.get("lang", "")
    back = local_path(data.get("next"), "/")
    response = Redirect(back, status_code=303)
    if code in LOCALES:
        response.set_cookie(
            LANG_COOKIE, code, max_age=ONE_YEAR, httponly=True, samesite="strict", path="/"
        )
    return response


AUTH_PAGES = [sign_in_form, sign_in, sign_out, choose_language]
