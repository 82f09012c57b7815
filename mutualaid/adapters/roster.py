"""The roster of an area (sub-district): sites, teams, volunteers, residents. (The areas
themselves are `adapters.areas`.)"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Any, Generic, TypeVar

from sqlalchemy import bindparam
from sqlalchemy import insert as core_insert
from sqlalchemy import select as core_select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, delete, func, select

from mutualaid.adapters.areas import SqlAreas
from mutualaid.adapters.base import Repository
from mutualaid.adapters.db import is_unique_violation
from mutualaid.adapters.roster_check import (
    STUBS,
    names,
    problems_under,
    raise_problems_under,
    unknown_teams,
)
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
from mutualaid.errors import Problem, ScenarioError
from mutualaid.messages import msg
from mutualaid.services.ports import (
    ConflictError,
    Json,
    NotFoundError,
)

__all__ = ["ROSTER_CLASSES", "SqlAreas", "SqlRoster", "raise_problems_under"]

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

    def upsert(self, area: str, item: Mapping[str, Any]) -> tuple[Json, bool]:
        """Store the entity (contract dict); True when it is new. A new one goes last.

        The entity is first checked alone, as the loader checks a scenario's, the ids it
        names against the area's roster (`_validate`): ScenarioError, paths relative to it.
        """
        zone = self.session.exec(select(AreaRow.timezone).where(AreaRow.id == area)).first()
        if zone is None:
            raise NotFoundError("area", area)
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
            raise ConflictError(
                msg("already_exists", kind=msg(f"kind_{self.kind}"), id=canonical["id"])
            ) from None
        return self.get(area, canonical["id"])

    def _validate(self, area: str, zone: str, item: Mapping[str, Any]) -> None:
        """Check the entity alone, as the loader checks a scenario's: its own fields, and the
        references it makes (a volunteer's teams, a resident's preferred volunteers) against
        the area's roster, read for just those ids. ScenarioError, paths relative to it."""
        if not isinstance(item, Mapping):
            raise ScenarioError([Problem("", msg("not_mapping", got=type(item).__name__))])
        self._check_written_id(area, item)
        # the ids named, read from the other kinds' tables (not through their repositories)
        known = {kind: self.known(area, set(idents), ROSTER_CLASSES[kind].model)
                 for kind, idents in self.referenced(item).items()}  # fmt: skip
        candidate: Json = {"name": "check", "timezone": zone, self.plural: [dict(item)]}
        for kind, found in known.items():
            candidate[kind] = [STUBS[kind](ident) for ident in sorted(found)]
        problems = problems_under(candidate, f"{self.plural}[0]")
        problems += self.unknown_references(item, known, problems)
        if problems:
            raise ScenarioError(problems)

    def unknown_references(
        self, item: Mapping[str, Any], known: dict[str, set[str]], problems: list[Problem]
    ) -> list[Problem]:
        """References the loader leaves unchecked when it reads an entity without a week."""
        return []

    def referenced(self, item: Mapping[str, Any]) -> dict[str, list[str]]:
        """The ids of other kinds the entity names, by kind (what the loader checks)."""
        return {}

    def known(self, area: str, idents: Collection[str], model: type[Any]) -> set[str]:
        """Those of `idents` stored in the area in `model`'s table: one indexed query."""
        if not idents:
            return set()
        table = metadata.tables[model.__tablename__]
        stmt = core_select(table.c.id).where(
            table.c.area_id == area, table.c.id.in_(sorted(idents))
        )
        return {r[0] for r in self.session.connection().execute(stmt)}

    def _check_written_id(self, area: str, item: Mapping[str, Any]) -> None:
        """An id written otherwise than it reads (` v-1 `, or the number 7) names another
        entry than the one stored under what it reads: as in a scenario, that is the same id
        twice, the stored one first."""
        raw = item.get("id")
        if isinstance(raw, bool) or not isinstance(raw, str | int | float):
            return
        text = str(raw).strip()
        if raw == text or not text:
            return
        table = metadata.tables[self.model.__tablename__]
        mine = (
            self.session.connection()
            .execute(
                core_select(table.c.position).where(table.c.area_id == area, table.c.id == text)
            )
            .first()
        )
        if mine is None:
            return
        before = (
            self.session.connection()
            .execute(
                core_select(func.count()).where(
                    table.c.area_id == area,
                    (table.c.position < mine[0])
                    | ((table.c.position == mine[0]) & (table.c.id < text)),
                )
            )
            .scalar_one()
        )
        first = f"{self.plural}[{before}].id"
        raise ScenarioError([Problem("id", msg("duplicate_id", id=text, first=first))])

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

    def referenced(self, item: Mapping[str, Any]) -> dict[str, list[str]]:
        return {"teams": names(item.get("teams"))}

    def unknown_references(
        self, item: Mapping[str, Any], known: dict[str, set[str]], problems: list[Problem]
    ) -> list[Problem]:
        """The volunteer's unknown teams, as the loader tells them once it has built the
        volunteer (its id and home read): the loader builds one only inside a week."""
        return unknown_teams(item, known["teams"], problems)

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


class SqlResidents(SqlRoster[ResidentRow]):
    kind = "resident"
    plural = "residents"
    model = ResidentRow

    def canonical(self, item: Mapping[str, Any]) -> Json:
        return contract.resident(item)

    def referenced(self, item: Mapping[str, Any]) -> dict[str, list[str]]:
        return {"volunteers": names(item.get("preferred_volunteers"))}

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


ROSTER_CLASSES: dict[str, type[SqlRoster[Any]]] = {
    "sites": SqlSites,
    "teams": SqlTeams,
    "volunteers": SqlVolunteers,
    "residents": SqlResidents,
}
