"""NewsGold entity scoring as a Hugging Face ``evaluate`` metric.

Load it from this folder (no download)::

    import evaluate, newsgold.integrations as ni
    metric = evaluate.load(ni.evaluate_metric_path())
    metric.add_batch(predictions=[["B-PERSON", "I-PERSON", "O"]], references=[["B-PERSON", "I-PERSON", "O"]])
    metric.compute()      # {"overall_strict_f1": 1.0, ...}

Inputs, as seqeval's metric: one list of IOB2 tags per example (predictions and
references). The figures are those of ``newsgold score``: strict, exact, partial and type
schemes (SemEval-2013 9.1), overall, macro and per label, with optimal one-to-one matching.
"""
from __future__ import annotations

import datasets
import evaluate

from newsgold.integrations.transformers import documents_from_tags, flat_figures
from newsgold.scoring.inmemory import score_spans

_DESCRIPTION = __doc__
_KWARGS = """
Args:
    predictions: list of lists of IOB2 tags (one list per example).
    references: list of lists of IOB2 tags, the same lengths.
Returns:
    a flat dict of floats: overall_<scheme>_<precision|recall|f1>, macro_..., label_<LABEL>_...
"""


class NewsgoldNer(evaluate.Metric):
    def _info(self) -> evaluate.MetricInfo:
        return evaluate.MetricInfo(
            description=_DESCRIPTION, citation="", inputs_description=_KWARGS,
            features=datasets.Features({"predictions": datasets.Sequence(datasets.Value("string")),
                                        "references": datasets.Sequence(datasets.Value("string"))}))

    def _compute(self, predictions, references):
        gold, pred = documents_from_tags(references, predictions)
        return flat_figures(score_spans(predictions=pred, gold=gold, resamples=0))
