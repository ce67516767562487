"""Reading a system's predictions against a gold, and the label maps applied to them."""
from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, NamedTuple

from newsgold.core.diagnostics import InputError, Problem
from newsgold.core.jsonio import iter_jsonl, loads_fast, read_json, require
from newsgold.core.records import Predictions
from newsgold.core.repository import current, toolkit_schema_dir
from newsgold.core.schema import ENTITY_LABELS, schema_problems
from newsgold.core.storage import LazyRecords, SpanPacker
from newsgold.gold.read import LAYERS, Gold
from newsgold.gold.rules import check_prediction, reference_ids
from newsgold.scoring.fastcheck import (
    Columns,
    Layered,
    Plain,
    References,
    clean_columns,
    clean_layers,
    gold_references,
    typed_line,
)

# the layers a predictions line may have: the gold layers, and coreference clusters (scored against the
# gold entity clusters, which live in the entities layer of the gold)
PREDICTION_LAYERS = (*LAYERS, "coref")


def read_predictions(source: Any, gold: Gold, *, labels: Iterable[str] = ENTITY_LABELS,
                     pack: bool = True) -> tuple[Predictions, list[Problem]]:
    """Predictions by document id, with every problem found (errors and warnings).

    ``source`` is a JSONL path (records then kept as the bytes of their line,
    :class:`LazyRecords`) or, from Python, a list of prediction records. A line of entities,
    quotes and stance (:mod:`newsgold.scoring.fastcheck`) that is certainly valid and clean skips
    the full checks; every other line goes through them, so the problems found are the same either way.
    ``pack=False`` (``validate``, which wants the problems only) packs no spans.
    """
    lazy = isinstance(source, (str, Path))
    allowed = frozenset(lab for lab in labels if isinstance(lab, str) and lab)
    line = _Line(gold, allowed)
    rows: Iterator[tuple[int, dict[str, Any] | _Clean | None, list[Problem]]]
    name, rows = (str(source), iter_jsonl(source, fast=line.fast)) if lazy else ("<predictions>", _memory_rows(source))
    out: dict[str, Any] = {}
    problems: list[Problem] = []
    packer = SpanPacker()
    layers: dict[str, frozenset[str]] = {}
    unplaced: dict[str, Any] = {}
    for lineno, rec, probs in rows:
        problems += probs
        if rec is None:
            continue
        if isinstance(rec, _Clean):       # certainly valid and clean: only the one-line-per-document rule is left
            refused = _refused_line(rec.doc_id, out, gold, name, lineno)
            if refused is not None:
                problems.append(refused)
            else:
                out[rec.doc_id], layers[rec.doc_id] = line.raw, rec.layers
                if pack and "entities" in rec.layers:    # as the full path packs: only a line with entities
                    packer.add_columns(rec.doc_id, *rec.columns)
            continue
        doc_id: Any = rec.get("doc_id")   # a str once _refused_line has passed it
        lf = lambda p, n=lineno: n
        schema_errs = schema_problems("predictions", rec, name, lf)
        problems += schema_errs
        refused = _refused_line(doc_id, out, gold, name, lineno)
        if refused is not None:
            problems.append(refused)
            continue
        if not schema_errs:
            gold_doc = gold.docs[doc_id] if ("quotes" in rec or "stance" in rec) else None
            problems += check_prediction(rec, gold.text(doc_id), name, lf, labels=labels, gold_doc=gold_doc)
        out[doc_id] = line.raw if lazy else rec
        layers[doc_id] = frozenset(k for k in PREDICTION_LAYERS if k in rec)
        if "unplaced" in rec and not schema_errs:
            unplaced[doc_id] = rec["unplaced"]
        if lazy and pack and "entities" in rec and not schema_errs:
            packer.add(doc_id, rec["entities"])
    if not lazy:
        return Predictions(out, layers, unplaced=unplaced), problems
    return Predictions(LazyRecords(out), layers, spans=packer.spans, vocab=packer.vocab, unplaced=unplaced), problems


class _Clean(NamedTuple):
    """A line :class:`_Line` found typed, schema-valid and clean against its gold document: its
    layers (entities, quotes, stance) and its entity columns (empty without entities)."""
    doc_id: str
    layers: frozenset[str]
    columns: Columns


class _Line:
    """The line :func:`iter_jsonl` is on: its bytes, and what the fast path made of it. A typed line
    (:func:`typed_line`: plain, or with quotes, stance or coref) clean against
    its gold document becomes a :class:`_Clean`; a typed line that is not (a span overlaps, an
    unknown document or cluster...) is parsed by orjson, as it is certainly what the strict parser
    reads, and checked in full; anything else goes to the strict parser."""

    def __init__(self, gold: Gold, allowed: frozenset[str]) -> None:
        self.gold, self.allowed = gold, allowed
        self.raw = b""

    def fast(self, raw: bytes) -> _Clean | dict[str, Any] | None:
        self.raw = raw
        typed = typed_line(raw)
        if typed is None:
            return None
        clean = self._clean(typed)
        if clean is not None:
            return clean
        got = loads_fast(raw)
        return got[0] if got is not None else None

    def _clean(self, typed: Plain | Layered) -> _Clean | None:
        """The line as a :class:`_Clean` when the full checks would find nothing in it, else None."""
        plain = typed.plain if isinstance(typed, Layered) else typed
        doc_id = plain.doc_id
        if doc_id not in self.gold.docs:
            return None
        text = self.gold.text(doc_id)
        columns = clean_columns(plain, text, self.allowed)
        if columns is None or (isinstance(typed, Layered) and not clean_layers(typed, text, lambda: self._references(doc_id))):
            return None
        return _Clean(doc_id, plain.layers, columns)

    def _references(self, doc_id: str) -> References:
        """The ids the gold record of ``doc_id`` declares (read only for a line that names one): from
        its stored line without parsing the rest (:func:`gold_references`), else from the record."""
        docs = self.gold.docs
        got = gold_references(docs.raw(doc_id)) if isinstance(docs, LazyRecords) else None
        return got if got is not None else References(*reference_ids(docs[doc_id]))


def _memory_rows(source: Iterable[Any]) -> Iterator[tuple[int, dict[str, Any] | None, list[Problem]]]:
    """Records given from Python, as :func:`iter_jsonl` gives a file's (a non-dict is a problem)."""
    for i, r in enumerate(source, 1):
        if isinstance(r, dict):
            yield i, r, []
        else:
            yield i, None, [Problem("<predictions>", i, "", "expected a dict", "json")]


def _refused_line(doc_id: Any, seen: Mapping[str, Any], gold: Gold, name: str, lineno: int) -> Problem | None:
    """The error of a line for a document the gold does not have, or for a document already read."""
    if not isinstance(doc_id, str) or doc_id not in gold.docs:
        return Problem(name, lineno, "doc_id", f"unknown document id {doc_id!r}; the gold has {len(gold.docs)} documents "
                       f"({', '.join(list(gold.docs)[:3])}{', …' if len(gold.docs) > 3 else ''})", "ref-document")
    if doc_id in seen:
        return Problem(name, lineno, "doc_id", f"second line for document {doc_id!r}; one line per document", "unique-id")
    return None


def load_label_map(name_or_path: str | Path | None) -> dict[str, Any] | None:
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
