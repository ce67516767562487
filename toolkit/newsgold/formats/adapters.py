"""Other tools' outputs as NewsGold predictions (the entity layer): ``newsgold convert`` and ``score --from``.

:func:`convert` reads one file (or a brat folder) in one of :data:`FORMATS` and returns
``(records, problems)``: one predictions record per document, ``{"doc_id", "entities":
[{"start", "end", "label", "text", "score"?}]}``, with offsets in Unicode code points of the
gold text and ``text == gold_text[start:end]`` for every span, and every problem found as a
:class:`~newsgold.diagnostics.Problem` (file, line where the format has lines, field).
Nothing is dropped silently: a span that cannot be placed, a label outside the inventory,
a token that is not in the text is an error naming where it is.

Formats
-------
``transformers``  Hugging Face token-classification pipeline output saved as JSON:
    ``{doc_id: [ {...}, ... ]}`` (or a bare list with ``--doc-id``; JSONL lines
    ``{"doc_id", "entities": [...]}``). Aggregated items (``entity_group``, ``score``,
    ``word``, ``start``, ``end``) are spans; token items (``entity`` B-/I-/E-/S- or plain tags,
    ``index``, ``word``) are merged: a token continues the open entity when it is adjacent
    (``index`` + 1, or only whitespace between) and has the same type with an ``I-``/``E-``/plain
    tag, or is a ``##``/non-``▁``/non-``Ġ`` sub-word of the same word (a ``B-`` on a sub-word does not
    split a word). Offsets come from ``start``/``end`` only, never from ``word``; an entity's
    score is the mean of its tokens'. Leading/trailing whitespace inside offsets is trimmed.
``spacy``  ``Doc.to_json()`` output (an object, a list, ``{doc_id: doc}`` or JSONL); ``ents``,
    else every group of ``spans``; doc id from ``doc_id``, ``user_data.doc_id``, ``_.doc_id``
    or ``meta.doc_id``, ``--doc-id``, or the text. spaCy offsets are code points.
``spacy-docbin``  a ``DocBin`` ``.spacy`` file (needs spaCy); doc id from ``user_data``.
``stanza``  ``Document.to_dict()`` (sentences of token dicts with ``start_char``/``end_char``
    — or the old ``misc`` ``start_char=..|end_char=..`` — and BIOES ``ner``), or ``doc.ents``
    as ``Span.to_dict()`` (``text``, ``type``, ``start_char``, ``end_char``).
``flair``  ``Sentence.to_dict(tag_type="ner")`` per sentence (``{"text", "entities"|"ner":
    [{"text", "start_pos", "end_pos", "labels": [{"value", "confidence"}]}]}``). Offsets are
    sentence-relative: each sentence is found in the document text from the end of the
    previous one (exactly, then ignoring whitespace differences, then by a character diff)
    and its spans are shifted.
``conll-iob1|iob2|iobes|bilou|io``  token-per-line text (token first column, tag last
    column, TAB or spaces), blank line between sentences, ``-DOCSTART-`` and/or
    ``# doc_id = ID`` (also ``# newdoc id = ID``) between documents. Tokens are aligned to the
    gold text one after the other, skipping whitespace (PTB escapes ``-LRB-`` ``````... and
    typographic/ASCII quote differences are tolerated); a token that is not where it should
    be is an error with its line, the token and the offset where it was expected.
``brat``  standoff ``.ann`` (file or folder): ``T``/``R``/``A``/``M``/``E``/``N``/``#``/``*`` lines.
    The document is ``--doc-id``, the file stem, or the sibling ``.txt``. Offsets refer to
    the sibling ``.txt`` when there is one, else to the gold text.
``labelstudio``  Label Studio JSON export (tasks with ``data.text`` and ``annotations`` /
    ``predictions``; JSON-MIN too). Uses the first annotation that was not cancelled, else
    the first prediction.
``doccano``  JSONL export, sequence labelling (``label``/``labels``: ``[[start, end, "LABEL"]]``)
    or relation layout (``entities`` with ``start_offset``/``end_offset``, ``relations``).
``gliner``  ``{doc_id: [{"start", "end", "text", "label", "score"}]}`` or JSONL
    ``{"doc_id", "entities": [...]}``.

Decisions
---------
* Discontinuous brat entities (``T1 LABEL 0 5;10 15``) become ONE span, the hull from the first
  fragment's start to the last fragment's end, with a ``discontinuous`` warning naming the
  fragments: a mention is scored as one mention (splitting it would count one prediction as
  several spurious ones), and the predictions format has contiguous spans only. The
  fragments are checked against the T line's text first. :func:`read_brat` keeps the
  fragments for importers.
* UTF-16: JavaScript front ends (Label Studio in the browser, old doccano) count UTF-16 code
  units, so offsets after a character outside the BMP (emoji, flags) are too large. Only when
  the text has such characters: a span whose own text (``value.text``, the brat or GLiNER
  text) matches the UTF-16 reading and not the code-point one is converted; for spans without
  text (doccano), the reading under which more spans fall inside the text on word
  boundaries without edge whitespace wins (a tie keeps code points). One ``utf16`` warning
  per document gives the count. :func:`utf16_to_codepoints` does the conversion.
* A tool's own copy of the text that differs from the gold text is aligned (a substring of it,
  then whitespace-insensitive, then a character diff) and every span is checked by its
  text; a span that is not where the alignment puts it is searched near there (warning) or
  reported as an error with the file, line and field. Trailing whitespace (a text file's
  last newline) does not count as a difference.
* A document is named by the input (``doc_id`` fields, ``# doc_id =`` lines, a brat file stem),
  by ``--doc-id`` (single-document inputs only; it wins over the input, with a warning), by
  its text (exact, or as a piece of one gold document), or by its content at its offsets
  (token texts, span texts, ``word`` fields). Separate pieces of one document (e.g. one
  annotation task per paragraph) merge into one record; two inputs covering the same
  stretch of a document are an error.
* Spans are trimmed of whitespace at their edges (one ``span-trim`` warning per document).
* Labels: with a label map, mapped labels are used, labels mapped to ``null`` are dropped
  (the scorer drops them too, and ``score --label-map`` maps again harmlessly) and the map's
  target labels pass; without one the inventory is the OntoNotes labels. Any other label is
  an error at the line and field of the label.
* Problems of one kind are listed up to 25 per file; one more line counts the rest.
"""
from __future__ import annotations

import bisect
import difflib
import json
import math
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from newsgold.dataset.gold import Gold, load_gold
from newsgold.scoring.predictions import load_label_map
from newsgold.core.diagnostics import Problem
from newsgold.core.jsonio import iter_jsonl, line_for, locate_lines, read_json, read_text
from newsgold.core.schema import ENTITY_LABELS

CONLL_SCHEMES = ("iob1", "iob2", "iobes", "bilou", "io")
FORMATS = ("transformers", "spacy", "spacy-docbin", "stanza", "flair", *(f"conll-{s}" for s in CONLL_SCHEMES),
           "brat", "labelstudio", "doccano", "gliner")

MAX_SAME_PROBLEMS = 25      # per file, rule and severity; then one summary line
TOKEN_LOOKAHEAD = 60        # characters searched ahead for a token that is not where expected


# ================================================================ UTF-16

def utf16_to_codepoints(text: str, offset: int) -> int:
    """The code-point offset in ``text`` of a UTF-16 code-unit ``offset`` (as JavaScript counts).

    Raises ValueError when the offset falls inside a surrogate pair or past the end.
    """
    if offset < 0:
        raise ValueError(f"negative offset {offset}")
    units = 0
    for i, ch in enumerate(text):
        if units == offset:
            return i
        units += 2 if ord(ch) > 0xFFFF else 1
        if units > offset:
            raise ValueError(f"UTF-16 offset {offset} falls inside the surrogate pair of {ch!r} at code point {i}")
    if units == offset:
        return len(text)
    raise ValueError(f"UTF-16 offset {offset} is past the end of the text ({units} code units)")


def codepoints_to_utf16(text: str, offset: int) -> int:
    """The UTF-16 code-unit offset of code-point ``offset`` in ``text`` (the inverse)."""
    return offset + sum(1 for ch in text[:offset] if ord(ch) > 0xFFFF)


def _has_astral(text: str) -> bool:
    return any(ord(ch) > 0xFFFF for ch in text)


# ================================================================ small text helpers

_CANON = str.maketrans({"‘": "'", "’": "'", "‚": "'", "‛": "'", "′": "'", "`": "'", "´": "'",
                        "“": '"', "”": '"', "„": '"', "‟": '"', "″": '"', "«": '"', "»": '"',
                        "–": "-", "—": "-", "‐": "-", "‑": "-", "−": "-"})
_PTB = {"-LRB-": "(", "-RRB-": ")", "-LSB-": "[", "-RSB-": "]", "-LCB-": "{", "-RCB-": "}",
        "``": '"', "''": '"'}
_WS = re.compile(r"\s+")


def _canon(s: str) -> str:
    """Quotes and dashes to ASCII, one character for one: keeps lengths."""
    return s.translate(_CANON)


def _norm(s: str) -> str:
    return _WS.sub(" ", _canon(s)).strip()


def _same_text(a: str, b: str) -> bool:
    return a == b or _norm(a) == _norm(b)


def _loose(s: str) -> str:
    """For comparing a transformers ``word`` with the text: no sub-word marks, case, accents or spaces."""
    s = s.replace("##", "").replace("▁", "").replace("Ġ", "").replace("Ċ", "")
    s = unicodedata.normalize("NFKD", _canon(s).lower())
    return "".join(ch for ch in s if not ch.isspace() and not unicodedata.combining(ch))


def _short(s: str, n: int = 40) -> str:
    return s if len(s) <= n else s[: n - 1] + "…"


def _search_near(text: str, needle: str, near: int) -> tuple[int, int] | None:
    """The occurrence of ``needle`` in ``text`` closest to ``near`` (exact, then ignoring
    whitespace and quote differences)."""
    if not needle or not needle.strip():
        return None
    hits = []
    i = text.find(needle)
    while i >= 0:
        hits.append((i, i + len(needle)))
        i = text.find(needle, i + 1)
    if not hits:
        parts = [re.escape(_canon(p)) for p in needle.split()]
        if not parts:
            return None
        pat = re.compile(r"\s+".join(parts))
        hits = [(m.start(), m.end()) for m in pat.finditer(_canon(text))]
    if not hits:
        return None

    def whole(h):   # not the inside of a longer word ("Israel" in "Israeli")
        a, b = h
        return (a == 0 or not (text[a - 1].isalnum() and text[a].isalnum())) and \
               (b == len(text) or not (text[b - 1].isalnum() and text[b].isalnum()))
    hits = [h for h in hits if whole(h)] or hits
    return min(hits, key=lambda h: (abs(h[0] - near), h[0]))


def _is_int(v) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _as_score(v) -> float | None:
    if isinstance(v, bool) or v is None:
        return None
    if isinstance(v, str):
        try:
            v = float(v)
        except ValueError:
            return None
    if isinstance(v, (int, float)) and math.isfinite(v):
        return float(v)
    return None


def _jp(*parts) -> str:
    return "/".join(str(p) for p in parts if p != "" and p is not None)


# ================================================================ aligning a tool's text with the gold text

