"""``newsgold tasks`` and ``newsgold import``: what the tools get, what comes back, and every way
an export can be broken (each rejected with a message naming where, and nothing written).
"""
from __future__ import annotations

import copy
import hashlib
import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "tools"))
import ng_tools_helpers as H

from newsgold.annotation.encoding import annotator_kind, cluster_id, declared_targets, parse_note
from newsgold.annotation.importing import import_annotations
from newsgold.annotation.tasks import export_tasks
from newsgold.core.diagnostics import InputError
from newsgold.core.schema import ENTITY_LABELS
from newsgold.gold.sources import add_source

NEWSGOLD = Path(sys.executable).with_name("newsgold")
SHIPPED = H.gold_documents(H.REPO)   # whatever the manifest holds with gold
REPO_TARGETS = H.REPO / "annotations" / "targets"
LAYERS = ("entities", "quotes", "stance")


def gold(doc_id: str) -> dict:
    return json.loads((H.REPO / "annotations" / "gold" / f"{doc_id}.json").read_text(encoding="utf-8"))


@pytest.fixture
def repo(tmp_path):
    """A repository copy with the new two-article source registered and reviewed, targets declared for -01."""
    root = H.copy_repo(tmp_path)
    before = H.manifest(root)
    add_source(H.ARTICLE, {"provenance": "tests", "licence": "CC0"}, seeds_dir=root / "seeds")
    d1, d2 = H.new_documents(root, before)
    H.review(root)
    H.declare_targets(root, d1)
    return root, d1, d2


def _errors(problems):
    return [p for p in problems if p.severity == "error"]


# ---------------------------------------------------------------- small rules

def test_cluster_id_rule_e84():
    assert cluster_id("Donald Trump") == "donald-trump"
    assert cluster_id("Ahmed Al-Sharaa") == "ahmed-al-sharaa"
    assert cluster_id("UN Security Council") == "un-security-council"
    assert cluster_id("Gaza City") == "gaza-city"
    assert cluster_id("US") == "us"
    assert cluster_id("José Müller-Lüdenscheidt") == "jose-muller-ludenscheidt"
    assert cluster_id("  58 min 29 sec ago ") == "58-min-29-sec-ago"


def test_notes_and_annotator_kind():
    assert parse_note("Donald Trump") == ("Donald Trump", "donald-trump")
    assert parse_note("first | first-2") == ("first", "first-2")
    assert isinstance(parse_note("first | First 2"), str)
    assert annotator_kind("llm-claude-r1") == "machine" and annotator_kind("llm") == "machine"
    assert annotator_kind("ann-a") == "human"


def test_declared_targets_read_from_targets_files():
    targets = declared_targets(H.REPO / "annotations" / "targets")
    for d in SHIPPED:
        assert targets.get(d, []) == gold(d)["stance"]["targets"]   # no declared block: no targets (S-9)


# ---------------------------------------------------------------- tasks

def test_labelstudio_tasks_carry_gold_predictions(tmp_path):
    written = export_tasks("labelstudio", SHIPPED, tmp_path)
    assert sorted(Path(p).name for p in written) == ["labelling_config.xml", "tasks.json"]
    tasks = json.loads((tmp_path / "tasks.json").read_text(encoding="utf-8"))
    assert [t["data"]["doc_id"] for t in tasks] == SHIPPED
    res = tasks[0]["predictions"][0]["result"]
    labels = [r for r in res if r["type"] == "labels"]
    g = gold(SHIPPED[0])
    text = tasks[0]["data"]["text"]
    assert len([r for r in labels if r["from_name"] == "entity"]) == len(g["entities"]["mentions"])
    for r in labels:
        assert text[r["value"]["start"]:r["value"]["end"]] == r["value"]["text"]
    assert tasks[0]["predictions"][0]["model_version"].startswith("newsgold-gold-")
    rel_labels = {r["labels"][0] for r in res if r["type"] == "relation"}
    assert {"cue", "said_by", "refers_to", "FAVOR:t-joint-efforts-daesh-return"} <= rel_labels
    # no gold pre-annotations for a blind pass
    export_tasks("labelstudio", SHIPPED, tmp_path / "blind", pre_annotate=False)
    assert all("predictions" not in t for t in json.loads((tmp_path / "blind" / "tasks.json").read_text(encoding="utf-8")))


