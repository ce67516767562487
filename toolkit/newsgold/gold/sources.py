"""``newsgold add-source``: register a new source text in ``seeds/`` and propose its documents.

The file is copied byte for byte to ``seeds/NNN_<first 16 hex of its sha256>.txt`` and the
manifest gets one source entry and one document entry per proposed article, each with zones
proposed by :mod:`newsgold.gold.segment`. Nothing is applied silently: every new document carries
``"review": "proposed by newsgold add-source; …"`` until a person has checked the cut, the
zones and the metadata and deleted that key (``newsgold check`` fails while it is there).

Refused, with a message saying why and what to do: a file that is not UTF-8, starts with a
byte-order mark, has CR or CRLF line ends, is empty, or is already registered (same sha256,
or a document with the same text).
"""
from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

from newsgold.core.diagnostics import InputError, Problem
from newsgold.core.jsonio import BOM, dump_json, read_json, write_atomic
from newsgold.core.repository import current
from newsgold.core.schema import schema_problems
from newsgold.gold.rules import check_zones, sha256_text
from newsgold.gold.segment import propose_documents, propose_zones

REVIEW_NOTE = "proposed by newsgold add-source; review the cut, zones and metadata"
TODO_PREFIX = "TODO"
SOURCE_KEYS = {"provenance": "provenance", "licence": "licence", "license": "licence"}
TODO_SOURCE = {
    "provenance": f"{TODO_PREFIX}: where and when the text was captured (URL, date, by whom)",
    "licence": f"{TODO_PREFIX}: the rights status of the text and under what terms it is included",
}
# metadata keys the shipped documents use; named in the proposal when missing
USUAL_METADATA = ("publisher", "publisher_certainty", "date", "date_certainty", "date_as_stated", "dateline",
                  "wire_credit")
SEED_NAME = re.compile(r"^(\d{3})_([0-9a-f]{16})\.txt$")


def _fail(file: str, message: str, rule: str, line: int = 0) -> InputError:
    return InputError(Problem(file, line, "", message, rule))


def read_source(path: str | Path) -> tuple[bytes, str]:
    """The raw bytes and decoded text of a candidate source file, or :class:`InputError`."""
    name = str(path)
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise _fail(name, f"cannot read: {exc.strerror}", "file") from None
    if not raw.strip():
        raise _fail(name, "file is empty: nothing to register", "empty")
    if raw.startswith(BOM):
        raise _fail(name, "file starts with a UTF-8 byte-order mark (BOM); save it as UTF-8 without BOM "
                    "(seeds are stored byte for byte, and a BOM would shift every offset)", "encoding", 1)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise _fail(name, f"not valid UTF-8: byte 0x{raw[exc.start]:02x} at byte {exc.start}; convert the file to "
                    "UTF-8 (e.g. iconv -f WINDOWS-1252 -t UTF-8) and check the converted text", "encoding", line) from None
    if "\r" in text:
        line = text[: text.index("\r")].count("\n") + 1
        kind = "CRLF (Windows)" if "\r\n" in text else "CR"
        raise _fail(name, f"{kind} line ends; seeds use LF only: convert the file (e.g. dos2unix) and add it again",
                    "line-ends", line)
    if "\x00" in text:
        raise _fail(name, "file contains NUL characters; is it a text file?", "encoding")
    return raw, text


def _parse_value(value):
    """``--meta`` values are strings; the JSON literal ``null`` stands for an unknown value."""
    return None if value == "null" else value


def _rel(path: Path, root: Path) -> str:
    try:
        return str(path.resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path)


def _first_line(text: str) -> str:
    return text.split("\n", 1)[0].strip()