class _TextMap:
    """Offsets in a tool's copy of a text (``src``) → offsets in the gold text (``dst``)."""

    def __init__(self, kind: str, *, shift: int = 0, src_pos=None, dst_pos=None, rank: int = 0,
                 char_map=None, end: int = 0):
        self.kind = kind
        self.shift = shift
        self.src_pos = src_pos
        self.dst_pos = dst_pos
        self.rank = rank
        self.char_map = char_map
        self.end = end            # where the matched region ends in dst

    @classmethod
    def build(cls, src: str, dst: str, start: int = 0, fuzzy: bool = True) -> "_TextMap | None":
        if start == 0 and (src == dst or (src.startswith(dst) and not src[len(dst):].strip())):
            return cls("same", end=len(dst))   # equal, or only trailing whitespace more (a text file's last newline)
        k = dst.find(src, start)
        if k >= 0 and src:
            return cls("shift", shift=k, end=k + len(src))
        src_pos = [i for i, c in enumerate(src) if not c.isspace()]
        dst_pos = [i for i, c in enumerate(dst) if not c.isspace()]
        if not src_pos:
            return None
        src_nw = _canon("".join(src[i] for i in src_pos))
        dst_nw = _canon("".join(dst[i] for i in dst_pos))
        r0 = bisect.bisect_left(dst_pos, start)
        r = dst_nw.find(src_nw, r0)
        if r >= 0:
            return cls("nonspace", src_pos=src_pos, dst_pos=dst_pos, rank=r, end=dst_pos[r + len(src_nw) - 1] + 1)
        if not fuzzy:
            return None
        window_end = min(len(dst), start + 2 * len(src) + 200)
        window = dst[start:window_end]
        sm = difflib.SequenceMatcher(None, _canon(src), _canon(window), autojunk=False)
        char_map: list[int | None] = [None] * len(src)
        matched = 0
        last = None
        for a, b, n in sm.get_matching_blocks():
            for j in range(n):
                char_map[a + j] = start + b + j
                if not src[a + j].isspace():
                    matched += 1
            if n:
                last = start + b + n
        if last is None or matched < 0.8 * len(src_pos):
            return None
        return cls("fuzzy", char_map=char_map, end=last)

    def span(self, s: int, e: int) -> tuple[int, int] | None:
        if self.kind == "same":
            return s, e
        if self.kind == "shift":
            return s + self.shift, e + self.shift
        if self.kind == "nonspace":
            r1 = bisect.bisect_left(self.src_pos, s)
            r2 = bisect.bisect_left(self.src_pos, e) - 1
            if r1 > r2:
                return None
            return self.dst_pos[r1 + self.rank], self.dst_pos[r2 + self.rank] + 1
        mapped = [self.char_map[i] for i in range(s, min(e, len(self.char_map))) if self.char_map[i] is not None]
        if not mapped:
            return None
        return mapped[0], mapped[-1] + 1


def _match_text(text: str, gold: Gold) -> tuple[str | None, str]:
    """The gold document whose text is ``text`` (or contains it); ``(id, '')`` or ``(None, why)``."""
    for did, d in gold.docs.items():
        if d["text"] == text or (text.startswith(d["text"]) and not text[len(d["text"]):].strip()):
            return did, ""
    subs = [did for did, d in gold.docs.items() if text and text in d["text"]]
    if len(subs) == 1:
        return subs[0], ""
    if len(subs) > 1:
        return None, f"the text occurs in {len(subs)} gold documents ({', '.join(subs[:3])})"
    t_nw = _canon("".join(text.split()))
    if t_nw:
        nws = [did for did, d in gold.docs.items() if t_nw in _canon("".join(d["text"].split()))]
        if len(nws) == 1:
            return nws[0], ""
        if len(nws) > 1:
            return None, f"the text occurs in {len(nws)} gold documents ({', '.join(nws[:3])})"
    best, best_ratio = None, 0.0
    for did, d in gold.docs.items():
        sm = difflib.SequenceMatcher(None, text, d["text"], autojunk=False)
        if sm.real_quick_ratio() < 0.8 or sm.quick_ratio() < 0.8:
            continue
        r = sm.ratio()
        if r > best_ratio:
            best, best_ratio = did, r
    if best is not None and best_ratio >= 0.9:
        return best, ""
    return None, "its text matches no gold document"


# ================================================================ internal representation

@dataclass
class _Span:
    start: int
    end: int
    label: str
    line: int
    field: str
    score: float | None = None
    text: str | None = None       # the tool's text of the span, when it gives one
    placed: bool = False          # already in gold coordinates and checked (token formats)
    label_field: str | None = None  # where the label is, when not field + the document's label_where
    label_line: int | None = None   # the label's line, when not the span's
    frags: tuple | None = None    # brat: (fragments, text) of a discontinuous entity


@dataclass
class _Doc:
    file: str
    line: int
    field: str
    doc_id: str | None = None     # as declared in the input
    id_weak: bool = False         # e.g. a file stem: fall back to the content when unknown
    text: str | None = None       # the tool's own copy of the text (offsets refer to it)
    units: str = "cp"             # "cp", or "auto": detect UTF-16 code units
    spans: list = field(default_factory=list)
    fit: Callable[[str], float] | None = None         # how well the content fits a gold text (0..1)
    place: Callable[[str, list], list] | None = None  # spans in gold coordinates for a gold text
    label_where: str = "label"


class _Report:
    """Problems, at most MAX_SAME_PROBLEMS of a kind per file; the rest counted in one line."""

    def __init__(self):
        self.items: list[Problem] = []
        self.counts: Counter = Counter()

    def add(self, p: Problem) -> None:
        key = (p.file, p.rule, p.severity)
        self.counts[key] += 1
        if self.counts[key] <= MAX_SAME_PROBLEMS:
            self.items.append(p)

    def extend(self, ps: Iterable[Problem]) -> None:
        for p in ps:
            self.add(p)

    def close(self) -> list[Problem]:
        out = list(self.items)
        for (file, rule, sev), n in self.counts.items():
            if n > MAX_SAME_PROBLEMS:
                out.append(Problem(file, 0, "", f"{n - MAX_SAME_PROBLEMS} more problem(s) of this kind not shown", rule, sev))
        return out


class _Labels:
    """The label policy: a label map (mapped, null → dropped, target labels pass) or the OntoNotes inventory."""

    def __init__(self, label_map):
        mapping = load_label_map(str(label_map)) if isinstance(label_map, (str, Path)) else label_map
        self.mapping = mapping
        if mapping is None:
            self.inventory = set(ENTITY_LABELS)
            self.name = None
        else:
            self.inventory = {v for v in mapping["map"].values() if v} | set(mapping.get("target_labels") or [])
            self.name = mapping.get("name") or "custom"

    def apply(self, label) -> tuple[str | None, str | None]:
        """``(label or None when mapped to null, error message or None)``."""
        if not isinstance(label, str) or not label:
            return None, f"missing or empty label {label!r}"
        if self.mapping is not None and label in self.mapping["map"]:
            return self.mapping["map"][label], None
        if label in self.inventory:
            return label, None
        inv = ", ".join(sorted(self.inventory))
        hint = ""
        close = [x for x in self.inventory if x.lower() == label.lower()]
        if close:
            hint = f"; did you mean {close[0]!r}?"
        elif self.mapping is None:
            hint = "; pass --label-map (e.g. ontonotes_to_conll2003 for PER/ORG/LOC/MISC, or your own map file)"
        where = f"the label map {self.name!r}" if self.mapping is not None else "the OntoNotes inventory"
        return None, f"label {label!r} is not in {where} ({inv}){hint}"


# ================================================================ the entry point

def convert(fmt: str, path, gold: Gold | None = None, label_map=None, doc_id: str | None = None
            ) -> tuple[list[dict], list[Problem]]:
    """Another tool's output as NewsGold predictions records, with every problem found.

    ``gold`` is a :class:`~newsgold.corpus.Gold` (or a path for :func:`load_gold`; None: the
    shipped gold); ``label_map`` a name, path or loaded map; ``doc_id`` the document of a
    single-document input that carries no id.
    """
    if fmt == "strings":  # string-only (LLM) output, aligned by its own rule: newsgold.formats.strings
        from newsgold.formats.strings import read as read_strings
        return read_strings(path, gold, label_map=label_map, doc_id=doc_id)
    name = str(path)
    report = _Report()
    reader = _READERS.get(fmt)
    if reader is None:
        return [], [Problem(name, 0, "", f"unknown input format {fmt!r}; choose one of: {', '.join(FORMATS)}", "format")]
    gold = gold if isinstance(gold, Gold) else load_gold(gold)
    labels = _Labels(label_map)
    p = Path(path)
    if not p.exists():
        return [], [Problem(name, 0, "", "cannot open: No such file or directory", "file")]
    docs = reader(p, name, report)
    if doc_id is not None and len(docs) > 1:
        report.add(Problem(name, 0, "", f"--doc-id names one document but the input has {len(docs)}; "
                           "give each document its id in the input instead", "doc-id"))
        return [], report.close()
    records: dict[str, dict] = {}
    seen: dict[str, list[tuple[int, int, _Doc]]] = {}
    for d in docs:
        did = _identify(d, gold, doc_id, report)
        if did is None:
            continue
        ents, region = _place(d, did, gold.docs[did]["text"], labels, report)
        clash = [(a, b, first) for a, b, first in seen.get(did, []) if a < region[1] and region[0] < b]
        if clash:
            a, b, first = clash[0]
            report.add(Problem(d.file, d.line, d.field or "doc_id",
                               f"second input for document {did!r} covering {region[0]}:{region[1]} of its text, which the input at "
                               f"{first.file}:{first.line} already covers ({a}:{b}); one prediction per document", "unique-id"))
            continue
        seen.setdefault(did, []).append((region[0], region[1], d))
        if did in records:   # another, separate piece of the same document (e.g. one task per paragraph)
            records[did]["entities"] = sorted(records[did]["entities"] + ents, key=lambda x: (x["start"], x["end"], x["label"]))
        else:
            records[did] = {"doc_id": did, "entities": ents}
    return list(records.values()), report.close()


def _identify(d: _Doc, gold: Gold, cli_id: str | None, report: _Report) -> str | None:
    def known(did: str, how: str) -> str | None:
        if did in gold.docs:
            return did
        ids = list(gold.docs)
        report.add(Problem(d.file, d.line, d.field if how == "input" else "doc_id",
                           f"unknown document id {did!r} ({'from --doc-id' if how == 'cli' else 'in the input'}); the gold has "
                           f"{len(ids)} document(s) ({', '.join(ids[:3])}{', …' if len(ids) > 3 else ''})", "ref-document"))
        return None

    if cli_id is not None:
        if d.doc_id is not None and d.doc_id != cli_id and not d.id_weak:
            report.add(Problem(d.file, d.line, d.field, f"the input names document {d.doc_id!r}; --doc-id {cli_id!r} is used",
                               "doc-id", "warning"))
        return known(cli_id, "cli")
    if d.doc_id is not None and (d.doc_id in gold.docs or not d.id_weak):
        return known(d.doc_id, "input")
    if d.text is not None:
        did, why = _match_text(d.text, gold)
        if did is not None:
            return did
        report.add(Problem(d.file, d.line, d.field, f"cannot tell which gold document this is: {why}; "
                           "pass --doc-id or give a doc_id", "doc-id"))
        return None
    if d.fit is not None:
        scores = sorted(((d.fit(g["text"]), did) for did, g in gold.docs.items()), reverse=True)
        if scores and scores[0][0] >= 0.5 and (len(scores) == 1 or scores[1][0] < scores[0][0]):
            return scores[0][1]
        why = ("it fits several gold documents equally" if len(scores) > 1 and scores[0][0] >= 0.5 and scores[1][0] == scores[0][0]
               else "its content fits no gold document text")
        report.add(Problem(d.file, d.line, d.field, f"cannot tell which gold document this is: {why}; "
                           "pass --doc-id or give a doc_id", "doc-id"))
        return None
    report.add(Problem(d.file, d.line, d.field, "no document id and no text to recognise the document by; pass --doc-id",
                       "doc-id"))
    return None


