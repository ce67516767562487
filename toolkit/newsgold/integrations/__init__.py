"""Hooks into other libraries' evaluation loops, all through the one scoring core.

* :mod:`newsgold.integrations.transformers`: ``compute_metrics`` for ``transformers.Trainer``
  (token-level predictions in, entity figures out); needs neither transformers nor torch.
* ``newsgold_ner/``: a Hugging Face ``evaluate`` metric module,
  ``evaluate.load(newsgold.integrations.evaluate_metric_path())``.
"""
from __future__ import annotations

from pathlib import Path

__all__ = ["evaluate_metric_path"]


def __getattr__(name: str) -> object:
    # ``newsgold.integrations.transformers`` without importing it first (it is light: numpy only)
    if name == "transformers":
        import importlib
        return importlib.import_module("newsgold.integrations.transformers")
    raise AttributeError(name)


def evaluate_metric_path() -> str:
    """The folder of the ``evaluate`` metric module (``evaluate.load`` takes it as is)."""
    return str(Path(__file__).resolve().parent / "newsgold_ner")
