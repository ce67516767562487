"""Reading JSON and JSON Lines safely, and writing outputs atomically.

Every failure becomes a :class:`Problem` naming file and line; nothing here raises a
raw ``UnicodeDecodeError`` or ``JSONDecodeError`` to the user. JSONL is streamed line
by line, so memory stays flat whatever the file size.

Parsing is strict (:func:`loads`): Python's ``json`` module silently keeps the last of two
equal keys, accepts ``NaN``/``Infinity`` (not JSON), turns ``1e400`` into infinity, fails
with ``ValueError``/``RecursionError`` on 5,000-digit integers and deep nesting. Each of these
would reach the scorer as a silently wrong or crashing value; here each is a problem with a rule.
Every read is capped at :data:`MAX_RECORD_BYTES`, so an endless input (``/dev/zero``) cannot hang.
"""
from __future__ import annotations

import contextlib
import errno
import importlib
import json
import math
import os
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from types import ModuleType
from typing import IO, Any, NoReturn, TypeVar

from newsgold.core.diagnostics import InputError, Problem

MAX_RECORD_BYTES = 64 * 1024 * 1024   # one JSONL line / one JSON file
BOM = b"\xef\xbb\xbf"
MAX_SKIP_BYTES = 256 * 1024 * 1024   # the rest of an over-long JSONL line skipped before reading stops
MAX_DEPTH = 100                       # nesting of arrays/objects; NewsGold records need fewer than 10
INT_LIMIT = 2 ** 63                   # integers must fit a signed 64-bit integer (as in Arrow/Parquet)
Fast = TypeVar("Fast")                # what a fast reader of :func:`iter_jsonl` gives for a line


class RefusedValue(ValueError):
    """Valid JSON syntax (or Python's extensions of it) whose value NewsGold refuses; ``rule`` names why."""

    def __init__(self, message: str, rule: str):
        super().__init__(message)
        self.rule = rule


def _object(pairs: list[Any]) -> dict[str, Any]:
    """A JSON object; two equal keys in one object are refused (``json`` would keep the last silently)."""
    obj = dict(pairs)
    if len(obj) != len(pairs):
        seen: set[Any] = set()
        for key, _ in pairs:
            if key in seen:
                raise RefusedValue(f"key {key!r} appears twice in one object; which one is meant is unknown", "duplicate-key")
            seen.add(key)
    return obj


def _constant(name: str) -> NoReturn:
    raise RefusedValue(f"{name} is not a JSON value (JSON has no NaN or Infinity); write a finite number or null", "json-number")


def _integer(digits: str) -> int:
    """An integer literal, refused outside the signed 64-bit range (without calling int() on 5,000 digits)."""
    if len(digits) < 19:
        return int(digits)
    if len(digits.lstrip("-")) > 19 or not -INT_LIMIT <= (value := int(digits)) < INT_LIMIT:
        shown = digits if len(digits) <= 30 else f"{digits[:12]}…({len(digits)} digits)"
        raise RefusedValue(f"integer {shown} is out of range (|n| must be below 2^63)", "json-number")
    return value


def _float(literal: str) -> float:
    value = float(literal)
    if not math.isfinite(value):
        shown = literal if len(literal) <= 30 else f"{literal[:12]}…({len(literal)} characters)"
        raise RefusedValue(f"number {shown} is too large for a 64-bit float", "json-number")
    return value


_SKELETON_DROP = bytes(sorted(set(range(256)) - set(b'[]{}"\\')))   # keep brackets, quotes, backslashes
_ESCAPE = re.compile(rb"\\.", re.DOTALL)


