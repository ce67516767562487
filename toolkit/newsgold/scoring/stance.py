"""Stance scoring as per-document sufficient statistics.

(a) *Classification*: the system labels the gold stance items (``{"item": id,
"label": …}``). Per document, a confusion table gold label x predicted label, with a
fourth column for gold items the system left unlabelled (they count as wrong).
Accuracy, per-class P/R/F1, macro-F1 and SemEval-2016's F_avg = (F_FAVOR + F_AGAINST) / 2
come from the summed table. The gold labels every (holder, target) pair of the stance
matrix, NONE included (GUIDELINES.md S-7), so *detection* (does the holder take any
position toward the target: a label other than NONE) is scored from the same table.

(b) *End to end*: predicted ``(holder, target, label)`` triples, the holder resolved to
a gold cluster by id, name or alias and the target by its declared id, count as true
positives when they equal a gold triple. NONE triples take no part on either side: a
system that says nothing about a pair has predicted NONE for it.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from newsgold.core.schema import STANCE_LABELS
from newsgold.scoring.entities import prf_from
from newsgold.scoring.quotes import DocIndex, doc_index, normalise_name

K = len(STANCE_LABELS)
CONF = K * (K + 1)                       # gold x (pred labels + 'none')
FIELDS = [f"conf/{g}/{p}" for g in STANCE_LABELS for p in (*STANCE_LABELS, "none")] + ["e2e_gold", "e2e_pred", "e2e_tp"]
LI = {lab: i for i, lab in enumerate(STANCE_LABELS)}


def doc_stats(gold_doc: dict[str, Any], pred_items: list[dict[str, Any]], errors: list[Any] | None = None,
              index: DocIndex | None = None) -> np.ndarray:
    """Sufficient statistics of one document; ``index`` (:func:`~newsgold.scoring.quotes.doc_index`) when the caller has it."""
    row = np.zeros(len(FIELDS), dtype=np.int64)
    gold_items = (gold_doc.get("stance") or {}).get("items", [])
    by_id = {s["id"]: s for s in gold_items}
    given = {}
    for p in pred_items:
        if p.get("item") in by_id and p["item"] not in given:
            given[p["item"]] = p["label"]
    for s in gold_items:
        pl = given.get(s["id"])
        col = LI[pl] if pl else K
        row[LI[s["label"]] * (K + 1) + col] += 1
        if errors is not None and pl != s["label"]:
            errors.append(("stance_wrong" if pl else "stance_unlabelled", s, pl))
    # end to end
    index = index if index is not None else doc_index(gold_doc)
    clusters = index.clusters
    gold_triples = {(s["holder"], s["target"], s["label"]) for s in gold_items if s["label"] != "NONE"}
    pred_triples = set()
    for p in pred_items:
        if "holder" not in p or "target" not in p or p["label"] == "NONE":
            continue
        h = p["holder"] if p["holder"] in clusters else index.names.get(normalise_name(p["holder"]), "?" + p["holder"])
        pred_triples.add((h, p["target"], p["label"]))
    row[CONF] = len(gold_triples)
    row[CONF + 1] = len(pred_triples)
    row[CONF + 2] = len(gold_triples & pred_triples)
    return row


def figures(sums: np.ndarray) -> dict[str, np.ndarray]:
    """Classification figures from the summed confusion table, end-to-end P/R/F1 from triple counts.

    A class absent from both gold and predictions has NaN P/R/F1 and is left out of
    macro-F1 and F_avg (as scikit-learn's default label set does).
    """
    conf = sums[..., :CONF].astype(float).reshape(sums.shape[:-1] + (K, K + 1))
    total = conf.sum(axis=(-1, -2))
    diag = sum(conf[..., i, i] for i in range(K))
    out = {"classification/accuracy": np.where(total > 0, diag / np.maximum(total, 1), np.nan)}
    f1s = {}
    for i, lab in enumerate(STANCE_LABELS):
        m = prf_from(conf[..., i, i], conf[..., :, i].sum(axis=-1), conf[..., i, :].sum(axis=-1))
        for k in ("precision", "recall", "f1"):
            out[f"classification/{lab}/{k}"] = m[k]
        f1s[lab] = m["f1"]
    with np.errstate(invalid="ignore"):
        stacked = np.stack(list(f1s.values()), axis=-1)
        out["classification/macro_f1"] = _nanmean(stacked)
        out["classification/f_avg"] = _nanmean(np.stack([f1s["FAVOR"], f1s["AGAINST"]], axis=-1))
    out.update(_detection(conf))
    ng, npd, tp = (sums[..., CONF + k].astype(float) for k in range(3))
    m = prf_from(tp, npd, ng)
    for k in ("precision", "recall", "f1"):
        out[f"end_to_end/{k}"] = m[k]
    return out


def _detection(conf: np.ndarray) -> dict[str, np.ndarray]:
    """Position detection from the confusion table: a pair counts as detected when the system
    gives it any label other than NONE (an unlabelled item is NONE), and as truly detected when
    the gold label is not NONE either (the direction need not agree)."""
    pos = [LI[lab] for lab in STANCE_LABELS if lab != "NONE"]
    gold_pos = conf[..., pos, :].sum(axis=(-1, -2))
    pred_pos = conf[..., :, pos].sum(axis=(-1, -2))
    tp = conf[..., pos, :][..., :, pos].sum(axis=(-1, -2))
    m = prf_from(tp, pred_pos, gold_pos)
    return {f"detection/{k}": m[k] for k in ("precision", "recall", "f1")}


def _nanmean(a: np.ndarray) -> np.ndarray:
    n = (~np.isnan(a)).sum(axis=-1)
    return np.where(n > 0, np.nansum(a, axis=-1) / np.maximum(n, 1), np.nan)


def confusion(total: np.ndarray) -> dict[str, Any]:
    conf = total[:CONF].reshape(K, K + 1)
    return {"labels": list(STANCE_LABELS), "columns": [*STANCE_LABELS, "none"],
            "matrix": [[int(v) for v in row] for row in conf]}


def label_reference(cm: dict[str, Any]) -> dict[str, Any]:
    """What the gold's stance labels alone give, from a :func:`confusion` table: the gold label
    distribution and the scores of a system that answers NONE for every item (constant-NONE).

    Reported beside every stance figure: with most items NONE, a constant-NONE system already
    reaches a high accuracy, and a score means little without this reference.
    """
    gold = {lab: int(sum(row)) for lab, row in zip(cm["labels"], cm["matrix"])}
    none_col = np.zeros((K, K + 1), dtype=np.int64)
    none_col[:, LI["NONE"]] = [gold[lab] for lab in STANCE_LABELS]
    sums = np.concatenate([none_col.reshape(-1), np.zeros(3, dtype=np.int64)])
    f = figures(sums)
    pick = {"accuracy": "classification/accuracy", "macro_f1": "classification/macro_f1", "detection_f1": "detection/f1"}
    return {"gold_labels": gold, "items": sum(gold.values()),
            "constant_none": {k: (None if np.isnan(f[v]) else float(f[v])) for k, v in pick.items()}}


REFERENCE_TITLE = "stance labels in the gold, and the constant-NONE reference (every item NONE)"


def reference_rows(cm: dict[str, Any]) -> list[list[str]]:
    """:func:`label_reference` as rows for a report table: each gold label with its count and share,
    then the constant-NONE accuracy, macro-F1 and detection F1."""
    ref = label_reference(cm)
    n = ref["items"]
    rows = [[lab, f"{c}" + (f" ({c / n:.1%})" if n else "")] for lab, c in ref["gold_labels"].items()]
    none = ref["constant_none"]
    for name, key in (("accuracy", "accuracy"), ("macro-F1", "macro_f1"), ("detection F1", "detection_f1")):
        rows.append([f"constant-NONE {name}", "n/a" if none[key] is None else f"{none[key]:.4f}"])
    return rows
