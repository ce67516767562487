"""Extractors run on the documents (``newsgold run``), with provenance."""
from __future__ import annotations

from newsgold.core.exports import lazy

__all__ = [
    "RunOptions", "RunResult", "SystemOutput", "parse_system", "run_system"
]

_WHERE = {
    "RunOptions": "common",
    "RunResult": "run",
    "SystemOutput": "common",
    "parse_system": "run",
    "run_system": "run",
}


def __getattr__(name: str) -> object:
    return lazy(__name__, _WHERE)(name)
