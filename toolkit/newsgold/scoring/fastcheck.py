"""A one-pass "certainly fine" test for the common predictions records (entities, quotes, stance, coref), at parse speed.

Most predictions lines are plain: ``doc_id``, perhaps ``system``, and a list of entities with
integer offsets, a known label and perhaps the span text. Such a line is decoded by msgspec
straight into typed records (:class:`Record`) that say what ``schema/predictions.schema.json``
says of it: no key but these (``forbid_unknown_fields``), the id pattern (the same regex, searched
the same way as jsonschema does), integer offsets (msgspec refuses a bool, and a float even when
it is 1.0, which the schema would accept: such a line simply takes the full checks), string labels,
texts and clusters, a number (not a bool) for a score. msgspec also refuses what the strict parser
(:func:`newsgold.core.jsonio.loads`) refuses or reads differently: NaN, infinite numbers, lone
surrogates, invalid UTF-8, control characters, trailing data. What it does not refuse is checked
here: **duplicate keys** (msgspec keeps the last; see :func:`_no_duplicate_key`) and integers
beyond 64 bits (an offset that large can never pass :func:`clean_columns`; a score that large
sends the line to the strict parser).

:func:`clean_columns` then decides, column-wise, that the full checks would find **nothing**:
the JSON Schema (Draft 2020-12, :mod:`newsgold.core.schema`) would accept the record and
:func:`newsgold.gold.rules.check_prediction` would report no problem, not even a warning.
Any doubt answers None, and the caller then runs the full checks, which give every message.
So this can only make reading faster, never change a verdict; ``tests/test_schema_fast.py``
checks on mutants that a line this accepts is one the full checks pass.

A line that also carries quotes, stance or coreference clusters is decoded by
:func:`typed_line` into :class:`LayeredRecord` (quotes, spans, stance predictions and
coref mentions typed as the schema has them, their keys counted for the duplicate-key test too),
and :func:`clean_layers` decides that ``check_prediction`` *with the gold document* finds nothing
in them: spans inside the text and equal to their slices, every ``speaker_cluster``, stance
``item`` and ``target`` one the gold declares (:func:`gold_references`), no item labelled twice.
(A coref mention listed twice is no problem of the line: the scorer keeps its first place, as the
CoNLL-2012 reference scorer does, and says so in the errors.)
``tests/test_schema_fast_quotes.py`` checks these on mutants in the same way.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Collection, Sequence
from itertools import chain
from operator import attrgetter, le, lt
from typing import Annotated, Any, Literal, NamedTuple

import msgspec
from msgspec import UNSET, Meta, Struct, UnsetType
from msgspec.structs import astuple

from newsgold.core.jsonio import has_long_number
from newsgold.core.schema import load_schema_file

_COMMON = load_schema_file("common.schema.json")["$defs"]
Id = Annotated[str, Meta(pattern=_COMMON["id"]["pattern"])]
# the enums as the schema lists them (a Literal of a tuple stands for each of its values)
_QUOTE_TYPES = tuple(_COMMON["quote_type"]["enum"])
_STANCE_LABELS = tuple(_COMMON["stance_label"]["enum"])
QuoteType = Literal[_QUOTE_TYPES]          # type: ignore[valid-type]
StanceLabel = Literal[_STANCE_LABELS]      # type: ignore[valid-type]


class Entity(Struct, forbid_unknown_fields=True, gc=False):
    """A plain predicted entity: the common form, decoded first."""
    start: int
    end: int
    label: str
    text: str | UnsetType = UNSET


class ScoredEntity(Struct, forbid_unknown_fields=True, gc=False):
    """A predicted entity that may also carry a cluster or a score (decoded when :class:`Entity` declines)."""
    start: int
    end: int
    label: str
    text: str | UnsetType = UNSET
    cluster: str | UnsetType = UNSET
    score: float | UnsetType = UNSET     # msgspec takes an int for a float, never a bool: the schema's "number"


class Record(Struct, forbid_unknown_fields=True, gc=False):
    doc_id: Id
    system: str | UnsetType = UNSET
    entities: list[Entity] | UnsetType = UNSET


class Span(Struct, forbid_unknown_fields=True, gc=False):
    """``common.schema.json#/$defs/span``: integer offsets (``offset``: the range is checked in
    :func:`clean_layers`), perhaps the text. The schema also lets a span carry keys of its own;
    msgspec refuses them here, and such a line takes the full checks."""
    start: int
    end: int
    text: str | UnsetType = UNSET


class Quote(Struct, forbid_unknown_fields=True, gc=False):
    """A predicted quote (``predictions.schema.json``): content required (one span or more), every other key optional."""
    content: Annotated[list[Span], Meta(min_length=1)]
    id: str | UnsetType = UNSET
    type: QuoteType | UnsetType = UNSET
    cue: Span | UnsetType | None = UNSET
    speaker: Span | UnsetType | None = UNSET
    speaker_cluster: str | UnsetType | None = UNSET
    speaker_name: str | UnsetType | None = UNSET
    score: float | UnsetType = UNSET     # a number, never a bool (as for an entity)


class StancePrediction(Struct, forbid_unknown_fields=True, gc=False):
    """A predicted stance (``predictions.schema.json``): a label required, every other key optional."""
    label: StanceLabel
    item: str | UnsetType = UNSET
    holder: str | UnsetType = UNSET
    target: str | UnsetType = UNSET
    score: float | UnsetType = UNSET


class CorefMention(Struct, forbid_unknown_fields=True, gc=False):
    """A mention of a predicted coreference cluster (``predictions.schema.json``: ``coref``): integer
    offsets, perhaps its text and a score; no other key (the schema forbids them)."""
    start: int
    end: int
    text: str | UnsetType = UNSET
    score: float | UnsetType = UNSET


class LayeredRecord(Struct, forbid_unknown_fields=True, gc=False):
    """A record that may also carry quotes, stance and coreference clusters (decoded when the line names one)."""
    doc_id: Id
    system: str | UnsetType = UNSET
    entities: list[ScoredEntity] | UnsetType = UNSET
    quotes: list[Quote] | UnsetType = UNSET
    stance: list[StancePrediction] | UnsetType = UNSET
    coref: list[list[CorefMention]] | UnsetType = UNSET


_PLAIN = msgspec.json.Decoder(Record)
_LAYERED = msgspec.json.Decoder(LayeredRecord)
_QUOTE_FIELDS = len(Quote.__struct_fields__)
_STANCE_FIELDS = len(StancePrediction.__struct_fields__)
_SPACED_KEY = re.compile(rb'"[ \t\r\n]+:')     # a key not written as "key":
_WITH_ENTITIES = frozenset({"entities"})
_NO_LAYER: frozenset[str] = frozenset()

Columns = tuple[Sequence[int], Sequence[int], Sequence[str]]


class Plain(NamedTuple):
    """A plain line's record as columns (tuples, one per field of its entities): what
    :func:`clean_columns` checks and the span packer stores."""
    doc_id: str
    layers: frozenset[str]
    starts: tuple[int, ...]
    ends: tuple[int, ...]
    labels: tuple[str, ...]
    texts: tuple[str | UnsetType, ...]
    untexted: int                         # entities without a text


def typed_line(raw: bytes) -> Plain | Layered | None:
    """The record of a JSON Lines line, typed as the schema asks and free of duplicate keys (so that
    the strict parser reads the same): :class:`Plain` columns when it has no quotes, stance or
    coref, else :class:`Layered`; None when it is not such a line.

    The plain form (entities without cluster or score) is tried first: it is the common line, and
    a line with more fails it at its first other key, having cost part of a parse; then the form
    with every layer (:class:`LayeredRecord`). No search of the line's bytes comes first: on 50,000
    plain lines three substring searches cost as much as the typed decode itself."""
    try:
        rec: Record | LayeredRecord = _PLAIN.decode(raw)
    except msgspec.DecodeError:
        try:
            rec = _LAYERED.decode(raw)
        except msgspec.DecodeError:       # ValidationError included: a key, type, enum or pattern the schema has not
            return None
        if has_long_number(raw):          # a score beyond 64 bits: the strict parser refuses it, msgspec does not
            return None
    plain, keys = _entity_columns(rec)
    if isinstance(rec, Record) or (rec.quotes is UNSET and rec.stance is UNSET and rec.coref is UNSET):
        return plain if _no_duplicate_key(raw, keys) else None
    return _layered(raw, rec, plain, keys)


def _entity_columns(rec: Record | LayeredRecord) -> tuple[Plain, int]:
    """The record's entities as :class:`Plain` columns (layers: entities, when it has them), and
    the number of keys of the record without its quotes and stance (see :func:`_no_duplicate_key`)."""
    ents = rec.entities
    # one tuple per field, in the order of the Struct's fields (astuple); cluster and score for ScoredEntity only
    columns: list[tuple[Any, ...]] = list(zip(*map(astuple, ents))) if ents else [()] * 4   # UNSET is falsy
    starts, ends, labels, texts = columns[:4]
    untexted = texts.count(UNSET)
    keys = 1 + (rec.system is not UNSET) + (ents is not UNSET) + 4 * len(starts) - untexted
    keys += sum(len(col) - col.count(UNSET) for col in columns[4:])
    return Plain(rec.doc_id, _NO_LAYER if ents is UNSET else _WITH_ENTITIES, starts, ends, labels, texts, untexted), keys


def _no_duplicate_key(raw: bytes, keys: int) -> bool:
    """Whether the line has exactly ``keys`` keys, the number the typed record holds (msgspec keeps
    the last of two equal keys silently). Every key is followed by one ``:``, so the count of ``:``
    is at least the number of keys written, and equal to ``keys`` only when none repeats (and no
    string holds a colon). Failing that, every key written ``"key":`` (no space before the colon)
    makes the count of ``":`` at least the number of keys written, as :func:`loads_fast` counts."""
    if raw.count(b":") == keys:
        return True
    return raw.count(b'":') == keys and not _SPACED_KEY.search(raw)


