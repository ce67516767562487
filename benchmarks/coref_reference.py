"""NewsGold's coreference metrics against the CoNLL-2012 reference scorer (``scorer.pl`` v8.01) on real data.

Key: the news documents of GUM (``coref/ontogum/conll/GUM_news_*.conll`` in a checkout of
``amir-zeldes/gum``; annotations CC BY 4.0; nothing of GUM is committed here). Responses: the
key perturbed in seeded, deterministic ways (:data:`KINDS`). Both are written as CoNLL-2012
files to a folder you name, the Perl scorer is run on every pair
(``perl scorer.pl all key.conll response.conll none``) and NewsGold scores the same files;
the script prints both sets of figures side by side and, with ``--json``, writes them.

    python benchmarks/coref_reference.py --gum GUM_CHECKOUT --scorer SCORER_DIR/scorer.pl --out WORK_DIR \
        [--coval COVAL_CHECKOUT] [--json FIGURES.json]
"""
from __future__ import annotations

import argparse
import json
import random
import re
import subprocess
import sys
import time
from pathlib import Path

PERL_METRICS = ("muc", "bcub", "ceafm", "ceafe", "blanc")
KINDS = ("identity", "merge", "split", "drop-mentions", "drop-clusters", "shift-boundaries", "mixed")
SEED = 20261207


