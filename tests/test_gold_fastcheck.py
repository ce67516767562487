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
from newsgold.core.jsonio import ORJSON, dump_jsonl, fast_reads_differently, loads
from newsgold.core.repository import current
from newsgold.gold.fastcheck import checked_record, clean_entities
from newsgold.gold.rules import check_gold_layers
from test_schema_fast import REPLACEMENTS, mutate, slow_valid

LINES = (current().root / "data" / "documents" / "test.jsonl").read_text(encoding="utf-8").splitlines()
SAMPLE = json.loads(LINES[0])
GOLD_REPLACEMENTS = REPLACEMENTS + [1.0, 0.0, 2 ** 63, 10 ** 19, False, "é\u2028\x01\"\\", {"a": {"b": [1]}}, [[[]]],
                                    "ORG", "body", "NONE", "entity", "topic", "c1", "not an id!", 3.25, -0.0, 1e300,
                                    1234567890123456789, -(2 ** 63) - 1, 2 ** 64, "x1234567890123456789012", "0" * 64]
EXTRA_KEYS = ["extra", "id", "aliases", "cluster", "text", "annotation", "evidence", "publisher", "score",
              "dataset_version", "dataset_hash"]


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
    # lone surrogates (the reader skips its surrogate check for a line the fast path took)
    "lone high surrogate in the text": _with(LINES[0], '"text":"', '"text":"\\ud800'),
    "lone low surrogate in a metadata value": _with(LINES[0], '"metadata":{', '"metadata":{"x":"a\\udc00b",'),
    "lone surrogate in a key": _with(LINES[0], '"metadata":{', '"metadata":{"\\uDBFF":1,'),
    "reversed surrogate pair": _with(LINES[0], '"metadata":{', '"metadata":{"x":"\\udc00\\ud800",'),
    # a duplicate key the key count cannot see: its first writing has a space before the colon
    "duplicate key written spaced": _with(LINES[0], '"metadata":{', '"metadata":{"headline" :"x",'),
    # integers beyond 64 bits in an open key, written as orjson would write an integer
    "integer beyond 64 bits in metadata": _with(LINES[0], '"metadata":{', '"metadata":{"x":18446744073709551616,'),
    "negative integer beyond 64 bits": _with(LINES[0], '"metadata":{', '"metadata":{"x":-9223372036854775809,'),
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


def test_a_line_the_fast_path_takes_holds_no_lone_surrogate():
    """The reader skips its lone-surrogate check for such a line; a valid surrogate pair is a character."""
    for name in [k for k in HOSTILE if "surrogate" in k]:
        assert checked_record(HOSTILE[name]) is None, name
    pair = _with(LINES[0], '"metadata":{', '"metadata":{"x":"\\ud83d\\ude00",')
    got = checked_record(pair)
    assert got is not None and got[0]["metadata"]["x"] == "\U0001F600" and not got[2]   # escaped: not orjson's writing


def test_a_lone_surrogate_is_reported_with_and_without_the_fast_path(tmp_path, monkeypatch):
    """Each line with a lone surrogate gets its one json-surrogate error, the fast path or not."""
    bad = [k for k in HOSTILE if "surrogate" in k]
    path = tmp_path / "gold.jsonl"
    path.write_bytes(b"".join(line.encode() + b"\n" for line in LINES) + b"".join(HOSTILE[k] + b"\n" for k in bad))
    fast = _read(path, True, monkeypatch)
    assert fast == _read(path, False, monkeypatch)
    assert [p.line for p in fast[1] if p.rule == "json-surrogate"] == list(range(len(LINES) + 1, len(LINES) + len(bad) + 1))


DIGITS = st.text("0123456789", min_size=19, max_size=24)


