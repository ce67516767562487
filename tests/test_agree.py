"""``newsgold agree`` compares every layer and field and lists each disagreement with both sides (issue 14, item 3).

Two passes are made here from a copy of one shipped gold file; pass B gets one hand-made change
per test, and the test checks that exactly that change is listed, with A's and B's values.
"""
from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path

import pytest

from newsgold.annotation.agree import GoldNotAPass, agree, disagreement_key
from newsgold.core.repository import current

NEWSGOLD = Path(sys.executable).with_name("newsgold")


def _gold_files() -> list[Path]:
    return sorted(current().gold_dir.glob("*.json"))


def _doc_with_multi_evidence() -> tuple[Path, dict, dict]:
    """A gold file with a stance item of two or more evidence quotes (any document the manifest holds)."""
    for p in _gold_files():
        rec = json.loads(p.read_text(encoding="utf-8"))
        for item in rec["stance"]["items"]:
            if len(item["evidence"]) >= 2:
                return p, rec, item
    pytest.skip("no gold stance item with two evidence quotes")


def _passes(tmp_path: Path, rec: dict, change) -> tuple[Path, Path]:
    """Two pass folders made from one gold record (headers of two machine passes), B changed by hand."""
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    rec = copy.deepcopy(rec)
    rec["annotation"] = {"annotator": "pass-a", "annotator_kind": "machine", "notes": "test"}
    other = copy.deepcopy(rec)
    other["annotation"] = {**rec["annotation"], "annotator": "pass-b"}
    change(other)
    (a / f"{rec['doc_id']}.json").write_text(json.dumps(rec, ensure_ascii=False), encoding="utf-8")
    (b / f"{rec['doc_id']}.json").write_text(json.dumps(other, ensure_ascii=False), encoding="utf-8")
    return a, b


def _item(rec: dict, item_id: str) -> dict:
    return next(s for s in rec["stance"]["items"] if s["id"] == item_id)


def test_identical_passes_agree_fully(tmp_path):
    _, rec, _ = _doc_with_multi_evidence()
    a, b = _passes(tmp_path, rec, lambda r: None)
    res = agree(a, b)
    assert res["disagreements"] == []
    assert {f["figure"]: f["value"] for f in res["figures"]}["evidence agreement on matched items (same quotes)"] == 1.0


def test_stance_evidence_difference_is_a_disagreement(tmp_path):
    """The issue's case: A has evidence [q1, q2], B only [q2]."""
    _, rec, item = _doc_with_multi_evidence()
    rec = copy.deepcopy(rec)
    first, second = item["evidence"][:2]
    _item(rec, item["id"])["evidence"] = [first, second]
    a, b = _passes(tmp_path, rec, lambda r: _item(r, item["id"]).update(evidence=[second]))
    res = agree(a, b)
    dis = res["disagreements"]
    assert [(d["layer"], d["kind"]) for d in dis] == [("stance", f"evidence differs {item['holder']} -> {item['target']}")]
    assert dis[0]["a"] == ", ".join(sorted([first, second])) and dis[0]["b"].startswith(second)
    figs = {f["figure"]: f["value"] for f in res["figures"]}
    assert figs["item F1 (same holder and target)"] == 1.0 and figs["label agreement on matched items"] == 1.0
    assert figs["evidence agreement on matched items (same quotes)"] == (len(rec["stance"]["items"]) - 1) / len(rec["stance"]["items"])
    # the CLI lists it too
    r = subprocess.run([str(NEWSGOLD), "agree", str(a), str(b)], capture_output=True, text=True)
    assert r.returncode == 0 and "evidence differs" in r.stdout and "disagreements: 1" in r.stdout, r.stdout + r.stderr


def _first_quote_with(rec: dict, field: str) -> dict:
    """The first quote with ``field`` set and (so that a change keeps the pass valid) no stance evidence role."""
    evidence = {q for s in rec["stance"]["items"] for q in s["evidence"]}
    found = [q for q in rec["quotes"] if q.get(field) and q["id"] not in evidence]
    if not found:
        pytest.skip(f"no quote with {field} outside stance evidence")
    return found[0]


@pytest.mark.parametrize("field,change,kind", [
    ("speaker", lambda q, t: q["speaker"].update(start=q["speaker"]["start"] + 1,
                                                 text=t[q["speaker"]["start"] + 1:q["speaker"]["end"]]), "speaker span differs"),
    ("speaker_cluster", lambda q, t: q.update(speaker_cluster=None), "speaker differs"),
    ("cue", lambda q, t: q["cue"].update(end=q["cue"]["end"] - 1, text=t[q["cue"]["start"]:q["cue"]["end"] - 1]), "cue differs"),
    ("type", lambda q, t: q.update(type="mixed" if q["type"] != "mixed" else "direct"), "type differs"),
])
def test_every_quote_field_is_compared(tmp_path, field, change, kind):
    from newsgold.gold.manifest import load_documents
    _, rec, _ = _doc_with_multi_evidence()
    text = load_documents()[rec["doc_id"]]["text"]
    qid = _first_quote_with(rec, field)["id"]

    def edit(r):
        change(next(q for q in r["quotes"] if q["id"] == qid), text)
    a, b = _passes(tmp_path, rec, edit)
    dis = agree(a, b)["disagreements"]
    assert [(d["layer"], d["kind"]) for d in dis] == [("quotes", f"{kind} ({qid} / {qid})")]
    assert dis[0]["a"] != dis[0]["b"] and dis[0]["a"] and dis[0]["b"]


def test_cluster_name_target_and_label_are_compared(tmp_path):
    _, rec, item = _doc_with_multi_evidence()

    def edit(r):
        r["entities"]["clusters"][0]["name"] = "Another Name"
        r["stance"]["targets"][0]["description"] = "changed wording"
        _item(r, item["id"]).update(label="AGAINST" if item["label"] != "AGAINST" else "FAVOR")
    a, b = _passes(tmp_path, rec, edit)
    dis = agree(a, b)["disagreements"]
    kinds = [d["kind"] for d in dis]
    cid = rec["entities"]["clusters"][0]["id"]
    assert f"cluster name differs ({cid} / {cid})" in kinds
    assert f"target differs {rec['stance']['targets'][0]['id']}" in kinds
    assert f"label differs {item['holder']} -> {item['target']}" in kinds
    assert len(dis) == 3
    for d in dis:
        assert d["a"] and d["b"] and d["a"] != d["b"], disagreement_key(d)


def test_agreement_with_the_gold_is_refused(tmp_path):
    """Pass against gold is 1.000 by construction when the gold took the pass's labels: never reported."""
    p, rec, _ = _doc_with_multi_evidence()
    a, _b = _passes(tmp_path, rec, lambda r: None)
    with pytest.raises(GoldNotAPass, match="pass against pass only"):
        agree(a, p.parent)
    r = subprocess.run([str(NEWSGOLD), "agree", str(a), str(p.parent)], capture_output=True, text=True)
    assert r.returncode == 2 and "adjudicated (gold) files" in r.stderr and not r.stdout
