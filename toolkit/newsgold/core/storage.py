"""Records held as their JSON text, and entity spans packed while a file is read.

A large gold or predictions file then costs about its own size in memory, and scoring never
has to parse the records a second time. Records read from a file are kept as the bytes of
their line, exactly as read (no re-serialisation); records built in memory as compact JSON.
"""
from __future__ import annotations

import json
from array import array
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from newsgold.core.jsonio import ORJSON


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

    def __init__(self, raw: dict[str, str | bytes], texts: dict[str, str] | None = None, spans: dict[str, Any] | None = None,
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


def compact(rec: dict[str, Any]) -> str:
    return json.dumps(rec, ensure_ascii=False, separators=(",", ":"))


class SpanPacker:
    """Packs entity spans as int64 triples (start, end, label id) while a file is read, so that
    scoring never has to parse the records again."""

    def __init__(self) -> None:
        self.vocab: list[str] = []
        self._ids: dict[str, int] = {}
        self.spans: dict[str, array[int]] = {}

    def add_valid(self, doc_id: str, items: list[Any]) -> None:
        """Like :meth:`add` for spans a schema has already checked (int offsets, str labels)."""
        self.add_columns(doc_id, [m["start"] for m in items], [m["end"] for m in items], [m["label"] for m in items])

    def add_columns(self, doc_id: str, starts: list[int], ends: list[int], labels: list[str]) -> None:
        """Spans given as checked columns (int offsets, str labels)."""
        ids = self._ids
        for lab in dict.fromkeys(labels):        # first-appearance order, as add() gives
            if lab not in ids:
                ids[lab] = len(self.vocab)
                self.vocab.append(lab)
        packed = [0] * (3 * len(starts))
        packed[0::3], packed[1::3], packed[2::3] = starts, ends, [ids[lab] for lab in labels]
        self.spans[doc_id] = array("q", packed)

    def add(self, doc_id: str, items: Iterable[Any] | None) -> None:
        if not isinstance(items, list):
            return
        packed = array("q")
        for m in items:
            lab = m.get("label") if isinstance(m, dict) else None
            if not (isinstance(lab, str) and isinstance(m.get("start"), int) and isinstance(m.get("end"), int)):
                return  # malformed: the checks report it; scoring will parse the record
            i = self._ids.get(lab)
            if i is None:
                i = self._ids[lab] = len(self.vocab)
                self.vocab.append(lab)
            packed.extend((m["start"], m["end"], i))
        self.spans[doc_id] = packed
