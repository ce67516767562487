"""String-only predictions, as LLM extractors give them: ``--from strings``.

Input: JSON Lines, one document per line (or one JSON array of such objects)::

    {"doc_id": "...",
     "entities": [{"text": "Donald Trump", "label": "PERSON"}, {"text": "Syria", "label": "GPE", "occurrence": 2}],
     "quotes":   [{"quote": "It's working out very well", "speaker": "Donald Trump"}],
     "stance":   [{"holder": "Donald Trump", "target": "t1", "label": "favor"}]}

:func:`read` turns them into ordinary predictions records by finding each string in the
document text. **The scoring rule for string-only predictions** (:data:`RULE`, named in the
signature of every score computed from such input):

1. Both sides are normalised: curly and angle quotation marks, primes and dashes become their
   ASCII forms and every run of whitespace one space; a quote string also loses quotation
   marks and whitespace around it (gold quote content excludes the marks).
2. An occurrence must not start or end inside a word (``Syria`` is not found in ``Syrian``).
   Exact (case-sensitive) occurrences are used when there are any, else case-insensitive ones.
3. Every predicted item counts exactly once. Two items equal after normalisation (entities:
   same string, label and ``occurrence``; quotes: same string, ``occurrence``, speaker and
   type; stance: same fields) are one item: the repeat is reported and not counted again.
4. An entity item's spans are every occurrence of its string, or the n-th only with
   ``"occurrence": n`` (1-based). Placement does not depend on the order of the list: the
   strings are placed longest first (ties: in code-point order of the normalised string),
   and an occurrence that overlaps a span of a *different* string already placed is skipped
   (with ``Donald Trump`` and ``Trump`` listed, the ``Trump`` inside ``Donald Trump`` is not a
   second mention). The same string listed with two labels is two predictions at the same
   spans; the span-level matching then pairs at most one of them with the gold span.
5. A string that is not in the text (or has fewer than n occurrences) is **spurious**: it is
   kept in the record's ``unplaced`` list and counts as a false positive in the span-level
   entity and quote figures and in document-level entities (it never resolves to a gold
   entity there, whatever its name). An entity string found only inside longer listed strings
   adds no span; document-level scoring still counts its name, like any predicted name.
6. Stance items (``holder`` as a name or cluster id, ``target`` a target id, ``label``; or
   ``item`` and ``label``) are passed on as predictions records have them.
7. Malformed items (no string, a label outside the inventory without ``--label-map``) and
   unknown document ids are errors or warnings naming file, line and item; nothing is
   dropped silently. ``--doc-map`` maps the input's ids to document ids, as for other formats.

A quote's ``speaker`` string becomes ``speaker_name``, which the quote scorer resolves through
the gold clusters' names and aliases; ``type`` is passed through when given. Placement takes
O(n log n) steps in the number n of strings (one sort; each string looks up the positions of
its first word in an index of the text built once, and each character is claimed at most once).
"""
from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from newsgold.core.diagnostics import Problem
from newsgold.core.jsonio import RefusedValue, iter_jsonl, json_objects, loads, read_text
from newsgold.core.schema import ENTITY_LABELS, QUOTE_TYPES

RULE = "strings-2"      # the rule above; the signature's ``strings`` field (version 1: the order-dependent rule before it)

_CANON = str.maketrans({"‘": "'", "’": "'", "‚": "'", "‛": "'", "′": "'", "`": "'", "´": "'",
                        "“": '"', "”": '"', "„": '"', "‟": '"', "″": '"', "«": '"', "»": '"',
                        "‹": "'", "›": "'", "–": "-", "—": "-", "‐": "-", "‑": "-", "−": "-",
                        "\u00a0": " "})
_QUOTE_MARKS = "\"'“”„‟«»‘’‚‛‹›"
_WORD = re.compile(r"[^\W_]+")      # a run of characters for which str.isalnum() is true
_STANCE_KEYS = ("item", "holder", "target", "label", "score")
SPURIOUS = "counted as spurious"        # what becomes of a string not in the text (rule 5)


