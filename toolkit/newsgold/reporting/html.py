"""A self-contained HTML error report of one system against the gold (``newsgold report -o OUT.html``).

One file, nothing loaded from elsewhere: inline CSS, inline SVG charts, a few lines of
optional inline JavaScript (hovering a span outlines its counterpart in the other pane;
the page reads the same without it). Written atomically and deterministically: the same
predictions, gold and options give a byte-identical file (no timestamps, no absolute
paths of the gold, every list in a fixed order, numbers with fixed precision).

What it shows, top to bottom: the scoring signature and dataset version; a legend;
entity F1 per label (strict and partial) as bar charts with bootstrap CI whiskers;
quote figures; the stance confusion matrix when stance is scored; then every document.

Every outcome comes from the scorer itself, never from a second matcher: entities from
:func:`newsgold.scoring.entities.doc_table` (its ``errors`` list gives missed, spurious,
partial and wrong-type items; the rest of the gold and predicted spans are the exact
matches), quotes from :func:`newsgold.scoring.quotes.doc_stats` (kinds) and
:func:`newsgold.scoring.quotes.match_quotes` (the pairs it scores), stance from
:attr:`ScoreResult.errors`. Spans are filtered exactly as the scorer filters them
(label map, label subset, zones).

**Layout of a document.** The text is shown twice, gold on the left and predictions on
the right, one row per zone (headline, caption, body, ...) so the two panes stay
aligned; the zone type is a small grey label in the left gutter. Text is HTML-escaped
with its newlines kept (``white-space: pre-wrap``); the label tags are CSS generated
content, so each pane's text content is exactly the document text.

**Overlapping or nested spans** (predictions may overlap; the gold schema does not forbid
nesting either) cannot all be drawn inline without breaking the markup or hiding one
another. Within each pane, spans are placed inline in priority order (exact matches,
then wrong type, then partial, then missed/spurious; ties by position) whenever they
do not overlap a span already placed; every span left over is listed in the
"overlapping spans" table under the text, with the same outcome style, and a small
numbered marker (+n, a link to its table row) at its start offset in the text. No span
is dropped and the HTML nesting is always valid. A span that crosses a zone boundary is
drawn as fragments, the label tag on the last one.
"""
from __future__ import annotations

import bisect
import html
import math
import textwrap
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from newsgold.core.deprecation import positional_after_two
from newsgold.core.version import __version__
from newsgold.gold.read import Gold
from newsgold.reporting.alignment import DocAlignment, EntityLink, QuoteLink, StanceLink, align
from newsgold.scoring import api
from newsgold.scoring import entities as E

# Entity outcomes: CSS class suffix, legend name, legend explanation.
OUTCOMES = (
    ("correct", "matched", "exact span and type: the gold span and the prediction agree"),
    ("missed", "missed", "gold span left unmatched: no prediction overlaps it, or its overlaps matched better (left pane only)"),
    ("spurious", "spurious", "predicted span left unmatched (right pane only)"),
    ("partial", "partial (boundary)", "overlapping spans, same type, different boundaries"),
    ("wrongtype", "wrong type", "matched span with another type (with partial: boundaries and type both differ)"),
)
_PRIORITY = {"correct": 0, "wrongtype": 1, "partial": 2, "missed": 3, "spurious": 3}
_OUTCOME_NAME = {k: name for k, name, _ in OUTCOMES}

# Quote statuses, in legend order: CSS class suffix -> (legend name, legend explanation).
QUOTE_STATUS = {
    "matched": ("matched", "content matches exactly and the speaker is right (or unknown in the gold)"),
    "partial": ("partial content", "content overlaps (character Jaccard at least the threshold) but differs"),
    "wrongspk": ("wrong speaker", "content matches but the speaker resolves to another entity"),
    "missed": ("missed", "gold quote that no prediction matches"),
    "spurious": ("spurious", "predicted quote that matches no gold quote"),
}

