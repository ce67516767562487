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
"""
from __future__ import annotations

import numpy as np

from newsgold.scoring import api


def partition_totals(preds, setup: api.Setup, task: str, ids: list[str]) -> np.ndarray:
    """Summed statistics of the documents ``ids``: what one worker computes for its partition."""
    return api.task_stats(preds, setup, task, ids=ids).sum(axis=0)


def dask_totals(predictions, setup: api.Setup, task: str = "entities", npartitions: int = 8, scheduler=None) -> np.ndarray:
    """Corpus totals of one task computed with a Dask bag over the gold documents, reduced by sum."""
    import dask.bag as db
    preds, _ = api.load_predictions(predictions, setup)
    ids = list(setup.gold.docs)
    bag = db.from_sequence(ids, npartitions=max(1, min(npartitions, len(ids))))
    total = bag.reduction(lambda part: partition_totals(preds, setup, task, list(part)),
                          lambda parts: np.sum(list(parts), axis=0, dtype=np.int64))
    return total.compute(scheduler=scheduler)
