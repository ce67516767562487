"""A one-pass "certainly fine" test for the common predictions record, entities only.

Most predictions lines are plain: ``doc_id``, perhaps ``system``, and a list of entities with
integer offsets, a known label and perhaps the span text. For such a line this module decides,
column-wise and in a few C-speed passes, that the full checks would find **nothing**: the JSON
Schema (Draft 2020-12, :mod:`newsgold.core.schema`) would accept it and
:func:`newsgold.gold.rules.check_prediction` would report no problem, not even a warning.
Any doubt answers False, and the caller then runs the full checks, which give every message.
So this can only make reading faster, never change a verdict; ``tests/test_schema_fast.py``
checks on mutants that a record this accepts is one the schema accepts.
"""
from __future__ import annotations

import re
from operator import le, lt
from typing import Any

from newsgold.core.schema import load_schema_file

_ID = re.compile(load_schema_file("common.schema.json")["$defs"]["id"]["pattern"])  # same regex, same engine as jsonschema
RECORD_KEYS = frozenset({"doc_id", "system", "entities"})
ENTITY_KEYS = frozenset({"start", "end", "text", "label", "cluster", "score"})
_PLAIN = frozenset({"start", "end", "text", "label"})


def plain_record(rec: dict[str, Any], n_colons: int) -> bool:
    """True when ``rec`` has only the keys of a plain record, no duplicate key, and the types of
    ``doc_id``, ``system``, ``cluster`` and ``score`` the schema asks for. Together with
    :func:`clean_entities` (offsets, labels, texts) the record then certainly passes the schema.

    ``n_colons`` is the count of ``":`` in its line (:func:`newsgold.core.jsonio.loads_fast`):
    the record has no duplicate key when its number of keys equals it.
    """
    if not rec.keys() <= RECORD_KEYS:
        return False
    doc_id = rec.get("doc_id")
    if type(doc_id) is not str or not _ID.search(doc_id):
        return False
    if "system" in rec and type(rec["system"]) is not str:
        return False
    ents = rec.get("entities", [])
    if type(ents) is not list:
        return False
    if ents:
        if not all(type(e) is dict for e in ents):
            return False
        keys = set().union(*ents)
        if not keys <= ENTITY_KEYS or not _typed_extras(ents, keys):
            return False
        if n_colons != len(rec) + sum(map(len, ents)):
            return False
    elif n_colons != len(rec):
        return False
    return True


def _typed_extras(ents: list[dict[str, Any]], keys: set[Any]) -> bool:
    """Types of the rarer keys (cluster, score); start/end/label/text are checked by :func:`clean_entities`."""
    if keys <= _PLAIN:
        return True
    for e in ents:
        if "cluster" in e and type(e["cluster"]) is not str:
            return False
        if "score" in e and type(e["score"]) not in (int, float):
            return False
    return True


Columns = tuple[list[int], list[int], list[str]]


def clean_entities(ents: list[dict[str, Any]], text: str, labels: frozenset[str]) -> Columns | None:
    """The entities of a :func:`plain_record` as columns (starts, ends, labels) when every one
    has int offsets ``0 <= start < end <= len(text)``, a label in ``labels`` (non-empty strings),
    a ``text`` (if given) equal to the slice, and no two spans overlap or repeat: then the schema
    and ``check_prediction`` find nothing. None otherwise."""
    if not ents:
        return [], [], []
    try:
        starts = [e["start"] for e in ents]
        ends = [e["end"] for e in ents]
        labs = [e["label"] for e in ents]
        if set(map(type, starts)) != {int} or set(map(type, ends)) != {int} or not set(labs) <= labels:
            return None
    except (KeyError, TypeError):   # a missing key, an unhashable label
        return None
    if min(starts) < 0 or max(ends) > len(text) or not all(map(lt, starts, ends)):
        return None
    slices = [text[s:e] for s, e in zip(starts, ends)]
    if [e.get("text", sl) for e, sl in zip(ents, slices)] != slices:
        return None
    s_sorted, e_sorted = starts, ends
    if not all(map(le, starts, starts[1:])):
        pairs = sorted(zip(starts, ends))
        s_sorted, e_sorted = [p[0] for p in pairs], [p[1] for p in pairs]
    # sorted by start, each span ending at or before the next one starts: no overlap, no repeat
    return (starts, ends, labs) if all(map(le, e_sorted, s_sorted[1:])) else None
