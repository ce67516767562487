"""Every validation rule, one broken thing at a time, with the exact message and line.

Fixtures are built here from the manifest's document texts (never from the shipped
gold, which other people are still writing). Expected line numbers are computed
independently of the toolkit: the value at a JSON path is replaced by a sentinel, the
record is dumped the same way the file was written, and the sentinel's line is taken.
"""
from __future__ import annotations

import copy
import hashlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsgold.core.repository import current
from newsgold.core.schema import schema_problems
from newsgold.gold.manifest import read_manifest
from newsgold.gold.rules import check_gold_layers
from newsgold.release.validate import validate

ROOT = current().root   # NEWSGOLD_HOME, when set, points the data tests at another copy
SEEDS = ROOT / "seeds"
MANIFEST_PATH = SEEDS / "manifest.json"
MANIFEST = json.loads(MANIFEST_PATH.read_text(encoding="utf-8"))
SOURCES = {s["file"]: (SEEDS / s["file"]).read_bytes().decode("utf-8") for s in MANIFEST["sources"]}
DOCS = {d["id"]: d for d in MANIFEST["documents"]}
DOC1, DOC2 = MANIFEST["documents"][0]["id"], MANIFEST["documents"][1]["id"]
COMMON = json.loads((ROOT / "schema" / "common.schema.json").read_text(encoding="utf-8"))
ENTITY_LABELS = COMMON["$defs"]["entity_label"]["enum"]
QUOTE_TYPES = COMMON["$defs"]["quote_type"]["enum"]
NEWSGOLD = Path(sys.executable).with_name("newsgold")


def doc_text(doc_id: str) -> str:
    d = DOCS[doc_id]
    return SOURCES[d["source"]][d["start"]:d["end"]]


TEXT1 = doc_text(DOC1)


def sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def span(needle: str, after: int = 0, text: str = TEXT1) -> dict:
    i = text.index(needle, after)
    return {"start": i, "end": i + len(needle), "text": needle}


def mention(needle: str, label: str, cluster: str, after: int = 0) -> dict:
    return {**span(needle, after), "label": label, "cluster": cluster}


def valid_annotation() -> dict:
    """A small but complete annotation of document 01: every layer, every kind of reference."""
    q3_start = TEXT1.index("“reaffirmed")
    q3_end = TEXT1.index("peace.”") + len("peace.”")
    q4_start = TEXT1.index("Trump agreed on")
    q4_end = TEXT1.index("disputes.”") + len("disputes.”")
    return {
        "doc_id": DOC1,
        "text_sha256": sha(TEXT1),
        "annotation": {"guidelines_version": "1.0.0", "annotator": "test", "annotator_kind": "machine"},
        "entities": {
            "mentions": [
                mention("Ahmed Al-Sharaa", "PERSON", "c-sharaa"),
                mention("Donald Trump", "PERSON", "c-trump"),
                mention("Trump", "PERSON", "c-trump", after=TEXT1.index("Trump told")),
                mention("Syria", "GPE", "c-syria"),
                mention("Al-Sharaa", "PERSON", "c-sharaa", after=TEXT1.index("Al-Sharaa “reaffirmed")),
                mention("Sana", "ORG", "c-sana", after=TEXT1.index("Sana reported")),
            ],
            "clusters": [
                {"id": "c-sharaa", "name": "Ahmed Al-Sharaa", "type": "PERSON", "aliases": ["Al-Sharaa"]},
                {"id": "c-trump", "name": "Donald Trump", "type": "PERSON"},
                {"id": "c-syria", "name": "Syria", "type": "GPE"},
                {"id": "c-sana", "name": "Sana", "type": "ORG"},
            ],
        },
        "quotes": [
            {"id": "q1", "type": "direct",
             "content": [span(TEXT1[TEXT1.index("“I had"):TEXT1.index("area,”") + 6])],
             "cue": span("told", TEXT1.index("Trump told")), "speaker": span("Trump", TEXT1.index("Trump told")),
             "speaker_cluster": "c-trump"},
            {"id": "q2", "type": "direct",
             "content": [span(TEXT1[TEXT1.index("“It’s"):TEXT1.index("it.”") + 4])],
             "cue": None, "speaker": None, "speaker_cluster": "c-trump"},
            {"id": "q3", "type": "direct",
             "content": [{"start": q3_start, "end": q3_end, "text": TEXT1[q3_start:q3_end]}],
             "cue": None, "speaker": span("Al-Sharaa", TEXT1.index("Al-Sharaa “reaffirmed")),
             "speaker_cluster": "c-sharaa"},
            {"id": "q4", "type": "mixed",
             "content": [{"start": q4_start, "end": q4_end, "text": TEXT1[q4_start:q4_end]}],
             "cue": span("added", TEXT1.index("He added")), "speaker": span("He", TEXT1.index("He added")),
             "speaker_cluster": "c-sharaa"},
        ],
        "stance": {
            "targets": [
                {"id": "t-syria", "kind": "entity", "cluster": "c-syria", "description": "Syria"},
                {"id": "t-unity", "kind": "topic", "description": "Syria's territorial unity"},
            ],
            "items": [
                {"id": "s1", "holder": "c-trump", "target": "t-syria", "label": "FAVOR", "evidence": ["q1", "q2"]},
                {"id": "s2", "holder": "c-sharaa", "target": "t-unity", "label": "FAVOR", "evidence": ["q3"]},
                {"id": "s3", "holder": "c-sharaa", "target": "t-syria", "label": "NONE", "evidence": []},
                {"id": "s4", "holder": "c-trump", "target": "t-unity", "label": "NONE", "evidence": []},
            ],
        },
    }


def empty_layers() -> dict:
    return {"entities": {"mentions": [], "clusters": []}, "quotes": [], "stance": {"targets": [], "items": []}}


def gold_record(doc_id: str, layers: dict | None = None) -> dict:
    d = DOCS[doc_id]
    text = doc_text(doc_id)
    layers = layers or empty_layers()
    return {"id": doc_id, "text": text, "text_sha256": sha(text),
            "metadata": {"headline": d["metadata"]["headline"], "language": d["metadata"]["language"]},
            "zones": copy.deepcopy(d["zones"]),
            "entities": layers["entities"], "quotes": layers["quotes"], "stance": layers["stance"]}


