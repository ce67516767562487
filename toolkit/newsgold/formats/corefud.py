"""CorefUD CoNLL-U (``Entity=`` in MISC): the one reader for GUM, CorefUD and Universal Anaphora files.

Used by ``newsgold import --from corefud`` (pre-annotated documents join the set) and by the
coreference task as a prediction input. :func:`parse` returns :class:`CorefDocument` records: the
text rebuilt from the tokens, mentions in code points of that text (end exclusive), their entity
(cluster) id, type and other attributes, zones, and the XML spans GUM carries in ``XML=``
(``<quote>``, ``<q>``). What the reader does not carry is counted in ``ignored`` (``Bridge``,
``SplitAnte``, empty nodes, ...), never dropped silently.

**The text rule** (what a conversion back from our text to tokens must assume):

* a token's text is its FORM; a multiword token (``1-2``) gives the text once, its words get
  the token's span; empty nodes (``5.1``) give no text;
* after a token comes one space, nothing with ``SpaceAfter=No``, or the unescaped value of
  ``SpacesAfter=`` (``\\s`` space, ``\\t`` tab, ``\\n`` line break, ``\\p`` ``|``, ``\\\\`` backslash);
* between two sentences of one paragraph: the same (a space, nothing after ``SpaceAfter=No``);
* between paragraphs (``# newpar`` before a sentence) and around ``# newdoc``: one line break
  ``\\n`` instead (any ``SpaceAfter``/``SpacesAfter`` of the paragraph's last token gives way);
* the document ends at its last token (no final line break).

Each sentence's ``# text =`` must equal its tokens joined by the rule (a warning names it when not).

**Zones** come from the paragraph marks: GUM writes ``# newpar_block = head (1 s)``, ``figure … |
caption (2 s)``, ``p``, ``quote``, ``list``/``item``. The first paragraph is the ``headline`` when it is
a ``head`` block (or when the file says nothing about blocks: CorefUD files have no headline mark,
so then it is ``body``); a later paragraph whose tokens carry ``<date`` in ``XML=`` (Wikinews' date
line) is the ``timestamp``; a ``caption`` block is a ``caption``; everything else (subheadings,
quotations set off as blocks, list items) is ``body``. Each zone owns the line break after it.

**Entity=** (CorefUD 1.x): ``(eid-etype-...`` opens a mention on this word, ``eid)`` closes one,
``(eid-...)`` is a one-word mention; several brackets are written one after another. The fields
after the id are named by ``# global.Entity = eid-etype-head-other`` (GUM: ``GRP-etype-infstat-
salience-centering-minspan-link-identity``); without that line the CorefUD default is used.
Discontinuous mentions (``eid[1/2]``) keep every part as a fragment. ``%2D`` style escapes in values
are decoded.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

from newsgold.core.diagnostics import InputError, Problem
from newsgold.core.jsonio import read_text
from newsgold.formats import coref_common

DEFAULT_FIELDS = ("eid", "etype", "head", "other")
ID_FIELDS = ("eid", "GRP")           # names of the id field in global.Entity
CARRIED_MISC = {"Entity", "SpaceAfter", "SpacesAfter", "XML"}
CARRIED_COMMENTS = {"newdoc", "newpar", "newpar_block", "text", "sent_id", "global.Entity"}
_PART = re.compile(r"^(?P<eid>[^\[\]]+)(?:\[(?P<n>\d+)/(?P<of>\d+)\])?$")
_TAG = re.compile(r"<(/?)([A-Za-z_][\w.-]*)([^<>]*?)(/?)>")
_ESCAPES = {"s": " ", "t": "\t", "n": "\n", "p": "|", "\\": "\\"}


@dataclass(frozen=True)
class Mention:
    """One mention: its code-point span(s) in the document text, its entity (cluster) id, type and attributes."""
    start: int
    end: int
    text: str
    entity: str                                   # the cluster id as written (GUM: a number)
    etype: str | None                             # GUM: person, organization, place, time, ...
    attrs: tuple[tuple[str, str], ...] = ()       # the other fields of global.Entity (identity, infstat, ...)
    line: int = 0                                 # line of the opening bracket
    fragments: tuple[tuple[int, int], ...] = ()   # more than one for a discontinuous mention

    def attr(self, name: str) -> str | None:
        return dict(self.attrs).get(name)


@dataclass(frozen=True)
class Span:
    """A stretch marked in the file other than a mention: an XML element (``quote``) or a zone."""
    start: int
    end: int
    kind: str
    line: int = 0
    attrs: str = ""


@dataclass(frozen=True)
class Word:
    """A syntactic word: its span (a multiword token's words share the token's span), form and UPOS."""
    start: int
    end: int
    form: str
    upos: str
    xpos: str = "_"


@dataclass(frozen=True)
class CorefDocument:
    doc_id: str
    file: str
    line: int
    text: str
    mentions: tuple[Mention, ...]
    zones: tuple[Span, ...]
    xml: tuple[Span, ...]                          # XML= elements (quote, q, date, ...)
    meta: tuple[tuple[str, str], ...]             # "# meta::key = value" comments (GUM), in file order
    ignored: tuple[tuple[str, int], ...]          # what the reader did not carry, with counts
    words: tuple[Word, ...] = ()

    def meta_value(self, key: str) -> str | None:
        return dict(self.meta).get(key)

    def quotations(self) -> list[Span]:
        return [s for s in self.xml if s.kind == "quote"]

    def words_of(self, m: Mention) -> list[Word]:
        """The words a mention covers (every fragment)."""
        return [w for w in self.words if any(s <= w.start and w.end <= e for s, e in m.fragments)]

    def clusters(self) -> list[list[tuple[int, int]]]:
        """The mentions grouped by entity, in order of first mention; a discontinuous mention as
        one span from its first to its last word (the extent)."""
        by: dict[str, list[tuple[int, int]]] = {}
        for m in self.mentions:
            by.setdefault(m.entity, []).append((m.start, m.end))
        return list(by.values())

    def token_document(self) -> coref_common.CorefDocument:
        """The same clusters in token units (a multiword token is one token: its words share its
        span), the form :func:`newsgold.formats.coref_common.to_characters` places on another text."""
        spans = sorted({(w.start, w.end) for w in self.words})
        first = {s: i for i, (s, _) in enumerate(spans)}
        last = {e: i for i, (_, e) in enumerate(spans)}
        clusters = [[(first[s], last[e] + 1) for s, e in c] for c in self.clusters()]
        return coref_common.CorefDocument(self.doc_id, clusters, coref_common.TOKENS,
                                          [self.text[s:e] for s, e in spans], line=self.line)


@dataclass
class _Doc:
    doc_id: str
    line: int
    fields: tuple[str, ...]
    parts: list[str] = field(default_factory=list)
    length: int = 0
    paragraphs: list[tuple[int, int, str, int]] = field(default_factory=list)   # start, line, block, first token line
    mentions: list[Mention] = field(default_factory=list)
    open: dict[str, list[tuple[int, int, dict[str, str]]]] = field(default_factory=dict)
    parts_of: dict[str, list[tuple[int, int]]] = field(default_factory=dict)
    xml: list[Span] = field(default_factory=list)
    xml_open: list[tuple[str, int, int, str]] = field(default_factory=list)
    dates: list[int] = field(default_factory=list)
    meta: list[tuple[str, str]] = field(default_factory=list)
    ignored: Counter = field(default_factory=Counter)
    pending_sep: str = ""
    words: list[Word] = field(default_factory=list)


def read(path: str | Path, name: str | None = None) -> list[CorefDocument]:
    """Every document of a CorefUD CoNLL-U file; :class:`InputError` naming file, line and field when it is malformed.
    Warnings (a ``# text`` that differs from the tokens) are attached to nothing: use :func:`parse` to see them."""
    docs, problems = read_with_problems(path, name)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise InputError(errors)
    return docs


def read_with_problems(path: str | Path, name: str | None = None) -> tuple[list[CorefDocument], list[Problem]]:
    name = name or str(path)
    text, problems = read_text(path, name)
    if text is None:
        return [], problems
    docs, more = parse(text, name)
    return docs, problems + more


def parse(conllu: str, name: str = "(input)") -> tuple[list[CorefDocument], list[Problem]]:
    """The documents of a CorefUD CoNLL-U text, and every problem found (errors and warnings)."""
    reader = _Reader(name)
    for number, line in enumerate(conllu.split("\n"), 1):
        reader.line(number, line.rstrip("\r"))
    reader.end_sentence()
    reader.end_document()
    return reader.documents, reader.problems


class _Reader:
    """The walk over the lines: comments set state, token lines fill a sentence, a blank line ends it."""

    def __init__(self, name: str):
        self.name = name
        self.fields: tuple[str, ...] = DEFAULT_FIELDS
        self.doc: _Doc | None = None
        self.documents: list[CorefDocument] = []
        self.problems: list[Problem] = []
        self.rows: list[tuple[int, list[str]]] = []
        self.new_par: tuple[str, int] | None = None
        self.sent_text: str | None = None
        self.seen_blocks = False

    def error(self, line: int, where: str, message: str, rule: str, severity: str = "error") -> None:
        self.problems.append(Problem(self.name, line, where, message, rule, severity))

    def line(self, number: int, line: str) -> None:
        if not line.strip():
            self.end_sentence()
        elif line.startswith("#"):
            self.comment(number, line[1:].strip())
        else:
            cols = line.split("\t")
            if len(cols) != 10:
                self.error(number, "", f"expected 10 tab-separated columns, found {len(cols)}", "conllu-columns")
            else:
                self.rows.append((number, cols))

    def comment(self, number: int, body: str) -> None:
        key, _, value = (part.strip() for part in body.partition("="))
        if key == "newdoc" or key.startswith("newdoc "):
            self.end_sentence()
            self.end_document()
            doc_id = value or (key.split(None, 1)[1] if " " in key else f"doc{len(self.documents) + 1}")
            self.doc = _Doc(doc_id, number, self.fields)
            self.new_par = ("", number)
        elif key == "global.Entity":
            self.fields = tuple(value.split("-"))
            if self.doc is not None:
                self.doc.fields = self.fields
        elif key == "newpar" or key.startswith("newpar "):
            self.new_par = ("", number)
        elif key == "newpar_block":
            self.seen_blocks = True
            self.new_par = (_block_name(value), number)
        elif key == "text":
            self.sent_text = value
        elif key.startswith("meta::"):
            self._need_doc(number).meta.append((key[6:], value))
        elif key not in CARRIED_COMMENTS:
            self._need_doc(number).ignored[f"comment '{key}'"] += 1

    def _need_doc(self, number: int) -> _Doc:
        if self.doc is None:
            self.doc = _Doc(f"doc{len(self.documents) + 1}", number, self.fields)
        return self.doc

    def end_sentence(self) -> None:
        if not self.rows:
            return
        doc = self._need_doc(self.rows[0][0])
        _Sentence(self, doc).read(self.rows, self.new_par, self.sent_text)
        self.rows, self.new_par, self.sent_text = [], None, None

    def end_document(self) -> None:
        if self.doc is not None and self.doc.parts:
            self.documents.append(_finish(self, self.doc))
        self.doc = None


def _block_name(value: str) -> str:
    """``figure rend:::"…" (2 s) | caption (2 s)`` -> ``caption``: the innermost block's name."""
    inner = value.split("|")[-1].strip()
    return inner.split()[0] if inner else ""


def _spacing(misc: dict[str, str]) -> str:
    """What follows a token: ``SpacesAfter`` unescaped, nothing for ``SpaceAfter=No``, else one space."""
    if "SpacesAfter" in misc:
        raw, out, i = misc["SpacesAfter"], [], 0
        while i < len(raw):
            if raw[i] == "\\" and i + 1 < len(raw):
                out.append(_ESCAPES.get(raw[i + 1], raw[i + 1]))
                i += 2
            else:
                out.append(raw[i])
                i += 1
        return "".join(out)
    return "" if misc.get("SpaceAfter") == "No" else " "


def _misc(col: str) -> dict[str, str]:
    if col == "_":
        return {}
    return dict(item.partition("=")[::2] for item in col.split("|"))


class _Sentence:
    """One sentence: its tokens appended to the document text, its brackets and XML tags applied."""

    def __init__(self, reader: _Reader, doc: _Doc):
        self.reader, self.doc = reader, doc

    def read(self, rows: list[tuple[int, list[str]]], new_par: tuple[str, int] | None, sent_text: str | None) -> None:
        doc = self.doc
        if doc.parts:
            doc.parts.append("\n" if new_par is not None else doc.pending_sep)
            doc.length += len(doc.parts[-1])
        if new_par is not None or not doc.paragraphs:
            block, line = new_par or ("", rows[0][0])
            doc.paragraphs.append((doc.length, line, block, rows[0][0]))
        start = doc.length
        mwt_end, mwt_span = -1, (0, 0)
        for number, cols in rows:
            tid, misc = cols[0], _misc(cols[9])
            for key in misc:
                if key not in CARRIED_MISC:
                    doc.ignored[f"MISC {key}"] += 1
            if "." in tid:
                doc.ignored["empty node"] += 1
                continue
            if "-" in tid:
                first, _, last = tid.partition("-")
                if not (first.isdigit() and last.isdigit()):
                    self.reader.error(number, "ID", f"not a word or multiword-token id: {tid!r}", "conllu-id")
                    continue
                mwt_end, mwt_span = int(last), self._emit(cols[1], misc)
                continue
            if not tid.isdigit():
                self.reader.error(number, "ID", f"not a word id: {tid!r}", "conllu-id")
                continue
            span = mwt_span if int(tid) <= mwt_end else self._emit(cols[1], misc)
            doc.words.append(Word(span[0], span[1], cols[1], cols[3], cols[4]))
            _apply_entity(self.reader, doc, misc.get("Entity"), span, number)
            _apply_xml(self.reader, doc, misc.get("XML"), span, number)
        if doc.parts and doc.parts[-1] == doc.pending_sep and doc.length > start:
            doc.parts.pop()
            doc.length -= len(doc.pending_sep)
        self._check_text(start, sent_text, rows[0][0])

    def _emit(self, form: str, misc: dict[str, str]) -> tuple[int, int]:
        doc = self.doc
        start = doc.length
        doc.parts.append(form)
        doc.pending_sep = _spacing(misc)
        doc.parts.append(doc.pending_sep)
        doc.length += len(form) + len(doc.pending_sep)
        return start, start + len(form)

    def _check_text(self, start: int, sent_text: str | None, line: int) -> None:
        if sent_text is None:
            return
        built = "".join(self.doc.parts)[start:]
        if built != sent_text and built.replace("\n", " ") != sent_text:
            self.reader.error(line, "# text", f"the tokens give {built[:60]!r}, the comment says {sent_text[:60]!r}; "
                              "the text is rebuilt from the tokens", "conllu-text", "warning")


def _brackets(value: str) -> list[tuple[str, str, bool]]:
    """``(1-event-x(2-abstract-y)`` + ``1)`` -> [("open", "1-event-x", False), ("open", "2-abstract-y", True), ...]."""
    out: list[tuple[str, str, bool]] = []
    i = 0
    while i < len(value):
        if value[i] == "(":
            j = i + 1
            while j < len(value) and value[j] not in "()":
                j += 1
            closed = j < len(value) and value[j] == ")"
            out.append(("open", value[i + 1:j], closed))
            i = j + 1 if closed else j
        else:
            j = value.find(")", i)
            if j < 0:
                out.append(("bad", value[i:], False))
                break
            out.append(("close", value[i:j], True))
            i = j + 1
    return out


def _apply_entity(reader: _Reader, doc: _Doc, value: str | None, span: tuple[int, int], line: int) -> None:
    if not value:
        return
    for kind, body, closed in _brackets(value):
        if kind == "bad":
            reader.error(line, "MISC/Entity", f"cannot read {body!r} in Entity={value}: a bracket is missing", "entity-syntax")
        elif kind == "open":
            values = [unquote(v) if "%" in v else v for v in body.split("-")]
            names = doc.fields
            if len(values) > len(names):
                values = values[:len(names) - 1] + ["-".join(values[len(names) - 1:])]
            attrs = dict(zip(names, values, strict=False))
            eid = attrs.pop(names[0], "")
            doc.open.setdefault(eid, []).append((span[0], line, attrs))
            if closed:
                _close(reader, doc, eid, span, line)
        else:
            _close(reader, doc, body, span, line)


def _close(reader: _Reader, doc: _Doc, eid: str, span: tuple[int, int], line: int) -> None:
    stack = doc.open.get(eid)
    if not stack:
        reader.error(line, "MISC/Entity", f"mention of entity {eid!r} closed but never opened", "entity-brackets")
        return
    start, open_line, attrs = stack.pop()
    m = _PART.match(eid)
    base, part, of = (m.group("eid"), m.group("n"), m.group("of")) if m else (eid, None, None)
    frags = doc.parts_of.setdefault(base, []) if part else []
    frags.append((start, span[1]))
    if part and part != of:
        return
    doc.parts_of.pop(base, None)
    etype = attrs.pop("etype", None)
    doc.mentions.append(Mention(frags[0][0], frags[-1][1], "", base, etype or None, tuple(sorted(attrs.items())),
                                open_line, tuple(frags)))


def _apply_xml(reader: _Reader, doc: _Doc, value: str | None, span: tuple[int, int], line: int) -> None:
    """GUM's ``XML=`` tags: an opening tag starts at this word, a closing tag ends after it."""
    if not value:
        return
    for m in _TAG.finditer(value):
        closing, name, attrs, empty = m.group(1), m.group(2), m.group(3).strip(), m.group(4)
        if empty:
            doc.ignored[f"XML <{name}/>"] += 1
        elif not closing:
            doc.xml_open.append((name, span[0], line, attrs))
            if name == "date":
                doc.dates.append(span[0])
        else:
            for k in range(len(doc.xml_open) - 1, -1, -1):
                if doc.xml_open[k][0] == name:
                    _, start, oline, oattrs = doc.xml_open.pop(k)
                    doc.xml.append(Span(start, span[1], name, oline, oattrs))
                    break
            else:
                reader.error(line, "MISC/XML", f"</{name}> closes no open <{name}>", "xml-tags")


def _finish(reader: _Reader, doc: _Doc) -> CorefDocument:
    """Texts of the mentions, zones from the paragraphs, and the brackets left open reported."""
    text = "".join(doc.parts)
    if doc.parts and doc.parts[-1] == doc.pending_sep:
        text = text[: len(text) - len(doc.pending_sep)]
    for eid, stack in doc.open.items():
        for _, line, _ in stack:
            reader.error(line, "MISC/Entity", f"mention of entity {eid!r} opened but never closed in document {doc.doc_id}",
                         "entity-brackets")
    for name, _, line, _ in doc.xml_open:
        reader.error(line, "MISC/XML", f"<{name}> never closed in document {doc.doc_id}", "xml-tags")
    mentions = sorted((_with_text(m, text) for m in doc.mentions), key=lambda m: (m.start, -m.end, m.line))
    return CorefDocument(doc.doc_id, reader.name, doc.line, text, tuple(mentions), tuple(_zones(doc, text, reader)),
                         tuple(sorted(doc.xml, key=lambda s: (s.start, -s.end))), tuple(doc.meta),
                         tuple(sorted(doc.ignored.items())), tuple(doc.words))


def _with_text(m: Mention, text: str) -> Mention:
    return Mention(m.start, m.end, text[m.start:m.end], m.entity, m.etype, m.attrs, m.line, m.fragments)


def _zones(doc: _Doc, text: str, reader: _Reader) -> list[Span]:
    """One zone per paragraph (see the module docstring), adjacent zones of one type merged; they tile the text."""
    out: list[Span] = []
    starts = [p[0] for p in doc.paragraphs] + [len(text)]
    for i, (start, line, block, _) in enumerate(doc.paragraphs):
        end = starts[i + 1]
        if i == 0 and block == "head":
            kind = "headline"
        elif i == 1 and out and out[0].kind == "headline" and any(start <= d < end for d in doc.dates):
            kind = "timestamp"
        elif block == "caption":
            kind = "caption"
        else:
            kind = "body"
        if out and out[-1].kind == kind and kind != "headline":
            out[-1] = Span(out[-1].start, end, kind, out[-1].line)
        else:
            out.append(Span(start, end, kind, line))
    return out