def propose(text: str, digest: str, meta: dict) -> tuple[list[dict], list[str]]:
    """Document entries (without the ``source`` field) for a source text, and notes for the reviewer."""
    prefix = digest[:16]
    doc_meta = {k: _parse_value(v) for k, v in meta.items() if k not in SOURCE_KEYS}
    ranges = propose_documents(text)
    notes: list[str] = []
    if "headline" in doc_meta and len(ranges) > 1:
        notes.append("--meta headline=… applies to every document of this source; check each headline")
    docs = []
    for n, (start, end) in enumerate(ranges, 1):
        dtext = text[start:end]
        zones = propose_zones(dtext)
        metadata = {"headline": _first_line(dtext)}
        for z in zones:
            ztext = dtext[z["start"]:z["end"]].strip()
            if z["type"] == "dateline" and "dateline" not in metadata:
                metadata["dateline"] = ztext.rstrip(":").strip()
            if z["type"] == "timestamp" and "date_as_stated" not in metadata:
                metadata["date_as_stated"] = ztext
        metadata.update(doc_meta)
        metadata.setdefault("language", "en")
        docs.append({"id": f"{prefix}-{n:02d}", "start": start, "end": end, "text_sha256": sha256_text(dtext),
                     "metadata": metadata, "zones": zones, "review": REVIEW_NOTE})
    return docs, notes


def add_source(path: str | Path, meta: dict, write: bool = True, *, seeds_dir: str | Path | None = None,
               manifest_path: str | Path | None = None) -> list[str]:
    """Copy a source file into ``seeds_dir``, propose its documents and zones, register them.

    ``meta`` (from ``--meta KEY=VALUE``): ``provenance`` and ``licence`` go to the source
    entry, every other key to each document's metadata (overriding the proposed headline,
    dateline, date_as_stated and language "en"); the value ``null`` means unknown.
    With ``write=False`` nothing is written. Returns the lines to print. Raises
    :class:`InputError` when the file is refused or the manifest cannot be read.
    """
    seeds_dir = Path(seeds_dir) if seeds_dir is not None else current().seeds_dir
    manifest_path = Path(manifest_path) if manifest_path is not None else seeds_dir / "manifest.json"
    root = seeds_dir.parent
    raw, text = read_source(path)
    digest = hashlib.sha256(raw).hexdigest()
    mname = str(manifest_path)
    man = _read_manifest(manifest_path)
    fname = _new_seed_name(man, seeds_dir, digest, str(path))
    target = seeds_dir / fname
    docs, notes = propose(text, digest, meta)
    if not docs:
        raise _fail(str(path), "no document found: the file holds only blank lines", "empty")
    _check_new_documents(docs, man, text, mname, str(path))

    source = {"file": fname, "sha256": digest, "encoding": "utf-8", "length": len(text)}
    for key, canon in SOURCE_KEYS.items():
        if key in meta:
            source[canon] = meta[key]
    missing_source = [k for k in TODO_SOURCE if k not in source]
    for k in missing_source:
        source[k] = TODO_SOURCE[k]
    new_docs = [{"id": d["id"], "source": fname, **{k: v for k, v in d.items() if k != "id"}} for d in docs]
    new_man = dict(man)
    new_man["sources"] = list(man["sources"]) + [source]
    new_man["documents"] = list(man["documents"]) + new_docs
    errors = [p for p in schema_problems("manifest", new_man, mname, lambda p: 0) if p.severity == "error"]
    if errors:
        raise InputError(errors)

    verb = "copied" if write else "would copy"
    out = [f"{verb} {path} -> {_rel(target, root)} (sha256 {digest}, {len(raw)} bytes, {len(text)} characters)"]
    out += _proposal_lines(new_docs, text)
    for k in missing_source:
        out.append(f"  source {k} not given: placeholder '{TODO_SOURCE[k]}' written; replace it (or pass --meta {k}=...)")
    out += [f"  note: {n}" for n in notes]
    mrel = _rel(manifest_path, root)
    if write:
        _write_source(target, raw, digest, manifest_path, new_man)
        out.append(f"wrote {_rel(target, root)} and {mrel}")
    else:
        out.append("dry run: nothing written")
    out.append(f"review: every new document has \"review\": \"{REVIEW_NOTE}\". Check the cut, zones and metadata in "
               f"{mrel}, fix them by hand, then delete the \"review\" key (newsgold check fails while it is there). "
               "Next: declare stance targets in annotations/targets/<doc_id>.json (GUIDELINES.md S-3, S-9) and make tasks: "
               f"newsgold tasks --to labelstudio {' '.join(d['id'] for d in new_docs)} --out-dir tasks/")
    return out


