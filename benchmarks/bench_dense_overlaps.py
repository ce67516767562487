#!/usr/bin/env python3
"""Dense overlaps: one document with 200,000 overlapping predicted entities, validated and scored.

Issue 11 found ``validate`` and ``score`` quadratic in the number of overlapping predictions
of one document (5k spans 3.4 s, 10k 11.4 s, 20k 37.6 s). The overlap check now sorts once and
sweeps (O(n log n)); this script prints how long the real commands take, run in-process
through ``newsgold.cli.main`` (the target is under 10 s each for 200,000 spans). It prints
timings only; it is not a timed test.

    python benchmarks/bench_dense_overlaps.py [--spans 200000]

The gold is the shipped documents file; the predictions put ``--spans`` distinct
(start, end) pairs on the first document, every one overlapping many others.
"""
from __future__ import annotations

import argparse
import contextlib
import io
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "toolkit"))

from newsgold.cli import main  # noqa: E402 - importable only after the sys.path line above

GOLD = ROOT / "data" / "documents" / "test.jsonl"


def dense_spans(length: int, n: int) -> list[dict]:
    """n distinct spans of widths 1..100 starting everywhere in a text of ``length`` characters."""
    out = []
    for width in range(1, 101):
        for start in range(length - width):
            out.append({"start": start, "end": start + width, "label": "ORG"})
            if len(out) == n:
                return out
    raise SystemExit(f"a text of {length} characters holds fewer than {n} such spans")


def run(argv: list[str]) -> tuple[int, float, int]:
    """Exit code, seconds, and number of output lines of one in-process command."""
    out, err = io.StringIO(), io.StringIO()
    t0 = time.perf_counter()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    return code, time.perf_counter() - t0, len((out.getvalue() + err.getvalue()).splitlines())


def main_bench() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--spans", type=int, default=200_000)
    args = ap.parse_args()
    first = json.loads(GOLD.read_text(encoding="utf-8").splitlines()[0])
    with tempfile.TemporaryDirectory() as tmp:
        pred = Path(tmp) / "dense.jsonl"
        pred.write_text(json.dumps({"doc_id": first["id"], "entities": dense_spans(len(first["text"]), args.spans)}) + "\n",
                        encoding="utf-8")
        print(f"{args.spans} overlapping spans in one document ({pred.stat().st_size // 1024} KB)")
        for name, argv in (("validate", ["validate", str(pred), "--gold", str(GOLD)]),
                           ("score", ["score", str(pred), "--gold", str(GOLD), "--task", "entities", "--resamples", "0"])):
            code, seconds, lines = run(argv)
            print(f"{name:9s} exit {code}  {seconds:6.2f} s  ({lines} output lines: warnings capped per rule)")


if __name__ == "__main__":
    main_bench()
