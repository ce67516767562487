"""Scoring against any gold, release status, a missing dataset, and the distribution forms (Croissant, Hub folder)."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

import newsgold
from newsgold import cli
from newsgold.core.diagnostics import InputError
from newsgold.gold import releases
from newsgold.gold.load import load_gold
from newsgold.release import export
from newsgold.scoring import signature

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "baselines" / "rules.jsonl"
MINIMAL = [{"id": "n1", "text": "Kyiv said on Monday that Olena Zelenska met Macron.",
            "entities": [{"start": 0, "end": 4, "label": "GPE"}, {"start": 13, "end": 19, "label": "DATE"},
                         {"start": 25, "end": 39, "label": "PERSON"}, {"start": 44, "end": 50, "label": "PERSON"}]}]


def _jsonl(path: Path, rows) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def shipped():
    return load_gold()


def _score_json(capsys, *args: str) -> dict:
    capsys.readouterr()
    assert cli.main(["score", *args, "--format", "json", "--resamples", "0", "--task", "entities"]) == 0
    return json.loads(capsys.readouterr().out)


def test_minimal_jsonl_gold_hand_worked(tmp_path, capsys):
    gold = _jsonl(tmp_path / "gold.jsonl", MINIMAL)
    pred = _jsonl(tmp_path / "pred.jsonl", [{"doc_id": "n1", "entities": [
        {"start": 0, "end": 4, "label": "GPE"}, {"start": 25, "end": 31, "label": "PERSON"}, {"start": 44, "end": 50, "label": "ORG"}]}])
    out = _score_json(capsys, str(pred), "--gold", str(gold))
    counts = out["tasks"]["entities"]["counts"]["overall"]
    # GPE exact; Olena (25:31) inside "Olena Zelenska" (partial); Macron typed ORG; DATE missed
    assert counts["strict"] == {"correct": 1, "incorrect": 2, "partial": 0, "missed": 1, "spurious": 0}
    assert counts["partial"] == {"correct": 2, "incorrect": 0, "partial": 1, "missed": 1, "spurious": 0}
    fields = signature.parse(out["signature"])
    g = load_gold(gold)
    assert fields["data"] == f"custom+{g.content_hash[:12]}" and g.version == releases.CUSTOM


def test_minimal_gold_is_checked_with_lines(tmp_path, capsys):
    rows = MINIMAL + [{"id": "n2", "text": "Paris.", "entities": [{"start": 0, "end": 9, "label": "GPE"}]},
                      {"id": "n3", "text": "Rome.", "entities": [{"start": 0, "end": 4, "label": "CITY"}]}]
    gold = _jsonl(tmp_path / "gold.jsonl", rows)
    pred = _jsonl(tmp_path / "pred.jsonl", [{"doc_id": "n1", "entities": []}])
    assert cli.main(["score", str(pred), "--gold", str(gold), "--resamples", "0"]) == 1
    err = capsys.readouterr().err
    assert f"{gold}:2: entities/mentions/0" in err and f"{gold}:3: entities/mentions/0/label" in err


def test_every_form_of_our_gold_gives_the_same_content_and_signature(tmp_path, shipped, capsys):
    hub = tmp_path / "hub"
    export.export_hub(hub)
    forms = [str(ROOT), str(hub), str(hub / "data" / "documents" / "test.jsonl")]
    expected = f"newsgold-{shipped.version}+{shipped.content_hash[:12]}"
    for form in forms:
        g = load_gold(form)
        assert (g.version, g.content_hash, sorted(g.docs)) == (shipped.version, shipped.content_hash, sorted(shipped.docs)), form
    first = _score_json(capsys, str(BASELINE))
    assert signature.parse(first["signature"])["data"] == expected
    for form in forms:
        assert _score_json(capsys, str(BASELINE), "--gold", form) == first, form


def test_saved_documents_dataset_scores_the_same(tmp_path, shipped, capsys):
    """A `save_to_disk` copy of the release is recognised as the release: `datasets` keeps the texts and
    layers but makes a missing key and a null one, so the copy is compared with the release by its
    records (up to nulls and the version stamps), and the release's content hash is used."""
    newsgold.load("documents").save_to_disk(str(tmp_path / "saved"))
    g = load_gold(tmp_path / "saved")
    assert g.version == shipped.version and sorted(g.docs) == sorted(shipped.docs)
    for doc_id, doc in shipped.docs.items():
        for key in ("text", "zones", "entities", "quotes", "stance"):
            assert g.docs[doc_id][key] == doc[key], (doc_id, key)
    first = _score_json(capsys, str(BASELINE))
    saved = _score_json(capsys, str(BASELINE), "--gold", str(tmp_path / "saved"))
    assert saved["tasks"] == first["tasks"]
    assert signature.parse(saved["signature"])["data"] == f"newsgold-{g.version}+{g.content_hash[:12]}"
    assert g.content_hash == shipped.content_hash and releases.is_released(g.version, g.content_hash)