def _read_manifest(manifest_path: Path) -> dict[str, Any]:
    """The manifest as it is, or :class:`InputError` when it is not valid (it must be fixed before a source is added)."""
    mname = str(manifest_path)
    man, _, problems = read_json(manifest_path)
    errors = [p for p in problems if p.severity == "error"]
    if errors or not isinstance(man, dict):
        raise InputError(errors or [Problem(mname, 1, "", "the manifest is not a JSON object", "json")])
    errors = [p for p in schema_problems("manifest", man, mname, lambda p: 0) if p.severity == "error"]
    if errors:
        raise InputError(errors + [Problem(mname, 0, "", "fix the manifest first (newsgold validate seeds/manifest.json)", "manifest")])
    return man


def _new_seed_name(man: dict[str, Any], seeds_dir: Path, digest: str, name: str) -> str:
    """``NNN_<hash>.txt`` with the next free index; refuses the same bytes registered or left in seeds/ unregistered."""
    for src in man["sources"]:
        if src["sha256"] == digest:
            ids = [d["id"] for d in man["documents"] if d["source"] == src["file"]]
            raise _fail(name, f"already registered: seeds/{src['file']} has the same sha256 ({digest[:16]}…), "
                        f"documents {', '.join(ids) or '(none)'}; nothing to do", "duplicate")
    registered = {s["file"] for s in man["sources"]}
    used: set[int] = set()
    for f in sorted(seeds_dir.glob("*.txt")):
        m = SEED_NAME.match(f.name)
        if not m:
            continue
        used.add(int(m.group(1)))
        if m.group(2) == digest[:16] and f.name not in registered:
            raise _fail(name, f"seeds/{f.name} is this file but is not in the manifest (an interrupted add-source?); "
                        "delete that copy and run add-source again", "duplicate")
    for src in man["sources"]:
        m = SEED_NAME.match(src["file"])
        if m:
            used.add(int(m.group(1)))
    index = max(used) + 1 if used else 0
    if index > 999:
        raise _fail(name, "no free three-digit seed index left (000-999)", "seed-index")
    return f"{index:03d}_{digest[:16]}.txt"


def _check_new_documents(docs: list[dict], man: dict[str, Any], text: str, mname: str, name: str) -> None:
    """Refuse a proposed document whose text or id is already registered, or whose zones do not tile it."""
    known_texts = {d["text_sha256"]: d["id"] for d in man["documents"]}
    known_ids = {d["id"] for d in man["documents"]}
    for d in docs:
        if d["text_sha256"] in known_texts:
            raise _fail(name, f"document {d['id']} [{d['start']}, {d['end']}) has the same text as the registered "
                        f"document {known_texts[d['text_sha256']]}; an article is registered once", "duplicate")
        if d["id"] in known_ids:
            raise _fail(name, f"document id {d['id']} is already in the manifest", "duplicate")
        dtext = text[d["start"]:d["end"]]
        zp = check_zones(d["zones"], dtext, mname, lambda p: 0)
        if zp:
            raise InputError(zp)


