#!/usr/bin/env python3
"""Entity-scoring benchmark: newsgold against nervaluate 1.2.1 on one synthetic corpus.

One run (same data for every side), each side in its own subprocess so that its peak
memory is its own (``resource.getrusage(RUSAGE_SELF).ru_maxrss`` read at the end of the
subprocess: the peak resident set size of the whole process, imports included):

``newsgold-e2e``
    ``newsgold.score(predictions.jsonl, gold=gold.jsonl, task="entities", resamples=0)``,
    wall time end to end. Its peak RSS is newsgold's memory figure.
``newsgold-split``
    The same API in phases: ``api.make_setup(gold)`` (read + schema + rules + content
    hash of the gold), then ``api.score(predictions, setup=setup, task="entities",
    resamples=0)`` with ``api.load_predictions`` and ``api.task_stats`` wrapped by timers
    (the toolkit is not modified, only the module attributes are wrapped in this
    process): predictions loading/validation is reported apart from scoring
    (= score() minus load_predictions: per-document statistics for the four schemes and
    18 labels, error records, figures, per-label counts). Then
    ``resampling.bootstrap`` on the 50,000 x labels x 6 statistics table returned in
    ``result.stats["entities"]``, ``--resamples`` resamples, run ``--boot-repeats`` times.
``nervaluate``
    Both files parsed with plain ``json`` (no validation; only label/start/end kept, end
    made inclusive), ``Evaluator(true, pred, tags=18 labels, loader="dict")`` built, the
    input lists dropped, then only ``evaluate()`` timed (its best case: data in memory,
    no I/O). ``evaluate()`` always computes all four schemes and per-label results.

Then overall counts are asserted identical for all four schemes (newsgold ``type`` =
nervaluate ``ent_type``) and equal to what the generator booked.

    python benchmarks/bench_entities.py                 # 50,000 documents (generated once)
    python benchmarks/bench_entities.py --docs 2000     # quick run
    python benchmarks/bench_entities.py --profile       # also cProfile newsgold's phases
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

LABELS = (
    "PERSON", "NORP", "FAC", "ORG", "GPE", "LOC", "PRODUCT", "EVENT", "WORK_OF_ART", "LAW",
    "LANGUAGE", "DATE", "TIME", "PERCENT", "MONEY", "QUANTITY", "ORDINAL", "CARDINAL",
)
SCHEMES = {"strict": "strict", "exact": "exact", "partial": "partial", "type": "ent_type"}  # newsgold -> nervaluate
OUTCOMES = ("correct", "incorrect", "partial", "missed", "spurious")


def peak_rss_mib() -> float:
    """Peak resident set size of this process so far (Linux ru_maxrss is in KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def rss_mib() -> float:
    """Current resident set size (/proc/self/statm)."""
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def toolkit_state() -> dict:
    """Which toolkit code a worker imported: git HEAD (read-only), files differing from it, sha256 of the sources."""
    import hashlib

    import newsgold
    pkg = Path(newsgold.__file__).resolve().parent
    files = {p.name: hashlib.sha256(p.read_bytes()).hexdigest()[:12] for p in sorted(pkg.glob("*.py"))}
    combined = hashlib.sha256(json.dumps(files, sort_keys=True).encode()).hexdigest()[:12]
    state = {"package": str(pkg), "sources_sha256": combined, "files": files}
    try:
        git = lambda *a: subprocess.run(["git", "--no-optional-locks", *a], cwd=pkg, capture_output=True, text=True,
                                        timeout=30).stdout
        state["git_head"] = git("rev-parse", "--short", "HEAD").strip()
        state["git_modified"] = [ln[3:] for ln in git("status", "--porcelain", "--", ".").splitlines() if ln.strip()]
    except (OSError, subprocess.SubprocessError):
        pass
    try:
        import importlib.metadata
        state["fastjsonschema"] = importlib.metadata.version("fastjsonschema")
    except Exception:
        state["fastjsonschema"] = None
    return state


# ------------------------------------------------------------------ workers (subprocesses)

def worker_newsgold_e2e(args) -> dict:
    import newsgold
    import newsgold.scoring.api
    state = toolkit_state()
    rss_imports = peak_rss_mib()
    t0 = time.perf_counter()
    res = newsgold.score(str(args.pred), gold=str(args.gold), task="entities", resamples=0, seed=args.seed)
    t = time.perf_counter() - t0
    ent = res.tasks["entities"]
    return {"time_total": t, "n_documents": res.n_documents, "counts": ent["counts"]["overall"],
            "labels_reported": len(ent["counts"]["labels"]), "n_error_records": len(res.errors),
            "n_warnings": len(res.warnings), "peak_rss_after_imports_mib": rss_imports, "peak_rss_mib": peak_rss_mib(),
            "toolkit": state}


def worker_newsgold_split(args) -> dict:
    import numpy as np

    import newsgold.scoring.api as api
    from newsgold.scoring.resampling import bootstrap
    state = toolkit_state()
    rss_imports = peak_rss_mib()
    timers = {"load_predictions": 0.0, "task_stats": 0.0}
    memory = {}      # phase -> (current RSS, peak RSS so far) in MiB

    def mark(name):
        memory[name] = (round(rss_mib(), 1), round(peak_rss_mib(), 1))

    def timed(name, fn):
        def wrapper(*a, **kw):
            mark(f"before {name}")
            t0 = time.perf_counter()
            try:
                return fn(*a, **kw)
            finally:
                timers[name] += time.perf_counter() - t0
                mark(f"after {name}")
        return wrapper

    t0 = time.perf_counter()
    setup = api.make_setup(str(args.gold))
    t_gold = time.perf_counter() - t0
    mark("after make_setup (gold)")
    orig = api.load_predictions, api.task_stats
    api.load_predictions = timed("load_predictions", api.load_predictions)
    api.task_stats = timed("task_stats", api.task_stats)
    try:
        t0 = time.perf_counter()
        res = api.score(str(args.pred), setup=setup, task="entities", resamples=0, seed=args.seed)
        t_call = time.perf_counter() - t0
    finally:
        api.load_predictions, api.task_stats = orig
    mark("after score()")
    ent = res.tasks["entities"]
    stats = res.stats["entities"]
    fig = api.figures_fn("entities", setup)
    n_figures = len(fig(stats.sum(axis=0)))
    boot_times = []
    for _ in range(args.boot_repeats):
        t0 = time.perf_counter()
        cis = bootstrap(stats, fig, args.resamples, args.seed)
        boot_times.append(time.perf_counter() - t0)
    mark("after bootstrap")
    return {"time_gold_load": t_gold, "time_pred_load": timers["load_predictions"],
            "time_score_call": t_call, "time_scoring": t_call - timers["load_predictions"],
            "time_task_stats": timers["task_stats"], "n_documents": res.n_documents,
            "counts": ent["counts"]["overall"], "labels_reported": len(ent["counts"]["labels"]),
            "n_figures": n_figures, "n_error_records": len(res.errors),
            "stats_shape": list(stats.shape), "stats_dtype": str(stats.dtype),
            "bootstrap_resamples": args.resamples, "bootstrap_times": boot_times,
            "bootstrap_cis": len(cis), "strict_f1": ent["figures"]["overall/strict/f1"]["value"],
            "numpy": np.__version__, "memory_checkpoints": memory, "toolkit": state,
            "peak_rss_after_imports_mib": rss_imports, "peak_rss_mib": peak_rss_mib()}


def worker_nervaluate(args) -> dict:
    import gc
    import importlib.metadata

    from nervaluate import Evaluator
    rss_imports = peak_rss_mib()
    t0 = time.perf_counter()
    true_by_id = {}
    with open(args.gold, encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            true_by_id[rec["id"]] = [{"label": m["label"], "start": m["start"], "end": m["end"] - 1}
                                     for m in rec["entities"]["mentions"]]
    pred_by_id = {}
    with open(args.pred, encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            pred_by_id[rec["doc_id"]] = [{"label": e["label"], "start": e["start"], "end": e["end"] - 1}
                                         for e in rec.get("entities") or []]
    ids = sorted(true_by_id)                       # newsgold's document order
    true = [true_by_id[i] for i in ids]
    pred = [pred_by_id.get(i, []) for i in ids]
    del true_by_id, pred_by_id
    t_parse = time.perf_counter() - t0
    t0 = time.perf_counter()
    ev = Evaluator(true, pred, tags=list(LABELS), loader="dict")
    t_ctor = time.perf_counter() - t0
    del true, pred
    gc.collect()
    t0 = time.perf_counter()
    res = ev.evaluate()
    t_eval = time.perf_counter() - t0
    counts = {s: {o: getattr(res["overall"][s], o) for o in OUTCOMES} for s in SCHEMES.values()}
    return {"time_parse": t_parse, "time_constructor": t_ctor, "time_evaluate": t_eval, "n_documents": len(ids),
            "counts": counts, "labels_reported": len(res["entities"]),
            "version": importlib.metadata.version("nervaluate"),
            "peak_rss_after_imports_mib": rss_imports, "peak_rss_mib": peak_rss_mib()}


def worker_profile(args) -> dict:
    """cProfile of newsgold's three phases; prints the top functions of each."""
    import cProfile
    import io
    import pstats

    import newsgold.scoring.api as api
    from newsgold.scoring.resampling import bootstrap
    out = {}
    prof_dir = args.data
    phases = {}
    pr = cProfile.Profile()
    pr.enable()
    setup = api.make_setup(str(args.gold))
    pr.disable()
    phases["gold_load"] = pr
    pr = cProfile.Profile()
    pr.enable()
    preds, _ = api.load_predictions(str(args.pred), setup)
    pr.disable()
    phases["pred_load"] = pr
    import inspect
    # what score() does: error records only on request where score() has errors=..., always before
    errors = None if "errors" in inspect.signature(api.score).parameters else []
    pr = cProfile.Profile()
    pr.enable()
    stats = api.task_stats(preds, setup, "entities", errors)
    fig = api.figures_fn("entities", setup)
    total = stats.sum(axis=0)
    fig(total)
    from newsgold.scoring import entities as E
    E.counts_dict(total, setup.labels)
    pr.disable()
    phases["scoring"] = pr
    pr = cProfile.Profile()
    pr.enable()
    bootstrap(stats, fig, args.resamples, args.seed)
    pr.disable()
    phases["bootstrap"] = pr
    for name, pr in phases.items():
        path = prof_dir / f"profile-{name}.prof"
        pr.dump_stats(str(path))
        for key in ("tottime", "cumulative"):
            s = io.StringIO()
            st = pstats.Stats(pr, stream=s)
            st.sort_stats(key).print_stats(args.profile_top)
            out[f"{name}/{key}"] = s.getvalue()
        out[f"{name}/total"] = pstats.Stats(pr).total_tt
    return out


WORKERS = {"newsgold-e2e": worker_newsgold_e2e, "newsgold-split": worker_newsgold_split,
           "nervaluate": worker_nervaluate, "profile": worker_profile}


# ------------------------------------------------------------------ orchestration

def run_worker(name: str, args, data: Path) -> dict:
    out = data / f"worker-{name}.json"
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", name, "--gold", str(data / "gold.jsonl"),
           "--pred", str(data / "predictions.jsonl"), "--data", str(data), "--seed", str(args.seed),
           "--resamples", str(args.resamples), "--boot-repeats", str(args.boot_repeats),
           "--profile-top", str(args.profile_top), "--worker-out", str(out)]
    print(f"[{time.strftime('%H:%M:%S')}] running {name} ...", flush=True)
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True)
    res = json.loads(out.read_text(encoding="utf-8"))
    res["wall_subprocess"] = time.perf_counter() - t0
    print(f"[{time.strftime('%H:%M:%S')}] {name} done in {res['wall_subprocess']:.1f} s", flush=True)
    return res


def machine() -> dict:
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = "?"
    try:
        kb = int(next(ln for ln in Path("/proc/meminfo").read_text().splitlines() if ln.startswith("MemTotal")).split()[1])
        mem = f"{kb / 1024 / 1024:.1f} GiB"
    except (OSError, StopIteration):
        pass
    return {"nproc": os.cpu_count(), "cpu": cpu, "memory": mem, "python": platform.python_version(),
            "platform": platform.platform()}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="newsgold vs nervaluate entity-scoring benchmark")
    ap.add_argument("--docs", type=int, default=50000, help="documents (default 50000)")
    ap.add_argument("--seed", type=int, default=1, help="generator and bootstrap seed (default 1)")
    ap.add_argument("--resamples", type=int, default=1000, help="bootstrap resamples (default 1000)")
    ap.add_argument("--boot-repeats", type=int, default=3, help="bootstrap timing repeats (default 3)")
    ap.add_argument("--data", type=Path, default=None, help="data directory (default benchmarks/data/docs<N>-seed<S>)")
    ap.add_argument("--regenerate", action="store_true", help="regenerate the data even if present")
    ap.add_argument("--profile", action="store_true", help="also cProfile newsgold's phases (extra subprocess)")
    ap.add_argument("--profile-top", type=int, default=25)
    ap.add_argument("--skip-nervaluate", action="store_true")
    # internal: worker mode
    ap.add_argument("--worker", choices=sorted(WORKERS), help=argparse.SUPPRESS)
    ap.add_argument("--gold", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--pred", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--worker-out", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)

    if args.worker:
        res = WORKERS[args.worker](args)
        args.worker_out.write_text(json.dumps(res, indent=1), encoding="utf-8")
        return 0

    data = args.data or HERE / "data" / f"docs{args.docs}-seed{args.seed}"
    info = {"date": time.strftime("%Y-%m-%d %H:%M:%S %Z"), "machine": machine(), "docs": args.docs, "seed": args.seed,
            "data": str(data), "command": " ".join([Path(sys.executable).name] + sys.argv)}
    print(json.dumps(info["machine"]))
    if args.regenerate or not (data / "expected.json").exists():
        import generate
        t0 = time.perf_counter()
        generate.generate(args.docs, args.seed, data)
        info["time_generate"] = time.perf_counter() - t0
        print(f"generated {data} in {info['time_generate']:.1f} s")
    expected = json.loads((data / "expected.json").read_text(encoding="utf-8"))
    assert expected["docs"] == args.docs and expected["seed"] == args.seed, "data directory does not match --docs/--seed"
    info["expected"] = expected
    info["file_sizes_mib"] = {f: (data / f).stat().st_size / 2**20 for f in ("gold.jsonl", "predictions.jsonl")}

    results = {"e2e": run_worker("newsgold-e2e", args, data), "split": run_worker("newsgold-split", args, data)}
    if not args.skip_nervaluate:
        results["nervaluate"] = run_worker("nervaluate", args, data)
    if args.profile:
        results["profile"] = run_worker("profile", args, data)
    info["results"] = results

    # ---------------------------------------------------------------- counts
    e2e, split, nv = results["e2e"], results["split"], results.get("nervaluate")
    exp = expected["overall"]
    print(f"\n{args.docs} documents, {expected['gold_mentions']} gold mentions, {expected['predictions']} predictions "
          f"(gold {info['file_sizes_mib']['gold.jsonl']:.0f} MiB, predictions {info['file_sizes_mib']['predictions.jsonl']:.0f} MiB)")
    print("\nOverall counts (newsgold scheme / nervaluate scheme: correct incorrect partial missed spurious)")
    ok = True
    for s, ns in SCHEMES.items():
        a = [e2e["counts"][s][o] for o in OUTCOMES]
        b = [split["counts"][s][o] for o in OUTCOMES]
        c = [nv["counts"][ns][o] for o in OUTCOMES] if nv else None
        x = [exp[s][o] for o in OUTCOMES]
        same = a == b == x and (c is None or c == a)
        ok &= same
        print(f"  {s:>8} / {ns:<8} newsgold {a}  nervaluate {c}  generator {x}  {'identical' if same else 'DIFFERENT'}")
    assert ok, "overall counts differ"

    # ---------------------------------------------------------------- table
    n = args.docs
    rows = []
    def row(name, t, mem=None, note=""):
        rows.append((name, t, n / t if t else float("nan"), mem, note))
    row("newsgold: load + validate gold (make_setup)", split["time_gold_load"])
    row("newsgold: load + validate predictions", split["time_pred_load"])
    row("newsgold: scoring (score() minus loading)", split["time_scoring"], None, f"task_stats {split['time_task_stats']:.2f} s")
    row("newsgold: score() end to end, resamples=0", e2e["time_total"], e2e["peak_rss_mib"], "peak RSS of this subprocess")
    bt = sorted(split["bootstrap_times"])
    row(f"newsgold: bootstrap {args.resamples} resamples", bt[len(bt) // 2], split["peak_rss_mib"],
        f"median of {len(bt)}: {', '.join(f'{b:.2f}' for b in split['bootstrap_times'])} s; RSS = split subprocess")
    if nv:
        row("nervaluate: json parse (not timed as its cost)", nv["time_parse"])
        row("nervaluate: Evaluator() constructor", nv["time_constructor"])
        row("nervaluate: evaluate() only", nv["time_evaluate"], nv["peak_rss_mib"], "peak RSS of this subprocess")
    print(f"\n{'phase':<50} {'time s':>9} {'docs/s':>10} {'peak RSS MiB':>13}  note")
    for name, t, dps, mem, note in rows:
        print(f"{name:<50} {t:>9.2f} {dps:>10,.0f} {f'{mem:.0f}' if mem else '':>13}  {note}")
    if nv:
        r_score = nv["time_evaluate"] / split["time_scoring"]
        r_e2e = nv["time_evaluate"] / e2e["time_total"]
        print(f"\nspeed ratio newsgold/nervaluate (throughput), scoring vs evaluate(): {r_score:.2f}x")
        print(f"speed ratio newsgold/nervaluate (throughput), score() end to end vs evaluate(): {r_e2e:.3f}x")
        print(f"peak RSS: newsgold score() {e2e['peak_rss_mib']:.0f} MiB vs nervaluate {nv['peak_rss_mib']:.0f} MiB "
              f"(after imports: {e2e['peak_rss_after_imports_mib']:.0f} vs {nv['peak_rss_after_imports_mib']:.0f} MiB)")
        targets = {
            "throughput >= 10x nervaluate (scoring vs evaluate)": r_score >= 10,
            "identical overall counts, 4 schemes": ok,
            "peak memory below nervaluate's": e2e["peak_rss_mib"] < nv["peak_rss_mib"],
            f"{args.resamples} bootstrap resamples < 2 s": bt[len(bt) // 2] < 2,
        }
        print("\ntargets:")
        for k, v in targets.items():
            print(f"  {'MET   ' if v else 'MISSED'} {k}")
        info["targets"] = targets
        info["ratios"] = {"scoring": r_score, "end_to_end": r_e2e}
    print(f"\nper-label results: newsgold {split['labels_reported']} labels x 4 schemes ({split['n_figures']} figures), "
          f"nervaluate {nv['labels_reported'] if nv else '-'} labels x 4 schemes")
    print(f"error records built by score(): {split['n_error_records']}; stats table {split['stats_shape']} {split['stats_dtype']}")
    print("\nnewsgold memory by phase (split subprocess; current RSS / peak RSS so far, MiB):")
    for k, (cur, pk) in split["memory_checkpoints"].items():
        print(f"  {k:<32} {cur:>8.0f} {pk:>8.0f}")
    tk = split["toolkit"]
    print(f"\ntoolkit measured: git HEAD {tk.get('git_head')}, modified vs HEAD: {', '.join(tk.get('git_modified') or []) or 'none'}; "
          f"sources sha256 {tk['sources_sha256']} (same in e2e worker: {tk['sources_sha256'] == e2e['toolkit']['sources_sha256']}); "
          f"fastjsonschema {tk.get('fastjsonschema')}")
    if args.profile:
        prof = results["profile"]
        for phase in ("gold_load", "pred_load", "scoring", "bootstrap"):
            print(f"\n===== cProfile {phase}: {prof[phase + '/total']:.2f} s under the profiler =====")
            print(prof[f"{phase}/tottime"])
    stamp = time.strftime("%Y%m%d-%H%M%S")
    for name in ("results.json", f"results-{stamp}.json"):
        (data / name).write_text(json.dumps(info, indent=1), encoding="utf-8")
    print(f"results: {data / f'results-{stamp}.json'} (and results.json)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
