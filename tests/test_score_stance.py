"""Stance scoring: classification figures against scikit-learn, end-to-end triples by hand."""
from __future__ import annotations

import random
import warnings

import numpy as np
import pytest
from sklearn.metrics import accuracy_score, confusion_matrix, f1_score, precision_recall_fscore_support

from newsgold.core.schema import STANCE_LABELS
from newsgold.scoring import stance as S

NONE = "none"   # an item the system left unlabelled: a prediction that is always wrong


def make_docs(seed: int, n_docs: int = 60, gold_labels=STANCE_LABELS, pred_labels=STANCE_LABELS, p_unlabelled=0.1):
    """Random documents of stance items and random (partly missing) classifications.

    Returns (gold docs, predictions per doc, y_true, y_pred) with unlabelled items as 'none'.
    """
    rnd = random.Random(seed)
    docs, preds, y_true, y_pred = [], [], [], []
    for d in range(n_docs):
        items, pitems = [], []
        for i in range(rnd.randint(0, 6)):
            gl = rnd.choice(gold_labels)
            items.append({"id": f"s{i}", "holder": "c1", "target": "t1", "label": gl, "evidence": ["q1"]})
            y_true.append(gl)
            if rnd.random() < p_unlabelled:
                y_pred.append(NONE)
                continue
            pl = rnd.choice(pred_labels)
            pitems.append({"item": f"s{i}", "label": pl})
            y_pred.append(pl)
        rnd.shuffle(pitems)
        docs.append({"id": f"d{d}", "text": "x", "entities": {"mentions": [], "clusters": []}, "quotes": [],
                     "stance": {"targets": [{"id": "t1", "kind": "topic", "description": "t"}], "items": items}})
        preds.append(pitems)
    return docs, preds, y_true, y_pred


def our_figures(docs, preds):
    total = sum(S.doc_stats(d, p) for d, p in zip(docs, preds))
    return {k: float(v) for k, v in S.figures(total).items()}, total


@pytest.mark.parametrize("seed, gold_labels, pred_labels", [
    (1, STANCE_LABELS, STANCE_LABELS),
    (2, STANCE_LABELS, STANCE_LABELS),
    (3, ("FAVOR", "AGAINST"), STANCE_LABELS),          # NEUTRAL only predicted
    (4, STANCE_LABELS, ("FAVOR", "NEUTRAL")),          # AGAINST never predicted
    (5, ("FAVOR", "NEUTRAL"), ("FAVOR", "NEUTRAL")),   # AGAINST absent on both sides
])
def test_classification_equals_sklearn(seed, gold_labels, pred_labels):
    docs, preds, y_true, y_pred = make_docs(seed, gold_labels=gold_labels, pred_labels=pred_labels)
    ours, total = our_figures(docs, preds)
    present = [lab for lab in STANCE_LABELS if lab in y_true or lab in y_pred]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")                 # zero_division warnings for never-predicted classes
        assert ours["classification/accuracy"] == pytest.approx(accuracy_score(y_true, y_pred), abs=1e-12)
        p, r, f, _ = precision_recall_fscore_support(y_true, y_pred, labels=present, zero_division=0)
        for i, lab in enumerate(present):
            assert ours[f"classification/{lab}/precision"] == pytest.approx(p[i], abs=1e-12), lab
            assert ours[f"classification/{lab}/recall"] == pytest.approx(r[i], abs=1e-12), lab
            assert ours[f"classification/{lab}/f1"] == pytest.approx(f[i], abs=1e-12), lab
        for lab in set(STANCE_LABELS) - set(present):
            assert np.isnan(ours[f"classification/{lab}/f1"])
        macro = f1_score(y_true, y_pred, labels=present, average="macro", zero_division=0)
        assert ours["classification/macro_f1"] == pytest.approx(macro, abs=1e-12)
        fa = [lab for lab in ("FAVOR", "AGAINST") if lab in present]
        f_avg = np.mean(f1_score(y_true, y_pred, labels=fa, average=None, zero_division=0))
        assert ours["classification/f_avg"] == pytest.approx(f_avg, abs=1e-12)
    cm = confusion_matrix(y_true, y_pred, labels=[*STANCE_LABELS, NONE])
    assert S.confusion(total)["matrix"] == cm[:len(STANCE_LABELS)].tolist()  # gold is never 'none'
    assert S.confusion(total)["columns"] == [*STANCE_LABELS, NONE]


def test_f_avg_is_semeval_mean_of_favor_and_against():
    # gold FAVOR, FAVOR, AGAINST, NEUTRAL; predicted FAVOR, AGAINST, AGAINST, FAVOR.
    # FAVOR: tp 1, predicted 2, gold 2 -> P = R = F = 1/2. AGAINST: tp 1, predicted 2, gold 1 -> P 1/2, R 1, F 2/3.
    # F_avg = (1/2 + 2/3) / 2 = 7/12; NEUTRAL (F 0) does not enter F_avg but does enter macro: (1/2 + 2/3 + 0) / 3.
    gold = ["FAVOR", "FAVOR", "AGAINST", "NEUTRAL"]
    pred = ["FAVOR", "AGAINST", "AGAINST", "FAVOR"]
    doc = {"id": "d", "text": "x", "stance": {"targets": [], "items": [
        {"id": f"s{i}", "holder": "c", "target": "t", "label": g, "evidence": ["q"]} for i, g in enumerate(gold)]}}
    f, _ = our_figures([doc], [[{"item": f"s{i}", "label": p} for i, p in enumerate(pred)]])
    assert f["classification/f_avg"] == pytest.approx(7 / 12)
    assert f["classification/macro_f1"] == pytest.approx((1 / 2 + 2 / 3) / 3)
    assert f["classification/accuracy"] == pytest.approx(2 / 4)


