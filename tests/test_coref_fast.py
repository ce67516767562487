"""Coreference statistics of the whole corpus at once (scoring/coref_fast.py) against the
per-document reference, ``coref.doc_stats``, run here on the same documents.

Every comparison is exact (``np.array_equal``): the module promises the reference's rows bit for
bit, its float fields included. Documents are generated (hypothesis) with repeated mentions
within and across clusters, clusters that split, merge or lose mentions, invented mentions,
empty clusters, empty predictions, documents without a predictions line or without a ``coref``
layer, with singletons scored and not; the command line is compared with the path turned off.
"""
from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsgold.cli import main
from newsgold.core.records import Predictions
from newsgold.core.storage import LazyRecords
from newsgold.gold.read import Gold
from newsgold.scoring import api, coref, coref_fast
from newsgold.scoring import documents as D
from newsgold.scoring import tasks as T
from newsgold.scoring.coref_task import gold_clusters
from newsgold.scoring.setup import make_setup

ROOT = Path(__file__).resolve().parents[1]
TEXT = "Ann met Bob and Cy at the Dee Eve fair today."
POOL = [(s, s + w) for s in range(0, 9) for w in (1, 2, 3)]    # few spans: repeats and matches are frequent
NAMES = ["a", "b", "c", "d", "e"]


# --- the reference, one document at a time --------------------------------------------------------

def response_of(line: dict | None) -> list[list[tuple[int, int]]]:
    """A predictions line's clusters as ``Coref.doc_row`` reads them (no line or no layer: none)."""
    return [[(m["start"], m["end"]) for m in c] for c in ((line or {}).get("coref") or [])]


def reference_rows(docs: dict, lines: dict, ids: list[str], singletons: bool) -> np.ndarray:
    rows = [coref.doc_stats(gold_clusters(docs[d]), response_of(lines.get(d)), singletons=singletons) for d in ids]
    return np.array(rows, dtype=np.float64).reshape(len(ids), len(coref.FIELDS))


# --- generated corpora ------------------------------------------------------------------------------

def gold_doc(doc_id: str, mentions: list[tuple[tuple[int, int], str]]) -> dict:
    ms = [{"start": s, "end": e, "text": TEXT[s:e], "label": "PERSON", "cluster": c} for (s, e), c in mentions]
    clusters = [{"id": c, "name": c} for c in dict.fromkeys(c for _, c in mentions)]
    return {"id": doc_id, "text": TEXT, "entities": {"mentions": ms, "clusters": clusters}}


@st.composite
def derived(draw, key: list[list[tuple[int, int]]]) -> list[list[tuple[int, int]]]:
    """A response made from the key as systems err: clusters kept, split, merged with the previous
    one or cut short, mentions moved, invented or listed twice, empty clusters."""
    out: list[list[tuple[int, int]]] = []
    for c in key:
        op = draw(st.sampled_from(["keep", "keep", "split", "merge", "cut", "drop"]))
        if op == "split" and len(c) > 1:
            at = draw(st.integers(1, len(c) - 1))
            out += [list(c[:at]), list(c[at:])]
        elif op == "merge" and out:
            out[-1] += c
        elif op == "cut":
            out.append(list(c[:draw(st.integers(0, len(c)))]))
        elif op != "drop":
            out.append(list(c))
    for _ in range(draw(st.integers(0, 3))):         # invented, moved or repeated mentions; empty clusters
        span = draw(st.sampled_from(POOL))
        if out and draw(st.booleans()):
            out[draw(st.integers(0, len(out) - 1))].append(span)
        else:
            out.append([span] if draw(st.booleans()) else [])
    if draw(st.booleans()):                           # another order of clusters and of mentions: sums in another order
        out = [draw(st.permutations(c)) for c in draw(st.permutations(out))]
    return out


@st.composite
def documents(draw, doc_id: str) -> tuple[dict, dict | None]:
    mentions = draw(st.lists(st.tuples(st.sampled_from(POOL), st.sampled_from(NAMES)), max_size=draw(st.sampled_from([9, 9, 30]))))
    doc = gold_doc(doc_id, mentions)
    kind = draw(st.sampled_from(["derived", "derived", "random", "empty", "no line", "no layer"]))
    if kind == "no line":
        return doc, None
    if kind == "no layer":
        return doc, {"doc_id": doc_id, "entities": []}
    if kind == "empty":
        clusters: list[list[tuple[int, int]]] = []
    elif kind == "random":
        clusters = draw(st.lists(st.lists(st.sampled_from(POOL), max_size=4), max_size=4))
    else:
        clusters = draw(derived(gold_clusters(doc)))
    return doc, {"doc_id": doc_id, "coref": [[{"start": s, "end": e} for s, e in c] for c in clusters]}


