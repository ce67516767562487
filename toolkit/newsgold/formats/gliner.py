"""GLiNER ``predict_entities`` output: ``{doc_id: [{"start", "end", "text", "label", "score"}]}`` or JSONL
``{"doc_id", "entities": [...]}``. Offsets: code points, or UTF-16 code units when GLiNER ran
behind a JavaScript front end (told apart per span by its ``text``).
"""
from __future__ import annotations

from pathlib import Path

from newsgold.core.diagnostics import Problem
from newsgold.formats.align import offsets_fit
from newsgold.formats.common import Report, as_score, declared_id, jp, keyed, load_units, score_problem
from newsgold.formats.ir import UTF16_OR_CODE_POINTS, DocDraft, ReadDocument, ReadOptions, span

UNIT = UTF16_OR_CODE_POINTS


def _gliner_items(v) -> bool:
    return isinstance(v, list) and all(isinstance(x, dict) and "start" in x and "label" in x for x in v)


def read(path: Path, name: str, report: Report, options: ReadOptions) -> list[ReadDocument]:
    docs = []
    for u in load_units(path, name, report):
        v = u.value
        if isinstance(v, dict) and isinstance(v.get("entities"), list) and not _gliner_items(v):
            did, _ = declared_id(v)
            parts = [(did, ("entities",), v["entities"])]
            text = v.get("text") if isinstance(v.get("text"), str) else None
        else:
            parts = keyed(v, _gliner_items)
            text = None
            if not parts:
                report.add(Problem(name, u.lf(()), "", "expected GLiNER predict_entities output per document: {doc_id: [{start, end, "
                                   "text, label, score}]} or JSONL {\"doc_id\", \"entities\": [...]}", "format"))
                continue
        for did, base, items in parts:
            d = DocDraft(name, u.lf(base), jp(*base), doc_id=did, text=text, unit=UTF16_OR_CODE_POINTS)
            checks = []
            for i, x in enumerate(items):
                p = base + (i,)
                if not isinstance(x, dict):
                    report.add(Problem(name, u.lf(p), jp(*p), "expected {start, end, text, label, score}", "format"))
                    continue
                txt = x.get("text") if isinstance(x.get("text"), str) else None
                bad = score_problem(x.get("score"), name, u.lf(p + ("score",)), jp(*p, "score"))
                if bad:
                    report.add(bad)
                d.regions.append(span(x.get("start"), x.get("end"), x.get("label"), u.lf(p), jp(*p), as_score(x.get("score")), txt,
                                     label_line=u.lf(p + ("label",))))
                checks.append((x.get("start"), x.get("end"), txt))
            if text is None:
                d.fit = lambda g, c=checks: offsets_fit(c, g)
            docs.append(d.freeze())
    return docs
