"""Coreference metrics against the CoNLL-2012 reference scorer's own test suite, a peer and properties.

Source of the cases: the official reference scorer v8.01, repository
``conll/reference-coreference-scorers`` on GitHub, file ``test/CorefMetricTestConfig.pm``
(case ids A1 … N6, the expected recall, precision and F1 of each metric) and the key and
response files it names under ``test/DataFiles/``. The clusters below are those files
transcribed: mentions as ``(first token, last token + 1)``, token positions counted over the
document, clusters in order of first appearance; no file of that repository is committed.
The expected figures are the config's, evaluated and written to five decimals (its rounded
values, e.g. 0.21591, as they are). The Perl harness (``test/test.pl``) passes every one of
these 91 checks when its global repeated-mention counter is reset between runs.
"""
from __future__ import annotations

import itertools
import statistics

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from newsgold.scoring import coref

FILES = {
    "TC-A-1.response": [[(0, 2)], [(3, 7), (9, 10)], [(11, 13), (14, 15), (16, 19)]],
    "TC-A-10.response": [[(0, 2)], [(3, 7)], [(9, 10)], [(11, 13)], [(14, 15)], [(16, 19)]],
    "TC-A-11.response": [[(0, 2), (3, 7), (9, 10), (11, 13), (14, 15), (16, 19)]],
    "TC-A-12.response": [[(0, 2)], [(3, 5)], [(7, 8)], [(9, 10)], [(11, 13)], [(14, 15)], [(16, 17)]],
    "TC-A-13.response": [[(0, 2), (3, 5), (7, 8), (9, 10), (11, 13), (14, 15), (16, 17)]],
    "TC-A-2.response": [[(0, 2)], [(11, 13), (14, 15)]],
    "TC-A-3.response": [[(0, 2)], [(3, 7), (9, 10), (10, 11)], [(11, 13), (13, 14), (14, 15), (16, 19)], [(15, 16)]],
    "TC-A-4.response": [[(0, 2)], [(3, 7), (9, 10), (10, 11)], [(11, 13), (15, 16)], [(13, 14)]],
    "TC-A-5.response": [[(0, 2)], [(4, 6), (3, 7), (9, 10), (10, 11)], [(11, 13), (15, 16)], [(13, 14)]],
    "TC-A-6.response": [[(0, 2)], [(3, 7), (9, 10), (10, 11)], [(4, 6), (13, 14)], [(11, 13), (15, 16)]],
    "TC-A-7.response": [[(0, 2)], [(3, 7), (3, 7), (9, 10), (10, 11)], [(11, 13), (15, 16)], [(13, 14)]],
    "TC-A-8.response": [[(0, 2)], [(3, 7), (9, 10), (10, 11)], [(3, 7), (13, 14)], [(11, 13), (15, 16)]],
    "TC-A-9.response": [
        [(0, 2)],
        [(3, 7), (9, 10), (10, 11)],
        [(3, 7), (3, 7), (3, 7), (3, 7), (3, 7), (3, 7), (3, 7), (3, 7), (3, 7), (3, 7), (13, 14)],
        [(11, 13), (15, 16)],
    ],
    "TC-A.key": [[(0, 2)], [(3, 7), (9, 10)], [(11, 13), (14, 15), (16, 19)]],
    "TC-B-1.response": [[(29, 32), (47, 48), (54, 59)], [(62, 64), (66, 67)]],
    "TC-B.key": [[(1, 13), (47, 48)], [(29, 32), (62, 64), (66, 67)]],
    "TC-C-1.response": [[(29, 32), (47, 48), (54, 59)], [(62, 64), (66, 67)], [(69, 70), (70, 71)]],
    "TC-C.key": [[(1, 13), (47, 48)], [(29, 32), (62, 64), (66, 67)], [(69, 70), (70, 71)]],
    "TC-D-1.response": [
        [(1, 2), (3, 4), (5, 6), (7, 8), (9, 10)],
        [(13, 14), (15, 16), (19, 20), (21, 22), (23, 24), (25, 26), (27, 28)],
    ],
    "TC-D.key": [
        [(1, 2), (3, 4), (5, 6), (7, 8), (9, 10)],
        [(13, 14), (15, 16)],
        [(19, 20), (21, 22), (23, 24), (25, 26), (27, 28)],
    ],
    "TC-E-1.response": [
        [(1, 2), (3, 4), (5, 6), (7, 8), (9, 10), (19, 20), (21, 22), (23, 24), (25, 26), (27, 28)],
        [(13, 14), (15, 16)],
    ],
    "TC-E.key": [
        [(1, 2), (3, 4), (5, 6), (7, 8), (9, 10)],
        [(13, 14), (15, 16)],
        [(19, 20), (21, 22), (23, 24), (25, 26), (27, 28)],
    ],
    "TC-F-1.response": [[(1, 2), (3, 4)], [(5, 6), (7, 8)]],
    "TC-F.key": [[(1, 2), (3, 4), (5, 6), (7, 8)]],
    "TC-G-1.response": [[(1, 2), (3, 4), (5, 6), (7, 8)]],
    "TC-G.key": [[(1, 2), (3, 4)], [(5, 6), (7, 8)]],
    "TC-H-1.response": [[(1, 2), (3, 4), (5, 6), (7, 8)]],
    "TC-H.key": [[(1, 2), (3, 4), (5, 6), (7, 8)]],
    "TC-I-1.response": [[(1, 2), (3, 4)], [(5, 6), (7, 8)]],
    "TC-I.key": [[(1, 2), (3, 4), (5, 6), (7, 8)]],
    "TC-J-1.response": [[(1, 2), (5, 6)]],
    "TC-J.key": [[(1, 2), (3, 4), (5, 6)]],
    "TC-K-1.response": [[(1, 2), (3, 4), (5, 6)], [(7, 8), (9, 10), (11, 12)], [(13, 14), (15, 16), (17, 18)]],
    "TC-K.key": [[(3, 4), (5, 6), (7, 8), (9, 10), (13, 14), (15, 16), (19, 20)]],
    "TC-L-1.response": [[(1, 2), (3, 4)], [(5, 6), (7, 8)], [(11, 12), (13, 14), (15, 16)]],
    "TC-L.key": [[(1, 2), (3, 4), (5, 6)], [(7, 8), (9, 10), (11, 12), (13, 14)]],
    "TC-M-1.response": [[(0, 2), (3, 7), (9, 10), (11, 13), (14, 15), (16, 19)]],
    "TC-M-2.response": [[(0, 2)], [(3, 7)], [(9, 10)], [(11, 13)], [(14, 15)], [(16, 19)]],
    "TC-M-3.response": [[(0, 2), (3, 7)], [(9, 10), (11, 13), (14, 15)], [(16, 19)]],
    "TC-M-4.response": [[(0, 2), (3, 7), (9, 10), (10, 11), (13, 14), (15, 16)]],
    "TC-M-5.response": [[(0, 2)], [(3, 7)], [(9, 10)], [(10, 11)], [(13, 14)], [(15, 16)]],
    "TC-M-6.response": [[(0, 2), (3, 7)], [(9, 10), (10, 11), (13, 14)], [(15, 16)]],
    "TC-M.key": [[(0, 2), (3, 7), (9, 10), (11, 13), (14, 15), (16, 19)]],
    "TC-N-1.response": [[(0, 2)], [(3, 7)], [(9, 10)], [(11, 13)], [(14, 15)], [(16, 19)]],
    "TC-N-2.response": [[(0, 2), (3, 7), (9, 10), (11, 13), (14, 15), (16, 19)]],
    "TC-N-3.response": [[(0, 2), (3, 7)], [(9, 10), (11, 13), (14, 15)], [(16, 19)]],
    "TC-N-4.response": [[(0, 2)], [(3, 7)], [(9, 10)], [(10, 11)], [(13, 14)], [(15, 16)]],
    "TC-N-5.response": [[(0, 2), (3, 7), (9, 10), (10, 11), (13, 14), (15, 16)]],
    "TC-N-6.response": [[(0, 2), (3, 7)], [(9, 10), (10, 11), (13, 14)], [(15, 16)]],
    "TC-N.key": [[(0, 2)], [(3, 7)], [(9, 10)], [(11, 13)], [(14, 15)], [(16, 19)]],
}
CASES = [
    ("A1", "TC-A.key", "TC-A-1.response", {
        "muc": (1.0, 1.0, 1.0),
        "bcub": (1.0, 1.0, 1.0),
        "ceafm": (1.0, 1.0, 1.0),
        "ceafe": (1.0, 1.0, 1.0),
        "blanc": (1.0, 1.0, 1.0),
    }),
    ("A2", "TC-A.key", "TC-A-2.response", {
        "muc": (0.33333, 1.0, 0.5),
        "bcub": (0.38889, 1.0, 0.56),
        "ceafm": (0.5, 1.0, 0.66667),
        "ceafe": (0.6, 0.9, 0.72),
        "blanc": (0.21591, 1.0, 0.35385),
    }),
    ("A3", "TC-A.key", "TC-A-3.response", {
        "muc": (1.0, 0.6, 0.75),
        "bcub": (1.0, 0.50926, 0.67485),
        "ceafm": (1.0, 0.66667, 0.8),
        "ceafe": (0.88571, 0.66429, 0.75918),
        "blanc": (1.0, 0.42593, 0.59717),
    }),
    ("A4", "TC-A.key", "TC-A-4.response", {
        "muc": (0.33333, 0.33333, 0.33333),
        "bcub": (0.55556, 0.40476, 0.46832),
        "ceafm": (0.66667, 0.57143, 0.61538),
        "ceafe": (0.73333, 0.55, 0.62857),
        "blanc": (0.35227, 0.27206, 0.30357),
    }),
    ("A5", "TC-A.key", "TC-A-5.response", {
        "muc": (0.33333, 0.25, 0.28571),
        "bcub": (0.55556, 0.3125, 0.4),
        "ceafm": (0.66667, 0.5, 0.57143),
        "ceafe": (0.68889, 0.51667, 0.59048),
        "blanc": (0.35227, 0.19048, 0.24716),
    }),
    ("A6", "TC-A.key", "TC-A-6.response", {
        "muc": (0.33333, 0.25, 0.28571),
        "bcub": (0.55556, 0.35417, 0.43257),
        "ceafm": (0.66667, 0.5, 0.57143),
        "ceafe": (0.73333, 0.55, 0.62857),
        "blanc": (0.35227, 0.2087, 0.25817),
    }),
    ("A7", "TC-A.key", "TC-A-7.response", {
        "muc": (0.33333, 0.33333, 0.33333),
        "bcub": (0.55556, 0.40476, 0.46832),
        "ceafm": (0.66667, 0.57143, 0.61538),
        "ceafe": (0.73333, 0.55, 0.62857),
        "blanc": (0.35227, 0.27206, 0.30357),
    }),
    ("A8", "TC-A.key", "TC-A-8.response", {
        "muc": (0.33333, 0.33333, 0.33333),
        "bcub": (0.55556, 0.40476, 0.46832),
        "ceafm": (0.66667, 0.57143, 0.61538),
        "ceafe": (0.73333, 0.55, 0.62857),
        "blanc": (0.35227, 0.27206, 0.30357),
    }),
    ("A9", "TC-A.key", "TC-A-9.response", {
        "muc": (0.33333, 0.33333, 0.33333),
        "bcub": (0.55556, 0.40476, 0.46832),
        "ceafm": (0.66667, 0.57143, 0.61538),
        "ceafe": (0.73333, 0.55, 0.62857),
        "blanc": (0.35227, 0.27206, 0.30357),
    }),
    ("A10", "TC-A.key", "TC-A-10.response", {
        "muc": (0.0, 0.0, 0.0),
        "bcub": (0.5, 1.0, 0.66667),
        "blanc": (0.5, 0.36667, 0.42308),
    }),
    ("A11", "TC-A.key", "TC-A-11.response", {
        "muc": (1.0, 0.6, 0.75),
        "bcub": (1.0, 0.38889, 0.56),
        "blanc": (0.5, 0.13333, 0.21053),
    }),
    ("A12", "TC-A.key", "TC-A-12.response", {
        "muc": (0.0, 0.0, 0.0),
        "bcub": (0.36111, 0.57143, 0.44255),
        "blanc": (0.22727, 0.11905, 0.15625),
    }),
    ("A13", "TC-A.key", "TC-A-13.response", {
        "muc": (0.33333, 0.16667, 0.22222),
        "bcub": (0.47222, 0.12245, 0.19447),
        "blanc": (0.125, 0.02381, 0.04),
    }),
    ("B1", "TC-B.key", "TC-B-1.response", {
        "blanc": (0.29167, 0.29167, 0.29167),
    }),
    ("C1", "TC-C.key", "TC-C-1.response", {
        "blanc": (0.5125, 0.5125, 0.5125),
    }),
    ("D1", "TC-D.key", "TC-D-1.response", {
        "muc": (1.0, 0.9, 0.94737),
        "bcub": (1.0, 0.7619, 0.86486),
    }),
    ("E1", "TC-E.key", "TC-E-1.response", {
        "muc": (1.0, 0.9, 0.94737),
        "bcub": (1.0, 0.58333, 0.73684),
    }),
    ("F1", "TC-F.key", "TC-F-1.response", {
        "muc": (0.66667, 1.0, 0.8),
    }),
    ("G1", "TC-G.key", "TC-G-1.response", {
        "muc": (1.0, 0.66667, 0.8),
    }),
    ("H1", "TC-H.key", "TC-H-1.response", {
        "muc": (1.0, 1.0, 1.0),
    }),
    ("I1", "TC-I.key", "TC-I-1.response", {
        "muc": (0.66667, 1.0, 0.8),
    }),
    ("J1", "TC-J.key", "TC-J-1.response", {
        "muc": (0.5, 1.0, 0.66667),
    }),
    ("K1", "TC-K.key", "TC-K-1.response", {
        "muc": (0.5, 0.5, 0.5),
    }),
    ("L1", "TC-L.key", "TC-L-1.response", {
        "muc": (0.4, 0.5, 0.44444),
    }),
    ("M1", "TC-M.key", "TC-M-1.response", {
        "muc": (1.0, 1.0, 1.0),
        "bcub": (1.0, 1.0, 1.0),
        "ceafm": (1.0, 1.0, 1.0),
        "ceafe": (1.0, 1.0, 1.0),
        "blanc": (1.0, 1.0, 1.0),
    }),
    ("M2", "TC-M.key", "TC-M-2.response", {
        "muc": (0.0, 0.0, 0.0),
        "blanc": (0.0, 0.0, 0.0),
    }),
    ("M3", "TC-M.key", "TC-M-3.response", {
        "blanc": (0.26667, 1.0, 0.42105),
    }),
    ("M4", "TC-M.key", "TC-M-4.response", {
        "blanc": (0.2, 0.2, 0.2),
    }),
    ("M5", "TC-M.key", "TC-M-5.response", {
        "muc": (0.0, 0.0, 0.0),
        "blanc": (0.0, 0.0, 0.0),
    }),
    ("M6", "TC-M.key", "TC-M-6.response", {
        "blanc": (0.06667, 0.25, 0.10526),
    }),
    ("N1", "TC-N.key", "TC-N-1.response", {
        "muc": (0.0, 0.0, 0.0),
        "blanc": (1.0, 1.0, 1.0),
    }),
    ("N2", "TC-N.key", "TC-N-2.response", {
        "muc": (0.0, 0.0, 0.0),
        "blanc": (0.0, 0.0, 0.0),
    }),
    ("N3", "TC-N.key", "TC-N-3.response", {
        "blanc": (0.73333, 1.0, 0.84615),
    }),
    ("N4", "TC-N.key", "TC-N-4.response", {
        "muc": (0.0, 0.0, 0.0),
        "blanc": (0.2, 0.2, 0.2),
    }),
    ("N5", "TC-N.key", "TC-N-5.response", {
        "blanc": (0.0, 0.0, 0.0),
    }),
    ("N6", "TC-N.key", "TC-N-6.response", {
        "blanc": (0.13333, 0.18182, 0.15385),
    }),
]


