"""Rendering results as table, JSON, CSV or Markdown. No heavy imports: plain strings."""
from __future__ import annotations

import csv
import io
import json

from newsgold.reporting.alignment import ErrorItem, error_items


def _fmt(v) -> str:
    return "n/a" if v is None else f"{v:.4f}"


def render_table(headers: list[str], rows: list[list], markdown: bool = False) -> str:
    cells = [[str(c) for c in headers]] + [[("" if c is None else str(c)) for c in r] for r in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    if markdown:
        lines = ["| " + " | ".join(c.ljust(w) for c, w in zip(cells[0], widths)) + " |",
                 "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
        lines += ["| " + " | ".join(c.ljust(w) for c, w in zip(r, widths)) + " |" for r in cells[1:]]
    else:
        lines = ["  ".join(c.ljust(w) for c, w in zip(cells[0], widths)).rstrip(),
                 "  ".join("-" * w for w in widths)]
        lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in cells[1:]]
    return "\n".join(lines)


def _csv(headers, rows) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(headers)
    w.writerows(rows)
    return buf.getvalue()


def headline_figures(task: str, entry: dict) -> list[str]:
    """The figures a table shows; JSON and CSV carry every figure."""
    figs = entry["figures"]
    if task == "entities":
        names = [f"overall/{s}/{m}" for s in ("strict", "exact", "partial", "type") for m in ("precision", "recall", "f1")]
        names += ["macro/strict/f1"] + [f"label/{lab}/strict/f1" for lab in entry.get("labels", [])]
        return names
    if task == "entities_document":
        return [k for k in figs if k.startswith("overall/")]
    if task == "quotes":
        return [k for k in figs if not k.startswith("by_type/")] + [k for k in figs if k.startswith("by_type/") and k.endswith("recall")]
    return ["classification/accuracy", "classification/macro_f1", "classification/f_avg"] + \
        [f"classification/{lab}/f1" for lab in ("FAVOR", "AGAINST", "NEUTRAL")] + \
        [f"end_to_end/{m}" for m in ("precision", "recall", "f1")]


def score_rows(result, full: bool, with_reason: bool = False) -> list[list]:
    """One row per figure; an interval the data cannot support shows 'n/a' (its reason in
    :func:`interval_notes`, or in the last column with ``with_reason``)."""
    rows = []
    for task, entry in result.tasks.items():
        names = list(entry["figures"]) if full else headline_figures(task, entry)
        for name in names:
            f = entry["figures"][name]
            lo, hi = f.get("ci") or (None, None)
            row = [task, name, _fmt(f["value"]), _fmt(lo), _fmt(hi)]
            if with_reason:
                row.append(f.get("ci_reason") or "")
            rows.append(row)
    return rows


def interval_notes(result) -> list[str]:
    """One line per task whose intervals were not computed, saying why (shown under every table)."""
    return [f"{task}: no confidence intervals: {entry['ci_reason']}" for task, entry in result.tasks.items() if entry.get("ci_reason")]


def render_score(result, fmt: str) -> str:
    if fmt == "json":
        return json.dumps(result.to_dict(), ensure_ascii=False, indent=2, sort_keys=False, allow_nan=False)
    headers = ["task", "figure", "value", "ci95_low", "ci95_high"]
    if fmt == "csv":
        return _csv(["signature"] + headers + ["ci_reason"], [[result.signature] + r for r in score_rows(result, True, True)])
    md = fmt == "markdown"
    parts = [f"{'**Signature**: `' + result.signature + '`' if md else 'signature: ' + result.signature}",
             f"documents: {result.n_documents}", ""]
    parts.append(render_table(headers, score_rows(result, False), md))
    notes = interval_notes(result)
    if notes:
        parts += [""] + [("- " if md else "") + n for n in notes]
    for task, entry in result.tasks.items():
        if task == "entities":
            c = entry["counts"]["overall"]
            rows = [[s] + [c[s][o] for o in ("correct", "incorrect", "partial", "missed", "spurious")] for s in c]
            parts += ["", "entity counts (overall)", render_table(["scheme", "correct", "incorrect", "partial", "missed", "spurious"], rows, md)]
        if task == "stance":
            cm = entry["confusion"]
            rows = [[f"gold {g}"] + r for g, r in zip(cm["labels"], cm["matrix"])]
            parts += ["", "stance confusion (rows gold, columns predicted)", render_table([""] + cm["columns"], rows, md)]
    return "\n".join(parts)


def render_score_with_errors(result, fmt: str) -> str:
    """Scores and the error list as ONE document: in JSON the errors are a key of the score object."""
    if fmt == "json":
        return json.dumps(result.to_dict(), ensure_ascii=False, indent=2, allow_nan=False)
    return render_score(result, fmt) + "\n" + render_errors(result, "table")


def render_errors(result, fmt: str) -> str:
    """The scorer's error list: JSON as the scorer gives it, else a table of the alignment's error items."""
    if fmt == "json":
        return json.dumps({"errors": result.errors}, ensure_ascii=False, indent=2, allow_nan=False)
    rows = [_error_row(e) for e in error_items(result.errors)]
    return f"errors: {len(rows)}\n" + render_table(["task", "doc", "kind", "span", "gold", "predicted", "context"], rows)


def _error_row(e: ErrorItem) -> list[str]:
    g, p = e.gold or {}, e.pred or {}
    where = g if "start" in g else p
    return [e.task, e.doc_id, e.kind, f"{where.get('start', '')}:{where.get('end', '')}",
            g.get("label") or g.get("speaker_cluster") or g.get("item") or "",
            p.get("label") or p.get("speaker_cluster") or p.get("speaker_name") or "",
            (where.get("context") or "").replace("|", "/")[:120]]


def _compare_notes(res) -> list[str]:
    """Per task: the tests that ran and the smallest p they can give, or why there are no p-values."""
    out = []
    for task, m in getattr(res, "methods", {}).items():
        if m.get("reason"):
            out.append(f"{task}: no p-values: {m['reason']}")
        else:
            out.append(f"{task}: {m['n_documents']} documents; paired bootstrap {m['paired_bootstrap']}; randomization "
                       f"{m['randomization']}; smallest attainable p {m['smallest_p']:.4g}")
    return out


def render_compare(res, fmt: str) -> str:
    if fmt == "json":
        return json.dumps(res.to_dict(), ensure_ascii=False, indent=2, allow_nan=False)
    headers = ["task", "figure", "A", "B", "B-A", "p_bootstrap", "p_randomization"]
    rows = []
    for task, figs in res.tasks.items():
        for name, f in figs.items():
            if fmt != "csv" and task == "entities" and name.startswith("label/"):
                continue
            row = [task, name, _fmt(f["a"]), _fmt(f["b"]), "n/a" if f["delta"] is None else f"{f['delta']:+.4f}",
                   _fmt(f["p_paired_bootstrap"]), _fmt(f["p_randomization"])]
            if fmt == "csv":
                row.append(f.get("p_randomization_reason") or f.get("p_paired_bootstrap_reason") or "")
            rows.append(row)
    if fmt == "csv":
        return _csv(["signature"] + headers + ["p_reason"], [[res.signature] + r for r in rows])
    md = fmt == "markdown"
    notes = [("- " if md else "") + n for n in _compare_notes(res)]
    return "\n".join([f"signature: {res.signature}", f"A: {res.a}", f"B: {res.b}", "", render_table(headers, rows, md)]
                     + ([""] + notes if notes else []))


def render_agreement(res: dict, fmt: str) -> str:
    if fmt == "json":
        return json.dumps(res, ensure_ascii=False, indent=2)
    headers = ["layer", "figure", "value", "n"]
    rows = [[r["layer"], r["figure"], _fmt(r["value"]), r.get("n", "")] for r in res["figures"]]
    if fmt == "csv":
        return _csv(headers, rows)
    md = fmt == "markdown"
    out = [f"A: {res['a']}", f"B: {res['b']}", "", render_table(headers, rows, md), "",
           f"disagreements: {len(res['disagreements'])}"]
    if res["disagreements"]:
        out.append(render_table(["doc", "layer", "kind", "A", "B"],
                          [[d["doc_id"], d["layer"], d["kind"], d.get("a", ""), d.get("b", "")] for d in res["disagreements"]], md))
    return "\n".join(out)
