"""newsgold.spans: overlap helpers and the one-to-one optimal matching.

Expected values come from hand-worked cases (reasoning in comments), from brute force
(every admissible matching enumerated) and from properties (order independence).
"""
from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsgold.scoring.spans import default_tiers, iou, match, overlap_len, overlapping_pairs

LABELS = ("PERSON", "ORG", "GPE")


# ---------------------------------------------------------------- helpers (independent of the module)

def brute_pairs(gold, pred):
    """All (gi, pi) whose [start, end) share at least one position: the definition itself."""
    return sorted((gi, pi) for gi, g in enumerate(gold) for pi, p in enumerate(pred)
                  if set(range(g[0], g[1])) & set(range(p[0], p[1])))


def all_matchings(pairs):
    """Every set of pairs in which no gold and no prediction occurs twice (including the empty one)."""
    by_gold = {}
    for g, p in pairs:
        by_gold.setdefault(g, []).append(p)
    golds = sorted(by_gold)
    out = []

    def rec(k, used, chosen):
        if k == len(golds):
            out.append(tuple(chosen))
            return
        rec(k + 1, used, chosen)                      # this gold left unmatched
        for p in by_gold[golds[k]]:
            if p not in used:
                rec(k + 1, used | {p}, chosen + [(golds[k], p)])

    rec(0, frozenset(), [])
    return out


def objective(gold, pred, matching):
    """Lexicographic objective of the docstring: #exact span and label, #exact span, #pairs,
    #same label, sum IoU (IoU by hand)."""
    n_strict = n_exact = n_same = 0
    s_iou = 0.0
    for g, p in matching:
        G, P = gold[g], pred[p]
        exact = (G[0], G[1]) == (P[0], P[1])
        n_strict += exact and G[2] == P[2]
        n_exact += exact
        n_same += G[2] == P[2]
        inter = len(set(range(G[0], G[1])) & set(range(P[0], P[1])))
        union = len(set(range(G[0], G[1])) | set(range(P[0], P[1])))
        s_iou += inter / union
    return (n_strict, n_exact, len(matching), n_same, s_iou)


span = st.tuples(st.integers(0, 14), st.integers(1, 5), st.sampled_from(LABELS)).map(lambda t: (t[0], t[0] + t[1], t[2]))


# ---------------------------------------------------------------- small functions

def test_overlap_len_and_iou_by_hand():
    # [0,10) and [5,15) share 5..9: 5 positions; union 0..14: 15 positions
    assert overlap_len(0, 10, 5, 15) == 5
    assert iou((0, 10), (5, 15)) == pytest.approx(5 / 15)
    # touching spans (end exclusive) share nothing
    assert overlap_len(0, 5, 5, 9) == 0
    assert iou((0, 5), (5, 9)) == 0.0
    # nested: [2,4) inside [0,10): 2 / 10
    assert iou((0, 10), (2, 4)) == pytest.approx(0.2)
    assert iou((3, 7), (3, 7)) == 1.0


@settings(max_examples=200, deadline=None)
@given(st.lists(span, max_size=8), st.lists(span, max_size=8))
def test_overlapping_pairs_equals_definition(gold, pred):
    assert sorted(overlapping_pairs(gold, pred)) == brute_pairs(gold, pred)


# ---------------------------------------------------------------- matching

@settings(max_examples=300, deadline=None)
@given(st.lists(span, max_size=4), st.lists(span, max_size=4))
def test_match_is_one_to_one_admissible_and_optimal(gold, pred):
    pairs = brute_pairs(gold, pred)
    got = match(gold, pred)
    # one-to-one and only overlapping pairs
    assert len({g for g, _ in got}) == len(got) == len({p for _, p in got})
    assert set(got) <= set(pairs)
    # lexicographically optimal, checked against every admissible matching
    best = max(objective(gold, pred, m) for m in all_matchings(pairs))
    mine = objective(gold, pred, got)
    assert mine[:4] == best[:4]
    assert mine[4] == pytest.approx(best[4], abs=1e-9)


@settings(max_examples=200, deadline=None)
@given(st.lists(span, max_size=7), st.lists(span, max_size=7), st.randoms(use_true_random=False))
def test_match_is_order_independent(gold, pred, rnd):
    """Shuffling gold and predictions never changes which (gold item, predicted item) pairs are matched."""
    def content(g, p, m):
        return sorted((g[a], p[b]) for a, b in m)

    ref = content(gold, pred, match(gold, pred))
    for _ in range(3):
        g2, p2 = gold[:], pred[:]
        rnd.shuffle(g2)
        rnd.shuffle(p2)
        assert content(g2, p2, match(g2, p2)) == ref


