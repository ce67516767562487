"""newsgold.score() / compare() end to end on a small gold JSONL built here."""
from __future__ import annotations

import copy
import hashlib
import json

import pytest

from newsgold.core.diagnostics import InputError
from newsgold.scoring import api, signature

RESAMPLES = 40

HEAD1 = "Macron backs tax cut\n"
TEXT1 = HEAD1 + ('Emmanuel Macron said: "We will act now." He added that the plan was ready. '
                 '"It is late," Élisabeth Borne warned, "but not too late." '
                 'The minister said taxes would "fall sharply" in Paris on Monday.')
HEAD2 = "Apple sales\n"
TEXT2 = HEAD2 + 'Apple said on Tuesday that sales rose. "It was a mistake," a source said. Tim Cook praised the deal.'


def sp(text, sub, nth=0):
    i = -1
    for _ in range(nth + 1):
        i = text.index(sub, i + 1)
    return {"start": i, "end": i + len(sub), "text": sub}


def mention(text, sub, label, cluster, nth=0):
    return {**sp(text, sub, nth), "label": label, "cluster": cluster}


def record(doc_id, text, head, entities, quotes, stance):
    return {"id": doc_id, "text": text, "text_sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
            "metadata": {"headline": head.strip(), "language": "en", "dataset_version": "9.9.9"},
            "zones": [{"start": 0, "end": len(head), "type": "headline"}, {"start": len(head), "end": len(text), "type": "body"}],
            "entities": entities, "quotes": quotes, "stance": stance}


def gold_records():
    t = TEXT1
    d1 = record("doc1", t, HEAD1, {
        "mentions": [mention(t, "Macron", "PERSON", "c-macron"),                    # in the headline
                     mention(t, "Emmanuel Macron", "PERSON", "c-macron"),
                     mention(t, "Élisabeth Borne", "PERSON", "c-borne"),
                     mention(t, "Paris", "GPE", "c-paris"),
                     mention(t, "Monday", "DATE", "c-monday")],
        "clusters": [{"id": "c-macron", "name": "Emmanuel Macron", "type": "PERSON", "aliases": ["Macron"]},
                     {"id": "c-borne", "name": "Élisabeth Borne", "type": "PERSON", "aliases": ["the minister"]},
                     {"id": "c-paris", "name": "Paris", "type": "GPE"},
                     {"id": "c-monday", "name": "Monday", "type": "DATE"}]}, [
        {"id": "q1", "type": "direct", "content": [sp(t, "We will act now.")], "cue": sp(t, "said"),
         "speaker": sp(t, "Emmanuel Macron"), "speaker_cluster": "c-macron"},
        {"id": "q2", "type": "indirect", "content": [sp(t, "the plan was ready")], "cue": sp(t, "added"),
         "speaker": sp(t, "He"), "speaker_cluster": "c-macron"},
        # multi-span direct quote, interrupted by its cue
        {"id": "q3", "type": "direct", "content": [sp(t, "It is late,"), sp(t, "but not too late.")], "cue": sp(t, "warned"),
         "speaker": sp(t, "Élisabeth Borne"), "speaker_cluster": "c-borne"},
        # mixed quote: paraphrase with a quoted fragment
        {"id": "q4", "type": "mixed", "content": [sp(t, 'taxes would "fall sharply"')], "cue": sp(t, "said", 1),
         "speaker": sp(t, "The minister"), "speaker_cluster": "c-borne"},
    ], {"targets": [{"id": "t-tax", "kind": "topic", "description": "the tax cut"}],
        "items": [{"id": "s1", "holder": "c-macron", "target": "t-tax", "label": "FAVOR", "evidence": ["q1"]},
                  {"id": "s2", "holder": "c-borne", "target": "t-tax", "label": "AGAINST", "evidence": ["q3"]}]})
    t = TEXT2
    d2 = record("doc2", t, HEAD2, {
        "mentions": [mention(t, "Apple", "ORG", "c-apple"),                          # in the headline
                     mention(t, "Apple", "ORG", "c-apple", 1),
                     mention(t, "Tuesday", "DATE", "c-tuesday"),
                     mention(t, "Tim Cook", "PERSON", "c-cook")],
        "clusters": [{"id": "c-apple", "name": "Apple", "type": "ORG"},
                     {"id": "c-tuesday", "name": "Tuesday", "type": "DATE"},
                     {"id": "c-cook", "name": "Tim Cook", "type": "PERSON"}]}, [
        {"id": "q1", "type": "indirect", "content": [sp(t, "sales rose")], "cue": sp(t, "said"),
         "speaker": sp(t, "Apple", 1), "speaker_cluster": "c-apple"},
        # speaker not certain: no cluster
        {"id": "q2", "type": "direct", "content": [sp(t, "It was a mistake,")], "cue": sp(t, "said", 1),
         "speaker": sp(t, "a source"), "speaker_cluster": None},
    ], {"targets": [{"id": "t-deal", "kind": "topic", "description": "the deal"}],
        "items": [{"id": "s1", "holder": "c-apple", "target": "t-deal", "label": "NEUTRAL", "evidence": ["q1"]}]})
    return [d1, d2]


