"""NewsGold: a gold evaluation set for news NLP and a scorer for any extractor.

The Python API and the ``newsgold`` command share one core::

    import newsgold
    result = newsgold.score("predictions.jsonl", task="entities")
    print(result.signature, result.to_dict()["entities"]["overall"]["strict"]["f1"])
"""
__version__ = "0.1.0"

__all__ = ["__version__", "score", "compare", "load_gold", "load"]


def __getattr__(name):
    # Lazy: `import newsgold` stays cheap; heavy modules load on first use.
    if name in ("score", "compare"):
        from newsgold.scoring import api
        return getattr(api, name)
    if name == "load_gold":
        from newsgold.dataset.gold import load_gold
        return load_gold
    if name == "load":
        from newsgold.dataset.hf import load
        return load
    raise AttributeError(name)
