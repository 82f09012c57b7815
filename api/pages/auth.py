"""Signing in with a token (a server-side session remembers its id), signing out, and the
language switch."""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from typing import Annotated, Any

from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromQuery
from litestar.response import Redirect

from api.language import LANG_COOKIE
from api.pages.common import (
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


class SignInThrottle:
    """Counts wrong tokens per client address: past `limit` within `window` seconds, that
    address may not sign in until the oldest failure ages out (tokens cannot be guessed
    through the form). Per process; behind a proxy, run uvicorn with --proxy-headers."""

    def __init__(self, limit: int = 20, window: float = 600.0) -> None:
        self.limit, self.window = limit, window
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, client: str, now: float) -> deque[float]:
        times = self._failures.setdefault(client, deque())
        while times and now - times[0] > self.window:
            times.popleft()
        return times

    def wait(self, client: str) -> float:
        """Seconds until `client` may try again (0: now)."""
        now = time.monotonic()
        with self._lock:
            times = self._recent(client, now)
            if len(times) < self.limit:
                return 0.0
            return self.window - (now - times[0])

    def failed(self, client: str) -> None:
        now = time.monotonic()
        with self._lock:
            self._recent(client, now).append(now)
            if len(self._failures) > 10_000:  # forget the quiet ones, not the busy one
                for key in [k for k, v in self._failures.items() if not v][:5_000]:
                    del self._failures[key]


Throttle = NamedDependency[SignInThrottle]


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
def sign_in(
    request: Request[Any, Any, Any], lang: Lang, data: FormBody, throttle: Throttle
) -> Response[Any]:
    secret = (data.get("token") or "").strip()
    target = data.get("next") or ""
    form = Form(values={})
    client = request.client.host if request.client else "?"
    wait = throttle.wait(client)
    if wait > 0:
        form.add("token", msg_in(lang, "page_too_many_tries", minutes=math.ceil(wait / 60)))
        return page(request, None, lang, "auth/sign_in.html", 429, form=form, next=target)
    actor = authenticate(request.app.state.infra.reader(), secret) if secret else None
    if actor is None:
        if secret:
            throttle.failed(client)
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
def choose_language(request: Request[Any, Any, Any], data: FormBody) -> Redirect:
    """Remember the language (a cookie, so it holds before and after signing in)."""
    code = data.get("lang", "")
    back = local_path(data.get("next"), "/")
    response = Redirect(back, status_code=303)
    if code in LOCALES:
        response.set_cookie(
            LANG_COOKIE, code, max_age=ONE_YEAR, httponly=True, samesite="strict", path="/",
            secure=request.app.state.pages.secure_cookies,
        )  # fmt: skip
    return response


AUTH_PAGES = [sign_in_form, sign_in, sign_out, choose_language]
