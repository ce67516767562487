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


# ---------------------------------------------------------------- workers that read their own shards

def _shards(gold: Path, pred: Path, folder: Path, n: int) -> tuple[list[Path], list[Path]]:
    """The gold split into ``n`` files of consecutive documents, the predictions split to match."""
    golds = gold.read_text(encoding="utf-8").splitlines(keepends=True)
    shard_of = {json.loads(line)["id"]: i * n // len(golds) for i, line in enumerate(golds)}
    g_paths, p_paths = [folder / f"gold-{i}.jsonl" for i in range(n)], [folder / f"pred-{i}.jsonl" for i in range(n)]
    g_parts: list[list[str]] = [[] for _ in range(n)]
    p_parts: list[list[str]] = [[] for _ in range(n)]
    for line in golds:
        g_parts[shard_of[json.loads(line)["id"]]].append(line)
    for line in pred.read_text(encoding="utf-8").splitlines(keepends=True):
        p_parts[shard_of[json.loads(line)["doc_id"]]].append(line)
    for path, part in [*zip(g_paths, g_parts), *zip(p_paths, p_parts)]:
        path.write_text("".join(part), encoding="utf-8")
    return g_paths, p_paths


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """300 generated documents (benchmarks/generate.py, seeded), gold and predictions, and 3 shard pairs."""
    import subprocess
    import sys
    out = tmp_path_factory.mktemp("corpus")
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "generate.py"), "--docs", "300", "--seed", "3", "--out", str(out)],
                   check=True, capture_output=True)
    return out / "gold.jsonl", out / "predictions.jsonl", *_shards(out / "gold.jsonl", out / "predictions.jsonl", out, 3)


@pytest.fixture(scope="module")
def client():
    distributed = pytest.importorskip("distributed", reason="dask.distributed is not installed (pip install -e '.[test-heavy]')")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0") as cluster, \
            distributed.Client(cluster) as c:
        yield c


@pytest.mark.parametrize("task", ["entities", "entities_document"])
def test_workers_reading_their_own_shards_give_the_single_process_figures(corpus, client, task):
    from newsgold.scoring.distributed import sharded_totals
    gold, pred, g_shards, p_shards = corpus
    setup = api.make_setup(gold)
    single = api.score(pred, setup=setup, task=task, resamples=0)
    totals = sharded_totals(g_shards, p_shards, task=task, scheduler=client)
    assert len(client.scheduler_info()["workers"]) == 2
    assert np.array_equal(totals, single.stats[task].sum(axis=0))
    assert canon(api.figures_fn(task, setup)(totals)) == canon({k: v["value"] if v["value"] is not None else float("nan")
                                                                for k, v in single.tasks[task]["figures"].items()})


def test_shards_of_the_shipped_release_with_quotes(tmp_path, client):
    from newsgold.core.repository import current
    from newsgold.scoring.distributed import sharded_totals
    g_shards, p_shards = _shards(current().root / "data" / "documents" / "test.jsonl", RULES, tmp_path, 2)
    single = api.score(RULES, task="quotes", resamples=0)
    assert np.array_equal(sharded_totals(g_shards, p_shards, task="quotes", scheduler=client), single.stats["quotes"].sum(axis=0))
