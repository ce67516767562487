"""CONTRIBUTING.md walked with the ``newsgold`` command alone, on a temporary copy of the repository,
then the data tests run on that copy (issue 14, item 1).

The copy gets a new two-article source through the documented steps: add-source, review,
targets, tasks, two blind passes (Label Studio and brat exports written by hand in the tools'
shapes), import, agree, adjudication log, gold, validate, build, baseline, release, changelog,
datasheet, check. Then pytest runs the data-test files with ``NEWSGOLD_HOME`` pointing at the
copy: a test that hard-codes the shipped dataset fails there.
"""
from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "tools"))
import ng_tools_helpers as H

from newsgold.annotation.agree import disagreement_key

NEWSGOLD = Path(sys.executable).with_name("newsgold")
TESTS = Path(__file__).resolve().parent
ARTICLE = TESTS / "fixtures" / "tools" / "walk_article.txt"   # not the article the other tests add: they add theirs on the copy
# The tests that read the repository's data; each must pass on any copy the manifest describes.
DATA_TESTS = ["test_seeds.py", "test_gold.py", "test_check.py", "test_validate.py", "test_cli_basics.py", "test_agree.py",
              "test_rules_baseline.py", "test_annotation_tools.py", "test_contribute.py", "test_schema_fast.py"]
DATA_TESTS_SELECTED = [("test_build_hf.py", "shipped")]   # the rest of that file builds its own synthetic repository


RAN: list[list[str]] = []      # every newsgold command the walk ran, in order (checked against CONTRIBUTING.md)
# flags the walk adds for speed, to read the output or to fix the date (byte-identical runs), which the guide
# need not show in its blocks
TEST_ONLY_FLAGS = {"--resamples", "--format", "--date"}


def ng(env: dict, *args, ok: bool = True) -> subprocess.CompletedProcess:
    RAN.append([str(a) for a in args])
    r = subprocess.run([str(NEWSGOLD), *map(str, args)], capture_output=True, text=True, env=env)
    if ok:
        assert r.returncode == 0, f"newsgold {' '.join(map(str, args))}: exit {r.returncode}\n{r.stdout}\n{r.stderr}"
    return r


def _label_studio_pass(doc: str, text: str) -> dict:
    """Pass A as Label Studio exports it: five mentions, one indirect quote with cue and speaker."""
    a = H.LS(text)
    for label, needle in (("DATE", "12 May 2026"), ("GPE", "BRIGHTON"), ("MONEY", "4 million pounds"), ("DATE", "Friday"),
                          ("PERSON", "Tom Hale")):
        a.region(label, needle)
    content = a.region("QUOTE_CONTENT", "The city council approved a harbour budget of 4 million pounds on Friday")
    a.quote_type(content, "indirect")
    a.rel(content, a.region("CUE", "said"), "cue")
    a.rel(content, a.region("SPEAKER", "Tom Hale"), "said_by")
    return H.ls_task(7, doc, text, a)


def _brat_pass(text: str) -> str:
    """Pass B as brat saves it: the same, without 'Friday'."""
    rows = [("DATE", "12 May 2026"), ("GPE", "BRIGHTON"), ("MONEY", "4 million pounds"), ("PERSON", "Tom Hale"),
            ("QUOTE_CONTENT", "The city council approved a harbour budget of 4 million pounds on Friday"), ("CUE", "said"),
            ("SPEAKER", "Tom Hale")]
    lines = [f"T{i}\t{label} {s} {e}\t{needle}" for i, (label, needle) in enumerate(rows, 1) for s, e in [H.off(text, needle)]]
    return "\n".join(lines + ["R1\tcue Arg1:T5 Arg2:T6", "R2\tsaid_by Arg1:T5 Arg2:T7", "A1\tQuoteType T5 indirect"]) + "\n"


