"""Coreference clusters in JSON: character spans (``--from coref-json``) or strings only (``--from coref-strings``).

Both read JSON Lines, one document a line (or one JSON array of such objects), keyed by
``doc_id``, and give per document a list of clusters of ``(start, end)`` code-point spans of
the gold text.

**coref-json** (fastcoref, maverick-coref, an LLM asked for offsets)::

    {"doc_id": "...", "clusters": [[[0, 12], [40, 45]], [[60, 63], [80, 82]]]}

Offset unit: Unicode code points of the document text, end exclusive (fastcoref's
``get_clusters(as_strings=False)``). A mention may also be ``{"start": 0, "end": 12,
"text": "Donald Trump"}``; a ``text`` that differs from the document's text there is reported.
A tool that writes the last character's offset instead (maverick-coref's
``clusters_char_offsets``) is read with ``"end": "inclusive"`` on the line.

**coref-strings** (offset-free LLM output)::

    {"doc_id": "...", "clusters": [["Donald Trump", "Trump"], ["Syria", {"text": "it", "occurrence": 2}]]}

Each string is aligned as :mod:`newsgold.formats.strings` aligns entity strings (its rules
1-3: normalised quotation marks, dashes, whitespace and case; whole words; every occurrence, or
the n-th with ``occurrence``; longest strings first, an occurrence inside a span already placed
skipped). An occurrence already taken by another cluster stays with the first. Every string not
found is reported as a warning naming file, line and item.
"""
from __future__ import annotations

from pathlib import Path

from newsgold.core.diagnostics import Problem
from newsgold.core.jsonio import json_objects
from newsgold.formats.strings import Where, json_rows, needle, normalise, occurrences, pick_occurrences, shorten

Span = tuple[int, int]


def _int(v) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _span(m, text: str, inclusive: bool, where: Where, path: str, problems: list[Problem]) -> Span | None:
    """One mention as a code-point span of ``text``, or None (reported)."""
    given = None
    if isinstance(m, dict):
        given = m.get("text")
        m = [m.get("start"), m.get("end")]
    if not (isinstance(m, list) and len(m) == 2 and all(_int(x) for x in m)):
        problems.append(where.error(path, f"a mention is [start, end] or {{\"start\", \"end\"}} with integers, got {m!r}",
                                    "coref-json"))
        return None
    s, e = m[0], m[1] + (1 if inclusive else 0)
    if not 0 <= s < e <= len(text):
        problems.append(where.error(path, f"span [{m[0]}, {m[1]}] is outside the document ({len(text)} characters) "
                                          "or empty", "span-bounds"))
        return None
    if isinstance(given, str) and given != text[s:e]:
        problems.append(where.warn(f"{path}/text", f"text {shorten(given)!r} differs from the document's "
                                                   f"{shorten(text[s:e])!r} at [{s}, {e})", "span-text"))
    return (s, e)


def _char_clusters(obj: dict, text: str, where: Where, problems: list[Problem]) -> list[list[Span]]:
    inclusive = obj.get("end") == "inclusive"
    out = []
    for i, cluster in enumerate(obj["clusters"]):
        if not isinstance(cluster, list):
            problems.append(where.error(f"clusters/{i}", "a cluster is a list of mentions", "coref-json"))
            continue
        spans = [_span(m, text, inclusive, where, f"clusters/{i}/{j}", problems) for j, m in enumerate(cluster)]
        out.append([s for s in spans if s is not None])
    return out


def _string_clusters(obj: dict, text: str, where: Where, problems: list[Problem]) -> list[list[Span]]:
    """Rules of :mod:`newsgold.formats.strings` for every string of every cluster (see the module doc)."""
    norm = normalise(text)
    items = []
    for i, cluster in enumerate(obj["clusters"]):
        if not isinstance(cluster, list):
            problems.append(where.error(f"clusters/{i}", "a cluster is a list of strings", "coref-strings"))
            continue
        for j, it in enumerate(cluster):
            item = {"text": it} if isinstance(it, str) else it
            if not (isinstance(item, dict) and isinstance(item.get("text"), str) and item["text"].strip()):
                problems.append(where.warn(f"clusters/{i}/{j}", "a mention needs a non-empty string: not scored",
                                           "strings-item"))
                continue
            items.append((i, j, item))
    placed: dict[Span, int] = {}
    out: list[list[Span]] = [[] for _ in obj["clusters"]]
    for i, j, item in sorted(items, key=lambda v: (-len(needle(v[2]["text"], False)), v[0], v[1])):
        found = occurrences(norm, text, needle(item["text"], False))
        for s, e in pick_occurrences(found, item, where, f"clusters/{i}/{j}", f"mention {shorten(item['text'])!r}", problems):
            if any(ps < e and s < pe for ps, pe in placed):
                continue
            placed[(s, e)] = i
            out[i].append((s, e))
    return [sorted(c) for c in out]


def _read(path, gold, strings: bool) -> tuple[dict[str, list[list[Span]]], list[Problem]]:
    from newsgold.gold.load import Gold, load_gold
    gold = gold if isinstance(gold, Gold) else load_gold(gold)
    name = str(path)
    if not Path(path).exists():
        return {}, [Problem(name, 0, "", "cannot open: No such file or directory", "file")]
    problems: list[Problem] = []
    out: dict[str, list[list[Span]]] = {}
    for line, obj in json_objects(json_rows(Path(path), name), name, problems, "expected an object {\"doc_id\", \"clusters\"}",
                                  "coref-json"):
        did = obj.get("doc_id")
        if not isinstance(did, str) or did not in gold.docs:
            problems.append(Problem(name, line, "doc_id", f"unknown document id {did!r}", "ref-document"))
            continue
        if did in out:
            problems.append(Problem(name, line, "doc_id", f"second line for document {did!r}; one line per document",
                                    "unique-id"))
            continue
        if not isinstance(obj.get("clusters"), list):
            problems.append(Problem(name, line, "clusters", "'clusters' must be a list of clusters", "coref-json"))
            continue
        where = Where(name, line, did)
        text = gold.text(did)
        out[did] = (_string_clusters if strings else _char_clusters)(obj, text, where, problems)
    return out, problems


def read(path, gold=None) -> tuple[dict[str, list[list[Span]]], list[Problem]]:
    """``coref-json``: clusters of character spans per document id, and every problem."""
    return _read(path, gold, strings=False)


def read_strings(path, gold=None) -> tuple[dict[str, list[list[Span]]], list[Problem]]:
    """``coref-strings``: clusters of mention strings aligned to the gold text, and every problem."""
    return _read(path, gold, strings=True)
