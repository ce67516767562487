"""The one format layer: ``convert`` and ``import`` read each annotation tool through one reader and
agree on every span; per-region stance choices, relation-name maps, client ids (``--doc-map``,
identification by text) and every reader hole of issue 11 each have a test that can fail.

Expected spans are found in the document texts with ``H.off`` (code points) and written into
the exports the way each tool writes them (Label Studio: UTF-16 with ``value.text``), never
copied from the toolkit's output.
"""
from __future__ import annotations

import json
import sys
import zlib
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "tools"))
import ng_tools_helpers as H

from newsgold.annotation.importing import import_annotations
from newsgold.annotation.tasks import export_tasks
from newsgold.cli import main
from newsgold.core.jsonio import MAX_RECORD_BYTES
from newsgold.core.schema import ENTITY_LABELS
from newsgold.formats.brat import parse as parse_brat
from newsgold.formats.to_predictions import convert
from newsgold.gold.load import Gold, load_gold
from newsgold.gold.sources import add_source

FIX = Path(__file__).parent / "fixtures" / "adapters"
D1, D2 = H.EXAMPLE_DOCS
QUOTE_ROLES = ("QUOTE_CONTENT", "CUE", "SPEAKER")


@pytest.fixture
def repo(tmp_path):
    """A repository copy with the two-article source registered (its second text has 🚋, outside the BMP)."""
    root = H.copy_repo(tmp_path)
    before = H.manifest(root)
    add_source(H.ARTICLE, {"provenance": "tests", "licence": "CC0"}, seeds_dir=root / "seeds")
    d1, d2 = H.new_documents(root, before)
    H.review(root)
    H.declare_targets(root, d1)
    return root, d1, d2


@pytest.fixture(scope="module")
def syn():
    return load_gold(FIX / "synthetic_gold.jsonl")


def _gold_of(root: Path, ids) -> Gold:
    return Gold({d: {"id": d, "text": H.doc_text(root, d)} for d in ids}, "test", "test", str(root))


def _errors(problems):
    return [p for p in problems if p.severity == "error"]


# the encoding's labels as predictions labels, so that convert keeps every region of an annotation export
ENCODING_MAP = {"name": "encoding", "map": {**{lab: lab for lab in (*ENTITY_LABELS, *QUOTE_ROLES)},
                                            **{f"QUOTE_CONTENT:{t}": "QUOTE_CONTENT" for t in ("direct", "indirect", "mixed")}}}


def _after_emoji(root: Path, d2: str) -> tuple[int, int]:
    text = H.doc_text(root, d2)
    assert text.index("🚋") < text.index("talks")
    return H.off(text, "talks")


def _exports(root: Path, d1: str, d2: str, tool: str, folder: Path) -> Path:
    """The hand-written pass of ``tool`` plus one EVENT region after the 🚋 of d2."""
    s, e = _after_emoji(root, d2)
    t2 = H.doc_text(root, d2)
    folder.mkdir(exist_ok=True)
    if tool == "labelstudio":
        tasks = H.ls_pass_a(root, d1, d2)
        tasks[1]["annotations"][0]["result"].append({
            "value": {"start": H.utf16(t2, s), "end": H.utf16(t2, e), "text": "talks", "labels": ["EVENT"]},
            "id": "ev1", "from_name": "entity", "to_name": "text", "type": "labels", "origin": "manual"})
        path = folder / "ls.json"
        path.write_text(json.dumps(tasks, ensure_ascii=False), encoding="utf-8")
        return path
    if tool == "brat":
        folder.mkdir(exist_ok=True)
        for name, content in H.brat_pass_b(root, d1, d2).items():
            if name == f"{d2}.ann":
                content += f"T99\tEVENT {s} {e}\ttalks\n"
            (folder / name).write_text(content, encoding="utf-8")
        return folder
    lines = H.doccano_lines(root, d1, d2)
    lines[1]["entities"].append({"id": 999, "label": "EVENT", "start_offset": s, "end_offset": e})
    path = folder / "dc.jsonl"
    path.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines), encoding="utf-8")
    return path


def _imported_spans(rec: dict) -> set[tuple[int, int, str]]:
    out = {(m["start"], m["end"], m["label"]) for m in rec["entities"]["mentions"]}
    for q in rec["quotes"]:
        out |= {(q[k]["start"], q[k]["end"], role) for k, role in (("cue", "CUE"), ("speaker", "SPEAKER")) if q[k]}
    return out


