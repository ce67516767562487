"""Quote attribution scoring: hand-worked cases (reasoning in the comments)."""
from __future__ import annotations

import numpy as np
import pytest

from newsgold.scoring import quotes as Q

TEXT = ('Emmanuel Macron said: "We will act now." He added that the plan was ready. '
        '"It is late," Élisabeth Borne warned, "but not too late." '
        'The minister said taxes would "fall sharply" next year.')


def sp(sub: str, nth: int = 0, text: str = TEXT) -> dict:
    """The span of the nth occurrence of ``sub`` in the text."""
    i = -1
    for _ in range(nth + 1):
        i = text.index(sub, i + 1)
    return {"start": i, "end": i + len(sub), "text": sub}


def rng(a: int, b: int) -> dict:
    return {"start": a, "end": b}


def gold_doc() -> dict:
    c1, c2 = "c-macron", "c-borne"
    return {
        "id": "d1", "text": TEXT,
        "entities": {
            "mentions": [dict(sp("Emmanuel Macron"), label="PERSON", cluster=c1),
                         dict(sp("Élisabeth Borne"), label="PERSON", cluster=c2)],
            "clusters": [{"id": c1, "name": "Emmanuel Macron", "type": "PERSON", "aliases": ["Macron", "the President"]},
                         {"id": c2, "name": "Élisabeth Borne", "type": "PERSON", "aliases": ["Borne", "the minister"]}],
        },
        "quotes": [
            {"id": "q1", "type": "direct", "content": [sp("We will act now.")], "cue": sp("said"),
             "speaker": sp("Emmanuel Macron"), "speaker_cluster": c1},
            {"id": "q2", "type": "indirect", "content": [sp("the plan was ready")], "cue": sp("added"),
             "speaker": sp("He"), "speaker_cluster": c1},
            {"id": "q3", "type": "direct", "content": [sp("It is late,"), sp("but not too late.")], "cue": sp("warned"),
             "speaker": sp("Élisabeth Borne"), "speaker_cluster": c2},
            {"id": "q4", "type": "mixed", "content": [sp('taxes would "fall sharply"')], "cue": sp("said", 1),
             "speaker": sp("The minister"), "speaker_cluster": c2},
        ],
        "stance": {"targets": [], "items": []},
    }


def plain_doc(quotes, n=200) -> dict:
    """A document of ``n`` filler characters with content-only gold quotes."""
    return {"id": "d", "text": "x" * n, "entities": {"mentions": [], "clusters": []},
            "quotes": [{"id": f"q{i}", "type": "direct", "content": [rng(*s) for s in spans], "cue": None,
                        "speaker": None, "speaker_cluster": None} for i, spans in enumerate(quotes)],
            "stance": {"targets": [], "items": []}}


def stats(gold, preds, threshold=0.5):
    row = Q.doc_stats(gold, preds, threshold)
    return {f: int(row[i]) for f, i in Q.IDX.items()}, {k: float(v) for k, v in Q.figures(row).items()}


def content(*spans):
    return {"content": [rng(*s) for s in spans]}


# ---------------------------------------------------------------- content matching

def test_jaccard_threshold_boundary():
    gold = plain_doc([[(0, 20)]])
    # pred [0,10): intersection 10, union 20 -> Jaccard exactly 0.5 -> matches at threshold 0.5
    c, _ = stats(gold, [content((0, 10))])
    assert (c["overlap_tp"], c["exact_tp"]) == (1, 0)
    # pred [0,9): 9 / 20 = 0.45 -> no match: one missed, one spurious
    c, f = stats(gold, [content((0, 9))])
    assert c["overlap_tp"] == 0 and f["content_overlap/recall"] == 0.0
    # pred [0,40): 20 / 40 = 0.5 -> match; pred [0,41): 20 / 41 < 0.5 -> no match
    assert stats(gold, [content((0, 40))])[0]["overlap_tp"] == 1
    assert stats(gold, [content((0, 41))])[0]["overlap_tp"] == 0
    # a stricter threshold: [0,15) is 0.75 -> matches at 0.75, not at 0.76
    assert stats(gold, [content((0, 15))], 0.75)[0]["overlap_tp"] == 1
    assert stats(gold, [content((0, 15))], 0.76)[0]["overlap_tp"] == 0
    # identical characters: exact and overlap
    c, f = stats(gold, [content((0, 20))])
    assert (c["exact_tp"], c["overlap_tp"]) == (1, 1)
    assert f["content_exact/f1"] == 1.0 and f["content_overlap/f1"] == 1.0


