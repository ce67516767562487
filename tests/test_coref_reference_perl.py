"""NewsGold's coreference figures equal the CoNLL-2012 reference scorer's on GUM's news documents.

Needs what the repository cannot ship: perl, the reference scorer (``scorer.pl`` of
``conll/reference-coreference-scorers``, path in ``NEWSGOLD_COREF_SCORER``) and a checkout of
GUM (``amir-zeldes/gum``, path in ``NEWSGOLD_GUM_DIR``). Without them the test is skipped and
says why. The figures of one run are recorded in ``benchmarks/coref_reference.md``.
"""
from __future__ import annotations

import importlib.util
import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _bench():
    spec = importlib.util.spec_from_file_location("coref_reference", ROOT / "benchmarks" / "coref_reference.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _needs() -> tuple[Path, Path]:
    scorer, gum = os.environ.get("NEWSGOLD_COREF_SCORER"), os.environ.get("NEWSGOLD_GUM_DIR")
    if shutil.which("perl") is None:
        pytest.skip("perl is not installed: the reference scorer cannot run")
    if not scorer or not Path(scorer).is_file():
        pytest.skip("NEWSGOLD_COREF_SCORER is not set to scorer.pl of conll/reference-coreference-scorers")
    if not gum or not (Path(gum) / "coref" / "ontogum" / "conll").is_dir():
        pytest.skip("NEWSGOLD_GUM_DIR is not set to a checkout of amir-zeldes/gum (coref/ontogum/conll)")
    return Path(scorer), Path(gum)


@pytest.mark.parametrize("kind", ["identity", "merge", "split", "drop-mentions", "drop-clusters",
                                  "shift-boundaries", "mixed"])
def test_same_figures_as_scorer_pl(kind, tmp_path):
    scorer, gum = _needs()
    bench = _bench()
    bench.make_files(gum, tmp_path)
    perl = bench.perl_figures(scorer, tmp_path / "key.conll", tmp_path / f"{kind}.conll")
    ours = bench.ours(tmp_path / "key.conll", tmp_path / f"{kind}.conll")
    for metric in bench.PERL_METRICS:
        assert [round(x, 4) for x in ours[metric]] == [round(x, 4) for x in perl[metric]], metric


def test_perturbations_are_deterministic():
    bench = _bench()
    clusters = [[(0, 1), (3, 4), (6, 8)], [(9, 10), (12, 13)], [(14, 15)]]
    for kind in bench.KINDS:
        assert bench.perturb(kind, clusters, 20, 7) == bench.perturb(kind, clusters, 20, 7)
    assert bench.perturb("identity", clusters, 20, 7) == clusters
