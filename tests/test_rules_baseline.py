"""The rule baseline: general resources only, text in, predictions out (issue 11, §5)."""
from __future__ import annotations

from newsgold.gold.load import load_gold
from newsgold.systems import rules_baseline as R


def _found(text: str) -> list[tuple[str, str]]:
    return [(e["text"], e["label"]) for e in R.rule_entities(text)]


def test_hand_worked_sentence():
    text = ("Apple Inc. said on Monday that President Joe Biden met Syrian and French officials, paying $5 million "
            "(20%) for the first time. Biden told the World Health Organization that 1,200 people left.")
    assert _found(text) == [("Apple Inc.", "ORG"), ("Monday", "DATE"), ("Joe Biden", "PERSON"), ("Syrian", "NORP"),
                            ("French", "NORP"), ("$5 million", "MONEY"), ("20%", "PERCENT"), ("first", "ORDINAL"),
                            ("Biden", "PERSON"), ("World Health Organization", "ORG"), ("1,200", "CARDINAL")]


def test_country_list_is_complete_not_a_selection():
    """193 UN member states + 2 observers + 7 short forms: a complete list, so it cannot have been picked from the texts."""
    assert len(R.COUNTRIES) == 193 + 2 + 7 and len(set(R.COUNTRIES)) == len(R.COUNTRIES)
    assert {"Tuvalu", "Nauru", "Holy See", "Democratic Republic of the Congo"} <= set(R.COUNTRIES)


def test_no_generic_list_holds_a_gold_name():
    """Titles, organisation suffixes and function words are generic: none is the text of a gold mention,
    and no word of the quote rules is either."""
    gold = load_gold()
    names = {m["text"] for rec in gold.docs.values() for m in rec["entities"]["mentions"]}
    for lst in (R.TITLES, R.ORG_SUFFIXES, sorted(R.FUNCTION_WORDS), R.REPORTING.split("|")):
        assert not names & set(lst), names & set(lst)
    # the old lists held names from the test documents; none of them is in any list now
    every = " ".join(R.COUNTRIES + R.CONTINENTS + R.IRREGULAR_DEMONYMS + R.RELIGIONS + R.ORG_SUFFIXES + R.TITLES)
    for leaked in ("Daesh", "AFP", "Aleppo", "Idlib", "Homs", "Raqqa", "Damascus", "Hamas", "Alawite", "Druze", "Gaza"):
        assert leaked not in every


def test_prediction_sees_only_the_text():
    text = "The United Nations Council met in Europe on 3 March 2026."
    a = R.predict("a", text)
    b = R.predict("b", text)
    assert a["entities"] == b["entities"] and a["system"] == "newsgold-rules-baseline"
    assert ("3 March 2026", "DATE") in _found(text) and ("Europe", "LOC") in _found(text)