@pytest.mark.parametrize("tool", ["labelstudio", "brat", "doccano"])
def test_convert_and_import_agree_on_every_span(repo, tmp_path, tool):
    root, d1, d2 = repo
    src = _exports(root, d1, d2, tool, tmp_path / "export")
    _written, problems = import_annotations(tool, src, tmp_path / "out", "ann-q", root=root)
    assert not _errors(problems), "\n".join(map(str, problems))
    records, cproblems = convert(tool, src, _gold_of(root, (d1, d2)), label_map=ENCODING_MAP)
    assert not _errors(cproblems), "\n".join(map(str, cproblems))
    converted = {r["doc_id"]: {(e["start"], e["end"], e["label"]) for e in r["entities"] if e["label"] != "QUOTE_CONTENT"}
                 for r in records}
    for d in (d1, d2):
        rec = json.loads((tmp_path / "out" / f"{d}.json").read_text(encoding="utf-8"))
        assert _imported_spans(rec) == converted[d]
    s, e = _after_emoji(root, d2)
    assert (s, e, "EVENT") in converted[d2]   # after the character outside the BMP, in code points


# ---------------------------------------------------------------- Label Studio: per-region stance choices, JSON-MIN, relation map

def _ls_region_id(task: dict, text: str) -> str:
    return next(r["id"] for r in task["annotations"][0]["result"] if r["type"] == "labels" and r["value"]["text"] == text)


def _stance_as_choices(tasks: list[dict], value_of) -> list[dict]:
    """The same pass with each FAVOR relation replaced by the per-region choice Label Studio saves for it."""
    res = tasks[0]["annotations"][0]["result"]
    rels = [r for r in res if r.get("type") == "relation" and r["labels"][0].startswith("FAVOR:")]
    for rel in rels:
        res.remove(rel)
        region = next(r for r in res if r.get("id") == rel["from_id"] and r["type"] == "labels")
        v = region["value"]
        res.append({"value": {"start": v["start"], "end": v["end"], "text": v["text"], "choices": [value_of(rel["labels"][0])]},
                    "id": rel["from_id"], "from_name": "stance", "to_name": "text", "type": "choices", "origin": "manual"})
    assert len(rels) == 2
    return tasks


def _import_ls(root, tmp_path, tasks, name, **kwargs):
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps(tasks, ensure_ascii=False), encoding="utf-8")
    return import_annotations("labelstudio", path, tmp_path / name, "ann-q", root=root, **kwargs)


@pytest.mark.parametrize("value_of", [lambda v: v, lambda v: v.split(":")[0]], ids=["with-target", "single-declared-target"])
def test_labelstudio_per_region_stance_choices_are_imported(repo, tmp_path, value_of):
    root, d1, d2 = repo
    _written, problems = _import_ls(root, tmp_path, _stance_as_choices(H.ls_pass_a(root, d1, d2), value_of), "choices")
    assert not _errors(problems), "\n".join(map(str, problems))
    rec = json.loads((tmp_path / "choices" / f"{d1}.json").read_text(encoding="utf-8"))
    # by hand: Claire Dubois's two quotes (q1 "the city would fund…", q2 "We will build it, … fast.") favour the tram line
    assert rec["stance"]["items"] == [{"id": "s1", "holder": "claire-dubois", "target": "t-tram-line", "label": "FAVOR",
                                       "evidence": ["q1", "q2"]}]
    # the relation encoding of the same pass gives the same layer
    _import_ls(root, tmp_path, H.ls_pass_a(root, d1, d2), "relations")
    rel = json.loads((tmp_path / "relations" / f"{d1}.json").read_text(encoding="utf-8"))
    assert rel["stance"] == rec["stance"]


def test_labelstudio_stance_choice_with_unknown_label_is_an_error(repo, tmp_path):
    root, d1, d2 = repo
    written, problems = _import_ls(root, tmp_path, _stance_as_choices(H.ls_pass_a(root, d1, d2), lambda v: "PRO"), "bad")
    assert written == [] and any(p.rule == "label-inventory" and "'PRO'" in p.message for p in _errors(problems))


