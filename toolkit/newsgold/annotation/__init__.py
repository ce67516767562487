"""Annotation tooling: pre-annotation tasks for Label Studio, brat and doccano, importing their
exports as annotation files, agreement between two annotation sets."""
from newsgold.core.exports import lazy

__all__ = ["export_tasks", "import_annotations"]
__getattr__ = lazy(__name__, {
    "tasks": ("export_tasks",),
    "importing": ("import_annotations",),
})
