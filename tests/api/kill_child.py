"""A child process for tests/api/test_kill_midwrite.py: runs one write of a use case on the
database at DATABASE_URL and stalls at a chosen point (touching a marker file first), so the
test can kill it there with SIGKILL (`checks`: the change stored and published, its
suggestions being checked on a thread, as the web process checks them).

usage: python -m tests.api.kill_child MARKER POINT WHAT AREA WEEK VOLUNTEER|OPTION|PLAN|LIST [JSON]
(`rest`: a solve's plan finished, a draft, the rest of its suggestions being checked)
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
    elif point == "import":  # inside an import's transaction, its rows written (one statement)
        from mutualaid.adapters.roster import SqlRoster

        upsert_all = SqlRoster.upsert_all

        def stalled_upsert_all(self: SqlRoster[Any, Any], area: str, entries: Any) -> None:
            upsert_all(self, area, entries)
            self.session.flush()
            stall()

        SqlRoster.upsert_all = stalled_upsert_all  # type: ignore[method-assign]
    elif point == "checks":  # the change is published; its suggestions are being checked
        import solver.suggest_checks

        made = solver.suggest_checks.Checks.__init__

        def stalled_checks(self: Any, *args: Any, **kwargs: Any) -> None:
            made(self, *args, **kwargs)
            stall()

        solver.suggest_checks.Checks.__init__ = stalled_checks  # type: ignore[method-assign]
    elif point == "rest":  # a solve's plan is finished; its suggestions are being checked
        import mutualaid.services.jobs

        def stalled_rest(*args: Any, **kwargs: Any) -> None:
            stall()

        mutualaid.services.jobs._suggest_rest = stalled_rest  # type: ignore[assignment]
    else:
        raise SystemExit(f"no point {point}")
    import mutualaid.services.jobs

    # a lease on the checks that runs out soon after the kill, so that a test waits little
    mutualaid.services.jobs.CHECKS_LEASE_SECONDS = 2.0  # type: ignore[misc]


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
    # the suggestions are checked on a thread of this process, after the change is stored
    suggest = point in ("checks", "rest")
    recommender = SolverRecommender(RepairSettings(settings.solver.repair_seconds, suggest=suggest))
    with open_store(settings.database) as store:
        if what == "solve":
            import pendulum

            from mutualaid.services.jobs import RunOptions, run_plan
            from solver.service import PlannerSettings, SolverPlanner

            # made and claimed in one transaction: the test's server runs an in-process runner
            # on this database, and at load 10 it claimed a plan committed queued before this
            # process did; then nothing reached the point and the test waited its 600 s
            options = RunOptions("child")
            with store.uow() as uow:
                made = uow.plans.create(area, pendulum.Date.fromisoformat(week))
                plan = uow.plans.claim(options.worker, options.lease_seconds)
                assert plan is not None and plan.id == made.id, (made, plan)
                uow.commit()
            planner = SolverPlanner(
                PlannerSettings(workers=1, suggest=True, suggest_within_seconds=0.0)
            )
            run_plan(store.uow, planner, plan, options)
        elif what == "import":  # WHO: the list; JSON: its rows' entries
            from mutualaid.services.imports import Row, import_roster

            rows = [Row(n, item) for n, item in enumerate(json.loads(sys.argv[7]), start=2)]
            import_roster(store.uow(), CLI, who, area, rows, True)  # type: ignore[arg-type]
        elif what == "publish":  # WHO: the plan
            from mutualaid.services.plans import publish_plan
            from solver.service import SolverRepairer

            repairer = SolverRepairer(RepairSettings(settings.solver.repair_seconds))
            publish_plan(store.uow(), repairer, CLI, who)
        elif what == "absence":
            body = json.loads(sys.argv[7])
            absences.report_absence(store.uow(), recommender, CLI, who, area, body)
        else:
            task = SentTask(json.loads(sys.argv[7]))
            recommend.apply_recommendation(store.uow(), recommender, CLI, area, week, who, task)
        if suggest:  # the checks' thread goes on (a daemon): this process lives until killed
            time.sleep(600)


if __name__ == "__main__":
    main()
