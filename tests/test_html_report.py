"""The HTML error report: structure without a browser, then a real headless Chromium render.

Structure tests parse the page with the standard library's HTMLParser, checking that
tags nest (so overlapping spans never broke the markup), that each text pane's text is
exactly the document text, and that every scorer error is drawn with its outcome style.
The browser test runs only where Chromium is installed (``apt-get install chromium``).
"""
from __future__ import annotations

import itertools
import json
import os
import re
import shutil
import struct
import subprocess
import zlib
from collections import Counter, defaultdict
from html.parser import HTMLParser

import numpy as np
import pytest

from newsgold.cli import main as cli_main
from newsgold.core.repository import current
from newsgold.gold.load import Gold, load_gold
from newsgold.reporting import html as H
from newsgold.scoring.api import score

ROOT = current().root   # NEWSGOLD_HOME, when set, points the data tests at another copy
BASELINE = ROOT / "baselines" / "rules.jsonl"
OUTCOME_CLASSES = ("o-correct", "o-missed", "o-spurious", "o-partial", "o-wrongtype")
# background colours of the five outcome styles (see html_report.CSS)
OUTCOME_RGB = {"o-correct": (0xC8, 0xF0, 0xD2), "o-missed": (0xFF, 0xC9, 0xC9), "o-spurious": (0xFF, 0xDF, 0xB3),
               "o-partial": (0xFF, 0xF1, 0xA6), "o-wrongtype": (0xE4, 0xD4, 0xFF)}
VOID = {"meta", "br", "col", "img", "input", "link", "hr", "wbr", "area", "base", "source", "track", "embed", "param"}


