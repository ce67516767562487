"""``newsgold import``: a tool's export -> annotation files (``schema/annotation.schema.json``, GUIDELINES §2).

The export is read by the same format module ``convert`` uses (:mod:`newsgold.formats`), in
strict mode, and every region is placed by the same alignment rule
(:func:`newsgold.formats.align.resolve`): the two commands agree on every span. This module
turns the read documents into annotation records under the encoding of
:mod:`newsgold.annotation.encoding`, reports every problem of the file in one run, and writes
nothing at all if anything could not be mapped.
"""
from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from newsgold.annotation.encoding import (
    ANNOTATOR_ID,
    QUOTE_LABELS,
    STANCE_REL,
    STRUCTURAL,
    Repo,
    annotator_kind,
    cluster_id,
    derived_name,
    load_repo,
    parse_note,
    relation_map,
)
from newsgold.annotation.packet import PassHeader, apply_pass_header
from newsgold.core.diagnostics import InputError, Problem
from newsgold.core.jsonio import dump_json, read_text, write_atomic
from newsgold.core.schema import (
    ENTITY_LABELS,
    QUOTE_TYPES,
    STANCE_POSITIONS,
    schema_problems,
)
from newsgold.formats import registry
from newsgold.formats.align import UTF16_MESSAGE, guess_for, resolve
from newsgold.formats.common import Report
from newsgold.formats.identify import identify, load_doc_map
from newsgold.formats.ir import ReadDocument, ReadOptions, Region
from newsgold.formats.to_predictions import read_documents
from newsgold.gold.rules import check_gold_layers


@dataclass
class XRegion:
    """A region of the export as the import builds it: every label and choice its id carries."""
    id: str
    labels: list[str]
    spans: list[tuple[int, int]]
    line: int
    where: str
    quote_type: str | None = None
    note: str | None = None
    stance: list[tuple[str, int, str]] = field(default_factory=list)   # (choice value, line, where)


@dataclass
class XRelation:
    type: str
    a: str
    b: str
    line: int
    where: str


@dataclass
class XDoc:
    file: str
    line: int
    where: str              # "task 3", "T1.ann", "line 2": names the unit in messages
    doc_id: str | None
    text: str | None
    regions: dict[str, XRegion] = field(default_factory=dict)
    relations: list[XRelation] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def error(self, where: str, message: str, rule: str, line: int | None = None, severity: str = "error") -> None:
        self.problems.append(Problem(self.file, self.line if line is None else line, where, message, rule, severity))


def _add_region(x: XDoc, rid, label, spans, line, where) -> XRegion:
    rid = str(rid)
    r = x.regions.get(rid)
    if r is None:
        r = x.regions[rid] = XRegion(rid, [], list(spans), line, where)
    elif r.spans != list(spans):
        x.error(where, f"region id {rid!r} is used for two different spans ({r.spans} and {list(spans)})", "unique-id", line)
    if label not in r.labels:
        r.labels.append(label)
    return r


# ================================================================ read document -> regions and relations of the encoding

def _join_line_fragments(text: str, frags) -> list[tuple[int, int]]:
    """brat splits a span at line breaks: fragments separated only by whitespace with a newline are one span."""
    out: list[list[int]] = []
    for s, e in sorted(frags):
        if out and text[out[-1][1]:s].strip() == "" and "\n" in text[out[-1][1]:s]:
            out[-1][1] = e
        else:
            out.append([s, e])
    return [(s, e) for s, e in out]


def _region_where(x: XDoc, tool: str, r: Region) -> str:
    if tool == "labelstudio":
        return f"{x.where}/region {r.id}"
    if tool == "brat":
        return str(r.id)
    return r.path


def _place_region(x: XDoc, tool: str, r: Region, ref: str, unit: str, guess: str) -> int:
    """One region onto the document text (the rule convert uses); returns 1 when its offsets were UTF-16."""
    where = _region_where(x, tool, r)
    if r.id is None:
        x.error(f"{x.where}/{r.path}", "region without an id: cannot be linked", "format", r.line)
        return 0
    frags, how = resolve(ref, r, unit, guess)
    if frags is None:
        x.error(where, how, "span-align", r.line)
        return 0
    if how == "search":
        x.error(where, f"region text does not match the document at its offsets: region {r.start}:{r.end} {r.text!r} is "
                f"found at {frags[0][0]}:{frags[-1][1]} by its text; fix the export (was the text changed after annotating?)",
                "span-align", r.line)
        return 0
    label = r.label if isinstance(r.label, str) else str(r.label)
    quote_type = None
    if tool == "doccano" and label.startswith("QUOTE_CONTENT:"):
        label, quote_type = "QUOTE_CONTENT", label.split(":", 1)[1]
    reg = _add_region(x, r.id, label, _join_line_fragments(ref, frags), r.line, where)
    reg.quote_type = quote_type or reg.quote_type
    for c in r.choices:
        _region_choice(x, tool, reg, c)
    return int(how == "utf16")