def write_gold_jsonl(path: Path) -> Path:
    ann = valid_annotation()
    recs = [gold_record(DOC1, ann), gold_record(DOC2)]
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in recs), encoding="utf-8")
    return path


def pretty(obj) -> str:
    return json.dumps(obj, ensure_ascii=False, indent=2) + "\n"


def write_pretty(path: Path, obj) -> Path:
    path.write_text(pretty(obj), encoding="utf-8")
    return path


SENTINEL = "@@LINE-SENTINEL@@"


def set_at(obj, path, value):
    for k in path[:-1]:
        obj = obj[k]
    obj[path[-1]] = value


def expected_line(record, path: tuple) -> int:
    """Line on which the value at ``path`` starts in ``pretty(record)``, found without the toolkit."""
    if not path:
        return 1
    rec = copy.deepcopy(record)
    set_at(rec, path, SENTINEL)
    hits = [n for n, line in enumerate(pretty(rec).splitlines(), 1) if SENTINEL in line]
    assert len(hits) == 1
    return hits[0]


def fmt(file, line, path, message, rule, severity="error") -> str:
    """The documented message format, written out here rather than taken from Problem.__str__."""
    where = f"{file}:{line}" if line else f"{file}"
    return f"{where}: {path or '(record)'}: {message} [{rule}]" + ("" if severity == "error" else f" [{severity}]")


def messages(problems) -> list[str]:
    return sorted(str(p) for p in problems)


# ---------------------------------------------------------------- the fixture itself

def test_valid_annotation_has_no_problems(tmp_path):
    f = write_pretty(tmp_path / f"{DOC1}.json", valid_annotation())
    assert validate([f]) == []


def test_valid_annotation_folder_has_no_problems(tmp_path):
    write_pretty(tmp_path / f"{DOC1}.json", valid_annotation())
    assert validate([tmp_path]) == []


def test_valid_gold_jsonl_has_no_problems(tmp_path):
    f = write_gold_jsonl(tmp_path / "gold.jsonl")
    assert validate([f]) == []