@dataclass
class NormalisedText:
    """A text after the normalisation of rule 1, with the original offset of every character,
    and (built on first use) where each word starts, exact and case-folded."""

    text: str
    starts: tuple[int, ...]      # original offset of each normalised character
    folded: str                  # ``text`` lower-cased, character for character
    _words: dict[bool, dict[str, list[int]]] = field(default_factory=dict, repr=False)

    def word_starts(self, folded: bool) -> dict[str, list[int]]:
        """Word -> positions where that whole word starts (in ``folded`` or ``text``)."""
        if folded not in self._words:
            index: defaultdict[str, list[int]] = defaultdict(list)
            for m in _WORD.finditer(self.folded if folded else self.text):
                index[m.group()].append(m.start())
            self._words[folded] = dict(index)
        return self._words[folded]


_SPACES = re.compile(r"\s+")     # \s is str.isspace()


def _fold(s: str) -> str:
    """Lower case, character for character (offsets keep their meaning). ``str.lower`` does that
    except for U+0130 (two characters in lower case) and a final capital sigma (lowered by context)."""
    if "\u0130" not in s and "\u03a3" not in s:
        return s.lower()
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in s)


def normalise(text: str) -> NormalisedText:
    """Rule 1 on a document text: marks and dashes canonical, each run of whitespace one space."""
    t = text.translate(_CANON)
    pieces: list[str] = []
    starts: list[int] = []
    pos = 0
    for m in _SPACES.finditer(t):
        a, b = m.span()
        pieces += (t[pos:a], " ")
        starts.extend(range(pos, a + 1))
        pos = b
    pieces.append(t[pos:])
    starts.extend(range(pos, len(t)))
    s = "".join(pieces)
    return NormalisedText(s, tuple(starts), _fold(s))


def needle(s: str, strip_marks: bool) -> str:
    s = _SPACES.sub(" ", s.translate(_CANON)).strip()
    if strip_marks:
        s = s.strip(_QUOTE_MARKS + " ").strip()
    return s


def _word_edge_ok(hay: str, pos: int, end: int) -> bool:
    before = hay[pos - 1] if pos > 0 else " "
    after = hay[end] if end < len(hay) else " "
    return not ((hay[pos].isalnum() and before.isalnum()) or (hay[end - 1].isalnum() and after.isalnum()))


def _candidates(doc: NormalisedText, hay: str, pattern: str, folded: bool) -> list[int]:
    """Positions where ``pattern`` may start: the starts of its first word when it begins with
    one (an occurrence cannot start inside a word), else every position ``str.find`` gives."""
    first = _WORD.match(pattern)
    if first is not None:
        return doc.word_starts(folded).get(first.group(), [])
    found, pos = [], hay.find(pattern)
    while pos >= 0:
        found.append(pos)
        pos = hay.find(pattern, pos + 1)
    return found


def occurrences(doc: NormalisedText, original: str, needle: str) -> list[tuple[int, int]]:
    """Original (start, end) offsets of every occurrence of a normalised needle (rule 2)."""
    if not needle:
        return []
    for folded, hay, pattern in ((False, doc.text, needle), (True, doc.folded, _fold(needle))):
        found = []
        for pos in _candidates(doc, hay, pattern, folded):
            end = pos + len(pattern)
            if hay.startswith(pattern, pos) and _word_edge_ok(hay, pos, end):
                found.append((doc.starts[pos], doc.starts[end - 1] + 1))
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
                     problems: list[Problem], miss: str = "not scored") -> list[tuple[int, int]]:
    """Rule 4: all occurrences, or the n-th; a bad ``occurrence`` is an error, a miss a warning
    that ends with ``miss`` (what becomes of the item: rule 5 for strings, counted as spurious)."""
    n = item.get("occurrence")
    if not _occurrence_ok(item, where, path, problems):
        return []
    if not found:
        problems.append(where.warn(path, f"{what} does not occur in document {where.doc_id!r} (after normalising quotation "
                                         f"marks, dashes, whitespace and case): {miss}"))
        return []
    if n is not None:
        if n > len(found):
            problems.append(where.warn(f"{path}/occurrence", f"{what} occurs {len(found)} time(s) in document {where.doc_id!r}, "
                                                             f"not {n}: {miss}"))
            return []
        return [found[n - 1]]
    return found


