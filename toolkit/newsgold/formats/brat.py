"""brat standoff: ``.ann`` files (one, or a folder) next to their ``.txt``. Offsets: code points of the
``.txt`` (brat's Python server counts code points); UTF-16 offsets written by other tools are
recognised per entity by its text. ``T``/``R``/``A``/``M``/``E``/``N``/``#``/``*`` lines are read.

The document is ``--doc-id``/``--doc-map``, the file stem, or the sibling ``.txt``. Offsets refer
to the sibling ``.txt`` when there is one, else to the document text. A discontinuous entity
(``T1 LABEL 0 5;10 15``) is one region with several fragments; attributes and AnnotatorNotes
are per-region choices, relations are relations.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from newsgold.core.diagnostics import Problem
from newsgold.formats.align import offsets_fit
from newsgold.formats.common import Report, short
from newsgold.formats.ir import UTF16_OR_CODE_POINTS, Choice, DocDraft, PreRegion, PreRelation, ReadDocument, ReadOptions, Region, Relation

UNIT = UTF16_OR_CODE_POINTS
WRITE_UNIT = "code points"   # what write() puts in .ann files


_BRAT_ID = re.compile(r"^([TRAMENX#*])(\S*)$")
_DIGITS = re.compile(r"^[0-9]+$")


@dataclass
class _AnnParse:
    """What :func:`parse` has read so far: the records by kind, the problems, and the ids to check at the end."""
    source: str
    out: dict[str, list[Any]] = field(default_factory=lambda: {k: [] for k in (
        "entities", "relations", "attributes", "events", "normalizations", "notes", "equivs", "problems")})
    ids: dict[str, int] = field(default_factory=dict)                    # annotation id -> its line
    refs: list[tuple[int, str, str]] = field(default_factory=list)       # (line, field, id) to check after reading

    def problem(self, n: int, path: str, message: str, rule: str = "brat-line", severity: str = "error") -> None:
        self.out["problems"].append(Problem(self.source, n, path, message, rule, severity))


def parse(ann_text: str, source: str = "<ann>") -> dict:
    """Parse a brat standoff ``.ann`` text (no document text needed).

    Returns ``{"entities": [{"id", "label", "fragments": [(start, end), ...], "text", "line"}],
    "relations": [{"id", "type", "arg1", "arg2", "args", "line"}], "attributes": [{"id", "type",
    "target", "value", "line"}], "events", "normalizations", "notes", "equivs", "problems"}``.
    Offsets are as written (brat counts code points of its ``.txt``); fragments are kept as
    they are; a discontinuous entity has several. Problems name the line.
    """
    p = _AnnParse(source)
    for n, raw in enumerate(ann_text.split("\n"), 1):
        line = raw.rstrip("\r")
        if not line.strip():
            continue
        cols = line.split("\t")
        head = cols[0].strip()
        m = _BRAT_ID.match(head)
        if not m:
            p.problem(n, "", f"unrecognised line {short(line)!r} (brat lines start with T, R, A, M, E, N, # or *)")
            continue
        kind = m.group(1)
        if kind != "*" and kind != "#":
            if head in p.ids:
                p.problem(n, "id", f"second annotation with id {head!r} (first on line {p.ids[head]})", "unique-id")
                continue
            p.ids[head] = n
        if kind == "T":
            _t_line(p, n, head, cols)
            continue
        parts = cols[1].split() if len(cols) > 1 else []
        _LINE_READERS.get(kind, _unsupported_line)(p, n, head, kind, parts, cols, line)
    for n, fld, ref in p.refs:
        if ref not in p.ids:
            p.problem(n, fld, f"refers to {ref!r}, which is not defined in this file", "brat-ref")
    return p.out


def _t_line(p: _AnnParse, n: int, head: str, cols: list[str]) -> None:
    """``T1<TAB>LABEL 0 5;10 15<TAB>text``: an entity with its fragments as written."""
    if len(cols) < 2:
        p.problem(n, "", "T line needs 'ID<TAB>TYPE START END[;START END...]<TAB>TEXT'")
        return
    label, _, offs = cols[1].strip().partition(" ")
    frags = []
    ok = bool(label)
    for part in offs.split(";"):
        se = part.split()
        if len(se) != 2 or not all(_DIGITS.match(x) for x in se):   # not isdigit(): "²" is a digit to it
            ok = False
            break
        frags.append((int(se[0]), int(se[1])))
    if not ok or not frags:
        p.problem(n, "offsets", f"cannot read type and offsets from {short(cols[1])!r}")
        return
    for s, e in frags:
        if s >= e:
            p.problem(n, "offsets", f"empty or reversed fragment {s} {e}", "offset-order")
            ok = False
    if not ok:
        return
    text = "\t".join(cols[2:]) if len(cols) > 2 else None
    if text is None:
        p.problem(n, "text", "T line without its text (third column); offsets cannot be checked", severity="warning")
    p.out["entities"].append({"id": head, "label": label, "fragments": frags, "text": text, "line": n})


def _r_line(p: _AnnParse, n: int, head: str, kind: str, parts: list[str], cols: list[str], line: str) -> None:
    """``R1<TAB>TYPE Arg1:T1 Arg2:T2``: a binary relation."""
    args = {}
    for a in parts[1:]:
        role, _, ref = a.partition(":")
        if not ref:
            break
        args[role] = ref
    if len(parts) != 3 or len(args) != 2:
        p.problem(n, "", f"R line needs 'ID<TAB>TYPE Arg1:ID Arg2:ID', got {short(line)!r}")
        return
    a1, a2 = list(args.values())
    p.out["relations"].append({"id": head, "type": parts[0], "arg1": a1, "arg2": a2, "args": args, "line": n})
    p.refs += [(n, "arg1", a1), (n, "arg2", a2)]


def _a_line(p: _AnnParse, n: int, head: str, kind: str, parts: list[str], cols: list[str], line: str) -> None:
    """``A1<TAB>NAME T1 [VALUE]`` (or the older ``M``): an attribute, ``True`` when it has no value."""
    if len(parts) not in (2, 3):
        p.problem(n, "", f"{kind} line needs 'ID<TAB>NAME TARGET [VALUE]', got {short(line)!r}")
        return
    p.out["attributes"].append({"id": head, "type": parts[0], "target": parts[1],
                                "value": parts[2] if len(parts) == 3 else True, "line": n})
    p.refs.append((n, "target", parts[1]))


def _e_line(p: _AnnParse, n: int, head: str, kind: str, parts: list[str], cols: list[str], line: str) -> None:
    """``E1<TAB>TYPE:T1 [ROLE:ID ...]``: an event (kept, not used by NewsGold)."""
    if not parts or ":" not in parts[0]:
        p.problem(n, "", f"E line needs 'ID<TAB>TYPE:TRIGGER [ROLE:ID ...]', got {short(line)!r}")
        return
    etype, _, trigger = parts[0].partition(":")
    eargs = [tuple(a.split(":", 1)) for a in parts[1:] if ":" in a]
    p.out["events"].append({"id": head, "type": etype, "trigger": trigger, "args": eargs, "line": n})
    p.refs.append((n, "trigger", trigger))


def _n_line(p: _AnnParse, n: int, head: str, kind: str, parts: list[str], cols: list[str], line: str) -> None:
    """``N1<TAB>Reference T1 DB:ID<TAB>TEXT``: a normalization."""
    if len(parts) != 3:
        p.problem(n, "", f"N line needs 'ID<TAB>TYPE TARGET DB:ID<TAB>TEXT', got {short(line)!r}")
        return
    p.out["normalizations"].append({"id": head, "type": parts[0], "target": parts[1], "ref": parts[2],
                                    "text": cols[2] if len(cols) > 2 else None, "line": n})
    p.refs.append((n, "target", parts[1]))


def _note_line(p: _AnnParse, n: int, head: str, kind: str, parts: list[str], cols: list[str], line: str) -> None:
    """``#1<TAB>AnnotatorNotes T1<TAB>text``: a note (its target is not checked: brat allows free notes)."""
    p.out["notes"].append({"id": head, "type": parts[0] if parts else None, "target": parts[1] if len(parts) > 1 else None,
                           "text": cols[2] if len(cols) > 2 else "", "line": n})


