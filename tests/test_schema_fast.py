"""The compiled fast check (fastjsonschema) accepts exactly what jsonschema accepts.

Records are taken from the shipped files and mutated at random (a key removed, added or
retyped, a value replaced); for every mutant the two validators must agree, so the fast path
can never let through a record the schema rejects, nor reject a valid one.
"""
import copy
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsgold.core import schema
from newsgold.repository import current  # noqa: E402

ROOT = current().root   # NEWSGOLD_HOME, when set, points the data tests at another copy


def samples():
    out = []
    for p in sorted((ROOT / "annotations" / "gold").glob("*.json")):
        out.append(("annotation", json.loads(p.read_text(encoding="utf-8"))))
    for line in (ROOT / "data" / "documents" / "test.jsonl").read_text(encoding="utf-8").splitlines()[:1]:
        out.append(("gold", json.loads(line)))
    for line in (ROOT / "baselines" / "rules.jsonl").read_text(encoding="utf-8").splitlines()[:1]:
        out.append(("predictions", json.loads(line)))
    out.append(("manifest", json.loads((ROOT / "seeds" / "manifest.json").read_text(encoding="utf-8"))))
    return out


SAMPLES = samples()
# replacement values are deep-copied on use: a shared list or dict mutated by a later step would
# leak state between examples (and could even end up inside itself)
REPLACEMENTS = [None, 0, -1, 1.5, True, "", "x", "FAVOR", "PERSON", [], [1], {}, {"start": 0}, "direct"]


def paths_of(node, prefix=()):
    yield prefix
    if isinstance(node, dict):
        for k, v in node.items():
            yield from paths_of(v, prefix + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node[:3]):
            yield from paths_of(v, prefix + (i,))


def slow_valid(kind, rec):
    return not any(True for _ in schema.validator(kind).iter_errors(rec))


def fast_valid(kind, rec):
    from fastjsonschema import JsonSchemaException
    try:
        schema.fast_validator(kind)(rec)
        return True
    except JsonSchemaException:
        return False


@pytest.mark.parametrize("kind,rec", SAMPLES, ids=[k for k, _ in SAMPLES])
def test_shipped_records_pass_both(kind, rec):
    assert slow_valid(kind, rec) and fast_valid(kind, rec)


@settings(max_examples=400, deadline=None)
@given(st.data())
def test_fast_and_full_validators_agree_on_mutants(data):
    kind, rec = data.draw(st.sampled_from(SAMPLES))
    rec = copy.deepcopy(rec)
    for _ in range(data.draw(st.integers(1, 3))):
        paths = list(paths_of(rec))
        path = data.draw(st.sampled_from(paths[1:]))
        parent = rec
        for part in path[:-1]:
            parent = parent[part]
        action = data.draw(st.sampled_from(["replace", "delete", "add"]))
        if action == "replace":
            parent[path[-1]] = copy.deepcopy(data.draw(st.sampled_from(REPLACEMENTS)))
        elif action == "delete":
            del parent[path[-1]]
        elif isinstance(parent, dict):
            parent[data.draw(st.sampled_from(["extra", "score", "text", "id"]))] = copy.deepcopy(data.draw(st.sampled_from(REPLACEMENTS)))
        if not isinstance(rec, dict):
            break
    assert fast_valid(kind, rec) == slow_valid(kind, rec)
