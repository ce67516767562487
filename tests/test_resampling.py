"""Bootstrap confidence intervals and paired significance tests over per-document statistics."""
from __future__ import annotations

import random
import warnings

import numpy as np
import pytest

from newsgold.scoring import entities as E
from newsgold.scoring.resampling import bootstrap, paired_tests, resample_weights

LABELS = ["PERSON", "ORG", "GPE", "MISC"]
LIDX = {lab: i for i, lab in enumerate(LABELS)}


def acc_figures(sums):
    """A minimal figure: stats per document are (hits, items); accuracy = hits / items."""
    return {"acc": sums[..., 0] / sums[..., 1]}


def entity_fig(sums):
    return E.figures(sums, LABELS)


def entity_stats(seed, n_docs=200, p_right=0.7):
    """Per-document entity tables of a system that gets each gold span right with probability p_right
    (otherwise wrong type, shifted, or missed). MISC is rare, so some resamples lack it."""
    rnd = random.Random(seed)
    rows = []
    for _ in range(n_docs):
        gold, pred = [], []
        for k in range(rnd.randint(1, 6)):
            s = 10 * k
            lab = "MISC" if rnd.random() < 0.02 else rnd.choice(LABELS[:3])
            gold.append((s, s + 3, lab))
            u = rnd.random()
            if u < p_right:
                pred.append((s, s + 3, lab))
            elif u < p_right + (1 - p_right) / 3:
                pred.append((s, s + 3, rnd.choice([x for x in LABELS[:3] if x != lab])))
            elif u < p_right + 2 * (1 - p_right) / 3:
                pred.append((s, s + 2, lab))
        rows.append(E.doc_table(gold, pred, LIDX))
    return np.stack(rows)


def paired_entity_stats(seed, n_docs=200):
    """Two systems on the same gold: B right more often (0.85) than A (0.6)."""
    return entity_stats(seed, n_docs, 0.6), entity_stats(seed, n_docs, 0.85)


# ---------------------------------------------------------------- resample weights

def test_resample_weights_match_a_naive_count():
    n, B, seed = 7, 300, 99                                  # 300 = chunks of 250 and 50
    got = np.concatenate(list(resample_weights(n, B, np.random.default_rng(seed))))
    rng = np.random.default_rng(seed)
    naive = []
    for b in (250, 50):
        idx = rng.integers(0, n, size=(b, n))
        for r in range(b):
            counts = [0] * n
            for j in idx[r]:
                counts[j] += 1
            naive.append(counts)
    assert got.shape == (B, n)
    assert got.tolist() == naive
    assert (got.sum(axis=1) == n).all()                      # each resample draws n documents


# ---------------------------------------------------------------- bootstrap

def test_bootstrap_seeded_and_contains_point():
    stats = entity_stats(1)
    a = bootstrap(stats, entity_fig, 300, seed=5)
    b = bootstrap(stats, entity_fig, 300, seed=5)
    c = bootstrap(stats, entity_fig, 300, seed=6)
    assert a == b
    assert a != c
    point = entity_fig(stats.sum(0))
    for k in ("overall/strict/f1", "overall/partial/precision", "overall/type/recall", "macro/strict/f1",
              "label/PERSON/strict/f1"):
        lo, hi = a[k]
        assert lo < float(point[k]) < hi, k
        assert hi - lo < 0.2, k                                # 200 documents: a narrow interval


def test_bootstrap_collapses_on_identical_documents():
    one = entity_stats(3, n_docs=1)[0]
    stats = np.stack([one] * 50)
    ci = bootstrap(stats, entity_fig, 200, seed=1)
    point = entity_fig(stats.sum(0))
    for k, (lo, hi) in ci.items():
        v = float(point[k])
        if np.isnan(v):
            assert lo is None and hi is None, k
        else:
            assert lo == pytest.approx(v, abs=1e-12) and hi == pytest.approx(v, abs=1e-12), k


def test_bootstrap_equals_naive_percentiles():
    rnd = random.Random(4)
    stats = np.array([[rnd.randint(0, 5), 5] for _ in range(30)], dtype=np.int64)
    B, seed = 400, 21
    ci = bootstrap(stats, acc_figures, B, seed=seed, confidence=0.9)
    rng = np.random.default_rng(seed)
    vals = []
    for b in (250, 150):
        idx = rng.integers(0, len(stats), size=(b, len(stats)))
        for r in range(b):
            hits = sum(stats[j, 0] for j in idx[r])
            items = sum(stats[j, 1] for j in idx[r])
            vals.append(hits / items)
    lo, hi = np.quantile(vals, [0.05, 0.95])
    assert ci["acc"] == (pytest.approx(lo, abs=1e-12), pytest.approx(hi, abs=1e-12))


