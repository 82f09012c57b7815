"""The store's side of who checks a finished plan's suggestions: a lease on the plan (its
holder and until when), taken or renewed only when free, run out or already the holder's, so
that several servers starting at once, or one starting while another still checks, check
each plan once (`mutualaid.services.checks_lease`)."""

from __future__ import annotations

from typing import Protocol

import pendulum


class ChecksLeases(Protocol):
    def unmark_checking(self, owner: str | None = None, lease_seconds: float = 0.0) -> list[str]:
        """Every finished plan's tasks marked as being checked whose checks no live lease
        holds, unmarked (their suggestions as they are): the checks of a process that died,
        which nothing else would end. With `owner`, each is now held by it for
        `lease_seconds` (it checks them again or lets go); else its lease ends. The ids."""
        ...

    def hold_checks(self, ident: str, owner: str, lease_seconds: float) -> bool:
        """Take or renew the lease on checking the plan's suggestions for `lease_seconds`:
        False (nothing written) when another holder's lease has not run out."""
        ...

    def end_checks(self, ident: str, owner: str) -> None:
        """`owner`'s lease on the plan's checks ends now (no other holder's)."""
        ...

    def next_checks_free(self, other_than: str) -> pendulum.DateTime | None:
        """When the first lease not `other_than`'s on a plan still marked as being checked
        runs out, or ran out (a past moment: the plan is abandoned, take it now); None when no
        marked plan is held by another."""
        ...
