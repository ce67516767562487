"""CoNLL-2011/2012 coreference files (``--from conll-2012``), read the way ``scorer.pl`` v8.01 reads them.

Layout: ``#begin document (name); part 000`` … ``#end document`` blocks; one token a line,
columns separated by whitespace, the coreference column last; blank lines end sentences.
The last column holds ``(12`` (a mention of entity 12 opens here), ``12)`` (closes),
``(12)`` (one-token mention), several joined by ``|``, or ``-``/``_`` (none). A mention
closes the most recently opened one of its entity. ``(12+3)`` (a split antecedent) is
skipped, as the reference scorer skips it.

**Offset unit**: tokens, counted from 0 over the whole document (sentence breaks do not
reset the count); a mention is ``(first token, last token + 1)``. The document's name is
everything after ``#begin document `` (so ``(name); part 000``), as the reference scorer
keys documents. To place the mentions on a text, see :func:`newsgold.formats.coref_common.to_characters`.
"""
from __future__ import annotations

import re
from pathlib import Path

from newsgold.core.diagnostics import InputError, Problem
from newsgold.core.jsonio import read_text, write_atomic
from newsgold.formats.coref_common import TOKENS, CorefDocument

_BEGIN = re.compile(r"^#\s*begin document (.*?)$")
_END = re.compile(r"^#\s*end document")
_SPLIT = re.compile(r"\((\d+\+\d)\)")
_SINGLE = re.compile(r"\((\d+)\)")
_OPEN = re.compile(r"\((\d+)")
_CLOSE = re.compile(r"(\d+)\)")


class _Block:
    """The document being read: its tokens, open mentions per entity, and finished clusters."""

    def __init__(self, name: str, line: int):
        self.doc = CorefDocument(name, [], TOKENS, line=line)
        self.index: dict[str, int] = {}
        self.open: dict[str, list[tuple[int, int]]] = {}

    def cluster(self, ent: str) -> list:
        if ent not in self.index:
            self.index[ent] = len(self.doc.clusters)
            self.doc.clusters.append([])
        return self.doc.clusters[self.index[ent]]

    def token(self, word: str, column: str, file: str, line: int) -> None:
        t = len(self.doc.tokens)
        self.doc.tokens.append(word)
        if column in ("-", "_"):
            return
        column = _SPLIT.sub("", column)
        for ent in _SINGLE.findall(column):
            self.cluster(ent).append((t, t + 1))
        column = _SINGLE.sub("", column)
        for ent in _OPEN.findall(column):
            self.cluster(ent)
            self.open.setdefault(ent, []).append((t, line))
        column = _OPEN.sub("", column)
        for ent in _CLOSE.findall(column):
            if not self.open.get(ent):
                raise InputError(Problem(file, line, "coreference column",
                                         f"mention of entity {ent} closes without opening", "conll-2012"))
            start, _ = self.open[ent].pop()
            self.cluster(ent).append((start, t + 1))

    def finish(self, file: str) -> CorefDocument:
        for ent, starts in self.open.items():
            if starts:
                raise InputError(Problem(file, starts[-1][1], "coreference column",
                                         f"mention of entity {ent} opens and never closes", "conll-2012"))
        self.doc.clusters = [c for c in self.doc.clusters if c]
        return self.doc


def _word(cols: list[str]) -> str:
    """The token: column 4 in CoNLL-2012 (more than 4 columns), column 2 in the 3-column
    ``index word coref`` layout (GUM), else column 1."""
    if len(cols) > 4:
        return cols[3]
    return cols[1] if len(cols) == 3 else cols[0]


def read(path: str | Path, warnings: list[Problem] | None = None) -> list[CorefDocument]:
    """Every document of a CoNLL-2011/2012 file, in file order; bad structure is an :class:`InputError`,
    warnings (a byte-order mark) go to ``warnings``."""
    file = str(path)
    text, problems = read_text(Path(path))
    if text is None:
        raise InputError(problems)
    if warnings is not None:
        warnings.extend(problems)
    docs: list[CorefDocument] = []
    block: _Block | None = None
    for n, raw in enumerate(text.splitlines(), 1):
        line = raw.rstrip("\r\n")
        begin = _BEGIN.match(line)
        if begin:
            if block is not None:
                raise InputError(Problem(file, n, "#begin document", "a document begins before the last one ended",
                                         "conll-2012"))
            block = _Block(begin.group(1), n)
        elif _END.match(line):
            if block is None:
                raise InputError(Problem(file, n, "#end document", "#end document without #begin document", "conll-2012"))
            docs.append(block.finish(file))
            block = None
        elif line.strip() and not line.startswith("#"):
            if block is None:
                raise InputError(Problem(file, n, "(line)", "token line outside a #begin/#end document block",
                                         "conll-2012"))
            cols = line.split()
            block.token(_word(cols), cols[-1], file, n)
    if block is not None:
        raise InputError(Problem(file, block.doc.line, "#begin document", "document never ends (#end document missing)",
                                 "conll-2012"))
    return docs


def coref_column(n_tokens: int, clusters: list[list[tuple[int, int]]]) -> list[str]:
    """The last column of every token for ``clusters`` (entity ``i`` written as number ``i``).

    Per token: one-token mentions ``(i)``, then openings ``(i`` (longer mentions first), then
    closings ``i)`` (shorter first), joined by ``|``; ``-`` when none.
    """
    cells: list[list[tuple[int, int, str]]] = [[] for _ in range(n_tokens)]
    for i, cluster in enumerate(clusters):
        for start, end in cluster:
            if end - start == 1:
                cells[start].append((0, 0, f"({i})"))
            else:
                cells[start].append((1, -(end - start), f"({i}"))
                cells[end - 1].append((2, end - start, f"{i})"))
    return ["|".join(tag for *_, tag in sorted(c)) if c else "-" for c in cells]


def write(docs: list[CorefDocument], path: str | Path) -> None:
    """Write token documents as CoNLL-2012 (columns: document name, part, word number, word, coref),
    one sentence per document, atomically."""
    lines = []
    for doc in docs:
        name = doc.name or "(document)"
        lines.append(f"#begin document {name}")
        short = name.split(";")[0].strip("() ") or "-"
        for t, (word, tag) in enumerate(zip(doc.tokens, coref_column(len(doc.tokens), doc.clusters))):
            lines.append(f"{short}\t0\t{t}\t{word}\t{tag}")
        lines += ["", "#end document"]
    write_atomic(path, "\n".join(lines) + "\n")
