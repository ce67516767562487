"""Document-level entity scoring (scoring/documents.py) against counts worked out by hand."""
from __future__ import annotations

import math

import pytest

from newsgold.gold.read import Gold
from newsgold.scoring.api import score

TEXT_A = "Donald Trump met Angela Merkel in Berlin. Trump praised Germany. The German press was polite."
TEXT_B = "Merkel spoke in Paris on Monday."


def sp(text: str, sub: str, label: str, cluster: str | None = None, nth: int = 0) -> dict:
    i = -1
    for _ in range(nth + 1):
        i = text.index(sub, i + 1)
    out = {"start": i, "end": i + len(sub), "text": sub, "label": label}
    if cluster:
        out["cluster"] = cluster
    return out


def doc(doc_id: str, text: str, mentions: list[dict], clusters: list[dict]) -> dict:
    return {"id": doc_id, "text": text, "text_sha256": "0" * 64, "metadata": {"headline": text[:10]},
            "zones": [{"start": 0, "end": len(text), "type": "body"}],
            "entities": {"mentions": mentions, "clusters": clusters}, "quotes": [], "stance": {"targets": [], "items": []}}


def gold() -> Gold:
    a = doc("a", TEXT_A,
            [sp(TEXT_A, "Donald Trump", "PERSON", "trump"), sp(TEXT_A, "Angela Merkel", "PERSON", "merkel"),
             sp(TEXT_A, "Berlin", "GPE", "berlin"), sp(TEXT_A, "Trump", "PERSON", "trump", nth=1),
             sp(TEXT_A, "Germany", "GPE", "germany"), sp(TEXT_A, "German", "NORP", "germans", nth=1)],
            [{"id": "trump", "name": "Donald Trump", "type": "PERSON", "aliases": ["Trump"]},
             {"id": "merkel", "name": "Angela Merkel", "type": "PERSON", "aliases": ["Merkel"]},
             {"id": "berlin", "name": "Berlin", "type": "GPE", "aliases": []},
             {"id": "germany", "name": "Germany", "type": "GPE", "aliases": []},
             {"id": "germans", "name": "Germans", "type": "NORP", "aliases": ["German"]}])
    b = doc("b", TEXT_B,
            [sp(TEXT_B, "Merkel", "PERSON", "merkel"), sp(TEXT_B, "Paris", "GPE", "paris"), sp(TEXT_B, "Monday", "DATE", "monday")],
            [{"id": "merkel", "name": "Angela Merkel", "type": "PERSON", "aliases": ["Merkel"]},
             {"id": "paris", "name": "Paris", "type": "GPE", "aliases": []},
             {"id": "monday", "name": "Monday", "type": "DATE", "aliases": []}])
    return Gold({"a": a, "b": b}, "test", "f" * 64, "<test>")


def predictions() -> list[dict]:
    # document a: gold set {trump/PERSON, merkel/PERSON, berlin/GPE, germany/GPE, germans/NORP} (5 items)
    ents_a = [sp(TEXT_A, "Donald Trump", "PERSON"),     # trump/PERSON: correct
              sp(TEXT_A, "Trump", "PERSON", nth=1),      # the same item again: not counted twice
              sp(TEXT_A, "Angela Merkel", "ORG"),        # merkel/ORG: wrong type -> false positive (merkel/PERSON missed)
              sp(TEXT_A, "Berlin", "GPE"),               # correct
              sp(TEXT_A, "Germany", "LOC"),              # wrong type
              sp(TEXT_A, "The German press", "ORG")]     # resolves to no cluster -> false positive
    # -> predicted 5, correct 2, gold 5
    # document b: gold {merkel/PERSON, paris/GPE, monday/DATE}; predicted 2, both correct
    ents_b = [sp(TEXT_B, "Merkel", "PERSON"), sp(TEXT_B, "Paris", "GPE")]
    return [{"doc_id": "a", "entities": ents_a}, {"doc_id": "b", "entities": ents_b}]


def figures(res, name):
    return res.tasks["entities_document"]["figures"][name]["value"]


def test_document_level_scores_equal_hand_computed_ones():
    res = score(predictions(), gold=gold(), task="entities_document", resamples=0)
    # totals: correct 2 + 2 = 4, predicted 5 + 2 = 7, gold 5 + 3 = 8
    assert res.tasks["entities_document"]["counts"]["overall"] == {"correct": 4, "predicted": 7, "gold": 8}
    p, r = 4 / 7, 4 / 8
    assert math.isclose(figures(res, "overall/precision"), p)
    assert math.isclose(figures(res, "overall/recall"), r)
    assert math.isclose(figures(res, "overall/f1"), 2 * p * r / (p + r))      # 8/15
    # PERSON: gold trump, merkel (a) + merkel (b) = 3; predicted trump (a) + merkel (b) = 2, both correct
    assert math.isclose(figures(res, "label/PERSON/precision"), 1.0)
    assert math.isclose(figures(res, "label/PERSON/recall"), 2 / 3)
    # GPE: gold berlin, germany, paris = 3; predicted berlin, paris = 2 (Germany was LOC)
    assert math.isclose(figures(res, "label/GPE/recall"), 2 / 3)
    assert figures(res, "label/MONEY/f1") is None                             # absent on both sides: n/a, not 0


def test_label_subset_applies_to_both_sides():
    res = score(predictions(), gold=gold(), task="entities_document", labels=["PERSON"], resamples=0)
    assert res.tasks["entities_document"]["counts"]["overall"] == {"correct": 2, "predicted": 2, "gold": 3}


def test_intervals_come_from_the_document_resampling():
    res = score(predictions(), gold=gold(), task="entities_document", resamples=200, seed=7)
    f = res.tasks["entities_document"]["figures"]["overall/f1"]
    # whatever the resampling reports (an interval, or none for too few documents), it is not invented here
    if f.get("ci"):
        lo, hi = f["ci"]
        # the two documents alone: a has F1 2*(2/5)(2/5)/(4/5) = 0.4, b has F1 2*1*(2/3)/(5/3) = 0.8
        assert 0.4 - 1e-9 <= lo <= hi <= 0.8 + 1e-9


@pytest.mark.parametrize("task", ["quotes", "stance"])
def test_no_document_section_without_entities(task):
    res = score([{**p, task: []} for p in predictions()], gold=gold(), task=task, resamples=0)
    assert "entities_document" not in res.tasks


def test_entities_scores_spans_only_and_all_adds_the_document_level():
    # issue 25: the document-level section is asked for by name (or by "all"), never implied by --task entities
    assert list(score(predictions(), gold=gold(), task="entities", resamples=0).tasks) == ["entities"]
    assert list(score(predictions(), gold=gold(), task="entities_document", resamples=0).tasks) == ["entities_document"]
    assert list(score(predictions(), gold=gold(), task="all", resamples=0).tasks) == ["entities", "entities_document"]
