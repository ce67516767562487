"""Scoring: one object per task (:mod:`newsgold.scoring.tasks`), the setup that shapes matching,
per-document statistics, resampling, the signature. In memory: :func:`score_spans` and :class:`EntityScorer`."""
from __future__ import annotations

from newsgold.core.exports import lazy

__all__ = [
    "REGISTRY",
    "CompareResult",
    "EntityScorer",
    "ScoreResult",
    "Setup",
    "Task",
    "compare",
    "make_setup",
    "score",
    "score_spans",
    "task_names"
]

_WHERE = {
    "CompareResult": "api",
    "EntityScorer": "inmemory",
    "REGISTRY": "tasks",
    "ScoreResult": "api",
    "Setup": "setup",
    "Task": "tasks",
    "compare": "api",
    "make_setup": "setup",
    "score": "api",
    "score_spans": "inmemory",
    "task_names": "tasks",
}


def __getattr__(name: str) -> object:
    return lazy(__name__, _WHERE)(name)
