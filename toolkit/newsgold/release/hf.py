"""The Hugging Face view of the dataset: configs, their typed features, and a loader.

One definition serves everything: :func:`feature_spec` describes the columns of each
config once, and from it come the ``features:`` blocks of the README front matter
(written by ``newsgold build``), the Croissant record sets (``newsgold export``) and
the checks in the tests. Data files and declared features therefore cannot drift.

Every label is a ``ClassLabel``. The JSON Lines files keep the label *names*
(``"PERSON"``, ``"B-ORG"``, ``"FAVOR"``), so they stay readable and are the same records
the scorer reads; ``datasets`` turns them into class ids when it loads them.

YAML form (datasets 5.x, ``Features._from_yaml_list``): each column is
``{name, dtype: string|int32}``, a class label is
``{name, dtype: {class_label: {names: {'0': A, '1': B}}}}``, a list is ``{name, list: ...}``
(``list: string``, ``list: {class_label: ...}`` or ``list: [fields]`` for a list of
objects) and an object is ``{name, struct: [fields]}``.

Caching (measured with datasets 5.2.0): when a repository declares its configs in the
README, ``load_dataset(path, config)`` keys its cache on the README (patterns and
features), not on the data files' modification times. After a data file is edited, a
plain ``load_dataset(path, config)`` returns the *old* rows from the cache, in this and
in every later process. ``download_mode="force_redownload"`` alone fails with
``NonMatchingSplitsSizesError`` when the row count or size changed (the cached split
sizes are used to verify); it works together with ``verification_mode="no_checks"``.
:func:`load` avoids the shared cache altogether: a fresh temporary ``cache_dir`` and
``keep_in_memory=True`` on every call, so it always returns what is on disk.
"""
from __future__ import annotations

import json
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from newsgold.core.diagnostics import InputError, Problem
from newsgold.core.repository import current, missing_dataset
from newsgold.core.schema import ENTITY_LABELS, QUOTE_TYPES, STANCE_LABELS, ZONE_TYPES

CONFIGS = ("documents", "entities", "ner", "quotes", "stance")
DEFAULT_CONFIG = "documents"
SPLIT = "test"

ANNOTATOR_KINDS = ("human", "machine", "adjudicated")
TARGET_KINDS = ("entity", "topic")
NER_TAGS = ("O",) + tuple(f"{p}-{label}" for label in ENTITY_LABELS for p in ("B", "I"))

# Metadata keys in the order they are declared when present; other keys follow in
# order of first appearance. The version stamp always comes last.
KNOWN_METADATA = ("headline", "publisher", "publisher_certainty", "publisher_evidence", "date_as_stated", "date",
                  "date_certainty", "date_note", "dateline", "language", "wire_credit")
STAMP_METADATA = ("dataset_version", "dataset_hash")
KNOWN_ANNOTATION = ("annotator", "annotator_kind", "guidelines_version", "notes")

DESCRIPTIONS = {
    "documents": "One row per document: text, metadata (with dataset_version and dataset_hash), zones and the three "
                 "label layers (entities, quotes, stance), exactly as the gold records.",
    "entities": "One row per entity mention: offsets into the document text, OntoNotes label, entity cluster and zone.",
    "ner": "CoNLL-style rows: one sentence per row, tokens with IOB2 tags and the character offsets of every token.",
    "quotes": "One row per quotation (attribution relation): type, content spans, cue, speaker and speaker entity.",
    "stance": "One row per stance item: holder entity, declared target, FAVOR/AGAINST/NEUTRAL and the evidence quotes.",
}


# ---------------------------------------------------------------- a small type algebra

@dataclass(frozen=True)
class Label:
    names: tuple[str, ...]


@dataclass(frozen=True)
class ListOf:
    item: FeatureType


@dataclass(frozen=True)
class Struct:
    fields: tuple[tuple[str, FeatureType], ...]


FeatureType = str | Label | ListOf | Struct   # str: a datasets Value dtype ("string", "int32")

STR, INT = "string", "int32"
SPAN = Struct((("start", INT), ("end", INT), ("text", STR)))


def _struct(*fields: tuple[str, FeatureType]) -> Struct:
    return Struct(tuple(fields))


