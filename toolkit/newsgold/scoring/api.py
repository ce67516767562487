"""The scoring core behind ``newsgold score`` / ``compare`` and ``newsgold.score()`` / ``compare()``.

Flow: read gold and predictions (every problem collected; errors stop, warnings are
reported), turn each document into per-task sufficient statistics, sum them for the
corpus figures, resample them for confidence intervals and tests, stamp a signature.
"""
from __future__ import annotations

import contextlib
import itertools
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import msgspec
import numpy as np

from newsgold.core.deprecation import positional_after_two
from newsgold.core.diagnostics import InputError, Problem
from newsgold.core.records import Predictions
from newsgold.core.repository import shipped_file
from newsgold.core.version import __version__
from newsgold.scoring import quotes as Q
from newsgold.scoring import signature as sig
from newsgold.scoring import tasks as T
from newsgold.scoring.predictions import read_predictions
from newsgold.scoring.resampling import availability, bootstrap, bootstrap_many, paired_tests, randomization_method, smallest_p, too_few_label
from newsgold.scoring.setup import Setup, accepted_labels, make_setup, refuse_with_setup


def load_predictions(predictions: Any, setup: Setup) -> tuple[Predictions, list[Problem]]:
    notes = []
    found = shipped_file(predictions) if isinstance(predictions, (str, Path)) else None
    if found:
        notes.append(Problem(str(found), 0, "", f"{predictions} is not in the current folder: read the file of the dataset copy in use",
                             "shipped-file", "note"))
        predictions = found
    preds, problems = read_predictions(predictions, setup.gold, labels=accepted_labels(setup))
    problems = notes + problems
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise InputError(errors)
    name = str(predictions) if isinstance(predictions, (str, Path)) else "<predictions>"
    missing = [d for d in setup.gold.docs if d not in preds]
    if missing:
        problems.append(Problem(name, 0, "doc_id", f"{len(missing)} gold document(s) have no predictions and count as all missed: "
                                + ", ".join(missing[:5]) + (" …" if len(missing) > 5 else ""), "missing-document", "warning"))
    return preds, problems


def tasks_present(preds: Predictions, task: str) -> list[str]:
    """Tasks to score: the one asked for, or for 'all' every layer some prediction has
    (read off the layers noted while reading, without parsing the records again)."""
    if task != "all":
        return [task]
    found = [t for t in T.task_names() if preds.any_layer(T.get(t).layer)]
    return found or list(T.task_names())


def scored_ids(preds: Predictions, setup: Setup, task: str) -> list[str]:
    """The gold documents a task is scored on, in id order.

    A predictions line without the task's layer means the system did not run that layer
    on the document: the document is left out of that layer's score (the schema's meaning of
    an absent layer). A document with no line at all is scored: everything in it was missed.
    """
    layer = layer_of(task)
    return [d for d in setup.gold.docs if d not in preds or preds.has_layer(d, layer)]


def _exclusion_warning(name: str, task: str, excluded: list[str]) -> Problem:
    return Problem(name, 0, task, f"{len(excluded)} document(s) have a predictions line without a '{task}' layer and are left out "
                   f"of the {task} score (an absent layer means 'not run'; write \"{task}\": [] for 'predicted nothing'): "
                   + ", ".join(excluded[:5]) + (" …" if len(excluded) > 5 else ""), "layer-absent", "warning")


def _require_some(ids: list[str], task: str, name: str) -> None:
    if not ids:
        raise InputError(Problem(name, 0, task, f"no predictions line has a '{task}' layer: nothing to score for {task} "
                                 f"(write \"{task}\": [] on a line to score 'predicted nothing')", "missing-layer"))


def layer_of(task: str) -> str:
    """The predictions layer a task (or a companion section) reads."""
    return T.get(task).layer


def task_stats(preds: Predictions, setup: Setup, task: str, errors: list[Any] | None = None,
               ids: list[str] | None = None) -> np.ndarray:
    """Per-document sufficient statistics of one task, for ``ids`` (default :func:`scored_ids`) in id order.

    When ``errors`` is a list, every error item is appended to it (slower: entities are then
    matched document by document instead of in one vectorised pass).
    """
    ids = list(ids) if ids is not None else scored_ids(preds, setup, task)
    t = T.get(task)
    if t.shares_pass:
        errs = {task: errors} if errors is not None else None
        return layer_stats(preds, setup, [task], errs, ids=ids)[task]
    return t.corpus_stats(preds, setup, ids, errors)