def test_labelstudio_config_is_valid_xml_with_the_label_sets(tmp_path):
    export_tasks("labelstudio", SHIPPED, tmp_path)
    tree = ET.parse(tmp_path / "labelling_config.xml")
    controls = {c.get("name"): [x.get("value") for x in c] for c in tree.iter("Labels")}
    assert controls["entity"] == list(ENTITY_LABELS) and len(controls["entity"]) == 18
    assert controls["quote"] == ["QUOTE_CONTENT", "CUE", "SPEAKER"]
    rels = [r.get("value") for r in tree.iter("Relation")]
    assert rels[:5] == ["cue", "said_by", "continues", "refers_to", "same_as"]
    for t in gold(SHIPPED[1])["stance"]["targets"]:
        assert {f"FAVOR:{t['id']}", f"AGAINST:{t['id']}", f"NEUTRAL:{t['id']}"} <= set(rels)
    choices = {c.get("name"): c for c in tree.iter("Choices")}
    assert choices["quote_type"].get("perRegion") == "true"
    assert [x.get("value") for x in choices["quote_type"]] == ["direct", "indirect", "mixed"]
    assert {t.get("name") for t in tree.iter("TextArea")} == {"note", "notes"}


def test_brat_and_doccano_tasks(tmp_path):
    export_tasks("brat", SHIPPED, tmp_path / "brat")
    for d in SHIPPED:
        text = (tmp_path / "brat" / f"{d}.txt").read_text(encoding="utf-8")
        for line in (tmp_path / "brat" / f"{d}.ann").read_text(encoding="utf-8").splitlines():
            if line.startswith("T"):
                _, spec, txt = line.split("\t")
                frags = [tuple(map(int, f.split())) for f in spec.split(" ", 1)[1].split(";")]
                assert " ".join(text[s:e] for s, e in frags) == txt
    conf = (tmp_path / "brat" / "annotation.conf").read_text(encoding="utf-8")
    for lab in (*ENTITY_LABELS, "QUOTE_CONTENT", "CUE", "SPEAKER"):
        assert f"\n{lab}\n" in conf
    assert "QuoteType Arg:QUOTE_CONTENT, Value:direct|indirect|mixed" in conf
    declared = [t["id"] for d in SHIPPED for t in json.loads(
        (REPO_TARGETS / f"{d}.json").read_text(encoding="utf-8"))["targets"]]
    for label in ("FAVOR", "AGAINST", "NEUTRAL"):       # one relation per declared target and label
        assert all(f"{label}_{t} Arg1:QUOTE_CONTENT" in conf for t in declared)
    assert (tmp_path / "brat" / "visual.conf").exists()
    export_tasks("doccano", SHIPPED, tmp_path / "dc")
    lines = [json.loads(x) for x in (tmp_path / "dc" / "doccano.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [x["doc_id"] for x in lines] == SHIPPED
    for x in lines:
        assert all(x["text"][e["start_offset"]:e["end_offset"]] for e in x["entities"])
    spans = [t["text"] for t in json.loads((tmp_path / "dc" / "span_types.json").read_text(encoding="utf-8"))]
    assert spans[:18] == list(ENTITY_LABELS) and "QUOTE_CONTENT:mixed" in spans
    assert (tmp_path / "dc" / "doccano_setup.md").exists()


def test_tasks_unknown_document(tmp_path):
    with pytest.raises(InputError, match="unknown document id"):
        export_tasks("brat", ["nope-01"], tmp_path)
    assert not tmp_path.joinpath("annotation.conf").exists()


# ---------------------------------------------------------------- round trip of the shipped gold

def _as_annotated(tasks_path: Path) -> None:
    """What Label Studio exports after an annotator accepted the pre-annotations unchanged."""
    tasks = json.loads(tasks_path.read_text(encoding="utf-8"))
    for i, t in enumerate(tasks, 1):
        t["id"] = i
        t["annotations"] = [{"id": i, "result": t.pop("predictions")[0]["result"], "was_cancelled": False}]
    tasks_path.write_text(json.dumps(tasks, ensure_ascii=False), encoding="utf-8")


@pytest.mark.parametrize("tool", ["labelstudio", "brat"])
def test_gold_round_trip_is_exact(tmp_path, tool):
    export_tasks(tool, SHIPPED, tmp_path / "t")
    src = tmp_path / "t" / "tasks.json" if tool == "labelstudio" else tmp_path / "t"
    if tool == "labelstudio":
        _as_annotated(src)
    written, problems = import_annotations(tool, src, tmp_path / "out", "ann-z")
    assert not _errors(problems), problems
    assert len(written) == len(SHIPPED)
    for d in SHIPPED:
        back = json.loads((tmp_path / "out" / f"{d}.json").read_text(encoding="utf-8"))
        for layer in LAYERS:
            assert back[layer] == gold(d)[layer], (d, layer)


def test_gold_round_trip_doccano_keeps_spans(tmp_path):
    """doccano has no per-span notes: spans, quotes and stance survive; some cluster names do not."""
    export_tasks("doccano", SHIPPED, tmp_path / "t")
    _written, problems = import_annotations("doccano", tmp_path / "t" / "doccano.jsonl", tmp_path / "out", "ann-z")
    assert not _errors(problems), problems
    for d in SHIPPED:
        back, g = json.loads((tmp_path / "out" / f"{d}.json").read_text(encoding="utf-8")), gold(d)
        key = lambda m: (m["start"], m["end"], m["label"])
        assert [key(m) for m in back["entities"]["mentions"]] == [key(m) for m in g["entities"]["mentions"]]
        strip = lambda q: {k: v for k, v in q.items() if k != "speaker_cluster"}
        assert [strip(q) for q in back["quotes"]] == [strip(q) for q in g["quotes"]]
        assert [(s["target"], s["label"], s["evidence"]) for s in back["stance"]["items"]] == \
               [(s["target"], s["label"], s["evidence"]) for s in g["stance"]["items"]]


# ---------------------------------------------------------------- imports of new work

def test_doccano_import(repo, tmp_path):
    root, d1, d2 = repo
    f = tmp_path / "doccano-export.jsonl"
    f.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in H.doccano_lines(root, d1, d2)), encoding="utf-8")
    written, problems = import_annotations("doccano", f, tmp_path / "out", "ann-dora", root=root)
    assert not _errors(problems), problems
    assert sorted(Path(p).name for p in written) == sorted([f"{d1}.json", f"{d2}.json"])   # d2 found by its text
    a = json.loads((tmp_path / "out" / f"{d1}.json").read_text(encoding="utf-8"))
    assert a["annotation"]["notes"] == "imported from doccano" and a["annotation"]["annotator_kind"] == "human"
    assert {c["id"]: c["aliases"] for c in a["entities"]["clusters"]} == {
        "3-march-2026": ["3 March 2026"], "lyon": ["LYON"], "claire-dubois": ["Claire Dubois", "Dubois"]}
    assert [(q["type"], [c["text"] for c in q["content"]], q["speaker_cluster"]) for q in a["quotes"]] == [
        ("indirect", ["the city would fund the tram line"], "claire-dubois"),
        ("direct", ["We will build it,", "and we will build it fast."], "claire-dubois")]
    assert a["stance"]["items"] == [{"id": "s1", "holder": "claire-dubois", "target": "t-tram-line", "label": "AGAINST",
                                     "evidence": ["q2"]}]
    b = json.loads((tmp_path / "out" / f"{d2}.json").read_text(encoding="utf-8"))
    assert [m["text"] for m in b["entities"]["mentions"]] == ["CGT"] and b["quotes"] == []


