"""Trust a file that was already validated: a small cache keyed by the sha256 of its bytes.

Checking a 50,000-document gold (schema, offsets, zones, references, canonical content hash)
takes most of a ``newsgold score`` run, yet a released gold never changes. The first run that
validates a file without error stores, under the sha256 of the file's bytes, what it computed
(the canonical content hash and the dataset version); a later run that finds the same bytes
checked by the same validator skips the checks. Changed bytes, a changed schema or changed
checking code give another key, so the file is validated again.

The cache lives in the user's cache folder (``$NEWSGOLD_CACHE_DIR``, else
``$XDG_CACHE_HOME/newsgold``, else ``~/.cache/newsgold``), never in the repository. Entries are
written atomically; an unreadable or unwritable cache only means validating again. When the
user cache folder cannot be written (a read-only home, as in some containers and CI runners),
the entry goes to a folder ``.newsgold-cache`` beside the validated file; when neither can be
written, a note says the file will be validated on every run. ``NEWSGOLD_CACHE_DIR=off`` turns
it off. An entry is untrusted input (a regular file of at most 64 KiB, opened without following
links or blocking, read by the strict reader), and a trusted file is used only when the bytes
actually parsed hash to the key (:func:`newsgold.gold.read.load_gold_file`).

An annotation folder (the shipped gold, read with the manifest and seeds) gets one ``schema``
entry keyed by the digests of its manifest and annotation texts: a later run skips only their
schema checks, each text compared with its digest as it is read (:mod:`newsgold.gold.load`).
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import os
import stat
from functools import cache
from pathlib import Path
from typing import Any

from newsgold.core.version import __version__

CHUNK = 1 << 20
# the code whose verdict an entry vouches for: any change to it gives new keys
_CHECKERS = ("core/jsonio.py", "core/schema.py", "core/trustcache.py", "gold/rules.py", "gold/read.py", "gold/fastcheck.py")
BESIDE = ".newsgold-cache"      # the fallback folder, beside the validated file, when the user cache folder is not writable


def cache_dir() -> Path | None:
    """The cache folder, or None when caching is turned off."""
    explicit = os.environ.get("NEWSGOLD_CACHE_DIR")
    if explicit:
        return None if explicit.lower() in ("off", "0", "none") else Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "newsgold"


def file_sha256(path: str | Path) -> str:
    """sha256 of a file's bytes, read in 1 MiB chunks (the file is never held whole)."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK):
            h.update(chunk)
    return h.hexdigest()


@cache
def validator_fingerprint() -> str:
    """sha256 over the toolkit version, the schema files and the checking code."""
    from newsgold.core.repository import toolkit_schema_dir
    pkg = Path(__file__).resolve().parents[1]
    h = hashlib.sha256(__version__.encode())
    files = sorted(toolkit_schema_dir().glob("*.json")) + [pkg / rel for rel in _CHECKERS]
    for f in files:
        h.update(f.name.encode() + b"\0")
        try:
            h.update(f.read_bytes())
        except OSError:
            h.update(b"<missing>")
    return h.hexdigest()


def _entries(kind: str, file_hash: str, near: Path | None) -> list[Path]:
    """Where an entry may be: the cache folder, then the fallback beside the file (``near``)."""
    folder = cache_dir()
    if folder is None:
        return []
    name = f"{kind}-{file_hash}-{validator_fingerprint()[:16]}.json"
    out = [folder / "validated" / name]
    if near is not None:
        out.append(Path(near).resolve().parent / BESIDE / name)
    return out


MAX_ENTRY_BYTES = 64 * 1024    # an entry is a few hundred bytes