CSS = """
:root{--fg:#1f2328;--muted:#656d76;--line:#d0d7de;--bg2:#f6f8fa}
*{box-sizing:border-box}
body{margin:0;padding:24px 28px 60px;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;\
color:var(--fg);background:#fff;max-width:1500px}
h1{font-size:1.6em;margin:0 0 .3em}h2{font-size:1.25em;margin:1.8em 0 .5em;padding-bottom:.2em;border-bottom:1px solid var(--line)}
h3{font-size:1.05em;margin:1.3em 0 .4em}
code,.mono{font:12.5px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,"Liberation Mono",monospace}
.sig{display:block;padding:8px 10px;background:var(--bg2);border:1px solid var(--line);border-radius:6px;word-break:break-all}
.meta{color:var(--muted);margin:.4em 0}
.meta b{color:var(--fg);font-weight:600}
table{border-collapse:collapse;margin:.4em 0 1em;font-size:13.5px}
th,td{border:1px solid var(--line);padding:3px 8px;text-align:left;vertical-align:top}
th{background:var(--bg2);font-weight:600}
td.n{text-align:right;font-variant-numeric:tabular-nums}
.warn{color:#9a6700}
.muted{color:var(--muted)}
.legend{display:grid;grid-template-columns:repeat(auto-fill,minmax(330px,1fr));gap:6px 22px;\
margin:.5em 0 1em;padding:10px 14px;border:1px solid var(--line);border-radius:6px;background:#fcfcfd}
.legend div{font-size:13.5px}
.legend .ent{margin-right:6px}
.charts{display:flex;flex-wrap:wrap;gap:10px 30px;align-items:flex-start}
svg.chart{font:12px system-ui,sans-serif;background:#fff}
svg.chart text{fill:#1f2328}
svg.chart .ax{stroke:#d0d7de;stroke-width:1}
svg.chart .b0{fill:#4e79a7}svg.chart .b1{fill:#a0cbe8}svg.chart .b2{fill:#59a14f}
svg.chart .wh{stroke:#1f2328;stroke-width:1.3}
svg.chart .na{fill:#8c959f;font-style:italic}
.ent{border-radius:3px;padding:0 1px;-webkit-box-decoration-break:clone;box-decoration-break:clone}
.ent[data-l]::after{content:attr(data-l);font:600 9.5px/1 system-ui,sans-serif;letter-spacing:.02em;margin-left:3px;\
padding:1px 3px;border-radius:3px;vertical-align:.2em;background:rgba(255,255,255,.75);\
color:#24292f;border:1px solid rgba(0,0,0,.18);white-space:nowrap}
.o-correct{background:#c8f0d2;border-bottom:2px solid #1a7f37}
.o-missed{background:#ffc9c9;border-bottom:2px solid #cf222e;\
text-decoration:underline wavy #cf222e;text-decoration-thickness:1px;text-underline-offset:3px}
.o-spurious{background:#ffdfb3;border-bottom:2.5px dotted #bc4c00}
.o-partial{background:#fff1a6;border-bottom:2px dashed #9a6700}
.o-wrongtype{background:#e4d4ff;border-bottom:3px double #6639ba}
.o-partial.o-wrongtype{background:linear-gradient(#fff1a6 0 50%,#e4d4ff 50% 100%);border-bottom:2px dashed #6639ba}
.ent.hl{outline:2px solid #0969da;outline-offset:1px}
.ovm{color:#0969da;text-decoration:none;font:600 10px/1 system-ui,sans-serif;vertical-align:.45em}
.ovm::after{content:"+" attr(data-n);padding:0 2px;border:1px solid #0969da;border-radius:3px;background:#ddf4ff}
.doc{margin-top:2.2em;padding-top:.4em;border-top:3px solid var(--line)}
.doc h2{border:0;margin-top:.3em}
.grid{display:grid;grid-template-columns:88px minmax(0,1fr) minmax(0,1fr);border:1px solid var(--line);border-radius:6px;overflow:hidden}
.grid>div{padding:6px 10px}
.grid .hd{background:var(--bg2);font-weight:600;font-size:13px;border-bottom:1px solid var(--line)}
.zl{font:11px/1.3 system-ui,sans-serif;color:#8c959f;text-transform:lowercase;\
border-top:1px solid #eaeef2;padding-top:9px!important;background:#fcfcfd;overflow-wrap:anywhere}
.txt{white-space:pre-wrap;overflow-wrap:anywhere;line-height:1.85;border-top:1px solid #eaeef2;border-left:1px solid #eaeef2}
.zodd{background:#fbfbfc}
.unscored{opacity:.5}
.nl{display:none}
.doc .counts{font-size:13px;color:var(--muted)}
.chip{display:inline-block;padding:0 7px;border-radius:10px;font-size:12px;font-weight:600;border:1px solid transparent;white-space:nowrap}
.q-matched{background:#c8f0d2;border-color:#1a7f37}
.q-partial{background:#fff1a6;border-color:#9a6700}
.q-wrongspk{background:#e4d4ff;border-color:#6639ba}
.q-missed{background:#ffc9c9;border-color:#cf222e}
.q-spurious{background:#ffdfb3;border-color:#bc4c00}
table.quotes{width:100%;table-layout:fixed}
table.quotes td{font-size:13.5px}
table.quotes col.st{width:130px}
.qc{font-style:italic}
.qc::before{content:"\\201C"}.qc::after{content:"\\201D"}
.ql{color:var(--muted);font-size:12.5px;display:block}
.ok{color:#1a7f37;font-weight:600}.bad{color:#cf222e;font-weight:600}
table.conf td.n{min-width:64px;text-align:center}
details{margin:.3em 0 1em}summary{cursor:pointer;color:#0969da}
"""

JS = """
(function(){
  function pairs(el){var p=el&&el.closest?el.closest('[data-p]'):null;\
return p?document.querySelectorAll('[data-p="'+p.getAttribute('data-p')+'"]'):[];}
  document.addEventListener('mouseover',function(e){pairs(e.target).forEach(function(x){x.classList.add('hl');});});
  document.addEventListener('mouseout',function(e){pairs(e.target).forEach(function(x){x.classList.remove('hl');});});
})();
"""


def esc(s) -> str:
    """HTML-escape text or an attribute value (carriage returns kept as character references)."""
    return html.escape("" if s is None else str(s), quote=True).replace("\r", "&#13;")


def _f(v, nd: int = 3) -> str:
    return "n/a" if v is None or (isinstance(v, float) and math.isnan(v)) else f"{v:.{nd}f}"


