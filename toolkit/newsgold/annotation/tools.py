"""Round trip with annotation tools: ``newsgold tasks`` and ``newsgold import``.

``export_tasks`` writes what an annotator loads into Label Studio, brat or doccano: the exact
document texts, the label configuration, and (for documents that already have gold)
pre-annotations made from the gold. ``import_annotations`` turns the tool's export back
into annotation files (``schema/annotation.schema.json``, GUIDELINES §2), checks every span
against the document text, and writes nothing at all if anything could not be mapped.

The encoding in the tools (the same in all three; CONTRIBUTING.md explains it to annotators)
---------------------------------------------------------------------------------------------
Regions (span labels):
    the 18 OntoNotes labels (entity mentions), ``QUOTE_CONTENT``, ``CUE``, ``SPEAKER``.
Relations (direction does not matter; the labels of the two regions decide the roles):
    ``cue``        QUOTE_CONTENT — CUE             the quote's cue
    ``said_by``    QUOTE_CONTENT — SPEAKER         the quote's speaker span
    ``continues``  QUOTE_CONTENT — QUOTE_CONTENT   one quote, several content spans (Q-3.4)
    ``refers_to``  SPEAKER — entity mention        a pronoun/description speaker's cluster (Q-5.4)
                   QUOTE_CONTENT — entity mention  speaker cluster of a quote without speaker span (Q-7)
    ``same_as``    entity — entity                 the two mentions are one cluster (E-8)
    ``FAVOR:<target id>``, ``AGAINST:<target id>``, ``NEUTRAL:<target id>``
                   QUOTE_CONTENT — holder          stance: this quote is evidence that its speaker
                                                   (the holder: the quote's SPEAKER region or any
                                                   mention of the holder's cluster) takes this
                                                   position on this declared target (S-1, S-5).
                   In brat, whose type names cannot hold ':', the separator is '_':
                   ``FAVOR_t-sdf-ceasefire``.
Quote type (direct / indirect / mixed), on a QUOTE_CONTENT region:
    Label Studio: the per-region choice ``quote_type``; brat: the attribute ``QuoteType``;
    doccano (no per-region attributes): the label itself, ``QUOTE_CONTENT:direct`` etc.
Cluster names, on an entity region (optional; Label Studio per-region text ``note``, brat
    AnnotatorNotes): ``Canonical Name`` or ``Canonical Name | cluster-id``. Without a note a
    mention's cluster is found by the rule of E-8.4 applied to its text (same label, same
    normalised text = same cluster), joined by ``same_as``; the name is the longest mention
    text (names; all-capitals datelines in title case) or the first mention text (values).
    A note on a quote region, and Label Studio's per-document ``notes`` text, go to
    ``annotation.notes``.

Stance items are derived, never typed: holder = the speaker cluster of the evidence quote
(S-2.1), one item per (holder, target) with every quote that carries it (S-5.1, S-7), ids and
order as F-7 says; targets are the list declared in annotations/targets/ (GUIDELINES.md S-3, S-9), copied verbatim.
"""
from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import quoteattr

from newsgold.annotation.targets import declared_targets
from newsgold.repository import current
from newsgold.dataset.manifest import read_manifest
from newsgold.core.diagnostics import InputError, Problem
from newsgold.core.jsonio import BOM, dump_json, line_for, locate_lines, read_json, read_text, write_atomic
from newsgold.dataset.rules import check_gold_layers
from newsgold.core.schema import ENTITY_LABELS, QUOTE_TYPES, STANCE_LABELS, schema_problems

TOOLS = ("labelstudio", "brat", "doccano")
QUOTE_LABELS = ("QUOTE_CONTENT", "CUE", "SPEAKER")
VALUE_LABELS = ("DATE", "TIME", "PERCENT", "MONEY", "QUANTITY", "ORDINAL", "CARDINAL")
STRUCTURAL = ("cue", "said_by", "continues", "refers_to", "same_as")
STANCE_REL = re.compile(r"^(FAVOR|AGAINST|NEUTRAL)[:_](\S+)$")
ANNOTATOR_ID = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")
CLUSTER_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MACHINE_PREFIXES = ("llm",)
LS_LABEL_CONTROLS = ("entity", "quote")
COLORS = {
    "PERSON": "#f4a261", "NORP": "#e9c46a", "FAC": "#b5838d", "ORG": "#2a9d8f", "GPE": "#8ecae6", "LOC": "#90be6d",
    "PRODUCT": "#cdb4db", "EVENT": "#ffafcc", "WORK_OF_ART": "#bde0fe", "LAW": "#a2d2ff", "LANGUAGE": "#d4a373",
    "DATE": "#ccd5ae", "TIME": "#e9edc9", "PERCENT": "#fefae0", "MONEY": "#faedcd", "QUANTITY": "#e5e5e5",
    "ORDINAL": "#d8e2dc", "CARDINAL": "#ffe5d9", "QUOTE_CONTENT": "#ffd6a5", "CUE": "#ff6b6b", "SPEAKER": "#4d96ff",
}


# ================================================================ the repository: documents, targets, guidelines

@dataclass
class Repo:
    root: Path
    docs: dict[str, dict]
    targets: dict[str, list[dict]]
    guidelines_version: str
    version: str


def guidelines_version(path: Path) -> str:
    text = Path(path).read_text(encoding="utf-8")
    m = re.search(r"Guidelines version:\s*\*\*(\d+\.\d+\.\d+)\*\*", text)
    if not m:
        raise InputError(Problem(str(path), 0, "", "no 'Guidelines version: **X.Y.Z**' line found", "guidelines"))
    return m.group(1)


def load_repo(root: str | Path | None = None) -> Repo:
    root = Path(root) if root is not None else current().root
    _, docs, problems = read_manifest(root / "seeds" / "manifest.json")
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise InputError(errors)
    gl = root / "annotations" / "GUIDELINES.md"
    try:
        version = (root / "VERSION").read_text(encoding="utf-8").strip()
    except OSError:
        version = "unversioned"
    return Repo(root, docs, declared_targets(root / "annotations" / "targets"), guidelines_version(gl), version)


# ================================================================ shared rules

def cluster_id(name: str) -> str:
    """E-8.4: lowercase, diacritics removed, runs of other characters than a-z0-9 -> '-', trimmed."""
    s = unicodedata.normalize("NFKD", name)
    s = "".join(ch for ch in s if not unicodedata.combining(ch)).lower()
    return re.sub(r"[^a-z0-9]+", "-", s).strip("-")


def annotator_kind(annotator: str) -> str:
    """``machine`` for ids starting with ``llm`` (P-7: ``llm-<model>-r1``), else ``human``."""
    return "machine" if annotator.startswith(MACHINE_PREFIXES) else "human"


