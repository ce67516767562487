"""Read documents as NewsGold predictions (the entity layer): ``newsgold convert`` and ``score --from``.

:func:`convert` reads one file (or a brat folder) in one of the registered formats
(:mod:`newsgold.formats.registry`) and returns ``(records, problems)``: one predictions record
per document, ``{"doc_id", "entities": [{"start", "end", "label", "text", "score"?}]}``, with
offsets in Unicode code points of the gold text and ``text == gold_text[start:end]`` for every
span, and every problem found (file, line where the format has lines, field). Nothing is
dropped silently.

Decisions
---------
* Discontinuous regions (brat ``T1 LABEL 0 5;10 15``) become ONE span, the hull from the first
  fragment's start to the last fragment's end, with a ``discontinuous`` warning: a mention is
  scored as one mention, and the predictions format has contiguous spans only.
* Offsets are placed by the one rule of :mod:`newsgold.formats.align` (the same as ``import``).
* A document is named by the input, by ``--doc-id`` (single-document inputs only), by
  ``--doc-map`` (client ids), by its text (reported as a note; a warning when the input's own id
  is not a gold id) or by its content at its offsets (:mod:`newsgold.formats.identify`). Separate
  pieces of one document merge into one record; two inputs covering the same stretch of a
  document are an error.
* Spans are trimmed of whitespace at their edges (one ``span-trim`` warning per document).
* Labels: with a label map, mapped labels are used, labels mapped to ``null`` are dropped and
  the map's target labels pass; without one the inventory is the OntoNotes labels. Any other
  label is an error at the line and field of the label.
* Problems of one kind are listed up to 25 per file; one more line counts the rest.
"""
from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from newsgold.core.diagnostics import Problem
from newsgold.core.schema import ENTITY_LABELS
from newsgold.formats import registry
from newsgold.formats.align import UTF16_MESSAGE, TextMap, guess_for, resolve, same_text, search_near
from newsgold.formats.common import Report, jp, short
from newsgold.formats.identify import identify, load_doc_map
from newsgold.formats.ir import ReadDocument, ReadOptions, Region
from newsgold.gold.load import Gold, load_gold
from newsgold.scoring.predictions import load_label_map


class Labels:
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


def read_documents(fmt: str, path, report: Report, options: ReadOptions) -> list[ReadDocument] | None:
    """Run the registered reader of ``fmt``; None (with the problem reported) when the format or file is unknown."""
    name = str(path)
    spec = registry.get(fmt)
    if spec is None:
        report.add(Problem(name, 0, "", f"unknown input format {fmt!r}; choose one of: {', '.join(registry.names())}", "format"))
        return None
    p = Path(path)
    if not p.exists():
        report.add(Problem(name, 0, "", "cannot open: No such file or directory", "file"))
        return None
    return spec.read_function()(p, name, report, options)


