"""Notices to volunteers: written in the transaction of the change they tell of (a publish, a
repair, a task deleted or replaced), sent at least once by a sender that claims them with a
lease (a webhook signed with the area's secret, an email), tried again with backoff, read by
the coordinator (delivery state) and by each volunteer (their own).

Notices are stored as codes and times; their text is worded when sent or read, in the
volunteer's language (`notice_text`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import logging
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pendulum

from mutualaid.bounds import MAX_ID_LENGTH, text_problem
from mutualaid.config import NoticeSettings
from mutualaid.domain.facts import Fact
from mutualaid.domain.notices import (
    FAILED,
    LANGUAGES,
    PENDING,
    PLACE,
    SENT,
    STATES,
    UNROUTED,
    Backoff,
    Change,
    Visit,
    changes,
    notice_language,
)
from mutualaid.errors import Problem
from mutualaid.messages import msg, msg_in
from mutualaid.services.access import Actor
from mutualaid.services.notice_ports import (
    Contact,
    DeliveryFailed,
    NoticeDraft,
    NoticeRecord,
    NoticeTransport,
)
from mutualaid.services.ports import Clock, InvalidRequest, NotFoundError, UnitOfWork
from mutualaid.services.web_addresses import refused_host

log = logging.getLogger(__name__)
MAX_URL_LENGTH = 2000
MAX_EMAIL_LENGTH = 254
MIN_SECRET_LENGTH = 16


# --- written with the change ---------------------------------------------------------------


@dataclass(frozen=True)
class Before:
    """The week's published visits before a change, and the titles of tasks the change may
    delete (read before they go)."""

    area: str
    week_start: pendulum.Date
    visits: list[Visit]
    titles: dict[str, str] = field(default_factory=dict)


def published_visits(uow: UnitOfWork, area: str, week: pendulum.Date) -> list[Visit]:
    """The visits the week's published plan gives (not declined, not withdrawn)."""
    plan_id = uow.plans.published_id(area, week)
    return [] if plan_id is None else uow.assignments.visits(plan_id)


def before_change(
    uow: UnitOfWork, area: str, week: pendulum.Date, *, deleting: bool = False
) -> Before:
    """Read inside the change's transaction, before it. `deleting`: the change may delete
    tasks, so their titles are read now."""
    visits = published_visits(uow, area, week)
    titles = _titles(uow, area, week, {v.task for v in visits}) if deleting and visits else {}
    return Before(area, week, visits, titles)


def note_changes(uow: UnitOfWork, before: Before, plan_id: str | None = None) -> list[Change]:
    """After the change, in its transaction: a notice for each visit given, moved or
    withdrawn, per volunteer, in their language. The changes noted."""
    area, week = before.area, before.week_start
    found = changes(before.visits, published_visits(uow, area, week))
    _write(uow, area, week, found, before.titles, plan_id)
    return found


def note_places(uow: UnitOfWork, area: str, week: pendulum.Date, tasks: set[str]) -> list[Change]:
    """After a change of `tasks`' place (site, resident or location) their published visits
    still fit, in its transaction: a `place` notice to each of their volunteers, as for a
    time change. The changes noted."""
    found = [Change(v.volunteer, v.task, PLACE, v, v) for v in published_visits(uow, area, week)
             if v.task.split("@")[0] in tasks]  # fmt: skip
    _write(uow, area, week, found, {}, None)
    return found


def _write(
    uow: UnitOfWork, area: str, week: pendulum.Date, found: list[Change],
    known: dict[str, str], plan_id: str | None,
) -> None:  # fmt: skip
    """The notices of `found`, per volunteer, in their language (`known`: titles read before
    their tasks went)."""
    if not found:
        return
    zone = uow.areas.get(area).timezone
    tasks = {c.task for c in found}
    titles = {**known, **_titles(uow, area, week, tasks - known.keys())}
    people = {c.volunteer for c in found}
    contacts = uow.notices.contacts(area, people)
    roster = uow.volunteers.some(area, people)
    drafts = []
    for c in found:
        chosen = contacts[c.volunteer].language if c.volunteer in contacts else None
        person = roster.get(c.volunteer)
        speaks = person.languages if person is not None else ()
        drafts.append(
            NoticeDraft(
                area,
                week,
                c.volunteer,
                c.kind,
                c.task,
                titles.get(c.task, c.task),
                None if c.before is None else (c.before.start, c.before.end),
                None if c.after is None else (c.after.start, c.after.end),
                zone,
                notice_language(chosen, list(speaks)),
                plan_id,
            )
        )
    uow.notices.add(drafts)


