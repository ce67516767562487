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


def test_two_label_maps_with_one_name_give_two_signatures(tmp_path):
    import hashlib
    import json

    from newsgold.scoring.api import score
    a = {"name": "mine", "map": {"PERSON": "PERSON", "ORG": None}}
    b = {"name": "mine", "map": {"PERSON": "PERSON", "ORG": "ORG"}}
    recs = [{"doc_id": "9745ee8d84514be4-01", "entities": []}]
    sa, sb = (sig.parse(score(recs, label_map=m, resamples=0, task="entities").signature)["labelmap"] for m in (a, b))
    assert sa != sb and sa.startswith("mine+") and sb.startswith("mine+")
    # the hash is of what the map does, in canonical JSON (independent recomputation)
    expected = hashlib.sha256(json.dumps({"map": a["map"], "target_labels": None}, sort_keys=True).encode()).hexdigest()[:12]
    assert sa == f"mine+{expected}"


def test_the_strings_field_is_optional_and_parsed():
    s = sig.make(**BASE, strings="strings-2")
    assert s.endswith("|seed:12345|strings:strings-2")
    assert sig.parse(s)["strings"] == "strings-2"
    assert "strings" not in sig.parse(sig.make(**BASE))