def test_type_tier_prefers_same_label_where_greedy_would_not():
    # gold PERSON [0,10); predictions ORG [0,4) (listed first) and PERSON [5,10).
    # Neither is exact; both give one pair, so the tie is broken by the label tier:
    # the PERSON prediction (index 1) is matched, whatever the order of the predictions.
    gold = [(0, 10, "PERSON")]
    assert match(gold, [(0, 4, "ORG"), (5, 10, "PERSON")]) == [(0, 1)]
    assert match(gold, [(5, 10, "PERSON"), (0, 4, "ORG")]) == [(0, 0)]


def test_exact_tier_beats_label_and_iou():
    # gold ORG [0,6); predictions PERSON [0,6) (exact, other label) and ORG [0,5) (same label, IoU 5/6).
    # Exact boundaries rank above the label: the PERSON prediction is matched.
    gold = [(0, 6, "ORG")]
    assert match(gold, [(0, 5, "ORG"), (0, 6, "PERSON")]) == [(0, 1)]


def test_iou_tier_breaks_remaining_ties():
    # gold [0,10) X; predictions [0,3) X (IoU 0.3) and [0,8) X (IoU 0.8): the larger overlap wins.
    assert match([(0, 10, "X")], [(0, 3, "X"), (0, 8, "X")]) == [(0, 1)]


def test_cardinality_over_a_chain_when_nothing_is_exact():
    # gold A [0,4), B [4,8); predictions P [2,6) overlaps both, Q [6,8) only B.
    # Greedy in prediction order would give P-B (closest? or P-A) and then maybe nothing for Q;
    # with no exact pair, the number of pairs decides: P-A and Q-B.
    gold = [(0, 4, "X"), (4, 8, "X")]
    pred = [(2, 6, "X"), (6, 8, "X")]
    assert match(gold, pred) == [(0, 0), (1, 1)]
    # with B exact to P: gold A [0,4), B [2,6), P [2,6), Q [0,1): P-B exact and Q-A, both kept.
    gold = [(0, 4, "X"), (2, 6, "X")]
    pred = [(2, 6, "X"), (0, 1, "X")]
    assert match(gold, pred) == [(0, 1), (1, 0)]


def test_exact_pair_beats_two_loose_pairs():
    # gold A [0,10), B [0,3); predictions P [0,10) exact on A, Q [5,8) overlaps A only.
    # Two pairs are possible only as P-B and Q-A (no exact pair); the exact pair P-A wins.
    gold = [(0, 10, "X"), (0, 3, "X")]
    pred = [(0, 10, "X"), (5, 8, "X")]
    assert match(gold, pred) == [(0, 0)]


def test_default_tiers_values():
    # (exact span and label, exact span, pair, same label, IoU)
    assert default_tiers((0, 5, "A"), (0, 5, "A")) == (1.0, 1.0, 1.0, 1.0, 1.0)
    assert default_tiers((0, 5, "A"), (0, 5, "B")) == (0.0, 1.0, 1.0, 0.0, 1.0)
    st_, e, pair, s, o = default_tiers((0, 10, "A"), (5, 10, "B"))
    assert (st_, e, pair, s) == (0.0, 0.0, 1.0, 0.0) and o == pytest.approx(0.5)
    # items without a label field: the label tiers are 0
    assert default_tiers((0, 5), (0, 5))[:4] == (0.0, 1.0, 1.0, 0.0)


def test_explicit_pairs_restrict_matching():
    gold = [(0, 5, "A"), (10, 15, "A")]
    pred = [(0, 5, "A"), (10, 15, "A")]
    assert match(gold, pred, pairs=[(1, 1)]) == [(1, 1)]
    assert match(gold, pred, pairs=[]) == []
    assert match([], pred) == [] and match(gold, []) == []


def test_large_component_is_still_optimal():
    """A long chain of mutually overlapping spans (one component) against brute-force maximum matching."""
    rnd = random.Random(7)
    for _ in range(30):
        gold = [(i * 3, i * 3 + 4, rnd.choice(LABELS)) for i in range(5)]
        pred = [(s, s + rnd.randint(1, 5), rnd.choice(LABELS)) for s in (rnd.randint(0, 15) for _ in range(5))]
        pairs = brute_pairs(gold, pred)
        best = max(objective(gold, pred, m) for m in all_matchings(pairs))
        mine = objective(gold, pred, match(gold, pred))
        assert mine[:3] == best[:3]
        assert mine[3] == pytest.approx(best[3], abs=1e-9)


# ---------------------------------------------------------------- the machinery behind match() at any size

import numpy as _np  # noqa: E402

from newsgold.scoring import spans as _spans  # noqa: E402


