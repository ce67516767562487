"""newsgold build / export / hf.load: data files, README features, Hugging Face loading, Croissant.

Everything runs on temporary copies: a small synthetic repository made here (with the
tricky cases: a mention ending inside a token, a no-break space inside a mention,
``U.S.``, a quote with no cue or speaker, documents with different metadata keys) and,
when the shipped gold exists, a copy of the real seeds and annotations. Nothing in the
repository is written. ``datasets.load_dataset`` runs for real, offline.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

import pytest

from newsgold.core import repository
from newsgold.core.diagnostics import InputError
from newsgold.core.schema import ENTITY_LABELS, QUOTE_TYPES, STANCE_LABELS, ZONE_TYPES
from newsgold.gold.load import load_gold
from newsgold.release import build, export, hf

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")

datasets = pytest.importorskip("datasets")
datasets.disable_progress_bars()

README_BODY = "# NewsGold\n\nBody written by hand: keep it.\n\n---\n\nA rule line above must not be taken for front matter.\n"

DOC_A = (
    "Syria’s president tells Trump of joint efforts\n"
    "LONDON: Syria’s President Ahmed Al-Sharaa spoke with U.S. President Donald\u00a0Trump on Tuesday, the presidency said.\n"
    "“We will not allow Daesh to return,” Al-Sharaa said. He added that the talks were ‘constructive’.\n"
    "Mr. Trump said the U.S. would help, according to the White House."
)
DOC_B = (
    "Hamas welcomes Board of Peace meeting\n"
    "GAZA CITY: Hamas said on Thursday it welcomed the first meeting of the Board of Peace. "
    "The group’s spokesman, Hazem Qassem, said the board must “end the aggression”.\n"
    "“Peace is near,” read a banner in Gaza."
)


def _at(text: str, s: str, n: int = 1) -> dict:
    i = -1
    for _ in range(n):
        i = text.index(s, i + 1)
    return {"start": i, "end": i + len(s), "text": s}


def _mention(text, s, label, cluster, n=1, mid=None):
    m = {**_at(text, s, n), "label": label, "cluster": cluster}
    if mid:
        m["id"] = mid
    return m


def _zones(text: str, dateline: str) -> list[dict]:
    h = text.index("\n") + 1
    d = h + len(dateline)
    return [{"start": 0, "end": h, "type": "headline"}, {"start": h, "end": d, "type": "dateline"},
            {"start": d, "end": len(text), "type": "body"}]


def _annotations() -> dict[str, dict]:
    a, b = DOC_A, DOC_B
    ents_a = [
        _mention(a, "Syria", "GPE", "syria", 1, "m1"), _mention(a, "Trump", "PERSON", "trump", 1, "m2"),
        _mention(a, "LONDON", "GPE", "london", 1, "m3"), _mention(a, "Syria", "GPE", "syria", 2, "m4"),
        _mention(a, "Ahmed Al-Sharaa", "PERSON", "sharaa", 1, "m5"), _mention(a, "U.S.", "GPE", "us", 1, "m6"),
        _mention(a, "Donald\u00a0Trump", "PERSON", "trump", 1, "m7"), _mention(a, "Tuesday", "DATE", "tuesday", 1, "m8"),
        _mention(a, "Daesh", "ORG", "daesh", 1, "m9"), _mention(a, "Al-Sharaa", "PERSON", "sharaa", 2, "m10"),
        _mention(a, "Trump", "PERSON", "trump", 3, "m11"), _mention(a, "U.S.", "GPE", "us", 2, "m12"),
        _mention(a, "White House", "ORG", "white-house", 1, "m13"),
    ]
    clusters_a = [
        {"id": "syria", "name": "Syria", "type": "GPE"}, {"id": "trump", "name": "Donald Trump", "type": "PERSON", "aliases": ["Trump"]},
        {"id": "london", "name": "LONDON", "type": "GPE"}, {"id": "sharaa", "name": "Ahmed Al-Sharaa", "type": "PERSON"},
        {"id": "us", "name": "U.S.", "type": "GPE"}, {"id": "tuesday", "name": "Tuesday", "type": "DATE"},
        {"id": "daesh", "name": "Daesh", "type": "ORG"}, {"id": "white-house", "name": "White House", "type": "ORG"},
    ]
    quotes_a = [
        {"id": "q1", "type": "direct", "content": [_at(a, "We will not allow Daesh to return,")], "cue": _at(a, "said", 2),
         "speaker": _at(a, "Al-Sharaa", 2), "speaker_cluster": "sharaa"},
        {"id": "q2", "type": "mixed", "content": [_at(a, "the talks were ‘constructive’")], "cue": _at(a, "added"),
         "speaker": _at(a, "He"), "speaker_cluster": "sharaa"},
        {"id": "q3", "type": "indirect", "content": [_at(a, "the U.S. would help")], "cue": _at(a, "said", 3),
         "speaker": _at(a, "Mr. Trump"), "speaker_cluster": "trump"},
    ]
    stance_a = {"targets": [{"id": "t1", "kind": "entity", "cluster": "daesh", "description": "Daesh"},
                            {"id": "t2", "kind": "topic", "description": "US help for Syria"}],
                "items": [{"id": "s1", "holder": "sharaa", "target": "t1", "label": "AGAINST", "evidence": ["q1"]},
                          {"id": "s2", "holder": "trump", "target": "t2", "label": "FAVOR", "evidence": ["q3"]},
                          {"id": "s3", "holder": "trump", "target": "t1", "label": "NONE", "evidence": []},
                          {"id": "s4", "holder": "sharaa", "target": "t2", "label": "NONE", "evidence": []}]}
    ents_b = [
        _mention(b, "Hamas", "ORG", "hamas", 1), _mention(b, "Board of Peace", "ORG", "board", 1),
        _mention(b, "GAZA CITY", "GPE", "gaza-city", 1), _mention(b, "Hamas", "ORG", "hamas", 2),
        _mention(b, "Thursday", "DATE", "thursday", 1), _mention(b, "first", "ORDINAL", "first", 1),
        _mention(b, "the Board of Peace", "ORG", "board", 1), _mention(b, "Hazem Qassem", "PERSON", "qassem", 1),
        _mention(b, "Gaza", "GPE", "gaza", 1),
    ]
    clusters_b = [
        {"id": "hamas", "name": "Hamas", "type": "ORG"}, {"id": "board", "name": "the Board of Peace", "type": "ORG"},
        {"id": "gaza-city", "name": "GAZA CITY", "type": "GPE"}, {"id": "thursday", "name": "Thursday", "type": "DATE"},
        {"id": "first", "name": "first", "type": "ORDINAL"}, {"id": "qassem", "name": "Hazem Qassem", "type": "PERSON"},
        {"id": "gaza", "name": "Gaza", "type": "GPE"},
    ]
    quotes_b = [
        {"id": "q1", "type": "indirect", "content": [_at(b, "it welcomed the first meeting of the Board of Peace")],
         "cue": _at(b, "said"), "speaker": _at(b, "Hamas", 2), "speaker_cluster": "hamas"},
        {"id": "q2", "type": "mixed", "content": [_at(b, "the board must “end the aggression”")], "cue": _at(b, "said", 2),
         "speaker": _at(b, "Hazem Qassem"), "speaker_cluster": "qassem"},
        {"id": "q3", "type": "direct", "content": [_at(b, "Peace is near,")], "cue": None, "speaker": None, "speaker_cluster": None},
    ]
    stance_b = {"targets": [{"id": "t1", "kind": "entity", "cluster": "board", "description": "the Board of Peace"}],
                "items": [{"id": "s1", "holder": "hamas", "target": "t1", "label": "FAVOR", "evidence": ["q1"]},
                          {"id": "s2", "holder": "qassem", "target": "t1", "label": "NEUTRAL", "evidence": ["q2"]}]}
    return {
        "test-a": {"annotation": {"annotator": "unit test", "annotator_kind": "adjudicated", "guidelines_version": "1.0.0"},
                   "entities": {"mentions": ents_a, "clusters": clusters_a}, "quotes": quotes_a, "stance": stance_a},
        "test-b": {"annotation": {"annotator": "unit test", "annotator_kind": "machine", "notes": "synthetic"},
                   "entities": {"mentions": ents_b, "clusters": clusters_b}, "quotes": quotes_b, "stance": stance_b},
    }


def _sha(b: bytes) -> str:
    return hashlib.sha256(b).hexdigest()


def make_repo(root: Path, readme: str | None = README_BODY) -> Path:
    """A small repository: seeds + manifest, annotations/gold, VERSION, README, LICENSE, DATASHEET."""
    source = DOC_A + "\n\n\n" + DOC_B + "\n"
    (root / "seeds").mkdir(parents=True)
    (root / "seeds" / "000_test.txt").write_bytes(source.encode("utf-8"))
    docs = []
    for doc_id, text, dateline, meta in (
            ("test-a", DOC_A, "LONDON: ", {"headline": DOC_A.split("\n")[0], "language": "en", "publisher": "Test Wire"}),
            ("test-b", DOC_B, "GAZA CITY: ", {"headline": DOC_B.split("\n")[0], "date": "2026-02-20", "language": "en"})):
        start = source.index(text)
        docs.append({"id": doc_id, "source": "000_test.txt", "start": start, "end": start + len(text),
                     "text_sha256": _sha(text.encode("utf-8")), "metadata": meta, "zones": _zones(text, dateline)})
    manifest = {"manifest_version": "1.0.0", "description": "unit test",
                "sources": [{"file": "000_test.txt", "sha256": _sha(source.encode("utf-8")), "encoding": "utf-8",
                             "length": len(source), "provenance": "made up", "licence": "CC0"}],
                "documents": docs}
    (root / "seeds" / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    gold = root / "annotations" / "gold"
    gold.mkdir(parents=True)
    texts = {"test-a": DOC_A, "test-b": DOC_B}
    for doc_id, ann in _annotations().items():
        rec = {"doc_id": doc_id, "text_sha256": _sha(texts[doc_id].encode("utf-8")), **ann}
        (gold / f"{doc_id}.json").write_text(json.dumps(rec, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    (root / "VERSION").write_text("1.2.3\n", encoding="utf-8")
    if readme is not None:
        (root / "README.md").write_text(readme, encoding="utf-8")
    (root / "LICENSE").write_text("test licence\n", encoding="utf-8")
    (root / "DATASHEET.md").write_text("# Datasheet\n", encoding="utf-8")
    return root


@pytest.fixture
def repo(tmp_path):
    return make_repo(tmp_path / "repo")


@pytest.fixture
def built(repo):
    build.build(root=repo)
    return repo


def _snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def expected_counts(gold) -> dict[str, int]:
    """Row counts computed from the gold records (ner: one row per sentence of the tokenisation)."""
    docs = gold.docs.values()
    return {"documents": len(gold.docs),
            "entities": sum(len(r["entities"]["mentions"]) for r in docs),
            "quotes": sum(len(r["quotes"]) for r in docs),
            "stance": sum(len(r["stance"]["items"]) for r in docs),
            "ner": sum(len(build.ner_doc(r)) for r in docs)}


def gold_mentions(gold) -> set[tuple]:
    return {(d, m["start"], m["end"], m["label"]) for d, r in gold.docs.items() for m in r["entities"]["mentions"]}


# ---------------------------------------------------------------- build

def test_build_writes_every_config_and_is_deterministic(repo, tmp_path):
    written = build.build(root=repo)
    assert written == [build.data_path(c) for c in hf.CONFIGS] + ["README.md"]
    first = _snapshot(repo)
    assert build.build(root=repo) == []                  # nothing stale, nothing rewritten
    assert build.build(check=True, root=repo) == []
    assert _snapshot(repo) == first
    other = make_repo(tmp_path / "other")                 # same input elsewhere: same bytes
    build.build(root=other)
    for rel in written:
        assert (other / rel).read_bytes() == first[rel]
    for c in hf.CONFIGS:
        raw = first[build.data_path(c)]
        assert raw.endswith(b"\n") and b"\r" not in raw
        assert b"\\u20" not in raw                          # ensure_ascii=False: ’ “ ” stay as they are
        for line in raw.decode("utf-8").splitlines():
            row = json.loads(line)
            if c != "documents":                            # fixed key order: the declared features'
                assert list(row) == [n for n, _ in hf.feature_spec(c).fields]
    assert "’" in first["data/entities/test.jsonl"].decode("utf-8") or "’" in first["data/documents/test.jsonl"].decode("utf-8")


def test_check_reports_stale_and_missing_without_writing(built):
    ent = built / build.data_path("entities")
    ent.write_bytes(ent.read_bytes().replace(b'"PERSON"', b'"NORP"', 1))
    (built / build.data_path("stance")).unlink()
    before = _snapshot(built)
    stale = build.build(check=True, root=built)
    assert stale == [build.data_path("entities"), build.data_path("stance")]
    assert _snapshot(built) == before
    assert build.build(root=built) == stale
    assert build.build(check=True, root=built) == []


def test_check_notices_a_gold_edit(built):
    f = built / "annotations" / "gold" / "test-b.json"
    rec = json.loads(f.read_text(encoding="utf-8"))
    rec["stance"]["items"][1]["label"] = "AGAINST"
    f.write_text(json.dumps(rec, ensure_ascii=False, indent=2), encoding="utf-8")
    # the content hash in documents' metadata changes too
    assert build.build(check=True, root=built) == [build.data_path("documents"), build.data_path("stance")]


def test_cli_build_check(built, monkeypatch, capsys):
    from newsgold import cli
    monkeypatch.setenv("NEWSGOLD_HOME", str(built))
    assert cli.main(["build", "--check"]) == 0
    (built / build.data_path("ner")).write_text("", encoding="utf-8")
    assert cli.main(["build", "--check"]) == 1
    assert "data/ner/test.jsonl" in capsys.readouterr().out
    assert cli.main(["build"]) == 0
    assert cli.main(["build", "--check"]) == 0


def test_documents_round_trip_through_load_gold(built):
    gold = build.gold_at(built)
    again = load_gold(built / build.data_path("documents"))
    assert again.content_hash == gold.content_hash
    assert again.version == gold.version == "1.2.3"
    for doc_id, rec in again.docs.items():
        assert rec["metadata"]["dataset_hash"] == gold.content_hash
        assert {k: v for k, v in rec.items() if k != "metadata"} == {k: v for k, v in gold.docs[doc_id].items() if k != "metadata"}


def test_rows_link_names_and_texts(built):
    gold = build.gold_at(built)
    rows = build.render_rows(gold)
    q = {(r["doc_id"], r["quote_id"]): r for r in rows["quotes"]}
    assert q[("test-a", "q1")]["speaker_name"] == "Ahmed Al-Sharaa"
    assert q[("test-b", "q3")]["cue_text"] is None and q[("test-b", "q3")]["speaker_name"] is None
    s = {(r["doc_id"], r["item_id"]): r for r in rows["stance"]}
    assert s[("test-a", "s1")]["holder_name"] == "Ahmed Al-Sharaa"
    assert s[("test-a", "s1")]["target_cluster"] == "daesh" and s[("test-a", "s2")]["target_cluster"] is None
    assert s[("test-a", "s1")]["evidence_texts"] == ["We will not allow Daesh to return,"]
    for r in rows["entities"]:
        doc = gold.docs[r["doc_id"]]
        assert doc["text"][r["start"]:r["end"]] == r["text"]
        assert doc["entities"]["mentions"][r["mention_index"]]["start"] == r["start"]
    assert {r["zone_type"] for r in rows["entities"]} == {"headline", "dateline", "body"}


# ---------------------------------------------------------------- ner

def expected_ner_spans(gold) -> set[tuple]:
    """What the IOB2 rows must encode: every gold mention, except those ``ner_alignment`` reports,
    which appear as the span they are tagged on (or not at all)."""
    notes = {(m.doc_id, m.start, m.end, m.label): m for m in build.ner_alignment(gold)}
    out = set()
    for key in gold_mentions(gold):
        m = notes.get(key)
        if m is None:
            out.add(key)
        elif m.tagged is not None:
            out.add((key[0], *m.tagged, key[3]))
    return out


def test_ner_round_trip_reproduces_every_gold_mention(built):
    gold = build.gold_at(built)
    rows = [json.loads(line) for line in (built / build.data_path("ner")).read_text(encoding="utf-8").splitlines()]
    assert build.ner_alignment(gold) == []                 # every mention of the synthetic gold is on token edges
    assert set(build.spans_from_ner(rows)) == gold_mentions(gold)
    assert len(build.spans_from_ner(rows)) == len(gold_mentions(gold))
    for row in rows:
        text = gold.docs[row["doc_id"]]["text"]
        assert len(row["tokens"]) == len(row["ner_tags"]) == len(row["token_starts"]) == len(row["token_ends"]) > 0
        for tok, s, e in zip(row["tokens"], row["token_starts"], row["token_ends"]):
            assert text[s:e] == tok and tok.strip() == tok
    by_doc = {}
    for row in rows:
        by_doc.setdefault(row["doc_id"], []).append(row)
    a = by_doc["test-a"]
    toks = [t for r in a for t in r["tokens"]]
    assert "Syria" in toks and "’s" in toks               # the clitic rule, not the gold, splits Syria’s
    assert [r["sentence_id"] for r in a] == list(range(len(a)))
    # "U.S. President" and "Mr. Trump" do not end a sentence; the lines and the full stops do
    sentences = [" ".join(r["tokens"]) for r in a]
    assert any("U.S. President Donald Trump" in s for s in sentences)
    assert any(s.startswith("Mr. Trump said") for s in sentences)
    assert any(s.startswith("He added") for s in sentences)


def _without_mentions(rec: dict) -> dict:
    return dict(rec, entities={"mentions": [], "clusters": []})


def _token_layout(rows: list[dict]) -> list[tuple]:
    return [(r["doc_id"], r["sentence_id"], tuple(r["tokens"]), tuple(r["token_starts"]), tuple(r["token_ends"])) for r in rows]


@pytest.mark.parametrize("source", ["synthetic", "shipped"])
def test_ner_tokens_and_sentences_do_not_depend_on_the_gold(repo, source):
    """The ner config built from the text alone has the same tokens and sentences as with the gold (issue 11, §3)."""
    if source == "shipped":
        if not _shipped_gold_present():
            pytest.skip("no shipped gold")
        gold = load_gold()
    else:
        gold = build.gold_at(repo)
    with_gold = [r for rec in gold.docs.values() for r in build.ner_doc(rec)]
    text_only = [r for rec in gold.docs.values() for r in build.ner_doc(_without_mentions(rec))]
    assert _token_layout(with_gold) == _token_layout(text_only)
    assert all(set(r["ner_tags"]) == {"O"} for r in text_only)
    assert set(build.spans_from_ner(with_gold)) == expected_ner_spans(gold)


def _rec(text: str, *mentions: tuple[str, str, int]) -> dict:
    ms = []
    for s, label, n in mentions:
        ms.append({**_at(text, s, n), "label": label, "cluster": s.lower()})
    return {"id": "x", "text": text, "zones": [{"start": 0, "end": len(text), "type": "body"}],
            "entities": {"mentions": ms, "clusters": []}}


def _tok(text: str) -> list[str]:
    return [text[s:e] for s, e in build.tokenize(text)]


def test_tokenizer_rules_hand_worked():
    assert _tok("Syria’s U.S.-backed Al-Sharaa won’t") == ["Syria", "’s", "U.S.", "-", "backed", "Al", "-", "Sharaa", "wo", "n’t"]
    assert _tok("“We paid $5.5 million (1,000 euros), 20%.”") == [
        "“", "We", "paid", "$", "5.5", "million", "(", "1,000", "euros", ")", ",", "20", "%", ".", "”"]
    assert _tok("Mr. Smith met Dr. J. Doe at 5 p.m. in St.\u00a0Louis.") == [
        "Mr.", "Smith", "met", "Dr.", "J.", "Doe", "at", "5", "p.m.", "in", "St.", "Louis", "."]
    assert _tok("and/or 2025-26 — end.Then ‘ok’...") == ["and", "/", "or", "2025-26", "—", "end", ".", "Then", "‘", "ok", "’", "..."]
    assert build.tokenize("") == [] and build.tokenize(" \n\u00a0") == []


def test_ner_places_gold_on_text_tokens_and_reports_every_misaligned_mention():
    rec = _rec("New York-based firm", ("New York", "GPE", 1))
    rows = build.ner_doc(rec)
    assert rows[0]["tokens"] == ["New", "York", "-", "based", "firm"]
    assert rows[0]["ner_tags"] == ["B-GPE", "I-GPE", "O", "O", "O"]
    # a mention ending inside a token is tagged on the covering token, and reported
    rec = _rec("Lyonnais officials met.", ("Lyon", "GPE", 1))
    rows, notes = build._ner_doc(rec)
    assert rows[0]["tokens"][0] == "Lyonnais" and rows[0]["ner_tags"][:2] == ["B-GPE", "O"]
    assert [(m.start, m.end, m.tagged) for m in notes] == [(0, 4, (0, 8))] and "covering" in notes[0].how
    # two mentions in one token: the second cannot be tagged, and is reported
    rec = _rec("USUK talks", ("US", "GPE", 1), ("UK", "GPE", 1))
    rows, notes = build._ner_doc(rec)
    assert rows[0]["ner_tags"] == ["B-GPE", "O"]
    assert [(m.text, m.tagged) for m in notes] == [("US", (0, 4)), ("UK", None)] and "not tagged" in notes[1].how
    # a sentence break inside a mention: two spans, reported
    rec = _rec("They sued Yahoo! Inc. today.", ("Yahoo! Inc.", "ORG", 1))
    rows, notes = build._ner_doc(rec)
    assert [r["tokens"] for r in rows] == [["They", "sued", "Yahoo", "!"], ["Inc.", "today", "."]]
    assert [r["ner_tags"] for r in rows] == [["O", "O", "B-ORG", "I-ORG"], ["B-ORG", "O", "O"]]
    assert len(notes) == 1 and "sentence break" in notes[0].how and notes[0].text == "Yahoo! Inc."
    # invalid gold still stops the build
    bad = _rec("New York-based firm", ("New ", "GPE", 1))
    with pytest.raises(InputError, match="whitespace"):
        build.ner_doc(bad)
    overlap = _rec("New York-based firm", ("New York", "GPE", 1), ("York-based", "ORG", 1))
    with pytest.raises(InputError, match="overlaps"):
        build.ner_doc(overlap)


def test_sentences_follow_the_text_not_the_gold():
    text = "He met St. Louis officials. Then he left."
    rows = build.ner_doc(_rec(text, ("St. Louis", "GPE", 1)))
    assert [" ".join(r["tokens"]) for r in rows] == ["He met St. Louis officials .", "Then he left ."]
    assert rows[0]["ner_tags"] == ["O", "O", "B-GPE", "I-GPE", "O", "O"]


# ---------------------------------------------------------------- README front matter

def _front_matter(readme: str) -> dict:
    import yaml
    assert readme.startswith("---\n")
    return yaml.safe_load(readme[4:readme.index("\n---\n", 3)])


def test_readme_front_matter_declares_configs_and_keeps_the_body(built):
    readme = (built / "README.md").read_text(encoding="utf-8")
    assert readme.endswith(README_BODY)
    card = _front_matter(readme)
    assert card["license"] == "other" and card["language"] == ["en"] and card["pretty_name"] == "NewsGold"
    assert card["task_categories"] == ["token-classification", "text-classification"]
    assert "named-entity-recognition" in card["task_ids"]
    assert card["annotations_creators"] == ["machine-generated"] and card["size_categories"] == ["n<1K"]
    configs = {c["config_name"]: c for c in card["configs"]}
    assert list(configs) == list(hf.CONFIGS)
    assert [c for c, v in configs.items() if v.get("default")] == ["documents"]
    for c, v in configs.items():
        assert v["data_files"] == [{"split": "test", "path": f"data/{c}/test.jsonl"}]
        feats = datasets.Features._from_yaml_list(v["features"])
        assert feats._to_yaml_list() == v["features"]        # the canonical form datasets writes itself
    ent = datasets.Features._from_yaml_list(configs["entities"]["features"])
    assert ent["label"].names == list(ENTITY_LABELS)
    ner = datasets.Features._from_yaml_list(configs["ner"]["features"])
    assert ner["ner_tags"].feature.names == ["O"] + [f"{p}-{x}" for x in ENTITY_LABELS for p in "BI"]


@pytest.mark.parametrize("before, after_prefix_len", [(None, 0), ("plain body\n", None), ("---\nold: 1\n---\nbody\n", None)])
def test_front_matter_replacement_variants(before, after_prefix_len):
    fm = "---\nnew: 2\n---\n"
    out = build.replace_front_matter(before, fm)
    if before is None:
        assert out == fm
    elif before.startswith("---"):
        assert out == fm + "body\n"
    else:
        assert out == fm + before
    with pytest.raises(InputError):
        build.replace_front_matter("---\nunclosed: 1\n", fm)


def test_readme_created_when_missing(tmp_path):
    root = make_repo(tmp_path / "r", readme=None)
    build.build(root=root)
    readme = (root / "README.md").read_text(encoding="utf-8")
    assert readme.startswith("---\n") and readme.endswith("---\n") and readme.count("\n---\n") == 1


def test_label_inventories_match_the_json_schema():
    common = json.loads((repository.toolkit_schema_dir() / "common.schema.json").read_text(encoding="utf-8"))["$defs"]
    assert tuple(common["entity_label"]["enum"]) == tuple(ENTITY_LABELS)
    assert tuple(common["quote_type"]["enum"]) == tuple(QUOTE_TYPES)
    assert tuple(common["stance_label"]["enum"]) == tuple(STANCE_LABELS)
    assert tuple(common["zone"]["properties"]["type"]["enum"]) == tuple(ZONE_TYPES)
    assert tuple(common["annotation_info"]["properties"]["annotator_kind"]["enum"]) == hf.ANNOTATOR_KINDS
    assert tuple(common["stance_target"]["properties"]["kind"]["enum"]) == hf.TARGET_KINDS


# ---------------------------------------------------------------- datasets.load_dataset

def _feature_at(features, path: str):
    """The feature at a :func:`hf.label_fields` path such as ``entities.mentions[].label``."""
    feat = features
    for part in path.split("."):
        feat = feat[part.replace("[]", "")]
        for _ in range(part.count("[]")):
            feat = feat.feature
    return feat


def _assert_loads(root: Path, gold) -> None:
    counts = expected_counts(gold)
    for c in hf.CONFIGS:
        ds = datasets.load_dataset(str(root), c, split="test", cache_dir=str(root.parent / f".hf-cache-{root.name}"))
        assert ds.num_rows == counts[c], c
        labels = hf.label_fields(hf.feature_spec(c, *hf.document_keys(gold.docs.values())))
        assert labels, c
        for path in labels:
            assert isinstance(_feature_at(ds.features, path), datasets.ClassLabel), (c, path)
    ent = datasets.load_dataset(str(root), "entities", split="test", cache_dir=str(root.parent / f".hf-cache-{root.name}"))
    names = ent.features["label"].int2str(ent["label"])
    assert sorted(zip(ent["doc_id"], ent["start"], ent["end"], names)) == sorted(gold_mentions(gold))
    ner = datasets.load_dataset(str(root), "ner", split="test", cache_dir=str(root.parent / f".hf-cache-{root.name}"))
    assert set(build.spans_from_ner(ner)) == expected_ner_spans(gold)
    docs = datasets.load_dataset(str(root), "documents", split="test", cache_dir=str(root.parent / f".hf-cache-{root.name}"))
    assert docs["id"] == list(gold.docs)
    assert docs[0]["metadata"]["dataset_hash"] == gold.content_hash


def test_every_config_loads_with_load_dataset(built):
    _assert_loads(built, build.gold_at(built))


def test_default_config_is_documents(built):
    ds = datasets.load_dataset(str(built), split="test", cache_dir=str(built.parent / ".hf-default"))
    assert "text" in ds.column_names and ds.num_rows == len(build.gold_at(built).docs)


def test_newsgold_load_is_typed(built):
    ds = hf.load("stance", built)
    assert isinstance(ds.features["label"], datasets.ClassLabel)
    assert ds.features["label"].names == list(STANCE_LABELS)
    assert ds.num_rows == expected_counts(build.gold_at(built))["stance"]
    with pytest.raises(ValueError):
        hf.load("nope", built)


def test_newsgold_load_returns_what_is_on_disk_after_an_edit(built):
    path = built / build.data_path("entities")
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    first = hf.load("entities", built)
    assert first.num_rows == len(lines)
    path.write_text("".join(lines[:-1]), encoding="utf-8")                 # fewer rows
    assert hf.load("entities", built).num_rows == len(lines) - 1
    row = json.loads(lines[0])
    row["cluster_name"] = "EDITED"
    path.write_text(json.dumps(row, ensure_ascii=False) + "\n" + "".join(lines[1:]), encoding="utf-8")   # same count, new content
    again = hf.load("entities", built)
    assert again.num_rows == len(lines) and again[0]["cluster_name"] == "EDITED"
    import newsgold
    assert newsgold.load is hf.load


# ---------------------------------------------------------------- exports

def test_hub_export_loads_and_has_checksums(repo, tmp_path):
    out = tmp_path / "hub"
    assert export.export_hub(out, root=repo) == str(out)
    files = _snapshot(out)
    assert {"README.md", "DATASHEET.md", "LICENSE", "croissant.json", "SHA256SUMS"} <= set(files)
    sums = dict(reversed(line.split("  ", 1)) for line in files["SHA256SUMS"].decode().splitlines())
    assert set(sums) == set(files) - {"SHA256SUMS"}
    for rel, digest in sums.items():
        assert _sha(files[rel]) == digest
    readme = files["README.md"].decode("utf-8")
    assert "DATASHEET.md" in readme and _front_matter(readme)["configs"]
    build.build(root=repo)
    for c in hf.CONFIGS:                                     # the same data bytes as `newsgold build`
        assert files[build.data_path(c)] == (repo / build.data_path(c)).read_bytes()
    _assert_loads(out, build.gold_at(repo))
    export.export_hub(out, root=repo, force=True)           # not empty now: --force
    assert _snapshot(out) == files                          # deterministic, and the cache stayed outside


def test_parquet_export(repo, tmp_path):
    written = export.export_parquet(tmp_path / "pq", root=repo)
    assert [Path(p).name for p in written] == [f"{c}.parquet" for c in hf.CONFIGS]
    counts = expected_counts(build.gold_at(repo))
    for c, p in zip(hf.CONFIGS, written):
        ds = datasets.load_dataset("parquet", data_files=p, split="train", cache_dir=str(tmp_path / ".pqcache"))
        assert ds.num_rows == counts[c]
        if c == "entities":
            assert isinstance(ds.features["label"], datasets.ClassLabel)
    again = export.export_parquet(tmp_path / "pq2", root=repo)
    for a, b in zip(written, again):
        assert Path(a).read_bytes() == Path(b).read_bytes()    # same versions, same bytes


def test_croissant_required_fields(repo, tmp_path):
    out = tmp_path / "croissant.json"
    export.export_croissant(out, root=repo)
    doc = json.loads(out.read_text(encoding="utf-8"))
    ctx = doc["@context"]
    assert ctx["@vocab"] == "https://schema.org/" and ctx["cr"] == "http://mlcommons.org/croissant/"
    assert ctx["conformsTo"] == "dct:conformsTo" and ctx["dct"] == "http://purl.org/dc/terms/"
    assert doc["@type"] == "sc:Dataset"
    assert doc["conformsTo"] == "http://mlcommons.org/croissant/1.0"
    for key in ("name", "description", "license", "url", "version", "citeAs", "creator", "distribution", "recordSet"):
        assert doc[key], key
    assert doc["version"] == "1.2.3"
    build.build(root=repo)
    files = {d["@id"]: d for d in doc["distribution"]}
    assert len(files) == len(hf.CONFIGS)
    for d in doc["distribution"]:
        assert d["@type"] == "cr:FileObject" and d["encodingFormat"] == "application/jsonlines"
        assert d["sha256"] == _sha((out.parent / d["contentUrl"]).read_bytes())   # relative to the file's folder
    record_sets = {r["@id"]: r for r in doc["recordSet"]}
    for c in hf.CONFIGS:
        rs = record_sets[c]
        assert rs["@type"] == "cr:RecordSet"
        assert [f["name"] for f in rs["field"]] == [n for n, _ in hf.feature_spec(c, *hf.document_keys(build.gold_at(repo).docs.values())).fields]
        for f in rs["field"]:
            assert f["@type"] == "cr:Field" and f["dataType"] and f["source"]["fileObject"]["@id"] in files
    assert [r["entity_labels/name"] for r in record_sets["entity_labels"]["data"]] == list(ENTITY_LABELS)


def test_croissant_validates_with_mlcroissant(built, tmp_path):
    mlc = pytest.importorskip("mlcroissant")
    path = built / "croissant.json"
    export.export_croissant(path, root=built)
    ds = mlc.Dataset(jsonld=str(path))
    assert ds.metadata.name == "NewsGold"
    counts = expected_counts(build.gold_at(built))
    for c in ("entities", "ner", "quotes", "stance"):       # mlcroissant cannot read two levels of nesting (documents)
        assert len(list(ds.records(c))) == counts[c]


def test_cli_export(repo, tmp_path, monkeypatch, capsys):
    from newsgold import cli
    monkeypatch.setenv("NEWSGOLD_HOME", str(repo))
    assert cli.main(["export", "--croissant", str(tmp_path / "c.json"), "--hub", str(tmp_path / "hub")]) == 0
    assert (tmp_path / "c.json").is_file() and (tmp_path / "hub" / "SHA256SUMS").is_file()
    assert cli.main(["export"]) == 1


# ---------------------------------------------------------------- the shipped gold

def _shipped_gold_present() -> bool:
    return any(repository.current().gold_dir.glob("*.json"))


@pytest.mark.skipif(not _shipped_gold_present(), reason="no shipped gold yet")
def test_shipped_gold_builds_and_loads(tmp_path):
    root = tmp_path / "copy"
    root.mkdir()
    for name in ("seeds", "annotations"):
        shutil.copytree(repository.current().root / name, root / name)
    for name in ("VERSION", "README.md", "LICENSE"):
        if (repository.current().root / name).is_file():
            shutil.copy(repository.current().root / name, root / name)
    build.build(root=root)
    gold = build.gold_at(root)
    assert gold.content_hash == load_gold().content_hash
    rows = [json.loads(line) for line in (root / build.data_path("ner")).read_text(encoding="utf-8").splitlines()]
    assert set(build.spans_from_ner(rows)) == expected_ner_spans(gold)
    _assert_loads(root, gold)


@pytest.mark.skipif(not (_shipped_gold_present() and (repository.current().root / build.data_path("documents")).is_file()),
                    reason="the shipped data files are not built yet")
def test_shipped_data_files_are_current():
    assert build.build(check=True) == [], "run: newsgold build"