def _titles(uow: UnitOfWork, area: str, week: pendulum.Date, tasks: set[str]) -> dict[str, str]:
    """Each plan task id's title (a series' day `t@mon` has its series' title)."""
    if not tasks:
        return {}
    written = {t.rsplit("@", 1)[0] for t in tasks if "@" in t}
    stored = {t.id: t.title or t.id for t in uow.weeks.tasks(area, week, tasks | written)}
    out = {}
    for t in tasks:
        title = stored.get(t) or stored.get(t.rsplit("@", 1)[0])
        if title is not None:
            out[t] = title
    return out


# --- worded --------------------------------------------------------------------------------


def _when(span: tuple[pendulum.DateTime, pendulum.DateTime] | None, zone: str) -> str:
    if span is None:
        return ""
    start, end = (pendulum.instance(t).in_timezone(zone) for t in span)
    return f"{start.format('YYYY-MM-DD HH:mm')}-{end.format('HH:mm')}"


def notice_text(notice: NoticeRecord, language: str | None = None) -> tuple[str, str]:
    """The notice's subject and sentence, in `language` (by default the volunteer's)."""
    d = notice.draft
    code = language or d.language
    before = _when(_span(d.before), d.timezone)
    after = _when(_span(d.after), d.timezone)
    subject = msg_in(code, f"notice_subject_{d.kind}", title=d.title)
    text = msg_in(code, f"notice_{d.kind}", title=d.title, before=before, after=after)
    return subject, text


def _span(
    value: tuple[dt.datetime, dt.datetime] | None,
) -> tuple[pendulum.DateTime, pendulum.DateTime] | None:
    if value is None:
        return None
    start, end = value
    return pendulum.instance(start), pendulum.instance(end)


def _iso(value: tuple[dt.datetime, dt.datetime] | None, zone: str) -> dict[str, str] | None:
    span = _span(value)
    if span is None:
        return None
    start, end = (t.in_timezone(zone).to_iso8601_string() for t in span)
    return {"start": start, "end": end}


def notice_json(notice: NoticeRecord, language: str | None = None) -> dict[str, object]:
    """The webhook's body, and what the API lists (with `text` in `language`, by default the
    volunteer's when the notice was written)."""
    d = notice.draft
    subject, text = notice_text(notice, language)
    return {
        "id": notice.id,
        "area": d.area,
        "week_start": d.week_start.isoformat(),
        "volunteer": d.volunteer,
        "kind": d.kind,
        "task": d.task,
        "title": d.title,
        "before": _iso(d.before, d.timezone),
        "after": _iso(d.after, d.timezone),
        "language": language or d.language,
        "subject": subject,
        "text": text,
        "plan_id": d.plan_id,
        "created_at": notice.created_at.to_iso8601_string(),
    }


def signature(secret: str, body: bytes) -> str:
    """The `X-MutualAid-Signature` header: `sha256=` and the hex HMAC-SHA256 of the body."""
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


# --- sent ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SendSettings:
    backoff: Backoff = field(default_factory=Backoff)
    lease_seconds: float = 60.0
    batch: int = 50

    @classmethod
    def of(cls, settings: NoticeSettings) -> SendSettings:
        backoff = Backoff(settings.retry_seconds, settings.retry_max_seconds, settings.attempts)
        return cls(backoff, settings.lease_seconds)


@dataclass
class Sent:
    """What one round of sending did."""

    sent: int = 0
    retried: int = 0
    failed: int = 0
    unrouted: int = 0
    lost: int = 0
    """Claims another sender took over meanwhile (their outcome is theirs to write), or
    left to run out because half the lease had passed."""


