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

from collections.abc import Callable, Mapping, Sequence

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


def label_names(id2label: Mapping | Sequence[str]) -> list[str]:
    """The tag of each class id: a dict (``config.id2label``, keys int or str, in any order) is read by
    key, never by insertion order; a list is taken as it is."""
    if not isinstance(id2label, Mapping):
        return list(id2label)
    try:
        by_id = {int(k): str(v) for k, v in id2label.items()}
    except (TypeError, ValueError):
        raise ValueError(f"id2label keys must be class ids (0, 1, ...), got {sorted(map(str, id2label))[:5]}") from None
    if sorted(by_id) != list(range(len(by_id))):
        raise ValueError(f"id2label keys must be the class ids 0..{len(by_id) - 1} without gaps, got {sorted(by_id)[:10]}")
    return [by_id[i] for i in range(len(by_id))]


def _gold_label_for(label_map) -> dict[str, str]:
    """For each label a map produces, the first gold label (in the map's order) it maps from.

    References in a tag set the map produces (e.g. CoNLL-2003's PER) are given that gold label, so
    that the scorer, mapping the gold as ``--label-map`` does, sees them as they were; the figures
    are those of the references against the predictions, both in the tag set.
    """
    out: dict[str, str] = {}
    for source, target in label_map["map"].items():
        if target is not None:
            out.setdefault(target, source)
    return out


def _check_tags(names: list[str], label_map) -> None:
    """Every entity type of the tag set must be one the scorer knows: OntoNotes 5, or the map's targets."""
    from newsgold.core.schema import ENTITY_LABELS
    known = set(_gold_label_for(label_map)) if label_map else set(ENTITY_LABELS)
    unknown = sorted({n.split("-", 1)[1] for n in names if "-" in n} - known)
    if not unknown:
        return
    if label_map:
        raise ValueError(f"tag types {', '.join(unknown)} are not labels of the label map {label_map['name']!r}")
    raise ValueError(f"tag types {', '.join(unknown)} are not OntoNotes 5 labels; pass the label map whose targets they are "
                     "(label_map='ontonotes_to_conll2003' for a CoNLL-2003 tag set)")


def make_compute_metrics(id2label: Mapping | Sequence[str] = NER_TAGS, *, label_map=None) -> Callable[[object], dict[str, float]]:
    """A ``compute_metrics`` for a model whose class ids index ``id2label`` (IOB2 tags; ``model.config.id2label``).

    ``label_map`` (a name in ``schema/label_maps``, e.g. ``"ontonotes_to_conll2003"``, or a path), as
    ``newsgold score --label-map``: the tag set is the map's target labels (``B-PER``, ``I-MISC``, ...).
    """
    from newsgold.scoring.predictions import load_label_map
    names = label_names(id2label)
    mapping = load_label_map(label_map)
    _check_tags(names, mapping)
    to_gold = _gold_label_for(mapping) if mapping else {}

    def compute_metrics(eval_pred) -> dict[str, float]:
        from newsgold.scoring.inmemory import score_spans
        predictions, label_ids = _arrays(eval_pred)
        gold, pred = tag_documents(predictions, label_ids, names)
        for doc in gold:
            doc["entities"] = [(s, e, to_gold.get(lab, lab)) for s, e, lab in doc["entities"]]
        return flat_figures(score_spans(predictions=pred, gold=gold, label_map=label_map, resamples=0))

    return compute_metrics


compute_metrics = make_compute_metrics(NER_TAGS)
compute_metrics.__doc__ = ("Entity figures for ``transformers.Trainer(compute_metrics=...)`` on the ``ner`` config "
                           "(class ids index ``newsgold.release.hf.NER_TAGS``, as its ClassLabel).")
