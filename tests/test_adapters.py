"""newsgold.formats: other tools' outputs → predictions, checked against spans written by hand.

Fixtures in tests/fixtures/adapters/ are real-shaped outputs of each tool on the shipped
documents (ng_tools_helpers.EXAMPLE_DOCS). Every expected list below was written by reading
the fixture and the document text, as (start, end, label, surface text), not copied from
the converter; ``_check_text`` verifies each expectation against the gold text first.
"""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "tools"))
import ng_tools_helpers as H

from newsgold.cli import main
from newsgold.core.schema import ENTITY_LABELS
from newsgold.formats import registry
from newsgold.formats.align import codepoints_to_utf16, utf16_to_codepoints
from newsgold.formats.brat import parse as read_brat
from newsgold.formats.to_predictions import convert as convert_with_notes
from newsgold.gold.load import load_gold
from newsgold.scoring.predictions import read_predictions

FIX = Path(__file__).parent / "fixtures" / "adapters"
D1, D2 = H.EXAMPLE_DOCS
CONLL_LABELS = ("PER", "ORG", "LOC", "MISC")


@pytest.fixture(scope="module")
def gold():
    return load_gold()


@pytest.fixture(scope="module")
def syn():
    """Synthetic gold: one text with characters outside the BMP (emoji, a flag), one plain."""
    return load_gold(FIX / "synthetic_gold.jsonl")


def convert(*args, **kwargs):
    """``convert`` without its notes (how each document was identified; tested on their own below)."""
    records, problems = convert_with_notes(*args, **kwargs)
    return records, [p for p in problems if p.severity != "note"]


def _check_text(gold, doc_id, expected):
    text = gold.docs[doc_id]["text"]
    for s, e, _lab, surface in expected:
        assert text[s:e] == surface, f"bad expectation {s}:{e} {surface!r} (text reads {text[s:e]!r})"


def spans(records, doc_id):
    rec = [r for r in records if r["doc_id"] == doc_id]
    assert len(rec) == 1, f"expected one record for {doc_id}, got {len(rec)}"
    return [(e["start"], e["end"], e["label"], e["text"]) for e in rec[0]["entities"]]


def errors(problems):
    return [p for p in problems if p.severity == "error"]


def ok(records, problems, gold, *, labels=ENTITY_LABELS):
    """No errors, every span's text is its gold slice, and the records pass the predictions reader."""
    assert not errors(problems), "\n".join(map(str, problems))
    for r in records:
        text = gold.docs[r["doc_id"]]["text"]
        for e in r["entities"]:
            assert e["text"] == text[e["start"]:e["end"]]
    _, probs = read_predictions(records, gold, labels=labels)
    assert not errors(probs), "\n".join(map(str, probs))
    return records


def line_of(path: Path, needle: str, nth: int = 0) -> int:
    hits = [i for i, line in enumerate(path.read_text(encoding="utf-8").split("\n"), 1) if needle in line]
    return hits[nth]


# ---------------------------------------------------------------- CoNLL

# the system output encoded in every conll_*.conll fixture for document 02 (OntoNotes labels)
SYS_D2 = [(0, 5, "ORG", "Hamas"), (20, 24, "GPE", "Gaza"), (96, 101, "ORG", "Hamas"), (116, 120, "GPE", "Gaza"),
          (162, 167, "PERSON", "Trump"), (209, 219, "GPE", "Washington"), (223, 231, "DATE", "Thursday"),
          (304, 315, "NORP", "Palestinian"), (327, 336, "GPE", "GAZA CITY"), (353, 357, "GPE", "Gaza"),
          (399, 406, "NORP", "Israeli"), (421, 432, "NORP", "Palestinian"), (433, 441, "NORP", "Islamist"),
          (451, 456, "ORG", "Hamas"), (468, 470, "GPE", "US"), (481, 493, "PERSON", "Donald Trump"),
          (496, 510, "ORG", "Board of Peace"), (523, 528, "ORDINAL", "first"), (609, 619, "GPE", "Gaza Strip"),
          (1162, 1180, "PERSON", "Benjamin Netanyahu"), (1491, 1502, "PERSON", "Gideon Saar"), (1548, 1552, "GPE", "Gulf"),
          (1624, 1639, "NORP", "Muslim-majority"), (1697, 1730, "ORG", "International Stabilization Force"),
          (1840, 1859, "ORG", "UN Security Council"), (1863, 1871, "DATE", "November"), (1943, 1950, "GPE", "Morocco"),
          (1952, 1962, "GPE", "Kazakhstan"), (1964, 1970, "GPE", "Kosovo"), (1975, 1982, "GPE", "Albania")]
SYS_D1 = [(41, 46, "ORG", "Daesh"), (55, 60, "GPE", "Syria"), (79, 84, "PERSON", "Trump"), (166, 171, "GPE", "Syria"),
          (187, 192, "GPE", "Sanaa"), (212, 227, "DATE", "28 January 2026"), (336, 351, "PERSON", "Ahmed Al-Sharaa"),
          (376, 378, "GPE", "US"), (519, 525, "GPE", "LONDON"), (664, 676, "PERSON", "Donald Trump"),
          (680, 687, "DATE", "Tuesday"), (809, 824, "PERSON", "Bashar Al-Assad"),
          (1940, 1964, "ORG", "Syrian Democratic Forces"), (1966, 1969, "ORG", "SDF"), (2575, 2578, "ORG", "AFP")]


def test_expectations_are_the_gold_text(gold):
    _check_text(gold, D2, SYS_D2)
    _check_text(gold, D1, SYS_D1)


def test_conll_iob2_two_documents_by_docstart_and_content(gold):
    records, problems = convert("conll-iob2", FIX / "conll_iob2.conll", gold)
    ok(records, problems, gold)
    assert not problems
    assert [r["doc_id"] for r in records] == [D1, D2]
    assert spans(records, D1) == SYS_D1
    assert spans(records, D2) == SYS_D2


@pytest.mark.parametrize("fmt,fname", [("conll-iob1", "conll_iob1.conll"), ("conll-iobes", "conll_iobes.conll"),
                                       ("conll-bilou", "conll_bilou.conll")])
def test_conll_schemes_same_spans(gold, fmt, fname):
    records, problems = convert(fmt, FIX / fname, gold)
    ok(records, problems, gold)
    assert not problems
    assert spans(records, D2) == SYS_D2


def test_conll_io_merges_adjacent_same_type(gold):
    # IO cannot separate "Palestinian" and "Islamist" (two NORP tokens in a row): one span
    expected = [x for x in SYS_D2 if x[0] not in (421, 433)] + [(421, 441, "NORP", "Palestinian Islamist")]
    expected.sort()
    _check_text(gold, D2, expected)
    records, problems = convert("conll-io", FIX / "conll_io.conll", gold)
    ok(records, problems, gold)
    assert spans(records, D2) == expected


