"""Coreference scoring speed on a synthetic corpus, side by side with reading the files and with a peer.

Generates N documents (seeded) of key clusters and a perturbed response, written as two
coref-json JSON Lines files (``{"doc_id", "clusters": [[[start, end], ...], ...]}``), then times
in one run, one after the other:

* **read floor**: ``json.loads`` of every line of both files;
* **newsgold**: read both files, per-document statistics of all six metrics
  (:func:`newsgold.scoring.coref.doc_stats`, CEAF by optimal assignment), corpus figures;
* **newsgold + bootstrap**: the same and 1,000 bootstrap resamples of every figure;
* **scorch** (PyPI, if installed): read both files and its MUC, B³, CEAF-m, CEAF-e and BLANC per
  document (its functions take sets of mentions; it has no corpus statistics or LEA).

and prints wall and CPU times and the ratios of CPU times to the read floor's (CPU time, because
on a shared machine the wall time counts the waits for a core).

    PYTHONPATH=$PWD/toolkit nice python benchmarks/bench_coref.py --docs 10000
"""
from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import statistics
import tempfile
import time
from pathlib import Path


def make_doc(rng: random.Random, n_mentions: int) -> tuple[list, list]:
    """Key: mentions of 1-4 tokens laid out left to right in clusters of Zipf-like sizes; response: the
    key with a tenth of the mentions moved to another cluster, a twentieth dropped and a twentieth invented."""
    pos, mentions = 0, []
    for _ in range(n_mentions):
        pos += rng.randint(1, 30)
        length = rng.randint(1, 20)
        mentions.append((pos, pos + length))
        pos += length
    n_clusters = max(1, n_mentions // 3)
    owner = [min(int(rng.paretovariate(1.2)) - 1, n_clusters - 1) if rng.random() < 0.6 else rng.randrange(n_clusters)
             for _ in mentions]
    key: dict[int, list] = {}
    for m, c in zip(mentions, owner):
        key.setdefault(c, []).append(list(m))
    resp: dict[int, list] = {}
    for m, c in zip(mentions, owner):
        r = rng.random()
        if r < 0.05:
            continue
        resp.setdefault(rng.randrange(n_clusters) if r < 0.15 else c, []).append(list(m))
    for _ in range(n_mentions // 20):
        s = rng.randint(0, pos)
        resp.setdefault(rng.randrange(n_clusters), []).append([s, s + rng.randint(1, 5)])
    return list(key.values()), list(resp.values())


def write_corpus(folder: Path, n_docs: int, seed: int) -> tuple[Path, Path, int]:
    rng = random.Random(seed)
    keys, resps, total = [], [], 0
    for i in range(n_docs):
        n = rng.randint(20, 200)
        total += n
        k, r = make_doc(rng, n)
        keys.append(json.dumps({"doc_id": f"d{i}", "clusters": k}))
        resps.append(json.dumps({"doc_id": f"d{i}", "clusters": r}))
    kp, rp = folder / "key.jsonl", folder / "response.jsonl"
    kp.write_text("\n".join(keys) + "\n")
    rp.write_text("\n".join(resps) + "\n")
    return kp, rp, total


def _read(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh]


def _pairs(kp: Path, rp: Path):
    key = {d["doc_id"]: [[tuple(m) for m in c] for c in d["clusters"]] for d in _read(kp)}
    resp = {d["doc_id"]: [[tuple(m) for m in c] for c in d["clusters"]] for d in _read(rp)}
    return [(key[k], resp.get(k, [])) for k in key]


def side_floor(kp: Path, rp: Path) -> None:
    _read(kp)
    _read(rp)


def side_newsgold(kp: Path, rp: Path, resamples: int = 0) -> float:
    from newsgold.scoring import coref
    from newsgold.scoring.resampling import bootstrap
    stats = coref.corpus_stats(_pairs(kp, rp))
    if resamples:
        bootstrap(stats, coref.figures, resamples, 12345)
    return float(coref.figures(stats.sum(0))["conll/f1"])


def side_scorch(kp: Path, rp: Path) -> None:
    from scorch import scores
    for key, resp in _pairs(kp, rp):
        k, r = [set(c) for c in key], [set(c) for c in resp]
        for fn in (scores.muc, scores.b_cubed, scores.ceaf_m, scores.ceaf_e, scores.blanc):
            with contextlib.suppress(statistics.StatisticsError):  # scorch's F1 fails on R = P = 0, after the work
                fn(k, r)


def _time(fn, *args) -> tuple[float, float]:
    """Wall and CPU seconds (CPU time is what to compare on a shared machine: it does not count waiting)."""
    w0, c0 = time.perf_counter(), time.process_time()
    fn(*args)
    return time.perf_counter() - w0, time.process_time() - c0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs", type=int, default=10000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--no-peer", action="store_true", help="leave scorch out")
    args = ap.parse_args()
    import scipy.optimize  # noqa: F401 - imported once before timing (about 1 s), as a long-running scorer would
    with tempfile.TemporaryDirectory(prefix="newsgold-bench-coref-") as tmp:
        kp, rp, mentions = write_corpus(Path(tmp), args.docs, args.seed)
        size = (kp.stat().st_size + rp.stat().st_size) / 2 ** 20
        print(f"{args.docs} documents, {mentions} key mentions, seed {args.seed}, {size:.1f} MiB; "
              f"load average before: {os.getloadavg()[0]:.2f}")
        sides = [("read floor (json.loads)", side_floor, ()), ("newsgold (all metrics, corpus figures)", side_newsgold, ()),
                 ("newsgold + 1,000 bootstrap resamples", side_newsgold, (1000,))]
        if not args.no_peer:
            sides.append(("scorch 0.2.0 (MUC, B³, CEAF-m/e, BLANC per document)", side_scorch, ()))
        floor = None
        for name, fn, extra in sides:
            try:
                wall, cpu = _time(fn, kp, rp, *extra)
            except ImportError as exc:
                print(f"{name:55} not run: {exc}")
                continue
            floor = floor or cpu
            print(f"{name:55} wall {wall:8.2f} s  CPU {cpu:8.2f} s   x{cpu / floor:6.1f} the read floor (CPU)")
        print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
