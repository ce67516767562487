"""Trust a file that was already validated: a small cache keyed by the sha256 of its bytes.

Checking a 50,000-document gold (schema, offsets, zones, references, canonical content hash)
takes most of a ``newsgold score`` run, yet a released gold never changes. The first run that
validates a file without error stores, under the sha256 of the file's bytes, what it computed
(the canonical content hash and the dataset version); a later run that finds the same bytes
checked by the same validator skips the checks. Changed bytes, a changed schema or changed
checking code give another key, so the file is validated again.

The cache lives in the user's cache folder (``$NEWSGOLD_CACHE_DIR``, else
``$XDG_CACHE_HOME/newsgold``, else ``~/.cache/newsgold``), never in the repository. Entries are
written atomically; an unreadable or unwritable cache only means validating again. An entry is
untrusted input (a regular file of at most 64 KiB, read by the strict reader), and a trusted file
is used only when the bytes actually parsed hash to the key (:func:`newsgold.gold.read.load_gold_file`).
``NEWSGOLD_CACHE_DIR=off`` turns it off.
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import os
import stat
from functools import cache
from pathlib import Path

from newsgold.core.version import __version__

CHUNK = 1 << 20
# the code whose verdict an entry vouches for: any change to it gives new keys
_CHECKERS = ("core/jsonio.py", "core/schema.py", "core/trustcache.py", "gold/rules.py", "gold/read.py")


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


def _entry(kind: str, file_hash: str) -> Path | None:
    folder = cache_dir()
    if folder is None:
        return None
    return folder / "validated" / f"{kind}-{file_hash}-{validator_fingerprint()[:16]}.json"


MAX_ENTRY_BYTES = 64 * 1024    # an entry is a few hundred bytes


def _read_entry(path: Path) -> bytes | None:
    """An entry's bytes, only when it is a regular file of at most :data:`MAX_ENTRY_BYTES`.

    Every entry is untrusted input: the folder is the user's and anything may be put there. It is
    opened without following a symbolic link and without blocking (a named pipe would otherwise
    hang the run), and checked on the open descriptor, so nothing can be swapped in between."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return None
    with os.fdopen(fd, "rb") as fh:
        st = os.fstat(fh.fileno())
        if not stat.S_ISREG(st.st_mode) or st.st_size > MAX_ENTRY_BYTES:
            return None
        try:
            raw = fh.read(MAX_ENTRY_BYTES + 1)
        except OSError:
            return None
    return raw if len(raw) <= MAX_ENTRY_BYTES else None


def lookup(kind: str, file_hash: str) -> dict | None:
    """What an earlier run stored for these bytes (validated without error), or None."""
    from newsgold.core.jsonio import loads
    path = _entry(kind, file_hash)
    raw = _read_entry(path) if path is not None else None
    if raw is None:
        return None
    try:
        data = loads(raw.decode("utf-8"))
    except ValueError:      # not UTF-8, not JSON, or refused by the strict reader
        return None
    if not isinstance(data, dict) or data.get("sha256") != file_hash or data.get("fingerprint") != validator_fingerprint():
        return None
    return data


def remember(kind: str, file_hash: str, facts: dict) -> None:
    """Store ``facts`` for a file validated without error; failures to write are ignored."""
    path = _entry(kind, file_hash)
    if path is None:
        return
    from newsgold.core.jsonio import write_atomic
    with contextlib.suppress(OSError):
        write_atomic(path, json.dumps({"sha256": file_hash, "fingerprint": validator_fingerprint(), **facts}, sort_keys=True))


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
    with contextlib.suppress(OSError):
        write_atomic(entry, json.dumps({"path": str(path), "sha256": hashlib.sha256(payload).hexdigest()}))


def written_here(path: str | Path) -> bool:
    """Whether the file at this (resolved) path holds exactly what newsgold last wrote there."""
    from newsgold.core.jsonio import loads
    entry = _written_entry(Path(path))
    raw = _read_entry(entry) if entry is not None else None
    if raw is None:
        return False
    try:
        data = loads(raw.decode("utf-8"))
        return isinstance(data, dict) and data.get("path") == str(path) and data.get("sha256") == file_sha256(path)
    except (ValueError, OSError):
        return False
