"""The gold: annotation files joined with their documents, or self-contained gold records.

I/O lives here; every check it applies comes from :mod:`newsgold.gold.rules` and
:mod:`newsgold.core.schema`, so reading a file and validating it are the same thing.
"""
from __future__ import annotations

import contextlib
import hashlib
import os
import re
import sys
from collections.abc import Iterator, Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path

from newsgold.core import trustcache
from newsgold.core.diagnostics import Problem
from newsgold.core.jsonio import MAX_RECORD_BYTES, ORJSON, dump_jsonl, iter_jsonl, line_finder, read_json, require
from newsgold.core.repository import current
from newsgold.core.schema import schema_digest, schema_problems
from newsgold.core.storage import FileRecords, LazyRecords, PackedSpans, SpanPacker
from newsgold.gold.rules import check_gold_layers, check_zones, lone_surrogates, sha256_text

LAYERS = ("entities", "quotes", "stance")


@dataclass
class Gold:
    """Gold documents by id (in id order), with the dataset version and content hash."""

    docs: Mapping[str, dict]
    version: str
    content_hash: str
    source: str

    @property
    def ids(self) -> list[str]:
        return list(self.docs)

    def text(self, doc_id: str) -> str:
        """A document's text, without parsing the whole record of a lazily held file."""
        if isinstance(self.docs, LazyRecords):
            return self.docs.text(doc_id)
        return self.docs[doc_id]["text"]


# ---------------------------------------------------------------- annotation files

def is_protocol_pass(path: Path) -> bool:
    """A file at ``annotations/passes/<annotator>/<doc_id>.json``: it must carry the pass header
    (``schema/pass.schema.json``: packet hash, annotator kind and model, date; GUIDELINES.md P-2)."""
    parts = Path(path).parts
    return len(parts) >= 4 and parts[-3] == "passes" and parts[-4] == "annotations"


def annotation_kind(path: Path) -> str:
    return "pass" if is_protocol_pass(path) else "annotation"


def check_annotation(path: Path, docs: dict[str, dict], schema_passed: frozenset[str] = frozenset(),
                     seen: list[str] | None = None) -> tuple[dict | None, list[Problem]]:
    """Read one annotation file and check it against the schema (the pass schema for a protocol
    pass) and its document.

    A text whose :func:`schema_digest` is in ``schema_passed`` passed the schema check in an
    earlier run and skips it (the other checks always run); the digest of every text read is
    appended to ``seen``."""
    name = str(path)
    rec, text, problems = read_json(path)
    if rec is None and (not text or any(p.rule == "json" for p in problems)):  # unreadable (a literal null is checked)
        return None, problems
    lf = line_finder(text)
    if not isinstance(rec, dict):
        return None, problems + [Problem(name, 1, "", "expected a JSON object", "json")]
    bad_text = lone_surrogates(rec, name, 1)
    if bad_text:
        return None, problems + bad_text
    digest = schema_digest(annotation_kind(path), text)
    if seen is not None:
        seen.append(digest)
    if digest not in schema_passed:
        problems += schema_problems(annotation_kind(path), rec, name, lf)
    doc_id = rec.get("doc_id")
    doc = docs.get(doc_id) if isinstance(doc_id, str) else None
    if doc is None:
        problems.append(Problem(name, lf(("doc_id",)), "doc_id",
                                f"unknown document id {rec.get('doc_id')!r} (not in seeds/manifest.json)", "ref-document"))
        return rec, problems
    if rec.get("text_sha256") != doc["text_sha256"]:
        problems.append(Problem(name, lf(("text_sha256",)), "text_sha256",
                                "text_sha256 does not match the document text; the annotation was made on another text", "text-hash"))
    problems += check_gold_layers(rec, doc["text"], name, lf)
    return rec, problems


def annotation_files(folder: Path) -> list[Path]:
    return sorted(p for p in Path(folder).glob("*.json") if not p.name.startswith("."))


