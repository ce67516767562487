"""``newsgold score --task coref`` on the shipped gold with each input format, and the readers' rules.

Expected figures come from the construction of each response (a perfect response, a response
whose clusters are split in a known way, hand-counted mentions), not from the scorer's output.
"""
from __future__ import annotations

import json
import re

import numpy as np
import pytest

from newsgold.cli import main
from newsgold.formats import coref_conll, coref_json
from newsgold.formats.coref_common import TOKENS, CorefDocument, to_characters
from newsgold.gold.load import load_gold
from newsgold.scoring import coref, coref_task
from newsgold.scoring.resampling import bootstrap


@pytest.fixture(scope="module")
def gold():
    return load_gold(None)


def _write_jsonl(path, rows):
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def _score_cli(capsys, *args):
    rc = main(["score", *map(str, args), "--format", "json", "--quiet"])
    out = capsys.readouterr()
    return rc, (json.loads(out.out) if rc == 0 else None), out.err


def test_perfect_json_clusters_score_one(gold, tmp_path, capsys):
    pred = _write_jsonl(tmp_path / "p.jsonl", [{"doc_id": d, "clusters": coref_task.gold_clusters(gold.docs[d])}
                                                for d in gold.ids])
    rc, res, err = _score_cli(capsys, pred, "--task", "coref", "--from", "coref-json")
    assert rc == 0, err
    figs = res["tasks"]["coref"]["figures"]
    for m in ("muc", "bcub", "ceafm", "ceafe", "blanc", "lea", "conll"):
        assert figs[f"{m}/f1"]["value"] == pytest.approx(1.0), m
    assert "singletons-included" in res["signature"] and "match:coref-exact" in res["signature"]
    # two documents: no interval, and the reason is said
    assert figs["muc/f1"]["ci"] is None and "not available with 2 document" in res["tasks"]["coref"]["ci_reason"]


def test_split_clusters_lower_muc_recall_by_the_links_cut(gold, tmp_path, capsys):
    """Every cluster of three or more mentions loses its last mention to a cluster of its own:
    MUC recall = (key links − one per split cluster) / key links, precision 1."""
    rows, key_links, cut = [], 0, 0
    for d in gold.ids:
        out = []
        for c in coref_task.gold_clusters(gold.docs[d]):
            key_links += len(c) - 1
            if len(c) > 2:
                out += [c[:-1], c[-1:]]
                cut += 1
            else:
                out.append(c)
        rows.append({"doc_id": d, "clusters": out})
    rc, res, err = _score_cli(capsys, _write_jsonl(tmp_path / "p.jsonl", rows), "--task", "coref", "--from", "coref-json")
    assert rc == 0, err
    figs = res["tasks"]["coref"]["figures"]
    assert figs["muc/recall"]["value"] == pytest.approx((key_links - cut) / key_links)
    assert figs["muc/precision"]["value"] == 1.0 and figs["mentions/f1"]["value"] == 1.0


def test_strings_input_reports_every_unaligned_string(gold, tmp_path, capsys):
    rows = []
    for d in gold.ids:
        names: dict[str, set] = {}
        for m in gold.docs[d]["entities"]["mentions"]:
            names.setdefault(m["cluster"], set()).add(m["text"])
        rows.append({"doc_id": d, "clusters": [sorted(v) for v in names.values()]})
    rows[0]["clusters"] += [["zzz not in the text"], [{"text": "Syria", "occurrence": 99}]]
    pred = _write_jsonl(tmp_path / "s.jsonl", rows)
    rc, res, err = _score_cli(capsys, pred, "--task", "coref", "--from", "coref-strings", "--singletons", "exclude")
    assert rc == 0
    assert "zzz not in the text" in err and "occurrence" in err
    assert res["tasks"]["coref"]["figures"]["mentions/recall"]["value"] == pytest.approx(1.0)
    assert "singletons-excluded" in res["signature"]


def _tokens(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in re.finditer(r"\w+|[^\w\s]", text)]


