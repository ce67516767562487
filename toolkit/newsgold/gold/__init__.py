"""The foundation dataset: reading any gold (one entry point, :func:`load_gold`), the manifest,
the data rules, the list of releases, registering sources. Below scoring; imports only :mod:`newsgold.core`."""
from newsgold.core.exports import lazy

__all__ = ["Gold", "add_source", "content_hash", "load_documents", "load_gold", "read_manifest"]
__getattr__ = lazy(__name__, {
    "read": ("Gold", "content_hash"),
    "sources": ("add_source",),
    "manifest": ("load_documents", "read_manifest"),
    "load": ("load_gold",),
})
