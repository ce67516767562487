"""The typed one-pass check of gold lines (newsgold.gold.fastcheck) accepts only what the strict
parser, the JSON Schema and the rules accept, and reading a gold with it gives exactly what
reading it without it gives (records, problems, hashes).

Records are the shipped gold's, mutated at random (a key removed, added or retyped, a value
replaced, an offset shifted, written with other separators); the peer for every verdict is the
strict parser plus jsonschema plus the rules, run in the test.
"""
from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import newsgold.gold.read as R
from newsgold.core.jsonio import dump_jsonl, loads
from newsgold.core.repository import current
from newsgold.gold.fastcheck import checked_record, clean_entities
from newsgold.gold.rules import check_gold_layers
from test_schema_fast import REPLACEMENTS, mutate, slow_valid

LINES = (current().root / "data" / "documents" / "test.jsonl").read_text(encoding="utf-8").splitlines()
SAMPLE = json.loads(LINES[0])
GOLD_REPLACEMENTS = REPLACEMENTS + [1.0, 0.0, 2 ** 63, 10 ** 19, False, "é\u2028\x01\"\\", {"a": {"b": [1]}}, [[[]]],
                                    "ORG", "body", "NONE", "entity", "topic", "c1", "not an id!", 3.25, -0.0, 1e300]
EXTRA_KEYS = ["extra", "id", "aliases", "cluster", "text", "annotation", "evidence", "publisher", "score"]


def strict_accepts(raw: bytes) -> bool:
    """The peer: the strict parser, the schema and the rules find nothing in the record."""
    try:
        rec = loads(raw.decode("utf-8"))
    except ValueError:
        return False
    return isinstance(rec, dict) and slow_valid("gold", rec)


def test_shipped_lines_take_the_fast_path():
    for line in LINES:
        raw = line.encode("utf-8")
        got = checked_record(raw)
        assert got is not None and got[0] == loads(line)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_fast_path_accepts_only_what_the_strict_reader_and_schema_accept(data):
    rec = mutate(data, copy.deepcopy(SAMPLE), GOLD_REPLACEMENTS, EXTRA_KEYS, shift=True)
    raw = json.dumps(rec, ensure_ascii=data.draw(st.booleans()),
                     separators=data.draw(st.sampled_from([(",", ":"), (", ", ": "), (",", " :")]))).encode()
    got = checked_record(raw)
    if got is not None:
        assert strict_accepts(raw)
        assert got[0] == loads(raw.decode("utf-8"))
        # the canonical line written by orjson is json's, byte for byte, unless the record holds a float
        if not got[1]:
            assert R._canonical_line(got[0], fast=True) == R._canonical_line(got[0])
        # entities the fast check calls clean give no problem at all in the full rules
        text = got[0]["text"]
        cluster_type = clean_entities(got[0]["entities"], text)
        if cluster_type is not None:
            full = check_gold_layers(got[0], text, "f", lambda p: 1)
            assert full == check_gold_layers(got[0], text, "f", lambda p: 1, cluster_type)
            assert not [p for p in full if p.path.startswith("entities")]


def _with(raw_sample: str, old: str, new: str) -> bytes:
    assert old in raw_sample
    return raw_sample.replace(old, new, 1).encode("utf-8")


M = json.dumps(SAMPLE["entities"]["mentions"][0], separators=(",", ":"), ensure_ascii=False)
END = SAMPLE["entities"]["mentions"][0]["end"]
HOSTILE = {
    "duplicate top-level key": _with(LINES[0], '{"id":', '{"id":"x","id":'),
    "duplicate key in a mention": _with(LINES[0], M, M[:-1] + ',"start":0}'),
    "float offset": _with(LINES[0], M, M.replace(f'"end":{END}', f'"end":{END}.0')),
    "bool offset": _with(LINES[0], M, M.replace(f'"end":{END}', '"end":true')),
    "integer beyond 64 bits": _with(LINES[0], M, M.replace(f'"end":{END}', '"end":99999999999999999999')),
    "NaN in metadata": _with(LINES[0], '"metadata":{', '"metadata":{"x":NaN,'),
    "deep nesting in metadata": _with(LINES[0], '"metadata":{', '"metadata":{"x":' + "[" * 150 + "]" * 150 + ","),
    "unknown key in a mention": _with(LINES[0], M, M[:-1] + ',"note":"x"}'),
    "label outside the enum": _with(LINES[0], M, M.replace('"label":"', '"label":"X', 1)),
}


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_lines_are_left_to_the_strict_reader(name):
    assert checked_record(HOSTILE[name]) is None


def _read(path: Path, fast: bool, monkeypatch) -> tuple:
    with monkeypatch.context() as m:
        if not fast:
            m.setattr(R, "checked_record", lambda raw: None)
        records, problems, chash, fhash = R.read_gold_jsonl(path)
    return dict(records.items()), problems, chash, fhash, records.spans, records.vocab


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_reading_a_gold_with_and_without_the_fast_path_gives_the_same(tmp_path_factory, monkeypatch, data):
    lines = list(LINES)
    for i in data.draw(st.lists(st.integers(0, len(lines) - 1), max_size=2)):
        lines[i] = json.dumps(mutate(data, json.loads(lines[i]), GOLD_REPLACEMENTS, EXTRA_KEYS, shift=True), ensure_ascii=False)
    lines += [HOSTILE[k].decode() for k in data.draw(st.lists(st.sampled_from(list(HOSTILE)), max_size=2))]
    path = tmp_path_factory.mktemp("gold") / "gold.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert _read(path, True, monkeypatch) == _read(path, False, monkeypatch)


def test_canonical_line_by_orjson_equals_json_on_the_shipped_gold():
    for line in LINES:
        rec = loads(line)
        assert R._canonical_line(rec, fast=True) == R._canonical_line(rec) == dump_jsonl([{
            **rec, "metadata": {k: v for k, v in rec["metadata"].items() if k not in ("dataset_version", "dataset_hash")}}]).encode()
