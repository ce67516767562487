"""The checks no JSON Schema can express: offsets against the text, references, duplicates.

Pure functions: a record, its document text and a ``line_of(path)`` function in, a
list of :class:`Problem` out. Used by ``newsgold validate``, by the loaders of gold
and predictions, and by the scorer, so a file is judged the same way everywhere.
"""
from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from newsgold.core.diagnostics import PER_RULE, Problem
from newsgold.core.schema import ENTITY_LABELS


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def lone_surrogates(rec: object, file: str, line: int) -> list[Problem]:
    """A gold or annotation record holding a lone surrogate (from a ``\\ud800``-style escape) has a
    string that is not Unicode text: it cannot be hashed or written as UTF-8. One error, before any
    other check of the record (which would need to encode it)."""
    dumped = json.dumps(rec, ensure_ascii=False)
    m = _LONE_SURROGATE.search(dumped)
    if m is None:
        return []
    return [Problem(file, line, "", f"a string holds a lone surrogate ({m.group()!r}), which is not a Unicode character; "
                    "write the character itself or a valid surrogate pair", "json-surrogate")]


def check_span(span, text: str, path: tuple, file: str, line_of, *, text_required: bool) -> list[Problem]:
    """Offsets inside the text, start < end, and ``text`` equal to the slice."""
    if not isinstance(span, dict):
        return []
    start, end = span.get("start"), span.get("end")
    if not isinstance(start, int) or not isinstance(end, int) or isinstance(start, bool) or isinstance(end, bool):
        return []  # the schema reports the type
    p = "/".join(map(str, path))
    if start < 0 or end > len(text):
        return [Problem(file, line_of(path + ("end" if end > len(text) else "start",)), p,
                        f"offsets {start}:{end} outside the document text (length {len(text)})", "offset-range")]
    if start >= end:
        return [Problem(file, line_of(path + ("start",)), p, f"empty or reversed span {start}:{end} (end is exclusive)", "offset-order")]
    if "text" in span:
        if span["text"] != text[start:end]:
            return [Problem(file, line_of(path + ("text",)), p + "/text",
                            f"span text {span['text']!r} does not match the document at {start}:{end}, which reads {text[start:end]!r}",
                            "span-text")]
    elif text_required:
        return [Problem(file, line_of(path), p, "span has no 'text'; gold spans must carry their text", "span-text")]
    return []


def check_zones(zones, text: str, file: str, line_of, base: tuple = ("zones",)) -> list[Problem]:
    """Zones tile the text: each starts where the previous one ended, none is empty, the last ends at the text's end."""
    out: list[Problem] = []
    pos = 0
    for i, z in enumerate(_list(zones)):
        if not isinstance(z, dict) or not isinstance(z.get("start"), int) or not isinstance(z.get("end"), int):
            return out
        if z["start"] != pos:
            out.append(Problem(file, line_of(base + (i, "start")), "/".join(map(str, base + (i, "start"))),
                               f"zones must tile the text: zone starts at {z['start']}, previous zone ended at {pos}", "zones-tile"))
        if z["end"] <= z["start"]:
            out.append(Problem(file, line_of(base + (i,)), "/".join(map(str, base + (i,))), "empty or reversed zone", "zones-tile"))
        pos = max(pos, z["end"])
    if zones and pos != len(text):
        out.append(Problem(file, line_of(base), "/".join(map(str, base)),
                           f"zones end at {pos} but the text has {len(text)} characters", "zones-tile"))
    return out


def _hashable(v) -> bool:
    try:
        hash(v)
    except TypeError:
        return False
    return True


def _key(v):
    """``v`` itself, or a stand-in when it cannot be a dict key (a wrongly typed id: the schema reports it)."""
    return v if _hashable(v) else ("<unhashable>", repr(v))


def _list(v) -> list:
    """``v`` when it is a list, else no items (a wrongly typed list: the schema reports it)."""
    return v if isinstance(v, list) else []


def _dict(v) -> dict:
    """``v`` when it is an object, else no keys (a wrongly typed object: the schema reports it)."""
    return v if isinstance(v, dict) else {}


def _dupes(items: list, key: Callable[[dict], Any]) -> list[tuple[int, Any]]:
    seen = {}
    out = []
    for i, it in enumerate(items):
        if not isinstance(it, dict):
            continue
        k = key(it)
        if k is None or not _hashable(k):
            continue
        if k in seen:
            out.append((i, k))
        else:
            seen[k] = i
    return out


