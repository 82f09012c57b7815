"""Who may do what (API tokens, stored hashed), what they did (the audit log), and replays
of requests sent twice (idempotency keys)."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Mapping, Sequence
from typing import Any

import pendulum
from sqlalchemy import event
from sqlalchemy import select as core_select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, delete, select

from mutualaid.adapters.base import Repository, as_utc, maybe_utc
from mutualaid.adapters.changes import revocations
from mutualaid.adapters.tables import ROLES, AuditRow, CalendarFeedRow, IdempotencyRow, TokenRow
from mutualaid.messages import Said, msg
from mutualaid.services.ports import (
    AuditEntry,
    IdempotencyKeyReused,
    NotFoundError,
    StoredResponse,
    TokenExpired,
    TokenRecord,
)

TOKEN_PREFIX = "ma_"


def hash_secret(secret: str) -> str:
    """sha256 of the token, hex. The secret has 256 random bits, so no salt or slow hash is
    needed: a stolen hash cannot be turned back into a usable token."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


class SqlTokens(Repository):
    def create(
        self, role: str, areas: Sequence[str] = (), volunteer: str | None = None,
        name: str | None = None, expires_in: pendulum.Duration | None = None,
    ) -> tuple[TokenRecord, str]:  # fmt: skip
        """A new token and its secret, which is shown this once and never stored.

        admin: no scope; coordinator: one or more areas; volunteer: one area and their id.
        With `expires_in`, it is refused (TokenExpired) once that much time has passed.
        """
        areas = list(dict.fromkeys(areas))
        if role not in ROLES:
            raise ValueError(msg("token_bad_role", roles=", ".join(ROLES), got=repr(role)))
        if role == "coordinator" and not areas:
            raise ValueError(msg("token_coordinator_areas"))
        if role == "volunteer" and (volunteer is None or len(areas) != 1):
            raise ValueError(msg("token_volunteer_scope"))
        if role != "volunteer" and volunteer is not None:
            raise ValueError(msg("token_volunteer_only"))
        secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
        now = self.now()
        row = TokenRow(
            id=secrets.token_hex(6),
            token_hash=hash_secret(secret),
            role=role,
            areas=areas,
            volunteer_id=volunteer,
            name=name,
            created_at=now,
            expires_at=None if expires_in is None else now + expires_in,
        )
        self.session.add(row)
        self.session.flush()
        return _token(row), secret

    def authenticate(self, secret: str) -> TokenRecord | None:
        """The token whose secret this is, if it exists and is not revoked. TokenExpired
        when its expiry has passed."""
        digest = hash_secret(secret)
        # one indexed lookup (token_hash is unique), plain columns: no ORM object to build
        table = TokenRow.__table__  # type: ignore[attr-defined]
        found = self.session.connection().execute(
            core_select(table).where(table.c.token_hash == digest)
        )
        row: Any = found.first()
        if row is None or row.revoked_at is not None:
            return None
        if not hmac.compare_digest(row.token_hash, digest):  # pragma: no cover - belt and braces
            return None
        token = _token(row)
        if token.expires_at is not None and token.expires_at <= self.now():
            raise TokenExpired(Said("token_expired", at=token.expires_at.to_iso8601_string()))
        return token

    def find(self, ident: str) -> TokenRecord | None:
        """The token with this id (revoked or not); None when there is none."""
        row = self.session.get(TokenRow, ident)
        return None if row is None else _token(row)

    def all(self) -> list[TokenRecord]:
        stmt = select(TokenRow).order_by(col(TokenRow.created_at), col(TokenRow.id))
        return [_token(r) for r in self.session.exec(stmt)]

    def revoke(self, ident: str) -> None:
        row = self.session.get(TokenRow, ident)
        if row is None:
            raise NotFoundError("token", ident)
        if row.revoked_at is None:
            row.revoked_at = self.now()
            self.session.flush()
            revocations.bump()
            _bump_on_commit(self.session)

    def renew_feed(self, area: str, volunteer: str) -> str:
        """A new calendar-feed secret (shown this once, stored hashed); the old one stops."""
        secret = secrets.token_urlsafe(32)
        self.session.exec(
            delete(CalendarFeedRow).where(
                col(CalendarFeedRow.area_id) == area, col(CalendarFeedRow.volunteer_id) == volunteer
            )
        )
        digest, now = hash_secret(secret), self.now()
        row = CalendarFeedRow(area_id=area, volunteer_id=volunteer, secret_hash=digest,
                              created_at=now)  # fmt: skip
        self.session.add(row)
        self.session.flush()
        return secret

    def feed(self, secret: str) -> tuple[str, str] | None:
        stmt = select(CalendarFeedRow).where(CalendarFeedRow.secret_hash == hash_secret(secret))
        row = self.session.exec(stmt).first()
        return None if row is None else (row.area_id, row.volunteer_id)

    def feed_made(self, area: str, volunteer: str) -> pendulum.DateTime | None:
        row = self.session.get(CalendarFeedRow, (area, volunteer))
        return None if row is None else pendulum.instance(row.created_at)


