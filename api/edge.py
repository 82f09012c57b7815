"""What every request passes before its handler runs: path and query parameters without control
characters, an Idempotency-Key that is not empty, and a JSON body within the bounds (depth,
size, no NUL or other control characters), each refused with 400 naming where."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.exceptions import SerializationException

from mutualaid.bounds import MAX_DEPTH, check_data, control_problem
from mutualaid.errors import Problem
from mutualaid.messages import msg
from mutualaid.services.ports import InvalidRequest

IDEMPOTENCY_KEY = "Idempotency-Key"
_NOT_JSON = ("application/x-www-form-urlencoded", "multipart/form-data", "application/x-msgpack")


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