def _proposal_lines(new_docs: list[dict], text: str) -> list[str]:
    """The proposal as the reviewer reads it: each document's range, first line, zones and metadata."""
    out = [f"proposed {len(new_docs)} document(s):"]
    for d in new_docs:
        dtext = text[d["start"]:d["end"]]
        out.append(f"  {d['id']}  [{d['start']}, {d['end']})  {len(dtext)} characters")
        out.append(f"    first line: {_first_line(dtext)!r}")
        out.append("    zones:")
        for z in d["zones"]:
            ztext = dtext[z["start"]:z["end"]].strip()
            short = ztext if len(ztext) <= 60 else ztext[:28] + "…" + ztext[-28:]
            out.append(f"      {z['type']:<11} [{z['start']}, {z['end']})  {short!r}")
        out.append(f"    metadata: {json.dumps(d['metadata'], ensure_ascii=False)}")
        absent = [k for k in USUAL_METADATA if k not in d["metadata"]]
        if absent:
            out.append(f"    not given (add with --meta KEY=VALUE or in the manifest): {', '.join(absent)}")
    return out


def _write_source(target: Path, raw: bytes, digest: str, manifest_path: Path, new_man: dict[str, Any]) -> None:
    """The seed copy, checked, then the manifest; the copy is removed again if the manifest cannot be written."""
    _write_source_file(target, raw, digest)
    try:
        write_atomic(manifest_path, dump_json(new_man))
    except BaseException:
        target.unlink(missing_ok=True)
        raise


def register_prepared(texts: list[tuple[str, dict[str, Any], dict[str, Any]]], *, root: Path, write: bool = True,
                      review: str = REVIEW_NOTE) -> list[dict[str, Any]]:
    """Register texts that another step already cut and zoned (``newsgold import --from corefud``).

    ``texts``: ``(text, document fields {metadata, zones}, source fields {provenance, licence, ...})``;
    each text becomes one seed file ``NNN_<16 hex>.txt`` (its UTF-8 bytes) holding one document
    ``<16 hex>-01``. All or nothing: the manifest is written once, after every seed; nothing is
    written when one text is refused (same checks as :func:`add_source`). Returns the new documents.
    """
    seeds_dir, manifest_path = root / "seeds", root / "seeds" / "manifest.json"
    man = _read_manifest(manifest_path)
    new_man = {**man, "sources": list(man["sources"]), "documents": list(man["documents"])}
    planned: list[tuple[Path, bytes, str]] = []
    new_docs = []
    for text, doc_fields, source_fields in texts:
        raw = text.encode("utf-8")
        digest = hashlib.sha256(raw).hexdigest()
        fname = _new_seed_name(new_man, seeds_dir, digest, doc_fields["metadata"].get("headline", "(text)"))
        doc = {"id": f"{digest[:16]}-01", "source": fname, "start": 0, "end": len(text),
               "text_sha256": sha256_text(text), **doc_fields, "review": review}
        _check_new_documents([doc], new_man, text, str(manifest_path), fname)
        new_man["sources"].append({"file": fname, "sha256": digest, "encoding": "utf-8", "length": len(text),
                                   **source_fields})
        new_man["documents"].append(doc)
        new_docs.append(doc)
        planned.append((seeds_dir / fname, raw, digest))
    errors = [p for p in schema_problems("manifest", new_man, str(manifest_path), lambda p: 0) if p.severity == "error"]
    if errors:
        raise InputError(errors)
    if write:
        _write_sources(planned, manifest_path, new_man)
    return new_docs


def _write_sources(planned: list[tuple[Path, bytes, str]], manifest_path: Path, new_man: dict[str, Any]) -> None:
    written: list[Path] = []
    try:
        for target, raw, digest in planned:
            _write_source_file(target, raw, digest)
            written.append(target)
        write_atomic(manifest_path, dump_json(new_man))
    except BaseException:
        for target in written:
            target.unlink(missing_ok=True)
        raise


def _write_source_file(target: Path, raw: bytes, digest: str) -> None:
    """One seed copy, read back and checked; never left behind wrong."""
    write_atomic(target, raw)
    if hashlib.sha256(target.read_bytes()).hexdigest() != digest:
        target.unlink()
        raise _fail(str(target), "the copy differs from the source file; nothing registered", "seed-hash")
