"""A hostile corpus through the real CLI: no exit 3, no hang, no wrongly accepted input, no silent wrong score.

Every case is a tampered copy of an untampered twin (the shipped documents, a perfect
predictions file made from them, an annotation file, the adapter fixtures, tool exports),
changed at the JSON level (duplicate keys, NaN, floats and booleans for integers, huge numbers,
deep nesting, truncation, BOM, CRLF, wrong types, unknown ids, out-of-range offsets, ...) or
in a reader-specific way. Commands run in-process (``newsgold.cli.main``) under a 60 s alarm;
endless inputs run in a subprocess with a 60 s timeout. Expectations:

* ``reject``: exit 1 and at least one ``FILE[:LINE]: path: message [rule]`` error line (with
  the given rule when one is named);
* ``warn``: exit 0 and a warning line with the given rule; the score may differ from the twin's;
* ``same``: exit 0 and the score (or converted output) identical to the twin's;
* ``reject-or-warn``: one of the two (formats where either is a fair answer).
"""
from __future__ import annotations

import contextlib
import copy
import io
import json
import os
import re
import signal
import subprocess
import sys
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from newsgold.cli import main
from newsgold.core import jsonio
from newsgold.core.repository import current

ROOT = Path(__file__).resolve().parents[1]
GOLD = current().root / "data" / "documents" / "test.jsonl"     # the data in use (NEWSGOLD_HOME: another copy)
FIX = ROOT / "tests" / "fixtures" / "adapters"
NEWSGOLD = Path(sys.executable).with_name("newsgold")
GOLD_RECORDS = [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines() if line.strip()]
D1, D2 = (r["id"] for r in GOLD_RECORDS[:2])     # any two documents: the cases need two, the set may hold more
ERROR_LINE = re.compile(r"^\S.*?: .+: .+ \[[\w:.-]+\]$", re.MULTILINE)
WARNING_LINE = re.compile(r"^\S.*?: .+: .+ \[([\w:.-]+)\] \[warning\]$", re.MULTILINE)


class Hang(BaseException):
    """Raised by the alarm: not an Exception, so the CLI cannot turn it into an exit code."""


def run(argv: list[str]) -> tuple[int, str]:
    """Exit code and stdout+stderr of one in-process command, failing the test after 60 s."""
    def alarm(*_):
        raise Hang(f"newsgold {' '.join(argv)} ran past 60 s")
    old = signal.signal(signal.SIGALRM, alarm)
    signal.alarm(60)
    out, err = io.StringIO(), io.StringIO()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(argv)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)
    return code, out.getvalue() + err.getvalue()


# ---------------------------------------------------------------- twins

def perfect_predictions() -> list[dict]:
    """Every gold layer predicted exactly (the untampered twin of the predictions cases)."""
    out = []
    for r in GOLD_RECORDS:
        out.append({"doc_id": r["id"], "system": "twin",
                    "entities": [{"start": m["start"], "end": m["end"], "label": m["label"]} for m in r["entities"]["mentions"]],
                    "quotes": [{k: q[k] for k in ("content", "type", "speaker_cluster") if k in q} for q in r["quotes"]],
                    "stance": [{"item": s["id"], "label": s["label"]} for s in r["stance"]["items"]]})
    return out


def jsonl(records) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)


TWIN = perfect_predictions()
TWIN_TEXT = jsonl(TWIN)


def scores(path: Path, gold: Path = GOLD, task: str = "all") -> tuple[int, dict | None, str]:
    code, out = run(["score", str(path), "--gold", str(gold), "--task", task, "--resamples", "0", "--format", "json"])
    if code != 0:
        return code, None, out
    start = out.index("{")
    data = json.loads(out[start:out.rindex("}") + 1])
    return code, {t: {k: f["value"] for k, f in e["figures"].items()} for t, e in data["tasks"].items()}, out


@pytest.fixture(scope="module")
def twin_scores(tmp_path_factory):
    p = tmp_path_factory.mktemp("twin") / "twin.jsonl"
    p.write_text(TWIN_TEXT, encoding="utf-8")
    found = {}
    for task in ("all", "quotes", "entities"):
        code, s, out = scores(p, task=task)
        assert code == 0, out
        found[task] = s
    return found


# ---------------------------------------------------------------- tampering helpers

def set_in(rec_index: int, path: tuple, raw_value: str, records=None) -> str:
    """The twin JSONL with the value at ``path`` of record ``rec_index`` replaced by raw JSON text."""
    recs = copy.deepcopy(records if records is not None else TWIN)
    marker = "\ue000MARK\ue000"
    node = recs[rec_index]
    for k in path[:-1]:
        node = node[k]
    node[path[-1]] = marker
    return jsonl(recs).replace(json.dumps(marker, ensure_ascii=False), raw_value)


def with_first(records_text: str, insert: str) -> str:
    """Insert raw JSON members after the first '{' of the text."""
    i = records_text.index("{")
    return records_text[: i + 1] + insert + records_text[i + 1:]


