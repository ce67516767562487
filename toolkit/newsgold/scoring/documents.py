"""Document-level entity scoring: which (entity, type) pairs does a document mention?

Newsroom tagging asks "which people and organisations does this article mention", not
where. For each document:

* the **gold set** holds one item per (gold cluster, label) with at least one mention that
  the scoring setup keeps (label map, ``--labels``, ``--zones`` apply as for spans);
* the **predicted set** holds one item per distinct (name, label) of the predicted
  entities, the name being the text of the span; a span with the exact offsets of a gold
  mention is that mention's cluster; otherwise a name that, normalised
  (:func:`newsgold.scoring.quotes.normalise_name`: case, accents, punctuation, possessive
  and a leading "the" ignored), equals a gold cluster's canonical name, one of its aliases or
  the text of one of its mentions *is* that cluster, so "Trump" and "Donald Trump" predicted
  in one document are one item; a name that resolves to no cluster (or to several: an
  ambiguous name) stays an item of its own and can only be a false positive, as does a span
  whose name normalises to nothing (``.``), keyed by its raw text;
* a string of string-only output that is not in the text is an item of its own that can only
  be a false positive; one found only inside a longer listed string is resolved by its name
  (:mod:`newsgold.scoring.unplaced`);
* a predicted item is correct when it resolves to a cluster of the gold set *with the same
  label*.

Per document and label the sufficient statistics are ``(correct, predicted, gold)``;
precision, recall and F1 come from their sums over documents, so the document bootstrap of
:mod:`newsgold.scoring.resampling` applies unchanged.
"""
from __future__ import annotations

from array import array
from collections.abc import Mapping
from operator import attrgetter
from typing import TYPE_CHECKING, Any

import msgspec
import numpy as np

from newsgold.scoring import unplaced as U
from newsgold.scoring.entities import prf_from
from newsgold.scoring.quotes import normalise_names

if TYPE_CHECKING:
    from newsgold.scoring.setup import Setup

FIELDS = ("correct", "predicted", "gold")


class _Mention(msgspec.Struct, gc=False):
    start: int
    end: int
    label: str
    cluster: str
    text: str


class _Cluster(msgspec.Struct, gc=False):
    id: str
    name: str
    aliases: list[str] = []


class _Entities(msgspec.Struct, gc=False):
    mentions: list[_Mention] = []
    clusters: list[_Cluster] = []


class _Zone(msgspec.Struct, gc=False):
    start: int
    end: int
    type: str


class _GoldView(msgspec.Struct, gc=False):
    """The fields of a gold record document-level scoring reads; the others (the text among them:
    the gold holds it already) are skipped while parsing, never built."""

    entities: _Entities | None = None


class _ZonedView(_GoldView, gc=False):
    zones: list[_Zone] = []


_DECODERS: dict[bool, msgspec.json.Decoder[Any]] = {False: msgspec.json.Decoder(_GoldView), True: msgspec.json.Decoder(_ZonedView)}


def _gold_view(docs: Mapping[str, dict[str, Any]], doc_id: str, zones: bool) -> _GoldView:
    """A gold record's entities (and zones): decoded straight from the stored bytes when the
    records are held as bytes (the gold was validated, so the typed decoder accepts it)."""
    raw = getattr(docs, "raw", None)
    if raw is not None:
        decoder: msgspec.json.Decoder[Any] = _DECODERS[zones]
        view: _GoldView = decoder.decode(raw(doc_id))
        return view
    return msgspec.convert(docs[doc_id], _ZonedView if zones else _GoldView)


_START, _END, _LABEL, _CLUSTER, _TEXT = map(attrgetter, ("start", "end", "label", "cluster", "text"))


class _Ids(dict[str, Any]):
    """Strings to dense integer ids, in first-appearance order."""

    def of(self, items: list[str]) -> list[int]:
        return [self.setdefault(s, len(self)) for s in items]


