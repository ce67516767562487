"""One alignment of a system's output with the gold, computed once from the scorer's own matching.

Every renderer of outcomes reads this object: the ``--errors`` listing
(:func:`newsgold.reporting.text.render_errors`) reads its error items, the HTML report
(:mod:`newsgold.reporting.html`) reads the per-document links. Nothing here matches spans:
the pairs are those :func:`newsgold.scoring.api.score` found with ``errors=True`` (its
``result.errors``); what the scorer did not list is an exact match, recovered by
bookkeeping over the items the scorer saw (filtered by the same label map, label subset
and zones), never by a second matcher. As nervaluate's evaluation indices do, the
alignment says for every gold and every predicted item what became of it:

* entities: ``correct`` (exact span and type), ``partial``, ``wrongtype`` (both for a
  partial match of another type), ``missed``, ``spurious``;
* quotes: ``matched``, ``partial`` (content overlaps), ``wrongspk`` (speaker resolves to
  another entity), ``missed``, ``spurious``, with the gold cluster the prediction's speaker
  resolves to (the cue is compared where it is shown);
* stance: per gold item, the label predicted and whether it is right.

A document with a predictions line that lacks a task's layer is left out of that task's
score (:func:`newsgold.scoring.api.scored_ids`); its links are drawn as the report always
drew them (entities and quotes: every gold item missed; stance: unchanged labels) and
:attr:`DocAlignment.scored` says which tasks the scorer did score on it.
"""
from __future__ import annotations

import json
from collections import Counter, deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:                # the scorer (numpy) is imported where an alignment is built, not by the
    from newsgold.core.records import Predictions
    from newsgold.scoring import api  # plain-text renderers that only read error items


Record = dict[str, Any]
EntitySpan = tuple[int, int, str]

# scorer error kind -> entity outcome(s) of the pair
ENTITY_KIND_OUTCOME: dict[str, tuple[str, ...]] = {
    "missed": ("missed",), "spurious": ("spurious",), "partial": ("partial",),
    "wrong_type": ("wrongtype",), "partial_wrong_type": ("partial", "wrongtype")}
# scorer error kind of a matched quote pair -> its status
QUOTE_KIND_STATUS: dict[str, str] = {"quote_partial": "partial", "quote_wrong_speaker": "wrongspk"}


@dataclass(frozen=True)
class ErrorItem:
    """One item of the scorer's error list (``result.errors``), addressed by attributes."""

    task: str
    doc_id: str
    kind: str
    gold: Record | None
    pred: Record | None


@dataclass(frozen=True)
class EntityLink:
    """A gold span, a predicted span or a matched pair, with its outcome(s)."""

    outcome: tuple[str, ...]
    gold: EntitySpan | None
    pred: EntitySpan | None
    error: ErrorItem | None = None          # None for an exact match (or a span of an unscored document)


@dataclass(frozen=True)
class QuoteLink:
    """A gold quote, a predicted quote or a matched pair, with its status(es)."""

    status: tuple[str, ...]
    gold: Record | None
    pred: Record | None
    resolved: str | None                    # gold cluster the predicted speaker resolves to
    error: ErrorItem | None = None


@dataclass(frozen=True)
class StanceLink:
    """A gold stance item and the label the system gave it (None: left unlabelled)."""

    item: Record
    predicted: str | None
    correct: bool
    error: ErrorItem | None = None


@dataclass(frozen=True)
class DocAlignment:
    """Every gold and predicted item of one document and what became of it."""

    doc_id: str
    scored: frozenset[str]
    entities: tuple[EntityLink, ...] = ()
    quotes: tuple[QuoteLink, ...] = ()
    stance: tuple[StanceLink, ...] = ()


@dataclass(frozen=True)
class Alignment:
    """The alignment of one system with the gold: error items in the scorer's order, and,
    when built with the gold and predictions, every document's links in gold order."""

    tasks: tuple[str, ...]
    errors: tuple[ErrorItem, ...]
    docs: Mapping[str, DocAlignment]


def error_items(records: Iterable[Record]) -> tuple[ErrorItem, ...]:
    """The scorer's error records (``result.errors``) as typed items, in the scorer's order."""
    return tuple(ErrorItem(r["task"], r["doc_id"], r["kind"], r.get("gold"), r.get("pred")) for r in records)


