"""PROTOTYPE, not toolkit code: what a streaming, columnar loader would cost (time and peak RSS).

Reads gold and predictions one line at a time, runs the same per-record checks as newsgold
(schema_problems, sha256, check_zones, check_gold_layers, check_prediction), copies the spans into
array("q") columns (doc, start, end, label), keeps the texts, drops the record, hashes the content
incrementally, then scores with newsgold.score_entities.corpus_tables. Depends on toolkit internals
(Flat, corpus_tables) as of git 5eccc2e.

    python benchmarks/proto_streaming_memory.py   # from the repository root benchmarks/data/docs50000-seed1
"""
import hashlib
import json
import resource
import sys
import time
from array import array

import numpy as np

from newsgold.core.jsonio import dump_jsonl
from newsgold.core.schema import ENTITY_LABELS, schema_problems
from newsgold.gold.rules import check_gold_layers, check_prediction, check_zones, sha256_text
from newsgold.scoring import entities as E

d = sys.argv[1]
li = {lab: i for i, lab in enumerate(ENTITY_LABELS)}
t0 = time.perf_counter()
ids, texts, problems = [], [], []
g = [array("q") for _ in range(4)]
h = hashlib.sha256()
with open(f"{d}/gold.jsonl", "rb") as fh:
    for n, line in enumerate(fh, 1):
        r = json.loads(line)
        lf = lambda p, n=n: n
        problems += schema_problems("gold", r, "gold", lf)
        if r["text_sha256"] != sha256_text(r["text"]):
            problems.append("hash")
        problems += check_zones(r["zones"], r["text"], "gold", lf)
        problems += check_gold_layers(r, r["text"], "gold", lf)
        h.update(dump_jsonl([r]).encode())       # (gold already in id order here)
        k = len(ids)
        ids.append(r["id"])
        texts.append(r["text"])
        for m in r["entities"]["mentions"]:
            g[0].append(k)
            g[1].append(m["start"])
            g[2].append(m["end"])
            g[3].append(li[m["label"]])
t1 = time.perf_counter()
index = {i: k for k, i in enumerate(ids)}
p = [array("q") for _ in range(4)]
with open(f"{d}/predictions.jsonl", "rb") as fh:
    for n, line in enumerate(fh, 1):
        r = json.loads(line)
        lf = lambda q, n=n: n
        problems += schema_problems("predictions", r, "pred", lf)
        k = index[r["doc_id"]]
        problems += check_prediction(r, texts[k], "pred", lf)
        for m in r.get("entities") or []:
            p[0].append(k)
            p[1].append(m["start"])
            p[2].append(m["end"])
            p[3].append(li[m["label"]])
t2 = time.perf_counter()
G = E.Flat(tuple(np.frombuffer(a, dtype=np.int64) for a in g))
P = E.Flat(tuple(np.frombuffer(a, dtype=np.int64) for a in p))
stats = E.corpus_tables(G, P, len(ids), len(li), None)
t3 = time.perf_counter()
with open(f"{d}/expected.json", encoding="utf-8") as fh:
    expected = json.load(fh)
tot = E.counts_dict(stats.sum(0), list(ENTITY_LABELS))["overall"] == expected["overall"]
print(json.dumps({"gold_load_s": round(t1 - t0, 2), "pred_load_s": round(t2 - t1, 2), "scoring_s": round(t3 - t2, 2), "total_s": round(t3 - t0, 2),
                  "errors": len([x for x in problems if getattr(x, 'severity', 'error') == 'error']),
                  "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024), "all_counts_equal_expected": tot}))
