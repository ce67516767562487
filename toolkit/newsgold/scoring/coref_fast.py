"""Coreference statistics of many documents at once: the rows of
:func:`newsgold.scoring.coref.doc_stats`, computed on integer columns of thousands of documents
(:data:`CHUNK_DOCS`) instead of one document at a time.

The ``coref`` task takes this path for the exact mention match when no error listing is asked
for, the common case. The partial match, the error listing with its notes and the CoNLL-key
path (:func:`newsgold.scoring.coref_task.document_stats`) stay on the per-document path, which
is also the reference the tests hold this one to.

Key and response are columns (document, start, end, cluster) of mentions, rows in document
order. What :func:`newsgold.scoring.coref.prepare` does to one document is done to all of them:

* clusters are numbered in order of first appearance within their document (the order of
  :func:`~newsgold.scoring.coref_task.gold_clusters` and of the predictions' list);
* a repeated mention keeps its first place in cluster order (its cluster's rank, then its
  position), as ``_dedupe`` keeps it: one stable sort by mention;
* without singletons, clusters left with one mention after that are dropped, on each side;
* a response mention matches the key mention of the same (document, start, end): a sorted search.

The contingency counts n_ij are the runs of the sorted (key cluster, response cluster) pairs of
the matched mentions; taken in the order of their first response mention they are the
``Counter`` of ``coref._contingency`` in its insertion order. Each statistic is then a
``np.bincount`` grouped by document.

Exactness: every row equals ``doc_stats``'s bit for bit. The integer-valued fields are sums of
integers, exact as long as they stay below 2**53. The float fields add the same terms in the
same order: each B³ and LEA term is one division of two exact integers (correctly rounded on
both sides), and ``np.bincount`` adds its weights one at a time in input order, as
:func:`newsgold.scoring.coref.added` does in the reference; CEAF: see :func:`_ceaf`.
"""
from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from itertools import chain
from operator import attrgetter
from typing import TYPE_CHECKING, Any, NamedTuple

import msgspec
import numpy as np

from newsgold.scoring.coref import FIELDS, IX, ceaf_optimum

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from newsgold.core.records import Predictions
    from newsgold.scoring.namecache import GoldNames
    from newsgold.scoring.setup import Setup

_LIMIT = 1 << 62          # combined integer keys stay below this (int64)


class Mentions(NamedTuple):
    """Mentions of many documents as int64 columns, rows in document order: ``doc`` is the
    document's position among the scored ones, ``cluster`` any non-negative id of the mention's
    cluster within its document; clusters rank by their first row, mentions by their row."""

    doc: np.ndarray
    start: np.ndarray
    end: np.ndarray
    cluster: np.ndarray


CHUNK_DOCS = 4096     # documents read and scored at once: bounds the temporary objects and arrays, not the result


def corpus_stats(preds: Predictions, setup: Setup, ids: Sequence[str]) -> np.ndarray | None:
    """The ``doc_stats`` rows of ``ids`` in order, exact mention match and ``setup.singletons``;
    None when this path cannot take the input (repeated ids, records the typed decoders refuse,
    offsets too large to combine), and then the caller goes document by document.

    :data:`CHUNK_DOCS` documents at a time: each row depends on its own document only, so the
    chunks' rows stacked are the corpus's rows, and the memory stays flat as the corpus grows."""
    if len(set(ids)) != len(ids):
        return None
    from newsgold.scoring.documents import known_gold_names
    # the key: from the document-level columns when they are at hand (kept this run or in the cache
    # folder), else from the records, decoding only the mentions
    names = known_gold_names(setup.gold)
    at = {d: i for i, d in enumerate(names.ids)} if names is not None else {}
    parts = [np.zeros((0, len(FIELDS)), dtype=np.float64)]
    for lo in range(0, len(ids), CHUNK_DOCS):
        chunk = ids[lo:lo + CHUNK_DOCS]
        key = _from_names(names, at, chunk) if names is not None else _decoded_gold(setup.gold.docs, chunk)
        response = response_mentions(preds, chunk) if key is not None else None
        part = rows(len(chunk), key, response, singletons=setup.singletons) if key is not None and response is not None else None
        if part is None:
            return None
        parts.append(part)
    return np.concatenate(parts)


# ---------------------------------------------------------------- reading the columns

