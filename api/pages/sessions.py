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
from litestar.stores.memory import MemoryStore
from litestar.types import Empty, Message, ScopeSession

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
        store = self.config.get_store_from_app(scope["app"])
        if not scope_session or scope_session is Empty:
            # nothing to keep: store nothing (a visitor who never signs in costs no memory),
            # and end a session the browser still names
            if connection.cookies.get(self.config.key):
                await super().store_in_message(Empty, message, connection)
            return
        if scope.get(RENEW_SESSION) is True:
            old = connection.cookies.get(self.config.key)
            if old:
                await self.delete(old, store=store)
            scope[RENEW_SESSION] = self.generate_session_id()
            if isinstance(store, MemoryStore):
                await store.delete_expired()  # sign-ins are rare: sweep old sessions then
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
