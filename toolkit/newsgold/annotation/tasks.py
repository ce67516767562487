"""``newsgold tasks``: what an annotator loads into Label Studio, brat or doccano.

The exact document texts, the label configuration (with the relation-name map ``import
--config`` reads), and, for documents that already have gold, pre-annotations made from the
gold, written by the tool's format module (:mod:`newsgold.formats.labelstudio`, ``brat``,
``doccano``) from the neutral :class:`~newsgold.formats.ir.PreRegion` list of :func:`gold_regions`.
The encoding is described in :mod:`newsgold.annotation.encoding`.
"""
from __future__ import annotations

import json
from pathlib import Path
from xml.sax.saxutils import quoteattr

from newsgold.annotation.encoding import (
    COLORS,
    QUOTE_LABELS,
    STRUCTURAL,
    Repo,
    cluster_id,
    derived_name,
    load_repo,
    relation_map_lines,
)
from newsgold.core.diagnostics import InputError, Problem
from newsgold.core.jsonio import dump_json, write_atomic
from newsgold.core.schema import ENTITY_LABELS, QUOTE_TYPES, STANCE_POSITIONS
from newsgold.formats import brat, doccano, labelstudio, registry
from newsgold.formats.ir import PreRegion, PreRelation


def gold_regions(ann: dict, doc: dict, *, split_content: bool, notes: bool = True) -> tuple[list[PreRegion], list[PreRelation]]:
    """Regions and relations that encode an annotation record (the import maps them back to it).

    ``split_content``: one region per content span joined by ``continues`` (Label Studio,
    doccano); otherwise one discontinuous region per quote (brat). ``notes``: cluster names
    as notes (Label Studio, brat); without them (doccano) mentions are joined by ``same_as``
    and names come from the default rule, so E-8.3 plurals and E-8.7 ``-2`` ids are lost.
    """
    regions: list[PreRegion] = []
    rels: list[PreRelation] = []
    first_of = _mention_regions(ann, doc["zones"], notes, regions, rels)
    quote_first, quote_speaker = _quote_regions(ann, split_content, first_of, regions, rels)
    quote_cluster = {q["id"]: q["speaker_cluster"] for q in ann["quotes"]}
    for it in ann["stance"]["items"]:
        for qid in it["evidence"]:
            holder = quote_speaker.get(qid) if quote_cluster.get(qid) == it["holder"] else None
            rels.append(PreRelation(f"{it['label']}:{it['target']}", quote_first[qid], holder or first_of[it["holder"]]))
    order = {lab: i for i, lab in enumerate((*ENTITY_LABELS, *QUOTE_LABELS))}
    regions.sort(key=lambda r: (r.spans[0], order[r.label]))
    return regions, rels


def _mention_regions(ann: dict, zones: list[dict], notes: bool, regions: list[PreRegion], rels: list[PreRelation]
                     ) -> dict[str, str]:
    """One region per mention (appended to ``regions``/``rels``); returns each cluster's first mention region.

    A mention carries its cluster's name as a note only where the import's default naming would
    get the cluster wrong; without notes, ``same_as`` joins what the name key would not.
    """
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
            regions.append(PreRegion(key, m["label"], ((m["start"], m["end"]),), note=note if needs and notes else None))
            if not notes and cluster_id(m["text"]) not in linked_keys:
                linked_keys.add(cluster_id(m["text"]))
                rels.append(PreRelation("same_as", key, f"m{ms[0]['start']}-{ms[0]['end']}"))
    return {cid: f"m{ms[0]['start']}-{ms[0]['end']}" for cid, ms in by_cluster.items()}


def _quote_regions(ann: dict, split_content: bool, first_of: dict[str, str], regions: list[PreRegion],
                   rels: list[PreRelation]) -> tuple[dict[str, str], dict[str, str]]:
    """Content, cue and speaker regions of every quote and their relations (appended to ``regions``/``rels``).

    Returns quote id -> its first content region, and quote id -> its speaker region.
    """
    mention_cluster = {(m["start"], m["end"]): m["cluster"] for m in ann["entities"]["mentions"]}
    made: dict[tuple, str] = {}
    prefix = {"CUE": "k", "SPEAKER": "s"}

    def region(label: str, span: dict) -> str:
        k = (label, span["start"], span["end"])
        if k not in made:
            made[k] = f"{prefix[label]}{span['start']}-{span['end']}"
            regions.append(PreRegion(made[k], label, ((span["start"], span["end"]),)))
        return made[k]

    quote_first: dict[str, str] = {}
    quote_speaker: dict[str, str] = {}
    for q in ann["quotes"]:
        spans = [(s["start"], s["end"]) for s in q["content"]]
        if split_content:
            keys = []
            for s, e in spans:
                k = f"q{s}-{e}"
                regions.append(PreRegion(k, "QUOTE_CONTENT", ((s, e),), quote_type=q["type"]))
                keys.append(k)
            for k in keys[1:]:
                rels.append(PreRelation("continues", k, keys[0]))
            first = keys[0]
        else:
            first = f"q{spans[0][0]}-{spans[0][1]}"
            regions.append(PreRegion(first, "QUOTE_CONTENT", tuple(spans), quote_type=q["type"]))
        quote_first[q["id"]] = first
        if q["cue"]:
            rels.append(PreRelation("cue", first, region("CUE", q["cue"])))
        sc = q["speaker_cluster"]
        if q["speaker"]:
            sk = region("SPEAKER", q["speaker"])
            quote_speaker[q["id"]] = sk
            rels.append(PreRelation("said_by", first, sk))
            same = mention_cluster.get((q["speaker"]["start"], q["speaker"]["end"]))
            if sc in first_of and same != sc and not any(r.type == "refers_to" and r.a == sk for r in rels):
                rels.append(PreRelation("refers_to", sk, first_of[sc]))
        elif sc in first_of:
            rels.append(PreRelation("refers_to", first, first_of[sc]))
    return quote_first, quote_speaker


