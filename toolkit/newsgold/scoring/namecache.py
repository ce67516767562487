"""The gold side of document-level scoring (:class:`GoldNames`),
kept in the user's cache folder under the gold's content hash.

Building it decodes every gold record and normalises every distinct name, which cost as much as
the whole span-level scoring of a large corpus; a gold never changes, so a later run reads the
columns back instead (issue 25). The entry is two files, written atomically: ``KEY.json`` (the
lists and the column lengths) and ``KEY.bin`` (the int64 columns, little-endian, in
:data:`COLUMNS` order). ``KEY`` joins the content hash (sha256 of the
canonical gold records, the one in every signature) and a fingerprint of the toolkit version and
of the code that builds the columns, so changed code never reads an old entry.

Entries are untrusted input, as those of :mod:`newsgold.core.trustcache`: regular files opened
without following links, capped in size, the columns checked against the sha256 recorded beside
them and against the ranges they must lie in; anything wrong means building the columns again.
``NEWSGOLD_CACHE_DIR=off`` turns it off.
"""
from __future__ import annotations

import contextlib
import hashlib
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from newsgold.core import trustcache
from newsgold.core.version import __version__


@dataclass
class GoldNames:
    """The gold side of document-level scoring, for every gold document, whatever the setup:
    integer columns of the mentions (``m_*``), of the cluster names and aliases (``n_*``) and of
    the zones (``z_*``), with ``doc`` the document's position in the gold. Labels, zone types and
    normalised names are ids into the lists beside; ``norm`` is -1 for a name that normalises
    to nothing. Built once per gold (:func:`newsgold.scoring.documents.gold_names`): the setup (label map, ``--labels``,
    ``--zones``) is applied to these columns by masks, and only the predictions are read anew."""

    ids: list[str]
    labels: list[str]
    zone_types: list[str]
    norms: list[str]
    n_clusters: int
    cols: dict[str, np.ndarray]

    def norm_ids(self) -> dict[str, int]:
        return {n: i for i, n in enumerate(self.norms)}


COLUMNS = ("m_doc", "m_start", "m_end", "m_label", "m_cluster", "m_norm", "n_doc", "n_cluster", "n_norm",
           "z_doc", "z_start", "z_end", "z_type",
           # lookups over every gold document, sorted (built with the columns, used when every document is scored):
           # the cluster at each distinct (doc, start, end) of a mention (the last mention there wins) ...
           "o_doc", "o_start", "o_end", "o_cluster",
           # ... and the names (cluster names, aliases, mention texts) that resolve to one cluster of their document
           "i_doc", "i_norm", "i_cluster")


FORMAT = 2
MAX_BYTES = 1 << 30          # one entry file, either of the two
_CODE = ("scoring/documents.py", "scoring/quotes.py", "scoring/namecache.py")


@cache
def fingerprint() -> str:
    """sha256 over the toolkit version and the code that builds the columns."""
    pkg = Path(__file__).resolve().parents[1]
    h = hashlib.sha256(f"{__version__}\0{FORMAT}".encode())
    for rel in _CODE:
        try:
            h.update(rel.encode() + b"\0" + (pkg / rel).read_bytes())
        except OSError:
            h.update(rel.encode() + b"\0<missing>")
    return h.hexdigest()


def _paths(content_hash: str) -> tuple[Path, Path] | None:
    folder = trustcache.cache_dir()
    if folder is None or not isinstance(content_hash, str) or not re.fullmatch(r"[0-9a-f]{64}", content_hash):
        return None
    base = folder / "docnames" / f"{content_hash}-{fingerprint()[:16]}"
    return base.with_suffix(".json"), base.with_suffix(".bin")


def _ids_digest(ids: list[str]) -> str:
    return hashlib.sha256("\n".join(ids).encode("utf-8", "surrogatepass")).hexdigest()