def test_labelstudio_json_min_import_is_one_error_with_a_hint(repo, tmp_path):
    root, _d1, d2 = repo
    t2 = H.doc_text(root, d2)
    s, e = H.off(t2, "CGT")
    rows = [{"id": 42, "text": t2, "doc_id": d2, "annotator": 1, "annotation_id": 142,
             "label": [{"start": s, "end": e, "text": "CGT", "labels": ["ORG"]}] * 3}]
    written, problems = _import_ls(root, tmp_path, rows, "min")
    errs = _errors(problems)
    assert written == [] and [p.rule for p in errs] == ["json-min"] and "'JSON'" in errs[0].message


def test_relation_name_map_from_the_labelling_config(repo, tmp_path):
    root, d1, d2 = repo
    tasks = H.ls_pass_a(root, d1, d2)
    for t in tasks:
        for r in t["annotations"][0]["result"]:
            if r.get("type") == "relation" and r["labels"] == ["cue"]:
                r["labels"] = ["cue_of"]
    written, problems = _import_ls(root, tmp_path, tasks, "nomap")
    assert written == [] and any(p.rule == "label-inventory" and "'cue_of'" in p.message for p in problems)
    config = tmp_path / "labelling_config.xml"
    config.write_text("<!--\n  newsgold-relation: cue_of = cue\n-->\n<View/>\n", encoding="utf-8")
    written, problems = _import_ls(root, tmp_path, tasks, "mapped", config=config)
    assert not _errors(problems), "\n".join(map(str, problems))
    _import_ls(root, tmp_path, H.ls_pass_a(root, d1, d2), "plain")
    for d in (d1, d2):
        mapped = json.loads((tmp_path / "mapped" / f"{d}.json").read_text(encoding="utf-8"))
        plain = json.loads((tmp_path / "plain" / f"{d}.json").read_text(encoding="utf-8"))
        assert mapped["quotes"] == plain["quotes"] and any(q["cue"] for q in plain["quotes"])


def test_tasks_write_the_relation_map_that_import_reads(tmp_path):
    from newsgold.annotation.encoding import STRUCTURAL, relation_map
    export_tasks("labelstudio", [D2], tmp_path / "ls", pre_annotate=False)
    export_tasks("brat", [D2], tmp_path / "brat", pre_annotate=False)
    for conf in (tmp_path / "ls" / "labelling_config.xml", tmp_path / "brat" / "annotation.conf"):
        assert relation_map(conf.read_text(encoding="utf-8")) == {r: r for r in STRUCTURAL}


def test_missing_quote_type_choice_is_reported(repo, tmp_path):
    root, d1, d2 = repo
    tasks = H.ls_pass_a(root, d1, d2)
    res = tasks[1]["annotations"][0]["result"]
    res[:] = [r for r in res if r.get("from_name") != "quote_type"]
    written, problems = _import_ls(root, tmp_path, tasks, "notype")
    assert written == [] and any(p.rule == "quote-type" and "no quote type" in p.message for p in problems)


def test_all_problems_of_a_file_in_one_run(repo, tmp_path):
    """A reader problem (a region off its text), an encoding problem (an unknown label) and a bad
    relation in one export: all three reported at once."""
    root, d1, d2 = repo
    tasks = H.ls_pass_a(root, d1, d2)
    res = tasks[0]["annotations"][0]["result"]
    res[0]["value"]["start"] += 1                   # LYON region no longer on its text
    res[1]["value"]["labels"] = ["DATUM"]           # unknown label
    res.append({"from_id": res[2]["id"], "to_id": "nowhere", "type": "relation", "direction": "right", "labels": ["cue"]})
    written, problems = _import_ls(root, tmp_path, tasks, "many")
    rules = {p.rule for p in _errors(problems)}
    assert written == [] and {"span-align", "label-inventory", "ref-region"} <= rules


# ---------------------------------------------------------------- client ids

def _docbin(tmp_path: Path, gold, with_ids: bool) -> Path:
    spacy = pytest.importorskip("spacy", reason="spaCy DocBin needs spaCy (pip install -e '.[test-heavy]')")
    from spacy.tokens import DocBin
    nlp = spacy.blank("en")
    db = DocBin(store_user_data=True)
    for client, did in (("client-a", D1), ("client-b", D2)):
        text = gold.docs[did]["text"]
        doc = nlp(text)
        s, e = H.off(text, "Trump")
        doc.ents = [doc.char_span(s, e, label="PERSON")]
        if with_ids:
            doc.user_data["doc_id"] = client
        db.add(doc)
    path = tmp_path / "client.spacy"
    path.write_bytes(db.to_bytes())
    return path


