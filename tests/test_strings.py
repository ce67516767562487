"""``--from strings``: offset-free (LLM-style) output aligned to the text, every miss reported."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "tools"))
import ng_tools_helpers as H
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsgold.core.jsonio import dump_jsonl
from newsgold.formats.strings import read
from newsgold.gold.load import Gold, load_gold
from newsgold.scoring.api import score

NEWSGOLD = Path(sys.executable).with_name("newsgold")
DOC1 = H.EXAMPLE_DOCS[0]


def words(text: str, s: str) -> list[tuple[int, int]]:
    """A peer of the alignment rule for plain strings: whole-word regex occurrences."""
    return [(m.start(), m.end()) for m in re.finditer(rf"(?<!\w){re.escape(s)}(?!\w)", text)]


def llm_output(tmp_path: Path) -> Path:
    items = {"doc_id": DOC1,
             "entities": [{"text": "Donald Trump", "label": "PERSON"},
                          {"text": "Trump", "label": "PERSON"},
                          {"text": "Syria", "label": "GPE", "occurrence": 2},
                          {"text": "Joe Biden", "label": "PERSON"},             # not in the text
                          {"text": "Daesh", "label": "ORG", "occurrence": 99},  # too few occurrences
                          {"text": "Trump", "label": "PERSON"},                 # duplicate
                          {"label": "ORG"}],                                    # no string
             "quotes": [{"quote": "\"It's working out very well, so we’re very happy about it.\"", "speaker": "Donald Trump"},
                        {"quote": "We never said this", "speaker": "Someone"}]}
    path = tmp_path / "llm.jsonl"
    path.write_text(json.dumps(items, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def test_convert_aligns_and_reports_every_unmatched_item(tmp_path):
    path = llm_output(tmp_path)
    r = subprocess.run([str(NEWSGOLD), "convert", "--from", "strings", str(path)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    rec = json.loads(r.stdout)
    text = load_gold().text(DOC1)
    got = [(e["start"], e["end"], e["label"]) for e in rec["entities"]]
    donald = words(text, "Donald Trump")
    trump = [o for o in words(text, "Trump") if not any(a <= o[0] < b for a, b in donald)]
    syria = words(text, "Syria")[1]
    assert sorted(got) == sorted([(s, e, "PERSON") for s, e in donald + trump] + [(syria[0], syria[1], "GPE")])
    assert all(text[e["start"]:e["end"]] == e["text"] for e in rec["entities"])
    # the quote: curly apostrophes and the quotation marks of the LLM's string do not matter
    q = rec["quotes"]
    assert len(q) == 1 and q[0]["speaker_name"] == "Donald Trump"
    c = q[0]["content"][0]
    assert text[c["start"]:c["end"]] == "It’s working out very well, so we're very happy about it."
    # every item that was not placed is named, with its line and JSON path
    warnings = [line for line in r.stderr.splitlines() if line.strip()]
    assert any(":1: entities/3:" in w and "Joe Biden" in w and "[unmatched-string]" in w for w in warnings)
    assert any(":1: entities/4/occurrence:" in w and "Daesh" in w for w in warnings)
    assert any(":1: entities/5:" in w and "[duplicate]" in w for w in warnings)
    assert any(":1: entities/6:" in w and "[strings-item]" in w for w in warnings)
    assert any(":1: quotes/1:" in w and "We never said this" in w for w in warnings)
    assert any("2 entity string(s) and 1 quote string(s) are not in the text and count as spurious" in w for w in warnings)
    assert len(warnings) == 6, warnings
    # the strings not in the text stay in the record, to count as spurious (rule 5)
    assert rec["unplaced"] == {"rule": "strings-2",
                               "entities": [{"text": "Daesh", "label": "ORG"}, {"text": "Joe Biden", "label": "PERSON"}],
                               "quotes": [{"quote": "We never said this", "speaker_name": "Someone"}]}


def test_score_from_strings_scores_the_aligned_items(tmp_path):
    path = llm_output(tmp_path)
    r = subprocess.run([str(NEWSGOLD), "score", "--from", "strings", str(path), "--resamples", "0", "--format", "json"],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert {"entities", "entities_document", "quotes"} <= set(out["tasks"])
    assert "Joe Biden" in r.stderr


def synthetic(text: str) -> Gold:
    d = {"id": "s1", "text": text, "text_sha256": "0" * 64, "metadata": {"headline": "x"},
         "zones": [{"start": 0, "end": len(text), "type": "body"}],
         "entities": {"mentions": [], "clusters": []}, "quotes": [], "stance": {"targets": [], "items": []}}
    return Gold({"s1": d}, "test", "f" * 64, "<test>")


def test_alignment_rule_normalisation_word_edges_and_case(tmp_path):
    text = "He said: “We  are\nready — now.” Syrian forces left SYRIA, then Syria."
    gold = synthetic(text)
    path = tmp_path / "s.jsonl"
    path.write_text(json.dumps({"doc_id": "s1",
                                "entities": [{"text": "Syria", "label": "GPE"}, {"text": "Syrian", "label": "NORP"},
                                             {"text": "syria", "label": "GPE", "occurrence": 1}],
                                "quotes": [{"quote": "«We are ready - now.»", "speaker": "He"}]}) + "\n", encoding="utf-8")
    recs, problems = read(path, gold)
    assert [p for p in problems if p.severity == "error"] == []
    ents = [(e["text"], e["label"]) for e in recs[0]["entities"]]
    # exact-case occurrences first: "Syria" only at the end (not inside "Syrian"); "syria" has none, so case-insensitive:
    # its first occurrence is "SYRIA"
    assert ents == [("Syrian", "NORP"), ("SYRIA", "GPE"), ("Syria", "GPE")]
    c = recs[0]["quotes"][0]["content"][0]
    start = text.index("We")
    assert (c["start"], c["end"]) == (start, text.index("now.") + 4)
    assert problems == []


def test_unknown_label_and_document_are_errors(tmp_path):
    gold = synthetic("Paris.")
    path = tmp_path / "s.jsonl"
    path.write_text(json.dumps({"doc_id": "s1", "entities": [{"text": "Paris", "label": "CITY"}]}) + "\n"
                    + json.dumps({"doc_id": "nope", "entities": []}) + "\n", encoding="utf-8")
    _, problems = read(path, gold)
    errs = [(p.line, p.path, p.rule) for p in problems if p.severity == "error"]
    assert errs == [(1, "entities/0/label", "label"), (2, "doc_id", "ref-document")]


def test_document_level_from_strings_counts_each_entity_once(tmp_path):
    gold = load_gold()
    path = tmp_path / "s.jsonl"
    path.write_text(json.dumps({"doc_id": DOC1, "entities": [{"text": "Trump", "label": "PERSON"},
                                                             {"text": "Donald Trump", "label": "PERSON"}]}) + "\n",
                    encoding="utf-8")
    recs, _ = read(path, gold)
    res = score(recs, gold=gold, task="entities_document", resamples=0)
    c = res.tasks["entities_document"]["counts"]["overall"]
    assert c["predicted"] == 1 and c["correct"] == 1       # both strings name the cluster donald-trump


# --- the scoring rule for string-only predictions (rule strings-2, README "String-only predictions") ---

def minimal_gold(tmp_path: Path, text: str, spans: list[tuple[int, int, str]], **layers) -> Gold:
    """A one-document minimal gold of our own (the README's {id, text, entities} form)."""
    path = tmp_path / "gold.jsonl"
    ents = [{"start": s, "end": e, "label": lab} for s, e, lab in spans]
    path.write_text(json.dumps({"id": "d1", "text": text, "entities": ents, **layers}) + "\n", encoding="utf-8")
    return load_gold(path)


def strings_file(tmp_path: Path, lines: list[dict], name: str = "s.jsonl") -> Path:
    path = tmp_path / name
    path.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines), encoding="utf-8")
    return path


