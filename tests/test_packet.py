"""``newsgold annotate packet``: exactly what an annotator receives (GUIDELINES.md G-6, P-2).

The expected contents come from the repository's files read here directly (the seed slice, the
targets file, the codebook), and the hashes from hashlib, never from the packet module itself.
"""
from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from newsgold.core.repository import current

NEWSGOLD = Path(sys.executable).with_name("newsgold")
ROOT = current().root
MANIFEST = json.loads((ROOT / "seeds" / "manifest.json").read_text(encoding="utf-8"))
DOCS = [d for d in MANIFEST["documents"] if (ROOT / "annotations" / "gold" / f"{d['id']}.json").is_file()]
FILES = ["CODEBOOK.md", "INSTRUCTIONS.md", "MANIFEST.sha256", "document.json", "document.txt", "pass.schema.json",
         "targets.json"]


def _text(doc: dict) -> str:
    return (ROOT / "seeds" / doc["source"]).read_text(encoding="utf-8")[doc["start"]:doc["end"]]


def _packet(doc_id: str, out: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(NEWSGOLD), "annotate", "packet", doc_id, "--out-dir", str(out)], capture_output=True, text=True)


@pytest.fixture(params=[d["id"] for d in DOCS])
def packet(request, tmp_path):
    r = _packet(request.param, tmp_path / "p")
    assert r.returncode == 0, r.stderr
    doc = next(d for d in DOCS if d["id"] == request.param)
    return doc, tmp_path / "p", r.stdout


def test_packet_holds_exactly_the_annotator_material(packet):
    doc, folder, _stdout = packet
    assert sorted(p.name for p in folder.iterdir()) == FILES
    assert (folder / "document.txt").read_text(encoding="utf-8") == _text(doc)
    assert (folder / "CODEBOOK.md").read_bytes() == (ROOT / "annotations" / "GUIDELINES.md").read_bytes()
    assert (folder / "targets.json").read_bytes() == (ROOT / "annotations" / "targets" / f"{doc['id']}.json").read_bytes()
    meta = json.loads((folder / "document.json").read_text(encoding="utf-8"))
    assert meta["doc_id"] == doc["id"] and meta["zones"] == doc["zones"]
    assert meta["text_sha256"] == hashlib.sha256(_text(doc).encode("utf-8")).hexdigest()
    schema = json.loads((folder / "pass.schema.json").read_text(encoding="utf-8"))
    assert "packet_sha256" in json.dumps(schema) and "$ref" not in json.dumps(schema)   # self-contained


def test_manifest_hashes_every_file_and_the_packet_hash_is_its_sha256(packet):
    _doc, folder, stdout = packet
    lines = (folder / "MANIFEST.sha256").read_text(encoding="utf-8").splitlines()
    listed = {name: digest for digest, name in (line.split("  ") for line in lines)}
    assert sorted(listed) == sorted(set(FILES) - {"MANIFEST.sha256"})
    for name, digest in listed.items():
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == digest, name
    assert hashlib.sha256((folder / "MANIFEST.sha256").read_bytes()).hexdigest() in stdout


def test_packet_contains_no_gold(packet):
    """By content: no gold quote content, no stance item of the gold, no adjudication or decision text,
    in any file but the document text itself."""
    doc, folder, _ = packet
    gold = json.loads((ROOT / "annotations" / "gold" / f"{doc['id']}.json").read_text(encoding="utf-8"))
    others = {p.name: p.read_text(encoding="utf-8") for p in folder.iterdir() if p.name != "document.txt"}
    entity_targets = {t.get("cluster") for t in gold["stance"]["targets"]}
    for name, text in others.items():
        for q in gold["quotes"]:
            for span in q["content"]:
                assert span["text"] not in text, (name, span["text"])
        for item in gold["stance"]["items"]:
            assert f'"holder": "{item["holder"]}"' not in text, (name, item)
            if item["holder"] not in entity_targets:      # an entity target names its cluster in targets.json
                assert item["holder"] not in text, (name, item["holder"])
        assert "ADJ-0" not in text and gold["annotation"]["notes"][:60] not in text, name


def test_same_input_same_bytes_and_a_used_folder_is_refused(packet, tmp_path):
    doc, folder, _ = packet
    again = tmp_path / "again"
    assert _packet(doc["id"], again).returncode == 0
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == {p.name: p.read_bytes() for p in again.iterdir()}
    r = _packet(doc["id"], folder)
    assert r.returncode == 1 and "not empty" in r.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["again", "p"]          # nothing half-written left behind


def test_unknown_document_and_usage():
    r = _packet("no-such-doc", Path("unused"))
    assert r.returncode == 1 and "no-such-doc" in r.stderr and not Path("unused").exists()
    r = subprocess.run([str(NEWSGOLD), "annotate", "packet", DOCS[0]["id"]], capture_output=True, text=True)
    assert r.returncode == 2 and "--out-dir" in r.stderr
