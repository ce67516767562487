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