def test_conll_iob1_fixture_uses_b_only_between_same_type():
    lines = (FIX / "conll_iob1.conll").read_text(encoding="utf-8").split("\n")
    b_tags = [ln for ln in lines if ln.endswith(("B-NORP", "B-ORG", "B-GPE", "B-PERSON"))]
    assert b_tags == ["Islamist _ _ B-NORP"]


def _tokens(text):
    return [(m.start(), m.end()) for m in re.finditer(r"\w+|[^\w\s]", text)]


def _write_conll(text, ents, scheme, doc_id):
    """An independent CoNLL writer: tokens of text, tags of (start, end, label) spans in ``scheme``."""
    toks = _tokens(text)
    tags = ["O"] * len(toks)
    ends_at = {}
    for s, e, lab in sorted(ents):
        idx = [i for i, (a, b) in enumerate(toks) if a >= s and b <= e]
        assert idx and toks[idx[0]][0] == s and toks[idx[-1]][1] == e, (s, e)
        for k, i in enumerate(idx):
            if scheme == "iob2":
                p = "B" if k == 0 else "I"
            elif scheme == "iob1":
                p = "B" if k == 0 and ends_at.get(i - 1) == lab else "I"
            elif scheme == "io":
                p = "I"
            else:
                single, end = ("S", "E") if scheme == "iobes" else ("U", "L")
                p = single if len(idx) == 1 else "B" if k == 0 else end if k == len(idx) - 1 else "I"
            tags[i] = f"{p}-{lab}"
        ends_at[idx[-1]] = lab
    out = [f"# doc_id = {doc_id}", ""]
    for i, ((a, b), t) in enumerate(zip(toks, tags)):
        out.append(f"{text[a:b]}\t{t}")
        if text[a:b] == "." or (i + 1 < len(toks) and "\n" in text[b:toks[i + 1][0]]):
            out.append("")
    return "\n".join(out) + "\n"


@pytest.mark.parametrize("scheme", ["iob1", "iob2", "iobes", "bilou", "io"])
def test_conll_round_trip(gold, tmp_path, scheme):
    original = [(s, e, lab) for s, e, lab, _ in SYS_D2]
    if scheme == "io":   # IO merges adjacent same-type spans: leave one of the pair out
        original = [x for x in original if x[0] != 433]
    path = tmp_path / f"rt.{scheme}"
    path.write_text(_write_conll(gold.docs[D2]["text"], original, scheme, D2), encoding="utf-8")
    records, problems = convert(f"conll-{scheme}", path, gold)
    ok(records, problems, gold)
    assert [(s, e, lab) for s, e, lab, _ in spans(records, D2)] == sorted(original)


def test_conll_misaligned_token_reported_with_line(gold, tmp_path):
    src = FIX / "conll_iob2.conll"
    lines = src.read_text(encoding="utf-8").split("\n")
    n = lines.index("Washington\tB-GPE")          # document 02, "Washington" at 209
    lines[n] = "Washngton\tB-GPE"
    path = tmp_path / "bad.conll"
    path.write_text("\n".join(lines), encoding="utf-8")
    records, problems = convert("conll-iob2", path, gold)
    errs = errors(problems)
    tok = [p for p in errs if p.path == "token"]
    assert len(tok) == 1
    assert tok[0].line == n + 1 and tok[0].rule == "token-align"
    assert "'Washngton'" in tok[0].message and "offset 209" in tok[0].message and "'Washington" in tok[0].message
    ent = [p for p in errs if p.path == "tag"]
    assert len(ent) == 1 and ent[0].line == n + 1 and "GPE entity" in ent[0].message
    # everything else still aligned: the other 29 spans are there
    assert list(spans(records, D2)) == [x for x in SYS_D2 if x[0] != 209]
    assert not [p for p in problems if p.severity == "warning"]


def test_conll_unknown_label_and_wrong_scheme(gold, tmp_path):
    lines = (FIX / "conll_iob2.conll").read_text(encoding="utf-8").split("\n")
    n = lines.index("Thursday\tB-DATE")
    lines[n] = "Thursday\tB-WEEKDAY"
    path = tmp_path / "lab.conll"
    path.write_text("\n".join(lines), encoding="utf-8")
    _, problems = convert("conll-iob2", path, gold)
    errs = errors(problems)
    assert len(errs) == 1
    assert (errs[0].file, errs[0].line, errs[0].path, errs[0].rule) == (str(path), n + 1, "tag", "label-inventory")
    assert "'WEEKDAY'" in errs[0].message and "--label-map" in errs[0].message
    # an IOBES file read as IOB2: the S-/E- tags are errors that name the right option
    _, problems = convert("conll-iob2", FIX / "conll_iobes.conll", gold)
    scheme = [p for p in errors(problems) if p.rule == "tag-scheme"]
    assert scheme and "conll-iobes" in scheme[0].message
    assert scheme[0].line == line_of(FIX / "conll_iobes.conll", "S-ORG")


def test_conll_invalid_sequences_warn(gold, tmp_path):
    text = gold.docs[D2]["text"]
    path = tmp_path / "i.conll"
    # IOB2 with an I- that starts an entity (after O): read as a start, with a warning
    path.write_text(_write_conll(text, [(0, 5, "ORG")], "iob2", D2).replace("Hamas\tB-ORG", "Hamas\tI-ORG", 1), encoding="utf-8")
    records, problems = convert("conll-iob2", path, gold)
    ok(records, problems, gold)
    assert spans(records, D2) == [(0, 5, "ORG", "Hamas")]
    assert [p.rule for p in problems] == ["tag-scheme"] and problems[0].severity == "warning"


def test_conll_truncated_output_warns(gold, tmp_path):
    text = gold.docs[D2]["text"]
    full = _write_conll(text, [(0, 5, "ORG")], "iob2", D2).split("\n")
    path = tmp_path / "t.conll"
    path.write_text("\n".join(full[:30]) + "\n", encoding="utf-8")
    records, problems = convert("conll-iob2", path, gold)
    assert spans(records, D2) == [(0, 5, "ORG", "Hamas")]
    assert [p.rule for p in problems] == ["token-align"] and problems[0].severity == "warning"
    assert "truncated" in problems[0].message


# ---------------------------------------------------------------- transformers

def test_transformers_aggregated_with_label_map(gold):
    expected = [(0, 5, "ORG", "Hamas"), (20, 24, "LOC", "Gaza"), (96, 101, "ORG", "Hamas"), (116, 120, "LOC", "Gaza"),
                (162, 167, "PER", "Trump"), (209, 219, "LOC", "Washington"), (304, 315, "MISC", "Palestinian"),
                (327, 336, "LOC", "GAZA CITY"), (353, 357, "LOC", "Gaza"), (399, 406, "MISC", "Israeli"),
                (421, 432, "MISC", "Palestinian"), (433, 441, "MISC", "Islamist"), (451, 456, "ORG", "Hamas"),
                (468, 470, "LOC", "US"), (481, 493, "PER", "Donald Trump"), (496, 510, "ORG", "Board of Peace")]
    _check_text(gold, D2, expected)
    records, problems = convert("transformers", FIX / "transformers_aggregated.json", gold, label_map="ontonotes_to_conll2003")
    ok(records, problems, gold, labels=ENTITY_LABELS + CONLL_LABELS)
    assert not problems
    assert spans(records, D2) == expected
    first = records[0]["entities"][0]
    assert first["score"] == pytest.approx(0.9991839528083801)


