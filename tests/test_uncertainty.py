"""Honest uncertainty: no interval or p-value the number of documents cannot support.

Facts are checked by brute-force enumeration, the exact randomization test on hand-worked
corpora and against ``scipy.stats.permutation_test`` (exact), the bootstrap against
``scipy.stats.bootstrap`` (percentile); then every output format of the real CLI on the
shipped two-document release.
"""
from __future__ import annotations

import itertools
import json
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "tools"))
import ng_tools_helpers as H

from newsgold.cli import main
from newsgold.core.repository import current
from newsgold.scoring import resampling as R
from newsgold.scoring import signature

ROOT = current().root                       # the data in use (NEWSGOLD_HOME: another copy)
BASELINE = ROOT / "baselines" / "rules.jsonl"
N_DOCS = len(H.gold_documents(ROOT))        # the shipped tests follow the manifest, never a fixed count
FEW = N_DOCS < 6                            # below 6 documents no interval or p-value can be given
REASON = f"not available with {N_DOCS} document(s)"


def acc(sums):
    """Per-document statistics (hits, items); the figure is hits / items of the summed table."""
    return {"acc": sums[..., 0] / sums[..., 1]}


# ---------------------------------------------------------------- the facts behind the minimum

@pytest.mark.parametrize("n", [1, 2, 3, 4, 5])
def test_distinct_bootstrap_resamples_by_enumeration(n):
    draws = {tuple(sorted(d)) for d in itertools.product(range(n), repeat=n)}
    assert R.distinct_resamples(n) == len(draws)


@pytest.mark.parametrize("n", [1, 2, 3, 5, 6, 8])
def test_smallest_exact_p_by_enumeration(n):
    """All documents favour B equally: only 'no swap' and 'swap all' are as extreme as observed."""
    d = np.ones(n)
    hits = sum(abs(np.dot(1 - 2 * np.array(s), d)) >= n for s in itertools.product([0, 1], repeat=n))
    assert R.smallest_p(n) == pytest.approx(hits / 2 ** n)


def test_minimum_documents_is_derived():
    assert R.minimum_documents(0.95) == 6
    assert R.smallest_p(5) > 0.05 >= R.smallest_p(6)          # the binding fact at 95 %
    assert R.distinct_resamples(4) < 40 <= R.distinct_resamples(5)
    assert R.minimum_documents(0.99) == 8                       # 2/2^8 = 0.0078 <= 0.01 < 2/2^7


def test_availability_reasons():
    assert R.availability(6, 1000).available
    a = R.availability(2, 1000)
    assert not a.available and "3 distinct resample" in a.reason and "0.5" in a.reason and "at least 6" in a.reason
    assert R.availability(100, 0).reason == "resampling turned off (--resamples 0)"


# ---------------------------------------------------------------- hand-made corpora with known answers

def corpus(n, better_by=1):
    a = np.array([[2, 5]] * n, dtype=np.int64)
    b = np.array([[2 + better_by, 5]] * n, dtype=np.int64)
    return a, b


def test_exact_randomization_six_documents():
    """B beats A by one item of five on each of six documents: delta = 6/30 and exactly two of the
    64 swap patterns (none, all) are as extreme: p = 2/64."""
    a, b = corpus(6)
    r = R.paired_tests(a, b, acc, 1000, seed=1)["acc"]
    assert r["delta"] == pytest.approx(6 / 30)
    assert r["p_randomization"] == 2 / 64
    assert r["p_randomization_reason"] is None
    assert R.randomization_method(6, 1000) == "exact"


def test_five_documents_give_no_p_value():
    a, b = corpus(5)
    r = R.paired_tests(a, b, acc, 1000, seed=1)["acc"]
    assert r["delta"] == pytest.approx(5 / 25)
    assert r["p_randomization"] is None and r["p_paired_bootstrap"] is None
    assert "with 5 document(s)" in r["p_randomization_reason"] and "0.0625" in r["p_randomization_reason"]


def test_mixed_corpus_exact_p_by_hand():
    """Seven documents, differences in hits (B - A) of +2, +1, +1, +1, 0, -1, +1 on 5 items each:
    delta = 5/35. |sum of signed differences| >= 5 happens for the patterns counted by brute force below."""
    diffs = [2, 1, 1, 1, 0, -1, 1]
    a = np.array([[2, 5]] * 7, dtype=np.int64)
    b = np.array([[2 + d, 5] for d in diffs], dtype=np.int64)
    extreme = sum(abs(sum(d if s else -d for d, s in zip(diffs, signs))) >= 5 for signs in itertools.product([0, 1], repeat=7))
    r = R.paired_tests(a, b, acc, 1000, seed=1)["acc"]
    assert r["p_randomization"] == pytest.approx(extreme / 128, abs=1e-12)


# ---------------------------------------------------------------- against scipy

