"""Tokens (admins hand them out) and the audit log (admins, and the area's coordinators)."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, delete, get, post
from litestar.params import FromPath, JSONBody, QueryParameter

from api.controllers.common import AreaParam, CurrentActor, Uow
from api.dto import (
    AuditDTO,
    AuditView,
    TokenCreated,
    TokenCreatedDTO,
    TokenDTO,
    TokenView,
    TokenWrite,
    TokenWriteDTO,
)
from api.errors import responses
from mutualaid.services import access


class TokenController(Controller):
    path = "/tokens"
    tags = ("tokens",)

    @get("/", sync_to_thread=True, return_dto=TokenDTO, responses=responses())
    def list_tokens(self, actor: CurrentActor, reader: Uow) -> list[TokenView]:
        """Every token, without secrets (admin)."""
        return [TokenView.of(t) for t in access.list_tokens(reader, actor)]

    @post(
        "/", sync_to_thread=True, dto=TokenWriteDTO, return_dto=TokenCreatedDTO,
        responses=responses(404),
    )  # fmt: skip
    def create_token(
        self, actor: CurrentActor, uow: Uow, data: JSONBody[TokenWrite]
    ) -> TokenCreated:
        """A new token (admin); its secret is in this answer only. With `expires_in_days`
        it is refused (401) from then on."""
        expires_in = access.expiry_in_days(data.expires_in_days)
        token, secret = access.create_token(
            uow, actor, data.role, data.areas, data.volunteer, data.name, expires_in
        )
        expires_at = None if token.expires_at is None else token.expires_at.isoformat()
        return TokenCreated(
            token.id, token.role, list(token.areas), token.volunteer, token.name, secret,
            expires_at,
        )  # fmt: skip

    @delete("/{token_id:str}", sync_to_thread=True, responses=responses(404))
    def revoke_token(self, actor: CurrentActor, uow: Uow, token_id: FromPath[str]) -> None:
        """Revoke a token (admin); it is refused from then on."""
        access.revoke_token(uow, actor, token_id)


class AuditController(Controller):
    path = "/audit"
    tags = ("audit",)

    @get("/", sync_to_thread=True, return_dto=AuditDTO, responses=responses(404))
    def read_audit(
        self, actor: CurrentActor, reader: Uow, area: AreaParam = None,
        limit: Annotated[int, QueryParameter(ge=1, le=1000)] = 100,
    ) -> list[AuditView]:  # fmt: skip
        """Who did what and when, newest first: all areas for an admin who names none."""
        return [AuditView.of(e) for e in access.read_audit(reader, actor, area, limit)]