def _occurrence_ok(item: dict, where: Where, path: str, problems: list[Problem]) -> bool:
    n = item.get("occurrence")
    if n is not None and not (isinstance(n, int) and not isinstance(n, bool) and n >= 1):
        problems.append(where.error(f"{path}/occurrence", f"'occurrence' must be a whole number from 1, got {n!r}", "strings"))
        return False
    return True


def _unique(items: list[tuple[int, Any, tuple]], where: Where, section: str, problems: list[Problem],
            by_content: bool = False) -> list[tuple[int, Any, tuple]]:
    """Rule 3: items with equal keys are one item; every repeat is reported. The kept items come
    sorted by key, so nothing after depends on the list order; the one kept of equal keys is the
    first in content order when ``by_content`` (its other fields are output), else the first listed."""
    kept: dict[tuple, tuple[int, Any, tuple]] = {}
    for i, it, key in sorted(items, key=lambda v: (v[2], _item_key(v[1]) if by_content else "", v[0])):
        if key in kept:
            problems.append(where.warn(f"{section}/{i}", f"repeats item {section}/{kept[key][0]}: counted once", "duplicate"))
            continue
        kept[key] = (i, it, key)
    return list(kept.values())


def _entity_items(items: list, labels, where: Where, problems: list[Problem]) -> list[tuple[int, dict, tuple]]:
    """Well-formed entity items with their key (normalised string, label, occurrence)."""
    valid = []
    for i, it in enumerate(items):
        path = f"entities/{i}"
        if not (isinstance(it, dict) and isinstance(it.get("text"), str) and it["text"].strip()):
            problems.append(where.warn(path, "an entity item needs a non-empty 'text' string: not scored", "strings-item"))
            continue
        label = it.get("label")
        if not isinstance(label, str) or not label or (labels is not None and label not in labels):
            problems.append(where.error(f"{path}/label", f"label {label!r} of {it['text']!r} is not an OntoNotes label "
                                        f"({', '.join(ENTITY_LABELS)}); pass --label-map for other label sets", "label"))
            continue
        if _occurrence_ok(it, where, path, problems):
            valid.append((i, it, (needle(it["text"], False), label, it.get("occurrence") or 0)))
    return valid


@dataclass
class _Claims:
    """Which characters of the text are taken by a placed string (rule 4), and by which."""

    size: int
    owner: dict[tuple[int, int], str] = field(default_factory=dict)   # placed span -> its normalised string
    taken: bytearray = field(init=False)

    def __post_init__(self) -> None:
        self.taken = bytearray(self.size)

    def may_place(self, span: tuple[int, int], needle: str) -> bool:
        if span in self.owner:
            return self.owner[span] == needle
        return not any(self.taken[span[0]:span[1]])

    def place(self, span: tuple[int, int], needle: str) -> None:
        if span not in self.owner:
            self.owner[span] = needle
            self.taken[span[0]:span[1]] = b"\x01" * (span[1] - span[0])


def _entities(items, text: str, norm: NormalisedText, labels, where: Where, problems: list[Problem]) -> tuple[list[dict], list[dict]]:
    """Rules 3-5 for entities: (placed spans, unplaced items)."""
    if not isinstance(items, list):
        problems.append(where.error("entities", "'entities' must be a list of {\"text\", \"label\"} objects", "strings"))
        return [], []
    unique = _unique(_entity_items(items, labels, where, problems), where, "entities", problems)
    claims = _Claims(len(text))
    placed: dict[tuple[int, int, str], dict] = {}
    unplaced: list[dict] = []
    for i, it, (wanted, label, _) in sorted(unique, key=lambda v: (-len(v[2][0]), v[2])):
        spans = pick_occurrences(occurrences(norm, text, wanted), it, where, f"entities/{i}", f"entity {shorten(it['text'])!r}", problems,
                                 SPURIOUS)
        if not spans:
            unplaced.append({"text": wanted, "label": label})
            continue
        free = [sp for sp in spans if claims.may_place(sp, wanted)]
        if not free:
            unplaced.append({"text": wanted, "label": label, "inside": True})
        for s, e in free:
            claims.place((s, e), wanted)
            placed.setdefault((s, e, label), {"start": s, "end": e, "text": text[s:e], "label": label})
    return [placed[k] for k in sorted(placed)], sorted(unplaced, key=_item_key)


