"""``newsgold import --from corefud``: documents a corpus annotated in CorefUD CoNLL-U join the set.

For each document of the files (read by :mod:`newsgold.formats.corefud`, the reader the
coreference task shares):

* the text rebuilt from the tokens becomes a seed ``seeds/NNN_<16 hex>.txt`` with one manifest
  document (zones from the paragraph marks, metadata, ``"review"`` until a person checked it), and
  the source entry records the provenance, the licence and the ``attribution`` (article URL,
  authors, corpus, release, commit, the corpus's document id);
* the corpus's human annotation becomes an annotation file ``OUT/<doc_id>.json`` (``OUT`` is
  ``annotations/sources/<annotator>/``: not a protocol pass, which is made from a packet, P-2): the mentions the GUM type table
  (:mod:`newsgold.annotation.gum_types`, ``annotations/GUM-TYPES.md``) gives an OntoNotes label,
  with their clusters from the corpus's coreference. Its annotation block says who made it
  (``human``, the corpus, release and commit) and how the labels were mapped; quotes and stance
  are left empty (the corpus has no cue, speaker or stance);
* everything the annotation file does not carry is listed for the annotation passes in
  ``annotations/imports/<annotator>/<doc_id>.json``: the mentions the table cannot decide (with the
  reason), the corpus's quotation spans (the human reference for quote content), the corpus's
  entity identities (GUM: Wikipedia titles) by cluster, and what the reader ignored.

All or nothing: every document is checked (schema and the gold rules) before anything is written.
"""
from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from newsgold.annotation.encoding import ANNOTATOR_ID, annotator_kind, cluster_id, derived_name, load_repo
from newsgold.annotation.gum_types import decide, trim
from newsgold.core.diagnostics import InputError, Problem
from newsgold.core.jsonio import dump_json, write_atomic
from newsgold.core.schema import schema_problems
from newsgold.formats.corefud import CorefDocument, Mention, Word, read
from newsgold.gold.rules import check_gold_layers
from newsgold.gold.sources import register_prepared

REQUIRED_META = ("corpus", "release", "commit", "text_licence", "annotation_licence")
REVIEW = "proposed by newsgold import --from corefud; review the zones and metadata"


def import_corefud(paths: Sequence[str | Path], out_dir: str | Path, annotator: str, meta: Mapping[str, str], *,
                   root: str | Path | None = None, write: bool = True) -> list[str]:
    """Register the documents of CorefUD files and write their annotation and import records; returns lines to print.
    ``meta`` (``--meta KEY=VALUE``) must name the corpus, release, commit and both licences; other keys
    go to each document's metadata. :class:`InputError` lists every problem; then nothing is written."""
    problems = _check_arguments(out_dir, annotator, meta)
    docs: list[CorefDocument] = []
    for path in paths:
        try:
            docs += read(path)
        except InputError as exc:
            problems += exc.problems
    if problems:
        raise InputError(problems)
    repo = load_repo(root)
    prepared = [_prepare(d, annotator, meta, repo.guidelines_version) for d in docs]
    texts = [(d.text, p["document"], p["source"]) for d, p in zip(docs, prepared, strict=True)]
    registered = register_prepared(texts, root=repo.root, write=False, review=REVIEW)
    records = []
    for doc, p, entry in zip(docs, prepared, registered, strict=True):
        records.append(_finish_records(doc, p, entry, problems))
    if problems:
        raise InputError(problems)
    return _write(docs, records, texts, repo.root, Path(out_dir), repo.root / "annotations" / "imports" / annotator, write)


def _check_arguments(out_dir, annotator: str, meta: Mapping[str, str]) -> list[Problem]:
    problems = []
    if not ANNOTATOR_ID.match(annotator or ""):
        problems.append(Problem("--annotator", 0, "", f"annotator id {annotator!r} must be a stable lowercase id (F-8), "
                                "e.g. gum-v11", "annotator"))
    for key in REQUIRED_META:
        if not meta.get(key):
            problems.append(Problem("--meta", 0, key, f"--meta {key}=… is required: the record of where the annotation "
                                    "and the text come from", "provenance"))
    if Path(out_dir).name != annotator or Path(out_dir).parent.name != "sources":
        problems.append(Problem(str(out_dir), 0, "", f"a corpus's annotation goes to annotations/sources/{annotator}/: "
                                "it is a source of evidence, not a protocol pass (annotations/passes/, P-2)", "out-folder"))
    return problems


