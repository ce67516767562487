"""Problems found in input files, reported the way the UD validator does: where, what rule, how bad."""
from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with one place in one file.

    ``line`` is 1-based (0 when the problem concerns the whole file); ``path`` is the
    JSON path inside the record, slash-separated (``entities/mentions/3/end``).
    """

    file: str
    line: int
    path: str
    message: str
    rule: str = "schema"
    severity: str = "error"

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        path = self.path or "(record)"
        tag = "" if self.severity == "error" else f" [{self.severity}]"
        return f"{where}: {path}: {self.message} [{self.rule}]{tag}"

    def to_dict(self) -> dict:
        return asdict(self)


class InputError(Exception):
    """Bad input that stops a command; carries the problems that explain it."""

    def __init__(self, problems: list[Problem] | Problem | str):
        if isinstance(problems, str):
            problems = [Problem("(input)", 0, "", problems, "input")]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def json_path(parts) -> str:
    return "/".join(str(p) for p in parts)
