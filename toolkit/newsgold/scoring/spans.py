"""Span overlap and one-to-one optimal matching: the core shared by the scorer and ``agree``.

Matching is deterministic and independent of input order: candidates are sorted
canonically, pairs that overlap form connected components, a component of one gold
and one prediction is matched directly, and larger components are solved exactly
with an assignment (``scipy.optimize.linear_sum_assignment``) on lexicographic
weights: first exact span and label, then exact span, then the number of matched
pairs, then the same label, then the overlap (IoU). Greedy matching (nervaluate's) depends on the order
of the predictions; this does not.

Sizes decide the machinery, never the result: a small component is solved by
:func:`small_assignment`, a line-by-line Python rendering of the algorithm scipy uses (same
arithmetic, same tie-breaking; a test compares them), so a small run never imports scipy;
a dense document (thousands of mutually overlapping spans) gets its components from a sweep
over the characters, its pair counts from ``numpy.searchsorted`` and its weights filled as
arrays; a component where every gold span meets every prediction is solved without listing
its pairs (5,000 x 5,000 mutually overlapping spans: 25 M pairs never built).
"""
from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np


def overlap_len(a_start: int, a_end: int, b_start: int, b_end: int) -> int:
    return max(0, min(a_end, b_end) - max(a_start, b_start))


def iou(a: tuple[int, int], b: tuple[int, int]) -> float:
    inter = overlap_len(a[0], a[1], b[0], b[1])
    union = max(a[1], b[1]) - min(a[0], b[0])
    return inter / union if union else 0.0


def overlapping_pairs(gold: Sequence[tuple[Any, ...]], pred: Sequence[tuple[Any, ...]]) -> list[tuple[int, int]]:
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
    Node = tuple[str, int]
    parent: dict[Node, Node] = {}

    def find(x: Node) -> Node:
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
    comps: dict[Node, list[tuple[int, int]]] = {}
    for g, p in pairs:
        comps.setdefault(find(("g", g)), []).append((g, p))
    return list(comps.values())


DENSE_PAIRS = 4096          # above this many candidate pairs, pairs/components/weights are computed as arrays
SMALL_CELLS = 400           # assignments up to this many matrix cells are solved without scipy


CHUNK = 1 << 20             # pairs handled per array step, so memory stays bounded in a dense document
BLOCK = 1 << 16             # weight cells filled per step of a complete component: temporaries stay in cache


def _bounds(items: Sequence[tuple[Any, ...]]) -> np.ndarray:
    """(start, end) of each item as an int64 array of shape (n, 2)."""
    import numpy as np
    return np.array([(it[0], it[1]) for it in items], dtype=np.int64).reshape(-1, 2)


def _pair_arrays(gold: Sequence[tuple[Any, ...]], pred: Sequence[tuple[Any, ...]]) -> tuple[np.ndarray, ...]:
    """:func:`overlapping_pairs` as two int32 arrays (gold index, pred index)."""
    return _pair_index(_bounds(gold), _bounds(pred))


def _pair_index(g: np.ndarray, p: np.ndarray) -> tuple[np.ndarray, ...]:
    """:func:`_pair_arrays` on (start, end) arrays, by ``numpy.searchsorted``, built a block of
    predictions at a time so that the temporary arrays stay small."""
    import numpy as np
    order = np.lexsort((g[:, 1], g[:, 0])).astype(np.int32)
    gs, ge = g[order, 0], g[order, 1]
    max_len = int((ge - gs).max(initial=0))
    lo = np.searchsorted(gs, p[:, 0] - max_len, side="right")
    counts = np.maximum(np.searchsorted(gs, p[:, 1], side="left") - lo, 0)
    g_parts, p_parts = [np.zeros(0, dtype=np.int32)], [np.zeros(0, dtype=np.int32)]
    start = 0
    while start < len(p):
        stop = start + 1
        budget = counts[start]
        while stop < len(p) and budget + counts[stop] <= CHUNK:
            budget += counts[stop]
            stop += 1
        c = counts[start:stop]
        p_idx = np.repeat(np.arange(start, stop, dtype=np.int32), c)
        k = np.repeat(lo[start:stop], c) + (np.arange(int(c.sum())) - np.repeat(np.cumsum(c) - c, c))
        keep = ge[k] > p[p_idx, 0]
        g_parts.append(order[k[keep]])
        p_parts.append(p_idx[keep])
        start = stop
    return np.concatenate(g_parts), np.concatenate(p_parts)


