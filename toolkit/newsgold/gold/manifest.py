"""The manifest: which slice of which seed file is which document, with its metadata and zones."""
from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from newsgold.core.diagnostics import Problem
from newsgold.core.jsonio import line_finder, read_json, require
from newsgold.core.repository import current, missing_dataset
from newsgold.core.schema import schema_digest, schema_problems
from newsgold.gold.rules import check_zones, sha256_text


def read_manifest(path: Path | None = None, schema_passed: frozenset[str] = frozenset(),
                  seen: list[str] | None = None) -> tuple[dict | None, dict[str, dict], list[Problem]]:
    """Read and check the manifest; returns ``(manifest, documents_by_id, problems)``.

    Each document dict has ``id``, ``text``, ``metadata``, ``zones`` and its source range.
    ``schema_passed`` and ``seen`` are as in :func:`newsgold.gold.read.check_annotation`.
    """
    if path is None and not current().has_sources:
        raise missing_dataset()
    path = Path(path or current().manifest)
    name = str(path)
    man: Any    # whatever the file holds: the schema check below says when it is not a manifest
    man, text, problems = read_json(path)
    if man is None and (not text or any(p.rule == "json" for p in problems)):  # unreadable (a literal null is checked)
        return None, {}, problems
    lf = line_finder(text)
    digest = schema_digest("manifest", text)
    if seen is not None:
        seen.append(digest)
    if digest not in schema_passed:
        problems += schema_problems("manifest", man, name, lf)
    if any(p.severity == "error" for p in problems):
        return man, {}, problems
    sources = {}
    for i, src in enumerate(man["sources"]):
        spath = path.parent / src["file"]
        try:
            raw = spath.read_bytes()
        except OSError as exc:
            problems.append(Problem(name, lf(("sources", i, "file")), f"sources/{i}/file", f"cannot read {spath}: {exc.strerror}", "seed-file"))
            continue
        digest = hashlib.sha256(raw).hexdigest()
        if digest != src["sha256"]:
            problems.append(Problem(name, lf(("sources", i, "sha256")), f"sources/{i}/sha256",
                                    f"seed file {src['file']} has sha256 {digest}, manifest says {src['sha256']}: "
                                    "seeds are never edited", "seed-hash"))
        try:
            sources[src["file"]] = raw.decode("utf-8")
        except UnicodeDecodeError:
            problems.append(Problem(str(spath), 0, "", "seed file is not UTF-8", "encoding"))
    docs: dict[str, dict] = {}
    for i, d in enumerate(man["documents"]):
        base = ("documents", i)
        if d["id"] in docs:
            problems.append(Problem(name, lf(base + ("id",)), f"documents/{i}/id", f"duplicate document id {d['id']!r}", "unique-id"))
            continue
        src = sources.get(d["source"])
        if src is None:
            problems.append(Problem(name, lf(base + ("source",)), f"documents/{i}/source",
                                    f"unknown or unreadable source {d['source']!r}", "ref-source"))
            continue
        if not 0 <= d["start"] < d["end"] <= len(src):
            problems.append(Problem(name, lf(base + ("end",)), f"documents/{i}",
                                    f"range {d['start']}:{d['end']} outside the source (length {len(src)})", "offset-range"))
            continue
        text = src[d["start"]:d["end"]]
        if sha256_text(text) != d["text_sha256"]:
            problems.append(Problem(name, lf(base + ("text_sha256",)), f"documents/{i}/text_sha256",
                                    "document text hash does not match the seed slice", "text-hash"))
        problems += check_zones(d["zones"], text, name, lf, base=base + ("zones",))
        docs[d["id"]] = {"id": d["id"], "text": text, "text_sha256": d["text_sha256"], "metadata": d["metadata"],
                         "zones": d["zones"], "source": {"file": d["source"], "start": d["start"], "end": d["end"]}}
    return man, docs, problems


def load_documents(path: Path | None = None, schema_passed: frozenset[str] = frozenset(),
                   seen: list[str] | None = None) -> dict[str, dict]:
    _, docs, problems = read_manifest(path, schema_passed, seen)
    require(problems)
    return docs
