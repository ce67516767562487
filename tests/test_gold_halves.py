"""A large gold file is checked in two halves at once (gold/read.py: a forked process checks the
second half's records while this one checks the first): the result must be that of one pass,
byte for byte, on clean files and on files with a problem anywhere (then read again in one pass)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from newsgold.gold import read as R

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="the two halves need os.fork (not on this platform)")


@pytest.fixture(scope="module")
def lines(tmp_path_factory):
    out = tmp_path_factory.mktemp("g")
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "generate.py"), "--docs", "60", "--seed", "4", "--out", str(out)],
                   check=True, capture_output=True)
    return (out / "gold.jsonl").read_bytes().splitlines(keepends=True)


def outcome(path):
    records, problems, chash, fhash = R.read_gold_jsonl(path)
    return ([(k, records.raw(k), records.text(k)) for k in records], {k: list(v) for k, v in records.spans.items()},
            list(records.vocab), [str(p) for p in problems], chash, fhash)


def both(path, monkeypatch):
    """(one pass, two halves) of the same file, and whether the halves were used (no fallback)."""
    monkeypatch.setattr(R, "HALVES_MIN_BYTES", 10 ** 12)
    one = outcome(path)
    monkeypatch.setattr(R, "_halves_worth_it", lambda p: True)     # whatever threads other tests left in this worker
    used = []
    real = R._read_in_halves
    monkeypatch.setattr(R, "_read_in_halves", lambda *a: used.append(real(*a)) or used[-1])
    two = outcome(path)
    return one, two, used[0] is not None


def edit(lines, i, fn):
    rec = json.loads(lines[i])
    fn(rec)
    return lines[:i] + [(json.dumps(rec, ensure_ascii=False, separators=(",", ":")) + "\n").encode()] + lines[i + 1:]


def test_a_clean_file_read_in_halves_is_read_as_in_one_pass(tmp_path, lines, monkeypatch):
    f = tmp_path / "g.jsonl"
    f.write_bytes(b"".join(lines))
    one, two, halves = both(f, monkeypatch)
    assert halves and one == two and not one[3]


@pytest.mark.parametrize("case", ["bad-text-hash-2nd", "bad-text-hash-1st", "duplicate-across", "unsorted-across", "float-meta-2nd",
                                  "stamp-2nd", "blank-lines", "no-final-break", "pretty-line-2nd", "not-json-2nd"])
def test_any_other_file_gives_the_one_pass_result(tmp_path, lines, monkeypatch, case):
    n = len(lines)
    ls = list(lines)
    if case == "bad-text-hash-2nd":
        ls = edit(ls, n - 3, lambda r: r.update(text_sha256="0" * 64))
    elif case == "bad-text-hash-1st":
        ls = edit(ls, 2, lambda r: r.update(text_sha256="0" * 64))
    elif case == "duplicate-across":
        ls[n - 2] = ls[1]
    elif case == "unsorted-across":
        ls[2], ls[n - 2] = ls[n - 2], ls[2]
    elif case == "float-meta-2nd":
        ls = edit(ls, n - 4, lambda r: r["metadata"].update(score=0.1 + 0.2))
    elif case == "stamp-2nd":
        ls = edit(ls, n - 4, lambda r: r["metadata"].update(dataset_version="9.9.9"))
    elif case == "blank-lines":
        ls = ls[:n - 5] + [b"\n", b"  \n"] + ls[n - 5:]
    elif case == "no-final-break":
        ls[-1] = ls[-1].rstrip(b"\n")
    elif case == "pretty-line-2nd":
        ls[n - 6] = (json.dumps(json.loads(ls[n - 6]), ensure_ascii=False, separators=(", ", ": ")) + "\n").encode()
    elif case == "not-json-2nd":
        ls[n - 6] = b"{not json\n"
    f = tmp_path / "g.jsonl"
    f.write_bytes(b"".join(ls))
    one, two, _ = both(f, monkeypatch)
    assert one == two


def test_no_fork_while_another_thread_runs(tmp_path, lines, monkeypatch):
    # a thread holding a lock at the fork could hang the child: then the file is read in one pass
    import threading
    f = tmp_path / "g.jsonl"
    f.write_bytes(b"".join(lines))
    monkeypatch.setattr(R, "HALVES_MIN_BYTES", 0)
    monkeypatch.setattr(threading, "active_count", lambda: 1)
    assert R._halves_worth_it(f) == ((os.cpu_count() or 1) > 1)
    monkeypatch.setattr(threading, "active_count", lambda: 2)
    assert not R._halves_worth_it(f)
