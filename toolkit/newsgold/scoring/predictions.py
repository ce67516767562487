"""Reading a system's predictions against a gold, and the label maps applied to them."""
from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from newsgold.core.diagnostics import InputError, Problem
from newsgold.core.jsonio import iter_jsonl, read_json, require
from newsgold.core.schema import ENTITY_LABELS, schema_problems
from newsgold.core.storage import LazyRecords, SpanPacker, compact
from newsgold.dataset.gold import Gold
from newsgold.dataset.rules import check_prediction
from newsgold.repository import current, toolkit_schema_dir


def read_predictions(source, gold: Gold, *, labels=ENTITY_LABELS) -> tuple[Mapping[str, dict], list[Problem]]:
    """Predictions by document id, with every problem found (errors and warnings).

    ``source`` is a JSONL path (records then kept as compact JSON, :class:`LazyRecords`) or,
    from Python, a list of prediction records.
    """
    lazy = isinstance(source, (str, Path))
    if isinstance(source, (str, Path)):
        name, rows = str(source), iter_jsonl(source)
    else:
        name = "<predictions>"
        rows = ((i, r, [] if isinstance(r, dict) else [Problem(name, i, "", "expected a dict", "json")])
                for i, r in enumerate(source, 1))
        rows = ((i, r if isinstance(r, dict) else None, p) for i, r, p in rows)
    out: dict[str, dict] = {}
    problems: list[Problem] = []
    packer = SpanPacker()
    for lineno, rec, probs in rows:
        problems += probs
        if rec is None:
            continue
        lf = lambda p, n=lineno: n  # noqa: E731
        schema_errs = schema_problems("predictions", rec, name, lf)
        problems += schema_errs
        doc_id = rec.get("doc_id")
        if not isinstance(doc_id, str) or doc_id not in gold.docs:
            problems.append(Problem(name, lineno, "doc_id", f"unknown document id {doc_id!r}; the gold has {len(gold.docs)} documents "
                                    f"({', '.join(list(gold.docs)[:3])}{', …' if len(gold.docs) > 3 else ''})", "ref-document"))
            continue
        if doc_id in out:
            problems.append(Problem(name, lineno, "doc_id", f"second line for document {doc_id!r}; one line per document", "unique-id"))
            continue
        if not schema_errs:
            problems += check_prediction(rec, gold.text(doc_id), name, lf, labels=labels)
        out[doc_id] = compact(rec) if lazy else rec
        if lazy and "entities" in rec:
            packer.add(doc_id, rec["entities"])
    return (LazyRecords(out, spans=packer.spans, vocab=packer.vocab) if lazy else out), problems



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
