"""The roster of an area (sub-district): sites, teams, volunteers, residents. (The areas
themselves are `adapters.areas`.)"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Any, Generic, TypeVar, cast

from sqlalchemy import bindparam
from sqlalchemy import insert as core_insert
from sqlalchemy import select as core_select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, delete, func, select

from mutualaid.adapters.areas import SqlAreas
from mutualaid.adapters.base import Repository
from mutualaid.adapters.db import is_unique_violation
from mutualaid.adapters.tables import (
    ResidentRow,
    SiteRow,
    TaskRow,
    TeamRow,
    VolunteerRow,
    metadata,
)
from mutualaid.contract import export as contract
from mutualaid.contract.roster import READERS, Json, to_json
from mutualaid.domain.roster import (
    RosterKind,
    StoredResident,
    StoredSite,
    StoredTeam,
    StoredVolunteer,
)
from mutualaid.messages import msg
from mutualaid.services.ports import ConflictError, NotFoundError

__all__ = ["ROSTER_CLASSES", "SqlAreas", "SqlRoster"]

R = TypeVar("R", SiteRow, TeamRow, VolunteerRow, ResidentRow)
E = TypeVar("E", StoredSite, StoredTeam, StoredVolunteer, StoredResident)


class SqlRoster(Repository, Generic[R, E]):
    """One kind of roster entry; each kind says how a row and the contract's dict map (the
    contract's `roster` maps that dict to the domain's entry)."""

    kind: str
    plural: RosterKind
    model: type[R]

    def to_row(self, area: str, item: Json, position: int) -> dict[str, Any]:
        raise NotImplementedError

    def to_json(self, row: R) -> Json:
        raise NotImplementedError

    def entry(self, row: R) -> E:
        return cast(E, READERS[self.plural](self.to_json(row)))

    def references(self, area: str, ident: str) -> list[str]:
        """What still refers to the entity (beyond what foreign keys guard)."""
        return []

    def all(self, area: str) -> list[E]:
        return [cast(E, READERS[self.plural](j)) for j in self.all_json(area)]

    def all_json(self, area: str) -> list[Json]:
        """The area's entries in the contract's canonical form, as an export writes them."""
        # plain rows, no ORM objects: a district's roster has thousands of residents
        self.session.flush()
        table = metadata.tables[self.model.__tablename__]
        stmt = (
            core_select(table).where(table.c.area_id == area).order_by(table.c.position, table.c.id)
        )
        rows: Any = self.session.connection().execute(stmt)
        return [self.to_json(r) for r in rows]

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

    def get(self, area: str, ident: str) -> E:
        return self.entry(self.row(area, ident))

    def some(self, area: str, idents: Collection[str]) -> dict[str, E]:
        """Those of `idents` that exist, by id, in one query."""
        if not idents:
            return {}
        stmt = select(self.model).where(
            col(self.model.area_id) == area, col(self.model.id).in_(sorted(set(idents)))
        )
        return {r.id: self.entry(r) for r in self.session.exec(stmt)}

    def upsert(self, area: str, entry: E) -> tuple[E, bool]:
        """Store the entry (checked by the use case); True when it is new. A new one goes
        last."""
        existing = self.session.exec(
            select(self.model.position).where(
                col(self.model.area_id) == area, col(self.model.id) == entry.id
            )
        ).first()
        self.write(area, to_json(entry), existing if existing is not None else self._next(area))
        return self.get(area, entry.id), existing is None

    def upsert_all(self, area: str, entries: Sequence[E]) -> None:
        """Store the entries (checked by the use case) in one INSERT ... ON CONFLICT DO UPDATE
        executemany: a known id keeps its place, new ones go last in their order. An import
        of 3,000 people took four queries each, holding SQLite's write lock 5 s."""
        if not entries:
            return
        self.session.flush()
        table = metadata.tables[self.model.__tablename__]
        connection = self.session.connection()
        places = dict(
            connection.execute(
                core_select(table.c.id, table.c.position).where(
                    table.c.area_id == area, table.c.id.in_(sorted({e.id for e in entries}))
                )
            ).all()
        )
        following = self._next(area)
        rows = []
        for entry in entries:
            if entry.id not in places:
                places[entry.id], following = following, following + 1
            rows.append(self.to_row(area, to_json(entry), places[entry.id]))
        dialect = postgresql if self.dialect == "postgresql" else sqlite
        stmt = dialect.insert(table)
        stmt = stmt.on_conflict_do_update(
            index_elements=["area_id", "id"],
            set_={k: stmt.excluded[k] for k in rows[0] if k not in ("area_id", "id")},
        )
        connection.execute(stmt, rows)
        self.session.expire_all()  # roster rows this session had loaded are stale now

    def create(self, area: str, entry: E) -> E:
        """Store a new entry (checked by the use case), last. One INSERT that fails on a
        taken id (ConflictError), also when another request creates the same id at the same
        moment: never an overwrite of what that one stored."""
        try:
            with self.savepoint():
                values = self.to_row(area, to_json(entry), self._next(area))
                self.session.execute(core_insert(self.model).values(**values))
        except IntegrityError as err:
            if not is_unique_violation(err):
                raise
            raise ConflictError(
                msg("already_exists", kind=msg(f"kind_{self.kind}"), id=entry.id)
            ) from None
        return self.get(area, entry.id)

    def known(self, area: str, idents: Collection[str]) -> set[str]:
        """Those of `idents` stored in the area: one indexed query."""
        return self.known_in(area, idents, self.model)

    def known_in(self, area: str, idents: Collection[str], model: type[Any]) -> set[str]:
        """Those of `idents` stored in the area in `model`'s table: one indexed query."""
        if not idents:
            return set()
        table = metadata.tables[model.__tablename__]
        stmt = core_select(table.c.id).where(
            table.c.area_id == area, table.c.id.in_(sorted(idents))
        )
        return {r[0] for r in self.session.connection().execute(stmt)}

    def place(self, area: str, ident: str) -> int | None:
        """How many entries are listed before the one of that id: two indexed queries."""
        table = metadata.tables[self.model.__tablename__]
        mine = (
            self.session.connection()
            .execute(
                core_select(table.c.position).where(table.c.area_id == area, table.c.id == ident)
            )
            .first()
        )
        if mine is None:
            return None
        return int(
            self.session.connection()
            .execute(
                core_select(func.count()).where(
                    table.c.area_id == area,
                    (table.c.position < mine[0])
                    | ((table.c.position == mine[0]) & (table.c.id < ident)),
                )
            )
            .scalar_one()
        )

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


