"""Release tooling: build, export, Hugging Face files, datasheet, leaderboard, release gate, validate, stats.

The top floor of the package below the command line: it uses scoring, reporting and the
foundation (:mod:`newsgold.gold`); nothing below imports it.
"""