def send_due(
    uow: UnitOfWork, transport: NoticeTransport, worker: str,
    settings: SendSettings = SendSettings(), clock: Clock | None = None,
) -> Sent:  # fmt: skip
    """Claim the notices due and deliver each to every channel that has not taken it yet:
    the area's webhook (signed, with the notice's id as `Idempotency-Key`) and the
    volunteer's email. A failure is tried again after the backoff's delay, and given up
    (`failed`) after its last attempt. At least once: a notice is marked sent only after
    every channel took it, so a sender that dies mid-way leaves it to the next claim."""
    done = Sent()
    with uow:
        claimed = uow.notices.claim(worker, settings.lease_seconds, settings.batch)
        uow.commit()
    # past half the lease, the rest of the batch is left to run out its lease: another claim
    # may take it then, and this sender must not send it too (a receiver that hangs until
    # the timeout on every notice would otherwise outlast the claim)
    stop_at = time.monotonic() + settings.lease_seconds / 2
    if not claimed:
        return done
    with uow.reading() as reader:
        channels = reader.notices.channels({n.draft.area for n in claimed})
        contacts: dict[tuple[str, str], Contact] = {}
        for area in {n.draft.area for n in claimed}:
            people = {n.draft.volunteer for n in claimed if n.draft.area == area}
            for who, c in reader.notices.contacts(area, people).items():
                contacts[(area, who)] = c
    for notice in claimed:
        if time.monotonic() > stop_at:
            done.lost += 1
            continue
        d = notice.draft
        channel = channels.get(d.area)
        contact = contacts.get((d.area, d.volunteer))
        email = contact.email if contact is not None and transport.email_enabled else None
        # in the language chosen for them now (a choice made after the notice was written
        # counts), else the one worked out when it was written
        language = contact.language if contact is not None and contact.language else None
        routes = [r for r, ok in (("webhook", channel), ("email", email)) if ok]
        delivered = list(notice.delivered)
        error: str | None = None
        for route in routes:
            if route in delivered:
                continue
            try:
                if route == "webhook":
                    assert channel is not None
                    told = notice_json(notice, language)
                    body = json.dumps(told, ensure_ascii=False).encode("utf-8")
                    headers = {
                        "Content-Type": "application/json",
                        "X-MutualAid-Signature": signature(channel.secret, body),
                        "Idempotency-Key": notice.id,
                    }
                    transport.post(channel.webhook_url, body, headers)
                else:
                    assert email is not None
                    subject, text = notice_text(notice, language)
                    transport.email(email, subject, text, notice.id)
                delivered.append(route)
            except DeliveryFailed as exc:
                error = f"{route}: {exc}"[:500]
            except Exception as exc:  # a bug must not keep a notice claimed and retried forever
                log.exception("notice %s: %s delivery failed", notice.id, route)
                error = f"{route}: {type(exc).__name__}: {exc}"[:500]
        tried = notice.attempts + 1
        retry_at = None
        if not routes:
            state = UNROUTED
        elif error is None:
            state = SENT
        elif settings.backoff.gives_up(tried):
            state = FAILED
        else:
            state = PENDING
            now = pendulum.now("UTC") if clock is None else clock()
            retry_at = now.add(seconds=settings.backoff.delay(tried))
        with uow:
            settled = uow.notices.settle(
                notice.id, worker, state=state, delivered=delivered, error=error,
                retry_at=retry_at,
            )  # fmt: skip
            uow.commit()
        if settled is None:
            done.lost += 1
        elif state == SENT:
            done.sent += 1
        elif state == UNROUTED:
            done.unrouted += 1
        elif state == FAILED:
            done.failed += 1
        else:
            done.retried += 1
    return done


# --- read and set over HTTP ----------------------------------------------------------------


def area_notices(
    uow: UnitOfWork, actor: Actor, area: str | None, state: str | None = None, limit: int = 100
) -> tuple[list[NoticeRecord], dict[str, int]]:
    """The area's notices, newest first (of one state when given), and the count per state:
    the coordinator's view of delivery."""
    where = actor.area(area)
    if state is not None and state not in STATES:
        raise InvalidRequest([Problem("state", msg("notice_bad_state", states=", ".join(STATES)))])
    with uow.reading() as reader:
        return reader.notices.for_area(where, state, limit), reader.notices.counts(where)


def volunteer_notices(
    uow: UnitOfWork, actor: Actor, area: str, volunteer: str, limit: int = 100
) -> list[NoticeRecord]:
    """A volunteer's own notices, newest first."""
    actor.require_volunteer(area, volunteer)
    with uow.reading() as reader:
        reader.volunteers.get(area, volunteer)
        return reader.notices.for_volunteer(area, volunteer, limit)


