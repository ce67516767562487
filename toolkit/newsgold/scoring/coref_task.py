"""The ``coref`` task: predicted clusters against the gold entity clusters, with intervals and a signature.

The gold: every gold entity mention belongs to a cluster (``entities.mentions[].cluster``), so
each document's key is its mentions grouped by cluster, as code-point spans of the text. The
response is clusters of spans of the same text per document id, as the coreference readers
give them (:mod:`newsgold.formats.coref_input`).
Documents the predictions do not mention are left out and reported (as the other tasks do);
a document they mention with no cluster is scored as an empty response.

Per document, :func:`newsgold.scoring.coref.doc_stats` gives additive statistics; the corpus
figures come from their sum, the bootstrap intervals and the paired tests from
:mod:`newsgold.scoring.resampling`, unchanged, with its minimum of documents.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from newsgold.core.diagnostics import InputError, Problem
from newsgold.core.version import __version__
from newsgold.scoring import coref
from newsgold.scoring import signature as sig
from newsgold.scoring.resampling import availability, bootstrap, paired_tests, randomization_method, too_few_label

Span = tuple[int, int]
MATCHES = ("exact", "partial")


@dataclass(frozen=True)
class CorefOptions:
    """How mentions and singletons are treated: printed with every score and part of its signature."""

    singletons: bool = True          # CorefUD style; False: OntoNotes / CoNLL-2012 style
    match: str = "exact"             # or "partial": CorefUD partial match (needs minimal spans)

    def describe(self) -> str:
        return (f"mentions match {'exactly' if self.match == 'exact' else 'partially (CorefUD)'}; "
                f"singletons {'included' if self.singletons else 'excluded'}")


def gold_clusters(doc: dict[str, Any]) -> list[list[Span]]:
    """A gold document's key: its entity mentions grouped by cluster, clusters in order of first mention."""
    by: dict[str, list[Span]] = {}
    for m in (doc.get("entities") or {}).get("mentions", []):
        by.setdefault(m["cluster"], []).append((m["start"], m["end"]))
    return list(by.values())


def gold_min_spans(doc: dict[str, Any]) -> dict[Span, Span]:
    """Minimal spans of gold mentions that carry one (``"min": [start, end]``, as a CorefUD import
    can give); a mention without one has its whole span as minimal span."""
    out = {}
    for m in (doc.get("entities") or {}).get("mentions", []):
        if isinstance(m.get("min"), list) and len(m["min"]) == 2:
            out[(m["start"], m["end"])] = (m["min"][0], m["min"][1])
    return out


@dataclass(frozen=True)
class CorefKey:
    """The key of a coreference score: clusters per document, whatever the gold's source.

    From NewsGold's gold (:func:`key_from_gold`: documents the predictions leave out are left out
    and reported, as the other tasks do) or from a coreference file such as a CoNLL-2012 key
    (``every_document``: as ``scorer.pl`` does, every key document is scored and a document the
    response lacks counts as an empty response).
    """

    ids: list[str]
    clusters: dict[str, list[list[Span]]]
    min_spans: dict[str, dict[Span, Span]]
    version: str
    content_hash: str
    every_document: bool = False


def key_from_gold(gold: Any) -> CorefKey:
    """NewsGold's gold (a :class:`~newsgold.gold.read.Gold` or what ``load_gold`` takes) as a key."""
    from newsgold.gold.load import load_gold
    from newsgold.gold.read import Gold
    gold = gold if isinstance(gold, Gold) else load_gold(gold)
    return CorefKey(list(gold.ids), {d: gold_clusters(gold.docs[d]) for d in gold.ids},
                    {d: gold_min_spans(gold.docs[d]) for d in gold.ids}, gold.version, gold.content_hash)


@dataclass
class CorefResult:
    """Figures (each with its interval, or null and the reason), counts, signature and warnings."""

    signature: str
    options: CorefOptions
    entry: dict[str, Any]
    warnings: list[Problem] = field(default_factory=list)
    stats: np.ndarray | None = None
    doc_ids: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """The shape of the other tasks' scores (``tasks.coref`` holds figures and counts), plus the options."""
        return {"signature": self.signature, "n_documents": self.entry["n_documents"],
                "options": {"singletons": "included" if self.options.singletons else "excluded",
                            "match": self.options.match, "described": self.options.describe()},
                "tasks": {"coref": self.entry}, "warnings": [str(w) for w in self.warnings]}


def signature(key: CorefKey, options: CorefOptions, resamples: int, seed: int, ci: str | None = None) -> str:
    """The usual signature; ``match`` says the mention match, ``scheme`` the metrics and the singleton rule."""
    return sig.make(version=__version__, data_version=key.version, data_hash=key.content_hash, task="coref",
                    overlap=0.0, label_map=None, labels=None, zones=None, resamples=resamples, seed=seed, ci=ci,
                    match=f"coref-{options.match}",
                    scheme="muc,bcub,ceafm,ceafe,blanc,lea,conll;singletons-"
                           + ("included" if options.singletons else "excluded"),
                    overlap_text="none")