@dataclass
class _Problems:
    """The problems of one record, each addressed by its JSON path (the line comes from ``line_of``)."""
    file: str
    line_of: Callable[[tuple], int]
    out: list[Problem] = field(default_factory=list)
    codebook: bool = True       # also the codebook's span-edge rules (our annotation files, not another dataset's gold)

    def add(self, path: tuple, msg: str, rule: str, severity: str = "error") -> None:
        self.out.append(Problem(self.file, self.line_of(tuple(path)), "/".join(map(str, path)), msg, rule, severity))

    def gold_span(self, span: object, text: str, path: tuple, kind: str = "") -> None:
        problems = check_span(span, text, path, self.file, self.line_of, text_required=True)
        self.out += problems
        start, end = (span.get("start"), span.get("end")) if isinstance(span, dict) else (None, None)
        if self.codebook and not problems and type(start) is int and type(end) is int and 0 <= start < end:
            self.out += [Problem(self.file, self.line_of(tuple(path)), "/".join(map(str, path)), msg, rule)
                         for msg, rule in span_edge_problems(text[start:end], kind)]


EDGE_PUNCT = ",;:"
NO_EDGE_PUNCT = {"mention": "E-3.7", "cue": "Q-4", "speaker": "Q-5"}


def span_edge_problems(span_text: str, kind: str) -> list[tuple[str, str]]:
    """What is wrong at the edges of a gold span: whitespace (F-3, every span); a comma, semicolon or
    colon at either edge of a mention, cue or speaker span; a trailing one on indirect content (Q-3.2)."""
    if span_text[:1].isspace() or span_text[-1:].isspace():
        return [(f"span {span_text!r} starts or ends with whitespace; trim it (F-3)", "span-whitespace")]
    if kind in NO_EDGE_PUNCT and (span_text[0] in EDGE_PUNCT or span_text[-1] in EDGE_PUNCT):
        return [(f"{kind} span {span_text!r} includes a {span_text[0] if span_text[0] in EDGE_PUNCT else span_text[-1]!r} "
                 f"at its edge; punctuation is excluded ({NO_EDGE_PUNCT[kind]})", "span-punct")]
    if kind == "indirect" and span_text[-1] in EDGE_PUNCT:
        return [(f"indirect content {span_text!r} ends with {span_text[-1]!r}; the separating punctuation is excluded "
                 "(Q-3.2)", "span-punct")]
    return []


def check_gold_layers(rec: dict, text: str, file: str, line_of: Callable[[tuple], int],
                      cluster_type: dict | None = None, *, codebook: bool = True) -> list[Problem]:
    """Offsets, span texts, unique ids, resolvable references, no duplicates, invariants; with ``codebook``
    also the codebook's span edges (F-3, E-3.7, Q-3.2), which bind NewsGold's annotation, not another dataset.

    ``cluster_type`` (cluster id -> type) is given by a caller that has found the entity layer
    free of any problem already (:func:`newsgold.gold.fastcheck.clean_entities`); it is then not checked again."""
    probs = _Problems(file, line_of, codebook=codebook)
    if cluster_type is None:
        cluster_type = _check_gold_entities(_dict(rec.get("entities")), text, probs)
    quote_speaker = _check_gold_quotes(_list(rec.get("quotes")), text, cluster_type, probs)
    _check_gold_stance(_dict(rec.get("stance")), cluster_type, quote_speaker, probs)
    return probs.out


def _check_gold_entities(ents: dict, text: str, probs: _Problems) -> dict[Any, Any]:
    """Mentions and clusters; returns cluster id -> type (the other layers refer to clusters)."""
    clusters = [c for c in _list(ents.get("clusters")) if isinstance(c, dict)]
    mentions = _list(ents.get("mentions"))
    cluster_type = {}
    for i, c in enumerate(clusters):
        if _key(c.get("id")) in cluster_type:
            probs.add(("entities", "clusters", i, "id"), f"duplicate cluster id {c.get('id')!r}", "unique-id")
        cluster_type[_key(c.get("id"))] = c.get("type")
    mention_counts: Counter = Counter()
    for i, m in enumerate(mentions):
        if not isinstance(m, dict):
            continue
        probs.gold_span(m, text, ("entities", "mentions", i), "mention")
        cid = _key(m.get("cluster"))
        if cid not in cluster_type:
            probs.add(("entities", "mentions", i, "cluster"), f"unknown cluster id {m.get('cluster')!r}", "ref-cluster")
        elif cluster_type[cid] != m.get("label"):
            probs.add(("entities", "mentions", i, "label"),
                      f"mention label {m.get('label')} differs from its cluster {m.get('cluster')!r} type {cluster_type[cid]}",
                      "cluster-type")
        mention_counts[cid] += 1
    for i, k in _dupes(mentions, lambda m: (m.get("start"), m.get("end"))):
        probs.add(("entities", "mentions", i), f"duplicate mention span {k[0]}:{k[1]}", "duplicate-span")
    for i, k in _dupes(mentions, lambda m: m.get("id")):
        probs.add(("entities", "mentions", i, "id"), f"duplicate mention id {k!r}", "unique-id")
    for i, c in enumerate(clusters):
        if mention_counts[_key(c.get("id"))] == 0:
            probs.add(("entities", "clusters", i), f"cluster {c.get('id')!r} has no mention", "cluster-unused", "warning")
    return cluster_type