def _stance_values(targets: list[dict]) -> list[str]:
    return [f"{lab}:{t['id']}" for t in targets for lab in STANCE_POSITIONS]


def _read_gold(repo: Repo, doc_id: str) -> dict | None:
    from newsgold.gold.read import check_annotation
    p = repo.root / "annotations" / "gold" / f"{doc_id}.json"
    if not p.exists():
        return None
    rec, problems = check_annotation(p, repo.docs)
    errors = [x for x in problems if x.severity == "error"]
    if errors:
        raise InputError(errors + [Problem(str(p), 0, "", "the gold is invalid: no pre-annotations made from it", "gold")])
    return rec




def labelstudio_config(targets: list[str]) -> str:
    """The labelling configuration (XML) for Label Studio."""
    ent = "\n".join(f'    <Label value="{lab}" background="{COLORS[lab]}"/>' for lab in ENTITY_LABELS)
    quote = "\n".join(f'    <Label value="{lab}" background="{COLORS[lab]}"/>' for lab in QUOTE_LABELS)
    relations = [*STRUCTURAL, *targets]
    rel = "\n".join(f"    <Relation value={quoteattr(r)}/>" for r in relations)
    rmap = "\n".join(relation_map_lines("  "))
    stance = ""
    if targets:
        values = "\n".join(f"      <Choice value={quoteattr(t)}/>" for t in targets)
        stance = ("\n    <Header value=\"Stance of the quote's speaker (S-1), or draw a FAVOR:/AGAINST:/NEUTRAL: relation to the holder\"/>"
                  f'\n    <Choices name="stance" toName="text" perRegion="true" choice="multiple" required="false">\n{values}\n    </Choices>')
    types = "\n".join(f'      <Choice value="{t}"/>' for t in QUOTE_TYPES)
    return f"""<!-- NewsGold labelling configuration: generated by `newsgold tasks`; how to annotate: CONTRIBUTING.md
  Relation names: rename a Relation value below and its line here alike; newsgold import reads them (its config option).
{rmap}
-->
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
    </Choices>{stance}
  </View>
  <View visibleWhen="region-selected">
    <Header value="Note: on an entity, the cluster 'Canonical Name' or 'Canonical Name | cluster-id'; on a quote region, a note"/>
    <TextArea name="note" toName="text" perRegion="true" maxSubmissions="1" editable="true" rows="1"/>
  </View>
  <Header value="Notes for annotation.notes (G-1 cases, S-3.3 undeclared positions, S-8 conflicts)"/>
  <TextArea name="notes" toName="text" maxSubmissions="1" editable="true" rows="3"/>
</View>
"""




def brat_conf(targets: list[str]) -> tuple[str, str]:
    """annotation.conf and visual.conf for brat."""
    ents = "|".join(ENTITY_LABELS)
    lines = ["# NewsGold annotation configuration: generated by `newsgold tasks`; how to annotate: CONTRIBUTING.md",
             "# Relation names: rename a relation type below and its line here alike; newsgold import --config reads them.",
             *relation_map_lines("# "),
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
   `newsgold import --from doccano EXPORT.jsonl --out-dir annotations/passes/NAME --annotator NAME`.
"""


def export_tasks(tool: str, doc_ids, out_dir, *, root: str | Path | None = None, pre_annotate: bool = True) -> list[str]:
    """Write annotation tasks for ``doc_ids`` into ``out_dir``; returns the paths written.

    Documents with a gold file get it as pre-annotations unless ``pre_annotate`` is False
    (never give gold pre-annotations to a blind pass, P-2).
    """
    if tool not in registry.annotation_tools():
        raise InputError(f"unknown tool {tool!r}; one of {', '.join(registry.annotation_tools())}")
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
                     key=lambda v: (v.split(":", 1)[1], STANCE_POSITIONS.index(v.split(":", 1)[0])))
    written: list[Path] = []

    def put(path: Path, data: str) -> None:
        write_atomic(path, data)
        written.append(path)

    if tool == "labelstudio":
        tasks = [labelstudio.write(d, repo.docs[d]["text"], *_pre(repo, d, anns[d], split_content=True),
                                   None if anns[d] is None else f"newsgold-gold-{repo.version}") for d in doc_ids]
        put(out / "tasks.json", dump_json(tasks))
        put(out / "labelling_config.xml", labelstudio_config(targets))
    elif tool == "brat":
        for d in doc_ids:
            put(out / f"{d}.txt", repo.docs[d]["text"])
            put(out / f"{d}.ann", brat.write(repo.docs[d]["text"], *_pre(repo, d, anns[d], split_content=False)))
        conf, vis = brat_conf(targets)
        put(out / "annotation.conf", conf)
        put(out / "visual.conf", vis)
    else:
        lines = [doccano.write(d, repo.docs[d]["text"], *_pre(repo, d, anns[d], split_content=True, notes=False))
                 for d in doc_ids]
        put(out / "doccano.jsonl", "".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines))
        spans, rels = _doccano_types(targets)
        put(out / "span_types.json", dump_json(spans))
        put(out / "relation_types.json", dump_json(rels))
        put(out / "doccano_setup.md", DOCCANO_README)
    return [str(p) for p in written]




def _pre(repo: Repo, doc_id: str, ann: dict | None, *, split_content: bool, notes: bool = True
         ) -> tuple[list[PreRegion], list[PreRelation]]:
    if ann is None:
        return [], []
    return gold_regions(ann, repo.docs[doc_id], split_content=split_content, notes=notes)
