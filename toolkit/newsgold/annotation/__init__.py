"""Annotation tooling: pre-annotation tasks for Label Studio, brat and doccano, importing their
exports as annotation files, agreement between two annotation sets."""
from __future__ import annotations

from newsgold.core.exports import lazy

__all__ = [
    "export_tasks", "import_annotations",
]

_WHERE = {
    "export_tasks": "tasks",
    "import_annotations": "importing",
}


def __getattr__(name: str) -> object:
    return lazy(__name__, _WHERE)(name)
