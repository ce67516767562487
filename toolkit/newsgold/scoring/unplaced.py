"""What string-only predictions that have no span add to the scores (rule 5 of :mod:`newsgold.formats.strings`).

An LLM's invented entity or quote is a prediction like any other: it must lower precision.
It has no offsets, so span matching cannot see it; here each such item is added as what it
is, a **spurious** prediction: to the span-level entity table under its (mapped) label, to
the predicted quotes, and to the document-level predicted set as an item that resolves to no
gold entity. An entity string found only inside a longer listed string (``inside``) is in the
text: it adds nothing to span-level counts and is counted by its name at document level.

Under ``--zones`` unplaced items are left out: having no position, they lie in no zone.
(Label maps and ``--labels`` apply to them as to any prediction.)
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from newsgold.scoring import entities as E
from newsgold.scoring import quotes as Q

if TYPE_CHECKING:
    from newsgold.scoring.setup import Setup


def items(unplaced: Any, layer: str) -> list[dict[str, Any]]:
    """The well-formed unplaced items of one layer of a record's ``unplaced`` object."""
    if not isinstance(unplaced, dict) or not isinstance(unplaced.get(layer), list):
        return []
    return [it for it in unplaced[layer] if isinstance(it, dict)]


def _label(setup: Setup, label: Any) -> str | None:
    if not isinstance(label, str) or setup.zones is not None:
        return None
    lab = setup.map_label(label, "pred")
    if lab is None or (setup.keep_labels is not None and lab not in setup.keep_labels):
        return None
    return lab


def entity_rows(unplaced: Mapping[str, Any], setup: Setup, ids: Iterable[str]) -> np.ndarray:
    """Span-level additions (documents x labels x base counts): each unplaced entity not ``inside`` is spurious."""
    label_index = {lab: i for i, lab in enumerate(setup.labels)}
    ids = list(ids)
    out = np.zeros((len(ids), len(label_index), len(E.BASE)), dtype=np.int64)
    for k, doc_id in enumerate(ids):
        for it in items(unplaced.get(doc_id), "entities"):
            lab = _label(setup, it.get("label"))
            if lab in label_index and not it.get("inside"):
                out[k, label_index[lab], E.BS] += 1
    return out


def document_items(unplaced: Any) -> list[tuple[str, str, bool]]:
    """(text, label, inside) of a record's unplaced entities, for document-level scoring
    (:mod:`newsgold.scoring.documents`): an invented string is an item of its own that matches no
    gold entity; an ``inside`` one is resolved by its name, as any predicted name."""
    return [(it["text"], it["label"], bool(it.get("inside"))) for it in items(unplaced, "entities")
            if isinstance(it.get("text"), str) and isinstance(it.get("label"), str)]


def quote_count(record: Mapping[str, Any], setup: Setup) -> np.ndarray:
    """Quote statistics added by a record's unplaced quotes: each one is a predicted quote that matches nothing."""
    row = np.zeros(len(Q.FIELDS), dtype=np.int64)
    if setup.zones is None:
        row[Q.IDX["pred"]] = len(items(record.get("unplaced"), "quotes"))
    return row


def entity_error_records(task: str, doc_id: str, record: Mapping[str, Any], setup: Setup) -> list[dict[str, Any]]:
    """``--errors`` items for a record's unplaced entity strings: each a *spurious* prediction
    without a span (``pred.unplaced`` true), so the listing adds up to the counts."""
    out = []
    for it in items(record.get("unplaced"), "entities"):
        lab = _label(setup, it.get("label"))
        if lab is not None and not it.get("inside"):
            out.append({"task": task, "doc_id": doc_id, "kind": "spurious", "gold": None,
                        "pred": {"text": it.get("text"), "label": lab, "unplaced": True,
                                 "context": f"not in the text: {it.get('text')}"}})
    return out


def quote_error_records(task: str, doc_id: str, record: Mapping[str, Any], setup: Setup) -> list[dict[str, Any]]:
    """``--errors`` items for a record's unplaced quote strings (spurious, without a span); none
    when zones are selected, since an unplaced quote is in no zone."""
    if setup.zones is not None:
        return []
    return [{"task": task, "doc_id": doc_id, "kind": "spurious", "gold": None,
             "pred": {"text": it.get("quote"), "speaker_name": it.get("speaker_name"), "unplaced": True,
                      "context": f"not in the text: {it.get('quote')}"}}
            for it in items(record.get("unplaced"), "quotes")]
