"""``newsgold annotate packet``: exactly what an annotator receives for one document, and its hash.

A packet is a folder of a fixed set of files (GUIDELINES.md G-6, P-2): the codebook, the document
text and its zones, the declared stance targets, the JSON Schema of a pass file and an instruction
sheet, plus ``MANIFEST.sha256`` with the SHA-256 of each (``sha256sum -c`` reads it). The packet
hash is the SHA-256 of that manifest; a pass records it (``annotation.packet_sha256``), so a reader
can rebuild the packet from the repository at the pass's commit and check what the annotator had.
Nothing else goes in: never the gold, other passes, decision logs or the adjudication log.
The files are a pure function of the repository's files: the same input gives the same bytes.
"""
from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from newsgold.core.diagnostics import InputError, Problem
from newsgold.core.repository import current

MANIFEST = "MANIFEST.sha256"
# The files of a packet besides its manifest, in manifest order.
PACKET_FILES = ("CODEBOOK.md", "INSTRUCTIONS.md", "document.json", "document.txt", "pass.schema.json", "targets.json")

INSTRUCTIONS = """# Annotation packet for document {doc_id}

This folder is everything you receive for this document (GUIDELINES.md G-6, P-2). Do not look at
any other annotation of it: not the gold, not other passes, not decision logs.

- `CODEBOOK.md`: the codebook, version {version}. Follow it; where no rule decides, apply G-1 and
  write the case in `annotation.notes`.
- `document.txt`: the document text, exactly (UTF-8, no final newline added). Offsets are Unicode
  code points into this text, end exclusive: `text[start:end]`.
- `document.json`: the document id, the SHA-256 of the text, its zones and the codebook version.
- `targets.json`: the declared stance targets; copy its `targets` array verbatim into
  `stance.targets` (F-7). Do not add, drop or reword targets.
- `pass.schema.json`: the JSON Schema your file must satisfy.
- `MANIFEST.sha256`: the SHA-256 of every file above (`sha256sum -c MANIFEST.sha256` checks them).
  The **packet hash** is the SHA-256 of `MANIFEST.sha256` itself (`sha256sum MANIFEST.sha256`);
  `newsgold annotate packet` printed it when it wrote this folder.

## Your pass file

Write one file, `{doc_id}.json`, in the format of CODEBOOK.md §2 (F-1 to F-8), with this header:

```json
"annotation": {{
  "guidelines_version": "{version}",
  "annotator": "<your stable lowercase id, e.g. ann-a or llm-<model>-r1>",
  "annotator_kind": "human or machine",
  "model": {{"name": "<model or program name>", "version": "<its version>"}},
  "packet_sha256": "<the packet hash>",
  "date": "<YYYY-MM-DD, the day you made the pass, UTC>",
  "minutes_spent": null,
  "notes": "<G-1 cases, S-8 conflicts, undeclared positions; empty string if none>"
}}
```

`model` is required for a machine annotator and left out for a person. `minutes_spent` is the time
spent in minutes where known, otherwise `null`. Hand the file in as you produced it: it is
committed unedited, in its own commit, before any other pass of this document is read (P-10);
later corrections go to adjudication, never into your file.
"""


