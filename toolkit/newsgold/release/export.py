"""Exports of the built dataset: Parquet files, a Hub-ready folder, Croissant metadata.

Every export is made from the gold through :mod:`newsgold.release.build` (the same rows and the
same bytes as ``newsgold build`` writes to ``data/``), so an export never depends on
whether the repository's ``data/`` is current. ``root`` (default: the repository) says
where the seeds, annotations, ``VERSION``, ``LICENSE`` and ``DATASHEET.md`` are.

Reproducibility: the JSON Lines files, README, checksums and Croissant JSON are
byte-identical for the same gold. The Parquet files are written by ``datasets``
(``Dataset.to_parquet``, pyarrow) with no timestamps in them: the same gold gives the
same bytes with the same pyarrow and datasets versions, but the file embeds the writer
version (``created_by``) and the features metadata, so other versions may give other
bytes for the same data. Compare Parquet exports by content, not by hash.
"""
from __future__ import annotations

import hashlib
import io
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from newsgold.core.diagnostics import InputError, Problem
from newsgold.core.jsonio import dump_json, dump_jsonl, write_atomic
from newsgold.core.repository import current
from newsgold.gold.read import Gold
from newsgold.release import build, hf

CHECKSUMS = "SHA256SUMS"
NOT_IN_DOCUMENTS = ("quotes.content",)   # fields the documents record set leaves out (see _fields)
CROISSANT = "croissant.json"
COPIED = ("DATASHEET.md", "LICENSE")
DATASET_URL = "https://newsgold.github.io/"   # the project's namespace (as in the schema $id)
ANNOTATION_LICENSE = "https://creativecommons.org/licenses/by/4.0/"
TEXT_LICENSE = ("Article text: copyright of its publisher, not licensed by NewsGold; included verbatim for "
                "non-commercial research evaluation only (see LICENSE and DATASHEET.md)")
DESCRIPTION = ("NewsGold: a small gold-standard evaluation set of English news articles with three linked label "
               "layers: OntoNotes 5 named entities with coreference clusters, quotations (content, cue, speaker) "
               "and stance (holder, declared target, FAVOR/AGAINST/NEUTRAL, evidence quotes). Annotations were made "
               "by language-model annotators following written guidelines and adjudicated by a language model. "
               "One test split; configs: " + ", ".join(hf.CONFIGS) + ".")

HUB_BODY = """
# NewsGold

A gold evaluation set of English news articles with linked labels for **entities** (OntoNotes 5
types with coreference clusters), **quotes** (content, cue, speaker) and **stance** (holder,
target, FAVOR / AGAINST / NEUTRAL, evidence quotes).

| config | one row per |
|---|---|
{rows}

```python
from datasets import load_dataset
ds = load_dataset("PATH_OR_REPO_ID", "entities", split="test")
```

Every label column is a `ClassLabel`; the JSON Lines files in `data/` keep the label names.
Documentation, provenance and intended use: [DATASHEET.md](DATASHEET.md). Licence: [LICENSE](LICENSE)
(annotations CC BY 4.0; the article text is the publisher's copyright, included for non-commercial
research evaluation only). File checksums: `SHA256SUMS`; Croissant metadata: `croissant.json`.
"""


def _root_and_gold(root, gold) -> tuple[Path, Gold]:
    root = Path(root) if root is not None else current().root
    return root, gold if gold is not None else build.gold_at(root)


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def hub_files(gold: Gold, root: Path) -> dict[str, bytes]:
    """The files of a Hub-ready folder, by relative path (checksums excluded)."""
    rows = build.render_rows(gold)
    files = {build.data_path(c): dump_jsonl(r).encode("utf-8") for c, r in rows.items()}
    card = build.card_data(gold, {c: len(r) for c, r in rows.items()})
    table = "\n".join(f"| `{c}`{' (default)' if c == hf.DEFAULT_CONFIG else ''} | {hf.DESCRIPTIONS[c]} |" for c in hf.CONFIGS)
    files["README.md"] = (build.front_matter(card) + HUB_BODY.format(rows=table)).encode("utf-8")
    for name in COPIED:
        p = root / name
        if p.is_file():
            files[name] = p.read_bytes()
    files[CROISSANT] = dump_json(croissant(gold, files, date_published=_date_published(gold, root))).encode("utf-8")
    return files


