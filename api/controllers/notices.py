"""Notices over HTTP: the area's notices and their delivery state (coordinators), the area's
webhook, a volunteer's own notices and their contact (email, language)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from litestar import Controller, Request, get, put
from litestar.params import FromPath, JSONBody, QueryParameter

from api.controllers.common import AreaParam, CurrentActor, Uow
from api.errors import responses
from mutualaid.messages import locale
from mutualaid.services import notices
from mutualaid.services.notice_ports import Contact, NoticeRecord
from mutualaid.services.volunteers import volunteer_area

Limit = Annotated[int, QueryParameter(ge=1, le=1000, description="How many, newest first.")]


@dataclass
class NoticeView:
    id: str
    """Also the `Idempotency-Key` a webhook receives with it."""
    area: str
    week_start: str
    volunteer: str
    kind: str
    """given | moved | withdrawn"""
    task: str
    title: str
    before: dict[str, str] | None
    """{start, end} (ISO 8601 with the area's offset) before the change; null when given."""
    after: dict[str, str] | None
    language: str
    """The volunteer's language (en | zh): what the webhook and the email are written in."""
    subject: str
    text: str
    """In the request's language."""
    created_at: str
    state: str
    """pending | sending | sent | failed | unrouted (no webhook and no email: read here)"""
    attempts: int
    next_attempt_at: str | None
    last_error: str | None
    sent_at: str | None
    delivered: list[str]
    """The channels that took it: webhook, email."""

    @classmethod
    def of(cls, n: NoticeRecord) -> NoticeView:
        body: dict[str, Any] = notices.notice_json(n)
        subject, text = notices.notice_text(n, locale())
        return cls(
            n.id, body["area"], body["week_start"], body["volunteer"], body["kind"],
            body["task"], body["title"], body["before"], body["after"], body["language"],
            subject, text, body["created_at"], n.state, n.attempts,
            _iso(n.next_attempt_at), n.last_error, _iso(n.sent_at), list(n.delivered),
        )  # fmt: skip


def _iso(value: Any) -> str | None:
    return None if value is None else str(value.to_iso8601_string())


@dataclass
class AreaNoticesView:
    area: str
    counts: dict[str, int]
    """How many of the area's notices are in each state."""
    notices: list[NoticeView]


@dataclass
class WebhookView:
    webhook_url: str | None
    """Where the area's notices are POSTed (JSON, `X-MutualAid-Signature: sha256=<hex
    HMAC-SHA256 of the body with the secret>`, `Idempotency-Key: <notice id>`); null: none."""


@dataclass
class WebhookWrite:
    webhook_url: str | None
    secret: str | None = None
    """At least 16 characters; never read back."""


@dataclass
class ContactView:
    volunteer: str
    email: str | None
    language: str | None
    """en | zh; null: Chinese when the roster's `languages` include zh, else English when
    they include en, else Chinese."""

    @classmethod
    def of(cls, c: Contact) -> ContactView:
        return cls(c.volunteer, c.email, c.language)


@dataclass
class ContactWrite:
    email: str | None = None
    language: str | None = None


class NoticeController(Controller):
    path = "/notices"
    tags = ("notices",)

    @get("/", sync_to_thread=True, responses=responses(404))
    def area_notices(
        self, actor: CurrentActor, reader: Uow, area: AreaParam = None,
        only: Annotated[
            str | None, QueryParameter(name="state", description="Only notices in this state.")
        ] = None,
        limit: Limit = 100,
    ) -> AreaNoticesView:  # fmt: skip
        """The area's notices to volunteers, newest first, with their delivery state (admin,
        the area's coordinator)."""
        found, counts = notices.area_notices(reader, actor, area, only, limit)
        where = actor.area(area)
        return AreaNoticesView(where, counts, [NoticeView.of(n) for n in found])

    @get("/webhook", sync_to_thread=True, responses=responses(404))
    def webhook(self, actor: CurrentActor, reader: Uow, area: AreaParam = None) -> WebhookView:
        """Where the area's notices are POSTed (never the secret)."""
        return WebhookView(notices.webhook_of(reader, actor, area))

    @put("/webhook", sync_to_thread=True, responses=responses(404))
    def set_webhook(
        self, request: Request[Any, Any, Any], actor: CurrentActor, uow: Uow,
        data: JSONBody[WebhookWrite], area: AreaParam = None,
    ) -> WebhookView:  # fmt: skip
        """Set the area's webhook and its signing secret, or remove it (`webhook_url`: null);
        admin or the area's coordinator; audited."""
        allow = request.app.state.infra.loopback_webhooks
        notices.set_webhook(uow, actor, area, data.webhook_url, data.secret, allow_loopback=allow)
        return WebhookView(data.webhook_url)


class VolunteerNoticeController(Controller):
    path = "/volunteers/{ident:str}"
    tags = ("notices",)

    @get("/notices", sync_to_thread=True, responses=responses(404))
    def mine(
        self, actor: CurrentActor, reader: Uow, ident: FromPath[str], area: AreaParam = None,
        limit: Limit = 100,
    ) -> list[NoticeView]:  # fmt: skip
        """The volunteer's notices, newest first: visits given, moved, withdrawn (the
        volunteer, the area's coordinator, admin)."""
        where = volunteer_area(actor, area)
        return [
            NoticeView.of(n) for n in notices.volunteer_notices(reader, actor, where, ident, limit)
        ]

    @get("/contact", sync_to_thread=True, responses=responses(404))
    def contact(
        self, actor: CurrentActor, reader: Uow, ident: FromPath[str], area: AreaParam = None
    ) -> ContactView:
        """How the volunteer is reached: email (optional) and the language of notices."""
        where = volunteer_area(actor, area)
        return ContactView.of(notices.contact_of(reader, actor, where, ident))

    @put("/contact", sync_to_thread=True, responses=responses(404))
    def set_contact(
        self, actor: CurrentActor, uow: Uow, ident: FromPath[str], data: JSONBody[ContactWrite],
        area: AreaParam = None,
    ) -> ContactView:  # fmt: skip
        """Set the volunteer's email and language (the volunteer, the area's coordinator,
        admin); audited without the address."""
        where = volunteer_area(actor, area)
        return ContactView.of(
            notices.set_contact(uow, actor, where, ident, data.email, data.language)
        )
