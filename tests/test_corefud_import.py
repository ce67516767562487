"""newsgold import --from corefud on the invented CorefUD file (tests/fixtures/corefud/invented_news.conllu),
in a copy of the repository: seeds, manifest entries, pass files and import records; expected values
worked out by hand from the fixture and the type table of annotations/GUM-TYPES.md."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "tools"))
import ng_tools_helpers as H

from newsgold.annotation import gum_types
from newsgold.annotation.corefud_import import import_corefud
from newsgold.core.diagnostics import InputError
from newsgold.formats import corefud

FIXTURE = Path(__file__).parent / "fixtures" / "corefud" / "invented_news.conllu"
META = {"corpus": "INVENTED", "release": "0.1", "commit": "0" * 40, "text_licence": "CC BY 2.5",
        "annotation_licence": "CC BY 4.0", "publisher": "Example News"}


@pytest.fixture
def imported(tmp_path):
    root = H.copy_repo(tmp_path)
    out = root / "annotations" / "sources" / "invented-0.1"
    lines = import_corefud([FIXTURE], out, "invented-0.1", META, root=root)
    return root, out, lines


def _new(root: Path):
    man = json.loads((root / "seeds" / "manifest.json").read_text(encoding="utf-8"))
    sources = {s["file"]: s for s in man["sources"]}
    return [(d, sources[d["source"]]) for d in man["documents"] if "attribution" in sources[d["source"]]]


def test_seeds_hold_the_rebuilt_text_with_zones_licence_and_attribution(imported):
    root, _, _ = imported
    new = _new(root)
    docs = corefud.read(FIXTURE)
    assert len(new) == 2
    (harbor, src), _ = new
    assert (root / "seeds" / src["file"]).read_text(encoding="utf-8") == docs[0].text
    assert [z["type"] for z in harbor["zones"]] == ["headline", "timestamp", "body", "caption", "body"]
    assert harbor["metadata"]["headline"] == "Harbor town opens floating library"
    assert harbor["metadata"]["date"] == "2026-05-04" and harbor["metadata"]["date_as_stated"] == "Monday, May 4, 2026"
    assert harbor["metadata"]["publisher"] == "Example News" and "review" in harbor
    att = src["attribution"]
    assert att["url"] == "https://news.example.org/wiki/Harbor_town_opens_floating_library"
    assert att["authors"] == "Invented Author, Second Writer"
    assert (att["corpus"], att["release"], att["commit"], att["corpus_document"]) == ("INVENTED", "0.1", "0" * 40,
                                                                                      "INVENTED_news_harbor")
    assert "CC BY 2.5" in src["licence"] and "CC BY 4.0" in src["licence"]


def test_the_corpus_annotation_is_not_a_protocol_pass(tmp_path):
    root = H.copy_repo(tmp_path)
    with pytest.raises(InputError) as exc:
        import_corefud([FIXTURE], root / "annotations" / "passes" / "invented-0.1", "invented-0.1", META, root=root)
    assert [p.rule for p in exc.value.problems] == ["out-folder"]


def test_annotation_file_carries_the_names_and_values_the_table_labels(imported):
    root, out, _ = imported
    (harbor, _), _ = _new(root)
    rec = json.loads((out / f"{harbor['id']}.json").read_text(encoding="utf-8"))
    got = [(m["text"], m["label"], m["cluster"]) for m in rec["entities"]["mentions"]]
    # by hand: "The town of Eastport" is a description with a name inside (listed); the name "Eastport" in it
    # is a mention of its own (GPE: no facility or feature word); "Mayor Lina Ortiz" loses its title (E-3.2);
    # "May 4, 2026" and both "Monday" are one GUM entity: one DATE cluster named by its first mention (E-8.7);
    # pronouns and descriptions ("it", "Employers' groups", "the pier") are not entities (E-1.2)
    assert got == [("Monday", "DATE", "monday"), ("May 4, 2026", "DATE", "monday"), ("Eastport", "GPE", "eastport"),
                   ("Monday", "DATE", "monday"), ("Lina Ortiz", "PERSON", "lina-ortiz")]
    assert rec["annotation"]["annotator_kind"] == "human" and "INVENTED 0.1" in rec["annotation"]["notes"]
    assert rec["quotes"] == [] and rec["stance"] == {"targets": [], "items": []}


def test_import_record_lists_what_the_passes_must_decide(imported):
    root, _, _ = imported
    (harbor, _), (ferry, _) = _new(root)
    rec = json.loads((root / "annotations" / "imports" / "invented-0.1" / f"{harbor['id']}.json").read_text("utf-8"))
    assert [(u["text"], u["source_type"]) for u in rec["undecided"]] == [("The town of Eastport", "place")]
    assert "inside a longer phrase" in rec["undecided"][0]["reason"]
    assert rec["not_entities"] == 12
    assert [q["text"] for q in rec["quotations"]] == ["\"will travel to every village on the coast.\""]
    assert rec["identities"] == {"eastport": "Eastport", "lina-ortiz": "Lina_Ortiz"}
    assert rec["ignored_by_reader"] == {"MISC Bridge": 1, "comment 's_type'": 1, "empty node": 1}
    ferry_rec = json.loads((root / "annotations" / "imports" / "invented-0.1" / f"{ferry['id']}.json").read_text("utf-8"))
    assert ferry_rec["undecided"] == [] and ferry_rec["not_entities"] == 3   # Ferry, A ferry … sturdy, Both


def test_the_shipped_checks_accept_the_result(imported):
    root, _, _ = imported
    env = {**os.environ, "NEWSGOLD_HOME": str(root)}
    r = subprocess.run([sys.executable, "-m", "newsgold.cli", "validate"], capture_output=True, text=True, env=env)
    assert r.returncode == 0, r.stdout + r.stderr


def test_missing_provenance_or_bad_file_writes_nothing(tmp_path):
    root = H.copy_repo(tmp_path)
    before = (root / "seeds" / "manifest.json").read_bytes()
    out = root / "annotations" / "sources" / "invented-0.1"
    with pytest.raises(InputError) as exc:
        import_corefud([FIXTURE], out, "invented-0.1", {k: v for k, v in META.items() if k != "commit"}, root=root)
    assert [p.path for p in exc.value.problems] == ["commit"]
    bad = tmp_path / "bad.conllu"
    bad.write_text(FIXTURE.read_text(encoding="utf-8").replace("Entity=6)5)", "Entity=6)"), encoding="utf-8")
    with pytest.raises(InputError) as exc:
        import_corefud([FIXTURE, bad], out, "invented-0.1", META, root=root)
    assert {p.rule for p in exc.value.problems} == {"entity-brackets"}
    assert (root / "seeds" / "manifest.json").read_bytes() == before and not out.exists()


def test_importing_twice_is_refused(imported):
    root, out, _ = imported
    with pytest.raises(InputError, match=r"already registered|same text"):
        import_corefud([FIXTURE], out, "invented-0.1", META, root=root)


def test_nested_names_keep_the_outer_one():
    row = "{}\t{}\t_\tPROPN\tNNP\t_\t{}\t{}\t_\t{}"
    text = "\n".join([row.format(1, "Eastport", 0, "root", "Entity=(1-place(2-place)"),
                      row.format(2, "Airport", 1, "flat", "Entity=1)"), ""])
    from newsgold.annotation.corefud_import import carried_mentions
    doc = corefud.parse(text)[0][0]
    labelled, flagged, not_entities = carried_mentions(doc)
    assert [(m.text, label) for m, label in labelled] == [("Eastport Airport", "FAC")]
    assert [(f["text"], f["reason"][:9]) for f in flagged] == [("Eastport", "nested in")] and not_entities == 0


def test_a_discontinuous_name_is_listed():
    row = "{}\t{}\t_\tPROPN\tNNP\t_\t{}\t{}\t_\t{}"
    text = "\n".join([row.format(1, "Lina", 0, "root", "Entity=(1[1/2]-person)"),
                      row.format(2, "Bay", 1, "flat", "Entity=(2-place)"),
                      row.format(3, "Ortiz", 1, "flat", "Entity=(1[2/2]-person)"), ""])
    from newsgold.annotation.corefud_import import carried_mentions
    labelled, flagged, _ = carried_mentions(corefud.parse(text)[0][0])
    assert [(m.text, label) for m, label in labelled] == [("Bay", "LOC")]
    assert [(f["text"], f["reason"][:15]) for f in flagged] == [("Lina Bay Ortiz", "a discontinuous")]


@pytest.mark.parametrize("etype, text, upos, label", [
    ("place", "Eastport Airport", ["PROPN", "PROPN"], "FAC"),
    ("place", "Red River", ["PROPN", "PROPN"], "LOC"),
    ("place", "Norhaven", ["PROPN"], "GPE"),
    ("time", "10:30 a.m.", ["NUM", "NOUN"], "TIME"),
    ("time", "last week", ["ADJ", "NOUN"], "DATE"),
    ("quantity", "12 %", ["NUM", "SYM"], "PERCENT"),
    ("quantity", "$ 5", ["SYM", "NUM"], "MONEY"),
    ("quantity", "5,000", ["NUM"], "CARDINAL"),
    ("quantity", "three tonnes", ["NUM", "NOUN"], None),
    ("object", "Titanic", ["PROPN"], None),
    ("person", "she", ["PRON"], None),
])
def test_type_table(etype, text, upos, label):
    d = gum_types.decide(etype, text, text.split(), upos)
    assert d.label == label
    assert d.entity == (upos != ["PRON"])


def test_table_document_matches_the_code():
    doc = (Path(__file__).parents[1] / "annotations" / "GUM-TYPES.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| `(\w+)` \| (\w+) \| (.+?) \| (.*?) \|$", doc, re.M)
    assert [(t, w, lab.replace("`", ""), rest.replace("`", "")) for t, w, lab, rest in rows] == \
        [tuple(r) for r in gum_types.TABLE]


def test_cli_dry_run_and_missing_provenance(tmp_path):
    root = H.copy_repo(tmp_path)
    env = {**os.environ, "NEWSGOLD_HOME": str(root)}
    before = (root / "seeds" / "manifest.json").read_bytes()
    (root / "annotations" / "sources").mkdir()      # the CLI writes into existing folders only
    base = [sys.executable, "-m", "newsgold.cli", "import", "--from", "corefud", str(FIXTURE),
            "--out-dir", str(root / "annotations" / "sources" / "invented-0.1"), "--annotator", "invented-0.1"]
    metas = [x for k, v in META.items() for x in ("--meta", f"{k}={v}")]
    r = subprocess.run(base + metas + ["--dry-run"], capture_output=True, text=True, env=env)
    assert r.returncode == 0, r.stderr
    assert "INVENTED_news_harbor -> " in r.stdout and "dry run: nothing written" in r.stdout
    r = subprocess.run(base + ["--meta", "corpus=X"], capture_output=True, text=True, env=env)
    assert r.returncode == 1 and "--meta: release:" in r.stderr
    assert (root / "seeds" / "manifest.json").read_bytes() == before