@contextmanager
def _staged(gold: Gold, root: Path):
    """A temporary dataset folder (data files and README) for ``datasets`` to read."""
    with tempfile.TemporaryDirectory(prefix="newsgold-export-") as tmp:
        for rel, data in hub_files(gold, root).items():
            p = Path(tmp) / rel
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_bytes(data)
        yield Path(tmp)


# ---------------------------------------------------------------- parquet

def export_parquet(directory: str | Path, *, root: str | Path | None = None, gold: Gold | None = None) -> list[str]:
    """Write ``DIR/<config>.parquet`` for every config; returns the paths written.

    The tables are the ``datasets`` view: labels are ClassLabel ids, and the features
    (label names included) are stored in the Parquet schema metadata, so
    ``load_dataset("parquet", data_files=...)`` gets the ClassLabels back. Same bytes for
    the same gold with the same pyarrow/datasets versions (see the module docstring).
    """
    import datasets
    root, gold = _root_and_gold(root, gold)
    directory = Path(directory)
    written = []
    quiet = datasets.is_progress_bar_enabled()
    if quiet:
        datasets.disable_progress_bars()
    try:
        with _staged(gold, root) as stage:
            for c in hf.CONFIGS:
                ds = hf.load(c, stage)
                buf = io.BytesIO()
                ds.to_parquet(buf)
                out = directory / f"{c}.parquet"
                write_atomic(out, buf.getvalue())
                written.append(str(out))
    finally:
        if quiet:
            datasets.enable_progress_bars()
    return written


# ---------------------------------------------------------------- hub folder

def _check_hub_target(directory: Path, root: Path, force: bool) -> None:
    """Refuse a folder that is a dataset's own copy (it would lose its README), or holds files, unless forced."""
    if directory.resolve() == root.resolve() or (directory / "seeds" / "manifest.json").exists():
        raise InputError(Problem(str(directory), 0, "", "this is the repository itself: a Hub export would overwrite its "
                                 "README; export into a new folder", "export-target"))
    if directory.is_dir() and any(directory.iterdir()) and not force:
        raise InputError(Problem(str(directory), 0, "", "the folder is not empty: give an empty or new folder, or --force to "
                                 "write over it", "export-target"))


def export_hub(directory: str | Path, *, root: str | Path | None = None, gold: Gold | None = None,
               force: bool = False) -> str:
    """Write a Hub-ready folder: ``data/``, ``README.md`` (card), ``DATASHEET.md`` and ``LICENSE``
    when the repository has them, ``croissant.json`` and ``SHA256SUMS``.

    Refuses the repository itself (never, even with ``force``) and a non-empty folder
    (unless ``force``). ``SHA256SUMS`` (``sha256sum -c`` format) lists every file in the
    folder except itself and dot-folders, and is removed first and written last: a folder
    without it is an interrupted export. ``datasets.load_dataset(DIR, config)`` loads it
    offline. Returns the folder.
    """
    root, gold = _root_and_gold(root, gold)
    directory = Path(directory)
    _check_hub_target(directory, root, force)
    (directory / CHECKSUMS).unlink(missing_ok=True)
    for rel, data in hub_files(gold, root).items():
        target = directory / rel
        try:
            same = target.read_bytes() == data
        except OSError:
            same = False
        if not same:
            write_atomic(target, data)
    lines = []
    for p in sorted(directory.rglob("*")):
        relpath = p.relative_to(directory)
        if not p.is_file() or relpath.as_posix() == CHECKSUMS or any(part.startswith(".") for part in relpath.parts):
            continue
        lines.append(f"{_sha256(p.read_bytes())}  {relpath.as_posix()}\n")
    write_atomic(directory / CHECKSUMS, "".join(lines))
    return str(directory)


# ---------------------------------------------------------------- croissant

def _data_type(t) -> str:
    if isinstance(t, hf.Label):
        return "sc:Text"
    return {"string": "sc:Text", "int32": "sc:Integer", "int64": "sc:Integer"}.get(t, "sc:Text")


def _label_set_id(label: hf.Label) -> str:
    from newsgold.core.schema import ENTITY_LABELS, QUOTE_TYPES, STANCE_LABELS, ZONE_TYPES
    known = {tuple(ENTITY_LABELS): "entity_labels", tuple(hf.NER_TAGS): "ner_tags", tuple(QUOTE_TYPES): "quote_types",
             tuple(STANCE_LABELS): "stance_labels", tuple(ZONE_TYPES): "zone_types",
             tuple(hf.ANNOTATOR_KINDS): "annotator_kinds", tuple(hf.TARGET_KINDS): "target_kinds"}
    return known.get(label.names) or "labels_" + _sha256("\n".join(label.names).encode())[:8]