def _item_key(item: dict) -> str:
    return json.dumps(item, sort_keys=True, ensure_ascii=False)


def _quote_items(items: list, where: Where, problems: list[Problem]) -> list[tuple[int, dict, tuple]]:
    valid = []
    for i, it in enumerate(items):
        path = f"quotes/{i}"
        if not (isinstance(it, dict) and isinstance(it.get("quote"), str) and needle(it["quote"], True)):
            problems.append(where.warn(path, "a quote item needs a non-empty 'quote' string: not scored", "strings-item"))
            continue
        if _occurrence_ok(it, where, path, problems):
            speaker = it["speaker"].strip() if isinstance(it.get("speaker"), str) else ""
            qtype = it["type"] if it.get("type") in QUOTE_TYPES else ""
            valid.append((i, it, (needle(it["quote"], True), it.get("occurrence") or 0, speaker, qtype)))
    return valid


def _quotes(items, text: str, norm: NormalisedText, where: Where, problems: list[Problem]) -> tuple[list[dict], list[dict]]:
    """Rules 3-5 for quotes: (placed quotes, unplaced items)."""
    if not isinstance(items, list):
        problems.append(where.error("quotes", "'quotes' must be a list of {\"quote\", \"speaker\"} objects", "strings"))
        return [], []
    out: list[dict] = []
    unplaced: list[dict] = []
    for i, it, (wanted, _, speaker, qtype) in _unique(_quote_items(items, where, problems), where, "quotes", problems):
        extra = {k: v for k, v in (("speaker_name", speaker), ("type", qtype)) if v}
        spans = pick_occurrences(occurrences(norm, text, wanted), it, where, f"quotes/{i}", f"quote {shorten(it['quote'])!r}", problems,
                                 SPURIOUS)
        if not spans:
            unplaced.append({"quote": wanted, **extra})
        out += [{"content": [{"start": s, "end": e, "text": text[s:e]}], **extra} for s, e in spans]
    return sorted(out, key=_item_key), sorted(unplaced, key=_item_key)


def _stance(items, where: Where, problems: list[Problem]) -> list[dict]:
    """Rule 6: stance items as predictions records have them, each counted once (rule 3)."""
    if not isinstance(items, list):
        problems.append(where.error("stance", "'stance' must be a list of {\"holder\", \"target\", \"label\"} objects", "strings"))
        return []
    valid = []
    for i, it in enumerate(items):
        if not isinstance(it, dict):
            problems.append(where.error(f"stance/{i}", "a stance item is an object {\"holder\", \"target\", \"label\"} "
                                        "or {\"item\", \"label\"}", "strings"))
            continue
        extra = sorted(set(it) - set(_STANCE_KEYS))
        if extra:
            problems.append(where.error(f"stance/{i}", f"unknown field(s) {', '.join(extra)}; a stance item has "
                                        f"{', '.join(_STANCE_KEYS)}", "strings"))
            continue
        item = {k: (it[k].strip() if isinstance(it[k], str) and k == "holder" else it[k]) for k in _STANCE_KEYS if k in it}
        valid.append((i, item, (_item_key({k: v for k, v in item.items() if k != "score"}),)))
    return sorted((it for _, it, _ in _unique(valid, where, "stance", problems, by_content=True)), key=_item_key)


def json_rows(path: Path, name: str):
    """(line, object, problems) from JSONL, or from one JSON array read by the strict reader
    (line 0: no lines to name)."""
    head, problems = read_text(path, name)
    if head is None:
        yield 0, None, problems
        return
    if head.lstrip().startswith("["):
        try:
            data = loads(head)
        except RefusedValue as exc:
            yield 0, None, problems + [Problem(name, 0, "", str(exc), exc.rule)]
            return
        except ValueError as exc:
            yield 0, None, problems + [Problem(name, 0, "", f"not valid JSON: {exc}", "json")]
            return
        for i, obj in enumerate(data, 1):
            yield i, obj, []
        return
    yield from iter_jsonl(path)


