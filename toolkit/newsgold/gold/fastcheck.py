"""A one-pass "certainly schema-valid" test for gold document records, at parse speed.

Validating a new gold spent most of its time in the strict parser (``json`` with hooks), the
JSON Schema and the walk for float offsets. Here a line is parsed by orjson
(:func:`newsgold.core.jsonio.loads_fast`, which declines whatever the strict parser could read
differently) and its shape checked by ``msgspec.convert`` against typed records that say what
``schema/gold-document.schema.json`` says: required keys, no unknown keys where the schema has
``additionalProperties: false``, integer offsets (never a float or a bool), the id pattern, the
enums, non-empty strings (the typed records are untracked by the garbage collector: they hold
no cycles); the few rules a type cannot say (unique aliases and evidence, a target of kind
entity names its cluster, evidence by label) are checked after.

Any doubt answers None and the caller reads the line the strict way, which gives every message
of the project's own. So this can only make reading faster, never change a verdict;
``tests/test_gold_fastcheck.py`` checks on mutants that every record this accepts is one the
strict parser and the schema accept.
"""
from __future__ import annotations

from operator import lt
from typing import Annotated, Any, Literal

import msgspec
from msgspec import UNSET, Meta, Struct, UnsetType

from newsgold.core.jsonio import loads_fast
from newsgold.core.schema import ENTITY_LABELS, QUOTE_TYPES, STANCE_LABELS, ZONE_TYPES, load_schema_file

Id = Annotated[str, Meta(pattern=load_schema_file("common.schema.json")["$defs"]["id"]["pattern"])]
Offset = Annotated[int, Meta(ge=0)]
Text = Annotated[str, Meta(min_length=1)]
EntityLabel = Literal[ENTITY_LABELS]        # type: ignore[valid-type]   # Literal of a tuple: each of its values


class Span(Struct, forbid_unknown_fields=True, gc=False):
    start: Offset
    end: Offset
    text: str


class Zone(Struct, forbid_unknown_fields=True, gc=False):
    start: Offset
    end: Offset
    type: Literal[ZONE_TYPES]  # type: ignore[valid-type]


class Mention(Struct, forbid_unknown_fields=True, gc=False):
    start: Offset
    end: Offset
    text: str
    label: EntityLabel
    cluster: Id
    id: Id | UnsetType = UNSET


class Cluster(Struct, forbid_unknown_fields=True, gc=False):
    id: Id
    name: Text
    type: EntityLabel
    aliases: list[Text] = []


class Entities(Struct, forbid_unknown_fields=True, gc=False):
    mentions: list[Mention]
    clusters: list[Cluster]


class Quote(Struct, forbid_unknown_fields=True, gc=False):
    id: Id
    type: Literal[QUOTE_TYPES]  # type: ignore[valid-type]
    content: Annotated[list[Span], Meta(min_length=1)]
    cue: Span | None
    speaker: Span | None
    speaker_cluster: Id | None


class Target(Struct, forbid_unknown_fields=True, gc=False):
    id: Id
    kind: Literal["entity", "topic"]
    description: Text
    cluster: Id | UnsetType = UNSET


class StanceItem(Struct, forbid_unknown_fields=True, gc=False):
    id: Id
    holder: Id
    target: Id
    label: Literal[STANCE_LABELS]  # type: ignore[valid-type]
    evidence: list[Id]


class Stance(Struct, forbid_unknown_fields=True, gc=False):
    targets: list[Target]
    items: list[StanceItem]


class Metadata(Struct, gc=False):
    headline: str
    language: str
    dataset_version: str | UnsetType = UNSET
    dataset_hash: str | UnsetType = UNSET


class Annotation(Struct, gc=False):
    annotator: Text
    annotator_kind: Literal["human", "machine", "adjudicated"]
    guidelines_version: str | UnsetType = UNSET
    notes: str | UnsetType = UNSET


class GoldRecord(Struct, gc=False):
    id: Id
    text: Text
    text_sha256: Annotated[str, Meta(pattern=r"^[0-9a-f]{64}$")]
    metadata: Metadata
    zones: Annotated[list[Zone], Meta(min_length=1)]
    entities: Entities
    quotes: list[Quote]
    stance: Stance
    annotation: Annotation | UnsetType = UNSET