def set_webhook(
    uow: UnitOfWork, actor: Actor, area: str | None, url: object, secret: object,
    *, allow_loopback: bool = False,
) -> bool:  # fmt: skip
    """Set (or with url None, remove) where the area's notices are POSTed and the secret
    they are signed with. True when one is set now. The secret is never read back. An
    address inside the server's house is refused (web_addresses; loopback only when
    `allow_loopback`); a host name is checked when it resolves, at send time."""
    where = actor.area(area)
    problems = []
    web_host = _web_host(url) if isinstance(url, str) else None
    if url is not None and (
        not isinstance(url, str) or text_problem(url, MAX_URL_LENGTH) or web_host is None
    ):
        problems.append(Problem("webhook_url", msg("notice_bad_url", most=MAX_URL_LENGTH)))
    elif web_host is not None and (host := refused_host(web_host, allow_loopback=allow_loopback)):
        problems.append(Problem("webhook_url", msg("notice_inside_url", host=host)))
    if url is not None and (
        not isinstance(secret, str) or not MIN_SECRET_LENGTH <= len(secret) <= MAX_URL_LENGTH
    ):
        problems.append(Problem("secret", msg("notice_bad_secret", least=MIN_SECRET_LENGTH)))
    if problems:
        raise InvalidRequest(problems)
    with uow:
        uow.areas.get(where)
        uow.notices.set_channel(where, url if isinstance(url, str) else None,
                                secret if isinstance(secret, str) else None)  # fmt: skip
        detail: dict[str, Fact] = {"webhook_url": url if isinstance(url, str) else None}
        if url is not None:  # what had nowhere to go goes now, if its visit is still to come
            detail["notices_resent"] = uow.notices.reroute(where)
        uow.audit.record(actor.id, "notices.webhook", f"area {where}", where, detail)
        uow.commit()
    return url is not None


def _web_host(url: str) -> str | None:
    """The host of an http(s) address with a host, no spaces and no user:password@ in it;
    None for anything else."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018  (a port that is not a number raises)
    except ValueError:
        return None
    if (
        parts.scheme in ("http", "https") and parts.hostname and "@" not in parts.netloc
        and not any(c.isspace() for c in url)
    ):  # fmt: skip
        return parts.hostname
    return None


def webhook_of(uow: UnitOfWork, actor: Actor, area: str | None) -> str | None:
    where = actor.area(area)
    with uow.reading() as reader:
        channel = reader.notices.channel(where)
    return None if channel is None else channel.webhook_url


def set_contact(
    uow: UnitOfWork, actor: Actor, area: str, volunteer: str, email: object, language: object
) -> Contact:
    """A volunteer's email (optional) and the language notices are written in (en, zh or
    None: from the roster's languages); by the volunteer, or the area's coordinator."""
    actor.require_volunteer(area, volunteer)
    problems = []
    if email is not None and (
        not isinstance(email, str)
        or "@" not in email.strip("@")
        or len(email) > MAX_EMAIL_LENGTH
        or any(c.isspace() for c in email)
        or text_problem(email, MAX_EMAIL_LENGTH)
    ):
        problems.append(Problem("email", msg("notice_bad_email")))
    if language is not None and language not in LANGUAGES:
        problems.append(Problem("language", msg("notice_bad_language")))
    if len(volunteer) > MAX_ID_LENGTH:
        raise NotFoundError("volunteer", volunteer)
    if problems:
        raise InvalidRequest(problems)
    with uow:
        uow.volunteers.get(area, volunteer)
        done = uow.notices.set_contact(
            area, volunteer, email if isinstance(email, str) else None,
            language if isinstance(language, str) else None,
        )  # fmt: skip
        shown = language if isinstance(language, str) else None  # checked: one of LANGUAGES
        detail: dict[str, Fact] = {"email": email is not None, "language": shown}
        if email is not None:  # their notices that had nowhere to go, still to come, go now
            detail["notices_resent"] = uow.notices.reroute(area, volunteer)
        uow.audit.record(actor.id, "volunteer.contact", f"volunteer {volunteer}", area, detail)
        uow.commit()
    return done


def contact_of(uow: UnitOfWork, actor: Actor, area: str, volunteer: str) -> Contact:
    actor.require_volunteer(area, volunteer)
    with uow.reading() as reader:
        reader.volunteers.get(area, volunteer)
        found = reader.notices.contacts(area, {volunteer})
    return found.get(volunteer, Contact(area, volunteer, None, None))
