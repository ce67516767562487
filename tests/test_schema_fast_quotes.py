"""The fast path of predictions lines with quotes, stance and coref (``newsgold.scoring.fastcheck``:
``typed_line``, ``clean_layers``, ``gold_references``): a line it takes is one the full checks
(the strict parser, the JSON Schema and ``check_prediction`` with the gold document) pass without
a single problem, and a file reads to the same predictions and problems with it and without it.

Records are real ones (the shipped rules baseline against the shipped gold, and a corpus made by
``benchmarks/generate.py --quotes --coref``), mutated at random as ``tests/test_schema_fast.py`` does; the
expected answer is always what the full checks, run here, say of the mutant.
"""
import copy
import importlib.util
import json
import re
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsgold.core.jsonio import RefusedValue
from newsgold.core.jsonio import loads as strict_loads
from newsgold.core.schema import ENTITY_LABELS, schema_problems
from newsgold.gold.load import load_gold
from newsgold.gold.rules import check_prediction, reference_ids
from newsgold.scoring import fastcheck
from newsgold.scoring import predictions as predictions_module
from test_schema_fast import ROOT, mutate

LABELS = frozenset(ENTITY_LABELS)
LF = lambda path: 1
SHIPPED_GOLD = load_gold()
RULES = ROOT / "baselines" / "rules.jsonl"