@st.composite
def corpora(draw) -> tuple[dict, dict]:
    pairs = [draw(documents(f"d{i}")) for i in range(draw(st.integers(1, 6)))]
    return {d["id"]: d for d, _ in pairs}, {d["id"]: line for d, line in pairs if line is not None}


def predictions(lines: dict, as_bytes: bool) -> Predictions:
    """Lines as scoring holds them: dicts (records given from Python) or the bytes of each line."""
    layers = {d: frozenset(k for k in ("entities", "coref") if k in line) for d, line in lines.items()}
    records = LazyRecords({d: json.dumps(line).encode() for d, line in lines.items()}) if as_bytes else lines
    return Predictions(records, layers)


# --- the rows ---------------------------------------------------------------------------------------

@settings(max_examples=400, deadline=None)
@given(corpora(), st.booleans(), st.booleans(), st.randoms(use_true_random=False))
def test_rows_equal_the_per_document_reference(corpus, singletons, as_bytes, rnd):
    docs, lines = corpus
    ids = list(docs)
    if rnd.random() < 0.3:          # a subset, in another order (the scored ids need not be the gold's order)
        ids = rnd.sample(ids, rnd.randint(1, len(ids)))
    setup = make_setup(Gold(docs, "test", "f" * 64, "<test>"), singletons=singletons)
    got = coref_fast.corpus_stats(predictions(lines, as_bytes), setup, ids)
    assert got is not None
    assert np.array_equal(got, reference_rows(docs, lines, ids, singletons))


@settings(max_examples=100, deadline=None)
@given(corpora(), st.booleans(), st.randoms(use_true_random=False))
def test_gold_columns_from_the_document_level_cache_give_the_same_rows(corpus, singletons, rnd):
    """The key read from :class:`GoldNames` (cluster ids shared across documents by name) and from the records."""
    docs, lines = corpus
    ids = rnd.sample(list(docs), len(docs))
    gold = Gold(docs, "test", "f" * 64, "<test>")
    D.gold_names(gold)                                 # kept on the gold: the path reads it from there
    assert D.known_gold_names(gold) is not None
    got = coref_fast.corpus_stats(predictions(lines, True), make_setup(gold, singletons=singletons), ids)
    assert got is not None and np.array_equal(got, reference_rows(docs, lines, ids, singletons))


