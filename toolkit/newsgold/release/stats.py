"""``newsgold stats``: counts per document, layer, label, zone, quote type and stance label."""
from __future__ import annotations

import json

from newsgold.core.schema import ENTITY_LABELS, QUOTE_TYPES, STANCE_LABELS, ZONE_TYPES
from newsgold.gold.read import Gold


def _zone_of(doc: dict, start: int) -> str:
    for z in doc["zones"]:
        if z["start"] <= start < z["end"]:
            return z["type"]
    return "none"


def count_rows(gold: Gold) -> list[dict]:
    """Long-format counts: one row per (document, layer, category, value)."""
    rows = []

    def add(doc_id, layer, category, value, n):
        rows.append({"document": doc_id, "layer": layer, "category": category, "value": value, "count": int(n)})

    for doc_id, d in gold.docs.items():
        add(doc_id, "document", "size", "characters", len(d["text"]))
        for zt in ZONE_TYPES:
            n = sum(z["end"] - z["start"] for z in d["zones"] if z["type"] == zt)
            if n:
                add(doc_id, "document", "zone characters", zt, n)
        mentions = d["entities"]["mentions"]
        add(doc_id, "entities", "total", "mentions", len(mentions))
        add(doc_id, "entities", "total", "clusters", len(d["entities"]["clusters"]))
        for lab in ENTITY_LABELS:
            n = sum(m["label"] == lab for m in mentions)
            if n:
                add(doc_id, "entities", "label", lab, n)
        for zt in ZONE_TYPES:
            n = sum(_zone_of(d, m["start"]) == zt for m in mentions)
            if n:
                add(doc_id, "entities", "zone", zt, n)
        quotes = d["quotes"]
        add(doc_id, "quotes", "total", "quotes", len(quotes))
        for qt in QUOTE_TYPES:
            add(doc_id, "quotes", "type", qt, sum(q["type"] == qt for q in quotes))
        add(doc_id, "quotes", "speaker", "resolved to a cluster", sum(q["speaker_cluster"] is not None for q in quotes))
        add(doc_id, "quotes", "cue", "with cue", sum(q["cue"] is not None for q in quotes))
        for zt in ZONE_TYPES:
            n = sum(_zone_of(d, q["content"][0]["start"]) == zt for q in quotes)
            if n:
                add(doc_id, "quotes", "zone", zt, n)
        st = d["stance"]
        add(doc_id, "stance", "total", "targets", len(st["targets"]))
        add(doc_id, "stance", "total", "items", len(st["items"]))
        for lab in STANCE_LABELS:
            add(doc_id, "stance", "label", lab, sum(s["label"] == lab for s in st["items"]))
    return rows


def corpus_stats(gold: Gold):
    """A pandas table: rows (layer, category, value), one column per document and a total."""
    import pandas as pd
    df = pd.DataFrame(count_rows(gold))
    wide = df.pivot_table(index=["layer", "category", "value"], columns="document", values="count",
                          aggfunc="sum", fill_value=0, sort=False)
    wide["total"] = wide.sum(axis=1)
    wide.columns.name = None
    wide.attrs["documents"] = len(gold.docs)
    wide.attrs["dataset"] = f"{gold.version}+{gold.content_hash[:12]}"
    from newsgold.gold.releases import status
    wide.attrs["release"] = status(gold.version, gold.content_hash)
    return wide.reset_index()


def render_stats(df, fmt: str) -> str:
    if fmt == "json":
        return json.dumps({"dataset": df.attrs.get("dataset"), "release": df.attrs.get("release"),
                           "rows": df.to_dict(orient="records")}, ensure_ascii=False, indent=2)
    if fmt == "csv":
        return df.to_csv(index=False, lineterminator="\n")
    from newsgold.reporting.text import render_table
    headers = [str(c) for c in df.columns]
    rows = df.astype(str).values.tolist()
    text = render_table(headers, rows, markdown=(fmt == "markdown"))
    return text if fmt == "markdown" else f"dataset {df.attrs.get('dataset')} ({df.attrs.get('release')})\n{text}"
