"""The task registry: one object per task, and a new task is one class plus one registry line.

The toy task below (``mention_count``: how many entity mentions the gold and the predictions
have per document) is added to the registry for one test only, and scored end to end through
``score()``, the text/Markdown/CSV/JSON renderers and the HTML report, with nothing else
edited. Its expected figures are counted here straight from the JSON Lines files.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from newsgold.reporting import html, text
from newsgold.scoring import api, signature, tasks

ROOT = Path(__file__).resolve().parents[1]
PREDICTIONS = ROOT / "submissions" / "rules" / "predictions.jsonl"
GOLD = ROOT / "data" / "documents" / "test.jsonl"


def test_registry_lists_the_scored_tasks_in_report_order():
    assert tasks.task_names() == ("entities", "entities_document", "quotes", "stance", "coref")
    assert list(tasks.REGISTRY) == ["entities", "entities_document", "quotes", "stance", "coref"]


def test_every_task_names_real_signature_fields():
    for t in tasks.REGISTRY.values():
        assert set(t.signature_fields) <= set(signature.FIELDS), t.name


def test_cli_task_choices_come_from_the_registry():
    r = subprocess.run([sys.executable, "-m", "newsgold.cli", "score", "--help"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert "{entities,entities_document,quotes,stance,coref,all}" in r.stdout


def test_no_task_string_dispatch_outside_the_registry():
    hits = [f"{p.relative_to(ROOT)}:{n}" for p in (ROOT / "toolkit" / "newsgold").rglob("*.py")
            for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1) if "task ==" in line]
    assert [h for h in hits if not h.startswith("toolkit/newsgold/scoring/tasks.py")] == []


class MentionCount(tasks.Task):
    """Per document: (gold mentions, predicted mentions); figure: their ratio over the corpus."""

    name = "mention_count"
    layer = "entities"

    def stat_fields(self):
        return ("gold", "predicted")

    def doc_row(self, doc, pred, setup, index, errors):
        return np.array([len(doc["entities"]["mentions"]), len(pred.get("entities") or [])], dtype=np.int64)

    def figures(self, sums, setup):
        sums = np.asarray(sums, dtype=float)
        return {"ratio": sums[..., 1] / sums[..., 0]}


@pytest.fixture
def toy(monkeypatch):
    monkeypatch.setitem(tasks.REGISTRY, "mention_count", MentionCount())
    return MentionCount()


def _hand_counts() -> tuple[int, int]:
    gold = [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines() if line.strip()]
    preds = {r["doc_id"]: r for r in map(json.loads, PREDICTIONS.read_text(encoding="utf-8").splitlines()) if r}
    n_gold = sum(len(g["entities"]["mentions"]) for g in gold)
    n_pred = sum(len(preds.get(g["id"], {}).get("entities") or []) for g in gold)
    return n_gold, n_pred


@pytest.mark.skipif(not (GOLD.is_file() and PREDICTIONS.is_file()), reason="needs the built documents file and the rules submission")
def test_a_new_task_is_one_object_and_one_registry_line(toy):
    n_gold, n_pred = _hand_counts()
    result = api.score(str(PREDICTIONS), gold=str(GOLD), task="mention_count", resamples=0)
    assert list(result.tasks) == ["mention_count"]
    entry = result.tasks["mention_count"]
    assert entry["counts"] == {"gold": n_gold, "predicted": n_pred}
    assert entry["figures"]["ratio"]["value"] == pytest.approx(n_pred / n_gold)
    assert "|task:mention_count|" in result.signature
    table = text.render_score(result, "table")
    assert "mention_count  ratio" in table
    csv = text.render_score(result, "csv")
    assert csv.count("\n") == 2 and ",mention_count,ratio," in csv      # one header line, one figure
    assert json.loads(text.render_score(result, "json"))["tasks"]["mention_count"]["counts"]["gold"] == n_gold
    page = html.render_task_figures("mention_count", entry)
    assert "<h2>mention_count</h2>" in page and "<td>ratio</td>" in page