def deep(n: int) -> str:
    return "[" * n + "]" * n


def edit(records, fn) -> str:
    recs = copy.deepcopy(records)
    fn(recs)
    return jsonl(recs)


ENT0 = ("entities", 0)
LEN1 = len(GOLD_RECORDS[0]["text"])
FIRST_ITEM = GOLD_RECORDS[0]["stance"]["items"][0]["id"] if GOLD_RECORDS[0]["stance"]["items"] else None


@dataclass(frozen=True)
class Case:
    name: str
    content: Callable[[], str | bytes]
    expect: str                      # reject | warn | same | reject-or-warn
    rule: str | None = None
    task: str = "all"
    validate_expect: str | None = None   # when validate differs (scoring-only warnings)


def _stance_twice(label2):
    def f(recs):
        r = next(r for r in recs if r["stance"])
        r["stance"].append({"item": r["stance"][0]["item"], "label": label2(r["stance"][0]["label"])})
    return f


def _other(label):
    return "AGAINST" if label != "AGAINST" else "FAVOR"


PRED_CASES = [
    Case("dup-key-entities", lambda: TWIN_TEXT.replace('"entities":', '"entities": [], "entities":', 1), "reject", "duplicate-key"),
    Case("dup-key-in-entity", lambda: set_in(0, ENT0 + ("start",), f'{TWIN[0]["entities"][0]["start"]}, "start": 0'), "reject", "duplicate-key"),
    Case("dup-key-doc-id", lambda: with_first(TWIN_TEXT, f'"doc_id": "{D2}", '), "reject", "duplicate-key"),
    Case("nan-score", lambda: set_in(0, ENT0 + ("score",), "NaN"), "reject", "json-number"),
    Case("infinity-score", lambda: set_in(0, ENT0 + ("score",), "Infinity"), "reject", "json-number"),
    Case("neg-infinity-score", lambda: set_in(0, ENT0 + ("score",), "-Infinity"), "reject", "json-number"),
    Case("overflow-float", lambda: set_in(0, ENT0 + ("score",), "1e400"), "reject", "json-number"),
    Case("float-start", lambda: set_in(0, ENT0 + ("start",), f'{TWIN[0]["entities"][0]["start"]}.0'), "reject", "schema:type"),
    Case("float-end", lambda: set_in(0, ENT0 + ("end",), f'{TWIN[0]["entities"][0]["end"]}.0'), "reject", "schema:type"),
    Case("exponent-start", lambda: set_in(0, ENT0 + ("start",), "4.1e1"), "reject", "schema:type"),
    Case("fractional-start", lambda: set_in(0, ENT0 + ("start",), "41.5"), "reject", "schema:type"),
    Case("bool-start", lambda: set_in(0, ENT0 + ("start",), "true"), "reject", "schema:type"),
    Case("bool-end", lambda: set_in(0, ENT0 + ("end",), "false"), "reject", "schema:type"),
    Case("null-start", lambda: set_in(0, ENT0 + ("start",), "null"), "reject", "schema:type"),
    Case("int-2^63", lambda: set_in(0, ENT0 + ("end",), str(2 ** 63)), "reject", "json-number"),
    Case("int-2^64", lambda: set_in(0, ENT0 + ("start",), str(2 ** 64)), "reject", "json-number"),
    Case("int-minus-2^63-1", lambda: set_in(0, ENT0 + ("start",), str(-2 ** 63 - 1)), "reject", "json-number"),
    Case("int-2^63-1-end", lambda: set_in(0, ENT0 + ("end",), str(2 ** 63 - 1)), "reject", "offset-range"),
    Case("int-5000-digits", lambda: set_in(0, ENT0 + ("start",), "7" * 5000), "reject", "json-number"),
    Case("int-5000-digits-score", lambda: set_in(0, ENT0 + ("score",), "7" * 5000), "reject", "json-number"),
    Case("deep-101", lambda: set_in(0, ("system",), deep(101)), "reject", "json-depth"),
    Case("deep-999", lambda: set_in(0, ("system",), deep(999)), "reject", "json-depth"),
    Case("deep-100000", lambda: set_in(0, ("system",), deep(100_000)), "reject", "json-depth"),
    Case("deep-objects", lambda: set_in(0, ("system",), '{"a":' * 500 + "1" + "}" * 500), "reject", "json-depth"),
    Case("deep-100-ok-type", lambda: set_in(0, ("system",), deep(60)), "reject", "schema:type"),
    Case("truncated-last-line", lambda: TWIN_TEXT[: len(TWIN_TEXT) - 40], "reject", "json"),
    Case("truncated-first-line", lambda: TWIN_TEXT[:30] + "\n" + TWIN_TEXT.splitlines()[1] + "\n", "reject", "json"),
    Case("bom", lambda: jsonio.BOM + TWIN_TEXT.encode("utf-8"), "reject", "encoding"),
    Case("crlf", lambda: TWIN_TEXT.replace("\n", "\r\n"), "same", "line-ends"),
    Case("empty-file", lambda: "", "reject", "empty"),
    Case("whitespace-only", lambda: " \n\t\n", "reject", "empty"),
    Case("blank-lines-around", lambda: "\n\n" + TWIN_TEXT.replace("\n", "\n\n"), "same"),
    Case("line-is-array", lambda: "[]\n" + TWIN_TEXT, "reject", "json"),
    Case("line-is-string", lambda: '"x"\n' + TWIN_TEXT, "reject", "json"),
    Case("line-is-number", lambda: "1\n" + TWIN_TEXT, "reject", "json"),
    Case("line-is-null", lambda: "null\n" + TWIN_TEXT, "reject", "json"),
    Case("invalid-utf8", lambda: TWIN_TEXT.encode("utf-8").replace(b'"twin"', b'"tw\xe9n"', 1), "reject", "encoding"),
    Case("nul-byte", lambda: TWIN_TEXT.replace('"twin"', '"tw\x00in"', 1), "reject", "json"),
    Case("trailing-comma", lambda: TWIN_TEXT.replace("]}", "],}", 1), "reject", "json"),
    Case("single-quotes", lambda: TWIN_TEXT.replace('"system": "twin"', "'system': 'twin'", 1), "reject", "json"),
    Case("comment", lambda: "// predictions\n" + TWIN_TEXT, "reject", "json"),
    Case("leading-zero", lambda: set_in(0, ENT0 + ("start",), "041"), "reject", "json"),
    Case("plus-sign", lambda: set_in(0, ENT0 + ("start",), "+41"), "reject", "json"),
    Case("hex-number", lambda: set_in(0, ENT0 + ("start",), "0x29"), "reject", "json"),
    Case("unknown-doc", lambda: set_in(0, ("doc_id",), '"no-such-doc"'), "reject", "ref-document"),
    Case("doc-id-int", lambda: set_in(0, ("doc_id",), "7"), "reject"),
    Case("doc-id-missing", lambda: edit(TWIN, lambda r: r[0].pop("doc_id")), "reject"),
    Case("duplicate-doc-line", lambda: TWIN_TEXT + TWIN_TEXT.splitlines()[0] + "\n", "reject", "unique-id"),
    Case("entities-string", lambda: set_in(0, ("entities",), '"ORG"'), "reject", "schema:type"),
    Case("entities-object", lambda: set_in(0, ("entities",), '{"start": 0}'), "reject", "schema:type"),
    Case("entity-is-list", lambda: set_in(0, ENT0, "[0, 5, \"ORG\"]"), "reject", "schema:type"),
    Case("label-int", lambda: set_in(0, ENT0 + ("label",), "3"), "reject", "schema:type"),
    Case("label-unknown", lambda: set_in(0, ENT0 + ("label",), '"FOO"'), "reject", "label-inventory"),
    Case("label-empty", lambda: set_in(0, ENT0 + ("label",), '""'), "reject"),
    Case("label-lowercase", lambda: set_in(0, ENT0 + ("label",), '"org"'), "reject", "label-inventory"),
    Case("label-escaped-same", lambda: set_in(0, ENT0 + ("label",), json.dumps(TWIN[0]["entities"][0]["label"], ensure_ascii=True)
                                              .replace(TWIN[0]["entities"][0]["label"][0],
                                                       f"\\u{ord(TWIN[0]['entities'][0]['label'][0]):04x}", 1)), "same"),
    Case("start-string", lambda: set_in(0, ENT0 + ("start",), '"5"'), "reject", "schema:type"),
    Case("start-negative", lambda: set_in(0, ENT0 + ("start",), "-1"), "reject"),
    Case("end-past-text", lambda: set_in(0, ENT0 + ("end",), str(LEN1 + 1)), "reject", "offset-range"),
    Case("start-equals-end", lambda: set_in(0, ENT0 + ("end",), str(TWIN[0]["entities"][0]["start"])), "reject", "offset-order"),
    Case("reversed-span", lambda: set_in(0, ENT0 + ("start",), str(TWIN[0]["entities"][0]["end"] + 1)), "reject"),
    Case("entity-text-mismatch", lambda: set_in(0, ENT0 + ("text",), '"not the text"'), "reject", "span-text"),
    Case("extra-top-key", lambda: with_first(TWIN_TEXT, '"extra": 1, '), "reject", "schema:additionalProperties"),
    Case("extra-entity-key", lambda: set_in(0, ENT0 + ("colour",), '"red"'), "reject", "schema:additionalProperties"),
    Case("duplicate-entity", lambda: edit(TWIN, lambda r: r[0]["entities"].append(dict(r[0]["entities"][0]))), "warn", "duplicate-prediction"),
    Case("overlapping-entity", lambda: edit(TWIN, lambda r: r[0]["entities"].append(
        {"start": r[0]["entities"][0]["start"], "end": r[0]["entities"][0]["end"] + 1, "label": "ORG"})), "warn", "overlapping-prediction"),
    Case("system-lone-surrogate", lambda: set_in(0, ("system",), '"\\ud800"'), "same"),
    Case("system-huge-string", lambda: set_in(0, ("system",), json.dumps("x" * 200_000)), "same"),
    Case("quotes-string", lambda: set_in(0, ("quotes",), '"q"'), "reject", "schema:type"),
    Case("quote-content-empty", lambda: edit(TWIN, lambda r: r[0]["quotes"][0].update(content=[])), "reject"),
    Case("quote-content-past-text", lambda: edit(TWIN, lambda r: r[0]["quotes"][0]["content"][0].update(end=LEN1 + 5)), "reject", "offset-range"),
    Case("quote-content-float", lambda: set_in(0, ("quotes", 0, "content", 0, "start"), "3.0"), "reject", "schema:type"),
    Case("quote-unknown-speaker-cluster", lambda: edit(TWIN, lambda r: r[0]["quotes"][0].update(speaker_cluster="nobody-xyz")),
         "reject", "ref-cluster"),
    Case("quote-type-unknown", lambda: edit(TWIN, lambda r: r[0]["quotes"][0].update(type="shouted")), "reject"),
    Case("stance-twice-different", lambda: edit(TWIN, _stance_twice(_other)), "reject", "duplicate-item"),
    Case("stance-twice-same", lambda: edit(TWIN, _stance_twice(lambda x: x)), "warn", "duplicate-item"),
    Case("stance-unknown-item", lambda: edit(TWIN, lambda r: r[0]["stance"].append({"item": "s-none", "label": "FAVOR"})),
         "reject", "ref-stance-item"),
    Case("stance-undeclared-target", lambda: edit(TWIN, lambda r: r[0]["stance"].append(
        {"holder": "someone", "target": "t-undeclared", "label": "FAVOR"})), "reject", "ref-target"),
    Case("stance-label-invalid", lambda: edit(TWIN, lambda r: next(x for x in r if x["stance"])["stance"][0].update(label="MAYBE")), "reject"),
    Case("stance-dict", lambda: set_in(0, ("stance",), '{"item": "s1"}'), "reject", "schema:type"),
    Case("stance-label-missing", lambda: edit(TWIN, lambda r: next(x for x in r if x["stance"])["stance"][0].pop("label")), "reject"),
    Case("quotes-layer-absent", lambda: edit(TWIN, lambda r: r[1].pop("quotes")), "warn", "layer-absent", task="quotes",
         validate_expect="same"),
    Case("entities-layer-absent", lambda: edit(TWIN, lambda r: r[0].pop("entities")), "warn", "layer-absent", task="entities",
         validate_expect="same"),
    Case("no-layer-at-all", lambda: edit(TWIN, lambda r: [x.pop("quotes") for x in r]), "reject", "missing-layer", task="quotes",
         validate_expect="same"),
    Case("document-missing", lambda: TWIN_TEXT.splitlines()[0] + "\n", "warn", "missing-document", validate_expect="same"),
    Case("quotes-empty-list", lambda: edit(TWIN, lambda r: r[1].update(quotes=[])), "same-or-lower", task="quotes"),
]