def parse_note(note: str) -> tuple[str, str] | str:
    """``Name`` or ``Name | id`` -> ``(name, id)``; a message string when it cannot be read."""
    name, sep, cid = (x.strip() for x in note.partition("|"))
    if not name:
        return "empty cluster name"
    cid = cid if sep else cluster_id(name)
    if not CLUSTER_ID.match(cid):
        return f"cluster id {cid!r} is not lowercase-hyphenated (E-8.4)"
    return name, cid


def _zone_of(zones: list[dict], offset: int) -> str:
    for z in zones:
        if z["start"] <= offset < z["end"]:
            return z["type"]
    return ""


def derived_name(mentions: list[tuple[int, int, str]], label: str, zones: list[dict]) -> str:
    """The cluster name the import gives when no note names it (E-8.2, E-8.7).

    Values: the first mention's text. Names: the longest mention text (first on ties), in
    title case when it is written in capitals and every occurrence of it is in a dateline.
    """
    mentions = sorted(mentions)
    if label in VALUE_LABELS:
        return mentions[0][2]
    pool = mentions
    if label == "NORP":  # E-8.3: the plural group noun when the text has it ("Kurds", not "Kurdish")
        pool = [m for m in mentions if m[2].endswith("s")] or mentions
    best = max(pool, key=lambda m: (len(m[2]), -m[0]))[2]
    if best.isupper() and all(_zone_of(zones, s) == "dateline" for s, _, t in mentions if t == best):
        return best.title()
    return best


# ================================================================ export: gold -> neutral regions

@dataclass
class _Region:
    key: str
    label: str
    spans: list[tuple[int, int]]
    quote_type: str | None = None
    note: str | None = None


@dataclass
class _Rel:
    type: str
    a: str
    b: str


def _gold_regions(ann: dict, doc: dict, *, split_content: bool, notes: bool = True) -> tuple[list[_Region], list[_Rel]]:
    """Regions and relations that encode an annotation record (the import maps them back to it).

    ``split_content``: one region per content span joined by ``continues`` (Label Studio,
    doccano); otherwise one discontinuous region per quote (brat). ``notes``: cluster names
    as notes (Label Studio, brat); without them (doccano) mentions are joined by ``same_as``
    and names come from the default rule, so E-8.3 plurals and E-8.7 ``-2`` ids are lost.
    """
    zones = doc["zones"]
    regions: list[_Region] = []
    rels: list[_Rel] = []
    clusters = {c["id"]: c for c in ann["entities"]["clusters"]}
    by_cluster: dict[str, list[dict]] = {}
    for m in sorted(ann["entities"]["mentions"], key=lambda m: (m["start"], m["end"])):
        by_cluster.setdefault(m["cluster"], []).append(m)
    for cid, ms in by_cluster.items():
        c = clusters[cid]
        derived = derived_name([(m["start"], m["end"], m["text"]) for m in ms], c["type"], zones)
        note = c["name"] if cluster_id(c["name"]) == cid else f"{c['name']} | {cid}"
        linked_keys = {cluster_id(ms[0]["text"])}
        for j, m in enumerate(ms):
            key = f"m{m['start']}-{m['end']}"
            needs = cluster_id(m["text"]) != cid or (j == 0 and (derived != c["name"] or cluster_id(derived) != cid))
            regions.append(_Region(key, m["label"], [(m["start"], m["end"])], note=note if needs and notes else None))
            if not notes and cluster_id(m["text"]) not in linked_keys:
                linked_keys.add(cluster_id(m["text"]))
                rels.append(_Rel("same_as", key, f"m{ms[0]['start']}-{ms[0]['end']}"))
    first_of = {cid: f"m{ms[0]['start']}-{ms[0]['end']}" for cid, ms in by_cluster.items()}
    mention_cluster = {(m["start"], m["end"]): m["cluster"] for m in ann["entities"]["mentions"]}
    made: dict[tuple, str] = {}
    prefix = {"CUE": "k", "SPEAKER": "s"}

    def region(label: str, span: dict) -> str:
        k = (label, span["start"], span["end"])
        if k not in made:
            made[k] = f"{prefix[label]}{span['start']}-{span['end']}"
            regions.append(_Region(made[k], label, [(span["start"], span["end"])]))
        return made[k]

    quote_first: dict[str, str] = {}
    quote_speaker: dict[str, str] = {}
    for q in ann["quotes"]:
        spans = [(s["start"], s["end"]) for s in q["content"]]
        if split_content:
            keys = []
            for s, e in spans:
                k = f"q{s}-{e}"
                regions.append(_Region(k, "QUOTE_CONTENT", [(s, e)], quote_type=q["type"]))
                keys.append(k)
            for k in keys[1:]:
                rels.append(_Rel("continues", k, keys[0]))
            first = keys[0]
        else:
            first = f"q{spans[0][0]}-{spans[0][1]}"
            regions.append(_Region(first, "QUOTE_CONTENT", spans, quote_type=q["type"]))
        quote_first[q["id"]] = first
        if q["cue"]:
            rels.append(_Rel("cue", first, region("CUE", q["cue"])))
        sc = q["speaker_cluster"]
        if q["speaker"]:
            sk = region("SPEAKER", q["speaker"])
            quote_speaker[q["id"]] = sk
            rels.append(_Rel("said_by", first, sk))
            same = mention_cluster.get((q["speaker"]["start"], q["speaker"]["end"]))
            if sc in first_of and same != sc and not any(r.type == "refers_to" and r.a == sk for r in rels):
                rels.append(_Rel("refers_to", sk, first_of[sc]))
        elif sc in first_of:
            rels.append(_Rel("refers_to", first, first_of[sc]))
    quote_cluster = {q["id"]: q["speaker_cluster"] for q in ann["quotes"]}
    for it in ann["stance"]["items"]:
        for qid in it["evidence"]:
            holder = quote_speaker.get(qid) if quote_cluster.get(qid) == it["holder"] else None
            rels.append(_Rel(f"{it['label']}:{it['target']}", quote_first[qid], holder or first_of[it["holder"]]))
    order = {lab: i for i, lab in enumerate((*ENTITY_LABELS, *QUOTE_LABELS))}
    regions.sort(key=lambda r: (r.spans[0], order[r.label]))
    return regions, rels


def _stance_values(targets: list[dict]) -> list[str]:
    return [f"{lab}:{t['id']}" for t in targets for lab in STANCE_LABELS]


def _read_gold(repo: Repo, doc_id: str) -> dict | None:
    from newsgold.dataset.gold import check_annotation
    p = repo.root / "annotations" / "gold" / f"{doc_id}.json"
    if not p.exists():
        return None
    rec, problems = check_annotation(p, repo.docs)
    errors = [x for x in problems if x.severity == "error"]
    if errors:
        raise InputError(errors + [Problem(str(p), 0, "", "the gold is invalid: no pre-annotations made from it", "gold")])
    return rec