def _json_bytes(obj) -> bytes:
    return (json.dumps(obj, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _document(doc_id: str) -> dict:
    from newsgold.gold.manifest import read_manifest
    _, docs, problems = read_manifest()
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise InputError(errors)
    if doc_id not in docs:
        raise InputError(Problem(str(current().manifest), 0, "documents", f"unknown document id {doc_id!r}", "ref-document"))
    return docs[doc_id]


def _targets(doc_id: str) -> bytes:
    """The declared targets file as it is; for a document without one, a file saying so (no stance targets)."""
    path = current().annotations_dir / "targets" / f"{doc_id}.json"
    if not path.is_file():
        return _json_bytes({"doc_id": doc_id, "targets": [],
                            "note": "no targets file: no stance targets were declared for this document"})
    return path.read_bytes()


def build_packet(doc_id: str) -> dict[str, bytes]:
    """The packet's files by name, ``MANIFEST.sha256`` included; pure (reads, writes nothing)."""
    from newsgold.annotation.encoding import guidelines_version
    from newsgold.core.schema import dereferenced
    guidelines = current().annotations_dir / "GUIDELINES.md"
    if not guidelines.is_file():
        raise InputError(Problem(str(guidelines), 0, "", "no codebook here: packets are made in a clone of the repository "
                                 "(NEWSGOLD_HOME or the working folder), which holds annotations/GUIDELINES.md", "packet"))
    version = guidelines_version(guidelines)
    doc = _document(doc_id)
    files = {
        "CODEBOOK.md": guidelines.read_bytes(),
        "document.txt": doc["text"].encode("utf-8"),
        "document.json": _json_bytes({"doc_id": doc_id, "text_sha256": doc["text_sha256"], "codebook_version": version,
                                      "zones": doc["zones"]}),
        "targets.json": _targets(doc_id),
        "pass.schema.json": _json_bytes({"$schema": "https://json-schema.org/draft/2020-12/schema",
                                         **dereferenced("pass")}),
    }
    files["INSTRUCTIONS.md"] = INSTRUCTIONS.format(doc_id=doc_id, version=version).encode("utf-8")
    files[MANIFEST] = "".join(f"{hashlib.sha256(files[n]).hexdigest()}  {n}\n" for n in PACKET_FILES).encode("utf-8")
    return files


def packet_hash(files: dict[str, bytes]) -> str:
    """The packet hash: SHA-256 of its manifest."""
    return hashlib.sha256(files[MANIFEST]).hexdigest()


def write_packet(doc_id: str, out: str | Path) -> tuple[str, list[Path]]:
    """Write the packet of ``doc_id`` into the folder ``out`` (new or empty), atomically: the files
    appear together or not at all. Returns ``(packet hash, paths written)``."""
    files = build_packet(doc_id)
    out = Path(out)
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise InputError(Problem(str(out), 0, "", "the packet folder exists and is not empty; give a new folder", "packet-folder"))
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent))
    try:
        tmp.chmod(0o755)   # mkdtemp makes it private; a packet is meant to be handed on
        for name, data in files.items():
            (tmp / name).write_bytes(data)
        if out.exists():
            out.rmdir()
        tmp.rename(out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return packet_hash(files), [out / n for n in (*PACKET_FILES, MANIFEST)]


def read_packet_hash(folder: str | Path) -> tuple[str, str]:
    """``(doc_id, packet hash)`` of a packet folder, after checking every file against its manifest."""
    folder = Path(folder)
    try:
        manifest = (folder / MANIFEST).read_bytes()
        meta = json.loads((folder / "document.json").read_text(encoding="utf-8"))
        for line in manifest.decode("utf-8").splitlines():
            digest, name = line.split("  ", 1)
            if hashlib.sha256((folder / name).read_bytes()).hexdigest() != digest:
                raise InputError(Problem(str(folder / name), 0, "", f"differs from {MANIFEST}: the packet was changed", "packet"))
        return str(meta["doc_id"]), hashlib.sha256(manifest).hexdigest()
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise InputError(Problem(str(folder), 0, "", f"not a readable packet ({type(exc).__name__}: {exc})", "packet")) from None


@dataclass(frozen=True)
class PassHeader:
    """What ``newsgold import`` adds to each imported file's header for a protocol pass (P-2)."""
    packets: Mapping[str, str] = field(default_factory=dict)   # doc_id -> packet hash
    model: tuple[str, str] | None = None                        # (name, version) of a machine annotator
    date: str | None = None                                     # YYYY-MM-DD
    minutes_spent: float | None = None


def apply_pass_header(records: Mapping[str, dict], out: Path, header: PassHeader | None) -> list[Problem]:
    """Write the pass header into each record's ``annotation`` block; a record bound for
    ``annotations/passes/`` without its packet hash, or a machine pass without its model, is an error."""
    from newsgold.gold.read import is_protocol_pass
    header = header or PassHeader()
    problems = []
    for doc_id, rec in records.items():
        ann = rec["annotation"]
        extra: dict = {}
        if header.model is not None:
            extra["model"] = {"name": header.model[0], "version": header.model[1]}
        if doc_id in header.packets:
            extra["packet_sha256"] = header.packets[doc_id]
        if header.date is not None:
            extra["date"] = header.date
        if header.packets or header.date is not None:
            extra["minutes_spent"] = header.minutes_spent
        notes = ann.pop("notes", "")
        ann.update(extra, notes=notes)
        if is_protocol_pass(out / f"{doc_id}.json"):
            missing = [k for k in ("packet_sha256", "date") if k not in ann]
            missing += ["model"] if ann.get("annotator_kind") == "machine" and "model" not in ann else []
            if missing:
                problems.append(Problem(str(out / f"{doc_id}.json"), 0, "annotation",
                                        f"a pass in annotations/passes/ needs {', '.join(missing)} (GUIDELINES.md P-2): "
                                        "give --packet FOLDER (the packet it was made from), --date and, for a machine, "
                                        "--model NAME/VERSION", "pass-header"))
    return problems
