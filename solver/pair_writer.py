"""Writing the pairwise model's many small constraints into CP-SAT's proto directly, byte for
byte as `CpModel.add(...).only_enforce_if(...)` writes them (tests/test_model_bytes.py)."""

from __future__ import annotations

from ortools.sat.python import cp_model


class PairWriter:
    """Writes a pair's constraints into the model's proto exactly as `CpModel.add(...)
    .only_enforce_if(...)` writes them (the linear terms sorted by variable index, the
    enforcement literals in the order given, a negated literal as -index - 1), without the
    expression objects built first."""

    def __init__(self, m: cp_model.CpModel) -> None:
        self.constraints = m.proto.constraints

    def after(self, first: int, then: int, gap: int, *enforce: int) -> None:
        """start[then] >= start[first] + gap (variable indices), under `enforce`."""
        ct = self.constraints.add()
        ct.enforcement_literal.extend(enforce)
        lin = ct.linear
        if first < then:
            lin.vars.extend((first, then))
            lin.coeffs.extend((-1, 1))
        else:
            lin.vars.extend((then, first))
            lin.coeffs.extend((1, -1))
        lin.domain.extend((gap, cp_model.INT_MAX))

    def not_both(self, a: int, b: int) -> None:
        """Not both of two literals (indices): a clause of their negations."""
        self.constraints.add().bool_or.literals.extend((-a - 1, -b - 1))
