"""Scoring without files: entity spans in Python lists or pandas DataFrames, batch by batch.

As spaCy's ``Scorer.score_spans`` and scikit-learn's metrics, :func:`score_spans` takes
the gold and the predictions as objects; as Hugging Face ``evaluate``, an
:class:`EntityScorer` accumulates them batch by batch (``add_batch`` then ``compute``) so
a user can score inside a loop. Both go through the same core as ``newsgold score``:
each batch becomes gold records checked by the gold rules
(:mod:`newsgold.gold.foreign`), predictions checked by the prediction rules, and
per-document sufficient statistics (:func:`newsgold.scoring.api.task_stats`); the
result is a :class:`~newsgold.scoring.api.ScoreResult` with the same figures, counts and
signature fields.

Accepted forms (gold and predictions alike):

* a list of documents, each ``{"id" (or "doc_id"), "text"?, "entities": [span, ...]}``,
  a span being ``{"start", "end", "label"}``, a ``(start, end, label)`` tuple or a
  :class:`~newsgold.core.records.Span`;
* a pandas DataFrame with columns ``doc_id, start, end, label`` (one row per span).

Without a text (DataFrames, token-level spans) offsets are checked only against the
furthest span of the document and span texts not at all; a warning says so. For the
gold, ``texts={doc_id: text}`` supplies the texts.
"""
from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np

from newsgold.core.deprecation import UNSET, predictions_and_gold
from newsgold.core.diagnostics import InputError, Problem
from newsgold.core.records import Span
from newsgold.core.version import __version__
from newsgold.gold.read import Gold, content_hash
from newsgold.gold.releases import CUSTOM
from newsgold.scoring import api
from newsgold.scoring import signature as sig
from newsgold.scoring.setup import Setup, make_setup

GOLD, PRED = "<gold>", "<predictions>"


SPAN_KEYS = ("start", "end", "label", "text")


def _is_frame(obj: object) -> bool:
    return hasattr(obj, "columns") and hasattr(obj, "itertuples")


def _span(s: Any) -> Any:
    """A span as the dict the gold and prediction rules check, from a dict, a :class:`Span` or a
    ``(start, end, label)`` tuple; anything else is passed on as it is (the schema reports it)."""
    if isinstance(s, Span):
        return {k: getattr(s, k) for k in SPAN_KEYS if getattr(s, k) is not None}
    if isinstance(s, Mapping):
        return {k: s[k] for k in SPAN_KEYS if k in s}
    if isinstance(s, (tuple, list)) and len(s) == 3:
        return {"start": s[0], "end": s[1], "label": s[2]}
    return s


def _frame_docs(frame: Any, name: str) -> list[dict[str, Any]]:
    """One document per ``doc_id`` from a span table (columns doc_id, start, end, label[, text])."""
    missing = [c for c in ("doc_id", "start", "end", "label") if c not in frame.columns]
    if missing:
        raise InputError(Problem(name, 0, "", f"a span table needs the columns doc_id, start, end, label; missing: "
                                 f"{', '.join(missing)}", "columns"))
    docs: dict[str, dict[str, Any]] = {}
    cols = ["doc_id", "start", "end", "label"] + (["text"] if "text" in frame.columns else [])
    for row in frame[cols].itertuples(index=False):
        span = {"start": int(row.start), "end": int(row.end), "label": str(row.label)}
        if "text" in cols:
            span["text"] = str(row.text)
        docs.setdefault(str(row.doc_id), {"id": str(row.doc_id), "entities": []})["entities"].append(span)
    return list(docs.values())


def _documents(obj: Any, name: str) -> list[dict[str, Any]]:
    """Documents as ``{"id", "text"?, "entities": [span dicts]}`` from a list or a span table."""
    if _is_frame(obj):
        return _frame_docs(obj, name)
    out = []
    for i, doc in enumerate(obj, 1):
        if not isinstance(doc, Mapping):
            raise InputError(Problem(name, i, "", f"expected a document dict, got {type(doc).__name__}", "json"))
        d = dict(doc)
        d["id"] = d.pop("id", d.pop("doc_id", None))
        d["entities"] = [_span(s) for s in (d.get("entities") or [])]
        out.append(d)
    return to_jsonable(out)


def _fill_texts(gold: list[dict[str, Any]], preds: list[dict[str, Any]], texts: Mapping[str, str] | None) -> list[Problem]:
    """Give every gold document a text: its own, ``texts[id]``, or a blank stand-in as long as its furthest span."""
    ends: dict[str, Any] = {}
    for d in gold + preds:
        for s in d["entities"]:
            if isinstance(s, dict) and isinstance(s.get("end"), int):
                ends[d["id"]] = max(ends.get(d["id"], 1), s["end"])
    blank = []
    for d in gold:
        if not d.get("text") and texts and d["id"] in texts:
            d["text"] = texts[d["id"]]
        if not d.get("text"):
            d["text"] = " " * ends.get(d["id"], 1)
            blank.append(d["id"])
    if not blank:
        return []
    for d in gold + preds:   # a span text cannot be checked against a stand-in
        if d["id"] in blank:
            d["entities"] = [{k: v for k, v in s.items() if k != "text"} if isinstance(s, dict) else s for s in d["entities"]]
    return [Problem(GOLD, 0, "text", f"{len(blank)} gold document(s) have no text: offsets are checked only against the "
                    "furthest span, span texts not at all (pass texts={doc_id: text} to check them)", "no-text", "warning")]


