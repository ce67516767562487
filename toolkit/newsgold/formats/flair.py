"""flair: ``Sentence.to_dict(tag_type="ner")`` per sentence (offsets: code points, sentence-relative).

``{"text", "entities"|"ner": [{"text", "start_pos", "end_pos", "labels": [{"value", "confidence"}]}]}``.
Each sentence is found in the document text from the end of the previous one (exactly, then
ignoring whitespace differences, then by a character diff) and its spans are shifted.
"""
from __future__ import annotations

from pathlib import Path

from newsgold.core.diagnostics import Problem
from newsgold.formats.align import TextMap, canon, same_text, search_near
from newsgold.formats.common import Report, as_score, declared_id, is_int, jp, keyed, load_units, short
from newsgold.formats.ir import CODE_POINTS, DocDraft, ReadDocument, ReadOptions, Region, span

UNIT = CODE_POINTS


def _flair_sentence(v) -> bool:
    return isinstance(v, dict) and isinstance(v.get("text"), str) and not isinstance(v.get("sentences"), list)


def _flair_doc(v) -> bool:
    return (isinstance(v, list) and bool(v) and all(_flair_sentence(s) for s in v)) or (
        isinstance(v, dict) and isinstance(v.get("sentences"), list) and all(_flair_sentence(s) for s in v["sentences"]))


def _flair_entities(sent: dict) -> tuple[str | None, list]:
    for key in ("entities", "ner"):
        if isinstance(sent.get(key), list):
            return key, sent[key]
    for key, val in sent.items():
        if key in ("labels", "tokens", "relations", "all labels", "text"):
            continue
        if isinstance(val, list) and val and all(isinstance(x, dict) and "start_pos" in x for x in val):
            return key, val
    return None, []


def _flair_label(ent: dict) -> tuple[str | None, float | None]:
    labels = ent.get("labels")
    if isinstance(labels, list) and labels:
        candidates = [(lab.get("value"), as_score(lab.get("confidence", lab.get("score")))) if isinstance(lab, dict)
                      else (lab, None) for lab in labels]
        best = candidates[0]
        for val, conf in candidates[1:]:   # the most confident; the first among equals
            if conf is not None and (best[1] is None or conf > best[1]):
                best = (val, conf)
        return best
    if "type" in ent:
        return ent.get("type"), as_score(ent.get("confidence"))
    return ent.get("value"), as_score(ent.get("confidence"))


def read(path: Path, name: str, report: Report, options: ReadOptions) -> list[ReadDocument]:
    docs = []
    for u in load_units(path, name, report):
        v = u.value
        parts = [(None, (), [v])] if _flair_sentence(v) else keyed(v, _flair_doc)
        if not parts:
            report.add(Problem(name, u.lf(()), "", "expected flair Sentence.to_dict(tag_type='ner') output: a list of "
                               "{\"text\", \"entities\": [{text, start_pos, end_pos, labels}]} per document, or {doc_id: [...]}",
                               "format"))
            continue
        for key_id, base, v in parts:
            sents = v if isinstance(v, list) else v["sentences"]
            sbase = base if isinstance(v, list) else base + ("sentences",)
            did, _ = declared_id(v) if isinstance(v, dict) else (None, ())
            d = DocDraft(name, u.lf(base), jp(*base), doc_id=did or key_id)
            d.label_where = "labels"
            items = []
            for si, sent in enumerate(sents):
                key, ents = _flair_entities(sent)
                spans = []
                for ei, ent in enumerate(ents):
                    p = sbase + (si, key, ei)
                    lab, conf = _flair_label(ent) if isinstance(ent, dict) else (None, None)
                    s, e = (ent.get("start_pos"), ent.get("end_pos")) if isinstance(ent, dict) else (None, None)
                    if not is_int(s) or not is_int(e):
                        report.add(Problem(name, u.lf(p), jp(*p), "entity without integer start_pos/end_pos", "format"))
                        continue
                    txt = ent.get("text") if isinstance(ent.get("text"), str) else None
                    spans.append(span(s, e, lab, u.lf(p), jp(*p), conf, txt, label_line=u.lf(p + ("labels",))))
                items.append((u.lf(sbase + (si, "text")), jp(*sbase, si), sent["text"], spans))
            d.fit = lambda g, it=items: _flair_fit(it, g)
            d.place = lambda g, probs, dd=d, it=items: _flair_place(dd, it, g, probs)
            docs.append(d.freeze())
    return docs


def _flair_locate(items: list, gtext: str):
    cursor = 0
    for line, fld, stext, spans in items:
        m = TextMap.build(stext, gtext, cursor) if stext.strip() else None
        yield line, fld, stext, spans, m
        if m is not None:
            cursor = m.end


def _flair_fit(items: list, gtext: str) -> float:
    if not items:
        return 0.0
    return sum(m is not None for *_, m in _flair_locate(items, gtext)) / len(items)


def _flair_place(d: DocDraft, items: list, gtext: str, probs: list) -> list[Region]:
    out = []
    for line, fld, stext, spans, m in _flair_locate(items, gtext):
        if m is None:
            if stext.strip():
                probs.append(Problem(d.file, line, jp(fld, "text"), f"sentence {short(stext, 60)!r} is not found in the document "
                                     f"text after the previous sentence; its {len(spans)} entity(ies) cannot be placed",
                                     "sentence-align", "error" if spans else "warning"))
            continue
        for sp in spans:
            if not 0 <= sp.start < sp.end <= len(stext):
                probs.append(Problem(d.file, sp.line, sp.path, f"offsets {sp.start}:{sp.end} outside the sentence "
                                     f"(length {len(stext)})", "span-align"))
                continue
            src = stext[sp.start:sp.end]
            if sp.text is not None and canon("".join(src.split())) != canon("".join(sp.text.split())):
                probs.append(Problem(d.file, sp.line, sp.path, f"entity text {sp.text!r} does not match the sentence at "
                                     f"{sp.start}:{sp.end} ({src!r})", "span-align"))
                continue
            g = m.span(sp.start, sp.end)
            if g is None or not same_text(gtext[g[0]:g[1]], src):
                hit = search_near(gtext, src, g[0] if g else 0)
                if hit is None:
                    probs.append(Problem(d.file, sp.line, sp.path, f"entity {src!r} cannot be aligned with the document text",
                                         "span-align"))
                    continue
                g = hit
            out.append(span(g[0], g[1], sp.label, sp.line, sp.path, sp.score, placed=True, label_line=sp.label_line))
    return out