def convert(fmt: str, path, gold: Gold | None = None, label_map=None, doc_id: str | None = None,
            doc_map: Mapping[str, str] | str | Path | None = None) -> tuple[list[dict], list[Problem]]:
    """Another tool's output as NewsGold predictions records, with every problem found.

    ``gold`` is a :class:`~newsgold.gold.read.Gold` (or a path for :func:`load_gold`; None: the
    shipped gold); ``label_map`` a name, path or loaded map; ``doc_id`` the document of a
    single-document input that carries no id; ``doc_map`` client id -> document id (or its file).
    """
    spec = registry.get(fmt)
    if spec is not None and spec.records:   # string-only output, aligned by its own rule
        return spec.read_function()(path, gold, label_map=label_map, doc_id=doc_id, doc_map=doc_map)
    name = str(path)
    report = Report()
    if isinstance(doc_map, (str, Path)):
        doc_map, probs = load_doc_map(doc_map)
        report.extend(probs)
    gold = gold if isinstance(gold, Gold) else load_gold(gold)
    labels = Labels(label_map)
    docs = read_documents(fmt, path, report, ReadOptions(strict=False))
    if docs is None:
        return [], report.close()
    if doc_id is not None and len(docs) > 1:
        report.add(Problem(name, 0, "", f"--doc-id names one document but the input has {len(docs)}; "
                           "give each document its id in the input instead", "doc-id"))
        return [], report.close()
    texts = {did: g["text"] for did, g in gold.docs.items()}
    records: dict[str, dict] = {}
    seen: dict[str, list[tuple[int, int, ReadDocument]]] = {}
    for d in docs:
        report.extend(d.problems)
        if d.source == "cancelled" or (d.text is None and not d.regions and d.place is None and d.problems):
            continue
        did, probs = identify(d, texts, cli_id=doc_id, doc_map=doc_map)
        report.extend(probs)
        if did is None:
            continue
        ents, region = place(d, did, texts[did], labels, report)
        clash = [(a, b, first) for a, b, first in seen.get(did, []) if a < region[1] and region[0] < b]
        if clash:
            a, b, first = clash[0]
            report.add(Problem(d.file, d.line, d.path or "doc_id",
                               f"second input for document {did!r} covering {region[0]}:{region[1]} of its text, which the input at "
                               f"{first.file}:{first.line} already covers ({a}:{b}); one prediction per document", "unique-id"))
            continue
        seen.setdefault(did, []).append((region[0], region[1], d))
        if did in records:   # another, separate piece of the same document (e.g. one task per paragraph)
            records[did]["entities"] = sorted(records[did]["entities"] + ents, key=lambda x: (x["start"], x["end"], x["label"]))
        else:
            records[did] = {"doc_id": did, "entities": ents}
    return list(records.values()), report.close()


def _text_map(d: ReadDocument, did: str, gtext: str, report: Report) -> tuple[TextMap | None, bool, tuple[int, int]]:
    """How the tool's text maps onto the gold text: ``(map or None for identity, unaligned, region covered)``."""
    if d.text is None or d.text == gtext:
        return None, False, (0, len(gtext))
    tmap = TextMap.build(d.text, gtext)
    if tmap is not None and tmap.kind == "same":
        return None, False, (0, len(gtext))
    if tmap is None:
        report.add(Problem(d.file, d.line, d.path, f"the tool's text differs from the gold text of {did!r} and cannot be aligned "
                           "as a whole; each span is looked for by its text", "text-align", "warning"))
        return None, True, (0, len(gtext))
    if tmap.kind != "shift":
        report.add(Problem(d.file, d.line, d.path, f"the tool's text differs from the gold text of {did!r} "
                           f"({'whitespace only' if tmap.kind == 'nonspace' else 'characters changed'}); spans are aligned "
                           "and checked by their text", "text-align", "warning"))
    if tmap.kind == "shift":
        return tmap, False, (tmap.shift, tmap.end)
    if tmap.kind == "nonspace":
        return tmap, False, (tmap.dst_pos[tmap.rank], tmap.end)
    return tmap, False, (min(x for x in tmap.char_map if x is not None), tmap.end)


def _to_gold(sp: Region, s: int, e: int, ref: str, gtext: str, did: str, tmap: TextMap | None, unaligned: bool, d: ReadDocument,
             report: Report) -> tuple[int, int] | None:
    """A span in the tool's text (``ref``) moved onto the gold text, checked by its text."""
    src_text = ref[s:e]
    if unaligned:
        hit = search_near(gtext, src_text, s)
        if hit is None:
            report.add(Problem(d.file, sp.line, sp.path, f"span {short(src_text)!r} ({s}:{e} in the tool's text) is not "
                               f"in the gold text of {did!r}", "span-align"))
        return hit
    if tmap is None:
        return s, e
    m = tmap.span(s, e)
    if m is not None and same_text(gtext[m[0]:m[1]], src_text):
        return m
    hit = search_near(gtext, src_text, m[0] if m else s)
    if hit is None:
        report.add(Problem(d.file, sp.line, sp.path, f"span {short(src_text)!r} ({s}:{e} in the tool's text) cannot "
                           f"be aligned with the gold text of {did!r}"
                           + (f", which reads {short(gtext[m[0]:m[1]])!r} there" if m else ""), "span-align"))
        return None
    report.add(Problem(d.file, sp.line, sp.path, f"span {short(src_text)!r} aligned by its text at {hit[0]}:{hit[1]} "
                       "of the gold text (the text alignment disagreed)", "span-align", "warning"))
    return hit


