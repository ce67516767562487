"""Quote attribution scoring as per-document sufficient statistics.

Content: a quote's content is the set of characters of its content spans. Two quotes
*match exactly* when the sets are equal and *match by overlap* when their character
Jaccard (intersection over union) is at least the threshold (default 0.5: half of the
union shared, so leaving out or adding quotation marks or a trailing clause still
matches, but a different sentence does not). Matching is one-to-one and optimal
(:func:`newsgold.scoring.spans.match`): first exact matches, then the number of pairs, then
Jaccard.

On overlap-matched quotes: quote type accuracy (where the system gives a type);
speaker at *mention* level (the predicted speaker span overlaps the gold speaker span;
scored where the gold has a speaker span) and at *entity* level (the predicted speaker
resolves to the gold speaker's cluster through ``speaker_cluster``, through a gold
entity mention its span overlaps, or through a normalised name or alias; scored where
the gold speaker's cluster is known). End to end, a predicted quote is right only when
its content matches and its speaker is right at entity level (when the gold speaker's
cluster is unknown there is no speaker to judge and the content alone decides).
Cues: predicted cue spans against gold cue spans, exact boundaries, one-to-one.
"""
from __future__ import annotations

import re
import unicodedata
from functools import cached_property, lru_cache
from typing import Any

import numpy as np

from newsgold.core.schema import QUOTE_TYPES
from newsgold.scoring.entities import prf_from
from newsgold.scoring.spans import match, overlapping_pairs

FIELDS = ["gold", "pred", "exact_tp", "overlap_tp", "cue_gold", "cue_pred", "cue_tp",
          "type_n", "type_ok", "spk_mention_n", "spk_mention_ok", "spk_entity_n", "spk_entity_ok", "e2e_tp"]
for _t in QUOTE_TYPES:
    FIELDS += [f"{_t}/gold", f"{_t}/matched", f"{_t}/spk_entity_n", f"{_t}/spk_entity_ok", f"{_t}/e2e_tp"]
IDX = {f: i for i, f in enumerate(FIELDS)}


_POSSESSIVE = re.compile(r"[’'`]s\b")
_NON_WORD = re.compile(r"[^\w]+")


@lru_cache(maxsize=1 << 16)   # the same names recur in every document; the function is pure
def normalise_name(name: str) -> str:
    """Case-, accent-, punctuation- and article-insensitive form of a name."""
    return _trim(_fold(name, _NON_WORD))


_SEP = "\x00"
_NON_WORD_OR_SEP = re.compile(r"[^\w\x00]+")


def _fold(s: str, non_word: re.Pattern[str]) -> str:
    """Compatibility decomposition, accents dropped, lower case, possessives dropped, runs of
    ``non_word`` characters to one space."""
    s = unicodedata.normalize("NFKD", s)
    if not s.isascii():   # drop combining marks; found per distinct character, not per character (long spans)
        marks = {c for c in set(s) if unicodedata.combining(c)}
        if marks:
            s = "".join(c for c in s if c not in marks)
    s = _POSSESSIVE.sub("", s.lower())
    return non_word.sub(" ", s)


def _trim(s: str) -> str:
    """Outer spaces and a leading article dropped."""
    s = s.strip()
    return s[4:] if s.startswith("the ") else s


def normalise_names(names: list[str]) -> list[str]:
    """:func:`normalise_name` of each name, computed in one pass over the names joined by NUL.

    The result is the same: every step is local to a character or stops at NUL (NFKD and case
    mapping treat it as a boundary, the possessive and non-word patterns never cross it), and
    no name may contain it (a list where one does is normalised name by name)."""
    joined = _SEP.join(names)
    if joined.count(_SEP) != max(len(names) - 1, 0):
        return [normalise_name(n) for n in names]
    return [_trim(p) for p in _fold(joined, _NON_WORD_OR_SEP).split(_SEP)] if names else []


def name_index(gold_doc: dict[str, Any]) -> dict[str, str]:
    """Normalised canonical names and aliases -> cluster id (ambiguous names dropped)."""
    seen: dict[str, set[Any]] = {}
    ents = gold_doc.get("entities") or {}
    for c in ents.get("clusters", []):
        for n in [c["name"], *c.get("aliases", [])]:
            seen.setdefault(normalise_name(n), set()).add(c["id"])
    for m in ents.get("mentions", []):
        seen.setdefault(normalise_name(m["text"]), set()).add(m["cluster"])
    return {k: next(iter(v)) for k, v in seen.items() if len(v) == 1 and k}


