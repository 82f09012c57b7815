"""What a volunteer is told when a published plan changes under them: the visits given, moved
and withdrawn between two published plans, per volunteer, and when a failed delivery is tried
again (exponential backoff).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

GIVEN, MOVED, WITHDRAWN = "given", "moved", "withdrawn"
PLACE = "place"
"""A visit whose task is now at another place, its times the same (`before` == `after`)."""
KINDS: tuple[str, ...] = (GIVEN, MOVED, WITHDRAWN)

PENDING, SENDING, SENT, FAILED, UNROUTED = "pending", "sending", "sent", "failed", "unrouted"
STATES: tuple[str, ...] = (PENDING, SENDING, SENT, FAILED, UNROUTED)
"""pending: to send (at `next_attempt_at`); sending: claimed by a sender (its lease);
sent: every channel took it; failed: given up after the last attempt; unrouted: the area has
no webhook and the volunteer no email: it is only read in the app."""

LANGUAGES: tuple[str, ...] = ("en", "zh")


@dataclass(frozen=True)
class Visit:
    """One volunteer's visit in a published plan: the task and when (aware times)."""

    volunteer: str
    task: str
    start: dt.datetime
    end: dt.datetime


@dataclass(frozen=True)
class Change:
    """What changed for one volunteer about one task between two published plans."""

    volunteer: str
    task: str
    kind: str
    """given | moved | withdrawn | place"""
    before: Visit | None
    after: Visit | None


def changes(before: Iterable[Visit], after: Iterable[Visit]) -> list[Change]:
    """The visits each volunteer gains (given), keeps at other times (moved) or loses
    (withdrawn) from `before` to `after`, by volunteer, then task. A visit at the same times
    in both is no change."""
    was = {(v.volunteer, v.task): v for v in before}
    now = {(v.volunteer, v.task): v for v in after}
    out: list[Change] = []
    for key in sorted(was.keys() | now.keys()):
        old, new = was.get(key), now.get(key)
        if old is None and new is not None:
            out.append(Change(key[0], key[1], GIVEN, None, new))
        elif new is None and old is not None:
            out.append(Change(key[0], key[1], WITHDRAWN, old, None))
        elif old is not None and new is not None and (old.start, old.end) != (new.start, new.end):
            out.append(Change(key[0], key[1], MOVED, old, new))
    return out


def notice_language(chosen: str | None, speaks: Sequence[str]) -> str:
    """The language a volunteer is written to: the one chosen for them, else Chinese when
    they speak it (the roster's `languages`), else English when they speak it, else Chinese
    (the service's volunteers are in Chinese sub-districts)."""
    if chosen in LANGUAGES:
        return chosen
    if "zh" in speaks:
        return "zh"
    return "en" if "en" in speaks else "zh"


@dataclass(frozen=True)
class Backoff:
    """When a failed delivery is tried again: `base` seconds after the first failure, twice
    as long after each next one, never more than `cap`; given up after `attempts` tries."""

    base: float = 30.0
    cap: float = 3600.0
    attempts: int = 8

    def delay(self, tried: int) -> float:
        """Seconds to wait after the `tried`-th failed attempt (1 for the first)."""
        return float(min(self.cap, self.base * 2 ** max(0, tried - 1)))

    def gives_up(self, tried: int) -> bool:
        return tried >= self.attempts
