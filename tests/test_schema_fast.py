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
# (newsgold.scoring.fastcheck): a line it accepts must be one the strict parser reads without complaint, the
# schema accepts and the rules find nothing in, and its columns must be those of the strict parse; a line it
# declines goes through the full checks anyway.

from newsgold.core.jsonio import loads as strict_loads  # noqa: E402
from newsgold.core.schema import ENTITY_LABELS  # noqa: E402
from newsgold.gold.rules import check_prediction  # noqa: E402
from newsgold.scoring.fastcheck import Plain, clean_columns, typed_line  # noqa: E402


def plain_line(raw: bytes) -> Plain | None:
    """The fast path's reading of a line when it is plain (no quotes, stance or coref key): what these tests judge."""
    got = typed_line(raw)
    return got if isinstance(got, Plain) else None


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
    got = plain_line(raw)
    return got is not None and clean_columns(got, PLAIN_TEXT, LABELS) is not None


def full_finds_nothing(rec) -> bool:
    return slow_valid("predictions", rec) and not check_prediction(rec, PLAIN_TEXT, "f", lambda p: 1)


def same_as_strict(raw: bytes) -> bool:
    """The strict parser reads the line without refusing anything, and the fast columns are its record's."""
    rec = strict_loads(raw.decode("utf-8"))
    got = plain_line(raw)
    ents = rec.get("entities", [])
    return (got.doc_id == rec["doc_id"] and got.layers == frozenset(k for k in ("entities",) if k in rec)
            and clean_columns(got, PLAIN_TEXT, LABELS) == tuple(tuple(e[k] for e in ents) for k in ("start", "end", "label")))


def test_plain_sample_takes_the_fast_path():
    raw = json.dumps(PLAIN, separators=(",", ":")).encode()
    assert fast_accepts(raw) and full_finds_nothing(PLAIN) and same_as_strict(raw)


PLAIN_REPLACEMENTS = REPLACEMENTS + [10 ** 19, 2 ** 63, -5, 0.0, 3.0, "ORG", "GPE", {"a": 1}, [{"start": 0, "end": 1, "label": "ORG"}],
                                     "a:b", 'say ":"', float("nan"), float("inf"), "\ud800"]


@settings(max_examples=400, deadline=None)
@given(st.data())
def test_fast_path_accepts_only_what_the_full_checks_pass(data):
    keys = ["extra", "score", "text", "cluster", "quotes", "label", "start"]
    rec = mutate(data, copy.deepcopy(PLAIN), PLAIN_REPLACEMENTS, keys, shift=True)
    raw = json.dumps(rec, separators=data.draw(st.sampled_from([(",", ":"), (", ", ": "), (",", " :")]))).encode()
    if fast_accepts(raw):
        assert full_finds_nothing(rec)
        assert same_as_strict(raw)


# edits of the JSON text itself, which a dict cannot hold: a repeated key, a number written as the schema
# reads it but the fast decoder may not (1.0, 1e0), values the strict parser refuses, spacing around colons
RAW_EDITS = [
    (b'"start":', b'"start":0,"start":'), (b'"end":', b'"end":1,"end":'), (b'"label":', b'"label":"ORG","label":'),
    (b'"text":', b'"text":"x","text":'), (b'"doc_id":', b'"doc_id":"x","doc_id":'), (b'"system":', b'"system":"s","system":'),
    (b'"entities":', b'"entities":[],"entities":'), (b'"start":', b'"start" :'), (b'"end":', b'"end"\t:'),
    (b'"system":"', b'"system":"say \\":\\" '), (b'"system":"', b'"system":"a:b'), (b'"system":"', b'"system":"\\u003a'),
    (b'"end":', b'"score":9223372036854775808,"end":'), (b'"end":', b'"score":1e400,"end":'), (b'"end":', b'"score":NaN,"end":'),
    (b'"end":', b'"score":true,"end":'), (b'"end":', b'"score":0.5,"end":'), (b'"end":', b'"score":-1,"end":'),
    (b'"end":', b'"cluster":"c:1","end":'), (b'"end":', b'"cluster":null,"end":'), (b'"start":', b'"start":1.0,"x":'),
    (b'"system":"', b'"system":"\\ud800'), (b'"system":"', b'"system":"\\udc00\\ud800'), (b'}]', b'}],}'),
    (b'"doc_id":"', b'"doc_id":"\\n'), (b'{', b'\xef\xbb\xbf{'), (b'"label":"', b'"label":"\\u0000'),
]


