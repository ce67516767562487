"""The public API, declared: ``__all__`` in every subpackage, (predictions, gold) first and the rest by
keyword, settings on one object, and the 0.2 calling forms still working with a DeprecationWarning."""
from __future__ import annotations

import importlib
import pkgutil
import subprocess
import sys
import warnings

import pytest

import newsgold
from newsgold.scoring import api

SUBPACKAGES = ("core", "gold", "scoring", "formats", "annotation", "systems", "reporting", "release", "integrations")
TEXT = "Ann Lee met Bob Ray."
GOLD = [{"id": "d1", "text": TEXT, "entities": [{"start": 0, "end": 7, "label": "PERSON"},
                                               {"start": 12, "end": 19, "label": "PERSON"}]}]
PRED = [{"id": "d1", "entities": [{"start": 0, "end": 7, "label": "PERSON"}]}]   # one of two: P = 1, R = 0.5


@pytest.mark.parametrize("name", SUBPACKAGES)
def test_every_subpackage_declares_its_public_names(name):
    package = importlib.import_module(f"newsgold.{name}")
    assert package.__all__, name
    submodules = {m.name for m in pkgutil.iter_modules(package.__path__)}
    for public in package.__all__:
        assert public not in submodules, f"newsgold.{name}.{public} is both a module and a public name"
        assert getattr(package, public) is not None
    with pytest.raises(AttributeError):
        package.no_such_name   # noqa: B018


def test_importing_a_subpackage_loads_no_numbers():
    code = "import sys, newsgold.scoring, newsgold.gold, newsgold.release; print('numpy' in sys.modules)"
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "False"


def _pr(result) -> tuple[float, float]:
    return (result.value("entities", "overall/strict/precision"), result.value("entities", "overall/strict/recall"))


def test_score_spans_by_keyword_in_either_order_without_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        a = newsgold.score_spans(predictions=PRED, gold=GOLD, resamples=0)
        b = newsgold.score_spans(gold=GOLD, predictions=PRED, resamples=0)
    assert _pr(a) == _pr(b) == (1.0, 0.5)


def test_score_spans_old_positional_order_still_means_gold_first():
    with pytest.warns(DeprecationWarning, match="score_spans"):
        old = newsgold.score_spans(GOLD, PRED, resamples=0)
    assert _pr(old) == (1.0, 0.5)          # not swapped into P = 0.5, R = 1


def test_add_batch_old_and_new_forms_agree():
    new = newsgold.EntityScorer(resamples=0)
    new.add_batch(predictions=PRED, gold=GOLD)
    old = newsgold.EntityScorer(resamples=0)
    with pytest.warns(DeprecationWarning, match="add_batch"):
        old.add_batch(GOLD, PRED)
    assert _pr(new.compute()) == _pr(old.compute()) == (1.0, 0.5)


def test_ambiguous_mixed_forms_are_refused():
    with pytest.raises(TypeError):
        newsgold.score_spans(GOLD, PRED, gold=GOLD)
    with pytest.raises(TypeError):
        newsgold.score_spans(predictions=PRED)


def test_score_takes_everything_after_two_by_keyword(tmp_path):
    records = [{"doc_id": "d", "entities": []}]
    gold = tmp_path / "g.jsonl"
    gold.write_text('{"id": "d", "text": "Ann Lee.", "entities": [{"start": 0, "end": 7, "label": "PERSON"}]}\n', encoding="utf-8")
    by_keyword = api.score(records, str(gold), task="entities", resamples=0)
    with pytest.warns(DeprecationWarning, match="pass task by keyword"):
        by_position = api.score(records, str(gold), "entities")
    assert by_position.tasks["entities"]["counts"] == by_keyword.tasks["entities"]["counts"]
    with pytest.raises(TypeError, match="multiple values"):
        api.score(records, str(gold), "entities", task="entities")
    with pytest.warns(DeprecationWarning, match="pass gold by keyword"):
        api.compare(records, records, str(gold), task="entities", resamples=0)


def test_setup_and_its_settings_together_are_an_error(tmp_path):
    gold = tmp_path / "g.jsonl"
    gold.write_text('{"id": "d", "text": "Ann Lee.", "entities": [{"start": 0, "end": 7, "label": "PERSON"}]}\n', encoding="utf-8")
    setup = api.make_setup(str(gold))
    records = [{"doc_id": "d", "entities": []}]
    for extra in ({"labels": ["PERSON"]}, {"zones": ["body"]}, {"overlap": 0.8}, {"gold": str(gold)}, {"label_map": "x"}):
        with pytest.raises(TypeError, match="setup= already fixes"):
            api.score(records, setup=setup, resamples=0, **extra)
    assert api.score(records, setup=setup, resamples=0).n_documents == 1
