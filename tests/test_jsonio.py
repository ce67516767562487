"""Reading files safely: every bad file gives a clear problem naming file and line, never a traceback.

Unit tests of :mod:`newsgold.jsonio`, then bad files through the real ``newsgold``
command, then a large predictions file whose validation must stream (flat memory).
"""
from __future__ import annotations

import copy
import hashlib
import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsgold.core import jsonio
from newsgold.core.jsonio import BOM, dump_json, dump_jsonl, iter_jsonl, line_for, locate_lines, read_json, write_atomic
from newsgold.core.repository import current

ROOT = current().root   # NEWSGOLD_HOME, when set, points the data tests at another copy
SEEDS = ROOT / "seeds"
MANIFEST = json.loads((SEEDS / "manifest.json").read_text(encoding="utf-8"))
SOURCES = {s["file"]: (SEEDS / s["file"]).read_bytes().decode("utf-8") for s in MANIFEST["sources"]}
DOCS = {d["id"]: d for d in MANIFEST["documents"]}
DOC1, DOC2 = MANIFEST["documents"][0]["id"], MANIFEST["documents"][1]["id"]
NEWSGOLD = Path(sys.executable).with_name("newsgold")


def doc_text(doc_id):
    d = DOCS[doc_id]
    return SOURCES[d["source"]][d["start"]:d["end"]]


TEXT1 = doc_text(DOC1)


def sha(text):
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def annotation(notes: str = "plain") -> dict:
    i = TEXT1.index("Donald Trump")
    return {"doc_id": DOC1, "text_sha256": sha(TEXT1),
            "annotation": {"annotator": "test", "annotator_kind": "machine", "notes": notes},
            "entities": {"mentions": [{"start": i, "end": i + 12, "text": "Donald Trump", "label": "PERSON", "cluster": "c1"}],
                         "clusters": [{"id": "c1", "name": "Donald Trump", "type": "PERSON"}]},
            "quotes": [], "stance": {"targets": [], "items": []}}


def pretty(obj) -> str:
    return json.dumps(obj, ensure_ascii=False, indent=2) + "\n"


def gold_record(doc_id):
    d, text = DOCS[doc_id], doc_text(doc_id)
    return {"id": doc_id, "text": text, "text_sha256": sha(text),
            "metadata": {"headline": d["metadata"]["headline"], "language": d["metadata"]["language"]},
            "zones": copy.deepcopy(d["zones"]),
            "entities": {"mentions": [], "clusters": []}, "quotes": [], "stance": {"targets": [], "items": []}}


PRED = {"doc_id": DOC1, "entities": [{"start": TEXT1.index("Donald Trump"), "end": TEXT1.index("Donald Trump") + 12,
                                      "label": "PERSON"}]}
PRED_LINE = json.dumps(PRED)
PRED2_LINE = json.dumps({"doc_id": DOC2, "entities": []})


def line_containing(text: str, needle: str) -> int:
    hits = [n for n, line in enumerate(text.split("\n"), 1) if needle in line]
    assert len(hits) == 1, hits
    return hits[0]


# ---------------------------------------------------------------- read_json

def test_read_json_ok(tmp_path):
    f = tmp_path / "a.json"
    f.write_text(pretty({"a": [1, "é"]}), encoding="utf-8")
    value, text, problems = read_json(f)
    assert value == {"a": [1, "é"]} and problems == [] and text == f.read_text(encoding="utf-8")


def test_read_json_missing(tmp_path):
    value, _, problems = read_json(tmp_path / "nope.json")
    assert value is None
    assert [(p.line, p.rule) for p in problems] == [(0, "file")]
    assert "cannot open" in problems[0].message


@pytest.mark.parametrize("content", [b"", b"   \n\n", BOM])
def test_read_json_empty(tmp_path, content):
    f = tmp_path / "a.json"
    f.write_bytes(content)
    value, _, problems = read_json(f)
    assert value is None
    assert problems[-1].rule == "empty" and problems[-1].severity == "error"