def _region_choice(x: XDoc, tool: str, reg: XRegion, c) -> None:
    where = c.path if tool == "brat" else f"{reg.where}/{c.name}"
    if c.name == "note":
        reg.note = c.values[0] if c.values else None
    elif c.name in ("quote_type", "QuoteType"):
        reg.quote_type = c.values[0] if len(c.values) == 1 else ",".join(c.values) or None
    elif c.name == "stance":
        reg.stance += [(v, c.line, where) for v in c.values if (v, c.line, where) not in reg.stance]
    elif tool == "brat":
        x.error(where, f"unknown attribute {c.name!r} (only QuoteType)", "label-inventory", c.line)
    else:
        x.error(where, f"per-region choice {c.name!r} ignored (NewsGold reads quote_type, stance and note)",
                "label-inventory", c.line, "warning")


def to_xdoc(d: ReadDocument, tool: str, doc_text: str, rel_map: Mapping[str, str]) -> XDoc:
    """The regions, relations and notes of one read document, placed on the document text."""
    x = XDoc(d.file, d.line, d.where or d.path, d.doc_id, doc_text)
    ref = d.text if d.text is not None else doc_text
    guess = guess_for(ref, d.regions, d.unit)
    n_utf16 = sum(_place_region(x, tool, r, ref, d.unit, guess) for r in d.regions)
    if n_utf16:
        x.error(x.where, UTF16_MESSAGE.format(n=n_utf16), "utf16", severity="warning")
    for rel in d.relations:
        wh = rel.path if tool != "labelstudio" else f"{x.where}/relation {rel.from_id}->{rel.to_id}"
        if len(rel.labels) != 1:
            x.error(wh, f"relation has {len(rel.labels)} labels ({', '.join(rel.labels) or 'none'}); give exactly one",
                    "relation-label", rel.line)
            continue
        name = rel_map.get(rel.labels[0], rel.labels[0])
        x.relations.append(XRelation(name, rel.from_id, rel.to_id, rel.line if tool != "labelstudio" else x.line,
                                     wh + (f" {rel.labels[0]!r}" if tool == "labelstudio" else "")))
    for c in d.choices:
        if c.name == "note":
            x.notes.extend(c.values)
        else:
            x.error(f"{x.where}/{c.name}", f"document-level choice {c.name!r} = {', '.join(c.values)} ignored: stance is chosen on "
                    "the evidence QUOTE_CONTENT region (per-region 'stance') or drawn as a relation", "label-inventory", c.line,
                    "warning")
    return x


# ================================================================ regions -> annotation record

class _UF:
    """Union-find over hashable keys (regions joined into clusters or quotes)."""

    def __init__(self) -> None:
        self.p: dict[Hashable, Hashable] = {}

    def find(self, a: Hashable) -> Hashable:
        self.p.setdefault(a, a)
        while self.p[a] != a:
            self.p[a] = self.p[self.p[a]]
            a = self.p[a]
        return a

    def union(self, a: Hashable, b: Hashable) -> None:
        self.p[self.find(a)] = self.find(b)


Link = tuple[str, str, XRelation]                          # (from region, to region, relation), oriented by role
StanceEntry = tuple[str, str | None, str, str, XRelation]  # (evidence region, holder region or None, label, target, relation)
_WANT = {"cue": ("QUOTE_CONTENT", "CUE"), "said_by": ("QUOTE_CONTENT", "SPEAKER"),
         "continues": ("QUOTE_CONTENT", "QUOTE_CONTENT"), "same_as": ("ENTITY", "ENTITY")}


@dataclass
class _Roles:
    """What each region of a document is: an entity mention (with its label) and/or quote roles."""
    ents: dict[str, XRegion] = field(default_factory=dict)       # region id -> region with an entity label
    ent_label: dict[str, str] = field(default_factory=dict)
    roles: dict[str, set[str]] = field(default_factory=dict)

    def has(self, rid: str, role: str) -> bool:
        if role == "ENTITY":
            return rid in self.ents
        return role in self.roles.get(rid, ())


@dataclass
class _Entities:
    """The entity layer of the record, and how regions map onto its clusters."""
    clusters: list[dict[str, Any]]
    mentions: list[dict[str, Any]]
    cluster_of: dict[str, str]                 # entity region id -> cluster id
    mention_at: dict[tuple[int, int], str]     # (start, end) of a mention -> its cluster id