@st.composite
def long_numbers(draw) -> str:
    """A JSON number (``-?int frac? exp?``) one part of which, integer, fraction or exponent, holds
    19 digits or more in a row (the digits of a number are in a row only within one part)."""
    long = draw(st.sampled_from(["int", "frac", "exp"]))
    sign = draw(st.sampled_from(["", "-"]))
    whole = draw(st.sampled_from("123456789")) + draw(DIGITS) if long == "int" else draw(st.sampled_from(["0", "7", "42"]))
    frac = "." + draw(DIGITS) if long == "frac" else draw(st.sampled_from(["", ".5"]))
    exp = (draw(st.sampled_from(["e", "E", "e+", "E-"])) + draw(DIGITS)) if long == "exp" else draw(st.sampled_from(["", "e3", "E-2"]))
    return sign + whole + frac + exp


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_every_number_with_19_digits_in_a_row_is_left_to_the_strict_parser(data):
    """By JSON's grammar a number starts after ``[ : ,`` or whitespace and its digits follow a digit,
    a minus, a point, an exponent's e or its sign: wherever the 19 digits are, the guard sees them."""
    num = data.draw(long_numbers())
    assert json.loads(num) is not None
    before = data.draw(st.sampled_from(['{"a":', '{"a" : ', '{"a":\t', '[', '[ ', '{"a":[1,', '{"a":"1234567890123456789x",\n"b":']))
    raw = (before + num + "]" * before.count("[") + "}" * before.count("{")).encode()
    assert fast_reads_differently(raw)


@pytest.mark.parametrize("raw", [
    b'{"a":"4de9774318983251422891f1fd8"}', b'{"text_sha256":"' + b"0123456789" * 6 + b'abcd"}',
    b'{"a":"x1234567890123456789","b":[1,2]}', b'{"a":1234567890123456789}',   # 19 digits: still 63 bits
])
def test_only_a_digit_run_where_a_number_can_be_leaves_the_fast_path(raw):
    """A 19-digit run inside a string (a sha256 in hex) keeps the fast path (before, any such run sent
    the line away); an integer of 19 digits is still refused by the guard, even one below 2^63."""
    assert fast_reads_differently(raw) == raw.endswith(b"9}")
    assert ORJSON.loads(raw) == json.loads(raw)


def _gold_file(tmp_path: Path, recs: list[dict], end: str = "\n") -> Path:
    path = tmp_path / "gold.jsonl"
    path.write_bytes(b"\n".join(ORJSON.dumps(r) for r in recs) + end.encode())
    return path


@pytest.mark.parametrize("end", ["\n", ""])
def test_a_line_already_canonical_is_hashed_as_it_stands_and_only_then(tmp_path, monkeypatch, end):
    """Lines written by orjson without a version stamp are their own canonical line; one with a stamp,
    a float (orjson writes 1.5e-7, json 1.5e-07) or no final line break is not: the content hash must be
    the reference :func:`content_hash` of the records either way, and equal without the fast path."""
    recs = sorted((json.loads(line) for line in LINES), key=lambda r: r["id"])   # in id order: hashed as read
    for r in recs:
        r["metadata"] = {k: v for k, v in r["metadata"].items() if k not in ("dataset_version", "dataset_hash")}
    stamped, floated = copy.deepcopy(recs[0]), copy.deepcopy(recs[1])
    stamped["id"], floated["id"] = "zz-stamped", "zz-floated"
    stamped["metadata"]["dataset_version"] = "9.9"
    floated["metadata"]["score"] = 1.5e-7
    path = _gold_file(tmp_path, [*recs, floated, stamped, {**recs[0], "id": "zzz-last"}], end)
    assert all(checked_record(line)[2] for line in path.read_bytes().splitlines())   # all orjson's writing
    fast, slow = _read(path, True, monkeypatch), _read(path, False, monkeypatch)
    assert fast == slow and not fast[1]
    records, _, chash, _ = R.read_gold_jsonl(path)
    assert list(records) == [json.loads(line)["id"] for line in path.read_bytes().splitlines()]
    assert chash == R.content_hash(records.values())
