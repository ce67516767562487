"""The leaderboard: README rows come from submissions/, and a stale row fails the release gate."""
from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "tools"))
import ng_tools_helpers as H

from newsgold.core.repository import current
from newsgold.release.gate import check_leaderboard, repository_at
from newsgold.release.leaderboard import COLUMNS, load_submissions, stale_rows

ROOT = current().root
BLOCK = ("<!-- newsgold:leaderboard:start -->", "<!-- newsgold:leaderboard:end -->")


def readme_block() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return text[text.index(BLOCK[0]):text.index(BLOCK[1])]


def test_readme_rows_are_the_stored_scores_with_their_commands_and_signatures():
    subs = load_submissions(ROOT)
    assert {s.name for s in subs} >= {"rules", "majority-stance", "textacy-direct-quotations"}
    block = readme_block()
    for s in subs:
        row = next(line for line in block.splitlines() if line.startswith(f"| `{s.name}`"))
        for task, fig, _ in COLUMNS:
            f = s.score["tasks"].get(task, {}).get("figures", {}).get(fig)
            if f and f["value"] is not None:
                assert f"{f['value']:.3f}" in row, (s.name, fig)
        assert f"`{s.provenance['command']}`" in block and s.score["signature"] in block
        assert s.provenance["command"].startswith("newsgold run ") and s.provenance["command"].endswith(f"--submit {s.name}")


def test_rule_and_majority_rows_are_reproduced(tmp_path):
    from newsgold.systems.run import run_system
    for name, system in (("rules", "rules"), ("majority-stance", "majority-stance")):
        sub = ROOT / "submissions" / name
        res = run_system(system, score_options={"resamples": 0})
        assert res.jsonl.encode("utf-8") == (sub / "predictions.jsonl").read_bytes(), name


@pytest.fixture
def copy(tmp_path):
    root = H.copy_repo(tmp_path)
    shutil.copytree(ROOT / "submissions", root / "submissions", dirs_exist_ok=True)
    return root


def test_current_rows_pass_and_each_kind_of_staleness_fails(copy):
    with repository_at(copy):
        assert check_leaderboard(copy).ok, stale_rows(copy)
    # 1. the data changed: one gold label edited
    gold_file = sorted((copy / "annotations" / "gold").glob("*.json"))[0]
    ann = json.loads(gold_file.read_text(encoding="utf-8"))
    m = next(m for m in ann["entities"]["mentions"] if m["label"] == "DATE")
    m["label"] = "TIME"
    next(c for c in ann["entities"]["clusters"] if c["id"] == m["cluster"])["type"] = "TIME"
    gold_file.write_text(json.dumps(ann, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    with repository_at(copy):
        c = check_leaderboard(copy)
    assert not c.ok and "data hash is now" in c.message and "newsgold leaderboard" in c.fix


def test_toolkit_version_predictions_and_code_changes_make_a_row_stale(copy):
    sub = copy / "submissions" / "rules"
    score = json.loads((sub / "score.json").read_text(encoding="utf-8"))
    fields = score["signature"].split("|")
    score["signature"] = "|".join(["newsgold:0.0.1-old", *fields[1:]])
    (sub / "score.json").write_text(json.dumps(score), encoding="utf-8")
    with (sub / "predictions.jsonl").open("a", encoding="utf-8") as fh:
        fh.write("\n")
    prov_file = copy / "submissions" / "majority-stance" / "predictions.provenance.json"
    prov = json.loads(prov_file.read_text(encoding="utf-8"))
    prov["code_sha256"] = dict.fromkeys(prov["code_sha256"], "0" * 64)
    prov_file.write_text(json.dumps(prov), encoding="utf-8")
    with repository_at(copy):
        stale = stale_rows(copy)
    rules = next(s for s in stale if s.startswith("rules:"))
    assert "scored by newsgold 0.0.1-old" in rules and "not the file that was scored" in rules
    assert "newsgold run rules --submit rules" in rules
    assert any(s.startswith("majority-stance:") and "system code changed" in s for s in stale)


def test_a_submission_missing_a_file_is_reported(copy):
    (copy / "submissions" / "rules" / "score.json").unlink()
    with repository_at(copy):
        c = check_leaderboard_result(copy)
    assert not c.ok and "score.json" in c.message


def check_leaderboard_result(root):
    from newsgold.release.gate import run_checks
    return {c.name: c for c in run_checks(root)}["leaderboard-current"]


def test_a_row_scored_before_the_release_is_stale(copy):
    # the row was run on data the gate has never seen released: a version bumped by hand in the signature
    sub = copy / "submissions" / "rules"
    score = json.loads((sub / "score.json").read_text(encoding="utf-8"))
    fields = score["signature"].split("|")
    data = next(f for f in fields if f.startswith("data:"))
    version, _, short = data.removeprefix("data:newsgold-").partition("+")
    major, minor, _ = version.split(".")
    unreleased = f"data:newsgold-{major}.{int(minor) + 1}.0+{short}"
    score["signature"] = "|".join(unreleased if f == data else f for f in fields)
    (sub / "score.json").write_text(json.dumps(score), encoding="utf-8")
    with repository_at(copy):
        c = check_leaderboard(copy)
    assert not c.ok and "not a released version" in c.message and "newsgold release first" in c.fix


def test_a_row_with_failed_documents_passes_with_a_note_and_the_readme_names_them(copy):
    from newsgold.release.leaderboard import render
    prov_file = copy / "submissions" / "rules" / "predictions.provenance.json"
    prov = json.loads(prov_file.read_text(encoding="utf-8"))
    prov["failed_documents"] = [{"doc_id": "some-doc", "reason": "5 quotation marks found"}]
    prov_file.write_text(json.dumps(prov), encoding="utf-8")
    with repository_at(copy):
        c = check_leaderboard(copy)
        body = render(copy)
    # the note comes with the check whether or not rows are stale (the copy may be mid-release)
    assert "rules: some-doc (5 quotation marks found)" in c.message and "keep the row" in c.message
    assert c.ok == (stale_rows(copy) == [])
    assert "the system failed on `some-doc` (5 quotation marks found)" in body