def build_annotation(x: XDoc, doc: dict, repo: Repo, annotator: str, tool: str) -> dict | None:
    """The annotation record a tool document encodes; problems go to ``x.problems``.

    The layers are built in the order the problems are reported: regions, relations, entities,
    quotes, stance. None when this document added an error.
    """
    text, zones = doc["text"], doc["zones"]
    nerr = sum(p.severity == "error" for p in x.problems)
    roles = _region_roles(x, text)
    struct, stance = _oriented_relations(x, roles)
    entities = _entities(x, roles, struct["same_as"], text, zones)
    speakers = _Speakers(x, text, entities, _targets_by_source(struct["refers_to"]))
    quotes, region_quote = _quotes(x, roles, struct, speakers)
    declared = repo.targets.get(doc["id"])
    stance_items = _stance_items(x, doc["id"], declared, stance + _stance_choices(x, roles.has, declared),
                                 roles, speakers, region_quote, quotes)
    notes = [f"imported from {tool}"]
    for rid, r in x.regions.items():
        if r.note and rid not in roles.ents:
            notes.append(f"{_desc(x, rid)}: {r.note}")
    notes += x.notes
    rec = {"doc_id": doc["id"], "text_sha256": doc["text_sha256"],
           "annotation": {"guidelines_version": repo.guidelines_version, "annotator": annotator,
                          "annotator_kind": annotator_kind(annotator), "notes": "; ".join(notes)},
           "entities": {"clusters": entities.clusters, "mentions": entities.mentions},
           "quotes": quotes,
           "stance": {"targets": json.loads(json.dumps(declared or [])), "items": stance_items}}
    if sum(p.severity == "error" for p in x.problems) > nerr:
        return None
    return rec


def _region_roles(x: XDoc, text: str) -> _Roles:
    """Sort the regions into entity mentions and quote roles, reporting labels and spans the encoding refuses."""
    out = _Roles()
    for r in x.regions.values():
        el = [lab for lab in r.labels if lab in ENTITY_LABELS]
        ql = {lab for lab in r.labels if lab in QUOTE_LABELS}
        unknown = [lab for lab in r.labels if lab not in ENTITY_LABELS and lab not in QUOTE_LABELS]
        for lab in unknown:
            x.error(r.where, f"unknown label {lab!r}: the labels are the 18 OntoNotes types and QUOTE_CONTENT, CUE, SPEAKER",
                    "label-inventory", r.line)
        if len(el) > 1:
            x.error(r.where, f"region has two entity labels ({', '.join(el)}); a mention has one (E-2)", "multi-label", r.line)
        if len(ql) > 1:
            x.error(r.where, f"region has two quote roles ({', '.join(sorted(ql))}); draw one region per role", "multi-label", r.line)
        for s, e in r.spans:
            seg = text[s:e]
            if seg != seg.strip():
                x.error(r.where, f"span {s}:{e} {seg!r} starts or ends with whitespace (F-3); trim it in the tool", "span-space", r.line)
        if len(r.spans) > 1 and (el or ql & {"CUE", "SPEAKER"}):
            x.error(r.where, f"{(el or sorted(ql))[0]} region has {len(r.spans)} fragments; only quote content may be "
                    "discontinuous", "discontinuous", r.line)
        if el:
            out.ents[r.id] = r
            out.ent_label[r.id] = el[0]
        out.roles[r.id] = ql
        if r.quote_type is not None and "QUOTE_CONTENT" not in ql:
            x.error(r.where, "quote type on a region that is not QUOTE_CONTENT", "quote-type", r.line)
        if r.quote_type is not None and r.quote_type not in QUOTE_TYPES:
            x.error(r.where, f"quote type {r.quote_type!r} is not one of {', '.join(QUOTE_TYPES)}", "quote-type", r.line)
    return out


def _oriented_relations(x: XDoc, roles: _Roles) -> tuple[dict[str, list[Link]], list[StanceEntry]]:
    """Check every relation's label and endpoints; orient structural ones by role (a tool may draw them either way)."""
    struct: dict[str, list[Link]] = {k: [] for k in STRUCTURAL}
    stance: list[StanceEntry] = []
    has = roles.has
    for rel in x.relations:
        missing = [rid for rid in (rel.a, rel.b) if rid not in x.regions]
        if missing:
            x.error(rel.where, f"relation {rel.type!r} refers to region {missing[0]!r}, which does not exist in this "
                    "document (deleted, or a broken export)", "ref-region", rel.line)
            continue
        m = STANCE_REL.match(rel.type)
        if rel.type in _WANT:
            ra, rb = _WANT[rel.type]
            if has(rel.a, ra) and has(rel.b, rb):
                struct[rel.type].append((rel.a, rel.b, rel))
            elif has(rel.b, ra) and has(rel.a, rb):
                struct[rel.type].append((rel.b, rel.a, rel))
            else:
                x.error(rel.where, f"a {rel.type!r} relation joins {ra.replace('ENTITY', 'an entity')} and "
                        f"{rb.replace('ENTITY', 'an entity')}; it joins {_desc(x, rel.a)} and {_desc(x, rel.b)}",
                        "relation-args", rel.line)
        elif rel.type == "refers_to":
            def src(rid: str) -> bool:
                return has(rid, "SPEAKER") or has(rid, "QUOTE_CONTENT")
            if src(rel.a) and has(rel.b, "ENTITY"):
                struct["refers_to"].append((rel.a, rel.b, rel))
            elif src(rel.b) and has(rel.a, "ENTITY"):
                struct["refers_to"].append((rel.b, rel.a, rel))
            else:
                x.error(rel.where, f"a 'refers_to' relation joins a SPEAKER or QUOTE_CONTENT region and an entity mention; "
                        f"it joins {_desc(x, rel.a)} and {_desc(x, rel.b)}", "relation-args", rel.line)
        elif m:
            label, target = m.group(1), m.group(2)
            def holder_ok(rid: str) -> bool:
                return has(rid, "SPEAKER") or has(rid, "ENTITY")
            if has(rel.a, "QUOTE_CONTENT") and holder_ok(rel.b):
                stance.append((rel.a, rel.b, label, target, rel))
            elif has(rel.b, "QUOTE_CONTENT") and holder_ok(rel.a):
                stance.append((rel.b, rel.a, label, target, rel))
            else:
                x.error(rel.where, f"a stance relation joins an evidence QUOTE_CONTENT and the holder (its SPEAKER or an entity "
                        f"mention); it joins {_desc(x, rel.a)} and {_desc(x, rel.b)}", "relation-args", rel.line)
        else:
            x.error(rel.where, f"unknown relation label {rel.type!r}: the labels are {', '.join(STRUCTURAL)} and "
                    "FAVOR:/AGAINST:/NEUTRAL:<target id>", "label-inventory", rel.line)
    return struct, stance