def figures(path: Path, gold: Gold, task: str = "all") -> dict:
    recs, problems = read(path, gold)
    assert [p for p in problems if p.severity == "error"] == []
    res = score(recs, gold=gold, task=task, resamples=0)
    return {t: {k: v["value"] for k, v in res.tasks[t]["figures"].items() if k.startswith("overall")}
            for t in res.tasks}


def test_an_invented_string_lowers_precision_span_level_and_document_level(tmp_path):
    text = "Angela Merkel visited Paris."
    gold = minimal_gold(tmp_path, text, [(0, 13, "PERSON"), (22, 27, "GPE")])
    path = strings_file(tmp_path, [{"doc_id": "d1", "entities": [{"text": "Angela Merkel", "label": "PERSON"},
                                                                 {"text": "Paris", "label": "GPE"},
                                                                 {"text": "Emmanuel Macron", "label": "PERSON"}]}])
    f = figures(path, gold)
    # by hand: 2 of the 3 predicted items are right, both gold items found
    assert f["entities"]["overall/strict/precision"] == pytest.approx(2 / 3)
    assert f["entities"]["overall/strict/recall"] == 1.0
    assert f["entities_document"]["overall/precision"] == pytest.approx(2 / 3)
    assert f["entities_document"]["overall/recall"] == 1.0


