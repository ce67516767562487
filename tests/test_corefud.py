"""The CorefUD CoNLL-U reader (newsgold.formats.corefud) on an invented two-document file.

Expected values are worked out by hand from the fixture (tests/fixtures/corefud/invented_news.conllu,
invented text in GUM's conventions), and the mentions and clusters are checked against udapi, the
reference reader of CorefUD, run in the test.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from newsgold.core.diagnostics import InputError
from newsgold.formats import corefud

FIXTURE = Path(__file__).parent / "fixtures" / "corefud" / "invented_news.conllu"

HARBOR_TEXT = ("Harbor town opens floating library\n"
               "Monday, May 4, 2026\n"
               "The town of Eastport opened a floating library on Monday. "
               "Mayor Lina Ortiz said it \"will travel to every village on the coast.\"\n"
               "The library boat at the pier\n"
               "Employers' groups welcomed it. They can't wait.")


@pytest.fixture(scope="module")
def docs():
    return corefud.read(FIXTURE)


def test_text_is_rebuilt_by_the_stated_rule(docs):
    # SpaceAfter=No, a multiword token (can't) written once, an empty node giving no text,
    # paragraphs joined by one line break (the SpacesAfter=\n of the last token gives way to it)
    assert [d.doc_id for d in docs] == ["INVENTED_news_harbor", "INVENTED_news_ferry"]
    assert docs[0].text == HARBOR_TEXT
    assert docs[1].text == "Ferry leaves\nA ferry left Oslo, old but sturdy. Both were quiet."


def test_zones_tile_the_text(docs):
    d = docs[0]
    got = [(z.kind, d.text[z.start:z.end]) for z in d.zones]
    assert got == [("headline", "Harbor town opens floating library\n"),
                   ("timestamp", "Monday, May 4, 2026\n"),
                   ("body", "The town of Eastport opened a floating library on Monday. "
                            "Mayor Lina Ortiz said it \"will travel to every village on the coast.\"\n"),
                   ("caption", "The library boat at the pier\n"),
                   ("body", "Employers' groups welcomed it. They can't wait.")]
    assert [z.kind for z in docs[1].zones] == ["headline", "body"]


def test_mentions_types_clusters_and_attributes(docs):
    d = docs[0]
    got = [(m.text, m.etype, m.entity) for m in d.mentions]
    assert got == [("Harbor town", "place", "1"), ("floating library", "object", "2"),
                   ("Monday", "time", "3"), ("May 4, 2026", "time", "3"),
                   ("The town of Eastport", "place", "1"), ("Eastport", "place", "1"),
                   ("a floating library", "object", "2"), ("Monday", "time", "3"),
                   ("Mayor Lina Ortiz", "person", "4"), ("it", "object", "2"),
                   ("every village on the coast", "place", "5"), ("the coast", "place", "6"),
                   ("The library boat", "object", "2"), ("the pier", "place", "7"),
                   ("Employers' groups", "organization", "8"), ("Employers", "person", "9"),
                   ("it", "object", "2"), ("They", "organization", "8")]
    for m in d.mentions:
        assert d.text[m.start:m.end] == m.text
    ortiz = d.mentions[8]
    assert ortiz.attr("identity") == "Lina_Ortiz" and ortiz.attr("infstat") == "new"
    assert d.text.index("Mayor Lina Ortiz") == ortiz.start


def test_discontinuous_mention_keeps_its_parts(docs):
    d = docs[1]
    ferry = [m for m in d.mentions if len(m.fragments) > 1]
    assert [[d.text[s:e] for s, e in m.fragments] for m in ferry] == [["A ferry", "old but sturdy"]]


def test_quotations_and_meta(docs):
    d = docs[0]
    assert [d.text[q.start:q.end] for q in d.quotations()] == ["\"will travel to every village on the coast.\""]
    assert d.meta_value("sourceURL") == "https://news.example.org/wiki/Harbor_town_opens_floating_library"
    assert d.meta_value("author") == "Invented Author, Second Writer"


def test_what_is_not_carried_is_counted(docs):
    assert dict(docs[0].ignored) == {"MISC Bridge": 1, "comment 's_type'": 1, "empty node": 1}
    assert dict(docs[1].ignored) == {"MISC SplitAnte": 1}


@pytest.mark.parametrize("bad, rule, line", [
    ("1\tA\t_\t_\t_\t_\t0\troot\t_\tEntity=(1-person\n", "entity-brackets", 1),
    ("1\tA\t_\t_\t_\t_\t0\troot\t_\tEntity=2)\n", "entity-brackets", 1),
    ("# newdoc id = x\n1\tA\t_\t_\t_\t_\t0\troot\n", "conllu-columns", 2),
    ("1\tA\t_\t_\t_\t_\t0\troot\t_\tXML=</quote>\n", "xml-tags", 1),
    ("x\tA\t_\t_\t_\t_\t0\troot\t_\t_\n", "conllu-id", 1),
])
def test_bad_input_names_line_and_rule(tmp_path, bad, rule, line):
    f = tmp_path / "bad.conllu"
    f.write_text(bad, encoding="utf-8")
    with pytest.raises(InputError) as exc:
        corefud.read(f)
    assert any(p.rule == rule and p.line == line and p.file == str(f) for p in exc.value.problems), exc.value.problems


def test_sentence_text_mismatch_is_a_warning(tmp_path):
    f = tmp_path / "t.conllu"
    f.write_text("# text = A  B\n1\tA\t_\t_\t_\t_\t0\troot\t_\t_\n2\tB\t_\t_\t_\t_\t1\tdep\t_\t_\n", encoding="utf-8")
    docs, problems = corefud.read_with_problems(f)
    assert docs[0].text == "A B"
    assert [(p.rule, p.severity, p.line) for p in problems] == [("conllu-text", "warning", 2)]


def _udapi_mentions(path: Path, our_docs):
    """Mentions by udapi as (doc index, start, end, etype) with clusters as sets, placed on our text by the
    sentence texts udapi computes (found in order in our document text) and the word forms in them."""
    document = pytest.importorskip("udapi.core.document", reason="udapi (test extra) is not installed")
    udoc = document.Document(str(path))
    places, doc_index, cursor = {}, -1, 0
    for bundle in udoc.bundles:
        root = bundle.get_tree()
        if root.newdoc:
            doc_index, cursor = doc_index + 1, 0
        text = our_docs[doc_index].text
        sent_start = text.index(root.compute_text(), cursor)
        pos = sent_start
        for node in root.token_descendants:
            pos = text.index(node.form, pos)
            for word in (node.words if hasattr(node, "words") else [node]):
                places[id(word)] = (doc_index, pos, pos + len(node.form))
            pos += len(node.form)
        cursor = pos
    out = set()
    clusters: dict[str, set] = {}
    for entity in udoc.coref_entities:
        for m in entity.mentions:
            first, last = places[id(m.words[0])], places[id(m.words[-1])]
            key = (first[0], first[1], last[2], entity.etype)
            out.add(key)
            clusters.setdefault(entity.eid, set()).add(key)
    return out, {frozenset(c) for c in clusters.values()}


def test_mentions_and_clusters_agree_with_udapi(docs):
    theirs, their_clusters = _udapi_mentions(FIXTURE, docs)
    ours = {(i, m.start, m.end, m.etype) for i, d in enumerate(docs) for m in d.mentions}
    assert ours == theirs
    groups: dict[tuple[int, str], set] = {}
    for i, d in enumerate(docs):
        for m in d.mentions:
            groups.setdefault((i, m.entity), set()).add((i, m.start, m.end, m.etype))
    assert {frozenset(g) for g in groups.values()} == their_clusters


def test_words_carry_spans_and_upos(docs):
    d = docs[0]
    cant = [w for w in d.words if w.form in ("ca", "n't")]
    assert [(w.form, d.text[w.start:w.end]) for w in cant] == [("ca", "can't"), ("n't", "can't")]
    ortiz = d.mentions[8]
    assert [w.form for w in d.words_of(ortiz)] == ["Mayor", "Lina", "Ortiz"]
