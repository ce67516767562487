"""The built-in baselines as systems of ``newsgold run``.

* ``rules``: the rule baseline of :mod:`newsgold.systems.rules_baseline` (text only), the
  same predictions as ``newsgold baseline``.
* ``majority-stance``: every gold stance item gets the label most frequent among the gold
  stance items (ties: FAVOR, AGAINST, NEUTRAL in that order). It reads the test labels, as a
  majority-class baseline does by definition: it is the score of knowing only the label
  distribution, the floor a stance classifier must clear.
"""
from __future__ import annotations

from collections import Counter

from newsgold.core.schema import STANCE_LABELS
from newsgold.systems.common import Document, RunOptions, SystemOutput

RULES_CODE = ("toolkit/newsgold/systems/rules_baseline.py",)
MAJORITY_CODE = ("toolkit/newsgold/systems/baselines.py",)


def run_rules(arg: str, docs: list[Document], opts: RunOptions) -> SystemOutput:
    from newsgold.systems.rules_baseline import predict
    records = [predict(d.doc_id, d.text) for d in docs]
    return SystemOutput(records, {"name": "newsgold-rules-baseline"}, code=RULES_CODE)


def _gold_items(gold) -> dict[str, list[dict]]:
    out = {}
    for doc_id in gold.docs:
        stance = gold.docs[doc_id].get("stance") or {}
        out[doc_id] = list(stance.get("items") or []) if isinstance(stance, dict) else []
    return out


def run_majority_stance(arg: str, docs: list[Document], opts: RunOptions) -> SystemOutput:
    items = _gold_items(opts.gold)
    counts = Counter(it.get("label") for its in items.values() for it in its if it.get("label") in STANCE_LABELS)
    majority = max(STANCE_LABELS, key=lambda lab: (counts[lab], -STANCE_LABELS.index(lab)))
    records = [{"doc_id": d.doc_id, "system": "majority-stance",
                "stance": [{"item": it["id"], "label": majority} for it in items.get(d.doc_id, [])]} for d in docs]
    return SystemOutput(records, {"name": "majority-stance", "label": majority,
                                  "label_counts": {lab: counts[lab] for lab in STANCE_LABELS}}, code=MAJORITY_CODE)