def _utf16(text: str, offset: int) -> int:
    return offset + sum(1 for ch in text[:offset] if ord(ch) > 0xFFFF)


def labelstudio_config(targets: list[str]) -> str:
    """The labelling configuration (XML) for Label Studio."""
    ent = "\n".join(f'    <Label value="{lab}" background="{COLORS[lab]}"/>' for lab in ENTITY_LABELS)
    quote = "\n".join(f'    <Label value="{lab}" background="{COLORS[lab]}"/>' for lab in QUOTE_LABELS)
    relations = [*STRUCTURAL, *targets]
    rel = "\n".join(f"    <Relation value={quoteattr(r)}/>" for r in relations)
    types = "\n".join(f'      <Choice value="{t}"/>' for t in QUOTE_TYPES)
    return f"""<!-- NewsGold labelling configuration: generated by `newsgold tasks`; how to annotate: CONTRIBUTING.md -->
<View>
  <Header value="$doc_id"/>
  <Labels name="entity" toName="text" showInline="true">
{ent}
  </Labels>
  <Labels name="quote" toName="text" showInline="true">
{quote}
  </Labels>
  <Text name="text" value="$text" granularity="symbol"/>
  <Relations>
{rel}
  </Relations>
  <View visibleWhen="region-selected" whenTagName="quote" whenLabelValue="QUOTE_CONTENT">
    <Header value="Quote type (Q-2)"/>
    <Choices name="quote_type" toName="text" perRegion="true" choice="single" required="false">
{types}
    </Choices>
  </View>
  <View visibleWhen="region-selected">
    <Header value="Note: on an entity, the cluster 'Canonical Name' or 'Canonical Name | cluster-id'; on a quote region, a note"/>
    <TextArea name="note" toName="text" perRegion="true" maxSubmissions="1" editable="true" rows="1"/>
  </View>
  <Header value="Notes for annotation.notes (G-1 cases, S-3.3 undeclared positions, S-8 conflicts)"/>
  <TextArea name="notes" toName="text" maxSubmissions="1" editable="true" rows="3"/>
</View>
"""


def _ls_task(repo: Repo, doc_id: str, ann: dict | None) -> dict:
    doc = repo.docs[doc_id]
    text = doc["text"]
    task = {"data": {"text": text, "doc_id": doc_id}}
    if ann is None:
        return task
    regions, rels = _gold_regions(ann, doc, split_content=True)
    result = []
    for r in regions:
        (s, e), = r.spans
        value = {"start": _utf16(text, s), "end": _utf16(text, e), "text": text[s:e]}
        control = "quote" if r.label in QUOTE_LABELS else "entity"
        result.append({"id": r.key, "from_name": control, "to_name": "text", "type": "labels",
                       "value": {**value, "labels": [r.label]}})
        if r.quote_type:
            result.append({"id": r.key, "from_name": "quote_type", "to_name": "text", "type": "choices",
                           "value": {**value, "choices": [r.quote_type]}})
        if r.note:
            result.append({"id": r.key, "from_name": "note", "to_name": "text", "type": "textarea",
                           "value": {**value, "text": [r.note]}})
    for rel in rels:
        result.append({"from_id": rel.a, "to_id": rel.b, "type": "relation", "direction": "right", "labels": [rel.type]})
    task["predictions"] = [{"model_version": f"newsgold-gold-{repo.version}", "result": result}]
    return task


def brat_conf(targets: list[str]) -> tuple[str, str]:
    """annotation.conf and visual.conf for brat."""
    ents = "|".join(ENTITY_LABELS)
    lines = ["# NewsGold annotation configuration: generated by `newsgold tasks`; how to annotate: CONTRIBUTING.md",
             "[entities]", *ENTITY_LABELS, *QUOTE_LABELS, "", "[relations]",
             "cue Arg1:QUOTE_CONTENT, Arg2:CUE",
             "said_by Arg1:QUOTE_CONTENT, Arg2:SPEAKER",
             "continues Arg1:QUOTE_CONTENT, Arg2:QUOTE_CONTENT",
             f"refers_to Arg1:SPEAKER|QUOTE_CONTENT, Arg2:{ents}",
             f"same_as Arg1:{ents}, Arg2:{ents}, <REL-TYPE>:symmetric-transitive"]
    for t in targets:
        lab, _, tid = t.partition(":")
        lines.append(f"{lab}_{tid} Arg1:QUOTE_CONTENT, Arg2:SPEAKER|{ents}")
    lines += ["<OVERLAP> Arg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>", "", "[events]", "", "[attributes]",
              f"QuoteType Arg:QUOTE_CONTENT, Value:{'|'.join(QUOTE_TYPES)}", ""]
    vis = ["[labels]", *(f"{lab} | {lab}" for lab in ENTITY_LABELS), "QUOTE_CONTENT | Quote content | content",
           "CUE | Cue", "SPEAKER | Speaker", "said_by | said by", "refers_to | refers to", "same_as | same as", "",
           "[drawing]", *(f"{lab}\tbgColor:{COLORS[lab]}" for lab in (*ENTITY_LABELS, *QUOTE_LABELS)),
           "cue\tcolor:#ff6b6b", "said_by\tcolor:#4d96ff", "", ]
    return "\n".join(lines), "\n".join(vis)


