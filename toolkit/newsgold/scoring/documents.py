"""Document-level entity scoring: which (entity, type) pairs does a document mention?

Newsroom tagging asks "which people and organisations does this article mention", not
where. For each document:

* the **gold set** holds one item per (gold cluster, label) with at least one mention that
  the scoring setup keeps (label map, ``--labels``, ``--zones`` apply as for spans);
* the **predicted set** holds one item per distinct (name, label) of the predicted
  entities, the name being the text of the span; a span with the exact offsets of a gold
  mention is that mention's cluster; otherwise a name that, normalised
  (:func:`newsgold.scoring.quotes.normalise_name`: case, accents, punctuation, possessive
  and a leading "the" ignored), equals a gold cluster's canonical name, one of its aliases or
  the text of one of its mentions *is* that cluster, so "Trump" and "Donald Trump" predicted
  in one document are one item; a name that resolves to no cluster (or to several: an
  ambiguous name) stays an item of its own and can only be a false positive, as does a span
  whose name normalises to nothing (``.``), keyed by its raw text;
* a string of string-only output that is not in the text is an item of its own that can only
  be a false positive (:mod:`newsgold.scoring.unplaced`);
* a predicted item is correct when it resolves to a cluster of the gold set *with the same
  label*.

Per document and label the sufficient statistics are ``(correct, predicted, gold)``;
precision, recall and F1 come from their sums over documents, so the document bootstrap of
:mod:`newsgold.scoring.resampling` applies unchanged.
"""
from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

import numpy as np

from newsgold.scoring import unplaced as U
from newsgold.scoring.entities import prf_from
from newsgold.scoring.quotes import name_index, normalise_name

if TYPE_CHECKING:
    from newsgold.scoring.setup import Setup

FIELDS = ("correct", "predicted", "gold")


def _kept_label(setup: Setup, doc: dict, label: str, start: int, side: str) -> str | None:
    """The label after the setup's map, label subset and zones; None when the item is not scored."""
    lab = setup.map_label(label, side)
    if lab is None or (setup.keep_labels is not None and lab not in setup.keep_labels):
        return None
    return lab if setup.in_zones(doc, start) else None


def gold_items(doc: dict, setup: Setup) -> set[tuple[str, str]]:
    """The (cluster id, label) pairs the gold document mentions."""
    out = set()
    for m in (doc.get("entities") or {}).get("mentions", []):
        lab = _kept_label(setup, doc, m["label"], m["start"], "gold")
        if lab is not None:
            out.add((m["cluster"], lab))
    return out


def predicted_items(doc: dict, entities: Iterable[Mapping], setup: Setup) -> set[tuple[str, str]]:
    """The distinct (cluster id or ``name:<normalised name>``, label) pairs of a document's predictions.

    A predicted span with exactly the offsets of a gold mention is that mention's cluster (so an
    ambiguous name, dropped from the name index, still resolves where the span says which one).
    """
    names = name_index(doc)
    at = {(m["start"], m["end"]): m["cluster"] for m in (doc.get("entities") or {}).get("mentions", [])}
    text = doc["text"]
    out = set()
    for e in entities:
        lab = _kept_label(setup, doc, e["label"], e["start"], "pred")
        if lab is None:
            continue
        out.add((at.get((e["start"], e["end"])) or resolve_name(names, text[e["start"]:e["end"]]), lab))
    return out


def resolve_name(names: Mapping[str, str], surface: str) -> str:
    """The gold cluster a predicted name resolves to, else an item of its own (``name:<normalised>``).

    A name that normalises to nothing (a span of punctuation, such as ``.``) is still a
    prediction: it stays an item of its own, keyed by its raw text, and can only be a false positive.
    """
    name = normalise_name(surface)
    if not name:
        return f"raw:{surface}"
    return names.get(name) or f"name:{name}"


def doc_stats(gold: set[tuple[str, str]], pred: set[tuple[str, str]], label_index: dict[str, int]) -> np.ndarray:
    """(labels x 3) counts: correct, predicted, gold, per label."""
    row = np.zeros((len(label_index), len(FIELDS)), dtype=np.int64)
    for _, lab in pred:
        if lab in label_index:
            row[label_index[lab], 1] += 1
    for item in gold:
        if item[1] in label_index:
            row[label_index[item[1]], 2] += 1
            if item in pred:
                row[label_index[item[1]], 0] += 1
    return row


def corpus_stats(preds: Mapping[str, dict], setup: Setup, ids: list[str] | None = None) -> np.ndarray:
    """Per-document statistics (documents x labels x 3), for ``ids`` (default: every gold document) in order."""
    label_index = {lab: i for i, lab in enumerate(setup.labels)}
    rows = []
    for doc_id in (setup.gold.docs if ids is None else ids):
        doc = setup.gold.docs[doc_id]
        record = preds.get(doc_id) or {}
        predicted = predicted_items(doc, record.get("entities") or [], setup)
        if "unplaced" in record:
            predicted |= U.document_items(record, setup, functools.partial(resolve_name, name_index(doc)))
        rows.append(doc_stats(gold_items(doc, setup), predicted, label_index))
    if not rows:
        return np.zeros((0, len(label_index), len(FIELDS)), dtype=np.int64)
    return np.stack(rows)


def figures(sums: np.ndarray, labels: list[str]) -> dict[str, np.ndarray]:
    """Overall and per-label precision, recall and F1 from summed counts (vectorised over resamples)."""
    sums = np.asarray(sums, dtype=float)
    overall = sums.sum(axis=-2)
    out: dict[str, np.ndarray] = {}
    m = prf_from(overall[..., 0], overall[..., 1], overall[..., 2])
    for k in ("precision", "recall", "f1"):
        out[f"overall/{k}"] = m[k]
    for li, lab in enumerate(labels):
        m = prf_from(sums[..., li, 0], sums[..., li, 1], sums[..., li, 2])
        for k in ("precision", "recall", "f1"):
            out[f"label/{lab}/{k}"] = m[k]
    return out


def counts(total: np.ndarray, labels: list[str]) -> dict:
    """Summed counts, overall and for each label that occurs."""
    out = {"overall": {f: int(total[:, i].sum()) for i, f in enumerate(FIELDS)}}
    for li, lab in enumerate(labels):
        if total[li].any():
            out[lab] = {f: int(total[li, i]) for i, f in enumerate(FIELDS)}
    return out