def _guess_units(ref: str, spans: list[tuple[int, int]]) -> str:
    """'cp' or 'utf16' for offsets that come without their text (doccano)."""
    if not spans or not _has_astral(ref):
        return "cp"

    def score(pairs) -> int:
        n = 0
        for s, e in pairs:
            if not 0 <= s < e <= len(ref):
                n -= 5
                continue
            seg = ref[s:e]
            ok_s = s == 0 or not (ref[s - 1].isalnum() and ref[s].isalnum())
            ok_e = e == len(ref) or not (ref[e - 1].isalnum() and ref[e].isalnum())
            n += int(ok_s and ok_e and seg == seg.strip())
        return n

    conv = []
    for s, e in spans:
        try:
            conv.append((utf16_to_codepoints(ref, s), utf16_to_codepoints(ref, e)))
        except ValueError:
            return "cp"
    return "utf16" if score(conv) > score(spans) else "cp"


def _fix_offsets(ref: str, s, e, text: str | None, units: str, guess: str) -> tuple[int, int, str] | tuple[None, None, str]:
    """Offsets in ``ref`` as code points: ``(start, end, how)``; how is cp, utf16 or search, or
    ``(None, None, reason)``."""
    if not _is_int(s) or not _is_int(e):
        return None, None, f"offsets must be integers, got {s!r} and {e!r}"
    astral = units == "auto" and _has_astral(ref)
    if text is None:
        if astral and guess == "utf16":
            try:
                return utf16_to_codepoints(ref, s), utf16_to_codepoints(ref, e), "utf16"
            except ValueError as exc:
                return None, None, str(exc)
        if not 0 <= s < e <= len(ref):
            return None, None, (f"offsets {s}:{e} outside the text (length {len(ref)})" if s < e
                                else f"empty or reversed span {s}:{e}")
        return s, e, "cp"
    if 0 <= s < e <= len(ref) and _same_text(ref[s:e], text):
        return s, e, "cp"
    if astral:
        try:
            cs, ce = utf16_to_codepoints(ref, s), utf16_to_codepoints(ref, e)
            if cs < ce and _same_text(ref[cs:ce], text):
                return cs, ce, "utf16"
        except ValueError:
            pass
    hit = _search_near(ref, text, s if _is_int(s) else 0)
    if hit:
        return hit[0], hit[1], "search"
    reads = repr(ref[s:e]) if 0 <= s < e <= len(ref) else f"out of range (text length {len(ref)})"
    return None, None, f"span text {_short(text)!r} does not match the text at {s}:{e} ({reads}) and is not found in it"


def _place(d: _Doc, did: str, gtext: str, labels: _Labels, report: _Report) -> tuple[list[dict], tuple[int, int]]:
    """The document's spans as predictions entities in the gold text of ``did``, and the
    stretch of the gold text the input covers."""
    if d.place is not None:
        probs: list[Problem] = []
        spans = d.place(gtext, probs)
        report.extend(probs)
    else:
        spans = d.spans
    ref = d.text if d.text is not None else gtext
    tmap = None
    unaligned = False      # the tool's text could not be aligned as a whole: spans are searched by their text
    if d.text is not None and d.text != gtext:
        tmap = _TextMap.build(d.text, gtext)
        if tmap is not None and tmap.kind == "same":
            tmap = None
        elif tmap is None:
            unaligned = True
            report.add(Problem(d.file, d.line, d.field, f"the tool's text differs from the gold text of {did!r} and cannot be aligned "
                               "as a whole; each span is looked for by its text", "text-align", "warning"))
        elif tmap.kind != "shift":
            report.add(Problem(d.file, d.line, d.field, f"the tool's text differs from the gold text of {did!r} "
                               f"({'whitespace only' if tmap.kind == 'nonspace' else 'characters changed'}); spans are aligned "
                               "and checked by their text", "text-align", "warning"))
    region = (0, len(gtext))
    if tmap is not None and tmap.kind == "shift":
        region = (tmap.shift, tmap.end)
    elif tmap is not None and tmap.kind == "nonspace":
        region = (tmap.dst_pos[tmap.rank], tmap.end)
    elif tmap is not None and tmap.kind == "fuzzy":
        region = (min(x for x in tmap.char_map if x is not None), tmap.end)
    guess = _guess_units(ref, [(sp.start, sp.end) for sp in spans if sp.text is None and _is_int(sp.start) and _is_int(sp.end)]) \
        if d.units == "auto" else "cp"
    n_utf16 = n_trim = 0
    out = []
    for sp in spans:
        if sp.placed:
            gs, ge = sp.start, sp.end
        else:
            s, e, how = _fix_offsets(ref, sp.start, sp.end, sp.text, d.units, guess)
            if s is None:
                report.add(Problem(d.file, sp.line, sp.field, how, "span-align"))
                continue
            if how == "utf16":
                n_utf16 += 1
            elif how == "search":
                report.add(Problem(d.file, sp.line, sp.field, f"span {sp.start}:{sp.end} {_short(sp.text or '')!r} is not at its "
                                   f"offsets; found at {s}:{e} by its text", "span-align", "warning"))
            src_text = ref[s:e]
            if unaligned:
                hit = _search_near(gtext, src_text, s)
                if hit is None:
                    report.add(Problem(d.file, sp.line, sp.field, f"span {_short(src_text)!r} ({s}:{e} in the tool's text) is not "
                                       f"in the gold text of {did!r}", "span-align"))
                    continue
                gs, ge = hit
            elif tmap is not None:
                m = tmap.span(s, e)
                if m is not None and _same_text(gtext[m[0]:m[1]], src_text):
                    gs, ge = m
                else:
                    hit = _search_near(gtext, src_text, m[0] if m else s)
                    if hit is None:
                        report.add(Problem(d.file, sp.line, sp.field, f"span {_short(src_text)!r} ({s}:{e} in the tool's text) cannot "
                                           f"be aligned with the gold text of {did!r}"
                                           + (f", which reads {_short(gtext[m[0]:m[1]])!r} there" if m else ""), "span-align"))
                        continue
                    report.add(Problem(d.file, sp.line, sp.field, f"span {_short(src_text)!r} aligned by its text at {hit[0]}:{hit[1]} "
                                       "of the gold text (the text alignment disagreed)", "span-align", "warning"))
                    gs, ge = hit
            else:
                gs, ge = s, e
        # trim whitespace the tool included at the edges
        s0, e0 = gs, ge
        while gs < ge and gtext[gs].isspace():
            gs += 1
        while ge > gs and gtext[ge - 1].isspace():
            ge -= 1
        if gs >= ge:
            report.add(Problem(d.file, sp.line, sp.field, f"span {s0}:{e0} covers only whitespace", "span-align"))
            continue
        n_trim += (gs, ge) != (s0, e0)
        lab, err = labels.apply(sp.label)
        if err:
            lfield = sp.label_field if sp.label_field is not None else _jp(sp.field, d.label_where)
            report.add(Problem(d.file, sp.label_line if sp.label_line is not None else sp.line, lfield, err, "label-inventory"))
            continue
        if lab is None:
            continue
        ent = {"start": gs, "end": ge, "label": lab, "text": gtext[gs:ge]}
        if sp.score is not None:
            ent["score"] = sp.score
        out.append(ent)
    if n_utf16:
        report.add(Problem(d.file, d.line, d.field, f"{n_utf16} span(s) had offsets in UTF-16 code units (as JavaScript counts); "
                           "converted to code points", "utf16", "warning"))
    if n_trim:
        report.add(Problem(d.file, d.line, d.field, f"{n_trim} span(s) included leading or trailing whitespace; trimmed",
                           "span-trim", "warning"))
    out.sort(key=lambda x: (x["start"], x["end"], x["label"]))
    return out, region


# ================================================================ reading JSON inputs

@dataclass
class _Unit:
    value: object
    lf: Callable[[tuple], int]
    jsonl: bool


def _load(path: Path, name: str, report: _Report, *, jsonl: bool | None = None) -> list[_Unit]:
    """A JSON file as one unit (with lines of every path), or JSON Lines as one unit per line."""
    if jsonl is None:
        jsonl = path.suffix.lower() in (".jsonl", ".ndjson")
    if not jsonl:
        data, text, probs = read_json(path, allow_crlf=True)
        if data is None and any("Extra data" in p.message for p in probs):
            return _load(path, name, report, jsonl=True)
        report.extend(probs)
        if data is None:
            return []
        lines = locate_lines(text)
        return [_Unit(data, lambda p, _l=lines: line_for(_l, p), False)]
    units = []
    for lineno, rec, probs in iter_jsonl(path):
        report.extend(probs)
        if rec is not None:
            units.append(_Unit(rec, lambda p, n=lineno: n, True))
    return units


_ID_KEYS = ("doc_id", "docid", "document_id", "doc")
_ID_HOLDERS = ("meta", "metadata", "user_data", "_", "data")


def _declared_id(obj) -> tuple[str | None, tuple]:
    """A document id carried by a record, and its path."""
    if not isinstance(obj, dict):
        return None, ()
    for k in _ID_KEYS:
        if isinstance(obj.get(k), str) and obj[k]:
            return obj[k], (k,)
    for h in _ID_HOLDERS:
        sub = obj.get(h)
        if isinstance(sub, dict):
            for k in _ID_KEYS:
                if isinstance(sub.get(k), str) and sub[k]:
                    return sub[k], (h, k)
    return None, ()


def _keyed(value, looks_like: Callable[[object], bool]) -> list[tuple[str | None, tuple, object]]:
    """Split an input value into documents: ``[(doc_id or None, path, doc_value)]``.

    A value that ``looks_like`` one document is one; a dict of them is keyed by doc id; a list
    of them is several documents.
    """
    if looks_like(value):
        return [(None, (), value)]
    if isinstance(value, dict) and value and all(looks_like(v) for v in value.values()):
        return [(k, (k,), v) for k, v in value.items()]
    if isinstance(value, list) and value and all(looks_like(v) for v in value):
        return [(None, (i,), v) for i, v in enumerate(value)]
    return []


# ================================================================ transformers

def _tf_items(v) -> bool:
    return isinstance(v, list) and all(isinstance(x, dict) and ("entity" in x or "entity_group" in x) for x in v)


def _read_transformers(path: Path, name: str, report: _Report) -> list[_Doc]:
    docs = []
    for u in _load(path, name, report):
        v = u.value
        if isinstance(v, dict) and isinstance(v.get("entities", v.get("predictions")), list) and not _tf_items(v):
            key = "entities" if "entities" in v else "predictions"
            did, _ = _declared_id(v)
            parts = [(did, (key,), v[key])]
        elif isinstance(v, list) and v and all(isinstance(x, list) for x in v):
            report.add(Problem(name, u.lf(()), "", "a list of lists (a batched pipeline call) carries no document ids; save "
                               "{doc_id: pipeline_output, ...} instead", "format"))
            continue
        else:
            parts = _keyed(v, _tf_items)
            if not parts:
                report.add(Problem(name, u.lf(()), "", "expected the token-classification pipeline output: {doc_id: [ {entity_group | "
                                   "entity, score, word, start, end}, ... ]}", "format"))
                continue
        for did, base, items in parts:
            d = _Doc(name, u.lf(base), _jp(*base), doc_id=did)
            _tf_spans(d, items, base, u.lf, report)
            docs.append(d)
    return docs