def random_corpus(seed: int, n_docs: int) -> tuple[dict, dict]:
    """Larger documents than hypothesis draws (up to 80 mentions, 15 entities, responses shuffled):
    many float terms per document, so a sum in another order shows in the last bits."""
    rnd = random.Random(seed)
    docs, lines = {}, {}
    for i in range(n_docs):
        spans = [(s, s + rnd.randint(1, 4)) for s in rnd.sample(range(400), rnd.randint(0, 80))]
        names = [f"e{j}" for j in range(rnd.randint(1, 15))]
        doc = gold_doc(f"r{i}", [(sp, rnd.choice(names)) for sp in spans] + [(sp, rnd.choice(names)) for sp in rnd.sample(spans, len(spans) // 10)])
        clusters: dict[tuple[str, int], list[tuple[int, int]]] = {}
        for k, c in enumerate(gold_clusters(doc)):
            for sp in c:
                r = rnd.random()
                if r >= 0.05:                              # else dropped; moved to a random entity, or kept with its own
                    clusters.setdefault(("moved", rnd.randrange(20)) if r < 0.2 else ("own", k), []).append(sp)
        invented = [[(400 + j, 401 + j)] for j in range(rnd.randint(0, 3))]
        out = list(clusters.values()) + invented
        rnd.shuffle(out)
        docs[doc["id"]] = doc
        lines[doc["id"]] = {"doc_id": doc["id"], "coref": [[{"start": a, "end": b} for a, b in rnd.sample(c, len(c))] for c in out]}
    return docs, lines


@pytest.mark.parametrize(("singletons", "chunk"), [(True, 4096), (False, 4096), (True, 7)])
def test_rows_of_larger_random_documents_equal_the_reference(singletons, chunk, monkeypatch):
    """Also in chunks of 7 documents (each chunk read and scored on its own, the rows stacked)."""
    monkeypatch.setattr(coref_fast, "CHUNK_DOCS", chunk)
    docs, lines = random_corpus(7, 300)
    setup = make_setup(Gold(docs, "t", "f" * 64, "<t>"), singletons=singletons)
    got = coref_fast.corpus_stats(predictions(lines, True), setup, list(docs))
    assert got is not None and np.array_equal(got, reference_rows(docs, lines, list(docs), singletons))


def chain_doc(doc_id: str, n: int, tangled: bool) -> tuple[dict, dict]:
    """n key entities of 2 to 6 mentions; response entity i holds a share of key entity i's mentions
    and one invented mention, so the contingency is one to one and the φ4 terms differ; ``tangled``
    moves one mention of each key entity into the next response entity."""
    mentions, clusters, pos = [], [], 0
    for i in range(n):
        size = 2 + i % 5
        spans = [(pos + 3 * j, pos + 3 * j + 2) for j in range(size)]
        pos += 3 * size
        mentions += [(s, f"k{i}") for s in spans]
        clusters.append(spans[: min(size, 2 + i % 3)] + [(10 ** 6 + 2 * i, 10 ** 6 + 2 * i + 1)])
    if tangled:
        for i in range(n - 1):
            clusters[i + 1].append(clusters[i].pop(0))
    ms = [{"start": s, "end": e, "text": "x", "label": "PERSON", "cluster": c} for (s, e), c in mentions]
    line = {"doc_id": doc_id, "coref": [[{"start": s, "end": e} for s, e in c] for c in clusters]}
    return {"id": doc_id, "text": "", "entities": {"mentions": ms, "clusters": []}}, line


@pytest.mark.parametrize("sizes", [[1, 2, 3, 7], [8, 9, 15, 16, 17], [127, 128, 129, 130], [200, 300, 257]])
def test_one_to_one_documents_sum_ceaf_e_as_numpy_does_without_the_solver(sizes, monkeypatch):
    """Documents with 1 to 300 one-to-one pairs (beyond numpy's 8-way unrolled and 128-term blocked
    sums) are summed without an assignment solver, and give the reference's bits."""
    pairs = [chain_doc(f"d{n}", n, tangled=False) for n in sizes]
    docs, lines = {d["id"]: d for d, _ in pairs}, {d["id"]: line for d, line in pairs}
    expected = reference_rows(docs, lines, list(docs), True)
    monkeypatch.setattr(coref_fast, "ceaf_optimum", lambda *a: pytest.fail("a one-to-one document went to the solver"))
    got = coref_fast.corpus_stats(predictions(lines, True), make_setup(Gold(docs, "t", "f" * 64, "<t>")), list(docs))
    assert got is not None and np.array_equal(got, expected)


def test_tangled_documents_go_to_the_solver_one_by_one(monkeypatch):
    pairs = [chain_doc(f"d{n}", n, tangled=True) for n in (2, 9, 40)] + [chain_doc("one", 5, tangled=False)]
    docs, lines = {d["id"]: d for d, _ in pairs}, {d["id"]: line for d, line in pairs}
    expected = reference_rows(docs, lines, list(docs), True)
    shapes: list[tuple[int, int]] = []
    real = coref_fast.ceaf_optimum
    monkeypatch.setattr(coref_fast, "ceaf_optimum", lambda a, b: shapes.append(a.shape) or real(a, b))
    got = coref_fast.corpus_stats(predictions(lines, False), make_setup(Gold(docs, "t", "f" * 64, "<t>")), list(docs))
    assert got is not None and np.array_equal(got, expected)
    assert shapes == [(2, 2), (9, 9), (40, 40)]


def test_matrix_chunks_give_the_same_rows(monkeypatch):
    """Tangled documents' matrices filled in several buffers (a tiny chunk) or one."""
    pairs = [chain_doc(f"d{n}", n, tangled=True) for n in (3, 4, 12, 5)]
    docs, lines = {d["id"]: d for d, _ in pairs}, {d["id"]: line for d, line in pairs}
    setup = make_setup(Gold(docs, "t", "f" * 64, "<t>"))
    monkeypatch.setattr(coref_fast, "MATRIX_CHUNK", 20)
    assert coref_fast._chunks(np.array([9, 16, 144, 25])) == [(0, 1), (1, 2), (2, 3), (3, 4)]
    got = coref_fast.corpus_stats(predictions(lines, True), setup, list(docs))
    assert got is not None and np.array_equal(got, reference_rows(docs, lines, list(docs), True))


def test_added_adds_from_left_to_right_without_compensation():
    """The reference's B³ and LEA sums: one rule on every Python (``sum`` compensates from 3.12 on)."""
    values = [1.0, 1e-16, 1e-16, 1e-16]
    total = 0.0
    for v in values:
        total += v
    assert coref.added(values) == total == 1.0
    assert coref.added([]) == 0.0


# --- input the path declines: the task goes document by document --------------------------------------

@pytest.mark.parametrize("start", [2 ** 70, 2 ** 40, -1])
def test_offsets_it_cannot_combine_send_the_task_to_the_per_document_path(start):
    docs = {"d0": gold_doc("d0", [((0, 3), "a"), ((4, 7), "a")])}
    lines = {"d0": {"doc_id": "d0", "coref": [[{"start": 0, "end": 3}, {"start": start, "end": start + 2}]]}}
    setup = make_setup(Gold(docs, "t", "f" * 64, "<t>"))
    preds = predictions(lines, False)
    assert coref_fast.corpus_stats(preds, setup, ["d0"]) is None
    assert np.array_equal(T.get("coref").corpus_stats(preds, setup, ["d0"]), reference_rows(docs, lines, ["d0"], True))


def test_repeated_ids_and_a_refused_line_send_the_task_to_the_per_document_path():
    docs = {"d0": gold_doc("d0", [((0, 3), "a"), ((4, 7), "a")])}
    lines = {"d0": {"doc_id": "d0", "coref": [[{"start": 0, "end": 3}, {"start": 4, "end": 7}]]}}
    setup = make_setup(Gold(docs, "t", "f" * 64, "<t>"))
    assert coref_fast.corpus_stats(predictions(lines, False), setup, ["d0", "d0"]) is None
    rows = T.get("coref").corpus_stats(predictions(lines, False), setup, ["d0", "d0"])
    assert np.array_equal(rows, reference_rows(docs, lines, ["d0", "d0"], True))
    bad = Predictions(LazyRecords({"d0": b'{"doc_id": "d0", "coref": [[{"start": 0, "end": "3"}]]}'}), {"d0": frozenset({"coref"})})
    assert coref_fast.corpus_stats(bad, setup, ["d0"]) is None


# --- the command line and the API ---------------------------------------------------------------------

@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("coref-corpus")
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "generate.py"), "--docs", "80", "--seed", "3", "--coref",
                    "--out", str(out), "--quiet"], check=True, capture_output=True)
    return out