def _clean(v):
    return None if v is None or (isinstance(v, float) and math.isnan(v)) else float(v)


def _fig(entry: dict, name: str) -> tuple:
    """(value, ci_low, ci_high) of a figure, None where absent or not applicable."""
    f = entry["figures"].get(name) or {}
    lo, hi = f.get("ci") or (None, None)
    return _clean(f.get("value")), _clean(lo), _clean(hi)


# ---------------------------------------------------------------- outcomes from the scorer

@dataclass
class Item:
    """One span drawn in a pane, with its outcome(s) and its counterpart in the other pane."""

    start: int
    end: int
    label: str
    outcome: tuple
    key: str
    pair: str | None = None
    title: str = ""


def entity_items(links: Sequence[EntityLink], text: str, doc_no: int) -> tuple[list[Item], list[Item]]:
    """The gold and predicted items of one document drawn from its alignment (no matching here)."""
    g_items, p_items = [], []
    for n, link in enumerate(links):
        outcome, g, p = link.outcome, link.gold, link.pred
        pair = f"d{doc_no}-m{n}" if g is not None and p is not None else None
        desc = " + ".join(_OUTCOME_NAME[o] for o in outcome)
        if g is not None:
            tip = f"{g[2]} · gold · {desc} · {g[0]}–{g[1]}"
            if p is not None and outcome != ("correct",):
                tip += f" · predicted {p[2]} {p[0]}–{p[1]} “{text[p[0]:p[1]]}”"
            g_items.append(Item(g[0], g[1], g[2], outcome, f"d{doc_no}-g{n}", pair, tip))
        if p is not None:
            tip = f"{p[2]} · predicted · {desc} · {p[0]}–{p[1]}"
            if g is not None and outcome != ("correct",):
                tip += f" · gold {g[2]} {g[0]}–{g[1]} “{text[g[0]:g[1]]}”"
            p_items.append(Item(p[0], p[1], p[2], outcome, f"d{doc_no}-p{n}", pair, tip))
    return g_items, p_items


def split_inline(items: list[Item]) -> tuple[list[Item], list[Item]]:
    """Non-overlapping items to draw inline, and the rest (see the module docstring)."""
    order = sorted(items, key=lambda it: (min(_PRIORITY[o] for o in it.outcome), it.start, -(it.end - it.start), it.label, it.key))
    starts: list[int] = []
    placed: list[Item] = []
    rest: list[Item] = []
    for it in order:
        k = bisect.bisect_left(starts, it.start)
        clash = (k > 0 and placed[k - 1].end > it.start) or (k < len(placed) and placed[k].start < it.end)
        if clash or it.end <= it.start:
            rest.append(it)
        else:
            starts.insert(k, it.start)
            placed.insert(k, it)
    rest.sort(key=lambda it: (it.start, it.end, it.label, it.key))
    return placed, rest


# ---------------------------------------------------------------- text panes

def _cells(doc: dict) -> list[tuple[int, int, str | None]]:
    """The zones as (start, end, type), gaps filled, so the cells tile the text."""
    text_len = len(doc["text"])
    cells: list[tuple[int, int, str | None]] = []
    cur = 0
    for z in sorted(doc.get("zones") or [], key=lambda z: (z["start"], z["end"])):
        s, e = max(z["start"], cur), min(z["end"], text_len)
        if e <= s:
            continue
        if s > cur:
            cells.append((cur, s, None))
        cells.append((s, e, z["type"]))
        cur = e
    if cur < text_len or not cells:
        cells.append((cur, text_len, None))
    return cells


def _classes(it: Item) -> str:
    return "ent " + " ".join(f"o-{o}" for o in it.outcome)


def _frag(it: Item, a: int, b: int, inner: str) -> str:
    attrs = [f'class="{_classes(it)}{" cont" if a > it.start else ""}"', f'data-k="{it.key}"']
    if it.pair:
        attrs.append(f'data-p="{it.pair}"')
    attrs.append(f'title="{esc(it.title)}"')
    if b == it.end:
        attrs.append(f'data-l="{esc(it.label)}"')
    return f"<span {' '.join(attrs)}>{inner}</span>"


def render_slice(text: str, s0: int, e0: int, inline: list[Item], markers: list[tuple[int, str]], last: bool) -> str:
    """HTML of text[s0:e0] with the inline items (non-overlapping) and markers (pos, html)."""
    marks = sorted(m for m in markers if s0 <= m[0] < e0 or (last and m[0] >= e0))

    def plain(a: int, b: int, final: bool = False) -> str:
        out, cur = [], a
        for pos, m in marks:
            if a <= pos < b or (final and pos >= b and pos >= a):
                p = min(max(pos, a), b)
                out.append(esc(text[cur:p]))
                out.append(m)
                cur = p
        out.append(esc(text[cur:b]))
        return "".join(out)

    out, cur = [], s0
    for it in inline:
        a, b = max(it.start, s0), min(it.end, e0)
        if b <= a:
            continue
        out.append(plain(cur, a))
        out.append(_frag(it, a, b, plain(a, b)))
        cur = b
    # the newlines that end a zone are kept in the DOM but not drawn: the row break shows them
    tail = e0
    while tail > cur and text[tail - 1] in "\r\n":
        tail -= 1
    if tail < e0 and not any(cur <= pos and (pos < e0 or last) for pos, _ in marks if pos >= tail):
        out.append(plain(cur, tail))
        out.append(f'<span class="nl">{esc(text[tail:e0])}</span>')
    else:
        out.append(plain(cur, e0, final=last))
    return "".join(out)


