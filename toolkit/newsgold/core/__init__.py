"""Core, the lowest floor: problems and their reporting, JSON reading and writing, schemas, records,
the copy of the dataset in use, the toolkit version. Imports nothing else of the package."""
from __future__ import annotations

from newsgold.core.exports import lazy

__all__ = [
    "Document", "InputError", "Predictions", "Problem", "Quote", "Span", "StanceItem", "__version__"
]

_WHERE = {
    "Document": "records",
    "InputError": "diagnostics",
    "Predictions": "records",
    "Problem": "diagnostics",
    "Quote": "records",
    "Span": "records",
    "StanceItem": "records",
    "__version__": "version",
}


def __getattr__(name: str) -> object:
    return lazy(__name__, _WHERE)(name)
