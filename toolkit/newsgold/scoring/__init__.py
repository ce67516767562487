"""Scoring: one object per task (:mod:`newsgold.scoring.tasks`), the setup that shapes matching,
per-document statistics, resampling, the signature. In memory: :func:`score_spans` and :class:`EntityScorer`."""
from newsgold.core.exports import lazy

__all__ = [
    "REGISTRY", "CompareResult", "EntityScorer", "ScoreResult", "Setup", "Task", "compare", "make_setup",
    "score", "score_spans", "task_names",
]
__getattr__ = lazy(__name__, {
    "tasks": ("REGISTRY", "Task", "task_names"),
    "api": ("CompareResult", "ScoreResult", "compare", "score"),
    "inmemory": ("EntityScorer", "score_spans"),
    "setup": ("Setup", "make_setup"),
})
