"""The scored tasks: one object per task, and the one registry that lists them.

A task (as a sacreBLEU ``Metric`` or a Hugging Face evaluate ``EvaluationModule``) says

* what it reads: :attr:`Task.layer`, the layer of the gold record and of the predictions line;
* how a document becomes sufficient statistics: :meth:`Task.corpus_stats` (one row per
  document; rows add up, so corpus figures, the document bootstrap and the paired tests all
  work on their sums);
* how summed statistics become figures: :meth:`Task.figures` (vectorised over resamples) and
  the counts shown next to them, :meth:`Task.summary`;
* which signature fields shape its numbers: :attr:`Task.signature_fields`;
* its report views: the figures a table shows (:meth:`Task.headline_figures`), the extra
  tables under it (:meth:`Task.tables`, rendered as text, Markdown or HTML), the figures a
  comparison table shows (:meth:`Task.in_compare_table`), one error item as a record
  (:meth:`Task.error_record`). JSON and CSV carry every figure.

:data:`REGISTRY` lists the tasks, in report order. The command line's ``--task`` choices, the
outputs and the intervals all go through it; adding a task is one class and one line there
(CONTRIBUTING.md, "Adding a task").
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:   # the registry itself stays light (the command line reads it to build --task); numbers load on use
    import numpy as np

    from newsgold.core.records import Predictions
    from newsgold.scoring.quotes import DocIndex
    from newsgold.scoring.setup import Setup

    Stats = np.ndarray


@dataclass(frozen=True)
class Table:
    """An extra table of a task's report: a title, column headers and rows of plain values."""

    title: str
    headers: list[str]
    rows: list[list[Any]]


class Task:
    """The protocol every scored task follows (see the module docstring); defaults for the optional parts."""

    name: ClassVar[str]
    layer: ClassVar[str]                       # the gold and predictions layer read
    # a second view of another task's layer (entities_document of entities): scored when asked for by
    # name or by "all", never implied by that task; warnings about the shared layer are given once, by it
    companion_of: ClassVar[str | None] = None
    shares_pass: ClassVar[bool] = False         # scored in the one pass over documents of :meth:`doc_row`
    signature_fields: ClassVar[tuple[str, ...]] = ("labelmap", "labels", "zones")
    own_report: ClassVar[str | None] = None     # a module whose ``write`` is this task's own HTML view (report --task)

    def corpus_stats(self, preds: Predictions, setup: Setup, ids: list[str], errors: list[Any] | None = None) -> Stats:
        """Per-document statistics for ``ids`` in order (documents x ...); error records appended to ``errors``."""
        import numpy as np
        rows = []
        for doc_id in ids:
            doc = setup.gold.docs[doc_id]
            doc_errors: list[tuple[Any, ...]] | None = [] if errors is not None else None
            rows.append(self.doc_row(doc, preds.get(doc_id, {}), setup, None, doc_errors))
            if doc_errors and errors is not None:
                errors.extend(self.error_record(doc, e) for e in doc_errors)
        return np.stack(rows) if rows else self.empty()

    def doc_row(self, doc: dict[str, Any], pred: dict[str, Any], setup: Setup, index: DocIndex | None, errors: list[Any] | None) -> Stats:
        """One document's statistics from its gold record and its predictions line."""
        raise NotImplementedError(f"task {self.name} computes its statistics in corpus_stats")

    def stat_fields(self) -> tuple[str, ...]:
        """The names of one document's statistics (a row), for tasks with one row of counts per document."""
        return ()

    def empty(self) -> Stats:
        """The statistics of no document."""
        import numpy as np
        return np.zeros((0, len(self.stat_fields())), dtype=np.int64)

    def figures(self, sums: Stats, setup: Setup) -> dict[str, np.ndarray]:
        raise NotImplementedError

    def summary(self, total: Stats, setup: Setup) -> dict[str, Any]:
        """What the report shows next to the figures (counts), from the summed statistics."""
        return {"counts": {f: int(total[i]) for i, f in enumerate(self.stat_fields())}}

    def error_record(self, doc: dict[str, Any], e: tuple[Any, ...]) -> dict[str, Any]:
        kind, g, p = e
        return {"task": self.name, "doc_id": doc["id"], "kind": kind, "gold": g, "pred": p}

    def headline_figures(self, entry: Mapping[str, Any]) -> list[str]:
        return list(entry["figures"])

    def tables(self, entry: Mapping[str, Any]) -> list[Table]:
        return []

    def in_compare_table(self, figure: str) -> bool:
        return True

    def signature_values(self, setup: Setup) -> dict[str, str]:
        """Signature fields whose value this task sets itself (default: none; the span tasks' defaults apply)."""
        return {}


