"""Gold loading: one entry point, :func:`load_gold`, for every form a gold may take.

``--gold`` (``gold=`` in Python) accepts:

* nothing: the shipped annotations of the copy in use joined with its seeds (or, in a copy
  that has only data files, ``NEWSGOLD_HOME`` set to a Hub export, its documents file);
* an annotation folder, joined with the manifest (:mod:`newsgold.gold.read`);
* NewsGold's own ``documents`` JSON Lines (:mod:`newsgold.gold.read`), trusted by its bytes
  once validated; one whose records carry no ``dataset_version`` is another dataset in our
  layout and gets the data version ``custom``;
* a clone (a folder with ``seeds/manifest.json``): its gold and its ``VERSION``;
* a Hub export folder (``newsgold export --hub``), or any folder with ``data/documents/test.jsonl``;
* a ``datasets`` dataset saved with ``save_to_disk`` and a minimal JSON Lines file, both
  completed into full records by :mod:`newsgold.gold.foreign`.

The readers sit below this module and never call back into it, so loading one file is one
pass down, not a bounce between modules.
"""
from __future__ import annotations

import hashlib
from collections.abc import Mapping
from pathlib import Path

from newsgold.core import trustcache
from newsgold.core.diagnostics import InputError, Problem
from newsgold.core.jsonio import iter_jsonl, require
from newsgold.core.repository import current, missing_dataset, use
from newsgold.core.schema import schema_digest
from newsgold.gold.foreign import FULL_KEYS, complete_records, is_saved_dataset, saved_dataset_rows, version_of
from newsgold.gold.manifest import load_documents
from newsgold.gold.read import (
    Gold,
    annotation_files,
    annotation_kind,
    content_hash,
    dataset_version,
    load_gold_file,
    merge_record,
    read_annotation_set,
)
from newsgold.gold.releases import CUSTOM

DOCUMENTS_FILE = Path("data") / "documents" / "test.jsonl"


def load_gold(path: str | Path | None = None) -> Gold:
    """The gold: by default the shipped annotations joined with the seeds.

    ``path`` may be any of the forms listed in this module's docstring. Raises
    :class:`InputError` listing every problem.
    """
    found = _load_other_form(path)
    if found is not None:
        return found
    if path is None or Path(path).is_dir():
        folder = Path(path) if path is not None else current().gold_dir
        records: Mapping[str, dict] = _read_folder(folder)
        source = str(folder)
        version = None
        chash = content_hash(records.values()) if records else ""
    else:
        records, chash = load_gold_file(Path(path))
        source = str(path)
        version = records[next(iter(records))]["metadata"].get("dataset_version") if records else None
    if not records:
        raise InputError(Problem(source, 0, "", "no gold documents found", "empty"))
    return Gold(records, version or dataset_version(), chash, source)


def _read_folder(folder: Path) -> dict[str, dict]:
    """The gold records of an annotation folder joined with the manifest's documents, all checked."""
    passed, key = _schema_trusted(folder)
    seen: list[str] = []
    docs = load_documents(schema_passed=passed, seen=seen)
    anns, problems = read_annotation_set(folder, docs, passed, seen)
    require(problems)
    if not passed and key and _digests_key(seen) == key:    # the texts checked are the ones hashed
        trustcache.remember("schema", key, {"files": len(seen)})    # no note: a miss only costs a check
    return {i: merge_record(docs[i], anns[i]) for i in sorted(anns)}


def _schema_trusted(folder: Path) -> tuple[frozenset[str], str]:
    """The schema digests of the manifest and annotation files when these exact texts all passed
    their schema checks in an earlier run (compiling the schemas is most of the start-up of a
    small gold), with the cache key; an empty set when they did not, or cannot be read.

    Each file is still checked against its digest as it is read (``schema_passed``), so a file
    changed in between is checked again; every other check runs every time."""
    files = [("manifest", current().manifest)] + [(annotation_kind(f), f) for f in annotation_files(folder)]
    try:
        digests = [schema_digest(kind, f.read_bytes().decode("utf-8")) for kind, f in files]
    except (OSError, UnicodeDecodeError):
        return frozenset(), ""
    key = _digests_key(digests)
    return (frozenset(digests) if trustcache.lookup("schema", key) is not None else frozenset()), key