def test_conll_2012_input_placed_on_the_gold_text(gold, tmp_path, capsys):
    """Gold clusters written as CoNLL-2012 over a word tokenisation; mentions that do not fall on
    token boundaries cannot be written, so recall is the share that can, precision 1."""
    docs, total, kept = [], 0, 0
    for d in gold.ids:
        text = gold.text(d)
        spans = _tokens(text)
        first = {s: i for i, (s, _) in enumerate(spans)}
        last = {e: i for i, (_, e) in enumerate(spans)}
        clusters = []
        for c in coref_task.gold_clusters(gold.docs[d]):
            total += len(c)
            ok = [(first[s], last[e] + 1) for s, e in c if s in first and e in last]
            kept += len(ok)
            if ok:
                clusters.append(ok)
        docs.append(CorefDocument(f"({d}); part 000", clusters, TOKENS, [text[s:e] for s, e in spans]))
    coref_conll.write(docs, tmp_path / "p.conll")
    rc, res, err = _score_cli(capsys, tmp_path / "p.conll", "--task", "coref", "--from", "conll-2012")
    assert rc == 0, err
    figs = res["tasks"]["coref"]["figures"]
    assert 0 < kept <= total
    assert figs["mentions/recall"]["value"] == pytest.approx(kept / total)
    assert figs["mentions/precision"]["value"] == 1.0
    if kept == total:
        assert figs["conll/f1"]["value"] == pytest.approx(1.0)


def test_task_and_format_must_go_together(tmp_path, capsys):
    pred = _write_jsonl(tmp_path / "p.jsonl", [])
    with pytest.raises(SystemExit) as exc:
        main(["score", str(pred), "--from", "coref-json", "--task", "entities"])
    assert exc.value.code == 2


def test_bad_span_is_an_error_naming_file_line_and_field(gold, tmp_path, capsys):
    d = gold.ids[0]
    pred = _write_jsonl(tmp_path / "p.jsonl", [{"doc_id": d, "clusters": [[[5, 2]]]}])
    rc, _, err = _score_cli(capsys, pred, "--task", "coref", "--from", "coref-json")
    assert rc == 1
    assert f"{pred}:1: clusters/0/0" in err


def test_json_inclusive_ends_and_text_check(gold, tmp_path):
    d = gold.ids[0]
    m = gold.docs[d]["entities"]["mentions"][0]
    rows = [{"doc_id": d, "end": "inclusive", "clusters": [[{"start": m["start"], "end": m["end"] - 1, "text": "wrong"}]]}]
    clusters, problems = coref_json.read(_write_jsonl(tmp_path / "p.jsonl", rows), gold)
    assert clusters[d] == [[(m["start"], m["end"])]]
    assert [p.rule for p in problems] == ["span-text"]


def test_conll_reader_rules(tmp_path):
    path = tmp_path / "a.conll"
    path.write_text("#begin document (d); part 000\n"
                    "d 0 0 A (1|(2)\nd 0 1 B -\nd 0 2 C 1)\n\nd 0 3 D (1+2)|(3)\n#end document\n")
    (doc,) = coref_conll.read(path)
    assert doc.name == "(d); part 000" and doc.tokens == ["A", "B", "C", "D"]
    # one-token mentions are read before openings on a line (as scorer.pl does), so entity 2 comes
    # first; the split antecedent (1+2) is skipped
    assert doc.clusters == [[(0, 1)], [(0, 3)], [(3, 4)]]
    path.write_text("#begin document (d); part 000\nd 0 0 A 1)\n#end document\n")
    with pytest.raises(coref_conll.InputError, match="closes without opening"):
        coref_conll.read(path)


def test_conll_round_trip():
    clusters = [[(0, 3), (1, 2), (5, 6)], [(1, 3), (4, 6)]]
    column = coref_conll.coref_column(6, clusters)
    assert column[0] == "(0" and column[5] == "(0)|1)"


def test_token_to_character_rule():
    doc = CorefDocument("x", [[(0, 2), (3, 4)]], TOKENS, ["New", "York", "is", "big"])
    placed, problems = to_characters(doc, "New  York\nis big", "f")
    assert problems == [] and placed.clusters == [[(0, 9), (13, 16)]]
    _, problems = to_characters(doc, "New Jersey is big", "f")
    assert problems and "'York'" in problems[0].message