def test_read_json_bom_is_reported_but_content_still_read(tmp_path):
    f = tmp_path / "a.json"
    f.write_bytes(BOM + b'{"a": 1}\n')
    value, _, problems = read_json(f)
    assert value == {"a": 1}
    assert [(p.line, p.rule, p.severity) for p in problems] == [(1, "encoding", "error")]


def test_read_json_crlf_first_line_reported(tmp_path):
    f = tmp_path / "a.json"
    f.write_bytes(b'{\n  "a": 1,\r\n  "b": 2\r\n}\r\n')
    value, _, problems = read_json(f)
    assert value == {"a": 1, "b": 2}
    assert [(p.line, p.rule, p.severity) for p in problems] == [(2, "line-ends", "error")]
    _, _, problems = read_json(f, allow_crlf=True)
    assert [(p.line, p.severity) for p in problems] == [(2, "warning")]


def test_read_json_latin1_line(tmp_path):
    f = tmp_path / "a.json"
    f.write_bytes('{\n  "a": 1,\n  "b": "café"\n}\n'.encode("latin-1"))
    value, _, problems = read_json(f)
    assert value is None
    assert [str(p) for p in problems] == [f"{f}:3: (record): not valid UTF-8: byte 0xe9 (save the file as UTF-8) [encoding]"]


def test_read_json_malformed_points_at_the_line(tmp_path):
    f = tmp_path / "a.json"
    f.write_text('{\n  "a": 1\n  "b": 2\n}\n')
    _, _, problems = read_json(f)
    assert [str(p) for p in problems] == [f"{f}:3: (record): malformed JSON: Expecting ',' delimiter (column 3) [json]"]


def test_read_json_too_big(tmp_path, monkeypatch):
    monkeypatch.setattr(jsonio, "MAX_RECORD_BYTES", 10)
    f = tmp_path / "a.json"
    f.write_text('{"a": "0123456789"}')
    value, _, problems = read_json(f)
    assert value is None and [p.rule for p in problems] == ["size"]


def test_truncated_json_at_every_cut_point(tmp_path):
    """Wherever a pretty file is cut (inside a string, a number, a literal, between fields), it is called truncated."""
    text = pretty({"doc_id": DOC1, "n": [1, 23, -4.5], "ok": True, "none": None, "s": "a “curly” \\ b"})
    f = tmp_path / "a.json"
    for cut in range(1, len(text.rstrip())):
        f.write_text(text[:cut], encoding="utf-8")
        value, _, problems = read_json(f)
        assert value is None, cut
        assert len(problems) == 1, (cut, problems)
        p = problems[0]
        assert p.rule == "json" and p.message.startswith("truncated JSON"), (cut, text[:cut], p)
        assert p.line == text[:cut].count("\n") + 1 or p.line == text[:cut].rstrip().count("\n") + 1, (cut, p)


# ---------------------------------------------------------------- iter_jsonl

def rows(path, **kw):
    return [(n, rec, [(p.line, p.rule, p.severity) for p in probs]) for n, rec, probs in iter_jsonl(path, **kw)]


def test_iter_jsonl_line_numbers_skip_blank_lines(tmp_path):
    f = tmp_path / "a.jsonl"
    f.write_text('{"a": 1}\n\n   \n{"a": 2}\n')
    assert rows(f) == [(1, {"a": 1}, []), (4, {"a": 2}, [])]


def test_iter_jsonl_last_line_without_newline(tmp_path):
    f = tmp_path / "a.jsonl"
    f.write_text('{"a": 1}\n{"a": 2}')
    assert rows(f) == [(1, {"a": 1}, []), (2, {"a": 2}, [])]


def test_iter_jsonl_crlf_reported_once(tmp_path):
    f = tmp_path / "a.jsonl"
    f.write_bytes(b'{"a": 1}\r\n{"a": 2}\r\n')
    assert rows(f) == [(1, {"a": 1}, [(1, "line-ends", "warning")]), (2, {"a": 2}, [])]
    assert rows(f, allow_crlf=False)[0][2] == [(1, "line-ends", "error")]