def test_cli_import_and_tasks(repo, tmp_path):
    root, d1, d2 = repo
    env = {**os.environ, "NEWSGOLD_HOME": str(root)}
    r = subprocess.run([str(NEWSGOLD), "tasks", "--to", "brat", d1, d2, "--out-dir", str(tmp_path / "b")], capture_output=True,
                       text=True, env=env)
    assert r.returncode == 0 and f"wrote {tmp_path / 'b' / (d1 + '.ann')}" in r.stdout, r.stderr
    for name, content in H.brat_pass_b(root, d1, d2).items():
        (tmp_path / "b" / name).write_text(content, encoding="utf-8")
    out = root / "annotations" / "passes" / "llm-x-r1"
    base = [str(NEWSGOLD), "import", "--from", "brat", str(tmp_path / "b"), "--out-dir", str(out), "--annotator", "llm-x-r1"]
    r = subprocess.run(base, capture_output=True, text=True, env=env)        # a pass without its packet: refused
    assert r.returncode == 1 and "packet_sha256" in r.stderr and "--packet" in r.stderr and not out.exists(), r.stderr
    r = subprocess.run([*base, "--date", "2026-11-24", "--model", "x"], capture_output=True, text=True, env=env)
    assert r.returncode == 2 and "NAME/VERSION" in r.stderr                  # a usage error
    packets = []
    (tmp_path / "packets").mkdir()          # the folder the packets go into (no command creates a missing parent)
    for d in (d1, d2):
        packets += ["--packet", str(tmp_path / "packets" / d)]
        r = subprocess.run([str(NEWSGOLD), "annotate", "packet", d, "--out-dir", str(tmp_path / "packets" / d)],
                           capture_output=True, text=True, env=env)
        assert r.returncode == 0, r.stderr
    r = subprocess.run([*base, *packets, "--date", "2026-11-24", "--model", "x-model/2.1"], capture_output=True, text=True,
                       env=env)
    assert r.returncode == 0, r.stderr
    assert sorted(p.name for p in out.iterdir()) == sorted([f"{d1}.json", f"{d2}.json"])
    ann = json.loads((out / f"{d1}.json").read_text(encoding="utf-8"))["annotation"]
    manifest = (tmp_path / "packets" / d1 / "MANIFEST.sha256").read_bytes()
    assert ann["packet_sha256"] == hashlib.sha256(manifest).hexdigest()
    assert ann["model"] == {"name": "x-model", "version": "2.1"} and ann["date"] == "2026-11-24"
    # a broken one: rejected, exit 1, nothing written
    bad = tmp_path / "b" / f"{d1}.ann"
    bad.write_text(bad.read_text(encoding="utf-8").replace("\tLYON", "\tLION"), encoding="utf-8")
    out2 = root / "annotations" / "passes" / "llm-y-r1"
    r = subprocess.run([str(NEWSGOLD), "import", "--from", "brat", str(tmp_path / "b"), "--out-dir", str(out2), "--annotator",
                        "llm-y-r1"], capture_output=True, text=True, env=env)
    assert r.returncode == 1 and "rejected: nothing written" in r.stderr and "'LION'" in r.stderr
    assert f"{d1}.ann:1: T1:" in r.stderr and not out2.exists()


