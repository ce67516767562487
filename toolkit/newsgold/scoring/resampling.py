"""Confidence intervals and significance tests from per-document sufficient statistics.

As in sacreBLEU, a metric is a function of *summed* per-document statistics, so a
resample is just a weighted sum of rows: ``weights (B x docs) @ stats (docs x k)``.
All figures of a task are computed for all resamples at once, vectorised.
Every random step takes an explicit seed (``numpy.random.default_rng(seed)``).

How few documents are too few (:func:`minimum_documents`), from two facts:

* a bootstrap of n documents has only C(2n-1, n) distinct resamples (multisets of size n
  drawn from n documents): 3 for n = 2, 10 for n = 3, 126 for n = 5, 462 for n = 6;
* the exact two-sided sign-flip randomization test over n documents can never give a p
  below 2 / 2^n = 1 / 2^(n-1) (only "all as observed" and "all swapped" are as extreme as
  the observation): 0.5 for n = 2, 0.0625 for n = 5, 0.03125 for n = 6.

Below n = 6 no test at the 5 % level can reject anything, so by the duality of tests and
intervals no 95 % interval narrower than "anything" is supported; and each tail of a 95 %
percentile interval (2.5 %) needs at least 1 / 0.025 = 40 distinct resamples to hold one of
its own (n >= 5). The minimum is the smallest n meeting both: 6 at 95 %. Below it, intervals
and p-values are not computed and the reason is reported instead.
"""
from __future__ import annotations

import contextlib
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

Figures = Callable[[np.ndarray], dict[str, Any]]

CONFIDENCE = 0.95
EXACT_FLIPS_MAX = 2 ** 12         # up to 12 documents the randomization test enumerates every sign flip


def distinct_resamples(n_docs: int) -> int:
    """How many different bootstrap resamples n documents have: multisets of size n, C(2n-1, n)."""
    return math.comb(2 * n_docs - 1, n_docs) if n_docs > 0 else 0


def smallest_p(n_docs: int) -> float:
    """The smallest two-sided p an exact sign-flip randomization test over n documents can give: 2 / 2^n."""
    return min(1.0, 2.0 / 2.0 ** n_docs)


def minimum_documents(confidence: float = CONFIDENCE) -> int:
    """The fewest documents for which intervals and p-values are reported (6 at 95 %; see the module doc)."""
    alpha = 1 - confidence
    n = 1
    while smallest_p(n) > alpha + 1e-12 or distinct_resamples(n) < 1 / (alpha / 2) - 1e-9:
        n += 1
    return n


@dataclass(frozen=True)
class Availability:
    """Whether resampling results can be reported for a corpus, and if not, why (a sentence for users)."""

    available: bool
    reason: str | None
    n_documents: int


def availability(n_docs: int, n_resamples: int, confidence: float = CONFIDENCE) -> Availability:
    """Intervals and p-values are reported only with resampling on and at least :func:`minimum_documents`."""
    if n_resamples <= 0:
        return Availability(False, "resampling turned off (--resamples 0)", n_docs)
    need = minimum_documents(confidence)
    if n_docs < need:
        return Availability(False, (
            f"not available with {n_docs} document(s): a bootstrap of {n_docs} document(s) has only "
            f"{distinct_resamples(n_docs)} distinct resample(s), and the smallest p an exact test can reach is "
            f"{smallest_p(n_docs):.4g}; intervals and p-values need at least {need} documents"), n_docs)
    return Availability(True, None, n_docs)


def too_few_label(n_docs: int, confidence: float = CONFIDENCE) -> str:
    """The signature's value when resampling was skipped for too few documents."""
    return f"none-{n_docs}docs<{minimum_documents(confidence)}"


WEIGHT_CELLS = 1 << 22      # float32 cells of one weight matrix (16 MiB): resamples per chunk shrink as documents grow
DRAW_CELLS = 1 << 20        # documents drawn per call of the generator (8 MiB of int64 indices)