def nesting_exceeds(text: str, limit: int = MAX_DEPTH) -> bool:
    """True when arrays/objects nest deeper than ``limit``, checked before parsing (the parser
    recurses once per level, and so would every reader walking the value).

    Everything but brackets, quotes and backslashes is deleted (``bytes.translate``), escapes
    are dropped, string contents cut out (quotes now alternate open/close), and the innermost
    bracket pairs removed round by round; at most ``limit`` rounds, each a C-speed replace.
    """
    if text.count("[") + text.count("{") <= limit:
        return False
    skeleton = text.encode("utf-8", "surrogatepass").translate(None, _SKELETON_DROP)
    if b"\\" in skeleton:
        skeleton = _ESCAPE.sub(b"", skeleton)
    if b'"' in skeleton:
        skeleton = b"".join(skeleton.split(b'"')[::2])
    skeleton = skeleton.replace(b"{", b"[").replace(b"}", b"]")
    for _ in range(limit):
        shorter = skeleton.replace(b"[]", b"")
        if shorter == skeleton:
            return False
        skeleton = shorter
    return b"[]" in skeleton


_LONG_DIGITS = re.compile(r"\d{19}")


def loads(text: str) -> Any:
    """Strict ``json.loads``: raises :class:`RefusedValue` (duplicate key, NaN/Infinity, integer out of
    range, nesting deeper than :data:`MAX_DEPTH`) or ``json.JSONDecodeError`` (malformed)."""
    if nesting_exceeds(text):
        raise RefusedValue(f"JSON nested more than {MAX_DEPTH} levels deep", "json-depth")
    # an integer can only be out of range with 19 digits or more: without such a run of digits
    # (the common case) the per-integer check is skipped, a C-speed search instead of a call per number
    parse_int = _integer if _LONG_DIGITS.search(text) else None
    try:
        value = json.loads(text, object_pairs_hook=_object, parse_constant=_constant, parse_int=parse_int, parse_float=_float)
    except RecursionError:
        raise RefusedValue(f"JSON nested too deeply to read (limit {MAX_DEPTH} levels)", "json-depth") from None
    return value


def _refused(exc: RefusedValue, name: str, line: int) -> Problem:
    return Problem(name, line, "", str(exc), exc.rule)


def _read_capped(path: str | Path, name: str) -> tuple[bytes | None, list[Problem]]:
    """At most :data:`MAX_RECORD_BYTES` of a file; more (or an endless device) is a size problem."""
    try:
        with open(path, "rb") as fh:
            raw = fh.read(MAX_RECORD_BYTES + 1)
    except OSError as exc:
        return None, [Problem(name, 0, "", f"cannot open: {exc.strerror}", "file")]
    if len(raw) > MAX_RECORD_BYTES:
        return None, [Problem(name, 0, "", f"file is larger than {MAX_RECORD_BYTES} bytes, the limit for one JSON or text file; "
                              "reading stopped", "size")]
    return raw, []


def _decode(raw: bytes, name: str, line: int) -> tuple[str | None, Problem | None]:
    try:
        return raw.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        return None, Problem(name, line, "", f"not valid UTF-8: byte 0x{raw[exc.start]:02x} at byte {exc.start} of the line "
                             "(save the file as UTF-8)", "encoding")


def _json_error(exc: json.JSONDecodeError, name: str, line: int) -> Problem:
    return Problem(name, line + exc.lineno - 1, "", f"malformed JSON: {exc.msg} (column {exc.colno})", "json")


def _cut_short(text: str, exc: json.JSONDecodeError) -> bool:
    """True when the parser ran out of input (the text was cut off), not when it met a wrong character."""
    if exc.pos >= len(text.rstrip()) - 1 or exc.msg.startswith("Unterminated string"):
        return True
    rest = text[exc.pos:].rstrip()
    return exc.msg == "Expecting value" and any(lit.startswith(rest) for lit in ("true", "false", "null"))


