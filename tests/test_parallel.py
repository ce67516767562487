"""``--jobs``: shards scored in worker processes give exactly the single-process result."""
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from newsgold.scoring import api

ROOT = Path(__file__).resolve().parents[1]
RULES = ROOT / "baselines" / "rules.jsonl"
NEWSGOLD = Path(sys.executable).parent / "newsgold"


def gold_as_predictions(tmp_path):
    """The gold's own quotes and stance items as predictions (every layer present)."""
    lines = []
    for line in (ROOT / "data" / "documents" / "test.jsonl").read_text(encoding="utf-8").splitlines():
        g = json.loads(line)
        lines.append(json.dumps({"doc_id": g["id"],
                                 "quotes": [{k: q[k] for k in ("content", "cue", "speaker", "speaker_cluster", "type") if k in q}
                                            for q in g["quotes"]],
                                 "stance": [{"item": s["id"], "label": s["label"]} for s in g["stance"]["items"]][:1]}))
    f = tmp_path / "p.jsonl"
    f.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return f


@pytest.mark.parametrize("which", ["rules", "gold"])
def test_jobs_1_and_2_give_identical_results(which, tmp_path, monkeypatch):
    monkeypatch.setattr(api, "PARALLEL_MIN_DOCS", 0)       # the shipped release is small: force the workers
    preds = RULES if which == "rules" else gold_as_predictions(tmp_path)
    one = api.score(preds, task="all", resamples=50, jobs=1)
    two = api.score(preds, task="all", resamples=50, jobs=2)
    assert "quotes" in one.stats and (which == "rules" or "stance" in one.stats)
    for t in one.stats:
        assert one.stats[t].dtype == two.stats[t].dtype and np.array_equal(one.stats[t], two.stats[t])
    assert json.dumps(one.to_dict(), sort_keys=True) == json.dumps(two.to_dict(), sort_keys=True)


def test_cli_jobs_option(tmp_path):
    outs = []
    for jobs in ("1", "2"):
        r = subprocess.run([str(NEWSGOLD), "score", str(RULES), "--jobs", jobs, "--quiet", "--format", "json", "--resamples", "50"],
                           capture_output=True, text=True)
        assert r.returncode == 0, r.stderr
        outs.append(r.stdout)
    assert outs[0] == outs[1]


def test_quotes_and_stance_scored_by_workers_while_the_rest_is_scored_give_the_same_result(tmp_path, monkeypatch):
    """With workers, quotes and stance are computed in the background while this process scores the
    entities and the document level: the result, in the same order, is the one-process result."""
    monkeypatch.setattr(api, "PARALLEL_MIN_DOCS", 0)
    started = []
    real = api._forked_start
    monkeypatch.setattr(api, "_forked_start", lambda *a: started.append(a[2]) or real(*a))
    preds = gold_as_predictions(tmp_path)
    one = api.score(preds, task="all", resamples=50, jobs=1)
    assert started == []
    two = api.score(preds, task="all", resamples=50, jobs=2)
    assert started == [["quotes", "stance"]]
    assert list(one.stats) == list(two.stats) and list(one.tasks) == list(two.tasks)
    assert json.dumps(one.to_dict()) == json.dumps(two.to_dict())
