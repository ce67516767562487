"""Release tooling: build, export, Hugging Face files, datasheet, leaderboard, the release gate,
validate, stats. The top floor below the command line: it uses scoring, reporting and the foundation
(:mod:`newsgold.gold`); nothing below imports it."""
from __future__ import annotations

from newsgold.core.exports import lazy

__all__ = [
    "corpus_stats", "export_croissant", "export_hub", "export_parquet", "load", "make_release",
    "run_checks"
]

_WHERE = {
    "corpus_stats": "stats",
    "export_croissant": "export",
    "export_hub": "export",
    "export_parquet": "export",
    "load": "hf",
    "make_release": "gate",
    "run_checks": "gate",
}


def __getattr__(name: str) -> object:
    return lazy(__name__, _WHERE)(name)