def _fields(prefix: str, spec: hf.Struct, file_id: str, labels: dict, column: str | None = None,
            path: tuple[str, ...] = (), in_list: bool = False) -> list[dict]:
    """Croissant fields of a struct. Top-level columns are extracted by ``column``; a nested
    value by its column plus one ``jsonPath`` transform per level below it. mlcroissant
    applies each transform to every element when the value so far is a list, so
    ``entities.mentions[].start`` is ``[mentions, start]``. (One transform with a
    ``[*]`` path would return only the first match.) A list of objects inside a list of
    objects (``quotes[].content[]`` of ``documents``) is beyond what mlcroissant reads (it
    would give None for every value): it is left out there, and the ``quotes`` record set
    has it (:data:`NOT_IN_DOCUMENTS`)."""
    out = []
    for name, t in spec.fields:
        fid = f"{prefix}/{name}"
        repeated = False
        while isinstance(t, hf.ListOf):
            t, repeated = t.item, True
        field: dict = {"@type": "cr:Field", "@id": fid, "name": name}
        if isinstance(t, hf.Label):
            field["description"] = "Class label (ClassLabel in datasets; the name in the JSON Lines): " + ", ".join(t.names) + "."
        if isinstance(t, hf.Struct) and repeated and in_list:
            continue   # not readable (see the docstring); left out rather than read wrongly
        field["dataType"] = "sc:Thing" if isinstance(t, hf.Struct) else _data_type(t)
        if repeated:
            field["repeated"] = True
        source: dict = {"fileObject": {"@id": file_id}, "extract": {"column": column or name}}
        own_path = path + (name,) if column is not None else ()
        if own_path:
            source["transform"] = [{"jsonPath": p} for p in own_path]
        field["source"] = source
        if isinstance(t, hf.Label):
            set_id = _label_set_id(t)
            labels[set_id] = t
            if column is None and not repeated:   # a join on list or nested values is not supported by readers
                field["references"] = {"field": {"@id": f"{set_id}/name"}}
        if isinstance(t, hf.Struct):
            field["subField"] = _fields(fid, t, file_id, labels, column or name, own_path, in_list or repeated)
        out.append(field)
    return out


def _date_published(gold: Gold, root: Path) -> str | None:
    """The release date when this gold is a released version (``releases.json``), else None."""
    from newsgold.gold.releases import read_releases, releases_in_use
    for r in read_releases(root) if (root / "releases.json").is_file() else releases_in_use():
        if r.version == gold.version and r.content_hash == gold.content_hash:
            return r.date
    return None


def croissant(gold: Gold, files: dict[str, bytes], *, date_published: str | None = None, url_prefix: str = "") -> dict:
    """Croissant 1.0 JSON-LD for the data files in ``files`` (relative path -> bytes).

    ``url_prefix`` goes before every ``contentUrl`` (the way from the Croissant file's
    folder to the dataset root); ``datePublished`` is given when the gold is released.
    """
    meta_keys, ann_keys = hf.document_keys(gold.docs.values())
    distribution: list[dict[str, Any]] = []
    record_sets: list[dict[str, Any]] = []
    labels: dict[str, hf.Label] = {}
    for c in hf.CONFIGS:
        rel = build.data_path(c)
        file_id = f"{c}-{hf.SPLIT}.jsonl"
        distribution.append({"@type": "cr:FileObject", "@id": file_id, "name": file_id,
                             "description": f"Config {c!r}, split {hf.SPLIT!r}: {hf.DESCRIPTIONS[c]}",
                             "contentUrl": url_prefix + rel, "encodingFormat": "application/jsonlines",
                             "contentSize": f"{len(files[rel])} B", "sha256": _sha256(files[rel])})
        record_sets.append({"@type": "cr:RecordSet", "@id": c, "name": c, "description": hf.DESCRIPTIONS[c],
                            "field": _fields(c, hf.feature_spec(c, meta_keys, ann_keys), file_id, labels)})
    for set_id, label in sorted(labels.items()):
        record_sets.append({"@type": "cr:RecordSet", "@id": set_id, "name": set_id, "dataType": "sc:Enumeration",
                            "description": "Class label names, in ClassLabel id order.",
                            "key": {"@id": f"{set_id}/name"},
                            "field": [{"@type": "cr:Field", "@id": f"{set_id}/id", "name": "id", "dataType": "sc:Integer"},
                                      {"@type": "cr:Field", "@id": f"{set_id}/name", "name": "name", "dataType": "sc:Text"}],
                            "data": [{f"{set_id}/id": i, f"{set_id}/name": n} for i, n in enumerate(label.names)]})
    return {
        "@context": CONTEXT,
        "@type": "sc:Dataset",
        "conformsTo": "http://mlcommons.org/croissant/1.0",
        "name": "NewsGold",
        "description": DESCRIPTION,
        "license": [ANNOTATION_LICENSE, TEXT_LICENSE],
        "url": DATASET_URL,
        "version": gold.version,
        **({"datePublished": date_published} if date_published else {}),
        "inLanguage": "en",
        "keywords": list(build.CARD["tags"]),
        "creator": {"@type": "sc:Organization", "name": "The NewsGold developers", "url": DATASET_URL},
        "citeAs": ("@misc{newsgold, title = {NewsGold: a gold evaluation set for news NLP (entities, quotes, stance)}, "
                   f"author = {{{{The NewsGold developers}}}}, note = {{Version {gold.version}, content hash "
                   f"{gold.content_hash}}}, url = {{{DATASET_URL}}}}}"),
        "isLiveDataset": False,
        "distribution": distribution,
        "recordSet": record_sets,
    }