def clean_columns(rec: Plain, text: str, labels: frozenset[str]) -> Columns | None:
    """The entities of a :func:`typed_line` (its :class:`Plain` columns) as columns (starts, ends, labels) when every one has
    offsets ``0 <= start < end <= len(text)`` (so no integer beyond 64 bits either), a label in
    ``labels`` (non-empty strings), a ``text`` (if given) equal to the slice, and no two spans
    overlap or repeat: then the schema and ``check_prediction`` find nothing. None otherwise."""
    starts, ends, labs = rec.starts, rec.ends, rec.labels
    if not starts:
        return starts, ends, labs
    if min(starts) < 0 or max(ends) > len(text) or not all(map(lt, starts, ends)) or not labels.issuperset(labs):
        return None
    slices = tuple([text[s:e] for s, e in zip(starts, ends)])
    texts = rec.texts
    if rec.untexted:
        texts = tuple([sl if t is UNSET else t for t, sl in zip(texts, slices)])
    if texts != slices:
        return None
    s_sorted: Sequence[int] = starts
    e_sorted: Sequence[int] = ends
    if not all(map(le, starts, starts[1:])):
        pairs = sorted(zip(starts, ends))
        s_sorted, e_sorted = [p[0] for p in pairs], [p[1] for p in pairs]
    # sorted by start, each span ending at or before the next one starts: no overlap, no repeat
    return (starts, ends, labs) if all(map(le, e_sorted, s_sorted[1:])) else None


