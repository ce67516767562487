"""Other tools' files: one reader per format (``formats/<tool>.py``), listed in :mod:`newsgold.formats.registry`,
shared by ``convert``, ``score --from`` and ``import``."""
from __future__ import annotations

from newsgold.core.exports import lazy

__all__ = [
    "Format", "convert", "get", "names"
]

_WHERE = {
    "Format": "registry",
    "get": "registry",
    "names": "registry",
    "convert": "to_predictions",
}


def __getattr__(name: str) -> object:
    return lazy(__name__, _WHERE)(name)