def _tf_split(tag: str) -> tuple[str, str]:
    m = re.match(r"^([BIESLU])[-_](.+)$", tag)
    return (m.group(1), m.group(2)) if m else ("", tag)


def _tf_spans(d: _Doc, items: list, base: tuple, lf, report: _Report) -> None:
    agg = [("entity_group" in x) for x in items]
    if any(agg) and not all(agg):
        report.add(Problem(d.file, lf(base), d.field, "mixes aggregated (entity_group) and token (entity) items", "format"))
        return
    bad = False
    for i, x in enumerate(items):
        if not _is_int(x.get("start")) or not _is_int(x.get("end")):
            report.add(Problem(d.file, lf(base + (i,)), _jp(d.field, i, "start"),
                               "no start/end offsets (the pipeline gives them only with a fast tokenizer): cannot place this item",
                               "span-align"))
            bad = True
    if bad:
        return
    words = [(x["start"], x["end"], x.get("word")) for x in items if isinstance(x.get("word"), str)]
    d.fit = lambda gtext, w=words: _tf_fit(w, gtext)
    d.label_where = "entity_group" if all(agg) and items else "entity"
    if all(agg):
        for i, x in enumerate(items):
            d.spans.append(_Span(x["start"], x["end"], x.get("entity_group"), lf(base + (i,)), _jp(d.field, i), _as_score(x.get("score")),
                                 label_line=lf(base + (i, "entity_group"))))
        d.place = lambda gtext, probs, dd=d, w=words: _tf_check_words(dd, w, gtext, probs) or dd.spans
        return
    sentencepiece = any(isinstance(x.get("word"), str) and x["word"][:1] in ("▁", "Ġ") for x in items)
    groups: list[dict] = []
    cur = None
    prev = None
    order = sorted(range(len(items)), key=lambda i: (items[i]["start"], items[i]["end"]))
    for i in order:
        x = items[i]
        tag = x.get("entity")
        if not isinstance(tag, str) or not tag:
            report.add(Problem(d.file, lf(base + (i,)), _jp(d.field, i, "entity"), f"missing or empty tag {tag!r}", "format"))
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
        elif _is_int(x.get("index")) and _is_int(prev.get("index")):
            adjacent = x["index"] == prev["index"] + 1
        else:
            adjacent = True   # no index: checked on the gold text when placed (only whitespace between)
        subword = prev is not None and x["start"] == prev["end"] and (
            word.startswith("##") or (sentencepiece and word[:1] not in ("▁", "Ġ")))
        if cur is not None and adjacent and cur["label"] == lab and (bi in ("I", "E", "L", "") or (bi == "B" and subword)):
            cur["toks"].append((x["start"], x["end"], _as_score(x.get("score"))))
        else:
            cur = {"label": lab, "i": i, "toks": [(x["start"], x["end"], _as_score(x.get("score")))]}
            groups.append(cur)
        if bi in ("E", "L", "S", "U"):
            cur = None
        prev = x
    d.place = lambda gtext, probs, dd=d, gs=groups, b=base, w=words: (_tf_check_words(dd, w, gtext, probs)
                                                                     or _tf_place(dd, gs, gtext, lf, b))


def _tf_check_words(d: _Doc, words: list, gtext: str, probs: list) -> None:
    """Warn when the ``word`` fields disagree with the gold text at the offsets (offsets of another text?)."""
    bad = [(s, e, w) for s, e, w in words if not _word_fits(s, e, w, gtext)]
    if bad and len(bad) > len(words) // 5:
        s, e, w = bad[0]
        probs.append(Problem(d.file, d.line, d.field, f"the 'word' of {len(bad)} of {len(words)} items does not match the gold text "
                             f"at its offsets (first: {w!r} at {s}:{e}, the text reads {gtext[s:e]!r}); were the offsets computed on "
                             "another text (a sentence, a truncated copy)?", "span-align", "warning"))

def _tf_place(d: _Doc, groups: list[dict], gtext: str, lf, base: tuple) -> list[_Span]:
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
            out.append(_Span(toks[0][0], max(e for _, e, _ in toks), g["label"], lf(base + (g["i"],)), _jp(d.field, g["i"]),
                             sum(scores) / len(scores) if scores else None, label_line=lf(base + (g["i"], "entity"))))
    return out


def _word_fits(s: int, e: int, word: str, gtext: str) -> bool:
    """A ``word`` (sub-word marks, case, accents and spaces aside) is what the gold text has at its offsets."""
    lw = _loose(word)
    if not lw or "[unk]" in lw or "<unk>" in lw:
        return True
    if not 0 <= s < e <= len(gtext):
        return False
    lg = _loose(gtext[s:e])
    return bool(lg) and (lg == lw or lw in lg or lg in lw)


def _tf_fit(words: list, gtext: str) -> float:
    if not words:
        return 0.0
    return sum(_word_fits(s, e, w, gtext) for s, e, w in words) / len(words)


# ================================================================ spaCy

def _spacy_doc(v) -> bool:
    return isinstance(v, dict) and isinstance(v.get("text"), str) and ("ents" in v or "spans" in v or "tokens" in v)


def _read_spacy(path: Path, name: str, report: _Report) -> list[_Doc]:
    docs = []
    for u in _load(path, name, report):
        parts = _keyed(u.value, _spacy_doc)
        if not parts:
            report.add(Problem(name, u.lf(()), "", "expected spaCy Doc.to_json() output: {\"text\", \"ents\": [{start, end, "
                               "label}], ...} (one, a list, or {doc_id: doc})", "format"))
            continue
        for key_id, base, v in parts:
            did, idpath = _declared_id(v)
            did = did or key_id
            d = _Doc(name, u.lf(base), _jp(*base), doc_id=did, text=v["text"])
            if isinstance(v.get("ents"), list):
                groups = [("ents", v["ents"])]
            elif isinstance(v.get("spans"), dict) and v["spans"]:
                groups = [(("spans", k), g) for k, g in v["spans"].items() if isinstance(g, list)]
                report.add(Problem(name, u.lf(base + ("spans",)), _jp(*base, "spans"),
                                   f"no 'ents': using the span group(s) {', '.join(sorted(v['spans']))}", "spacy-spans", "warning"))
            else:
                groups = []
            seen = set()
            for key, items in groups:
                kp = key if isinstance(key, tuple) else (key,)
                for i, e in enumerate(items):
                    p = base + kp + (i,)
                    if not isinstance(e, dict):
                        report.add(Problem(name, u.lf(p), _jp(*p), "expected {start, end, label}", "format"))
                        continue
                    k = (e.get("start"), e.get("end"), e.get("label"))
                    if k in seen:
                        continue
                    seen.add(k)
                    s, en = e.get("start"), e.get("end")
                    txt = v["text"][s:en] if _is_int(s) and _is_int(en) else None
                    d.spans.append(_Span(s, en, e.get("label"), u.lf(p), _jp(*p), _as_score(e.get("score")), txt,
                                         label_line=u.lf(p + ("label",))))
            docs.append(d)
    return docs


def _read_spacy_docbin(path: Path, name: str, report: _Report) -> list[_Doc]:
    try:
        from spacy.tokens import DocBin
        from spacy.vocab import Vocab
    except ImportError:
        report.add(Problem(name, 0, "", "spaCy is not installed: pip install spacy", "dependency"))
        return []
    try:
        db = DocBin().from_bytes(path.read_bytes())
        sdocs = list(db.get_docs(Vocab()))
    except Exception as exc:  # noqa: BLE001 - any decoding failure is a problem of the file
        report.add(Problem(name, 0, "", f"not a spaCy DocBin: {type(exc).__name__}: {exc}", "format"))
        return []
    docs = []
    for i, sdoc in enumerate(sdocs):
        did = None
        ud = sdoc.user_data or {}
        for k, v in ud.items():
            key = k[1] if isinstance(k, tuple) and len(k) > 1 else k
            if key in _ID_KEYS and isinstance(v, str):
                did = v
                break
        d = _Doc(name, 0, f"docs/{i}", doc_id=did, text=sdoc.text)
        if sdoc.has_annotation("ENT_IOB"):
            groups = [("ents", list(sdoc.ents))]
        else:
            groups = [(f"spans/{k}", list(g)) for k, g in sdoc.spans.items()]
            if groups:
                report.add(Problem(name, 0, d.field, f"no entities: using the span group(s) {', '.join(sorted(sdoc.spans))}",
                                   "spacy-spans", "warning"))
        seen = set()
        for key, spans in groups:
            for j, s in enumerate(spans):
                k = (s.start_char, s.end_char, s.label_)
                if k in seen:
                    continue
                seen.add(k)
                d.spans.append(_Span(s.start_char, s.end_char, s.label_, 0, f"docs/{i}/{key}/{j}", None, s.text))
        docs.append(d)
    return docs


# ================================================================ stanza

def _stanza_sentences(v) -> bool:
    return isinstance(v, list) and bool(v) and all(isinstance(s, list) and all(isinstance(t, dict) for t in s) for s in v)


def _stanza_ents(v) -> bool:
    return isinstance(v, list) and all(isinstance(e, dict) and "start_char" in e and ("type" in e or "label" in e) for e in v)


def _stanza_doc(v) -> bool:
    return _stanza_sentences(v) or (isinstance(v, dict) and (
        _stanza_sentences(v.get("sentences")) or _stanza_ents(v.get("ents")) or _stanza_ents(v.get("entities"))))


def _stanza_offsets(tok: dict) -> tuple[int | None, int | None]:
    s, e = tok.get("start_char"), tok.get("end_char")
    if _is_int(s) and _is_int(e):
        return s, e
    misc = tok.get("misc")
    if isinstance(misc, str):
        kv = dict(p.split("=", 1) for p in misc.split("|") if "=" in p)
        try:
            return int(kv["start_char"]), int(kv["end_char"])
        except (KeyError, ValueError):
            pass
    return None, None


def _read_stanza(path: Path, name: str, report: _Report) -> list[_Doc]:
    docs = []
    for u in _load(path, name, report):
        parts = _keyed(u.value, _stanza_doc)
        if not parts:
            report.add(Problem(name, u.lf(()), "", "expected stanza Document.to_dict() (a list of sentences of token dicts), "
                               "{\"sentences\": ...} or {\"ents\": [Span.to_dict()]} (one, a list, or {doc_id: doc})", "format"))
            continue
        for key_id, base, v in parts:
            did, _ = _declared_id(v)
            d = _Doc(name, u.lf(base), _jp(*base), doc_id=did or key_id)
            if isinstance(v, dict) and isinstance(v.get("text"), str):
                d.text = v["text"]
            ents_key = None
            if isinstance(v, dict):
                ents_key = "ents" if _stanza_ents(v.get("ents")) else "entities" if _stanza_ents(v.get("entities")) else None
            if ents_key:
                checks = []
                for i, e in enumerate(v[ents_key]):
                    p = base + (ents_key, i)
                    d.spans.append(_Span(e.get("start_char"), e.get("end_char"), e.get("type", e.get("label")), u.lf(p), _jp(*p),
                                         _as_score(e.get("score")), e.get("text") if isinstance(e.get("text"), str) else None,
                                         label_line=u.lf(p + ("type" if "type" in e else "label",))))
                    checks.append((e.get("start_char"), e.get("end_char"), e.get("text")))
                d.label_where = "type"
                if d.text is None:
                    d.fit = lambda g, c=checks: _offsets_fit(c, g)
            else:
                sents = v if isinstance(v, list) else v["sentences"]
                sbase = base if isinstance(v, list) else base + ("sentences",)
                _stanza_tokens(d, sents, sbase, u.lf, report)
            docs.append(d)
    return docs


