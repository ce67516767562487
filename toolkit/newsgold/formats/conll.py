"""CoNLL token-per-line files in five tagging schemes (``conll-iob1|iob2|iobes|bilou|io``).

Token first column, tag last column (TAB or spaces), blank line between sentences,
``-DOCSTART-`` and/or ``# doc_id = ID`` (also ``# newdoc id = ID``) between documents. Tokens
are aligned to the gold text one after the other, skipping whitespace (PTB escapes ``-LRB-``
``````... and typographic/ASCII quote differences are tolerated); a token that is not where it
should be is an error with its line, the token and the offset where it was expected. The files
carry no offsets: tokens are placed on the gold text (the unit is code points of that text).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from newsgold.core.diagnostics import Problem
from newsgold.core.jsonio import read_text
from newsgold.formats.align import canon
from newsgold.formats.common import Report, short
from newsgold.formats.ir import CODE_POINTS, DocDraft, ReadDocument, ReadOptions, Region, span

UNIT = CODE_POINTS
SCHEMES = ("iob1", "iob2", "iobes", "bilou", "io")
TOKEN_LOOKAHEAD = 60        # characters searched ahead for a token that is not where expected
_PTB = {"-LRB-": "(", "-RRB-": ")", "-LSB-": "[", "-RSB-": "]", "-LCB-": "{", "-RCB-": "}",
        "``": '"', "''": '"'}


_DOCSTART = re.compile(r"^-DOCSTART-(\s|$)")
_DOCID = re.compile(r"^#\s*(?:newdoc\s+id|newdoc|doc_id|doc-id|docid|document_id|document)\s*[=:]\s*(\S+)\s*$", re.IGNORECASE)
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


def decode_tags(tags: list[str], scheme: str) -> list[tuple[int, int, str, bool]]:
    """Spans ``(first, end, label, bad)`` over token indices; ``bad`` when a tag is outside the scheme.

    Lenient like conlleval: an inside or end tag that does not continue an entity of its type
    starts one; an entity left open ends at the next O, begin or other-type tag.
    """
    allowed = _SCHEME_PREFIXES[scheme]
    end_tag = {"iobes": "E", "bilou": "L"}.get(scheme)
    single = {"iobes": "S", "bilou": "U"}.get(scheme)
    spans: list[list] = []
    cur: Any = None   # the open span [start, end, label, bad]; `cont` below says it is not None
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
        else:   # I, or a prefix outside the scheme read as I (reported by tag_issues)
            if cont:
                cur[1] = i + 1
                cur[3] = cur[3] or bad
            else:
                cur = [i, i + 1, lab, bad]
                spans.append(cur)
    return [tuple(x) for x in spans]


def tag_issues(tags: list[str], scheme: str) -> list[tuple[int, str, str]]:
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
            out.append((i, (f"tag {tag!r} does not follow a {lab} entity (IOB1 uses B- only between two adjacent entities of the "
                        "same type); read as a start — is the file IOB2?"), "warning"))
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


def _parse_conll(text: str, name: str, report: Report) -> list[dict]:
    """Documents ``{"id", "line", "sents": [[_ConllTok]]}``.

    ``-DOCSTART-`` starts a document; ``# doc_id = X`` names the current one if it has no
    tokens and no name yet, else starts a new one. Other ``# ...`` lines are comments.
    """
    docs: list[dict] = []
    cur: dict[str, Any] = {"id": None, "line": 1, "sents": []}
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
            report.add(Problem(name, n, "tag", f"expected 'TOKEN TAG' (token first, tag last), got {short(line)!r}", "conll-line"))
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
    if len(seg) == len(t) and canon(seg) == canon(t):
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
    issues: list[tuple[str, _ConllTok | None, str, int]] = []
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
                issues.append(("warning", t, (f"the gold text {short(text[p:found[0]])!r} at {p}:{found[0]} has no token "
                               f"(before token {t.token!r}); skipped"), p))
            out.append(found)
            pos = found[1]
            prev_missing = False
            continue
        issues.append(("error", t, f"token {t.token!r} is not in the text where expected, at offset {p} "
                       f"(the text there reads {short(text[p:p + 20], 24)!r})" if p < n else
                       f"token {t.token!r} is past the end of the text (length {n})", p))
        out.append(None)
        prev_missing = True
        if stop_early:
            return out, issues
    rest = text[pos:]
    if rest.strip():
        issues.append(("warning", None, (f"the tokens end at offset {pos}; the remaining {len(rest.strip())} non-blank characters "
                       f"of the text ({short(rest.strip())!r}) have no tokens (was the output truncated?)"), pos))
    return out, issues


def reader(scheme: str):
    """The reader of one tagging scheme."""
    def read(path: Path, name: str, report: Report, options: ReadOptions) -> list[ReadDocument]:
        text, problems = read_text(path, name)
        for p in problems:
            report.add(p)
        if text is None:
            return []
        docs = []
        for cd in _parse_conll(text, name, report):
            toks = [t for s in cd["sents"] for t in s]
            d = DocDraft(name, cd["line"], "doc_id" if cd["id"] else "", doc_id=cd["id"])
            d.label_where = ""
            spans = []   # (first, end) over toks, label
            k = 0
            for s in cd["sents"]:
                tags = [t.tag for t in s]
                for i, msg, sev in tag_issues(tags, scheme):
                    report.add(Problem(name, s[i].line, "tag", msg, "tag-scheme", sev))
                for a, b, lab, bad in decode_tags(tags, scheme):
                    if not bad:
                        spans.append((k + a, k + b, lab))
                k += len(s)
            d.fit = lambda g, tk=toks: _conll_fit(tk, g)
            d.place = lambda g, probs, dd=d, tk=toks, sp=spans: _conll_place(dd, tk, sp, g, probs)
            docs.append(d.freeze())
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


def _conll_place(d: DocDraft, toks: list[_ConllTok], spans: list, gtext: str, probs: list) -> list[Region]:
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
        out.append(span(first[0], last[1], lab, toks[a].line, "tag", placed=True))
    return out
