"""NewsGold: a gold evaluation set for news NLP and a scorer for any extractor.

The Python API and the ``newsgold`` command share one core::

    import newsgold
    result = newsgold.score("predictions.jsonl", task="entities")
    print(result.signature, result.value("entities", "overall/strict/f1"))

    # in memory, batch by batch (as Hugging Face evaluate)
    scorer = newsgold.EntityScorer()
    scorer.add_batch(predictions=predicted_docs, gold=gold_docs)   # lists of {"id", "text", "entities": [...]} or DataFrames
    scorer.compute().value("entities", "overall/strict/f1")
"""
from newsgold.core.version import __version__

__all__ = ["EntityScorer", "Span", "__version__", "compare", "load", "load_gold", "score", "score_spans"]


def __getattr__(name: str) -> object:
    # Lazy: `import newsgold` stays cheap; heavy modules load on first use.
    if name in ("score", "compare"):
        from newsgold.scoring import api
        return getattr(api, name)
    if name in ("score_spans", "EntityScorer"):
        from newsgold.scoring import inmemory
        return getattr(inmemory, name)
    if name == "Span":
        from newsgold.core.records import Span
        return Span
    if name == "load_gold":
        from newsgold.gold.load import load_gold
        return load_gold
    if name == "load":
        from newsgold.release.hf import load
        return load
    if name == "integrations":        # newsgold.integrations.transformers.compute_metrics after a plain import
        import newsgold.integrations
        return newsgold.integrations
    raise AttributeError(name)
