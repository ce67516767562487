"""The typed records at the layer boundaries (core/records.py): their JSON form, and the
Predictions mapping the scorer reads (layers answered without parsing a record)."""
from __future__ import annotations

import json

import pytest

import newsgold
from newsgold.core.records import Document, Predictions, Quote, Span, StanceItem
from newsgold.gold.load import load_gold
from newsgold.scoring.predictions import read_predictions

TEXT = "Angela Merkel said: “We will manage.”"


def test_span_json_form_keeps_the_schema_key_order_and_omits_what_is_unknown():
    assert list(Span.in_text(TEXT, 0, 13, "PERSON").to_dict().items()) == [
        ("start", 0), ("end", 13), ("text", "Angela Merkel"), ("label", "PERSON")]
    assert Span(3, 5).to_dict() == {"start": 3, "end": 5}


def test_quote_json_form_has_null_cue_and_speaker_when_absent():
    q = Quote("direct", (Span.in_text(TEXT, 21, 36),))
    assert json.dumps(q.to_dict(), ensure_ascii=False) == (
        '{"type": "direct", "content": [{"start": 21, "end": 36, "text": "We will manage."}], "cue": null, "speaker": null}')
    assert StanceItem("s1", "NONE").to_dict() == {"item": "s1", "label": "NONE"}


def test_records_are_frozen():
    d = Document("a", "text")
    with pytest.raises(AttributeError):
        d.id = "b"  # type: ignore[misc]  # the point of the test: a frozen record refuses it


class _Unreadable(dict):
    """A record store that fails if a record is parsed."""

    def __getitem__(self, key):
        raise AssertionError(f"record {key!r} was parsed")


def test_predictions_answer_membership_and_layers_without_parsing_a_record():
    preds = Predictions(_Unreadable(a=b"{}", b=b"{}"), {"a": frozenset({"entities"}), "b": frozenset()})
    assert "a" in preds and "c" not in preds and len(preds) == 2 and list(preds) == ["a", "b"]
    assert preds.has_layer("a", "entities") and not preds.has_layer("b", "entities")
    assert preds.any_layer("entities") and not preds.any_layer("quotes")


@pytest.mark.parametrize("from_file", [True, False])
def test_read_predictions_notes_the_layers_each_line_carries(tmp_path, from_file):
    gold = load_gold()
    a, b = list(gold.docs)[:2]
    rows = [{"doc_id": a, "entities": []}, {"doc_id": b, "quotes": []}]
    source = rows
    if from_file:
        source = tmp_path / "p.jsonl"
        source.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    preds, problems = read_predictions(source, gold)
    assert not [p for p in problems if p.severity == "error"]
    assert isinstance(preds, Predictions)
    assert preds.has_layer(a, "entities") and not preds.has_layer(a, "quotes")
    assert preds.has_layer(b, "quotes") and not preds.has_layer(b, "entities")
    assert preds[b] == {"doc_id": b, "quotes": []}


def test_score_spans_takes_span_records_as_it_takes_dicts():
    gold = [{"id": "a", "text": TEXT, "entities": [Span(0, 13, "PERSON")]}]
    right = [{"id": "a", "entities": [Span(0, 13, "PERSON")]}]
    wrong = [{"id": "a", "entities": [Span(0, 13, "ORG")]}]
    # hand-worked: one gold mention; the same span and label is 1 correct of 1 (F1 1), another label 0 correct
    assert newsgold.score_spans(predictions=right, gold=gold, resamples=0).value("entities", "overall/strict/f1") == 1.0
    assert newsgold.score_spans(predictions=wrong, gold=gold, resamples=0).value("entities", "overall/strict/f1") == 0.0
    as_dicts = newsgold.score_spans(predictions=right, resamples=0,
                                    gold=[{"id": "a", "text": TEXT, "entities": [{"start": 0, "end": 13, "label": "PERSON"}]}])
    assert as_dicts.signature == newsgold.score_spans(predictions=right, gold=gold, resamples=0).signature   # same data hash