def read_annotation_set(folder: Path, docs: dict[str, dict], schema_passed: frozenset[str] = frozenset(),
                        seen: list[str] | None = None) -> tuple[dict[str, dict], list[Problem]]:
    """All annotation files in a folder, by document id (``schema_passed``, ``seen``: as
    :func:`check_annotation`)."""
    out: dict[str, dict] = {}
    problems: list[Problem] = []
    for f in annotation_files(folder):
        rec, probs = check_annotation(f, docs, schema_passed, seen)
        problems += probs
        if rec is not None and isinstance(rec, dict) and isinstance(rec.get("doc_id"), str):
            if rec["doc_id"] in out:
                problems.append(Problem(str(f), 1, "doc_id", f"second annotation file for {rec['doc_id']!r}", "unique-id"))
            out[rec["doc_id"]] = rec
    return out, problems


def merge_record(doc: dict, ann: dict) -> dict:
    """A full gold document record: the document plus its annotation layers."""
    rec = {"id": doc["id"], "text": doc["text"], "text_sha256": doc["text_sha256"], "metadata": dict(doc["metadata"]),
           "zones": doc["zones"]}
    if "annotation" in ann:
        rec["annotation"] = ann["annotation"]
    for layer in LAYERS:
        rec[layer] = ann[layer]
    return rec


def content_hash(records) -> str:
    """sha256 over the canonical JSON Lines of the records (text and all layers, no version stamp).

    Computed record by record, so the corpus is never held as one string.
    """
    h = hashlib.sha256()
    for r in records:
        r = dict(r)
        r["metadata"] = {k: v for k, v in r["metadata"].items() if k not in ("dataset_version", "dataset_hash")}
        h.update(dump_jsonl([r]).encode("utf-8"))
    return h.hexdigest()


def dataset_version() -> str:
    try:
        return current().version_file.read_text(encoding="utf-8").strip()
    except OSError:
        return "unversioned"


# ---------------------------------------------------------------- gold

def check_gold_jsonl(path: Path, known_docs: dict[str, dict] | None = None) -> tuple[LazyRecords, list[Problem]]:
    """Self-contained gold document records, one per line (the built ``documents`` file).

    Each record is checked as it is read and kept as the bytes of its line (:class:`LazyRecords`).
    """
    records, problems, _, _ = read_gold_jsonl(path, known_docs)
    return records, problems


def read_gold_jsonl(path: Path, known_docs: dict[str, dict] | None = None) -> tuple[LazyRecords, list[Problem], str, str]:
    """:func:`check_gold_jsonl`, also returning the canonical :func:`content_hash` and the sha256
    of the bytes read, both computed in the same pass (each record is parsed once).

    A large file is checked in two halves at once where processes can be forked
    (:func:`_read_in_halves`); whatever it finds that is not a clean file, the file is read again
    in one pass, so problems and their order are always those of one pass."""
    if _halves_worth_it(path):
        got = _read_in_halves(path, known_docs)
        if got is not None:
            return got
    return _read_gold_lines(path, known_docs).result()


class _Gold:
    """What reading a gold file accumulates: records, texts, spans, problems, the two hashes and
    the order of the ids."""

    def __init__(self) -> None:
        self.out: dict[str, bytes] = {}
        self.texts: dict[str, str] = {}
        self.packer = SpanPacker()
        self.problems: list[Problem] = []
        self.file_hash, self.canon = hashlib.sha256(), hashlib.sha256()
        self.last_id: str | None = None
        self.in_order = True

    def add(self, rid: str, rec: dict, raw: bytes, text: str, canonical: bytes | None, cols: tuple | None,
            name: str, lineno: int) -> None:
        """A record that passed its own checks: kept, and checked against the records before it."""
        if rid in self.out:
            self.problems.append(Problem(name, lineno, "id", f"duplicate document id {rid!r}", "unique-id"))
        self.in_order = self.in_order and (self.last_id is None or rid > self.last_id)
        self.last_id = rid
        if self.in_order and canonical is not None:
            self.canon.update(canonical)
        self.out[rid] = raw
        self.texts[rid] = text
        if cols is not None:
            self.packer.add_columns(rid, cols[0], cols[1], cols[3])
        else:
            self.packer.add(rid, (rec.get("entities") or {}).get("mentions") if isinstance(rec.get("entities"), dict) else None)

    def result(self) -> tuple[LazyRecords, list[Problem], str, str]:
        order = sorted(self.out)
        records = LazyRecords({k: self.out[k] for k in order}, {k: self.texts[k] for k in order}, self.packer.spans, self.packer.vocab)
        errors = any(p.severity == "error" for p in self.problems)
        chash = self.canon.hexdigest() if self.in_order or errors else content_hash(records.values())
        return records, self.problems, chash, self.file_hash.hexdigest()


