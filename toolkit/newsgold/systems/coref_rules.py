"""``newsgold run coref-rules``: a string-match and head-match coreference baseline (text only).

Mentions are the entity mentions of the rule baseline (:func:`newsgold.systems.rules_baseline.rule_entities`,
which sees only the text). They are clustered left to right; a mention joins the cluster of
the first earlier mention it matches by one of these general rules, else starts a new one:

1. **String match**: the same string after normalising case, a possessive ``'s``, a leading
   ``the`` and punctuation (``the Pentagon's`` = ``Pentagon``).
2. **Head match** (names): for PERSON, ORG, GPE, NORP, LOC, FAC and WORK_OF_ART mentions, a
   one-word mention matches an earlier mention of the same type whose last word (its head in
   an English name) it equals (``Smith`` → ``Jane Smith``); a longer mention whose last word
   equals an earlier one-word mention's word does not (``John Smith`` after ``Smith`` may be
   somebody else), so the rule only looks back.
3. **Acronym**: an all-capital mention of two or more letters matches an earlier
   ORG, GPE or NORP mention of two or more words whose capitalised words' initials spell it
   (``UN`` → ``United Nations``; small words like ``of`` skipped).

Value types (DATE, MONEY, PERCENT, CARDINAL...) take part by string match only. No pronoun is
resolved. **Nothing here was derived from the test documents**: the rules are the textbook
string-match and head-match sieves (Lee et al. 2013, Stanford's multi-pass sieve, passes 2, 5
and 9 in spirit), written without looking at NewsGold's documents.
"""
from __future__ import annotations

import re

from newsgold.core.records import Document
from newsgold.systems.common import RunOptions, SystemOutput

CODE = ("systems/coref_rules.py", "systems/rules_baseline.py")
NAME_TYPES = frozenset({"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC", "WORK_OF_ART", "EVENT", "PRODUCT", "LAW"})
ACRONYM_TYPES = frozenset({"ORG", "GPE", "NORP"})
SMALL_WORDS = frozenset({"of", "the", "and", "for", "in", "on", "at", "to", "de", "la", "du", "&"})


def normalise(s: str) -> str:
    """Rule 1's key: lower case, no possessive, no leading 'the', punctuation to spaces."""
    s = s.lower().replace("’", "'")
    s = re.sub(r"'s?$", "", s)
    s = re.sub(r"^the\s+", "", s)
    return " ".join(re.sub(r"[^\w\s]", " ", s).split())


def _initials(words: list[str]) -> str:
    return "".join(w[0].upper() for w in words if w.lower() not in SMALL_WORDS and w[:1].isalpha())


def _matches(m: dict, earlier: dict) -> bool:
    a, b = normalise(m["text"]), normalise(earlier["text"])
    if a and a == b:
        return True
    words, before = a.split(), b.split()
    if (m["label"] in NAME_TYPES and m["label"] == earlier["label"] and len(words) == 1 and len(before) > 1
            and words[0] == before[-1]):
        return True
    letters = m["text"].replace(".", "")
    return (letters.isupper() and len(letters) >= 2 and earlier["label"] in ACRONYM_TYPES and len(before) > 1
            and _initials(earlier["text"].split()) == letters)


def cluster(mentions: list[dict]) -> list[list[tuple[int, int]]]:
    """Clusters of ``(start, end)`` spans, mentions taken in text order (rules of the module doc)."""
    ordered = sorted(mentions, key=lambda m: (m["start"], m["end"]))
    owner: list[int] = []
    clusters: list[list[tuple[int, int]]] = []
    for i, m in enumerate(ordered):
        j = next((j for j in range(i) if _matches(m, ordered[j])), None)
        if j is None:
            owner.append(len(clusters))
            clusters.append([])
        else:
            owner.append(owner[j])
        clusters[owner[-1]].append((m["start"], m["end"]))
    return clusters


def predict(doc_id: str, text: str) -> dict:
    """One document's clusters as a predictions record (the ``coref`` layer)."""
    from newsgold.systems.rules_baseline import rule_entities
    return {"doc_id": doc_id, "system": "newsgold-coref-rules",
            "coref": [[{"start": s, "end": e} for s, e in c] for c in cluster(rule_entities(text))]}


def run(arg: str, docs: list[Document], opts: RunOptions) -> SystemOutput:
    records = [predict(d.id, d.text) for d in docs]
    return SystemOutput(records, {"name": "newsgold-coref-rules"}, code=CODE)