class Page(HTMLParser):
    """What a reader of the page sees: panes' text, entity fragments, legend classes; nesting checked."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, list]] = []
        self.problems: list[str] = []
        self.doc: str | None = None
        self.doc_ids: list[str] = []
        self.panes: dict = defaultdict(list)            # (doc id, "gold"/"pred") -> text pieces
        self.frags: dict = defaultdict(list)            # (doc id, data-k) -> fragments
        self.in_pane = 0
        self.in_legend = False
        self.legend_classes: set = set()
        self.markers: Counter = Counter()               # doc id -> overlap markers in the text
        self.overflow_rows: Counter = Counter()         # doc id -> rows of the overlapping-spans table

    def handle_starttag(self, tag, attrs):
        a = {k: (v or "") for k, v in attrs}
        cls = set(a.get("class", "").split())
        sinks = []
        if tag == "section" and "data-doc-id" in a:
            self.doc = a["data-doc-id"]
            self.doc_ids.append(self.doc)
        if tag == "h2" and a.get("id") == "legend":
            self.in_legend = True
        elif tag == "h2" and self.in_legend:
            self.in_legend = False
        if self.in_legend:
            self.legend_classes |= cls
        if tag == "div" and "txt" in cls:
            sinks.append(self.panes[(self.doc, "gold" if "gold" in cls else "pred")])
            self.in_pane += 1
            cls.add("_pane")
        if "ent" in cls and "data-k" in a:
            text: list = []
            self.frags[(self.doc, a["data-k"])].append({"cls": cls, "title": a.get("title", ""), "label": a.get("data-l"),
                                                         "text": text, "inline": self.in_pane > 0})
            sinks.append(text)
        if tag == "a" and "ovm" in cls and self.doc:
            self.markers[self.doc] += 1
        if tag == "tr" and a.get("id", "").startswith("ov-"):
            self.overflow_rows[self.doc] += 1
        if tag not in VOID:
            self.stack.append((tag, sinks, "_pane" in cls))

    def handle_startendtag(self, tag, attrs):
        pass                                             # <rect/>, <line/>: nothing to track

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.stack:
            self.problems.append(f"stray </{tag}>")
            return
        open_tag, _, pane = self.stack.pop()
        if open_tag != tag:
            self.problems.append(f"</{tag}> closes <{open_tag}>")
        if pane:
            self.in_pane -= 1
        if tag == "section":
            self.doc = None

    def handle_data(self, data):
        for _, sinks, _ in self.stack:
            for s in sinks:
                s.append(data)

    def pane_text(self, doc_id: str, side: str) -> str:
        return "".join(self.panes[(doc_id, side)])

    def spans(self, doc_id: str):
        """Each drawn span of a document (its fragments joined): key -> (classes, text, title, inline)."""
        out = {}
        for (d, key), frs in self.frags.items():
            if d == doc_id:
                out[key] = (frs[0]["cls"], "".join("".join(f["text"]) for f in frs), frs[0]["title"], frs[0]["inline"])
        return out


def parse(page: str) -> Page:
    p = Page()
    p.feed(page)
    p.close()
    assert not p.problems, p.problems[:5]
    assert not p.stack, [t for t, _, _ in p.stack]
    return p


@pytest.fixture(scope="module")
def shipped(tmp_path_factory):
    """The real use: ``newsgold report baselines/rules.jsonl -o OUT`` on the shipped gold."""
    d = tmp_path_factory.mktemp("report")
    out = d / "report.html"
    assert cli_main(["report", str(BASELINE), "-o", str(out)]) == 0
    return out, score(str(BASELINE), errors=True), load_gold(None)


def test_single_self_contained_document(shipped):
    out, _, gold = shipped
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>\n<html") and page.endswith("</html>\n")
    for tag in ("<html", "<head>", "<body>", "</body>", "</html>", "<style>"):
        assert page.count(tag) == 1, tag
    assert not any("http" in d["text"] for d in gold.docs.values())   # so any http in the page would be a reference
    assert "http://" not in page and "https://" not in page
    assert not re.search(r"""(?:src|href|xlink:href|action)\s*=\s*["']?\s*(?!#)[^"'\s>]""", page), "only in-page #anchors"
    for bad in ("@import", "url(", "<link", "<img", "<iframe", "@font-face", "<script src"):
        assert bad not in page, bad
    assert not list(out.parent.glob(".*.tmp")), "atomic write left a temporary file"
    parse(page)


def test_content_matches_the_scorer(shipped):
    out, result, gold = shipped
    page = out.read_text(encoding="utf-8")
    p = parse(page)
    assert H.esc(result.signature) in page
    assert gold.version in page
    assert p.doc_ids == list(gold.docs)
    # the legend shows the five outcome styles
    assert set(OUTCOME_CLASSES) <= p.legend_classes
    for doc_id, doc in gold.docs.items():
        # each pane reads exactly as the document (escaping undone, newlines kept)
        assert p.pane_text(doc_id, "gold") == doc["text"]
        assert p.pane_text(doc_id, "pred") == doc["text"]
    missed = [e for e in result.errors if e["task"] == "entities" and e["kind"] == "missed"]
    assert missed, "the baseline misses some gold entities"
    for e in missed:
        g = e["gold"]
        drawn = [(cls, text) for cls, text, title, _ in p.spans(e["doc_id"]).values()
                 if f"gold · missed · {g['start']}–{g['end']}" in title]
        assert drawn == [({"ent", "o-missed"}, g["text"])], (e, drawn)
    # every other error kind has its style, on both sides where it has two
    style = {"spurious": ["o-spurious"], "partial": ["o-partial"], "wrong_type": ["o-wrongtype"],
             "partial_wrong_type": ["o-partial", "o-wrongtype"]}
    for e in result.errors:
        if e["task"] != "entities" or e["kind"] == "missed":
            continue
        spans = p.spans(e["doc_id"]).values()
        for side, item in (("gold", e["gold"]), ("predicted", e["pred"])):
            if item:
                hits = [cls for cls, text, title, _ in spans if title.startswith(f"{item['label']} · {side} ·")
                        and f" · {item['start']}–{item['end']}" in title and text == item["text"]]
                assert hits and all(set(style[e["kind"]]) <= c for c in hits), (e, hits)
    # entity counts: exact matches drawn on both sides equal the scorer's strict 'correct'
    n_correct = sum(1 for d in gold.docs for cls, *_ in p.spans(d).values() if "o-correct" in cls)
    assert n_correct == 2 * result.tasks["entities"]["counts"]["overall"]["strict"]["correct"]
    # quotes: one row per gold quote plus one per spurious prediction
    qc = result.tasks["quotes"]["counts"]
    n_spurious = sum(1 for e in result.errors if e["kind"] == "quote_spurious")
    assert page.count('<tr class="qrow') == qc["gold"] + n_spurious
    assert page.count("q-missed-row") == sum(1 for e in result.errors if e["kind"] == "quote_missed")
    assert page.count("q-wrongspk-row") >= sum(1 for e in result.errors if e["kind"] == "quote_wrong_speaker")


def test_byte_identical_and_returns_path(shipped, tmp_path):
    out, _, _ = shipped
    again = tmp_path / "sub" / "again.html"
    assert H.write_report(str(BASELINE), again) == str(again)
    assert again.read_bytes() == out.read_bytes()
    records = [json.loads(line) for line in BASELINE.read_text(encoding="utf-8").splitlines()]
    H.write_report(records[::-1], tmp_path / "records.html")     # records, in another order: same page but the name
    a = (tmp_path / "records.html").read_text(encoding="utf-8")
    assert a == out.read_text(encoding="utf-8").replace(H.esc(str(BASELINE)), H.esc("<predictions>"))


# ---------------------------------------------------------------- a synthetic gold with every case

TEXT = ("Acme Corp buys Beta Ltd\n\n"
        'John Smith said "we are happy" on Monday in Paris.\n'
        "The New York office & <Lab> closed.\n")


def _span(sub: str, nth: int = 0) -> dict:
    i = -1
    for _ in range(nth + 1):
        i = TEXT.index(sub, i + 1)
    return {"start": i, "end": i + len(sub), "text": sub}


def synthetic_gold() -> Gold:
    cut = TEXT.index("\n\n") + 2
    ments = [("Acme Corp", "ORG", "acme"), ("Beta Ltd", "ORG", "beta"), ("John Smith", "PERSON", "john"),
             ("Monday", "DATE", "monday"), ("Paris", "GPE", "paris"), ("The New York office", "ORG", "office"),
             ("New York", "GPE", "ny"), ("<Lab>", "ORG", "lab")]
    doc = {"id": "syn-01", "text": TEXT, "text_sha256": "0" * 64, "metadata": {"headline": "Acme Corp buys Beta Ltd"},
           "zones": [{"start": 0, "end": cut, "type": "headline"}, {"start": cut, "end": len(TEXT), "type": "body"}],
           "entities": {"mentions": [dict(_span(t), label=lab, cluster=c) for t, lab, c in ments],   # nested: New York in the office
                        "clusters": [{"id": c, "name": t, "type": lab, "aliases": [t]} for t, lab, c in ments]},
           "quotes": [{"id": "q1", "type": "direct", "content": [_span("we are happy")], "cue": _span("said"),
                       "speaker": _span("John Smith"), "speaker_cluster": "john"}],
           "stance": {"targets": [{"id": "t1", "kind": "topic", "description": "the takeover"}],
                      "items": [{"id": "s1", "holder": "john", "target": "t1", "label": "FAVOR", "evidence": ["q1"]},
                                {"id": "s2", "holder": "acme", "target": "t1", "label": "AGAINST", "evidence": []}]}}
    return Gold({"syn-01": doc}, "test", "f" * 64, "<test>")


def synthetic_predictions() -> list[dict]:
    ents = [("Acme Corp", "ORG"),            # matched
            ("Beta", "ORG"),                 # partial (boundary)
            ("John Smith", "ORG"),           # wrong type
            ("Paris", "GPE"),                # matched ...
            ("in Paris", "LOC"),             # ... and an overlapping spurious one
            ("happy", "PERSON"),             # spurious
            ("New York office", "LOC"),      # overlaps both nested gold spans
            ("New York", "GPE"),
            ("York office & <Lab", "ORG"),   # crosses two spans
            ("<Lab>", "ORG")]                # matched; needs escaping
    return [{"doc_id": "syn-01", "system": "synthetic <sys>",
             "entities": [dict(_span(t), label=lab) for t, lab in ents],
             "quotes": [{"content": [_span("we are happy")], "cue": _span("said"), "speaker_name": "Beta Ltd"},   # wrong speaker
                        {"content": [_span("Monday in Paris")], "speaker": None}],                              # spurious
             "stance": [{"item": "s1", "label": "FAVOR"}, {"item": "s2", "label": "NEUTRAL"}]}]


def test_overlaps_nesting_and_every_outcome(tmp_path):
    gold, preds = synthetic_gold(), synthetic_predictions()
    out = tmp_path / "syn.html"
    H.write_report(preds, out, gold=gold, resamples=20)
    page = out.read_text(encoding="utf-8")
    p = parse(page)                                   # nested gold and crossing predictions: tags still nest
    assert p.pane_text("syn-01", "gold") == TEXT and p.pane_text("syn-01", "pred") == TEXT
    assert "&lt;Lab&gt;" in page and "<Lab>" not in page and "synthetic &lt;sys&gt;" in page
    spans = p.spans("syn-01")
    gold_keys = [k for k in spans if "-g" in k]
    pred_keys = [k for k in spans if "-p" in k]
    assert len(gold_keys) == 8 and len(pred_keys) == 10   # every span drawn once, inline or in the table
    # spans drawn inline never overlap within a pane; the others are in the table, one marker each
    n_table = sum(1 for *_, inline in spans.values() if not inline)
    assert n_table >= 2 and p.markers["syn-01"] == n_table == p.overflow_rows["syn-01"]
    for keys in (gold_keys, pred_keys):
        inline = sorted(tuple(map(int, re.search(r"· (\d+)–(\d+)", spans[k][2]).groups())) for k in keys if spans[k][3])
        assert all(a[1] <= b[0] for a, b in itertools.pairwise(inline))
    seen = Counter(c for cls, *_ in spans.values() for c in cls if c.startswith("o-"))
    assert all(seen[c] for c in OUTCOME_CLASSES), seen
    by_text = {(text, k[k.rindex("-") + 1]): cls for k, (cls, text, _, _) in spans.items()}
    assert by_text[("Beta Ltd", "g")] == {"ent", "o-partial"} and by_text[("Beta", "p")] == {"ent", "o-partial"}
    assert by_text[("John Smith", "g")] == {"ent", "o-wrongtype"}
    assert by_text[("Monday", "g")] == {"ent", "o-missed"} and by_text[("happy", "p")] == {"ent", "o-spurious"}
    assert by_text[("<Lab>", "g")] == {"ent", "o-correct"}
    # quotes: the wrong speaker and the spurious quote; stance: the confusion matrix and per-item table
    assert page.count("q-wrongspk-row") == 1 and page.count("q-spurious-row") == 1
    assert "Confusion matrix" in page and 'title="gold AGAINST, predicted NEUTRAL: 1"' in page
    # the zone rows: headline then body, in both panes
    assert re.findall(r'class="txt gold[^"]*" data-doc="0" data-zone="([^"]+)"', page) == ["headline", "body"]


def test_split_inline_is_order_free():
    items = [H.Item(0, 10, "ORG", ("spurious",), "a"), H.Item(2, 5, "PERSON", ("correct",), "b"),
             H.Item(4, 8, "LOC", ("partial",), "c"), H.Item(8, 12, "GPE", ("missed",), "d")]
    inline, rest = H.split_inline(items)
    assert [i.key for i in inline] == ["b", "d"] and [i.key for i in rest] == ["a", "c"]
    assert [i.key for i in H.split_inline(items[::-1])[0]] == ["b", "d"]


# ---------------------------------------------------------------- a real browser

def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser"):
        path = shutil.which(name) or (f"/usr/bin/{name}" if os.path.exists(f"/usr/bin/{name}") else None)
        if path:
            return path
    return None


def _png_pixels(data: bytes) -> np.ndarray:
    """Decode an 8-bit RGB/RGBA non-interlaced PNG (what Chromium writes) to an (h, w, 3) array."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat = 8, []
    while pos < len(data):
        (n,) = struct.unpack(">I", data[pos:pos + 4])
        kind, body = data[pos + 4:pos + 8], data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            w, h, depth, ctype, _, _, interlace = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat.append(body)
        pos += 12 + n
    assert depth == 8 and ctype in (2, 6) and interlace == 0, (depth, ctype, interlace)
    bpp = 3 if ctype == 2 else 4
    raw = np.frombuffer(zlib.decompress(b"".join(idat)), dtype=np.uint8).reshape(h, 1 + w * bpp)
    img = np.zeros((h, w * bpp), dtype=np.uint8)
    prev = np.zeros(w * bpp, dtype=np.uint8)
    for y in range(h):
        f, line = raw[y, 0], raw[y, 1:]
        if f == 0:
            cur = line.copy()
        elif f == 1:                                   # Sub: running sum per channel, modulo 256
            cur = np.cumsum(line.reshape(w, bpp), axis=0, dtype=np.uint8).reshape(-1)
        elif f == 2:                                   # Up
            cur = line + prev
        else:                                          # Average, Paeth: sequential along the row
            cur_l, ln, pv = bytearray(len(line)), line.tolist(), prev.tolist()
            for x in range(len(ln)):
                a = cur_l[x - bpp] if x >= bpp else 0
                b = pv[x]
                if f == 3:
                    cur_l[x] = (ln[x] + ((a + b) >> 1)) & 255
                else:
                    c = pv[x - bpp] if x >= bpp else 0
                    pa, pb, pc = abs(b - c), abs(a - c), abs(a + b - 2 * c)
                    cur_l[x] = (ln[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
            cur = np.frombuffer(bytes(cur_l), dtype=np.uint8)
        img[y] = cur
        prev = cur
    return img.reshape(h, w, bpp)[:, :, :3]


def test_renders_in_headless_chromium(shipped, tmp_path):
    exe = _chromium()
    if exe is None:
        pytest.skip("Chromium not installed: apt-get install chromium")
    out, result, gold = shipped
    flags = [exe, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", "--no-first-run", "--hide-scrollbars",
             f"--user-data-dir={tmp_path / 'profile'}"]
    env = {**os.environ, "HOME": str(tmp_path)}
    url = out.resolve().as_uri()
    dom = subprocess.run(flags + ["--dump-dom", url], capture_output=True, text=True, timeout=60, env=env)
    assert dom.returncode == 0, dom.stderr[-2000:]
    p = parse(dom.stdout)
    assert p.doc_ids == list(gold.docs)
    for doc_id, doc in gold.docs.items():
        assert p.pane_text(doc_id, "gold") == doc["text"] and p.pane_text(doc_id, "pred") == doc["text"]
    drawn = Counter(c for d in gold.docs for cls, *_ in p.spans(d).values() for c in cls if c.startswith("o-"))
    kinds = Counter(e["kind"] for e in result.errors if e["task"] == "entities")
    assert drawn["o-missed"] == kinds["missed"] and drawn["o-spurious"] == kinds["spurious"] and drawn["o-correct"] > 0
    assert "error report" in dom.stdout and result.signature.split("|")[0] in dom.stdout

    shot = tmp_path / "shot.png"
    run = subprocess.run(flags + [f"--screenshot={shot}", "--window-size=1280,2000", url],
                         capture_output=True, text=True, timeout=60, env=env)
    assert run.returncode == 0 and shot.exists(), run.stderr[-2000:]
    data = shot.read_bytes()
    assert len(data) > 50_000, f"screenshot only {len(data)} bytes: blank page?"
    img = _png_pixels(data)
    assert img.shape[:2] == (2000, 1280)
    packed = (img[..., 0].astype(np.uint32) << 16) | (img[..., 1].astype(np.uint32) << 8) | img[..., 2]
    colours, counts = np.unique(packed, return_counts=True)
    assert len(colours) > 200, f"only {len(colours)} colours: blank page?"
    assert (packed != 0xFFFFFF).mean() > 0.05, "the page is almost all white"
    rgb = np.stack([(colours >> 16) & 255, (colours >> 8) & 255, colours & 255], axis=1).astype(int)
    for cls, want in OUTCOME_RGB.items():                 # the legend (top of the page) shows all five styles
        near = np.abs(rgb - np.array(want)).max(axis=1) <= 3
        assert counts[near].sum() >= 50, f"outcome colour of {cls} not on screen"