def _offsets_fit(checks: list, gtext: str) -> float:
    checks = [c for c in checks if _is_int(c[0]) and _is_int(c[1]) and isinstance(c[2], str)]
    if not checks:
        return 0.0
    return sum(1 for s, e, t in checks if 0 <= s < e <= len(gtext) and _same_text(gtext[s:e], t)) / len(checks)


def _stanza_tokens(d: _Doc, sents: list, base: tuple, lf, report: _Report) -> None:
    checks = []
    d.label_where = "ner"
    any_ner = False
    for si, sent in enumerate(sents):
        units = []   # (line, field, start, end, text, tag)
        for ti, tok in enumerate(sent):
            if "ner" not in tok:
                continue   # a word inside a multi-word token: the token carries the tag
            any_ner = True
            p = base + (si, ti)
            s, e = _stanza_offsets(tok)
            if s is None:
                report.add(Problem(d.file, lf(p), _jp(*p), "token without start_char/end_char: cannot place it", "span-align"))
                units.append(None)
                continue
            units.append((lf(p), _jp(*p), s, e, tok.get("text"), tok.get("ner"), lf(p + ("ner",))))
            if isinstance(tok.get("text"), str):
                checks.append((s, e, tok["text"]))
        for a, b, lab, bad in _decode_tags([(u[5] if u else "O") for u in units], "iobes"):
            if bad:
                continue
            first, last = units[a], units[b - 1]
            if first is None or last is None:
                continue
            d.spans.append(_Span(first[2], last[3], lab, first[0], first[1], label_line=first[6]))
        for k, msg, sev in _tag_issues([(u[5] if u else "O") for u in units], "iobes"):
            if units[k]:
                report.add(Problem(d.file, units[k][6], _jp(units[k][1], "ner"), msg, "tag-scheme", sev))
    if not any_ner and sents:
        report.add(Problem(d.file, lf(base), d.field, "no token has a 'ner' tag (was the ner processor run?)", "format", "warning"))
    if d.text is None:
        d.fit = lambda g, c=checks: _offsets_fit(c, g)

        def place(gtext, probs, dd=d, c=checks):
            bad = [(s, e, t) for s, e, t in c if not (0 <= s < e <= len(gtext) and _same_text(gtext[s:e], t))]
            if bad:
                s, e, t = bad[0]
                probs.append(Problem(dd.file, dd.line, dd.field, f"{len(bad)} token(s) do not match the gold text at their offsets "
                                     f"(first: {t!r} at {s}:{e}, the text reads {gtext[s:e]!r}); were the offsets computed on "
                                     "another text?", "span-align"))
            return dd.spans
        d.place = place


# ================================================================ flair

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
        best = None
        for lab in labels:
            if isinstance(lab, dict):
                val, conf = lab.get("value"), _as_score(lab.get("confidence", lab.get("score")))
            else:
                val, conf = lab, None
            if best is None or (conf is not None and (best[1] is None or conf > best[1])):
                best = (val, conf)
        return best
    if "type" in ent:
        return ent.get("type"), _as_score(ent.get("confidence"))
    return ent.get("value"), _as_score(ent.get("confidence"))


def _read_flair(path: Path, name: str, report: _Report) -> list[_Doc]:
    docs = []
    for u in _load(path, name, report):
        v = u.value
        if _flair_sentence(v):
            parts = [(None, (), [v])]
        else:
            parts = _keyed(v, _flair_doc)
        if not parts:
            report.add(Problem(name, u.lf(()), "", "expected flair Sentence.to_dict(tag_type='ner') output: a list of "
                               "{\"text\", \"entities\": [{text, start_pos, end_pos, labels}]} per document, or {doc_id: [...]}",
                               "format"))
            continue
        for key_id, base, v in parts:
            sents = v if isinstance(v, list) else v["sentences"]
            sbase = base if isinstance(v, list) else base + ("sentences",)
            did, _ = _declared_id(v) if isinstance(v, dict) else (None, ())
            d = _Doc(name, u.lf(base), _jp(*base), doc_id=did or key_id)
            d.label_where = "labels"
            items = []
            for si, sent in enumerate(sents):
                key, ents = _flair_entities(sent)
                spans = []
                for ei, ent in enumerate(ents):
                    p = sbase + (si, key, ei)
                    lab, conf = _flair_label(ent) if isinstance(ent, dict) else (None, None)
                    s, e = (ent.get("start_pos"), ent.get("end_pos")) if isinstance(ent, dict) else (None, None)
                    if not _is_int(s) or not _is_int(e):
                        report.add(Problem(name, u.lf(p), _jp(*p), "entity without integer start_pos/end_pos", "format"))
                        continue
                    txt = ent.get("text") if isinstance(ent.get("text"), str) else None
                    spans.append(_Span(s, e, lab, u.lf(p), _jp(*p), conf, txt, label_line=u.lf(p + ("labels",))))
                items.append((u.lf(sbase + (si, "text")), _jp(*sbase, si), sent["text"], spans))
            d.fit = lambda g, it=items: _flair_fit(it, g)
            d.place = lambda g, probs, dd=d, it=items: _flair_place(dd, it, g, probs)
            docs.append(d)
    return docs


def _flair_locate(items: list, gtext: str):
    cursor = 0
    for line, fld, stext, spans in items:
        m = _TextMap.build(stext, gtext, cursor) if stext.strip() else None
        yield line, fld, stext, spans, m
        if m is not None:
            cursor = m.end


def _flair_fit(items: list, gtext: str) -> float:
    if not items:
        return 0.0
    return sum(m is not None for *_, m in _flair_locate(items, gtext)) / len(items)


def _flair_place(d: _Doc, items: list, gtext: str, probs: list) -> list[_Span]:
    out = []
    for line, fld, stext, spans, m in _flair_locate(items, gtext):
        if m is None:
            if stext.strip():
                probs.append(Problem(d.file, line, _jp(fld, "text"), f"sentence {_short(stext, 60)!r} is not found in the document "
                                     f"text after the previous sentence; its {len(spans)} entity(ies) cannot be placed",
                                     "sentence-align", "error" if spans else "warning"))
            continue
        for sp in spans:
            if not 0 <= sp.start < sp.end <= len(stext):
                probs.append(Problem(d.file, sp.line, sp.field, f"offsets {sp.start}:{sp.end} outside the sentence "
                                     f"(length {len(stext)})", "span-align"))
                continue
            src = stext[sp.start:sp.end]
            if sp.text is not None and _canon("".join(src.split())) != _canon("".join(sp.text.split())):
                probs.append(Problem(d.file, sp.line, sp.field, f"entity text {sp.text!r} does not match the sentence at "
                                     f"{sp.start}:{sp.end} ({src!r})", "span-align"))
                continue
            g = m.span(sp.start, sp.end)
            if g is None or not _same_text(gtext[g[0]:g[1]], src):
                hit = _search_near(gtext, src, g[0] if g else 0)
                if hit is None:
                    probs.append(Problem(d.file, sp.line, sp.field, f"entity {src!r} cannot be aligned with the document text",
                                         "span-align"))
                    continue
                g = hit
            out.append(_Span(g[0], g[1], sp.label, sp.line, sp.field, sp.score, placed=True, label_line=sp.label_line))
    return out


# ================================================================ CoNLL token-per-line

_DOCSTART = re.compile(r"^-DOCSTART-(\s|$)")
_DOCID = re.compile(r"^#\s*(?:newdoc\s+id|newdoc|doc_id|doc-id|docid|document_id|document)\s*[=:]\s*(\S+)\s*$", re.I)
_TAG = re.compile(r"^(?:O|[BIESLU]-\S+)$")
_SCHEME_PREFIXES = {"iob1": {"B", "I"}, "iob2": {"B", "I"}, "iobes": {"B", "I", "E", "S"},
                    "bilou": {"B", "I", "L", "U"}, "io": {"I", ""}}
_SCHEME_NAMES = {"iob1": "IOB1", "iob2": "IOB2", "iobes": "IOBES", "bilou": "BILOU", "io": "IO"}


def _split_tag(tag: str) -> tuple[str, str | None]:
    if tag == "O":
        return "O", None
    m = re.match(r"^([BIESLU])-(.+)$", tag)
    if m:
        return m.group(1), m.group(2)
    return "", tag


def _decode_tags(tags: list[str], scheme: str) -> list[tuple[int, int, str, bool]]:
    """Spans ``(first, end, label, bad)`` over token indices; ``bad`` when a tag is outside the scheme.

    Lenient like conlleval: an inside or end tag that does not continue an entity of its type
    starts one; an entity left open ends at the next O, begin or other-type tag.
    """
    allowed = _SCHEME_PREFIXES[scheme]
    end_tag = {"iobes": "E", "bilou": "L"}.get(scheme)
    single = {"iobes": "S", "bilou": "U"}.get(scheme)
    spans: list[list] = []
    cur = None
    for i, tag in enumerate(tags):
        p, lab = _split_tag(tag if isinstance(tag, str) else "O")
        if p == "O":
            cur = None
            continue
        bad = p not in allowed
        cont = cur is not None and cur[2] == lab
        if scheme == "io":
            if cont and p != "B":
                cur[1] = i + 1
                cur[3] = cur[3] or bad
            else:
                cur = [i, i + 1, lab, bad]
                spans.append(cur)
        elif p == single:
            spans.append([i, i + 1, lab, bad])
            cur = None
        elif p == "B":
            cur = [i, i + 1, lab, bad]
            spans.append(cur)
        elif p == end_tag:
            if cont:
                cur[1] = i + 1
            else:
                spans.append([i, i + 1, lab, bad])
            cur = None
        else:   # I, or a prefix outside the scheme read as I (reported by _tag_issues)
            if cont:
                cur[1] = i + 1
                cur[3] = cur[3] or bad
            else:
                cur = [i, i + 1, lab, bad]
                spans.append(cur)
    return [tuple(x) for x in spans]


