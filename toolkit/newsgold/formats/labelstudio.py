"""Label Studio JSON export (a list of tasks with ``data.text`` and ``annotations``/``predictions``).

Offsets: code points when exported by Label Studio's Python backend, UTF-16 code units when the
regions were made in the browser; told apart per region by ``value.text``
(:func:`newsgold.formats.align.resolve`). Per-region results that share a region's ``id``
(``choices`` such as ``quote_type`` or ``stance``, ``textarea`` notes) become that region's
choices; other choices and notes belong to the task.

The first annotation that was not cancelled is read, else the first prediction. A task whose
annotations were all cancelled is reported, never read as "predicted nothing". With
``ReadOptions(strict=True)`` (import) several annotations of one task are an error (a pass is
one annotator's work); otherwise a warning says which one was used. A JSON-MIN export has
no region ids and no relations: it is read for ``convert`` and marked ``source="json-min"``
(import refuses it with one message).
"""
from __future__ import annotations

from pathlib import Path

from newsgold.core.diagnostics import Problem
from newsgold.formats.align import codepoints_to_utf16
from newsgold.formats.common import Report, as_score, declared_id, jp, load_units, score_problem
from newsgold.formats.ir import UTF16_OR_CODE_POINTS, Choice, DocDraft, PreRegion, PreRelation, ReadDocument, ReadOptions, Region, Relation

UNIT = UTF16_OR_CODE_POINTS
WRITE_UNIT = "UTF-16 code units"   # what write() puts in tasks: what the browser counts


def _text_of(data: dict) -> str | None:
    if isinstance(data.get("text"), str):
        return data["text"]
    for k in ("content", "document", "body", "sentence"):
        if isinstance(data.get(k), str):
            return data[k]
    strs = [k for k, v in data.items() if isinstance(v, str) and len(v) > 40]
    return data[strs[0]] if len(strs) == 1 else None


def read(path: Path, name: str, report: Report, options: ReadOptions) -> list[ReadDocument]:
    docs = []
    for u in load_units(path, name, report):
        single = u.jsonl or isinstance(u.value, dict)
        tasks = [u.value] if single else u.value
        if not isinstance(tasks, list):
            report.add(Problem(name, u.lf(()), "", "expected a list of Label Studio tasks", "format"))
            continue
        for ti, task in enumerate(tasks):
            base = () if single else (ti,)
            d = read_task(task, ti, name, lambda p, b=base, lf=u.lf: lf(b + p), options)
            if d is not None:
                docs.append(d)
    return docs


def read_task(task, ti: int, name: str, lf, options: ReadOptions) -> ReadDocument | None:
    """One task as a document (``lf(path within the task)`` gives line numbers); None when it has nothing to read."""
    d = DocDraft(name, lf(()), f"{ti}", unit=UNIT, where=f"task #{ti}")
    if not isinstance(task, dict):
        d.problems.append(Problem(name, lf(()), f"{ti}", "expected a task object", "format"))
        return d.freeze()
    if task.get("id") is not None:
        d.where = f"task {task['id']}"
    if isinstance(task.get("data"), dict):
        data = task["data"]
        results = _results(task, ti, d, lf, options)
    else:   # JSON-MIN: the data fields and the regions are on the task itself
        data = {k: v for k, v in task.items() if isinstance(v, str)}
        results = []
        for k, v in task.items():
            if isinstance(v, list) and v and all(isinstance(r, dict) and "start" in r and "labels" in r for r in v):
                results += [({"type": "labels", "value": r, "id": r.get("id")}, (k, i)) for i, r in enumerate(v)]
        d.source = "json-min"
    d.text = _text_of(data)
    if d.text is None:
        d.problems.append(Problem(name, lf(("data",)), f"{ti}/data", "task has no text (data.text)", "format"))
        return d.freeze()
    d.doc_id = declared_id(data)[0] or declared_id(task)[0]
    _regions(d, results, ti, lf, options)
    return d.freeze()


