"""Who checks a finished plan's suggestions: a lease on the plan in the store, taken before
its checks begin and renewed on a thread while they run, so that each plan is checked by one
process at a time, however many servers start (restart_checks) or check after a repair. A
holder that dies leaves a lease that runs out; the next start, or a running one's sweep,
takes the plan again."""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from mutualaid.services.ports import UnitOfWork

CHECKS_LEASE_SECONDS = 60.0
"""How long a lease on a plan's checks holds without being renewed (renewed every third of
it): a killed checker's plan is checked again at most this long after the kill."""

log = logging.getLogger(__name__)


def checks_owner(name: str) -> str:
    """A holder's name, one of its kind across servers: `name@host:pid:random`."""
    return f"{name}@{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class ChecksLease:
    """`owner`'s lease on checking plan `plan_id`'s suggestions."""

    def __init__(
        self, new_uow: Callable[[], UnitOfWork], plan_id: str, owner: str,
        seconds: float = CHECKS_LEASE_SECONDS,
    ) -> None:  # fmt: skip
        self.new_uow, self.plan_id, self.owner, self.seconds = new_uow, plan_id, owner, seconds
        self.lost = threading.Event()

    def take(self) -> bool:
        """Take (or renew) the lease; False when another holder's has not run out."""
        with self.new_uow() as uow:
            taken = uow.plans.hold_checks(self.plan_id, self.owner, self.seconds)
            uow.commit()
        return taken

    @contextmanager
    def renewing(self) -> Iterator[None]:
        """Renewed on a thread meanwhile; `lost` is set when another holder has it now."""
        done = threading.Event()

        def renew() -> None:
            while not done.wait(max(0.05, self.seconds / 3)):
                try:
                    if not self.take():
                        self.lost.set()
                        return
                except Exception:  # the store went away for a moment: renew again later
                    log.exception("lease on plan %s's checks not renewed", self.plan_id)

        thread = threading.Thread(target=renew, name=f"checks-lease-{self.plan_id}", daemon=True)
        thread.start()
        try:
            yield
        finally:
            done.set()
            thread.join()

    def end(self) -> None:
        """The lease ends now (if it is still this holder's)."""
        try:
            with self.new_uow() as uow:
                uow.plans.end_checks(self.plan_id, self.owner)
                uow.commit()
        except Exception:  # it runs out by itself
            log.exception("lease on plan %s's checks not ended", self.plan_id)