PARALLEL_MIN_DOCS = 2000     # below this, worker processes cost more than they save


def layer_stats(preds: Mapping[str, dict[str, Any]], setup: Setup, tasks: list[str], errors: dict[str, list[Any]] | None = None,
                jobs: int | None = 1, progress: bool = False, ids: list[str] | None = None) -> dict[str, np.ndarray]:
    """Per-document statistics of quotes and/or stance in one pass: each gold record and each
    prediction is parsed once, and each document's name index is built once, for all the tasks.
    With ``errors`` (task -> list), each task's error items are appended to its own list.

    ``jobs`` > 1 (None: every core) scores contiguous shards of documents in forked worker
    processes and stacks their rows in document order: the same table as one process, since
    every row depends on its own document only. ``ids``: the documents to score (default: all)."""
    ids = list(setup.gold.docs) if ids is None else list(ids)
    jobs = (os.cpu_count() or 1) if jobs is None else jobs
    if jobs > 1 and errors is None and len(ids) >= PARALLEL_MIN_DOCS:
        forked = _forked_rows(preds, setup, tasks, ids, jobs)
        if forked is not None:
            return forked
    return _layer_rows(preds, setup, tasks, ids, errors, progress)


_SHARD_INPUT: tuple[Mapping[str, dict[str, Any]], Setup, list[str]] | None = None


def _forked_rows(preds: Mapping[str, dict[str, Any]], setup: Setup, tasks: list[str], ids: list[str], jobs: int) -> dict[str, np.ndarray] | None:
    """:func:`layer_stats` in forked worker processes; None where processes cannot be forked."""
    with contextlib.ExitStack() as stack:
        pending = _forked_start(preds, setup, tasks, ids, jobs, stack)
        return pending() if pending is not None else None


def _forked_start(preds: Mapping[str, dict[str, Any]], setup: Setup, tasks: list[str], ids: list[str], jobs: int,
                  stack: contextlib.ExitStack) -> Callable[[], dict[str, np.ndarray]] | None:
    """Forked workers started on shards of ``ids`` (their pool closed with ``stack``), and the call
    that waits for their rows; None where processes cannot be forked. ``multiprocessing`` is
    imported here, not at start-up: only a large corpus is scored this way."""
    import multiprocessing as mp
    if "fork" not in mp.get_all_start_methods():
        return None
    global _SHARD_INPUT
    _SHARD_INPUT = (preds, setup, tasks)      # inherited by the workers, forked as the pool starts; never pickled
    bounds = np.linspace(0, len(ids), min(jobs, len(ids)) + 1).astype(int)
    shards = [ids[a:b] for a, b in itertools.pairwise(bounds)]
    try:
        pool = stack.enter_context(mp.get_context("fork").Pool(len(shards)))
    finally:
        _SHARD_INPUT = None
    parts = pool.map_async(_shard_rows, shards)
    return lambda: {t: np.concatenate([part[t] for part in parts.get()]) for t in tasks}


def _shard_rows(ids: list[str]) -> dict[str, np.ndarray]:
    """One worker's rows; its input is the parent's :data:`_SHARD_INPUT`, inherited by fork."""
    if _SHARD_INPUT is None:
        raise RuntimeError("_shard_rows runs in a worker forked by layer_stats")
    preds, setup, tasks = _SHARD_INPUT
    return _layer_rows(preds, setup, tasks, ids, None, False)


def _layer_rows(preds: Mapping[str, dict[str, Any]], setup: Setup, tasks: list[str], ids: list[str], errors: dict[str, list[Any]] | None,
                progress: bool) -> dict[str, np.ndarray]:
    gold_docs = setup.gold.docs
    rows: dict[str, list[Any]] = {t: [] for t in tasks}
    records = getattr(preds, "records", preds)
    raw = getattr(records, "raw", None)
    for doc_id in _progress(ids, progress, "+".join(tasks)):
        doc = gold_docs[doc_id]
        pred = _layers_of(raw(doc_id)) if raw is not None and doc_id in records else preds.get(doc_id, {})
        index = Q.doc_index(doc)
        for task in tasks:
            doc_errors: list[tuple[Any, ...]] | None = [] if errors is not None else None
            rows[task].append(T.get(task).doc_row(doc, pred, setup, index, doc_errors))
            if doc_errors and errors is not None:
                errors[task].extend(T.get(task).error_record(doc, e) for e in doc_errors)
    return {t: np.stack(r) if r else T.get(t).empty() for t, r in rows.items()}