class _GoldMention(msgspec.Struct, gc=False):
    start: int
    end: int
    cluster: str


class _GoldEntities(msgspec.Struct, gc=False):
    mentions: list[_GoldMention] = []


class _GoldView(msgspec.Struct, gc=False):
    """What the key needs of a gold record; the text and every other field are skipped unparsed."""

    entities: _GoldEntities | None = None


class _Span(msgspec.Struct, gc=False):
    start: int
    end: int


class _CorefView(msgspec.Struct, gc=False):
    """What the response needs of a predictions line: its ``coref`` clusters, nothing else."""

    coref: list[list[_Span]] | None = None


_GOLD = msgspec.json.Decoder(_GoldView)
_LINES = msgspec.json.Decoder(list[_CorefView])
_START, _END, _CLUSTER = attrgetter("start"), attrgetter("end"), attrgetter("cluster")


def _from_names(names: GoldNames, at: Mapping[str, int], ids: Sequence[str]) -> Mentions | None:
    """The rows of :class:`~newsgold.scoring.namecache.GoldNames` ``m_*`` columns of ``ids``
    (their ``m_doc`` is the position in the gold, ``at``: id -> that position), renumbered by
    position in ``ids``."""
    if not all(d in at for d in ids):
        return None
    cols = names.cols
    k_of = np.full(len(names.ids), -1, dtype=np.int64)
    k_of[np.array([at[d] for d in ids], dtype=np.int64)] = np.arange(len(ids), dtype=np.int64)
    k = k_of[cols["m_doc"]]
    rows = np.flatnonzero(k >= 0)
    if len(rows) > 1 and (np.diff(k[rows]) < 0).any():      # ids not in gold order
        rows = rows[np.argsort(k[rows], kind="stable")]
    return Mentions(k[rows], cols["m_start"][rows], cols["m_end"][rows], cols["m_cluster"][rows])


def _decoded_gold(docs: Mapping[str, Any], ids: Sequence[str]) -> Mentions | None:
    """The key mentions from the gold records, one typed decode each (the gold was validated)."""
    raw = getattr(docs, "raw", None)
    per_doc: list[int] = []
    flat: list[_GoldMention] = []
    try:
        with _collector_paused():
            for d in ids:
                view = _GOLD.decode(raw(d)) if raw is not None else msgspec.convert(docs[d], _GoldView)
                ms = view.entities.mentions if view.entities is not None else []
                per_doc.append(len(ms))
                flat += ms
    except (msgspec.MsgspecError, KeyError):
        return None
    names = list(map(_CLUSTER, flat))
    number = {c: i for i, c in enumerate(dict.fromkeys(names))}     # any id serves: clusters rank by first row
    return _columns(np.repeat(np.arange(len(ids), dtype=np.int64), per_doc), flat, list(map(number.__getitem__, names)))


def response_mentions(preds: Predictions | Mapping[str, Any], ids: Sequence[str]) -> Mentions | None:
    """The response mentions of ``ids``: each line's ``coref`` clusters in order (a document
    without a line, or whose line has no ``coref``, has none). Lines kept as bytes are decoded in
    one call, reading the ``coref`` field only."""
    records = getattr(preds, "records", preds)
    present = [k for k, d in enumerate(ids) if d in records]
    try:
        with _collector_paused():
            views = _coref_views(records, [ids[k] for k in present])
            clusters = [v.coref or [] for v in views]
            flat_clusters = list(chain.from_iterable(clusters))
            flat = list(chain.from_iterable(flat_clusters))
    except (msgspec.MsgspecError, UnicodeError):
        return None
    sizes = list(map(len, flat_clusters))
    doc = np.repeat(np.repeat(np.array(present, dtype=np.int64), list(map(len, clusters))), sizes)
    return _columns(doc, flat, np.repeat(np.arange(len(sizes), dtype=np.int64), sizes))


