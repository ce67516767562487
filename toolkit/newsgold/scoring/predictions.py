"""Reading a system's predictions against a gold, and the label maps applied to them."""
from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from newsgold.core.diagnostics import InputError, Problem
from newsgold.core.jsonio import iter_jsonl, loads_fast, read_json, require
from newsgold.core.schema import ENTITY_LABELS, schema_problems
from newsgold.core.storage import LazyRecords, SpanPacker
from newsgold.dataset.gold import LAYERS, Gold
from newsgold.dataset.rules import check_prediction
from newsgold.repository import current, toolkit_schema_dir
from newsgold.scoring.fastcheck import clean_entities, plain_record


def read_predictions(source, gold: Gold, *, labels=ENTITY_LABELS) -> tuple[Mapping[str, dict], list[Problem]]:
    """Predictions by document id, with every problem found (errors and warnings).

    ``source`` is a JSONL path (records then kept as the bytes of their line,
    :class:`LazyRecords`) or, from Python, a list of prediction records. A plain line
    (:mod:`newsgold.scoring.fastcheck`) that is certainly valid and clean skips the full checks;
    every other line goes through them, so the problems found are the same either way.
    """
    lazy = isinstance(source, (str, Path))
    line = [b"", False]     # the current line's bytes; whether it is a plain, schema-valid record
    if isinstance(source, (str, Path)):
        def fast(raw: bytes) -> dict | None:
            got = loads_fast(raw)
            plain = got is not None and plain_record(*got)
            line[0], line[1] = raw, plain
            return got[0] if plain and got is not None else None
        name, rows = str(source), iter_jsonl(source, fast=fast)
    else:
        name = "<predictions>"
        rows = ((i, r, [] if isinstance(r, dict) else [Problem(name, i, "", "expected a dict", "json")])
                for i, r in enumerate(source, 1))
        rows = ((i, r if isinstance(r, dict) else None, p) for i, r, p in rows)
    allowed = frozenset(lab for lab in labels if isinstance(lab, str) and lab)
    out: dict[str, dict | bytes] = {}
    problems: list[Problem] = []
    packer = SpanPacker()
    layers: dict[str, frozenset] = {}
    keys: set[str] = set()
    for lineno, rec, probs in rows:
        problems += probs
        if rec is None:
            continue
        plain = lazy and line[1]
        line[1] = False
        doc_id = rec.get("doc_id")
        clean = None
        if plain and doc_id in gold.docs:
            clean = clean_entities(rec.get("entities", []), gold.text(doc_id), allowed)
        lf = lambda p, n=lineno: n
        schema_errs = [] if clean is not None else schema_problems("predictions", rec, name, lf)
        problems += schema_errs
        if not isinstance(doc_id, str) or doc_id not in gold.docs:
            problems.append(Problem(name, lineno, "doc_id", f"unknown document id {doc_id!r}; the gold has {len(gold.docs)} documents "
                                    f"({', '.join(list(gold.docs)[:3])}{', …' if len(gold.docs) > 3 else ''})", "ref-document"))
            continue
        if doc_id in out:
            problems.append(Problem(name, lineno, "doc_id", f"second line for document {doc_id!r}; one line per document", "unique-id"))
            continue
        if not schema_errs and clean is None:
            gold_doc = gold.docs[doc_id] if ("quotes" in rec or "stance" in rec) else None
            problems += check_prediction(rec, gold.text(doc_id), name, lf, labels=labels, gold_doc=gold_doc)
        out[doc_id] = line[0] if lazy else rec
        keys.update(rec)
        layers[doc_id] = frozenset(k for k in LAYERS if k in rec)
        if lazy and "entities" in rec and not schema_errs:
            if clean is not None:
                packer.add_columns(doc_id, *clean)
            else:
                packer.add(doc_id, rec["entities"])
    if not lazy:
        return out, problems
    records = LazyRecords(out, spans=packer.spans, vocab=packer.vocab)
    records.layers = layers
    records.top_keys = keys
    return records, problems


def has_layer(preds: Mapping[str, dict], doc_id: str, layer: str) -> bool:
    """Whether the predictions line of ``doc_id`` carries ``layer`` (without parsing a lazily held record)."""
    layers = getattr(preds, "layers", None)
    if layers is not None and doc_id in layers:
        return layer in layers[doc_id]
    return layer in preds[doc_id]


def load_label_map(name_or_path: str | None) -> dict | None:
    """A label map by name (``schema/label_maps/<name>.json``) or path; None for none."""
    if not name_or_path:
        return None
    p = Path(name_or_path)
    if not p.exists():
        p = current().label_maps_dir / f"{name_or_path}.json"
    if not p.exists():   # a gold folder without label maps (a Hub export): the toolkit's own
        p = toolkit_schema_dir() / "label_maps" / f"{name_or_path}.json"
    data, _, problems = read_json(p)
    require(problems)
    if not isinstance(data, dict) or not isinstance(data.get("map"), dict):
        raise InputError(Problem(str(p), 1, "map", "a label map needs a 'map' object from label to label (or null)", "label-map"))
    data.setdefault("name", p.stem)
    return data