def _check_gold_quotes(quotes: list, text: str, cluster_type: dict, probs: _Problems) -> dict[Any, Any]:
    """Quote spans, ids and speaker clusters; returns quote id -> speaker cluster (stance evidence refers to quotes)."""
    quote_speaker = {}
    for i, q in enumerate(quotes):
        if not isinstance(q, dict):
            continue
        if _key(q.get("id")) in quote_speaker:
            probs.add(("quotes", i, "id"), f"duplicate quote id {q.get('id')!r}", "unique-id")
        quote_speaker[_key(q.get("id"))] = _key(q.get("speaker_cluster"))
        for j, span in enumerate(_list(q.get("content"))):
            probs.gold_span(span, text, ("quotes", i, "content", j), str(q.get("type")))
        for part in ("cue", "speaker"):
            if isinstance(q.get(part), dict):
                probs.gold_span(q[part], text, ("quotes", i, part), part)
        sc = q.get("speaker_cluster")
        if sc is not None and _key(sc) not in cluster_type:
            probs.add(("quotes", i, "speaker_cluster"), f"unknown cluster id {sc!r}", "ref-cluster")
    for i, k in _dupes(quotes, lambda q: tuple((s.get("start"), s.get("end")) for s in _list(q.get("content")) if isinstance(s, dict))):
        probs.add(("quotes", i, "content"), f"duplicate quote content {list(k)}", "duplicate-span")
    return quote_speaker


def _check_gold_stance(stance: dict, cluster_type: dict, quote_speaker: dict, probs: _Problems) -> None:
    """Targets, items and their references; then the matrix (one item per speaker and target)."""
    targets = {}
    for i, t in enumerate(_list(stance.get("targets"))):
        if not isinstance(t, dict):
            continue
        if _key(t.get("id")) in targets:
            probs.add(("stance", "targets", i, "id"), f"duplicate target id {t.get('id')!r}", "unique-id")
        targets[_key(t.get("id"))] = t
        if t.get("kind") == "entity" and _key(t.get("cluster")) not in cluster_type:
            probs.add(("stance", "targets", i, "cluster"), f"unknown cluster id {t.get('cluster')!r}", "ref-cluster")
    items = _list(stance.get("items"))
    before_items = len(probs.out)
    ids = set()
    for i, s in enumerate(items):
        if not isinstance(s, dict):
            continue
        if _key(s.get("id")) in ids:
            probs.add(("stance", "items", i, "id"), f"duplicate stance item id {s.get('id')!r}", "unique-id")
        ids.add(_key(s.get("id")))
        if _key(s.get("holder")) not in cluster_type:
            probs.add(("stance", "items", i, "holder"), f"unknown holder cluster {s.get('holder')!r}", "ref-cluster")
        if _key(s.get("target")) not in targets:
            probs.add(("stance", "items", i, "target"), f"unknown target id {s.get('target')!r}", "ref-target")
        for j, qid in enumerate(_list(s.get("evidence"))):
            if _key(qid) not in quote_speaker:
                probs.add(("stance", "items", i, "evidence", j), f"unknown quote id {qid!r}", "ref-quote")
            elif quote_speaker[_key(qid)] != _key(s.get("holder")):
                probs.add(("stance", "items", i, "evidence", j), f"evidence quote {qid!r} is spoken by "
                          f"{quote_speaker[_key(qid)]!r}, not by the holder {s.get('holder')!r}", "evidence-holder")
    for i, k in _dupes(items, lambda s: (s.get("holder"), s.get("target"))):
        probs.add(("stance", "items", i), f"second stance item for holder/target {k}; one item per pair", "duplicate-item")
    # The matrix is checked only when its items are otherwise sound: a wrong holder or target id
    # would also leave a pair without an item, and the first message names the cause.
    known_speakers = [h for h in quote_speaker.values() if _key(h) in cluster_type]
    for holder, target in (_missing_pairs(known_speakers, targets, items) if len(probs.out) == before_items else []):
        probs.add(("stance", "items"), f"no item for holder {holder!r} and target {target!r}: every holder (a speaker_cluster "
                  "of a quote) gets one label per declared target, NONE included (GUIDELINES.md S-7)", "stance-matrix")


