"""The reproducibility signature: fixed field order, round trip through parse, clear failures."""
from __future__ import annotations

import pytest

from newsgold.scoring import signature as sig

BASE = dict(version="0.1.0", data_version="1.0.0", data_hash="443f5e29a1b2c3d4e5f6", task="entities", overlap=0.5,
            label_map=None, labels=None, zones=None, resamples=1000, seed=12345)


def test_documented_example():
    # the example in the module docstring, field by field
    s = sig.make(**BASE)
    assert s == ("newsgold:0.1.0|data:newsgold-1.0.0+443f5e29a1b2|task:entities|match:optimal-1to1|"
                 "scheme:strict,exact,partial,type|overlap:char-jaccard>=0.5|labelmap:none|labels:all|"
                 "zones:all|ci:bootstrap-docs-1000-95|seed:12345")


def test_round_trip_and_order():
    s = sig.make(**{**BASE, "label_map": "ontonotes_to_conll2003", "labels": ["PER", "LOC"],
                    "zones": ["headline", "body"], "resamples": 0, "seed": 7, "overlap": 0.75, "task": "entities+quotes"})
    p = sig.parse(s)
    assert list(p) == list(sig.FIELDS)
    assert p["labelmap"] == "ontonotes_to_conll2003"
    assert p["labels"] == "LOC,PER"                 # sorted, so the same choice gives the same signature
    assert p["zones"] == "body,headline"
    assert p["ci"] == "none"                        # no resampling
    assert p["seed"] == "7"
    assert p["overlap"] == "char-jaccard>=0.75"
    assert p["task"] == "entities+quotes"
    assert sig.parse(s + "\n") == p                 # surrounding whitespace is tolerated


def test_signature_distinguishes_settings():
    a = sig.make(**BASE)
    for change in ({"seed": 1}, {"resamples": 10}, {"zones": ["body"]}, {"labels": ["PERSON"]},
                   {"label_map": "x"}, {"overlap": 0.6}, {"data_hash": "ffff" * 4}, {"task": "quotes"}):
        assert sig.make(**{**BASE, **change}) != a, change
    # the order of labels and zones does not matter
    assert sig.make(**{**BASE, "zones": ["body", "headline"]}) == sig.make(**{**BASE, "zones": ["headline", "body"]})


@pytest.mark.parametrize("bad", [
    "",
    "newsgold:0.1.0",                                           # fields missing
    "newsgold:0.1.0|colour:blue",                               # unknown field
    sig.make(**BASE).replace("|seed:", "|seed"),                # no separator
    sig.make(**BASE).replace("seed:12345", "").rstrip("|"),     # seed missing
])
def test_parse_rejects_malformed(bad):
    with pytest.raises(ValueError):
        sig.parse(bad)