def test_bootstrap_keeps_fractional_statistics_exact():
    """Eight copies of a document with B³ recall 5/9: every resample has recall 5/9 exactly (a
    rounded sum of the fractional numerators would move it)."""
    key = [["a", "b"], ["c", "d", "e"], ["f"]]
    response = [["a"], ["b", "c", "d"], ["e", "f"]]
    row = coref.doc_stats(key, response)
    stats = np.tile(row, (8, 1))
    ci = bootstrap(stats, coref.figures, 200, 1)
    value = float(coref.figures(row)["bcub/recall"])
    assert ci["bcub/recall"] == pytest.approx((value, value), abs=1e-12)


def test_compare_coref_with_too_few_documents_gives_no_p(gold, tmp_path, capsys):
    rows = [{"doc_id": d, "clusters": coref_task.gold_clusters(gold.docs[d])} for d in gold.ids]
    a = _write_jsonl(tmp_path / "a.jsonl", rows)
    b = _write_jsonl(tmp_path / "b.jsonl", [{"doc_id": r["doc_id"], "clusters": [[m] for c in r["clusters"] for m in c]}
                                            for r in rows])
    rc = main(["compare", str(a), str(b), "--task", "coref", "--from", "coref-json", "--format", "json"])
    res = json.loads(capsys.readouterr().out)
    assert rc == 0
    tests = res["tasks"]["coref"]
    assert tests["muc/f1"]["delta"] == pytest.approx(-tests["muc/f1"]["a"])
    assert tests["muc/f1"]["p_randomization"] is None and "ci:none-2docs<6" in res["signature"]


def test_paired_tests_on_enough_documents():
    """Six documents where B is perfect and A merges everything: every paired test can reach p < 0.05."""
    docs = [[[f"{d}a", f"{d}b"], [f"{d}c", f"{d}d"], [f"{d}e"]] for d in range(8)]
    a = coref.corpus_stats((k, [[m for c in k for m in c]]) for k in docs)
    b = coref.corpus_stats((k, k) for k in docs)
    from newsgold.scoring.resampling import paired_tests
    tests = paired_tests(a, b, coref.figures, 500, 3)
    assert tests["conll/f1"]["delta"] > 0 and tests["conll/f1"]["p_randomization"] < 0.05


def test_html_view_marks_missed_mentions_and_missing_and_spurious_links(gold, tmp_path, capsys):
    d = gold.ids[0]
    key = [c for c in coref_task.gold_clusters(gold.docs[d]) if len(c) >= 3][:2]
    assert len(key) == 2, "the test needs two gold clusters of three or more mentions"
    dropped = key[0][1]
    # predicted: the first cluster loses its second mention, and the two clusters are merged
    merged = [m for m in key[0] if m != dropped] + key[1]
    pred = _write_jsonl(tmp_path / "p.jsonl", [{"doc_id": d, "clusters": [merged]}])
    out = tmp_path / "r.html"
    assert main(["report", str(pred), "-o", str(out), "--task", "coref", "--from", "coref-json"]) == 0
    page = out.read_text(encoding="utf-8")
    text = gold.text(d)
    assert f"«{text[dropped[0]:dropped[1]]}» <small>[{dropped[0]}, {dropped[1]})</small> missed" in page
    assert "spurious link to" in page and "missing link to" in page
    capsys.readouterr()
    main(["report", str(pred), "-o", str(tmp_path / "r2.html"), "--task", "coref", "--from", "coref-json"])
    assert (tmp_path / "r2.html").read_bytes() == out.read_bytes()


def _conll(path, docs: dict[str, list]) -> None:
    coref_conll.write([CorefDocument(name, clusters, TOKENS, ["w"] * 80) for name, clusters in docs.items()], path)


def test_conll_key_and_response_as_scorer_pl(tmp_path, capsys):
    """A CoNLL-2012 key given as --gold: case A4 of the reference scorer's test suite (key TC-A, response
    TC-A-4, transcribed in tests/test_coref_metrics.py) gives the suite's figures through the command line."""
    from test_coref_metrics import FILES
    _conll(tmp_path / "key.conll", {"(a); part 000": FILES["TC-A.key"]})
    _conll(tmp_path / "resp.conll", {"(a); part 000": FILES["TC-A-4.response"]})
    rc, res, err = _score_cli(capsys, tmp_path / "resp.conll", "--gold", tmp_path / "key.conll", "--task", "coref",
                              "--from", "conll-2012")
    assert rc == 0, err
    figs = res["tasks"]["coref"]["figures"]
    assert [round(figs[f"muc/{k}"]["value"], 5) for k in ("recall", "precision", "f1")] == [0.33333] * 3
    assert [round(figs[f"ceafe/{k}"]["value"], 5) for k in ("recall", "precision", "f1")] == [0.73333, 0.55, 0.62857]
    assert "data:custom+" in res["signature"]