def _missing_pairs(speakers, targets: dict, items: list) -> list[tuple[str, str]]:
    """(holder, target) pairs of the stance matrix without an item (GUIDELINES.md S-2.1, S-7)."""
    holders = sorted({h for h in speakers if isinstance(h, str)})
    have = {(s.get("holder"), s.get("target")) for s in items if isinstance(s, dict)}
    return [(h, t) for t in targets if isinstance(t, str) for h in holders if (h, t) not in have]


def check_prediction(rec: dict, text: str, file: str, line_of, *, labels=ENTITY_LABELS, gold_doc: dict | None = None) -> list[Problem]:
    """Offsets against the gold text, labels, duplicates and overlaps (warnings) of one predictions line.

    With ``gold_doc`` (the gold record of the document), the references of quotes and stance
    are checked too: a ``speaker_cluster``, a stance ``item`` or ``target`` the gold does not
    have is an error (the scorer could only ignore it), as is an item labelled twice.
    """
    out: list[Problem] = []
    out += _check_predicted_entities(rec, text, file, line_of, set(labels))
    out += _check_unplaced_labels(rec, file, line_of, set(labels))
    for i, q in enumerate(_list(rec.get("quotes"))):
        if not isinstance(q, dict):
            continue
        for j, span in enumerate(_list(q.get("content"))):
            out += check_span(span, text, ("quotes", i, "content", j), file, line_of, text_required=False)
        for part in ("cue", "speaker"):
            if isinstance(q.get(part), dict):
                out += check_span(q[part], text, ("quotes", i, part), file, line_of, text_required=False)
    for i, cluster in enumerate(_list(rec.get("coref"))):
        for j, span in enumerate(_list(cluster)):
            if isinstance(span, dict):
                out += check_span(span, text, ("coref", i, j), file, line_of, text_required=False)
    if gold_doc is not None:
        out += _check_references(rec, gold_doc, file, line_of)
    return out


def _check_unplaced_labels(rec: dict, file: str, line_of, allowed: set) -> list[Problem]:
    """Labels of the entities a string-only output could not place (they still count as spurious)."""
    unplaced = rec.get("unplaced")
    items = _list(unplaced.get("entities")) if isinstance(unplaced, dict) else []
    return [Problem(file, line_of(("unplaced", "entities", i, "label")), f"unplaced/entities/{i}/label",
                    f"label {e['label']!r} is not in the inventory ({', '.join(sorted(allowed))}); pass --label-map to map it",
                    "label-inventory")
            for i, e in enumerate(items) if isinstance(e, dict) and isinstance(e.get("label"), str) and e["label"] not in allowed]


