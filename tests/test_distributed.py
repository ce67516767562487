"""The Dask recipe (newsgold.scoring.distributed) gives the single-process figures exactly."""
import json
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("dask.bag", reason="dask is not installed (pip install -e '.[test-heavy]')")

from newsgold.scoring import api
from newsgold.scoring.distributed import dask_totals

pytestmark = pytest.mark.heavy

ROOT = Path(__file__).resolve().parents[1]
RULES = ROOT / "baselines" / "rules.jsonl"


def canon(figures: dict) -> str:
    return json.dumps({k: (None if v != v else float(v)) for k, v in figures.items()}, sort_keys=True)


@pytest.mark.parametrize("scheduler", ["synchronous", "threads", "processes"])
@pytest.mark.parametrize("task", ["entities", "quotes"])
def test_dask_bag_totals_equal_one_process(task, scheduler):
    setup = api.make_setup()
    single = api.score(RULES, setup=setup, task=task, resamples=0)
    totals = dask_totals(RULES, setup, task=task, npartitions=2, scheduler=scheduler)
    assert np.array_equal(totals, single.stats[task].sum(axis=0))
    fig = api.figures_fn(task, setup)
    assert canon(fig(totals)) == canon(fig(single.stats[task].sum(axis=0)))
    assert canon(fig(totals)) == canon({k: v["value"] if v["value"] is not None else float("nan")
                                        for k, v in single.tasks[task]["figures"].items()})