def _generate_module():
    spec = importlib.util.spec_from_file_location("newsgold_bench_generate", ROOT / "benchmarks" / "generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """benchmarks/generate.py --docs 200 --seed 3 --quotes --coref: (folder, gold)."""
    out = tmp_path_factory.mktemp("qs200")
    _generate_module().generate(200, 3, out, quiet=True, quotes=True, coref=True)
    return out, load_gold(out / "gold.jsonl")


# ---------------------------------------------------------------- the reference and the fast path, line by line

def full_problems(rec: dict, gold) -> list:
    """What the full path of ``read_predictions`` reports for one line's record: the schema, then the
    document, then ``check_prediction`` with the gold record when the line has quotes or stance."""
    probs = schema_problems("predictions", rec, "f", LF)
    if probs:
        return probs
    if rec["doc_id"] not in gold.docs:
        return ["unknown document"]
    gold_doc = gold.docs[rec["doc_id"]] if ("quotes" in rec or "stance" in rec) else None
    return check_prediction(rec, gold.text(rec["doc_id"]), "f", LF, labels=ENTITY_LABELS, gold_doc=gold_doc)


def fast_clean(raw: bytes, gold):
    """The fast path's reading of a line: a ``_Clean`` when it skips the full checks, else None."""
    got = predictions_module._Line(gold, LABELS).fast(raw)
    return got if isinstance(got, predictions_module._Clean) else None


def same_as_strict(raw: bytes, clean) -> bool:
    """The strict parser reads the line without refusing anything, and the fast reading is its record's:
    document, layers, entity columns."""
    rec = strict_loads(raw.decode("utf-8"))
    ents = rec.get("entities", [])
    columns = tuple(tuple(e[k] for e in ents) for k in ("start", "end", "label"))
    return (clean.doc_id == rec["doc_id"] and clean.layers == frozenset(k for k in predictions_module.PREDICTION_LAYERS if k in rec)
            and tuple(map(tuple, clean.columns)) == columns)


def compact(rec, separators=(",", ":"), ensure_ascii=False) -> bytes:
    return json.dumps(rec, ensure_ascii=ensure_ascii, separators=separators).encode("utf-8", "surrogatepass")


def _no_overlap(ents: list[dict], n: int) -> list[dict]:
    out, last_end = [], -1
    for e in ents:
        if e["start"] >= last_end:
            out.append(e)
            last_end = e["end"]
    return out[:n]


def rules_sample() -> dict:
    """The first line of the shipped rules baseline (a few entities and quotes kept, so that the
    mutants reach the quotes often), with a quote's speaker given as a gold cluster and stance
    predictions naming a gold item and a declared target: every reference the fast path looks up."""
    rec = json.loads(RULES.read_text(encoding="utf-8").splitlines()[0])
    clusters, items, targets = reference_ids(SHIPPED_GOLD.docs[rec["doc_id"]])
    rec["entities"] = _no_overlap(rec["entities"], 4)
    rec["quotes"] = rec["quotes"][:3]
    rec["quotes"][0]["speaker_cluster"] = sorted(clusters)[0]
    rec["quotes"][1]["score"] = 0.75
    rec["stance"] = [{"item": sorted(items)[0], "label": "FAVOR"},
                     {"holder": sorted(clusters)[1], "target": sorted(targets)[0], "label": "NONE", "score": 1}]
    return rec


def generated_sample(gold_folder: Path) -> dict:
    """The first generated line with two quotes or more and stance, a few entities and coref
    clusters kept, and a stance triple (holder, target, label), a quote score and a coref mention's
    text and score added."""
    for line in (gold_folder / "predictions.jsonl").read_text(encoding="utf-8").splitlines():
        rec = json.loads(line)
        if len(rec["quotes"]) >= 2 and rec["stance"]:
            rec["entities"] = rec["entities"][:4]
            rec["coref"] = [c for c in rec["coref"] if len(c) > 1][:2] + [c for c in rec["coref"] if len(c) == 1][:1]
            first = rec["coref"][0][0]
            first.update(text=_gold_text(gold_folder, rec["doc_id"])[first["start"]:first["end"]], score=0.9)
            rec["quotes"][0]["score"] = 0.5
            rec["stance"].append({"holder": rec["quotes"][0]["speaker_cluster"], "target": "t1", "label": "AGAINST", "score": 0.25})
            return rec
    raise AssertionError("no generated line with quotes and stance")


def _gold_text(gold_folder: Path, doc_id: str) -> str:
    for line in (gold_folder / "gold.jsonl").read_text(encoding="utf-8").splitlines():
        rec = json.loads(line)
        if rec["id"] == doc_id:
            return rec["text"]
    raise AssertionError(doc_id)


@pytest.fixture(scope="module")
def samples(corpus):
    """(record, gold) pairs, each record clean against its gold."""
    folder, gold = corpus
    return [(rules_sample(), SHIPPED_GOLD), (generated_sample(folder), gold)]


def test_samples_take_the_fast_path_and_pass_the_full_checks(samples):
    for rec, gold in samples:
        raw = compact(rec)
        clean = fast_clean(raw, gold)
        assert full_problems(rec, gold) == []
        assert clean is not None and same_as_strict(raw, clean)
        assert {"entities", "quotes", "stance"} <= clean.layers and ("coref" in clean.layers) == ("coref" in rec)
    assert "coref" in samples[1][0]


def _ids_of(rec: dict, gold) -> list:
    clusters, items, targets = reference_ids(gold.docs[rec["doc_id"]])
    return sorted(map(str, clusters))[:3] + sorted(map(str, items))[:3] + sorted(map(str, targets))[:2]


REPLACEMENTS = [None, 0, -1, 1, 5, 1.5, 1.0, True, False, "", "x", "a:b", "direct", "indirect", "mixed", "Direct", "FAVOR", "NONE",
                "favor", "PERSON", "c999", "s99", "t9", [], [1], {}, {"start": 0}, {"start": 0, "end": 1}, {"start": 0, "end": 1, "text": "x"},
                {"start": 0, "end": 1, "extra": 1}, [{"start": 0, "end": 1}], 10 ** 19, 2 ** 63, float("nan"), "\ud800"]
EXTRA_KEYS = ["extra", "score", "text", "id", "type", "content", "cue", "speaker", "speaker_cluster", "speaker_name", "item",
              "holder", "target", "label", "start", "end", "quotes", "stance", "coref", "unplaced"]


def _mutant(data, rec: dict, gold) -> dict:
    """``rec`` mutated: one to three edits anywhere (values from the list and the gold's own ids),
    sometimes a stance prediction repeated (its label kept or changed), sometimes another document."""
    rec = mutate(data, copy.deepcopy(rec), REPLACEMENTS + _ids_of(rec, gold), EXTRA_KEYS, shift=True)
    stance = rec.get("stance")
    if isinstance(stance, list) and stance and data.draw(st.integers(0, 3)) == 0:
        twin = copy.deepcopy(data.draw(st.sampled_from(stance)))
        if isinstance(twin, dict) and data.draw(st.booleans()):
            twin["label"] = data.draw(st.sampled_from(["FAVOR", "AGAINST", "NEUTRAL", "NONE"]))
        stance.insert(data.draw(st.integers(0, len(stance))), twin)
    if data.draw(st.integers(0, 5)) == 0:
        rec["doc_id"] = data.draw(st.sampled_from(list(gold.docs)[:4]))
    return rec


@settings(max_examples=400, deadline=None)
@given(st.data())
def test_fast_path_accepts_only_what_the_full_checks_pass(samples, data):
    base, gold = data.draw(st.sampled_from(samples))
    rec = _mutant(data, base, gold)
    raw = compact(rec, data.draw(st.sampled_from([(",", ":"), (", ", ": "), (",", " :")])), data.draw(st.booleans()))
    clean = fast_clean(raw, gold)
    if clean is not None:
        assert full_problems(rec, gold) == []
        assert same_as_strict(raw, clean)


# edits of the JSON text itself, which a dict cannot hold: a key repeated in a nested object (a quote,
# a span, a stance prediction) or at the top, numbers written as the schema may read them but the typed
# decoder does not (1.0, 1e0), values the strict parser refuses, spacing around colons, colons in strings
RAW_EDITS = [
    (b'"start":', b'"start":0,"start":'), (b'"end":', b'"end":1,"end":'), (b'"text":', b'"text":"x","text":'),
    (b'"content":', b'"content":[],"content":'), (b'"cue":', b'"cue":null,"cue":'), (b'"speaker":', b'"speaker":null,"speaker":'),
    (b'"speaker_cluster":', b'"speaker_cluster":null,"speaker_cluster":'), (b'"speaker_name":', b'"speaker_name":"x","speaker_name":'),
    (b'"type":', b'"type":"direct","type":'), (b'"id":', b'"id":"q9","id":'), (b'"item":', b'"item":"s1","item":'),
    (b'"label":', b'"label":"NONE","label":'), (b'"target":', b'"target":"t1","target":'), (b'"holder":', b'"holder":"c1","holder":'),
    (b'"score":', b'"score":1,"score":'), (b'"quotes":', b'"quotes":[],"quotes":'), (b'"stance":', b'"stance":[],"stance":'),
    (b'"content":', b'"content" :'), (b'"label":', b'"label"\t:'), (b'"speaker_name":"', b'"speaker_name":"a:b'),
    (b'"speaker_name":"', b'"speaker_name":"say \\":\\" '), (b'"label":"', b'"label":"\\u0046'), (b'"item":"', b'"item":"\\ud800'),
    (b'"content":', b'"score":9223372036854775808,"content":'), (b'"label":', b'"score":1e400,"label":'), (b'}]', b'}],}'),
    (b'"content":', b'"score":NaN,"content":'), (b'"label":', b'"score":true,"label":'), (b'"label":', b'"score":-9,"label":'),
    (b'"coref":', b'"coref":[],"coref":'), (b'"coref":[[', b'"coref":[[],['), (b'"coref":[[{', b'"coref":[[{"end":1,'),
]


_NUMBER_OF = re.compile(rb'"(?:start|end|score)":(-?[0-9][0-9.eE+-]*)')
NUMBERS = [b"1.0", b"1e0", b"true", b"-0", b"00", b"9223372036854775808", b"18446744073709551616", b"-9223372036854775809", b" 1 ",
           b"0.5", b"2", b"null", b"-1", b"NaN", b"1e400"]


def _raw_edit(raw: bytes, data) -> bytes:
    """One to three edits: a listed replacement at a chosen occurrence, or an offset or score rewritten."""
    for _ in range(data.draw(st.integers(1, 3))):
        if data.draw(st.booleans()):
            old, new = data.draw(st.sampled_from(RAW_EDITS))
            at = [i for i in range(len(raw)) if raw.startswith(old, i)]
            if at:
                i = data.draw(st.sampled_from(at))
                raw = raw[:i] + new + raw[i + len(old):]
        else:
            numbers = list(_NUMBER_OF.finditer(raw))
            if numbers:
                m = data.draw(st.sampled_from(numbers))
                raw = raw[:m.start(1)] + data.draw(st.sampled_from(NUMBERS)) + raw[m.end(1):]
    return raw


@settings(max_examples=400, deadline=None)
@given(st.data())
def test_fast_path_on_edited_json_text(samples, data):
    base, gold = data.draw(st.sampled_from(samples))
    raw = _raw_edit(compact(base), data)
    clean = fast_clean(raw, gold)
    if clean is not None:
        assert same_as_strict(raw, clean)                  # no repeated key, no refused value: the strict parser agrees
        assert full_problems(strict_loads(raw.decode("utf-8")), gold) == []


# ---------------------------------------------------------------- named cases: each a problem the full checks report

def _q(rec):
    return rec["quotes"][0]


def _s(rec):
    return rec["stance"][0]


def _set(get, key, value):
    def edit(rec, text):
        get(rec)[key] = value(rec, text) if callable(value) else value
    return edit


def _del(get, key):
    def edit(rec, text):
        del get(rec)[key]
    return edit


def _content(rec):
    return rec["quotes"][0]["content"][0]


def _mention(rec):
    return rec["coref"][0][0]


def _append_stance(pred):
    def edit(rec, text):
        rec["stance"].append(pred(rec) if callable(pred) else pred)
    return edit


REJECTED = {
    "unknown speaker_cluster": _set(_q, "speaker_cluster", "no-such-cluster"),
    "speaker_cluster of another kind of id": _set(_q, "speaker_cluster", "s1"),
    "unknown stance item": _set(_s, "item", "no-such-item"),
    "item labelled twice, same label": _append_stance(lambda rec: dict(rec["stance"][0])),
    "item labelled twice, other label": _append_stance(lambda rec: dict(rec["stance"][0], label="NONE" if rec["stance"][0]["label"] != "NONE"
                                                                          else "FAVOR")),
    "undeclared target": _append_stance({"holder": "c1", "target": "no-such-target", "label": "FAVOR"}),
    "target given as an item id": _append_stance(lambda rec: {"target": rec["stance"][0]["item"], "label": "FAVOR"}),
    "content past the text": _set(_content, "end", lambda rec, text: len(text) + 1),
    "content empty": _set(_content, "end", lambda rec, text: _content(rec)["start"]),
    "content reversed": _set(_content, "start", lambda rec, text: _content(rec)["end"] + 1),
    "content before the text": _set(_content, "start", -1),
    "content before the text, without text": lambda rec, text: _content(rec).update(start=-1, end=3, text=None) or _content(rec).pop("text"),
    "speaker before the text, without text": lambda rec, text: _q(rec)["speaker"].update(start=-2, end=1, text=None) or
    _q(rec)["speaker"].pop("text"),
    "content text not the slice": _set(_content, "text", lambda rec, text: _content(rec)["text"] + "x"),
    "cue text not the slice": _set(lambda rec: _q(rec)["cue"], "text", "not the cue"),
    "speaker past the text": _set(lambda rec: _q(rec)["speaker"], "end", lambda rec, text: len(text) + 5),
    "cue without end": _del(lambda rec: _q(rec)["cue"], "end"),
    "span without start": _del(_content, "start"),
    "no content": _del(_q, "content"),
    "content an empty list": _set(_q, "content", []),
    "content null": _set(_q, "content", None),
    "content span null": _set(_q, "content", [None]),
    "unknown quote type": _set(_q, "type", "quoted"),
    "quote type in another case": _set(_q, "type", "Direct"),
    "unknown stance label": _set(_s, "label", "PRO"),
    "no stance label": _del(_s, "label"),
    "stance label null": _set(_s, "label", None),
    "item null": _set(_s, "item", None),
    "holder null": _append_stance({"holder": None, "target": "t1", "label": "FAVOR"}),
    "target null": _append_stance({"holder": "c1", "target": None, "label": "FAVOR"}),
    "quote id null": _set(_q, "id", None),
    "quote id a number": _set(_q, "id", 1),
    "quote score null": _set(_q, "score", None),
    "quote score a bool": _set(_q, "score", True),
    "stance score a string": _set(_s, "score", "0.5"),
    "span text null": _set(_content, "text", None),
    "bool offset": _set(_content, "start", True),
    "float offset": _set(_content, "start", lambda rec, text: float(_content(rec)["start"])),
    "speaker_name a number": _set(_q, "speaker_name", 3),
    "speaker_cluster a list": _set(_q, "speaker_cluster", ["c1"]),
    "unknown key in a quote": _set(_q, "quote", "x"),
    "unknown key in a stance prediction": _set(_s, "evidence", []),
    "quotes an object": _set(lambda rec: rec, "quotes", {}),
    "stance prediction a string": _set(lambda rec: rec, "stance", ["FAVOR"]),
    "entities overlapping": _set(lambda rec: rec, "entities", lambda rec, text: [dict(rec["entities"][0], label="ORG"), rec["entities"][0]]),
    "entity label unknown": _set(lambda rec: rec["entities"][0], "label", "PER"),
    "coref mention past the text": _set(_mention, "end", lambda rec, text: len(text) + 1),
    "coref mention empty": _set(_mention, "end", lambda rec, text: _mention(rec)["start"]),
    "coref mention before the text": lambda rec, text: _mention(rec).update(start=-1, end=2, text=None) or _mention(rec).pop("text"),
    "coref mention text not the slice": _set(_mention, "text", "not the mention"),
    "coref mention text null": _set(_mention, "text", None),
    "coref mention without end": _del(_mention, "end"),
    "coref mention float offset": _set(_mention, "end", lambda rec, text: float(_mention(rec)["end"])),
    "coref mention bool offset": _set(_mention, "start", False),
    "coref mention score a string": _set(_mention, "score", "high"),
    "coref mention with a cluster id": _set(_mention, "cluster", "c1"),
    "coref mention with a label": _set(_mention, "label", "PERSON"),
    "coref cluster an object": _set(lambda rec: rec, "coref", lambda rec, text: [{"mentions": rec["coref"][0]}]),
    "coref a list of mentions": _set(lambda rec: rec, "coref", lambda rec, text: rec["coref"][0]),
    "coref null": _set(lambda rec: rec, "coref", None),
}


@pytest.mark.parametrize("case", list(REJECTED))
def test_named_problems_are_left_to_the_full_checks(case, corpus):
    folder, gold = corpus
    rec = generated_sample(folder)
    REJECTED[case](rec, gold.text(rec["doc_id"]))
    assert full_problems(rec, gold), "the case must be a problem the full checks report"
    assert fast_clean(compact(rec), gold) is None


def _after(raw: bytes, marker: bytes, old: bytes, new) -> bytes:
    """``raw`` with the first ``old`` after ``marker`` replaced by ``new``, or (``new`` a function) with
    the integer that follows that ``old`` rewritten by it."""
    at = raw.index(old, raw.index(marker)) + len(old)
    if callable(new):
        digits = re.match(rb"[0-9]+", raw[at:]).group()
        return raw[:at] + new(digits) + raw[at + len(digits):]
    return raw[:at - len(old)] + new + raw[at:]


def _as_float(digits: bytes) -> bytes:
    return digits + b".0"


RAW_REJECTED = {
    "key repeated in a content span": (b'"content":', b'"start":', b'"start":0,"start":'),
    "key repeated in a cue": (b'"cue":', b'"text":', b'"text":"x","text":'),
    "key repeated in a quote": (b'"quotes":', b'"speaker_cluster":', b'"speaker_cluster":"c1","speaker_cluster":'),
    "content repeated in a quote": (b'"quotes":', b'"content":', b'"content":[],"content":'),
    "key repeated in a stance prediction": (b'"stance":', b'"item":', b'"item":"s1","item":'),
    "label repeated in a stance prediction": (b'"stance":', b'"label":', b'"label":"NONE","label":'),
    "quotes repeated": (b'"doc_id":', b'"quotes":', b'"quotes":[],"quotes":'),
    "stance repeated": (b'"doc_id":', b'"stance":', b'"stance":[],"stance":'),
    "a spaced repeat and a colon in a string": (b'"quotes":', b'"speaker_cluster":',
                                                b'"speaker_name":"a:","speaker_cluster" :"c1","speaker_cluster":'),
    "score beyond 64 bits": (b'"quotes":', b'"score":0.5', b'"score":9223372036854775808'),
    "score beyond 64 bits in a stance prediction": (b'"stance":', b'"score":0.25', b'"score":-9223372036854775809'),
    "score NaN": (b'"quotes":', b'"score":0.5', b'"score":NaN'),
    "score infinite": (b'"stance":', b'"score":0.25', b'"score":1e400'),
    "offset written as a float": (b'"quotes":', b'"start":', _as_float),
    "end written with an exponent": (b'"cue":', b'"end":', lambda digits: digits + b"e0"),
    "lone surrogate in an item": (b'"stance":', b'"item":"', b'"item":"\\ud800'),
    "key repeated in a coref mention": (b'"coref":', b'"start":', b'"start":0,"start":'),
    "score repeated in a coref mention": (b'"coref":', b'"score":', b'"score":1,"score":'),
    "coref repeated": (b'"doc_id":', b'"coref":', b'"coref":[],"coref":'),
    "coref offset written as a float": (b'"coref":', b'"end":', _as_float),
    "coref score beyond 64 bits": (b'"coref":', b'"score":0.9', b'"score":18446744073709551616'),
}


@pytest.mark.parametrize("case", list(RAW_REJECTED))
def test_json_text_problems_are_left_to_the_full_checks(case, corpus):
    folder, gold = corpus
    raw = _after(compact(generated_sample(folder)), *RAW_REJECTED[case])
    try:
        reported = full_problems(strict_loads(raw.decode("utf-8")), gold)
    except RefusedValue:
        reported = ["refused by the strict parser"]
    assert reported, "the case must be a problem the full checks report"
    assert fast_clean(raw, gold) is None


ACCEPTED = {
    "quote with content only": lambda rec, text: rec["quotes"].__setitem__(0, {"content": _q(rec)["content"]}),
    "cue, speaker and speaker_cluster null": lambda rec, text: _q(rec).update(cue=None, speaker=None, speaker_cluster=None),
    "speaker given as a name": lambda rec, text: _q(rec).update(speaker_name="Someone: a name", speaker_cluster=None),
    "speaker_name null": lambda rec, text: _q(rec).update(speaker_name=None),
    "spans without text": lambda rec, text: [s.pop("text") for s in (_content(rec), _q(rec)["cue"])],
    "scores of every kind": lambda rec, text: (_q(rec).update(score=1), _s(rec).update(score=-0.5)),
    "a holder the gold does not know (not checked)": _append_stance({"holder": "someone", "label": "NEUTRAL"}),
    "a label alone": _append_stance({"label": "NONE"}),
    "no entities": lambda rec, text: rec.pop("entities"),
    "no quotes": lambda rec, text: rec.pop("quotes"),
    "no stance": lambda rec, text: rec.pop("stance"),
    "empty layers": lambda rec, text: rec.update(entities=[], quotes=[], stance=[]),
    "no system": lambda rec, text: rec.pop("system"),
    "no coref": lambda rec, text: rec.pop("coref"),
    "coref alone": lambda rec, text: [rec.pop(k) for k in ("entities", "quotes", "stance")],
    "an empty coref cluster": lambda rec, text: rec["coref"].append([]),
    "a coref mention listed twice (the scorer keeps its first place)": lambda rec, text: rec["coref"][1].append(dict(_mention(rec))),
    "coref mentions without text, an integer score": lambda rec, text: _mention(rec).update(score=1) or _mention(rec).pop("text"),
}


@pytest.mark.parametrize("case", list(ACCEPTED))
@pytest.mark.parametrize("separators", [(",", ":"), (", ", ": ")])
def test_clean_variants_take_the_fast_path(case, separators, corpus):
    """The controls of the cases above: what the schema allows and the checks pass goes the fast way."""
    folder, gold = corpus
    rec = generated_sample(folder)
    ACCEPTED[case](rec, gold.text(rec["doc_id"]))
    raw = compact(rec, separators)
    clean = fast_clean(raw, gold)
    assert full_problems(rec, gold) == []
    assert clean is not None and same_as_strict(raw, clean)


def test_a_span_with_a_key_of_its_own_is_left_to_the_full_checks(corpus):
    """The schema lets a span carry other keys; the typed record does not, so such a line is read the
    full way (which passes it): stricter than the schema, never wrong."""
    folder, gold = corpus
    rec = generated_sample(folder)
    _content(rec)["note"] = "x"
    assert full_problems(rec, gold) == [] and fast_clean(compact(rec), gold) is None


# ---------------------------------------------------------------- the gold's ids, read without the whole record

def _gold_lines(folder: Path) -> list[bytes]:
    return (folder / "gold.jsonl").read_bytes().splitlines()


def test_gold_references_are_the_ids_reference_ids_finds(corpus):
    folder, _ = corpus
    records = [json.loads(line) for line in _gold_lines(folder)] + [SHIPPED_GOLD.docs[d] for d in SHIPPED_GOLD.docs]
    assert sum(len(r["stance"]["items"]) for r in records) > 50
    for rec in records:
        got = fastcheck.gold_references(compact(rec))
        assert got is not None and tuple(got) == reference_ids(rec)


GOLD_REPLACEMENTS = [None, 0, 1, True, "", "x", [], {}, [{}], [{"id": "c9"}], [{"id": 1}], {"id": "c9"}, "c1", "s1", "t1"]


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_gold_references_of_mutated_gold_records(corpus, data):
    """On any record, the typed reading gives the ids ``reference_ids`` finds in the parsed record, or declines."""
    folder, _ = corpus
    lines = _gold_lines(folder)
    rec = json.loads(data.draw(st.sampled_from(lines[:20])))
    rec.pop("text")                                             # the mutants reach the layers more often
    rec["entities"]["mentions"] = rec["entities"]["mentions"][:2]
    rec = mutate(data, rec, GOLD_REPLACEMENTS, ["id", "clusters", "items", "targets", "stance", "entities", "extra"])
    got = fastcheck.gold_references(compact(rec))
    if got is not None:
        assert tuple(got) == reference_ids(rec)


# ---------------------------------------------------------------- whole files read both ways

def read_both(path: Path, gold, monkeypatch):
    """``read_predictions`` with the fast path and without it (every line through the strict parser
    and the full checks: the reference)."""
    fast = predictions_module.read_predictions(str(path), gold)
    with monkeypatch.context() as mp:
        mp.setattr(predictions_module, "typed_line", lambda raw: None)
        full = predictions_module.read_predictions(str(path), gold)
    return fast, full


def assert_same(fast, full) -> None:
    (f, f_problems), (r, r_problems) = fast, full
    assert f_problems == r_problems
    assert {k: f.records.raw(k) for k in f.records} == {k: r.records.raw(k) for k in r.records}
    assert f.layers == r.layers and f.unplaced == r.unplaced
    assert f.spans == r.spans and f.vocab == r.vocab


def _full_checks_counted(monkeypatch) -> list:
    calls: list = []
    real = predictions_module.schema_problems
    monkeypatch.setattr(predictions_module, "schema_problems", lambda *a: calls.append(a[2]) or real(*a))
    return calls


def test_shipped_rules_baseline_lines_take_the_fast_path(monkeypatch):
    lines = [raw for raw in RULES.read_bytes().splitlines() if "quotes" in json.loads(raw) or "stance" in json.loads(raw)]
    assert len(lines) == 2
    assert all(fast_clean(raw, SHIPPED_GOLD) is not None for raw in lines)
    calls = _full_checks_counted(monkeypatch)
    preds, problems = predictions_module.read_predictions(str(RULES), SHIPPED_GOLD)
    assert calls == [] and problems == []
    assert all("quotes" in preds.layers[d] for d in preds.layers)


def test_read_predictions_the_same_on_the_rules_baseline(monkeypatch):
    fast, full = read_both(RULES, SHIPPED_GOLD, monkeypatch)
    assert_same(fast, full)
    assert len(fast[0].spans) == 2


def test_read_predictions_the_same_on_a_generated_corpus(corpus, monkeypatch):
    folder, gold = corpus
    calls = _full_checks_counted(monkeypatch)
    fast, full = read_both(folder / "predictions.jsonl", gold, monkeypatch)
    assert_same(fast, full)
    assert len(calls) == 200                                   # the full read only: every line went the fast way
    assert sum("stance" in layers for layers in fast[0].layers.values()) == 200


def test_read_predictions_the_same_on_lines_without_entities(corpus, monkeypatch, tmp_path):
    """A line with quotes or stance and no entities packs no spans either way (an absent layer is not an empty one)."""
    folder, gold = corpus
    recs = [json.loads(line) for line in (folder / "predictions.jsonl").read_text(encoding="utf-8").splitlines()[:12]]
    for i, rec in enumerate(recs):
        del rec[("entities", "quotes", "stance")[i % 3]]
    path = tmp_path / "p.jsonl"
    path.write_bytes(b"\n".join(map(compact, recs)) + b"\n")
    calls = _full_checks_counted(monkeypatch)
    fast, full = read_both(path, gold, monkeypatch)
    assert_same(fast, full)
    assert len(calls) == len(recs) and len(fast[0].spans) == 8


def test_scores_the_same_with_and_without_the_fast_path(corpus, monkeypatch):
    """Scoring re-reads the quotes and stance of each line from its stored bytes: every figure, error
    item and warning is the same either way."""
    import newsgold
    folder, _ = corpus
    path = str(folder / "predictions.jsonl")
    fast = newsgold.score(path, gold=str(folder / "gold.jsonl"), resamples=50, errors=True)
    with monkeypatch.context() as mp:
        mp.setattr(predictions_module, "typed_line", lambda raw: None)
        full = newsgold.score(path, gold=str(folder / "gold.jsonl"), resamples=50, errors=True)
    assert {"quotes", "stance"} <= set(fast.tasks)
    assert json.dumps(fast.to_dict(), sort_keys=True) == json.dumps(full.to_dict(), sort_keys=True)
    assert fast.stats.keys() == full.stats.keys() and all((fast.stats[t] == full.stats[t]).all() for t in fast.stats)


def _line(data, samples) -> bytes:
    """A predictions line: a sample mutated as a dict or edited as text, or left as it is."""
    base, gold = samples[1]
    rec = _mutant(data, base, gold) if data.draw(st.booleans()) else copy.deepcopy(base)
    if data.draw(st.integers(0, 2)) == 0:
        rec["doc_id"] = data.draw(st.sampled_from(list(gold.docs)[:6]))
    raw = compact(rec, ensure_ascii=data.draw(st.booleans()))
    return _raw_edit(raw, data) if data.draw(st.integers(0, 3)) == 0 else raw


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_read_predictions_the_same_on_mutated_files(samples, corpus, data):
    _, gold = corpus
    lines = [_line(data, samples) for _ in range(data.draw(st.integers(1, 6)))]
    with tempfile.TemporaryDirectory() as tmp, pytest.MonkeyPatch.context() as mp:
        path = Path(tmp) / "p.jsonl"
        path.write_bytes(b"\n".join(lines) + b"\n")
        assert_same(*read_both(path, gold, mp))


def test_quote_and_stance_scoring_reads_of_a_line_what_json_reads(corpus):
    """Quote and stance scoring decode only the quotes, stance and unplaced strings of each stored line:
    the values must be the ones ``json`` gives for those fields (and no other field)."""
    from newsgold.scoring.api import _layers_of
    folder, _ = corpus
    lines = (folder / "predictions.jsonl").read_bytes().splitlines() + RULES.read_bytes().splitlines()
    extra = {"doc_id": "x", "unplaced": {"quotes": [{"text": "a \\u00e9 \u00e9", "score": 0.1}]}, "stance": [{"label": "NONE", "score": 1e-7}]}
    lines.append(json.dumps(extra).encode())
    lines.append(b'{"doc_id": "x", "system": "\\ud800", "stance": [{"label": "NONE"}]}')    # a lone surrogate msgspec refuses
    for raw in lines:
        rec = json.loads(raw)
        want = {k: rec[k] for k in ("quotes", "stance", "unplaced") if k in rec}
        assert _layers_of(raw) == want and _layers_of(raw.decode("utf-8")) == want