def _write(tmp_path: Path, name: str, content) -> Path:
    p = tmp_path / name
    if isinstance(content, bytes):
        p.write_bytes(content)
    else:
        p.write_text(content, encoding="utf-8", newline="")
    return p


def check(code: int, out: str, expect: str, rule: str | None) -> None:
    assert code != 3, out
    errors = ERROR_LINE.findall(out)
    warnings = WARNING_LINE.findall(out)
    if expect == "reject":
        assert code == 1, out
        assert errors, f"no FILE:LINE: path: message [rule] line in:\n{out}"
        if rule:
            assert f"[{rule}]" in out, f"expected rule {rule}:\n{out}"
        assert "file is empty" not in out or rule == "empty", out
    elif expect == "warn":
        assert code == 0, out
        assert rule in warnings, f"expected a [{rule}] warning:\n{out}"
    elif expect == "reject-or-warn":
        assert (code == 1 and errors) or (code == 0 and warnings), out
    else:
        assert code == 0, out


@pytest.mark.parametrize("case", PRED_CASES, ids=lambda c: c.name)
def test_predictions_validate(case, tmp_path):
    p = _write(tmp_path, "pred.jsonl", case.content())
    code, out = run(["validate", str(p), "--gold", str(GOLD)])
    expect = case.validate_expect or case.expect
    check(code, out, "same" if expect in ("warn", "same-or-lower") and case.validate_expect is None and expect != "warn" else expect,
          case.rule if expect != "same" else None)