def test_multi_span_content_is_a_character_set():
    gold = plain_doc([[(0, 5), (10, 15)]])            # 10 characters, a gap 5..9
    # the same characters given as two spans in another order and split differently: exact
    c, _ = stats(gold, [content((10, 15), (0, 3), (3, 5))])
    assert (c["exact_tp"], c["overlap_tp"]) == (1, 1)
    # one span over the gap: intersection 10, union 15 -> 2/3: overlap only
    c, _ = stats(gold, [content((0, 15))])
    assert (c["exact_tp"], c["overlap_tp"]) == (0, 1)
    # only the gap: the envelopes overlap but no character is shared -> no match
    c, _ = stats(gold, [content((5, 10))])
    assert c["overlap_tp"] == 0


def test_one_to_one_two_predictions_one_gold():
    # gold [0,20); predictions [0,20) and [2,18) (Jaccard 0.8) both qualify, only one may match:
    # the exact one. pred = 2, gold = 1, tp = 1 -> P = 1/2, R = 1, F1 = 2/3; the other is spurious.
    gold = plain_doc([[(0, 20)]])
    c, f = stats(gold, [content((2, 18)), content((0, 20))])
    assert (c["gold"], c["pred"], c["overlap_tp"], c["exact_tp"]) == (1, 2, 1, 1)
    assert f["content_overlap/precision"] == pytest.approx(0.5)
    assert f["content_overlap/recall"] == 1.0
    assert f["content_overlap/f1"] == pytest.approx(2 / 3)
    assert f["content_exact/precision"] == pytest.approx(0.5)


def test_one_to_one_one_prediction_two_golds():
    # gold [0,10) and [10,20); prediction [0,20): Jaccard 0.5 with each, but it can match only one.
    gold = plain_doc([[(0, 10)], [(10, 20)]])
    c, f = stats(gold, [content((0, 20))])
    assert (c["overlap_tp"], c["gold"], c["pred"]) == (1, 2, 1)
    assert f["content_overlap/recall"] == pytest.approx(0.5) and f["content_overlap/precision"] == 1.0


def test_competing_predictions_one_to_one():
    # gold A [0,10), B [10,30); pred P [0,20) (J with A 10/20 = 0.5, with B 10/30 < 0.5 -> only A),
    # pred R [4,12) (J with A 6/12 = 0.5, with B 2/26 -> only A). Both want A: one match.
    # Add pred S [10,30): exact on B. Expected: B-S exact, A-P (Jaccard 0.5, tie with R at 0.5).
    gold = plain_doc([[(0, 10)], [(10, 30)]])
    c, _ = stats(gold, [content((0, 20)), content((4, 12)), content((10, 30))])
    assert (c["overlap_tp"], c["exact_tp"]) == (2, 1)


# ---------------------------------------------------------------- cues, types, speakers, end to end

def test_cue_precision_recall():
    g = gold_doc()
    # gold cues: said, added, warned, said(2nd) = 4 distinct spans.
    # predicted cues: 'said' exact (hit), 'warned' one character short (miss), and 'declined'-like
    # span on 'next' (miss). Cues count whatever the content match: tp 1, pred 3, gold 4
    # -> P = 1/3, R = 1/4, F1 = 2 * (1/12) / (7/12) = 2/7.
    w = sp("warned")
    preds = [dict(content=[sp("We will act now.")], cue=sp("said")),
             dict(content=[sp("It is late,")], cue=rng(w["start"], w["end"] - 1)),
             dict(content=[rng(0, 5)], cue=sp("next"))]
    c, f = stats(g, preds)
    assert (c["cue_gold"], c["cue_pred"], c["cue_tp"]) == (4, 3, 1)
    assert f["cue/precision"] == pytest.approx(1 / 3)
    assert f["cue/recall"] == pytest.approx(1 / 4)
    assert f["cue/f1"] == pytest.approx(2 / 7)


def test_type_accuracy_only_where_a_type_is_given():
    g = gold_doc()
    # matched: q1 typed 'direct' (right), q2 typed 'direct' (wrong, gold indirect),
    # q3 untyped (not counted), q4 typed 'mixed' (right) -> 2 / 3.
    preds = [dict(content=[sp("We will act now.")], type="direct"),
             dict(content=[sp("the plan was ready")], type="direct"),
             dict(content=[sp("It is late,"), sp("but not too late.")]),
             dict(content=[sp('taxes would "fall sharply"')], type="mixed")]
    c, f = stats(g, preds)
    assert (c["type_n"], c["type_ok"]) == (3, 2)
    assert f["type/accuracy"] == pytest.approx(2 / 3)
    # nothing typed: not applicable
    _, f = stats(g, [dict(content=[sp("We will act now.")])])
    assert np.isnan(f["type/accuracy"])