def _tag_issues(tags: list[str], scheme: str) -> list[tuple[int, str, str]]:
    """``(token index, message, severity)`` for tags outside the scheme (error) or invalid sequences (warning)."""
    out = []
    allowed = _SCHEME_PREFIXES[scheme]
    sname = _SCHEME_NAMES[scheme]
    prev_p, prev_lab = "O", None
    end_tag = {"iobes": "E", "bilou": "L"}.get(scheme)
    for i, tag in enumerate(tags):
        p, lab = _split_tag(tag if isinstance(tag, str) else "O")
        open_ = prev_p not in ("O",) and prev_p not in ({"iobes": ("E", "S"), "bilou": ("L", "U")}.get(scheme, ()))
        if p != "O" and p not in allowed:
            if p == "":
                hint = "; is the file IO (plain labels)? use --from conll-io"
                msg = f"tag {tag!r} has no B-/I- prefix, which {sname} requires{hint}"
            else:
                other = "conll-iobes" if p in ("E", "S") else "conll-bilou" if p in ("L", "U") else "conll-iob2"
                msg = f"tag {tag!r} is not a {sname} tag (allowed prefixes: {', '.join(sorted(x for x in allowed if x) or ['I'])}); " \
                      f"is the file in another scheme? try --from {other}"
            out.append((i, msg, "error"))
        elif scheme == "iob2" and p == "I" and not (open_ and prev_lab == lab):
            out.append((i, f"tag {tag!r} does not continue a {lab} entity (IOB2 starts entities with B-); read as a start", "warning"))
        elif scheme == "iob1" and p == "B" and not (open_ and prev_lab == lab):
            out.append((i, f"tag {tag!r} does not follow a {lab} entity (IOB1 uses B- only between two adjacent entities of the "
                        "same type); read as a start — is the file IOB2?", "warning"))
        elif scheme in ("iobes", "bilou"):
            begin_ok = p in ("I", end_tag) and not (open_ and prev_lab == lab)
            if begin_ok:
                out.append((i, f"tag {tag!r} does not continue a {lab} entity; read as a start", "warning"))
            if open_ and (p in ("O", "B", {"iobes": "S", "bilou": "U"}[scheme]) or (p in ("I", end_tag) and prev_lab != lab)):
                out.append((i - 1, f"the {prev_lab} entity is not closed with {end_tag}- before this token", "warning"))
        prev_p, prev_lab = p, lab
    if scheme in ("iobes", "bilou") and tags:
        p, lab = _split_tag(tags[-1] if isinstance(tags[-1], str) else "O")
        if p in ("B", "I"):
            out.append((len(tags) - 1, f"the {lab} entity is not closed with {end_tag}- at the end of the sentence", "warning"))
    return out


@dataclass
class _ConllTok:
    line: int
    token: str
    tag: str


def _tag_like(s: str) -> bool:
    return bool(_TAG.match(s)) or bool(re.match(r"^[A-Z][A-Z0-9_]*(?:-[A-Z0-9_]+)*$", s))


def _parse_conll(text: str, name: str, report: _Report) -> list[dict]:
    """Documents ``{"id", "line", "sents": [[_ConllTok]]}``.

    ``-DOCSTART-`` starts a document; ``# doc_id = X`` names the current one if it has no
    tokens and no name yet, else starts a new one. Other ``# ...`` lines are comments.
    """
    docs: list[dict] = []
    cur = {"id": None, "line": 1, "sents": []}
    sent: list[_ConllTok] = []

    def flush():
        nonlocal sent
        if sent:
            cur["sents"].append(sent)
            sent = []

    def close():
        flush()
        if cur["sents"] or cur["id"] is not None:
            docs.append(cur)

    for n, raw in enumerate(text.split("\n"), 1):
        line = raw.rstrip("\r")
        stripped = line.strip()
        if not stripped:
            flush()
            continue
        if _DOCSTART.match(stripped):
            close()
            cur = {"id": None, "line": n, "sents": []}
            continue
        m = _DOCID.match(stripped)
        if m:
            flush()
            if not cur["sents"] and cur["id"] is None:
                cur["id"] = m.group(1)
                cur["line"] = n
            else:
                close()
                cur = {"id": m.group(1), "line": n, "sents": []}
            continue
        cols = [c.strip() for c in line.split("\t")] if "\t" in line else line.split()
        cols = [c for c in cols if c != ""] if "\t" not in line else cols
        if stripped.startswith("#") and cols and cols[0] == "#" and ("=" in cols or len(cols) < 2 or not _tag_like(cols[-1])):
            continue   # a comment: "# text = ...", "# sent_id = ...", "# anything"
        if len(cols) < 2 or not cols[0]:
            report.add(Problem(name, n, "tag", f"expected 'TOKEN TAG' (token first, tag last), got {_short(line)!r}", "conll-line"))
            continue
        sent.append(_ConllTok(n, cols[0], cols[-1]))
    close()
    return docs


def _match_token(tok: str, text: str, p: int) -> int | None:
    """End of ``tok`` if it is at ``p`` in ``text`` (PTB escapes and quote forms tolerated)."""
    if text.startswith(tok, p):
        return p + len(tok)
    t = _PTB.get(tok, tok)
    seg = text[p:p + len(t)]
    if len(seg) == len(t) and _canon(seg) == _canon(t):
        return p + len(t)
    if any(c.isspace() for c in tok):
        q = p
        for part in tok.split():
            while q < len(text) and text[q].isspace():
                q += 1
            r = _match_token(part, text, q)
            if r is None:
                return None
            q = r
        return q
    return None


def _align_tokens(toks: list[_ConllTok], text: str, *, stop_early: bool = False
                  ) -> tuple[list[tuple[int, int] | None], list[tuple[str, _ConllTok | None, str, int]]]:
    """Character offsets of each token in ``text``, one after the other; and the issues found
    (``(severity, token, message, position)``)."""
    pos = 0
    out: list[tuple[int, int] | None] = []
    issues = []
    prev_missing = False
    n = len(text)
    for t in toks:
        p = pos
        while p < n and text[p].isspace():
            p += 1
        end = _match_token(t.token, text, p) if p < n else None
        if end is not None:
            out.append((p, end))
            pos = end
            prev_missing = False
            continue
        found = None
        for q in range(p + 1, min(n, p + TOKEN_LOOKAHEAD)):
            # re-anchor only where a token can start: not inside a word
            if not text[q].isspace() and not (text[q - 1].isalnum() and text[q].isalnum()):
                e2 = _match_token(t.token, text, q)
                if e2 is not None:
                    found = (q, e2)
                    break
        if found is not None:
            if not prev_missing:
                issues.append(("warning", t, f"the gold text {_short(text[p:found[0]])!r} at {p}:{found[0]} has no token "
                               f"(before token {t.token!r}); skipped", p))
            out.append(found)
            pos = found[1]
            prev_missing = False
            continue
        issues.append(("error", t, f"token {t.token!r} is not in the text where expected, at offset {p} "
                       f"(the text there reads {_short(text[p:p + 20], 24)!r})" if p < n else
                       f"token {t.token!r} is past the end of the text (length {n})", p))
        out.append(None)
        prev_missing = True
        if stop_early:
            return out, issues
    rest = text[pos:]
    if rest.strip():
        issues.append(("warning", None, f"the tokens end at offset {pos}; the remaining {len(rest.strip())} non-blank characters "
                       f"of the text ({_short(rest.strip())!r}) have no tokens (was the output truncated?)", pos))
    return out, issues


def _conll_reader(scheme: str):
    def read(path: Path, name: str, report: _Report) -> list[_Doc]:
        text, problems = read_text(path, name)
        for p in problems:
            report.add(p)
        if text is None:
            return []
        docs = []
        for cd in _parse_conll(text, name, report):
            toks = [t for s in cd["sents"] for t in s]
            d = _Doc(name, cd["line"], "doc_id" if cd["id"] else "", doc_id=cd["id"])
            d.label_where = ""
            spans = []   # (first, end) over toks, label
            k = 0
            for s in cd["sents"]:
                tags = [t.tag for t in s]
                for i, msg, sev in _tag_issues(tags, scheme):
                    report.add(Problem(name, s[i].line, "tag", msg, "tag-scheme", sev))
                for a, b, lab, bad in _decode_tags(tags, scheme):
                    if not bad:
                        spans.append((k + a, k + b, lab))
                k += len(s)
            d.fit = lambda g, tk=toks: _conll_fit(tk, g)
            d.place = lambda g, probs, dd=d, tk=toks, sp=spans: _conll_place(dd, tk, sp, g, probs)
            docs.append(d)
        if not docs:
            report.add(Problem(name, 0, "", "no tokens found", "empty"))
        return docs
    return read


def _conll_fit(toks: list[_ConllTok], gtext: str) -> float:
    if not toks:
        return 0.0
    pos, issues = _align_tokens(toks, gtext, stop_early=True)
    if any(sev == "error" for sev, *_ in issues):
        # content that goes wrong early can still be the right document: count what aligned fully
        pos, _ = _align_tokens(toks, gtext)
        return 0.99 * sum(p is not None for p in pos) / len(toks)
    return 1.0


def _conll_place(d: _Doc, toks: list[_ConllTok], spans: list, gtext: str, probs: list) -> list[_Span]:
    pos, issues = _align_tokens(toks, gtext)
    for sev, t, msg, _p in issues:
        probs.append(Problem(d.file, t.line if t else 0, "token" if t else "", msg, "token-align", sev))
    out = []
    for a, b, lab in spans:
        first, last = pos[a], pos[b - 1]
        if first is None or last is None:
            bad = toks[a] if first is None else toks[b - 1]
            probs.append(Problem(d.file, toks[a].line, "tag", f"{lab} entity on lines {toks[a].line}-{toks[b - 1].line} cannot be "
                                 f"placed: its token {bad.token!r} (line {bad.line}) is not in the text", "token-align"))
            continue
        out.append(_Span(first[0], last[1], lab, toks[a].line, "tag", placed=True))
    return out


# ================================================================ brat standoff

_BRAT_ID = re.compile(r"^([TRAMENX#*])(\S*)$")