@pytest.mark.parametrize("case", PRED_CASES, ids=lambda c: c.name)
def test_predictions_score(case, tmp_path, twin_scores):
    p = _write(tmp_path, "pred.jsonl", case.content())
    code, got, out = scores(p, task=case.task)
    twin = twin_scores[case.task]
    if case.expect == "same-or-lower":
        assert code == 0, out
        assert got != twin and got["quotes"]["content_overlap/recall"] < 1.0      # 'predicted nothing' is scored
        return
    check(code, out, case.expect, case.rule)
    if case.expect == "same":
        assert got == twin, "accepted without a warning but scored differently from its twin"
    if case.expect == "warn" and got != twin:
        assert WARNING_LINE.search(out), "a different score needs a warning"


def test_overlong_line_is_not_also_an_empty_file(tmp_path, monkeypatch):
    monkeypatch.setattr(jsonio, "MAX_RECORD_BYTES", 200)
    p = _write(tmp_path, "pred.jsonl", json.dumps({"doc_id": D1, "system": "x" * 500}) + "\n")
    code, out = run(["validate", str(p), "--gold", str(GOLD)])
    check(code, out, "reject", "size")
    assert "[empty]" not in out


@pytest.mark.parametrize("command", ["validate", "score", "convert", "import"])
def test_endless_input_is_capped(command, tmp_path):
    """/dev/zero has no end and no newline: every command stops with a size error, in a subprocess."""
    if not Path("/dev/zero").exists():
        pytest.skip("no /dev/zero on this system")
    argv = {"validate": ["validate", "/dev/zero", "--gold", str(GOLD)],
            "score": ["score", "/dev/zero", "--gold", str(GOLD), "--resamples", "0"],
            "convert": ["convert", "/dev/zero", "--from", "transformers", "--gold", str(GOLD)],
            "import": ["import", "/dev/zero", "--from", "labelstudio", "--out-dir", str(tmp_path / "out"), "--annotator", "ann-x"]}[command]
    env = {**os.environ, "PYTHONPATH": str(ROOT / "toolkit")}
    r = subprocess.run([str(NEWSGOLD), *argv], check=False, capture_output=True, text=True, timeout=60, env=env)
    assert r.returncode == 1, r.stderr
    assert "[size]" in r.stdout + r.stderr


