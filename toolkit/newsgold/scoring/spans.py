"""Span overlap and one-to-one optimal matching: the core shared by the scorer and ``agree``.

Matching is deterministic and independent of input order: candidates are sorted
canonically, pairs that overlap form connected components, a component of one gold
and one prediction is matched directly, and larger components are solved exactly
with an assignment (``scipy.optimize.linear_sum_assignment``) on lexicographic
weights: first exact span and label, then exact span, then the number of matched
pairs, then the same label, then the overlap (IoU). Greedy matching (nervaluate's) depends on the order
of the predictions; this does not.
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from typing import Callable, Sequence


def overlap_len(a_start: int, a_end: int, b_start: int, b_end: int) -> int:
    return max(0, min(a_end, b_end) - max(a_start, b_start))


def iou(a: tuple[int, int], b: tuple[int, int]) -> float:
    inter = overlap_len(a[0], a[1], b[0], b[1])
    union = max(a[1], b[1]) - min(a[0], b[0])
    return inter / union if union else 0.0


def overlapping_pairs(gold: Sequence[tuple], pred: Sequence[tuple]) -> list[tuple[int, int]]:
    """All (gold index, pred index) whose ``[start, end)`` ranges share a character.

    Items are tuples whose first two fields are start and end. Sweep with bisection:
    O((n + m) log n + pairs) for the flat, short spans of NER.
    """
    if not gold or not pred:
        return []
    order = sorted(range(len(gold)), key=lambda i: (gold[i][0], gold[i][1]))
    starts = [gold[i][0] for i in order]
    max_len = max(g[1] - g[0] for g in gold)
    pairs = []
    for pi, p in enumerate(pred):
        ps, pe = p[0], p[1]
        hi = bisect_left(starts, pe)
        lo = bisect_right(starts, ps - max_len)
        for k in range(lo, hi):
            gi = order[k]
            if gold[gi][1] > ps:
                pairs.append((gi, pi))
    return pairs


def _components(pairs: list[tuple[int, int]]) -> list[list[tuple[int, int]]]:
    parent: dict = {}

    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for g, p in pairs:
        a, b = ("g", g), ("p", p)
        parent.setdefault(a, a)
        parent.setdefault(b, b)
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    comps: dict = {}
    for g, p in pairs:
        comps.setdefault(find(("g", g)), []).append((g, p))
    return list(comps.values())


def match(gold: Sequence[tuple], pred: Sequence[tuple], pairs: list[tuple[int, int]] | None = None,
          tiers: Callable[[tuple, tuple], tuple[float, ...]] | None = None) -> list[tuple[int, int]]:
    """One-to-one matching of gold and predicted items that maximises, lexicographically,
    the sums over matched pairs of each value returned by ``tiers(g, p)``.

    ``pairs`` are the admissible pairs (default: overlapping spans). Tier values must lie
    in [0, 1]; a constant 1.0 tier counts pairs. Returns sorted (gold index, pred index) pairs.
    """
    if pairs is None:
        pairs = overlapping_pairs(gold, pred)
    if not pairs:
        return []
    if tiers is None:
        tiers = default_tiers
    out = []
    for comp in _components(pairs):
        if len(comp) == 1:
            out.append(comp[0])
            continue
        out.extend(_assign(gold, pred, comp, tiers))
    out.sort()
    return out


def default_tiers(g: tuple, p: tuple) -> tuple[float, ...]:
    """Exact span and label, then exact span, then the number of pairs, then same label, then IoU.

    An exact match is never broken up to make more, looser pairs.
    """
    exact = 1.0 if (g[0], g[1]) == (p[0], p[1]) else 0.0
    same = 1.0 if len(g) > 2 and len(p) > 2 and g[2] == p[2] else 0.0
    return exact * same, exact, 1.0, same, iou(g, p)


def _key(item: tuple) -> tuple:
    """A total, content-based sort key, so ties never depend on input order."""
    return tuple(tuple(sorted(x)) if isinstance(x, (set, frozenset)) else x for x in item)


def _assign(gold, pred, comp, tiers) -> list[tuple[int, int]]:
    import numpy as np
    from scipy.optimize import linear_sum_assignment

    gs = sorted({g for g, _ in comp}, key=lambda i: (_key(gold[i]), i))
    ps = sorted({p for _, p in comp}, key=lambda i: (_key(pred[i]), i))
    gi = {g: k for k, g in enumerate(gs)}
    pi = {p: k for k, p in enumerate(ps)}
    base = float(len(comp) + 1)  # each tier's total over a matching stays below one unit of the tier above
    w = np.zeros((len(gs), len(ps)))
    admissible = np.zeros((len(gs), len(ps)), dtype=bool)
    for g, p in comp:
        vals = tiers(gold[g], pred[p])
        score = 0.0
        for v in vals:
            score = score * base + v
        w[gi[g], pi[p]] = score
        admissible[gi[g], pi[p]] = True
    rows, cols = linear_sum_assignment(w, maximize=True)
    return [(gs[r], ps[c]) for r, c in zip(rows, cols) if admissible[r, c]]
