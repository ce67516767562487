"""The gold side of document-level scoring kept in the cache folder (scoring/namecache.py): read
back, it gives the columns and the statistics of a fresh build; a damaged or foreign entry is
never used; predictions read from a file (spans packed) score as the same records given in Python."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from newsgold.scoring import api, namecache
from newsgold.scoring import documents as D

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def corpus(tmp_path, monkeypatch):
    monkeypatch.setenv("NEWSGOLD_CACHE_DIR", str(tmp_path / "cache"))
    out = tmp_path / "corpus"
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "generate.py"), "--docs", "60", "--seed", "5", "--out", str(out)],
                   check=True, capture_output=True)
    return out / "gold.jsonl", out / "predictions.jsonl"


def stats(gold, pred, **setup):
    s = api.make_setup(gold, **setup)
    preds, _ = api.load_predictions(pred, s)
    return api.task_stats(preds, s, "entities_document", ids=api.scored_ids(preds, s, "entities_document"))


def entry_files(tmp_path):
    return sorted((tmp_path / "cache" / "docnames").glob("*"))


def test_an_entry_read_back_gives_the_built_columns_and_statistics(corpus, tmp_path):
    gold, pred = corpus
    first = stats(gold, pred)                      # builds and stores the entry
    assert [p.suffix for p in entry_files(tmp_path)] == [".bin", ".json"]
    g = api.make_setup(gold).gold
    built = D.build_gold_names(g.docs)
    read = namecache.load(g.content_hash, list(g.docs))
    assert read is not None
    assert (read.ids, read.labels, read.zone_types, read.norms, read.n_clusters) == \
        (built.ids, built.labels, built.zone_types, built.norms, built.n_clusters)
    assert all(np.array_equal(read.cols[c], built.cols[c]) for c in D.COLUMNS)
    for options in ({}, {"labels": ["PERSON", "GPE"]}, {"zones": ["body"]}):
        assert np.array_equal(stats(gold, pred, **options), D.corpus_stats(*_fresh(gold, pred, options)))
    assert np.array_equal(stats(gold, pred), first)


def _fresh(gold, pred, options):
    """The statistics' inputs with the predictions as Python records (no packed spans) and a gold
    that is not read from a file (so its columns are built, never looked up)."""
    from newsgold.gold.read import Gold
    s = api.make_setup(gold, **options)
    g = s.gold
    records = [json.loads(line) for line in Path(pred).read_text(encoding="utf-8").splitlines() if line.strip()]
    in_memory = Gold({d: g.docs[d] for d in g.docs}, g.version, g.content_hash, g.source)
    s2 = api.make_setup(in_memory, **options)
    preds, _ = api.load_predictions(records, s2)
    return preds, s2, api.scored_ids(preds, s2, "entities_document")


@pytest.mark.parametrize("damage", ["bin-byte", "bin-short", "meta-range", "meta-fingerprint", "not-json"])
def test_a_damaged_entry_is_never_used(corpus, tmp_path, damage):
    gold, pred = corpus
    expected = stats(gold, pred)
    binf, meta = entry_files(tmp_path)
    if damage == "bin-byte":
        data = bytearray(binf.read_bytes())
        data[8] ^= 1
        binf.write_bytes(bytes(data))
    elif damage == "bin-short":
        binf.write_bytes(binf.read_bytes()[:-8])
    elif damage == "not-json":
        meta.write_text("{", encoding="utf-8")
    else:
        m = json.loads(meta.read_text(encoding="utf-8"))
        if damage == "meta-range":
            m["norms"] = m["norms"][:1]           # the name ids now point past the list
        else:
            m["fingerprint"] = "0" * 64
        meta.write_text(json.dumps(m), encoding="utf-8")
    g = api.make_setup(gold).gold
    assert namecache.load(g.content_hash, list(g.docs)) is None
    assert np.array_equal(stats(gold, pred), expected)


def test_another_document_list_does_not_read_the_entry(corpus):
    gold, pred = corpus
    stats(gold, pred)
    g = api.make_setup(gold).gold
    assert namecache.load(g.content_hash, list(g.docs)) is not None
    assert namecache.load(g.content_hash, list(g.docs)[1:]) is None
    assert namecache.load("0" * 64, list(g.docs)) is None


def test_no_entry_when_the_cache_is_off(corpus, tmp_path, monkeypatch):
    gold, pred = corpus
    monkeypatch.setenv("NEWSGOLD_CACHE_DIR", "off")
    stats(gold, pred)
    assert not (tmp_path / "cache" / "docnames").exists()


def test_lookups_kept_with_the_gold_give_the_rows_built_for_a_subset(corpus):
    # issue 25: with every document scored in gold order the kept lookups (o_*, i_*) are used;
    # any other list of documents builds them from its own columns: the rows must agree
    gold, pred = corpus
    s = api.make_setup(gold)
    preds, _ = api.load_predictions(pred, s)
    ids = list(s.gold.docs)
    whole = D.corpus_stats(preds, s, ids)
    other = ids[::-1][:45]
    assert np.array_equal(D.corpus_stats(preds, s, other), whole[[ids.index(d) for d in other]])
    assert whole.sum() > 0


def test_unsorted_lookups_in_an_entry_are_refused(corpus, tmp_path):
    gold, pred = corpus
    stats(gold, pred)
    g = api.make_setup(gold).gold
    names = D.build_gold_names(g.docs)
    names.cols["i_doc"] = names.cols["i_doc"][::-1].copy()
    namecache.store(g.content_hash, names)
    assert namecache.load(g.content_hash, list(g.docs)) is None
