"""The formats NewsGold reads and writes: the one list the CLI's ``--from``/``--to`` choices and help come from.

A new format is a module ``formats/<tool>.py`` with ``read(path, name, report, options) ->
list[ReadDocument]`` (and ``write`` when the tool takes pre-annotations) plus one
:class:`Format` entry in :data:`FORMATS` below.
"""
from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass

from newsgold.formats.ir import CODE_POINTS, UTF16_OR_CODE_POINTS


@dataclass(frozen=True)
class Format:
    name: str
    module: str                 # newsgold.formats.<module>
    reader: str                 # the reader's name in that module (a function, or a factory with reader_arg)
    unit: str                   # offset unit of what the tool writes
    summary: str                # one line for --help
    annotation_tool: bool = False   # newsgold tasks --to / import --from (the tool takes pre-annotations)
    reader_arg: str | None = None
    records: bool = False       # the reader gives predictions records itself (no offsets to place: strings)

    def read_function(self) -> Callable:
        """The reader, imported on first use (spaCy and friends stay off the start-up path)."""
        fn = getattr(importlib.import_module(f"newsgold.formats.{self.module}"), self.reader)
        return fn(self.reader_arg) if self.reader_arg is not None else fn

    def write_module(self):
        return importlib.import_module(f"newsgold.formats.{self.module}")


FORMATS: tuple[Format, ...] = (
    Format("transformers", "transformers", "read", CODE_POINTS, "Hugging Face token-classification pipeline output"),
    Format("spacy", "spacy", "read", CODE_POINTS, "spaCy Doc.to_json()"),
    Format("spacy-docbin", "spacy", "read_docbin", CODE_POINTS, "spaCy DocBin (.spacy; needs spaCy)"),
    Format("stanza", "stanza", "read", CODE_POINTS, "stanza Document.to_dict() or Span.to_dict()"),
    Format("flair", "flair", "read", CODE_POINTS, "flair Sentence.to_dict(tag_type='ner')"),
    *(Format(f"conll-{s}", "conll", "reader", CODE_POINTS, f"token-per-line CoNLL, {s.upper()} tags", reader_arg=s)
      for s in ("iob1", "iob2", "iobes", "bilou", "io")),
    Format("brat", "brat", "read", UTF16_OR_CODE_POINTS, "brat standoff .ann (file or folder)", annotation_tool=True),
    Format("labelstudio", "labelstudio", "read", UTF16_OR_CODE_POINTS, "Label Studio JSON export", annotation_tool=True),
    Format("doccano", "doccano", "read", UTF16_OR_CODE_POINTS, "doccano JSONL export", annotation_tool=True),
    Format("gliner", "gliner", "read", UTF16_OR_CODE_POINTS, "GLiNER predict_entities output"),
    Format("strings", "strings", "read", CODE_POINTS, "offset-free (LLM) output, strings aligned to the text: "
           "newsgold.formats.strings", records=True),
)

BY_NAME = {f.name: f for f in FORMATS}


@dataclass(frozen=True)
class CorefFormat:
    """A coreference input (``score --task coref --from NAME``): clusters, not labelled spans."""
    name: str
    module: str                 # newsgold.formats.<module>
    unit: str                   # offset unit of the file
    summary: str


COREF_FORMATS: tuple[CorefFormat, ...] = (
    CorefFormat("coref-json", "coref_json", CODE_POINTS, "clusters of [start, end] character spans per document "
                "(fastcoref, maverick-coref, LLM output)"),
    CorefFormat("coref-strings", "coref_json", CODE_POINTS, "clusters of mention strings, aligned to the text as "
                "--from strings aligns entities"),
    CorefFormat("conll-2012", "coref_conll", "tokens (placed on the gold text in order)", "CoNLL-2011/2012 "
                "coreference column, #begin document blocks"),
    CorefFormat("corefud", "corefud", "code points of the text rebuilt from the tokens (FORM + SpaceAfter), carried "
                "over when it is the gold text, else placed on it token by token", "CorefUD CoNLL-U, Entity= in MISC, "
                "documents by # newdoc id"),
)


def coref_names() -> list[str]:
    """Every readable coreference format."""
    return [f.name for f in COREF_FORMATS]


def names() -> list[str]:
    """Every readable format, in the order of :data:`FORMATS`."""
    return [f.name for f in FORMATS]


def annotation_tools() -> list[str]:
    """The formats of annotation tools (``tasks --to``, ``import --from``)."""
    return [f.name for f in FORMATS if f.annotation_tool]


def get(name: str) -> Format | None:
    return BY_NAME.get(name)


def help_text(first: str | None = "newsgold (default)", what: str = "input format") -> str:
    """``--from`` help: what the flag gives, then every format with what it is (``first``: an extra first entry)."""
    return f"{what}: " + "; ".join(([first] if first else []) + [f"{f.name} ({f.summary})" for f in FORMATS])