# ---------------------------------------------------------------- entities and clusters

def _entities(x: XDoc, roles: _Roles, same_as: list[Link], text: str, zones: list[dict]) -> _Entities:
    """Mentions and clusters: regions with one note or one name key, or joined by ``same_as``, are one cluster."""
    ents = roles.ents
    groups, note_of = _entity_groups(x, roles, same_as, text)
    cluster_of: dict[str, str] = {}
    clusters = []
    used_ids: set[str] = set()
    for members in sorted(groups, key=lambda ms: ents[ms[0]].spans[0]):
        cluster = _cluster(x, members, roles, note_of, text, zones, used_ids)
        used_ids.add(cluster["id"])
        for m in members:
            cluster_of[m] = cluster["id"]
        clusters.append(cluster)
    mentions: list[dict[str, Any]] = []
    for rid in sorted(ents, key=lambda i: ents[i].spans[0]):
        s, e = ents[rid].spans[0]
        mentions.append({"start": s, "end": e, "text": text[s:e], "label": roles.ent_label[rid], "cluster": cluster_of[rid]})
    for a, b in itertools.pairwise(mentions):
        if b["start"] < a["end"]:
            x.error(x.where, f"entity mentions overlap: {a['start']}:{a['end']} {a['text']!r} and {b['start']}:{b['end']} "
                    f"{b['text']!r}; annotation is flat (E-3.5)", "overlap")
    return _Entities(clusters, mentions, cluster_of, {(m["start"], m["end"]): m["cluster"] for m in mentions})


def _entity_groups(x: XDoc, roles: _Roles, same_as: list[Link], text: str
                   ) -> tuple[list[list[str]], dict[str, tuple[str, str]]]:
    """The entity regions grouped into clusters (each in text order), and the parsed cluster note of each region."""
    ents, ent_label = roles.ents, roles.ent_label
    uf = _UF()
    note_of: dict[str, tuple[str, str]] = {}
    for rid, r in ents.items():
        if r.note:
            parsed = parse_note(r.note)
            if isinstance(parsed, str):
                x.error(r.where, f"cluster note {r.note!r}: {parsed}; write 'Canonical Name' or 'Canonical Name | cluster-id'",
                        "cluster-note", r.line)
                continue
            note_of[rid] = parsed
        key = note_of[rid][1] if rid in note_of else cluster_id(text[r.spans[0][0]:r.spans[0][1]])
        uf.union(("region", rid), ("key", ent_label[rid], key))
    for a, b, rel in same_as:
        if ent_label[a] != ent_label[b]:
            x.error(rel.where, f"'same_as' joins a {ent_label[a]} and a {ent_label[b]} mention; a cluster has one type (E-8.1)",
                    "cluster-type", rel.line)
            continue
        uf.union(("region", a), ("region", b))
    groups: dict[Hashable, list[str]] = {}
    for rid in sorted(ents, key=lambda i: ents[i].spans[0]):
        groups.setdefault(uf.find(("region", rid)), []).append(rid)
    return list(groups.values()), note_of