def read_brat(ann_text: str, source: str = "<ann>") -> dict:
    """Parse a brat standoff ``.ann`` text (no document text needed).

    Returns ``{"entities": [{"id", "label", "fragments": [(start, end), ...], "text", "line"}],
    "relations": [{"id", "type", "arg1", "arg2", "args", "line"}], "attributes": [{"id", "type",
    "target", "value", "line"}], "events", "normalizations", "notes", "equivs", "problems"}``.
    Offsets are as written (brat counts code points of its ``.txt``); fragments are kept as
    they are; a discontinuous entity has several. Problems name the line.
    """
    out = {"entities": [], "relations": [], "attributes": [], "events": [], "normalizations": [], "notes": [],
           "equivs": [], "problems": []}
    probs = out["problems"]
    ids: dict[str, int] = {}
    refs: list[tuple[int, str, str]] = []   # (line, field, id) to check after reading
    for n, raw in enumerate(ann_text.split("\n"), 1):
        line = raw.rstrip("\r")
        if not line.strip():
            continue
        cols = line.split("\t")
        head = cols[0].strip()
        m = _BRAT_ID.match(head)
        if not m:
            probs.append(Problem(source, n, "", f"unrecognised line {_short(line)!r} (brat lines start with T, R, A, M, E, N, # or *)",
                                 "brat-line"))
            continue
        kind = m.group(1)
        if kind != "*" and kind != "#":
            if head in ids:
                probs.append(Problem(source, n, "id", f"second annotation with id {head!r} (first on line {ids[head]})", "unique-id"))
                continue
            ids[head] = n
        if kind == "T":
            if len(cols) < 2:
                probs.append(Problem(source, n, "", "T line needs 'ID<TAB>TYPE START END[;START END...]<TAB>TEXT'", "brat-line"))
                continue
            label, _, offs = cols[1].strip().partition(" ")
            frags = []
            ok = bool(label)
            for part in offs.split(";"):
                se = part.split()
                if len(se) != 2 or not all(x.isdigit() for x in se):
                    ok = False
                    break
                frags.append((int(se[0]), int(se[1])))
            if not ok or not frags:
                probs.append(Problem(source, n, "offsets", f"cannot read type and offsets from {_short(cols[1])!r}", "brat-line"))
                continue
            for s, e in frags:
                if s >= e:
                    probs.append(Problem(source, n, "offsets", f"empty or reversed fragment {s} {e}", "offset-order"))
                    ok = False
            if not ok:
                continue
            text = "\t".join(cols[2:]) if len(cols) > 2 else None
            if text is None:
                probs.append(Problem(source, n, "text", "T line without its text (third column); offsets cannot be checked",
                                     "brat-line", "warning"))
            out["entities"].append({"id": head, "label": label, "fragments": frags, "text": text, "line": n})
        elif kind == "R":
            parts = cols[1].split() if len(cols) > 1 else []
            args = {}
            for a in parts[1:]:
                role, _, ref = a.partition(":")
                if not ref:
                    break
                args[role] = ref
            if len(parts) != 3 or len(args) != 2:
                probs.append(Problem(source, n, "", f"R line needs 'ID<TAB>TYPE Arg1:ID Arg2:ID', got {_short(line)!r}", "brat-line"))
                continue
            a1, a2 = list(args.values())
            out["relations"].append({"id": head, "type": parts[0], "arg1": a1, "arg2": a2, "args": args, "line": n})
            refs += [(n, "arg1", a1), (n, "arg2", a2)]
        elif kind in ("A", "M"):
            parts = cols[1].split() if len(cols) > 1 else []
            if len(parts) not in (2, 3):
                probs.append(Problem(source, n, "", f"{kind} line needs 'ID<TAB>NAME TARGET [VALUE]', got {_short(line)!r}", "brat-line"))
                continue
            out["attributes"].append({"id": head, "type": parts[0], "target": parts[1],
                                      "value": parts[2] if len(parts) == 3 else True, "line": n})
            refs.append((n, "target", parts[1]))
        elif kind == "E":
            parts = cols[1].split() if len(cols) > 1 else []
            if not parts or ":" not in parts[0]:
                probs.append(Problem(source, n, "", f"E line needs 'ID<TAB>TYPE:TRIGGER [ROLE:ID ...]', got {_short(line)!r}", "brat-line"))
                continue
            etype, _, trigger = parts[0].partition(":")
            eargs = [tuple(a.split(":", 1)) for a in parts[1:] if ":" in a]
            out["events"].append({"id": head, "type": etype, "trigger": trigger, "args": eargs, "line": n})
            refs.append((n, "trigger", trigger))
        elif kind == "N":
            parts = cols[1].split() if len(cols) > 1 else []
            if len(parts) != 3:
                probs.append(Problem(source, n, "", f"N line needs 'ID<TAB>TYPE TARGET DB:ID<TAB>TEXT', got {_short(line)!r}", "brat-line"))
                continue
            out["normalizations"].append({"id": head, "type": parts[0], "target": parts[1], "ref": parts[2],
                                          "text": cols[2] if len(cols) > 2 else None, "line": n})
            refs.append((n, "target", parts[1]))
        elif kind == "#":
            parts = cols[1].split() if len(cols) > 1 else []
            out["notes"].append({"id": head, "type": parts[0] if parts else None, "target": parts[1] if len(parts) > 1 else None,
                                 "text": cols[2] if len(cols) > 2 else "", "line": n})
        elif kind == "*":
            parts = cols[1].split() if len(cols) > 1 else []
            out["equivs"].append({"type": parts[0] if parts else None, "members": parts[1:], "line": n})
        else:  # X: unknown kind letter kept for completeness
            probs.append(Problem(source, n, "", f"unsupported brat annotation {head!r}; ignored", "brat-line", "warning"))
    for n, fld, ref in refs:
        if ref not in ids:
            probs.append(Problem(source, n, fld, f"refers to {ref!r}, which is not defined in this file", "brat-ref"))
    return out


