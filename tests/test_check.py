"""``newsgold check``, the release gate, on temporary copies of the repository: each check fails
for its reason, says what is wrong, and names the command that fixes it. (The real repository
is not asserted to pass: it may be mid-release.)
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "tools"))
import ng_tools_helpers as H

from newsgold.core.diagnostics import InputError
from newsgold.core.repository import current
from newsgold.release.gate import CHECKS, repository_at, run_checks

NEWSGOLD = Path(sys.executable).with_name("newsgold")
DOC1, DOC2 = H.gold_documents(H.REPO)[:2]    # any two gold documents of the manifest
NAMES = ["valid", "manifest-reviewed", "seeds-registered", "gold-complete", "two-passes", "adjudicated", "build-current",
         "datasheet-current", "baselines-current", "version-bump", "changelog", "no-stray-files", "leaderboard-current"]


@pytest.fixture
def root(tmp_path):
    """A copy of the repository whose generated files are brought up to date first."""
    from newsgold.release.build import build
    from newsgold.release.datasheet import refresh
    r = H.copy_repo(tmp_path)
    build(root=r)
    with repository_at(r):
        refresh(root=r)
    return r


def checks(root) -> dict:
    return {c.name: c for c in run_checks(root)}


def only_failure(root, name):
    res = checks(root)
    failed = [n for n, c in res.items() if not c.ok]
    assert failed == [name], [str(res[n]) for n in failed]
    c = res[name]
    assert c.message and c.fix
    return c


def test_a_current_copy_passes_every_check(root):
    res = run_checks(root)
    assert [c.name for c in res] == NAMES and len(CHECKS) == len(NAMES)
    assert all(c.ok for c in res), [c for c in res if not c.ok]


def test_paths_are_restored(root):
    before = current()
    run_checks(root)
    assert current() == before
    with pytest.raises(RuntimeError), repository_at(root):
        assert current().manifest == root / "seeds" / "manifest.json"
        raise RuntimeError("boom")
    assert current() == before


def test_invalid_gold_fails_valid(root):
    p = root / "annotations" / "gold" / f"{DOC1}.json"
    rec = json.loads(p.read_text(encoding="utf-8"))
    rec["entities"]["mentions"][0]["text"] = "Nonsense"
    p.write_text(json.dumps(rec, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    res = checks(root)
    c = res["valid"]
    assert not c.ok and f"{DOC1}.json" in c.message and "'Nonsense'" in c.message
    assert c.fix.startswith("newsgold validate")
    assert not res["build-current"].ok          # the built files no longer match the gold either


def test_invalid_pass_fails_valid(root):
    p = next((root / "annotations" / "passes").glob(f"*/{DOC2}.json"))
    p.write_text("{ not json", encoding="utf-8")
    c = checks(root)["valid"]
    assert not c.ok and ("malformed JSON" in c.message or "truncated" in c.message)


def test_stale_build(root):
    p = root / "data" / "entities" / "test.jsonl"
    p.write_text(p.read_text(encoding="utf-8").replace('"Daesh"', '"DAESH"', 1), encoding="utf-8")
    c = only_failure(root, "build-current")
    assert "data/entities/test.jsonl" in c.message and c.fix == "newsgold build"


def test_missing_build_module(root, monkeypatch):
    monkeypatch.setitem(sys.modules, "newsgold.release.build", None)     # import fails as if build.py were absent
    res = checks(root)
    c = res["build-current"]
    assert not c.ok and "newsgold.release.build is not available" in c.message and "newsgold build" in c.fix
    assert res["valid"].ok


def test_missing_pass(root):
    kept, *others = sorted((root / "annotations" / "passes").glob(f"*/{DOC1}.json"))
    for p in others:
        p.unlink()
    c = checks(root)["two-passes"]
    assert not c.ok and f"{DOC1}: 1 ({kept.parent.name})" in c.message
    assert "newsgold annotate packet" in c.fix and "annotations/passes/NAME" in c.fix


def test_two_passes_identical_apart_from_their_header_are_one(root):
    """P-10: a file recorded twice under two annotator names is not two passes (the 2.0.0 llm-blind case)."""
    first, second = sorted((root / "annotations" / "passes").glob(f"*/{DOC1}.json"))[:2]
    rec = json.loads(first.read_text(encoding="utf-8"))
    rec["annotation"] = json.loads(second.read_text(encoding="utf-8"))["annotation"]   # the other's header, same labels
    second.write_text(json.dumps(rec, ensure_ascii=False, indent=1), encoding="utf-8")
    c = checks(root)["two-passes"]       # (the published agreement figures are stale too)
    assert not c.ok and "annotations/archive/" in c.fix and "identical apart from their header" in c.message and DOC1 in c.message
    assert f"{first.parent.name} and {second.parent.name}" in c.message


def test_a_pass_without_its_packet_hash_fails_valid(root):
    p = sorted((root / "annotations" / "passes").glob(f"*/{DOC2}.json"))[0]
    rec = json.loads(p.read_text(encoding="utf-8"))
    del rec["annotation"]["packet_sha256"]
    p.write_text(json.dumps(rec, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    c = checks(root)["valid"]
    assert not c.ok and p.name in c.message and "'packet_sha256' is a required property" in c.message


def test_missing_adjudication_record(root):
    p = root / "annotations" / "ADJUDICATION.md"
    p.write_text(re.sub(rf"^## {DOC2}\s*$", "## (removed)", p.read_text(encoding="utf-8"), flags=re.M), encoding="utf-8")
    c = only_failure(root, "adjudicated")
    assert DOC2 in c.message and DOC1 not in c.message and "newsgold agree" in c.fix and "## <doc_id>" in c.fix


def test_changelog_section_for_version(root):
    (root / "VERSION").write_text("1.0.1\n", encoding="utf-8")
    res = checks(root)
    c = res["changelog"]
    assert not c.ok and "'## [1.0.1]'" in c.message and "CHANGELOG.md" in c.fix
    (root / "VERSION").write_text("one\n", encoding="utf-8")
    assert "not MAJOR.MINOR.PATCH" in checks(root)["changelog"].message


def test_stale_datasheet(root):
    p = root / "DATASHEET.md"
    text = p.read_text(encoding="utf-8")
    p.write_text(text.replace("| entities | total           | mentions ", "| entities | total           | mentionz ", 1),
                 encoding="utf-8")
    assert p.read_text(encoding="utf-8") != text
    c = only_failure(root, "datasheet-current")
    assert "stats" in c.message and c.fix == "newsgold datasheet"


def test_a_count_in_the_text_that_differs_from_the_data_fails(root):
    p = root / "DATASHEET.md"
    text = p.read_text(encoding="utf-8")
    n = sum(len(json.loads(f.read_text(encoding="utf-8"))["quotes"]) for f in (root / "annotations" / "gold").glob("*.json"))
    assert f"; {n} quotes;" in text                        # the counts block states the real number
    p.write_text(text.replace(f"; {n} quotes;", f"; {n + 1} quotes;", 1), encoding="utf-8")
    c = only_failure(root, "datasheet-current")
    assert "counts" in c.message and c.fix == "newsgold datasheet"


def test_a_removed_figure_block_fails(root):
    """Deleting a block with its markers would leave its figures unchecked: the gate says which is missing."""
    p = root / "README.md"
    p.write_text(re.sub(r"<!-- newsgold:stance-reference:(start|end) -->\n", "", p.read_text(encoding="utf-8")),
                 encoding="utf-8")
    c = only_failure(root, "datasheet-current")
    assert "README.md: stance-reference" in c.message and "newsgold:NAME:start" in c.fix


def test_missing_datasheet(root):
    (root / "DATASHEET.md").unlink()
    c = checks(root)["datasheet-current"]
    assert not c.ok and "DATASHEET.md is missing" in c.message


def test_new_document_without_gold_and_review(root):
    from newsgold.gold.sources import add_source
    before = H.manifest(root)
    add_source(H.ARTICLE, {}, seeds_dir=root / "seeds")
    new = H.new_documents(root, before)
    res = checks(root)
    assert not res["gold-complete"].ok and all(d in res["gold-complete"].message for d in new)
    assert "annotations/gold/<doc_id>.json" in res["gold-complete"].fix
    rv = res["manifest-reviewed"]
    assert not rv.ok and all(d in rv.message for d in new) and "provenance" in rv.message and "licence" in rv.message
    assert "seeds/manifest.json" in rv.fix
    assert res["valid"].ok and res["two-passes"].ok          # passes are required for gold documents only


def test_cli_check_exit_code_and_fixes(root):
    from newsgold.gold.releases import bump
    new = bump((root / "VERSION").read_text(encoding="utf-8").strip(), "minor")
    (root / "VERSION").write_text(new + "\n", encoding="utf-8")
    env = {**os.environ, "NEWSGOLD_HOME": str(root)}
    r = subprocess.run([str(NEWSGOLD), "check"], capture_output=True, text=True, env=env)
    assert r.returncode == 1, r.stdout + r.stderr
    # the version is stamped into the built files and the datasheet figures, so those are stale too
    assert "FAIL changelog" in r.stdout and f"fix: add '## [{new}]" in r.stdout
    assert "FAIL build-current" in r.stdout and "fix: newsgold build" in r.stdout
    assert "FAIL datasheet-current" in r.stdout and "fix: newsgold datasheet" in r.stdout
    assert "FAIL version-bump" in r.stdout and "newsgold release --amend" in r.stdout   # the new version has no release record
    assert "ok   valid" in r.stdout and "release gate FAILED: 4 check(s)" in r.stdout


# ---------------------------------------------------------------- release record, baselines, stray files

def _regenerate(root) -> None:
    from newsgold.release.build import build
    from newsgold.release.datasheet import refresh
    build(root=root)
    with repository_at(root):
        refresh(root=root)


def _change_gold(root) -> None:
    """A valid change of the gold's content (the annotation notes are part of the content hash)."""
    p = root / "annotations" / "gold" / f"{DOC1}.json"
    rec = json.loads(p.read_text(encoding="utf-8"))
    rec["annotation"]["notes"] = (rec["annotation"].get("notes") or "") + " Corrected."
    p.write_text(json.dumps(rec, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def test_changed_gold_needs_a_release_then_passes(root):
    from newsgold.gold.releases import bump, read_releases
    from newsgold.release.gate import make_release
    shutil.rmtree(root / "submissions")   # rows go stale with any gold change: that check has tests of its own
    _change_gold(root)
    _regenerate(root)
    c = only_failure(root, "version-bump")
    version = (root / "VERSION").read_text(encoding="utf-8").strip()
    assert "the gold changed" in c.message and f"VERSION is still {version}" in c.message
    assert c.fix.startswith("newsgold release --minor") and "--patch" in c.fix
    res = make_release(root, "patch", "2026-12-01")
    assert res.version == bump(version, "patch") and set(res.written) == {"VERSION", "releases.json", "CHANGELOG.md"}
    assert read_releases(root)[-1].content_hash == res.content_hash != read_releases(root)[-2].content_hash
    failed = {n for n, c in checks(root).items() if not c.ok}
    assert failed == {"changelog", "build-current", "datasheet-current"}  # TODO left; version stamped
    log = root / "CHANGELOG.md"
    text = log.read_text(encoding="utf-8")
    log.write_text(re.sub(r"\n### \w+\n- TODO[^\n]*\n", "\n### Fixed\n- annotation notes.\n", text, count=1)
                   .replace("### Changed\n- TODO: schema, guidelines or label changes; delete if none.\n\n", "")
                   .replace("### Fixed\n- TODO: label corrections (document, span, rule, ADJ entry); delete if none.\n\n", ""),
                   encoding="utf-8")
    _regenerate(root)
    assert all(c.ok for c in run_checks(root)), [c for c in run_checks(root) if not c.ok]
    # a later change before the tag: amend the record of the same version
    _change_gold(root)
    _regenerate(root)
    c = only_failure(root, "version-bump")
    assert "newsgold release --amend" in c.fix
    make_release(root, None, "2026-12-02", amend=True)
    assert all(c.ok for c in run_checks(root))
    # a version already released is refused
    (root / "VERSION").write_text(version + "\n", encoding="utf-8")
    with pytest.raises(InputError, match="already released"):
        make_release(root, "patch", "2026-12-03")


def test_version_not_above_last_release(root):
    (root / "VERSION").write_text("0.9.0\n", encoding="utf-8")
    c = checks(root)["version-bump"]
    assert not c.ok and "not above the last release" in c.message and "newsgold release" in c.fix


def test_invalid_release_record(root):
    (root / "releases.json").write_text('[{"version": "1.0", "date": "today", "content_hash": "x"}]\n', encoding="utf-8")
    c = checks(root)["version-bump"]
    assert not c.ok and "releases.json is invalid" in c.message and "git checkout -- releases.json" in c.fix


def test_baseline_without_a_line_for_a_document(root):
    p = root / "baselines" / "rules.jsonl"
    lines = p.read_text(encoding="utf-8").splitlines(keepends=True)
    p.write_text("".join(lines[1:]), encoding="utf-8")
    res = checks(root)
    c = res["baselines-current"]
    assert not c.ok and "has no line for" in c.message and "differs from what newsgold run rules writes" in c.message
    assert c.fix.startswith("newsgold run rules -o baselines/rules.jsonl") and "newsgold datasheet" in c.fix


def test_leaderboard_row_scored_on_other_data(root):
    p = root / "submissions" / "rules" / "score.json"
    rec = json.loads(p.read_text(encoding="utf-8"))
    new = re.sub(r"\|data:[^|]+", "|data:newsgold-0.9.0+000000000000", rec["signature"])
    assert new != rec["signature"]
    rec["signature"] = new
    p.write_text(json.dumps(rec), encoding="utf-8")
    c = checks(root)["leaderboard-current"]
    assert not c.ok and "rules: scored on data newsgold-0.9.0+000000000000" in c.message


def test_unregistered_seed_file(root):
    (root / "seeds" / "001_0123456789abcdef.txt").write_text("Headline\n\nBody.\n", encoding="utf-8")
    c = only_failure(root, "seeds-registered")
    assert "001_0123456789abcdef.txt" in c.message and c.fix.startswith("rm seeds/001_0123456789abcdef.txt")


def test_temporary_and_export_files(root):
    (root / "annotations" / "gold" / f".{DOC1}.json.k2j3.tmp").write_text("{", encoding="utf-8")
    (root / "SHA256SUMS").write_text("", encoding="utf-8")
    (root / "data" / "croissant.json").write_text("{}", encoding="utf-8")
    c = only_failure(root, "no-stray-files")
    for name in (f"annotations/gold/.{DOC1}.json.k2j3.tmp", "SHA256SUMS", "data/croissant.json"):
        assert name in c.message and name in c.fix
    assert c.fix.startswith("rm ")


# ---------------------------------------------------------------- misses of the gate found at 3 documents (issue 22)

def test_lowercase_todo_in_the_changelog_section(root):
    log = root / "CHANGELOG.md"
    version = (root / "VERSION").read_text(encoding="utf-8").strip()
    text = log.read_text(encoding="utf-8")
    head = text.index(f"## [{version}]")
    eol = text.index("\n", head)
    log.write_text(text[:eol + 1] + "\ntodo: say what changed\n" + text[eol + 1:], encoding="utf-8")
    c = only_failure(root, "changelog")
    assert "TODO" in c.message


def test_lowercase_todo_in_a_source_field(root):
    man = H.manifest(root)
    man["sources"][0]["licence"] = "todo: ask the publisher"
    (root / "seeds" / "manifest.json").write_text(json.dumps(man, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    c = checks(root)["manifest-reviewed"]
    assert not c.ok and "licence" in c.message


def test_seed_file_in_a_subfolder(root):
    (root / "seeds" / "extra").mkdir()
    (root / "seeds" / "extra" / "001_0123456789abcdef.txt").write_text("Headline\n\nBody.\n", encoding="utf-8")
    c = only_failure(root, "seeds-registered")
    assert "extra/001_0123456789abcdef.txt" in c.message


def test_target_used_in_the_gold_but_not_declared(root):
    path = root / "annotations" / "gold" / f"{DOC1}.json"
    rec = json.loads(path.read_text(encoding="utf-8"))
    rec["stance"]["targets"].append({"id": "t-undeclared-topic", "kind": "topic", "description": "a topic nobody declared"})
    path.write_text(json.dumps(rec, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    from newsgold.release.validate import validate
    assert not checks(root)["valid"].ok
    with repository_at(root):
        problems = [p for p in validate() if p.rule == "target-undeclared"]
    assert [(Path(p.file).name, p.severity) for p in problems] == [(f"{DOC1}.json", "error")]
    assert "'t-undeclared-topic' is not declared" in problems[0].message


@pytest.mark.parametrize("rule", ["span-whitespace", "span-punct"])
def test_span_edges_fail_the_gate(root, rule):
    path = root / "annotations" / "gold" / f"{DOC1}.json"
    rec = json.loads(path.read_text(encoding="utf-8"))
    text = H.doc_text(root, DOC1)
    after = " " if rule == "span-whitespace" else ","
    m = next((m for m in rec["entities"]["mentions"] if text[m["end"]:m["end"] + 1] == after), None)
    if m is None:
        pytest.skip(f"no gold mention of {DOC1} is followed by {after!r}")
    m["end"] += 1
    m["text"] = text[m["start"]:m["end"]]
    path.write_text(json.dumps(rec, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    c = checks(root)["valid"]
    assert not c.ok and f"[{rule}]" in c.message


def test_annotation_task_files_in_the_repository(root):
    from newsgold.annotation.tasks import export_tasks
    with repository_at(root):
        export_tasks("labelstudio", [DOC1], root / "tasks" / "labelstudio", pre_annotate=False)
    c = only_failure(root, "no-stray-files")
    assert "tasks/labelstudio/tasks.json" in c.message and "../newsgold-tasks" in c.fix


def test_release_amend_rewrites_the_changelog_hash(root):
    from newsgold.gold.releases import read_releases
    from newsgold.release.gate import make_release
    shutil.rmtree(root / "submissions")
    version = (root / "VERSION").read_text(encoding="utf-8").strip()
    old = read_releases(root)[-1].content_hash
    assert f"Content hash: `{old}`" in (root / "CHANGELOG.md").read_text(encoding="utf-8")
    _change_gold(root)
    res = make_release(root, None, "2026-12-02", amend=True)
    text = (root / "CHANGELOG.md").read_text(encoding="utf-8")
    section = text[text.index(f"## [{version}]"):]
    section = section[:section.index("\n## [", 1)] if "\n## [" in section[1:] else section
    assert res.content_hash != old and f"Content hash: `{res.content_hash}`" in section and old not in section
    assert "CHANGELOG.md" in res.written
