"""Problems found in input files, reported all at once and in plain words."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a scenario or plan: where it is and what was expected.

    ``row`` is the line number a spreadsheet shows (the header is row 1, the first data row is row 2).
    """

    file: str
    expected: str
    row: int | None = None
    column: str | None = None
    value: str | None = None

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.column is not None:
            where += f", column '{self.column}'"
        got = "" if self.value is None else f": got {self.value!r}"
        return f"{where}{got} — {self.expected}"


class ScenarioError(Exception):
    """Raised when input files cannot be turned into a valid scenario or plan; lists every problem."""

    def __init__(self, problems: list[Problem], unreadable: bool = False):
        self.problems = list(problems)
        self.unreadable = unreadable
        super().__init__("\n".join(str(p) for p in self.problems))
