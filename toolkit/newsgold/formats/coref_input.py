"""Coreference predictions from a file, in any coreference format, placed on the gold texts.

One entry point for ``score``/``compare --task coref``, ``run`` and the leaderboard:
:func:`read_response` picks the reader (:data:`READERS`), places token formats on the gold
text (:func:`newsgold.formats.coref_common.to_characters`) and maps CoNLL document names to
document ids; :func:`score_file` reads and scores.

A CorefUD CoNLL-U file (``--from corefud``, read by :mod:`newsgold.formats.corefud`) names its
documents by ``# newdoc id``; the text rebuilt from its tokens is the document's own. When it is
the gold text exactly, the mentions' offsets carry over; otherwise the tokens are placed on the gold
text by the CoNLL-2012 rule, and every mention of a document that cannot be placed is reported at its
bracket's line. A mention's minimal span (``MIN``/head) is not read: the partial match uses the gold's
minimal spans, as the CorefUD scorer does.

A CoNLL-2012 file can also be the gold (``--gold key.conll``), as for ``scorer.pl``: then the
response must be CoNLL-2012 too, mentions are compared as token spans (no text needed),
documents are paired by their full ``#begin document`` name, and every key document is scored
(one the response lacks counts as empty), as the reference scorer does.
"""
from __future__ import annotations

from newsgold.core.diagnostics import InputError, Problem
from newsgold.scoring.coref_task import CorefKey, CorefOptions, CorefResult, score

Span = tuple[int, int]
READERS = ("coref-json", "coref-strings", "conll-2012", "corefud")


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
    if fmt == "corefud":
        return _corefud(path, gold)
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


def _corefud(path, gold) -> tuple[dict[str, list[list[Span]]], list[Problem]]:
    """CorefUD documents by ``# newdoc id``, placed on the gold texts (see the module doc)."""
    from newsgold.formats import corefud
    file = str(path)
    docs, problems = corefud.read_with_problems(path, file)
    out: dict[str, list[list[Span]]] = {}
    seen: set[str] = set()
    for d in docs:
        if d.doc_id not in gold.docs or d.doc_id in seen:
            what = "unknown document id" if d.doc_id not in gold.docs else "a second document with the id"
            problems.append(Problem(file, d.line, "# newdoc id", f"{what} {d.doc_id!r}", "ref-document"))
            continue
        seen.add(d.doc_id)
        clusters, errs = _corefud_placed(d, gold.text(d.doc_id), file)
        problems += errs + _corefud_notes(d, file)
        if not errs:
            out[d.doc_id] = clusters
    return out, problems


def _corefud_placed(d, text: str, file: str) -> tuple[list[list[Span]], list[Problem]]:
    """Offsets as they are when the rebuilt text is the gold text, else token by token; every mention
    of a document whose tokens do not follow the gold text is reported."""
    from newsgold.formats.coref_common import to_characters
    if d.text == text:
        return d.clusters(), []
    placed, errs = to_characters(d.token_document(), text, file)
    if not errs:
        return placed.clusters, []
    return [], errs + [Problem(file, m.line, "MISC/Entity", f"mention {m.text!r} of entity {m.entity} cannot be placed "
                               f"on the gold text of {d.doc_id!r}: the document's tokens do not follow it "
                               f"({errs[0].path})", "corefud-placement") for m in d.mentions]


def _corefud_notes(d, file: str) -> list[Problem]:
    """What is scored otherwise than written: discontinuous mentions (as their extent), and the
    coreference marks the reader does not carry (bridging, split antecedents, empty nodes)."""
    notes = [Problem(file, m.line, "MISC/Entity", f"discontinuous mention {m.text!r} of entity {m.entity} is scored as "
                     "one span from its first to its last word", "corefud-discontinuous", "warning")
             for m in d.mentions if len(m.fragments) > 1]
    skipped = [f"{what} ({n})" for what, n in d.ignored if what in ("MISC Bridge", "MISC SplitAnte", "empty node")]
    if skipped:
        notes.append(Problem(file, d.line, "MISC", f"not scored in document {d.doc_id!r}: {', '.join(skipped)}",
                             "corefud-ignored", "warning"))
    return notes


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
