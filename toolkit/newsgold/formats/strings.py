"""String-only predictions, as LLM extractors give them: ``--from strings``.

Input: JSON Lines, one document per line (or one JSON array of such objects)::

    {"doc_id": "...",
     "entities": [{"text": "Donald Trump", "label": "PERSON"}, {"text": "Syria", "label": "GPE", "occurrence": 2}],
     "quotes":   [{"quote": "It's working out very well", "speaker": "Donald Trump"}]}

:func:`read` turns them into ordinary predictions records by finding each string in the
document text. **The alignment rule**:

1. Both sides are normalised: curly and angle quotation marks, primes and dashes become their
   ASCII forms and every run of whitespace one space; a quote string also loses quotation
   marks and whitespace around it (gold quote content excludes the marks).
2. An occurrence must not start or end inside a word (``Syria`` is not found in ``Syrian``).
   Exact (case-sensitive) occurrences are used when there are any, else case-insensitive ones.
3. Every occurrence is used, unless the item has ``"occurrence": n`` (1-based), which picks
   the n-th only. Entity items are placed longest string first, and an occurrence that
   overlaps a span already placed is skipped: with ``Donald Trump`` and ``Trump`` listed, the
   ``Trump`` inside ``Donald Trump`` is not a second mention.
4. An item whose string is not found (or has fewer than n occurrences), a duplicate item, or
   an item without a string is reported as a warning naming file, line and item, and is not
   scored; nothing is dropped silently. An unknown document id or an entity label outside the
   inventory (without ``--label-map``) is an error.

A quote's ``speaker`` string becomes ``speaker_name``, which the quote scorer resolves through
the gold clusters' names and aliases; ``type`` is passed through when given.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from newsgold.core.diagnostics import Problem
from newsgold.core.jsonio import iter_jsonl, json_objects, read_text
from newsgold.core.schema import ENTITY_LABELS, QUOTE_TYPES

_CANON = str.maketrans({"‘": "'", "’": "'", "‚": "'", "‛": "'", "′": "'", "`": "'", "´": "'",
                        "“": '"', "”": '"', "„": '"', "‟": '"', "″": '"', "«": '"', "»": '"',
                        "‹": "'", "›": "'", "–": "-", "—": "-", "‐": "-", "‑": "-", "−": "-",
                        "\u00a0": " "})
_QUOTE_MARKS = "\"'“”„‟«»‘’‚‛‹›"


@dataclass(frozen=True)
class NormalisedText:
    """A text after the normalisation of rule 1, with the original offset of every character."""

    text: str
    starts: tuple[int, ...]      # original offset of each normalised character
    folded: str                  # ``text`` lower-cased, character for character


def _fold(s: str) -> str:
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in s)


def normalise(text: str) -> NormalisedText:
    out: list[str] = []
    starts: list[int] = []
    for i, ch in enumerate(text.translate(_CANON)):
        if ch.isspace():
            if out and out[-1] == " ":
                continue
            ch = " "
        out.append(ch)
        starts.append(i)
    s = "".join(out)
    return NormalisedText(s, tuple(starts), _fold(s))


def needle(s: str, strip_marks: bool) -> str:
    s = re.sub(r"\s+", " ", s.translate(_CANON)).strip()
    if strip_marks:
        s = s.strip(_QUOTE_MARKS + " ").strip()
    return s


def _word_edge_ok(hay: str, pos: int, end: int) -> bool:
    before = hay[pos - 1] if pos > 0 else " "
    after = hay[end] if end < len(hay) else " "
    return not ((hay[pos].isalnum() and before.isalnum()) or (hay[end - 1].isalnum() and after.isalnum()))


def occurrences(doc: NormalisedText, original: str, needle: str) -> list[tuple[int, int]]:
    """Original (start, end) offsets of every occurrence of a normalised needle (rule 2)."""
    if not needle:
        return []
    for hay, pattern in ((doc.text, needle), (doc.folded, _fold(needle))):
        found = []
        pos = hay.find(pattern)
        while pos >= 0:
            end = pos + len(pattern)
            if _word_edge_ok(hay, pos, end):
                found.append((doc.starts[pos], doc.starts[end - 1] + 1))
            pos = hay.find(pattern, pos + 1)
        if found:
            return found
    return []


@dataclass(frozen=True)
class Where:
    file: str
    line: int
    doc_id: str

    def warn(self, path: str, message: str, rule: str = "unmatched-string") -> Problem:
        return Problem(self.file, self.line, path, message, rule, "warning")

    def error(self, path: str, message: str, rule: str) -> Problem:
        return Problem(self.file, self.line, path, message, rule)


def shorten(s: str, n: int = 60) -> str:
    return s if len(s) <= n else s[: n - 1] + "…"


def pick_occurrences(found: list[tuple[int, int]], item: dict, where: Where, path: str, what: str,
          problems: list[Problem]) -> list[tuple[int, int]]:
    """Rule 3: all occurrences, or the n-th; a miss is reported."""
    n = item.get("occurrence")
    if n is not None and not (isinstance(n, int) and not isinstance(n, bool) and n >= 1):
        problems.append(where.error(f"{path}/occurrence", f"'occurrence' must be a whole number from 1, got {n!r}", "strings"))
        return []
    if not found:
        problems.append(where.warn(path, f"{what} does not occur in document {where.doc_id!r} (after normalising quotation "
                                         "marks, dashes, whitespace and case): not scored"))
        return []
    if n is not None:
        if n > len(found):
            problems.append(where.warn(f"{path}/occurrence", f"{what} occurs {len(found)} time(s) in document {where.doc_id!r}, "
                                                             f"not {n}: not scored"))
            return []
        return [found[n - 1]]
    return found


def _entities(items, text: str, norm: NormalisedText, labels, where: Where, problems: list[Problem]) -> list[dict]:
    """Rule 3 for entities: longest strings first, no occurrence inside a span already placed."""
    if not isinstance(items, list):
        problems.append(where.error("entities", "'entities' must be a list of {\"text\", \"label\"} objects", "strings"))
        return []
    seen: set[tuple[str, str, object]] = set()
    valid = []
    for i, it in enumerate(items):
        path = f"entities/{i}"
        if not (isinstance(it, dict) and isinstance(it.get("text"), str) and it["text"].strip()):
            problems.append(where.warn(path, "an entity item needs a non-empty 'text' string: not scored", "strings-item"))
            continue
        label = it.get("label")
        if not isinstance(label, str) or (labels is not None and label not in labels):
            problems.append(where.error(f"{path}/label", f"label {label!r} of {it['text']!r} is not an OntoNotes label "
                                        f"({', '.join(ENTITY_LABELS)}); pass --label-map for other label sets", "label"))
            continue
        key = (needle(it["text"], False), label, it.get("occurrence"))
        if key in seen:
            problems.append(where.warn(path, f"duplicate item {it['text']!r} ({label}): counted once", "duplicate"))
            continue
        seen.add(key)
        valid.append((i, it, label))
    placed: list[dict] = []
    for i, it, label in sorted(valid, key=lambda v: (-len(needle(v[1]["text"], False)), v[0])):
        found = occurrences(norm, text, needle(it["text"], False))
        for s, e in pick_occurrences(found, it, where, f"entities/{i}", f"entity {shorten(it['text'])!r}", problems):
            if any(p["start"] < e and s < p["end"] for p in placed):
                continue
            placed.append({"start": s, "end": e, "text": text[s:e], "label": label})
    return sorted(placed, key=lambda x: (x["start"], x["end"], x["label"]))


def _quotes(items, text: str, norm: NormalisedText, where: Where, problems: list[Problem]) -> list[dict]:
    if not isinstance(items, list):
        problems.append(where.error("quotes", "'quotes' must be a list of {\"quote\", \"speaker\"} objects", "strings"))
        return []
    out = []
    for i, it in enumerate(items):
        path = f"quotes/{i}"
        if not (isinstance(it, dict) and isinstance(it.get("quote"), str) and needle(it["quote"], True)):
            problems.append(where.warn(path, "a quote item needs a non-empty 'quote' string: not scored", "strings-item"))
            continue
        found = occurrences(norm, text, needle(it["quote"], True))
        for s, e in pick_occurrences(found, it, where, path, f"quote {shorten(it['quote'])!r}", problems):
            q: dict = {"content": [{"start": s, "end": e, "text": text[s:e]}]}
            if isinstance(it.get("speaker"), str) and it["speaker"].strip():
                q["speaker_name"] = it["speaker"].strip()
            if it.get("type") in QUOTE_TYPES:
                q["type"] = it["type"]
            out.append(q)
    return out


def json_rows(path: Path, name: str):
    """(line, object, problems) from JSONL, or from one JSON array (line 0: no lines to name)."""
    head, problems = read_text(path, name)
    if head is None:
        yield 0, None, problems
        return
    if head.lstrip().startswith("["):
        try:
            data = json.loads(head)
        except ValueError as exc:
            yield 0, None, [Problem(name, 0, "", f"not valid JSON: {exc}", "json")]
            return
        for i, obj in enumerate(data, 1):
            yield i, obj, []
        return
    yield from iter_jsonl(path)


def read(path, gold=None, label_map=None, doc_id: str | None = None) -> tuple[list[dict], list[Problem]]:
    """String-only predictions as predictions records, with every problem (see the module doc).

    ``gold`` is a :class:`~newsgold.gold.read.Gold` or what :func:`load_gold` takes;
    ``label_map`` (name, path or loaded map) widens the accepted entity labels to its keys;
    ``doc_id`` names the document of an input line that carries none.
    """
    from newsgold.gold.load import Gold, load_gold
    from newsgold.scoring.predictions import load_label_map
    gold = gold if isinstance(gold, Gold) else load_gold(gold)
    mapping = load_label_map(str(label_map)) if isinstance(label_map, (str, Path)) else label_map
    labels = None if mapping is not None else set(ENTITY_LABELS)
    name = str(path)
    if not Path(path).exists():
        return [], [Problem(name, 0, "", "cannot open: No such file or directory", "file")]
    problems: list[Problem] = []
    records: dict[str, dict] = {}
    expected = "expected an object {\"doc_id\", \"entities\", \"quotes\"}"
    for line, obj in json_objects(json_rows(Path(path), name), name, problems, expected, "strings"):
        did = obj.get("doc_id", doc_id)
        if not isinstance(did, str) or did not in gold.docs:
            problems.append(Problem(name, line, "doc_id", f"unknown document id {did!r}", "ref-document"))
            continue
        if did in records:
            problems.append(Problem(name, line, "doc_id", f"second line for document {did!r}; one line per document", "unique-id"))
            continue
        text = gold.text(did)
        norm = normalise(text)
        where = Where(name, line, did)
        rec: dict = {"doc_id": did}
        if "entities" in obj:
            rec["entities"] = _entities(obj["entities"], text, norm, labels, where, problems)
        if "quotes" in obj:
            rec["quotes"] = _quotes(obj["quotes"], text, norm, where, problems)
        records[did] = rec
    return [records[k] for k in sorted(records)], problems