def _cluster(x: XDoc, members: list[str], roles: _Roles, note_of: dict[str, tuple[str, str]], text: str,
             zones: list[dict], used_ids: set[str]) -> dict[str, Any]:
    """One cluster record: named by its note, else derived from its mentions (E-8); its id unique among ``used_ids``."""
    ents = roles.ents
    first = ents[members[0]]
    label = roles.ent_label[members[0]]
    notes = {note_of[m] for m in members if m in note_of}
    if len(notes) > 1:
        x.error(first.where, f"the mentions of one cluster carry different notes: "
                f"{', '.join(sorted(' | '.join(n) for n in notes))}", "cluster-note", first.line)
    spans = [(ents[m].spans[0][0], ents[m].spans[0][1], text[ents[m].spans[0][0]:ents[m].spans[0][1]]) for m in members]
    if notes:
        name, cid = min(notes)
    else:
        name = derived_name(spans, label, zones)
        cid = cluster_id(name) or "cluster"
        if label == "NORP" and name[:1].isupper() and not name.endswith("s"):
            x.error(first.where, f"NORP cluster named {name!r}: E-8.3 wants the plural group noun; add a "
                    "note (e.g. 'Syrians')", "cluster-name", first.line, "warning")
    if cid in used_ids:
        if notes:
            x.error(first.where, f"cluster id {cid!r} is used by two clusters", "unique-id", first.line)
        else:
            k = 2
            while f"{cid}-{k}" in used_ids:
                k += 1
            x.error(first.where, f"a second cluster would get id {cid!r}; it gets {cid}-{k} (E-8.7); add a note "
                    "if that is not what you meant", "cluster-id", first.line, "warning")
            cid = f"{cid}-{k}"
    return {"id": cid, "name": name, "type": label, "aliases": list(dict.fromkeys(t for _, _, t in sorted(spans)))}


# ---------------------------------------------------------------- quotes

def _targets_by_source(links: list[Link]) -> dict[str, list[tuple[str, XRelation]]]:
    """Oriented links grouped by their first region: region -> [(other region, relation)]."""
    out: dict[str, list[tuple[str, XRelation]]] = {}
    for a, b, rel in links:
        out.setdefault(a, []).append((b, rel))
    return out


@dataclass
class _Speakers:
    """Resolves a SPEAKER region to its entity cluster once (quotes and stance both ask; the problems are said once)."""
    x: XDoc
    text: str
    entities: _Entities
    refers: dict[str, list[tuple[str, XRelation]]]      # region -> the entity regions it 'refers_to'
    cache: dict[str, str | None] = field(default_factory=dict)

    def cluster(self, sp: str) -> str | None:
        if sp not in self.cache:
            self.cache[sp] = self._resolve(sp)
        return self.cache[sp]

    def _resolve(self, sp: str) -> str | None:
        x, cluster_of = self.x, self.entities.cluster_of
        refs = {cluster_of[b] for b, _ in self.refers.get(sp, []) if b in cluster_of}
        if len(refs) > 1:
            x.error(x.regions[sp].where, f"speaker refers to several clusters ({', '.join(sorted(refs))})", "speaker-cluster",
                    x.regions[sp].line)
        if refs:
            return min(refs)
        s, e = x.regions[sp].spans[0]
        if (s, e) in self.entities.mention_at:
            return self.entities.mention_at[(s, e)]
        inside = [m for m in self.entities.mentions if m["start"] < e and s < m["end"]]
        if inside:
            x.error(x.regions[sp].where, f"speaker {self.text[s:e]!r} overlaps the mention(s) "
                    f"{', '.join(repr(m['text']) for m in inside)} without being one: speaker_cluster left null. "
                    "Q-5.1: a named speaker's span is exactly its mention; for a description or pronoun draw 'refers_to' "
                    "when the text makes the speaker certain (Q-5.4)", "speaker-cluster", x.regions[sp].line, "warning")
        return None


def _quotes(x: XDoc, roles: _Roles, struct: dict[str, list[Link]], speakers: _Speakers
            ) -> tuple[list[dict[str, Any]], dict[str, dict[str, Any]]]:
    """The quote records (ids q1.. in text order), and the quote each QUOTE_CONTENT region belongs to."""
    content = [rid for rid in x.regions if roles.has(rid, "QUOTE_CONTENT")]
    quf = _UF()
    for rid in content:
        quf.find(rid)
    for a, b, _ in struct["continues"]:
        quf.union(a, b)
    qgroups: dict[Hashable, list[str]] = {}
    for rid in content:
        qgroups.setdefault(quf.find(rid), []).append(rid)
    linked = {b for kind in ("cue", "said_by") for _, b, _ in struct[kind]}
    for rid in x.regions:
        if (roles.has(rid, "CUE") or roles.has(rid, "SPEAKER")) and rid not in linked:
            role = "CUE" if roles.has(rid, "CUE") else "SPEAKER"
            x.error(x.regions[rid].where, f"{role} region {_desc(x, rid)} belongs to no quote: draw a "
                    f"'{'cue' if role == 'CUE' else 'said_by'}' relation from its QUOTE_CONTENT, or delete it", "orphan",
                    x.regions[rid].line)
    quotes = []
    region_quote: dict[str, dict[str, Any]] = {}
    for members in qgroups.values():
        members.sort(key=lambda m: x.regions[m].spans[0])
        q = _quote(x, members, struct, speakers)
        quotes.append(q)
        for m in members:
            region_quote[m] = q
    quotes.sort(key=lambda q: (q["content"][0]["start"], q["content"][0]["end"]))
    for i, q in enumerate(quotes, 1):
        q["id"] = f"q{i}"
    return quotes, region_quote


