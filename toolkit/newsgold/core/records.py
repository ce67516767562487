"""Small typed records for what passes between the layers: a span, a quote, a stance item,
a document a system sees, and a system's predictions as the scorer reads them.

They sit at the *boundaries* (what a reader hands to the scorer, what a system is given,
what a caller may pass in). The hot scoring paths keep records as raw dicts, or as the bytes
of their line, and entity spans packed as integers (:mod:`newsgold.core.storage`): turning
every span of a large corpus into an object would cost more time than the scoring itself.
Each record converts to the JSON form of the schema with ``to_dict`` (keys in schema order,
so the JSON written stays byte-identical to what the dict-building code wrote before).
"""
from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

JsonRecord = dict[str, Any]   # one JSON object as read from or written to a file


@dataclass(frozen=True)
class Span:
    """A character span: code-point offsets, end exclusive; a label where the span is typed
    (an entity), its text where it is known (every gold span carries it)."""

    start: int
    end: int
    label: str | None = None
    text: str | None = None

    @classmethod
    def in_text(cls, text: str, start: int, end: int, label: str | None = None) -> Span:
        """The span of ``text[start:end]``, carrying that text."""
        return cls(start, end, label, text[start:end])

    def to_dict(self) -> JsonRecord:
        """``{"start", "end", "text"?, "label"?}``: the order entity and quote spans are written in."""
        out: JsonRecord = {"start": self.start, "end": self.end}
        if self.text is not None:
            out["text"] = self.text
        if self.label is not None:
            out["label"] = self.label
        return out


@dataclass(frozen=True)
class Quote:
    """A predicted quote: its type, content fragments, and the cue and speaker where found."""

    type: str
    content: tuple[Span, ...]
    cue: Span | None = None
    speaker: Span | None = None

    def to_dict(self) -> JsonRecord:
        """``{"type", "content", "cue", "speaker"}`` as a predictions line carries them (null where absent)."""
        return {"type": self.type, "content": [c.to_dict() for c in self.content],
                "cue": self.cue.to_dict() if self.cue else None,
                "speaker": self.speaker.to_dict() if self.speaker else None}


@dataclass(frozen=True)
class StanceItem:
    """A predicted stance: the gold item's id and the label given to it."""

    item: str
    label: str

    def to_dict(self) -> JsonRecord:
        return {"item": self.item, "label": self.label}


@dataclass(frozen=True)
class Document:
    """What a system sees of a document: its id and text, nothing of the gold."""

    id: str
    text: str


@dataclass(frozen=True, eq=False)
class Predictions(Mapping[str, JsonRecord]):
    """A system's predictions by document id, with the layers each line carries.

    ``records`` maps a document id to its predictions record; read from a file it is a
    :class:`~newsgold.core.storage.LazyRecords` (the bytes of each line, parsed on access)
    and ``spans``/``vocab`` hold the entity spans packed while reading, so scoring does not
    parse the records again. ``layers[doc_id]`` names the layers (entities, quotes, stance)
    the line carries: an absent layer means "not run" and the document is left out of that
    layer's score, which :meth:`has_layer` answers without parsing the record.
    ``unplaced[doc_id]`` is the line's ``unplaced`` object (string-only output: items with no
    span, :mod:`newsgold.formats.strings`), kept so that span scoring need not parse the record.
    """

    records: Mapping[str, JsonRecord]
    layers: Mapping[str, frozenset[str]]
    spans: Mapping[str, Any] | None = None     # doc id -> array('q') of (start, end, label id) triples
    vocab: Sequence[str] = field(default_factory=list)   # label id -> label, for ``spans``
    unplaced: Mapping[str, Any] = field(default_factory=dict)   # doc id -> the line's "unplaced" object

    def strings_rule(self) -> str | None:
        """The string-alignment rule(s) of the lines that have one (for the signature), else None."""
        rules = sorted({str(u["rule"]) for u in self.unplaced.values() if isinstance(u, dict) and isinstance(u.get("rule"), str)})
        return ",".join(rules) or None

    def __getitem__(self, doc_id: str) -> JsonRecord:
        return self.records[doc_id]

    def __iter__(self) -> Iterator[str]:
        return iter(self.records)

    def __len__(self) -> int:
        return len(self.records)

    def __contains__(self, doc_id: object) -> bool:
        return doc_id in self.records       # never parses a record (Mapping's default would)

    def has_layer(self, doc_id: str, layer: str) -> bool:
        """Whether the line of ``doc_id`` carries ``layer``."""
        return layer in self.layers[doc_id]

    def any_layer(self, layer: str) -> bool:
        """Whether some line carries ``layer``."""
        return any(layer in carried for carried in self.layers.values())