def test_small_assignment_is_scipys_own_choice_ties_included():
    """Peer implementation in the test: scipy's linear_sum_assignment, on small matrices full of ties."""
    linear_sum_assignment = pytest.importorskip("scipy.optimize").linear_sum_assignment
    rng = _np.random.default_rng(7)
    for t in range(1500):
        n_rows, n_cols = rng.integers(1, 8, 2)
        if t % 3 == 0:
            w = rng.integers(0, 3, (n_rows, n_cols)).astype(float)
        elif t % 3 == 1:
            w = rng.random((n_rows, n_cols)) * (rng.random((n_rows, n_cols)) < 0.6)
        else:
            w = _np.round(rng.random((n_rows, n_cols)) * 4) / 3
        r, c = linear_sum_assignment(w, maximize=True)
        assert _spans.small_assignment(w.tolist()) == (r.tolist(), c.tolist()), w


def _tangle(n, seed):
    import random
    rng = random.Random(seed)
    labels = ["PERSON", "ORG", "GPE"]
    gold = sorted({(s, s + rng.randint(1, 30), rng.choice(labels)) for s in (rng.randint(0, 200) for _ in range(n))})
    pred = sorted({(s, s + rng.randint(1, 30), rng.choice(labels)) for s in (rng.randint(0, 200) for _ in range(n))})
    return gold, pred


@pytest.mark.parametrize("seed", range(6))
def test_dense_path_gives_the_per_pair_matching(seed, monkeypatch):
    """The array path (pairs by searchsorted, components by a sweep, weights as arrays) against the
    per-pair path on the same tangled documents: the same matching, pair for pair."""
    pytest.importorskip("scipy")
    gold, pred = _tangle(400, seed)
    dense = _spans.match(gold, pred)
    assert len(_spans._pair_arrays(gold, pred)[0]) > _spans.DENSE_PAIRS   # the array branch is taken
    monkeypatch.setattr(_spans, "DENSE_PAIRS", 10 ** 12)
    monkeypatch.setattr(_spans, "SMALL_CELLS", 0)          # every component through scipy, per pair
    assert _spans.match(gold, pred) == dense
    assert sorted(_spans.overlapping_pairs(gold, pred)) == sorted(zip(*(a.tolist() for a in _spans._pair_arrays(gold, pred))))


# ---------------------------------------------------------------- the dense path's parts, against the per-pair code

def _spread(rng, n, width, max_len, min_len=1):
    return [(s, s + rng.randint(min_len, max_len), rng.choice(LABELS)) for s in (rng.randint(0, width) for _ in range(n))]


