"""spaCy: ``Doc.to_json()`` output (``spacy``) and ``DocBin`` files (``spacy-docbin``). Offsets: code points.

``Doc.to_json()``: an object, a list, ``{doc_id: doc}`` or JSONL; ``ents``, else every group of
``spans``; doc id from ``doc_id``, ``user_data.doc_id``, ``_.doc_id`` or ``meta.doc_id``,
``--doc-id``/``--doc-map``, or the text. An entity whose offsets fall outside the text is an
error (never clamped to the text). A ``DocBin`` (needs spaCy) carries its doc id in
``user_data["doc_id"]``; it is decompressed under the same size cap as the JSON readers
before spaCy sees it.
"""
from __future__ import annotations

import zlib
from pathlib import Path
from typing import Any

from newsgold.core.diagnostics import Problem
from newsgold.core.jsonio import MAX_RECORD_BYTES
from newsgold.formats.common import ID_KEYS, Report, Unit, as_score, declared_id, is_int, jp, json_reader, score_problem
from newsgold.formats.ir import CODE_POINTS, DocDraft, ReadDocument, ReadOptions, span

UNIT = CODE_POINTS


def _capped_docbin_bytes(path: Path, name: str) -> tuple[bytes | None, Problem]:
    """The file's bytes if it and its zlib payload are within MAX_RECORD_BYTES (a zip bomb is refused)."""
    try:
        with open(path, "rb") as fh:
            raw = fh.read(MAX_RECORD_BYTES + 1)
    except OSError as exc:
        return None, Problem(name, 0, "", f"cannot open: {exc.strerror}", "file")
    too_big = Problem(name, 0, "", f"the DocBin is larger than {MAX_RECORD_BYTES} bytes (or decompresses to more); "
                      "split it into several files", "size")
    if len(raw) > MAX_RECORD_BYTES:
        return None, too_big
    try:
        inflater = zlib.decompressobj()
        out = inflater.decompress(raw, MAX_RECORD_BYTES + 1)
    except zlib.error as exc:
        return None, Problem(name, 0, "", f"not a spaCy DocBin: not zlib data ({exc})", "format")
    if len(out) > MAX_RECORD_BYTES or inflater.unconsumed_tail:
        return None, too_big
    return raw, too_big


def _spacy_doc(v) -> bool:
    return isinstance(v, dict) and isinstance(v.get("text"), str) and ("ents" in v or "spans" in v or "tokens" in v)


EXPECTED_JSON = (
    "expected spaCy Doc.to_json() output: {\"text\", \"ents\": [{start, end, label}], ...} "
    "(one, a list, or {doc_id: doc})")


def _document(u: Unit, key_id: str | None, base: tuple, v: Any, name: str, report: Report) -> ReadDocument:
    """One spaCy Doc.to_json() value as a read document."""
    did, _idpath = declared_id(v)
    did = did or key_id
    d = DocDraft(name, u.lf(base), jp(*base), doc_id=did, text=v["text"])
    groups: list[tuple[Any, list]]    # (where the group is: "ents" or ("spans", name), its entities)
    if isinstance(v.get("ents"), list):
        groups = [("ents", v["ents"])]
    elif isinstance(v.get("spans"), dict) and v["spans"]:
        groups = [(("spans", k), g) for k, g in v["spans"].items() if isinstance(g, list)]
        report.add(Problem(name, u.lf(base + ("spans",)), jp(*base, "spans"),
                           f"no 'ents': using the span group(s) {', '.join(sorted(v['spans']))}", "spacy-spans", "warning"))
    else:
        groups = []
    seen = set()
    for key, items in groups:
        kp = key if isinstance(key, tuple) else (key,)
        for i, e in enumerate(items):
            p = base + kp + (i,)
            if not isinstance(e, dict):
                report.add(Problem(name, u.lf(p), jp(*p), "expected {start, end, label}", "format"))
                continue
            k = repr((e.get("start"), e.get("end"), e.get("label")))
            if k in seen:
                continue
            seen.add(k)
            s, en = e.get("start"), e.get("end")
            # the text at in-range offsets only: a slice past the end would quietly shorten the span
            txt = v["text"][s:en] if is_int(s) and is_int(en) and 0 <= s < en <= len(v["text"]) else None
            bad = score_problem(e.get("score"), name, u.lf(p + ("score",)), jp(*p, "score"))
            if bad:
                report.add(bad)
            d.regions.append(span(s, en, e.get("label"), u.lf(p), jp(*p), as_score(e.get("score")), txt,
                                 label_line=u.lf(p + ("label",))))
    return d.freeze()



read = json_reader(_spacy_doc, EXPECTED_JSON, _document)

def read_docbin(path: Path, name: str, report: Report, options: ReadOptions) -> list[ReadDocument]:
    raw, problem = _capped_docbin_bytes(path, name)
    if raw is None:
        report.add(problem)
        return []
    try:
        from spacy.tokens import DocBin
        from spacy.vocab import Vocab
    except ImportError:
        report.add(Problem(name, 0, "", "spaCy is not installed: pip install spacy", "dependency"))
        return []
    try:
        db = DocBin().from_bytes(raw)
        sdocs = list(db.get_docs(Vocab()))
    except Exception as exc:
        report.add(Problem(name, 0, "", f"not a spaCy DocBin: {type(exc).__name__}: {exc}", "format"))
        return []
    docs = []
    for i, sdoc in enumerate(sdocs):
        did = None
        ud = sdoc.user_data or {}
        for k, v in ud.items():
            key = k[1] if isinstance(k, tuple) and len(k) > 1 else k
            if key in ID_KEYS and isinstance(v, str) and v:
                did = v
                break
        d = DocDraft(name, 0, f"docs/{i}", doc_id=did, text=sdoc.text)
        if sdoc.has_annotation("ENT_IOB"):
            groups = [("ents", list(sdoc.ents))]
        else:
            groups = [(f"spans/{k}", list(g)) for k, g in sdoc.spans.items()]
            if groups:
                report.add(Problem(name, 0, d.path, f"no entities: using the span group(s) {', '.join(sorted(sdoc.spans))}",
                                   "spacy-spans", "warning"))
        seen = set()
        for key, spans in groups:
            for j, s in enumerate(spans):
                span_key = (s.start_char, s.end_char, s.label_)
                if span_key in seen:
                    continue
                seen.add(span_key)
                d.regions.append(span(s.start_char, s.end_char, s.label_, 0, f"docs/{i}/{key}/{j}", None, s.text))
        docs.append(d.freeze())
    return docs