class DocIndex:
    """What speaker and holder resolution needs of one gold document, built once per document.

    Each part is built when a prediction first needs it, the name index (:func:`name_index`: every
    name and mention text of the document normalised) only for a speaker or holder given by name
    or a speaker span at no gold mention: most predictions name a cluster id or a span, and on a
    large corpus building the name index for every document cost more than the rest of quote and
    stance scoring."""

    def __init__(self, gold_doc: dict[str, Any]) -> None:
        self.text: str = gold_doc["text"]
        self._doc = gold_doc

    @cached_property
    def clusters(self) -> frozenset[str]:
        """The document's cluster ids."""
        return frozenset(c["id"] for c in (self._doc.get("entities") or {}).get("clusters", []))

    @cached_property
    def mentions(self) -> list[tuple[int, int, str]]:
        """(start, end, cluster) of every entity mention: for a speaker given as a span only."""
        return [(m["start"], m["end"], m["cluster"]) for m in (self._doc.get("entities") or {}).get("mentions", [])]

    @cached_property
    def names(self) -> dict[str, str]:
        """:func:`name_index` of the document."""
        return name_index(self._doc)


def doc_index(gold_doc: dict[str, Any]) -> DocIndex:
    return DocIndex(gold_doc)


def charset(spans: Any) -> frozenset[int]:
    s: set[int] = set()
    for sp in spans or []:
        s.update(range(sp["start"], sp["end"]))
    return frozenset(s)


def resolve_speaker(q: dict[str, Any], gold_doc: dict[str, Any], names: dict[str, str] | DocIndex) -> str | None:
    """The gold cluster a predicted quote's speaker points at, or None.

    ``names`` is :func:`name_index` of the document or, faster, its :class:`DocIndex`."""
    index = names if isinstance(names, DocIndex) else None
    clusters = index.clusters if index else {c["id"] for c in (gold_doc.get("entities") or {}).get("clusters", [])}

    def lookup(name: str) -> str | None:     # the name index, built only when a name must be resolved
        return (names.names if isinstance(names, DocIndex) else names).get(normalise_name(name))
    if q.get("speaker_cluster") in clusters:
        return str(q["speaker_cluster"])
    if q.get("speaker_name"):
        return lookup(q["speaker_name"])
    sp = q.get("speaker")
    if isinstance(sp, dict):
        gm = index.mentions if index else [(m["start"], m["end"], m["cluster"])
                                           for m in (gold_doc.get("entities") or {}).get("mentions", [])]
        hits = overlapping_pairs(gm, [(sp["start"], sp["end"])])
        if hits:
            best = max(hits, key=lambda h: (min(gm[h[0]][1], sp["end"]) - max(gm[h[0]][0], sp["start"]), -gm[h[0]][0]))
            return gm[best[0]][2]
        text = (index.text if index else gold_doc["text"])[sp["start"]:sp["end"]]
        return lookup(text)
    return None


def jaccard(a: frozenset[Any], b: frozenset[Any]) -> float:
    u = len(a | b)
    return len(a & b) / u if u else 0.0


def match_quotes(gold_q: list[dict[str, Any]], pred_q: list[dict[str, Any]],
                 threshold: float) -> tuple[tuple[list[frozenset[int]], list[frozenset[int]]], list[tuple[int, int]]]:
    """One-to-one matching of quotes by content overlap; returns (charsets, pairs)."""
    gsets = [charset(q["content"]) for q in gold_q]
    psets = [charset(q["content"]) for q in pred_q]
    g_items = [(min(s), max(s) + 1, s) if s else (0, 0, s) for s in gsets]
    p_items = [(min(s), max(s) + 1, s) if s else (0, 0, s) for s in psets]
    cand = [(g, p) for g, p in overlapping_pairs(g_items, p_items) if jaccard(gsets[g], psets[p]) >= threshold]

    def tiers(g: tuple[Any, ...], p: tuple[Any, ...]) -> tuple[float, ...]:
        return (1.0 if g[2] == p[2] else 0.0, 1.0, jaccard(g[2], p[2]))
    return (gsets, psets), match(g_items, p_items, pairs=cand, tiers=tiers)