@contextmanager
def _collector_paused() -> Iterator[None]:
    """The cyclic garbage collector off while the records are decoded: the lists built (hundreds of
    thousands on a large corpus) hold no cycle, and the collector, triggered by their number, would
    walk the heap again and again for nothing (on 20,000 generated documents, three full
    collections took 0.14 s of the 0.5 s spent reading the response)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _coref_views(records: Mapping[str, Any], ids: list[str]) -> list[_CorefView]:
    raw = getattr(records, "raw", None)
    if raw is None:
        return msgspec.convert([records[d] for d in ids], list[_CorefView])
    lines = [r if isinstance(r, bytes) else r.encode("utf-8") for r in map(raw, ids)]
    views: list[_CorefView] = _LINES.decode(b"[" + b",".join(lines) + b"]")   # each line one validated object
    return views


def _columns(doc: np.ndarray, flat: Sequence[_Span | _GoldMention], cluster: Any) -> Mentions | None:
    """int64 columns of the mentions; None for an offset outside 0 ≤ offset < 2**63."""
    try:
        start = np.fromiter(map(_START, flat), dtype=np.int64, count=len(flat))
        end = np.fromiter(map(_END, flat), dtype=np.int64, count=len(flat))
    except OverflowError:
        return None
    if len(flat) and min(int(start.min()), int(end.min())) < 0:
        return None
    return Mentions(doc, start, end, np.asarray(cluster, dtype=np.int64).reshape(len(flat)))


# ---------------------------------------------------------------- the statistics

class _Side(NamedTuple):
    """One side after ``prepare``: the kept mentions (``code``: document and offsets as one
    integer; ``cluster``: dense cluster id, in cluster order), and per cluster id its size (0 for
    a cluster gone: emptied by repeats or a singleton dropped) and its document."""

    code: np.ndarray
    cluster: np.ndarray
    sizes: np.ndarray
    cluster_doc: np.ndarray


class _Pairs(NamedTuple):
    """The nonzero contingency counts, in the reference ``Counter``'s insertion order (grouped by
    document): key cluster, response cluster, n_ij and the document."""

    kc: np.ndarray
    rc: np.ndarray
    v: np.ndarray
    doc: np.ndarray


def rows(n_docs: int, key: Mentions, response: Mentions, *, singletons: bool = True) -> np.ndarray | None:
    """``doc_stats`` rows (n_docs x :data:`~newsgold.scoring.coref.FIELDS`) of all documents, exact
    match; None when document and offsets do not fit one int64 key (absurdly long texts)."""
    codes = _mention_codes(n_docs, key, response)
    if codes is None:
        return None
    k, r = _prepared(key, codes[0], singletons), _prepared(response, codes[1], singletons)
    if k is None or r is None:
        return None
    p = _contingency(k, r)
    out = np.zeros((n_docs, len(FIELDS)), dtype=np.float64)
    _mention_counts(out, k, r, p)
    _blanc(out, k, r, p)
    by_doc = _by_doc(n_docs)
    out[:, IX["bcub_recall_num"]] = by_doc(p.doc, (p.v * p.v) / k.sizes[p.kc])
    out[:, IX["bcub_precision_num"]] = by_doc(p.doc, (p.v * p.v) / r.sizes[p.rc])
    out[:, IX["lea_recall_num"]] = _lea(by_doc, k, r, p.kc, p.rc, p.v)
    out[:, IX["lea_precision_num"]] = _lea(by_doc, r, k, p.rc, p.kc, p.v)
    out[:, IX["ceafm_num"]], out[:, IX["ceafe_num"]] = _ceaf(n_docs, k, r, p)
    return out


def _by_doc(n_docs: int) -> Callable[..., np.ndarray]:
    """Sums grouped by document, adding in input order (np.bincount)."""
    def summed(doc: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
        return np.bincount(doc, weights=weights, minlength=n_docs).astype(np.float64)
    return summed


def _pairs_of(n: np.ndarray) -> np.ndarray:
    """n (n − 1) / 2 as float64: exact for the integers it is given."""
    f = n.astype(np.float64)
    out: np.ndarray = f * (f - 1) / 2
    return out


def _mention_codes(n_docs: int, key: Mentions, response: Mentions) -> tuple[np.ndarray, np.ndarray] | None:
    """(document, start, end) of each mention as one int64, ordered as the triples are."""
    top = max([int(c.max()) for c in (key.start, key.end, response.start, response.end) if len(c)], default=0)
    span = top + 1
    if n_docs * span * span >= _LIMIT:
        return None
    return (key.doc * span + key.start) * span + key.end, (response.doc * span + response.start) * span + response.end


def _runs(sorted_values: np.ndarray) -> np.ndarray:
    """Whether each element of a sorted array starts a run of equal values."""
    starts = np.ones(len(sorted_values), dtype=bool)
    starts[1:] = sorted_values[1:] != sorted_values[:-1]
    return starts


def _cluster_ids(m: Mentions) -> tuple[np.ndarray, np.ndarray] | None:
    """Dense cluster ids in order of first appearance (so grouped by document) and each id's
    document; None when document and cluster do not fit one int64 key."""
    width = int(m.cluster.max()) + 1 if len(m.cluster) else 1
    if int(m.doc.max(initial=0)) * width + width >= _LIMIT or (len(m.cluster) and int(m.cluster.min()) < 0):
        return None
    group = m.doc * width + m.cluster
    order = np.argsort(group, kind="stable")
    starts = _runs(group[order])
    first_row = order[starts]                           # stable: each group's first row
    rank = np.empty(len(first_row), dtype=np.int64)
    by_first = np.argsort(first_row)
    rank[by_first] = np.arange(len(first_row), dtype=np.int64)
    cid = np.empty(len(group), dtype=np.int64)
    cid[order] = rank[np.cumsum(starts) - 1]
    return cid, m.doc[first_row[by_first]]


def _prepared(m: Mentions, code: np.ndarray, singletons: bool) -> _Side | None:
    """The side as ``prepare`` leaves it: repeats dropped (the first in cluster order kept), then
    without ``singletons`` the clusters of one mention."""
    ids = _cluster_ids(m)
    if ids is None:
        return None
    cid, cluster_doc = ids
    canon = np.argsort(cid, kind="stable")              # cluster order, then position in the cluster
    c = code[canon]
    by_code = np.argsort(c, kind="stable")
    kept = canon[np.sort(by_code[_runs(c[by_code])])]   # each mention's first place, in cluster order
    sizes = np.bincount(cid[kept], minlength=len(cluster_doc))
    if not singletons:
        alive = sizes > 1
        kept = kept[alive[cid[kept]]]
        sizes = np.where(alive, sizes, 0)
    return _Side(code[kept], cid[kept], sizes.astype(np.int64), cluster_doc)


def _contingency(k: _Side, r: _Side) -> _Pairs:
    """n_ij of the response mentions that match a key mention, in order of first response mention."""
    by_code = np.argsort(k.code)                        # codes are distinct once repeats are dropped
    key_codes = k.code[by_code]
    at = np.minimum(np.searchsorted(key_codes, r.code), max(len(key_codes) - 1, 0))
    hit = key_codes[at] == r.code if len(key_codes) else np.zeros(len(r.code), dtype=bool)
    kc, rc = k.cluster[by_code][at[hit]], r.cluster[hit]
    n_r = max(len(r.sizes), 1)
    pair = kc * n_r + rc
    order = np.argsort(pair, kind="stable")
    starts = np.flatnonzero(_runs(pair[order]))
    counts = np.diff(np.append(starts, len(pair)))
    first = order[starts]
    seq = np.argsort(first)
    u = pair[first[seq]]
    rcs = u % n_r
    return _Pairs(u // n_r, rcs, counts[seq].astype(np.int64), r.cluster_doc[rcs])


def _mention_counts(out: np.ndarray, k: _Side, r: _Side, p: _Pairs) -> None:
    """Mentions, entities and the MUC links."""
    by_doc = _by_doc(len(out))
    nk, nr = by_doc(k.cluster_doc, k.sizes), by_doc(r.cluster_doc, r.sizes)
    ek, er = by_doc(k.cluster_doc, (k.sizes > 0).astype(np.float64)), by_doc(r.cluster_doc, (r.sizes > 0).astype(np.float64))
    common = by_doc(p.doc, p.v)
    out[:, IX["mentions_key"]], out[:, IX["mentions_response"]], out[:, IX["mentions_common"]] = nk, nr, common
    out[:, IX["entities_key"]], out[:, IX["entities_response"]] = ek, er
    out[:, IX["muc_common"]] = common - by_doc(p.doc)
    out[:, IX["muc_key_links"]], out[:, IX["muc_response_links"]] = nk - ek, nr - er


def _blanc(out: np.ndarray, k: _Side, r: _Side, p: _Pairs) -> None:
    """BLANC link counts as ``coref._blanc`` counts them (mentions on both sides: the matched ones)."""
    by_doc = _by_doc(len(out))
    coref_common = by_doc(p.doc, _pairs_of(p.v))
    coref_key, coref_resp = by_doc(k.cluster_doc, _pairs_of(k.sizes)), by_doc(r.cluster_doc, _pairs_of(r.sizes))
    matched_k = np.bincount(p.kc, weights=p.v, minlength=len(k.sizes))
    matched_r = np.bincount(p.rc, weights=p.v, minlength=len(r.sizes))
    same_key, same_resp = by_doc(k.cluster_doc, _pairs_of(matched_k)), by_doc(r.cluster_doc, _pairs_of(matched_r))
    common = by_doc(p.doc, p.v)
    nk, nr = by_doc(k.cluster_doc, k.sizes), by_doc(r.cluster_doc, r.sizes)
    out[:, IX["blanc_coref_common"]] = coref_common
    out[:, IX["blanc_coref_key"]], out[:, IX["blanc_coref_response"]] = coref_key, coref_resp
    out[:, IX["blanc_noncoref_common"]] = _pairs_of(common) - same_key - same_resp + coref_common
    out[:, IX["blanc_noncoref_key"]] = _pairs_of(nk) - coref_key
    out[:, IX["blanc_noncoref_response"]] = _pairs_of(nr) - coref_resp


def _lea(by_doc: Callable[..., np.ndarray], own: _Side, other: _Side, e: np.ndarray, f: np.ndarray, v: np.ndarray) -> np.ndarray:
    """LEA numerator of ``own``'s entities (key: recall, response: precision), as ``coref._lea``:
    the links each entity finds (a singleton: its self-link when the other side's entity is a
    singleton too), its term |E| · found / links(E), the terms added per document in order of each
    entity's first pair."""
    own_size = own.sizes[e]
    found_per_pair = np.where(own_size == 1, (other.sizes[f] == 1).astype(np.float64), _pairs_of(v))
    order = np.argsort(e, kind="stable")
    starts = np.flatnonzero(_runs(e[order]))
    if not len(starts):
        return by_doc(own.cluster_doc[:0])
    found = np.add.reduceat(found_per_pair[order], starts)
    first = order[starts]
    seq = np.argsort(first)
    ent = e[first[seq]]
    size = own.sizes[ent].astype(np.float64)
    terms = size * found[seq] / np.where(size == 1, 1.0, _pairs_of(size))
    return by_doc(own.cluster_doc[ent], terms)