def render_panes(doc: dict, g_items: list[Item], p_items: list[Item], doc_no: int, setup, scored: bool) -> str:
    text = doc["text"]
    panes = []
    for side, items in (("gold", g_items), ("pred", p_items)):
        inline, rest = split_inline(items)
        markers = [(it.start, f'<a class="ovm" href="#ov-{it.key}" data-n="{n}" '
                              f'title="{esc(it.title)} (overlaps a span shown inline; see the table below)"></a>')
                   for n, it in enumerate(rest, 1)]
        panes.append((side, inline, rest, markers))
    out = ['<div class="grid">', '<div class="hd">zone</div><div class="hd">Gold</div><div class="hd">Predictions</div>']
    cells = _cells(doc)
    for i, (s, e, ztype) in enumerate(cells):
        cls = " zodd" if i % 2 else ""
        if setup.zones is not None and (ztype not in setup.zones):
            cls += " unscored"
        zlabel = ztype or "(no zone)"
        out.append(f'<div class="zl{cls}" title="zone {esc(zlabel)}, characters {s}–{e}">{esc(zlabel)}</div>')
        for side, inline, _, markers in panes:
            body = render_slice(text, s, e, inline, markers, last=i == len(cells) - 1)
            out.append(f'<div class="txt {side}{cls}" data-doc="{doc_no}" data-zone="{esc(zlabel)}">{body}</div>')
    out.append("</div>")
    over = [(side, it, n) for side, _, rest, _ in panes for n, it in enumerate(rest, 1)]
    if over:
        out.append(f"<h3>Overlapping spans ({len(over)})</h3>")
        out.append('<p class="muted">These spans overlap a span drawn inline in the same pane; '
                   "the numbered +n marker in the text shows where each one starts.</p>")
        out.append("<table><tr><th>#</th><th>pane</th><th>span</th><th>label</th><th>outcome</th><th>offsets</th><th>details</th></tr>")
        for side, it, n in over:
            pair = f' data-p="{it.pair}"' if it.pair else ""
            out.append(f'<tr id="ov-{it.key}"><td class="n">+{n}</td><td>{"gold" if side == "gold" else "predicted"}</td>'
                       f'<td><span class="{_classes(it)}" data-k="{it.key}"{pair} title="{esc(it.title)}" data-l="{esc(it.label)}">'
                       f"{esc(text[it.start:it.end])}</span></td><td>{esc(it.label)}</td>"
                       f'<td>{" + ".join(_OUTCOME_NAME[o] for o in it.outcome)}</td><td class="mono">{it.start}–{it.end}</td>'
                       f"<td>{esc(it.title)}</td></tr>")
        out.append("</table>")
    if not scored:
        out.append('<p class="muted">Entities are not scored in this report: no spans are drawn.</p>')
    return "\n".join(out)


# ---------------------------------------------------------------- quotes and stance of a document

def _span_text(text: str, spans) -> str:
    return " … ".join(text[s["start"]:s["end"]] for s in spans or [])


def _quote_cell(text: str, q: dict | None, side: str, resolved=None, other: dict | None = None) -> str:
    if q is None:
        return '<td class="muted">—</td>'
    content = q.get("content") or []
    offs = ", ".join(f"{s['start']}–{s['end']}" for s in content)
    parts = [f'<span class="qc">{esc(_span_text(text, content))}</span>',
             f'<span class="ql">{esc(q.get("type") or "no type")} · <span class="mono">{offs}</span></span>']
    cue = q.get("cue") if isinstance(q.get("cue"), dict) else None
    cue_s = f"“{esc(text[cue['start']:cue['end']])}” <span class=\"mono\">{cue['start']}–{cue['end']}</span>" if cue else "none"
    if cue and other is not None and isinstance(other.get("cue"), dict):
        oc = other["cue"]
        cue_s += ' <span class="ok">✓</span>' if (oc["start"], oc["end"]) == (cue["start"], cue["end"]) else ' <span class="bad">≠</span>'
    parts.append(f'<span class="ql">cue: {cue_s}</span>')
    sp = q.get("speaker") if isinstance(q.get("speaker"), dict) else None
    spk = f"“{esc(text[sp['start']:sp['end']])}” <span class=\"mono\">{sp['start']}–{sp['end']}</span>" if sp else "no span"
    if side == "gold":
        cl = esc(q.get("speaker_cluster") or "unknown")
    else:
        given = [f"cluster {esc(q['speaker_cluster'])}" if q.get("speaker_cluster") else "",
                 f"name “{esc(q['speaker_name'])}”" if q.get("speaker_name") else ""]
        cl = " · ".join(x for x in given if x) or "none given"
        want = (other or {}).get("speaker_cluster")
        verdict = "" if not want else (' <span class="ok">✓</span>' if resolved == want else ' <span class="bad">✗</span>')
        cl += (f" → resolves to <b>{esc(resolved)}</b>" if resolved else " → resolves to no gold entity") + verdict
    parts.append(f'<span class="ql">speaker: {spk}</span><span class="ql">speaker cluster: {cl}</span>')
    return "<td>" + "".join(parts) + "</td>"