def store(content_hash: str, names: GoldNames) -> None:
    """Keep ``names`` for the gold of ``content_hash``; a cache that cannot be written is skipped."""
    import json

    from newsgold.core.jsonio import write_atomic
    paths = _paths(content_hash)
    if paths is None:
        return
    blob = b"".join(np.ascontiguousarray(names.cols[c], dtype="<i8").tobytes() for c in COLUMNS)
    meta = {"format": FORMAT, "content_hash": content_hash, "fingerprint": fingerprint(), "ids_sha256": _ids_digest(names.ids),
            "labels": names.labels, "zone_types": names.zone_types, "norms": names.norms, "n_clusters": names.n_clusters,
            "lengths": [len(names.cols[c]) for c in COLUMNS], "bin_sha256": hashlib.sha256(blob).hexdigest()}
    with contextlib.suppress(OSError, ValueError):
        write_atomic(paths[1], blob)
        write_atomic(paths[0], json.dumps(meta, ensure_ascii=False))


def load(content_hash: str, ids: list[str]) -> GoldNames | None:
    """The entry for the gold of ``content_hash`` whose documents are ``ids`` (in order), or None."""
    paths = _paths(content_hash)
    if paths is None:
        return None
    entry = trustcache.read_pair(*paths, MAX_BYTES)
    return _checked(entry[0], entry[1], content_hash, ids) if entry is not None else None


def _checked(meta: Any, blob: bytes, content_hash: str, ids: list[str]) -> GoldNames | None:
    """The entry's columns when every field has its type, the columns their recorded sha256 and
    every id lies in its range; else None."""
    if not (isinstance(meta, dict) and meta.get("format") == FORMAT and meta.get("content_hash") == content_hash
            and meta.get("fingerprint") == fingerprint() and meta.get("ids_sha256") == _ids_digest(ids)):
        return None
    lists: list[Any] = [meta.get(k) for k in ("labels", "zone_types", "norms")]
    lengths, n_clusters = meta.get("lengths"), meta.get("n_clusters")
    if not all(isinstance(v, list) and all(type(x) is str for x in v) for v in lists):
        return None
    if not (isinstance(lengths, list) and len(lengths) == len(COLUMNS) and all(type(n) is int and n >= 0 for n in lengths)
            and type(n_clusters) is int and n_clusters >= 0):
        return None
    if len(blob) != 8 * sum(lengths) or hashlib.sha256(blob).hexdigest() != meta.get("bin_sha256"):
        return None
    flat = np.frombuffer(blob, dtype="<i8")
    if flat.dtype != np.int64:           # a big-endian machine: native order
        flat = flat.astype(np.int64)
    bounds = np.cumsum(lengths)[:-1]
    cols = dict(zip(COLUMNS, np.split(flat, bounds)))
    labels: list[str] = lists[0]
    zone_types: list[str] = lists[1]
    norms: list[str] = lists[2]
    ranges = {"doc": (0, len(ids)), "label": (0, len(labels)), "cluster": (0, n_clusters), "norm": (-1, len(norms)),
              "type": (0, len(zone_types)), "start": (0, None), "end": (0, None)}
    for name, col in cols.items():
        lo, hi = ranges[name.partition("_")[2]]
        if len(col) and (col.min() < lo or (hi is not None and col.max() >= hi)):
            return None
    if any(len({len(cols[c]) for c in COLUMNS if c.startswith(group)}) > 1 for group in ("m_", "n_", "z_", "o_", "i_")):
        return None
    if not (_increasing(cols["o_doc"], cols["o_start"], cols["o_end"]) and _increasing(cols["i_doc"], cols["i_norm"])):
        return None         # the lookups are searched by bisection: they must be sorted and distinct
    return GoldNames(list(ids), labels, zone_types, norms, n_clusters, cols)


def _increasing(*columns: np.ndarray) -> bool:
    """Whether the rows (tuples of the columns) are strictly increasing: sorted and distinct
    (adjacent rows compared, one pass a column, from the last column to the first)."""
    if len(columns[0]) < 2:
        return True
    after = np.zeros(len(columns[0]) - 1, dtype=bool)      # row i+1 > row i on the columns seen so far
    for col in columns[::-1]:
        after = (col[1:] > col[:-1]) | ((col[1:] == col[:-1]) & after)
    return bool(after.all())