def resample_weights(n_docs: int, n_resamples: int, rng: np.random.Generator, chunk: int = 250) -> Iterator[np.ndarray]:
    """Yield (chunk x n_docs) float32 count matrices: how often each document is drawn.

    Memory stays bounded as the corpus grows: a chunk has at most :data:`WEIGHT_CELLS` cells and
    its rows are drawn :data:`DRAW_CELLS` at a time. The generator gives the same numbers however
    its draws are split into calls (row after row), so the resamples, and the intervals, do not
    depend on these sizes (``tests/test_resampling.py`` checks it)."""
    chunk = max(1, min(chunk, WEIGHT_CELLS // max(n_docs, 1)))
    step = max(1, DRAW_CELLS // max(n_docs, 1))
    done = 0
    while done < n_resamples:
        b = min(chunk, n_resamples - done)
        w = np.empty((b, n_docs), dtype=np.float32)
        for r0 in range(0, b, step):
            rows = min(step, b - r0)
            idx = rng.integers(0, n_docs, size=(rows, n_docs))
            idx += (np.arange(rows) * n_docs)[:, None]
            w[r0:r0 + rows] = np.bincount(idx.ravel(), minlength=rows * n_docs).reshape(rows, n_docs)
        yield w
        done += b


BLAS_ONE_THREAD_FROM = 2000   # documents; below, the products are too small for BLAS to start threads


@contextlib.contextmanager
def one_blas_thread(n_docs: int) -> Iterator[None]:
    """The weighted sums (``weights @ stats``) on one BLAS thread.

    On a machine shared with other work, OpenBLAS's threads wait on each other at every product:
    at 50,000 documents the bootstrap took 0.6 s on one thread and up to 8.8 s on two with the
    other core busy (issue 25). One thread also makes the float64 sums (coreference) add up in
    the same order on every machine. ``threadpoolctl`` (a dependency of scikit-learn) is imported
    only for a corpus large enough to need it."""
    if n_docs < BLAS_ONE_THREAD_FROM:
        yield
        return
    from threadpoolctl import threadpool_limits
    with threadpool_limits(limits=1, user_api="blas"):
        yield


def _flat(stats: np.ndarray) -> np.ndarray:
    """Documents x statistics for the weighted sums: float32 for counts (exact below 2^24 once
    rounded back), float64 for fractional statistics (B³, CEAF-e and LEA numerators of
    coreference), which must not be rounded."""
    flat = stats.reshape(len(stats), -1)
    return flat.astype(np.float32) if np.issubdtype(stats.dtype, np.integer) else flat.astype(np.float64)


def _summed(sums: np.ndarray) -> np.ndarray:
    """Weighted sums back in float64: counts rounded to the integers they are, fractions as they are."""
    return sums.astype(np.float64).round() if sums.dtype == np.float32 else sums


def _figure_matrix(figures: Figures, sums: np.ndarray) -> tuple[list[str], np.ndarray]:
    fig = figures(sums)
    names = list(fig)
    return names, np.stack([np.asarray(fig[k], dtype=float) for k in names], axis=-1)


def bootstrap(stats: np.ndarray, figures: Figures, n_resamples: int = 1000, seed: int = 12345,
              confidence: float = 0.95) -> dict[str, tuple[float | None, float | None]]:
    """Percentile bootstrap CI of every figure, resampling documents with replacement."""
    return bootstrap_many([(stats, figures)], n_resamples, seed, confidence)[0]


def bootstrap_many(tables: list[tuple[np.ndarray, Figures]], n_resamples: int = 1000, seed: int = 12345,
                   confidence: float = 0.95) -> list[dict[str, tuple[float | None, float | None]]]:
    """:func:`bootstrap` of several tables of per-document statistics over the same number of
    documents (the tasks of one run), each weight matrix drawn once for all of them. With the same
    seed and number of documents, :func:`bootstrap` of each table alone draws the same weights, so
    the intervals are the same as one table at a time; drawing them is most of the bootstrap's
    cost on a large corpus."""
    if n_resamples <= 0 or not tables or len(tables[0][0]) == 0:
        return [{} for _ in tables]
    n_docs = len(tables[0][0])
    if any(len(stats) != n_docs for stats, _ in tables):
        raise ValueError("bootstrap_many: every table must have the same number of documents")
    rng = np.random.default_rng(seed)
    flats = [_flat(stats) for stats, _ in tables]
    rows: list[list[np.ndarray]] = [[] for _ in tables]
    names: list[list[str]] = [[] for _ in tables]
    with one_blas_thread(n_docs):
        for w in resample_weights(n_docs, n_resamples, rng):
            for i, ((stats, figures), flat) in enumerate(zip(tables, flats)):
                sums = _summed(w @ flat).reshape((len(w),) + stats.shape[1:])
                names[i], mat = _figure_matrix(figures, sums)
                rows[i].append(mat)
    return [_percentiles(np.concatenate(r, axis=0), n, confidence) for r, n in zip(rows, names)]


def _percentiles(allv: np.ndarray, names: list[str], confidence: float) -> dict[str, tuple[float | None, float | None]]:
    """The percentile interval of each figure (a column of ``allv``, one row per resample)."""
    a = (1 - confidence) / 2
    with np.errstate(invalid="ignore"):
        import warnings
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN columns: figure not applicable
            lo = np.nanquantile(allv, a, axis=0)
            hi = np.nanquantile(allv, 1 - a, axis=0)
    return {k: (_num(lo[i]), _num(hi[i])) for i, k in enumerate(names)}


def _num(x: Any) -> float | None:
    x = float(x)
    return None if np.isnan(x) else x


def randomization_method(n_docs: int, n_resamples: int) -> str:
    """'exact' (every one of the 2^n sign flips) when 2^n <= max(resamples, 4096), else 'approximate'."""
    return "exact" if 2 ** n_docs <= max(n_resamples, EXACT_FLIPS_MAX) else "approximate"


def _all_flips(n: int, chunk: int = 256) -> Iterator[np.ndarray]:
    """Every 0/1 swap vector of length n (2^n rows), in chunks; row r swaps document j when bit j of r is set."""
    bits = np.arange(n)
    for first in range(0, 2 ** n, chunk):
        rows = np.arange(first, min(first + chunk, 2 ** n))
        yield ((rows[:, None] >> bits) & 1).astype(np.float32)


def _random_flips(n: int, n_resamples: int, rng: np.random.Generator, chunk: int = 250) -> Iterator[np.ndarray]:
    done = 0
    while done < n_resamples:
        b = min(chunk, n_resamples - done)
        yield rng.integers(0, 2, size=(b, n)).astype(np.float32)
        done += b


def _flip_deltas(fa: np.ndarray, fb: np.ndarray, shape: tuple[Any, ...], figures: Figures, flips: Iterator[np.ndarray]) -> np.ndarray:
    """B minus A for each swap vector: a swapped document gives its row of A to B and vice versa."""
    diff, base_a, total = fb - fa, fa.sum(0), fa.sum(0) + fb.sum(0)
    with one_blas_thread(len(fa)):
        out = [_swapped(base_a, total, diff, swap, shape, figures) for swap in flips]
    return np.concatenate(out) if out else np.zeros((0, 0))


def _swapped(base_a: np.ndarray, total: np.ndarray, diff: np.ndarray, swap: np.ndarray, shape: tuple[Any, ...],
             figures: Figures) -> np.ndarray:
    """B minus A for one block of swap vectors."""
    sa = base_a[None, :] + swap @ diff
    sb = total[None, :] - sa
    _, ma = _figure_matrix(figures, _summed(sa).reshape((len(swap),) + shape))
    _, mb = _figure_matrix(figures, _summed(sb).reshape((len(swap),) + shape))
    delta: np.ndarray = mb - ma
    return delta


def _bootstrap_deltas(fa: np.ndarray, fb: np.ndarray, shape: tuple[Any, ...], figures: Figures, n_resamples: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    boot = []
    with one_blas_thread(len(fa)):
        for w in resample_weights(len(fa), n_resamples, rng):
            _, ma = _figure_matrix(figures, _summed(w @ fa).reshape((len(w),) + shape))
            _, mb = _figure_matrix(figures, _summed(w @ fb).reshape((len(w),) + shape))
            boot.append(mb - ma)
    return np.concatenate(boot) if boot else np.zeros((0, 0))


def paired_tests(stats_a: np.ndarray, stats_b: np.ndarray, figures: Figures, n_resamples: int = 1000,
                 seed: int = 12345, confidence: float = CONFIDENCE) -> dict[str, dict[str, Any]]:
    """Paired bootstrap and a sign-flip randomization test for every figure (B minus A).

    Paired bootstrap (Koehn 2004, as sacreBLEU): the same document resamples for both
    systems; p = (1 + #{|delta* - mean(delta*)| >= |delta|}) / (B + 1), two-sided.
    Randomization (Riezler & Maxwell 2005): swap the two systems' statistics per document.
    With few documents (:func:`randomization_method`) every one of the 2^n swap patterns is
    enumerated and p = #{|delta_r| >= |delta|} / 2^n is exact; otherwise R random patterns,
    p = (1 + #{|delta_r| >= |delta|}) / (R + 1). B and R count only the resamples in which
    the figure is defined (not NaN). Below :func:`minimum_documents` no p is computed: each
    figure carries ``None`` and a ``*_reason``.
    """
    n = len(stats_a)
    shape = stats_a.shape[1:]
    fa, fb = _flat(stats_a), _flat(stats_b)
    names, va = _figure_matrix(figures, fa.sum(0).astype(np.float64).reshape(shape))
    _, vb = _figure_matrix(figures, fb.sum(0).astype(np.float64).reshape(shape))
    delta = vb - va
    avail = availability(n, n_resamples, confidence)
    boot = ar = None
    method = randomization_method(n, n_resamples)
    if avail.available:
        boot = _bootstrap_deltas(fa, fb, shape, figures, n_resamples, seed)
        flips = _all_flips(n) if method == "exact" else _random_flips(n, n_resamples, np.random.default_rng(seed + 1))
        ar = _flip_deltas(fa, fb, shape, figures, flips)
    out = {}
    for i, k in enumerate(names):
        d = delta[i]
        row = {"a": _num(va[i]), "b": _num(vb[i]), "delta": None if np.isnan(d) else float(d),
               "p_paired_bootstrap": None, "p_paired_bootstrap_reason": avail.reason,
               "p_randomization": None, "p_randomization_reason": avail.reason}
        if np.isnan(d):
            row["p_paired_bootstrap_reason"] = row["p_randomization_reason"] = "figure not applicable"
        elif boot is not None and ar is not None:
            row["p_paired_bootstrap"] = _p_bootstrap(boot[:, i], float(d))
            row["p_randomization"] = _p_flips(ar[:, i], float(d), exact=method == "exact")
        out[k] = row
    return out


def _p_bootstrap(deltas: np.ndarray, d: float, eps: float = 1e-12) -> float:
    # only resamples where the figure is defined count (e.g. a rare label absent from a
    # resample gives NaN): NaN draws in the denominator would shrink p for no reason
    bd = deltas[~np.isnan(deltas)]
    centred = np.abs(bd - (bd.mean() if len(bd) else 0.0))
    return float((1 + np.sum(centred >= abs(d) - eps)) / (len(bd) + 1))


def _p_flips(deltas: np.ndarray, d: float, *, exact: bool, eps: float = 1e-12) -> float:
    ad = deltas[~np.isnan(deltas)]
    hits = np.sum(np.abs(ad) >= abs(d) - eps)
    if exact:            # the observed pattern is one of the enumerated ones: no +1
        return float(hits / len(ad)) if len(ad) else 1.0
    return float((1 + hits) / (len(ad) + 1))