def test_transformers_unknown_labels_reported_with_line_and_field(gold):
    path = FIX / "transformers_aggregated.json"
    records, problems = convert("transformers", path, gold)
    errs = errors(problems)
    assert errs and all(p.rule == "label-inventory" for p in errs)
    # ORG and LOC are OntoNotes labels too: only the 2 PER and 4 MISC items fail
    assert len(errs) == 6
    per = errs[0]
    assert per.file == str(path)
    assert per.line == line_of(path, '"entity_group": "PER"')
    assert per.path == f"{D2}/4/entity_group"
    assert "'PER'" in per.message and "--label-map" in per.message
    assert [p.line for p in errs if "'MISC'" in p.message] == [line_of(path, '"entity_group": "MISC"', k) for k in range(4)]
    # nothing silently renamed or dropped: the 10 ORG and LOC items are kept as they are
    assert [e["label"] for e in records[0]["entities"]] == ["ORG", "LOC", "ORG", "LOC", "LOC", "LOC", "LOC", "ORG", "LOC", "ORG"]


def test_transformers_token_level_merge(gold):
    path = FIX / "transformers_tokens.json"
    expected = [(0, 5, "ORG", "Hamas"), (20, 24, "GPE", "Gaza"), (421, 432, "NORP", "Palestinian"),
                (433, 441, "NORP", "Islamist"), (451, 456, "ORG", "Hamas"), (1139, 1146, "NORP", "Israeli"),
                (1162, 1180, "PERSON", "Benjamin Netanyahu"), (1207, 1212, "ORG", "Hamas"),
                (1697, 1730, "ORG", "International Stabilization Force"), (1952, 1962, "GPE", "Kazakhstan")]
    _check_text(gold, D2, expected)
    records, problems = convert("transformers", path, gold)
    ok(records, problems, gold)
    assert not problems
    assert spans(records, D2) == expected
    # an entity's score is the mean of its tokens' (Benjamin Net ##any ##ahu)
    items = json.loads(path.read_text(encoding="utf-8"))[D2]
    toks = [x for x in items if x["start"] >= 1162 and x["end"] <= 1180]
    assert [x["word"] for x in toks] == ["Benjamin", "Net", "##any", "##ahu"]
    net = next(e for e in records[0]["entities"] if e["start"] == 1162)
    assert net["score"] == pytest.approx(sum(x["score"] for x in toks) / 4)
    # the fixture has B- on the sub-word "##stan" and two adjacent B-NORP words: handled as one word, two entities
    assert any(x["word"] == "##stan" and x["entity"] == "B-GPE" for x in items)


def test_transformers_token_level_edge_cases(syn, tmp_path):
    text = syn.docs["syn-plain"]["text"]
    # Apple said on Tuesday that Tim Cook met Hamas officials in Doha.
    i_tim, i_cook, i_doha = text.index("Tim"), text.index("Cook"), text.index("Doha")
    i_hamas = text.index("Hamas", 18)
    items = [  # sentencepiece words, no index, a stray space in the offsets, string scores (json default=str)
        {"entity": "B-PERSON", "score": "0.99", "word": "▁Tim", "start": i_tim - 1, "end": i_tim + 3},
        {"entity": "I-PERSON", "score": "0.97", "word": "▁Cook", "start": i_cook - 1, "end": i_cook + 4},
        {"entity": "B-ORG", "score": 0.9, "word": "▁Ham", "start": i_hamas, "end": i_hamas + 3},
        {"entity": "B-ORG", "score": 0.8, "word": "as", "start": i_hamas + 3, "end": i_hamas + 5},   # B- on a sub-word
        {"entity": "I-GPE", "score": 0.7, "word": "▁Doha", "start": i_doha, "end": i_doha + 4},     # I- without B-
        # same type but "officials in" between: must not merge with Hamas
        {"entity": "I-ORG", "score": 0.6, "word": "▁in", "start": i_doha - 3, "end": i_doha - 1},
    ]
    path = tmp_path / "t.json"
    path.write_text(json.dumps(items), encoding="utf-8")
    records, problems = convert("transformers", path, syn, doc_id="syn-plain")
    assert spans(records, "syn-plain") == [(i_tim, i_cook + 4, "PERSON", "Tim Cook"), (i_hamas, i_hamas + 5, "ORG", "Hamas"),
                                           (i_doha - 3, i_doha - 1, "ORG", "in"), (i_doha, i_doha + 4, "GPE", "Doha")]
    assert records[0]["entities"][0]["score"] == pytest.approx(0.98)
    assert [p.rule for p in problems] == ["span-trim"]   # the stray spaces, trimmed, said once


def test_transformers_without_offsets_is_an_error(gold, tmp_path):
    path = tmp_path / "slow.json"
    path.write_text(json.dumps({D2: [{"entity_group": "ORG", "score": 0.9, "word": "Hamas", "start": None, "end": None}]}))
    _records, problems = convert("transformers", path, gold)
    assert errors(problems) and "fast tokenizer" in errors(problems)[0].message


# ---------------------------------------------------------------- spaCy

def test_spacy_to_json_fixture_found_by_text(gold):
    expected = [(41, 46, "ORG", "Daesh"), (55, 60, "GPE", "Syria"), (79, 84, "PERSON", "Trump"), (119, 122, "CARDINAL", "two"),
                (212, 227, "DATE", "28 January 2026"), (336, 351, "PERSON", "Ahmed Al-Sharaa"), (519, 525, "GPE", "LONDON"),
                (664, 676, "PERSON", "Donald Trump"), (680, 687, "DATE", "Tuesday"), (1588, 1599, "LOC", "Middle East"),
                (1940, 1964, "ORG", "Syrian Democratic Forces"), (2575, 2578, "ORG", "AFP")]
    _check_text(gold, D1, expected)
    records, problems = convert("spacy", FIX / "spacy_doc.json", gold)
    ok(records, problems, gold)
    assert not problems
    assert spans(records, D1) == expected
    # with the CoNLL-2003 label map: CARDINAL and DATE are dropped, the rest mapped
    records, problems = convert("spacy", FIX / "spacy_doc.json", gold, label_map="ontonotes_to_conll2003")
    assert not problems
    assert [(s, e, lab) for s, e, lab, _ in spans(records, D1)] == [
        (41, 46, "ORG"), (55, 60, "LOC"), (79, 84, "PER"), (336, 351, "PER"), (519, 525, "LOC"), (664, 676, "PER"),
        (1588, 1599, "LOC"), (1940, 1964, "ORG"), (2575, 2578, "ORG")]