_OPEN = {"": set(GoldRecord.__struct_fields__), "metadata": set(Metadata.__struct_fields__),
         "annotation": set(Annotation.__struct_fields__)}
_SCALARS = (str, int, float, bool, type(None))


def _open_objects(rec: dict) -> list[dict]:
    return [rec, rec["metadata"], *([rec["annotation"]] if "annotation" in rec else [])]


def _extras_are_scalars(rec: dict) -> tuple[bool, bool]:
    """Keys the schema leaves open (top level, metadata, annotation) may hold anything; the fast
    path takes only scalars there (so no nesting depth to check). Returns (all scalar, any float)."""
    floats = False
    for obj, known in zip(_open_objects(rec), _OPEN.values()):
        for key in obj.keys() - known:
            kind = type(obj[key])
            if kind not in _SCALARS:
                return False, False
            floats = floats or kind is float
    return True, floats


def _key_count(rec: dict) -> int:
    """Keys of every object in a record that passed :class:`GoldRecord` (for the duplicate-key test)."""
    ents, stance = rec["entities"], rec["stance"]
    n = sum(map(len, _open_objects(rec))) + sum(map(len, rec["zones"])) + len(ents) + len(stance)
    n += sum(map(len, ents["mentions"])) + sum(map(len, ents["clusters"]))
    n += sum(map(len, stance["targets"])) + sum(map(len, stance["items"]))
    for q in rec["quotes"]:
        n += len(q) + sum(map(len, q["content"])) + len(q["cue"] or ()) + len(q["speaker"] or ())
    return n


def _rules_beyond_types(rec: GoldRecord) -> bool:
    """The schema's rules a type cannot state: unique aliases and evidence, ``if``/``then`` of targets and items."""
    if any(len(set(c.aliases)) != len(c.aliases) for c in rec.entities.clusters):
        return False
    if any(t.kind == "entity" and t.cluster is UNSET for t in rec.stance.targets):
        return False
    return all(len(set(s.evidence)) == len(s.evidence) and (len(s.evidence) == 0) == (s.label == "NONE")
               for s in rec.stance.items)


def checked_record(raw: bytes) -> tuple[dict[str, Any], bool] | None:
    """The record of one gold line and whether it holds a float (in an open key), when it is
    certainly what the strict parser reads and certainly valid under the gold schema; else None."""
    got = loads_fast(raw)
    if got is None:
        return None
    rec, n_colons = got
    try:
        typed = msgspec.convert(rec, GoldRecord, strict=True)
    except msgspec.ValidationError:
        return None
    scalars, floats = _extras_are_scalars(rec)
    if not scalars or _key_count(rec) != n_colons or not _rules_beyond_types(typed):
        return None
    return rec, floats


def clean_entities(ents: dict, text: str) -> dict[str, str] | None:
    """Cluster id -> type when the entity layer of a schema-valid record certainly gives no
    problem, not even a warning, in :func:`newsgold.gold.rules.check_gold_layers`: spans inside
    the text, non-empty, their text equal to the slice; unique cluster ids, mention spans and
    mention ids; every mention's cluster known and of its label; every cluster mentioned. Else None."""
    clusters, mentions = ents["clusters"], ents["mentions"]
    cluster_type = {c["id"]: c["type"] for c in clusters}
    if len(cluster_type) != len(clusters):
        return None
    starts, ends = [m["start"] for m in mentions], [m["end"] for m in mentions]
    if not all(map(lt, starts, ends)) or max(ends, default=0) > len(text):
        return None
    if [m["text"] for m in mentions] != [text[s:e] for s, e in zip(starts, ends)]:
        return None
    if [cluster_type.get(m["cluster"]) for m in mentions] != [m["label"] for m in mentions]:
        return None
    ids = [m["id"] for m in mentions if "id" in m]
    if len(set(zip(starts, ends))) != len(mentions) or len(set(ids)) != len(ids):
        return None
    return cluster_type if len({m["cluster"] for m in mentions}) == len(cluster_type) else None