def test_valid_annotation_via_cli(tmp_path):
    f = write_pretty(tmp_path / f"{DOC1}.json", valid_annotation())
    r = subprocess.run([str(NEWSGOLD), "validate", str(f)], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.strip() == f"OK: {f}: 0 error(s), 0 warning(s)"


# ---------------------------------------------------------------- one rule at a time
# Each case breaks exactly one thing in a valid record and lists what must be reported:
# (line path, reported json path, message, rule[, severity]).

L = len(TEXT1)
M1 = span("Donald Trump")             # entities/mentions/1
M0 = span("Ahmed Al-Sharaa")          # entities/mentions/0


def _append(path, item):
    def f(rec):
        obj = rec
        for k in path:
            obj = obj[k]
        obj.append(item)
    return f


def _set(path, value):
    return lambda rec: set_at(rec, path, value)


def _del(path):
    def f(rec):
        obj = rec
        for k in path[:-1]:
            obj = obj[k]
        del obj[path[-1]]
    return f


_COMMA_AT = re.search(r"[A-Z][a-z]+,", TEXT1)
COMMA = {"start": _COMMA_AT.start(), "end": _COMMA_AT.end(), "text": _COMMA_AT.group()}   # a word and its comma


def _respan(i, start, end):
    """Mention i moved to [start, end), its text with it (label and cluster kept)."""
    def f(rec):
        rec["entities"]["mentions"][i].update(start=start, end=end, text=TEXT1[start:end])
    return f


def _indirect_with_comma(rec):
    """Quote 0 made indirect, its content cut to end at the comma before the closing mark (Q-3.2 excludes it)."""
    q = rec["quotes"][0]
    c = q["content"][0]
    end = c["end"] - 1
    assert TEXT1[end - 1] == ","
    q["type"], q["content"][0] = "indirect", {"start": c["start"], "end": end, "text": TEXT1[c["start"]:end]}


CASES = {
    # schema: wrong type, missing field, unknown label, unknown quote type, unknown field
    "schema-wrong-type": (
        _set(("entities", "mentions", 0, "start"), str(M0["start"])),
        [(("entities", "mentions", 0, "start"), "entities/mentions/0/start",
          f"'{M0['start']}' is not of type 'integer'", "schema:type")]),
    "schema-wrong-type-layer": (
        _set(("entities", "clusters", 0, "aliases"), "Al-Sharaa"),
        [(("entities", "clusters", 0, "aliases"), "entities/clusters/0/aliases", "'Al-Sharaa' is not of type 'array'",
          "schema:type")]),
    "schema-missing-required": (
        _del(("entities", "clusters", 0, "name")),
        [(("entities", "clusters", 0), "entities/clusters/0", "'name' is a required property", "schema:required")]),
    "schema-missing-required-top": (
        _del(("annotation",)),
        [((), "", "'annotation' is a required property", "schema:required")]),
    "schema-unknown-label": (
        # the cluster's type is PERSON, so the mention is also reported as differing from it
        _set(("entities", "mentions", 1, "label"), "PERSONA"),
        [(("entities", "mentions", 1, "label"), "entities/mentions/1/label",
          f"'PERSONA' is not one of {ENTITY_LABELS!r}", "schema:enum"),
         (("entities", "mentions", 1, "label"), "entities/mentions/1/label",
          "mention label PERSONA differs from its cluster 'c-trump' type PERSON", "cluster-type")]),
    "schema-unknown-quote-type": (
        _set(("quotes", 0, "type"), "quoted"),
        [(("quotes", 0, "type"), "quotes/0/type", f"'quoted' is not one of {QUOTE_TYPES!r}", "schema:enum")]),
    "schema-unknown-field": (
        _set(("entities", "mentions", 1, "lable"), "PERSON"),
        [(("entities", "mentions", 1), "entities/mentions/1",
          "Additional properties are not allowed ('lable' was unexpected)", "schema:additionalProperties")]),
    "schema-negative-offset": (
        _set(("entities", "mentions", 1, "start"), -1),
        [(("entities", "mentions", 1, "start"), "entities/mentions/1/start", "-1 is less than the minimum of 0", "schema:minimum"),
         (("entities", "mentions", 1, "start"), "entities/mentions/1",
          f"offsets -1:{M1['end']} outside the document text (length {L})", "offset-range")]),
    # offsets and texts
    "offset-range": (
        _set(("entities", "mentions", 1, "end"), L + 3),
        [(("entities", "mentions", 1, "end"), "entities/mentions/1",
          f"offsets {M1['start']}:{L + 3} outside the document text (length {L})", "offset-range")]),
    "offset-range-quote": (
        _set(("quotes", 1, "content", 0, "end"), L + 1),
        [(("quotes", 1, "content", 0, "end"), "quotes/1/content/0",
          f"offsets {TEXT1.index('“It’s')}:{L + 1} outside the document text (length {L})", "offset-range")]),
    "offset-order-empty": (
        _set(("entities", "mentions", 1, "start"), M1["end"]),
        [(("entities", "mentions", 1, "start"), "entities/mentions/1",
          f"empty or reversed span {M1['end']}:{M1['end']} (end is exclusive)", "offset-order")]),
    "offset-order-reversed": (
        _set(("entities", "mentions", 1, "end"), M1["start"] - 1),
        [(("entities", "mentions", 1, "start"), "entities/mentions/1",
          f"empty or reversed span {M1['start']}:{M1['start'] - 1} (end is exclusive)", "offset-order")]),
    "span-text": (
        _set(("entities", "mentions", 1, "text"), "Donald Trum"),
        [(("entities", "mentions", 1, "text"), "entities/mentions/1/text",
          f"span text 'Donald Trum' does not match the document at {M1['start']}:{M1['end']}, which reads 'Donald Trump'",
          "span-text")]),
    "span-text-cue": (
        _set(("quotes", 0, "cue", "text"), "said"),
        [(("quotes", 0, "cue", "text"), "quotes/0/cue/text",
          "span text 'said' does not match the document at {}:{}, which reads 'told'".format(
              TEXT1.index("told"), TEXT1.index("told") + 4), "span-text")]),
    "span-text-missing": (
        _del(("quotes", 0, "speaker", "text")),
        [(("quotes", 0, "speaker"), "quotes/0/speaker", "'text' is a required property", "schema:oneOf"),
         (("quotes", 0, "speaker"), "quotes/0/speaker", "span has no 'text'; gold spans must carry their text", "span-text")]),
    "text-hash": (
        _set(("text_sha256",), "0" * 64),
        [(("text_sha256",), "text_sha256",
          "text_sha256 does not match the document text; the annotation was made on another text", "text-hash")]),
    "ref-document": (
        _set(("doc_id",), "nosuchdoc-01"),
        [(("doc_id",), "doc_id", "unknown document id 'nosuchdoc-01' (not in seeds/manifest.json)", "ref-document")]),
    # references
    "ref-cluster-mention": (
        _set(("entities", "mentions", 2, "cluster"), "c-nobody"),
        [(("entities", "mentions", 2, "cluster"), "entities/mentions/2/cluster", "unknown cluster id 'c-nobody'", "ref-cluster")]),
    "ref-cluster-quote-speaker": (
        _set(("quotes", 3, "speaker_cluster"), "c-nobody"),
        [(("quotes", 3, "speaker_cluster"), "quotes/3/speaker_cluster", "unknown cluster id 'c-nobody'", "ref-cluster")]),
    "ref-cluster-stance-holder": (
        # the holder's evidence quote is then, truthfully, not spoken by the holder either
        _set(("stance", "items", 1, "holder"), "c-nobody"),
        [(("stance", "items", 1, "holder"), "stance/items/1/holder", "unknown holder cluster 'c-nobody'", "ref-cluster"),
         (("stance", "items", 1, "evidence", 0), "stance/items/1/evidence/0",
          "evidence quote 'q3' is spoken by 'c-sharaa', not by the holder 'c-nobody'", "evidence-holder")]),
    "ref-cluster-entity-target": (
        _set(("stance", "targets", 0, "cluster"), "c-nobody"),
        [(("stance", "targets", 0, "cluster"), "stance/targets/0/cluster", "unknown cluster id 'c-nobody'", "ref-cluster")]),
    "ref-target": (
        _set(("stance", "items", 0, "target"), "t-nothing"),
        [(("stance", "items", 0, "target"), "stance/items/0/target", "unknown target id 't-nothing'", "ref-target")]),
    "ref-quote": (
        _set(("stance", "items", 0, "evidence"), ["q1", "q-missing"]),
        [(("stance", "items", 0, "evidence", 1), "stance/items/0/evidence/1", "unknown quote id 'q-missing'", "ref-quote")]),
    "evidence-holder": (
        _set(("stance", "items", 1, "evidence"), ["q3", "q1"]),
        [(("stance", "items", 1, "evidence", 1), "stance/items/1/evidence/1",
          "evidence quote 'q1' is spoken by 'c-trump', not by the holder 'c-sharaa'", "evidence-holder")]),
    # unique ids
    "unique-id-cluster": (
        _append(("entities", "clusters"), {"id": "c-trump", "name": "Trump", "type": "PERSON"}),
        [(("entities", "clusters", 4, "id"), "entities/clusters/4/id", "duplicate cluster id 'c-trump'", "unique-id")]),
    "unique-id-quote": (
        _append(("quotes",), {"id": "q4", "type": "indirect", "content": [span("the ceasefire with the SDF was a pivotal step")],
                              "cue": None, "speaker": None, "speaker_cluster": "c-trump"}),
        [(("quotes", 4, "id"), "quotes/4/id", "duplicate quote id 'q4'", "unique-id")]),
    "unique-id-target": (
        _append(("stance", "targets"), {"id": "t-unity", "kind": "topic", "description": "something else"}),
        [(("stance", "targets", 2, "id"), "stance/targets/2/id", "duplicate target id 't-unity'", "unique-id")]),
    "unique-id-stance-item": (
        _set(("stance", "items", 3, "id"), "s1"),
        [(("stance", "items", 3, "id"), "stance/items/3/id", "duplicate stance item id 's1'", "unique-id")]),
    "unique-id-mention": (
        lambda rec: (set_at(rec, ("entities", "mentions", 1, "id"), "m1"), set_at(rec, ("entities", "mentions", 2, "id"), "m1")),
        [(("entities", "mentions", 2, "id"), "entities/mentions/2/id", "duplicate mention id 'm1'", "unique-id")]),
    # duplicates
    "duplicate-span-mention": (
        _append(("entities", "mentions"), mention("Ahmed Al-Sharaa", "PERSON", "c-sharaa")),
        [(("entities", "mentions", 6), "entities/mentions/6", f"duplicate mention span {M0['start']}:{M0['end']}", "duplicate-span")]),
    "duplicate-span-quote": (
        lambda rec: rec["quotes"].append({**copy.deepcopy(rec["quotes"][3]), "id": "q5"}),
        [(("quotes", 4, "content"), "quotes/4/content",
          "duplicate quote content [({}, {})]".format(TEXT1.index("Trump agreed on"),
                                                       TEXT1.index("disputes.”") + len("disputes.”")), "duplicate-span")]),
    "duplicate-item": (
        _append(("stance", "items"), {"id": "s5", "holder": "c-trump", "target": "t-syria", "label": "AGAINST", "evidence": ["q2"]}),
        [(("stance", "items", 4), "stance/items/4",
          "second stance item for holder/target ('c-trump', 't-syria'); one item per pair", "duplicate-item")]),
    # invariants
    "cluster-type": (
        _set(("entities", "mentions", 3, "label"), "LOC"),
        [(("entities", "mentions", 3, "label"), "entities/mentions/3/label",
          "mention label LOC differs from its cluster 'c-syria' type GPE", "cluster-type")]),
    # span edges (F-3, E-3.7, Q-3.2): whitespace, a trailing comma on a mention, on indirect content
    "span-whitespace": (
        _respan(1, M1["start"], M1["end"] + 1),
        [(("entities", "mentions", 1), "entities/mentions/1",
          f"span {TEXT1[M1['start']:M1['end'] + 1]!r} starts or ends with whitespace; trim it (F-3)", "span-whitespace")]),
    "span-punct": (
        _respan(2, COMMA["start"], COMMA["end"]),
        [(("entities", "mentions", 2), "entities/mentions/2",
          f"mention span {COMMA['text']!r} includes a ',' at its edge; punctuation is excluded (E-3.7)", "span-punct")]),
    "span-punct-indirect": (
        _indirect_with_comma,
        [(("quotes", 0, "content", 0), "quotes/0/content/0", "INDIRECT", "span-punct")]),
    "cluster-unused": (
        _append(("entities", "clusters"), {"id": "c-assad", "name": "Bashar Al-Assad", "type": "PERSON"}),
        [(("entities", "clusters", 4), "entities/clusters/4", "cluster 'c-assad' has no mention", "cluster-unused", "warning")]),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_each_rule_exact_message_and_line(tmp_path, case):
    breaker, expected = CASES[case]
    rec = valid_annotation()
    breaker(rec)
    f = write_pretty(tmp_path / f"{DOC1}.json", rec)
    if case == "span-punct-indirect":   # the message names the content, which the breaker made
        text = rec["quotes"][0]["content"][0]["text"]
        expected = [(lp, jp, f"indirect content {text!r} ends with ','; the separating punctuation is excluded (Q-3.2)",
                     rule) for lp, jp, _, rule in expected]
    want = sorted(fmt(f, expected_line(rec, lp), jp, msg, rule, *sev) for lp, jp, msg, rule, *sev in expected)
    got = messages(validate([f]))
    assert got == want


def test_every_rule_has_a_case():
    rules = {exp[3] for _, exps in CASES.values() for exp in exps}
    for rule in ("offset-range", "offset-order", "span-text", "text-hash", "ref-document", "ref-cluster", "ref-target",
                 "ref-quote", "evidence-holder", "unique-id", "duplicate-span", "duplicate-item", "cluster-type",
                 "schema:type", "schema:required", "schema:enum", "span-whitespace", "span-punct"):
        assert rule in rules


def test_rule_case_through_cli_exits_1(tmp_path):
    breaker, expected = CASES["ref-target"]
    rec = valid_annotation()
    breaker(rec)
    f = write_pretty(tmp_path / f"{DOC1}.json", rec)
    r = subprocess.run([str(NEWSGOLD), "validate", str(f)], capture_output=True, text=True)
    assert r.returncode == 1
    lp, jp, msg, rule = expected[0]
    assert r.stdout.splitlines() == [fmt(f, expected_line(rec, lp), jp, msg, rule),
                                     f"FAILED: {f}: 1 error(s), 0 warning(s)"]
    assert "Traceback" not in r.stderr


def test_warning_only_file_exits_0(tmp_path):
    breaker, _ = CASES["cluster-unused"]
    rec = valid_annotation()
    breaker(rec)
    f = write_pretty(tmp_path / f"{DOC1}.json", rec)
    r = subprocess.run([str(NEWSGOLD), "validate", str(f)], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout
    assert r.stdout.splitlines()[-1] == f"OK: {f}: 0 error(s), 1 warning(s)"


def test_all_problems_in_one_file_are_reported(tmp_path):
    rec = valid_annotation()
    picked = ["span-text", "ref-cluster-mention", "ref-target", "schema-unknown-quote-type", "unique-id-cluster",
              "duplicate-span-mention", "offset-range-quote", "ref-quote"]
    want = []
    for case in picked:
        breaker, _ = CASES[case]
        breaker(rec)
    f = write_pretty(tmp_path / f"{DOC1}.json", rec)
    for case in picked:
        for lp, jp, msg, rule, *sev in CASES[case][1]:
            want.append(fmt(f, expected_line(rec, lp), jp, msg, rule, *sev))
    assert messages(validate([f])) == sorted(want)
    assert len(want) == len(picked)


def test_problems_in_several_files_are_all_reported(tmp_path):
    a = valid_annotation()
    CASES["ref-target"][0](a)
    b = valid_annotation()
    b["doc_id"] = "nosuchdoc-01"
    fa = write_pretty(tmp_path / "a.json", a)
    fb = write_pretty(tmp_path / "b.json", b)
    got = messages(validate([tmp_path]))
    assert len(got) == 2
    assert any(m.startswith(f"{fa}:") and "[ref-target]" in m for m in got)
    assert any(m.startswith(f"{fb}:") and "[ref-document]" in m for m in got)


# ---------------------------------------------------------------- gold documents JSONL

def _gold_lines(tmp_path, mutate) -> tuple[Path, list[dict]]:
    recs = [gold_record(DOC1, valid_annotation()), gold_record(DOC2)]
    mutate(recs)
    f = tmp_path / "gold.jsonl"
    f.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in recs), encoding="utf-8")
    return f, recs


def test_gold_jsonl_zones_must_tile(tmp_path):
    def mutate(recs):
        recs[1]["zones"][2]["start"] += 1
    f, recs = _gold_lines(tmp_path, mutate)
    z = recs[1]["zones"]
    assert messages(validate([f])) == [fmt(f, 2, "zones/2/start",
                                           f"zones must tile the text: zone starts at {z[2]['start']}, previous zone ended at {z[1]['end']}",
                                           "zones-tile")]


def test_gold_jsonl_text_hash_and_layers(tmp_path):
    def mutate(recs):
        recs[0]["text_sha256"] = "f" * 64
        recs[0]["entities"]["mentions"][1]["text"] = "Donald Trum"
    f, _ = _gold_lines(tmp_path, mutate)
    assert messages(validate([f])) == sorted([
        fmt(f, 1, "text_sha256", "text_sha256 does not match the text", "text-hash"),
        fmt(f, 1, "entities/mentions/1/text",
            f"span text 'Donald Trum' does not match the document at {M1['start']}:{M1['end']}, which reads 'Donald Trump'", "span-text"),
    ])


def test_gold_jsonl_text_differs_from_seed(tmp_path):
    def mutate(recs):
        recs[1]["text"] = recs[1]["text"].replace("Hamas", "HAMAS", 1)
        recs[1]["text_sha256"] = sha(recs[1]["text"])
    f, _ = _gold_lines(tmp_path, mutate)
    assert messages(validate([f])) == [fmt(f, 2, "text", f"text of {DOC2!r} differs from the seed slice", "text-seed")]


def test_gold_jsonl_duplicate_document(tmp_path):
    f, _ = _gold_lines(tmp_path, lambda recs: recs.append(copy.deepcopy(recs[1])))
    assert messages(validate([f])) == [fmt(f, 3, "id", f"duplicate document id {DOC2!r}", "unique-id")]


# ---------------------------------------------------------------- manifest and seeds (tampered copies)

def _manifest_copy(tmp_path, mutate_manifest=None, mutate_seed=None) -> tuple[Path, dict]:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    man = copy.deepcopy(MANIFEST)
    for s in man["sources"]:
        raw = (SEEDS / s["file"]).read_bytes()
        if mutate_seed:
            raw = mutate_seed(raw)
        (seeds / s["file"]).write_bytes(raw)
    if mutate_manifest:
        mutate_manifest(man)
    return write_pretty(seeds / "manifest.json", man), man


def test_manifest_copy_is_clean(tmp_path):
    path, _ = _manifest_copy(tmp_path)
    _, docs, problems = read_manifest(path)
    assert problems == []
    assert {i: d["text"] for i, d in docs.items()} == {i: doc_text(i) for i in DOCS}


def test_seed_hash_tampered_manifest(tmp_path):
    def mutate(man):
        man["sources"][0]["sha256"] = "0" * 64
    path, man = _manifest_copy(tmp_path, mutate)
    _, _, problems = read_manifest(path)
    real = hashlib.sha256((SEEDS / man["sources"][0]["file"]).read_bytes()).hexdigest()
    assert messages(problems) == [fmt(path, expected_line(man, ("sources", 0, "sha256")), "sources/0/sha256",
                                      f"seed file {man['sources'][0]['file']} has sha256 {real}, manifest says {'0' * 64}: "
                                      "seeds are never edited", "seed-hash")]


def test_seed_hash_tampered_seed(tmp_path):
    # an edited seed is caught twice: its own hash, and the hash of the document it changes
    source = DOCS[DOC2]["source"]

    def mutate_seed(raw: bytes) -> bytes:
        if raw != (SEEDS / source).read_bytes():
            return raw                                          # only the seed of document 02 is edited
        assert raw.count(b"Hamas said in a statement") == 1   # inside document 02
        return raw.replace(b"Hamas said in a statement", b"HAmas said in a statement")
    path, man = _manifest_copy(tmp_path, mutate_seed=mutate_seed)
    _, _, problems = read_manifest(path)
    got = sorted(problems, key=lambda p: p.rule)
    assert [p.rule for p in got] == ["seed-hash", "text-hash"]
    assert str(got[1]) == fmt(path, expected_line(man, ("documents", 1, "text_sha256")), "documents/1/text_sha256",
                         "document text hash does not match the seed slice", "text-hash")


def test_zones_tile_in_manifest(tmp_path):
    def mutate(man):
        man["documents"][0]["zones"][3]["start"] += 1
    path, man = _manifest_copy(tmp_path, mutate)
    _, _, problems = read_manifest(path)
    z = man["documents"][0]["zones"]
    assert messages(problems) == [fmt(path, expected_line(man, ("documents", 0, "zones", 3, "start")),
                                      "documents/0/zones/3/start",
                                      f"zones must tile the text: zone starts at {z[3]['start']}, previous zone ended at {z[2]['end']}",
                                      "zones-tile")]


def test_zones_must_reach_the_end_in_manifest(tmp_path):
    def mutate(man):
        man["documents"][1]["zones"][-1]["end"] -= 1
    path, man = _manifest_copy(tmp_path, mutate)
    _, _, problems = read_manifest(path)
    n = len(doc_text(DOC2))
    assert messages(problems) == [fmt(path, expected_line(man, ("documents", 1, "zones")), "documents/1/zones",
                                      f"zones end at {n - 1} but the text has {n} characters", "zones-tile")]


def test_duplicate_document_id_in_manifest(tmp_path):
    def mutate(man):
        man["documents"][1]["id"] = man["documents"][0]["id"]
    path, man = _manifest_copy(tmp_path, mutate)
    _, _docs, problems = read_manifest(path)
    assert messages(problems) == [fmt(path, expected_line(man, ("documents", 1, "id")), "documents/1/id",
                                      f"duplicate document id {DOC1!r}", "unique-id")]


def test_seed_hash_through_cli_with_tampered_home(tmp_path):
    """The real command on a copy of the repository whose manifest no longer matches its seed."""
    home = tmp_path / "home"
    home.mkdir()
    (home / "schema").symlink_to(ROOT / "schema")
    (home / "VERSION").write_text("0.0.0-test\n")
    (home / "annotations" / "gold").mkdir(parents=True)
    path, man = _manifest_copy(home, lambda m: m["sources"][0].__setitem__("sha256", "1" * 64))
    write_pretty(home / "annotations" / "gold" / f"{DOC1}.json", valid_annotation())
    env = {**os.environ, "NEWSGOLD_HOME": str(home)}
    r = subprocess.run([str(NEWSGOLD), "validate"], capture_output=True, text=True, env=env)
    assert r.returncode == 1, r.stdout + r.stderr
    line = expected_line(man, ("sources", 0, "sha256"))
    assert f"{path}:{line}: sources/0/sha256: seed file " in r.stdout
    assert "[seed-hash]" in r.stdout
    assert "Traceback" not in r.stdout + r.stderr


# ---------------------------------------------------------------- predictions JSONL

def pred(doc_id=DOC1, entities=None, **extra) -> dict:
    rec = {"doc_id": doc_id, "system": "test"}
    if entities is not None:
        rec["entities"] = entities
    rec.update(extra)
    return rec


def ent(needle, label="PERSON", after=0, text=TEXT1, with_text=True) -> dict:
    s = span(needle, after, text)
    if not with_text:
        del s["text"]
    return {**s, "label": label}


GOOD_LINE = pred(DOC1, [ent("Donald Trump"), ent("Syria", "GPE")])
GOOD_LINE_2 = pred(DOC2, [ent("Hamas", "ORG", text=doc_text(DOC2))])


def write_jsonl(path: Path, recs) -> Path:
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r, ensure_ascii=False)) + "\n" for r in recs),
                    encoding="utf-8")
    return path


