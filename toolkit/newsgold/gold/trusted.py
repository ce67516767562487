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


_TRUSTED = msgspec.json.Decoder(TrustedRecord)
BATCH_BYTES = 1 << 23


def trusted_lines(fh: Any, file_hash: Any) -> Any:
    """(offset, line, :class:`TrustedRecord`) of every non-blank line of a trusted gold file, read in
    blocks of about 8 MiB cut after their last line break; ``file_hash`` is updated with every byte
    read. A line that does not decode, or longer than a record may be, raises ``NotTrusted`` (the
    caller then validates)."""
    pos = 0
    for block in _blocks(fh):
        file_hash.update(block)
        batch = block.splitlines(keepends=True)
        if any(len(line) > MAX_RECORD_BYTES for line in batch):
            raise NotTrusted("a line longer than a record may be")
        lines = [(p, line) for p, line in _positions(pos, batch) if not line.isspace()]
        try:
            recs = _TRUSTED.decode_lines(block if len(lines) == len(batch) else b"".join(line for _, line in lines))
        except (msgspec.DecodeError, msgspec.ValidationError) as exc:
            raise NotTrusted(str(exc)) from None
        if len(recs) != len(lines):
            raise NotTrusted("lines and records differ in number")
        for (p, line), rec in zip(lines, recs):
            yield p, line, rec
        pos += len(block)


def _blocks(fh: Any) -> Any:
    """The file's bytes in blocks of about :data:`BATCH_BYTES`, each ending after a line break (the
    last one where the file ends). A stretch of more than a record's size without a line break
    raises ``NotTrusted``, so an endless line is never held whole."""
    rest = b""
    while chunk := fh.read(BATCH_BYTES):
        buf = rest + chunk if rest else chunk
        end = buf.rfind(b"\n") + 1
        if end == 0:
            if len(buf) > MAX_RECORD_BYTES:
                raise NotTrusted("a line longer than a record may be")
            rest = buf
            continue
        rest = buf[end:]
        yield buf[:end] if rest else buf
    if rest:
        yield rest


def _positions(pos: int, batch: list[bytes]) -> list[tuple[int, bytes]]:
    out = []
    for line in batch:
        out.append((pos, line))
        pos += len(line)
    return out