class _LayersView(msgspec.Struct, gc=False):
    """The fields of a predictions line quote and stance scoring read; the others (entities, coref:
    most of a line) are skipped while parsing, never built."""
    quotes: Any = msgspec.UNSET
    stance: Any = msgspec.UNSET
    unplaced: Any = msgspec.UNSET


_LAYERS_VIEW = msgspec.json.Decoder(_LayersView)


def _layers_of(raw: str | bytes) -> dict[str, Any]:
    """A stored (so already checked) predictions line as a record of its quotes, stance and
    unplaced strings, as far as it has them: the values ``json`` would give. A line msgspec
    declines (a lone surrogate escape in a field the checks let pass, such as ``system``) is
    decoded whole, as the stored records are."""
    try:
        view = _LAYERS_VIEW.decode(raw)
    except msgspec.DecodeError:
        from newsgold.core.storage import decode
        rec = decode(raw)
        return {k: rec[k] for k in ("quotes", "stance", "unplaced") if k in rec}
    return {k: v for k, v in (("quotes", view.quotes), ("stance", view.stance), ("unplaced", view.unplaced)) if v is not msgspec.UNSET}


def _progress(items: list[Any], on: bool, what: str) -> Iterable[Any]:
    """``items``, with a tqdm bar on stderr when asked for, stderr is a terminal and tqdm is installed."""
    if not on or len(items) < PARALLEL_MIN_DOCS or not sys.stderr.isatty():
        return items
    try:
        from tqdm import tqdm
    except ImportError:
        return items
    bar: Iterable[Any] = tqdm(items, desc=f"scoring {what}", unit="doc", file=sys.stderr, leave=False)
    return bar


def figures_fn(task: str, setup: Setup) -> Callable[[np.ndarray], dict[str, np.ndarray]]:
    """Summed statistics -> figures, for the point estimate, the bootstrap and the paired tests."""
    t = T.get(task)
    return lambda sums: t.figures(sums, setup)


def _num(v: Any) -> float | None:
    """Plain float, None for a figure that does not apply (NaN)."""
    v = float(v)
    return None if v != v else v


@dataclass
class ScoreResult:
    """Scores of one system: figures with CIs, counts, signature, warnings, errors."""

    signature: str
    tasks: dict[str, dict[str, Any]] = field(default_factory=dict)     # task -> figures, counts, documents
    warnings: list[Problem] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)          # error items, with errors=True
    n_documents: int = 0
    stats: dict[str, np.ndarray] = field(default_factory=dict, repr=False)   # task -> per-document statistics

    def to_dict(self) -> dict[str, Any]:
        return {"signature": self.signature, "n_documents": self.n_documents, "tasks": self.tasks,
                "warnings": [str(w) for w in self.warnings], "errors": self.errors}

    def to_dataframe(self) -> Any:
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
        return float(self.tasks[task]["figures"][figure]["value"])


def _signature(setup: Setup, task: str, resamples: int, seed: int, ci: str | None = None, strings: str | None = None) -> str:
    """The signature of the tasks in ``task`` (joined by ``+``): fields a task sets itself
    (:meth:`~newsgold.scoring.tasks.Task.signature_values`, e.g. coreference's ``match`` and ``scheme``)
    are joined with the span tasks' defaults when several tasks are scored together."""
    names = task.split("+")
    own = [T.get(t).signature_values(setup) for t in names]
    default = {"match": "optimal-1to1", "scheme": "strict,exact,partial,type"}
    fields = {k: "+".join(dict.fromkeys(o.get(k, v) for o in own)) for k, v in default.items()}
    return sig.make(version=__version__, data_version=setup.gold.version, data_hash=setup.gold.content_hash, task=task,
                    overlap=setup.overlap, label_map=setup.label_map_name,
                    labels=sorted(setup.keep_labels) if setup.keep_labels else None,
                    zones=sorted(setup.zones) if setup.zones else None, resamples=resamples, seed=seed, ci=ci,
                    match=fields["match"], scheme=fields["scheme"], strings=strings)


def _joined(values: list[str]) -> str:
    return ",".join(dict.fromkeys(values))


