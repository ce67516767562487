#!/usr/bin/env python3
"""End-to-end benchmark, side by side in one run: ``newsgold score`` against reading the same
files with ``json`` alone, and against ``json`` + nervaluate. Ratios are printed; every side is a
separate process timed by wall clock, its peak RSS taken by ``/usr/bin/time``.

Sides (the same generated files, see generate.py):

* ``json floor``      : ``json.loads`` of every line of gold and predictions, nothing kept
* ``orjson floor``    : the same with orjson (for reference)
* ``json+nervaluate`` : both files parsed with ``json``, spans converted, ``Evaluator(...).evaluate()``
* ``newsgold cold``   : ``newsgold score --gold G P --task entities --format json`` (1,000 resamples), empty trust cache
* ``newsgold warm``   : the same again: the gold is trusted by the sha256 of its bytes
* ``doc level, first`` / ``doc level, warm``: ``--task entities_document`` (document-level entities,
  not part of ``--task entities`` since issue 25), the first run building the gold side of it and
  keeping it in the cache folder, the second reading it back
* ``layered ...``    : with ``--layered``, the same on a second corpus whose gold and predictions also
  carry quotes, stance and predicted coreference (``generate.py --quotes --coref``; its entity layers
  are the first corpus's): its json floor, a cold ``--task all``, then warm runs of every task alone
  (entities, entities_document, quotes, stance, coref) and of ``--task all``, and ``validate``; and
  warm ``--task entities`` and ``--task all`` on the same gold with predictions that carry quotes and
  stance but no coref (``generate.py --quotes``), the issue's case for ``all`` against ``entities``
* ``distributed N``   : with ``--distributed 10000,100000``, ``bench_distributed.py --check`` on a
  generated corpus of each size, each in its own process: a two-worker ``LocalCluster`` scores
  sharded files, the driver's peak RSS is read, and the figures are compared, as JSON bytes, with
  one process scoring the whole files
* ``newsgold validate``: ``newsgold validate --gold G P`` (documents/s), and plain jsonschema on the first
  ``--jsonschema-docs`` predictions records for the ratio
* ``shipped release`` : ``newsgold score baselines/rules.jsonl`` on the two shipped documents, run twice: the
  first run checks the annotation files against the schemas, the second trusts those checks (trust cache);
  then again with bytecode kept (as after ``pip install``, which compiles every module), in a folder of
  its own (``PYTHONPYCACHEPREFIX``), where the machine sets ``PYTHONDONTWRITEBYTECODE``
* ``dense``           : one document with N gold x N predictions all overlapping (``--dense N``)

    python benchmarks/bench_e2e.py --docs 10000
    nice python benchmarks/bench_e2e.py --docs 50000 --dense 5000 --layered --distributed 10000,100000
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PY = sys.executable
NEWSGOLD = str(Path(sys.executable).parent / "newsgold")

JSON_FLOOR = """
import json, sys
for f in sys.argv[1:]:
    with open(f, 'rb') as fh:
        for line in fh:
            json.loads(line)
"""
ORJSON_FLOOR = JSON_FLOOR.replace("import json", "import orjson as json")
NERVALUATE = """
import json, sys
from nervaluate import Evaluator
LABELS = %r
gold, pred = sys.argv[1], sys.argv[2]
true_by_id, pred_by_id = {}, {}
with open(gold, encoding='utf-8') as fh:
    for line in fh:
        r = json.loads(line)
        true_by_id[r['id']] = [{'label': m['label'], 'start': m['start'], 'end': m['end'] - 1} for m in r['entities']['mentions']]
with open(pred, encoding='utf-8') as fh:
    for line in fh:
        r = json.loads(line)
        pred_by_id[r['doc_id']] = [{'label': e['label'], 'start': e['start'], 'end': e['end'] - 1} for e in r.get('entities') or []]
ids = sorted(true_by_id)
res = Evaluator([true_by_id[i] for i in ids], [pred_by_id.get(i, []) for i in ids], tags=list(LABELS), loader='dict').evaluate()
print(json.dumps({s: {o: getattr(res['overall'][s], o) for o in ('correct', 'incorrect', 'partial', 'missed', 'spurious')}
                  for s in ('strict', 'exact', 'partial', 'ent_type')}))
"""
JSONSCHEMA = """
import json, sys, itertools
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
d = sys.argv[1]
res = [(s['$id'], Resource.from_contents(s)) for s in (json.load(open(p)) for p in __import__('glob').glob(d + '/*.schema.json'))]
v = Draft202012Validator(json.load(open(d + '/predictions.schema.json')), registry=Registry().with_resources(res))
n = 0
with open(sys.argv[2], 'rb') as fh:
    for line in itertools.islice(fh, int(sys.argv[3])):
        list(v.iter_errors(json.loads(line))); n += 1