def test_iter_jsonl_bom(tmp_path):
    f = tmp_path / "a.jsonl"
    f.write_bytes(BOM + b'{"a": 1}\n')
    assert rows(f) == [(1, {"a": 1}, [(1, "encoding", "error")])]


def test_iter_jsonl_bad_lines_do_not_stop_the_rest(tmp_path):
    f = tmp_path / "a.jsonl"
    f.write_bytes(b'{"a": 1}\nnot json\n' + '{"a": "é"}\n'.encode("latin-1") + b'[1, 2]\n"s"\n{"a": 6}\n{"a": ')
    got = rows(f)
    assert [(n, rec) for n, rec, _ in got] == [(1, {"a": 1}), (2, None), (3, None), (4, None), (5, None), (6, {"a": 6}),
                                               (7, None)]
    assert [probs for _, _, probs in got] == [[], [(2, "json", "error")], [(3, "encoding", "error")],
                                              [(4, "json", "error")], [(5, "json", "error")], [], [(7, "json", "error")]]
    msgs = [p.message for _, _, ps in iter_jsonl(f) for p in ps]
    assert msgs[0].startswith("malformed JSON")
    assert msgs[1] == "not valid UTF-8: byte 0xe9 at byte 7 of the line (save the file as UTF-8)"
    assert msgs[2] == "expected a JSON object per line, got list"
    assert msgs[3] == "expected a JSON object per line, got str"
    assert msgs[4].startswith("truncated JSON (the last line ends mid-record)")


def test_iter_jsonl_empty_and_missing(tmp_path):
    f = tmp_path / "a.jsonl"
    f.write_text("\n\n")
    assert rows(f) == [(0, None, [(0, "empty", "error")])]
    assert rows(tmp_path / "nope.jsonl") == [(0, None, [(0, "file", "error")])]


def test_iter_jsonl_overlong_line_is_skipped(tmp_path, monkeypatch):
    monkeypatch.setattr(jsonio, "MAX_RECORD_BYTES", 64)
    f = tmp_path / "a.jsonl"
    f.write_text('{"a": 1}\n{"b": "' + "x" * 500 + '"}\n{"a": 3}\n')
    assert rows(f) == [(1, {"a": 1}, []), (2, None, [(2, "size", "error")]), (3, {"a": 3}, [])]


# ---------------------------------------------------------------- lines of JSON paths

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=8),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=6), children, max_size=4),
    max_leaves=15)

SENTINEL = "\ue000SENTINEL\ue000"


def all_paths(v, prefix=()):
    yield prefix
    if isinstance(v, dict):
        for k, x in v.items():
            yield from all_paths(x, prefix + (k,))
    elif isinstance(v, list):
        for i, x in enumerate(v):
            yield from all_paths(x, prefix + (i,))


@settings(max_examples=100, deadline=None)
@given(st.dictionaries(st.text(max_size=6), json_values, max_size=5))
def test_locate_lines_matches_pretty_layout(obj):
    text = json.dumps(obj, ensure_ascii=False, indent=2)
    lines = locate_lines(text)
    for path in all_paths(obj):
        if not path:
            assert lines[()] == 1
            continue
        o = copy.deepcopy(obj)
        cur = o
        for k in path[:-1]:
            cur = cur[k]
        cur[path[-1]] = SENTINEL
        want = [n for n, line in enumerate(json.dumps(o, ensure_ascii=False, indent=2).split("\n"), 1) if SENTINEL in line]
        assert lines[path] == want[0], path


def test_line_for_uses_deepest_known_prefix():
    text = pretty({"a": {"b": [10, {"c": 1}]}})
    lines = locate_lines(text)
    assert line_for(lines, ("a", "b", 1, "c")) == 6
    assert line_for(lines, ("a", "b", 1, "zzz", 3)) == 5
    assert line_for(lines, ("nope",)) == 1