def _raw_edit(raw: bytes, data) -> bytes:
    """One to three edits: a listed replacement at a chosen occurrence, or a number rewritten."""
    for _ in range(data.draw(st.integers(1, 3))):
        if data.draw(st.booleans()):
            old, new = data.draw(st.sampled_from(RAW_EDITS))
        else:
            old, new = data.draw(st.sampled_from([b":0,", b":1,", b":2", b":3"])), data.draw(st.sampled_from(
                [b":1.0,", b":1e0,", b":true,", b":-0,", b":00,", b":18446744073709551616,", b":0.5,", b": 1 ,"]))
        at = [i for i in range(len(raw)) if raw.startswith(old, i)]
        if at:
            i = data.draw(st.sampled_from(at))
            raw = raw[:i] + new + raw[i + len(old):]
    return raw


@settings(max_examples=400, deadline=None)
@given(st.data())
def test_fast_path_on_edited_json_text(data):
    rec = copy.deepcopy(PLAIN)
    if data.draw(st.booleans()):
        rec["entities"] = [dict(e, score=0.5) for e in rec["entities"]]
    raw = _raw_edit(json.dumps(rec, ensure_ascii=False, separators=(",", ":")).encode(), data)
    if fast_accepts(raw):
        assert same_as_strict(raw)                       # no repeated key, no refused value: the strict parser agrees
        assert full_finds_nothing(strict_loads(raw.decode("utf-8")))


@pytest.mark.parametrize("raw", [
    b'{"doc_id":"a","doc_id":"b","entities":[]}',                                  # duplicate key
    b'{"doc_id":"a","entities":[{"start":1,"start":2,"end":3,"label":"ORG"}]}',  # duplicate key in an entity
    b'{"doc_id":"a","entities":[{"start":9223372036854775808,"end":3,"label":"ORG"}]}',  # beyond 64 bits
    b'{"doc_id":"a","system":"say \\":\\"","entities":[]}',                     # a key-like text inside a string
    b'{"doc_id":NaN}',
    b'{"doc_id":"\\ud800"}',                                                    # a lone surrogate
    b'{"doc_id":"a","system":"\\ud800"}',
    b'{"doc_id":"a","system":"s","system" :"x\\":"}',                              # a spaced repeat, a colon in a string
    b'{"doc_id":"a","system":"b:","system" :"c"}',                                # a repeat hidden by a colon in a string
    b'{"doc_id":"a","system":"\\u003a","system" :"c"}',                          # ... written as an escape
    b'{"doc_id":"a","entities":[{"start":0,"end":1,"label":"ORG","score":9223372036854775808}]}',  # a score beyond 64 bits
    b'{"doc_id":"a","entities":[{"start":0,"end":1,"label":"ORG","score":true}]}',  # a bool is not a number
    b'{"doc_id":"a","entities":[{"start":0,"end":1,"label":"ORG","score":1e400}]}',
    b'{"doc_id":"a","entities":[{"start":0.0,"end":1,"label":"ORG"}]}',          # the schema takes 0.0: the full checks judge
    b'{"doc_id":"a","entities":[{"start":false,"end":1,"label":"ORG"}]}',
    b'{"doc_id":"a","entities":[{"start":0,"end":1,"label":"ORG","cluster":"c","cluster":"d"}]}',
    b'{"doc_id":"a","entities":[{"start":0,"end":1,"label":"ORG"}],"quotes":[]}',  # another layer
    b'{"doc_id":"a","entities":[{"start":0,"end":1,"label":"ORG","id":"m1"}]}',    # a key predictions do not have
    b'{"doc_id":"","entities":[]}',
    b'["doc_id"]',
    b'{"doc_id":"a"}x',
    b'{"doc_id":"a","entities":[{"start":0,"end":2,"label":"ORG"},{"start":1,"end":3,"label":"ORG"}]}',   # overlapping
    b'{"doc_id":"a","entities":[{"start":1,"end":3,"label":"ORG"},{"start":0,"end":2,"label":"ORG"}]}',   # ... unsorted
    b'{"doc_id":"a","entities":[{"start":0,"end":2,"label":"ORG"},{"start":0,"end":2,"label":"GPE"}]}',   # repeated
    b'{"doc_id":"a","entities":[{"start":0,"end":2,"label":"ORG","text":"xyz"}]}',                        # not the slice
    b'{"doc_id":"a","entities":[{"start":2,"end":2,"label":"ORG"}]}',                                     # empty
    b'{"doc_id":"a","entities":[{"start":-1,"end":2,"label":"ORG"}]}',
    b'{"doc_id":"a","entities":[{"start":0,"end":2,"label":"XYZ"}]}',                                     # unknown label
    b'{"doc_id":"a","entities":[{"start":0,"end":2,"label":""}]}',
    b'{"doc_id":"a","entities":[{"start":0,"end":2}]}',                                                   # no label
])
def test_lines_the_fast_decoder_leaves_to_the_strict_parser(raw):
    assert not fast_accepts(raw.replace(b'"a"', json.dumps(PLAIN["doc_id"]).encode()))


