"""The coref-rules baseline: its three rules on invented mentions, and its run through ``newsgold run``."""
from __future__ import annotations

import json

from newsgold.cli import main
from newsgold.systems.coref_rules import cluster, normalise, predict


def _m(start: int, text: str, label: str) -> dict:
    return {"start": start, "end": start + len(text), "text": text, "label": label}


def test_string_match_ignores_case_possessive_and_the():
    assert normalise("The Pentagon's") == normalise("pentagon") == "pentagon"
    got = cluster([_m(0, "the Pentagon", "ORG"), _m(50, "Pentagon's", "ORG"), _m(90, "Senate", "ORG")])
    assert got == [[(0, 12), (50, 60)], [(90, 96)]]


def test_head_match_looks_back_only_and_keeps_types_apart():
    ms = [_m(0, "Smith", "PERSON"), _m(20, "Jane Smith", "PERSON"), _m(40, "Smith", "PERSON"),
          _m(60, "Smith", "ORG")]
    # "Smith" before "Jane Smith" stays alone; the later PERSON "Smith" joins its first match
    # (the earlier "Smith", by string match); the ORG "Smith" also string-matches it: rule 1 ignores type
    assert cluster(ms) == [[(0, 5), (40, 45), (60, 65)], [(20, 30)]]
    assert cluster([_m(0, "Jane Smith", "PERSON"), _m(20, "Smith", "PERSON")]) == [[(0, 10), (20, 25)]]
    assert cluster([_m(0, "Jane Smith", "PERSON"), _m(20, "Smith", "GPE")]) == [[(0, 10)], [(20, 25)]]


def test_acronym_match():
    ms = [_m(0, "United Nations", "ORG"), _m(30, "UN", "ORG"), _m(40, "Bank of England", "ORG"), _m(60, "BE", "ORG")]
    assert cluster(ms) == [[(0, 14), (30, 32)], [(40, 55), (60, 62)]]


def test_predict_sees_only_text():
    rec = predict("d", "Jane Smith arrived in Paris on Monday. Smith said Paris was calm.")
    assert rec["doc_id"] == "d" and all(isinstance(c, list) for c in rec["coref"])


def test_run_writes_clusters_and_scores_them(tmp_path, capsys):
    out = tmp_path / "p.jsonl"
    rc = main(["run", "coref-rules", "-o", str(out), "--date", "2026-01-01", "--format", "json"])
    assert rc == 0
    score = json.loads(capsys.readouterr().out)
    assert "task:coref" in score["signature"]
    assert 0 < score["tasks"]["coref"]["figures"]["conll/f1"]["value"] < 1
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert rows and all("coref" in r for r in rows)
