"""Coreference metrics as per-document sufficient statistics: MUC, B³, CEAF-m, CEAF-e, BLANC, LEA.

Each metric is written the way the CoNLL-2011/2012 reference scorer v8.01 (``scorer.pl``,
Pradhan et al. 2014) computes it, so that the figures are the same, and every one is a
ratio of numerators and denominators that *add up over documents* (as the Perl scorer
adds them): the corpus figure comes from summed statistics, and the bootstrap, the paired
tests and the minimum-documents rule of :mod:`newsgold.scoring.resampling` apply unchanged.

A document is a key (gold) and a response (predicted) clustering: lists of clusters, each a
list of mentions; a mention is any hashable value, usually ``(start, end)``. Before scoring,
:func:`prepare` does what ``scorer.pl`` does with imperfect input and reports it:

* a mention repeated in the response (in one cluster or in two) keeps its first place, the
  repeat is dropped; the same in the key; clusters left empty disappear;
* with ``singletons=False`` (OntoNotes style) clusters of one mention are dropped from key and
  response alike, as the CoNLL-2012 keys carry none; with ``singletons=True`` (CorefUD style,
  the default) they stay;
* mentions match exactly by default; ``min_spans`` turns on the CorefUD partial match (see
  :func:`partial_matches`).

The metrics, per document, over the contingency counts n_ij = |K_i ∩ R_j|:

* MUC (Vilain et al. 1995): common links Σ (n_ij − 1) over n_ij > 0; key links Σ (|K|−1),
  response links Σ (|R|−1).
* B³ (Bagga & Baldwin 1998), as v8 computes it with predicted mentions: recall numerator
  Σ n_ij²/|K_i| over key mentions, precision numerator Σ n_ij²/|R_j|.
* CEAF (Luo 2005) with an optimal one-to-one alignment of key and response entities
  (``scipy.optimize.linear_sum_assignment``): φ3 = n_ij (CEAF-m, over mentions) and
  φ4 = 2 n_ij / (|K_i| + |R_j|) (CEAF-e, over entities).
* BLANC for predicted mentions (Luo et al. 2014): coreference and non-coreference links of
  key and response, and those in both; recall, precision and F1 are the means of the two
  kinds, and when the key has no link of one kind, the other kind alone (as v8.01).
* LEA (Moosavi & Strube 2016), as the coval implementation computes it: each key entity
  weighs |K| and scores the share of its links found in the response (a singleton's one
  self-link is found when the response has that mention as a singleton too).

The CoNLL F1 is the mean of the MUC, B³ and CEAF-e F1. A ratio with a zero denominator is 0,
as in ``scorer.pl``.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

Mention = Hashable
Clusters = Sequence[Sequence[Mention]]

METRICS = ("muc", "bcub", "ceafm", "ceafe", "blanc", "lea")
FIELDS = (
    "mentions_key", "mentions_response", "mentions_common",
    "muc_common", "muc_key_links", "muc_response_links",
    "bcub_recall_num", "bcub_precision_num",
    "ceafm_num", "ceafe_num", "entities_key", "entities_response",
    "blanc_coref_common", "blanc_coref_key", "blanc_coref_response",
    "blanc_noncoref_common", "blanc_noncoref_key", "blanc_noncoref_response",
    "lea_recall_num", "lea_precision_num",
)
IX = {name: i for i, name in enumerate(FIELDS)}


@dataclass
class Prepared:
    """One document ready to score: clusters of mention ids, shared between key and response.

    ``key[i]`` and ``response[j]`` are lists of integer ids; a response mention that matched a
    key mention carries the key mention's id. ``notes`` says what :func:`prepare` dropped.
    """

    key: list[list[int]]
    response: list[list[int]]
    notes: list[str] = field(default_factory=list)


def _dedupe(clusters: Clusters, side: str, notes: list[str]) -> list[list[Mention]]:
    """Keep each mention's first occurrence (``scorer.pl`` drops a repeated response mention)."""
    seen: set[Any] = set()
    out = []
    for cluster in clusters:
        kept = []
        for m in cluster:
            if m in seen:
                notes.append(f"{side} mention {m!r} repeated: the repeat is dropped")
                continue
            seen.add(m)
            kept.append(m)
        if kept:
            out.append(kept)
    return out