def test_bootstrap_edge_cases():
    assert bootstrap(np.zeros((0, 2)), acc_figures, 100) == {}
    assert bootstrap(np.ones((3, 2)), acc_figures, 0) == {}


# ---------------------------------------------------------------- paired tests

def rare_label_stats():
    """199 documents with one right PERSON; one document whose only MISC span is predicted ORG.
    About 37 % of the resamples ((1 - 1/200)^200) lack that document: every MISC figure is
    NaN (not applicable) there."""
    common = E.doc_table([(0, 3, "PERSON")], [(0, 3, "PERSON")], LIDX)
    rare = E.doc_table([(0, 3, "MISC")], [(0, 3, "ORG")], LIDX)
    return np.stack([common] * 199 + [rare])


@pytest.mark.parametrize("make", [lambda: entity_stats(2), rare_label_stats])
def test_system_against_itself(make):
    """delta 0 and p = 1 for every applicable figure, including those undefined in some resamples
    (such resamples say nothing either way and must not count)."""
    stats = make()
    out = paired_tests(stats, stats.copy(), entity_fig, 300, seed=3)
    assert out
    for k, r in out.items():
        if r["delta"] is None:                                 # not applicable (label absent)
            assert r["a"] is None
            continue
        assert r["delta"] == 0.0, k
        assert r["p_paired_bootstrap"] == 1.0, k
        assert r["p_randomization"] == 1.0, k


def test_clearly_better_system_is_significant():
    a, b = paired_entity_stats(8)
    out = paired_tests(a, b, entity_fig, 500, seed=1)
    for k in ("overall/strict/f1", "overall/exact/f1", "macro/strict/f1"):
        r = out[k]
        assert r["delta"] > 0.1, k
        assert r["b"] - r["a"] == pytest.approx(r["delta"])
        assert r["p_paired_bootstrap"] < 0.05, k
        assert r["p_randomization"] < 0.05, k
    # the direction is B minus A: swapping the systems flips the sign, not the p-values
    rev = paired_tests(b, a, entity_fig, 500, seed=1)["overall/strict/f1"]
    assert rev["delta"] == pytest.approx(-out["overall/strict/f1"]["delta"])
    assert rev["p_paired_bootstrap"] == out["overall/strict/f1"]["p_paired_bootstrap"]


def test_paired_tests_equal_a_naive_loop():
    """Both tests reimplemented with plain loops over the same random draws."""
    rnd = random.Random(12)
    n = 25
    sa = np.array([[rnd.randint(0, 6), 6] for _ in range(n)], dtype=np.int64)
    sb = np.array([[min(6, h + rnd.randint(-1, 2)), 6] for h, _ in sa], dtype=np.int64)
    B, seed = 300, 77
    out = paired_tests(sa, sb, acc_figures, B, seed=seed)["acc"]

    def acc(rows):
        return sum(r[0] for r in rows) / sum(r[1] for r in rows)

    delta = acc(sb) - acc(sa)
    assert out["delta"] == pytest.approx(delta, abs=1e-12)
    # paired bootstrap: same documents drawn for both systems, centred deltas vs the observed one
    rng = np.random.default_rng(seed)
    boot = []
    for b in (250, 50):
        idx = rng.integers(0, n, size=(b, n))
        for r in range(b):
            boot.append(acc([sb[j] for j in idx[r]]) - acc([sa[j] for j in idx[r]]))
    mean = sum(boot) / len(boot)
    hits = sum(1 for d in boot if abs(d - mean) >= abs(delta) - 1e-9)
    assert out["p_paired_bootstrap"] == pytest.approx((1 + hits) / (B + 1), abs=1e-12)
    # approximate randomization: swap each document's two rows with probability 1/2
    rng = np.random.default_rng(seed + 1)
    ar = []
    for b in (250, 50):
        swap = rng.integers(0, 2, size=(b, n))
        for r in range(b):
            ra = [sb[j] if swap[r, j] else sa[j] for j in range(n)]
            rb = [sa[j] if swap[r, j] else sb[j] for j in range(n)]
            ar.append(acc(rb) - acc(ra))
    hits = sum(1 for d in ar if abs(d) >= abs(delta) - 1e-9)
    assert out["p_randomization"] == pytest.approx((1 + hits) / (B + 1), abs=1e-12)
    assert 0 < out["p_paired_bootstrap"] <= 1 and 0 < out["p_randomization"] <= 1


def test_paired_tests_are_seeded():
    a, b = paired_entity_stats(9, 60)
    x = paired_tests(a, b, entity_fig, 200, seed=4)
    y = paired_tests(a, b, entity_fig, 200, seed=4)
    assert x == y