def _locate(sp: Region, ref: str, d: ReadDocument, guess: str, report: Report) -> tuple[int, int, str] | None:
    """The region's hull in code points of ``ref`` by the one rule of :func:`newsgold.formats.align.resolve`."""
    frags, how = resolve(ref, sp, d.unit, guess)
    if frags is None:
        report.add(Problem(d.file, sp.line, sp.path, how, "span-align"))
        return None
    if how == "search":
        report.add(Problem(d.file, sp.line, sp.path, f"span {sp.start}:{sp.end} {short(sp.text or '')!r} is not at its "
                           f"offsets; found at {frags[0][0]}:{frags[-1][1]} by its text", "span-align", "warning"))
    if len(frags) > 1:
        report.add(Problem(d.file, sp.line, sp.path, f"discontinuous entity {sp.id} ({len(frags)} fragments "
                           f"{';'.join(f'{s} {e}' for s, e in sp.fragments)}) scored as its hull {frags[0][0]}:{frags[-1][1]}",
                           "discontinuous", "warning"))
    return frags[0][0], frags[-1][1], how


def place(d: ReadDocument, did: str, gtext: str, labels: Labels, report: Report) -> tuple[list[dict], tuple[int, int]]:
    """The document's regions as predictions entities in the gold text of ``did``, and the
    stretch of the gold text the input covers."""
    if d.place is not None:
        probs: list[Problem] = []
        regions = d.place(gtext, probs)
        report.extend(probs)
    else:
        regions = list(d.regions)
    ref = d.text if d.text is not None else gtext
    tmap, unaligned, covered = _text_map(d, did, gtext, report)
    guess = guess_for(ref, regions, d.unit)
    n_utf16 = n_trim = 0
    out = []
    for sp in regions:
        if sp.placed:
            gs, ge = sp.start, sp.end
        else:
            loc = _locate(sp, ref, d, guess, report)
            if loc is None:
                continue
            n_utf16 += loc[2] == "utf16"
            g = _to_gold(sp, loc[0], loc[1], ref, gtext, did, tmap, unaligned, d, report)
            if g is None:
                continue
            gs, ge = g
        s0, e0 = gs, ge   # trim whitespace the tool included at the edges
        while gs < ge and gtext[gs].isspace():
            gs += 1
        while ge > gs and gtext[ge - 1].isspace():
            ge -= 1
        if gs >= ge:
            report.add(Problem(d.file, sp.line, sp.path, f"span {s0}:{e0} covers only whitespace", "span-align"))
            continue
        n_trim += (gs, ge) != (s0, e0)
        lab, err = labels.apply(sp.label)
        if err:
            lfield = sp.label_path if sp.label_path is not None else jp(sp.path, d.label_where)
            report.add(Problem(d.file, sp.label_line if sp.label_line is not None else sp.line, lfield, err, "label-inventory"))
            continue
        if lab is None:
            continue
        ent = {"start": gs, "end": ge, "label": lab, "text": gtext[gs:ge]}
        if sp.score is not None:
            ent["score"] = sp.score
        out.append(ent)
    if n_utf16:
        report.add(Problem(d.file, d.line, d.path, UTF16_MESSAGE.format(n=n_utf16), "utf16", "warning"))
    if n_trim:
        report.add(Problem(d.file, d.line, d.path, f"{n_trim} span(s) included leading or trailing whitespace; trimmed",
                           "span-trim", "warning"))
    out.sort(key=lambda x: (x["start"], x["end"], x["label"]))
    return out, covered
