"""Hugging Face token-classification pipeline output saved as JSON (offsets: code points).

``{doc_id: [ {...}, ... ]}`` (or a bare list with ``--doc-id``; JSONL lines ``{"doc_id",
"entities": [...]}``). Aggregated items (``entity_group``, ``score``, ``word``, ``start``,
``end``) are spans; token items (``entity`` B-/I-/E-/S- or plain tags, ``index``, ``word``)
are merged: a token continues the open entity when it is adjacent (``index`` + 1, or only
whitespace between) and has the same type with an ``I-``/``E-``/plain tag, or is a
``##``/non-``▁``/non-``Ġ`` sub-word of the same word (a ``B-`` on a sub-word does not split a
word). Offsets come from ``start``/``end`` only, never from ``word``; an item whose ``word``
disagrees with the text at its offsets is reported; an entity's score is the mean of its tokens'.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from newsgold.core.diagnostics import Problem
from newsgold.formats.align import loose
from newsgold.formats.common import Report, as_score, declared_id, is_int, jp, keyed, load_units, score_problem
from newsgold.formats.ir import CODE_POINTS, DocDraft, ReadDocument, ReadOptions, Region, span

UNIT = CODE_POINTS


def _tf_items(v) -> bool:
    return isinstance(v, list) and all(isinstance(x, dict) and ("entity" in x or "entity_group" in x) for x in v)


def read(path: Path, name: str, report: Report, options: ReadOptions) -> list[ReadDocument]:
    docs = []
    for u in load_units(path, name, report):
        v = u.value
        if isinstance(v, dict) and isinstance(v.get("entities", v.get("predictions")), list) and not _tf_items(v):
            key = "entities" if "entities" in v else "predictions"
            did, _ = declared_id(v)
            parts = [(did, (key,), v[key])]
        elif isinstance(v, list) and v and all(isinstance(x, list) for x in v):
            report.add(Problem(name, u.lf(()), "", "a list of lists (a batched pipeline call) carries no document ids; save "
                               "{doc_id: pipeline_output, ...} instead", "format"))
            continue
        else:
            parts = keyed(v, _tf_items)
            if not parts:
                report.add(Problem(name, u.lf(()), "", "expected the token-classification pipeline output: {doc_id: [ {entity_group | "
                                   "entity, score, word, start, end}, ... ]}", "format"))
                continue
        for did, base, items in parts:
            d = DocDraft(name, u.lf(base), jp(*base), doc_id=did)
            _tf_spans(d, items, base, u.lf, report)
            docs.append(d.freeze())
    return docs


def _tf_split(tag: str) -> tuple[str, str]:
    m = re.match(r"^([BIESLU])[-_](.+)$", tag)
    return (m.group(1), m.group(2)) if m else ("", tag)


def _tf_spans(d: DocDraft, items: list, base: tuple, lf, report: Report) -> None:
    agg = [("entity_group" in x) for x in items]
    if any(agg) and not all(agg):
        report.add(Problem(d.file, lf(base), d.path, "mixes aggregated (entity_group) and token (entity) items", "format"))
        return
    bad = False
    for i, x in enumerate(items):
        if not is_int(x.get("start")) or not is_int(x.get("end")):
            report.add(Problem(d.file, lf(base + (i,)), jp(d.path, i, "start"),
                               "no start/end offsets (the pipeline gives them only with a fast tokenizer): cannot place this item",
                               "span-align"))
            bad = True
    if bad:
        return
    words = [(x["start"], x["end"], x["word"], lf(base + (i, "word")), jp(d.path, i, "word"))
             for i, x in enumerate(items) if isinstance(x.get("word"), str)]
    for i, x in enumerate(items):
        score_bad = score_problem(x.get("score"), d.file, lf(base + (i, "score")), jp(d.path, i, "score"))
        if score_bad:
            report.add(score_bad)
    d.fit = lambda gtext, w=words: _tf_fit(w, gtext)
    d.label_where = "entity_group" if all(agg) and items else "entity"
    if all(agg):
        for i, x in enumerate(items):
            d.regions.append(span(x["start"], x["end"], x.get("entity_group"), lf(base + (i,)), jp(d.path, i), as_score(x.get("score")),
                                 label_line=lf(base + (i, "entity_group"))))

        def place_spans(gtext: str, probs: list) -> list[Region]:
            _tf_check_words(d, words, gtext, probs)
            return d.regions
        d.place = place_spans
        return
    groups = _tf_token_groups(d, items, base, lf, report)

    def place_tokens(gtext: str, probs: list) -> list[Region]:
        _tf_check_words(d, words, gtext, probs)
        return _tf_place(d, groups, gtext, lf, base)
    d.place = place_tokens


def _tf_token_groups(d: DocDraft, items: list, base: tuple, lf, report: Report) -> list[dict]:
    """Token items merged into entities (rules in the module docstring): ``{"label", "i", "toks"}`` each."""
    sentencepiece = any(isinstance(x.get("word"), str) and x["word"][:1] in ("▁", "Ġ") for x in items)
    groups: list[dict] = []
    cur: dict[str, Any] | None = None
    prev = None
    order = sorted(range(len(items)), key=lambda i: (items[i]["start"], items[i]["end"]))
    for i in order:
        x = items[i]
        tag = x.get("entity")
        if not isinstance(tag, str) or not tag:
            report.add(Problem(d.file, lf(base + (i,)), jp(d.path, i, "entity"), f"missing or empty tag {tag!r}", "format"))
            cur = prev = None
            continue
        if tag == "O":
            cur = None
            prev = x
            continue
        bi, lab = _tf_split(tag)
        word = x.get("word") if isinstance(x.get("word"), str) else ""
        if prev is None:
            adjacent = False
        elif is_int(x.get("index")) and is_int(prev.get("index")):
            adjacent = x["index"] == prev["index"] + 1
        else:
            adjacent = True   # no index: checked on the gold text when placed (only whitespace between)
        subword = prev is not None and x["start"] == prev["end"] and (
            word.startswith("##") or (sentencepiece and word[:1] not in ("▁", "Ġ")))
        if cur is not None and adjacent and cur["label"] == lab and (bi in ("I", "E", "L", "") or (bi == "B" and subword)):
            cur["toks"].append((x["start"], x["end"], as_score(x.get("score"))))
        else:
            cur = {"label": lab, "i": i, "toks": [(x["start"], x["end"], as_score(x.get("score")))]}
            groups.append(cur)
        if bi in ("E", "L", "S", "U"):
            cur = None
        prev = x
    return groups


def _tf_check_words(d: DocDraft, words: list, gtext: str, probs: list) -> None:
    """Warn, item by item, where a ``word`` disagrees with the gold text at its offsets (offsets of another text?)."""
    bad = [(s, e, w, line, path) for s, e, w, line, path in words if not _word_fits(s, e, w, gtext)]
    for s, e, w, line, path in bad:
        reads = repr(gtext[s:e]) if 0 <= s < e <= len(gtext) else f"nothing: outside the text (length {len(gtext)})"
        probs.append(Problem(d.file, line, path, f"'word' {w!r} does not match the gold text at {s}:{e}, which reads {reads}; "
                             "placed at its offsets", "word-mismatch", "warning"))
    if bad and len(bad) > len(words) // 5:
        probs.append(Problem(d.file, d.line, d.path, f"the 'word' of {len(bad)} of {len(words)} items does not match the gold text "
                             "at its offsets; were the offsets computed on another text (a sentence, a truncated copy)?",
                             "span-align", "warning"))


def _tf_place(d: DocDraft, groups: list[dict], gtext: str, lf, base: tuple) -> list[Region]:
    """Token groups as spans; a group is split where text other than whitespace lies between two tokens."""
    out = []
    for g in groups:
        pieces = [[g["toks"][0]]]
        for t in g["toks"][1:]:
            gap = gtext[pieces[-1][-1][1]:t[0]]
            if gap.strip():
                pieces.append([t])
            else:
                pieces[-1].append(t)
        for toks in pieces:
            scores = [sc for _, _, sc in toks if sc is not None]
            out.append(span(toks[0][0], max(e for _, e, _ in toks), g["label"], lf(base + (g["i"],)), jp(d.path, g["i"]),
                             sum(scores) / len(scores) if scores else None, label_line=lf(base + (g["i"], "entity"))))
    return out


def _word_fits(s: int, e: int, word: str, gtext: str) -> bool:
    """A ``word`` (sub-word marks, case, accents and spaces aside) is what the gold text has at its offsets."""
    lw = loose(word)
    if not lw or "[unk]" in lw or "<unk>" in lw:
        return True
    if not 0 <= s < e <= len(gtext):
        return False
    lg = loose(gtext[s:e])
    return bool(lg) and (lg == lw or lw in lg or lg in lw)


def _tf_fit(words: list, gtext: str) -> float:
    if not words:
        return 0.0
    return sum(_word_fits(s, e, w, gtext) for s, e, w, *_ in words) / len(words)
