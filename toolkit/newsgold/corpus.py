"""The dataset as data: seed texts cut by the manifest, annotation files, gold records, predictions.

I/O lives here; every check it applies comes from :mod:`newsgold.rules` and
:mod:`newsgold.schema`, so reading a file and validating it are the same thing.
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from . import paths
from .diagnostics import InputError, Problem
from .jsonio import dump_jsonl, iter_jsonl, line_for, locate_lines, read_json, require
from .rules import check_gold_layers, check_prediction, check_zones, sha256_text
from .schema import ENTITY_LABELS, schema_problems

LAYERS = ("entities", "quotes", "stance")


class LazyRecords(Mapping):
    """Records kept as compact JSON text and parsed on each access.

    A large gold or predictions file then takes about its own size in memory instead of
    several times that as Python objects; readers that need every record iterate once and
    drop each record after use. Mutating a returned record changes nothing stored.
    """

    def __init__(self, raw: dict[str, str], texts: dict[str, str] | None = None, spans: dict | None = None,
                 vocab: list[str] | None = None):
        self._raw = raw
        self._texts = texts
        self.spans = spans or {}      # doc id -> array('q') of start, end, label id triples (entities)
        self.vocab = vocab or []      # label id -> label

    def __getitem__(self, key: str) -> dict:
        return json.loads(self._raw[key])

    def __iter__(self):
        return iter(self._raw)

    def __len__(self) -> int:
        return len(self._raw)

    def __contains__(self, key) -> bool:
        return key in self._raw

    def text(self, key: str) -> str:
        return self._texts[key] if self._texts is not None else self[key]["text"]


def compact(rec: dict) -> str:
    return json.dumps(rec, ensure_ascii=False, separators=(",", ":"))


class SpanPacker:
    """Packs entity spans as int64 triples (start, end, label id) while a file is read, so that
    scoring never has to parse the records again."""

    def __init__(self):
        self.vocab: list[str] = []
        self._ids: dict[str, int] = {}
        self.spans: dict[str, object] = {}

    def add(self, doc_id: str, items) -> None:
        from array import array
        if not isinstance(items, list):
            return
        packed = array("q")
        for m in items:
            lab = m.get("label") if isinstance(m, dict) else None
            if not (isinstance(lab, str) and isinstance(m.get("start"), int) and isinstance(m.get("end"), int)):
                return  # malformed: the checks report it; scoring will parse the record
            i = self._ids.get(lab)
            if i is None:
                i = self._ids[lab] = len(self.vocab)
                self.vocab.append(lab)
            packed.extend((m["start"], m["end"], i))
        self.spans[doc_id] = packed


@dataclass
class Gold:
    """Gold documents by id (in id order), with the dataset version and content hash."""

    docs: Mapping[str, dict]
    version: str
    content_hash: str
    source: str

    @property
    def ids(self) -> list[str]:
        return list(self.docs)

    def text(self, doc_id: str) -> str:
        """A document's text, without parsing the whole record of a lazily held file."""
        if isinstance(self.docs, LazyRecords):
            return self.docs.text(doc_id)
        return self.docs[doc_id]["text"]


# ---------------------------------------------------------------- manifest and seeds

def read_manifest(path: Path | None = None) -> tuple[dict | None, dict[str, dict], list[Problem]]:
    """Read and check the manifest; returns ``(manifest, documents_by_id, problems)``.

    Each document dict has ``id``, ``text``, ``metadata``, ``zones`` and its source range.
    """
    path = Path(path or paths.MANIFEST)
    name = str(path)
    man, text, problems = read_json(path)
    if man is None and (not text or any(p.rule == "json" for p in problems)):  # unreadable (a literal null is checked)
        return None, {}, problems
    lines = locate_lines(text)
    lf = lambda p: line_for(lines, p)  # noqa: E731
    problems += schema_problems("manifest", man, name, lf)
    if any(p.severity == "error" for p in problems):
        return man, {}, problems
    sources = {}
    for i, src in enumerate(man["sources"]):
        spath = path.parent / src["file"]
        try:
            raw = spath.read_bytes()
        except OSError as exc:
            problems.append(Problem(name, lf(("sources", i, "file")), f"sources/{i}/file", f"cannot read {spath}: {exc.strerror}", "seed-file"))
            continue
        digest = hashlib.sha256(raw).hexdigest()
        if digest != src["sha256"]:
            problems.append(Problem(name, lf(("sources", i, "sha256")), f"sources/{i}/sha256",
                                    f"seed file {src['file']} has sha256 {digest}, manifest says {src['sha256']}: seeds are never edited", "seed-hash"))
        try:
            sources[src["file"]] = raw.decode("utf-8")
        except UnicodeDecodeError:
            problems.append(Problem(str(spath), 0, "", "seed file is not UTF-8", "encoding"))
    docs: dict[str, dict] = {}
    for i, d in enumerate(man["documents"]):
        base = ("documents", i)
        if d["id"] in docs:
            problems.append(Problem(name, lf(base + ("id",)), f"documents/{i}/id", f"duplicate document id {d['id']!r}", "unique-id"))
            continue
        src = sources.get(d["source"])
        if src is None:
            problems.append(Problem(name, lf(base + ("source",)), f"documents/{i}/source", f"unknown or unreadable source {d['source']!r}", "ref-source"))
            continue
        if not 0 <= d["start"] < d["end"] <= len(src):
            problems.append(Problem(name, lf(base + ("end",)), f"documents/{i}", f"range {d['start']}:{d['end']} outside the source (length {len(src)})", "offset-range"))
            continue
        text = src[d["start"]:d["end"]]
        if sha256_text(text) != d["text_sha256"]:
            problems.append(Problem(name, lf(base + ("text_sha256",)), f"documents/{i}/text_sha256",
                                    "document text hash does not match the seed slice", "text-hash"))
        problems += check_zones(d["zones"], text, name, lf, base=base + ("zones",))
        docs[d["id"]] = {"id": d["id"], "text": text, "text_sha256": d["text_sha256"], "metadata": d["metadata"],
                         "zones": d["zones"], "source": {"file": d["source"], "start": d["start"], "end": d["end"]}}
    return man, docs, problems


