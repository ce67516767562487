"""``--from strings``: offset-free (LLM-style) output aligned to the text, every miss reported."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "tools"))
import ng_tools_helpers as H

from newsgold.formats.strings import read
from newsgold.gold.load import Gold, load_gold
from newsgold.scoring.api import score

NEWSGOLD = Path(sys.executable).with_name("newsgold")
DOC1 = H.EXAMPLE_DOCS[0]


def words(text: str, s: str) -> list[tuple[int, int]]:
    """A peer of the alignment rule for plain strings: whole-word regex occurrences."""
    return [(m.start(), m.end()) for m in re.finditer(rf"(?<!\w){re.escape(s)}(?!\w)", text)]


def llm_output(tmp_path: Path) -> Path:
    items = {"doc_id": DOC1,
             "entities": [{"text": "Donald Trump", "label": "PERSON"},
                          {"text": "Trump", "label": "PERSON"},
                          {"text": "Syria", "label": "GPE", "occurrence": 2},
                          {"text": "Joe Biden", "label": "PERSON"},             # not in the text
                          {"text": "Daesh", "label": "ORG", "occurrence": 99},  # too few occurrences
                          {"text": "Trump", "label": "PERSON"},                 # duplicate
                          {"label": "ORG"}],                                    # no string
             "quotes": [{"quote": "\"It's working out very well, so we’re very happy about it.\"", "speaker": "Donald Trump"},
                        {"quote": "We never said this", "speaker": "Someone"}]}
    path = tmp_path / "llm.jsonl"
    path.write_text(json.dumps(items, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def test_convert_aligns_and_reports_every_unmatched_item(tmp_path):
    path = llm_output(tmp_path)
    r = subprocess.run([str(NEWSGOLD), "convert", "--from", "strings", str(path)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    rec = json.loads(r.stdout)
    text = load_gold().text(DOC1)
    got = [(e["start"], e["end"], e["label"]) for e in rec["entities"]]
    donald = words(text, "Donald Trump")
    trump = [o for o in words(text, "Trump") if not any(a <= o[0] < b for a, b in donald)]
    syria = words(text, "Syria")[1]
    assert sorted(got) == sorted([(s, e, "PERSON") for s, e in donald + trump] + [(syria[0], syria[1], "GPE")])
    assert all(text[e["start"]:e["end"]] == e["text"] for e in rec["entities"])
    # the quote: curly apostrophes and the quotation marks of the LLM's string do not matter
    q = rec["quotes"]
    assert len(q) == 1 and q[0]["speaker_name"] == "Donald Trump"
    c = q[0]["content"][0]
    assert text[c["start"]:c["end"]] == "It’s working out very well, so we're very happy about it."
    # every item that was not placed is named, with its line and JSON path
    warnings = [line for line in r.stderr.splitlines() if line.strip()]
    assert any(":1: entities/3:" in w and "Joe Biden" in w and "[unmatched-string]" in w for w in warnings)
    assert any(":1: entities/4/occurrence:" in w and "Daesh" in w for w in warnings)
    assert any(":1: entities/5:" in w and "[duplicate]" in w for w in warnings)
    assert any(":1: entities/6:" in w and "[strings-item]" in w for w in warnings)
    assert any(":1: quotes/1:" in w and "We never said this" in w for w in warnings)
    assert len(warnings) == 5, warnings


def test_score_from_strings_scores_the_aligned_items(tmp_path):
    path = llm_output(tmp_path)
    r = subprocess.run([str(NEWSGOLD), "score", "--from", "strings", str(path), "--resamples", "0", "--format", "json"],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert {"entities", "entities_document", "quotes"} <= set(out["tasks"])
    assert "Joe Biden" in r.stderr


def synthetic(text: str) -> Gold:
    d = {"id": "s1", "text": text, "text_sha256": "0" * 64, "metadata": {"headline": "x"},
         "zones": [{"start": 0, "end": len(text), "type": "body"}],
         "entities": {"mentions": [], "clusters": []}, "quotes": [], "stance": {"targets": [], "items": []}}
    return Gold({"s1": d}, "test", "f" * 64, "<test>")


def test_alignment_rule_normalisation_word_edges_and_case(tmp_path):
    text = "He said: “We  are\nready — now.” Syrian forces left SYRIA, then Syria."
    gold = synthetic(text)
    path = tmp_path / "s.jsonl"
    path.write_text(json.dumps({"doc_id": "s1",
                                "entities": [{"text": "Syria", "label": "GPE"}, {"text": "Syrian", "label": "NORP"},
                                             {"text": "syria", "label": "GPE", "occurrence": 1}],
                                "quotes": [{"quote": "«We are ready - now.»", "speaker": "He"}]}) + "\n", encoding="utf-8")
    recs, problems = read(path, gold)
    assert [p for p in problems if p.severity == "error"] == []
    ents = [(e["text"], e["label"]) for e in recs[0]["entities"]]
    # exact-case occurrences first: "Syria" only at the end (not inside "Syrian"); "syria" has none, so case-insensitive:
    # its first occurrence is "SYRIA"
    assert ents == [("Syrian", "NORP"), ("SYRIA", "GPE"), ("Syria", "GPE")]
    c = recs[0]["quotes"][0]["content"][0]
    start = text.index("We")
    assert (c["start"], c["end"]) == (start, text.index("now.") + 4)
    assert problems == []


def test_unknown_label_and_document_are_errors(tmp_path):
    gold = synthetic("Paris.")
    path = tmp_path / "s.jsonl"
    path.write_text(json.dumps({"doc_id": "s1", "entities": [{"text": "Paris", "label": "CITY"}]}) + "\n"
                    + json.dumps({"doc_id": "nope", "entities": []}) + "\n", encoding="utf-8")
    _, problems = read(path, gold)
    errs = [(p.line, p.path, p.rule) for p in problems if p.severity == "error"]
    assert errs == [(1, "entities/0/label", "label"), (2, "doc_id", "ref-document")]


def test_document_level_from_strings_counts_each_entity_once(tmp_path):
    gold = load_gold()
    path = tmp_path / "s.jsonl"
    path.write_text(json.dumps({"doc_id": DOC1, "entities": [{"text": "Trump", "label": "PERSON"},
                                                             {"text": "Donald Trump", "label": "PERSON"}]}) + "\n",
                    encoding="utf-8")
    recs, _ = read(path, gold)
    res = score(recs, gold=gold, task="entities", resamples=0)
    c = res.tasks["entities_document"]["counts"]["overall"]
    assert c["predicted"] == 1 and c["correct"] == 1       # both strings name the cluster donald-trump