def test_an_edited_saved_copy_is_not_the_release(tmp_path, shipped):
    ds = newsgold.load("documents")

    def relabel(row, i):
        if i == 0:                                   # one headline changed (labels are checked against clusters)
            row["metadata"]["headline"] += " (edited)"
        return row

    ds.map(relabel, with_indices=True).save_to_disk(str(tmp_path / "edited"))
    g = load_gold(tmp_path / "edited")
    assert g.version == shipped.version and g.content_hash != shipped.content_hash
    assert "NOT the released" in releases.status(g.version, g.content_hash)


def test_saved_minimal_dataset(tmp_path):
    datasets = pytest.importorskip("datasets")
    d = datasets.Dataset.from_list(MINIMAL)
    datasets.DatasetDict({"test": d}).save_to_disk(str(tmp_path / "dd"))
    g = load_gold(tmp_path / "dd")
    assert g.version == releases.CUSTOM and g.content_hash == load_gold(_jsonl(tmp_path / "g.jsonl", MINIMAL)).content_hash


def _recorded(version: str) -> releases.Release:
    """The release record of ``version`` in the repository's releases.json (read here, not by the code under test)."""
    rows = json.loads((ROOT / "releases.json").read_text(encoding="utf-8"))
    row = next(r for r in rows if r["version"] == version)
    return releases.Release(row["version"], row["date"], row["content_hash"])


def test_release_status(shipped):
    rec = _recorded(shipped.version)
    assert rec.content_hash == shipped.content_hash
    assert f"released {rec.date}" in releases.status(shipped.version, shipped.content_hash)
    assert releases.is_released(shipped.version, shipped.content_hash)
    assert "NOT the released" in releases.status(shipped.version, "0" * 64)
    assert "unreleased" in releases.status("9.9.9", "0" * 64)
    assert "custom gold" in releases.status(releases.CUSTOM, "0" * 64)


def test_validate_and_stats_say_which_gold(capsys):
    assert cli.main(["validate"]) == 0
    version = (ROOT / "VERSION").read_text(encoding="utf-8").strip()
    assert f"gold: NewsGold {version}, content hash" in capsys.readouterr().out
    assert cli.main(["stats"]) == 0
    assert f"released {_recorded(version).date}" in capsys.readouterr().out.splitlines()[0]


@pytest.mark.parametrize("argv", [["validate"], ["score", str(BASELINE)], ["stats"], ["validate", str(BASELINE)]])
def test_no_dataset_is_one_clear_message(tmp_path, monkeypatch, capsys, argv):
    monkeypatch.setenv("NEWSGOLD_HOME", str(tmp_path))
    assert cli.main(argv) == 1
    err = capsys.readouterr().err
    assert "--gold" in err and "NEWSGOLD_HOME" in err and "internal error" not in err and "Traceback" not in err


def test_no_dataset_in_python(tmp_path, monkeypatch):
    monkeypatch.setenv("NEWSGOLD_HOME", str(tmp_path))
    with pytest.raises(InputError, match="--gold"):
        newsgold.load("entities")
    with pytest.raises(InputError, match="NEWSGOLD_HOME"):
        newsgold.score(str(BASELINE))