@pytest.mark.parametrize("raw", [
    b'{"doc_id":"a","entities":[{"start":0,"end":1,"label":"ORG"}]}',             # the controls of the cases above
    b'{"doc_id":"a","system":"b:c","entities":[{"start":0,"end":1,"label":"ORG","score":0.5,"cluster":"c:1"}]}',
    b'{"doc_id" : "a" , "entities" : [ { "start" : 0 , "end" : 1 , "label" : "ORG" , "score" : 1 } ] }',
    b'{"doc_id":"a","system":"a:b","entities":[{"start":1,"end":2,"label":"GPE"},{"start":0,"end":1,"label":"ORG"}]}',
    b'{"doc_id" :"a","entities":[]}',                    # a spaced key: the count of colons still equals the keys
    b'{"doc_id":"a\\n","entities":[]}',                  # the id pattern is searched (as jsonschema does): "$" takes a final line break
    b'{"doc_id":"a"}',
    b'{"doc_id":"a","entities":[]}\r\n',
])
def test_lines_the_fast_decoder_takes(raw):
    raw = raw.replace(b'"a"', json.dumps(PLAIN["doc_id"]).encode())
    assert fast_accepts(raw) and same_as_strict(raw) and full_finds_nothing(strict_loads(raw.decode("utf-8")))


# ---------------------------------------------------------------- a whole file read both ways
# read_predictions with the fast path and with it switched off (every line through the strict parser and the
# full checks, the reference) must give the same problems, records, layers and packed spans.

import tempfile  # noqa: E402
from pathlib import Path  # noqa: E402

from newsgold.gold.load import load_gold  # noqa: E402
from newsgold.scoring import predictions as predictions_module  # noqa: E402

GOLD = load_gold()


def _read_both(raw: bytes, monkeypatch_ctx):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "p.jsonl"
        path.write_bytes(raw)
        fast = predictions_module.read_predictions(str(path), GOLD)
        with monkeypatch_ctx() as mp:
            mp.setattr(predictions_module, "typed_line", lambda raw: None)   # every line through the full checks
            full = predictions_module.read_predictions(str(path), GOLD)
    return fast, full


def _line(data) -> bytes:
    """A predictions line for a gold document: the plain sample moved to another document or not,
    mutated as a dict or edited as text, or left plain."""
    rec = copy.deepcopy(PLAIN)
    if data.draw(st.booleans()):
        rec = mutate(data, rec, PLAIN_REPLACEMENTS, ["extra", "score", "text", "cluster", "quotes", "label", "start"], shift=True)
    ents = rec.get("entities")
    dicts = [e for e in ents if isinstance(e, dict)] if isinstance(ents, list) else []
    if dicts and data.draw(st.integers(0, 3)) == 0:
        twin = dict(data.draw(st.sampled_from(dicts)))   # a span repeated, or overlapping another once shifted
        if isinstance(twin.get("end"), int) and data.draw(st.booleans()):
            twin.pop("text", None)
            twin["end"] += data.draw(st.sampled_from([-1, 1, 5]))
        ents.insert(data.draw(st.integers(0, len(ents))), twin)
    if isinstance(rec.get("doc_id"), str) and data.draw(st.integers(0, 4)) == 0:
        rec["doc_id"] = data.draw(st.sampled_from([*list(GOLD.docs)[:3], "unknown-doc"]))
    raw = json.dumps(rec, ensure_ascii=data.draw(st.booleans()), separators=(",", ":")).encode("utf-8", "surrogatepass")
    return _raw_edit(raw, data) if data.draw(st.integers(0, 3)) == 0 else raw


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_read_predictions_gives_the_same_with_and_without_the_fast_path(data):
    lines = [_line(data) for _ in range(data.draw(st.integers(1, 6)))]
    ends = data.draw(st.sampled_from([b"\n", b"\r\n"]))
    raw = data.draw(st.sampled_from([b"", b"\xef\xbb\xbf"])) + ends.join(lines) + data.draw(st.sampled_from([b"", ends, ends * 2]))
    (fast, fast_problems), (full, full_problems) = _read_both(raw, pytest.MonkeyPatch.context)
    assert fast_problems == full_problems
    assert {k: fast.records.raw(k) for k in fast.records} == {k: full.records.raw(k) for k in full.records}
    assert fast.layers == full.layers
    assert fast.spans == full.spans and fast.vocab == full.vocab and fast.unplaced == full.unplaced


def test_read_predictions_takes_the_fast_path_for_the_plain_sample_and_agrees(monkeypatch):
    """The control of the test above: the plain sample really does go the fast way."""
    calls = []
    real = predictions_module.clean_columns
    monkeypatch.setattr(predictions_module, "clean_columns", lambda *a: calls.append(1) or real(*a))
    raw = json.dumps(PLAIN, separators=(",", ":")).encode() + b"\n"
    (fast, fast_problems), (full, full_problems) = _read_both(raw, pytest.MonkeyPatch.context)
    assert calls and fast_problems == full_problems == [] and fast.spans == full.spans and len(fast.spans[PLAIN["doc_id"]]) == 18