def test_spacy_piece_of_text_and_normalised_whitespace(gold, tmp_path):
    text = gold.docs[D1]["text"]
    # a paragraph run on its own: offsets are in the paragraph, the document found by the text
    start = text.index("Washington has welcomed")
    para = text[start:text.index("\n", start)]
    piece = {"text": para, "ents": [{"start": 0, "end": 10, "label": "GPE"},
                                    {"start": para.index("Syrian Democratic"), "end": para.index(" (SDF)"), "label": "ORG"}],
             "tokens": []}
    # the whole document with its whitespace normalised (tabs, nbsp, newlines → single spaces) and a user_data id
    flat = " ".join(text.split())
    i = flat.index("Trump told reporters")
    norm = {"text": flat, "ents": [{"start": i, "end": i + 5, "label": "PERSON"}], "user_data": {"doc_id": D1}}
    path = tmp_path / "docs.json"
    path.write_text(json.dumps([piece, norm]), encoding="utf-8")
    records, problems = convert("spacy", path, gold)
    # both are document 01 and the second covers the whole text, the paragraph included: refused
    assert [p.rule for p in errors(problems)] == ["unique-id"]
    path.write_text(json.dumps([piece]), encoding="utf-8")
    records, problems = convert("spacy", path, gold)
    ok(records, problems, gold)
    assert spans(records, D1) == [(1855, 1865, "GPE", "Washington"), (1940, 1964, "ORG", "Syrian Democratic Forces")]
    path.write_text(json.dumps(norm), encoding="utf-8")
    records, problems = convert("spacy", path, gold)
    ok(records, problems, gold)
    assert spans(records, D1) == [(1262, 1267, "PERSON", "Trump")]
    assert [p.rule for p in problems] == ["text-align"]   # a warning: the text differs in whitespace only
    assert "whitespace only" in problems[0].message


@pytest.mark.heavy
def test_spacy_docbin(gold):
    pytest.importorskip("spacy", reason="spaCy is not installed (pip install -e '.[test-heavy]')")
    expected = [(0, 5, "ORG", "Hamas"), (327, 336, "GPE", "GAZA CITY"), (481, 493, "PERSON", "Donald Trump"),
                (1121, 1127, "GPE", "Israel"), (1491, 1502, "PERSON", "Gideon Saar"),
                (1566, 1597, "MONEY", "more than seven billion dollars")]
    _check_text(gold, D2, expected)
    records, problems = convert("spacy-docbin", FIX / "spacy_docbin.spacy", gold)
    ok(records, problems, gold)
    assert not problems
    assert spans(records, D2) == expected


@pytest.mark.heavy
def test_spacy_offsets_are_code_points(syn, tmp_path):
    spacy = pytest.importorskip("spacy", reason="spaCy is not installed (pip install -e '.[test-heavy]')")
    from spacy.tokens import DocBin
    text = syn.docs["syn-emoji"]["text"]
    doc = spacy.blank("en")(text)
    i = text.index("Hamas")
    doc.ents = [doc.char_span(i, i + 5, label="ORG")]
    # spaCy itself counts code points: the emoji and the flag before Hamas are one offset each
    assert doc.to_json()["ents"] == [{"start": i, "end": i + 5, "label": "ORG"}]
    assert codepoints_to_utf16(text, i) == i + 3
    db = DocBin(store_user_data=True)
    doc.user_data["doc_id"] = "syn-emoji"
    db.add(doc)
    path = tmp_path / "e.spacy"
    path.write_bytes(db.to_bytes())
    records, problems = convert("spacy-docbin", path, syn)
    assert not problems
    assert spans(records, "syn-emoji") == [(i, i + 5, "ORG", "Hamas")]


def test_spacy_docbin_without_spacy(gold, monkeypatch):
    monkeypatch.setitem(sys.modules, "spacy", None)
    monkeypatch.setitem(sys.modules, "spacy.tokens", None)
    monkeypatch.setitem(sys.modules, "spacy.vocab", None)
    records, problems = convert("spacy-docbin", FIX / "spacy_docbin.spacy", gold)
    assert records == []
    assert [(p.message, p.rule) for p in problems] == [("spaCy is not installed: pip install spacy", "dependency")]


# ---------------------------------------------------------------- stanza and flair

def test_stanza_to_dict_fixture(gold):
    expected = [(0, 5, "ORG", "Hamas"), (20, 24, "GPE", "Gaza"), (70, 87, "TIME", "58 min 29 sec ago"), (96, 101, "ORG", "Hamas"),
                (116, 120, "GPE", "Gaza"), (162, 167, "PERSON", "Trump"), (209, 219, "GPE", "Washington"),
                (223, 231, "DATE", "Thursday"), (304, 315, "NORP", "Palestinian")]
    _check_text(gold, D2, expected)
    records, problems = convert("stanza", FIX / "stanza_doc.json", gold)
    ok(records, problems, gold)
    assert not problems
    assert spans(records, D2) == expected


def test_stanza_old_misc_offsets_and_ents_shape(syn, tmp_path):
    text = syn.docs["syn-plain"]["text"]
    a = text.index("Tim Cook")
    sent = [{"id": 1, "text": "Tim", "misc": f"start_char={a}|end_char={a + 3}", "ner": "B-PERSON"},
            {"id": 2, "text": "Cook", "misc": f"start_char={a + 4}|end_char={a + 8}", "ner": "E-PERSON"},
            {"id": 3, "text": "met", "misc": f"start_char={a + 9}|end_char={a + 12}", "ner": "O"}]
    path = tmp_path / "s.json"
    path.write_text(json.dumps({"syn-plain": [sent]}), encoding="utf-8")
    records, problems = convert("stanza", path, syn)
    assert not problems and spans(records, "syn-plain") == [(a, a + 8, "PERSON", "Tim Cook")]
    d = text.index("Doha")
    path.write_text(json.dumps({"doc_id": "syn-plain", "ents": [{"text": "Doha", "type": "GPE", "start_char": d, "end_char": d + 4}]}))
    records, problems = convert("stanza", path, syn)
    assert not problems and spans(records, "syn-plain") == [(d, d + 4, "GPE", "Doha")]