def test_a_single_brat_file_and_pass_folder_warning(repo, tmp_path):
    root, d1, d2 = repo
    for name, content in H.brat_pass_b(root, d1, d2).items():
        (tmp_path / name).write_text(content, encoding="utf-8")
    written, problems = import_annotations("brat", tmp_path / f"{d2}.ann", root / "annotations" / "passes" / "other",
                                           "ann-b", root=root, header=H.pass_header(root, [d2], tmp_path / "packets"))
    assert [Path(p).name for p in written] == [f"{d2}.json"]
    assert any(p.rule == "pass-folder" and p.severity == "warning" for p in problems)


# ---------------------------------------------------------------- broken exports: rejected, nothing written

def _ls_export(root, d1, d2) -> list[dict]:
    return H.ls_pass_a(root, d1, d2)


def _import_ls(tasks, root, tmp_path, annotator="ann-q"):
    f = tmp_path / "export.json"
    f.write_text(json.dumps(tasks, ensure_ascii=False, indent=2), encoding="utf-8")
    out = tmp_path / "out"
    written, problems = import_annotations("labelstudio", f, out, annotator, root=root)
    return written, problems, out


def _region(tasks, ti, text):
    return next(r for r in tasks[ti]["annotations"][0]["result"] if r["type"] == "labels" and r["value"]["text"] == text)