def _quote(x: XDoc, members: list[str], struct: dict[str, list[Link]], speakers: _Speakers) -> dict[str, Any]:
    """One quote record from its content regions (in text order) and the cue and speaker linked to them."""
    text = speakers.text
    first = x.regions[members[0]]
    spans = sorted(sp for m in members for sp in x.regions[m].spans)
    types = {t for m in members if (t := x.regions[m].quote_type)}
    if not types:
        x.error(first.where, f"quote {_desc(x, first.id)} has no quote type (direct, indirect or mixed): Label Studio: "
                "the quote_type choice; brat: the QuoteType attribute; doccano: the label QUOTE_CONTENT:<type>",
                "quote-type", first.line)
    elif len(types) > 1:
        x.error(first.where, f"the content regions of one quote have different types ({', '.join(sorted(types))})",
                "quote-type", first.line)
    cues = sorted({b for a, b, _ in struct["cue"] if a in members})
    said_by = sorted({b for a, b, _ in struct["said_by"] if a in members})
    for kind, found in (("cue", cues), ("speaker", said_by)):
        if len(found) > 1:
            x.error(first.where, f"quote {_desc(x, first.id)} has {len(found)} {kind}s "
                    f"({', '.join(_desc(x, f) for f in found)}); a quote has one", f"quote-{kind}", first.line)
    sc = speakers.cluster(said_by[0]) if said_by else None
    cluster_of = speakers.entities.cluster_of
    crefs = {cluster_of[b] for m in members for b, _ in speakers.refers.get(m, []) if b in cluster_of}
    if len(crefs) > 1 or (crefs and said_by and sc is not None and crefs != {sc}):
        x.error(first.where, f"quote {_desc(x, first.id)} refers to several speaker clusters "
                f"({', '.join(sorted(c for c in crefs | {sc} if c))})", "speaker-cluster", first.line)
    if crefs and sc is None:
        sc = min(crefs)

    def span_obj(s: int, e: int) -> dict[str, Any]:
        return {"start": s, "end": e, "text": text[s:e]}
    q: dict[str, Any] = {"id": None, "type": min(types) if types else "direct",
                         "content": [span_obj(s, e) for s, e in spans],
                         "cue": span_obj(*x.regions[cues[0]].spans[0]) if cues else None,
                         "speaker": span_obj(*x.regions[said_by[0]].spans[0]) if said_by else None,
                         "speaker_cluster": sc}
    for part in ("cue", "speaker"):
        if q[part]:
            ps, pe = q[part]["start"], q[part]["end"]
            if any(s < pe and ps < e for s, e in spans):
                x.error(first.where, f"the {part} {q[part]['text']!r} overlaps the quote's content (Q-3.5)", "quote-overlap",
                        first.line)
    return q


# ---------------------------------------------------------------- stance

def _stance_items(x: XDoc, doc_id: str, declared: list[dict] | None, stance: list[StanceEntry], roles: _Roles,
                  speakers: _Speakers, region_quote: dict[str, dict[str, Any]], quotes: list[dict[str, Any]]
                  ) -> list[dict[str, Any]]:
    """The stance items (ids s1..): one per (holder, target) with a position, NONE for every other pair."""
    order = {t["id"]: i for i, t in enumerate(declared or [])}
    items: dict[tuple[str, str], dict[str, Any]] = {}
    for c, h, label, target, rel in stance:
        if declared is None:
            x.error(rel.where, f"stance relation {rel.type!r}, but annotations/targets/ (GUIDELINES.md S-3, S-9) "
                    f"declares no targets for {doc_id}; declare them first (S-3.1)", "ref-target", rel.line)
            continue
        if target not in order:
            x.error(rel.where, f"target {target!r} is not declared for {doc_id} (annotations/targets/ (GUIDELINES.md S-3, S-9): "
                    f"{', '.join(order) or 'none'})", "ref-target", rel.line)
            continue
        q = region_quote.get(c)
        if q is None:
            continue
        holder = _stance_holder(x, h, q, rel, roles, speakers)
        if holder is None:
            continue
        it = items.setdefault((holder, target), {"labels": {}, "quotes": []})
        it["labels"].setdefault(label, []).append(rel)
        if q not in it["quotes"]:
            it["quotes"].append(q)
    stance_items = []
    for (holder, target), it in sorted(items.items(), key=lambda kv: (order[kv[0][1]], kv[0][0])):
        if len(it["labels"]) > 1:
            rel = next(iter(it["labels"].values()))[0]
            x.error(rel.where, f"{holder} -> {target} is marked {' and '.join(sorted(it['labels']))}: one item per pair (S-7); "
                    "keep the label of S-8 and relations only from the quotes consistent with it, name the others in the notes",
                    "stance-conflict", rel.line)
            continue
        ev = sorted((q["id"] for q in it["quotes"]), key=lambda i: int(i[1:]))
        stance_items.append({"id": None, "holder": holder, "target": target, "label": next(iter(it["labels"])),
                             "evidence": ev})
    stance_items = _complete_matrix(stance_items, quotes, declared or [], order)
    for i, item in enumerate(stance_items, 1):
        item["id"] = f"s{i}"
    if declared is None:
        x.error(x.where, f"no stance targets declared for {doc_id} in annotations/targets/ (GUIDELINES.md S-3, S-9): "
                "stance.targets left empty", "targets", severity="warning")
    return stance_items