def _batch(gold_docs: Any, pred_docs: Any, texts: Mapping[str, str] | None) -> tuple[Gold, list[dict[str, Any]], list[Problem]]:
    """One batch as a checked gold and prediction records."""
    from newsgold.gold.foreign import complete_records, version_of
    from newsgold.gold.load import load_gold
    preds = _documents(pred_docs, PRED)
    warnings: list[Problem]
    if isinstance(gold_docs, Gold):
        gold, warnings = gold_docs, []
    elif isinstance(gold_docs, (str, Path)):
        gold, warnings = load_gold(gold_docs), []
    else:
        gdocs = _documents(gold_docs, GOLD)
        warnings = _fill_texts(gdocs, preds, texts)
        records, problems = complete_records(((i, d, []) for i, d in enumerate(gdocs, 1)), GOLD)
        if any(p.severity == "error" for p in problems):
            raise InputError([p for p in problems if p.severity == "error"])
        warnings += problems
        records = {k: records[k] for k in sorted(records)}
        gold = Gold(records, version_of(records), content_hash(records.values()) if records else "", GOLD)
    pred_records = [{"doc_id": d["id"], "entities": d["entities"]} for d in preds]
    return gold, pred_records, warnings


class EntityScorer:
    """Entity figures accumulated batch by batch: ``add_batch(predictions=..., gold=...)`` any number of times,
    then ``compute()``.

    Keeps one row of sufficient statistics per document (and the gold records, for the
    content hash in the signature); ``compute`` sums them exactly as ``newsgold score``
    does, documents in id order, so the figures and intervals do not depend on batching.
    """

    def __init__(self, *, label_map: Any = None, labels: list[str] | None = None, resamples: int = 1000, seed: int = 12345) -> None:
        self.label_map, self.labels, self.resamples, self.seed = label_map, labels, resamples, seed
        self._rows: dict[str, np.ndarray] = {}
        self._records: dict[str, dict[str, Any]] = {}
        self._versions: set[str] = set()
        self._warnings: list[Problem] = []
        self._setup: Setup | None = None

    def add_batch(self, *args: Any, predictions: Any = UNSET, gold: Any = UNSET, texts: Mapping[str, str] | None = None) -> None:
        """Score one batch: the predictions and their gold documents (same forms as :func:`score_spans`).

        Pass both by keyword; ``add_batch(gold, predictions)`` by position (the 0.2 form) still
        works, with a DeprecationWarning.
        """
        predictions, gold = predictions_and_gold("add_batch", args, predictions, gold)
        gold_obj, preds, warnings = _batch(gold, predictions, texts)
        setup = make_setup(gold_obj, self.label_map, self.labels)
        if self._setup is not None and setup.labels != self._setup.labels:
            raise InputError("add_batch: this batch gives another label inventory than the earlier ones")
        loaded, more = api.load_predictions(preds, setup)
        stats = api.task_stats(loaded, setup, "entities")
        for doc_id, row in zip(gold_obj.docs, stats):
            if doc_id in self._rows:
                raise InputError(Problem(GOLD, 0, "id", f"document {doc_id!r} is in two batches; each document once", "unique-id"))
            self._rows[doc_id] = row
            self._records[doc_id] = gold_obj.docs[doc_id]
        self._versions.add(gold_obj.version)
        self._warnings += warnings + more
        self._setup = setup

    def compute(self) -> api.ScoreResult:
        """The figures over every document added so far (a :class:`~newsgold.scoring.api.ScoreResult`)."""
        if self._setup is None or not self._rows:
            raise InputError("compute: no documents; call add_batch(predictions=..., gold=...) first")
        ids = sorted(self._rows)
        stats = np.stack([self._rows[i] for i in ids])
        version = next(iter(self._versions)) if len(self._versions) == 1 else CUSTOM
        setup = self._setup
        signature = sig.make(version=__version__, data_version=version,
                             data_hash=content_hash(self._records[i] for i in ids), task="entities",
                             overlap=setup.overlap, label_map=setup.label_map_name,
                             labels=sorted(setup.keep_labels) if setup.keep_labels else None, zones=None,
                             resamples=self.resamples, seed=self.seed, ci=api.ci_label(len(ids), self.resamples))
        result = api.ScoreResult(signature=signature, warnings=list(self._warnings), n_documents=len(ids))
        result.stats["entities"] = stats
        result.tasks["entities"] = api.summarise("entities", stats, setup, self.resamples, self.seed)
        return result


def score_spans(*args: Any, predictions: Any = UNSET, gold: Any = UNSET, texts: Mapping[str, str] | None = None,
                label_map: Any = None, labels: list[str] | None = None, resamples: int = 1000, seed: int = 12345) -> api.ScoreResult:
    """Entity figures of ``predictions`` against ``gold``, both in memory:
    ``score_spans(predictions=..., gold=...)``, the order of :func:`newsgold.score`.

    ``gold``: a list of documents or a span table (see the module docstring), or anything
    ``newsgold.score(gold=...)`` takes (a path, a :class:`Gold`). ``predictions``: a list
    of documents or a span table. Returns the same :class:`ScoreResult` as
    :func:`newsgold.score`: ``result.value("entities", "overall/strict/f1")``.
    ``score_spans(gold, predictions)`` by position (the 0.2 form) still works, with a
    DeprecationWarning.
    """
    predictions, gold = predictions_and_gold("score_spans", args, predictions, gold)
    scorer = EntityScorer(label_map=label_map, labels=labels, resamples=resamples, seed=seed)
    scorer.add_batch(predictions=predictions, gold=gold, texts=texts)
    return scorer.compute()


def to_jsonable(docs: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Plain JSON types (numpy integers become ints): what a JSON Lines file would give back."""
    plain: list[dict[str, Any]] = json.loads(json.dumps(list(docs), default=lambda o: o.item() if hasattr(o, "item") else str(o)))
    return plain
