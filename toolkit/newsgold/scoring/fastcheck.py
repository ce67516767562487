"""A one-pass "certainly fine" test for the common predictions record, entities only, at parse speed.

Most predictions lines are plain: ``doc_id``, perhaps ``system``, and a list of entities with
integer offsets, a known label and perhaps the span text. Such a line is decoded by msgspec
straight into typed records (:class:`Record`) that say what ``schema/predictions.schema.json``
says of it: no key but these (``forbid_unknown_fields``), the id pattern (the same regex, searched
the same way as jsonschema does), integer offsets (msgspec refuses a bool, and a float even when
it is 1.0, which the schema would accept: such a line simply takes the full checks), string labels,
texts and clusters, a number (not a bool) for a score. msgspec also refuses what the strict parser
(:func:`newsgold.core.jsonio.loads`) refuses or reads differently: NaN, infinite numbers, lone
surrogates, invalid UTF-8, control characters, trailing data. What it does not refuse is checked
here: **duplicate keys** (msgspec keeps the last; see :func:`_no_duplicate_key`) and integers
beyond 64 bits (an offset that large can never pass :func:`clean_columns`; a score that large
sends the line to the strict parser).

:func:`clean_columns` then decides, column-wise, that the full checks would find **nothing**:
the JSON Schema (Draft 2020-12, :mod:`newsgold.core.schema`) would accept the record and
:func:`newsgold.gold.rules.check_prediction` would report no problem, not even a warning.
Any doubt answers None, and the caller then runs the full checks, which give every message.
So this can only make reading faster, never change a verdict; ``tests/test_schema_fast.py``
checks on mutants that a line this accepts is one the full checks pass.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from operator import le, lt
from typing import Annotated, Any, NamedTuple

import msgspec
from msgspec import UNSET, Meta, Struct, UnsetType
from msgspec.structs import astuple

from newsgold.core.jsonio import has_long_number
from newsgold.core.schema import load_schema_file

Id = Annotated[str, Meta(pattern=load_schema_file("common.schema.json")["$defs"]["id"]["pattern"])]


class Entity(Struct, forbid_unknown_fields=True, gc=False):
    """A plain predicted entity: the common form, decoded first."""
    start: int
    end: int
    label: str
    text: str | UnsetType = UNSET


class ScoredEntity(Struct, forbid_unknown_fields=True, gc=False):
    """A predicted entity that may also carry a cluster or a score (decoded when :class:`Entity` declines)."""
    start: int
    end: int
    label: str
    text: str | UnsetType = UNSET
    cluster: str | UnsetType = UNSET
    score: float | UnsetType = UNSET     # msgspec takes an int for a float, never a bool: the schema's "number"


class Record(Struct, forbid_unknown_fields=True, gc=False):
    doc_id: Id
    system: str | UnsetType = UNSET
    entities: list[Entity] | UnsetType = UNSET


class ScoredRecord(Struct, forbid_unknown_fields=True, gc=False):
    doc_id: Id
    system: str | UnsetType = UNSET
    entities: list[ScoredEntity] | UnsetType = UNSET


_PLAIN = msgspec.json.Decoder(Record)
_SCORED = msgspec.json.Decoder(ScoredRecord)
_SPACED_KEY = re.compile(rb'"[ \t\r\n]+:')     # a key not written as "key":
_WITH_ENTITIES = frozenset({"entities"})
_NO_LAYER: frozenset[str] = frozenset()

Columns = tuple[Sequence[int], Sequence[int], Sequence[str]]


class Plain(NamedTuple):
    """A plain line's record as columns (tuples, one per field of its entities): what
    :func:`clean_columns` checks and the span packer stores."""
    doc_id: str
    layers: frozenset[str]
    starts: tuple[int, ...]
    ends: tuple[int, ...]
    labels: tuple[str, ...]
    texts: tuple[str | UnsetType, ...]
    untexted: int                         # entities without a text


def plain_line(raw: bytes) -> Plain | None:
    """The record of a JSON Lines line as :class:`Plain` columns when it is plain, typed as the
    schema asks and free of duplicate keys, so that the strict parser reads the same; else None."""
    try:
        rec: Record | ScoredRecord = _PLAIN.decode(raw)
    except msgspec.DecodeError:
        try:
            rec = _SCORED.decode(raw)
        except msgspec.DecodeError:       # ValidationError included: a key, type or pattern the plain form has not
            return None
        if has_long_number(raw):          # a score beyond 64 bits: the strict parser refuses it, msgspec does not
            return None
    ents = rec.entities
    # one tuple per field, in the order of the Struct's fields (astuple); cluster and score for ScoredEntity only
    columns: list[tuple[Any, ...]] = list(zip(*map(astuple, ents))) if ents else [()] * 4   # UNSET is falsy
    starts, ends, labels, texts = columns[:4]
    untexted = texts.count(UNSET)
    keys = 1 + (rec.system is not UNSET) + (ents is not UNSET) + 4 * len(starts) - untexted
    keys += sum(len(col) - col.count(UNSET) for col in columns[4:])
    if not _no_duplicate_key(raw, keys):
        return None
    return Plain(rec.doc_id, _NO_LAYER if ents is UNSET else _WITH_ENTITIES, starts, ends, labels, texts, untexted)


def _no_duplicate_key(raw: bytes, keys: int) -> bool:
    """Whether the line has exactly ``keys`` keys, the number the typed record holds (msgspec keeps
    the last of two equal keys silently). Every key is followed by one ``:``, so the count of ``:``
    is at least the number of keys written, and equal to ``keys`` only when none repeats (and no
    string holds a colon). Failing that, every key written ``"key":`` (no space before the colon)
    makes the count of ``":`` at least the number of keys written, as :func:`loads_fast` counts."""
    if raw.count(b":") == keys:
        return True
    return raw.count(b'":') == keys and not _SPACED_KEY.search(raw)


def clean_columns(rec: Plain, text: str, labels: frozenset[str]) -> Columns | None:
    """The entities of a :func:`plain_line` as columns (starts, ends, labels) when every one has
    offsets ``0 <= start < end <= len(text)`` (so no integer beyond 64 bits either), a label in
    ``labels`` (non-empty strings), a ``text`` (if given) equal to the slice, and no two spans
    overlap or repeat: then the schema and ``check_prediction`` find nothing. None otherwise."""
    starts, ends, labs = rec.starts, rec.ends, rec.labels
    if not starts:
        return starts, ends, labs
    if min(starts) < 0 or max(ends) > len(text) or not all(map(lt, starts, ends)) or not labels.issuperset(labs):
        return None
    slices = tuple([text[s:e] for s, e in zip(starts, ends)])
    texts = rec.texts
    if rec.untexted:
        texts = tuple([sl if t is UNSET else t for t, sl in zip(texts, slices)])
    if texts != slices:
        return None
    s_sorted: Sequence[int] = starts
    e_sorted: Sequence[int] = ends
    if not all(map(le, starts, starts[1:])):
        pairs = sorted(zip(starts, ends))
        s_sorted, e_sorted = [p[0] for p in pairs], [p[1] for p in pairs]
    # sorted by start, each span ending at or before the next one starts: no overlap, no repeat
    return (starts, ends, labs) if all(map(le, e_sorted, s_sorted[1:])) else None