def _stance_holder(x: XDoc, h: str | None, q: dict[str, Any], rel: XRelation, roles: _Roles, speakers: _Speakers
                   ) -> str | None:
    """The holder cluster of one stance entry, if it is the evidence quote's speaker (else reported, None)."""
    holder: str | None
    if h is None:   # a per-region stance choice: the holder is the quote's speaker
        holder = q["speaker_cluster"]
        if holder is None:
            x.error(rel.where, f"stance choice {rel.type!r} on a quote without a speaker cluster: give the quote a speaker "
                    "(said_by, refers_to)", "stance-holder", rel.line)
            return None
    elif roles.has(h, "SPEAKER"):
        holder = speakers.cluster(h)
    else:
        holder = speakers.entities.cluster_of.get(h)
    if holder is None:
        x.error(rel.where, f"the holder {_desc(x, h)} resolves to no entity cluster; draw 'refers_to' from the SPEAKER "
                "to a mention of the speaker, or point the stance relation at a mention", "stance-holder", rel.line)
        return None
    if q["speaker_cluster"] != holder:
        x.error(rel.where, f"the holder {holder!r} is not the speaker cluster of the evidence quote "
                f"({q['speaker_cluster']!r}); stance belongs to the quote's speaker (S-2.1, S-5.2)", "evidence-holder", rel.line)
        return None
    return holder


def _complete_matrix(items: list[dict], quotes: list[dict], declared: list[dict], order: dict) -> list[dict]:
    """Every (holder, target) pair without a stance relation is NONE (GUIDELINES.md S-4.4, S-7):
    tools encode only positions, which rest on evidence quotes. Sorted as F-7 asks."""
    holders = sorted({q["speaker_cluster"] for q in quotes if q.get("speaker_cluster")})
    have = {(it["holder"], it["target"]) for it in items}
    items = items + [{"id": None, "holder": h, "target": t["id"], "label": "NONE", "evidence": []}
                     for t in declared for h in holders if (h, t["id"]) not in have]
    return sorted(items, key=lambda it: (order.get(it["target"], len(order)), it["holder"]))


def _stance_choices(x: XDoc, has: Callable[[str, str], bool], declared: list[dict] | None) -> list[StanceEntry]:
    """Per-region ``stance`` choices on QUOTE_CONTENT regions as stance entries (holder: the quote's speaker)."""
    out: list[StanceEntry] = []
    ids = [t["id"] for t in declared or []]
    for rid, r in x.regions.items():
        for value, line, where in r.stance:
            label, sep, target = value.partition(":")
            if label not in STANCE_POSITIONS:
                x.error(where, f"stance choice {value!r}: expected FAVOR, AGAINST or NEUTRAL, optionally ':<target id>'",
                        "label-inventory", line)
                continue
            if not has(rid, "QUOTE_CONTENT"):
                x.error(where, f"stance choice {value!r} on {_desc(x, rid)}: stance is chosen on the evidence QUOTE_CONTENT",
                        "relation-args", line)
                continue
            if not sep:
                if len(ids) != 1:
                    x.error(where, f"stance choice {value!r} names no target and the document declares "
                            f"{len(ids)} ({', '.join(ids) or 'none'}); choose '{label}:<target id>'", "ref-target", line)
                    continue
                target = ids[0]
            out.append((rid, None, label, target, XRelation(f"{label}:{target}", rid, "", line, where)))
    return out


def _desc(x: XDoc, rid: str | None) -> str:
    """A region as messages name it: labels, id, offsets and (shortened) text."""
    r = x.regions.get(rid) if rid is not None else None
    if r is None:
        return repr(rid)
    s, e = r.spans[0]
    t = (x.text or "")[s:e]
    t = t if len(t) <= 40 else t[:18] + "…" + t[-18:]
    return f"{'/'.join(r.labels)} {rid} {s}:{e} {t!r}"


def _config_map(config, problems: list[Problem]) -> dict[str, str]:
    if config is None:
        return {}
    text, probs = read_text(config, str(config))
    problems.extend(probs)
    rmap = relation_map(text or "")
    bad = {k: v for k, v in rmap.items() if v not in STRUCTURAL and not STANCE_REL.match(v)}
    for k, v in bad.items():
        problems.append(Problem(str(config), 0, "", f"relation map {k} = {v}: {v!r} is not a NewsGold relation "
                                f"({', '.join(STRUCTURAL)}, FAVOR:/AGAINST:/NEUTRAL:<target id>)", "relation-map"))
    return {k: v for k, v in rmap.items() if k not in bad}