@pytest.fixture()
def gold_path(tmp_path):
    p = tmp_path / "gold.jsonl"
    p.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in gold_records()), encoding="utf-8")
    return p


@pytest.fixture()
def setup(gold_path):
    return api.make_setup(gold_path)


def perfect_predictions():
    names = {}
    out = []
    for r in gold_records():
        names = {c["id"]: c["name"] for c in r["entities"]["clusters"]}
        out.append({
            "doc_id": r["id"], "system": "copy",
            "entities": [{"start": m["start"], "end": m["end"], "label": m["label"]} for m in r["entities"]["mentions"]],
            "quotes": [{k: copy.deepcopy(q[k]) for k in ("type", "content", "cue", "speaker", "speaker_cluster")} for q in r["quotes"]],
            "stance": [{"item": s["id"], "label": s["label"]} for s in r["stance"]["items"]]
                      + [{"holder": names[s["holder"]], "target": s["target"], "label": s["label"]} for s in r["stance"]["items"]],
        })
    return out


def ents(doc_id, text, items):
    """A predictions record with entities given as (substring, label[, nth])."""
    return {"doc_id": doc_id, "entities": [{**sp(text, s, *rest[1:]), "label": rest[0]} for s, *rest in items]}


# ---------------------------------------------------------------- perfect predictions

def test_perfect_predictions_score_one(setup):
    res = api.score(perfect_predictions(), setup=setup, resamples=RESAMPLES, seed=3)
    assert set(res.tasks) == {"entities", "entities_document", "quotes", "stance"}   # document level comes with entities
    assert not res.errors
    assert not [w for w in res.warnings if w.severity == "error"]
    absent = {lab for lab in setup.labels if lab not in {"PERSON", "GPE", "DATE", "ORG"}}
    used = {s["label"] for d in setup.gold.docs.values() for s in d["stance"]["items"]}
    absent_stance = {"FAVOR", "AGAINST", "NEUTRAL", "NONE"} - used
    for task, t in res.tasks.items():
        for name, f in t["figures"].items():
            if task.startswith("entities") and name.startswith("label/") and name.split("/")[1] in absent:
                assert f["value"] is None, name       # not applicable
            elif task == "stance" and name.split("/")[1] in absent_stance:
                assert f["value"] is None, name       # a class the fixture's gold does not use
            else:
                assert f["value"] == 1.0, (task, name)
            # two documents cannot support an interval (3 distinct bootstrap resamples): none is given, and why
            assert f["ci"] is None and "with 2 document(s)" in f["ci_reason"], (task, name)
        assert t["n_documents"] == 2 and t["ci_reason"] == f["ci_reason"]
    assert res.tasks["entities"]["labels"] == ["PERSON", "ORG", "GPE", "DATE"]
    assert res.tasks["stance"]["confusion"]["matrix"] == [[1, 0, 0, 0, 0], [0, 1, 0, 0, 0], [0, 0, 1, 0, 0], [0, 0, 0, 0, 0]]
    assert res.tasks["quotes"]["counts"]["gold"] == 6
    assert res.value("quotes", "end_to_end/f1") == 1.0


