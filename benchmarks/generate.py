#!/usr/bin/env python3
"""Seeded generator of a synthetic NewsGold corpus for benchmarking the entity scorer.

Writes three files to ``--out``:

``gold.jsonl``
    Full gold document records (``schema/gold-document.schema.json``): id, text,
    text_sha256, metadata {headline, language}, one ``body`` zone tiling the text,
    entities {mentions (start, end, text, label, cluster), clusters}, ``quotes: []``
    and ``stance: {targets: [], items: []}``. About 25 mentions per document
    (uniform 15..35), labels from the 18 OntoNotes labels. With ``--quotes``, indirect
    quotes of PERSON speakers and a one-target stance matrix (:func:`add_quotes_and_stance`).
``predictions.jsonl``
    One predictions record per document (``schema/predictions.schema.json``) with
    errors drawn per gold mention: 70 % exact, 8 % boundary shifted (same label),
    7 % wrong type (exact span), 5 % boundary shifted *and* wrong type, 10 % missed;
    plus spurious predictions (about 8 % of the gold count) placed in text between
    mentions. With ``--coref``, also a ``coref`` layer: the gold clusters with some mentions
    dropped, moved or invented (:func:`predicted_coref`).
``expected.json``
    The counts the generator booked, per base outcome and per scheme.

The layout guarantees that every prediction overlaps at most one gold span and every
gold span at most one prediction (mentions are separated by at least three filler
tokens, a boundary shift moves by one token, a spurious span sits strictly inside a
gap), so greedy matching (nervaluate) and optimal matching (newsgold) agree and the
overall counts of the two scorers must be identical.

Deterministic for a given ``--seed`` (only :class:`random.Random` is used, records are
written in id order). Standard library only.

    python benchmarks/generate.py --docs 50000 --seed 1 --out benchmarks/data/docs50000-seed1
"""
from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import random
import sys
import time
from pathlib import Path

LABELS = (
    "PERSON", "NORP", "FAC", "ORG", "GPE", "LOC", "PRODUCT", "EVENT", "WORK_OF_ART", "LAW",
    "LANGUAGE", "DATE", "TIME", "PERCENT", "MONEY", "QUANTITY", "ORDINAL", "CARDINAL",
)
# Rough news-like label frequencies (every label occurs).
LABEL_WEIGHTS = (16, 5, 2, 15, 12, 2, 2, 2, 2, 1, 1, 12, 3, 3, 5, 2, 3, 12)

# Outcome per gold mention (cumulative thresholds).
P_EXACT, P_BOUNDARY, P_TYPE, P_BOUNDARY_TYPE, P_MISSED = 0.70, 0.08, 0.07, 0.05, 0.10
SPURIOUS_RATE = 0.08          # spurious predictions per gold mention

BASE = ("exact_same_type", "exact_other_type", "overlap_same_type", "overlap_other_type", "missed", "spurious")

FILLER = [
    "the", "a", "an", "of", "to", "in", "on", "for", "with", "by", "at", "from", "as", "that", "this", "these", "which", "who", "said",
    "says", "told", "would", "could", "will", "may", "might", "has", "have", "had", "was", "were", "is", "are", "be", "been", "being",
    "not", "also", "but", "and", "or", "after", "before", "during", "over", "under", "about", "against", "between", "into", "through",
    "while", "when", "where", "officials", "reported", "according", "spokesperson", "statement", "government", "company", "market", "week",
    "month", "year", "people", "country", "city", "police", "minister", "president", "report", "plan", "deal", "talks", "vote", "court",
    "agreement", "percent", "shares", "prices", "growth", "decision", "meeting", "election", "campaign", "announced", "confirmed",
    "expected", "added", "noted", "warned", "called", "asked", "declined",
]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]
ORDINALS = ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth"]
UNITS = ["tons", "kilometres", "miles", "barrels", "litres", "acres", "metres", "pounds", "kilograms", "feet"]
SCALES = ["million", "billion", "thousand"]
SUFFIX = {
    "FAC": ("Bridge", "Airport", "Stadium", "Tower", "Station", "Hospital"),
    "ORG": ("Corp", "Group", "Bank", "Party", "Council", "University", "Inc"),
    "LOC": ("River", "Valley", "Mountains", "Sea", "Coast", "Desert"),
    "EVENT": ("Summit", "Games", "Festival", "War", "Conference"),
    "LAW": ("Act", "Treaty", "Code", "Amendment"),
    "PRODUCT": ("Phone", "X", "Pro", "Air", "One"),
}


