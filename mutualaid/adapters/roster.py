"""Areas (sub-districts) and their roster: sites, teams, volunteers, residents."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Any, Generic, TypeVar

import pendulum
from sqlalchemy import bindparam
from sqlalchemy import insert as core_insert
from sqlalchemy import select as core_select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlmodel import SQLModel, col, delete, func, select, update

from mutualaid.adapters.base import Repository
from mutualaid.adapters.db import is_unique_violation
from mutualaid.adapters.tables import (
    AreaRow,
    ResidentRow,
    SiteRow,
    TaskRow,
    TeamRow,
    VolunteerRow,
    metadata,
)
from mutualaid.contract import export as contract
from mutualaid.contract.scenario import build_scenario
from mutualaid.errors import Problem, ScenarioError
from mutualaid.messages import msg
from mutualaid.services.ports import (
    AreaRecord,
    ConflictError,
    Json,
    NotFoundError,
)


class SqlAreas(Repository):
    def create(self, ident: str, name: str, timezone: str) -> AreaRecord:
        """A new area: one INSERT, so of two creations of one id at the same moment one
        fails (ConflictError) instead of both being told they created it."""
        pendulum.timezone(timezone)  # raises on an unknown zone
        row = AreaRow(id=ident, name=name, timezone=timezone, created_at=self.now())
        try:
            with self.savepoint():
                self.session.add(row)
        except IntegrityError as err:
            if not is_unique_violation(err):
                raise
            raise ConflictError(msg("already_exists", kind="area", id=ident)) from None
        return _area(row)

    def add(self, ident: str, name: str, timezone: str) -> AreaRecord:
        """Create the area, or rename it; its zone cannot change once set."""
        pendulum.timezone(timezone)  # raises on an unknown zone
        row = self.session.get(AreaRow, ident)
        if row is None:
            row = AreaRow(id=ident, name=name, timezone=timezone, created_at=self.now())
            self.session.add(row)
        elif row.timezone != timezone:
            raise ConflictError(msg("area_keeps_zone", area=ident, zone=row.timezone, got=timezone))
        else:
            row.name = name
        self.session.flush()
        return _area(row)

    def get(self, ident: str) -> AreaRecord:
        return _area(self.row(ident))

    def row(self, ident: str) -> AreaRow:
        row = self.session.get(AreaRow, ident)
        if row is None:
            raise NotFoundError("area", ident)
        return row

    def all(self) -> list[AreaRecord]:
        return [_area(r) for r in self.session.exec(select(AreaRow).order_by(col(AreaRow.id)))]


def _area(row: AreaRow) -> AreaRecord:
    return AreaRecord(row.id, row.name, row.timezone)


R = TypeVar("R", SiteRow, TeamRow, VolunteerRow, ResidentRow)


class SqlRoster(Repository, Generic[R]):
    """One kind of roster entity; each kind says how a row and a contract dict map."""

    kind: str
    plural: str
    model: type[R]

    def canonical(self, item: Mapping[str, Any]) -> Json:
        raise NotImplementedError

    def to_row(self, area: str, item: Json, position: int) -> dict[str, Any]:
        raise NotImplementedError

    def to_json(self, row: R) -> Json:
        raise NotImplementedError

    def references(self, area: str, ident: str) -> list[str]:
        """What still refers to the entity (beyond what foreign keys guard)."""
        return []

    def all(self, area: str) -> list[Json]:
        # plain rows, no ORM objects: a district's roster has thousands of residents
        self.session.flush()
        table = metadata.tables[self.model.__tablename__]
        stmt = (
            core_select(table).where(table.c.area_id == area).order_by(table.c.position, table.c.id)
        )
        rows: Any = self.session.connection().execute(stmt)
        return [self.to_json(r) for r in rows]

    def rows(self, area: str) -> Sequence[R]:
        stmt = (
            select(self.model)
            .where(col(self.model.area_id) == area)
            .order_by(col(self.model.position), col(self.model.id))
            .execution_options(populate_existing=True)
        )
        return self.session.exec(stmt).all()

    def row(self, area: str, ident: str) -> R:
        stmt = (
            select(self.model)
            .where(col(self.model.area_id) == area, col(self.model.id) == ident)
            .execution_options(populate_existing=True)
        )
        row = self.session.exec(stmt).first()
        if row is None:
            raise NotFoundError(self.kind, ident)
        return row

    def get(self, area: str, ident: str) -> Json:
        return self.to_json(self.row(area, ident))

    def some(self, area: str, idents: Collection[str]) -> dict[str, Json]:
        """Those of `idents` that exist, by id, in one query."""
        if not idents:
            return {}
        stmt = select(self.model).where(
            col(self.model.area_id) == area, col(self.model.id).in_(sorted(set(idents)))
        )
        return {r.id: self.to_json(r) for r in self.session.exec(stmt)}

    def upsert(
        self, area: str, item: Mapping[str, Any], *, validate: bool = True
    ) -> tuple[Json, bool]:
        """Store the entity (contract dict); True when it is new. A new one goes last.

        With `validate`, the entity is first checked as the loader checks a scenario's, its
        references against the area's roster: ScenarioError, paths relative to the entity.
        """
        zone = self.session.exec(select(AreaRow.timezone).where(AreaRow.id == area)).first()
        if zone is None:
            raise NotFoundError("area", area)
        if validate:
            self._validate(area, zone, item)
        canonical = self.canonical(item)
        existing = self.session.exec(
            select(self.model.position).where(
                col(self.model.area_id) == area, col(self.model.id) == canonical["id"]
            )
        ).first()
        self.write(area, canonical, existing if existing is not None else self._next(area))
        return self.get(area, canonical["id"]), existing is None

    def create(self, area: str, item: Mapping[str, Any]) -> Json:
        """Store a new entity (contract dict, checked as `upsert` checks it), last. One
        INSERT that fails on a taken id (ConflictError), also when another request creates
        the same id at the same moment: never an overwrite of what that one stored."""
        zone = self.session.exec(select(AreaRow.timezone).where(AreaRow.id == area)).first()
        if zone is None:
            raise NotFoundError("area", area)
        self._validate(area, zone, item)
        canonical = self.canonical(item)
        try:
            with self.savepoint():
                values = self.to_row(area, canonical, self._next(area))
                self.session.execute(core_insert(self.model).values(**values))
        except IntegrityError as err:
            if not is_unique_violation(err):
                raise
            raise ConflictError(msg("already_exists", kind=self.kind, id=canonical["id"])) from None
        return self.get(area, canonical["id"])

    def _validate(self, area: str, zone: str, item: Mapping[str, Any]) -> None:
        if not isinstance(item, Mapping):
            raise ScenarioError([Problem("", msg("not_mapping", got=type(item).__name__))])
        roster: Json = {
            kind: [self._sibling(kind).to_json(r) for r in self._sibling(kind).rows(area)]
            for kind in ROSTER_KINDS
        }
        own = roster[self.plural]
        index = next((i for i, x in enumerate(own) if x["id"] == item.get("id")), len(own))
        own[index : index + 1] = [dict(item)]
        candidate = {"name": "check", "timezone": zone, "week_start": CHECK_WEEK, **roster}
        raise_problems_under(candidate, f"{self.plural}[{index}]")

    def _sibling(self, kind: str) -> SqlRoster[Any]:
        return ROSTER_CLASSES[kind](self.session, self.clock)

    def write(self, area: str, canonical: Json, position: int) -> None:
        values = self.to_row(area, canonical, position)
        self.upsert_row(values)

    def write_all(self, area: str, rows: Sequence[Mapping[str, Any]]) -> None:
        """Upsert `rows` (`to_row`'s, positions 0, 1, ...) in one INSERT ... ON CONFLICT DO
        UPDATE executemany; the area's other entities stay, listed after them in their
        order."""
        if not rows:
            return
        self.session.flush()
        table = metadata.tables[self.model.__tablename__]
        dialect = postgresql if self.dialect == "postgresql" else sqlite
        stmt = dialect.insert(table)
        keys = ("area_id", "id")
        stmt = stmt.on_conflict_do_update(
            index_elements=list(keys),
            set_={k: stmt.excluded[k] for k in rows[0] if k not in keys},
        )
        connection = self.session.connection()
        connection.execute(stmt, [dict(r) for r in rows])
        written = {r["id"] for r in rows}
        rest = connection.execute(
            core_select(table.c.id, table.c.position)
            .where(table.c.area_id == area)
            .order_by(table.c.position, table.c.id)
        ).all()
        moved = [
            {"a": area, "i": ident, "p": len(rows) + j}
            for j, (ident, position) in enumerate(r for r in rest if r[0] not in written)
            if position != len(rows) + j
        ]
        if moved:
            connection.execute(
                table.update()
                .where(table.c.area_id == bindparam("a"), table.c.id == bindparam("i"))
                .values(position=bindparam("p")),
                moved,
            )
        self.session.expire_all()  # roster rows this session had loaded are stale now

    def upsert_row(self, values: dict[str, Any]) -> None:
        self.insert_or_update(self.model, values, ("area_id", "id"))

    def _next(self, area: str) -> int:
        top = self.session.exec(
            select(func.max(self.model.position)).where(col(self.model.area_id) == area)
        ).first()
        return 0 if top is None else int(top) + 1

    def delete(self, area: str, ident: str) -> None:
        """Remove the entity; refused (ConflictError) while anything stored refers to it."""
        self.row(area, ident)
        users = self.references(area, ident)
        if users:
            kind = msg(f"kind_{self.kind}")
            raise ConflictError(msg("still_used_by", kind=kind, id=ident, users=", ".join(users)))
        try:
            with self.savepoint():
                self.session.exec(
                    delete(self.model).where(
                        col(self.model.area_id) == area, col(self.model.id) == ident
                    )
                )
        except IntegrityError:
            raise ConflictError(
                msg("still_used", kind=msg(f"kind_{self.kind}"), id=ident)
            ) from None

    def reorder(self, area: str, first: Sequence[str]) -> None:
        """Positions: `first` in that order, then the others as they were."""
        order = list(dict.fromkeys(first))
        rows = self.rows(area)
        now = {r.id: r.position for r in rows}
        rest = [r.id for r in rows if r.id not in set(order)]
        for i, ident in enumerate(order + rest):
            if now.get(ident) != i:
                self.session.exec(_update_position(self.model, area, ident, i))


ROSTER_KINDS = ("sites", "teams", "volunteers", "residents")
CHECK_WEEK = "2024-01-01"
"""A Monday: entities are checked in a made-up week (dates outside it simply cover nothing)."""


def raise_problems_under(candidate: Json, prefix: str | None, *, others: bool = False) -> None:
    """Check `candidate` with the loader; raise its problems at `prefix` (made relative to
    it), and with `others` (or no prefix) the rest too, as the loader gave them."""
    try:
        build_scenario(candidate)
    except ScenarioError as err:
        problems = []
        for p in err.problems:
            if prefix is None:
                problems.append(Problem(p.path, p.message))
            elif p.path == prefix or p.path.startswith((prefix + ".", prefix + "[")):
                rest = p.path[len(prefix) :].lstrip(".")
                problems.append(Problem(rest, p.message))
            elif others:
                problems.append(Problem(p.path, p.message))
        if problems:
            raise ScenarioError(problems) from None


def _update_position(model: type[SQLModel], area: str, ident: str, position: int) -> Any:
    table: Any = model
    return (
        update(model)
        .where(col(table.area_id) == area, col(table.id) == ident)
        .values(position=position)
    )


class SqlSites(SqlRoster[SiteRow]):
    kind = "site"
    plural = "sites"
    model = SiteRow

    def canonical(self, item: Mapping[str, Any]) -> Json:
        return contract.site(item)

    def to_row(self, area: str, item: Json, position: int) -> dict[str, Any]:
        return {
            "area_id": area,
            "id": item["id"],
            "position": position,
            "name": item["name"],
            "kind": item.get("kind"),
            "lat": item["location"]["lat"],
            "lon": item["location"]["lon"],
        }

    def to_json(self, row: SiteRow) -> Json:
        return contract.site(
            {
                "id": row.id,
                "name": row.name,
                "kind": row.kind,
                "location": {"lat": row.lat, "lon": row.lon},
            }
        )


class SqlTeams(SqlRoster[TeamRow]):
    kind = "team"
    plural = "teams"
    model = TeamRow

    def canonical(self, item: Mapping[str, Any]) -> Json:
        return contract.team(item)

    def to_row(self, area: str, item: Json, position: int) -> dict[str, Any]:
        return {
            "area_id": area,
            "id": item["id"],
            "position": position,
            "name": item["name"],
            "skills": item["skills"],
        }

    def to_json(self, row: TeamRow) -> Json:
        return contract.team({"id": row.id, "name": row.name, "skills": row.skills})

    def references(self, area: str, ident: str) -> list[str]:
        users = [
            msg("used_by_item", kind=msg("kind_volunteer"), id=v.id)
            for v in self.session.exec(select(VolunteerRow).where(VolunteerRow.area_id == area))
            if ident in v.teams
        ]
        tasks = self.session.exec(select(TaskRow).where(TaskRow.area_id == area))
        users += [
            msg("used_by_item", kind=msg("kind_task"), id=t.id)
            for t in tasks
            if any(n.get("team") == ident for n in t.needs)
        ]
        return users


class SqlVolunteers(SqlRoster[VolunteerRow]):
    kind = "volunteer"
    plural = "volunteers"
    model = VolunteerRow

    def canonical(self, item: Mapping[str, Any]) -> Json:
        return contract.volunteer(item)

    def to_row(self, area: str, item: Json, position: int) -> dict[str, Any]:
        return {
            "area_id": area,
            "id": item["id"],
            "position": position,
            "name": item["name"],
            "home_lat": item["home"]["lat"],
            "home_lon": item["home"]["lon"],
            "mode": item["mode"],
            "max_travel_minutes": item.get("max_travel_minutes"),
            "max_hours_per_week": float(item["max_hours_per_week"]),
            "vetted": item["vetted"],
            "gender": item.get("gender"),
            "teams": item["teams"],
            "skills": item["skills"],
            "languages": item["languages"],
            "availability": item["availability"],
            "unavailable": item["unavailable"],
        }

    def to_json(self, row: VolunteerRow) -> Json:
        return contract.volunteer(
            {
                "id": row.id,
                "name": row.name,
                "teams": row.teams,
                "skills": row.skills,
                "home": {"lat": row.home_lat, "lon": row.home_lon},
                "mode": row.mode,
                "max_travel_minutes": row.max_travel_minutes,
                "max_hours_per_week": row.max_hours_per_week,
                "vetted": row.vetted,
                "gender": row.gender,
                "languages": row.languages,
                "availability": row.availability,
                "unavailable": row.unavailable,
            }
        )

    def references(self, area: str, ident: str) -> list[str]:
        residents = self.session.exec(select(ResidentRow).where(ResidentRow.area_id == area))
        return [
            msg("used_by_item", kind=msg("kind_resident"), id=r.id)
            for r in residents
            if ident in r.preferred_volunteers
        ]


class SqlResidents(SqlRoster[ResidentRow]):
    kind = "resident"
    plural = "residents"
    model = ResidentRow

    def canonical(self, item: Mapping[str, Any]) -> Json:
        return contract.resident(item)

    def to_row(self, area: str, item: Json, position: int) -> dict[str, Any]:
        return {
            "area_id": area,
            "id": item["id"],
            "position": position,
            "name": item["name"],
            "lat": item["location"]["lat"],
            "lon": item["location"]["lon"],
            "categories": item["categories"],
            "preferred_volunteers": item["preferred_volunteers"],
            "gender_preference": item.get("gender_preference"),
        }

    def to_json(self, row: ResidentRow) -> Json:
        return contract.resident(
            {
                "id": row.id,
                "name": row.name,
                "location": {"lat": row.lat, "lon": row.lon},
                "categories": row.categories,
                "preferred_volunteers": row.preferred_volunteers,
                "gender_preference": row.gender_preference,
            }
        )


ROSTER_CLASSES: dict[str, type[SqlRoster[Any]]] = {
    "sites": SqlSites,
    "teams": SqlTeams,
    "volunteers": SqlVolunteers,
    "residents": SqlResidents,
}