def test_perfect_predictions_from_a_jsonl_file(gold_path, tmp_path):
    p = tmp_path / "pred.jsonl"
    p.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in perfect_predictions()), encoding="utf-8")
    res = api.score(p, gold=gold_path, task="entities", resamples=0)
    assert res.value("entities", "overall/strict/f1") == 1.0
    f = res.tasks["entities"]["figures"]["overall/strict/f1"]
    assert f["ci"] is None and f["ci_reason"] == "resampling turned off (--resamples 0)"
    assert signature.parse(res.signature)["ci"] == "none"


# ---------------------------------------------------------------- input problems

def test_unknown_document_raises_naming_the_line(setup, gold_path, tmp_path):
    preds = perfect_predictions() + [{"doc_id": "nope", "entities": []}]
    with pytest.raises(InputError) as exc:
        api.score(preds, setup=setup, resamples=0)
    assert "<predictions>:3" in str(exc.value) and "'nope'" in str(exc.value)
    assert exc.value.problems[0].line == 3
    p = tmp_path / "pred.jsonl"
    p.write_text(json.dumps({"doc_id": "doc1", "entities": []}) + "\n" + json.dumps({"doc_id": "nope"}) + "\n")
    with pytest.raises(InputError) as exc:
        api.score(p, gold=gold_path, resamples=0)
    assert f"{p}:2:" in str(exc.value) and "unknown document id" in str(exc.value)


def test_missing_document_warns_and_counts_as_missed(setup):
    # only doc1 predicted (perfectly). Gold spans: doc1 5, doc2 4 -> strict recall 5/9, precision 1.
    preds = [perfect_predictions()[0]]
    res = api.score(preds, setup=setup, task="entities", resamples=0)
    warn = [w for w in res.warnings if w.rule == "missing-document"]
    assert len(warn) == 1 and warn[0].severity == "warning" and "doc2" in warn[0].message
    assert res.value("entities", "overall/strict/recall") == pytest.approx(5 / 9)
    assert res.value("entities", "overall/strict/precision") == 1.0
    assert res.tasks["entities"]["counts"]["overall"]["strict"]["missed"] == 4
    # ORG appears only in doc2: recall 0, precision 0 (nothing predicted)
    assert res.value("entities", "label/ORG/strict/recall") == 0.0
    # quotes: 4 of 6 gold quotes found
    res = api.score(preds, setup=setup, task="quotes", resamples=0)
    assert res.value("quotes", "content_overlap/recall") == pytest.approx(4 / 6)


def test_label_outside_inventory_mentions_label_map(setup):
    preds = [ents("doc1", TEXT1, [("Emmanuel Macron", "PER")])]
    with pytest.raises(InputError) as exc:
        api.score(preds, setup=setup, task="entities", resamples=0)
    assert "--label-map" in str(exc.value) and "'PER'" in str(exc.value)


