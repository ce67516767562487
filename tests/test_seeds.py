"""The seed files and the manifest that cuts them: read-only source, exact slices, exact hashes.

Everything is recomputed here from the raw bytes with hashlib and plain slicing; the
toolkit is only used where the test is about the toolkit (reading the manifest, and the
segmentation heuristics that proposed it).
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from newsgold.core.repository import current
from newsgold.gold import segment
from newsgold.gold.manifest import read_manifest

ROOT = current().root   # NEWSGOLD_HOME, when set, points the data tests at another copy
SEEDS = ROOT / "seeds"
MANIFEST = json.loads((SEEDS / "manifest.json").read_text(encoding="utf-8"))
SOURCE_FILES = [s["file"] for s in MANIFEST["sources"]]
DOC_IDS = [d["id"] for d in MANIFEST["documents"]]
ZONE_TYPES = set(json.loads((ROOT / "schema" / "common.schema.json").read_text(encoding="utf-8"))
                 ["$defs"]["zone"]["properties"]["type"]["enum"])


def source_text(name: str) -> str:
    return (SEEDS / name).read_bytes().decode("utf-8")


def doc(doc_id: str) -> dict:
    return next(d for d in MANIFEST["documents"] if d["id"] == doc_id)


def doc_text(doc_id: str) -> str:
    d = doc(doc_id)
    return source_text(d["source"])[d["start"]:d["end"]]


def test_manifest_lists_every_seed_file_and_only_those():
    on_disk = sorted(p.name for p in SEEDS.iterdir() if p.is_file() and p.name != "manifest.json")
    assert sorted(SOURCE_FILES) == on_disk
    assert MANIFEST["documents"]


@pytest.mark.parametrize("name", SOURCE_FILES)
def test_seed_sha256_and_length_match_manifest(name):
    src = next(s for s in MANIFEST["sources"] if s["file"] == name)
    raw = (SEEDS / name).read_bytes()
    assert hashlib.sha256(raw).hexdigest() == src["sha256"]
    assert src["encoding"] == "utf-8"
    text = raw.decode("utf-8")            # strict: a seed is valid UTF-8
    assert len(text) == src["length"]     # code points, as offsets are
    assert not raw.startswith(b"\xef\xbb\xbf")
    assert b"\r" not in raw


@pytest.mark.parametrize("doc_id", DOC_IDS)
def test_document_text_is_the_exact_slice_and_hash_matches(doc_id):
    d = doc(doc_id)
    src = source_text(d["source"])
    assert 0 <= d["start"] < d["end"] <= len(src)
    text = src[d["start"]:d["end"]]
    assert hashlib.sha256(text.encode("utf-8")).hexdigest() == d["text_sha256"]
    # no stray blank lines or spaces at either end of a document
    assert text == text.strip()


def test_documents_do_not_overlap_and_only_blank_lines_between():
    by_source: dict[str, list] = {}
    for d in MANIFEST["documents"]:
        by_source.setdefault(d["source"], []).append((d["start"], d["end"]))
    for name, ranges in by_source.items():
        src = source_text(name)
        ranges.sort()
        pos = 0
        for start, end in ranges:
            assert start >= pos
            assert src[pos:start].strip() == ""
            pos = end
        assert src[pos:].strip() == ""


def test_toolkit_reads_the_same_texts():
    _, docs, problems = read_manifest()
    assert problems == []
    assert list(docs) == DOC_IDS
    for doc_id in DOC_IDS:
        assert docs[doc_id]["text"] == doc_text(doc_id)
        assert docs[doc_id]["text_sha256"] == doc(doc_id)["text_sha256"]


@pytest.mark.parametrize("doc_id", DOC_IDS)
def test_zones_tile_the_document(doc_id):
    zones = doc(doc_id)["zones"]
    text = doc_text(doc_id)
    assert zones, "a document has at least one zone"
    pos = 0
    for z in zones:
        assert z["type"] in ZONE_TYPES
        assert z["start"] == pos, f"gap or overlap at {pos}"
        assert z["end"] > z["start"]
        pos = z["end"]
    assert pos == len(text)


@pytest.mark.parametrize("doc_id", DOC_IDS)
def test_document_starts_with_its_headline(doc_id):
    d = doc(doc_id)
    text = doc_text(doc_id)
    headline = d["metadata"]["headline"]
    assert headline and headline == headline.strip()
    assert text.startswith(headline + "\n")
    first = d["zones"][0]
    assert first["type"] == "headline" and first["start"] == 0
    assert text[first["start"]:first["end"]].strip() == headline


def test_document_ids_are_unique():
    assert len(DOC_IDS) == len(set(DOC_IDS))


def test_document_ids_name_their_seed():
    for d in MANIFEST["documents"]:
        stem = Path(d["source"]).stem.split("_", 1)[1]
        assert d["id"].startswith(stem + "-")


@pytest.mark.parametrize("name", SOURCE_FILES)
def test_segmenter_reproduces_the_document_cut(name):
    src = source_text(name)
    manifest_cut = [(d["start"], d["end"]) for d in MANIFEST["documents"] if d["source"] == name]
    assert segment.propose_documents(src) == manifest_cut


@pytest.mark.parametrize("doc_id", DOC_IDS)
def test_segmenter_reproduces_the_zones(doc_id):
    assert segment.propose_zones(doc_text(doc_id)) == doc(doc_id)["zones"]


def test_segmenter_zones_always_tile():
    """On arbitrary page-like text the proposal still tiles from 0 to the end."""
    samples = [
        "Title\n\nShort Url\nUpdated 1 May 2026\nFollow\n\nTitle\n\n  • a bullet\n\nLONDON: Body text.\nMore.\n\n*With AFP",
        "Only one line",
        "Head\nA caption here. (Someone)\nbody\n\n\n",
        "x\n\n\n\ny",
    ]
    for text in samples:
        zones = segment.propose_zones(text)
        pos = 0
        for z in zones:
            assert z["start"] == pos and z["end"] > z["start"]
            pos = z["end"]
        assert pos == len(text)