def _read_gold_lines(path: Path, known_docs: dict[str, dict] | None, stop: int | None = None, acc: _Gold | None = None) -> _Gold:
    """Every line up to byte ``stop`` (default: the end) read and checked, into ``acc``."""
    acc = acc if acc is not None else _Gold()
    name = str(path)
    line = _GoldLine(acc.file_hash)
    for lineno, rec, probs in iter_jsonl(path, allow_crlf=False, fast=line.fast, stop=stop):
        acc.problems += probs
        if rec is None:
            continue
        valid = line.valid
        line.valid = False
        checked = _record_problems(rec, valid, name, lineno, known_docs)
        acc.problems += checked[0]
        if checked[1] is None:
            continue
        text, rid, cols = checked[1]
        if rid is None:
            continue  # the schema has reported the missing or wrongly typed id
        canonical = None
        if isinstance(rec.get("metadata"), dict):
            canonical = line.raw if valid and line.canonical(rec) else _canonical_line(rec, fast=valid and not line.floats)
        acc.add(rid, rec, line.raw, text, canonical, cols, name, lineno)
    return acc


def _record_problems(rec: dict, valid: bool, name: str, lineno: int, known_docs: dict[str, dict] | None
                     ) -> tuple[list[Problem], tuple[str, str | None, tuple | None] | None]:
    """One record's own problems, and (text, id, mention columns) unless it has no text to keep."""
    bad_text = [] if valid else lone_surrogates(rec, name, lineno)   # orjson refuses a lone surrogate
    if bad_text:
        return bad_text, None
    problems: list[Problem] = []
    lf = lambda p, n=lineno: n
    if not valid:
        problems += schema_problems("gold", rec, name, lf)
    text = rec.get("text")
    if not isinstance(text, str):
        return problems, None
    if rec.get("text_sha256") != sha256_text(text):
        problems.append(Problem(name, lineno, "text_sha256", "text_sha256 does not match the text", "text-hash"))
    rid = rec.get("id") if isinstance(rec.get("id"), str) else None
    if known_docs and rid in known_docs and known_docs[rid]["text"] != text:
        problems.append(Problem(name, lineno, "text", f"text of {rec['id']!r} differs from the seed slice", "text-seed"))
    problems += check_zones(rec.get("zones"), text, name, lf)
    cols = _mention_columns(rec["entities"]["mentions"]) if valid else None
    problems += check_gold_layers(rec, text, name, lf, _clean_entities(rec["entities"], text, cols) if cols is not None else None,
                                  codebook=False)   # a documents file may be another dataset's
    return problems, (text, rid, cols)


# ---------------------------------------------------------------- a large gold checked in two halves

HALVES_MIN_BYTES = 32 << 20      # below this, forking costs more than it saves
PARENT_SHARE = 0.42              # of the file checked here: this process also reads the child's part (unchecked)


def _halves_worth_it(path: Path) -> bool:
    """A large file, more than one core, ``os.fork``, and no other Python thread in this process
    (a thread holding a lock at the fork, the import lock among them, could hang the child)."""
    import threading
    try:
        return (hasattr(os, "fork") and threading.active_count() == 1 and os.cpu_count() not in (None, 1)
                and os.path.getsize(path) >= HALVES_MIN_BYTES)
    except OSError:
        return False