def align(result: api.ScoreResult, preds: Predictions, setup: api.Setup) -> Alignment:
    """The alignment of ``preds`` with ``setup.gold``, read off ``result`` (scored with ``errors=True``)."""
    from newsgold.scoring import api, tasks
    errors = error_items(result.errors)
    by_doc: dict[tuple[str, str], list[ErrorItem]] = {}
    for e in errors:
        by_doc.setdefault((e.task, e.doc_id), []).append(e)
    scored = {t: set(api.scored_ids(preds, setup, t)) for t in result.tasks if tasks.get(t).companion_of is None}
    docs: dict[str, DocAlignment] = {}
    for doc_id, doc in setup.gold.docs.items():
        pred = preds.get(doc_id, {})
        mine = frozenset(t for t, ids in scored.items() if doc_id in ids)
        docs[doc_id] = DocAlignment(
            doc_id, mine,
            entity_links(doc, pred, setup, by_doc.get(("entities", doc_id), []), "entities" in mine)
            if "entities" in scored else (),
            quote_links(doc, pred, setup, by_doc.get(("quotes", doc_id), []), "quotes" in mine)
            if "quotes" in scored else (),
            stance_links(doc, by_doc.get(("stance", doc_id), [])) if "stance" in scored else ())
    return Alignment(tuple(result.tasks), errors, docs)


# ---------------------------------------------------------------- entities

def _entity_span(view: Record | None) -> EntitySpan | None:
    return None if view is None else (view["start"], view["end"], view["label"])


def entity_links(doc: dict, pred: dict, setup: api.Setup, errors: Sequence[ErrorItem],
                 scored: bool = True) -> tuple[EntityLink, ...]:
    """Links of one document, ordered by position: the scorer's error pairs, and every gold span
    it did not list paired with an identical prediction (the scorer's exact matches). In a
    document the scorer left out (``scored`` false) every gold span is shown missed."""
    gold = setup.entity_tuples(doc, doc["entities"]["mentions"], side="gold")
    preds = setup.entity_tuples(doc, pred.get("entities") or [])
    if not scored:
        return tuple(sorted((EntityLink(("missed",), g, None) for g in gold), key=_entity_position))
    links: list[EntityLink] = []
    left_g, left_p = Counter(gold), Counter(preds)
    for e in errors:
        g, p = _entity_span(e.gold), _entity_span(e.pred)
        links.append(EntityLink(ENTITY_KIND_OUTCOME[e.kind], g, p, e))
        if g is not None:
            left_g[g] -= 1
        if p is not None:
            left_p[p] -= 1
    for t in sorted(left_g.elements()):
        links.append(EntityLink(("correct",), t, t))
        left_p[t] -= 1
    if any(left_p.values()) or any(v < 0 for v in left_g.values()):
        raise RuntimeError(f"{doc['id']}: the scorer's errors and exact matches do not add up")
    return tuple(sorted(links, key=_entity_position))


def _entity_position(link: EntityLink) -> tuple:
    first = min(t[0] for t in (link.gold, link.pred) if t)
    return (first, link.gold or (), link.pred or (), link.outcome)


# ---------------------------------------------------------------- quotes

def _scored_quotes(doc: dict, pred: dict, setup: api.Setup) -> tuple[dict, list[Record], list[Record]]:
    """The gold document (quotes outside the scored zones dropped) and the two quote lists
    exactly as the scorer sees them."""
    gdoc = doc if setup.zones is None else {
        **doc, "quotes": [q for q in doc["quotes"] if setup.in_zones(doc, q["content"][0]["start"])]}
    pq = [q for q in pred.get("quotes") or [] if setup.in_zones(doc, q["content"][0]["start"])]
    return gdoc, gdoc.get("quotes") or [], pq


def _view_key(doc: dict, q: Record, side: str) -> str:
    """The scorer's view of a quote in an error record, as a key (the record names quotes by it)."""
    from newsgold.scoring import tasks
    raw = ("", q, None) if side == "gold" else ("", None, q)
    return json.dumps(tasks.get("quotes").error_record(doc, raw)[side], sort_keys=True, ensure_ascii=False)


def _take(index: dict[str, deque[int]], doc: dict, view: Record | None) -> int | None:
    if view is None:
        return None
    key = json.dumps(view, sort_keys=True, ensure_ascii=False)
    if not index.get(key):
        raise RuntimeError(f"{doc['id']}: a quote in the scorer's errors is not among the scored quotes")
    return index[key].popleft()


