"""The coreference score as text, JSON, CSV or markdown: one row per metric, recall, precision, F1 and intervals."""
from __future__ import annotations

import csv
import io
import json

from newsgold.scoring.coref_task import CorefResult

ROWS = (("mentions", "mention identification"), ("muc", "MUC"), ("bcub", "B³"), ("ceafm", "CEAF-m"),
        ("ceafe", "CEAF-e"), ("blanc", "BLANC"), ("lea", "LEA"))
FORMATS = ("text", "json", "csv", "markdown")


def _cell(fig: dict) -> str:
    v = f"{100 * fig['value']:.2f}"
    return v if not fig.get("ci") else f"{v} [{100 * fig['ci'][0]:.2f}, {100 * fig['ci'][1]:.2f}]"


def _table(result: CorefResult) -> list[list[str]]:
    figs = result.entry["figures"]
    rows = [[label, *(_cell(figs[f"{key}/{k}"]) for k in ("recall", "precision", "f1"))] for key, label in ROWS]
    rows.append(["CoNLL F1 (MUC, B³, CEAF-e)", "", "", _cell(figs["conll/f1"])])
    return rows


def _head(result: CorefResult) -> list[str]:
    e = result.entry
    lines = [f"coreference: {e['n_documents']} document(s); {result.options.describe()}"]
    if e.get("ci_reason"):
        lines.append(f"intervals: {e['ci_reason']}")
    return lines


def render(result: CorefResult, fmt: str = "text") -> str:
    """``fmt``: text (aligned table), json, csv, markdown; every one carries the signature."""
    if fmt == "json":
        return json.dumps(result.to_dict(), indent=2, ensure_ascii=False) + "\n"
    header = ["metric", "recall %", "precision %", "F1 %"]
    rows = _table(result)
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(["metric", "figure", "value", "ci_low", "ci_high", "signature"])
        for k, fig in result.entry["figures"].items():
            metric, _, figure = k.partition("/")
            lo, hi = fig["ci"] if fig.get("ci") else ("", "")
            w.writerow([metric, figure, f"{fig['value']:.6f}", lo if lo == "" else f"{lo:.6f}",
                        hi if hi == "" else f"{hi:.6f}", result.signature])
        return buf.getvalue()
    if fmt == "markdown":
        out = [f"| {' | '.join(header)} |", "| --- | ---: | ---: | ---: |"]
        out += [f"| {' | '.join(r)} |" for r in rows]
        return "\n".join([*(f"{h}  " for h in _head(result)), "", *out, "", f"`{result.signature}`", ""])
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(4)]
    out = [" ".join(c.ljust(widths[i]) if i == 0 else c.rjust(widths[i]) for i, c in enumerate(r)) for r in [header, *rows]]
    return "\n".join([*_head(result), "", *out, "", f"signature: {result.signature}", ""])


def render_compare(a: CorefResult, b: CorefResult, tests: dict[str, dict], fmt: str = "text",
                   resamples: int = 1000) -> str:
    """Paired tests of B minus A per figure (F1 of every metric in text and markdown, all in JSON and CSV)."""
    from newsgold.scoring.coref_task import signature_with_tests
    n = min(a.entry["n_documents"], b.entry["n_documents"])
    sig = signature_with_tests(a.signature, n, tests, resamples)
    if fmt == "json":
        return json.dumps({"signature": sig, "task": "coref", "options": a.options.describe(), "tests": tests},
                          indent=2, ensure_ascii=False) + "\n"
    keys = list(tests) if fmt == "csv" else [f"{m}/f1" for m, _ in ROWS] + ["conll/f1"]
    rows = [[k, *(_p(tests[k].get(f)) for f in ("a", "b", "delta", "p_paired_bootstrap", "p_randomization"))]
            for k in keys]
    header = ["figure", "A", "B", "B-A", "p bootstrap", "p randomization"]
    if fmt == "csv":
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\n").writerows([header + ["signature"], *(r + [sig] for r in rows)])
        return buf.getvalue()
    reason = next((t.get("p_randomization_reason") for t in tests.values() if t.get("p_randomization_reason")), None)
    head = [f"coreference, B minus A: {a.options.describe()}", *([f"p-values: {reason}"] if reason else [])]
    if fmt == "markdown":
        body = [f"| {' | '.join(header)} |", "| --- |" + " ---: |" * 5, *(f"| {' | '.join(r)} |" for r in rows)]
        return "\n".join([*head, "", *body, "", f"`{sig}`", ""])
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(6)]
    body = [" ".join(c.ljust(widths[i]) if i == 0 else c.rjust(widths[i]) for i, c in enumerate(r)) for r in [header, *rows]]
    return "\n".join([*head, "", *body, "", f"signature: {sig}", ""])


def _p(v) -> str:
    return "n/a" if v is None else f"{v:.4f}"
