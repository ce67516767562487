"""``newsgold score/compare/report --task coref --from corefud``: CorefUD CoNLL-U predictions.

The CoNLL-U files are invented here: the gold text of shipped documents (taken from the manifest
through ``load_gold``) cut into words by a regular expression, with ``Entity=`` brackets written
from the gold's own mention offsets. Expected figures come from a peer path (the same clusters as
``--from coref-json``, character spans) and from construction (the gold's clusters score 1).
"""
from __future__ import annotations

import json
import re
from itertools import pairwise

import pytest

from newsgold.cli import main
from newsgold.formats import coref_input, corefud
from newsgold.gold.load import load_gold
from newsgold.scoring import coref_task

METRICS = ("muc", "bcub", "ceafm", "ceafe", "blanc", "lea", "conll")   # conll: F1 only
_ESCAPE = {"\\": "\\\\", " ": "\\s", "\t": "\\t", "\n": "\\n", "|": "\\p"}


@pytest.fixture(scope="module")
def gold():
    return load_gold(None)


def _words(text: str, cuts: set[int]) -> list[tuple[int, int]]:
    """Words and punctuation marks, cut again at every mention boundary inside one."""
    out = []
    for m in re.finditer(r"\w+|[^\w\s]", text):
        inner = sorted(c for c in cuts if m.start() < c < m.end())
        bounds = [m.start(), *inner, m.end()]
        out += list(pairwise(bounds))
    return out


def _entity_column(words: list[tuple[int, int]], clusters: list[list[tuple[int, int]]]) -> list[str]:
    """Per word: closings, then openings (longer first), then one-word mentions, as CorefUD writes them."""
    first = {s: i for i, (s, _) in enumerate(words)}
    last = {e: i for i, (_, e) in enumerate(words)}
    cells: list[list[tuple[int, int, str]]] = [[] for _ in words]
    for c, cluster in enumerate(clusters):
        for s, e in cluster:
            i, j = first[s], last[e]
            if i == j:
                cells[i].append((2, 0, f"(c{c}-entity)"))
            else:
                cells[i].append((1, i - j, f"(c{c}-entity"))
                cells[j].append((0, 0, f"c{c})"))
    return ["".join(tag for *_, tag in sorted(cell)) for cell in cells]


def _spacing(gap: str, exact: bool) -> str:
    """MISC spacing of a word followed by ``gap``: exactly (SpacesAfter escapes), or one space whatever the gap."""
    if not exact or gap == " ":
        return ""
    return "SpaceAfter=No" if gap == "" else "SpacesAfter=" + "".join(_ESCAPE.get(ch, ch) for ch in gap)


def _conllu(doc_id: str, text: str, clusters: list[list[tuple[int, int]]], exact: bool) -> str:
    """One document as one sentence; ``exact``: the tokens rebuild ``text``, else words joined by spaces."""
    words = _words(text, {x for c in clusters for m in c for x in m})
    entity = _entity_column(words, clusters)
    lines = [f"# newdoc id = {doc_id}", "# global.Entity = eid-etype-head-other", f"# sent_id = {doc_id}-1"]
    for i, (s, e) in enumerate(words):
        gap = text[e:words[i + 1][0]] if i + 1 < len(words) else ""
        misc = [x for x in (_spacing(gap, exact), entity[i] and f"Entity={entity[i]}") if x]
        lines.append(f"{i + 1}\t{text[s:e]}\t_\tX\t_\t_\t_\t_\t_\t{'|'.join(misc) or '_'}")
    return "\n".join(lines) + "\n\n"


def _score(capsys, path, fmt, *more):
    rc = main(["score", str(path), "--task", "coref", "--from", fmt, "--resamples", "0", "--format", "json",
               "--quiet", *more])
    out = capsys.readouterr()
    return rc, (json.loads(out.out) if rc == 0 else None), out.err


def _figures(res) -> dict:
    return {k: v["value"] for k, v in res["tasks"]["coref"]["figures"].items()}


def _some_clusters(gold, doc_id):
    """Three gold clusters of two or more mentions, answered with one merge and one dropped mention."""
    chains = [c for c in coref_task.gold_clusters(gold.docs[doc_id]) if len(c) > 1][:3]
    assert len(chains) == 3, "the first gold document needs three clusters of two or more mentions"
    return [chains[0] + chains[2], chains[1][:-1]]


@pytest.mark.parametrize("exact", [True, False], ids=["same-text", "token-aligned"])
def test_corefud_equals_the_same_clusters_as_coref_json(gold, tmp_path, capsys, exact):
    doc_id = gold.ids[0]
    text, clusters = gold.text(doc_id), _some_clusters(gold, doc_id)
    conllu = _conllu(doc_id, text, clusters, exact)
    (doc,), problems = corefud.parse(conllu, "p.conllu")
    assert not problems and (doc.text == text) == exact      # the path under test is the one taken
    (tmp_path / "p.conllu").write_text(conllu, encoding="utf-8")
    (tmp_path / "p.jsonl").write_text(json.dumps({"doc_id": doc_id, "clusters": clusters}) + "\n", encoding="utf-8")
    rc, ud, err = _score(capsys, tmp_path / "p.conllu", "corefud")
    assert rc == 0, err
    rc, js, err = _score(capsys, tmp_path / "p.jsonl", "coref-json")
    assert rc == 0, err
    assert _figures(ud) == _figures(js)
    assert _figures(ud)["muc/recall"] < 1.0                   # the merge and the drop are seen