def _mutations():
    def mismatch(t):                       # the region's text is not the document's text at its offsets
        _region(t, 0, "Monday")["value"]["text"] = "Sunday"

    def missing_region(t):                 # a relation to a region that is not there
        rid = _region(t, 0, "told")["id"]
        t[0]["annotations"][0]["result"] = [r for r in t[0]["annotations"][0]["result"] if r.get("id") != rid]

    def unknown_label(t):
        _region(t, 1, "CGT")["value"]["labels"] = ["ORGANISATION"]

    def unknown_relation(t):
        res = t[0]["annotations"][0]["result"]
        res.append({"from_id": _region(t, 0, "LYON")["id"], "to_id": _region(t, 0, "Monday")["id"], "type": "relation",
                    "direction": "right", "labels": ["located_at"]})

    def not_in_manifest(t):
        t[1]["data"] = {"text": "A text that is in no manifest.", "doc_id": "0123456789abcdef-01"}
        t[1]["annotations"][0]["result"] = []

    def other_text(t):                     # right doc_id, but the text was edited in the tool
        t[1]["data"]["text"] = t[1]["data"]["text"].replace("CGT", "CFDT")

    def undeclared_target(t):
        for r in t[0]["annotations"][0]["result"]:
            if r["type"] == "relation" and r["labels"] == ["FAVOR:t-tram-line"]:
                r["labels"] = ["FAVOR:t-metro-line"]

    def holder_not_speaker(t):             # stance relation pointing at a holder who did not say the quote
        res = t[0]["annotations"][0]["result"]
        res.append({"from_id": _region(t, 0, "it opposed the plan")["id"], "to_id": _region(t, 0, "Claire Dubois")["id"],
                    "type": "relation", "direction": "right", "labels": ["AGAINST:t-tram-line"]})

    def conflicting_labels(t):
        for r in t[0]["annotations"][0]["result"]:
            if r["type"] == "relation" and r["labels"] == ["FAVOR:t-tram-line"] and r["from_id"] == _region(t, 0, "and we will build it fast.")["id"]:
                r["labels"] = ["AGAINST:t-tram-line"]

    def orphan_cue(t):
        rid = _region(t, 0, "told")["id"]
        t[0]["annotations"][0]["result"] = [r for r in t[0]["annotations"][0]["result"]
                                           if not (r["type"] == "relation" and rid in (r["from_id"], r["to_id"]))]

    def whitespace(t):
        v = _region(t, 0, "Monday")["value"]
        v["end"] += 1
        v["text"] += " "

    def no_type(t):
        t[0]["annotations"][0]["result"] = [r for r in t[0]["annotations"][0]["result"] if r.get("from_name") != "quote_type"]

    def overlap(t):
        res = t[0]["annotations"][0]["result"]
        s = _region(t, 0, "Claire Dubois")["value"]["start"]
        res.append({"id": "zz1", "from_name": "entity", "to_name": "text", "type": "labels",
                    "value": {"start": s, "end": s + 6, "text": "Claire", "labels": ["PERSON"]}})

    def only_predictions(t):
        t[1]["predictions"] = t[1].pop("annotations")

    def two_annotations(t):
        t[1]["annotations"].append(copy.deepcopy(t[1]["annotations"][0]))

    return {
        "mismatch": (mismatch, "span-align", "'Sunday'"),
        "missing_region": (missing_region, "ref-region", "does not exist"),
        "unknown_label": (unknown_label, "label-inventory", "'ORGANISATION'"),
        "unknown_relation": (unknown_relation, "label-inventory", "'located_at'"),
        "not_in_manifest": (not_in_manifest, "ref-document", "not in the manifest"),
        "other_text": (other_text, "text-differs", "differs from the text"),
        "undeclared_target": (undeclared_target, "ref-target", "'t-metro-line' is not declared"),
        "holder_not_speaker": (holder_not_speaker, "evidence-holder", "S-2.1"),
        "conflicting_labels": (conflicting_labels, "stance-conflict", "AGAINST and FAVOR"),
        "orphan_cue": (orphan_cue, "orphan", "belongs to no quote"),
        "whitespace": (whitespace, "span-space", "whitespace"),
        "no_type": (no_type, "quote-type", "no quote type"),
        "overlap": (overlap, "overlap", "E-3.5"),
        "only_predictions": (only_predictions, "no-annotation", "no submitted annotation"),
        "two_annotations": (two_annotations, "multiple-annotations", "one annotator"),
    }


@pytest.mark.parametrize("case", sorted(_mutations()))
def test_broken_labelstudio_export_is_rejected(repo, tmp_path, case):
    root, d1, d2 = repo
    mutate, rule, words = _mutations()[case]
    tasks = _ls_export(root, d1, d2)
    written, problems, _out = _import_ls(tasks, root, tmp_path)          # the intact export imports
    assert not _errors(problems) and len(written) == 2
    tasks = _ls_export(root, d1, d2)
    mutate(tasks)
    out2 = tmp_path / "again"
    f = tmp_path / "broken.json"
    f.write_text(json.dumps(tasks, ensure_ascii=False, indent=2), encoding="utf-8")
    written, problems = import_annotations("labelstudio", f, out2, "ann-q", root=root)
    errors = _errors(problems)
    assert written == [] and not out2.exists()
    assert any(p.rule == rule and words in p.message for p in errors), "\n".join(map(str, problems))
    assert all(p.file == str(f) or p.file.startswith(str(f)) for p in errors)
    # the message names the task
    hit = next(p for p in errors if p.rule == rule)
    assert "task" in hit.path or hit.path.startswith(("0/", "1/")), hit