def _brat_fragments(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """brat cannot write a fragment across a line break: split there (import joins them again)."""
    out = []
    for s, e in spans:
        pos = s
        for part in text[s:e].split("\n"):
            ps = pos + len(part) - len(part.lstrip())
            pe = pos + len(part.rstrip())
            if ps < pe:
                out.append((ps, pe))
            pos += len(part) + 1
    return out


def _brat_ann(repo: Repo, doc_id: str, ann: dict | None) -> str:
    if ann is None:
        return ""
    text = repo.docs[doc_id]["text"]
    regions, rels = _gold_regions(ann, repo.docs[doc_id], split_content=False)
    tid = {}
    lines = []
    attrs = []
    notes = []
    for i, r in enumerate(regions, 1):
        tid[r.key] = f"T{i}"
        frags = _brat_fragments(text, r.spans)
        lines.append(f"T{i}\t{r.label} {';'.join(f'{s} {e}' for s, e in frags)}\t{' '.join(text[s:e] for s, e in frags)}")
        if r.quote_type:
            attrs.append(f"A{len(attrs) + 1}\tQuoteType T{i} {r.quote_type}")
        if r.note:
            notes.append(f"#{len(notes) + 1}\tAnnotatorNotes T{i}\t{r.note}")
    for i, rel in enumerate(rels, 1):
        typ = rel.type.replace(":", "_", 1)
        lines.append(f"R{i}\t{typ} Arg1:{tid[rel.a]} Arg2:{tid[rel.b]}")
    return "\n".join(lines + attrs + notes) + "\n"


def _doccano_line(repo: Repo, doc_id: str, ann: dict | None) -> dict:
    text = repo.docs[doc_id]["text"]
    rec = {"text": text, "doc_id": doc_id, "entities": [], "relations": []}
    if ann is None:
        return rec
    regions, rels = _gold_regions(ann, repo.docs[doc_id], split_content=True, notes=False)
    ids = {}
    for i, r in enumerate(regions, 1):
        ids[r.key] = i
        (s, e), = r.spans
        label = f"{r.label}:{r.quote_type}" if r.label == "QUOTE_CONTENT" else r.label
        rec["entities"].append({"id": i, "label": label, "start_offset": s, "end_offset": e})
    for i, rel in enumerate(rels, 1):
        rec["relations"].append({"id": i, "from_id": ids[rel.a], "to_id": ids[rel.b], "type": rel.type})
    return rec


def _doccano_types(targets: list[str]) -> tuple[list[dict], list[dict]]:
    spans = [{"text": lab, "suffix_key": None, "background_color": COLORS[lab], "text_color": "#000000"}
             for lab in ENTITY_LABELS]
    spans += [{"text": f"QUOTE_CONTENT:{t}", "suffix_key": None, "background_color": COLORS["QUOTE_CONTENT"],
               "text_color": "#000000"} for t in QUOTE_TYPES]
    spans += [{"text": lab, "suffix_key": None, "background_color": COLORS[lab], "text_color": "#000000"}
              for lab in ("CUE", "SPEAKER")]
    rels = [{"text": r, "suffix_key": None, "background_color": "#bbbbbb", "text_color": "#000000"}
            for r in (*STRUCTURAL, *targets)]
    return spans, rels


DOCCANO_README = """# doccano project for NewsGold (generated by `newsgold tasks --to doccano`)

1. Create a project of type "Sequence Labeling" and tick "Use relation labeling" and
   "Allow overlapping spans" (a SPEAKER span lies on the speaker's entity mention).
2. Labels -> Actions -> Import labels: `span_types.json` as span types, `relation_types.json`
   as relation types.
3. Dataset -> Import -> "JSONL (relation)": `doccano.jsonl` (one line per document; the
   `doc_id` field is kept as metadata and exported again).
4. Annotate as CONTRIBUTING.md explains. doccano has no per-span attributes, so the quote type
   is part of the content label: `QUOTE_CONTENT:direct`, `QUOTE_CONTENT:indirect`,
   `QUOTE_CONTENT:mixed`. Stance relations go from a QUOTE_CONTENT span to the holder
   (`FAVOR:<target id>` etc.). Clusters come from the E-8.4 rule and `same_as` relations.
5. Dataset -> Export -> "JSONL (relation)", then
   `newsgold import --from doccano EXPORT.jsonl -o annotations/passes/NAME --annotator NAME`.
"""


def export_tasks(tool: str, doc_ids, out_dir, *, root: str | Path | None = None, pre_annotate: bool = True) -> list[str]:
    """Write annotation tasks for ``doc_ids`` into ``out_dir``; returns the paths written.

    Documents with a gold file get it as pre-annotations unless ``pre_annotate`` is False
    (never give gold pre-annotations to a blind pass, P-2).
    """
    if tool not in TOOLS:
        raise InputError(f"unknown tool {tool!r}; one of {', '.join(TOOLS)}")
    repo = load_repo(root)
    doc_ids = list(dict.fromkeys(doc_ids))
    unknown = [d for d in doc_ids if d not in repo.docs]
    if unknown:
        raise InputError([Problem("seeds/manifest.json", 0, "", f"unknown document id {d!r}; the manifest has "
                                  f"{', '.join(sorted(repo.docs))}", "ref-document") for d in unknown])
    if not doc_ids:
        raise InputError("no document ids given")
    out = Path(out_dir)
    anns = {d: _read_gold(repo, d) if pre_annotate else None for d in doc_ids}
    targets = sorted({v for d in doc_ids for v in _stance_values(repo.targets.get(d, []))},
                     key=lambda v: (v.split(":", 1)[1], STANCE_LABELS.index(v.split(":", 1)[0])))
    written: list[Path] = []

    def put(path: Path, data: str) -> None:
        write_atomic(path, data)
        written.append(path)

    if tool == "labelstudio":
        tasks = [_ls_task(repo, d, anns[d]) for d in doc_ids]
        put(out / "tasks.json", dump_json(tasks))
        put(out / "labelling_config.xml", labelstudio_config(targets))
    elif tool == "brat":
        for d in doc_ids:
            put(out / f"{d}.txt", repo.docs[d]["text"])
            put(out / f"{d}.ann", _brat_ann(repo, d, anns[d]))
        conf, vis = brat_conf(targets)
        put(out / "annotation.conf", conf)
        put(out / "visual.conf", vis)
    else:
        lines = [_doccano_line(repo, d, anns[d]) for d in doc_ids]
        put(out / "doccano.jsonl", "".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines))
        spans, rels = _doccano_types(targets)
        put(out / "span_types.json", dump_json(spans))
        put(out / "relation_types.json", dump_json(rels))
        put(out / "doccano_setup.md", DOCCANO_README)
    return [str(p) for p in written]


# ================================================================ import: tool export -> neutral document

@dataclass
class XRegion:
    id: str
    labels: list[str]
    spans: list[tuple[int, int]]
    line: int
    where: str
    quote_type: str | None = None
    note: str | None = None


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
    where: str              # "task 3", "T-file", "line 2": names the unit in messages
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


# Problems of the readers that import decides itself, more strictly
_STRICT = {"span-align": "error", "multiple-annotations": "error", "utf16": "warning"}
_OWN = {"ref-region", "multi-label", "discontinuous"}


def _reader_problems(problems: list[Problem]) -> list[Problem]:
    out = []
    for p in problems:
        if p.rule in _OWN:
            continue
        sev = _STRICT.get(p.rule, p.severity)
        msg = p.message
        if p.rule == "multiple-annotations":
            msg += ("; a pass holds one annotator's work: export one annotation per task "
                    "(filter by annotator in Label Studio's Data Manager)")
        if p.rule == "span-align" and sev == "error" and p.severity == "warning":
            msg = "region text does not match the document at its offsets: " + msg
        out.append(Problem(p.file, p.line, p.path, msg, p.rule, sev))
    return out


