"""Entity scoring under the four SemEval-2013 9.1 schemes, as per-document sufficient statistics.

Each document becomes a table of counts (label x scheme x outcome) that adds up across
documents; every corpus figure, confidence interval and significance test is computed
from sums of these tables.

How outcomes are booked (one-to-one optimal matching, see :mod:`newsgold.scoring.spans`):

========  ====================  ==================  ===================  ===================
scheme    exact span, same type exact span, other    overlap, same type   overlap, other type
========  ====================  ==================  ===================  ===================
strict    correct               incorrect           incorrect            incorrect
exact     correct               correct             incorrect            incorrect
partial   correct               correct             partial              partial
type      correct               incorrect           correct              incorrect
========  ====================  ==================  ===================  ===================

An unmatched gold span is *missed* and an unmatched prediction *spurious* in every
scheme. Per label, a matched pair is booked under the **gold** label (so a type
confusion PERSON→ORG counts as an *incorrect* PERSON), a spurious prediction under its
predicted label: per-label counts add up exactly to the overall counts.
Precision = (correct + 0.5 partial) / (correct + incorrect + partial + spurious),
recall = (correct + 0.5 partial) / (correct + incorrect + partial + missed).
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from newsgold.scoring.spans import match, sorted_unique

SCHEMES = ("strict", "exact", "partial", "type")
OUTCOMES = ("correct", "incorrect", "partial", "missed", "spurious")


BASE = ("exact_same_type", "exact_other_type", "overlap_same_type", "overlap_other_type", "missed", "spurious")
ES, ED, OS, OD, BM, BS = range(6)


def doc_table(gold: list[tuple[Any, ...]], pred: list[tuple[Any, ...]], label_index: dict[str, int], errors: list[Any] | None = None) -> np.ndarray:
    """Sufficient statistics of one document: array (labels, 6) of base counts (``BASE``).

    ``gold`` and ``pred`` are lists of ``(start, end, label)``; the scheme counts are
    derived from the base counts by :func:`expand`. When ``errors`` is a list, every
    non-correct item is appended as ``(kind, gold_item, pred_item)``.
    """
    table = np.zeros((len(label_index), len(BASE)), dtype=np.int64)
    gold = sorted(gold)
    pred = sorted(pred)
    matched_g = set()
    matched_p = set()
    for gi, pi in match(gold, pred):
        g, p = gold[gi], pred[pi]
        matched_g.add(gi)
        matched_p.add(pi)
        exact = g[0] == p[0] and g[1] == p[1]
        same = g[2] == p[2]
        table[label_index[g[2]], (ES if same else ED) if exact else (OS if same else OD)] += 1
        if errors is not None and not (exact and same):
            errors.append(("wrong_type" if exact else ("partial" if same else "partial_wrong_type"), g, p))
    for gi, g in enumerate(gold):
        if gi not in matched_g:
            table[label_index[g[2]], BM] += 1
            if errors is not None:
                errors.append(("missed", g, None))
    for pi, p in enumerate(pred):
        if pi not in matched_p:
            table[label_index[p[2]], BS] += 1
            if errors is not None:
                errors.append(("spurious", None, p))
    return table


def expand(base: np.ndarray) -> np.ndarray:
    """Base counts (..., 6) to scheme outcomes (..., 4 schemes, 5 outcomes), as in the table above."""
    es, ed, os_, od, mis, spu = (base[..., k] for k in range(6))
    zero = np.zeros_like(es)
    rows = [
        (es, ed + os_ + od, zero, mis, spu),          # strict
        (es + ed, os_ + od, zero, mis, spu),          # exact
        (es + ed, zero, os_ + od, mis, spu),          # partial
        (es + os_, ed + od, zero, mis, spu),          # type
    ]
    return np.stack([np.stack(r, axis=-1) for r in rows], axis=-2)


def prf(table: np.ndarray, partial_credit: np.ndarray | float = 0.5) -> dict[str, np.ndarray]:
    """Precision, recall, F1 from counts in the last axis (any leading shape).

    0 when only one side is empty (nothing predicted, or nothing to find); NaN ("not
    applicable") when both are, so an absent label is neither perfect nor a failure.
    """
    cor, inc, par, mis, spu = (table[..., k].astype(float) for k in range(5))
    hit = cor + partial_credit * par
    actual = cor + inc + par + spu
    possible = cor + inc + par + mis
    return prf_from(hit, actual, possible)


def prf_from(hit: Any, n_pred: Any, n_gold: Any) -> dict[str, np.ndarray]:
    hit, n_pred, n_gold = (np.asarray(x, dtype=float) for x in (hit, n_pred, n_gold))
    with np.errstate(divide="ignore", invalid="ignore"):
        p = np.where(n_pred > 0, hit / np.maximum(n_pred, 1e-300), 0.0)
        r = np.where(n_gold > 0, hit / np.maximum(n_gold, 1e-300), 0.0)
        f = np.where(p + r > 0, 2 * p * r / np.where(p + r > 0, p + r, 1.0), 0.0)
    empty = (n_pred == 0) & (n_gold == 0)
    return {"precision": np.where(empty, np.nan, p), "recall": np.where(empty, np.nan, r), "f1": np.where(empty, np.nan, f)}


def figures(sums: np.ndarray, labels: list[str]) -> dict[str, np.ndarray]:
    """Every entity figure from summed base counts: shape (..., labels, 6) in,
    a flat dict of name -> array (...) out (vectorised over resamples)."""
    sums = expand(sums)
    out: dict[str, np.ndarray] = {}
    overall = sums.sum(axis=-3)                       # (..., schemes, outcomes)
    present = (sums[..., 0, :].sum(axis=-1) > 0)      # label seen in gold or predictions (strict scheme row)
    for s, scheme in enumerate(SCHEMES):
        m = prf(overall[..., s, :])
        for k in ("precision", "recall", "f1"):
            out[f"overall/{scheme}/{k}"] = m[k]
        per = prf(sums[..., :, s, :])                 # (..., labels); NaN where a label is absent
        n_present = present.sum(axis=-1)
        for k in ("precision", "recall", "f1"):
            total = np.where(present, np.nan_to_num(per[k]), 0.0).sum(axis=-1)
            out[f"macro/{scheme}/{k}"] = np.where(n_present > 0, total / np.maximum(n_present, 1), np.nan)
        for li, lab in enumerate(labels):
            for k in ("precision", "recall", "f1"):
                out[f"label/{lab}/{scheme}/{k}"] = per[k][..., li]
    return out


def counts_dict(total: np.ndarray, labels: list[str]) -> dict[str, Any]:
    """Plain counts: overall and per label, per scheme (``total``: summed base counts)."""
    total = expand(total)
    overall = total.sum(axis=0)
    out: dict[str, Any] = {"overall": {s: {o: int(overall[i, j]) for j, o in enumerate(OUTCOMES)} for i, s in enumerate(SCHEMES)}, "labels": {}}
    for li, lab in enumerate(labels):
        if total[li, 0].sum() == 0:
            continue
        out["labels"][lab] = {s: {o: int(total[li, i, j]) for j, o in enumerate(OUTCOMES)} for i, s in enumerate(SCHEMES)}
    return out


def corpus_tables(gold: Flat, pred: Flat, n_docs: int, n_labels: int,
                  slow_doc: Callable[[int], np.ndarray] | None = None) -> np.ndarray:
    """Base counts of every document at once: array (docs, labels, 6), equal to :func:`doc_table`
    per document, vectorised with numpy.

    ``gold`` and ``pred`` are flat arrays (doc, start, end, label index). Pairs where a gold
    span and a prediction overlap only each other (the usual case) are booked directly;
    a document with any more tangled overlap is handed to ``slow_doc(doc_index)``, which
    returns its table from the exact assignment of :func:`doc_table`.
    """
    out = np.zeros(n_docs * n_labels * 6, dtype=np.int64)
    gd, gs, ge, gl = gold
    pd_, ps, pe, pl = pred
    order = np.lexsort((gs, gd))
    gd, gs, ge, gl = gd[order], gs[order], ge[order], gl[order]
    stride = int(max(ge.max(initial=0), pe.max(initial=0))) + 1
    gkey = gd * stride + gs
    max_len = int((ge - gs).max(initial=1))
    # candidate gold spans for each prediction: same document, start in (pstart - max_len, pend)
    lo = np.searchsorted(gkey, pd_ * stride + ps - max_len, side="right")
    hi = np.searchsorted(gkey, pd_ * stride + pe, side="left")
    counts = np.maximum(hi - lo, 0)
    total = int(counts.sum())
    p_idx = np.repeat(np.arange(len(ps)), counts)
    g_idx = np.repeat(lo, counts) + (np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts))
    keep = (gd[g_idx] == pd_[p_idx]) & (ge[g_idx] > ps[p_idx]) & (gs[g_idx] < pe[p_idx])
    p_idx, g_idx = p_idx[keep], g_idx[keep]
    gdeg = np.bincount(g_idx, minlength=len(gs))
    pdeg = np.bincount(p_idx, minlength=len(ps))
    simple = (gdeg[g_idx] == 1) & (pdeg[p_idx] == 1)
    tangled_docs = sorted_unique(pd_[p_idx[~simple]])
    tangled = np.zeros(n_docs, dtype=bool)
    tangled[tangled_docs] = True
    # simple pairs (outside tangled documents)
    sel = simple & ~tangled[pd_[p_idx]]
    g1, p1 = g_idx[sel], p_idx[sel]
    exact = (gs[g1] == ps[p1]) & (ge[g1] == pe[p1])
    same = gl[g1] == pl[p1]
    cat = np.where(exact, np.where(same, ES, ED), np.where(same, OS, OD))
    base = (gd[g1] * n_labels + gl[g1]) * 6
    out += np.bincount(base + cat, minlength=len(out))
    # unmatched: no overlap at all
    gm = (gdeg == 0) & ~tangled[gd]
    out += np.bincount((gd[gm] * n_labels + gl[gm]) * 6 + BM, minlength=len(out))
    pm = (pdeg == 0) & ~tangled[pd_]
    out += np.bincount((pd_[pm] * n_labels + pl[pm]) * 6 + BS, minlength=len(out))
    table = out.reshape(n_docs, n_labels, 6)
    for d in tangled_docs:
        if slow_doc is None:
            raise ValueError("documents with overlapping spans need slow_doc, the per-document matcher")
        table[d] = slow_doc(int(d))
    return table


class Flat(tuple[Any, ...]):
    """Four equal-length int64 arrays: document index, start, end, label index."""


class Columns:
    """Integer columns (document, start, end, label index) of gold and predictions, filled one
    document at a time so that no list of all records is ever needed."""

    def __init__(self, label_index: dict[str, int]):
        from array import array
        self.label_index = label_index
        self.gold = [array("q") for _ in range(4)]
        self.pred = [array("q") for _ in range(4)]
        self._packed: dict[str, list[Any]] = {"gold": [], "pred": []}   # (doc, packed triples, vocab)

    def add_packed(self, side: str, k: int, packed: Any, vocab: Sequence[str]) -> None:
        """Spans packed as int64 (start, end, label id) triples, label ids into ``vocab``."""
        if len(packed):
            self._packed[side].append((k, packed, vocab))

    def add(self, k: int, gold: list[tuple[Any, ...]], pred: list[tuple[Any, ...]]) -> None:
        li = self.label_index
        for cols, items in ((self.gold, gold), (self.pred, pred)):
            if items:
                cols[0].extend([k] * len(items))
                cols[1].extend([it[0] for it in items])
                cols[2].extend([it[1] for it in items])
                cols[3].extend([li[it[2]] for it in items])

    def flat(self) -> tuple[Flat, Flat]:
        def as_flat(cols: Any, packed: Any) -> Flat:
            parts = [tuple(np.frombuffer(c, dtype=np.int64) if len(c) else np.zeros(0, dtype=np.int64) for c in cols)]
            if packed:
                vocab = packed[0][2]
                lut = np.array([self.label_index.get(v, -1) for v in vocab], dtype=np.int64)
                if (lut < 0).any():
                    raise ValueError("packed spans carry a label outside the inventory")
                tri = np.frombuffer(b"".join(p.tobytes() for _, p, _ in packed), dtype=np.int64).reshape(-1, 3)
                counts = np.array([len(p) // 3 for _, p, _ in packed], dtype=np.int64)
                docs = np.repeat(np.array([k for k, _, _ in packed], dtype=np.int64), counts)
                parts.append((docs, tri[:, 0].copy(), tri[:, 1].copy(), lut[tri[:, 2]]))
            return Flat(tuple(np.concatenate([p[i] for p in parts]) for i in range(4)))
        return as_flat(self.gold, self._packed["gold"]), as_flat(self.pred, self._packed["pred"])