print(n)
"""
DENSE = """
import random, sys
from newsgold.scoring import entities as E
n = int(sys.argv[1]); rng = random.Random(1); labels = ['PERSON', 'ORG', 'GPE']
gold = [(i, 100000 + i, labels[i % 3]) for i in range(n)]
pred = [(i + rng.randint(0, 3), 100000 + i + rng.randint(0, 3), labels[(i // 2) % 3]) for i in range(n)]
print(E.doc_table(gold, pred, {l: i for i, l in enumerate(labels)}).sum(axis=0).tolist())
"""
LABELS = ("PERSON", "NORP", "FAC", "ORG", "GPE", "LOC", "PRODUCT", "EVENT", "WORK_OF_ART", "LAW",
          "LANGUAGE", "DATE", "TIME", "PERCENT", "MONEY", "QUANTITY", "ORDINAL", "CARDINAL")


def timed(cmd: list[str], env: dict | None = None) -> dict:
    """Wall time (perf_counter around the process), peak RSS (``/usr/bin/time -f %M``), stdout."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as tf:
        t0 = time.perf_counter()
        r = subprocess.run(["/usr/bin/time", "-o", tf.name, "-f", "%M %U %S"] + cmd, capture_output=True, text=True, env=env)
        wall = time.perf_counter() - t0
        rss_kb, user, system = tf.read().split()[-3:]
    if r.returncode != 0:
        raise SystemExit(f"failed: {' '.join(cmd)}\n{r.stderr[-2000:]}")
    return {"wall": wall, "cpu": float(user) + float(system), "rss_mib": int(rss_kb) / 1024, "stdout": r.stdout}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=10000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--jobs", type=int, default=0, help="--jobs of newsgold score (0: every core)")
    ap.add_argument("--jsonschema-docs", type=int, default=1000)
    ap.add_argument("--dense", type=int, default=0, help="also N x N all-overlapping spans in one document")
    ap.add_argument("--layered", action="store_true",
                    help="also a corpus with quote, stance and coref layers: every task timed warm, and --task all")
    ap.add_argument("--distributed", default="", help="corpus sizes for bench_distributed.py --check, e.g. 10000,100000")
    args = ap.parse_args(argv)
    gold, pred = corpus(args.docs, args.seed)
    env = {**os.environ, "PYTHONPATH": str(ROOT / "toolkit")}
    cache = tempfile.mkdtemp(prefix="newsgold-bench-cache-")
    env_cache = {**env, "NEWSGOLD_CACHE_DIR": cache}
    score = [NEWSGOLD, "score", "--gold", str(gold), str(pred), "--task", "entities", "--format", "json", "--quiet", "--jobs", str(args.jobs)]
    res: dict[str, dict] = {}
    load_start = os.getloadavg()[0]
    res["json floor"] = timed([PY, "-c", JSON_FLOOR, str(gold), str(pred)], env)
    res["orjson floor"] = timed([PY, "-c", ORJSON_FLOOR, str(gold), str(pred)], env)
    res["json+nervaluate"] = timed([PY, "-c", NERVALUATE % (LABELS,), str(gold), str(pred)], env)
    res["newsgold cold"] = timed(score, env_cache)
    res["newsgold warm"] = timed(score, env_cache)
    doc_level = [a if a != "entities" else "entities_document" for a in score]
    res["doc level, first"] = timed(doc_level, env_cache)      # builds the gold side and keeps it (namecache)
    res["doc level, warm"] = timed(doc_level, env_cache)
    res["newsgold validate"] = timed([NEWSGOLD, "validate", "--gold", str(gold), str(pred)], env_cache)
    res["jsonschema"] = timed([PY, "-c", JSONSCHEMA, str(ROOT / "schema"), str(pred), str(args.jsonschema_docs)], env)
    shipped = [NEWSGOLD, "score", str(ROOT / "baselines" / "rules.jsonl"), "--quiet"]
    res["shipped, first run"] = timed(shipped, env_cache)     # its annotation files' schema checks not yet trusted
    res["shipped release"] = timed(shipped, env_cache)
    # as after a pip install (which compiles every module) or any run without PYTHONDONTWRITEBYTECODE:
    # bytecode kept, here in a folder of its own so that the repository gets no __pycache__
    env_bytecode = {k: v for k, v in env_cache.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env_bytecode["PYTHONPYCACHEPREFIX"] = tempfile.mkdtemp(prefix="newsgold-bench-pycache-")
    timed(shipped, env_bytecode)
    res["shipped, bytecode kept"] = timed(shipped, env_bytecode)
    if args.dense:
        res["dense"] = timed([PY, "-c", DENSE, str(args.dense)], env)
    if args.layered:
        res.update(layered_sides(args, env_cache))
    sizes = [int(n) for n in args.distributed.split(",") if n.strip()]
    distributed = {n: distributed_side(n, args.seed, env) for n in sizes}

    floor, nv, warm = res["json floor"]["wall"], res["json+nervaluate"]["wall"], res["newsgold warm"]["wall"]
    print(f"{args.docs} documents ({gold.stat().st_size / 2**20:.0f} + {pred.stat().st_size / 2**20:.0f} MiB), nproc {os.cpu_count()}, "
          f"load average {load_start:.1f} at the start, {os.getloadavg()[0]:.1f} at the end")
    width = max(map(len, res))
    print(f"{'side':<{width}} {'wall s':>8} {'cpu s':>8} {'peak MiB':>9}")
    for name, r in res.items():
        print(f"{name:<{width}} {r['wall']:8.2f} {r['cpu']:8.2f} {r['rss_mib']:9.0f}")
    ng = json.loads(res["newsgold warm"]["stdout"])["tasks"]["entities"]["counts"]["overall"]
    nvc = json.loads(res["json+nervaluate"]["stdout"])
    same = all(ng[s] == nvc[n] for s, n in (("strict", "strict"), ("exact", "exact"), ("partial", "partial"), ("type", "ent_type")))
    cold_out = json.loads(res["newsgold cold"]["stdout"])
    print(f"\ncounts identical to nervaluate (4 schemes): {same}; cold and warm output identical: "
          f"{cold_out == json.loads(res['newsgold warm']['stdout'])}")
    print(f"newsgold warm / json floor          : {warm / floor:.2f}x wall   (goal <= 2)")
    print(f"json+nervaluate / newsgold warm     : {nv / warm:.2f}x wall   (goal >= 8)")
    print(f"newsgold warm peak / nervaluate peak: {res['newsgold warm']['rss_mib'] / res['json+nervaluate']['rss_mib']:.2f}   (goal <= 0.25)")
    print(f"newsgold cold / json floor          : {res['newsgold cold']['wall'] / floor:.2f}x wall (first run: the gold is validated)")
    cold = res["newsgold cold"]
    cpu_ratio = cold['cpu'] / res['newsgold warm']['cpu']
    print(f"newsgold cold / newsgold warm       : {cold['wall'] / warm:.2f}x wall, {cpu_ratio:.2f}x CPU   (goal <= 2)")
    print(f"doc level warm / newsgold warm      : {res['doc level, warm']['wall'] / warm:.2f}x wall "
          f"(the document level alone, start-up and reading included; first run {res['doc level, first']['wall']:.2f} s)")
    val_rate = args.docs / res["newsgold validate"]["wall"]
    js_rate = args.jsonschema_docs / res["jsonschema"]["wall"]
    print(f"newsgold validate: {val_rate:,.0f} documents/s (goal >= 20,000); plain jsonschema {js_rate:,.0f} documents/s "
          f"(ratio {val_rate / js_rate:.1f}x, goal >= 10)")
    print(f"shipped release: {res['shipped release']['wall']:.2f} s wall, {res['shipped release']['cpu']:.2f} s cpu (goal < 0.3 s wall); "
          f"first run (schema checks not yet trusted) {res['shipped, first run']['wall']:.2f} s wall; with bytecode kept "
          f"{res['shipped, bytecode kept']['wall']:.2f} s wall (PYTHONDONTWRITEBYTECODE here: "
          f"{os.environ.get('PYTHONDONTWRITEBYTECODE', 'unset')!r})")
    if args.dense:
        print(f"dense {args.dense} x {args.dense}: {res['dense']['wall']:.2f} s wall, {res['dense']['rss_mib']:.0f} MiB (goal < 5 s, 1 GiB)")
    if args.layered:
        report_layered(res, args.docs)
    for n, d in distributed.items():
        print(f"distributed {n}: {d['wall']:.1f} s wall, driver peak {d['driver_mib']:.0f} MiB, figures identical to one process: "
              f"{d['identical']}")
    if len(distributed) > 1:
        lo, hi = distributed[min(distributed)], distributed[max(distributed)]
        print(f"distributed driver peak at {max(distributed)} / at {min(distributed)}: {hi['driver_mib'] / lo['driver_mib']:.2f}x   (goal <= 1.2)")
    out = gold.parent / f"e2e-{time.strftime('%Y%m%d-%H%M%S')}.json"
    kept = {k: {kk: vv for kk, vv in v.items() if kk != "stdout"} for k, v in res.items()}
    out.write_text(json.dumps({**kept, "distributed": distributed}, indent=1))
    return 0


def corpus(docs: int, seed: int, *layers: str) -> tuple[Path, Path]:
    """The gold and predictions files of a generated corpus (generated once, then reused)."""
    data = HERE / "data" / f"docs{docs}-seed{seed}{''.join('-' + x for x in layers)}"
    if not (data / "gold.jsonl").exists():
        subprocess.run([PY, str(HERE / "generate.py"), "--docs", str(docs), "--seed", str(seed), "--out", str(data), "--quiet"]
                       + [f"--{x}" for x in layers], check=True)
    return data / "gold.jsonl", data / "predictions.jsonl"


TASKS = ("entities", "entities_document", "quotes", "stance", "coref")


def layered_sides(args: argparse.Namespace, env: dict) -> dict[str, dict]:
    """The sides of the corpus with every layer: json floor, cold --task all, each task warm, all warm, validate."""
    gold, pred = corpus(args.docs, args.seed, "quotes", "coref")
    score = [NEWSGOLD, "score", "--gold", str(gold), str(pred), "--format", "json", "--quiet", "--jobs", str(args.jobs), "--task"]
    res = {"layered json floor": timed([PY, "-c", JSON_FLOOR, str(gold), str(pred)], env),
           "layered cold, all": timed(score + ["all"], env)}
    for task in TASKS:
        res[f"layered warm, {task}"] = timed(score + [task], env)
    res["layered warm, all"] = timed(score + ["all"], env)
    res["layered validate"] = timed([NEWSGOLD, "validate", "--gold", str(gold), str(pred)], env)
    # the goal's case: predictions with quotes and stance but no coref (the same gold, byte for byte)
    gold_qs, pred_qs = corpus(args.docs, args.seed, "quotes")
    score_qs = [a if a != str(pred) else str(pred_qs) for a in score]
    score_qs[score_qs.index(str(gold))] = str(gold_qs)
    timed(score_qs + ["all"], env)          # its first run builds the document-level gold side of this path's gold
    for task in ("entities", "all"):
        res[f"quotes+stance warm, {task}"] = timed(score_qs + [task], env)
    return res


def report_layered(res: dict[str, dict], docs: int) -> None:
    floor, ent = res["layered json floor"], res["layered warm, entities"]
    for task in (*TASKS, "all"):
        r = res[f"layered warm, {task}"]
        print(f"layered warm {task:<18}: {r['wall']:.2f} s wall, {r['wall'] / floor['wall']:.2f}x the json floor, "
              f"{r['wall'] / ent['wall']:.2f}x --task entities")
    cold_out = json.loads(res["layered cold, all"]["stdout"])
    print(f"layered cold and warm --task all output identical: {cold_out == json.loads(res['layered warm, all']['stdout'])}; "
          f"cold / warm {res['layered cold, all']['wall'] / res['layered warm, all']['wall']:.2f}x wall")
    quotes_stance = sum(res[f"layered warm, {t}"]["cpu"] for t in ("quotes", "stance"))
    print(f"layered validate: {docs / res['layered validate']['wall']:,.0f} documents/s (goal >= 20,000)")
    print(f"layered --task all / entities       : {res['layered warm, all']['wall'] / ent['wall']:.2f}x wall, "
          f"{res['layered warm, all']['cpu'] / ent['cpu']:.2f}x CPU   (coref included); "
          f"quotes + stance runs {quotes_stance:.2f} s CPU")
    qs_all, qs_ent = res["quotes+stance warm, all"], res["quotes+stance warm, entities"]
    print(f"quotes+stance --task all / entities : {qs_all['wall'] / qs_ent['wall']:.2f}x wall, {qs_all['cpu'] / qs_ent['cpu']:.2f}x CPU   "
          f"(goal <= 1.5; predictions with quotes and stance, no coref)")


def distributed_side(docs: int, seed: int, env: dict) -> dict:
    """bench_distributed.py --check at ``docs`` documents, in a process of its own; its JSON summary line."""
    corpus(docs, seed)
    r = subprocess.run([PY, str(HERE / "bench_distributed.py"), "--docs", str(docs), "--seed", str(seed), "--check", "--json"],
                       capture_output=True, text=True, env=env)
    if r.returncode != 0:
        raise SystemExit(f"bench_distributed.py failed at {docs} documents:\n{r.stderr[-2000:]}")
    summary: dict = json.loads(r.stdout.strip().splitlines()[-1])
    return summary


if __name__ == "__main__":
    sys.exit(main())
