"""Confidence intervals and significance tests from per-document sufficient statistics.

As in sacreBLEU, a metric is a function of *summed* per-document statistics, so a
resample is just a weighted sum of rows: ``weights (B x docs) @ stats (docs x k)``.
All figures of a task are computed for all resamples at once, vectorised.
Every random step takes an explicit seed (``numpy.random.default_rng(seed)``).
"""
from __future__ import annotations

from typing import Callable

import numpy as np

Figures = Callable[[np.ndarray], dict]


def resample_weights(n_docs: int, n_resamples: int, rng: np.random.Generator, chunk: int = 250):
    """Yield (chunk x n_docs) float32 count matrices: how often each document is drawn."""
    done = 0
    while done < n_resamples:
        b = min(chunk, n_resamples - done)
        idx = rng.integers(0, n_docs, size=(b, n_docs))
        idx += (np.arange(b) * n_docs)[:, None]
        w = np.bincount(idx.ravel(), minlength=b * n_docs).reshape(b, n_docs).astype(np.float32)
        yield w
        done += b


def _figure_matrix(figures: Figures, sums: np.ndarray) -> tuple[list[str], np.ndarray]:
    fig = figures(sums)
    names = list(fig)
    return names, np.stack([np.asarray(fig[k], dtype=float) for k in names], axis=-1)


def bootstrap(stats: np.ndarray, figures: Figures, n_resamples: int = 1000, seed: int = 12345,
              confidence: float = 0.95) -> dict[str, tuple[float, float]]:
    """Percentile bootstrap CI of every figure, resampling documents with replacement."""
    if n_resamples <= 0 or len(stats) == 0:
        return {}
    rng = np.random.default_rng(seed)
    flat = stats.reshape(len(stats), -1).astype(np.float32)
    shape = stats.shape[1:]
    rows = []
    names: list[str] = []
    for w in resample_weights(len(stats), n_resamples, rng):
        sums = (w @ flat).astype(np.float64).round().reshape((len(w),) + shape)
        names, mat = _figure_matrix(figures, sums)
        rows.append(mat)
    allv = np.concatenate(rows, axis=0)
    a = (1 - confidence) / 2
    with np.errstate(invalid="ignore"):
        import warnings
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN columns: figure not applicable
            lo = np.nanquantile(allv, a, axis=0)
            hi = np.nanquantile(allv, 1 - a, axis=0)
    return {k: (_num(lo[i]), _num(hi[i])) for i, k in enumerate(names)}


def _num(x) -> float | None:
    x = float(x)
    return None if np.isnan(x) else x


def paired_tests(stats_a: np.ndarray, stats_b: np.ndarray, figures: Figures, n_resamples: int = 1000,
                 seed: int = 12345) -> dict[str, dict]:
    """Paired bootstrap and approximate randomization for every figure (B minus A).

    Paired bootstrap (Koehn 2004, as sacreBLEU): the same document resamples for both
    systems; p = (1 + #{|delta* - mean(delta*)| >= |delta|}) / (B + 1), two-sided.
    Approximate randomization (Riezler & Maxwell 2005): swap the two systems' statistics
    per document with probability 1/2; p = (1 + #{|delta_r| >= |delta|}) / (R + 1).
    B and R count only the resamples in which the figure is defined (not NaN).
    """
    n = len(stats_a)
    shape = stats_a.shape[1:]
    fa = stats_a.reshape(n, -1).astype(np.float32)
    fb = stats_b.reshape(n, -1).astype(np.float32)
    names, va = _figure_matrix(figures, fa.sum(0).astype(np.float64).reshape(shape))
    _, vb = _figure_matrix(figures, fb.sum(0).astype(np.float64).reshape(shape))
    delta = vb - va
    rng = np.random.default_rng(seed)
    boot = []
    for w in resample_weights(n, n_resamples, rng):
        _, ma = _figure_matrix(figures, (w @ fa).astype(np.float64).round().reshape((len(w),) + shape))
        _, mb = _figure_matrix(figures, (w @ fb).astype(np.float64).round().reshape((len(w),) + shape))
        boot.append(mb - ma)
    boot = np.concatenate(boot) if boot else np.zeros((0, len(names)))
    rng = np.random.default_rng(seed + 1)
    diff = fb - fa
    base_a = fa.sum(0)
    ar = []
    done = 0
    while done < n_resamples:
        b = min(250, n_resamples - done)
        swap = rng.integers(0, 2, size=(b, n)).astype(np.float32)
        sa = base_a[None, :] + swap @ diff          # system "A" after swaps
        sb = (fa.sum(0) + fb.sum(0))[None, :] - sa
        _, ma = _figure_matrix(figures, sa.astype(np.float64).round().reshape((b,) + shape))
        _, mb = _figure_matrix(figures, sb.astype(np.float64).round().reshape((b,) + shape))
        ar.append(mb - ma)
        done += b
    ar = np.concatenate(ar) if ar else np.zeros((0, len(names)))
    out = {}
    eps = 1e-12
    for i, k in enumerate(names):
        d = delta[i]
        if np.isnan(d):
            out[k] = {"a": _num(va[i]), "b": _num(vb[i]), "delta": None, "p_paired_bootstrap": None, "p_approximate_randomization": None}
            continue
        if len(boot):
            # only resamples where the figure is defined count (e.g. a rare label absent from a
            # resample gives NaN): NaN draws in the denominator would shrink p for no reason
            bd = boot[:, i][~np.isnan(boot[:, i])]
            ad = ar[:, i][~np.isnan(ar[:, i])]
            centred = np.abs(bd - (bd.mean() if len(bd) else 0.0))
            p_boot = (1 + np.sum(centred >= abs(d) - eps)) / (len(bd) + 1)
            p_ar = (1 + np.sum(np.abs(ad) >= abs(d) - eps)) / (len(ad) + 1)
        else:
            p_boot = p_ar = float("nan")
        out[k] = {"a": _num(va[i]), "b": _num(vb[i]), "delta": float(d),
                  "p_paired_bootstrap": float(p_boot), "p_approximate_randomization": float(p_ar)}
    return out
