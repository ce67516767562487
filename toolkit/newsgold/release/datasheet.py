"""Generated blocks of DATASHEET.md and README.md: figures that must never drift from the data.

A block sits between ``<!-- newsgold:NAME:start -->`` and ``<!-- newsgold:NAME:end -->``
and is rewritten by ``newsgold datasheet`` (and checked by ``newsgold check``):

* ``stats``: composition figures from ``newsgold stats``;
* ``agreement``: agreement between the annotation passes, from ``newsgold agree``;
* ``leaderboard``: one row per ``submissions/`` folder, with CIs, signatures and commands (``newsgold leaderboard``).
* ``ner-alignment``: the gold mentions that the ``ner`` config's tokens do not hold exactly.
"""
from __future__ import annotations

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


def _stats_block(root: Path) -> str:
    from newsgold.gold.load import load_gold
    from newsgold.release.stats import corpus_stats, render_stats
    gold = load_gold(root / "annotations" / "gold") if root != current().root else load_gold()
    df = corpus_stats(gold)
    return (f"Dataset {gold.version}, content hash `{gold.content_hash}`. Reproduce: `newsgold stats --format markdown`.\n\n"
            + render_stats(df, "markdown") + "\n")


def _agreement_block(root: Path) -> str:
    from newsgold.annotation.agree import agree
    from newsgold.reporting.text import render_table
    out = []
    for a, b in agreement_pairs(root):
        res = agree(root / a, root / b)
        rows = [[r["layer"], r["figure"], "n/a" if r["value"] is None else f"{r['value']:.3f}", r.get("n", "")]
                for r in res["figures"] if not re.match(r"^[A-Z_]+ span F1", r["figure"])]
        out.append(f"`newsgold agree {a} {b}`: {len(res['disagreements'])} disagreement(s)\n\n"
                   + render_table(["layer", "figure", "value", "n (A/B)"], rows, markdown=True) + "\n")
    return "\n".join(out) if out else NO_PASSES


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


GENERATORS = {"stats": _stats_block, "agreement": _agreement_block, "leaderboard": _leaderboard_block,
              "ner-alignment": _ner_alignment_block}
DOCUMENTS = ("DATASHEET.md", "README.md")


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