def render_quotes(doc: dict, links: Sequence[QuoteLink]) -> str:
    """The quote table of one document: one row per gold quote, predicted quote or matched pair."""
    text = doc["text"]
    if not links:
        return '<p class="muted">No quotes in the gold or the predictions.</p>'
    counts = Counter(s for r in links for s in r.status)
    summary = " · ".join(f"{counts[k]} {name}" for k, (name, _) in QUOTE_STATUS.items() if counts[k])
    out = [f'<p class="counts">{summary}</p>',
           '<table class="quotes"><colgroup><col class="st"><col><col></colgroup>'
           "<tr><th>status</th><th>gold</th><th>predicted</th></tr>"]
    names = {k: n for k, (n, _) in QUOTE_STATUS.items()}
    for r in links:
        chips = " ".join(f'<span class="chip q-{s}">{names[s]}</span>' for s in r.status)
        out.append(f'<tr class="qrow {" ".join("q-" + s + "-row" for s in r.status)}"><td>{chips}</td>'
                   + _quote_cell(text, r.gold, "gold", other=r.pred)
                   + _quote_cell(text, r.pred, "pred", r.resolved, other=r.gold) + "</tr>")
    out.append("</table>")
    return "\n".join(out)


def render_stance_doc(doc: dict, links: Sequence[StanceLink]) -> str:
    """The stance table of one document: each gold item with the label the system gave it."""
    if not links:
        return '<p class="muted">No stance items in the gold.</p>'
    targets = {t["id"]: t for t in (doc.get("stance") or {}).get("targets", [])}
    out = ["<table><tr><th>item</th><th>holder</th><th>target</th><th>gold</th><th>predicted</th><th></th></tr>"]
    for link in links:
        s, pl = link.item, link.predicted
        mark = '<span class="ok">✓</span>' if link.correct else ('<span class="bad">✗</span>' if pl else '<span class="bad">unlabelled</span>')
        t = targets.get(s["target"], {})
        out.append(f'<tr><td class="mono">{esc(s["id"])}</td><td>{esc(s["holder"])}</td>'
                   f'<td title="{esc(t.get("description", ""))}">{esc(s["target"])}</td><td>{esc(s["label"])}</td>'
                   f"<td>{esc(pl or '—')}</td><td>{mark}</td></tr>")
    out.append("</table>")
    return "\n".join(out)


# ---------------------------------------------------------------- corpus figures

def chart_title(base: str, entry: dict, with_ci: str) -> tuple[str, str | None]:
    """A chart's title and, when the task has no intervals, the reason to print under it
    (the same words as the note at the top of the report)."""
    if entry.get("ci_reason"):
        return f"{base} (no confidence intervals)", str(entry["ci_reason"])
    return f"{base} ({with_ci})", None


def bar_chart(title: str, rows: list[tuple[str, list[tuple]]], series: list[str], note: str | None = None) -> str:
    """Horizontal bars in [0, 1] with CI whiskers: rows of (name, [(value, lo, hi) per series]).

    ``note`` (why there are no whiskers) is printed under the title, wrapped to the chart's width."""
    lw, cw, bh, gap = 150, 360, 13, 10
    lines = textwrap.wrap(note, 88) if note else []
    shift = 14 * len(lines)
    top = 40 + shift
    k = len(series)
    height = top + len(rows) * (k * bh + gap) + 22
    width = lw + cw + 70
    label = f"{title}: {note}" if note else title
    out = [f'<svg class="chart" width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" aria-label="{esc(label)}">',
           f"<title>{esc(label)}</title>", f'<text x="0" y="14" font-weight="600">{esc(title)}</text>']
    out += [f'<text class="na" x="0" y="{28 + 14 * j}" font-size="11">{esc(line)}</text>' for j, line in enumerate(lines)]
    lx = lw
    for i, name in enumerate(series):
        out.append(f'<rect class="b{i}" x="{lx}" y="{21 + shift}" width="10" height="10"/>'
                   f'<text x="{lx + 14}" y="{30 + shift}">{esc(name)}</text>')
        lx += 14 + 8 * len(name) + 16
    for t in (0, 0.25, 0.5, 0.75, 1.0):
        x = lw + t * cw
        out.append(f'<line class="ax" x1="{x:.1f}" y1="{top - 4}" x2="{x:.1f}" y2="{height - 18}"/>'
                   f'<text x="{x:.1f}" y="{height - 5}" text-anchor="middle" fill="#656d76">{t:g}</text>')
    y = top
    for name, vals in rows:
        out.append(f'<text x="{lw - 8}" y="{y + k * bh / 2 + 4:.1f}" text-anchor="end">{esc(name)}</text>')
        for i, (v, lo, hi) in enumerate(vals):
            yy = y + i * bh
            if v is None:
                out.append(f'<text class="na" x="{lw + 4}" y="{yy + bh - 3}">n/a</text>')
                continue
            out.append(f'<rect class="b{i}" x="{lw}" y="{yy + 1}" width="{max(v, 0) * cw:.1f}" height="{bh - 2}">'
                       f"<title>{esc(name)} {esc(series[i])}: {_f(v)}"
                       + (f" (95% CI {_f(lo)}–{_f(hi)})" if lo is not None and hi is not None else "") + "</title></rect>")
            if lo is not None and hi is not None:
                x1, x2, ym = lw + lo * cw, lw + hi * cw, yy + bh / 2
                out.append(f'<path class="wh" d="M{x1:.1f} {ym:.1f}H{x2:.1f}'
                           f'M{x1:.1f} {ym - 4:.1f}V{ym + 4:.1f}M{x2:.1f} {ym - 4:.1f}V{ym + 4:.1f}"/>')
            out.append(f'<text x="{lw + cw + 6}" y="{yy + bh - 3}" font-size="11">{_f(v)}</text>')
        y += k * bh + gap
    out.append("</svg>")
    return "".join(out)


