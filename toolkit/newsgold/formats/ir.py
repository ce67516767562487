"""The one intermediate representation every format reader returns.

A reader turns a tool's file into :class:`ReadDocument` records and nothing else; the two
consumers (:mod:`newsgold.formats.to_predictions` for ``convert``/``score --from`` and
:mod:`newsgold.annotation.importing` for ``import``) turn them into predictions or annotation
files. Offsets in a :class:`Region` are as the tool wrote them, in the unit the document
declares (:data:`CODE_POINTS`, or :data:`UTF16_OR_CODE_POINTS` for browser tools whose
offsets are recognised per region by :func:`newsgold.formats.align.resolve`), unless
``placed`` says a reader already put them on the gold text (token formats).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from newsgold.core.diagnostics import Problem

CODE_POINTS = "code points"
UTF16_OR_CODE_POINTS = "UTF-16 code units or code points (told apart per region)"
UNITS = (CODE_POINTS, UTF16_OR_CODE_POINTS)


@dataclass(frozen=True)
class Choice:
    """A choice (Label Studio ``choices``, a brat attribute) or a free text (a note) on a region or a document."""
    name: str
    values: tuple[str, ...]
    line: int = 0
    path: str = ""


@dataclass(frozen=True)
class Region:
    """One labelled stretch of text (one label: a region with two labels is two regions with one id)."""
    label: object                           # as written (usually a string; checked by the consumer)
    # offsets as written (not yet checked to be integers: the consumer reports what is not); several for a
    # discontinuous brat entity
    fragments: tuple[tuple[Any, Any], ...]
    line: int
    path: str
    id: str | None = None                   # the tool's region id, for relations and per-region choices
    text: str | None = None                 # the tool's own text of the region, when it gives one
    score: float | None = None
    label_path: str | None = None           # where the label is, when not path + the document's label_where
    label_line: int | None = None
    placed: bool = False                    # already code points of the gold text (token formats)
    choices: tuple[Choice, ...] = ()        # per-region choices and notes

    @property
    def start(self) -> int:
        return self.fragments[0][0]

    @property
    def end(self) -> int:
        return self.fragments[-1][1]


@dataclass(frozen=True)
class Relation:
    labels: tuple[str, ...]
    from_id: str
    to_id: str
    line: int
    path: str


Placer = Callable[[str, list], list]        # (gold text, problems out) -> regions placed on that text
Fit = Callable[[str], float]                # how well the content fits a gold text (0..1)


@dataclass(frozen=True)
class ReadDocument:
    """One document of a tool's file, as read, with everything found wrong in it."""
    file: str
    line: int
    path: str
    doc_id: str | None = None               # the client's id as written (may need --doc-map)
    id_weak: bool = False                   # e.g. a file stem: fall back to the content when unknown
    text: str | None = None                 # the tool's copy of the text (offsets refer to it)
    unit: str = CODE_POINTS
    regions: tuple[Region, ...] = ()
    relations: tuple[Relation, ...] = ()
    choices: tuple[Choice, ...] = ()        # document-level choices and notes
    source: str = ""                        # which part of the record was read ("annotations/1", "json-min", ...)
    where: str = ""                         # how messages name the unit ("task 3", "T1.ann")
    label_where: str = "label"
    problems: tuple[Problem, ...] = ()
    fit: Fit | None = None
    place: Placer | None = None

    def with_problems(self, *more: Problem) -> ReadDocument:
        return replace(self, problems=self.problems + tuple(more))


@dataclass
class DocDraft:
    """What a reader fills in while it walks a record; :meth:`freeze` gives the :class:`ReadDocument`."""
    file: str
    line: int
    path: str
    doc_id: str | None = None
    id_weak: bool = False
    text: str | None = None
    unit: str = CODE_POINTS
    regions: list[Region] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    choices: list[Choice] = field(default_factory=list)
    source: str = ""
    where: str = ""
    label_where: str = "label"
    problems: list[Problem] = field(default_factory=list)
    fit: Fit | None = None
    place: Placer | None = None

    def freeze(self) -> ReadDocument:
        return ReadDocument(self.file, self.line, self.path, self.doc_id, self.id_weak, self.text, self.unit,
                            tuple(self.regions), tuple(self.relations), tuple(self.choices), self.source, self.where,
                            self.label_where, tuple(self.problems), self.fit, self.place)


@dataclass(frozen=True)
class ReadOptions:
    """How a reader treats what it may choose for the user: strict (import: one annotator's work, every
    region where it says) or lenient (convert: the first annotation, regions found by their text)."""
    strict: bool = False


def span(start, end, label, line: int, path: str, score: float | None = None, text: str | None = None, *,
         placed: bool = False, label_path: str | None = None, label_line: int | None = None, id: str | None = None,
         choices: tuple[Choice, ...] = ()) -> Region:
    """A one-fragment :class:`Region` (most formats have nothing else)."""
    return Region(label, ((start, end),), line, path, id, text, score, label_path, label_line, placed, choices)


@dataclass(frozen=True)
class PreRegion:
    """A region a writer puts into a tool's task file (pre-annotations), in code points of the document text."""
    key: str
    label: str
    spans: tuple[tuple[int, int], ...]
    quote_type: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class PreRelation:
    type: str
    a: str
    b: str
