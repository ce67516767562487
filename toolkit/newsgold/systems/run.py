"""``newsgold run SYSTEM``: run an installed extractor over the dataset's documents, write
its predictions with a provenance record, and score them.

SYSTEM is ``FAMILY:ARGUMENT`` or a built-in name; one module per family does the work
(:data:`FAMILIES`), each importing its libraries only when it runs. Nothing is downloaded:
models are installed packages or local folders, and a missing one stops the run (exit 1)
with the command that installs it.

Provenance travels **beside** the predictions, never inside them: ``PRED.jsonl`` gets
``PRED.provenance.json`` (system, model name, version and the sha256 of its files, package
versions, data version and content hash, the sha256 of the predictions, the signature, the
command, the date). The predictions file stays an ordinary predictions file that every
reader accepts. The date is ``--date``, else ``SOURCE_DATE_EPOCH``, else today (UTC), so a
run can be made byte-identical.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import importlib
import os
import platform
import re
import shlex
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from newsgold.core.diagnostics import InputError, Problem
from newsgold.core.jsonio import dump_json, dump_jsonl, write_atomic
from newsgold.core.records import Document
from newsgold.core.storage import write_output
from newsgold.core.version import __version__
from newsgold.systems.common import (
    RunOptions,
    SystemOutput,
    file_sha256,
    package_versions,
)

if TYPE_CHECKING:
    from newsgold.scoring.api import ScoreResult

# family -> (module, function); families marked True take an argument after the colon
FAMILIES: dict[str, tuple[str, str, bool]] = {
    "spacy": ("newsgold.systems.spacy_ner", "run", True),
    "hf": ("newsgold.systems.hf_ner", "run", True),
    "gliner": ("newsgold.systems.gliner_ner", "run", True),
    "textacy": ("newsgold.systems.textacy_quotes", "run", True),
    "cmd": ("newsgold.systems.command", "run", True),
    "rules": ("newsgold.systems.baselines", "run_rules", False),
    "majority-stance": ("newsgold.systems.baselines", "run_majority_stance", False),
    "coref-rules": ("newsgold.systems.coref_rules", "run", False),
}
SUBMISSIONS = "submissions"
PREDICTIONS = "predictions.jsonl"
SCORE = "score.json"
_PACKAGE_DIR = Path(__file__).resolve().parents[1]


class UsageError(ValueError):
    """A SYSTEM argument the command line cannot mean (exit 2)."""


def parse_system(spec: str) -> tuple[str, str]:
    family, sep, arg = spec.partition(":")
    if family not in FAMILIES:
        raise UsageError(f"unknown system {spec!r}; SYSTEM is one of: spacy:PIPELINE, hf:FOLDER, gliner:FOLDER, "
                         "textacy:PIPELINE, cmd:\"COMMAND\", rules, majority-stance, coref-rules")
    if FAMILIES[family][2] and not arg.strip():
        raise UsageError(f"system {family!r} needs an argument: {family}:...")
    if not FAMILIES[family][2] and sep:
        raise UsageError(f"system {family!r} takes no argument")
    if family == "cmd":
        from newsgold.systems.command import command_argv
        try:
            command_argv(arg)
        except ValueError as exc:
            raise UsageError(f"cmd: cannot split the command {arg.strip()!r}: {exc}") from None
    return family, arg.strip()


def provenance_path(predictions: str | Path) -> Path:
    """Where the provenance of a predictions file is: ``X.jsonl`` -> ``X.provenance.json``."""
    p = Path(predictions)
    return p.with_name((p.name.removesuffix(".jsonl")) + ".provenance.json")


def run_date(date: str | None = None) -> str:
    """``date`` (YYYY-MM-DD), else the day of ``SOURCE_DATE_EPOCH``, else today, in UTC."""
    if date:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", date):
            raise InputError(f"--date must be YYYY-MM-DD, got {date!r}")
        return date
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            return dt.datetime.fromtimestamp(int(epoch), dt.UTC).date().isoformat()
        except (ValueError, OverflowError):
            raise InputError(f"SOURCE_DATE_EPOCH must be a whole number of seconds, got {epoch!r}") from None
    return dt.datetime.now(dt.UTC).date().isoformat()


def code_hashes(paths) -> dict[str, str]:
    """sha256 of toolkit files (paths relative to the ``newsgold`` package folder)."""
    return {p: (file_sha256(_PACKAGE_DIR / p) if (_PACKAGE_DIR / p).is_file() else "missing") for p in paths}


@dataclass(frozen=True)
class RunResult:
    records: list[dict]
    provenance: dict
    score: ScoreResult
    warnings: tuple[Problem, ...]

    @property
    def jsonl(self) -> str:
        return dump_jsonl(self.records)


def run_system(spec: str, gold=None, options: RunOptions | None = None, *, score_options: dict | None = None,
               date: str | None = None, command: str | None = None) -> RunResult:
    """Run SYSTEM on every gold document, check and score its predictions, and describe the run.

    ``score_options`` are the keyword arguments of :func:`newsgold.scoring.api.score` (task,
    label_map, labels, zones, overlap, resamples, seed).
    """
    from newsgold.gold.load import Gold, load_gold
    family, arg = parse_system(spec)
    gold = gold if isinstance(gold, Gold) else load_gold(gold)
    docs = [Document(doc_id, gold.text(doc_id)) for doc_id in gold.docs]
    module, func, _ = FAMILIES[family]
    out: SystemOutput = getattr(importlib.import_module(module), func)(arg, docs, replace(options or RunOptions(), gold=gold))
    score_options = {k: v for k, v in (score_options or {}).items() if k != "gold"}
    label_map = score_options.get("label_map")
    from newsgold.scoring.api import score
    result = score(out.records, gold=gold, **score_options)
    jsonl = dump_jsonl(out.records)
    provenance = {
        "format": "newsgold-provenance/1",
        "system": spec,
        "model": out.model,
        "options": {**out.options, **({"label_map": label_map} if label_map else {})},
        "packages": {"newsgold": __version__, **package_versions(out.packages)},
        "python": platform.python_version(),
        "code_sha256": code_hashes(out.code),
        "data": {"version": gold.version, "content_hash": gold.content_hash, "documents": len(docs)},
        "predictions_sha256": hashlib.sha256(jsonl.encode("utf-8")).hexdigest(),
        "signature": result.signature,
        "command": command or f"newsgold run {shlex.quote(spec)}",
        "date": run_date(date),
    }
    if out.failed:   # only when there are some: runs without failures keep their provenance unchanged
        provenance["failed_documents"] = [{"doc_id": doc_id, "reason": why} for doc_id, why in out.failed]
    return RunResult(out.records, provenance, result, tuple(out.warnings) + tuple(result.warnings))


def write_predictions(res: RunResult, path: str | Path, force: bool = False) -> list[Path]:
    """The predictions file and its provenance beside it, each written atomically; an existing
    file newsgold did not write is replaced only with ``force`` (:func:`newsgold.core.storage.write_output`)."""
    path = Path(path)
    # an earlier output of the same system is replaced without force (records and provenance name it)
    named = res.records[0].get("system") if res.records and isinstance(res.records[0].get("system"), str) else None
    write_output(path, res.jsonl, force=force, system=named)
    write_output(provenance_path(path), dump_json(res.provenance), force=force, system=res.provenance["system"])
    return [path, provenance_path(path)]


def submission_dir(name: str, root: str | Path | None = None) -> Path:
    from newsgold.core.repository import current
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", name):
        raise InputError(f"--submit NAME: letters, digits, '.', '_' and '-' only, got {name!r}")
    return Path(root or current().root) / SUBMISSIONS / name


def submit(res: RunResult, name: str, root: str | Path | None = None) -> list[Path]:
    """``submissions/NAME/``: predictions, their provenance, and the score with its signature."""
    folder = submission_dir(name, root)
    written = write_predictions(res, folder / PREDICTIONS)
    write_atomic(folder / SCORE, dump_json(res.score.to_dict()))
    return written + [folder / SCORE]


def reproduce_command(spec: str, name: str | None, out: str | None, options: RunOptions, label_map: str | None) -> str:
    """The command line that makes this run again (options only where they differ from the defaults)."""
    parts = ["newsgold", "run", shlex.quote(spec)]
    family = spec.partition(":")[0]
    default = RunOptions()
    if family == "hf" and options.aggregation != default.aggregation:
        parts += ["--aggregation", options.aggregation]
    if family == "gliner" and options.threshold != default.threshold:
        parts += ["--threshold", f"{options.threshold:g}"]
    if family == "cmd" and options.input_format != default.input_format:
        parts += ["--from", options.input_format]
    if label_map:
        parts += ["--label-map", shlex.quote(label_map)]
    if name:
        parts += ["--submit", name]
    elif out:
        parts += ["-o", shlex.quote(out)]
    return " ".join(parts)