# ---------------------------------------------------------------- lines with quotes or stance

MentionColumns = tuple[list[int], list[int], list[str | UnsetType]]    # of every coref mention: start, end, text


class Layered(NamedTuple):
    """A line with quotes, stance or coref (and perhaps entities), typed: its entity columns as
    :class:`Plain` (whose ``layers`` name every layer the line carries), its quotes, its stance
    predictions and its coreference clusters."""
    plain: Plain
    quotes: Sequence[Quote]
    stance: Sequence[StancePrediction]
    mentions: MentionColumns = ([], [], [])


class References(NamedTuple):
    """The ids of the gold document a predictions line may name (:func:`newsgold.gold.rules.reference_ids`)."""
    clusters: Collection[object]
    items: Collection[object]
    targets: Collection[object]


def _layered(raw: bytes, rec: LayeredRecord, plain: Plain, keys: int) -> Layered | None:
    """:func:`typed_line` of a line with quotes, stance or coref: their keys counted too (in every
    nested object), for the duplicate-key test."""
    quotes = rec.quotes if isinstance(rec.quotes, list) else []
    stance = rec.stance if isinstance(rec.stance, list) else []
    mentions = list(chain.from_iterable(rec.coref)) if isinstance(rec.coref, list) else []
    columns = [*map(_START_OF, mentions)], [*map(_END_OF, mentions)], [*map(_TEXT_OF, mentions)]
    keys += (rec.quotes is not UNSET) + (rec.stance is not UNSET) + sum(map(_quote_keys, quotes)) + sum(map(_stance_keys, stance))
    keys += (rec.coref is not UNSET) + 4 * len(mentions) - columns[2].count(UNSET) - [*map(_SCORE_OF, mentions)].count(UNSET)
    if not _no_duplicate_key(raw, keys):
        return None
    layers = plain.layers | {name for name, v in (("quotes", rec.quotes), ("stance", rec.stance), ("coref", rec.coref)) if v is not UNSET}
    return Layered(plain._replace(layers=layers), quotes, stance, columns)