@positional_after_two("task", "label_map", "labels", "zones", "overlap", "resamples", "seed", "setup", "errors", "jobs", "progress")
def score(predictions: Any, gold: Any = None, *, task: str = "all", label_map: Any = None, labels: Iterable[str] | None = None,
          zones: Iterable[str] | None = None, overlap: float = 0.5,
          resamples: int = 1000, seed: int = 12345, setup: Setup | None = None, errors: bool = False,
          jobs: int | None = 1, progress: bool = False, singletons: bool = True, coref_match: str = "exact") -> ScoreResult:
    """Score predictions (a JSONL path or a list of records) against the gold.

    ``errors=True`` also lists every missed, spurious, partial and wrongly typed item in
    ``result.errors``. Intervals are given only when the corpus can support them
    (:func:`newsgold.scoring.resampling.availability`); otherwise each figure has ``"ci": null``
    and a ``ci_reason``. ``jobs`` worker processes (None: every core) score quotes and stance
    shards in parallel, with the same result as one; ``progress`` shows a bar on a terminal.
    The settings that shape matching (gold, label map, labels, zones, overlap) are one
    :class:`Setup`: pass them, or pass ``setup=`` (from :func:`make_setup`), not both.
    Returns a :class:`ScoreResult`; raises
    :class:`~newsgold.core.diagnostics.InputError` on bad input.
    """
    if task not in (*T.task_names(), "all"):
        raise InputError(f"unknown task {task!r}; choose {', '.join(T.task_names())} or all")
    if setup is None:
        setup = make_setup(gold, label_map, labels, zones, overlap, singletons=singletons, coref_match=coref_match)
    else:
        refuse_with_setup("score", gold=gold, label_map=label_map, labels=labels, zones=zones, overlap=overlap,
                          singletons=singletons, coref_match=coref_match)
    preds, warnings = load_predictions(predictions, setup)
    name = str(predictions) if isinstance(predictions, (str, Path)) else "<predictions>"
    chosen = tasks_present(preds, task)
    result = ScoreResult(signature="", warnings=warnings, n_documents=len(setup.gold.docs))
    ci_done = []
    ids_of = {t: scored_ids(preds, setup, t) for t in chosen}
    errs = result.errors if errors else None
    stats: dict[str, np.ndarray] = {}
    excluded_of: dict[str, int] = {}
    with _layered(preds, setup, [t for t in chosen if T.get(t).shares_pass], ids_of, errs, jobs, progress) as layered:
        for t in chosen:
            ids = ids_of[t]
            _require_some(ids, t, name)
            excluded = [d for d in setup.gold.docs if d in preds and not preds.has_layer(d, layer_of(t))]
            if excluded and T.get(t).companion_of is None:
                result.warnings.append(_exclusion_warning(name, t, excluded))
            if t not in layered:
                stats[t] = task_stats(preds, setup, t, errs, ids=ids)
            ci_done.append(ci_label(len(ids), resamples))
            excluded_of[t] = len(excluded)
        stats.update(layered.rows())
    result.stats.update((t, stats[t]) for t in chosen)
    result.tasks.update(summarise_all([(t, stats[t], excluded_of[t]) for t in chosen], setup, resamples, seed))
    result.signature = _signature(setup, "+".join(chosen), resamples, seed, _joined(ci_done), preds.strings_rule())
    return result


def ci_label(n_docs: int, resamples: int) -> str:
    """The signature's ``ci`` value for a task scored on ``n_docs`` documents."""
    if availability(n_docs, resamples).available:
        return f"bootstrap-docs-{resamples}-95"
    return "none" if resamples <= 0 else too_few_label(n_docs)


def summarise(task: str, stats: np.ndarray, setup: Setup, resamples: int, seed: int, excluded: int = 0) -> dict[str, Any]:
    """A task's figures (with bootstrap intervals where the number of documents supports them,
    else null and the reason) and counts, from its per-document statistics.

    Shared by :func:`score` and the in-memory scorer (:mod:`newsgold.scoring.inmemory`),
    so both report the same figures from the same statistics.
    """
    avail = availability(len(stats), resamples)
    cis = bootstrap(stats, figures_fn(task, setup), resamples, seed) if avail.available else None
    return _task_entry(task, setup, stats, cis, avail.reason, excluded)