def _merge(clusters: list, rng: random.Random) -> list:
    """Merge about a fifth of the clusters, each into another one picked at random."""
    out = [list(c) for c in clusters]
    for _ in range(max(1, len(out) // 5)):
        if len(out) < 2:
            break
        a, b = rng.sample(range(len(out)), 2)
        out[a] += out[b]
        del out[b]
    return out


def _split(clusters: list, rng: random.Random) -> list:
    """Split about a third of the clusters with two or more mentions at a random point."""
    out = []
    for c in clusters:
        if len(c) > 1 and rng.random() < 1 / 3:
            cut = rng.randrange(1, len(c))
            out += [c[:cut], c[cut:]]
        else:
            out.append(list(c))
    return out


def _drop_mentions(clusters: list, rng: random.Random) -> list:
    """Drop about 15 % of the mentions."""
    return [kept for c in clusters if (kept := [m for m in c if rng.random() >= 0.15])]


def _drop_clusters(clusters: list, rng: random.Random) -> list:
    """Drop about 20 % of the clusters."""
    return [list(c) for c in clusters if rng.random() >= 0.2]


def _shift(clusters: list, rng: random.Random, n_tokens: int) -> list:
    """Move the end of about 10 % of the mentions one token to the right: twinless mentions on both sides."""
    def move(m):
        s, e = m
        return (s, min(e + 1, n_tokens)) if rng.random() < 0.1 else m
    return [[move(m) for m in c] for c in clusters]


def perturb(kind: str, clusters: list, n_tokens: int, seed: int) -> list:
    """The response of one kind for one document's key clusters (deterministic in ``seed``)."""
    rng = random.Random(f"{seed}:{kind}")
    if kind == "identity":
        return [list(c) for c in clusters]
    if kind == "mixed":
        out = _shift(_drop_mentions(_split(_merge(clusters, rng), rng), rng), rng, n_tokens)
        return _drop_clusters(out, rng)
    if kind == "shift-boundaries":
        return _shift(clusters, rng, n_tokens)
    return {"merge": _merge, "split": _split, "drop-mentions": _drop_mentions, "drop-clusters": _drop_clusters}[kind](
        clusters, rng)


def make_files(gum: Path, out: Path, seed: int = SEED) -> list[str]:
    """key.conll and one response file per kind in ``out``; documents named after their GUM file."""
    from newsgold.formats import coref_conll
    from newsgold.formats.coref_common import CorefDocument
    files = sorted((gum / "coref" / "ontogum" / "conll").glob("GUM_news_*.conll"))
    if not files:
        raise SystemExit(f"no coref/ontogum/conll/GUM_news_*.conll under {gum}")
    keys = []
    for f in files:
        (doc,) = coref_conll.read(f)
        keys.append(CorefDocument(f"({f.stem}); part 000", doc.clusters, doc.unit, doc.tokens))
    coref_conll.write(keys, out / "key.conll")
    for kind in KINDS:
        resp = [CorefDocument(d.name, perturb(kind, d.clusters, len(d.tokens), seed + i), d.unit, d.tokens)
                for i, d in enumerate(keys)]
        coref_conll.write(resp, out / f"{kind}.conll")
    return [f.stem for f in files]


_TOTAL = re.compile(r"Recall: \(([\d.]+) / ([\d.]+)\) [\d.]+%\tPrecision: \(([\d.]+) / ([\d.]+)\) [\d.]+%\tF1: ([\d.]+)%")
_BLANC = re.compile(r"BLANC: Recall: \(([\d.e-]+) / 1\) [\d.]+%\tPrecision: \(([\d.e-]+) / 1\)")


def perl_figures(scorer: Path, key: Path, response: Path) -> dict[str, tuple[float, float, float]]:
    """R, P, F1 of each metric as ``perl scorer.pl METRIC key response none`` prints them.

    MUC, B³ and CEAF: from the printed numerators and denominators (the percentages are
    truncated to two decimals); BLANC: R and P as printed (full precision), F1 from the printed
    link counts the way ``ComputeBLANCFromCounts`` combines them (its printed F1 is truncated).
    """
    out = {}
    for metric in PERL_METRICS:
        text = subprocess.run(["perl", str(scorer), metric, str(key), str(response), "none"],
                              capture_output=True, text=True, check=True).stdout
        if metric == "blanc":
            out[metric] = _perl_blanc(text)
            continue
        coref_line = text[text.index("Coreference:"):]
        r, p, _ = _rpf(_TOTAL.search(coref_line))
        out[metric] = (r, p, _f1(r, p))
    return out


def _f1(r: float, p: float) -> float:
    return 2 * r * p / (r + p) if r + p else 0.0


def _rpf(match) -> tuple[float, float, float]:
    """R, P and the recall denominator of a printed ``Recall: (n / d) … Precision: (n / d)`` line."""
    nr, dr, np_, dp, _ = (float(x) for x in match.groups())
    return (nr / dr if dr else 0.0), (np_ / dp if dp else 0.0), dr


def _perl_blanc(text: str) -> tuple[float, float, float]:
    r, p = (float(x) for x in _BLANC.search(text).groups())  # type: ignore[union-attr]
    rc, pc, dc = _rpf(_TOTAL.search(text[text.index("Coreference links:"):]))
    rn, pn, dn = _rpf(_TOTAL.search(text[text.index("Non-coreference links:"):]))
    fc, fn = _f1(rc, pc), _f1(rn, pn)
    f = (fc + fn) / 2 if dc and dn else fc if dc else fn if dn else 0.0
    return r, p, f


def ours(key: Path, response: Path) -> dict[str, tuple[float, float, float]]:
    """NewsGold's figures for the same two files, documents paired by name."""
    import numpy as np

    from newsgold.formats import coref_conll
    from newsgold.scoring import coref
    k = {d.name: d.clusters for d in coref_conll.read(key)}
    r = {d.name: d.clusters for d in coref_conll.read(response)}
    stats = coref.corpus_stats((k[n], r.get(n, [])) for n in k)
    fig = coref.figures(np.asarray(stats).sum(0))
    return {m: (float(fig[f"{m}/recall"]), float(fig[f"{m}/precision"]), float(fig[f"{m}/f1"]))
            for m in (*PERL_METRICS, "lea")}


def coval_figures(coval: Path, key: Path, response: Path) -> dict[str, tuple[float, float, float]]:
    """LEA, MUC, B³ and CEAF-e as coval (``ns-moosavi/coval``, a checkout at ``coval``) computes them,
    singletons kept, full precision (its Python API, not its two-decimal print)."""
    sys.path.insert(0, str(coval))
    from coval.conll import reader  # type: ignore[import-not-found]
    from coval.eval import evaluator  # type: ignore[import-not-found]
    infos = reader.get_coref_infos(str(key), str(response), False, False, True, False)
    metrics = (("lea", evaluator.lea), ("muc", evaluator.muc), ("bcub", evaluator.b_cubed), ("ceafe", evaluator.ceafe))
    return {name: tuple(evaluator.evaluate_documents(infos, fn, beta=1)) for name, fn in metrics}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--gum", type=Path, required=True, help="a checkout of amir-zeldes/gum")
    ap.add_argument("--scorer", type=Path, required=True, help="scorer.pl of conll/reference-coreference-scorers")
    ap.add_argument("--out", type=Path, required=True, help="folder for the key and response files")
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--json", type=Path, help="write the figures here")
    ap.add_argument("--coval", type=Path, help="a checkout of ns-moosavi/coval: also print its LEA (and MUC, B³, CEAF-e)")
    args = ap.parse_args(argv)
    names = make_files(args.gum, args.out, args.seed)
    print(f"{len(names)} GUM news documents, seed {args.seed}")
    rows = {}
    worst = 0.0
    for kind in KINDS:
        key, resp = args.out / "key.conll", args.out / f"{kind}.conll"
        t0 = time.perf_counter()
        mine = ours(key, resp)
        took = time.perf_counter() - t0
        perl = perl_figures(args.scorer, key, resp)
        rows[kind] = {"perl": perl, "newsgold": mine, "newsgold_seconds": round(took, 3)}
        for m in PERL_METRICS:
            worst = max(worst, *(abs(a - b) for a, b in zip(perl[m], mine[m])))
            print(f"{kind:17} {m:6} perl R {perl[m][0]:.4f} P {perl[m][1]:.4f} F {perl[m][2]:.4f}   "
                  f"newsgold R {mine[m][0]:.4f} P {mine[m][1]:.4f} F {mine[m][2]:.4f}")
        print(f"{kind:17} lea    newsgold R {mine['lea'][0]:.4f} P {mine['lea'][1]:.4f} F {mine['lea'][2]:.4f}"
              f"   (newsgold scored the {len(names)} documents in {took:.3f} s)")
        if args.coval:
            cov = coval_figures(args.coval, key, resp)
            rows[kind]["coval"] = cov
            print(f"{kind:17} coval  " + "  ".join(f"{m} R {v[0]:.4f} P {v[1]:.4f} F {v[2]:.4f}" for m, v in cov.items()))
    print(f"largest difference: {worst:.2e}")
    if args.json:
        args.json.write_text(json.dumps({"seed": args.seed, "documents": names, "kinds": rows}, indent=1) + "\n")
    return 0 if worst < 5e-5 else 1


if __name__ == "__main__":
    sys.exit(main())