def _weights_in_one_draw(n_docs, n_resamples, seed):
    """The weights as the bootstrap drew them before issue 25: every resample in one call."""
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, n_docs, size=(n_resamples, n_docs))
    idx += (np.arange(n_resamples) * n_docs)[:, None]
    return np.bincount(idx.ravel(), minlength=n_resamples * n_docs).reshape(n_resamples, n_docs)


@pytest.mark.parametrize("n_docs", [1, 7, 333])
def test_weights_do_not_depend_on_the_memory_bounds(monkeypatch, n_docs):
    # issue 25 (memory): chunks and draws are split by size; the resamples must stay the same numbers
    import newsgold.scoring.resampling as R
    expected = _weights_in_one_draw(n_docs, 40, 11)
    for cells, draws in ((1 << 24, 1 << 21), (3 * n_docs, 2 * n_docs), (n_docs, n_docs), (1, 1)):
        monkeypatch.setattr(R, "WEIGHT_CELLS", cells)
        monkeypatch.setattr(R, "DRAW_CELLS", draws)
        got = np.concatenate(list(R.resample_weights(n_docs, 40, np.random.default_rng(11), chunk=13)))
        assert got.dtype == np.float32 and np.array_equal(got, expected)


def test_one_blas_thread_gives_the_same_intervals(monkeypatch):
    # issue 25: the products run on one BLAS thread from BLAS_ONE_THREAD_FROM documents on
    from threadpoolctl import threadpool_info

    import newsgold.scoring.resampling as R
    stats = entity_stats(21, n_docs=120)
    monkeypatch.setattr(R, "BLAS_ONE_THREAD_FROM", 10 ** 9)
    free = bootstrap(stats, entity_fig, 300, 4)
    monkeypatch.setattr(R, "BLAS_ONE_THREAD_FROM", 0)
    assert bootstrap(stats, entity_fig, 300, 4) == free
    with R.one_blas_thread(10 ** 6):
        blas = [p for p in threadpool_info() if p.get("user_api") == "blas"]
        assert blas and all(p["num_threads"] == 1 for p in blas)


def test_bootstrap_many_gives_each_table_the_intervals_it_gets_alone():
    """Tables scored in one run share their weight draws: each interval must be the one the
    table gets from a bootstrap of its own (same seed, same number of documents)."""
    import numpy as np

    from newsgold.scoring import entities as E
    from newsgold.scoring.resampling import bootstrap, bootstrap_many
    rng = np.random.default_rng(7)
    counts = rng.integers(0, 5, size=(40, 2, 6))             # entity tables: documents x labels x outcomes
    fractions = rng.random(size=(40, 3))                     # a fractional table (as coreference has)

    def entity_figures(sums):
        return E.figures(sums, ["PERSON", "ORG"])

    def ratio_figures(sums):
        return {"ratio": sums[..., 0] / (sums[..., 1] + sums[..., 2])}
    def percentile_bootstrap(stats, figures, n_resamples, seed):
        """The reference, written out: each table's own draw of weights, float64 sums, the 2.5 and
        97.5 percentiles of every figure (None where a figure is undefined throughout)."""
        rng = np.random.default_rng(seed)
        flat = stats.reshape(len(stats), -1).astype(np.float64)
        rows, names = [], []
        for w in resample_weights(len(stats), n_resamples, rng):
            fig = figures((w.astype(np.float64) @ flat).reshape((len(w),) + stats.shape[1:]))
            names = list(fig)
            rows.append(np.stack([np.asarray(fig[k], dtype=float) for k in names], axis=-1))
        allv = np.concatenate(rows)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)      # a figure undefined in every resample
            lo, hi = np.nanquantile(allv, 0.025, axis=0), np.nanquantile(allv, 0.975, axis=0)
        return {k: tuple(None if np.isnan(x) else pytest.approx(float(x), rel=1e-12) for x in (lo[i], hi[i])) for i, k in enumerate(names)}

    together = bootstrap_many([(counts, entity_figures), (fractions, ratio_figures)], 300, 11)
    assert together == [percentile_bootstrap(counts, entity_figures, 300, 11), percentile_bootstrap(fractions, ratio_figures, 300, 11)]
    assert together[0] == bootstrap(counts, entity_figures, 300, 11)
    assert together[0] != percentile_bootstrap(counts, entity_figures, 300, 12)      # the seed matters: the check can fail
    with pytest.raises(ValueError):
        bootstrap_many([(counts, entity_figures), (fractions[:39], ratio_figures)], 300, 11)
