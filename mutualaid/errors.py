"""The errors mutualaid raises for things a user can fix.

MutualAidError            a user's mistake or an impossible request; never a traceback
└── ScenarioError         a scenario that breaks the format: every Problem, with path and line

(A plan that breaks a hard rule is not an error but the validator's data: a list of
`mutualaid.validation.Violation`.)
"""

from __future__ import annotations

from dataclasses import dataclass

from mutualaid.messages import located, msg


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input: where (path like tasks[3].needs[0].count, line) and what."""

    path: str
    message: str
    line: int | None = None

    def render(self, source: str | None = None) -> str:
        where = source or ""
        if self.line is not None:
            where = f"{where}:{self.line}" if where else msg("at_line", line=self.line)
        return located(where, located(self.path, self.message))


class MutualAidError(Exception):
    """Base of every error that is the user's to fix."""


class ScenarioError(MutualAidError):
    def __init__(self, problems: list[Problem], source: str | None = None) -> None:
        self.problems = problems
        self.source = source
        super().__init__("\n".join(p.render(source) for p in problems))
