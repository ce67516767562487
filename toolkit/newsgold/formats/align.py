"""The one text-alignment rule of ``convert`` and ``import``.

Both consumers place a tool's offsets on a document text with these functions, so they agree
on every span:

* UTF-16: JavaScript front ends (Label Studio in the browser, old doccano) count UTF-16 code
  units, so offsets after a character outside the BMP (emoji, flags) are too large. Only when
  the text has such characters and the format's unit says it may happen: a region whose own
  text (``value.text``, the brat or GLiNER text) matches the UTF-16 reading and not the
  code-point one is converted; for regions without text (doccano), the reading under which
  more regions fall inside the text on word boundaries without edge whitespace wins (a tie
  keeps code points). :func:`utf16_to_codepoints` does the conversion.
* A tool's copy of the text is the document text when it is equal up to trailing whitespace
  (a text file's last newline) and quotation-mark/dash variants (one character for one);
  otherwise :class:`TextMap` aligns it (a substring, then whitespace-insensitive, then a
  character diff).
* A region is checked by its text; quotation-mark variants and whitespace runs do not count.
"""
from __future__ import annotations

import bisect
import difflib
import re
import unicodedata
from collections.abc import Mapping

from newsgold.formats.common import is_int, short
from newsgold.formats.ir import UTF16_OR_CODE_POINTS, Region

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


def has_astral(text: str) -> bool:
    return any(ord(ch) > 0xFFFF for ch in text)

# ================================================================ small text helpers

_CANON = str.maketrans({"‘": "'", "’": "'", "‚": "'", "‛": "'", "′": "'", "`": "'", "´": "'",
                        "“": '"', "”": '"', "„": '"', "‟": '"', "″": '"', "«": '"', "»": '"',
                        "–": "-", "—": "-", "‐": "-", "‑": "-", "−": "-"})
_WS = re.compile(r"\s+")


def canon(s: str) -> str:
    """Quotes and dashes to ASCII, one character for one: keeps lengths."""
    return s.translate(_CANON)


def norm(s: str) -> str:
    return _WS.sub(" ", canon(s)).strip()


def same_text(a: str, b: str) -> bool:
    return a == b or norm(a) == norm(b)


def loose(s: str) -> str:
    """For comparing a transformers ``word`` with the text: no sub-word marks, case, accents or spaces."""
    s = s.replace("##", "").replace("▁", "").replace("Ġ", "").replace("Ċ", "")
    s = unicodedata.normalize("NFKD", canon(s).lower())
    return "".join(ch for ch in s if not ch.isspace() and not unicodedata.combining(ch))




def search_near(text: str, needle: str, near: int) -> tuple[int, int] | None:
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
        parts = [re.escape(canon(p)) for p in needle.split()]
        if not parts:
            return None
        pat = re.compile(r"\s+".join(parts))
        hits = [(m.start(), m.end()) for m in pat.finditer(canon(text))]
    if not hits:
        return None

    def whole(h):   # not the inside of a longer word ("Israel" in "Israeli")
        a, b = h
        return (a == 0 or not (text[a - 1].isalnum() and text[a].isalnum())) and \
               (b == len(text) or not (text[b - 1].isalnum() and text[b].isalnum()))
    hits = [h for h in hits if whole(h)] or hits
    return min(hits, key=lambda h: (abs(h[0] - near), h[0]))


# ================================================================ aligning a tool's text with the document text

def same_document_text(tool_text: str, doc_text: str) -> bool:
    """The tool's copy is the document text: equal up to trailing whitespace and quotation-mark/dash variants."""
    if tool_text == doc_text:
        return True
    a, b = tool_text.rstrip(), doc_text.rstrip()
    return len(a) == len(b) and (a == b or canon(a) == canon(b))


class TextMap:
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
    def build(cls, src: str, dst: str, start: int = 0, fuzzy: bool = True) -> TextMap | None:
        if start == 0 and same_document_text(src, dst):
            return cls("same", end=len(dst))   # equal up to trailing whitespace and quotation-mark variants
        k = dst.find(src, start)
        if k >= 0 and src:
            return cls("shift", shift=k, end=k + len(src))
        src_pos = [i for i, c in enumerate(src) if not c.isspace()]
        dst_pos = [i for i, c in enumerate(dst) if not c.isspace()]
        if not src_pos:
            return None
        src_nw = canon("".join(src[i] for i in src_pos))
        dst_nw = canon("".join(dst[i] for i in dst_pos))
        r0 = bisect.bisect_left(dst_pos, start)
        r = dst_nw.find(src_nw, r0)
        if r >= 0:
            return cls("nonspace", src_pos=src_pos, dst_pos=dst_pos, rank=r, end=dst_pos[r + len(src_nw) - 1] + 1)
        if not fuzzy:
            return None
        window_end = min(len(dst), start + 2 * len(src) + 200)
        window = dst[start:window_end]
        sm = difflib.SequenceMatcher(None, canon(src), canon(window), autojunk=False)
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


