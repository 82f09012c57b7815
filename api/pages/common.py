"""What every page shares: who is signed in (the session's token, checked on each request), the
person's language (`api.language`), the layout's context (`page`), flash notes, and errors
shown as pages.

A page handler takes `viewer: Viewer` (a coordinator's pages `Viewer` with `require_manager`)
and returns `page(request, viewer, "area/name.html", **context)`.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from litestar import Request, Response
from litestar.di import NamedDependency
from litestar.exceptions import (
    HTTPException,
    NotAuthorizedException,
    NotFoundException,
    PermissionDeniedException,
    ValidationException,
)
from litestar.response import Redirect, Template

from api.language import language
from api.pages.named import Names, named
from mutualaid.bounds import shown
from mutualaid.contract import plan_json
from mutualaid.domain.plan import Reason
from mutualaid.errors import MutualAidError, Problem, ScenarioError
from mutualaid.messages import CATALOGUE, located, msg, msg_in, say, using_locale
from mutualaid.messages.skills import skill_name
from mutualaid.services.access import Actor, actor_of_token
from mutualaid.services.ports import (
    ConflictError,
    Forbidden,
    InvalidRequest,
    NotFoundError,
    PlanRecord,
    StoreBusy,
)

log = logging.getLogger(__name__)

SESSION_TOKEN = "token"
"""The session key of the signed-in token's id (never its secret)."""
FLASH = "flash"
_LOCAL_PATH = re.compile(r"^/(?!/)[^\s\\]*$")


class SignInRequired(MutualAidError):
    """A page that needs a signed-in person was asked for without one."""


@dataclass(frozen=True)
class Viewer:
    """Who looks at the page: the token's holder (an Actor) and the name the token carries."""

    actor: Actor
    name: str | None = None

    @property
    def is_volunteer(self) -> bool:
        return self.actor.role == "volunteer"

    @property
    def home(self) -> str:
        """The page a sign-in leads to."""
        return "/my" if self.is_volunteer else "/desk"


Lang = NamedDependency[str]
"""The person's language (en | zh), injected into page handlers."""


def provide_lang(request: Request[Any, Any, Any]) -> str:
    return language(request)


CurrentViewer = NamedDependency[Viewer]
"""The signed-in person, injected into page handlers (SignInRequired when nobody is)."""


def provide_viewer(request: Request[Any, Any, Any]) -> Viewer:
    """The signed-in person; SignInRequired when the session names no live token (never
    signed in, signed out, expired, or the token was revoked since)."""
    ident = request.session.get(SESSION_TOKEN) if request.scope.get("session") else None
    if not isinstance(ident, str):
        raise SignInRequired()
    found = actor_of_token(request.app.state.infra.reader(), ident)
    if found is None:
        request.clear_session()
        raise SignInRequired()
    actor, name = found
    viewer = Viewer(actor, name)
    request.state.viewer = viewer  # for an error page that follows
    return viewer


def local_path(target: str | None, default: str = "/") -> str:
    """`target` when it is a path of this site (never another site: no open redirect)."""
    if target and _LOCAL_PATH.match(target):
        return target
    return default


def plan_in(lang: str, record: PlanRecord, names: Names | None = None) -> dict[str, Any]:
    """A finished plan's JSON with its unserved details worded in `lang`; with `names`, the
    details name skills, teams, volunteers and tasks as the pages do (`named`), not by id."""
    assert record.result is not None
    with using_locale(lang):
        out = plan_json.dump(record.result, record.clock)
        if names is not None:
            details = {u.task: u.detail for u in record.result.unserved}
            for u in out.get("unserved") or []:
                detail = details.get(u["task"])
                if isinstance(detail, Reason):
                    u["detail"] = say(named(detail, names, lang))
        return out


def flash(request: Request[Any, Any, Any], key: str, **fields: object) -> None:
    """A note shown once, on the next page (a catalogue key and its fields)."""
    notes = list(request.session.get(FLASH) or [])
    notes.append([key, {k: str(v) for k, v in fields.items()}])
    request.session[FLASH] = notes


_ZH_DAYS = ("一", "二", "三", "四", "五", "六", "日")
_CODES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_WORDS: dict[str, str] = {
    **{f"周{d}": c for d, c in zip(_ZH_DAYS, _CODES, strict=True)},
    **{f"星期{d}": c for d, c in zip(_ZH_DAYS, _CODES, strict=True)},
    "周天": "sun", "星期天": "sun",
}  # fmt: skip
"""Weekdays as a Chinese coordinator writes them -> the scenario format's codes."""


def day_code(word: str) -> str:
    """A weekday a person typed (mon, Mon, 周一, 星期一) as the scenario format's code."""
    return DAY_WORDS.get(word.strip(), word.strip().lower())


ONCE = "once"
"""A hidden field of forms that add something: a random key, so that the same form sent twice
(a double click, a reload) adds once."""
_USED = "used_forms"


def used_once(request: Request[Any, Any, Any], key: str | None) -> bool:
    return bool(key) and key in (request.session.get(_USED) or [])


def remember_once(request: Request[Any, Any, Any], key: str | None) -> None:
    if key:
        request.session[_USED] = [*(request.session.get(_USED) or [])[-49:], key]


