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
it off.
"""
from __future__ import annotations

import hashlib
import json
import os
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


def lookup(kind: str, file_hash: str, near: Path | None = None) -> dict[str, Any] | None:
    """What an earlier run stored for these bytes (validated without error), or None."""
    for path in _entries(kind, file_hash, near):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
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