def summarise_all(scored: list[tuple[str, np.ndarray, int]], setup: Setup, resamples: int, seed: int) -> dict[str, dict[str, Any]]:
    """:func:`summarise` of each (task, statistics, excluded documents), in order. The bootstraps
    of tasks over the same number of documents draw their weights together
    (:func:`~newsgold.scoring.resampling.bootstrap_many`): the same intervals, one draw."""
    groups: dict[int, list[tuple[str, np.ndarray]]] = {}
    for t, stats, _ in scored:
        if availability(len(stats), resamples).available:
            groups.setdefault(len(stats), []).append((t, stats))
    cis: dict[str, dict[str, Any]] = {}
    for group in groups.values():
        drawn = bootstrap_many([(stats, figures_fn(t, setup)) for t, stats in group], resamples, seed)
        cis.update(zip([t for t, _ in group], drawn))
    return {t: _task_entry(t, setup, stats, cis.get(t), availability(len(stats), resamples).reason, excluded)
            for t, stats, excluded in scored}


class _LayeredRows:
    """Quotes and stance statistics: those computed already, and those forked workers are computing."""

    def __init__(self) -> None:
        self.done: dict[str, np.ndarray] = {}
        self.pending: list[tuple[list[str], Callable[[], dict[str, np.ndarray]]]] = []

    def __contains__(self, task: object) -> bool:
        return task in self.done or any(task in tasks for tasks, _ in self.pending)

    def rows(self) -> dict[str, np.ndarray]:
        """Every task's rows, waiting for the workers."""
        for _, wait in self.pending:
            self.done.update(wait())
        self.pending = []
        return self.done


@contextlib.contextmanager
def _layered(preds: Predictions, setup: Setup, tasks: list[str], ids_of: dict[str, list[str]], errors: list[Any] | None,
             jobs: int | None, progress: bool) -> Iterator[_LayeredRows]:
    """Quotes and stance statistics, in one pass for the tasks that score the same documents.

    When they all score the same documents, on a corpus large enough for worker processes and
    with no error listing, forked workers compute them while this process scores the other tasks
    (entities, the document level, coreference), and :meth:`_LayeredRows.rows` waits for them;
    otherwise they are computed here first, as one pass. The workers are stopped on leaving."""
    groups: dict[tuple[Any, ...], list[str]] = {}
    for t in tasks:
        if ids_of[t]:
            groups.setdefault(tuple(ids_of[t]), []).append(t)
    out = _LayeredRows()
    n_jobs = (os.cpu_count() or 1) if jobs is None else jobs
    with contextlib.ExitStack() as stack:
        for ids, group in groups.items():
            background = len(groups) == 1 and errors is None and n_jobs > 1 and len(ids) >= PARALLEL_MIN_DOCS
            pending = _forked_start(preds, setup, group, list(ids), n_jobs, stack) if background else None
            if pending is not None:
                out.pending.append((group, pending))
                continue
            errs: dict[str, list[Any]] | None = {t: [] for t in group} if errors is not None else None
            out.done.update(layer_stats(preds, setup, group, errs, jobs, progress, ids=list(ids)))
            if errs is not None and errors is not None:
                for t in group:
                    errors.extend(errs[t])
        yield out


def _task_entry(t: str, setup: Setup, stats: np.ndarray, cis: dict[str, Any] | None, ci_reason: str | None, excluded: int) -> dict[str, Any]:
    """One task's figures (each with its interval, or null and the reason), counts and documents."""
    total = stats.sum(axis=0)
    point = figures_fn(t, setup)(total)
    figs: dict[str, dict[str, Any]] = {}
    for k, v in point.items():
        if cis is None:
            figs[k] = {"value": _num(v), "ci": None, "ci_reason": ci_reason}
        else:
            figs[k] = {"value": _num(v), "ci": list(cis[k])}
    entry: dict[str, Any] = {"n_documents": len(stats), "excluded_documents": excluded, "ci_reason": ci_reason, "figures": figs}
    entry.update(T.get(t).summary(total, setup))
    return entry


@dataclass
class CompareResult:
    """Paired tests between systems A and B: per task, each figure's difference and p-values."""

    signature: str
    a: str
    b: str
    tasks: dict[str, dict[str, Any]]
    warnings: list[Problem]
    methods: dict[str, dict[str, Any]] = field(default_factory=dict)   # task -> the tests run and on how many documents

    def to_dict(self) -> dict[str, Any]:
        return {"signature": self.signature, "a": self.a, "b": self.b, "methods": self.methods, "tasks": self.tasks,
                "warnings": [str(w) for w in self.warnings]}