class Vocabulary:
    """Seeded pseudo-words: capitalised names built from syllables."""

    SYL = ("ka", "lo", "mi", "ra", "ten", "vor", "sa", "du", "bel", "an", "ri", "co", "mar", "ne", "tis",
           "ol", "gra", "ve", "zu", "hen", "pa", "lis", "mo", "der", "ki", "sto", "ju", "fa", "ren", "qi")

    def __init__(self, rng: random.Random, size: int = 3000):
        names = set()
        while len(names) < size:
            names.add("".join(rng.choice(self.SYL) for _ in range(rng.randint(2, 3))).capitalize())
        self.names = sorted(names)
        self.languages = sorted({n + "ish" for n in self.names[:40]})
        self.norp = sorted({n + "ian" for n in self.names[40:200]})


def entity_tokens(label: str, rng: random.Random, vocab: Vocabulary) -> list[str]:
    """Surface tokens of one entity of a label (no punctuation-only tokens)."""
    name = lambda: rng.choice(vocab.names)
    if label == "PERSON":
        return [name(), name()] if rng.random() < 0.6 else [name()]
    if label == "NORP":
        return [rng.choice(vocab.norp)]
    if label == "GPE":
        return [name()] if rng.random() < 0.8 else ["New", name()]
    if label == "ORG":
        k = rng.randint(1, 2)
        return [name() for _ in range(k)] + ([rng.choice(SUFFIX["ORG"])] if rng.random() < 0.6 else [])
    if label in ("FAC", "LOC", "EVENT", "LAW", "PRODUCT"):
        return [name() for _ in range(rng.randint(1, 2))] + [rng.choice(SUFFIX[label])]
    if label == "WORK_OF_ART":
        return ["The"] + [name() for _ in range(rng.randint(1, 3))]
    if label == "LANGUAGE":
        return [rng.choice(vocab.languages)]
    if label == "DATE":
        r = rng.random()
        if r < 0.4:
            return [rng.choice(MONTHS), str(rng.randint(1, 28))]
        if r < 0.7:
            return [str(rng.randint(1950, 2030))]
        return [rng.choice(MONTHS), str(rng.randint(1, 28)), str(rng.randint(1990, 2030))]
    if label == "TIME":
        return [str(rng.randint(1, 12)), rng.choice(("a.m.", "p.m."))]
    if label == "PERCENT":
        return [str(rng.randint(1, 99)), "percent"]
    if label == "MONEY":
        return ["$" + str(rng.randint(1, 999)), rng.choice(SCALES)]
    if label == "QUANTITY":
        return [str(rng.randint(2, 500)), rng.choice(UNITS)]
    if label == "ORDINAL":
        return [rng.choice(ORDINALS)]
    return [str(rng.randint(2, 9999))]  # CARDINAL


def other_label(label: str, rng: random.Random) -> str:
    while True:
        lab = rng.choice(LABELS)
        if lab != label:
            return lab


