"""Other people's gold as full gold records (read for :func:`newsgold.gold.load.load_gold`).

Two forms are completed here:

* a ``datasets`` dataset saved with ``save_to_disk`` (a ``Dataset`` or a ``DatasetDict``
  with a ``test`` split), in the ``documents`` layout or the minimal one below;
* a minimal JSON Lines file for people with their own annotated news, one document a line::

      {"id": "d1", "text": "...", "entities": [{"start": 0, "end": 5, "label": "PERSON"}],
       "quotes": [...], "stance": {...}}                        # quotes and stance optional

A minimal record is completed, never guessed at: the span texts are cut from the text,
every mention is its own entity cluster unless it names one (``"cluster"``), the whole
text is one ``body`` zone, the metadata stays empty. The completed record is then checked
by the same rules as NewsGold's gold (offsets, labels, duplicates), with the line of the
input. A gold that is not NewsGold's gets the data version ``custom``, so every
signature names the gold actually used (``data:custom+<hash>``).
"""
from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path

from newsgold.core.diagnostics import InputError, Problem
from newsgold.core.jsonio import json_objects
from newsgold.core.schema import schema_problems
from newsgold.gold.releases import CUSTOM
from newsgold.gold.rules import check_gold_layers, check_zones, sha256_text

FULL_KEYS = ("text_sha256", "metadata", "zones")   # a record with these is in the documents layout
MAX_DOCUMENTS = 1_000_000                            # a cap on what a saved dataset may hand us


def version_of(records: dict[str, dict]) -> str:
    """NewsGold's version when the records carry its stamp (a saved ``documents`` config), else custom."""
    versions = {(r.get("metadata") or {}).get("dataset_version") for r in records.values()}
    only = versions.pop() if len(versions) == 1 else None
    return only if isinstance(only, str) and only else CUSTOM


# ---------------------------------------------------------------- completing records

def _with_text(span, text: str):
    """A span with its text cut from the document when it has none (offsets checked later)."""
    if not isinstance(span, dict) or "text" in span:
        return span
    s, e = span.get("start"), span.get("end")
    ok = isinstance(s, int) and isinstance(e, int) and 0 <= s <= e <= len(text)
    return {**span, "text": text[s:e] if ok else ""}


def _entities(value, text: str) -> dict:
    """Gold entities (mentions and clusters) from a list of spans, or as given in the gold layout."""
    if isinstance(value, dict):
        return value
    mentions = []
    for i, m in enumerate(value if isinstance(value, list) else []):
        if not isinstance(m, dict):
            mentions.append(m)   # the schema reports it
            continue
        m = _with_text({k: m[k] for k in ("id", "start", "end", "text", "label", "cluster") if k in m}, text)
        mentions.append({"id": f"m{i + 1}", **m, "cluster": m.get("cluster", f"c{i + 1}")})
    clusters: dict[str, dict] = {}
    for m in mentions:
        if isinstance(m, dict) and isinstance(m.get("cluster"), str) and m["cluster"] not in clusters:
            clusters[m["cluster"]] = {"id": m["cluster"], "name": m.get("text") or m["cluster"], "type": m.get("label")}
    return {"mentions": mentions, "clusters": list(clusters.values())}


def _quotes(value, text: str) -> list:
    out = []
    for i, q in enumerate(value if isinstance(value, list) else []):
        if not isinstance(q, dict):
            out.append(q)
            continue
        content = q.get("content")
        content = [content] if isinstance(content, dict) else content
        q = {"id": f"q{i + 1}", "cue": None, "speaker": None, "speaker_cluster": None, **q,
             "content": [_with_text(s, text) for s in content] if isinstance(content, list) else content}
        for part in ("cue", "speaker"):
            q[part] = _with_text(q[part], text)
        out.append(q)
    return out


def complete_record(rec: dict, text: str) -> dict:
    """A full gold record from a minimal one (records in the documents layout pass unchanged)."""
    if all(k in rec for k in FULL_KEYS):
        return rec
    meta: dict = rec["metadata"] if isinstance(rec.get("metadata"), dict) else {}
    out = {"id": rec.get("id", rec.get("doc_id")), "text": text, "text_sha256": sha256_text(text),
           "metadata": {"headline": "", "language": "und", **meta},
           "zones": rec.get("zones") or [{"start": 0, "end": len(text), "type": "body"}],
           "entities": _entities(rec.get("entities", []), text),
           "quotes": _quotes(rec.get("quotes", []), text),
           "stance": rec.get("stance") or {"targets": [], "items": []}}
    return out


