"""The notices' outbox in memory, for the use cases' tests on FakeUnitOfWork."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import Any

import pendulum

from mutualaid.domain.notices import PENDING, SENDING, SENT, UNROUTED
from mutualaid.services.notice_ports import Contact, NoticeChannel, NoticeDraft, NoticeRecord


@dataclass
class NoticeState:
    notices: dict[str, NoticeRecord] = field(default_factory=dict)
    leases: dict[str, tuple[str, pendulum.DateTime]] = field(default_factory=dict)
    channels: dict[str, NoticeChannel] = field(default_factory=dict)
    contacts: dict[tuple[str, str], Contact] = field(default_factory=dict)


@dataclass
class FakeNotices:
    store: Any
    """A tests.fakes.FakeStore (its state holds `notice_state`)."""

    @property
    def _s(self) -> NoticeState:
        state: NoticeState = self.store.state.notice_state
        return state

    def add(self, drafts: Sequence[NoticeDraft]) -> list[NoticeRecord]:
        now = self.store.clock()
        made = [
            NoticeRecord(str(uuid.uuid4()), d, now, PENDING, 0, now, None, None, ()) for d in drafts
        ]
        for n in made:
            self._s.notices[n.id] = n
        return made

    def _newest(self, keep: Any, limit: int) -> list[NoticeRecord]:
        found = [n for n in self._s.notices.values() if keep(n)]
        return sorted(found, key=lambda n: n.created_at, reverse=True)[:limit]

    def for_area(self, area: str, state: str | None = None, limit: int = 100) -> list[NoticeRecord]:
        return self._newest(
            lambda n: n.draft.area == area and (state is None or n.state == state), limit
        )

    def for_volunteer(self, area: str, volunteer: str, limit: int = 100) -> list[NoticeRecord]:
        return self._newest(
            lambda n: n.draft.area == area and n.draft.volunteer == volunteer, limit
        )

    def counts(self, area: str) -> dict[str, int]:
        out: dict[str, int] = {}
        for n in self._s.notices.values():
            if n.draft.area == area:
                out[n.state] = out.get(n.state, 0) + 1
        return out

    def claim(self, worker: str, lease_seconds: float, limit: int) -> list[NoticeRecord]:
        now = self.store.clock()
        due = []
        for n in sorted(self._s.notices.values(), key=lambda n: (str(n.next_attempt_at), n.id)):
            lease = self._s.leases.get(n.id)
            pending = n.state == PENDING and n.next_attempt_at is not None
            if (pending and n.next_attempt_at <= now) or (
                n.state == SENDING and lease is not None and lease[1] < now
            ):
                due.append(n)
        out = []
        for n in due[:limit]:
            claimed = dataclasses.replace(n, state=SENDING)
            self._s.notices[n.id] = claimed
            self._s.leases[n.id] = (worker, now.add(seconds=lease_seconds))
            out.append(claimed)
        return out

    def settle(
        self, ident: str, worker: str, *, state: str, delivered: Sequence[str],
        error: str | None, retry_at: pendulum.DateTime | None,
    ) -> NoticeRecord | None:  # fmt: skip
        n = self._s.notices.get(ident)
        lease = self._s.leases.get(ident)
        if n is None or n.state != SENDING or lease is None or lease[0] != worker:
            return None
        del self._s.leases[ident]
        done = dataclasses.replace(
            n, state=state, attempts=n.attempts + 1, next_attempt_at=retry_at,
            last_error=error, delivered=tuple(delivered),
            sent_at=self.store.clock() if state == SENT else None,
        )  # fmt: skip
        self._s.notices[ident] = done
        return done

    def reroute(self, area: str, volunteer: str | None = None) -> int:
        now, done = self.store.clock(), 0
        for n in list(self._s.notices.values()):
            d = n.draft
            ends = (d.after or d.before or (now, now))[1]
            if (
                (d.area, n.state) == (area, UNROUTED)
                and volunteer in (None, d.volunteer)
                and (ends > now)
            ):
                self._s.notices[n.id] = dataclasses.replace(n, state=PENDING, next_attempt_at=now)
                done += 1
        return done

    def channel(self, area: str) -> NoticeChannel | None:
        return self._s.channels.get(area)

    def channels(self, areas: Collection[str]) -> dict[str, NoticeChannel]:
        return {a: c for a, c in self._s.channels.items() if a in areas}

    def set_channel(self, area: str, webhook_url: str | None, secret: str | None) -> None:
        if webhook_url is None or secret is None:
            self._s.channels.pop(area, None)
        else:
            self._s.channels[area] = NoticeChannel(area, webhook_url, secret, self.store.clock())

    def contacts(self, area: str, volunteers: Collection[str]) -> dict[str, Contact]:
        return {v: c for (a, v), c in self._s.contacts.items() if a == area and v in volunteers}

    def set_contact(
        self, area: str, volunteer: str, email: str | None, language: str | None
    ) -> Contact:
        made = Contact(area, volunteer, email, language)
        self._s.contacts[(area, volunteer)] = made
        return made