def test_hub_folder_as_newsgold_home(tmp_path, monkeypatch, shipped, capsys):
    export.export_hub(tmp_path / "hub")
    monkeypatch.setenv("NEWSGOLD_HOME", str(tmp_path / "hub"))
    assert load_gold().content_hash == shipped.content_hash
    assert cli.main(["validate"]) == 0


# ---------------------------------------------------------------- distribution forms

def test_hub_export_refuses_the_repository_and_a_non_empty_folder(tmp_path, capsys):
    readme = (ROOT / "README.md").read_bytes()
    assert cli.main(["export", "--hub", str(ROOT)]) == 1
    assert cli.main(["export", "--hub", str(ROOT), "--force"]) == 1
    assert (ROOT / "README.md").read_bytes() == readme
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "notes.txt").write_text("mine", encoding="utf-8")
    assert cli.main(["export", "--hub", str(tmp_path / "busy")]) == 1
    assert "--force" in capsys.readouterr().err
    assert cli.main(["export", "--hub", str(tmp_path / "busy"), "--force"]) == 0
    lines = (tmp_path / "busy" / "SHA256SUMS").read_text(encoding="utf-8").splitlines()
    assert any(line.endswith("  data/documents/test.jsonl") for line in lines)


def test_checksums_are_written_last(tmp_path, monkeypatch):
    written = []
    real = export.write_atomic
    monkeypatch.setattr(export, "write_atomic", lambda p, d: (written.append(Path(p).name), real(p, d))[1])
    export.export_hub(tmp_path / "hub")
    assert written[-1] == export.CHECKSUMS and written.count(export.CHECKSUMS) == 1


def test_croissant_loads_every_record_set(tmp_path, shipped):
    mlc = pytest.importorskip("mlcroissant")
    from newsgold.release import build
    out = tmp_path / "elsewhere" / "croissant.json"        # away from the data: the data files are written beside it
    out.parent.mkdir()
    export.export_croissant(out)
    moved = tmp_path / "moved"
    shutil.move(out.parent, moved)                         # self-contained: still loads once moved
    out = moved / "croissant.json"
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert {d["contentUrl"] for d in doc["distribution"]} == {f"data/{c}/test.jsonl" for c in build.hf.CONFIGS}
    assert doc["datePublished"] == _recorded((ROOT / "VERSION").read_text(encoding="utf-8").strip()).date
    ds = mlc.Dataset(jsonld=str(out))
    rows = build.render_rows(shipped)
    for config in ("documents", "entities", "ner", "quotes", "stance"):
        records = list(ds.records(config))
        assert len(records) == len(rows[config]), config
    docs = {r["documents/id"].decode(): r for r in ds.records("documents")}
    for doc_id, gold_doc in shipped.docs.items():
        mentions = docs[doc_id]["documents/entities/mentions"]
        assert [(m["documents/entities/mentions/start"], m["documents/entities/mentions/end"]) for m in mentions] == \
               [(m["start"], m["end"]) for m in gold_doc["entities"]["mentions"]]
        aliases = [c["documents/entities/clusters/aliases"] for c in docs[doc_id]["documents/entities/clusters"]]
        assert [[a.decode() for a in (x or [])] for x in aliases] == [c.get("aliases", []) for c in gold_doc["entities"]["clusters"]]


def test_croissant_inside_a_copy_keeps_plain_relative_urls(tmp_path):
    copy = tmp_path / "copy"
    for rel in ("seeds", "annotations/gold", "schema", "data"):
        shutil.copytree(ROOT / rel, copy / rel)
    for rel in ("VERSION", "releases.json", "README.md"):
        shutil.copy2(ROOT / rel, copy / rel)
    export.export_croissant(copy / "croissant.json", root=copy)
    doc = json.loads((copy / "croissant.json").read_text(encoding="utf-8"))
    assert {d["contentUrl"] for d in doc["distribution"]} == {f"data/{c}/test.jsonl" for c in
                                                              ("documents", "entities", "ner", "quotes", "stance")}