def iter_jsonl(path: str | Path, *, allow_crlf: bool = True, fast: Callable[[bytes], Fast | None] | None = None,
               start: tuple[int, int] = (0, 1), stop: int | None = None
               ) -> Iterator[tuple[int, dict[str, Any] | Fast | None, list[Problem]]]:
    """Yield ``(line_number, record_or_None, problems)`` for every non-blank line.

    A record is None when the line could not be read; its problems say why. Blank
    lines are skipped. File-level problems (missing, empty, BOM) come with line 0.
    ``fast``, when given, sees every non-blank line's bytes first: what it returns stands for
    the record (a dict must equal what the strict parser gives, see :func:`loads_fast`; any
    other value is the caller's own reading of a line it found certainly valid); None sends
    the line through the strict parser below, which reports any problem.

    ``start`` (byte offset of a line, its line number) and ``stop`` (a byte offset where a line
    starts) read a part of the file: two processes then check the two halves of a large gold
    (:func:`newsgold.gold.read.read_gold_jsonl`).
    """
    name = str(path)
    try:
        fh = open(path, "rb")  # noqa: SIM115 - closed by the `with fh:` below; opened apart so a failure is a Problem
    except OSError as exc:
        yield 0, None, [Problem(name, 0, "", f"cannot open: {exc.strerror}", "file")]
        return
    with fh:
        seen_any = False
        crlf_reported = False
        fh.seek(start[0])
        for lineno, raw in enumerate(_lines(fh, start[0], stop), start[1]):
            problems: list[Problem] = []
            if lineno == 1 and raw.startswith(BOM):
                problems.append(Problem(name, 1, "", "file starts with a UTF-8 byte-order mark (BOM); save it as UTF-8 without BOM", "encoding"))
                raw = raw[len(BOM):]
            if len(raw) > MAX_RECORD_BYTES:
                seen_any = True          # an over-long line is a record, not an empty file
                yield lineno, None, [Problem(name, lineno, "", f"line longer than {MAX_RECORD_BYTES} bytes; "
                                             "one document per line is expected", "size")]
                if not _skip_line(fh):
                    yield lineno, None, [Problem(name, lineno, "", f"line does not end within {MAX_RECORD_BYTES + MAX_SKIP_BYTES} bytes "
                                                 "(not a JSON Lines file, or an endless input); reading stopped", "size")]
                    return
                continue
            if raw.endswith(b"\r\n") and not crlf_reported:
                sev = "warning" if allow_crlf else "error"
                problems.append(Problem(name, lineno, "", "CRLF line ends (Windows); LF is expected", "line-ends", sev))
                crlf_reported = True
            if raw.isspace():            # blank (raw is never empty here); isspace() does not copy the line as strip() did
                if problems:
                    yield lineno, None, problems
                continue
            seen_any = True
            obj, more = _parse_line(raw, name, lineno, fast)
            yield lineno, obj, problems + more
        if not seen_any:
            yield 0, None, [Problem(name, 0, "", "file is empty: no records", "empty")]


def _lines(fh: Any, at: int, stop: int | None) -> Iterator[bytes]:
    """Lines of at most :data:`MAX_RECORD_BYTES` + 1 bytes (a longer one is cut there, and said so by
    the caller), from byte ``at`` to byte ``stop`` (a line start) or the end."""
    while stop is None or at < stop:
        raw = fh.readline(MAX_RECORD_BYTES + 1)
        if not raw:
            return
        at += len(raw)
        yield raw


def _parse_line(raw: bytes, name: str, lineno: int,
                fast: Callable[[bytes], Fast | None] | None) -> tuple[dict[str, Any] | Fast | None, list[Problem]]:
    """One non-blank JSON Lines line as a record (``fast`` first, when given), or None and why not."""
    if fast is not None and (obj := fast(raw)) is not None:
        return obj, []
    text, err = _decode(raw, name, lineno)
    if text is None:
        return None, [err] if err else []
    body = text[:-1] if text.endswith("\n") else text     # the line break is not part of the record: an error at
    try:                                                    # the end of the record is on this line, not the next
        obj = loads(body)
    except RefusedValue as exc:
        return None, [_refused(exc, name, lineno)]
    except json.JSONDecodeError as exc:
        if _cut_short(body, exc):
            where = "the line" if raw.endswith(b"\n") else "the last line"
            return None, [Problem(name, lineno, "", f"truncated JSON ({where} ends mid-record): {exc.msg}", "json")]
        return None, [_json_error(exc, name, lineno)]
    if not isinstance(obj, dict):
        return None, [Problem(name, lineno, "", f"expected a JSON object per line, got {type(obj).__name__}", "json")]
    return obj, []