@pytest.mark.parametrize("case_id,key,response,expected", CASES, ids=[c[0] for c in CASES])
def test_reference_scorer_case(case_id, key, response, expected):
    """reference-coreference-scorers, test/CorefMetricTestConfig.pm, case ``case_id``."""
    got = coref.score_clusters(FILES[key], FILES[response])
    for metric, (r, p, f) in expected.items():
        actual = (got[f"{metric}/recall"], got[f"{metric}/precision"], got[f"{metric}/f1"])
        assert actual == pytest.approx((r, p, f), abs=5e-6 + 1e-12), (case_id, metric)


def test_every_reference_check_is_here():
    assert len(CASES) == 36
    assert sum(len(e) for *_, e in CASES) == 91


def test_lea_worked_example_moosavi_strube_2016():
    """LEA by hand, from the definition of Moosavi & Strube (2016, section 4) on their running
    example: key {a,b,c}, {d,e,f,g}; response {a,b}, {c,d}, {f,g,h,i}.
    Recall = (3·1/3 + 4·1/6) / 7 = 0.23810; precision = (2·1 + 2·0 + 4·1/6) / 8 = 0.33333."""
    key = [["a", "b", "c"], ["d", "e", "f", "g"]]
    response = [["a", "b"], ["c", "d"], ["f", "g", "h", "i"]]
    got = coref.score_clusters(key, response)
    r, p = (1 + 4 / 6) / 7, (2 + 4 / 6) / 8
    assert got["lea/recall"] == pytest.approx(r)
    assert got["lea/precision"] == pytest.approx(p)
    assert got["lea/f1"] == pytest.approx(2 * r * p / (r + p))