def _ceaf(n_docs: int, k: _Side, r: _Side, p: _Pairs) -> tuple[np.ndarray, np.ndarray]:
    """CEAF-m and CEAF-e numerators: without an assignment solver where the contingency of a
    document is one to one, with the reference's (:func:`~newsgold.scoring.coref.ceaf_optimum`, on
    the same matrices) elsewhere.

    One to one: every key entity overlaps at most one response entity and every response entity
    at most one key entity. The reference's matrices have a row per overlapping key entity and a
    column per overlapping response entity (each in entity order), so each row and each column
    holds exactly one nonzero entry (φ3 = n_ij > 0, φ4 = 2 n_ij / (|K_i| + |R_j|) > 0): the nonzero
    entries are a perfect matching and the matrix is square. An alignment takes at most one entry
    per row, so it is worth at most the sum of the rows' nonzero entries, which the matching of
    the nonzero entries reaches; any other full alignment (the solver returns one, a square
    matrix) takes a zero instead of a positive entry in some row, so it is worth strictly less.
    The optimum is therefore unique, for φ3 and φ4 alike: all the pairs. CEAF-m is then Σ n_ij,
    an integer; the reference's CEAF-e is numpy's sum of the optimal φ4 entries in row order (the
    solver returns the rows sorted), which is summed here by the same numpy reduction, along rows
    of a 2-d array of the documents with that many pairs: the same run of numbers, the same bits.
    """
    ceafm, ceafe = np.zeros(n_docs), np.zeros(n_docs)
    if not len(p.v):
        return ceafm, ceafe
    phi4 = 2.0 * p.v / (k.sizes[p.kc] + r.sizes[p.rc])
    shared = (np.bincount(p.kc, minlength=len(k.sizes))[p.kc] > 1) | (np.bincount(p.rc, minlength=len(r.sizes))[p.rc] > 1)
    tangled = np.bincount(p.doc, weights=shared.astype(np.float64), minlength=n_docs) > 0
    simple = ~tangled[p.doc]
    ceafm += np.bincount(p.doc[simple], weights=p.v[simple], minlength=n_docs)
    ceafe += _row_sums(n_docs, p.doc[simple], p.kc[simple], phi4[simple])
    tangle = tangled[p.doc]
    _aligned(ceafm, ceafe, k, r, _Pairs(p.kc[tangle], p.rc[tangle], p.v[tangle], p.doc[tangle]), phi4[tangle])
    return ceafm, ceafe