def _ci_cell(v, lo, hi) -> str:
    ci = f' <span class="muted">[{_f(lo)}, {_f(hi)}]</span>' if lo is not None and hi is not None else ""
    return f'<td class="n">{_f(v)}{ci}</td>'


def render_entity_figures(entry: dict) -> str:
    labels = entry.get("labels", [])
    rows = [("overall (micro)", [_fig(entry, f"overall/{s}/f1") for s in ("strict", "partial")]),
            ("macro", [_fig(entry, f"macro/{s}/f1") for s in ("strict", "partial")])]
    rows += [(lab, [_fig(entry, f"label/{lab}/{s}/f1") for s in ("strict", "partial")]) for lab in labels]
    title, note = chart_title("Entity F1 by label", entry, "95% bootstrap CI")
    out = ["<h2>Entities</h2>", '<div class="charts">', bar_chart(title, rows, ["strict", "partial"], note), "</div>"]
    out.append("<table><tr><th>scheme</th><th>precision</th><th>recall</th><th>F1</th></tr>")
    for s in E.SCHEMES:
        out.append(f"<tr><td>{s}</td>" + "".join(_ci_cell(*_fig(entry, f"overall/{s}/{m}")) for m in ("precision", "recall", "f1")) + "</tr>")
    out.append("</table>")
    c = entry["counts"]["overall"]
    out.append("<table><tr><th>scheme</th>" + "".join(f"<th>{o}</th>" for o in E.OUTCOMES) + "</tr>")
    for s in E.SCHEMES:
        out.append(f"<tr><td>{s}</td>" + "".join(f'<td class="n">{c[s][o]}</td>' for o in E.OUTCOMES) + "</tr>")
    out.append("</table>")
    out.append("<details><summary>per-label precision, recall and F1</summary><table><tr><th>label</th><th>scheme</th>"
               "<th>precision</th><th>recall</th><th>F1</th></tr>")
    for lab in labels:
        for s in ("strict", "partial"):
            out.append(f"<tr><td>{esc(lab)}</td><td>{s}</td>"
                       + "".join(_ci_cell(*_fig(entry, f"label/{lab}/{s}/{m}")) for m in ("precision", "recall", "f1")) + "</tr>")
    out.append("</table></details>")
    return "\n".join(out)


def render_quote_figures(entry: dict) -> str:
    names = [("content exact", "content_exact"), ("content overlap", "content_overlap"), ("cue", "cue"), ("end to end", "end_to_end")]
    rows = [(label, [_fig(entry, f"{key}/{m}") for m in ("precision", "recall", "f1")]) for label, key in names]
    acc = [("quote type", "type/accuracy"), ("speaker (mention)", "speaker_mention/accuracy"), ("speaker (entity)", "speaker_entity/accuracy")]
    arows = [(label, [_fig(entry, key)]) for label, key in acc]
    title, note = chart_title("Quote precision, recall, F1", entry, "95% CI")
    atitle, _ = chart_title("Quote accuracies on matched quotes", entry, "95% CI")
    out = ["<h2>Quotes</h2>", '<div class="charts">', bar_chart(title, rows, ["precision", "recall", "F1"], note),
           bar_chart(atitle, arows, ["accuracy"], note), "</div>"]
    value_head = "value" if entry.get("ci_reason") else "value (95% CI)"
    out.append(f"<details><summary>every quote figure</summary><table><tr><th>figure</th><th>{value_head}</th></tr>")
    for name in entry["figures"]:
        out.append(f"<tr><td>{esc(name)}</td>{_ci_cell(*_fig(entry, name))}</tr>")
    out.append("</table></details>")
    c = entry["counts"]
    out.append(f'<p class="meta">gold quotes <b>{c["gold"]}</b> · predicted <b>{c["pred"]}</b> · matched by overlap <b>{c["overlap_tp"]}</b>'
               f' · exactly <b>{c["exact_tp"]}</b> · end to end <b>{c["e2e_tp"]}</b></p>')
    return "\n".join(out)


