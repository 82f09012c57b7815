"""Plain facts: what an audit entry records beside its action (`AuditEntry.detail`) and what
an idempotent request answered (`StoredResponse.response`) are plain values - text, numbers,
yes/no, nothing, and lists and maps of them - never objects of the house, so any store keeps
them as they are and reads them back equal."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TypeAlias

Fact: TypeAlias = "str | int | float | bool | Sequence[Fact] | Mapping[str, Fact] | None"
"""A plain value."""

Facts: TypeAlias = "Mapping[str, Fact]"
"""Named plain values (an audit entry's detail)."""