def _row_sums(n_docs: int, doc: np.ndarray, kc: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Per document, numpy's sum of its values in key-entity order, one 2-d reduction per number
    of values (a document's values are one row, so each is summed as a 1-d array of them is)."""
    out = np.zeros(n_docs)
    order = np.argsort(kc)                               # key entities: distinct, grouped by document
    doc, values = doc[order], values[order]
    count = np.bincount(doc, minlength=n_docs)
    first = np.cumsum(count) - count
    for n in np.flatnonzero(np.bincount(count)).tolist():
        if n == 0:
            continue
        docs = np.flatnonzero(count == n)
        out[docs] = values[first[docs][:, None] + np.arange(n)].sum(axis=1)
    return out


def _aligned(ceafm: np.ndarray, ceafe: np.ndarray, k: _Side, r: _Side, p: _Pairs, phi4: np.ndarray) -> None:
    """The reference's matrices of each document whose contingency is not one to one (rows: its
    overlapping key entities in order, columns: its overlapping response entities in order) and
    :func:`~newsgold.scoring.coref.ceaf_optimum` on them, one document at a time. The matrices are
    filled at once, as views of one buffer of at most :data:`MATRIX_CHUNK` entries (a document
    larger than that has a buffer of its own, as large as the reference's matrix)."""
    if not len(p.v):
        return
    n_docs = len(ceafm)
    row, n_rows = _local_ranks(p.kc, k.cluster_doc, n_docs)
    col, n_cols = _local_ranks(p.rc, r.cluster_doc, n_docs)
    size = n_rows * n_cols
    offset = np.cumsum(size) - size
    at = offset[p.doc] + row * n_cols[p.doc] + col
    docs = np.flatnonzero(size)
    for lo, hi in _chunks(size[docs]):
        chunk = docs[lo:hi]
        base, top = int(offset[chunk[0]]), int(offset[chunk[-1]] + size[chunk[-1]])
        first, last = int(np.searchsorted(p.doc, chunk[0])), int(np.searchsorted(p.doc, chunk[-1], side="right"))   # p.doc ascends
        buf3, buf4 = np.zeros(top - base), np.zeros(top - base)
        buf3[at[first:last] - base], buf4[at[first:last] - base] = p.v[first:last], phi4[first:last]
        for d, o, nr, nc in zip(chunk.tolist(), (offset[chunk] - base).tolist(), n_rows[chunk].tolist(), n_cols[chunk].tolist()):
            ceafm[d], ceafe[d] = ceaf_optimum(buf3[o:o + nr * nc].reshape(nr, nc), buf4[o:o + nr * nc].reshape(nr, nc))


MATRIX_CHUNK = 1 << 18       # matrix entries filled at once (2 MiB a buffer)


def _chunks(sizes: np.ndarray) -> list[tuple[int, int]]:
    """Consecutive ranges of documents whose matrices take at most :data:`MATRIX_CHUNK` entries
    together (a larger matrix alone)."""
    ends = np.cumsum(sizes)
    out, lo = [], 0
    while lo < len(sizes):
        hi = max(lo + 1, int(np.searchsorted(ends, ends[lo] - sizes[lo] + MATRIX_CHUNK, side="right")))
        out.append((lo, hi))
        lo = hi
    return out


def _local_ranks(cluster: np.ndarray, cluster_doc: np.ndarray, n_docs: int) -> tuple[np.ndarray, np.ndarray]:
    """Each pair's entity as its rank among the distinct entities of its document that take part
    (the matrix row or column), and how many take part per document."""
    taking = np.sort(cluster)
    distinct = taking[_runs(taking)]                     # ids grow with the document
    docs = cluster_doc[distinct]
    rank = np.searchsorted(distinct, cluster) - np.searchsorted(docs, cluster_doc[cluster])
    return rank, np.bincount(docs, minlength=n_docs)
