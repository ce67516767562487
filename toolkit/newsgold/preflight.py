"""Checks the command line makes before a command runs: where it may write.

Two rules, each a one-sentence refusal (exit 1) rather than a half-done run:

* an installed copy is read-only: the release inside the package (``newsgold/_release``) is
  what the wheel's RECORD lists, so the commands that write the project's own files (the data
  files, README, DATASHEET, VERSION, CHANGELOG, releases.json, submissions/, seeds/) or check a
  contributor's work refuse there and say to use a clone;
* an output goes where the user said, and a missing folder is made only inside the current
  one: ``--out /no/such/dir/x.json`` is far more often a typo than a wish to create ``/no``.
"""
from __future__ import annotations

from argparse import Namespace
from pathlib import Path

from newsgold.core import repository

# commands that write the project's files or judge a contributor's clone
PROJECT_COMMANDS = ("build", "release", "leaderboard", "datasheet", "check", "add-source")
# options naming a file or folder to write; a folder option (hub, parquet, tasks -o) is itself created
OUTPUT_OPTIONS = ("out", "out_dir", "score_out", "hub", "parquet", "croissant")


def installed_refusal(args: Namespace) -> str | None:
    """The sentence refusing a project-writing command on an installed copy, or None."""
    writes = args.command in PROJECT_COMMANDS or (args.command == "run" and getattr(args, "submit", None))
    if not writes or not repository.is_packaged(repository.current()):
        return None
    what = "run --submit" if args.command == "run" else args.command
    return (f"'newsgold {what}' works on a clone of the repository, and this is an installed copy, whose files inside the "
            "package are read-only; run it in a clone (or set NEWSGOLD_HOME to one)")


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def output_refusal(args: Namespace, cwd: Path | None = None) -> str | None:
    """The sentence refusing an output whose folder is missing and outside the current folder, or None."""
    here = (cwd or Path.cwd()).resolve()
    for name in OUTPUT_OPTIONS:
        value = getattr(args, name, None)
        if not isinstance(value, (str, Path)) or not str(value) or str(value) == "-":
            continue
        parent = Path(value).expanduser().absolute().parent
        if not parent.exists() and not _inside(parent, here):
            return (f"the folder {parent} (for {value}) does not exist and is outside the current folder; "
                    "create it first if that is where the output should go")
    return None


def refusal(args: Namespace) -> str | None:
    """The first refusal that applies to this command line, or None."""
    return installed_refusal(args) or output_refusal(args)
