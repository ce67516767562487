"""The ``newsgold`` command itself: help, version, exit codes, validate on the shipped data, JSON output.

Subcommands are read from the parser the command builds, never from a list copied here.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import newsgold
from newsgold.cli import build_parser, main
from newsgold.core.repository import current

ROOT = current().root   # NEWSGOLD_HOME, when set, points the data tests at another copy
NEWSGOLD = Path(sys.executable).with_name("newsgold")
MANIFEST = json.loads((ROOT / "seeds" / "manifest.json").read_text(encoding="utf-8"))
DOC1 = MANIFEST["documents"][0]["id"]
PROBLEM_KEYS = {"file", "line", "path", "message", "rule", "severity"}


def run(*args, env_extra=None):
    env = {**os.environ, **(env_extra or {})}
    r = subprocess.run([str(NEWSGOLD), *map(str, args)], capture_output=True, text=True, env=env)
    assert "Traceback" not in r.stdout + r.stderr, r.stdout + r.stderr
    return r


def subcommands() -> dict[str, str]:
    """name -> one-line purpose, as the parser declares them."""
    parser = build_parser()
    [action] = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    helps = {ca.dest: ca.help for ca in action._choices_actions}
    assert set(helps) == set(action.choices)
    return helps


def doc1_text() -> str:
    d = MANIFEST["documents"][0]
    src = (ROOT / "seeds" / d["source"]).read_bytes().decode("utf-8")
    return src[d["start"]:d["end"]]


def annotation(mention_text: str = "Donald Trump") -> dict:
    text = doc1_text()
    i = text.index("Donald Trump")
    return {"doc_id": DOC1, "text_sha256": hashlib.sha256(text.encode()).hexdigest(),
            "annotation": {"annotator": "test", "annotator_kind": "machine"},
            "entities": {"mentions": [{"start": i, "end": i + 12, "text": mention_text, "label": "PERSON", "cluster": "c1"}],
                         "clusters": [{"id": "c1", "name": "Donald Trump", "type": "PERSON"},
                                      {"id": "c2", "name": "Syria", "type": "GPE"}]},
            "quotes": [], "stance": {"targets": [], "items": []}}


# ---------------------------------------------------------------- help and version

def test_every_subcommand_has_a_one_line_purpose():
    helps = subcommands()
    assert "validate" in helps
    for name, purpose in helps.items():
        assert purpose and purpose.strip() == purpose, name
        assert "\n" not in purpose, name
        assert purpose != argparse.SUPPRESS, name


def test_help_lists_every_subcommand_with_its_purpose():
    helps = subcommands()
    r = run("--help", env_extra={"COLUMNS": "400"})
    assert r.returncode == 0
    lines = r.stdout.splitlines()
    for name, purpose in helps.items():
        # argparse puts the purpose of a long name (add-source) on the next line; either layout is one line of purpose
        same_line = re.compile(rf"^\s+{re.escape(name)}\s+{re.escape(purpose)}$")
        next_line = [i for i, x in enumerate(lines[:-1]) if x.strip() == name and lines[i + 1].strip() == purpose]
        assert any(same_line.match(x) for x in lines) or next_line, (name, r.stdout)


def test_help_at_default_width_still_names_every_purpose():
    helps = subcommands()
    r = run("--help", env_extra={"COLUMNS": "80"})
    assert r.returncode == 0
    flat = " ".join(r.stdout.split())
    for name, purpose in helps.items():
        assert f"{name} {' '.join(purpose.split())}" in flat, name


@pytest.mark.parametrize("name", sorted(subcommands()))
def test_each_subcommand_help(name, capsys):
    with pytest.raises(SystemExit) as exc:
        main([name, "--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith(f"usage: newsgold {name}")
    assert " ".join(subcommands()[name].split()) in " ".join(out.split())


def test_version():
    r = run("--version")
    assert r.returncode == 0
    assert r.stdout.strip() == f"newsgold {newsgold.__version__}"


def test_no_command_prints_help_and_exits_2(capsys):
    assert main([]) == 2
    assert "usage: newsgold" in capsys.readouterr().out


def test_unknown_command_is_a_usage_error():
    r = run("no-such-command")
    assert r.returncode == 2
    assert "invalid choice" in r.stderr


def test_unknown_option_is_a_usage_error():
    r = run("validate", "--no-such-option")
    assert r.returncode == 2
    assert "unrecognized arguments" in r.stderr


# ---------------------------------------------------------------- validate on the shipped dataset

def _shipped_gold() -> list[Path]:
    gold = ROOT / "annotations" / "gold"
    return sorted(gold.glob("*.json")) if gold.is_dir() else []


def test_validate_shipped_dataset_exits_0():
    if not _shipped_gold():
        pytest.skip("annotations/gold has no annotation files yet")
    r = run("validate")
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.splitlines()[-1].startswith("OK: the shipped dataset: 0 error(s)")


def test_validate_shipped_dataset_json_is_parseable():
    if not _shipped_gold():
        pytest.skip("annotations/gold has no annotation files yet")
    r = run("validate", "--format", "json")
    assert r.returncode == 0, r.stdout + r.stderr
    problems = json.loads(r.stdout)
    assert isinstance(problems, list)
    assert all(set(p) == PROBLEM_KEYS and p["severity"] == "warning" for p in problems)


def test_validate_shipped_manifest_alone():
    r = run("validate", ROOT / "seeds" / "manifest.json")
    assert r.returncode == 0, r.stdout


# ---------------------------------------------------------------- --format json

def test_format_json_on_a_broken_file(tmp_path):
    rec = annotation(mention_text="Donald Trum")     # span-text error; c2 has no mention: warning
    f = tmp_path / f"{DOC1}.json"
    text = json.dumps(rec, ensure_ascii=False, indent=2) + "\n"
    f.write_text(text, encoding="utf-8")
    r = run("validate", "--format", "json", f)
    assert r.returncode == 1
    problems = json.loads(r.stdout)          # stdout is exactly one JSON document, no summary line
    assert isinstance(problems, list) and len(problems) == 2
    for p in problems:
        assert set(p) == PROBLEM_KEYS
        assert isinstance(p["file"], str) and isinstance(p["line"], int) and isinstance(p["path"], str)
        assert isinstance(p["message"], str) and isinstance(p["rule"], str) and p["severity"] in ("error", "warning")
    lines = text.split("\n")
    text_line = next(n for n, x in enumerate(lines, 1) if '"text": "Donald Trum"' in x)
    c2_line = next(n for n, x in enumerate(lines, 1) if '"id": "c2"' in x) - 1     # the object's opening brace
    by_rule = {p["rule"]: p for p in problems}
    assert by_rule["span-text"] == {"file": str(f), "line": text_line, "path": "entities/mentions/0/text",
                                    "message": by_rule["span-text"]["message"], "rule": "span-text", "severity": "error"}
    assert "'Donald Trum' does not match" in by_rule["span-text"]["message"]
    assert by_rule["cluster-unused"] == {"file": str(f), "line": c2_line, "path": "entities/clusters/1",
                                         "message": "cluster 'c2' has no mention", "rule": "cluster-unused",
                                         "severity": "warning"}


def test_format_json_on_a_valid_file(tmp_path):
    rec = annotation()
    rec["entities"]["clusters"].pop()
    f = tmp_path / f"{DOC1}.json"
    f.write_text(json.dumps(rec, indent=2), encoding="utf-8")
    r = run("validate", "--format", "json", f)
    assert r.returncode == 0, r.stdout
    assert json.loads(r.stdout) == []


def test_format_json_on_unreadable_files(tmp_path):
    (tmp_path / "a.json").write_bytes(b"\xff\xfe{}")
    (tmp_path / "b.json").write_text("[1]")
    r = run("validate", "--format", "json", tmp_path, tmp_path / "missing.json")
    assert r.returncode == 1
    problems = json.loads(r.stdout)
    assert sorted((Path(p["file"]).name, p["line"], p["rule"]) for p in problems) == [
        ("a.json", 1, "encoding"), ("b.json", 1, "json"), ("missing.json", 0, "file")]
    assert all(set(p) == PROBLEM_KEYS for p in problems)


def test_text_format_summary_line(tmp_path):
    f = tmp_path / f"{DOC1}.json"
    f.write_text(json.dumps(annotation(mention_text="x"), indent=2), encoding="utf-8")
    r = run("validate", f)
    assert r.returncode == 1
    assert r.stdout.splitlines()[-1] == f"FAILED: {f}: 1 error(s), 1 warning(s)"