def render_stance_figures(entry: dict) -> str:
    cm = entry["confusion"]
    out = ["<h2>Stance</h2>", "<h3>Confusion matrix (rows gold, columns predicted)</h3>",
           '<table class="conf"><tr><th>gold \\ predicted</th>' + "".join(f"<th>{esc(c)}</th>" for c in cm["columns"]) + "<th>total</th></tr>"]
    for g, row in zip(cm["labels"], cm["matrix"]):
        tot = sum(row)
        cells = []
        for j, v in enumerate(row):
            share = v / tot if tot else 0.0
            rgb = "26,127,55" if j < len(cm["labels"]) and cm["columns"][j] == g else "207,34,46"
            cells.append(f'<td class="n" style="background:rgba({rgb},{0.08 + 0.6 * share:.3f})" '
                         f'title="gold {esc(g)}, predicted {esc(cm["columns"][j])}: {v}">{v}</td>'
                         if v else '<td class="n muted">0</td>')
        out.append(f"<tr><th>{esc(g)}</th>{''.join(cells)}<td class=\"n\">{tot}</td></tr>")
    out.append("</table>")
    keys = ["classification/accuracy", "classification/macro_f1", "classification/f_avg"] + \
        [f"classification/{lab}/f1" for lab in cm["labels"]] + [f"end_to_end/{m}" for m in ("precision", "recall", "f1")]
    out.append("<table><tr><th>figure</th><th>value</th></tr>")
    for k in keys:
        if k in entry["figures"]:
            out.append(f"<tr><td>{esc(k)}</td>{_ci_cell(*_fig(entry, k))}</tr>")
    out.append("</table>")
    return "\n".join(out)


def render_legend() -> str:
    out = ['<h2 id="legend">Legend</h2>', '<div class="legend">']
    for k, name, expl in OUTCOMES:
        out.append(f'<div><span class="ent o-{k}" data-l="LABEL" title="{esc(name)}">Example</span> <b>{esc(name)}</b> — {esc(expl)}</div>')
    out.append('<div>Every span carries its <b>label</b> as a small tag; hover a span for its label, offsets and its counterpart '
               "(the counterpart in the other pane is outlined).</div>")
    out.append('<div><span class="zl" style="padding:0 4px">body</span> Zones: one row per zone (headline, caption, body, …), '
               "gold left, predictions right; faded rows are outside the scored zones.</div>")
    out.append('<div><a class="ovm" data-n="1"></a> A span that overlaps another span of the same pane; it is listed in the '
               "<i>overlapping spans</i> table under the text.</div>")
    for k, (name, expl) in QUOTE_STATUS.items():
        out.append(f'<div><span class="chip q-{k}">{esc(name)}</span> quote: {esc(expl)}</div>')
    out.append("</div>")
    return "\n".join(out)


# ---------------------------------------------------------------- the page

@positional_after_two("task", "label_map", "labels", "zones", "overlap", "resamples", "seed")
def build_report(predictions, gold=None, *, task: str = "all", label_map=None, labels=None, zones=None, overlap: float = 0.5,
                 resamples: int = 1000, seed: int = 12345, singletons: bool = True, coref_match: str = "exact") -> str:
    """The report as one HTML string (see :func:`write_report`).

    The predictions are scored once, with their errors; every outcome drawn comes from the
    :class:`~newsgold.reporting.alignment.Alignment` read off that result.
    """
    if not isinstance(predictions, (str, Path)):
        predictions = list(predictions)          # read twice: by score() and here
    setup = api.make_setup(gold, label_map, labels, zones, overlap, singletons=singletons, coref_match=coref_match)
    result = api.score(predictions, task=task, resamples=resamples, seed=seed, setup=setup, errors=True)
    preds, _ = api.load_predictions(predictions, setup)
    alignment = align(result, preds, setup)
    g = setup.gold
    systems = sorted({str(p["system"]) for p in preds.values() if p.get("system")})
    pred_name = str(predictions) if isinstance(predictions, (str, Path)) else "<predictions>"

    head = ["<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>NewsGold report · {esc(', '.join(systems) or pred_name)}</title>",
            f"<style>{CSS}</style>", "</head>", "<body>"]
    body = render_header(result, g, pred_name, systems)
    toc, docs_html = [], []
    for n, (doc_id, doc) in enumerate(g.docs.items()):
        section, summary = render_document(doc, n, alignment.docs[doc_id], doc_id in preds, setup, result.tasks)
        docs_html.append(section)
        toc.append(f'<li><a href="#doc-{n}">{esc(doc_id)}</a> <span class="muted">{esc("; ".join(summary))}</span></li>')
    body.append(f"<h2>Documents ({len(g.docs)})</h2><ul>{''.join(toc)}</ul>")
    body += docs_html
    body.append(f"<script>{JS}</script>")
    return "\n".join(head + body + ["</body>", "</html>"]) + "\n"