def test_flair_multi_sentence_shifted(gold):
    path = FIX / "flair_sentences.json"
    sents = json.loads(path.read_text(encoding="utf-8"))
    text = gold.docs[D1]["text"]
    # offsets are sentence-relative, and the last sentence's text has a plain space where the document has a no-break space
    assert sents[1]["entities"][0] == {"text": "Syria", "start_pos": 81, "end_pos": 86,
                                       "labels": [{"value": "LOC", "confidence": 0.9999}]}
    assert sents[4]["text"] not in text and "\xa0" in text
    expected = [(519, 525, "LOC", "LONDON"), (614, 619, "ORG", "Daesh"), (623, 628, "LOC", "Syria"),
                (640, 655, "PER", "Ahmed Al-Sharaa"), (664, 676, "PER", "Donald Trump"), (769, 774, "LOC", "Syria"),
                (809, 824, "PER", "Bashar Al-Assad"), (851, 857, "MISC", "Syrian"), (876, 880, "ORG", "Sana"),
                (982, 987, "PER", "Trump"), (1043, 1048, "LOC", "Syria"), (1055, 1064, "PER", "Al-Sharaa"),
                (1119, 1124, "PER", "Assad"), (1193, 1198, "LOC", "Syria"), (1240, 1245, "LOC", "Syria"),
                (1262, 1267, "PER", "Trump")]
    _check_text(gold, D1, expected)
    records, problems = convert("flair", path, gold, label_map="ontonotes_to_conll2003")
    ok(records, problems, gold, labels=ENTITY_LABELS + CONLL_LABELS)
    assert not problems
    assert spans(records, D1) == expected
    assert records[0]["entities"][8]["score"] == pytest.approx(0.8113)


def test_flair_sentence_not_in_text(gold, tmp_path):
    sents = json.loads((FIX / "flair_sentences.json").read_text(encoding="utf-8"))
    sents[2]["text"] = "A sentence the document does not have at all, about nothing in particular, nowhere."
    sents[2]["entities"] = [{"text": "nowhere", "start_pos": 75, "end_pos": 82, "labels": [{"value": "LOC", "confidence": 0.5}]}]
    path = tmp_path / "f.json"
    path.write_text(json.dumps({D1: sents}, ensure_ascii=False, indent=1), encoding="utf-8")
    records, problems = convert("flair", path, gold, label_map="ontonotes_to_conll2003")
    errs = errors(problems)
    assert len(errs) == 1 and errs[0].rule == "sentence-align" and errs[0].path == f"{D1}/2/text"
    assert errs[0].line == line_of(path, '"A sentence the document')
    assert len(spans(records, D1)) == 16   # the sentences after it are still placed


# ---------------------------------------------------------------- brat

def test_brat_discontinuous_as_hull(gold):
    path = FIX / "brat" / f"{D2}.ann"
    expected = [(0, 5, "ORG", "Hamas"), (20, 24, "GPE", "Gaza"), (481, 493, "PERSON", "Donald Trump"),
                (496, 510, "ORG", "Board of Peace"), (1147, 1180, "PERSON", "Prime Minister Benjamin Netanyahu"),
                (1207, 1212, "ORG", "Hamas"), (1943, 1950, "GPE", "Morocco")]
    _check_text(gold, D2, expected)
    for src in (path, FIX / "brat"):   # one file, or the folder
        records, problems = convert("brat", src, gold)
        ok(records, problems, gold)
        assert spans(records, D2) == expected
        assert [(p.line, p.rule, p.severity) for p in problems] == [(5, "discontinuous", "warning")]


def test_read_brat():
    parsed = read_brat((FIX / "brat" / f"{D2}.ann").read_text(encoding="utf-8"), "x.ann")
    assert not parsed["problems"]
    t5 = parsed["entities"][4]
    assert (t5["id"], t5["label"], t5["fragments"], t5["text"]) == ("T5", "PERSON", [(1147, 1161), (1171, 1180)],
                                                                    "Prime Minister Netanyahu")
    assert [(r["id"], r["type"], r["arg1"], r["arg2"]) for r in parsed["relations"]] == [("R1", "Leads", "T3", "T4")]
    assert [(a["id"], a["type"], a["target"], a["value"]) for a in parsed["attributes"]] == [
        ("A1", "Confidence", "T6", "High"), ("A2", "Uncertain", "T7", True)]
    assert parsed["notes"][0]["target"] == "T5" and parsed["normalizations"][0]["ref"] == "Wikidata:Q39760"
    bad = read_brat("T1\tORG 0 5\tHamas\nR1\tLeads Arg1:T1 Arg2:T9\nT1\tGPE 6 9\tsay\nT2\tORG five 9\tx\n", "b.ann")
    assert [(p.line, p.rule) for p in bad["problems"]] == [(3, "unique-id"), (4, "brat-line"), (2, "brat-ref")]


def test_brat_without_txt_uses_gold_and_reports_label(gold, tmp_path):
    ann = tmp_path / f"{D2}.ann"
    ann.write_text("T1\tOrganization 0 5\tHamas\nT2\tGPE 20 24\tGaza\n", encoding="utf-8")
    records, problems = convert("brat", ann, gold)
    assert spans(records, D2) == [(20, 24, "GPE", "Gaza")]
    assert [(p.line, p.path, p.rule) for p in errors(problems)] == [(1, "type", "label-inventory")]


# ---------------------------------------------------------------- Label Studio

def test_labelstudio_export(gold):
    records, problems = convert("labelstudio", FIX / "labelstudio_export.json", gold)
    ok(records, problems, gold)
    assert not problems
    exp2 = [(0, 5, "ORG", "Hamas"), (20, 24, "GPE", "Gaza"), (481, 493, "PERSON", "Donald Trump"),
            (496, 510, "ORG", "Board of Peace"), (1162, 1180, "PERSON", "Benjamin Netanyahu")]
    # task 102: one paragraph of document 01 with model predictions; offsets in the paragraph
    exp1 = [(1344, 1349, "PERSON", "Trump"), (1377, 1386, "PERSON", "Al-Sharaa"), (1417, 1422, "GPE", "Syria")]
    _check_text(gold, D2, exp2)
    _check_text(gold, D1, exp1)
    assert spans(records, D2) == exp2
    assert spans(records, D1) == exp1
    assert [e["score"] for e in records[1]["entities"]] == [0.98, 0.91, 0.99]


def test_read_labelstudio():
    from newsgold.formats import labelstudio
    from newsgold.formats.common import Report
    from newsgold.formats.ir import ReadOptions
    report = Report()
    out = labelstudio.read(FIX / "labelstudio_export.json", "ls.json", report, ReadOptions())
    assert not report.items
    assert [(t.where, t.doc_id, t.source) for t in out] == [("task 101", D2, "annotations/1"), ("task 102", None, "predictions/0")]
    assert [(r.labels, r.from_id, r.to_id) for r in out[0].relations] == [(("leads",), "Xc81LmQe4T", "b7GtY2sWq9")]
    assert [(c.name, c.values) for c in out[0].choices] == [("stance", ("AGAINST",))]
    assert [(r.id, r.fragments, r.label, r.text) for r in out[0].regions][:2] == [
        ("hNq3aW1bZx", ((0, 5),), "ORG", "Hamas"), ("a0Vz7R2kPq", ((20, 24),), "GPE", "Gaza")]
    assert all(not t.problems for t in out)