def test_line_finder_walks_the_text_only_when_asked_and_then_as_line_for(monkeypatch):
    from newsgold.core import jsonio
    text = pretty({"a": {"b": [10, {"c": 1}]}})
    walks = []
    real = jsonio.locate_lines
    monkeypatch.setattr(jsonio, "locate_lines", lambda t: walks.append(t) or real(t))
    line_of = jsonio.line_finder(text)
    assert walks == []                       # a file with no problem is never walked
    assert line_of(("a", "b", 1, "c")) == 6 and line_of(("a", "b", 1, "zzz", 3)) == 5 and line_of(("nope",)) == 1
    assert walks == [text]                   # walked once, then kept


def test_locate_lines_on_invalid_text_does_not_raise():
    assert locate_lines('{"a": [1, 2').get(("a",)) == 1
    assert isinstance(locate_lines(""), dict)
    assert isinstance(locate_lines('{"a": '), dict)


# ---------------------------------------------------------------- writing

def test_write_atomic_replaces_and_leaves_no_temp(tmp_path):
    f = tmp_path / "sub" / "out.json"
    write_atomic(f, "first\n")
    write_atomic(f, "second “é”\n")
    assert f.read_text(encoding="utf-8") == "second “é”\n"
    assert sorted(p.name for p in f.parent.iterdir()) == ["out.json"]


def test_write_atomic_failure_keeps_old_content(tmp_path, monkeypatch):
    f = tmp_path / "out.json"
    write_atomic(f, "old\n")

    def boom(*a, **k):
        raise OSError("disk full")
    monkeypatch.setattr(jsonio.os, "replace", boom)
    with pytest.raises(OSError):
        write_atomic(f, "new\n")
    assert f.read_text() == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.json"]


def test_dump_roundtrip():
    recs = [{"b": 1, "a": "“é”"}, {"x": [1, 2]}]
    assert [json.loads(line) for line in dump_jsonl(recs).splitlines()] == recs
    assert "“é”" in dump_jsonl(recs) and dump_jsonl(recs).endswith("\n")
    assert json.loads(dump_json(recs[0])) == recs[0] and dump_json(recs[0]).endswith("}\n")
    assert list(json.loads(dump_json(recs[0]))) == ["b", "a"]     # key order kept


# ---------------------------------------------------------------- bad files through the real command

@pytest.fixture
def gold_jsonl(tmp_path):
    f = tmp_path / "gold.jsonl"
    f.write_text(dump_jsonl([gold_record(DOC1), gold_record(DOC2)]), encoding="utf-8")
    return f


def run_validate(*args, env=None):
    r = subprocess.run([str(NEWSGOLD), "validate", *map(str, args)], capture_output=True, text=True, env=env)
    out = r.stdout + r.stderr
    assert "Traceback" not in out, out
    assert "internal error" not in out, out
    return r


def _ann_bytes(**kw) -> bytes:
    return pretty(annotation(**kw)).encode("utf-8")


def _missing_comma() -> tuple[bytes, int]:
    text = pretty(annotation())
    n = line_containing(text, '"text_sha256"')
    lines = text.split("\n")
    lines[n - 1] = lines[n - 1].rstrip(",")
    return "\n".join(lines).encode(), n + 1


def _truncated() -> tuple[bytes, int]:
    text = pretty(annotation())
    cut = text.index('"Donald Trump"') + 5       # inside a string
    return text[:cut].encode(), text[:cut].count("\n") + 1


def _matching_bad_ids() -> tuple[bytes, int]:
    text = pretty({**annotation(),
                   "entities": {"mentions": [{"start": 0, "end": 5, "text": "Joint", "label": "ORG", "cluster": ["c"]}],
                                "clusters": [{"id": ["c"], "name": "x", "type": "PERSON"}]},
                   "quotes": [{"id": ["q"], "type": "direct", "content": [{"start": 0, "end": 5, "text": "Joint"}],
                               "cue": None, "speaker": None, "speaker_cluster": None}],
                   "stance": {"targets": [{"id": "t", "kind": "topic", "description": "d"}],
                              "items": [{"id": "s", "holder": ["c"], "target": "t", "label": "FAVOR", "evidence": [["q"]]}]}})
    return text.encode(), line_containing(text, '"cluster": [')