def _read_labelstudio_export(path: Path) -> list[XDoc]:
    from newsgold.formats.adapters import read_labelstudio
    name = str(path)
    data, text, problems = read_json(path, allow_crlf=True)
    if data is None:
        x = XDoc(name, 0, "", None, None)
        x.problems += problems or [Problem(name, 0, "", "empty export", "empty")]
        return [x]
    lines = locate_lines(text)
    lf = lambda p: line_for(lines, p)  # noqa: E731
    tasks = data if isinstance(data, list) else [data]
    out = []
    for ti, rec in enumerate(read_labelstudio(tasks, name, lf)):
        task = tasks[ti] if ti < len(tasks) and isinstance(tasks[ti], dict) else {}
        where = f"task {rec['task_id']}" if rec["task_id"] is not None else f"task #{ti}"
        x = XDoc(name, lf((ti,)), where, rec["doc_id"], rec["text"])
        x.problems += _reader_problems(rec["problems"])
        out.append(x)
        if rec["text"] is None:
            continue
        src = rec.get("source") or ""
        if not src.startswith(("annotations", "completions", "json-min")):
            x.error(where, "task has no submitted annotation" + (" (only pre-annotations)" if src.startswith("predictions") else "")
                    + "; annotate it in Label Studio or leave it out of the export", "no-annotation")
            continue
        for sp in rec["spans"]:
            if sp["id"] is None:
                x.error(f"{where}/{sp['field']}", "region without an id: cannot be linked", "format", sp["line"])
                continue
            _add_region(x, sp["id"], sp["label"], [(sp["start"], sp["end"])], sp["line"], f"{where}/region {sp['id']}")
        for i, rel in enumerate(rec["relations"]):
            labs = rel["labels"]
            if len(labs) != 1:
                x.error(f"{where}/relation {rel['from_id']}->{rel['to_id']}", f"relation has {len(labs)} labels "
                        f"({', '.join(labs) or 'none'}); give exactly one", "relation-label")
                continue
            x.relations.append(XRelation(labs[0], str(rel["from_id"]), str(rel["to_id"]), x.line,
                                         f"{where}/relation {rel['from_id']}->{rel['to_id']} {labs[0]!r}"))
        # per-region choices and texts, which the reader reports without their region (same annotation it read)
        results = []
        parts = src.split("/")
        if len(parts) == 2 and isinstance(task.get(parts[0]), list) and parts[1].isdigit() and int(parts[1]) < len(task[parts[0]]):
            results = (task[parts[0]][int(parts[1])] or {}).get("result") or []
        for r in results:
            if not isinstance(r, dict):
                continue
            val = r.get("value") if isinstance(r.get("value"), dict) else {}
            rid = None if r.get("id") is None else str(r.get("id"))
            regional = "start" in val and rid is not None
            if r.get("type") == "choices" and r.get("from_name") == "quote_type" and regional:
                ch = val.get("choices") or []
                if rid in x.regions:
                    x.regions[rid].quote_type = ch[0] if len(ch) == 1 else ",".join(map(str, ch)) or None
            elif r.get("type") == "textarea":
                txt = " ".join(str(t) for t in (val.get("text") or []) if str(t).strip()).strip()
                if not txt:
                    continue
                if regional and rid in x.regions:
                    x.regions[rid].note = txt
                elif not regional:
                    x.notes.append(txt)
    return out