def read_capped(path: Path, cap: int = MAX_ENTRY_BYTES) -> bytes | None:
    """An entry's bytes, only when it is a regular file of at most ``cap`` bytes.

    Every entry is untrusted input: the folder is the user's and anything may be put there. It is
    opened without following a symbolic link and without blocking (a named pipe would otherwise
    hang the run), and checked on the open descriptor, so nothing can be swapped in between."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return None
    with os.fdopen(fd, "rb") as fh:
        st = os.fstat(fh.fileno())
        if not stat.S_ISREG(st.st_mode) or st.st_size > cap:
            return None
        try:
            raw = fh.read(cap + 1)
        except OSError:
            return None
    return raw if len(raw) <= cap else None


def read_pair(meta_path: Path, blob_path: Path, cap: int) -> tuple[object, bytes] | None:
    """A two-file entry (``KEY.json`` beside ``KEY.bin``, as the span and document-level caches
    write): its parsed JSON and its bytes, each file read by :func:`read_capped`; None when either
    is missing, too large or (the JSON) not JSON. What they hold is still the caller's to check."""
    meta_raw, blob = read_capped(meta_path, cap), read_capped(blob_path, cap)
    if meta_raw is None or blob is None:
        return None
    try:
        import orjson
        return orjson.loads(meta_raw), blob
    except ValueError:
        return None


def _read_json_entry(path: Path) -> object:
    """An entry parsed by the strict reader; None when it is not a small regular file of valid JSON."""
    from newsgold.core.jsonio import loads
    raw = read_capped(path)
    try:
        return loads(raw.decode("utf-8")) if raw is not None else None
    except ValueError:      # not UTF-8, not JSON, or refused by the strict reader
        return None


def lookup(kind: str, file_hash: str, near: Path | None = None) -> dict[str, Any] | None:
    """What an earlier run stored for these bytes (validated without error), or None."""
    for path in _entries(kind, file_hash, near):
        data = _read_json_entry(path)
        if isinstance(data, dict) and data.get("sha256") == file_hash and data.get("fingerprint") == validator_fingerprint():
            return data
    return None


def remember(kind: str, file_hash: str, facts: dict[str, Any], near: Path | None = None) -> str | None:
    """Store ``facts`` for a file validated without error, in the first folder that can be written.
    Returns a note for the user when the entry went to the fallback beside the file or nowhere."""
    paths = _entries(kind, file_hash, near)
    from newsgold.core.jsonio import write_atomic
    text = json.dumps({"sha256": file_hash, "fingerprint": validator_fingerprint(), **facts}, sort_keys=True)
    for i, path in enumerate(paths):
        try:
            write_atomic(path, text)
        except OSError:
            continue
        return None if i == 0 else (f"note: the trust cache folder {paths[0].parent} cannot be written; "
                                    f"the validation of {kind} is remembered in {path.parent} instead")
    if not paths:
        return None
    return (f"note: no trust cache folder can be written ({paths[0].parent}"
            + (f", {paths[-1].parent}" if len(paths) > 1 else "")
            + f"); the {kind} file will be validated again on every run (set NEWSGOLD_CACHE_DIR to a writable folder)")


# ---------------------------------------------------------------- outputs newsgold wrote

def _written_entry(path: Path) -> Path | None:
    folder = cache_dir()
    if folder is None:
        return None
    return folder / "written" / f"{hashlib.sha256(str(path).encode('utf-8', 'surrogatepass')).hexdigest()}.json"


def note_written(path: str | Path, payload: bytes) -> None:
    """Remember that newsgold wrote these bytes at this (resolved) path; failures to record are ignored."""
    entry = _written_entry(Path(path))
    if entry is None:
        return
    from newsgold.core.jsonio import write_atomic
    with contextlib.suppress(OSError):   # not recorded: the next write to this path will need --force
        write_atomic(entry, json.dumps({"path": str(path), "sha256": hashlib.sha256(payload).hexdigest()}))


def written_here(path: str | Path) -> bool:
    """Whether the file at this (resolved) path holds exactly what newsgold last wrote there."""
    entry = _written_entry(Path(path))
    data = _read_json_entry(entry) if entry is not None else None
    try:
        return isinstance(data, dict) and data.get("path") == str(path) and data.get("sha256") == file_sha256(path)
    except OSError:
        return False