def make_document(i: int, rng: random.Random, vocab: Vocabulary, counts: list[int],
                  quotes_rng: random.Random | None = None, coref_rng: random.Random | None = None) -> tuple[dict, dict]:
    """One gold record and its predictions record; adds the booked outcomes to ``counts``.
    With ``quotes_rng``, also quote and stance layers (:func:`add_quotes_and_stance`), drawn from
    that generator alone, so the entity layers are the same with or without them; with
    ``coref_rng``, a predicted ``coref`` layer (:func:`predicted_coref`), likewise."""
    n_mentions = rng.randint(15, 35)
    tokens: list[str] = []            # all tokens, joined by single spaces
    spans: list[tuple[int, int]] = []  # token offsets (char start, char end) per token
    pos = 0

    def add(tok: str) -> int:
        nonlocal pos
        if tokens:
            pos += 1  # the space
        tokens.append(tok)
        spans.append((pos, pos + len(tok)))
        pos += len(tok)
        return len(tokens) - 1

    def filler(n: int) -> list[int]:
        out = []
        for _ in range(n):
            w = rng.choice(FILLER)
            if rng.random() < 0.08:
                w += rng.choice((".", ",", ";"))
            out.append(add(w))
        return out

    # Entities of this document; some mentions repeat an earlier entity (coreference).
    entities: list[tuple[str, tuple[str, ...]]] = []
    mentions = []       # (first token, last token, label, entity index)
    gaps = [filler(rng.randint(1, 6))]
    for m in range(n_mentions):
        if entities and rng.random() < 0.3:
            e = rng.randrange(len(entities))
            label, toks = entities[e]
        else:
            label = rng.choices(LABELS, LABEL_WEIGHTS)[0]
            toks = tuple(entity_tokens(label, rng, vocab))
            e = next((k for k, ent in enumerate(entities) if ent == (label, toks)), None)
            if e is None:
                entities.append((label, toks))
                e = len(entities) - 1
        first = len(tokens)
        for t in toks:
            add(t)
        mentions.append((first, len(tokens) - 1, label, e))
        gaps.append(filler(rng.randint(3, 8) if m < n_mentions - 1 else rng.randint(1, 6)))

    text = " ".join(tokens)
    doc_id = f"bench-{i:07d}"
    cluster_ids = {}
    gold_mentions = []
    for first, last, label, e in mentions:
        s, t = spans[first][0], spans[last][1]
        cid = cluster_ids.setdefault(e, f"c{len(cluster_ids) + 1}")
        gold_mentions.append({"start": s, "end": t, "text": text[s:t], "label": label, "cluster": cid})
    clusters = [{"id": cid, "name": " ".join(entities[e][1]), "type": entities[e][0]}
                for e, cid in cluster_ids.items()]

    preds = []
    for first, last, label, _ in mentions:
        r = rng.random()
        if r < P_MISSED:
            counts[4] += 1
            continue
        r = rng.random()
        if r < P_EXACT / (1 - P_MISSED):
            shift, wrong = False, False
        elif r < (P_EXACT + P_BOUNDARY) / (1 - P_MISSED):
            shift, wrong = True, False
        elif r < (P_EXACT + P_BOUNDARY + P_TYPE) / (1 - P_MISSED):
            shift, wrong = False, True
        else:
            shift, wrong = True, True
        pf, pl = first, last
        if shift:
            # one token more or less on one side; extensions take the adjacent filler
            # token, which no other span (gold or predicted) can touch
            options = [("left", -1), ("right", +1)]
            if last > first:
                options += [("left", +1), ("right", -1)]
            side, d = rng.choice(options)
            if side == "left":
                pf += d
            else:
                pl += d
        plabel = other_label(label, rng) if wrong else label
        s, t = spans[pf][0], spans[pl][1]
        preds.append({"start": s, "end": t, "text": text[s:t], "label": plabel})
        counts[(2 if shift else 0) + (1 if wrong else 0)] += 1
    # spurious predictions: at most one per gap between two mentions, strictly inside it
    # (never its first or last token, which a boundary extension may take)
    p_spurious = SPURIOUS_RATE * n_mentions / (n_mentions - 1)
    for gap in gaps[1:-1]:
        if len(gap) >= 3 and rng.random() < p_spurious:
            s, t = spans[gap[rng.randint(1, len(gap) - 2)]]
            preds.append({"start": s, "end": t, "text": text[s:t], "label": rng.choice(LABELS)})
            counts[5] += 1
    preds.sort(key=lambda p: (p["start"], p["end"]))
    check_one_to_one(gold_mentions, preds, doc_id)

    headline = " ".join(rng.choice(FILLER) for _ in range(rng.randint(5, 10))).capitalize()
    gold = {
        "id": doc_id,
        "text": text,
        "text_sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
        "metadata": {"headline": headline, "language": "en"},
        "zones": [{"start": 0, "end": len(text), "type": "body"}],
        "entities": {"mentions": gold_mentions, "clusters": clusters},
        "quotes": [],
        "stance": {"targets": [], "items": []},
    }
    pred = {"doc_id": doc_id, "system": "synthetic-ner", "entities": preds}
    if quotes_rng is not None:
        add_quotes_and_stance(gold, pred, mentions, gaps, spans, quotes_rng)
    if coref_rng is not None:
        pred["coref"] = predicted_coref(gold, gaps, spans, coref_rng)
    return gold, pred


