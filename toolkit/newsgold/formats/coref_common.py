"""What every coreference reader returns: documents of clusters, with the offset unit said.

A coreference file gives, per document, clusters of mentions. Readers differ in what a
mention's offsets count: tokens (CoNLL-2012, CorefUD) or characters (JSON clusters). A
:class:`CorefDocument` keeps the offsets as the file gives them, half-open, with ``unit`` saying
which; :func:`to_characters` places token mentions on a document text by the rule stated there,
so that key and response can be compared whatever their formats.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from newsgold.core.diagnostics import Problem

TOKENS = "tokens"
CHARACTERS = "code points"

Span = tuple[int, int]


@dataclass
class CorefDocument:
    """One document's clusters; spans are ``(start, end)``, end exclusive, in ``unit``."""

    name: str
    clusters: list[list[Span]]
    unit: str
    tokens: list[str] = field(default_factory=list)          # token formats: the words, in order
    min_spans: dict[Span, Span] = field(default_factory=dict)  # CorefUD minimal spans, when given
    line: int = 0                                              # where the document starts in its file


def to_characters(doc: CorefDocument, text: str, file: str) -> tuple[CorefDocument, list[Problem]]:
    """Token spans → code-point spans of ``text``.

    **Token-to-character rule**: each token is looked up in ``text`` in order, starting where
    the previous token ended and skipping only whitespace; a mention runs from its first
    token's first character to its last token's last character. A token not found there is
    reported and the document's mentions are not placed (an error: the file is not about
    this text).
    """
    if doc.unit == CHARACTERS:
        return doc, []
    starts, ends, pos = [], [], 0
    for i, tok in enumerate(doc.tokens):
        while pos < len(text) and text[pos].isspace():
            pos += 1
        if text.startswith(tok, pos):
            starts.append(pos)
            pos += len(tok)
            ends.append(pos)
            continue
        got = text[pos:pos + len(tok)]
        return doc, [Problem(file, doc.line, f"{doc.name}/tokens/{i}",
                             f"token {tok!r} is not the text's next word ({got!r} at character {pos})", "alignment")]

    def place(s: Span) -> Span:
        return (starts[s[0]], ends[s[1] - 1])
    clusters = [[place(m) for m in c] for c in doc.clusters]
    mins = {place(k): place(v) for k, v in doc.min_spans.items()}
    return CorefDocument(doc.name, clusters, CHARACTERS, doc.tokens, mins, doc.line), []


def is_conll_file(path: object) -> bool:
    """Whether ``path`` is a CoNLL-2011/2012 coreference file (its first non-blank line begins a
    document). Here, not in ``formats.coref_input``, so that ``score --gold G`` can ask without
    importing the coreference scorer. At most 64 KiB are read to find that line."""
    import re
    from pathlib import Path
    p = Path(str(path))
    if not p.is_file():
        return False
    with open(p, encoding="utf-8", errors="replace") as fh:
        head = fh.read(1 << 16)
    first = next((line for line in head.splitlines() if line.strip()), "")
    return re.match(r"#\s*begin document", first) is not None