@pytest.mark.heavy
def test_docbin_with_client_ids_scores_with_doc_map_and_by_text(tmp_path, capsys):
    gold = load_gold()
    path = _docbin(tmp_path, gold, with_ids=True)
    expected = {did: [(H.off(gold.docs[did]["text"], "Trump")[0], "PERSON")] for did in (D1, D2)}
    doc_map = tmp_path / "map.tsv"
    doc_map.write_text(f"client-a\t{D1}\nclient-b\t{D2}\n", encoding="utf-8")
    records, problems = convert("spacy-docbin", path, gold, doc_map=doc_map)
    assert not _errors(problems) and not [p for p in problems if p.rule == "doc-by-text"]
    assert {r["doc_id"]: [(e["start"], e["label"]) for e in r["entities"]] for r in records} == expected
    # without the map: each client id is no gold id, the document is found by its text, and a warning says so
    records, problems = convert("spacy-docbin", path, gold)
    assert {r["doc_id"]: [(e["start"], e["label"]) for e in r["entities"]] for r in records} == expected
    found = [p for p in problems if p.rule == "doc-by-text"]
    assert [p.severity for p in found] == ["warning", "warning"] and "'client-a'" in found[0].message
    # and it scores, through the CLI, both ways
    for extra in (["--doc-map", str(doc_map)], []):
        rc = main(["score", "--from", "spacy-docbin", str(path), "--task", "entities", "--resamples", "0", *extra])
        assert rc == 0
        assert "signature:" in capsys.readouterr().out


def test_transformers_client_ids_need_a_doc_map(tmp_path):
    gold = load_gold()
    text = gold.docs[D2]["text"]
    s, e = H.off(text, "Hamas")
    path = tmp_path / "tf.json"
    path.write_text(json.dumps({"article-7": [{"entity_group": "ORG", "score": 0.9, "word": "Hamas", "start": s, "end": e}]}),
                    encoding="utf-8")
    _, problems = convert("transformers", path, gold)
    assert [p.rule for p in _errors(problems)] == ["ref-document"] and "--doc-map" in problems[0].message
    doc_map = tmp_path / "map.json"
    doc_map.write_text(json.dumps({"article-7": D2}), encoding="utf-8")
    records, problems = convert("transformers", path, gold, doc_map=doc_map)
    assert not problems and records == [{"doc_id": D2, "entities": [{"start": s, "end": e, "label": "ORG", "text": "Hamas",
                                                                      "score": 0.9}]}]


def test_labelstudio_data_doc_id_through_doc_map_on_import(repo, tmp_path):
    root, d1, d2 = repo
    tasks = H.ls_pass_a(root, d1, d2)
    tasks[1]["data"]["doc_id"] = "my-42"
    tasks[1]["data"]["text"] = tasks[1]["data"]["text"] + "\n"   # a trailing newline: the same text
    doc_map = tmp_path / "map.json"
    doc_map.write_text(json.dumps({"my-42": d2}), encoding="utf-8")
    written, problems = _import_ls(root, tmp_path, tasks, "mapped", doc_map=doc_map)
    assert not _errors(problems) and sorted(Path(w).name for w in written) == [f"{d1}.json", f"{d2}.json"]
    assert not [p for p in problems if p.rule == "doc-by-text"]


def test_identification_by_text_is_a_note(syn, tmp_path):
    text = syn.docs["syn-plain"]["text"]
    path = tmp_path / "s.json"
    path.write_text(json.dumps({"text": text, "ents": []}), encoding="utf-8")
    records, problems = convert("spacy", path, syn)
    assert records == [{"doc_id": "syn-plain", "entities": []}]
    assert [(p.rule, p.severity) for p in problems] == [("doc-by-text", "note")]


# ---------------------------------------------------------------- reader holes (issue 11)

def _u16(text, i):
    return len(text[:i].encode("utf-16-le")) // 2