def _span_keys(span: Span) -> int:
    return 3 - (span.text is UNSET)


def _quote_keys(q: Quote) -> int:
    """The keys a quote holds: its own (a null cue is a key) and those of its spans."""
    n = _QUOTE_FIELDS - astuple(q).count(UNSET) + sum(map(_span_keys, q.content))
    return n + sum(_span_keys(part) for part in (q.cue, q.speaker) if isinstance(part, Span))


def _stance_keys(p: StancePrediction) -> int:
    return _STANCE_FIELDS - astuple(p).count(UNSET)


_START_OF, _END_OF, _TEXT_OF, _SCORE_OF = map(attrgetter, ("start", "end", "text", "score"))   # coref mentions, column by column


def clean_layers(rec: Layered, text: str, references: Callable[[], References]) -> bool:
    """Whether the schema and ``check_prediction`` with the gold document would find nothing in the
    quotes, stance and coref of a :class:`Layered` line (its entities are :func:`clean_columns`' to judge).

    Every content, cue, speaker and coref mention span has offsets ``0 <= start < end <= len(text)``
    and a ``text`` (if given) equal to the slice; every ``speaker_cluster`` given as a string is a gold
    cluster id; every stance ``item`` is a gold item id, none labelled twice; every ``target`` is a
    declared gold target. ``references`` is called only when there is an id to look up, so a line
    without one never reads its gold record."""
    return _clean_spans(rec.quotes, text) and _clean_mentions(rec.mentions, text) and _clean_references(rec, references)


def _clean_spans(quotes: Sequence[Quote], text: str) -> bool:
    n = len(text)
    for q in quotes:
        for s in (*q.content, q.cue, q.speaker):
            if not isinstance(s, Span):
                continue              # a null or absent cue or speaker
            start, end = s.start, s.end
            if not 0 <= start < end <= n or (s.text is not UNSET and s.text != text[start:end]):
                return False
    return True


def _clean_mentions(mentions: MentionColumns, text: str) -> bool:
    """Every coref mention inside the text, not empty, its text (if given) equal to the slice:
    column by column, as :func:`clean_columns` (a corpus has about as many mentions as entities)."""
    starts, ends, texts = mentions
    if not starts:
        return True
    if min(starts) < 0 or max(ends) > len(text) or not all(map(lt, starts, ends)):
        return False
    return texts.count(UNSET) == len(texts) or all(t is UNSET or t == text[s:e] for s, e, t in zip(starts, ends, texts))


class _Id(Struct, gc=False):
    id: str


class _GoldClusters(Struct, gc=False):
    clusters: list[_Id] = []


class _GoldStance(Struct, gc=False):
    items: list[_Id] = []
    targets: list[_Id] = []


class _GoldReferences(Struct, gc=False):
    """What a gold record holds of the ids :func:`newsgold.gold.rules.reference_ids` takes (every
    other key is skipped while parsing: no text, no mention is built)."""
    entities: _GoldClusters = msgspec.field(default_factory=_GoldClusters)
    stance: _GoldStance = msgspec.field(default_factory=_GoldStance)


_GOLD_REFERENCES = msgspec.json.Decoder(_GoldReferences)


def gold_references(raw: bytes | str) -> References | None:
    """The ids a gold record's line declares, as :func:`newsgold.gold.rules.reference_ids` finds
    them in the parsed record, at about half the cost of parsing it. None when the line is not
    shaped as a valid gold record is (a cluster without a string id, a stance that is not an
    object...): the caller then takes the ids from the whole record."""
    try:
        rec = _GOLD_REFERENCES.decode(raw)
    except msgspec.DecodeError:
        return None
    return References({c.id for c in rec.entities.clusters}, {i.id for i in rec.stance.items}, {t.id for t in rec.stance.targets})


def _clean_references(rec: Layered, references: Callable[[], References]) -> bool:
    clusters = [q.speaker_cluster for q in rec.quotes if isinstance(q.speaker_cluster, str)]
    items = [p.item for p in rec.stance if isinstance(p.item, str)]
    targets = [p.target for p in rec.stance if isinstance(p.target, str)]
    if len(set(items)) < len(items):     # an item labelled twice: an error, or a warning when the labels agree
        return False
    if not (clusters or items or targets):
        return True
    refs = references()
    return (all(c in refs.clusters for c in clusters) and all(i in refs.items for i in items)
            and all(t in refs.targets for t in targets))
