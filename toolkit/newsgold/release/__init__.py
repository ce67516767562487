"""Release tooling: build, export, Hugging Face files, datasheet, leaderboard, the release gate,
validate, stats. The top floor below the command line: it uses scoring, reporting and the foundation
(:mod:`newsgold.gold`); nothing below imports it."""
from newsgold.core.exports import lazy

__all__ = ["corpus_stats", "export_croissant", "export_hub", "export_parquet", "load", "make_release", "run_checks"]
__getattr__ = lazy(__name__, {
    "stats": ("corpus_stats",),
    "export": ("export_croissant", "export_hub", "export_parquet"),
    "hf": ("load",),
    "gate": ("make_release", "run_checks"),
})