def test_exact_randomization_equals_scipy_permutation_test():
    scipy_stats = pytest.importorskip("scipy.stats")
    rng = np.random.default_rng(3)
    n = 10
    items = rng.integers(3, 9, size=n)
    a = np.stack([rng.integers(0, items + 1), items], axis=1)
    b = np.stack([np.minimum(items, a[:, 0] + rng.integers(-1, 3, size=n)), items], axis=1)
    both = np.concatenate([a, b])

    def statistic(x, y):               # x, y: indices into ``both``; pairing swaps x[i] with y[i]
        return acc(both[y].sum(0))["acc"] - acc(both[x].sum(0))["acc"]

    ref = scipy_stats.permutation_test((np.arange(n), np.arange(n) + n), statistic, permutation_type="samples",
                                       n_resamples=np.inf, alternative="two-sided", vectorized=False)
    ours = R.paired_tests(a, b, acc, 1000, seed=1)["acc"]
    assert ours["delta"] == pytest.approx(ref.statistic)
    assert ours["p_randomization"] == pytest.approx(ref.pvalue, abs=1e-9)


def test_bootstrap_interval_matches_scipy_percentile():
    scipy_stats = pytest.importorskip("scipy.stats")
    rng = np.random.default_rng(5)
    n = 40
    items = rng.integers(2, 12, size=n)
    stats = np.stack([rng.binomial(items, 0.7), items], axis=1)

    def statistic(idx, axis=-1):
        s = stats[idx].sum(axis=-2)
        return s[..., 0] / s[..., 1]

    ref = scipy_stats.bootstrap((np.arange(n),), statistic, n_resamples=20000, method="percentile",
                                confidence_level=0.95, vectorized=True, random_state=np.random.default_rng(1))
    lo, hi = R.bootstrap(stats, acc, 20000, seed=2)["acc"]
    assert lo == pytest.approx(ref.confidence_interval.low, abs=0.005)
    assert hi == pytest.approx(ref.confidence_interval.high, abs=0.005)


# ---------------------------------------------------------------- the shipped release, every format

def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def strict_json(text):
    def refuse(name):
        raise AssertionError(f"{name} in JSON output")
    return json.loads(text, parse_constant=refuse)


def test_shipped_score_says_whether_it_gives_intervals(capsys):
    code, out, _ = run(capsys, "score", str(BASELINE))
    assert code == 0
    table = out.split("\n\n")[1]
    cells = [line.split()[3:5] for line in table.splitlines()[2:]]
    if FEW:
        assert f"ci:none-{N_DOCS}docs<6" in out and f"no confidence intervals: {REASON}" in out
        assert all(c == ["n/a", "n/a"] for c in cells), table
    else:
        assert "ci:none-" not in out and "no confidence intervals" not in out
        assert any(c != ["n/a", "n/a"] for c in cells), table


@pytest.mark.parametrize("fmt", ["json", "csv", "markdown"])
def test_every_format_carries_the_reason(capsys, fmt):
    code, out, _ = run(capsys, "score", str(BASELINE), "--format", fmt)
    assert code == 0
    if not FEW:
        assert REASON not in out
        return
    if fmt == "json":
        d = strict_json(out)
        for t in d["tasks"].values():
            assert t["ci_reason"].startswith(REASON)
            assert all(f["ci"] is None and f["ci_reason"] == t["ci_reason"] for f in t["figures"].values())
        assert signature.parse(d["signature"])["ci"] == f"none-{N_DOCS}docs<6"
    elif fmt == "csv":
        lines = out.splitlines()
        assert lines[0].endswith(",ci_low,ci_high,ci_reason".replace("ci_low", "ci95_low").replace("ci_high", "ci95_high"))
        assert all(REASON in line for line in lines[1:])
    else:
        assert f"- entities: no confidence intervals: {REASON}" in out


def test_html_report_says_why(tmp_path, capsys):
    out = tmp_path / "r.html"
    code, _, _ = run(capsys, "report", str(BASELINE), "-o", str(out))
    assert code == 0
    html = out.read_text(encoding="utf-8")
    assert (f"no confidence intervals: {REASON}" in html) == FEW


def test_compare_gives_a_p_value_only_when_the_documents_allow_one(capsys):
    code, out, _ = run(capsys, "compare", str(BASELINE), str(BASELINE), "--format", "json")
    assert code == 0
    d = strict_json(out)
    f = d["tasks"]["entities"]["overall/strict/f1"]
    assert d["methods"]["entities"]["smallest_p"] == pytest.approx(2 / 2 ** N_DOCS)   # the exact test's floor
    if FEW:
        assert f["p_randomization"] is None and REASON in f["p_randomization_reason"]
        code, out, _ = run(capsys, "compare", str(BASELINE), str(BASELINE))
        assert f"entities: no p-values: {REASON}" in out
    else:
        assert f["p_randomization"] is not None


def test_compare_without_resamples_writes_valid_json(capsys):
    code, out, _ = run(capsys, "compare", str(BASELINE), str(BASELINE), "--resamples", "0", "--format", "json")
    assert code == 0
    d = strict_json(out)
    f = d["tasks"]["entities"]["overall/strict/f1"]
    assert f["p_paired_bootstrap"] is None and f["p_paired_bootstrap_reason"] == "resampling turned off (--resamples 0)"


def test_score_errors_json_is_one_document(tmp_path, capsys):
    out = tmp_path / "s.json"
    code, _, _ = run(capsys, "score", str(BASELINE), "--errors", "--format", "json", "--out", str(out))
    assert code == 0
    d = strict_json(out.read_text(encoding="utf-8"))          # one document: json.loads would fail on two
    assert d["errors"] and "tasks" in d