def prepare(key: Clusters, response: Clusters, *, singletons: bool = True,
            min_spans: Mapping[Mention, tuple[int, int]] | None = None) -> Prepared:
    """Key and response of one document as clusters of shared mention ids (see the module doc).

    ``min_spans`` (key mention → its minimal span ``(start, end)``, end exclusive) turns on the
    CorefUD partial match; mentions must then be ``(start, end)`` pairs.
    """
    notes: list[str] = []
    k = _dedupe(key, "key", notes)
    r = _dedupe(response, "response", notes)
    if not singletons:
        k = [c for c in k if len(c) > 1]
        r = [c for c in r if len(c) > 1]
    ids: dict[Mention, int] = {}
    for c in k:
        for m in c:
            ids[m] = len(ids)
    alias = partial_matches([m for c in k for m in c], [m for c in r for m in c], min_spans) if min_spans is not None else {}
    n_key = len(ids)
    resp_ids: dict[Mention, int] = {}
    for c in r:
        for m in c:
            target = alias.get(m, m)
            resp_ids[m] = ids[target] if target in ids else n_key + len(resp_ids)
    return Prepared([[ids[m] for m in c] for c in k], [[resp_ids[m] for m in c] for c in r], notes)


def partial_matches(key_mentions: Sequence[Any], response_mentions: Sequence[Any],
                    min_spans: Mapping[Mention, tuple[int, int]]) -> dict[Mention, Mention]:
    """CorefUD partial match: response mention → the key mention it stands for.

    A response span ``(s, e)`` matches a key mention ``(S, E)`` with minimal span ``(ms, me)``
    when ``S <= s <= ms`` and ``me <= e <= E``: it covers the minimal span and lies within the
    key span (a key mention without a minimal span has the whole span as its minimal span, so it
    matches exactly only). Matching is one to one: exact matches first, then each remaining
    response mention in order of position takes the shortest unmatched key mention it fits.
    """
    free = set(key_mentions)
    out: dict[Mention, Mention] = {}
    exact = [m for m in response_mentions if m in free]
    for m in exact:
        free.discard(m)
    taken = set(exact)
    for m in sorted((m for m in response_mentions if m not in taken), key=lambda x: (x[0], x[1])):
        s, e = m
        fits = [km for km in free if km[0] <= s and e <= km[1]
                and s <= min_spans.get(km, km)[0] and min_spans.get(km, km)[1] <= e]
        if fits:
            best = min(fits, key=lambda km: (km[1] - km[0], km[0]))
            free.discard(best)
            out[m] = best
    return out


def added(values: Iterable[float]) -> float:
    """The float sum of ``values`` from left to right, with no compensation.

    Python's ``sum`` adds floats this way up to 3.11 and compensates the rounding (Neumaier) from
    3.12 on; one rule on every Python keeps the last bits of B³ and LEA the same everywhere, and
    the same as the corpus-wide path (:mod:`newsgold.scoring.coref_fast`), which adds the same
    terms in the same order with ``np.bincount``."""
    total = 0.0
    for x in values:
        total += x
    return total


def _pairs(n: Any) -> Any:
    return n * (n - 1) // 2


def _contingency(p: Prepared) -> tuple[Counter[tuple[int, int]], list[int], list[int], dict[int, int], dict[int, int]]:
    key_of = {m: i for i, c in enumerate(p.key) for m in c}
    resp_of = {m: j for j, c in enumerate(p.response) for m in c}
    n = Counter((key_of[m], j) for m, j in resp_of.items() if m in key_of)
    return n, [len(c) for c in p.key], [len(c) for c in p.response], key_of, resp_of


def doc_stats(key: Clusters, response: Clusters, *, singletons: bool = True,
              min_spans: Mapping[Any, tuple[int, int]] | None = None, notes: list[str] | None = None) -> np.ndarray:
    """The sufficient statistics of one document (:data:`FIELDS`), a float64 row."""
    p = prepare(key, response, singletons=singletons, min_spans=min_spans)
    if notes is not None:
        notes.extend(p.notes)
    return prepared_stats(p)