def check_record(rec: dict, name: str, lineno: int) -> list[Problem]:
    """The checks every gold record gets (schema, text hash, zones, layers), at the input's line."""
    lf = lambda p: lineno
    problems = schema_problems("gold", rec, name, lf)
    text = rec["text"]
    if rec.get("text_sha256") != sha256_text(text):
        problems.append(Problem(name, lineno, "text_sha256", "text_sha256 does not match the text", "text-hash"))
    problems += check_zones(rec.get("zones"), text, name, lf)
    problems += check_gold_layers(rec, text, name, lf, codebook=False)
    return problems


def complete_records(rows: Iterable[tuple[int, object, list[Problem]]], name: str) -> tuple[dict[str, dict], list[Problem]]:
    """Complete and check ``(line, record, read problems)`` rows; records by id and every problem."""
    out: dict[str, dict] = {}
    problems: list[Problem] = []
    for lineno, rec in json_objects(rows, name, problems):
        text = rec.get("text")
        if not isinstance(text, str) or not text:
            problems.append(Problem(name, lineno, "text", "a gold document needs its text (a non-empty string)", "gold-text"))
            continue
        full = complete_record(rec, text)
        problems += check_record(full, name, lineno)
        rid = full.get("id")
        if not isinstance(rid, str):
            continue   # the schema has reported it
        if rid in out:
            problems.append(Problem(name, lineno, "id", f"duplicate document id {rid!r}", "unique-id"))
        out[rid] = full
    return out, problems


# ---------------------------------------------------------------- datasets saved to disk

def is_saved_dataset(path: Path) -> bool:
    return (path / "dataset_dict.json").is_file() or ((path / "state.json").is_file() and (path / "dataset_info.json").is_file())


def _decode(value, feature):
    """Class ids back to label names, recursively through structs and lists."""
    from datasets import ClassLabel
    if value is None:
        return None
    if isinstance(feature, ClassLabel):
        return feature.int2str(value) if isinstance(value, int) and value >= 0 else value
    if isinstance(feature, dict):
        return {k: _decode(v, feature.get(k)) for k, v in value.items()} if isinstance(value, dict) else value
    inner = getattr(feature, "feature", None)
    if inner is not None and isinstance(value, list):
        return [_decode(v, inner) for v in value]
    return value


NULLABLE = ("cue", "speaker", "speaker_cluster")   # the gold keys whose null is a value (common.schema.json)


def _drop_absent(value):
    """``datasets`` gives every declared key, None where a record lacks it: drop those Nones.

    A None is kept only where the gold schema allows null (:data:`NULLABLE`), so a saved
    ``documents`` config gives back the records it was made from (and their content hash).
    """
    if isinstance(value, dict):
        return {k: _drop_absent(v) for k, v in value.items() if v is not None or k in NULLABLE}
    if isinstance(value, list):
        return [_drop_absent(v) for v in value]
    return value


def saved_dataset_rows(path: Path) -> Iterator[tuple[int, dict, list[Problem]]]:
    """Rows of a saved ``Dataset`` (or the ``test`` split of a ``DatasetDict``), labels as names."""
    from datasets import DatasetDict, load_from_disk
    ds = load_from_disk(str(path))
    if isinstance(ds, DatasetDict):
        if "test" not in ds and len(ds) != 1:
            raise InputError(Problem(str(path), 0, "", f"a DatasetDict with splits {', '.join(ds)}: save the split to score "
                                     "against (or name it 'test')", "gold-split"))
        ds = ds["test"] if "test" in ds else next(iter(ds.values()))
    if len(ds) > MAX_DOCUMENTS:
        raise InputError(Problem(str(path), 0, "", f"{len(ds)} rows: more than {MAX_DOCUMENTS} documents", "size"))
    for i, row in enumerate(ds, 1):
        rec = _drop_absent(_decode(row, ds.features))
        if rec.get("annotation") == {}:
            del rec["annotation"]
        yield i, json.loads(json.dumps(rec)), []
