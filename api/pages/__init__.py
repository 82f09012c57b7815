"""The pages people use in a browser (server-rendered, Jinja2 templates in api/templates, the
project's own CSS and script in api/static): sign-in, the coordinator's desk and the
volunteer's phone and paper (day sheets, the noticeboard; api/pages/paper.py), on the same use
cases as the JSON API.

`pages_router(settings)` is all the app needs: the pages with their sessions and CSRF
protection (the JSON API keeps bearer tokens and has neither), and the static files.

A new page: a handler taking `viewer: CurrentViewer, lang: Lang` (api/pages/common.py) that
calls a use case (its messages are in the person's language: `api.language` set it for the
request) and returns `page(request, viewer, lang,
"area/name.html", ...)`; its template extends base.html (or coordinator/area_base.html with
`**area_context(...)`; add a tab to `AREA_TABS`), its forms use _macros.html and carry
`{{ csrf_input | safe }}`, its words go in mutualaid/messages/pages.py; list it below, and walk
it in tests/browser (the `open_browser` fixture: screenshots, labels, console errors).
"""

from __future__ import annotations

from pathlib import Path

from litestar import Router
from litestar.config.csrf import CSRFConfig
from litestar.datastructures import ResponseHeader
from litestar.di import Provide
from litestar.middleware import DefineMiddleware
from litestar.middleware.csrf import CSRFMiddleware
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.static_files import create_static_files_router
from litestar.template.config import TemplateConfig
from litestar.types import ControllerRouterHandler

from api.pages.absence_pages import ABSENCE_PAGES
from api.pages.auth import AUTH_PAGES, SignInThrottle
from api.pages.books_pages import BOOKS_PAGES
from api.pages.calendar_link import CALENDAR_LINK_PAGES
from api.pages.common import page_error, provide_lang, provide_viewer
from api.pages.coordinator import COORDINATOR_PAGES
from api.pages.imports import IMPORT_PAGES
from api.pages.notice_pages import NOTICE_PAGES
from api.pages.paper import PAPER_PAGES
from api.pages.recommend_pages import RECOMMEND_PAGES
from api.pages.report_pages import REPORT_PAGES
from api.pages.roster_forms import ROSTER_PAGES
from api.pages.sessions import session_config
from api.pages.volunteer import VOLUNTEER_PAGES
from api.settings import PageSettings

HERE = Path(__file__).resolve().parent.parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"
NO_BEARER = {"exclude_from_auth": True}
"""Route opt: the bearer middleware leaves these to the session."""


def template_config() -> TemplateConfig[JinjaTemplateEngine]:
    def configure(engine: JinjaTemplateEngine) -> None:
        engine.engine.autoescape = True
        engine.engine.trim_blocks = True
        engine.engine.lstrip_blocks = True

    return TemplateConfig(
        directory=TEMPLATES, engine=JinjaTemplateEngine, engine_callback=configure
    )


def pages_router(settings: PageSettings) -> list[ControllerRouterHandler]:
    csrf = CSRFConfig(
        secret=settings.secret,
        cookie_name="mutualaid_csrf",
        cookie_secure=settings.secure_cookies,
        cookie_samesite="strict",
        cookie_httponly=True,
    )
    sessions = session_config(settings.secure_cookies, settings.session_hours)
    throttle = SignInThrottle()
    images = "'self' data:"
    if settings.tile_url:
        images += " " + "/".join(settings.tile_url.split("/")[:3])  # the tiles' origin
    headers = [
        ResponseHeader(name="Content-Security-Policy", value=(
            "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
            f"img-src {images}; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
        )),
        ResponseHeader(name="X-Content-Type-Options", value="nosniff"),
        ResponseHeader(name="Referrer-Policy", value="same-origin"),
        ResponseHeader(name="Cache-Control", value="no-store"),
    ]  # fmt: skip
    pages = Router(
        path="/",
        route_handlers=[
            *AUTH_PAGES,
            *VOLUNTEER_PAGES,
            *COORDINATOR_PAGES,
            *ROSTER_PAGES,
            *PAPER_PAGES,
            *BOOKS_PAGES,
            *NOTICE_PAGES,
            *REPORT_PAGES,
            *IMPORT_PAGES,
            *CALENDAR_LINK_PAGES,
            *RECOMMEND_PAGES,
            *ABSENCE_PAGES,
        ],
        middleware=[sessions.middleware, DefineMiddleware(CSRFMiddleware, config=csrf)],
        dependencies={
            "viewer": Provide(provide_viewer, sync_to_thread=True),
            "lang": Provide(provide_lang, sync_to_thread=False),
            "throttle": Provide(lambda: throttle, sync_to_thread=False),
        },
        response_headers=headers,
        exception_handlers={Exception: page_error},
        opt=NO_BEARER,
        include_in_schema=False,
    )
    static = create_static_files_router(
        path="/static", directories=[STATIC], opt=NO_BEARER, include_in_schema=False,
        cache_control=None,
    )  # fmt: skip
    return [pages, static]