def test_conll_label_map(gold_path):
    """Gold mapped OntoNotes -> CoNLL-2003: PERSON->PER, GPE->LOC, ORG->ORG, DATE dropped.

    Gold after mapping: doc1 Macron PER (headline), Emmanuel Macron PER, Élisabeth Borne PER,
    Paris LOC (Monday dropped); doc2 Apple ORG (headline), Apple ORG, Tim Cook PER (Tuesday
    dropped) = 7 spans.
    Predictions: Macron as OntoNotes 'PERSON' (mapped to PER: correct), Emmanuel Macron PER
    (correct), Élisabeth Borne MISC (incorrect: type), Paris LOC (correct), Monday DATE
    (mapped to nothing: dropped, not spurious); Apple (headline) ORG (correct), Apple ORG
    (correct), Tim Cook not predicted (missed), 'sales' MISC (spurious).
    Strict: correct 5, incorrect 1, missed 1, spurious 1 -> P = 5/7, R = 5/7.
    PER: 4 gold, 2 correct, 1 incorrect, 1 missed -> R = 2/4; MISC: 1 spurious -> P = 0.
    """
    preds = [ents("doc1", TEXT1, [("Macron", "PERSON"), ("Emmanuel Macron", "PER"), ("Élisabeth Borne", "MISC"),
                                  ("Paris", "LOC"), ("Monday", "DATE")]),
             ents("doc2", TEXT2, [("Apple", "ORG"), ("Apple", "ORG", 1), ("sales", "MISC")])]
    res = api.score(preds, gold=gold_path, task="entities", label_map="ontonotes_to_conll2003", resamples=0)
    c = res.tasks["entities"]["counts"]["overall"]["strict"]
    assert c == dict(correct=5, incorrect=1, partial=0, missed=1, spurious=1)
    assert res.value("entities", "overall/strict/precision") == pytest.approx(5 / 7)
    assert res.value("entities", "overall/strict/recall") == pytest.approx(5 / 7)
    assert res.value("entities", "label/PER/strict/recall") == pytest.approx(2 / 4)
    assert res.value("entities", "label/MISC/strict/precision") == 0.0
    assert sorted(res.tasks["entities"]["labels"]) == ["LOC", "MISC", "ORG", "PER"]
    assert not any(k.startswith("label/DATE/") for k in res.tasks["entities"]["figures"])
    name, _, digest = signature.parse(res.signature)["labelmap"].partition("+")
    assert name == "ontonotes_to_conll2003" and len(digest) == 12   # the map's content hash (test_signature)


def test_prediction_side_label_map(gold_path, tmp_path):
    """A map that does not cover the gold labels (a tool's labels -> OntoNotes) maps predictions only.

    Map: per -> PERSON, org -> ORG, misc -> null (dropped). Gold keeps its OntoNotes labels.
    doc1 gold: Macron, Emmanuel Macron, Élisabeth Borne PERSON; Paris GPE; Monday DATE (5).
    doc2 gold: Apple, Apple ORG; Tuesday DATE; Tim Cook PERSON (4). Total 9.
    Predictions: doc1 Macron 'per' (correct), Paris 'org' (exact span, wrong type: incorrect),
    'Monday' 'misc' (dropped, neither correct nor spurious); doc2 Apple 'ORG' (already an
    OntoNotes label: correct). Strict: correct 2, incorrect 1, missed 6, spurious 0.
    """
    m = tmp_path / "tool_map.json"
    m.write_text(json.dumps({"name": "tool", "map": {"per": "PERSON", "org": "ORG", "misc": None}}), encoding="utf-8")
    preds = [ents("doc1", TEXT1, [("Macron", "per"), ("Paris", "org"), ("Monday", "misc")]),
             ents("doc2", TEXT2, [("Apple", "ORG")])]
    res = api.score(preds, gold=gold_path, task="entities", label_map=str(m), resamples=0)
    assert res.tasks["entities"]["counts"]["overall"]["strict"] == dict(correct=2, incorrect=1, partial=0, missed=6, spurious=0)
    # a prediction-side map must land on gold labels
    m.write_text(json.dumps({"name": "bad", "map": {"per": "PER"}}), encoding="utf-8")
    with pytest.raises(InputError, match="not gold labels"):
        api.score(preds, gold=gold_path, task="entities", label_map=str(m), resamples=0)


