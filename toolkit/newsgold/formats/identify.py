"""Which document a read document is: by ``--doc-id``, by its (client) id through ``--doc-map``, by its text, or by its content.

Shared by ``convert``/``score --from`` and ``import``; ``strict`` (import) accepts a tool's text
only when it is the document text up to trailing whitespace and quotation-mark variants
(offsets into another text cannot be trusted for an annotation), and no piece or fuzzy match.
"""
from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping
from pathlib import Path

from newsgold.core.diagnostics import Problem
from newsgold.core.jsonio import RefusedValue, loads, read_text
from newsgold.formats.align import match_text, same_document_text
from newsgold.formats.ir import ReadDocument


def load_doc_map(path: str | Path) -> tuple[dict[str, str], list[Problem]]:
    """``--doc-map FILE``: client id -> document id, a JSON object or two TAB-separated columns per line."""
    name = str(path)
    text, problems = read_text(path, name)
    if text is None:
        return {}, problems
    if text.lstrip().startswith("{"):
        try:
            value = loads(text)
        except RefusedValue as exc:
            return {}, problems + [Problem(name, 0, "", str(exc), exc.rule)]
        except json.JSONDecodeError as exc:
            return {}, problems + [Problem(name, exc.lineno, "", f"malformed JSON: {exc.msg}", "json")]
        if not isinstance(value, dict):
            return {}, problems + [Problem(name, 1, "", "a JSON doc map is an object from client id to document id", "doc-map")]
        bad = [k for k, v in value.items() if not isinstance(v, str) or not v]
        problems += [Problem(name, 0, k, f"the document id for {k!r} must be a non-empty string", "doc-map") for k in bad]
        return {k: v for k, v in value.items() if k not in bad}, problems
    out: dict[str, str] = {}
    for n, row in enumerate(csv.reader(io.StringIO(text), delimiter="\t"), 1):
        if not row or not "".join(row).strip() or row[0].startswith("#"):
            continue
        if len(row) != 2 or not row[0].strip() or not row[1].strip():
            problems.append(Problem(name, n, "", f"expected 'CLIENT_ID<TAB>DOCUMENT_ID', got {len(row)} column(s)", "doc-map"))
            continue
        if row[0].strip() in out:
            problems.append(Problem(name, n, "", f"client id {row[0].strip()!r} mapped twice", "doc-map"))
        out[row[0].strip()] = row[1].strip()
    return out, problems


def _listing(texts: Mapping[str, str]) -> str:
    ids = list(texts)
    return f"{len(ids)} document(s) ({', '.join(ids[:3])}{', …' if len(ids) > 3 else ''})"


def identify(d: ReadDocument, texts: Mapping[str, str], *, cli_id: str | None = None, doc_map: Mapping[str, str] | None = None,
             strict: bool = False) -> tuple[str | None, list[Problem]]:
    """The document id of ``d`` among ``texts`` (id -> text), and what was found on the way."""
    where = (d.where if strict and d.where else d.path) or "doc_id"
    if cli_id is not None:
        probs = []
        if d.doc_id is not None and d.doc_id != cli_id and not d.id_weak:
            probs.append(Problem(d.file, d.line, d.path, f"the input names document {d.doc_id!r}; --doc-id {cli_id!r} is used",
                                 "doc-id", "warning"))
        if cli_id in texts:
            return cli_id, probs
        return None, probs + [Problem(d.file, d.line, "doc_id", f"unknown document id {cli_id!r} (from --doc-id); the gold has "
                                      f"{_listing(texts)}", "ref-document")]
    declared = d.doc_id
    if declared is not None and doc_map and declared in doc_map:
        declared = doc_map[declared]
        if declared not in texts:
            return None, [Problem(d.file, d.line, where, f"--doc-map maps {d.doc_id!r} to {declared!r}, which is not a document "
                                  f"here; there are {_listing(texts)}", "ref-document")]
    if declared is not None and declared in texts:
        if strict and d.text is not None and not same_document_text(d.text, texts[declared]):
            return None, [_text_differs(d, declared, texts[declared])]
        return declared, []
    if declared is not None and not d.id_weak and d.text is None:
        return None, [Problem(d.file, d.line, where, f"unknown document id {declared!r} (in the input); there are "
                              f"{_listing(texts)}; map client ids with --doc-map FILE", "ref-document")]
    return _by_content(d, texts, declared, strict)


def _by_content(d: ReadDocument, texts: Mapping[str, str], declared: str | None, strict: bool
                ) -> tuple[str | None, list[Problem]]:
    """By the text the file carries (reported as a note), else by how the content fits a document text."""
    loc = d.where if strict and d.where else d.path
    unknown = "is not in the manifest (seeds/manifest.json)" if strict else "is not a gold document"
    named = f"document id {declared!r} {unknown}" if declared is not None and not d.id_weak else "no document id"
    if d.text is not None:
        if strict:
            hits = [did for did, t in texts.items() if same_document_text(d.text, t)]
            did, why = (hits[0], "") if len(hits) == 1 else (None, f"the text matches several documents ({', '.join(hits)})"
                                                               if hits else "the text is not the text of any document")
        else:
            did, why = match_text(d.text, texts)
        if did is not None:
            sev = "warning" if declared is not None and not d.id_weak else "note"
            return did, [Problem(d.file, d.line, loc, f"{named}: identified by its text as {did!r}", "doc-by-text", sev)]
        hint = "; map client ids with --doc-map FILE" if declared is not None else "; pass --doc-id or give a doc_id"
        if strict and declared is not None and not d.id_weak:
            hint = "; register the document with newsgold add-source, or fix the doc_id"
        return None, [Problem(d.file, d.line, loc or "doc_id", f"cannot tell which document this is: {named} and {why}{hint}",
                              "ref-document" if declared is not None else "doc-id")]
    if d.fit is not None:
        scores = sorted(((d.fit(t), did) for did, t in texts.items()), reverse=True)
        if scores and scores[0][0] >= 0.5 and (len(scores) == 1 or scores[1][0] < scores[0][0]):
            return scores[0][1], []
        why = ("it fits several gold documents equally" if len(scores) > 1 and scores[0][0] >= 0.5 and scores[1][0] == scores[0][0]
               else "its content fits no gold document text")
        return None, [Problem(d.file, d.line, d.path, f"cannot tell which gold document this is: {why}; "
                              "pass --doc-id or give a doc_id", "doc-id")]
    return None, [Problem(d.file, d.line, d.path, "no document id and no text to recognise the document by; pass --doc-id",
                          "doc-id")]


def _first_diff(a: str, b: str) -> int:
    for i, (p, q) in enumerate(zip(a, b)):
        if p != q:
            return i
    return min(len(a), len(b))


def _text_differs(d: ReadDocument, did: str, text: str) -> Problem:
    return Problem(d.file, d.line, d.where or d.path, f"the text in the export differs from the text of {did} (first difference "
                   f"at character {_first_diff(d.text or '', text)}); offsets cannot be trusted: annotate the exact text "
                   "written by newsgold tasks", "text-differs")