def _read_in_halves(path: Path, known_docs: dict[str, dict] | None) -> tuple[LazyRecords, list[Problem], str, str] | None:
    """A large clean gold file read with its second half's per-record checks done by a forked
    process, at the same time as the first half's here; None (read it in one pass) when either
    half has any problem, when the child cannot be forked or does not say its half is clean.

    The child checks each record of its half as one pass would (schema, texts, zones, layers) and
    exits 0 only when it finds nothing, not even a warning; meanwhile this process checks the
    first half, then reads the second half's records unchecked (kept, hashed and ordered as one
    pass does: what is checked across records, duplicate ids and order, stays here)."""
    split, first_lineno = _middle_line(path)
    if split is None:
        return None
    _load_checks()
    try:
        pid = os.fork()
    except OSError:
        return None
    if pid == 0:                                  # the child: exit status is its whole answer
        code = 1
        try:
            code = 0 if _half_is_clean(path, known_docs, split, first_lineno) else 1
        finally:
            os._exit(code)
    done = False
    try:
        acc = _read_gold_lines(path, known_docs, stop=split)
        clean = not acc.problems and _read_unchecked(path, split, first_lineno, acc)
        done = True
    finally:
        if not done:                              # interrupted here: the child's answer is not wanted
            import signal
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
    if not clean or not (os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0):
        return None
    return acc.result()


def _load_checks() -> None:
    """Import and compile every check a record may need (the typed one, both schema validators),
    so that the forked child imports nothing: no lock of the import system is ever taken there."""
    from newsgold.core.schema import fast_validator, validator
    from newsgold.gold import fastcheck  # noqa: F401
    fast_validator("gold")
    validator("gold")


def _middle_line(path: Path) -> tuple[int | None, int]:
    """The byte offset of the first line starting at or after :data:`PARENT_SHARE` of the file, and its line number."""
    size = os.path.getsize(path)
    with open(path, "rb") as fh:
        fh.seek(int(size * PARENT_SHARE))
        fh.readline(MAX_RECORD_BYTES + 1)
        split = fh.tell()
        if split >= size:
            return None, 0
        fh.seek(0)
        newlines, left = 0, split
        while left > 0:
            block = fh.read(min(left, 1 << 23))
            if not block:
                return None, 0
            newlines += block.count(b"\n")
            left -= len(block)
    return split, newlines + 1


def _half_is_clean(path: Path, known_docs: dict[str, dict] | None, split: int, first_lineno: int) -> bool:
    """Whether every record from byte ``split`` on passes its own checks with no problem at all (it
    runs in the forked child, which imports nothing: the parent loaded the checks before the fork)."""
    name = str(path)
    line = _GoldLine(hashlib.sha256())
    for lineno, rec, probs in iter_jsonl(path, allow_crlf=False, fast=line.fast, start=(split, first_lineno)):
        if probs or rec is None:
            return False
        valid = line.valid
        line.valid = False
        problems, kept = _record_problems(rec, valid, name, lineno, known_docs)
        if problems or kept is None:
            return False
    return True


def _read_unchecked(path: Path, split: int, first_lineno: int, acc: _Gold) -> bool:
    """The records from byte ``split`` on, whose own checks the child does: parsed as one pass
    would read them (the child's verdict is required before the result is used), kept in
    ``acc``. False when a line is not a record with a text and an id (the child then reports it
    too, and the file is read again in one pass)."""
    from newsgold.core.jsonio import loads
    name = str(path)
    with open(path, "rb") as fh:
        fh.seek(split)
        for lineno, raw in enumerate(iter(lambda: fh.readline(MAX_RECORD_BYTES + 1), b""), first_lineno):
            if raw.isspace():
                continue
            if len(raw) > MAX_RECORD_BYTES:
                return False
            acc.file_hash.update(raw)
            try:   # orjson reads what the strict parser reads on any line the child passes (it refuses duplicate keys, long numbers)
                rec = ORJSON.loads(raw) if ORJSON is not None else loads(raw.decode("utf-8"))
            except ValueError:
                return False
            try:
                rid, text, cols = rec["id"], rec["text"], _mention_columns(rec["entities"]["mentions"])
            except (TypeError, KeyError):
                return False
            if not (isinstance(rid, str) and isinstance(text, str) and isinstance(rec.get("metadata"), dict)):
                return False
            acc.add(rid, rec, raw, text, _canonical_of(rec, raw), cols, name, lineno)
    return True