# ---------------------------------------------------------------- gold files (validate; score --gold)

def gold_text(records=None) -> str:
    return jsonl(records if records is not None else GOLD_RECORDS)


M0 = ("entities", "mentions", 0)
GOLD_CASES = [
    Case("gold-dup-key", lambda: with_first(gold_text(), f'"id": "{D1}", '), "reject", "duplicate-key"),
    Case("gold-nan", lambda: set_in(0, ("metadata", "x"), "NaN", GOLD_RECORDS), "reject", "json-number"),
    Case("gold-float-offset", lambda: set_in(0, M0 + ("start",), f'{GOLD_RECORDS[0]["entities"]["mentions"][0]["start"]}.0', GOLD_RECORDS),
         "reject", "schema:type"),
    Case("gold-bool-offset", lambda: set_in(0, M0 + ("end",), "true", GOLD_RECORDS), "reject", "schema:type"),
    Case("gold-zone-float", lambda: set_in(0, ("zones", 0, "end"), f'{GOLD_RECORDS[0]["zones"][0]["end"]}.0', GOLD_RECORDS),
         "reject", "schema:type"),
    Case("gold-huge-int", lambda: set_in(0, M0 + ("end",), str(2 ** 64), GOLD_RECORDS), "reject", "json-number"),
    Case("gold-deep", lambda: set_in(0, ("metadata", "x"), deep(5000), GOLD_RECORDS), "reject", "json-depth"),
    Case("gold-truncated", lambda: gold_text()[:-100], "reject", "json"),
    Case("gold-bom", lambda: jsonio.BOM + gold_text().encode("utf-8"), "reject", "encoding"),
    Case("gold-crlf", lambda: gold_text().replace("\n", "\r\n"), "reject", "line-ends"),
    Case("gold-empty", lambda: "", "reject", "empty"),
    Case("gold-sha-mismatch", lambda: set_in(0, ("text_sha256",), '"' + "0" * 64 + '"', GOLD_RECORDS), "reject", "text-hash"),
    Case("gold-span-text", lambda: set_in(0, M0 + ("text",), '"wrong"', GOLD_RECORDS), "reject", "span-text"),
    Case("gold-unknown-cluster", lambda: set_in(0, M0 + ("cluster",), '"no-such-cluster"', GOLD_RECORDS), "reject", "ref-cluster"),
    Case("gold-duplicate-id", lambda: gold_text() + gold_text().splitlines()[0] + "\n", "reject", "unique-id"),
    Case("gold-zone-gap", lambda: set_in(0, ("zones", 0, "end"), str(GOLD_RECORDS[0]["zones"][0]["end"] - 1), GOLD_RECORDS),
         "reject", "zones-tile"),
    Case("gold-mention-past-text", lambda: set_in(0, M0 + ("end",), str(LEN1 + 3), GOLD_RECORDS), "reject"),
    Case("gold-text-int", lambda: set_in(0, ("text",), "5", GOLD_RECORDS), "reject"),
]