def test_labelstudio_utf16_without_value_text_lands_right(syn, tmp_path):
    text = syn.docs["syn-emoji"]["text"]
    wanted = [(sub, lab, nth) for sub, lab, nth in (("Hamas", "ORG", 1), ("Gaza City", "GPE", 2), ("Doha", "GPE", 1))]
    expected = sorted((*H.off(text, sub, nth), lab, sub) for sub, lab, nth in wanted)
    assert all(_u16(text, s) != s for s, *_ in expected)        # every one of them lies after an emoji
    regions = [{"id": f"r{k}", "type": "labels", "from_name": "label", "to_name": "text",
                "value": {"start": _u16(text, s), "end": _u16(text, e), "labels": [lab]}}
               for k, (s, e, lab, _) in enumerate(expected)]
    path = tmp_path / "ls.json"
    path.write_text(json.dumps([{"id": 1, "data": {"text": text}, "annotations": [{"id": 1, "result": regions}]}]),
                    encoding="utf-8")
    records, problems = convert("labelstudio", path, syn)
    assert [(e["start"], e["end"], e["label"], e["text"]) for e in records[0]["entities"]] == expected
    assert [p.rule for p in problems if p.severity != "note"] == ["utf16"]


def test_labelstudio_only_cancelled_annotation_is_not_predicted_nothing(syn, tmp_path):
    text = syn.docs["syn-plain"]["text"]
    path = tmp_path / "ls.json"
    path.write_text(json.dumps([{"id": 1, "data": {"text": text}, "annotations": [{"id": 3, "was_cancelled": True, "result": []}]}]),
                    encoding="utf-8")
    records, problems = convert("labelstudio", path, syn)
    assert records == [] and [(p.rule, p.severity) for p in problems] == [("cancelled", "warning")]


def test_doccano_label_as_a_string_is_an_error(syn, tmp_path):
    path = tmp_path / "d.jsonl"
    path.write_text(json.dumps({"id": 1, "text": syn.docs["syn-plain"]["text"], "label": "ORG"}) + "\n", encoding="utf-8")
    _records, problems = convert("doccano", path, syn)
    errs = _errors(problems)
    assert [(p.line, p.path, p.rule) for p in errs] == [(1, "label", "format")] and "got str" in errs[0].message


def test_transformers_word_mismatch_reported_per_item(gold_default, tmp_path):
    text = gold_default.docs[D2]["text"]
    good = [(*H.off(text, w), w) for w in ("Hamas", "Gaza", "Donald Trump", "Morocco", "Kosovo", "Albania")]
    s, e = H.off(text, "Kazakhstan")
    items = [{"entity_group": "GPE" if w != "Hamas" else "ORG", "score": 0.9, "word": w, "start": a, "end": b} for a, b, w in good]
    items.append({"entity_group": "GPE", "score": 0.9, "word": "Kenya", "start": s, "end": e})   # one of seven: under a fifth
    path = tmp_path / "tf.json"
    path.write_text(json.dumps({D2: items}), encoding="utf-8")
    _records, problems = convert("transformers", path, gold_default)
    mism = [p for p in problems if p.rule == "word-mismatch"]
    assert [(p.path, p.severity) for p in mism] == [(f"{D2}/6/word", "warning")]
    assert "'Kenya'" in mism[0].message and "'Kazakhstan'" in mism[0].message


@pytest.fixture(scope="module")
def gold_default():
    return load_gold()


def test_spacy_entity_past_the_text_is_an_error_not_clamped(syn, tmp_path):
    text = syn.docs["syn-plain"]["text"]
    path = tmp_path / "s.json"
    path.write_text(json.dumps({"text": text, "ents": [{"start": 0, "end": len(text) + 50, "label": "ORG"}]}), encoding="utf-8")
    records, problems = convert("spacy", path, syn)
    errs = _errors(problems)
    assert [(p.path, p.rule) for p in errs] == [("ents/0", "span-align")] and "outside the text" in errs[0].message
    assert records == [{"doc_id": "syn-plain", "entities": []}]


def test_brat_superscript_offsets_are_an_error_not_a_crash(syn, tmp_path):
    parsed = parse_brat("T1\tORG 0 5\tApple\nT2\tORG ²0 5\tApple\n", "x.ann")
    assert [(p.line, p.rule) for p in parsed["problems"]] == [(2, "brat-line")]
    ann = tmp_path / "syn-plain.ann"
    ann.write_text("T1\tORG ¹ ⁵\tApple\n", encoding="utf-8")
    assert main(["convert", "--from", "brat", str(ann), "--gold", str(FIX / "synthetic_gold.jsonl")]) == 1


