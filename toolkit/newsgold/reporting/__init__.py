"""Reports of a result: text, Markdown, CSV and JSON (:mod:`newsgold.reporting.text`), the HTML error
report (:mod:`newsgold.reporting.html`), and the one alignment both read."""
from newsgold.core.exports import lazy

__all__ = ["align", "build_report", "render_compare", "render_errors", "render_score", "write_report"]
__getattr__ = lazy(__name__, {
    "alignment": ("align",),
    "html": ("build_report", "write_report"),
    "text": ("render_compare", "render_errors", "render_score"),
})