class _Columns:
    """Integer columns of every document's gold mentions, names and predictions, filled one
    document at a time; strings (labels, cluster ids, names) become ids of corpus-wide tables."""

    def __init__(self) -> None:
        self.labels, self.clusters, self.strings = _Ids(), _Ids(), _Ids()
        # int64 arrays, 8 bytes an entry (a list of ints would hold an object per offset)
        self.gold: dict[str, array[int]] = {k: array("q") for k in ("doc", "start", "end", "label", "cluster", "name")}
        self.names: dict[str, array[int]] = {k: array("q") for k in ("doc", "cluster", "name")}
        self.pred: dict[str, array[int]] = {k: array("q") for k in ("doc", "start", "end", "label", "name", "invented")}
        self.zones: list[tuple[int, int, int]] = []

    def add_gold(self, k: int, view: _GoldView, zone_types: set[Any] | None, packed: Any = None, vocab_ids: list[int] | None = None) -> None:
        """A gold document; ``packed``: its mentions' (start, end, label id) triples, packed in
        mention order while the gold was read, label ids into the gold's vocabulary (``vocab_ids``: their ids here)."""
        ents = view.entities or _Entities()
        ms = ents.mentions
        g = self.gold
        g["doc"].extend([k] * len(ms))
        if packed is not None and vocab_ids is not None and len(packed) == 3 * len(ms):
            g["start"].extend(packed[0::3])
            g["end"].extend(packed[1::3])
            g["label"].extend(map(vocab_ids.__getitem__, packed[2::3]))
        else:
            g["start"].extend(map(_START, ms))
            g["end"].extend(map(_END, ms))
            g["label"].extend(self.labels.of(list(map(_LABEL, ms))))
        g["cluster"].extend(self.clusters.of(list(map(_CLUSTER, ms))))
        g["name"].extend(self.strings.of(list(map(_TEXT, ms))))
        cl = ents.clusters
        n = self.names
        n["cluster"].extend(self.clusters.of([c.id for c in cl for _ in range(1 + len(c.aliases))]))
        n["name"].extend(self.strings.of([x for c in cl for x in (c.name, *c.aliases)]))
        n["doc"].extend([k] * (len(n["name"]) - len(n["doc"])))
        if zone_types is not None and isinstance(view, _ZonedView):
            self.zones += [(k, z.start, z.end) for z in view.zones if z.type in zone_types]

    def add_pred(self, k: int, text: str, starts: list[int], ends: list[int], labels: list[int]) -> None:
        p = self.pred
        p["doc"].extend([k] * len(starts))
        p["start"].extend(starts)
        p["end"].extend(ends)
        p["label"].extend(labels)
        p["name"].extend(self.strings.of(list(map(text.__getitem__, map(slice, starts, ends)))))
        p["invented"].extend([0] * len(starts))

    def add_unplaced(self, k: int, items: list[tuple[str, str, bool]]) -> None:
        """String-only items without a span (text, label, inside): at offsets no gold mention has
        (-1) and in no zone; an invented one is marked so that it resolves to nothing."""
        p = self.pred
        p["doc"].extend([k] * len(items))
        p["start"].extend([-1] * len(items))
        p["end"].extend([-1] * len(items))
        p["label"].extend(self.labels.of([lab for _, lab, _ in items]))
        p["name"].extend(self.strings.of([text for text, _, _ in items]))
        p["invented"].extend([0 if inside else 1 for _, _, inside in items])

    def arrays(self, side: str) -> dict[str, np.ndarray]:
        cols = {"gold": self.gold, "names": self.names, "pred": self.pred}[side]
        return {k: np.array(v, dtype=np.int64) if len(v) else np.zeros(0, dtype=np.int64) for k, v in cols.items()}


def _add_predictions(cols: _Columns, k: int, doc_id: str, text: str, preds: Mapping[str, dict[str, Any]],
                     packed: Mapping[str, Any] | None, vocab_ids: list[int]) -> None:
    unplaced = getattr(preds, "unplaced", None)
    found = unplaced.get(doc_id) if unplaced is not None else (preds.get(doc_id) or {}).get("unplaced")
    if found:
        cols.add_unplaced(k, U.document_items(found))
    if packed is not None and doc_id in packed:
        a = packed[doc_id]
        cols.add_pred(k, text, a[0::3].tolist(), a[1::3].tolist(), list(map(vocab_ids.__getitem__, a[2::3])))
        return
    ents = (preds.get(doc_id) or {}).get("entities") or []
    cols.add_pred(k, text, [e["start"] for e in ents], [e["end"] for e in ents], cols.labels.of([e["label"] for e in ents]))


def _label_table(setup: Setup, labels: _Ids, side: str) -> np.ndarray:
    """Label id -> index into ``setup.labels`` after the label map and ``--labels``; -1: not scored."""
    index = {lab: i for i, lab in enumerate(setup.labels)}
    out = np.full(len(labels) + 1, -1, dtype=np.int64)
    for raw, i in labels.items():
        lab = setup.map_label(raw, side)
        if lab is not None and (setup.keep_labels is None or lab in setup.keep_labels) and lab in index:
            out[i] = index[lab]
    return out


def _in_zones(zones: list[tuple[int, int, int]], doc: np.ndarray, start: np.ndarray) -> np.ndarray:
    """Whether each (document, start) lies in one of the kept zones of its document."""
    merged: list[list[int]] = []
    for k, a, b in sorted(zones):
        if merged and merged[-1][0] == k and a <= merged[-1][2]:
            merged[-1][2] = max(merged[-1][2], b)
        elif a < b:
            merged.append([k, a, b])
    if not merged:
        return np.zeros(len(doc), dtype=bool)
    z = np.array(merged, dtype=np.int64)
    stride = int(max(z[:, 2].max(), start.max(initial=0))) + 1
    at = np.searchsorted(z[:, 0] * stride + z[:, 1], doc * stride + start, side="right") - 1
    ok = at >= 0
    at = np.maximum(at, 0)
    inside: np.ndarray = ok & (z[at, 0] == doc) & (start < z[at, 2])
    return inside