def test_zone_filter(setup):
    """Headline mentions and predictions starting in the headline are left out with zones=['body'].

    Predictions: every gold span copied, except the headline 'Macron' predicted as ORG and a
    spurious GPE on 'tax' in the headline. All zones: 9 gold, 10 predictions, strict correct 8
    -> P = 8/10, R = 8/9. Body only: 7 gold, 7 predictions, all correct -> P = R = 1.
    """
    preds = perfect_predictions()
    preds[0]["entities"][0]["label"] = "ORG"
    preds[0]["entities"].append({**sp(TEXT1, "tax"), "label": "GPE"})
    res = api.score(preds, setup=setup, task="entities", resamples=0)
    assert res.value("entities", "overall/strict/precision") == pytest.approx(8 / 10)
    assert res.value("entities", "overall/strict/recall") == pytest.approx(8 / 9)
    body = api.score(preds, setup=api.make_setup(setup.gold, zones=["body"]), task="entities", resamples=0)
    assert body.value("entities", "overall/strict/f1") == 1.0
    assert body.tasks["entities"]["counts"]["overall"]["strict"]["correct"] == 7
    head = api.score(preds, setup=api.make_setup(setup.gold, zones=["headline"]), task="entities", resamples=0)
    # headline only: gold Macron, Apple; predictions Macron ORG (incorrect), tax GPE (spurious), Apple ORG (correct)
    assert head.tasks["entities"]["counts"]["overall"]["strict"] == dict(correct=1, incorrect=1, partial=0, missed=0, spurious=1)
    assert signature.parse(head.signature)["zones"] == "headline"
    with pytest.raises(InputError):
        api.make_setup(setup.gold, zones=["footer"])


def test_labels_subset(setup):
    res = api.score(perfect_predictions(), setup=api.make_setup(setup.gold, labels=["DATE"]), task="entities", resamples=0)
    # only the two DATE mentions are scored
    assert res.tasks["entities"]["counts"]["overall"]["strict"]["correct"] == 2
    assert res.tasks["entities"]["labels"] == ["DATE"]
    assert signature.parse(res.signature)["labels"] == "DATE"
    with pytest.raises(InputError):
        api.make_setup(setup.gold, labels=["PER"])


# ---------------------------------------------------------------- result objects

def test_result_serialisation_and_signature(setup):
    preds = perfect_predictions()
    preds[0]["entities"] = preds[0]["entities"][1:]           # one missed mention: some errors to report
    preds[1]["quotes"] = []
    res = api.score(preds, setup=setup, resamples=RESAMPLES, seed=777, errors=True)
    assert not api.score(preds, setup=setup, resamples=0).errors   # errors are listed only on request
    d = res.to_dict()
    text = json.dumps(d, allow_nan=False)                     # strict JSON: no NaN anywhere
    assert json.loads(text)["n_documents"] == 2
    assert res.errors and all(e["doc_id"] in ("doc1", "doc2") for e in res.errors)
    df = res.to_dataframe()
    n_figures = sum(len(t["figures"]) for t in res.tasks.values())
    assert len(df) == n_figures
    assert not df.duplicated(["task", "figure"]).any()
    assert list(df.columns) == ["task", "figure", "value", "ci_low", "ci_high"]
    row = df[(df.task == "entities") & (df.figure == "overall/strict/recall")].iloc[0]
    assert row.value == pytest.approx(8 / 9)
    assert row.ci_low is None and row.ci_high is None          # 2 documents: no interval
    assert df.attrs["signature"] == res.signature
    p = signature.parse(res.signature)
    assert p["task"] == "entities+entities_document+quotes+stance"
    assert p["seed"] == "777"
    assert p["ci"] == "none-2docs<6"                           # what was done: no resampling, too few documents
    assert p["labelmap"] == "none" and p["zones"] == "all" and p["labels"] == "all"
    assert p["data"] == "newsgold-9.9.9+" + setup.gold.content_hash[:12]
    assert p["newsgold"] == api.__version__