def _origin(doc: CorefDocument, meta: Mapping[str, str]) -> dict[str, Any]:
    return {"corpus": meta["corpus"], "release": meta["release"], "commit": meta["commit"],
            "corpus_document": doc.doc_id, "url": doc.meta_value("sourceURL"), "authors": doc.meta_value("author"),
            "title": doc.meta_value("title"), "text_licence": meta["text_licence"],
            "annotation_licence": meta["annotation_licence"]}


def _prepare(doc: CorefDocument, annotator: str, meta: Mapping[str, str], guidelines: str) -> dict[str, Any]:
    """The manifest's document and source fields and the pass record's parts (ids come at registration)."""
    origin = _origin(doc, meta)
    zones = [{"start": z.start, "end": z.end, "type": z.kind} for z in doc.zones]
    metadata: dict[str, Any] = {"headline": origin["title"] or doc.text.split("\n", 1)[0].strip()}
    stamp = next((z for z in doc.zones if z.kind == "timestamp"), None)
    date = next((x for x in doc.xml if x.kind == "date" and stamp and stamp.start <= x.start < stamp.end), None)
    if stamp is not None:
        metadata["date_as_stated"] = doc.text[stamp.start:stamp.end].strip()
    if date is not None and 'when:::"' in date.attrs:
        metadata["date"], metadata["date_certainty"] = date.attrs.split('when:::"', 1)[1].split('"', 1)[0], "stated"
    metadata.update({k: v for k, v in meta.items() if k not in REQUIRED_META})
    metadata.setdefault("language", "en")
    source = {"provenance": f"text rebuilt from {doc.doc_id} of {meta['corpus']} {meta['release']} (commit "
                            f"{meta['commit']}) by the text rule of newsgold.formats.corefud; article: {origin['url']}",
              "licence": f"text: {meta['text_licence']} ({origin['authors'] or 'authors not stated'}, {origin['url']}); "
                         f"annotation from {meta['corpus']}: {meta['annotation_licence']}",
              "attribution": origin}
    notes = (f"imported from {meta['corpus']} {meta['release']} (commit {meta['commit']}), document {doc.doc_id}: "
             f"mentions and clusters are its human annotation; OntoNotes labels by the table of annotations/GUM-TYPES.md; "
             f"quotes and stance are not in the source; what the table could not decide is listed in "
             f"annotations/imports/{annotator}/")
    return {"document": {"metadata": metadata, "zones": zones}, "source": source,
            "annotation": {"guidelines_version": guidelines, "annotator": annotator,
                           "annotator_kind": annotator_kind(annotator), "notes": notes}, "origin": origin}


def carried_mentions(doc: CorefDocument) -> tuple[list[tuple[Mention, str]], list[dict[str, Any]], int]:
    """The mentions the table labels (outermost first where they nest: the layer is flat, E-3.5), the
    undecided ones with their reason, and the number of pronouns and descriptions (not entities, E-1.2)."""
    labelled: list[tuple[Mention, str]] = []
    flagged: list[dict[str, Any]] = []
    not_entities = 0
    for whole in doc.mentions:
        words = doc.words_of(whole)
        forms, upos = [w.form for w in words], [_upos(w) for w in words]
        i, j = trim(forms, upos, whole.etype) if words and len(whole.fragments) == 1 else (0, len(words))
        m = replace(whole, start=words[i].start, end=words[j - 1].end, fragments=((words[i].start, words[j - 1].end),),
                    text=doc.text[words[i].start:words[j - 1].end]) if 0 < j - i < len(words) else whole
        d = decide(m.etype, m.text, forms[i:j], upos[i:j])
        if not d.entity:
            not_entities += 1
        elif len(m.fragments) > 1:
            flagged.append(_flag(whole, "a discontinuous mention: NewsGold mentions are one span (E-3)"))
        elif d.label is None:
            flagged.append(_flag(whole, d.reason))
        elif labelled and m.start < labelled[-1][0].end:
            flagged.append(_flag(whole, f"nested in the mention {labelled[-1][0].text!r}: the entity layer is flat (E-3.5)"))
        else:
            labelled.append((m, d.label))
    return labelled, flagged, not_entities