def _bump_on_commit(session: Session) -> None:
    """Count the revocation again once it is committed: a token verified between the first
    count and the commit (it still read as valid) is then forgotten too."""
    if not session.info.get("count_revocations"):
        session.info["count_revocations"] = True
        event.listen(session, "after_commit", revocations.bump)


def _token(row: Any) -> TokenRecord:
    return TokenRecord(
        id=row.id,
        role=row.role,
        areas=tuple(row.areas),
        volunteer=row.volunteer_id,
        name=row.name,
        created_at=as_utc(row.created_at),
        revoked_at=maybe_utc(row.revoked_at),
        expires_at=maybe_utc(row.expires_at),
    )


class SqlAudit(Repository):
    def record(
        self, actor: str, action: str, target: str, area: str | None = None,
        detail: Mapping[str, Any] | None = None,
    ) -> AuditEntry:  # fmt: skip
        """One line of the log: `actor` (a token id, or `system`) did `action` to `target`."""
        row = AuditRow(
            at=self.now(),
            actor=actor,
            action=action,
            area_id=area,
            target=target,
            detail=dict(detail or {}),
        )
        self.session.add(row)
        self.session.flush()
        return _entry(row)

    def entries(self, area: str | None = None, limit: int = 100) -> list[AuditEntry]:
        """The newest entries first; of one area when `area` is given."""
        stmt = select(AuditRow)
        if area is not None:
            stmt = stmt.where(AuditRow.area_id == area)
        stmt = stmt.order_by(col(AuditRow.at).desc(), col(AuditRow.id).desc()).limit(limit)
        return [_entry(r) for r in self.session.exec(stmt)]


def _entry(row: AuditRow) -> AuditEntry:
    assert row.id is not None
    return AuditEntry(
        row.id, as_utc(row.at), row.actor, row.action, row.area_id, row.target, dict(row.detail)
    )


class SqlIdempotency(Repository):
    def lookup(self, scope: str, key: str, request_hash: str) -> StoredResponse | None:
        """The response stored for this key, to send again; None the first time.
        IdempotencyKeyReused when the key came before with a different request."""
        row = self.session.get(IdempotencyRow, (scope, key), populate_existing=True)
        if row is None:
            return None
        if row.request_hash != request_hash:
            raise IdempotencyKeyReused(
                f"Idempotency-Key '{key}' was used before for a different request"
            )
        return _stored(row)

    def save(
        self, scope: str, key: str, request_hash: str, status_code: int, response: Any
    ) -> StoredResponse:
        """Store the response in the request's own transaction. If a concurrent request with
        the key was stored first, IdempotencyKeyReused: roll back and look up again."""
        row = IdempotencyRow(
            scope=scope,
            key=key,
            request_hash=request_hash,
            status_code=status_code,
            response=response,
            created_at=self.now(),
        )
        try:
            with self.savepoint():
                self.session.add(row)
        except IntegrityError:
            raise IdempotencyKeyReused(
                f"a request with Idempotency-Key '{key}' was stored meanwhile; send it again"
            ) from None
        return _stored(row)


def _stored(row: IdempotencyRow) -> StoredResponse:
    return StoredResponse(
        row.scope, row.key, row.request_hash, row.status_code, row.response,
        as_utc(row.created_at),
    )  # fmt: skip
