"""Every error the API answers, in one place: the exception hierarchy mapped to HTTP statuses
and one body shape, and the same mapping declared in the OpenAPI schema with examples.

    MutualAidError
    ├── ScenarioError, InvalidRequest    400 invalid (every problem: path, message, line)
    ├── Unauthenticated                  401 unauthenticated
    ├── Forbidden                        403 forbidden
    ├── NotFoundError                    404 not_found
    ├── IdempotencyKeyReused             422 idempotency_key_reused
    ├── ActivePlanExists                 409 active_plan_exists
    ├── ConflictError                    409 conflict
    ├── Throttled (api.throttle)         429 too_many_failures (with Retry-After)
    └── StoreBusy                        503 busy, with Retry-After (other writers held the
        │                                    lock past the wait allowed; nothing stored)
        └── StoreLost                    503 store_lost, with Retry-After (the database's
                                             connection went away: nothing stored, or, lost
                                             during the commit, all or nothing: look first)
    StoreFull                            507 store_full (the database's disk is full; nothing
                                             stored; reads still work)
    Litestar's own: a body or parameter that does not decode 400, a body the client hung up
    in the middle of 400 client_disconnected (logged as one line), an unknown route 404,
    a method the route lacks 405. Anything else is our bug: 500, and nothing is stored
    (every use case commits only at its end).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from litestar import Request, Response
from litestar.exceptions import (
    HTTPException,
    InternalServerException,
    MethodNotAllowedException,
    NotAuthorizedException,
    NotFoundException,
    PermissionDeniedException,
    ValidationException,
)
from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.spec import Example

from api.decoding import decoding_problems
from api.throttle import Throttled
from mutualaid.bounds import shown
from mutualaid.errors import MutualAidError, Problem, ScenarioError
from mutualaid.messages import CATALOGUE, msg
from mutualaid.services.errors import StoreFull, StoreLost
from mutualaid.services.ports import (
    ActivePlanExists,
    ConflictError,
    Forbidden,
    IdempotencyKeyReused,
    InvalidRequest,
    NotFoundError,
    StoreBusy,
    TokenExpired,
    Unauthenticated,
)

log = logging.getLogger(__name__)

MAX_REQUEST_BODY = 10_000_000
"""Litestar's limit on a request body (bytes) unless a route sets its own."""


@dataclass
class ProblemBody:
    path: str
    """Where, as the scenario format's field path (`tasks[3].needs[0].count`); empty for
    the body as a whole."""
    message: str
    line: int | None = None
    """The line in a YAML or JSON body, where known."""


@dataclass
class ErrorBody:
    status_code: int
    error: str
    """A stable code: invalid, unauthenticated, forbidden, not_found, method_not_allowed,
    conflict, active_plan_exists, idempotency_key_reused, too_many_failures, busy,
    client_disconnected, server_error."""
    detail: str
    """One sentence for a person, in the request's language (`api.language`: English or
    Chinese)."""
    problems: list[ProblemBody] = field(default_factory=list)


STATUS: tuple[tuple[type[BaseException], int, str], ...] = (
    (ScenarioError, 400, "invalid"),
    (InvalidRequest, 400, "invalid"),
    (Unauthenticated, 401, "unauthenticated"),
    (NotAuthorizedException, 401, "unauthenticated"),
    (Forbidden, 403, "forbidden"),
    (PermissionDeniedException, 403, "forbidden"),
    (NotFoundError, 404, "not_found"),
    (NotFoundException, 404, "not_found"),
    (MethodNotAllowedException, 405, "method_not_allowed"),
    (IdempotencyKeyReused, 422, "idempotency_key_reused"),
    (ActivePlanExists, 409, "active_plan_exists"),
    (ConflictError, 409, "conflict"),
    (Throttled, 429, "too_many_failures"),
    (StoreLost, 503, "store_lost"),
    (StoreFull, 507, "store_full"),
    (StoreBusy, 503, "busy"),
    (MutualAidError, 400, "invalid"),
    (ValidationException, 400, "invalid"),
)
"""The one mapping: the first row whose class the error is an instance of."""


def status_of(exc: BaseException) -> tuple[int, str]:
    for kind, status, code in STATUS:
        if isinstance(exc, kind):
            return status, code
    if isinstance(exc, HTTPException) and 400 <= exc.status_code < 500:
        return exc.status_code, "invalid"
    return 500, "server_error"


def hung_up(exc: BaseException) -> bool:
    """The client closed the connection before sending the whole body (Litestar's words for
    an `http.disconnect` while reading it)."""
    return isinstance(exc, InternalServerException) and "disconnected" in str(exc.detail)


