"""The folder ``evaluate.load`` takes: the metric is in ``newsgold_ner.py`` beside this file."""
