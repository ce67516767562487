"""The stance label distribution and the constant-NONE reference printed beside every stance figure.

Expected values come from a hand-worked case, from scikit-learn (a peer implementation run here),
and from scoring an actual constant-NONE predictions file with ``newsgold score``.
"""
from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

import pytest

from newsgold.core.repository import current
from newsgold.core.schema import STANCE_LABELS
from newsgold.scoring.stance import label_reference

NEWSGOLD = Path(sys.executable).with_name("newsgold")


def _cm(counts: dict[str, int]) -> dict:
    """A confusion table whose gold rows hold ``counts`` (where the predictions fall does not matter)."""
    matrix = [[0] * (len(STANCE_LABELS) + 1) for _ in STANCE_LABELS]
    for i, lab in enumerate(STANCE_LABELS):
        matrix[i][len(STANCE_LABELS)] = counts.get(lab, 0)     # all unlabelled: only the gold rows count
    return {"labels": list(STANCE_LABELS), "matrix": matrix}


def test_hand_worked():
    # 13 FAVOR, 1 NEUTRAL, 29 NONE: always NONE is right 29 times in 43; F1(NONE) = 2*29/(29+43);
    # FAVOR and NEUTRAL have F1 0; AGAINST (absent on both sides) is left out: macro-F1 = F1(NONE)/3.
    ref = label_reference(_cm({"FAVOR": 13, "NEUTRAL": 1, "NONE": 29}))
    assert ref["gold_labels"] == {"FAVOR": 13, "AGAINST": 0, "NEUTRAL": 1, "NONE": 29} and ref["items"] == 43
    none = ref["constant_none"]
    assert none["accuracy"] == pytest.approx(29 / 43)
    assert none["macro_f1"] == pytest.approx((58 / 72) / 3)
    assert none["detection_f1"] == 0.0


@pytest.mark.parametrize("seed", range(20))
def test_equals_scikit_learn(seed):
    from sklearn.metrics import accuracy_score, f1_score
    rnd = random.Random(seed)
    gold = [rnd.choice(STANCE_LABELS) for _ in range(rnd.randint(1, 40))]
    pred = ["NONE"] * len(gold)
    counts = {lab: gold.count(lab) for lab in STANCE_LABELS}
    none = label_reference(_cm(counts))["constant_none"]
    assert none["accuracy"] == pytest.approx(accuracy_score(gold, pred))
    assert none["macro_f1"] == pytest.approx(f1_score(gold, pred, average="macro", zero_division=0))
    detect_gold = [g != "NONE" for g in gold]
    if any(detect_gold):
        assert none["detection_f1"] == pytest.approx(f1_score(detect_gold, [False] * len(gold), zero_division=0))


def test_score_prints_what_a_constant_none_system_scores(tmp_path):
    """The line under the stance table equals the scores of an actual all-NONE predictions file."""
    gold = current().gold_dir
    lines = []
    for p in sorted(gold.glob("*.json")):
        rec = json.loads(p.read_text(encoding="utf-8"))
        lines.append({"doc_id": rec["doc_id"], "stance": [{"item": s["id"], "label": "NONE"} for s in rec["stance"]["items"]]})
    pred = tmp_path / "none.jsonl"
    pred.write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    r = subprocess.run([str(NEWSGOLD), "score", str(pred), "--task", "stance", "--format", "json"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    figs = json.loads(r.stdout)["tasks"]["stance"]["figures"]
    r = subprocess.run([str(NEWSGOLD), "score", str(pred), "--task", "stance"], capture_output=True, text=True)
    out = r.stdout.splitlines()
    start = out.index("stance labels in the gold, and the constant-NONE reference (every item NONE)")
    rows = {x.split("  ")[0]: x.split()[-1] for x in out[start + 3:] if x.strip()}
    assert rows["constant-NONE accuracy"] == f"{figs['classification/accuracy']['value']:.4f}"
    assert rows["constant-NONE macro-F1"] == f"{figs['classification/macro_f1']['value']:.4f}"
