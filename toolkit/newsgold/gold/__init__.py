"""The foundation dataset: reading any gold (one entry point, :func:`load_gold`), the manifest,
the data rules, the list of releases, registering sources. Below scoring; imports only :mod:`newsgold.core`."""
from __future__ import annotations

from newsgold.core.exports import lazy

__all__ = [
    "Gold", "add_source", "content_hash", "load_documents", "load_gold", "read_manifest"
]

_WHERE = {
    "Gold": "read",
    "add_source": "sources",
    "content_hash": "read",
    "load_documents": "manifest",
    "load_gold": "load",
    "read_manifest": "manifest",
}


def __getattr__(name: str) -> object:
    return lazy(__name__, _WHERE)(name)