def test_docbin_zip_bomb_is_capped(syn, tmp_path):
    path = tmp_path / "bomb.spacy"
    comp = zlib.compressobj(9)
    chunk = b"\0" * (1 << 20)
    path.write_bytes(b"".join(comp.compress(chunk) for _ in range(MAX_RECORD_BYTES // len(chunk) + 2)) + comp.flush())
    assert path.stat().st_size < MAX_RECORD_BYTES // 100
    records, problems = convert("spacy-docbin", path, syn)
    assert records == [] and [p.rule for p in problems] == ["size"]


@pytest.mark.parametrize("bad", ["NaN", "Infinity", "-Infinity"])
def test_non_finite_scores_are_reported(syn, tmp_path, bad):
    text = syn.docs["syn-plain"]["text"]
    s, e = H.off(text, "Apple")
    path = tmp_path / "g.json"
    path.write_text(f'{{"syn-plain": [{{"start": {s}, "end": {e}, "text": "Apple", "label": "ORG", "score": {bad}}}]}}',
                    encoding="utf-8")
    records, problems = convert("gliner", path, syn)
    # NaN and Infinity are not JSON: the strict parser refuses the file and says why (nothing is dropped silently)
    assert records == [] and [(p.rule, p.severity) for p in problems] == [("json-number", "error")]
    assert bad.lstrip("-") in problems[0].message


@pytest.mark.parametrize("fmt,content", [
    ("spacy", '{"text": "x", "ents": [{"start": 0.0, "end": true, "label": "ORG"}]}'),
    ("spacy", '{"text": "x", "ents": [{"start": 0, "end": 1, "label": ["ORG"]}]}'),
    ("labelstudio", '[{"data": {"text": "x"}, "annotations": [{"result": [{"id": 1, "type": "labels", '
                    '"value": {"start": "0", "end": 1, "labels": ["ORG"]}}]}]}]'),
    ("labelstudio", '[{"data": {"text": "x"}, "annotations": [{"result": [{"type": "labels", "value": 5}]}]}]'),
    ("doccano", '{"text": "x", "label": [[0, 1, ["ORG"]]]}\n{"text": "x", "label": {"a": 1}}\n[1,2]\n'),
    ("doccano", '[{"text": "x", "entities": [{"id": 1, "label": "ORG", "start_offset": null, "end_offset": 1}], "relations": 5}]'),
    ("transformers", '{"d": [{"entity": "B-ORG", "start": 0, "end": 1, "word": 5, "index": "a"}]}'),
    ("gliner", '{"d": [{"start": 0, "end": 1, "label": "ORG", "score": "high"}]}'),
    ("brat", "T1\tORG 0 1;\tx\nR1\tcue Arg1:T1\nA1\nE1\tX\n"),
    ("stanza", '[[{"text": "x", "ner": "S-ORG", "misc": "start_char=a|end_char=1"}]]'),
    ("flair", '[{"text": "x", "entities": [{"text": "x", "start_pos": 0, "end_pos": 1, "labels": [{"value": 1}]}]}]'),
])
def test_hostile_inputs_never_end_in_an_internal_error(tmp_path, fmt, content):
    path = tmp_path / ("in.ann" if fmt == "brat" else "in.jsonl" if fmt == "doccano" else "in.json")
    path.write_text(content, encoding="utf-8")
    rc = main(["convert", "--from", fmt, str(path), "--gold", str(FIX / "synthetic_gold.jsonl")])
    assert rc in (0, 1)


def test_labelstudio_choice_on_a_region_without_label_is_reported(syn, tmp_path):
    text = syn.docs["syn-plain"]["text"]
    s, e = H.off(text, "Apple")
    result = [{"id": "q1", "type": "choices", "from_name": "stance", "to_name": "text",
               "value": {"start": s, "end": e, "text": "Apple", "choices": ["FAVOR"]}}]
    path = tmp_path / "ls.json"
    path.write_text(json.dumps([{"id": 1, "data": {"text": text}, "annotations": [{"id": 1, "result": result}]}]), encoding="utf-8")
    _, problems = convert("labelstudio", path, syn)
    assert [(p.rule, p.severity, p.path) for p in problems if p.severity != "note"] == [
        ("ref-region", "warning", "0/annotations/0/result/0")]