def prepared_stats(p: Prepared) -> np.ndarray:
    """:func:`doc_stats` of a document already through :func:`prepare`."""
    n, ks, rs, key_of, resp_of = _contingency(p)
    row = np.zeros(len(FIELDS), dtype=np.float64)
    common = sum(n.values())
    row[IX["mentions_key"]], row[IX["mentions_response"]], row[IX["mentions_common"]] = sum(ks), sum(rs), common
    row[IX["muc_common"]] = sum(v - 1 for v in n.values())
    row[IX["muc_key_links"]] = sum(s - 1 for s in ks)
    row[IX["muc_response_links"]] = sum(s - 1 for s in rs)
    row[IX["bcub_recall_num"]] = added(v * v / ks[i] for (i, _), v in n.items())
    row[IX["bcub_precision_num"]] = added(v * v / rs[j] for (_, j), v in n.items())
    row[IX["ceafm_num"]], row[IX["ceafe_num"]] = _ceaf(n, ks, rs)
    row[IX["entities_key"]], row[IX["entities_response"]] = len(ks), len(rs)
    row[IX["blanc_coref_common"]:IX["blanc_noncoref_response"] + 1] = _blanc(n, ks, rs, key_of, resp_of, common)
    row[IX["lea_recall_num"]] = _lea(n, ks, rs, by_key=True)
    row[IX["lea_precision_num"]] = _lea(n, ks, rs, by_key=False)
    return row


def _ceaf(n: Counter[tuple[int, int]], ks: list[int], rs: list[int]) -> tuple[float, float]:
    """Optimal CEAF numerators (φ3 mentions, φ4 entities); only entities that overlap take part."""
    if not n:
        return 0.0, 0.0
    rows = sorted({i for i, _ in n})
    cols = sorted({j for _, j in n})
    ri = {i: a for a, i in enumerate(rows)}
    ci = {j: b for b, j in enumerate(cols)}
    phi3 = np.zeros((len(rows), len(cols)))
    phi4 = np.zeros((len(rows), len(cols)))
    for (i, j), v in n.items():
        phi3[ri[i], ci[j]] = v
        phi4[ri[i], ci[j]] = 2.0 * v / (ks[i] + rs[j])
    return ceaf_optimum(phi3, phi4)


def ceaf_optimum(phi3: np.ndarray, phi4: np.ndarray) -> tuple[float, float]:
    """The optimal alignments' sums of the φ3 and φ4 matrices (rows: the overlapping key entities,
    columns: the overlapping response entities, each in entity order), shared by the corpus-wide
    path so that both pick the same alignment among equal ones and add it in the same order."""
    from scipy.optimize import linear_sum_assignment  # heavy import, off the start-up path
    a, b = linear_sum_assignment(phi3, maximize=True)
    c, d = linear_sum_assignment(phi4, maximize=True)
    return float(phi3[a, b].sum()), float(phi4[c, d].sum())


def _blanc(n: Counter[tuple[int, int]], ks: list[int], rs: list[int], key_of: dict[int, int], resp_of: dict[int, int], common: int) -> list[float]:
    """Coreference and non-coreference link counts (common, key, response) of Luo et al. (2014).

    Non-coreference links common to both: pairs of mentions present on both sides that are in
    different key entities and different response entities, by inclusion and exclusion.
    """
    nk, nr = sum(ks), sum(rs)
    coref_common = sum(_pairs(v) for v in n.values())
    coref_key = sum(_pairs(s) for s in ks)
    coref_resp = sum(_pairs(s) for s in rs)
    in_both = [m for m in resp_of if m in key_of]
    same_key = sum(_pairs(v) for v in Counter(key_of[m] for m in in_both).values())
    same_resp = sum(_pairs(v) for v in Counter(resp_of[m] for m in in_both).values())
    non_common = _pairs(common) - same_key - same_resp + coref_common
    return [coref_common, coref_key, coref_resp, non_common, _pairs(nk) - coref_key, _pairs(nr) - coref_resp]


def _lea(n: Counter[tuple[int, int]], ks: list[int], rs: list[int], *, by_key: bool) -> float:
    """LEA numerator: Σ |E| · (links of E found on the other side) / links(E), E a key (recall)
    or response (precision) entity; a singleton's self-link is found when the other side has it
    as a singleton too."""
    own, other = (ks, rs) if by_key else (rs, ks)
    found: dict[int, float] = {}
    for (i, j), v in n.items():
        e, f = (i, j) if by_key else (j, i)
        if own[e] == 1:
            found[e] = found.get(e, 0) + (1 if other[f] == 1 else 0)
        else:
            found[e] = found.get(e, 0) + _pairs(v)
    return added(own[e] * links / (1 if own[e] == 1 else _pairs(own[e])) for e, links in found.items())