def _upos(w: Word) -> str:
    """PROPN also for a word tagged proper noun in the language-specific tag (GUM: ``United``/VERB/NNP)."""
    return "PROPN" if w.xpos in ("NNP", "NNPS") else w.upos


def _flag(m: Mention, reason: str) -> dict[str, Any]:
    return {"start": m.start, "end": m.end, "text": m.text, "source_type": m.etype, "source_entity": m.entity,
            "reason": reason}


def entity_layer(doc: CorefDocument, labelled: list[tuple[Mention, str]], zones: list[dict]
                 ) -> tuple[dict[str, Any], dict[str, str]]:
    """Mentions and clusters (one per source entity and label, E-8), and each cluster's source identity."""
    groups: dict[tuple[str, str], list[Mention]] = {}
    for m, label in labelled:
        groups.setdefault((m.entity, label), []).append(m)
    cluster_of: dict[tuple[str, str], str] = {}
    clusters, identities, used = [], {}, set()
    for (entity, label), ms in sorted(groups.items(), key=lambda kv: kv[1][0].start):
        name = derived_name([(m.start, m.end, m.text) for m in ms], label, zones)
        base = cluster_id(name) or "entity"
        cid = next(c for c in itertools.chain([base], (f"{base}-{n}" for n in itertools.count(2))) if c not in used)
        used.add(cid)
        cluster_of[(entity, label)] = cid
        clusters.append({"id": cid, "name": name, "type": label})
        identity = next((m.attr("identity") for m in ms if m.attr("identity")), None)
        if identity:
            identities[cid] = identity
    mentions = [{"start": m.start, "end": m.end, "text": m.text, "label": label, "cluster": cluster_of[(m.entity, label)]}
                for m, label in labelled]
    return {"clusters": clusters, "mentions": mentions}, identities


def _finish_records(doc: CorefDocument, p: dict[str, Any], entry: dict[str, Any], problems: list[Problem]
                    ) -> tuple[dict[str, Any], dict[str, Any]]:
    """The pass record (checked by the schema and the gold rules) and the import record of one document."""
    labelled, flagged, not_entities = carried_mentions(doc)
    entities, identities = entity_layer(doc, labelled, entry["zones"])
    rec = {"doc_id": entry["id"], "text_sha256": entry["text_sha256"], "annotation": p["annotation"],
           "entities": entities, "quotes": [], "stance": {"targets": [], "items": []}}
    name = f"{doc.file}:{doc.line} ({doc.doc_id}) -> {entry['id']}.json"
    problems += [q for q in schema_problems("annotation", rec, name, lambda _p: doc.line) if q.severity == "error"]
    problems += [q for q in check_gold_layers(rec, doc.text, name, lambda _p: doc.line) if q.severity == "error"]
    record = {"doc_id": entry["id"], "origin": p["origin"], "text_rule": "newsgold.formats.corefud",
              "carried": {"mentions": len(entities["mentions"]), "clusters": len(entities["clusters"])},
              "not_entities": not_entities, "undecided": flagged,
              "quotations": [{"start": q.start, "end": q.end, "text": doc.text[q.start:q.end]} for q in doc.quotations()],
              "identities": identities, "ignored_by_reader": dict(doc.ignored)}
    return rec, record


def _write(docs: list[CorefDocument], records: list[tuple[dict, dict]], texts: list, root: Path, out: Path,
           imports: Path, write: bool) -> list[str]:
    """Seeds and manifest first (all or nothing), then the pass and import records; the lines to print."""
    lines = []
    for doc, (rec, record) in zip(docs, records, strict=True):
        lines.append(f"{doc.doc_id} -> {rec['doc_id']}: {len(doc.text)} characters, {record['carried']['mentions']} "
                     f"mentions in {record['carried']['clusters']} clusters carried, {len(record['undecided'])} undecided, "
                     f"{record['not_entities']} pronouns/descriptions, {len(record['quotations'])} quotations")
    if not write:
        return lines + ["dry run: nothing written"]
    register_prepared(texts, root=root, review=REVIEW)
    for rec, record in records:
        write_atomic(out / f"{rec['doc_id']}.json", dump_json(rec))
        write_atomic(imports / f"{rec['doc_id']}.json", dump_json(record))
    return lines + [f"wrote {len(docs)} seed(s) and their manifest entries, the annotation files in {out} and the import "
                    f"records in {imports}; review each new document (zones, metadata) and delete its \"review\" key"]
