"""The scoring core behind ``newsgold score`` / ``compare`` and ``newsgold.score()`` / ``compare()``.

Flow: read gold and predictions (every problem collected; errors stop, warnings are
reported), turn each document into per-task sufficient statistics, sum them for the
corpus figures, resample them for confidence intervals and tests, stamp a signature.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from newsgold import __version__
from newsgold.scoring import documents as D
from newsgold.scoring import entities as E
from newsgold.scoring import quotes as Q
from newsgold.scoring import stance as S
from newsgold.scoring import signature as sig
from newsgold.dataset.gold import Gold, load_gold
from newsgold.core.storage import LazyRecords
from newsgold.scoring.predictions import load_label_map, read_predictions
from newsgold.core.diagnostics import InputError, Problem
from newsgold.scoring.resampling import bootstrap, paired_tests
from newsgold.core.schema import ENTITY_LABELS, ZONE_TYPES

TASKS = ("entities", "quotes", "stance")
# Scored alongside a task and reported as a section of its own: document-level entities
# (scoring/documents.py) come with every entity score.
COMPANIONS = {"entities": "entities_document"}


@dataclass
class Setup:
    """Everything that shapes how spans are compared: label map, label subset, zones."""

    gold: Gold
    labels: list[str]                 # the label inventory after mapping, in a fixed order
    mapping: dict | None
    keep_labels: set | None
    zones: set | None
    overlap: float
    label_map_name: str | None

    def map_label(self, label: str, side: str = "pred"):
        """The label after the label map; None drops the span.

        A map that covers every gold label (e.g. OntoNotes→CoNLL-2003) applies to gold and
        predictions alike; a map that does not (a tool's labels → OntoNotes) applies to the
        predictions only. A label the map does not name is kept as it is.
        """
        if self.mapping is None or (side == "gold" and not self.map_applies_to_gold):
            return label
        return self.mapping["map"].get(label, label)

    @property
    def map_applies_to_gold(self) -> bool:
        return self.mapping is not None and set(ENTITY_LABELS) <= set(self.mapping["map"])

    def in_zones(self, doc: dict, start: int) -> bool:
        if self.zones is None:
            return True
        return any(z["start"] <= start < z["end"] and z["type"] in self.zones for z in doc["zones"])

    def entity_tuples(self, doc: dict, items, side: str = "pred") -> list[tuple[int, int, str]]:
        if self.mapping is None and self.keep_labels is None and self.zones is None:
            return [(m["start"], m["end"], m["label"]) for m in items]
        out = []
        for m in items:
            lab = self.map_label(m["label"], side)
            if lab is None or (self.keep_labels is not None and lab not in self.keep_labels):
                continue
            if self.in_zones(doc, m["start"]):
                out.append((m["start"], m["end"], lab))
        return out


def make_setup(gold=None, label_map=None, labels=None, zones=None, overlap: float = 0.5) -> Setup:
    gold = gold if isinstance(gold, Gold) else load_gold(gold)
    mapping = load_label_map(label_map) if isinstance(label_map, (str, Path)) else label_map
    if mapping is None or not set(ENTITY_LABELS) <= set(mapping["map"]):
        inventory = list(ENTITY_LABELS)
        if mapping is not None:
            bad = sorted({v for v in mapping["map"].values() if v} - set(ENTITY_LABELS))
            if bad:
                raise InputError(f"label map {mapping.get('name', '')!r} maps predictions to {', '.join(bad)}, which are not gold labels; "
                                 "a map that does not cover every gold label must map to OntoNotes labels")
    else:
        inventory = sorted({v for v in mapping["map"].values() if v} | set(mapping.get("target_labels", [])))
    if labels:
        unknown = sorted(set(labels) - set(inventory))
        if unknown:
            raise InputError(f"--labels: unknown label(s) {', '.join(unknown)}; the inventory is {', '.join(inventory)}")
    if zones:
        unknown = sorted(set(zones) - set(ZONE_TYPES))
        if unknown:
            raise InputError(f"--zones: unknown zone type(s) {', '.join(unknown)}; zone types are {', '.join(ZONE_TYPES)}")
    if not 0 < overlap <= 1:
        raise InputError(f"--overlap must be in (0, 1], got {overlap}")
    name = None
    if mapping is not None:
        name = mapping.get("name") or "custom"
    return Setup(gold, inventory, mapping, set(labels) if labels else None, set(zones) if zones else None, overlap, name)


def _accepted_labels(setup: Setup) -> list[str]:
    if setup.mapping is None:
        return list(ENTITY_LABELS)
    return sorted(set(setup.mapping["map"]) | set(setup.labels))


def load_predictions(predictions, setup: Setup) -> tuple[dict[str, dict], list[Problem]]:
    preds, problems = read_predictions(predictions, setup.gold, labels=_accepted_labels(setup))
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise InputError(errors)
    name = str(predictions) if isinstance(predictions, (str, Path)) else "<predictions>"
    missing = [d for d in setup.gold.docs if d not in preds]
    if missing:
        problems.append(Problem(name, 0, "doc_id", f"{len(missing)} gold document(s) have no predictions and count as all missed: "
                                + ", ".join(missing[:5]) + (" …" if len(missing) > 5 else ""), "missing-document", "warning"))
    return preds, problems


def tasks_present(preds: dict[str, dict], task: str) -> list[str]:
    """Tasks to score: the one asked for, or for 'all' every layer some prediction has."""
    if task != "all":
        return [task]
    found = [t for t in TASKS if any(t in p for p in preds.values())]
    return found or list(TASKS)


def with_companions(tasks: list[str]) -> list[str]:
    """The tasks followed by their companion sections (``entities`` -> ``entities_document``)."""
    return [x for t in tasks for x in (t, COMPANIONS.get(t)) if x]


def task_stats(preds: dict[str, dict], setup: Setup, task: str, errors: list | None = None) -> np.ndarray:
    """Per-document sufficient statistics of one task, gold documents in id order.

    When ``errors`` is a list, every error item is appended to it (slower: entities are then
    matched document by document instead of in one vectorised pass).
    """
    if task == "entities_document":
        return D.corpus_stats(preds, setup)
    label_index = {lab: i for i, lab in enumerate(setup.labels)}
    gold_docs = setup.gold.docs
    ids = list(gold_docs)
    if task == "entities":
        def tuples(k, doc=None):
            doc = doc if doc is not None else gold_docs[ids[k]]
            return (setup.entity_tuples(doc, doc["entities"]["mentions"], side="gold"),
                    setup.entity_tuples(doc, preds.get(ids[k], {}).get("entities") or []))
        if errors is None:
            # one streaming pass: each document is reduced to integer columns; records read from
            # a file come with their spans already packed, so they are not even parsed again
            plain = setup.mapping is None and setup.keep_labels is None and setup.zones is None
            gp = getattr(gold_docs, "spans", None) if plain else None
            pp = getattr(preds, "spans", None) if plain else None
            cols = E.Columns(label_index)
            for k, doc_id in enumerate(ids):
                if gp is not None and doc_id in gp and (pp is not None or not isinstance(preds, LazyRecords)):
                    cols.add_packed("gold", k, gp[doc_id], gold_docs.vocab)
                    if pp is not None:
                        if doc_id in pp:
                            cols.add_packed("pred", k, pp[doc_id], preds.vocab)
                        elif doc_id in preds and preds[doc_id].get("entities"):
                            cols.add(k, [], setup.entity_tuples(None, preds[doc_id]["entities"]))
                    else:
                        cols.add(k, [], setup.entity_tuples(None, preds.get(doc_id, {}).get("entities") or []))
                else:
                    g, p = tuples(k, gold_docs[doc_id])
                    cols.add(k, g, p)
            flat_g, flat_p = cols.flat()
            return E.corpus_tables(flat_g, flat_p, len(ids), len(label_index),
                                   lambda k: E.doc_table(*tuples(k), label_index))
    docs = ((doc_id, gold_docs[doc_id]) for doc_id in ids)
    rows = []
    for k, (doc_id, doc) in enumerate(docs):
        pred = preds.get(doc_id, {})
        doc_errors = [] if errors is not None else None
        if task == "entities":
            rows.append(E.doc_table(*tuples(k, doc), label_index, doc_errors))
        elif task == "quotes":
            gdoc = doc if setup.zones is None else {**doc, "quotes": [q for q in doc["quotes"] if setup.in_zones(doc, q["content"][0]["start"])]}
            pq = [q for q in pred.get("quotes") or [] if setup.in_zones(doc, q["content"][0]["start"])]
            rows.append(Q.doc_stats(gdoc, pq, setup.overlap, doc_errors))
        else:
            rows.append(S.doc_stats(doc, pred.get("stance") or [], doc_errors))
        if doc_errors:
            errors.extend(_error_record(task, doc, e) for e in doc_errors)
    return np.stack(rows)


def figures_fn(task: str, setup: Setup):
    if task == "entities":
        return lambda sums: E.figures(sums, setup.labels)
    if task == "entities_document":
        return lambda sums: D.figures(sums, setup.labels)
    return Q.figures if task == "quotes" else S.figures


def _span_view(doc: dict, start: int, end: int, extra: dict | None = None) -> dict:
    text = doc["text"]
    out = {"start": start, "end": end, "text": text[start:end],
           "context": text[max(0, start - 40):start].replace("\n", " ") + "[[" + text[start:end] + "]]"
           + text[end:end + 40].replace("\n", " ")}
    if extra:
        out.update(extra)
    return out


def _error_record(task: str, doc: dict, e: tuple) -> dict:
    kind, g, p = e
    rec = {"task": task, "doc_id": doc["id"], "kind": kind, "gold": None, "pred": None}
    if task == "entities":
        if g:
            rec["gold"] = _span_view(doc, g[0], g[1], {"label": g[2]})
        if p:
            rec["pred"] = _span_view(doc, p[0], p[1], {"label": p[2]})
    elif task == "quotes":
        for side, q in (("gold", g), ("pred", p)):
            if q:
                c = q["content"]
                rec[side] = _span_view(doc, c[0]["start"], c[-1]["end"],
                                       {"speaker": (q.get("speaker") or {}).get("text") if isinstance(q.get("speaker"), dict) else None,
                                        "speaker_cluster": q.get("speaker_cluster"), "speaker_name": q.get("speaker_name")})
    else:
        rec["gold"] = {"item": g["id"], "holder": g["holder"], "target": g["target"], "label": g["label"]}
        rec["pred"] = {"label": p}
    return rec


def _num(v) -> float | None:
    """Plain float, None for a figure that does not apply (NaN)."""
    v = float(v)
    return None if v != v else v


@dataclass
class ScoreResult:
    """Scores of one system: figures with CIs, counts, signature, warnings, errors."""

    signature: str
    tasks: dict = field(default_factory=dict)
    warnings: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    n_documents: int = 0
    stats: dict = field(default_factory=dict, repr=False)

    def to_dict(self) -> dict:
        return {"signature": self.signature, "n_documents": self.n_documents, "tasks": self.tasks,
                "warnings": [str(w) for w in self.warnings], "errors": self.errors}

    def to_dataframe(self):
        """Long format: one row per (task, figure) with value and CI bounds."""
        import pandas as pd
        rows = []
        for task, t in self.tasks.items():
            for name, f in t["figures"].items():
                lo, hi = f.get("ci") or (None, None)
                rows.append({"task": task, "figure": name, "value": f["value"], "ci_low": lo, "ci_high": hi})
        df = pd.DataFrame(rows, columns=["task", "figure", "value", "ci_low", "ci_high"])
        df.attrs["signature"] = self.signature
        return df

    def value(self, task: str, figure: str) -> float:
        return self.tasks[task]["figures"][figure]["value"]


def _signature(setup: Setup, task: str, resamples: int, seed: int) -> str:
    return sig.make(version=__version__, data_version=setup.gold.version, data_hash=setup.gold.content_hash, task=task,
                    overlap=setup.overlap, label_map=setup.label_map_name,
                    labels=sorted(setup.keep_labels) if setup.keep_labels else None,
                    zones=sorted(setup.zones) if setup.zones else None, resamples=resamples, seed=seed)


def score(predictions, gold=None, task: str = "all", label_map=None, labels=None, zones=None, overlap: float = 0.5,
          resamples: int = 1000, seed: int = 12345, setup: Setup | None = None, errors: bool = False) -> ScoreResult:
    """Score predictions (a JSONL path or a list of records) against the gold.

    ``errors=True`` also lists every missed, spurious, partial and wrongly typed item in
    ``result.errors``. Returns a :class:`ScoreResult`; raises
    :class:`~newsgold.diagnostics.InputError` on bad input.
    """
    if task not in (*TASKS, "all"):
        raise InputError(f"unknown task {task!r}; choose entities, quotes, stance or all")
    setup = setup or make_setup(gold, label_map, labels, zones, overlap)
    preds, warnings = load_predictions(predictions, setup)
    chosen = tasks_present(preds, task)
    result = ScoreResult(signature=_signature(setup, "+".join(chosen), resamples, seed), warnings=warnings,
                         n_documents=len(setup.gold.docs))
    for t in with_companions(chosen):
        if t in TASKS and preds and not any(t in p for p in preds.values()):
            result.warnings.append(Problem("<predictions>", 0, t, f"no document has a '{t}' layer: every gold item counts as missed",
                                           "missing-layer", "warning"))
        stats = task_stats(preds, setup, t, result.errors if errors else None)
        result.stats[t] = stats
        fig = figures_fn(t, setup)
        total = stats.sum(axis=0)
        point = fig(total)
        cis = bootstrap(stats, fig, resamples, seed)
        entry = {"figures": {k: {"value": _num(v), **({"ci": list(cis[k])} if k in cis else {})} for k, v in point.items()}}
        if t == "entities":
            entry["counts"] = E.counts_dict(total, setup.labels)
            entry["labels"] = [lab for lab in setup.labels if total[setup.labels.index(lab)].sum() > 0]
        elif t == "entities_document":
            entry["counts"] = D.counts(total, setup.labels)
        elif t == "quotes":
            entry["counts"] = {f: int(total[i]) for f, i in Q.IDX.items()}
        else:
            entry["confusion"] = S.confusion(total)
            entry["counts"] = {"gold_items": int(total[:S.CONF].sum()), "e2e_gold": int(total[S.CONF]),
                               "e2e_pred": int(total[S.CONF + 1]), "e2e_tp": int(total[S.CONF + 2])}
        result.tasks[t] = entry
    return result


@dataclass
class CompareResult:
    signature: str
    a: str
    b: str
    tasks: dict
    warnings: list

    def to_dict(self) -> dict:
        return {"signature": self.signature, "a": self.a, "b": self.b, "tasks": self.tasks,
                "warnings": [str(w) for w in self.warnings]}


def compare(a, b, gold=None, task: str = "all", label_map=None, labels=None, zones=None, overlap: float = 0.5,
            resamples: int = 1000, seed: int = 12345) -> CompareResult:
    """Paired significance tests between two systems' predictions on the same gold."""
    setup = make_setup(gold, label_map, labels, zones, overlap)
    pa, wa = load_predictions(a, setup)
    pb, wb = load_predictions(b, setup)
    chosen = sorted(set(tasks_present(pa, task)) | set(tasks_present(pb, task)), key=TASKS.index)
    out = {}
    for t in with_companions(chosen):
        sa, sb = task_stats(pa, setup, t), task_stats(pb, setup, t)
        out[t] = paired_tests(sa, sb, figures_fn(t, setup), resamples, seed)
    return CompareResult(_signature(setup, "+".join(chosen), resamples, seed), str(a), str(b), out, wa + wb)