def _skip_line(fh: IO[bytes]) -> bool:
    """Skip the rest of an over-long line, reading at most :data:`MAX_SKIP_BYTES` more; False if it did not end."""
    left = MAX_SKIP_BYTES
    while left > 0:
        chunk = fh.readline(min(left, 1 << 20))
        if not chunk or chunk.endswith(b"\n"):
            return True
        left -= len(chunk)
    return False




def _optional_orjson() -> ModuleType | None:
    """orjson when installed (a dependency; plain ``json`` keeps working without it)."""
    try:
        return importlib.import_module("orjson")
    except ImportError:  # pragma: no cover
        return None


ORJSON = _optional_orjson()   # the fast parser, or None; also used by :mod:`newsgold.core.storage`
_DIGITS_TO_ZERO = bytes.maketrans(b"123456789", b"000000000")
_LONG_NUMBER = b"0" * 19     # 19 digits in a row: maybe beyond 2^63, which the strict parser refuses (orjson: 2^64, then a float)
# A run of 19 digits that may be (part of) a number: a number's digits follow one of these (a string's may follow anything).
_LONG_NUMBER_AT = re.compile(rb"(?:^|[:,\[ \t\r\n+\-.]|[0-9][eE])[0-9]{19}")
_SPACED_KEY = re.compile(rb'"[ \t\r\n]+:')     # a key not written as "key": (breaks the key count below)


def has_long_number(raw: bytes) -> bool:
    """Whether the line holds a run of 19 digits or more: a number that may not fit 64 bits, which
    the strict parser refuses and the fast decoders would read (it may also be inside a string)."""
    return _LONG_NUMBER in raw.translate(_DIGITS_TO_ZERO)


def may_hold_long_number(raw: bytes) -> bool:
    """Whether a number in the line may have 19 digits in a row. A cheap test first (any run of 19
    digits); then, as such a run is mostly inside a string (a sha256 in hex), whether one starts
    where a number's digits can: after ``[ : ,`` or whitespace (the number's start), a minus, a
    decimal point, an exponent's ``e`` (after a digit) or its sign. A run after any other character
    is in a string."""
    return has_long_number(raw) and _LONG_NUMBER_AT.search(raw) is not None


def has_spaced_key(raw: bytes) -> bool:
    """Whether a key may be written otherwise than ``"key":`` (whitespace before its colon), which
    :func:`loads_fast`'s count of ``":`` would miss. One regex pass: cheaper than four byte searches."""
    return _SPACED_KEY.search(raw) is not None


def fast_reads_differently(raw: bytes) -> bool:
    """Whether orjson may read the line otherwise than the strict parser (a long digit run), or
    :func:`loads_fast`'s count of ``":`` may miss a key (a spaced key)."""
    return may_hold_long_number(raw) or has_spaced_key(raw)


def loads_fast(raw: bytes) -> tuple[dict[str, Any], int] | None:
    """Decode one JSON Lines record with orjson when that is certainly what the strict parser
    gives, else None (the caller then uses the strict path, which reports what is wrong).

    Returns the object and the number of ``":`` in the line. orjson refuses NaN, infinite
    numbers, lone surrogates and invalid UTF-8 itself; a long digit run where a number can be
    (:func:`may_hold_long_number`) sends the line to the strict path. Two things it cannot see are left to the
    caller, who walks the record anyway: **duplicate keys** (orjson keeps the last) — the record
    is dup-free when its total number of keys equals the returned count, because every key is
    written ``"key":`` and any other ``":`` (inside a string) only makes the count larger — and
    **nesting depth**, which a record that passes a schema without open-ended objects bounds.
    """
    if ORJSON is None or fast_reads_differently(raw):
        return None
    try:
        obj = ORJSON.loads(raw)
    except ORJSON.JSONDecodeError:
        return None
    return (obj, raw.count(b'":')) if isinstance(obj, dict) else None