@dataclass
class Form:
    """A form's values as typed and its problems by field, to show them again beside it."""

    values: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, list[str]] = field(default_factory=dict)
    general: list[str] = field(default_factory=list)
    """Problems that belong to no field of the form."""

    def add(self, name: str, message: str) -> None:
        self.errors.setdefault(name, []).append(message)

    @property
    def ok(self) -> bool:
        return not self.errors and not self.general


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def refuse_control_characters(form: Form, data: Mapping[str, str], lang: str) -> None:
    """A field with a control character (a NUL, ...) is refused beside it: no database
    stores one in text, and no person means one."""
    for name, value in data.items():
        if name != "_csrf_token" and _CONTROL.search(str(value)):
            form.add(name, msg_in(lang, "page_bad_character"))


def problems_into(form: Form, problems: list[Problem], fields: Mapping[str, str]) -> None:
    """Place each problem beside its field: the first key of its path (after any
    `tasks[0].`) looked up in `fields` (path key -> form field); the rest go on top."""
    for p in problems:
        path = re.sub(r"^(tasks|sites|teams|volunteers|residents)\[\d+\]\.?", "", p.path)
        key = re.split(r"[.\[]", path, maxsplit=1)[0]
        where = fields.get(key)
        text = located(p.path, p.message) if where is None else p.message
        if p.line is not None and where is None:
            text = msg("line_after", text=text, line=p.line)
        if where is None:
            form.general.append(text)
        else:
            form.add(where, text)


def page(
    request: Request[Any, Any, Any],
    viewer: Viewer | None,
    lang: str,
    template: str,
    status_code: int = 200,
    **context: Any,
) -> Template:
    """A page in the layout: `t(key, **fields)` speaks the person's language; `nav` names
    the current section; flash notes are shown once."""
    notes: list[str] = []
    if request.scope.get("session") and request.session.get(FLASH):
        for key, fields in request.session.pop(FLASH):
            if key in CATALOGUE:
                notes.append(msg_in(lang, key, **fields))

    def t(key: str, **fields: object) -> str:
        return msg_in(lang, key, **fields)

    def said(text: Reason | str | None) -> str:
        """A sentence kept as data (a failed solve's error), worded in the person's language."""
        if text is None or isinstance(text, str):
            return text or ""
        with using_locale(lang):
            return say(text)

    def days(codes: list[str] | None) -> str:
        """Weekday codes (mon, tue, ...) said short in the person's language."""
        known = [f"page_dshort_{c}" for c in codes or []]
        return " ".join(msg_in(lang, k) if k in CATALOGUE else k[12:] for k in known)

    return Template(
        template_name=template,
        status_code=status_code,
        context={
            "t": t,
            "said": said,
            "days": days,
            "skill": lambda skill: skill_name(skill, lang),
            "lang": lang,
            "viewer": viewer,
            "notes": notes,
            "here": request.url.path + (f"?{request.url.query}" if request.url.query else ""),
            "quote": quote,
            **context,
        },
    )


# --- errors, as pages -------------------------------------------------------------------------


def _status(exc: BaseException) -> tuple[int, str]:
    if isinstance(exc, NotFoundError | NotFoundException):
        return 404, "page_not_found"
    if isinstance(exc, Forbidden | PermissionDeniedException):
        return 403, "page_forbidden"
    if isinstance(exc, ConflictError):
        return 409, "page_conflict"
    if isinstance(exc, StoreBusy):  # its sentence says what was stored (a decline's repair)
        return 503, "page_busy"
    if isinstance(exc, NotAuthorizedException):
        return 401, "page_sign_in_again"
    if isinstance(exc, ScenarioError | InvalidRequest | MutualAidError | ValidationException):
        return 400, "page_invalid"
    if isinstance(exc, HTTPException) and 400 <= exc.status_code < 500:
        return exc.status_code, "page_invalid"
    return 500, "page_server_error"


def wants_page(request: Request[Any, Any, Any]) -> bool:
    """A person's browser asking (it accepts HTML and sends no bearer token)."""
    accepted = request.headers.get("accept", "")
    return "text/html" in accepted and "authorization" not in request.headers


def page_error(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    """The pages' exception handler: a sign-in page when nobody is signed in, else the
    problem said as a page in the person's language (never a traceback)."""
    if isinstance(exc, SignInRequired):
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return Redirect(f"/?next={quote(target)}", status_code=303)
    lang = language(request)
    status, title = _status(exc)
    details: list[str] = []
    if isinstance(exc, ScenarioError | InvalidRequest):
        with using_locale(lang):  # "and N more problems" in the page's language
            details = [p.render() for p in shown(list(exc.problems))]
    elif isinstance(exc, NotFoundError):
        kind = msg_in(lang, f"kind_{exc.kind}") if f"kind_{exc.kind}" in CATALOGUE else exc.kind
        details = [msg_in(lang, "not_found", kind=kind, id=exc.ident)]
    elif isinstance(exc, MutualAidError):
        details = [str(exc)]
    elif status == 500:
        log.error("unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
    viewer = getattr(request.state, "viewer", None)
    return page(request, viewer, lang, "error.html", status, title=title, details=details)