def load_documents(path: Path | None = None) -> dict[str, dict]:
    _, docs, problems = read_manifest(path)
    require(problems)
    return docs


# ---------------------------------------------------------------- annotation files

def check_annotation(path: Path, docs: dict[str, dict]) -> tuple[dict | None, list[Problem]]:
    """Read one annotation file and check it against the schema and its document."""
    name = str(path)
    rec, text, problems = read_json(path)
    if rec is None and (not text or any(p.rule == "json" for p in problems)):  # unreadable (a literal null is checked)
        return None, problems
    lines = locate_lines(text)
    lf = lambda p: line_for(lines, p)  # noqa: E731
    if not isinstance(rec, dict):
        return None, problems + [Problem(name, 1, "", "expected a JSON object", "json")]
    problems += schema_problems("annotation", rec, name, lf)
    doc = docs.get(rec.get("doc_id")) if isinstance(rec.get("doc_id"), str) else None
    if doc is None:
        problems.append(Problem(name, lf(("doc_id",)), "doc_id", f"unknown document id {rec.get('doc_id')!r} (not in seeds/manifest.json)", "ref-document"))
        return rec, problems
    if rec.get("text_sha256") != doc["text_sha256"]:
        problems.append(Problem(name, lf(("text_sha256",)), "text_sha256",
                                "text_sha256 does not match the document text; the annotation was made on another text", "text-hash"))
    problems += check_gold_layers(rec, doc["text"], name, lf)
    return rec, problems


def annotation_files(folder: Path) -> list[Path]:
    return sorted(p for p in Path(folder).glob("*.json") if not p.name.startswith("."))


def read_annotation_set(folder: Path, docs: dict[str, dict]) -> tuple[dict[str, dict], list[Problem]]:
    """All annotation files in a folder, by document id."""
    out: dict[str, dict] = {}
    problems: list[Problem] = []
    for f in annotation_files(folder):
        rec, probs = check_annotation(f, docs)
        problems += probs
        if rec is not None and isinstance(rec, dict) and isinstance(rec.get("doc_id"), str):
            if rec["doc_id"] in out:
                problems.append(Problem(str(f), 1, "doc_id", f"second annotation file for {rec['doc_id']!r}", "unique-id"))
            out[rec["doc_id"]] = rec
    return out, problems


def merge_record(doc: dict, ann: dict) -> dict:
    """A full gold document record: the document plus its annotation layers."""
    rec = {"id": doc["id"], "text": doc["text"], "text_sha256": doc["text_sha256"], "metadata": dict(doc["metadata"]),
           "zones": doc["zones"]}
    if "annotation" in ann:
        rec["annotation"] = ann["annotation"]
    for layer in LAYERS:
        rec[layer] = ann[layer]
    return rec


def content_hash(records) -> str:
    """sha256 over the canonical JSON Lines of the records (text and all layers, no version stamp).

    Computed record by record, so the corpus is never held as one string.
    """
    h = hashlib.sha256()
    for r in records:
        r = dict(r)
        r["metadata"] = {k: v for k, v in r["metadata"].items() if k not in ("dataset_version", "dataset_hash")}
        h.update(dump_jsonl([r]).encode("utf-8"))
    return h.hexdigest()


def dataset_version() -> str:
    try:
        return paths.VERSION_FILE.read_text(encoding="utf-8").strip()
    except OSError:
        return "unversioned"


# ---------------------------------------------------------------- gold