def _u16(text, i):
    """UTF-16 code units before code point i: what JavaScript's String.length counts."""
    return len(text[:i].encode("utf-16-le")) // 2


SYN_SPANS = [("Trump", "PERSON", 1), ("Hamas", "ORG", 0), ("Gaza City", "GPE", 1), ("Monday", "DATE", 0), ("Doha", "GPE", 0)]


def _syn_expected(text):
    out = []
    for sub, lab, nth in SYN_SPANS:
        i = -1
        for _ in range(nth + 1):
            i = text.index(sub, i + 1)
        out.append((i, i + len(sub), lab, sub))
    return sorted(out)


def test_utf16_labelstudio(syn, tmp_path):
    text = syn.docs["syn-emoji"]["text"]
    expected = _syn_expected(text)
    # Trump, Hamas, Gaza City, Monday, Doha: the 😀 adds one UTF-16 unit, the flag (two astral characters) two, the 🎉 one
    assert [_u16(text, s) - s for s, *_ in expected] == [1, 3, 3, 3, 4]
    regions = [{"id": f"r{k}", "type": "labels", "from_name": "label", "to_name": "text",
                "value": {"start": _u16(text, s), "end": _u16(text, e), "text": sub, "labels": [lab]}}
               for k, (s, e, lab, sub) in enumerate(expected)]
    path = tmp_path / "ls.json"
    path.write_text(json.dumps([{"id": 1, "data": {"text": text}, "annotations": [{"id": 1, "result": regions}]}]), encoding="utf-8")
    records, problems = convert("labelstudio", path, syn)
    assert spans(records, "syn-emoji") == expected
    assert [(p.rule, p.severity) for p in problems] == [("utf16", "warning")]
    assert "5 region(s)" in problems[0].message
    # the same export made by the Python backend (code points): taken as is, no warning
    for r, (s, e, _, _) in zip(regions, expected):
        r["value"]["start"], r["value"]["end"] = s, e
    path.write_text(json.dumps([{"id": 1, "data": {"text": text}, "annotations": [{"id": 1, "result": regions}]}]), encoding="utf-8")
    records, problems = convert("labelstudio", path, syn)
    assert not problems and spans(records, "syn-emoji") == expected


def test_utf16_doccano_without_span_text(syn, tmp_path):
    text = syn.docs["syn-emoji"]["text"]
    expected = _syn_expected(text)
    path = tmp_path / "d.jsonl"
    path.write_text(json.dumps({"id": 9, "text": text, "label": [[_u16(text, s), _u16(text, e), lab] for s, e, lab, _ in expected]})
                    + "\n", encoding="utf-8")
    records, problems = convert("doccano", path, syn)
    assert spans(records, "syn-emoji") == expected
    assert [p.rule for p in problems] == ["utf16"]
    # code points stay code points
    path.write_text(json.dumps({"id": 9, "text": text, "label": [[s, e, lab] for s, e, lab, _ in expected]}) + "\n", encoding="utf-8")
    records, problems = convert("doccano", path, syn)
    assert not problems and spans(records, "syn-emoji") == expected


def test_utf16_gliner_with_span_text(syn, tmp_path):
    text = syn.docs["syn-emoji"]["text"]
    expected = _syn_expected(text)
    items = [{"start": _u16(text, s), "end": _u16(text, e), "text": sub, "label": lab, "score": 0.5} for s, e, lab, sub in expected]
    path = tmp_path / "g.json"
    path.write_text(json.dumps({"syn-emoji": items}), encoding="utf-8")
    records, problems = convert("gliner", path, syn)
    assert spans(records, "syn-emoji") == expected
    assert [p.rule for p in problems] == ["utf16"]


def test_utf16_to_codepoints():
    text = "a😀b🇺🇸c"
    assert [utf16_to_codepoints(text, u) for u in (0, 1, 3, 4, 8, 9)] == [0, 1, 2, 3, 5, 6]
    assert [codepoints_to_utf16(text, i) for i in (0, 1, 2, 3, 5, 6)] == [0, 1, 3, 4, 8, 9]
    with pytest.raises(ValueError, match="surrogate pair"):
        utf16_to_codepoints(text, 2)
    with pytest.raises(ValueError, match="past the end"):
        utf16_to_codepoints(text, 10)


# ---------------------------------------------------------------- doccano

def test_doccano_sequence_layout(gold):
    records, problems = convert("doccano", FIX / "doccano_seq.jsonl", gold)
    ok(records, problems, gold)
    assert not problems
    exp2 = [(0, 5, "ORG", "Hamas"), (20, 24, "GPE", "Gaza"), (1624, 1630, "NORP", "Muslim"), (1640, 1649, "GPE", "Indonesia"),
            (1840, 1859, "ORG", "UN Security Council"), (1863, 1871, "DATE", "November")]
    exp1 = [(1514, 1520, "NORP", "Syrian"), (1588, 1599, "LOC", "Middle East"), (1608, 1612, "LOC", "West")]   # old "labels" key
    _check_text(gold, D2, exp2)
    _check_text(gold, D1, exp1)
    assert spans(records, D2) == exp2
    assert spans(records, D1) == exp1


def test_doccano_relation_layout(gold):
    records, problems = convert("doccano", FIX / "doccano_rel.jsonl", gold)
    ok(records, problems, gold)
    assert not problems
    expected = [(1624, 1630, "NORP", "Muslim"), (1640, 1649, "GPE", "Indonesia"),
                (1697, 1730, "ORG", "International Stabilization Force"), (1743, 1751, "NORP", "American"),
                (1772, 1786, "PERSON", "Jasper Jeffers")]
    _check_text(gold, D2, expected)
    assert spans(records, D2) == expected


def test_read_doccano_both_layouts():
    from newsgold.formats.doccano import read_record
    lines = (FIX / "doccano_seq.jsonl").read_text(encoding="utf-8").splitlines() + \
        (FIX / "doccano_rel.jsonl").read_text(encoding="utf-8").splitlines() + \
        [json.dumps({"id": 4, "text": "Great news.", "label": ["positive"]}), "{not json"]
    out = [read_record(x, n, "d.jsonl") for n, x in enumerate(lines, 1)]
    assert [(r.line, r.doc_id) for r in out] == [(1, D2), (2, None), (3, None), (4, None), (5, None)]
    last = out[2].regions[-1]
    assert (last.fragments, last.label) == (((148, 162),), "PERSON")
    assert out[2].text[148:162] == "Jasper Jeffers"
    assert [(r.labels, r.from_id, r.to_id) for r in out[2].relations] == [(("commands",), "45", "43")]
    assert [c.values for c in out[3].choices] == [("positive",)] and not out[3].regions
    assert [(p.line, p.rule) for p in out[4].problems] == [(5, "json")]


