"""Generated blocks of DATASHEET.md and README.md: figures that must never drift from the data.

A block sits between ``<!-- newsgold:NAME:start -->`` and ``<!-- newsgold:NAME:end -->``
and is rewritten by ``newsgold datasheet`` (and checked by ``newsgold check``):

* ``stats``: composition figures from ``newsgold stats``;
* ``counts``: the headline counts (documents, sources, mentions, quotes, stance items) in one sentence;
* ``stance-reference``: the gold stance label distribution and the constant-NONE reference scores,
  printed beside every stance figure;
* ``agreement``: agreement between the protocol passes (pass against pass, never the gold), from ``newsgold agree``;
* ``leaderboard``: one row per ``submissions/`` folder, with CIs, signatures and commands (``newsgold leaderboard``).
* ``ner-alignment``: the gold mentions that the ``ner`` config's tokens do not hold exactly.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

from newsgold.core.jsonio import write_atomic
from newsgold.core.repository import current

BLOCK = re.compile(r"(<!-- newsgold:(?P<name>[a-z-]+):start -->\n)(?P<body>.*?)(<!-- newsgold:(?P=name):end -->)", re.S)

NO_PASSES = ("No protocol passes yet: `annotations/passes/` holds no two passes to compare. The 2.0.0 files "
             "`llm-blind-1` and `llm-blind-2` are one output recorded twice, not two annotators; they are archived "
             "in `annotations/archive/v2/` and their agreement is not published (README there).\n")


def agreement_pairs(root: Path) -> list[tuple[str, str]]:
    """Every pair of pass folders in ``annotations/passes/``, in name order: pass against pass only.

    The gold is never one side of a pair: it is made from the passes, so agreement with it is
    not agreement between annotators."""
    folder = root / "annotations" / "passes"
    names = sorted(p.name for p in folder.iterdir() if p.is_dir()) if folder.is_dir() else []
    return [(f"annotations/passes/{a}", f"annotations/passes/{b}")
            for i, a in enumerate(names) for b in names[i + 1:]]


def _gold_of(root: Path):
    from newsgold.gold.load import load_gold
    return load_gold(root / "annotations" / "gold") if root != current().root else load_gold()


def _stats_block(root: Path) -> str:
    from newsgold.release.stats import corpus_stats, render_stats
    gold = _gold_of(root)
    df = corpus_stats(gold)
    return (f"Dataset {gold.version}, content hash `{gold.content_hash}`. Reproduce: `newsgold stats --format markdown`.\n\n"
            + render_stats(df, "markdown") + "\n")


def _counts_block(root: Path) -> str:
    """The counts the prose would otherwise repeat by hand: every one from the current gold and manifest."""
    gold = _gold_of(root)
    docs = list(gold.docs.values())
    n = {"mentions": sum(len(r["entities"]["mentions"]) for r in docs),
         "clusters": sum(len(r["entities"]["clusters"]) for r in docs),
         "quotes": sum(len(r["quotes"]) for r in docs),
         "targets": sum(len((r.get("stance") or {}).get("targets", [])) for r in docs),
         "items": sum(len((r.get("stance") or {}).get("items", [])) for r in docs)}
    return (f"Dataset {gold.version}: {len(docs)} document(s){_source_files(root, set(gold.docs))}; {n['mentions']} entity "
            f"mentions in {n['clusters']} clusters; {n['quotes']} quotes; {n['items']} stance items (every holder × "
            f"target pair) on {n['targets']} declared targets. Reproduce: `newsgold stats`.\n")


def _source_files(root: Path, ids: set[str]) -> str:
    """' from N source file(s)' by the manifest, or nothing for a copy without one."""
    try:
        man = json.loads((root / "seeds" / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return ""
    return f" from {len({d['source'] for d in man['documents'] if d['id'] in ids})} source file(s)"


def _stance_reference_block(root: Path) -> str:
    """The gold's stance label distribution and what a constant-NONE system scores (same line as ``newsgold score``)."""
    from newsgold.core.schema import STANCE_LABELS
    from newsgold.reporting.text import stance_reference_line
    gold = _gold_of(root)
    matrix = [[0] * (len(STANCE_LABELS) + 1) for _ in STANCE_LABELS]
    for rec in gold.docs.values():
        for item in (rec.get("stance") or {}).get("items", []):
            i = STANCE_LABELS.index(item["label"])
            matrix[i][i] += 1
    cm = {"labels": list(STANCE_LABELS), "matrix": matrix}
    return (f"Dataset {gold.version}, {stance_reference_line(cm)}. Reproduce: `newsgold score PRED.jsonl --task stance` "
            "prints the same figures in a table under its stance confusion.\n")