def _ordered_keys(records: Iterable[dict], known: tuple[str, ...], last: tuple[str, ...] = ()) -> tuple[str, ...]:
    seen: list[str] = []
    for r in records:
        for k in r:
            if k not in seen:
                seen.append(k)
    head = [k for k in known if k in seen]
    rest = [k for k in seen if k not in known and k not in last]
    return tuple(head + rest + list(last))


def document_keys(records: Iterable[dict]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The metadata and annotation keys that the ``documents`` features declare for these records.

    Metadata: the keys present (known ones first, in :data:`KNOWN_METADATA` order, then
    others by first appearance), then ``dataset_version`` and ``dataset_hash``.
    Annotation: always :data:`KNOWN_ANNOTATION`, then any other key present.
    """
    records = list(records)
    meta = _ordered_keys([r.get("metadata") or {} for r in records], KNOWN_METADATA, STAMP_METADATA)
    anns = [r["annotation"] for r in records if isinstance(r.get("annotation"), dict)]
    ann = KNOWN_ANNOTATION + tuple(k for k in _ordered_keys(anns, ()) if k not in KNOWN_ANNOTATION)
    return meta, ann


def feature_spec(config: str, metadata_keys: tuple[str, ...] = KNOWN_METADATA + STAMP_METADATA,
                 annotation_keys: tuple[str, ...] = KNOWN_ANNOTATION) -> Struct:
    """The columns of one config, in file order.

    ``documents`` has two open objects (``metadata`` and ``annotation``) whose keys come
    from the gold (:func:`document_keys`); all their values are strings, except
    ``annotation.annotator_kind``, a class label.
    """
    ent = Label(tuple(ENTITY_LABELS))
    zone = Label(tuple(ZONE_TYPES))
    if config == "documents":
        ann_fields = tuple((k, Label(ANNOTATOR_KINDS) if k == "annotator_kind" else STR) for k in annotation_keys)
        return _struct(
            ("id", STR), ("text", STR), ("text_sha256", STR),
            ("metadata", Struct(tuple((k, STR) for k in metadata_keys))),
            ("zones", ListOf(_struct(("start", INT), ("end", INT), ("type", zone)))),
            ("annotation", Struct(ann_fields)),
            ("entities", _struct(
                ("mentions", ListOf(_struct(("id", STR), ("start", INT), ("end", INT), ("text", STR), ("label", ent), ("cluster", STR)))),
                ("clusters", ListOf(_struct(("id", STR), ("name", STR), ("type", ent), ("aliases", ListOf(STR))))))),
            ("quotes", ListOf(_struct(
                ("id", STR), ("type", Label(QUOTE_TYPES)), ("content", ListOf(SPAN)), ("cue", SPAN), ("speaker", SPAN),
                ("speaker_cluster", STR)))),
            ("stance", _struct(
                ("targets", ListOf(_struct(("id", STR), ("kind", Label(TARGET_KINDS)), ("cluster", STR), ("description", STR)))),
                ("items", ListOf(_struct(("id", STR), ("holder", STR), ("target", STR), ("label", Label(STANCE_LABELS)),
                                         ("evidence", ListOf(STR))))))),
        )
    if config == "entities":
        return _struct(("doc_id", STR), ("mention_index", INT), ("mention_id", STR), ("start", INT), ("end", INT), ("text", STR),
                       ("label", ent), ("cluster_id", STR), ("cluster_name", STR), ("zone_type", zone))
    if config == "ner":
        return _struct(("doc_id", STR), ("sentence_id", INT), ("tokens", ListOf(STR)), ("ner_tags", ListOf(Label(NER_TAGS))),
                       ("token_starts", ListOf(INT)), ("token_ends", ListOf(INT)))
    if config == "quotes":
        return _struct(("doc_id", STR), ("quote_id", STR), ("type", Label(QUOTE_TYPES)), ("content_text", STR), ("content", ListOf(SPAN)),
                       ("cue_text", STR), ("cue_start", INT), ("cue_end", INT),
                       ("speaker_text", STR), ("speaker_start", INT), ("speaker_end", INT),
                       ("speaker_cluster", STR), ("speaker_name", STR), ("zone_type", zone))
    if config == "stance":
        return _struct(("doc_id", STR), ("item_id", STR), ("holder_cluster", STR), ("holder_name", STR),
                       ("target_id", STR), ("target_kind", Label(TARGET_KINDS)), ("target_cluster", STR), ("target_description", STR),
                       ("label", Label(STANCE_LABELS)), ("evidence", ListOf(STR)), ("evidence_texts", ListOf(STR)))
    raise ValueError(f"unknown config {config!r}; configs: {', '.join(CONFIGS)}")


# ---------------------------------------------------------------- to README YAML

def _class_label_yaml(label: Label) -> dict:
    return {"class_label": {"names": {str(i): n for i, n in enumerate(label.names)}}}


def _field_yaml(name: str, t: FeatureType) -> dict:
    if isinstance(t, str):
        return {"name": name, "dtype": t}
    if isinstance(t, Label):
        return {"name": name, "dtype": _class_label_yaml(t)}
    if isinstance(t, Struct):
        return {"name": name, "struct": struct_yaml(t)}
    return {"name": name, "list": _list_item_yaml(t.item)}


def _list_item_yaml(t: FeatureType):
    if isinstance(t, str):
        return t
    if isinstance(t, Label):
        return _class_label_yaml(t)
    if isinstance(t, Struct):
        return struct_yaml(t)
    return {"list": _list_item_yaml(t.item)}


def struct_yaml(spec: Struct) -> list[dict]:
    """The ``features:`` list of a README config (the canonical form datasets itself writes)."""
    return [_field_yaml(name, t) for name, t in spec.fields]


def features(config: str, **keys):
    """The ``datasets.Features`` of a config, parsed exactly as ``load_dataset`` parses the README."""
    from datasets import Features
    return Features._from_yaml_list(struct_yaml(feature_spec(config, **keys)))


def label_fields(spec: Struct, prefix: str = "") -> dict[str, Label]:
    """Every class-label column of a spec, by dotted path (lists add ``[]``)."""
    out: dict[str, Label] = {}
    for name, t in spec.fields:
        path = f"{prefix}{name}"
        while isinstance(t, ListOf):
            t, path = t.item, path + "[]"
        if isinstance(t, Label):
            out[path] = t
        elif isinstance(t, Struct):
            out.update(label_fields(t, path + "."))
    return out


# ---------------------------------------------------------------- loading

def load(config: str = DEFAULT_CONFIG, path: str | Path | None = None, split: str | None = SPLIT):
    """Load one config with ``datasets.load_dataset``, always from what is on disk now.

    ``path`` is the dataset folder (default: the copy in use: ``NEWSGOLD_HOME``, the clone,
    or the release packaged in an installed wheel; a Hub export folder works too; a
    relative path such as ``"."`` is resolved first). Returns the ``test`` split as a ``datasets.Dataset`` (or a
    ``DatasetDict`` with ``split=None``), typed by the README features: every label is a
    ``ClassLabel``, ``ds.features["label"].int2str(i)`` gives its name.

    Each call reads the data file itself, typed by the card's features, so an edited data file
    is never answered from a stale cache (see the module docstring) and a date stays the string
    it is in the file.
    """
    if config not in CONFIGS:
        raise ValueError(f"unknown config {config!r}; configs: {', '.join(CONFIGS)}")
    from datasets import Dataset, DatasetDict, load_dataset_builder
    root = Path(path) if path is not None else current().root
    if not (root / "README.md").is_file() or not (root / "data" / config).is_dir():
        if path is None:
            raise missing_dataset()
        raise InputError(Problem(str(root), 0, "", f"not a NewsGold dataset folder (no README.md or data/{config}/): "
                                 "give a clone or a Hub export folder", "no-dataset"))
    # datasets 5.x refuses a relative path such as "." ("dataset_name should be specified")
    root = root.resolve()
    with tempfile.TemporaryDirectory(prefix="newsgold-hf-") as cache:
        features = load_dataset_builder(str(root), config, cache_dir=cache).info.features
    # The rows are read here and typed by the card's features, not by datasets' JSON reader: pyarrow
    # reads "2026-01-28" as a timestamp before the cast to the declared string, which gives back
    # "2026-01-28 00:00:00" (checked with datasets 5.2); every other value comes out the same.
    with open(root / "data" / config / f"{SPLIT}.jsonl", encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh if line.strip()]
    ds = Dataset.from_list(rows, features=features, split=SPLIT)
    if split is None:
        return DatasetDict({SPLIT: ds})
    if split != SPLIT:
        raise ValueError(f"unknown split {split!r}; the only split is {SPLIT!r}")
    return ds