def _results(task: dict, ti: int, d: DocDraft, lf, options: ReadOptions) -> list:
    """The results to read, with their paths in the task; sets ``d.source`` to the annotation read."""
    key = "annotations" if task.get("annotations") else "completions"   # completions: Label Studio < 1.0
    anns = task.get(key) or []
    live = [(i, a) for i, a in enumerate(anns) if isinstance(a, dict) and not a.get("was_cancelled")]
    cancelled = sum(1 for a in anns if isinstance(a, dict) and a.get("was_cancelled"))
    preds = [(i, a) for i, a in enumerate(task.get("predictions") or []) if isinstance(a, dict)]
    if live:
        (i, a), part = live[0], key
        if len(live) > 1:
            msg = f"{len(live)} annotations; using the first (id {a.get('id')!r})"
            if options.strict:
                msg += ("; a pass holds one annotator's work: export one annotation per task "
                        "(filter by annotator in Label Studio's Data Manager)")
            d.problems.append(Problem(d.file, lf((key,)), f"{ti}/{key}", msg, "multiple-annotations",
                                      "error" if options.strict else "warning"))
    elif preds:
        (i, a), part = preds[0], "predictions"
        if cancelled:
            d.problems.append(Problem(d.file, lf((key,)), f"{ti}/{key}", f"{cancelled} annotation(s) cancelled "
                                      "(was_cancelled: true) and ignored; reading the predictions", "cancelled", "warning"))
        if len(preds) > 1:
            d.problems.append(Problem(d.file, lf(("predictions",)), f"{ti}/predictions",
                                      f"{len(preds)} predictions; using the first (model_version {a.get('model_version')!r})",
                                      "multiple-annotations", "warning"))
    else:
        if cancelled:
            d.problems.append(Problem(d.file, lf((key,)), f"{ti}/{key}", "every annotation of this task was cancelled "
                                      "(was_cancelled: true): the task is skipped, not read as an empty annotation",
                                      "cancelled", "warning"))
            d.source = "cancelled"
        return []
    d.source = f"{part}/{i}"
    res = a.get("result")
    if not isinstance(res, list):
        res = []
    return [(r, (part, i, "result", j)) for j, r in enumerate(res) if isinstance(r, dict)]


def _regions(d: DocDraft, results: list, ti: int, lf, options: ReadOptions) -> None:
    """Regions, relations and choices of one annotation; per-region results join their region by id."""
    attached: dict[str, list[Choice]] = {}
    spans: list[tuple[dict, tuple]] = []
    for r, p in results:
        fp = jp(ti, *p)
        rtype = r.get("type")
        val = r.get("value") if isinstance(r.get("value"), dict) else {}
        rid = None if r.get("id") is None else str(r.get("id"))
        if rtype == "relation":
            labs = tuple(str(x) for x in (r.get("labels") or []))
            d.relations.append(Relation(labs, str(r.get("from_id")), str(r.get("to_id")), lf(p), fp))
            continue
        per_region = rid is not None and "start" in val
        if rtype == "choices" or ("choices" in val and "start" not in val):
            c = Choice(str(r.get("from_name")), tuple(str(x) for x in (val.get("choices") or [])), lf(p), fp)
            (attached.setdefault(rid, []) if per_region and rid is not None else d.choices).append(c)
            continue
        if rtype == "textarea":
            txt = " ".join(str(t) for t in (val.get("text") or []) if str(t).strip()).strip()
            if txt:
                c = Choice("note", (txt,), lf(p), fp)
                (attached.setdefault(rid, []) if per_region and rid is not None else d.choices).append(c)
            continue
        if rtype is not None and not str(rtype).endswith("labels"):
            d.problems.append(Problem(d.file, lf(p), fp, f"result of type {rtype!r} ignored (only labels, choices, "
                                      "textarea and relations are read)", "format", "warning"))
            continue
        spans.append((r, p))
    for r, p in spans:
        _region(d, r, p, ti, lf, attached, options)
    ids = {reg.id for reg in d.regions}
    for rid, choices in attached.items():
        if rid not in ids:
            for c in choices:
                d.problems.append(Problem(d.file, c.line, c.path, f"per-region {c.name!r} for region {rid!r}, which has no "
                                          "label; ignored", "ref-region", "error" if options.strict else "warning"))
    if not options.strict:   # import checks relation ends itself, as errors
        for rel in d.relations:
            for end in (rel.from_id, rel.to_id):
                if end not in ids:
                    d.problems.append(Problem(d.file, rel.line, rel.path, f"relation end {end!r} names no labelled region "
                                              "of this task", "ref-region", "warning"))