def _agreement_block(root: Path) -> str:
    from newsgold.annotation.agree import agree
    from newsgold.reporting.text import render_table
    out = []
    for a, b in agreement_pairs(root):
        res = agree(root / a, root / b)
        rows = [[r["layer"], r["figure"], "n/a" if r["value"] is None else f"{r['value']:.3f}", r.get("n", "")]
                for r in res["figures"] if not re.match(r"^[A-Z_]+ span F1", r["figure"])]
        out.append(f"`newsgold agree {a} {b}`: {len(res['disagreements'])} disagreement(s)\n\n"
                   + render_table(["layer", "figure", "value", "n (A/B)"], rows, markdown=True) + "\n\n"
                   + f"Stance labels: A {_label_counts(root / a)}; B {_label_counts(root / b)}.\n")
    return "\n".join(out) if out else NO_PASSES


def _label_counts(folder: Path) -> str:
    """The stance label distribution of one pass folder, beside its stance agreement figures."""
    from collections import Counter

    from newsgold.core.schema import STANCE_LABELS
    counts: Counter = Counter()
    for p in sorted(folder.glob("*.json")):
        counts.update(s.get("label") for s in json.loads(p.read_text(encoding="utf-8"))["stance"]["items"])
    return ", ".join(f"{lab} {counts[lab]}" for lab in STANCE_LABELS)


def _leaderboard_block(root: Path) -> str:
    """The leaderboard rows of ``submissions/`` (see :mod:`newsgold.release.leaderboard`)."""
    from newsgold.release.leaderboard import render
    return render(root, gold=None if root == current().root else root / "annotations" / "gold")


def _ner_alignment_block(root: Path) -> str:
    from newsgold.release.build import gold_at, ner_alignment
    gold = gold_at(root)
    notes = ner_alignment(gold)
    n = sum(len(r["entities"]["mentions"]) for r in gold.docs.values())
    head = (f"Dataset {gold.version}: {n - len(notes)} of {n} gold mentions fall on token boundaries of the `ner` config; "
            f"{len(notes)} do not. Reproduce: `newsgold build` (it prints the same list).\n")
    if not notes:
        return head
    rows = [[m.doc_id, f"{m.start}:{m.end}", repr(m.text), m.label, m.how]
            for m in notes]
    from newsgold.reporting.text import render_table
    return head + "\n" + render_table(["document", "span", "text", "label", "in the ner config"], rows, markdown=True) + "\n"


GENERATORS = {"stats": _stats_block, "counts": _counts_block, "stance-reference": _stance_reference_block,
              "agreement": _agreement_block, "leaderboard": _leaderboard_block, "ner-alignment": _ner_alignment_block}
DOCUMENTS = ("DATASHEET.md", "README.md")
# Blocks each document must hold: a figure removed with its markers would no longer be checked.
REQUIRED = {"DATASHEET.md": ("stats", "counts", "stance-reference", "agreement", "ner-alignment"),
            "README.md": ("leaderboard", "stance-reference")}


def missing_blocks(root: Path | None = None) -> list[str]:
    """``FILE: NAME`` for every required generated block whose markers are absent."""
    root = Path(root or current().root)
    out = []
    for doc, names in REQUIRED.items():
        path = root / doc
        if not path.exists():
            continue
        present = {m.group("name") for m in BLOCK.finditer(path.read_text(encoding="utf-8"))}
        out += [f"{doc}: {n}" for n in names if n not in present]
    return out


def refresh(path: Path | None = None, root: Path | None = None, check: bool = False) -> list[str]:
    """Rewrite every generated block of DATASHEET.md and README.md (or one ``path``);
    with ``check``, write nothing and return the stale block names."""
    root = Path(root or current().root)
    targets = [Path(path)] if path else [root / d for d in DOCUMENTS if (root / d).exists()]
    stale: list[str] = []
    for target in targets:
        stale += _refresh_one(target, root, check)
    return stale


def _refresh_one(path: Path, root: Path, check: bool) -> list[str]:
    text = path.read_text(encoding="utf-8")
    stale = []

    def sub(m: re.Match) -> str:
        name = m.group("name")
        gen = GENERATORS.get(name)
        if gen is None:
            return m.group(0)
        body = gen(root)
        if body != m.group("body"):
            stale.append(name)
        return m.group(1) + body + m.group(4)

    new = BLOCK.sub(sub, text)
    if stale and not check:
        write_atomic(path, new)
    return stale