@positional_after_two("gold", "task", "label_map", "labels", "zones", "overlap", "resamples", "seed")
def compare(a: Any, b: Any, *, gold: Any = None, task: str = "all", label_map: Any = None, labels: Iterable[str] | None = None,
            zones: Iterable[str] | None = None, overlap: float = 0.5,
            resamples: int = 1000, seed: int = 12345, singletons: bool = True, coref_match: str = "exact") -> CompareResult:
    """Paired significance tests between two systems' predictions on the same gold.

    Both systems are compared on the documents both are scored on (:func:`scored_ids`).
    ``methods[task]`` says which tests ran, on how many documents, and the smallest p they can give.
    """
    setup = make_setup(gold, label_map, labels, zones, overlap, singletons=singletons, coref_match=coref_match)
    pa, wa = load_predictions(a, setup)
    pb, wb = load_predictions(b, setup)
    warnings = wa + wb
    chosen = _shared_tasks(pa, pb, task, str(a), str(b), warnings)
    out, methods, done = {}, {}, []
    for t in chosen:
        in_b = set(scored_ids(pb, setup, t))
        ids = [d for d in scored_ids(pa, setup, t) if d in in_b]
        _require_some(ids, t, f"{a} / {b}")
        left_out = [d for d in setup.gold.docs if d not in ids]
        if left_out and T.get(t).companion_of is None:
            warnings.append(_exclusion_warning(f"{a} / {b}", t, left_out))
        out[t] = paired_tests(task_stats(pa, setup, t, ids=ids), task_stats(pb, setup, t, ids=ids), figures_fn(t, setup), resamples, seed)
        methods[t], label = _test_methods(len(ids), resamples)
        done.append(label)
    strings = _joined([r for r in (pa.strings_rule(), pb.strings_rule()) if r]) or None
    return CompareResult(_signature(setup, "+".join(chosen), resamples, seed, _joined(done), strings), str(a), str(b), out, warnings, methods)


def _shared_tasks(pa: Predictions, pb: Predictions, task: str, a: str, b: str, warnings: list[Problem]) -> list[str]:
    """The tasks to compare: the one asked for, or for 'all' those whose layer both systems predict.

    A layer only one system predicts cannot be tested (there is nothing to pair it with): it is
    left out with a warning naming it, and with no layer in common the comparison stops.
    """
    if task != "all":
        return [task]
    names = list(T.task_names())
    in_a = [t for t in names if pa.any_layer(T.get(t).layer)]
    in_b = [t for t in names if pb.any_layer(T.get(t).layer)]
    for t in names:
        if T.get(t).companion_of is None and (t in in_a) != (t in in_b):   # one warning for a layer
            only, other = (a, b) if t in in_a else (b, a)
            warnings.append(Problem(f"{a} / {b}", 0, t, f"only {only} predicts {t}, {other} does not: {t} is not compared",
                                    "layer-not-shared", "warning"))
    shared = [t for t in names if t in in_a and t in in_b]
    if not shared:
        raise InputError(Problem(f"{a} / {b}", 0, "", f"no layer in common: {a} predicts {', '.join(in_a) or 'nothing'}, "
                                 f"{b} predicts {', '.join(in_b) or 'nothing'}", "no-shared-layer"))
    return shared


def _test_methods(n: int, resamples: int) -> tuple[dict[str, Any], str]:
    """What ``compare`` did on n documents (for the report) and its signature label."""
    avail = availability(n, resamples)
    if not avail.available:
        return ({"n_documents": n, "paired_bootstrap": None, "randomization": None, "smallest_p": smallest_p(n),
                 "reason": avail.reason}, "none" if resamples <= 0 else too_few_label(n))
    method = randomization_method(n, resamples)
    patterns = 2 ** n if method == "exact" else resamples
    low = smallest_p(n) if method == "exact" else 1 / (resamples + 1)
    return ({"n_documents": n, "paired_bootstrap": f"{resamples} resamples", "randomization": f"{method}, {patterns} sign patterns",
             "smallest_p": low, "reason": None},
            f"paired-bootstrap-docs-{resamples}+randomization-{method}-{patterns}")
