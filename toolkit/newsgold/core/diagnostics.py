"""Problems found in input files, reported the way the UD validator does: where, what rule, how bad."""
from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


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

    def to_dict(self) -> dict[str, Any]:
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


PER_RULE = 50          # problems shown per file, rule and severity before the rest are only counted


def cap_per_rule(problems: list[Problem], limit: int = PER_RULE) -> list[Problem]:
    """The first ``limit`` problems of each (file, rule, severity), then one line "… and N more"
    per group, in the original order: a file of a million bad lines must not print a million lines."""
    from collections import Counter
    seen: Counter[tuple[str, str, str]] = Counter()
    out: list[Problem] = []
    last: dict[tuple[str, str, str], Problem] = {}
    for p in problems:
        key = (p.file, p.rule, p.severity)
        seen[key] += 1
        if seen[key] <= limit:
            out.append(p)
        last[key] = p
    for key, n in seen.items():
        if n > limit:
            p = last[key]
            out.append(Problem(p.file, 0, "", f"… and {n - limit} more", p.rule, p.severity))
    return out