def span_view(doc: dict[str, Any], start: int, end: int, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """A span of an error record: offsets, its text and 40 characters of context either side."""
    text = doc["text"]
    out = {"start": start, "end": end, "text": text[start:end],
           "context": text[max(0, start - 40):start].replace("\n", " ") + "[[" + text[start:end] + "]]"
           + text[end:end + 40].replace("\n", " ")}
    if extra:
        out.update(extra)
    return out


# ---------------------------------------------------------------- entities

class Entities(Task):
    name = "entities"
    layer = "entities"
    signature_fields = ("match", "scheme", "labelmap", "labels", "zones")

    def corpus_stats(self, preds: Predictions, setup: Setup, ids: list[str], errors: list[Any] | None = None) -> Stats:
        import numpy as np

        from newsgold.scoring import entities as E
        from newsgold.scoring import unplaced as U
        added = U.entity_rows(getattr(preds, "unplaced", {}), setup, ids)    # string-only items not in the text
        if errors is None:
            stats: Stats = _entity_stats(preds, setup, ids) + added
            return stats
        label_index = {lab: i for i, lab in enumerate(setup.labels)}
        rows = []
        for doc_id in ids:
            doc = setup.gold.docs[doc_id]
            doc_errors: list[tuple[Any, ...]] = []
            rows.append(E.doc_table(*entity_pair(preds, setup, doc_id, doc), label_index, doc_errors))
            errors.extend(self.error_record(doc, e) for e in doc_errors)
            errors.extend(U.entity_error_records(self.name, doc_id, preds.get(doc_id) or {}, setup))
        return np.stack(rows) + added if rows else added

    def figures(self, sums: Stats, setup: Setup) -> dict[str, np.ndarray]:
        from newsgold.scoring import entities as E
        return E.figures(sums, setup.labels)

    def summary(self, total: Stats, setup: Setup) -> dict[str, Any]:
        from newsgold.scoring import entities as E
        return {"counts": E.counts_dict(total, setup.labels),
                "labels": [lab for lab in setup.labels if total[setup.labels.index(lab)].sum() > 0]}

    def error_record(self, doc: dict[str, Any], e: tuple[Any, ...]) -> dict[str, Any]:
        kind, g, p = e
        return {"task": self.name, "doc_id": doc["id"], "kind": kind,
                "gold": span_view(doc, g[0], g[1], {"label": g[2]}) if g else None,
                "pred": span_view(doc, p[0], p[1], {"label": p[2]}) if p else None}

    def headline_figures(self, entry: Mapping[str, Any]) -> list[str]:
        names = [f"overall/{s}/{m}" for s in ("strict", "exact", "partial", "type") for m in ("precision", "recall", "f1")]
        return names + ["macro/strict/f1"] + [f"label/{lab}/strict/f1" for lab in entry.get("labels", [])]

    def tables(self, entry: Mapping[str, Any]) -> list[Table]:
        from newsgold.scoring.entities import OUTCOMES
        c = entry["counts"]["overall"]
        rows = [[s] + [c[s][o] for o in OUTCOMES] for s in c]
        return [Table("entity counts (overall)", ["scheme", *OUTCOMES], rows)]

    def in_compare_table(self, figure: str) -> bool:
        return not figure.startswith("label/")


def entity_pair(preds: Mapping[str, dict[str, Any]], setup: Setup, doc_id: str,
                doc: dict[str, Any] | None = None) -> tuple[list[tuple[int, int, str]], list[tuple[int, int, str]]]:
    """A document's gold and predicted entity tuples, after the setup's label map, labels and zones."""
    doc = doc if doc is not None else setup.gold.docs[doc_id]
    return (setup.entity_tuples(doc, doc["entities"]["mentions"], side="gold"),
            setup.entity_tuples(doc, preds.get(doc_id, {}).get("entities") or []))


ENTITY_CHUNK_DOCS = 4096    # documents matched at once: bounds the temporary arrays, not the result


def _entity_stats(preds: Predictions, setup: Setup, ids: list[str]) -> np.ndarray:
    """Entity statistics, :data:`ENTITY_CHUNK_DOCS` documents at a time (each document's row
    depends on that document only, so the chunks' rows stacked are the corpus's rows, and the
    memory for matching stays flat as the corpus grows)."""
    import numpy as np
    if len(ids) <= ENTITY_CHUNK_DOCS:
        return _entity_chunk(preds, setup, ids)
    return np.concatenate([_entity_chunk(preds, setup, ids[i:i + ENTITY_CHUNK_DOCS])
                           for i in range(0, len(ids), ENTITY_CHUNK_DOCS)])


def _entity_chunk(preds: Predictions, setup: Setup, ids: list[str]) -> np.ndarray:
    """Entity statistics in one streaming pass: each document is reduced to integer columns and
    all are matched at once. Records read from a file come with their spans already packed, so
    (without a label map, label subset or zones) they are not even parsed again."""
    from newsgold.core.storage import LazyRecords
    from newsgold.scoring import entities as E
    from newsgold.scoring.setup import raw_tuples
    label_index = {lab: i for i, lab in enumerate(setup.labels)}
    gold_docs = setup.gold.docs
    plain = setup.mapping is None and setup.keep_labels is None and setup.zones is None
    packed_gold = gold_docs if plain and isinstance(gold_docs, LazyRecords) else None
    pp = preds.spans if plain else None
    slow_doc = lambda k: E.doc_table(*entity_pair(preds, setup, ids[k]), label_index)
    gathered = _gathered(packed_gold, pp, preds, ids, label_index)
    if gathered is not None:
        return E.corpus_tables(*gathered, len(ids), len(label_index), slow_doc)
    cols = E.Columns(label_index)
    for k, doc_id in enumerate(ids):
        if packed_gold is not None and doc_id in packed_gold.spans:
            cols.add_packed("gold", k, packed_gold.spans[doc_id], packed_gold.vocab)
            if pp is not None:
                if doc_id in pp:
                    cols.add_packed("pred", k, pp[doc_id], preds.vocab)
                elif doc_id in preds and preds[doc_id].get("entities"):
                    cols.add(k, [], raw_tuples(preds[doc_id]["entities"]))
            else:
                cols.add(k, [], raw_tuples(preds.get(doc_id, {}).get("entities") or []))
        else:
            g, p = entity_pair(preds, setup, doc_id, gold_docs[doc_id])
            cols.add(k, g, p)
    flat_g, flat_p = cols.flat()
    return E.corpus_tables(flat_g, flat_p, len(ids), len(label_index), slow_doc)


def _gathered(gold_records: Any, pred_spans: Any, preds: Predictions, ids: list[str],
              label_index: dict[str, int]) -> tuple[Any, Any] | None:
    """Gold and predicted entity columns of every document of ``ids`` straight from the spans
    packed while the files were read (:meth:`~newsgold.core.storage.PackedSpans.gather`): no
    Python step per document. None when some document's spans were not packed (then the caller
    goes document by document)."""
    import numpy as np

    from newsgold.core.storage import PackedSpans
    from newsgold.scoring import entities as E
    gold_spans = getattr(gold_records, "spans", None)
    if not (isinstance(gold_spans, PackedSpans) and isinstance(pred_spans, PackedSpans)):
        return None
    if not all(d in gold_spans and (d in pred_spans or d not in preds) for d in ids):
        return None
    out = []
    for spans, vocab in ((gold_spans, gold_records.vocab), (pred_spans, preds.vocab)):
        lut = np.array([label_index.get(v, -1) for v in vocab] or [0], dtype=np.int64)
        k, start, end, label = spans.gather(ids)
        if len(label) and (lut[label] < 0).any():
            return None          # a label outside the inventory: the per-document path says so
        out.append(E.Flat((k, start, end, lut[label])))
    return out[0], out[1]


class DocumentEntities(Task):
    """Which (entity, type) pairs a document mentions (:mod:`newsgold.scoring.documents`)."""

    name = "entities_document"
    layer = "entities"
    companion_of = "entities"

    def corpus_stats(self, preds: Predictions, setup: Setup, ids: list[str], errors: list[Any] | None = None) -> Stats:
        from newsgold.scoring import documents
        return documents.corpus_stats(preds, setup, ids)

    def figures(self, sums: Stats, setup: Setup) -> dict[str, np.ndarray]:
        from newsgold.scoring import documents
        return documents.figures(sums, setup.labels)

    def summary(self, total: Stats, setup: Setup) -> dict[str, Any]:
        from newsgold.scoring import documents
        return {"counts": documents.counts(total, setup.labels)}

    def headline_figures(self, entry: Mapping[str, Any]) -> list[str]:
        return [k for k in entry["figures"] if k.startswith("overall/")]


# ---------------------------------------------------------------- quotes and stance

class Quotes(Task):
    name = "quotes"
    layer = "quotes"
    shares_pass = True
    signature_fields = ("overlap", "zones")

    def stat_fields(self) -> tuple[str, ...]:
        from newsgold.scoring.quotes import FIELDS
        return tuple(FIELDS)

    def doc_row(self, doc: dict[str, Any], pred: dict[str, Any], setup: Setup, index: DocIndex | None, errors: list[Any] | None) -> Stats:
        from newsgold.scoring import quotes as Q
        gdoc = doc if setup.zones is None else {**doc, "quotes": [q for q in doc["quotes"] if setup.in_zones(doc, q["content"][0]["start"])]}
        from newsgold.scoring import unplaced as U
        pq = [q for q in pred.get("quotes") or [] if setup.in_zones(doc, q["content"][0]["start"])]
        if errors is not None:       # string-only quotes not in the text: spurious, listed as they are
            errors += [("unplaced", None, rec) for rec in U.quote_error_records(self.name, doc["id"], pred, setup)]
        row: Stats = Q.doc_stats(gdoc, pq, setup.overlap, errors, index) + U.quote_count(pred, setup)
        return row

    def figures(self, sums: Stats, setup: Setup) -> dict[str, np.ndarray]:
        from newsgold.scoring import quotes
        return quotes.figures(sums)

    def error_record(self, doc: dict[str, Any], e: tuple[Any, ...]) -> dict[str, Any]:
        kind, g, p = e
        if kind == "unplaced":       # already the record of a quote string not in the text
            record: dict[str, Any] = p
            return record
        rec: dict[str, Any] = {"task": self.name, "doc_id": doc["id"], "kind": kind, "gold": None, "pred": None}
        for side, q in (("gold", g), ("pred", p)):
            if q:
                c = q["content"]
                speaker = q.get("speaker")
                rec[side] = span_view(doc, c[0]["start"], c[-1]["end"],
                                      {"speaker": speaker.get("text") if isinstance(speaker, dict) else None,
                                       "speaker_cluster": q.get("speaker_cluster"), "speaker_name": q.get("speaker_name")})
        return rec

    def headline_figures(self, entry: Mapping[str, Any]) -> list[str]:
        figs = entry["figures"]
        return [k for k in figs if not k.startswith("by_type/")] + [k for k in figs if k.startswith("by_type/") and k.endswith("recall")]


class Stance(Task):
    name = "stance"
    layer = "stance"
    shares_pass = True
    signature_fields = ()

    def stat_fields(self) -> tuple[str, ...]:
        from newsgold.scoring.stance import FIELDS
        return tuple(FIELDS)

    def doc_row(self, doc: dict[str, Any], pred: dict[str, Any], setup: Setup, index: DocIndex | None, errors: list[Any] | None) -> Stats:
        from newsgold.scoring import stance
        return stance.doc_stats(doc, pred.get("stance") or [], errors, index)

    def figures(self, sums: Stats, setup: Setup) -> dict[str, np.ndarray]:
        from newsgold.scoring import stance
        return stance.figures(sums)

    def summary(self, total: Stats, setup: Setup) -> dict[str, Any]:
        from newsgold.scoring import stance as S
        return {"confusion": S.confusion(total),
                "counts": {"gold_items": int(total[:S.CONF].sum()), "e2e_gold": int(total[S.CONF]),
                           "e2e_pred": int(total[S.CONF + 1]), "e2e_tp": int(total[S.CONF + 2])}}

    def error_record(self, doc: dict[str, Any], e: tuple[Any, ...]) -> dict[str, Any]:
        kind, g, p = e
        return {"task": self.name, "doc_id": doc["id"], "kind": kind,
                "gold": {"item": g["id"], "holder": g["holder"], "target": g["target"], "label": g["label"]},
                "pred": {"label": p}}

    def headline_figures(self, entry: Mapping[str, Any]) -> list[str]:
        return ["classification/accuracy", "classification/macro_f1", "classification/f_avg"] + \
            [f"classification/{lab}/f1" for lab in ("FAVOR", "AGAINST", "NEUTRAL")] + \
            [f"end_to_end/{m}" for m in ("precision", "recall", "f1")]

    def tables(self, entry: Mapping[str, Any]) -> list[Table]:
        cm = entry["confusion"]
        rows = [[f"gold {g}"] + r for g, r in zip(cm["labels"], cm["matrix"])]
        from newsgold.scoring.stance import REFERENCE_TITLE, reference_rows
        return [Table("stance confusion (rows gold, columns predicted)", ["", *cm["columns"]], rows),
                Table(REFERENCE_TITLE, ["", "value"], reference_rows(cm))]


# ---------------------------------------------------------------- coreference

class Coref(Task):
    """Predicted clusters (the ``coref`` layer) against the gold entity clusters (:mod:`newsgold.scoring.coref`):
    MUC, B³, CEAF-m, CEAF-e, BLANC, LEA and the CoNLL F1, as the CoNLL-2012 reference scorer computes them."""

    name = "coref"
    layer = "coref"
    signature_fields = ("match", "scheme")
    own_report = "newsgold.reporting.coref_html"

    def stat_fields(self) -> tuple[str, ...]:
        from newsgold.scoring.coref import FIELDS
        return FIELDS

    def empty(self) -> Stats:
        import numpy as np
        return np.zeros((0, len(self.stat_fields())), dtype=np.float64)

    def corpus_stats(self, preds: Predictions, setup: Setup, ids: list[str], errors: list[Any] | None = None) -> Stats:
        """The exact match without an error listing (the common case) on the whole corpus at once
        (:mod:`newsgold.scoring.coref_fast`, the same rows); the partial match, the error listing
        with its notes, and input that path declines, one document at a time (:meth:`doc_row`)."""
        if errors is None and setup.coref_match == "exact":
            from newsgold.scoring import coref_fast
            stats = coref_fast.corpus_stats(preds, setup, ids)
            if stats is not None:
                return stats
        return super().corpus_stats(preds, setup, ids, errors)

    def doc_row(self, doc: dict[str, Any], pred: dict[str, Any], setup: Setup, index: DocIndex | None, errors: list[Any] | None) -> Stats:
        from newsgold.scoring import coref
        from newsgold.scoring.coref_task import gold_clusters, gold_min_spans
        response = [[(m["start"], m["end"]) for m in c] for c in pred.get("coref") or []]
        notes: list[str] | None = [] if errors is not None else None
        row = coref.doc_stats(gold_clusters(doc), response, singletons=setup.singletons,
                              min_spans=gold_min_spans(doc) if setup.coref_match == "partial" else None, notes=notes)
        if errors is not None and notes:
            errors.extend(("repeated_mention", None, n) for n in notes)
        return row

    def figures(self, sums: Stats, setup: Setup) -> dict[str, np.ndarray]:
        from newsgold.scoring import coref
        return coref.figures(sums)

    def summary(self, total: Stats, setup: Setup) -> dict[str, Any]:
        from newsgold.scoring.coref_task import gold_min_spans
        match = setup.coref_match
        if match == "partial" and not any(gold_min_spans(d) for d in setup.gold.docs.values()):
            match = "partial (the gold has no minimal spans: the same as exact)"
        return {"counts": {f: round(float(total[i]), 6) for i, f in enumerate(self.stat_fields())},
                "options": {"singletons": "included" if setup.singletons else "excluded", "match": match}}

    def signature_values(self, setup: Setup) -> dict[str, str]:
        """The signature's ``match`` and ``scheme``: the mention match and the metrics with the singleton rule."""
        return {"match": f"coref-{setup.coref_match}",
                "scheme": "muc,bcub,ceafm,ceafe,blanc,lea,conll;singletons-"
                          + ("included" if setup.singletons else "excluded")}

    def headline_figures(self, entry: Mapping[str, Any]) -> list[str]:
        return [f"{m}/{k}" for m in ("mentions", "muc", "bcub", "ceafm", "ceafe", "blanc", "lea")
                for k in ("recall", "precision", "f1")] + ["conll/f1"]

    def in_compare_table(self, figure: str) -> bool:
        return figure.endswith("/f1")

    def tables(self, entry: Mapping[str, Any]) -> list[Table]:
        """The options used, printed with every report (they are in the signature too)."""
        opts = entry.get("options") or {}
        return [Table("coreference options", ["singletons", "mention match"],
                      [[opts.get("singletons", ""), opts.get("match", "")]])]


# ---------------------------------------------------------------- the registry

REGISTRY: dict[str, Task] = {t.name: t for t in (Entities(), DocumentEntities(), Quotes(), Stance(), Coref())}


def get(name: str) -> Task:
    """The task of that name (a scored task or a companion section); KeyError for an unknown one."""
    return REGISTRY[name]


def task_names() -> tuple[str, ...]:
    """The tasks a user can ask for (``--task``), in report order.

    ``entities_document`` is a task of its own since the toolkit after 0.3.0: ``--task entities`` scores
    spans only (the document-level section cost about as much again as the span-level scoring
    of a large corpus, issue 25), ``--task entities_document`` or ``--task all`` adds it."""
    return tuple(REGISTRY)