def _score_json(capsys, corpus: Path, predictions_file: Path, *extra: str) -> str:
    rc = main(["score", "--gold", str(corpus / "gold.jsonl"), str(predictions_file), "--task", "coref", "--format", "json",
               "--quiet", "--resamples", "200", *extra])
    out = capsys.readouterr()
    assert rc == 0, out.err
    return out.out


@pytest.mark.parametrize("extra", [(), ("--singletons", "exclude")])
def test_command_line_output_is_the_same_with_the_path_off(generated, capsys, monkeypatch, extra):
    monkeypatch.setenv("NEWSGOLD_CACHE_DIR", "off")
    with monkeypatch.context() as m:     # on: the per-document path is never taken
        m.setattr(T.Coref, "doc_row", lambda *a: pytest.fail("the per-document path was taken"))
        fast = _score_json(capsys, generated, generated / "predictions.jsonl", *extra)
    monkeypatch.setattr(coref_fast, "corpus_stats", lambda *a: None)
    slow = _score_json(capsys, generated, generated / "predictions.jsonl", *extra)
    assert fast == slow
    figures = json.loads(fast)["tasks"]["coref"]["figures"]
    assert 0 < figures["ceafe/f1"]["value"] < 1 and figures["ceafe/f1"]["ci"] is not None


def test_error_listing_stays_per_document_and_agrees(generated, tmp_path, monkeypatch):
    """With errors the rows come from the reference (notes of repeated mentions listed), equal to the
    path's; the partial match is not taken by the path either."""
    monkeypatch.setenv("NEWSGOLD_CACHE_DIR", "off")
    lines = [json.loads(x) for x in (generated / "predictions.jsonl").read_text(encoding="utf-8").splitlines()]
    first = next(line for line in lines if line["coref"] and line["coref"][0])
    first["coref"].append([first["coref"][0][0]])                    # a mention listed twice
    path = tmp_path / "p.jsonl"
    path.write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    fast = api.score(path, gold=generated / "gold.jsonl", task="coref", resamples=0)
    calls: list[int] = []
    real = coref_fast.corpus_stats
    monkeypatch.setattr(coref_fast, "corpus_stats", lambda *a: calls.append(1) or real(*a))
    listed = api.score(path, gold=generated / "gold.jsonl", task="coref", resamples=0, errors=True)
    partial = api.score(path, gold=generated / "gold.jsonl", task="coref", resamples=0, coref_match="partial")
    assert calls == []
    assert np.array_equal(fast.stats["coref"], listed.stats["coref"])
    assert np.array_equal(fast.stats["coref"], partial.stats["coref"])   # no minimal spans: partial is exact
    repeats = [e for e in listed.errors if e["kind"] == "repeated_mention"]
    assert len(repeats) == 1 and repeats[0]["doc_id"] == first["doc_id"]
