"""benchmarks/generate.py --quotes: the quote and stance layers it adds are valid gold and valid
predictions, and adding them leaves the entity layers byte for byte as they were."""
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _generate(out: Path, *extra: str) -> None:
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "generate.py"), "--docs", "120", "--seed", "5",
                    "--out", str(out), "--quiet", *extra], check=True, capture_output=True)


def _lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_quotes_and_stance_are_valid_and_leave_entities_alone(tmp_path, monkeypatch):
    monkeypatch.setenv("NEWSGOLD_CACHE_DIR", "off")
    from newsgold.gold.load import load_gold
    from newsgold.scoring.predictions import read_predictions
    _generate(tmp_path / "q", "--quotes")
    _generate(tmp_path / "plain")
    gold_q, gold_plain = _lines(tmp_path / "q" / "gold.jsonl"), _lines(tmp_path / "plain" / "gold.jsonl")
    assert [(g["text"], g["entities"]) for g in gold_q] == [(g["text"], g["entities"]) for g in gold_plain]
    pred_q, pred_plain = _lines(tmp_path / "q" / "predictions.jsonl"), _lines(tmp_path / "plain" / "predictions.jsonl")
    assert [p["entities"] for p in pred_q] == [p["entities"] for p in pred_plain]
    assert sum(len(g["quotes"]) for g in gold_q) > 20 and sum(len(g["stance"]["items"]) for g in gold_q) > 20
    assert sum(len(p["quotes"]) for p in pred_q) > 10
    gold = load_gold(tmp_path / "q" / "gold.jsonl")        # every gold check; raises InputError on any problem
    _, problems = read_predictions(str(tmp_path / "q" / "predictions.jsonl"), gold)
    assert problems == []


def test_predicted_coref_is_valid_scored_and_leaves_the_other_layers_alone(tmp_path, monkeypatch):
    """--coref adds a predictions ``coref`` layer only; its mentions are gold mentions or filler tokens
    no gold mention touches, none listed twice, and ``--task coref`` scores it with fewer than all
    mentions right (some were dropped or invented)."""
    monkeypatch.setenv("NEWSGOLD_CACHE_DIR", "off")
    from newsgold.gold.load import load_gold
    from newsgold.scoring import api
    from newsgold.scoring.predictions import read_predictions
    _generate(tmp_path / "c", "--quotes", "--coref")
    _generate(tmp_path / "q", "--quotes")
    assert (tmp_path / "c" / "gold.jsonl").read_bytes() == (tmp_path / "q" / "gold.jsonl").read_bytes()
    pred_c, pred_q = _lines(tmp_path / "c" / "predictions.jsonl"), _lines(tmp_path / "q" / "predictions.jsonl")
    assert [{k: v for k, v in p.items() if k != "coref"} for p in pred_c] == pred_q
    gold = {g["id"]: g for g in _lines(tmp_path / "c" / "gold.jsonl")}
    n_gold = n_from_gold = n_invented = 0
    for p in pred_c:
        g = gold[p["doc_id"]]
        spans = [(m["start"], m["end"]) for c in p["coref"] for m in c]
        assert len(spans) == len(set(spans))
        gold_spans = {(m["start"], m["end"]) for m in g["entities"]["mentions"]}
        for s, e in spans:
            if (s, e) in gold_spans:
                n_from_gold += 1
            else:
                n_invented += 1
                assert " " not in g["text"][s:e] and not any(a < e and s < b for a, b in gold_spans)
        n_gold += len(gold_spans)
    assert 0.9 * n_gold < n_from_gold < n_gold and n_invented > 0
    _, problems = read_predictions(str(tmp_path / "c" / "predictions.jsonl"), load_gold(tmp_path / "c" / "gold.jsonl"))
    assert problems == []
    figs = api.score(tmp_path / "c" / "predictions.jsonl", gold=tmp_path / "c" / "gold.jsonl", task="coref", resamples=0).tasks["coref"]["figures"]
    assert 0.9 < figs["mentions/recall"]["value"] < 1 and 0.5 < figs["muc/f1"]["value"] < 1
