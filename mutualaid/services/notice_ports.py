"""What the notices' use cases need: the outbox of notices and where they go (an area's
webhook, a volunteer's email and language) in storage, and a transport that delivers them.

A notice is written in the transaction of the change it tells of (publish, repair, a task
deleted or replaced), so none is lost and none is told of a change that was rolled back.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

import pendulum


@dataclass(frozen=True)
class NoticeDraft:
    """A notice to write: what changed for one volunteer about one task."""

    area: str
    week_start: pendulum.Date
    volunteer: str
    kind: str
    """given | moved | withdrawn (`mutualaid.domain.notices`)"""
    task: str
    title: str
    before: tuple[dt.datetime, dt.datetime] | None
    after: tuple[dt.datetime, dt.datetime] | None
    timezone: str
    language: str
    """en | zh: the volunteer's, when the notice was written."""
    plan_id: str | None
    """The published plan that made the change (None when a task was withdrawn)."""


@dataclass(frozen=True)
class NoticeRecord:
    id: str
    """A UUID: the idempotency key receivers see."""
    draft: NoticeDraft
    created_at: pendulum.DateTime
    state: str
    """pending | sending | sent | failed | unrouted (`mutualaid.domain.notices.STATES`)"""
    attempts: int
    next_attempt_at: pendulum.DateTime | None
    last_error: str | None
    sent_at: pendulum.DateTime | None
    delivered: tuple[str, ...]
    """The channels that took it (webhook, email): a retry tries only the others."""


@dataclass(frozen=True)
class NoticeChannel:
    """Where an area's notices are POSTed, and the secret that signs them."""

    area: str
    webhook_url: str
    secret: str
    updated_at: pendulum.DateTime


@dataclass(frozen=True)
class Contact:
    """How a volunteer is reached: their email (optional) and the language they read."""

    area: str
    volunteer: str
    email: str | None
    language: str | None


class NoticeRepository(Protocol):
    def add(self, drafts: Sequence[NoticeDraft]) -> list[NoticeRecord]: ...
    def for_area(
        self, area: str, state: str | None = None, limit: int = 100
    ) -> list[NoticeRecord]: ...
    def for_volunteer(self, area: str, volunteer: str, limit: int = 100) -> list[NoticeRecord]: ...
    def counts(self, area: str) -> dict[str, int]:
        """How many of the area's notices are in each state."""
        ...

    def claim(self, worker: str, lease_seconds: float, limit: int) -> list[NoticeRecord]:
        """Up to `limit` notices due (pending and due, or sending with the lease run out),
        now `worker`'s to send until the lease ends; others' claims skip them."""
        ...

    def settle(
        self, ident: str, worker: str, *, state: str, delivered: Sequence[str],
        error: str | None, retry_at: pendulum.DateTime | None,
    ) -> NoticeRecord | None:  # fmt: skip
        """Record a send's outcome; None (nothing written) when the notice is no longer
        `worker`'s (its lease ran out and another sender claimed it)."""
        ...

    def reroute(self, area: str, volunteer: str | None = None) -> int:
        """The area's `unrouted` notices (one volunteer's when given) whose visit is not over
        yet are pending again, due now: a webhook or an email was set. How many."""
        ...

    def channel(self, area: str) -> NoticeChannel | None: ...
    def channels(self, areas: Collection[str]) -> dict[str, NoticeChannel]: ...
    def set_channel(self, area: str, webhook_url: str | None, secret: str | None) -> None:
        """Set the area's webhook (None: remove it)."""
        ...

    def contacts(self, area: str, volunteers: Collection[str]) -> dict[str, Contact]: ...
    def set_contact(
        self, area: str, volunteer: str, email: str | None, language: str | None
    ) -> Contact: ...


class DeliveryFailed(Exception):
    """A channel did not take a notice (no answer, an error status, SMTP refused)."""


class NoticeTransport(Protocol):
    """Delivers a notice's bytes: a signed POST to a webhook, an email."""

    @property
    def email_enabled(self) -> bool: ...

    def post(self, url: str, body: bytes, headers: Mapping[str, str]) -> None:
        """DeliveryFailed unless the receiver answers 2xx."""
        ...

    def email(self, to: str, subject: str, text: str, key: str) -> None:
        """DeliveryFailed unless the SMTP server takes the message (`key` its Message-ID)."""
        ...