def _exact_pairs(gq: list[Record], pq: list[Record], left_g: list[int], left_p: list[int],
                 resolved: list[str | None], doc_id: str) -> list[tuple[int, int]]:
    """The scorer's correct pairs among the quotes its errors do not mention.

    Such a pair has identical content and a right (or unjudged) speaker, so the pairs are
    recovered by content: gold quotes with a known speaker first take a prediction that
    resolves to that speaker, then the others take what is left. Quotes with identical
    content are interchangeable to the scorer; this bookkeeping never compares overlaps."""
    from newsgold.scoring import quotes as Q
    free: dict[frozenset, list[int]] = {}
    for pi in left_p:
        free.setdefault(Q.charset(pq[pi]["content"]), []).append(pi)
    pairs = []
    order = sorted(left_g, key=lambda gi: (not gq[gi].get("speaker_cluster"), gi))
    for gi in order:
        want = gq[gi].get("speaker_cluster")
        cands = free.get(Q.charset(gq[gi]["content"]), [])
        partner = next((p for p in cands if not want or resolved[p] == want), None)
        if partner is None:
            raise RuntimeError(f"{doc_id}: the scorer's quote errors and exact matches do not add up")
        cands.remove(partner)
        pairs.append((gi, partner))
    if any(free.values()):
        raise RuntimeError(f"{doc_id}: the scorer's quote errors and exact matches do not add up")
    return sorted(pairs)


def quote_links(doc: dict, pred: dict, setup: api.Setup, errors: Sequence[ErrorItem],
                scored: bool = True) -> tuple[QuoteLink, ...]:
    """Links of one document, ordered by the first content offset (gold before predicted).
    In a document the scorer left out (``scored`` false) every gold quote is shown missed."""
    from newsgold.scoring import quotes as Q
    gdoc, gq, pq = _scored_quotes(doc, pred, setup)
    if not scored:
        return tuple(sorted((QuoteLink(("missed",), q, None, None) for q in gq), key=_quote_position))
    names = Q.name_index(gdoc)
    resolved = [Q.resolve_speaker(p, gdoc, names) for p in pq]
    g_index: dict[str, deque[int]] = {}
    p_index: dict[str, deque[int]] = {}
    for i, q in enumerate(gq):
        g_index.setdefault(_view_key(doc, q, "gold"), deque()).append(i)
    for i, q in enumerate(pq):
        p_index.setdefault(_view_key(doc, q, "pred"), deque()).append(i)
    pairs: list[tuple[int, int, ErrorItem | None]] = []
    alone: list[QuoteLink] = []
    used_g, used_p = set(), set()
    for e in errors:
        gi, pi = _take(g_index, doc, e.gold), _take(p_index, doc, e.pred)
        used_g.add(gi)
        used_p.add(pi)
        if gi is not None and pi is not None:
            pairs.append((gi, pi, e))
        elif gi is not None:
            alone.append(QuoteLink(("missed",), gq[gi], None, None, e))
        elif pi is not None:
            alone.append(QuoteLink(("spurious",), None, pq[pi], resolved[pi], e))
    left_g = [i for i in range(len(gq)) if i not in used_g]
    left_p = [i for i in range(len(pq)) if i not in used_p]
    pairs += [(gi, pi, None) for gi, pi in _exact_pairs(gq, pq, left_g, left_p, resolved, doc["id"])]
    links = [_pair_link(gq[gi], pq[pi], resolved[pi], e) for gi, pi, e in sorted(pairs, key=lambda x: (x[0], x[1]))]
    links += alone
    return tuple(sorted(links, key=_quote_position))


def _quote_position(link: QuoteLink) -> tuple:
    q = link.gold or link.pred or {}
    return (q["content"][0]["start"], 0 if link.gold else 1, (link.pred or {}).get("content", [{}])[0].get("start", -1))


def _pair_link(g: Record, p: Record, resolved: str | None, e: ErrorItem | None) -> QuoteLink:
    """A matched pair's status: the scorer's kind, and a wrong speaker also shown on a partial match."""
    if e is None:
        return QuoteLink(("matched",), g, p, resolved)
    status = [QUOTE_KIND_STATUS[e.kind]]
    if e.kind == "quote_partial" and g.get("speaker_cluster") and resolved != g["speaker_cluster"]:
        status.append("wrongspk")
    return QuoteLink(tuple(status), g, p, resolved, e)


# ---------------------------------------------------------------- stance

def stance_links(doc: dict, errors: Sequence[ErrorItem]) -> tuple[StanceLink, ...]:
    """One link per gold stance item, in gold order; a wrong or missing label comes from the scorer's errors."""
    wrong = {e.gold["item"]: e for e in errors if e.gold is not None}
    out = []
    for s in (doc.get("stance") or {}).get("items", []):
        e = wrong.get(s["id"])
        predicted = s["label"] if e is None else (e.pred or {}).get("label")
        out.append(StanceLink(s, predicted, e is None, e))
    return tuple(out)
