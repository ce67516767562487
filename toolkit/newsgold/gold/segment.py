"""Propose how a source file is cut into documents and zones.

The proposal is a starting point for a human or machine reviewer: the result is
written to ``seeds/manifest.json`` and reviewed there, never applied silently.
Pure functions: text in, plain dicts out.
"""
from __future__ import annotations

import re

_BOILERPLATE_LINES = {"Short Url", "Follow", "Share", "Print"}
_DATELINE = re.compile(r"^([A-Z][A-Z .'-]{1,40}):\s")
_CREDIT_TAIL = re.compile(r"\s\(([^()]{1,40})\)$")


def propose_documents(source_text: str) -> list[tuple[int, int]]:
    """Cut a source file into articles at runs of two or more blank lines.

    Returns ``(start, end)`` code-point ranges with surrounding blank lines trimmed.
    """
    ranges = []
    pos = 0
    for m in re.finditer(r"\n{3,}", source_text):
        ranges.append((pos, m.start()))
        pos = m.end()
    ranges.append((pos, len(source_text)))
    out = []
    for start, end in ranges:
        chunk = source_text[start:end]
        lead = len(chunk) - len(chunk.lstrip("\n"))
        trail = len(chunk) - len(chunk.rstrip())
        if start + lead < end - trail:
            out.append((start + lead, end - trail))
    return out


def _lines_with_breaks(text: str) -> list[tuple[int, int, str]]:
    """Non-blank lines as ``(start, end_including_following_blank_lines, stripped_line)``."""
    spans = []
    for m in re.finditer(r"[^\n]*\n*", text):
        if m.start() == m.end():
            continue
        spans.append((m.start(), m.end(), m.group().rstrip("\n")))
    return spans


def propose_zones(doc_text: str) -> list[dict]:
    """Label every stretch of a document with a zone; the zones tile the text.

    Heuristics for news web pages: the first line is the headline (and any repeat of
    it), lines starting with a bullet are bullets, 'Updated …' is a timestamp,
    'Short Url'/'Follow' are boilerplate, a line ending in '(Name)' before the first
    boilerplate line is a photo caption with its credit, '*With AFP' is a credit,
    an all-capitals 'CITY: ' prefix is a dateline, everything else is body.
    """
    zones: list[dict] = []

    def add(start: int, end: int, kind: str) -> None:
        if start >= end:
            return
        if zones and zones[-1]["type"] == kind and zones[-1]["end"] == start and kind in ("body", "boilerplate"):
            zones[-1]["end"] = end
        else:
            zones.append({"start": start, "end": end, "type": kind})

    lines = _lines_with_breaks(doc_text)
    headline = lines[0][2].strip() if lines else ""
    seen_boilerplate = False
    for start, end, line in lines:
        stripped = line.strip()
        if stripped == headline:
            add(start, end, "headline")
        elif stripped.startswith(("•", "-", "*")) and not stripped.startswith("*With"):
            add(start, end, "bullet")
        elif stripped.startswith("*With") or stripped.startswith("With "):
            add(start, end, "credit")
        elif stripped in _BOILERPLATE_LINES:
            seen_boilerplate = True
            add(start, end, "boilerplate")
        elif stripped.startswith("Updated "):
            seen_boilerplate = True
            add(start, end, "timestamp")
        elif not seen_boilerplate and (credit := _CREDIT_TAIL.search(line)):
            cut = start + credit.start() + 1
            add(start, cut, "caption")
            add(cut, end, "credit")
        else:
            m = _DATELINE.match(line)
            if m:
                add(start, start + m.end(), "dateline")
                add(start + m.end(), end, "body")
            else:
                add(start, end, "body")
    return zones