def read_text(path: str | Path, name: str | None = None) -> tuple[str | None, list[Problem]]:
    """A UTF-8 text file for the format readers: a BOM is dropped with a warning; unreadable,
    non-UTF-8 or empty files give an error and None."""
    name = name or str(path)
    raw, problems = _read_capped(path, name)
    if raw is None:
        return None, problems
    if raw.startswith(BOM):
        problems.append(Problem(name, 1, "", "file starts with a UTF-8 byte-order mark (BOM); ignored", "encoding", "warning"))
        raw = raw[len(BOM):]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return None, problems + [Problem(name, raw[: exc.start].count(b"\n") + 1, "",
                                         f"not valid UTF-8: byte 0x{raw[exc.start]:02x} (save the file as UTF-8)", "encoding")]
    if not text.strip():
        return None, problems + [Problem(name, 0, "", "file is empty", "empty")]
    return text, problems


def read_json(path: str | Path, *, allow_crlf: bool = False) -> tuple[object | None, str, list[Problem]]:
    """Read one JSON document; returns ``(value_or_None, text, problems)``."""
    name = str(path)
    raw, problems = _read_capped(path, name)
    if raw is None:
        return None, "", problems
    if raw.startswith(BOM):
        problems.append(Problem(name, 1, "", "file starts with a UTF-8 byte-order mark (BOM); save it as UTF-8 without BOM", "encoding"))
        raw = raw[len(BOM):]
    if not raw.strip():
        return None, "", problems + [Problem(name, 0, "", "file is empty", "empty")]
    if b"\r\n" in raw:
        line = raw[: raw.index(b"\r\n")].count(b"\n") + 1
        problems.append(Problem(name, line, "", "CRLF line ends (Windows); LF is expected", "line-ends",
                                "warning" if allow_crlf else "error"))
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return None, "", problems + [Problem(name, line, "", f"not valid UTF-8: byte 0x{raw[exc.start]:02x} (save the file as UTF-8)", "encoding")]
    try:
        return loads(text), text, problems
    except RefusedValue as exc:
        return None, "", problems + [_refused(exc, name, 1)]
    except json.JSONDecodeError as exc:
        at_end = _cut_short(text, exc)
        msg = f"truncated JSON (file ends mid-value): {exc.msg}" if at_end else f"malformed JSON: {exc.msg} (column {exc.colno})"
        return None, text, problems + [Problem(name, exc.lineno, "", msg, "json")]


def locate_lines(text: str) -> dict[tuple[Any, ...], int]:
    """Map each JSON path (tuple of keys/indices) in a valid JSON text to its 1-based line.

    Lets problems in pretty-printed files point at the exact line of the field.
    """
    decoder = json.JSONDecoder()
    lines: dict[tuple[Any, ...], int] = {}
    n = len(text)

    def ws(i: int) -> int:
        while i < n and text[i] in " \t\r\n":
            i += 1
        return i

    def line_of(i: int) -> int:
        return text.count("\n", 0, i) + 1

    def value(i: int, path: tuple[Any, ...]) -> int:
        i = ws(i)
        lines[path] = line_of(i)
        c = text[i]
        if c == "{":
            i = ws(i + 1)
            if text[i] == "}":
                return i + 1
            while True:
                key, i = decoder.raw_decode(text, ws(i))
                i = ws(i)
                i = value(i + 1, path + (key,))  # skip ':'
                i = ws(i)
                if text[i] == ",":
                    i += 1
                    continue
                return i + 1
        if c == "[":
            i = ws(i + 1)
            if text[i] == "]":
                return i + 1
            k = 0
            while True:
                i = ws(value(i, path + (k,)))
                k += 1
                if text[i] == ",":
                    i += 1
                    continue
                return i + 1
        _, end = decoder.raw_decode(text, i)
        return end

    with contextlib.suppress(ValueError, IndexError):
        value(0, ())
    return lines


