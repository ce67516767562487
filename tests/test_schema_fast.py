"""The compiled fast check (fastjsonschema) accepts exactly what jsonschema accepts.

Records are taken from the shipped files and mutated at random (a key removed, added or
retyped, a value replaced); for every mutant the two validators must agree, so the fast path
can never let through a record the schema rejects, nor reject a valid one.
"""
import copy
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsgold.core import schema
from newsgold.core.repository import current

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
    rec = mutate(data, copy.deepcopy(rec), REPLACEMENTS, ["extra", "score", "text", "id"])
    assert fast_valid(kind, rec) == slow_valid(kind, rec)


def mutate(data, rec: dict, replacements: list, extra_keys: list[str], shift: bool = False) -> dict:
    """One to three random edits of ``rec`` in place: replace, delete or add a value anywhere below
    the root (and, with ``shift``, move an integer by a few units)."""
    actions = ["replace", "delete", "add", *(["shift"] if shift else [])]
    for _ in range(data.draw(st.integers(1, 3))):
        path = data.draw(st.sampled_from(list(paths_of(rec))[1:]))
        parent = rec
        for part in path[:-1]:
            parent = parent[part]
        action = data.draw(st.sampled_from(actions))
        if action == "replace":
            parent[path[-1]] = copy.deepcopy(data.draw(st.sampled_from(replacements)))
        elif action == "delete":
            del parent[path[-1]]
        elif action == "shift" and isinstance(parent, dict) and isinstance(parent.get(path[-1]), int):
            parent[path[-1]] += data.draw(st.sampled_from([-3, -1, 1, 2, 10_000]))
        elif isinstance(parent, dict):
            parent[data.draw(st.sampled_from(extra_keys))] = copy.deepcopy(data.draw(st.sampled_from(replacements)))
    return rec


# ---------------------------------------------------------------- the one-pass check of plain predictions lines
# (newsgold.scoring.fastcheck): a line it accepts must be one the schema accepts and the rules find nothing in,
# and its fast decoding must equal the strict parse; a line it declines goes through the full checks anyway.

from newsgold.core.jsonio import loads_fast  # noqa: E402
from newsgold.core.schema import ENTITY_LABELS  # noqa: E402
from newsgold.gold.rules import check_prediction  # noqa: E402
from newsgold.scoring.fastcheck import clean_entities, plain_record  # noqa: E402


def _plain_sample():
    first = json.loads((ROOT / "baselines" / "rules.jsonl").read_text(encoding="utf-8").splitlines()[0])
    docs = {json.loads(line)["id"]: json.loads(line)["text"]
            for line in (ROOT / "data" / "documents" / "test.jsonl").read_text(encoding="utf-8").splitlines()}
    text = docs[first["doc_id"]]
    ents, last_end = [], -1
    for e in first["entities"]:            # the sample must be clean: drop overlapping spans
        if e["start"] >= last_end:
            ents.append(e)
            last_end = e["end"]
    return {"doc_id": first["doc_id"], "system": first["system"], "entities": ents[:6]}, text


PLAIN, PLAIN_TEXT = _plain_sample()
LABELS = frozenset(ENTITY_LABELS)


def fast_accepts(raw: bytes) -> bool:
    got = loads_fast(raw)
    return got is not None and plain_record(*got) and clean_entities(got[0].get("entities", []), PLAIN_TEXT, LABELS) is not None


def full_finds_nothing(rec) -> bool:
    return slow_valid("predictions", rec) and not check_prediction(rec, PLAIN_TEXT, "f", lambda p: 1)


def test_plain_sample_takes_the_fast_path():
    raw = json.dumps(PLAIN, separators=(",", ":")).encode()
    assert fast_accepts(raw) and full_finds_nothing(PLAIN)
    assert loads_fast(raw)[0] == json.loads(raw)


PLAIN_REPLACEMENTS = REPLACEMENTS + [10 ** 19, 2 ** 63, -5, 0.0, 3.0, "ORG", "GPE", {"a": 1}, [{"start": 0, "end": 1, "label": "ORG"}]]


@settings(max_examples=400, deadline=None)
@given(st.data())
def test_fast_path_accepts_only_what_the_full_checks_pass(data):
    keys = ["extra", "score", "text", "cluster", "quotes", "label", "start"]
    rec = mutate(data, copy.deepcopy(PLAIN), PLAIN_REPLACEMENTS, keys, shift=True)
    raw = json.dumps(rec, separators=data.draw(st.sampled_from([(",", ":"), (", ", ": "), (",", " :")]))).encode()
    if fast_accepts(raw):
        assert full_finds_nothing(rec)
        assert loads_fast(raw)[0] == json.loads(raw)


@pytest.mark.parametrize("raw", [
    b'{"doc_id":"a","doc_id":"b","entities":[]}',                                  # duplicate key
    b'{"doc_id":"a","entities":[{"start":1,"start":2,"end":3,"label":"ORG"}]}',  # duplicate key in an entity
    b'{"doc_id":"a","entities":[{"start":9223372036854775808,"end":3,"label":"ORG"}]}',  # beyond 64 bits
    b'{"doc_id":"a","system":"say \\":\\"","entities":[]}',                     # a key-like text inside a string
    b'{"doc_id" :"a","entities":[]}',                                           # a spaced key
    b'{"doc_id":NaN}',
    b'{"doc_id":"\\ud800"}',                                                    # a lone surrogate
])
def test_lines_the_fast_decoder_leaves_to_the_strict_parser(raw):
    got = loads_fast(raw)
    assert got is None or not plain_record(*got)