def test_doccano_unknown_label_line_and_field(gold, tmp_path):
    path = tmp_path / "r.jsonl"
    rec = json.loads((FIX / "doccano_rel.jsonl").read_text(encoding="utf-8"))
    rec["entities"][3]["label"] = "NATIONALITY"
    path.write_text("\n" + json.dumps(rec) + "\n", encoding="utf-8")   # a blank first line: the record is on line 2
    _, problems = convert("doccano", path, gold)
    assert [(p.line, p.path, p.rule) for p in errors(problems)] == [(2, "entities/3/label", "label-inventory")]


# ---------------------------------------------------------------- GLiNER

def test_gliner_with_user_label_map(gold, tmp_path):
    expected = [(0, 5, "ORG", "Hamas"), (20, 24, "LOC", "Gaza"), (162, 167, "PERSON", "Trump"), (209, 219, "GPE", "Washington"),
                (481, 493, "PERSON", "Donald Trump"), (1162, 1180, "PERSON", "Benjamin Netanyahu"),
                (1640, 1649, "GPE", "Indonesia"), (1943, 1950, "GPE", "Morocco")]
    _check_text(gold, D2, expected)
    records, problems = convert("gliner", FIX / "gliner.json", gold, label_map=FIX / "gliner_label_map.json")
    ok(records, problems, gold)
    assert not problems
    assert spans(records, D2) == expected
    # without the map every label is unknown, each reported at its line
    _, problems = convert("gliner", FIX / "gliner.json", gold)
    errs = errors(problems)
    assert len(errs) == 8 and errs[0].line == line_of(FIX / "gliner.json", '"label": "organization"')
    assert errs[0].path == f"{D2}/0/label"
    # JSONL layout, with the document found by the span texts
    path = tmp_path / "g.jsonl"
    items = json.loads((FIX / "gliner.json").read_text(encoding="utf-8"))[D2]
    path.write_text(json.dumps({"entities": items[:3]}) + "\n", encoding="utf-8")
    records, problems = convert("gliner", path, gold, label_map=FIX / "gliner_label_map.json")
    assert not problems and spans(records, D2) == expected[:3]


# ---------------------------------------------------------------- documents

def test_pieces_of_one_document_merge_overlaps_do_not(gold, tmp_path):
    text = gold.docs[D2]["text"]
    a = text.index("Trump said several")
    b = text.index("Muslim-majority")
    p1, p2 = text[a:text.index("\n", a)], text[b:text.index("\n", b)]
    recs = [{"id": 1, "text": p1, "label": [[0, 5, "PERSON"]]}, {"id": 2, "text": p2, "label": [[16, 25, "GPE"]]}]
    path = tmp_path / "p.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in recs), encoding="utf-8")
    records, problems = convert("doccano", path, gold)
    assert not problems
    assert spans(records, D2) == [(1504, 1509, "PERSON", "Trump"), (1640, 1649, "GPE", "Indonesia")]
    path.write_text("".join(json.dumps(r) + "\n" for r in recs + recs[:1]), encoding="utf-8")
    _, problems = convert("doccano", path, gold)
    assert [(p.line, p.rule) for p in errors(problems)] == [(3, "unique-id")]


def test_document_identification(gold, tmp_path):
    items = [{"entity_group": "ORG", "score": 0.9, "word": "Hamas", "start": 0, "end": 5}]
    path = tmp_path / "bare.json"
    path.write_text(json.dumps(items), encoding="utf-8")
    # a bare list: found by its words at their offsets
    records, problems = convert("transformers", path, gold)
    assert not problems and spans(records, D2) == [(0, 5, "ORG", "Hamas")]
    records, problems = convert("transformers", path, gold, doc_id=D2)
    assert not problems and records[0]["doc_id"] == D2
    _, problems = convert("transformers", path, gold, doc_id="nope")
    assert [p.rule for p in problems] == ["ref-document"]
    _, problems = convert("transformers", FIX / "conll_iob2.conll", gold)
    assert errors(problems)
    # --doc-id with a two-document input is refused
    _, problems = convert("conll-iob2", FIX / "conll_iob2.conll", gold, doc_id=D1)
    assert [p.rule for p in problems] == ["doc-id"]
    _, problems = convert("word2vec", path, gold)
    assert [p.rule for p in problems] == ["format"] and "conll-iob2" in problems[0].message
    _, problems = convert("spacy", tmp_path / "missing.json", gold)
    assert [p.rule for p in problems] == ["file"]


def test_cli_format_choices_come_from_the_registry():
    from newsgold.cli import build_parser
    subs = build_parser()._subparsers._group_actions[0].choices
    from_action = {a.dest: a for a in subs["convert"]._actions}["from_format"]
    assert list(from_action.choices) == registry.names()
    for cmd, dest, extra in (("tasks", "to", []), ("import", "from_tool", ["corefud"])):   # import also takes corpora
        action = {a.dest: a for a in subs[cmd]._actions}[dest]
        assert list(action.choices) == registry.annotation_tools() + extra
    assert registry.annotation_tools() == ["brat", "labelstudio", "doccano"]


# ---------------------------------------------------------------- CLI

def test_cli_score_from_conll(capsys):
    rc = main(["score", "--from", "conll-iob2", str(FIX / "conll_iob2.conll"), "--task", "entities"])
    out = capsys.readouterr().out
    assert rc == 0
    assert re.search(r"^signature: newsgold:\S+\|data:\S+\|task:entities\|", out, re.M)


def test_cli_convert_writes_predictions(tmp_path, capsys):
    out = tmp_path / "preds.jsonl"
    rc = main(["convert", "--from", "brat", str(FIX / "brat"), "-o", str(out)])
    err = capsys.readouterr().err
    assert rc == 0 and "[discontinuous] [warning]" in err
    recs = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["doc_id"] for r in recs] == [D2] and len(recs[0]["entities"]) == 7
    rc = main(["convert", "--from", "transformers", str(FIX / "transformers_aggregated.json"), "-o", str(tmp_path / "x.jsonl")])
    err = capsys.readouterr().err
    assert rc == 1 and "label-inventory" in err and "nothing written" in err
    assert not (tmp_path / "x.jsonl").exists()