ANNOTATION_CASES = {
    # name: (bytes, expected line (0 = whole file), message start, rule)
    "not-json": (b"this is not JSON\n", 1, "malformed JSON: Expecting value (column 1)", "json"),
    "syntax-error": (*_missing_comma(), "malformed JSON: Expecting ',' delimiter", "json"),
    "latin-1": (pretty(annotation(notes="café")).encode("latin-1"),
                line_containing(pretty(annotation(notes="café")), '"notes"'),
                "not valid UTF-8: byte 0xe9", "encoding"),
    "bom": (BOM + _ann_bytes(), 1, "file starts with a UTF-8 byte-order mark (BOM)", "encoding"),
    "crlf": (_ann_bytes().replace(b"\n", b"\r\n"), 1, "CRLF line ends (Windows); LF is expected", "line-ends"),
    "empty": (b"", 0, "file is empty", "empty"),
    "whitespace-only": (b"\n \n", 0, "file is empty", "empty"),
    "truncated": (*_truncated(), "truncated JSON (file ends mid-value)", "json"),
    "array": (b"[\n  1,\n  2\n]\n", 1, "expected a JSON object", "json"),
    "scalar": (b"null\n", 1, "expected a JSON object", "json"),
    "wrong-types": (pretty({"doc_id": 5, "text_sha256": 7, "annotation": [], "entities": "x", "quotes": {},
                            "stance": 3}).encode(), 2, "5 is not of type 'string'", "schema:type"),
    "wrong-type-ids": (pretty({**annotation(), "doc_id": [DOC1],
                               "entities": {"mentions": [{"start": [1], "end": {}, "text": 1, "label": "PERSON",
                                                          "cluster": ["c1"]}] * 2,
                                            "clusters": [{"id": {"c": 1}, "name": "x", "type": "PERSON"}] * 2},
                               "quotes": [{"id": ["q"], "type": "direct", "content": 5, "cue": None, "speaker": None,
                                           "speaker_cluster": ["c1"]}],
                               "stance": {"targets": 5, "items": [{"id": ["s"], "holder": ["c1"], "target": {},
                                                                   "label": "FAVOR", "evidence": 7}] * 2}}).encode(),
                       2, f"['{DOC1}'] is not of type 'string'", "schema:type"),
    # the same wrongly typed id used on both ends of a reference
    "wrong-type-ids-matching": (*_matching_bad_ids(), "['c'] is not of type 'string'", "schema:type"),
}


@pytest.mark.parametrize("case", sorted(ANNOTATION_CASES))
def test_bad_annotation_file_through_cli(tmp_path, case):
    data, line, message, rule = ANNOTATION_CASES[case]
    f = tmp_path / f"{DOC1}.json"
    f.write_bytes(data)
    r = run_validate(f)
    assert r.returncode == 1, r.stdout
    where = f"{f}:{line}: " if line else f"{f}: "
    hits = [x for x in r.stdout.splitlines() if x.startswith(where) and message in x and x.endswith(f"[{rule}]")]
    assert hits, r.stdout
    assert r.stdout.splitlines()[-1].startswith(f"FAILED: {f}: ")


def test_bad_gold_jsonl_types_through_cli(tmp_path):
    f = tmp_path / "docs.jsonl"
    f.write_text(dump_jsonl([{"id": [DOC1], "text": "abc", "text_sha256": sha("abc"), "metadata": [], "zones": 5,
                              "entities": {"mentions": 5, "clusters": {"a": 1}}, "quotes": 5,
                              "stance": {"targets": 5, "items": 5}},
                             {"id": {"x": 1}, "text": 5, "zones": {"a": 1}}]))
    r = run_validate(f)
    assert r.returncode == 1
    out = r.stdout.splitlines()
    assert all(x.startswith((f"{f}:1: ", f"{f}:2: ")) for x in out[:-1]), r.stdout
    assert any(x.startswith(f"{f}:1: zones: 5 is not of type 'array'") for x in out)
    assert any(x.startswith(f"{f}:2: text: 5 is not of type 'string'") for x in out)


