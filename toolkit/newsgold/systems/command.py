"""``cmd:"COMMAND"``: any program, e.g. an LLM pipeline, as a system.

The command (split as a POSIX shell would, but run without a shell) reads the documents on
standard input, one JSON object per line ``{"doc_id": ..., "text": ...}``, and writes
predictions on standard output: NewsGold predictions records, one per line, or with
``--from strings`` the offset-free form of :mod:`newsgold.formats.strings`. It runs in the
current folder with the hub switched off (HF_HUB_OFFLINE=1 and friends); a non-zero exit
stops the run with the end of its error output. Its output is read as a stream, with the size
cap enforced while reading, then by the strict readers (no NaN, duplicate keys or deep nesting);
an output with no predictions at all is an error, not a run that missed everything.
"""
from __future__ import annotations

import contextlib
import json
import os
import shlex
import signal
import subprocess
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from newsgold.core.diagnostics import InputError, Problem
from newsgold.core.jsonio import iter_jsonl, json_objects
from newsgold.core.records import Document
from newsgold.systems.common import (
    OFFLINE_ENV,
    RunOptions,
    SystemOutput,
    file_sha256,
    missing,
)

MAX_OUTPUT = 512 * 1024 * 1024     # bytes of standard output; checked while reading, so endless output stops
STDERR_TAIL = 64 * 1024             # bytes of standard error kept for the message of a failed command
CHUNK = 1 << 20


def _files(argv: list[str]) -> dict[str, str]:
    """sha256 of each argument that names a file (a script, a prompt, a config): what ran."""
    out = {}
    for a in argv:
        p = Path(a)
        if p.is_file():
            out[p.name if p.is_absolute() else a] = file_sha256(p)
    return out


def command_argv(arg: str) -> list[str]:
    """The command split as a POSIX shell would; ValueError (an unbalanced quote) or an empty one is the caller's usage error."""
    argv = shlex.split(arg)
    if not argv:
        raise ValueError("cmd: needs a command, e.g. cmd:\"python my_system.py\"")
    return argv


@dataclass
class _Finished:
    returncode: int
    stderr: bytes
    too_long: bool


def _kill(proc: subprocess.Popen) -> None:
    """Stop the command and whatever it started (it runs in a session of its own)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)


def _stream(argv: list[str], stdin: bytes, dest: BinaryIO, timeout: float, system: str) -> _Finished:
    """Run the command: feed ``stdin``, copy its standard output to ``dest`` with the size cap
    enforced while reading (endless output is stopped at :data:`MAX_OUTPUT`), keep the end of
    its standard error; stop it after ``timeout`` seconds."""
    proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env={**os.environ, **OFFLINE_ENV}, start_new_session=True)
    feed_to, out_from, err_from = proc.stdin, proc.stdout, proc.stderr
    assert feed_to is not None and out_from is not None and err_from is not None   # all three are pipes
    err = bytearray()
    too_long = threading.Event()

    def feed() -> None:
        with contextlib.suppress(OSError):      # the command may exit without reading everything
            feed_to.write(stdin)
        with contextlib.suppress(OSError):
            feed_to.close()

    def drain_err() -> None:
        for chunk in iter(lambda: err_from.read(CHUNK), b""):
            err.extend(chunk)
            del err[:-STDERR_TAIL]

    def copy_out() -> None:
        total = 0
        for chunk in iter(lambda: out_from.read(CHUNK), b""):
            total += len(chunk)
            if total > MAX_OUTPUT:
                too_long.set()
                _kill(proc)
                return
            dest.write(chunk)

    threads = [threading.Thread(target=f, daemon=True) for f in (feed, drain_err, copy_out)]
    for t in threads:
        t.start()
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill(proc)
        proc.wait()
        raise InputError(Problem(system, 0, "", f"stopped after {timeout:g} s (--timeout)", "timeout")) from None
    finally:
        for t in threads:
            t.join(timeout=5)
    return _Finished(proc.returncode, bytes(err), too_long.is_set())


def _records(system: str, path: Path, opts: RunOptions) -> tuple[list[dict], list[Problem]]:
    """The command's output, read by the strict readers: predictions records, or strings (:mod:`newsgold.formats.strings`)."""
    where = f"{system} (standard output)"
    if path.stat().st_size == 0:
        raise InputError(_no_output(where))
    if opts.input_format == "strings":
        from newsgold.formats.strings import read
        records, problems = read(path, opts.gold)
    else:
        problems = []
        records = [obj for _, obj in json_objects(iter_jsonl(path), str(path), problems, "expected a predictions record (a JSON object)")]
    problems = [Problem(where, p.line, p.path, p.message, p.rule, p.severity) for p in problems]
    if any(p.severity == "error" for p in problems):
        raise InputError(problems)
    if not records:
        raise InputError(_no_output(where))
    return records, [p for p in problems if p.severity != "error"]


def _no_output(where: str) -> Problem:
    return Problem(where, 0, "", "the command wrote no predictions: an empty output would score every document as missed; "
                   "write one line per document (\"entities\": [] for none found)", "no-output")


def run(arg: str, docs: list[Document], opts: RunOptions) -> SystemOutput:
    system = f"cmd:{arg}"
    try:
        argv = command_argv(arg)
    except ValueError as exc:
        raise InputError(Problem(system, 0, "", f"cannot split the command: {exc}", "usage")) from None
    stdin = "".join(json.dumps({"doc_id": d.id, "text": d.text}, ensure_ascii=False) + "\n" for d in docs).encode("utf-8")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "stdout.jsonl"
        try:
            with open(path, "wb") as dest:
                done = _stream(argv, stdin, dest, opts.timeout, system)
        except (FileNotFoundError, PermissionError, NotADirectoryError) as exc:
            raise missing(system, f"the program {argv[0]!r} cannot be started ({exc.strerror})", "install it or give its path") from None
        if done.too_long:
            raise InputError(Problem(system, 0, "", f"more than {MAX_OUTPUT} bytes on standard output: stopped", "size"))
        if done.returncode != 0:
            tail = done.stderr.decode("utf-8", "replace").strip().splitlines()[-5:]
            raise InputError(Problem(system, 0, "", f"the command exited with status {done.returncode}: " + " | ".join(tail),
                                     "command"))
        records, warnings = _records(system, path, opts)
    model = {"command": arg, "files_sha256": _files(argv)}
    return SystemOutput(records, model, options={"from": opts.input_format}, warnings=tuple(warnings))