def _walk(tmp_path: Path) -> tuple[Path, dict, list[str]]:
    """CONTRIBUTING.md steps 1-12 on a copy; returns the copy, its environment and the new document ids."""
    root = H.copy_repo(tmp_path)
    env = {**os.environ, "NEWSGOLD_HOME": str(root)}
    ng(env, "check")                                                         # step 0: the starting point passes
    before = H.manifest(root)
    # 1-3. register, review, declare the stance targets (GUIDELINES.md S-3: at least the headline topic)
    ng(env, "add-source", ARTICLE, "--meta", "publisher=Test Gazette", "--meta", "provenance=written for the tests",
       "--meta", "licence=CC0")
    [doc] = H.new_documents(root, before)
    assert ng(env, "check", ok=False).returncode == 1
    H.review(root)
    H.declare_targets(root, doc, [{"id": "t-harbour-budget", "kind": "topic", "description": "the harbour budget"}])
    ng(env, "validate", root / "seeds" / "manifest.json")
    # 4-6. tasks, two blind passes, import
    ng(env, "tasks", "--to", "labelstudio", doc, "--out-dir", tmp_path / "tasks-ls")
    ng(env, "tasks", "--to", "brat", doc, "--out-dir", tmp_path / "tasks-brat")
    text = H.doc_text(root, doc)
    export = tmp_path / "project-1-at-2026-11-25.json"
    export.write_text(json.dumps([_label_studio_pass(doc, text)], ensure_ascii=False, indent=2), encoding="utf-8")
    (tmp_path / "tasks-brat" / f"{doc}.ann").write_text(_brat_pass(text), encoding="utf-8")
    pass_a, pass_b = root / "annotations" / "passes" / "ann-walker", root / "annotations" / "passes" / "llm-walk-r1"
    ng(env, "annotate", "packet", doc, "--out-dir", tmp_path / "packet")
    ng(env, "import", "--from", "labelstudio", export, "--out-dir", pass_a, "--annotator", "ann-walker",
       "--packet", tmp_path / "packet", "--date", "2026-11-25")
    ng(env, "import", "--from", "brat", tmp_path / "tasks-brat", "--out-dir", pass_b, "--annotator", "llm-walk-r1",
       "--packet", tmp_path / "packet", "--date", "2026-11-25", "--model", "walk-model/1")
    ng(env, "validate", pass_a, pass_b)
    # 7-9. agreement, adjudication log, gold
    res = json.loads(ng(env, "agree", pass_a, pass_b, "--format", "json").stdout)
    assert [(d["layer"], d["kind"]) for d in res["disagreements"]] == [("entities", "entity only in a")]
    log = root / "annotations" / "ADJUDICATION.md"
    log.write_text(log.read_text(encoding="utf-8")
                   + f"\n## {doc}\n\n- `newsgold agree annotations/passes/ann-walker annotations/passes/llm-walk-r1`: "
                   f"1 disagreement.\n\n### ADJ-T001\n- key: {disagreement_key(res['disagreements'][0])}\n"
                   "- decision: DATE\n- reason: a weekday is a DATE\n- guideline: E-7.1 (v2.0.0)\n", encoding="utf-8")
    rec = json.loads((pass_a / f"{doc}.json").read_text(encoding="utf-8"))
    rec["annotation"] = {"guidelines_version": "2.0.0", "annotator": "adj-carol", "annotator_kind": "adjudicated",
                         "notes": "adjudicated from ann-walker and llm-walk-r1"}
    (root / "annotations" / "gold" / f"{doc}.json").write_text(json.dumps(rec, ensure_ascii=False, indent=2) + "\n",
                                                               encoding="utf-8")
    # 10-12. validate, build, baseline, release, changelog, datasheet, check
    ng(env, "validate")
    out = ng(env, "check", ok=False).stdout
    assert "FAIL version-bump" in out and "fix: newsgold release --minor" in out, out
    ng(env, "build")
    ng(env, "run", "rules", "-o", root / "baselines" / "rules.jsonl", "--resamples", "0")
    ng(env, "release", "--minor", "--date", "2026-11-25")
    out = ng(env, "check", ok=False).stdout
    assert "FAIL changelog" in out and "TODO" in out, out
    changelog = root / "CHANGELOG.md"
    text = changelog.read_text(encoding="utf-8")
    text = re.sub(r"### Added\n- TODO[^\n]*\n", f"### Added\n- Document {doc}.\n", text, count=1)
    text = re.sub(r"### \w+\n- TODO[^\n]*\n\n", "", text)
    changelog.write_text(text, encoding="utf-8")
    ng(env, "build")
    out = ng(env, "check", ok=False).stdout
    assert "FAIL leaderboard-current" in out, out       # every row was scored on the old gold
    for prov in sorted((root / "submissions").glob("*/predictions.provenance.json")):
        command = shlex.split(json.loads(prov.read_text(encoding="utf-8"))["command"])
        ng(env, *command[1:], "--date", "2026-11-25")
    ng(env, "leaderboard")
    ng(env, "datasheet")
    out = ng(env, "check").stdout
    assert "release gate passed" in out, out
    return root, env, [doc]