def _usable(d: ReadDocument, tool: str) -> Problem | None:
    """Why a read document cannot be imported at all (JSON-MIN, no submitted annotation), or None."""
    if tool != "labelstudio" or d.text is None:
        return None
    if d.source.startswith(("annotations", "completions")):
        return None
    what = {"cancelled": " (every annotation was cancelled)", "json-min": ""}.get(d.source.split("/")[0],
                                                                                 " (only pre-annotations)" if d.source else "")
    return Problem(d.file, d.line, d.where, f"task has no submitted annotation{what}; annotate it in Label Studio or leave it "
                   "out of the export", "no-annotation")


def import_annotations(tool: str, path, out_dir, annotator: str, *, root: str | Path | None = None,
                       doc_map: Mapping[str, str] | str | Path | None = None, config: str | Path | None = None,
                       header: PassHeader | None = None) -> tuple[list[str], list[Problem]]:
    """Turn a tool's export into annotation files ``out_dir/<doc_id>.json``.

    Returns ``(paths written, problems)``: every problem of the file at once. If any is an
    error, nothing is written. ``doc_map``: client id -> document id (or its file);
    ``config``: the labelling configuration whose relation-name map applies; ``header``: the pass
    header (packet hashes, model, date) that a file written into ``annotations/passes/`` must carry.
    """
    if tool not in registry.annotation_tools():
        raise InputError(f"unknown tool {tool!r}; one of {', '.join(registry.annotation_tools())}")
    path = Path(path)
    problems: list[Problem] = []
    if not ANNOTATOR_ID.match(annotator or ""):
        problems.append(Problem("--annotator", 0, "", f"annotator id {annotator!r} must be a stable lowercase id "
                                "(letters, digits, '.', '_', '-'), e.g. ann-a or llm-<model>-r1 (F-8)", "annotator"))
    out = Path(out_dir)
    if out.parent.name == "passes" and out.name != annotator:
        problems.append(Problem(str(out), 0, "", f"pass folder {out.name!r} differs from --annotator {annotator!r}; "
                                "P-2 wants annotations/passes/<annotator>/", "pass-folder", "warning"))
    if not path.exists():
        return [], problems + [Problem(str(path), 0, "", "no such file or folder", "file")]
    if isinstance(doc_map, (str, Path)):
        doc_map, probs = load_doc_map(doc_map)
        problems += probs
    rel_map = _config_map(config, problems)
    repo = load_repo(root)
    report = Report()
    docs = read_documents(tool, path, report, ReadOptions(strict=True)) or []
    problems += report.close()
    records = _import_docs(docs, tool, repo, annotator, doc_map or {}, rel_map, problems)
    problems += apply_pass_header({d: rec for d, (rec, _) in records.items()}, out, header)
    if not docs and not any(p.severity == "error" for p in problems):
        problems.append(Problem(str(path), 0, "", "nothing to import", "empty"))
    if any(p.severity == "error" for p in problems) or not records:
        if not any(p.severity == "error" for p in problems):
            problems.append(Problem(str(path), 0, "", "no document could be imported", "empty"))
        return [], problems
    written = []
    for doc_id, (rec, _) in sorted(records.items()):
        target = out / f"{doc_id}.json"
        write_atomic(target, dump_json(rec))
        written.append(str(target))
    return written, problems


def _import_docs(docs: list[ReadDocument], tool: str, repo: Repo, annotator: str, doc_map: Mapping[str, str],
                 rel_map: Mapping[str, str], problems: list[Problem]) -> dict[str, tuple[dict, XDoc]]:
    """Every read document as an annotation record (problems of all of them go to ``problems``)."""
    if tool == "labelstudio" and docs and all(d.source == "json-min" for d in docs if d.text is not None):
        problems.append(Problem(docs[0].file, 0, "", "this is a JSON-MIN export, which has no region ids and no relations; "
                                "export the project as 'JSON' in Label Studio and import that", "json-min"))
        return {}
    texts = {did: doc["text"] for did, doc in repo.docs.items()}
    records: dict[str, tuple[dict, XDoc]] = {}
    for d in docs:
        problems += d.problems
        unusable = _usable(d, tool)
        if unusable is not None:
            problems.append(unusable)
        if d.text is None and d.fit is None and d.doc_id is None:
            continue   # nothing to tell the document by: its problems say why
        doc_id, probs = identify(d, texts, doc_map=doc_map, strict=True)
        problems += [p for p in probs if p.severity != "note"]
        if doc_id is None:
            continue
        x = to_xdoc(d, tool, texts[doc_id], rel_map)
        if doc_id in records:
            x.error(x.where, f"second annotation of {doc_id} in this import ({records[doc_id][1].where} is the first)", "unique-id")
        elif unusable is None:
            rec = build_annotation(x, repo.docs[doc_id], repo, annotator, tool)
            if rec is not None:
                name = f"{x.file} -> {doc_id}.json"
                line = x.line

                def line_of(path: tuple, n: int = line) -> int:   # every path of the record: the unit's line
                    return n
                errs = schema_problems("annotation", rec, name, line_of)
                errs += check_gold_layers(rec, repo.docs[doc_id]["text"], name, line_of)
                x.problems += errs
                if not any(p.severity == "error" for p in errs):
                    records[doc_id] = (rec, x)
        problems += x.problems
    return records
