"""Declared stance targets: one file per document, ``annotations/targets/<doc_id>.json``.

Targets are declared before any stance item is annotated (GUIDELINES.md S-3) and given to
annotators with the text; every pass and the gold copy them verbatim (F-7). Keeping them
out of the codebook keeps the codebook free of answers for our documents.
"""
from __future__ import annotations

from pathlib import Path

from newsgold.core.diagnostics import InputError, Problem
from newsgold.core.jsonio import read_json


def declared_targets(targets_dir: Path) -> dict[str, list[dict]]:
    """The declared targets of every document that has a targets file, by document id.

    Raises :class:`InputError` listing every unreadable or malformed file.
    """
    out: dict[str, list[dict]] = {}
    problems: list[Problem] = []
    for path in sorted(Path(targets_dir).glob("*.json")) if Path(targets_dir).is_dir() else []:
        data, _, probs = read_json(path)
        problems += [p for p in probs if p.severity == "error"]
        if data is None:
            continue
        targets = data.get("targets") if isinstance(data, dict) else None
        if not isinstance(data, dict) or not isinstance(targets, list) or not all(isinstance(t, dict) for t in targets):
            problems.append(Problem(str(path), 1, "targets", "expected a 'targets' list of objects (GUIDELINES.md S-9)", "targets"))
            continue
        if data.get("doc_id") != path.stem:
            problems.append(Problem(str(path), 1, "doc_id", f"doc_id {data.get('doc_id')!r} differs from the file name {path.stem!r}", "targets"))
            continue
        out[path.stem] = targets
    if problems:
        raise InputError(problems)
    return out