ROSTER_KINDS = ("sites", "teams", "volunteers", "residents")


class SqlSites(SqlRoster[SiteRow, StoredSite]):
    kind = "site"
    plural = "sites"
    model = SiteRow

    def to_row(self, area: str, item: Json, position: int) -> dict[str, Any]:
        return {
            "area_id": area,
            "id": item["id"],
            "position": position,
            "name": item["name"],
            "kind": item.get("kind"),
            "lat": item["location"]["lat"],
            "lon": item["location"]["lon"],
            "address": item.get("address"),
            "phone": item.get("phone"),
        }

    def to_json(self, row: SiteRow) -> Json:
        return contract.site(
            {
                "id": row.id,
                "name": row.name,
                "kind": row.kind,
                "location": {"lat": row.lat, "lon": row.lon},
                "address": row.address,
                "phone": row.phone,
            }
        )


class SqlTeams(SqlRoster[TeamRow, StoredTeam]):
    kind = "team"
    plural = "teams"
    model = TeamRow

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


class SqlVolunteers(SqlRoster[VolunteerRow, StoredVolunteer]):
    kind = "volunteer"
    plural = "volunteers"
    model = VolunteerRow

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
            "address": item.get("address"),
            "phone": item.get("phone"),
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
                "address": row.address,
                "phone": row.phone,
            }
        )

    def references(self, area: str, ident: str) -> list[str]:
        residents = self.session.exec(select(ResidentRow).where(ResidentRow.area_id == area))
        return [
            msg("used_by_item", kind=msg("kind_resident"), id=r.id)
            for r in residents
            if ident in r.preferred_volunteers
        ]


class SqlResidents(SqlRoster[ResidentRow, StoredResident]):
    kind = "resident"
    plural = "residents"
    model = ResidentRow

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
            "address": item.get("address"),
            "phone": item.get("phone"),
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
                "address": row.address,
                "phone": row.phone,
            }
        )


ROSTER_CLASSES: dict[str, type[SqlRoster[Any, Any]]] = {
    "sites": SqlSites,
    "teams": SqlTeams,
    "volunteers": SqlVolunteers,
    "residents": SqlResidents,
}
