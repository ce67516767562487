"""Scoring through an existing engine (Dask bag): per-document statistics on the workers, summed.

Every figure newsgold reports is a function of the **sum** of per-document statistics
(:func:`newsgold.scoring.api.task_stats`), and integer sums do not depend on the order or the
grouping of the additions. So any engine that can map a function over partitions of documents
and add the results gives exactly the single-process figures:

    from newsgold.scoring.distributed import dask_totals
    from newsgold.scoring import api
    setup = api.make_setup("gold.jsonl")
    totals = dask_totals("predictions.jsonl", setup, task="entities", npartitions=64)
    figures = api.figures_fn("entities", setup)(totals)     # == newsgold.score(...) point figures

Optional extra: ``pip install newsgold[dask]``. The default scheduler of ``compute()`` is used
(``scheduler=`` picks another, e.g. ``"synchronous"``, ``"threads"``, ``"processes"`` or a
``distributed.Client``). The same recipe with Spark: ``rdd = sc.parallelize(ids, n)``,
``rdd.mapPartitions(lambda part: [partition_totals(preds, setup, task, list(part))]).reduce(numpy.add)``.
Confidence intervals need the per-document table itself (resampling documents), not its sum:
collect the rows instead of adding them when they are wanted.

**Past one machine** (:func:`sharded_totals`): the recipe above still reads the whole gold and all
predictions in the driver. For a corpus larger than one machine's memory, write the gold and the
predictions as pairs of sharded JSON Lines files, shard *i* of the predictions holding the lines of
the documents of gold shard *i* (each worker joins them by document id). Each worker reads, checks
and scores its own pair and sends back one array of sums, so the driver holds one array per shard,
whatever the corpus size:

    from distributed import Client, LocalCluster
    from newsgold.scoring.distributed import sharded_totals
    with LocalCluster(n_workers=2, processes=True) as cluster, Client(cluster) as client:
        totals = sharded_totals(["gold-0.jsonl", "gold-1.jsonl"], ["pred-0.jsonl", "pred-1.jsonl"],
                                task="entities", scheduler=client)
"""
from __future__ import annotations

from typing import Any

import numpy as np

from newsgold.core.records import Predictions
from newsgold.scoring import api
from newsgold.scoring.setup import Setup, make_setup


def partition_totals(preds: Predictions, setup: Setup, task: str, ids: list[str]) -> np.ndarray:
    """Summed statistics of the documents ``ids``: what one worker computes for its partition."""
    total: np.ndarray = api.task_stats(preds, setup, task, ids=ids).sum(axis=0)
    return total


def dask_totals(predictions: Any, setup: Setup, task: str = "entities", npartitions: int = 8, scheduler: Any = None) -> np.ndarray:
    """Corpus totals of one task computed with a Dask bag over the gold documents, reduced by sum."""
    import dask.bag
    db: Any = dask.bag   # dask ships no types for its bag API
    preds, _ = api.load_predictions(predictions, setup)
    ids = list(setup.gold.docs)
    bag = db.from_sequence(ids, npartitions=max(1, min(npartitions, len(ids))))
    total = bag.reduction(lambda part: partition_totals(preds, setup, task, list(part)),
                          lambda parts: np.sum(list(parts), axis=0, dtype=np.int64))
    result: np.ndarray = total.compute(scheduler=scheduler)
    return result


def shard_totals(gold_shard: str, pred_shard: str, task: str, setup_options: dict[str, Any]) -> np.ndarray:
    """What one worker computes: its gold shard read and checked (or trusted, by the hash of its
    bytes), its predictions read against it, the task's per-document statistics summed."""
    setup = make_setup(gold_shard, **setup_options)
    preds, _ = api.load_predictions(pred_shard, setup)
    return partition_totals(preds, setup, task, api.scored_ids(preds, setup, task))


def sharded_totals(gold_shards: list[Any], pred_shards: list[Any], task: str = "entities", scheduler: Any = None,
                   **setup_options: Any) -> np.ndarray:
    """Corpus totals of one task from pairs of shard files, each pair read and scored on a worker.

    ``setup_options`` are those of :func:`newsgold.scoring.api.make_setup` (``label_map``,
    ``labels``, ``zones``, ``overlap``). The figures equal a single-process run on the
    concatenated files, since every statistic is a per-document count and counts add up."""
    import dask.bag
    db: Any = dask.bag
    if len(gold_shards) != len(pred_shards) or not gold_shards:
        raise ValueError("give one predictions shard per gold shard (and at least one pair)")
    pairs = db.from_sequence([(str(g), str(p)) for g, p in zip(gold_shards, pred_shards)], npartitions=len(gold_shards))
    total = pairs.map(lambda pair: shard_totals(pair[0], pair[1], task, setup_options)).fold(np.add)
    return np.asarray(total.compute(scheduler=scheduler), dtype=np.int64)