def _check_predicted_entities(rec: dict, text: str, file: str, line_of, allowed: set) -> list[Problem]:
    """Offsets, labels, duplicates and overlaps of predicted entities, in O(n log n).

    One pass checks each span (the common valid case without a ``text`` costs a few
    comparisons; anything else goes through :func:`check_span`) and notes exact duplicates.
    Overlaps: after sorting by start, a span overlaps an earlier one exactly when it starts
    before the furthest end seen so far (one sweep). Duplicates are reported once, as duplicates.
    """
    out: list[Problem] = []
    n_text = len(text)
    first_of: dict = {}
    duplicates = set()
    spans = []
    for i, e in enumerate(_list(rec.get("entities"))):
        if not isinstance(e, dict):
            continue
        # Any: checked below with type() (one test for the fast path; mypy cannot narrow through `simple`)
        start: Any = e.get("start")
        end: Any = e.get("end")
        label = e.get("label")
        simple = type(start) is int and type(end) is int
        if not (simple and 0 <= start < end <= n_text and "text" not in e):
            out += check_span(e, text, ("entities", i), file, line_of, text_required=False)
        if isinstance(label, str) and label not in allowed:
            out.append(Problem(file, line_of(("entities", i, "label")), f"entities/{i}/label",
                               f"label {label!r} is not in the inventory ({', '.join(sorted(allowed))}); pass --label-map to map it",
                               "label-inventory"))
        key = (_key(start), _key(end), _key(label))
        if key in first_of:
            duplicates.add(i)
            out.append(Problem(file, line_of(("entities", i)), f"entities/{i}",
                               f"duplicate prediction {key}; the copy can match nothing and counts as spurious", "duplicate-prediction", "warning"))
        else:
            first_of[key] = i
        if simple:
            spans.append((start, end, i))
    spans.sort()
    last_end, last_i, n_overlaps = -1, None, 0
    for s, e, i in spans:
        if s < last_end and i not in duplicates:
            n_overlaps += 1
            if n_overlaps <= PER_RULE:   # the rest are counted: 200,000 warnings would say nothing more
                out.append(Problem(file, line_of(("entities", i)), f"entities/{i}",
                                   f"span {s}:{e} overlaps prediction entities/{last_i}; both are kept and matched one-to-one",
                                   "overlapping-prediction", "warning"))
        if e > last_end:
            last_end, last_i = e, i
    if n_overlaps > PER_RULE:
        out.append(Problem(file, line_of(("entities",)), "entities", f"… and {n_overlaps - PER_RULE} more overlapping predictions "
                           "in this document (all kept and matched one-to-one)", "overlapping-prediction", "warning"))
    return out


def reference_ids(gold_doc: dict[str, Any]) -> tuple[set[Any], set[Any], set[Any]]:
    """The ids of a gold document a predictions line may name: its cluster ids (``speaker_cluster``),
    stance item ids (``item``) and declared target ids (``target``). Also used by the fast path of
    :mod:`newsgold.scoring.fastcheck`, so both judge a reference against the same ids."""
    ents, stance = gold_doc.get("entities"), gold_doc.get("stance")
    clusters = ents.get("clusters") if isinstance(ents, dict) else None
    items, targets = (stance.get("items"), stance.get("targets")) if isinstance(stance, dict) else (None, None)
    return _ids(clusters), _ids(items), _ids(targets)


def _ids(objs: object) -> set[Any]:
    """The ``id`` of each object of a list (none of a wrongly typed list or item: the schema reports it)."""
    return {o.get("id") for o in objs if isinstance(o, dict)} if isinstance(objs, list) else set()


def _check_references(rec: dict, gold_doc: dict, file: str, line_of) -> list[Problem]:
    """Quote speakers and stance items/targets of a predictions line against the gold document."""
    probs = _Problems(file, line_of)
    prob = probs.add
    clusters, item_ids, target_ids = reference_ids(gold_doc)
    for i, q in enumerate(_list(rec.get("quotes"))):
        sc = q.get("speaker_cluster") if isinstance(q, dict) else None
        if isinstance(sc, str) and sc not in clusters:
            prob(("quotes", i, "speaker_cluster"), f"unknown speaker_cluster {sc!r}: not a gold cluster id of {gold_doc.get('id')!r} "
                 "(give a name as speaker_name instead)", "ref-cluster")
    labelled: dict = {}
    for i, p in enumerate(_list(rec.get("stance"))):
        if not isinstance(p, dict):
            continue
        item, target = p.get("item"), p.get("target")
        if isinstance(item, str):
            if item not in item_ids:
                prob(("stance", i, "item"), f"unknown stance item {item!r}: the gold of {gold_doc.get('id')!r} has "
                     f"{', '.join(sorted(map(str, item_ids))) or 'no stance items'}", "ref-stance-item")
            elif item in labelled:
                first, label = labelled[item]
                if label != p.get("label"):
                    prob(("stance", i), f"stance item {item!r} labelled twice: {label!r} at stance/{first}, {p.get('label')!r} here",
                         "duplicate-item")
                else:
                    prob(("stance", i), f"stance item {item!r} labelled twice with the same label; the copy is ignored",
                         "duplicate-item", "warning")
            else:
                labelled[item] = (i, p.get("label"))
        if isinstance(target, str) and target not in target_ids:
            prob(("stance", i, "target"), f"undeclared stance target {target!r}: the gold of {gold_doc.get('id')!r} declares "
                 f"{', '.join(sorted(map(str, target_ids))) or 'no targets'}", "ref-target")
    return probs.out