@pytest.mark.parametrize("case", GOLD_CASES, ids=lambda c: c.name)
@pytest.mark.parametrize("command", ["validate", "score"])
def test_gold_files(case, command, tmp_path):
    g = _write(tmp_path, "gold.jsonl", case.content())
    if command == "validate":
        code, out = run(["validate", str(g)])
    else:
        p = _write(tmp_path, "pred.jsonl", TWIN_TEXT)
        code, out = run(["score", str(p), "--gold", str(g), "--resamples", "0"])
    check(code, out, case.expect, case.rule)


# ---------------------------------------------------------------- annotation files (validate)

ANN = ROOT / "annotations" / "gold" / f"{D1}.json"
ANN_TEXT = ANN.read_text(encoding="utf-8")
ANN_M0 = ANN_TEXT.index('"start":')
ANN_CASES = [
    Case("ann-dup-key", lambda: with_first(ANN_TEXT, f'"doc_id": "{D1}",\n'), "reject", "duplicate-key"),
    Case("ann-nan", lambda: with_first(ANN_TEXT, '"x": NaN,\n'), "reject", "json-number"),
    Case("ann-float-offset", lambda: re.sub(r'("start": )(\d+)', r"\g<1>\g<2>.0", ANN_TEXT, count=1), "reject", "schema:type"),
    Case("ann-bool-offset", lambda: re.sub(r'("end": )(\d+)', r"\g<1>true", ANN_TEXT, count=1), "reject", "schema:type"),
    Case("ann-huge-int", lambda: re.sub(r'("end": )(\d+)', r"\g<1>" + str(2 ** 70), ANN_TEXT, count=1), "reject", "json-number"),
    Case("ann-deep", lambda: with_first(ANN_TEXT, f'"x": {deep(3000)},\n'), "reject", "json-depth"),
    Case("ann-truncated", lambda: ANN_TEXT[: len(ANN_TEXT) // 2], "reject", "json"),
    Case("ann-bom", lambda: jsonio.BOM + ANN_TEXT.encode("utf-8"), "reject", "encoding"),
    Case("ann-empty", lambda: "", "reject", "empty"),
    Case("ann-array", lambda: "[" + ANN_TEXT + "]", "reject", "json"),
    Case("ann-unknown-doc", lambda: ANN_TEXT.replace(D1, "no-such-doc", 1), "reject", "ref-document"),
]


@pytest.mark.parametrize("case", ANN_CASES, ids=lambda c: c.name)
def test_annotation_files(case, tmp_path):
    f = _write(tmp_path, f"{D1}.json", case.content())
    code, out = run(["validate", str(f)])
    check(code, out, case.expect, case.rule)


# ---------------------------------------------------------------- convert: every JSON reader, JSON-level tampering

CONVERT_INPUTS = {
    "labelstudio": ("labelstudio_export.json", []),
    "doccano": ("doccano_seq.jsonl", []),
    "transformers": ("transformers_aggregated.json", ["--label-map", "ontonotes_to_conll2003"]),
    "spacy": ("spacy_doc.json", []),
    "stanza": ("stanza_doc.json", ["--doc-id", D2]),
    "flair": ("flair_sentences.json", ["--label-map", "ontonotes_to_conll2003"]),
    "gliner": ("gliner.json", ["--label-map", str(FIX / "gliner_label_map.json")]),
}
JSON_TAMPERING = {
    "dup-key": ("reject", "duplicate-key", lambda t: with_first(t, '"zz": 1, "zz": 2, ')),
    "nan": ("reject", "json-number", lambda t: with_first(t, '"zz": NaN, ')),
    "infinity": ("reject", "json-number", lambda t: with_first(t, '"zz": -Infinity, ')),
    "huge-int": ("reject", "json-number", lambda t: with_first(t, f'"zz": {2 ** 63}, ')),
    "digits-5000": ("reject", "json-number", lambda t: with_first(t, f'"zz": {"9" * 5000}, ')),
    "deep": ("reject", "json-depth", lambda t: with_first(t, f'"zz": {deep(20000)}, ')),
    "truncated": ("reject", None, lambda t: t[: len(t) // 2].rstrip("\n")),
    "empty": ("reject", "empty", lambda t: ""),
    "garbage": ("reject", None, lambda t: "this is not json\n"),
    "number": ("reject-or-warn", None, lambda t: "42\n"),
    "crlf": ("same", None, lambda t: t.replace("\n", "\r\n")),
    "bom": ("reject-or-same", None, lambda t: jsonio.BOM + t.encode("utf-8")),
}


@pytest.fixture(scope="module")
def convert_twins():
    out = {}
    for fmt, (fname, extra) in CONVERT_INPUTS.items():
        code, text = run(["convert", str(FIX / fname), "--from", fmt, *extra])
        assert code == 0, text
        out[fmt] = text
    return out


STRICT_PARSE = {"dup-key", "nan", "infinity", "huge-int", "digits-5000", "deep"}


def _params(readers, tamperings):
    return [pytest.param(r, t) for r in readers for t in tamperings]


@pytest.mark.parametrize("fmt,tamper", _params(CONVERT_INPUTS, JSON_TAMPERING))
def test_convert_json_level(fmt, tamper, tmp_path, convert_twins):
    fname, extra = CONVERT_INPUTS[fmt]
    expect, rule, fn = JSON_TAMPERING[tamper]
    content = fn((FIX / fname).read_text(encoding="utf-8"))
    f = _write(tmp_path, fname, content)
    code, out = run(["convert", str(f), "--from", fmt, *extra])
    if expect == "same":
        assert code != 3, out
        if code == 0:
            records = [line for line in out.splitlines() if line.startswith("{")]
            assert records == [line for line in convert_twins[fmt].splitlines() if line.startswith("{")], out
        else:
            assert ERROR_LINE.search(out), out
    elif expect == "reject-or-same":
        assert code != 3, out
        if code == 0:
            assert WARNING_LINE.search(out) or [x for x in out.splitlines() if x.startswith("{")] == \
                [x for x in convert_twins[fmt].splitlines() if x.startswith("{")], out
        else:
            assert ERROR_LINE.search(out), out
    else:
        check(code, out, expect, rule)


# ---------------------------------------------------------------- import: tool exports, JSON-level tampering

@pytest.fixture(scope="module")
def exports(tmp_path_factory):
    """Label Studio and doccano task files of the shipped documents, as if annotated (the gold pre-annotations kept)."""
    d = tmp_path_factory.mktemp("exports")
    code, out = run(["tasks", D1, D2, "--to", "labelstudio", "--out-dir", str(d / "ls")])
    assert code == 0, out
    tasks = json.loads((d / "ls" / "tasks.json").read_text(encoding="utf-8"))
    for i, t in enumerate(tasks):
        t["annotations"] = [{"id": i + 1, "result": t.pop("predictions")[0]["result"], "was_cancelled": False}]
    (d / "ls" / "tasks.json").write_text(json.dumps(tasks, ensure_ascii=False, indent=1), encoding="utf-8")
    code, out = run(["tasks", D1, D2, "--to", "doccano", "--out-dir", str(d / "dc")])
    assert code == 0, out
    return {"labelstudio": d / "ls" / "tasks.json", "doccano": d / "dc" / "doccano.jsonl"}


IMPORT_TAMPERING = {k: v for k, v in JSON_TAMPERING.items() if k not in ("crlf", "bom", "number")}
IMPORT_TAMPERING["float-offset"] = ("reject", None, lambda t: re.sub(r'("start": ?)(\d+)', r"\g<1>\g<2>.0", t, count=1))
IMPORT_TAMPERING["bool-offset"] = ("reject", None, lambda t: re.sub(r'("end": ?)(\d+)', r"\g<1>true", t, count=1))


@pytest.mark.parametrize("tool,tamper", _params(["labelstudio", "doccano"], IMPORT_TAMPERING))
def test_import_json_level(tool, tamper, tmp_path, exports):
    expect, rule, fn = IMPORT_TAMPERING[tamper]
    src = exports[tool]
    f = _write(tmp_path, src.name, fn(src.read_text(encoding="utf-8")))
    if tamper in ("float-offset", "bool-offset") and f.read_text(encoding="utf-8") == src.read_text(encoding="utf-8"):
        pytest.skip(f"the {tool} export has no integer start/end to tamper with")
    code, out = run(["import", str(f), "--from", tool, "--out-dir", str(tmp_path / "out"), "--annotator", "ann-x"])
    check(code, out, expect, rule)
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir()), "a rejected import wrote files"


def test_import_untampered_twins_are_accepted(tmp_path, exports):
    for tool, src in exports.items():
        code, out = run(["import", str(src), "--from", tool, "--out-dir", str(tmp_path / tool), "--annotator", "ann-x"])
        assert code == 0, out


# ---------------------------------------------------------------- reader-specific holes (fixed in formats/)

SYN = FIX / "synthetic_gold.jsonl"
SYN_RECORDS = [json.loads(x) for x in SYN.read_text(encoding="utf-8").splitlines() if x.strip()]
EMOJI = next(r for r in SYN_RECORDS if any(ord(c) > 0xFFFF for c in r["text"]))


def _utf16(text: str, i: int) -> int:
    return len(text[:i].encode("utf-16-le")) // 2


def _ls_task(text: str, results: list[dict], cancelled: bool = False) -> list[dict]:
    return [{"id": 1, "data": {"text": text}, "annotations": [{"id": 1, "was_cancelled": cancelled, "result": results}]}]


def _ls_span(start: int, end: int, label: str, text: str | None = None) -> dict:
    value = {"start": start, "end": end, "labels": [label]}
    if text is not None:
        value["text"] = text
    return {"id": "r1", "from_name": "label", "to_name": "text", "type": "labels", "value": value}


def reader_cases(tmp: Path) -> dict[str, tuple[list[str], str]]:
    """name -> (argv, expectation) of each reader-specific hole of issue 11."""
    t = EMOJI["text"]
    i = t.index("Trump", t.index("😀"))
    ls_emoji = _write(tmp, "ls_emoji.json", json.dumps(_ls_task(t, [_ls_span(_utf16(t, i), _utf16(t, i + 5), "PERSON")])))
    g1 = GOLD_RECORDS[0]
    m = g1["entities"]["mentions"][0]
    ls_cancel = _write(tmp, "ls_cancel.json", json.dumps(_ls_task(g1["text"], [_ls_span(m["start"], m["end"], m["label"], m["text"])],
                                                                  cancelled=True)))
    doccano = _write(tmp, "doccano.jsonl", json.dumps({"text": g1["text"], "label": "ORG"}) + "\n")
    items = [{"entity_group": x["label"], "score": 0.9, "word": x["text"], "start": x["start"], "end": x["end"]}
             for x in g1["entities"]["mentions"][:20]]
    items[3]["word"] = "Somethingelse"
    transformers = _write(tmp, "tf.json", json.dumps({g1["id"]: items}))
    spacy = _write(tmp, "spacy.json", json.dumps([{"text": g1["text"], "ents": [{"start": 0, "end": len(g1["text"]) + 50, "label": "ORG"}],
                                                   "tokens": []}]))
    brat_dir = tmp / "brat"
    brat_dir.mkdir()
    (brat_dir / f"{g1['id']}.txt").write_text(g1["text"], encoding="utf-8")
    (brat_dir / f"{g1['id']}.ann").write_text(f"T1\t{m['label']} {m['start']} 1²\t{m['text']}\n", encoding="utf-8")
    bomb = tmp / "bomb.spacy"
    bomb.write_bytes(zlib.compress(b"\0" * (100 * 1024 * 1024), 9))
    return {
        "labelstudio-emoji-utf16": (["convert", str(ls_emoji), "--from", "labelstudio", "--gold", str(SYN)], "reject-or-warn"),
        "labelstudio-was-cancelled": (["convert", str(ls_cancel), "--from", "labelstudio", "--gold", str(GOLD)], "reject-or-warn"),
        "doccano-label-string": (["convert", str(doccano), "--from", "doccano", "--gold", str(GOLD)], "reject-or-warn"),
        "transformers-word-mismatch": (["convert", str(transformers), "--from", "transformers", "--gold", str(GOLD)], "reject-or-warn"),
        "spacy-past-the-end": (["convert", str(spacy), "--from", "spacy", "--gold", str(GOLD)], "reject"),
        "brat-superscript-digit": (["convert", str(brat_dir), "--from", "brat", "--gold", str(GOLD)], "reject"),
        "brat-superscript-import": (["import", str(brat_dir), "--from", "brat", "--out-dir", str(tmp / "out"), "--annotator", "ann-x"], "reject"),
        "docbin-zip-bomb": (["convert", str(bomb), "--from", "spacy-docbin", "--gold", str(GOLD)], "reject"),
    }


READER_CASES = ["labelstudio-emoji-utf16", "labelstudio-was-cancelled", "doccano-label-string", "transformers-word-mismatch",
                "spacy-past-the-end", "brat-superscript-digit", "brat-superscript-import", "docbin-zip-bomb"]


@pytest.mark.parametrize("name", READER_CASES)
def test_reader_specific_holes(name, tmp_path):
    argv, expect = reader_cases(tmp_path)[name]
    if name == "docbin-zip-bomb":         # a subprocess: a decompression that runs away must not take the test run with it
        env = {**os.environ, "PYTHONPATH": str(ROOT / "toolkit")}
        r = subprocess.run([str(NEWSGOLD), *argv], check=False, capture_output=True, text=True, timeout=60, env=env)
        code, out = r.returncode, r.stdout + r.stderr
    else:
        code, out = run(argv)
    if name == "docbin-zip-bomb":
        check(code, out, "reject", "size")           # stopped by the size cap, not after inflating 100 MB
    elif name == "labelstudio-emoji-utf16":
        # UTF-16 offsets (the emoji counts two units) must be converted to code points, or the problem named;
        # an unrelated warning next to a wrongly placed span is not enough
        records = [json.loads(x) for x in out.splitlines() if x.startswith("{")]
        placed = [e["text"] for r in records for e in r.get("entities", [])]
        assert code != 3, out
        assert (code == 1 and ERROR_LINE.search(out)) or placed == ["Trump"] or "UTF-16" in out, out
    else:
        check(code, out, expect, None)
