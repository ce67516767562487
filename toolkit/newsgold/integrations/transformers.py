"""``compute_metrics`` for ``transformers.Trainer`` on token classification (the ``ner`` config).

The Trainer hands over token-level predictions (logits, or class ids) and label ids, with
``-100`` where a position is not scored (special tokens, continuation sub-words). Each
example becomes one document whose offsets are token positions: the IOB2 tags are read
into spans (leniently, as conlleval: a stray ``I-`` opens an entity) and scored by
:func:`newsgold.score_spans`, so the figures are those of ``newsgold score`` on the same
spans: the four schemes (strict, exact, partial, type), overall, macro and per label.

Nothing here imports transformers or torch: the arguments are numpy arrays (or an
``EvalPrediction``, or a ``(predictions, label_ids)`` pair).
"""
from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from newsgold.formats.conll import decode_tags
from newsgold.release.hf import NER_TAGS

IGNORE = -100   # the label id transformers uses for positions that are not scored


def _arrays(eval_pred) -> tuple[np.ndarray, np.ndarray]:
    if hasattr(eval_pred, "predictions"):
        predictions, label_ids = eval_pred.predictions, eval_pred.label_ids
    else:
        predictions, label_ids = eval_pred
    if isinstance(predictions, tuple):      # models that return (logits, hidden states, ...)
        predictions = predictions[0]
    predictions, label_ids = np.asarray(predictions), np.asarray(label_ids)
    if predictions.ndim == label_ids.ndim + 1:
        predictions = predictions.argmax(axis=-1)
    if predictions.shape != label_ids.shape:
        raise ValueError(f"predictions of shape {predictions.shape} do not match label ids of shape {label_ids.shape}")
    return predictions, label_ids


def documents_from_tags(references: Sequence[Sequence[str]], predictions: Sequence[Sequence[str]]) -> tuple[list[dict], list[dict]]:
    """Gold and predicted documents, one per example, spans over token positions, from IOB2 tag lists."""
    gold, pred = [], []
    for i, (g_tags, p_tags) in enumerate(zip(references, predictions, strict=True)):
        if len(p_tags) != len(g_tags):
            raise ValueError(f"example {i}: {len(p_tags)} predicted tags for {len(g_tags)} reference tags")
        doc_id = f"example-{i}"
        text = " " * max(len(g_tags), 1)    # token positions stand in for characters
        gold.append({"id": doc_id, "text": text, "entities": [(s, e, lab) for s, e, lab, _ in decode_tags(list(g_tags), "iob2")]})
        pred.append({"id": doc_id, "entities": [(s, e, lab) for s, e, lab, _ in decode_tags(list(p_tags), "iob2")]})
    return gold, pred


def tag_documents(predictions, label_ids, label_names: Sequence[str] = NER_TAGS) -> tuple[list[dict], list[dict]]:
    """Gold and predicted documents from class-id arrays; positions labelled ``-100`` are left out."""
    refs, preds = [], []
    for p_row, g_row in zip(predictions, label_ids):
        keep = g_row != IGNORE
        refs.append([label_names[int(x)] for x in g_row[keep]])
        preds.append([label_names[int(x)] for x in p_row[keep]])
    return documents_from_tags(refs, preds)


def flat_figures(result) -> dict[str, float]:
    """``{"overall_strict_f1": ..., "label_PERSON_partial_recall": ...}``: the figures that apply, as floats."""
    entry = result.tasks["entities"]
    present = set(entry["labels"])
    out = {}
    for name, fig in entry["figures"].items():
        parts = name.split("/")
        if fig["value"] is None or (parts[0] == "label" and parts[1] not in present):
            continue
        out["_".join(parts)] = float(fig["value"])
    return out


def make_compute_metrics(label_names: Sequence[str] = NER_TAGS) -> Callable[[object], dict[str, float]]:
    """A ``compute_metrics`` for a model whose class ids index ``label_names`` (IOB2 tags, e.g. ``model.config.id2label``)."""
    names = list(label_names.values()) if isinstance(label_names, dict) else list(label_names)

    def compute_metrics(eval_pred) -> dict[str, float]:
        from newsgold.scoring.inmemory import score_spans
        predictions, label_ids = _arrays(eval_pred)
        gold, pred = tag_documents(predictions, label_ids, names)
        return flat_figures(score_spans(gold, pred, resamples=0))

    return compute_metrics


compute_metrics = make_compute_metrics(NER_TAGS)
compute_metrics.__doc__ = ("Entity figures for ``transformers.Trainer(compute_metrics=...)`` on the ``ner`` config "
                           "(class ids index ``newsgold.release.hf.NER_TAGS``, as its ClassLabel).")