def _canonical_of(rec: dict, raw: bytes) -> bytes:
    """A valid record's line in :func:`content_hash`: its own bytes when they are orjson's writing of
    a record with no float (the schema allows floats only in the open keys: top level, metadata,
    annotation) and no version stamp, else written anew (by ``json``, which is right for any record)."""
    meta = rec["metadata"]
    opens = [rec, meta, rec.get("annotation") if isinstance(rec.get("annotation"), dict) else {}]
    floats = any(type(v) is float for obj in opens for v in obj.values())
    if (not floats and raw.endswith(b"\n") and "dataset_version" not in meta and "dataset_hash" not in meta
            and ORJSON is not None and ORJSON.dumps(rec) == raw[:-1]):
        return raw
    return _canonical_line(rec, fast=False)


def _canonical_line(rec: dict, fast: bool = False) -> bytes:
    """The record's line in :func:`content_hash`. ``fast``: by orjson, which writes the same bytes
    as ``json.dumps(ensure_ascii=False, separators=(",", ":"))`` for a record of strings, integers,
    booleans, nulls, lists and objects (floats are written differently, so a record with one is not fast)."""
    r = dict(rec)
    r["metadata"] = {k: v for k, v in r["metadata"].items() if k not in ("dataset_version", "dataset_hash")}
    if fast and ORJSON is not None:
        return ORJSON.dumps(r) + b"\n"
    return dump_jsonl([r]).encode("utf-8")


# The typed checks (msgspec) are loaded by a run that validates a gold, not by one that trusts it.

def checked_record(raw: bytes) -> tuple[dict, bool, bool] | None:
    """:func:`newsgold.gold.fastcheck.checked_record`."""
    from newsgold.gold import fastcheck
    return fastcheck.checked_record(raw)


def _clean_entities(ents: dict, text: str, columns: tuple) -> dict | None:
    from newsgold.gold import fastcheck
    return fastcheck.clean_entities(ents, text, columns)


def _mention_columns(mentions: list) -> tuple:
    from newsgold.gold import fastcheck
    return fastcheck.mention_columns(mentions)


class _GoldLine:
    """The line :func:`iter_jsonl` is on: its bytes (hashed as read), and whether the typed
    decoder (:mod:`newsgold.gold.fastcheck`) found it certainly schema-valid, holding a float,
    and written as orjson writes its record."""

    def __init__(self, file_hash) -> None:
        self.file_hash = file_hash
        self.raw = b""
        self.valid = self.floats = self.own = False

    def fast(self, raw: bytes) -> dict | None:
        self.file_hash.update(raw)
        self.raw = raw
        got = checked_record(raw)
        self.valid = got is not None
        self.floats, self.own = (got[1], got[2]) if got is not None else (False, False)
        return got[0] if got is not None else None

    def canonical(self, rec: dict) -> bool:
        """Whether this valid line is its record's line in :func:`content_hash` as it stands: orjson's
        writing of a record without a float (which json writes alike, see :func:`_canonical_line`) and
        without a version stamp in its metadata, ended by a line break."""
        meta = rec["metadata"]
        return (self.own and not self.floats and self.raw.endswith(b"\n")
                and "dataset_version" not in meta and "dataset_hash" not in meta)


