"""Records held as their JSON text, entity spans packed while a file is read, and outputs written
without overwriting what the user did not ask to replace.

A large gold or predictions file then costs about its own size in memory, and scoring never
has to parse the records a second time. Records read from a file are kept as the bytes of
their line, exactly as read (no re-serialisation); records built in memory as compact JSON.
Every file goes to disk through :func:`newsgold.core.jsonio.write_atomic` (or ``write_all``);
an output the user names goes through :func:`write_output` first.
"""
from __future__ import annotations

import json
import os
from array import array
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from newsgold.core import trustcache
from newsgold.core.diagnostics import InputError, Problem
from newsgold.core.jsonio import MAX_RECORD_BYTES, ORJSON, loads, read_json, write_atomic


def decode(raw: str | bytes) -> dict[str, Any]:
    """A stored record: its text was parsed once already and accepted, so orjson gives the same
    value; anything orjson declines goes through ``json``."""
    if ORJSON is not None:
        try:
            value: dict[str, Any] = ORJSON.loads(raw)
            return value
        except ORJSON.JSONDecodeError:
            pass
    parsed: dict[str, Any] = json.loads(raw)
    return parsed


class LazyRecords(Mapping[str, Any]):
    """Records kept as compact JSON text and parsed on each access.

    A large gold or predictions file then takes about its own size in memory instead of
    several times that as Python objects; readers that need every record iterate once and
    drop each record after use. Mutating a returned record changes nothing stored.
    """

    def __init__(self, raw: dict[str, str | bytes], texts: dict[str, str] | None = None, spans: Mapping[str, Any] | None = None,
                 vocab: list[str] | None = None):
        self._raw = raw
        self._texts = texts
        self.spans = spans or {}      # doc id -> array('q') of start, end, label id triples (entities)
        self.vocab = vocab or []      # label id -> label
        self.layers: dict[str, frozenset[Any]] | None = None   # doc id -> layers its record carries (predictions)
        self.top_keys: set[str] | None = None   # top-level keys of any record, when the reader noted them

    def __getitem__(self, key: str) -> dict[str, Any]:
        return decode(self._raw[key])

    def __iter__(self) -> Iterator[str]:
        return iter(self._raw)

    def __len__(self) -> int:
        return len(self._raw)

    def __contains__(self, key: object) -> bool:
        return key in self._raw

    def raw(self, key: str) -> str | bytes:
        """The stored JSON text of a record, for a reader that decodes only the fields it needs."""
        return self._raw[key]

    def text(self, key: str) -> str:
        return self._texts[key] if self._texts is not None else self[key]["text"]


class FileRecords(LazyRecords):
    """Records of a file that was checked before, kept as where their line is (offset, length)
    instead of its bytes: a large gold costs its texts and packed spans in memory, not its size.

    A record is read again (``os.pread`` on a descriptor held open) only when a view asks for it
    (quotes, stance, errors, document level). The descriptor keeps the file that was read, even
    if a new one is renamed over it; a file changed in place since (another size, inode or
    modification time) is an error, never a silently different record.
    """

    def __init__(self, path: Path, fd: int, where: dict[str, tuple[int, int]], texts: dict[str, str],
                 spans: Mapping[str, Any] | None = None, vocab: list[str] | None = None):
        super().__init__({}, texts, spans, vocab)
        self._where = where
        self._path, self._fd = path, fd
        self._stat = _identity(os.fstat(fd))
        import weakref
        weakref.finalize(self, os.close, fd)

    def __getitem__(self, key: str) -> dict[str, Any]:
        return decode(self.raw(key))

    def __iter__(self) -> Iterator[str]:
        return iter(self._where)

    def __len__(self) -> int:
        return len(self._where)

    def __contains__(self, key: object) -> bool:
        return key in self._where

    def raw(self, key: str) -> bytes:
        offset, length = self._where[key]
        data = os.pread(self._fd, length, offset)
        if len(data) != length or _identity(os.fstat(self._fd)) != self._stat:
            raise InputError(Problem(str(self._path), 0, "", "the file changed while it was being scored; run again", "file-changed"))
        return data


def _identity(st: os.stat_result) -> tuple[int, int, int, int]:
    return st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns


def compact(rec: dict[str, Any]) -> str:
    return json.dumps(rec, ensure_ascii=False, separators=(",", ":"))


