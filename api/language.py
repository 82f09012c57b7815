"""The language of a request, chosen once at the edge: the person's remembered choice (the
pages' `lang` cookie), else the browser's or client's Accept-Language (zh, zh-CN, zh-Hans...:
Chinese; else English). `LanguageMiddleware` makes it the active locale for everything the
request runs (use cases, errors raised deep down and their wording), so two requests in two
languages are answered each in its own, whatever the process's environment."""

from __future__ import annotations

from typing import Any

from litestar.connection import ASGIConnection
from litestar.types import ASGIApp, Receive, Scope, Send

from mutualaid.messages import LOCALES, language_of_header, using_locale

LANG_COOKIE = "lang"
"""The person's language (en | zh), remembered for a year; before any choice the browser's
Accept-Language decides."""


def language(connection: ASGIConnection[Any, Any, Any, Any]) -> str:
    """en | zh: the remembered choice, else the first language we speak in Accept-Language."""
    chosen = connection.cookies.get(LANG_COOKIE)
    if chosen in LOCALES:
        return chosen
    return language_of_header(connection.headers.get("accept-language", ""))


class LanguageMiddleware:
    """Every request runs in its language (`using_locale`); the first middleware, so that
    what the others say (a throttled sign-in) is in it too."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        with using_locale(language(ASGIConnection(scope))):
            await self.app(scope, receive, send)