def _gold_file(gold, path, exact: bool):
    path.write_text("".join(_conllu(d, gold.text(d), coref_task.gold_clusters(gold.docs[d]), exact) for d in gold.ids),
                    encoding="utf-8")
    return path


@pytest.mark.parametrize("singletons", ["include", "exclude"])
def test_the_gold_clusters_score_one(gold, tmp_path, capsys, singletons):
    """Every gold document, every cluster (singletons too) written as CorefUD, words joined by spaces."""
    rc, res, err = _score(capsys, _gold_file(gold, tmp_path / "g.conllu", exact=False), "corefud",
                          "--singletons", singletons)
    assert rc == 0, err
    figs = _figures(res)
    names = [f"{m}/{f}" for m in METRICS if m != "conll" for f in ("recall", "precision", "f1")] + ["conll/f1"]
    for name in names:
        assert figs[name] == pytest.approx(1.0), name
    assert f"singletons-{singletons}d" in res["signature"]


def test_unknown_document_and_unplaced_mentions_exit_1_naming_file_line_and_field(gold, tmp_path, capsys):
    doc_id = gold.ids[0]
    stranger = doc_id + "-not-in-the-gold"
    assert stranger not in gold.docs
    text = gold.text(doc_id)
    bad = tmp_path / "bad.conllu"
    bad.write_text(_conllu(stranger, text, [], exact=True), encoding="utf-8")
    rc, _, err = _score(capsys, bad, "corefud")
    assert rc == 1 and f"{bad}:1: # newdoc id: unknown document id {stranger!r}" in err
    # a first word the gold text does not have: no mention can be placed, each is named at its line
    clusters = _some_clusters(gold, doc_id)
    lines = _conllu(doc_id, text, clusters, exact=False).split("\n")
    word = lines[3].split("\t")
    lines[3] = "\t".join([word[0], "zzz" + word[1], *word[2:]])
    bad.write_text("\n".join(lines), encoding="utf-8")
    rc, _, err = _score(capsys, bad, "corefud")
    assert rc == 1 and f"{doc_id}/tokens/0" in err and "'zzz" in err
    opening = [n for n, line in enumerate(lines, 1) if "Entity=" in line and "(c1-" in line]
    assert f"{bad}:{opening[0]}: MISC/Entity: mention" in err and "[corefud-placement]" in err


def test_compare_and_report_read_corefud(gold, tmp_path, capsys):
    perfect = _gold_file(gold, tmp_path / "g.conllu", exact=True)
    doc_id = gold.ids[0]
    partial = tmp_path / "p.conllu"
    partial.write_text(_conllu(doc_id, gold.text(doc_id), _some_clusters(gold, doc_id), exact=False), encoding="utf-8")
    assert main(["compare", str(perfect), str(partial), "--task", "coref", "--from", "corefud", "--resamples", "0",
                 "--format", "json"]) == 0
    capsys.readouterr()
    out = tmp_path / "r.html"
    assert main(["report", str(partial), "-o", str(out), "--task", "coref", "--from", "corefud", "--resamples", "0"]) == 0
    assert out.is_file() and "<html" in out.read_text(encoding="utf-8").lower()


INVENTED = """# newdoc id = inv
# global.Entity = eid-etype-head-other
# text = Anna's dog barked loudly
1-2\tAnna's\t_\t_\t_\t_\t_\t_\t_\t_
1\tAnna\t_\tPROPN\t_\t_\t_\t_\t_\tEntity=(e1-person)
2\t's\t_\tPART\t_\t_\t_\t_\t_\t_
3\tdog\t_\tNOUN\t_\t_\t_\t_\t_\tEntity=(e2[1/2]-animal)
4\tbarked\t_\tVERB\t_\t_\t_\t_\t_\t_
5\tloudly\t_\tADV\t_\t_\t_\t_\t_\tEntity=(e2[2/2]-animal)|Bridge=e1<e2

"""


class _Gold:
    """A stand-in gold of one invented document whose text spaces the words otherwise."""
    def __init__(self) -> None:
        self.docs: dict[str, dict] = {"inv": {}}

    def text(self, doc_id: str) -> str:
        return "Anna's  dog\nbarked loudly"


def test_multiword_token_discontinuous_mention_and_bridging_by_hand(tmp_path):
    """A multiword token is one token; the discontinuous mention 'dog … loudly' is its extent; the
    text differs in its spaces, so the tokens are placed: Anna's [0, 6), dog [8, 11), loudly [19, 25)."""
    (doc,), problems = corefud.parse(INVENTED, "inv.conllu")
    assert not problems
    tokens = doc.token_document()
    assert tokens.tokens == ["Anna's", "dog", "barked", "loudly"] and tokens.clusters == [[(0, 1)], [(1, 4)]]
    path = tmp_path / "inv.conllu"
    path.write_text(INVENTED, encoding="utf-8")
    clusters, problems = coref_input.read_response("corefud", path, _Gold())
    assert clusters == {"inv": [[(0, 6)], [(8, 25)]]}
    assert all(p.severity == "warning" for p in problems)
    assert {(p.line, p.path, p.rule) for p in problems} == {(9, "MISC/Entity", "corefud-discontinuous"),
                                                            (1, "MISC", "corefud-ignored")}
    assert "MISC Bridge (1)" in next(p.message for p in problems if p.rule == "corefud-ignored")