def test_an_invented_string_is_spurious_even_when_its_name_is_a_gold_alias(tmp_path):
    # "Merkel" is not in the text; at document level it could resolve by name, but the rule says spurious
    text = "Angela Merkel visited Paris."
    gold = minimal_gold(tmp_path, text, [(0, 13, "PERSON")])
    path = strings_file(tmp_path, [{"doc_id": "d1", "entities": [{"text": "Angela Merkel", "label": "PERSON"},
                                                                 {"text": "Angela  MERKEL's aide", "label": "PERSON"}]}])
    f = figures(path, gold)
    assert f["entities_document"]["overall/precision"] == 0.5


def test_same_string_with_two_labels_is_two_predictions_whatever_the_order(tmp_path):
    text = "Jordan flew to Jordan."
    gold = minimal_gold(tmp_path, text, [(0, 6, "PERSON"), (15, 21, "GPE")])
    items = [{"text": "Jordan", "label": "PERSON"}, {"text": "Jordan", "label": "GPE"}]
    got = [figures(strings_file(tmp_path, [{"doc_id": "d1", "entities": order}], f"s{i}.jsonl"), gold)
           for i, order in enumerate((items, items[::-1]))]
    assert got[0] == got[1]
    # by hand: both labels at both spans, 4 predictions; one-to-one matching pairs each gold span with its label
    assert got[0]["entities"]["overall/strict/precision"] == 0.5
    assert got[0]["entities"]["overall/strict/recall"] == 1.0


def test_a_quote_listed_twice_counts_once(tmp_path):
    gold = load_gold()
    quote = "It's working out very well, so we're very happy about it."
    once = strings_file(tmp_path, [{"doc_id": DOC1, "quotes": [{"quote": quote, "speaker": "Donald Trump"}]}], "once.jsonl")
    twice = strings_file(tmp_path, [{"doc_id": DOC1, "quotes": [{"quote": quote, "speaker": "Donald Trump"},
                                                                {"quote": f"“{quote}”", "speaker": "Donald Trump "}]}], "twice.jsonl")
    recs, problems = read(twice, gold)
    assert len(recs[0]["quotes"]) == 1
    assert [p.rule for p in problems] == ["duplicate"]
    assert figures(once, gold, "quotes") == figures(twice, gold, "quotes")


def test_stance_items_in_a_strings_file_are_scored(tmp_path):
    gold = load_gold()
    item = gold.docs[DOC1]["stance"]["items"][0]
    path = strings_file(tmp_path, [{"doc_id": DOC1, "stance": [{"item": item["id"], "label": item["label"]},
                                                               {"item": item["id"], "label": item["label"]}]}])
    recs, problems = read(path, gold)
    assert recs[0]["stance"] == [{"item": item["id"], "label": item["label"]}]
    assert [p.rule for p in problems] == ["duplicate"]
    res = score(recs, gold=gold, task="stance", resamples=0)
    conf = res.tasks["stance"]["confusion"]
    lab = item["label"]
    assert conf["matrix"][conf["labels"].index(lab)][conf["columns"].index(lab)] == 1   # the one item, labelled right


def test_doc_map_works_with_strings(tmp_path):
    path = strings_file(tmp_path, [{"doc_id": "client-7", "entities": [{"text": "Donald Trump", "label": "PERSON"}]}])
    doc_map = tmp_path / "map.tsv"
    doc_map.write_text(f"client-7\t{DOC1}\n", encoding="utf-8")
    r = subprocess.run([str(NEWSGOLD), "convert", "--from", "strings", str(path), "--doc-map", str(doc_map)],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    rec = json.loads(r.stdout)
    assert rec["doc_id"] == DOC1 and rec["entities"]


@pytest.mark.parametrize("body, rule", [
    ('[{"doc_id": "DOC", "doc_id": "x"}]'.replace("DOC", DOC1), "duplicate-key"),
    ('[{"doc_id": "DOC", "entities": [{"text": "Syria", "label": "GPE", "occurrence": NaN}]}]'.replace("DOC", DOC1), "json-number"),
    ("[" * 100_000 + "]" * 100_000, "json-depth"),
])
def test_the_array_form_goes_through_the_strict_reader(tmp_path, body, rule):
    path = tmp_path / "s.json"
    path.write_text(body, encoding="utf-8")
    r = subprocess.run([str(NEWSGOLD), "convert", "--from", "strings", str(path)], capture_output=True, text=True)
    assert r.returncode == 1, r.stderr
    assert f"[{rule}]" in r.stderr


def test_signature_names_the_strings_rule(tmp_path):
    path = llm_output(tmp_path)
    recs, _ = read(path, load_gold())
    res = score(recs, resamples=0, task="entities")
    assert res.signature.endswith("|strings:strings-2")
    assert "strings:" not in score([{"doc_id": DOC1, "entities": []}], resamples=0, task="entities").signature


WORDS = ["Anna", "Berlin", "Bank", "of", "Anna Berlin", "Berlin Bank", "the", "Clara", "Clara's", "bank"]


@st.composite
def strings_case(draw):
    """A text of words, and an LLM-style list of items drawn from its words and phrases, with
    invented strings, repeated items, one string under several labels, occurrences and quotes."""
    text = " ".join(draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=25))) + "."
    phrase = st.sampled_from(WORDS + ["Zed", "Berlin Anna"])
    entity = st.fixed_dictionaries({"text": phrase, "label": st.sampled_from(["PERSON", "GPE", "ORG"])},
                                   optional={"occurrence": st.integers(1, 3)})
    quote = st.fixed_dictionaries({"quote": phrase}, optional={"speaker": st.sampled_from(["Anna", "Clara"])})
    stance = st.fixed_dictionaries({"holder": st.sampled_from(["Anna", "Clara"]), "target": st.just("t1"),
                                    "label": st.sampled_from(["FAVOR", "AGAINST"])})
    return text, {"doc_id": "d1", "entities": draw(st.lists(entity, max_size=12)), "quotes": draw(st.lists(quote, max_size=4)),
                  "stance": draw(st.lists(stance, max_size=3))}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=strings_case(), data=st.data())
