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
from itertools import repeat
from operator import attrgetter, not_
from typing import TYPE_CHECKING, Any

import msgspec
import numpy as np

from newsgold.core.storage import PackedSpans
from newsgold.scoring import unplaced as U
from newsgold.scoring.entities import prf_from
from newsgold.scoring.namecache import COLUMNS, GoldNames
from newsgold.scoring.quotes import normalise_names
from newsgold.scoring.spans import sorted_unique

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


def build_gold_names(docs: Mapping[str, dict[str, Any]]) -> GoldNames:
    """:class:`GoldNames` of a gold, each record decoded once and each distinct name normalised once."""
    labels, clusters, strings, zone_types = _Ids(), _Ids(), _Ids(), _Ids()
    c: dict[str, array[int]] = {k: array("q") for k in COLUMNS}
    ids = list(docs)
    for pos, doc_id in enumerate(ids):
        view = _gold_view(docs, doc_id, True)
        ents = view.entities or _Entities()
        ms = ents.mentions
        c["m_doc"].extend([pos] * len(ms))
        c["m_start"].extend(map(_START, ms))
        c["m_end"].extend(map(_END, ms))
        c["m_label"].extend(labels.of(list(map(_LABEL, ms))))
        c["m_cluster"].extend(clusters.of(list(map(_CLUSTER, ms))))
        c["m_norm"].extend(strings.of(list(map(_TEXT, ms))))
        names = [(cl.id, x) for cl in ents.clusters for x in (cl.name, *cl.aliases)]
        c["n_doc"].extend([pos] * len(names))
        c["n_cluster"].extend(clusters.of([cid for cid, _ in names]))
        c["n_norm"].extend(strings.of([x for _, x in names]))
        zones = view.zones if isinstance(view, _ZonedView) else []
        c["z_doc"].extend([pos] * len(zones))
        c["z_start"].extend([z.start for z in zones])
        c["z_end"].extend([z.end for z in zones])
        c["z_type"].extend(zone_types.of([z.type for z in zones]))
    cols = {k: np.array(v, dtype=np.int64) if len(v) else np.zeros(0, dtype=np.int64) for k, v in c.items()}
    norm, norms = _normalised(list(strings))
    cols["m_norm"], cols["n_norm"] = norm[cols["m_norm"]], norm[cols["n_norm"]]
    cols.update(_lookups(cols, len(ids)))
    return GoldNames(ids, list(labels), list(zone_types), norms, len(clusters), cols)


