"""GUM entity types -> OntoNotes-18 labels: the stated table of ``annotations/GUM-TYPES.md``.

GUM marks every referring noun phrase (names, descriptions, pronouns) with one of 10 types; the
NewsGold entity layer holds names and value expressions only (GUIDELINES.md E-1) with an
OntoNotes label (E-2). :func:`decide` applies the table to one mention and returns either a label
or the reason it cannot decide; the importer carries the labels and lists every undecided mention
for the annotation passes (nothing is guessed). ``annotations/GUM-TYPES.md`` prints the same
table; tests/test_corefud_import.py checks that the two agree.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

NAME_UPOS = {"PROPN", "NUM", "PUNCT", "SYM"}          # a name or a number: every word is one of these
VALUE_UPOS = NAME_UPOS | {"NOUN", "ADJ", "DET", "ADP", "CCONJ"}
FAC_WORDS = {"airport", "hall", "stadium", "bridge", "station", "street", "road", "avenue", "square", "building",
             "tower", "museum", "hospital", "mosque", "church", "temple", "cathedral", "palace", "house", "centre",
             "center", "park", "port", "harbour", "harbor", "arena", "library", "prison", "base"}
LOC_WORDS = {"river", "mountain", "mountains", "mount", "lake", "ocean", "sea", "island", "islands", "valley",
             "desert", "bay", "gulf", "peninsula", "coast", "continent", "forest", "strait", "region"}
CLOCK = re.compile(r"\d{1,2}[:.]\d{2}|\b(?:a\.m\.|p\.m\.|am|pm|o'clock|noon|midnight|morning|afternoon|evening|night|"
                   r"hours?|minutes?|seconds?)\b", re.I)
PERCENT = re.compile(r"%|\bper ?cent\b", re.I)
MONEY = re.compile(r"[$€£¥₹]|\b(?:dollars?|euros?|pounds?|yen|yuan|rupees?|cents?|USD|EUR|GBP)\b", re.I)

TITLE_WORDS = {"president", "vice", "prime", "minister", "secretary", "mayor", "governor", "senator", "sen.", "rep.",
               "mr.", "mrs.", "ms.", "dr.", "prof.", "professor", "king", "queen", "prince", "princess", "pope",
               "chancellor", "general", "gen.", "sir", "lord", "judge", "justice", "chairman", "ceo", "coach",
               "captain", "capt.", "officer", "director", "spokesman", "spokeswoman", "chief", "st."}
EDGE_PUNCT = set("\"'“”‘’«»()[]{}*:;,.-–—•")


def trim(forms: Sequence[str], upos: Sequence[str], etype: str | None) -> tuple[int, int]:
    """The words a NewsGold span keeps of a GUM mention (E-3): leading determiners (E-3.1; a name's own
    ``The``, as in ``The Hague``, is lost too: GUM tags it DET, and adjudication restores it),
    a PERSON's leading titles (E-3.2), a trailing possessive (E-3.3) and surrounding punctuation (E-3.7) go."""
    i, j = 0, len(forms)
    while i < j and ((upos[i] == "DET" and j - i > 1) or forms[i] in EDGE_PUNCT
                     or (etype == "person" and forms[i].lower() in TITLE_WORDS and j - i > 1)):
        i += 1
    while j > i and ((forms[j - 1] in ("'s", "’s", "'", "’") and upos[j - 1] == "PART") or forms[j - 1] in EDGE_PUNCT):
        j -= 1
    return i, j


# (GUM type, which mentions, label or test, what the table leaves to the annotation passes)
TABLE: tuple[tuple[str, str, str, str], ...] = (
    ("person", "names", "PERSON", "a title before the name is left out (E-3.2: the TITLE_WORDS list)"),
    ("organization", "names", "ORG", ""),
    ("place", "names", "FAC if a word is a facility word; LOC if a word is a geographic-feature word; else GPE",
     "a place name that is neither (GPE by default) is checked by E-4/E-5 in the passes"),
    ("time", "values", "TIME if it has a clock time or a part of day; else DATE", ""),
    ("quantity", "values", "PERCENT if % or 'percent'; MONEY if a currency sign or word; CARDINAL if every word is a number",
     "other quantities (QUANTITY, ORDINAL): passes"),
    ("event", "names", "EVENT", ""),
    ("object", "names", "-", "PRODUCT, WORK_OF_ART or FAC: passes"),
    ("abstract", "names", "-", "LAW, LANGUAGE, WORK_OF_ART, NORP, ...: passes"),
    ("substance", "names", "-", "passes"),
    ("animal", "names", "-", "passes (a named animal is not an OntoNotes type)"),
    ("plant", "names", "-", "passes"),
)


@dataclass(frozen=True)
class Decision:
    label: str | None           # an OntoNotes label, or None
    reason: str                 # why not (empty when a label was given)
    entity: bool                # False: not an entity mention by E-1 (a pronoun or a description)


def _is_name(upos: Sequence[str]) -> bool:
    return bool(upos) and all(u in NAME_UPOS for u in upos) and any(u in ("PROPN", "NUM") for u in upos)


def _is_value(upos: Sequence[str]) -> bool:
    return bool(upos) and all(u in VALUE_UPOS for u in upos) and any(u in ("PROPN", "NUM", "NOUN") for u in upos)


def decide(etype: str | None, text: str, forms: Sequence[str], upos: Sequence[str]) -> Decision:
    """The table applied to one GUM mention (its type, text, and its words' forms and UPOS)."""
    etype = etype or ""
    values = etype in ("time", "quantity")
    if not (_is_value(upos) if values else _is_name(upos)):
        if any(u == "PROPN" for u in upos) or (values and any(u == "NUM" for u in upos)):
            return Decision(None, f"{etype} mention with a name or number inside a longer phrase: the name's span "
                            "is decided in the passes (E-3)", True)
        return Decision(None, "a pronoun or description (E-1.2)", False)
    words = {f.lower() for f in forms}
    if etype == "person":
        return Decision("PERSON", "", True)
    if etype == "organization":
        return Decision("ORG", "", True)
    if etype == "event":
        return Decision("EVENT", "", True)
    if etype == "place":
        return Decision("FAC" if words & FAC_WORDS else "LOC" if words & LOC_WORDS else "GPE", "", True)
    if etype == "time":
        return Decision("TIME" if CLOCK.search(text) else "DATE", "", True)
    if etype == "quantity":
        return _quantity(text, upos)
    return Decision(None, f"GUM type {etype or '(none)'!r}: the OntoNotes label is decided in the passes", True)


def _quantity(text: str, upos: Sequence[str]) -> Decision:
    if PERCENT.search(text):
        return Decision("PERCENT", "", True)
    if MONEY.search(text):
        return Decision("MONEY", "", True)
    if all(u in ("NUM", "PUNCT") for u in upos):
        return Decision("CARDINAL", "", True)
    return Decision(None, "a quantity that is not a percent, money or a bare number: QUANTITY or ORDINAL in the passes",
                    True)