@pytest.mark.parametrize("pred_speaker, mention_ok, entity_ok", [
    # speaker as a gold cluster id
    ({"speaker_cluster": "c-macron"}, False, True),
    # a cluster id that does not exist resolves to nothing
    ({"speaker_cluster": "c-nobody"}, False, False),
    # speaker as a name: canonical name in other case
    ({"speaker_name": "EMMANUEL MACRON"}, False, True),
    # alias with a possessive and in other case
    ({"speaker_name": "macron's"}, False, True),
    # the other person's name: wrong
    ({"speaker_name": "Borne"}, False, False),
    # speaker span overlapping the gold mention 'Emmanuel Macron' (only 'Macron' marked): both levels
    ({"speaker": sp("Macron")}, True, True),
    # speaker span on the wrong person
    ({"speaker": sp("Élisabeth Borne")}, False, False),
])
def test_speaker_levels_q1(pred_speaker, mention_ok, entity_ok):
    """Gold q1: speaker span 'Emmanuel Macron', cluster c-macron."""
    c, f = stats(gold_doc(), [dict(content=[sp("We will act now.")], **pred_speaker)])
    assert (c["spk_mention_n"], c["spk_mention_ok"]) == (1, int(mention_ok))
    assert (c["spk_entity_n"], c["spk_entity_ok"]) == (1, int(entity_ok))
    assert c["e2e_tp"] == int(entity_ok)
    assert f["end_to_end/precision"] == float(entity_ok)
    assert f["end_to_end/recall"] == pytest.approx(entity_ok / 4)


def test_speaker_name_accents_and_article():
    g = gold_doc()
    # q3 (Élisabeth Borne): name without accents, upper case; q4: alias 'the minister' given as 'The Minister'
    preds = [dict(content=[sp("It is late,"), sp("but not too late.")], speaker_name="ELISABETH BORNE"),
             dict(content=[sp('taxes would "fall sharply"')], speaker_name="The Minister")]
    c, _ = stats(g, preds)
    assert (c["spk_entity_n"], c["spk_entity_ok"]) == (2, 2)
    # 'minister' without the article also resolves (the article is dropped on both sides)
    c, _ = stats(g, [dict(content=[sp('taxes would "fall sharply"')], speaker_name="minister")])
    assert c["spk_entity_ok"] == 1


def test_pronoun_span_mention_level_only():
    """Gold q2: speaker span 'He', cluster c-macron. A predicted span 'He' overlaps the gold
    speaker span (mention level right) but names no cluster: 'He' is no gold entity mention
    and no name or alias, so it is NOT credited at entity level (nor end to end)."""
    c, f = stats(gold_doc(), [dict(content=[sp("the plan was ready")], speaker=sp("He"))])
    assert (c["spk_mention_n"], c["spk_mention_ok"]) == (1, 1)
    assert (c["spk_entity_n"], c["spk_entity_ok"]) == (1, 0)
    assert c["e2e_tp"] == 0
    assert f["speaker_mention/accuracy"] == 1.0 and f["speaker_entity/accuracy"] == 0.0
    # the same span with the cluster resolved by the system: entity level right
    c, _ = stats(gold_doc(), [dict(content=[sp("the plan was ready")], speaker=sp("He"), speaker_cluster="c-macron")])
    assert (c["spk_mention_ok"], c["spk_entity_ok"], c["e2e_tp"]) == (1, 1, 1)