def test_lea_singletons():
    """A key singleton's self-link is resolved only when the response has it alone too."""
    got = coref.score_clusters([["a"], ["b", "c"]], [["a"], ["b", "c"]])
    assert got["lea/f1"] == 1.0
    got = coref.score_clusters([["a"], ["b"]], [["a", "b"]])
    # recall: neither singleton is alone in the response: 0; precision: link a-b is no key link: 0
    assert got["lea/recall"] == 0.0 and got["lea/precision"] == 0.0


def test_singletons_switch_drops_them_from_both_sides():
    key = [["a"], ["b", "c"]]
    response = [["a"], ["d"], ["b", "c"]]
    with_s = coref.score_clusters(key, response, singletons=True)
    without = coref.score_clusters(key, response, singletons=False)
    assert with_s["bcub/precision"] == pytest.approx(3 / 4)
    assert without["bcub/precision"] == 1.0 and without["mentions/recall"] == 1.0


def test_partial_match_corefud():
    """The response mention (2, 5) lies within the key mention (1, 6) and covers its minimal span (3, 4)."""
    key = [[(1, 6), (10, 12)]]
    response = [[(2, 5), (10, 12)], [(0, 3), (20, 21)]]
    exact = coref.score_clusters(key, response)
    partial = coref.score_clusters(key, response, min_spans={(1, 6): (3, 4)})
    assert exact["muc/recall"] == 0.0
    assert partial["muc/recall"] == 1.0 and partial["mentions/recall"] == 1.0
    # (0, 3) starts before the key span: no match, whatever the minimal span
    assert partial["mentions/precision"] == pytest.approx(2 / 4)


