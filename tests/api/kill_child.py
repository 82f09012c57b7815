"""A child process for tests/api/test_kill_midwrite.py: runs one write of a use case on the
database at DATABASE_URL and stalls at a chosen point (touching a marker file first), so the
test can kill it there with SIGKILL.

usage: python -m tests.api.kill_child MARKER POINT WHAT AREA WEEK VOLUNTEER|OPTION [JSON]
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any


def stall_at(point: str, marker: Path) -> None:
    def stall() -> None:
        marker.touch()
        time.sleep(600)

    if point == "repair":  # the absence is committed; its repair is being made
        import solver.service

        def slow_repair(*args: Any, **kwargs: Any) -> Any:
            stall()

        solver.service.repair_all = slow_repair  # type: ignore[assignment]
    elif point == "publish":  # inside the transaction that stores and publishes the change
        from mutualaid.adapters.plans import SqlPlans

        publish = SqlPlans.publish

        def stalled(self: SqlPlans, ident: str) -> Any:
            done = publish(self, ident)
            self.session.flush()
            stall()
            return done

        SqlPlans.publish = stalled  # type: ignore[method-assign]
    else:
        raise SystemExit(f"no point {point}")


def main() -> None:
    marker, point, what, area, week, who = sys.argv[1:7]
    stall_at(point, Path(marker))
    from mutualaid.cli.service import open_store
    from mutualaid.config import Settings
    from mutualaid.domain.tasks import SentTask
    from mutualaid.services import absences, recommend
    from mutualaid.services.access import CLI
    from solver.service import RepairSettings, SolverRecommender

    settings = Settings.from_env()
    recommender = SolverRecommender(RepairSettings(settings.solver.repair_seconds))
    with open_store(settings.database) as store:
        if what == "absence":
            body = json.loads(sys.argv[7])
            absences.report_absence(store.uow(), recommender, CLI, who, area, body)
        else:
            task = SentTask(json.loads(sys.argv[7]))
            recommend.apply_recommendation(store.uow(), recommender, CLI, area, week, who, task)


if __name__ == "__main__":
    main()