def test_conll_key_every_document_scored_and_intervals_from_six(tmp_path, capsys):
    key = {f"(d{i}); part 000": [[(0, 1), (3, 4)], [(5, 6), (8, 9), (10, 12)]] for i in range(8)}
    resp = {n: [[(0, 1), (3, 4), (5, 6)], [(8, 9), (10, 12)]] for n in list(key)[:7]}      # the last one absent
    _conll(tmp_path / "key.conll", key)
    _conll(tmp_path / "resp.conll", resp)
    rc, res, err = _score_cli(capsys, tmp_path / "resp.conll", "--gold", tmp_path / "key.conll", "--task", "coref",
                              "--from", "conll-2012", "--resamples", "200")
    assert rc == 0
    entry = res["tasks"]["coref"]
    assert entry["n_documents"] == 8 and "scored as empty responses" in err
    assert entry["figures"]["muc/recall"]["ci"] is not None
    # 7 documents with 2 of 3 links found, one with none: MUC recall = 14 / 24
    assert entry["figures"]["muc/recall"]["value"] == pytest.approx(14 / 24)


def test_conll_key_needs_conll_predictions(tmp_path, capsys):
    _conll(tmp_path / "key.conll", {"(a); part 000": [[(0, 1), (2, 3)]]})
    pred = _write_jsonl(tmp_path / "p.jsonl", [])
    with pytest.raises(SystemExit) as exc:
        main(["score", str(pred), "--gold", str(tmp_path / "key.conll"), "--task", "coref", "--from", "coref-json"])
    assert exc.value.code == 2


def test_coref_layer_offsets_are_checked(gold, tmp_path, capsys):
    d = gold.ids[0]
    n = len(gold.text(d))
    pred = _write_jsonl(tmp_path / "p.jsonl", [{"doc_id": d, "coref": [[{"start": 0, "end": 3}, {"start": n, "end": n + 4}]]}])
    rc = main(["score", str(pred), "--task", "coref", "--quiet"])
    err = capsys.readouterr().err
    assert rc == 1 and f"{pred}:1" in err and "coref/0/1" in err


def test_partial_match_on_a_gold_without_minimal_spans_says_so(gold, tmp_path, capsys):
    rows = [{"doc_id": d, "coref": [[{"start": s, "end": e} for s, e in c] for c in coref_task.gold_clusters(gold.docs[d])]}
            for d in gold.ids]
    rc, res, err = _score_cli(capsys, _write_jsonl(tmp_path / "p.jsonl", rows), "--task", "coref", "--coref-match", "partial")
    assert rc == 0, err
    assert "the same as exact" in res["tasks"]["coref"]["options"]["match"]
    assert "match:coref-partial" in res["signature"]
    assert res["tasks"]["coref"]["figures"]["conll/f1"]["value"] == pytest.approx(1.0)


def test_a_conll_key_is_recognised_by_its_first_line(tmp_path):
    # score --gold G asks this of every G without importing the coreference scorer
    from newsgold.formats.coref_common import is_conll_file
    key, jsonl, blank_first = tmp_path / "k.conll", tmp_path / "g.jsonl", tmp_path / "b.conll"
    key.write_text("#begin document (d); part 000\nd 0 0 A (1)\n#end document\n", encoding="utf-8")
    jsonl.write_text('{"id": "d", "text": "#begin document"}\n', encoding="utf-8")
    blank_first.write_text("\n  \n# begin document (d); part 000\n", encoding="utf-8")
    assert is_conll_file(key) and is_conll_file(blank_first)
    assert not is_conll_file(jsonl) and not is_conll_file(tmp_path / "missing.conll") and not is_conll_file(tmp_path)