def test_same_seed_same_result(setup):
    preds = perfect_predictions()
    preds[0]["entities"] = preds[0]["entities"][2:]
    a = api.score(preds, setup=setup, task="entities", resamples=RESAMPLES, seed=1).to_dict()
    b = api.score(preds, setup=setup, task="entities", resamples=RESAMPLES, seed=1).to_dict()
    assert a == b


def test_compare_system_with_itself(gold_path):
    preds = perfect_predictions()
    preds[0]["entities"] = preds[0]["entities"][1:]
    out = api.compare(preds, copy.deepcopy(preds), gold=gold_path, task="entities", resamples=RESAMPLES)
    r = out.tasks["entities"]["overall/strict/f1"]
    # two documents: an exact test could at best reach p = 0.5, so no p-value is reported, with the reason
    assert r["delta"] == 0.0 and r["p_paired_bootstrap"] is None and r["p_randomization"] is None
    assert "with 2 document(s)" in r["p_randomization_reason"]
    assert out.methods["entities"]["smallest_p"] == 0.5
    assert signature.parse(out.signature)["ci"] == "none-2docs<6"
    json.dumps(out.to_dict(), allow_nan=False)


def test_absent_layer_is_not_scored(setup):
    """An absent layer means 'not run on this document' (schema, README and scorer agree): the
    document is left out of that layer's score with a warning; an empty list is 'predicted nothing'."""
    preds = [{"doc_id": "doc1", "entities": []}, {"doc_id": "doc2", "entities": []}]
    with pytest.raises(InputError) as exc:                     # no line has the layer: nothing to score
        api.score(preds, setup=setup, task="quotes", resamples=0)
    assert exc.value.problems[0].rule == "missing-layer"
    gold_doc1 = setup.gold.docs["doc1"]["quotes"]
    preds = [{"doc_id": "doc1", "quotes": []}, {"doc_id": "doc2", "entities": []}]
    res = api.score(preds, setup=setup, task="quotes", resamples=0)
    [w] = [w for w in res.warnings if w.rule == "layer-absent"]
    assert "1 document(s)" in w.message and "doc2" in w.message
    assert res.tasks["quotes"]["n_documents"] == 1 and res.tasks["quotes"]["excluded_documents"] == 1
    assert res.tasks["quotes"]["counts"]["gold"] == len(gold_doc1)      # doc2's quotes are not counted
    assert res.value("quotes", "content_overlap/recall") == 0.0
    # a document without any line is still scored: everything in it was missed
    res = api.score([{"doc_id": "doc1", "quotes": []}], setup=setup, task="quotes", resamples=0)
    assert res.tasks["quotes"]["counts"]["gold"] == 6 and res.tasks["quotes"]["n_documents"] == 2


def test_file_and_in_memory_inputs_give_identical_results(gold_path, tmp_path):
    """Records read from files are held packed (LazyRecords, packed entity spans); records passed
    from Python are plain dicts. Both routes must give exactly the same statistics."""
    preds = perfect_predictions()
    preds[0]["entities"] = preds[0]["entities"][1:] + [{"start": 0, "end": 3, "label": "ORG"}]
    preds[1]["entities"][0]["label"] = "GPE"
    path = tmp_path / "p.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in preds), encoding="utf-8")
    from newsgold.core.storage import LazyRecords
    from newsgold.gold.load import Gold, load_gold
    lazy = load_gold(gold_path)
    assert isinstance(lazy.docs, LazyRecords)
    plain = Gold({k: lazy.docs[k] for k in lazy.docs}, lazy.version, lazy.content_hash, "plain")
    a = api.score(path, gold=gold_path, resamples=0)
    b = api.score(preds, setup=api.make_setup(plain), resamples=0)
    for task in a.tasks:
        assert a.tasks[task]["counts"] == b.tasks[task]["counts"]
    assert (a.stats["entities"] == b.stats["entities"]).all()
