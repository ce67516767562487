#!/usr/bin/env python3
"""String-only (LLM) predictions: placing many strings in one document.

Issue 23 found the placement quadratic (10,000 strings 10 s, 30,000 41 s, 50,000 182 s): each
occurrence was compared with every span already placed. The rule (``newsgold.formats.strings``)
now sorts the strings once, looks up each string's first word in an index of the text, and
claims each character at most once. This script prints how long :func:`newsgold.formats.strings.read`
takes on ``--strings`` strings of one document (target: 50,000 in under 2 s), and, side by side on
``--peer-strings`` strings, against a peer: one whole-word regular-expression search of the text per
string (what a user might write by hand, without duplicates, overlaps or case folding), with the ratio.
It prints timings only; it is not a timed test.

    PYTHONPATH=$PWD/toolkit python benchmarks/bench_strings.py [--strings 50000] [--peer-strings 2000]

The document is generated: N distinct two-word names joined by "; ". The strings file lists
every name (PERSON), every tenth one again under a second label (ORG), every tenth surname alone
(found only inside the longer names) and N/10 invented names that are not in the text.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "toolkit"))

from newsgold.formats.strings import read  # noqa: E402
from newsgold.gold.load import load_gold  # noqa: E402 - importable only after the sys.path line above


def names(n: int) -> list[str]:
    return [f"Name{i:06d} Family{i:06d}" for i in range(n)]


def write_case(folder: Path, n: int) -> tuple[Path, Path, list[dict]]:
    listed = names(n)
    text = "; ".join(listed) + "."
    gold = folder / "gold.jsonl"
    gold.write_text(json.dumps({"id": "d1", "text": text, "entities": []}) + "\n", encoding="utf-8")
    items = [{"text": s, "label": "PERSON"} for s in listed]
    items += [{"text": s, "label": "ORG"} for s in listed[::10]]
    items += [{"text": s.split()[1], "label": "PERSON"} for s in listed[5::10]]
    items += [{"text": f"Invented{i:06d} Person", "label": "PERSON"} for i in range(n // 10)]
    path = folder / "strings.jsonl"
    path.write_text(json.dumps({"doc_id": "d1", "entities": items}) + "\n", encoding="utf-8")
    return gold, path, items


def ours(folder: Path, n: int) -> tuple[float, float, int]:
    """Wall and CPU seconds of ``read`` (CPU time: the machine may be shared), and the items listed."""
    gold_path, path, items = write_case(folder, n)
    gold = load_gold(gold_path)
    t0, c0 = time.perf_counter(), time.process_time()
    read(path, gold)
    return time.perf_counter() - t0, time.process_time() - c0, len(items)


def peer(folder: Path, n: int) -> float:
    gold_path, _, items = write_case(folder, n)
    text = load_gold(gold_path).text("d1")
    c0 = time.process_time()
    spans = []
    for it in items:
        spans += [(m.start(), m.end(), it["label"]) for m in re.finditer(rf"(?<!\w){re.escape(it['text'])}(?!\w)", text)]
    return time.process_time() - c0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--strings", type=int, default=50_000)
    ap.add_argument("--peer-strings", type=int, default=2_000)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        wall, cpu, listed = ours(folder, args.strings)
        print(f"newsgold strings placement: {args.strings:,} names ({listed:,} listed items): {wall:.2f} s wall, {cpu:.2f} s CPU")
        _, small, listed_small = ours(folder, args.peer_strings)
        other = peer(folder, args.peer_strings)
        print(f"at {args.peer_strings:,} names ({listed_small:,} items), CPU: newsgold {small:.3f} s, "
              f"regex search per string {other:.3f} s, ratio {other / small:.1f}x")


if __name__ == "__main__":
    main()