def test_end_to_end_and_by_type():
    g = gold_doc()
    # q1 right content (exact) + right speaker           -> e2e tp
    # q2 overlap content ('plan was ready', J = 14/18 >= 0.5) + right speaker by name -> e2e tp
    # q3 right content, wrong speaker                     -> matched, not e2e
    # q4 missed; one spurious prediction on 'next year'
    pred = [dict(content=[sp("We will act now.")], speaker_cluster="c-macron"),
            dict(content=[sp("plan was ready")], speaker_name="Macron"),
            dict(content=[sp("It is late,"), sp("but not too late.")], speaker_cluster="c-macron"),
            dict(content=[sp("next year")], speaker_name="Borne")]
    c, f = stats(g, pred)
    assert (c["gold"], c["pred"], c["overlap_tp"], c["exact_tp"], c["e2e_tp"]) == (4, 4, 3, 2, 2)
    assert f["content_overlap/precision"] == pytest.approx(3 / 4)
    assert f["content_exact/recall"] == pytest.approx(2 / 4)
    assert f["end_to_end/precision"] == pytest.approx(2 / 4)
    assert f["end_to_end/recall"] == pytest.approx(2 / 4)
    assert f["speaker_entity/accuracy"] == pytest.approx(2 / 3)
    # by type: direct q1, q3 matched (2/2), e2e q1 only (1/2); indirect q2 (1/1, e2e 1/1); mixed q4 missed
    assert f["by_type/direct/content_overlap/recall"] == 1.0
    assert f["by_type/direct/end_to_end/recall"] == pytest.approx(0.5)
    assert f["by_type/direct/speaker_entity/accuracy"] == pytest.approx(0.5)
    assert f["by_type/indirect/end_to_end/recall"] == 1.0
    assert f["by_type/mixed/content_overlap/recall"] == 0.0
    assert np.isnan(f["by_type/mixed/speaker_entity/accuracy"])
    errs = []
    Q.doc_stats(g, pred, 0.5, errs)
    kinds = sorted(k for k, _, _ in errs)
    assert kinds == ["quote_missed", "quote_partial", "quote_spurious", "quote_wrong_speaker"]


def test_perfect_copy_scores_one():
    g = gold_doc()
    pred = [{k: q[k] for k in ("type", "content", "cue", "speaker", "speaker_cluster")} for q in g["quotes"]]
    f = {k: float(v) for k, v in Q.figures(Q.doc_stats(g, pred, 0.5)).items()}
    for k, v in f.items():
        assert v == 1.0, k


def test_unknown_gold_speaker_does_not_block_a_perfect_copy():
    """A gold quote whose speaker is uncertain (speaker_cluster null) has no entity-level
    speaker to score; copying the gold must still be right end to end."""
    g = gold_doc()
    g["quotes"][1]["speaker_cluster"] = None        # 'He' left unresolved by the annotator
    pred = [{k: q[k] for k in ("type", "content", "cue", "speaker", "speaker_cluster")} for q in g["quotes"]]
    c, f = stats(g, pred)
    assert c["spk_entity_n"] == 3
    assert f["end_to_end/precision"] == 1.0 and f["end_to_end/recall"] == 1.0
    assert f["by_type/indirect/end_to_end/recall"] == 1.0


def test_figures_sum_over_documents():
    g = gold_doc()
    rows = [Q.doc_stats(g, [dict(content=[sp("We will act now.")], speaker_cluster="c-macron")], 0.5),
            Q.doc_stats(g, [], 0.5)]
    f = Q.figures(np.sum(rows, axis=0))
    # 8 gold quotes over the two copies, 1 prediction, 1 e2e hit
    assert float(f["end_to_end/recall"]) == pytest.approx(1 / 8)
    assert float(f["end_to_end/precision"]) == 1.0
    # nothing at all: not applicable
    empty = Q.figures(Q.doc_stats(plain_doc([]), [], 0.5))
    assert np.isnan(empty["content_overlap/f1"]) and np.isnan(empty["cue/f1"])


def test_normalise_name():
    assert Q.normalise_name("Élisabeth  BORNE") == "elisabeth borne"
    assert Q.normalise_name("The Minister’s") == "minister"
    assert Q.normalise_name("the") == "the"           # an article alone is kept (nothing follows)
    # an ambiguous name (two clusters) resolves to nothing
    g = gold_doc()
    g["entities"]["clusters"][1]["aliases"].append("Macron")
    assert "macron" not in Q.name_index(g)


def test_normalise_name_equals_its_plain_definition():
    """The fast normalise_name (marks found per distinct character, precompiled patterns) equals the
    plain definition: NFKD, drop combining marks, lower, drop possessive 's, punctuation to spaces,
    drop a leading 'the'."""
    import random
    import re as _re
    import unicodedata

    from newsgold.scoring.quotes import normalise_name

    def plain(name: str) -> str:
        s = unicodedata.normalize("NFKD", name)
        s = "".join(c for c in s if not unicodedata.combining(c)).lower()
        s = _re.sub(r"[’'`]s\b", "", s)
        s = _re.sub(r"[^\w]+", " ", s).strip()
        return _re.sub(r"^the ", "", s)

    rnd = random.Random(7)
    alphabet = "abcXYZ éüñÅç’'`s the The\u0301\u0308-.,ǅﬁ²"
    for _ in range(5000):
        t = "".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 30)))
        assert normalise_name(t) == plain(t), t
