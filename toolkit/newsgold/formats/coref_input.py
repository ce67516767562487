"""Coreference predictions from a file, in any coreference format, placed on the gold texts.

One entry point for ``score``/``compare --task coref``, ``run`` and the leaderboard:
:func:`read_response` picks the reader (:data:`READERS`), places token formats on the gold
text (:func:`newsgold.formats.coref_common.to_characters`) and maps CoNLL document names to
document ids; :func:`score_file` reads and scores.

A CoNLL-2012 file can also be the gold (``--gold key.conll``), as for ``scorer.pl``: then the
response must be CoNLL-2012 too, mentions are compared as token spans (no text needed),
documents are paired by their full ``#begin document`` name, and every key document is scored
(one the response lacks counts as empty), as the reference scorer does.
"""
from __future__ import annotations

from newsgold.core.diagnostics import InputError, Problem
from newsgold.scoring.coref_task import CorefKey, CorefOptions, CorefResult, score

Span = tuple[int, int]
READERS = ("coref-json", "coref-strings", "conll-2012")


def read_response(fmt: str, path, gold) -> tuple[dict[str, list[list[Span]]], list[Problem]]:
    """Predicted clusters per document id (code points of the gold text) and every problem;
    ``fmt`` is one of :data:`READERS`."""
    if fmt in ("coref-json", "coref-strings"):
        from newsgold.formats import coref_json
        reader = coref_json.read if fmt == "coref-json" else coref_json.read_strings
        return reader(path, gold)
    if fmt == "conll-2012":
        from newsgold.formats import coref_conll
        return _placed(coref_conll.read(path), str(path), gold)
    raise InputError(Problem(str(path), 0, "--from", f"coreference input format {fmt!r} is not readable yet", "format"))


def _doc_id(name: str) -> str:
    """``(doc id); part 000`` → ``doc id``: how CoNLL-2012 names a document."""
    head = name.split(";")[0].strip()
    return head[1:-1] if head.startswith("(") and head.endswith(")") else head


def _placed(docs, file: str, gold) -> tuple[dict[str, list[list[Span]]], list[Problem]]:
    """Token documents placed on the gold texts (:func:`~newsgold.formats.coref_common.to_characters`)."""
    from newsgold.formats.coref_common import to_characters
    out: dict[str, list[list[Span]]] = {}
    problems: list[Problem] = []
    for d in docs:
        did = _doc_id(d.name)
        if did not in gold.docs:
            problems.append(Problem(file, d.line, "#begin document", f"unknown document id {did!r} (from {d.name!r})",
                                    "ref-document"))
            continue
        placed, errs = to_characters(d, gold.text(did), file)
        problems += errs
        if not errs:
            out[did] = placed.clusters
    return out, problems


def to_records(clusters: dict[str, list[list[Span]]], gold) -> list[dict]:
    """Predictions records with the ``coref`` layer (one per document, in gold order), for ``newsgold score``."""
    return [{"doc_id": d, "coref": [[{"start": s, "end": e} for s, e in c] for c in clusters[d]]}
            for d in gold.ids if d in clusters]


def read_records(fmt: str, path, gold) -> tuple[list[dict], list[Problem]]:
    """A coreference file as predictions records (:func:`to_records`) and every problem of reading it."""
    clusters, problems = read_response(fmt, path, gold)
    return to_records(clusters, gold), problems


def score_file(path, fmt: str, gold=None, options: CorefOptions | None = None, resamples: int = 1000,
               seed: int = 12345) -> CorefResult:
    """Read a coreference predictions file and score it (:func:`newsgold.scoring.coref_task.score`)."""
    from newsgold.gold.load import Gold, load_gold
    gold = gold if isinstance(gold, Gold) else load_gold(gold)
    response, problems = read_response(fmt, path, gold)
    return score(response, gold, options, resamples, seed, problems, source=str(path))


def is_conll_file(path) -> bool:
    """Whether ``path`` is a CoNLL-2011/2012 coreference file (its first non-blank line begins a document)."""
    import re
    from pathlib import Path
    p = Path(path)
    if not p.is_file():
        return False
    with open(p, encoding="utf-8", errors="replace") as fh:
        for line in fh:
            if line.strip():
                return re.match(r"#\s*begin document", line) is not None
    return False


def key_from_conll(path) -> CorefKey:
    """A CoNLL-2012 key file as the gold: token spans, the data field ``custom+<sha256 of the file>``."""
    import hashlib
    from pathlib import Path

    from newsgold.formats import coref_conll
    docs = coref_conll.read(path)
    names = [d.name for d in docs]
    digest = hashlib.sha256(Path(path).read_bytes()).hexdigest()
    return CorefKey(names, {d.name: d.clusters for d in docs}, {d.name: d.min_spans for d in docs}, "custom", digest,
                    every_document=True)


def score_conll_files(key_path, response_path, options: CorefOptions | None = None, resamples: int = 1000,
                      seed: int = 12345) -> CorefResult:
    """Score a CoNLL-2012 response against a CoNLL-2012 key, document by document name, as ``scorer.pl``."""
    from newsgold.formats import coref_conll
    key = key_from_conll(key_path)
    problems: list[Problem] = []
    response: dict[str, list[list[Span]]] = {}
    for d in coref_conll.read(response_path, problems):
        if d.name not in key.clusters:
            problems.append(Problem(str(response_path), d.line, "#begin document",
                                    f"document {d.name!r} is not in the key: not scored", "ref-document", "warning"))
        response[d.name] = d.clusters
    return score(response, key, options, resamples, seed, problems, source=str(response_path))
