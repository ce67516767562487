"""``cmd:"COMMAND"``: any program, e.g. an LLM pipeline, as a system.

The command (split as a POSIX shell would, but run without a shell) reads the documents on
standard input, one JSON object per line ``{"doc_id": ..., "text": ...}``, and writes
predictions on standard output: NewsGold predictions records, one per line, or with
``--from strings`` the offset-free form of :mod:`newsgold.formats.strings`. It runs in the
current folder with the hub switched off (HF_HUB_OFFLINE=1 and friends); a non-zero exit
stops the run with the end of its error output.
"""
from __future__ import annotations

import json
import os
import shlex
import subprocess
import tempfile
from pathlib import Path

from newsgold.core.diagnostics import InputError, Problem
from newsgold.core.records import Document
from newsgold.systems.common import (
    OFFLINE_ENV,
    RunOptions,
    SystemOutput,
    file_sha256,
    missing,
)

MAX_OUTPUT = 512 * 1024 * 1024


def _files(argv: list[str]) -> dict[str, str]:
    """sha256 of each argument that names a file (a script, a prompt, a config): what ran."""
    out = {}
    for a in argv:
        p = Path(a)
        if p.is_file():
            out[p.name if p.is_absolute() else a] = file_sha256(p)
    return out


def _stdout_records(system: str, out: str) -> list[dict]:
    records, problems = [], []
    for i, line in enumerate(out.splitlines(), 1):
        if not line.strip():
            continue
        try:
            records.append(json.loads(line))
        except ValueError as exc:
            problems.append(Problem(f"{system} (standard output)", i, "", f"not a JSON object: {exc}", "json"))
    if problems:
        raise InputError(problems)
    return records


def _strings_records(out: str, opts: RunOptions) -> tuple[list[dict], list[Problem]]:
    from newsgold.formats.strings import read
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "stdout.jsonl"
        path.write_text(out, encoding="utf-8")
        records, problems = read(path, opts.gold)
    problems = [Problem("(standard output)", p.line, p.path, p.message, p.rule, p.severity) for p in problems]
    if any(p.severity == "error" for p in problems):
        raise InputError(problems)
    return records, problems


def run(arg: str, docs: list[Document], opts: RunOptions) -> SystemOutput:
    system = f"cmd:{arg}"
    argv = shlex.split(arg)
    if not argv:
        raise InputError("cmd: needs a command, e.g. cmd:\"python my_system.py\"")
    stdin = "".join(json.dumps({"doc_id": d.id, "text": d.text}, ensure_ascii=False) + "\n" for d in docs)
    try:
        done = subprocess.run(argv, input=stdin.encode("utf-8"), capture_output=True, timeout=opts.timeout,
                              env={**os.environ, **OFFLINE_ENV}, check=False)
    except FileNotFoundError:
        raise missing(system, f"the program {argv[0]!r} is not found", "install it or give its path") from None
    except subprocess.TimeoutExpired:
        raise InputError(f"{system}: stopped after {opts.timeout:g} s (--timeout)") from None
    if done.returncode != 0:
        tail = done.stderr.decode("utf-8", "replace").strip().splitlines()[-5:]
        raise InputError(Problem(system, 0, "", f"the command exited with status {done.returncode}: " + " | ".join(tail),
                                 "command"))
    if len(done.stdout) > MAX_OUTPUT:
        raise InputError(f"{system}: more than {MAX_OUTPUT} bytes on standard output")
    out = done.stdout.decode("utf-8", "replace")
    warnings: list[Problem] = []
    if opts.input_format == "strings":
        records, warnings = _strings_records(out, opts)
    else:
        records = _stdout_records(system, out)
    model = {"command": arg, "files_sha256": _files(argv)}
    return SystemOutput(records, model, options={"from": opts.input_format}, warnings=tuple(warnings))