def _equiv_line(p: _AnnParse, n: int, head: str, kind: str, parts: list[str], cols: list[str], line: str) -> None:
    """``*<TAB>Equiv T1 T2 ...``: an equivalence class."""
    p.out["equivs"].append({"type": parts[0] if parts else None, "members": parts[1:], "line": n})


def _unsupported_line(p: _AnnParse, n: int, head: str, kind: str, parts: list[str], cols: list[str], line: str) -> None:
    """X: an id letter brat has no reader for here; said, not read."""
    p.problem(n, "", f"unsupported brat annotation {head!r}; ignored", severity="warning")


_LINE_READERS = {"R": _r_line, "A": _a_line, "M": _a_line, "E": _e_line, "N": _n_line, "#": _note_line, "*": _equiv_line}


def _read_file(f: Path, report: Report, options: ReadOptions) -> ReadDocument | None:
    fname = str(f)
    try:
        ann = f.read_bytes().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        report.add(Problem(fname, 0, "", f"cannot read as UTF-8: {exc}", "encoding"))
        return None
    parsed = parse(ann, fname)
    txt_path = f.with_suffix(".txt")
    d = DocDraft(fname, 1, "", doc_id=f.stem, id_weak=True, unit=UNIT, where=f.name, label_where="",
                 problems=list(parsed["problems"]))
    if txt_path.exists():
        try:
            d.text = txt_path.read_bytes().decode("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            report.add(Problem(str(txt_path), 0, "", f"cannot read as UTF-8: {exc}", "encoding"))
            return None
    per_region: dict[str, list[Choice]] = {}
    for a in parsed["attributes"]:
        per_region.setdefault(a["target"], []).append(Choice(a["type"], (str(a["value"]),), a["line"], a["id"]))
    for nt in parsed["notes"]:
        if nt["text"].strip():
            per_region.setdefault(nt["target"], []).append(Choice("note", (nt["text"].strip(),), nt["line"], nt["id"]))
    checks = []
    for ent in parsed["entities"]:
        frags = tuple(ent["fragments"])
        d.regions.append(Region(ent["label"], frags, ent["line"], "offsets", ent["id"], ent["text"], label_path="type",
                                choices=tuple(per_region.get(ent["id"], ()))))
        if len(frags) == 1:
            checks.append((frags[0][0], frags[0][1], ent["text"]))
    for rel in parsed["relations"]:
        d.relations.append(Relation((rel["type"],), rel["arg1"], rel["arg2"], rel["line"], rel["id"]))
    for ev in parsed["events"]:
        d.problems.append(Problem(fname, ev["line"], ev["id"], "events are not part of the NewsGold encoding" if options.strict
                                  else "event ignored (only entities are read)", "label-inventory",
                                  "error" if options.strict else "warning"))
    d.fit = lambda g, c=checks: offsets_fit(c, g)
    return d.freeze()


def read(path: Path, name: str, report: Report, options: ReadOptions) -> list[ReadDocument]:
    files = sorted(path.glob("*.ann")) if path.is_dir() else [path]
    if path.is_dir() and not files:
        report.add(Problem(name, 0, "", "no .ann files in this folder", "empty"))
    docs = [_read_file(f, report, options) for f in files]
    return [d for d in docs if d is not None]


# ================================================================ writing pre-annotations

def _fragments(text: str, spans: tuple[tuple[int, int], ...]) -> list[tuple[int, int]]:
    """brat cannot write a fragment across a line break: split there (import joins them again)."""
    out = []
    for s, e in spans:
        pos = s
        for part in text[s:e].split("\n"):
            ps = pos + len(part) - len(part.lstrip())
            pe = pos + len(part.rstrip())
            if ps < pe:
                out.append((ps, pe))
            pos += len(part) + 1
    return out


def write(text: str, regions: list[PreRegion], relations: list[PreRelation]) -> str:
    """The ``.ann`` text of pre-annotations (code points of ``text``); quote types as ``QuoteType``
    attributes, notes as ``AnnotatorNotes``; ``:`` in a relation type becomes ``_`` (brat types cannot hold it)."""
    if not regions and not relations:
        return ""
    tid: dict[str, str] = {}
    lines: list[str] = []
    attrs: list[str] = []
    notes: list[str] = []
    for i, r in enumerate(regions, 1):
        tid[r.key] = f"T{i}"
        frags = _fragments(text, r.spans)
        lines.append(f"T{i}\t{r.label} {';'.join(f'{s} {e}' for s, e in frags)}\t{' '.join(text[s:e] for s, e in frags)}")
        if r.quote_type:
            attrs.append(f"A{len(attrs) + 1}\tQuoteType T{i} {r.quote_type}")
        if r.note:
            notes.append(f"#{len(notes) + 1}\tAnnotatorNotes T{i}\t{r.note}")
    for i, rel in enumerate(relations, 1):
        typ = rel.type.replace(":", "_", 1)
        lines.append(f"R{i}\t{typ} Arg1:{tid[rel.a]} Arg2:{tid[rel.b]}")
    return "\n".join(lines + attrs + notes) + "\n"
