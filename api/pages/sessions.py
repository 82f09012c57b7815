"""The pages' server-side sessions: the cookie carries a random id (HttpOnly, SameSite=Strict,
Secure behind https), the store holds the signed-in token's id; a sign-in gets a new id.

The store is in memory (`MemoryStore`): sessions end when the server restarts and are not
shared between processes, so a deployment of several processes needs a shared store (any
Litestar `Store`, such as Redis) passed to `session_config`.
"""

from __future__ import annotations

from typing import Any

from litestar.connection import ASGIConnection
from litestar.middleware.session.server_side import (
    ServerSideSessionBackend,
    ServerSideSessionConfig,
)
from litestar.types import Message, ScopeSession

RENEW_SESSION = "mutualaid.renew_session"
"""Set in the scope by a sign-in: the session's data moves to a new id (no fixation)."""
SESSION_STORE = "page_sessions"


class RenewingBackend(ServerSideSessionBackend):
    """Litestar's server-side sessions, but a sign-in drops the old id and takes a new one."""

    def get_session_id(self, connection: ASGIConnection[Any, Any, Any, Any]) -> str:
        fresh = connection.scope.get(RENEW_SESSION)
        return fresh if isinstance(fresh, str) else super().get_session_id(connection)

    async def store_in_message(
        self,
        scope_session: ScopeSession,
        message: Message,
        connection: ASGIConnection[Any, Any, Any, Any],
    ) -> None:
        scope: Any = connection.scope
        if scope.get(RENEW_SESSION) is True:
            old = connection.cookies.get(self.config.key)
            if old:
                await self.delete(old, store=self.config.get_store_from_app(scope["app"]))
            scope[RENEW_SESSION] = self.generate_session_id()
        await super().store_in_message(scope_session, message, connection)


class PageSessionConfig(ServerSideSessionConfig):
    _backend_class = RenewingBackend


def session_config(secure: bool, hours: float) -> PageSessionConfig:
    return PageSessionConfig(
        key="mutualaid_session",
        store=SESSION_STORE,
        max_age=int(hours * 3600),
        httponly=True,
        samesite="strict",
        secure=secure,
    )