def _region(d: DocDraft, r: dict, p: tuple, ti: int, lf, attached: dict, options: ReadOptions) -> None:
    fp = jp(ti, *p)
    val = r.get("value")
    if not isinstance(val, dict):
        val = {}
    if "start" not in val or "end" not in val:
        d.problems.append(Problem(d.file, lf(p + ("value",)), fp + "/value", f"region of type {r.get('type')!r} has no "
                                  "start/end character offsets (only Text regions are supported)", "format"))
        return
    labs = val.get("labels")
    if not isinstance(labs, list) or not [x for x in labs if isinstance(x, str)]:
        d.problems.append(Problem(d.file, lf(p + ("value",)), fp + "/value/labels", "region without a label", "label-inventory"))
        return
    labs = [x for x in labs if isinstance(x, str)]
    if len(labs) > 1 and not options.strict:
        d.problems.append(Problem(d.file, lf(p + ("value", "labels")), fp + "/value/labels",
                                  f"region has {len(labs)} labels ({', '.join(labs)}); one span per label", "multi-label", "warning"))
    bad = score_problem(r.get("score"), d.file, lf(p + ("score",)), fp + "/score")
    if bad:
        d.problems.append(bad)
    rid = None if r.get("id") is None else str(r.get("id"))
    vtext = val.get("text") if isinstance(val.get("text"), str) else None
    for lab in labs:
        d.regions.append(Region(lab, ((val.get("start"), val.get("end")),), lf(p + ("value",)), fp + "/value", rid, vtext,
                                as_score(r.get("score")), fp + "/value/labels", lf(p + ("value", "labels")),
                                choices=tuple(attached.get(rid, ())) if rid is not None else ()))


# ================================================================ writing pre-annotations

LABEL_CONTROL = {"QUOTE_CONTENT": "quote", "CUE": "quote", "SPEAKER": "quote"}   # any other label: "entity"


def write(doc_id: str, text: str, regions: list[PreRegion], relations: list[PreRelation], model_version: str | None) -> dict:
    """One task: the text and its id, and (when ``model_version`` is given) the regions as a prediction.
    Offsets are UTF-16 code units with ``value.text``, as the browser makes them."""
    task: dict = {"data": {"text": text, "doc_id": doc_id}}
    if model_version is None:
        return task
    result: list[dict] = []
    for r in regions:
        (s, e), = r.spans
        value = {"start": codepoints_to_utf16(text, s), "end": codepoints_to_utf16(text, e), "text": text[s:e]}
        result.append({"id": r.key, "from_name": LABEL_CONTROL.get(r.label, "entity"), "to_name": "text", "type": "labels",
                       "value": {**value, "labels": [r.label]}})
        if r.quote_type:
            result.append({"id": r.key, "from_name": "quote_type", "to_name": "text", "type": "choices",
                           "value": {**value, "choices": [r.quote_type]}})
        if r.note:
            result.append({"id": r.key, "from_name": "note", "to_name": "text", "type": "textarea",
                           "value": {**value, "text": [r.note]}})
    for rel in relations:
        result.append({"from_id": rel.a, "to_id": rel.b, "type": "relation", "direction": "right", "labels": [rel.type]})
    task["predictions"] = [{"model_version": model_version, "result": result}]
    return task