def test_unlabelled_and_unknown_items():
    doc = {"id": "d", "text": "x", "stance": {"targets": [], "items": [
        {"id": "s1", "holder": "c", "target": "t", "label": "FAVOR", "evidence": ["q"]},
        {"id": "s2", "holder": "c", "target": "t", "label": "AGAINST", "evidence": ["q"]}]}}
    # s1 labelled twice (the first counts), an unknown item id is ignored, s2 unlabelled -> wrong
    preds = [{"item": "s1", "label": "FAVOR"}, {"item": "s1", "label": "AGAINST"}, {"item": "zz", "label": "FAVOR"}]
    errs = []
    f, total = our_figures([doc], [preds])
    assert f["classification/accuracy"] == pytest.approx(1 / 2)
    assert S.confusion(total)["matrix"] == [[1, 0, 0, 0, 0], [0, 0, 0, 0, 1], [0, 0, 0, 0, 0], [0, 0, 0, 0, 0]]
    S.doc_stats(doc, preds, errs)
    assert [k for k, _, _ in errs] == ["stance_unlabelled"]
    # no items anywhere: accuracy not applicable
    f, _ = our_figures([{"id": "e", "text": "x", "stance": {"targets": [], "items": []}}], [[]])
    assert np.isnan(f["classification/accuracy"]) and np.isnan(f["classification/macro_f1"])


def test_end_to_end_triples_by_hand():
    doc = {
        "id": "d", "text": "x",
        "entities": {"mentions": [], "clusters": [
            {"id": "c-macron", "name": "Emmanuel Macron", "type": "PERSON", "aliases": ["Macron"]},
            {"id": "c-borne", "name": "Élisabeth Borne", "type": "PERSON"}]},
        "stance": {"targets": [{"id": "t-tax", "kind": "topic", "description": "tax cut"},
                               {"id": "t-eu", "kind": "topic", "description": "EU"}],
                   "items": [
                       {"id": "s1", "holder": "c-macron", "target": "t-tax", "label": "FAVOR", "evidence": ["q1"]},
                       {"id": "s2", "holder": "c-borne", "target": "t-tax", "label": "AGAINST", "evidence": ["q2"]},
                       {"id": "s3", "holder": "c-macron", "target": "t-eu", "label": "FAVOR", "evidence": ["q1"]}]},
    }
    preds = [
        {"holder": "c-macron", "target": "t-tax", "label": "FAVOR"},          # by cluster id: tp
        {"holder": "ELISABETH BORNE", "target": "t-tax", "label": "AGAINST"},  # by name, no accents: tp
        {"holder": "the Macron", "target": "t-eu", "label": "AGAINST"},        # holder right, label wrong
        {"holder": "Macron", "target": "t-tax", "label": "FAVOR"},             # duplicate of the first triple
        {"holder": "Nobody", "target": "t-eu", "label": "FAVOR"},              # unknown holder
        {"item": "s1", "label": "FAVOR"},                                       # classification only: not a triple
    ]
    # distinct predicted triples: (macron,tax,F), (borne,tax,A), (macron,eu,A), (?Nobody,eu,F) = 4; tp 2; gold 3
    f, total = our_figures([doc], [preds])
    assert total[S.CONF:].tolist() == [3, 4, 2]
    assert f["end_to_end/precision"] == pytest.approx(2 / 4)
    assert f["end_to_end/recall"] == pytest.approx(2 / 3)
    assert f["end_to_end/f1"] == pytest.approx(2 * (1 / 2) * (2 / 3) / (1 / 2 + 2 / 3))


def _item(i, label, holder="c1", target="t1"):
    return {"id": f"s{i}", "holder": holder, "target": target, "label": label, "evidence": [] if label == "NONE" else ["q1"]}


def test_detection_and_end_to_end_leave_none_out():
    """Hand-worked: gold matrix of four pairs, two with a position and two NONE.

    Classification: the system labels s1 FAVOR (right), s2 NONE (missed position), s3 AGAINST
    (false position), s4 NONE (right). Detection: gold positions {s1, s2}, predicted positions
    {s1, s3} -> tp 1, P = 1/2, R = 1/2. End to end, the system also sends a NONE triple, which
    counts nowhere: gold triples {(c1,t1,FAVOR), (c2,t1,AGAINST)}, predicted {(c1,t1,FAVOR)}
    -> P = 1, R = 1/2.
    """
    gold = {"id": "d", "text": "x", "quotes": [],
            "entities": {"mentions": [], "clusters": [{"id": "c1", "name": "A", "type": "PERSON", "aliases": ["A"]},
                                                      {"id": "c2", "name": "B", "type": "PERSON", "aliases": ["B"]}]},
            "stance": {"targets": [{"id": "t1", "kind": "topic", "description": "t"}, {"id": "t2", "kind": "topic", "description": "u"}],
                       "items": [_item(1, "FAVOR"), _item(2, "AGAINST", "c2"), _item(3, "NONE", "c1", "t2"), _item(4, "NONE", "c2", "t2")]}}
    preds = [{"item": "s1", "label": "FAVOR"}, {"item": "s2", "label": "NONE"}, {"item": "s3", "label": "AGAINST"},
             {"item": "s4", "label": "NONE"},
             {"holder": "c1", "target": "t1", "label": "FAVOR"}, {"holder": "c1", "target": "t2", "label": "NONE"}]
    f = {k: float(v) for k, v in S.figures(S.doc_stats(gold, preds)).items()}
    assert f["classification/accuracy"] == pytest.approx(2 / 4)
    assert (f["detection/precision"], f["detection/recall"]) == pytest.approx((0.5, 0.5))
    assert (f["end_to_end/precision"], f["end_to_end/recall"]) == pytest.approx((1.0, 0.5))
