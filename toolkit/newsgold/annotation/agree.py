"""``newsgold agree A B``: inter-annotator agreement between two annotation sets.

Stands on the scorer's matching core (:mod:`newsgold.scoring.spans`, the entity and quote
scorers): pass B is scored against pass A, and every figure used is symmetric in A
and B (F1 = 2·agreed / (|A| + |B|); Cohen's kappa).
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from newsgold.core.diagnostics import InputError
from newsgold.core.schema import ENTITY_LABELS
from newsgold.gold.manifest import load_documents
from newsgold.gold.read import read_annotation_set
from newsgold.scoring import entities as E
from newsgold.scoring.quotes import match_quotes


def _f1(agreed: int, n_a: int, n_b: int) -> float | None:
    return None if n_a + n_b == 0 else 2 * agreed / (n_a + n_b)


class GoldNotAPass(ValueError):
    """``agree`` was given adjudicated (gold) files: a usage error (exit 2)."""


def _read(folder) -> dict[str, dict]:
    docs = load_documents()
    anns, problems = read_annotation_set(Path(folder), docs)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise InputError(errors)
    if not anns:
        raise InputError(f"{folder}: no annotation files")
    gold = sorted(d for d, rec in anns.items() if (rec.get("annotation") or {}).get("annotator_kind") == "adjudicated")
    if gold:
        raise GoldNotAPass(f"{folder} holds adjudicated (gold) files ({', '.join(gold[:3])}): agreement is measured pass "
                           "against pass only; the gold is made from the passes, so agreement with it is not agreement "
                           "between annotators")
    return anns


def _text(doc_text: str, s: dict | None) -> str:
    return "" if not s else f"{s['start']}:{s['end']} {doc_text[s['start']:s['end']]!r}"


def _span_key(s: dict | None) -> tuple[int, int] | None:
    return None if not s else (s["start"], s["end"])


def _entity_disagreements(d: str, text: str, A: dict, B: dict, counts: dict) -> list[dict]:
    """Mention spans and types (through the scorer's matching), cluster links, and cluster names."""
    dis: list[dict] = []
    ma, mb = A["entities"]["mentions"], B["entities"]["mentions"]
    ga = [(m["start"], m["end"], m["label"]) for m in ma]
    gb = [(m["start"], m["end"], m["label"]) for m in mb]
    errs: list = []
    counts["table"] += E.doc_table(ga, gb, counts["label_index"], errs)
    for kind, x, y in errs:
        kind = {"missed": "entity only in a", "spurious": "entity only in b"}.get(kind, f"entity {kind}")
        dis.append({"doc_id": d, "layer": "entities", "kind": kind,
                    "a": f"{x[0]}:{x[1]} {text[x[0]:x[1]]!r} {x[2]}" if x else "",
                    "b": f"{y[0]}:{y[1]} {text[y[0]:y[1]]!r} {y[2]}" if y else ""})
    for lab in ENTITY_LABELS:
        la = [m for m in ga if m[2] == lab]
        lb = [m for m in gb if m[2] == lab]
        if la or lb:
            t = E.doc_table(la, lb, {lab: 0})[0]
            c = counts["per_label"][lab]
            c["strict"] += int(t[E.ES])
            c["overlap"] += int(t[E.ES] + t[E.OS])
            c["a"] += len(la)
            c["b"] += len(lb)
    # coreference: pairs of mentions (present in both passes with the same span) put in one cluster
    ca = {(m["start"], m["end"]): m["cluster"] for m in ma}
    cb = {(m["start"], m["end"]): m["cluster"] for m in mb}
    common = sorted(set(ca) & set(cb))
    links_a = {(x, y) for i, x in enumerate(common) for y in common[i + 1:] if ca[x] == ca[y]}
    links_b = {(x, y) for i, x in enumerate(common) for y in common[i + 1:] if cb[x] == cb[y]}
    counts["links"]["a"] += len(links_a)
    counts["links"]["b"] += len(links_b)
    counts["links"]["both"] += len(links_a & links_b)
    for side, only in (("a", links_a - links_b), ("b", links_b - links_a)):
        for x, y in sorted(only):
            dis.append({"doc_id": d, "layer": "entities", "kind": f"cluster link only in {side}",
                        "a": f"{x[0]}:{x[1]} {text[x[0]:x[1]]!r} ~ {y[0]}:{y[1]} {text[y[0]:y[1]]!r} in {ca[x]!r}"
                             + ("" if ca[x] == ca[y] else f" / {ca[y]!r}"),
                        "b": f"in {cb[x]!r}" + ("" if cb[x] == cb[y] else f" / {cb[y]!r}")})
    # the canonical name of the cluster each shared mention is in (reported once per pair of clusters)
    names_a = {c["id"]: c.get("name") for c in A["entities"]["clusters"]}
    names_b = {c["id"]: c.get("name") for c in B["entities"]["clusters"]}
    seen: set[tuple[str, str]] = set()
    for span in common:
        pair = (ca[span], cb[span])
        if pair in seen:
            continue
        seen.add(pair)
        na, nb = names_a.get(pair[0]), names_b.get(pair[1])
        if na != nb:
            dis.append({"doc_id": d, "layer": "entities", "kind": f"cluster name differs ({pair[0]} / {pair[1]})",
                        "a": f"{span[0]}:{span[1]} {text[span[0]:span[1]]!r} in {pair[0]!r} named {na!r}",
                        "b": f"in {pair[1]!r} named {nb!r}"})
    return dis


def _quote_fields(text: str, q: dict) -> dict[str, str]:
    """Every compared field of a quote, as the text a reader checks."""
    return {"content": " + ".join(_text(text, s) for s in q["content"]), "cue": _text(text, q.get("cue")),
            "type": str(q["type"]), "speaker span": _text(text, q.get("speaker")),
            "speaker": str(q.get("speaker_cluster"))}


def _quote_disagreements(d: str, text: str, qa: list, qb: list, overlap: float, q: dict) -> tuple[list[dict], dict[str, str]]:
    """Quotes matched by content; every field of each matched pair compared. Returns the
    disagreements and the map from B's quote ids to the matched A quote ids (for stance evidence)."""
    dis: list[dict] = []
    (sa, sb), pairs = match_quotes(qa, qb, overlap)
    q["a"] += len(qa)
    q["b"] += len(qb)
    b_to_a: dict[str, str] = {}
    for i, j in pairs:
        x, y = qa[i], qb[j]
        b_to_a[y["id"]] = x["id"]
        q["overlap"] += 1
        q["exact"] += sa[i] == sb[j]
        q["n"] += 1
        q["speaker_ok"] += x.get("speaker_cluster") == y.get("speaker_cluster")
        q["speaker_span_ok"] += _span_key(x.get("speaker")) == _span_key(y.get("speaker"))
        q["type_ok"] += x["type"] == y["type"]
        q["cue_ok"] += _span_key(x.get("cue")) == _span_key(y.get("cue"))
        fa, fb = _quote_fields(text, x), _quote_fields(text, y)
        same = {"content": sa[i] == sb[j], "cue": _span_key(x.get("cue")) == _span_key(y.get("cue")),
                "type": x["type"] == y["type"], "speaker span": _span_key(x.get("speaker")) == _span_key(y.get("speaker")),
                "speaker": x.get("speaker_cluster") == y.get("speaker_cluster")}
        for field in ("content", "speaker", "type", "cue", "speaker span"):
            if not same[field]:
                dis.append({"doc_id": d, "layer": "quotes", "kind": f"{field} differs ({x['id']} / {y['id']})",
                            "a": fa[field], "b": fb[field]})
    matched_a, matched_b = {i for i, _ in pairs}, {j for _, j in pairs}
    for i, x in enumerate(qa):
        if i not in matched_a:
            dis.append({"doc_id": d, "layer": "quotes", "kind": f"quote only in a ({x['id']})",
                        "a": " + ".join(_text(text, s) for s in x["content"]), "b": ""})
    for j, y in enumerate(qb):
        if j not in matched_b:
            dis.append({"doc_id": d, "layer": "quotes", "kind": f"quote only in b ({y['id']})", "a": "",
                        "b": " + ".join(_text(text, s) for s in y["content"])})
    return dis, b_to_a


def _evidence(ids, rename: dict[str, str] | None = None) -> list[str]:
    """Evidence quote ids, B's written as the A quote they were matched with (``b:qN`` when unmatched)."""
    if rename is None:
        return sorted(ids)
    return sorted(rename.get(i, f"b:{i}") for i in ids)


def _stance_disagreements(d: str, A: dict, B: dict, b_to_a: dict[str, str], st: dict) -> list[dict]:
    """Declared targets, and items matched by (holder, target): label and evidence quotes compared."""
    dis: list[dict] = []
    ta = {t["id"]: t for t in A["stance"]["targets"]}
    tb = {t["id"]: t for t in B["stance"]["targets"]}
    for tid in sorted(set(ta) | set(tb)):
        if ta.get(tid) != tb.get(tid):
            dis.append({"doc_id": d, "layer": "stance", "kind": f"target differs {tid}",
                        "a": json.dumps(ta.get(tid), ensure_ascii=False, sort_keys=True) if tid in ta else "",
                        "b": json.dumps(tb.get(tid), ensure_ascii=False, sort_keys=True) if tid in tb else ""})
    ia = {(s["holder"], s["target"]): s for s in A["stance"]["items"]}
    ib = {(s["holder"], s["target"]): s for s in B["stance"]["items"]}
    st["a"] += len(ia)
    st["b"] += len(ib)
    for key in sorted(set(ia) | set(ib)):
        if key in ia and key in ib:
            x, y = ia[key], ib[key]
            st["matched"] += 1
            st["labels_a"].append(x["label"])
            st["labels_b"].append(y["label"])
            if x["label"] != y["label"]:
                dis.append({"doc_id": d, "layer": "stance", "kind": f"label differs {key[0]} -> {key[1]}",
                            "a": x["label"], "b": y["label"]})
            ev_a, ev_b = _evidence(x["evidence"]), _evidence(y["evidence"], b_to_a)
            st["evidence_ok"] += ev_a == ev_b
            if ev_a != ev_b:
                dis.append({"doc_id": d, "layer": "stance", "kind": f"evidence differs {key[0]} -> {key[1]}",
                            "a": ", ".join(ev_a), "b": ", ".join(ev_b) + (" (B's quotes as matched to A's)" if b_to_a else "")})
        else:
            side = "a" if key in ia else "b"
            item = (ia if side == "a" else ib)[key]
            shown = f"{item['label']} evidence {', '.join(item['evidence'])}"
            dis.append({"doc_id": d, "layer": "stance", "kind": f"item only in {side}: {key[0]} -> {key[1]}",
                        "a": shown if side == "a" else "", "b": shown if side == "b" else ""})
    return dis


def agree(a, b, overlap: float = 0.5) -> dict:
    """Agreement figures and the list of every disagreement between two pass folders a and b
    (never the gold: :class:`GoldNotAPass`).

    Every layer and field is compared: entity spans and types, cluster links and names; quote
    content, cue, type, speaker span and speaker cluster; stance targets, and items with their
    label and evidence quotes. Each disagreement shows both sides.
    """
    A, B = _read(a), _read(b)
    docs = load_documents()
    ids = sorted(set(A) & set(B))
    dis: list[dict] = []
    for only, side in ((sorted(set(A) - set(B)), "a"), (sorted(set(B) - set(A)), "b")):
        for d in only:
            dis.append({"doc_id": d, "layer": "document", "kind": f"only in {side}"})
    counts = {"label_index": {lab: i for i, lab in enumerate(ENTITY_LABELS)},
              "table": np.zeros((len(ENTITY_LABELS), len(E.BASE)), dtype=np.int64),
              "per_label": {lab: {"strict": 0, "overlap": 0, "a": 0, "b": 0} for lab in ENTITY_LABELS},
              "links": {"a": 0, "b": 0, "both": 0}}
    q = {"a": 0, "b": 0, "exact": 0, "overlap": 0, "n": 0, "speaker_ok": 0, "speaker_span_ok": 0, "type_ok": 0, "cue_ok": 0}
    st: dict = {"a": 0, "b": 0, "matched": 0, "evidence_ok": 0, "labels_a": [], "labels_b": []}
    for d in ids:
        text = docs[d]["text"]
        dis += _entity_disagreements(d, text, A[d], B[d], counts)
        qdis, b_to_a = _quote_disagreements(d, text, A[d]["quotes"], B[d]["quotes"], overlap, q)
        dis += qdis
        dis += _stance_disagreements(d, A[d], B[d], b_to_a, st)
    return {"a": str(a), "b": str(b), "documents": ids, "figures": _figures(counts, q, st, overlap), "disagreements": dis}


def _f1_figure(layer: str, figure: str, both: int, a: int, b: int) -> dict[str, Any]:
    """One F1 row: the value from the counts, ``n`` as "A/B" so both sides' sizes are visible."""
    return {"layer": layer, "figure": figure, "value": _f1(both, a, b), "n": f"{a}/{b}"}


def _ratio_figure(layer: str, figure: str, agreeing: int, n: int) -> dict[str, Any]:
    """One agreement-rate row; no value (not 0) when nothing was matched to agree on."""
    return {"layer": layer, "figure": figure, "value": None if n == 0 else agreeing / n, "n": n}


def _figures(counts: dict, q: dict, st: dict, overlap: float) -> list[dict]:
    """The agreement figures from the per-layer counts (each symmetric in A and B)."""
    total = counts["table"].sum(axis=0)
    links = counts["links"]
    n_a, n_b = int(total.sum() - total[E.BS]), int(total.sum() - total[E.BM])
    figures = [
        _f1_figure("entities", "span F1 strict (exact span and label)", int(total[E.ES]), n_a, n_b),
        _f1_figure("entities", "span F1 overlap (overlap and same label)", int(total[E.ES] + total[E.OS]), n_a, n_b),
        _f1_figure("entities", "span F1 exact span (any label)", int(total[E.ES] + total[E.ED]), n_a, n_b),
        _f1_figure("entities", "cluster link F1 (mention pairs in one cluster, shared spans)", links["both"], links["a"], links["b"]),
    ]
    for lab, c in counts["per_label"].items():
        if c["a"] + c["b"]:
            figures.append(_f1_figure("entities", f"{lab} span F1 strict", c["strict"], c["a"], c["b"]))
            figures.append(_f1_figure("entities", f"{lab} span F1 overlap", c["overlap"], c["a"], c["b"]))
    figures += [
        _f1_figure("quotes", "content F1 exact", q["exact"], q["a"], q["b"]),
        _f1_figure("quotes", f"content F1 overlap (char Jaccard >= {overlap:g})", q["overlap"], q["a"], q["b"]),
        _ratio_figure("quotes", "speaker cluster agreement on matched quotes", q["speaker_ok"], q["n"]),
        _ratio_figure("quotes", "speaker span agreement on matched quotes", q["speaker_span_ok"], q["n"]),
        _ratio_figure("quotes", "type agreement on matched quotes", q["type_ok"], q["n"]),
        _ratio_figure("quotes", "cue agreement on matched quotes", q["cue_ok"], q["n"]),
    ]
    labels_a, labels_b = st["labels_a"], st["labels_b"]
    same_label = sum(x == y for x, y in zip(labels_a, labels_b))
    figures += [
        _f1_figure("stance", "item F1 (same holder and target)", st["matched"], st["a"], st["b"]),
        _ratio_figure("stance", "label agreement on matched items", same_label, len(labels_a)),
        _ratio_figure("stance", "evidence agreement on matched items (same quotes)", st["evidence_ok"], st["matched"]),
    ]
    kappa = None
    if labels_a and len(set(labels_a) | set(labels_b)) > 1:  # one label throughout: kappa is undefined
        from sklearn.metrics import cohen_kappa_score
        kappa = float(cohen_kappa_score(labels_a, labels_b, labels=["FAVOR", "AGAINST", "NEUTRAL"]))
    figures.append({"layer": "stance", "figure": "Cohen's kappa on matched items", "value": kappa, "n": len(labels_a)})
    return figures


def disagreement_key(d: dict) -> str:
    """One line that identifies a disagreement; the adjudication log quotes it for each decision."""
    return f"{d['doc_id']} | {d['layer']} | {d['kind']} | A: {d.get('a', '')} | B: {d.get('b', '')}"