def line_finder(text: str) -> Callable[[tuple[Any, ...]], int]:
    """``path -> line`` of a valid JSON text, mapping the text (:func:`locate_lines`) only when a
    line is first asked for: a file with no problem, the common case, is never walked."""
    lines: dict[tuple[Any, ...], int] | None = None

    def line_of(path: tuple[Any, ...]) -> int:
        nonlocal lines
        if lines is None:
            lines = locate_lines(text)
        return line_for(lines, path)
    return line_of


def line_for(lines: dict[tuple[Any, ...], int], path: tuple[Any, ...]) -> int:
    """The line of the deepest known prefix of ``path``."""
    path = tuple(path)
    while path and path not in lines:
        path = path[:-1]
    return lines.get(path, 1)


def write_atomic(path: str | Path, data: str | bytes) -> Path:
    """Write a file so that readers see the old or the new content, never half of it; returns the
    file written. The one writer of every output: a temporary file in the same folder, flushed to
    disk, then renamed over the target (``os.replace``); on any failure the temporary file is removed
    and the target is untouched.

    A symbolic link is resolved deliberately: the file it points to is written and the link stays a
    link (a rename onto the link itself would replace it by a regular file). A folder as the target,
    or a folder that cannot be written, raises ``OSError`` naming the path (the command line turns
    it into exit 1 with the message).
    """
    return write_all({path: data})[0]


def write_all(files: Mapping[str | Path, str | bytes]) -> list[Path]:
    """:func:`write_atomic` for several files at once, all or nothing as far as a file system allows:
    every new content is first written to a temporary file beside its target and flushed; only when
    all of them are on disk are they renamed over their targets, in the order given. A failure
    before the renames (disk full, a folder not writable) leaves every target untouched and no
    temporary file behind. Returns the files written (symbolic links resolved)."""
    staged: list[tuple[str, Path]] = []
    try:
        for path, data in files.items():
            target = Path(os.path.realpath(path))
            if target.is_dir():
                raise IsADirectoryError(errno.EISDIR, "is a folder, not a file", str(path))
            staged.append((_staged(target, data.encode("utf-8") if isinstance(data, str) else data), target))
        for tmp, target in staged:
            os.replace(tmp, target)
    except BaseException:
        for tmp, _ in staged:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        raise
    return [target for _, target in staged]


def _staged(target: Path, payload: bytes) -> str:
    """A temporary file beside ``target`` holding ``payload``, flushed to disk, with the usual permissions."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; give the usual permissions of a new file
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return tmp


def dump_json(obj: Any) -> str:
    """Canonical pretty JSON (stable key order as given, UTF-8, trailing newline)."""
    return json.dumps(obj, ensure_ascii=False, indent=2) + "\n"


def dump_jsonl(records: Iterable[Any]) -> str:
    return "".join(json.dumps(r, ensure_ascii=False, separators=(",", ":")) + "\n" for r in records)


def require(problems: list[Problem]) -> None:
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise InputError(errors)


def json_objects(rows: Iterable[tuple[int, object, list[Problem]]], name: str, problems: list[Problem],
                 expected: str = "expected a JSON object", rule: str = "json") -> Iterator[tuple[int, dict[str, Any]]]:
    """The JSON objects of ``(line, value or None, read problems)`` rows, such as :func:`iter_jsonl`
    yields; read problems, and an error for each value that is not an object, go to ``problems``."""
    for line, value, probs in rows:
        problems += probs
        if value is None:
            continue
        if not isinstance(value, dict):
            problems.append(Problem(name, line, "", expected, rule))
            continue
        yield line, value