def _record(obj: dict, did: str, text: str, labels, where: Where, problems: list[Problem]) -> dict:
    """One document's predictions record: placed items, stance, and the unplaced items (rule 5)."""
    norm = normalise(text)
    rec: dict = {"doc_id": did}
    unplaced: dict = {}
    if "entities" in obj:
        rec["entities"], unplaced["entities"] = _entities(obj["entities"], text, norm, labels, where, problems)
    if "quotes" in obj:
        rec["quotes"], unplaced["quotes"] = _quotes(obj["quotes"], text, norm, where, problems)
    if "stance" in obj:
        rec["stance"] = _stance(obj["stance"], where, problems)
    if unplaced:
        rec["unplaced"] = {"rule": RULE, **unplaced}
    return rec


def read(path, gold=None, label_map=None, doc_id: str | None = None,
         doc_map: Mapping[str, str] | str | Path | None = None) -> tuple[list[dict], list[Problem]]:
    """String-only predictions as predictions records, with every problem (see the module doc).

    ``gold`` is a :class:`~newsgold.gold.read.Gold` or what :func:`load_gold` takes;
    ``label_map`` (name, path or loaded map) widens the accepted entity labels to its keys;
    ``doc_id`` names the document of an input line that carries none; ``doc_map`` maps the
    input's ids to document ids (or is the file of such a map, as ``--doc-map``).
    """
    from newsgold.formats.identify import load_doc_map
    from newsgold.gold.load import Gold, load_gold
    from newsgold.gold.rules import lone_surrogates
    from newsgold.scoring.predictions import load_label_map
    gold = gold if isinstance(gold, Gold) else load_gold(gold)
    mapping = load_label_map(str(label_map)) if isinstance(label_map, (str, Path)) else label_map
    labels = None if mapping is not None else set(ENTITY_LABELS)
    name = str(path)
    problems: list[Problem] = []
    if isinstance(doc_map, (str, Path)):
        doc_map, map_problems = load_doc_map(doc_map)
        problems += map_problems
    if not Path(path).exists():
        return [], problems + [Problem(name, 0, "", "cannot open: No such file or directory", "file")]
    records: dict[str, dict] = {}
    expected = "expected an object {\"doc_id\", \"entities\", \"quotes\", \"stance\"}"
    for line, obj in json_objects(json_rows(Path(path), name), name, problems, expected, "strings"):
        bad_text = lone_surrogates(obj, name, line)
        if bad_text:       # a string that is not Unicode text could be neither found nor written out
            problems += bad_text
            continue
        did = obj.get("doc_id", doc_id)
        if doc_map and isinstance(did, str):
            did = doc_map.get(did, did)
        if not isinstance(did, str) or did not in gold.docs:
            problems.append(Problem(name, line, "doc_id", f"unknown document id {did!r}", "ref-document"))
            continue
        if did in records:
            problems.append(Problem(name, line, "doc_id", f"second line for document {did!r}; one line per document", "unique-id"))
            continue
        records[did] = _record(obj, did, gold.text(did), labels, Where(name, line, did), problems)
    return [records[k] for k in sorted(records)], problems + _spurious_note(name, records.values())


def _spurious_note(name: str, records) -> list[Problem]:
    """One line saying how many strings count as spurious because they are not in the text (rule 5)."""
    n = {k: sum(sum(not it.get("inside") for it in r.get("unplaced", {}).get(k, [])) for r in records) for k in ("entities", "quotes")}
    if not any(n.values()):
        return []
    return [Problem(name, 0, "unplaced", f"{n['entities']} entity string(s) and {n['quotes']} quote string(s) are not in the "
                    f"text and count as spurious in every figure, span-level and document-level (rule {RULE})", "unplaced", "warning")]
