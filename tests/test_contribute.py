"""``newsgold add-source`` and the whole contribution path on a small new article, in a temporary
copy of the repository: register -> review -> tasks -> two blind passes (Label Studio and brat
exports written by hand) -> import -> agree -> adjudicate -> gold -> validate -> check -> build,
datasheet, version, changelog -> check passes.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "tools"))
import ng_tools_helpers as H

from newsgold.annotation.importing import import_annotations
from newsgold.annotation.tasks import export_tasks
from newsgold.core.diagnostics import InputError
from newsgold.gold.load import load_gold
from newsgold.gold.releases import bump
from newsgold.gold.sources import REVIEW_NOTE, add_source
from newsgold.release.gate import repository_at, run_checks

NEWSGOLD = Path(sys.executable).with_name("newsgold")
META = {"publisher": "Test Gazette", "provenance": "written for the NewsGold tests",
        "licence": "CC0, written for the tests"}


def sha(b: bytes) -> str:
    return hashlib.sha256(b).hexdigest()


# ---------------------------------------------------------------- add-source

def test_add_source_copies_registers_and_proposes(tmp_path):
    root = H.copy_repo(tmp_path)
    before = (root / "seeds" / "manifest.json").read_text(encoding="utf-8")
    raw = H.ARTICLE.read_bytes()
    digest = sha(raw)
    n_sources, n_docs = len(json.loads(before)["sources"]), len(json.loads(before)["documents"])
    lines = add_source(H.ARTICLE, META, seeds_dir=root / "seeds")
    target = root / "seeds" / f"{n_sources:03d}_{digest[:16]}.txt"
    assert target.read_bytes() == raw                       # byte for byte
    man = H.manifest(root)
    old = json.loads(before)
    assert man["sources"][:n_sources] == old["sources"] and man["documents"][:n_docs] == old["documents"]
    src = man["sources"][n_sources]
    assert src == {"file": target.name, "sha256": digest, "encoding": "utf-8", "length": len(raw.decode()),
                   "provenance": META["provenance"], "licence": META["licence"]}
    new = man["documents"][n_docs:]
    assert [d["id"] for d in new] == [f"{digest[:16]}-01", f"{digest[:16]}-02"]
    text = raw.decode("utf-8")
    d1, d2 = new
    assert text[d1["start"]:d1["end"]].startswith("Mayor backs new tram line") and text[d1["end"]:d2["start"]] == "\n\n\n\n"
    assert d1["text_sha256"] == sha(text[d1["start"]:d1["end"]].encode())
    assert [z["type"] for z in d1["zones"]] == ["headline", "timestamp", "dateline", "body"]
    assert [z["type"] for z in d2["zones"]] == ["headline", "body"]
    assert d1["metadata"] == {"headline": "Mayor backs new tram line", "date_as_stated": "Updated 3 March 2026",
                              "dateline": "LYON", "publisher": "Test Gazette", "language": "en"}
    assert d2["metadata"]["language"] == "en" and d2["metadata"]["headline"] == "Union warns of strike"
    assert d1["review"] == d2["review"] == REVIEW_NOTE == "proposed by newsgold add-source; review the cut, zones and metadata"
    # formatting preserved: the old file is the new one minus the appended entries, same style
    assert (root / "seeds" / "manifest.json").read_text(encoding="utf-8") == json.dumps(man, ensure_ascii=False, indent=2) + "\n"
    out = "\n".join(lines)
    assert target.name in out and d1["id"] in out and "'Mayor backs new tram line'" in out
    assert "headline" in out and "dateline" in out and "review" in out
    # the manifest reads back cleanly
    from newsgold.gold.manifest import read_manifest
    _, docs, problems = read_manifest(root / "seeds" / "manifest.json")
    assert not [p for p in problems if p.severity == "error"] and d2["id"] in docs
    assert "🚋" in docs[d2["id"]]["text"]


def test_add_source_dry_run_writes_nothing(tmp_path):
    root = H.copy_repo(tmp_path)
    before = (root / "seeds" / "manifest.json").read_bytes()
    lines = add_source(H.ARTICLE, {}, write=False, seeds_dir=root / "seeds")
    assert (root / "seeds" / "manifest.json").read_bytes() == before
    assert sorted(p.name for p in (root / "seeds").iterdir()) == sorted(p.name for p in (H.REPO / "seeds").iterdir())
    assert any("dry run: nothing written" in line for line in lines)
    assert any("provenance not given" in line for line in lines)


def test_add_source_next_index_and_placeholders(tmp_path):
    root = H.copy_repo(tmp_path)
    n = len(H.manifest(root)["sources"])
    add_source(H.ARTICLE, {}, seeds_dir=root / "seeds")
    other = tmp_path / "other.txt"
    other.write_text("Second source headline\n\nBody text of the second source.\n", encoding="utf-8")
    add_source(other, {"date": "null"}, seeds_dir=root / "seeds")
    man = H.manifest(root)
    assert [s["file"][:4] for s in man["sources"]] == [f"{i:03d}_" for i in range(n + 2)]
    assert man["sources"][n + 1]["provenance"].startswith("TODO") and man["sources"][n + 1]["licence"].startswith("TODO")
    assert man["documents"][-1]["metadata"]["date"] is None


@pytest.mark.parametrize("content,rule,words", [
    (b"\xef\xbb\xbfHeadline\n\nBody.\n", "encoding", "byte-order mark"),
    (b"Headline\r\n\r\nBody.\r\n", "line-ends", "CRLF"),
    (b"Headline\n\nCaf\xe9 body.\n", "encoding", "not valid UTF-8"),
    (b"\n\n  \n", "empty", "empty"),
])
def test_add_source_refuses_bad_files(tmp_path, content, rule, words):
    root = H.copy_repo(tmp_path)
    before = (root / "seeds" / "manifest.json").read_bytes()
    bad = tmp_path / "bad.txt"
    bad.write_bytes(content)
    with pytest.raises(InputError) as exc:
        add_source(bad, {}, seeds_dir=root / "seeds")
    assert exc.value.problems[0].rule == rule and words in exc.value.problems[0].message
    assert (root / "seeds" / "manifest.json").read_bytes() == before
    assert len(list((root / "seeds").glob("*.txt"))) == len(H.manifest(root)["sources"])


def test_add_source_refuses_duplicates(tmp_path):
    root = H.copy_repo(tmp_path)
    with pytest.raises(InputError) as exc:          # the shipped seed itself
        add_source(H.REPO / "seeds" / H.manifest(H.REPO)["sources"][0]["file"], {}, seeds_dir=root / "seeds")
    assert exc.value.problems[0].rule == "duplicate" and "already registered" in exc.value.problems[0].message
    add_source(H.ARTICLE, {}, seeds_dir=root / "seeds")
    before = (root / "seeds" / "manifest.json").read_bytes()
    with pytest.raises(InputError, match="already registered"):
        add_source(H.ARTICLE, {}, seeds_dir=root / "seeds")
    # the same article inside another file (other bytes, same document text)
    copy = tmp_path / "copy.txt"
    copy.write_bytes(H.ARTICLE.read_bytes() + b"\n\n\nAnother story\n\nMore text.\n")
    with pytest.raises(InputError, match="same text as the registered document"):
        add_source(copy, {}, seeds_dir=root / "seeds")
    assert (root / "seeds" / "manifest.json").read_bytes() == before


def test_cli_add_source_dry_run(tmp_path):
    root = H.copy_repo(tmp_path)
    env = {**os.environ, "NEWSGOLD_HOME": str(root)}
    r = subprocess.run([str(NEWSGOLD), "add-source", str(H.ARTICLE), "--meta", "publisher=Test Gazette", "--dry-run"],
                       capture_output=True, text=True, env=env)
    assert r.returncode == 0, r.stderr
    assert "would copy" in r.stdout and "dry run: nothing written" in r.stdout
    r = subprocess.run([str(NEWSGOLD), "add-source", str(H.ARTICLE), "--meta", "publisher"], capture_output=True, text=True, env=env)
    assert r.returncode == 1 and "KEY=VALUE" in r.stderr
    crlf = tmp_path / "crlf.txt"
    crlf.write_bytes(b"A\r\n")
    r = subprocess.run([str(NEWSGOLD), "add-source", str(crlf)], capture_output=True, text=True, env=env)
    assert r.returncode == 1 and "CRLF" in r.stderr and "Traceback" not in r.stderr


# ---------------------------------------------------------------- the whole path

def _checks(root) -> dict:
    return {r.name: r for r in run_checks(root)}


def test_whole_contribution_path(tmp_path):
    from newsgold.annotation.agree import agree, disagreement_key
    from newsgold.release.build import build
    from newsgold.release.datasheet import refresh
    from newsgold.release.validate import validate

    root = H.copy_repo(tmp_path)

    # 1. register
    before = H.manifest(root)
    add_source(H.ARTICLE, META, seeds_dir=root / "seeds")
    d1, d2 = H.new_documents(root, before)
    res = _checks(root)
    assert not res["manifest-reviewed"].ok and d1 in res["manifest-reviewed"].message
    assert "review" in res["manifest-reviewed"].fix
    assert not res["gold-complete"].ok and d1 in res["gold-complete"].message and d2 in res["gold-complete"].message
    H.review(root)
    H.declare_targets(root, d1)
    assert _checks(root)["manifest-reviewed"].ok

    # 2. tasks for the tools (no gold yet: no pre-annotations)
    ls_dir, brat_dir = tmp_path / "tasks-ls", tmp_path / "tasks-brat"
    written = export_tasks("labelstudio", [d1, d2], ls_dir, root=root)
    assert sorted(Path(p).name for p in written) == ["labelling_config.xml", "tasks.json"]
    tasks = json.loads((ls_dir / "tasks.json").read_text(encoding="utf-8"))
    assert [t["data"] for t in tasks] == [{"text": H.doc_text(root, d1), "doc_id": d1},
                                          {"text": H.doc_text(root, d2), "doc_id": d2}]
    assert all("predictions" not in t for t in tasks)
    config = (ls_dir / "labelling_config.xml").read_text(encoding="utf-8")
    assert 'value="FAVOR:t-tram-line"' in config and 'value="said_by"' in config
    export_tasks("brat", [d1, d2], brat_dir, root=root)
    assert (brat_dir / f"{d2}.txt").read_text(encoding="utf-8") == H.doc_text(root, d2)
    assert (brat_dir / f"{d1}.ann").read_text(encoding="utf-8") == ""
    assert "FAVOR_t-tram-line Arg1:QUOTE_CONTENT" in (brat_dir / "annotation.conf").read_text(encoding="utf-8")

    # 3. two blind passes come back from the tools
    ls_export = tmp_path / "project-3-at-2026-11-24.json"
    ls_export.write_text(json.dumps(H.ls_pass_a(root, d1, d2), ensure_ascii=False, indent=2), encoding="utf-8")
    for name, content in H.brat_pass_b(root, d1, d2).items():
        if name == f"{d2}.ann":      # pass B misses 'April': two real passes of -02 are not one file twice (P-10)
            content = "".join(line for line in content.splitlines(keepends=True) if "\tApril" not in line)
        (brat_dir / name).write_text(content, encoding="utf-8")
    pass_a, pass_b = root / "annotations" / "passes" / "ann-alice", root / "annotations" / "passes" / "llm-test-r1"
    header_a = H.pass_header(root, [d1, d2], tmp_path / "packets")
    header_b = H.pass_header(root, [d1, d2], tmp_path / "packets", model=("test-model", "1"))
    wa, pa = import_annotations("labelstudio", ls_export, pass_a, "ann-alice", root=root, header=header_a)
    assert not [p for p in pa if p.severity == "error"], pa
    assert any(p.rule == "utf16" for p in pa)               # the emoji: browser offsets converted
    assert sorted(Path(p).name for p in wa) == sorted([f"{d1}.json", f"{d2}.json"])
    wb, pb = import_annotations("brat", brat_dir, pass_b, "llm-test-r1", root=root, header=header_b)
    assert not [p for p in pb if p.severity == "error"], pb
    assert len(wb) == 2

    a1 = json.loads((pass_a / f"{d1}.json").read_text(encoding="utf-8"))
    t1 = H.doc_text(root, d1)
    assert a1["annotation"]["annotator"] == "ann-alice" and a1["annotation"]["annotator_kind"] == "human"
    codebook = re.search(r"Guidelines version: \*\*([0-9.]+)\*\*", (root / "annotations" / "GUIDELINES.md").read_text(encoding="utf-8")).group(1)
    assert a1["annotation"]["guidelines_version"] == codebook
    assert a1["annotation"]["notes"].startswith("imported from labelstudio") and "undeclared" in a1["annotation"]["notes"]
    assert {c["id"]: c["aliases"] for c in a1["entities"]["clusters"]} == {
        "3-march-2026": ["3 March 2026"], "lyon": ["LYON"], "claire-dubois": ["Claire Dubois", "Dubois"], "monday": ["Monday"]}
    assert next(c for c in a1["entities"]["clusters"] if c["id"] == "lyon")["name"] == "Lyon"     # E-8.2 dateline
    assert [m["text"] for m in a1["entities"]["mentions"]] == ["3 March 2026", "LYON", "Claire Dubois", "Monday", "Dubois"]
    q = a1["quotes"]
    assert [x["id"] for x in q] == ["q1", "q2", "q3"]
    assert [[c["text"] for c in x["content"]] for x in q] == [
        ["the city would fund the tram line"], ["We will build it,", "and we will build it fast."], ["it opposed the plan"]]
    assert [x["type"] for x in q] == ["indirect", "direct", "indirect"]
    assert [x["cue"]["text"] for x in q] == ["said", "told", "said"]
    assert [x["speaker"]["text"] for x in q] == ["Claire Dubois", "Dubois", "The union"]
    assert [x["speaker_cluster"] for x in q] == ["claire-dubois", "claire-dubois", None]
    for x in q:
        for s in x["content"] + [x["cue"], x["speaker"]]:
            assert t1[s["start"]:s["end"]] == s["text"]
    assert a1["stance"] == {"targets": H.TARGETS_DOC1, "items": [
        {"id": "s1", "holder": "claire-dubois", "target": "t-tram-line", "label": "FAVOR", "evidence": ["q1", "q2"]}]}
    a2 = json.loads((pass_a / f"{d2}.json").read_text(encoding="utf-8"))
    t2 = H.doc_text(root, d2)
    assert a2["quotes"][0]["content"][0]["text"] == "workers would strike in April 🚋 if talks failed"
    assert all(t2[m["start"]:m["end"]] == m["text"] for m in a2["entities"]["mentions"])
    assert a2["stance"] == {"targets": [], "items": []}       # no targets declared for d2
    b1 = json.loads((pass_b / f"{d1}.json").read_text(encoding="utf-8"))
    assert b1["annotation"]["annotator_kind"] == "machine" and b1["annotation"]["notes"] == "imported from brat"
    assert b1["quotes"] == a1["quotes"] and b1["stance"] == a1["stance"]

    # 4. agreement and adjudication
    with repository_at(root):
        res = agree(pass_a, pass_b)
        assert res["documents"] == sorted([d1, d2])
        dis = res["disagreements"]
        assert [(d["doc_id"], d["layer"], d["kind"]) for d in dis] == [(d1, "entities", "entity only in a"),
                                                                       (d2, "entities", "entity only in a")]
        assert "'Monday'" in dis[0]["a"]
    log = root / "annotations" / "ADJUDICATION.md"
    section = (f"\n## {d1}\n\n- `newsgold agree annotations/passes/ann-alice annotations/passes/llm-test-r1`: "
               f"1 disagreement (GUIDELINES.md 1.1.0).\n\n### ADJ-0002\n- key: {disagreement_key(dis[0])}\n- doc: {d1}\n"
               f"- item: entity mention {dis[0]['a']}\n- pass A (ann-alice): DATE, cluster monday\n"
               "- pass B (llm-test-r1): not annotated\n- decision: DATE, cluster monday\n"
               "- reason: a weekday is a DATE\n- guideline: E-7.1 (v1.1.0)\n"
               f"\n## {d2}\n\n- `newsgold agree annotations/passes/ann-alice annotations/passes/llm-test-r1`: 1 disagreement.\n"
               f"\n### ADJ-0003\n- key: {disagreement_key(dis[1])}\n- decision: DATE, cluster april\n"
               "- reason: a month is a DATE\n- guideline: E-7.1 (v1.1.0)\n")
    log.write_text(log.read_text(encoding="utf-8") + section, encoding="utf-8")
    for d in (d1, d2):
        rec = json.loads((pass_a / f"{d}.json").read_text(encoding="utf-8"))
        rec["annotation"] = {"guidelines_version": "1.1.0", "annotator": "adj-carol", "annotator_kind": "adjudicated",
                             "notes": "adjudicated from ann-alice and llm-test-r1; decisions in annotations/ADJUDICATION.md"}
        (root / "annotations" / "gold" / f"{d}.json").write_text(json.dumps(rec, ensure_ascii=False, indent=2) + "\n",
                                                                 encoding="utf-8")

    # 5. validate, then the gate says what is left and how to fix it
    with repository_at(root):
        problems = validate()
    assert not [p for p in problems if p.severity == "error"], problems
    res = _checks(root)
    for ok in ("valid", "manifest-reviewed", "seeds-registered", "gold-complete", "two-passes", "adjudicated", "changelog",
               "no-stray-files"):
        assert res[ok].ok, res[ok]
    assert not res["build-current"].ok and "data/documents/test.jsonl" in res["build-current"].message
    assert res["build-current"].fix == "newsgold build"
    assert not res["datasheet-current"].ok and "stats" in res["datasheet-current"].message
    assert res["datasheet-current"].fix == "newsgold datasheet"
    # the gold changed and VERSION did not: the gate asks for a release; the baseline lacks the new documents
    assert not res["version-bump"].ok and "the gold changed" in res["version-bump"].message
    assert res["version-bump"].fix.startswith("newsgold release --minor")
    assert not res["baselines-current"].ok and d1 in res["baselines-current"].message
    assert "newsgold run rules -o baselines/rules.jsonl" in res["baselines-current"].fix

    # 6. build, baseline, release (version, changelog skeleton, release record), datasheet
    assert "data/documents/test.jsonl" in build(root=root)
    env = {**os.environ, "NEWSGOLD_HOME": str(root)}
    r = subprocess.run([str(NEWSGOLD), "run", "rules", "-o", str(root / "baselines" / "rules.jsonl"), "--resamples", "0"], capture_output=True,
                       text=True, env=env)
    assert r.returncode == 0, r.stderr
    old_version = (root / "VERSION").read_text(encoding="utf-8").strip()
    new_version = bump(old_version, "minor")
    r = subprocess.run([str(NEWSGOLD), "release", "--minor", "--date", "2026-11-25"], capture_output=True, text=True, env=env)
    assert r.returncode == 0 and new_version in r.stdout, r.stdout + r.stderr
    assert (root / "VERSION").read_text(encoding="utf-8") == new_version + "\n"
    with repository_at(root):
        new_hash = load_gold().content_hash
    assert json.loads((root / "releases.json").read_text(encoding="utf-8"))[-1] == {
        "version": new_version, "date": "2026-11-25", "content_hash": new_hash}
    res = _checks(root)
    assert res["version-bump"].ok, res["version-bump"]
    assert not res["changelog"].ok and "TODO" in res["changelog"].message and "CHANGELOG.md" in res["changelog"].fix
    assert not res["build-current"].ok                 # the version is stamped into the built files
    log = root / "CHANGELOG.md"
    text = log.read_text(encoding="utf-8")
    section = re.search(rf"^## \[{re.escape(new_version)}\] - 2026-11-25\n\nContent hash: `{new_hash}`\.\n.*?(?=^## \[)",
                        text, re.M | re.S)
    assert section and "TODO" in section.group(0)
    log.write_text(text.replace(section.group(0), f"## [{new_version}] - 2026-11-25\n\nContent hash: `{new_hash}`.\n\n"
                                f"### Added\n- Documents {d1}, {d2}.\n\n"), encoding="utf-8")
    build(root=root)
    assert not _checks(root)["leaderboard-current"].ok      # every row was scored on the old gold
    H.rerun_submissions(root, env, NEWSGOLD)
    with repository_at(root):
        refresh(root=root)
    res = _checks(root)
    assert all(r.ok for r in res.values()), [r for r in res.values() if not r.ok]
    built = [json.loads(x) for x in (root / "data" / "documents" / "test.jsonl").read_text(encoding="utf-8").splitlines()]
    assert {r["id"] for r in built} >= {d1, d2} and all(r["metadata"]["dataset_version"] == new_version for r in built)

    # 7. a later correction starts from the gold as pre-annotations; accepted unchanged, it is the gold again
    corr = tmp_path / "tasks-correction"
    export_tasks("labelstudio", [d1, d2], corr, root=root)
    tasks = json.loads((corr / "tasks.json").read_text(encoding="utf-8"))
    t2_task = tasks[1]
    emoji_region = next(r for r in t2_task["predictions"][0]["result"] if r["type"] == "labels"
                        and r["value"]["labels"] == ["QUOTE_CONTENT"])
    assert emoji_region["value"]["end"] - emoji_region["value"]["start"] == len(emoji_region["value"]["text"]) + 1  # UTF-16
    for i, t in enumerate(tasks, 1):
        t["id"] = i
        t["annotations"] = [{"id": i, "result": t.pop("predictions")[0]["result"], "was_cancelled": False}]
    (corr / "export.json").write_text(json.dumps(tasks, ensure_ascii=False), encoding="utf-8")
    _w, p = import_annotations("labelstudio", corr / "export.json", tmp_path / "scratch", "adj-carol", root=root)
    assert not [x for x in p if x.severity == "error"], p
    for d in (d1, d2):
        back = json.loads((tmp_path / "scratch" / f"{d}.json").read_text(encoding="utf-8"))
        g = json.loads((root / "annotations" / "gold" / f"{d}.json").read_text(encoding="utf-8"))
        assert {k: back[k] for k in ("entities", "quotes", "stance")} == {k: g[k] for k in ("entities", "quotes", "stance")}

    # 8. the CLI sees the same repository through NEWSGOLD_HOME
    env = {**os.environ, "NEWSGOLD_HOME": str(root)}
    r = subprocess.run([str(NEWSGOLD), "check"], capture_output=True, text=True, env=env)
    assert r.returncode == 0 and "release gate passed" in r.stdout, r.stdout + r.stderr
    # ... and the repository in use was restored after every run_checks
    from newsgold.core.repository import current
    assert current().root != root and current().manifest == current().root / "seeds" / "manifest.json"