def document_stats(key: CorefKey, response: dict[str, list[list[Span]]], options: CorefOptions
                   ) -> tuple[list[str], np.ndarray, list[Problem]]:
    """Per-document statistics of the documents the response names, in gold order, and what was dropped.

    With the partial match, the gold mentions' minimal spans (:func:`gold_min_spans`) decide; when
    the gold has none, partial match is exact match, and a warning says so.
    """
    ids = [d for d in key.ids if d in response or key.every_document]
    rows, notes = [], []
    if options.match == "partial" and not any(key.min_spans.get(d) for d in ids):
        notes.append(Problem("(gold)", 0, "entities/mentions/min", "the gold mentions carry no minimal span: the "
                             "partial match reduces to the exact match", "coref-partial", "warning"))
    for did in ids:
        doc_notes: list[str] = []
        mins = key.min_spans.get(did, {}) if options.match == "partial" else None
        rows.append(coref.doc_stats(key.clusters[did], response.get(did, []), singletons=options.singletons,
                                    min_spans=mins, notes=doc_notes))
        notes += [Problem("(predictions)", 0, did, n, "coref-repeat", "warning") for n in doc_notes]
    stats = np.array(rows, dtype=np.float64).reshape(len(ids), len(coref.FIELDS))
    return ids, stats, notes


def entry(stats: np.ndarray, resamples: int, seed: int, excluded: int) -> dict[str, Any]:
    """The task's figures with intervals (or the reason there are none), counts and documents."""
    avail = availability(len(stats), resamples)
    cis = bootstrap(stats, coref.figures, resamples, seed) if avail.available else None
    total = stats.sum(axis=0)
    figs: dict[str, dict[str, Any]] = {}
    for k, v in coref.figures(total).items():
        figs[k] = {"value": float(v), "ci": list(cis[k])} if cis else {"value": float(v), "ci": None,
                                                                         "ci_reason": avail.reason}
    counts = {f: round(float(total[i]), 6) for f, i in coref.IX.items()}
    return {"n_documents": len(stats), "excluded_documents": excluded, "ci_reason": avail.reason,
            "figures": figs, "counts": counts}


def ci_field(n_docs: int, resamples: int) -> str:
    if availability(n_docs, resamples).available:
        return f"bootstrap-docs-{resamples}-95"
    return "none" if resamples <= 0 else too_few_label(n_docs)


def score(predictions: dict[str, list[list[Span]]], gold: Any = None, options: CorefOptions | None = None,
          resamples: int = 1000, seed: int = 12345, problems: list[Problem] | None = None,
          source: str = "(predictions)") -> CorefResult:
    """Score predicted clusters (``{doc_id: clusters}``) against the gold clusters; ``gold`` is a
    :class:`CorefKey` or NewsGold gold (:func:`key_from_gold`); ``problems`` are the reader's (errors
    stop, warnings are carried into the result)."""
    key = gold if isinstance(gold, CorefKey) else key_from_gold(gold)
    options = options or CorefOptions()
    problems = list(problems or [])
    response = predictions
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise InputError(errors)
    if not response:
        raise InputError(Problem(source, 0, "", "no document of the gold in the predictions", "coverage"))
    ids, stats, notes = document_stats(key, response, options)
    absent = [d for d in key.ids if d not in response]
    warnings = [p for p in problems if p.severity != "error"] + notes
    if absent:
        what = "scored as empty responses" if key.every_document else "not scored"
        warnings.append(Problem(source, 0, "", f"{len(absent)} gold document(s) absent from the predictions are {what}: "
                                + ", ".join(absent[:5]) + (" …" if len(absent) > 5 else ""), "coverage", "warning"))
    excluded = 0 if key.every_document else len(absent)
    return CorefResult(signature(key, options, resamples, seed, ci_field(len(ids), resamples)), options,
                       entry(stats, resamples, seed, excluded), warnings, stats, ids)


def compare(a: CorefResult, b: CorefResult, resamples: int = 1000, seed: int = 12345) -> dict[str, dict[str, Any]]:
    """Paired bootstrap and randomization tests of B minus A on the documents both scored."""
    common = [d for d in a.doc_ids if d in set(b.doc_ids)]
    ia, ib = ({d: i for i, d in enumerate(r.doc_ids)} for r in (a, b))
    assert a.stats is not None and b.stats is not None
    sa = a.stats[[ia[d] for d in common]]
    sb = b.stats[[ib[d] for d in common]]
    return paired_tests(sa, sb, coref.figures, resamples, seed)


def signature_with_tests(signature: str, n_docs: int, tests: dict[str, dict[str, Any]], resamples: int | None = None) -> str:
    """The signature of a comparison: its ``ci`` field names the tests run (or why none)."""
    fields = sig.parse(signature)
    first = next(iter(tests.values()), {})
    if first.get("p_randomization") is None and first.get("p_randomization_reason"):
        fields["ci"] = too_few_label(n_docs) if "not available" in first["p_randomization_reason"] else "none"
    else:
        r = resamples or 1000
        fields["ci"] = f"paired-bootstrap-docs-{r}+randomization-{randomization_method(n_docs, r)}"
    return "|".join(f"{k}:{fields[k]}" for k in sig.FIELDS)
