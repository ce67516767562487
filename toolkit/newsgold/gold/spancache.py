"""The entity spans of a validated gold file, kept beside its trust entry (:mod:`newsgold.core.trustcache`).

A trusted gold still had every mention of every record decoded and packed on each run, about
half the cost of reading it (issue 25). The spans are a function of the file's bytes, so the run
that validates the file keeps them, under the sha256 of those bytes, and a later run decodes only
the ids and texts and reads the spans back. Two files, written atomically: ``KEY.json`` (ids in
file order, label vocabulary, row count, sha256 of the columns) and ``KEY.bin`` (start, end,
label id and per-document span counts, int64 little-endian). ``KEY`` joins the file's sha256 and
the validator's fingerprint (toolkit version, schemas, checking code) with :data:`FORMAT`.

An entry is untrusted input: size-capped regular files, the columns checked against their
sha256, the counts against the rows, the label ids against the vocabulary, and the ids against
the documents actually read (:func:`newsgold.gold.read.load_gold_file`); anything wrong means
decoding the spans from the file, as without an entry.
"""
from __future__ import annotations

import contextlib
import hashlib
import json
from array import array
from pathlib import Path
from typing import Any

from newsgold.core import trustcache
from newsgold.core.storage import PackedSpans

FORMAT = 1
MAX_BYTES = 1 << 30


def _paths(file_hash: str) -> tuple[Path, Path] | None:
    folder = trustcache.cache_dir()
    if folder is None or len(file_hash) != 64:
        return None
    base = folder / "spans" / f"{file_hash}-{trustcache.validator_fingerprint()[:16]}-{FORMAT}"
    return base.with_suffix(".json"), base.with_suffix(".bin")


def store(file_hash: str, spans: Any, vocab: list[str]) -> None:
    """Keep the packed spans of the gold file of ``file_hash`` (a cache that cannot be written is skipped)."""
    paths = _paths(file_hash)
    if paths is None or not isinstance(spans, PackedSpans):
        return
    cols, where = spans.columns()
    ids = list(where)
    counts = array("q", (where[d][1] for d in ids))
    if not _contiguous([where[d][0] for d in ids], counts) or sum(counts) != len(cols[0]):
        return                  # runs not in file order (a document read twice): not kept
    blob = b"".join(c.tobytes() for c in (*cols, counts))
    meta = {"format": FORMAT, "sha256": file_hash, "ids": ids, "vocab": vocab, "rows": len(cols[0]),
            "bin_sha256": hashlib.sha256(blob).hexdigest()}
    from newsgold.core.jsonio import write_atomic
    with contextlib.suppress(OSError, ValueError):
        write_atomic(paths[1], blob)
        write_atomic(paths[0], json.dumps(meta, ensure_ascii=False))


def _contiguous(firsts: list[int], counts: array[int]) -> bool:
    at = 0
    for first, n in zip(firsts, counts):
        if first != at:
            return False
        at += n
    return True


def load(file_hash: str) -> tuple[PackedSpans, list[str]] | None:
    """The packed spans and label vocabulary kept for the gold file of ``file_hash``, or None."""
    import sys
    paths = _paths(file_hash)
    if paths is None:
        return None
    entry = trustcache.read_pair(*paths, MAX_BYTES)
    if entry is None:
        return None
    meta, blob = entry
    if not (isinstance(meta, dict) and meta.get("format") == FORMAT and meta.get("sha256") == file_hash
            and hashlib.sha256(blob).hexdigest() == meta.get("bin_sha256")):
        return None
    ids, vocab, rows = meta.get("ids"), meta.get("vocab"), meta.get("rows")
    if not (isinstance(ids, list) and all(type(i) is str for i in ids) and isinstance(vocab, list)
            and all(type(v) is str for v in vocab) and type(rows) is int and rows >= 0
            and len(blob) == 8 * (3 * rows + len(ids)) and len(set(ids)) == len(ids)):
        return None
    cols = [array("q") for _ in range(4)]
    for i, col in enumerate(cols):
        col.frombytes(blob[8 * rows * i: 8 * rows * (i + 1)] if i < 3 else blob[8 * rows * 3:])
        if sys.byteorder != "little":
            col.byteswap()
    starts, ends, labels, counts = cols
    if not _in_range(starts, ends, labels, counts, rows, len(vocab)):
        return None
    where, at = {}, 0
    for doc_id, n in zip(ids, counts):
        where[doc_id] = (at, n)
        at += n
    return PackedSpans(starts, ends, labels, where), vocab


def _in_range(starts: array[int], ends: array[int], labels: array[int], counts: array[int], rows: int, n_labels: int) -> bool:
    """Counts that add up to the rows, label ids of the vocabulary, offsets with 0 <= start < end."""
    import numpy as np
    if sum(counts) != rows or (len(counts) and min(counts) < 0):
        return False
    if not rows:
        return True
    s, e, lab = (np.frombuffer(c, dtype=np.int64) for c in (starts, ends, labels))
    return bool(lab.min() >= 0 and lab.max() < n_labels and s.min() >= 0 and (s < e).all())
