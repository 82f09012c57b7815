"""Who is asking: Bearer tokens, checked for every route but the OpenAPI schema.

The middleware only authenticates (401; 429 after too many failures from one address, see
`api.throttle`); what the actor may do is asked by the use cases
(403), so the rules hold the same from HTTP, the CLI and tests.
"""

from __future__ import annotations

from typing import Any

import anyio
import anyio.to_thread
from litestar import Request
from litestar.connection import ASGIConnection
from litestar.middleware import AbstractAuthenticationMiddleware, AuthenticationResult

from api.throttle import FailedSignIns, Throttled, client_key
from mutualaid.services.access import Actor, authenticate
from mutualaid.services.ports import Unauthenticated

PUBLIC = ["^/schema"]
"""Paths anyone may read: the OpenAPI schema and its viewers."""


class BearerAuth(AbstractAuthenticationMiddleware):
    async def authenticate_request(
        self, connection: ASGIConnection[Any, Any, Any, Any]
    ) -> AuthenticationResult:
        scheme, _, secret = connection.headers.get("authorization", "").partition(" ")
        secret = secret.strip()
        if scheme.lower() != "bearer" or not secret:
            raise Unauthenticated()
        throttle: FailedSignIns = connection.app.state.throttle
        address = client_key(connection.client.host if connection.client else "")
        try:
            throttle.check(address, secret)  # before the database: a throttled guess is cheap
        except Throttled:
            # held a moment (without a thread, the event loop serves others meanwhile): a
            # guesser that waits for answers, as most do, slows down to the held pace
            await anyio.sleep(throttle.hold)
            raise
        infra = connection.app.state.infra
        try:
            # a token verified lately is answered here, without a thread or the database
            actor = infra.verified.actor(secret) or await anyio.to_thread.run_sync(
                authenticate, infra.reader(), secret, infra.verified
            )
        except Unauthenticated:  # expired
            throttle.failed(address, secret)
            raise
        if actor is None:
            throttle.failed(address, secret)
            raise Unauthenticated()
        throttle.succeeded(address, secret)
        return AuthenticationResult(user=actor, auth=actor.id)


def provide_actor(request: Request[Actor, str, Any]) -> Actor:
    """The authenticated actor of the request."""
    return request.user
