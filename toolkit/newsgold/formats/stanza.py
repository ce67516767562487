"""stanza: ``Document.to_dict()`` (sentences of token dicts with ``start_char``/``end_char`` — or the
old ``misc`` ``start_char=..|end_char=..`` — and BIOES ``ner``), or ``doc.ents`` as
``Span.to_dict()`` (``text``, ``type``, ``start_char``, ``end_char``). Offsets: code points.
"""
from __future__ import annotations

from typing import Any

from newsgold.core.diagnostics import Problem
from newsgold.formats.align import offsets_fit, same_text
from newsgold.formats.common import Report, Unit, as_score, declared_id, is_int, jp, json_reader, score_problem
from newsgold.formats.conll import decode_tags, tag_issues
from newsgold.formats.ir import CODE_POINTS, DocDraft, ReadDocument, span

UNIT = CODE_POINTS


def _stanza_sentences(v) -> bool:
    return isinstance(v, list) and bool(v) and all(isinstance(s, list) and all(isinstance(t, dict) for t in s) for s in v)


def _stanza_ents(v) -> bool:
    return isinstance(v, list) and all(isinstance(e, dict) and "start_char" in e and ("type" in e or "label" in e) for e in v)


def _stanza_doc(v) -> bool:
    return _stanza_sentences(v) or (isinstance(v, dict) and (
        _stanza_sentences(v.get("sentences")) or _stanza_ents(v.get("ents")) or _stanza_ents(v.get("entities"))))


def _stanza_offsets(tok: dict) -> tuple[int | None, int | None]:
    s, e = tok.get("start_char"), tok.get("end_char")
    if is_int(s) and is_int(e):
        return s, e
    misc = tok.get("misc")
    if isinstance(misc, str):
        kv = dict(p.split("=", 1) for p in misc.split("|") if "=" in p)
        try:
            return int(kv["start_char"]), int(kv["end_char"])
        except (KeyError, ValueError):
            pass
    return None, None


EXPECTED = (
    "expected stanza Document.to_dict() (a list of sentences of token dicts), {\"sentences\": ...} or "
    "{\"ents\": [Span.to_dict()]} (one, a list, or {doc_id: doc})")


def _document(u: Unit, key_id: str | None, base: tuple, v: Any, name: str, report: Report) -> ReadDocument:
    """One stanza Document.to_dict() or entity-list value as a read document."""
    did, _ = declared_id(v)
    d = DocDraft(name, u.lf(base), jp(*base), doc_id=did or key_id)
    if isinstance(v, dict) and isinstance(v.get("text"), str):
        d.text = v["text"]
    ents_key = None
    if isinstance(v, dict):
        ents_key = "ents" if _stanza_ents(v.get("ents")) else "entities" if _stanza_ents(v.get("entities")) else None
    if ents_key:
        checks = []
        for i, e in enumerate(v[ents_key]):
            p = base + (ents_key, i)
            bad = score_problem(e.get("score"), name, u.lf(p + ("score",)), jp(*p, "score"))
            if bad:
                report.add(bad)
            d.regions.append(span(e.get("start_char"), e.get("end_char"), e.get("type", e.get("label")), u.lf(p), jp(*p),
                                 as_score(e.get("score")), e.get("text") if isinstance(e.get("text"), str) else None,
                                 label_line=u.lf(p + ("type" if "type" in e else "label",))))
            checks.append((e.get("start_char"), e.get("end_char"), e.get("text")))
        d.label_where = "type"
        if d.text is None:
            d.fit = lambda g, c=checks: offsets_fit(c, g)
    else:
        sents = v if isinstance(v, list) else v["sentences"]
        sbase = base if isinstance(v, list) else base + ("sentences",)
        _stanza_tokens(d, sents, sbase, u.lf, report)
    return d.freeze()





read = json_reader(_stanza_doc, EXPECTED, _document)

def _stanza_tokens(d: DocDraft, sents: list, base: tuple, lf, report: Report) -> None:
    checks = []
    d.label_where = "ner"
    any_ner = False
    for si, sent in enumerate(sents):
        units: list[tuple | None] = []   # (line, field, start, end, text, tag, tag line); None: a token not placed
        for ti, tok in enumerate(sent):
            if "ner" not in tok:
                continue   # a word inside a multi-word token: the token carries the tag
            any_ner = True
            p = base + (si, ti)
            s, e = _stanza_offsets(tok)
            if s is None:
                report.add(Problem(d.file, lf(p), jp(*p), "token without start_char/end_char: cannot place it", "span-align"))
                units.append(None)
                continue
            units.append((lf(p), jp(*p), s, e, tok.get("text"), tok.get("ner"), lf(p + ("ner",))))
            if isinstance(tok.get("text"), str):
                checks.append((s, e, tok["text"]))
        for a, b, lab, bad in decode_tags([(u[5] if u else "O") for u in units], "iobes"):
            if bad:
                continue
            first, last = units[a], units[b - 1]
            if first is None or last is None:
                continue
            d.regions.append(span(first[2], last[3], lab, first[0], first[1], label_line=first[6]))
        for k, msg, sev in tag_issues([(u[5] if u else "O") for u in units], "iobes"):
            unit = units[k]
            if unit:
                report.add(Problem(d.file, unit[6], jp(unit[1], "ner"), msg, "tag-scheme", sev))
    if not any_ner and sents:
        report.add(Problem(d.file, lf(base), d.path, "no token has a 'ner' tag (was the ner processor run?)", "format", "warning"))
    if d.text is None:
        d.fit = lambda g, c=checks: offsets_fit(c, g)

        def place(gtext, probs, dd=d, c=checks):
            bad = [(s, e, t) for s, e, t in c if not (0 <= s < e <= len(gtext) and same_text(gtext[s:e], t))]
            if bad:
                s, e, t = bad[0]
                probs.append(Problem(dd.file, dd.line, dd.path, f"{len(bad)} token(s) do not match the gold text at their offsets "
                                     f"(first: {t!r} at {s}:{e}, the text reads {gtext[s:e]!r}); were the offsets computed on "
                                     "another text?", "span-align"))
            return dd.regions
        d.place = place