def _sorted_unique(a: np.ndarray) -> np.ndarray:
    """``np.unique(a)`` by one sort (numpy's hash-based unique is many times slower on int64)."""
    a = np.sort(a)
    return a[np.concatenate([[True], a[1:] != a[:-1]])] if len(a) else a


def _first_of_runs(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Sorted distinct keys, the index in ``keys`` of the first occurrence of each, and how often each occurs."""
    order = np.argsort(keys, kind="stable")
    k = keys[order]
    starts = np.flatnonzero(np.concatenate([[True], k[1:] != k[:-1]])) if len(k) else np.zeros(0, dtype=np.int64)
    return k[starts], order[starts], np.diff(np.append(starts, len(k)))


def _lookup(keys: np.ndarray, values: np.ndarray, queries: np.ndarray) -> np.ndarray:
    """``values`` at the position of each query in the sorted unique ``keys``; -1 where absent."""
    if not len(keys):
        return np.full(len(queries), -1, dtype=np.int64)
    at = np.minimum(np.searchsorted(keys, queries), len(keys) - 1)
    return np.where(keys[at] == queries, values[at], -1)


def _name_index(names: dict[str, np.ndarray], gold: dict[str, np.ndarray], norm: np.ndarray,
                n_norm: int) -> tuple[np.ndarray, np.ndarray]:
    """Sorted keys ``doc * n_norm + normalised name`` and their cluster, for the names that
    resolve to exactly one cluster of their document (cluster names, aliases, mention texts)."""
    doc = np.concatenate([names["doc"], gold["doc"]])
    cluster = np.concatenate([names["cluster"], gold["cluster"]])
    name = norm[np.concatenate([names["name"], gold["name"]])]
    keep = name >= 0
    key, cluster = doc[keep] * n_norm + name[keep], cluster[keep]
    n_clusters = int(cluster.max(initial=0)) + 1
    pairs = _sorted_unique(key * n_clusters + cluster)        # distinct (name key, cluster)
    keys, first, n = _first_of_runs(pairs // n_clusters)
    single = n == 1
    return keys[single], pairs[first[single]] % n_clusters


def _cluster_at_offsets(gold: dict[str, np.ndarray], pred: dict[str, np.ndarray]) -> np.ndarray:
    """For each prediction, the cluster of the gold mention of its document with exactly its
    offsets (the last such mention, as a dict built in mention order keeps); -1 where none.

    Offsets become dense ids of the distinct (start, end) pairs first, so the keys stay far
    from int64 overflow whatever the text lengths."""
    stride = int(max(gold["end"].max(initial=0), pred["end"].max(initial=0))) + 1
    offsets = np.concatenate([gold["start"] * stride + gold["end"], pred["start"] * stride + pred["end"]])
    spans = _sorted_unique(offsets)
    dense = np.searchsorted(spans, offsets)
    n = max(len(spans), 1)
    g_key = gold["doc"] * n + dense[:len(gold["doc"])]
    keys, first, _ = _first_of_runs(g_key[::-1])       # reversed: the last mention wins
    return _lookup(keys, gold["cluster"][::-1][first], pred["doc"] * n + dense[len(gold["doc"]):])


def _normalised(strings: _Ids) -> tuple[np.ndarray, int]:
    """String id -> id of its normalised form (-1 for a name that normalises to nothing):
    each distinct string of the corpus is normalised once."""
    forms = _Ids()
    out = np.array(forms.of(normalise_names(list(strings))), dtype=np.int64)
    empty = forms.get("")
    if empty is not None:
        out[out == empty] = -1
    return out, max(len(forms), 1)


def _collect(preds: Mapping[str, dict[str, Any]], setup: Setup, ids: list[str]) -> _Columns:
    """One pass over the documents: each gold record decoded once, predictions from their packed spans."""
    cols = _Columns()
    docs = setup.gold.docs
    packed = getattr(preds, "spans", None) or None
    vocab_ids = cols.labels.of(getattr(preds, "vocab", None) or [])
    gold_packed = getattr(docs, "spans", None) or {}
    gold_vocab_ids = cols.labels.of(list(getattr(docs, "vocab", None) or []))
    for k, doc_id in enumerate(ids):
        cols.add_gold(k, _gold_view(docs, doc_id, setup.zones is not None), setup.zones, gold_packed.get(doc_id), gold_vocab_ids)
        _add_predictions(cols, k, doc_id, setup.gold.text(doc_id), preds, packed, vocab_ids)
    return cols


def _predicted_item(cols: _Columns, gold: dict[str, np.ndarray], pred: dict[str, np.ndarray]) -> tuple[np.ndarray, int]:
    """Each prediction's item, and the number of possible items: the cluster of a gold mention at
    the same offsets, else the cluster its normalised name resolves to, else the name itself
    (``clusters + name id``); a name that normalises to nothing (``.``) is an item of its raw text,
    and a string-only item not in the text one of its own; neither resolves to a cluster."""
    norm, n_norm = _normalised(cols.strings)
    n_clusters, n_raw = len(cols.clusters), len(cols.strings)
    item = _cluster_at_offsets(gold, pred)
    name = norm[pred["name"]]
    name_keys, name_cluster = _name_index(cols.arrays("names"), gold, norm, n_norm)
    by_name = _lookup(name_keys, name_cluster, pred["doc"] * n_norm + np.maximum(name, 0))
    item = np.where(item >= 0, item, np.where(name >= 0, by_name, -1))
    item = np.where(item >= 0, item, np.where(name >= 0, n_clusters + name, n_clusters + n_norm + pred["name"]))
    item = np.where(pred["invented"] == 1, n_clusters + n_norm + n_raw + pred["name"], item)
    return item, n_clusters + n_norm + 2 * n_raw + 1


def _tally(g_keys: np.ndarray, p_keys: np.ndarray, n_docs: int, n_items: int, n_labels: int) -> np.ndarray:
    """(documents x labels x 3) counts from the sorted distinct keys ``(doc * n_items + item) * n_labels + label``."""
    size = n_docs * n_labels

    def cells(keys: np.ndarray) -> np.ndarray:
        return np.bincount((keys // (n_items * n_labels)) * n_labels + keys % n_labels, minlength=size)

    out = np.stack([cells(g_keys[_lookup(p_keys, p_keys, g_keys) >= 0]), cells(p_keys), cells(g_keys)], axis=1)
    return out.astype(np.int64).reshape(n_docs, n_labels, len(FIELDS))


def corpus_stats(preds: Mapping[str, dict[str, Any]], setup: Setup, ids: list[str] | None = None) -> np.ndarray:
    """Per-document statistics (documents x labels x 3), for ``ids`` (default: every gold document) in order.

    Computed for the whole corpus at once as set intersections of integer keys: the gold set
    and the predicted set become sorted arrays of distinct ``(document, item, label)`` keys, and
    the correct items are their intersection. Labels are filtered by lookup tables built once
    per distinct label, names normalised once per distinct string of the corpus.
    """
    ids = list(setup.gold.docs) if ids is None else list(ids)
    cols = _collect(preds, setup, ids)
    gold, pred = cols.arrays("gold"), cols.arrays("pred")
    g_lab = _label_table(setup, cols.labels, "gold")[gold["label"]]
    p_lab = _label_table(setup, cols.labels, "pred")[pred["label"]]
    item, n_items = _predicted_item(cols, gold, pred)
    g_keep, p_keep = g_lab >= 0, p_lab >= 0
    if setup.zones is not None:
        g_keep &= _in_zones(cols.zones, gold["doc"], gold["start"])
        p_keep &= _in_zones(cols.zones, pred["doc"], pred["start"])
    n_labels = len(setup.labels)
    g_keys = _sorted_unique((gold["doc"][g_keep] * n_items + gold["cluster"][g_keep]) * n_labels + g_lab[g_keep])
    p_keys = _sorted_unique((pred["doc"][p_keep] * n_items + item[p_keep]) * n_labels + p_lab[p_keep])
    return _tally(g_keys, p_keys, len(ids), n_items, n_labels)


def figures(sums: np.ndarray, labels: list[str]) -> dict[str, np.ndarray]:
    """Overall and per-label precision, recall and F1 from summed counts (vectorised over resamples)."""
    sums = np.asarray(sums, dtype=float)
    overall = sums.sum(axis=-2)
    out: dict[str, np.ndarray] = {}
    m = prf_from(overall[..., 0], overall[..., 1], overall[..., 2])
    for k in ("precision", "recall", "f1"):
        out[f"overall/{k}"] = m[k]
    for li, lab in enumerate(labels):
        m = prf_from(sums[..., li, 0], sums[..., li, 1], sums[..., li, 2])
        for k in ("precision", "recall", "f1"):
            out[f"label/{lab}/{k}"] = m[k]
    return out


def counts(total: np.ndarray, labels: list[str]) -> dict[str, Any]:
    """Summed counts, overall and for each label that occurs."""
    out = {"overall": {f: int(total[:, i].sum()) for i, f in enumerate(FIELDS)}}
    for li, lab in enumerate(labels):
        if total[li].any():
            out[lab] = {f: int(total[li, i]) for i, f in enumerate(FIELDS)}
    return out