def check_gold_jsonl(path: Path, known_docs: dict[str, dict] | None = None) -> tuple[LazyRecords, list[Problem]]:
    """Self-contained gold document records, one per line (the built ``documents`` file).

    Each record is checked as it is read and kept as compact JSON text (:class:`LazyRecords`).
    """
    name = str(path)
    out: dict[str, str] = {}
    texts: dict[str, str] = {}
    packer = SpanPacker()
    problems: list[Problem] = []
    for lineno, rec, probs in iter_jsonl(path, allow_crlf=False):
        problems += probs
        if rec is None:
            continue
        lf = lambda p, n=lineno: n  # noqa: E731
        problems += schema_problems("gold", rec, name, lf)
        text = rec.get("text")
        if not isinstance(text, str):
            continue
        if rec.get("text_sha256") != sha256_text(text):
            problems.append(Problem(name, lineno, "text_sha256", "text_sha256 does not match the text", "text-hash"))
        rid = rec.get("id") if isinstance(rec.get("id"), str) else None
        if known_docs and rid in known_docs and known_docs[rid]["text"] != text:
            problems.append(Problem(name, lineno, "text", f"text of {rec['id']!r} differs from the seed slice", "text-seed"))
        problems += check_zones(rec.get("zones"), text, name, lf)
        problems += check_gold_layers(rec, text, name, lf)
        if rid is None:
            continue  # the schema has reported the missing or wrongly typed id
        if rid in out:
            problems.append(Problem(name, lineno, "id", f"duplicate document id {rid!r}", "unique-id"))
        out[rid] = compact(rec)
        texts[rid] = text
        packer.add(rid, (rec.get("entities") or {}).get("mentions") if isinstance(rec.get("entities"), dict) else None)
    order = sorted(out)
    return LazyRecords({k: out[k] for k in order}, {k: texts[k] for k in order}, packer.spans, packer.vocab), problems


def load_gold(path: str | Path | None = None) -> Gold:
    """The gold: by default the shipped annotations joined with the seeds.

    ``path`` may be an annotation folder (joined with the manifest) or a JSONL file of
    full gold document records. Raises :class:`InputError` listing every problem.
    """
    if path is None or Path(path).is_dir():
        docs = load_documents()
        folder = Path(path) if path is not None else paths.GOLD_DIR
        anns, problems = read_annotation_set(folder, docs)
        require(problems)
        records: Mapping[str, dict] = {i: merge_record(docs[i], anns[i]) for i in sorted(anns)}
        source = str(folder)
        version = None
    else:
        records, problems = check_gold_jsonl(Path(path))
        require(problems)
        source = str(path)
        version = records[next(iter(records))]["metadata"].get("dataset_version") if records else None
    if not records:
        raise InputError(Problem(source, 0, "", "no gold documents found", "empty"))
    chash = content_hash(records.values())
    return Gold(records, version or dataset_version(), chash, source)


# ---------------------------------------------------------------- predictions

def read_predictions(source, gold: Gold, *, labels=ENTITY_LABELS) -> tuple[Mapping[str, dict], list[Problem]]:
    """Predictions by document id, with every problem found (errors and warnings).

    ``source`` is a JSONL path (records then kept as compact JSON, :class:`LazyRecords`) or,
    from Python, a list of prediction records.
    """
    lazy = isinstance(source, (str, Path))
    if isinstance(source, (str, Path)):
        name, rows = str(source), iter_jsonl(source)
    else:
        name = "<predictions>"
        rows = ((i, r, [] if isinstance(r, dict) else [Problem(name, i, "", "expected a dict", "json")])
                for i, r in enumerate(source, 1))
        rows = ((i, r if isinstance(r, dict) else None, p) for i, r, p in rows)
    out: dict[str, dict] = {}
    problems: list[Problem] = []
    packer = SpanPacker()
    for lineno, rec, probs in rows:
        problems += probs
        if rec is None:
            continue
        lf = lambda p, n=lineno: n  # noqa: E731
        schema_errs = schema_problems("predictions", rec, name, lf)
        problems += schema_errs
        doc_id = rec.get("doc_id")
        if not isinstance(doc_id, str) or doc_id not in gold.docs:
            problems.append(Problem(name, lineno, "doc_id", f"unknown document id {doc_id!r}; the gold has {len(gold.docs)} documents "
                                    f"({', '.join(list(gold.docs)[:3])}{', …' if len(gold.docs) > 3 else ''})", "ref-document"))
            continue
        if doc_id in out:
            problems.append(Problem(name, lineno, "doc_id", f"second line for document {doc_id!r}; one line per document", "unique-id"))
            continue
        if not schema_errs:
            problems += check_prediction(rec, gold.text(doc_id), name, lf, labels=labels)
        out[doc_id] = compact(rec) if lazy else rec
        if lazy and "entities" in rec:
            packer.add(doc_id, rec["entities"])
    return (LazyRecords(out, spans=packer.spans, vocab=packer.vocab) if lazy else out), problems



def load_label_map(name_or_path: str | None) -> dict | None:
    """A label map by name (``schema/label_maps/<name>.json``) or path; None for none."""
    if not name_or_path:
        return None
    p = Path(name_or_path)
    if not p.exists():
        p = paths.LABEL_MAPS_DIR / f"{name_or_path}.json"
    data, _, problems = read_json(p)
    require(problems)
    if not isinstance(data, dict) or not isinstance(data.get("map"), dict):
        raise InputError(Problem(str(p), 1, "map", "a label map needs a 'map' object from label to label (or null)", "label-map"))
    data.setdefault("name", p.stem)
    return data


def to_json(obj) -> str:
    return json.dumps(obj, ensure_ascii=False, sort_keys=True)
