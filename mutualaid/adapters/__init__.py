"""Persistence: SQLModel tables and repositories behind the services' ports.

    engine = make_engine(url)            # db: SQLite (WAL, BEGIN IMMEDIATE) or PostgreSQL
    upgrade(engine)                      # migrate: Alembic, from inside the package
    uow = SqlUnitOfWork(make_session_factory(engine))
    with uow:
        uow.weeks.store_scenario(area, uow.weeks.prepare_scenario(area, written_of(scenario)))
        uow.commit()

Modules: db (engines, column types), tables (and ledger_tables: the backlog's and the
ledger's, on the same MetaData), ledger (their repositories), contract (canonical contract
dicts), roster,
weekrows (what weeks, plans and assignments share), scenarios and weeks (a week's content and
tasks), plans, assignments, access (tokens, audit, idempotency), uow, migrate. Nothing
connects at import.
"""

from mutualaid.adapters import ledger_tables as _ledger_tables  # noqa: F401  (on metadata)
