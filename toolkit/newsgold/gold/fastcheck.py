"""A one-pass "certainly schema-valid" test for gold document records, at parse speed.

Validating a new gold spent most of its time in the strict parser (``json`` with hooks), the
JSON Schema and the walk for float offsets. Here a line is parsed by orjson (declining, with the
guards of :func:`newsgold.core.jsonio.loads_fast`, whatever the strict parser could read
differently; :func:`_decoded`) and its shape checked by ``msgspec.convert`` against typed records
that say what ``schema/gold-document.schema.json`` says: required keys, no unknown keys where the schema has
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

from operator import attrgetter, itemgetter, lt
from typing import Annotated, Any, Literal

import msgspec
from msgspec import UNSET, Meta, Struct, UnsetType

from newsgold.core.jsonio import ORJSON, has_spaced_key, may_hold_long_number
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


_ALIASES = attrgetter("aliases")


def _rules_beyond_types(rec: GoldRecord) -> bool:
    """The schema's rules a type cannot state: unique aliases and evidence, ``if``/``then`` of targets and items."""
    aliases = [*map(_ALIASES, rec.entities.clusters)]
    if [*map(len, map(set, aliases))] != [*map(len, aliases)]:      # by map: a cluster costs no Python step
        return False
    if any(t.kind == "entity" and t.cluster is UNSET for t in rec.stance.targets):
        return False
    return all(len(set(s.evidence)) == len(s.evidence) and (len(s.evidence) == 0) == (s.label == "NONE")
               for s in rec.stance.items)


def checked_record(raw: bytes) -> tuple[dict[str, Any], bool, bool] | None:
    """The record of one gold line, whether it holds a float (in an open key) and whether the line
    is orjson's own writing of it (:func:`_decoded`), when it is certainly what the strict parser
    reads and certainly valid under the gold schema; else None."""
    got = _decoded(raw)
    if got is None:
        return None
    rec, own = got
    try:
        typed = msgspec.convert(rec, GoldRecord, strict=True)
    except msgspec.ValidationError:
        return None
    scalars, floats = _extras_are_scalars(rec)
    if not scalars or not _rules_beyond_types(typed):
        return None
    if not own and _key_count(rec) != raw.count(b'":'):
        return None
    return rec, floats, own


def _decoded(raw: bytes) -> tuple[dict[str, Any], bool] | None:
    """orjson's object of a line, and whether the line (less its line break) is byte for byte what
    ``orjson.dumps`` writes for it; None when it may not be what the strict parser reads.

    A number with 19 digits in a row always sends the line away (orjson reads and writes integers
    up to 2^64, the strict parser refuses them from 2^63). Beyond that, orjson's own writing of a
    record needs none of :func:`loads_fast`'s guards: being a dict's writing, it has no duplicate
    key, no lone surrogate, no float but one that reads back to itself, and every key is written
    ``"key":``. Any other line takes the guard against a spaced key (and then the key count)."""
    if ORJSON is None or may_hold_long_number(raw):
        return None
    try:
        rec = ORJSON.loads(raw)
    except ORJSON.JSONDecodeError:
        return None
    if not isinstance(rec, dict):
        return None
    try:
        own = ORJSON.dumps(rec) == (raw[:-1] if raw.endswith(b"\n") else raw)
    except ORJSON.JSONEncodeError:     # nested too deep for orjson to write
        own = False
    if not own and has_spaced_key(raw):
        return None
    return rec, own


MentionColumns = tuple[list[int], list[int], list[str], list[str], list[str]]
_START, _END, _TEXT, _LABEL, _CLUSTER = map(itemgetter, ("start", "end", "text", "label", "cluster"))


def mention_columns(mentions: list[dict[str, Any]]) -> MentionColumns:
    """Start, end, text, label and cluster of the mentions of a schema-valid record, column by
    column: taken once, for :func:`clean_entities` and for packing the spans."""
    return ([*map(_START, mentions)], [*map(_END, mentions)], [*map(_TEXT, mentions)],
            [*map(_LABEL, mentions)], [*map(_CLUSTER, mentions)])


def clean_entities(ents: dict, text: str, columns: MentionColumns | None = None) -> dict[str, str] | None:
    """Cluster id -> type when the entity layer of a schema-valid record certainly gives no
    problem, not even a warning, in :func:`newsgold.gold.rules.check_gold_layers`: spans inside
    the text, non-empty, their text equal to the slice; unique cluster ids, mention spans and
    mention ids; every mention's cluster known and of its label; every cluster mentioned. Else None.
    ``columns``: :func:`mention_columns` of its mentions, when the caller has them."""
    clusters, mentions = ents["clusters"], ents["mentions"]
    starts, ends, texts, labels, cids = columns if columns is not None else mention_columns(mentions)
    cluster_type = {c["id"]: c["type"] for c in clusters}
    if len(cluster_type) != len(clusters):
        return None
    if not all(map(lt, starts, ends)) or max(ends, default=0) > len(text):
        return None
    if texts != [text[s:e] for s, e in zip(starts, ends)] or [*map(cluster_type.get, cids)] != labels:
        return None
    ids = [m["id"] for m in mentions if "id" in m]
    if len(set(zip(starts, ends))) != len(mentions) or len(set(ids)) != len(ids):
        return None
    return cluster_type if len(set(cids)) == len(cluster_type) else None