def test_repeated_response_mention_is_dropped_and_reported():
    notes: list[str] = []
    coref.doc_stats([["a", "b"]], [["a", "b"], ["a"]], notes=notes)
    assert any("repeated" in n for n in notes)


# ---- properties and a peer implementation ------------------------------------------------

mentions = st.lists(st.integers(0, 30), min_size=1, max_size=25, unique=True)


@st.composite
def partitions(draw, pool=None):
    items = draw(mentions) if pool is None else pool
    labels = draw(st.lists(st.integers(0, 6), min_size=len(items), max_size=len(items)))
    groups: dict[int, list] = {}
    for m, lab in zip(items, labels):
        groups.setdefault(lab, []).append(m)
    return list(groups.values())


@settings(max_examples=60, deadline=None)
@given(partitions())
def test_identical_key_and_response_score_one(key):
    got = coref.score_clusters(key, key)
    for m in ("muc", "bcub", "ceafm", "ceafe", "lea"):
        if m == "muc" and all(len(c) == 1 for c in key):
            continue          # no link at all: MUC is 0/0, which the reference scorer prints as 0
        assert got[f"{m}/f1"] == pytest.approx(1.0), m


@settings(max_examples=60, deadline=None)
@given(partitions(), partitions())
def test_every_figure_is_in_unit_interval(key, response):
    for name, v in coref.score_clusters(key, response).items():
        assert -1e-12 <= v <= 1 + 1e-12, name


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(partitions(), partitions()), min_size=1, max_size=5))
def test_document_statistics_add_up_to_the_corpus(docs):
    """Scoring documents one by one and summing equals scoring them as one corpus with disjoint mentions."""
    rows = coref.corpus_stats(docs)
    tagged = [([[(d, m) for m in c] for c in k], [[(d, m) for m in c] for c in r]) for d, (k, r) in enumerate(docs)]
    merged_key = [c for k, _ in tagged for c in k]
    merged_resp = [c for _, r in tagged for c in r]
    one = coref.doc_stats(merged_key, merged_resp)
    same = [f for f in coref.FIELDS if not f.startswith("blanc_noncoref")]  # non-links across documents differ
    for f in same:
        assert rows[:, coref.IX[f]].sum() == pytest.approx(one[coref.IX[f]]), f