def _lookups(c: dict[str, np.ndarray], n_docs: int) -> dict[str, np.ndarray]:
    """The sorted lookups of every gold document (``o_*``: the cluster at each mention's offsets;
    ``i_*``: the name index), by the same functions a subset of documents uses at run time."""
    mentions = {"doc": c["m_doc"], "start": c["m_start"], "end": c["m_end"], "cluster": c["m_cluster"]}
    o_doc, o_start, o_end, o_cluster = _offset_index(mentions)
    names, n_norm = _name_pairs(c), int(max(c["m_norm"].max(initial=0), c["n_norm"].max(initial=0))) + 1
    keys, cluster = _name_index(*names, n_norm)
    return {"o_doc": o_doc, "o_start": o_start, "o_end": o_end, "o_cluster": o_cluster,
            "i_doc": keys // n_norm, "i_norm": keys % n_norm, "i_cluster": cluster}


def _name_pairs(c: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(doc, cluster, normalised name) of the cluster names and aliases, then of the mention texts."""
    return (np.concatenate([c["n_doc"], c["m_doc"]]), np.concatenate([c["n_cluster"], c["m_cluster"]]),
            np.concatenate([c["n_norm"], c["m_norm"]]))


def gold_names(gold: Any) -> GoldNames:
    """The :class:`GoldNames` of a :class:`~newsgold.gold.read.Gold`: kept on it for the rest of the
    run, and in the user's cache folder under its content hash (:mod:`newsgold.scoring.namecache`),
    so a gold scored before is not decoded again."""
    found = known_gold_names(gold)
    if found is not None:
        return found
    from newsgold.core.storage import LazyRecords
    from newsgold.scoring import namecache
    names = build_gold_names(gold.docs)
    if isinstance(gold.docs, LazyRecords):
        namecache.store(gold.content_hash, names)
    setattr(gold, "_document_names", names)   # noqa: B010  (Gold is a plain dataclass; this is a per-run memo)
    return names


def known_gold_names(gold: Any) -> GoldNames | None:
    """The :class:`GoldNames` of a gold when they cost no decoding: kept on it earlier in the run,
    or in the cache folder (then kept on it); None otherwise, and nothing is built (coreference
    reads the mention columns from here when they are at hand, and decodes less than
    :func:`build_gold_names` otherwise)."""
    memo: GoldNames | None = getattr(gold, "_document_names", None)
    if memo is not None:
        return memo
    from newsgold.core.storage import LazyRecords
    from newsgold.scoring import namecache
    # only a gold read from a file has a content hash computed here from its records; a Gold built
    # in Python may carry any hash, so its columns are built, never looked up
    found = namecache.load(gold.content_hash, list(gold.docs)) if isinstance(gold.docs, LazyRecords) else None
    if found is not None:
        setattr(gold, "_document_names", found)   # noqa: B010  (as in gold_names)
    return found


class _Preds:
    """Predicted items of the scored documents as columns: spans (``k`` the document's position
    among the scored ones) and string-only items (start -1), their names read only where needed.
    Spans packed while the file was read are kept as they are and joined once (:meth:`arrays`)."""

    def __init__(self) -> None:
        self.labels = _Ids()
        self.cols: dict[str, array[int]] = {k: array("q") for k in ("doc", "start", "end", "label", "invented")}
        self.given: dict[int, str] = {}     # row -> the text of a string-only item
        self.packed: list[tuple[int, Any]] = []   # (document, int64 triples start, end, label id), ids into :attr:`vocab_ids`
        self.gathered: tuple[Any, ...] | None = None   # every document's packed spans at once (PackedSpans.gather)
        self.vocab_ids: list[int] = []

    def add_packed(self, k: int, triples: Any) -> None:
        if len(triples):
            self.packed.append((k, triples))

    def add(self, k: int, starts: list[int], ends: list[int], labels: list[int]) -> None:
        c = self.cols
        c["doc"].extend([k] * len(starts))
        c["start"].extend(starts)
        c["end"].extend(ends)
        c["label"].extend(labels)
        c["invented"].extend([0] * len(starts))

    def add_unplaced(self, k: int, items: list[tuple[str, str, bool]]) -> None:
        """String-only items without a span (text, label, inside): at offsets no gold mention has
        (-1) and in no zone; an invented one is marked so that it resolves to nothing."""
        row = len(self.cols["doc"])
        self.given.update((row + i, text) for i, (text, _, _) in enumerate(items))
        self.add(k, [-1] * len(items), [-1] * len(items), self.labels.of([lab for _, lab, _ in items]))
        self.cols["invented"][row:] = array("q", [0 if inside else 1 for _, _, inside in items])

    def arrays(self) -> dict[str, np.ndarray]:
        """The columns: the rows added one by one (string-only items among them) first, then the packed spans."""
        out = {k: np.array(v, dtype=np.int64) if len(v) else np.zeros(0, dtype=np.int64) for k, v in self.cols.items()}
        if self.gathered is not None:
            k, start, end, label = self.gathered
            lut = np.array(self.vocab_ids or [0], dtype=np.int64)
            more = {"doc": k, "start": start, "end": end, "label": lut[label], "invented": np.zeros(len(k), dtype=np.int64)}
            out = more if not len(out["doc"]) else {c: np.concatenate([out[c], more[c]]) for c in out}
        if self.packed:
            tri = np.frombuffer(b"".join(t.tobytes() for _, t in self.packed), dtype=np.int64).reshape(-1, 3)
            counts = np.array([len(t) // 3 for _, t in self.packed], dtype=np.int64)
            lut = np.array(self.vocab_ids, dtype=np.int64)
            more = {"doc": np.repeat(np.array([k for k, _ in self.packed], dtype=np.int64), counts), "start": tri[:, 0],
                    "end": tri[:, 1], "label": lut[tri[:, 2]], "invented": np.zeros(len(tri), dtype=np.int64)}
            out = {k: np.concatenate([out[k], more[k]]) for k in out}
        return out


def _add_predictions(cols: _Preds, k: int, doc_id: str, preds: Mapping[str, dict[str, Any]],
                     packed: Mapping[str, Any] | None, vocab_ids: list[int]) -> None:
    unplaced = getattr(preds, "unplaced", None)
    found = unplaced.get(doc_id) if unplaced is not None else (preds.get(doc_id) or {}).get("unplaced")
    if found:
        cols.add_unplaced(k, U.document_items(found))
    if packed is not None and doc_id in packed:
        cols.add_packed(k, packed[doc_id])
        return
    ents = (preds.get(doc_id) or {}).get("entities") or []
    cols.add(k, [e["start"] for e in ents], [e["end"] for e in ents], cols.labels.of([e["label"] for e in ents]))


def _label_table(setup: Setup, labels: list[str], side: str) -> np.ndarray:
    """Label id -> index into ``setup.labels`` after the label map and ``--labels``; -1: not scored."""
    index = {lab: i for i, lab in enumerate(setup.labels)}
    out = np.full(len(labels) + 1, -1, dtype=np.int64)
    for i, raw in enumerate(labels):
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


def _name_index(doc: np.ndarray, cluster: np.ndarray, name: np.ndarray, n_norm: int) -> tuple[np.ndarray, np.ndarray]:
    """Sorted keys ``doc * n_norm + normalised name`` and their cluster, for the names that
    resolve to exactly one cluster of their document (cluster names, aliases, mention texts)."""
    keep = name >= 0
    key, cluster = doc[keep] * n_norm + name[keep], cluster[keep]
    n_clusters = int(cluster.max(initial=0)) + 1
    pairs = sorted_unique(key * n_clusters + cluster)        # distinct (name key, cluster)
    keys, first, n = _first_of_runs(pairs // n_clusters)
    single = n == 1
    return keys[single], pairs[first[single]] % n_clusters


def _offset_index(gold: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(doc, start, end, cluster) of each distinct mention position, sorted: the cluster of the last
    mention there, as a dict built in mention order keeps."""
    if not len(gold["doc"]):
        return gold["doc"], gold["start"], gold["end"], gold["cluster"]
    order = np.lexsort((gold["end"][::-1], gold["start"][::-1], gold["doc"][::-1]))    # stable: reversed, the last mention first
    d, s, e, c = (gold[k][::-1][order] for k in ("doc", "start", "end", "cluster"))
    first = np.concatenate([[True], (d[1:] != d[:-1]) | (s[1:] != s[:-1]) | (e[1:] != e[:-1])])
    return d[first], s[first], e[first], c[first]


def _cluster_at_offsets(index: tuple[np.ndarray, ...], pred: dict[str, np.ndarray]) -> np.ndarray:
    """For each prediction, the cluster of the gold mention of its document with exactly its
    offsets (from :func:`_offset_index`); -1 where none.

    The key is (document, start, end) in one int64 (offsets shifted by one: a string-only item
    sits at -1), in the index's sorted order whatever the stride; where that could overflow,
    offsets become dense ids of the distinct (start, end) pairs first, so the keys stay far from
    int64 overflow whatever the text lengths."""
    doc, start, end, cluster = index
    stride = int(max(end.max(initial=0), pred["end"].max(initial=0))) + 2
    n_docs = int(max(doc.max(initial=0), pred["doc"].max(initial=0))) + 1
    if n_docs * stride * stride < 1 << 62:     # (doc, start, end) fits one int64 key as it is
        g_key = (doc * stride + start + 1) * stride + end + 1
        p_key = (pred["doc"] * stride + pred["start"] + 1) * stride + pred["end"] + 1
    else:
        offsets = np.concatenate([(start + 1) * stride + end + 1, (pred["start"] + 1) * stride + pred["end"] + 1])
        spans = sorted_unique(offsets)
        dense = np.searchsorted(spans, offsets)
        n = max(len(spans), 1)
        g_key, p_key = doc * n + dense[:len(doc)], pred["doc"] * n + dense[len(doc):]
    return _lookup(g_key, cluster, p_key)


def _normalised(strings: list[str]) -> tuple[np.ndarray, list[str]]:
    """String id -> id of its normalised form (-1 for a name that normalises to nothing), and the
    distinct normalised forms by id: each distinct string is normalised once."""
    forms = _Ids()
    out = np.array(forms.of(normalise_names(strings)), dtype=np.int64) if strings else np.zeros(0, dtype=np.int64)
    empty = forms.pop("", None)
    if empty is not None:
        out[out == empty] = -1
        out[out > empty] -= 1           # the ids after it close the gap
    return out, list(forms)


def _lookup_indexes(names: GoldNames, ids: list[str], gold: dict[str, np.ndarray],
                    name_cols: dict[str, np.ndarray]) -> tuple[tuple[np.ndarray, ...], tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """The offset index and the name index (doc, normalised name, cluster) of the scored documents:
    the ones built with the gold's columns when every gold document is scored in gold order, else
    built here from the scored documents' columns."""
    c = names.cols
    if ids == names.ids:
        return (c["o_doc"], c["o_start"], c["o_end"], c["o_cluster"]), (c["i_doc"], c["i_norm"], c["i_cluster"])
    n_norm = max(len(names.norms), 1)
    keys, cluster = _name_index(np.concatenate([name_cols["doc"], gold["doc"]]), np.concatenate([name_cols["cluster"], gold["cluster"]]),
                                np.concatenate([name_cols["norm"], gold["norm"]]), n_norm)
    return _offset_index(gold), (keys // n_norm, keys % n_norm, cluster)


def _scored_gold(names: GoldNames, ids: list[str]) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray], np.ndarray]:
    """Mention and name columns of the scored documents, ``doc`` renumbered to the position in
    ``ids``; and position in the gold -> position in ``ids`` (-1: not scored)."""
    at = {d: i for i, d in enumerate(names.ids)}
    k_of = np.full(len(names.ids) + 1, -1, dtype=np.int64)
    k_of[np.array([at[d] for d in ids], dtype=np.int64)] = np.arange(len(ids), dtype=np.int64)
    c = names.cols

    every = ids == names.ids       # every gold document, in gold order: the columns as they are

    def side(prefix: str, fields: tuple[str, ...]) -> dict[str, np.ndarray]:
        if every:
            return {"doc": c[f"{prefix}_doc"], **{f: c[f"{prefix}_{f}"] for f in fields}}
        k = k_of[c[f"{prefix}_doc"]]
        keep = k >= 0
        out = {f: c[f"{prefix}_{f}"][keep] for f in fields}
        out["doc"] = k[keep]
        return out
    gold = side("m", ("start", "end", "label", "cluster", "norm"))
    return gold, side("n", ("cluster", "norm")), k_of


def _pred_names(setup: Setup, ids: list[str], pred: dict[str, np.ndarray], rows: np.ndarray, given: dict[int, str]) -> list[str]:
    """The name of each prediction in ``rows``: the text it spans, or a string-only item's text."""
    docs = pred["doc"][rows].tolist()
    texts = {k: setup.gold.text(ids[k]) for k in dict.fromkeys(docs)}     # each document's text looked up once
    out = [texts[k][s:e] for k, s, e in zip(docs, pred["start"][rows].tolist(), pred["end"][rows].tolist())]
    if given:           # string-only items: most runs have none
        for i, r in enumerate(rows.tolist()):
            if r in given:
                out[i] = given[r]
    return out


def _predicted_item(setup: Setup, ids: list[str], names: GoldNames, gold: dict[str, np.ndarray], gold_names_: dict[str, np.ndarray],
                    pred: dict[str, np.ndarray], given: dict[int, str]) -> tuple[np.ndarray, int]:
    """Each prediction's item, and the number of possible items: the cluster of a gold mention at
    the same offsets, else the cluster its normalised name resolves to, else the name itself
    (``clusters + name id``); a name that normalises to nothing (``.``) is an item of its raw text,
    and a string-only item not in the text one of its own; neither resolves to a cluster.
    Only the predictions without a mention at their offsets have their names read."""
    offsets, (i_doc, i_norm, i_cluster) = _lookup_indexes(names, ids, gold, gold_names_)
    item = _cluster_at_offsets(offsets, pred)
    rows = np.flatnonzero((item < 0) | (pred["invented"] == 1))
    raw, n_raw, name, n_norm = _names_of(_pred_names(setup, ids, pred, rows, given), names)
    n_clusters = names.n_clusters
    # names of the gold are ids below len(names.norms) <= n_norm, so (doc, name) keys keep the index's order
    by_name = _lookup(i_doc * n_norm + i_norm, i_cluster, pred["doc"][rows] * n_norm + np.maximum(name, 0))
    sub = np.where(name >= 0, by_name, -1)
    sub = np.where(sub >= 0, sub, np.where(name >= 0, n_clusters + name, n_clusters + n_norm + raw))
    sub = np.where(pred["invented"][rows] == 1, n_clusters + n_norm + n_raw + raw, sub)
    item[rows] = sub
    return item, n_clusters + n_norm + 2 * n_raw + 1


def _names_of(raw_names: list[str], names: GoldNames) -> tuple[np.ndarray, int, np.ndarray, int]:
    """Ids of the raw names (first-appearance order) and their number; ids of their normalised
    forms (:func:`_form_ids`, the gold's ids where the gold has the form) and their number. Each
    distinct raw name is normalised once."""
    raw_ids = _Ids()
    raw = np.array(raw_ids.of(raw_names), dtype=np.int64)
    form_id, n_norm = _form_ids(normalise_names(list(raw_ids)), names.norm_ids())
    name = form_id[raw] if len(raw) else np.zeros(0, dtype=np.int64)
    return raw, len(raw_ids), name, n_norm


def _form_ids(forms: list[str], known: dict[str, int]) -> tuple[np.ndarray, int]:
    """Ids of normalised names: a gold name's id where the gold has the name, new ids after the
    gold's (first-appearance order) for the others, -1 for a name that normalises to nothing;
    and the number of ids."""
    out = np.fromiter(map(known.get, forms, repeat(-2)), dtype=np.int64, count=len(forms))   # "" is never a gold form
    out[np.fromiter(map(not_, forms), dtype=bool, count=len(forms))] = -1
    unknown = np.flatnonzero(out == -2)
    new = _Ids().of([forms[i] for i in unknown.tolist()])
    out[unknown] = len(known) + np.array(new, dtype=np.int64)
    return out, max(len(known) + (max(new) + 1 if new else 0), 1)


def _tally(g_keys: np.ndarray, p_keys: np.ndarray, n_docs: int, n_items: int, n_labels: int) -> np.ndarray:
    """(documents x labels x 3) counts from the sorted distinct keys ``(doc * n_items + item) * n_labels + label``."""
    size = n_docs * n_labels

    def cells(keys: np.ndarray) -> np.ndarray:
        return np.bincount((keys // (n_items * n_labels)) * n_labels + keys % n_labels, minlength=size)

    out = np.stack([cells(g_keys[_lookup(p_keys, p_keys, g_keys) >= 0]), cells(p_keys), cells(g_keys)], axis=1)
    return out.astype(np.int64).reshape(n_docs, n_labels, len(FIELDS))


def _collect_predictions(preds: Mapping[str, dict[str, Any]], ids: list[str]) -> _Preds:
    cols = _Preds()
    packed = getattr(preds, "spans", None) or None
    vocab_ids = cols.vocab_ids = cols.labels.of(getattr(preds, "vocab", None) or [])
    unplaced = getattr(preds, "unplaced", None)
    if isinstance(packed, PackedSpans) and unplaced is not None and not unplaced and all(d in packed or d not in preds for d in ids):
        cols.gathered = packed.gather(ids)      # every document's spans were packed: no Python step per document
        return cols
    for k, doc_id in enumerate(ids):
        _add_predictions(cols, k, doc_id, preds, packed, vocab_ids)
    return cols


def _zones_of(names: GoldNames, k_of: np.ndarray, zone_types: set[Any]) -> list[tuple[int, int, int]]:
    c = names.cols
    kept = np.array([t in zone_types for t in names.zone_types] + [False], dtype=bool)[c["z_type"]] & (k_of[c["z_doc"]] >= 0)
    return list(zip(k_of[c["z_doc"][kept]].tolist(), c["z_start"][kept].tolist(), c["z_end"][kept].tolist()))


def corpus_stats(preds: Mapping[str, dict[str, Any]], setup: Setup, ids: list[str] | None = None) -> np.ndarray:
    """Per-document statistics (documents x labels x 3), for ``ids`` (default: every gold document) in order.

    Computed for the whole corpus at once as set intersections of integer keys: the gold set
    and the predicted set become sorted arrays of distinct ``(document, item, label)`` keys, and
    the correct items are their intersection. The gold side comes from :func:`gold_names` (built
    once per gold); labels are filtered by lookup tables built once per distinct label, and only
    predictions that are not at a gold mention's offsets have their names read and normalised.
    """
    ids = list(setup.gold.docs) if ids is None else list(ids)
    names = gold_names(setup.gold)
    gold, name_cols, k_of = _scored_gold(names, ids)
    pc = _collect_predictions(preds, ids)
    pred = pc.arrays()
    g_lab = _label_table(setup, names.labels, "gold")[gold["label"]]
    p_lab = _label_table(setup, list(pc.labels), "pred")[pred["label"]]
    item, n_items = _predicted_item(setup, ids, names, gold, name_cols, pred, pc.given)
    g_keep, p_keep = g_lab >= 0, p_lab >= 0
    if setup.zones is not None:
        zones = _zones_of(names, k_of, setup.zones)
        g_keep &= _in_zones(zones, gold["doc"], gold["start"])
        p_keep &= _in_zones(zones, pred["doc"], pred["start"])
    n_labels = len(setup.labels)
    g_keys = sorted_unique((gold["doc"][g_keep] * n_items + gold["cluster"][g_keep]) * n_labels + g_lab[g_keep])
    p_keys = sorted_unique((pred["doc"][p_keep] * n_items + item[p_keep]) * n_labels + p_lab[p_keep])
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