def _join_line_fragments(text: str, frags: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """brat splits a span at line breaks: fragments separated only by whitespace with a newline are one span."""
    out: list[list[int]] = []
    for s, e in sorted(frags):
        if out and text[out[-1][1]:s].strip() == "" and "\n" in text[out[-1][1]:s]:
            out[-1][1] = e
        else:
            out.append([s, e])
    return [(s, e) for s, e in out]


def _read_brat_export(path: Path, repo: Repo) -> list[XDoc]:
    from newsgold.formats.adapters import read_brat
    files = sorted(path.glob("*.ann")) if path.is_dir() else [path]
    out = []
    if path.is_dir() and not files:
        x = XDoc(str(path), 0, "", None, None)
        x.error("", "no .ann files in this folder", "empty")
        return [x]
    for f in files:
        name = str(f)
        x = XDoc(name, 0, f.name, None, None)
        out.append(x)
        try:
            raw = f.read_bytes()
            ann = raw[len(BOM):].decode("utf-8") if raw.startswith(BOM) else raw.decode("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            x.error("", f"cannot read as UTF-8: {exc}", "encoding")
            continue
        txt = f.with_suffix(".txt")
        if txt.exists():
            try:
                x.text = txt.read_bytes().decode("utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                x.problems.append(Problem(str(txt), 0, "", f"cannot read as UTF-8: {exc}", "encoding"))
                continue
        x.doc_id = f.stem if f.stem in repo.docs else None
        if x.text is None:
            if x.doc_id is None:
                x.error("", f"no {txt.name} next to the .ann and {f.stem!r} is not a manifest document id", "ref-document")
                continue
            x.text = repo.docs[x.doc_id]["text"]
        parsed = read_brat(ann, name)
        x.problems += _reader_problems(parsed["problems"])
        text = x.text
        for ent in parsed["entities"]:
            where = ent["id"]
            bad = [(s, e) for s, e in ent["fragments"] if not 0 <= s < e <= len(text)]
            if bad:
                x.error(where, f"offsets {bad[0][0]} {bad[0][1]} outside the text (length {len(text)})", "offset-range", ent["line"])
                continue
            if ent["text"] is not None:
                expected = " ".join(text[s:e] for s, e in ent["fragments"])
                if ent["text"] != expected:
                    x.error(where, f"span text {ent['text']!r} does not match the document at "
                            f"{';'.join(f'{s} {e}' for s, e in ent['fragments'])}, which reads {expected!r}", "span-text", ent["line"])
                    continue
            spans = _join_line_fragments(text, ent["fragments"])
            _add_region(x, ent["id"], ent["label"], spans, ent["line"], where)
        for rel in parsed["relations"]:
            x.relations.append(XRelation(rel["type"], rel["arg1"], rel["arg2"], rel["line"], rel["id"]))
        for a in parsed["attributes"]:
            if a["type"] != "QuoteType":
                x.error(a["id"], f"unknown attribute {a['type']!r} (only QuoteType)", "label-inventory", a["line"])
            elif a["target"] in x.regions:
                x.regions[a["target"]].quote_type = str(a["value"])
        for nt in parsed["notes"]:
            if nt["target"] in x.regions and nt["text"].strip():
                x.regions[nt["target"]].note = nt["text"].strip()
        for ev in parsed["events"]:
            x.error(ev["id"], "events are not part of the NewsGold encoding", "label-inventory", ev["line"])
    return out


def _read_doccano_export(path: Path) -> list[XDoc]:
    from newsgold.formats.adapters import read_doccano
    name = str(path)
    text, pre = read_text(path, name)
    if text is None:
        x = XDoc(name, 0, "", None, None)
        x.problems += pre
        return [x]
    if text.lstrip().startswith("["):
        try:
            lines = json.loads(text)
        except json.JSONDecodeError as exc:
            x = XDoc(name, exc.lineno, "", None, None)
            x.error("", f"malformed JSON: {exc.msg} (column {exc.colno})", "json")
            return [x]
    else:
        lines = text.split("\n")
    out = []
    for rec in read_doccano(lines, name):
        x = XDoc(name, rec["line"], "", rec["doc_id"], rec["text"])
        x.problems += pre + _reader_problems(rec["problems"])
        pre = []
        out.append(x)
        for sp in rec["spans"]:
            lab = sp["label"] if isinstance(sp["label"], str) else str(sp["label"])
            r = _add_region(x, sp["id"], lab.split(":", 1)[0] if lab.startswith("QUOTE_CONTENT:") else lab,
                            [(sp["start"], sp["end"])], rec["line"], sp["field"])
            if lab.startswith("QUOTE_CONTENT:"):
                r.quote_type = lab.split(":", 1)[1]
        for i, rel in enumerate(rec["relations"]):
            x.relations.append(XRelation(str(rel["type"]), str(rel["from_id"]), str(rel["to_id"]), rec["line"],
                                         f"relations/{i}"))
    if not out:
        x = XDoc(name, 0, "", None, None)
        x.error("", "file is empty: no records", "empty")
        out.append(x)
    return out


# ================================================================ import: neutral document -> annotation record

class _UF:
    def __init__(self):
        self.p: dict = {}

    def find(self, a):
        self.p.setdefault(a, a)
        while self.p[a] != a:
            self.p[a] = self.p[self.p[a]]
            a = self.p[a]
        return a

    def union(self, a, b):
        self.p[self.find(a)] = self.find(b)


def build_annotation(x: XDoc, doc: dict, repo: Repo, annotator: str, tool: str) -> dict | None:
    """The annotation record a tool document encodes; problems go to ``x.problems``."""
    text, zones = doc["text"], doc["zones"]
    nerr = sum(p.severity == "error" for p in x.problems)
    ents: dict[str, XRegion] = {}      # region id -> region with an entity label
    ent_label: dict[str, str] = {}
    roles: dict[str, set[str]] = {}
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
            ents[r.id] = r
            ent_label[r.id] = el[0]
        roles[r.id] = ql
        if r.quote_type is not None and "QUOTE_CONTENT" not in ql:
            x.error(r.where, "quote type on a region that is not QUOTE_CONTENT", "quote-type", r.line)
        if r.quote_type is not None and r.quote_type not in QUOTE_TYPES:
            x.error(r.where, f"quote type {r.quote_type!r} is not one of {', '.join(QUOTE_TYPES)}", "quote-type", r.line)

    def has(rid: str, role: str) -> bool:
        if role == "ENTITY":
            return rid in ents
        return role in roles.get(rid, ())

    # ---- relations: check labels and endpoints, orient them by role
    struct: dict[str, list[tuple[str, str, XRelation]]] = {k: [] for k in STRUCTURAL}
    stance: list[tuple[str, str, str, str, XRelation]] = []
    want = {"cue": ("QUOTE_CONTENT", "CUE"), "said_by": ("QUOTE_CONTENT", "SPEAKER"),
            "continues": ("QUOTE_CONTENT", "QUOTE_CONTENT"), "same_as": ("ENTITY", "ENTITY")}
    for rel in x.relations:
        missing = [rid for rid in (rel.a, rel.b) if rid not in x.regions]
        if missing:
            x.error(rel.where, f"relation {rel.type!r} refers to region {missing[0]!r}, which does not exist in this "
                    "document (deleted, or a broken export)", "ref-region", rel.line)
            continue
        m = STANCE_REL.match(rel.type)
        if rel.type in want:
            ra, rb = want[rel.type]
            if has(rel.a, ra) and has(rel.b, rb):
                struct[rel.type].append((rel.a, rel.b, rel))
            elif has(rel.b, ra) and has(rel.a, rb):
                struct[rel.type].append((rel.b, rel.a, rel))
            else:
                x.error(rel.where, f"a {rel.type!r} relation joins {ra.replace('ENTITY', 'an entity')} and "
                        f"{rb.replace('ENTITY', 'an entity')}; it joins {_desc(x, rel.a)} and {_desc(x, rel.b)}",
                        "relation-args", rel.line)
        elif rel.type == "refers_to":
            src = lambda rid: has(rid, "SPEAKER") or has(rid, "QUOTE_CONTENT")  # noqa: E731
            if src(rel.a) and has(rel.b, "ENTITY"):
                struct["refers_to"].append((rel.a, rel.b, rel))
            elif src(rel.b) and has(rel.a, "ENTITY"):
                struct["refers_to"].append((rel.b, rel.a, rel))
            else:
                x.error(rel.where, f"a 'refers_to' relation joins a SPEAKER or QUOTE_CONTENT region and an entity mention; "
                        f"it joins {_desc(x, rel.a)} and {_desc(x, rel.b)}", "relation-args", rel.line)
        elif m:
            label, target = m.group(1), m.group(2)
            holder_ok = lambda rid: has(rid, "SPEAKER") or has(rid, "ENTITY")  # noqa: E731
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

    # ---- entities and clusters
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
    for a, b, rel in struct["same_as"]:
        if ent_label[a] != ent_label[b]:
            x.error(rel.where, f"'same_as' joins a {ent_label[a]} and a {ent_label[b]} mention; a cluster has one type (E-8.1)",
                    "cluster-type", rel.line)
            continue
        uf.union(("region", a), ("region", b))
    groups: dict = {}
    for rid in sorted(ents, key=lambda i: ents[i].spans[0]):
        groups.setdefault(uf.find(("region", rid)), []).append(rid)
    cluster_of: dict[str, str] = {}
    clusters = []
    used_ids: set[str] = set()
    for members in sorted(groups.values(), key=lambda ms: ents[ms[0]].spans[0]):
        label = ent_label[members[0]]
        notes = {note_of[m] for m in members if m in note_of}
        if len(notes) > 1:
            x.error(ents[members[0]].where, f"the mentions of one cluster carry different notes: "
                    f"{', '.join(sorted(' | '.join(n) for n in notes))}", "cluster-note", ents[members[0]].line)
        spans = [(ents[m].spans[0][0], ents[m].spans[0][1], text[ents[m].spans[0][0]:ents[m].spans[0][1]]) for m in members]
        if notes:
            name, cid = sorted(notes)[0]
        else:
            name = derived_name(spans, label, zones)
            cid = cluster_id(name) or "cluster"
            if label == "NORP" and name[:1].isupper() and not name.endswith("s"):
                x.error(ents[members[0]].where, f"NORP cluster named {name!r}: E-8.3 wants the plural group noun; add a "
                        "note (e.g. 'Syrians')", "cluster-name", ents[members[0]].line, "warning")
        if cid in used_ids:
            if notes:
                x.error(ents[members[0]].where, f"cluster id {cid!r} is used by two clusters", "unique-id", ents[members[0]].line)
            else:
                k = 2
                while f"{cid}-{k}" in used_ids:
                    k += 1
                x.error(ents[members[0]].where, f"a second cluster would get id {cid!r}; it gets {cid}-{k} (E-8.7); add a note "
                        "if that is not what you meant", "cluster-id", ents[members[0]].line, "warning")
                cid = f"{cid}-{k}"
        used_ids.add(cid)
        for m in members:
            cluster_of[m] = cid
        clusters.append({"id": cid, "name": name, "type": label,
                         "aliases": list(dict.fromkeys(t for _, _, t in sorted(spans)))})
    mentions = []
    for rid in sorted(ents, key=lambda i: ents[i].spans[0]):
        s, e = ents[rid].spans[0]
        mentions.append({"start": s, "end": e, "text": text[s:e], "label": ent_label[rid], "cluster": cluster_of[rid]})
    for a, b in zip(mentions, mentions[1:]):
        if b["start"] < a["end"]:
            x.error(x.where, f"entity mentions overlap: {a['start']}:{a['end']} {a['text']!r} and {b['start']}:{b['end']} "
                    f"{b['text']!r}; annotation is flat (E-3.5)", "overlap")
    mention_at = {(m["start"], m["end"]): m["cluster"] for m in mentions}

    # ---- quotes
    content = [rid for rid in x.regions if has(rid, "QUOTE_CONTENT")]
    quf = _UF()
    for rid in content:
        quf.find(rid)
    for a, b, _ in struct["continues"]:
        quf.union(a, b)
    qgroups: dict[str, list[str]] = {}
    for rid in content:
        qgroups.setdefault(quf.find(rid), []).append(rid)
    linked: dict[str, list[tuple[str, XRelation]]] = {}
    for kind in ("cue", "said_by"):
        for a, b, rel in struct[kind]:
            linked.setdefault(b, []).append((a, rel))
    refers: dict[str, list[tuple[str, XRelation]]] = {}
    for a, b, rel in struct["refers_to"]:
        refers.setdefault(a, []).append((b, rel))

    def speaker_cluster_of(sp: str) -> str | None:
        refs = {cluster_of.get(b) for b, _ in refers.get(sp, []) if b in cluster_of}
        if len(refs) > 1:
            x.error(x.regions[sp].where, f"speaker refers to several clusters ({', '.join(sorted(refs))})", "speaker-cluster",
                    x.regions[sp].line)
        if refs:
            return sorted(refs)[0]
        s, e = x.regions[sp].spans[0]
        if (s, e) in mention_at:
            return mention_at[(s, e)]
        inside = [m for m in mentions if m["start"] < e and s < m["end"]]
        if inside:
            x.error(x.regions[sp].where, f"speaker {text[s:e]!r} overlaps the mention(s) "
                    f"{', '.join(repr(m['text']) for m in inside)} without being one: speaker_cluster left null. "
                    "Q-5.1: a named speaker's span is exactly its mention; for a description or pronoun draw 'refers_to' "
                    "when the text makes the speaker certain (Q-5.4)", "speaker-cluster", x.regions[sp].line, "warning")
        return None

    for rid in x.regions:
        if (has(rid, "CUE") or has(rid, "SPEAKER")) and rid not in linked:
            role = "CUE" if has(rid, "CUE") else "SPEAKER"
            x.error(x.regions[rid].where, f"{role} region {_desc(x, rid)} belongs to no quote: draw a "
                    f"'{'cue' if role == 'CUE' else 'said_by'}' relation from its QUOTE_CONTENT, or delete it", "orphan",
                    x.regions[rid].line)
    quotes = []
    region_quote: dict[str, dict] = {}
    speaker_region_cluster: dict[str, str | None] = {}
    for members in qgroups.values():
        members.sort(key=lambda m: x.regions[m].spans[0])
        first = x.regions[members[0]]
        spans = sorted(sp for m in members for sp in x.regions[m].spans)
        types = {x.regions[m].quote_type for m in members if x.regions[m].quote_type}
        if not types:
            x.error(first.where, f"quote {_desc(x, first.id)} has no quote type (direct, indirect or mixed): Label Studio: "
                    "the quote_type choice; brat: the QuoteType attribute; doccano: the label QUOTE_CONTENT:<type>",
                    "quote-type", first.line)
        elif len(types) > 1:
            x.error(first.where, f"the content regions of one quote have different types ({', '.join(sorted(types))})",
                    "quote-type", first.line)
        cues = sorted({b for a, b, _ in struct["cue"] if a in members})
        speakers = sorted({b for a, b, _ in struct["said_by"] if a in members})
        for kind, found in (("cue", cues), ("speaker", speakers)):
            if len(found) > 1:
                x.error(first.where, f"quote {_desc(x, first.id)} has {len(found)} {kind}s "
                        f"({', '.join(_desc(x, f) for f in found)}); a quote has one", f"quote-{kind}", first.line)
        sc = None
        if speakers:
            sp = speakers[0]
            if sp not in speaker_region_cluster:
                speaker_region_cluster[sp] = speaker_cluster_of(sp)
            sc = speaker_region_cluster[sp]
        crefs = {cluster_of.get(b) for m in members for b, _ in refers.get(m, []) if b in cluster_of}
        if len(crefs) > 1 or (crefs and speakers and sc is not None and crefs != {sc}):
            x.error(first.where, f"quote {_desc(x, first.id)} refers to several speaker clusters "
                    f"({', '.join(sorted(c for c in crefs | {sc} if c))})", "speaker-cluster", first.line)
        if crefs and sc is None:
            sc = sorted(crefs)[0]
        span_obj = lambda s, e: {"start": s, "end": e, "text": text[s:e]}  # noqa: E731
        q = {"id": None, "type": sorted(types)[0] if types else "direct",
             "content": [span_obj(s, e) for s, e in spans],
             "cue": span_obj(*x.regions[cues[0]].spans[0]) if cues else None,
             "speaker": span_obj(*x.regions[speakers[0]].spans[0]) if speakers else None,
             "speaker_cluster": sc}
        for part in ("cue", "speaker"):
            if q[part]:
                ps, pe = q[part]["start"], q[part]["end"]
                if any(s < pe and ps < e for s, e in spans):
                    x.error(first.where, f"the {part} {q[part]['text']!r} overlaps the quote's content (Q-3.5)", "quote-overlap",
                            first.line)
        quotes.append(q)
        for m in members:
            region_quote[m] = q
    quotes.sort(key=lambda q: (q["content"][0]["start"], q["content"][0]["end"]))
    for i, q in enumerate(quotes, 1):
        q["id"] = f"q{i}"

    # ---- stance
    declared = repo.targets.get(doc["id"])
    order = {t["id"]: i for i, t in enumerate(declared or [])}
    items: dict[tuple[str, str], dict] = {}
    for c, h, label, target, rel in stance:
        if declared is None:
            x.error(rel.where, f"stance relation {rel.type!r}, but annotations/targets/ (GUIDELINES.md S-3, S-9) declares no targets for {doc['id']}; "
                    "declare them first (S-3.1)", "ref-target", rel.line)
            continue
        if target not in order:
            x.error(rel.where, f"target {target!r} is not declared for {doc['id']} (annotations/targets/ (GUIDELINES.md S-3, S-9): "
                    f"{', '.join(order) or 'none'})", "ref-target", rel.line)
            continue
        q = region_quote.get(c)
        if q is None:
            continue
        if has(h, "SPEAKER"):
            if h not in speaker_region_cluster:
                speaker_region_cluster[h] = speaker_cluster_of(h)
            holder = speaker_region_cluster[h]
        else:
            holder = cluster_of.get(h)
        if holder is None:
            x.error(rel.where, f"the holder {_desc(x, h)} resolves to no entity cluster; draw 'refers_to' from the SPEAKER "
                    "to a mention of the speaker, or point the stance relation at a mention", "stance-holder", rel.line)
            continue
        if q["speaker_cluster"] != holder:
            x.error(rel.where, f"the holder {holder!r} is not the speaker cluster of the evidence quote "
                    f"({q['speaker_cluster']!r}); stance belongs to the quote's speaker (S-2.1, S-5.2)", "evidence-holder", rel.line)
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
    for i, it in enumerate(stance_items, 1):
        it["id"] = f"s{i}"
    if declared is None:
        x.error(x.where, f"no stance targets declared for {doc['id']} in annotations/targets/ (GUIDELINES.md S-3, S-9): stance.targets left empty",
                "targets", severity="warning")

    notes = [f"imported from {tool}"]
    for rid, r in x.regions.items():
        if r.note and rid not in ents:
            notes.append(f"{_desc(x, rid)}: {r.note}")
    notes += x.notes
    rec = {"doc_id": doc["id"], "text_sha256": doc["text_sha256"],
           "annotation": {"guidelines_version": repo.guidelines_version, "annotator": annotator,
                          "annotator_kind": annotator_kind(annotator), "notes": "; ".join(notes)},
           "entities": {"clusters": clusters, "mentions": mentions},
           "quotes": quotes,
           "stance": {"targets": json.loads(json.dumps(declared or [])), "items": stance_items}}
    if sum(p.severity == "error" for p in x.problems) > nerr:
        return None
    return rec


def _desc(x: XDoc, rid: str) -> str:
    r = x.regions.get(rid)
    if r is None:
        return repr(rid)
    s, e = r.spans[0]
    t = (x.text or "")[s:e]
    t = t if len(t) <= 40 else t[:18] + "…" + t[-18:]
    return f"{'/'.join(r.labels)} {rid} {s}:{e} {t!r}"


def _identify(x: XDoc, repo: Repo) -> str | None:
    by_text = [d for d, doc in repo.docs.items() if doc["text"] == x.text] if x.text is not None else []
    if x.doc_id is not None:
        if x.doc_id not in repo.docs:
            if by_text:
                x.error(x.where, f"doc_id {x.doc_id!r} is not in the manifest, but the text is document {by_text[0]}; "
                        "fix the doc_id", "ref-document")
            else:
                x.error(x.where, f"document {x.doc_id!r} is not in the manifest (seeds/manifest.json); register it with "
                        "newsgold add-source", "ref-document")
            return None
        if x.text is not None and x.text != repo.docs[x.doc_id]["text"]:
            x.error(x.where, f"the text in the export differs from the text of {x.doc_id} (first difference at character "
                    f"{_first_diff(x.text, repo.docs[x.doc_id]['text'])}); offsets cannot be trusted: annotate the exact "
                    "text written by newsgold tasks", "text-differs")
            return None
        return x.doc_id
    if len(by_text) == 1:
        return by_text[0]
    if len(by_text) > 1:
        x.error(x.where, f"the text matches several documents ({', '.join(by_text)}); give a doc_id", "ref-document")
    else:
        x.error(x.where, "no doc_id, and the text is not exactly the text of any manifest document", "ref-document")
    return None


def _first_diff(a: str, b: str) -> int:
    for i, (p, q) in enumerate(zip(a, b)):
        if p != q:
            return i
    return min(len(a), len(b))


def import_annotations(tool: str, path, out_dir, annotator: str, *, root: str | Path | None = None
                       ) -> tuple[list[str], list[Problem]]:
    """Turn a tool's export into annotation files ``out_dir/<doc_id>.json``.

    Returns ``(paths written, problems)``. If any problem is an error, nothing is written.
    """
    if tool not in TOOLS:
        raise InputError(f"unknown tool {tool!r}; one of {', '.join(TOOLS)}")
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
    repo = load_repo(root)
    if tool == "labelstudio":
        xdocs = _read_labelstudio_export(path)
    elif tool == "brat":
        xdocs = _read_brat_export(path, repo)
    else:
        xdocs = _read_doccano_export(path)
    records: dict[str, tuple[dict, XDoc]] = {}
    for x in xdocs:
        if x.text is None:
            problems += x.problems
            continue
        doc_id = _identify(x, repo)         # first: a wrong text explains every span error after it
        if any(p.severity == "error" for p in x.problems):
            problems += x.problems
            continue
        if doc_id is not None and doc_id in records:
            x.error(x.where, f"second annotation of {doc_id} in this import ({records[doc_id][1].where} is the first)", "unique-id")
            doc_id = None
        if doc_id is not None:
            rec = build_annotation(x, repo.docs[doc_id], repo, annotator, tool)
            if rec is not None:
                name = f"{x.file} -> {doc_id}.json"
                errs = schema_problems("annotation", rec, name, lambda p: x.line)
                errs += check_gold_layers(rec, repo.docs[doc_id]["text"], name, lambda p: x.line)
                x.problems += errs
                if not any(p.severity == "error" for p in errs):
                    records[doc_id] = (rec, x)
        problems += x.problems
    if not xdocs:
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