def read_trusted_gold_jsonl(path: Path, cached: tuple[PackedSpans, list[str]] | None = None) -> tuple[LazyRecords, str]:
    """A gold file whose exact bytes were validated before (see :mod:`newsgold.core.trustcache`):
    read in batches of lines, each batch hashed and decoded in one call of a typed decoder that
    builds only the id, the text and the entity spans (every other field is skipped while parsing).
    The records are kept as where their lines are (:class:`~newsgold.core.storage.FileRecords`),
    or as their bytes where ``os.pread`` is missing.

    Also returns the sha256 of the bytes read and parsed, for the caller to compare with the cache
    key. Bytes that are not what was validated (the file swapped since it was hashed) may fail to
    parse: that raises :class:`NotTrusted`.

    ``cached``: the file's spans and label vocabulary from :mod:`newsgold.gold.spancache`; only ids
    and texts are then decoded, and spans that are not exactly the documents read raise
    :class:`SpansNotCached` (the caller reads again without them); :data:`_NO_SPANS`: no spans
    (:func:`without_spans`)."""
    from newsgold.gold.trusted import SPANS, TEXTS, trusted_lines  # msgspec: only for a gold file, not an annotation folder
    where: dict[str, tuple[int, int]] = {}
    kept: dict[str, bytes] = {}
    texts: dict[str, str] = {}
    packer = SpanPacker()
    h = hashlib.sha256()
    pread = hasattr(os, "pread")
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
    try:
        with open(fd, "rb", closefd=False) as fh:
            for pos, line, rec in trusted_lines(fh, h, TEXTS if cached is not None else SPANS):
                rid = rec.id
                if pread:
                    where[rid] = (pos, len(line))
                else:
                    kept[rid] = bytes(line)
                texts[rid] = rec.text
                if cached is None:
                    ms = rec.entities.mentions
                    packer.add_columns(rid, [m.start for m in ms], [m.end for m in ms], [m.label for m in ms])
        if cached is not None and cached is not _NO_SPANS and (len(cached[0]) != len(texts) or not all(d in cached[0] for d in texts)):
            raise SpansNotCached
    except BaseException:
        os.close(fd)
        raise
    spans, vocab = cached if cached is not None else (packer.spans, packer.vocab)
    order = sorted(texts)
    texts = {k: texts[k] for k in order}
    if not pread:           # no os.pread (Windows): the lines are kept as bytes
        os.close(fd)
        return LazyRecords({k: kept[k] for k in order}, texts, spans, vocab), h.hexdigest()
    return FileRecords(path, fd, {k: where[k] for k in order}, texts, spans, vocab), h.hexdigest()


_NO_SPANS: tuple[PackedSpans, list[str]] = (SpanPacker().spans, [])     # the "spans" of a gold read without them


class SpansNotCached(Exception):
    """The span cache's entry does not hold exactly the documents of the file read."""


_SPANS_WANTED: ContextVar[bool] = ContextVar("newsgold_gold_spans_wanted", default=True)


@contextlib.contextmanager
def without_spans() -> Iterator[None]:
    """A trusted gold file read inside this block holds no entity spans (its texts and records
    only): for ``validate``, which checks predictions against the texts and never matches spans,
    so the span cache is not read (a tenth of its run at 50,000 documents). Nothing read this way
    may be scored."""
    token = _SPANS_WANTED.set(False)
    try:
        yield
    finally:
        _SPANS_WANTED.reset(token)


def _read_trusted(path: Path, key: str) -> tuple[LazyRecords | None, str]:
    """A trusted file read with the spans kept for it when there are (else decoded, and kept);
    ("" for the hash read when the bytes are not the ones validated). Inside
    :func:`without_spans`, no spans at all."""
    from newsgold.gold import spancache
    from newsgold.gold.trusted import NotTrusted
    if not _SPANS_WANTED.get():
        try:
            return read_trusted_gold_jsonl(path, _NO_SPANS)
        except NotTrusted:
            return None, ""
    cached = spancache.load(key)
    try:
        try:
            return read_trusted_gold_jsonl(path, cached)
        except SpansNotCached:
            cached = None
        records, read_hash = read_trusted_gold_jsonl(path)
    except NotTrusted:
        return None, ""         # the bytes changed since they were hashed: validate what is there now
    if cached is None and read_hash == key:
        spancache.store(key, records.spans, records.vocab)
    return records, read_hash


def load_gold_file(path: Path) -> tuple[LazyRecords, str]:
    """Records and canonical content hash of a gold JSONL file, validated unless these exact
    bytes were validated without error before (the result is then cached by their sha256)."""
    try:
        key = trustcache.file_sha256(path)
    except OSError:
        key = ""       # unreadable: the strict reader below says why
    facts = trustcache.lookup("gold", key, near=path) if key else None
    if facts is not None and isinstance(facts.get("content_hash"), str) and re.fullmatch(r"[0-9a-f]{64}", facts["content_hash"]):
        trusted, read_hash = _read_trusted(path, key)
        if trusted is not None and read_hash == key:    # the bytes parsed are the bytes that were validated
            return trusted, facts["content_hash"]
    records, problems, chash, read_hash = read_gold_jsonl(path)
    require(problems)
    if records:
        from newsgold.gold import spancache
        spancache.store(read_hash, records.spans, records.vocab)
        note = trustcache.remember("gold", read_hash, {"content_hash": chash, "documents": len(records)}, near=path)
        if note:
            print(note, file=sys.stderr)
    return records, chash