def match(gold: Sequence[tuple[Any, ...]], pred: Sequence[tuple[Any, ...]], pairs: list[tuple[int, int]] | None = None,
          tiers: Callable[[tuple[Any, ...], tuple[Any, ...]], tuple[float, ...]] | None = None) -> list[tuple[int, int]]:
    """One-to-one matching of gold and predicted items that maximises, lexicographically,
    the sums over matched pairs of each value returned by ``tiers(g, p)``.

    ``pairs`` are the admissible pairs (default: overlapping spans). Tier values must lie
    in [0, 1]; a constant 1.0 tier counts pairs. Returns sorted (gold index, pred index) pairs.
    """
    if pairs is None and gold and pred and len(gold) * len(pred) > DENSE_PAIRS:
        return _match_dense(gold, pred, tiers)
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


def _pair_counts(g: np.ndarray, p: np.ndarray) -> np.ndarray:
    """Number of overlapping gold spans of each prediction, without listing the pairs.

    For spans of positive length, a gold span overlaps ``[ps, pe)`` iff it starts before ``pe``
    and does not end by ``ps``; those that end by ``ps`` all start before ``pe``, so the count
    is a difference of two ``searchsorted``."""
    import numpy as np
    before_end = np.searchsorted(np.sort(g[:, 0]), p[:, 1], side="left")
    ended = np.searchsorted(np.sort(g[:, 1]), p[:, 0], side="right")
    return (before_end - ended).astype(np.int64)


def sorted_unique(a: np.ndarray) -> np.ndarray:
    """``np.unique(a)`` of a 1-d array by one sort: numpy's ``unique`` is several times slower on
    int64, and its first call imports ``numpy.ma`` (a few milliseconds of every start-up)."""
    import numpy as np
    a = np.sort(a)
    return a[np.concatenate([[True], a[1:] != a[:-1]])] if len(a) else a