class PackedSpans(Mapping[str, "array[int]"]):
    """Entity spans of every document in three corpus-wide int64 columns (start, end, label id),
    each document a run of rows. Read as a mapping it gives a document's spans as (start, end,
    label id) triples, as before; :meth:`gather` gives the rows of many documents at once, as
    numpy columns, without a Python step per document."""

    def __init__(self, starts: array[int], ends: array[int], labels: array[int], where: dict[str, tuple[int, int]]):
        self._cols = (starts, ends, labels)
        self._where = where

    def __getitem__(self, doc_id: str) -> array[int]:
        first, n = self._where[doc_id]
        out = array("q", bytes(24 * n))
        for i, col in enumerate(self._cols):
            out[i::3] = col[first:first + n]
        return out

    def __iter__(self) -> Iterator[str]:
        return iter(self._where)

    def __len__(self) -> int:
        return len(self._where)

    def __contains__(self, doc_id: object) -> bool:
        return doc_id in self._where

    def columns(self) -> tuple[tuple[array[int], array[int], array[int]], dict[str, tuple[int, int]]]:
        """The three columns and, by document, its first row and number of rows (for the span cache)."""
        return self._cols, self._where

    def gather(self, ids: Sequence[str]) -> tuple[Any, Any, Any, Any]:
        """(document index into ``ids``, start, end, label id) of the spans of every document of
        ``ids`` that has them, in the order of ``ids`` and of the spans."""
        import numpy as np
        found = [(k, *self._where[d]) for k, d in enumerate(ids) if d in self._where]
        ks = np.array([f[0] for f in found], dtype=np.int64)
        firsts = np.array([f[1] for f in found], dtype=np.int64)
        counts = np.array([f[2] for f in found], dtype=np.int64)
        total = int(counts.sum())
        rows = np.repeat(firsts - (np.cumsum(counts) - counts), counts) + np.arange(total, dtype=np.int64)
        cols = [np.frombuffer(c, dtype=np.int64)[rows] if len(c) else np.zeros(0, dtype=np.int64) for c in self._cols]
        return np.repeat(ks, counts), cols[0], cols[1], cols[2]


class SpanPacker:
    """Packs entity spans as int64 columns (start, end, label id) while a file is read, so that
    scoring never has to parse the records again (:class:`PackedSpans`)."""

    def __init__(self) -> None:
        self.vocab: list[str] = []
        self._ids: dict[str, int] = {}
        self._cols = (array("q"), array("q"), array("q"))
        self._where: dict[str, tuple[int, int]] = {}

    @property
    def spans(self) -> PackedSpans:
        return PackedSpans(*self._cols, self._where)

    def add_columns(self, doc_id: str, starts: Sequence[int], ends: Sequence[int], labels: Sequence[str]) -> None:
        """Spans given as checked columns (int offsets, str labels)."""
        ids = self._ids
        try:
            label_ids = list(map(ids.__getitem__, labels))
        except KeyError:                          # a label not seen yet: new ids in first-appearance order, as add() gives
            for lab in dict.fromkeys(labels):
                if lab not in ids:
                    ids[lab] = len(self.vocab)
                    self.vocab.append(lab)
            label_ids = list(map(ids.__getitem__, labels))
        self._where[doc_id] = (len(self._cols[0]), len(starts))
        for col, values in zip(self._cols, (starts, ends, label_ids)):
            col.fromlist(values if type(values) is list else list(values))   # fromlist: about twice extend's speed

    def add(self, doc_id: str, items: Iterable[Any] | None) -> None:
        if not isinstance(items, list):
            return
        for m in items:
            lab = m.get("label") if isinstance(m, dict) else None
            if not (isinstance(lab, str) and isinstance(m.get("start"), int) and isinstance(m.get("end"), int)):
                return  # malformed: the checks report it; scoring will parse the record
        self.add_columns(doc_id, [m["start"] for m in items], [m["end"] for m in items], [m["label"] for m in items])


# ---------------------------------------------------------------- outputs the user named

def write_output(path: str | Path, data: str | bytes, force: bool = False, system: str | None = None) -> Path:
    """An output the user named (``--out``, ``-o``): written by :func:`write_atomic`, but an existing
    file is replaced only with ``force``, when it already holds exactly these bytes, when newsgold
    wrote it and nobody changed it since (:func:`newsgold.core.trustcache.written_here`), or when it
    is an earlier output of the same ``system`` (predictions or provenance naming it: a baseline
    regenerated). Anything else (an input, a hand-edited result, another program's file) stops with
    exit 1 and says so."""
    payload = data.encode("utf-8") if isinstance(data, str) else data
    target = Path(os.path.realpath(path))
    if target.is_file() and not force and not trustcache.written_here(target) and not _holds(target, payload) \
            and not (system is not None and _output_of(target, system)):
        raise InputError(Problem(str(path), 0, "", "the file exists and was not written by newsgold (or was changed since): "
                                 "pass --force to replace it", "overwrite"))
    written = write_atomic(target, payload)
    trustcache.note_written(written, payload)
    return written


def _output_of(path: Path, system: str) -> bool:
    """Whether the file is a predictions (first line) or provenance (whole) file of ``system``."""
    try:
        with open(path, "rb") as fh:
            first = fh.readline(MAX_RECORD_BYTES + 1)
        value = loads(first.decode("utf-8")) if first.strip() not in (b"{", b"") else read_json(path)[0]
    except (OSError, ValueError):
        return False
    return isinstance(value, dict) and value.get("system") == system


def _holds(path: Path, payload: bytes) -> bool:
    try:
        return path.stat().st_size == len(payload) and path.read_bytes() == payload
    except OSError:
        return False