def _read_brat(path: Path, name: str, report: _Report) -> list[_Doc]:
    files = sorted(path.glob("*.ann")) if path.is_dir() else [path]
    if path.is_dir() and not files:
        report.add(Problem(name, 0, "", "no .ann files in this folder", "empty"))
    docs = []
    for f in files:
        fname = str(f)
        try:
            ann = f.read_bytes().decode("utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            report.add(Problem(fname, 0, "", f"cannot read as UTF-8: {exc}", "encoding"))
            continue
        parsed = read_brat(ann, fname)
        report.extend(parsed["problems"])
        txt_path = f.with_suffix(".txt")
        text = None
        if txt_path.exists():
            try:
                text = txt_path.read_bytes().decode("utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                report.add(Problem(str(txt_path), 0, "", f"cannot read as UTF-8: {exc}", "encoding"))
        d = _Doc(fname, 1, "", doc_id=f.stem, id_weak=True, text=text, units="auto")
        d.label_where = ""
        checks = []
        for ent in parsed["entities"]:
            frags = ent["fragments"]
            if len(frags) == 1:
                s, e = frags[0]
                d.spans.append(_Span(s, e, ent["label"], ent["line"], "offsets", None, ent["text"], label_field="type"))
                checks.append((s, e, ent["text"]))
                continue
            hs, he = min(s for s, _ in frags), max(e for _, e in frags)
            report.add(Problem(fname, ent["line"], "offsets", f"discontinuous entity {ent['id']} ({len(frags)} fragments "
                               f"{';'.join(f'{s} {e}' for s, e in frags)}) scored as its hull {hs}:{he}", "discontinuous", "warning"))
            d.spans.append(_Span(hs, he, ent["label"], ent["line"], "offsets", None, None, label_field="type",
                                 frags=(frags, ent["text"])))
        d.fit = lambda g, c=checks: _offsets_fit(c, g)
        d.place = lambda g, probs, dd=d: _brat_check_frags(dd, g, probs)
        docs.append(d)
    return docs


def _joined(ref: str, frags) -> str:
    """The text brat writes for a discontinuous entity: its fragments joined by one space."""
    return " ".join(ref[s:e] for s, e in frags)


def _brat_check_frags(d: _Doc, gtext: str, probs: list) -> list[_Span]:
    """Discontinuous entities: check their fragments against the text (code points, else UTF-16)."""
    ref = d.text if d.text is not None else gtext
    out = []
    for sp in d.spans:
        fr = sp.frags
        if fr is None:
            out.append(sp)
            continue
        frags, text = fr
        good = None
        if all(0 <= s < e <= len(ref) for s, e in frags) and (text is None or _same_text(_joined(ref, frags), text)):
            good = frags
        elif _has_astral(ref):
            try:
                conv = [(utf16_to_codepoints(ref, s), utf16_to_codepoints(ref, e)) for s, e in frags]
                if text is not None and _same_text(_joined(ref, conv), text):
                    good = conv
            except ValueError:
                pass
        if good is None:
            probs.append(Problem(d.file, sp.line, "offsets", f"the fragments of this discontinuous entity do not match its text "
                                 f"{_short(text or '')!r} in the document", "span-align"))
            continue
        out.append(_Span(good[0][0], good[-1][1], sp.label, sp.line, sp.field, None, ref[good[0][0]:good[-1][1]],
                         label_field="type"))
    return out


# ================================================================ Label Studio

def _ls_text(data: dict) -> tuple[str | None, str | None]:
    if isinstance(data.get("text"), str):
        return data["text"], "text"
    for k in ("content", "document", "body", "sentence"):
        if isinstance(data.get(k), str):
            return data[k], k
    strs = [k for k, v in data.items() if isinstance(v, str) and len(v) > 40]
    if len(strs) == 1:
        return data[strs[0]], strs[0]
    return None, None


def read_labelstudio(tasks: list, source: str = "<labelstudio>", line_of: Callable[[tuple], int] | None = None) -> list[dict]:
    """Label Studio JSON export (a list of tasks; JSON-MIN too), one dict per task, in order.

    ``{"task_id", "doc_id", "text", "source": "annotations/0" | "predictions/0" | "json-min" | None,
    "spans": [{"id", "start", "end", "label", "text", "score"?, "line", "field", "label_line"}],
    "relations": [{"from_id", "to_id", "labels", "direction"}], "choices": [{"from_name",
    "choices"}], "problems": [Problem, ...]}``.

    The first annotation that was not cancelled is read, else the first prediction (a
    warning says so when there are several). Span offsets are code points of the task text,
    checked against ``value.text``: offsets that are UTF-16 code units (annotated in the
    browser) are converted (one warning per task), a region found only elsewhere by its
    text is moved (warning), anything else is an error. A region with several labels gives
    one span per label (warning). ``line_of(path_tuple)`` gives line numbers when the JSON
    text is known (``convert`` passes it).
    """
    lf = line_of or (lambda p: 0)
    if isinstance(tasks, dict):
        tasks = [tasks]
    if not isinstance(tasks, list):
        return [{"task_id": None, "doc_id": None, "text": None, "source": None, "spans": [], "relations": [], "choices": [],
                 "problems": [Problem(source, lf(()), "", "expected a list of Label Studio tasks", "format")]}]
    return [_ls_task(task, ti, source, lf) for ti, task in enumerate(tasks)]


def _ls_task(task, ti: int, source: str, lf) -> dict:
    probs: list[Problem] = []
    rec = {"task_id": None, "doc_id": None, "text": None, "source": None, "spans": [], "relations": [], "choices": [],
           "problems": probs}
    if not isinstance(task, dict):
        probs.append(Problem(source, lf((ti,)), f"{ti}", "expected a task object", "format"))
        return rec
    rec["task_id"] = task.get("id")
    if isinstance(task.get("data"), dict):
        data = task["data"]
        text, tkey = _ls_text(data)
        results, rbase = _ls_results(task, ti, probs, source, lf)
        rec["source"] = "/".join(map(str, rbase[1:])) if rbase else None
    else:   # JSON-MIN: the data fields and the regions are on the task itself
        data = task
        text, tkey = _ls_text({k: v for k, v in task.items() if isinstance(v, str)})
        results = []
        for k, v in task.items():
            if isinstance(v, list) and v and all(isinstance(r, dict) and "start" in r and "labels" in r for r in v):
                results += [({"type": "labels", "value": r, "id": r.get("id")}, (ti, k, i)) for i, r in enumerate(v)]
        rec["source"] = "json-min"
    if text is None:
        probs.append(Problem(source, lf((ti, "data")), f"{ti}/data", "task has no text (data.text)", "format"))
        return rec
    rec["text"] = text
    did, _ = _declared_id(data)
    rec["doc_id"] = did if did is not None else _declared_id(task)[0]
    n_utf16 = 0
    for r, p in results:
        fp = _jp(*p)
        rtype = r.get("type")
        if rtype == "relation":
            rec["relations"].append({"from_id": r.get("from_id"), "to_id": r.get("to_id"), "labels": list(r.get("labels") or []),
                                     "direction": r.get("direction")})
            continue
        val = r.get("value") if isinstance(r.get("value"), dict) else {}
        if rtype == "choices" or ("choices" in val and "start" not in val):
            rec["choices"].append({"from_name": r.get("from_name"), "choices": list(val.get("choices") or [])})
            continue
        if rtype is not None and not str(rtype).endswith("labels"):
            continue   # textarea, rating, taxonomy...: not spans
        if "start" not in val or "end" not in val:
            probs.append(Problem(source, lf(p + ("value",)), fp + "/value", f"region of type {rtype!r} has no start/end "
                                 "character offsets (only Text regions are supported)", "format"))
            continue
        labs = [x for x in (val.get("labels") or []) if isinstance(x, str)]
        if not labs:
            probs.append(Problem(source, lf(p + ("value",)), fp + "/value/labels", "region without a label", "label-inventory"))
            continue
        vtext = val.get("text") if isinstance(val.get("text"), str) else None
        s, e, how = _fix_offsets(text, val.get("start"), val.get("end"), vtext, "auto", "cp")
        if s is None:
            probs.append(Problem(source, lf(p + ("value",)), fp + "/value", how, "span-align"))
            continue
        if how == "utf16":
            n_utf16 += 1
        elif how == "search":
            probs.append(Problem(source, lf(p + ("value",)), fp + "/value", f"region {val.get('start')}:{val.get('end')} "
                                 f"{_short(vtext or '')!r} is not at its offsets; found at {s}:{e} by its text", "span-align", "warning"))
        if len(labs) > 1:
            probs.append(Problem(source, lf(p + ("value", "labels")), fp + "/value/labels",
                                 f"region has {len(labs)} labels ({', '.join(labs)}); one span per label", "multi-label", "warning"))
        for lab in labs:
            span = {"id": r.get("id"), "start": s, "end": e, "label": lab, "text": text[s:e],
                    "line": lf(p + ("value",)), "field": fp, "label_line": lf(p + ("value", "labels"))}
            sc = _as_score(r.get("score"))
            if sc is not None:
                span["score"] = sc
            rec["spans"].append(span)
    if n_utf16:
        probs.append(Problem(source, lf((ti,)), f"{ti}", f"{n_utf16} region(s) had offsets in UTF-16 code units (annotated in "
                             "the browser); converted to code points", "utf16", "warning"))
    ids = {sp["id"] for sp in rec["spans"]}
    for rel in rec["relations"]:
        for k in ("from_id", "to_id"):
            if rel[k] not in ids:
                probs.append(Problem(source, lf((ti,)), f"{ti}", f"relation {k} {rel[k]!r} names no labelled region of this task",
                                     "ref-region", "warning"))
    return rec


def _ls_results(task: dict, ti: int, probs: list, source: str, lf) -> tuple[list, tuple | None]:
    """The regions to read, with their paths, and the path of the annotation they come from."""
    key = "annotations" if task.get("annotations") else "completions"   # completions: Label Studio < 1.0
    anns = task.get(key) or []
    live = [(i, a) for i, a in enumerate(anns) if isinstance(a, dict) and not a.get("was_cancelled")]
    if live:
        i, a = live[0]
        if len(live) > 1:
            probs.append(Problem(source, lf((ti, key)), f"{ti}/{key}", f"{len(live)} annotations; using the first (id {a.get('id')!r})",
                                 "multiple-annotations", "warning"))
        base = (ti, key, i)
    else:
        preds = [(i, a) for i, a in enumerate(task.get("predictions") or []) if isinstance(a, dict)]
        if not preds:
            return [], None
        i, a = preds[0]
        if len(preds) > 1:
            probs.append(Problem(source, lf((ti, "predictions")), f"{ti}/predictions",
                                 f"{len(preds)} predictions; using the first (model_version {a.get('model_version')!r})",
                                 "multiple-annotations", "warning"))
        base = (ti, "predictions", i)
    res = a.get("result") if isinstance(a.get("result"), list) else []
    return [(r, base + ("result", j)) for j, r in enumerate(res) if isinstance(r, dict)], base


def _read_labelstudio(path: Path, name: str, report: _Report) -> list[_Doc]:
    docs = []
    for u in _load(path, name, report):
        tasks = [u.value] if u.jsonl or isinstance(u.value, dict) else u.value
        for ti, rec in enumerate(read_labelstudio(tasks, name, (lambda p, lf=u.lf: lf(p[1:])) if u.jsonl or isinstance(u.value, dict)
                                                  else u.lf)):
            report.extend(rec["problems"])
            if rec["text"] is None:
                continue
            line = u.lf(()) if u.jsonl or isinstance(u.value, dict) else u.lf((ti,))
            d = _Doc(name, line, f"{ti}", doc_id=rec["doc_id"], text=rec["text"])
            for sp in rec["spans"]:
                d.spans.append(_Span(sp["start"], sp["end"], sp["label"], sp["line"], sp["field"] + "/value", sp.get("score"), sp["text"],
                                     label_field=sp["field"] + "/value/labels", label_line=sp["label_line"]))
            docs.append(d)
    return docs


# ================================================================ doccano

def read_doccano(lines, source: str = "<doccano>") -> list[dict]:
    """doccano JSONL export, either layout, one dict per record.

    ``lines``: JSON strings (the file's lines) or already parsed dicts. Each result:
    ``{"line", "record_id", "doc_id", "text", "spans": [{"id", "start", "end", "label", "text"}],
    "relations": [{"id", "from_id", "to_id", "type", "labels"}], "choices": [...], "problems"}``.
    Sequence labelling: ``label`` (older: ``labels``) ``[[start, end, "LABEL"], ...]``; relation
    layout: ``entities`` ``[{"id", "label", "start_offset", "end_offset"}]`` and ``relations``. A text
    classification ``label`` list of strings (or ``cats``) is returned as ``choices``. doccano
    gives no span text, so UTF-16 offsets are recognised by where they fall in the text.
    """
    out = []
    for n, item in enumerate(lines, 1):
        probs: list[Problem] = []
        if isinstance(item, (bytes, str)):
            s = item.decode("utf-8") if isinstance(item, bytes) else item
            if not s.strip():
                continue
            try:
                item = json.loads(s)
            except json.JSONDecodeError as exc:
                out.append({"line": n, "record_id": None, "doc_id": None, "text": None, "spans": [], "relations": [], "choices": [],
                            "problems": [Problem(source, n, "", f"malformed JSON: {exc.msg} (column {exc.colno})", "json")]})
                continue
        rec = {"line": n, "record_id": None, "doc_id": None, "text": None, "spans": [], "relations": [], "choices": [],
               "problems": probs}
        out.append(rec)
        if not isinstance(item, dict):
            probs.append(Problem(source, n, "", "expected a JSON object per line", "json"))
            continue
        rec["record_id"] = item.get("id")
        text = item.get("text", item.get("data"))
        if not isinstance(text, str):
            probs.append(Problem(source, n, "text", "record has no 'text'", "format"))
            continue
        rec["text"] = text
        rec["doc_id"], _ = _declared_id(item)
        raw = []   # (id, start, end, label, field)
        if isinstance(item.get("entities"), list):
            for i, e in enumerate(item["entities"]):
                if not isinstance(e, dict):
                    probs.append(Problem(source, n, f"entities/{i}", "expected {id, label, start_offset, end_offset}", "format"))
                    continue
                raw.append((e.get("id"), e.get("start_offset"), e.get("end_offset"), e.get("label"), f"entities/{i}"))
            for i, r in enumerate(item.get("relations") or []):
                if isinstance(r, dict):
                    rtype = r.get("type", r.get("label"))
                    rec["relations"].append({"id": r.get("id"), "from_id": r.get("from_id"), "to_id": r.get("to_id"),
                                             "type": rtype, "labels": [rtype] if rtype is not None else []})
        else:
            key = "label" if "label" in item else "labels" if "labels" in item else None
            items = item.get(key) if key else []
            if not isinstance(items, list):
                items = []
            for i, x in enumerate(items):
                if isinstance(x, str):
                    rec["choices"].append(x)
                elif isinstance(x, list) and len(x) == 3:
                    raw.append((i, x[0], x[1], x[2], f"{key}/{i}"))
                elif isinstance(x, dict) and "start_offset" in x:   # doccano 1.0 "annotations" style
                    raw.append((x.get("id", i), x.get("start_offset"), x.get("end_offset"), x.get("label"), f"{key}/{i}"))
                else:
                    probs.append(Problem(source, n, f"{key}/{i}", f"expected [start, end, \"LABEL\"], got {_short(json.dumps(x))}", "format"))
        if isinstance(item.get("cats"), list):
            rec["choices"] += [c for c in item["cats"] if isinstance(c, str)]
        guess = _guess_units(text, [(s, e) for _, s, e, _, _ in raw if _is_int(s) and _is_int(e)])
        n_utf16 = 0
        for rid, s, e, lab, fld in raw:
            cs, ce, how = _fix_offsets(text, s, e, None, "auto", guess)
            if cs is None:
                probs.append(Problem(source, n, fld, how, "span-align"))
                continue
            n_utf16 += how == "utf16"
            rec["spans"].append({"id": rid, "start": cs, "end": ce, "label": lab, "text": text[cs:ce], "field": fld})
        if n_utf16:
            probs.append(Problem(source, n, "", f"{n_utf16} span(s) had offsets in UTF-16 code units (they fall on word boundaries "
                                 "only when read so); converted to code points", "utf16", "warning"))
    return out


def _read_doccano(path: Path, name: str, report: _Report) -> list[_Doc]:
    text, problems = read_text(path, name)
    for p in problems:
        report.add(p)
    if text is None:
        return []
    stripped = text.lstrip()
    if stripped.startswith("["):   # a JSON array export
        try:
            lines = json.loads(text)
        except json.JSONDecodeError as exc:
            report.add(Problem(name, exc.lineno, "", f"malformed JSON: {exc.msg}", "json"))
            return []
    else:
        lines = text.split("\n")
    docs = []
    for rec in read_doccano(lines, name):
        report.extend(rec["problems"])
        if rec["text"] is None:
            continue
        d = _Doc(name, rec["line"], "", doc_id=rec["doc_id"], text=rec["text"])
        d.label_where = ""
        for sp in rec["spans"]:
            lab_field = sp["field"] + ("/label" if sp["field"].startswith("entities") else "/2")
            d.spans.append(_Span(sp["start"], sp["end"], sp["label"], rec["line"], sp["field"], None, sp["text"], label_field=lab_field))
        docs.append(d)
    if not docs and not report.items:
        report.add(Problem(name, 0, "", "file is empty: no records", "empty"))
    return docs


# ================================================================ GLiNER

def _gliner_items(v) -> bool:
    return isinstance(v, list) and all(isinstance(x, dict) and "start" in x and "label" in x for x in v)


def _read_gliner(path: Path, name: str, report: _Report) -> list[_Doc]:
    docs = []
    for u in _load(path, name, report):
        v = u.value
        if isinstance(v, dict) and isinstance(v.get("entities"), list) and not _gliner_items(v):
            did, _ = _declared_id(v)
            parts = [(did, ("entities",), v["entities"])]
            text = v.get("text") if isinstance(v.get("text"), str) else None
        else:
            parts = _keyed(v, _gliner_items)
            text = None
            if not parts:
                report.add(Problem(name, u.lf(()), "", "expected GLiNER predict_entities output per document: {doc_id: [{start, end, "
                                   "text, label, score}]} or JSONL {\"doc_id\", \"entities\": [...]}", "format"))
                continue
        for did, base, items in parts:
            d = _Doc(name, u.lf(base), _jp(*base), doc_id=did, text=text, units="auto")
            checks = []
            for i, x in enumerate(items):
                p = base + (i,)
                if not isinstance(x, dict):
                    report.add(Problem(name, u.lf(p), _jp(*p), "expected {start, end, text, label, score}", "format"))
                    continue
                txt = x.get("text") if isinstance(x.get("text"), str) else None
                d.spans.append(_Span(x.get("start"), x.get("end"), x.get("label"), u.lf(p), _jp(*p), _as_score(x.get("score")), txt,
                                     label_line=u.lf(p + ("label",))))
                checks.append((x.get("start"), x.get("end"), txt))
            if text is None:
                d.fit = lambda g, c=checks: _offsets_fit(c, g)
            docs.append(d)
    return docs


_READERS: dict[str, Callable[[Path, str, _Report], list[_Doc]]] = {
    "transformers": _read_transformers,
    "spacy": _read_spacy,
    "spacy-docbin": _read_spacy_docbin,
    "stanza": _read_stanza,
    "flair": _read_flair,
    **{f"conll-{s}": _conll_reader(s) for s in CONLL_SCHEMES},
    "brat": _read_brat,
    "labelstudio": _read_labelstudio,
    "doccano": _read_doccano,
    "gliner": _read_gliner,
}