@settings(max_examples=60, deadline=None)
@given(partitions(), partitions())
def test_same_as_scorch_peer(key, response):
    """scorch (PyPI, an independent implementation of the CoNLL-2012 metrics) on the same partitions."""
    sc = pytest.importorskip("scorch.scores", reason="scorch (test extra) is not installed")
    k = [set(c) for c in key]
    r = [set(c) for c in response]
    got = coref.score_clusters(key, response)
    for name, fn in (("muc", sc.muc), ("bcub", sc.b_cubed), ("ceafm", sc.ceaf_m), ("ceafe", sc.ceaf_e)):
        try:
            pr, pp, pf = fn(k, r)
        except statistics.StatisticsError:   # scorch's F1 (statistics.harmonic_mean) fails when R or P is 0
            assume(False)
        assert (got[f"{name}/recall"], got[f"{name}/precision"], got[f"{name}/f1"]) == pytest.approx((pr, pp, pf)), name


def test_ceaf_alignment_is_optimal():
    """A greedy alignment (largest overlap first) takes K1-R1 (2) and leaves 0; the optimum pairs
    K1-R2 and K2-R1 for 2 + 2."""
    key = [["a", "b", "c"], ["d", "e"]]
    response = [["b", "c", "d", "e"], ["a", "x"]]
    # overlaps: K1∩R1 = 2, K1∩R2 = 1, K2∩R1 = 2, K2∩R2 = 0 → optimum 3 (K1-R2, K2-R1)
    got = coref.score_clusters(key, response)
    assert got["ceafm/recall"] == pytest.approx(3 / 5)
    best = max(sum(len(set(key[i]) & set(response[j])) for i, j in enumerate(p)) for p in itertools.permutations(range(2)))
    assert best == 3


def test_figures_are_vectorised_over_resamples():
    rows = coref.corpus_stats([(FILES["TC-A.key"], FILES["TC-A-4.response"]), (FILES["TC-D.key"], FILES["TC-D-1.response"])])
    stacked = coref.figures(np.stack([rows.sum(0), rows[0]]))
    assert stacked["muc/f1"][1] == pytest.approx(1 / 3)