def match_text(text: str, texts: Mapping[str, str]) -> tuple[str | None, str]:
    """The document (of ``texts``: id -> text) whose text is ``text`` (or contains it); ``(id, '')`` or ``(None, why)``."""
    for did, dtext in texts.items():
        if same_document_text(text, dtext):
            return did, ""
    subs = [did for did, dtext in texts.items() if text and text in dtext]
    if len(subs) == 1:
        return subs[0], ""
    if len(subs) > 1:
        return None, f"the text occurs in {len(subs)} gold documents ({', '.join(subs[:3])})"
    t_nw = canon("".join(text.split()))
    if t_nw:
        nws = [did for did, dtext in texts.items() if t_nw in canon("".join(dtext.split()))]
        if len(nws) == 1:
            return nws[0], ""
        if len(nws) > 1:
            return None, f"the text occurs in {len(nws)} gold documents ({', '.join(nws[:3])})"
    best, best_ratio = None, 0.0
    for did, dtext in texts.items():
        sm = difflib.SequenceMatcher(None, text, dtext, autojunk=False)
        if sm.real_quick_ratio() < 0.8 or sm.quick_ratio() < 0.8:
            continue
        r = sm.ratio()
        if r > best_ratio:
            best, best_ratio = did, r
    if best is not None and best_ratio >= 0.9:
        return best, ""
    return None, "its text matches no gold document"


# ================================================================ a region's offsets as code points of a text

def guess_units(ref: str, spans: list[tuple[int, int]]) -> str:
    """'cp' or 'utf16' for offsets that come without their text (doccano)."""
    if not spans or not has_astral(ref):
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


def fix_offsets(ref: str, s, e, text: str | None, unit: str, guess: str) -> tuple[int, int, str] | tuple[None, None, str]:
    """Offsets in ``ref`` as code points: ``(start, end, how)``; how is cp, utf16 or search, or
    ``(None, None, reason)``."""
    if not is_int(s) or not is_int(e):
        return None, None, f"offsets must be integers, got {s!r} and {e!r}"
    astral = unit == UTF16_OR_CODE_POINTS and has_astral(ref)
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
    if 0 <= s < e <= len(ref) and same_text(ref[s:e], text):
        return s, e, "cp"
    if astral:
        try:
            cs, ce = utf16_to_codepoints(ref, s), utf16_to_codepoints(ref, e)
            if cs < ce and same_text(ref[cs:ce], text):
                return cs, ce, "utf16"
        except ValueError:
            pass
    hit = search_near(ref, text, s)
    if hit:
        return hit[0], hit[1], "search"
    reads = repr(ref[s:e]) if 0 <= s < e <= len(ref) else f"out of range (text length {len(ref)})"
    return None, None, f"span text {short(text)!r} does not match the text at {s}:{e} ({reads}) and is not found in it"


def _joined(ref: str, frags) -> str:
    """The text brat writes for a discontinuous entity: its fragments joined by one space."""
    return " ".join(ref[s:e] for s, e in frags)


def fix_fragments(ref: str, frags: tuple[tuple[int, int], ...], text: str | None, unit: str
                  ) -> tuple[tuple[tuple[int, int], ...] | None, str]:
    """A discontinuous region's fragments as code points of ``ref``, checked against its text
    (brat joins the fragments' texts with one space): ``(fragments, how)`` or ``(None, reason)``."""
    if all(is_int(s) and is_int(e) and 0 <= s < e <= len(ref) for s, e in frags) and (
            text is None or same_text(_joined(ref, frags), text)):
        return frags, "cp"
    if unit == UTF16_OR_CODE_POINTS and has_astral(ref) and text is not None:
        try:
            conv = tuple((utf16_to_codepoints(ref, s), utf16_to_codepoints(ref, e)) for s, e in frags)
            if same_text(_joined(ref, conv), text):
                return conv, "utf16"
        except ValueError:
            pass
    return None, f"the fragments of this discontinuous entity do not match its text {short(text or '')!r} in the document"


def resolve(ref: str, region: Region, unit: str, guess: str) -> tuple[tuple[tuple[int, int], ...] | None, str]:
    """The fragments of ``region`` as code points of ``ref``: ``(fragments, how)`` (how: cp, utf16,
    search) or ``(None, reason)``. The one rule both consumers apply."""
    if region.placed:
        return region.fragments, "cp"
    if len(region.fragments) > 1:
        return fix_fragments(ref, region.fragments, region.text, unit)
    s, e, how = fix_offsets(ref, region.start, region.end, region.text, unit, guess)
    if s is None or e is None:
        return None, how
    return ((s, e),), how


def guess_for(ref: str, regions, unit: str) -> str:
    """The UTF-16/code-point reading of the regions without text of one document (see :func:`guess_units`)."""
    if unit != UTF16_OR_CODE_POINTS:
        return "cp"
    return guess_units(ref, [(r.start, r.end) for r in regions if r.text is None and not r.placed
                             and len(r.fragments) == 1 and is_int(r.start) and is_int(r.end)])


UTF16_MESSAGE = "{n} region(s) had offsets in UTF-16 code units (as JavaScript counts, e.g. annotated in the browser); converted to code points"

def offsets_fit(checks: list, gtext: str) -> float:
    checks = [c for c in checks if is_int(c[0]) and is_int(c[1]) and isinstance(c[2], str)]
    if not checks:
        return 0.0
    return sum(1 for s, e, t in checks if 0 <= s < e <= len(gtext) and same_text(gtext[s:e], t)) / len(checks)
