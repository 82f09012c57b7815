"""What every request passes before its handler runs: path and query parameters without control
characters, an Idempotency-Key that is not empty, and a JSON body within the bounds (depth,
size, no NUL or other control characters), each refused with 400 naming where. A JSON body's
UTF-8 byte order mark (Notepad writes one) is taken off before anything reads it."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.enums import ScopeType
from litestar.exceptions import SerializationException
from litestar.types import ASGIApp, Receive, ReceiveMessage, Scope, Send

from mutualaid.bounds import MAX_DEPTH, check_data, control_problem
from mutualaid.errors import Problem
from mutualaid.messages import msg
from mutualaid.services.ports import InvalidRequest

IDEMPOTENCY_KEY = "Idempotency-Key"
_NOT_JSON = ("application/x-www-form-urlencoded", "multipart/form-data", "application/x-msgpack")
BOM = "\ufeff".encode()


def is_json(content_type: str) -> bool:
    """Whether a Content-Type names JSON (application/json, or any type ending +json)."""
    media = content_type.split(";", 1)[0].strip().lower()
    return media == "application/json" or media.endswith("+json")


class WithoutBom:
    """A JSON body's leading byte order mark taken off as the body comes in, so every reader
    of it (Litestar's decoder, the bounds below, a scenario's own reader) sees plain JSON:
    RFC 8259 lets a parser ignore one, and msgspec refuses it ("invalid character"). Other
    bodies keep theirs (a CSV's tells its reader the encoding)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = dict(scope.get("headers") or ()) if scope["type"] == ScopeType.HTTP else {}
        if not is_json(headers.get(b"content-type", b"").decode("latin-1")):
            await self.app(scope, receive, send)
            return
        head = b""  # the body's first bytes, held until they show whether a BOM begins it
        settled = False

        async def without() -> ReceiveMessage:
            nonlocal head, settled
            while not settled:
                message = await receive()
                if message["type"] != "http.request":
                    return message
                head += message.get("body", b"")
                more = message.get("more_body", False)
                if len(head) < len(BOM) and BOM.startswith(head) and more:
                    continue  # a BOM may still be cut across chunks
                settled = True
                message["body"], head = head.removeprefix(BOM), b""
                return message
            return await receive()

        await self.app(scope, without, send)


async def check_request(request: Request[Any, Any, Any]) -> None:
    """Litestar's before_request hook: raise InvalidRequest listing every problem found."""
    problems: list[Problem] = []
    for name, value in request.path_params.items():
        if isinstance(value, str) and (bad := control_problem(value, ident=True)):
            problems.append(Problem(name, bad))
    for name, value in request.query_params.multi_items():
        bad = control_problem(name, ident=True) or control_problem(value, ident=True)
        if bad:
            problems.append(Problem(name, bad))
    key = request.headers.get(IDEMPOTENCY_KEY)
    if key is not None and not key.strip():
        problems.append(Problem(IDEMPOTENCY_KEY, msg("empty_header", header=IDEMPOTENCY_KEY)))
    elif key is not None and (bad := control_problem(key, ident=True)):
        problems.append(Problem(IDEMPOTENCY_KEY, bad))
    if problems:
        raise InvalidRequest(problems)
    body = request.route_handler.parsed_fn_signature.parameters.get("data")
    if body is not None:
        # a list body is named as the use case names it (`tasks[3].title`)
        title = getattr(body.kwarg_definition, "title", None) or ""
        problems = await _body_problems(request, title)
        if problems:
            raise InvalidRequest(problems)


async def _body_problems(request: Request[Any, Any, Any], title: str) -> list[Problem]:
    """The bounds' problems of a body the handler will read as JSON (decoded once: Litestar
    keeps the decoded body for the handler)."""
    if request.content_type[0] in _NOT_JSON or not await request.body():
        return []
    try:
        data = await request.json()
    except SerializationException:
        return []  # not JSON: the handler's decoding says so, with Litestar's words
    except RecursionError:  # nested far past MAX_DEPTH: the decoder gave up
        return [Problem("", msg("too_deep", limit=MAX_DEPTH))]
    return check_data(data, title if isinstance(data, list) else "")