def test_a_permuted_strings_file_gives_byte_identical_output(tmp_path, case, data):
    text, line = case
    target = {"id": "t1", "kind": "topic", "description": "a topic"}
    gold = minimal_gold(tmp_path, text, [(0, text.index(" ") if " " in text else len(text) - 1, "PERSON")],
                        stance={"targets": [target], "items": []})
    permuted = {k: data.draw(st.permutations(v)) if isinstance(v, list) else v for k, v in line.items()}
    outputs = []
    for i, obj in enumerate((line, permuted)):
        recs, problems = read(strings_file(tmp_path, [obj], f"p{i}.jsonl"), gold)
        assert [p for p in problems if p.severity == "error"] == []
        res = score(recs, gold=gold, task="all", resamples=0)
        outputs.append(dump_jsonl(recs) + json.dumps(res.to_dict(), sort_keys=True))
    assert outputs[0] == outputs[1]


def placement_steps(n: int, monkeypatch) -> int:
    """Positions examined plus characters claimed while placing n distinct strings, each once in its text."""
    import newsgold.formats.strings as S
    steps = [0]
    real_candidates, real_may_place = S._candidates, S._Claims.may_place

    def candidates(*a):
        found = real_candidates(*a)
        steps[0] += len(found) + 1
        return found

    def may_place(self, span, needle):
        steps[0] += span[1] - span[0]
        return real_may_place(self, span, needle)

    monkeypatch.setattr(S, "_candidates", candidates)
    monkeypatch.setattr(S._Claims, "may_place", may_place)
    names = [f"Name{i:06d} Family{i % 97}" for i in range(n)]
    text = "; ".join(names) + "."
    norm = S.normalise(text)
    where = S.Where("x", 1, "d1")
    placed, unplaced = S._entities([{"text": s, "label": "PERSON"} for s in names], text, norm, None, where, [])
    assert len(placed) == n and unplaced == []
    return steps[0]


def test_placement_work_grows_as_n_log_n_not_n_squared(monkeypatch):
    # the work counted (positions looked at, characters claimed) per string stays flat as n doubles;
    # the earlier rule compared each occurrence with every span placed, n^2 / 2 comparisons
    per_string = [placement_steps(n, monkeypatch) / n for n in (500, 1000, 2000, 4000)]
    assert max(per_string) <= 1.1 * min(per_string), per_string


def test_errors_list_the_strings_not_in_the_text_as_spurious(tmp_path):
    gold = minimal_gold(tmp_path, "Angela Merkel visited Paris.", [(0, 13, "PERSON")])
    path = strings_file(tmp_path, [{"doc_id": "d1", "entities": [{"text": "Angela Merkel", "label": "PERSON"},
                                                                 {"text": "Boris Johnson", "label": "PERSON"}]}])
    recs, _ = read(path, gold)
    res = score(recs, gold=gold, task="entities", resamples=0, errors=True)
    spurious = [e for e in res.errors if e["kind"] == "spurious"]
    assert [e["pred"]["text"] for e in spurious] == ["Boris Johnson"] and spurious[0]["pred"]["unplaced"]
    # the listing adds up to the counts
    assert res.tasks["entities"]["counts"]["overall"]["strict"]["spurious"] == len(spurious)
