"""What every reader shares: the problem log, JSON loading with line numbers, document ids, scores."""
from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeGuard

from newsgold.core.diagnostics import Problem
from newsgold.core.jsonio import iter_jsonl, line_finder, read_json

if TYPE_CHECKING:
    from newsgold.formats.ir import ReadDocument, ReadOptions

MAX_SAME_PROBLEMS = 25      # per file, rule and severity; then one summary line


def is_int(v: object) -> TypeGuard[int]:
    """An integer offset: JSON true/false are Python ints and 55.0 is a float, neither is an offset."""
    return isinstance(v, int) and not isinstance(v, bool)


def as_score(v) -> float | None:
    """A confidence as a float, or None when there is none or it is unusable (see :func:`score_problem`)."""
    if isinstance(v, bool) or v is None:
        return None
    if isinstance(v, str):
        try:
            v = float(v)
        except ValueError:
            return None
    if isinstance(v, (int, float)) and math.isfinite(v):
        return float(v)
    return None


def score_problem(v, file: str, line: int, path: str) -> Problem | None:
    """A warning for a score that is given but dropped (NaN, Infinity, not a number): never silently."""
    if v is None or as_score(v) is not None:
        return None
    return Problem(file, line, path, f"score {v!r} is not a finite number; the span is kept without a score",
                   "score", "warning")


def jp(*parts) -> str:
    """A slash-separated JSON path of the non-empty parts."""
    return "/".join(str(p) for p in parts if p != "" and p is not None)


def short(s: str, n: int = 40) -> str:
    return s if len(s) <= n else s[: n - 1] + "…"


class Report:
    """Problems, at most MAX_SAME_PROBLEMS of a kind per file; the rest counted in one line."""

    def __init__(self) -> None:
        self.items: list[Problem] = []
        self.counts: Counter = Counter()

    def add(self, p: Problem) -> None:
        key = (p.file, p.rule, p.severity)
        self.counts[key] += 1
        if self.counts[key] <= MAX_SAME_PROBLEMS:
            self.items.append(p)

    def extend(self, ps: Iterable[Problem]) -> None:
        for p in ps:
            self.add(p)

    def close(self) -> list[Problem]:
        out = list(self.items)
        for (file, rule, sev), n in self.counts.items():
            if n > MAX_SAME_PROBLEMS:
                out.append(Problem(file, 0, "", f"{n - MAX_SAME_PROBLEMS} more problem(s) of this kind not shown", rule, sev))
        return out


@dataclass
class Unit:
    value: Any          # a parsed JSON value: each reader checks its shape
    lf: Callable[[tuple], int]
    jsonl: bool


def load_units(path: Path, name: str, report: Report, *, jsonl: bool | None = None) -> list[Unit]:
    """A JSON file as one unit (with lines of every path), or JSON Lines as one unit per line."""
    if jsonl is None:
        jsonl = path.suffix.lower() in (".jsonl", ".ndjson")
    if not jsonl:
        data, text, probs = read_json(path, allow_crlf=True)
        if data is None and any("Extra data" in p.message for p in probs):
            return load_units(path, name, report, jsonl=True)
        report.extend(probs)
        if data is None:
            return []
        return [Unit(data, line_finder(text), False)]
    units = []
    for lineno, rec, probs in iter_jsonl(path):
        report.extend(probs)
        if rec is not None:
            units.append(Unit(rec, _constant_line(lineno), True))
    return units


def _constant_line(n: int) -> Callable[[tuple], int]:
    """``line_of`` for a JSON Lines record: every path is on its line."""
    return lambda p: n


ID_KEYS = ("doc_id", "docid", "document_id", "doc")
_ID_HOLDERS = ("meta", "metadata", "user_data", "_", "data")


def declared_id(obj) -> tuple[str | None, tuple]:
    """A document id carried by a record, and its path."""
    if not isinstance(obj, dict):
        return None, ()
    for k in ID_KEYS:
        if isinstance(obj.get(k), str) and obj[k]:
            return obj[k], (k,)
    for h in _ID_HOLDERS:
        sub = obj.get(h)
        if isinstance(sub, dict):
            for k in ID_KEYS:
                if isinstance(sub.get(k), str) and sub[k]:
                    return sub[k], (h, k)
    return None, ()


def keyed(value: Any, looks_like: Callable[[Any], bool]) -> list[tuple[str | None, tuple, Any]]:
    """Split an input value into documents: ``[(doc_id or None, path, doc_value)]``.

    A value that ``looks_like`` one document is one; a dict of them is keyed by doc id; a list
    of them is several documents.
    """
    if looks_like(value):
        return [(None, (), value)]
    if isinstance(value, dict) and value and all(looks_like(v) for v in value.values()):
        return [(k, (k,), v) for k, v in value.items()]
    if isinstance(value, list) and value and all(looks_like(v) for v in value):
        return [(None, (i,), v) for i, v in enumerate(value)]
    return []


def document_parts(path: Path, name: str, report: Report, looks_like: Callable[[Any], bool],
                   expected: str) -> Iterator[tuple[Unit, str | None, tuple, Any]]:
    """Every document of a JSON or JSON Lines input: ``(unit, doc id from a key or None, path, value)``.

    A unit in which :func:`keyed` finds no document is reported once, with ``expected`` (what the
    reader wanted to see), and skipped.
    """
    for u in load_units(path, name, report):
        parts = keyed(u.value, looks_like)
        if not parts:
            report.add(Problem(name, u.lf(()), "", expected, "format"))
            continue
        for key_id, base, v in parts:
            yield u, key_id, base, v


def json_reader(looks_like: Callable[[Any], bool], expected: str,
                document: Callable[[Unit, str | None, tuple, Any, str, Report], ReadDocument]) -> Callable:
    """A format's ``read`` for JSON or JSON Lines input whose documents :func:`keyed` can find:
    ``document`` turns one document value into a read document."""
    def read(path: Path, name: str, report: Report, options: ReadOptions) -> list[ReadDocument]:
        return [document(u, key_id, base, v, name, report)
                for u, key_id, base, v in document_parts(path, name, report, looks_like, expected)]
    return read