def error_body(request: Request[Any, Any, Any], exc: BaseException) -> ErrorBody:
    if hung_up(exc):  # nobody is left to read the answer: a line in the log, not a traceback
        client = request.client.host if request.client else "?"
        log.info("client %s hung up during %s %s", client, request.method, request.url.path)
        return ErrorBody(400, "client_disconnected", msg("client_disconnected"))
    status, code = status_of(exc)
    problems: list[Problem] = []
    if isinstance(exc, ScenarioError | InvalidRequest):
        problems = shown(list(exc.problems))  # the first hundred, then how many more
        detail = msg(_invalid(request), count=len(exc.problems))
    elif isinstance(exc, NotFoundError):
        kind = msg(f"kind_{exc.kind}") if f"kind_{exc.kind}" in CATALOGUE else exc.kind
        detail = msg("not_found", kind=kind, id=exc.ident)
    elif isinstance(exc, NotFoundException):
        detail = msg("route_not_found", path=request.url.path)
    elif status == 413:  # Litestar's own refusal, before any handler: its words are English
        most = getattr(request.route_handler, "resolve_request_max_body_size", lambda: None)()
        detail = msg("body_too_large", most=f"{most or MAX_REQUEST_BODY:,}")
    elif isinstance(exc, MethodNotAllowedException):
        detail = msg("method_not_allowed", method=request.method, path=request.url.path)
    elif isinstance(exc, TokenExpired | Throttled):
        detail = str(exc)
    elif isinstance(exc, Unauthenticated | NotAuthorizedException):
        detail = msg("unauthenticated")
    elif isinstance(exc, ActivePlanExists):
        detail = msg("plan_active")
    elif isinstance(exc, IdempotencyKeyReused):
        detail = msg("idempotency_key_reused")
    elif isinstance(exc, ConflictError):
        detail = msg("conflict", detail=exc)
    elif isinstance(exc, StoreBusy):
        what = "lost the store's connection" if isinstance(exc, StoreLost) else "busy store"
        log.warning("%s on %s %s: %s", what, request.method, request.url.path, exc.__cause__)
        detail = str(exc)
    elif isinstance(exc, StoreFull):  # the operator's to mend: said in the log as an error
        log.error("disk full on %s %s: %s", request.method, request.url.path, exc.__cause__)
        detail = str(exc)
    elif isinstance(exc, Forbidden | MutualAidError):
        detail = str(exc)
    elif status == 400:
        problems = decoding_problems(exc)
        detail = msg(_invalid(request), count=len(problems))
    elif isinstance(exc, HTTPException) and status < 500:
        detail = exc.detail
    else:
        log.error("unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
        detail = msg("server_error")
    return ErrorBody(
        status, code, detail, [ProblemBody(p.path, p.message, p.line) for p in problems]
    )


def _invalid(request: Request[Any, Any, Any]) -> str:
    """The 400's words: 'nothing was stored' only where the request could have written (a
    read stores nothing whatever it asks, and saying so reads as if it might have)."""
    return "invalid_read" if request.method in ("GET", "HEAD", "OPTIONS") else "invalid_request"


def handle(request: Request[Any, Any, Any], exc: Exception) -> Response[ErrorBody]:
    """The app's only exception handler."""
    body = error_body(request, exc)
    headers = {"WWW-Authenticate": "Bearer"} if body.status_code == 401 else None
    if isinstance(exc, Throttled | StoreBusy):
        headers = {"Retry-After": str(exc.retry_after)}
    return Response(body, status_code=body.status_code, headers=headers)


# --- the OpenAPI side -----------------------------------------------------------------------

_EXAMPLES: dict[int, tuple[str, ErrorBody]] = {
    400: (
        "Bad input: every problem with its field path, the loader's message and line",
        ErrorBody(
            400,
            "invalid",
            "2 problems in the request; nothing was stored",
            [
                ProblemBody("tasks[0].needs[0].count", "must be a whole number > 0, got 0 (int)"),
                ProblemBody(
                    "tasks[1].dureation_minutes",
                    "unknown field 'dureation_minutes' (did you mean 'duration_minutes'?)",
                    14,
                ),
            ],
        ),
    ),
    401: (
        "No token, or one that is unknown or revoked",
        ErrorBody(401, "unauthenticated", "give a valid token: Authorization: Bearer <token>"),
    ),
    403: (
        "The token acts outside its role or areas",
        ErrorBody(403, "forbidden", "this token may not act in area 'dahelu'"),
    ),
    404: ("An unknown id", ErrorBody(404, "not_found", "no plan '3f2a…'")),
    409: (
        "The request clashes with what is stored (a second active plan, a roster entity "
        "still in use, a plan not finished)",
        ErrorBody(
            409,
            "active_plan_exists",
            "a plan for this area and week is already queued or running; wait for it or cancel it",
        ),
    ),
    429: (
        "Too many failed sign-ins from this address: wait Retry-After seconds (a token that "
        "already signed in from it is still served)",
        ErrorBody(
            429,
            "too_many_failures",
            "too many failed sign-ins from this address; try again in 10 s",
        ),
    ),
    422: (
        "The Idempotency-Key came before with a different body",
        ErrorBody(
            422,
            "idempotency_key_reused",
            "this Idempotency-Key was used before with a different request",
        ),
    ),
    503: (
        "Other writers held the store's lock past the wait allowed; nothing was stored: "
        "send the same request again after Retry-After seconds",
        ErrorBody(
            503,
            "busy",
            "the store is busy with other changes; nothing of this request was stored: "
            "try again in 5 s",
        ),
    ),
}


def responses(*codes: int) -> dict[int, ResponseSpec]:
    """The error responses of a route for its OpenAPI entry; 400, 401, 403, 429 and 503 always."""
    out: dict[int, ResponseSpec] = {}
    for code in sorted({400, 401, 403, 429, 503, *codes}):
        description, example = _EXAMPLES[code]
        out[code] = ResponseSpec(
            data_container=ErrorBody,
            description=description,
            generate_examples=False,
            examples=[Example(summary=example.error, value=_plain(example))],
        )
    return out


def _plain(body: ErrorBody) -> dict[str, Any]:
    return {
        "status_code": body.status_code,
        "error": body.error,
        "detail": body.detail,
        "problems": [p.__dict__ for p in body.problems],
    }