def test_missing_file_through_cli(tmp_path):
    f = tmp_path / "nope.json"
    r = run_validate(f)
    assert r.returncode == 1
    assert r.stdout.splitlines()[0] == f"{f}: (record): no such file or folder [file]"


def test_crlf_gold_jsonl_is_an_error(tmp_path, gold_jsonl):
    f = tmp_path / "docs.jsonl"
    f.write_bytes(gold_jsonl.read_bytes().replace(b"\n", b"\r\n"))
    r = run_validate(f)
    assert r.returncode == 1
    assert r.stdout.splitlines()[0] == f"{f}:1: (record): CRLF line ends (Windows); LF is expected [line-ends]"


def _jsonl(*lines: str | bytes, end: bytes = b"\n") -> bytes:
    return b"".join((x if isinstance(x, bytes) else x.encode("utf-8")) + end for x in lines)


PREDICTION_CASES = {
    # name: (bytes, expected line, message start, rule, exit code)
    "not-json": (_jsonl(PRED_LINE, "{doc_id: 1}"), 2,
                 "malformed JSON: Expecting property name enclosed in double quotes (column 2)", "json", 1),
    "latin-1": (_jsonl(PRED_LINE, json.dumps({"doc_id": DOC2, "system": "café"}, ensure_ascii=False).encode("latin-1")),
                2, "not valid UTF-8: byte 0xe9 at byte", "encoding", 1),
    "bom": (BOM + _jsonl(PRED_LINE), 1, "file starts with a UTF-8 byte-order mark (BOM)", "encoding", 1),
    "empty": (b"", 0, "file is empty: no records", "empty", 1),
    "truncated": (_jsonl(PRED_LINE) + PRED2_LINE[:-12].encode(), 2,
                  "truncated JSON (the last line ends mid-record)", "json", 1),
    "array": (_jsonl(PRED_LINE, "[1, 2]"), 2, "expected a JSON object per line, got list", "json", 1),
    "wrong-types": (_jsonl(PRED_LINE, json.dumps({"doc_id": DOC2, "entities": {"start": 1}})), 2,
                    "{'start': 1} is not of type 'array'", "schema:type", 1),
    "wrong-type-doc-id": (_jsonl(json.dumps({"doc_id": [DOC1]})), 1, f"['{DOC1}'] is not of type 'string'",
                          "schema:type", 1),
}


@pytest.mark.parametrize("case", sorted(PREDICTION_CASES))
def test_bad_predictions_file_through_cli(tmp_path, gold_jsonl, case):
    data, line, message, rule, code = PREDICTION_CASES[case]
    f = tmp_path / "pred.jsonl"
    f.write_bytes(data)
    r = run_validate(f, "--gold", gold_jsonl)
    assert r.returncode == code, r.stdout
    where = f"{f}:{line}: " if line else f"{f}: "
    hits = [x for x in r.stdout.splitlines() if x.startswith(where) and message in x and f"[{rule}]" in x]
    assert hits, r.stdout


def test_crlf_predictions_is_only_a_warning(tmp_path, gold_jsonl):
    f = tmp_path / "pred.jsonl"
    f.write_bytes(_jsonl(PRED_LINE, PRED2_LINE, end=b"\r\n"))
    r = run_validate(f, "--gold", gold_jsonl)
    assert r.returncode == 0, r.stdout
    assert r.stdout.splitlines() == [f"{f}:1: (record): CRLF line ends (Windows); LF is expected [line-ends] [warning]",
                                     f"OK: {f}: 0 error(s), 1 warning(s)"]