@pytest.mark.slow
def test_contributing_walk_then_data_tests_pass_on_the_copy(tmp_path):
    RAN.clear()
    root, env, new = _walk(tmp_path)
    assert all((root / "annotations" / "gold" / f"{d}.json").is_file() for d in new)
    _walk_matches_the_guide(RAN)
    # -n 0: one process (this test may itself run in a pytest-xdist worker); -m "": every data test
    cmd = [sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", "-n", "0", "-m", "",
           *[str(TESTS / f) for f in DATA_TESTS]]
    r = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=TESTS.parent)
    assert r.returncode == 0, r.stdout[-6000:] + r.stderr[-2000:]
    for name, selection in DATA_TESTS_SELECTED:
        r = subprocess.run([sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", "-n", "0", "-m", "", str(TESTS / name),
                            "-k", selection], capture_output=True, text=True, env=env, cwd=TESTS.parent)
        assert r.returncode in (0, 5), r.stdout[-6000:] + r.stderr[-2000:]


def test_data_test_list_names_existing_files():
    for name in DATA_TESTS + [n for n, _ in DATA_TESTS_SELECTED]:
        assert (TESTS / name).is_file(), name


# ---------------------------------------------------------------- the guide and the walk cannot drift apart

GUIDE = TESTS.parent / "CONTRIBUTING.md"
SUBCOMMANDS_WITH_ACTION = {"annotate"}      # `newsgold annotate packet`: the action is part of the command


def _command_key(args: list[str]) -> tuple[str, frozenset[str]]:
    """``(command, flags)`` of one newsgold command line: what must match between the guide and the walk."""
    words = [a for a in args if not a.startswith("-")]
    name = " ".join(words[:2]) if words and words[0] in SUBCOMMANDS_WITH_ACTION else (words[0] if words else "")
    flags = frozenset(a.split("=", 1)[0] for a in args if a.startswith("--") or re.fullmatch(r"-[a-z]", a))
    return name, flags - TEST_ONLY_FLAGS


def guide_commands(text: str) -> list[tuple[int, list[str]]]:
    """``(step, arguments)`` of every ``newsgold`` line in the ```bash blocks of steps 1-12 of the guide, in order
    (continuation lines joined, comments dropped)."""
    out = []
    for m in re.finditer(r"^## (\d+)\. .*?(?=^## (?:\d+\. |[A-Z])|\Z)", text, re.M | re.S):   # not the examples' "## [1.1.0]"
        step = int(m.group(1))
        if not 1 <= step <= 12:
            continue
        for block in re.findall(r"```bash\n(.*?)```", m.group(0), re.S):
            for line in block.replace("\\\n", " ").splitlines():
                line = line.split("  #", 1)[0].strip()
                if line.startswith("newsgold "):
                    for part in line.split("&&"):
                        out.append((step, shlex.split(part.strip(), comments=True)[1:]))
    return out


def test_guide_commands_are_extracted():
    cmds = guide_commands(GUIDE.read_text(encoding="utf-8"))
    names = [_command_key(a)[0] for _, a in cmds]
    for name in ("add-source", "validate", "tasks", "annotate packet", "import", "agree", "build", "run", "release",
                 "leaderboard", "datasheet", "check"):
        assert name in names, name


def _walk_matches_the_guide(ran: list[list[str]]) -> None:
    """Every command the walk ran is one the guide shows, with no flag the guide's line lacks (the walk may
    leave one out, e.g. ``--dry-run``), and the walk ran them in the guide's order of steps (so the
    leaderboard after the release, as step 12 says)."""
    shown = [(step, _command_key(args)) for step, args in guide_commands(GUIDE.read_text(encoding="utf-8"))]
    last_step = 0
    for args in ran:
        name, flags = _command_key(args)
        if name in ("check", "validate"):      # allowed at any time (the guide says so)
            continue
        steps = [step for step, (n, f) in shown if n == name and flags <= f]
        assert steps, f"the walk runs newsgold {' '.join(args)}, which CONTRIBUTING.md steps 1-12 do not show " \
                      f"with the flags {sorted(flags)}"
        later = [step for step in steps if step >= last_step]
        assert later, f"newsgold {' '.join(args)} comes after step {last_step} in the walk, before it in CONTRIBUTING.md"
        last_step = min(later)


def test_a_walk_out_of_the_guides_order_is_caught():
    with pytest.raises(AssertionError, match=r"before it in CONTRIBUTING\.md"):
        _walk_matches_the_guide([["release", "--minor"], ["build"], ["leaderboard"], ["run", "rules", "-o", "x"]])
    with pytest.raises(AssertionError, match="do not show"):
        _walk_matches_the_guide([["build", "--no-such-flag"]])