@pytest.fixture
def gold_jsonl(tmp_path):
    return write_gold_jsonl(tmp_path / "gold.jsonl")


def test_predictions_valid(tmp_path, gold_jsonl):
    f = write_jsonl(tmp_path / "p.jsonl", [GOOD_LINE, GOOD_LINE_2])
    assert validate([f], gold_path=gold_jsonl) == []


def test_predictions_unknown_document(tmp_path, gold_jsonl):
    f = write_jsonl(tmp_path / "p.jsonl", [GOOD_LINE, pred("nosuchdoc-01", [])])
    assert messages(validate([f], gold_path=gold_jsonl)) == [
        fmt(f, 2, "doc_id", f"unknown document id 'nosuchdoc-01'; the gold has 2 documents ({DOC1}, {DOC2})", "ref-document")]


def test_predictions_offsets_out_of_range(tmp_path, gold_jsonl):
    n2 = len(doc_text(DOC2))
    f = write_jsonl(tmp_path / "p.jsonl", [GOOD_LINE, pred(DOC2, [{"start": n2 - 2, "end": n2 + 5, "label": "ORG"}])])
    assert messages(validate([f], gold_path=gold_jsonl)) == [
        fmt(f, 2, "entities/0", f"offsets {n2 - 2}:{n2 + 5} outside the document text (length {n2})", "offset-range")]