def _random_doc(seed, min_len=1):
    """Documents from sparse (many small components) to tangled (a few large ones, some where every
    gold span meets every prediction, some not)."""
    rng = random.Random(seed)
    n, width, max_len = rng.choice([5, 40, 150]), rng.choice([20, 200, 2000]), rng.choice([3, 20, 150])
    gold = _spread(rng, n, width, max_len, min_len)
    pred = _spread(rng, rng.choice([n, 2 * n, n // 3 + 1]), width, max_len, min_len) + [g for g in gold if rng.random() < 0.3]
    return gold, pred


def _partition(labelled):
    """Components as a set of frozensets of ("g", i) / ("p", j) nodes, from (node, label) pairs."""
    groups = {}
    for node, c in labelled:
        groups.setdefault(c, set()).add(node)
    return {frozenset(v) for v in groups.values()}


@pytest.mark.parametrize("seed", range(300))
def test_interval_components_are_the_components_of_the_pairs(seed):
    """The sweep's components against union-find over every overlapping pair (:func:`_components`
    on the definition's pairs); a span that overlaps nothing is in no component."""
    gold, pred = _random_doc(seed)
    g_comp, p_comp = _spans._interval_components(_spans._bounds(gold), _spans._bounds(pred))
    nodes = [(("g", i), c) for i, c in enumerate(g_comp.tolist()) if c >= 0] + [(("p", j), c) for j, c in enumerate(p_comp.tolist()) if c >= 0]
    pairs = brute_pairs(gold, pred)
    expected = {frozenset(n for gp in comp for n in (("g", gp[0]), ("p", gp[1]))) for comp in _spans._components(pairs)}
    assert _partition(nodes) == expected
    # labels number the components 0, 1, ... in text order
    assert sorted(set(g_comp[g_comp >= 0].tolist()) | set(p_comp[p_comp >= 0].tolist())) == list(range(len(expected)))


@pytest.mark.parametrize("seed", range(100))
def test_pair_counts_count_the_overlapping_gold_spans(seed):
    gold, pred = _random_doc(seed)
    got = _spans._pair_counts(_spans._bounds(gold), _spans._bounds(pred)).tolist()
    pairs = brute_pairs(gold, pred)
    assert got == [sum(1 for _, p in pairs if p == j) for j in range(len(pred))]


def _per_pair(gold, pred, monkeypatch, tiers=None):
    """The per-pair path: Python pairs, union-find components, one weight at a time."""
    with monkeypatch.context() as m:
        m.setattr(_spans, "DENSE_PAIRS", 10 ** 12)
        return _spans.match(gold, pred, tiers=tiers)


@pytest.mark.parametrize("seed", range(120))
def test_dense_path_on_random_documents_gives_the_per_pair_matching(seed, monkeypatch):
    """Many components, complete or not, wide and tall, with the default tiers and with others."""
    pytest.importorskip("scipy")
    gold, pred = _random_doc(seed)
    monkeypatch.setattr(_spans, "DENSE_PAIRS", 8)        # the array path even for small documents
    assert _spans.match(gold, pred) == _per_pair(gold, pred, monkeypatch)
    if seed % 4 == 0:
        def tiers(g, p):
            return (float(g[2] == p[2]), iou(g, p))
        assert _spans.match(gold, pred, tiers=tiers) == _per_pair(gold, pred, monkeypatch, tiers)


@pytest.mark.parametrize("seed", range(40))
def test_empty_spans_take_the_graph_path_and_give_the_per_pair_matching(seed, monkeypatch):
    """An empty span covers no character but can still overlap (start inside another span): such
    documents keep the listed pairs and csgraph components."""
    pytest.importorskip("scipy")
    gold, pred = _random_doc(seed, min_len=0)
    gold.append((5, 5, "ORG"))
    pred.append((3, 9, "ORG"))
    monkeypatch.setattr(_spans, "DENSE_PAIRS", 8)
    assert _spans.match(gold, pred) == _per_pair(gold, pred, monkeypatch)


def test_complete_dense_block_tall_and_wide(monkeypatch):
    """Blocks where every gold span meets every prediction (solved without listing the pairs),
    more gold than predictions and the reverse, plus a chain beside them."""
    pytest.importorskip("scipy")
    rng = random.Random(5)
    for n_g, n_p in ((60, 35), (35, 60)):
        gold = [(i, 1000 + i, LABELS[i % 3]) for i in range(n_g)] + [(5000 + 7 * i, 5012 + 7 * i, "ORG") for i in range(30)]
        pred = [(i + rng.randint(0, 3), 1000 + i + rng.randint(0, 3), LABELS[i // 2 % 3]) for i in range(n_p)]
        pred += gold[:5] + [(5003 + 7 * i, 5010 + 7 * i, LABELS[i % 3]) for i in range(30)]
        assert _spans.match(gold, pred) == _per_pair(gold, pred, monkeypatch)


def test_solve_negated_in_place_is_scipys_maximum_choice():
    """Peer: ``linear_sum_assignment(w, maximize=True)`` on tie-heavy matrices above SMALL_CELLS."""
    linear_sum_assignment = pytest.importorskip("scipy.optimize").linear_sum_assignment
    rng = _np.random.default_rng(3)
    for _ in range(60):
        w = rng.integers(0, 3, tuple(rng.integers(15, 40, 2))).astype(float) / 3
        r, c = linear_sum_assignment(w, maximize=True)
        assert _spans._solve(w.copy()) == (r.tolist(), c.tolist())


def test_weights_in_place_equal_the_per_pair_fold():
    """Each cell of the broadcast weight block is the per-pair fold of :func:`default_tiers`."""
    rng = random.Random(11)
    gold, pred = _spread(rng, 30, 40, 12), _spread(rng, 25, 40, 12) + [(3, 9, "ORG")] * 2
    gold.append((3, 9, "ORG"))
    lab = {x: k for k, x in enumerate(LABELS)}
    ga, pa = _spans._bounds(gold), _spans._bounds(pred)
    gl, pl = _np.array([lab[g[2]] for g in gold]), _np.array([lab[p[2]] for p in pred])
    base = 17.0
    w = _spans._weights(ga[:, 0, None], ga[:, 1, None], gl[:, None], pa[None, :, 0], pa[None, :, 1], pl[None, :], base)
    for i, g in enumerate(gold):
        for j, p in enumerate(pred):
            score = 0.0
            for v in default_tiers(g, p):
                score = score * base + v
            if overlap_len(g[0], g[1], p[0], p[1]):
                assert w[i, j] == score


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(min_value=-(2**62), max_value=2**62), max_size=40))
def test_sorted_unique_equals_numpy_unique(values):
    import numpy as np

    from newsgold.scoring.spans import sorted_unique
    a = np.array(values, dtype=np.int64)
    got = sorted_unique(a)
    assert got.dtype == np.int64 and got.tolist() == np.unique(a).tolist()
