"""``newsgold agree A B``: inter-annotator agreement between two annotation sets.

Stands on the scorer's matching core (:mod:`newsgold.spans`, the entity and quote
scorers): pass B is scored against pass A, and every figure used is symmetric in A
and B (F1 = 2·agreed / (|A| + |B|); Cohen's kappa).
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from newsgold.scoring import entities as E
from newsgold.dataset.manifest import load_documents
from newsgold.dataset.gold import read_annotation_set
from newsgold.core.diagnostics import InputError
from newsgold.core.schema import ENTITY_LABELS
from newsgold.scoring.quotes import match_quotes


def _f1(agreed: int, n_a: int, n_b: int) -> float | None:
    return None if n_a + n_b == 0 else 2 * agreed / (n_a + n_b)


def _read(folder) -> dict[str, dict]:
    docs = load_documents()
    anns, problems = read_annotation_set(Path(folder), docs)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise InputError(errors)
    if not anns:
        raise InputError(f"{folder}: no annotation files")
    return anns


def _text(doc_text: str, s: dict | None) -> str:
    return "" if not s else f"{s['start']}:{s['end']} {doc_text[s['start']:s['end']]!r}"


def agree(a, b, overlap: float = 0.5) -> dict:
    """Agreement figures and the list of every disagreement between annotation folders a and b."""
    A, B = _read(a), _read(b)
    docs = load_documents()
    ids = sorted(set(A) & set(B))
    figures: list[dict] = []
    dis: list[dict] = []
    for only, side in ((sorted(set(A) - set(B)), "a"), (sorted(set(B) - set(A)), "b")):
        for d in only:
            dis.append({"doc_id": d, "layer": "document", "kind": f"only in {side}"})

    label_index = {lab: i for i, lab in enumerate(ENTITY_LABELS)}
    ent_total = np.zeros((len(ENTITY_LABELS), len(E.BASE)), dtype=np.int64)
    per_label = {lab: {"strict": 0, "overlap": 0, "a": 0, "b": 0} for lab in ENTITY_LABELS}
    q = {"a": 0, "b": 0, "exact": 0, "overlap": 0, "speaker_n": 0, "speaker_ok": 0, "type_ok": 0, "cue_n": 0, "cue_ok": 0}
    st = {"a": 0, "b": 0, "matched": 0}
    links = {"a": 0, "b": 0, "both": 0}
    labels_a: list[str] = []
    labels_b: list[str] = []
    for d in ids:
        text = docs[d]["text"]
        ga = [(m["start"], m["end"], m["label"]) for m in A[d]["entities"]["mentions"]]
        gb = [(m["start"], m["end"], m["label"]) for m in B[d]["entities"]["mentions"]]
        errs: list = []
        ent_total += E.doc_table(ga, gb, label_index, errs)
        for kind, x, y in errs:
            kind = {"missed": "entity only in a", "spurious": "entity only in b"}.get(kind, f"entity {kind}")
            dis.append({"doc_id": d, "layer": "entities", "kind": kind,
                        "a": f"{x[0]}:{x[1]} {text[x[0]:x[1]]!r} {x[2]}" if x else "",
                        "b": f"{y[0]}:{y[1]} {text[y[0]:y[1]]!r} {y[2]}" if y else ""})
        # coreference: pairs of mentions (present in both passes with the same span) put in one cluster
        ca = {(m["start"], m["end"]): m["cluster"] for m in A[d]["entities"]["mentions"]}
        cb = {(m["start"], m["end"]): m["cluster"] for m in B[d]["entities"]["mentions"]}
        common = sorted(set(ca) & set(cb))
        links_a = {(x, y) for i, x in enumerate(common) for y in common[i + 1:] if ca[x] == ca[y]}
        links_b = {(x, y) for i, x in enumerate(common) for y in common[i + 1:] if cb[x] == cb[y]}
        links["a"] += len(links_a)
        links["b"] += len(links_b)
        links["both"] += len(links_a & links_b)
        for side, only in (("a", links_a - links_b), ("b", links_b - links_a)):
            for x, y in sorted(only):
                mine, other = (ca, cb) if side == "a" else (cb, ca)
                dis.append({"doc_id": d, "layer": "entities", "kind": f"cluster link only in {side}",
                            "a": f"{x[0]}:{x[1]} {text[x[0]:x[1]]!r} ~ {y[0]}:{y[1]} {text[y[0]:y[1]]!r} in {ca[x]!r}" + ("" if ca[x] == ca[y] else f" / {ca[y]!r}"),
                            "b": f"in {cb[x]!r}" + ("" if cb[x] == cb[y] else f" / {cb[y]!r}")})
        for lab in ENTITY_LABELS:
            la = [m for m in ga if m[2] == lab]
            lb = [m for m in gb if m[2] == lab]
            if not la and not lb:
                continue
            t = E.doc_table(la, lb, {lab: 0})[0]
            per_label[lab]["strict"] += int(t[E.ES])
            per_label[lab]["overlap"] += int(t[E.ES] + t[E.OS])
            per_label[lab]["a"] += len(la)
            per_label[lab]["b"] += len(lb)
        # quotes
        qa, qb = A[d]["quotes"], B[d]["quotes"]
        (sa, sb), pairs = match_quotes(qa, qb, overlap)
        q["a"] += len(qa)
        q["b"] += len(qb)
        mg, mp = set(), set()
        for i, j in pairs:
            mg.add(i)
            mp.add(j)
            x, y = qa[i], qb[j]
            q["overlap"] += 1
            q["exact"] += sa[i] == sb[j]
            q["speaker_n"] += 1
            q["speaker_ok"] += x["speaker_cluster"] == y["speaker_cluster"]
            q["type_ok"] += x["type"] == y["type"]
            q["cue_n"] += 1
            q["cue_ok"] += (x["cue"] or {}).get("start") == (y["cue"] or {}).get("start") and (x["cue"] or {}).get("end") == (y["cue"] or {}).get("end")
            for field, same in (("content", sa[i] == sb[j]), ("speaker", x["speaker_cluster"] == y["speaker_cluster"]),
                                ("type", x["type"] == y["type"]), ("cue", (x["cue"] or {}) == (y["cue"] or {}))):
                if not same:
                    va = {"content": " + ".join(_text(text, s) for s in x["content"]), "speaker": x["speaker_cluster"],
                          "type": x["type"], "cue": _text(text, x["cue"])}[field]
                    vb = {"content": " + ".join(_text(text, s) for s in y["content"]), "speaker": y["speaker_cluster"],
                          "type": y["type"], "cue": _text(text, y["cue"])}[field]
                    dis.append({"doc_id": d, "layer": "quotes", "kind": f"{field} differs ({x['id']} / {y['id']})", "a": str(va), "b": str(vb)})
        for i, x in enumerate(qa):
            if i not in mg:
                dis.append({"doc_id": d, "layer": "quotes", "kind": f"quote only in a ({x['id']})",
                            "a": " + ".join(_text(text, s) for s in x["content"]), "b": ""})
        for j, y in enumerate(qb):
            if j not in mp:
                dis.append({"doc_id": d, "layer": "quotes", "kind": f"quote only in b ({y['id']})", "a": "",
                            "b": " + ".join(_text(text, s) for s in y["content"])})
        # stance: items matched by (holder, target)
        ia = {(s["holder"], s["target"]): s for s in A[d]["stance"]["items"]}
        ib = {(s["holder"], s["target"]): s for s in B[d]["stance"]["items"]}
        st["a"] += len(ia)
        st["b"] += len(ib)
        for key in sorted(set(ia) | set(ib)):
            if key in ia and key in ib:
                st["matched"] += 1
                labels_a.append(ia[key]["label"])
                labels_b.append(ib[key]["label"])
                if ia[key]["label"] != ib[key]["label"]:
                    dis.append({"doc_id": d, "layer": "stance", "kind": f"label differs {key[0]} -> {key[1]}",
                                "a": ia[key]["label"], "b": ib[key]["label"]})
            else:
                side = "a" if key in ia else "b"
                item = (ia if side == "a" else ib)[key]
                dis.append({"doc_id": d, "layer": "stance", "kind": f"item only in {side}: {key[0]} -> {key[1]}",
                            "a": item["label"] if side == "a" else "", "b": item["label"] if side == "b" else ""})

    total = ent_total.sum(axis=0)
    n_a, n_b = int(total.sum() - total[E.BS]), int(total.sum() - total[E.BM])
    figures.append({"layer": "entities", "figure": "span F1 strict (exact span and label)", "value": _f1(int(total[E.ES]), n_a, n_b), "n": f"{n_a}/{n_b}"})
    figures.append({"layer": "entities", "figure": "span F1 overlap (overlap and same label)", "value": _f1(int(total[E.ES] + total[E.OS]), n_a, n_b), "n": f"{n_a}/{n_b}"})
    figures.append({"layer": "entities", "figure": "span F1 exact span (any label)", "value": _f1(int(total[E.ES] + total[E.ED]), n_a, n_b), "n": f"{n_a}/{n_b}"})
    figures.append({"layer": "entities", "figure": "cluster link F1 (mention pairs in one cluster, shared spans)",
                    "value": _f1(links["both"], links["a"], links["b"]), "n": f"{links['a']}/{links['b']}"})
    for lab, c in per_label.items():
        if c["a"] + c["b"]:
            figures.append({"layer": "entities", "figure": f"{lab} span F1 strict", "value": _f1(c["strict"], c["a"], c["b"]), "n": f"{c['a']}/{c['b']}"})
            figures.append({"layer": "entities", "figure": f"{lab} span F1 overlap", "value": _f1(c["overlap"], c["a"], c["b"]), "n": f"{c['a']}/{c['b']}"})
    figures.append({"layer": "quotes", "figure": "content F1 exact", "value": _f1(q["exact"], q["a"], q["b"]), "n": f"{q['a']}/{q['b']}"})
    figures.append({"layer": "quotes", "figure": f"content F1 overlap (char Jaccard >= {overlap:g})", "value": _f1(q["overlap"], q["a"], q["b"]), "n": f"{q['a']}/{q['b']}"})
    ratio = lambda x, n: None if n == 0 else x / n  # noqa: E731
    figures.append({"layer": "quotes", "figure": "speaker cluster agreement on matched quotes", "value": ratio(q["speaker_ok"], q["speaker_n"]), "n": q["speaker_n"]})
    figures.append({"layer": "quotes", "figure": "type agreement on matched quotes", "value": ratio(q["type_ok"], q["speaker_n"]), "n": q["speaker_n"]})
    figures.append({"layer": "quotes", "figure": "cue agreement on matched quotes", "value": ratio(q["cue_ok"], q["cue_n"]), "n": q["cue_n"]})
    figures.append({"layer": "stance", "figure": "item F1 (same holder and target)", "value": _f1(st["matched"], st["a"], st["b"]), "n": f"{st['a']}/{st['b']}"})
    figures.append({"layer": "stance", "figure": "label agreement on matched items", "value": ratio(sum(x == y for x, y in zip(labels_a, labels_b)), len(labels_a)), "n": len(labels_a)})
    kappa = None
    if labels_a:
        if len(set(labels_a) | set(labels_b)) > 1:
            from sklearn.metrics import cohen_kappa_score
            kappa = float(cohen_kappa_score(labels_a, labels_b, labels=["FAVOR", "AGAINST", "NEUTRAL"]))
        else:
            kappa = None  # one label throughout: kappa is undefined
    figures.append({"layer": "stance", "figure": "Cohen's kappa on matched items", "value": kappa, "n": len(labels_a)})
    return {"a": str(a), "b": str(b), "documents": ids, "figures": figures, "disagreements": dis}


def disagreement_key(d: dict) -> str:
    """One line that identifies a disagreement; the adjudication log quotes it for each decision."""
    return f"{d['doc_id']} | {d['layer']} | {d['kind']} | A: {d.get('a', '')} | B: {d.get('b', '')}"