def _digests_key(digests: list[str]) -> str:
    return hashlib.sha256("\n".join(digests).encode()).hexdigest()


def _load_other_form(path: str | Path | None) -> Gold | None:
    """The :class:`Gold` at ``path`` when it is a clone, a Hub export, a saved dataset, a
    minimal JSON Lines file or another dataset in our documents layout.

    Returns None for the forms :func:`load_gold` reads itself (an annotation folder; a
    documents file whose records carry ``dataset_version``; with ``path=None``, the sources
    of the copy in use). Raises :class:`InputError` with every problem found.
    """
    if path is None:
        repo = current()
        if repo.has_sources:
            return None
        if (repo.root / DOCUMENTS_FILE).is_file():
            return load_gold(repo.root / DOCUMENTS_FILE)
        raise missing_dataset(repo)
    path = Path(path)
    if path.is_dir():
        if (path / "seeds" / "manifest.json").is_file():
            with use(path):
                return load_gold()
        if (path / DOCUMENTS_FILE).is_file():
            return load_gold(path / DOCUMENTS_FILE)
        if is_saved_dataset(path):
            records, problems = complete_records(saved_dataset_rows(path), str(path))
            gold = _gold(records, problems, str(path))
            return _as_release(gold) or gold
        return None
    if not path.is_file():
        raise InputError(Problem(str(path), 0, "", "no such file or folder (--gold takes a clone, a Hub export folder, a saved "
                                 "datasets folder, an annotation folder or a JSON Lines file)", "file"))
    first = _first_record(path)
    if first is None or all(k in first for k in FULL_KEYS):
        if first is not None and not (first.get("metadata") or {}).get("dataset_version"):
            # our layout, but not our data: name it custom; read (and trusted by its bytes) as ours is
            recs, chash = load_gold_file(path)
            return Gold(recs, CUSTOM, chash, str(path)) if recs else _gold({}, [], str(path))
        return None
    rows = ((n, rec, probs) for n, rec, probs in iter_jsonl(path, allow_crlf=False))
    records, problems = complete_records(rows, str(path))
    return _gold(records, problems, str(path))


STAMPS = ("dataset_version", "dataset_hash")


def _canonical(value):
    """A record without its version stamps and without null values: what ``datasets`` keeps of it
    (it gives every declared key, null where a record lacks it, so a null and a missing key are one)."""
    if isinstance(value, dict):
        return {k: _canonical(v) for k, v in value.items() if v is not None and k not in STAMPS}
    if isinstance(value, list):
        return [_canonical(v) for v in value]
    return value


def _as_release(gold: Gold) -> Gold | None:
    """The release a saved ``datasets`` copy claims to be (its records' stamps), when its records are
    that release's records; else None.

    The copy is recognised by what it holds, not by its container: the release in use must have the
    stamped version and content hash, the same document ids, and records equal to the copy's up to
    null values and the stamps. Then the release's own records (and content hash) are used.
    """
    stamps = {tuple((r.get("metadata") or {}).get(k) for k in STAMPS) for r in gold.docs.values()}
    if len(stamps) != 1:
        return None
    version, full_hash = stamps.pop()
    try:
        shipped = load_gold()
    except InputError:
        return None
    if (shipped.version, shipped.content_hash) != (version, full_hash) or list(shipped.docs) != list(gold.docs):
        return None
    if any(_canonical(gold.docs[k]) != _canonical(shipped.docs[k]) for k in gold.docs):
        return None
    return Gold(shipped.docs, shipped.version, shipped.content_hash, gold.source)


def _gold(records: dict[str, dict], problems: list[Problem], source: str) -> Gold:
    require(problems)
    if not records:
        raise InputError(Problem(source, 0, "", "no gold documents found", "empty"))
    records = {k: records[k] for k in sorted(records)}
    version = version_of(records)
    return Gold(records, version, content_hash(records.values()), source)


def _first_record(path: Path) -> dict | None:
    for _, rec, _ in iter_jsonl(path):
        if rec is not None:
            return rec if isinstance(rec, dict) else None
    return None