def doc_stats(gold_doc: dict[str, Any], pred_quotes: list[dict[str, Any]], threshold: float, errors: list[Any] | None = None,
              index: DocIndex | None = None) -> np.ndarray:
    """Sufficient statistics of one document; ``index`` (:func:`doc_index`) when the caller has it."""
    row = np.zeros(len(FIELDS), dtype=np.int64)
    gold_q = gold_doc.get("quotes") or []
    names = index if index is not None else doc_index(gold_doc)
    row[IDX["gold"]] = len(gold_q)
    row[IDX["pred"]] = len(pred_q := list(pred_quotes))
    for q in gold_q:
        row[IDX[f"{q['type']}/gold"]] += 1
    (gsets, psets), pairs = match_quotes(gold_q, pred_q, threshold)
    matched_g, matched_p = set(), set()
    for gi, pi in pairs:
        g, p = gold_q[gi], pred_q[pi]
        matched_g.add(gi)
        matched_p.add(pi)
        row[IDX["overlap_tp"]] += 1
        row[IDX[f"{g['type']}/matched"]] += 1
        if gsets[gi] == psets[pi]:
            row[IDX["exact_tp"]] += 1
        if p.get("type"):
            row[IDX["type_n"]] += 1
            row[IDX["type_ok"]] += p["type"] == g["type"]
        if g.get("speaker"):
            row[IDX["spk_mention_n"]] += 1
            ps = p.get("speaker")
            ok = isinstance(ps, dict) and ps["start"] < g["speaker"]["end"] and g["speaker"]["start"] < ps["end"]
            row[IDX["spk_mention_ok"]] += ok
        entity_ok = False
        e2e_ok = not g.get("speaker_cluster")  # speaker unknown in the gold: nothing to judge, the content decides
        if g.get("speaker_cluster"):
            row[IDX["spk_entity_n"]] += 1
            row[IDX[f"{g['type']}/spk_entity_n"]] += 1
            entity_ok = resolve_speaker(p, gold_doc, names) == g["speaker_cluster"]
            row[IDX["spk_entity_ok"]] += entity_ok
            row[IDX[f"{g['type']}/spk_entity_ok"]] += entity_ok
            e2e_ok = entity_ok
        if e2e_ok:
            row[IDX["e2e_tp"]] += 1
            row[IDX[f"{g['type']}/e2e_tp"]] += 1
        if errors is not None and (gsets[gi] != psets[pi] or not e2e_ok):
            errors.append(("quote_partial" if gsets[gi] != psets[pi] else "quote_wrong_speaker", g, p))
    if errors is not None:
        errors += [("quote_missed", q, None) for i, q in enumerate(gold_q) if i not in matched_g]
        errors += [("quote_spurious", None, q) for i, q in enumerate(pred_q) if i not in matched_p]
    gold_cues = sorted({(q["cue"]["start"], q["cue"]["end"]) for q in gold_q if q.get("cue")})
    pred_cues = sorted({(q["cue"]["start"], q["cue"]["end"]) for q in pred_q if isinstance(q.get("cue"), dict)})
    row[IDX["cue_gold"]] = len(gold_cues)
    row[IDX["cue_pred"]] = len(pred_cues)
    row[IDX["cue_tp"]] = len(set(gold_cues) & set(pred_cues))
    return row


def _prf(tp: Any, n_pred: Any, n_gold: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    m = prf_from(tp, n_pred, n_gold)
    return m["precision"], m["recall"], m["f1"]


def _ratio(a: Any, b: Any) -> np.ndarray:
    """a / b, NaN (not applicable) where b is 0."""
    return np.where(b > 0, a / np.maximum(b, 1), np.nan)


def figures(sums: np.ndarray) -> dict[str, np.ndarray]:
    c = {f: sums[..., i].astype(float) for f, i in IDX.items()}
    out = {}
    for name, tp, npred, ngold in (("content_exact", c["exact_tp"], c["pred"], c["gold"]),
                                   ("content_overlap", c["overlap_tp"], c["pred"], c["gold"]),
                                   ("cue", c["cue_tp"], c["cue_pred"], c["cue_gold"]),
                                   ("end_to_end", c["e2e_tp"], c["pred"], c["gold"])):
        p, r, f = _prf(tp, npred, ngold)
        out[f"{name}/precision"], out[f"{name}/recall"], out[f"{name}/f1"] = p, r, f
    out["type/accuracy"] = _ratio(c["type_ok"], c["type_n"])
    out["speaker_mention/accuracy"] = _ratio(c["spk_mention_ok"], c["spk_mention_n"])
    out["speaker_entity/accuracy"] = _ratio(c["spk_entity_ok"], c["spk_entity_n"])
    for t in QUOTE_TYPES:
        out[f"by_type/{t}/content_overlap/recall"] = _ratio(c[f"{t}/matched"], c[f"{t}/gold"])
        out[f"by_type/{t}/speaker_entity/accuracy"] = _ratio(c[f"{t}/spk_entity_ok"], c[f"{t}/spk_entity_n"])
        out[f"by_type/{t}/end_to_end/recall"] = _ratio(c[f"{t}/e2e_tp"], c[f"{t}/gold"])
    return out