def render_header(result: api.ScoreResult, g: Gold, pred_name: str, systems: list[str]) -> list[str]:
    """The top of the page: what was scored, the signature, interval notes, warnings, legend and corpus figures."""
    body = ["<h1>NewsGold error report</h1>",
            f'<p class="meta">predictions <b>{esc(pred_name)}</b>'
            + (f" · system <b>{esc(', '.join(systems))}</b>" if systems else "")
            + f" · dataset version <b>{esc(g.version)}</b> (content hash <code>{esc(g.content_hash[:12])}</code>)"
            + f" · {result.n_documents} documents · tasks <b>{esc(', '.join(result.tasks))}</b> · newsgold {esc(__version__)}</p>",
            f'<code class="sig" id="signature">{esc(result.signature)}</code>']
    for task, entry in result.tasks.items():
        if entry.get("ci_reason"):            # said once per task: the charts then show no whiskers
            body.append(f'<p class="warn" data-ci-reason="{esc(task)}">{esc(task)}: no confidence intervals: {esc(entry["ci_reason"])}</p>')
    if result.warnings:
        body.append(f'<details><summary class="warn">{len(result.warnings)} warning(s) while reading the predictions</summary><ul>'
                    + "".join(f"<li class=\"mono\">{esc(w)}</li>" for w in result.warnings) + "</ul></details>")
    body.append(render_legend())
    for task, entry in result.tasks.items():
        view = FIGURE_VIEWS.get(task, render_task_figures)
        if view is not None:
            body.append(view(task, entry))
    return body


def render_task_figures(task: str, entry: dict) -> str:
    """The corpus figures of a task with no chart of its own: its headline figures (with their
    intervals) and its extra tables, as the task declares them (:mod:`newsgold.scoring.tasks`)."""
    from newsgold.scoring import tasks
    t = tasks.get(task)
    title, note = chart_title(task, entry, "95% bootstrap CI")
    out = [f"<h2>{esc(task)}</h2>", f"<h3>{esc(title)}</h3>", "<table><tr><th>figure</th><th>value</th></tr>"]
    out += [f"<tr><td>{esc(name)}</td>{_ci_cell(*_fig(entry, name))}</tr>" for name in t.headline_figures(entry)]
    out.append("</table>")
    if note:
        out.append(f'<p class="muted">{esc(note)}</p>')
    for table in t.tables(entry):
        out.append(f"<h3>{esc(table.title)}</h3><table><tr>" + "".join(f"<th>{esc(h)}</th>" for h in table.headers) + "</tr>")
        out += ["<tr>" + "".join(f"<td>{esc(c)}</td>" for c in row) + "</tr>" for row in table.rows]
        out.append("</table>")
    return "\n".join(out)


# The corpus-figure section of each task in the report, in the order of ``result.tasks``; a task
# not named here gets :func:`render_task_figures`; None: no section (document-level entities are
# reported in the text, JSON and CSV outputs only).
FIGURE_VIEWS: dict[str, Callable[[str, dict], str] | None] = {
    "entities": lambda _, entry: render_entity_figures(entry),
    "entities_document": None,
    "quotes": lambda _, entry: render_quote_figures(entry),
    "stance": lambda _, entry: render_stance_figures(entry),
}


def render_document(doc: dict, n: int, aligned: DocAlignment, predicted: bool, setup: api.Setup,
                    tasks: Mapping[str, dict]) -> tuple[str, list[str]]:
    """One document's section (panes, quotes, stance) and its one-line summary for the table of contents."""
    doc_id = doc["id"]
    part = [f'<section class="doc" id="doc-{n}" data-doc-id="{esc(doc_id)}">', f"<h2>{esc(doc_id)}</h2>"]
    md = doc.get("metadata") or {}
    info = [esc(md[k]) for k in ("headline", "publisher", "date") if md.get(k)]
    if info:
        part.append(f'<p class="meta">{" · ".join(info)}</p>')
    if not predicted:
        part.append('<p class="warn">No predictions for this document: every gold item counts as missed.</p>')
    summary = []
    g_items: list[Item] = []
    p_items: list[Item] = []
    if "entities" in tasks:
        g_items, p_items = entity_items(aligned.entities, doc["text"], n)
        c = Counter(o for it in g_items for o in it.outcome if o != "spurious")
        c["spurious"] = sum(1 for it in p_items if it.outcome == ("spurious",))
        line = " · ".join(f'<span class="ent o-{k}">{c[k]}</span> {name}' for k, name, _ in OUTCOMES)
        part.append(f'<p class="counts">entities: {len(g_items)} gold, {len(p_items)} predicted — {line}</p>')
        summary.append(f"{c['missed']} missed, {c['spurious']} spurious, {c['partial']} partial, {c['wrongtype']} wrong type")
    part.append(render_panes(doc, g_items, p_items, n, setup, "entities" in tasks))
    if "quotes" in tasks:
        part.append("<h3>Quotes</h3>")
        part.append(render_quotes(doc, aligned.quotes))
        bad = sum(1 for r in aligned.quotes if r.status != ("matched",))
        summary.append(f"{bad} quote error(s)")
    if "stance" in tasks:
        part.append("<h3>Stance</h3>")
        part.append(render_stance_doc(doc, aligned.stance))
    part.append("</section>")
    return "\n".join(part), summary


def write_report(predictions, out_path, force: bool = False, **score_kwargs) -> str:
    """Score ``predictions`` and write the HTML report to ``out_path`` atomically; returns the path written.

    An existing file that newsgold did not write is replaced only with ``force``
    (:func:`newsgold.core.storage.write_output`). ``score_kwargs`` are those of
    :func:`newsgold.scoring.api.score`: gold, task, label_map, labels, zones, overlap, resamples, seed.
    """
    from newsgold.core.storage import write_output
    page = build_report(predictions, **score_kwargs)
    write_output(out_path, page, force=force)
    return str(out_path)