def test_predictions_text_mismatch(tmp_path, gold_jsonl):
    e = ent("Donald Trump")
    e["text"] = "Donald"
    f = write_jsonl(tmp_path / "p.jsonl", [GOOD_LINE_2, pred(DOC1, [ent("Syria", "GPE"), e])])
    assert messages(validate([f], gold_path=gold_jsonl)) == [
        fmt(f, 2, "entities/1/text",
            f"span text 'Donald' does not match the document at {M1['start']}:{M1['end']}, which reads 'Donald Trump'", "span-text")]


def test_predictions_quote_offsets_checked(tmp_path, gold_jsonl):
    f = write_jsonl(tmp_path / "p.jsonl", [pred(DOC1, quotes=[{"content": [{"start": 10, "end": 5}]}])])
    assert messages(validate([f], gold_path=gold_jsonl)) == [
        fmt(f, 1, "quotes/0/content/0", "empty or reversed span 10:5 (end is exclusive)", "offset-order")]


def test_predictions_unknown_label_mentions_label_map(tmp_path, gold_jsonl):
    f = write_jsonl(tmp_path / "p.jsonl", [pred(DOC1, [ent("Donald Trump", "PER")])])
    got = messages(validate([f], gold_path=gold_jsonl))
    assert got == [fmt(f, 1, "entities/0/label",
                       f"label 'PER' is not in the inventory ({', '.join(sorted(ENTITY_LABELS))}); pass --label-map to map it",
                       "label-inventory")]
    assert "--label-map" in got[0]