def predicted_coref(gold: dict, gaps: list, spans: list, rng: random.Random) -> list[list[dict]]:
    """Predicted clusters, from the gold ones as a coreference system errs (as bench_coref.py
    perturbs its key): a twentieth of the gold mentions dropped, a tenth moved to another
    cluster, and one invented mention (a filler token, which no gold mention spans) for about
    every twentieth gold mention, put in a random cluster. Singletons are kept, as in the gold."""
    mentions = gold["entities"]["mentions"]
    ids = list(dict.fromkeys(m["cluster"] for m in mentions))
    out: dict[str, list[dict]] = {}
    for m in mentions:
        r = rng.random()
        if r < 0.05:
            continue
        cid = rng.choice(ids) if r < 0.15 else m["cluster"]
        out.setdefault(cid, []).append({"start": m["start"], "end": m["end"]})
    tokens = [t for gap in gaps for t in gap]
    for tok in rng.sample(tokens, min(len(tokens), round(len(mentions) / 20 + rng.random() - 0.5))):   # distinct tokens
        s, t = spans[tok]
        out.setdefault(rng.choice(ids), []).append({"start": s, "end": t})
    return [sorted(c, key=lambda x: (x["start"], x["end"])) for c in out.values()]


def _span(text: str, s: int, t: int) -> dict:
    return {"start": s, "end": t, "text": text[s:t]}


def add_quotes_and_stance(gold: dict, pred: dict, mentions: list, gaps: list, spans: list, rng: random.Random) -> None:
    """Indirect quotes and a stance matrix on the gold, and predictions of both.

    A quote is a PERSON mention (speaker), the first token of the filler after it (cue, when it
    carries no punctuation) and the rest of that filler (content, a trailing comma or semicolon
    left out), for about 40 % of the PERSON mentions, at most four per document. Each document
    with quotes declares one topic target; every speaker gets one stance item for it (FAVOR,
    AGAINST, NEUTRAL or NONE; its quotes as evidence unless NONE). Predicted quotes: 75 % the
    same spans, 10 % content one token shorter, 15 % missed. Predicted stance: the gold label for
    80 % of the items, another label for the rest."""
    text = gold["text"]
    clusters = {m["start"]: m["cluster"] for m in gold["entities"]["mentions"]}
    quotes = []
    for k, (first, last, label, _) in enumerate(mentions):
        gap = gaps[k + 1]
        if label != "PERSON" or len(gap) < 3 or len(quotes) == 4 or rng.random() >= 0.4:
            continue
        cue = spans[gap[0]]
        if text[cue[1] - 1] in ".,;":
            continue
        s, t = spans[gap[1]][0], spans[gap[-1]][1]
        t -= text[t - 1] in ",;"
        speaker = _span(text, spans[first][0], spans[last][1])
        quotes.append({"id": f"q{len(quotes) + 1}", "type": "indirect", "content": [_span(text, s, t)],
                       "cue": _span(text, *cue), "speaker": speaker, "speaker_cluster": clusters[speaker["start"]]})
    gold["quotes"] = quotes
    if quotes:
        gold["stance"] = _stance(quotes, rng)
    pred["quotes"] = [q for q in (_predicted_quote(q, text, spans, rng) for q in quotes) if q is not None]
    pred["stance"] = [{"item": it["id"], "label": it["label"] if rng.random() < 0.8 else rng.choice([x for x in STANCE if x != it["label"]])}
                      for it in gold["stance"]["items"]]


STANCE = ("FAVOR", "AGAINST", "NEUTRAL", "NONE")


def _stance(quotes: list[dict], rng: random.Random) -> dict:
    """One topic target; one item per speaker (the stance matrix), evidence its quotes."""
    holders: dict[str, list[str]] = {}
    for q in quotes:
        holders.setdefault(q["speaker_cluster"], []).append(q["id"])
    items = []
    for n, (holder, qids) in enumerate(holders.items(), 1):
        label = rng.choice(STANCE)
        items.append({"id": f"s{n}", "holder": holder, "target": "t1", "label": label, "evidence": [] if label == "NONE" else qids})
    topic = (f"the {rng.choice(('plan', 'deal', 'talks', 'vote', 'agreement', 'decision'))} "
             f"on the {rng.choice(('market', 'court', 'election', 'campaign'))}")
    return {"targets": [{"id": "t1", "kind": "topic", "description": topic}], "items": items}


def _predicted_quote(q: dict, text: str, spans: list, rng: random.Random) -> dict | None:
    r = rng.random()
    if r < 0.15:
        return None
    content = dict(q["content"][0])
    if r < 0.25:      # one token shorter at the end (when the content has two or more)
        cut = text.rfind(" ", content["start"], content["end"])
        if cut > content["start"]:
            content = _span(text, content["start"], cut - (text[cut - 1] in ",;."))
    return {"id": q["id"], "type": q["type"], "content": [content], "cue": q["cue"], "speaker": q["speaker"],
            "speaker_cluster": q["speaker_cluster"]}


