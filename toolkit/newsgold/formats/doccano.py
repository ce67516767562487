"""doccano JSONL export (or a JSON array), either layout.

Sequence labelling: ``label`` (older: ``labels``) ``[[start, end, "LABEL"], ...]``; relation
layout: ``entities`` ``[{"id", "label", "start_offset", "end_offset"}]`` and ``relations``. A text
classification ``label`` list of strings (or ``cats``) gives document choices. Offsets: code
points (doccano's Python backend), or UTF-16 code units in exports of old browser-side
versions; doccano gives no span text, so the reading under which the spans fall on word
boundaries wins (:func:`newsgold.formats.align.guess_units`). :func:`write` writes code points.
"""
from __future__ import annotations

import json
from pathlib import Path

from newsgold.core.diagnostics import Problem
from newsgold.core.jsonio import RefusedValue, loads, read_text
from newsgold.formats.common import Report, declared_id, short
from newsgold.formats.ir import UTF16_OR_CODE_POINTS, Choice, DocDraft, PreRegion, PreRelation, ReadDocument, ReadOptions, Region, Relation

UNIT = UTF16_OR_CODE_POINTS
WRITE_UNIT = "code points"


def read(path: Path, name: str, report: Report, options: ReadOptions) -> list[ReadDocument]:
    text, problems = read_text(path, name)
    report.extend(problems)
    if text is None:
        return []
    if text.lstrip().startswith("["):   # a JSON array export
        try:
            items = loads(text)
        except RefusedValue as exc:
            report.add(Problem(name, 0, "", str(exc), exc.rule))
            return []
        except json.JSONDecodeError as exc:
            report.add(Problem(name, exc.lineno, "", f"malformed JSON: {exc.msg}", "json"))
            return []
        lines: list = items if isinstance(items, list) else [items]
    else:
        lines = text.split("\n")
    docs = [d for d in (read_record(item, n, name) for n, item in enumerate(lines, 1)) if d is not None]
    if not docs and not report.items:
        report.add(Problem(name, 0, "", "file is empty: no records", "empty"))
    return docs


def _parse(item, n: int, name: str) -> tuple[object, Problem | None]:
    if not isinstance(item, (bytes, str)):
        return item, None
    s = item.decode("utf-8") if isinstance(item, bytes) else item
    if not s.strip():
        return None, None
    try:
        return loads(s), None
    except RefusedValue as exc:
        return None, Problem(name, n, "", str(exc), exc.rule)
    except json.JSONDecodeError as exc:
        return None, Problem(name, n, "", f"malformed JSON: {exc.msg} (column {exc.colno})", "json")


def read_record(item, n: int, name: str) -> ReadDocument | None:
    """One record (a line's JSON text, or an already parsed value) as a document; None for a blank line."""
    value, problem = _parse(item, n, name)
    d = DocDraft(name, n, "", unit=UNIT, where=f"line {n}", label_where="")
    if problem is not None:
        d.problems.append(problem)
        return d.freeze()
    if value is None:
        return None
    if not isinstance(value, dict):
        d.problems.append(Problem(name, n, "", "expected a JSON object per line", "json"))
        return d.freeze()
    text = value.get("text", value.get("data"))
    if not isinstance(text, str):
        d.problems.append(Problem(name, n, "text", "record has no 'text'", "format"))
        return d.freeze()
    d.text, d.doc_id = text, declared_id(value)[0]
    if isinstance(value.get("entities"), list):
        _relation_layout(d, value)
    else:
        _sequence_layout(d, value)
    if isinstance(value.get("cats"), list):
        d.choices.append(Choice("cats", tuple(c for c in value["cats"] if isinstance(c, str)), n, "cats"))
    return d.freeze()


def _relation_layout(d: DocDraft, value: dict) -> None:
    for i, e in enumerate(value["entities"]):
        if not isinstance(e, dict):
            d.problems.append(Problem(d.file, d.line, f"entities/{i}", "expected {id, label, start_offset, end_offset}", "format"))
            continue
        rid = None if e.get("id") is None else str(e.get("id"))
        d.regions.append(Region(e.get("label"), ((e.get("start_offset"), e.get("end_offset")),), d.line, f"entities/{i}", rid,
                                label_path=f"entities/{i}/label"))
    rels = value.get("relations") or []
    for i, r in enumerate(rels if isinstance(rels, list) else []):
        if isinstance(r, dict):
            rtype = r.get("type", r.get("label"))
            d.relations.append(Relation((str(rtype),) if rtype is not None else (), str(r.get("from_id")), str(r.get("to_id")),
                                        d.line, f"relations/{i}"))


def _sequence_layout(d: DocDraft, value: dict) -> None:
    key = "label" if "label" in value else "labels" if "labels" in value else None
    if key is None:
        return
    items = value[key]
    if not isinstance(items, list):
        d.problems.append(Problem(d.file, d.line, key, f"'{key}' must be a list of [start, end, \"LABEL\"] spans (or of "
                                  f"category names), got {type(items).__name__} {short(json.dumps(items, ensure_ascii=False))}",
                                  "format"))
        return
    cats = []
    for i, x in enumerate(items):
        if isinstance(x, str):
            cats.append(x)
        elif isinstance(x, list) and len(x) == 3:
            d.regions.append(Region(x[2], ((x[0], x[1]),), d.line, f"{key}/{i}", str(i), label_path=f"{key}/{i}/2"))
        elif isinstance(x, dict) and "start_offset" in x:   # doccano 1.0 "annotations" style
            rid = str(x.get("id", i))
            d.regions.append(Region(x.get("label"), ((x.get("start_offset"), x.get("end_offset")),), d.line, f"{key}/{i}", rid,
                                    label_path=f"{key}/{i}/label"))
        else:
            d.problems.append(Problem(d.file, d.line, f"{key}/{i}", f"expected [start, end, \"LABEL\"], got "
                                      f"{short(json.dumps(x, ensure_ascii=False))}", "format"))
    if cats:
        d.choices.append(Choice(key, tuple(cats), d.line, key))


# ================================================================ writing pre-annotations

def write(doc_id: str, text: str, regions: list[PreRegion], relations: list[PreRelation]) -> dict:
    """One line of the relation layout: entities in code points, relations by entity number; a
    quote type goes into the label (``QUOTE_CONTENT:direct``): doccano has no per-span attributes."""
    rec: dict = {"text": text, "doc_id": doc_id, "entities": [], "relations": []}
    ids = {}
    for i, r in enumerate(regions, 1):
        ids[r.key] = i
        (s, e), = r.spans
        label = f"{r.label}:{r.quote_type}" if r.label == "QUOTE_CONTENT" else r.label
        rec["entities"].append({"id": i, "label": label, "start_offset": s, "end_offset": e})
    for i, rel in enumerate(relations, 1):
        rec["relations"].append({"id": i, "from_id": ids[rel.a], "to_id": ids[rel.b], "type": rel.type})
    return rec