def _interval_components(g: np.ndarray, p: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Connected component of each gold span and prediction in the overlap graph (-1: overlaps
    nothing), from a sweep over the characters, in O(n log n) without the pairs.

    Spans have positive length. Cut the text at every start and end: a gold span and a
    prediction overlap iff both cover some piece, so all spans covering a piece covered by both
    sides (a *shared* piece) are connected. Two consecutive shared pieces are in one component
    iff a single span covers both (a chain of gold-only spans would not connect them). Labels
    number the components from 0 in text order."""
    import numpy as np
    cuts = sorted_unique(np.concatenate((g.ravel(), p.ravel())))
    g_at, p_at = np.searchsorted(cuts, g), np.searchsorted(cuts, p)   # spans as [first piece, end cut)

    def cover(at: np.ndarray) -> np.ndarray:
        return np.cumsum(np.bincount(at[:, 0], minlength=len(cuts)) - np.bincount(at[:, 1], minlength=len(cuts)))

    shared = np.flatnonzero((cover(g_at) > 0) & (cover(p_at) > 0))
    if not len(shared):
        return np.full(len(g), -1), np.full(len(p), -1)
    both = np.concatenate((g_at, p_at))
    reach = np.full(len(cuts), -1, dtype=np.int64)
    np.maximum.at(reach, both[:, 0], both[:, 1])
    reach = np.maximum.accumulate(reach)              # furthest end cut of the spans starting by each piece
    comp = np.concatenate(([0], np.cumsum(reach[shared[:-1]] <= shared[1:])))

    def label(at: np.ndarray) -> np.ndarray:
        k = np.minimum(np.searchsorted(shared, at[:, 0]), len(shared) - 1)   # first shared piece from the start
        return np.where((shared[k] >= at[:, 0]) & (shared[k] < at[:, 1]), comp[k], -1)

    return label(g_at), label(p_at)


def _match_dense(gold: Sequence[tuple[Any, ...]], pred: Sequence[tuple[Any, ...]],
                 tiers: Callable[..., tuple[float, ...]] | None) -> list[tuple[int, int]]:
    """:func:`match` with pairs and components as arrays (many overlapping spans).

    Components come from :func:`_interval_components` and pair counts from :func:`_pair_counts`,
    so a component in which every gold span overlaps every prediction (a dense document) is
    solved without listing its pairs; the pairs of the other components are listed once."""
    g, p = _bounds(gold), _bounds(pred)
    if (g[:, 1] <= g[:, 0]).any() or (p[:, 1] <= p[:, 0]).any():
        return _match_graph(gold, pred, tiers)    # empty or reversed spans: no pieces to sweep
    per_pred = _pair_counts(g, p)
    if int(per_pred.sum()) <= DENSE_PAIRS:
        g_idx, p_idx = _pair_index(g, p)
        return match(gold, pred, pairs=list(zip(g_idx.tolist(), p_idx.tolist())), tiers=tiers)
    g_comp, p_comp = _interval_components(g, p)
    return _solve_components(gold, pred, g, p, g_comp, p_comp, per_pred, None if tiers is default_tiers else tiers)


def _solve_components(gold: Sequence[tuple[Any, ...]], pred: Sequence[tuple[Any, ...]], g: np.ndarray, p: np.ndarray,
                      g_comp: np.ndarray, p_comp: np.ndarray, per_pred: np.ndarray,
                      tiers: Callable[..., tuple[float, ...]] | None) -> list[tuple[int, int]]:
    """The matching of every component (``tiers`` None: the default ones); pairs are listed only
    for components that need them: not complete, or scored with other tiers."""
    import numpy as np
    n_comp = int(max(g_comp.max(), p_comp.max())) + 1
    members_g, members_p = _members(g_comp, n_comp), _members(p_comp, n_comp)
    has = p_comp >= 0
    n_pairs = np.bincount(p_comp[has], weights=per_pred[has], minlength=n_comp).astype(np.int64)  # exact below 2**53
    listed = n_pairs > 1
    if tiers is None:
        listed &= n_pairs != np.array([len(m) for m in members_g]) * np.array([len(m) for m in members_p])
    pairs = _component_pairs(g, p, g_comp, p_comp, listed)
    out: list[tuple[int, int]] = []
    for c in range(n_comp):
        gs, ps = members_g[c].tolist(), members_p[c].tolist()
        if n_pairs[c] == 1:
            out.append((gs[0], ps[0]))
        elif tiers is None:
            out.extend(_assign_default(gold, pred, gs, ps, int(n_pairs[c]), pairs.get(c)))
        else:
            out.extend(_assign(gold, pred, list(zip(*(a.tolist() for a in pairs[c]))), tiers))
    out.sort()
    return out


def _members(comp: np.ndarray, n_comp: int) -> list[np.ndarray]:
    """Indices of the items of each component (``comp``: component of each item, -1 for none)."""
    import numpy as np
    order = np.argsort(comp, kind="stable")
    order = order[comp[order] >= 0]
    return np.split(order, np.cumsum(np.bincount(comp[order], minlength=n_comp))[:-1])


def _component_pairs(g: np.ndarray, p: np.ndarray, g_comp: np.ndarray, p_comp: np.ndarray,
                     listed: np.ndarray) -> dict[int, tuple[np.ndarray, np.ndarray]]:
    """The overlapping pairs of the components marked in ``listed``, grouped by component."""
    import numpy as np
    if not listed.any():
        return {}
    sel_g = np.flatnonzero((g_comp >= 0) & listed[g_comp])
    sel_p = np.flatnonzero((p_comp >= 0) & listed[p_comp])
    gi, pi = _pair_index(g[sel_g], p[sel_p])
    g_idx, p_idx = sel_g[gi], sel_p[pi]
    comp_of = g_comp[g_idx]
    order = np.argsort(comp_of, kind="stable")
    comps = np.flatnonzero(listed)
    bounds = np.cumsum(np.bincount(comp_of, minlength=len(listed))[comps])[:-1]
    return {int(c): (g_idx[k], p_idx[k]) for c, k in zip(comps, np.split(order, bounds))}


def _match_graph(gold: Sequence[tuple[Any, ...]], pred: Sequence[tuple[Any, ...]],
                 tiers: Callable[..., tuple[float, ...]] | None) -> list[tuple[int, int]]:
    """:func:`_match_dense` for any spans (empty or reversed ones included): every pair listed,
    components from ``scipy.sparse.csgraph``."""
    import numpy as np
    g_idx, p_idx = _pair_arrays(gold, pred)
    if len(g_idx) <= DENSE_PAIRS:
        return match(gold, pred, pairs=list(zip(g_idx.tolist(), p_idx.tolist())), tiers=tiers)
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components
    n_g = len(gold)
    graph = coo_matrix((np.ones(len(g_idx), dtype=np.int8), (g_idx, p_idx + np.int32(n_g))), shape=(n_g + len(pred),) * 2)
    _, label = connected_components(graph, directed=False)
    comp_of = label[g_idx]
    order = np.argsort(comp_of, kind="stable")
    bounds = np.flatnonzero(np.diff(comp_of[order])) + 1
    out: list[tuple[int, int]] = []
    for chunk in np.split(order, bounds):
        if len(chunk) == 1:
            out.append((int(g_idx[chunk[0]]), int(p_idx[chunk[0]])))
        elif tiers is None or tiers is default_tiers:
            out.extend(_assign_default(gold, pred, sorted_unique(g_idx[chunk]).tolist(), sorted_unique(p_idx[chunk]).tolist(),
                                       len(chunk), (g_idx[chunk], p_idx[chunk])))
        else:
            out.extend(_assign(gold, pred, list(zip(g_idx[chunk].tolist(), p_idx[chunk].tolist())), tiers))
    out.sort()
    return out


def default_tiers(g: tuple[Any, ...], p: tuple[Any, ...]) -> tuple[float, ...]:
    """Exact span and label, then exact span, then the number of pairs, then same label, then IoU.

    An exact match is never broken up to make more, looser pairs.
    """
    exact = 1.0 if (g[0], g[1]) == (p[0], p[1]) else 0.0
    same = 1.0 if len(g) > 2 and len(p) > 2 and g[2] == p[2] else 0.0
    return exact * same, exact, 1.0, same, iou(g, p)


def _key(item: tuple[Any, ...]) -> tuple[Any, ...]:
    """A total, content-based sort key, so ties never depend on input order."""
    return tuple(tuple(sorted(x)) if isinstance(x, (set, frozenset)) else x for x in item)


def _assign(gold: Sequence[tuple[Any, ...]], pred: Sequence[tuple[Any, ...]], comp: list[tuple[int, int]],
            tiers: Callable[..., tuple[float, ...]]) -> list[tuple[int, int]]:
    gs = sorted({g for g, _ in comp}, key=lambda i: (_key(gold[i]), i))
    ps = sorted({p for _, p in comp}, key=lambda i: (_key(pred[i]), i))
    gi = {g: k for k, g in enumerate(gs)}
    pi = {p: k for k, p in enumerate(ps)}
    base = float(len(comp) + 1)  # each tier's total over a matching stays below one unit of the tier above
    w = [[0.0] * len(ps) for _ in gs]
    admissible = set()
    for g, p in comp:
        vals = tiers(gold[g], pred[p])
        score = 0.0
        for v in vals:
            score = score * base + v
        w[gi[g]][pi[p]] = score
        admissible.add((gi[g], pi[p]))
    rows, cols = _solve(w)
    return [(gs[r], ps[c]) for r, c in zip(rows, cols) if (r, c) in admissible]


def _assign_default(gold: Sequence[tuple[Any, ...]], pred: Sequence[tuple[Any, ...]], g_set: list[int],
                    p_set: list[int], n_pairs: int, pairs: tuple[np.ndarray, np.ndarray] | None) -> list[tuple[int, int]]:
    """:func:`_assign` with :func:`default_tiers` for the component of gold spans ``g_set`` and
    predictions ``p_set`` with ``n_pairs`` overlapping pairs, the weight matrix filled as arrays, a
    block at a time (same arithmetic in the same order as the per-pair code, so the same floats).
    ``pairs`` (gold, pred index arrays) are needed only when not every gold span meets every prediction."""
    import numpy as np
    gs = sorted(g_set, key=lambda i: (_key(gold[i]), i))
    ps = sorted(p_set, key=lambda i: (_key(pred[i]), i))
    labels: dict[str, Any] = {}

    def columns(items: Sequence[tuple[Any, ...]], chosen: Sequence[int]) -> tuple[np.ndarray, np.ndarray]:
        sub = [items[i] for i in chosen]
        se = np.array([(it[0], it[1]) for it in sub], dtype=np.int64).reshape(-1, 2)
        lab = np.array([labels.setdefault(it[2], len(labels)) if len(it) > 2 else -1 for it in sub], dtype=np.int64)
        return se, lab

    (gse, glab), (pse, plab) = columns(gold, gs), columns(pred, ps)
    base = float(n_pairs + 1)
    if n_pairs == len(gs) * len(ps):           # every gold span overlaps every prediction
        w = np.empty((len(gs), len(ps)))
        step = max(1, BLOCK // len(ps))
        for at in range(0, len(gs), step):
            rows = slice(at, at + step)
            _weights(gse[rows, 0, None], gse[rows, 1, None], glab[rows, None],
                     pse[None, :, 0], pse[None, :, 1], plab[None, :], base, out=w[rows])
        admissible = None
    else:
        assert pairs is not None
        g_idx, p_idx = pairs
        g_rank = np.zeros(len(gold), dtype=np.int32)
        g_rank[gs] = np.arange(len(gs), dtype=np.int32)
        p_rank = np.zeros(len(pred), dtype=np.int32)
        p_rank[ps] = np.arange(len(ps), dtype=np.int32)
        w = np.zeros((len(gs), len(ps)))
        admissible = np.zeros((len(gs), len(ps)), dtype=bool)
        for at in range(0, len(g_idx), CHUNK):
            r, c = g_rank[g_idx[at:at + CHUNK]], p_rank[p_idx[at:at + CHUNK]]
            w[r, c] = _weights(gse[r, 0], gse[r, 1], glab[r], pse[c, 0], pse[c, 1], plab[c], base)
            admissible[r, c] = True
    rows_, cols_ = _solve(w)
    return [(gs[i], ps[j]) for i, j in zip(rows_, cols_) if admissible is None or admissible[i, j]]


def _weights(a0: np.ndarray, a1: np.ndarray, a_lab: np.ndarray, b0: np.ndarray, b1: np.ndarray, b_lab: np.ndarray,
             base: float, out: np.ndarray | None = None) -> np.ndarray:
    """:func:`default_tiers` folded into one weight, as :func:`_assign` does, for arrays of pairs
    (broadcast), written into ``out`` when given. In place, with the per-pair code's operations
    in its order: ``score = score * base + tier`` from a score of 0, so ``0 * base + t == t`` first."""
    import numpy as np
    shape = np.broadcast_shapes(a0.shape, b0.shape, a_lab.shape, b_lab.shape)
    score = np.empty(shape) if out is None else out
    exact = (a0 == b0) & (a1 == b1)
    same = (a_lab == b_lab) & (a_lab >= 0)
    inter = np.minimum(a1, b1)
    inter -= np.maximum(a0, b0)
    np.maximum(inter, 0, out=inter)
    union = np.maximum(a1, b1)
    union -= np.minimum(a0, b0)
    positive = union > 0
    np.copyto(union, 1, where=~positive)
    overlap = np.divide(inter, union)             # the int / int true division of the per-pair code
    np.copyto(overlap, 0.0, where=~positive)
    np.copyto(score, exact & same)
    for tier in (exact, 1.0, same, overlap):
        score *= base
        score += tier
    return score


def _solve(w: np.ndarray | list[list[float]]) -> tuple[list[int], list[int]]:
    """Maximum-weight assignment of a weight matrix (list of rows or array; an array is overwritten).

    Large matrices go to ``linear_sum_assignment`` negated in place: ``maximize=True`` would
    only negate a copy (the same numbers, one more matrix in memory)."""
    n_rows = len(w)
    n_cols = len(w[0]) if n_rows else 0
    if n_rows * n_cols <= SMALL_CELLS:
        rows: list[list[float]] = w.tolist() if not isinstance(w, list) else w
        return small_assignment(rows)
    import numpy as np
    from scipy.optimize import linear_sum_assignment
    cost = np.asarray(w, dtype=float)
    np.negative(cost, out=cost)
    r, c = linear_sum_assignment(cost)
    return r.tolist(), c.tolist()


def small_assignment(w: list[list[float]]) -> tuple[list[int], list[int]]:
    """``scipy.optimize.linear_sum_assignment(w, maximize=True)`` for small matrices, in Python.

    The shortest augmenting path method (Crouse, 2016, IEEE TAES 52(4)) as scipy implements it,
    step by step: costs negated, a tall matrix transposed, free columns scanned from the last,
    ties in the path length broken towards a free column. The same float operations in the same
    order give the same assignment, ties included (``tests/test_spans.py`` compares with scipy),
    without the 0.5 s import of ``scipy.optimize`` on small runs.
    """
    n_rows = len(w)
    n_cols = len(w[0]) if n_rows else 0
    if n_rows == 0 or n_cols == 0:
        return [], []
    cost = [[-x for x in row] for row in w]
    transpose = n_cols < n_rows
    if transpose:
        cost = [list(col) for col in zip(*cost)]
        n_rows, n_cols = n_cols, n_rows
    col4row = _augment_all(cost, n_rows, n_cols)
    if transpose:
        order = sorted(range(n_rows), key=lambda k: col4row[k])
        return [col4row[k] for k in order], order
    return list(range(n_rows)), col4row


def _augment_all(cost: list[list[float]], n_rows: int, n_cols: int) -> list[int]:
    """Rows assigned one at a time along shortest augmenting paths; returns the column of each row.
    (One function, as in the reference implementation, to keep the correspondence line by line.)"""
    inf = math.inf
    u = [0.0] * n_rows
    v = [0.0] * n_cols
    path = [-1] * n_cols
    col4row = [-1] * n_rows
    row4col = [-1] * n_cols
    for cur in range(n_rows):
        min_val = 0.0
        remaining = list(range(n_cols - 1, -1, -1))
        in_rows = [False] * n_rows
        in_cols = [False] * n_cols
        dist = [inf] * n_cols
        i, sink = cur, -1
        while sink == -1:
            index, lowest = -1, inf
            in_rows[i] = True
            row, ui = cost[i], u[i]
            for it, j in enumerate(remaining):
                r = min_val + row[j] - ui - v[j]
                if r < dist[j]:
                    path[j] = i
                    dist[j] = r
                if dist[j] < lowest or (dist[j] == lowest and row4col[j] == -1):
                    lowest, index = dist[j], it
            min_val = lowest
            if min_val == inf:
                raise ValueError("infeasible assignment")
            j = remaining[index]
            if row4col[j] == -1:
                sink = j
            else:
                i = row4col[j]
            in_cols[j] = True
            remaining[index] = remaining[-1]
            remaining.pop()
        u[cur] += min_val
        for r_ in range(n_rows):
            if in_rows[r_] and r_ != cur:
                u[r_] += min_val - dist[col4row[r_]]
        for c_ in range(n_cols):
            if in_cols[c_]:
                v[c_] -= min_val - dist[c_]
        j = sink
        while True:
            r_ = path[j]
            row4col[j] = r_
            col4row[r_], j = j, col4row[r_]
            if r_ == cur:
                break
    return col4row