def test_bad_files_in_process_with_capsys(tmp_path, capsys):
    """The same contract through newsgold.cli.main: every problem printed, exit 1, nothing raised."""
    from newsgold.cli import main
    for name, (data, _line, _message, _rule) in ANNOTATION_CASES.items():
        f = tmp_path / f"{name}.json"
        f.write_bytes(data)
    code = main(["validate", str(tmp_path)])
    out = capsys.readouterr()
    assert code == 1
    for name, (_, line, message, _rule) in ANNOTATION_CASES.items():
        where = f"{tmp_path / (name + '.json')}:{line}: " if line else f"{tmp_path / (name + '.json')}: "
        assert any(x.startswith(where) and message in x for x in out.out.splitlines()), (name, out.out)
    assert "Traceback" not in out.out + out.err


# ---------------------------------------------------------------- a large predictions file streams

def _peak_rss_kb(tmp_path: Path, args: list[str], tag: str) -> tuple[int, int, str]:
    """Run ``newsgold validate ARGS`` under a wrapper; its RUSAGE_CHILDREN is that one process only."""
    out = tmp_path / f"{tag}.out"
    wrapper = ("import resource, subprocess, sys\n"
               "with open(sys.argv[1], 'w') as fh:\n"
               "    r = subprocess.run(sys.argv[2:], stdout=fh, stderr=subprocess.STDOUT)\n"
               "print(r.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n")
    r = subprocess.run([sys.executable, "-c", wrapper, str(out), str(NEWSGOLD), "validate", *args],
                       capture_output=True, text=True, check=True)
    code, rss = map(int, r.stdout.split())
    return code, rss, out.read_text()


BIG_MB = 100


def test_large_predictions_file_streams_with_flat_memory(tmp_path, gold_jsonl):
    # One valid line for document 01, ~1 MB (a long 'system' string plus real entities),
    # repeated to ~100 MB. Every repeat is a second line for the same document, so each
    # is reported, which also shows the whole file was read.
    entities = []
    for needle in ("Donald Trump", "Syria", "Al-Sharaa", "Trump", "Washington", "Kurdish"):
        pos = 0
        while (i := TEXT1.find(needle, pos)) != -1:
            entities.append({"start": i, "end": i + len(needle), "label": "PERSON"})
            pos = i + 1
    entities = [dict(t) for t in {tuple(sorted(e.items())) for e in entities}]
    entities.sort(key=lambda e: (e["start"], e["end"]))
    base = {"doc_id": DOC1, "system": "", "entities": entities}
    pad = 1_000_000 - len(json.dumps(base))
    line = (json.dumps({**base, "system": "x" * pad}) + "\n").encode()
    n_lines = BIG_MB * 1_000_000 // len(line)
    big = tmp_path / "big.jsonl"
    with open(big, "wb") as fh:
        for _ in range(n_lines):
            fh.write(line)
    size_kb = big.stat().st_size // 1024

    small = tmp_path / "small.jsonl"
    small.write_bytes(line)
    code0, base_kb, out0 = _peak_rss_kb(tmp_path, [str(small), "--gold", str(gold_jsonl)], "small")
    t0 = time.monotonic()
    code1, big_kb, out1 = _peak_rss_kb(tmp_path, [str(big), "--gold", str(gold_jsonl)], "big")
    elapsed = time.monotonic() - t0

    print(f"size {size_kb} KB, {n_lines} lines; peak RSS one line {base_kb} KB, big file {big_kb} KB; {elapsed:.1f} s")
    assert "Traceback" not in out0 + out1
    # the one-line file has overlaps (Trump inside Donald Trump): warnings only
    assert code0 == 0, out0
    assert code1 == 1
    dup_lines = [x for x in out1.splitlines() if "[unique-id]" in x]
    # every duplicate is found; the first 50 are printed, the rest counted (one line)
    assert len(dup_lines) == 50 + 1
    assert dup_lines[49].startswith(f"{big}:51: doc_id: second line for document")
    assert dup_lines[-1] == f"{big}: (record): … and {n_lines - 1 - 50} more [unique-id]"
    # memory: the big run may not grow by more than half the file size over the one-line run
    assert big_kb - base_kb < size_kb // 2, (base_kb, big_kb, size_kb)
    assert big_kb - base_kb < 64 * 1024, (base_kb, big_kb)      # and in absolute terms: well under 64 MB
    assert elapsed < 60, elapsed