def export_croissant(file: str | Path, *, root: str | Path | None = None, gold: Gold | None = None, force: bool = False) -> str:
    """Write Croissant 1.0 metadata (JSON-LD) and the data files it describes; returns the path.

    The export is self-contained: ``contentUrl`` values are ``data/<config>/test.jsonl``, relative
    to the Croissant file, and those files are written beside it (left alone where they already
    hold exactly these bytes, as at the root of a clone or a Hub export). So the folder can be
    moved or shared as it is, and never points into an installed package. A file there with
    other content is not overwritten: the export stops and says so. An existing ``file`` that
    newsgold did not write is replaced only with ``force`` (:func:`newsgold.core.storage.write_output`).
    """
    from newsgold.core.storage import write_output
    root, gold = _root_and_gold(root, gold)
    files = hub_files(gold, root)
    folder = Path(file).absolute().parent
    data = {rel: files[rel] for rel in (build.data_path(c) for c in hf.CONFIGS)}
    differing = [rel for rel in data if (folder / rel).is_file() and (folder / rel).read_bytes() != data[rel]]
    if differing:
        raise InputError(Problem(str(folder / differing[0]), 0, "", "holds other data than this export would write beside "
                                 f"{Path(file).name}; write the Croissant file to another folder (or run newsgold build)", "croissant-data"))
    for rel, payload in data.items():
        if not (folder / rel).is_file():
            write_atomic(folder / rel, payload)
    doc = croissant(gold, files, date_published=_date_published(gold, root))
    write_output(file, dump_json(doc).encode("utf-8"), force=force)
    return str(file)


CONTEXT = {
    "@language": "en",
    "@vocab": "https://schema.org/",
    "citeAs": "cr:citeAs",
    "column": "cr:column",
    "conformsTo": "dct:conformsTo",
    "cr": "http://mlcommons.org/croissant/",
    "rai": "http://mlcommons.org/croissant/RAI/",
    "data": {"@id": "cr:data", "@type": "@json"},
    "dataType": {"@id": "cr:dataType", "@type": "@vocab"},
    "dct": "http://purl.org/dc/terms/",
    "examples": {"@id": "cr:examples", "@type": "@json"},
    "extract": "cr:extract",
    "field": "cr:field",
    "fileProperty": "cr:fileProperty",
    "fileObject": "cr:fileObject",
    "fileSet": "cr:fileSet",
    "format": "cr:format",
    "equivalentProperty": "cr:equivalentProperty",
    "includes": "cr:includes",
    "isLiveDataset": "cr:isLiveDataset",
    "jsonPath": "cr:jsonPath",
    "key": "cr:key",
    "md5": "cr:md5",
    "parentField": "cr:parentField",
    "path": "cr:path",
    "recordSet": "cr:recordSet",
    "references": "cr:references",
    "regex": "cr:regex",
    "repeated": "cr:repeated",
    "replace": "cr:replace",
    "samplingRate": "cr:samplingRate",
    "sc": "https://schema.org/",
    "separator": "cr:separator",
    "source": "cr:source",
    "subField": "cr:subField",
    "transform": "cr:transform",
}
