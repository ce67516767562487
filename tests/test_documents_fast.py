"""Document-level entity scoring, vectorised over the corpus (scoring/documents.py), against a
peer implementation written here document by document straight from the module's definition,
on generated documents (hypothesis); and the batch name normaliser against the one-name one."""
from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from newsgold.gold.read import Gold
from newsgold.scoring import documents as D
from newsgold.scoring.quotes import normalise_name, normalise_names
from newsgold.scoring.setup import make_setup

WORDS = ["Trump", "trump", "Donald", "the", "The", "Merkel's", "Merkel", "Mérkel", "ΣΟΦΟΣ", "σοφος", "U.S.", "US", "-", " ", "'s",
         "İstanbul", "istanbul", "ﬁle", "file", "\n", "_", "1"]
LABELS = ["PERSON", "ORG", "GPE", "NORP"]
CLUSTERS = ["c1", "c2", "c3"]


# --- the peer: the module docstring's definition, one document at a time -------------------------

def _kept(setup, doc, label, start, side):
    lab = setup.map_label(label, side)
    if lab is None or (setup.keep_labels is not None and lab not in setup.keep_labels):
        return None
    return lab if setup.in_zones(doc, start) else None


def _names(doc):
    seen: dict[str, set] = {}
    for c in doc["entities"]["clusters"]:
        for n in [c["name"], *c.get("aliases", [])]:
            seen.setdefault(normalise_name(n), set()).add(c["id"])
    for m in doc["entities"]["mentions"]:
        seen.setdefault(normalise_name(m["text"]), set()).add(m["cluster"])
    return {k: next(iter(v)) for k, v in seen.items() if len(v) == 1 and k}


def peer_row(doc, ents, setup):
    gold = set()
    for m in doc["entities"]["mentions"]:
        lab = _kept(setup, doc, m["label"], m["start"], "gold")
        if lab is not None:
            gold.add((m["cluster"], lab))
    names, at = _names(doc), {(m["start"], m["end"]): m["cluster"] for m in doc["entities"]["mentions"]}
    pred = set()
    for e in ents:
        lab = _kept(setup, doc, e["label"], e["start"], "pred")
        raw = doc["text"][e["start"]:e["end"]]
        name = normalise_name(raw)
        cluster = at.get((e["start"], e["end"])) or names.get(name)
        if lab is not None:     # a name that normalises to nothing ("."): an item of its own, keyed by its raw text
            pred.add((cluster or (f"name:{name}" if name else f"raw:{raw}"), lab))
    row = np.zeros((len(setup.labels), 3), dtype=np.int64)
    index = {lab: i for i, lab in enumerate(setup.labels)}
    for _, lab in pred:
        if lab in index:
            row[index[lab], 1] += 1
    for item in gold:
        if item[1] in index:
            row[index[item[1]], 2] += 1
            row[index[item[1]], 0] += item in pred
    return row


# --- generated documents ----------------------------------------------------------------------------

@st.composite
def documents(draw, doc_id):
    text = "".join(draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=12)))
    span = st.tuples(st.integers(0, len(text)), st.integers(0, len(text))).map(sorted)
    mentions = [{"start": a, "end": b, "text": text[a:b], "label": draw(st.sampled_from(LABELS)),
                 "cluster": draw(st.sampled_from(CLUSTERS))} for a, b in draw(st.lists(span, max_size=6))]
    clusters = [{"id": c, "name": draw(st.sampled_from(WORDS)), "type": "PERSON",
                 "aliases": draw(st.lists(st.sampled_from(WORDS), max_size=2))} for c in CLUSTERS]
    cut = draw(st.integers(0, len(text)))
    zones = [{"start": 0, "end": cut, "type": "headline"}, {"start": cut, "end": len(text), "type": "body"}]
    preds = [{"start": a, "end": b, "label": draw(st.sampled_from(LABELS))} for a, b in draw(st.lists(span, max_size=6))]
    preds += [{**m, "label": draw(st.sampled_from(LABELS))} for m in mentions if draw(st.booleans())]
    return {"id": doc_id, "text": text, "zones": zones, "entities": {"mentions": mentions, "clusters": clusters}}, preds


@st.composite
def corpora(draw):
    pairs = [draw(documents(f"d{i}")) for i in range(draw(st.integers(1, 4)))]
    return {d["id"]: d for d, _ in pairs}, {d["id"]: {"doc_id": d["id"], "entities": p} for d, p in pairs}


OPTIONS = st.fixed_dictionaries({
    "labels": st.sampled_from([None, ["PERSON"], ["ORG", "GPE"]]),
    "zones": st.sampled_from([None, ["body"], ["headline"]]),
    "label_map": st.sampled_from([None, {"name": "t", "map": {"ORG": "GPE", "NORP": None}}]),
})


@settings(max_examples=300, deadline=None)
@given(corpora(), OPTIONS)
def test_vectorised_statistics_equal_the_per_document_definition(corpus, options):
    docs, preds = corpus
    setup = make_setup(Gold(docs, "test", "f" * 64, "<test>"), **options)
    expected = np.stack([peer_row(docs[d], preds[d]["entities"], setup) for d in docs])
    assert np.array_equal(D.corpus_stats(preds, setup), expected)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(st.sampled_from("aA éÉ'’`sS-_.\nΣσς\u0307İ\x00ﬁ1the"), max_size=12), max_size=8))
def test_batch_normalisation_equals_one_name_at_a_time(names):
    assert normalise_names(names) == [normalise_name(n) for n in names]
