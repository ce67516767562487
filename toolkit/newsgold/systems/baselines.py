"""The built-in baselines as systems of ``newsgold run``.

* ``rules``: the rule baseline of :mod:`newsgold.systems.rules_baseline` (text only), the
  same predictions as ``newsgold baseline``.
* ``majority-stance``: every gold stance item gets the label NONE, fixed in this code and not
  computed from any gold: the gold labels every (holder, target) pair of a document
  (GUIDELINES.md S-7), and a holder addresses few of the declared targets, so NONE is the majority
  class by the design of the task. It is the floor a stance classifier must clear: the score of
  saying that no holder takes any position. (It reads the gold's item ids, as every
  classification run does, never their labels.)
"""
from __future__ import annotations

from newsgold.core.records import Document, StanceItem
from newsgold.systems.common import RunOptions, SystemOutput

RULES_CODE = ("systems/rules_baseline.py",)
MAJORITY_CODE = ("systems/baselines.py",)
MAJORITY_LABEL = "NONE"   # by design of the stance matrix, never from the gold labels


def run_rules(arg: str, docs: list[Document], opts: RunOptions) -> SystemOutput:
    from newsgold.systems.rules_baseline import predict
    records = [predict(d.id, d.text) for d in docs]
    return SystemOutput(records, {"name": "newsgold-rules-baseline"}, code=RULES_CODE)


def _gold_items(gold) -> dict[str, list[dict]]:
    out = {}
    for doc_id in gold.docs:
        stance = gold.docs[doc_id].get("stance") or {}
        out[doc_id] = list(stance.get("items") or []) if isinstance(stance, dict) else []
    return out


def run_majority_stance(arg: str, docs: list[Document], opts: RunOptions) -> SystemOutput:
    items = _gold_items(opts.gold)
    records = [{"doc_id": d.id, "system": "majority-stance",
                "stance": [StanceItem(it["id"], MAJORITY_LABEL).to_dict() for it in items.get(d.id, [])]} for d in docs]
    return SystemOutput(records, {"name": "majority-stance", "label": MAJORITY_LABEL}, code=MAJORITY_CODE)
