#!/usr/bin/env python3
"""Driver memory of the sharded Dask path (newsgold.scoring.distributed.sharded_totals) as the corpus grows.

The generated corpus (generate.py) is split into ``--shards`` pairs of gold and predictions files;
a ``distributed.LocalCluster`` of two worker processes scores them, each worker reading its own
pair. Printed: wall time, the driver's peak RSS (``ru_maxrss`` of this process, which never reads a
shard, taken before any check) and, with ``--check``, whether the figures of both tasks (``entities``
and ``entities_document``), as JSON bytes, equal those of a single-process run on the whole files
(``--task all``, no resampling); ``--json`` adds the summary as one JSON line (read by bench_e2e.py).

    python benchmarks/bench_distributed.py --docs 10000
    python benchmarks/bench_distributed.py --docs 50000 --check
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def shard(data: Path, n: int) -> tuple[list[Path], list[Path]]:
    """``n`` gold files of consecutive documents and the predictions split to match (written once)."""
    folder = data / f"shards-{n}"
    golds, preds = [folder / f"gold-{i}.jsonl" for i in range(n)], [folder / f"pred-{i}.jsonl" for i in range(n)]
    if all(p.exists() for p in golds + preds):
        return golds, preds
    folder.mkdir(exist_ok=True)
    with open(data / "gold.jsonl", "rb") as fh:
        ids = [json.loads(line)["id"] for line in fh]
    shard_of = {d: i * n // len(ids) for i, d in enumerate(ids)}
    for src, key, outs in ((data / "gold.jsonl", "id", golds), (data / "predictions.jsonl", "doc_id", preds)):
        handles = [open(p, "wb") for p in outs]      # noqa: SIM115 - closed below
        try:
            with open(src, "rb") as fh:
                for line in fh:
                    handles[shard_of[json.loads(line)[key]]].write(line)
        finally:
            for h in handles:
                h.close()
    return golds, preds


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=10000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--shards", type=int, default=16)
    ap.add_argument("--check", action="store_true", help="also score the whole files in one process and compare")
    ap.add_argument("--json", action="store_true", help="end with the summary as one JSON line")
    args = ap.parse_args(argv)
    data = HERE / "data" / f"docs{args.docs}-seed{args.seed}"
    if not (data / "gold.jsonl").exists():
        subprocess.run([sys.executable, str(HERE / "generate.py"), "--docs", str(args.docs), "--seed", str(args.seed), "--out", str(data)],
                       check=True)
    golds, preds = shard(data, args.shards)
    from distributed import Client, LocalCluster

    from newsgold.scoring.distributed import sharded_totals
    load_start = os.getloadavg()[0]
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0") as cluster, Client(cluster) as client:
        t0 = time.perf_counter()
        totals = {t: sharded_totals(golds, preds, task=t, scheduler=client) for t in ("entities", "entities_document")}
        wall = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{args.docs} documents in {args.shards} shard pairs, 2 worker processes: {wall:.1f} s wall; "
          f"driver peak RSS {peak:.0f} MiB; load average {load_start:.1f} at the start, {os.getloadavg()[0]:.1f} at the end")
    identical = None
    if args.check:
        from newsgold.scoring import api
        single = api.score(data / "predictions.jsonl", gold=data / "gold.jsonl", task="all", resamples=0)
        setup = api.make_setup(data / "gold.jsonl")
        identical = all(_figures_json(api.figures_fn(t, setup)(totals[t])) == _figures_json(single.tasks[t]["figures"]) for t in totals)
        print(f"figures identical (JSON bytes) to one process on the whole files: {identical}")
    if args.json:
        print(json.dumps({"docs": args.docs, "shards": args.shards, "wall": wall, "driver_mib": peak, "identical": identical}))
    return 0


def _figures_json(figures: dict) -> str:
    """Figures as JSON text: plain floats, keys sorted; the same bytes for the same figures only."""
    plain = {k: (v["value"] if isinstance(v, dict) else v) for k, v in figures.items()}
    return json.dumps({k: None if v is None or v != v else float(v) for k, v in plain.items()}, sort_keys=True)   # NaN: null


if __name__ == "__main__":
    sys.exit(main())