def test_broken_brat_exports(repo, tmp_path):
    root, d1, d2 = repo
    files = H.brat_pass_b(root, d1, d2)

    def run(edit):
        folder = tmp_path / f"b{run.n}"
        run.n += 1
        folder.mkdir()
        for name, content in files.items():
            (folder / name).write_text(edit(name, content), encoding="utf-8")
        out = folder / "out"
        written, problems = import_annotations("brat", folder, out, "ann-q", root=root)
        assert written == [] and not out.exists()
        return _errors(problems)
    run.n = 0
    ann1 = f"{d1}.ann"
    errs = run(lambda n, c: c.replace("T3\tPERSON", "T3\tPERSONNE") if n == ann1 else c)
    assert any(p.rule == "label-inventory" and "'PERSONNE'" in p.message and p.path == "T3" and p.line == 3 for p in errs)
    errs = run(lambda n, c: c.replace("\tThe union", "\tThe unions") if n == ann1 else c)
    assert any(p.rule == "span-align" and p.path == "T13" and "'The unions'" in p.message for p in errs)
    errs = run(lambda n, c: c.replace("Arg2:T9", "Arg2:T99") if n == ann1 else c)
    assert any(p.rule == "brat-ref" or p.rule == "ref-region" for p in errs)
    errs = run(lambda n, c: c.replace("QuoteType T8 direct", "QuoteType T8 verbatim") if n == ann1 else c)
    assert any(p.rule == "quote-type" and "'verbatim'" in p.message for p in errs)
    errs = run(lambda n, c: c.replace("CGT", "CFDT") if n == f"{d2}.txt" else c)   # the .txt was edited
    assert any(p.rule == "text-differs" for p in errs)
    errs = run(lambda n, c: c.replace("R1\tsame_as Arg1:T4 Arg2:T3", "R1\tsame_as Arg1:T4 Arg2:T2") if n == ann1 else c)
    assert any(p.rule == "cluster-type" for p in errs)


def test_broken_doccano_export(repo, tmp_path):
    root, d1, d2 = repo
    lines = H.doccano_lines(root, d1, d2)
    lines[0]["entities"][5]["label"] = "QUOTE_CONTENT"            # without its type
    lines[0]["relations"].append({"id": 9, "from_id": 6, "to_id": 77, "type": "cue"})
    lines[1]["doc_id"] = "ffffffffffffffff-09"
    f = tmp_path / "dc.jsonl"
    f.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines), encoding="utf-8")
    written, problems = import_annotations("doccano", f, tmp_path / "out", "ann-q", root=root)
    errs = _errors(problems)
    assert written == [] and not (tmp_path / "out").exists()
    assert {(p.line, p.rule) for p in errs} >= {(1, "quote-type"), (1, "ref-region")}
    # an id that is no manifest document, on the text of one: identified by the text, and said so
    assert [(p.line, p.rule, p.severity) for p in problems if p.rule == "doc-by-text"] == [(2, "doc-by-text", "warning")]
    assert "'ffffffffffffffff-09'" in next(p for p in problems if p.rule == "doc-by-text").message


def test_bad_annotator_id(repo, tmp_path):
    root, d1, d2 = repo
    written, problems, out = _import_ls(_ls_export(root, d1, d2), root, tmp_path, annotator="Alice Smith")
    assert written == [] and any(p.rule == "annotator" for p in problems) and not out.exists()


def test_malformed_doccano_json_array_is_reported_not_raised(tmp_path):
    """A doccano export that starts as a JSON array but is cut short: an error with its line, nothing written."""
    from newsgold.annotation.importing import import_annotations
    bad = tmp_path / "export.json"
    bad.write_text('[{"text": "abc",\n "entities": [', encoding="utf-8")
    out = tmp_path / "out"
    written, problems = import_annotations("doccano", bad, out, annotator="someone")
    assert written == []
    errors = [p for p in problems if p.severity == "error"]
    assert errors and errors[0].rule == "json" and errors[0].line == 2
    assert not out.exists() or not any(out.iterdir())
