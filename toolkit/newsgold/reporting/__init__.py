"""Reports of a result: text, Markdown, CSV and JSON (:mod:`newsgold.reporting.text`), the HTML error
report (:mod:`newsgold.reporting.html`), and the one alignment both read."""
from __future__ import annotations

from newsgold.core.exports import lazy

__all__ = [
    "align", "build_report", "render_compare", "render_errors", "render_score", "write_report"
]

_WHERE = {
    "align": "alignment",
    "build_report": "html",
    "render_compare": "text",
    "render_errors": "text",
    "render_score": "text",
    "write_report": "html",
}


def __getattr__(name: str) -> object:
    return lazy(__name__, _WHERE)(name)