def test_tool_text_with_changed_characters(gold, tmp_path):
    text = gold.docs[D2]["text"]
    # the tool straightened the quotes, dropped the bullet and upper-cased one "Hamas"
    tool = text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"').replace("  • ", "")
    k = tool.index("Hamas must disarm")
    tool = tool[:k] + "HAMAS" + tool[k + 5:]
    regions = []
    for rid, (sub, lab, nth) in enumerate([("Trump", "PERSON", 0), ("Board of Peace", "ORG", 0), ("HAMAS", "ORG", 0),
                                           ("Jasper Jeffers", "PERSON", 0)]):
        i = -1
        for _ in range(nth + 1):
            i = tool.index(sub, i + 1)
        regions.append({"id": f"r{rid}", "type": "labels", "value": {"start": i, "end": i + len(sub), "text": sub, "labels": [lab]}})
    path = tmp_path / "ls.json"
    path.write_text(json.dumps([{"id": 5, "data": {"text": tool, "doc_id": D2}, "annotations": [{"result": regions}]}], indent=1),
                    encoding="utf-8")
    records, problems = convert("labelstudio", path, gold)
    assert spans(records, D2) == [(162, 167, "PERSON", "Trump"), (496, 510, "ORG", "Board of Peace"),
                                  (1772, 1786, "PERSON", "Jasper Jeffers")]
    errs = errors(problems)
    assert len(errs) == 1 and errs[0].rule == "span-align" and "'HAMAS'" in errs[0].message
    assert errs[0].path == "0/annotations/0/result/2/value" and errs[0].line == line_of(path, '"id": "r2"') + 2   # the "value" line
    assert [p.rule for p in problems if p.severity == "warning"] == ["text-align"]


def test_conll_ptb_escapes_and_quote_forms(gold, tmp_path):
    text = gold.docs[D1]["text"]
    conll = _write_conll(text, [(187, 192, "ORG"), (664, 676, "PERSON")], "iob2", D1)
    # a PTB-style tokenizer: brackets escaped, curly double quotes as `` and '', curly apostrophes straightened
    conll = conll.replace("(\tO", "-LRB-\tO").replace(")\tO", "-RRB-\tO").replace("“\tO", "``\tO").replace("”\tO", "''\tO")
    conll = conll.replace("’\tO", "'\tO")
    assert "-LRB-\tO" in conll and "``\tO" in conll
    path = tmp_path / "ptb.conll"
    path.write_text(conll, encoding="utf-8")
    records, problems = convert("conll-iob2", path, gold)
    ok(records, problems, gold)
    assert not problems
    assert spans(records, D1) == [(187, 192, "ORG", "Sanaa"), (664, 676, "PERSON", "Donald Trump")]


def test_labelstudio_json_min(gold, tmp_path):
    text = gold.docs[D2]["text"]
    i = text.index("Gideon Saar")
    task = {"text": text, "id": 3, "label": [{"start": i, "end": i + 11, "text": "Gideon Saar", "labels": ["PERSON"]}],
            "annotator": 1, "annotation_id": 12, "created_at": "2026-02-21T09:00:00.000000Z",
            "updated_at": "2026-02-21T09:00:00.000000Z", "lead_time": 4.2}
    path = tmp_path / "min.json"
    path.write_text(json.dumps([task]), encoding="utf-8")
    records, problems = convert("labelstudio", path, gold)
    assert not problems and spans(records, D2) == [(1491, 1502, "PERSON", "Gideon Saar")]


def test_brat_txt_with_final_newline_is_the_same_text(gold, tmp_path):
    (tmp_path / "doc.txt").write_text(gold.docs[D2]["text"] + "\n", encoding="utf-8")
    (tmp_path / "doc.ann").write_text("T1\tORG 0 5\tHamas\n", encoding="utf-8")
    records, problems = convert("brat", tmp_path / "doc.ann", gold)   # the stem is no id: found by the .txt
    assert not problems and spans(records, D2) == [(0, 5, "ORG", "Hamas")]


def test_span_found_by_text_prefers_whole_words(gold, tmp_path):
    text = gold.docs[D2]["text"]
    # wrong offsets: "Israel" is looked for by its text; "Israeli" (at 1139, nearer) is not it
    region = {"id": "a", "type": "labels", "value": {"start": 1130, "end": 1136, "text": "Israel", "labels": ["GPE"]}}
    path = tmp_path / "ls.json"
    path.write_text(json.dumps([{"id": 1, "data": {"text": text}, "annotations": [{"result": [region]}]}]), encoding="utf-8")
    records, problems = convert("labelstudio", path, gold)
    assert spans(records, D2) == [(1121, 1127, "GPE", "Israel")]
    assert [(p.rule, p.severity) for p in problems] == [("span-align", "warning")] and "found at 1121:1127" in problems[0].message


FORMAT_FIXTURES = [
    ("transformers", "transformers_aggregated.json", "ontonotes_to_conll2003"),
    ("transformers", "transformers_tokens.json", None),
    ("spacy", "spacy_doc.json", None),
    ("spacy-docbin", "spacy_docbin.spacy", None),
    ("stanza", "stanza_doc.json", None),
    ("flair", "flair_sentences.json", "ontonotes_to_conll2003"),
    ("conll-iob1", "conll_iob1.conll", None),
    ("conll-iob2", "conll_iob2.conll", None),
    ("conll-iobes", "conll_iobes.conll", None),
    ("conll-bilou", "conll_bilou.conll", None),
    ("conll-io", "conll_io.conll", None),
    ("brat", "brat", None),
    ("labelstudio", "labelstudio_export.json", None),
    ("doccano", "doccano_seq.jsonl", None),
    ("doccano", "doccano_rel.jsonl", None),
    ("gliner", "gliner.json", str(FIX / "gliner_label_map.json")),
]


@pytest.mark.parametrize("fmt,fname,label_map",
                         [pytest.param(*f, marks=pytest.mark.heavy) if f[0] == "spacy-docbin" else f for f in FORMAT_FIXTURES],
                         ids=[f"{f}:{n}" for f, n, _ in FORMAT_FIXTURES])
def test_every_format_converts_and_scores(gold, fmt, fname, label_map):
    """Each format's fixture converts without errors and scores through the one scorer; the counts
    account for every converted span exactly once (each prediction is correct, incorrect, partial or
    spurious; each gold span correct, incorrect, partial or missed)."""
    if fmt == "spacy-docbin":
        pytest.importorskip("spacy", reason="spaCy is not installed (pip install -e '.[test-heavy]')")
    from newsgold.scoring.api import score
    path = FIX / fname
    if fmt == "brat":
        path = next((FIX / "brat").glob("*.ann"))
    records, problems = convert(fmt, path, gold, label_map=label_map)
    assert not [p for p in problems if p.severity == "error"], problems
    assert records and all(r["entities"] for r in records)
    res = score(records, gold=None, task="entities", label_map=label_map, resamples=0)
    mapping = None
    if label_map:
        from newsgold.scoring.predictions import load_label_map
        mapping = load_label_map(label_map)["map"]
    n_pred = sum(1 for r in records for e in r["entities"] if (mapping or {}).get(e["label"], e["label"]) is not None)
    n_gold = sum(1 for d in gold.docs.values() for m in d["entities"]["mentions"]
                 if not mapping or set(ENTITY_LABELS) - set(mapping) or mapping.get(m["label"], m["label"]) is not None)
    c = res.tasks["entities"]["counts"]["overall"]["strict"]
    assert c["correct"] + c["incorrect"] + c["partial"] + c["spurious"] == n_pred
    assert c["correct"] + c["incorrect"] + c["partial"] + c["missed"] == n_gold
    assert c["correct"] > 0
