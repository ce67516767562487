"""The alignment both renderers read: checked against a peer that matches spans itself.

The peer is the scorer's per-document matching run directly (``entities.doc_table`` and
``quotes.match_quotes``, as the HTML report did before it read the alignment); the
alignment must give the same pairs and outcomes from ``result.errors`` alone.
"""
from __future__ import annotations

import copy
from collections import Counter

from newsgold.gold.load import Gold, load_gold
from newsgold.reporting import html as H
from newsgold.reporting.alignment import ENTITY_KIND_OUTCOME, align
from newsgold.scoring import api
from newsgold.scoring import entities as E
from newsgold.scoring import quotes as Q
from test_html_report import BASELINE, synthetic_gold, synthetic_predictions


def _aligned(preds, gold):
    setup = api.make_setup(gold)
    result = api.score(preds, setup=setup, errors=True, resamples=0)
    loaded, _ = api.load_predictions(preds, setup)
    return align(result, loaded, setup), loaded, setup


def _peer_entities(doc, pred, setup):
    gold = setup.entity_tuples(doc, doc["entities"]["mentions"], side="gold")
    preds = setup.entity_tuples(doc, pred.get("entities") or [])
    raw: list = []
    E.doc_table(gold, preds, {lab: i for i, lab in enumerate(setup.labels)}, raw)
    out = Counter((ENTITY_KIND_OUTCOME[k], g, p) for k, g, p in raw)
    left = Counter(gold) - Counter(g for _, g, _ in raw if g)
    out.update((("correct",), t, t) for t in left.elements())
    return out


def _peer_quote_pairs(doc, pred):
    gq, pq = doc.get("quotes") or [], pred.get("quotes") or []
    _, pairs = Q.match_quotes(gq, pq, 0.5)
    return sorted((gq[g]["id"], pq[p]["content"][0]["start"]) for g, p in pairs)


def _check_against_peer(preds, gold):
    alignment, loaded, setup = _aligned(preds, gold)
    for doc_id, doc in setup.gold.docs.items():
        links = alignment.docs[doc_id]
        pred = loaded.get(doc_id, {})
        assert Counter((x.outcome, x.gold, x.pred) for x in links.entities) == _peer_entities(doc, pred, setup)
        mine = sorted((x.gold["id"], x.pred["content"][0]["start"]) for x in links.quotes if x.gold and x.pred)
        assert mine == _peer_quote_pairs(doc, pred)
    return alignment


def test_shipped_baseline_agrees_with_the_peer():
    alignment = _check_against_peer(str(BASELINE), load_gold(None))
    assert alignment.errors and all(e.task in ("entities", "quotes", "stance") for e in alignment.errors)


def test_synthetic_every_outcome():
    alignment = _check_against_peer(synthetic_predictions(), synthetic_gold())
    doc = alignment.docs["syn-01"]
    outcomes = Counter(o for x in doc.entities for o in x.outcome)
    assert {"correct", "partial", "wrongtype", "spurious", "missed"} <= set(outcomes)
    # hand-worked: the quote's content matches and its speaker ("Beta Ltd") is another entity
    assert [x.status for x in doc.quotes] == [("wrongspk",), ("spurious",)]
    assert [(x.item["id"], x.predicted, x.correct) for x in doc.stance] == [("s1", "FAVOR", True), ("s2", "NEUTRAL", False)]


def test_identical_content_quotes_pair_with_their_speakers():
    """Two gold quotes with the same content and different speakers; the predictions list them in the
    other order. Whatever pairs the scorer picked, a pair shown matched has the right speaker."""
    gold = synthetic_gold()
    doc = copy.deepcopy(gold.docs["syn-01"])
    q2 = dict(doc["quotes"][0], id="q2", speaker_cluster="acme", speaker=None)
    doc["quotes"].append(q2)
    g = Gold({"syn-01": doc}, "test", "f" * 64, "<test>")
    content = doc["quotes"][0]["content"]
    preds = [{"doc_id": "syn-01", "entities": [],
              "quotes": [{"content": content, "speaker_cluster": "acme"}, {"content": content, "speaker_cluster": "john"}]}]
    alignment, _, _ = _aligned(preds, g)
    links = alignment.docs["syn-01"].quotes
    assert len(links) == 2 and all(x.gold and x.pred for x in links)
    for x in links:
        assert (x.status == ("matched",)) == (x.resolved == x.gold["speaker_cluster"])


def test_chart_titles_say_why_there_are_no_intervals():
    page = H.build_report(synthetic_predictions(), gold=synthetic_gold(), resamples=20)
    assert "95% bootstrap CI" not in page and "(95% CI)" not in page
    assert page.count("(no confidence intervals)</text>") == 3
    assert '<text class="na" x="0" y="28" font-size="11">not available with 1 document(s)' in page
    # with enough documents the charts carry intervals and say so
    base = synthetic_gold().docs["syn-01"]
    docs = {f"syn-{i:02d}": dict(base, id=f"syn-{i:02d}") for i in range(1, 8)}
    preds = [dict(synthetic_predictions()[0], doc_id=d) for d in docs]
    page = H.build_report(preds, gold=Gold(docs, "test", "f" * 64, "<test>"), resamples=20)
    assert "Entity F1 by label (95% bootstrap CI)</text>" in page and "no confidence intervals" not in page
