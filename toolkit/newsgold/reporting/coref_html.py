"""A self-contained HTML view of coreference: gold and predicted clusters side by side, links marked.

``newsgold report PRED --html OUT.html --task coref --from FORMAT``. One file, inline CSS, no
script; deterministic (the same input gives the same bytes).

Per document, the gold clusters on the left and the predicted clusters on the right, each
cluster a list of its mentions in text order with their offsets. A mention is drawn

* **matched** when the other side has the same span,
* **missed** (left pane) when the predictions lack it, **spurious** (right pane) when the gold does;

and each mention after the first of its cluster shows its *link*, to the nearest earlier
mention of the same cluster (the chain a reader follows):

* a gold link is **missing** when the predictions do not put the two mentions in one cluster;
* a predicted link is **spurious** when the gold does not.

The figures at the top are the task's (:mod:`newsgold.reporting.coref`), with the signature.
"""
from __future__ import annotations

import html
from pathlib import Path

from newsgold.scoring.coref_task import CorefResult, gold_clusters

Span = tuple[int, int]
CSS = """
body{font:14px/1.45 system-ui,sans-serif;margin:1.5em;color:#222}
table.fig{border-collapse:collapse}table.fig td,table.fig th{padding:2px 8px;border-bottom:1px solid #ddd;text-align:right}
table.fig td:first-child,table.fig th:first-child{text-align:left}
.doc{margin:1.5em 0;border-top:2px solid #888}.panes{display:grid;grid-template-columns:1fr 1fr;gap:1.5em}
.cl{margin:.4em 0;padding:.3em .5em;border-left:4px solid #bbb;background:#fafafa}
.m{display:block}.matched{color:#1a5e20}.missed{color:#b71c1c;font-weight:600}.spurious{color:#e65100;font-weight:600}
.link{font-size:12px;margin-left:1.2em}.link.ok{color:#666}.link.missing{color:#b71c1c}.link.spurious{color:#e65100}
.sig{font-family:monospace;font-size:12px;word-break:break-all}
"""


def _mention(text: str, span: Span, status: str) -> str:
    s, e = span
    return f'<span class="m {status}">«{html.escape(text[s:e])}» <small>[{s}, {e})</small> {status}</span>'


def _link(text: str, antecedent: Span, status: str) -> str:
    label = {"ok": "linked to", "missing": "missing link to", "spurious": "spurious link to"}[status]
    return f'<span class="link {status}">↳ {label} «{html.escape(text[antecedent[0]:antecedent[1]])}»</span>'


def _pane(text: str, clusters: list[list[Span]], other: list[list[Span]], gold_side: bool) -> str:
    """One side's clusters; ``other`` decides matched mentions and whether each chain link holds."""
    where = {m: i for i, c in enumerate(other) for m in c}
    absent, bad = ("missed", "missing") if gold_side else ("spurious", "spurious")
    out = []
    for n, cluster in enumerate(sorted((sorted(c) for c in clusters), key=lambda c: c[0]), 1):
        rows = []
        for i, m in enumerate(cluster):
            rows.append(_mention(text, m, "matched" if m in where else absent))
            if i:
                prev = cluster[i - 1]
                together = m in where and prev in where and where[m] == where[prev]
                rows.append(_link(text, prev, "ok" if together else bad))
        out.append(f'<div class="cl"><b>{n}</b> ({len(cluster)} mention{"s" if len(cluster) > 1 else ""})'
                   + "".join(rows) + "</div>")
    return "".join(out) or "<p><i>no cluster</i></p>"


def _figures(result: CorefResult) -> str:
    from newsgold.reporting.coref import ROWS
    figs = result.entry["figures"]

    def cell(k: str) -> str:
        f = figs[k]
        ci = f"<br><small>[{100 * f['ci'][0]:.2f}, {100 * f['ci'][1]:.2f}]</small>" if f.get("ci") else ""
        return f"<td>{100 * f['value']:.2f}{ci}</td>"
    rows = "".join(f"<tr><td>{html.escape(label)}</td>" + "".join(cell(f"{key}/{x}") for x in ("recall", "precision", "f1"))
                   + "</tr>" for key, label in ROWS)
    rows += f"<tr><td>CoNLL F1</td><td></td><td></td>{cell('conll/f1')}</tr>"
    reason = result.entry.get("ci_reason")
    return ("<table class=fig><tr><th>metric</th><th>recall %</th><th>precision %</th><th>F1 %</th></tr>" + rows
            + "</table>" + (f"<p><small>intervals: {html.escape(reason)}</small></p>" if reason else ""))


def render(result: CorefResult, response: dict[str, list[list[Span]]], gold, name: str) -> str:
    """The whole page for the documents the result scored, in gold order."""
    from newsgold.gold.load import Gold, load_gold
    gold = gold if isinstance(gold, Gold) else load_gold(gold)
    parts = [f"<!doctype html><html lang=en><meta charset=utf-8><title>coreference: {html.escape(name)}</title>",
             f"<style>{CSS}</style><h1>Coreference: {html.escape(name)}</h1>",
             f"<p>{html.escape(result.options.describe())}; gold {html.escape(gold.version)}</p>",
             f'<p class="sig">{html.escape(result.signature)}</p>', _figures(result),
             "<p>Left: gold clusters; right: predicted clusters. <span class=missed>missed</span> / "
             "<span class=spurious>spurious</span> mentions; <span class='link missing'>missing</span> and "
             "<span class='link spurious'>spurious</span> links to the nearest earlier mention of the cluster.</p>"]
    for did in result.doc_ids:
        text = gold.text(did)
        key = gold_clusters(gold.docs[did])
        pred = [[(m[0], m[1]) for m in c] for c in response.get(did, [])]
        parts.append(f'<div class="doc"><h2>{html.escape(did)}</h2><div class="panes">'
                     f"<div><h3>gold ({len(key)} clusters)</h3>{_pane(text, key, pred, True)}</div>"
                     f"<div><h3>predicted ({len(pred)} clusters)</h3>{_pane(text, pred, key, False)}</div></div></div>")
    return "\n".join(parts) + "\n</html>\n"


def write(result: CorefResult, response: dict[str, list[list[Span]]], gold, out_path, name: str, force: bool = False) -> str:
    """Write the page atomically (an existing file newsgold did not write only with ``force``); returns its path."""
    from newsgold.core.storage import write_output
    write_output(Path(out_path), render(result, response, gold, name), force=force)
    return str(out_path)