def test_predictions_duplicate_document_line(tmp_path, gold_jsonl):
    f = write_jsonl(tmp_path / "p.jsonl", [GOOD_LINE, GOOD_LINE_2, GOOD_LINE])
    assert messages(validate([f], gold_path=gold_jsonl)) == [
        fmt(f, 3, "doc_id", f"second line for document {DOC1!r}; one line per document", "unique-id")]


def test_predictions_duplicate_and_overlap_are_warnings(tmp_path, gold_jsonl):
    dup = pred(DOC1, [ent("Donald Trump"), ent("Donald Trump")])
    s = TEXT1.index("Donald Trump")
    over = pred(DOC2, [ent("Hamas", "ORG", text=doc_text(DOC2)),
                       {"start": 2, "end": 8, "label": "ORG"}])
    f = write_jsonl(tmp_path / "p.jsonl", [dup, over])
    got = messages(validate([f], gold_path=gold_jsonl))
    assert got == sorted([
        fmt(f, 1, "entities/1", f"duplicate prediction ({s}, {s + 12}, 'PERSON'); the copy can match nothing and counts as spurious",
            "duplicate-prediction", "warning"),
        fmt(f, 2, "entities/1", "span 2:8 overlaps prediction entities/0; both are kept and matched one-to-one",
            "overlapping-prediction", "warning"),
    ])
    r = subprocess.run([str(NEWSGOLD), "validate", str(f), "--gold", str(gold_jsonl)], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.splitlines()[-1] == f"OK: {f}: 0 error(s), 2 warning(s)"


def test_predictions_schema_error(tmp_path, gold_jsonl):
    bad = pred(DOC1, [{"start": "664", "end": 676, "label": "PERSON"}])
    f = write_jsonl(tmp_path / "p.jsonl", [GOOD_LINE_2, bad])
    assert messages(validate([f], gold_path=gold_jsonl)) == [
        fmt(f, 2, "entities/0/start", "'664' is not of type 'integer'", "schema:type")]


def test_predictions_missing_doc_id(tmp_path, gold_jsonl):
    f = write_jsonl(tmp_path / "p.jsonl", [{"entities": []}])
    assert messages(validate([f], gold_path=gold_jsonl)) == sorted([
        fmt(f, 1, "", "'doc_id' is a required property", "schema:required"),
        fmt(f, 1, "doc_id", f"unknown document id None; the gold has 2 documents ({DOC1}, {DOC2})", "ref-document"),
    ])


def test_predictions_all_problems_reported(tmp_path, gold_jsonl):
    lines = [pred("nosuchdoc-01", []),
             pred(DOC1, [ent("Donald Trump", "PER")]),
             pred(DOC1, []),
             pred(DOC2, [{"start": 0, "end": 10 ** 6, "label": "ORG"}])]
    f = write_jsonl(tmp_path / "p.jsonl", lines)
    got = validate([f], gold_path=gold_jsonl)
    assert sorted((p.line, p.rule) for p in got) == [(1, "ref-document"), (2, "label-inventory"), (3, "unique-id"),
                                                     (4, "offset-range")]


def test_predictions_against_an_invalid_gold_stops_cleanly(tmp_path):
    gold = tmp_path / "gold.jsonl"
    rec = gold_record(DOC1)
    rec["text_sha256"] = "0" * 64
    write_jsonl(gold, [rec])
    f = write_jsonl(tmp_path / "p.jsonl", [GOOD_LINE])
    r = subprocess.run([str(NEWSGOLD), "validate", str(f), "--gold", str(gold)], capture_output=True, text=True)
    assert r.returncode == 1
    assert f"{gold}:1: text_sha256: text_sha256 does not match the text [text-hash]" in r.stderr
    assert "Traceback" not in r.stdout + r.stderr


# ---------------------------------------------------------------- property test

SPAN_LEN = st.integers(1, 40)


def _trim(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and (text[s].isspace() or text[s] in ",;:"):
        s += 1
    while e > s and (text[e - 1].isspace() or text[e - 1] in ",;:"):
        e -= 1
    return s, e


@st.composite
def annotation_records(draw):
    text = TEXT1
    n = len(text)
    starts = st.integers(0, n - 1)
    mk = lambda s, k: _trim(text, s, min(n, s + k))   # gold spans have no space, comma, semicolon or colon at an edge
    spans = st.builds(mk, starts, SPAN_LEN).filter(lambda se: se[0] < se[1])
    mention_spans = draw(st.lists(spans, min_size=1, max_size=10, unique=True))
    n_clusters = draw(st.integers(1, len(mention_spans)))
    labels = draw(st.lists(st.sampled_from(ENTITY_LABELS), min_size=n_clusters, max_size=n_clusters))
    extra = draw(st.lists(st.integers(0, n_clusters - 1), min_size=len(mention_spans) - n_clusters,
                          max_size=len(mention_spans) - n_clusters))
    assign = draw(st.permutations(list(range(n_clusters)) + extra))   # every cluster gets a mention

    def gspan(s, e):
        return {"start": s, "end": e, "text": text[s:e]}

    mentions = [{**gspan(s, e), "label": labels[a], "cluster": f"c{a}"} for (s, e), a in zip(mention_spans, assign)]
    clusters = [{"id": f"c{i}", "name": f"entity {i}", "type": labels[i]} for i in range(n_clusters)]
    cluster_ids = [c["id"] for c in clusters]

    contents = draw(st.lists(st.lists(spans, min_size=1, max_size=2, unique=True)
                             .map(sorted).map(tuple), max_size=4, unique=True))
    quotes = []
    for k, content in enumerate(contents):
        opt_span = st.none() | spans.map(lambda se: gspan(*se))
        quotes.append({"id": f"q{k}", "type": draw(st.sampled_from(QUOTE_TYPES)),
                       "content": [gspan(s, e) for s, e in content],
                       "cue": draw(opt_span), "speaker": draw(opt_span),
                       "speaker_cluster": draw(st.none() | st.sampled_from(cluster_ids))})

    targets = [{"id": f"t{i}", "kind": "entity", "cluster": c, "description": f"target {i}"}
               for i, c in enumerate(draw(st.lists(st.sampled_from(cluster_ids), max_size=3)))]
    targets.append({"id": f"t{len(targets)}", "kind": "topic", "description": "a topic"})
    items = []
    holders = sorted({q["speaker_cluster"] for q in quotes if q["speaker_cluster"] is not None})
    for h in holders:                       # the complete matrix (S-7): every holder x every target
        own = [q["id"] for q in quotes if q["speaker_cluster"] == h]
        for t in [t["id"] for t in targets]:
            label = draw(st.sampled_from(["FAVOR", "AGAINST", "NEUTRAL", "NONE"]))
            evidence = [] if label == "NONE" else draw(st.lists(st.sampled_from(own), min_size=1, max_size=len(own), unique=True))
            items.append({"id": f"s{len(items)}", "holder": h, "target": t, "label": label, "evidence": evidence})
    return {"doc_id": DOC1, "text_sha256": sha(text),
            "annotation": {"annotator": "hypothesis", "annotator_kind": "machine"},
            "entities": {"mentions": mentions, "clusters": clusters},
            "quotes": quotes, "stance": {"targets": targets, "items": items}}


def span_paths(rec) -> list[tuple]:
    out = [("entities", "mentions", i) for i in range(len(rec["entities"]["mentions"]))]
    for i, q in enumerate(rec["quotes"]):
        out += [("quotes", i, "content", j) for j in range(len(q["content"]))]
        out += [("quotes", i, part) for part in ("cue", "speaker") if q[part] is not None]
    return out


def _line_of(p):
    return 1


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(annotation_records())
def test_random_valid_records_pass(rec):
    assert check_gold_layers(rec, TEXT1, "f.json", _line_of) == []
    assert schema_problems("annotation", rec, "f.json", _line_of) == []


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(annotation_records(), st.data())
def test_any_corrupted_offset_is_caught(rec, data):
    path = data.draw(st.sampled_from(span_paths(rec)), label="span")
    key = data.draw(st.sampled_from(["start", "end"]), label="key")
    delta = data.draw(st.integers(-60, 60).filter(bool), label="delta")
    obj = rec
    for k in path:
        obj = obj[k]
    obj[key] += delta
    where = "/".join(map(str, path))
    problems = [p for p in check_gold_layers(rec, TEXT1, "f.json", _line_of) if p.severity == "error"]
    assert any(p.path == where or p.path.startswith(where + "/") for p in problems), (where, key, delta, problems)
    assert any(p.rule in ("offset-range", "offset-order", "span-text") and p.path.split("/text")[0] == where
               for p in problems)


# ---------------------------------------------------------------- the sentinel line helper itself

def test_expected_line_helper_is_sane():
    rec = valid_annotation()
    text = pretty(rec).splitlines()
    assert text[expected_line(rec, ("doc_id",)) - 1].strip() == f'"doc_id": "{DOC1}",'
    assert text[expected_line(rec, ("entities", "mentions", 1)) - 1].strip() == "{"
    assert text[expected_line(rec, ("entities", "mentions", 1, "start")) - 1].strip() == f'"start": {M1["start"]},'


def test_validate_accepts_a_label_maps_labels_as_score_does(tmp_path):
    """CoNLL-2003 labels are outside the OntoNotes inventory; with --label-map ontonotes_to_conll2003
    validate accepts them, as score does with the same option (and still rejects an unknown one)."""
    from newsgold import cli
    text = json.loads((ROOT / "data" / "documents" / "test.jsonl").read_text(encoding="utf-8").splitlines()[0])
    doc_id = text["id"]
    s = text["text"].index("Syria")
    rec = {"doc_id": doc_id, "entities": [{"start": s, "end": s + 5, "label": "LOC"}, {"start": s, "end": s + 5, "label": "MISC"}]}
    path = tmp_path / "conll.jsonl"
    path.write_text(json.dumps(rec) + "\n", encoding="utf-8")
    assert cli.main(["validate", str(path)]) == 1
    assert cli.main(["validate", str(path), "--label-map", "ontonotes_to_conll2003"]) == 0
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps({**rec, "entities": [{"start": s, "end": s + 5, "label": "TOWN"}]}) + "\n", encoding="utf-8")
    assert cli.main(["validate", str(bad), "--label-map", "ontonotes_to_conll2003"]) == 1


def test_problems_are_the_same_without_packing_spans(tmp_path):
    # issue 25: validate reads predictions without packing their spans; the problems must not change
    from newsgold.gold.load import load_gold
    from newsgold.scoring.predictions import read_predictions
    root = Path(__file__).resolve().parents[1]
    lines = (root / "baselines" / "rules.jsonl").read_text(encoding="utf-8").splitlines()
    bad = json.loads(lines[0])
    bad["entities"] = bad["entities"][:2] + [{"start": 3, "end": 2, "label": "PERSON"}, {"start": 0, "end": 5, "label": "NOPE"}]
    path = tmp_path / "p.jsonl"
    path.write_text("\n".join([json.dumps(bad), *lines[1:], lines[1]]) + "\n", encoding="utf-8")
    gold = load_gold()
    packed, p1 = read_predictions(path, gold)
    bare, p2 = read_predictions(path, gold, pack=False)
    assert p1 == p2 and len(p1) >= 3
    assert len(packed.spans) > 0 and len(bare.spans) == 0


def test_validate_reads_a_trusted_gold_without_its_spans_and_finds_the_same(tmp_path, monkeypatch):
    """``validate --gold G P`` checks predictions against the texts: a trusted gold is read without
    its spans (the span cache is not read), and every problem is the one a gold with spans gives."""
    import importlib.util

    from newsgold.gold import read as gold_read
    from newsgold.gold import spancache
    from newsgold.gold.load import load_gold
    monkeypatch.setenv("NEWSGOLD_CACHE_DIR", str(tmp_path / "cache"))
    # the generator is the code's, not the data's: from this checkout, whatever NEWSGOLD_HOME points at
    spec = importlib.util.spec_from_file_location("bench_generate", Path(__file__).resolve().parents[1] / "benchmarks" / "generate.py")
    generate = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generate)
    generate.generate(60, 4, tmp_path / "c", quiet=True, quotes=True)
    gold, pred = tmp_path / "c" / "gold.jsonl", tmp_path / "c" / "predictions.jsonl"
    lines = pred.read_text(encoding="utf-8").splitlines()
    bad = json.loads(lines[3])
    bad["entities"][0]["end"] = 10 ** 6                      # a problem, so that the comparison can fail
    pred.write_text("\n".join([*lines[:3], json.dumps(bad), *lines[4:]]) + "\n", encoding="utf-8")
    first = validate([pred], gold_path=gold)                 # validates the gold and trusts it
    loads = []
    real = spancache.load
    monkeypatch.setattr(spancache, "load", lambda key: loads.append(key) or real(key))
    again = validate([pred], gold_path=gold)
    assert loads == [] and again == first and any(p.rule == "offset-range" for p in again)
    with gold_read.without_spans():
        bare = load_gold(gold)
    assert len(bare.docs.spans) == 0 and len(load_gold(gold).docs.spans) == 60     # the block ends: spans again
    assert loads                                                                    # ... from the span cache
