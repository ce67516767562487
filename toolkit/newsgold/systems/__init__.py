"""Extractors run on the documents (``newsgold run``), with provenance."""
from newsgold.core.exports import lazy

__all__ = ["RunOptions", "RunResult", "SystemOutput", "parse_system", "run_system"]
__getattr__ = lazy(__name__, {
    "common": ("RunOptions", "SystemOutput"),
    "run": ("RunResult", "parse_system", "run_system"),
})
