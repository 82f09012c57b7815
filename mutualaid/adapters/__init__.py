"""Persistence: SQLModel tables and repositories behind the services' ports.

    engine = make_engine(url)            # db: SQLite (WAL, BEGIN IMMEDIATE) or PostgreSQL
    upgrade(engine)                      # migrate: Alembic, from inside the package
    uow = SqlUnitOfWork(make_session_factory(engine))
    with uow:
        uow.weeks.import_scenario(area, scenario_dict)
        uow.commit()

Modules: db (engines, column types), tables, contract (canonical contract dicts), roster,
weeks, plans, access (tokens, audit, idempotency), uow, migrate. Nothing connects at import.
"""
