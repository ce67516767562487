"""Reading a gold file that was validated before (the trust cache knows the sha256 of its bytes)
at parse speed: batches of lines, each hashed and decoded in one call of a typed decoder.

Only what scoring needs of every record is built (id, text, entity spans); the decoder skips the
other fields while parsing. Anything unexpected raises :class:`NotTrusted`, and the caller then
validates the file as if it had never been seen.
"""
from __future__ import annotations

from typing import Any

import msgspec
from msgspec import Struct

from newsgold.core.jsonio import MAX_RECORD_BYTES


class NotTrusted(Exception):
    """The bytes read are not the ones the trust cache vouched for."""


class _SpanOnly(Struct, gc=False):
    start: int
    end: int
    label: str


class _MentionsOnly(Struct, gc=False):
    mentions: list[_SpanOnly]


class TrustedRecord(Struct, gc=False):
    """What scoring needs of every record of a trusted gold; the decoder skips the other fields
    (quotes, stance, clusters, zones) without building them."""

    id: str
    text: str
    entities: _MentionsOnly


class TextRecord(Struct, gc=False):
    """A trusted record's id and text, for a run whose spans come from the span cache."""

    id: str
    text: str


SPANS = msgspec.json.Decoder(TrustedRecord)
TEXTS = msgspec.json.Decoder(TextRecord)
BATCH_BYTES = 1 << 23


def trusted_lines(fh: Any, file_hash: Any, decoder: Any = SPANS) -> Any:
    """(offset, line, :class:`TrustedRecord` or what ``decoder`` gives) of every non-blank line
    of a trusted gold file, read in blocks of about 8 MiB cut after their last line break;
    ``file_hash`` is updated with every byte read. The line is a view into its block (valid until
    the next line is asked for: copy it to keep it); the block is decoded in one call when it has
    no blank line. A line that does not decode, or longer than
    a record may be, raises ``NotTrusted`` (the caller then validates)."""
    pos = 0
    for block in _blocks(fh):
        file_hash.update(block)
        lines = _line_spans(block)
        records = [(a, b) for a, b in lines if not _blank(block, a, b)]
        try:
            recs = decoder.decode_lines(block if len(records) == len(lines) else b"".join(block[a:b] for a, b in records))
        except (msgspec.DecodeError, msgspec.ValidationError) as exc:
            raise NotTrusted(str(exc)) from None
        if len(recs) != len(records):
            raise NotTrusted("lines and records differ in number")
        for (a, b), rec in zip(records, recs):
            yield pos + a, block[a:b], rec
        pos += len(block)


def _line_spans(block: Any) -> list[tuple[int, int]]:
    """(start, end) of each line of a block (ends after the line break; the last line may lack one)."""
    out = []
    buffer: Any = block.obj if isinstance(block, memoryview) else block     # a view always starts at its buffer's start
    find, at, n = buffer.find, 0, len(block)
    while at < n:
        nl = find(b"\n", at, n)
        end = n if nl < 0 else nl + 1
        if end - at > MAX_RECORD_BYTES:
            raise NotTrusted("a line longer than a record may be")
        out.append((at, end))
        at = end
    return out


def _blank(block: Any, a: int, b: int) -> bool:
    """Whether line [a, b) is whitespace only (a record line starts with ``{``: no slice is made for it)."""
    return block[a] != 0x7B and bytes(block[a:b]).isspace()


def _blocks(fh: Any) -> Any:
    """The file's bytes in blocks of about :data:`BATCH_BYTES`, each ending after a line break (the
    last one where the file ends), as views of one buffer read into (no copy in Python). A stretch
    of more than a record's size without a line break raises ``NotTrusted``, so an endless line
    is never held whole."""
    rest = b""
    while True:
        buf = bytearray(BATCH_BYTES + len(rest))
        buf[:len(rest)] = rest
        got = fh.readinto(memoryview(buf)[len(rest):])
        size = len(rest) + (got or 0)
        if not got:
            if size:
                yield memoryview(buf)[:size]
            return
        end = buf.rfind(b"\n", 0, size) + 1
        if end == 0:
            if size > MAX_RECORD_BYTES:
                raise NotTrusted("a line longer than a record may be")
            rest = bytes(buf[:size])
            continue
        rest = bytes(buf[end:size])
        yield memoryview(buf)[:end]
