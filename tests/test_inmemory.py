"""In-memory scoring (score_spans, EntityScorer) and the Hugging Face hooks give `newsgold score`'s figures."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import newsgold
from newsgold import cli
from newsgold.core.diagnostics import InputError
from newsgold.formats.conll import decode_tags
from newsgold.integrations import evaluate_metric_path
from newsgold.integrations.transformers import compute_metrics, make_compute_metrics
from newsgold.release.hf import NER_TAGS

ROOT = Path(__file__).resolve().parents[1]

GOLD = [
    {"id": "a", "text": "Angela Merkel visited Paris on Monday.",
     "entities": [{"start": 0, "end": 13, "label": "PERSON"}, {"start": 22, "end": 27, "label": "GPE"},
                  {"start": 31, "end": 37, "label": "DATE"}]},
    {"id": "b", "text": "Apple sold 3 million phones.",
     "entities": [{"start": 0, "end": 5, "label": "ORG"}, {"start": 11, "end": 20, "label": "CARDINAL"}]},
]
PRED = [
    {"doc_id": "a", "entities": [{"start": 0, "end": 13, "label": "PERSON"}, {"start": 22, "end": 27, "label": "LOC"}]},
    {"doc_id": "b", "entities": [{"start": 0, "end": 5, "label": "ORG"}, {"start": 11, "end": 12, "label": "CARDINAL"},
                                 {"start": 21, "end": 27, "label": "PRODUCT"}]},
]


def _write_jsonl(path: Path, rows) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def _cli_score(tmp_path, capsys, pred_rows, gold: str | None, *extra: str) -> dict:
    pred = _write_jsonl(tmp_path / "pred.jsonl", pred_rows)
    args = ["score", str(pred), "--task", "entities", "--format", "json", "--resamples", "0", *extra]
    if gold:
        args += ["--gold", gold]
    capsys.readouterr()
    assert cli.main(args) == 0
    return json.loads(capsys.readouterr().out)


def test_score_spans_hand_worked_and_equal_to_the_cli(tmp_path, capsys):
    res = newsgold.score_spans(predictions=PRED, gold=GOLD, resamples=0)
    strict = res.tasks["entities"]["counts"]["overall"]["strict"]
    # a: PERSON exact; GPE typed LOC (incorrect); DATE missed.  b: ORG exact; CARDINAL 11:12 vs 11:20 (incorrect
    # under strict, partial under partial); PRODUCT spurious
    assert strict == {"correct": 2, "incorrect": 2, "partial": 0, "missed": 1, "spurious": 1}
    assert res.value("entities", "overall/strict/precision") == pytest.approx(2 / 5)
    assert res.value("entities", "overall/strict/recall") == pytest.approx(2 / 5)
    assert res.value("entities", "overall/partial/precision") == pytest.approx((3 + 0.5) / 5)
    cli_out = _cli_score(tmp_path, capsys, PRED, str(_write_jsonl(tmp_path / "gold.jsonl", GOLD)))
    assert cli_out["tasks"]["entities"]["figures"] == res.to_dict()["tasks"]["entities"]["figures"]
    assert cli_out["tasks"]["entities"]["counts"] == res.tasks["entities"]["counts"]
    assert cli_out["signature"] == res.signature
    assert "|data:custom+" in res.signature


def test_data_frames_and_tuples_give_the_same_figures():
    pd = pytest.importorskip("pandas")
    gold = pd.DataFrame([{"doc_id": d["id"], **e} for d in GOLD for e in d["entities"]])
    pred = pd.DataFrame([{"doc_id": d["doc_id"], **e} for d in PRED for e in d["entities"]])
    texts = {d["id"]: d["text"] for d in GOLD}
    expected = newsgold.score_spans(predictions=PRED, gold=GOLD, resamples=0).tasks
    assert newsgold.score_spans(predictions=pred, gold=gold, texts=texts, resamples=0).tasks == expected
    no_text = newsgold.score_spans(predictions=pred, gold=gold, resamples=0)
    assert no_text.tasks == expected
    assert any(w.rule == "no-text" for w in no_text.warnings)       # what could not be checked is said
    tuples = [{"id": d["id"], "text": d["text"], "entities": [(e["start"], e["end"], e["label"]) for e in d["entities"]]}
              for d in GOLD]
    assert newsgold.score_spans(predictions=PRED, gold=tuples, resamples=0).tasks == expected


def test_batches_accumulate_to_the_single_call_including_intervals():
    whole = newsgold.score_spans(predictions=PRED, gold=GOLD, resamples=200, seed=3)
    scorer = newsgold.EntityScorer(resamples=200, seed=3)
    scorer.add_batch(predictions=PRED[1:], gold=GOLD[1:])            # order of batches does not matter
    scorer.add_batch(predictions=PRED[:1], gold=GOLD[:1])
    res = scorer.compute()
    assert res.tasks == whole.tasks and res.signature == whole.signature
    with pytest.raises(InputError):
        scorer.add_batch(predictions=PRED[:1], gold=GOLD[:1])           # a document twice


def test_bad_spans_are_refused_with_their_place():
    bad = [{"id": "a", "text": "short", "entities": [{"start": 0, "end": 50, "label": "PERSON"}]}]
    with pytest.raises(InputError) as exc:
        newsgold.score_spans(predictions=[{"doc_id": "a", "entities": []}], gold=bad)
    assert any(p.line == 1 and "entities/mentions/0" in p.path for p in exc.value.problems)


# ---------------------------------------------------------------- transformers / evaluate

def _ner_rows() -> list[dict]:
    return [json.loads(x) for x in (ROOT / "data" / "ner" / "test.jsonl").read_text(encoding="utf-8").splitlines()]


def _perturbed(tags: list[str], k: int) -> list[str]:
    """Deterministic errors: some entities retyped, some dropped, some spurious dates."""
    out = list(tags)
    labels = sorted({t[2:] for t in NER_TAGS if t != "O"})
    for j, t in enumerate(tags):
        if t.startswith("B-") and (j + k) % 3 == 0:
            out[j] = "B-" + labels[(labels.index(t[2:]) + 1) % len(labels)]
        elif t.startswith("B-") and (j + k) % 5 == 1:
            out[j] = "O"
        elif t == "O" and (7 * j + k) % 11 == 0:
            out[j] = "B-DATE"
    return out


def test_compute_metrics_equals_newsgold_score_on_the_ner_config(tmp_path, capsys):
    rows = _ner_rows()
    width = max(len(r["tokens"]) for r in rows) + 3                     # padded batch, as a Trainer gives it
    label_ids = np.full((len(rows), width), -100)
    pred_ids = np.zeros((len(rows), width), dtype=int)
    preds_by_doc: dict[str, list] = {}
    for k, r in enumerate(rows):
        p_tags = _perturbed(r["ner_tags"], k)
        n = len(r["tokens"])
        label_ids[k, :n] = [NER_TAGS.index(t) for t in r["ner_tags"]]
        pred_ids[k, :n] = [NER_TAGS.index(t) for t in p_tags]
        pred_ids[k, n:] = NER_TAGS.index("B-PERSON")                    # garbage where labels are -100: ignored
        for s, e, lab, _ in decode_tags(p_tags, "iob2"):
            preds_by_doc.setdefault(r["doc_id"], []).append(
                {"start": r["token_starts"][s], "end": r["token_ends"][e - 1], "label": lab})
    logits = np.eye(len(NER_TAGS))[pred_ids] * 4.0
    from_logits = compute_metrics((logits, label_ids))
    assert compute_metrics((pred_ids, label_ids)) == from_logits
    assert make_compute_metrics(dict(enumerate(NER_TAGS)))((pred_ids, label_ids)) == from_logits

    doc_ids = sorted({r["doc_id"] for r in rows})
    out = _cli_score(tmp_path, capsys, [{"doc_id": d, "entities": preds_by_doc.get(d, [])} for d in doc_ids], None)
    figures = out["tasks"]["entities"]["figures"]
    expected = {name.replace("/", "_"): f["value"] for name, f in figures.items() if f["value"] is not None
                and not (name.startswith("label/") and name.split("/")[1] not in out["tasks"]["entities"]["labels"])}
    assert set(from_logits) == set(expected)
    for key, value in expected.items():
        assert from_logits[key] == pytest.approx(value), key
    assert 0 < from_logits["overall_strict_f1"] < 1                     # the perturbation did something


def test_evaluate_metric_module_loads_offline(tmp_path):
    evaluate = pytest.importorskip("evaluate", reason="evaluate is not installed (pip install -e '.[test]')")
    metric = evaluate.load(evaluate_metric_path(), cache_dir=str(tmp_path))
    refs = [["B-PERSON", "I-PERSON", "O", "B-GPE"], ["B-ORG", "O"]]
    preds = [["B-PERSON", "I-PERSON", "O", "B-LOC"], ["B-ORG", "B-DATE"]]
    metric.add_batch(predictions=preds[:1], references=refs[:1])
    metric.add_batch(predictions=preds[1:], references=refs[1:])
    got = metric.compute()
    # strict: PERSON, ORG correct; GPE typed LOC incorrect; DATE spurious -> P = 2/4, R = 2/3
    assert got["overall_strict_precision"] == pytest.approx(2 / 4)
    assert got["overall_strict_recall"] == pytest.approx(2 / 3)
    assert got == compute_metrics((np.array([[NER_TAGS.index(t) for t in p] + [0] * (4 - len(p)) for p in preds]),
                                   np.array([[NER_TAGS.index(t) for t in r] + [-100] * (4 - len(r)) for r in refs])))


# ---------------------------------------------------------------- tag sets people have (issue 24)

CONLL = {0: "O", 1: "B-PER", 2: "I-PER", 3: "B-ORG", 4: "I-ORG", 5: "B-LOC", 6: "I-LOC", 7: "B-MISC", 8: "I-MISC"}


def test_a_conll2003_tag_set_goes_through_the_label_map():
    """Hand-worked: references PER (0-2), LOC (3), MISC (5); predictions PER (0-2) right, LOC typed ORG,
    MISC missed, one spurious LOC (6). Strict: 1 correct, 1 incorrect, 1 missed, 1 spurious:
    P = 1/3, R = 1/3. Type scheme on overlap only: the same, as no span is shifted."""
    compute = make_compute_metrics(CONLL, label_map="ontonotes_to_conll2003")
    refs = np.array([[1, 2, 0, 5, 0, 7, 0, -100]])
    preds = np.array([[1, 2, 0, 3, 0, 0, 5, 5]])
    got = compute((preds, refs))
    assert got["overall_strict_precision"] == pytest.approx(1 / 3) and got["overall_strict_recall"] == pytest.approx(1 / 3)
    assert got["overall_exact_precision"] == pytest.approx(2 / 3)        # the LOC span is right, its type is not
    assert got["label_PER_strict_f1"] == 1.0 and got["label_MISC_strict_recall"] == 0.0
    assert not any(k.startswith("label_PERSON") or k.startswith("label_GPE") for k in got)   # figures in the model's tag set


def test_a_conll2003_tag_set_without_a_label_map_says_which_map_to_pass():
    with pytest.raises(ValueError, match="ontonotes_to_conll2003"):
        make_compute_metrics(CONLL)
    with pytest.raises(ValueError, match="FOO"):
        make_compute_metrics({0: "O", 1: "B-FOO"}, label_map="ontonotes_to_conll2003")


def test_id2label_is_read_by_key_not_by_insertion_order():
    """{1: B-PERSON, 0: O, 2: I-PERSON}: class 1 is B-PERSON. References [1, 2, 0] are one PERSON over
    tokens 0-1; predictions [1, 0, 0] one PERSON over token 0: strict 0 of 1, partial P = R = 0.5. Read in
    insertion order (class 0 = B-PERSON), both would be the same two one-token spans and score 1.0."""
    id2label = {1: "B-PERSON", 0: "O", 2: "I-PERSON"}
    got = make_compute_metrics(id2label)((np.array([[1, 0, 0]]), np.array([[1, 2, 0]])))
    assert got["overall_strict_f1"] == 0.0
    assert got["overall_partial_precision"] == 0.5 and got["overall_partial_recall"] == 0.5
    assert make_compute_metrics({"1": "B-PERSON", "0": "O", "2": "I-PERSON"})((np.array([[1, 0, 0]]), np.array([[1, 2, 0]]))) == got
    with pytest.raises(ValueError, match="without gaps"):
        make_compute_metrics({0: "O", 2: "B-PERSON"})