def corpus_stats(docs: Iterable[tuple[Clusters, Clusters]], **options: Any) -> np.ndarray:
    """Rows of :func:`doc_stats` for (key, response) pairs; shape (documents, fields)."""
    rows = [doc_stats(k, r, **options) for k, r in docs]
    return np.array(rows, dtype=np.float64).reshape(len(rows), len(FIELDS))


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    num, den = np.asarray(num, dtype=float), np.asarray(den, dtype=float)
    return np.where(den > 0, num / np.where(den > 0, den, 1), 0.0)


def _f1(r: np.ndarray, p: np.ndarray) -> np.ndarray:
    s = r + p
    return np.where(s > 0, 2 * r * p / np.where(s > 0, s, 1), 0.0)


def _rpf(out: dict[str, Any], name: str, r: np.ndarray, p: np.ndarray, f: np.ndarray | None = None) -> None:
    out[f"{name}/recall"], out[f"{name}/precision"] = r, p
    out[f"{name}/f1"] = _f1(r, p) if f is None else f


def figures(sums: np.ndarray) -> dict[str, np.ndarray]:
    """Recall, precision and F1 of every metric from summed statistics (any leading shape)."""
    s = {name: sums[..., i] for name, i in IX.items()}
    out: dict[str, np.ndarray] = {}
    _rpf(out, "mentions", _ratio(s["mentions_common"], s["mentions_key"]),
         _ratio(s["mentions_common"], s["mentions_response"]))
    _rpf(out, "muc", _ratio(s["muc_common"], s["muc_key_links"]), _ratio(s["muc_common"], s["muc_response_links"]))
    _rpf(out, "bcub", _ratio(s["bcub_recall_num"], s["mentions_key"]),
         _ratio(s["bcub_precision_num"], s["mentions_response"]))
    _rpf(out, "ceafm", _ratio(s["ceafm_num"], s["mentions_key"]), _ratio(s["ceafm_num"], s["mentions_response"]))
    _rpf(out, "ceafe", _ratio(s["ceafe_num"], s["entities_key"]), _ratio(s["ceafe_num"], s["entities_response"]))
    _rpf(out, "blanc", *_blanc_figures(s))
    _rpf(out, "lea", _ratio(s["lea_recall_num"], s["mentions_key"]),
         _ratio(s["lea_precision_num"], s["mentions_response"]))
    out["conll/f1"] = (out["muc/f1"] + out["bcub/f1"] + out["ceafe/f1"]) / 3
    return out


def _blanc_figures(s: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """BLANC R, P, F1 as ``CorScorer::ComputeBLANCFromCounts`` (v8.01) combines the link counts."""
    rc, pc = _ratio(s["blanc_coref_common"], s["blanc_coref_key"]), _ratio(s["blanc_coref_common"], s["blanc_coref_response"])
    rn = _ratio(s["blanc_noncoref_common"], s["blanc_noncoref_key"])
    pn = _ratio(s["blanc_noncoref_common"], s["blanc_noncoref_response"])
    fc, fn = _f1(rc, pc), _f1(rn, pn)
    has_c, has_n = s["blanc_coref_key"] > 0, s["blanc_noncoref_key"] > 0
    both = has_c & has_n
    r = np.where(both, (rc + rn) / 2, np.where(has_c, rc, np.where(has_n, rn, 0.0)))
    p = np.where(both, (pc + pn) / 2, np.where(has_c, pc, np.where(has_n, pn, 0.0)))
    f = np.where(both, (fc + fn) / 2, np.where(has_c, fc, np.where(has_n, fn, 0.0)))
    return r, p, f


def score_clusters(key: Clusters, response: Clusters, **options: Any) -> dict[str, float]:
    """All figures of one document (a convenience for tests and notebooks)."""
    return {k: float(v) for k, v in figures(doc_stats(key, response, **options)).items()}
