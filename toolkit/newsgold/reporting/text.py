"""Rendering results as table, JSON, CSV or Markdown. No heavy imports: plain strings."""
from __future__ import annotations

import csv
import io
import json
from typing import TYPE_CHECKING

if TYPE_CHECKING:   # the alignment is read only when errors are shown: off the start-up of a plain score
    from newsgold.reporting.alignment import ErrorItem


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
    """The figures a table shows (the task's own choice); JSON and CSV carry every figure."""
    from newsgold.scoring import tasks
    return tasks.get(task).headline_figures(entry)


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
    from newsgold.scoring import tasks
    for task, entry in result.tasks.items():
        for table in tasks.get(task).tables(entry):
            parts += ["", table.title, render_table(table.headers, table.rows, md)]
    return "\n".join(parts)


def stance_reference_line(cm: dict) -> str:
    """The gold stance label distribution and the constant-NONE reference as one line (the datasheet's
    block); ``newsgold score`` shows the same rows as a table under its stance confusion."""
    from newsgold.scoring.stance import label_reference, reference_rows
    rows = reference_rows(cm)
    labels = [r for r in rows if not r[0].startswith("constant-NONE")]
    none = [r for r in rows if r[0].startswith("constant-NONE")]
    return ("stance labels in the gold: " + ", ".join(f"{k} {v}" for k, v in labels)
            + f" of {label_reference(cm)['items']} item(s); constant-NONE reference (every item NONE): "
            + ", ".join(f"{k.removeprefix('constant-NONE ')} {v}" for k, v in none))


ERROR_COLUMNS = ["task", "doc", "kind", "span", "gold", "predicted", "context"]


def render_score_with_errors(result, fmt: str) -> str:
    """Scores and the error list as ONE document in the format asked for: in JSON the errors are a
    key of the score object; in CSV they are rows of the same table (the figure columns empty, the
    error columns filled); in Markdown and as a table, a second table under the scores."""
    if fmt == "json":
        return json.dumps(result.to_dict(), ensure_ascii=False, indent=2, allow_nan=False)
    if fmt == "csv":
        from newsgold.reporting.alignment import error_items
        headers = ["signature", "task", "figure", "value", "ci95_low", "ci95_high", "ci_reason"] + ERROR_COLUMNS[1:]
        rows = [[result.signature] + r + [""] * (len(ERROR_COLUMNS) - 1) for r in score_rows(result, True, True)]
        rows += [[result.signature, row[0], "", "", "", "", ""] + row[1:]
                 for row in (_error_row(e, full=True) for e in error_items(result.errors))]
        return _csv(headers, rows)
    return render_score(result, fmt) + "\n" + render_errors(result, fmt)


def render_errors(result, fmt: str) -> str:
    """The scorer's error list: JSON as the scorer gives it, else a table (Markdown or plain) of the alignment's error items."""
    if fmt == "json":
        return json.dumps({"errors": result.errors}, ensure_ascii=False, indent=2, allow_nan=False)
    from newsgold.reporting.alignment import error_items
    rows = [_error_row(e) for e in error_items(result.errors)]
    return f"errors: {len(rows)}\n" + render_table(ERROR_COLUMNS, rows, markdown=fmt == "markdown")


def _error_row(e: ErrorItem, full: bool = False) -> list[str]:
    """One error item as a row; a table cuts its context to 120 characters (``full``: CSV keeps all of it)."""
    g, p = e.gold or {}, e.pred or {}
    where = g if "start" in g else p
    context = where.get("context") or ""
    return [e.task, e.doc_id, e.kind, f"{where.get('start', '')}:{where.get('end', '')}",
            g.get("label") or g.get("speaker_cluster") or g.get("item") or "",
            p.get("label") or p.get("speaker_cluster") or p.get("speaker_name") or "",
            context if full else context.replace("|", "/")[:120]]


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
    from newsgold.scoring import tasks
    rows = []
    for task, figs in res.tasks.items():
        for name, f in figs.items():
            if fmt != "csv" and not tasks.get(task).in_compare_table(name):
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