def check_one_to_one(gold: list[dict], pred: list[dict], doc_id: str) -> None:
    """Assert the layout guarantee: no two spans of one side overlap, and every span overlaps
    at most one span of the other side (both lists sorted by start; ends exclusive)."""
    for side in (gold, pred):
        for a, b in itertools.pairwise(side):
            assert a["end"] <= b["start"], f"{doc_id}: overlapping spans on one side {a} {b}"
    for xs, ys in ((gold, pred), (pred, gold)):
        j = 0
        for x in xs:
            while j < len(ys) and ys[j]["end"] <= x["start"]:
                j += 1
            k, hits = j, 0
            while k < len(ys) and ys[k]["start"] < x["end"]:
                hits += 1
                k += 1
            assert hits <= 1, f"{doc_id}: span {x} overlaps {hits} spans of the other side"


def scheme_counts(base: list[int]) -> dict:
    """Overall counts per scheme from the base outcomes (the table in score_entities)."""
    es, ed, os_, od, mis, spu = base
    return {
        "strict": {"correct": es, "incorrect": ed + os_ + od, "partial": 0, "missed": mis, "spurious": spu},
        "exact": {"correct": es + ed, "incorrect": os_ + od, "partial": 0, "missed": mis, "spurious": spu},
        "partial": {"correct": es + ed, "incorrect": 0, "partial": os_ + od, "missed": mis, "spurious": spu},
        "type": {"correct": es + os_, "incorrect": ed + od, "partial": 0, "missed": mis, "spurious": spu},
    }


def generate(n_docs: int, seed: int, out: Path, quiet: bool = False, quotes: bool = False, coref: bool = False) -> dict:
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    vocab = Vocabulary(random.Random(f"vocab-{seed}"))
    counts = [0] * 6
    n_gold = n_pred = 0
    t0 = time.perf_counter()
    dumps = lambda r: json.dumps(r, ensure_ascii=False, separators=(",", ":"))
    with open(out / "gold.jsonl", "w", encoding="utf-8", newline="\n") as gf, \
         open(out / "predictions.jsonl", "w", encoding="utf-8", newline="\n") as pf:
        for i in range(1, n_docs + 1):
            quotes_rng = random.Random(f"quotes-{seed}-{i}") if quotes else None
            coref_rng = random.Random(f"coref-{seed}-{i}") if coref else None
            gold, pred = make_document(i, rng, vocab, counts, quotes_rng, coref_rng)
            n_gold += len(gold["entities"]["mentions"])
            n_pred += len(pred["entities"])
            gf.write(dumps(gold) + "\n")
            pf.write(dumps(pred) + "\n")
            if not quiet and i % 10000 == 0:
                print(f"  {i} documents ({time.perf_counter() - t0:.1f} s)", file=sys.stderr)
    assert n_gold == sum(counts[:5]) and n_pred == sum(counts[:4]) + counts[5], (n_gold, n_pred, counts)
    expected = {"generator": "benchmarks/generate.py", "docs": n_docs, "seed": seed,
                "gold_mentions": n_gold, "predictions": n_pred,
                "base": dict(zip(BASE, counts)), "overall": scheme_counts(counts),
                "shares_of_gold": {k: round(v / n_gold, 4) for k, v in zip(BASE, counts)}}
    (out / "expected.json").write_text(json.dumps(expected, indent=2) + "\n", encoding="utf-8")
    return expected


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs", type=int, default=50000, help="number of documents (default 50000)")
    ap.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    ap.add_argument("--out", type=Path, required=True, help="output directory (created)")
    ap.add_argument("--quiet", action="store_true")
    ap.add_argument("--quotes", action="store_true", help="also quote and stance layers, gold and predicted")
    ap.add_argument("--coref", action="store_true", help="also a predicted coref layer (the gold clusters, perturbed)")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    exp = generate(args.docs, args.seed, args.out, args.quiet, args.quotes, args.coref)
    print(f"wrote {args.docs} documents, {exp['gold_mentions']} gold mentions, {exp['predictions']} predictions "
          f"to {args.out} in {time.perf_counter() - t0:.1f} s")
    print("outcome shares of gold:", json.dumps(exp["shares_of_gold"]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
